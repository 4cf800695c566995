#include "clmlp/cli.h"

int clmlp_cmd_check(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return 1;
}
