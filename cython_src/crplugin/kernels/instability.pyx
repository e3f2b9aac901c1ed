"""Streaming and pressure-anisotropy instability kernels and their array drivers."""

cdef extern from "crplugin/instability.h" nogil:
    double crp_spectrum_constant(double a)
    double crp_streaming_growth_rate(double B, double n_cr, double n_ion, double vD_over_vA, double a)
    double crp_pa_growth_rate(double B, double n_cr, double n_ion, double a, double dP_over_P, double vA_over_c)
    double crp_pa_threshold(double a, double vA_over_c)
    double crp_anisotropy_zeta(double dP_over_P)
    double crp_zeta_threshold(double a, double vA_over_c)

from crplugin.kernels._map cimport map1, map2, map5, map6

# The closures declared in instability.pxd (the cimport API) run the C functions of
# crplugin/instability.h: one definition for Python, Cython, C, C++ and Fortran.


cdef double spectrum_constant(double a) noexcept nogil:
    return crp_spectrum_constant(a)


cdef double streaming_growth_rate(double B, double n_cr, double n_ion, double vD_over_vA, double a) noexcept nogil:
    return crp_streaming_growth_rate(B, n_cr, n_ion, vD_over_vA, a)


cdef double pa_growth_rate(double B, double n_cr, double n_ion, double a, double dP_over_P, double vA_over_c) noexcept nogil:
    return crp_pa_growth_rate(B, n_cr, n_ion, a, dP_over_P, vA_over_c)


cdef double pa_threshold(double a, double vA_over_c) noexcept nogil:
    return crp_pa_threshold(a, vA_over_c)


cdef double anisotropy_zeta(double dP_over_P) noexcept nogil:
    return crp_anisotropy_zeta(dP_over_P)


cdef double zeta_threshold(double a, double vA_over_c) noexcept nogil:
    return crp_zeta_threshold(a, vA_over_c)


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
