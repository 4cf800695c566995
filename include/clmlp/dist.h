/* Data-parallel training across processes: MPI (Open MPI) when clmlp was
 * built with it and started by mpirun, else one process of rank 0. The
 * world is process-wide: one per run, set up by main() before a command
 * and torn down after it. Every call below works in both cases (a world of
 * one returns at once), so callers need no #ifdef. */
#ifndef CLMLP_DIST_H
#define CLMLP_DIST_H

#include <stdbool.h>
#include <stddef.h>

#include "clmlp/common.h"

typedef struct clmlp_dist {
    int rank, size; /* 0 and 1 without MPI */
    bool mpi;       /* MPI_Init ran */
} clmlp_dist;

/* Whether mpirun (or another MPI launcher) started this process: Open MPI,
 * PMIx and PMI set these in the environment of every rank. */
bool clmlp_dist_launched(void);
/* MPI_Init when launched and built with MPI; an error when launched by
 * mpirun but built without it (the meson option mpi). */
int clmlp_dist_init(int *argc, char ***argv, clmlp_err *err);
/* MPI_Finalize after a clean exit; after an error with several ranks,
 * MPI_Abort with that code, so the other ranks stop rather than wait. */
void clmlp_dist_finish(int exit_code);
const clmlp_dist *clmlp_dist_world(void);
/* Sums buf element-wise over all ranks, in place, every rank getting the sum. */
int clmlp_dist_sum_floats(float *buf, size_t n, clmlp_err *err);
int clmlp_dist_sum_doubles(double *buf, size_t n, clmlp_err *err);
/* buf (bytes) from rank 0 to every rank. */
int clmlp_dist_broadcast(void *buf, size_t bytes, clmlp_err *err);
/* Every rank's `bytes` of mine into all (size × bytes, on rank 0 only). */
int clmlp_dist_gather(const void *mine, size_t bytes, void *all, clmlp_err *err);

#endif
