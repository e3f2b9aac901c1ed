"""Throughput of the finite-volume solver in zone-cycles per second.

One zone-cycle is one active cell advanced by one full time step (both VL2
stages, the ghost filling and the CT update included).  Periodic box, a
smooth random-phase state (Mach ~ 0.5, plasma beta ~ 1 for MHD), after one
warm-up step; serial, one process.  Rates are per CPU second
(``time.process_time``), so a loaded machine does not lower them much.

Usage::

    python benchmarks/solver.py                      # 1D 4096, 2D 256^2, 3D 64^3
    python benchmarks/solver.py --only 2d --steps 5
    python benchmarks/solver.py --no-cr              # skip the MHD + CR rows
    python benchmarks/solver.py --only 3d --physics mhd --repeat 3   # the 64^3 MHD row, 3 times

Rows: ``hydro`` (HLLC), ``mhd`` (HLLD, CT) and ``mhd+cr`` (the MHD step
followed by the sub-cycled two-moment CR step of ``crplugin.solver.cr`` with
V_m = 10 and a constant diffusivity; only if that module is present).
"""
import argparse
import time

import numpy as np

from crplugin.boundaries import Boundaries
from crplugin.mesh import Block, Grid
from crplugin.solver.mhd import MHDIntegrator
from crplugin.state import IDN, IEN, IM1, State

SIZES = {"1d": (4096,), "2d": (256, 256), "3d": (64, 64, 64)}


def make_case(shape, mhd, cr):
    ndim = len(shape)
    block = Block(Grid(shape, (0.0,) * ndim, (1.0,) * ndim))
    state = State(block, mhd=mhd, cr=cr)
    x, y, z = block.mesh()
    phase = 2 * np.pi * (x + 0.5 * y + 0.25 * z)
    if mhd:
        for d in range(3):
            state.bf[d][...] = 0.8 + 0.1 * d
        state.update_bcc()
    integ = MHDIntegrator(block, gamma=5.0 / 3.0, mhd=mhd, riemann="hlld" if mhd else "hllc")
    w = np.zeros_like(state.u)
    w[IDN] = 1.0 + 0.2 * np.sin(phase)
    for d in range(3):
        w[IM1 + d] = 0.5 * np.cos(phase + d)
    w[IEN] = 1.0
    integ.conserved(w, state)
    if cr:
        state.cr[0] = 1.0 + 0.1 * np.sin(phase)
    bnd = Boundaries(block, default="periodic")
    bnd.fill(state)
    return block, state, integ, bnd


def bench(shape, mhd, cr, steps):
    block, state, integ, bnd = make_case(shape, mhd, cr)
    cr_step = None
    if cr:
        # ---- MHD + CR: the CR module's integrator, sub-cycled inside its step ----
        from crplugin.solver.cr import CRIntegrator
        cr_integ = CRIntegrator(block, v_m=10.0)
        coeffs = {"kappa_par": 0.01, "kappa_perp": 0.0, "stream_speed": 0.0}

        def cr_step(dt):
            cr_integ.step(state, dt, coeffs, bnd.fill)

    def one_step():
        dt = integ.timestep(state)
        integ.step(state, dt, bnd.fill)
        if cr_step is not None:
            cr_step(dt)
        bnd.fill(state)

    one_step()  # warm-up
    t0 = time.process_time()   # CPU time: the machine is shared, wall time is noise
    for _ in range(steps):
        one_step()
    elapsed = time.process_time() - t0
    return int(np.prod(block.n)) * steps / elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=sorted(SIZES), action="append")
    parser.add_argument("--steps", type=int, default=None, help="timed steps (default: 200 / 10 / 3 in 1D/2D/3D)")
    parser.add_argument("--no-cr", action="store_true")
    parser.add_argument("--physics", choices=("hydro", "mhd", "mhd+cr"), action="append",
                        help="rows to run (default: all)")
    parser.add_argument("--repeat", type=int, default=1, help="repeat each row and print every rate")
    args = parser.parse_args()
    try:
        import crplugin.solver.cr  # noqa: F401
        have_cr = not args.no_cr
    except ImportError:
        have_cr = False
    default_steps = {"1d": 200, "2d": 10, "3d": 3}
    print(f"{'case':>6} {'cells':>12} {'physics':>8} {'zone-cycles/s':>14}")
    for name in args.only or sorted(SIZES):
        shape = SIZES[name]
        steps = args.steps or default_steps[name]
        rows = [("hydro", False, False), ("mhd", True, False)]
        if have_cr:
            rows.append(("mhd+cr", True, True))
        for label, mhd, cr in rows:
            if args.physics and label not in args.physics:
                continue
            for _ in range(args.repeat):
                rate = bench(shape, mhd, cr, steps)
                print(f"{name:>6} {'x'.join(map(str, shape)):>12} {label:>8} {rate:14.3e}", flush=True)


if __name__ == "__main__":
    main()
