"""The CR bottleneck to its steady state: explicit, implicit and steady-state integrators.

For each resolution the bottleneck problem (``problems/bottleneck.py``, frozen
gas, streaming only) is driven to its steady state by

* ``steady``: ``cr.integrator = "steady"`` (pseudo-transient continuation,
  one compiled-Jacobian Newton step per pseudo step), one call;
* ``implicit`` (``--implicit``, slow): ``cr.integrator = "implicit"`` (backward Euler, each step
  ``cr.max_subcycles`` explicit steps) under the run loop, stopped by the same
  steady-state criterion as the explicit run (``time.steady_tol = 1e-6``);
* ``explicit`` (``--explicit``, slow: tens of seconds to minutes): the
  sub-cycled explicit integrator, the reference of the "vs explicit" column.

Columns: CPU seconds (``time.process_time``: the machine is shared, so wall
times are noisy), ``L1rel = sum|P_c - P_a| / sum P_a`` against the analytic
profile, L1rel against the explicit steady state (with ``--explicit``), and
the number of linear solves (implicit, steady) or sub-steps (explicit).

Usage::

    python benchmarks/bottleneck_implicit.py                  # steady solver, 256, 512, 1024 cells
    python benchmarks/bottleneck_implicit.py --nx 512 --explicit
"""
import argparse
import os
import tempfile
import time

import numpy as np

from crplugin import problems
from crplugin.run import run
from crplugin.simulation import Simulation, make_parameters
from crplugin.state import IEC


def _profile(sim):
    return sim.state.cr[(IEC,) + sim.block.active][0, 0] / 3.0


def _case(nx, integrator, extra=()):
    prob = problems.load("bottleneck")
    params = make_parameters(prob, problems.input_file("bottleneck"),
                             [f"mesh.nx={nx}", f"cr.integrator={integrator}", "output.progress=false",
                              "time.steady_tol=1e-6", *extra])
    sim = Simulation(params, prob)
    x = sim.block.centres(0)[sim.block.active[2]]
    return sim, prob.theory(x, params.section("problem"))


def steady(nx):
    sim, pa = _case(nx, "steady")
    t0 = time.process_time()
    sim.step(sim.timestep())
    cpu = time.process_time() - t0
    return _profile(sim), pa, cpu, sim.cr.stats["linear_solves"], f"{len(sim.cr.steady_history) - 1} pseudo steps"


def evolve(nx, integrator, extra=()):
    sim, pa = _case(nx, integrator, extra)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.process_time()
        summary = run(sim, os.path.join(tmp, "out"))
        cpu = time.process_time() - t0
    solves = sim.cr.stats["linear_solves"] if integrator == "implicit" else summary["cr_substeps"]
    return _profile(sim), pa, cpu, solves, f"t = {summary['time']:.0f}, {summary['cycles']} cycles"


def l1rel(p, ref):
    return float(np.abs(p - ref).sum() / np.abs(ref).sum())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nx", type=int, nargs="+", default=[256, 512, 1024])
    ap.add_argument("--explicit", action="store_true", help="also run the explicit integrator (slow)")
    ap.add_argument("--implicit", action="store_true",
                    help="also run the time-accurate implicit integrator to steady state (slow: see docs)")
    ap.add_argument("--max-subcycles", type=int, default=1000,
                    help="implicit step in explicit sub-steps (cr.max_subcycles)")
    args = ap.parse_args()
    print("CR bottleneck to steady state; CPU = time.process_time of the solve (shared machine)")
    print(f"{'cells':>6} {'integrator':>10} {'CPU [s]':>9} {'L1rel':>9} {'vs expl.':>9} {'solves':>8}  notes")
    for nx in args.nx:
        ref = None
        rows = []
        if args.explicit:
            rows.append(("explicit",) + evolve(nx, "explicit"))
            ref = rows[-1][1]
        if args.implicit:
            rows.append(("implicit",) + evolve(nx, "implicit", [f"cr.max_subcycles={args.max_subcycles}"]))
        rows.append(("steady",) + steady(nx))
        for name, p, pa, cpu, solves, note in rows:
            vs = f"{l1rel(p, ref):9.2e}" if ref is not None else f"{'-':>9}"
            print(f"{nx:>6} {name:>10} {cpu:9.2f} {l1rel(p, pa):9.2e} {vs} {solves:>8}  {note}", flush=True)


if __name__ == "__main__":
    main()
