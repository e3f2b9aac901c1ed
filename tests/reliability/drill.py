"""Fault drill of the ``crplugin`` command, as a user would meet the faults.

Three drills, each serial and on 2 MPI ranks (``-n 2``), every command run
as ``python -P -m crplugin`` in a fresh folder:

* **bad input**: 20+ kinds of wrong command lines, parameters and files.
  Handled = exit status 2, exactly one line on stderr naming the problem (no
  traceback, once however many ranks), and nothing written in the folder.
* **kills**: a run writing an output every cycle is killed at a random moment
  (SIGKILL, SIGTERM or SIGINT, at the launcher under ``-n 2``).  Handled = no
  process of the run is left after 10 s, every final ``*.h5`` loads
  (``crplugin.io.read_output``), SIGTERM/SIGINT end with one line naming the
  checkpoint to restart from, and the next run in the folder removes the
  temporary files the kill left and says so.
* **restarts**: an uninterrupted bottleneck run (outputs more frequent than
  checkpoints, stopped by its steady-state detector) against restarts from
  checkpoints chosen at random.  Handled = the restarted run ends at the same
  time and cycle and its last output and history rows are bit-identical.

``python tests/reliability/drill.py`` runs the quick drill and prints a table
(tried / handled / failed); ``--soak`` (or ``CRPLUGIN_SOAK=1``) runs many more
trials.  ``tests/reliability/test_drill.py`` runs the quick drill under pytest.
"""
import argparse
import glob
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

BIN = os.path.dirname(sys.executable)
ENV = dict(os.environ, PATH=BIN + os.pathsep + os.environ.get("PATH", ""), OMP_NUM_THREADS="1",
           MPLBACKEND="Agg", MPIEXEC_TIMEOUT="300")
# a small bottleneck: 32 cells, CR streaming on a frozen background
SMALL = ["mesh.nx=32", "--no-analysis", "output.progress=false"]


def crplugin_cmd(*args):
    return [sys.executable, "-P", "-m", "crplugin", *map(str, args)]


def crplugin(*args, cwd, timeout=300):
    return subprocess.run(crplugin_cmd(*args), capture_output=True, text=True, env=ENV, cwd=cwd,
                          timeout=timeout)


def _listing(folder):
    out = set()
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            out.add(os.path.relpath(os.path.join(root, name), folder))
    return out


# ---------------------------------------------------------------------------
# bad input

# placeholders for the files of a short run, made only when a case needs them
CHECKPOINT, OUTPUT = "{checkpoint}", "{output}"


def _bad_inputs():
    """(label, argv, words the one line must contain)."""
    run = ["run", "bottleneck", "-o", "out"]
    return [
        ("unknown key", run + ["mesh.nxx=3"], ["mesh.nxx", "mesh.nx"]),
        ("unknown section", run + ["problemx.rho_min=1"], ["problemx"]),
        ("unknown problem", ["run", "nosuch", "-o", "out"], ["nosuch", "bottleneck"]),
        ("not a number", run + ["mesh.nx=abc"], ["mesh.nx", "abc"]),
        ("negative count", run + ["mesh.nx=-4"], ["mesh.nx", "positive"]),
        ("fractional integer", run + ["mesh.nx=64.5"], ["mesh.nx", "integer"]),
        ("fractional cycle limit", run + ["time.nlim=1.5"], ["time.nlim", "integer"]),
        ("bad choice", run + ["mesh.ix1_bc=wall"], ["mesh.ix1_bc", "wall"]),
        ("negative output interval", run + ["output.dt=-1"], ["output.dt", "at least 0"]),
        ("zero end time", run + ["time.tlim=0"], ["time.tlim", "positive"]),
        ("NaN edge", run + ["mesh.x1max=nan"], ["mesh.x1max", "finite"]),
        ("infinite problem value", run + ["problem.rho_peak=inf"], ["problem.rho_peak", "finite"]),
        ("infinite V_m", run + ["cr.v_max=inf"], ["cr.v_max", "finite"]),
        ("negative steady tolerance", run + ["time.steady_tol=-1"], ["time.steady_tol"]),
        ("unknown source term", run + ["sources.enabled=nosuch"], ["nosuch", "streaming"]),
        ("negative ranks", run + ["mesh.ranks_x=-1"], ["mesh.ranks_x"]),
        ("split over an inactive axis", run + ["mesh.ranks_y=2"], ["mesh.ranks_"]),
        ("-n 0", run + ["-n", "0"], ["-n", "at least 1"]),
        ("-n -1", run + ["-n", "-1"], ["-n", "at least 1"]),
        ("-n not a number", run + ["-n", "two"], ["-n", "two"]),
        ("unknown option", run + ["--bogus"], ["--bogus"]),
        ("grid too large for memory", run + ["mesh.nx=4000", "mesh.ny=4000", "mesh.nz=4000"],
         ["mesh.nx", "available"]),
        ("-o is a file", ["run", "bottleneck", "-o", "afile"], ["afile", "not a folder"]),
        ("-o below a file", ["run", "bottleneck", "-o", "afile/sub"], ["afile/sub", "not a folder"]),
        ("missing input file", run + ["-i", "missing.toml"], ["missing.toml"]),
        ("input file not TOML", run + ["-i", "bad.toml"], ["bad.toml", "TOML"]),
        ("missing checkpoint", run + ["--restart", "missing.chk"], ["missing.chk", "no such file"]),
        ("checkpoint not HDF5", run + ["--restart", "afile"], ["afile", "HDF5"]),
        ("output given as checkpoint", run + ["--restart", OUTPUT], ["bottleneck.00001.h5", "checkpoint"]),
        ("restart with other physics", run + FIXTURE + ["--restart", CHECKPOINT, "cr.v_max=50"],
         ["cr.v_max", "--allow-changed"]),
        ("restart past tlim", run + FIXTURE + ["--restart", CHECKPOINT],
         ["time.tlim", "nothing to do"]),
        ("restart past a shorter tlim", run + FIXTURE[:-1] + ["time.tlim=10", "--restart", CHECKPOINT,
                                                          "--allow-changed", "time.tlim"],
         ["time.tlim = 10", "nothing to do"]),
        ("--allow-changed without restart", run + ["--allow-changed", "time.tlim"], ["--restart"]),
        ("plot a missing file", ["plot", "nosuch.h5"], ["nosuch.h5"]),
        ("plot an unknown field", ["plot", OUTPUT, "--field", "nosuch"], ["nosuch", "density"]),
        ("plot to a non-PNG", ["plot", OUTPUT, "-o", "x.jpg"], ["x.jpg", "PNG"]),
    ]


