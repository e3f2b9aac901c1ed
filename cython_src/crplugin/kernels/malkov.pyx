"""Goldreich-Sridhar Alfvenic pitch-angle scattering kernels (Malkov et al. 2010)."""

cdef extern from "crplugin/malkov.h" nogil:
    double crp_malkov_S(double y, double mu)
    double crp_malkov_D_mumu(double mu, double v, double l, double eps)
    double crp_malkov_D_mumu_asymptotic(double mu, double v, double l, double eps)
    double crp_malkov_D_mumu_correlation(double mu, double v, double l, double eps, double delta)
    double crp_malkov_D_mumu_peak(double mu, double v, double l, double eps)
    double crp_malkov_scattering_frequency(double v, double l, double eps, double delta)
    double crp_malkov_beam_width(double eps)

from crplugin.kernels._map cimport map1, map2, map4, map5

# The closures declared in malkov.pxd (the cimport API) run the C functions of
# crplugin/malkov.h: one definition for Python, Cython, C, C++ and Fortran.


cdef double malkov_S(double y, double mu) noexcept nogil:
    return crp_malkov_S(y, mu)


cdef double malkov_D_mumu(double mu, double v, double l, double eps) noexcept nogil:
    return crp_malkov_D_mumu(mu, v, l, eps)


cdef double malkov_D_mumu_asymptotic(double mu, double v, double l, double eps) noexcept nogil:
    return crp_malkov_D_mumu_asymptotic(mu, v, l, eps)


cdef double malkov_D_mumu_correlation(double mu, double v, double l, double eps, double delta) noexcept nogil:
    return crp_malkov_D_mumu_correlation(mu, v, l, eps, delta)


cdef double malkov_D_mumu_peak(double mu, double v, double l, double eps) noexcept nogil:
    return crp_malkov_D_mumu_peak(mu, v, l, eps)


cdef double malkov_scattering_frequency(double v, double l, double eps, double delta) noexcept nogil:
    return crp_malkov_scattering_frequency(v, l, eps, delta)


cdef double malkov_beam_width(double eps) noexcept nogil:
    return crp_malkov_beam_width(eps)


def malkov_S_array(const double[::1] y, const double[::1] mu, double[::1] out):
    with nogil:
        map2(malkov_S, y, mu, out)


def malkov_D_mumu_array(const double[::1] mu, const double[::1] v, const double[::1] l,
                        const double[::1] eps, double[::1] out):
    with nogil:
        map4(malkov_D_mumu, mu, v, l, eps, out)


def malkov_D_mumu_asymptotic_array(const double[::1] mu, const double[::1] v, const double[::1] l,
                                   const double[::1] eps, double[::1] out):
    with nogil:
        map4(malkov_D_mumu_asymptotic, mu, v, l, eps, out)


def malkov_D_mumu_correlation_array(const double[::1] mu, const double[::1] v, const double[::1] l,
                                    const double[::1] eps, const double[::1] delta, double[::1] out):
    with nogil:
        map5(malkov_D_mumu_correlation, mu, v, l, eps, delta, out)


def malkov_D_mumu_peak_array(const double[::1] mu, const double[::1] v, const double[::1] l,
                             const double[::1] eps, double[::1] out):
    with nogil:
        map4(malkov_D_mumu_peak, mu, v, l, eps, out)


def malkov_scattering_frequency_array(const double[::1] v, const double[::1] l, const double[::1] eps,
                                      const double[::1] delta, double[::1] out):
    with nogil:
        map4(malkov_scattering_frequency, v, l, eps, delta, out)


def malkov_beam_width_array(const double[::1] eps, double[::1] out):
    with nogil:
        map1(malkov_beam_width, eps, out)
