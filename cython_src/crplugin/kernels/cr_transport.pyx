"""Two-moment cosmic-ray transport kernels (Jiang & Oh 2018, ApJ 854, 5).

Variables: ``cr[0] = E_c`` (CR energy density) and ``cr[1:4] = F_c`` (CR
energy flux, *not* divided by the reduced speed of light ``V_m``).  The
equations (JO18 eqs 7-8, P_c = (gamma_c - 1) E_c, isotropic Eddington tensor)::

    dE_c/dt + div F_c                    = -(v + v_s) . sigma . R
    dF_c/dt + V_m^2 (gamma_c - 1) grad E_c = -V_m^2 sigma . R
    R = F_c - (v + u_s) gamma_c E_c

with ``sigma = sigma_par b b + sigma_perp (I - b b)``.  ``u_s`` is zero for
self-confined streaming (streaming enters through the opacity) and equal to
the fixed signed wave speed along ``b`` in the extrinsic-turbulence mode.

The kernels work with the *inverse* opacities ``s = 1/sigma`` (finite for
every input the Python layer lets through; ``s = inf`` means no scattering,
``s = 0`` infinitely many), so that no division by a vanishing opacity or
gradient ever happens.

Array conventions: ``[var, k, j, i]`` C-contiguous, x fastest; loops run over
half-open index ranges ``k0:k1, j0:j1, i0:i1`` passed by the caller.
"""
from libc.math cimport sqrt, fabs, exp, tanh, INFINITY

from crplugin.kernels._map cimport map3, map5

# ---------------------------------------------------------------------------
# pointwise kernels (exported through the C API)
# ---------------------------------------------------------------------------

cdef double cr_reduced_speed(double v_m, double gamma_c, double tau) noexcept nogil:
    # HLL signal speed of the two-moment system across a cell of optical depth
    # tau = V_m sigma dx (JO18 section 3.1; same functional form as Athena++):
    #   a = V_m sqrt(gamma_c - 1) sqrt((1 - exp(-q)) / q),  q = tau^2 / (2 (gamma_c - 1)).
    # a -> V_m sqrt(gamma_c - 1) (free streaming) for tau -> 0 and
    # a -> sqrt(2) (gamma_c - 1) V_m / tau (~ kappa/dx) for tau -> inf.
    cdef double cmax = v_m * sqrt(gamma_c - 1.0)
    cdef double q
    if not (tau > 0.0):          # tau = 0 (or NaN): no reduction
        return cmax
    q = tau * tau / (2.0 * (gamma_c - 1.0))
    if q < 1.0e-3:
        return cmax * sqrt(1.0 - 0.5 * q)
    if q > 700.0:                # exp(-q) underflows; also q = inf -> 0
        return cmax / sqrt(q)
    return cmax * sqrt((1.0 - exp(-q)) / q)


cdef double cr_streaming_sign(double h_c, double pc, double b_grad_pc) noexcept nogil:
    # Regularised sign of b . grad P_c (Sharma, Colella & Martin 2010):
    #   tanh(h_c b.grad P_c / P_c);  exact sign where P_c <= 0; 0 at zero gradient.
    if pc > 0.0:
        return tanh(h_c * b_grad_pc / pc)
    if b_grad_pc > 0.0:
        return 1.0
    if b_grad_pc < 0.0:
        return -1.0
    return 0.0


cdef double cr_streaming_inverse_opacity(double v_st, double gamma_c, double h_c, double pc, double b_grad_pc) noexcept nogil:
    # 1/sigma_s = v_st (E_c + P_c) |tanh(x)| / |b.grad P_c|,  x = h_c b.grad P_c / P_c
    #           = gamma_c/(gamma_c-1) v_st h_c tanh|x| / |x|,
    # i.e. the regularised streaming flux v_st (E_c+P_c) tanh(x) written as a
    # diffusion along b.  Bounded by gamma_c/(gamma_c-1) v_st h_c (its zero-
    # gradient limit), so the streaming opacity never vanishes.
    cdef double ag = fabs(b_grad_pc)
    cdef double pref, x
    if not (v_st > 0.0):
        return 0.0
    pref = gamma_c / (gamma_c - 1.0) * v_st
    if not (pc > 0.0):
        if ag > 0.0:
            return 0.0           # no CRs to stream
        return pref * h_c
    x = h_c * ag / pc
    if x < 1.0e-4:
        return pref * h_c * (1.0 - x * x / 3.0)
    return pref * pc * tanh(x) / ag


