/* Row-major single-precision GEMM with a fused epilogue:
 *
 *   C[M,N] = act( op(A)[M,K] · op(B)[K,N]  (+ C when ACCUMULATE)  (+ bias[N]) )
 *
 * op(A) = A (stored M×K, row stride lda) or, with TRANS_A, A^T (A stored K×M);
 * op(B) = B (stored K×N, row stride ldb) or, with TRANS_B, B^T (B stored N×K).
 * C is M×N with row stride ldc. Every size is allowed (1×1×1 included).
 *
 * Work split: dimension 0 of the NDRange walks N, dimension 1 walks M; each
 * work-item owns a TM×TN block of C and keeps it in registers for the whole
 * K loop (no local memory: on a CPU, L1/L2 already hold the operands). The
 * host launches global = round_up(ceil(N/TN), WGN) × round_up(ceil(M/TM), WGM),
 * local = WGN × WGM; surplus work-items return at once.
 *
 * Two loop shapes, chosen by the transposes:
 *  - outer-product form (TRANS_B = 0, and TRANS_A = TRANS_B = 1): per k, one
 *    row segment of op(B) is loaded as TN/VW vectors of VW floats and each of
 *    the TM values of op(A) is broadcast against it. op(B)'s columns are
 *    contiguous in memory, so the vectors are plain vloads; with TRANS_B
 *    (only the TT case ends up here) they are gathered element by element.
 *  - dot form (TRANS_A = 0, TRANS_B = 1: the backward dX = dY·W^T): both
 *    operands are contiguous along K, so each of the TM×TN outputs is a
 *    VW-wide partial dot product along K, summed across lanes at the end.
 *
 * Why explicit vectors and not scalar code: PoCL's work-group compiler could
 * vectorise across work-items, but with a K loop inside the kernel it keeps
 * the accumulators in memory. Measured on PoCL 3.1 (AVX-512, one thread),
 * NN 100×400×784: a scalar 4×4 register tile ~11 GFLOP/s; float16 vectors
 * ~55 with the accumulators on the stack; ~230 with every TM/TN loop
 * unrolled, which is what puts them in registers. (fma() and a*b+c measure
 * the same there once unrolled; fma() is kept as it is one instruction on
 * AVX2/AVX-512 and GPUs whatever the compiler's contraction defaults.)
 *
 * Edges: rows (and, in the dot form, columns) beyond M/N load from a clamped,
 * valid index and are never stored, so the K loop has no branches. In the
 * outer-product form a vector that would cross N slides left to end at N-1
 * (still a full vload; see `win` below), so the edge work-item runs the same
 * loop as the others; only N < VW and TT gather op(B) lane by lane. */

/* ---- shape (set by the host for each GEMM) ---------------------------- */
#ifndef TRANS_A
#define TRANS_A 0 /* 1: A is stored K×M and used transposed */
#endif
#ifndef TRANS_B
#define TRANS_B 0 /* 1: B is stored N×K and used transposed */
#endif
#ifndef ACCUMULATE
#define ACCUMULATE 0 /* 1: C += op(A)·op(B) (before the epilogue) instead of C = */
#endif
#ifndef EPILOGUE
#define EPILOGUE 0 /* 0 none, 1 + bias, 2 + bias then ReLU, 3 + bias then sigmoid, 4 + bias then tanh */
#endif

/* ---- tunables ---------------------------------------------------------- */
#ifndef TM
#define TM 8 /* rows of C per work-item */
#endif
#ifndef TN
#define TN 16 /* columns of C per work-item (outer-product form: a multiple of VW) */
#endif
#ifndef VW
#define VW 16 /* vector width: along N (outer-product form) or K (dot form); 1, 2, 4, 8 or 16 */
#endif
#ifndef WGM
#define WGM 1 /* work-group size along M (NDRange dimension 1) */
#endif
#ifndef WGN
#define WGN 1 /* work-group size along N (NDRange dimension 0) */
#endif
#ifndef USE_FMA
#define USE_FMA 1 /* 1: fma() (one instruction on AVX2/AVX-512 and GPUs); 0: a*b+c */
#endif

#define DOT_FORM (TRANS_B && !TRANS_A)

