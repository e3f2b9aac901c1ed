"""The embedded-Python C API: compile C hosts against ``capi_api.h``, run them, compare.

``crplugin.kernels.capi`` (generated, ``cdef api``) serves hosts that already
embed a Python interpreter; it also reaches the solver kernels that have no C
header yet.  Hosts without Python include the headers instead
(``tests/unit/test_c_hosts.py``).

A C host generated here embeds Python and calls *every* exported
``crp_<name>`` on inputs drawn from the ``Arg`` specs of the Python closure
with the same kernel, so a new closure is checked through this path as soon
as it exists.

Skipped only when there is no C compiler.
"""
import inspect
import os
import shutil
import site
import subprocess
import sys
import sysconfig
from pathlib import Path

import numpy as np
import pytest

import crplugin

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_closure_api import CLOSURES, sample_inputs  # noqa: E402

CC = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")

pytestmark = pytest.mark.skipif(CC is None, reason="no C compiler (cc/gcc/clang) on PATH")

try:
    from crplugin.kernels import capi
    EXPORTS = dict(capi.EXPORTS)
    IMPORT_ERROR = None
except ImportError as exc:  # reported by test_capi_module_is_built
    capi, EXPORTS, IMPORT_ERROR = None, {}, exc


def test_capi_module_is_built():
    # capi imports every kernel module it wraps: a module that is not built,
    # or built from an older .pxd, makes this import fail.
    assert capi is not None, (
        f"cannot import crplugin.kernels.capi ({IMPORT_ERROR}); rebuild the kernels "
        "with setup.py build_ext")
    assert "crp_alfven_speed" in EXPORTS
    header = Path(crplugin.get_include()) / "crplugin" / "kernels" / "capi_api.h"
    assert header.exists(), f"{header} missing"
    text = header.read_text()
    for cname in EXPORTS:
        assert f"#define {cname} " in text, f"{cname} not in the header"


def _flags():
    """Compile and link flags equivalent to `python3-config --includes` / `--ldflags --embed`."""
    cfg = sysconfig.get_config_var
    ver = cfg("LDVERSION") or cfg("VERSION")
    inc = ["-I" + sysconfig.get_paths()["include"], "-I" + crplugin.get_include()]
    if cfg("Py_ENABLE_SHARED"):  # link libpython3.X.so, found again at run time
        ld = [f"-L{cfg('LIBDIR')}", f"-Wl,-rpath,{cfg('LIBDIR')}"]
    else:  # static libpython: export its symbols to the extension modules
        ld = [f"-L{cfg('LIBPL')}"] + (cfg("LINKFORSHARED") or "").split()
    ld += [f"-lpython{ver}"] + (cfg("LIBS") or "").split() + (cfg("SYSLIBS") or "").split()
    return inc, ld


def _build(tmp_path, source, name):
    inc, ld = _flags()
    exe = tmp_path / name
    cmd = [CC, "-O2", *inc, str(source), "-o", str(exe), *ld]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0, f"compilation failed:\n{' '.join(cmd)}\n{proc.stderr}"
    return exe


def _run(tmp_path, exe):
    """Run a C host with an embedded interpreter that sees this environment's packages.

    The site directories are added through a sitecustomize module, so that
    ``.pth`` files, and thus editable installs, work.
    """
    sc = tmp_path / "pypath"
    sc.mkdir(exist_ok=True)
    dirs = site.getsitepackages() + [site.getusersitepackages()]
    (sc / "sitecustomize.py").write_text(
        "import site\n" + "".join(f"site.addsitedir({d!r})\n" for d in dirs))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(sc)] + sys.path[1:]))
    if sys.base_prefix == sys.base_exec_prefix:
        env["PYTHONHOME"] = sys.base_prefix
    else:
        env["PYTHONHOME"] = f"{sys.base_prefix}{os.pathsep}{sys.base_exec_prefix}"
    proc = subprocess.run([str(exe)], capture_output=True, text=True, env=env, timeout=60,
                          cwd=tmp_path)
    assert proc.returncode == 0, f"{exe.name} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def _closure_for(module, kernel, nargs):
    """The public closure whose driver is ``crplugin.kernels.<module>.<kernel>_array``."""
    for func in CLOSURES.values():
        drv = func.driver
        if (getattr(drv, "__name__", "") == f"{kernel}_array"
                and getattr(drv, "__module__", "") == f"crplugin.kernels.{module}"
                and len(func.args) == nargs):
            return func
    return None


MATCHED = {c: _closure_for(m, k, len(a)) for c, (m, k, a) in sorted(EXPORTS.items())}
MATCHED = {c: f for c, f in MATCHED.items() if f is not None}
NCELLS = 8


@pytest.fixture(scope="module")
def all_exports_run(tmp_path_factory):
    """Build and run one C host that calls every exported closure with a public wrapper."""
    tmp_path = tmp_path_factory.mktemp("capi_all")
    rng = np.random.default_rng(7)
    inputs = {c: sample_inputs(f, rng, shape=(NCELLS,)) for c, f in MATCHED.items()}
    lines = ["#include <Python.h>", "#include <stdio.h>", '#include "crplugin/kernels/capi_api.h"',
             "int main(void) {", "  Py_Initialize();",
             "  if (import_crplugin__kernels__capi() < 0) { PyErr_Print(); return 1; }"]
    for cname, func in MATCHED.items():
        order = list(inspect.signature(func).parameters)  # the driver's (and kernel's) order
        for i in range(NCELLS):
            args = ", ".join(repr(float(inputs[cname][a][i])) for a in order)
            lines.append(f'  printf("{cname} {i} %.17g\\n", {cname}({args}));')
    lines += ["  Py_Finalize();", "  return 0;", "}"]
    src = tmp_path / "all_exports.c"
    src.write_text("\n".join(lines) + "\n")
    out = _run(tmp_path, _build(tmp_path, src, "all_exports"))
    values = {}
    for line in out.splitlines():
        cname, i, v = line.split()
        values.setdefault(cname, np.empty(NCELLS))[int(i)] = float(v)
    return inputs, values


@pytest.mark.parametrize("cname", sorted(MATCHED))
def test_every_export_matches_python(cname, all_exports_run):
    inputs, values = all_exports_run
    func = MATCHED[cname]
    try:
        expected = func(**inputs[cname])
    except ValueError as exc:
        pytest.skip(f"the Python closure rejects input its Arg specs allow ({exc}); "
                    "see test_closure_api.py::test_arg_specs_describe_the_domain")
    # the C function takes the kernel's arguments, in the order of the closure's
    # signature (what examples/README.md promises C users)
    assert list(EXPORTS[cname][2]) == list(inspect.signature(func).parameters)
    # %.17g round-trips doubles exactly; the C call and the driver run the same
    # kernel, compiled in different translation units (allow a few ulp).
    np.testing.assert_allclose(values[cname], expected, rtol=4 * np.finfo(float).eps, atol=0)


def test_exports_follow_the_pxd_files():
    """The built C API covers every exportable declaration of the kernel .pxd files."""
    import runpy
    src = Path(__file__).resolve().parents[2] / "cython_src"
    gen = runpy.run_path(str(src / "generate_capi.py"))
    entries = gen["collect"](str(src / "crplugin" / "kernels"))
    declared = {(m, k, tuple(a)) for m, k, a in entries}
    built = {(m, k, tuple(a)) for m, k, a in EXPORTS.values()}
    assert declared == built, (
        "capi is stale (rebuild with setup.py build_ext): "
        f"declared only {sorted(declared - built)}, built only {sorted(built - declared)}")
