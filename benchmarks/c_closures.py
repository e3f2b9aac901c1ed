"""Cost of a crplugin closure called from a host's compiled loop, in ns per call.

Builds (with the system C compiler and gfortran, ``-O2``) and runs the programs
of ``benchmarks/c/``: the same loop over 4096 cells, repeated up to the number
of calls asked for, with

* ``hand``: the formula written by hand in the loop;
* ``inline``: the closure from the header ``crplugin.h`` (``static inline``);
* ``extern``: the closure as an external function (``crplugin_symbols.c``):
  one real call per cell, what the Fortran module costs;
* ``capi``: the old path, the embedded-Python C API (``capi_api.h``: two
  function pointers per call; needs libpython);
* ``fortran_hand`` / ``fortran_module``: the formula in Fortran and the
  closure through the Fortran module.

Times are CPU times (best of 5).  Within one program (C or Fortran: their
random inputs differ) the checksums of one closure must agree exactly, since
the variants compute the same doubles; the script checks it.

Usage::

    python benchmarks/c_closures.py               # 1e7 calls per variant
    python benchmarks/c_closures.py --calls 1e8 --no-capi
"""
import argparse
import os
import shutil
import site
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

import crplugin

HERE = Path(__file__).resolve().parent / "c"


def run(cmd, **kw):
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(map(str, cmd))} failed:\n{proc.stdout}{proc.stderr}")
    return proc.stdout


def python_embed_flags():
    """Compile and link flags of ``python3-config --includes`` / ``--ldflags --embed``."""
    cfg = sysconfig.get_config_var
    ver = cfg("LDVERSION") or cfg("VERSION")
    inc = ["-I" + sysconfig.get_paths()["include"], "-I" + crplugin.get_include()]
    if cfg("Py_ENABLE_SHARED"):
        ld = [f"-L{cfg('LIBDIR')}", f"-Wl,-rpath,{cfg('LIBDIR')}"]
    else:
        ld = [f"-L{cfg('LIBPL')}"] + (cfg("LINKFORSHARED") or "").split()
    ld += [f"-lpython{ver}"] + (cfg("LIBS") or "").split() + (cfg("SYSLIBS") or "").split()
    return inc, ld


def embedded_env(tmp):
    """Environment in which an embedded interpreter finds this crplugin (editable too)."""
    (tmp / "sitecustomize.py").write_text(
        "import site\n" + "".join(f"site.addsitedir({d!r})\n" for d in site.getsitepackages()))
    env = dict(os.environ, PYTHONPATH=str(tmp))
    env["PYTHONHOME"] = os.pathsep.join(dict.fromkeys([sys.base_prefix, sys.base_exec_prefix]))
    return env


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--calls", type=float, default=1e7, help="calls per variant (default 1e7)")
    ap.add_argument("--no-capi", action="store_true", help="skip the embedded-Python path")
    ap.add_argument("--cc", default=os.environ.get("CC") or shutil.which("cc") or "gcc")
    ap.add_argument("--fc", default=os.environ.get("FC") or shutil.which("gfortran"))
    opts = ap.parse_args()
    calls = str(int(opts.calls))
    inc = crplugin.get_c_include()
    capi = not opts.no_capi

    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        cflags = ["-O2", f"-I{inc}", f"-I{HERE}"]
        run([opts.cc, *cflags, "-c", Path(inc) / "crplugin" / "crplugin_symbols.c",
             "-o", tmp / "symbols.o"])
        objs = []
        for src in ("inline_vs_hand.c", "extern.c"):
            run([opts.cc, *cflags, f"-DHAVE_CAPI={int(capi)}", "-c", HERE / src,
                 "-o", tmp / (src + ".o")])
            objs.append(tmp / (src + ".o"))
        ld = ["-lm"]
        if capi:
            py_inc, py_ld = python_embed_flags()
            run([opts.cc, *cflags, *py_inc, "-DHAVE_CAPI=1", "-c", HERE / "capi.c",
                 "-o", tmp / "capi.o"])
            ld = py_ld + ld
        else:
            run([opts.cc, *cflags, "-c", HERE / "capi.c", "-o", tmp / "capi.o"])
        run([opts.cc, *objs, tmp / "capi.o", tmp / "symbols.o", "-o", tmp / "bench", *ld])
        out = run([tmp / "bench", calls], env=embedded_env(tmp) if capi else None, cwd=tmp)
        if opts.fc:
            run([opts.fc, "-O2", "-c", Path(inc) / "crplugin" / "crplugin.f90"], cwd=tmp)
            run([opts.fc, "-O2", "-I", tmp, HERE / "fortran_loop.f90", tmp / "crplugin.o",
                 tmp / "symbols.o", "-o", tmp / "fbench"], cwd=tmp)
            out += run([tmp / "fbench", calls])

    rows = [line.split() for line in out.splitlines() if line.strip()]
    print(f"{int(opts.calls):.0e} calls per variant, -O2, CPU time, best of 5 "
          f"(4096 cells in cache)")
    print(f"{'closure':<14}{'variant':<16}{'ns/call':>9}")
    sums = {}
    for closure, variant, ns, chk in rows:
        print(f"{closure:<14}{variant:<16}{float(ns):9.3f}")
        program = "fortran" if variant.startswith("fortran") else "c"
        sums.setdefault((closure, program), set()).add(float(chk))
    for (closure, program), s in sums.items():
        if len(s) != 1:
            sys.exit(f"{closure} ({program}): the variants computed different results ({sorted(s)})")


if __name__ == "__main__":
    main()
