/* clmlp bench CONFIG [--set k=v ...]
 * One run that prints the numbers a performance claim needs:
 *   - per GEMM shape of the training step: GFLOP/s of CLBlast with its
 *     defaults, CLBlast tuned (compiler.autotune=full), the generated kernel
 *     with its defaults and with the tuned choice, and OpenBLAS on the host
 *     as a yardstick (dlopen'ed; OPENBLAS_CORETYPE is reported);
 *     bench_gemms.c;
 *   - the training step fused and unfused (ms, launches), train and eval
 *     images/s, and the projected time of the config's epochs;
 *     bench_steps.c. */
#include <stdio.h>
#include <stdlib.h>

#include "cli/bench.h"
#include "clmlp/cli.h"

static void print_header(const clmlp_device *dev, const clmlp_config *cfg, const clmlp_openblas *ob,
                         const char *ob_why)
{
    const char *coretype = getenv("OPENBLAS_CORETYPE");
    printf("device:   %s (%s, %s %s)\n", dev->desc.name, clmlp_device_type_name(dev->desc.type), dev->desc.platform,
           dev->desc.driver);
    printf("config:   %s: gemm %s, autotune %s, batch %d\n", cfg->name, clmlp_gemm_provider_name(cfg->compiler.gemm),
           clmlp_autotune_name(cfg->compiler.autotune), cfg->training.batch_size);
    if (ob->handle)
        printf("openblas: %s, core %s, %d threads, OPENBLAS_CORETYPE=%s\n", ob->library, ob->core, ob->threads,
               coretype ? coretype : "(unset)");
    else
        printf("openblas: not available: %s\n", ob_why);
}

static int run_bench(clmlp_config *cfg, clmlp_err *err)
{
    clmlp_dataset train = {0}, test = {0};
    clmlp_device dev = {0};
    clmlp_plan *tplan = NULL, *eplan = NULL;
    clmlp_openblas ob = {0};
    char ob_why[160] = "";
    int rc = -1;
    if (clmlp_data_load(&cfg->data.train, &train, err) < 0 || clmlp_data_load(&cfg->data.test, &test, err) < 0)
        goto done;
    int input_dim = (int)clmlp_dataset_features(&train);
    if (clmlp_cli_compile_plans(cfg, input_dim, &tplan, &eplan, err) < 0 || clmlp_device_open_spec(&cfg->device, &dev, err) < 0)
        goto done;
    clmlp_openblas_open(&ob, ob_why, sizeof ob_why);
    print_header(&dev, cfg, &ob, ob_why);
    fflush(stdout);

    if (clmlp_bench_gemms(&dev, cfg, tplan, &ob, err) < 0)
        goto done;
    fflush(stdout);
    if (clmlp_bench_steps(&dev, cfg, &train, &test, input_dim, err) < 0)
        goto done;
    rc = 0;
done:
    clmlp_openblas_close(&ob);
    clmlp_device_close(&dev);
    free(tplan);
    free(eplan);
    clmlp_dataset_free(&train);
    clmlp_dataset_free(&test);
    return rc;
}

int clmlp_cmd_bench(int argc, char **argv)
{
    clmlp_err err = {0};
    clmlp_cli_args args;
    clmlp_config cfg;
    if (clmlp_cli_parse(argc, argv, "bench", "--set", true, &args, &err) < 0 ||
        clmlp_cli_load_config(&args, &cfg, &err) < 0 || clmlp_cli_require_mlp(&cfg, "bench", &err) < 0 ||
        run_bench(&cfg, &err) < 0)
        return clmlp_cli_report_error(&err);
    return 0;
}
