"""The implicit CR integrator on 2 ranks gives the serial answer to 1e-12.

1D CR diffusion of a Gaussian (``cr_diffusion`` with ``mesh.ny = 1``, 32 cells, periodic, to t = 0.05),
``cr.integrator = implicit``, one backward-Euler step of 20 explicit steps.  Not bit for bit:
both solve their Newton systems by GMRES on the whole operator, preconditioned by the
band LU of the mesh without the periodic wrap (serial) or of the block (2 ranks, dot
products summed over ranks).  Both converge Newton to
``cr.newton_rtol = 1e-10`` (or to the round-off floor of the residual), GMRES to
1e-11.  Measured: 4.9e-13 of the peak (2.8e-13 with the block's SuperLU as the
preconditioner).  (Before the Newton iteration accepted a
round-off-limited residual, one decomposition failed where the other did not and
the adaptive sub-steps split differently: 1.4e-5.)

2D (24 x 24, B at 45 degrees, periodic, one backward-Euler step of 10 explicit steps),
split along x and along y: the x1-line preconditioner of each block (GMRES over the
distributed written-out Jacobian, the other rank's cells as extra columns) against the
serial run's line preconditioner on the whole mesh.  Both GMRES to 1e-11, so the
Newton iterates agree to about that: measured 9.7e-14 (x split) and 9.4e-14 (y split).
"""

import numpy as np
import pytest
from mpi4py import MPI
from pytest_mpi import parallel_assert

from crplugin import problems
from crplugin.run import run
from crplugin.simulation import Simulation, make_parameters
from crplugin.state import IEC
from helpers.ranks import or_abort

OVERRIDES = ["mesh.nx=32", "mesh.ny=1", "cr.integrator=implicit", "cr.max_subcycles=20",
             "cr.newton_rtol=1e-10", "time.tlim=0.05", "output.progress=false", "output.dt=0"]
CASES = {
    "1d": OVERRIDES,
    "2d-x": ["mesh.nx=24", "mesh.ny=24", "mesh.ranks_x=2", "mesh.ranks_y=1", "cr.integrator=implicit",
             "cr.max_subcycles=10", "cr.newton_rtol=1e-10", "time.tlim=0.01", "output.progress=false",
             "output.dt=0"],
}
CASES["2d-y"] = CASES["2d-x"][:2] + ["mesh.ranks_x=1", "mesh.ranks_y=2"] + CASES["2d-x"][4:]


def _energy(comm, outdir, overrides):
    prob = problems.load("cr_diffusion")
    params = make_parameters(prob, problems.input_file("cr_diffusion"), overrides)
    sim = Simulation(params, prob, comm=comm)
    run(sim, outdir)
    return sim.decomp.gather_blocks(sim.state.cr[(IEC,) + sim.block.active])


@pytest.mark.parallel(2)
@pytest.mark.parametrize("case", sorted(CASES))
def test_implicit_diffusion_two_ranks_equals_serial(tmp_path_factory, case):
    comm = MPI.COMM_WORLD
    out = comm.bcast(str(tmp_path_factory.mktemp("impl")) if comm.rank == 0 else None)
    par = or_abort(_energy, comm, out + "/par", CASES[case])
    ok, msg = True, ""
    if comm.rank == 0:
        serial = [o for o in CASES[case] if not o.startswith("mesh.ranks_")]
        ser = or_abort(_energy, MPI.COMM_SELF, out + "/ser", serial)
        err = float(np.abs(par - ser).max() / np.abs(ser).max())
        ok, msg = err < 1e-12, f"max difference {err:.2e} of the peak"
    ok, msg = comm.bcast((ok, msg))
    parallel_assert(ok, msg)
