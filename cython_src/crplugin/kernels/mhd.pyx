"""Ideal-MHD finite-volume kernels: EOS conversion, PLM, Riemann solvers, CT.

Code units: magnetic pressure B^2/2, v_A = B/sqrt(rho), total energy
E = P/(gamma-1) + rho v^2/2 + B^2/2 (the Athena++ convention).  With an
isothermal equation of state (``cs2 = c_s^2 > 0`` in the drivers) P = c_s^2 rho,
the energy slot is neither evolved nor read (its flux is zero and the
conversions set it to 0).

Arrays are indexed ``[var, k, j, i]`` (x fastest).  The flux driver
:func:`compute_fluxes` works on *pencils* along the last axis of the views it
is given: the Python side passes transposed (strided) views so that one
kernel serves the x, y and z sweeps.  Every loop runs without the GIL and
touches no Python object.

References
----------
Miyoshi & Kusano 2005, JCP 208, 315 (HLLD); Mignone 2007, JCP 225, 1427
(isothermal HLLD); Toro, Spruce & Speares 1994 (HLLC);
Einfeldt 1988 / Davis 1988 (HLLE and its signal speeds);
Gardiner & Stone 2005, JCP 205, 509 (upwind CT electric fields, their eqs 39-51);
Stone & Gardiner 2009, New Astron. 14, 139 (the VL2 predictor-corrector).
"""
import numpy as np

from libc.math cimport sqrt, fabs, fmin, fmax

# conserved / primitive slots of the cell arrays (same as crplugin.state)
cdef enum:
    IDN = 0
    IM1 = 1
    IM2 = 2
    IM3 = 3
    IEN = 4
    NHYDRO = 5

# Athena++'s tolerance for the degenerate branches of HLLD
cdef double SMALL_NUMBER = 1.0e-8

LIMITERS = {"vanleer": LIM_VANLEER, "mc": LIM_MC, "minmod": LIM_MINMOD}
RIEMANN_SOLVERS = {"hlle": RS_HLLE, "hlld": RS_HLLD, "hllc": RS_HLLC}


# ---------------------------------------------------------------------------
# pointwise kernels
# ---------------------------------------------------------------------------
cdef inline double _fast_speed(double gamma, double rho, double p, double bn,
                                    double bt1, double bt2) noexcept nogil:
    # c_f^2 = (a^2 + b^2 + sqrt((a^2 + b^2)^2 - 4 a^2 b_n^2)) / 2, with
    # a^2 = gamma P/rho, b^2 = B^2/rho, written with the discriminant as
    # (b_n^2 + b_t^2 - a^2)^2 + 4 a^2 b_t^2 >= 0 (no cancellation, never NaN).
    cdef double asq, btsq, bnsq, tmp
    if rho <= 0.0:
        return 0.0
    asq = fmax(gamma * p / rho, 0.0)
    bnsq = bn * bn / rho
    btsq = (bt1 * bt1 + bt2 * bt2) / rho
    tmp = bnsq + btsq - asq
    return sqrt(0.5 * (bnsq + btsq + asq + sqrt(tmp * tmp + 4.0 * asq * btsq)))


cdef inline double _slope(double dl, double dr, int limiter) noexcept nogil:
    cdef double s
    if dl * dr <= 0.0:
        return 0.0
    if limiter == LIM_VANLEER:
        return 2.0 * dl * dr / (dl + dr)
    s = 1.0 if dl > 0.0 else -1.0
    if limiter == LIM_MC:
        return s * fmin(fmin(2.0 * fabs(dl), 2.0 * fabs(dr)), 0.5 * fabs(dl + dr))
    return s * fmin(fabs(dl), fabs(dr))   # minmod


cdef inline double _slope_nonuniform(double dl, double dr, double hl, double hr,
                                     int limiter) noexcept nogil:
    # dl, dr: one-sided slopes per unit length over the centre distances hl, hr
    cdef double s
    if dl * dr <= 0.0:
        return 0.0
    if limiter == LIM_VANLEER:
        return 2.0 * dl * dr / (dl + dr)
    s = 1.0 if dl > 0.0 else -1.0
    if limiter == LIM_MC:
        return s * fmin(fmin(2.0 * fabs(dl), 2.0 * fabs(dr)), fabs(hl * dl + hr * dr) / (hl + hr))
    return s * fmin(fabs(dl), fabs(dr))   # minmod


cdef inline void _cons_and_flux(const double* w, double bn, double gamma,
                                double* u, double* f) noexcept nogil:
    """Conserved state u and physical flux f (NWAVE slots) of the rotated primitive w."""
    cdef double d = w[QDN], vn = w[QVN], vt1 = w[QVT1], vt2 = w[QVT2]
    cdef double p = w[QPR], bt1 = w[QBT1], bt2 = w[QBT2]
    cdef double pb = 0.5 * (bn * bn + (bt1 * bt1 + bt2 * bt2))
    cdef double pt = p + pb
    cdef double vb = vn * bn + (vt1 * bt1 + vt2 * bt2)
    u[QDN] = d
    u[QVN] = d * vn
    u[QVT1] = d * vt1
    u[QVT2] = d * vt2
    u[QPR] = p / (gamma - 1.0) + 0.5 * d * (vn * vn + (vt1 * vt1 + vt2 * vt2)) + pb
    u[QBT1] = bt1
    u[QBT2] = bt2
    f[QDN] = d * vn
    f[QVN] = d * vn * vn + pt - bn * bn
    f[QVT1] = d * vt1 * vn - bn * bt1
    f[QVT2] = d * vt2 * vn - bn * bt2
    f[QPR] = vn * (u[QPR] + pt) - bn * vb
    f[QBT1] = bt1 * vn - bn * vt1
    f[QBT2] = bt2 * vn - bn * vt2


cdef inline void _hlle(const double* wl, const double* wr, double bn, double gamma,
                       double* flux) noexcept nogil:
    # HLL flux with the Davis (1988) bounds S_L = min(v_L - c_fL, v_R - c_fR),
    # S_R = max(v_L + c_fL, v_R + c_fR) (as in Miyoshi & Kusano 2005 eq 67).
    cdef double ul[NWAVE]
    cdef double ur[NWAVE]
    cdef double fl[NWAVE]
    cdef double fr[NWAVE]
    cdef double cfl, cfr, bm, bp
    cdef int m
    _cons_and_flux(wl, bn, gamma, ul, fl)
    _cons_and_flux(wr, bn, gamma, ur, fr)
    cfl = _fast_speed(gamma, wl[QDN], wl[QPR], bn, wl[QBT1], wl[QBT2])
    cfr = _fast_speed(gamma, wr[QDN], wr[QPR], bn, wr[QBT1], wr[QBT2])
    bm = fmin(fmin(wl[QVN] - cfl, wr[QVN] - cfr), 0.0)
    bp = fmax(fmax(wl[QVN] + cfl, wr[QVN] + cfr), 0.0)
    if bp - bm <= 0.0:
        for m in range(NWAVE):
            flux[m] = 0.5 * (fl[m] + fr[m])
        return
    for m in range(NWAVE):
        flux[m] = (bp * fl[m] - bm * fr[m] + bp * bm * (ur[m] - ul[m])) / (bp - bm)


