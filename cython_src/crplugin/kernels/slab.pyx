"""Slab Alfven-wave transport kernels (Schlickeiser et al. 2019): pointwise closures and array drivers.

All quantities cgs.  ``s`` is the spectral index of the wave intensity
I(k) ~ k^-s (1 <= s < 2), ``turbulence_level`` is (dB/B0)^2, ``H_c`` the cross
helicity (+1: only forward waves), ``eps = V_A / v``.
"""
from libc.math cimport fabs, pow, log, expm1, sqrt, copysign

from crplugin.kernels.constants cimport CRP_PI, CRP_C_LIGHT, CRP_E_CHARGE, CRP_M_P
from crplugin.kernels._map cimport map2, map3, map4, map5, map6, map7


cdef inline double _norm_factor(double s, double k_ratio) noexcept nogil:
    # Exact spectral normalisation of eq (19) relative to k_min^(s-1):
    # (s-1) / (1 - (k_min/k_max)^(s-1)), whose s -> 1 limit is 1/ln(k_max/k_min)
    # (eq 25).  expm1 keeps it accurate for s close to 1.
    cdef double L = log(k_ratio)
    cdef double x = (s - 1.0) * L
    if x == 0.0:
        return 1.0 / L
    return (s - 1.0) / (-expm1(-x))


cdef double slab_maximum_momentum(double B0, double lambda_max, double Q) noexcept nogil:
    # eq (22): p_m = |Q| e B0 / (k_min c), k_min = 2 pi / lambda_max   [g cm s^-1]
    return fabs(Q) * CRP_E_CHARGE * fabs(B0) * lambda_max / (2.0 * CRP_PI * CRP_C_LIGHT)


cdef double slab_k_ratio(double lambda_max, double n_i) noexcept nogil:
    # erratum to eq (31): k_max/k_min = lambda_max omega_pi / (2 pi c), omega_pi of protons
    cdef double omega_pi = sqrt(4.0 * CRP_PI * n_i * CRP_E_CHARGE * CRP_E_CHARGE / CRP_M_P)
    return lambda_max * omega_pi / (2.0 * CRP_PI * CRP_C_LIGHT)


cdef double slab_D0(double v, double p_over_pm, double s, double turbulence_level,
                    double lambda_max, double k_ratio) noexcept nogil:
    # eqs (24)-(25) with the exact normalisation of eq (19):
    # D_0 = pi v k_min/8 (dB/B0)^2 (p/p_m)^(s-2) (s-1)/(1-(k_min/k_max)^(s-1))
    cdef double k_min = 2.0 * CRP_PI / lambda_max
    return (CRP_PI * v * k_min / 8.0) * turbulence_level * pow(p_over_pm, s - 2.0) \
        * _norm_factor(s, k_ratio)


cdef inline double _wplus(double mu, double eps, double s) noexcept nogil:
    return pow(fabs(mu - eps), s - 1.0)


cdef inline double _wminus(double mu, double eps, double s) noexcept nogil:
    return pow(fabs(mu + eps), s - 1.0)


cdef double slab_D_mumu(double mu, double D0, double v_A, double v, double H_c, double s) noexcept nogil:
    # eq (27), linearly polarised waves (sigma_f = sigma_b = 0)
    cdef double eps = v_A / v
    cdef double a = 1.0 - eps * mu
    cdef double b = 1.0 + eps * mu
    return D0 * (1.0 - mu * mu) * ((1.0 + H_c) * _wplus(mu, eps, s) * a * a
                                   + (1.0 - H_c) * _wminus(mu, eps, s) * b * b)


cdef double slab_D_mup(double mu, double p, double D0, double v_A, double v, double H_c, double s) noexcept nogil:
    # eq (27)
    cdef double eps = v_A / v
    return D0 * (1.0 - mu * mu) * eps * p * ((1.0 + H_c) * _wplus(mu, eps, s) * (1.0 - eps * mu)
                                             - (1.0 - H_c) * _wminus(mu, eps, s) * (1.0 + eps * mu))


