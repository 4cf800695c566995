/* OpenCL and CLBlast status codes as names, and the one-line error the CLI
 * prints when a call fails: "<call> failed: <NAME> (<code>)<hint>". */
#include "clmlp/device.h"

#include <CL/cl_ext.h>
#include <clblast_c.h>

typedef struct {
    int code;
    const char *name;
} code_name;

/* The macros themselves supply the values, so a table entry cannot drift. */
#define NAME(x) {x, #x}

static const code_name cl_codes[] = {
    NAME(CL_SUCCESS),
    NAME(CL_DEVICE_NOT_FOUND),
    NAME(CL_DEVICE_NOT_AVAILABLE),
    NAME(CL_COMPILER_NOT_AVAILABLE),
    NAME(CL_MEM_OBJECT_ALLOCATION_FAILURE),
    NAME(CL_OUT_OF_RESOURCES),
    NAME(CL_OUT_OF_HOST_MEMORY),
    NAME(CL_PROFILING_INFO_NOT_AVAILABLE),
    NAME(CL_MEM_COPY_OVERLAP),
    NAME(CL_IMAGE_FORMAT_MISMATCH),
    NAME(CL_IMAGE_FORMAT_NOT_SUPPORTED),
    NAME(CL_BUILD_PROGRAM_FAILURE),
    NAME(CL_MAP_FAILURE),
    NAME(CL_MISALIGNED_SUB_BUFFER_OFFSET),
    NAME(CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST),
    NAME(CL_COMPILE_PROGRAM_FAILURE),
    NAME(CL_LINKER_NOT_AVAILABLE),
    NAME(CL_LINK_PROGRAM_FAILURE),
    NAME(CL_DEVICE_PARTITION_FAILED),
    NAME(CL_KERNEL_ARG_INFO_NOT_AVAILABLE),
    NAME(CL_INVALID_VALUE),
    NAME(CL_INVALID_DEVICE_TYPE),
    NAME(CL_INVALID_PLATFORM),
    NAME(CL_INVALID_DEVICE),
    NAME(CL_INVALID_CONTEXT),
    NAME(CL_INVALID_QUEUE_PROPERTIES),
    NAME(CL_INVALID_COMMAND_QUEUE),
    NAME(CL_INVALID_HOST_PTR),
    NAME(CL_INVALID_MEM_OBJECT),
    NAME(CL_INVALID_IMAGE_FORMAT_DESCRIPTOR),
    NAME(CL_INVALID_IMAGE_SIZE),
    NAME(CL_INVALID_SAMPLER),
    NAME(CL_INVALID_BINARY),
    NAME(CL_INVALID_BUILD_OPTIONS),
    NAME(CL_INVALID_PROGRAM),
    NAME(CL_INVALID_PROGRAM_EXECUTABLE),
    NAME(CL_INVALID_KERNEL_NAME),
    NAME(CL_INVALID_KERNEL_DEFINITION),
    NAME(CL_INVALID_KERNEL),
    NAME(CL_INVALID_ARG_INDEX),
    NAME(CL_INVALID_ARG_VALUE),
    NAME(CL_INVALID_ARG_SIZE),
    NAME(CL_INVALID_KERNEL_ARGS),
    NAME(CL_INVALID_WORK_DIMENSION),
    NAME(CL_INVALID_WORK_GROUP_SIZE),
    NAME(CL_INVALID_WORK_ITEM_SIZE),
    NAME(CL_INVALID_GLOBAL_OFFSET),
    NAME(CL_INVALID_EVENT_WAIT_LIST),
    NAME(CL_INVALID_EVENT),
    NAME(CL_INVALID_OPERATION),
    NAME(CL_INVALID_GL_OBJECT),
    NAME(CL_INVALID_BUFFER_SIZE),
    NAME(CL_INVALID_MIP_LEVEL),
    NAME(CL_INVALID_GLOBAL_WORK_SIZE),
    NAME(CL_INVALID_PROPERTY),
    NAME(CL_INVALID_IMAGE_DESCRIPTOR),
    NAME(CL_INVALID_COMPILER_OPTIONS),
    NAME(CL_INVALID_LINKER_OPTIONS),
    NAME(CL_INVALID_DEVICE_PARTITION_COUNT),
    /* OpenCL 2.x/3.0 codes: hidden by CL_TARGET_OPENCL_VERSION=120, but a
     * newer driver can still return them. */
    {-69, "CL_INVALID_PIPE_SIZE"},
    {-70, "CL_INVALID_DEVICE_QUEUE"},
    {-71, "CL_INVALID_SPEC_ID"},
    {-72, "CL_MAX_SIZE_RESTRICTION_EXCEEDED"},
    NAME(CL_PLATFORM_NOT_FOUND_KHR),
};