cdef inline void _hlld_star(const double* w, const double* u, double bn, double s,
                            double sm, double ptst, double* ust) noexcept nogil:
    """Miyoshi & Kusano 2005 eqs 39 and 43-48: the single-starred state of one side."""
    cdef double d = w[QDN], sdv = s - w[QVN], sdm = s - sm
    cdef double den = d * sdv * sdm - bn * bn
    cdef double tmp, vbst
    ust[QDN] = d * sdv / sdm                                   # eq 43
    ust[QVN] = ust[QDN] * sm                                   # eq 39
    if fabs(den) < SMALL_NUMBER * ptst:                       # degenerate: B_t* = B_t, v_t* = v_t
        ust[QVT1] = ust[QDN] * w[QVT1]
        ust[QVT2] = ust[QDN] * w[QVT2]
        ust[QBT1] = w[QBT1]
        ust[QBT2] = w[QBT2]
    else:
        tmp = bn * (sm - w[QVN]) / den                         # eqs 44, 46
        ust[QVT1] = ust[QDN] * (w[QVT1] - w[QBT1] * tmp)
        ust[QVT2] = ust[QDN] * (w[QVT2] - w[QBT2] * tmp)
        tmp = (d * sdv * sdv - bn * bn) / den                  # eqs 45, 47
        ust[QBT1] = w[QBT1] * tmp
        ust[QBT2] = w[QBT2] * tmp
    vbst = (ust[QVN] * bn + (ust[QVT1] * ust[QBT1] + ust[QVT2] * ust[QBT2])) / ust[QDN]
    ust[QPR] = (sdv * u[QPR] - (w[QPR] + 0.5 * (bn * bn + w[QBT1] * w[QBT1] + w[QBT2] * w[QBT2])) * w[QVN]
                + ptst * sm + bn * (w[QVN] * bn + (w[QVT1] * w[QBT1] + w[QVT2] * w[QBT2]) - vbst)) / sdm  # eq 48


cdef inline void _hlld(const double* wl, const double* wr, double bn, double gamma,
                       double* flux) noexcept nogil:
    # Miyoshi & Kusano 2005: five waves S_L <= S*_L <= S_M <= S*_R <= S_R.
    cdef double ul[NWAVE]
    cdef double ur[NWAVE]
    cdef double fl[NWAVE]
    cdef double fr[NWAVE]
    cdef double ulst[NWAVE]
    cdef double urst[NWAVE]
    cdef double uldst[NWAVE]
    cdef double urdst[NWAVE]
    cdef double cfl, cfr, sl, sr, sm, sdl, sdr, ptl, ptr, ptst, den
    cdef double sqdl, sqdr, isum, sgn, vt1, vt2, bt1, bt2, vbl, vbr, vbdst, slst, srst
    cdef int m

    _cons_and_flux(wl, bn, gamma, ul, fl)
    _cons_and_flux(wr, bn, gamma, ur, fr)
    cfl = _fast_speed(gamma, wl[QDN], wl[QPR], bn, wl[QBT1], wl[QBT2])
    cfr = _fast_speed(gamma, wr[QDN], wr[QPR], bn, wr[QBT1], wr[QBT2])
    sl = fmin(wl[QVN] - cfl, wr[QVN] - cfr)                    # eq 67
    sr = fmax(wl[QVN] + cfl, wr[QVN] + cfr)
    if sl >= 0.0:
        for m in range(NWAVE):
            flux[m] = fl[m]
        return
    if sr <= 0.0:
        for m in range(NWAVE):
            flux[m] = fr[m]
        return

    ptl = wl[QPR] + 0.5 * (bn * bn + (wl[QBT1] * wl[QBT1] + wl[QBT2] * wl[QBT2]))
    ptr = wr[QPR] + 0.5 * (bn * bn + (wr[QBT1] * wr[QBT1] + wr[QBT2] * wr[QBT2]))
    sdl = sl - wl[QVN]
    sdr = sr - wr[QVN]
    den = sdr * wr[QDN] - sdl * wl[QDN]
    sm = (sdr * ur[QVN] - sdl * ul[QVN] - ptr + ptl) / den      # eq 38
    ptst = (sdr * wr[QDN] * ptl - sdl * wl[QDN] * ptr
            + wl[QDN] * wr[QDN] * sdr * sdl * (wr[QVN] - wl[QVN])) / den   # eq 41

    _hlld_star(wl, ul, bn, sl, sm, ptst, ulst)
    _hlld_star(wr, ur, bn, sr, sm, ptst, urst)
    sqdl = sqrt(ulst[QDN])
    sqdr = sqrt(urst[QDN])
    slst = sm - fabs(bn) / sqdl                                # eq 51
    srst = sm + fabs(bn) / sqdr

    if 0.5 * bn * bn < SMALL_NUMBER * ptst:
        # B_n -> 0: the rotational discontinuities merge with the contact
        for m in range(NWAVE):
            uldst[m] = ulst[m]
            urdst[m] = urst[m]
    else:
        isum = 1.0 / (sqdl + sqdr)
        sgn = 1.0 if bn > 0.0 else -1.0
        vt1 = isum * (sqdl * ulst[QVT1] / ulst[QDN] + sqdr * urst[QVT1] / urst[QDN]
                      + sgn * (urst[QBT1] - ulst[QBT1]))        # eq 59
        vt2 = isum * (sqdl * ulst[QVT2] / ulst[QDN] + sqdr * urst[QVT2] / urst[QDN]
                      + sgn * (urst[QBT2] - ulst[QBT2]))        # eq 60
        bt1 = isum * (sqdl * urst[QBT1] + sqdr * ulst[QBT1]
                      + sgn * sqdl * sqdr * (urst[QVT1] / urst[QDN] - ulst[QVT1] / ulst[QDN]))  # eq 61
        bt2 = isum * (sqdl * urst[QBT2] + sqdr * ulst[QBT2]
                      + sgn * sqdl * sqdr * (urst[QVT2] / urst[QDN] - ulst[QVT2] / ulst[QDN]))  # eq 62
        vbl = (ulst[QVN] * bn + (ulst[QVT1] * ulst[QBT1] + ulst[QVT2] * ulst[QBT2])) / ulst[QDN]
        vbr = (urst[QVN] * bn + (urst[QVT1] * urst[QBT1] + urst[QVT2] * urst[QBT2])) / urst[QDN]
        vbdst = sm * bn + (vt1 * bt1 + vt2 * bt2)
        uldst[QDN] = ulst[QDN]
        urdst[QDN] = urst[QDN]
        uldst[QVN] = ulst[QVN]
        urdst[QVN] = urst[QVN]
        uldst[QVT1] = uldst[QDN] * vt1
        urdst[QVT1] = urdst[QDN] * vt1
        uldst[QVT2] = uldst[QDN] * vt2
        urdst[QVT2] = urdst[QDN] * vt2
        uldst[QBT1] = bt1
        urdst[QBT1] = bt1
        uldst[QBT2] = bt2
        urdst[QBT2] = bt2
        uldst[QPR] = ulst[QPR] - sqdl * sgn * (vbl - vbdst)    # eq 63
        urdst[QPR] = urst[QPR] + sqdr * sgn * (vbr - vbdst)

    # F*_a = F_a + S_a (U*_a - U_a);  F**_a = F*_a + S*_a (U**_a - U*_a)  (eqs 64-66)
    if slst >= 0.0:
        for m in range(NWAVE):
            flux[m] = fl[m] + sl * (ulst[m] - ul[m])
    elif sm >= 0.0:
        for m in range(NWAVE):
            flux[m] = fl[m] + sl * (ulst[m] - ul[m]) + slst * (uldst[m] - ulst[m])
    elif srst > 0.0:
        for m in range(NWAVE):
            flux[m] = fr[m] + sr * (urst[m] - ur[m]) + srst * (urdst[m] - urst[m])
    else:
        for m in range(NWAVE):
            flux[m] = fr[m] + sr * (urst[m] - ur[m])


