/* The image as an 8-bit greyscale PNG through libpng, pixel for pixel. */
#include "clmlp/plot.h"

#include <png.h>
#include <setjmp.h>

/* libpng reports errors by longjmp to the setjmp below; its warnings
 * (none expected for a plain greyscale image) are not worth a line. */
static void on_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

int clmlp_plot_write_png(FILE *out, const clmlp_plot_image *img)
{
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!info) {
        png_destroy_write_struct(&png, NULL);
        return -1;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return -1;
    }
    png_init_io(png, out);
    png_set_IHDR(png, info, (png_uint_32)img->cols, (png_uint_32)img->rows, 8, PNG_COLOR_TYPE_GRAY,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_text text[2] = {
        {.compression = PNG_TEXT_COMPRESSION_NONE, .key = "Title", .text = (png_charp)img->title},
        {.compression = PNG_TEXT_COMPRESSION_NONE, .key = "Software", .text = "clmlp show"},
    };
    png_set_text(png, info, text, 2);
    png_write_info(png, info);
    for (int r = 0; r < img->rows; r++)
        png_write_row(png, img->pixels + (size_t)r * (size_t)img->cols);
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    return 0;
}
