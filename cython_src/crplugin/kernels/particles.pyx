"""Particle-basics kernels (gyration, rigidity, large-scale drifts) and their array drivers."""
from libc.math cimport fabs, sqrt, HUGE_VAL

from crplugin.kernels.constants cimport CRP_C_LIGHT, CRP_E_CHARGE, CRP_K_B
from crplugin.kernels._map cimport map2, map4, map5


cdef double lorentz_factor(double p, double mass) noexcept nogil:
    # gamma = sqrt(1 + (p / m c)^2).
    cdef double x = p / (mass * CRP_C_LIGHT)
    return sqrt(1.0 + x * x)


cdef double particle_speed(double p, double mass) noexcept nogil:
    # v = p c^2 / E = c x / sqrt(1 + x^2), x = p / (m c); massless -> c.
    cdef double x
    if mass == 0.0:
        return CRP_C_LIGHT if p != 0.0 else 0.0
    x = fabs(p) / (mass * CRP_C_LIGHT)
    return CRP_C_LIGHT * x / sqrt(1.0 + x * x)


cdef double momentum_from_kinetic_energy(double E_kin, double mass) noexcept nogil:
    # p c = sqrt(T^2 + 2 T m c^2).
    return sqrt(E_kin * (E_kin + 2.0 * mass * CRP_C_LIGHT * CRP_C_LIGHT)) / CRP_C_LIGHT


cdef double thermal_speed(double T, double mass) noexcept nogil:
    # One-dimensional thermal speed sqrt(k_B T / m).
    return sqrt(CRP_K_B * T / mass)


cdef double rigidity(double p, double charge_number) noexcept nogil:
    # R = p c / (|Z| e)  [statvolt; 1 statV = 299.792458 V].
    return p * CRP_C_LIGHT / (fabs(charge_number) * CRP_E_CHARGE)


cdef double gyrofrequency(double B, double gamma_L, double mass, double charge_number) noexcept nogil:
    # Omega = |Z| e |B| / (gamma m c)  [rad s^-1].
    return fabs(charge_number) * CRP_E_CHARGE * fabs(B) / (gamma_L * mass * CRP_C_LIGHT)


cdef double gyroradius(double p, double B, double mu, double charge_number) noexcept nogil:
    # r_g = p_perp c / (|Z| e |B|) = R sqrt(1 - mu^2) / |B|; B = 0 -> unbounded orbit.
    cdef double s2 = 1.0 - mu * mu
    if s2 <= 0.0 or p == 0.0:
        return 0.0
    if B == 0.0:
        return HUGE_VAL
    return fabs(p) * CRP_C_LIGHT * sqrt(s2) / (fabs(charge_number) * CRP_E_CHARGE * fabs(B))


cdef double gradient_drift_speed(double R, double v, double mu, double B, double gradB_perp) noexcept nogil:
    # |v_gradB| = R v (1 - mu^2) |b x grad B| / (2 B^2)  (review formula without its spurious 1/c).
    if R == 0.0 or gradB_perp == 0.0 or mu * mu >= 1.0:
        return 0.0
    if B == 0.0:
        return HUGE_VAL
    return fabs(R * v) * (1.0 - mu * mu) * fabs(gradB_perp) / (2.0 * B * B)


cdef double curvature_drift_speed(double R, double v, double mu, double B, double curvature) noexcept nogil:
    # |v_curv| = R v mu^2 |b x kappa| / |B|, kappa = (b.grad) b  (review formula without its 1/c).
    if R == 0.0 or curvature == 0.0 or mu == 0.0:
        return 0.0
    if B == 0.0:
        return HUGE_VAL
    return fabs(R * v) * mu * mu * fabs(curvature) / fabs(B)


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
