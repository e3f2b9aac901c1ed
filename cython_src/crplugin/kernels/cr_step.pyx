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

cdef inline double _vanleer(double dl, double dr) noexcept nogil:
    cdef double p = dl * dr
    if p <= 0.0:
        return 0.0
    return 2.0 * p / (dl + dr)


cdef void _copy4(const double[:, :, :, ::1] a, double[:, :, :, ::1] b) noexcept nogil:
    cdef Py_ssize_t v, k, j, i
    for v in range(a.shape[0]):
        for k in range(a.shape[1]):
            for j in range(a.shape[2]):
                for i in range(a.shape[3]):
                    b[v, k, j, i] = a[v, k, j, i]


# weight of the centred gradient in the streaming opacity, per v_st/V_m (see CRStep._opacity):
# measured on the bottleneck test at 96/192 cells (V_m = 9 v_A) and problem at 256-1024 cells
cdef double C_BLEND = 12.0


cdef inline double _face_e(double qm2, double qm1, double q0, double qp1) noexcept nogil:
    # E_c at the face between qm1 and q0 as the HLL flux of the F_c equation sees it:
    # the mean of the two van Leer PLM states of that face (the same reconstruction as _flux)
    return 0.5 * (qm1 + 0.5 * _vanleer(qm1 - qm2, q0 - qm1) + q0 - 0.5 * _vanleer(q0 - qm1, qp1 - q0))


cdef inline double _grad_e(const double[:, :, :, ::1] cr, Py_ssize_t k, Py_ssize_t j, Py_ssize_t i,
                           Py_ssize_t dk, Py_ssize_t dj, Py_ssize_t di, Py_ssize_t m, Py_ssize_t n) noexcept nogil:
    # Difference of E_c across cell m (index along the axis) of an axis of length n:
    # upper face minus lower face (PLM means), the difference whose flux the F_c equation
    # takes; where the 5-cell stencil leaves the array (outermost ghosts only), the centred
    # half-difference (E_{m+1} - E_{m-1})/2.
    if m >= 2 and m + 2 < n:
        return (_face_e(cr[0, k - dk, j - dj, i - di], cr[0, k, j, i],
                        cr[0, k + dk, j + dj, i + di], cr[0, k + 2 * dk, j + 2 * dj, i + 2 * di])
                - _face_e(cr[0, k - 2 * dk, j - 2 * dj, i - 2 * di], cr[0, k - dk, j - dj, i - di],
                          cr[0, k, j, i], cr[0, k + dk, j + dj, i + di]))
    return 0.5 * (cr[0, k + dk, j + dj, i + di] - cr[0, k - dk, j - dj, i - di])


