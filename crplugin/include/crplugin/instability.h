/* CR-driven instabilities of parallel Alfven waves (Zweibel 2021, section 3): pointwise closures (cgs).
 * Physics, papers and regimes: crplugin/closures/instability.py and docs/closures.md.
 */
#ifndef CRPLUGIN_INSTABILITY_H
#define CRPLUGIN_INSTABILITY_H

#include "common.h"

CRP_BEGIN_DECLS

/* C = (a - 3)/(a - 2) for f_0 ~ p^-a (Zweibel 2021 below eq 23); a = 2 is outside the regime. */
CRP_API double crp_spectrum_constant(double a)
{
    if (a == 2.0)
        return 0.0;
    return (a - 3.0) / (a - 2.0);
}

/* (pi/8) C Omega_0 n_c(>p_1)/n_i of Zweibel (2021) eq 19, Omega_0 = e|B|/(m_p c)
 * (proton gyrofrequency) [s^-1]; shared with the self-confinement closures. */
CRP_PRIVATE double crp_growth_prefactor_(double B, double n_cr, double n_ion, double C)
{
    return (CRP_PI / 8.0) * C * CRP_E_CHARGE * fabs(B) / (CRP_M_P * CRP_C_LIGHT) * n_cr / n_ion;
}

/* Zweibel (2021) eq 19: Gamma = (pi/8) Omega_0 C n_c/n_i (v_D/v_A - 1)  [s^-1]. */
CRP_API double crp_streaming_growth_rate(double B, double n_cr, double n_ion, double vD_over_vA,
                                         double a)
{
    return crp_growth_prefactor_(B, n_cr, n_ion, crp_spectrum_constant(a)) * (vD_over_vA - 1.0);
}

/* Zweibel (2021) eq 23 bracket = 0: Delta P_c/P_c = 4(a^2-1)/(5a(a-2)) v_A/c. */
CRP_API double crp_pa_threshold(double a, double vA_over_c)
{
    return 4.0 * (a * a - 1.0) / (5.0 * a * (a - 2.0)) * vA_over_c;
}

/* Zweibel (2021) eq 23 for the unstable pair of modes, whose growth depends on |Delta P_c|:
 * Gamma = (pi/8) C Omega_0 n_c/n_i [|Delta P_c/P_c| / threshold - 1]  [s^-1]. */
CRP_API double crp_pa_growth_rate(double B, double n_cr, double n_ion, double a, double dP_over_P,
                                  double vA_over_c)
{
    double pre = crp_growth_prefactor_(B, n_cr, n_ion, crp_spectrum_constant(a));
    double thr = crp_pa_threshold(a, vA_over_c);
    double x = fabs(dP_over_P);
    if (pre == 0.0)
        return 0.0;
    if (thr <= 0.0)
        /* v_A/c -> 0: any anisotropy is infinitely far above threshold. */
        return x == 0.0 ? -pre : (pre > 0.0 ? HUGE_VAL : -HUGE_VAL);
    return pre * (x / thr - 1.0);
}

/* Zweibel (2021) eq 21: zeta = (5/12) Delta P_c / P_c. */
CRP_API double crp_anisotropy_zeta(double dP_over_P)
{
    return (5.0 / 12.0) * dP_over_P;
}

/* Threshold in zeta: (5/12) x pa_threshold = (a^2-1)/(3a(a-2)) v_A/c (0.554 v_A/c at a = 4.7;
 * the paper's "zeta > 0.55" misses the factor v_A/c, erratum 2). */
CRP_API double crp_zeta_threshold(double a, double vA_over_c)
{
    return (5.0 / 12.0) * crp_pa_threshold(a, vA_over_c);
}

CRP_END_DECLS

#endif /* CRPLUGIN_INSTABILITY_H */
