/* The image as Unicode half blocks: a cell is two pixels stacked, so a
 * 28x28 digit takes 28 columns by 14 lines, about square on screen. */
#include "clmlp/plot.h"

/* xterm's 256-colour index nearest to grey level v: black (16), the
 * 24-step ramp 232..255 (levels 8, 18, ..., 238), or white (231). */
static int grey_index(uint8_t v)
{
    if (v < 4)
        return 16;
    if (v > 246)
        return 231;
    int step = ((int)v - 8 + 5) / 10;
    return 232 + (step < 0 ? 0 : step > 23 ? 23 : step);
}

static void frame_line(FILE *out, const char *left, const char *right, int cols)
{
    fputs(left, out);
    for (int c = 0; c < cols; c++)
        fputs("─", out);
    fprintf(out, "%s\n", right);
}

int clmlp_plot_write_terminal(FILE *out, const clmlp_plot_image *img, bool colour)
{
    static const char *const plain[4] = {" ", "▀", "▄", "█"}; /* by (top drawn) | (bottom drawn) << 1 */
    frame_line(out, "┌", "┐", img->cols);
    for (int r = 0; r < img->rows; r += 2) {
        const uint8_t *top = img->pixels + (size_t)r * (size_t)img->cols;
        const uint8_t *bottom = r + 1 < img->rows ? top + img->cols : NULL; /* an odd last row: black below */
        fputs("│", out);
        for (int c = 0; c < img->cols; c++) {
            uint8_t t = top[c], b = bottom ? bottom[c] : 0;
            if (colour)
                fprintf(out, "\x1b[38;5;%d;48;5;%dm▀", grey_index(t), grey_index(b));
            else
                fputs(plain[(t >= 128) | (b >= 128) << 1], out);
        }
        fprintf(out, "%s│\n", colour ? "\x1b[0m" : "");
    }
    frame_line(out, "└", "┘", img->cols);
    return ferror(out) ? -1 : 0;
}
