"""A 1D spherical run on a log-spaced grid gives the serial fields on 2 and 4 ranks, bit for bit.

The mesh computes the global x1 faces once and every rank takes its slice, so
areas, volumes and widths are the serial ones; the geometric source, the
area-weighted update, the radial field B_r = B0 (r0/r)^2 kept at the physical
boundaries only, and the transverse induction with h = r are all cell-local
given the ghosts.  Anything else (a rank's own faces recomputed, the radial
field reset at a rank boundary) would differ in the last bits within a few
cycles, so the test asks for identical arrays.
"""
import sys

import numpy as np
import pytest
from mpi4py import MPI
from pytest_mpi import parallel_assert

from crplugin.simulation import Simulation, make_parameters
from crplugin.state import IDN, IEN, IM1, IM2
from helpers.ranks import or_abort

# a problem module in one file: a pressure bump and a swirl in a radial-field atmosphere
NAME = "spherical_bump"
PARAMS = {}
DEFAULTS = {
    "mesh.nx": 64, "mesh.x1min": 1.0, "mesh.x1max": 20.0, "mesh.x1spacing": "log",
    "mesh.geometry": "spherical", "mesh.ix1_bc": "outflow", "mesh.ox1_bc": "outflow",
    "time.tlim": 100.0, "output.progress": False,
}
CYCLES = 30


def initialise(sim):
    blk, s = sim.block, sim.state
    r = blk.x1v
    s.bf[1][...] = 0.2 * np.exp(-(r - 5.0) ** 2 / 4.0)
    s.bf[2][...] = 0.1
    s.set_radial_field(1.0, r0=1.0)
    w = np.zeros_like(s.u)
    w[IDN] = 1.0 / r
    w[IEN] = 0.5 + 0.5 * np.exp(-(r - 4.0) ** 2)
    w[IM2] = 0.1 * np.sin(r)
    sim.mhd.conserved(w, s)


def _run(eos, comm):
    module = sys.modules[__name__]
    over = [f"mhd.eos={eos}", "mhd.iso_sound_speed=0.7"]
    sim = Simulation(make_parameters(module, None, over), module, comm=comm)
    while sim.cycle < CYCLES:
        sim.step(sim.timestep())
    act = (slice(None),) + sim.block.active
    return np.concatenate([sim.state.u[act], sim.state.bcc[act]]), sim


@pytest.mark.parallel([2, 4])
def test_spherical_log_grid_decomposed_equals_serial():
    world = MPI.COMM_WORLD
    failures = []
    for eos in ("adiabatic", "isothermal"):
        ref = or_abort(_run, eos, MPI.COMM_SELF)[0] if world.rank == 0 else None
        local, sim = or_abort(_run, eos, None)
        full = sim.decomp.gather_blocks(local)
        if world.rank == 0:
            moved = np.abs(ref[IM1]).max()
            if not moved > 1e-3:
                failures.append(f"{eos}: nothing happened (max |rho v_r| = {moved:.1e})")
            if not np.array_equal(full, ref):
                diff = np.abs(full - ref).max()
                failures.append(f"{eos}: {world.size} ranks differ from serial by {diff:.2e}")
    parallel_assert(not failures, "\n".join(failures))
