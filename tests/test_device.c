/* Device stage: selection over fake descriptors, error names and messages,
 * listing, the program record's checks and the cache directory's rules;
 * with OpenCL, enumeration, a kernel built through the binary cache and
 * run, every kind of damaged cache file rebuilt from source, build
 * failures, and the `clmlp devices` command. */
#include "device_fixture.h"
#include "harness.h"

#include <dirent.h>
#include <pwd.h>
#include <stdio.h>
#include <signal.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clmlp/device.h"
#include "device/program_record.h"
#include "device/sha256.h"

/* ---- fake descriptors ------------------------------------------------- */

static clmlp_device_desc fake(int index, int platform_index, const char *platform, const char *name,
                              cl_device_type type)
{
    clmlp_device_desc d;
    memset(&d, 0, sizeof d);
    d.index = index;
    d.platform_index = platform_index;
    clmlp_strlcpy(d.platform, platform, sizeof d.platform);
    clmlp_strlcpy(d.name, name, sizeof d.name);
    clmlp_strlcpy(d.vendor, "Vendor", sizeof d.vendor);
    clmlp_strlcpy(d.version, "OpenCL 3.0", sizeof d.version);
    clmlp_strlcpy(d.driver, "3.1", sizeof d.driver);
    clmlp_strlcpy(d.opencl_c, "OpenCL C 1.2 pocl", sizeof d.opencl_c);
    d.type = type;
    d.compute_units = 2;
    d.clock_mhz = 2450;
    d.global_mem = 6ull << 30;
    d.local_mem = 512 << 10;
    d.max_alloc = 2ull << 30;
    d.max_work_group = 4096;
    return d;
}

#define POCL "Portable Computing Language"
enum { N_FAKES = 6 };

static void make_fakes(clmlp_device_desc d[N_FAKES])
{
    d[0] = fake(0, 0, POCL, "pthread-skylake-avx512-AMD EPYC", CL_DEVICE_TYPE_CPU);
    d[1] = fake(1, 0, POCL, "basic-skylake-avx512-AMD EPYC", CL_DEVICE_TYPE_CPU | CL_DEVICE_TYPE_DEFAULT);
    d[2] = fake(2, 1, "NVIDIA CUDA", "NVIDIA H200", CL_DEVICE_TYPE_GPU);
    d[3] = fake(3, 1, "NVIDIA CUDA", "NVIDIA GeForce RTX 4090", CL_DEVICE_TYPE_GPU);
    d[4] = fake(4, 2, "Intel(R) FPGA Emulation Platform", "Intel(R) FPGA Emulation Device",
                CL_DEVICE_TYPE_ACCELERATOR);
    d[5] = fake(5, 3, "Xilinx", "xilinx_u250_gen3x16", CL_DEVICE_TYPE_CUSTOM);
}

static clmlp_device_spec spec(clmlp_device_kind type, const char *platform, const char *name, int index)
{
    clmlp_device_spec s;
    memset(&s, 0, sizeof s);
    s.type = type;
    clmlp_strlcpy(s.platform, platform, sizeof s.platform);
    clmlp_strlcpy(s.name, name, sizeof s.name);
    s.index = index;
    return s;
}

static int pick(clmlp_device_kind type, const char *platform, const char *name, int index)
{
    clmlp_device_desc d[N_FAKES];
    make_fakes(d);
    clmlp_device_spec s = spec(type, platform, name, index);
    clmlp_err err = {0};
    return clmlp_device_select(d, N_FAKES, &s, &err);
}

/* ---- selection ---------------------------------------------------------- */

static void test_select_any(void)
{
    CHECK_INT(pick(CLMLP_DEVICE_ANY, "", "", -1), 0);
    CHECK_INT(pick(CLMLP_DEVICE_ANY, "", "", 4), 4);
}

static void test_select_by_type(void)
{
    CHECK_INT(pick(CLMLP_DEVICE_CPU, "", "", -1), 0);
    CHECK_INT(pick(CLMLP_DEVICE_GPU, "", "", -1), 2);
}

static void test_select_by_name_case_insensitive(void)
{
    CHECK_INT(pick(CLMLP_DEVICE_ANY, "", "rtx", -1), 3);
    CHECK_INT(pick(CLMLP_DEVICE_ANY, "", "BASIC", -1), 1);
    CHECK_INT(pick(CLMLP_DEVICE_CPU, "", "PThread", -1), 0);
    CHECK_INT(pick(CLMLP_DEVICE_ANY, "", "h200", -1), 2);
}

static void test_select_by_platform(void)
{
    CHECK_INT(pick(CLMLP_DEVICE_ANY, "nvidia", "", -1), 2);
    CHECK_INT(pick(CLMLP_DEVICE_ANY, "portable computing", "basic", -1), 1);
    CHECK_INT(pick(CLMLP_DEVICE_ANY, "xilinx", "", -1), 5);
}

static void test_select_index_among_matches(void)
{
    CHECK_INT(pick(CLMLP_DEVICE_GPU, "", "", 0), 2);
    CHECK_INT(pick(CLMLP_DEVICE_GPU, "", "", 1), 3);
    CHECK_INT(pick(CLMLP_DEVICE_CPU, "", "", 1), 1);
    CHECK_INT(pick(CLMLP_DEVICE_ANY, "nvidia", "", 1), 3);
}

static void test_select_index_out_of_range(void)
{
    clmlp_device_desc d[N_FAKES];
    make_fakes(d);
    clmlp_device_spec s = spec(CLMLP_DEVICE_GPU, "", "", 2);
    clmlp_err err = {0};
    CHECK_INT(clmlp_device_select(d, N_FAKES, &s, &err), -1);
    CHECK_INT(err.code, CLMLP_EXIT_DEVICE);
    CHECK_CONTAINS(err.msg, "device.index=2 is out of range: 2 devices match device.type=gpu");
    CHECK_CONTAINS(err.msg, "0..1");
    CHECK(strchr(err.msg, '\n') == NULL);
}

