r"""crplugin's CR source terms on a host code's own arrays.

A host code keeps its state in its own layout: pyro-hydro ``U[i, j, var]``
with 4 ghost cells, Athena++ ``u(var, k, j, i)`` with 2 or more, a 1D code
``U[i, var]``...  :class:`HostAdapter` views such arrays as crplugin's
``[var, k, j, i]`` (x fastest) with crplugin's 2 ghost cells (numpy views:
transposes and slices, no copies) and runs crplugin's own registered source
terms and CR integrator on them:

* :meth:`HostAdapter.fields` -- every field the enabled source terms provide:
  streaming heating (``cr_diagnostics``), PA heating and dlnB/dt from the
  flow (``pa_heating``), the transport coefficients (``streaming``,
  ``self_confinement_diffusion``, ...), in the host's layout;
* :meth:`HostAdapter.cr_step` -- one operator-split CR step on the host's
  state: two-moment CR transport (exchange of energy and momentum with the
  gas: streaming heating and the CR force) and the ``apply`` of the enabled
  source terms (e.g. PA heating taken from the CRs and given to the gas).

Nothing is re-derived here: the formulas are those of the source terms
(``crplugin.source_terms``) and closures, so a host gets exactly the numbers
of a crplugin run (tested against pyro-hydro, ``examples/pyro_cr_blob.py``).

Conventions (explicit, because hosts differ)
--------------------------------------------
* **Layout**: a string with one letter per axis of the host array, ``i``,
  ``j``, ``k`` for the x, y, z cell axes and ``v`` for the variable axis
  (pyro: ``"ijv"``; Athena++: ``"vkji"``).  Cell-only arrays (one variable,
  e.g. a heating rate) use the same letters without ``v``.  Every cell axis
  of the layout has ``ng`` ghost cells on each side; ``ng >= 2``.
* **Variables**: ``variables`` maps ``density``, ``momentum_x/y/z``,
  ``energy`` to the host's index on its ``v`` axis (``None``: absent, zero).
  ``energy`` is the total energy density; ``energy_includes_magnetic`` says
  whether it contains the magnetic energy (False for a hydro host with a
  prescribed field, such as pyro).
* **Units**: the host's code units, :class:`crplugin.units.CodeUnits`
  (``length``, ``mass``, ``time`` in cm, g, s).  Rates come back in code
  units of the host (energy density per code time, ...).
* **Magnetic field**: ``magnetic="B2/2"`` (Heaviside-Lorentz code units,
  ``P_m = B^2/2``, ``v_A = B/sqrt(rho)``: Athena++, crplugin) or
  ``"B2/8pi"`` (Gaussian, ``P_m = B^2/(8 pi)``, ``v_A = B/sqrt(4 pi rho)``:
  cgs codes such as FLASH, Enzo, pyro with a field added).  crplugin's field
  is ``B / sqrt(4 pi)`` in the second case.
* **CR variables**: a host-layout array with 4 variables on its ``v``
  axis, ``E_c, F_x, F_y, F_z`` (CR energy density and energy flux, code
  units), created by :meth:`HostAdapter.cr_zeros` if the host has none.

Bad input (an array of the wrong number of axes or shape for the layout, a
ghost width below 2, an unknown variable) raises ``ValueError`` with one line
naming the argument.
"""
import math
from types import MappingProxyType, SimpleNamespace

import numpy as np

from crplugin import source_terms as _registered  # noqa: F401  (registers crplugin's source terms)
from crplugin import sources as _sources
from crplugin.boundaries import Boundaries
from crplugin.mesh import NGHOST, Block, Grid
from crplugin.params import Parameters
from crplugin.solver.cr import COEFF_KEYS
from crplugin.state import IDN, IEN, NCR, State
from crplugin.units import CodeUnits

__all__ = ["HostAdapter", "MAGNETIC_CONVENTIONS", "HYDRO_VARIABLES"]

#: magnetic-field conventions of a host -> factor from the host's B to crplugin's code B
MAGNETIC_CONVENTIONS = MappingProxyType({"B2/2": 1.0, "B2/8pi": 1.0 / math.sqrt(4.0 * math.pi)})
#: names of the host's hydro variables, in crplugin's order (IDN, IM1, IM2, IM3, IEN)
HYDRO_VARIABLES = ("density", "momentum_x", "momentum_y", "momentum_z", "energy")
_CELL_AXES = "ijk"  # x, y, z


