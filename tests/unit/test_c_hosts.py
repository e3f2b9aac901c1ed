"""The closures in C, C++ and Fortran without Python: build the example hosts, run them, compare.

The headers in ``crplugin.get_c_include()`` are the one definition of every
pointwise closure; the Cython kernels (and so ``crplugin.closures``) call the
same functions.  Here the system compilers (cc, c++, gfortran) build

* the example hosts of ``examples/`` exactly as examples/README.md says, check
  that they need no Python (``ldd``, ``nm``), run them and recompute every
  printed closure value with ``crplugin.closures`` (same C function: equal to
  the last bits) and the paper's numbers (Zweibel 2021, section 6);
* a C and a Fortran harness that call *every* closure of the headers on inputs
  drawn from the ``Arg`` specs of the Python closures (read at run time, so the
  compiler cannot fold them), which checks each Fortran ``bind(C)`` interface;
* the headers in strict C99 and C++11 with warnings as errors.

A missing compiler is a failure, not a skip: ``make test`` promises these
hosts (``.ci/run`` installs gfortran on a fresh machine).
"""
import inspect
import os
import re
import runpy
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest

import crplugin
import crplugin.constants as const
from crplugin import closures

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_closure_api import CLOSURES, sample_inputs  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
INC = Path(crplugin.get_c_include())
GEN = runpy.run_path(str(ROOT / "cython_src" / "generate_fortran.py"))
HEADER_FUNCS = GEN["collect"](str(INC))      # [(module, name, ret, [(ctype, arg)])]
EPS = np.finfo(float).eps


def _compiler(env, *names):
    found = os.environ.get(env) or next(filter(None, map(shutil.which, names)), None)
    if found is None:
        pytest.fail(f"no {names[-1]} on PATH (Debian: apt-get install {names[-1]}); "
                    "the C/C++/Fortran hosts cannot be checked")
    return found


def cc():
    return _compiler("CC", "cc", "gcc")


def cxx():
    return _compiler("CXX", "c++", "g++")


def fc():
    return _compiler("FC", "gfortran")


def _run(cmd, **kw):
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=300, **kw)
    assert proc.returncode == 0, f"{' '.join(map(str, cmd))} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def _assert_no_python(exe):
    """The executable neither links libpython nor needs any Python symbol."""
    if shutil.which("ldd"):
        libs = _run(["ldd", exe])
        assert "libpython" not in libs, libs
    undefined = _run(["nm", "-u", exe]).split()
    assert not [s for s in undefined if s.startswith(("Py", "_Py"))], "needs Python symbols"


@pytest.fixture(scope="module")
def fortran_objects(tmp_path_factory):
    """crplugin_symbols.o and the module crplugin (.o, .mod), built as docs/linking.md says."""
    d = tmp_path_factory.mktemp("fortran_objects")
    _run([cc(), "-O2", "-c", f"-I{INC}", INC / "crplugin" / "crplugin_symbols.c"], cwd=d)
    _run([fc(), "-O2", "-std=f2018", "-Wall", "-Werror", "-c", INC / "crplugin" / "crplugin.f90"],
         cwd=d)
    return d


# --------------------------------------------------------------------------
# the example hosts

def _closure_lines(out):
    """``[(name, [numbers])]`` of the ``crp_<name> ...`` lines a host prints."""
    rows = []
    for line in out.splitlines():
        if line.startswith("crp_"):
            name, *nums = line.split()
            rows.append((name, [float(x) for x in nums]))
    return rows


def _headline(out, key):
    return float(next(line for line in out.splitlines() if line.startswith(key + " ")).split()[-1])


def _check_against_python(rows):
    """Every printed closure value equals crplugin.closures.<name> on the printed inputs."""
    checked = 0
    for name, nums in rows:
        func = CLOSURES.get(name[len("crp_"):])
        if func is None:
            continue
        nargs = len(inspect.signature(func).parameters)
        args, value = nums[:nargs], nums[nargs:]
        assert len(value) == 1, f"{name}: expected {nargs} arguments and one value, got {nums}"
        # the same C function on the same doubles: a few ulp at most (libm, code generation)
        np.testing.assert_allclose(value[0], func(*args), rtol=4 * EPS, atol=0, err_msg=name)
        checked += 1
    return checked


def _check_zweibel(out, rows):
    """Zweibel (2021) section 6 numbers printed by a host."""
    v = dict((n, nums) for n, nums in rows)
    B, rho, v_A = v["crp_alfven_speed"]
    assert v_A == pytest.approx(np.abs(B) / np.sqrt(4 * np.pi * rho), rel=1e-14)  # the formula
    assert _headline(out, "v_A/c") == pytest.approx(2.0e-4, rel=0.02)             # "2e-4"
    assert _headline(out, "tau_B") == pytest.approx(3.67e12, rel=2e-3)            # eq 3
    assert _headline(out, "H_pa") == pytest.approx(1.2e-30, rel=0.02)             # eq 48, printed 1.2e-30
    heat = [nums for n, nums in rows if n == "crp_streaming_heating"]
    assert len(heat) == 8
    for v_A_i, grad, H in heat:                                                   # eq 38
        assert H == pytest.approx(abs(v_A_i * grad), rel=1e-15)