cdef double slab_D_pp(double mu, double p, double D0, double v_A, double v, double H_c, double s) noexcept nogil:
    # eq (27)
    cdef double eps = v_A / v
    return D0 * (1.0 - mu * mu) * eps * eps * p * p * ((1.0 + H_c) * _wplus(mu, eps, s)
                                                       + (1.0 - H_c) * _wminus(mu, eps, s))


cdef double slab_K0(double D0, double s) noexcept nogil:
    # eq (29): K_0 = 2 / (D_0 (2-s)(4-s)), lowest order in eps
    return 2.0 / (D0 * (2.0 - s) * (4.0 - s))


cdef double slab_H0(double p, double v_A, double v, double H_c) noexcept nogil:
    # eq (29): H_0 = (4/3) eps p H_c
    return 4.0 / 3.0 * (v_A / v) * p * H_c


cdef double slab_kappa_zz(double v, double p_over_pm, double s, double turbulence_level,
                          double lambda_max, double k_ratio) noexcept nogil:
    # eq (30) (and corrected eq 31 as its s -> 1 limit): v^2 / (4 (2-s)(4-s) D_0)
    # = v lambda_max / (pi^2 (2-s)(4-s) N(s)) (B0/dB)^2 (p/p_m)^(2-s),
    # N(s) = (s-1)/(1-(k_min/k_max)^(s-1)) -> 1/ln(k_max/k_min) at s = 1.
    return v * lambda_max * pow(p_over_pm, 2.0 - s) / (
        CRP_PI * CRP_PI * (2.0 - s) * (4.0 - s) * _norm_factor(s, k_ratio) * turbulence_level)


cdef double slab_kappa_pp(double p, double v_A, double kappa_zz, double H_c, double s) noexcept nogil:
    # eq (32) corrected (factor 1/2 of eq 9 restored):
    # kappa_pp = (1 - H_c^2) V_A^2 p^2 / (s (4-s) (4-s^2) kappa_zz)
    return (1.0 - H_c * H_c) * v_A * v_A * p * p / (s * (4.0 - s) * (4.0 - s * s) * kappa_zz)


cdef double slab_delta_s(double kappa_zz, double v, double s, double dlnF_dz) noexcept nogil:
    # eq (35): delta_s = -(4-s) kappa_zz / v  dlnF/dz  (signed: > 0 means excess at mu = +1)
    return -(4.0 - s) * kappa_zz / v * dlnF_dz


cdef double slab_delta_c(double v_A, double v, double H_c, double dlnF_dlnp) noexcept nogil:
    # eq (36): delta_c = -eps H_c p dlnF/dp = -(V_A/v) H_c dlnF/dlnp
    return -(v_A / v) * H_c * dlnF_dlnp


cdef double slab_g_s(double mu, double kappa_zz, double v, double s, double dlnF_dz) noexcept nogil:
    # eq (38): g_s/F = -(4-s) kappa_zz/v dlnF/dz |mu|^(2-s) sgn(mu)
    if mu == 0.0:
        return 0.0
    return -(4.0 - s) * kappa_zz / v * dlnF_dz * copysign(pow(fabs(mu), 2.0 - s), mu)


cdef double slab_g_c(double mu, double v_A, double v, double H_c, double dlnF_dlnp) noexcept nogil:
    # eq (39) with erratum (2H_c - 1) -> (2H_c^2 - 1) and the normalisation
    # int g dmu = 0 (eq 6) kept at O(eps^2): (mu^2 - 1) -> (mu^2 - 1/3).
    cdef double eps = v_A / v
    return -eps * dlnF_dlnp * (H_c * mu + 0.5 * (2.0 * H_c * H_c - 1.0) * eps * (mu * mu - 1.0 / 3.0))


