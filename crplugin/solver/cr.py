r"""Two-moment cosmic-ray transport with a reduced speed of light (Jiang & Oh 2018).

The CR energy density :math:`E_c` and energy flux :math:`\mathbf F_c`
(``state.cr[IEC]``, ``state.cr[IFC1:IFC3+1]``) obey (Jiang & Oh 2018, ApJ
854, 5, eqs 7-8, with :math:`P_c = (\gamma_c-1)E_c`, :math:`\gamma_c` the run parameter ``cr.gamma_c``, 4/3 by default)

.. math::

    \partial_t E_c + \nabla\cdot\mathbf F_c
        &= -(\mathbf v + \mathbf v_s)\cdot\boldsymbol\sigma_c\cdot\mathbf R, \\
    \frac{1}{V_m^2}\partial_t \mathbf F_c + \nabla P_c
        &= -\boldsymbol\sigma_c\cdot\mathbf R, \qquad
    \mathbf R = \mathbf F_c - (\mathbf v + \mathbf u_s)(E_c + P_c),

with :math:`\boldsymbol\sigma_c = \sigma_\parallel \hat b\hat b
+ \sigma_\perp(\mathsf I - \hat b\hat b)`.  The gas receives the opposite
energy and momentum source (``exchange=True``), so that
:math:`\int (e_{\rm gas} + E_c)\,dV` and
:math:`\int (\rho\mathbf v + \mathbf F_c/V_m^2)\,dV` are conserved.

Opacities (the *standard* diffusivity :math:`\kappa`, :math:`\mathbf F_c =
-\kappa\nabla E_c` in the diffusive limit, as returned by the closures):

.. math::

    \sigma_\parallel^{-1} = \frac{\kappa_\parallel}{\gamma_c - 1}
        + \frac{v_{\rm st}(E_c + P_c)\,|\tanh x|}{|\hat b\cdot\nabla P_c|},
    \qquad \sigma_\perp^{-1} = \frac{\kappa_\perp}{\gamma_c-1},
    \qquad x = \frac{h_c\,\hat b\cdot\nabla P_c}{P_c}.

JO18 write :math:`\sigma_d^{-1}` for the diffusive part, which multiplies
:math:`\nabla P_c`; it equals :math:`3\kappa` (:math:`\kappa/(\gamma_c-1)`)
in terms of the usual diffusivity.  The streaming part is the flux
:math:`v_{\rm st}(E_c+P_c)\tanh x` down the gradient written as a diffusion;
the streaming velocity is :math:`\mathbf v_s = -v_{\rm st}\tanh(x)\,\hat b`.

**Regularisation** (Sharma, Colella & Martin 2010): the sign of
:math:`\hat b\cdot\nabla P_c` is replaced by :math:`\tanh x` with a length
``stream_scale`` :math:`h_c`.  Then :math:`\sigma_s^{-1} =
\frac{\gamma_c}{\gamma_c-1} v_{\rm st} h_c \tanh|x|/|x|` is bounded by
:math:`\frac{\gamma_c}{\gamma_c-1}v_{\rm st}h_c` (the zero-gradient limit), so
the streaming opacity never vanishes and nothing is divided by a vanishing
gradient.  A flat region carrying a flux :math:`F` must have
:math:`|\nabla\ln P_c| = {\rm atanh}(y)/h_c` with :math:`y = F/(v_{\rm
st}(E_c+P_c)) \le 1`: where the Alfven speed falls along the flow (the
bottleneck plateau, :math:`y \approx v_{A,\min}/v_A`) the plateau is flat
only to a relative slope :math:`\sim 1/h_c`, so :math:`h_c` must exceed the
plateau length by a large factor (measured: 4 % droop over a plateau of
length 1 with :math:`h_c = 30`, 0.2 % with :math:`h_c = 10^3`).  Where the
CR profile varies on a scale :math:`\ell \ll h_c`, :math:`\tanh x` is the
exact sign and the streaming flux is :math:`v_{\rm st}(E_c+P_c)`.  Small
:math:`h_c` (comparable to the density scale) turns streaming into a
diffusion with :math:`\kappa = \gamma_c v_{\rm st} h_c` and erases the
bottleneck altogether.  The default :math:`h_c` is therefore large:
``DEFAULT_STREAM_SCALE = 1000`` times the longest domain extent.

The downstream :math:`P_c\propto\rho^{\gamma_c/2}` branch is *not*
protected by any choice of :math:`h_c`: a region where CRs drift slower than
:math:`v_A` (:math:`|\mathbf F_c| < v_A(E_c+P_c)`) makes the CRs streaming
in behind it pile up into a flat plateau, which is also a steady state.  In
our tests that spurious downstream plateau came from the boundary: a
zero-gradient (``outflow``) ghost holds :math:`\nabla P_c = 0` at the edge
and stops the streaming there (36 % error in :math:`E_c` downstream of a
density peak for every :math:`h_c` tried, :math:`30` to :math:`10^{12}`); a
ghost that lets the CRs stream out (log-linear extrapolation of :math:`E_c`)
gives :math:`P_c\propto\rho^{2/3}` to 0.5 % in shape, with a first-order
offset of the level (1.8 % at 96 cells, 0.9 % at 192) from the corner of the
profile at the density peak.

**Extrinsic turbulence** (``stream_velocity_par`` given): CRs are convected
with the waves at the fixed signed speed :math:`u_s` along :math:`\hat b`
(Schlickeiser 2019 eq 34: :math:`H_c v_A`), :math:`\mathbf v_s = \mathbf u_s
= u_s\hat b`, and only diffusion scatters (no streaming opacity).  The work
:math:`\mathbf v_s\cdot\nabla P_c` done against the waves is handed to the
gas like the streaming heating.

Numerics (JO18 section 3): unsplit finite volumes, piecewise-linear
reconstruction of :math:`(E_c, \mathbf F_c)`, HLL flux with the signal speed
reduced in optically thick cells (``crplugin.kernels.cr_transport``, ``cr_step``),
midpoint (VL2) predictor-corrector in time, each stage followed by a
cell-local backward-Euler solve of the source terms in the frame of
:math:`\hat b` (exact for any :math:`\sigma`, so tiny diffusivities and large
optical depths are stable).  The CR update is sub-cycled inside
:meth:`CRIntegrator.step` with :math:`\Delta t_{\rm sub} \le {\rm cfl}\,
\min\Delta x/V_m`: the reduced speed of light sets the cost.  All sub-steps of
one call are one compiled call (``crplugin.kernels.cr_step``): stages, ghost
fills of the physical boundaries, state-dependent coefficients and the gas
exchange; sides shared with another MPI rank are filled through a callback
into ``crplugin.parallel`` (one per axis and stage).  The CR step is separate
from the MHD step (the gas enters only through ``state.u`` and
``state.bcc``), so an implicit transport step can replace it.

**Unit vector** :math:`\hat b = \mathbf B/|\mathbf B|`, and :math:`\hat b = 0`
where :math:`B = 0` (no direction: only :math:`\kappa_\perp` acts there, nothing
streams); a run without a magnetic field uses :math:`\hat b = \hat x`.  The one
definition is :func:`unit_field`.

**Boundaries during the sub-steps**: the physical kinds of
``crplugin.boundaries`` are applied by the compiled loop (periodic, outflow,
``cr_outflow``, reflecting); a ``user`` side that declares the variables it
prescribes (``fill.holds``, e.g. :func:`crplugin.boundaries.fixed_state`) and
``cr_fixed_energy`` are zero-gradient with those variables held at their
values at the start of the call; a ``user`` function that declares nothing is
called back from the loop at every stage (correct, slower).  With the
exchange on, the gas ghosts are refilled every sub-step the same way, so the
velocities the fluxes read follow the gas.

**Geometry along x1** (1D winds): the block may carry ``dx1``, ``x1v``,
``area1`` and ``vol1`` (``crplugin.mesh``); the divergence is then
:math:`(A_{i+1/2}F_{i+1/2} - A_{i-1/2}F_{i-1/2})/V_i`, the x1 flux equation gets
the geometric source :math:`V_m^2 P_c (A_{i+1/2} - A_{i-1/2})/V_i` (a uniform
:math:`P_c` at rest stays at rest) and gradients use the real centre spacing.
The reconstruction stays the uniform-index PLM.

Code units throughout (the Alfven speed is :math:`B/\sqrt\rho`); the caller
supplies the streaming speed (e.g. the ion Alfven speed) in ``coeffs``.
"""
import math
import warnings

