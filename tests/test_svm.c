/* The host SVM solver (src/svm): exact solutions of small problems (by
 * hand, and by enumerating active sets), the bounded kernel-row cache,
 * one-vs-one training and voting, gamma="scale", and scikit-learn's SVC as
 * the reference where it is installed (tools/svm-reference.py). */
#include <stdio.h>
#include <stdlib.h>

#include "clmlp/rng.h"
#include "clmlp/svm.h"
#include "harness.h"

/* Linear kernel over dense float examples, so small problems have hand solutions. */
typedef struct {
    const float *x;
    int d;
    long calls;
} linear_kernel;

static int linear_row(void *user, int i, const int *cols, int n, float *out, clmlp_err *err)
{
    linear_kernel *k = user;
    k->calls++;
    for (int c = 0; c < n; c++) {
        double s = 0;
        for (int f = 0; f < k->d; f++)
            s += (double)k->x[i * k->d + f] * k->x[cols[c] * k->d + f];
        out[c] = (float)s;
    }
    return 0;
}

/* Counts the rows an RBF kernel computes (the cache's misses, seen from outside). */
typedef struct {
    clmlp_svm_rbf rbf;
    long calls;
} counting_rbf;

static int counting_rbf_row(void *user, int i, const int *cols, int n, float *out, clmlp_err *err)
{
    counting_rbf *k = user;
    k->calls++;
    return clmlp_svm_rbf_row(&k->rbf, i, cols, n, out, err);
}

/* Two points x1 = 0 (+1), x2 = 2 (-1) with K(a, b) = ab: alpha1 = alpha2 = a
 * (y'alpha = 0) and the dual 2a^2 - 2a is least at a = 1/2, so w = -1 and
 * f(x) = 1 - x: rho = -1. With C = 1/4 both sit at C and rho is the middle
 * of what the bounds allow: y G = (-1, 0), rho = -1/2. */
static void two_points_by_hand(void)
{
    const float x[] = {0, 2};
    const double diag[] = {0, 4};
    const signed char y[] = {1, -1};
    linear_kernel lk = {x, 1, 0};
    clmlp_svm_kernel k = {linear_row, &lk, diag, NULL};
    clmlp_svm_params p = clmlp_svm_default_params();
    double alpha[2], grad[2];
    clmlp_svm_result r;
    clmlp_err err = {0};

    p.C = 10;
    CHECK_INT(clmlp_svm_solve(2, NULL, y, &k, &p, alpha, grad, &r, &err), 0);
    CHECK_NEAR(alpha[0], 0.5, 1e-6);
    CHECK_NEAR(alpha[1], 0.5, 1e-6);
    CHECK_NEAR(r.rho, -1.0, 1e-6);
    CHECK_NEAR(r.obj, -0.5, 1e-6);
    CHECK(r.max_violation < p.eps);

    p.C = 0.25;
    CHECK_INT(clmlp_svm_solve(2, NULL, y, &k, &p, alpha, grad, &r, &err), 0);
    CHECK_NEAR(alpha[0], 0.25, 1e-6);
    CHECK_NEAR(alpha[1], 0.25, 1e-6);
    CHECK_NEAR(r.rho, -0.5, 1e-6);
    CHECK(clmlp_svm_kkt_violation(2, alpha, grad, y, p.C, r.rho) <= 1e-12);
}

/* Solves A z = b (m x m, row-major, destroyed) by Gaussian elimination with
 * partial pivoting; false when singular. */
static bool solve_dense(int m, double *a, double *b)
{
    for (int c = 0; c < m; c++) {
        int piv = c;
        for (int r = c + 1; r < m; r++)
            if (fabs(a[r * m + c]) > fabs(a[piv * m + c]))
                piv = r;
        if (fabs(a[piv * m + c]) < 1e-14)
            return false;
        for (int k = 0; k < m; k++) {
            double t = a[c * m + k];
            a[c * m + k] = a[piv * m + k];
            a[piv * m + k] = t;
        }
        double t = b[c];
        b[c] = b[piv];
        b[piv] = t;
        for (int r = c + 1; r < m; r++) {
            double f = a[r * m + c] / a[c * m + c];
            for (int k = c; k < m; k++)
                a[r * m + k] -= f * a[c * m + k];
            b[r] -= f * b[c];
        }
    }
    for (int c = m - 1; c >= 0; c--) {
        for (int k = c + 1; k < m; k++)
            b[c] -= a[c * m + k] * b[k];
        b[c] /= a[c * m + c];
    }
    return true;
}

