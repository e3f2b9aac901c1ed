"""Every verification problem runs through the command line at a small size, and
its analysis returns finite numbers within tolerances set by the physics and the
resolution (each tolerance says why)."""
import math

import numpy as np
import pytest

from crplugin import cli, problems
from crplugin.simulation import make_parameters


def run(name, outdir, overrides):
    args = ["run", name, "-o", str(outdir), "--no-analysis", "output.progress=false"] + overrides
    assert cli.main(args) == 0
    prob = problems.load(name)
    params = make_parameters(prob, problems.input_file(name), overrides + ["output.progress=false"])
    result = prob.analyse(str(outdir), params)
    for key, value in result.items():
        if isinstance(value, float):
            assert math.isfinite(value), (name, key, value)
    return result


@pytest.mark.parametrize("wave, ny, tlim", [("fast", 1, 0.5), ("alfven", 16, 0.7071067811865476)])
def test_linear_wave(tmp_path, wave, ny, tlim):
    n = 32 if ny == 1 else 16
    res = run("linear_wave", tmp_path, [f"problem.wave={wave}", f"mesh.nx={n}", f"mesh.ny={ny}",
                                        f"time.tlim={tlim}"])
    assert res["periods"] == pytest.approx(1.0, rel=1e-12)
    # second-order scheme: per period the error is ~ (k dx)^2 x O(1): (2 pi/32)^2 = 0.04 in
    # 1D, (2 pi/16)^2 = 0.15 in 2D (one wavelength per 16 cells along each axis)
    assert res["L1_error_over_amplitude"] < (0.1 if ny == 1 else 0.4)


def test_linear_wave_convergence_order(tmp_path):
    from crplugin.problems import linear_wave
    dirs = []
    for n in (32, 64):
        run("linear_wave", tmp_path / str(n), [f"mesh.nx={n}", "problem.wave=slow", "time.tlim=2.0"])
        dirs.append(str(tmp_path / str(n)))
    res = linear_wave.convergence(dirs)
    assert res["cells"] == [32, 64]
    assert res["orders"][0] > 1.7      # VL2 + PLM: second order (1.7 leaves room for the limiter at 32 cells)


def test_sod(tmp_path):
    res = run("shock_tube", tmp_path, ["mesh.nx=200"])
    # Toro (2009) table 4.2: p* = 0.30313, u* = 0.92745 (the exact solver)
    assert res["p_star"] == pytest.approx(0.30313, abs=5e-6)
    # a captured shock sits within ~2 cells; L1 errors of discontinuous profiles are first
    # order: ~ jump (0.2-0.9) x a few cells / 200 cells
    assert abs(res["shock_position_error_cells"]) < 2
    assert res["L1_rho"] < 0.01 and res["L1_vx"] < 0.02 and res["L1_p"] < 0.01


def test_brio_wu(tmp_path):
    res = run("shock_tube", tmp_path, ["problem.kind=brio_wu", "mhd.gamma=2"])
    # published values are quoted to 2-4 digits and read off figures: 2 %
    assert res["max_relative_plateau_deviation"] < 0.02


def test_cr_shock_tube_runs(tmp_path):
    res = run("shock_tube", tmp_path, ["problem.kind=cr", "mhd.gamma=1.6666666666666667",
                                       "cr.enabled=true", "mesh.nx=100"])
    # only that the run and its analysis work: the accuracy test is test_cr_shocktube.py
    # (the coupled scheme is not yet stable at kappa = 0); the exact star state is fixed
    assert res["p_star"] > 0.1 and 0 < res["v_star"] < 2.55
    assert res["L1_rho"] < 0.8            # bounded by the density jump (1 - 0.2)


def test_bad_kind_settings_are_one_readable_error(tmp_path, capsys):
    assert cli.main(["run", "shock_tube", "-o", str(tmp_path), "problem.kind=brio_wu"]) == 2
    err = capsys.readouterr().err
    assert "shock_tube" in err and "mhd.gamma" in err and "Traceback" not in err


def test_cr_diffusion(tmp_path):
    res = run("cr_diffusion", tmp_path, ["mesh.nx=24", "mesh.ny=24"])
    # 24 cells over 12 sigma0 (2 cells per sigma0): second-order error ~ (dx/sigma)^2 / 12 x O(1),
    # 2e-2 of the peak at most; the peak drops by the same order
    assert res["L1_error_rel"] < 3e-3
    assert abs(res["peak_error_rel"]) < 0.06


def test_cr_streaming(tmp_path):
    res = run("cr_streaming", tmp_path, ["mesh.nx=128"])
    assert abs(res["front_error_cells"]) < 2          # front at v_A t within 2 cells
    assert res["plateau_max_deviation"] < 0.01        # flat top (0.4 % measured: the front tail)
    # F_c = v_A (E_c + P_c) up to the O(v_A / V_m) = 2.5 % lag of the reduced speed of light
    assert res["flux_over_streaming_flux"] == pytest.approx(1.0, abs=0.03)
    assert res["max_ahead_of_front"] < 1e-4           # nothing free-streams ahead at V_m