class HostAdapter:
    """crplugin's source terms and CR step on a host's arrays (see the module docstring).

    Parameters
    ----------
    layout : str
        Axes of the host's state array, e.g. ``"ijv"`` (pyro) or ``"vkji"``.
    ng : int
        Host ghost cells on each side of every cell axis, >= 2.
    left, right : sequence of float
        Edges of the active domain (code lengths), one per cell axis (x, y, z).
    n : sequence of int
        Active cells per cell axis (x, y, z).
    variables : dict
        ``{name: index}`` of the host's hydro variables (:data:`HYDRO_VARIABLES`).
    sources : sequence of str
        crplugin source terms to enable (``crplugin list``), e.g.
        ``("streaming", "cr_diagnostics", "pa_heating")``.
    params : dict, optional
        crplugin parameters ``"section.key": value`` (source-term sections,
        ``cr.v_max``, ``cr.cfl``, ``cr.exchange``, ``cr.stream_scale``,
        ``mhd.gamma``); unknown keys are an error listing the valid ones.
    units : CodeUnits
        The host's code units.
    magnetic : str
        ``"B2/2"`` or ``"B2/8pi"`` (:data:`MAGNETIC_CONVENTIONS`).
    energy_includes_magnetic : bool
        Whether the host's total energy contains the magnetic energy.
    boundaries : str or dict
        Boundary kinds for the CR ghosts during the CR sub-steps (crplugin's
        kinds, ``crplugin.boundaries.KINDS``): one kind for every side, or
        ``{(axis, "inner"|"outer"): kind}``.  They must match the host's.
    """

    def __init__(self, layout, ng, left, right, n, variables, sources=(), params=None,
                 units=CodeUnits(), magnetic="B2/2", energy_includes_magnetic=True,
                 boundaries="periodic"):
        self.layout = _check_layout(layout)
        self.cell_layout = self.layout.replace("v", "")
        ndim = len(self.cell_layout)
        n, left, right = tuple(n), tuple(left), tuple(right)
        if not (len(n) == len(left) == len(right) == ndim):
            raise ValueError(f"n, left, right: need {ndim} values each (one per cell axis of "
                             f"layout '{layout}'), got {len(n)}, {len(left)}, {len(right)}")
        if int(ng) != ng or ng < NGHOST:
            raise ValueError(f"ng: the host has {ng} ghost cells; crplugin's CR fluxes need at least {NGHOST}")
        if magnetic not in MAGNETIC_CONVENTIONS:
            raise ValueError(f"magnetic: '{magnetic}' is not one of {', '.join(MAGNETIC_CONVENTIONS)}")
        unknown = set(variables) - set(HYDRO_VARIABLES)
        if unknown or "density" not in variables or "energy" not in variables:
            raise ValueError(f"variables: need 'density' and 'energy' (and momenta) among "
                             f"{', '.join(HYDRO_VARIABLES)}; got {', '.join(sorted(variables))}")
        self.ng = int(ng)
        self.n = n
        self.variables = dict(variables)
        self.units = units
        self.b_factor = MAGNETIC_CONVENTIONS[magnetic]
        self.energy_includes_magnetic = bool(energy_includes_magnetic)

        self.grid = Grid(n, left, right)
        self.block = Block(self.grid)
        self.params = _parameters(params or {}, units, sources)
        self.state = State(self.block, mhd=True, cr=True)
        kinds = boundaries if isinstance(boundaries, dict) else {
            (a, s): boundaries for a in range(3) for s in ("inner", "outer")}
        self.boundaries = Boundaries(self.block, kinds)
        self.cr = _make_cr_integrator(self.block, self.params)
        self.sources = _sources.build(self.params["sources.enabled"], self.params, {"hydro", "mhd", "cr"})
        # source terms read sim.units, .block, .grid, .state, .params, .cr and
        # .coefficients(): this object is their sim
        for term in self.sources:
            term.setup(self)
        self._shape = {ax: nn + 2 * self.ng for ax, nn in zip(_CELL_AXES, n)}
        # index of each crplugin axis [k, j, i] in the host array, after the ghost slicing
        self._host_slices = {}
        for ax, nn in zip(_CELL_AXES, n):
            g = self.ng - self.block.nghost(_CELL_AXES.index(ax))
            self._host_slices[ax] = slice(g, self._shape[ax] - g)

    # ------------------------------------------------------------------ views
    def view(self, arr, name="array", nvar=None):
        """The host array ``arr`` (layout with ``v``) as ``[var, k, j, i]`` with crplugin's
        ghost width: a view (writes go to the host's memory)."""
        return self._view(arr, self.layout, name, nvar)

    def cell_view(self, arr, name="array"):
        """A host cell array (layout without ``v``) as ``[k, j, i]``, a view."""
        return self._view(arr, self.cell_layout, name, None)

    def _view(self, arr, layout, name, nvar):
        if not isinstance(arr, np.ndarray):
            raise ValueError(f"{name}: expected a numpy array in layout '{layout}', got {type(arr).__name__}")
        expected = tuple(self._shape.get(ax, nvar if nvar is not None else "nvar") for ax in layout)
        if arr.ndim != len(layout) or any(
                isinstance(e, int) and s != e for s, e in zip(arr.shape, expected)):
            want = "(" + ", ".join(str(e) for e in expected) + ")"
            raise ValueError(f"{name}: host array of shape {arr.shape} does not match layout '{layout}' "
                             f"with {self.ng} ghost cells: expected {want}")
        idx = tuple(self._host_slices.get(ax, slice(None)) for ax in layout)
        a = arr[idx]
        # crplugin order: v, k, j, i; absent axes become length-1 axes (views, no copies)
        order = [layout.index(ax) for ax in "vkji" if ax in layout]
        a = a.transpose(order)
        for pos, ax in enumerate("vkji" if "v" in layout else "kji"):
            if ax not in layout:
                a = np.expand_dims(a, pos)
        return a

    def cr_zeros(self):
        """A zero host-layout array for the CR variables ``E_c, F_x, F_y, F_z``."""
        return np.zeros(tuple(self._shape.get(ax, NCR) for ax in self.layout))

    def cell_zeros(self):
        """A zero host-layout cell array (e.g. for a heating rate)."""
        return np.zeros(tuple(self._shape[ax] for ax in self.cell_layout))

    # ------------------------------------------------------------------ host -> crplugin
    def _magnetic(self, B):
        """crplugin's code B ``[3, k, j, i]`` from the host's: a host array (layout with
        ``v``, 3 components x, y, z) or a constant vector of up to 3 components."""
        if B is None:
            return np.zeros((3,) + self.block.shape)
        if isinstance(B, np.ndarray) and B.ndim == len(self.layout):
            b = self.view(B, "B", nvar=3)
        else:
            vec = np.asarray(B, dtype=float).ravel()
            if vec.size > 3:
                raise ValueError(f"B: a constant field has at most 3 components, got {vec.size}")
            b = np.concatenate([vec, np.zeros(3 - vec.size)])[:, None, None, None]
        return np.broadcast_to(b * self.b_factor, (3,) + self.block.shape)

    def load(self, U, cr, B=None):
        """Copy the host's gas, field and CRs into crplugin's state (code units, B^2/2) and
        fill its ghosts with the adapter's boundaries.  A copy, not a view: crplugin's
        state orders the variables its own way and adds the magnetic energy."""
        u = self.view(U, "U")
        c = self.view(cr, "cr", nvar=NCR)
        s = self.state
        for slot, name in enumerate(HYDRO_VARIABLES):
            idx = self.variables.get(name)
            s.u[slot] = u[idx] if idx is not None else 0.0
        s.bcc[...] = self._magnetic(B)
        if not self.energy_includes_magnetic:
            s.u[IEN] += 0.5 * (s.bcc ** 2).sum(axis=0)
        s.cr[...] = c
        # the host's ghosts of U may be stale after its own update, and those of the CRs
        # are ours: fill both with crplugin's boundaries (never "field": B is the host's)
        self.boundaries.fill(s, fields=("hydro", "cr"))
        return s

    def _to_host(self, arr, out):
        """Write a crplugin cell array (active cells) into a host cell array (a view)."""
        act = self.block.active
        self.cell_view(out, "out")[act] = arr[act] if arr.shape == self.block.shape else arr
        return out

    # ------------------------------------------------------------------ public operations
    def fields(self, U, cr, B=None):
        """Every field the enabled source terms provide, as host-layout cell arrays
        (active cells; ghosts zero), host code units.

        E.g. ``streaming_heating`` (``cr_diagnostics``: Zweibel 2021 eq 38, the rate the
        CR step hands to the gas),
        ``pa_heating`` and ``dlnB_dt`` (``pa_heating``: eq 48), ``stream_speed``,
        ``kappa_par``, ``kappa_perp`` (transport terms).
        """
        self.load(U, cr, B)
        out = {}
        for term in self.sources:
            for name, arr in term.fields(self).items():
                out[name] = self._to_host(np.broadcast_to(arr, self.block.shape), self.cell_zeros())
        return out

    def streaming_heating(self, U, cr, B=None):
        """Streaming heating ``-v_s . grad P_c`` (Zweibel 2021 eq 38 with the CR step's regularised
        sign: the rate the CR step gives the gas), host layout, code units; needs ``cr_diagnostics``
        and a streaming term (``streaming``)."""
        return self._field("streaming_heating", U, cr, B)

    def pa_heating(self, U, cr, B=None):
        """PA heating ``(4/15)(v_A/c)|dlnB/dt| P_c`` from the flow; needs ``pa_heating``."""
        return self._field("pa_heating", U, cr, B)

    def transport_coefficients(self, U, cr, B=None):
        """``{kappa_par, kappa_perp, stream_speed, ...}`` of the enabled transport terms (host layout)."""
        return {k: v for k, v in self.fields(U, cr, B).items() if k in COEFF_KEYS}

    def _field(self, name, U, cr, B):
        fields = self.fields(U, cr, B)
        if name not in fields:
            providers = [n for n, c in _sources.REGISTRY.items() if name in c.provides]
            raise ValueError(f"'{name}' is provided by none of the enabled source terms "
                             f"({', '.join(self.params['sources.enabled']) or 'none'}); enable one of "
                             f"{', '.join(providers)}")
        return fields[name]

    def cr_step(self, U, cr, dt, B=None):
        """One operator-split CR step of length ``dt`` on the host's state, in place.

        CR transport (sub-cycled at the reduced speed of light; with
        ``cr.exchange`` the gas receives the opposite energy and momentum:
        streaming heating, CR work and force), then the ``apply`` of every
        enabled source term (e.g. PA heating: CR energy -> gas).  The host's
        energy and momenta receive the changes (active cells; the host fills
        its ghosts as usual); ``cr`` receives the new CR variables.  Total
        energy (gas + CR) is conserved to round-off up to the boundary fluxes.

        Returns the CR integrator's diagnostics (``nsub``, ``energy_exchanged``, ...).
        """
        s = self.load(U, cr, B)
        u0 = s.u.copy()
        diag = self._step_crplugin(dt)
        act = (slice(None),) + self.block.active
        u = self.view(U, "U")
        for slot, name in enumerate(HYDRO_VARIABLES):
            idx = self.variables.get(name)
            if idx is not None and slot != IDN:
                u[(idx,) + self.block.active] += (s.u[slot] - u0[slot])[self.block.active]
        self.view(cr, "cr", nvar=NCR)[act] = s.cr[act]
        return diag

    # --- the coupling to crplugin's CR step: the one place that calls the solver ---
    def coefficients(self):
        """``(coeffs, kernel)`` for the CR integrator from the enabled source terms
        (crplugin's state, code units): the rule of ``Simulation.coefficients``
        (the cell arrays, and the compiled kernel of a provider whose coefficients
        depend on the CR state, or None)."""
        coeffs, kernel = {}, None
        for term in self.sources:
            if not set(COEFF_KEYS).intersection(term.provides):
                continue
            coeffs.update({k: v for k, v in term.fields(self).items() if k in COEFF_KEYS})
            if getattr(term, "state_dependent", False):
                kernel = term.coefficient_kernel(self)
        for key in ("kappa_par", "kappa_perp", "stream_speed"):
            coeffs.setdefault(key, np.zeros(self.block.shape))
        return coeffs, kernel

    def _step_crplugin(self, dt):
        coeffs, kernel = self.coefficients()
        # the adapter's boundaries fill the CR and gas ghosts at every stage (one block, no MPI)
        diag = self.cr.step(self.state, dt, coeffs, self.boundaries, kernel=kernel)
        for term in self.sources:
            term.apply(self, dt)
        return diag


def _make_cr_integrator(block, params):
    # the run's own choice (cr.integrator): explicit, implicit or steady
    from crplugin.solver.cr_implicit import make_cr_integrator
    return make_cr_integrator(block, params)


def _check_layout(layout):
    if (not isinstance(layout, str) or len(set(layout)) != len(layout) or set(layout) - set("vijk")
            or "i" not in layout or ("k" in layout and "j" not in layout)):
        raise ValueError(f"layout: '{layout}' must name each axis once with the letters v (variables), "
                         f"i, j, k (x, y, z cells), with i always and j before k is used, e.g. 'ijv' or 'vkji'")
    return layout


def _parameters(values, units, sources):
    """crplugin parameters of the adapter: the general schema and every registered
    source term's section, the host's units and the enabled sources."""
    from crplugin.simulation import schema_for
    params = Parameters(schema_for(SimpleNamespace()))
    params.update({"units.length": units.length, "units.mass": units.mass, "units.time": units.time,
                   "cr.enabled": True, "sources.enabled": list(sources)})
    params.update(values)
    return params
