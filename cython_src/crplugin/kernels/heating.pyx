"""CR heating and work kernels: pointwise closures and their array drivers."""
from libc.math cimport fabs, tanh, HUGE_VAL

from crplugin.kernels.constants cimport CRP_C_LIGHT
from crplugin.kernels._map cimport map2, map3, map7


cdef double streaming_heating(double v_A, double grad_par_Pc) noexcept nogil:
    # Zweibel (2021) eq 38: H_st = |v_A . grad P_c| = v_A |b.grad P_c|.
    return fabs(v_A * grad_par_Pc)


cdef double streaming_heating_regularised(double v_A, double grad_par_Pc,
                                          double grad_scale) noexcept nogil:
    # -v_st . grad P_c with v_st = -v_A tanh(g / g_0) b: v_A g tanh(g / g_0) >= 0.
    if grad_scale > 0.0:
        return fabs(v_A) * grad_par_Pc * tanh(grad_par_Pc / grad_scale)
    return fabs(v_A * grad_par_Pc)


cdef double pa_heating(double v_A, double P_c, double dlnB_dt) noexcept nogil:
    # Zweibel (2021) eq 48 (lower bound): H_pa = (4/15) (v_A/c) |dlnB/dt| P_c.
    return (4.0 / 15.0) * fabs(v_A) / CRP_C_LIGHT * fabs(dlnB_dt) * P_c


cdef double dlnB_dt(double b_x, double b_y, double b_z,
                    double dvx_dx, double dvx_dy, double dvx_dz,
                    double dvy_dx, double dvy_dy, double dvy_dz,
                    double dvz_dx, double dvz_dy, double dvz_dz) noexcept nogil:
    # Ideal induction, comoving: dlnB/dt = b.(b.grad)v - div v = b_i b_j d_i v_j - d_k v_k,
    # with dvj_di = d v_j / d x_i.  b is normalised here; b = 0 (no field, or a
    # tangled field) gives the isotropic average <b_i b_j> = delta_ij / 3, i.e.
    # dlnB/dt = -(2/3) div v.
    cdef double div = dvx_dx + dvy_dy + dvz_dz
    cdef double b2 = b_x * b_x + b_y * b_y + b_z * b_z
    cdef double shear
    if b2 == 0.0:
        return -(2.0 / 3.0) * div
    shear = (b_x * (b_x * dvx_dx + b_y * dvy_dx + b_z * dvz_dx)
             + b_y * (b_x * dvx_dy + b_y * dvy_dy + b_z * dvz_dy)
             + b_z * (b_x * dvx_dz + b_y * dvy_dz + b_z * dvz_dz))
    return shear / b2 - div


cdef inline double _inertia(double P_g, double P_c, double P_m,
                            double gamma_g, double gamma_c, double gamma_m) noexcept nogil:
    # rho C_ma^2 = gamma_g P_g + gamma_c P_c + gamma_m P_m  (Zweibel 2021 eq 1)
    return gamma_g * P_g + gamma_c * P_c + gamma_m * P_m


cdef double flux_tube_expansion_rate(double P_g, double P_c, double P_m, double dPc_dt,
                                     double gamma_g, double gamma_c, double gamma_m) noexcept nogil:
    # Zweibel (2021) eq 3: 1/tau_B = -dlnB/dt = dPc_dt / (rho C_ma^2).
    cdef double s = _inertia(P_g, P_c, P_m, gamma_g, gamma_c, gamma_m)
    if s <= 0.0:
        return 0.0
    return dPc_dt / s


cdef double flux_tube_expansion_time(double P_g, double P_c, double P_m, double dPc_dt,
                                     double gamma_g, double gamma_c, double gamma_m) noexcept nogil:
    # Zweibel (2021) eq 3: tau_B = rho C_ma^2 / dPc_dt (rho cancels); no injection -> infinite.
    cdef double s = _inertia(P_g, P_c, P_m, gamma_g, gamma_c, gamma_m)
    if dPc_dt == 0.0:
        return HUGE_VAL
    return s / dPc_dt


cdef double cr_work_rate(double P_c, double tau_B) noexcept nogil:
    # Zweibel (2021) eq 4: dW_c/dt = P_c / tau_B.
    return P_c / tau_B


cdef double pa_heating_flux_tube(double v_A, double P_g, double P_c, double P_m, double dPc_dt,
                                 double gamma_g, double gamma_c, double gamma_m) noexcept nogil:
    # Zweibel (2021) eq 48, last form: (4/15)(v_A/c) P_c |dPc_dt| / (gamma_c P_c + gamma_m P_m + gamma_g P_g).
    cdef double s = _inertia(P_g, P_c, P_m, gamma_g, gamma_c, gamma_m)
    if s <= 0.0:
        return 0.0
    return (4.0 / 15.0) * fabs(v_A) / CRP_C_LIGHT * P_c * fabs(dPc_dt) / s


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
