"""Instability closures: Zweibel (2021) eqs 19, 21, 23 against the paper's numbers
and against a direct quadrature of the resonant integral (eq 15)."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import crplugin.closures as cl
from crplugin.constants import C_LIGHT, E_CHARGE, M_P

a_st = st.floats(3.05, 20.0)
vac_st = st.floats(1e-6, 1e-2)


def test_paper_numbers_a47():
    # Zweibel (2021) below eq 23, a ~ 4.7: C = 0.63 (0.630), threshold Delta P/P ~ 1.3 v_A/c
    # (1.33), and zeta > 0.55 v_A/c (erratum 2: the paper omits the v_A/c).
    assert cl.spectrum_constant(4.7) == pytest.approx(0.630, abs=5e-4)
    assert cl.pa_threshold(4.7, 1.0) == pytest.approx(1.33, abs=5e-3)
    assert cl.zeta_threshold(4.7, 1.0) == pytest.approx(0.55, abs=5e-3)
    v = 2.0e-4
    assert cl.zeta_threshold(4.7, v) == pytest.approx(0.554 * v, rel=1e-3)
    assert cl.anisotropy_zeta(cl.pa_threshold(4.7, v)) == pytest.approx(cl.zeta_threshold(4.7, v), rel=1e-15)


def _eq15_growth(a, omega0_over_ni, n_c, anis):
    """(pi/8) Omega_0/n_i int_{p1}^inf p1 (p^2 - p1^2) A dp by quadrature, p1 = 1,
    f_0 = K p^-a normalised so that n_c(>p1) = int f p^2 dp dmu = 2K/(a-3)."""
    K = n_c * (a - 3) / 2.0
    x = np.logspace(0, 7, 200001)
    dfdp = -a * K * x ** (-a - 1)
    integrand = (x**2 - 1.0) * dfdp * anis(x) * x          # extra x: dp = x dln x
    lx = np.log(x)
    integral = np.sum(0.5 * (integrand[1:] + integrand[:-1]) * np.diff(lx))
    return np.pi / 8 * omega0_over_ni * integral


@pytest.mark.parametrize("a", [3.5, 4.2, 4.7, 6.0])
def test_growth_rates_match_resonant_quadrature(a):
    B, n_cr, n_i = 3e-6, 1e-10, 1e-2
    om = E_CHARGE * B / (M_P * C_LIGHT)
    # Streaming, eq 18: A = f0' (1 - v_D/v_A)
    r = 2.5
    ref = _eq15_growth(a, om / n_i, n_cr, lambda x: (1 - r) * np.ones_like(x))
    assert cl.streaming_growth_rate(B, n_cr, n_i, r, a) == pytest.approx(ref, rel=1e-5)
    # PA, eq 22: A = f0' (1 - 3 zeta (c/v_A) mu_r), mu_r = p1/p, zeta = 5/12 dP/P (eq 21)
    vac, dpp = 1e-4, 5e-4
    zeta = 5 / 12 * dpp
    ref = _eq15_growth(a, om / n_i, n_cr, lambda x: 1 - 3 * zeta / vac / x)
    assert cl.pa_growth_rate(B, n_cr, n_i, a, dpp, vac) == pytest.approx(ref, rel=1e-5)


def test_numpy_reference_closed_forms():
    rng = np.random.default_rng(11)
    n = 200
    a = rng.uniform(3, 10, n)
    B = rng.normal(0, 5e-6, n)
    ncr = 10 ** rng.uniform(-12, -8, n)
    ni = 10 ** rng.uniform(-4, 1, n)
    vac = 10 ** rng.uniform(-5, -2, n)
    dpp = rng.uniform(-1e-2, 1e-2, n)
    r = rng.uniform(0, 5, n)
    C = (a - 3) / (a - 2)
    pre = np.pi / 8 * C * E_CHARGE * np.abs(B) / (M_P * C_LIGHT) * ncr / ni
    np.testing.assert_allclose(cl.spectrum_constant(a), C, rtol=1e-15)
    np.testing.assert_allclose(cl.streaming_growth_rate(B, ncr, ni, r, a), pre * (r - 1), rtol=1e-13, atol=0)
    ref = pre * (5 * a * (a - 2) / (4 * (a**2 - 1)) / vac * np.abs(dpp) - 1)
    np.testing.assert_allclose(cl.pa_growth_rate(B, ncr, ni, a, dpp, vac), ref, rtol=1e-12, atol=0)


@given(a=a_st, vac=vac_st, eps=st.floats(1e-6, 0.5), sgn=st.sampled_from([-1.0, 1.0]))
def test_pa_growth_changes_sign_at_threshold(a, vac, eps, sgn):
    thr = cl.pa_threshold(a, vac)
    args = (1e-6, 1e-10, 1e-3, a)
    above = cl.pa_growth_rate(*args, sgn * thr * (1 + eps), vac)
    below = cl.pa_growth_rate(*args, sgn * thr * (1 - eps), vac)
    assert above > 0 > below
    assert cl.pa_growth_rate(*args, sgn * thr, vac) == pytest.approx(0.0, abs=1e-12 * abs(below) / eps)


@given(a=a_st, r=st.floats(0, 10), B=st.floats(1e-9, 1e-3))
def test_streaming_growth_sign_and_symmetry(a, r, B):
    g = cl.streaming_growth_rate(B, 1e-10, 1e-3, r, a)
    assert np.sign(g) == np.sign(r - 1)
    assert cl.streaming_growth_rate(-B, 1e-10, 1e-3, r, a) == g       # b -> -b
    assert cl.streaming_growth_rate(B, 1e-10, 1e-3, 1.0, a) == 0.0


@given(a=a_st, vac=vac_st, d=st.floats(-1.5, 3.0))
def test_pa_growth_symmetries(a, vac, d):
    args = (2e-6, 1e-10, 1e-3, a)
    g = cl.pa_growth_rate(*args, d, vac)
    assert np.isfinite(g)
    # compression (dP < 0) destabilises the opposite pair at the same rate
    if -1.5 <= -d <= 3.0:
        assert cl.pa_growth_rate(*args, -d, vac) == g
    assert cl.pa_growth_rate(-2e-6, *args[1:], d, vac) == g


def test_limits_a3_no_growth():
    # a = 3: C = 0, no growth whatever the drive (n_c(>p1) diverges below a = 3).
    assert cl.spectrum_constant(3.0) == 0.0
    assert cl.pa_growth_rate(1e-6, 1e-10, 1e-3, 3.0, 0.1, 1e-4) == 0.0
    assert cl.streaming_growth_rate(1e-6, 1e-10, 1e-3, 5.0, 3.0) == 0.0
    # steep spectra: threshold -> (4/5)(1 + 2/a + O(a^-2)) v_A/c
    assert cl.pa_threshold(100.0, 1.0) == pytest.approx(0.8 * (1 + 2 / 100), rel=1e-3)


@pytest.mark.parametrize("call, name", [
    (lambda: cl.spectrum_constant(2.5), "a"),
    (lambda: cl.pa_threshold(4.7, -1e-4), "vA_over_c"),
    (lambda: cl.pa_growth_rate(1e-6, 1e-10, 1e-3, 4.7, 1e-3, 0.0), "vA_over_c"),
    (lambda: cl.pa_growth_rate(1e-6, 1e-10, 1e-3, 4.7, 4.0, 1e-4), "dP_over_P"),
    (lambda: cl.streaming_growth_rate(1e-6, -1e-10, 1e-3, 2.0, 4.7), "n_cr"),
    (lambda: cl.streaming_growth_rate(1e-6, 1e-10, 0.0, 2.0, 4.7), "n_ion"),
    (lambda: cl.anisotropy_zeta(np.nan), "dP_over_P"),
])
def test_bad_input_names_argument(call, name):
    with pytest.raises(ValueError, match=f"'{name}'"):
        call()


def test_shapes():
    g = cl.pa_growth_rate(1e-6, 1e-10, 1e-3, np.array([4.0, 4.7]), np.linspace(0, 1e-3, 5)[:, None], 1e-4)
    assert g.shape == (5, 2)
    with pytest.raises(ValueError, match="broadcast"):
        cl.pa_threshold(np.full(2, 4.7), np.full(3, 1e-4))
