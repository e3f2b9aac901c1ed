"""galactic_wind against the steady solutions of its own equations (``_wind_theory``).

* Parker wind (no CRs, point mass GM = 2, c = 0.5, r_c = 4), 256 log-spaced
  cells on 1 < r < 30: started on the exact solution, the discrete steady state
  has Mdot and v(r) within 1 % of the Lambert-W solution and Mdot(r) flat to
  1 % (measured 0.27 %, 0.06 %, 0.15 %);
* the same wind started at half the steady velocity (128 cells) finds the
  steady mass flux by itself: the base holds rho0 and leaves the velocity free
  (measured -1.0 % at t = 150; asserted 2 % at t = 100);
* CRs locked to the gas (P_c0 = 0.1, point mass): P_c ~ rho^(4/3) and Mdot near
  the Bernoulli solution.  The error converges at first order: +4.2 %, +2.4 %
  at 128 and 256 cells (+1.3 % at 512, docs/problems.md); 128 cells are asserted
  at 6 %;
* locked CRs in the default isothermal-sphere potential have no transonic
  wind: asking to start on it is one error line.
"""
import os
import subprocess
import sys

import pytest

from crplugin import problems
from crplugin.simulation import make_parameters

BIN = os.path.dirname(sys.executable)
ENV = dict(os.environ, PATH=BIN + os.pathsep + os.environ.get("PATH", ""), OMP_NUM_THREADS="1",
           MPLBACKEND="Agg")
PARKER = ["cr.enabled=false", "gravity.potential=point_mass", "gravity.gm=2", "sources.enabled=gravity",
          "mhd.magnetic=false"]
LOCKED = ["sources.enabled=gravity", "gravity.potential=point_mass", "gravity.gm=2", "problem.p_c0=0.1",
          "mhd.magnetic=false"]
COMMON = ["output.progress=false", "time.steady_tol=0", "problem.init=steady_solution"]


def run(tmp_path, name, overrides):
    out = str(tmp_path / name)
    res = subprocess.run([sys.executable, "-m", "crplugin", "run", "galactic_wind", "-o", out, "--no-analysis"]
                         + overrides, capture_output=True, text=True, env=ENV, timeout=600)
    assert res.returncode == 0, res.stderr[-2000:]
    gw = problems.load("galactic_wind")
    params = make_parameters(gw, problems.input_file("galactic_wind"), overrides)
    return gw.analyse(out, params)


def test_parker_wind_within_one_percent_at_256_cells(tmp_path):
    res = run(tmp_path, "parker", PARKER + COMMON + ["time.tlim=60", "output.dt=10"])
    assert res["theory"] == "parker"
    assert abs(res["mdot_error"]) < 0.01, res
    assert res["v_max_rel_error"] < 0.01, res
    assert res["mdot_flatness"] < 0.01, res
    assert res["sonic_point"] == pytest.approx(4.0, rel=0.01), res


def test_parker_wind_finds_its_own_mass_flux(tmp_path):
    res = run(tmp_path, "parker_half", PARKER + COMMON + ["mesh.nx=128", "problem.v_scale=0.5",
                                                          "time.tlim=100", "output.dt=20"])
    assert abs(res["mdot_error"]) < 0.02, res


def test_cr_locked_wind_against_the_bernoulli_solution(tmp_path):
    res = run(tmp_path, "locked", LOCKED + COMMON + ["mesh.nx=128", "time.tlim=20", "output.dt=5"])
    assert res["theory"] == "CRs locked to the gas"
    assert abs(res["pc_rho_exponent"] - 4.0 / 3.0) < 0.02, res
    assert 0.0 < res["mdot_error"] < 0.06, res


def test_locked_crs_in_an_isothermal_sphere_is_one_error_line(tmp_path):
    out = tmp_path / "none"
    res = subprocess.run([sys.executable, "-m", "crplugin", "run", "galactic_wind", "-o", str(out),
                          "sources.enabled=gravity", "problem.init=steady_solution"],
                         capture_output=True, text=True, env=ENV, timeout=120)
    lines = res.stderr.strip().splitlines()
    assert res.returncode == 2 and len(lines) == 1 and "Traceback" not in res.stderr, res.stderr
    assert "no transonic" in lines[0] and "steady_solution" in lines[0], lines[0]
    assert not out.exists()
