/* Quasilinear transport of cosmic rays in slab Alfven turbulence with cross helicity H_c
 * (Schlickeiser et al. 2019): pointwise closures, cgs units, Gaussian B.
 *
 * s is the spectral index of the wave intensity I(k) ~ k^-s (1 <= s < 2),
 * turbulence_level is (dB/B0)^2, H_c the cross helicity (+1: only forward waves),
 * eps = V_A / v.  Equations, corrections and regimes: crplugin/closures/slab.py,
 * docs/closures.md.
 */
#ifndef CRPLUGIN_SLAB_H
#define CRPLUGIN_SLAB_H

#include "common.h"

CRP_BEGIN_DECLS

/* Exact spectral normalisation of eq (19) relative to k_min^(s-1):
 * (s-1) / (1 - (k_min/k_max)^(s-1)), whose s -> 1 limit is 1/ln(k_max/k_min)
 * (eq 25).  expm1 keeps it accurate for s close to 1. */
CRP_PRIVATE double crp_slab_norm_factor_(double s, double k_ratio)
{
    double L = log(k_ratio);
    double x = (s - 1.0) * L;
    if (x == 0.0)
        return 1.0 / L;
    return (s - 1.0) / (-expm1(-x));
}

/* eq (22): p_m = |Q| e B0 / (k_min c), k_min = 2 pi / lambda_max   [g cm s^-1] */
CRP_API double crp_slab_maximum_momentum(double B0, double lambda_max, double Q)
{
    return fabs(Q) * CRP_E_CHARGE * fabs(B0) * lambda_max / (2.0 * CRP_PI * CRP_C_LIGHT);
}

/* erratum 7 to eq (31): k_max/k_min = lambda_max omega_pi / (2 pi c), omega_pi of protons */
CRP_API double crp_slab_k_ratio(double lambda_max, double n_i)
{
    double omega_pi = sqrt(4.0 * CRP_PI * n_i * CRP_E_CHARGE * CRP_E_CHARGE / CRP_M_P);
    return lambda_max * omega_pi / (2.0 * CRP_PI * CRP_C_LIGHT);
}

/* eqs (24)-(25) with the exact normalisation of eq (19)  [s^-1]:
 * D_0 = pi v k_min/8 (dB/B0)^2 (p/p_m)^(s-2) (s-1)/(1-(k_min/k_max)^(s-1)) */
CRP_API double crp_slab_D0(double v, double p_over_pm, double s, double turbulence_level,
                           double lambda_max, double k_ratio)
{
    double k_min = 2.0 * CRP_PI / lambda_max;
    return (CRP_PI * v * k_min / 8.0) * turbulence_level * pow(p_over_pm, s - 2.0)
           * crp_slab_norm_factor_(s, k_ratio);
}

CRP_PRIVATE double crp_slab_wplus_(double mu, double eps, double s)
{
    return pow(fabs(mu - eps), s - 1.0);
}

CRP_PRIVATE double crp_slab_wminus_(double mu, double eps, double s)
{
    return pow(fabs(mu + eps), s - 1.0);
}

/* eq (27), linearly polarised waves (sigma_f = sigma_b = 0)  [s^-1] */
CRP_API double crp_slab_D_mumu(double mu, double D0, double v_A, double v, double H_c, double s)
{
    double eps = v_A / v;
    double a = 1.0 - eps * mu;
    double b = 1.0 + eps * mu;
    return D0 * (1.0 - mu * mu) * ((1.0 + H_c) * crp_slab_wplus_(mu, eps, s) * a * a
                                   + (1.0 - H_c) * crp_slab_wminus_(mu, eps, s) * b * b);
}

/* eq (27)  [g cm s^-2] */
CRP_API double crp_slab_D_mup(double mu, double p, double D0, double v_A, double v, double H_c,
                              double s)
{
    double eps = v_A / v;
    return D0 * (1.0 - mu * mu) * eps * p * ((1.0 + H_c) * crp_slab_wplus_(mu, eps, s) * (1.0 - eps * mu)
                                             - (1.0 - H_c) * crp_slab_wminus_(mu, eps, s) * (1.0 + eps * mu));
}

