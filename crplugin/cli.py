"""Command line: ``crplugin run|list|plot``.

    crplugin run PROBLEM [-n NRANKS] [-o OUTDIR] [-i INPUT] [section.key=value ...]
    crplugin list [PROBLEM]
    crplugin plot OUTPUT [--field NAME]

With ``-n`` the command re-launches itself under ``mpiexec``; started by
``mpiexec`` already it just runs.  Bad input ends with one readable line on
stderr and exit status 2, never a traceback.
"""
import argparse
import os
import shutil
import subprocess
import sys


def _under_mpiexec():
    env = os.environ
    return any(k in env for k in ("PMI_RANK", "PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "PMIX_RANK"))


def _mpiexec():
    exe = shutil.which("mpiexec")
    if exe is None:
        candidate = os.path.join(os.path.dirname(sys.executable), "mpiexec")
        exe = candidate if os.path.exists(candidate) else None
    if exe is None:
        raise RuntimeError("-n needs 'mpiexec' on PATH (pip install 'crplugin[mpich]' provides one)")
    return exe


def cmd_run(args):
    from crplugin import problems
    if args.n and args.n > 1 and not _under_mpiexec():
        cmd = [_mpiexec(), "-n", str(args.n), sys.executable, "-m", "crplugin", "run", args.problem,
               "-o", args.outdir] + (["-i", args.input] if args.input else []) + (
              ["--no-analysis"] if args.no_analysis else []) + (
              ["--restart", args.restart] if args.restart else []) + args.overrides
        env = dict(os.environ, OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "1"))
        return subprocess.call(cmd, env=env)

    from crplugin.run import run
    from crplugin.simulation import Simulation, make_parameters

    problem = problems.load(args.problem)
    params = make_parameters(problem, args.input or problems.input_file(args.problem), args.overrides)
    sim = Simulation(params, problem)
    summary = run(sim, args.outdir, restart=args.restart)
    if sim.decomp.rank == 0:
        subs = f" ({summary['cr_substeps']} CR sub-steps)" if summary["cr_substeps"] else ""
        why = (f"steady state (max relative change rate {summary['steady_rate']:.2g} per unit time)"
               if summary["steady_state"] else "end time")
        print(f"{args.problem}: reached t = {summary['time']:.6g} ({why}) in {summary['cycles']} cycles{subs}, "
              f"{summary['wall_time']:.2f} s wall on {summary['ranks']} rank(s); {summary['cells']} cells, "
              f"{summary['zone_cycles_per_second']:.3g} zone-cycles/s, floors hit: {summary['floors_hit']}")
        print(f"outputs: {len(summary['outputs'])} files in {args.outdir}")
        if not args.no_analysis and hasattr(problem, "analyse"):
            result = problem.analyse(args.outdir, params)
            for key, value in result.items():
                print(f"  {key}: {value:.4g}" if isinstance(value, float) else f"  {key}: {value}")
    return 0


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
    out = analysis.quicklook(args.output, field=args.field)
    print(f"wrote {out}")
    return 0


def build_parser():
    parser = argparse.ArgumentParser(prog="crplugin", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("run", help="run a problem")
    p.add_argument("problem")
    p.add_argument("-n", type=int, default=0, help="number of MPI ranks (launches mpiexec)")
    p.add_argument("-o", "--outdir", default=None, help="output directory (default: output/PROBLEM)")
    p.add_argument("-i", "--input", default=None, help="input file (TOML); default: the problem's own")
    p.add_argument("--restart", default=None, help="continue from this checkpoint")
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
    p.add_argument("--field", default=None)
    p.set_defaults(func=cmd_plot)
    return parser


def main(argv=None):
    from crplugin.params import ParameterError
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
    try:
        return args.func(args)
    except (ParameterError, ValueError, RuntimeError, OSError) as exc:
        print(f"crplugin: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
