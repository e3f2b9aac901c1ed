/* Alfvenic coupling of cosmic rays to the gas: pointwise closures (cgs, Gaussian B).
 * Physics, papers and regimes: crplugin/closures/alfvenic.py and docs/closures.md.
 */
#ifndef CRPLUGIN_ALFVENIC_H
#define CRPLUGIN_ALFVENIC_H

#include "common.h"

CRP_BEGIN_DECLS

/* v_A = |B| / sqrt(4 pi rho_i)  [cm s^-1]; zero field gives zero speed. */
CRP_API double crp_alfven_speed(double B, double rho_ion)
{
    if (B == 0.0)
        return 0.0;
    return fabs(B) / sqrt(4.0 * CRP_PI * rho_ion);
}

/* Ideal gas: rho = mu m_p P_g / (k_B T)  [g cm^-3]. */
CRP_API double crp_gas_density(double P_g, double T, double mu)
{
    return mu * CRP_M_P * P_g / (CRP_K_B * T);
}

/* rho_i = x_i rho, x_i = ion mass fraction (1 for a fully ionised gas). */
CRP_API double crp_ion_mass_density(double rho, double ion_mass_fraction)
{
    return ion_mass_fraction * rho;
}

/* v_st = -v_A tanh(b.grad P_c / g_0): the smooth form of -v_A sign(b.grad P_c).
 * g_0 <= 0 gives the sharp sign function, with sign(0) = 0. */
CRP_API double crp_streaming_velocity(double v_A, double grad_par_Pc, double grad_scale)
{
    if (grad_scale > 0.0)
        return -v_A * tanh(grad_par_Pc / grad_scale);
    if (grad_par_Pc > 0.0)
        return -v_A;
    if (grad_par_Pc < 0.0)
        return v_A;
    return 0.0;
}

/* Schlickeiser (2019) eq 34: CRs are convected at H_c V_A along B. */
CRP_API double crp_cr_convection_speed(double H_c, double v_A)
{
    return H_c * v_A;
}

/* Zweibel (2021) eq 1: C_ma = sqrt((gamma_g P_g + gamma_c P_c + gamma_m P_m) / rho). */
CRP_API double crp_magnetoacoustic_speed(double P_g, double P_c, double P_m, double rho,
                                         double gamma_g, double gamma_c, double gamma_m)
{
    double s = gamma_g * P_g + gamma_c * P_c + gamma_m * P_m;
    if (s <= 0.0)
        return 0.0;
    return sqrt(s / rho);
}

CRP_END_DECLS

#endif /* CRPLUGIN_ALFVENIC_H */
