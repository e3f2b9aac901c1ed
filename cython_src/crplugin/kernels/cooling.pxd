# Optically thin radiative cooling: pointwise cooling function and the cell update.

cdef double cie_cooling_function(double T) noexcept nogil
cdef double net_heating_rate(double n_H, double T, double heating_per_H, double lambda_norm, double T_floor) noexcept nogil
