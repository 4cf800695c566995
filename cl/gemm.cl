/* Row-major single-precision GEMM with a fused epilogue:
 *
 *   C[M,N] = act( op(A)[M,K] · op(B)[K,N]  (+ C when accumulating)  (+ bias[N]) )
 *
 * or, in the backward pass, one of
 *   C = op(A)·op(B) ⊙ act'(H)   H[M,N] the forward output (row stride ldc)
 *   C = op(A)·op(B),  bias[n] = Σ_k op(B)[k, n]   (the bias gradient)
 *
 * k_begin: the GEMM covers rows k_begin .. k_begin+K-1 of op(B) (columns of
 * op(A)), so a long K runs as chunks whose operands stay in cache, each
 * accumulating into C (and into bias) after the first (split-K).
 *
 * op(A) = A (stored M×K, row stride lda) or, transposed, A^T (A stored K×M);
 * op(B) = B (stored K×N, row stride ldb) or, transposed, B^T (B stored N×K).
 * C is M×N with row stride ldc. Every size is allowed (1×1×1 included).
 *
 * Only the loop form (DOT_FORM) and the tunables are build-time #defines;
 * the sizes, the transposes of the outer-product form, the accumulate flag
 * and the bias/activation epilogue are kernel arguments, so one program
 * serves every GEMM of the same form and tunables. Why: each program costs
 * PoCL ~0.45 s to compile cold, and the seed's step and evaluation run 16
 * GEMMs of 15 shapes with 3 epilogues: 8 programs with everything built in,
 * 2 now (see README, Performance). The activation behind the `flags` bit is ReLU unless ACT
 * names sigmoid or tanh at build time: their exp/tanh code, unrolled over
 * the whole tile, would make every ReLU program slower to compile.
 *
 * Work split: dimension 0 of the NDRange walks N, dimension 1 walks M; each
 * work-item owns a TM×TN block of C and keeps it in registers for the whole
 * K loop (no local memory: on a CPU, L1/L2 already hold the operands). The
 * host launches global = round_up(ceil(N/TN), WGN) × round_up(ceil(M/TM), WGM),
 * local = WGN × WGM; surplus work-items return at once.
 *
 * Two loop shapes, chosen by the host from the transposes (NT may also
 * run in the outer-product form, tunable `outer`: better when K is tiny):
 *  - outer-product form (NN, TN and TT): per k, one
 *    row segment of op(B) is loaded as TN/VW vectors of VW floats and each of
 *    the TM values of op(A) is broadcast against it. op(B)'s columns are
 *    contiguous in memory, so the vectors are plain vloads; for TT (and NT
 *    in this form) they are gathered element by element. Transposing A only swaps its strides
 *    (measured: no loss against a build-time TRANS_A).
 *  - dot form (NT: the backward dX = dY·W^T): both
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
 * loop as the others. When N < VW the vector reads on into the next row of
 * op(B) (those lanes are never stored); only the last rows, whose vector
 * would end past B, and a transposed B gather op(B) lane by lane.
 *
 * A third form for GPUs, LOCAL_FORM (every transpose, DOT_FORM 0): each
 * work-group computes a BM×BN tile of C (BM = TM·WGM, BN = TN·WGN); per
 * BK-deep step of K its work-items copy the op(A) and op(B) panels into
 * local memory together (consecutive work-items read consecutive addresses
 * for every transpose), wait at a barrier, and each accumulates its TM×TN
 * register tile from the panels (op(B) read as vectors of VW), then wait
 * again before the next panels overwrite them. Loads past M, N or K store
 * zeros into the panels (adding +0 changes no sum), so every work-item of a
 * group runs the same loop and reaches every barrier: none returns early.
 * Stores are guarded; the epilogue is finish(), as in the other forms. The
 * bias-gradient sums are added from the op(B) panels, in k order, by the
 * first row of work-items of the first row of groups. */

/* ---- shape (set by the host for each GEMM) ---------------------------- */
#ifndef DOT_FORM
#define DOT_FORM 0 /* 1: the dot form, for op(A)·B^T (NT); 0: the outer-product form, every other case */
#endif
#ifndef ACT
#define ACT 0 /* the activation of GEMM_ACT: 0 ReLU, 1 sigmoid, 2 tanh, 3 exp (the RBF kernel) */
#endif
#ifndef LOCAL_FORM
#define LOCAL_FORM 0 /* 1: the local-memory form (GPUs), every transpose */
#endif

