r"""Two-moment cosmic-ray transport with a reduced speed of light (Jiang & Oh 2018).

The CR energy density :math:`E_c` and energy flux :math:`\mathbf F_c`
(``state.cr[IEC]``, ``state.cr[IFC1:IFC3+1]``) obey (Jiang & Oh 2018, ApJ
854, 5, eqs 7-8, with :math:`P_c = (\gamma_c-1)E_c`, :math:`\gamma_c = 4/3`)

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
reduced in optically thick cells (``crplugin.kernels.cr_transport``),
midpoint (VL2) predictor-corrector in time, each stage followed by a
cell-local backward-Euler solve of the source terms in the frame of
:math:`\hat b` (exact for any :math:`\sigma`, so tiny diffusivities and large
optical depths are stable).  The CR update is sub-cycled inside
:meth:`CRIntegrator.step` with :math:`\Delta t_{\rm sub} \le {\rm cfl}\,
\min\Delta x/V_m`: the reduced speed of light sets the cost.  The CR step is
separate from the MHD step (the gas enters only through ``state.u`` and
``state.bcc``), so an implicit transport step can replace it.

Code units throughout (the Alfven speed is :math:`B/\sqrt\rho`); the caller
supplies the streaming speed (e.g. the ion Alfven speed) in ``coeffs``.
"""
import math
import warnings

import numpy as np

from crplugin.kernels import cr_transport as _k
from crplugin.state import IDN, IEC, IEN, IFC1, IM1, NCR

__all__ = ["CRIntegrator", "streaming_heating", "COEFF_KEYS"]

#: Valid keys of the ``coeffs`` dict of :meth:`CRIntegrator.step`.
COEFF_KEYS = ("kappa_par", "kappa_perp", "stream_speed", "stream_velocity_par")
_REQUIRED = ("kappa_par", "kappa_perp")
#: Default regularisation length in units of the largest domain extent.
DEFAULT_STREAM_SCALE = 1.0e3


def _unit_field(state):
    """Unit vector ``b`` of the cell-centred field; ``x`` where B = 0 (or no field)."""
    shape = state.block.shape
    bhat = np.zeros((3,) + shape)
    if state.bcc is None:
        bhat[0] = 1.0
        return bhat
    bmag = np.sqrt(np.einsum("a...,a...->...", state.bcc, state.bcc))
    ok = bmag > 0.0
    np.divide(state.bcc, bmag, out=bhat, where=ok)
    bhat[0][~ok] = 1.0
    return bhat


def _gas_velocity(state, w=None):
    if w is not None:
        return np.ascontiguousarray(w[IM1:IM1 + 3], dtype=float)
    rho = state.u[IDN]
    return np.ascontiguousarray(state.u[IM1:IM1 + 3] / rho)


