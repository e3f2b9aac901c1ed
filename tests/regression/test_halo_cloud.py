"""CRs streaming into a cool halo cloud (Zweibel 2021 section 6; Wiener et al. 2017, 2019).

Small versions of the problem's own setup (1 kpc box, 12.5 pc cells, cloud
radius 50 pc at x = 0.35 kpc, inflowing P_c ramped to 8e-14 dyn cm^-2 over
5 Myr), run to 20 Myr: in 1D (80 cells) and 2D (80 x 16 cells), about 5 s each.

What is checked, and why the tolerances:

* Upstream plateau (the bottleneck): between the source and the cloud v_A
  is uniform and then falls into the cloud, so the steady P_c is flat at
  the inflow value.  Flatness (max - min)/mean below 3 %: the CR front
  pushes the halo gas, and P_c (v + v_A)^(4/3) is what stays constant along
  the flow, so gas velocity perturbations of a few km/s against
  v_A = 62 km/s tilt P_c by a few per cent at most (measured 0.1 % in 1D,
  0.8 % in 2D at this resolution, 0.9 % in the default 2D run); the
  regularised streaming sign adds L/h_c = 1e-3.  Level within 2 % of the
  inflow value (no gradient, so no streaming loss on the way).
* The plateau reaches into the cloud (P_c at the density maximum above 85 %
  of the inflow: 92-100 % measured; the CRs cross the cloud at
  v_A,cloud = 5.8 km/s, 0.1 kpc in 17 Myr), and in 1D P_c behind the cloud
  falls below 10 % of it: the steady prediction (v_A,min/v_A,halo)^(4/3) is
  4 % for the initial cloud and 11 % for the measured profile at 20 Myr (the
  cloud is heated to ~1.2e4 K by the background heating, and its edge is
  smeared over 4 cells); measured 4.5 % (the cloud is still being pushed at
  9 km/s, faster than v_A,cloud, so the back side is not yet steady).
* PA heating (Zweibel eq 48): exactly zero in 1D, where B_x is uniform and
  constant (div B = 0), so dlnB/dt = 0.  In 2D it is positive but far below
  the background heating: Zweibel's 1.3 % is for her section-6 expansion
  time tau_B = 3.7e12 s (the CR pressure rising by 8e-14 in 0.12 Myr); here
  it rises over the 5 Myr ramp, so the effective expansion time must be
  longer and the ratio smaller (measured tau_eff = 5.8e14 s, ratio 6e-5).
  Against the streaming heating it is O(v_A/c) (Zweibel section 4.3: PA
  heating is smaller than streaming heating by ~ v_A/c for comparable
  driving): checked to an order of magnitude, [0.1, 10] v_A/c (measured
  0.4 v_A/c here and in the default run).
"""
import numpy as np
import pytest

from crplugin import problems
from crplugin.run import run
from crplugin.simulation import Simulation, make_parameters
from crplugin.state import IDN, IEC

SMALL = ["mesh.nx=80", "time.tlim=20", "output.progress=false"]
CASES = {"1d": SMALL + ["mesh.ny=1"],
         "2d": SMALL + ["mesh.ny=16", "mesh.x2min=-0.1", "mesh.x2max=0.1"]}
TAU_B_ZWEIBEL = 3.67e12   # s, Zweibel section 6 (eq 3 with her inputs)


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request, tmp_path_factory):
    out = str(tmp_path_factory.mktemp(f"halo_cloud_{request.param}"))
    hc = problems.load("halo_cloud")
    params = make_parameters(hc, problems.input_file("halo_cloud"), CASES[request.param])
    run(Simulation(params, hc), out)
    return request.param, hc.analyse(out, params)


def test_upstream_plateau(case):
    _, res = case
    assert res["upstream_flatness"] < 0.03
    assert abs(res["upstream_over_inflow"] - 1.0) < 0.02


def test_bottleneck_reaches_the_cloud(case):
    dim, res = case
    assert res["cloud_peak_over_inflow"] > 0.85
    if dim == "1d":
        down = res["downstream_over_prediction"] * res["downstream_prediction_over_inflow"]
        assert down < 0.10


def test_pa_heating(case):
    dim, res = case
    if dim == "1d":
        assert res["pa_heating_mean"] == 0.0
        return
    assert 0.0 < res["pa_over_background_halo"] < 0.013
    assert res["tau_B_effective_s"] > TAU_B_ZWEIBEL
    ratio = res["pa_over_streaming"] / res["v_A_over_c_halo"]
    assert 0.1 < ratio < 10.0


def test_halo_in_thermal_balance_is_enforced():
    hc = problems.load("halo_cloud")
    params = make_parameters(hc, problems.input_file("halo_cloud"), ["cooling.n_H_balance=1e-3", "mesh.ny=1"])
    with pytest.raises(ValueError, match="halo_cloud: cooling.n_H_balance"):
        Simulation(params, hc)


