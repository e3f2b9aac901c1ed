"""Alfvenic coupling kernels: pointwise closures and their array drivers."""
from libc.math cimport sqrt, fabs, tanh

from crplugin.kernels.constants cimport CRP_PI, CRP_M_P, CRP_K_B
from crplugin.kernels._map cimport map2, map3, map7


cdef double alfven_speed(double B, double rho_ion) noexcept nogil:
    # v_A = |B| / sqrt(4 pi rho_i)  [cm s^-1]; zero field gives zero speed.
    if B == 0.0:
        return 0.0
    return fabs(B) / sqrt(4.0 * CRP_PI * rho_ion)


cdef double gas_density(double P_g, double T, double mu) noexcept nogil:
    # Ideal gas: rho = mu m_p P_g / (k_B T)  [g cm^-3].
    return mu * CRP_M_P * P_g / (CRP_K_B * T)


cdef double ion_mass_density(double rho, double ion_mass_fraction) noexcept nogil:
    # rho_i = x_i rho, x_i = ion mass fraction (1 for a fully ionised gas).
    return ion_mass_fraction * rho


cdef double streaming_velocity(double v_A, double grad_par_Pc, double grad_scale) noexcept nogil:
    # v_st = -v_A tanh(b.grad P_c / g_0): the smooth form of -v_A sign(b.grad P_c).
    # g_0 <= 0 gives the sharp sign function, with sign(0) = 0.
    if grad_scale > 0.0:
        return -v_A * tanh(grad_par_Pc / grad_scale)
    if grad_par_Pc > 0.0:
        return -v_A
    if grad_par_Pc < 0.0:
        return v_A
    return 0.0


cdef double cr_convection_speed(double H_c, double v_A) noexcept nogil:
    # Schlickeiser (2019) eq 34: CRs are convected at H_c V_A along B.
    return H_c * v_A


cdef double magnetoacoustic_speed(double P_g, double P_c, double P_m, double rho,
                                  double gamma_g, double gamma_c, double gamma_m) noexcept nogil:
    # Zweibel (2021) eq 1: C_ma = sqrt((gamma_g P_g + gamma_c P_c + gamma_m P_m) / rho).
    cdef double s = gamma_g * P_g + gamma_c * P_c + gamma_m * P_m
    if s <= 0.0:
        return 0.0
    return sqrt(s / rho)


def alfven_speed_array(const double[::1] B, const double[::1] rho_ion, double[::1] out):
    with nogil:
        map2(alfven_speed, B, rho_ion, out)


def gas_density_array(const double[::1] P_g, const double[::1] T, const double[::1] mu,
                      double[::1] out):
    with nogil:
        map3(gas_density, P_g, T, mu, out)


def ion_mass_density_array(const double[::1] rho, const double[::1] ion_mass_fraction,
                           double[::1] out):
    with nogil:
        map2(ion_mass_density, rho, ion_mass_fraction, out)


def streaming_velocity_array(const double[::1] v_A, const double[::1] grad_par_Pc,
                             const double[::1] grad_scale, double[::1] out):
    with nogil:
        map3(streaming_velocity, v_A, grad_par_Pc, grad_scale, out)


def cr_convection_speed_array(const double[::1] H_c, const double[::1] v_A, double[::1] out):
    with nogil:
        map2(cr_convection_speed, H_c, v_A, out)


def magnetoacoustic_speed_array(const double[::1] P_g, const double[::1] P_c,
                                const double[::1] P_m, const double[::1] rho,
                                const double[::1] gamma_g, const double[::1] gamma_c,
                                const double[::1] gamma_m, double[::1] out):
    with nogil:
        map7(magnetoacoustic_speed, P_g, P_c, P_m, rho, gamma_g, gamma_c, gamma_m, out)