def test_c_host(tmp_path):
    exe = tmp_path / "c_host"
    # strict C99 (the documented line plus warnings as errors)
    _run([cc(), "-O2", "-std=c99", "-pedantic", "-Wall", "-Wextra", "-Werror", f"-I{INC}",
          EXAMPLES / "c_host.c", "-o", exe, "-lm"])
    _assert_no_python(exe)
    out = _run([exe])
    rows = _closure_lines(out)
    assert _check_against_python(rows) == len(rows) == 12
    _check_zweibel(out, rows)


def test_cpp_host(tmp_path):
    exe = tmp_path / "cpp_host"
    _run([cxx(), "-O2", "-std=c++11", "-pedantic", "-Wall", "-Wextra", "-Werror", f"-I{INC}",
          EXAMPLES / "cpp_host.cpp", "-o", exe])
    _assert_no_python(exe)
    rows = _closure_lines(_run([exe]))
    assert _check_against_python(rows) == len(rows) == 12
    # compression heats as much as expansion: |dlnB/dt| (Zweibel 2021 eq 48)
    heat = {nums[2]: nums[3] for n, nums in rows if n == "crp_pa_heating"}
    assert heat[0.0] == 0.0


def test_fortran_host(tmp_path, fortran_objects):
    exe = tmp_path / "fortran_host"
    _run([fc(), "-O2", "-std=f2018", "-Wall", "-Werror", f"-I{fortran_objects}",
          EXAMPLES / "fortran_host.f90", fortran_objects / "crplugin.o",
          fortran_objects / "crplugin_symbols.o", "-o", exe])
    _assert_no_python(exe)
    out = _run([exe])
    rows = _closure_lines(out)
    assert _check_against_python(rows) == 12
    _check_zweibel(out, rows)

    # QLT integral of isotropic scattering, D_mumu = nu (1 - mu^2)/2: exactly v^2 / (3 nu)
    # (review; Simpson's rule integrates the quadratic integrand exactly) and the Python closure
    n, nu, v, kappa = dict(rows)["crp_kappa_par_qlt_sampled"]
    assert kappa == pytest.approx(v * v / (3 * nu), rel=1e-14)
    mu = np.linspace(-1.0, 1.0, int(n))
    np.testing.assert_allclose(kappa, closures.kappa_par_qlt(mu, 0.5 * nu * (1 - mu**2), v),
                               rtol=4 * EPS)

    # diffusion tensor: the Python closure, and D b = D_par b for the field direction
    bx, by, bz, D_par, D_perp, D_A, *D = dict(rows)["crp_diffusion_tensor_components"]
    D = np.array(D).reshape(3, 3)
    np.testing.assert_allclose(D, closures.diffusion_tensor([bx, by, bz], D_par, D_perp, D_A),
                               rtol=4 * EPS, atol=4 * EPS * D_par)
    b = np.array([bx, by, bz]) / np.linalg.norm([bx, by, bz])
    np.testing.assert_allclose(D @ b, D_par * b, rtol=1e-14)


# --------------------------------------------------------------------------
# every closure of the headers, from C and from Fortran

def _python_reference(module, cname, args):
    """(inputs, values) for the header function ``cname`` on NCELL valid inputs, or None."""
    name = cname[len("crp_"):]
    kernels = __import__(f"crplugin.kernels.{module}", fromlist=["_"])
    rng = np.random.default_rng(zlib.crc32(cname.encode()))   # the same inputs every run
    func = next((f for f in CLOSURES.values()
                 if getattr(f.driver, "__name__", "") == f"{name}_array"
                 and getattr(f.driver, "__module__", "") == f"crplugin.kernels.{module}"), None)
    if func is not None:
        # C takes the arguments in the order of the Python signature (what the docs promise)
        assert list(inspect.signature(func).parameters) == args, f"{cname}: argument order"
        inputs = sample_inputs(func, rng, shape=(NCELL,))
        return {a: inputs[a] for a in args}, np.asarray(func(**inputs), dtype=float)
    # kernels with no public closure of their own: their array driver, or the formula
    if name == "malkov_S":
        inputs = {"y": rng.uniform(0.1, 30.0, NCELL), "mu": rng.uniform(-0.99, 0.99, NCELL)}
    elif name in ("cie_cooling_function", "net_heating_rate"):
        T = 10 ** rng.uniform(3.5, 9.0, NCELL)
        inputs = {"T": T}
        if name == "net_heating_rate":
            inputs = {"n_H": rng.uniform(1e-4, 1.0, NCELL), "T": T,
                      "heating_per_H": rng.uniform(1e-27, 1e-25, NCELL),
                      "lambda_norm": rng.uniform(0.5, 2.0, NCELL),
                      "T_floor": np.where(rng.uniform(size=NCELL) < 0.3, 1e10, 1e4)}
    else:
        return None
    if name == "net_heating_rate":
        lam = np.empty(NCELL)
        kernels.cie_cooling_function_array(inputs["T"], lam)
        n_H = inputs["n_H"]
        cool = np.where(inputs["T"] > inputs["T_floor"], n_H * n_H * inputs["lambda_norm"] * lam, 0.0)
        return inputs, n_H * inputs["heating_per_H"] - cool
    out = np.empty(NCELL)
    getattr(kernels, f"{name}_array")(*inputs.values(), out)
    return inputs, out


