# Ideal-MHD finite-volume kernels (code units: magnetic pressure B^2/2,
# v_A = B/sqrt(rho), E = P/(gamma-1) + rho v^2/2 + B^2/2).
# Orchestration (the VL2 step) lives in crplugin/solver/mhd.py.
#
# A rotated 1D state (the "pencil" frame of one sweep direction d) holds, in
# order, NWAVE = 7 slots: rho, v_n, v_t1, v_t2, P, B_t1, B_t2, with the
# transverse directions t1 = (d+1) % 3 and t2 = (d+2) % 3 (cyclic), and the
# normal field B_n passed separately (it is continuous across a face).  The
# Riemann solvers fill the flux of the same seven conserved slots:
# rho v_n, momentum (n, t1, t2), total energy, B_t1 and B_t2.

# slot numbers of the rotated state
cdef enum:
    QDN = 0
    QVN = 1
    QVT1 = 2
    QVT2 = 3
    QPR = 4
    QBT1 = 5
    QBT2 = 6
    NWAVE = 7

# limiter and Riemann-solver codes used by the array drivers
cdef enum:
    LIM_VANLEER = 0
    LIM_MC = 1
    LIM_MINMOD = 2

cdef enum:
    RS_HLLE = 0
    RS_HLLD = 1
    RS_HLLC = 2

# Fast magnetosonic speed along the direction of bn (exported pointwise kernel).
cdef double fast_magnetosonic_speed(double gamma, double rho, double p, double bn, double bt1, double bt2) noexcept nogil

# Limited PLM slope from the left and right differences.
cdef double limited_slope(double dl, double dr, int limiter) noexcept nogil
# The same for one-sided slopes per unit length over centre distances hl, hr (non-uniform grid).
cdef double limited_slope_nonuniform(double dl, double dr, double hl, double hr, int limiter) noexcept nogil

# Riemann solvers on rotated primitive states wl, wr (NWAVE slots each); flux has NWAVE slots.
cdef void riemann_hlld(const double* wl, const double* wr, double bn, double gamma, double* flux) noexcept nogil
cdef void riemann_hlle(const double* wl, const double* wr, double bn, double gamma, double* flux) noexcept nogil
cdef void riemann_hllc(const double* wl, const double* wr, double gamma, double* flux) noexcept nogil

# Isothermal solvers (P = cs2 rho, energy slot of the flux 0): Mignone 2007's HLLD and HLLE.
cdef void riemann_hlld_iso(const double* wl, const double* wr, double bn, double cs2, double dfloor,
                           double* flux) noexcept nogil
cdef void riemann_hlle_iso(const double* wl, const double* wr, double bn, double cs2, double* flux) noexcept nogil
