"""The run loop's steady-state detector (``crplugin.run.SteadyState``) on a hand-made state.

The rate is max|q(t) - q(t - T)| / (max|q| T) over the check interval T.  A check
below ``time.steady_tol`` stops the run once the state has been seen to change (a
check above the tolerance before), or else only at the second quiet check in a row:
a first step can pass unchanged before anything has started (an inflow ramp shorter
than a long first step), and that is not a steady state.
"""
import types

import numpy as np

from crplugin.run import SteadyState

TOL, INTERVAL = 1e-3, 1.0


class _Decomp:
    @staticmethod
    def max(x):
        return x


def _sim():
    state = types.SimpleNamespace(u=np.ones((5, 1, 1, 8)), cr=None)
    block = types.SimpleNamespace(active=(slice(None),) * 3)
    params = {"time.steady_tol": TOL, "time.steady_interval": INTERVAL}
    return types.SimpleNamespace(params=params, state=state, block=block, decomp=_Decomp(), time=0.0)


def _checks(sim, det, changes):
    """Advance by one interval per entry, changing u by that relative amount; the verdicts."""
    out = []
    for c in changes:
        sim.time += INTERVAL
        sim.state.u[0, 0, 0, 0] *= 1.0 + c
        out.append(det.reached())
    return out


def test_a_static_start_is_steady_at_the_second_quiet_check():
    sim = _sim()
    assert _checks(sim, SteadyState(sim), [0.0, 0.0]) == [False, True]


def test_a_quiet_first_check_then_change_stops_at_the_next_quiet_check():
    # the halo-cloud case: nothing happens in the first interval, then the CRs arrive
    sim = _sim()
    assert _checks(sim, SteadyState(sim), [0.0, 0.5, 0.1, 1e-5]) == [False, False, False, True]


def test_after_a_change_one_quiet_check_is_enough():
    sim = _sim()
    det = SteadyState(sim)
    assert _checks(sim, det, [0.2, 1e-4]) == [False, True]
    assert np.isclose(det.rate, 1e-4 / (1.0 + 1e-4), rtol=1e-12)   # 1.2e-4 over max|u| = 1.2 (1 + 1e-4)


def test_the_detector_state_round_trips():
    sim = _sim()
    det = SteadyState(sim)
    _checks(sim, det, [0.0])
    again = SteadyState(sim)
    again.restore(det.state())
    assert _checks(sim, again, [0.0]) == [True]      # the quiet count came back with it