enum { BF_N = 6 };

/* The exact dual solution by enumerating which multipliers sit at 0, at C or
 * between: for each guess the free ones and rho solve the linear KKT system
 * Q_FF a_F - y_F rho = e - Q_FU C, y_F'a_F = -C sum_U y; the guess whose
 * solution is feasible and satisfies the bounded ones' conditions is the
 * optimum (unique for a positive definite K). Returns how many guesses fit. */
static int brute_force_dual(const double q[BF_N][BF_N], const signed char *y, double C, double *alpha, double *rho)
{
    int found = 0, pattern[BF_N];
    int total = 1;
    for (int t = 0; t < BF_N; t++)
        total *= 3;
    for (int code = 0; code < total; code++) {
        int nf = 0, idx[BF_N];
        for (int t = 0, c = code; t < BF_N; t++, c /= 3) {
            pattern[t] = c % 3; /* 0: at 0, 1: at C, 2: free */
            if (pattern[t] == 2)
                idx[nf++] = t;
        }
        if (nf == 0)
            continue;
        int m = nf + 1;
        double a[(BF_N + 1) * (BF_N + 1)] = {0}, b[BF_N + 1] = {0};
        for (int r = 0; r < nf; r++) {
            int i = idx[r];
            for (int c = 0; c < nf; c++)
                a[r * m + c] = q[i][idx[c]];
            a[r * m + nf] = -y[i];
            b[r] = 1;
            for (int u = 0; u < BF_N; u++)
                if (pattern[u] == 1)
                    b[r] -= q[i][u] * C;
            a[nf * m + r] = y[i];
        }
        for (int u = 0; u < BF_N; u++)
            if (pattern[u] == 1)
                b[nf] -= C * y[u];
        if (!solve_dense(m, a, b))
            continue;
        double cand[BF_N];
        bool ok = true;
        for (int t = 0; t < BF_N; t++)
            cand[t] = pattern[t] == 1 ? C : 0;
        for (int r = 0; r < nf; r++) {
            cand[idx[r]] = b[r];
            ok = ok && b[r] > 1e-9 && b[r] < C - 1e-9;
        }
        for (int t = 0; ok && t < BF_N; t++) {
            double g = -1;
            for (int s = 0; s < BF_N; s++)
                g += q[t][s] * cand[s];
            double r = g - y[t] * b[nf];
            ok = pattern[t] == 0 ? r >= -1e-9 : pattern[t] == 1 ? r <= 1e-9 : true;
        }
        if (ok) {
            found++;
            memcpy(alpha, cand, sizeof cand);
            *rho = b[nf];
        }
    }
    return found;
}

/* Six 2-D points, two clusters and a -1 point inside the +1 cluster, under
 * RBF with C = 1: the intruder's multiplier ends at C, others free (checked),
 * so the bounds and the free part of the solution both matter. */
