"""Parallel throughput of a whole 2D MHD + CR run on 1 and 2 MPI ranks.

The problem is the CR blob of the tests (``tests/helpers/blob.py``) scaled up:
a Gaussian CR bump in a uniform magnetised gas with a velocity perturbation,
MHD with an oblique field, two-moment CR transport with gas exchange and the
source terms streaming, constant diffusion, PA heating, CR diagnostics and
cooling; periodic box.  Each rank count runs one warm-up cycle and then a
fixed number of timed cycles (``Simulation.step`` with its ``timestep``; no
outputs).  One zone-cycle is one cell advanced by one full cycle (the MHD
step, all CR sub-steps, the source terms, every ghost fill and reduction).

Usage::

    python benchmarks/parallel.py                       # 256^2, 5 cycles, 1 and 2 ranks
    python benchmarks/parallel.py --n 512 --cycles 3 --ranks 1 2 4

The script launches ``mpiexec -n N`` itself (``mpiexec`` from PATH or next to
the Python executable) with ``OMP_NUM_THREADS=1``.  Columns: wall time of the
timed cycles on rank 0, zone-cycles per second, speed-up and parallel
efficiency against one rank, the share of the wall time in the MHD step and
in the CR step (sub-cycles included; the rest is source terms and the final
ghost fill), CR sub-steps per cycle, and rank 0's CPU time over its wall
time (well below 1: the rank waited for a core, i.e. the machine is busy
with other work and the timing says little about the code).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, os.pardir, "tests"))


def worker(n, cycles):
    from mpi4py import MPI

    from crplugin.simulation import Simulation, make_parameters
    from helpers import blob

    comm = MPI.COMM_WORLD
    params = make_parameters(blob, None, blob.defaults(2, n=n) + ["time.nlim=-1"])
    sim = Simulation(params, blob)
    timers = {"mhd": 0.0, "cr": 0.0}

    def timed(name, fn):
        def wrapper(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                timers[name] += time.perf_counter() - t0
        return wrapper

    sim.step(sim.timestep())  # warm-up: first-touch allocations, kernel caches
    sim.mhd.step = timed("mhd", sim.mhd.step)
    sim.cr.step = timed("cr", sim.cr.step)
    sub0 = getattr(sim, "cr_substeps", None)
    comm.Barrier()
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(cycles):
        sim.step(sim.timestep())
    comm.Barrier()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    nsub = (sim.cr_substeps - sub0) / cycles if sub0 is not None else float("nan")
    if comm.rank == 0:
        print(json.dumps({"ranks": comm.size, "dims": list(sim.decomp.dims), "cells": n * n,
                          "cycles": cycles, "wall": wall, "cpu": cpu, "mhd": timers["mhd"], "cr": timers["cr"],
                          "nsub": nsub, "t": sim.time}), flush=True)


def launch(nranks, n, cycles):
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", "--n", str(n), "--cycles", str(cycles)]
    if nranks > 1:
        mpiexec = shutil.which("mpiexec") or os.path.join(os.path.dirname(sys.executable), "mpiexec")
        if not os.path.exists(mpiexec):
            sys.exit("benchmarks/parallel.py: 'mpiexec' not found on PATH or next to python")
        cmd = [mpiexec, "-n", str(nranks)] + cmd
    env = dict(os.environ, OMP_NUM_THREADS="1")
    res = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if res.returncode != 0:
        sys.exit(f"benchmarks/parallel.py: the {nranks}-rank run failed:\n{res.stderr[-2000:]}")
    lines = [ln for ln in res.stdout.splitlines() if ln.startswith("{")]
    return json.loads(lines[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=256, help="cells per side (default 256)")
    parser.add_argument("--cycles", type=int, default=5, help="timed cycles (default 5)")
    parser.add_argument("--ranks", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.n, args.cycles)
        return
    print(f"2D MHD + CR blob, {args.n}^2 cells, {args.cycles} timed cycles "
          f"(streaming, diffusion, PA heating, diagnostics, cooling); load average "
          f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"{'ranks':>5} {'blocks':>8} {'wall [s]':>9} {'zone-cycles/s':>14} {'speed-up':>9} "
          f"{'efficiency':>10} {'MHD':>5} {'CR':>5} {'CR sub/cycle':>12} {'cpu/wall':>8}")
    base = None
    for nr in args.ranks:
        r = launch(nr, args.n, args.cycles)
        zcs = r["cells"] * r["cycles"] / r["wall"]
        base = base or (zcs if nr == 1 else None)
        speed = zcs / base if base else float("nan")
        blocks = "x".join(str(d) for d in r["dims"][:2])
        print(f"{nr:>5} {blocks:>8} {r['wall']:9.2f} {zcs:14.3e} {speed:9.2f} {speed / nr:10.2f} "
              f"{r['mhd'] / r['wall']:5.0%} {r['cr'] / r['wall']:5.0%} {r['nsub']:12.1f} "
              f"{r['cpu'] / r['wall']:8.2f}")


if __name__ == "__main__":
    main()
