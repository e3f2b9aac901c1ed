"""The run loop: advance a Simulation to ``time.tlim`` (or to a steady state)
with outputs, history, checkpoints, a progress line on rank 0 and a summary.

A restart continues bit for bit: the checkpoint holds, besides the state,
everything that decides the future of the run -- the output schedule and its
counters (:class:`Schedule`), the steady-state detector (:class:`SteadyState`)
and what the simulation and its source terms keep between cycles
(``Simulation.checkpoint_extra``).  A restart with other physics parameters
than the checkpoint's is refused unless the differing keys are allowed
explicitly (``allow_changed``).

SIGINT and SIGTERM do not kill the run in the middle of a step: the current
cycle ends, every rank agrees to stop, a last checkpoint is written and the
summary says where the run stopped (``stop_reason``).
"""
import json
import math
import os
import signal
import sys
import threading
import time as _time

import numpy as np

from crplugin import io
from crplugin.state import IEC

# parameters that do not change the evolution: a restart may change them freely
# (time.nlim only decides where a run stops; it never shortens a step)
FREE_ON_RESTART = frozenset(("time.nlim", "output.progress"))

# bytes per cell (ghosts included) of a run at its peak, measured with tracemalloc on a 32^3
# MHD + CR blob with five source terms, two cycles and an output: 1013 B; 20 % margin
BYTES_PER_CELL = 1200


class RestartError(ValueError):
    """A checkpoint cannot be used to continue this run (different physics, already finished)."""


class Stopped(Exception):
    """The run ended early on a signal; ``summary`` says where and the checkpoint to restart from."""

    def __init__(self, summary):
        self.summary = summary
        super().__init__(summary["stop_reason"])


def check_memory(params, nranks, ranks_per_node=None):
    """Refuse a grid that cannot fit in this machine's memory, before anything is allocated.

    The estimate is ``BYTES_PER_CELL`` per cell (ghosts included) for the
    ranks that share this node; the memory available is the kernel's
    ``MemAvailable``.  Raises a ParameterError naming the ``mesh.n*``
    parameters.
    """
    from crplugin.params import ParameterError
    n = [params[f"mesh.n{a}"] for a in "xyz"]
    padded = np.prod([v + 4 if v > 1 else 1 for v in n], dtype=float)
    need = BYTES_PER_CELL * padded * (ranks_per_node or nranks) / nranks + 0.0
    need_all = BYTES_PER_CELL * padded
    avail = _available_memory()
    if avail is not None and need > avail:
        here = f" ({_bytes(need)} on this node)" if need < need_all else ""
        raise ParameterError(
            f"mesh.nx x mesh.ny x mesh.nz = {n[0]} x {n[1]} x {n[2]} cells need about "
            f"{_bytes(need_all)}{here}, more than the {_bytes(avail)} available: use fewer cells "
            f"or more nodes")


def _available_memory():
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _bytes(n):
    for unit in ("B", "kB", "MB", "GB", "TB", "PB"):
        if n < 1000:
            return f"{n:.3g} {unit}"
        n /= 1000
    return f"{n:.3g} EB"


class Progress:
    """Rank-0 progress line: simulated time, dt, cycles, zone-cycles and zone-substeps per second.

    A zone-substep is one cell advanced by one CR sub-step: with CRs it is the
    solver's real unit of work (hundreds of sub-steps per MHD cycle at a reduced
    speed of light far above the gas speeds).
    """

    def __init__(self, sim, enabled):
        self.sim = sim
        self.enabled = enabled and sim.decomp.rank == 0
        self.tlim = sim.params["time.tlim"]
        self.last_print = -math.inf
        self.tty = sys.stderr.isatty() or os.environ.get("CRPLUGIN_TTY") == "1"
        self.printed = False

    def update(self, cells, cycles, substeps, wall, force=False, done=None):
        if not self.enabled:
            return
        now = _time.perf_counter()
        if not force and now - self.last_print < (0.2 if self.tty else 10.0):
            return
        self.last_print = now
        frac = 1.0 if done else min(1.0, self.sim.time / self.tlim)
        rate = cells * cycles / max(wall, 1e-9)
        line = (f"[{'#' * int(30 * frac):<30}] {100 * frac:5.1f}%  t={self.sim.time:.5g}  "
                f"dt={self.sim.dt or 0:.3g}  cycle={self.sim.cycle}  {rate:.3g} zone-cycles/s")
        if substeps:
            line += f"  {cells * substeps / max(wall, 1e-9):.3g} zone-substeps/s"
        if done:
            line += f"  ({done})"
        print(line, end="\r" if self.tty else "\n", file=sys.stderr, flush=True)
        self.printed = True

    def close(self):
        if self.enabled and self.tty and self.printed:
            print(file=sys.stderr)