#if !DOT_FORM && (TN % VW) != 0
#error "TN must be a multiple of VW in the outer-product form"
#endif

/* ---- helpers ------------------------------------------------------------ */
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define PRAGMA_(x) _Pragma(#x)
#define PRAGMA(x) PRAGMA_(x)

#if VW == 1
typedef float floatV;
#define LOADV(p) (*(p))
#define STOREV(v, p) (*(p) = (v))
#else
typedef CAT(float, VW) floatV;
#define LOADV(p) CAT(vload, VW)(0, (p))
#define STOREV(v, p) CAT(vstore, VW)((v), 0, (p))
#endif

#if USE_FMA
#define MADD(a, b, c) fma((a), (b), (c))
#else
#define MADD(a, b, c) ((a) * (b) + (c))
#endif

/* The activation, for float or floatV alike. */
#if EPILOGUE == 2
#define ACT(x) fmax((x), 0.0f)
#elif EPILOGUE == 3
#define ACT(x) (1.0f / (1.0f + exp(-(x))))
#elif EPILOGUE == 4
#define ACT(x) tanh(x)
#else
#define ACT(x) (x)
#endif

/* Element (row r, column c) of op(A) and of op(B). */
#if TRANS_A
#define A_AT(r, c) A[(c) * lda + (r)]
#else
#define A_AT(r, c) A[(r) * lda + (c)]
#endif
#if TRANS_B
#define B_AT(r, c) B[(c) * ldb + (r)]
#else
#define B_AT(r, c) B[(r) * ldb + (c)]
#endif

/* Sum of a vector's lanes. */
float hsum(floatV v)
{
#if VW == 1
    return v;
#else
#if VW == 16
    float8 v8 = v.lo + v.hi;
#elif VW == 8
    float8 v8 = v;
#endif
#if VW >= 8
    float4 v4 = v8.lo + v8.hi;
#elif VW == 4
    float4 v4 = v;
#endif
#if VW >= 4
    float2 v2 = v4.lo + v4.hi;
#else
    float2 v2 = v;
#endif
    return v2.x + v2.y;
#endif
}

/* Final value of one element of C from its dot product x. */
float finish(float x, __global const float *C, int idx, __global const float *bias, int n)
{
#if ACCUMULATE
    x += C[idx];
#endif
#if EPILOGUE >= 1
    x += bias[n];
#endif
    return ACT(x);
}

__kernel __attribute__((reqd_work_group_size(WGN, WGM, 1))) void gemm(const int M, const int N, const int K,
                                                                     __global const float *A, const int lda,
                                                                     __global const float *B, const int ldb,
                                                                     __global float *C, const int ldc,
                                                                     __global const float *bias)
{
    const int m0 = (int)get_global_id(1) * TM;
    const int n0 = (int)get_global_id(0) * TN;
    if (m0 >= M || n0 >= N)
        return;

    /* Rows past M repeat row M-1: valid loads, results never stored. */
    int row[TM];
    PRAGMA(unroll)
    for (int i = 0; i < TM; i++)
        row[i] = min(m0 + i, M - 1);

#if DOT_FORM
    /* ---- dot form: A is M×K and B is N×K, both contiguous along K ---- */
    int col[TN];
    PRAGMA(unroll)
    for (int j = 0; j < TN; j++)
        col[j] = min(n0 + j, N - 1);
    floatV acc[TM][TN];
    PRAGMA(unroll)
    for (int i = 0; i < TM; i++)
        PRAGMA(unroll)
        for (int j = 0; j < TN; j++)
            acc[i][j] = (floatV)0.0f;
    int k = 0;
    for (; k + VW <= K; k += VW) {
        floatV a[TM], b[TN];
        PRAGMA(unroll)
        for (int i = 0; i < TM; i++)
            a[i] = LOADV(A + row[i] * lda + k);
        PRAGMA(unroll)
        for (int j = 0; j < TN; j++)
            b[j] = LOADV(B + col[j] * ldb + k);
        PRAGMA(unroll)
        for (int i = 0; i < TM; i++)
            PRAGMA(unroll)
            for (int j = 0; j < TN; j++)
                acc[i][j] = MADD(a[i], b[j], acc[i][j]);
    }
    float sum[TM][TN];
    PRAGMA(unroll)
    for (int i = 0; i < TM; i++)
        PRAGMA(unroll)
        for (int j = 0; j < TN; j++)
            sum[i][j] = hsum(acc[i][j]);
    for (; k < K; k++) /* K % VW leftovers */
        PRAGMA(unroll)
        for (int i = 0; i < TM; i++)
            PRAGMA(unroll)
            for (int j = 0; j < TN; j++)
                sum[i][j] = MADD(A[row[i] * lda + k], B[col[j] * ldb + k], sum[i][j]);
    PRAGMA(unroll)
    for (int i = 0; i < TM; i++) {
        if (m0 + i >= M)
            break;
        PRAGMA(unroll)
        for (int j = 0; j < TN; j++) {
            const int n = n0 + j, idx = (m0 + i) * ldc + n;
            if (n < N)
                C[idx] = finish(sum[i][j], C, idx, bias, n);
        }
    }
#else
    /* ---- outer-product form: op(B) rows are TN/VW vectors along N ---- */
#define NV (TN / VW)
    /* Vector j covers columns win[j] .. win[j]+VW-1. Normally win[j] = n0 + j*VW;
     * at the right edge the window slides left to end at column N-1, so the
     * load stays a full in-bounds vload: lanes are independent in this form,
     * so a slid window just computes some columns twice, and only the lanes
     * this work-item owns (column >= n0 + j*VW) are stored. */
#if TRANS_B
    const bool slide = false; /* TT: op(B) rows are strided, gathered anyway */
#else
    const bool slide = N >= VW;
#endif
    int win[NV];
    PRAGMA(unroll)
    for (int j = 0; j < NV; j++)
        win[j] = slide ? min(n0 + j * VW, N - VW) : n0 + j * VW;

    floatV acc[TM][NV];
    PRAGMA(unroll)
    for (int i = 0; i < TM; i++)
        PRAGMA(unroll)
        for (int j = 0; j < NV; j++)
            acc[i][j] = (floatV)0.0f;

    /* One K step given the NV vectors of op(B) row k in b[]. */
#define OUTER_STEP()                                                                                               \
    PRAGMA(unroll)                                                                                                 \
    for (int i = 0; i < TM; i++) {                                                                                 \
        const floatV a = (floatV)A_AT(row[i], k);                                                                  \
        PRAGMA(unroll)                                                                                             \
        for (int j = 0; j < NV; j++)                                                                               \
            acc[i][j] = MADD(a, b[j], acc[i][j]);                                                                  \
    }

    if (slide) { /* uniform across the launch: no divergence */
            for (int k = 0; k < K; k++) {
            floatV b[NV];
            PRAGMA(unroll)
            for (int j = 0; j < NV; j++)
                b[j] = LOADV(B + k * ldb + win[j]);
            OUTER_STEP()
        }
    } else {
        /* N < VW, or TT: gather lane by lane; columns past N repeat column N-1. */
        for (int k = 0; k < K; k++) {
            floatV b[NV];
            PRAGMA(unroll)
            for (int j = 0; j < NV; j++) {
                float t[VW];
                PRAGMA(unroll)
                for (int l = 0; l < VW; l++)
                    t[l] = B_AT(k, min(win[j] + l, N - 1));
                b[j] = LOADV(t);
            }
            OUTER_STEP()
        }
    }

    PRAGMA(unroll)
    for (int i = 0; i < TM; i++) {
        const int m = m0 + i;
        if (m >= M)
            break;
        __global float *c = C + m * ldc;
        PRAGMA(unroll)
        for (int j = 0; j < NV; j++) {
            const int own = n0 + j * VW; /* first column this vector owns */
            if (win[j] == own && own + VW <= N) {
                floatV v = acc[i][j];
#if ACCUMULATE
                v += LOADV(c + own);
#endif
#if EPILOGUE >= 1
                v += LOADV(bias + own);
#endif
                STOREV(ACT(v), c + own);
            } else {
                float t[VW];
                STOREV(acc[i][j], t);
                for (int l = 0; l < VW; l++) {
                    const int n = win[j] + l;
                    if (n >= own && n < N)
                        c[n] = finish(t[l], c, n, bias, n);
                }
            }
        }
    }
#endif
}
