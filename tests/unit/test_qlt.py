"""QLT closures of the CR transport review: kappa_par from D_mumu, diffusion tensor, rigidity scaling."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import crplugin.closures as cl
from crplugin.constants import C_LIGHT, PC


def random_grid(interior):
    """Strictly increasing grid from -1 to 1 with the given interior points."""
    x = np.unique(np.clip(np.asarray(interior), -0.999, 0.999))
    return np.concatenate([[-1.0], x, [1.0]])


# ---------------------------------------------------------------- kappa_par_qlt

@settings(max_examples=100, deadline=None)
@given(interior=st.lists(st.floats(-0.999, 0.999), min_size=1, max_size=60),
       nu=st.floats(1e-12, 1e3), beta=st.floats(1e-3, 1.0))
def test_isotropic_limit_exact_on_any_grid(interior, nu, beta):
    # D_mumu = nu (1-mu^2)/2: integrand 2(1-mu^2)/nu is quadratic, Simpson is exact:
    # v^2/(3 nu) to rounding (a few 1e-15 relative, more on grids with very unequal steps)
    mu = random_grid(interior)
    if np.min(np.diff(mu)) < 1e-6:
        return
    v = beta * C_LIGHT
    k = cl.kappa_par_qlt(mu, nu * (1 - mu**2) / 2, v)
    assert k == pytest.approx(v**2 / (3 * nu), rel=1e-9)
    assert cl.kappa_par_isotropic(v, nu) == pytest.approx(v**2 / (3 * nu), rel=1e-15)


@pytest.mark.parametrize("n", [3, 4, 5, 50, 51, 1001])
def test_isotropic_limit_uniform(n):
    mu = np.linspace(-1, 1, n)
    assert cl.kappa_par_qlt(mu, 0.5 * 2.0 * (1 - mu**2), 3e10) == pytest.approx(9e20 / 6.0, rel=1e-13)


def test_fourth_order_convergence():
    # D_mumu = nu (1-mu^2)(1 + a mu)/2: int 2(1-mu^2)/(nu (1+a mu)) dmu in closed form
    a, nu, v = 0.6, 2.0, 1e10
    exact = v**2 / 8 * 2 / nu * (2 / a**2 + (1 - 1 / a**2) / a * np.log((1 + a) / (1 - a)))
    err = []
    for n in (21, 41, 81):
        mu = np.linspace(-1, 1, n)
        err.append(abs(cl.kappa_par_qlt(mu, nu * (1 - mu**2) * (1 + a * mu) / 2, v) / exact - 1))
    assert err[0] / err[1] > 12 and err[1] / err[2] > 12          # h^4: ratio 16
    assert err[2] < 1e-6


def test_many_cells_and_broadcast_v():
    mu = np.linspace(-1, 1, 101)
    nu = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    D = nu[..., None] * (1 - mu**2) / 2
    v = np.array([1e9, 2e9, 3e9])                                   # broadcasts over the first axis
    k = cl.kappa_par_qlt(mu, D, v)
    assert k.shape == (2, 3)
    np.testing.assert_allclose(k, v**2 / (3 * nu), rtol=1e-13)
    assert isinstance(cl.kappa_par_qlt(mu, D[0, 0], 1e9), float)


def test_against_numpy_reference_slab_dmumu():
    # slab D_mumu (s = 1.5, eps = 0.01): compare with a fine trapezoid in numpy
    fine = np.linspace(-1, 1, 2_000_001)
    Df = cl.slab_D_mumu(fine, 1.0, 1e8, 1e10, 0.3, 1.5)
    f = np.where(np.abs(fine) < 1, (1 - fine**2) ** 2 / np.where(Df > 0, Df, 1.0), 0.0)
    ref = 1e20 / 8 * np.trapezoid(f, fine)
    # the |mu -+ eps|^(1-s) cusps at mu = +-eps limit the order (see the docstring): ~5e-4 with 2001
    # uniform samples, improving with resolution
    err = []
    for n in (2001, 8001):
        mu = np.linspace(-1, 1, n)
        err.append(abs(cl.kappa_par_qlt(mu, cl.slab_D_mumu(mu, 1.0, 1e8, 1e10, 0.3, 1.5), 1e10) / ref - 1))
    assert err[0] < 1e-3 and err[1] < err[0] / 2


def test_unyt():
    unyt = pytest.importorskip("unyt")
    mu = np.linspace(-1, 1, 11)
    k = cl.kappa_par_qlt(mu, unyt.unyt_array((1 - mu**2) / 2, "1/s"), unyt.unyt_quantity(1e5, "km/s"))
    assert str(k.units) == "cm**2/s" and float(k) == pytest.approx(1e20 / 3, rel=1e-13)


@pytest.mark.parametrize("mu,D,v,name", [
    (np.linspace(-1, 0.9, 5), np.ones(5), 1.0, "mu"),
    (np.array([-1.0, 0.5, 0.2, 1.0]), np.ones(4), 1.0, "mu"),
    (np.linspace(-1, 1, 5), np.ones(4), 1.0, "D_mumu"),
    (np.linspace(-1, 1, 5), np.array([0.0, 1.0, 0.0, 1.0, 0.0]), 1.0, "D_mumu"),
    (np.linspace(-1, 1, 5), -np.ones(5), 1.0, "D_mumu"),
    (np.linspace(-1, 1, 5), np.array([1.0, np.nan, 1.0, 1.0, 1.0]), 1.0, "D_mumu"),
    (np.linspace(-1, 1, 5), np.ones(5), -1.0, "v"),
    (np.linspace(-1, 1, 5), np.ones((2, 5)), np.ones(3), "v"),
])
def test_kappa_par_bad_input(mu, D, v, name):
    with pytest.raises(ValueError, match=name):
        cl.kappa_par_qlt(mu, D, v)


# ---------------------------------------------------------------- diffusion tensor

LEVI = np.zeros((3, 3, 3))
LEVI[0, 1, 2] = LEVI[1, 2, 0] = LEVI[2, 0, 1] = 1
LEVI[0, 2, 1] = LEVI[2, 1, 0] = LEVI[1, 0, 2] = -1


def tensor_ref(b, dpar, dperp, da):
    b = b / np.linalg.norm(b, axis=-1, keepdims=True)
    return (dperp[..., None, None] * np.eye(3) + (dpar - dperp)[..., None, None] * b[..., :, None] * b[..., None, :]
            + da[..., None, None] * np.einsum("ijk,...k->...ij", LEVI, b))


vec = hnp.arrays(np.float64, 3, elements=st.floats(-10, 10))


@settings(max_examples=200, deadline=None)
@given(b=vec, dpar=st.floats(0, 1e30), dperp=st.floats(0, 1e30), da=st.floats(-1e30, 1e30))
def test_diffusion_tensor_structure(b, dpar, dperp, da):
    if np.linalg.norm(b) < 1e-3:
        return
    D = cl.diffusion_tensor(b, dpar, dperp, da)
    scale = max(dpar, dperp, abs(da), 1.0)
    sym, anti = 0.5 * (D + D.T), 0.5 * (D - D.T)
    bh = b / np.linalg.norm(b)
    # symmetric part: D_par along b, D_perp across; antisymmetric part is D_A eps_ijk b_k
    np.testing.assert_allclose(sym @ bh, dpar * bh, atol=1e-13 * scale)
    perp = np.cross(bh, [1.0, 0.0, 0.0] if abs(bh[0]) < 0.9 else [0.0, 1.0, 0.0])
    perp /= np.linalg.norm(perp)
    np.testing.assert_allclose(sym @ perp, dperp * perp, atol=1e-13 * scale)
    np.testing.assert_allclose(np.sort(np.linalg.eigvalsh(sym)), np.sort([dpar, dperp, dperp]), atol=1e-12 * scale)
    np.testing.assert_allclose(anti, da * np.einsum("ijk,k->ij", LEVI, bh), atol=1e-13 * scale)
    np.testing.assert_allclose(anti @ bh, 0.0, atol=1e-13 * scale)       # drifts are across b
    np.testing.assert_allclose(D, tensor_ref(b, np.array(dpar), np.array(dperp), np.array(da)), atol=1e-13 * scale)


def test_diffusion_tensor_arrays_and_flux_sign():
    rng = np.random.default_rng(3)
    b = rng.normal(size=(4, 5, 3))
    dpar, dperp, da = rng.uniform(1, 2, (4, 5)), rng.uniform(0, 1, (4, 5)), rng.normal(size=(4, 5))
    D = cl.diffusion_tensor(b, dpar, dperp, da)
    assert D.shape == (4, 5, 3, 3)
    np.testing.assert_allclose(D, tensor_ref(b, dpar, dperp, da), rtol=1e-13, atol=1e-15)
    # flux -D.grad n contains +D_A b x grad n
    g = np.array([0.0, 1.0, 0.0])
    Dz = cl.diffusion_tensor([0.0, 0.0, 2.0], 0.0, 0.0, 1.0)
    np.testing.assert_allclose(-Dz @ g, np.cross([0.0, 0.0, 1.0], g), atol=1e-15)


@pytest.mark.parametrize("args,name", [
    (([0.0, 0.0, 0.0], 1.0, 1.0), "b"),
    (([1.0, 0.0], 1.0, 1.0), "b"),
    (([1.0, 0.0, np.nan], 1.0, 1.0), "b"),
    (([1.0, 0.0, 0.0], -1.0, 1.0), "D_par"),
    (([1.0, 0.0, 0.0], 1.0, -1.0), "D_perp"),
    ((np.ones((2, 3)), np.ones(3), 1.0), "broadcast"),
])
def test_diffusion_tensor_bad_input(args, name):
    with pytest.raises(ValueError, match=name):
        cl.diffusion_tensor(*args)


# ---------------------------------------------------------------- rigidity scaling

def test_rigidity_scaling():
    # Kolmogorov q = 5/3: R^(1/3); Kraichnan q = 3/2: R^(1/2)
    assert cl.mean_free_path_rigidity(8.0, 1.0, 1.0, 5.0 / 3.0) == pytest.approx(2.0, rel=1e-14)
    assert cl.mean_free_path_rigidity(4.0, 1.0, 1.0, 1.5) == pytest.approx(2.0, rel=1e-14)
    # the same exponent as Schlickeiser et al. (2019) eq (30): kappa_zz/v ~ (p/p_m)^(2-s) at fixed beta
    s, r = 5.0 / 3.0, 7.3
    k1 = cl.slab_kappa_zz(C_LIGHT, 1e-4, s, 0.1, 10 * PC, 2e11)
    k2 = cl.slab_kappa_zz(C_LIGHT, r * 1e-4, s, 0.1, 10 * PC, 2e11)
    assert k2 / k1 == pytest.approx(cl.mean_free_path_rigidity(r, 1.0, 1.0, s), rel=1e-12)


def test_rigidity_units_and_errors():
    unyt = pytest.importorskip("unyt")
    lam = cl.mean_free_path_rigidity(unyt.unyt_quantity(8, "GV"), unyt.unyt_quantity(1, "GV"),
                                     unyt.unyt_quantity(1, "pc"), 5.0 / 3.0)
    assert str(lam.units) == "cm" and float(lam) == pytest.approx(2 * float(unyt.unyt_quantity(1, "pc").to("cm")), rel=1e-12)
    for q in (2.5, 0.5):
        with pytest.raises(ValueError, match="q"):
            cl.mean_free_path_rigidity(1.0, 1.0, 1.0, q)
    assert cl.mean_free_path_rigidity(3.0, 1.0, 2.0, 1.0) == pytest.approx(6.0, rel=1e-15)   # q = 1: lambda ~ R
    with pytest.raises(ValueError, match="R"):
        cl.mean_free_path_rigidity(-1.0, 1.0, 1.0, 1.5)
