"""A small synthetic simulation, in the spirit of yt's ``fake_random_ds``.

``FakeSim`` has the attributes and methods ``crplugin.io`` and
``crplugin.analysis`` use from the real Simulation (``decomp``, ``block``,
``state``, ``units``, ``params``, ``time``, ``cycle``, ``boundaries``,
``output_fields()``, ``checkpoint_extra()``, ``restore_extra(d)``).  The
output fields are slices of global arrays that depend only on the seed and
the grid, so the same FakeSim on 1 or N ranks writes the same global data.
"""
import numpy as np

from crplugin.boundaries import Boundaries
from crplugin.parallel import Decomposition
from crplugin.mesh import Grid
from crplugin.state import State
from crplugin.units import CodeUnits

PC, MYR, M_P = 3.0856775814913673e18, 3.15576e13, 1.67262192369e-24

# name -> quantity kind of CodeUnits.CGS
FIELD_KINDS = {
    "density": "density",
    "velocity_x": "velocity", "velocity_y": "velocity", "velocity_z": "velocity",
    "pressure": "pressure",
    "magnetic_field_x": "magnetic_field", "magnetic_field_y": "magnetic_field",
    "magnetic_field_z": "magnetic_field",
    "cr_energy_density": "energy_density",
    "cr_flux_x": "flux", "cr_flux_y": "flux", "cr_flux_z": "flux",
    "pa_heating": "energy_rate_density",
    "kappa_par": "diffusivity",
}
POSITIVE = {"density", "pressure", "cr_energy_density", "pa_heating", "kappa_par"}

# a halo-like unit system: pc, Myr, and the mass of a proton per cm^3 in a pc^3
HALO_UNITS = CodeUnits(length=PC, mass=M_P * PC**3, time=MYR)


def global_fields(shape, seed=0):
    """Global ``name -> array [k, j, i]`` in code units (positive where physical)."""
    rng = np.random.default_rng(seed)
    kji = tuple(shape[a] for a in (2, 1, 0))
    out = {}
    for name in FIELD_KINDS:
        r = rng.random(kji)
        out[name] = 0.5 + r if name in POSITIVE else r - 0.5
    return out


class FakeSim:
    def __init__(self, shape=(8, 6, 4), units=HALO_UNITS, periodic=(True, True, False), dims=None,
                 seed=0, cr=True, time=0.125, cycle=17, comm=None):
        shape = tuple(shape) + (1,) * (3 - len(shape))
        ndim = sum(n > 1 for n in shape)
        self.grid = Grid(shape[:ndim], (-1.0,) * ndim, tuple(2.0 * (a + 1) for a in range(ndim)))
        self.decomp = Decomposition(self.grid, periodic=periodic, dims=dims, comm=comm)
        self.block = self.decomp.block
        self.units = units
        kinds = {(a, s): ("periodic" if periodic[a] else "outflow") for a in range(3)
                 for s in ("inner", "outer")}
        self.boundaries = Boundaries(self.block, kinds=kinds)
        self.state = State(self.block, mhd=True, cr=cr)
        rng = np.random.default_rng(1000 + seed + self.decomp.rank)
        self.state.u[...] = rng.random(self.state.u.shape)
        for b in self.state.bf:
            b[...] = rng.standard_normal(b.shape)
        self.state.update_bcc()
        if cr:
            self.state.cr[...] = rng.random(self.state.cr.shape)
        self.state.time, self.state.cycle = time, cycle
        self.params = {
            "problem.name": "fake", "mesh.nx": shape[0], "mesh.ny": shape[1], "mesh.nz": shape[2],
            "cr.kappa_par": 3.0e28, "cr.streaming": True, "time.cfl": 0.3,
            "mesh.periodic": [int(p) for p in periodic], "output.dir": "out put",
        }
        self._global = global_fields(shape, seed)
        self.extra = {"dt_last": 1.0 / 3.0, "seed": seed, "rng_state": rng.random(5),
                      "label": "run-α", "nothing": None,
                      "cooling": {"table_size": 64, "t_min": 1.0e4}}
        self.restored = None

    # --- the Simulation interface used by crplugin.io ------------------
    @property
    def time(self):
        return self.state.time

    @property
    def cycle(self):
        return self.state.cycle

    def output_fields(self):
        blk = self.block
        sl = tuple(slice(blk.lo[a], blk.lo[a] + blk.n[a]) for a in (2, 1, 0))
        return {name: (arr[sl].copy(), FIELD_KINDS[name]) for name, arr in self._global.items()}

    def checkpoint_extra(self):
        return self.extra

    def restore_extra(self, d):
        self.restored = d