class CRIntegrator:
    """Sub-cycled two-moment CR transport on one block.

    Parameters
    ----------
    block : crplugin.mesh.Block
        The block (its ``ng = 2`` ghost layers are needed by the PLM fluxes).
    v_m : float
        Reduced speed of light :math:`V_m` (code units), > 0.  Must exceed the
        gas and streaming speeds by a good margin (a factor 10 is customary,
        JO18 section 4); :meth:`step` warns if it is below twice their sum.
    gamma_c : float
        CR adiabatic index, 4/3 (relativistic CRs), in (1, 2].
    exchange : bool
        Give the gas the opposite energy and momentum source.  ``False``
        freezes the gas (CR-only tests).
    cfl : float
        Sub-step ``cfl * min(dx) / v_m``, in (0, 1].
    stream_scale : float, optional
        Regularisation length :math:`h_c` of the streaming sign (code
        length units), > 0 and finite.  Default: the domain length along the
        longest axis.
    """

    def __init__(self, block, v_m, gamma_c=4.0 / 3.0, exchange=True, cfl=0.4, stream_scale=None,
                 gamma_gas=5.0 / 3.0):
        if not (np.isfinite(v_m) and v_m > 0):
            raise ValueError(f"v_m must be positive and finite, got {v_m}")
        if not (1.0 < gamma_c <= 2.0):
            raise ValueError(f"gamma_c must be in (1, 2], got {gamma_c}")
        if not (0.0 < cfl <= 1.0):
            raise ValueError(f"cfl must be in (0, 1], got {cfl}")
        self.gamma_gas = gamma_gas  # for the sound speed that floors the HLL speeds (exchange on)
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
        # index ranges [k0, k1, j0, j1, i0, i1] of the active cells and of the
        # active cells grown by one layer on every active axis
        g = [block.nghost(a) for a in range(3)]
        n = block.n
        self._cells = (g[2], g[2] + n[2], g[1], g[1] + n[1], g[0], g[0] + n[0])
        self._grown = (g[2] - self._act[2], g[2] + n[2] + self._act[2],
                       g[1] - self._act[1], g[1] + n[1] + self._act[1],
                       g[0] - self._act[0], g[0] + n[0] + self._act[0])
        # face ranges per axis: one more face than cells along that axis
        self._faces = []
        for a in range(3):
            r = list(self._cells)
            hi = 5 - 2 * a  # index of the upper bound of axis a in [k0,k1,j0,j1,i0,i1]
            r[hi] += 1
            self._faces.append(tuple(r))
        # work arrays
        self._grad = np.zeros((3,) + shape)
        self._gpar = np.zeros(shape)
        self._s_par = np.zeros(shape)
        self._s_perp = np.zeros(shape)
        self._vs_par = np.zeros(shape)
        self._us_par = np.zeros(shape)
        self._asig = np.zeros((3,) + shape)
        self._flux = [np.zeros((NCR,) + block.face_shape(a)) if self._act[a] else np.zeros((NCR, 1, 1, 1))
                      for a in range(3)]
        self._d_ec = np.zeros(shape)
        self._d_fc = np.zeros((3,) + shape)
        self._cr0 = np.zeros((NCR,) + shape)
        self._zero = np.zeros(shape)

    # ------------------------------------------------------------------
    def timestep(self):
        """Sub-step size ``cfl * min(dx over active axes) / v_m``."""
        return self.cfl * min(d for d, a in zip(self._dx, self._act) if a) / self.v_m

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
            out[key] = val
        out.setdefault("stream_speed", self._zero)
        return out

    # ------------------------------------------------------------------
    def _opacity(self, cr, bhat, vel, c):
        k0, k1, j0, j1, i0, i1 = self._grown
        _k.grad_pc(cr, bhat, *self._dx, *self._act, self.gamma_c, k0, k1, j0, j1, i0, i1,
                   self._grad, self._gpar)
        extrinsic = "stream_velocity_par" in c
        svp = c["stream_velocity_par"] if extrinsic else self._zero
        _k.cr_opacity(cr, self._gpar, bhat, c["kappa_par"], c["kappa_perp"], c["stream_speed"], svp,
                      int(extrinsic), self.v_m, self.gamma_c, self.stream_scale, *self._dx,
                      k0, k1, j0, j1, i0, i1,
                      self._s_par, self._s_perp, self._vs_par, self._us_par, self._asig)

    def _acoustic_floor(self, state):
        """With the exchange on the CRs push the gas, so CR pressure travels as sound at
        sqrt(gamma_c P_c / rho) (plus the gas's own sound, which the MHD solver upwinds).
        Without diffusion the opacity-limited speeds ``a`` vanish, the HLL flux loses its
        dissipation and CR-supported sound waves grow: floor ``a`` at the CR sound speed."""
        if not self.exchange:
            return
        u = state.u
        ec = np.maximum(state.cr[IEC], 0.0)
        rho = u[IDN]
        kin = 0.5 * (u[IM1] ** 2 + u[IM1 + 1] ** 2 + u[IM1 + 2] ** 2) / rho
        mag = 0.5 * (state.bcc ** 2).sum(axis=0) if state.bcc is not None else 0.0
        pg = np.maximum((self.gamma_gas - 1.0) * (u[IEN] - kin - mag), 0.0)
        c_cr = np.sqrt((self.gamma_gas * pg + self.gamma_c * (self.gamma_c - 1.0) * ec) / rho)
        np.maximum(self._asig, c_cr[None], out=self._asig)

    def _fluxes(self, cr, vel):
        for a in range(3):
            if self._act[a]:
                _k.cr_flux(cr, vel, self._asig, a, self.v_m, self.gamma_c, *self._faces[a], self._flux[a])

    def _transport(self, base, cr, vel, dt, out):
        """``out = base - dt div F(cr)`` on the active cells."""
        self._fluxes(cr, vel)
        _k.cr_flux_update(base, *self._flux, *self._act, dt, *self._dx, *self._cells, out)

    def _source(self, cr, bhat, vel, dt):
        _k.cr_source(cr, vel, bhat, self._s_par, self._s_perp, self._vs_par, self._us_par,
                     dt, self.v_m, self.gamma_c, *self._cells, self._d_ec, self._d_fc)

    # ------------------------------------------------------------------
    def substep(self, state, dt, coeffs, fill_ghosts, bhat=None, w=None):
        """One CR sub-step of size ``dt`` (no sub-cycling); ``coeffs`` already checked.

        Midpoint predictor-corrector; ghosts of ``state`` are filled at the
        start of each of the two stages.  Returns the per-cell energy and
        momentum given to the gas (active region of the full-shape arrays).
        """
        if bhat is None:
            bhat = _unit_field(state)
        cr = state.cr
        cr0 = self._cr0
        # stage 1: predictor to dt/2 (its source exchange is not given to the gas)
        fill_ghosts(state)
        vel = _gas_velocity(state, w)
        np.copyto(cr0, cr)
        self._opacity(cr, bhat, vel, coeffs)
        self._acoustic_floor(state)
        self._transport(cr0, cr0, vel, 0.5 * dt, cr)
        self._source(cr, bhat, vel, 0.5 * dt)
        # stage 2: corrector from U^n with the fluxes of U^{n+1/2}
        fill_ghosts(state)
        self._opacity(cr, bhat, vel, coeffs)
        self._acoustic_floor(state)
        self._transport(cr0, cr, vel, dt, cr)
        self._source(cr, bhat, vel, dt)
        act = self.block.active
        de = self._d_ec[act]
        dm = self._d_fc[(slice(None),) + act] / self.v_m ** 2
        if self.exchange:
            state.u[(IEN,) + act] -= de
            state.u[(slice(IM1, IM1 + 3),) + act] -= dm
        return -de, -dm

    def step(self, state, dt, coeffs, fill_ghosts, w=None):
        """Advance the CRs (and, with ``exchange``, the gas energy and momentum) by ``dt``.

        Parameters
        ----------
        state : crplugin.state.State
            Needs ``state.cr``; reads ``u[IDN]``, ``u[IM1:IM3+1]`` (gas velocity
            ``u[IM]/u[IDN]`` unless ``w`` is given) and ``bcc`` (B = 0 cells and
            a state without field use ``b = x``).
        dt : float
            Time step (the MHD step); sub-cycled in ``ceil(dt / timestep())``
            equal sub-steps.
        coeffs : dict
            Cell arrays with ghosts (or scalars): ``kappa_par``, ``kappa_perp``
            (standard diffusivities, code units, >= 0, ``inf`` allowed),
            ``stream_speed`` (>= 0, default 0), optional ``stream_velocity_par``
            (signed speed along b: extrinsic-wave mode).
        fill_ghosts : callable
            ``fill_ghosts(state)`` fills the ghosts of ``u``, ``bf`` and ``cr``;
            called twice per sub-step (once per stage).
        w : ndarray, optional
            Primitive array ``w[IDN, IVX, IVY, IVZ, ...]``: its velocity is used
            instead of ``u[IM]/u[IDN]`` (then it is not updated by the exchange
            between sub-steps).

        Returns
        -------
        dict
            Also kept in ``self.diagnostics``: ``nsub``, ``dt_sub``,
            ``energy_exchanged`` (volume integral over the block of the energy
            given to the gas, float), ``momentum_exchanged`` (3 floats),
            ``gas_energy_source`` / ``gas_momentum_source`` (per cell, active
            region, summed over the sub-steps), ``heating`` (streaming heating
            rate :math:`-\\mathbf v_s\\cdot\\nabla P_c = v_{\\rm st}|\\hat b\\cdot\\nabla
            P_c|` for self-confinement) and ``work`` (CR work rate on the gas
            :math:`-\\mathbf v\\cdot\\nabla P_c`), both per cell at the end of the step.
        """
        if state.cr is None:
            raise ValueError("state has no CR arrays (create it with State(..., cr=True))")
        if not (np.isfinite(dt) and dt >= 0):
            raise ValueError(f"dt must be finite and >= 0, got {dt}")
        c = self.check_coeffs(coeffs)
        bhat = _unit_field(state)
        nsub = max(1, math.ceil(dt / self.timestep() * (1.0 - 1e-12))) if dt > 0 else 0
        dt_sub = dt / nsub if nsub else 0.0
        act = self.block.active
        vol = float(np.prod([d for d, a in zip(self._dx, self._act) if a]))
        de_tot = np.zeros(state.u[IDN][act].shape)
        dm_tot = np.zeros((3,) + de_tot.shape)
        vmax = float(np.max(np.abs(_gas_velocity(state, w)[(slice(None),) + act]))) + float(
            np.max(c["stream_speed"][act]) if "stream_velocity_par" not in c
            else np.max(np.abs(c["stream_velocity_par"][act])))
        if 2.0 * vmax > self.v_m:
            warnings.warn(f"v_m = {self.v_m:g} is less than twice the gas + streaming speed "
                          f"{vmax:g}: the reduced-speed-of-light approximation is poor", stacklevel=2)
        for _ in range(nsub):
            de, dm = self.substep(state, dt_sub, c, fill_ghosts, bhat=bhat, w=w)
            de_tot += de
            dm_tot += dm
        fill_ghosts(state)
        heat, work = self._rates(state, c, bhat, w)
        self.diagnostics = {
            "nsub": nsub,
            "dt_sub": dt_sub,
            "energy_exchanged": float(de_tot.sum() * vol),
            "momentum_exchanged": tuple(float(x) for x in dm_tot.reshape(3, -1).sum(axis=1) * vol),
            "gas_energy_source": de_tot,
            "gas_momentum_source": dm_tot,
            "heating": heat,
            "work": work,
        }
        return self.diagnostics

    def effective_diffusivity(self):
        r"""Largest effective CR diffusivity per cell, :math:`(\gamma_c-1)\max(\sigma_\parallel^{-1},
        \sigma_\perp^{-1})` (streaming included), from the opacities of the end of the last :meth:`step`."""
        return (self.gamma_c - 1.0) * np.maximum(self._s_par, self._s_perp)

    def _rates(self, state, c, bhat, w=None):
        vel = _gas_velocity(state, w)
        self._opacity(state.cr, bhat, vel, c)
        act = self.block.active
        heat = -(self._vs_par * self._gpar)[act]
        work = -np.einsum("a...,a...->...", vel, self._grad)[act]
        return heat, work


def streaming_heating(state, coeffs, v_m=1.0, stream_scale=None, gamma_c=4.0 / 3.0):
    r"""Streaming heating rate :math:`H = -\mathbf v_s\cdot\nabla P_c` on the active cells.

    For self-confinement :math:`\mathbf v_s = -v_{\rm st}\tanh(h_c\hat
    b\cdot\nabla P_c/P_c)\hat b`, so :math:`H = v_{\rm st}\,|\hat b\cdot\nabla
    P_c|\,|\tanh x| \ge 0` (Zweibel 2021 eq 38, :math:`|v_A\cdot\nabla P_c|`, with
    the regularised sign of :class:`CRIntegrator`); in the extrinsic mode
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
    c = integ.check_coeffs(coeffs)
    heat, _ = integ._rates(state, c, _unit_field(state))
    return heat