def test_steady_profile_on_frozen_gas_follows_each_field_line():
    # cr.integrator = steady on frozen gas, streaming only, 2D (80 x 32, the default box).
    # B is along x and nothing crosses it, so every row is its own field line with its own
    # bottleneck: P_c flat at the inflow value up to the row's density maximum, then
    # P_c = P_in (rho / rho_max)^(2/3) (v_A falling, then rising along the line).
    # Measured: 140 pseudo steps; L1rel against that per-row profile 1.6e-2, the explicit
    # run's at the same resolution 1.55e-2, the two 6.3e-4 apart (the cloud's 4-cell tanh
    # edge: the level behind the cloud sits 9 % below (rho_halo/rho_cloud)^(2/3), the
    # first-order offset of the bottleneck problem).  With the continuation as it was (one
    # cell per pseudo step, SER following every rise) 3000 pseudo steps did not converge.
    hc = problems.load("halo_cloud")
    params = make_parameters(hc, problems.input_file("halo_cloud"), [
        "mesh.nx=80", "mesh.ny=32", "mhd.evolve=false", "cr.exchange=false", "sources.enabled=streaming",
        "problem.t_ramp=0.01", "cr.integrator=steady", "cr.steady_rtol=1e-4", "output.progress=false"])
    sim = Simulation(params, hc)
    sim.state.time = 1.0                     # the inflow ramp is over
    coeffs, kernel = sim.coefficients()
    steps = sim.cr.solve_steady(sim.state, coeffs, sim.boundaries, decomp=sim.decomp, kernel=kernel,
                                max_steps=600)
    assert steps < 400, steps
    act = sim.block.active
    e = sim.state.cr[(IEC,) + act][0]
    rho = sim.state.u[(IDN,) + act][0]
    e_in = e[:, 0].mean()
    peak = rho.argmax(axis=1)
    theory = np.full_like(e, e_in)
    for j, k in enumerate(peak):
        theory[j, k:] = e_in * (rho[j, k:] / rho[j, k]) ** (2.0 / 3.0)
    assert np.abs(e - theory).sum() / theory.sum() < 3e-2
    centre = e[e.shape[0] // 2]
    # the plateau in the halo up to the cloud's edge (x < 0.30 kpc) is flat to the
    # regularisation's relative slope 1/h_c, at most L/h_c = 1e-3 over the box: measured 9.7e-5
    x = sim.block.x1v[act[2]]
    upstream = x < params["problem.cloud_x"] - params["problem.cloud_radius"]
    assert np.ptp(centre[upstream]) < 1e-3 * e_in
    k = peak[e.shape[0] // 2]
    behind = centre[k + 8:-8].mean() / (e_in * (rho[e.shape[0] // 2, -1] / rho.max()) ** (2.0 / 3.0))
    assert 0.8 < behind < 1.05, behind


def test_frozen_gas_run_is_not_called_steady_before_the_crs_arrive(tmp_path):
    # Frozen gas, streaming only, the inflow ramped over 0.01 Myr: the first step (1000
    # explicit sub-steps, 12.5 Myr at 40 x 16) starts at t = 0 with the ramp at zero, so no
    # CRs enter during it and the state does not change at all.  That quiet first check (at
    # 10 Myr) used to end the run as "steady" with no CRs in the box; now a quiet check stops a
    # run only once it has changed before (or after two quiet checks in a row).  The run then
    # stops once the CR profile has settled, with the upstream plateau at the inflow value.
    # Without the heating
    # diagnostics in the output the analysis reports NaN heating instead of failing.
    hc = problems.load("halo_cloud")
    params = make_parameters(hc, problems.input_file("halo_cloud"), [
        "mesh.nx=40", "mesh.ny=16", "mhd.evolve=false", "cr.exchange=false", "sources.enabled=streaming",
        "problem.t_ramp=0.01", "time.steady_tol=1e-4", "time.tlim=400", "output.dt=1000",
        "output.progress=false"])
    summary = run(Simulation(params, hc), str(tmp_path))
    assert summary["steady_state"] and summary["time"] > 2 * params["time.steady_interval"], summary["time"]
    result = hc.analyse(str(tmp_path), params)
    # flat to the regularised streaming sign's slope 1/h_c: at most L/h_c = 1e-3 over the box
    # (measured: level 1.2e-4 below the inflow value, flatness 5.0e-4)
    assert abs(result["upstream_over_inflow"] - 1.0) < 1e-3, result["upstream_over_inflow"]
    assert result["upstream_flatness"] < 1e-3, result["upstream_flatness"]
    assert np.isnan(result["streaming_heating_mean"]) and np.isnan(result["pa_over_background"])
    assert np.isnan(result["tau_B_effective_s"])
