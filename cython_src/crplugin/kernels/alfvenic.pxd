# Alfvenic coupling of cosmic rays to the gas: pointwise closures (cgs, Gaussian B).
# Documentation of each closure lives in crplugin/closures/alfvenic.py and docs/closures.md.

cdef double alfven_speed(double B, double rho_ion) noexcept nogil
cdef double gas_density(double P_g, double T, double mu) noexcept nogil
cdef double ion_mass_density(double rho, double ion_mass_fraction) noexcept nogil
cdef double streaming_velocity(double v_A, double grad_par_Pc, double grad_scale) noexcept nogil
cdef double cr_convection_speed(double H_c, double v_A) noexcept nogil
cdef double magnetoacoustic_speed(double P_g, double P_c, double P_m, double rho, double gamma_g, double gamma_c, double gamma_m) noexcept nogil