FIXTURE = SMALL + ["time.tlim=20"]
# kinds of bad input drawn at random in the quick drill (serial, 2 ranks); --soak runs all
QUICK_BAD_INPUT = (12, 3)


def _fixtures(root):
    """A checkpoint and an output of a short run (t = 20), made once."""
    src = os.path.join(root, "fixture-run")
    res = crplugin("run", "bottleneck", "-o", src, *FIXTURE, cwd=root)
    if res.returncode != 0:
        raise RuntimeError(f"fixture run failed: {res.stderr}")
    return {CHECKPOINT: sorted(glob.glob(os.path.join(src, "bottleneck.*.chk")))[-1],
            OUTPUT: os.path.join(src, "bottleneck.00001.h5")}


def drill_bad_input(root, ranks, rng, soak=False, sample=None):
    """Bad input: every kind (``soak``) or ``sample`` kinds drawn at random; under
    ``-n ranks`` only those of ``run`` (each launches mpiexec)."""
    cases = _bad_inputs()
    if ranks > 1:
        cases = [(label, argv + ["-n", str(ranks)], words) for label, argv, words in cases
                 if argv[0] == "run" and "-n" not in argv]
    if not soak and sample is not None:
        cases = rng.sample(cases, min(sample, len(cases)))
    if any(CHECKPOINT in argv or OUTPUT in argv for _, argv, _ in cases):
        files = _fixtures(root)
        cases = [(label, [files.get(a, a) for a in argv], words) for label, argv, words in cases]
    with ThreadPoolExecutor(max_workers=4) as pool:  # the commands mostly wait for imports
        return list(pool.map(lambda case: _one_bad_input(root, *case), cases))


def _one_bad_input(root, label, argv, words):
    """Run one bad command in a fresh folder: (label, problems found, stderr)."""
    cwd = tempfile.mkdtemp(dir=root)
    with open(os.path.join(cwd, "afile"), "w") as fh:
        fh.write("not a folder\n")
    with open(os.path.join(cwd, "bad.toml"), "w") as fh:
        fh.write("[mesh\nnx=")
    before = _listing(cwd)
    res = crplugin(*argv, cwd=cwd, timeout=120)
    lines = res.stderr.strip().splitlines()
    problems = []
    if res.returncode != 2:
        problems.append(f"exit status {res.returncode}")
    if "Traceback" in res.stderr:
        problems.append("traceback")
    if len(lines) != 1:
        problems.append(f"{len(lines)} lines on stderr")
    elif not all(w in lines[0] for w in words):
        problems.append(f"line lacks {[w for w in words if w not in lines[0]]}")
    new = _listing(cwd) - before
    if new:
        problems.append(f"wrote {sorted(new)}")
    return label, problems, res.stderr.strip()


