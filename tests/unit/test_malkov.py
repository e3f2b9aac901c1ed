"""Malkov et al. (2010): GS pitch-angle diffusion (eqs 4-11) and pitch-angle transport eigenmodes (eqs 12-17)."""
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import crplugin.closures as cl

Q = 13.0 / 3.0


def besselj(n, x):
    """J_n(x) = (1/2pi) int_0^2pi cos(n t - x sin t) dt, trapezoid (spectrally accurate for M > x + n + 40)."""
    x = np.asarray(x, dtype=np.float64)
    M = int(2 * (np.max(x) + n) + 80)
    t = 2 * np.pi * np.arange(M) / M
    out = np.empty_like(x)
    for i in range(0, x.size, 2000):
        xs = x.ravel()[i:i + 2000]
        out.ravel()[i:i + 2000] = np.mean(np.cos(n * t[None, :] - xs[:, None] * np.sin(t)[None, :]), axis=1)
    return out


def S_reference(y, mu, n_max=30):
    """Eq (5) by brute-force quadrature in numpy (independent of the kernel's scheme)."""
    total = 0.0
    for n in range(1, n_max + 1):
        X = y * (n / abs(mu)) ** 1.5
        if X > 150:
            total += n * n * X ** (1 - Q - 1) / (Q) / np.pi       # mean J_n^2 = 1/(pi x): tiny terms
            continue
        a = max(X, 2.0)
        xs = np.concatenate([np.geomspace(X, a, 2000)[:-1] if X < a else [], np.linspace(a, 160.0, 8001)])
        f = besselj(n, xs) ** 2 * xs ** -Q
        total += n * n * (np.trapezoid(f, xs) + 160.0 ** -Q / Q / np.pi)
    # n > n_max: mean J_n^2 = 1/(pi x) (y sqrt(n) >> 1 here)
    nn = np.arange(n_max + 1, 20000)
    total += np.sum(nn**2 * (y * (nn / abs(mu)) ** 1.5) ** -Q / Q / np.pi)
    return total


def D_reference(mu, v, l, eps):
    y = math.sqrt((1 - mu * mu) / eps)
    return 2 * np.pi / 3 * v / (l * abs(mu)) * (1 - mu * mu) * y ** (4.0 / 3.0) * S_reference(y, mu)


# ---------------------------------------------------------------- eqs 4-5 against a numpy quadrature

@pytest.mark.parametrize("y,eps", [(0.5, 1e-3), (2.0, 1e-3), (5.0, 1e-2)])
def test_D_mumu_exact_vs_numpy_quadrature(y, eps):
    mu = math.sqrt(1 - eps * y * y)
    # the reference is good to ~1e-4 (trapezoid, truncations); the kernel is claimed to 1e-3
    assert cl.malkov_D_mumu(mu, 3e10, 3e18, eps) == pytest.approx(D_reference(mu, 3e10, 3e18, eps), rel=1.5e-3)


def test_D_mumu_large_y_joins_eq6():
    # eq (6) is the y >> 1 limit; the J_n^2 oscillations make the error fall only as ~1/y
    eps = 1e-4
    for y, tol in [(30.0, 0.02), (60.0, 0.01)]:
        mu = math.sqrt(1 - eps * y * y)
        ratio = cl.malkov_D_mumu_asymptotic(mu, 1.0, 1.0, eps) / cl.malkov_D_mumu(mu, 1.0, 1.0, eps)
        assert abs(ratio - 1) < tol
    # zeta(9/2) = 1.0547 (paper: ~1.05): n = 1 alone is 5 % low
    assert sum(n ** -4.5 for n in range(1, 100000)) == pytest.approx(1.0547075107614543, rel=1e-9)


def test_peak_eq10_accuracy_erratum_11():
    # corrected eq (10), (pi/2) v/l (1-mu^2) J_1^2(y)/y^2: within 15 % of eqs (4)-(5) only for y <= 0.5
    eps = 1e-3
    for y in (0.05, 0.1, 0.2, 0.3, 0.4, 0.5):
        mu = math.sqrt(1 - eps * y * y)
        r = cl.malkov_D_mumu_peak(mu, 1.0, 1.0, eps) / cl.malkov_D_mumu(mu, 1.0, 1.0, eps)
        assert abs(r - 1) <= 0.15
    mu = math.sqrt(1 - eps)                                           # y = 1: far off
    assert cl.malkov_D_mumu_peak(mu, 1.0, 1.0, eps) / cl.malkov_D_mumu(mu, 1.0, 1.0, eps) > 1.5
    # numpy reference of the corrected formula (J_1 by quadrature)
    mu = np.sqrt(1 - eps * np.array([0.3, 1.0, 3.0]) ** 2)
    y = np.sqrt((1 - mu**2) / eps)
    np.testing.assert_allclose(cl.malkov_D_mumu_peak(mu, 2.0, 5.0, eps),
                               np.pi / 2 * 2.0 / 5.0 * (1 - mu**2) * besselj(1, y) ** 2 / y**2, rtol=1e-12)
    # |mu| -> 1 limit: (pi/8) v/l (1-mu^2)
    assert cl.malkov_D_mumu_peak(1 - 1e-20, 1.0, 1.0, eps) == pytest.approx(np.pi / 8 * 2e-20, rel=1e-6)


