/* The process world; see dist.h. Built with MPI when meson found it
 * (CLMLP_HAVE_MPI), else the world is always one process. */
#include "clmlp/dist.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#if CLMLP_HAVE_MPI
#include <mpi.h>
#endif

static clmlp_dist world = {.rank = 0, .size = 1, .mpi = false};

bool clmlp_dist_launched(void)
{
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE"};
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(vars); i++)
        if (getenv(vars[i]))
            return true;
    return false;
}

const clmlp_dist *clmlp_dist_world(void) { return &world; }

#if CLMLP_HAVE_MPI
/* An MPI error as clmlp's: the call, MPI's own words, what to do. */
static int check(int rc, const char *call, clmlp_err *err)
{
    if (rc == MPI_SUCCESS)
        return 0;
    char text[MPI_MAX_ERROR_STRING] = "";
    int len = 0;
    MPI_Error_string(rc, text, &len);
    return clmlp_fail(err, CLMLP_EXIT_DEVICE, "%s failed on rank %d: %s", call, world.rank, text);
}

int clmlp_dist_init(int *argc, char ***argv, clmlp_err *err)
{
    if (!clmlp_dist_launched())
        return 0;
    if (check(MPI_Init(argc, argv), "MPI_Init", err) < 0)
        return -1;
    world.mpi = true;
    /* Errors come back as codes (then one clear line and MPI_Abort), not
     * MPI's default of aborting with its own message. */
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    if (check(MPI_Comm_rank(MPI_COMM_WORLD, &world.rank), "MPI_Comm_rank", err) < 0 ||
        check(MPI_Comm_size(MPI_COMM_WORLD, &world.size), "MPI_Comm_size", err) < 0)
        return -1;
    return 0;
}

void clmlp_dist_finish(int exit_code)
{
    if (!world.mpi)
        return;
    if (exit_code != 0 && world.size > 1)
        MPI_Abort(MPI_COMM_WORLD, exit_code);
    MPI_Finalize();
    world.mpi = false;
}

/* MPI counts are ints: large buffers go in chunks. */
static int sum_chunks(void *buf, size_t n, size_t elem, MPI_Datatype type, clmlp_err *err)
{
    for (size_t done = 0; done < n;) {
        size_t k = n - done < (size_t)INT_MAX ? n - done : (size_t)INT_MAX;
        if (check(MPI_Allreduce(MPI_IN_PLACE, (char *)buf + done * elem, (int)k, type, MPI_SUM, MPI_COMM_WORLD),
                  "MPI_Allreduce", err) < 0)
            return -1;
        done += k;
    }
    return 0;
}

int clmlp_dist_sum_floats(float *buf, size_t n, clmlp_err *err)
{
    return world.size > 1 ? sum_chunks(buf, n, sizeof *buf, MPI_FLOAT, err) : 0;
}

int clmlp_dist_sum_doubles(double *buf, size_t n, clmlp_err *err)
{
    return world.size > 1 ? sum_chunks(buf, n, sizeof *buf, MPI_DOUBLE, err) : 0;
}

int clmlp_dist_broadcast(void *buf, size_t bytes, clmlp_err *err)
{
    if (world.size == 1)
        return 0;
    if (bytes > (size_t)INT_MAX)
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "MPI broadcast of %zu bytes: over 2 GiB", bytes);
    return check(MPI_Bcast(buf, (int)bytes, MPI_BYTE, 0, MPI_COMM_WORLD), "MPI_Bcast", err);
}

int clmlp_dist_gather(const void *mine, size_t bytes, void *all, clmlp_err *err)
{
    if (world.size == 1) {
        memcpy(all, mine, bytes);
        return 0;
    }
    if (bytes > (size_t)INT_MAX)
        return clmlp_fail(err, CLMLP_EXIT_INTERNAL, "MPI gather of %zu bytes: over 2 GiB", bytes);
    return check(MPI_Gather(mine, (int)bytes, MPI_BYTE, all, (int)bytes, MPI_BYTE, 0, MPI_COMM_WORLD), "MPI_Gather",
                 err);
}
#else
int clmlp_dist_init(int *argc, char ***argv, clmlp_err *err)
{
    (void)argc;
    (void)argv;
    if (clmlp_dist_launched())
        return clmlp_fail(err, CLMLP_EXIT_USAGE,
                          "started by an MPI launcher, but this clmlp was built without MPI: install Open MPI "
                          "(libopenmpi-dev, openmpi-bin) and build again (meson option mpi, on by default when found)");
    return 0;
}

void clmlp_dist_finish(int exit_code) { (void)exit_code; }
int clmlp_dist_sum_floats(float *buf, size_t n, clmlp_err *err)
{
    (void)buf, (void)n, (void)err;
    return 0;
}
int clmlp_dist_sum_doubles(double *buf, size_t n, clmlp_err *err)
{
    (void)buf, (void)n, (void)err;
    return 0;
}
int clmlp_dist_broadcast(void *buf, size_t bytes, clmlp_err *err)
{
    (void)buf, (void)bytes, (void)err;
    return 0;
}
int clmlp_dist_gather(const void *mine, size_t bytes, void *all, clmlp_err *err)
{
    (void)err;
    memcpy(all, mine, bytes);
    return 0;
}
#endif