import numpy as np

from crplugin.kernels import cr_step as _step
from crplugin.kernels import cr_transport as _k
from crplugin.state import IDN, IEC, IM1, NCR

__all__ = ["CRIntegrator", "streaming_heating", "unit_field", "COEFF_KEYS", "GAMMA_C"]

#: Valid keys of the ``coeffs`` dict of :meth:`CRIntegrator.step`.
COEFF_KEYS = ("kappa_par", "kappa_perp", "stream_speed", "stream_velocity_par")
_REQUIRED = ("kappa_par", "kappa_perp")
#: Default regularisation length in units of the largest domain extent.
DEFAULT_STREAM_SCALE = 1.0e3

#: ``centred``: the streaming opacity from the centred gradient of P_c and van Leer
#: reconstruction of every variable (Jiang & Oh 2018).  ``consistent``: the opacity from
#: the gradient the flux equation sees, E_c reconstructed third-order (Koren), and the
#: flux lag removed (``kernels.cr_step`` docstring; docs/implicit_cr.md).
STREAMING_SCHEMES = ("centred", "consistent")
#: Default CR adiabatic index (relativistic CRs); the run parameter ``cr.gamma_c``.
GAMMA_C = 4.0 / 3.0
_CODES = _step.BOUNDARY_CODES


