"""Alfvenic coupling kernels: pointwise closures and their array drivers."""
from libc.math cimport sqrt, fabs

from crplugin.kernels.constants cimport CRP_PI
from crplugin.kernels._map cimport map2


cdef double alfven_speed(double B, double rho_ion) noexcept nogil:
    # v_A = |B| / sqrt(4 pi rho_i)  [cm s^-1]; zero field gives zero speed.
    if B == 0.0:
        return 0.0
    return fabs(B) / sqrt(4.0 * CRP_PI * rho_ion)


def alfven_speed_array(const double[::1] B, const double[::1] rho_ion, double[::1] out):
    with nogil:
        map2(alfven_speed, B, rho_ion, out)
