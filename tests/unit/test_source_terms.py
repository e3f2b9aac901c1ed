"""Every registered source term, run inside a real MHD + CR step (parametrised over
the registry, so a new source term is exercised automatically), plus the unit
conversions of the transport closures checked against the cgs formulas."""
import numpy as np
import pytest

from crplugin import sources
from crplugin.constants import C_LIGHT
from crplugin.simulation import Simulation, make_parameters
from crplugin.state import IDN, IEC, IEN
from helpers import blob

# coefficient providers replace 'streaming' / 'constant_diffusion' of the blob
# (a field may have one provider only)
_REPLACES = {"stream_speed": "streaming", "kappa_par": "constant_diffusion"}
# parameters a source term needs that have no default (unset is an error by design)
_NEEDS = {"gravity": ["gravity.potential=point_mass", "gravity.gm=0.1", "gravity.softening=0.2"]}


def _sim(extra, overrides=()):
    enabled = list(blob.DEFAULTS["sources.enabled"])
    cls = sources.REGISTRY[extra]
    for field, name in _REPLACES.items():
        if field in cls.provides and name in enabled and name != extra:
            enabled.remove(name)
    if extra not in enabled:
        enabled.append(extra)
    params = make_parameters(blob, None, blob.defaults(2, n=16) + [
        "sources.enabled=" + ",".join(enabled), "time.nlim=4"] + _NEEDS.get(extra, []) + list(overrides))
    return Simulation(params, blob)


@pytest.mark.parametrize("name", sorted(sources.REGISTRY))
def test_source_term_runs_and_keeps_the_state_finite(name):
    sim = _sim(name)
    for _ in range(4):
        sim.step(sim.timestep())
    act = (slice(None),) + sim.block.active
    assert np.all(np.isfinite(sim.state.u[act])) and np.all(np.isfinite(sim.state.cr[act]))
    assert np.all(sim.state.u[(IDN,) + sim.block.active] > 0)
    assert np.all(sim.state.cr[(IEC,) + sim.block.active] >= 0)
    term = next(t for t in sim.sources if t.name == name)
    for field, arr in term.fields(sim).items():
        assert field in term.provides
        assert arr.shape == sim.block.shape
        assert np.all(np.isfinite(arr[sim.block.active])), field
        if field in ("kappa_par", "kappa_perp", "stream_speed", "pa_heating", "streaming_heating"):
            assert np.all(arr[sim.block.active] >= 0), field


def test_power_law_diffusion_in_code_units():
    sim = _sim("power_law_diffusion", ["power_law_diffusion.kappa_0=3e28", "power_law_diffusion.R=10",
                                       "power_law_diffusion.delta=0.5", "power_law_diffusion.perp_ratio=0.1"])
    f = next(t for t in sim.sources if t.name == "power_law_diffusion").fields(sim)
    expect = 3e28 * 10 ** 0.5 / (sim.units.length ** 2 / sim.units.time)
    np.testing.assert_allclose(f["kappa_par"], expect, rtol=1e-14)
    np.testing.assert_allclose(f["kappa_perp"], 0.1 * expect, rtol=1e-14)


def test_convection_is_H_c_times_the_alfven_speed():
    sim = _sim("convection", ["convection.H_c=-0.4"])
    f = next(t for t in sim.sources if t.name == "convection").fields(sim)
    # code units: v_A = |B|/sqrt(rho), independent of the cgs round trip
    v_a = np.sqrt((sim.state.bcc ** 2).sum(axis=0) / sim.state.u[IDN])
    np.testing.assert_allclose(f["stream_velocity_par"], -0.4 * v_a, rtol=1e-12)
    np.testing.assert_allclose(f["stream_speed"], 0.4 * v_a, rtol=1e-12)


def test_pa_heating_matches_eq48_with_the_local_rate():
    sim = _sim("pa_heating")
    term = next(t for t in sim.sources if t.name == "pa_heating")
    f = term.fields(sim)
    v_a = np.sqrt((sim.state.bcc ** 2).sum(axis=0) / sim.state.u[IDN])
    c = C_LIGHT / sim.units.velocity
    expect = (4.0 / 15.0) * (v_a / c) * np.abs(f["dlnB_dt"]) * sim.state.cr[IEC] / 3.0
    act = sim.block.active
    np.testing.assert_allclose(f["pa_heating"][act], expect[act], rtol=1e-12, atol=1e-300)
    # heat moves from the CRs to the gas: the sum is unchanged
    e_before = sim.state.u[IEN][act].sum() + sim.state.cr[IEC][act].sum()
    term.apply(sim, 1e-3)
    e_after = sim.state.u[IEN][act].sum() + sim.state.cr[IEC][act].sum()
    assert e_after == pytest.approx(e_before, rel=1e-14)
