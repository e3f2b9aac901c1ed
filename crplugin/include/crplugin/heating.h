/* CR heating of the gas and work done by CRs: pointwise closures (cgs).
 * Physics, papers and regimes: crplugin/closures/heating.py and docs/closures.md.
 */
#ifndef CRPLUGIN_HEATING_H
#define CRPLUGIN_HEATING_H

#include "common.h"

CRP_BEGIN_DECLS

/* Zweibel (2021) eq 38: H_st = |v_A . grad P_c| = v_A |b.grad P_c|  [erg cm^-3 s^-1]. */
CRP_API double crp_streaming_heating(double v_A, double grad_par_Pc)
{
    return fabs(v_A * grad_par_Pc);
}

/* -v_st . grad P_c with v_st = -v_A tanh(g / g_0) b: v_A g tanh(g / g_0) >= 0. */
CRP_API double crp_streaming_heating_regularised(double v_A, double grad_par_Pc, double grad_scale)
{
    if (grad_scale > 0.0)
        return fabs(v_A) * grad_par_Pc * tanh(grad_par_Pc / grad_scale);
    return fabs(v_A * grad_par_Pc);
}

/* Zweibel (2021) eq 48 (lower bound): H_pa = (4/15) (v_A/c) |dlnB/dt| P_c  [erg cm^-3 s^-1]. */
CRP_API double crp_pa_heating(double v_A, double P_c, double dlnB_dt)
{
    return (4.0 / 15.0) * fabs(v_A) / CRP_C_LIGHT * fabs(dlnB_dt) * P_c;
}

/* Ideal induction, comoving: dlnB/dt = b.(b.grad)v - div v = b_i b_j d_i v_j - d_k v_k,
 * with dvj_di = d v_j / d x_i  [s^-1].  b is normalised here; b = 0 (no field, or a
 * tangled field) gives the isotropic average <b_i b_j> = delta_ij / 3, i.e.
 * dlnB/dt = -(2/3) div v. */
CRP_API double crp_dlnB_dt(double b_x, double b_y, double b_z,
                           double dvx_dx, double dvx_dy, double dvx_dz,
                           double dvy_dx, double dvy_dy, double dvy_dz,
                           double dvz_dx, double dvz_dy, double dvz_dz)
{
    double div = dvx_dx + dvy_dy + dvz_dz;
    double m = fabs(b_x), b2, shear;
    /* only the direction of b counts: scale it by its largest component first, so that
       b b / b^2 neither underflows (|b| ~ 1e-161: a rate off by 5e-3) nor overflows */
    if (fabs(b_y) > m)
        m = fabs(b_y);
    if (fabs(b_z) > m)
        m = fabs(b_z);
    if (m == 0.0)
        return -(2.0 / 3.0) * div;
    b_x /= m;
    b_y /= m;
    b_z /= m;
    b2 = b_x * b_x + b_y * b_y + b_z * b_z;
    shear = (b_x * (b_x * dvx_dx + b_y * dvy_dx + b_z * dvz_dx)
             + b_y * (b_x * dvx_dy + b_y * dvy_dy + b_z * dvz_dy)
             + b_z * (b_x * dvx_dz + b_y * dvy_dz + b_z * dvz_dz));
    return shear / b2 - div;
}

/* rho C_ma^2 = gamma_g P_g + gamma_c P_c + gamma_m P_m  (Zweibel 2021 eq 1) */
CRP_PRIVATE double crp_inertia_(double P_g, double P_c, double P_m,
                                double gamma_g, double gamma_c, double gamma_m)
{
    return gamma_g * P_g + gamma_c * P_c + gamma_m * P_m;
}

/* Zweibel (2021) eq 3: 1/tau_B = -dlnB/dt = dPc_dt / (rho C_ma^2)  [s^-1]. */
CRP_API double crp_flux_tube_expansion_rate(double P_g, double P_c, double P_m, double dPc_dt,
                                            double gamma_g, double gamma_c, double gamma_m)
{
    double s = crp_inertia_(P_g, P_c, P_m, gamma_g, gamma_c, gamma_m);
    if (s <= 0.0)
        return 0.0;
    return dPc_dt / s;
}

/* Zweibel (2021) eq 3: tau_B = rho C_ma^2 / dPc_dt (rho cancels) [s]; no injection -> infinite. */
CRP_API double crp_flux_tube_expansion_time(double P_g, double P_c, double P_m, double dPc_dt,
                                            double gamma_g, double gamma_c, double gamma_m)
{
    double s = crp_inertia_(P_g, P_c, P_m, gamma_g, gamma_c, gamma_m);
    if (dPc_dt == 0.0)
        return HUGE_VAL;
    return s / dPc_dt;
}

/* Zweibel (2021) eq 4: dW_c/dt = P_c / tau_B  [erg cm^-3 s^-1]. */
CRP_API double crp_cr_work_rate(double P_c, double tau_B)
{
    return P_c / tau_B;
}

/* Zweibel (2021) eq 48, last form, with P_c kept in the denominator (erratum 5):
 * (4/15)(v_A/c) P_c |dPc_dt| / (gamma_c P_c + gamma_m P_m + gamma_g P_g)  [erg cm^-3 s^-1]. */
CRP_API double crp_pa_heating_flux_tube(double v_A, double P_g, double P_c, double P_m,
                                        double dPc_dt, double gamma_g, double gamma_c,
                                        double gamma_m)
{
    double s = crp_inertia_(P_g, P_c, P_m, gamma_g, gamma_c, gamma_m);
    if (s <= 0.0)
        return 0.0;
    return (4.0 / 15.0) * fabs(v_A) / CRP_C_LIGHT * P_c * fabs(dPc_dt) / s;
}

CRP_END_DECLS

#endif /* CRPLUGIN_HEATING_H */