/* eq (27)  [g^2 cm^2 s^-3] */
CRP_API double crp_slab_D_pp(double mu, double p, double D0, double v_A, double v, double H_c,
                             double s)
{
    double eps = v_A / v;
    return D0 * (1.0 - mu * mu) * eps * eps * p * p * ((1.0 + H_c) * crp_slab_wplus_(mu, eps, s)
                                                       + (1.0 - H_c) * crp_slab_wminus_(mu, eps, s));
}

/* eq (29): K_0 = 2 / (D_0 (2-s)(4-s)), lowest order in eps  [s] */
CRP_API double crp_slab_K0(double D0, double s)
{
    return 2.0 / (D0 * (2.0 - s) * (4.0 - s));
}

/* eq (29): H_0 = (4/3) eps p H_c  [g cm s^-1] */
CRP_API double crp_slab_H0(double p, double v_A, double v, double H_c)
{
    return 4.0 / 3.0 * (v_A / v) * p * H_c;
}

/* eq (30) (and corrected eq 31 as its s -> 1 limit, erratum 6): v^2 / (4 (2-s)(4-s) D_0)
 * = v lambda_max / (pi^2 (2-s)(4-s) N(s)) (B0/dB)^2 (p/p_m)^(2-s)  [cm^2 s^-1],
 * N(s) = (s-1)/(1-(k_min/k_max)^(s-1)) -> 1/ln(k_max/k_min) at s = 1. */
CRP_API double crp_slab_kappa_zz(double v, double p_over_pm, double s, double turbulence_level,
                                 double lambda_max, double k_ratio)
{
    return v * lambda_max * pow(p_over_pm, 2.0 - s) / (
        CRP_PI * CRP_PI * (2.0 - s) * (4.0 - s) * crp_slab_norm_factor_(s, k_ratio) * turbulence_level);
}

/* eq (32) corrected (factor 1/2 of eq 9 restored, erratum 8)  [g^2 cm^2 s^-3]:
 * kappa_pp = (1 - H_c^2) V_A^2 p^2 / (s (4-s) (4-s^2) kappa_zz) */
CRP_API double crp_slab_kappa_pp(double p, double v_A, double kappa_zz, double H_c, double s)
{
    return (1.0 - H_c * H_c) * v_A * v_A * p * p / (s * (4.0 - s) * (4.0 - s * s) * kappa_zz);
}

/* eq (35): delta_s = -(4-s) kappa_zz / v  dlnF/dz  (signed: > 0 means excess at mu = +1) */
CRP_API double crp_slab_delta_s(double kappa_zz, double v, double s, double dlnF_dz)
{
    return -(4.0 - s) * kappa_zz / v * dlnF_dz;
}

/* eq (36): delta_c = -eps H_c p dlnF/dp = -(V_A/v) H_c dlnF/dlnp */
CRP_API double crp_slab_delta_c(double v_A, double v, double H_c, double dlnF_dlnp)
{
    return -(v_A / v) * H_c * dlnF_dlnp;
}

/* eq (38): g_s/F = -(4-s) kappa_zz/v dlnF/dz |mu|^(2-s) sgn(mu) */
CRP_API double crp_slab_g_s(double mu, double kappa_zz, double v, double s, double dlnF_dz)
{
    if (mu == 0.0)
        return 0.0;
    return -(4.0 - s) * kappa_zz / v * dlnF_dz * copysign(pow(fabs(mu), 2.0 - s), mu);
}

/* eq (39) with erratum 9, (2H_c - 1) -> (2H_c^2 - 1), and the normalisation
 * int g dmu = 0 (eq 6) kept at O(eps^2): (mu^2 - 1) -> (mu^2 - 1/3). */
CRP_API double crp_slab_g_c(double mu, double v_A, double v, double H_c, double dlnF_dlnp)
{
    double eps = v_A / v;
    return -eps * dlnF_dlnp * (H_c * mu + 0.5 * (2.0 * H_c * H_c - 1.0) * eps * (mu * mu - 1.0 / 3.0));
}

CRP_END_DECLS

#endif /* CRPLUGIN_SLAB_H */
