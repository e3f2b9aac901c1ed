"""The CR-modified shock tube (Pfrommer et al. 2006, no CR injection).

First the exact two-fluid solution (``crplugin.problems._cr_riemann``) against
limits it must reproduce and against the conservation laws; then the solver
(two-moment CR transport with kappa = 0, no streaming, CR exchange on, so the
gas feels -grad P_c) against it.
"""
import numpy as np
import pytest

from crplugin import problems
from crplugin.problems import _cr_riemann, _riemann, shock_tube
from crplugin.state import IEC, IEN
from crplugin.simulation import Simulation, make_parameters

XI = np.linspace(-4.0, 4.0, 4001)


@pytest.mark.parametrize("gamma", [1.4, 5.0 / 3.0])
@pytest.mark.parametrize("left, right", [((1.0, 0.0, 1.0), (0.125, 0.0, 0.1)),      # Sod
                                         ((1.0, 0.0, 1000.0), (1.0, 0.0, 0.01)),    # Toro test 3
                                         ((1.0, -0.5, 1.0), (0.5, 0.7, 0.4))])      # two rarefactions
def test_no_crs_is_the_gamma_law_solution(left, right, gamma):
    # P_c = 0: the composite isentrope and Hugoniot are the gas ones; only rounding differs
    a = _riemann.sample(XI, left, right, gamma)
    b = _cr_riemann.sample(XI, left + (0.0,), right + (0.0,), gamma_g=gamma)
    for x, y in zip(a, b[:3]):
        np.testing.assert_allclose(y, x, rtol=1e-12, atol=1e-12 * max(left[2], right[2]))
    assert np.all(b[3] == 0.0)


def test_crs_only_rarefactions_are_a_gamma_4_3_gas():
    # P_g = 0 and no shock: the CRs are an adiabatic gamma = 4/3 fluid, exactly
    left, right = (1.0, -0.3, 1.0), (0.5, 0.4, 0.6)
    a = _riemann.sample(XI, left, right, 4.0 / 3.0)
    rho, v, pg, pc = _cr_riemann.sample(XI, (1.0, -0.3, 0.0, 1.0), (0.5, 0.4, 0.0, 0.6))
    for x, y in zip(a, (rho, v, pc)):
        np.testing.assert_allclose(y, x, rtol=1e-12, atol=1e-14)
    assert np.abs(pg).max() < 1e-14


def test_crs_only_shock_departs_from_gamma_4_3_at_third_order():
    # Through a shock the CRs stay adiabatic and the dissipation heats the gas, so a
    # CR-only shock is not a gamma = 4/3 shock; the Hugoniot and the isentrope agree to
    # second order in the strength eps, so the difference must scale as eps^3.
    diffs = []
    for eps in (0.2, 0.1):
        rho, v, pg, pc = _cr_riemann.sample(XI, (1.0, 0.0, 0.0, 1.0 + eps), (1.0, 0.0, 0.0, 1.0))
        diffs.append(abs(_cr_riemann.CRRiemann((1.0, 0.0, 0.0, 1.0 + eps), (1.0, 0.0, 0.0, 1.0)).p_star
                         - _riemann.star_state((1.0, 0.0, 1.0 + eps), (1.0, 0.0, 1.0), 4.0 / 3.0)[0]))
        assert np.abs(pg).max() > 0          # the shock heats the gas
    order = np.log2(diffs[0] / diffs[1])
    assert 2.7 < order < 3.3, (diffs, order)


def test_solution_conserves_mass_momentum_energy():
    # Integrate the self-similar solution over a box the waves do not leave: mass and
    # energy are unchanged, momentum grows by (P_L - P_R) t.  Midpoint sums of
    # discontinuous profiles on 40001 points are exact to ~jump x dx = 1e-4.
    left, right, t = (1.0, 0.0, 1.0, 2.0), (0.2, 0.0, 0.1, 0.1), 0.2
    x = np.linspace(-1.0, 1.0, 40001)
    dx = x[1] - x[0]
    sol = _cr_riemann.CRRiemann(left, right)
    rho, v, pg, pc = sol.sample(x / t)
    e = 0.5 * rho * v ** 2 + 1.5 * pg + 3.0 * pc
    mass0 = (left[0] + right[0]) * 1.0
    energy0 = (1.5 * left[2] + 3.0 * left[3]) + (1.5 * right[2] + 3.0 * right[3])
    mom = ((left[2] + left[3]) - (right[2] + right[3])) * t
    assert np.sum(rho) * dx == pytest.approx(mass0, rel=2e-4)
    assert np.sum(rho * v) * dx == pytest.approx(mom, rel=2e-4)
    assert np.sum(e) * dx == pytest.approx(energy0, rel=2e-4)
    # contact: equal total pressure, both partial pressures jump; CR entropy P_c/rho^(4/3)
    # is that of the initial state on each side (adiabatic through the shock too)
    (rl, pgl, pcl), (rr, pgr, pcr) = sol.star["left"], sol.star["right"]
    assert pgl + pcl == pytest.approx(pgr + pcr, rel=1e-12)
    assert pcl / rl ** (4 / 3) == pytest.approx(left[3] / left[0] ** (4 / 3), rel=1e-12)
    assert pcr / rr ** (4 / 3) == pytest.approx(right[3] / right[0] ** (4 / 3), rel=1e-12)


