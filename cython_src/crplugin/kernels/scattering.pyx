"""Scattering-rate, diffusion and wave-damping kernels and their array drivers."""
from libc.math cimport fabs, sqrt, HUGE_VAL

from crplugin.kernels.constants cimport CRP_PI, CRP_E_CHARGE, CRP_M_P, CRP_C_LIGHT
from crplugin.kernels._map cimport map2, map3, map4, map5, map6, map7


cdef inline double _growth_prefactor(double B, double n_cr, double n_ion, double C) noexcept nogil:
    # (pi/8) C Omega_0 n_c/n_i of Zweibel (2021) eq 19, Omega_0 = e|B|/(m_p c).
    return (CRP_PI / 8.0) * C * CRP_E_CHARGE * fabs(B) / (CRP_M_P * CRP_C_LIGHT) * n_cr / n_ion


cdef double kappa_from_scattering_rate(double v, double nu) noexcept nogil:
    # Isotropic pitch-angle scattering, exact QLT: kappa_par = v^2 / (3 nu).
    if nu <= 0.0:
        return HUGE_VAL
    return v * v / (3.0 * nu)


cdef double scattering_rate_from_kappa(double v, double kappa) noexcept nogil:
    # Inverse of kappa_par = v^2 / (3 nu).
    if kappa <= 0.0:
        return HUGE_VAL
    return v * v / (3.0 * kappa)


cdef double scattering_mean_free_path(double v, double nu) noexcept nogil:
    # lambda = v / nu.
    if nu <= 0.0:
        return HUGE_VAL
    return v / nu


cdef double drift_kappa(double v_A, double L, double drift_excess) noexcept nogil:
    # Zweibel (2021) eq 52 as an equality: v_D - v_A = kappa / L  ->  kappa_d = v_A L (v_D/v_A - 1).
    return v_A * L * drift_excess


cdef double drift_scattering_rate(double v, double v_A, double L, double drift_excess) noexcept nogil:
    # nu_d = v^2 / (3 kappa_d) (eq 52 with the exact QLT factor 1/3).
    return scattering_rate_from_kappa(v, drift_kappa(v_A, L, drift_excess))


cdef double pa_anisotropy_factor(double dP_over_P, double vA_over_c) noexcept nogil:
    # Bracket of Zweibel (2021) eqs 54-57: X = (c/v_A) Delta P_c/P_c - 1.
    if vA_over_c <= 0.0:
        return HUGE_VAL if dP_over_P != 0.0 else -1.0
    return dP_over_P / vA_over_c - 1.0


cdef double pa_scattering_rate(double v_A, double tau_B, double anisotropy_factor) noexcept nogil:
    # Zweibel (2021) eq 57: nu X = 2c / (45 v_A tau_B).
    cdef double d = 45.0 * v_A * tau_B * anisotropy_factor
    if d <= 0.0:
        return HUGE_VAL
    return 2.0 * CRP_C_LIGHT / d


cdef double pa_kappa(double v_A, double tau_B, double anisotropy_factor) noexcept nogil:
    # c^2 / (3 nu_pa) = (15/2) c v_A tau_B X (eq 54 corrected: factor 45/2 and QLT 1/3).
    return 7.5 * CRP_C_LIGHT * v_A * tau_B * anisotropy_factor


cdef double pa_mean_free_path(double v_A, double tau_B, double anisotropy_factor) noexcept nogil:
    # c / nu_pa = (45/2) v_A tau_B X (eq 55 corrected).
    return 22.5 * v_A * tau_B * anisotropy_factor


cdef double pa_scattering_rate_nld(double B, double tau_B, double n_cr, double n_ion,
                                   double v_ion, double v_A) noexcept nogil:
    # Zweibel (2021) eq 60: nu = [Omega_0/tau_B (n_c/n_i) c^2/(v_i v_A)]^(1/2).
    cdef double omega0 = CRP_E_CHARGE * fabs(B) / (CRP_M_P * CRP_C_LIGHT)
    cdef double d = tau_B * n_ion * v_ion * v_A
    if d <= 0.0:
        return HUGE_VAL if omega0 * n_cr > 0.0 else 0.0
    return sqrt(omega0 * n_cr * CRP_C_LIGHT * CRP_C_LIGHT / d)


cdef double ion_neutral_damping_rate(double n_n, double sigma_v_in) noexcept nogil:
    # Kulsrud & Pearce (1969), weak-coupling limit k v_A >> nu_in: Gamma_in = nu_in/2 = n_n <sigma v>_in / 2.
    return 0.5 * n_n * sigma_v_in


cdef double nonlinear_landau_damping_rate(double nu, double v_ion) noexcept nogil:
    # Zweibel (2021) eq 58 (Lee & Voelk 1973; Kulsrud 1978): Gamma_nld ~ nu v_i / c.
    return nu * v_ion / CRP_C_LIGHT


cdef double turbulent_damping_rate(double v_A, double r_L, double L_MHD) noexcept nogil:
    # Farmer & Goldreich (2004), as used by Wiener, Oh & Guo (2013): Gamma = v_A / sqrt(r_L L_MHD).
    cdef double d = r_L * L_MHD
    if d <= 0.0:
        return HUGE_VAL if v_A > 0.0 else 0.0
    return v_A / sqrt(d)


cdef double self_confined_drift_excess(double Gamma_damp, double B, double n_cr, double n_ion,
                                       double C) noexcept nogil:
    # Growth (eq 19) = damping  ->  v_D/v_A - 1 = Gamma_damp / [(pi/8) C Omega_0 n_c/n_i].
    cdef double pre = _growth_prefactor(B, n_cr, n_ion, C)
    if pre <= 0.0:
        return HUGE_VAL if Gamma_damp > 0.0 else 0.0
    return Gamma_damp / pre


cdef double self_confined_drift_speed(double v_A, double Gamma_damp, double B, double n_cr,
                                      double n_ion, double C) noexcept nogil:
    # v_D = v_A (1 + Gamma_damp / [(pi/8) C Omega_0 n_c/n_i]).
    if v_A == 0.0:
        return 0.0
    return v_A * (1.0 + self_confined_drift_excess(Gamma_damp, B, n_cr, n_ion, C))


cdef double self_confined_kappa(double v_A, double L, double Gamma_damp, double B, double n_cr,
                                double n_ion, double C) noexcept nogil:
    # kappa_eff = L (v_D - v_A) = v_A L (v_D/v_A - 1) with the balance excess.
    if v_A == 0.0 or L == 0.0:
        return 0.0
    return v_A * L * self_confined_drift_excess(Gamma_damp, B, n_cr, n_ion, C)


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