def test_S1_prime_and_cancellation_of_r():
    # S_1' = -3/2 int_0^inf J_1 J_2 x^(-10/3) dx (Weber-Schafheitlin) = -0.203 (paper prints -0.22)
    g, lam = math.gamma, 10.0 / 3.0
    ws = g(lam) * g((3 - lam + 1) / 2) / (2**lam * g((1 + lam + 1) / 2) * g((3 + lam + 1) / 2) * g((lam) / 2))
    assert cl.malkov_S1_prime() == pytest.approx(-1.5 * ws, rel=1e-12)
    assert round(cl.malkov_S1_prime(), 3) == -0.203
    # constants of all S_n(0), n >= 2, cancel S_1' exactly: r = 0 in eq (10)
    lam = Q
    n = np.arange(2, 200001, dtype=np.float64)
    Sn0 = n**2 * np.exp(math.lgamma(lam) + np.array([math.lgamma(k - 5 / 3) - math.lgamma(k + 8 / 3) for k in n])
                        - lam * math.log(2) - 2 * math.lgamma(8 / 3))
    tail = Sn0[-1] * n[-1] ** (7 / 3) * 0.75 * (n[-1] + 0.5) ** (-4 / 3)
    assert cl.malkov_S1_prime() + Sn0.sum() + tail == pytest.approx(0.0, abs=1e-9)


def test_correlation_eq8_and_frequency_eq11():
    mu, v, l, eps, d = np.array([-0.7, 0.0, 0.3, 0.99]), 3e10, 3e18, 1e-3, 1e-4
    ref = v / l * d * (np.log(1 / eps) - 0.5 * np.log(1 - mu**2)) * (1 - mu**2) / 6
    np.testing.assert_allclose(cl.malkov_D_mumu_correlation(mu, v, l, eps, d), ref, rtol=1e-13)
    assert cl.malkov_D_mumu_correlation(1.0, v, l, eps, d) == 0.0
    assert cl.malkov_scattering_frequency(v, l, eps, d) == pytest.approx(v / l * (d * np.log(1e3) + eps**1.5) / 6, rel=1e-13)
    # eq (8) is eq (7)'s integral int_{eps sqrt(1-mu^2)} dxi/xi (1 - J_0^2)/xi^2 at logarithmic accuracy
    # (its integrand -> 1/2 for xi -> 0): check 1/2 limit of (1 - J_0^2)/xi^2
    xi = np.array([1e-3])
    assert ((1 - besselj(0, xi) ** 2) / xi**2)[0] == pytest.approx(0.5, rel=1e-5)


@settings(max_examples=40, deadline=None)
@given(mu=st.floats(-1, 1), eps=st.floats(1e-6, 1.0))
def test_D_mumu_nonnegative_and_even(mu, eps):
    for f in (cl.malkov_D_mumu, cl.malkov_D_mumu_asymptotic, cl.malkov_D_mumu_peak):
        d = f(mu, 1.0, 1.0, eps)
        assert np.isfinite(d) and d >= 0
        assert f(-mu, 1.0, 1.0, eps) == pytest.approx(d, rel=1e-12, abs=0)
    assert cl.malkov_D_mumu_correlation(mu, 1.0, 1.0, eps, 1e-4) >= 0


def test_D_mumu_edges_and_scaling():
    assert cl.malkov_D_mumu(1.0, 1.0, 1.0, 1e-3) == 0.0 and cl.malkov_D_mumu(0.0, 1.0, 1.0, 1e-3) == 0.0
    assert cl.malkov_D_mumu(1e-200, 1.0, 1.0, 1e-3) == 0.0
    # D ~ v/l at fixed eps and mu
    assert cl.malkov_D_mumu(0.9, 6.0, 2.0, 1e-2) == pytest.approx(3.0 * cl.malkov_D_mumu(0.9, 1.0, 1.0, 1e-2), rel=1e-13)


@pytest.mark.parametrize("call,name", [
    (lambda: cl.malkov_D_mumu(1.1, 1.0, 1.0, 1e-3), "mu"),
    (lambda: cl.malkov_D_mumu(0.5, -1.0, 1.0, 1e-3), "v"),
    (lambda: cl.malkov_D_mumu(0.5, 1.0, 0.0, 1e-3), "l"),
    (lambda: cl.malkov_D_mumu(0.5, 1.0, 1.0, 1.5), "eps"),
    (lambda: cl.malkov_D_mumu_peak(0.5, 1.0, 1.0, np.nan), "eps"),
    (lambda: cl.malkov_D_mumu_correlation(0.5, 1.0, 1.0, 1e-3, -1.0), "delta"),
    (lambda: cl.pitch_angle_eigenmodes(7), "n_legendre"),
    (lambda: cl.pitch_angle_eigenmodes(8, u=1.5), "u"),
    (lambda: cl.pitch_angle_eigenmodes(8, D=lambda m: -np.ones_like(m)), "D"),
])
def test_bad_input(call, name):
    with pytest.raises(ValueError, match=name):
        call()


