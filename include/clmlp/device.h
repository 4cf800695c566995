/* OpenCL devices: enumeration into plain descriptors, selection as a pure
 * function over those descriptors (unit-tested without hardware), opening a
 * context + profiling queue, and building programs and kernels through an
 * on-disk binary cache that is treated as untrusted input. */
#ifndef CLMLP_DEVICE_H
#define CLMLP_DEVICE_H

#ifndef CL_TARGET_OPENCL_VERSION
#define CL_TARGET_OPENCL_VERSION 120
#endif
#include <CL/cl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "clmlp/common.h"
#include "clmlp/config.h"

typedef struct clmlp_device_desc {
    int index;               /* position in the enumeration (all platforms, in order) */
    int platform_index;
    char platform[256];      /* CL_PLATFORM_NAME */
    char name[256];          /* CL_DEVICE_NAME */
    char vendor[256];
    char version[128];       /* CL_DEVICE_VERSION */
    char driver[128];        /* CL_DRIVER_VERSION */
    char opencl_c[128];      /* CL_DEVICE_OPENCL_C_VERSION */
    cl_device_type type;     /* CL_DEVICE_TYPE_* bits */
    unsigned compute_units;
    unsigned clock_mhz;
    uint64_t global_mem;
    uint64_t local_mem;
    uint64_t max_alloc;
    size_t max_work_group;
    bool host_unified;       /* CL_DEVICE_HOST_UNIFIED_MEMORY: device and host share memory (CPUs, integrated GPUs) */
    unsigned native_float;   /* CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT: 1 where work-items are the SIMD lanes */
    bool local_mem_dedicated;/* CL_DEVICE_LOCAL_MEM_TYPE is CL_LOCAL (GPUs), not CL_GLOBAL (CPUs, llvmpipe) */
    /* Set when the device is opened: its profiling timestamps failed the
     * check (clmlp_event_timestamps_real), so every timed command is waited
     * for and timed by the host clock, one at a time. Timing caches (tune,
     * probe) keep such devices' figures apart. */
    bool host_timed;
    char host_timed_why[160];
    cl_platform_id platform_id; /* NULL for fake descriptors in tests */
    cl_device_id device_id;
} clmlp_device_desc;

/* All devices of all platforms. *out is malloc'ed; zero devices is not an
 * error here (the caller decides). */
int clmlp_devices_enumerate(clmlp_device_desc **out, int *count, clmlp_err *err);

/* Pure: returns the index into descs of the device the spec selects, or -1
 * with an error (CLMLP_EXIT_DEVICE) that lists what exists and how to pick it:
 *   no OpenCL device matches device.type=gpu; available: [0] cpu "pthread-..." (Portable Computing Language); select with --set device.type=cpu or --set device.name=<substring>
 * type any matches everything; accelerator matches ACCELERATOR and CUSTOM.
 * Filters: type, then platform and name substrings (case-insensitive), then
 * spec->index picks among the matches (-1 = the first). count 0 gives the
 * "no OpenCL devices found; install ..." error. */
int clmlp_device_select(const clmlp_device_desc *descs, int count, const clmlp_device_spec *spec, clmlp_err *err);

/* "cpu", "gpu", "accelerator", "custom" or "default" for the leading type bit. */
const char *clmlp_device_type_name(cl_device_type type);
/* Whether the device runs a work-group's work-items on its SIMD lanes, as
 * GPUs do: a GPU, or a device whose native float vector is 1 wide (Mesa's
 * llvmpipe; CPU OpenCLs such as PoCL vectorise inside a work-item and
 * report 8 or 16). Such devices get work-group-shaped kernels (many
 * work-items per group, local memory); never decided by a name. */
bool clmlp_device_lanes_are_work_items(const clmlp_device_desc *desc);

