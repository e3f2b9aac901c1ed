/* Pitch-angle scattering rates, spatial diffusion and wave damping: pointwise closures (cgs).
 * Physics, papers, corrections and regimes: crplugin/closures/scattering.py and docs/closures.md.
 */
#ifndef CRPLUGIN_SCATTERING_H
#define CRPLUGIN_SCATTERING_H

#include "common.h"
#include "instability.h"   /* crp_growth_prefactor_: the eq 19 growth rate per unit drift excess */

CRP_BEGIN_DECLS

/* Isotropic pitch-angle scattering, exact QLT: kappa_par = v^2 / (3 nu)  [cm^2 s^-1]. */
CRP_API double crp_kappa_from_scattering_rate(double v, double nu)
{
    if (nu <= 0.0)
        return HUGE_VAL;
    return v * v / (3.0 * nu);
}

/* Inverse of kappa_par = v^2 / (3 nu)  [s^-1]. */
CRP_API double crp_scattering_rate_from_kappa(double v, double kappa)
{
    if (kappa <= 0.0)
        return HUGE_VAL;
    return v * v / (3.0 * kappa);
}

/* lambda = v / nu  [cm]. */
CRP_API double crp_scattering_mean_free_path(double v, double nu)
{
    if (nu <= 0.0)
        return HUGE_VAL;
    return v / nu;
}

/* Zweibel (2021) eq 52 as an equality: v_D - v_A = kappa / L  ->  kappa_d = v_A L (v_D/v_A - 1). */
CRP_API double crp_drift_kappa(double v_A, double L, double drift_excess)
{
    return v_A * L * drift_excess;
}

/* nu_d = v^2 / (3 kappa_d) (eq 52 with the exact QLT factor 1/3, erratum 4). */
CRP_API double crp_drift_scattering_rate(double v, double v_A, double L, double drift_excess)
{
    return crp_scattering_rate_from_kappa(v, crp_drift_kappa(v_A, L, drift_excess));
}

/* Bracket of Zweibel (2021) eqs 54-57: X = (c/v_A) Delta P_c/P_c - 1. */
CRP_API double crp_pa_anisotropy_factor(double dP_over_P, double vA_over_c)
{
    if (vA_over_c <= 0.0)
        return dP_over_P != 0.0 ? HUGE_VAL : -1.0;
    return dP_over_P / vA_over_c - 1.0;
}

/* Zweibel (2021) eq 57: nu X = 2c / (45 v_A tau_B)  [s^-1] (6.0e-11, not 6e-9, erratum 1). */
CRP_API double crp_pa_scattering_rate(double v_A, double tau_B, double anisotropy_factor)
{
    double d = 45.0 * v_A * tau_B * anisotropy_factor;
    if (d <= 0.0)
        return HUGE_VAL;
    return 2.0 * CRP_C_LIGHT / d;
}

/* c^2 / (3 nu_pa) = (15/2) c v_A tau_B X  [cm^2 s^-1] (eq 54 corrected: factor 45/2 and QLT 1/3). */
CRP_API double crp_pa_kappa(double v_A, double tau_B, double anisotropy_factor)
{
    return 7.5 * CRP_C_LIGHT * v_A * tau_B * anisotropy_factor;
}

/* c / nu_pa = (45/2) v_A tau_B X  [cm] (eq 55 corrected). */
CRP_API double crp_pa_mean_free_path(double v_A, double tau_B, double anisotropy_factor)
{
    return 22.5 * v_A * tau_B * anisotropy_factor;
}

/* Zweibel (2021) eq 60: nu = [Omega_0/tau_B (n_c/n_i) c^2/(v_i v_A)]^(1/2)  [s^-1]. */
CRP_API double crp_pa_scattering_rate_nld(double B, double tau_B, double n_cr, double n_ion,
                                          double v_ion, double v_A)
{
    double omega0 = CRP_E_CHARGE * fabs(B) / (CRP_M_P * CRP_C_LIGHT);
    double d = tau_B * n_ion * v_ion * v_A;
    if (d <= 0.0)
        return omega0 * n_cr > 0.0 ? HUGE_VAL : 0.0;
    return sqrt(omega0 * n_cr * CRP_C_LIGHT * CRP_C_LIGHT / d);
}

/* Kulsrud & Pearce (1969), weak-coupling limit k v_A >> nu_in:
 * Gamma_in = nu_in/2 = n_n <sigma v>_in / 2  [s^-1]. */
CRP_API double crp_ion_neutral_damping_rate(double n_n, double sigma_v_in)
{
    return 0.5 * n_n * sigma_v_in;
}

/* Zweibel (2021) eq 58 (Lee & Voelk 1973; Kulsrud 1978): Gamma_nld ~ nu v_i / c  [s^-1]. */
CRP_API double crp_nonlinear_landau_damping_rate(double nu, double v_ion)
{
    return nu * v_ion / CRP_C_LIGHT;
}

/* Farmer & Goldreich (2004), as used by Wiener, Oh & Guo (2013): Gamma = v_A / sqrt(r_L L_MHD). */
CRP_API double crp_turbulent_damping_rate(double v_A, double r_L, double L_MHD)
{
    double d = r_L * L_MHD;
    if (d <= 0.0)
        return v_A > 0.0 ? HUGE_VAL : 0.0;
    return v_A / sqrt(d);
}

/* Growth (eq 19) = damping  ->  v_D/v_A - 1 = Gamma_damp / [(pi/8) C Omega_0 n_c/n_i]. */
CRP_API double crp_self_confined_drift_excess(double Gamma_damp, double B, double n_cr,
                                              double n_ion, double C)
{
    double pre = crp_growth_prefactor_(B, n_cr, n_ion, C);
    if (pre <= 0.0)
        return Gamma_damp > 0.0 ? HUGE_VAL : 0.0;
    return Gamma_damp / pre;
}

/* v_D = v_A (1 + Gamma_damp / [(pi/8) C Omega_0 n_c/n_i])  [cm s^-1]. */
CRP_API double crp_self_confined_drift_speed(double v_A, double Gamma_damp, double B, double n_cr,
                                             double n_ion, double C)
{
    if (v_A == 0.0)
        return 0.0;
    return v_A * (1.0 + crp_self_confined_drift_excess(Gamma_damp, B, n_cr, n_ion, C));
}

/* kappa_eff = L (v_D - v_A) = v_A L (v_D/v_A - 1) with the balance excess  [cm^2 s^-1]. */
CRP_API double crp_self_confined_kappa(double v_A, double L, double Gamma_damp, double B,
                                       double n_cr, double n_ion, double C)
{
    if (v_A == 0.0 || L == 0.0)
        return 0.0;
    return v_A * L * crp_self_confined_drift_excess(Gamma_damp, B, n_cr, n_ion, C);
}

CRP_END_DECLS

#endif /* CRPLUGIN_SCATTERING_H */