cdef inline void _hllc(const double* wl, const double* wr, double gamma,
                       double* flux) noexcept nogil:
    # Toro, Spruce & Speares 1994 for gamma-law hydro (B = 0), Davis signal speeds.
    cdef double ul[NWAVE]
    cdef double ur[NWAVE]
    cdef double fl[NWAVE]
    cdef double fr[NWAVE]
    cdef double al, ar, sl, sr, sm, sdv, fac
    cdef const double* w
    cdef double* u
    cdef double* f
    cdef double s
    cdef int m
    _cons_and_flux(wl, 0.0, gamma, ul, fl)
    _cons_and_flux(wr, 0.0, gamma, ur, fr)
    al = sqrt(fmax(gamma * wl[QPR] / wl[QDN], 0.0))
    ar = sqrt(fmax(gamma * wr[QPR] / wr[QDN], 0.0))
    sl = fmin(wl[QVN] - al, wr[QVN] - ar)
    sr = fmax(wl[QVN] + al, wr[QVN] + ar)
    if sl >= 0.0:
        for m in range(NWAVE):
            flux[m] = fl[m]
        return
    if sr <= 0.0:
        for m in range(NWAVE):
            flux[m] = fr[m]
        return
    sm = ((wr[QPR] - wl[QPR] + wl[QDN] * wl[QVN] * (sl - wl[QVN]) - wr[QDN] * wr[QVN] * (sr - wr[QVN]))
          / (wl[QDN] * (sl - wl[QVN]) - wr[QDN] * (sr - wr[QVN])))
    if sm >= 0.0:
        w = wl
        u = ul
        f = fl
        s = sl
    else:
        w = wr
        u = ur
        f = fr
        s = sr
    sdv = s - w[QVN]
    fac = w[QDN] * sdv / (s - sm)
    flux[QDN] = f[QDN] + s * (fac - u[QDN])
    flux[QVN] = f[QVN] + s * (fac * sm - u[QVN])
    flux[QVT1] = f[QVT1] + s * (fac * w[QVT1] - u[QVT1])
    flux[QVT2] = f[QVT2] + s * (fac * w[QVT2] - u[QVT2])
    flux[QPR] = f[QPR] + s * (fac * (u[QPR] / w[QDN] + (sm - w[QVN]) * (sm + w[QPR] / (w[QDN] * sdv)))
                              - u[QPR])
    flux[QBT1] = 0.0
    flux[QBT2] = 0.0


cdef inline void _cons_and_flux_iso(const double* w, double bn, double cs2,
                                    double* u, double* f) noexcept nogil:
    """Isothermal conserved state and flux (P = c_s^2 rho; energy slot 0)."""
    cdef double d = w[QDN], vn = w[QVN], vt1 = w[QVT1], vt2 = w[QVT2]
    cdef double bt1 = w[QBT1], bt2 = w[QBT2]
    cdef double pt = cs2 * d + 0.5 * (bn * bn + (bt1 * bt1 + bt2 * bt2))
    u[QDN] = d
    u[QVN] = d * vn
    u[QVT1] = d * vt1
    u[QVT2] = d * vt2
    u[QPR] = 0.0
    u[QBT1] = bt1
    u[QBT2] = bt2
    f[QDN] = d * vn
    f[QVN] = d * vn * vn + pt - bn * bn
    f[QVT1] = d * vt1 * vn - bn * bt1
    f[QVT2] = d * vt2 * vn - bn * bt2
    f[QPR] = 0.0
    f[QBT1] = bt1 * vn - bn * vt1
    f[QBT2] = bt2 * vn - bn * vt2


cdef inline void _hlle_iso(const double* wl, const double* wr, double bn, double cs2,
                           double* flux) noexcept nogil:
    # Isothermal HLL flux with the Davis bounds and the isothermal fast speed (gamma P/rho -> c_s^2).
    cdef double ul[NWAVE]
    cdef double ur[NWAVE]
    cdef double fl[NWAVE]
    cdef double fr[NWAVE]
    cdef double cfl, cfr, bm, bp
    cdef int m
    _cons_and_flux_iso(wl, bn, cs2, ul, fl)
    _cons_and_flux_iso(wr, bn, cs2, ur, fr)
    cfl = _fast_speed(1.0, wl[QDN], cs2 * wl[QDN], bn, wl[QBT1], wl[QBT2])
    cfr = _fast_speed(1.0, wr[QDN], cs2 * wr[QDN], bn, wr[QBT1], wr[QBT2])
    bm = fmin(fmin(wl[QVN] - cfl, wr[QVN] - cfr), 0.0)
    bp = fmax(fmax(wl[QVN] + cfl, wr[QVN] + cfr), 0.0)
    if bp - bm <= 0.0:
        for m in range(NWAVE):
            flux[m] = 0.5 * (fl[m] + fr[m])
        return
    for m in range(NWAVE):
        flux[m] = (bp * fl[m] - bm * fr[m] + bp * bm * (ur[m] - ul[m])) / (bp - bm)


