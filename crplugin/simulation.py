"""A run: mesh, state, integrators, source terms, outputs, glued together.

The order of one cycle of length dt (operator split, first order in the
splitting, second order within each part):

1. ideal MHD, van Leer predictor-corrector with constrained transport;
2. two-moment CR transport, sub-cycled at the reduced speed of light, with the
   transport coefficients asked from the enabled source terms;
3. the remaining source terms (``apply``), e.g. heating and cooling.

The solver never names a specific closure: coefficients and diagnostics come
from the source-term registry (``crplugin.sources``).
"""
import math
import os
import time as _time

import numpy as np

from crplugin import source_terms as _registered  # noqa: F401  (registers the source terms)
from crplugin import sources as _sources
from crplugin.boundaries import Boundaries
from crplugin.mesh import Grid
from crplugin.params import Parameters, ParameterError
from crplugin.schema import GENERAL
from crplugin.state import IDN, IEC, IEN, IFC1, IM1, IPR, IVX, NHYDRO, State
from crplugin.units import CodeUnits

SIDES = ("inner", "outer")
# fields of the source terms that the CR integrator reads
COEFFICIENTS = frozenset(("kappa_par", "kappa_perp", "stream_speed", "stream_velocity_par"))


def schema_for(problem):
    """Full parameter schema of a problem: general sections, every source term, [problem]."""
    schema = {sec: dict(keys) for sec, keys in GENERAL.items()}
    for name, cls in sorted(_sources.REGISTRY.items()):
        schema[name] = dict(cls.PARAMS)
    schema["problem"] = dict(getattr(problem, "PARAMS", {}))
    return schema


def make_parameters(problem, input_file=None, overrides=()):
    """Defaults <- problem DEFAULTS <- input file <- command-line overrides."""
    params = Parameters(schema_for(problem))
    params.update(getattr(problem, "DEFAULTS", {}))
    if input_file is not None:
        params.read_toml(input_file)
    params.apply_overrides(overrides)
    return params


