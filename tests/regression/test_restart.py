"""A run restarted from its checkpoint at cycle N/2 ends bit for bit where the uninterrupted run ends.

The CR blob (``helpers/blob.py``: MHD + CR transport with exchange,
streaming, diffusion, PA heating, diagnostics and cooling) is run through the
run loop (``crplugin.run.run``) three ways: N cycles in one go; N/2 cycles
(the run loop writes its checkpoint at the end); and from that checkpoint on
to N cycles (``run(sim, outdir, restart=path)``).  The restarted run must give
exactly the same arrays (``np.array_equal``, ghosts included), time, cycle,
final output and history rows as the uninterrupted run: the checkpoint stores
the state in double precision and nothing else carries over between cycles,
so any difference is a bug (a variable left out of the checkpoint, a
counter restored wrongly, a time step computed differently after a restart).
Serial, and on 2 ranks.

Two cases that used to fail (issue 13) are checked on the CR bottleneck
through the run loop, restarting from a checkpoint in the middle of an
uninterrupted run:

* outputs more frequent than checkpoints, neither on the other's times: the
  restarted steps must be shortened to land on the same output times and
  the outputs carry the same numbers (the output schedule is checkpointed);
* a run stopped by its steady-state detector: the restarted run must stop at
  the same time (the detector's last snapshot is checkpointed).
"""
import os
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

from crplugin import io, problems
from crplugin.run import run
from crplugin.simulation import Simulation, make_parameters

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from helpers import blob  # noqa: E402

N = 16  # cycles of the whole run; the checkpoint is at N/2


def _sim(nlim, comm=None):
    params = make_parameters(blob, None, blob.defaults(2) + [f"time.nlim={nlim}"])
    return Simulation(params, blob, comm=comm)


def _arrays(sim):
    s = sim.state
    out = {"u": s.u, "bcc": s.bcc, "cr": s.cr}
    out.update({f"bf{a}": b for a, b in enumerate(s.bf)})
    return out


