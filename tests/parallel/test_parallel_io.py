"""Outputs and checkpoints written by 2 ranks: yt sees 2 grids equal to the serial output."""
import os
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
from mpi4py import MPI
from pytest_mpi import parallel_assert

from crplugin import io
from crplugin.io import OutputError

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from helpers.fake_sim import FakeSim  # noqa: E402


def check_two_rank_output_and_checkpoint():
    comm = MPI.COMM_WORLD
    rank = comm.rank
    tmp = comm.bcast(tempfile.mkdtemp(prefix="crp-pio-") if rank == 0 else None)
    errors = []
    sim = FakeSim(shape=(8, 6, 4), periodic=(True, True, False))
    parallel_assert(sim.decomp.dims == (2, 1, 1), f"dims {sim.decomp.dims}")
    io.write_output(os.path.join(tmp, "par.h5"), sim)
    io.write_checkpoint(os.path.join(tmp, "par_chk.h5"), sim)

    if rank == 0:
        import yt
        yt.set_log_level(40)
        serial = FakeSim(shape=(8, 6, 4), periodic=(True, True, False), comm=MPI.COMM_SELF)
        io.write_output(os.path.join(tmp, "ser.h5"), serial)
        dp, ds_ = yt.load(os.path.join(tmp, "par.h5")), yt.load(os.path.join(tmp, "ser.h5"))
        if dp.index.num_grids != 2 or ds_.index.num_grids != 1:
            errors.append(f"grids: parallel {dp.index.num_grids}, serial {ds_.index.num_grids}")
        lefts = sorted(tuple(g.LeftEdge.d) for g in dp.index.grids)
        if lefts != [(-1.0, -1.0, -1.0), (0.5, -1.0, -1.0)]:
            errors.append(f"grid left edges {lefts}")
        cp = dp.covering_grid(0, dp.domain_left_edge, dp.domain_dimensions)
        cs = ds_.covering_grid(0, ds_.domain_left_edge, ds_.domain_dimensions)
        for name in sim.output_fields():
            a, b = cp["gdf", name], cs["gdf", name]
            if a.units != b.units or not np.array_equal(a.d, b.d):
                errors.append(f"field {name} differs between 2-rank and serial outputs")
        # a 2-rank checkpoint cannot be read by a 1-rank run
        try:
            io.read_checkpoint(os.path.join(tmp, "par_chk.h5"), serial)
            errors.append("1-rank read of a 2-rank checkpoint did not fail")
        except OutputError as exc:
            if "nranks: file 2 vs run 1" not in str(exc):
                errors.append(f"unclear message: {exc}")

    # every rank reads its own block back, bit for bit
    other = FakeSim(shape=(8, 6, 4), periodic=(True, True, False), seed=5, time=0.0, cycle=0)
    io.read_checkpoint(os.path.join(tmp, "par_chk.h5"), other)
    same = all(x.tobytes() == y.tobytes() for x, y in
               [(sim.state.u, other.state.u), (sim.state.cr, other.state.cr)]
               + list(zip(sim.state.bf, other.state.bf)))
    if not (same and other.state.time == sim.state.time and other.restored["seed"] == 0):
        errors.append(f"rank {rank}: checkpoint round trip differs")
    # no temporary files left behind
    comm.Barrier()
    if rank == 0:
        names = sorted(os.listdir(tmp))
        if names != ["par.h5", "par_chk.h5", "ser.h5"]:
            errors.append(f"files {names}")
    parallel_assert(not errors, "\n".join(errors))


def check_failure_on_one_rank_raises_on_all():
    """A rank whose fields are wrong makes every rank raise; nothing is written, nothing hangs."""
    comm = MPI.COMM_WORLD
    tmp = comm.bcast(tempfile.mkdtemp(prefix="crp-pio-") if comm.rank == 0 else None)
    sim = FakeSim(shape=(8, 6))
    if comm.rank == 1:
        good = sim.output_fields
        sim.output_fields = lambda: {**good(), "density": (np.ones(3), "density")}
    try:
        io.write_output(os.path.join(tmp, "o.h5"), sim)
        outcome = "no error"
    except OutputError as exc:
        outcome = "other" if "other rank" in str(exc) else f"OutputError {exc}"
    except ValueError as exc:
        outcome = "own" if "'density'" in str(exc) else f"ValueError {exc}"
    comm.Barrier()
    parallel_assert(outcome == ("own" if comm.rank == 1 else "other"), f"rank {comm.rank}: {outcome}")
    parallel_assert(comm.rank != 0 or os.listdir(tmp) == [], "files were left behind")


# one mpiexec launch for both checks (a launch importing yt costs several seconds here)
@pytest.mark.parallel(2)
def test_parallel_io():
    check_two_rank_output_and_checkpoint()
    check_failure_on_one_rank_raises_on_all()