cdef inline void _hlld_iso_star(const double* w, const double* u, double bn, double s, double dhll,
                                double ustar, double slst, double srst, double cs,
                                double* ust) noexcept nogil:
    """Mignone 2007 eqs 20 and 30-33: the outer starred state on the side of the wave ``s``."""
    cdef double tmp = (s - slst) * (s - srst), mfact, bfact
    ust[QDN] = dhll                                            # eq 20
    if fabs(s - (slst if s < ustar else srst)) < SMALL_NUMBER * cs:
        # degenerate: the Alfven wave coincides with the fast wave (below eq 39)
        ust[QVT1] = u[QVT1]
        ust[QVT2] = u[QVT2]
        ust[QBT1] = u[QBT1]
        ust[QBT2] = u[QBT2]
    else:
        mfact = bn * (ustar - w[QVN]) / tmp
        bfact = (w[QDN] * (s - w[QVN]) * (s - w[QVN]) - bn * bn) / (dhll * tmp)
        ust[QVT1] = dhll * w[QVT1] - u[QBT1] * mfact           # eqs 30, 31
        ust[QVT2] = dhll * w[QVT2] - u[QBT2] * mfact
        ust[QBT1] = u[QBT1] * bfact                            # eqs 32, 33
        ust[QBT2] = u[QBT2] * bfact
    ust[QPR] = 0.0


cdef inline void _hlld_iso(const double* wl, const double* wr, double bn, double cs2, double dfloor,
                           double* flux) noexcept nogil:
    # Mignone 2007: four waves S_L <= S*_L <= S*_R <= S_R around one density rho* = rho_hll and
    # one normal velocity u* = F_rho^hll / rho_hll (no contact: no energy equation).
    cdef double ul[NWAVE]
    cdef double ur[NWAVE]
    cdef double fl[NWAVE]
    cdef double fr[NWAVE]
    cdef double ulst[NWAVE]
    cdef double urst[NWAVE]
    cdef double cfl, cfr, sl, sr, idspd, dhll, sqdhll, fdhll, fmxhll, mxhll, ustar, slst, srst, x
    cdef double cs = sqrt(cs2), my, mz, by, bz
    cdef int m
    _cons_and_flux_iso(wl, bn, cs2, ul, fl)
    _cons_and_flux_iso(wr, bn, cs2, ur, fr)
    cfl = _fast_speed(1.0, wl[QDN], cs2 * wl[QDN], bn, wl[QBT1], wl[QBT2])
    cfr = _fast_speed(1.0, wr[QDN], cs2 * wr[QDN], bn, wr[QBT1], wr[QBT2])
    sl = fmin(wl[QVN] - cfl, wr[QVN] - cfr)
    sr = fmax(wl[QVN] + cfl, wr[QVN] + cfr)
    if sl >= 0.0:
        for m in range(NWAVE):
            flux[m] = fl[m]
        return
    if sr <= 0.0:
        for m in range(NWAVE):
            flux[m] = fr[m]
        return
    idspd = 1.0 / (sr - sl)
    dhll = fmax((sr * ur[QDN] - sl * ul[QDN] - fr[QDN] + fl[QDN]) * idspd, dfloor)    # eq 15
    sqdhll = sqrt(dhll)
    fdhll = (sr * fl[QDN] - sl * fr[QDN] + sr * sl * (ur[QDN] - ul[QDN])) * idspd      # eq 17
    fmxhll = (sr * fl[QVN] - sl * fr[QVN] + sr * sl * (ur[QVN] - ul[QVN])) * idspd
    mxhll = (sr * ur[QVN] - sl * ul[QVN] - fr[QVN] + fl[QVN]) * idspd
    ustar = fdhll / dhll                                        # between eqs 23 and 24
    slst = ustar - fabs(bn) / sqdhll                            # eq 29
    srst = ustar + fabs(bn) / sqdhll
    _hlld_iso_star(wl, ul, bn, sl, dhll, ustar, slst, srst, cs, ulst)
    _hlld_iso_star(wr, ur, bn, sr, dhll, ustar, slst, srst, cs, urst)
    ulst[QVN] = mxhll                                           # eq 24
    urst[QVN] = mxhll
    if slst >= 0.0:                                             # eq 38b
        for m in range(NWAVE):
            flux[m] = fl[m] + sl * (ulst[m] - ul[m])
    elif srst <= 0.0:                                           # eq 38d
        for m in range(NWAVE):
            flux[m] = fr[m] + sr * (urst[m] - ur[m])
    else:                                                       # eq 38c with the central state, eqs 34-37
        x = sqdhll * (1.0 if bn > 0.0 else -1.0)
        my = 0.5 * (ulst[QVT1] + urst[QVT1] + (urst[QBT1] - ulst[QBT1]) * x)
        mz = 0.5 * (ulst[QVT2] + urst[QVT2] + (urst[QBT2] - ulst[QBT2]) * x)
        by = 0.5 * (ulst[QBT1] + urst[QBT1] + (urst[QVT1] - ulst[QVT1]) / x)
        bz = 0.5 * (ulst[QBT2] + urst[QBT2] + (urst[QVT2] - ulst[QVT2]) / x)
        flux[QDN] = dhll * ustar
        flux[QVN] = fmxhll
        flux[QVT1] = my * ustar - bn * by
        flux[QVT2] = mz * ustar - bn * bz
        flux[QPR] = 0.0
        flux[QBT1] = by * ustar - bn * my / dhll
        flux[QBT2] = bz * ustar - bn * mz / dhll


# ---------------------------------------------------------------------------
# exported pointwise kernels (declared in mhd.pxd); the drivers use the inline versions
# ---------------------------------------------------------------------------
cdef double fast_magnetosonic_speed(double gamma, double rho, double p, double bn,
                                    double bt1, double bt2) noexcept nogil:
    return _fast_speed(gamma, rho, p, bn, bt1, bt2)


cdef double limited_slope(double dl, double dr, int limiter) noexcept nogil:
    return _slope(dl, dr, limiter)


cdef double limited_slope_nonuniform(double dl, double dr, double hl, double hr,
                                     int limiter) noexcept nogil:
    return _slope_nonuniform(dl, dr, hl, hr, limiter)


cdef void riemann_hlle(const double* wl, const double* wr, double bn, double gamma,
                       double* flux) noexcept nogil:
    _hlle(wl, wr, bn, gamma, flux)


cdef void riemann_hlld(const double* wl, const double* wr, double bn, double gamma,
                       double* flux) noexcept nogil:
    _hlld(wl, wr, bn, gamma, flux)


cdef void riemann_hllc(const double* wl, const double* wr, double gamma, double* flux) noexcept nogil:
    _hllc(wl, wr, gamma, flux)


