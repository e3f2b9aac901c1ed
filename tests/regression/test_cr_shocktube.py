"""The CR-modified shock tube (Pfrommer et al. 2006, no CR injection).

First the exact two-fluid solution (``crplugin.problems._cr_riemann``) against
limits it must reproduce and against the conservation laws; then the solver
(two-moment CR transport with kappa = 0, no streaming, CR exchange on, so the
gas feels -grad P_c) against it.
"""
import numpy as np
import pytest

from crplugin import problems
from crplugin.problems import _cr_riemann, _riemann
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

def run_cr_tube(n):
    prob = problems.load("shock_tube")
    params = make_parameters(prob, problems.input_file("shock_tube"), [
        "problem.kind=cr", "mhd.gamma=1.6666666666666667", "cr.enabled=true", f"mesh.nx={n}",
        "cr.v_max=50"])     # 20 x the fastest wave (right shock 2.55)
    sim = Simulation(params, prob)
    t_end = params["time.tlim"]
    while sim.time < t_end * (1 - 1e-14):
        sim.step(min(sim.timestep(), t_end - sim.time))
    f = sim.output_fields()
    x = sim.block.centres(0)[sim.block.active[2]]
    got = {"rho": f["density"][0][0, 0], "v": f["velocity_x"][0][0, 0], "pg": f["pressure"][0][0, 0],
           "pc": f["cr_energy_density"][0][0, 0] / 3.0}
    return x, sim.time, got


@pytest.fixture(scope="module")
def tube_errors():
    left, right = (1.0, 0.0, 1.0, 2.0), (0.2, 0.0, 0.1, 0.1)
    sol = _cr_riemann.CRRiemann(left, right)
    errors = {}
    for n in (200, 400):
        x, t, got = run_cr_tube(n)
        exact = dict(zip(("rho", "v", "pg", "pc"), sol.sample(x / t)))
        errors[n] = {k: float(np.mean(np.abs(got[k] - exact[k]))) for k in exact}
    return errors


def test_cr_supported_sound_is_stable(tube_errors):
    # Without the acoustic floor of the CR HLL speeds (kappa = 0 leaves them at the gas
    # velocity) the CR-supported sound waves grew: L1(rho) went 0.026 -> 0.070 from 200 to
    # 400 cells.  Stable now: the error must not grow, and stays at the level of the
    # smearing of a contact and a shock of jump ~0.3 over a few cells (<~ 1 %).
    e = tube_errors
    for k in ("rho", "v", "pg", "pc"):
        assert e[400][k] <= 1.05 * e[200][k], (k, e)
    assert e[400]["rho"] < 6e-3 and e[400]["pc"] < 1.5e-2


@pytest.mark.xfail(strict=True, reason=(
    "the energy-based two-moment CR equations are not in conservation form at a shock "
    "(v.grad P_c exchange): the numerical dissipation, not CR adiabaticity, decides how "
    "the shock heating is shared between gas and CRs, so the post-shock states miss the "
    "exact ones by 1-3 % at every resolution (Pfrommer et al. 2017 evolve the CR entropy "
    "for this reason); see docs/verification.md"))
def test_solver_converges_to_the_exact_cr_shock_tube():
    left, right = (1.0, 0.0, 1.0, 2.0), (0.2, 0.0, 0.1, 0.1)
    sol = _cr_riemann.CRRiemann(left, right)
    errors = {}
    for n in (200, 400):
        x, t, got = run_cr_tube(n)
        exact = dict(zip(("rho", "v", "pg", "pc"), sol.sample(x / t)))
        errors[n] = {k: float(np.mean(np.abs(got[k] - exact[k]))) for k in exact}
        # shock: where rho crosses halfway between the pre- and post-shock values
        dx = x[1] - x[0]
        mid = 0.5 * (right[0] + sol.star["right"][0])
        i = len(x) - 1 - np.argmax((got["rho"] > mid)[::-1])
        x_s = x[i] + (got["rho"][i] - mid) / (got["rho"][i] - got["rho"][i + 1]) * dx
        # a captured shock sits within ~2 cells of its exact position
        assert abs(x_s - t * sol.waves["right_shock"]) < 2 * dx, (n, x_s)
    print(errors)
    for k in ("rho", "v", "pg", "pc"):
        # discontinuities make the L1 error first order at best: ask for a clear fall (x 1.4)
        assert errors[400][k] < errors[200][k] / 1.4, (k, errors)
    # and an absolute level: a few % of the jumps (rho 0.8, v 1.5, P 1-2) at 400 cells
    assert errors[400]["rho"] < 0.01 and errors[400]["pc"] < 0.02
