# Pitch-angle scattering rates, spatial diffusion and wave damping: pointwise closures (cgs).
# Documentation: crplugin/closures/scattering.py and docs/closures.md.

cdef double kappa_from_scattering_rate(double v, double nu) noexcept nogil
cdef double scattering_rate_from_kappa(double v, double kappa) noexcept nogil
cdef double scattering_mean_free_path(double v, double nu) noexcept nogil
cdef double drift_kappa(double v_A, double L, double drift_excess) noexcept nogil
cdef double drift_scattering_rate(double v, double v_A, double L, double drift_excess) noexcept nogil
cdef double pa_anisotropy_factor(double dP_over_P, double vA_over_c) noexcept nogil
cdef double pa_scattering_rate(double v_A, double tau_B, double anisotropy_factor) noexcept nogil
cdef double pa_kappa(double v_A, double tau_B, double anisotropy_factor) noexcept nogil
cdef double pa_mean_free_path(double v_A, double tau_B, double anisotropy_factor) noexcept nogil
cdef double pa_scattering_rate_nld(double B, double tau_B, double n_cr, double n_ion, double v_ion, double v_A) noexcept nogil
cdef double ion_neutral_damping_rate(double n_n, double sigma_v_in) noexcept nogil
cdef double nonlinear_landau_damping_rate(double nu, double v_ion) noexcept nogil
cdef double turbulent_damping_rate(double v_A, double r_L, double L_MHD) noexcept nogil
cdef double self_confined_drift_excess(double Gamma_damp, double B, double n_cr, double n_ion, double C) noexcept nogil
cdef double self_confined_drift_speed(double v_A, double Gamma_damp, double B, double n_cr, double n_ion, double C) noexcept nogil
cdef double self_confined_kappa(double v_A, double L, double Gamma_damp, double B, double n_cr, double n_ion, double C) noexcept nogil