cdef void riemann_hlle_iso(const double* wl, const double* wr, double bn, double cs2,
                           double* flux) noexcept nogil:
    _hlle_iso(wl, wr, bn, cs2, flux)


cdef void riemann_hlld_iso(const double* wl, const double* wr, double bn, double cs2, double dfloor,
                           double* flux) noexcept nogil:
    _hlld_iso(wl, wr, bn, cs2, dfloor, flux)


# ---------------------------------------------------------------------------
# array drivers
# ---------------------------------------------------------------------------
def cons_to_prim(double[:, :, :, ::1] u, const double[:, :, :, ::1] bcc, double[:, :, :, ::1] w,
                 double gamma, double dfloor, double pfloor, bint mhd, tuple count_range, double cs2=0.0):
    """Primitives ``w`` from conserved ``u`` over the whole array, with floors.

    Where rho < dfloor (or is NaN) rho is set to dfloor; where the pressure
    P = (gamma-1)(E - rho v^2/2 - B^2/2) < pfloor it is set to pfloor and E is
    reset to match.  ``u`` is corrected in place.  Passive scalars are
    returned as concentrations s/rho.  Returns the number of cells floored
    inside ``count_range = (ks, ke, js, je, is, ie)`` (inclusive bounds).
    Isothermal (``cs2 > 0``): P = cs2 rho and the energy slot is set to 0.
    """
    cdef Py_ssize_t nvar = u.shape[0], nk = u.shape[1], nj = u.shape[2], ni = u.shape[3]
    cdef Py_ssize_t k, j, i, s
    cdef int ks = count_range[0], ke = count_range[1], js = count_range[2]
    cdef int je = count_range[3], is_ = count_range[4], ie = count_range[5]
    cdef double gm1 = gamma - 1.0, d, di, ke_, pb, p
    cdef bint floored
    cdef long count = 0
    with nogil:
        for k in range(nk):
            for j in range(nj):
                for i in range(ni):
                    floored = False
                    d = u[IDN, k, j, i]
                    if not (d >= dfloor):
                        d = dfloor
                        u[IDN, k, j, i] = d
                        floored = True
                    di = 1.0 / d
                    w[IDN, k, j, i] = d
                    w[IM1, k, j, i] = u[IM1, k, j, i] * di
                    w[IM2, k, j, i] = u[IM2, k, j, i] * di
                    w[IM3, k, j, i] = u[IM3, k, j, i] * di
                    ke_ = 0.5 * di * (u[IM1, k, j, i] * u[IM1, k, j, i] + u[IM2, k, j, i] * u[IM2, k, j, i]
                                      + u[IM3, k, j, i] * u[IM3, k, j, i])
                    pb = 0.0
                    if mhd:
                        pb = 0.5 * (bcc[0, k, j, i] * bcc[0, k, j, i] + bcc[1, k, j, i] * bcc[1, k, j, i]
                                    + bcc[2, k, j, i] * bcc[2, k, j, i])
                    if cs2 > 0.0:
                        w[IEN, k, j, i] = cs2 * d
                        u[IEN, k, j, i] = 0.0
                        for s in range(NHYDRO, nvar):
                            w[s, k, j, i] = u[s, k, j, i] * di
                        if floored and ks <= k <= ke and js <= j <= je and is_ <= i <= ie:
                            count += 1
                        continue
                    p = gm1 * (u[IEN, k, j, i] - ke_ - pb)
                    if not (p >= pfloor):
                        p = pfloor
                        u[IEN, k, j, i] = p / gm1 + ke_ + pb
                        floored = True
                    w[IEN, k, j, i] = p
                    for s in range(NHYDRO, nvar):
                        w[s, k, j, i] = u[s, k, j, i] * di
                    if floored and ks <= k <= ke and js <= j <= je and is_ <= i <= ie:
                        count += 1
    return count


def prim_to_cons(const double[:, :, :, ::1] w, const double[:, :, :, ::1] bcc, double[:, :, :, ::1] u,
                 double gamma, bint mhd, double cs2=0.0):
    """Conserved ``u`` from primitives ``w`` (scalars as concentrations) and ``bcc``
    (isothermal, ``cs2 > 0``: the energy slot is 0)."""
    cdef Py_ssize_t nvar = u.shape[0], nk = u.shape[1], nj = u.shape[2], ni = u.shape[3]
    cdef Py_ssize_t k, j, i, s
    cdef double d, pb
    with nogil:
        for k in range(nk):
            for j in range(nj):
                for i in range(ni):
                    d = w[IDN, k, j, i]
                    u[IDN, k, j, i] = d
                    u[IM1, k, j, i] = d * w[IM1, k, j, i]
                    u[IM2, k, j, i] = d * w[IM2, k, j, i]
                    u[IM3, k, j, i] = d * w[IM3, k, j, i]
                    pb = 0.0
                    if mhd:
                        pb = 0.5 * (bcc[0, k, j, i] * bcc[0, k, j, i] + bcc[1, k, j, i] * bcc[1, k, j, i]
                                    + bcc[2, k, j, i] * bcc[2, k, j, i])
                    if cs2 > 0.0:
                        u[IEN, k, j, i] = 0.0
                    else:
                        u[IEN, k, j, i] = (w[IEN, k, j, i] / (gamma - 1.0) + pb + 0.5 * d * (
                            w[IM1, k, j, i] * w[IM1, k, j, i] + w[IM2, k, j, i] * w[IM2, k, j, i]
                            + w[IM3, k, j, i] * w[IM3, k, j, i]))
                    for s in range(NHYDRO, nvar):
                        u[s, k, j, i] = d * w[s, k, j, i]


