"""Heating and work closures: Zweibel (2021) section-6 numbers (with erratum 5),
the general-flow dlnB/dt against a numpy einsum reference, properties and validation."""
import numpy as np
import pytest
import unyt
from hypothesis import given, strategies as st

import crplugin.closures as cl
from crplugin.constants import C_LIGHT

# Zweibel (2021) section 6.
P_G, P_M, P_C, DPC_DT = 3.2e-13, 3.97e-14, 8.2e-14, 1.67e-25
VA6 = 2.0e-4 * C_LIGHT          # the paper's v_A/c ~ 2e-4
H_BACKGROUND = 9.0e-29          # heating that balances cooling, erg cm^-3 s^-1

fin = st.floats(-1e6, 1e6, allow_nan=False)
nonneg = st.floats(0.0, 1e6, allow_nan=False)
grads = st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=9, max_size=9)
bvec = st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=3, max_size=3)


def test_tau_b_section6():
    # tau_B = (gamma_g P_g + gamma_m P_m)/dPc_dt with P_c = 0: 3.67e12 s (paper prints 3.7e12).
    tau = cl.flux_tube_expansion_time(P_G, 0.0, P_M, DPC_DT)
    assert tau == pytest.approx(3.67e12, rel=0.002)
    # rate form is its inverse
    assert cl.flux_tube_expansion_rate(P_G, 0.0, P_M, DPC_DT) == pytest.approx(1 / tau, rel=1e-14)


def test_pa_heating_section6_paper_and_corrected():
    # Paper's evaluation (P_c = 0 in tau_B, 8.2e-14 in the numerator): 1.19e-30 (printed 1.2e-30).
    h_paper = cl.pa_heating_flux_tube(VA6, P_G, P_C, P_M, DPC_DT, gamma_c=0.0)
    assert h_paper == pytest.approx(1.19e-30, rel=0.005)
    # Same number from eq 48's first form with dlnB/dt = -1/tau_B(P_c = 0).
    tau0 = cl.flux_tube_expansion_time(P_G, 0.0, P_M, DPC_DT)
    assert cl.pa_heating(VA6, P_C, -1 / tau0) == pytest.approx(h_paper, rel=1e-14)
    # Erratum 5: P_c kept in both numerator and tau_B: 1.01e-30.
    h = cl.pa_heating_flux_tube(VA6, P_G, P_C, P_M, DPC_DT)
    assert h == pytest.approx(1.01e-30, rel=0.005)
    # "slightly more than 1%" of the background heating: 1.3 % (paper's form), 1.1 % corrected.
    assert h_paper / H_BACKGROUND == pytest.approx(0.013, abs=0.0005)
    assert 0.01 < h / H_BACKGROUND < h_paper / H_BACKGROUND


def test_pa_heating_is_work_rate_times_vA_over_c():
    # Zweibel section 4.2: heating = (4/15)(v_A/c) x rate of work (eq 4).
    tau = cl.flux_tube_expansion_time(P_G, P_C, P_M, DPC_DT)
    w = cl.cr_work_rate(P_C, tau)
    assert w == pytest.approx(P_C * DPC_DT / (5 / 3 * P_G + 4 / 3 * P_C + 2 * P_M), rel=1e-14)
    assert cl.pa_heating_flux_tube(VA6, P_G, P_C, P_M, DPC_DT) == pytest.approx(
        4 / 15 * 2.0e-4 * w, rel=1e-13)


def test_streaming_heating_1d_problem_erratum3():
    # Eq 49: P_c(x, t) = P_0(t - x/v_A).  With P_0 = P_00 + a t the correct eq 51 is
    # H_d = -v_A dP_c/dx = dP_c/dt = a (the printed v_A^-1 dP_c/dt has the wrong dimensions).
    a, v_a = 3e-26, 5e6
    dpdx = -a / v_a
    assert cl.streaming_heating(v_a, dpdx) == pytest.approx(a, rel=1e-15)