cdef double cr_streaming_heating(double v_st, double h_c, double pc, double b_grad_pc) noexcept nogil:
    # Streaming heating of the gas, H = -v_s . grad P_c = v_st tanh(x) b.grad P_c >= 0,
    # x = h_c b.grad P_c / P_c (Zweibel 2021 eq 38, |v_A . grad P_c|, with the regularised
    # sign of the transport): the energy the CR step actually hands to the gas.  This is
    # the one definition used by the solver, the source terms, the outputs and yt.
    return v_st * b_grad_pc * cr_streaming_sign(h_c, pc, b_grad_pc)


cdef void cr_unit_vector(double b1, double b2, double b3, double* out) noexcept nogil:
    # b = B/|B|; b = 0 where B = 0 (no direction: only the isotropic (perpendicular)
    # coefficients act there and nothing streams).  The one definition of b.
    cdef double bm = sqrt(b1 * b1 + b2 * b2 + b3 * b3)
    if bm > 0.0:
        out[0] = b1 / bm
        out[1] = b2 / bm
        out[2] = b3 / bm
    else:
        out[0] = 0.0
        out[1] = 0.0
        out[2] = 0.0


cdef void cr_streaming_terms(double v_st, double gamma_c, double h_c, double pc, double b_grad_pc,
                             double* inv_opacity, double* v_par) noexcept nogil:
    # Both streaming quantities of a cell from one tanh: the inverse streaming
    # opacity (cr_streaming_inverse_opacity) and the signed streaming velocity
    # along b, v_par = -v_st tanh(x) (cr_streaming_sign).  Same branches and
    # arithmetic as those two functions.
    cdef double ag = fabs(b_grad_pc)
    cdef double pref, x, t
    if pc > 0.0:
        t = tanh(h_c * b_grad_pc / pc)
    elif b_grad_pc > 0.0:
        t = 1.0
    elif b_grad_pc < 0.0:
        t = -1.0
    else:
        t = 0.0
    v_par[0] = -v_st * t
    if not (v_st > 0.0):
        inv_opacity[0] = 0.0
        return
    pref = gamma_c / (gamma_c - 1.0) * v_st
    if not (pc > 0.0):
        inv_opacity[0] = 0.0 if ag > 0.0 else pref * h_c
        return
    x = h_c * ag / pc
    if x < 1.0e-4:
        inv_opacity[0] = pref * h_c * (1.0 - x * x / 3.0)
    else:
        inv_opacity[0] = pref * pc * fabs(t) / ag     # tanh(|x|) = |tanh(x)|


# ---------------------------------------------------------------------------
# small helpers (not exported)
# ---------------------------------------------------------------------------

cdef inline double _vanleer(double dl, double dr) noexcept nogil:
    # harmonic-mean (van Leer) limited slope
    cdef double p = dl * dr
    if p <= 0.0:
        return 0.0
    return 2.0 * p / (dl + dr)


# ---------------------------------------------------------------------------
# array drivers
# ---------------------------------------------------------------------------

def grad_pc(const double[:, :, :, ::1] cr, const double[:, :, :, ::1] bhat,
            double dx1, double dx2, double dx3, int act1, int act2, int act3,
            double gamma_c,
            Py_ssize_t k0, Py_ssize_t k1, Py_ssize_t j0, Py_ssize_t j1,
            Py_ssize_t i0, Py_ssize_t i1,
            double[:, :, :, ::1] grad, double[:, :, ::1] gpar):
    """Centred-difference ``grad P_c`` (into ``grad[0:3]``) and ``b . grad P_c`` (into ``gpar``).

    ``act1..3`` flag the active axes (an inactive axis has zero derivative).
    The range must leave one cell on each side of every active axis.
    """
    cdef Py_ssize_t k, j, i
    cdef double g1, g2, g3
    cdef double c1 = (gamma_c - 1.0) / (2.0 * dx1)
    cdef double c2 = (gamma_c - 1.0) / (2.0 * dx2)
    cdef double c3 = (gamma_c - 1.0) / (2.0 * dx3)
    with nogil:
        for k in range(k0, k1):
            for j in range(j0, j1):
                for i in range(i0, i1):
                    g1 = c1 * (cr[0, k, j, i + 1] - cr[0, k, j, i - 1]) if act1 else 0.0
                    g2 = c2 * (cr[0, k, j + 1, i] - cr[0, k, j - 1, i]) if act2 else 0.0
                    g3 = c3 * (cr[0, k + 1, j, i] - cr[0, k - 1, j, i]) if act3 else 0.0
                    grad[0, k, j, i] = g1
                    grad[1, k, j, i] = g2
                    grad[2, k, j, i] = g3
                    gpar[k, j, i] = bhat[0, k, j, i] * g1 + bhat[1, k, j, i] * g2 + bhat[2, k, j, i] * g3


