# CR heating of the gas and work done by CRs: pointwise closures (cgs).
# Documentation: crplugin/closures/heating.py and docs/closures.md.

cdef double streaming_heating(double v_A, double grad_par_Pc) noexcept nogil
cdef double streaming_heating_regularised(double v_A, double grad_par_Pc, double grad_scale) noexcept nogil
cdef double pa_heating(double v_A, double P_c, double dlnB_dt) noexcept nogil
cdef double dlnB_dt(double b_x, double b_y, double b_z, double dvx_dx, double dvx_dy, double dvx_dz, double dvy_dx, double dvy_dy, double dvy_dz, double dvz_dx, double dvz_dy, double dvz_dz) noexcept nogil
cdef double flux_tube_expansion_rate(double P_g, double P_c, double P_m, double dPc_dt, double gamma_g, double gamma_c, double gamma_m) noexcept nogil
cdef double flux_tube_expansion_time(double P_g, double P_c, double P_m, double dPc_dt, double gamma_g, double gamma_c, double gamma_m) noexcept nogil
cdef double cr_work_rate(double P_c, double tau_B) noexcept nogil
cdef double pa_heating_flux_tube(double v_A, double P_g, double P_c, double P_m, double dPc_dt, double gamma_g, double gamma_c, double gamma_m) noexcept nogil