/* Bits of the `flags` argument. */
#define GEMM_ACCUMULATE 1 /* C += op(A)·op(B) (before the epilogue) instead of C =; with GEMM_SUM_B, bias += too */
#define GEMM_BIAS 2       /* + bias[N] */
#define GEMM_ACT 4        /* then the activation */
#define GEMM_TRANS_A 8    /* outer-product form: A is stored K×M and used transposed */
#define GEMM_TRANS_B 16   /* outer-product form: B is stored N×K and used transposed (TT, NT) */
#define GEMM_ACT_GRAD 32  /* then C *= act'(H), the activation's derivative from its output */
#define GEMM_SUM_B 64     /* also bias[n] = sum over k of op(B)[k, n] (written by the first row of work-items) */

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
#ifndef BK
#define BK 16 /* local form: depth of the op(A)/op(B) panels staged in local memory */
#endif
#ifndef USE_FMA
#define USE_FMA 1 /* 1: fma() (one instruction on AVX2/AVX-512 and GPUs); 0: a*b+c */
#endif


#if !DOT_FORM && (TN % VW) != 0
#error "TN must be a multiple of VW in the outer-product form"
#endif
#if LOCAL_FORM && DOT_FORM
#error "the local form serves every transpose: DOT_FORM must be 0"
#endif