def cr_opacity(const double[:, :, :, ::1] cr, const double[:, :, ::1] gpar,
               const double[:, :, :, ::1] bhat,
               const double[:, :, ::1] kappa_par, const double[:, :, ::1] kappa_perp,
               const double[:, :, ::1] stream_speed, const double[:, :, ::1] stream_vpar,
               int extrinsic, double v_m, double gamma_c, double h_c,
               double dx1, double dx2, double dx3,
               Py_ssize_t k0, Py_ssize_t k1, Py_ssize_t j0, Py_ssize_t j1,
               Py_ssize_t i0, Py_ssize_t i1,
               double[:, :, ::1] s_par, double[:, :, ::1] s_perp,
               double[:, :, ::1] vs_par, double[:, :, ::1] us_par,
               double[:, :, :, ::1] asig):
    """Per-cell inverse opacities, streaming velocity along b and HLL signal speeds.

    * ``s_par = kappa_par/(gamma_c-1) + 1/sigma_s`` (self-confinement) or
      ``kappa_par/(gamma_c-1)`` (extrinsic), ``s_perp = kappa_perp/(gamma_c-1)``
      (kappa the usual diffusivity, F = -kappa grad E_c).
    * ``vs_par``: signed streaming speed along b in the energy equation,
      ``-v_st tanh(h_c b.grad P_c / P_c)`` or the fixed extrinsic speed.
    * ``us_par``: shift of the relaxation target along b (extrinsic speed or 0).
    * ``asig[d]``: signal speed along axis d, ``cr_reduced_speed`` at the optical
      depth ``V_m dx_d / D_dd`` with ``D_dd = b_d^2 s_par + (1-b_d^2) s_perp``,
      plus ``|v_s b_d|``, capped at ``V_m sqrt(gamma_c-1)``.
    """
    cdef Py_ssize_t k, j, i, d
    cdef double pc, sp, so, vs, us, bd2, D, tau, a, dxd
    cdef double cmax = v_m * sqrt(gamma_c - 1.0)
    cdef double gm1 = gamma_c - 1.0
    cdef double dxs[3]
    dxs[0] = dx1
    dxs[1] = dx2
    dxs[2] = dx3
    with nogil:
        for k in range(k0, k1):
            for j in range(j0, j1):
                for i in range(i0, i1):
                    sp = kappa_par[k, j, i] / gm1
                    so = kappa_perp[k, j, i] / gm1
                    if extrinsic:
                        vs = stream_vpar[k, j, i]
                        us = vs
                    else:
                        pc = gm1 * cr[0, k, j, i]
                        if pc < 0.0:
                            pc = 0.0
                        sp = sp + cr_streaming_inverse_opacity(stream_speed[k, j, i], gamma_c, h_c,
                                                               pc, gpar[k, j, i])
                        vs = -stream_speed[k, j, i] * cr_streaming_sign(h_c, pc, gpar[k, j, i])
                        us = 0.0
                    s_par[k, j, i] = sp
                    s_perp[k, j, i] = so
                    vs_par[k, j, i] = vs
                    us_par[k, j, i] = us
                    for d in range(3):
                        bd2 = bhat[d, k, j, i] * bhat[d, k, j, i]
                        D = 0.0
                        if bd2 > 0.0:
                            D = D + bd2 * sp
                        if bd2 < 1.0:
                            D = D + (1.0 - bd2) * so
                        dxd = dxs[d]
                        if D > 0.0:
                            tau = v_m * dxd / D          # D = inf -> tau = 0
                        else:
                            tau = INFINITY
                        a = cr_reduced_speed(v_m, gamma_c, tau) + fabs(vs * bhat[d, k, j, i])
                        if a > cmax:
                            a = cmax
                        asig[d, k, j, i] = a