cdef void _gradient(const double[:, :, :, ::1] cr, const double[:, :, :, ::1] bhat,
                    const double[::1] gcoef1, double c2, double c3, int act1, int act2, int act3,
                    Py_ssize_t k0, Py_ssize_t k1, Py_ssize_t j0, Py_ssize_t j1,
                    Py_ssize_t i0, Py_ssize_t i1,
                    double[:, :, :, ::1] grad, double[:, :, ::1] gpar,
                    double[:, :, ::1] gpar_c, int faces=1) noexcept nogil:
    # grad P_c = (gamma_c - 1) grad E_c and b.grad P_c: the one definition of the CR
    # pressure gradient (c2, c3 = (gamma_c-1)/(2 dx); gcoef1 = (gamma_c-1)/(x_{i+1}-x_{i-1})
    # per cell along x1, so 2 gcoef1 = (gamma_c-1)/dx on a uniform grid).
    #
    # The gradient is the difference of the face values of E_c that the transport uses
    # (mean of the PLM states, _face_e), not the centred difference of the cells.  Reason:
    # in a steady state the flux equation reads F_c = -grad_T P_c / sigma, grad_T the
    # gradient the HLL fluxes impose, while the streaming opacity is
    # sigma = |grad_O P_c| / (v_st (E_c + P_c)) with the gradient grad_O of this function;
    # so F_c = v_st (E_c + P_c) grad_T / grad_O.  Both are consistent approximations of
    # grad P_c, but where grad P_c -> 0 (around a density peak, where P_c goes from the flat
    # bottleneck plateau to rho^(2/3), and on flat plateaus) their O(dx^2) difference is an
    # O(1) error of the ratio, i.e. of the streaming flux.  Taking grad_O = grad_T (up to the
    # HLL dissipation of F_c) removes that error: the bottleneck problem's L1 error next to
    # the peak drops tenfold.  On smooth profiles the two agree to O(dx^2).
    # gpar_c is b.grad P_c from the centred differences: it only sets the HLL signal speeds,
    # which must be the same in a ghost cell and in the cell it copies (periodic sides,
    # MPI neighbours) for the fluxes to stay conservative, and the face stencil does not fit
    # into the outermost ghosts; the coefficient kernels also get gpar_c.  faces = 0: the centred differences everywhere (the
    # diagnostics rates()/gradient(), which must agree with the outputs' derived fields).
    # Along x1 the face difference is evaluated as the centred half-difference minus a quarter
    # of the second difference of the van Leer slopes, s_i = vl(E_i - E_{i-1}, E_{i+1} - E_i):
    # E_{i+1/2} - E_{i-1/2} = (E_{i+1} - E_{i-1})/2 - (s_{i+1} - 2 s_i + s_{i-1})/4 (the same
    # number as _grad_e up to round-off), each slope computed once along the row.
    cdef Py_ssize_t k, j, i
    cdef Py_ssize_t n1 = cr.shape[3]
    cdef double g1, g2, g3, c1, sm, s0, sp
    cdef int have
    for k in range(k0, k1):
        for j in range(j0, j1):
            have = 0
            sm = 0.0
            s0 = 0.0
            for i in range(i0, i1):
                c1 = gcoef1[i] * (cr[0, k, j, i + 1] - cr[0, k, j, i - 1]) if act1 else 0.0
                if faces:
                    g1 = c1
                    if act1 and i >= 2 and i + 2 < n1:
                        if not have:
                            sm = _vanleer(cr[0, k, j, i - 1] - cr[0, k, j, i - 2], cr[0, k, j, i] - cr[0, k, j, i - 1])
                            s0 = _vanleer(cr[0, k, j, i] - cr[0, k, j, i - 1], cr[0, k, j, i + 1] - cr[0, k, j, i])
                            have = 1
                        sp = _vanleer(cr[0, k, j, i + 1] - cr[0, k, j, i], cr[0, k, j, i + 2] - cr[0, k, j, i + 1])
                        g1 = c1 - 0.5 * gcoef1[i] * (sp - 2.0 * s0 + sm)
                        sm = s0
                        s0 = sp
                    else:
                        have = 0
                    g2 = 2.0 * c2 * _grad_e(cr, k, j, i, 0, 1, 0, j, cr.shape[2]) if act2 else 0.0
                    g3 = 2.0 * c3 * _grad_e(cr, k, j, i, 1, 0, 0, k, cr.shape[1]) if act3 else 0.0
                else:
                    g1 = gcoef1[i] * (cr[0, k, j, i + 1] - cr[0, k, j, i - 1]) if act1 else 0.0
                    g2 = c2 * (cr[0, k, j + 1, i] - cr[0, k, j - 1, i]) if act2 else 0.0
                    g3 = c3 * (cr[0, k + 1, j, i] - cr[0, k - 1, j, i]) if act3 else 0.0
                grad[0, k, j, i] = g1
                grad[1, k, j, i] = g2
                grad[2, k, j, i] = g3
                gpar[k, j, i] = bhat[0, k, j, i] * g1 + bhat[1, k, j, i] * g2 + bhat[2, k, j, i] * g3
                g2 = c2 * (cr[0, k, j + 1, i] - cr[0, k, j - 1, i]) if act2 else 0.0
                g3 = c3 * (cr[0, k + 1, j, i] - cr[0, k - 1, j, i]) if act3 else 0.0
                gpar_c[k, j, i] = bhat[0, k, j, i] * c1 + bhat[1, k, j, i] * g2 + bhat[2, k, j, i] * g3


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
    cdef public int act1, act2, act3, exchange, nu
    cdef Py_ssize_t nk, nj, ni
    cdef Py_ssize_t c_k0, c_k1, c_j0, c_j1, c_i0, c_i1       # active cells
    cdef Py_ssize_t g_k0, g_k1, g_j0, g_j1, g_i0, g_i1       # grown by one layer
    cdef Py_ssize_t ng[3]
    cdef Py_ssize_t n[3]
    cdef double v_m, gamma_c, h_c, gamma_gas, dx2, dx3
    cdef double[::1] dx1, gcoef1, area1, vol1
    cdef double[:, :, :, ::1] grad, asig, cr0, flux1, flux2, flux3, d_fc, vel
    cdef double[:, :, ::1] gpar, gpar_c, s_par, s_perp, vs_par, us_par, d_ec
    cdef object _arrays     # keeps the numpy owners alive

    def __init__(self, shape, act, ng, n, dx2, dx3, dx1, gcoef1, area1, vol1,
                 double v_m, double gamma_c, double h_c, double gamma_gas, int exchange, int nu):
        self.nk, self.nj, self.ni = shape
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
            gpar=np.zeros(shape), gpar_c=np.zeros(shape), s_par=np.zeros(shape), s_perp=np.zeros(shape),
            vs_par=np.zeros(shape), us_par=np.zeros(shape), d_ec=np.zeros(shape))
        for a, name in enumerate(("flux1", "flux2", "flux3")):
            fs = list(shape)
            fs[2 - a] += 1
            arrays[name] = np.zeros((4,) + tuple(fs)) if act[a] else np.zeros((4, 1, 1, 1))
        self._arrays = arrays
        self.grad, self.asig, self.cr0 = arrays["grad"], arrays["asig"], arrays["cr0"]
        self.d_fc, self.vel = arrays["d_fc"], arrays["vel"]
        self.gpar, self.s_par, self.s_perp = arrays["gpar"], arrays["s_par"], arrays["s_perp"]
        self.gpar_c = arrays["gpar_c"]
        self.vs_par, self.us_par, self.d_ec = arrays["vs_par"], arrays["us_par"], arrays["d_ec"]
        self.flux1, self.flux2, self.flux3 = arrays["flux1"], arrays["flux2"], arrays["flux3"]

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
        cdef double pc, sp, so, vs, us, bd2, D, tau, a, dxd, st_inv, rho, kin, pg, c_cr, sa, vsa, gb, wb
        cdef double gm1 = self.gamma_c - 1.0
        cdef double cmax = self.v_m * sqrt(gm1)
        cdef double cblend = C_BLEND / self.v_m
        cdef int act[3]
        act[0], act[1], act[2] = self.act1, self.act2, self.act3
        for k in range(self.g_k0, self.g_k1):
            for j in range(self.g_j0, self.g_j1):
                for i in range(self.g_i0, self.g_i1):
                    sp = kappa_par[k, j, i] / gm1
                    so = kappa_perp[k, j, i] / gm1
                    sa = sp
                    if extrinsic:
                        vs = stream_vpar[k, j, i]
                        us = vs
                        vsa = vs
                    else:
                        pc = gm1 * cr[0, k, j, i]
                        if pc < 0.0:
                            pc = 0.0
                        # Opacity and streaming velocity from the face gradient gpar blended
                        # towards the centred one, weight w = min(1, C_BLEND v_st/V_m).  The face
                        # gradient alone (w = 0) removes the O(1) error of the streaming flux
                        # where grad P_c -> 0, but it also removes the fourth-order damping that
                        # the centred/face mismatch gives (~ v_st L dx^2 d^4/dx^4, L = P_c/|grad P_c|),
                        # and at a modest reduced speed of light (V_m < ~40 v_st) the discrete
                        # streaming then grows a spurious staircase (and never becomes steady).
                        # Both gradients approximate b.grad P_c to O(dx^2), so any w gives the same
                        # equations; what is left of the O(1) error at a gradient zero is
                        # O(C_BLEND v_st/V_m), which vanishes with V_m like the reduced-speed-of-light
                        # error itself.  The signal speeds keep the centred gradient (below).
                        gb = self.gpar[k, j, i]
                        wb = cblend * stream_speed[k, j, i]
                        if wb > 1.0:
                            wb = 1.0
                        gb = gb + wb * (self.gpar_c[k, j, i] - gb)
                        cr_streaming_terms(stream_speed[k, j, i], self.gamma_c, self.h_c, pc,
                                           gb, &st_inv, &vs)
                        sp = sp + st_inv
                        us = 0.0
                        # the signal speed from the centred gradient (see _gradient)
                        cr_streaming_terms(stream_speed[k, j, i], self.gamma_c, self.h_c, pc,
                                           self.gpar_c[k, j, i], &st_inv, &vsa)
                        sa = sa + st_inv
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
                            D = D + bd2 * sa
                        if bd2 < 1.0:
                            D = D + (1.0 - bd2) * so
                        dxd = self.dx1[i] if d == 0 else (self.dx2 if d == 1 else self.dx3)
                        if D > 0.0:
                            tau = self.v_m * dxd / D
                        else:
                            tau = INFINITY
                        a = cr_reduced_speed(self.v_m, self.gamma_c, tau) + fabs(vsa * bhat[d, k, j, i])
                        if a > cmax:
                            a = cmax
                        if a < c_cr:
                            a = c_cr
                        self.asig[d, k, j, i] = a

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
        cdef double qm2, qm1, q0, qp1, sl, sr, bp, bm, vl, vr, al, ar
        for k in range(self.c_k0, self.c_k1 + dk):
            for j in range(self.c_j0, self.c_j1 + dj):
                for i in range(self.c_i0, self.c_i1 + di):
                    for nn in range(4):
                        qm2 = cr[nn, k - 2 * dk, j - 2 * dj, i - 2 * di]
                        qm1 = cr[nn, k - dk, j - dj, i - di]
                        q0 = cr[nn, k, j, i]
                        qp1 = cr[nn, k + dk, j + dj, i + di]
                        ul[nn] = qm1 + 0.5 * _vanleer(qm1 - qm2, q0 - qm1)
                        ur[nn] = q0 - 0.5 * _vanleer(q0 - qm1, qp1 - q0)
                    vl = self.vel[axis, k - dk, j - dj, i - di]
                    vr = self.vel[axis, k, j, i]
                    al = self.asig[axis, k - dk, j - dj, i - di]
                    ar = self.asig[axis, k, j, i]
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
        for nn in range(4):
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
                  self.g_k0, self.g_k1, self.g_j0, self.g_j1, self.g_i0, self.g_i1, self.grad, self.gpar,
                  self.gpar_c)
        if ckern is not None:
            ckern.update(cr, self.gpar_c, self.g_k0, self.g_k1, self.g_j0, self.g_j1, self.g_i0, self.g_i1,
                         kappa_par, kappa_perp)
        self._opacity(cr, u, emag, bhat, kappa_par, kappa_perp, stream_speed, stream_vpar, extrinsic)
        self._transport(self.cr0, cr, dt, cr)
        self._source(cr, bhat, dt)

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
                      self.g_k0, self.g_k1, self.g_j0, self.g_j1, self.g_i0, self.g_i1, self.grad, self.gpar,
                  self.gpar_c, 0)
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
                      self.g_k0, self.g_k1, self.g_j0, self.g_j1, self.g_i0, self.g_i1, self.grad, self.gpar,
                  self.gpar_c, 0)