/* Compact clinfo-like table (fits 100 columns; one header line per
 * platform), and the same as JSON: an array of objects with keys index,
 * platform, name, vendor, type, compute_units, clock_mhz, global_mem_bytes,
 * local_mem_bytes, max_alloc_bytes, max_work_group_size, version,
 * opencl_c_version, driver_version. */
void clmlp_devices_print(FILE *out, const clmlp_device_desc *descs, int count);
void clmlp_devices_print_json(FILE *out, const clmlp_device_desc *descs, int count);
/* The keys above, written into an object the caller has opened. */
struct clmlp_json;
void clmlp_device_write_json_fields(struct clmlp_json *j, const clmlp_device_desc *d);

/* A program built from source whose binary is not in the cache yet. */
typedef struct clmlp_unsaved_program {
    cl_program program; /* retained */
    char *path;
    uint8_t key[32];    /* written into the record's header */
} clmlp_unsaved_program;

/* A program built on the device, found again by its key (the cache key:
 * device, options and source), so that kernels of one source and options
 * share one cl_program: on PoCL each program holds its bitcode and its
 * compiled work-group functions (~2 MB), and the seed's thirteen GEMMs of
 * one tile are one program. */
typedef struct clmlp_built_program {
    cl_program program; /* retained */
    uint8_t key[32];
    bool from_cache;
} clmlp_built_program;

/* An opened device: one context, one in-order queue with profiling enabled. */
typedef struct clmlp_device {
    clmlp_device_desc desc;
    cl_context context;
    cl_command_queue queue;
    clmlp_unsaved_program *unsaved; /* see clmlp_device_save_programs */
    int n_unsaved;
    clmlp_built_program *built; /* see clmlp_program_build */
    int n_built;
} clmlp_device;

int clmlp_device_open(const clmlp_device_desc *desc, clmlp_device *dev, clmlp_err *err);
/* Enumerates, selects by spec (clmlp_device_select's errors) and opens. */
int clmlp_device_open_spec(const clmlp_device_spec *spec, clmlp_device *dev, clmlp_err *err);
/* Saves the programs' binaries (clmlp_device_save_programs), then releases. */
void clmlp_device_close(clmlp_device *dev);

/* Builds `source` with `options` (NULL = none), or returns the program of
 * the same source and options built on dev before (retained again: every
 * caller releases its own; the device keeps one reference until no caller
 * holds one), reusing a binary cached on
 * disk as clmlp_cache_dir()/programs/<sha256>.bin, keyed by platform name,
 * device name and version, driver version, options and source. The file is
 * a record (src/device/program_record.h): a header with a magic, a version,
 * the key and the binary's length and SHA-256, all checked before the
 * binary reaches the driver. A record that fails a check, or a binary the
 * driver rejects, is a one-line warning naming the file; the file is
 * removed and the program built from source (and cached again). With no
 * cache directory every program is built from source. A build failure
 * returns "clBuildProgram failed: CL_BUILD_PROGRAM_FAILURE (-11): <first log
 * lines>". *from_cache tells whether the binary was reused (may be NULL).
 * A source build's binary is written later, by clmlp_device_save_programs:
 * exporting it makes PoCL compile the kernels once more (0.1-0.3 s per
 * program, 1.3 s of the seed's cold start), which belongs after training
 * has started, not before. */
int clmlp_program_build(clmlp_device *dev, const char *source, const char *options, cl_program *out,
                        bool *from_cache, clmlp_err *err);

/* Kernel `name` of the program of source and options, the way every caller
 * creates kernels: *program NULL builds it first (clmlp_program_build,
 * *from_cache set); else it is the program built earlier with *from_cache
 * as it said (not NULL). When clCreateKernel fails on a program that came
 * from the cache (CL_INVALID_KERNEL_NAME: the binary is not what its key
 * says), that is a warning naming the file, which is removed, and the
 * program is built from source: *program is then replaced (the old one
 * released) and *from_cache false. Error: "clCreateKernel(<name>) failed:
 * ..." from a program built from source, or the source build's error. */
