"""CPU cost of the CR shock rule per cell: detector + partition + invariant sync, and a whole cycle.

    python benchmarks/cr_shock_cost.py [nx]

Runs the default CR shock tube to t = 0.1 with ``cr.adiabatic_shocks`` on and
off (the invariant is advected in both: the composite sound speed of the MHD
Riemann solvers needs it) and times the rule's kernels alone on the final state.
"""
import sys
import time

from crplugin import problems
from crplugin.simulation import Simulation, make_parameters


def tube(n, on):
    prob = problems.load("shock_tube")
    params = make_parameters(prob, problems.input_file("shock_tube"), [
        "problem.kind=cr", "mhd.gamma=1.6666666666666667", "cr.enabled=true", f"mesh.nx={n}",
        "cr.v_max=50", "time.tlim=0.1", f"cr.adiabatic_shocks={on}"])
    sim = Simulation(params, prob)
    cpu = time.process_time()
    while sim.time < 0.1 * (1 - 1e-14):
        sim.step(min(sim.timestep(), 0.1 - sim.time))
    return sim, time.process_time() - cpu


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1600
    rows = {}
    for on in (False, True):
        sim, cpu = tube(n, on)
        rows[on] = (cpu, sim.cycle)
        print(f"adiabatic_shocks={on}: {cpu:.2f} s CPU, {sim.cycle} cycles, "
              f"{1e6 * cpu / (n * sim.cycle):.2f} us per cell and cycle")
    rule, kappa = sim.shock_rule, sim.cr.effective_diffusivity()
    reps = 2000
    cpu = time.process_time()
    for _ in range(reps):
        rule.detect(sim.state, kappa)
        rule.sync(sim.state)
    dt = time.process_time() - cpu
    print(f"detector + invariant sync alone: {1e9 * dt / (reps * n):.1f} ns per cell and cycle")
    extra = (rows[True][0] / rows[True][1] - rows[False][0] / rows[False][1]) / n
    print(f"rule on - off: {1e9 * extra:.0f} ns per cell and cycle (includes one more ghost fill)")


if __name__ == "__main__":
    main()
