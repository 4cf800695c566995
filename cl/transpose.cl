/* dst = src^T: src is rows×cols, dst cols×rows, both row-major. The
 * compiler copies a weight matrix W this way so that the backward GEMM
 * dX = dZ·W^T runs in cl/gemm.cl's fast NN form (src/compiler/layout.c).
 *
 * Each work-item moves one 16×16 tile: 16 row vectors in, turned in
 * registers by four rounds of two-vector shuffles (rows i and i+d trade
 * their d-wide blocks, d = 8, 4, 2, 1), 16 row vectors out, so both sides
 * are contiguous vector accesses. Tiles are numbered row-major over the
 * tile grid; a 1-D NDRange of work-groups of 64 covers them (PoCL pays per
 * work-group, so few large groups). Edge tiles go element by element. */

#define TILE 16

/* Round d: row a keeps its lanes whose bit d is 0 and takes row b's lanes
 * d below in the others; row b takes a's lanes d above and keeps its own. */
#define TRADE(a, b, lo, hi)                                                                                        \
    do {                                                                                                           \
        const float16 ta = shuffle2((a), (b), (uint16)lo), tb = shuffle2((a), (b), (uint16)hi);                 \
        (a) = ta;                                                                                                  \
        (b) = tb;                                                                                                  \
    } while (0)
/* Round d over the tile: every row i whose bit d is 0 trades with row i + d. */
#define ROUND(d, lo, hi)                                                                                           \
    _Pragma("unroll") for (int i = 0; i < TILE; i++) if ((i & (d)) == 0) TRADE(r[i], r[i + (d)], lo, hi)
#define D8_LO (0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23)
#define D8_HI (8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31)
#define D4_LO (0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27)
#define D4_HI (4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31)
#define D2_LO (0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29)
#define D2_HI (2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31)
#define D1_LO (0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30)
#define D1_HI (1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31)

__kernel void transpose(__global const float *src, __global float *dst, const int rows, const int cols)
{
    const int tiles_per_row = (cols + TILE - 1) / TILE;
    const int t = (int)get_global_id(0);
    const int r0 = t / tiles_per_row * TILE, c0 = t % tiles_per_row * TILE;
    if (r0 >= rows)
        return;
    if (r0 + TILE <= rows && c0 + TILE <= cols) {
        float16 r[TILE];
#pragma unroll
        for (int i = 0; i < TILE; i++)
            r[i] = vload16(0, src + (r0 + i) * cols + c0);
        ROUND(8, D8_LO, D8_HI);
        ROUND(4, D4_LO, D4_HI);
        ROUND(2, D2_LO, D2_HI);
        ROUND(1, D1_LO, D1_HI);
#pragma unroll
        for (int j = 0; j < TILE; j++)
            vstore16(r[j], 0, dst + (c0 + j) * rows + r0);
        return;
    }
    for (int i = r0; i < min(r0 + TILE, rows); i++)
        for (int j = c0; j < min(c0 + TILE, cols); j++)
            dst[j * rows + i] = src[i * cols + j];
}
