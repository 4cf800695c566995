/* Batch assembly on the device: the dataset lives on the device as uint8
 * once; each step gathers its shuffled examples and converts them to float.
 *
 * gather_batch: x[b, f] = pre(pixels[index[first + b] * features + f])
 *               y[b]    = labels[index[first + b]]
 *   pre(p) = p > 0 when BINARIZE, p / 255 when SCALE, else p.
 * Each work-item converts GATHER_VW consecutive pixels of GATHER_ROWS rows
 * as vectors (one work-item per pixel made PoCL run 49 tiny work-groups per
 * row: 109 µs per MNIST batch; one row per work-group still paid PoCL's
 * per-group cost 100 times: 43 µs). Global size: (ceil(features /
 * GATHER_VW) rounded up to the work-group, ceil(batch / GATHER_ROWS)). */

#ifndef SCALE
#define SCALE 1     /* divide pixels by 255 */
#endif
#ifndef BINARIZE
#define BINARIZE 0  /* pixel > 0 -> 1, overrides SCALE */
#endif
#ifndef GATHER_VW
#define GATHER_VW 16
#endif
#ifndef GATHER_ROWS
#define GATHER_ROWS 1 /* rows per work-item */
#endif
#define GCAT_(a, b) a##b
#define GCAT(a, b) GCAT_(a, b)
#define FLOATV GCAT(float, GATHER_VW)

#if BINARIZE
#define PRE(p) ((p) > 0 ? 1.0f : 0.0f)
#define PREV(p) select((FLOATV)0.0f, (FLOATV)1.0f, GCAT(convert_int, GATHER_VW)(p) > 0)
#elif SCALE
#define PRE(p) ((float)(p) * (1.0f / 255.0f))
#define PREV(p) (GCAT(convert_float, GATHER_VW)(p) * (1.0f / 255.0f))
#else
#define PRE(p) ((float)(p))
#define PREV(p) GCAT(convert_float, GATHER_VW)(p)
#endif

__kernel void gather_batch(__global const uchar *pixels,  /* [count, features] */
                           __global const uchar *labels,  /* [count] */
                           __global const uint *index,    /* [count] epoch order */
                           const uint first,              /* first position of this batch */
                           const uint batch,
                           const uint features,
                           __global float *x,             /* [batch, features] */
                           __global int *y)               /* [batch] */
{
    const uint f = get_global_id(0) * GATHER_VW;
    if (f >= features)
        return;
    const uint b0 = get_global_id(1) * GATHER_ROWS, b_end = min(b0 + GATHER_ROWS, batch);
    for (uint b = b0; b < b_end; b++) {
        const uint example = index[first + b];
        __global const uchar *src = pixels + (size_t)example * features;
        __global float *dst = x + (size_t)b * features;
        if (f + GATHER_VW <= features) {
            GCAT(vstore, GATHER_VW)(PREV(GCAT(vload, GATHER_VW)(0, src + f)), 0, dst + f);
        } else {
            for (uint i = f; i < features; i++)
                dst[i] = PRE(src[i]);
        }
        if (f == 0)
            y[b] = labels[example];
    }
}
