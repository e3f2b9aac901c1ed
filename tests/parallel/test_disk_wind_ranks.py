"""The 3D disk_wind problem on 2 and 4 ranks gives the serial run's fields.

A small version (4 x 4 x 16 cells, 12 cycles, CR injection strong enough that
in that time CRs stream and diffuse out of the midplane, the gas is pushed,
gravity, cooling and both transport terms all act) is run with the blocks cut
along z (the stratified axis: the cr_outflow sides and the midplane injection
on different ranks), along x and y (periodic) and along several axes, and
every output field is compared with the same run on one rank (``COMM_SELF``)
done by rank 0.  Tolerance 1e-12 of each field's largest magnitude: the ghost
exchange copies what the serial fill copies, gravity's first half kick acts on
ghosts exactly as on the cells they copy, and the time step is a
min-reduction, so the runs agree to the last bit; a decomposition bug gives
O(1e-3) differences within a few cycles.
"""
import sys
import traceback

import numpy as np
import pytest
from mpi4py import MPI
from pytest_mpi import parallel_assert

from crplugin import problems
from crplugin.simulation import Simulation, make_parameters

RTOL = 1e-12
CYCLES = 12
SETUP = ["mesh.nx=4", "mesh.ny=4", "mesh.nz=16", "cr_injection.dPc_dt=3e-3", "output.progress=false"]
LAYOUTS = {2: [(1, 1, 2), (2, 1, 1)], 4: [(1, 1, 4), (2, 2, 1), (1, 2, 2)]}


def _or_abort(fn, *args):
    try:
        return fn(*args)
    except Exception:
        traceback.print_exc()
        sys.stderr.flush()
        MPI.COMM_WORLD.Abort(1)


def run_small(dims=None, comm=None):
    dw = problems.load("disk_wind")
    over = list(SETUP)
    if dims is not None:
        over += [f"mesh.ranks_{a}={d}" for a, d in zip("xyz", dims)]
    params = make_parameters(dw, problems.input_file("disk_wind"), over)
    sim = Simulation(params, dw, comm=comm)
    while sim.cycle < CYCLES:
        sim.step(sim.timestep())
    fields = sim.output_fields()
    names = sorted(fields)
    return names, np.stack([np.asarray(fields[n][0], dtype=float) for n in names]), sim


def check_layouts():
    world = MPI.COMM_WORLD
    failures = []
    ref = _or_abort(run_small, None, MPI.COMM_SELF) if world.rank == 0 else None
    if world.rank == 0:
        names, fields, _ = ref
        vz = fields[names.index("velocity_z")]
        ec = fields[names.index("cr_energy_density")]
        # the run must exercise the physics: CRs left the midplane and the gas moves
        if not (np.abs(vz).max() > 0 and ec[-1].max() > 10 * 1e-6 * fields[names.index("pressure")][-1].max()):
            failures.append("the reference run has no gas motion or no CRs away from the midplane")
    for dims in LAYOUTS[world.size]:
        names, local, sim = _or_abort(run_small, dims)
        full = sim.decomp.gather_blocks(local)
        if sim.decomp.dims != dims:
            failures.append(f"asked for blocks {dims}, got {sim.decomp.dims}")
        if world.rank == 0:
            rnames, rfields, rsim = ref
            if names != rnames or sim.time != rsim.time:
                failures.append(f"{dims}: fields or time differ ({sim.time!r} vs {rsim.time!r})")
                continue
            for n, a, b in zip(names, full, rfields):
                scale = np.abs(b).max()
                rel = np.abs(a - b).max() / scale if scale > 0 else np.abs(a - b).max()
                if not rel <= RTOL:
                    failures.append(f"blocks {dims}, {n}: max relative difference {rel:.3e}")
    return failures


@pytest.mark.parallel([2, 4])
def test_disk_wind_decomposed_equals_serial():
    failures = check_layouts()
    failures = MPI.COMM_WORLD.bcast(failures, root=0)
    parallel_assert(not failures, "; ".join(failures[:6]))
