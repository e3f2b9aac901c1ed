/* Optically thin radiative cooling: pointwise cooling function and net heating rate (cgs).
 *
 * crp_cie_cooling_function(T) is a piecewise power law through the solar-metallicity
 * collisional-ionisation-equilibrium curve of Sutherland & Dopita (1993), tabulated
 * coarsely (about 0.1 dex) in log T = 4.0 ... 8.5 and extended as bremsstrahlung
 * (T^1/2) above; below 10^4 K it is zero.  Runs normalise it so that heating
 * balances cooling at the halo temperature, so only its shape matters.
 */
#ifndef CRPLUGIN_COOLING_H
#define CRPLUGIN_COOLING_H

#include "common.h"

CRP_BEGIN_DECLS

/* Lambda(T) [erg cm^3 s^-1]; the volume rate is n_H^2 Lambda. */
CRP_API double crp_cie_cooling_function(double T)
{
    /* (log10 T [K], log10 Lambda [erg cm^3 s^-1]) -- approximate SD93 solar CIE */
    enum { NTAB = 15 };
    static const double LOGT[NTAB] = {4.00, 4.10, 4.20, 4.35, 4.60, 5.00, 5.35, 5.70,
                                      6.00, 6.50, 7.00, 7.50, 8.00, 8.25, 8.50};
    static const double LOGL[NTAB] = {-25.0, -23.0, -21.9, -21.7, -21.9, -21.3, -21.2, -21.5,
                                      -21.65, -22.25, -22.6, -22.7, -22.65, -22.58, -22.5};
    double lt;
    int i;
    if (!(T >= 1e4))
        return 0.0;
    lt = log10(T);
    if (lt >= LOGT[NTAB - 1])
        return pow(10.0, LOGL[NTAB - 1] + 0.5 * (lt - LOGT[NTAB - 1]));
    for (i = 0; i < NTAB - 1; i++)
        if (lt < LOGT[i + 1])
            return pow(10.0, LOGL[i] + (LOGL[i + 1] - LOGL[i]) * (lt - LOGT[i])
                                           / (LOGT[i + 1] - LOGT[i]));
    return 0.0;
}

/* n_H Gamma - n_H^2 Lambda(T)  [erg cm^-3 s^-1]; no cooling at or below T_floor. */
CRP_API double crp_net_heating_rate(double n_H, double T, double heating_per_H, double lambda_norm,
                                    double T_floor)
{
    double cool = 0.0;
    if (T > T_floor)
        cool = n_H * n_H * lambda_norm * crp_cie_cooling_function(T);
    return n_H * heating_per_H - cool;
}

CRP_END_DECLS

#endif /* CRPLUGIN_COOLING_H */