class SteadyState:
    """Detects a steady state: the largest relative change rate of the conserved
    gas variables and the CR energy density, max|q(t) - q(t - T)| / (max|q| T)
    over the check interval T, below tol, once the run has been seen to change
    (a check above tol before), or else in two checks in a row.

    A quiet first interval alone is not enough: a first step longer than the
    interval can pass with nothing changing although the run has not started (a
    time-dependent boundary evaluated at the start of a long step, e.g. an inflow
    ramp shorter than the step on frozen gas), and would otherwise be reported as
    steady.  A run that starts steady stops at its second check.

    The CR flux is left out: in the two-moment scheme it is a fast variable that
    relaxes towards its quasi-steady value in ~1/(sigma V_m^2), and where P_c is
    flat (a bottleneck plateau) it jitters at the 1e-4 level around that value
    while the energy density, which is what a steady state is about, has settled.

    Its state (the last snapshot and its time) goes into checkpoints: a
    restarted run checks at the same times against the same snapshots.
    """

    def __init__(self, sim):
        self.tol = sim.params["time.steady_tol"]
        self.interval = sim.params["time.steady_interval"]
        self.sim = sim
        self.last_time = sim.time
        self.last = self._snapshot() if self.tol > 0 else None
        self.rate = math.inf
        self.quiet = 0          # checks in a row with the rate below tol
        self.changed = False    # a check with the rate at or above tol has been seen

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
        if rate < self.tol:
            self.quiet += 1
        else:
            self.quiet, self.changed = 0, True
        return self.quiet >= 1 and (self.changed or self.quiet >= 2)

    def state(self):
        snap = {str(i): a for i, a in enumerate(self.last or [])}
        return {"last_time": float(self.last_time), "rate": float(self.rate), "quiet": int(self.quiet),
                "changed": bool(self.changed), "snapshot": snap}

    def restore(self, st):
        self.last_time, self.rate = float(st["last_time"]), float(st["rate"])
        self.quiet = int(st.get("quiet", 0))
        self.changed = bool(st.get("changed", True))   # older checkpoints: a run under way
        if self.tol > 0:
            snap = st["snapshot"]
            if not snap:  # written by a run without a detector: start one now
                self.last, self.last_time = self._snapshot(), self.sim.time
            else:
                self.last = [np.asarray(snap[str(i)]) for i in range(len(snap))]


class Schedule:
    """When the next output, history row and checkpoint are due, and their numbers.

    ``n_out`` is the number of the next scheduled output (written at
    ``n_out * output.dt``: steps are shortened to land there), ``n_chk`` the
    number of the next checkpoint.  All of it is checkpointed.
    """

    def __init__(self, params, time):
        self.dt_out, self.dt_hist, self.dt_chk = (params["output.dt"], params["output.dt_history"],
                                                  params["output.dt_checkpoint"])
        self.n_out = 0
        self.n_chk = 0
        self.next_hist = time + self.dt_hist if self.dt_hist > 0 else None
        self.next_chk = time + self.dt_chk if self.dt_chk > 0 else None

    def limit(self, dt, time):
        """The step shortened to land on the next output time."""
        return min(dt, self.n_out * self.dt_out - time) if self.dt_out > 0 else dt

    def output_due(self, time):
        return self.dt_out > 0 and time >= self.n_out * self.dt_out * (1 - 1e-12)

    def history_due(self, time, cycle):
        if self.next_hist is None:
            return cycle % 10 == 0
        if time >= self.next_hist:
            self.next_hist += self.dt_hist
            return True
        return False

    def checkpoint_due(self, time):
        if self.next_chk is not None and time >= self.next_chk:
            self.next_chk += self.dt_chk
            return True
        return False

    def state(self):
        return {"n_out": self.n_out, "n_chk": self.n_chk,
                "next_hist": -1.0 if self.next_hist is None else float(self.next_hist),
                "next_chk": -1.0 if self.next_chk is None else float(self.next_chk)}

    def restore(self, st):
        self.n_out, self.n_chk = int(st["n_out"]), int(st["n_chk"])
        self.next_hist = None if self.dt_hist <= 0 else float(st["next_hist"])
        self.next_chk = None if self.dt_chk <= 0 else float(st["next_chk"])


