/* Pitch-angle scattering of cosmic rays by anisotropic (Goldreich-Sridhar) Alfvenic
 * turbulence (Malkov et al. 2010): pointwise closures, cgs units.
 * eps = r_g / l = v / (l Omega) (gyroradius over outer scale), delta = V_A / v.
 * Equations, corrections and regimes: crplugin/closures/malkov.py, docs/closures.md.
 *
 * Needs the POSIX Bessel functions jn and j1 of <math.h> (glibc, musl, BSD and
 * macOS libm; gcc, clang and the Intel compilers declare them by default).
 */
#ifndef CRPLUGIN_MALKOV_H
#define CRPLUGIN_MALKOV_H

#include "common.h"

#if !defined(__cplusplus)
/* Strict ISO modes (-std=c99) hide the POSIX declarations; repeat them (compatible). */
extern double jn(int, double);
extern double j1(double);
#endif

CRP_BEGIN_DECLS

/* 8-point Gauss-Legendre rule on [-1, 1] */
static const double crp_malkov_gl_x_[8] = {
    -0.9602898564975363, -0.7966664774136267, -0.5255324099163290, -0.1834346424956498,
    0.1834346424956498, 0.5255324099163290, 0.7966664774136267, 0.9602898564975363};
static const double crp_malkov_gl_w_[8] = {
    0.1012285362903763, 0.2223810344533745, 0.3137066458778873, 0.3626837833783620,
    0.3626837833783620, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763};

enum {
    CRP_MALKOV_N_EXACT = 8,   /* orders n <= N_EXACT: numerical quadrature of J_n^2 */
    CRP_MALKOV_N_WKB = 400    /* orders N_EXACT < n <= N_WKB: WKB mean of J_n^2 */
};

#define CRP_MALKOV_Q (13.0 / 3.0)          /* exponent q of eq (5) */
#define CRP_ZETA_9_2 1.0547075107614543    /* Riemann zeta(9/2) */

/* int_a^b J_n(x)^2 x^-q dx, 8-point Gauss-Legendre */
CRP_PRIVATE double crp_malkov_panel_(int n, double a, double b)
{
    double h = 0.5 * (b - a), m = 0.5 * (a + b), x, j, total = 0.0;
    int k;
    for (k = 0; k < 8; k++) {
        x = m + h * crp_malkov_gl_x_[k];
        j = jn(n, x);
        total += crp_malkov_gl_w_[k] * j * j * pow(x, -CRP_MALKOV_Q);
    }
    return h * total;
}

/* int_A^inf J_n^2 x^-q dx from the Hankel expansion (A >~ 40 + 2 n^2):
 * J_n^2 = [1 + (m-1)/(8x^2) + (-1)^n (sin 2x + (m-1)/(4x) cos 2x)] / (pi x), m = 4 n^2,
 * the oscillating integrals by repeated integration by parts. */
CRP_PRIVATE double crp_malkov_hankel_tail_(int n, double A)
{
    double m1 = 4.0 * n * n - 1.0;
    double p = CRP_MALKOV_Q + 1.0;
    double mean = pow(A, 1.0 - p) / (p - 1.0) + m1 / 8.0 * pow(A, -1.0 - p) / (p + 1.0);
    double c2, s2, osc_sin, osc_cos, sign;
    if (A > 1e12)
        return mean / CRP_PI;   /* oscillating part ~1/A smaller; avoids cos(inf) for |mu| -> 0 */
    c2 = cos(2.0 * A);
    s2 = sin(2.0 * A);
    osc_sin = (c2 / 2.0 + p * s2 / (4.0 * A) - p * (p + 1.0) * c2 / (8.0 * A * A)) * pow(A, -p);
    osc_cos = (-s2 / 2.0 + (p + 1.0) * c2 / (4.0 * A)) * pow(A, -p - 1.0);
    sign = (n % 2) ? -1.0 : 1.0;
    return (mean + sign * (osc_sin + m1 / 4.0 * osc_cos)) / CRP_PI;
}

/* n^2 int_X^inf J_n^2 x^-q dx */
CRP_PRIVATE double crp_malkov_S_exact_(int n, double X)
{
    double A = 40.0 + 2.0 * n * n;
    double a = X, b, total = 0.0;
    while (a < A) {
        /* geometric panels where J_n^2 x^-q is a steep power law, width-2 panels further out */
        b = a < 2.0 ? 2.0 * a : a + 2.0;
        if (b > A)
            b = A;
        total += crp_malkov_panel_(n, a, b);
        a = b;
    }
    total += crp_malkov_hankel_tail_(n, a);
    return n * n * total;
}

/* G(T) = int_T^inf t^-q (t^2 - 1)^-1/2 dt = int_{acos(1/T)}^{pi/2} cos(theta)^(q-1) dtheta */
CRP_PRIVATE double crp_malkov_wkb_G_(double T)
{
    double th0 = acos(1.0 / T), h = 0.5 * (0.5 * CRP_PI - th0), m = th0 + h;
    double total = 0.0;
    int k;
    for (k = 0; k < 8; k++)
        total += crp_malkov_gl_w_[k] * pow(cos(m + h * crp_malkov_gl_x_[k]), CRP_MALKOV_Q - 1.0);
    return h * total;
}