def test_bad_states_are_refused():
    with pytest.raises(ValueError, match="left state"):
        _cr_riemann.CRRiemann((-1.0, 0.0, 1.0, 1.0), (1.0, 0.0, 1.0, 1.0))
    with pytest.raises(ValueError, match="vacuum"):
        _cr_riemann.CRRiemann((1.0, -10.0, 0.1, 0.1), (1.0, 10.0, 0.1, 0.1))


# --------------------------------------------------------------------------
# the solver against the exact solution

# (extra parameters, end time, v_max): the default states and Pfrommer et al. 2006's strong
# shock (waves 233 x faster: same box at t/233, v_max 20 x the fastest wave in both)
TUBES = {
    "default": ([], 0.2, 50.0),
    "pfrommer2006": ([f"problem.{k}={v}" for k, v in shock_tube.CR_STRONG.items()], 0.2 * 2.55 / 594.0, 11700.0),
}


def run_cr_tube(n, tube="default", overrides=(), t_end=None):
    extra, tlim, vmax = TUBES[tube]
    t_end = tlim if t_end is None else t_end
    prob = problems.load("shock_tube")
    params = make_parameters(prob, problems.input_file("shock_tube"), [
        "problem.kind=cr", "mhd.gamma=1.6666666666666667", "cr.enabled=true", f"mesh.nx={n}",
        f"cr.v_max={vmax}", f"time.tlim={t_end}"] + extra + list(overrides))
    sim = Simulation(params, prob)
    while sim.time < t_end * (1 - 1e-14):
        sim.step(min(sim.timestep(), t_end - sim.time))
    f = sim.output_fields()
    x = sim.block.centres(0)[sim.block.active[2]]
    got = {"rho": f["density"][0][0, 0], "v": f["velocity_x"][0][0, 0], "pg": f["pressure"][0][0, 0],
           "pc": f["cr_energy_density"][0][0, 0] / 3.0}
    left, right, _ = shock_tube.states(params)
    return x, sim.time, got, _cr_riemann.CRRiemann(left[:4], right[:4])


def l1(got, sol, xi):
    exact = dict(zip(("rho", "v", "pg", "pc"), sol.sample(xi)))
    return {k: float(np.mean(np.abs(got[k] - exact[k]))) for k in exact}


@pytest.fixture(scope="module")
def tubes():
    out = {}
    for tube in TUBES:
        for n in (200, 400, 800):
            x, t, got, sol = run_cr_tube(n, tube)
            out[tube, n] = (x, t, got, sol)
    return out


def test_cr_supported_sound_is_stable(tubes):
    # Without the acoustic floor of the CR HLL speeds (kappa = 0 leaves them at the gas
    # velocity) the CR-supported sound waves grew: L1(rho) went 0.026 -> 0.070 from 200 to
    # 400 cells.  Stable now: the error must not grow, and stays at the level of the
    # smearing of a contact and a shock of jump ~0.3 over a few cells (<~ 1 %).
    e = {n: l1(tubes["default", n][2], tubes["default", n][3], tubes["default", n][0] / tubes["default", n][1])
         for n in (200, 400)}
    for k in ("rho", "v", "pg", "pc"):
        assert e[400][k] <= 1.05 * e[200][k], (k, e)
    assert e[400]["rho"] < 6e-3 and e[400]["pc"] < 1.5e-2


