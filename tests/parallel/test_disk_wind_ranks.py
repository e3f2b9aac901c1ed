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
import numpy as np
import pytest
from mpi4py import MPI
from pytest_mpi import parallel_assert

from helpers.ranks import compare_layouts, run_problem

RTOL = 1e-12
CYCLES = 12
SETUP = ["mesh.nx=4", "mesh.ny=4", "mesh.nz=16", "cr_injection.dPc_dt=3e-3", "output.progress=false"]
LAYOUTS = {2: [(1, 1, 2), (2, 1, 1)], 4: [(1, 1, 4), (2, 2, 1), (1, 2, 2)]}


def run_small(dims=None, comm=None):
    return run_problem("disk_wind", SETUP, CYCLES, dims, comm)


def _exercised(names, fields):
    """CRs left the midplane and the gas moves."""
    vz = fields[names.index("velocity_z")]
    ec = fields[names.index("cr_energy_density")]
    if not (np.abs(vz).max() > 0 and ec[-1].max() > 10 * 1e-6 * fields[names.index("pressure")][-1].max()):
        return "the reference run has no gas motion or no CRs away from the midplane"
    return None


@pytest.mark.parallel([2, 4])
def test_disk_wind_decomposed_equals_serial():
    failures, _ = compare_layouts(run_small, LAYOUTS[MPI.COMM_WORLD.size], RTOL, _exercised)
    failures = MPI.COMM_WORLD.bcast(failures, root=0)
    parallel_assert(not failures, "; ".join(failures[:6]))
