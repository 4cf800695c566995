/* OpenBLAS as a yardstick for `clmlp bench`: cblas_sgemm on the same
 * shapes as the device GEMMs. Loaded with dlopen so that clmlp never links
 * it (it is not a runtime path). Note: OpenBLAS picks its kernels from the
 * CPU it detects; on some VMs that is an old core (Prescott) unless
 * OPENBLAS_CORETYPE names the real one, which bench reports. */
#include "clmlp/tune.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112 }; /* cblas.h values */

bool clmlp_openblas_open(clmlp_openblas *ob, char *why, size_t cap)
{
    static const char *const names[] = {"libopenblas.so.0", "libopenblas.so"};
    memset(ob, 0, sizeof *ob);
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(names) && !ob->handle; i++)
        if ((ob->handle = dlopen(names[i], RTLD_NOW | RTLD_LOCAL)))
            clmlp_strlcpy(ob->library, names[i], sizeof ob->library);
    if (!ob->handle) {
        snprintf(why, cap, "libopenblas.so.0 not found (apt-get install libopenblas0)");
        return false;
    }
    /* dlsym returns void *; POSIX guarantees the function-pointer round trip. */
    *(void **)&ob->sgemm = dlsym(ob->handle, "cblas_sgemm");
    char *(*corename)(void) = NULL;
    int (*threads)(void) = NULL;
    *(void **)&corename = dlsym(ob->handle, "openblas_get_corename");
    *(void **)&threads = dlsym(ob->handle, "openblas_get_num_threads");
    if (!ob->sgemm) {
        snprintf(why, cap, "%s has no cblas_sgemm", ob->library);
        clmlp_openblas_close(ob);
        return false;
    }
    clmlp_strlcpy(ob->core, corename ? corename() : "?", sizeof ob->core);
    ob->threads = threads ? threads() : 0;
    return true;
}

double clmlp_openblas_gflops(const clmlp_openblas *ob, const clmlp_gemm_shape *s, int reps)
{
    size_t na, nb, nc;
    clmlp_gemm_operand_elems(s, &na, &nb, &nc);
    float *a = malloc(na * sizeof *a), *b = malloc(nb * sizeof *b), *c = calloc(nc, sizeof *c);
    double *times = malloc((size_t)(reps + 1) * sizeof *times);
    double gflops = 0;
    if (a && b && c && times && reps > 0) {
        for (size_t i = 0; i < na; i++)
            a[i] = (float)(i % 13) * 0.01f;
        for (size_t i = 0; i < nb; i++)
            b[i] = (float)(i % 7) * 0.01f;
        int lda, ldb, ldc;
        clmlp_gemm_leading_dims(s, &lda, &ldb, &ldc);
        for (int r = 0; r <= reps; r++) { /* run 0 warms caches and threads */
            double t0 = clmlp_now();
            ob->sgemm(ROW_MAJOR, s->trans_a ? TRANS : NO_TRANS, s->trans_b ? TRANS : NO_TRANS, s->m, s->n, s->k, 1.0f,
                      a, lda, b, ldb, s->accumulate ? 1.0f : 0.0f, c, ldc);
            times[r] = clmlp_now() - t0;
        }
        double median = clmlp_median(times + 1, reps);
        gflops = median > 0 ? 2.0 * s->m * s->n * (double)s->k / median * 1e-9 : 0;
    }
    free(a);
    free(b);
    free(c);
    free(times);
    return gflops;
}

void clmlp_openblas_close(clmlp_openblas *ob)
{
    if (ob->handle)
        dlclose(ob->handle);
    memset(ob, 0, sizeof *ob);
}