static void test_select_none_matching_lists_devices(void)
{
    clmlp_device_desc d[N_FAKES];
    make_fakes(d);
    clmlp_device_spec s = spec(CLMLP_DEVICE_GPU, "", "", -1);
    clmlp_err err = {0};
    CHECK_INT(clmlp_device_select(d, 2, &s, &err), -1); /* only the two CPUs */
    CHECK_INT(err.code, CLMLP_EXIT_DEVICE);
    CHECK_CONTAINS(err.msg, "no OpenCL device matches device.type=gpu; available: ");
    CHECK_CONTAINS(err.msg, "[0] cpu \"pthread-skylake-avx512-AMD EPYC\" (" POCL ")");
    CHECK_CONTAINS(err.msg, ", [1] cpu \"basic-skylake-avx512-AMD EPYC\" (" POCL ")");
    CHECK_CONTAINS(err.msg, "select with --set device.type=cpu or --set device.name=<substring>");
    CHECK(strchr(err.msg, '\n') == NULL);

    /* A name that nothing has: the type exists, so the hint is the name. */
    s = spec(CLMLP_DEVICE_CPU, "", "quadro", -1);
    CHECK_INT(clmlp_device_select(d, N_FAKES, &s, &err), -1);
    CHECK_CONTAINS(err.msg, "matches device.type=cpu device.name=quadro;");
    CHECK_CONTAINS(err.msg, "[5] custom \"xilinx_u250_gen3x16\" (Xilinx)");
    CHECK_CONTAINS(err.msg, "--set device.name=<substring>");
}

static void test_select_zero_devices(void)
{
    clmlp_device_spec s = spec(CLMLP_DEVICE_ANY, "", "", -1);
    clmlp_err err = {0};
    CHECK_INT(clmlp_device_select(NULL, 0, &s, &err), -1);
    CHECK_INT(err.code, CLMLP_EXIT_DEVICE);
    CHECK_STR(err.msg, "no OpenCL devices found; install pocl-opencl-icd (CPU) or your GPU vendor's OpenCL driver, "
                       "then check with clmlp devices");
}

static void test_select_accelerator_matches_custom(void)
{
    CHECK_INT(pick(CLMLP_DEVICE_ACCELERATOR, "", "", -1), 4);
    CHECK_INT(pick(CLMLP_DEVICE_ACCELERATOR, "", "", 1), 5);
    CHECK_INT(pick(CLMLP_DEVICE_ACCELERATOR, "", "xilinx", -1), 5);
    CHECK_INT(pick(CLMLP_DEVICE_CPU, "", "xilinx", -1), -1);
    CHECK_INT(pick(CLMLP_DEVICE_GPU, "", "fpga", -1), -1);
}

static void test_type_names(void)
{
    CHECK_STR(clmlp_device_type_name(CL_DEVICE_TYPE_CPU | CL_DEVICE_TYPE_DEFAULT), "cpu");
    CHECK_STR(clmlp_device_type_name(CL_DEVICE_TYPE_GPU), "gpu");
    CHECK_STR(clmlp_device_type_name(CL_DEVICE_TYPE_ACCELERATOR), "accelerator");
    CHECK_STR(clmlp_device_type_name(CL_DEVICE_TYPE_CUSTOM), "custom");
    CHECK_STR(clmlp_device_type_name(CL_DEVICE_TYPE_DEFAULT), "default");
}

/* ---- error names and messages ----------------------------------------- */

static void test_cl_error_names(void)
{
    CHECK_STR(clmlp_cl_error_name(0), "CL_SUCCESS");
    CHECK_STR(clmlp_cl_error_name(-5), "CL_OUT_OF_RESOURCES");
    CHECK_STR(clmlp_cl_error_name(-11), "CL_BUILD_PROGRAM_FAILURE");
    CHECK_STR(clmlp_cl_error_name(-54), "CL_INVALID_WORK_GROUP_SIZE");
    CHECK_STR(clmlp_cl_error_name(-68), "CL_INVALID_DEVICE_PARTITION_COUNT");
    CHECK_STR(clmlp_cl_error_name(-1001), "CL_PLATFORM_NOT_FOUND_KHR");
    CHECK_STR(clmlp_cl_error_name(-25), "UNKNOWN_CL_ERROR");
    CHECK_STR(clmlp_cl_error_name(12345), "UNKNOWN_CL_ERROR");
    /* Every OpenCL 1.2 code has a name: 0..-19 and -30..-68. */
    for (int c = 0; c >= -68; c--) {
        bool defined = c >= -19 || c <= -30;
        const char *name = clmlp_cl_error_name(c);
        if (defined && strcmp(name, "UNKNOWN_CL_ERROR") == 0)
            test_fail(__FILE__, __LINE__, "OpenCL code %d has no name", c);
        if (!defined && strcmp(name, "UNKNOWN_CL_ERROR") != 0)
            test_fail(__FILE__, __LINE__, "code %d is not an OpenCL 1.2 code but is named %s", c, name);
    }
}

static void test_clblast_status_names(void)
{
    CHECK_STR(clmlp_clblast_status_name(0), "CLBlastSuccess");
    CHECK_STR(clmlp_clblast_status_name(-5), "CLBlastOpenCLOutOfResources");
    CHECK_STR(clmlp_clblast_status_name(-1024), "CLBlastNotImplemented");
    CHECK_STR(clmlp_clblast_status_name(-2048), "CLBlastInvalidOverrideKernel");
    CHECK_STR(clmlp_clblast_status_name(-2046), "CLBlastInvalidLocalMemUsage");
    CHECK_STR(clmlp_clblast_status_name(-2039), "CLBlastUnexpectedError");
    CHECK_STR(clmlp_clblast_status_name(-1), "UNKNOWN_CLBLAST_STATUS");
}

