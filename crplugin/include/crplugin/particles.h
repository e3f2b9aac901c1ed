/* Single-particle basics for cosmic rays: pointwise closures (cgs, Gaussian units, R = pc/q).
 * Physics, papers and regimes: crplugin/closures/particles.py and docs/closures.md.
 */
#ifndef CRPLUGIN_PARTICLES_H
#define CRPLUGIN_PARTICLES_H

#include "common.h"

CRP_BEGIN_DECLS

/* gamma = sqrt(1 + (p / m c)^2). */
CRP_API double crp_lorentz_factor(double p, double mass)
{
    double x = p / (mass * CRP_C_LIGHT);
    return sqrt(1.0 + x * x);
}

/* v = p c^2 / E = c x / sqrt(1 + x^2), x = p / (m c); massless -> c  [cm s^-1]. */
CRP_API double crp_particle_speed(double p, double mass)
{
    double x;
    if (mass == 0.0)
        return p != 0.0 ? CRP_C_LIGHT : 0.0;
    x = fabs(p) / (mass * CRP_C_LIGHT);
    return CRP_C_LIGHT * x / sqrt(1.0 + x * x);
}

/* p c = sqrt(T^2 + 2 T m c^2)  [g cm s^-1]. */
CRP_API double crp_momentum_from_kinetic_energy(double E_kin, double mass)
{
    return sqrt(E_kin * (E_kin + 2.0 * mass * CRP_C_LIGHT * CRP_C_LIGHT)) / CRP_C_LIGHT;
}

/* One-dimensional thermal speed sqrt(k_B T / m)  [cm s^-1]. */
CRP_API double crp_thermal_speed(double T, double mass)
{
    return sqrt(CRP_K_B * T / mass);
}

/* R = p c / (|Z| e)  [statvolt; 1 statV = 299.792458 V]. */
CRP_API double crp_rigidity(double p, double charge_number)
{
    return p * CRP_C_LIGHT / (fabs(charge_number) * CRP_E_CHARGE);
}

/* Omega = |Z| e |B| / (gamma m c)  [rad s^-1]. */
CRP_API double crp_gyrofrequency(double B, double gamma_L, double mass, double charge_number)
{
    return fabs(charge_number) * CRP_E_CHARGE * fabs(B) / (gamma_L * mass * CRP_C_LIGHT);
}

/* r_g = p_perp c / (|Z| e |B|) = R sqrt(1 - mu^2) / |B|  [cm]; B = 0 -> unbounded orbit. */
CRP_API double crp_gyroradius(double p, double B, double mu, double charge_number)
{
    double s2 = 1.0 - mu * mu;
    if (s2 <= 0.0 || p == 0.0)
        return 0.0;
    if (B == 0.0)
        return HUGE_VAL;
    return fabs(p) * CRP_C_LIGHT * sqrt(s2) / (fabs(charge_number) * CRP_E_CHARGE * fabs(B));
}

/* |v_gradB| = R v (1 - mu^2) |b x grad B| / (2 B^2)  [cm s^-1]
 * (the review's formula without its spurious 1/c, erratum 10). */
CRP_API double crp_gradient_drift_speed(double R, double v, double mu, double B, double gradB_perp)
{
    if (R == 0.0 || gradB_perp == 0.0 || mu * mu >= 1.0)
        return 0.0;
    if (B == 0.0)
        return HUGE_VAL;
    return fabs(R * v) * (1.0 - mu * mu) * fabs(gradB_perp) / (2.0 * B * B);
}

/* |v_curv| = R v mu^2 |b x kappa| / |B|, kappa = (b.grad) b  [cm s^-1]
 * (the review's formula without its spurious 1/c, erratum 10). */
CRP_API double crp_curvature_drift_speed(double R, double v, double mu, double B, double curvature)
{
    if (R == 0.0 || curvature == 0.0 || mu == 0.0)
        return 0.0;
    if (B == 0.0)
        return HUGE_VAL;
    return fabs(R * v) * mu * mu * fabs(curvature) / fabs(B);
}

CRP_END_DECLS

#endif /* CRPLUGIN_PARTICLES_H */
