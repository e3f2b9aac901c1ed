r"""Ideal-MHD integrator: second-order van Leer predictor-corrector with CT.

Solves, in code units (magnetic pressure :math:`B^2/2`, :math:`v_A = B/\sqrt\rho`),

.. math::

    \partial_t \rho + \nabla\cdot(\rho\mathbf v) = 0, \qquad
    \partial_t (\rho\mathbf v) + \nabla\cdot\left(\rho\mathbf v\mathbf v - \mathbf B\mathbf B
        + (P + B^2/2)\mathsf I\right) = 0,

    \partial_t E + \nabla\cdot\left((E + P + B^2/2)\mathbf v - (\mathbf v\cdot\mathbf B)\mathbf B\right) = 0,
    \qquad \partial_t \mathbf B = -\nabla\times\mathbf E, \quad \mathbf E = -\mathbf v\times\mathbf B,

with :math:`E = P/(\gamma-1) + \rho v^2/2 + B^2/2` and passive scalars
:math:`\partial_t (\rho c) + \nabla\cdot(\rho c\,\mathbf v) = 0`.

The time step is the VL2 scheme of Stone & Gardiner (2009, New Astron. 14,
139), as in Athena++: a predictor over dt/2 with first-order (donor-cell)
fluxes, then a corrector over dt with PLM fluxes computed from the half-step
state.  The face-centred field is advanced by constrained transport with the
upwind edge electric fields of Gardiner & Stone (2005, JCP 205, 509,
section 4.1.1 and eqs 41-51), so the face-based div B stays at round-off.

**Geometry** (``crplugin.mesh``): along x1 the update is the area-weighted
flux divergence :math:`-\Delta t [(A F)_{i+1/2} - (A F)_{i-1/2}] / V_i` with
the face areas A and exact volumes :math:`V = \int A\,dr` of the block (A = 1,
V = dx for Cartesian grids, uniform or log-spaced), plus, in 1D spherical
and flux-tube geometry, the geometric source of the x1 momentum
(:meth:`MHDIntegrator._geometric_source`).  The transverse field obeys
:math:`\partial_t B_t = -h^{-1}\partial_r (h E)` with h = sqrt(A).  PLM on a
log grid limits slopes per unit length with the real centre distances.

**Isothermal gas** (``eos="isothermal"``): P = c_s^2 rho, no energy equation
(the energy slot is kept but holds 0; its flux is zero), Mignone's (2007)
isothermal HLLD or HLLE, time step with the isothermal fast speed.  Energy
added to that slot by other operators (e.g. the CR exchange) is dropped at
the next conversion to primitives: it is radiated away.

1D, 2D and 3D use the same code.  Along an inactive axis (one cell, no
ghosts) there are no fluxes and the CT update takes no derivative: in 1D,
:math:`B_y` and :math:`B_z` are still evolved through the face arrays (both
faces of the inactive axis stay equal) by :math:`\partial_t B_y = \partial_x
E_z`, :math:`\partial_t B_z = -\partial_x E_y`.
"""
import numpy as np

from crplugin.kernels import mhd as _k
from crplugin.state import IDN, IEN, IM1, NHYDRO

__all__ = ["MHDIntegrator"]

# Axis orders that put the sweep axis last in a [k, j, i] array (array axis of
# physical axis d is 2 - d): x -> [k, j, i], y -> [k, i, j], z -> [j, i, k].
_PENCIL = {0: (0, 1, 2), 1: (0, 2, 1), 2: (1, 2, 0)}


