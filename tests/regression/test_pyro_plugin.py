"""crplugin's CR source terms inside pyro-hydro (examples/pyro_cr_blob.py), through crplugin.plugin.

* energy budget: the operator-split CR step on pyro's arrays gives the gas
  exactly the energy the CRs lose (periodic box: round-off);
* the same numbers as crplugin itself: the streaming and PA heating computed
  on pyro's [i, j, var] arrays with 4 ghosts equal the fields a crplugin
  Simulation writes for the same rho, v, B and E_c (round-off).
"""
import importlib.util
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

import pyro  # noqa: F401  (in the test extra: a missing pyro-hydro is a failure, not a skip)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "pyro_cr_blob.py"
NX = 16


@pytest.fixture(scope="module")
def blob():
    spec = importlib.util.spec_from_file_location("pyro_cr_blob", EXAMPLE)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_energy_budget_and_cr_heating_in_pyro(blob):
    p, adapter, cr = blob.setup(nx=NX, ny=NX)
    gas0, ecr0 = blob.totals(p, adapter, cr)
    for _ in range(4):
        p.single_step()  # pyro alone conserves its total energy on the periodic box
        gas_a, ecr_a = blob.totals(p, adapter, cr)
        diag = adapter.cr_step(p.sim.cc_data.data, cr, p.sim.dt, blob.B_FIELD)
        gas_b, ecr_b = blob.totals(p, adapter, cr)
        assert diag["nsub"] >= 1
        lost = ecr_a - ecr_b
        assert lost > 1e-6 * ecr_a  # the CRs lose energy (streaming, work, PA heating), far above round-off ...
        # ... and the gas gains exactly that (sums of ~1e3 cells of O(1): round-off ~1e-13)
        assert abs((gas_b - gas_a) - lost) <= 1e-12 * (gas_b + ecr_b)
    gas, ecr = blob.totals(p, adapter, cr)
    assert abs((gas + ecr) - (gas0 + ecr0)) <= 1e-12 * (gas0 + ecr0)


def _crplugin_fields(adapter, U, ivars, cr, b_field, gamma):
    """The same state in a crplugin Simulation, built from pyro's arrays by hand; its output fields."""
    from crplugin.simulation import Simulation, make_parameters
    from crplugin.state import IDN, IEC, IEN, IFC1, IM1

    ng = adapter.ng
    act = (slice(ng, -ng), slice(ng, -ng))

    def kji(a):  # pyro [i, j] active cells -> crplugin [k, j, i]
        return a[act].T[None]

    def initialise(sim):
        s, a = sim.state, sim.block.active
        for axis in range(3):
            s.bf[axis][...] = b_field[axis]
        s.update_bcc()
        s.u[(IDN,) + a] = kji(U[:, :, ivars.idens])
        s.u[(IM1,) + a] = kji(U[:, :, ivars.ixmom])
        s.u[(IM1 + 1,) + a] = kji(U[:, :, ivars.iymom])
        s.u[(IEN,) + a] = kji(U[:, :, ivars.iener]) + 0.5 * sum(b**2 for b in b_field)
        for v in range(4):
            s.cr[(IEC + v,) + a] = kji(cr[:, :, v])

    problem = SimpleNamespace(initialise=initialise, NAME="pyro_twin")
    u = adapter.units
    params = make_parameters(problem, None, [
        f"mesh.nx={NX}", f"mesh.ny={NX}", f"mhd.gamma={gamma!r}", "cr.enabled=true",
        f"units.length={u.length!r}", f"units.mass={u.mass!r}", f"units.time={u.time!r}",
        "sources.enabled=streaming,cr_diagnostics,pa_heating"])
    sim = Simulation(params, problem)
    return {name: arr[0].T for name, (arr, kind) in sim.output_fields().items()}  # -> [i, j]


def test_heating_equals_crplugin_run_of_the_same_state(blob):
    p, adapter, cr = blob.setup(nx=NX, ny=NX)
    for _ in range(3):  # let the CRs push the gas: a flow, hence dlnB/dt and PA heating
        blob.step(p, adapter, cr)
    p.sim.cc_data.fill_BC_all()
    U = p.sim.cc_data.data
    host = adapter.fields(U, cr, blob.B_FIELD)
    ref = _crplugin_fields(adapter, np.asarray(U), p.sim.ivars, cr, blob.B_FIELD, blob.GAMMA)
    ng = adapter.ng
    for name in ("streaming_heating", "pa_heating", "stream_speed", "dlnB_dt"):
        got = host[name][ng:-ng, ng:-ng]
        assert np.abs(got).max() > 0, name
        np.testing.assert_allclose(got, ref[name], rtol=1e-12, atol=1e-14 * np.abs(ref[name]).max(),
                                   err_msg=name)