def cr_flux(const double[:, :, :, ::1] cr, const double[:, :, :, ::1] vel,
            const double[:, :, :, ::1] asig, int axis, double v_m, double gamma_c,
            Py_ssize_t k0, Py_ssize_t k1, Py_ssize_t j0, Py_ssize_t j1,
            Py_ssize_t i0, Py_ssize_t i1, double[:, :, :, ::1] flux):
    """HLL flux of (E_c, F_c) through the faces normal to ``axis``.

    Face index ``c`` along ``axis`` is the lower face of cell ``c``; the loop
    range is in face indices.  States: piecewise-linear reconstruction of the
    four variables with the van Leer (harmonic) limiter, needing two cells on
    each side of every face.  Physical flux along x: ``(F_x, V_m^2 P_c, 0, 0)``
    (isotropic Eddington tensor).  Wave speeds (Athena++-type HLLE bounds)::

        S_L = min(v_L - a_L, v_R - a_R),  S_R = max(v_L + a_L, v_R + a_R)

    clipped to ``+-V_m sqrt(gamma_c-1)``, with ``a`` from :func:`cr_opacity`
    and ``v`` the gas velocity along the axis.
    """
    cdef Py_ssize_t k, j, i, n
    cdef Py_ssize_t dk = 1 if axis == 2 else 0
    cdef Py_ssize_t dj = 1 if axis == 1 else 0
    cdef Py_ssize_t di = 1 if axis == 0 else 0
    cdef int nf = 1 + axis
    cdef double cmax = v_m * sqrt(gamma_c - 1.0)
    cdef double vm2p = v_m * v_m * (gamma_c - 1.0)
    cdef double ul[4]
    cdef double ur[4]
    cdef double fl[4]
    cdef double fr[4]
    cdef double qm2, qm1, q0, qp1, sl, sr, bp, bm, vl, vr, al, ar
    with nogil:
        for k in range(k0, k1):
            for j in range(j0, j1):
                for i in range(i0, i1):
                    for n in range(4):
                        qm2 = cr[n, k - 2 * dk, j - 2 * dj, i - 2 * di]
                        qm1 = cr[n, k - dk, j - dj, i - di]
                        q0 = cr[n, k, j, i]
                        qp1 = cr[n, k + dk, j + dj, i + di]
                        ul[n] = qm1 + 0.5 * _vanleer(qm1 - qm2, q0 - qm1)
                        ur[n] = q0 - 0.5 * _vanleer(q0 - qm1, qp1 - q0)
                    vl = vel[axis, k - dk, j - dj, i - di]
                    vr = vel[axis, k, j, i]
                    al = asig[axis, k - dk, j - dj, i - di]
                    ar = asig[axis, k, j, i]
                    sl = vl - al
                    if vr - ar < sl:
                        sl = vr - ar
                    sr = vl + al
                    if vr + ar > sr:
                        sr = vr + ar
                    if sl < -cmax:
                        sl = -cmax
                    if sr > cmax:
                        sr = cmax
                    bm = sl if sl < 0.0 else 0.0
                    bp = sr if sr > 0.0 else 0.0
                    fl[0] = ul[nf]
                    fr[0] = ur[nf]
                    for n in range(1, 4):
                        fl[n] = 0.0
                        fr[n] = 0.0
                    fl[nf] = vm2p * ul[0]
                    fr[nf] = vm2p * ur[0]
                    if bp - bm > 0.0:
                        for n in range(4):
                            flux[n, k, j, i] = (bp * fl[n] - bm * fr[n] + bp * bm * (ur[n] - ul[n])) / (bp - bm)
                    else:
                        for n in range(4):
                            flux[n, k, j, i] = 0.5 * (fl[n] + fr[n])


