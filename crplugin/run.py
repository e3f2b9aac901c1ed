"""The run loop: advance a Simulation to ``time.tlim`` with outputs, history,
checkpoints, a progress bar on rank 0 and a closing summary."""
import math
import os
import sys
import time as _time

from crplugin import io


def _due(t, dt_every, last):
    return dt_every > 0 and t >= last + dt_every * (1 - 1e-12)


class Progress:
    """Rank-0 progress line: simulated time, dt, zone-cycles per second."""

    def __init__(self, sim, enabled):
        self.sim = sim
        self.enabled = enabled and sim.decomp.rank == 0
        self.tlim = sim.params["time.tlim"]
        self.last_print = 0.0
        self.tty = sys.stderr.isatty()

    def update(self, cells, wall):
        if not self.enabled:
            return
        now = _time.perf_counter()
        if now - self.last_print < (0.2 if self.tty else 5.0):
            return
        self.last_print = now
        frac = min(1.0, self.sim.time / self.tlim)
        bar = "#" * int(30 * frac)
        zcs = cells * self.sim.cycle / max(wall, 1e-9)
        line = (f"[{bar:<30}] {100 * frac:5.1f}%  t={self.sim.time:.4g}  dt={self.sim.dt:.3g}  "
                f"cycle={self.sim.cycle}  {zcs:.3g} zone-cycles/s")
        end = "\r" if self.tty else "\n"
        print(line, end=end, file=sys.stderr, flush=True)

    def close(self):
        if self.enabled and self.tty:
            print(file=sys.stderr)


def run(sim, outdir, basename=None, restart=None):
    """Advance ``sim`` to ``time.tlim``; write outputs into ``outdir``.

    Returns a summary dict (cells, cycles, wall time, zone-cycles per second,
    floors hit, list of output files).
    """
    p = sim.params
    basename = basename or getattr(sim.problem, "NAME", "run")
    if sim.decomp.rank == 0:
        os.makedirs(outdir, exist_ok=True)
    sim.decomp.barrier()
    if restart is not None:
        io.read_checkpoint(restart, sim)
    tlim, nlim = p["time.tlim"], p["time.nlim"]
    dt_out, dt_hist, dt_chk = p["output.dt"], p["output.dt_history"], p["output.dt_checkpoint"]
    history = os.path.join(outdir, f"{basename}.hst")
    outputs = []
    n_out = int(round(sim.time / dt_out)) if dt_out > 0 else 0
    last_hist = sim.time if restart is not None else -math.inf
    last_chk = sim.time

    def write_output():
        nonlocal n_out
        path = os.path.join(outdir, f"{basename}.{n_out:05d}.h5")
        io.write_output(path, sim)
        outputs.append(path)
        n_out += 1

    if restart is None:
        write_output()
    cells = int(sim.grid.shape[0] * sim.grid.shape[1] * sim.grid.shape[2])
    progress = Progress(sim, p["output.progress"])
    start_cycle = sim.cycle
    wall0 = _time.perf_counter()
    while sim.time < tlim * (1 - 1e-14) and (nlim < 0 or sim.cycle < nlim):
        dt = sim.timestep()
        targets = [tlim]
        if dt_out > 0:
            targets.append(n_out * dt_out)
        dt = min(dt, min(t for t in targets if t > sim.time) - sim.time)
        sim.step(dt)
        if dt_hist > 0 and _due(sim.time, dt_hist, last_hist) or dt_hist <= 0 and sim.cycle % 10 == 0:
            io.append_history(history, sim.totals(), comm=sim.decomp) if _accepts_comm() else io.append_history(history, sim.totals())
            last_hist = sim.time
        if dt_out > 0 and sim.time >= n_out * dt_out * (1 - 1e-12):
            write_output()
        if _due(sim.time, dt_chk, last_chk):
            io.write_checkpoint(os.path.join(outdir, f"{basename}.chk.h5"), sim)
            last_chk = sim.time
        progress.update(cells, _time.perf_counter() - wall0)
    progress.close()
    wall = _time.perf_counter() - wall0
    if dt_out <= 0 or (outputs and not outputs[-1].endswith(f"{n_out - 1:05d}.h5")) or sim.time > (n_out - 1) * dt_out * (1 + 1e-12):
        write_output()
    io.write_checkpoint(os.path.join(outdir, f"{basename}.chk.h5"), sim)
    cycles = sim.cycle - start_cycle
    floors = int(sim.decomp.sum(float(getattr(sim.mhd, "floors_hit", 0))))
    summary = {"cells": cells, "cycles": cycles, "wall_time": wall, "ranks": sim.decomp.size,
               "zone_cycles_per_second": cells * cycles / wall if wall > 0 else float("nan"),
               "floors_hit": floors, "time": sim.time, "outputs": outputs, "history": history}
    return summary


def _accepts_comm():
    import inspect
    return "comm" in inspect.signature(io.append_history).parameters