static const code_name clblast_codes[] = {
    NAME(CLBlastSuccess),
    NAME(CLBlastOpenCLCompilerNotAvailable),
    NAME(CLBlastTempBufferAllocFailure),
    NAME(CLBlastOpenCLOutOfResources),
    NAME(CLBlastOpenCLOutOfHostMemory),
    NAME(CLBlastOpenCLBuildProgramFailure),
    NAME(CLBlastInvalidValue),
    NAME(CLBlastInvalidCommandQueue),
    NAME(CLBlastInvalidMemObject),
    NAME(CLBlastInvalidBinary),
    NAME(CLBlastInvalidBuildOptions),
    NAME(CLBlastInvalidProgram),
    NAME(CLBlastInvalidProgramExecutable),
    NAME(CLBlastInvalidKernelName),
    NAME(CLBlastInvalidKernelDefinition),
    NAME(CLBlastInvalidKernel),
    NAME(CLBlastInvalidArgIndex),
    NAME(CLBlastInvalidArgValue),
    NAME(CLBlastInvalidArgSize),
    NAME(CLBlastInvalidKernelArgs),
    NAME(CLBlastInvalidLocalNumDimensions),
    NAME(CLBlastInvalidLocalThreadsTotal),
    NAME(CLBlastInvalidLocalThreadsDim),
    NAME(CLBlastInvalidGlobalOffset),
    NAME(CLBlastInvalidEventWaitList),
    NAME(CLBlastInvalidEvent),
    NAME(CLBlastInvalidOperation),
    NAME(CLBlastInvalidBufferSize),
    NAME(CLBlastInvalidGlobalWorkSize),
    NAME(CLBlastNotImplemented),
    NAME(CLBlastInvalidMatrixA),
    NAME(CLBlastInvalidMatrixB),
    NAME(CLBlastInvalidMatrixC),
    NAME(CLBlastInvalidVectorX),
    NAME(CLBlastInvalidVectorY),
    NAME(CLBlastInvalidDimension),
    NAME(CLBlastInvalidLeadDimA),
    NAME(CLBlastInvalidLeadDimB),
    NAME(CLBlastInvalidLeadDimC),
    NAME(CLBlastInvalidIncrementX),
    NAME(CLBlastInvalidIncrementY),
    NAME(CLBlastInsufficientMemoryA),
    NAME(CLBlastInsufficientMemoryB),
    NAME(CLBlastInsufficientMemoryC),
    NAME(CLBlastInsufficientMemoryX),
    NAME(CLBlastInsufficientMemoryY),
    NAME(CLBlastInsufficientMemoryTemp),
    NAME(CLBlastInvalidBatchCount),
    NAME(CLBlastInvalidOverrideKernel),
    NAME(CLBlastMissingOverrideParameter),
    NAME(CLBlastInvalidLocalMemUsage),
    NAME(CLBlastNoHalfPrecision),
    NAME(CLBlastNoDoublePrecision),
    NAME(CLBlastInvalidVectorScalar),
    NAME(CLBlastInsufficientMemoryScalar),
    NAME(CLBlastDatabaseError),
    NAME(CLBlastUnknownError),
    NAME(CLBlastUnexpectedError),
};

#undef NAME

static const char *lookup(const code_name *table, size_t n, int code, const char *unknown)
{
    for (size_t i = 0; i < n; i++)
        if (table[i].code == code)
            return table[i].name;
    return unknown;
}

const char *clmlp_cl_error_name(cl_int code)
{
    return lookup(cl_codes, CLMLP_ARRAY_LEN(cl_codes), code, "UNKNOWN_CL_ERROR");
}

const char *clmlp_clblast_status_name(int status)
{
    return lookup(clblast_codes, CLMLP_ARRAY_LEN(clblast_codes), status, "UNKNOWN_CLBLAST_STATUS");
}

/* What the user can do about the common failures. CLBlast reuses the OpenCL
 * values for its OpenCL-level codes, so one table serves both. */
static const char *hint(int code)
{
    switch (code) {
    case CL_OUT_OF_RESOURCES:
    case CL_MEM_OBJECT_ALLOCATION_FAILURE:
    case CL_OUT_OF_HOST_MEMORY:
        return "; the device ran out of memory: lower training.batch_size or training.eval_batch_size";
    case CL_DEVICE_NOT_FOUND:
    case CL_PLATFORM_NOT_FOUND_KHR:
        return "; no OpenCL driver found: install pocl-opencl-icd";
    case CL_INVALID_WORK_GROUP_SIZE:
        return "; the kernel's local size does not fit this device";
    default:
        return "";
    }
}

int clmlp_cl_check(cl_int code, const char *call, clmlp_err *err)
{
    if (code == CL_SUCCESS)
        return 0;
    return clmlp_fail(err, CLMLP_EXIT_DEVICE, "%s failed: %s (%d)%s", call, clmlp_cl_error_name(code), (int)code,
                      hint(code));
}

int clmlp_clblast_check(int status, const char *call, clmlp_err *err)
{
    if (status == CLBlastSuccess)
        return 0;
    const char *extra = hint(status);
    if (status == CLBlastInvalidLocalMemUsage)
        extra = "; the GEMM parameters need more local memory than this device has";
    return clmlp_fail(err, CLMLP_EXIT_DEVICE, "%s failed: %s (%d)%s", call, clmlp_clblast_status_name(status), status,
                      extra);
}