def check_restart(tmp, comm=None):
    """Differences between the restarted and the uninterrupted run (empty list: none)."""
    rank = 0 if comm is None else comm.rank
    whole_dir, split_dir = os.path.join(tmp, "whole"), os.path.join(tmp, "split")
    whole = _sim(N, comm)
    sw = run(whole, whole_dir)

    first = _sim(N // 2, comm)
    run(first, split_dir)
    chk = os.path.join(tmp, "half.chk")
    if rank == 0:
        shutil.copy(os.path.join(split_dir, "blob.00000.chk"), chk)
    if comm is not None:
        comm.Barrier()
    errors = []
    if first.cycle != N // 2:
        errors.append(f"first half stopped at cycle {first.cycle}, not {N // 2}")

    second = _sim(N, comm)
    sr = run(second, split_dir, restart=chk)
    if sr["cycles"] != N - N // 2:
        errors.append(f"restarted run did {sr['cycles']} cycles, expected {N - N // 2}")
    if (second.time, second.cycle) != (whole.time, whole.cycle):
        errors.append(f"end: restarted t={second.time!r} cycle {second.cycle}, "
                      f"uninterrupted t={whole.time!r} cycle {whole.cycle}")
    a, b = _arrays(second), _arrays(whole)
    errors += [f"rank {rank}: state array {k} differs (max |diff| {np.abs(a[k] - b[k]).max():.3e})"
               for k in a if not np.array_equal(a[k], b[k])]

    if rank == 0:
        fr, ir = io.read_output(sr["outputs"][-1])
        fw, iw = io.read_output(sw["outputs"][-1])
        if sorted(fr) != sorted(fw):
            errors.append(f"output fields {sorted(fr)} vs {sorted(fw)}")
        errors += [f"final output field {k} differs" for k in fw if k in fr and not np.array_equal(fr[k], fw[k])]
        if (ir["time"], ir["cycle"]) != (iw["time"], iw["cycle"]):
            errors.append(f"final outputs at t={ir['time']!r} (cycle {ir['cycle']}) vs "
                          f"t={iw['time']!r} (cycle {iw['cycle']})")
        # the interrupted history also holds the end-of-run row of the first half (cycle N/2,
        # kept by the restart since it is not later than the checkpoint); every other row
        # must be the uninterrupted run's row, to the last digit
        hr, hw = io.read_history(sr["history"]), io.read_history(sw["history"])
        want_cycles = sorted(set(hw["cycle"].tolist()) | {N // 2})
        if hr["cycle"].tolist() != want_cycles:
            errors.append(f"history cycles {hr['cycle'].tolist()}, expected {want_cycles}")
        else:
            keep = np.isin(hr["cycle"], hw["cycle"])
            for col in hw:
                if col not in hr or not np.array_equal(hr[col][keep], hw[col]):
                    errors.append(f"history column {col}: restarted {hr.get(col)} vs "
                                  f"uninterrupted {hw[col]}")
    return errors


def test_restart_serial_bit_for_bit(tmp_path):
    from mpi4py import MPI
    errors = check_restart(str(tmp_path), MPI.COMM_SELF)
    assert not errors, "\n".join(errors)


def _on_all_ranks(check, **kw):
    """``check(folder, comm, **kw)`` on every rank in one shared temporary folder; the
    errors asserted on all ranks (an exception on one rank aborts instead of hanging)."""
    from mpi4py import MPI
    from pytest_mpi import parallel_assert

    from helpers.ranks import or_abort
    comm = MPI.COMM_WORLD
    tmp = comm.bcast(tempfile.mkdtemp(prefix="crp-restart-") if comm.rank == 0 else None)
    errors = or_abort(lambda: check(tmp, comm, **kw))
    parallel_assert(not errors, "\n".join(errors))
    comm.Barrier()
    if comm.rank == 0:
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.mark.parallel(2)
def test_restart_two_ranks_bit_for_bit():
    _on_all_ranks(check_restart)


# 32 cells, streaming only; outputs every 20, checkpoints every 50 (t = 60, 100, 160, 200, ...),
# steady-state checks every 50 (t = 60, 120, 180, 240, ...: a restart at t = 200 must not move them)
BOTTLENECK = ["mesh.nx=32", "output.dt=20", "output.dt_checkpoint=50", "time.steady_interval=50",
              "time.steady_tol=1e-4", "output.progress=false"]


def _bottleneck(comm):
    problem = problems.load("bottleneck")
    return Simulation(make_parameters(problem, problems.input_file("bottleneck"), BOTTLENECK), problem, comm=comm)


def check_schedule_and_steady_state(tmp, comm, numbers=(0, 3)):
    """Differences between the bottleneck run in one go and its restarts from checkpoints 0
    (t = 60, on a steady-state check) and 3 (t = 200, between checks)."""
    rank = comm.rank
    whole_dir = os.path.join(tmp, "whole")
    whole = _bottleneck(comm)
    sw = run(whole, whole_dir)
    errors = []
    if sw["stop_reason"] != "steady state" or sw["time"] >= whole.params["time.tlim"]:
        errors.append(f"the uninterrupted run did not stop at a steady state ({sw['stop_reason']}, "
                      f"t = {sw['time']})")
    for number in numbers:
        split_dir = os.path.join(tmp, f"split{number}")
        chk = os.path.join(tmp, f"bottleneck.{number:05d}.chk")
        if rank == 0:
            shutil.copytree(whole_dir, split_dir)
            shutil.copy(os.path.join(whole_dir, f"bottleneck.{number:05d}.chk"), chk)
            for name in os.listdir(split_dir):
                # as if killed at t = 300, after output 15: the restart must write the later
                # outputs again, at the same times, not number them after the last on disk
                if name.endswith(".chk") or name.endswith(".h5") and int(name.split(".")[1]) > 15:
                    os.remove(os.path.join(split_dir, name))
        comm.Barrier()
        second = _bottleneck(comm)
        sr = run(second, split_dir, restart=chk)
        if (second.time, second.cycle, sr["stop_reason"]) != (whole.time, whole.cycle, sw["stop_reason"]):
            errors.append(f"from checkpoint {number}: restarted run stopped at t={second.time!r} (cycle "
                          f"{second.cycle}, {sr['stop_reason']}), uninterrupted at t={whole.time!r} (cycle "
                          f"{whole.cycle}, {sw['stop_reason']})")
        if not np.array_equal(second.state.cr, whole.state.cr):
            errors.append(f"from checkpoint {number}, rank {rank}: final CR state differs")
        if rank == 0:
            names_w = sorted(n for n in os.listdir(whole_dir) if n.endswith(".h5"))
            names_r = sorted(n for n in os.listdir(split_dir) if n.endswith(".h5"))
            if names_r != names_w:
                errors.append(f"from checkpoint {number}: outputs {names_r} vs {names_w}")
            for name in names_w:
                if name in names_r:
                    fw, iw = io.read_output(os.path.join(whole_dir, name))
                    fr, ir = io.read_output(os.path.join(split_dir, name))
                    if ir["time"] != iw["time"] or any(not np.array_equal(fr[k], fw[k]) for k in fw):
                        errors.append(f"from checkpoint {number}: {name}: restarted t={ir['time']!r} vs "
                                      f"t={iw['time']!r} or fields differ")
    return errors


def test_restart_schedule_and_steady_state_serial(tmp_path):
    from mpi4py import MPI
    errors = check_schedule_and_steady_state(str(tmp_path), MPI.COMM_SELF)
    assert not errors, "\n".join(errors)


@pytest.mark.parallel(2)
def test_restart_schedule_and_steady_state_two_ranks():
    _on_all_ranks(check_schedule_and_steady_state, numbers=(0,))  # the harder case only
