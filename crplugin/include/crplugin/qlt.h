/* Quasilinear-theory (QLT) transport closures from the CR transport review: parallel
 * diffusion from a sampled D_mumu(mu), the anisotropic diffusion tensor, and the rigidity
 * scaling of the mean free path.  cgs units.
 * Physics and regimes: crplugin/closures/qlt.py and docs/closures.md.
 */
#ifndef CRPLUGIN_QLT_H
#define CRPLUGIN_QLT_H

#include "common.h"

CRP_BEGIN_DECLS

/* kappa_par for isotropic scattering D_mumu = nu (1 - mu^2)/2:  v^2 / (3 nu)  [cm^2 s^-1] */
CRP_API double crp_kappa_par_isotropic(double v, double nu)
{
    return v * v / (3.0 * nu);
}

/* QLT scaling lambda_par ~ R^(2-q) for a turbulence spectrum E(k) ~ k^-q  [cm] */
CRP_API double crp_mean_free_path_rigidity(double R, double R_ref, double lambda_ref, double q)
{
    return lambda_ref * pow(R / R_ref, 2.0 - q);
}

/* (1 - mu^2)^2 / D_mumu; at |mu| = 1 the numerator vanishes quadratically and
 * D_mumu (~ 1 - mu^2) at most linearly, so the limit is 0 (also when D = 0 there). */
CRP_PRIVATE double crp_qlt_integrand_(double mu, double d)
{
    double w = 1.0 - mu * mu;
    if (w <= 0.0)
        return 0.0;
    return w * w / d;
}

/* kappa_par = v^2/8 int_{-1}^{1} (1-mu^2)^2 / D_mumu dmu  [cm^2 s^-1] on the n samples
 * mu[0..n-1] (strictly increasing) of D_mumu [s^-1].  Composite Simpson rule for unequal
 * intervals on pairs of intervals; an odd last interval uses the quadratic through the
 * last three samples.  Exact for an integrand quadratic in mu (isotropic scattering) on
 * any grid with n >= 3.  n == 2: trapezoid. */
CRP_API double crp_kappa_par_qlt_sampled(const double *mu, const double *D_mumu, ptrdiff_t n,
                                         double v)
{
    ptrdiff_t i;
    double total = 0.0, h0, h1, f0, f1, f2;
    if (n < 2)
        return 0.0;
    if (n == 2)
        return v * v / 8.0 * 0.5 * (mu[1] - mu[0])
               * (crp_qlt_integrand_(mu[0], D_mumu[0]) + crp_qlt_integrand_(mu[1], D_mumu[1]));
    i = 0;
    while (i + 2 < n) {
        h0 = mu[i + 1] - mu[i];
        h1 = mu[i + 2] - mu[i + 1];
        f0 = crp_qlt_integrand_(mu[i], D_mumu[i]);
        f1 = crp_qlt_integrand_(mu[i + 1], D_mumu[i + 1]);
        f2 = crp_qlt_integrand_(mu[i + 2], D_mumu[i + 2]);
        total += (h0 + h1) / 6.0 * ((2.0 - h1 / h0) * f0 + (h0 + h1) * (h0 + h1) / (h0 * h1) * f1
                                    + (2.0 - h0 / h1) * f2);
        i += 2;
    }
    if (i + 1 < n) {
        /* one interval [mu[n-2], mu[n-1]] left: quadratic through the last three samples */
        h0 = mu[n - 2] - mu[n - 3];
        h1 = mu[n - 1] - mu[n - 2];
        f0 = crp_qlt_integrand_(mu[n - 3], D_mumu[n - 3]);
        f1 = crp_qlt_integrand_(mu[n - 2], D_mumu[n - 2]);
        f2 = crp_qlt_integrand_(mu[n - 1], D_mumu[n - 1]);
        total += (f2 * (2.0 * h1 * h1 + 3.0 * h0 * h1) / (6.0 * (h0 + h1))
                  + f1 * (h1 * h1 + 3.0 * h0 * h1) / (6.0 * h0)
                  - f0 * h1 * h1 * h1 / (6.0 * h0 * (h0 + h1)));
    }
    return v * v / 8.0 * total;
}

/* D_ij = D_perp delta_ij + (D_par - D_perp) b_i b_j + D_A eps_ijk b_k, row-major into out[9].
 * b is normalised here; b = 0 (no field direction) gives the isotropic D_perp delta_ij. */
CRP_API void crp_diffusion_tensor_components(double bx, double by, double bz, double D_par,
                                             double D_perp, double D_A, double *out)
{
    double nb = sqrt(bx * bx + by * by + bz * bz);
    double b[3];
    double dd = D_par - D_perp;
    int i, j;
    if (nb > 0.0) {
        b[0] = bx / nb;
        b[1] = by / nb;
        b[2] = bz / nb;
    } else {
        b[0] = 0.0;
        b[1] = 0.0;
        b[2] = 0.0;
        dd = 0.0;
    }
    for (i = 0; i < 3; i++) {
        for (j = 0; j < 3; j++)
            out[3 * i + j] = dd * b[i] * b[j];
        out[3 * i + i] += D_perp;
    }
    /* antisymmetric part: eps_ijk b_k */
    out[1] += D_A * b[2];   /* (0,1): eps_012 b_2 */
    out[3] -= D_A * b[2];   /* (1,0) */
    out[2] -= D_A * b[1];   /* (0,2): eps_021 b_1 = -b_1 */
    out[6] += D_A * b[1];   /* (2,0) */
    out[5] += D_A * b[0];   /* (1,2): eps_120 b_0 */
    out[7] -= D_A * b[0];   /* (2,1) */
}

CRP_END_DECLS

#endif /* CRPLUGIN_QLT_H */
