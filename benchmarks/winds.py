"""Cost and accuracy of the wind problems.

* ``parker``: the isothermal Parker wind of ``galactic_wind`` (no CRs, point
  mass GM = 2, c = 0.5), 256 log-spaced cells, started on the exact solution,
  to t = 60: cycles, CPU, wall, Mdot error and Mdot(r) flatness;
* ``locked``: CRs locked to the gas (P_c0 = 0.1), 128/256 cells, to t = 30;
* ``disk``: ``disk_wind`` with its defaults (8 x 8 x 48 cells, 40 Myr) on 1
  and 4 ranks: mass loading, CR power out, CPU (summed over ranks), wall.

CPU time is ``time.process_time`` of the run (serial) or the children's
user + sys (MPI runs); on a shared machine compare CPU, not wall.

Usage::

    python benchmarks/winds.py                 # everything
    python benchmarks/winds.py parker locked   # some cases
"""
import os
import resource
import subprocess
import sys
import tempfile
import time

from crplugin import problems
from crplugin.simulation import make_parameters

PARKER = ["cr.enabled=false", "gravity.potential=point_mass", "gravity.gm=2", "sources.enabled=gravity",
          "mhd.magnetic=false", "problem.init=steady_solution", "time.steady_tol=0", "time.tlim=60",
          "output.dt=10"]
LOCKED = ["sources.enabled=gravity", "gravity.potential=point_mass", "gravity.gm=2", "problem.p_c0=0.1",
          "mhd.magnetic=false", "problem.init=steady_solution", "time.steady_tol=0", "time.tlim=30",
          "output.dt=5"]


def run(problem, overrides, ranks=1):
    out = tempfile.mkdtemp(prefix=f"{problem}-")
    cmd = [sys.executable, "-m", "crplugin", "run", problem, "-o", out, "--no-analysis",
           "output.progress=false"] + overrides + (["-n", str(ranks)] if ranks > 1 else [])
    env = dict(os.environ, OMP_NUM_THREADS="1")
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if res.returncode != 0:
        raise SystemExit(res.stderr)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    prob = problems.load(problem)
    params = make_parameters(prob, problems.input_file(problem), overrides)
    return prob.analyse(out, params), cpu, wall, res.stdout.splitlines()[0]


def main(cases):
    if "parker" in cases:
        r, cpu, wall, line = run("galactic_wind", PARKER)
        print(f"parker 256: Mdot error {r['mdot_error']:+.2%}, flatness {r['mdot_flatness']:.2%}, "
              f"v error {r['v_max_rel_error']:.2%}; CPU {cpu:.1f} s, wall {wall:.1f} s\n  {line}")
    if "locked" in cases:
        for n in (128, 256):
            r, cpu, wall, line = run("galactic_wind", LOCKED + [f"mesh.nx={n}"])
            print(f"locked {n}: Mdot error {r['mdot_error']:+.2%}, P_c-rho exponent "
                  f"{r['pc_rho_exponent']:.3f}; CPU {cpu:.1f} s, wall {wall:.1f} s\n  {line}")
    if "disk" in cases:
        for ranks in (1, 4):
            r, cpu, wall, line = run("disk_wind", [], ranks)
            print(f"disk_wind {ranks} rank(s): mass loading {r['mass_loading']:.3g}, CR power out "
                  f"{r['cr_power_out_fraction']:.3g}; CPU {cpu:.1f} s, wall {wall:.1f} s\n  {line}")


if __name__ == "__main__":
    main(sys.argv[1:] or ["parker", "locked", "disk"])
