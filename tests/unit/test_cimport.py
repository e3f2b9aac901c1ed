"""Another Cython code cimports the closures: build examples/cimport_demo.pyx and compare.

The module is cythonized with ``crplugin.get_include()`` on the include path
(as examples/README.md says), compiled in a temporary directory, imported,
and its results are compared with ``crplugin.closures`` and with the formula.
"""
import importlib.util
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import crplugin
from crplugin.closures import alfven_speed
from crplugin.constants import KPC, K_B, M_P

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

if not (shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")):
    pytest.skip("no C compiler (cc/gcc/clang) on PATH", allow_module_level=True)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cimport_demo")
    shutil.copy(EXAMPLES / "cimport_demo.pyx", tmp)
    (tmp / "build_demo.py").write_text(textwrap.dedent(f"""
        from Cython.Build import cythonize
        from setuptools import Extension, setup
        setup(script_args=["build_ext", "--inplace", "-q"],
              ext_modules=cythonize([Extension("cimport_demo", ["cimport_demo.pyx"])],
                                    include_path=[{crplugin.get_include()!r}], quiet=True))
    """))
    proc = subprocess.run([sys.executable, "build_demo.py"], cwd=tmp, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    so = next(tmp.glob("cimport_demo*.so"), None) or next(tmp.glob("cimport_demo*.pyd"))
    spec = importlib.util.spec_from_file_location("cimport_demo", so)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _halo_column(n, rng):
    """n cells of hot halo gas (Zweibel 2021, section 6) with B of both signs."""
    rho = 0.61 * M_P * 3.2e-13 / (K_B * 1.1e6) * rng.uniform(0.5, 2.0, n)
    B = 1e-6 * rng.uniform(-3.0, 3.0, n)
    return B, rho


def test_cimported_closure_matches_python(demo):
    rng = np.random.default_rng(3)
    B, rho = _halo_column(1000, rng)
    B[::97] = 0.0
    out = np.full_like(B, np.nan)
    demo.alfven_speed_cells(B, rho, out)
    np.testing.assert_array_equal(out, alfven_speed(B, rho))  # same kernel
    np.testing.assert_allclose(out, np.abs(B) / np.sqrt(4 * np.pi * rho), rtol=1e-14, atol=0)


def test_reduction_in_the_host_loop(demo):
    rng = np.random.default_rng(4)
    B, rho = _halo_column(500, rng)
    dx = np.full(500, 0.01 * KPC)
    t = demo.alfven_crossing_time(B, rho, dx)
    expected = np.sum(dx / alfven_speed(B, rho))
    assert t == pytest.approx(expected, rel=1e-12)  # summation order only
    # 5 kpc at v_A ~ 60 km/s (B ~ 1 microgauss) takes of order 100 Myr
    B1 = np.full(500, 1e-6)
    rho1 = np.full(500, 0.61 * M_P * 3.2e-13 / (K_B * 1.1e6))
    assert demo.alfven_crossing_time(B1, rho1, dx) == pytest.approx(5 * KPC / 6.084e6, rel=1e-3)
    B1[10] = 0.0
    assert demo.alfven_crossing_time(B1, rho1, dx) == np.inf


def test_length_mismatch_is_an_error(demo):
    with pytest.raises(ValueError, match="same length"):
        demo.alfven_speed_cells(np.ones(3), np.ones(2), np.empty(3))
