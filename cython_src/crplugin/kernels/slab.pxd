# Quasilinear transport of cosmic rays in slab Alfven turbulence with cross
# helicity H_c (Schlickeiser et al. 2019): pointwise closures (cgs, Gaussian B).
# Equations, corrections and regimes: crplugin/closures/slab.py, docs/closures.md.

cdef double slab_maximum_momentum(double B0, double lambda_max, double Q) noexcept nogil
cdef double slab_k_ratio(double lambda_max, double n_i) noexcept nogil
cdef double slab_D0(double v, double p_over_pm, double s, double turbulence_level, double lambda_max, double k_ratio) noexcept nogil
cdef double slab_D_mumu(double mu, double D0, double v_A, double v, double H_c, double s) noexcept nogil
cdef double slab_D_mup(double mu, double p, double D0, double v_A, double v, double H_c, double s) noexcept nogil
cdef double slab_D_pp(double mu, double p, double D0, double v_A, double v, double H_c, double s) noexcept nogil
cdef double slab_K0(double D0, double s) noexcept nogil
cdef double slab_H0(double p, double v_A, double v, double H_c) noexcept nogil
cdef double slab_kappa_zz(double v, double p_over_pm, double s, double turbulence_level, double lambda_max, double k_ratio) noexcept nogil
cdef double slab_kappa_pp(double p, double v_A, double kappa_zz, double H_c, double s) noexcept nogil
cdef double slab_delta_s(double kappa_zz, double v, double s, double dlnF_dz) noexcept nogil
cdef double slab_delta_c(double v_A, double v, double H_c, double dlnF_dlnp) noexcept nogil
cdef double slab_g_s(double mu, double kappa_zz, double v, double s, double dlnF_dz) noexcept nogil
cdef double slab_g_c(double mu, double v_A, double v, double H_c, double dlnF_dlnp) noexcept nogil