NCELL = 6
SCALAR = [(m, n, [a for _, a in args]) for m, n, ret, args in HEADER_FUNCS
          if ret == "double" and all(t == "double" for t, _ in args)]


@pytest.fixture(scope="module")
def reference():
    """``{cname: (argument names, inputs (nargs, NCELL), expected)}`` for every scalar closure."""
    ref = {}
    for module, cname, args in SCALAR:
        got = _python_reference(module, cname, args)
        assert got is not None, f"{cname}: no Python closure or driver to compare with"
        inputs, expected = got
        assert list(inputs) == args, f"{cname}: C arguments {args}, Python {list(inputs)}"
        ref[cname] = np.array([inputs[a] for a in args]), expected
    return ref


def _stdin(reference):
    return "".join(f"{c} " + " ".join(repr(float(x)) for x in inputs[:, i]) + "\n"
                   for c, (inputs, _) in reference.items() for i in range(NCELL))


def _compare(out, reference):
    got = {}
    for line in out.splitlines():
        if line.startswith("crp_"):
            cname, value = line.split()
            got.setdefault(cname, []).append(float(value))
    assert sorted(got) == sorted(reference)
    for cname, (_, expected) in reference.items():
        np.testing.assert_allclose(got[cname], expected, rtol=4 * EPS, atol=0, err_msg=cname)
    return {line.split()[1]: float(line.split()[2]) for line in out.splitlines()
            if line.startswith("const ")}


def _check_constants(consts):
    python = {"CRP_C_LIGHT": const.C_LIGHT, "CRP_M_P": const.M_P, "CRP_M_E": const.M_E,
              "CRP_E_CHARGE": const.E_CHARGE, "CRP_K_B": const.K_B, "CRP_EV": const.EV,
              "CRP_PC": const.PC, "CRP_PI": np.pi}
    assert {k.upper(): v for k, v in consts.items()} == python


def test_every_closure_from_c(tmp_path, reference):
    lines = ["#include <stdio.h>", "#include <string.h>", "#include <crplugin.h>", ""]
    for _, cname, args in SCALAR:
        call = ", ".join(f"a[{i}]" for i in range(len(args)))
        lines.append(f"static double call_{cname}(const double *a) {{ return {cname}({call}); }}")
    lines += ["static const struct { const char *name; int nargs; double (*f)(const double *); }",
              "table[] = {"]
    lines += [f'    {{"{c}", {len(a)}, call_{c}}},' for _, c, a in SCALAR]
    lines += ["};", "int main(void) {", "    char name[64]; double a[16]; size_t k; int i;"]
    for c, _ in GEN["constants"](str(INC)):
        lines.append(f'    printf("const {c} %.17g\\n", {c});')
    lines += ['    while (scanf("%63s", name) == 1) {',
              "        for (k = 0; k < sizeof table / sizeof table[0]; k++)",
              "            if (strcmp(name, table[k].name) == 0) break;",
              "        if (k == sizeof table / sizeof table[0]) return 2;",
              "        for (i = 0; i < table[k].nargs; i++)",
              '            if (scanf("%lf", &a[i]) != 1) return 3;',
              '        printf("%s %.17g\\n", name, table[k].f(a));',
              "    }", "    return 0;", "}"]
    src = tmp_path / "all_closures.c"
    src.write_text("\n".join(lines) + "\n")
    exe = tmp_path / "all_closures"
    _run([cc(), "-O2", "-std=c99", "-pedantic", "-Wall", "-Wextra", "-Werror", f"-I{INC}", src,
          "-o", exe, "-lm"])
    _assert_no_python(exe)
    out = _run([exe], input=_stdin(reference))
    _check_constants(_compare(out, reference))


