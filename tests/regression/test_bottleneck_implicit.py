"""The steady-state CR solver on the bottleneck agrees with the explicit steady state.

``cr.integrator = "steady"`` solves L(U) = 0 (the same spatial operator as the
explicit integrator) by pseudo-transient continuation; the explicit run is
stopped by its own steady-state criterion (``time.steady_tol = 1e-6``).  Both
are the same discrete steady state up to where each stops, so they must agree
within the issue's 1e-3 in L1rel = sum|P_1 - P_2| / sum P_2 (asserted: 5e-4).

Centred streaming scheme, 128 cells: measured 1.1e-4 between the two; against the
analytic profile (plateau, then P_c ~ rho^(2/3)) both have L1rel 1.6e-2 (1.3e-2 at
256 cells): F_c / (4 v_A P_c) = 0.979 behind the peak at every resolution.  A
missing streaming loss term would put the downstream level at (rho/rho_peak)^(1/2)
instead, an L1rel of ~0.3.

Consistent scheme (the bottleneck's default), 256 cells: measured 1.95e-3 (steady)
and 1.66e-3 (explicit) against the analytic profile, where the centred scheme has
1.3e-2: the test of the scheme.  The two differ by 3.3e-4: the level of the
downstream plateau, P_c = F_c / (4 v_A tanh x_p), depends weakly on where each
solver stops (x_p = h_c |grad P_c| / P_c ~ 3 there: docs/implicit_cr.md).  With the
flux-lag term computed from the transport's change of E_c alone (not the stage's)
the explicit fixed point moved away (9.2e-4 here).
"""
import numpy as np
import pytest

from crplugin import problems
from crplugin.run import run
from crplugin.simulation import Simulation, make_parameters
from crplugin.state import IEC

CELLS = {"centred": 128, "consistent": 256}


def _sim(integrator, scheme):
    prob = problems.load("bottleneck")
    params = make_parameters(prob, problems.input_file("bottleneck"),
                             [f"mesh.nx={CELLS[scheme]}", f"cr.integrator={integrator}", "output.progress=false",
                              f"cr.streaming_scheme={scheme}"])
    sim = Simulation(params, prob)
    x = sim.block.centres(0)[sim.block.active[2]]
    return sim, prob.theory(x, params.section("problem"))


def _pc(sim):
    return sim.state.cr[(IEC,) + sim.block.active][0, 0] / 3.0


def l1rel(p, ref):
    return float(np.abs(p - ref).sum() / ref.sum())


@pytest.fixture(scope="module", params=["centred", "consistent"])
def profiles(request, tmp_path_factory):
    steady, pa = _sim("steady", request.param)
    steady.step(steady.timestep())
    explicit, _ = _sim("explicit", request.param)
    summary = run(explicit, str(tmp_path_factory.mktemp("bottleneck_explicit")))
    assert summary["steady_state"]
    return _pc(steady), _pc(explicit), pa, request.param


def test_steady_solver_equals_explicit_steady_state(profiles):
    # the issue asks for 1e-3; the two stop 1.1e-4 (centred, 128 cells) and 3.3e-4 (consistent,
    # 256) apart along the plateau level, and a different fixed point of either (the lag term
    # of the transport's change alone: 9.2e-4) must fail
    steady, explicit, _, _ = profiles
    assert l1rel(steady, explicit) < 5e-4


def test_steady_solver_against_theory(profiles):
    steady, explicit, pa, scheme = profiles
    # centred: the 2 % flux deficit behind the peak; consistent: the 4e-3, which the
    # centred scheme misses at any resolution (7.2e-3 at 512 cells, 5.0e-3 at 1024)
    bound = {"centred": 3e-2, "consistent": 4e-3}[scheme]
    assert l1rel(steady, pa) < bound
    assert l1rel(explicit, pa) < bound
    # the plateau upstream of the peak: nothing streams, P_c stays at the boundary value but
    # for the regularisation's relative slope 1/h_c (at most L/h_c = 1e-3 over the box):
    # measured 3.9e-5 (centred) and 4.0e-5 (consistent)
    assert np.abs(steady[: CELLS[scheme] // 8] - 1.0).max() < 1e-3
