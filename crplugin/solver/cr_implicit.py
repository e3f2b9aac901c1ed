r"""Implicit two-moment CR transport: backward Euler and a steady-state solver.

The explicit :class:`~crplugin.solver.cr.CRIntegrator` pays one sub-step per
:math:`\Delta x/(n_{\rm dim} V_m)`.  This module advances the same semi-discrete system

.. math::

    \frac{dU}{dt} = L(U) = -\nabla\cdot\mathbf F_{\rm HLL}(U) + S(U), \qquad
    U = (E_c, \mathbf F_c),

(Jiang & Oh 2018, ApJ 854, 5, eqs 7-8; fluxes, opacities, streaming sign and
its tanh regularisation exactly as in :mod:`crplugin.solver.cr`, so the steady
states of both integrators are the same discrete solution) with

* ``cr.integrator = "implicit"``: **backward Euler**, :math:`U^{n+1} - U^n -
  \Delta t\,L(U^{n+1}) = 0`, one step per MHD step (for frozen gas the step is
  ``cr.max_subcycles`` explicit sub-steps).  Backward Euler is L-stable: the
  stiff relaxation :math:`\sigma V_m^2\Delta t \gg 1` of optically thick cells
  is damped, not reflected (the trapezoidal rule would ring), and it never
  overshoots the monotone relaxation of :math:`F_c` towards its diffusive or
  streaming value.  It is first order in time; ``docs/implicit_cr.md`` says
  what that costs (fronts and transients).
* ``cr.integrator = "steady"``: the steady CR profile on the frozen gas,
  :math:`L(U) = 0`, by **pseudo-transient continuation** (Kelley & Keyes 1998,
  SIAM J. Numer. Anal. 35, 508): backward-Euler steps with one Newton
  iteration each and a pseudo step grown by switched evolution relaxation,
  :math:`\Delta\tau_{k+1} = \Delta\tau_k\,\|L_{k-1}\|/\|L_k\|` (at most x10 per
  step, kept when the residual rises less than twofold), capped at eight cells per
  step at the front speed while the residual is
  large (streaming has piled-up steady branches that a continuation jumping
  ahead lands on; ``docs/implicit_cr.md``).  No energy or momentum is given
  to the gas.

**Operator.**  :math:`L` is the compiled operator of the explicit step
(:meth:`crplugin.kernels.cr_step.CRStep.rate`: PLM + HLL, opacities, x1
geometry, the same ghost fill).  **Newton.**  The Jacobian at frozen
opacities, signal speeds and velocity is written out in compiled code
(:meth:`~crplugin.kernels.cr_step.CRStep.jacobian_analytic`; the coloured
finite differences of :meth:`~crplugin.kernels.cr_step.CRStep.jacobian`
check it).  Linear solves: 1D without a periodic side, a LAPACK band LU
(``dgbtrf``/``dgbtrs``) of the whole matrix; otherwise (2D, 3D, a periodic
side, several ranks) restarted GMRES on the written-out Jacobian (across ranks:
the block's columns plus those of the other ranks' cells, applied after a halo
exchange of the vector), preconditioned by the band LU of its x1 lines
(``cr.linear_solver = "line"``) or by a sparse LU (SuperLU) of the block (``"lu"``; on one rank that is the
whole matrix, periodic wrap included, and is used directly), with every dot
product a global sum through :meth:`crplugin.parallel.Decomposition.sum`.

**Where the streaming sign flips** (:math:`\hat b\cdot\nabla P_c` changes
sign, e.g. at a CR maximum): the sign is :math:`\tanh(h_c\,\hat b\cdot\nabla
P_c/P_c)`, smooth, so the Jacobian exists everywhere, but for large
:math:`h_c` it turns over within a tiny gradient and a full Newton step can
cross the flip and land on the wrong branch.  Each Newton update is
therefore guarded: no :math:`E_c` falls by more than 90 % (the CR energy
stays positive), and an update that raises the weighted residual more than
tenfold is halved (at most 12 times).  A backward-Euler step that does not
converge in ``cr.newton_max_iter`` iterations is redone in shorter sub-steps
and, at the explicit step, raises one line naming the residual and what to
change; the pseudo-transient solver instead shrinks its pseudo step.
"""
import math

import numpy as np
import scipy.linalg
import scipy.linalg.lapack
import scipy.sparse
import scipy.sparse.linalg

from crplugin.solver.cr import _CODES, CRIntegrator, unit_field
from crplugin.state import IDN, IEN, IM1, NCR

__all__ = ["ImplicitCRIntegrator", "make_cr_integrator", "INTEGRATORS", "NotConverged"]

