"""Particle-basics kernels (gyration, rigidity, large-scale drifts) and their array drivers."""

cdef extern from "crplugin/particles.h" nogil:
    double crp_lorentz_factor(double p, double mass)
    double crp_particle_speed(double p, double mass)
    double crp_momentum_from_kinetic_energy(double E_kin, double mass)
    double crp_thermal_speed(double T, double mass)
    double crp_rigidity(double p, double charge_number)
    double crp_gyrofrequency(double B, double gamma_L, double mass, double charge_number)
    double crp_gyroradius(double p, double B, double mu, double charge_number)
    double crp_gradient_drift_speed(double R, double v, double mu, double B, double gradB_perp)
    double crp_curvature_drift_speed(double R, double v, double mu, double B, double curvature)

from crplugin.kernels._map cimport map2, map4, map5

# The closures declared in particles.pxd (the cimport API) run the C functions of
# crplugin/particles.h: one definition for Python, Cython, C, C++ and Fortran.


cdef double lorentz_factor(double p, double mass) noexcept nogil:
    return crp_lorentz_factor(p, mass)


cdef double particle_speed(double p, double mass) noexcept nogil:
    return crp_particle_speed(p, mass)


cdef double momentum_from_kinetic_energy(double E_kin, double mass) noexcept nogil:
    return crp_momentum_from_kinetic_energy(E_kin, mass)


cdef double thermal_speed(double T, double mass) noexcept nogil:
    return crp_thermal_speed(T, mass)


cdef double rigidity(double p, double charge_number) noexcept nogil:
    return crp_rigidity(p, charge_number)


cdef double gyrofrequency(double B, double gamma_L, double mass, double charge_number) noexcept nogil:
    return crp_gyrofrequency(B, gamma_L, mass, charge_number)


cdef double gyroradius(double p, double B, double mu, double charge_number) noexcept nogil:
    return crp_gyroradius(p, B, mu, charge_number)


cdef double gradient_drift_speed(double R, double v, double mu, double B, double gradB_perp) noexcept nogil:
    return crp_gradient_drift_speed(R, v, mu, B, gradB_perp)


cdef double curvature_drift_speed(double R, double v, double mu, double B, double curvature) noexcept nogil:
    return crp_curvature_drift_speed(R, v, mu, B, curvature)


def lorentz_factor_array(const double[::1] p, const double[::1] mass, double[::1] out):
    with nogil:
        map2(lorentz_factor, p, mass, out)


def particle_speed_array(const double[::1] p, const double[::1] mass, double[::1] out):
    with nogil:
        map2(particle_speed, p, mass, out)


def momentum_from_kinetic_energy_array(const double[::1] E_kin, const double[::1] mass,
                                       double[::1] out):
    with nogil:
        map2(momentum_from_kinetic_energy, E_kin, mass, out)


def thermal_speed_array(const double[::1] T, const double[::1] mass, double[::1] out):
    with nogil:
        map2(thermal_speed, T, mass, out)


def rigidity_array(const double[::1] p, const double[::1] charge_number, double[::1] out):
    with nogil:
        map2(rigidity, p, charge_number, out)


def gyrofrequency_array(const double[::1] B, const double[::1] gamma_L, const double[::1] mass,
                        const double[::1] charge_number, double[::1] out):
    with nogil:
        map4(gyrofrequency, B, gamma_L, mass, charge_number, out)


def gyroradius_array(const double[::1] p, const double[::1] B, const double[::1] mu,
                     const double[::1] charge_number, double[::1] out):
    with nogil:
        map4(gyroradius, p, B, mu, charge_number, out)


def gradient_drift_speed_array(const double[::1] R, const double[::1] v, const double[::1] mu,
                               const double[::1] B, const double[::1] gradB_perp, double[::1] out):
    with nogil:
        map5(gradient_drift_speed, R, v, mu, B, gradB_perp, out)


def curvature_drift_speed_array(const double[::1] R, const double[::1] v, const double[::1] mu,
                                const double[::1] B, const double[::1] curvature, double[::1] out):
    with nogil:
        map5(curvature_drift_speed, R, v, mu, B, curvature, out)
