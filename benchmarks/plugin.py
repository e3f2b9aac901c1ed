"""Cost of running crplugin's CR step on a host's arrays (crplugin.plugin.HostAdapter).

A pyro-like host state ``U[i, j, var]`` with 4 ghost cells on an N^2 periodic
box with a CR blob and a uniform field; ``adapter.cr_step`` = copy in
(``load``: views, transposes, ghost fill) + crplugin's CR step (transport
sub-cycled at V_m, then the source terms' ``apply``) + copy back.  Prints the
CPU time (``time.process_time``) per call of the whole step and of the
host <-> crplugin copies alone, so the adapter's overhead is visible.

Usage::

    python benchmarks/plugin.py            # N = 64, 128
    python benchmarks/plugin.py --n 256 --steps 3
"""
import argparse
import time

import numpy as np

from crplugin.plugin import HostAdapter


def host(n, ng=4):
    adapter = HostAdapter("ijv", ng, (0.0, 0.0), (1.0, 1.0), (n, n),
                          {"density": 0, "momentum_x": 1, "momentum_y": 2, "energy": 3},
                          sources=("streaming", "cr_diagnostics", "pa_heating"),
                          params={"cr.v_max": 20.0}, energy_includes_magnetic=False)
    x = (np.arange(n + 2 * ng) - ng + 0.5) / n
    r2 = (x[:, None] - 0.5) ** 2 + (x[None, :] - 0.5) ** 2
    U = np.zeros((n + 2 * ng, n + 2 * ng, 4))
    U[..., 0] = 1.0
    U[..., 3] = 1.5
    cr = adapter.cr_zeros()
    cr[..., 0] = 0.05 + np.exp(-r2 / 0.02)
    return adapter, U, cr


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, nargs="*", default=[64, 128])
    ap.add_argument("--steps", type=int, default=5)
    args = ap.parse_args()
    b = (0.3, 0.0, 0.0)
    print(f"{'N':>5} {'cr_step [s CPU]':>16} {'sub-steps':>9} {'copies [s CPU]':>15} {'copies/step':>11}")
    for n in args.n:
        adapter, U, cr = host(n)
        dt = 0.4 / n  # a hydro CFL step for sound speed ~ 1
        adapter.cr_step(U, cr, dt, b)  # warm-up
        t0 = time.process_time()
        for _ in range(args.steps):
            diag = adapter.cr_step(U, cr, dt, b)
        t_step = (time.process_time() - t0) / args.steps
        t0 = time.process_time()
        for _ in range(args.steps):
            adapter.load(U, cr, b)
        t_copy = (time.process_time() - t0) / args.steps
        print(f"{n:>5} {t_step:>16.4f} {diag['nsub']:>9d} {t_copy:>15.5f} {t_copy / t_step:>11.1%}")


if __name__ == "__main__":
    main()
