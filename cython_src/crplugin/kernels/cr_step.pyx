"""One compiled CR step: every sub-step of the two-moment transport of one MHD step.

The equations, opacities and numerics are those of ``crplugin.solver.cr``
(Jiang & Oh 2018, ApJ 854, 5, eqs 7-8); this module runs them without
returning to Python: per sub-step of size ``dt``

1. ghost fill of ``cr`` (and of the gas ``u`` when the exchange changes it):
   physical boundaries compiled here, sides shared with another MPI rank
   through one callback per axis (``halo(axis)``, into ``crplugin.parallel``);
2. stage 1 (predictor to dt/2): gradient of P_c, state-dependent coefficients
   (a :class:`CoefficientKernel`), opacities and HLL signal speeds, HLL fluxes,
   conservative update, cell-local implicit source;
3. stage 2 (corrector to dt from U^n with the fluxes of U^{n+1/2}): the same,
   and the gas receives the opposite energy and momentum of the source.

Two streaming schemes (``consistent``, set per instance; ``cr.streaming_scheme``):

* centred (0): the streaming opacity sigma_s = |b.grad P_c| / (v_st (E_c + P_c)
  tanh|x|) from the centred gradient g of P_c, PLM with the van Leer limiter for
  every variable (Jiang & Oh 2018).  The flux equation balances the opacity
  against another gradient, that of the HLL face pressures; where a gradient
  decays by a factor r per cell the two differ by (1-r)^2/(1+r)^2, and the
  bottleneck's steady flux is 2 % below 4 v_st P_c behind its peak.
* consistent (1), three changes that are needed together (docs/implicit_cr.md):

  1. the opacity of the active cells from the gradient the flux equation sees
     (``_face_opacity``: the mean of the two reconstructed face states of P_c
     on each face; the signal speeds keep g, so a cell's face speeds do not
     depend on slopes beyond its ghosts, whatever the decomposition);
  2. E_c reconstructed third-order (kappa = 1/3 MUSCL, Koren limiter): the HLL
     dissipation of E_c, at up to the free-streaming speed where the profile
     turns flat, lets extra flux through the bottleneck (5.8 % at 128 cells with
     van Leer, 1.3 % with Koren);
  3. no flux lag: with a consistent opacity saturated streaming at a reduced
     speed of light is linearly unstable (F_c relaxes to 4 v_A P_c only at the
     rate Gamma = V_m^2 q / (4 v_A), q = |grad ln P_c|, an anti-diffusion
     4 v_A^2 / (3 Gamma)).  After each stage (transport and source) F_c changes
     with E_c as the saturated streaming flux does, dF_c += gamma_c v_s b dE_c
     (``_remove_flux_lag``, dE_c the stage's whole change, so the term vanishes
     once E_c is steady; with the transport's change alone the explicit steady
     state would be L_F = gamma_c v_s b S_E, not L = 0); the gas gets it back
     with the source's momentum, so gas + CR momentum stays conserved.

Geometry along x1 (1D winds): cell widths ``dx1[i]``, face areas
``area1[i]`` (face i is the lower face of cell i) and volumes per unit
transverse area ``vol1[i] = int A dx``.  The divergence is
``(A_{i+1/2} F_{i+1/2} - A_{i-1/2} F_{i-1/2}) / V_i`` for every variable, and
the x1 flux equation gets the geometric source
``V_m^2 P_c (A_{i+1/2} - A_{i-1/2}) / V_i`` (the pressure acts on the side
walls), so a uniform P_c at rest stays at rest.  Gradients are centred with
the real centre spacing (``gcoef1[i] = (gamma_c-1)/(x_{i+1} - x_{i-1})``).
Cartesian: A = 1, V = dx, the arithmetic is that of the uniform scheme.

A place for another time integrator: ``_substep`` is the whole explicit
sub-step (two stages); an implicit transport replaces it, keeping the
boundary fill, the coefficient hook and the gas exchange.
"""
from libc.math cimport sqrt, fabs, INFINITY

import numpy as np

from crplugin.kernels.cr_transport cimport (cr_reduced_speed, cr_streaming_terms,
                                             cr_streaming_heating)

# boundary codes of one side of one axis (crplugin/solver/cr.py maps the kinds)
cdef enum:
    BC_NONE = 0         # inactive axis
    BC_PERIODIC = 1     # periodic, neighbour is this block
    BC_OUTFLOW = 2      # zero gradient
    BC_CR_OUTFLOW = 3   # zero gradient, E_c extrapolated log-linearly (never rising outward)
    BC_REFLECTING = 4   # mirror, normal momentum and normal CR flux change sign
    BC_HOLD = 5         # zero gradient, then the masked variables held at their step-start ghosts
    BC_REMOTE = 6       # filled by the halo exchange callback

BOUNDARY_CODES = {"none": BC_NONE, "periodic": BC_PERIODIC, "outflow": BC_OUTFLOW,
                  "cr_outflow": BC_CR_OUTFLOW, "reflecting": BC_REFLECTING, "hold": BC_HOLD,
                  "remote": BC_REMOTE}

cdef int IDN = 0
cdef int IM1 = 1
cdef int IEN = 4


cdef class CoefficientKernel:
    """Base class of the state-dependent coefficient kernels (see cr_step.pxd)."""

    cdef void update(self, const double[:, :, :, ::1] cr, const double[:, :, ::1] gpar,
                     Py_ssize_t k0, Py_ssize_t k1, Py_ssize_t j0, Py_ssize_t j1,
                     Py_ssize_t i0, Py_ssize_t i1,
                     double[:, :, ::1] kappa_par, double[:, :, ::1] kappa_perp) noexcept nogil:
        pass

    def evaluate(self, cr, gpar, kappa_par, kappa_perp):
        """Python entry (outputs, tests): the same ``update`` on every cell of the arrays."""
        cdef double[:, :, :, ::1] c = np.ascontiguousarray(cr, dtype=float)
        cdef double[:, :, ::1] g = np.ascontiguousarray(gpar, dtype=float)
        cdef double[:, :, ::1] kp = kappa_par
        cdef double[:, :, ::1] ko = kappa_perp
        with nogil:
            self.update(c, g, 0, g.shape[0], 0, g.shape[1], 0, g.shape[2], kp, ko)


# ---------------------------------------------------------------------------
# cell kernels over index ranges
# ---------------------------------------------------------------------------

cdef inline double _koren(double dl, double dr, int left_face, double* s_dl, double* s_dr) noexcept nogil:
    # The limited kappa = 1/3 (third-order upwind-biased) slope of a cell from its left and
    # right differences (Koren 1993): unlimited (dl + 2 dr)/3 for the right face, (2 dl + dr)/3
    # for the left one, limited to 2 min(|dl|, |dr|) and to 0 at an extremum; the face state
    # is q +- slope/2.  With s_dl != NULL also d slope/d dl and d slope/d dr (of the branch taken).
    cdef double t, m
    if s_dl != NULL:
        s_dl[0], s_dr[0] = 0.0, 0.0
    if dl * dr <= 0.0:
        return 0.0
    t = (2.0 * dl + dr) / 3.0 if left_face else (dl + 2.0 * dr) / 3.0
    m = 2.0 * dl if fabs(dl) < fabs(dr) else 2.0 * dr
    if fabs(t) < fabs(m):
        if s_dl != NULL:
            s_dl[0], s_dr[0] = (2.0 / 3.0, 1.0 / 3.0) if left_face else (1.0 / 3.0, 2.0 / 3.0)
        return t
    if s_dl != NULL:
        if fabs(dl) < fabs(dr):
            s_dl[0] = 2.0
        else:
            s_dr[0] = 2.0
    return m


cdef inline double _vanleer(double dl, double dr) noexcept nogil:
    cdef double p = dl * dr
    if p <= 0.0:
        return 0.0
    return 2.0 * p / (dl + dr)


cdef inline void _hll_bounds(double vl, double al, double vr, double ar, double cmax,
                             double* bm, double* bp) noexcept nogil:
    # HLL wave-speed bounds of a face (Davis estimate from the cell speeds v -+ a on both
    # sides, capped at the free-streaming speed cmax): bm = min(s_L, 0), bp = max(s_R, 0).
    # The one definition for the flux and its Jacobian.
    cdef double sl = vl - al, sr = vl + al
    if vr - ar < sl:
        sl = vr - ar
    if vr + ar > sr:
        sr = vr + ar
    if sl < -cmax:
        sl = -cmax
    if sr > cmax:
        sr = cmax
    bm[0] = sl if sl < 0.0 else 0.0
    bp[0] = sr if sr > 0.0 else 0.0


cdef inline double _along_b(double b1, double b2, double b3, double x1, double x2, double x3,
                           double* p1, double* p2, double* p3) noexcept nogil:
    # x = x_par b + x_perp: returns x_par and writes x_perp (the one split of a vector along
    # and across the unit vector b, used by the source update, the rate and the Jacobian)
    cdef double par = x1 * b1 + x2 * b2 + x3 * b3
    p1[0] = x1 - par * b1
    p2[0] = x2 - par * b2
    p3[0] = x3 - par * b3
    return par