class Simulation:
    def __init__(self, params, problem, comm=None):
        from crplugin import parallel  # the only module that talks to MPI
        from crplugin.solver.mhd import MHDIntegrator

        self.params = params
        self.problem = problem
        p = params
        self.units = CodeUnits(p["units.length"], p["units.mass"], p["units.time"])
        m = params.section("mesh")
        self.grid = Grid((m["nx"], m["ny"], m["nz"]),
                         (m["x1min"], m["x2min"], m["x3min"]),
                         (m["x1max"], m["x2max"], m["x3max"]),
                         x1spacing=m["x1spacing"], geometry=m["geometry"],
                         flux_tube_scale=m["flux_tube_scale"] or None)
        kinds = {}
        for axis, tag in enumerate(("1", "2", "3")):
            kinds[(axis, "inner")] = m[f"ix{tag}_bc"]
            kinds[(axis, "outer")] = m[f"ox{tag}_bc"]
        periodic = tuple(kinds[(a, "inner")] == "periodic" for a in range(3))
        dims = None
        if any(m[f"ranks_{ax}"] for ax in "xyz"):
            dims = tuple(m[f"ranks_{ax}"] for ax in "xyz")
        self.decomp = parallel.Decomposition(self.grid, periodic=periodic, dims=dims, comm=comm)
        self.block = self.decomp.block

        self.mhd_on = p["mhd.magnetic"]
        self.cr_on = p["cr.enabled"]
        # CRs that push an adiabatic gas: the invariant n = P_c^(1/gamma_c) rides on the gas as
        # a passive scalar (solver/cr_shock.py), for the composite sound speed of the Riemann
        # solvers and for the adiabatic CR compression at shocks (cr.adiabatic_shocks)
        self.cr_scalar = (self.cr_on and p["cr.exchange"] and p["mhd.evolve"] and p["mhd.eos"] == "adiabatic")
        available = {"hydro"} | ({"mhd"} if self.mhd_on else set()) | ({"cr"} if self.cr_on else set())
        self.sources = _sources.build(p["sources.enabled"], params, available)
        # passive-scalar slots: the CR invariant first, then those the source terms ask for
        self._scalar_slots = {}
        for term in self.sources:
            for name in term.scalars:
                self._scalar_slots[term.name, name] = NHYDRO + int(self.cr_scalar) + len(self._scalar_slots)
        self.state = State(self.block, mhd=self.mhd_on, cr=self.cr_on,
                           nscalars=int(self.cr_scalar) + len(self._scalar_slots))
        self.mhd = MHDIntegrator(self.block, gamma=p["mhd.gamma"], riemann=p["mhd.riemann"],
                                 limiter=p["mhd.limiter"], mhd=self.mhd_on, cfl=p["time.cfl"],
                                 density_floor=p["mhd.density_floor"],
                                 pressure_floor=p["mhd.pressure_floor"], eos=p["mhd.eos"],
                                 iso_sound_speed=p["mhd.iso_sound_speed"])
        self.cr = None
        if self.cr_on:
            from crplugin.solver.cr_implicit import make_cr_integrator
            self.cr = make_cr_integrator(self.block, p, self.decomp)
        self.shock_rule = None
        if self.cr_scalar:
            from crplugin.solver.cr_shock import ShockRule
            self.shock_rule = ShockRule(self.block, NHYDRO, p["mhd.gamma"], self.cr.gamma_c, p["cr.shock_jump"],
                                        partition=p["cr.adiabatic_shocks"])
            self.mhd.set_cr_sound(NHYDRO, self.cr.gamma_c)

        user = dict(problem.boundary_functions(self)) if hasattr(problem, "boundary_functions") else {}
        self.boundaries = Boundaries(self.block, kinds, user=user)

        problem.initialise(self)
        for term in self.sources:
            term.setup(self)
        self.fill_ghosts(self.state)
        self._sync_scalars()
        self.dt = None
        self.cr_substeps = 0

    # ------------------------------------------------------------------
    def scalar_slot(self, term, name):
        """Slot in ``state.u`` of the passive scalar ``name`` that source ``term`` declared."""
        return self._scalar_slots[term.name, name]

    def _sync_scalars(self):
        # the invariants advected by the next MHD step start from the current state
        if self.shock_rule is not None:
            self.shock_rule.sync(self.state)
        for term in self.sources:
            term.sync(self)

    def fill_ghosts(self, state, fields=None):
        self.boundaries.fill(state, exchange=self.decomp.exchange, fields=fields)

    @property
    def time(self):
        return self.state.time

    @property
    def cycle(self):
        return self.state.cycle

    def primitives(self):
        return self.mhd.primitives(self.state)

    def coefficients(self):
        """Transport coefficients for the CR integrator from the source terms.

        Returns ``(coeffs, kernel)``: the cell arrays (frozen for the MHD step:
        they depend on the gas) and the compiled kernel of the one provider whose
        coefficients depend on the CR state (``state_dependent = True``), which
        the CR step calls at every sub-step (``None`` if there is none).
        """
        coeffs, kernel = {}, None
        for term in self.sources:
            if not COEFFICIENTS.intersection(term.provides):
                continue  # diagnostics are computed only for outputs
            for name, arr in term.fields(self).items():
                if name in COEFFICIENTS:
                    coeffs[name] = arr
            if getattr(term, "state_dependent", False):
                kernel = term.coefficient_kernel(self)
        shape = self.block.shape
        coeffs.setdefault("kappa_par", np.zeros(shape))
        coeffs.setdefault("kappa_perp", np.zeros(shape))
        coeffs.setdefault("stream_speed", np.zeros(shape))
        return coeffs, kernel

    def timestep(self):
        dt = self.params["time.dt_max"]
        if self.params["mhd.evolve"]:
            dt = min(dt, self.mhd.timestep(self.state))
            if self.cr is not None and self.params["cr.exchange"]:
                dt = min(dt, self._cr_acoustic_timestep())
        if self.cr is not None:
            dt = min(dt, self.cr.timestep() * self.params["cr.max_subcycles"])
        for term in self.sources:
            dt = min(dt, term.estimate_dt(self))
        dt = self.decomp.min(dt)
        if not math.isfinite(dt) or dt <= 0:
            raise RuntimeError(f"time step is {dt!r} at t = {self.time:g}: the state is unphysical")
        return dt

    def _cr_acoustic_timestep(self):
        """With CR-gas exchange the CR pressure adds to the restoring force of sound
        waves: CFL with |v| + sqrt(c_f^2 + gamma_c P_c / rho) (fast speed bounded by
        sqrt(c_s^2 + v_A^2) for every direction)."""
        act = (slice(None),) + self.block.active
        w = self.primitives()[act]
        rho = w[IDN]
        c2 = self.params["mhd.gamma"] * w[IPR] / rho
        if self.mhd_on:
            c2 = c2 + (self.state.bcc[act] ** 2).sum(axis=0) / rho
        g_c = self.cr.gamma_c
        c2 = c2 + g_c * (g_c - 1.0) * np.maximum(self.state.cr[(IEC,) + self.block.active], 0.0) / rho
        speed = np.sqrt(c2)
        dt = np.inf
        for a in range(3):
            if self.grid.shape[a] > 1:
                dt = min(dt, float(np.min(self.block.dx[a] / (np.abs(w[IVX + a]) + speed))))
        return self.params["time.cfl"] * dt

    def step(self, dt):
        for term in self.sources:
            term.apply_before(self, dt)   # first halves of Strang-split sources (gravity)
        if self.params["mhd.evolve"]:
            self.mhd.step(self.state, dt, self.fill_ghosts)
            if self.cr is not None:
                # the CR step reads the gas and field in the ghosts (velocity, v_A, b)
                self.fill_ghosts(self.state, fields=("hydro", "field"))
        if self.cr is not None:
            coeffs, kernel = self.coefficients()
            diag = self.cr.step(self.state, dt, coeffs, self.boundaries, decomp=self.decomp, kernel=kernel)
            self.cr_substeps += diag["nsub"]
            if self.shock_rule is not None and self.shock_rule.partition:
                # the shock detector reads neighbours: ghosts as after the CR exchange
                self.fill_ghosts(self.state, fields=("hydro", "cr"))
                self.shock_rule.apply(self.state, self.cr.transport_speed())
        for term in self.sources:
            term.apply(self, dt)
        self.fill_ghosts(self.state)
        self._sync_scalars()
        self.state.time += dt
        self.state.cycle += 1
        self.dt = dt

    # ------------------------------------------------------------------
    def output_fields(self):
        """Fields written to outputs: name -> (active array, kind)."""
        act = (slice(None),) + self.block.active
        w = self.primitives()[act]
        out = {"density": (w[IDN], "density"),
               "pressure": (w[IPR], "pressure")}
        for a, ax in enumerate("xyz"):
            out[f"velocity_{ax}"] = (w[IVX + a], "velocity")
        if self.mhd_on:
            bcc = self.state.bcc[act]
            for a, ax in enumerate("xyz"):
                out[f"magnetic_field_{ax}"] = (bcc[a], "magnetic_field")
        if self.cr_on:
            cr = self.state.cr[act]
            out["cr_energy_density"] = (cr[IEC], "energy_density")
            for a, ax in enumerate("xyz"):
                out[f"cr_flux_{ax}"] = (cr[IFC1 + a], "flux")
        for term in self.sources:
            for name, arr in term.fields(self).items():
                out[name] = (arr[self.block.active], _sources.FIELD_KINDS.get(name, "dimensionless"))
        return out

    def totals(self):
        """Domain totals for the history file (summed over ranks)."""
        act = (slice(None),) + self.block.active
        dv = float(np.prod([d for d, n in zip(self.block.dx, self.grid.shape) if n > 1]))
        u = self.state.u[act]
        row = {"time": self.time, "cycle": self.cycle, "dt": self.dt or 0.0,
               "mass": u[IDN].sum() * dv, "momentum_x": u[IM1].sum() * dv,
               "total_energy": u[IEN].sum() * dv}
        if self.cr_on:
            row["cr_energy"] = self.state.cr[(IEC,) + self.block.active].sum() * dv
        for key in list(row)[3:]:
            row[key] = float(self.decomp.sum(row[key]))
        return row

    def checkpoint_extra(self):
        # source terms (and the CR integrator) that keep state between cycles expose
        # checkpoint_state() -> dict and restore_state(dict)
        keep = {t.name: t.checkpoint_state() for t in self.sources if hasattr(t, "checkpoint_state")}
        if hasattr(self.cr, "checkpoint_state"):
            keep["cr_integrator"] = self.cr.checkpoint_state()
        return {"dt": self.dt if self.dt is not None else -1.0,
                "floors_hit": float(getattr(self.mhd, "floors_hit", 0)),
                "cr_substeps": int(self.cr_substeps), "sources": keep}

    def restore_extra(self, extra):
        self.dt = None if extra["dt"] < 0 else float(extra["dt"])
        self.mhd.floors_hit = int(extra["floors_hit"])
        self.cr_substeps = int(extra.get("cr_substeps", 0))
        keep = extra.get("sources", {})
        for t in self.sources:
            if hasattr(t, "restore_state") and t.name in keep:
                t.restore_state(keep[t.name])
        if hasattr(self.cr, "restore_state") and "cr_integrator" in keep:
            self.cr.restore_state(keep["cr_integrator"])