static void test_check_formatting(void)
{
    clmlp_err err = {0};
    CHECK_INT(clmlp_cl_check(CL_SUCCESS, "clFinish", &err), 0);
    CHECK_INT(err.code, 0);
    CHECK_STR(err.msg, "");

    CHECK_INT(clmlp_cl_check(-5, "clEnqueueNDRangeKernel", &err), -1);
    CHECK_INT(err.code, CLMLP_EXIT_DEVICE);
    CHECK_STR(err.msg, "clEnqueueNDRangeKernel failed: CL_OUT_OF_RESOURCES (-5); the device ran out of memory: "
                       "lower training.batch_size or training.eval_batch_size");
    CHECK_INT(clmlp_cl_check(-30, "clSetKernelArg", &err), -1);
    CHECK_STR(err.msg, "clSetKernelArg failed: CL_INVALID_VALUE (-30)");
    clmlp_cl_check(-54, "clEnqueueNDRangeKernel", &err);
    CHECK_CONTAINS(err.msg, "CL_INVALID_WORK_GROUP_SIZE (-54); the kernel's local size does not fit this device");
    clmlp_cl_check(-1001, "clGetPlatformIDs", &err);
    CHECK_CONTAINS(err.msg, "CL_PLATFORM_NOT_FOUND_KHR (-1001); no OpenCL driver found: install pocl-opencl-icd");
    CHECK_INT(clmlp_cl_check(-4, "clCreateBuffer", NULL), -1); /* err may be NULL */

    CHECK_INT(clmlp_clblast_check(0, "CLBlastSgemm", &err), 0);
    CHECK_INT(clmlp_clblast_check(-2046, "CLBlastSgemm", &err), -1);
    CHECK_INT(err.code, CLMLP_EXIT_DEVICE);
    CHECK_CONTAINS(err.msg, "CLBlastSgemm failed: CLBlastInvalidLocalMemUsage (-2046)");
    clmlp_clblast_check(-4, "CLBlastSgemm", &err);
    CHECK_CONTAINS(err.msg, "CLBlastTempBufferAllocFailure (-4); the device ran out of memory");
}

/* ---- listing ------------------------------------------------------------ */

/* Captures what a print function writes. */
static char *capture(void (*print)(FILE *, const clmlp_device_desc *, int), const clmlp_device_desc *d, int n)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    print(f, d, n);
    fclose(f);
    return buf;
}

static int count_occurrences(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

static void test_print_table(void)
{
    clmlp_device_desc d[N_FAKES];
    make_fakes(d);
    clmlp_strlcpy(d[4].name, "Intel(R) FPGA Emulation Device with a name far longer than the column", sizeof d[4].name);
    char *out = capture(clmlp_devices_print, d, N_FAKES);
    CHECK(out != NULL);
    if (!out)
        return;
    CHECK_CONTAINS(out, "platform 0: " POCL);
    CHECK_CONTAINS(out, "platform 1: NVIDIA CUDA");
    CHECK_CONTAINS(out, "pthread-skylake-avx512-AMD EPYC");
    CHECK_CONTAINS(out, "NVIDIA GeForce RTX 4090");
    CHECK_CONTAINS(out, "with a name far longer than the column"); /* not cut */
    CHECK_CONTAINS(out, "6.0 GiB");
    CHECK_CONTAINS(out, "512 KiB");
    CHECK_CONTAINS(out, "2450 MHz");
    CHECK_CONTAINS(out, "accel");
    CHECK_INT(count_occurrences(out, "platform "), 4);
    for (const char *line = out; *line;) {
        size_t n = strcspn(line, "\n");
        if (n > 100)
            test_fail(__FILE__, __LINE__, "line wider than 100 columns: %.*s", (int)n, line);
        line += n + (line[n] ? 1 : 0);
    }
    free(out);
}

static void test_print_json(void)
{
    clmlp_device_desc d[2];
    d[0] = fake(0, 0, POCL, "weird \"quoted\" \\ name", CL_DEVICE_TYPE_CPU);
    d[1] = fake(1, 0, POCL, "second", CL_DEVICE_TYPE_GPU);
    char *out = capture(clmlp_devices_print_json, d, 2);
    CHECK(out != NULL);
    if (!out)
        return;
    CHECK(out[0] == '[');
    CHECK_CONTAINS(out, "\"name\": \"weird \\\"quoted\\\" \\\\ name\"");
    CHECK_INT(count_occurrences(out, "\"compute_units\": 2"), 2);
    CHECK_CONTAINS(out, "\"global_mem_bytes\": 6442450944");
    CHECK_CONTAINS(out, "\"type\": \"gpu\"");
    const char *keys[] = {"index", "platform", "name", "vendor", "type", "compute_units", "clock_mhz",
                          "global_mem_bytes", "local_mem_bytes", "max_alloc_bytes", "max_work_group_size",
                          "version", "opencl_c_version", "driver_version"};
    for (size_t i = 0; i < CLMLP_ARRAY_LEN(keys); i++) {
        char quoted[64];
        snprintf(quoted, sizeof quoted, "\"%s\":", keys[i]);
        CHECK_INT(count_occurrences(out, quoted), 2);
    }
    size_t len = strlen(out);
    CHECK(len >= 2 && strcmp(out + len - 2, "]\n") == 0);
    free(out);

    out = capture(clmlp_devices_print_json, d, 0);
    CHECK(out && strcmp(out, "[]\n") == 0);
    free(out);
}

/* ---- the cache key hash ------------------------------------------------- */

static void sha256_hex(const char *msg, char hex[65])
{
    clmlp_sha256 h;
    uint8_t digest[32];
    clmlp_sha256_init(&h);
    /* Fed in two pieces to exercise the block buffering. */
    size_t n = strlen(msg), half = n / 3;
    clmlp_sha256_update(&h, msg, half);
    clmlp_sha256_update(&h, msg + half, n - half);
    clmlp_sha256_final(&h, digest);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);
}

