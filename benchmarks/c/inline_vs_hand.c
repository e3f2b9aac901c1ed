/* Cost of a crplugin closure in a host's C loop: inlined from the header,
 * against the same formula written by hand, against an external call (what
 * Fortran's bind(C) interface costs) and against the embedded-Python C API.
 *
 * Each variant fills out[i] = f(in_1[i], ...) over N cells, REPEAT times, so
 * that N * REPEAT calls are timed in CPU time (CLOCK_PROCESS_CPUTIME_ID),
 * best of TRIALS.  N is small (4096 cells: the arrays stay in cache), so the
 * loop measures the call and the arithmetic, not memory bandwidth.  A compiler
 * barrier between repeats stops the compiler from folding them into one.  The
 * arrays are `restrict` (as a host's separate fields are), so that the
 * compiler may vectorise a loop whose body it sees: the hand-written and the
 * inlined closure can, a loop that calls a function cannot.
 *
 * Built and run by benchmarks/c_closures.py (which prints the table).
 * Output: "<closure> <variant> <ns per call> <checksum>"; the checksums of a
 * closure must be identical, since every variant computes the same doubles.
 */
#define _POSIX_C_SOURCE 199309L   /* clock_gettime */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <crplugin.h>

#include "variants.h"

#define N 4096
#define TRIALS 5

static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

#define BARRIER() __asm__ __volatile__("" ::: "memory")

/* --- the formulas written by hand, as a host would without crplugin --------- */

static void pa_heating_hand(const double *restrict v_A, const double *restrict P_c,
                            const double *restrict rate, double *restrict out)
{
    for (int i = 0; i < N; i++)
        out[i] = (4.0 / 15.0) * fabs(v_A[i]) / 2.99792458e10 * fabs(rate[i]) * P_c[i];
}

static void alfven_speed_hand(const double *restrict B, const double *restrict rho,
                              double *restrict out)
{
    for (int i = 0; i < N; i++)
        out[i] = B[i] == 0.0 ? 0.0 : fabs(B[i]) / sqrt(4.0 * 3.14159265358979323846 * rho[i]);
}

/* --- the closures inlined from crplugin.h ------------------------------------ */

static void pa_heating_inline(const double *restrict v_A, const double *restrict P_c,
                              const double *restrict rate, double *restrict out)
{
    for (int i = 0; i < N; i++)
        out[i] = crp_pa_heating(v_A[i], P_c[i], rate[i]);
}

static void alfven_speed_inline(const double *restrict B, const double *restrict rho,
                                double *restrict out)
{
    for (int i = 0; i < N; i++)
        out[i] = crp_alfven_speed(B[i], rho[i]);
}

typedef void (*loop3)(const double *, const double *, const double *, double *);
typedef void (*loop2)(const double *, const double *, double *);

static double checksum(const double *out)
{
    double s = 0.0;
    for (int i = 0; i < N; i++)
        s += out[i];
    return s;
}

static void time3(const char *closure, const char *variant, loop3 f, const double *a,
                  const double *b, const double *c, double *out, long repeat)
{
    double best = 1e300;
    for (int t = 0; t < TRIALS; t++) {
        double t0 = cpu_seconds();
        for (long r = 0; r < repeat; r++) {
            f(a, b, c, out);
            BARRIER();
        }
        double dt = cpu_seconds() - t0;
        if (dt < best)
            best = dt;
    }
    printf("%s %s %.4f %.17g\n", closure, variant, 1e9 * best / ((double)N * repeat), checksum(out));
}

static void time2(const char *closure, const char *variant, loop2 f, const double *a,
                  const double *b, double *out, long repeat)
{
    double best = 1e300;
    for (int t = 0; t < TRIALS; t++) {
        double t0 = cpu_seconds();
        for (long r = 0; r < repeat; r++) {
            f(a, b, out);
            BARRIER();
        }
        double dt = cpu_seconds() - t0;
        if (dt < best)
            best = dt;
    }
    printf("%s %s %.4f %.17g\n", closure, variant, 1e9 * best / ((double)N * repeat), checksum(out));
}

int main(int argc, char **argv)
{
    long calls = argc > 1 ? atol(argv[1]) : 10000000L;
    long repeat = calls / N > 0 ? calls / N : 1;
    static double v_A[N], P_c[N], rate[N], B[N], rho[N], out[N];

    /* halo gas of Zweibel (2021) section 6, varied cell to cell; some B = 0 cells */
    srand(12345);
    for (int i = 0; i < N; i++) {
        double u = (double)rand() / RAND_MAX;
        v_A[i] = 6.1e6 * (0.5 + u);
        P_c[i] = 8.2e-14 * (1.5 - u);
        rate[i] = 2.7e-13 * (u - 0.3);
        B[i] = i % 97 == 0 ? 0.0 : 1e-6 * (2.0 * u - 1.0);
        rho[i] = 2.15e-27 * (0.5 + u);
    }
    if (variants_init() != 0)
        return 1;

    time3("pa_heating", "hand", pa_heating_hand, v_A, P_c, rate, out, repeat);
    time3("pa_heating", "inline", pa_heating_inline, v_A, P_c, rate, out, repeat);
    time3("pa_heating", "extern", pa_heating_extern, v_A, P_c, rate, out, repeat);
    if (HAVE_CAPI)
        time3("pa_heating", "capi", pa_heating_capi, v_A, P_c, rate, out, repeat);

    time2("alfven_speed", "hand", alfven_speed_hand, B, rho, out, repeat);
    time2("alfven_speed", "inline", alfven_speed_inline, B, rho, out, repeat);
    time2("alfven_speed", "extern", alfven_speed_extern, B, rho, out, repeat);
    if (HAVE_CAPI)
        time2("alfven_speed", "capi", alfven_speed_capi, B, rho, out, repeat);

    variants_finish();
    return 0;
}
