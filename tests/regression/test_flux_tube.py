"""Flux-tube expansion across B (Zweibel 2021 section 2) against eqs 3, 4 and 48.

The problem's own setup (Zweibel section 6 halo gas, dP_c/dt = 1.67e-25 erg
cm^-3 s^-1 inside R = 0.5 pc, 64^2 cells) run to 20 kyr (about 7 tube
crossing times tau_D = R/C_ma = 2.9 kyr, 0.17 tau_B), analysed after 5 tau_D.

Tolerances:
* tau_B (from B_z at the centre between outputs, and from the velocity
  gradients): 6 %.  The theory assumes a tube in exact pressure balance; the
  start-up of the injection leaves a 2D acoustic tail whose pressure decays
  like (tau_D/t)^2, which makes the tube expand 1-3 % faster than eq 3 at
  t = 5-7 tau_D (measured to 20 kyr: 1.5 % on average from B_z, 2.7 % from
  the local velocity gradients at the centre, at most 2.7 % at any output;
  to 30 kyr at most 4.8 %); the pressure-balance error itself is
  (tau_D/tau_B)^2 = 6e-4.
* PA heating / CR work rate against (4/15) v_A/c: 1e-4.  Both source fields
  use the same velocity gradients (dlnB/dt = -div v for B along z), so the
  ratio is exact in each cell; the centre averages of the two products differ
  only through the 1e-3 variation of v_A across the averaging disc
  (measured 5e-8).
"""
import numpy as np
import pytest

from crplugin import problems
from crplugin.simulation import Simulation, make_parameters
from crplugin.run import run

OVERRIDES = ["time.tlim=20", "output.progress=false"]


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("flux_tube"))
    ft = problems.load("flux_tube")
    params = make_parameters(ft, problems.input_file("flux_tube"), OVERRIDES)
    run(Simulation(params, ft), out)
    return ft.analyse(out, params), params


def test_setup_is_in_the_pressure_balance_regime(result):
    res, _ = result
    # R small: tube crossing time tau_D << tau_B (Zweibel section 2)
    assert res["tau_D_over_tau_B"] < 0.05
    # v_A/c of the section-6 halo (2.0e-4 before the tube expands; B and rho fall together)
    assert 1.5e-4 < res["v_A_over_c"] < 2.1e-4


def test_expansion_time(result):
    res, _ = result
    assert abs(res["tau_B_measured_s"] / res["tau_B_theory_s"] - 1.0) < 0.06
    assert abs(res["dlnBdt_ratio_mean"] - 1.0) < 0.06
    assert abs(res["dlnBdt_field_ratio_mean"] - 1.0) < 0.06
    # CR work rate P_c div v against eq 4, P_c / tau_B (same 2D tail as tau_B)
    assert abs(res["work_eq4_ratio_mean"] - 1.0) < 0.06


def test_pa_heating(result):
    res, _ = result
    # eq 48 over eq 4: H_pa / W_c = (4/15) v_A/c
    assert res["pa_ratio_maxdev"] < 1e-4
    np.testing.assert_allclose(res["pa_over_work"], 4.0 / 15.0 * res["v_A_over_c"], rtol=1e-3)
    # eq 48 with tau_B of eq 3 from the measured state
    assert abs(res["pa_eq48_ratio_mean"] - 1.0) < 0.06


def test_one_dimensional_mesh_is_refused():
    ft = problems.load("flux_tube")
    params = make_parameters(ft, problems.input_file("flux_tube"), ["mesh.ny=1"])
    with pytest.raises(ValueError, match="flux_tube: needs a 2D mesh"):
        Simulation(params, ft)
