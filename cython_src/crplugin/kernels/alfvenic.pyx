"""Alfvenic coupling kernels: pointwise closures and their array drivers."""

cdef extern from "crplugin/alfvenic.h" nogil:
    double crp_alfven_speed(double B, double rho_ion)
    double crp_gas_density(double P_g, double T, double mu)
    double crp_ion_mass_density(double rho, double ion_mass_fraction)
    double crp_streaming_velocity(double v_A, double grad_par_Pc, double grad_scale)
    double crp_cr_convection_speed(double H_c, double v_A)
    double crp_magnetoacoustic_speed(double P_g, double P_c, double P_m, double rho, double gamma_g, double gamma_c, double gamma_m)

from crplugin.kernels._map cimport map2, map3, map7

# The closures declared in alfvenic.pxd (the cimport API) run the C functions of
# crplugin/alfvenic.h: one definition for Python, Cython, C, C++ and Fortran.


cdef double alfven_speed(double B, double rho_ion) noexcept nogil:
    return crp_alfven_speed(B, rho_ion)


cdef double gas_density(double P_g, double T, double mu) noexcept nogil:
    return crp_gas_density(P_g, T, mu)


cdef double ion_mass_density(double rho, double ion_mass_fraction) noexcept nogil:
    return crp_ion_mass_density(rho, ion_mass_fraction)


cdef double streaming_velocity(double v_A, double grad_par_Pc, double grad_scale) noexcept nogil:
    return crp_streaming_velocity(v_A, grad_par_Pc, grad_scale)


cdef double cr_convection_speed(double H_c, double v_A) noexcept nogil:
    return crp_cr_convection_speed(H_c, v_A)


cdef double magnetoacoustic_speed(double P_g, double P_c, double P_m, double rho, double gamma_g, double gamma_c, double gamma_m) noexcept nogil:
    return crp_magnetoacoustic_speed(P_g, P_c, P_m, rho, gamma_g, gamma_c, gamma_m)


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