int clmlp_program_kernel(clmlp_device *dev, const char *source, const char *options, const char *name,
                         cl_program *program, bool *from_cache, cl_kernel *kernel, clmlp_err *err);

/* Writes the cache files of the programs built from source on dev since
 * the last call (failures are warnings) and releases them. */
void clmlp_device_save_programs(clmlp_device *dev);
/* Drops the device's references to the programs it built (device close). */
void clmlp_device_release_programs(clmlp_device *dev);

/* The alignment sub-buffers need on dev (CL_DEVICE_MEM_BASE_ADDR_ALIGN in
 * bytes), at least 256: what the compiler's buffer plan aligns to. */
size_t clmlp_device_subbuffer_align(const clmlp_device *dev);

/* The cache directory: $CLMLP_CACHE_DIR, else $XDG_CACHE_HOME/clmlp, else
 * $HOME/.cache/clmlp, created with mode 0700. Used only when it is a
 * directory (lstat: not a symbolic link) owned by the current user that
 * group and others cannot write. Otherwise, and when none of the variables
 * is set, NULL: there is no cache (never a shared fallback such as /tmp),
 * which is one warning per process saying why and how to fix it; every
 * cache then reads as empty and nothing is written. Checked on each call
 * (tests point CLMLP_CACHE_DIR elsewhere). */
const char *clmlp_cache_dir(void);

/* <dir>/<folder>/<sha256 of purpose, platform, device name and version,
 * driver, extra><suffix>: a per-device cache file for facts that depend on
 * the hardware and driver (probe results, tuning choices). dir NULL is
 * clmlp_cache_dir(); the folder is created on demand (mode 0700) and
 * checked like the directory; extra may be NULL. False, with out "", when
 * there is no cache: reading "" finds nothing and writers skip it. */
bool clmlp_device_cache_path(const clmlp_device_desc *d, const char *dir, const char *folder, const char *purpose,
                             const char *extra, const char *suffix, char *out, size_t cap);

/* Profiling timestamps of a completed event (device clock, ns):
 * t[0] QUEUED, t[1] SUBMIT, t[2] START, t[3] END. */
int clmlp_event_times(cl_event ev, cl_ulong t[4], clmlp_err *err);
/* START and END only (half the queries, for events that are only summed). */
int clmlp_event_span(cl_event ev, cl_ulong *start, cl_ulong *end, clmlp_err *err);
/* END - START of a completed event, in seconds. */
int clmlp_event_seconds(cl_event ev, double *seconds, clmlp_err *err);
/* Whether the device's profiling timestamps are real: a 4 MiB fill is
 * enqueued and its four stamps must be ordered, non-zero and span at least
 * 20 ns but no longer than the host saw it take. Mesa 22's rusticl answers
 * 0, 1, 2, 3 for every command. *real false comes with the reason in why. */
int clmlp_event_timestamps_real(clmlp_device *dev, bool *real, char *why, size_t cap, clmlp_err *err);
/* Timing one command either way: begin = clmlp_now() before enqueueing
 * it; then this, with the event it produced, waits for it. seconds = END -
 * START of the event on devices with real timestamps; on host-timed
 * devices the host's wall time since begin (launch cost included). */
int clmlp_timed_end(const clmlp_device *dev, cl_event ev, double begin, double *seconds, clmlp_err *err);

/* Symbolic names: CL_OUT_OF_RESOURCES, CLBlastInvalidLocalMemUsage, ... */
const char *clmlp_cl_error_name(cl_int code);
const char *clmlp_clblast_status_name(int status);

/* Checks an OpenCL return code: on failure fills err (CLMLP_EXIT_DEVICE) with
 * "<call> failed: <NAME> (<code>)<hint>" and returns -1. */
int clmlp_cl_check(cl_int code, const char *call, clmlp_err *err);
int clmlp_clblast_check(int status, const char *call, clmlp_err *err);

#endif
