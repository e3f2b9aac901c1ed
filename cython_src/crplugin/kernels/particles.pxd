# Single-particle basics for cosmic rays: pointwise closures (cgs, Gaussian units, R = pc/q).
# Documentation: crplugin/closures/particles.py and docs/closures.md.

cdef double lorentz_factor(double p, double mass) noexcept nogil
cdef double particle_speed(double p, double mass) noexcept nogil
cdef double momentum_from_kinetic_energy(double E_kin, double mass) noexcept nogil
cdef double thermal_speed(double T, double mass) noexcept nogil
cdef double rigidity(double p, double charge_number) noexcept nogil
cdef double gyrofrequency(double B, double gamma_L, double mass, double charge_number) noexcept nogil
cdef double gyroradius(double p, double B, double mu, double charge_number) noexcept nogil
cdef double gradient_drift_speed(double R, double v, double mu, double B, double gradB_perp) noexcept nogil
cdef double curvature_drift_speed(double R, double v, double mu, double B, double curvature) noexcept nogil