@pytest.mark.parametrize("tube", list(TUBES))
def test_solver_converges_to_the_exact_cr_shock_tube(tubes, tube):
    """Two CR fractions: the default tube (post-shock P_c/P = 0.34) and Pfrommer et al.
    2006's Mach ~ 10 shock into P_c = P_g gas (post-shock P_c/P = 0.028).  With the energy
    form alone the post-shock P_c plateau was +7.7 % (default) and +27 % (Pfrommer) off at
    every resolution; with the CRs compressed adiabatically at the detected shock
    (docs/cr_shocks.md) it converges."""
    errors, plateau = {}, {}
    for n in (200, 400, 800):
        x, t, got, sol = tubes[tube, n]
        xi = x / t
        errors[n] = l1(got, sol, xi)
        plateau[n] = shock_tube.cr_errors(xi, got, sol)
        # shock: where rho crosses halfway between the pre- and post-shock values
        dx = x[1] - x[0]
        rho_r, rho_s = sol.right.rho, sol.star["right"][0]
        mid = 0.5 * (rho_r + rho_s)
        i = len(x) - 1 - np.argmax((got["rho"] > mid)[::-1])
        x_s = x[i] + (got["rho"][i] - mid) / (got["rho"][i] - got["rho"][i + 1]) * dx
        # a captured shock sits within ~2 cells of its exact position
        assert abs(x_s - t * sol.waves["right_shock"]) < 2 * dx, (n, x_s)
    for k in ("rho", "pc"):
        # discontinuities make the L1 error first order at best: ask for a clear fall (x 1.4)
        assert errors[400][k] < errors[200][k] / 1.4 and errors[800][k] < errors[400][k] / 1.4, (k, errors)
    # the rule itself: behind the shock the CR entropy P_c / rho^gamma_c is the pre-shock one
    # (median over the middle half of the plateau), to the 0.5 % the plateau is asked for
    x, t, got, sol = tubes[tube, 800]
    xi = x / t
    c, s = sol.waves["contact"], sol.waves["right_shock"]
    sel = (xi > c + 0.25 * (s - c)) & (xi < s - 0.25 * (s - c))
    entropy = np.median(got["pc"][sel] / got["rho"][sel] ** (4.0 / 3.0))
    assert entropy == pytest.approx(sol.right.pc / sol.right.rho ** (4.0 / 3.0), rel=5e-3)
    # the post-shock P_c plateau within 0.5 % of the exact value at 800 cells
    assert abs(plateau[800]["pc_plateau"]) < 5e-3, plateau


def test_no_odd_even_mode_at_the_contact():
    # Cause of the odd-even mode: the gas Riemann solver's signal speeds ignored the CR
    # pressure, so its dissipation missed the composite sound wave (sqrt((5/3 P_g + 4/3 P_c)
    # /rho) = 1.74 vs 1.0 for the gas alone in the left star state) and the grid-scale
    # composite sound mode grew between the rarefaction tail and the contact (P_c off by
    # -11 % at 1600 cells; v alternated by +-6 % from cell to cell already at 400 cells).
    # Now the odd-even amplitude of P_c and v there is below 2e-3 (1e-5 at t = 0.2,
    # benchmarks/cr_shocktube.py).
    x, t, got, sol = run_cr_tube(1600, t_end=0.1)
    assert shock_tube.odd_even(x / t, got["pc"], sol) < 2e-3
    assert shock_tube.odd_even(x / t, got["v"], sol) * sol.star["left"][2] / sol.v_star < 2e-3


def test_energy_is_conserved_through_the_shock_rule():
    # The rule moves energy between CRs and gas, never creates it: total (gas + CR) energy
    # in the box is constant to round-off while no wave has reached the boundary.
    prob = problems.load("shock_tube")
    params = make_parameters(prob, problems.input_file("shock_tube"), [
        "problem.kind=cr", "mhd.gamma=1.6666666666666667", "cr.enabled=true", "mesh.nx=200",
        "cr.v_max=50", "time.tlim=0.1"])
    sim = Simulation(params, prob)
    act = sim.block.active

    def total():
        return float(np.sum(sim.state.u[(IEN,) + act]) + np.sum(sim.state.cr[(IEC,) + act]))

    e0, moved = total(), 0.0
    while sim.time < 0.1 * (1 - 1e-14):
        sim.step(min(sim.timestep(), 0.1 - sim.time))
        moved += float(np.abs(sim.shock_rule.d_ec[act]).sum())
    assert moved > 1e-3 * e0                       # the rule did act
    assert total() == pytest.approx(e0, rel=1e-13, abs=0)