def unit_field(state):
    """Unit vector ``b[3, k, j, i]`` along the cell-centred field: ``B/|B|``, 0 where
    B = 0; ``x`` everywhere for a state without magnetic field (hydro runs)."""
    bhat = np.zeros((3,) + state.block.shape)
    if state.bcc is None:
        bhat[0] = 1.0
        return bhat
    _k.unit_vector(np.ascontiguousarray(state.bcc), bhat)
    return bhat


def _x1_geometry(block, gamma_c):
    """Cell widths, gradient coefficients, face areas and volumes along x1 (ghosts included).

    From the block's ``dx1``, ``x1v``, ``area1``, ``vol1`` when the mesh provides
    them; otherwise uniform Cartesian (A = 1, V = dx), with the arithmetic of the
    uniform scheme (gradient coefficient (gamma_c - 1)/(2 dx))."""
    n1 = block.shape[2]
    dx = float(block.dx[0])
    dx1 = getattr(block, "dx1", None)
    x1v = getattr(block, "x1v", None)
    area1 = getattr(block, "area1", None)
    vol1 = getattr(block, "vol1", None)
    geometry = getattr(block, "geometry", "cartesian")
    if dx1 is None:
        dx1 = np.diff(block.faces(0)) if x1v is not None else np.full(n1, dx)
    dx1 = np.array(dx1, dtype=float)       # a writable copy (the mesh's arrays are read-only)
    # uniform Cartesian cells keep the arithmetic of the uniform scheme (and of the
    # runs before the mesh carried its geometry), whatever the mesh provides
    uniform = geometry == "cartesian" and bool(np.allclose(dx1, dx, rtol=1e-12, atol=0.0))
    if uniform:
        area1, vol1 = None, None
        dx1 = np.full(n1, dx)
        gcoef1 = np.full(n1, (gamma_c - 1.0) / (2.0 * dx))
    else:
        if x1v is None:
            f = np.asarray(block.faces(0), dtype=float)
            x1v = 0.5 * (f[1:] + f[:-1])
        x1v = np.asarray(x1v, dtype=float)
        gcoef1 = np.zeros(n1)
        gcoef1[1:-1] = (gamma_c - 1.0) / (x1v[2:] - x1v[:-2])
    if area1 is None:
        area1 = np.ones(n1 + 1)
    if vol1 is None:
        vol1 = dx1 * 0.5 * (np.asarray(area1)[1:] + np.asarray(area1)[:-1]) if geometry != "cartesian" else dx1
    return dx1, gcoef1, np.array(area1, dtype=float), np.array(vol1, dtype=float)