def slab_maximum_momentum_array(const double[::1] B0, const double[::1] lambda_max,
                                const double[::1] Q, double[::1] out):
    with nogil:
        map3(slab_maximum_momentum, B0, lambda_max, Q, out)


def slab_k_ratio_array(const double[::1] lambda_max, const double[::1] n_i, double[::1] out):
    with nogil:
        map2(slab_k_ratio, lambda_max, n_i, out)


def slab_D0_array(const double[::1] v, const double[::1] p_over_pm, const double[::1] s,
                  const double[::1] turbulence_level, const double[::1] lambda_max,
                  const double[::1] k_ratio, double[::1] out):
    with nogil:
        map6(slab_D0, v, p_over_pm, s, turbulence_level, lambda_max, k_ratio, out)


def slab_D_mumu_array(const double[::1] mu, const double[::1] D0, const double[::1] v_A,
                      const double[::1] v, const double[::1] H_c, const double[::1] s,
                      double[::1] out):
    with nogil:
        map6(slab_D_mumu, mu, D0, v_A, v, H_c, s, out)


def slab_D_mup_array(const double[::1] mu, const double[::1] p, const double[::1] D0,
                     const double[::1] v_A, const double[::1] v, const double[::1] H_c,
                     const double[::1] s, double[::1] out):
    with nogil:
        map7(slab_D_mup, mu, p, D0, v_A, v, H_c, s, out)


def slab_D_pp_array(const double[::1] mu, const double[::1] p, const double[::1] D0,
                    const double[::1] v_A, const double[::1] v, const double[::1] H_c,
                    const double[::1] s, double[::1] out):
    with nogil:
        map7(slab_D_pp, mu, p, D0, v_A, v, H_c, s, out)


def slab_K0_array(const double[::1] D0, const double[::1] s, double[::1] out):
    with nogil:
        map2(slab_K0, D0, s, out)


def slab_H0_array(const double[::1] p, const double[::1] v_A, const double[::1] v,
                  const double[::1] H_c, double[::1] out):
    with nogil:
        map4(slab_H0, p, v_A, v, H_c, out)


def slab_kappa_zz_array(const double[::1] v, const double[::1] p_over_pm, const double[::1] s,
                        const double[::1] turbulence_level, const double[::1] lambda_max,
                        const double[::1] k_ratio, double[::1] out):
    with nogil:
        map6(slab_kappa_zz, v, p_over_pm, s, turbulence_level, lambda_max, k_ratio, out)


def slab_kappa_pp_array(const double[::1] p, const double[::1] v_A, const double[::1] kappa_zz,
                        const double[::1] H_c, const double[::1] s, double[::1] out):
    with nogil:
        map5(slab_kappa_pp, p, v_A, kappa_zz, H_c, s, out)


def slab_delta_s_array(const double[::1] kappa_zz, const double[::1] v, const double[::1] s,
                       const double[::1] dlnF_dz, double[::1] out):
    with nogil:
        map4(slab_delta_s, kappa_zz, v, s, dlnF_dz, out)


def slab_delta_c_array(const double[::1] v_A, const double[::1] v, const double[::1] H_c,
                       const double[::1] dlnF_dlnp, double[::1] out):
    with nogil:
        map4(slab_delta_c, v_A, v, H_c, dlnF_dlnp, out)


def slab_g_s_array(const double[::1] mu, const double[::1] kappa_zz, const double[::1] v,
                   const double[::1] s, const double[::1] dlnF_dz, double[::1] out):
    with nogil:
        map5(slab_g_s, mu, kappa_zz, v, s, dlnF_dz, out)


def slab_g_c_array(const double[::1] mu, const double[::1] v_A, const double[::1] v,
                   const double[::1] H_c, const double[::1] dlnF_dlnp, double[::1] out):
    with nogil:
        map5(slab_g_c, mu, v_A, v, H_c, dlnF_dlnp, out)