/* ---- helpers ------------------------------------------------------------ */
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define PRAGMA_(x) _Pragma(#x)
#define PRAGMA(x) PRAGMA_(x)
/* a[R][C] of float vectors set to zero, unrolled (the accumulators of every form) */
#define ZERO_TILE(a, R, C)                                                                                           \
    PRAGMA(unroll) for (int zi_ = 0; zi_ < (R); zi_++) PRAGMA(unroll) for (int zj_ = 0; zj_ < (C); zj_++)            \
        (a)[zi_][zj_] = (floatV)0.0f
/* The store loops: neither unrolled nor vectorised by the compiler, which
 * would only multiply code that runs once per work-item (-0.07 s of PoCL
 * compile per program). */
#define STORE_LOOP clang loop unroll(disable) vectorize(disable) interleave(disable)

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
#if ACT == 1
#define ACTIVATE(x) (1.0f / (1.0f + exp(-(x))))
#elif ACT == 2
#define ACTIVATE(x) tanh(x)
#elif ACT == 3
#define ACTIVATE(x) exp(x)
#else
#define ACTIVATE(x) fmax((x), 0.0f)
#endif
/* d act / d x from y = act(x), as cl/activation.cl (relu'(0) = 0). */
#if ACT == 1
#define ACT_DERIV(y) ((y) * (1.0f - (y)))
#elif ACT == 2
#define ACT_DERIV(y) (1.0f - (y) * (y))
#elif ACT == 3
#define ACT_DERIV(y) (y) /* exp' = exp; no backward epilogue uses it */
#else
#define ACT_DERIV(y) ((y) > 0.0f ? 1.0f : 0.0f)
#endif
/* The same for a floatV (isgreater is false for NaN, as > is). */
#if ACT == 1 || ACT == 2 || ACT == 3
#define ACT_DERIV_V(y) ACT_DERIV(y)
#else
#define ACT_DERIV_V(y) select((floatV)0.0f, (floatV)1.0f, isgreater((y), (floatV)0.0f))
#endif

/* Element (row r, column c) of op(A) and of op(B) in the outer-product
 * form, through the strides set from the transpose flags. */
#define A_AT(r, c) A[(r) * a_r + (c) * a_c]
#define B_AT(r, c) B[(r) * b_r + (c) * b_c]

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
float finish(float x, __global const float *C, int idx, __global const float *bias, __global const float *H, int n,
             int flags)
{
    if (flags & GEMM_ACCUMULATE)
        x += C[idx];
    if (flags & GEMM_BIAS)
        x += bias[n];
    if (flags & GEMM_ACT)
        x = ACTIVATE(x);
    if (flags & GEMM_ACT_GRAD)
        x *= ACT_DERIV(H[idx]);
    return x;
}

/* finish() for VW adjacent elements of C, row offset row (C[row + n] is
 * column n), from column n on: the vector store of the outer-product and
 * local forms. */
void finish_vector(floatV v, __global float *C, int row, int n, __global const float *bias,
                   __global const float *H, int flags)
{
    if (flags & GEMM_ACCUMULATE)
        v += LOADV(C + row + n);
    if (flags & GEMM_BIAS)
        v += LOADV(bias + n);
    if (flags & GEMM_ACT)
        v = ACTIVATE(v);
    if (flags & GEMM_ACT_GRAD)
        v *= ACT_DERIV_V(LOADV(H + row + n));
    STOREV(v, C + row + n);
}

__kernel __attribute__((reqd_work_group_size(WGN, WGM, 1))) void gemm(const int M, const int N, const int K,
                                                                     __global const float *A, const int lda,
                                                                     __global const float *B, const int ldb,
                                                                     __global float *C, const int ldc,
                                                                     __global float *bias, __global const float *H,
                                                                     const int flags, const int k_begin)
{
    /* A chunk of K: op(A)'s columns and op(B)'s rows from k_begin on. */
    A += (flags & GEMM_TRANS_A) ? k_begin * lda : k_begin;
    B += (flags & GEMM_TRANS_B) || DOT_FORM ? k_begin : k_begin * ldb;
#if LOCAL_FORM
    /* ---- local-memory form: panels of op(A) and op(B) shared by the group ---- */
#define BM (TM * WGM)
#define BN (TN * WGN)
#define NV (TN / VW)
    __local float As[BK][BM]; /* op(A) panel, k-major: a work-item's TM rows are adjacent */
    __local float Bs[BK][BN]; /* op(B) panel: a work-item's TN columns are adjacent (vector reads) */
    const int lx = (int)get_local_id(0), ly = (int)get_local_id(1), tid = ly * WGN + lx;
    const int gm = (int)get_group_id(1) * BM, gn = (int)get_group_id(0) * BN;
    const bool ta = (flags & GEMM_TRANS_A) != 0, tb = (flags & GEMM_TRANS_B) != 0;
    const int a_r = ta ? 1 : lda, a_c = ta ? lda : 1, b_r = tb ? 1 : ldb, b_c = tb ? ldb : 1;
    /* The bias gradient's column sums: one work-item per TN columns of the group tile. */
    const bool sum_b = (flags & GEMM_SUM_B) && gm == 0 && ly == 0;

    floatV acc[TM][NV];
    ZERO_TILE(acc, TM, NV);
    float s[TN];
    PRAGMA(unroll)
    for (int j = 0; j < TN; j++)
        s[j] = 0.0f;

    for (int k0 = 0; k0 < K; k0 += BK) {
        /* Element e of a panel: consecutive work-items take consecutive
         * addresses, along K where the operand is stored K-contiguous (A
         * untransposed, B transposed), else along M or N. */
        for (int e = tid; e < BK * BM; e += WGM * WGN) {
            const int kk = ta ? e / BM : e % BK, mm = ta ? e % BM : e / BK;
            const int r = gm + mm, c = k0 + kk;
            As[kk][mm] = r < M && c < K ? A_AT(r, c) : 0.0f;
        }
        for (int e = tid; e < BK * BN; e += WGM * WGN) {
            const int kk = tb ? e % BK : e / BN, nn = tb ? e / BK : e % BN;
            const int r = k0 + kk, c = gn + nn;
            Bs[kk][nn] = r < K && c < N ? B_AT(r, c) : 0.0f;
        }
        barrier(CLK_LOCAL_MEM_FENCE); /* the panels are complete */
        PRAGMA(unroll)
        for (int kk = 0; kk < BK; kk++) {
            floatV b[NV];
            PRAGMA(unroll)
            for (int j = 0; j < NV; j++)
                b[j] = LOADV(&Bs[kk][lx * TN + j * VW]);
            PRAGMA(unroll)
            for (int i = 0; i < TM; i++) {
                const floatV a = (floatV)As[kk][ly * TM + i];
                PRAGMA(unroll)
                for (int j = 0; j < NV; j++)
                    acc[i][j] = MADD(a, b[j], acc[i][j]);
            }
        }
        if (sum_b)
            for (int kk = 0; kk < BK; kk++)
                PRAGMA(unroll)
                for (int j = 0; j < TN; j++)
                    s[j] += Bs[kk][lx * TN + j];
        barrier(CLK_LOCAL_MEM_FENCE); /* every work-item is done with the panels */
    }

    /* Through private memory with constant indices, then stored by loops
     * that are not unrolled (as STORE in the outer-product form). */
    float tile[TM][TN];
    PRAGMA(unroll)
    for (int i = 0; i < TM; i++)
        PRAGMA(unroll)
        for (int j = 0; j < NV; j++)
            STOREV(acc[i][j], &tile[i][j * VW]);
    const int m0 = gm + ly * TM, n0 = gn + lx * TN;
    const int rows = min(TM, M - m0), cols = min(TN, N - n0);
    PRAGMA(STORE_LOOP)
    for (int i = 0; i < rows; i++) {
        __global float *c = C + (m0 + i) * ldc;
        PRAGMA(STORE_LOOP)
        for (int j = 0; j < NV; j++) {
            const int own = n0 + j * VW; /* first column of this vector */
            if (own + VW <= N) {
                finish_vector(LOADV(&tile[i][j * VW]), C, (m0 + i) * ldc, own, bias, H, flags);
            } else {
                PRAGMA(STORE_LOOP)
                for (int l = 0; l < VW && own + l < N; l++)
                    c[own + l] = finish(tile[i][j * VW + l], C, (m0 + i) * ldc + own + l, bias, H, own + l, flags);
            }
        }
    }
    if (sum_b)
        PRAGMA(STORE_LOOP)
        for (int j = 0; j < cols; j++)
            bias[n0 + j] = (flags & GEMM_ACCUMULATE) ? bias[n0 + j] + s[j] : s[j];
#else
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
    ZERO_TILE(acc, TM, TN);
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
    /* Stored by loops that are not unrolled, see STORE below. */
    const int rows = min(TM, M - m0), cols = min(TN, N - n0);
    PRAGMA(STORE_LOOP)
    for (int i = 0; i < rows; i++)
        PRAGMA(STORE_LOOP)
        for (int j = 0; j < cols; j++) {
            const int n = n0 + j, idx = (m0 + i) * ldc + n;
            C[idx] = finish(sum[i][j], C, idx, bias, H, n, flags);
        }
    /* The bias gradient: B is N×K here, so column n of op(B) is row n of B,
     * summed in k order as the unfused reduction does. */
    if ((flags & GEMM_SUM_B) && m0 == 0)
        PRAGMA(STORE_LOOP)
        for (int j = 0; j < cols; j++) {
            float s = 0.0f;
            for (int kk = 0; kk < K; kk++)
                s += B[(n0 + j) * ldb + kk];
            bias[n0 + j] = (flags & GEMM_ACCUMULATE) ? bias[n0 + j] + s : s;
        }
#else
    /* ---- outer-product form: op(B) rows are TN/VW vectors along N ---- */
#define NV (TN / VW)
    /* Vector j covers columns win[j] .. win[j]+VW-1. Normally win[j] = n0 + j*VW;
     * at the right edge the window slides left to end at column N-1, so the
     * load stays a full in-bounds vload: lanes are independent in this form,
     * so a slid window just computes some columns twice, and only the lanes
     * this work-item owns (column >= n0 + j*VW) are stored. With N < VW (one
     * work-item column, n0 = 0) every window starts at 0. */
    int win[NV];
    PRAGMA(unroll)
    for (int j = 0; j < NV; j++)
        win[j] = N >= VW ? min(n0 + j * VW, N - VW) : 0;
    const bool ta = (flags & GEMM_TRANS_A) != 0, tb = (flags & GEMM_TRANS_B) != 0;
    const int a_r = ta ? 1 : lda, a_c = ta ? lda : 1, b_r = tb ? 1 : ldb, b_c = tb ? ldb : 1;
    /* Rows k < kv can be vloaded: the vector ends inside B. That is every row
     * when N >= VW; with N < VW the last few rows would read past B's end.
     * TT: op(B) rows are strided, gathered for every k. */
    const int last = (K - 1) * ldb + N - VW;
    const int kv = tb || last < 0 ? 0 : min(K, last / ldb + 1);

    floatV acc[TM][NV];
    ZERO_TILE(acc, TM, NV);

    /* One K step given the NV vectors of op(B) row k in b[]. */
#define OUTER_STEP()                                                                                               \
    PRAGMA(unroll)                                                                                                 \
    for (int i = 0; i < TM; i++) {                                                                                 \
        const floatV a = (floatV)A_AT(row[i], k);                                                                  \
        PRAGMA(unroll)                                                                                             \
        for (int j = 0; j < NV; j++)                                                                               \
            acc[i][j] = MADD(a, b[j], acc[i][j]);                                                                  \
    }

    int k = 0;
    for (; k < kv; k++) {
        floatV b[NV];
        PRAGMA(unroll)
        for (int j = 0; j < NV; j++)
            b[j] = LOADV(B + k * ldb + win[j]);
        OUTER_STEP()
    }
    /* The rest (TT, or the last rows when N < VW): gather lane by lane;
     * columns past N repeat column N-1. */
    for (; k < K; k++) {
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

    /* STORE: the tile goes to private memory with constant indices (so acc
     * stays in registers through the K loop) and is then stored by loops that
     * are not unrolled: the epilogue's code appears once, not TM×NV times,
     * which keeps PoCL's compile time down (the tile's round trip is TM×TN
     * floats through L1, against TM×TN×K FMAs). */
    float tile[TM][TN];
    PRAGMA(unroll)
    for (int i = 0; i < TM; i++)
        PRAGMA(unroll)
        for (int j = 0; j < NV; j++)
            STOREV(acc[i][j], &tile[i][j * VW]);
    const int rows = min(TM, M - m0);
    PRAGMA(STORE_LOOP)
    for (int i = 0; i < rows; i++) {
        __global float *c = C + (m0 + i) * ldc;
        PRAGMA(STORE_LOOP)
        for (int j = 0; j < NV; j++) {
            const int own = n0 + j * VW;                   /* first column this vector owns */
            const int w = N >= VW ? min(own, N - VW) : 0; /* = win[j] */
            if (w == own && own + VW <= N) {
                finish_vector(LOADV(&tile[i][j * VW]), C, (m0 + i) * ldc, own, bias, H, flags);
            } else {
                /* lane l holds column w + l */
                PRAGMA(STORE_LOOP)
                for (int l = own - w; l < VW && w + l < N; l++)
                    c[w + l] = finish(tile[i][j * VW + l], C, (m0 + i) * ldc + w + l, bias, H, w + l, flags);
            }
        }
    }
    /* The bias gradient, by the first row of work-items: the column sums of
     * op(B), read as the K loop read it and added in k order (as the
     * unfused reduction adds them, so the sums are the same floats). */
    if ((flags & GEMM_SUM_B) && m0 == 0) {
        floatV s[NV];
        PRAGMA(unroll)
        for (int j = 0; j < NV; j++)
            s[j] = (floatV)0.0f;
        for (int k = 0; k < K; k++)
            PRAGMA(unroll)
            for (int j = 0; j < NV; j++) {
                if (k < kv) {
                    s[j] += LOADV(B + k * ldb + win[j]);
                } else {
                    float t[VW];
                    PRAGMA(unroll)
                    for (int l = 0; l < VW; l++)
                        t[l] = B_AT(k, min(win[j] + l, N - 1));
                    s[j] += LOADV(t);
                }
            }
        float sums[TN];
        PRAGMA(unroll)
        for (int j = 0; j < NV; j++)
            STOREV(s[j], &sums[j * VW]);
        PRAGMA(STORE_LOOP)
        for (int j = 0; j < NV; j++) {
            const int own = n0 + j * VW, w = N >= VW ? min(own, N - VW) : 0;
            PRAGMA(STORE_LOOP)
            for (int l = own - w; l < VW && w + l < N; l++)
                bias[w + l] = (flags & GEMM_ACCUMULATE) ? bias[w + l] + sums[j * VW + l] : sums[j * VW + l];
        }
    }
#endif
#endif
}
