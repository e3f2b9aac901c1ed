"""Scattering, diffusion and damping closures: Zweibel (2021) sections 5-6 numbers with
errata 1 and 4, the exact QLT kappa = v^2/(3 nu), the growth = damping balance."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import crplugin.closures as cl
from crplugin.constants import C_LIGHT, E_CHARGE, KPC, M_P, PC

VA6 = 2.0e-4 * C_LIGHT
TAU_PRINTED = 3.7e12          # Zweibel section 6, as printed
P_G, P_M, DPC_DT = 3.2e-13, 3.97e-14, 1.67e-25

pos = st.floats(1e-3, 1e3)


def test_eq57_rate_erratum1():
    # 2c/(45 v_A tau_B) = 6.0e-11 s^-1 with the paper's inputs (printed 6e-9: 100x too large).
    nu = cl.pa_scattering_rate(VA6, TAU_PRINTED, 1.0)
    assert nu == pytest.approx(6.0e-11, rel=0.01)
    assert 6e-9 / nu == pytest.approx(100, rel=0.01)
    # with tau_B recomputed from eq 3 (3.67e12 s): 6.06e-11
    tau = cl.flux_tube_expansion_time(P_G, 0.0, P_M, DPC_DT)
    assert cl.pa_scattering_rate(VA6, tau, 1.0) == pytest.approx(2 * C_LIGHT / (45 * VA6 * tau), rel=1e-14)


def test_eq57_mean_free_path_160pc():
    # X = 1: lambda = c/nu ~ 160 pc (paper: 1.6 pc, from its 100x too large nu).
    tau = cl.flux_tube_expansion_time(P_G, 0.0, P_M, DPC_DT)
    lam = cl.pa_mean_free_path(VA6, tau, 1.0)
    assert lam / PC == pytest.approx(160, rel=0.01)
    assert lam == pytest.approx(cl.scattering_mean_free_path(C_LIGHT, cl.pa_scattering_rate(VA6, tau, 1.0)), rel=1e-14)
    # eq 55 as printed, lambda ~ v_A tau_B X, is 45/2 smaller (erratum 4)
    assert lam / (VA6 * tau) == pytest.approx(22.5, rel=1e-14)


def test_eq60_mean_free_path():
    # nu ~ 3.7e-8 s^-1 "corresponds to" lambda ~ 0.26 pc.
    assert cl.scattering_mean_free_path(C_LIGHT, 3.7e-8) / PC == pytest.approx(0.26, abs=0.005)


def test_eq60_balances_eq58_with_eq59():
    rng = np.random.default_rng(5)
    B, tau, ncr, ni, vi, va = (10 ** rng.uniform(lo, hi, 50) for lo, hi in
                               [(-7, -5), (11, 14), (-12, -9), (-4, 0), (6, 7.5), (5, 7.5)])
    nu = cl.pa_scattering_rate_nld(B, tau, ncr, ni, vi, va)
    om = E_CHARGE * B / (M_P * C_LIGHT)
    # eq 59: nu v_i/c = Omega_0/(nu tau_B) (n_c/n_i)(c/v_A)
    np.testing.assert_allclose(cl.nonlinear_landau_damping_rate(nu, vi),
                               om / (nu * tau) * ncr / ni * C_LIGHT / va, rtol=1e-12)


def test_section5_drift_kappa():
    # kappa_d = 3e28 with v_A = 100 km/s, L = 1 kpc -> v_D/v_A - 1 ~ 1 (eq 52).
    assert cl.drift_kappa(1e7, KPC, 1.0) == pytest.approx(3e28, rel=0.03)
    excess = 3e28 / (1e7 * KPC)
    assert excess == pytest.approx(1.0, abs=0.05)
    nu = cl.drift_scattering_rate(C_LIGHT, 1e7, KPC, excess)
    assert cl.kappa_from_scattering_rate(C_LIGHT, nu) == pytest.approx(3e28, rel=1e-13)


def test_qlt_isotropic_kappa_by_quadrature():
    # kappa = v^2/8 int (1-mu^2)^2 / D_mumu dmu with D_mumu = nu (1-mu^2)/2 (Zweibel eq 27):
    # the integrand is (2/nu)(1-mu^2), a quadratic, so Simpson's rule is exact.
    v, nu = 2.9e10, 1e-9
    mu = np.linspace(-1, 1, 201)
    y = 2 / nu * (1 - mu**2)
    h = mu[1] - mu[0]
    simpson = h / 3 * (y[0] + y[-1] + 4 * y[1:-1:2].sum() + 2 * y[2:-1:2].sum())
    assert cl.kappa_from_scattering_rate(v, nu) == pytest.approx(v**2 / 8 * simpson, rel=1e-12)
    assert cl.scattering_rate_from_kappa(v, cl.kappa_from_scattering_rate(v, nu)) == pytest.approx(nu, rel=1e-14)


def test_pa_kappa_corrected_and_ratio_to_drift():
    tau, X = 3.67e12, 1.3
    k = cl.pa_kappa(VA6, tau, X)
    assert k == pytest.approx(C_LIGHT**2 / (3 * cl.pa_scattering_rate(VA6, tau, X)), rel=1e-14)
    assert k == pytest.approx(45 / 2 / 3 * C_LIGHT * VA6 * tau * X, rel=1e-14)
    # Zweibel section 5: kappa_pa / kappa_d ~ c/v_A for the same length (L = v_A tau_B) and drive.
    ratio = k / cl.drift_kappa(VA6, VA6 * tau, X)
    assert ratio == pytest.approx(7.5 * C_LIGHT / VA6, rel=1e-13)


def test_anisotropy_factor():
    assert cl.pa_anisotropy_factor(2e-4, 1e-4) == pytest.approx(1.0, rel=1e-14)
    assert cl.pa_anisotropy_factor(0.0, 1e-4) == -1.0


def test_damping_rates_against_formulas():
    rng = np.random.default_rng(9)
    nn, sv = 10 ** rng.uniform(-3, 2, 40), 10 ** rng.uniform(-10, -8, 40)
    np.testing.assert_allclose(cl.ion_neutral_damping_rate(nn, sv), nn * sv / 2, rtol=1e-15)
    nu, vi = 10 ** rng.uniform(-12, -6, 40), 10 ** rng.uniform(5, 8, 40)
    np.testing.assert_allclose(cl.nonlinear_landau_damping_rate(nu, vi), nu * vi / C_LIGHT, rtol=1e-15)
    va, rl, L = 10 ** rng.uniform(5, 8, 40), 10 ** rng.uniform(11, 14, 40), 10 ** rng.uniform(19, 22, 40)
    # Farmer & Goldreich (2004): (eps k_par / v_A)^(1/2) with eps = v_A^3/L_MHD, k_par = 1/r_L
    np.testing.assert_allclose(cl.turbulent_damping_rate(va, rl, L), np.sqrt(va**3 / L / rl / va), rtol=1e-14)
    assert cl.turbulent_damping_rate(0.0, 1e12, 1e20) == 0.0


@given(gd=st.floats(0, 1e-6), B=st.floats(1e-8, 1e-4), ncr=st.floats(1e-13, 1e-8),
       ni=st.floats(1e-4, 10), a=st.floats(3.2, 8))
def test_self_confinement_balance(gd, B, ncr, ni, a):
    C = cl.spectrum_constant(a)
    x = cl.self_confined_drift_excess(gd, B, ncr, ni, C)
    assert x >= 0 and np.isfinite(x)
    # the drift it returns makes the streaming growth rate (eq 19) equal the damping;
    # forming 1 + x rounds x by eps(1), hence the absolute tolerance 4 eps x prefactor
    pre = cl.streaming_growth_rate(B, ncr, ni, 2.0, a)
    assert cl.streaming_growth_rate(B, ncr, ni, 1 + x, a) == pytest.approx(gd, rel=1e-12, abs=4 * np.finfo(float).eps * pre)
    va, L = 3e6, 1e21
    assert cl.self_confined_drift_speed(va, gd, B, ncr, ni, C) == pytest.approx(va * (1 + x), rel=1e-14)
    assert cl.self_confined_kappa(va, L, gd, B, ncr, ni, C) == pytest.approx(cl.drift_kappa(va, L, x), rel=1e-14)


def test_no_damping_streams_at_vA():
    assert cl.self_confined_drift_excess(0.0, 1e-6, 1e-10, 1e-3, 0.63) == 0.0
    assert cl.self_confined_drift_speed(5e6, 0.0, 1e-6, 1e-10, 1e-3, 0.63) == 5e6
    assert cl.self_confined_kappa(5e6, 1e21, 0.0, 1e-6, 1e-10, 1e-3, 0.63) == 0.0


@given(v=pos, nu=pos, va=pos, tau=pos, X=pos)
def test_positivity(v, nu, va, tau, X):
    for val in (cl.kappa_from_scattering_rate(v, nu), cl.scattering_mean_free_path(v, nu),
                cl.pa_scattering_rate(va, tau, X), cl.pa_kappa(va, tau, X), cl.pa_mean_free_path(va, tau, X)):
        assert val > 0 and np.isfinite(val)


@pytest.mark.parametrize("call, name", [
    (lambda: cl.kappa_from_scattering_rate(C_LIGHT, 0.0), "nu"),
    (lambda: cl.pa_scattering_rate(VA6, 3.7e12, 0.0), "anisotropy_factor"),
    (lambda: cl.pa_scattering_rate(VA6, -1.0, 1.0), "tau_B"),
    (lambda: cl.drift_kappa(1e7, 0.0, 1.0), "L"),
    (lambda: cl.turbulent_damping_rate(1e7, 0.0, 1e20), "r_L"),
    (lambda: cl.ion_neutral_damping_rate(-1.0, 1e-9), "n_n"),
    (lambda: cl.self_confined_drift_excess(1e-10, 1e-6, 1e-10, 1e-3, 0.0), "C"),
    (lambda: cl.pa_scattering_rate_nld(1e-6, 1e12, 1e-10, 1e-3, np.nan, 1e6), "v_ion"),
])
def test_bad_input_names_argument(call, name):
    with pytest.raises(ValueError, match=f"'{name}'"):
        call()


def test_mismatched_shapes():
    with pytest.raises(ValueError, match="broadcast"):
        cl.pa_kappa(np.ones(2) * VA6, np.ones(3) * 1e12, 1.0)
