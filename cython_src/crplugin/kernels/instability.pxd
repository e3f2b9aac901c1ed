# CR-driven instabilities of parallel Alfven waves (Zweibel 2021, section 3): pointwise closures (cgs).
# Documentation: crplugin/closures/instability.py and docs/closures.md.

cdef double spectrum_constant(double a) noexcept nogil
cdef double streaming_growth_rate(double B, double n_cr, double n_ion, double vD_over_vA, double a) noexcept nogil
cdef double pa_growth_rate(double B, double n_cr, double n_ion, double a, double dP_over_P, double vA_over_c) noexcept nogil
cdef double pa_threshold(double a, double vA_over_c) noexcept nogil
cdef double anisotropy_zeta(double dP_over_P) noexcept nogil
cdef double zeta_threshold(double a, double vA_over_c) noexcept nogil
