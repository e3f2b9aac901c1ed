"""Time to steady state of the CR bottleneck (Jiang & Oh 2018 appendix), explicit CR step.

The ``bottleneck`` problem with its defaults (reduced speed of light 100,
streaming only, static gas, ``cr.streaming_scheme = consistent``), run until its
steady-state criterion stops it.  ``--set cr.streaming_scheme=centred`` gives the
centred scheme of the other problems (and of the Athena++ comparison below);
``--integrators implicit`` needs it.
Columns: cells, MPI ranks, CR sub-steps, CPU time (user + sys of all ranks,
``time.process_time`` summed), wall time, L1rel = sum|P_c - P_a| / sum P_a
against the analytic steady state P_a, and the downstream plateau (theory
0.2154).  The cost per cell and sub-step is CPU / (cells x sub-steps).

Usage::

    python benchmarks/bottleneck.py                    # 256, 512, 1024 cells serial; 4096 on 1 and 2 ranks
    python benchmarks/bottleneck.py --parallel         # only the 4096-cell rows
    python benchmarks/bottleneck.py --cells 512 --ranks 1
    python benchmarks/bottleneck.py --set cr.cfl=0.4   # any parameter override
    python benchmarks/bottleneck.py --cells 512 --integrators explicit implicit steady

Each resolution is run with every ``--integrators`` value (default: the
explicit step and the steady-state solver ``cr.integrator = steady``,
``docs/implicit_cr.md``); "linear solves" counts the Newton linear solves of
the implicit and steady integrators, "L1rel vs explicit" compares their
profile with the explicit one of the same row group.

The 4096-cell rows (1 vs 2 ranks) stop at t = 50 (``time.tlim=50``, about
20,000 sub-steps), not at the steady state (t ~ 1000, 40 CPU minutes): they
measure the parallel speed-up of the sub-steps, their L1rel is not converged.
Multi-rank rows launch ``mpiexec -n N`` themselves (``mpiexec`` next to the
Python executable or on PATH), with ``OMP_NUM_THREADS=1``.  On a shared
machine report CPU time: wall time depends on the load.  For comparison, the
C++ two-moment code Athena++ (same set-up, same reduced speed of light, 512
cells) needs 290,000 cycles, ~129 s CPU and reaches L1rel = 4.3e-2 in its MHD
build; 256,000 cycles, ~50 s and 1.6e-2 in its hydro build.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

from crplugin.solver.cr_implicit import NotConverged


def worker(nx, overrides):
    from crplugin import problems
    from crplugin.run import run
    from crplugin.simulation import Simulation, make_parameters
    from crplugin.state import IEC

    prob = problems.load("bottleneck")
    params = make_parameters(prob, problems.input_file("bottleneck"),
                             [f"mesh.nx={nx}", "output.progress=false"] + list(overrides))
    sim = Simulation(params, prob)
    out = tempfile.mkdtemp(prefix="crp_bottleneck_")
    try:
        cpu0, wall0 = time.process_time(), time.perf_counter()
        summary = run(sim, out)
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    finally:
        sim.decomp.barrier()
        if sim.decomp.rank == 0:
            shutil.rmtree(out, ignore_errors=True)
    try:
        gamma_c = params["cr.gamma_c"]
    except Exception:   # older versions: gamma_c fixed at 4/3
        gamma_c = 4.0 / 3.0
    pc = sim.decomp.gather_blocks((gamma_c - 1.0) * sim.state.cr[(IEC,) + sim.block.active])
    cpu_all = sim.decomp.sum(cpu)
    wall = sim.decomp.max(wall)
    if sim.decomp.rank != 0:
        return None
    p = params.section("problem")
    grid = sim.grid
    x = grid.left[0] + (np.arange(grid.shape[0]) + 0.5) * grid.dx[0]
    pa = prob.theory(x, p)
    pc = pc.ravel()
    far = x > p["x0"] + 16 * p["width"]
    return {"cells": nx, "ranks": sim.decomp.size, "substeps": int(sim.cr_substeps), "cycles": int(sim.cycle),
            "cpu": cpu_all, "wall": wall, "t": float(sim.time), "steady": bool(summary["steady_state"]),
            "L1rel": float(np.abs(pc - pa).sum() / pa.sum()),
            "L1mean": float(np.abs(pc - pa).mean()),
            "plateau": float(pc[far].mean()), "plateau_theory": float(pa[far].mean()),
            "integrator": params["cr.integrator"],
            "solves": int(getattr(sim.cr, "stats", {}).get("linear_solves", 0)), "pc": pc.tolist()}


def _mpiexec():
    cand = os.path.join(os.path.dirname(sys.executable), "mpiexec")
    return cand if os.path.exists(cand) else shutil.which("mpiexec")


def measure(nx, ranks, overrides):
    if ranks == 1:
        return worker(nx, overrides)
    cmd = [_mpiexec(), "-n", str(ranks), sys.executable, os.path.abspath(__file__), "--worker", str(nx)]
    for o in overrides:
        cmd += ["--set", o]
    env = dict(os.environ, OMP_NUM_THREADS="1")
    res = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    line = [ln for ln in res.stdout.splitlines() if ln.startswith("RESULT ")][-1]
    return json.loads(line[len("RESULT "):])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cells", type=int, nargs="*", default=None)
    ap.add_argument("--ranks", type=int, nargs="*", default=None)
    ap.add_argument("--set", action="append", default=[], help="parameter override key=value")
    ap.add_argument("--parallel", action="store_true", help="only the 4096-cell rows on 1 and 2 ranks")
    ap.add_argument("--integrators", nargs="*", default=["explicit", "steady"],
                    help="cr.integrator values to compare (explicit, implicit, steady)")
    ap.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.worker:
        r = worker(a.worker, a.set)
        if r is not None:
            print("RESULT " + json.dumps(r), flush=True)
        return
    par = ["time.tlim=50"]
    if a.parallel:
        plan = [(4096, 1, par), (4096, 2, par)]
    elif a.cells is None:
        plan = [(n, 1, []) for n in (256, 512, 1024)] + [(4096, 1, par), (4096, 2, par)]
    else:
        plan = [(n, r, []) for n in a.cells for r in (a.ranks or [1])]
    print("| cells | ranks | integrator | CR sub-steps | linear solves | CPU [s] | wall [s] "
          "| ns/cell/sub-step (CPU) | L1rel | L1rel vs explicit | downstream plateau (0.2154) | t reached |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for nx, ranks, extra in plan:
        ref = None
        for integ in (a.integrators if not extra else ["explicit"]):
            try:
                r = measure(nx, ranks, extra + a.set + [f"cr.integrator={integ}"])
            except (NotConverged, subprocess.CalledProcessError) as err:   # a row, not the end of the table
                print(f"| {nx} | {ranks} | {integ} | did not converge: {str(err).splitlines()[-1][:160]} |"
                      + 8 * " |", flush=True)
                continue
            pc = np.array(r["pc"])
            if integ == "explicit":
                ref = pc
            vs = f"{np.abs(pc - ref).sum() / ref.sum():.1e}" if ref is not None and integ != "explicit" else "-"
            per = (f"{1e9 * r['cpu'] / (r['cells'] * max(r['substeps'], 1)):.0f}" if integ == "explicit" else "-")
            print(f"| {nx} | {ranks} | {integ} | {r['substeps']:,} | {r['solves']:,} | {r['cpu']:.1f} "
                  f"| {r['wall']:.1f} | {per} | {r['L1rel']:.2e} | {vs} | {r['plateau']:.4f} "
                  f"| {r['t']:.0f}{'' if r['steady'] else ' (not steady)'} |", flush=True)


if __name__ == "__main__":
    main()