def cr_flux_update(const double[:, :, :, ::1] base, const double[:, :, :, ::1] flux1,
                   const double[:, :, :, ::1] flux2, const double[:, :, :, ::1] flux3,
                   int act1, int act2, int act3, double dt,
                   double dx1, double dx2, double dx3,
                   Py_ssize_t k0, Py_ssize_t k1, Py_ssize_t j0, Py_ssize_t j1,
                   Py_ssize_t i0, Py_ssize_t i1, double[:, :, :, ::1] out):
    """``out = base - dt div(flux)`` on the cells of the range (conservative update).

    ``flux<d>`` is indexed by face (lower face of cell c has index c); the
    flux arrays of inactive axes are not read.
    """
    cdef Py_ssize_t k, j, i, n
    cdef double r1 = dt / dx1
    cdef double r2 = dt / dx2
    cdef double r3 = dt / dx3
    cdef double acc
    with nogil:
        for n in range(4):
            for k in range(k0, k1):
                for j in range(j0, j1):
                    for i in range(i0, i1):
                        acc = base[n, k, j, i]
                        if act1:
                            acc = acc - r1 * (flux1[n, k, j, i + 1] - flux1[n, k, j, i])
                        if act2:
                            acc = acc - r2 * (flux2[n, k, j + 1, i] - flux2[n, k, j, i])
                        if act3:
                            acc = acc - r3 * (flux3[n, k + 1, j, i] - flux3[n, k, j, i])
                        out[n, k, j, i] = acc


def cr_source(double[:, :, :, ::1] cr, const double[:, :, :, ::1] vel,
              const double[:, :, :, ::1] bhat,
              const double[:, :, ::1] s_par, const double[:, :, ::1] s_perp,
              const double[:, :, ::1] vs_par, const double[:, :, ::1] us_par,
              double dt, double v_m, double gamma_c,
              Py_ssize_t k0, Py_ssize_t k1, Py_ssize_t j0, Py_ssize_t j1,
              Py_ssize_t i0, Py_ssize_t i1,
              double[:, :, ::1] d_ec, double[:, :, :, ::1] d_fc):
    """Cell-local backward-Euler update of the CR source terms (in place on ``cr``).

    Solves, per cell, in the frame aligned with ``b`` (JO18 section 3.2)::

        F' = F* - dt V_m^2 sigma . (F' - (v + u_s) gamma_c E')
        E' = E* - dt (v + v_s) . sigma . (F' - (v + u_s) gamma_c E')

    Each component alpha (par, perp) gives ``F'_a = F*_a - V_m^2 d_a (F*_a -
    gamma_c u_a E')`` with ``d_a = dt / (s_a + dt V_m^2)`` (finite for s = 0
    and zero for s = inf), and E' follows from one linear equation.  Writes
    the changes ``d_ec = E' - E*`` and ``d_fc = F' - F*``; the gas receives
    ``-d_ec`` (total energy) and ``-d_fc / V_m^2`` (momentum).  If E' < 0 the
    energy keeps its pre-source value (or 0 if that was negative too); the
    change is still reported, so the exchange stays conservative.
    """
    cdef Py_ssize_t k, j, i
    cdef double vm2 = v_m * v_m
    cdef double b1, b2, b3, v1, v2, v3, f1, f2, f3, e0
    cdef double vpar, wpar, upar, fpar, dpar, dperp, sp, so, den, num, e1
    cdef double vp1, vp2, vp3, fp1, fp2, fp3, rpar, rp1, rp2, rp3
    with nogil:
        for k in range(k0, k1):
            for j in range(j0, j1):
                for i in range(i0, i1):
                    e0 = cr[0, k, j, i]
                    f1 = cr[1, k, j, i]
                    f2 = cr[2, k, j, i]
                    f3 = cr[3, k, j, i]
                    b1 = bhat[0, k, j, i]
                    b2 = bhat[1, k, j, i]
                    b3 = bhat[2, k, j, i]
                    v1 = vel[0, k, j, i]
                    v2 = vel[1, k, j, i]
                    v3 = vel[2, k, j, i]
                    sp = s_par[k, j, i]
                    so = s_perp[k, j, i]
                    # components along and across b
                    vpar = v1 * b1 + v2 * b2 + v3 * b3
                    fpar = f1 * b1 + f2 * b2 + f3 * b3
                    vp1 = v1 - vpar * b1
                    vp2 = v2 - vpar * b2
                    vp3 = v3 - vpar * b3
                    fp1 = f1 - fpar * b1
                    fp2 = f2 - fpar * b2
                    fp3 = f3 - fpar * b3
                    upar = vpar + us_par[k, j, i]          # relaxation target velocity along b
                    wpar = vpar + vs_par[k, j, i]          # velocity in the energy source along b
                    dpar = dt / (sp + dt * vm2)            # s = inf -> 0
                    dperp = dt / (so + dt * vm2)
                    # E' (1 - gamma_c [wpar dpar upar + dperp vperp.vperp]) = E* - wpar dpar Fpar - dperp vperp.Fperp
                    den = 1.0 - gamma_c * (wpar * dpar * upar + dperp * (vp1 * vp1 + vp2 * vp2 + vp3 * vp3))
                    num = e0 - wpar * dpar * fpar - dperp * (vp1 * fp1 + vp2 * fp2 + vp3 * fp3)
                    if den > 1.0e-12:
                        e1 = num / den
                    else:                                   # V_m too small for the flow: keep E
                        e1 = e0
                    if not (e1 >= 0.0):
                        e1 = e0 if e0 > 0.0 else 0.0
                    rpar = vm2 * dpar * (fpar - gamma_c * upar * e1)
                    rp1 = vm2 * dperp * (fp1 - gamma_c * vp1 * e1)
                    rp2 = vm2 * dperp * (fp2 - gamma_c * vp2 * e1)
                    rp3 = vm2 * dperp * (fp3 - gamma_c * vp3 * e1)
                    d_ec[k, j, i] = e1 - e0
                    d_fc[0, k, j, i] = -(rpar * b1 + rp1)
                    d_fc[1, k, j, i] = -(rpar * b2 + rp2)
                    d_fc[2, k, j, i] = -(rpar * b3 + rp3)
                    cr[0, k, j, i] = e1
                    cr[1, k, j, i] = f1 - (rpar * b1 + rp1)
                    cr[2, k, j, i] = f2 - (rpar * b2 + rp2)
                    cr[3, k, j, i] = f3 - (rpar * b3 + rp3)