static void rbf_matches_active_set_enumeration(void)
{
    const float x[BF_N * 2] = {0, 0, 0.6f, 0.1f, 0.1f, 0.7f, 2, 2, 1.6f, 2.2f, 0.3f, 0.3f};
    const signed char y[BF_N] = {1, 1, 1, -1, -1, -1};
    clmlp_err err = {0};
    clmlp_svm_rbf rbf;
    CHECK_INT(clmlp_svm_rbf_init(&rbf, x, BF_N, 2, 1.5, &err), 0);
    double q[BF_N][BF_N];
    for (int i = 0; i < BF_N; i++)
        for (int j = 0; j < BF_N; j++)
            q[i][j] = y[i] * y[j] * clmlp_svm_rbf_value(x + 2 * i, x + 2 * j, 2, 1.5);
    double want[BF_N], want_rho = 0;
    CHECK_INT(brute_force_dual(q, y, 1.0, want, &want_rho), 1);
    int at_c = 0, free_ = 0;
    for (int t = 0; t < BF_N; t++) {
        at_c += want[t] == 1.0;
        free_ += want[t] > 0 && want[t] < 1.0;
    }
    CHECK(at_c > 0 && free_ > 0);

    clmlp_svm_kernel k = {clmlp_svm_rbf_row, &rbf, NULL, NULL};
    clmlp_svm_params p = clmlp_svm_default_params();
    double alpha[BF_N], grad[BF_N];
    clmlp_svm_result r;
    p.eps = 1e-9; /* to the optimum, to compare the multipliers themselves */
    CHECK_INT(clmlp_svm_solve(BF_N, NULL, y, &k, &p, alpha, grad, &r, &err), 0);
    for (int t = 0; t < BF_N; t++)
        CHECK_NEAR(alpha[t], want[t], 1e-4);
    CHECK_NEAR(r.rho, want_rho, 1e-4);

    p.eps = 1e-3; /* the default tolerance: the KKT conditions hold to eps */
    CHECK_INT(clmlp_svm_solve(BF_N, NULL, y, &k, &p, alpha, grad, &r, &err), 0);
    double kkt = clmlp_svm_kkt_violation(BF_N, alpha, grad, y, p.C, r.rho);
    CHECK(r.max_violation < p.eps);
    CHECK(kkt <= fmax(r.max_violation, 0) + 1e-12);
    double sum = 0;
    for (int t = 0; t < BF_N; t++) {
        sum += y[t] * alpha[t];
        CHECK(alpha[t] >= 0 && alpha[t] <= p.C);
        /* The maintained gradient is Q alpha - e. */
        double g = -1;
        for (int s = 0; s < BF_N; s++)
            g += q[t][s] * alpha[s];
        CHECK_NEAR(grad[t], g, 1e-6);
    }
    CHECK_NEAR(sum, 0, 1e-12);
    clmlp_svm_rbf_free(&rbf);
}

/* n points of two overlapping Gaussian classes in 2-D. */
static void two_overlapping_classes(int n, float *x, signed char *y, uint64_t seed)
{
    clmlp_rng rng;
    clmlp_rng_seed(&rng, seed);
    for (int t = 0; t < n; t++) {
        y[t] = t % 2 ? 1 : -1;
        x[2 * t] = (float)(clmlp_rng_normal(&rng) + 0.8 * y[t]);
        x[2 * t + 1] = (float)clmlp_rng_normal(&rng);
    }
}

/* A budget of two rows on 20 examples: the same multipliers as with every
 * row cached, bit for bit, but many more rows computed. */
static void two_row_cache_is_bounded_and_exact(void)
{
    enum { N = 20 };
    float x[N * 2];
    signed char y[N];
    two_overlapping_classes(N, x, y, 11);
    clmlp_err err = {0};
    counting_rbf small = {0}, big = {0};
    CHECK_INT(clmlp_svm_rbf_init(&small.rbf, x, N, 2, clmlp_svm_gamma_scale(x, N, 2), &err), 0);
    CHECK_INT(clmlp_svm_rbf_init(&big.rbf, x, N, 2, small.rbf.gamma, &err), 0);
    clmlp_svm_kernel ks = {counting_rbf_row, &small, NULL, NULL}, kb = {counting_rbf_row, &big, NULL, NULL};
    clmlp_svm_params p = clmlp_svm_default_params();
    double a_small[N], a_big[N], g[N];
    clmlp_svm_result rs, rb;
    p.cache_bytes = 2 * N * sizeof(float);
    CHECK_INT(clmlp_svm_solve(N, NULL, y, &ks, &p, a_small, g, &rs, &err), 0);
    p.cache_bytes = (size_t)1 << 20;
    CHECK_INT(clmlp_svm_solve(N, NULL, y, &kb, &p, a_big, g, &rb, &err), 0);
    for (int t = 0; t < N; t++)
        CHECK_NEAR(a_small[t], a_big[t], 1e-9);
    CHECK_NEAR(rs.rho, rb.rho, 1e-9);
    CHECK_INT(rs.iterations, rb.iterations);
    CHECK(rb.rows_computed <= N);
    CHECK(rs.rows_computed > rb.rows_computed);
    CHECK_INT(rs.rows_computed, small.calls);
    CHECK_INT(rb.rows_computed, big.calls);

    clmlp_svm_cache *c = clmlp_svm_cache_new(&ks, NULL, N, 0, &err);
    CHECK(c != NULL);
    if (c) {
        CHECK_INT(clmlp_svm_cache_capacity(c), 2); /* even a zero budget keeps the two rows of a step */
        const float *r0 = clmlp_svm_cache_row(c, 0, &err);
        const float *r1 = clmlp_svm_cache_row(c, 1, &err);
        CHECK(r0 && r1 && r0 != r1 && r0[0] == 1.0f && r1[1] == 1.0f);
        clmlp_svm_cache_row(c, 0, &err);  /* hit: 1 is now the least recently used */
        clmlp_svm_cache_row(c, 2, &err);  /* evicts 1 */
        CHECK_INT(clmlp_svm_cache_computed(c), 3);
        clmlp_svm_cache_row(c, 0, &err);
        CHECK_INT(clmlp_svm_cache_computed(c), 3);
        const float *again = clmlp_svm_cache_row(c, 1, &err);
        CHECK_INT(clmlp_svm_cache_computed(c), 4);
        CHECK(again && again[1] == 1.0f);
        clmlp_svm_cache_free(c);
    }
    clmlp_svm_rbf_free(&small.rbf);
    clmlp_svm_rbf_free(&big.rbf);
}