def compute_fluxes(const double[:, :, :, :] w, const double[:, :, :] bt1, const double[:, :, :] bt2,
                   const double[:, :, :] bn, int ivn, int ivt1, int ivt2,
                   double[:, :, :, :] flx, double[:, :, :] emf1, double[:, :, :] emf2,
                   int order, int limiter, int solver, double gamma, bint mhd,
                   double dfloor, double pfloor, const double[::1] dxs=None, double cs2=0.0,
                   tuple pencils=None):
    """Godunov fluxes at the faces of every pencil along the *last* axis.

    Parameters (all views with the sweep axis last, any strides)
    ----------
    w : (nvar, n2, n1, n) primitives; velocity slots ``ivn`` (normal),
        ``ivt1``, ``ivt2`` (transverse, cyclic order).
    bt1, bt2 : (n2, n1, n) cell-centred transverse field (ignored if not mhd).
    bn : (n2, n1, n+1) face-normal field (ignored if not mhd).
    flx : (nvar, n2, n1, n+1) output fluxes of the conserved variables.
    emf1, emf2 : (n2, n1, n+1) output face electric fields E_t1 = F(B_t2)
        and E_t2 = -F(B_t1) (E = -v x B), used for constrained transport.
    order : 1 (donor cell, faces 1..n-1) or 2 (PLM, faces 2..n-2).
    pencils : (a2lo, a2hi, a1lo, a1hi), inclusive: only these pencils (default all).
    dxs : (n,) cell widths along the sweep if they vary (None: uniform).
        PLM on a non-uniform grid limits the slopes per unit length,
        dq_L = (q_i - q_{i-1}) / (x_i - x_{i-1}), dq_R likewise, and puts the
        face values at q_i -+ s dx_i / 2 (MC's central slope is the
        centred difference (q_{i+1} - q_{i-1}) / (x_{i+1} - x_{i-1})).
    cs2 : isothermal sound speed squared (0: adiabatic with ``gamma``).
        Isothermal solvers: ``hlld`` = Mignone (2007), ``hlle``; hydro's
        ``hllc`` is Mignone's solver with B = 0 (no contact wave without
        an energy equation).  The face pressure is cs2 rho of the face.

    Face states are floored like the cells (rho >= dfloor, P >= pfloor).
    Passive scalars (slots >= 5, concentrations) are fluxed with the mass
    flux, upwinded by its sign.
    """
    cdef Py_ssize_t nvar = w.shape[0], n2 = w.shape[1], n1 = w.shape[2], n = w.shape[3]
    cdef Py_ssize_t nq = NWAVE + nvar - NHYDRO
    cdef Py_ssize_t a2lo = 0, a2hi = n2 - 1, a1lo = 0, a1hi = n1 - 1
    if pencils is not None:
        a2lo, a2hi, a1lo, a1hi = pencils
    cdef Py_ssize_t nr = a1hi - a1lo + 1
    cdef Py_ssize_t a2, a1, r, i, f, m, flo, fhi, o, t, nout, nin
    # one slab (fixed a2) at a time: pencils loaded into contiguous rows, fluxes stored from rows
    cdef double[:, :, ::1] qs = np.zeros((nr, nq, n))
    cdef double[:, :, ::1] fs = np.zeros((nr, nvar + 2, n + 1))   # fluxes, then the two face EMFs
    cdef double[:, ::1] ql = np.zeros((nq, n + 1))
    cdef double[:, ::1] qr = np.zeros((nq, n + 1))
    cdef double wl[NWAVE]
    cdef double wr[NWAVE]
    cdef double fx[NWAVE]
    cdef double bx, dq, hl, hr
    cdef bint uniform = dxs is None
    cdef bint iso = cs2 > 0.0
    # sweep axis contiguous (x): walk each pencil; otherwise walk across pencils, whose
    # neighbouring cells are contiguous, so that loads and stores stream through memory
    cdef bint along = w.strides[3] <= w.strides[2]
    if not uniform and dxs.shape[0] != n:
        raise ValueError(f"dxs has {dxs.shape[0]} widths for pencils of {n} cells")
    if not (0 <= a2lo <= a2hi < n2 and 0 <= a1lo <= a1hi < n1):
        raise ValueError(f"pencils {pencils} outside the ({n2}, {n1}) pencils of the block")
    if order == 1:
        flo, fhi = 1, n - 1
    else:
        flo, fhi = 2, n - 2
    with nogil:
        for a2 in range(a2lo, a2hi + 1):
            # load the slab in rotated order
            nout, nin = (nr, n) if along else (n, nr)
            for o in range(nout):
                for t in range(nin):
                    if along:
                        r = o
                        i = t
                    else:
                        r = t
                        i = o
                    a1 = a1lo + r
                    qs[r, QDN, i] = w[IDN, a2, a1, i]
                    qs[r, QVN, i] = w[ivn, a2, a1, i]
                    qs[r, QVT1, i] = w[ivt1, a2, a1, i]
                    qs[r, QVT2, i] = w[ivt2, a2, a1, i]
                    qs[r, QPR, i] = w[IEN, a2, a1, i]
                    if mhd:
                        qs[r, QBT1, i] = bt1[a2, a1, i]
                        qs[r, QBT2, i] = bt2[a2, a1, i]
                    else:
                        qs[r, QBT1, i] = 0.0
                        qs[r, QBT2, i] = 0.0
                    for m in range(NHYDRO, nvar):
                        qs[r, NWAVE + m - NHYDRO, i] = w[m, a2, a1, i]
            for r in range(nr):
                a1 = a1lo + r
                # reconstruct: ql[:, f] from cell f-1, qr[:, f] from cell f
                if order == 1:
                    for m in range(nq):
                        for i in range(n):
                            ql[m, i + 1] = qs[r, m, i]
                            qr[m, i] = qs[r, m, i]
                elif uniform:
                    for m in range(nq):
                        for i in range(1, n - 1):
                            dq = _slope(qs[r, m, i] - qs[r, m, i - 1], qs[r, m, i + 1] - qs[r, m, i], limiter)
                            ql[m, i + 1] = qs[r, m, i] + 0.5 * dq
                            qr[m, i] = qs[r, m, i] - 0.5 * dq
                else:
                    for m in range(nq):
                        for i in range(1, n - 1):
                            hl = 0.5 * (dxs[i - 1] + dxs[i])       # centre-to-centre distances
                            hr = 0.5 * (dxs[i] + dxs[i + 1])
                            dq = 0.5 * dxs[i] * _slope_nonuniform(
                                (qs[r, m, i] - qs[r, m, i - 1]) / hl, (qs[r, m, i + 1] - qs[r, m, i]) / hr,
                                hl, hr, limiter)
                            ql[m, i + 1] = qs[r, m, i] + dq
                            qr[m, i] = qs[r, m, i] - dq
                # Riemann problem at each face
                for f in range(flo, fhi + 1):
                    for m in range(NWAVE):
                        wl[m] = ql[m, f]
                        wr[m] = qr[m, f]
                    wl[QDN] = fmax(wl[QDN], dfloor)
                    wr[QDN] = fmax(wr[QDN], dfloor)
                    wl[QPR] = fmax(wl[QPR], pfloor)
                    wr[QPR] = fmax(wr[QPR], pfloor)
                    bx = bn[a2, a1, f] if mhd else 0.0
                    if iso:
                        if solver == RS_HLLE:
                            _hlle_iso(wl, wr, bx, cs2, fx)
                        else:
                            _hlld_iso(wl, wr, bx, cs2, dfloor, fx)
                    elif mhd:
                        if solver == RS_HLLD:
                            _hlld(wl, wr, bx, gamma, fx)
                        else:
                            _hlle(wl, wr, bx, gamma, fx)
                    elif solver == RS_HLLC:
                        _hllc(wl, wr, gamma, fx)
                    else:
                        _hlle(wl, wr, 0.0, gamma, fx)
                    fs[r, IDN, f] = fx[QDN]
                    fs[r, ivn, f] = fx[QVN]
                    fs[r, ivt1, f] = fx[QVT1]
                    fs[r, ivt2, f] = fx[QVT2]
                    fs[r, IEN, f] = fx[QPR]
                    fs[r, nvar, f] = fx[QBT2]        # E_t1
                    fs[r, nvar + 1, f] = -fx[QBT1]   # E_t2
                    for m in range(NHYDRO, nvar):
                        if fx[QDN] >= 0.0:
                            fs[r, m, f] = fx[QDN] * ql[NWAVE + m - NHYDRO, f]
                        else:
                            fs[r, m, f] = fx[QDN] * qr[NWAVE + m - NHYDRO, f]
            # store the slab
            nout, nin = (nr, fhi - flo + 1) if along else (fhi - flo + 1, nr)
            for o in range(nout):
                for t in range(nin):
                    if along:
                        r = o
                        f = flo + t
                    else:
                        r = t
                        f = flo + o
                    a1 = a1lo + r
                    for m in range(nvar):
                        flx[m, a2, a1, f] = fs[r, m, f]
                    if mhd:
                        emf1[a2, a1, f] = fs[r, nvar, f]
                        emf2[a2, a1, f] = fs[r, nvar + 1, f]


