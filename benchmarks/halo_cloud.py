"""Time to the steady CR profile of the halo cloud (2D): explicit step against the steady solver.

The ``halo_cloud`` problem (160 x 64 cells by default) on frozen gas, CR
streaming only (``mhd.evolve=false``, ``cr.exchange=false``,
``sources.enabled=streaming``, inflow ramp ``problem.t_ramp=0.01``), run
through the normal run loop until it is steady:

* ``explicit``: sub-cycled CR steps until the run's steady-state detector sees
  max|E_c(t) - E_c(t - T)| / (max E_c T) < ``time.steady_tol`` = 1e-4 per
  code time unit (1 Myr);
* ``steady``: ``cr.integrator=steady`` with ``cr.steady_rtol`` = 1e-4, which
  is the same measure: max|dE_c/dt| / max E_c times the light-crossing time
  L/V_m of the domain, and L/V_m = 1 code time unit here (1 kpc at 978 km/s).
  The run loop then stops at its first steady-state check.

Columns: cells, integrator, CR sub-steps (explicit) or pseudo steps (steady),
GMRES iterations, CPU of the run loop (``time.process_time``), code time
reached, and the L1rel difference sum|E_s - E_e| / sum E_e of the steady
profile from the explicit one.  Report CPU on a shared machine.

Usage::

    python benchmarks/halo_cloud.py                     # 160 x 64
    python benchmarks/halo_cloud.py --cells 80x32 160x64
    python benchmarks/halo_cloud.py --set cr.linear_solver=lu
"""
import argparse
import shutil
import tempfile
import time

import numpy as np

FROZEN = ["mhd.evolve=false", "cr.exchange=false", "sources.enabled=streaming", "problem.t_ramp=0.01",
          "time.steady_tol=1e-4", "cr.steady_rtol=1e-4", "time.tlim=400", "output.dt=1000",
          "output.progress=false"]


def measure(nx, ny, integrator, overrides):
    from crplugin import problems
    from crplugin.run import run
    from crplugin.simulation import Simulation, make_parameters
    from crplugin.state import IEC

    prob = problems.load("halo_cloud")
    params = make_parameters(prob, problems.input_file("halo_cloud"),
                             [f"mesh.nx={nx}", f"mesh.ny={ny}", f"cr.integrator={integrator}"]
                             + FROZEN + list(overrides))
    sim = Simulation(params, prob)
    out = tempfile.mkdtemp(prefix="crp_halo_cloud_")
    try:
        cpu0 = time.process_time()
        summary = run(sim, out)
        cpu = time.process_time() - cpu0
    finally:
        shutil.rmtree(out, ignore_errors=True)
    stats = getattr(sim.cr, "stats", {})
    return {"ec": sim.state.cr[(IEC,) + sim.block.active].copy(), "cpu": cpu, "t": float(sim.time),
            "steady": bool(summary["steady_state"]), "substeps": int(sim.cr_substeps),
            "pseudo": int(stats.get("newton_iterations", 0)), "krylov": int(stats.get("krylov_iterations", 0))}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cells", nargs="*", default=["160x64"], help="NXxNY")
    ap.add_argument("--set", action="append", default=[], help="parameter override key=value")
    a = ap.parse_args(argv)
    print("| cells | integrator | CR sub-steps / pseudo steps | GMRES iterations | CPU [s] | t reached "
          "| steady | L1rel vs explicit | speed-up |")
    print("|---|---|---|---|---|---|---|---|---|")
    for cells in a.cells:
        nx, ny = (int(v) for v in cells.lower().split("x"))
        ex = measure(nx, ny, "explicit", a.set)
        st = measure(nx, ny, "steady", a.set)
        diff = np.abs(st["ec"] - ex["ec"]).sum() / ex["ec"].sum()
        print(f"| {nx} x {ny} | explicit | {ex['substeps']:,} | - | {ex['cpu']:.1f} | {ex['t']:.1f} "
              f"| {ex['steady']} | - | 1 |")
        print(f"| {nx} x {ny} | steady | {st['pseudo']:,} | {st['krylov']:,} | {st['cpu']:.1f} | {st['t']:.1f} "
              f"| {st['steady']} | {diff:.1e} | {ex['cpu'] / st['cpu']:.1f} |", flush=True)


if __name__ == "__main__":
    main()
