/* Batch assembly on the device: the dataset lives on the device as uint8
 * once; each step gathers its shuffled examples and converts them to float.
 *
 * gather_batch: x[b, f] = pre(pixels[index[first + b] * features + f])
 *               y[b]    = labels[index[first + b]]
 *   pre(p) = p > 0 when BINARIZE, p / 255 when SCALE, else p.
 * Global size: (features rounded up, batch). */

#ifndef SCALE
#define SCALE 1     /* divide pixels by 255 */
#endif
#ifndef BINARIZE
#define BINARIZE 0  /* pixel > 0 -> 1, overrides SCALE */
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
    const uint f = get_global_id(0);
    const uint b = get_global_id(1);
    if (b >= batch || f >= features)
        return;
    const uint example = index[first + b];
    const uchar p = pixels[(size_t)example * features + f];
#if BINARIZE
    x[(size_t)b * features + f] = p > 0 ? 1.0f : 0.0f;
#elif SCALE
    x[(size_t)b * features + f] = (float)p * (1.0f / 255.0f);
#else
    x[(size_t)b * features + f] = (float)p;
#endif
    if (f == 0)
        y[b] = labels[example];
}