def test_every_closure_from_fortran(tmp_path, reference, fortran_objects):
    lines = ["program all_closures", "  use, intrinsic :: iso_c_binding, only: c_double",
             "  use crplugin", "  implicit none",
             "  character(len=64) :: name", "  character(len=2048) :: line",
             "  real(c_double) :: a(16)", "  integer :: ios"]
    for c, _ in GEN["constants"](str(INC)):
        lines.append(f"  write (*, '(a,1x,es25.17e3)') 'const {c.lower()}', {c.lower()}")
    lines += ["  do", "    read (*, '(a)', iostat=ios) line", "    if (ios /= 0) exit",
              "    read (line, *) name", "    select case (trim(name))"]
    for _, cname, args in SCALAR:
        call = ", ".join(f"a({i + 1})" for i in range(len(args)))
        lines += [f"    case ('{cname}')",
                  f"      read (line, *) name, a(1:{len(args)})",
                  f"      write (*, '(a,1x,es25.17e3)') trim(name), &", f"        {cname}({call})"]
    lines += ["    case default", "      error stop 2", "    end select", "  end do",
              "end program all_closures"]
    src = tmp_path / "all_closures.f90"
    src.write_text("\n".join(lines) + "\n")
    exe = tmp_path / "all_closures_f"
    _run([fc(), "-O2", "-std=f2018", "-Wall", "-Werror", f"-I{fortran_objects}", src,
          fortran_objects / "crplugin.o", fortran_objects / "crplugin_symbols.o", "-o", exe])
    _assert_no_python(exe)
    out = _run([exe], input=_stdin(reference))
    _check_constants(_compare(out, reference))


# --------------------------------------------------------------------------
# one definition: the headers, the cimport API and the Fortran module agree

def test_headers_are_strict_c99_and_cxx(tmp_path):
    src = tmp_path / "all.c"
    src.write_text("#include <crplugin.h>\nint main(void) { return crp_alfven_speed(0.0, 1.0) != 0.0; }\n")
    flags = ["-Wall", "-Wextra", "-Werror", "-pedantic", f"-I{INC}"]
    _run([cc(), "-std=c99", *flags, src, "-o", tmp_path / "c99", "-lm"])
    cpp = tmp_path / "all.cpp"
    cpp.write_text(src.read_text())
    _run([cxx(), "-std=c++11", *flags, cpp, "-o", tmp_path / "cxx11"])
    # and the external definitions, as C and as C++ (a host may compile them either way)
    _run([cc(), "-std=c99", *flags, "-c", INC / "crplugin" / "crplugin_symbols.c", "-o",
          tmp_path / "sym.o"])
    _run([cxx(), "-std=c++11", *flags, "-x", "c++", "-c", INC / "crplugin" / "crplugin_symbols.c",
          "-o", tmp_path / "sym_cxx.o"])
    defined = set(_run(["nm", "--defined-only", tmp_path / "sym.o"]).split())
    assert {n for _, n, _, _ in HEADER_FUNCS} <= defined
    # C linkage also from C++: the same symbol names
    assert {n for _, n, _, _ in HEADER_FUNCS} <= set(
        _run(["nm", "--defined-only", tmp_path / "sym_cxx.o"]).split())


def test_fortran_module_is_generated_from_the_headers():
    committed = (INC / "crplugin" / "crplugin.f90").read_text()
    assert committed == GEN["render"](HEADER_FUNCS, GEN["constants"](str(INC))), (
        "crplugin.f90 is stale: run python cython_src/generate_fortran.py")


_PXD_DECL = re.compile(r"^cdef\s+(double|void)\s+(\w+)\s*\((.*)\)\s*noexcept\s+nogil\s*$")


@pytest.mark.parametrize("module", GEN["MODULES"])
def test_cimport_api_runs_the_header(module):
    """Each closure of ``<module>.pxd`` is the header's ``crp_<name>``: same arguments, one call."""
    kdir = ROOT / "cython_src" / "crplugin" / "kernels"
    header = {n: [a for _, a in args] for m, n, _, args in HEADER_FUNCS if m == module}
    pyx = (kdir / f"{module}.pyx").read_text()
    declared = []
    for line in (kdir / f"{module}.pxd").read_text().splitlines():
        m = _PXD_DECL.match(line.strip())
        if not m:
            continue
        name = m.group(2)
        args = [a.strip().split()[-1].lstrip("*") for a in m.group(3).split(",")]
        declared.append("crp_" + name)
        assert header.get("crp_" + name) == args, f"{name}: .pxd {args}, header {header.get('crp_' + name)}"
        # the definition delegates: no second copy of the formula
        body = re.search(rf"^cdef {m.group(1)} {name}\(.*?\) noexcept nogil:\n(.*?)\n", pyx, re.M | re.S)
        assert body and body.group(1).strip().removeprefix("return ") == f"crp_{name}({', '.join(args)})"
    assert sorted(declared) == sorted(header), "header and .pxd declare different closures"