class MHDIntegrator:
    r"""VL2 + CT integrator of ideal MHD (or hydrodynamics) on one block.

    Parameters
    ----------
    block : crplugin.mesh.Block
        The block whose states this integrator advances.
    gamma : float
        Adiabatic index (> 1).
    eos : {"adiabatic", "isothermal"}
        Gamma-law gas, or isothermal with sound speed ``iso_sound_speed`` (> 0).
        Isothermal solvers: ``"hlld"`` (Mignone 2007; with B = 0 also for
        hydro, where ``"hllc"`` selects the same solver) or ``"hlle"``.
    riemann : {"hlld", "hlle", "hllc"} or None
        Riemann solver.  MHD: ``"hlld"`` (Miyoshi & Kusano 2005) or ``"hlle"``
        (HLL with Davis signal speeds, the robust fallback); ``"hllc"`` is
        hydro only.  Hydro: ``"hllc"`` (Toro et al. 1994) or ``"hlle"``;
        ``"hlld"`` is accepted and gives HLLC, to which HLLD reduces when
        B = 0 (Miyoshi & Kusano 2005, section 5).  None: ``"hlld"``.
    limiter : {"vanleer", "mc", "minmod"}
        Slope limiter of the PLM reconstruction of the primitive variables.
    mhd : bool
        False for pure hydrodynamics (``state.bf`` is None).
    cfl : float
        Courant number used by :meth:`timestep` (VL2 is stable up to 0.5 in
        2D/3D with the per-direction minimum used here, 1 in 1D).
    density_floor, pressure_floor : float
        Floors applied when converting to primitives (and to reconstructed
        face states); every floored active cell is counted in
        :attr:`floors_hit`.

    Attributes
    ----------
    floors_hit : int
        Number of active cells floored since construction (both stages of
        every step, plus :meth:`primitives` calls).

    Notes
    -----
    Primitive slots: ``w[IDN, IVX, IVY, IVZ, IPR, scalars...]`` with passive
    scalars stored as concentrations :math:`c = (\rho c)/\rho`.
    """

    def __init__(self, block, gamma=5.0 / 3.0, riemann=None, limiter="vanleer", mhd=True, cfl=0.4,
                 density_floor=1e-10, pressure_floor=1e-12, eos="adiabatic", iso_sound_speed=None):
        if eos not in ("adiabatic", "isothermal"):
            raise ValueError(f"mhd.eos must be adiabatic or isothermal, got {eos!r}")
        if eos == "isothermal" and not (iso_sound_speed is not None and iso_sound_speed > 0.0):
            raise ValueError(f"mhd.eos = 'isothermal' needs mhd.iso_sound_speed > 0, got {iso_sound_speed}")
        if not gamma > 1.0:
            raise ValueError(f"gamma must exceed 1, got {gamma}")
        if riemann is None:
            riemann = "hlld"
        valid = ("hlld", "hlle") if mhd else ("hllc", "hlle", "hlld")
        if riemann not in valid:
            raise ValueError(f"riemann '{riemann}' is not available for {'MHD' if mhd else 'hydro'}; "
                             f"valid: {', '.join(valid)}")
        if limiter not in _k.LIMITERS:
            raise ValueError(f"unknown limiter '{limiter}'; valid: {', '.join(_k.LIMITERS)}")
        if not 0.0 < cfl <= 1.0:
            raise ValueError(f"cfl must be in (0, 1], got {cfl}")
        if not (density_floor > 0.0 and pressure_floor > 0.0):
            raise ValueError("density_floor and pressure_floor must be positive")
        self.block = block
        self.eos = eos
        self.isothermal = eos == "isothermal"
        # c_s^2 handed to the kernels (0 selects the adiabatic branches)
        self.cs2 = float(iso_sound_speed) ** 2 if self.isothermal else 0.0
        self.gamma = float(gamma)
        self.riemann = riemann
        self.limiter = limiter
        self.mhd = bool(mhd)
        self.cfl = float(cfl)
        self.density_floor = float(density_floor)
        self.pressure_floor = float(pressure_floor)
        self.floors_hit = 0
        self._rs = _k.RIEMANN_SOLVERS["hllc" if (riemann == "hlld" and not mhd) else riemann]
        self._lim = _k.LIMITERS[limiter]
        self.active_axes = tuple(a for a in range(3) if block.grid.shape[a] > 1)
        # active cells as inclusive (ks, ke, js, je, is, ie)
        act = block.active
        self._cells = (act[0].start, act[0].stop - 1, act[1].start, act[1].stop - 1,
                       act[2].start, act[2].stop - 1)
        # x1 geometry: face areas, 1/volumes, transverse lengths (ones and 1/dx for uniform Cartesian)
        x_active = 0 in self.active_axes
        self._area1 = block.area1
        self._vol1 = block.vol1 if x_active else np.full_like(block.vol1, np.inf)   # dt/inf = 0
        self._h1f = block.h1f
        self._hdx1 = block.hdx1 if x_active else np.full_like(block.hdx1, np.inf)
        self._dxs = block.dx1 if block.grid.x1spacing != "uniform" else None
        self.geometric = block.geometry != "cartesian"
        self._nvar = None
        self._half = None
        if self.mhd:
            nk, nj, ni = block.shape
            self._edge = [np.zeros((nk + 1, nj + 1, ni)), np.zeros((nk + 1, nj, ni + 1)),
                          np.zeros((nk, nj + 1, ni + 1))]
            self._emf_face = [np.zeros((2,) + block.face_shape(d)) for d in range(3)]

    # ------------------------------------------------------------------
    def _allocate(self, state):
        """Work arrays sized for ``state`` (its number of passive scalars)."""
        nvar = state.u.shape[0]
        if state.mhd != self.mhd:
            raise ValueError(f"state.mhd={state.mhd} but the integrator has mhd={self.mhd}")
        if state.u.shape[1:] != self.block.shape:
            raise ValueError(f"state arrays {state.u.shape[1:]} do not match the block {self.block.shape}")
        if nvar == self._nvar:
            return
        self._nvar = nvar
        self._w = np.zeros_like(state.u)
        self._flux = [np.zeros((nvar,) + self.block.face_shape(d)) for d in range(3)]
        self._half = None

    def _half_state(self, state):
        """The scratch state of the half step (same block, arrays copied from ``state``)."""
        if self._half is None or self._half.u.shape != state.u.shape:
            self._half = state.copy()
        half = self._half
        half.time = state.time + 0.0
        half.cycle = state.cycle
        if state.cr is not None:
            np.copyto(half.cr, state.cr)
        return half

    # ------------------------------------------------------------------
    def primitives(self, state, out=None):
        """Primitive variables ``w[IDN, IVX, IVY, IVZ, IPR, scalars...]`` including ghosts.

        Applies the floors (correcting ``state.u`` where they act) and adds
        the floored active cells to :attr:`floors_hit`.  Scalars are returned
        as concentrations.  ``state.bcc`` must be current.
        """
        if out is None:
            out = np.empty_like(state.u)
        self.floors_hit += self._prim(state, out)
        return out

    def _prim(self, state, w):
        bcc = state.bcc if self.mhd else _DUMMY_BCC
        return _k.cons_to_prim(state.u, bcc, w, self.gamma, self.density_floor, self.pressure_floor,
                               self.mhd, self._cells, self.cs2)

    def conserved(self, w, state):
        """Set ``state.u`` from primitives ``w`` (shape of ``state.u``) and the current ``state.bcc``."""
        bcc = state.bcc if self.mhd else _DUMMY_BCC
        _k.prim_to_cons(np.ascontiguousarray(w, dtype=float), bcc, state.u, self.gamma, self.mhd, self.cs2)

    def timestep(self, state):
        r"""CFL time step of this block: :math:`C \min_{cells, d} \Delta x_d / (|v_d| + c_{f,d})`.

        The minimum runs over the active cells and active directions; the
        caller reduces it over processes.
        """
        self._allocate(state)
        w = self._w
        self.floors_hit += self._prim(state, w)
        bcc = state.bcc if self.mhd else _DUMMY_BCC
        active = tuple(a in self.active_axes for a in range(3))
        gamma = 1.0 if self.isothermal else self.gamma   # w holds P = c_s^2 rho
        return self.cfl * _k.min_crossing_time(w, bcc, gamma, self.block.dx1, tuple(self.block.dx), active,
                                               self.mhd, self._cells)

    # ------------------------------------------------------------------
    def step(self, state, dt, fill_ghosts, fill_end=False):
        """Advance ``state`` by ``dt`` with one VL2 step (in place).

        Parameters
        ----------
        state : crplugin.state.State
            Ghost zones must be filled on entry.
        dt : float
        fill_ghosts : callable
            ``fill_ghosts(s)`` fills the ghosts of ``s.u``, ``s.bf``
            (and ``s.cr``) and calls ``s.update_bcc()``; it is applied to the
            half-step state between predictor and corrector.
        fill_end : bool
            If True, call ``fill_ghosts(state)`` at the end so that the state
            is ready for the next step.  Default False: only the active cells
            and faces are updated and ``state.update_bcc()`` is called; the
            ghosts are stale until the caller fills them (after its other
            operator-split updates), as they must be before the next step.
        """
        self._allocate(state)
        w = self._w
        half = self._half_state(state)

        # predictor: first-order fluxes from U^n, advance to t + dt/2
        self.floors_hit += self._prim(state, w)
        self._fluxes(state, w, order=1)
        self._advance(state, 0.5 * dt, half)
        half.time = state.time + 0.5 * dt
        fill_ghosts(half)

        # corrector: PLM fluxes from U^{n+1/2}, advance U^n by dt
        self.floors_hit += self._prim(half, w)
        self._fluxes(half, w, order=2)
        self._advance(state, dt, state)
        if fill_end:
            fill_ghosts(state)
        elif self.mhd:
            state.update_bcc()

    # ------------------------------------------------------------------
    def _cell_range(self, array_axis, grow):
        """Inclusive index range of the active cells along ``array_axis``, grown by ``grow``
        cells on an active axis."""
        lo, hi = self._cells[2 * array_axis], self._cells[2 * array_axis + 1]
        if self.block.grid.shape[2 - array_axis] > 1:
            lo, hi = lo - grow, hi + grow
        return lo, hi

    def _fluxes(self, st, w, order):
        """Face fluxes along every active axis and, for MHD, the CT edge fields.

        Only the pencils that the update reads are computed: the active ones, plus
        for MHD one ghost row on each side (the upwind edge fields use the face
        fields and mass fluxes of the neighbouring rows)."""
        grow = 1 if self.mhd else 0
        for d in self.active_axes:
            perm = _PENCIL[d]
            wperm = (0,) + tuple(p + 1 for p in perm)
            flx = self._flux[d].transpose(wperm)
            t1, t2 = (d + 1) % 3, (d + 2) % 3
            if self.mhd:
                bt1 = st.bcc[t1].transpose(perm)
                bt2 = st.bcc[t2].transpose(perm)
                bn = st.bf[d].transpose(perm)
                e1 = self._emf_face[d][0].transpose(perm)
                e2 = self._emf_face[d][1].transpose(perm)
            else:
                bt1 = bt2 = bn = e1 = e2 = None
            _k.compute_fluxes(w.transpose(wperm), bt1, bt2, bn, IM1 + d, IM1 + t1, IM1 + t2,
                              flx, e1, e2, order, self._lim, self._rs, self.gamma, self.mhd,
                              self.density_floor, self.pressure_floor,
                              self._dxs if d == 0 else None, self.cs2,
                              self._cell_range(perm[0], grow) + self._cell_range(perm[1], grow))
        if self.mhd:
            self._edge_fields(st, w)

    def _edge_fields(self, st, w):
        """Edge electric fields E_c: Gardiner & Stone upwind integration, or copies in 1D/2D."""
        active = [a in self.active_axes for a in range(3)]
        for c in range(3):
            a, b = (c + 1) % 3, (c + 2) % 3
            edge = self._edge[c]
            if active[a] and active[b]:
                perm = (2 - c, 2 - b, 2 - a)   # [c, b, a] layout
                # the edges of the active faces: active along c, one more than the cells along b, a
                clo, chi = self._cell_range(2 - c, 0)
                blo, bhi = self._cell_range(2 - b, 0)
                alo, ahi = self._cell_range(2 - a, 0)
                # E_c sits in slot 1 of the a-sweep (c = a + 2) and slot 0 of the b-sweep (c = b + 1)
                _k.corner_emf(w[IM1 + a].transpose(perm), w[IM1 + b].transpose(perm),
                              st.bcc[a].transpose(perm), st.bcc[b].transpose(perm),
                              self._emf_face[a][1].transpose(perm), self._emf_face[b][0].transpose(perm),
                              self._flux[a][IDN].transpose(perm), self._flux[b][IDN].transpose(perm),
                              edge.transpose(perm), (clo, chi, blo, bhi + 1, alo, ahi + 1))
            elif active[a]:          # b inactive: E_c is uniform along b
                edge[...] = self._emf_face[a][1]
            elif active[b]:          # a inactive: E_c is uniform along a
                edge[...] = self._emf_face[b][0]
            else:                    # only derivatives along inactive axes: never used
                edge[...] = 0.0

    def _advance(self, st0, dt, out):
        """``out`` = ``st0`` advanced by ``dt`` with the current fluxes (active cells and faces),
        plus, in a 1D non-Cartesian geometry, the geometric source of the x1 momentum
        computed from the primitives ``self._w`` of the stage."""
        coef = [dt / self.block.dx[a] if a in self.active_axes else 0.0 for a in range(3)]
        _k.update_conserved(st0.u, self._flux[0], self._flux[1], self._flux[2],
                            self._area1, dt / self._vol1, coef[1], coef[2], self._cells, out.u)
        if self.geometric:
            out.u[IM1, 0, 0, self._xact] += dt * self._geometric_source(st0)
        if self.mhd:
            e1, e2, e3 = self._edge
            _k.ct_update(st0.bf[0], st0.bf[1], st0.bf[2], e1, e2, e3, self._h1f, dt / self._hdx1,
                         coef[1], coef[2], self._cells, out.bf[0], out.bf[1], out.bf[2])

    @property
    def _xact(self):
        return self.block.active[2]

    def _geometric_source(self, st):
        r"""Source of the x1 momentum in a 1D spherical or flux-tube geometry, per unit volume:

        .. math::

            S_i = P_i rac{A_{i+1/2} - A_{i-1/2}}{V_i}
                  - rac{[A B_1^2/2]_{i+1/2} - [A B_1^2/2]_{i-1/2}}{V_i},

        the quasi-1D (nozzle) form of the momentum equation, whose spherical
        limit A'/A = 2/r is the usual 2P/r.  The gas pressure
        term balances the area-weighted flux divergence of a uniform pressure
        to round-off.  The second term cancels the normal-field stress
        -B_1^2/2 that the x1 flux carries: the 1D radial field is B_1 = const/A
        (div B = 0) and exerts no force (curl of a radial B(r) is zero); it is
        the face form of Athena++'s B_r^2 <1/r> term.  The transverse field's
        pressure B_t^2/2 gets no source, which leaves its hoop tension
        -(B_t^2/2) A'/A (spherical: -B_t^2/r).  The transverse velocity gets no
        centrifugal or Coriolis term: rotating flows are out of scope.
        """
        blk = self.block
        xa = self._xact
        a = self._area1
        src = self._w[IEN, 0, 0, xa] * (a[1:] - a[:-1])[xa]
        if self.mhd:
            ab2 = 0.5 * a * st.bf[0][0, 0] ** 2
            src = src - (ab2[1:] - ab2[:-1])[xa]
        return src / self._vol1[xa]


# stand-in for the cell-centred field of hydro states (never read by the kernels)
_DUMMY_BCC = np.zeros((3, 1, 1, 1))
