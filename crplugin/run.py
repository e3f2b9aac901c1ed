"""The run loop: advance a Simulation to ``time.tlim`` (or to a steady state)
with outputs, history, checkpoints, a progress line on rank 0 and a summary."""
import glob
import math
import os
import sys
import time as _time

import numpy as np

from crplugin import io
from crplugin.state import IEC


class Progress:
    """Rank-0 progress line: simulated time, dt, zone-cycles per second."""

    def __init__(self, sim, enabled):
        self.sim = sim
        self.enabled = enabled and sim.decomp.rank == 0
        self.tlim = sim.params["time.tlim"]
        self.last_print = -math.inf
        self.tty = sys.stderr.isatty()

    def update(self, cells, cycles, wall, force=False):
        if not self.enabled:
            return
        now = _time.perf_counter()
        if not force and now - self.last_print < (0.2 if self.tty else 10.0):
            return
        self.last_print = now
        frac = min(1.0, self.sim.time / self.tlim)
        zcs = cells * cycles / max(wall, 1e-9)
        line = (f"[{'#' * int(30 * frac):<30}] {100 * frac:5.1f}%  t={self.sim.time:.5g}  "
                f"dt={self.sim.dt or 0:.3g}  cycle={self.sim.cycle}  {zcs:.3g} zone-cycles/s")
        print(line, end="\r" if self.tty else "\n", file=sys.stderr, flush=True)

    def close(self):
        if self.enabled and self.tty:
            print(file=sys.stderr)


class SteadyState:
    """Detects a steady state: the largest relative change rate of the conserved
    gas variables and the CR energy density, max|q(t) - q(t - T)| / (max|q| T)
    over the check interval T, below tol.

    The CR flux is left out: in the two-moment scheme it is a fast variable that
    relaxes towards its quasi-steady value in ~1/(sigma V_m^2), and where P_c is
    flat (a bottleneck plateau) it jitters at the 1e-4 level around that value
    while the energy density, which is what a steady state is about, has settled.
    """

    def __init__(self, sim):
        self.tol = sim.params["time.steady_tol"]
        self.interval = sim.params["time.steady_interval"]
        self.sim = sim
        self.last_time = sim.time
        self.last = self._snapshot() if self.tol > 0 else None
        self.rate = math.inf

    def _snapshot(self):
        s = self.sim.state
        arrays = [s.u[(slice(None),) + self.sim.block.active]]
        if s.cr is not None:
            arrays.append(s.cr[(slice(IEC, IEC + 1),) + self.sim.block.active])
        return [a.copy() for a in arrays]

    def reached(self):
        if self.tol <= 0 or self.sim.time < self.last_time + self.interval:
            return False
        now = self._snapshot()
        span = self.sim.time - self.last_time
        rate = 0.0
        for old, new in zip(self.last, now):
            for var in range(new.shape[0]):
                scale = self.sim.decomp.max(float(np.abs(new[var]).max()))
                if scale > 0:
                    change = self.sim.decomp.max(float(np.abs(new[var] - old[var]).max()))
                    rate = max(rate, change / (scale * span))
        self.rate = rate
        self.last, self.last_time = now, self.sim.time
        return rate < self.tol


def run(sim, outdir, basename=None, restart=None):
    """Advance ``sim``; write outputs into ``outdir``.

    Returns a summary dict (cells, cycles, wall time, zone-cycles per second,
    floors hit, output files, whether a steady state stopped the run).
    """
    p = sim.params
    basename = basename or getattr(sim.problem, "NAME", "run")
    if sim.decomp.rank == 0:
        os.makedirs(outdir, exist_ok=True)
    sim.decomp.barrier()
    if restart is not None:
        io.read_checkpoint(restart, sim)
        io.truncate_history(os.path.join(outdir, f"{basename}.hst"), sim.time, decomp=sim.decomp)
    tlim, nlim = p["time.tlim"], p["time.nlim"]
    dt_out, dt_hist, dt_chk = p["output.dt"], p["output.dt_history"], p["output.dt_checkpoint"]
    history = os.path.join(outdir, f"{basename}.hst")
    checkpoint = os.path.join(outdir, f"{basename}.chk.h5")
    outputs = []
    if restart is None:
        n_out = 0
    else:  # continue the numbering after the outputs already written
        done = sorted(glob.glob(os.path.join(outdir, f"{basename}.[0-9][0-9][0-9][0-9][0-9].h5")))
        n_out = sim.decomp.bcast(int(done[-1][-8:-3]) + 1 if done else 0)
        if dt_out > 0:
            n_out = max(n_out, int(math.floor(sim.time / dt_out + 1e-9)) + 1)
    next_hist = sim.time + dt_hist if dt_hist > 0 else None
    next_chk = sim.time + dt_chk if dt_chk > 0 else None

    def write_output():
        nonlocal n_out
        path = os.path.join(outdir, f"{basename}.{n_out:05d}.h5")
        io.write_output(path, sim)
        outputs.append(path)
        n_out += 1

    def write_history():
        io.append_history(history, sim.totals(), decomp=sim.decomp)

    if restart is None:
        write_output()
        write_history()
    cells = int(np.prod(sim.grid.shape))
    progress = Progress(sim, p["output.progress"])
    steady = SteadyState(sim)
    start_cycle, start_substeps = sim.cycle, sim.cr_substeps
    wall0 = _time.perf_counter()
    stopped_steady = False
    last_written_time = sim.time
    while sim.time < tlim * (1 - 1e-14) and (nlim < 0 or sim.cycle < nlim):
        dt = min(sim.timestep(), tlim - sim.time)
        if dt_out > 0:
            dt = min(dt, n_out * dt_out - sim.time)
        sim.step(dt)
        if (next_hist is None and sim.cycle % 10 == 0) or (next_hist is not None and sim.time >= next_hist):
            write_history()
            next_hist = next_hist + dt_hist if next_hist is not None else None
        if dt_out > 0 and sim.time >= n_out * dt_out * (1 - 1e-12):
            write_output()
            last_written_time = sim.time
        if next_chk is not None and sim.time >= next_chk:
            io.write_checkpoint(checkpoint, sim)
            next_chk += dt_chk
        progress.update(cells, sim.cycle - start_cycle, _time.perf_counter() - wall0)
        if steady.reached():
            stopped_steady = True
            break
    wall = _time.perf_counter() - wall0
    progress.update(cells, sim.cycle - start_cycle, wall, force=True)
    progress.close()
    if sim.time > last_written_time or not outputs:
        write_output()
    write_history()
    io.write_checkpoint(checkpoint, sim)
    cycles = sim.cycle - start_cycle
    return {"cells": cells, "cycles": cycles, "cr_substeps": sim.cr_substeps - start_substeps, "wall_time": wall, "ranks": sim.decomp.size,
            "zone_cycles_per_second": cells * cycles / wall if wall > 0 else float("nan"),
            "floors_hit": int(sim.decomp.sum(float(getattr(sim.mhd, "floors_hit", 0)))),
            "time": sim.time, "steady_state": stopped_steady, "steady_rate": steady.rate,
            "outputs": outputs, "history": history, "checkpoint": checkpoint}