class CRIntegrator:
    r"""Sub-cycled two-moment CR transport on one block.

    Parameters
    ----------
    block : crplugin.mesh.Block
        The block (its ``ng = 2`` ghost layers are needed by the PLM fluxes).
    v_m : float
        Reduced speed of light :math:`V_m` (code units), > 0.  Must exceed the
        gas and streaming speeds by a good margin (a factor 10 is customary,
        JO18 section 4); :meth:`step` warns if it is below twice their sum.
    gamma_c : float
        CR adiabatic index (run parameter ``cr.gamma_c``), 4/3 for relativistic
        CRs, in (1, 2].
    exchange : bool
        Give the gas the opposite energy and momentum source.  ``False``
        freezes the gas (CR-only tests).
    cfl : float, optional
        Sub-step ``cfl * min(dx) / v_m``, in (0, 1].  Default ``1/ndim``: the
        HLL speeds are capped at ``V_m sqrt(gamma_c - 1)``, so the Courant
        numbers of the unsplit update sum to ``sqrt(gamma_c - 1) = 0.58``
        in 1D, 2D and 3D (the bottleneck reaches the same L1 as with 0.4 in
        2.5x fewer sub-steps).
    stream_scale : float, optional
        Regularisation length :math:`h_c` of the streaming sign (code
        length units), > 0 and finite.  Default: ``DEFAULT_STREAM_SCALE`` times
        the domain length along the longest axis.
    gamma_gas : float
        Adiabatic index of the gas (sound speed that floors the HLL speeds).
    """

    def __init__(self, block, v_m, gamma_c=GAMMA_C, exchange=True, cfl=None, stream_scale=None,
                 gamma_gas=5.0 / 3.0, streaming_scheme="centred"):
        if cfl is None:
            cfl = 1.0 / block.ndim
        if not (np.isfinite(v_m) and v_m > 0):
            raise ValueError(f"v_m must be positive and finite, got {v_m}")
        if not (1.0 < gamma_c <= 2.0):
            raise ValueError(f"gamma_c must be in (1, 2], got {gamma_c}")
        if not (0.0 < cfl <= 1.0):
            raise ValueError(f"cfl must be in (0, 1], got {cfl}")
        if streaming_scheme not in STREAMING_SCHEMES:
            raise ValueError(f"streaming_scheme must be one of {', '.join(STREAMING_SCHEMES)}, "
                             f"got '{streaming_scheme}'")
        self.streaming_scheme = streaming_scheme
        self.gamma_gas = gamma_gas
        if stream_scale is None:
            stream_scale = DEFAULT_STREAM_SCALE * max(
                r - l for l, r, n in zip(block.grid.left, block.grid.right, block.grid.shape) if n > 1)
        if not (np.isfinite(stream_scale) and stream_scale > 0):
            raise ValueError(f"stream_scale must be positive and finite, got {stream_scale}")
        if block.ng < 2:
            raise ValueError(f"the CR fluxes need 2 ghost cells, block has ng={block.ng}")
        self.block = block
        self.v_m = float(v_m)
        self.gamma_c = float(gamma_c)
        self.exchange = bool(exchange)
        self.cfl = float(cfl)
        self.stream_scale = float(stream_scale)
        self.diagnostics = {}

        shape = block.shape
        self._act = tuple(int(block.nghost(a) > 0) for a in range(3))
        self._dx = tuple(float(d) for d in block.dx)
        self._dx1, gcoef1, area1, vol1 = _x1_geometry(block, self.gamma_c)
        self._kern = _step.CRStep(shape, self._act, tuple(block.nghost(a) for a in range(3)), block.n,
                                  self._dx[1], self._dx[2], self._dx1, gcoef1, area1, vol1,
                                  self.v_m, self.gamma_c, self.stream_scale, float(gamma_gas),
                                  int(self.exchange), 0, int(streaming_scheme == "consistent"))
        self._zero = np.zeros(shape)

    # ------------------------------------------------------------------
    def timestep(self):
        """Sub-step size ``cfl * min(dx over active axes) / v_m``."""
        act = self.block.active
        d = [float(np.min(self._dx1[act[2]]))] if self._act[0] else []
        d += [self._dx[a] for a in (1, 2) if self._act[a]]
        return self.cfl * min(d) / self.v_m

    # ------------------------------------------------------------------
    def check_coeffs(self, coeffs):
        """Validate ``coeffs`` and return contiguous float arrays of the block shape.

        Scalars are broadcast.  Unknown keys, missing ``kappa_par`` /
        ``kappa_perp``, wrong shapes, NaN or negative values raise ValueError
        naming the key.  ``kappa`` may be ``inf`` (no scattering).
        """
        unknown = set(coeffs) - set(COEFF_KEYS)
        if unknown:
            raise ValueError(f"unknown CR coefficient(s) {sorted(unknown)}; valid keys: {', '.join(COEFF_KEYS)}")
        out = {}
        shape = self.block.shape
        for key in COEFF_KEYS:
            if key not in coeffs:
                if key in _REQUIRED:
                    raise ValueError(f"CR coefficient '{key}' is required")
                continue
            val = np.asarray(coeffs[key], dtype=float)
            try:
                val = np.ascontiguousarray(np.broadcast_to(val, shape))
            except ValueError:
                raise ValueError(f"CR coefficient '{key}' has shape {val.shape}, "
                                 f"expected {shape} (cells with ghosts) or a scalar") from None
            if np.isnan(val).any():
                raise ValueError(f"CR coefficient '{key}' contains NaN")
            if key == "stream_velocity_par":
                if not np.isfinite(val).all():
                    raise ValueError(f"CR coefficient '{key}' must be finite")
            else:
                if (val < 0).any():
                    raise ValueError(f"CR coefficient '{key}' must be >= 0")
                if key == "stream_speed" and not np.isfinite(val).all():
                    raise ValueError(f"CR coefficient '{key}' must be finite")
            out[key] = val if val.flags.writeable else val.copy()   # the kernel takes writable buffers
        out.setdefault("stream_speed", self._zero)
        return out

    # ------------------------------------------------------------------
    def _boundary_spec(self, state, boundaries, decomp):
        """Boundary codes, hold masks and the Python callback for the compiled loop.

        ``boundaries``: a :class:`crplugin.boundaries.Boundaries`, its bound
        ``fill``, or any ``fill(state)`` callable (then every stage calls it back).
        """
        from crplugin.boundaries import Boundaries
        blk = self.block
        nu = state.u.shape[0]
        bc = np.zeros((3, 2), dtype=np.intc)
        hold_cr = np.zeros((3, 2, NCR), dtype=np.uint8)
        hold_u = np.zeros((3, 2, nu), dtype=np.uint8)
        bnd = boundaries if isinstance(boundaries, Boundaries) else getattr(boundaries, "__self__", None)
        if not isinstance(bnd, Boundaries):
            fill = boundaries
            for a in range(3):
                if self._act[a]:
                    bc[a] = _CODES["remote"]
            first = next(a for a in range(3) if self._act[a])

            def generic(axis, with_gas):
                if axis == first:
                    fill(state)
            return bc, hold_cr, hold_u, generic, lambda: fill(state)

        rank = getattr(decomp, "rank", None)
        callback_sides = []
        for a in range(3):
            if not self._act[a]:
                continue
            nb = [blk.neighbours.get((a, s)) for s in ("inner", "outer")]
            local_periodic = decomp is None or (nb[0] == rank and nb[1] == rank)
            for si, side in enumerate(("inner", "outer")):
                kind = bnd.kinds[(a, side)]
                if nb[si] is not None and not local_periodic:
                    bc[a, si] = _CODES["remote"]
                elif kind == "periodic":
                    bc[a, si] = _CODES["periodic"]
                elif kind in ("outflow", "cr_outflow", "reflecting"):
                    bc[a, si] = _CODES[kind]
                elif kind == "cr_fixed_energy":
                    bc[a, si] = _CODES["hold"]
                    hold_cr[a, si, IEC] = 1
                else:  # user
                    holds = getattr(bnd.user[(a, side)], "holds", None)
                    if holds is None:
                        bc[a, si] = _CODES["remote"]
                        callback_sides.append((a, side))
                        continue
                    bc[a, si] = _CODES["hold"]
                    for name, index in holds:
                        (hold_cr if name == "cr" else hold_u)[a, si, index] = 1
        exchange = decomp.exchange if decomp is not None else None
        fast = decomp.halo_exchanger(state) if hasattr(decomp, "halo_exchanger") else None

        def halo(axis, with_gas):
            fields = ("cr", "hydro") if with_gas else ("cr",)
            if fast is not None:
                fast(axis, with_gas)
            elif exchange is not None:
                exchange(state, axis, fields)
            for a, side in callback_sides:
                if a == axis:
                    bnd.fill_side(state, axis, side, fields)

        def fill_all():
            bnd.fill(state, exchange=exchange, fields=("cr", "hydro"))
        return bc, hold_cr, hold_u, halo, fill_all

    def _emag(self, state):
        if state.bcc is None:
            return self._zero
        return np.ascontiguousarray(0.5 * (state.bcc ** 2).sum(axis=0))

    # ------------------------------------------------------------------
    def step(self, state, dt, coeffs, boundaries, w=None, decomp=None, kernel=None):
        """Advance the CRs (and, with ``exchange``, the gas energy and momentum) by ``dt``.

        Parameters
        ----------
        state : crplugin.state.State
            Needs ``state.cr``; reads ``u[IDN]``, ``u[IM1:IM3+1]`` (gas velocity
            ``u[IM]/u[IDN]`` unless ``w`` is given) and ``bcc``.
        dt : float
            Time step (the MHD step); sub-cycled in ``ceil(dt / timestep())``
            equal sub-steps, all in one compiled call.
        coeffs : dict
            Cell arrays with ghosts (or scalars): ``kappa_par``, ``kappa_perp``
            (standard diffusivities, code units, >= 0, ``inf`` allowed),
            ``stream_speed`` (>= 0, default 0), optional ``stream_velocity_par``
            (signed speed along b: extrinsic-wave mode).  Frozen for the call
            (they depend on the gas only), except what ``kernel`` recomputes.
        boundaries : crplugin.boundaries.Boundaries or callable
            The block's boundary conditions (or its ``fill``); a plain
            ``fill(state)`` callable is called back at every stage.
        w : ndarray, optional
            Primitive array: its velocity is used (frozen) instead of ``u[IM]/u[IDN]``.
        decomp : crplugin.parallel.Decomposition, optional
            Fills the sides shared with other ranks (halo exchange).
        kernel : crplugin.kernels.cr_step.CoefficientKernel, optional
            Recomputes ``kappa_par``/``kappa_perp`` from the CR state at every stage
            of every sub-step (state-dependent coefficients).

        Returns
        -------
        dict
            Also kept in ``self.diagnostics``: ``nsub``, ``dt_sub``,
            ``energy_exchanged`` (volume integral over the block of the energy
            given to the gas, float), ``momentum_exchanged`` (3 floats),
            ``gas_energy_source`` / ``gas_momentum_source`` (per cell, active
            region, summed over the sub-steps), ``heating`` (streaming heating
            rate :math:`-\\mathbf v_s\\cdot\\nabla P_c`) and ``work`` (CR work rate
            on the gas :math:`-\\mathbf v\\cdot\\nabla P_c`), both per cell at the
            end of the step.
        """
        if state.cr is None:
            raise ValueError("state has no CR arrays (create it with State(..., cr=True))")
        if not (np.isfinite(dt) and dt >= 0):
            raise ValueError(f"dt must be finite and >= 0, got {dt}")
        c = self.check_coeffs(coeffs)
        if kernel is not None:  # the kernel writes into them: the integrator's own copies
            c["kappa_par"] = c["kappa_par"].copy()
            c["kappa_perp"] = c["kappa_perp"].copy()
        bhat = unit_field(state)
        # the sub-step of the whole mesh: on a log-spaced x1 the blocks differ, and every rank
        # must run the same number of sub-steps (each one exchanges halos)
        dt_min = float(decomp.min(self.timestep())) if decomp is not None else self.timestep()
        nsub = max(1, math.ceil(dt / dt_min * (1.0 - 1e-12))) if dt > 0 else 0
        dt_sub = dt / nsub if nsub else 0.0
        act = self.block.active
        extrinsic = "stream_velocity_par" in c
        svp = c["stream_velocity_par"] if extrinsic else self._zero
        vmax = float(np.max(np.abs(self._velocity(state, w)[(slice(None),) + act]))) + float(
            np.max(c["stream_speed"][act]) if not extrinsic else np.max(np.abs(svp[act])))
        if 2.0 * vmax > self.v_m:
            warnings.warn(f"v_m = {self.v_m:g} is less than twice the gas + streaming speed "
                          f"{vmax:g}: the reduced-speed-of-light approximation is poor", stacklevel=2)
        bc, hold_cr, hold_u, halo, fill_all = self._boundary_spec(state, boundaries, decomp)
        fill_all()
        if w is not None:
            self._kern.work["vel"][...] = w[IM1:IM1 + 3]
        emag = self._emag(state)
        de_tot = np.zeros(self.block.shape)
        dm_tot = np.zeros((3,) + self.block.shape)
        self._kern.run(state.cr, state.u, emag, bhat, c["kappa_par"], c["kappa_perp"], c["stream_speed"],
                       svp, int(extrinsic), kernel, int(w is not None), nsub, dt_sub, bc, hold_cr, hold_u,
                       state.cr.copy(), state.u.copy(), halo, de_tot, dm_tot)
        heat, work = self._rates(state, c, bhat, w, kernel)
        self.diagnostics = self._diagnostics(nsub, dt_sub, de_tot[act], dm_tot[(slice(None),) + act], heat, work)
        return self.diagnostics

    def _diagnostics(self, nsub, dt_sub, de, dm, heat, work):
        """What :meth:`step` returns: ``de``, ``dm`` the energy and momentum densities given to
        the gas on the active cells, ``heat``, ``work`` the rates of :meth:`_rates`."""
        vol = float(np.prod([d for d, a in zip(self._dx, self._act) if a]))
        return {
            "nsub": nsub,
            "dt_sub": dt_sub,
            "energy_exchanged": float(de.sum() * vol),
            "momentum_exchanged": tuple(float(x) for x in dm.reshape(3, -1).sum(axis=1) * vol),
            "gas_energy_source": de,
            "gas_momentum_source": dm,
            "heating": heat,
            "work": work,
        }

    def _velocity(self, state, w=None):
        if w is not None:
            return w[IM1:IM1 + 3]
        return state.u[IM1:IM1 + 3] / state.u[IDN]

    def _rates(self, state, c, bhat, w=None, kernel=None):
        shape = self.block.shape
        heat, work = np.zeros(shape), np.zeros(shape)
        extrinsic = "stream_velocity_par" in c
        if w is not None:
            self._kern.work["vel"][...] = w[IM1:IM1 + 3]
        kp, ko = c["kappa_par"], c["kappa_perp"]
        if kernel is not None:
            kp, ko = kp.copy(), ko.copy()
        self._kern.rates(state.cr, state.u, self._emag(state), bhat, kp, ko, c["stream_speed"],
                         c["stream_velocity_par"] if extrinsic else self._zero, int(extrinsic), kernel,
                         int(w is not None), heat, work)
        act = self.block.active
        return heat[act], work[act]

    def transport_speed(self):
        r"""Speed of the CRs relative to the gas per cell, from the opacities of the last stage
        of :meth:`step`: :math:`|v_s| + (\gamma_c-1)\max(\sigma_\parallel^{-1},
        \sigma_\perp^{-1})/\Delta x_{\min}` (streaming plus the effective diffusivity over the
        smallest active cell width)."""
        w = self._kern.work
        dx = min(float(np.min(d)) for d, n in zip(self.block.dx, self.block.grid.shape) if n > 1)
        return np.abs(w["vs_par"]) + (self.gamma_c - 1.0) * np.maximum(w["s_par"], w["s_perp"]) / dx

    def heating(self, state, coeffs):
        """Streaming heating rate per cell (active cells) of the current state (ghosts filled):
        the closure with the centred gradient (:func:`streaming_heating`), the rate the centred
        scheme hands to the gas; the consistent scheme's loss uses the face-pressure gradient
        (docs/implicit_cr.md), within O(dx^2) of it on smooth profiles."""
        heat, _ = self._rates(state, self.check_coeffs(coeffs), unit_field(state))
        return heat

    def pressure_gradient(self, state):
        """``(grad P_c [3, k, j, i], b.grad P_c [k, j, i])`` on the active cells grown by one
        layer (zero elsewhere), the centred gradient: that of the closures, the signal speeds
        and the centred scheme's opacity (ghosts filled)."""
        self._kern.gradient(state.cr, unit_field(state))
        w = self._kern.work
        return w["grad"].copy(), w["gpar"].copy()


