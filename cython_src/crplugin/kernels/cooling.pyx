"""Optically thin radiative cooling with a constant heating term.

``cie_cooling_function(T)`` is a piecewise power law through the solar-metallicity
collisional-ionisation-equilibrium curve of Sutherland & Dopita (1993), tabulated
coarsely (about 0.1 dex, in crplugin/cooling.h) in log T = 4.0 ... 8.5 and extended
as bremsstrahlung (T^1/2) above; below 10^4 K it is zero.  Runs normalise it so that heating balances
cooling at the halo temperature, so only its shape matters.
"""

cdef extern from "crplugin/cooling.h" nogil:
    double crp_cie_cooling_function(double T)
    double crp_net_heating_rate(double n_H, double T, double heating_per_H, double lambda_norm, double T_floor)

from libc.math cimport fabs, fmin
from crplugin.kernels._map cimport map1

# The closures declared in cooling.pxd (the cimport API) run the C functions of
# crplugin/cooling.h: one definition for Python, Cython, C, C++ and Fortran.


cdef double cie_cooling_function(double T) noexcept nogil:
    return crp_cie_cooling_function(T)


cdef double net_heating_rate(double n_H, double T, double heating_per_H, double lambda_norm, double T_floor) noexcept nogil:
    return crp_net_heating_rate(n_H, T, heating_per_H, lambda_norm, T_floor)


def cie_cooling_function_array(const double[::1] T, double[::1] out):
    with nogil:
        map1(cie_cooling_function, T, out)


def apply_cooling(double[:, :, ::1] e_int, const double[:, :, ::1] rho, double dt,
                  double rho_to_nH, double e_to_T, double rate_to_code,
                  double heating_per_H, double lambda_norm, double T_floor,
                  double max_change=0.1, double[:, :, ::1] rate_out=None):
    """Advance the internal energy density ``e_int`` (code units) by heating and
    cooling over ``dt``, sub-cycling each cell so that ``e_int`` changes by at
    most ``max_change`` of itself per sub-step.  ``rho_to_nH`` turns code density
    into n_H [cm^-3]; ``e_to_T`` turns e_int/rho (code) into T [K];
    ``rate_to_code`` turns erg cm^-3 s^-1 into code units.  Returns the number of
    sub-steps taken by the worst cell.  The mean net rate over dt is written into
    ``rate_out`` when given.
    """
    cdef Py_ssize_t i, j, k
    cdef double e, e0, t_left, h, rate, n_H, T, T_floor_e
    cdef int nsub, worst = 0
    cdef bint want_rate = rate_out is not None
    with nogil:
        for k in range(e_int.shape[0]):
            for j in range(e_int.shape[1]):
                for i in range(e_int.shape[2]):
                    e = e_int[k, j, i]
                    e0 = e
                    n_H = rho[k, j, i] * rho_to_nH
                    T_floor_e = T_floor / e_to_T * rho[k, j, i]
                    t_left = dt
                    nsub = 0
                    while t_left > 0.0 and nsub < 100000:
                        T = e_to_T * e / rho[k, j, i]
                        rate = rate_to_code * net_heating_rate(n_H, T, heating_per_H, lambda_norm, T_floor)
                        h = t_left
                        if rate != 0.0:
                            h = fmin(t_left, max_change * e / fabs(rate))
                        e = e + h * rate
                        if e < T_floor_e and rate < 0.0:
                            e = T_floor_e  # cooling stops at the floor temperature
                        t_left = t_left - h
                        nsub = nsub + 1
                    e_int[k, j, i] = e
                    if want_rate:
                        rate_out[k, j, i] = (e - e0) / dt
                    if nsub > worst:
                        worst = nsub
    return worst