cdef inline double _upwind_weight(double mass_flux) noexcept nogil:
    # Gardiner & Stone 2005 eq 50: 1 -> take the left (lower-index) cell, 0 -> right, 1/2 if no flow
    if mass_flux > 0.0:
        return 1.0
    if mass_flux < 0.0:
        return 0.0
    return 0.5


def corner_emf(const double[:, :, :] va, const double[:, :, :] vb,
               const double[:, :, :] ba, const double[:, :, :] bb,
               const double[:, :, :] ea, const double[:, :, :] eb,
               const double[:, :, :] fa, const double[:, :, :] fb, double[:, :, :] out,
               tuple edges=None):
    """Upwind edge electric field E_c of Gardiner & Stone (2005), eqs 41-51.

    All views are in the permuted layout ``[c, b, a]`` where (a, b, c) is a
    cyclic permutation of the axes and the edge is along c:

    va, vb, ba, bb : (nc, nb, na) cell velocity and field components along a, b;
        the cell reference field is E_c = v_b B_a - v_a B_b (E = -v x B).
    ea, fa : (nc, nb, na+1) E_c and the mass flux at the a-faces (from the a sweep).
    eb, fb : (nc, nb+1, na) E_c and the mass flux at the b-faces.
    out : (nc, nb+1, na+1) E_c at the edges, filled for 1 <= jb < nb, 1 <= ia < na,
        or only for ``edges = (c_lo, c_hi, b_lo, b_hi, a_lo, a_hi)`` (inclusive, within those).

    E_edge = (E_a(jb-1) + E_a(jb) + E_b(ia-1) + E_b(ia)) / 4 plus the four
    gradient corrections (dE/db from the a-faces, dE/da from the b-faces)
    each taken from the cell upwind of the face flux (sign of the mass flux).
    """
    cdef Py_ssize_t nc = va.shape[0], nb = va.shape[1], na = va.shape[2]
    cdef Py_ssize_t ic, jb, ia
    cdef Py_ssize_t clo = 0, chi = nc - 1, blo = 1, bhi = nb - 1, alo = 1, ahi = na - 1
    cdef Py_ssize_t lo[3]
    cdef Py_ssize_t hi[3]
    cdef Py_ssize_t idx[3]
    cdef int order[3]
    cdef Py_ssize_t x0, x1, x2
    cdef int o0, o1, o2
    cdef double c00, c01, c10, c11, wgt, de_l2, de_r2, de_l1, de_r1
    if edges is not None:
        clo, chi, blo, bhi, alo, ahi = edges
        if not (0 <= clo and chi < nc and 1 <= blo and bhi < nb and 1 <= alo and ahi < na):
            raise ValueError(f"edges {edges} outside the block's interior edges")
    lo[0], lo[1], lo[2] = clo, blo, alo
    hi[0], hi[1], hi[2] = chi, bhi, ahi
    # walk the layout's axes from the largest stride to the smallest: the innermost loop
    # then streams through memory whichever axis the edge is along
    strides = sorted(range(3), key=lambda d: -abs(va.strides[d]))
    o0, o1, o2 = strides
    with nogil:
        for x0 in range(lo[o0], hi[o0] + 1):
            idx[o0] = x0
            for x1 in range(lo[o1], hi[o1] + 1):
                idx[o1] = x1
                for x2 in range(lo[o2], hi[o2] + 1):
                    idx[o2] = x2
                    ic = idx[0]
                    jb = idx[1]
                    ia = idx[2]
                    # cell-centred E_c at (jb-1, ia-1), (jb-1, ia), (jb, ia-1), (jb, ia)
                    c00 = vb[ic, jb - 1, ia - 1] * ba[ic, jb - 1, ia - 1] - va[ic, jb - 1, ia - 1] * bb[ic, jb - 1, ia - 1]
                    c01 = vb[ic, jb - 1, ia] * ba[ic, jb - 1, ia] - va[ic, jb - 1, ia] * bb[ic, jb - 1, ia]
                    c10 = vb[ic, jb, ia - 1] * ba[ic, jb, ia - 1] - va[ic, jb, ia - 1] * bb[ic, jb, ia - 1]
                    c11 = vb[ic, jb, ia] * ba[ic, jb, ia] - va[ic, jb, ia] * bb[ic, jb, ia]
                    # dE/da below and above the edge, upwinded with the a-face mass flux
                    wgt = _upwind_weight(fa[ic, jb - 1, ia])
                    de_l2 = (1.0 - wgt) * (eb[ic, jb, ia] - c01) + wgt * (eb[ic, jb, ia - 1] - c00)
                    wgt = _upwind_weight(fa[ic, jb, ia])
                    de_r2 = (1.0 - wgt) * (eb[ic, jb, ia] - c11) + wgt * (eb[ic, jb, ia - 1] - c10)
                    # dE/db left and right of the edge, upwinded with the b-face mass flux
                    wgt = _upwind_weight(fb[ic, jb, ia - 1])
                    de_l1 = (1.0 - wgt) * (ea[ic, jb, ia] - c10) + wgt * (ea[ic, jb - 1, ia] - c00)
                    wgt = _upwind_weight(fb[ic, jb, ia])
                    de_r1 = (1.0 - wgt) * (ea[ic, jb, ia] - c11) + wgt * (ea[ic, jb - 1, ia] - c01)
                    out[ic, jb, ia] = 0.25 * (de_l1 + de_r1 + de_l2 + de_r2
                                              + eb[ic, jb, ia - 1] + eb[ic, jb, ia]
                                              + ea[ic, jb - 1, ia] + ea[ic, jb, ia])