def streaming_heating(state, coeffs, v_m=1.0, stream_scale=None, gamma_c=GAMMA_C):
    r"""Streaming heating rate :math:`H = -\mathbf v_s\cdot\nabla P_c` on the active cells.

    For self-confinement :math:`\mathbf v_s = -v_{\rm st}\tanh(h_c\hat
    b\cdot\nabla P_c/P_c)\hat b`, so :math:`H = v_{\rm st}\,|\hat b\cdot\nabla
    P_c|\,|\tanh x| \ge 0` (Zweibel 2021 eq 38, :math:`|v_A\cdot\nabla P_c|`, with
    the regularised sign of :class:`CRIntegrator`: the kernel
    ``cr_transport.cr_streaming_heating``); in the extrinsic mode
    (``stream_velocity_par`` in ``coeffs``) :math:`H = -u_s\,\hat b\cdot\nabla
    P_c`, which can be negative.  Centred differences; ``state`` must have
    its ghosts filled.

    Parameters
    ----------
    state : crplugin.state.State
        State with CR arrays and filled ghosts.
    coeffs : dict
        As for :meth:`CRIntegrator.step` (``stream_speed`` is what matters).
    v_m : float
        Reduced speed of light; does not enter the rate (only the opacity).
    stream_scale : float, optional
        Regularisation length :math:`h_c` (default as in :class:`CRIntegrator`).
    gamma_c : float
        CR adiabatic index.

    Returns
    -------
    ndarray
        Heating rate per unit volume (code units), shape of the active cells ``[k, j, i]``.
    """
    integ = CRIntegrator(state.block, v_m, gamma_c=gamma_c, exchange=False, stream_scale=stream_scale)
    return integ.heating(state, coeffs)
