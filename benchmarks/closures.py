"""Throughput of the compiled closure drivers, against the machine's memory bandwidth.

For every public closure of ``crplugin.closures`` (found by the ``.args`` /
``.driver`` attributes that ``crplugin.closures._wrap.closure`` sets, so new
closures are included automatically), the compiled array driver
``<name>_array(in_1, ..., in_k, out)`` is timed on N cells (best of a few
repeats, after one warm-up call), with valid inputs built from each
argument's ``Arg`` spec.

Reference: a numpy copy (``np.copyto``) of (k + 1) N / 2 doubles moves the
same (k + 1) N * 8 bytes (read + write) as the closure (k inputs read, one
output written).  ``ratio`` = closure time / copy time: close to 1 means the
closure runs at memory speed (the arithmetic is hidden behind the loads);
much more than 1 means it is compute bound.

Usage::

    python benchmarks/closures.py                    # N = 1e6 and 1e7, all closures
    python benchmarks/closures.py --n 1e6 --repeat 5 --only alfven_speed

The wrapper's validation and broadcasting are not timed: they are numpy
passes over the inputs that a solver calling the driver directly avoids.
"""
import argparse
import math
import time

import numpy as np

import crplugin.closures as closures

# Physically typical magnitudes (cgs) by unit, so that the timed inputs take
# the branches and exponent ranges of real use (no denormals, no overflow).
_TYPICAL = {"G": 1e-6, "g/cm**3": 1e-26, "cm**-3": 1e-2, "1/cm**3": 1e-2, "K": 1e6,
            "cm/s": 1e7, "dyn/cm**2": 1e-13, "erg/cm**3": 1e-13, "s": 1e13, "cm": 3e21,
            "1/s": 1e-10, "erg": 1.6e-3, "cm**2/s": 3e28, "erg/(cm**3*s)": 1e-26,
            "erg/cm**3/s": 1e-26}


def public_closures():
    """``{name: closure}`` for every public closure of ``crplugin.closures``."""
    return {name: obj for name, obj in sorted(vars(closures).items())
            if not name.startswith("_") and callable(obj)
            and hasattr(obj, "args") and hasattr(obj, "driver")}


def _block(spec, rng, size):
    """``size`` valid values for an argument with Arg ``spec`` (strictly inside its range)."""
    lo, hi = spec.bounds if spec.bounds is not None else (-math.inf, math.inf)
    if spec.positive or spec.nonnegative:
        lo = max(lo, 0.0)
    t = _TYPICAL.get(spec.units.replace(" ", ""), 0.5 if not spec.units else 1.0)
    f = rng.uniform(0.5, 2.0, size)
    if math.isfinite(lo) and math.isfinite(hi):
        return lo + (hi - lo) * rng.uniform(0.1, 0.9, size)
    if math.isfinite(lo):
        return lo + t * f
    if math.isfinite(hi):
        return hi - t * f
    return t * f * rng.choice([-1.0, 1.0], size)


_arena = np.empty(0)


def _reserve(n_doubles):
    """One arena for every buffer, allocated and touched once (no page faults while timing)."""
    global _arena
    if _arena.size < n_doubles:
        _arena = np.empty(n_doubles)
        _arena.fill(0.0)


def _buffer(i, n):
    """The i-th contiguous buffer of length n carved out of the arena."""
    return _arena[i * n:(i + 1) * n]


def make_inputs(func, n, rng, first_buffer=1):
    """Contiguous float64 inputs of length n (a random block of up to 65536 values, tiled)."""
    arrays = []
    for j, spec in enumerate(func.args.values()):
        block = _block(spec, rng, min(n, 65536))
        buf = _buffer(first_buffer + j, n)
        reps = n // block.size
        buf[:reps * block.size].reshape(reps, block.size)[:] = block
        buf[reps * block.size:] = block[:n - reps * block.size]
        arrays.append(buf)
    return arrays


def best_time(call, repeat):
    call()  # warm-up: page faults, caches
    best = math.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - t0)
    return best


_copy_cache = {}


def copy_time(n_doubles, repeat):
    """Best time of np.copyto over n_doubles doubles (cached per size)."""
    if n_doubles not in _copy_cache:
        src, dst = _buffer(0, n_doubles), _buffer(1, n_doubles)
        src[:] = 1.0
        _copy_cache[n_doubles] = best_time(lambda: np.copyto(dst, src), repeat)
    return _copy_cache[n_doubles]


def run(sizes, repeat, only=None, budget=1.5):
    funcs = public_closures()
    if only:
        missing = set(only) - set(funcs)
        if missing:
            raise SystemExit(f"unknown closure(s) {sorted(missing)}; available: {', '.join(funcs)}")
        funcs = {k: v for k, v in funcs.items() if k in only}
    rng = np.random.default_rng(12345)
    kmax = max((len(f.args) for f in funcs.values()), default=1)
    _reserve((kmax + 2) * max(sizes))
    header = (f"{'closure':<34} {'k':>2} {'N':>8} {'Mcell/s':>9} {'ns/cell':>8} "
              f"{'GB/s':>7} {'copy GB/s':>9} {'ratio':>6}")
    print(header)
    print("-" * len(header))
    for name, func in funcs.items():
        k = len(func.args)
        # a pilot run estimates the cost per cell: 10^3 cells, 10^4 if that was too quick to time
        for n_pilot in (1_000, 10_000):
            pilot = [a.copy() for a in make_inputs(func, n_pilot, rng)]
            out = np.empty(n_pilot)
            t_pilot = best_time(lambda: func.driver(*pilot, out), 1) / n_pilot
            if t_pilot * n_pilot > 1e-3:
                break
        for n in sizes:
            if t_pilot * n * (repeat + 1) > budget:
                print(f"{name:<34} {k:>2} {n:>8.0e} {1e-6 / t_pilot:>9.3g} {t_pilot * 1e9:>8.0f}"
                      f"   (pilot on {n_pilot:.0e} cells; skipped: {t_pilot * n:.1f} s per call, see --budget)")
                continue
            t_copy = copy_time((k + 1) * n // 2, repeat)
            inputs = make_inputs(func, n, rng)
            out = _buffer(0, n)
            t = best_time(lambda: func.driver(*inputs, out), repeat)
            nbytes = (k + 1) * n * 8
            print(f"{name:<34} {k:>2} {n:>8.0e} {n / t / 1e6:>9.1f} {t / n * 1e9:>8.2f} "
                  f"{nbytes / t / 1e9:>7.2f} {nbytes / t_copy / 1e9:>9.2f} {t / t_copy:>6.2f}")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=float, action="append",
                   help="number of cells (repeatable; default 1e6 and 1e7)")
    p.add_argument("--repeat", type=int, default=3, help="timed repeats, best kept (default 3)")
    p.add_argument("--only", action="append", metavar="NAME",
                   help="benchmark only this closure (repeatable)")
    p.add_argument("--budget", type=float, default=1.5,
                   help="skip a size whose timed calls would take longer than this in all [s] "
                        "(default 1.5)")
    args = p.parse_args(argv)
    sizes = [int(n) for n in (args.n or [1e6, 1e7])]
    print(f"crplugin closure drivers, best of {args.repeat}; ratio = closure time / numpy copy "
          f"of the same bytes")
    run(sizes, args.repeat, args.only, args.budget)


if __name__ == "__main__":
    main()