def update_conserved(const double[:, :, :, ::1] u0, const double[:, :, :, ::1] fx,
                     const double[:, :, :, ::1] fy, const double[:, :, :, ::1] fz,
                     const double[::1] ax, const double[::1] cx, double cy, double cz, tuple cells,
                     double[:, :, :, ::1] out):
    """out = u0 - cx_i [(A F_x)_{i+1/2} - (A F_x)_{i-1/2}] - cy dF_y - cz dF_z on
    ``cells = (ks, ke, js, je, is, ie)``.

    ``ax`` (ni + 1): face areas along x (ones for Cartesian); ``cx`` (ni):
    dt / V_i with V_i = int A dx over cell i (dt/dx_i for Cartesian), zeros
    along an inactive x; ``cy, cz = dt/dy, dt/dz`` (0 along an inactive
    axis).  ``out`` may be ``u0`` (in place).
    """
    cdef Py_ssize_t nvar = u0.shape[0], n, k, j, i
    cdef int ks = cells[0], ke = cells[1], js = cells[2], je = cells[3], is_ = cells[4], ie = cells[5]
    with nogil:
        for n in range(nvar):
            for k in range(ks, ke + 1):
                for j in range(js, je + 1):
                    for i in range(is_, ie + 1):
                        out[n, k, j, i] = (u0[n, k, j, i]
                                           - cx[i] * (ax[i + 1] * fx[n, k, j, i + 1] - ax[i] * fx[n, k, j, i])
                                           - cy * (fy[n, k, j + 1, i] - fy[n, k, j, i])
                                           - cz * (fz[n, k + 1, j, i] - fz[n, k, j, i]))


def ct_update(const double[:, :, ::1] b1, const double[:, :, ::1] b2, const double[:, :, ::1] b3,
              const double[:, :, ::1] e1, const double[:, :, ::1] e2, const double[:, :, ::1] e3,
              const double[::1] hx, const double[::1] cx, double cy, double cz, tuple cells,
              double[:, :, ::1] o1, double[:, :, ::1] o2, double[:, :, ::1] o3):
    """Constrained transport dB/dt = -curl E on the faces of ``cells``.

    Edge fields: e1 (nk+1, nj+1, ni) at (k-1/2, j-1/2, i), e2 (nk+1, nj, ni+1)
    at (k-1/2, j, i-1/2), e3 (nk, nj+1, ni+1) at (k, j-1/2, i-1/2).
    ``cy, cz = dt/dy, dt/dz`` (0 along an inactive axis: no derivative along
    it).  Along x, per cell i: ``cx[i] = dt / int h dx`` and ``hx`` (ni + 1)
    the transverse length scale h at the x faces, so that
    dB_t/dt = -(1/h) d(h E)/dx (Stokes on a face of width h: h = 1 for
    Cartesian, r in spherical, sqrt(A) in a flux tube).
    The output faces may be the input ones (in place).
    """
    cdef int ks = cells[0], ke = cells[1], js = cells[2], je = cells[3], is_ = cells[4], ie = cells[5]
    cdef Py_ssize_t k, j, i
    with nogil:
        for k in range(ks, ke + 1):
            for j in range(js, je + 1):
                for i in range(is_, ie + 2):
                    o1[k, j, i] = (b1[k, j, i] - cy * (e3[k, j + 1, i] - e3[k, j, i])
                                   + cz * (e2[k + 1, j, i] - e2[k, j, i]))
        for k in range(ks, ke + 1):
            for j in range(js, je + 2):
                for i in range(is_, ie + 1):
                    o2[k, j, i] = (b2[k, j, i] - cz * (e1[k + 1, j, i] - e1[k, j, i])
                                   + cx[i] * (hx[i + 1] * e3[k, j, i + 1] - hx[i] * e3[k, j, i]))
        for k in range(ks, ke + 2):
            for j in range(js, je + 1):
                for i in range(is_, ie + 1):
                    o3[k, j, i] = (b3[k, j, i] - cx[i] * (hx[i + 1] * e2[k, j, i + 1] - hx[i] * e2[k, j, i])
                                   + cy * (e1[k, j + 1, i] - e1[k, j, i]))


def min_crossing_time(const double[:, :, :, ::1] w, const double[:, :, :, ::1] bcc,
                      double gamma, const double[::1] dx1, tuple dx, tuple active, bint mhd, tuple cells):
    """min over ``cells`` and active axes d of dx_d / (|v_d| + c_f,d), with the width
    ``dx1[i]`` of each cell along x (``dx[0]`` is not used).  Isothermal: pass
    gamma = 1 (w's pressure slot holds c_s^2 rho)."""
    cdef int ks = cells[0], ke = cells[1], js = cells[2], je = cells[3], is_ = cells[4], ie = cells[5]
    cdef double h[3]
    cdef bint act[3]
    cdef Py_ssize_t k, j, i
    cdef int d
    cdef double dtmin = 1.0e300, cf, b0, b1, b2
    for d in range(3):
        h[d] = dx[d]
        act[d] = active[d]
    with nogil:
        for k in range(ks, ke + 1):
            for j in range(js, je + 1):
                for i in range(is_, ie + 1):
                    b0 = b1 = b2 = 0.0
                    if mhd:
                        b0 = bcc[0, k, j, i]
                        b1 = bcc[1, k, j, i]
                        b2 = bcc[2, k, j, i]
                    for d in range(3):
                        if not act[d]:
                            continue
                        if d == 0:
                            cf = _fast_speed(gamma, w[IDN, k, j, i], w[IEN, k, j, i], b0, b1, b2)
                        elif d == 1:
                            cf = _fast_speed(gamma, w[IDN, k, j, i], w[IEN, k, j, i], b1, b2, b0)
                        else:
                            cf = _fast_speed(gamma, w[IDN, k, j, i], w[IEN, k, j, i], b2, b0, b1)
                        dtmin = fmin(dtmin, (dx1[i] if d == 0 else h[d]) / (fabs(w[IM1 + d, k, j, i]) + cf))
    return dtmin


def fast_magnetosonic_speed_array(const double[::1] gamma, const double[::1] rho, const double[::1] p,
                                  const double[::1] bn, const double[::1] bt1, const double[::1] bt2,
                                  double[::1] out):
    """Array driver of :c:func:`fast_magnetosonic_speed`."""
    cdef Py_ssize_t i
    with nogil:
        for i in range(out.shape[0]):
            out[i] = _fast_speed(gamma[i], rho[i], p[i], bn[i], bt1[i], bt2[i])