/* Three well separated blobs with unsorted labels (7, 3, 9) in shuffled
 * order: classes come out sorted, every pair converges, and the model
 * predicts every training example right from its kernel values. */
static void ovo_separates_three_blobs(void)
{
    enum { PER = 30, N = 3 * PER };
    const int label_of[3] = {7, 3, 9};
    const double cx[3] = {0, 5, 0}, cy[3] = {0, 0, 5};
    float x[N * 2];
    int labels[N];
    uint32_t order[N];
    clmlp_rng rng;
    clmlp_rng_seed(&rng, 5);
    for (uint32_t t = 0; t < N; t++)
        order[t] = t;
    clmlp_rng_shuffle(&rng, order, N);
    for (int t = 0; t < N; t++) {
        int c = (int)order[t] % 3;
        labels[t] = label_of[c];
        x[2 * t] = (float)(cx[c] + 0.6 * clmlp_rng_normal(&rng));
        x[2 * t + 1] = (float)(cy[c] + 0.6 * clmlp_rng_normal(&rng));
    }
    clmlp_err err = {0};
    clmlp_svm_rbf rbf;
    CHECK_INT(clmlp_svm_rbf_init(&rbf, x, N, 2, clmlp_svm_gamma_scale(x, N, 2), &err), 0);
    clmlp_svm_kernel k = {clmlp_svm_rbf_row, &rbf, NULL, NULL};
    clmlp_svm_params p = clmlp_svm_default_params();
    clmlp_svm_model m;
    if (clmlp_svm_train_ovo(N, labels, &k, &p, &m, &err) != 0) {
        test_fail(__FILE__, __LINE__, "train: %s", err.msg);
        return;
    }
    CHECK_INT(m.n_classes, 3);
    CHECK_INT(m.labels[0], 3);
    CHECK_INT(m.labels[1], 7);
    CHECK_INT(m.labels[2], 9);
    CHECK_INT(m.sv_count[0] + m.sv_count[1] + m.sv_count[2], m.n_sv);
    CHECK(m.n_sv > 0 && m.n_sv < N);
    for (int q = 0; q < clmlp_svm_n_pairs(3); q++)
        CHECK(m.pairs[q].max_violation < p.eps && !m.pairs[q].hit_max_iter);
    /* Support vectors grouped by class, ascending within a class. */
    for (int s = 1; s < m.n_sv; s++) {
        int cp = labels[m.sv_index[s - 1]], cs = labels[m.sv_index[s]];
        CHECK(cp < cs || (cp == cs && m.sv_index[s - 1] < m.sv_index[s]));
    }
    float *kmat = calloc((size_t)N * m.n_sv, sizeof *kmat);
    int pred[N];
    for (int t = 0; t < N; t++)
        for (int s = 0; s < m.n_sv; s++)
            kmat[t * m.n_sv + s] = (float)clmlp_svm_rbf_value(x + 2 * t, x + 2 * m.sv_index[s], 2, rbf.gamma);
    CHECK_INT(clmlp_svm_predict_batch(&m, N, kmat, pred, &err), 0);
    int right = 0;
    for (int t = 0; t < N; t++)
        right += pred[t] == labels[t];
    CHECK_INT(right, N);
    int votes[3];
    double dec[3];
    CHECK_INT(clmlp_svm_predict(&m, kmat, votes, dec), labels[0]);
    CHECK_INT(votes[0] + votes[1] + votes[2], 3);
    free(kmat);
    clmlp_svm_model_free(&m);
    clmlp_svm_rbf_free(&rbf);
}

