# Pitch-angle scattering of cosmic rays by anisotropic (Goldreich-Sridhar)
# Alfvenic turbulence (Malkov et al. 2010): pointwise closures, cgs units.
# eps = r_g / l = v / (l Omega) (gyroradius over outer scale), delta = V_A / v.
# Equations and regimes: crplugin/closures/malkov.py, docs/closures.md.

cdef double malkov_S(double y, double mu) noexcept nogil
cdef double malkov_D_mumu(double mu, double v, double l, double eps) noexcept nogil
cdef double malkov_D_mumu_asymptotic(double mu, double v, double l, double eps) noexcept nogil
cdef double malkov_D_mumu_correlation(double mu, double v, double l, double eps, double delta) noexcept nogil
cdef double malkov_D_mumu_peak(double mu, double v, double l, double eps) noexcept nogil
cdef double malkov_scattering_frequency(double v, double l, double eps, double delta) noexcept nogil
cdef double malkov_beam_width(double eps) noexcept nogil
