#include "device_fixture.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"

bool test_open_device(clmlp_device *dev)
{
    clmlp_device_desc *descs = NULL;
    int n = 0, pick = -1;
    clmlp_err err = {0};
    clmlp_device_spec spec = {.type = CLMLP_DEVICE_ANY, .index = -1};
    /* CLMLP_TEST_PLATFORM: the tests of one OpenCL implementation
     * (tests/test_implementations.c runs them on each). */
    const char *platform = getenv("CLMLP_TEST_PLATFORM");
    if (platform)
        clmlp_strlcpy(spec.platform, platform, sizeof spec.platform);
    if (clmlp_devices_enumerate(&descs, &n, &err) == 0)
        pick = clmlp_device_select(descs, n, &spec, &err);
    int rc = pick >= 0 ? clmlp_device_open(&descs[pick], dev, &err) : -1;
    if (rc == 0 && platform)
        printf("        device: %s (%s)\n", dev->desc.name, dev->desc.platform);
    free(descs);
    if (rc < 0)
        test_fail(__FILE__, __LINE__, "cannot open a device: %s", err.msg);
    return rc == 0;
}

static int saved_stderr = -1;
static char captured_path[1100];

void test_stderr_begin(void)
{
    snprintf(captured_path, sizeof captured_path, "%s/stderr.txt", test_tmpdir());
    fflush(stderr);
    int fd = open(captured_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
        test_fail(__FILE__, __LINE__, "cannot create %s", captured_path);
        return;
    }
    saved_stderr = dup(2);
    dup2(fd, 2);
    close(fd);
}

char *test_stderr_end(void)
{
    fflush(stderr);
    if (saved_stderr >= 0) {
        dup2(saved_stderr, 2);
        close(saved_stderr);
        saved_stderr = -1;
    }
    char *text = test_read_file(captured_path, NULL);
    return text ? text : calloc(1, 1);
}