cdef void _copy4(const double[:, :, :, ::1] a, double[:, :, :, ::1] b) noexcept nogil:
    cdef Py_ssize_t v, k, j, i
    for v in range(a.shape[0]):
        for k in range(a.shape[1]):
            for j in range(a.shape[2]):
                for i in range(a.shape[3]):
                    b[v, k, j, i] = a[v, k, j, i]


cdef void _gradient(const double[:, :, :, ::1] cr, const double[:, :, :, ::1] bhat,
                    const double[::1] gcoef1, double c2, double c3, int act1, int act2, int act3,
                    Py_ssize_t k0, Py_ssize_t k1, Py_ssize_t j0, Py_ssize_t j1,
                    Py_ssize_t i0, Py_ssize_t i1,
                    double[:, :, :, ::1] grad, double[:, :, ::1] gpar) noexcept nogil:
    # Centred grad P_c = (gamma_c - 1) grad E_c and b.grad P_c: the one definition of
    # the CR pressure gradient (c2, c3 = (gamma_c-1)/(2 dx); gcoef1 per cell along x1).
    cdef Py_ssize_t k, j, i
    cdef double g1, g2, g3
    for k in range(k0, k1):
        for j in range(j0, j1):
            for i in range(i0, i1):
                g1 = gcoef1[i] * (cr[0, k, j, i + 1] - cr[0, k, j, i - 1]) if act1 else 0.0
                g2 = c2 * (cr[0, k, j + 1, i] - cr[0, k, j - 1, i]) if act2 else 0.0
                g3 = c3 * (cr[0, k + 1, j, i] - cr[0, k - 1, j, i]) if act3 else 0.0
                grad[0, k, j, i] = g1
                grad[1, k, j, i] = g2
                grad[2, k, j, i] = g3
                gpar[k, j, i] = bhat[0, k, j, i] * g1 + bhat[1, k, j, i] * g2 + bhat[2, k, j, i] * g3


cdef void _source_cells(double[:, :, :, ::1] cr, const double[:, :, :, ::1] vel,
                        const double[:, :, :, ::1] bhat,
                        const double[:, :, ::1] s_par, const double[:, :, ::1] s_perp,
                        const double[:, :, ::1] vs_par, const double[:, :, ::1] us_par,
                        double dt, double v_m, double gamma_c,
                        Py_ssize_t k0, Py_ssize_t k1, Py_ssize_t j0, Py_ssize_t j1,
                        Py_ssize_t i0, Py_ssize_t i1,
                        double[:, :, ::1] d_ec, double[:, :, :, ::1] d_fc) noexcept nogil:
    # Cell-local backward-Euler update of the CR source terms (in place on cr), in the
    # frame of b (JO18 section 3.2):
    #   F' = F* - dt V_m^2 sigma . (F' - (v + u_s) gamma_c E')
    #   E' = E* - dt (v + v_s) . sigma . (F' - (v + u_s) gamma_c E')
    # Each component a (par, perp): F'_a = F*_a - V_m^2 d_a (F*_a - gamma_c u_a E') with
    # d_a = dt / (s_a + dt V_m^2) (finite for s = 0, zero for s = inf); E' from one linear
    # equation.  d_ec = E' - E*, d_fc = F' - F*; the gas receives -d_ec and -d_fc / V_m^2.
    # If E' < 0 the energy keeps its pre-source value (or 0); the change is still reported,
    # so the exchange stays conservative.
    cdef Py_ssize_t k, j, i
    cdef double vm2 = v_m * v_m
    cdef double b1, b2, b3, v1, v2, v3, f1, f2, f3, e0
    cdef double vpar, wpar, upar, fpar, dpar, dperp, sp, so, den, num, e1
    cdef double vp1, vp2, vp3, fp1, fp2, fp3, rpar, rp1, rp2, rp3
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
                vpar = _along_b(b1, b2, b3, v1, v2, v3, &vp1, &vp2, &vp3)
                fpar = _along_b(b1, b2, b3, f1, f2, f3, &fp1, &fp2, &fp3)
                upar = vpar + us_par[k, j, i]          # relaxation target velocity along b
                wpar = vpar + vs_par[k, j, i]          # velocity in the energy source along b
                dpar = dt / (sp + dt * vm2)
                dperp = dt / (so + dt * vm2)
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


def cr_source(double[:, :, :, ::1] cr, const double[:, :, :, ::1] vel, const double[:, :, :, ::1] bhat,
              const double[:, :, ::1] s_par, const double[:, :, ::1] s_perp,
              const double[:, :, ::1] vs_par, const double[:, :, ::1] us_par,
              double dt, double v_m, double gamma_c,
              Py_ssize_t k0, Py_ssize_t k1, Py_ssize_t j0, Py_ssize_t j1, Py_ssize_t i0, Py_ssize_t i1,
              double[:, :, ::1] d_ec, double[:, :, :, ::1] d_fc):
    """The implicit source update of the CR step on a range of cells (tests, other integrators)."""
    with nogil:
        _source_cells(cr, vel, bhat, s_par, s_perp, vs_par, us_par, dt, v_m, gamma_c,
                      k0, k1, j0, j1, i0, i1, d_ec, d_fc)


