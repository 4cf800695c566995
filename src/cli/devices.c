#include "clmlp/cli.h"

int clmlp_cmd_devices(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return 1;
}