/* Votes from decision values set through rho alone (no support vectors):
 * dec = -rho, > 0 votes the first class of the pair, 0 or less the second. */
static void votes_break_ties_to_the_lowest_class(void)
{
    double rho3[3] = {-1, 1, -1}; /* (0,1) -> 0, (0,2) -> 2, (1,2) -> 1: a three-way tie */
    int sv_count3[3] = {0, 0, 0}, labels3[3] = {10, 20, 30};
    clmlp_svm_model m = {.n_classes = 3, .labels = labels3, .n_sv = 0, .sv_count = sv_count3, .rho = rho3};
    double coef_none[1] = {0};
    m.coef = coef_none;
    int votes[4];
    float none[1] = {0};
    CHECK_INT(clmlp_svm_predict(&m, none, votes, NULL), 10);
    CHECK_INT(votes[0], 1);
    CHECK_INT(votes[1], 1);
    CHECK_INT(votes[2], 1);

    /* Four classes, votes (1, 2, 2, 1): classes 1 and 2 tie, 1 wins; pair
     * (0,2) has decision exactly 0, which votes for its second class. */
    double rho4[6] = {-1, 0, 1, -1, -1, -1}; /* (0,1) (0,2) (0,3) (1,2) (1,3) (2,3) */
    int sv_count4[4] = {0, 0, 0, 0}, labels4[4] = {0, 1, 2, 3};
    clmlp_svm_model m4 = {.n_classes = 4, .labels = labels4, .sv_count = sv_count4, .rho = rho4, .coef = coef_none};
    double dec[6];
    CHECK_INT(clmlp_svm_predict(&m4, none, votes, dec), 1);
    CHECK_INT(votes[0], 1);
    CHECK_INT(votes[1], 2);
    CHECK_INT(votes[2], 2);
    CHECK_INT(votes[3], 1);
    CHECK(dec[1] == 0);
}

/* gamma = 1 / (d var(X)) over all elements: X = [[1, 2], [3, 4]] has mean
 * 2.5 and variance (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25, so gamma = 0.4. */
static void gamma_scale_by_hand(void)
{
    const float x[] = {1, 2, 3, 4};
    CHECK_NEAR(clmlp_svm_gamma_scale(x, 2, 2), 0.4, 1e-15);
    const float flat[] = {3, 3, 3};
    CHECK_NEAR(clmlp_svm_gamma_scale(flat, 3, 1), 1.0, 0); /* scikit-learn's fallback */
}

/* The norm-expansion form equals exp(-gamma |a - b|^2), and rows agree with values. */
static void rbf_row_matches_the_definition(void)
{
    const float x[] = {0.5f, -1, 2, 3, 0.25f, 1, -2, 0};
    clmlp_svm_rbf rbf;
    clmlp_err err = {0};
    CHECK_INT(clmlp_svm_rbf_init(&rbf, x, 4, 2, 0.3, &err), 0);
    const int cols[] = {3, 0, 2};
    float row[3];
    CHECK_INT(clmlp_svm_rbf_row(&rbf, 1, cols, 3, row, &err), 0);
    for (int c = 0; c < 3; c++) {
        double dx = x[2] - x[2 * cols[c]], dy = x[3] - x[2 * cols[c] + 1];
        CHECK_NEAR(row[c], exp(-0.3 * (dx * dx + dy * dy)), 1e-7);
    }
    CHECK_NEAR(clmlp_svm_rbf_value(x, x, 2, 0.3), 1.0, 1e-15);
    const int bad[] = {4};
    CHECK_INT(clmlp_svm_rbf_row(&rbf, 1, bad, 1, row, &err), -1);
    CHECK(test_one_line(strcat(err.msg, "\n")));
    clmlp_svm_rbf_free(&rbf);
}

