// Kernels of the device probe (src/probe/): what the device's memory system
// and launch path can do, the roofs every kernel of a run is placed under.

// Stream over a working set that may stay in a cache: y = a * y + x, moving
// 3 floats per element (x and y read, y written) `repeats` times. Each
// work-group owns `per_group` float16s of x and y; its work-items stride
// through them (local size 1 on a CPU: one contiguous pass per group), and a
// barrier closes each pass, so a pass cannot be fused with the next or kept
// in registers. Working set: 2 x 64 x per_group x groups bytes.
__kernel void probe_stream(__global float16 *y, __global const float16 *x, int per_group, int repeats, float a)
{
    size_t base = get_group_id(0) * (size_t)per_group;
    int step = (int)get_local_size(0);
    for (int r = 0; r < repeats; r++) {
        for (int i = (int)get_local_id(0); i < per_group; i += step)
            y[base + i] = a * y[base + i] + x[base + i];
        barrier(CLK_GLOBAL_MEM_FENCE);
    }
}

// Does nothing: a burst of these times what one launch costs.
__kernel void probe_empty(__global int *x) { (void)x; }
