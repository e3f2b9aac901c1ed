"""Command line: ``crplugin run|list|plot``.

    crplugin run PROBLEM [-n NRANKS] [-o OUTDIR] [-i INPUT] [--restart CHECKPOINT
                 [--allow-changed KEY,...]] [section.key=value ...]
    crplugin list [PROBLEM]
    crplugin plot OUTPUT [--field NAME] [-o PNG]
    crplugin --version

With ``-n`` the command re-launches itself under ``mpiexec``; started by
``mpiexec`` already it just runs.  Bad input ends with one readable line on
stderr and exit status 2, never a traceback; under MPI the line is printed
once (by rank 0, or by the failing rank with its number).  Ctrl-C and SIGTERM
stop a run at the end of its cycle with one line naming where it stopped and
the checkpoint to restart from (exit status 130 and 143).
"""
import argparse
import ctypes
import os
import shutil
import signal
import subprocess
import sys
import threading

from crplugin import __version__

EXIT_BAD_INPUT = 2


def _under_mpiexec():
    env = os.environ
    return any(k in env for k in ("PMI_RANK", "PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "PMIX_RANK"))


def _world_rank():
    """This process's MPI rank from the launcher's environment (0 when serial), without MPI."""
    for key in ("PMI_RANK", "OMPI_COMM_WORLD_RANK", "PMIX_RANK"):
        if key in os.environ:
            return int(os.environ[key])
    return 0


def _mpiexec():
    exe = shutil.which("mpiexec")
    if exe is None:
        candidate = os.path.join(os.path.dirname(sys.executable), "mpiexec")
        exe = candidate if os.path.exists(candidate) else None
    if exe is None:
        raise RuntimeError("-n needs 'mpiexec' on PATH (pip install 'crplugin[mpich]' provides one)")
    return exe


def _die_with_parent():
    """In the mpiexec child: get SIGTERM when the launcher dies, even by SIGKILL (Linux)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def launch(args):
    """Run this command on ``args.n`` ranks under ``mpiexec`` and wait for it.

    The ranks run ``python -P -m crplugin`` so that the current folder (which may
    hold a crplugin source tree) never shadows the installed package.  mpiexec
    gets its own session, so the launcher alone receives the terminal's Ctrl-C
    and forwards it (as SIGUSR1, which mpiexec passes on silently); SIGTERM and
    SIGHUP are forwarded as SIGTERM.  If the launcher is killed outright, mpiexec
    gets SIGTERM from the kernel and the ranks also watch the launcher.
    """
    cmd = [_mpiexec(), "-n", str(args.n), sys.executable, "-P", "-m", "crplugin", "run", args.problem,
           "-o", args.outdir] + (["-i", args.input] if args.input else []) + (
          ["--no-analysis"] if args.no_analysis else []) + (
          ["--restart", args.restart] if args.restart else []) + (
          ["--allow-changed", ",".join(args.allow_changed)] if args.allow_changed else []) + args.overrides
    env = dict(os.environ, OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "1"),
               CRPLUGIN_LAUNCHER_PID=str(os.getpid()))
    if sys.stderr.isatty():
        env["CRPLUGIN_TTY"] = "1"
    proc = subprocess.Popen(cmd, env=env, start_new_session=True, preexec_fn=_die_with_parent)

    def forward(signum, frame):
        try:
            proc.send_signal(signal.SIGUSR1 if signum == signal.SIGINT else signal.SIGTERM)
        except ProcessLookupError:
            pass
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, forward)
    code = proc.wait()
    if code < 0:  # mpiexec itself was killed: its ranks went with it, and said nothing
        print(f"crplugin: error: mpiexec was ended by {signal.Signals(-code).name}; the run stopped "
              f"without a last checkpoint (the previous ones in {args.outdir} are intact)", file=sys.stderr)
        return 128 - code
    return code


def _parse_allowed(text):
    return [k.strip() for k in (text or "").split(",") if k.strip()]


def cmd_run(args):
    from crplugin import problems
    if args.n is not None and args.n < 1:
        raise ValueError(f"-n must be at least 1 (the number of MPI ranks), got {args.n}")
    if args.allow_changed and not args.restart:
        raise ValueError("--allow-changed only applies to a restart (--restart CHECKPOINT)")
    if args.n and args.n > 1 and not _under_mpiexec():
        return launch(args)

    from crplugin.run import Stopped, check_memory, run
    from crplugin.simulation import Simulation, make_parameters

    problem = problems.load(args.problem)
    params = make_parameters(problem, args.input or problems.input_file(args.problem), args.overrides)
    nranks = int(os.environ.get("PMI_SIZE", os.environ.get("OMPI_COMM_WORLD_SIZE", "1")))
    local = os.environ.get("MPI_LOCALNRANKS", os.environ.get("OMPI_COMM_WORLD_LOCAL_SIZE"))
    check_memory(params, nranks, int(local) if local else None)
    sim = Simulation(params, problem)
    args.phase = "run"  # from here on an error may come from one rank only
    rank = sim.decomp.rank
    try:
        summary = run(sim, args.outdir, restart=args.restart, allow_changed=args.allow_changed)
    except Stopped as stop:
        s = stop.summary
        if rank == 0:
            chk = s["checkpoint"]
            again = (f"restart with: {_restart_command(args, sim.decomp.size, chk)}"
                     if chk else "no checkpoint was written yet")
            print(f"crplugin: stopped by {s['stop_reason']} at t = {s['time']:.6g} (cycle {s['cycle']}); "
                  f"{again}", file=sys.stderr)
        return 130 if "SIGINT" in s["stop_reason"] else 143
    if rank == 0:
        subs = (f" ({summary['cr_substeps']} CR sub-steps, {summary['zone_substeps_per_second']:.3g} "
                f"zone-substeps/s)" if summary["cr_substeps"] else "")
        why = summary["stop_reason"]
        if summary["steady_state"]:
            why += f": max relative change rate {summary['steady_rate']:.2g} per unit time"
        print(f"{args.problem}: reached t = {summary['time']:.6g} ({why}) in {summary['cycles']} cycles{subs}, "
              f"{summary['wall_time']:.2f} s wall on {summary['ranks']} rank(s); {summary['cells']} cells, "
              f"{summary['zone_cycles_per_second']:.3g} zone-cycles/s, floors hit: {summary['floors_hit']}")
        print(f"outputs: {len(summary['outputs'])} files in {args.outdir}; checkpoint: {summary['checkpoint']}")
        if not args.no_analysis and hasattr(problem, "analyse"):
            try:
                result = problem.analyse(args.outdir, params)
            except Exception as exc:    # the run is done and saved: say what failed, in one line
                print(f"crplugin: error: the {args.problem} analysis failed ({type(exc).__name__}: {exc}); "
                      f"the run finished and its outputs are in {args.outdir}", file=sys.stderr)
                return 1
            for key, value in result.items():
                print(f"  {key}: {value:.4g}" if isinstance(value, float) else f"  {key}: {value}")
    return 0


def _restart_command(args, nranks, checkpoint):
    """The command line that continues this run from ``checkpoint``."""
    import shlex
    words = ["crplugin", "run", args.problem, "-o", args.outdir]
    words += ["-n", str(nranks)] if nranks > 1 else []
    words += ["-i", args.input] if args.input else []
    words += ["--no-analysis"] if args.no_analysis else []
    words += list(args.overrides) + ["--restart", checkpoint]
    words += ["--allow-changed", ",".join(args.allow_changed)] if args.allow_changed else []
    return shlex.join(words)


def cmd_list(args):
    from crplugin import problems
    from crplugin.simulation import make_parameters
    from crplugin import sources
    if args.problem:
        problem = problems.load(args.problem)
        params = make_parameters(problem, problems.input_file(args.problem))
        print("\n".join(params.describe()))
        return 0
    print("problems:")
    for name in problems.names():
        doc = (problems.load(name).__doc__ or "").strip().splitlines()
        print(f"  {name:14s} {doc[0] if doc else ''}")
    print("source terms (enable with sources.enabled=name1,name2):")
    for name, cls in sorted(sources.REGISTRY.items()):
        summary = " ".join((cls.__doc__ or "").strip().split("\n\n")[0].split())
        print(f"  {name:27s} {summary}")
    print("parameters of a problem: crplugin list PROBLEM")
    return 0


def cmd_plot(args):
    from crplugin import analysis
    if args.png is not None:
        if not args.png.lower().endswith(".png"):
            raise ValueError(f"-o {args.png}: the plot is a PNG; give a file name ending in .png")
        folder = os.path.dirname(os.path.abspath(args.png))
        if not os.path.isdir(folder):
            raise ValueError(f"-o {args.png}: folder {folder} does not exist")
    out = analysis.quicklook(args.output, field=args.field, png=args.png)
    print(f"wrote {out}")
    return 0


class _Parser(argparse.ArgumentParser):
    """argparse with one error line (no usage block): ``crplugin: error: ...``, status 2."""

    def error(self, message):
        self.exit(EXIT_BAD_INPUT, f"crplugin: error: {message} ({self.prog} -h for help)\n")


def build_parser():
    parser = _Parser(prog="crplugin", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"crplugin {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("run", help="run a problem")
    p.add_argument("problem")
    p.add_argument("-n", type=int, default=None, help="number of MPI ranks (launches mpiexec)")
    p.add_argument("-o", "--outdir", default=None, help="output directory (default: output/PROBLEM)")
    p.add_argument("-i", "--input", default=None, help="input file (TOML); default: the problem's own")
    p.add_argument("--restart", default=None, help="continue from this checkpoint (OUTDIR/NAME.NNNNN.chk)")
    p.add_argument("--allow-changed", type=_parse_allowed, default=[], metavar="KEY,...",
                   help="parameters allowed to differ from the checkpoint's (e.g. time.tlim)")
    p.add_argument("--no-analysis", action="store_true", help="skip the comparison with theory")
    from crplugin.extensions import ProblemPathAction
    p.add_argument("--problem-path", action=ProblemPathAction, metavar="DIR",
                   help="also look for problems (<name>.py + <name>.toml) in DIR")
    p.add_argument("overrides", nargs="*", help="section.key=value")
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("list", help="list problems, source terms and parameters")
    p.add_argument("problem", nargs="?")
    p.set_defaults(func=cmd_list)
    p = sub.add_parser("plot", help="quick-look plot of an output")
    p.add_argument("output")
    p.add_argument("--field", default=None, help="any field of the output (default: the main ones)")
    p.add_argument("-o", dest="png", default=None, metavar="PNG",
                   help="where to write the PNG (default: next to the output)")
    p.set_defaults(func=cmd_plot)
    return parser


def _report(exc, args):
    """Print the one error line, once per run: rank 0, or the failing rank with its number."""
    from crplugin.io import PeerError
    rank = _world_rank()
    if isinstance(exc, PeerError):
        return  # the rank where it failed says why
    collective = getattr(args, "phase", "setup") == "setup" or _is_collective(exc)
    if rank != 0 and collective:
        return
    where = f"[rank {rank}] " if rank != 0 else ""
    text = str(exc) or type(exc).__name__
    if isinstance(exc, MemoryError):
        text = f"out of memory ({text}): use fewer cells (mesh.nx, mesh.ny, mesh.nz) or more ranks"
    print(f"crplugin: error: {where}{text}", file=sys.stderr, flush=True)


def _is_collective(exc):
    """Errors every rank raises together (so no rank is left waiting in a collective)."""
    from crplugin.io import OutputError
    from crplugin.params import ParameterError
    from crplugin.run import RestartError
    return isinstance(exc, (OutputError, ParameterError, RestartError))


class _Terminated(KeyboardInterrupt):
    """SIGTERM before the run loop started."""


def _interrupt(signum, frame):
    raise _Terminated


def main(argv=None):
    parser = build_parser()
    # overrides may come after options (run bottleneck -o out mesh.nx=256)
    args, extra = parser.parse_known_args(argv)
    bad = [e for e in extra if e.startswith("-") or "=" not in e or args.command != "run"]
    if bad:
        parser.error(f"unrecognized arguments: {' '.join(bad)}")
    if args.command == "run":
        args.overrides = list(args.overrides) + extra
    if getattr(args, "outdir", "x") is None:
        args.outdir = os.path.join("output", args.problem)
    args.phase = "setup"
    # until the run loop takes over SIGTERM (and stops cleanly), it ends the command at once
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        return args.func(args)
    except (ValueError, RuntimeError, OSError, MemoryError) as exc:
        _report(exc, args)
        if args.phase == "run" and not _is_collective(exc) and _under_mpiexec():
            from crplugin import parallel
            parallel.abort_quietly(EXIT_BAD_INPUT)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt as exc:
        code = 143 if isinstance(exc, _Terminated) else 130
        if _world_rank() == 0:
            what = "SIGTERM" if code == 143 else "SIGINT (Ctrl-C)"
            print(f"crplugin: stopped by {what} at once, no checkpoint written", file=sys.stderr)
        if _under_mpiexec():
            from crplugin import parallel
            parallel.abort_quietly(code)
        return code


if __name__ == "__main__":
    sys.exit(main())
