"""Scattering-rate, diffusion and wave-damping kernels and their array drivers."""

cdef extern from "crplugin/scattering.h" nogil:
    double crp_kappa_from_scattering_rate(double v, double nu)
    double crp_scattering_rate_from_kappa(double v, double kappa)
    double crp_scattering_mean_free_path(double v, double nu)
    double crp_drift_kappa(double v_A, double L, double drift_excess)
    double crp_drift_scattering_rate(double v, double v_A, double L, double drift_excess)
    double crp_pa_anisotropy_factor(double dP_over_P, double vA_over_c)
    double crp_pa_scattering_rate(double v_A, double tau_B, double anisotropy_factor)
    double crp_pa_kappa(double v_A, double tau_B, double anisotropy_factor)
    double crp_pa_mean_free_path(double v_A, double tau_B, double anisotropy_factor)
    double crp_pa_scattering_rate_nld(double B, double tau_B, double n_cr, double n_ion, double v_ion, double v_A)
    double crp_ion_neutral_damping_rate(double n_n, double sigma_v_in)
    double crp_nonlinear_landau_damping_rate(double nu, double v_ion)
    double crp_turbulent_damping_rate(double v_A, double r_L, double L_MHD)
    double crp_self_confined_drift_excess(double Gamma_damp, double B, double n_cr, double n_ion, double C)
    double crp_self_confined_drift_speed(double v_A, double Gamma_damp, double B, double n_cr, double n_ion, double C)
    double crp_self_confined_kappa(double v_A, double L, double Gamma_damp, double B, double n_cr, double n_ion, double C)

from crplugin.kernels._map cimport map2, map3, map4, map5, map6, map7

# The closures declared in scattering.pxd (the cimport API) run the C functions of
# crplugin/scattering.h: one definition for Python, Cython, C, C++ and Fortran.


cdef double kappa_from_scattering_rate(double v, double nu) noexcept nogil:
    return crp_kappa_from_scattering_rate(v, nu)


cdef double scattering_rate_from_kappa(double v, double kappa) noexcept nogil:
    return crp_scattering_rate_from_kappa(v, kappa)


cdef double scattering_mean_free_path(double v, double nu) noexcept nogil:
    return crp_scattering_mean_free_path(v, nu)


cdef double drift_kappa(double v_A, double L, double drift_excess) noexcept nogil:
    return crp_drift_kappa(v_A, L, drift_excess)


cdef double drift_scattering_rate(double v, double v_A, double L, double drift_excess) noexcept nogil:
    return crp_drift_scattering_rate(v, v_A, L, drift_excess)


cdef double pa_anisotropy_factor(double dP_over_P, double vA_over_c) noexcept nogil:
    return crp_pa_anisotropy_factor(dP_over_P, vA_over_c)


cdef double pa_scattering_rate(double v_A, double tau_B, double anisotropy_factor) noexcept nogil:
    return crp_pa_scattering_rate(v_A, tau_B, anisotropy_factor)


cdef double pa_kappa(double v_A, double tau_B, double anisotropy_factor) noexcept nogil:
    return crp_pa_kappa(v_A, tau_B, anisotropy_factor)


cdef double pa_mean_free_path(double v_A, double tau_B, double anisotropy_factor) noexcept nogil:
    return crp_pa_mean_free_path(v_A, tau_B, anisotropy_factor)


cdef double pa_scattering_rate_nld(double B, double tau_B, double n_cr, double n_ion, double v_ion, double v_A) noexcept nogil:
    return crp_pa_scattering_rate_nld(B, tau_B, n_cr, n_ion, v_ion, v_A)


cdef double ion_neutral_damping_rate(double n_n, double sigma_v_in) noexcept nogil:
    return crp_ion_neutral_damping_rate(n_n, sigma_v_in)


cdef double nonlinear_landau_damping_rate(double nu, double v_ion) noexcept nogil:
    return crp_nonlinear_landau_damping_rate(nu, v_ion)


cdef double turbulent_damping_rate(double v_A, double r_L, double L_MHD) noexcept nogil:
    return crp_turbulent_damping_rate(v_A, r_L, L_MHD)


cdef double self_confined_drift_excess(double Gamma_damp, double B, double n_cr, double n_ion, double C) noexcept nogil:
    return crp_self_confined_drift_excess(Gamma_damp, B, n_cr, n_ion, C)


cdef double self_confined_drift_speed(double v_A, double Gamma_damp, double B, double n_cr, double n_ion, double C) noexcept nogil:
    return crp_self_confined_drift_speed(v_A, Gamma_damp, B, n_cr, n_ion, C)