# ---------------------------------------------------------------------------
# kills

def _run_processes(marker):
    """PIDs of live (non-zombie) processes whose command line contains ``marker``."""
    pids = []
    for d in os.listdir("/proc"):
        if not d.isdigit() or int(d) == os.getpid():
            continue
        try:
            with open(f"/proc/{d}/cmdline", "rb") as fh:
                cmd = fh.read().decode(errors="replace")
            with open(f"/proc/{d}/stat") as fh:
                state = fh.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if marker in cmd and state != "Z":
            pids.append(int(d))
    return pids


def drill_kill(root, ranks, rng, trial):
    """One kill; returns a list of problems (empty: handled)."""
    from crplugin import io
    out = os.path.join(root, f"kill-{ranks}-{trial}")
    sig = rng.choice([signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
    # an output every cycle (dt_max = output.dt), a checkpoint every 5 outputs
    args = ["run", "bottleneck", "-o", out, *SMALL, "time.tlim=400", "time.dt_max=0.5",
            "output.dt=0.5", "output.dt_checkpoint=2.5", "time.steady_tol=0"]
    nr = ["-n", ranks] if ranks > 1 else []
    proc = subprocess.Popen(crplugin_cmd(*args, *nr), env=ENV, cwd=root, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    # wait for the first outputs, then kill at a random moment of the writing
    t0 = time.time()
    while time.time() - t0 < 60 and len(glob.glob(os.path.join(out, "*.h5"))) < 3:
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    time.sleep(rng.uniform(0.0, 1.5))
    problems = []
    if proc.poll() is not None:
        return [f"run ended by itself before the kill: {proc.stderr.read()[-300:]}"]
    proc.send_signal(sig)
    try:
        _, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
        problems.append(f"{signal.Signals(sig).name}: the launcher did not end in 60 s")
    deadline = time.time() + 10
    while _run_processes(out) and time.time() < deadline:
        time.sleep(0.2)
    left = _run_processes(out)
    if left:
        problems.append(f"orphans after {signal.Signals(sig).name}: {left}")
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
    for path in sorted(glob.glob(os.path.join(out, "*.h5"))):
        try:
            io.read_output(path)
        except Exception as exc:  # noqa: BLE001 - any failure to load is the finding
            problems.append(f"{os.path.basename(path)} does not load: {exc}")
    if sig != signal.SIGKILL:
        lines = err.strip().splitlines()
        if proc.returncode != 128 + sig or len(lines) != 1 or "restart with" not in lines[0]:
            problems.append(f"{signal.Signals(sig).name}: exit {proc.returncode}, stderr {err.strip()!r}")
        else:
            chk = lines[0].split("--restart ")[-1].strip()
            cycle = int(lines[0].split("(cycle ")[1].split(")")[0])
            # a few more cycles from the checkpoint named (time.nlim may change on a restart)
            res = crplugin(*args, *nr, "--restart", chk, f"time.nlim={cycle + 3}", cwd=root, timeout=300)
            if res.returncode != 0:
                problems.append(f"restart from {chk} failed: {res.stderr.strip()[-300:]}")
    leftovers = glob.glob(os.path.join(out, ".*.tmp-*"))
    if leftovers:  # the next run in the folder removes them and says so
        res = crplugin("run", "bottleneck", "-o", out, *SMALL, "time.tlim=1", cwd=root)
        if glob.glob(os.path.join(out, ".*.tmp-*")) or "removed" not in res.stderr:
            problems.append(f"leftover temporary files not removed/reported: {res.stderr.strip()!r}")
    return problems


# ---------------------------------------------------------------------------
# restarts

def _final(out):
    from crplugin import io
    last = sorted(glob.glob(os.path.join(out, "bottleneck.[0-9]*.h5")))[-1]
    return last, io.read_output(last), io.read_history(os.path.join(out, "bottleneck.hst"))


def drill_restarts(root, ranks, rng, trials, soak=False):
    """Uninterrupted run, then ``trials`` restarts from random checkpoints; problems per trial.

    Outputs every 10, checkpoints every 25 and steady-state checks every 15: none on the
    others' times.  The soak run goes on until its steady-state detector stops it (t ~ 340);
    the quick one to t = 100."""
    whole = os.path.join(root, f"whole-{ranks}")
    args = ["run", "bottleneck", *SMALL, f"time.tlim={3000 if soak else 100}", "output.dt=10",
            "output.dt_checkpoint=25", "time.steady_interval=15", "time.steady_tol=3e-3"]
    nr = ["-n", ranks] if ranks > 1 else []
    res = crplugin(*args, "-o", whole, *nr, cwd=root)
    if res.returncode != 0:
        return [[f"uninterrupted run failed: {res.stderr.strip()[-300:]}"]] * trials
    from crplugin import io
    name_w, (fw, iw), hw = _final(whole)
    checkpoints = [c for c in sorted(glob.glob(os.path.join(whole, "bottleneck.*.chk")))
                   if io.checkpoint_info(c)[0] < iw["time"]]
    results = []
    for trial in range(trials):
        chk = rng.choice(checkpoints)
        split = os.path.join(root, f"split-{ranks}-{trial}")
        shutil.copytree(whole, split)
        t_chk = io.checkpoint_info(chk)[0]
        for later in sorted(glob.glob(os.path.join(split, "bottleneck.*.chk"))):
            if os.path.basename(later) > os.path.basename(chk):
                os.remove(later)  # as if the run had been killed just after writing chk
        for out in glob.glob(os.path.join(split, "bottleneck.[0-9]*.h5")):
            if io.output_info(out)["time"] > t_chk:
                os.remove(out)  # so that the last output is the restarted run's own
        res = crplugin(*args, "-o", split, "--restart", os.path.join(split, os.path.basename(chk)), *nr,
                       cwd=root)
        problems = []
        if res.returncode != 0:
            problems.append(f"restart from {os.path.basename(chk)} failed: {res.stderr.strip()[-300:]}")
        else:
            name_s, (fs, is_), hs = _final(split)
            if os.path.basename(name_s) != os.path.basename(name_w):
                problems.append(f"last output {os.path.basename(name_s)} vs {os.path.basename(name_w)}")
            if (is_["time"], is_["cycle"]) != (iw["time"], iw["cycle"]):
                problems.append(f"{os.path.basename(chk)}: ends at t={is_['time']!r} cycle {is_['cycle']}, "
                                f"uninterrupted t={iw['time']!r} cycle {iw['cycle']}")
            problems += [f"{os.path.basename(chk)}: field {k} differs" for k in fw
                         if k not in fs or not np.array_equal(fs[k], fw[k])]
            for col in hw:
                if not np.array_equal(np.unique(hs[col]), np.unique(hw[col])):
                    problems.append(f"{os.path.basename(chk)}: history column {col} differs")
                    break
        shutil.rmtree(split, ignore_errors=True)
        results.append(problems)
    return results


# ---------------------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--soak", action="store_true", default=os.environ.get("CRPLUGIN_SOAK") == "1",
                    help="many more kills and restarts")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--ranks", default="1,2", help="comma-separated rank counts (default 1,2)")
    ap.add_argument("--drills", default="bad,kills,restarts", help="which drills (default: all three)")
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args(argv)
    seed = a.seed if a.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    kills, restarts = (10, 6) if a.soak else (1, 1)
    table, failures = [], []
    root = tempfile.mkdtemp(prefix="crp-drill-")
    try:
        for ranks in [int(r) for r in a.ranks.split(",")]:
            t0 = time.process_time()
            if "bad" in a.drills:
                bad = drill_bad_input(root, ranks, rng, soak=a.soak, sample=QUICK_BAD_INPUT[ranks > 1])
                table.append(("bad input", ranks, len(bad), sum(not p for _, p, _ in bad)))
                failures += [f"bad input, {ranks} rank(s), {label}: {'; '.join(p)} -- stderr: {err!r}"
                             for label, p, err in bad if p]
            if "kills" in a.drills:
                ks = [drill_kill(root, ranks, rng, i) for i in range(kills)]
                table.append(("kills", ranks, len(ks), sum(not p for p in ks)))
                failures += [f"kill, {ranks} rank(s): {'; '.join(p)}" for p in ks if p]
            if "restarts" in a.drills:
                rs = drill_restarts(root, ranks, rng, restarts, soak=a.soak)
                table.append(("restarts", ranks, len(rs), sum(not p for p in rs)))
                failures += [f"restart, {ranks} rank(s): {'; '.join(p)}" for p in rs if p]
            if a.verbose:
                print(f"{ranks} rank(s): {time.process_time() - t0:.1f} s CPU in this process", flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"crplugin fault drill (seed {seed}{', soak' if a.soak else ''})")
    print(f"| drill | ranks | tried | handled | failed |\n|---|---|---|---|---|")
    for what, ranks, tried, ok in table:
        print(f"| {what} | {ranks} | {tried} | {ok} | {tried - ok} |")
    for f in failures:
        print("FAILED:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