#: Values of ``cr.integrator``.
INTEGRATORS = ("explicit", "implicit", "steady")
#: Colours per active axis of the finite-difference Jacobian: with frozen opacities the residual
#: of a cell depends on the cells at most JAC_HALF away along each axis (PLM + HLL), so cells
#: JAC_COLOURS apart are perturbed together (``crplugin.kernels.cr_step.CRStep.jacobian``).
JAC_HALF = 2
JAC_COLOURS = 2 * JAC_HALF + 1
#: Relative finite-difference step of the Jacobian (about sqrt of the double epsilon).
FD_REL = 1.0e-7
#: A Newton update may raise the residual norm by at most this factor before it is halved.
WATCHDOG = 10.0
#: First pseudo step of the steady solver, in light-crossing times of a cell (before the front cap
#: below existed, 10 dx/V_m landed the bottleneck on a piled-up plateau, 4 dx/V_m did not).
STEADY_DTAU0 = 4.0
#: While the steady residual is above STEADY_RELEASE, the pseudo step follows a front at most
#: STEADY_FRONT_CFL cells per step at the fastest gas + streaming speed.  Measured on the
#: bottleneck: with a free pseudo step the continuation can land on a piled-up plateau (256
#: cells, coloured-difference Jacobian: L1rel 3.8e-2 against 1.3e-2; 512 cells: 1.1e-3 from the
#: explicit steady state); caps of 1, 4 and 8 cells all land within 3.3e-4 of it.  The halo
#: cloud (2D, 80 x 32 and 160 x 64) needs 8: with a cap of 1 the pseudo step collapses to below
#: the explicit step once the front has passed and 4000 pseudo steps do not converge; with 8 it
#: converges in 140-240 steps, within 1.4e-4 (L1rel) of the explicit steady profile.
STEADY_FRONT_CFL = 8.0
STEADY_RELEASE = 1e-3
#: Switched evolution relaxation shrinks the pseudo step by the factor the residual grew, but
#: only when it grew more than 1/STEADY_HOLD times: while a front crosses the mesh the residual
#: wanders up and down by tens of per cent (a transient, not a failing continuation), and
#: following every rise drove the pseudo step of the halo cloud at 160 x 64 from the cap to
#: 1/30 of it, where it stayed.
STEADY_HOLD = 0.5
#: GMRES tolerance of a pseudo step (a step towards L(U) = 0, not a solution that must be exact):
#: measured on the halo cloud at 160 x 64, the steady profile moves by 2e-6 (L1rel) against
#: 1e-11, and the solve costs 40 % less (GMRES iterations per pseudo step 2.5 instead of 7).
STEADY_LINEAR_RTOL = 1e-3
#: Floor of the inverse opacities in units of V_m dx (optical depth per cell 1/S_MIN_REL).
S_MIN_REL = 1.0e-6
#: Newton also stops when its update is below the tolerance and the residual within this factor of it
#: (the round-off floor of U - U^n - dt L(U) grows with the stiffness dt V_m^2 sigma).
NEWTON_FLOOR = 1.0e3
#: Newton may lower E_c of a cell to this fraction of its value at most per iteration.
POS_FLOOR = 0.1


def _gbtrf(ab, kl, ku):
    """LU factors of a band matrix given in ``solve_banded`` storage (LAPACK dgbtrf)."""
    work = np.zeros((2 * kl + ku + 1, ab.shape[1]), order="F")
    work[kl:] = ab
    lu, piv, info = scipy.linalg.lapack.dgbtrf(work, kl, ku, overwrite_ab=1)
    if info < 0:
        raise ValueError(f"dgbtrf: argument {-info} is invalid")
    if info > 0:
        raise NotConverged(f"singular Newton matrix I - dt J (pivot {info} is zero)")
    return lu, piv, info


def _gbtrs(lu, kl, ku, b, piv):
    x, info = scipy.linalg.lapack.dgbtrs(lu, kl, ku, b, piv)
    return x, info


class NotConverged(RuntimeError):
    """An implicit CR solve did not converge (one readable line).

    ``reason`` says what failed, ``advice`` what to change; the message is
    ``"reason; advice"`` (just ``reason`` without advice), so a caller that knows
    better advice (a shorter step cannot help any more) replaces the advice
    without parsing the text.
    """

    def __init__(self, reason, advice=""):
        super().__init__(f"{reason}; {advice}" if advice else reason)
        self.reason, self.advice = reason, advice


def make_cr_integrator(block, params, decomp=None):
    """The CR integrator chosen by ``cr.integrator`` (``explicit``, ``implicit`` or ``steady``)."""
    kind = params["cr.integrator"]
    if kind not in INTEGRATORS:
        raise ValueError(f"cr.integrator must be one of {', '.join(INTEGRATORS)}, got '{kind}'")
    common = dict(v_m=params["cr.v_max"], gamma_c=params["cr.gamma_c"], exchange=params["cr.exchange"],
                  cfl=params["cr.cfl"] or None, stream_scale=params["cr.stream_scale"] or None,
                  gamma_gas=params["mhd.gamma"], streaming_scheme=params["cr.streaming_scheme"])
    if kind == "explicit":
        return CRIntegrator(block, **common)
    if kind == "implicit" and params["cr.streaming_scheme"] == "consistent":
        raise ValueError("cr.streaming_scheme = consistent runs with cr.integrator = explicit or steady; with "
                         "implicit the Newton iteration stalls on the Koren limiter's switches (measured on the "
                         "bottleneck): use cr.streaming_scheme = centred with the implicit integrator")
    if kind == "steady" and params["cr.exchange"] and params["mhd.evolve"]:
        raise ValueError("cr.integrator = steady gives the steady CR profile on frozen gas and hands the gas "
                         "no CR force or heating; with cr.exchange = true and mhd.evolve = true use explicit "
                         "or implicit (or set cr.exchange = false)")
    return ImplicitCRIntegrator(block, mode=kind, decomp=decomp,
                                newton_rtol=params["cr.newton_rtol"],
                                newton_max_iter=params["cr.newton_max_iter"],
                                steady_rtol=params["cr.steady_rtol"], linear_solver=params["cr.linear_solver"],
                                **common)