class StopRequest:
    """SIGINT/SIGTERM (and, under the ``crplugin -n`` launcher, its death) ask the run to stop.

    The handler only records the request; the run loop stops at the end of
    the cycle, once all ranks agree, and writes a last checkpoint.  A second
    signal stops at once (KeyboardInterrupt), without a checkpoint.  The
    launcher forwards Ctrl-C as SIGUSR1 (MPICH's mpiexec announces a
    forwarded SIGINT with two lines of its own; it forwards SIGUSR1 silently).
    """

    NAMES = {signal.SIGINT: "SIGINT (Ctrl-C)", signal.SIGTERM: "SIGTERM",
             signal.SIGUSR1: "SIGINT (Ctrl-C)"}

    def __init__(self):
        self.reason = None
        self._old = {}
        self._watch = None

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            for sig in self.NAMES:
                self._old[sig] = signal.signal(sig, self._handle)
        launcher = os.environ.get("CRPLUGIN_LAUNCHER_PID")
        if launcher:
            self._watch = threading.Thread(target=self._watch_launcher, args=(int(launcher),),
                                           daemon=True)
            self._watch.start()
        return self

    def __exit__(self, *exc):
        for sig, old in self._old.items():
            signal.signal(sig, old)
        self._old = {}
        return False

    def _handle(self, signum, frame):
        if self.reason is not None:
            raise KeyboardInterrupt
        self.reason = self.NAMES.get(signum, signal.Signals(signum).name)

    def _watch_launcher(self, pid):
        """Stop (as on SIGTERM) when the launcher or this rank's parent is gone."""
        parent = os.getppid()
        while self.reason is None:
            _time.sleep(0.5)
            if os.getppid() != parent or not _alive(pid):
                self.reason = "the launcher ended"
                return