@given(v_a=nonneg, g=fin, g0=st.floats(1e-6, 1e6))
def test_streaming_heating_properties(v_a, g, g0):
    h = cl.streaming_heating(v_a, g)
    assert h >= 0.0 and h == cl.streaming_heating(v_a, -g)   # b -> -b
    hr = cl.streaming_heating_regularised(v_a, g, g0)
    assert 0.0 <= hr <= h * (1 + 1e-15)
    # consistent with the regularised streaming velocity: H = -v_st g
    assert hr == pytest.approx(-cl.streaming_velocity(v_a, g, g0) * g, rel=1e-12, abs=1e-300)


def test_heating_zero_not_nan_at_edges():
    assert cl.streaming_heating(0.0, 1.0) == 0.0          # B = 0 -> v_A = 0
    assert cl.streaming_heating(1e7, 0.0) == 0.0          # flat P_c (bottleneck)
    assert cl.streaming_heating_regularised(1e7, 0.0, 1.0) == 0.0
    assert cl.pa_heating(0.0, 1e-13, 1e-12) == 0.0
    assert cl.pa_heating(1e7, 1e-13, 0.0) == 0.0
    assert cl.pa_heating_flux_tube(1e7, 1e-13, 1e-13, 1e-14, 0.0) == 0.0
    assert cl.flux_tube_expansion_rate(1e-13, 0.0, 0.0, 0.0) == 0.0


@given(v_a=nonneg, pc=nonneg, r=fin)
def test_pa_heating_properties(v_a, pc, r):
    h = cl.pa_heating(v_a, pc, r)
    assert h >= 0.0
    assert h == cl.pa_heating(v_a, pc, -r)    # expansion and compression both drive anisotropy


def _dlnb_reference(b, grad):
    """b: (n, 3); grad[n, i, j] = d v_j / d x_i."""
    bh = b / np.linalg.norm(b, axis=1)[:, None]
    return np.einsum("ni,nj,nij->n", bh, bh, grad) - np.einsum("nii->n", grad)


def _args(b, grad):
    # dvj_di = grad[:, i, j], in the order dvx_dx, dvx_dy, dvx_dz, dvy_dx, ...
    comps = [grad[:, i, j] for j in range(3) for i in range(3)]
    return [b[:, 0], b[:, 1], b[:, 2], *comps]


def test_dlnb_dt_against_einsum():
    rng = np.random.default_rng(7)
    n = 300
    b = rng.normal(size=(n, 3))
    grad = rng.normal(size=(n, 3, 3))
    np.testing.assert_allclose(cl.dlnB_dt(*_args(b, grad)), _dlnb_reference(b, grad), rtol=1e-12, atol=1e-12)


def test_dlnb_dt_simple_flows():
    t = 2.0
    z = 0.0
    # transverse compression v = (0, -y/t, -z/t), b = x: B ~ 1/area, dlnB/dt = 2/t
    assert cl.dlnB_dt(1, 0, 0, z, z, z, z, -1 / t, z, z, z, -1 / t) == pytest.approx(2 / t)
    # compression along b only: B unchanged
    assert cl.dlnB_dt(1, 0, 0, -1 / t, z, z, z, z, z, z, z, z) == 0.0
    # shear v_x = S y stretches a field at 45 degrees: dlnB/dt = S/2
    S = 3.0
    assert cl.dlnB_dt(1, 1, 0, z, S, z, z, z, z, z, z, z) == pytest.approx(S / 2)
    # isotropic expansion v = r/t: B ~ rho^(2/3) ~ t^-2, dlnB/dt = -2/t for any b
    assert cl.dlnB_dt(0.3, -2, 5, 1 / t, z, z, z, 1 / t, z, z, z, 1 / t) == pytest.approx(-2 / t)