class _Holder:
    """The ``state`` the halo exchange of a vector sees: its CR-shaped array only."""

    def __init__(self, cr):
        self.u, self.cr, self.bf = None, cr, None


class _Serial:
    """Stand-in for :class:`crplugin.parallel.Decomposition` in a single-block run."""
    size = 1

    @staticmethod
    def min(x):
        return x

    @staticmethod
    def sum(x):
        return x

    @staticmethod
    def max(x):
        return x


class ImplicitCRIntegrator(CRIntegrator):
    """Backward-Euler (``mode="implicit"``) or steady-state (``mode="steady"``) CR transport.

    Parameters are those of :class:`~crplugin.solver.cr.CRIntegrator` plus

    mode : {"implicit", "steady"}
    decomp : crplugin.parallel.Decomposition, optional
        Gives the global sums of the Krylov dot products and norms; ``None`` for one block.
    newton_rtol : float
        Newton stops when the RMS of the residual, each variable divided by
        its largest magnitude on the mesh, is below this.
    newton_max_iter : int
        Newton iterations per backward-Euler step (pseudo steps of the steady solver: x 100).
    steady_rtol : float
        The steady solver stops when max|dE_c/dt| / max E_c, in units of the
        light-crossing time of the domain, is below this.
    linear_rtol : float
        Relative tolerance of GMRES.
    linear_solver : {"line", "lu"}
        Newton systems that are not a 1D band (2D, 3D, a periodic side, several
        ranks): ``"line"``, GMRES on the written-out matrix preconditioned by a
        band LU of its x1 lines (each cell's couplings along x1, its own block
        included; those along x2, x3 and across the periodic wrap left out); or
        ``"lu"``, a sparse LU (SuperLU) of the whole matrix on one rank, of each
        rank's block as GMRES preconditioner across ranks.
    """

    def __init__(self, block, v_m, mode="implicit", decomp=None, newton_rtol=1e-9, newton_max_iter=30,
                 steady_rtol=1e-5, linear_rtol=1e-11, linear_solver="line", **kw):
        super().__init__(block, v_m, **kw)
        if mode not in ("implicit", "steady"):
            raise ValueError(f"mode must be 'implicit' or 'steady', got '{mode}'")
        for name, val in (("newton_rtol", newton_rtol), ("steady_rtol", steady_rtol),
                          ("linear_rtol", linear_rtol)):
            if not (np.isfinite(val) and 0.0 < val < 1.0):
                raise ValueError(f"cr.{name} must be in (0, 1), got {val}")
        if linear_solver not in ("line", "lu"):
            raise ValueError(f"cr.linear_solver must be 'line' or 'lu', got '{linear_solver}'")
        if int(newton_max_iter) < 1:
            raise ValueError(f"cr.newton_max_iter must be >= 1, got {newton_max_iter}")
        self.mode = mode
        self.linear_solver = linear_solver
        self.decomp = decomp if decomp is not None else _Serial()
        self.newton_rtol = float(newton_rtol)
        self.newton_max_iter = int(newton_max_iter)
        self.steady_rtol = float(steady_rtol)
        self.linear_rtol = float(linear_rtol)
        self.ndim = sum(self._act)
        self._kern.allocate_jacobian()
        self._n = tuple(block.n[a] for a in (2, 1, 0))          # active cells [k, j, i]
        self._ncell = int(np.prod(self._n))
        self._nunk = NCR * self._ncell
        self._h_last = None
        self._rate_out = np.zeros((NCR,) + block.shape)
        # inverse-opacity floor: optical depth 1e6 per cell (kappa = 0 is "infinitely opaque"; a
        # larger depth makes I - dt J so stiff that the solves lose the digits Newton needs)
        act = block.active
        dmin = [float(np.min(self._dx1[act[2]]))] if self._act[0] else []
        dmin += [self._dx[a] for a in (1, 2) if self._act[a]]
        self._dxmin_block = min(dmin)
        self._dxmin = self._dxmin_block              # mesh-wide values: set by _context
        self._s_min = S_MIN_REL * v_m * self._dxmin
        grid = block.grid
        self._t_cross = max(r - l for l, r, n in zip(grid.left, grid.right, grid.shape) if n > 1) / self.v_m
        # Jacobian storage: LAPACK band (1D without periodic sides) or COO triplets
        self._band_ku = NCR * JAC_HALF + NCR - 1
        self._band_store = None
        self._mcoef = None
        self._coo_store = None
        self._ku, self._band, self._coo = -1, None, None
        self.stats = {"rate_evaluations": 0, "jacobians": 0, "linear_solves": 0, "newton_iterations": 0,
                      "krylov_iterations": 0}

    # --- restarts --------------------------------------------------------------------
    def checkpoint_state(self):
        """The adaptive sub-step of the last call (restarts continue bit for bit)."""
        return {"h_last": self._h_last}

    def restore_state(self, state):
        self._h_last = state.get("h_last")

    # --- vectors ------------------------------------------------------
    def _get(self, cr):
        """Active cells of ``cr`` as a flat interleaved vector (index cell * 4 + var)."""
        act = (slice(None),) + self.block.active
        return np.ascontiguousarray(np.moveaxis(cr[act], 0, -1)).ravel()

    def _put(self, vec, cr):
        act = (slice(None),) + self.block.active
        cr[act] = np.moveaxis(vec.reshape(self._n + (NCR,)), -1, 0)

    def _dot(self, a, b):
        return float(self.decomp.sum(float(np.dot(a, b))))

    def _scales(self, u):
        """Per-variable magnitude for the weighted norms (global maxima)."""
        mx = np.abs(u.reshape(-1, NCR)).max(axis=0)
        mx = np.asarray(self.decomp.max(np.ascontiguousarray(mx)), dtype=float)
        e = max(mx[0], 1e-300)
        return np.maximum(mx, np.array([e, *(3 * [1e-3 * self.v_m * e])]))

    def _wnorm(self, vec, scales):
        w = (vec.reshape(-1, NCR) / scales).ravel()
        n = float(self.decomp.sum(float(self._ncell)))
        return math.sqrt(self._dot(w, w) / (NCR * n))

    # --- the rate L(U): the compiled operator of the explicit step ------------------------
    def _context(self, state, coeffs, boundaries, w, decomp=None, kernel=None):
        c = self.check_coeffs(coeffs)
        if kernel is not None:  # the kernel writes into them: the integrator's own copies
            c["kappa_par"], c["kappa_perp"] = c["kappa_par"].copy(), c["kappa_perp"].copy()
        bc, hold_cr, hold_u, halo, fill_all = self._boundary_spec(state, boundaries, decomp)
        fill_all()
        if w is not None:
            self._kern.work["vel"][...] = w[IM1:IM1 + 3]
        else:
            self._kern.set_velocity(state.u)
        extrinsic = "stream_velocity_par" in c
        # mesh-wide constants (a log-spaced x1 gives every block its own smallest cell): the
        # opacity floor, the first pseudo step, the front cap and the shortest sub-step must be
        # the same on every rank, or the ranks take different branches and the answer depends on
        # the decomposition
        self._dxmin = float(self.decomp.min(self._dxmin_block))
        self._s_min = S_MIN_REL * self.v_m * self._dxmin
        self._h_min = float(self.decomp.min(self.timestep()))
        codes = set(int(x) for x in bc.ravel())
        # a block-local direct solve is the exact Newton matrix only without shared sides (those
        # couplings are not in the local Jacobian: then GMRES on the global operator)
        self._remote = _CODES["remote"] in codes
        exact_band = self.ndim == 1 and self._act[0] and not ({_CODES["periodic"], _CODES["remote"]} & codes)
        # otherwise x1-line preconditioned GMRES (cheap, near-exact where b is along x1), or SuperLU
        self._line = (not exact_band) and self._act[0] and self.linear_solver == "line"
        self._direct = not (self._remote or self._line)    # the factorised matrix is the whole one
        self._storage(band=exact_band or self._line, coo=not exact_band)
        return {"coeffs": c, "bhat": unit_field(state), "emag": self._emag(state), "kernel": kernel,
                "extrinsic": int(extrinsic), "svp": c["stream_velocity_par"] if extrinsic else self._zero,
                "bc": bc, "hold_cr": hold_cr, "hold_u": hold_u, "halo": halo,
                "cr_held": state.cr.copy(), "u_held": state.u.copy()}

    def _storage(self, band, coo):
        """Storage of the Jacobian, allocated once: a band (1D, no wrap-around: the whole matrix),
        COO triplets (the whole matrix otherwise), or both (line solver: the band holds the x1
        lines that precondition GMRES on the whole matrix)."""
        if coo and self._coo_store is None:
            cap = self._nunk * NCR * (1 + 2 * JAC_HALF * self.ndim)
            self._coo_store = [np.zeros(cap, dtype=np.int64), np.zeros(cap, dtype=np.int64), np.zeros(cap)]
        if band and self._band_store is None:
            self._band_store = np.zeros((2 * self._band_ku + 1, self._nunk))
        self._ku = self._band_ku if band else -1
        self._band = self._band_store if band else np.zeros((1, 1))
        self._coo = (self._coo_store if coo
                     else [np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.int64), np.zeros(1)])

    def _fill(self, state, ctx):
        self._kern.fill(state.cr, state.u, 0, ctx["bc"], ctx["hold_cr"], ctx["hold_u"], ctx["cr_held"],
                        ctx["u_held"], ctx["halo"])

    def _args(self, state, ctx):
        c = ctx["coeffs"]
        return (state.cr, state.u, ctx["emag"], ctx["bhat"], c["kappa_par"], c["kappa_perp"],
                c["stream_speed"], ctx["svp"], ctx["extrinsic"])

    def _rate(self, state, vec, ctx, source_only=False, frozen=False):
        """``L(U)`` for the active-cell vector ``vec`` (ghosts filled from it).

        ``frozen``: keep the opacities, streaming velocity and signal speeds of the
        last unfrozen call (the operator the Newton iteration linearises).
        """
        self._put(vec, state.cr)
        self._fill(state, ctx)
        self._kern.rate(*self._args(state, ctx), ctx["kernel"], int(frozen), int(source_only),
                        self._s_min, self._rate_out)
        self.stats["rate_evaluations"] += 1
        return self._get(self._rate_out)

    # --- Jacobian dL/dU by coloured finite differences (compiled) -------------------
    def _jacobian(self, state, u, ctx, scales):
        """``dL/dU`` at ``u`` with the opacities, streaming velocity and signal speeds frozen
        at ``u`` (compiled, written out: ``CRStep.jacobian_analytic``); also returns ``L(u)``
        (which leaves those frozen arrays set).  With the line solver the whole matrix is kept
        for GMRES (``_jac_own``, ``_jac_ghost``) and the band of its x1 lines is returned."""
        self.stats["jacobians"] += 1
        l0 = self._rate(state, u, ctx)
        if self._ku >= 0 and not self._line:
            self._kern.jacobian_analytic(state.cr, ctx["bhat"], self._s_min, ctx["bc"], ctx["hold_cr"],
                                         self._band, self._ku, *self._coo)
            return ("band", self._ku, self._band), l0
        # the whole matrix as COO triplets (line solver: and the band of its x1 lines, one pass)
        rows, cols, vals = self._coo
        m = self._kern.jacobian_analytic(state.cr, ctx["bhat"], self._s_min, ctx["bc"], ctx["hold_cr"],
                                         self._band, self._ku, rows, cols, vals, int(self._line))
        rows, cols, vals = rows[:m], cols[:m], vals[:m]
        self._jac_ghost = None
        if self._remote:
            # couplings to the cells of other ranks (their ghosts here): the distributed operator
            own = cols < self._nunk
            ghosts = ~own
            nfull = NCR * int(np.prod(self.block.shape))
            if ghosts.any():
                self._jac_ghost = scipy.sparse.csr_matrix(
                    (vals[ghosts], (rows[ghosts], cols[ghosts] - self._nunk)), shape=(self._nunk, nfull))
            rows, cols, vals = rows[own], cols[own], vals[own]
        jac = scipy.sparse.csr_matrix((vals, (rows, cols)), shape=(self._nunk, self._nunk))
        self._jac_own = jac
        if self._line:       # the x1 lines of the band above precondition GMRES on this matrix
            return ("band", self._ku, self._band), l0
        return ("sparse", None, jac), l0

    def _jacobian_fd(self, state, u, ctx, scales):
        """The same Jacobian by coloured finite differences of the compiled frozen rate
        (``CRStep.jacobian``): the check of :meth:`_jacobian` in the tests."""
        l0 = self._rate(state, u, ctx)
        fd_scale = np.array([1e-10 * scales[0]] + 3 * [1e-10 * self.v_m * scales[0]])
        band = np.zeros_like(self._band)
        rows, cols, vals = (a.copy() for a in self._coo)
        m = self._kern.jacobian(*self._args(state, ctx), self._s_min, ctx["bc"], ctx["hold_cr"],
                                ctx["cr_held"], fd_scale, FD_REL, band, self._ku, rows, cols, vals)
        if self._ku >= 0:
            return ("band", self._ku, band), l0
        return ("sparse", None, scipy.sparse.csr_matrix((vals[:m], (rows[:m], cols[:m])),
                                                        shape=(self._nunk, self._nunk))), l0

    def _set_mass(self, ctx):
        """The flux-lag term of the explicit step (``cr_step`` docstring) as a mass matrix:
        the implicit and pseudo-time updates solve ``M (U - U^n) = dt L(U)`` with
        ``M = I - N``, ``N`` putting ``gamma_c v_s b`` times a cell's dE_c into its F_c
        (v_s of the last unfrozen rate, i.e. frozen like the opacities).  Steady states are
        those of ``L``; only the path to them changes.  Extrinsic streaming has no lag term."""
        if ctx["extrinsic"] or self.streaming_scheme != "consistent":
            self._mcoef = None
            return
        act = self.block.active
        vs = self._kern.work["vs_par"][act]
        b = ctx["bhat"][(slice(None),) + act]
        coef = self.gamma_c * vs[None] * b
        self._mcoef = np.ascontiguousarray(np.moveaxis(coef, 0, -1)).reshape(-1, 3)

    def _mass(self, v):
        """``M v`` (``v`` itself without the lag term)."""
        if self._mcoef is None:
            return v
        w = v.reshape(-1, NCR).copy()
        w[:, 1:] -= self._mcoef * w[:, :1]
        return w.ravel()

    def _mass_matrix(self):
        n = self._nunk
        if self._mcoef is None:
            return scipy.sparse.identity(n, format="csc")
        e = np.arange(0, n, NCR)
        rows = np.concatenate([e + 1 + d for d in range(3)])
        cols = np.concatenate([e for d in range(3)])
        vals = np.concatenate([-self._mcoef[:, d] for d in range(3)])
        return (scipy.sparse.identity(n, format="csc")
                + scipy.sparse.csc_matrix((vals, (rows, cols)), shape=(n, n)))

    def _factor(self, jac, dt):
        """Factor the block-local ``M - dt J`` (``M = I`` but for the consistent scheme's
        lag term, :meth:`_set_mass`); returns a solve function."""
        kind, ku, mat = jac
        if kind == "band":
            ab = -dt * mat
            ab[ku] += 1.0
            if self._mcoef is not None:
                for d in range(3):
                    ab[ku + 1 + d, 0::NCR] -= self._mcoef[:, d]
            lu, piv, info = _gbtrf(ab, ku, ku)
            return lambda b: _gbtrs(lu, ku, ku, b, piv)[0]
        a = (self._mass_matrix() - dt * mat).tocsc()
        try:
            lu = scipy.sparse.linalg.splu(a)
        except RuntimeError as err:          # SuperLU: "Factor is exactly singular"
            raise NotConverged(f"singular Newton matrix I - dt J ({err})") from None
        return lu.solve

    # --- linear solve -------------------------------------------------------
    def _linear_solve(self, rhs, dt, solve_local, rtol=None):
        """Solve ``(M - dt J) x = rhs``: directly with ``solve_local`` when it factorises the whole
        matrix (1D band, or SuperLU on one rank), else by GMRES on the written-out matrix of the
        last :meth:`_jacobian` (across ranks: this block's columns plus those of the other ranks'
        cells, applied after a halo exchange of the vector), preconditioned by ``solve_local``
        (x1 lines, or the block's SuperLU); ``self.krylov_iterations`` says how many iterations."""
        self.stats["linear_solves"] += 1
        if self._direct:
            return solve_local(rhs)
        own, ghost = self._jac_own, self._jac_ghost
        if not self._remote:
            return self._gmres(lambda v: self._mass(v) - dt * (own @ v), solve_local, rhs, rtol)
        scratch = np.zeros((NCR,) + self.block.shape)
        holder = _Holder(scratch)

        def apply_across_ranks(v):
            # every rank with a shared side exchanges (a collective), couplings or not
            self._put(v, scratch)
            for a in range(3):
                if self._act[a]:
                    self.decomp.exchange(holder, a, ("cr",))
            jv = own @ v
            if ghost is not None:
                jv = jv + ghost @ np.moveaxis(scratch, 0, -1).ravel()
            return self._mass(v) - dt * jv

        return self._gmres(apply_across_ranks, solve_local, rhs, rtol)

    def _gmres(self, apply, prec, b, rtol=None, restart=40, max_restarts=10):
        """Right-preconditioned restarted GMRES with global dot products.

        scipy's GMRES takes only local vectors; here every inner product and
        norm is a sum over ranks (``decomp.sum``), the operator does its own
        halo exchange, and the preconditioner is the block-local direct solve.
        """
        rtol = self.linear_rtol if rtol is None else rtol
        self.krylov_iterations = 0
        x = np.zeros_like(b)
        bnorm = math.sqrt(self._dot(b, b))
        if bnorm == 0.0:
            return x
        r = b.copy()
        for _ in range(max_restarts):
            beta = math.sqrt(self._dot(r, r))
            if beta <= rtol * bnorm:
                break
            V = [r / beta]
            Z = []
            H = np.zeros((restart + 1, restart))
            g = np.zeros(restart + 1)
            g[0] = beta
            cs = np.zeros(restart)
            sn = np.zeros(restart)
            kdone = 0
            for kk in range(restart):
                z = prec(V[kk])
                Z.append(z)
                w = apply(z)
                for ii in range(kk + 1):                    # modified Gram-Schmidt
                    H[ii, kk] = self._dot(w, V[ii])
                    w = w - H[ii, kk] * V[ii]
                hnext = math.sqrt(self._dot(w, w))
                H[kk + 1, kk] = hnext
                for ii in range(kk):                        # previous Givens rotations
                    t = cs[ii] * H[ii, kk] + sn[ii] * H[ii + 1, kk]
                    H[ii + 1, kk] = -sn[ii] * H[ii, kk] + cs[ii] * H[ii + 1, kk]
                    H[ii, kk] = t
                den = math.hypot(H[kk, kk], H[kk + 1, kk])
                cs[kk], sn[kk] = H[kk, kk] / den, H[kk + 1, kk] / den
                H[kk, kk] = den
                H[kk + 1, kk] = 0.0
                g[kk + 1] = -sn[kk] * g[kk]
                g[kk] = cs[kk] * g[kk]
                kdone = kk + 1
                self.krylov_iterations += 1
                self.stats["krylov_iterations"] += 1
                if abs(g[kk + 1]) <= rtol * bnorm or hnext == 0.0:
                    break
                V.append(w / hnext)
            y = scipy.linalg.solve_triangular(H[:kdone, :kdone], g[:kdone])
            for ii in range(kdone):
                x += y[ii] * Z[ii]
            r = b - apply(x)
        return x

    # --- one Newton update with damping -------------------------------------------
    def _damped_update(self, u, du, residual, norm0, scales):
        """Backtracking when the weighted residual norm grows more than ``WATCHDOG`` times;
        E_c projected to >= 10 % of its old value."""
        lam = 1.0
        for _ in range(12):
            trial = u + lam * du
            np.maximum(trial[0::NCR], POS_FLOOR * u[0::NCR], out=trial[0::NCR])
            res = residual(trial)
            n = self._wnorm(res, scales)
            # non-monotone: the frozen-opacity Jacobian is not the exact one, so a full step may
            # first raise the residual (measured: x1.5 at a fresh front) and still converge
            if np.isfinite(n) and (n <= WATCHDOG * norm0 or n < self.newton_rtol):
                return trial, res, n, lam
            lam *= 0.5
        return trial, res, n, 0.0

    # --- backward Euler ---------------------------------------------------------------
    def _backward_euler(self, state, dt, ctx):
        rtol = self.newton_rtol
        un = self._get(state.cr)
        scales = self._scales(un)
        u = un.copy()

        def residual(v):
            return self._mass(v - un) - dt * self._rate(state, v, ctx)

        l0 = self._rate(state, u, ctx)
        self._set_mass(ctx)
        g = self._mass(u - un) - dt * l0
        norm = self._wnorm(g, scales)
        for it in range(self.newton_max_iter + 1):
            if norm <= rtol:
                break
            if it == self.newton_max_iter:
                raise NotConverged(
                    f"implicit CR step did not converge: weighted RMS of the backward-Euler residual "
                    f"U - U^n - dt L(U) is {norm:.2e} > cr.newton_rtol = {self.newton_rtol:.1e} after "
                    f"{it} Newton iterations (t = {state.time:g}, dt = {dt:.3g})",
                    "lower cr.max_subcycles (the implicit step is that many explicit steps) or raise "
                    "cr.newton_max_iter")
            jac, _ = self._jacobian(state, u, ctx, scales)
            solve_local = self._factor(jac, dt)
            du = self._linear_solve(-g, dt, solve_local)
            u_old = u
            u, g, norm, lam = self._damped_update(u, du, residual, norm, scales)
            self.stats["newton_iterations"] += 1
            # the residual has a round-off floor ~ eps dt |L| (stiff relaxation: V_m^2 sigma dt >> 1)
            # that may lie above rtol: an update below rtol means U no longer changes (converged)
            if lam > 0.0 and self._wnorm(u - u_old, scales) <= rtol and norm <= NEWTON_FLOOR * rtol:
                break
            if lam == 0.0:
                raise NotConverged(
                    f"implicit CR step did not converge: the Newton line search found no decrease of the "
                    f"backward-Euler residual (weighted RMS {norm:.2e}) at t = {state.time:g}, dt = {dt:.3g}",
                    "lower cr.max_subcycles (the implicit step is that many explicit steps)")
        self._put(u, state.cr)
        return u, un

    def _advance(self, state, dt, ctx, de, dm):
        """Backward-Euler sub-steps covering ``dt``: the first tries the whole interval (or
        twice the last successful sub-step); a sub-step whose Newton iteration fails is
        redone four times shorter, down to the explicit step, below which the failure is
        reported.  Adds the energy and momentum given to the gas to ``de``, ``dm``."""
        done, nsub = 0.0, 0
        h = min(dt, 2.0 * self._h_last) if self._h_last else dt
        h_min = self._h_min
        saved = np.empty_like(state.cr)
        while done < dt * (1.0 - 1e-12):
            h = min(h, dt - done)
            np.copyto(saved, state.cr)
            try:
                u, un = self._backward_euler(state, h, ctx)
            except NotConverged as err:
                np.copyto(state.cr, saved)
                if h <= h_min * (1.0 + 1e-12):
                    # shorter sub-steps cannot help any more: say so instead of "lower max_subcycles"
                    raise NotConverged(f"{err.reason}, even at the explicit step size",
                                       "raise cr.newton_max_iter or use cr.integrator = explicit") from None
                h = max(0.25 * h, h_min)
                continue
            if self.exchange:
                # the gas gets what the CRs gained beyond the flux divergence: -(U' - U^n + h div F),
                # conservative to round-off even with the Newton residual left in U'
                full = self._rate(state, u, ctx)
                src = self._rate(state, u, ctx, source_only=True)
                gain = (u - un - h * (full - src)).reshape(self._n + (NCR,))
                e = -gain[..., 0]
                m = -np.moveaxis(gain[..., 1:], -1, 0) / self.v_m ** 2
                act = self.block.active
                state.u[(IEN,) + act] += e
                state.u[(slice(IM1, IM1 + 3),) + act] += m
                de += e
                dm += m
            done += h
            nsub += 1
            self._h_last = h
            h *= 2.0
        return nsub

    # --- pseudo-transient continuation ---------------------------------------------------------
    def solve_steady(self, state, coeffs, boundaries, w=None, dtau0=None, max_steps=None, decomp=None,
                     kernel=None):
        """Drive the CRs on the frozen gas to ``L(U) = 0``; returns the number of pseudo steps.

        ``boundaries``: a :class:`~crplugin.boundaries.Boundaries` or a ``fill(state)`` callable."""
        ctx = self._context(state, coeffs, boundaries, w, decomp, kernel)
        dtau = STEADY_DTAU0 * self._dxmin / self.v_m if dtau0 is None else float(dtau0)
        max_steps = 100 * self.newton_max_iter if max_steps is None else int(max_steps)
        u = self._get(state.cr)
        l0 = self._rate(state, u, ctx)
        scales = self._scales(u)
        rho = self._wnorm(l0, scales)
        history = [self._steady_rate(l0, u)]
        self.steady_history = history
        self.dtau_history = []
        dtau_cap = self._front_cap(ctx)
        steps = 0
        while history[-1] > self.steady_rtol:
            if steps >= max_steps:
                self._put(u, state.cr)
                raise NotConverged(
                    f"steady CR solve did not converge: after {steps} pseudo steps the steady residual "
                    f"max|dE_c/dt| L/(V_m max E_c) is {history[-1]:.2e} > cr.steady_rtol = "
                    f"{self.steady_rtol:.1e}", "raise cr.newton_max_iter (x 100 pseudo steps) or cr.steady_rtol")
            dtau_use = min(dtau, dtau_cap) if history[-1] > STEADY_RELEASE else dtau
            self.dtau_history.append(dtau_use)
            jac, l0 = self._jacobian(state, u, ctx, scales)
            self._set_mass(ctx)
            du = self._linear_solve(dtau_use * l0, dtau_use, self._factor(jac, dtau_use),
                                    rtol=max(self.linear_rtol, STEADY_LINEAR_RTOL))
            trial = u + du
            # positivity: a cell's E_c falls by at most 90 % per pseudo step (a projection, not a
            # Newton damping: the far-from-steady front must not stall the whole mesh)
            trial[0::NCR] = np.maximum(trial[0::NCR], POS_FLOOR * u[0::NCR])
            lt = self._rate(state, trial, ctx)
            rt = self._wnorm(lt, scales)
            steps += 1
            self.stats["newton_iterations"] += 1
            if not np.isfinite(rt) or rt > WATCHDOG * rho:      # reject: shrink the pseudo step
                dtau = 0.25 * dtau_use
                continue
            u, l0 = trial, lt
            # switched evolution relaxation: the pseudo step grows as the rate falls
            ratio = rho / max(rt, 1e-300)
            if ratio >= STEADY_HOLD:
                ratio = max(ratio, 1.0)
            dtau *= min(10.0, max(0.1, ratio))
            rho = rt
            scales = self._scales(u)
            rate_e = self._steady_rate(l0, u)
            history.append(rate_e)
        self._put(u, state.cr)
        self._fill(state, ctx)
        self.steady_history = history
        return steps

    def _front_cap(self, ctx):
        """Largest pseudo step while a CR front crosses the mesh: STEADY_FRONT_CFL cells per step
        at the fastest gas + streaming speed (inf without either)."""
        act = (slice(None),) + self.block.active
        vel = self._kern.work["vel"][act]
        c = ctx["coeffs"]
        speed = float(np.max(np.sqrt((vel ** 2).sum(axis=0)) + (np.abs(ctx["svp"][act[1:]]) if ctx["extrinsic"]
                                                                  else c["stream_speed"][act[1:]])))
        speed = float(self.decomp.max(speed))
        return STEADY_FRONT_CFL * self._dxmin / speed if speed > 0 else math.inf

    def _steady_rate(self, l, u):
        """max |dE_c/dt| / max E_c in units of the light-crossing time L/V_m of the domain."""
        emax = float(self.decomp.max(float(np.max(np.abs(u[0::NCR])))))
        rate = float(self.decomp.max(float(np.max(np.abs(l[0::NCR])))))
        return rate / max(emax, 1e-300) * self._t_cross

    # --- the step the simulation calls ----------------------------------------------------------
    def step(self, state, dt, coeffs, boundaries, w=None, decomp=None, kernel=None):
        """Advance the CRs by ``dt`` in one backward-Euler step (``mode="implicit"``), or
        replace them by the steady profile on the current gas (``mode="steady"``, ``dt``
        only advances the clock).  Returns the diagnostics of
        :meth:`CRIntegrator.step` plus ``newton_iterations`` and ``linear_solves``."""
        if state.cr is None:
            raise ValueError("state has no CR arrays (create it with State(..., cr=True))")
        if not (np.isfinite(dt) and dt >= 0):
            raise ValueError(f"dt must be finite and >= 0, got {dt}")
        before = dict(self.stats)
        ctx = self._context(state, coeffs, boundaries, w, decomp, kernel)
        act = self.block.active
        de = np.zeros(state.u[IDN][act].shape)
        dm = np.zeros((3,) + de.shape)
        nsub = 0
        if self.mode == "steady":
            self.solve_steady(state, coeffs, boundaries, w, decomp=decomp, kernel=kernel)
        elif dt > 0:
            cr0, u0 = state.cr.copy(), state.u.copy()
            try:
                nsub = self._advance(state, dt, ctx, de, dm)
            except NotConverged:            # nothing half-done is left behind
                np.copyto(state.cr, cr0)
                np.copyto(state.u, u0)
                raise
        self._fill(state, ctx)
        heat, work = self._rates(state, ctx["coeffs"], ctx["bhat"], w, kernel)
        self.diagnostics = self._diagnostics(nsub, dt / max(nsub, 1), de, dm, heat, work)
        for key in ("newton_iterations", "linear_solves"):
            self.diagnostics[key] = self.stats[key] - before[key]
        return self.diagnostics