/* eq (5): S = sum_{n>=1} n^2 int_{y (n/|mu|)^{3/2}}^inf J_n^2(x) x^{-13/3} dx.
 * n <= 8 by quadrature; 8 < n <= 400 with the WKB mean J_n^2 ~ 1/(pi sqrt(x^2-n^2)),
 * i.e. n^2 int_X^inf = n^{-7/3} G(max(X/n, 1)) / pi; the rest as an integral. */
CRP_API double crp_malkov_S(double y, double mu)
{
    double amu = fabs(mu);
    double total = 0.0, X, T, term = 0.0;
    int n;
    if (amu == 0.0)
        return 0.0;
    if (y <= 0.0)
        y = 1e-300;
    for (n = 1; n <= CRP_MALKOV_N_EXACT; n++) {
        X = y * pow(n / amu, 1.5);
        total += crp_malkov_S_exact_(n, X);
    }
    for (n = CRP_MALKOV_N_EXACT + 1; n <= CRP_MALKOV_N_WKB; n++) {
        X = y * pow(n / amu, 1.5);
        T = X / n;
        if (T < 1.0)
            T = 1.0;
        term = pow(n, -7.0 / 3.0) * crp_malkov_wkb_G_(T) / CRP_PI;
        total += term;
        if (term < 1e-14 * total)
            return total;
    }
    /* remaining orders: terms ~ n^{-7/3} at most (T = 1) */
    total += term * pow(CRP_MALKOV_N_WKB, 7.0 / 3.0) * 0.75 * pow(CRP_MALKOV_N_WKB + 0.5, -4.0 / 3.0);
    return total;
}

/* eq (4): D_mumu = (2 pi/3) v/(l |mu|) (1 - mu^2) y^{4/3} S(y), y = sqrt((1-mu^2)/eps)  [s^-1] */
CRP_API double crp_malkov_D_mumu(double mu, double v, double l, double eps)
{
    double w = 1.0 - mu * mu;
    double y, S;
    if (w <= 0.0 || mu == 0.0)
        return 0.0;
    y = sqrt(w / eps);
    S = crp_malkov_S(y, mu);
    if (S == 0.0)
        return 0.0;     /* |mu| -> 0: S ~ |mu|^{13/2} underflows before 1/|mu| overflows */
    return 2.0 * CRP_PI / 3.0 * v / l * w * pow(y, 4.0 / 3.0) * (S / fabs(mu));
}

/* eq (6), y >> 1: (2/13) zeta(9/2) v/l eps^{3/2} |mu|^{11/2} / sqrt(1 - mu^2)  [s^-1] */
CRP_API double crp_malkov_D_mumu_asymptotic(double mu, double v, double l, double eps)
{
    double w = 1.0 - mu * mu;
    if (w <= 0.0)
        return 0.0;   /* outside validity (y = 0); the exact D_mumu vanishes at |mu| = 1 */
    return 2.0 / 13.0 * CRP_ZETA_9_2 * v / l * pow(eps, 1.5) * pow(fabs(mu), 5.5) / sqrt(w);
}

/* eq (8): (1/6) v/l delta [ln(1/eps) - (1/2) ln(1 - mu^2)] (1 - mu^2)  [s^-1] */
CRP_API double crp_malkov_D_mumu_correlation(double mu, double v, double l, double eps,
                                             double delta)
{
    double w = 1.0 - mu * mu;
    if (w <= 0.0)
        return 0.0;
    return v / (6.0 * l) * delta * (log(1.0 / eps) - 0.5 * log(w)) * w;
}

/* eq (10) as corrected (erratum 11): (pi/2) v/l (1 - mu^2) J_1(y)^2 / y^2
 * (the r y^{4/3} term is 0)  [s^-1] */
CRP_API double crp_malkov_D_mumu_peak(double mu, double v, double l, double eps)
{
    double w = 1.0 - mu * mu;
    double y, j;
    if (w <= 0.0)
        return 0.0;
    y = sqrt(w / eps);
    if (y < 1e-8)
        return CRP_PI / 2.0 * v / l * w * 0.25;
    j = j1(y);
    return CRP_PI / 2.0 * v / l * w * j * j / (y * y);
}

/* eq (11): nu_theta = (v/l) (delta ln(1/eps) + eps^{3/2}) / 6  [s^-1] */
CRP_API double crp_malkov_scattering_frequency(double v, double l, double eps, double delta)
{
    return v / l * (delta * log(1.0 / eps) + pow(eps, 1.5)) / 6.0;
}

/* eq (35): b = j_1^2 eps / 2, j_1 = 3.8317... the first zero of J_1 */
CRP_API double crp_malkov_beam_width(double eps)
{
    return 0.5 * 3.8317059702075125 * 3.8317059702075125 * eps;
}

CRP_END_DECLS

#endif /* CRPLUGIN_MALKOV_H */
