# Alfvenic coupling of cosmic rays to the gas: pointwise closures (cgs, Gaussian B).
# Documentation of each closure lives in crplugin/closures/alfvenic.py and docs/closures.md.

cdef double alfven_speed(double B, double rho_ion) noexcept nogil