static void bad_input_fails_with_one_line(void)
{
    const float x[] = {0, 1, 2};
    const int one_class[] = {4, 4, 4};
    clmlp_err err = {0};
    clmlp_svm_rbf rbf;
    CHECK_INT(clmlp_svm_rbf_init(&rbf, x, 3, 1, 1.0, &err), 0);
    clmlp_svm_kernel k = {clmlp_svm_rbf_row, &rbf, NULL, NULL};
    clmlp_svm_params p = clmlp_svm_default_params();
    clmlp_svm_model m;
    CHECK_INT(clmlp_svm_train_ovo(3, one_class, &k, &p, &m, &err), -1);
    CHECK_INT(err.code, CLMLP_EXIT_USAGE);
    CHECK_CONTAINS(err.msg, "two classes");
    const signed char y[] = {1, 0, -1};
    double a[3], g[3];
    clmlp_svm_result r;
    CHECK_INT(clmlp_svm_solve(3, NULL, y, &k, &p, a, g, &r, &err), -1);
    CHECK_CONTAINS(err.msg, "not +1 or -1");
    const signed char all_pos[] = {1, 1, 1};
    CHECK_INT(clmlp_svm_solve(3, NULL, all_pos, &k, &p, a, g, &r, &err), -1);
    CHECK_CONTAINS(err.msg, "both labels");
    CHECK(test_one_line(strcat(err.msg, "\n")));
    p.C = 0;
    const signed char y2[] = {1, 1, -1};
    CHECK_INT(clmlp_svm_solve(3, NULL, y2, &k, &p, a, g, &r, &err), -1);
    CHECK_CONTAINS(err.msg, "C and eps must be positive");
    clmlp_svm_rbf_free(&rbf);
}

/* ---- scikit-learn as the reference ---- */

/* A python with scikit-learn, or NULL. */
static const char *python_with_sklearn(void)
{
    static const char *candidates[] = {"python3", "/usr/bin/python3"};
    char out[256], cmd[256];
    for (size_t c = 0; c < CLMLP_ARRAY_LEN(candidates); c++) {
        snprintf(cmd, sizeof cmd, "%s -c 'import sklearn' 2>&1", candidates[c]);
        if (test_run_command(cmd, out, sizeof out) == 0)
            return candidates[c];
    }
    return NULL;
}

static void write_csv(const char *name, const float *x, const int *labels, int n, int d)
{
    size_t cap = (size_t)n * (size_t)(d + 1) * 24 + 1, len = 0;
    char *text = malloc(cap);
    for (int t = 0; t < n; t++) {
        len += (size_t)snprintf(text + len, cap - len, "%d", labels[t]);
        for (int f = 0; f < d; f++)
            len += (size_t)snprintf(text + len, cap - len, ",%.17g", (double)x[t * d + f]);
        len += (size_t)snprintf(text + len, cap - len, "\n");
    }
    test_write_file(name, text, len);
    free(text);
}

/* Values after "\n<key> " in text, at most cap; returns how many. */
static int parse_line(const char *text, const char *key, double *v, int cap)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\n%s ", key);
    const char *p = strncmp(text, pat + 1, strlen(pat + 1)) == 0 ? text + strlen(pat + 1) : strstr(text, pat);
    if (!p)
        return 0;
    if (p != text + strlen(pat + 1))
        p += strlen(pat);
    int n = 0;
    while (n < cap && *p && *p != '\n') {
        char *end;
        v[n] = strtod(p, &end);
        if (end == p)
            break;
        n++;
        p = end;
    }
    return n;
}

/* Four overlapping classes in 3-D (bounded and free multipliers in every
 * pair): the same predictions on held-out points as scikit-learn's SVC, and
 * the same intercepts to 1e-3 relative. */
