"""CR shock tubes against the exact two-fluid solution: errors and cost per cell.

    python benchmarks/cr_shocktube.py [--energy-form] [--nx 200,400,800,1600] [--strong]

Runs ``shock_tube problem.kind=cr`` (default states, or Pfrommer et al. 2006's
strong shock with ``--strong``) and prints L1rel(rho), L1rel(P_c), the
post-shock P_c and rho plateau errors, and the CPU time per cell and cycle.
``--energy-form`` switches off the adiabatic shock rule (cr.adiabatic_shocks=false).
"""
import argparse
import time

import numpy as np

from crplugin import problems
from crplugin.simulation import Simulation, make_parameters
from crplugin.problems import _cr_riemann
from crplugin.problems.shock_tube import CR_STRONG, cr_errors, odd_even

# default states: waves within |xi| < 2.6, v_max = 50; strong: |xi| < 600 -> same box at t/233
SETUPS = {
    "default": ([], 0.2, 50.0),
    "strong": ([f"problem.{k}={v}" for k, v in CR_STRONG.items()], 0.2 * 2.55 / 594.0, 50.0 * 594.0 / 2.55),
}


def run(n, setup="default", adiabatic_shocks=True, overrides=()):
    extra, tlim, vmax = SETUPS[setup]
    prob = problems.load("shock_tube")
    params = make_parameters(prob, problems.input_file("shock_tube"), [
        "problem.kind=cr", "mhd.gamma=1.6666666666666667", "cr.enabled=true", f"mesh.nx={n}",
        f"cr.v_max={vmax}", f"time.tlim={tlim}", f"cr.adiabatic_shocks={adiabatic_shocks}"] + extra + list(overrides))
    sim = Simulation(params, prob)
    cpu0 = time.process_time()
    while sim.time < tlim * (1 - 1e-14):
        sim.step(min(sim.timestep(), tlim - sim.time))
    cpu = time.process_time() - cpu0
    f = sim.output_fields()
    x = sim.block.centres(0)[sim.block.active[2]]
    got = {"rho": f["density"][0][0, 0], "v": f["velocity_x"][0][0, 0], "pg": f["pressure"][0][0, 0],
           "pc": f["cr_energy_density"][0][0, 0] / 3.0}
    p = params.section("problem")
    sol = _cr_riemann.CRRiemann((p["rho_l"], 0.0, p["p_l"], p["pc_l"]), (p["rho_r"], 0.0, p["p_r"], p["pc_r"]))
    return x / sim.time, got, sol, cpu, sim.cycle, sim.cr_substeps


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--energy-form", action="store_true")
    ap.add_argument("--strong", action="store_true")
    ap.add_argument("--nx", default="200,400,800,1600")
    ap.add_argument("overrides", nargs="*", help="section.key=value parameter overrides")
    a = ap.parse_args()
    setup = "strong" if a.strong else "default"
    print(f"# {setup} states, adiabatic_shocks={not a.energy_form} {' '.join(a.overrides)}")
    print("| cells | L1rel(rho) | L1rel(P_c) | P_c plateau | rho plateau | max odd-even P_c (contact) | CPU s | CPU us/cell/substep |")
    print("|---|---|---|---|---|---|---|---|")
    for n in (int(v) for v in a.nx.split(",")):
        xi, got, sol, cpu, cycles, nsub = run(n, setup, not a.energy_form, a.overrides)
        e = cr_errors(xi, got, sol)
        osc = odd_even(xi, got["pc"], sol)
        print(f"| {n} | {e['L1rel_rho']:.2e} | {e['L1rel_pc']:.2e} | {100 * e['pc_plateau']:+.2f} % | "
              f"{100 * e['rho_plateau']:+.2f} % | {osc:.1e} | {cpu:.1f} | {1e6 * cpu / (n * nsub):.3f} |", flush=True)


if __name__ == "__main__":
    main()