# ---------------------------------------------------------------- eigenmodes, eq (17)

def eigen_fd(n_cells):
    """Independent 2nd-order finite-volume discretisation of eq (17) (flux vanishes at mu = +-1)."""
    h = 2.0 / n_cells
    c = -1 + (np.arange(n_cells) + 0.5) * h
    f = -1 + np.arange(n_cells + 1) * h
    k = (1 - f**2) / h**2
    A = np.diag(-(k[:-1] + k[1:])) + np.diag(k[1:-1], 1) + np.diag(k[1:-1], -1)
    ev = np.linalg.eigvals(np.linalg.solve(np.diag(c), -A))
    ev = np.sort(ev.real[(np.abs(ev.imag) < 1e-8) & (ev.real > 1.0)])   # drop the lambda = 0 constant mode
    return ev[:2]


def test_first_eigenvalue_and_ratio():
    m = cl.pitch_angle_eigenmodes(32)
    lam1, lam2 = m.eigenvalues[:2]
    assert round(lam1, 2) == 14.53                 # paper: 14.54
    assert round(lam2 / lam1, 2) == 2.89           # paper: "lambda_2 ~ 2 lambda_1"
    # independent finite-volume check, converging at 2nd order to the Galerkin values
    errs = [abs(eigen_fd(n)[0] - lam1) for n in (100, 200, 400)]
    assert errs[0] / errs[1] > 3.5 and errs[1] / errs[2] > 3.5
    assert errs[2] < 2e-3
    assert eigen_fd(400)[1] / eigen_fd(400)[0] == pytest.approx(lam2 / lam1, rel=1e-3)


def test_galerkin_convergence_with_resolution():
    lam = {n: cl.pitch_angle_eigenmodes(n).eigenvalues for n in (6, 8, 10, 12, 16, 32)}
    ref = lam[32]
    e1 = [abs(lam[n][0] - ref[0]) for n in (6, 8, 10, 12)]
    assert all(a > b for a, b in zip(e1, e1[1:]))          # monotone, spectral decay
    assert e1[0] < 1e-2 and e1[-1] < 1e-8                  # six polynomials already give 14.536 (paper)
    assert abs(lam[16][1] - ref[1]) < 1e-6


def test_eigenfunction_properties():
    m = cl.pitch_angle_eigenmodes(32)
    lam = m.eigenvalues[0]
    phi1 = m.eigenfunction(0, 1.0)
    assert phi1 < 0                                                      # Fig. 2 convention
    # Frobenius relations at mu = 1 (text after eq 34): Phi' = lam/2 Phi, Phi'' = lam/4 Phi'
    assert m.derivative(0, 1.0) == pytest.approx(lam / 2 * phi1, rel=1e-9)
    assert m.derivative(0, 1.0, 2) == pytest.approx(lam / 4 * m.derivative(0, 1.0), rel=1e-8)
    # single node at mu_1 ~ 0.8 (paper: "mu_1 ~ 0.8")
    mu = np.linspace(-1, 1, 200001)
    phi = m.eigenfunction(0, mu)
    nodes = mu[np.nonzero(np.diff(np.sign(phi)))[0]]
    assert nodes.size == 1 and abs(nodes[0] - 0.8) < 0.01
    # the residual of eq (17) vanishes
    res = (np.polynomial.legendre.legval(mu, np.polynomial.legendre.legder(m.coefficients[0], 2)) * (1 - mu**2)
           - 2 * mu * m.derivative(0, mu) + lam * mu * phi)
    assert np.max(np.abs(res)) < 1e-8 * np.max(np.abs(phi)) * lam
    # normalisation int mu Phi^2 = 1, and U(1) > 0 (text after eq 34)
    assert np.trapezoid(mu * phi**2, mu) == pytest.approx(1.0, rel=1e-8)


def test_general_D_path_and_beam_numbers():
    base = cl.pitch_angle_eigenmodes(16).eigenvalues
    # D = 2 everywhere doubles the spectrum (quadrature path for K)
    np.testing.assert_allclose(cl.pitch_angle_eigenmodes(16, D=lambda m: 2.0 + 0 * m).eigenvalues, 2 * base, rtol=1e-10)
    # a positive perturbation of D raises lambda_1 (text after eq 34)
    bumped = cl.pitch_angle_eigenmodes(32, D=lambda m: 1 + 0.5 * np.exp(-((1 - m) / 0.05) ** 2)).eigenvalues[0]
    assert bumped > cl.pitch_angle_eigenmodes(32).eigenvalues[0]
    # eq (35): b = j_1^2 eps/2 = 7.3 eps; eq (36): lambda_1 b/2 = 53.4 eps (paper, with lambda_1 = 14.54)
    b = cl.malkov_beam_width(1.0)
    assert abs(b / 7.3 - 1) < 0.05 / 7.3 + 0.002
    assert abs(base[0] * b / 2 / 53.4 - 1) < 0.003          # 53.33 with lambda_1 = 14.528
    assert besselj(1, np.array([cl.J1_FIRST_ZERO]))[0] == pytest.approx(0.0, abs=1e-12)