cdef class CRStep:
    """Work arrays, geometry and parameters of the compiled CR step of one block.

    Built once per block by ``crplugin.solver.cr.CRIntegrator``; :meth:`run`
    advances ``nsub`` sub-steps.  Arrays are ``[var, k, j, i]`` with ghosts.
    """
    cdef public int act1, act2, act3, exchange, nu, consistent
    cdef Py_ssize_t nk, nj, ni
    cdef Py_ssize_t c_k0, c_k1, c_j0, c_j1, c_i0, c_i1       # active cells
    cdef Py_ssize_t g_k0, g_k1, g_j0, g_j1, g_i0, g_i1       # grown by one layer
    cdef Py_ssize_t ng[3]
    cdef Py_ssize_t n[3]
    cdef double v_m, gamma_c, h_c, gamma_gas, dx2, dx3
    cdef double[::1] dx1, gcoef1, area1, vol1
    cdef double[:, :, :, ::1] grad, asig, cr0, flux1, flux2, flux3, d_fc, vel, zero4
    cdef double[:, :, ::1] gpar, s_par, s_perp, vs_par, us_par, d_ec
    cdef object _arrays     # keeps the numpy owners alive

    def __init__(self, shape, act, ng, n, dx2, dx3, dx1, gcoef1, area1, vol1,
                 double v_m, double gamma_c, double h_c, double gamma_gas, int exchange, int nu,
                 int consistent=0):
        self.nk, self.nj, self.ni = shape
        self.consistent = consistent
        self.act1, self.act2, self.act3 = act
        for a in range(3):
            self.ng[a] = ng[a]
            self.n[a] = n[a]
        self.c_k0, self.c_k1 = ng[2], ng[2] + n[2]
        self.c_j0, self.c_j1 = ng[1], ng[1] + n[1]
        self.c_i0, self.c_i1 = ng[0], ng[0] + n[0]
        self.g_k0, self.g_k1 = self.c_k0 - act[2], self.c_k1 + act[2]
        self.g_j0, self.g_j1 = self.c_j0 - act[1], self.c_j1 + act[1]
        self.g_i0, self.g_i1 = self.c_i0 - act[0], self.c_i1 + act[0]
        self.dx2, self.dx3 = dx2, dx3
        self.dx1 = np.ascontiguousarray(dx1, dtype=float)
        self.gcoef1 = np.ascontiguousarray(gcoef1, dtype=float)
        self.area1 = np.ascontiguousarray(area1, dtype=float)
        self.vol1 = np.ascontiguousarray(vol1, dtype=float)
        self.v_m, self.gamma_c, self.h_c, self.gamma_gas = v_m, gamma_c, h_c, gamma_gas
        self.exchange = exchange
        self.nu = nu
        arrays = dict(
            grad=np.zeros((3,) + tuple(shape)), asig=np.zeros((3,) + tuple(shape)),
            cr0=np.zeros((4,) + tuple(shape)), d_fc=np.zeros((3,) + tuple(shape)),
            vel=np.zeros((3,) + tuple(shape)),
            gpar=np.zeros(shape), s_par=np.zeros(shape), s_perp=np.zeros(shape),
            vs_par=np.zeros(shape), us_par=np.zeros(shape), d_ec=np.zeros(shape),
            zero4=np.zeros((4,) + tuple(shape)))
        for a, name in enumerate(("flux1", "flux2", "flux3")):
            fs = list(shape)
            fs[2 - a] += 1
            arrays[name] = np.zeros((4,) + tuple(fs)) if act[a] else np.zeros((4, 1, 1, 1))
        self._arrays = arrays
        self.grad, self.asig, self.cr0 = arrays["grad"], arrays["asig"], arrays["cr0"]
        self.d_fc, self.vel = arrays["d_fc"], arrays["vel"]
        self.gpar, self.s_par, self.s_perp = arrays["gpar"], arrays["s_par"], arrays["s_perp"]
        self.vs_par, self.us_par, self.d_ec = arrays["vs_par"], arrays["us_par"], arrays["d_ec"]
        self.flux1, self.flux2, self.flux3 = arrays["flux1"], arrays["flux2"], arrays["flux3"]
        self.zero4 = arrays["zero4"]

    def allocate_jacobian(self):
        """Work arrays of :meth:`jacobian` (allocated by the implicit integrators only)."""
        shape = self._arrays["gpar"].shape
        for name in ("jac_r0", "jac_rp", "jac_cp"):
            self._arrays[name] = np.zeros((4,) + tuple(shape))
        self._arrays["jac_eps"] = np.zeros(shape)

    @property
    def work(self):
        """The work arrays (numpy), e.g. ``work["gpar"]``, ``work["vel"]``."""
        return self._arrays

    # ------------------------------------------------------------------
    # boundaries
    cdef void _copy_plane(self, double[:, :, :, ::1] a, int axis, Py_ssize_t dst, Py_ssize_t src,
                          int flip) noexcept nogil:
        # plane src -> plane dst along axis over the full extent of the others; var ``flip``
        # changes sign (mirror), -1 for none
        cdef Py_ssize_t v, k, j, i
        cdef double s
        for v in range(a.shape[0]):
            s = -1.0 if v == flip else 1.0
            if axis == 0:
                for k in range(a.shape[1]):
                    for j in range(a.shape[2]):
                        a[v, k, j, dst] = s * a[v, k, j, src]
            elif axis == 1:
                for k in range(a.shape[1]):
                    for i in range(a.shape[3]):
                        a[v, k, dst, i] = s * a[v, k, src, i]
            else:
                for j in range(a.shape[2]):
                    for i in range(a.shape[3]):
                        a[v, dst, j, i] = s * a[v, src, j, i]

    cdef void _hold_plane(self, double[:, :, :, ::1] a, const double[:, :, :, ::1] held, int axis,
                          Py_ssize_t dst, const unsigned char[::1] mask) noexcept nogil:
        cdef Py_ssize_t v, k, j, i
        for v in range(a.shape[0]):
            if not mask[v]:
                continue
            if axis == 0:
                for k in range(a.shape[1]):
                    for j in range(a.shape[2]):
                        a[v, k, j, dst] = held[v, k, j, dst]
            elif axis == 1:
                for k in range(a.shape[1]):
                    for i in range(a.shape[3]):
                        a[v, k, dst, i] = held[v, k, dst, i]
            else:
                for j in range(a.shape[2]):
                    for i in range(a.shape[3]):
                        a[v, dst, j, i] = held[v, dst, j, i]

    cdef void _extrapolate_ec(self, double[:, :, :, ::1] cr, int axis, int outer) noexcept nogil:
        # cr_outflow: E_c in ghost g = E_edge r^g, r = E_edge/E_inner clipped to [0, 1]
        cdef Py_ssize_t ng = self.ng[axis], nn = self.n[axis]
        cdef Py_ssize_t edge, inner, step, g, p, q, ghost
        cdef Py_ssize_t np_, nq
        cdef double ee, ei, r, rg
        if outer:
            edge, inner, step = nn + ng - 1, nn + ng - 2, 1
        else:
            edge, inner, step = ng, ng + 1, -1
        if axis == 0:
            np_, nq = cr.shape[1], cr.shape[2]
        elif axis == 1:
            np_, nq = cr.shape[1], cr.shape[3]
        else:
            np_, nq = cr.shape[2], cr.shape[3]
        for p in range(np_):
            for q in range(nq):
                if axis == 0:
                    ee, ei = cr[0, p, q, edge], cr[0, p, q, inner]
                elif axis == 1:
                    ee, ei = cr[0, p, edge, q], cr[0, p, inner, q]
                else:
                    ee, ei = cr[0, edge, p, q], cr[0, inner, p, q]
                r = ee / ei if ei > 0.0 else 1.0
                if r < 0.0:
                    r = 0.0
                elif r > 1.0:
                    r = 1.0
                rg = 1.0
                for g in range(1, ng + 1):
                    rg = rg * r if g > 1 else r
                    ghost = edge + step * g
                    if axis == 0:
                        cr[0, p, q, ghost] = ee * rg
                    elif axis == 1:
                        cr[0, p, ghost, q] = ee * rg
                    else:
                        cr[0, ghost, p, q] = ee * rg

    cdef void _fill_side(self, double[:, :, :, ::1] a, int ivec, int axis, int outer, int kind,
                         const double[:, :, :, ::1] held, const unsigned char[::1] mask,
                         int is_cr) noexcept nogil:
        cdef Py_ssize_t ng = self.ng[axis], nn = self.n[axis], g, ghost, src
        cdef int mirror = kind == BC_REFLECTING
        if kind == BC_PERIODIC:
            for g in range(ng):
                if outer:
                    self._copy_plane(a, axis, nn + ng + g, ng + g, -1)
                else:
                    self._copy_plane(a, axis, g, nn + g, -1)
            return
        for g in range(1, ng + 1):
            if outer:
                ghost, src = nn + ng + g - 1, (nn + ng - g if mirror else nn + ng - 1)
            else:
                ghost, src = ng - g, (ng + g - 1 if mirror else ng)
            self._copy_plane(a, axis, ghost, src, ivec + axis if mirror else -1)
        if kind == BC_CR_OUTFLOW and is_cr:
            self._extrapolate_ec(a, axis, outer)
        if kind == BC_HOLD:
            for g in range(1, ng + 1):
                ghost = nn + ng + g - 1 if outer else ng - g
                self._hold_plane(a, held, axis, ghost, mask)

    cdef int _fill(self, double[:, :, :, ::1] cr, double[:, :, :, ::1] u, int with_gas,
                   const int[:, ::1] bc, const unsigned char[:, :, ::1] hold_cr,
                   const unsigned char[:, :, ::1] hold_u,
                   const double[:, :, :, ::1] cr_held, const double[:, :, :, ::1] u_held,
                   object halo) except -1:
        # axes in the order x, y, z over the full extent of the others (consistent corners);
        # on each axis the shared sides first (halo callback), then the physical ones
        cdef int axis, side, kind
        for axis in range(3):
            if bc[axis, 0] == BC_NONE:
                continue
            if bc[axis, 0] == BC_REMOTE or bc[axis, 1] == BC_REMOTE:
                halo(axis, with_gas)
            with nogil:
                for side in range(2):
                    kind = bc[axis, side]
                    if kind == BC_REMOTE:
                        continue
                    self._fill_side(cr, 1, axis, side, kind, cr_held, hold_cr[axis, side], 1)
                    if with_gas:
                        self._fill_side(u, IM1, axis, side, kind, u_held, hold_u[axis, side], 0)
        return 0

    # ------------------------------------------------------------------
    # stages
    cdef void _velocity(self, const double[:, :, :, ::1] u) noexcept nogil:
        cdef Py_ssize_t k, j, i, d
        for d in range(3):
            for k in range(self.nk):
                for j in range(self.nj):
                    for i in range(self.ni):
                        self.vel[d, k, j, i] = u[IM1 + d, k, j, i] / u[IDN, k, j, i]

    cdef void _opacity(self, const double[:, :, :, ::1] cr, const double[:, :, :, ::1] u,
                       const double[:, :, ::1] emag, const double[:, :, :, ::1] bhat,
                       const double[:, :, ::1] kappa_par, const double[:, :, ::1] kappa_perp,
                       const double[:, :, ::1] stream_speed, const double[:, :, ::1] stream_vpar,
                       int extrinsic) noexcept nogil:
        # inverse opacities, streaming velocity along b and HLL signal speeds on the grown
        # cells (see crplugin.kernels.cr_transport.cr_opacity); only active axes get a speed.
        # With the exchange on, the speeds are floored at the CR-modified sound speed.
        cdef Py_ssize_t k, j, i, d
        cdef double pc, sp, so, vs, us, bd2, D, tau, a, dxd, st_inv, rho, kin, pg, c_cr
        cdef double gm1 = self.gamma_c - 1.0
        cdef double cmax = self.v_m * sqrt(gm1)
        cdef int act[3]
        act[0], act[1], act[2] = self.act1, self.act2, self.act3
        for k in range(self.g_k0, self.g_k1):
            for j in range(self.g_j0, self.g_j1):
                for i in range(self.g_i0, self.g_i1):
                    sp = kappa_par[k, j, i] / gm1
                    so = kappa_perp[k, j, i] / gm1
                    if extrinsic:
                        vs = stream_vpar[k, j, i]
                        us = vs
                    else:
                        pc = gm1 * cr[0, k, j, i]
                        if pc < 0.0:
                            pc = 0.0
                        cr_streaming_terms(stream_speed[k, j, i], self.gamma_c, self.h_c, pc,
                                           self.gpar[k, j, i], &st_inv, &vs)
                        sp = sp + st_inv
                        us = 0.0
                    self.s_par[k, j, i] = sp
                    self.s_perp[k, j, i] = so
                    self.vs_par[k, j, i] = vs
                    self.us_par[k, j, i] = us
                    c_cr = 0.0
                    if self.exchange:
                        rho = u[IDN, k, j, i]
                        kin = 0.5 * (u[IM1, k, j, i] * u[IM1, k, j, i] + u[IM1 + 1, k, j, i] * u[IM1 + 1, k, j, i]
                                     + u[IM1 + 2, k, j, i] * u[IM1 + 2, k, j, i]) / rho
                        pg = (self.gamma_gas - 1.0) * (u[IEN, k, j, i] - kin - emag[k, j, i])
                        if pg < 0.0:
                            pg = 0.0
                        pc = cr[0, k, j, i]
                        if pc < 0.0:
                            pc = 0.0
                        c_cr = sqrt((self.gamma_gas * pg + self.gamma_c * gm1 * pc) / rho)
                    for d in range(3):
                        if not act[d]:
                            continue
                        bd2 = bhat[d, k, j, i] * bhat[d, k, j, i]
                        D = 0.0
                        if bd2 > 0.0:
                            D = D + bd2 * sp
                        if bd2 < 1.0:
                            D = D + (1.0 - bd2) * so
                        dxd = self.dx1[i] if d == 0 else (self.dx2 if d == 1 else self.dx3)
                        if D > 0.0:
                            tau = self.v_m * dxd / D
                        else:
                            tau = INFINITY
                        a = cr_reduced_speed(self.v_m, self.gamma_c, tau) + fabs(vs * bhat[d, k, j, i])
                        if a > cmax:
                            a = cmax
                        if a < c_cr:
                            a = c_cr
                        self.asig[d, k, j, i] = a

    cdef void _face_opacity(self, const double[:, :, :, ::1] cr, const double[:, :, :, ::1] bhat,
                            const double[:, :, ::1] kappa_par,
                            const double[:, :, ::1] stream_speed) noexcept nogil:
        # consistent scheme: the streaming opacity and v_s of the active cells from the
        # gradient the flux equation sees, G = [A+ (Pbar+ - P) - A- (Pbar- - P)] / V along x1
        # ((Pbar+ - Pbar-)/dx along x2, x3), Pbar = the mean of the two Koren face states of
        # P_c on a face (exactly what the HLL flux of F_c uses for gas at rest).  O(dx^2) from
        # the centred gradient on smooth data, O(1) where the gradient decays by r per cell.
        # The signal speeds (_opacity) keep the centred gradient (rank independence).
        cdef Py_ssize_t k, j, i, a, dk, dj, di
        cdef double gm1 = self.gamma_c - 1.0
        cdef double em2, em1, e0, ep1, ep2, pbp, pbm, ga, gf, pc, st_inv, vs
        cdef int act[3]
        act[0], act[1], act[2] = self.act1, self.act2, self.act3
        for k in range(self.c_k0, self.c_k1):
            for j in range(self.c_j0, self.c_j1):
                for i in range(self.c_i0, self.c_i1):
                    gf = 0.0
                    for a in range(3):
                        if not act[a] or bhat[a, k, j, i] == 0.0:
                            continue
                        dk = 1 if a == 2 else 0
                        dj = 1 if a == 1 else 0
                        di = 1 if a == 0 else 0
                        em2 = cr[0, k - 2 * dk, j - 2 * dj, i - 2 * di]
                        em1 = cr[0, k - dk, j - dj, i - di]
                        e0 = cr[0, k, j, i]
                        ep1 = cr[0, k + dk, j + dj, i + di]
                        ep2 = cr[0, k + 2 * dk, j + 2 * dj, i + 2 * di]
                        pbp = 0.5 * ((e0 + 0.5 * _koren(e0 - em1, ep1 - e0, 0, NULL, NULL))
                                     + (ep1 - 0.5 * _koren(ep1 - e0, ep2 - ep1, 1, NULL, NULL)))
                        pbm = 0.5 * ((em1 + 0.5 * _koren(em1 - em2, e0 - em1, 0, NULL, NULL))
                                     + (e0 - 0.5 * _koren(e0 - em1, ep1 - e0, 1, NULL, NULL)))
                        if a == 0:
                            ga = gm1 * (self.area1[i + 1] * (pbp - e0) - self.area1[i] * (pbm - e0)) / self.vol1[i]
                        elif a == 1:
                            ga = gm1 * (pbp - pbm) / self.dx2
                        else:
                            ga = gm1 * (pbp - pbm) / self.dx3
                        gf = gf + bhat[a, k, j, i] * ga
                    pc = gm1 * cr[0, k, j, i]
                    if pc < 0.0:
                        pc = 0.0
                    cr_streaming_terms(stream_speed[k, j, i], self.gamma_c, self.h_c, pc, gf, &st_inv, &vs)
                    self.s_par[k, j, i] = kappa_par[k, j, i] / gm1 + st_inv
                    self.vs_par[k, j, i] = vs

    cdef void _flux(self, const double[:, :, :, ::1] cr, int axis, double[:, :, :, ::1] flux) noexcept nogil:
        # HLL flux through the faces normal to axis (see cr_transport.cr_flux)
        cdef Py_ssize_t k, j, i, nn
        cdef Py_ssize_t dk = 1 if axis == 2 else 0
        cdef Py_ssize_t dj = 1 if axis == 1 else 0
        cdef Py_ssize_t di = 1 if axis == 0 else 0
        cdef int nf = 1 + axis
        cdef double cmax = self.v_m * sqrt(self.gamma_c - 1.0)
        cdef double vm2p = self.v_m * self.v_m * (self.gamma_c - 1.0)
        cdef double ul[4]
        cdef double ur[4]
        cdef double fl[4]
        cdef double fr[4]
        cdef double qm2, qm1, q0, qp1, bp, bm, vl, vr, al, ar
        for k in range(self.c_k0, self.c_k1 + dk):
            for j in range(self.c_j0, self.c_j1 + dj):
                for i in range(self.c_i0, self.c_i1 + di):
                    for nn in range(4):
                        qm2 = cr[nn, k - 2 * dk, j - 2 * dj, i - 2 * di]
                        qm1 = cr[nn, k - dk, j - dj, i - di]
                        q0 = cr[nn, k, j, i]
                        qp1 = cr[nn, k + dk, j + dj, i + di]
                        if nn == 0 and self.consistent:
                            ul[nn] = qm1 + 0.5 * _koren(qm1 - qm2, q0 - qm1, 0, NULL, NULL)
                            ur[nn] = q0 - 0.5 * _koren(q0 - qm1, qp1 - q0, 1, NULL, NULL)
                        else:
                            ul[nn] = qm1 + 0.5 * _vanleer(qm1 - qm2, q0 - qm1)
                            ur[nn] = q0 - 0.5 * _vanleer(q0 - qm1, qp1 - q0)
                    vl = self.vel[axis, k - dk, j - dj, i - di]
                    vr = self.vel[axis, k, j, i]
                    al = self.asig[axis, k - dk, j - dj, i - di]
                    ar = self.asig[axis, k, j, i]
                    _hll_bounds(vl, al, vr, ar, cmax, &bm, &bp)
                    fl[0] = ul[nf]
                    fr[0] = ur[nf]
                    for nn in range(1, 4):
                        fl[nn] = 0.0
                        fr[nn] = 0.0
                    fl[nf] = vm2p * ul[0]
                    fr[nf] = vm2p * ur[0]
                    if bp - bm > 0.0:
                        for nn in range(4):
                            flux[nn, k, j, i] = (bp * fl[nn] - bm * fr[nn] + bp * bm * (ur[nn] - ul[nn])) / (bp - bm)
                    else:
                        for nn in range(4):
                            flux[nn, k, j, i] = 0.5 * (fl[nn] + fr[nn])

    cdef void _transport(self, const double[:, :, :, ::1] base, const double[:, :, :, ::1] cr,
                         double dt, double[:, :, :, ::1] out) noexcept nogil:
        # out = base - dt div F(cr) on the active cells, area-weighted along x1, with the
        # geometric source V_m^2 P_c (A+ - A-)/V of the x1 flux equation
        cdef Py_ssize_t k, j, i, nn
        cdef double r1, r2 = dt / self.dx2, r3 = dt / self.dx3, acc, dA
        cdef double vm2p = self.v_m * self.v_m * (self.gamma_c - 1.0)
        if self.act1:
            self._flux(cr, 0, self.flux1)
        if self.act2:
            self._flux(cr, 1, self.flux2)
        if self.act3:
            self._flux(cr, 2, self.flux3)
        # E_c last: out may be cr itself (the explicit stages), and the geometric source of
        # the x1 flux equation must read the stage's E_c, not the updated one
        for nn in range(3, -1, -1):
            for k in range(self.c_k0, self.c_k1):
                for j in range(self.c_j0, self.c_j1):
                    for i in range(self.c_i0, self.c_i1):
                        acc = base[nn, k, j, i]
                        if self.act1:
                            r1 = dt / self.vol1[i]
                            acc = acc - r1 * (self.area1[i + 1] * self.flux1[nn, k, j, i + 1]
                                              - self.area1[i] * self.flux1[nn, k, j, i])
                            if nn == 1:
                                dA = self.area1[i + 1] - self.area1[i]
                                if dA != 0.0:
                                    acc = acc + r1 * vm2p * cr[0, k, j, i] * dA
                        if self.act2:
                            acc = acc - r2 * (self.flux2[nn, k, j + 1, i] - self.flux2[nn, k, j, i])
                        if self.act3:
                            acc = acc - r3 * (self.flux3[nn, k + 1, j, i] - self.flux3[nn, k, j, i])
                        out[nn, k, j, i] = acc

    cdef void _source(self, double[:, :, :, ::1] cr, const double[:, :, :, ::1] bhat, double dt) noexcept nogil:
        _source_cells(cr, self.vel, bhat, self.s_par, self.s_perp, self.vs_par, self.us_par, dt,
                      self.v_m, self.gamma_c, self.c_k0, self.c_k1, self.c_j0, self.c_j1, self.c_i0,
                      self.c_i1, self.d_ec, self.d_fc)

    cdef void _give_gas(self, double[:, :, :, ::1] u, double[:, :, ::1] de_tot,
                        double[:, :, :, ::1] dm_tot, int exchange) noexcept nogil:
        # the gas receives -d_ec (energy) and -d_fc / V_m^2 (momentum); totals accumulated
        cdef Py_ssize_t k, j, i, d
        cdef double vm2 = self.v_m * self.v_m, de, dm
        for k in range(self.c_k0, self.c_k1):
            for j in range(self.c_j0, self.c_j1):
                for i in range(self.c_i0, self.c_i1):
                    de = self.d_ec[k, j, i]
                    if exchange:
                        u[IEN, k, j, i] = u[IEN, k, j, i] - de
                    de_tot[k, j, i] = de_tot[k, j, i] + (-de)
                    for d in range(3):
                        dm = self.d_fc[d, k, j, i] / vm2
                        if exchange:
                            u[IM1 + d, k, j, i] = u[IM1 + d, k, j, i] - dm
                        dm_tot[d, k, j, i] = dm_tot[d, k, j, i] + (-dm)

    cdef void _stage(self, double[:, :, :, ::1] cr, const double[:, :, :, ::1] u,
                     const double[:, :, ::1] emag, const double[:, :, :, ::1] bhat,
                     double[:, :, ::1] kappa_par, double[:, :, ::1] kappa_perp,
                     const double[:, :, ::1] stream_speed, const double[:, :, ::1] stream_vpar,
                     int extrinsic, CoefficientKernel ckern, double dt) noexcept nogil:
        # one stage: cr <- cr0 - dt div F(cr), then the implicit source over dt
        cdef double c2 = (self.gamma_c - 1.0) / (2.0 * self.dx2)
        cdef double c3 = (self.gamma_c - 1.0) / (2.0 * self.dx3)
        _gradient(cr, bhat, self.gcoef1, c2, c3, self.act1, self.act2, self.act3,
                  self.g_k0, self.g_k1, self.g_j0, self.g_j1, self.g_i0, self.g_i1, self.grad, self.gpar)
        if ckern is not None:
            ckern.update(cr, self.gpar, self.g_k0, self.g_k1, self.g_j0, self.g_j1, self.g_i0, self.g_i1,
                         kappa_par, kappa_perp)
        self._opacity(cr, u, emag, bhat, kappa_par, kappa_perp, stream_speed, stream_vpar, extrinsic)
        if self.consistent and not extrinsic:
            self._face_opacity(cr, bhat, kappa_par, stream_speed)
        self._transport(self.cr0, cr, dt, cr)
        self._source(cr, bhat, dt)
        if self.consistent and not extrinsic:
            self._remove_flux_lag(cr, bhat)

    cdef void _remove_flux_lag(self, double[:, :, :, ::1] cr, const double[:, :, :, ::1] bhat) noexcept nogil:
        # F_c follows the stage's whole change of E_c (transport and source) as the saturated
        # streaming flux does, dF_c = gamma_c v_s b dE_c (module docstring: flux lag): zero
        # once E_c is steady, so the explicit steady state is L(U) = 0, that of the steady
        # solver's M (U - U^n) = dt L(U).  It changes F_c outside the flux divergence, so it
        # goes into the source's d_fc too: the gas gets it back and momentum stays conserved
        cdef Py_ssize_t k, j, i, d
        cdef double w, df
        for k in range(self.c_k0, self.c_k1):
            for j in range(self.c_j0, self.c_j1):
                for i in range(self.c_i0, self.c_i1):
                    w = self.gamma_c * self.vs_par[k, j, i] * (cr[0, k, j, i] - self.cr0[0, k, j, i])
                    for d in range(3):
                        df = w * bhat[d, k, j, i]
                        cr[1 + d, k, j, i] = cr[1 + d, k, j, i] + df
                        self.d_fc[d, k, j, i] = self.d_fc[d, k, j, i] + df

    # ------------------------------------------------------------------
    def run(self, double[:, :, :, ::1] cr, double[:, :, :, ::1] u, const double[:, :, ::1] emag,
            const double[:, :, :, ::1] bhat,
            double[:, :, ::1] kappa_par, double[:, :, ::1] kappa_perp,
            const double[:, :, ::1] stream_speed, const double[:, :, ::1] stream_vpar, int extrinsic,
            CoefficientKernel ckern, int frozen_velocity, Py_ssize_t nsub, double dt,
            const int[:, ::1] bc, const unsigned char[:, :, ::1] hold_cr,
            const unsigned char[:, :, ::1] hold_u,
            const double[:, :, :, ::1] cr_held, const double[:, :, :, ::1] u_held,
            object halo, double[:, :, ::1] de_tot, double[:, :, :, ::1] dm_tot):
        """Advance ``nsub`` sub-steps of size ``dt``; then fill the ghosts once more.

        ``u`` is the gas (changed on the active cells when ``exchange``); its
        velocity is recomputed each sub-step unless ``frozen_velocity`` (then the
        caller has put it into ``work["vel"]``).  ``bc[axis, side]`` are boundary
        codes; ``hold_*[axis, side, var]`` mark the variables a ``hold`` side keeps
        at their values in ``*_held``; ``halo(axis)`` fills the shared sides of an
        axis.  ``de_tot``/``dm_tot`` accumulate the energy/momentum given to the gas.
        """
        cdef Py_ssize_t s
        cdef int with_gas = self.exchange and not frozen_velocity
        for s in range(nsub):
            self._fill(cr, u, with_gas, bc, hold_cr, hold_u, cr_held, u_held, halo)
            with nogil:
                if not frozen_velocity:
                    self._velocity(u)
                _copy4(cr, self.cr0)
                self._stage(cr, u, emag, bhat, kappa_par, kappa_perp, stream_speed, stream_vpar,
                            extrinsic, ckern, 0.5 * dt)
            self._fill(cr, u, 0, bc, hold_cr, hold_u, cr_held, u_held, halo)
            with nogil:
                self._stage(cr, u, emag, bhat, kappa_par, kappa_perp, stream_speed, stream_vpar,
                            extrinsic, ckern, dt)
                self._give_gas(u, de_tot, dm_tot, self.exchange)
        self._fill(cr, u, with_gas, bc, hold_cr, hold_u, cr_held, u_held, halo)

    def rates(self, const double[:, :, :, ::1] cr, const double[:, :, :, ::1] u,
              const double[:, :, ::1] emag, const double[:, :, :, ::1] bhat,
              double[:, :, ::1] kappa_par, double[:, :, ::1] kappa_perp,
              const double[:, :, ::1] stream_speed, const double[:, :, ::1] stream_vpar, int extrinsic,
              CoefficientKernel ckern, int frozen_velocity,
              double[:, :, ::1] heat, double[:, :, ::1] work):
        """Streaming heating ``-v_s . grad P_c`` and CR work rate ``-v . grad P_c`` per cell
        (active cells; ghosts of ``cr`` and ``u`` filled).  Self-confinement:
        :c:func:`cr_streaming_heating`; extrinsic waves: ``-u_s b.grad P_c``."""
        cdef Py_ssize_t k, j, i
        cdef double c2 = (self.gamma_c - 1.0) / (2.0 * self.dx2)
        cdef double c3 = (self.gamma_c - 1.0) / (2.0 * self.dx3)
        cdef double pc
        with nogil:
            if not frozen_velocity:
                self._velocity(u)
            _gradient(cr, bhat, self.gcoef1, c2, c3, self.act1, self.act2, self.act3,
                      self.g_k0, self.g_k1, self.g_j0, self.g_j1, self.g_i0, self.g_i1, self.grad, self.gpar)
            if ckern is not None:
                ckern.update(cr, self.gpar, self.g_k0, self.g_k1, self.g_j0, self.g_j1, self.g_i0,
                             self.g_i1, kappa_par, kappa_perp)
            for k in range(self.c_k0, self.c_k1):
                for j in range(self.c_j0, self.c_j1):
                    for i in range(self.c_i0, self.c_i1):
                        if extrinsic:
                            heat[k, j, i] = -stream_vpar[k, j, i] * self.gpar[k, j, i]
                        else:
                            pc = (self.gamma_c - 1.0) * cr[0, k, j, i]
                            if pc < 0.0:
                                pc = 0.0
                            heat[k, j, i] = cr_streaming_heating(stream_speed[k, j, i], self.h_c, pc,
                                                                 self.gpar[k, j, i])
                        work[k, j, i] = -(self.vel[0, k, j, i] * self.grad[0, k, j, i]
                                          + self.vel[1, k, j, i] * self.grad[1, k, j, i]
                                          + self.vel[2, k, j, i] * self.grad[2, k, j, i])

    def gradient(self, const double[:, :, :, ::1] cr, const double[:, :, :, ::1] bhat):
        """grad P_c and b.grad P_c on the grown cells (``work["grad"]``, ``work["gpar"]``)."""
        cdef double c2 = (self.gamma_c - 1.0) / (2.0 * self.dx2)
        cdef double c3 = (self.gamma_c - 1.0) / (2.0 * self.dx3)
        with nogil:
            _gradient(cr, bhat, self.gcoef1, c2, c3, self.act1, self.act2, self.act3,
                      self.g_k0, self.g_k1, self.g_j0, self.g_j1, self.g_i0, self.g_i1, self.grad, self.gpar)

    # ------------------------------------------------------------------
    # the same operator as a rate, for the implicit integrators (crplugin.solver.cr_implicit)
    cdef void _source_rate(self, const double[:, :, :, ::1] cr, const double[:, :, :, ::1] bhat,
                           double s_min, double[:, :, :, ::1] out) noexcept nogil:
        # out += S(U) (JO18 eqs 7-8 right-hand sides) on the active cells:
        #   S_E = -(v + v_s) . sigma . R,  S_F = -V_m^2 sigma . R,  R = F_c - (v + u_s) gamma_c E_c,
        # sigma_a = 1/s_a, s floored at s_min (a finite, very stiff relaxation for kappa = 0).
        cdef Py_ssize_t k, j, i
        cdef double vm2 = self.v_m * self.v_m, gc = self.gamma_c
        cdef double b1, b2, b3, v1, v2, v3, f1, f2, f3, e0
        cdef double vpar, fpar, rpar, sp, so, wpar, upar, vp1, vp2, vp3, fp1, fp2, fp3, rp1, rp2, rp3
        for k in range(self.c_k0, self.c_k1):
            for j in range(self.c_j0, self.c_j1):
                for i in range(self.c_i0, self.c_i1):
                    e0 = cr[0, k, j, i]
                    f1 = cr[1, k, j, i]
                    f2 = cr[2, k, j, i]
                    f3 = cr[3, k, j, i]
                    b1 = bhat[0, k, j, i]
                    b2 = bhat[1, k, j, i]
                    b3 = bhat[2, k, j, i]
                    v1 = self.vel[0, k, j, i]
                    v2 = self.vel[1, k, j, i]
                    v3 = self.vel[2, k, j, i]
                    sp = self.s_par[k, j, i]
                    so = self.s_perp[k, j, i]
                    if sp < s_min:
                        sp = s_min
                    if so < s_min:
                        so = s_min
                    vpar = _along_b(b1, b2, b3, v1, v2, v3, &vp1, &vp2, &vp3)
                    fpar = _along_b(b1, b2, b3, f1, f2, f3, &fp1, &fp2, &fp3)
                    upar = vpar + self.us_par[k, j, i]
                    wpar = vpar + self.vs_par[k, j, i]
                    rpar = (fpar - gc * upar * e0) / sp          # s = inf -> 0
                    rp1 = (fp1 - gc * vp1 * e0) / so
                    rp2 = (fp2 - gc * vp2 * e0) / so
                    rp3 = (fp3 - gc * vp3 * e0) / so
                    out[0, k, j, i] -= wpar * rpar + vp1 * rp1 + vp2 * rp2 + vp3 * rp3
                    out[1, k, j, i] -= vm2 * (rpar * b1 + rp1)
                    out[2, k, j, i] -= vm2 * (rpar * b2 + rp2)
                    out[3, k, j, i] -= vm2 * (rpar * b3 + rp3)

    cdef void _rate(self, const double[:, :, :, ::1] cr, const double[:, :, :, ::1] u,
                    const double[:, :, ::1] emag, const double[:, :, :, ::1] bhat,
                    double[:, :, ::1] kappa_par, double[:, :, ::1] kappa_perp,
                    const double[:, :, ::1] stream_speed, const double[:, :, ::1] stream_vpar,
                    int extrinsic, CoefficientKernel ckern, int frozen, int source_only, double s_min,
                    double[:, :, :, ::1] out) noexcept nogil:
        # out = L(U) = -div F_HLL(U) + S(U) on the active cells (ghosts of cr filled).
        # frozen: keep the opacities, streaming velocity and signal speeds of the last
        # unfrozen call (the operator the Newton iterations linearise).
        cdef double c2 = (self.gamma_c - 1.0) / (2.0 * self.dx2)
        cdef double c3 = (self.gamma_c - 1.0) / (2.0 * self.dx3)
        cdef Py_ssize_t v, k, j, i
        if not frozen:
            _gradient(cr, bhat, self.gcoef1, c2, c3, self.act1, self.act2, self.act3,
                      self.g_k0, self.g_k1, self.g_j0, self.g_j1, self.g_i0, self.g_i1, self.grad, self.gpar)
            if ckern is not None:
                ckern.update(cr, self.gpar, self.g_k0, self.g_k1, self.g_j0, self.g_j1, self.g_i0,
                             self.g_i1, kappa_par, kappa_perp)
            self._opacity(cr, u, emag, bhat, kappa_par, kappa_perp, stream_speed, stream_vpar, extrinsic)
            if self.consistent and not extrinsic:
                self._face_opacity(cr, bhat, kappa_par, stream_speed)
        if source_only:
            for v in range(4):
                for k in range(self.c_k0, self.c_k1):
                    for j in range(self.c_j0, self.c_j1):
                        for i in range(self.c_i0, self.c_i1):
                            out[v, k, j, i] = 0.0
        else:
            self._transport(self.zero4, cr, 1.0, out)
        self._source_rate(cr, bhat, s_min, out)

    cdef void _fill_physical(self, double[:, :, :, ::1] cr, const int[:, ::1] bc,
                             const unsigned char[:, :, ::1] hold_cr,
                             const double[:, :, :, ::1] cr_held) noexcept nogil:
        # the physical, non-periodic sides only: shared and periodic ghosts keep their values
        cdef int axis, side, kind
        for axis in range(3):
            if bc[axis, 0] == BC_NONE:
                continue
            for side in range(2):
                kind = bc[axis, side]
                if kind == BC_REMOTE or kind == BC_PERIODIC:
                    continue
                self._fill_side(cr, 1, axis, side, kind, cr_held, hold_cr[axis, side], 1)

    def set_velocity(self, const double[:, :, :, ::1] u):
        """``work["vel"] = u[IM]/u[IDN]`` (the implicit integrators freeze it for a step)."""
        with nogil:
            self._velocity(u)

    def fill(self, double[:, :, :, ::1] cr, double[:, :, :, ::1] u, int with_gas,
             const int[:, ::1] bc, const unsigned char[:, :, ::1] hold_cr,
             const unsigned char[:, :, ::1] hold_u,
             const double[:, :, :, ::1] cr_held, const double[:, :, :, ::1] u_held, object halo):
        """Fill the ghosts of ``cr`` (and of ``u`` if ``with_gas``) as one sub-step does."""
        self._fill(cr, u, with_gas, bc, hold_cr, hold_u, cr_held, u_held, halo)

    def rate(self, const double[:, :, :, ::1] cr, const double[:, :, :, ::1] u,
             const double[:, :, ::1] emag, const double[:, :, :, ::1] bhat,
             double[:, :, ::1] kappa_par, double[:, :, ::1] kappa_perp,
             const double[:, :, ::1] stream_speed, const double[:, :, ::1] stream_vpar, int extrinsic,
             CoefficientKernel ckern, int frozen, int source_only, double s_min,
             double[:, :, :, ::1] out):
        """``out = L(U) = -div F_HLL + S`` on the active cells, the spatial operator of
        :meth:`run` (ghosts of ``cr`` filled, ``work["vel"]`` set).  ``frozen`` keeps the
        opacities and signal speeds of the last call; ``source_only`` gives ``S`` alone;
        inverse opacities are floored at ``s_min``."""
        with nogil:
            self._rate(cr, u, emag, bhat, kappa_par, kappa_perp, stream_speed, stream_vpar, extrinsic,
                       ckern, frozen, source_only, s_min, out)

    def jacobian(self, const double[:, :, :, ::1] cr, const double[:, :, :, ::1] u,
                 const double[:, :, ::1] emag, const double[:, :, :, ::1] bhat,
                 double[:, :, ::1] kappa_par, double[:, :, ::1] kappa_perp,
                 const double[:, :, ::1] stream_speed, const double[:, :, ::1] stream_vpar, int extrinsic,
                 double s_min, const int[:, ::1] bc, const unsigned char[:, :, ::1] hold_cr,
                 const double[:, :, :, ::1] cr_held, const double[::1] scale, double fd_rel,
                 double[:, ::1] band, Py_ssize_t ku,
                 long[::1] rows, long[::1] cols, double[::1] vals):
        """Jacobian ``dL/dU`` of the frozen operator (opacities, signal speeds and velocity of
        the last unfrozen :meth:`rate`) by coloured finite differences.

        With frozen opacities the residual of a cell depends on the cells at most
        ``NCOLOR_HALF = 2`` away along each axis (PLM + HLL) and on no diagonal
        neighbour, so cells ``NCOLOR = 5`` apart along every active axis are perturbed
        together: ``4 * 5**ndim`` rate evaluations.  The perturbation of ``U_v`` in a
        cell is ``fd_rel * max(|U_v|, scale[v])`` (``|F_v| + V_m |E_c|`` for the flux).  Physical, non-periodic ghosts are
        refilled after each perturbation; periodic and shared ghosts keep their
        values (those couplings are left to the Krylov solver).

        Unknowns are interleaved, ``4 * cell + var`` with ``cell`` the C-order index
        of the active cells.  ``ku >= 0``: LAPACK band storage ``band[ku + r - c, c]``
        (1D, ``ku = kl``); ``ku < 0``: COO triplets, returns their number.
        """
        cdef Py_ssize_t NC = 5, H = 2
        cdef Py_ssize_t c1, c2, c3, var, w, k, j, i, d, ax, m = 0
        cdef Py_ssize_t pk = 0, pj = 0, pi = 0
        cdef Py_ssize_t n1 = self.n[0], n2 = self.n[1], n3 = self.n[2]
        cdef Py_ssize_t k0 = self.c_k0, j0 = self.c_j0, i0 = self.c_i0
        cdef Py_ssize_t r_un, p_un, nc1 = NC if self.act1 else 1
        cdef Py_ssize_t nc2 = NC if self.act2 else 1, nc3 = NC if self.act3 else 1
        cdef double eps, inv
        cdef int hit
        cdef double[:, :, :, ::1] r0 = self._arrays["jac_r0"]
        cdef double[:, :, :, ::1] rp = self._arrays["jac_rp"]
        cdef double[:, :, :, ::1] cp = self._arrays["jac_cp"]
        cdef double[:, :, ::1] epsa = self._arrays["jac_eps"]
        cdef CoefficientKernel nok = None
        with nogil:
            self._rate(cr, u, emag, bhat, kappa_par, kappa_perp, stream_speed, stream_vpar, extrinsic,
                       nok, 1, 0, s_min, r0)
            for c3 in range(nc3):
                for c2 in range(nc2):
                    for c1 in range(nc1):
                        for var in range(4):
                            _copy4(cr, cp)
                            for k in range(self.c_k0, self.c_k1):
                                for j in range(self.c_j0, self.c_j1):
                                    for i in range(self.c_i0, self.c_i1):
                                        epsa[k, j, i] = 0.0
                                        if (self.act1 and (i - i0) % NC != c1) or \
                                           (self.act2 and (j - j0) % NC != c2) or \
                                           (self.act3 and (k - k0) % NC != c3):
                                            continue
                                        # relative to U_v, and for F_c also to the free-streaming
                                        # flux V_m E_c (F_c = 0 must not give a vanishing step)
                                        eps = fabs(cr[var, k, j, i])
                                        if var > 0:
                                            eps = eps + self.v_m * fabs(cr[0, k, j, i])
                                        if eps < scale[var]:
                                            eps = scale[var]
                                        eps = eps * fd_rel
                                        cp[var, k, j, i] = cr[var, k, j, i] + eps
                                        epsa[k, j, i] = cp[var, k, j, i] - cr[var, k, j, i]
                            self._fill_physical(cp, bc, hold_cr, cr_held)
                            self._rate(cp, u, emag, bhat, kappa_par, kappa_perp, stream_speed, stream_vpar,
                                       extrinsic, nok, 1, 0, s_min, rp)
                            # each active cell: the one perturbed cell within its cross stencil
                            for k in range(self.c_k0, self.c_k1):
                                for j in range(self.c_j0, self.c_j1):
                                    for i in range(self.c_i0, self.c_i1):
                                        hit = 0
                                        for ax in range(3):
                                            if hit:
                                                break
                                            if (ax == 0 and not self.act1) or (ax == 1 and not self.act2) \
                                                    or (ax == 2 and not self.act3):
                                                continue
                                            for d in range(-H, H + 1):
                                                pk, pj, pi = k, j, i
                                                if ax == 0:
                                                    pi = i + d
                                                    if pi < self.c_i0 or pi >= self.c_i1:
                                                        continue
                                                elif ax == 1:
                                                    pj = j + d
                                                    if pj < self.c_j0 or pj >= self.c_j1:
                                                        continue
                                                else:
                                                    pk = k + d
                                                    if pk < self.c_k0 or pk >= self.c_k1:
                                                        continue
                                                if epsa[pk, pj, pi] != 0.0:
                                                    hit = 1
                                                    break
                                        if not hit:
                                            continue
                                        inv = 1.0 / epsa[pk, pj, pi]
                                        r_un = 4 * (((k - k0) * n2 + (j - j0)) * n1 + (i - i0))
                                        p_un = 4 * (((pk - k0) * n2 + (pj - j0)) * n1 + (pi - i0)) + var
                                        for w in range(4):
                                            if ku >= 0:
                                                if r_un + w - p_un <= ku and p_un - r_un - w <= ku:
                                                    band[ku + r_un + w - p_un, p_un] = (rp[w, k, j, i] - r0[w, k, j, i]) * inv
                                            else:
                                                rows[m] = r_un + w
                                                cols[m] = p_un
                                                vals[m] = (rp[w, k, j, i] - r0[w, k, j, i]) * inv
                                                m = m + 1
        return m

    cdef inline int _ghost_source(self, const int[:, ::1] bc, const unsigned char[:, :, ::1] hold_cr,
                                  int axis, Py_ssize_t c, int var, Py_ssize_t* src, double* fac) noexcept nogil:
        # An index c along axis: the active index it equals (src) and d(U_var at c)/d(U_var at src)
        # (fac).  Active: itself, 1.  Ghosts: zero-gradient copies of the edge cell (outflow,
        # cr_outflow, the free variables of hold), mirrors with the normal flux reversed
        # (reflecting), the wrapped cell (periodic on this block); shared (other rank) and
        # held ghosts are constant here (returns 0).  cr_outflow's log-linear E_c is taken as
        # a copy (its dependence on the next cell in is left out: an approximate Newton matrix
        # in one boundary cell).
        cdef Py_ssize_t ng = self.ng[axis], nn = self.n[axis]
        cdef int side, kind
        if c >= ng and c < ng + nn:
            src[0] = c
            fac[0] = 1.0
            return 1
        side = 0 if c < ng else 1
        kind = bc[axis, side]
        if kind == BC_OUTFLOW or kind == BC_CR_OUTFLOW or (kind == BC_HOLD and not hold_cr[axis, side, var]):
            src[0] = ng if side == 0 else ng + nn - 1
            fac[0] = 1.0
            return 1
        if kind == BC_REFLECTING:
            src[0] = 2 * ng - 1 - c if side == 0 else 2 * (ng + nn) - 1 - c
            fac[0] = -1.0 if var == 1 + axis else 1.0
            return 1
        if kind == BC_PERIODIC:         # this block on both sides: the wrapped cell
            src[0] = c + nn if side == 0 else c - nn
            fac[0] = 1.0
            return 1
        if kind == BC_REMOTE:           # another rank's cell: the ghost itself (returns 2)
            src[0] = c
            fac[0] = 1.0
            return 2
        return 0

    cdef inline Py_ssize_t _emit(self, Py_ssize_t row, Py_ssize_t col, double val, double[:, ::1] band,
                                 Py_ssize_t ku, long[::1] rows, long[::1] cols, double[::1] vals,
                                 Py_ssize_t m, int coo) noexcept nogil:
        # band storage keeps the couplings within ku of the diagonal: all of them in 1D, the
        # x1 lines in 2D/3D (the line preconditioner); the rest is dropped.  coo: the triplets
        # of the whole matrix as well
        if ku >= 0:
            if row - col <= ku and col - row <= ku:
                band[ku + row - col, col] += val
            if not coo:
                return m
        rows[m] = row
        cols[m] = col
        vals[m] = val
        return m + 1

    def jacobian_analytic(self, const double[:, :, :, ::1] cr, const double[:, :, :, ::1] bhat,
                          double s_min, const int[:, ::1] bc, const unsigned char[:, :, ::1] hold_cr,
                          double[:, ::1] band, Py_ssize_t ku,
                          long[::1] rows, long[::1] cols, double[::1] vals, int coo=0):
        """The Jacobian of :meth:`jacobian`, written out: ``dL/dU`` of the frozen operator
        (opacities, signal speeds, velocity of the last unfrozen :meth:`rate`; ghosts of
        ``cr`` filled), same storage, about 20x cheaper than the coloured differences.
        ``coo = 1`` with ``ku >= 0``: the band (entries farther than ``ku`` from the
        diagonal dropped: the x1 lines in 2D/3D) and the COO triplets of the whole matrix in
        one pass.  COO only: the couplings to ghosts filled by another rank are given as columns
        ``nunk + 4 * (k * nj + j) * ni + i) + var`` (full-array cell index), so that the
        caller can apply the whole operator after a halo exchange of the vector.

        Face flux: PLM with the van Leer limiter ``phi(a, b) = 2ab/(a+b)`` (``ab > 0``,
        ``dphi/da = 2b^2/(a+b)^2``; E_c with the consistent scheme: :func:`_koren` and the
        derivatives of the branch it takes) and the HLL flux, linear in the reconstructed states
        for frozen signal speeds; ghosts enter through :meth:`_ghost_source`.  Source:
        JO18 eqs 7-8 right-hand sides, linear in the cell's U for frozen opacities.
        """
        cdef Py_ssize_t k, j, i, a, nn, t, c, src, m = 0, row, col, cell
        cdef Py_ssize_t idx, lo, hi, pos[3]
        cdef Py_ssize_t n1 = self.n[0], n2 = self.n[1], nunk = 4 * self.n[0] * self.n[1] * self.n[2]
        cdef double cmax = self.v_m * sqrt(self.gamma_c - 1.0)
        cdef double vm2p = self.v_m * self.v_m * (self.gamma_c - 1.0), vm2 = self.v_m * self.v_m
        cdef double gc = self.gamma_c
        cdef double q[4]
        cdef double dul[4]      # d ul / d q[t] (t = cells idx-2 .. idx+1)
        cdef double dur[4]
        cdef double dfl[4][4]   # dF[nn] / d ul[mm]
        cdef double dfr[4][4]
        cdef double bm, bp, den, al, ar, vl, vr, aa, bb, ph_a, ph_b, s, fac, wgt, wl, wr
        cdef double b[3]
        cdef double vp[3]
        cdef double vpar, sp, so, upar, wpar
        cdef double dr_par[4]
        cdef double dr_p[3][4]
        cdef int nf, mm, ok, d
        if ku >= 0:
            band[:, :] = 0.0
        with nogil:
            # --- fluxes, one face at a time along each active axis
            for a in range(3):
                if (a == 0 and not self.act1) or (a == 1 and not self.act2) or (a == 2 and not self.act3):
                    continue
                nf = 1 + a
                for k in range(self.c_k0, self.c_k1 + (1 if a == 2 else 0)):
                    for j in range(self.c_j0, self.c_j1 + (1 if a == 1 else 0)):
                        for i in range(self.c_i0, self.c_i1 + (1 if a == 0 else 0)):
                            pos[0], pos[1], pos[2] = i, j, k
                            idx = pos[a]                      # face idx: cells idx-1 (L) and idx (R)
                            pos[a] = idx - 1
                            vl = self.vel[a, pos[2], pos[1], pos[0]]
                            al = self.asig[a, pos[2], pos[1], pos[0]]
                            pos[a] = idx
                            vr = self.vel[a, k, j, i]
                            ar = self.asig[a, k, j, i]
                            _hll_bounds(vl, al, vr, ar, cmax, &bm, &bp)
                            den = bp - bm
                            for nn in range(4):
                                for mm in range(4):
                                    dfl[nn][mm] = 0.0
                                    dfr[nn][mm] = 0.0
                            # dF/dul, dF/dur of F = (bp fl - bm fr + bp bm (ur - ul)) / (bp - bm)
                            if den > 0.0:
                                wl, wr = bp / den, -bm / den
                                for nn in range(4):
                                    dfl[nn][nn] = -bp * bm / den
                                    dfr[nn][nn] = bp * bm / den
                            else:
                                wl, wr = 0.5, 0.5
                            dfl[0][nf] += wl
                            dfl[nf][0] += wl * vm2p
                            dfr[0][nf] += wr
                            dfr[nf][0] += wr * vm2p
                            # area / volume weights of the two cells' updates
                            if a == 0:
                                wgt = self.area1[idx]
                            else:
                                wgt = 1.0
                            for mm in range(4):           # reconstructed variable
                                for t in range(4):
                                    pos[a] = idx - 2 + t
                                    q[t] = cr[mm, pos[2], pos[1], pos[0]]
                                pos[a] = idx
                                aa, bb = q[1] - q[0], q[2] - q[1]
                                ph_a, ph_b = 0.0, 0.0
                                if mm == 0 and self.consistent:
                                    _koren(aa, bb, 0, &ph_a, &ph_b)
                                elif aa * bb > 0.0:
                                    ph_a = 2.0 * bb * bb / ((aa + bb) * (aa + bb))
                                    ph_b = 2.0 * aa * aa / ((aa + bb) * (aa + bb))
                                dul[0] = -0.5 * ph_a
                                dul[1] = 1.0 + 0.5 * (ph_a - ph_b)
                                dul[2] = 0.5 * ph_b
                                dul[3] = 0.0
                                aa, bb = q[2] - q[1], q[3] - q[2]
                                ph_a, ph_b = 0.0, 0.0
                                if mm == 0 and self.consistent:
                                    _koren(aa, bb, 1, &ph_a, &ph_b)
                                elif aa * bb > 0.0:
                                    ph_a = 2.0 * bb * bb / ((aa + bb) * (aa + bb))
                                    ph_b = 2.0 * aa * aa / ((aa + bb) * (aa + bb))
                                dur[0] = 0.0
                                dur[1] = 0.5 * ph_a
                                dur[2] = 1.0 - 0.5 * (ph_a - ph_b)
                                dur[3] = -0.5 * ph_b
                                for t in range(4):
                                    ok = self._ghost_source(bc, hold_cr, a, idx - 2 + t, mm, &src, &fac)
                                    if ok == 0 or (ok == 2 and ku >= 0 and not coo):
                                        continue
                                    pos[a] = src
                                    if ok == 1:
                                        col = 4 * (((pos[2] - self.c_k0) * n2 + (pos[1] - self.c_j0)) * n1
                                                   + (pos[0] - self.c_i0)) + mm
                                    else:
                                        col = nunk + 4 * ((pos[2] * self.nj + pos[1]) * self.ni + pos[0]) + mm
                                    for nn in range(4):
                                        s = fac * (dfl[nn][mm] * dul[t] + dfr[nn][mm] * dur[t]) * wgt
                                        if s == 0.0:
                                            continue
                                        # cell L = idx-1 loses the flux, cell R = idx gains it
                                        pos[a] = idx - 1
                                        if idx - 1 >= self.ng[a]:
                                            row = 4 * (((pos[2] - self.c_k0) * n2 + (pos[1] - self.c_j0)) * n1
                                                       + (pos[0] - self.c_i0)) + nn
                                            if a == 0:
                                                m = self._emit(row, col, -s / self.vol1[idx - 1], band, ku,
                                                               rows, cols, vals, m, coo)
                                            else:
                                                m = self._emit(row, col, -s / (self.dx2 if a == 1 else self.dx3),
                                                               band, ku, rows, cols, vals, m, coo)
                                        pos[a] = idx
                                        if idx < self.ng[a] + self.n[a]:
                                            row = 4 * (((pos[2] - self.c_k0) * n2 + (pos[1] - self.c_j0)) * n1
                                                       + (pos[0] - self.c_i0)) + nn
                                            if a == 0:
                                                m = self._emit(row, col, s / self.vol1[idx], band, ku,
                                                               rows, cols, vals, m, coo)
                                            else:
                                                m = self._emit(row, col, s / (self.dx2 if a == 1 else self.dx3),
                                                               band, ku, rows, cols, vals, m, coo)
            # --- cell-local terms: the geometric source along x1 and the source terms
            for k in range(self.c_k0, self.c_k1):
                for j in range(self.c_j0, self.c_j1):
                    for i in range(self.c_i0, self.c_i1):
                        cell = 4 * (((k - self.c_k0) * n2 + (j - self.c_j0)) * n1 + (i - self.c_i0))
                        if self.act1 and self.area1[i + 1] != self.area1[i]:
                            m = self._emit(cell + 1, cell, vm2p * (self.area1[i + 1] - self.area1[i])
                                           / self.vol1[i], band, ku, rows, cols, vals, m, coo)
                        for d in range(3):
                            b[d] = bhat[d, k, j, i]
                        vpar = _along_b(b[0], b[1], b[2], self.vel[0, k, j, i], self.vel[1, k, j, i],
                                        self.vel[2, k, j, i], &vp[0], &vp[1], &vp[2])
                        sp = self.s_par[k, j, i]
                        so = self.s_perp[k, j, i]
                        if sp < s_min:
                            sp = s_min
                        if so < s_min:
                            so = s_min
                        upar = vpar + self.us_par[k, j, i]
                        wpar = vpar + self.vs_par[k, j, i]
                        # d rpar / d(E, F1, F2, F3) and d rp_d / d(...)
                        dr_par[0] = -gc * upar / sp
                        for mm in range(1, 4):
                            dr_par[mm] = b[mm - 1] / sp
                        for d in range(3):
                            dr_p[d][0] = -gc * vp[d] / so
                            for mm in range(1, 4):
                                dr_p[d][mm] = ((1.0 if d == mm - 1 else 0.0) - b[mm - 1] * b[d]) / so
                        for mm in range(4):
                            s = -(wpar * dr_par[mm] + vp[0] * dr_p[0][mm] + vp[1] * dr_p[1][mm]
                                  + vp[2] * dr_p[2][mm])
                            if s != 0.0:
                                m = self._emit(cell, cell + mm, s, band, ku, rows, cols, vals, m, coo)
                            for d in range(3):
                                s = -vm2 * (dr_par[mm] * b[d] + dr_p[d][mm])
                                if s != 0.0:
                                    m = self._emit(cell + 1 + d, cell + mm, s, band, ku, rows, cols, vals, m, coo)
        return m
