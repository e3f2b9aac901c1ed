"""Streaming and pressure-anisotropy instability kernels and their array drivers."""
from libc.math cimport fabs, HUGE_VAL

from crplugin.kernels.constants cimport CRP_PI, CRP_E_CHARGE, CRP_M_P, CRP_C_LIGHT
from crplugin.kernels._map cimport map1, map2, map5, map6


cdef inline double _growth_prefactor(double B, double n_cr, double n_ion, double a) noexcept nogil:
    # (pi/8) C Omega_0 n_c(>p_1)/n_i with Omega_0 = e|B|/(m_p c) (proton gyrofrequency).
    return (CRP_PI / 8.0) * spectrum_constant(a) * CRP_E_CHARGE * fabs(B) / (CRP_M_P * CRP_C_LIGHT) * n_cr / n_ion


cdef double spectrum_constant(double a) noexcept nogil:
    # C = (a - 3)/(a - 2) for f_0 ~ p^-a (Zweibel 2021 below eq 23); a = 2 is outside the regime.
    if a == 2.0:
        return 0.0
    return (a - 3.0) / (a - 2.0)


cdef double streaming_growth_rate(double B, double n_cr, double n_ion, double vD_over_vA,
                                  double a) noexcept nogil:
    # Zweibel (2021) eq 19: Gamma = (pi/8) Omega_0 C n_c/n_i (v_D/v_A - 1).
    return _growth_prefactor(B, n_cr, n_ion, a) * (vD_over_vA - 1.0)


cdef double pa_threshold(double a, double vA_over_c) noexcept nogil:
    # Zweibel (2021) eq 23 bracket = 0: Delta P_c/P_c = 4(a^2-1)/(5a(a-2)) v_A/c.
    return 4.0 * (a * a - 1.0) / (5.0 * a * (a - 2.0)) * vA_over_c


cdef double pa_growth_rate(double B, double n_cr, double n_ion, double a, double dP_over_P,
                           double vA_over_c) noexcept nogil:
    # Zweibel (2021) eq 23 for the unstable pair of modes, whose growth depends on |Delta P_c|:
    # Gamma = (pi/8) C Omega_0 n_c/n_i [|Delta P_c/P_c| / threshold - 1].
    cdef double pre = _growth_prefactor(B, n_cr, n_ion, a)
    cdef double thr = pa_threshold(a, vA_over_c)
    cdef double x = fabs(dP_over_P)
    if pre == 0.0:
        return 0.0
    if thr <= 0.0:
        # v_A/c -> 0: any anisotropy is infinitely far above threshold.
        return -pre if x == 0.0 else (HUGE_VAL if pre > 0.0 else -HUGE_VAL)
    return pre * (x / thr - 1.0)


cdef double anisotropy_zeta(double dP_over_P) noexcept nogil:
    # Zweibel (2021) eq 21: zeta = (5/12) Delta P_c / P_c.
    return (5.0 / 12.0) * dP_over_P


cdef double zeta_threshold(double a, double vA_over_c) noexcept nogil:
    # Threshold in zeta: (5/12) x pa_threshold = (a^2-1)/(3a(a-2)) v_A/c (0.554 v_A/c at a = 4.7).
    return (5.0 / 12.0) * pa_threshold(a, vA_over_c)


def spectrum_constant_array(const double[::1] a, double[::1] out):
    with nogil:
        map1(spectrum_constant, a, out)


def streaming_growth_rate_array(const double[::1] B, const double[::1] n_cr,
                                const double[::1] n_ion, const double[::1] vD_over_vA,
                                const double[::1] a, double[::1] out):
    with nogil:
        map5(streaming_growth_rate, B, n_cr, n_ion, vD_over_vA, a, out)


def pa_growth_rate_array(const double[::1] B, const double[::1] n_cr, const double[::1] n_ion,
                         const double[::1] a, const double[::1] dP_over_P,
                         const double[::1] vA_over_c, double[::1] out):
    with nogil:
        map6(pa_growth_rate, B, n_cr, n_ion, a, dP_over_P, vA_over_c, out)


def pa_threshold_array(const double[::1] a, const double[::1] vA_over_c, double[::1] out):
    with nogil:
        map2(pa_threshold, a, vA_over_c, out)


def anisotropy_zeta_array(const double[::1] dP_over_P, double[::1] out):
    with nogil:
        map1(anisotropy_zeta, dP_over_P, out)


def zeta_threshold_array(const double[::1] a, const double[::1] vA_over_c, double[::1] out):
    with nogil:
        map2(zeta_threshold, a, vA_over_c, out)
