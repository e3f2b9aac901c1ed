"""The halo_cloud problem in 2D on 2 and 4 ranks gives the serial run's fields.

A small, fast version of the problem (32 x 16 cells; the CR inflow ramped up
in 0.2 Myr and the cloud close to the source, so that within the 30 cycles
the CRs stream, push the gas, meet the cloud and the pa_heating, cooling and
cr_diagnostics sources all act) is run with the blocks cut along x (the user
CR-inflow boundary and the cr_outflow boundary then live on different ranks),
along y (periodic) and along both, and every output field is gathered and
compared with the same run on one rank (``COMM_SELF``) done by rank 0.

Tolerance 1e-12 relative to each field's largest magnitude: ghost exchange
copies exactly what the serial fill copies, the kernels are cell-local given
their ghosts and the time step is a min-reduction, so the runs should agree
to the last bit; a decomposition bug (the user boundary applied on an
interior side, a stale ghost layer) gives O(1e-3) differences within a few
cycles.
"""
import numpy as np
import pytest
from mpi4py import MPI
from pytest_mpi import parallel_assert

from helpers.ranks import compare_layouts, run_problem

RTOL = 1e-12
CYCLES = 30
SETUP = ["mesh.nx=32", "mesh.ny=16", "problem.t_ramp=0.2", "problem.cloud_x=0.15",
         "problem.cloud_radius=0.06", "output.progress=false"]
LAYOUTS = {2: [(2, 1, 1), (1, 2, 1)], 4: [(4, 1, 1), (2, 2, 1), (1, 4, 1)]}


def run_small(dims=None, comm=None):
    return run_problem("halo_cloud", SETUP, CYCLES, dims, comm)


def _exercised(names, fields):
    """PA heating acts and the CRs reach the cloud."""
    pa = fields[names.index("pa_heating")]
    pc = fields[names.index("cr_energy_density")]
    i_cloud = int(0.15 * pc.shape[-1])       # the column of the cloud centre (x = 0.15 of 1 kpc)
    if not (pa.max() > 0 and pc[:, :, i_cloud].max() > 100 * pc.min()):
        return "the reference run has no PA heating or no CRs reaching the cloud"
    return None


@pytest.mark.parallel([2, 4])
def test_halo_cloud_decomposed_equals_serial():
    failures, identical = compare_layouts(run_small, LAYOUTS[MPI.COMM_WORLD.size], RTOL, _exercised)
    failures = MPI.COMM_WORLD.bcast(failures, root=0)
    parallel_assert(not failures, "; ".join(failures[:6]))
    if MPI.COMM_WORLD.rank == 0:
        print(f"bit-identical layouts: {sum(identical)}/{len(identical)}")
