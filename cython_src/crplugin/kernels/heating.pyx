"""CR heating and work kernels: pointwise closures and their array drivers."""

cdef extern from "crplugin/heating.h" nogil:
    double crp_streaming_heating(double v_A, double grad_par_Pc)
    double crp_streaming_heating_regularised(double v_A, double grad_par_Pc, double grad_scale)
    double crp_pa_heating(double v_A, double P_c, double dlnB_dt)
    double crp_dlnB_dt(double b_x, double b_y, double b_z, double dvx_dx, double dvx_dy, double dvx_dz, double dvy_dx, double dvy_dy, double dvy_dz, double dvz_dx, double dvz_dy, double dvz_dz)
    double crp_flux_tube_expansion_rate(double P_g, double P_c, double P_m, double dPc_dt, double gamma_g, double gamma_c, double gamma_m)
    double crp_flux_tube_expansion_time(double P_g, double P_c, double P_m, double dPc_dt, double gamma_g, double gamma_c, double gamma_m)
    double crp_cr_work_rate(double P_c, double tau_B)
    double crp_pa_heating_flux_tube(double v_A, double P_g, double P_c, double P_m, double dPc_dt, double gamma_g, double gamma_c, double gamma_m)

from crplugin.kernels._map cimport map2, map3, map7

# The closures declared in heating.pxd (the cimport API) run the C functions of
# crplugin/heating.h: one definition for Python, Cython, C, C++ and Fortran.


cdef double streaming_heating(double v_A, double grad_par_Pc) noexcept nogil:
    return crp_streaming_heating(v_A, grad_par_Pc)


cdef double streaming_heating_regularised(double v_A, double grad_par_Pc, double grad_scale) noexcept nogil:
    return crp_streaming_heating_regularised(v_A, grad_par_Pc, grad_scale)


cdef double pa_heating(double v_A, double P_c, double dlnB_dt) noexcept nogil:
    return crp_pa_heating(v_A, P_c, dlnB_dt)


cdef double dlnB_dt(double b_x, double b_y, double b_z, double dvx_dx, double dvx_dy, double dvx_dz, double dvy_dx, double dvy_dy, double dvy_dz, double dvz_dx, double dvz_dy, double dvz_dz) noexcept nogil:
    return crp_dlnB_dt(b_x, b_y, b_z, dvx_dx, dvx_dy, dvx_dz, dvy_dx, dvy_dy, dvy_dz, dvz_dx, dvz_dy, dvz_dz)


cdef double flux_tube_expansion_rate(double P_g, double P_c, double P_m, double dPc_dt, double gamma_g, double gamma_c, double gamma_m) noexcept nogil:
    return crp_flux_tube_expansion_rate(P_g, P_c, P_m, dPc_dt, gamma_g, gamma_c, gamma_m)


cdef double flux_tube_expansion_time(double P_g, double P_c, double P_m, double dPc_dt, double gamma_g, double gamma_c, double gamma_m) noexcept nogil:
    return crp_flux_tube_expansion_time(P_g, P_c, P_m, dPc_dt, gamma_g, gamma_c, gamma_m)


cdef double cr_work_rate(double P_c, double tau_B) noexcept nogil:
    return crp_cr_work_rate(P_c, tau_B)


cdef double pa_heating_flux_tube(double v_A, double P_g, double P_c, double P_m, double dPc_dt, double gamma_g, double gamma_c, double gamma_m) noexcept nogil:
    return crp_pa_heating_flux_tube(v_A, P_g, P_c, P_m, dPc_dt, gamma_g, gamma_c, gamma_m)


def streaming_heating_array(const double[::1] v_A, const double[::1] grad_par_Pc, double[::1] out):
    with nogil:
        map2(streaming_heating, v_A, grad_par_Pc, out)


def streaming_heating_regularised_array(const double[::1] v_A, const double[::1] grad_par_Pc,
                                        const double[::1] grad_scale, double[::1] out):
    with nogil:
        map3(streaming_heating_regularised, v_A, grad_par_Pc, grad_scale, out)


def pa_heating_array(const double[::1] v_A, const double[::1] P_c, const double[::1] dlnB_dt_,
                     double[::1] out):
    with nogil:
        map3(pa_heating, v_A, P_c, dlnB_dt_, out)


def dlnB_dt_array(const double[::1] b_x, const double[::1] b_y, const double[::1] b_z,
                  const double[::1] dvx_dx, const double[::1] dvx_dy, const double[::1] dvx_dz,
                  const double[::1] dvy_dx, const double[::1] dvy_dy, const double[::1] dvy_dz,
                  const double[::1] dvz_dx, const double[::1] dvz_dy, const double[::1] dvz_dz,
                  double[::1] out):
    # Arity 12 > 7: explicit loop (the map drivers stop at 7 inputs).
    cdef Py_ssize_t i
    with nogil:
        for i in range(out.shape[0]):
            out[i] = dlnB_dt(b_x[i], b_y[i], b_z[i],
                             dvx_dx[i], dvx_dy[i], dvx_dz[i],
                             dvy_dx[i], dvy_dy[i], dvy_dz[i],
                             dvz_dx[i], dvz_dy[i], dvz_dz[i])


def flux_tube_expansion_rate_array(const double[::1] P_g, const double[::1] P_c,
                                   const double[::1] P_m, const double[::1] dPc_dt,
                                   const double[::1] gamma_g, const double[::1] gamma_c,
                                   const double[::1] gamma_m, double[::1] out):
    with nogil:
        map7(flux_tube_expansion_rate, P_g, P_c, P_m, dPc_dt, gamma_g, gamma_c, gamma_m, out)


def flux_tube_expansion_time_array(const double[::1] P_g, const double[::1] P_c,
                                   const double[::1] P_m, const double[::1] dPc_dt,
                                   const double[::1] gamma_g, const double[::1] gamma_c,
                                   const double[::1] gamma_m, double[::1] out):
    with nogil:
        map7(flux_tube_expansion_time, P_g, P_c, P_m, dPc_dt, gamma_g, gamma_c, gamma_m, out)


def cr_work_rate_array(const double[::1] P_c, const double[::1] tau_B, double[::1] out):
    with nogil:
        map2(cr_work_rate, P_c, tau_B, out)


def pa_heating_flux_tube_array(const double[::1] v_A, const double[::1] P_g,
                               const double[::1] P_c, const double[::1] P_m,
                               const double[::1] dPc_dt, const double[::1] gamma_g,
                               const double[::1] gamma_c, const double[::1] gamma_m,
                               double[::1] out):
    # Arity 8 > 7: explicit loop.
    cdef Py_ssize_t i
    with nogil:
        for i in range(out.shape[0]):
            out[i] = pa_heating_flux_tube(v_A[i], P_g[i], P_c[i], P_m[i], dPc_dt[i],
                                          gamma_g[i], gamma_c[i], gamma_m[i])
