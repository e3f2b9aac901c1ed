"""Slab Alfven-wave transport kernels (Schlickeiser et al. 2019): pointwise closures and array drivers.

All quantities cgs.  ``s`` is the spectral index of the wave intensity
I(k) ~ k^-s (1 <= s < 2), ``turbulence_level`` is (dB/B0)^2, ``H_c`` the cross
helicity (+1: only forward waves), ``eps = V_A / v``.
"""

cdef extern from "crplugin/slab.h" nogil:
    double crp_slab_maximum_momentum(double B0, double lambda_max, double Q)
    double crp_slab_k_ratio(double lambda_max, double n_i)
    double crp_slab_D0(double v, double p_over_pm, double s, double turbulence_level, double lambda_max, double k_ratio)
    double crp_slab_D_mumu(double mu, double D0, double v_A, double v, double H_c, double s)
    double crp_slab_D_mup(double mu, double p, double D0, double v_A, double v, double H_c, double s)
    double crp_slab_D_pp(double mu, double p, double D0, double v_A, double v, double H_c, double s)
    double crp_slab_K0(double D0, double s)
    double crp_slab_H0(double p, double v_A, double v, double H_c)
    double crp_slab_kappa_zz(double v, double p_over_pm, double s, double turbulence_level, double lambda_max, double k_ratio)
    double crp_slab_kappa_pp(double p, double v_A, double kappa_zz, double H_c, double s)
    double crp_slab_delta_s(double kappa_zz, double v, double s, double dlnF_dz)
    double crp_slab_delta_c(double v_A, double v, double H_c, double dlnF_dlnp)
    double crp_slab_g_s(double mu, double kappa_zz, double v, double s, double dlnF_dz)
    double crp_slab_g_c(double mu, double v_A, double v, double H_c, double dlnF_dlnp)

from crplugin.kernels._map cimport map2, map3, map4, map5, map6, map7

# The closures declared in slab.pxd (the cimport API) run the C functions of
# crplugin/slab.h: one definition for Python, Cython, C, C++ and Fortran.


cdef double slab_maximum_momentum(double B0, double lambda_max, double Q) noexcept nogil:
    return crp_slab_maximum_momentum(B0, lambda_max, Q)


cdef double slab_k_ratio(double lambda_max, double n_i) noexcept nogil:
    return crp_slab_k_ratio(lambda_max, n_i)


cdef double slab_D0(double v, double p_over_pm, double s, double turbulence_level, double lambda_max, double k_ratio) noexcept nogil:
    return crp_slab_D0(v, p_over_pm, s, turbulence_level, lambda_max, k_ratio)


cdef double slab_D_mumu(double mu, double D0, double v_A, double v, double H_c, double s) noexcept nogil:
    return crp_slab_D_mumu(mu, D0, v_A, v, H_c, s)


cdef double slab_D_mup(double mu, double p, double D0, double v_A, double v, double H_c, double s) noexcept nogil:
    return crp_slab_D_mup(mu, p, D0, v_A, v, H_c, s)


cdef double slab_D_pp(double mu, double p, double D0, double v_A, double v, double H_c, double s) noexcept nogil:
    return crp_slab_D_pp(mu, p, D0, v_A, v, H_c, s)


cdef double slab_K0(double D0, double s) noexcept nogil:
    return crp_slab_K0(D0, s)


cdef double slab_H0(double p, double v_A, double v, double H_c) noexcept nogil:
    return crp_slab_H0(p, v_A, v, H_c)


cdef double slab_kappa_zz(double v, double p_over_pm, double s, double turbulence_level, double lambda_max, double k_ratio) noexcept nogil:
    return crp_slab_kappa_zz(v, p_over_pm, s, turbulence_level, lambda_max, k_ratio)


cdef double slab_kappa_pp(double p, double v_A, double kappa_zz, double H_c, double s) noexcept nogil:
    return crp_slab_kappa_pp(p, v_A, kappa_zz, H_c, s)


cdef double slab_delta_s(double kappa_zz, double v, double s, double dlnF_dz) noexcept nogil:
    return crp_slab_delta_s(kappa_zz, v, s, dlnF_dz)


cdef double slab_delta_c(double v_A, double v, double H_c, double dlnF_dlnp) noexcept nogil:
    return crp_slab_delta_c(v_A, v, H_c, dlnF_dlnp)


cdef double slab_g_s(double mu, double kappa_zz, double v, double s, double dlnF_dz) noexcept nogil:
    return crp_slab_g_s(mu, kappa_zz, v, s, dlnF_dz)


cdef double slab_g_c(double mu, double v_A, double v, double H_c, double dlnF_dlnp) noexcept nogil:
    return crp_slab_g_c(mu, v_A, v, H_c, dlnF_dlnp)


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