def test_dlnb_dt_zero_field_is_isotropic_average():
    rng = np.random.default_rng(3)
    grad = rng.normal(size=(1, 3, 3))
    axes = np.eye(3)
    avg = np.mean([_dlnb_reference(axes[k:k + 1], grad)[0] for k in range(3)])
    got = cl.dlnB_dt(*_args(np.zeros((1, 3)), grad))
    assert np.isfinite(got[0])
    assert got[0] == pytest.approx(avg, rel=1e-13)
    assert got[0] == pytest.approx(-2 / 3 * np.trace(grad[0]), rel=1e-13)


@given(b=bvec, g=grads, s=st.floats(1e-3, 1e3))
def test_dlnb_dt_symmetries(b, g, s):
    args = [*b, *g]
    r = cl.dlnB_dt(*args)
    assert np.isfinite(r)
    # b -> -b and b -> s b leave the rate unchanged
    assert cl.dlnB_dt(*[-x for x in b], *g) == pytest.approx(r, rel=1e-12, abs=1e-9)
    assert cl.dlnB_dt(*[s * x for x in b], *g) == pytest.approx(r, rel=1e-9, abs=1e-9)


def test_arrays_units_and_out():
    pg = np.full((2, 3), P_G)
    out = np.empty((2, 3))
    res = cl.flux_tube_expansion_time(pg, 0.0, P_M, DPC_DT, out=out)
    assert res is out
    np.testing.assert_allclose(out, (5 / 3 * P_G + 2 * P_M) / DPC_DT, rtol=1e-14)
    h = cl.streaming_heating(unyt.unyt_quantity(60.0, "km/s"), unyt.unyt_quantity(1e-35, "erg/cm**4"))
    assert str(h.units) == "erg/(cm**3*s)"
    assert float(h) == pytest.approx(6e6 * 1e-35, rel=1e-12)
    tau = cl.flux_tube_expansion_time(unyt.unyt_quantity(3.2e-14, "Pa"), 0.0, P_M, DPC_DT)
    assert str(tau.units) == "s"


@pytest.mark.parametrize("call, name", [
    (lambda: cl.streaming_heating(-1.0, 1.0), "v_A"),
    (lambda: cl.pa_heating(1e6, -1e-13, 1e-12), "P_c"),
    (lambda: cl.pa_heating(1e6, 1e-13, np.nan), "dlnB_dt"),
    (lambda: cl.flux_tube_expansion_time(P_G, 0.0, P_M, 0.0), "dPc_dt"),
    (lambda: cl.flux_tube_expansion_time(0.0, 0.0, P_M, DPC_DT), "P_g"),
    (lambda: cl.cr_work_rate(1e-13, 0.0), "tau_B"),
    (lambda: cl.pa_heating_flux_tube(1e6, P_G, P_C, P_M, DPC_DT, gamma_c=-1.0), "gamma_c"),
    (lambda: cl.dlnB_dt(1, 0, 0, 0, 0, 0, 0, np.inf, 0, 0, 0, 0), "dvy_dy"),
])
def test_bad_input_names_argument(call, name):
    with pytest.raises(ValueError, match=f"'{name}'"):
        call()


def test_mismatched_shapes():
    with pytest.raises(ValueError, match="broadcast"):
        cl.pa_heating(np.ones(2), np.ones(3), 1.0)


@pytest.mark.parametrize("scale", [3.0e-161, 1.0e-300, 1.0e150])
def test_dlnb_dt_depends_on_the_direction_of_b_only(scale):
    # found by the property test above: b = (0, 3e-161, 0) squared underflows to a denormal
    # and the rate came out 5e-3 instead of 0 (here b along y, dvy/dy = 2: b.(b.grad)v = div v)
    g = [0.3, -0.1, 0.2, 0.5, 2.0, -0.4, 0.1, 0.7, -1.2]
    for b in ([0.0, 1.0, 0.0], [0.6, -0.8, 0.0], [1.0, 2.0, -2.0]):
        want = cl.dlnB_dt(*b, *g)
        assert cl.dlnB_dt(*[scale * x for x in b], *g) == pytest.approx(want, rel=1e-14, abs=1e-15)
