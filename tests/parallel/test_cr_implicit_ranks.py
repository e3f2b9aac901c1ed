"""The implicit CR integrator on 2 ranks gives the serial answer.

1D CR diffusion of a Gaussian (``cr_diffusion`` with ``mesh.ny = 1``, 32 cells, periodic, to t = 0.05),
``cr.integrator = implicit`` with steps of 20 explicit steps.  Not bit for bit:
the Krylov solver (GMRES with the block-local direct solve as preconditioner,
used whenever a block has a neighbour, here the periodic one in the serial run
too) sums its dot products over ranks, and the preconditioner differs with the
cut.  Measured: 3.9e-5 of the peak (3.5e-5 with 64 cells to t = 0.25), more than the solver tolerances
(``cr.newton_rtol = 1e-10``, GMRES 1e-11) explain; not yet understood (suspect:
the adaptive backward-Euler sub-steps split differently when a Newton iteration
fails on one decomposition and not on the other).  Tolerance 1e-4 of the peak
until that is settled; a rank that solved only its own block (no global dot
products, no halo exchange in the operator) does not converge at all.
"""
import traceback

import numpy as np
import pytest
from mpi4py import MPI
from pytest_mpi import parallel_assert

from crplugin import problems
from crplugin.run import run
from crplugin.simulation import Simulation, make_parameters
from crplugin.state import IEC

OVERRIDES = ["mesh.nx=32", "mesh.ny=1", "cr.integrator=implicit", "cr.max_subcycles=20",
             "cr.newton_rtol=1e-10", "time.tlim=0.05", "output.progress=false", "output.dt=0"]


def _energy(comm, outdir):
    prob = problems.load("cr_diffusion")
    params = make_parameters(prob, problems.input_file("cr_diffusion"), OVERRIDES)
    sim = Simulation(params, prob, comm=comm)
    run(sim, outdir)
    return sim.decomp.gather_blocks(sim.state.cr[(IEC,) + sim.block.active])


@pytest.mark.parallel(2)
def test_implicit_diffusion_two_ranks_equals_serial(tmp_path_factory):
    comm = MPI.COMM_WORLD
    try:
        out = comm.bcast(str(tmp_path_factory.mktemp("impl")) if comm.rank == 0 else None)
        par = _energy(comm, out + "/par")
        ok, msg = True, ""
        if comm.rank == 0:
            ser = _energy(MPI.COMM_SELF, out + "/ser")
            err = float(np.abs(par - ser).max() / np.abs(ser).max())
            ok, msg = err < 1e-4, f"max difference {err:.2e} of the peak"
        ok, msg = comm.bcast((ok, msg))
    except Exception:
        traceback.print_exc()
        comm.Abort(1)
    parallel_assert(ok, msg)