cdef double self_confined_kappa(double v_A, double L, double Gamma_damp, double B, double n_cr, double n_ion, double C) noexcept nogil:
    return crp_self_confined_kappa(v_A, L, Gamma_damp, B, n_cr, n_ion, C)


def kappa_from_scattering_rate_array(const double[::1] v, const double[::1] nu, double[::1] out):
    with nogil:
        map2(kappa_from_scattering_rate, v, nu, out)


def scattering_rate_from_kappa_array(const double[::1] v, const double[::1] kappa, double[::1] out):
    with nogil:
        map2(scattering_rate_from_kappa, v, kappa, out)


def scattering_mean_free_path_array(const double[::1] v, const double[::1] nu, double[::1] out):
    with nogil:
        map2(scattering_mean_free_path, v, nu, out)


def drift_kappa_array(const double[::1] v_A, const double[::1] L,
                      const double[::1] drift_excess, double[::1] out):
    with nogil:
        map3(drift_kappa, v_A, L, drift_excess, out)


def drift_scattering_rate_array(const double[::1] v, const double[::1] v_A, const double[::1] L,
                                const double[::1] drift_excess, double[::1] out):
    with nogil:
        map4(drift_scattering_rate, v, v_A, L, drift_excess, out)


def pa_anisotropy_factor_array(const double[::1] dP_over_P, const double[::1] vA_over_c,
                               double[::1] out):
    with nogil:
        map2(pa_anisotropy_factor, dP_over_P, vA_over_c, out)


def pa_scattering_rate_array(const double[::1] v_A, const double[::1] tau_B,
                             const double[::1] anisotropy_factor, double[::1] out):
    with nogil:
        map3(pa_scattering_rate, v_A, tau_B, anisotropy_factor, out)


def pa_kappa_array(const double[::1] v_A, const double[::1] tau_B,
                   const double[::1] anisotropy_factor, double[::1] out):
    with nogil:
        map3(pa_kappa, v_A, tau_B, anisotropy_factor, out)


def pa_mean_free_path_array(const double[::1] v_A, const double[::1] tau_B,
                            const double[::1] anisotropy_factor, double[::1] out):
    with nogil:
        map3(pa_mean_free_path, v_A, tau_B, anisotropy_factor, out)


def pa_scattering_rate_nld_array(const double[::1] B, const double[::1] tau_B,
                                 const double[::1] n_cr, const double[::1] n_ion,
                                 const double[::1] v_ion, const double[::1] v_A, double[::1] out):
    with nogil:
        map6(pa_scattering_rate_nld, B, tau_B, n_cr, n_ion, v_ion, v_A, out)


def ion_neutral_damping_rate_array(const double[::1] n_n, const double[::1] sigma_v_in,
                                   double[::1] out):
    with nogil:
        map2(ion_neutral_damping_rate, n_n, sigma_v_in, out)


def nonlinear_landau_damping_rate_array(const double[::1] nu, const double[::1] v_ion,
                                        double[::1] out):
    with nogil:
        map2(nonlinear_landau_damping_rate, nu, v_ion, out)


def turbulent_damping_rate_array(const double[::1] v_A, const double[::1] r_L,
                                 const double[::1] L_MHD, double[::1] out):
    with nogil:
        map3(turbulent_damping_rate, v_A, r_L, L_MHD, out)


def self_confined_drift_excess_array(const double[::1] Gamma_damp, const double[::1] B,
                                     const double[::1] n_cr, const double[::1] n_ion,
                                     const double[::1] C, double[::1] out):
    with nogil:
        map5(self_confined_drift_excess, Gamma_damp, B, n_cr, n_ion, C, out)


def self_confined_drift_speed_array(const double[::1] v_A, const double[::1] Gamma_damp,
                                    const double[::1] B, const double[::1] n_cr,
                                    const double[::1] n_ion, const double[::1] C, double[::1] out):
    with nogil:
        map6(self_confined_drift_speed, v_A, Gamma_damp, B, n_cr, n_ion, C, out)


def self_confined_kappa_array(const double[::1] v_A, const double[::1] L,
                              const double[::1] Gamma_damp, const double[::1] B,
                              const double[::1] n_cr, const double[::1] n_ion,
                              const double[::1] C, double[::1] out):
    with nogil:
        map7(self_confined_kappa, v_A, L, Gamma_damp, B, n_cr, n_ion, C, out)