def cr_reduced_speed_array(const double[::1] v_m, const double[::1] gamma_c,
                           const double[::1] tau, double[::1] out):
    with nogil:
        map3(cr_reduced_speed, v_m, gamma_c, tau, out)


def cr_streaming_sign_array(const double[::1] h_c, const double[::1] pc,
                            const double[::1] b_grad_pc, double[::1] out):
    with nogil:
        map3(cr_streaming_sign, h_c, pc, b_grad_pc, out)


def cr_streaming_inverse_opacity_array(const double[::1] v_st, const double[::1] gamma_c,
                                       const double[::1] h_c, const double[::1] pc,
                                       const double[::1] b_grad_pc, double[::1] out):
    with nogil:
        map5(cr_streaming_inverse_opacity, v_st, gamma_c, h_c, pc, b_grad_pc, out)


def cr_streaming_heating_array(const double[::1] v_st, const double[::1] h_c,
                               const double[::1] pc, const double[::1] b_grad_pc, double[::1] out):
    cdef Py_ssize_t i
    with nogil:
        for i in range(out.shape[0]):
            out[i] = cr_streaming_heating(v_st[i], h_c[i], pc[i], b_grad_pc[i])


def unit_vector(const double[:, :, :, ::1] bcc, double[:, :, :, ::1] out):
    """``out = B/|B|`` per cell, 0 where B = 0 (:c:func:`cr_unit_vector`)."""
    cdef Py_ssize_t k, j, i
    cdef double b[3]
    with nogil:
        for k in range(bcc.shape[1]):
            for j in range(bcc.shape[2]):
                for i in range(bcc.shape[3]):
                    cr_unit_vector(bcc[0, k, j, i], bcc[1, k, j, i], bcc[2, k, j, i], b)
                    out[0, k, j, i] = b[0]
                    out[1, k, j, i] = b[1]
                    out[2, k, j, i] = b[2]