def _alive(pid):
    """True if ``pid`` runs (a zombie, killed but not yet reaped, counts as ended)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


def _plain_params(params):
    return json.loads(json.dumps({str(k): io._plain(v) for k, v in dict(params).items()}, default=repr))


def check_restart(path, params, allow_changed=()):
    """Refuse a restart from ``path`` whose parameters differ from ``params`` (except
    ``allow_changed`` and :data:`FREE_ON_RESTART`), or that has nothing left to do."""
    time, cycle, stored = io.checkpoint_info(path)
    mine = _plain_params(params)
    allowed = set(allow_changed) | FREE_ON_RESTART
    unknown = sorted(set(allow_changed) - set(mine))
    if unknown:
        raise RestartError(f"--allow-changed: unknown parameter(s) {', '.join(unknown)}")
    missing = object()
    diff = [k for k in sorted(set(stored) | set(mine))
            if stored.get(k, missing) != mine.get(k, missing) and k not in allowed]
    if diff:
        shown = "; ".join(f"{k} = {stored.get(k, '(absent)')!r} in the checkpoint, "
                          f"{mine.get(k, '(absent)')!r} now" for k in diff)
        raise RestartError(f"{path} was written with other parameters: {shown}; restart with the "
                           f"checkpoint's values or allow the change with --allow-changed "
                           f"{','.join(diff)}")
    tlim, nlim = params["time.tlim"], params["time.nlim"]
    if time >= tlim * (1 - 1e-14) or 0 <= nlim <= cycle:
        limit = f"time.tlim = {tlim:g}" if time >= tlim * (1 - 1e-14) else f"time.nlim = {nlim}"
        raise RestartError(f"{path} is at t = {time:.6g} (cycle {cycle}), already at {limit}: "
                           f"nothing to do (raise it{'' if 'nlim' in limit else ' and add --allow-changed time.tlim'})")


def _rank0(decomp, fn):
    """Run ``fn`` on rank 0 and give its result (or its OutputError/RestartError) to every rank."""
    result, error = None, None
    if decomp.rank == 0:
        try:
            result = fn()
        except (io.OutputError, RestartError, OSError) as exc:
            error = exc
    if decomp.size > 1:
        result, failed = decomp.bcast((result, error is not None and str(error)))
        if failed and decomp.rank != 0:
            raise io.PeerError(failed)
    if error is not None:
        raise error
    return result


def run(sim, outdir, basename=None, restart=None, allow_changed=()):
    """Advance ``sim``; write outputs into ``outdir``.

    Returns a summary dict (cells, cycles, CR sub-steps, wall time,
    zone-cycles and zone-substeps per second, floors hit, output files, the
    last checkpoint, ``stop_reason``: ``"end time"``, ``"steady state"``,
    ``"cycle limit"``).  On SIGINT/SIGTERM raises :class:`Stopped` (its
    ``summary`` names the last checkpoint).  Raises :class:`RestartError` if
    ``restart`` was written with other parameters (other than
    ``allow_changed``) or is already at ``time.tlim`` / ``time.nlim``.
    """
    p = sim.params
    decomp = sim.decomp
    basename = basename or getattr(sim.problem, "NAME", "run")

    if restart is not None:  # refused before anything is written
        _rank0(decomp, lambda: check_restart(restart, p, allow_changed))

    def setup_folder():
        io.prepare_folder(outdir)
        return io.remove_leftovers(outdir)
    leftovers = _rank0(decomp, setup_folder)
    if leftovers and decomp.rank == 0:
        print(f"crplugin: removed {len(leftovers)} temporary file(s) left in {outdir} by an interrupted "
              f"run: {', '.join(leftovers)}", file=sys.stderr)
    tlim, nlim = p["time.tlim"], p["time.nlim"]
    history = os.path.join(outdir, f"{basename}.hst")
    schedule = Schedule(p, sim.time)
    run_state = None
    if restart is not None:
        _, run_state = io.read_checkpoint(restart, sim, with_run_state=True)
        _rank0(decomp, lambda: io.truncate_history(history, sim.time))
        if run_state is not None:
            schedule.restore(run_state["schedule"])
        else:  # a checkpoint of an older crplugin: next output after the checkpoint time
            if schedule.dt_out > 0:
                schedule.n_out = int(math.floor(sim.time / schedule.dt_out + 1e-9)) + 1
    outputs = []

    def write_output(scheduled):
        path = io.output_path(outdir, basename, schedule.n_out)
        io.write_output(path, sim)
        outputs.append(path)
        if scheduled:
            schedule.n_out += 1

    def write_history():
        io.append_history(history, sim.totals(), decomp=decomp)

    steady = SteadyState(sim)
    if run_state is not None:
        steady.restore(run_state["steady"])

    def write_checkpoint():
        path = io.checkpoint_path(outdir, basename, schedule.n_chk)
        schedule.n_chk += 1
        io.write_checkpoint(path, sim, run_state={"schedule": schedule.state(), "steady": steady.state()})
        return path

    if restart is None:
        write_output(scheduled=True)
        write_history()
    cells = int(np.prod(sim.grid.shape))
    progress = Progress(sim, p["output.progress"])
    start_cycle, start_substeps = sim.cycle, sim.cr_substeps
    wall0 = _time.perf_counter()
    reason = None
    last_written_time = sim.time if restart is None else -math.inf
    checkpoint = restart
    with StopRequest() as stop:
        while reason is None:
            if sim.time >= tlim * (1 - 1e-14):
                reason = "end time"
                break
            if 0 <= nlim <= sim.cycle:
                reason = "cycle limit"
                break
            dt = schedule.limit(min(sim.timestep(), tlim - sim.time), sim.time)
            sim.step(dt)
            if schedule.history_due(sim.time, sim.cycle):
                write_history()
            if schedule.output_due(sim.time):
                write_output(scheduled=True)
                last_written_time = sim.time
            if steady.reached():
                reason = "steady state"
            # after the steady-state check: a checkpoint holds the detector as the next cycle sees it
            if schedule.checkpoint_due(sim.time) and reason is None:
                checkpoint = write_checkpoint()
            progress.update(cells, sim.cycle - start_cycle, sim.cr_substeps - start_substeps,
                            _time.perf_counter() - wall0)
            # every rank stops after the same cycle, whichever received the signal
            asked = stop.reason is not None
            if (decomp.max(int(asked)) if decomp.size > 1 else asked) and reason is None:
                reason = stop.reason or "a signal on another rank"
        wall = _time.perf_counter() - wall0
        signalled = reason not in ("end time", "steady state", "cycle limit")
        cycles, substeps = sim.cycle - start_cycle, sim.cr_substeps - start_substeps
        progress.update(cells, cycles, substeps, wall, force=True,
                        done=reason if reason in ("end time", "steady state") else None)
        progress.close()
        if not signalled:
            if sim.time > last_written_time or not outputs:
                write_output(scheduled=False)
            write_history()
        if sim.cycle > start_cycle or restart is None:
            checkpoint = write_checkpoint()
    summary = {"cells": cells, "cycles": cycles, "cr_substeps": substeps, "wall_time": wall,
               "ranks": decomp.size,
               "zone_cycles_per_second": cells * cycles / wall if wall > 0 else float("nan"),
               "zone_substeps_per_second": cells * substeps / wall if wall > 0 else float("nan"),
               "floors_hit": int(decomp.sum(float(getattr(sim.mhd, "floors_hit", 0)))),
               "time": sim.time, "cycle": sim.cycle, "stop_reason": reason,
               "steady_state": reason == "steady state", "steady_rate": steady.rate,
               "outputs": outputs, "history": history, "checkpoint": checkpoint}
    if signalled:
        raise Stopped(summary)
    return summary