@pytest.mark.parametrize("key, value", [("rho_l", "0"), ("p_r", "-1"), ("pc_l", "-0.5"), ("rho_r", "nan")])
def test_bad_states_give_one_error_line(key, value, tmp_path):
    from crplugin import cli
    import subprocess, sys
    res = subprocess.run([sys.executable, "-m", "crplugin", "run", "shock_tube", "-o", str(tmp_path),
                          "problem.kind=cr", "mhd.gamma=1.6666666666666667", "cr.enabled=true",
                          "mesh.nx=16", f"problem.{key}={value}"], capture_output=True, text=True)
    assert res.returncode != 0
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and key in lines[0] and "Traceback" not in res.stderr, res.stderr
    assert not list(tmp_path.iterdir())            # nothing written


# --------------------------------------------------------------------------
# CR acceleration at shocks (source term shock_acceleration)

def test_shock_acceleration_injects_its_fraction_of_the_dissipated_energy():
    # Default tube with eta = 0.05.  The dissipation the term measures at the right shock
    # (cells beyond the middle of the post-shock plateau, after the start-up, t > t_end/4)
    # is the Rankine-Hugoniot one, e_diss (s - c) per unit time with
    # e_diss = (P_g2 - P_g1 (rho2/rho1)^gamma)/(gamma - 1) of the exact (eta = 0) solution;
    # eta = 0.05 changes the shock by < 1 % (measured: the same 0.96 ratio at eta = 0.01).
    # Measured 0.963 (400 cells): the weak tails of the captured shock, below the
    # detector's threshold, hold ~4 % of it.  The CRs get eta of it, the gas loses as much.
    eta, t_end, n = 0.05, 0.2, 400
    prob = problems.load("shock_tube")
    params = make_parameters(prob, problems.input_file("shock_tube"), [
        "problem.kind=cr", "mhd.gamma=1.6666666666666667", "cr.enabled=true", f"mesh.nx={n}",
        "cr.v_max=50", "sources.enabled=shock_acceleration", f"shock_acceleration.efficiency={eta}"])
    sim = Simulation(params, prob)
    term = sim.sources[0]
    sol = _cr_riemann.CRRiemann((1.0, 0.0, 1.0, 2.0), (0.2, 0.0, 0.1, 0.1))
    act = sim.block.active
    x = sim.block.centres(0)[act[2]]
    dx = x[1] - x[0]

    def total():
        return float(np.sum(sim.state.u[(IEN,) + act]) + np.sum(sim.state.cr[(IEC,) + act]))

    e0, at_shock, elsewhere, t0 = total(), 0.0, 0.0, 0.25 * t_end
    while sim.time < t_end * (1 - 1e-14):
        injected_before = term.injected
        sim.step(min(sim.timestep(), t_end - sim.time))
        # this step's injection: eta times this step's dissipation (round-off of the running sum)
        assert term.injected - injected_before == pytest.approx(eta * term.last_dissipated.sum() * dx,
                                                                rel=1e-9, abs=1e-15 * term.injected)
        if sim.time > t0:
            mid = 0.5 * (sol.waves["contact"] + sol.waves["right_shock"]) * sim.time
            d = term.last_dissipated[0, 0]
            at_shock += d[x > mid].sum() * dx
            elsewhere += d[x <= mid].sum() * dx
    (rho2, pg2, _), g = sol.star["right"], 5.0 / 3.0
    e_diss = (pg2 - 0.1 * (rho2 / 0.2) ** g) / (g - 1.0)
    exact = e_diss * (sol.waves["right_shock"] - sol.waves["contact"]) * (sim.time - t0)
    assert at_shock == pytest.approx(exact, rel=0.06)
    assert elsewhere == 0.0                        # no injection at the contact or in the fan
    assert term.injected == pytest.approx(eta * term.dissipated, rel=1e-12)
    assert total() == pytest.approx(e0, rel=1e-13, abs=0)


def test_shock_acceleration_refuses_a_run_without_the_detector():
    prob = problems.load("shock_tube")
    params = make_parameters(prob, problems.input_file("shock_tube"), [
        "problem.kind=cr", "mhd.gamma=1.6666666666666667", "cr.enabled=true", "mesh.nx=16",
        "mhd.eos=isothermal", "mhd.iso_sound_speed=1", "sources.enabled=shock_acceleration"])
    with pytest.raises(ValueError, match="shock_acceleration"):
        Simulation(params, prob)