static void test_sha256_vectors(void)
{
    char hex[65];
    /* FIPS 180-4 examples, including the message whose padding spills into a
     * second block. */
    sha256_hex("", hex);
    CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sha256_hex("abc", hex);
    CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", hex);
    CHECK_STR(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

/* ---- open/close and the cache folder without a device ------------------ */

static void test_close_zeroed_and_open_fake(void)
{
    clmlp_device dev;
    memset(&dev, 0, sizeof dev);
    clmlp_device_close(&dev);
    clmlp_device_close(&dev);
    clmlp_device_desc d = fake(0, 0, POCL, "fake", CL_DEVICE_TYPE_CPU);
    clmlp_err err = {0};
    CHECK_INT(clmlp_device_open(&d, &dev, &err), -1);
    CHECK_CONTAINS(err.msg, "no OpenCL handle");
    CHECK(dev.context == NULL && dev.queue == NULL);
}

/* A directory only this user can write: what the cache is created as. */
static bool is_private_dir(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0700;
}

static void check_cache_dir(const char *want)
{
    const char *got = clmlp_cache_dir();
    CHECK(got != NULL);
    if (got)
        CHECK_STR(got, want);
    CHECK(is_private_dir(want));
}

static void test_cache_dir_env(void)
{
    char want[1100];
    snprintf(want, sizeof want, "%s/explicit/cache", test_tmpdir());
    setenv("CLMLP_CACHE_DIR", want, 1);
    check_cache_dir(want);

    unsetenv("CLMLP_CACHE_DIR");
    char xdg[1024];
    snprintf(xdg, sizeof xdg, "%s/xdg", test_tmpdir());
    setenv("XDG_CACHE_HOME", xdg, 1);
    snprintf(want, sizeof want, "%s/clmlp", xdg);
    check_cache_dir(want);

    unsetenv("XDG_CACHE_HOME");
    setenv("HOME", test_tmpdir(), 1);
    snprintf(want, sizeof want, "%s/.cache/clmlp", test_tmpdir());
    check_cache_dir(want);
}

/* Asks for the cache twice and for a per-device file once, with
 * CLMLP_CACHE_DIR=dir (NULL: no variable at all): there must be no cache,
 * nothing created, and exactly one warning, containing why. */
static void check_no_cache(const char *dir, const char *why)
{
    if (dir) {
        setenv("CLMLP_CACHE_DIR", dir, 1);
    } else {
        unsetenv("CLMLP_CACHE_DIR");
        unsetenv("XDG_CACHE_HOME");
        unsetenv("HOME");
    }
    clmlp_device_desc d = fake(0, 0, POCL, "fake", CL_DEVICE_TYPE_CPU);
    char path[2048] = "x";
    test_stderr_begin();
    const char *first = clmlp_cache_dir(), *second = clmlp_cache_dir();
    bool have = clmlp_device_cache_path(&d, NULL, "probe", "test", NULL, ".txt", path, sizeof path);
    char *warned = test_stderr_end();
    CHECK(first == NULL && second == NULL);
    CHECK(!have);
    CHECK_STR(path, "");
    CHECK_INT(count_occurrences(warned, "warning"), 1);
    CHECK_CONTAINS(warned, why);
    CHECK_CONTAINS(warned, "running without caches");
    if (dir)
        CHECK_CONTAINS(warned, dir);
    free(warned);
}

static void test_cache_dir_writable_by_group_is_not_used(void)
{
    char dir[1100];
    snprintf(dir, sizeof dir, "%s/shared", test_tmpdir());
    CHECK_INT(mkdir(dir, 0700), 0);
    CHECK_INT(chmod(dir, 0770), 0);
    check_no_cache(dir, "group or others can write it (mode 770)");
}

static void test_cache_dir_symlink_is_not_used(void)
{
    char dir[1100], link[1100];
    snprintf(dir, sizeof dir, "%s/real", test_tmpdir());
    snprintf(link, sizeof link, "%s/link", test_tmpdir());
    CHECK_INT(mkdir(dir, 0700), 0);
    CHECK_INT(symlink(dir, link), 0);
    check_no_cache(link, "it is a symbolic link");
}

/* No variable names a place: no cache, and none in /tmp either (the old
 * fallback, /tmp/clmlp-cache, let any local user plant binaries). */
static void test_cache_dir_none_without_variables(void)
{
    struct stat before, after;
    bool existed = stat("/tmp/clmlp-cache", &before) == 0;
    check_no_cache(NULL, "none of CLMLP_CACHE_DIR, XDG_CACHE_HOME and HOME is set");
    if (!existed)
        CHECK(stat("/tmp/clmlp-cache", &after) != 0);
}

/* ---- the program cache's record ------------------------------------------ */

/* A record of bin[0..len) under key, in buf; returns its size. */
static size_t make_record(const uint8_t key[32], const uint8_t *bin, size_t len, uint8_t *buf)
{
    clmlp_program_record_header(key, bin, len, buf);
    memcpy(buf + CLMLP_RECORD_HEADER, bin, len);
    return CLMLP_RECORD_HEADER + len;
}

/* Whether the record is refused, with a reason containing why. */
static void check_refused(const uint8_t *rec, size_t size, const uint8_t key[32], const char *why)
{
    char got[256] = "";
    size_t len = 1;
    CHECK(clmlp_program_record_binary(rec, size, key, &len, got, sizeof got) == NULL);
    CHECK_INT(len, 0);
    CHECK_CONTAINS(got, why);
}

static void test_program_record_checks(void)
{
    uint8_t key[32], other[32], bin[300], rec[CLMLP_RECORD_HEADER + sizeof bin + 1];
    for (int i = 0; i < 32; i++) {
        key[i] = (uint8_t)i;
        other[i] = (uint8_t)(i + 1);
    }
    for (size_t i = 0; i < sizeof bin; i++)
        bin[i] = (uint8_t)(i * 7);
    size_t size = make_record(key, bin, sizeof bin, rec);
    CHECK_INT(size, CLMLP_RECORD_HEADER + sizeof bin);
    CHECK(memcmp(rec, "clmlpPRG", 8) == 0);
    size_t len = 0;
    char why[256] = "";
    const uint8_t *got = clmlp_program_record_binary(rec, size, key, &len, why, sizeof why);
    CHECK(got == rec + CLMLP_RECORD_HEADER);
    CHECK_INT(len, sizeof bin);

    check_refused(rec, size - 1, key, "1 byte short of the 300-byte binary its header gives");
    check_refused(rec, CLMLP_RECORD_HEADER - 1, key, "87 bytes, shorter than the 88-byte header");
    check_refused(rec, 0, key, "0 bytes");
    rec[size] = 0;
    check_refused(rec, size + 1, key, "1 byte more than the 300-byte binary");
    check_refused(rec, size, other, "a record of another source, options or device");
    rec[CLMLP_RECORD_HEADER + 150] ^= 0x01;
    check_refused(rec, size, key, "the binary's SHA-256 is not the one its header gives");
    rec[CLMLP_RECORD_HEADER + 150] ^= 0x01;
    rec[0] = 'C';
    check_refused(rec, size, key, "not a clmlp program record");
    rec[0] = 'c';
    rec[8] = 2;
    check_refused(rec, size, key, "record version 2, not 1");
    rec[8] = 1;
    rec[16] ^= 0x80; /* a length far past the file */
    check_refused(rec, size, key, "short of the");
    rec[16] ^= 0x80;
    CHECK(clmlp_program_record_binary(rec, size, key, &len, why, sizeof why) != NULL); /* intact again */
}

/* ---- with OpenCL -------------------------------------------------------- */

static void test_enumerate_finds_pocl(void)
{
    clmlp_device_desc *d = NULL;
    int n = 0;
    clmlp_err err = {0};
    CHECK_INT(clmlp_devices_enumerate(&d, &n, &err), 0);
    if (err.msg[0])
        test_fail(__FILE__, __LINE__, "enumerate: %s", err.msg);
    CHECK(n >= 1);
    int pocl = 0;
    for (int i = 0; i < n; i++) {
        CHECK_INT(d[i].index, i);
        CHECK(d[i].name[0] != '\0');
        CHECK(d[i].driver[0] != '\0');
        CHECK(strncmp(d[i].opencl_c, "OpenCL C ", 9) == 0);
        CHECK(d[i].compute_units > 0);
        CHECK(d[i].global_mem > 0 && d[i].local_mem > 0 && d[i].max_alloc > 0);
        CHECK(d[i].max_work_group > 0);
        CHECK(d[i].device_id != NULL && d[i].platform_id != NULL);
        pocl += strstr(d[i].platform, "Portable Computing Language") != NULL;
    }
    CHECK(pocl >= 1);
    free(d);
}

static const char add_source[] = "__kernel void axpy(__global const float *x, __global const float *y,\n"
                                 "                   __global float *out, float a) {\n"
                                 "    size_t i = get_global_id(0);\n"
                                 "    out[i] = a * x[i] + y[i];\n"
                                 "}\n";

/* Opens the first device (any type) with the program cache in
 * <tmpdir>/<cache_name>. */
static bool open_first_with_cache(clmlp_device *dev, const char *cache_name)
{
    char cache[1024];
    snprintf(cache, sizeof cache, "%s/%s", test_tmpdir(), cache_name);
    setenv("CLMLP_CACHE_DIR", cache, 1);
    return test_open_device(dev);
}

static bool open_first(clmlp_device *dev) { return open_first_with_cache(dev, "cache"); }

/* Runs axpy kernel k with a = 2 over n elements; returns the number of
 * wrong outputs (or -1 when an OpenCL call fails). */
static int run_axpy_kernel(clmlp_device *dev, cl_kernel k, int n)
{
    float *x = calloc((size_t)n, sizeof *x), *y = calloc((size_t)n, sizeof *y), *out = calloc((size_t)n, sizeof *out);
    cl_int rc = CL_SUCCESS;
    int wrong = -1;
    cl_mem bx = NULL, by = NULL, bo = NULL;
    if (!x || !y || !out || !k)
        goto done;
    for (int i = 0; i < n; i++) {
        x[i] = (float)i;
        y[i] = 0.5f * (float)(n - i);
    }
    size_t bytes = (size_t)n * sizeof(float), global = (size_t)n;
    float a = 2.0f;
    bx = clCreateBuffer(dev->context, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, bytes, x, &rc);
    if (rc == CL_SUCCESS)
        by = clCreateBuffer(dev->context, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, bytes, y, &rc);
    if (rc == CL_SUCCESS)
        bo = clCreateBuffer(dev->context, CL_MEM_WRITE_ONLY, bytes, NULL, &rc);
    if (rc != CL_SUCCESS || clSetKernelArg(k, 0, sizeof bx, &bx) != CL_SUCCESS ||
        clSetKernelArg(k, 1, sizeof by, &by) != CL_SUCCESS || clSetKernelArg(k, 2, sizeof bo, &bo) != CL_SUCCESS ||
        clSetKernelArg(k, 3, sizeof a, &a) != CL_SUCCESS ||
        clEnqueueNDRangeKernel(dev->queue, k, 1, NULL, &global, NULL, 0, NULL, NULL) != CL_SUCCESS ||
        clEnqueueReadBuffer(dev->queue, bo, CL_TRUE, 0, bytes, out, 0, NULL, NULL) != CL_SUCCESS)
        goto done;
    wrong = 0;
    for (int i = 0; i < n; i++)
        wrong += out[i] != 2.0f * x[i] + y[i];
done:
    if (bo)
        clReleaseMemObject(bo);
    if (by)
        clReleaseMemObject(by);
    if (bx)
        clReleaseMemObject(bx);
    free(x);
    free(y);
    free(out);
    return wrong;
}

/* The same through a kernel created from prog. */
static int run_axpy(clmlp_device *dev, cl_program prog, int n)
{
    cl_int rc = CL_SUCCESS;
    cl_kernel k = prog ? clCreateKernel(prog, "axpy", &rc) : NULL;
    int wrong = rc == CL_SUCCESS ? run_axpy_kernel(dev, k, n) : -1;
    if (k)
        clReleaseKernel(k);
    return wrong;
}

/* The one file under <cache>/programs but `except` (NULL: none), or ""
 * when there is not exactly one. */
static void cached_file_but(const char *except, char *path, size_t cap)
{
    char dir[1024], name[1400];
    snprintf(dir, sizeof dir, "%s/cache/programs", test_tmpdir());
    path[0] = '\0';
    DIR *dp = opendir(dir);
    if (!dp)
        return;
    int files = 0;
    for (struct dirent *e; (e = readdir(dp)) != NULL;) {
        snprintf(name, sizeof name, "%s/%s", dir, e->d_name);
        if (e->d_name[0] != '.' && !(except && strcmp(name, except) == 0)) {
            files++;
            clmlp_strlcpy(path, name, cap);
        }
    }
    closedir(dp);
    if (files != 1)
        path[0] = '\0';
}

static void cached_file(char *path, size_t cap) { cached_file_but(NULL, path, cap); }

static void test_build_run_and_cache(void)
{
    clmlp_device dev;
    if (!open_first(&dev))
        return;
    clmlp_err err = {0};
    cl_program prog = NULL;
    bool cached = true;
    CHECK_INT(clmlp_program_build(&dev, add_source, "-cl-fast-relaxed-math", &prog, &cached, &err), 0);
    CHECK(!cached);
    CHECK_INT(run_axpy(&dev, prog, 1000), 0);
    if (prog)
        clReleaseProgram(prog);

    char path[1400];
    cached_file(path, sizeof path);
    CHECK(path[0] == '\0'); /* written later, off the path to the first step */
    clmlp_device_save_programs(&dev);
    cached_file(path, sizeof path);
    CHECK(path[0] != '\0');
    CHECK_CONTAINS(path, ".bin");
    CHECK(strstr(path, ".tmp") == NULL);

    /* The same source and options again: loaded from the binary. */
    prog = NULL;
    CHECK_INT(clmlp_program_build(&dev, add_source, "-cl-fast-relaxed-math", &prog, &cached, &err), 0);
    CHECK(cached);
    CHECK_INT(run_axpy(&dev, prog, 1000), 0);
    if (prog)
        clReleaseProgram(prog);

    /* Other options are another key. */
    prog = NULL;
    CHECK_INT(clmlp_program_build(&dev, add_source, NULL, &prog, &cached, &err), 0);
    CHECK(!cached);
    if (prog)
        clReleaseProgram(prog);
    clmlp_device_close(&dev);
}

/* ---- damaged cache files ------------------------------------------------ */

static const char scale_source[] = "__kernel void scale(__global float *x, float a) {\n"
                                   "    x[get_global_id(0)] *= a;\n"
                                   "}\n";

/* Builds and caches a program (then releases it); "" when there is no
 * single new file. */
static void build_and_cache(clmlp_device *dev, const char *source, const char *except, char *path, size_t cap)
{
    clmlp_err err = {0};
    cl_program prog = NULL;
    CHECK_INT(clmlp_program_build(dev, source, "", &prog, NULL, &err), 0);
    if (prog)
        clReleaseProgram(prog);
    clmlp_device_save_programs(dev);
    cached_file_but(except, path, cap);
    CHECK(path[0] != '\0');
}

/* What is done to axpy's cache file (scale's file is there too). */
typedef enum {
    ONE_BYTE_SHORT,
    ONE_BYTE_FLIPPED,
    ROTATED,        /* scale's valid record under axpy's name (before: CL_INVALID_KERNEL_NAME on every run) */
    WRONG_MAGIC,
    NOT_A_RECORD,
    FOREIGN_BINARY, /* axpy's key, scale's binary, a header that checks out: only the driver can tell */
} damage;

static void write_bytes(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f) {
        CHECK_INT(fwrite(data, 1, len, f), len);
        fclose(f);
    }
}

static void damage_file(damage kind, const char *axpy, const char *scale)
{
    size_t len = 0, slen = 0;
    char *a = test_read_file(axpy, &len), *b = test_read_file(scale, &slen);
    uint8_t *rec = malloc(slen + 1);
    CHECK(a && b && rec && len > CLMLP_RECORD_HEADER && slen > CLMLP_RECORD_HEADER);
    if (a && b && rec && len > CLMLP_RECORD_HEADER && slen > CLMLP_RECORD_HEADER) {
        switch (kind) {
        case ONE_BYTE_SHORT:
            write_bytes(axpy, a, len - 1);
            break;
        case ONE_BYTE_FLIPPED:
            a[len / 2] ^= 0x20;
            write_bytes(axpy, a, len);
            break;
        case ROTATED:
            write_bytes(axpy, b, slen);
            break;
        case WRONG_MAGIC:
            memcpy(a, "notclmlp", 8);
            write_bytes(axpy, a, len);
            break;
        case NOT_A_RECORD:
            write_bytes(axpy, "not a program binary", 20);
            break;
        case FOREIGN_BINARY:
            write_bytes(axpy, rec,
                        make_record((const uint8_t *)a + 24, (const uint8_t *)b + CLMLP_RECORD_HEADER,
                                    slen - CLMLP_RECORD_HEADER, rec));
            break;
        }
    }
    free(rec);
    free(a);
    free(b);
}

/* The failure mode the issue describes, for one kind of damage: axpy and
 * scale are cached, axpy's file is damaged, and axpy is asked for again.
 * That must be one warning naming the file and why, the file removed, a
 * source build whose kernel computes the right numbers, and a good file
 * cached again that the next build loads. */
static void check_damage_rebuilt(damage kind, const char *why)
{
    clmlp_device dev;
    if (!open_first(&dev))
        return;
    char axpy[1400], scale[1400];
    build_and_cache(&dev, add_source, NULL, axpy, sizeof axpy);
    build_and_cache(&dev, scale_source, axpy, scale, sizeof scale);
    if (!axpy[0] || !scale[0]) {
        clmlp_device_close(&dev);
        return;
    }
    damage_file(kind, axpy, scale);

    clmlp_err err = {0};
    cl_program prog = NULL;
    cl_kernel k = NULL;
    bool cached = true;
    test_stderr_begin();
    int rc = clmlp_program_kernel(&dev, add_source, "", "axpy", &prog, &cached, &k, &err);
    char *warned = test_stderr_end();
    CHECK_INT(rc, 0);
    if (rc < 0)
        test_fail(__FILE__, __LINE__, "%s", err.msg);
    CHECK(!cached);
    CHECK_INT(count_occurrences(warned, "warning"), 1);
    CHECK_CONTAINS(warned, axpy);
    CHECK_CONTAINS(warned, why);
    CHECK_CONTAINS(warned, "building from source");
    CHECK(strchr(warned, '\n') == strrchr(warned, '\n')); /* one line */
    free(warned);
    CHECK(access(axpy, F_OK) != 0); /* removed */
    CHECK_INT(run_axpy_kernel(&dev, k, 1000), 0);
    if (k)
        clReleaseKernel(k);
    if (prog)
        clReleaseProgram(prog);

    /* Cached again, and loaded by the next build. */
    clmlp_device_save_programs(&dev);
    prog = NULL;
    CHECK_INT(clmlp_program_build(&dev, add_source, "", &prog, &cached, &err), 0);
    CHECK(cached);
    CHECK_INT(run_axpy(&dev, prog, 64), 0);
    if (prog)
        clReleaseProgram(prog);
    clmlp_device_close(&dev);
}

/* A writer killed mid-write leaves programs/<key>.bin.tmp.<pid>: the next
 * save removes it (the program cache writes through clmlp_write_file_atomic). */
static void test_cache_removes_temp_files_of_dead_writers(void)
{
    clmlp_device dev;
    if (!open_first(&dev))
        return;
    char dir[1100], stale[1300];
    snprintf(dir, sizeof dir, "%s/cache/programs", test_tmpdir());
    CHECK_INT(clmlp_mkdir_p(dir, NULL), 0);
    pid_t dead = 999999; /* the first pid below it that no process has */
    while (kill(dead, 0) == 0 || errno != ESRCH)
        dead--;
    snprintf(stale, sizeof stale, "%s/0123.bin.tmp.%ld", dir, (long)dead);
    FILE *f = fopen(stale, "w");
    CHECK(f != NULL);
    if (f)
        fclose(f);
    char path[1400];
    build_and_cache(&dev, scale_source, "", path, sizeof path);
    CHECK(path[0] != '\0');
    CHECK(access(stale, F_OK) != 0);
    clmlp_device_close(&dev);
}

static void test_cache_file_one_byte_short_is_rebuilt(void)
{
    check_damage_rebuilt(ONE_BYTE_SHORT, "1 byte short of the");
}

static void test_cache_file_with_a_flipped_byte_is_rebuilt(void)
{
    check_damage_rebuilt(ONE_BYTE_FLIPPED, "SHA-256");
}

static void test_cache_file_of_another_program_is_rebuilt(void)
{
    check_damage_rebuilt(ROTATED, "a record of another source, options or device");
}

static void test_cache_file_with_a_wrong_header_is_rebuilt(void)
{
    check_damage_rebuilt(WRONG_MAGIC, "not a clmlp program record");
}

static void test_cache_file_that_is_not_a_record_is_rebuilt(void)
{
    check_damage_rebuilt(NOT_A_RECORD, "20 bytes, shorter than the 88-byte header");
}

static void test_cached_program_without_the_kernel_is_rebuilt(void)
{
    check_damage_rebuilt(FOREIGN_BINARY, "clCreateKernel(axpy) failed: CL_INVALID_KERNEL_NAME");
}

/* A cache directory of another user, holding records that are valid in
 * every other way (planted): not used, one warning, programs built from
 * source and nothing written there. chown needs root. */
static void test_cache_dir_of_another_user_is_not_used(void)
{
    struct passwd *nobody = getpwnam("nobody");
    if (geteuid() != 0 || !nobody) {
        fprintf(stderr, "    (skipped: needs root and a user 'nobody' to chown the cache)\n");
        return;
    }
    clmlp_device dev;
    if (!open_first(&dev))
        return;
    char planted[1400], cache[1100], cmd[1300];
    build_and_cache(&dev, add_source, NULL, planted, sizeof planted);
    snprintf(cache, sizeof cache, "%s/cache", test_tmpdir());
    snprintf(cmd, sizeof cmd, "chown -R nobody '%s'", cache);
    CHECK_INT(system(cmd), 0);

    clmlp_err err = {0};
    cl_program prog = NULL;
    bool cached = true;
    test_stderr_begin();
    CHECK_INT(clmlp_program_build(&dev, add_source, "", &prog, &cached, &err), 0);
    CHECK(!cached);
    clmlp_device_save_programs(&dev);
    CHECK_INT(clmlp_program_build(&dev, add_source, "", &prog, &cached, &err), 0);
    char *warned = test_stderr_end();
    CHECK(!cached);
    CHECK_INT(count_occurrences(warned, "warning"), 1);
    CHECK_CONTAINS(warned, cache);
    CHECK_CONTAINS(warned, "not by this user");
    free(warned);
    CHECK_INT(run_axpy(&dev, prog, 64), 0);
    if (prog)
        clReleaseProgram(prog);
    struct stat st;
    CHECK(stat(planted, &st) == 0 && st.st_uid == nobody->pw_uid); /* left alone */
    clmlp_device_close(&dev);
}

/* No variable names a cache: programs build and run, nothing is queued
 * for writing, and the process says so once. */
static void test_programs_build_without_a_cache_dir(void)
{
    clmlp_device dev;
    if (!test_open_device(&dev))
        return;
    unsetenv("CLMLP_CACHE_DIR");
    unsetenv("XDG_CACHE_HOME");
    unsetenv("HOME");
    clmlp_err err = {0};
    bool cached = true;
    test_stderr_begin();
    for (int i = 0; i < 2; i++) {
        cl_program prog = NULL;
        CHECK_INT(clmlp_program_build(&dev, add_source, "", &prog, &cached, &err), 0);
        CHECK(!cached);
        CHECK_INT(dev.n_unsaved, 0);
        CHECK_INT(run_axpy(&dev, prog, 64), 0);
        if (prog)
            clReleaseProgram(prog);
    }
    char *warned = test_stderr_end();
    CHECK_INT(count_occurrences(warned, "warning"), 1);
    CHECK_CONTAINS(warned, "no cache directory");
    free(warned);
    clmlp_device_close(&dev);
}

/* One source and options built again while the first program is held:
 * the same program (PoCL keeps each program's bitcode and work-group
 * functions, ~2 MB; the seed's thirteen GEMMs of one tile were thirteen),
 * saying where the first came from; other options are another program;
 * each caller's release is its own. */
static void test_held_programs_are_shared(void)
{
    clmlp_device dev;
    if (!open_first(&dev))
        return;
    clmlp_err err = {0};
    cl_program a = NULL, b = NULL, c = NULL;
    bool from_a = true, from_b = false, from_c = true;
    CHECK_INT(clmlp_program_build(&dev, add_source, "", &a, &from_a, &err), 0);
    CHECK_INT(clmlp_program_build(&dev, add_source, "", &b, &from_b, &err), 0);
    CHECK(a != NULL && a == b);
    CHECK(!from_a && !from_b);
    CHECK_INT(clmlp_program_build(&dev, add_source, "-cl-fast-relaxed-math", &c, &from_c, &err), 0);
    CHECK(c != NULL && c != a);
    CHECK_INT(dev.n_built, 2);
    if (a)
        clReleaseProgram(a);
    CHECK_INT(run_axpy(&dev, b, 64), 0);
    if (b)
        clReleaseProgram(b);
    if (c)
        clReleaseProgram(c);
    clmlp_device_close(&dev);
    CHECK_INT(dev.n_built, 0);
}

/* A cache folder that cannot exist (a file is in its path): the build
 * still succeeds, with a warning on stderr. */
static void test_cache_write_failure_is_a_warning(void)
{
    test_write_file("blocker", "x", 1);
    clmlp_device dev;
    if (!open_first_with_cache(&dev, "blocker/cache"))
        return;
    clmlp_err err = {0};
    cl_program prog = NULL;
    bool cached = true;
    CHECK_INT(clmlp_program_build(&dev, add_source, "", &prog, &cached, &err), 0);
    CHECK(!cached);
    CHECK_INT(run_axpy(&dev, prog, 64), 0);
    if (prog)
        clReleaseProgram(prog);
    clmlp_device_close(&dev);
}

static void test_build_failure_reports_log(void)
{
    clmlp_device dev;
    if (!open_first(&dev))
        return;
    clmlp_err err = {0};
    cl_program prog = NULL;
    const char *bad = "__kernel void broken(__global float *x) {\n    x[0] = undeclared_thing;\n}\n";
    CHECK_INT(clmlp_program_build(&dev, bad, "", &prog, NULL, &err), -1);
    CHECK(prog == NULL);
    CHECK_INT(err.code, CLMLP_EXIT_DEVICE);
    CHECK_CONTAINS(err.msg, "clBuildProgram failed: CL_BUILD_PROGRAM_FAILURE (-11): ");
    CHECK_CONTAINS(err.msg, "undeclared_thing");
    CHECK(strchr(err.msg, '\n') == NULL);
    clmlp_device_close(&dev);
}

/* ---- the devices command ------------------------------------------------ */

static void test_cli_devices_table(void)
{
    setenv("POCL_DEVICES", "pthread basic", 1);
    char out[16384];
    CHECK_INT(test_run_clmlp("devices", out, sizeof out), 0);
    CHECK_CONTAINS(out, "pthread");
    CHECK_CONTAINS(out, "basic");
    CHECK_CONTAINS(out, "Portable Computing Language");
    CHECK_CONTAINS(out, "--set device.name=");
}

static void test_cli_devices_json(void)
{
    setenv("POCL_DEVICES", "pthread basic", 1);
    char out[16384];
    CHECK_INT(test_run_clmlp("devices --json", out, sizeof out), 0);
    CHECK(out[0] == '[');
    CHECK_INT(count_occurrences(out, "\"compute_units\""), 2);
    CHECK_CONTAINS(out, "\"driver_version\"");
}

static void test_cli_devices_bad_option(void)
{
    char out[4096];
    CHECK_INT(test_run_clmlp("devices --bogus", out, sizeof out), CLMLP_EXIT_USAGE);
    CHECK_CONTAINS(out, "--bogus");
}

/* An empty vendors folder hides every ICD from the loader: no platforms. */
static void test_cli_devices_none(void)
{
    char vendors[1024];
    snprintf(vendors, sizeof vendors, "%s/no-icds", test_tmpdir());
    mkdir(vendors, 0700);
    setenv("OCL_ICD_VENDORS", vendors, 1);
    char out[4096];
    CHECK_INT(test_run_clmlp("devices", out, sizeof out), CLMLP_EXIT_DEVICE);
    CHECK_CONTAINS(out, "clmlp: no OpenCL devices found; install pocl-opencl-icd");
}

const test_case device_tests[] = {
    {"select_any", test_select_any, false},
    {"select_by_type", test_select_by_type, false},
    {"select_by_name_case_insensitive", test_select_by_name_case_insensitive, false},
    {"select_by_platform", test_select_by_platform, false},
    {"select_index_among_matches", test_select_index_among_matches, false},
    {"select_index_out_of_range", test_select_index_out_of_range, false},
    {"select_none_matching_lists_devices", test_select_none_matching_lists_devices, false},
    {"select_zero_devices", test_select_zero_devices, false},
    {"select_accelerator_matches_custom", test_select_accelerator_matches_custom, false},
    {"type_names", test_type_names, false},
    {"cl_error_names", test_cl_error_names, false},
    {"clblast_status_names", test_clblast_status_names, false},
    {"check_formatting", test_check_formatting, false},
    {"print_table", test_print_table, false},
    {"print_json", test_print_json, false},
    {"close_zeroed_and_open_fake", test_close_zeroed_and_open_fake, false},
    {"sha256_vectors", test_sha256_vectors, false},
    {"cache_dir_env", test_cache_dir_env, false},
    {"cache_dir_writable_by_group_is_not_used", test_cache_dir_writable_by_group_is_not_used, false},
    {"cache_dir_symlink_is_not_used", test_cache_dir_symlink_is_not_used, false},
    {"cache_dir_none_without_variables", test_cache_dir_none_without_variables, false},
    {"program_record_checks", test_program_record_checks, false},
    {"cli_devices_bad_option", test_cli_devices_bad_option, false},
    {"enumerate_finds_pocl", test_enumerate_finds_pocl, true},
    {"build_run_and_cache", test_build_run_and_cache, true},
    {"cache_removes_temp_files_of_dead_writers", test_cache_removes_temp_files_of_dead_writers, true},
    {"cache_file_one_byte_short_is_rebuilt", test_cache_file_one_byte_short_is_rebuilt, true},
    {"cache_file_with_a_flipped_byte_is_rebuilt", test_cache_file_with_a_flipped_byte_is_rebuilt, true},
    {"cache_file_of_another_program_is_rebuilt", test_cache_file_of_another_program_is_rebuilt, true},
    {"cache_file_with_a_wrong_header_is_rebuilt", test_cache_file_with_a_wrong_header_is_rebuilt, true},
    {"cache_file_that_is_not_a_record_is_rebuilt", test_cache_file_that_is_not_a_record_is_rebuilt, true},
    {"cached_program_without_the_kernel_is_rebuilt", test_cached_program_without_the_kernel_is_rebuilt, true},
    {"cache_dir_of_another_user_is_not_used", test_cache_dir_of_another_user_is_not_used, true},
    {"programs_build_without_a_cache_dir", test_programs_build_without_a_cache_dir, true},
    {"held_programs_are_shared", test_held_programs_are_shared, true},
    {"cache_write_failure_is_a_warning", test_cache_write_failure_is_a_warning, true},
    {"build_failure_reports_log", test_build_failure_reports_log, true},
    {"cli_devices_table", test_cli_devices_table, true},
    {"cli_devices_json", test_cli_devices_json, true},
    {"cli_devices_none", test_cli_devices_none, true},
    {NULL, NULL, false},
};