static void matches_scikit_learn(void)
{
    const char *py = python_with_sklearn();
    if (!py) {
        printf("note: scikit-learn not found (python3 or /usr/bin/python3); comparison skipped\n");
        return;
    }
    enum { K = 4, D = 3, N = 160, NT = 80 };
    float x[N * D], xt[NT * D];
    int labels[N], tl[NT];
    clmlp_rng rng;
    clmlp_rng_seed(&rng, 2024);
    for (int t = 0; t < N + NT; t++) {
        int c = (int)clmlp_rng_below(&rng, K);
        float *row = t < N ? x + t * D : xt + (t - N) * D;
        (t < N ? labels : tl)[t < N ? t : t - N] = 2 * c + 1; /* labels 1, 3, 5, 7 */
        for (int f = 0; f < D; f++)
            row[f] = (float)(1.5 * (f == c % D) + (c == 3 ? -1.0 : 0.0) + clmlp_rng_normal(&rng));
    }
    write_csv("train.csv", x, labels, N, D);
    write_csv("test.csv", xt, tl, NT, D);
    char cmd[2048], out[1 << 16];
    snprintf(cmd, sizeof cmd, "%s %s/tools/svm-reference.py %s/train.csv %s/test.csv 2>&1", py, test_source_root(),
             test_tmpdir(), test_tmpdir());
    if (test_run_command(cmd, out, sizeof out) != 0) {
        test_fail(__FILE__, __LINE__, "svm-reference.py failed: %s", out);
        return;
    }
    double gamma[1] = {0}, icpt[K * (K - 1) / 2] = {0}, pred_ref[NT] = {0}, nsup[K] = {0};
    CHECK_INT(parse_line(out, "gamma", gamma, 1), 1);
    CHECK_INT(parse_line(out, "intercept", icpt, K * (K - 1) / 2), K * (K - 1) / 2);
    CHECK_INT(parse_line(out, "predict", pred_ref, NT), NT);
    CHECK_INT(parse_line(out, "n_support", nsup, K), K);

    double g = clmlp_svm_gamma_scale(x, N, D);
    CHECK_NEAR(g, gamma[0], 1e-12 * gamma[0]);
    clmlp_err err = {0};
    clmlp_svm_rbf rbf;
    CHECK_INT(clmlp_svm_rbf_init(&rbf, x, N, D, g, &err), 0);
    clmlp_svm_kernel k = {clmlp_svm_rbf_row, &rbf, NULL, NULL};
    clmlp_svm_params p = clmlp_svm_default_params();
    clmlp_svm_model m;
    if (clmlp_svm_train_ovo(N, labels, &k, &p, &m, &err) != 0) {
        test_fail(__FILE__, __LINE__, "train: %s", err.msg);
        return;
    }
    for (int q = 0; q < K * (K - 1) / 2; q++)
        CHECK_NEAR(-m.rho[q], icpt[q], 1e-3 * fmax(1.0, fabs(icpt[q])));
    int n_sv_ref = 0;
    for (int c = 0; c < K; c++)
        n_sv_ref += (int)nsup[c];
    CHECK(abs(m.n_sv - n_sv_ref) <= 2); /* alpha_t near 0 may land either side within eps */
    if (m.n_sv == n_sv_ref) /* then the same support vectors in the same order: compare y alpha */
        for (int row = 0; row < K - 1; row++) {
            char key[32];
            snprintf(key, sizeof key, "dual_coef %d", row);
            double *ref = calloc((size_t)n_sv_ref, sizeof *ref);
            CHECK_INT(parse_line(out, key, ref, n_sv_ref), n_sv_ref);
            for (int s = 0; s < m.n_sv; s++)
                CHECK_NEAR(m.coef[(size_t)row * m.n_sv + s], ref[s], 1e-3);
            free(ref);
        }
    float *kmat = calloc((size_t)NT * m.n_sv, sizeof *kmat);
    int pred[NT], same = 0;
    for (int t = 0; t < NT; t++)
        for (int s = 0; s < m.n_sv; s++)
            kmat[t * m.n_sv + s] = (float)clmlp_svm_rbf_value(xt + t * D, x + m.sv_index[s] * D, D, g);
    CHECK_INT(clmlp_svm_predict_batch(&m, NT, kmat, pred, &err), 0);
    for (int t = 0; t < NT; t++)
        same += pred[t] == (int)pred_ref[t];
    CHECK_INT(same, NT);
    free(kmat);
    clmlp_svm_model_free(&m);
    clmlp_svm_rbf_free(&rbf);
}

const test_case svm_tests[] = {
    {"two_points_by_hand", two_points_by_hand, false},
    {"rbf_matches_active_set_enumeration", rbf_matches_active_set_enumeration, false},
    {"two_row_cache_is_bounded_and_exact", two_row_cache_is_bounded_and_exact, false},
    {"ovo_separates_three_blobs", ovo_separates_three_blobs, false},
    {"votes_break_ties_to_the_lowest_class", votes_break_ties_to_the_lowest_class, false},
    {"gamma_scale_by_hand", gamma_scale_by_hand, false},
    {"rbf_row_matches_the_definition", rbf_row_matches_the_definition, false},
    {"bad_input_fails_with_one_line", bad_input_fails_with_one_line, false},
    {"matches_scikit_learn", matches_scikit_learn, false},
    {NULL, NULL, false},
};
