"""Two-moment CR transport in the diffusive limit against the analytic diffusion of a Gaussian.

With a reduced speed of light much larger than the diffusion speed
(V_m sigma_w / kappa >> 1) the two-moment system (Jiang & Oh 2018 eqs 7-8)
relaxes to dE_c/dt = div(kappa . grad E_c); its departure from pure diffusion
is the telegraph correction ~ 3 (kappa / (V_m sigma_w))^2 (2e-4 here), below the
discretisation errors measured.  Frozen gas, no streaming.  The error must fall
with resolution at the measured order (PLM + HLL with the optical-depth-reduced
signal speed, midpoint time stepping: second order in space, the time error is
O(dt) = O(dx / V_m) times kappa / (V_m dx) and stays small).
"""
import numpy as np
import pytest

from crplugin.boundaries import Boundaries
from crplugin.mesh import Block, Grid
from crplugin.solver.cr import CRIntegrator
from crplugin.state import IDN, IEC, IEN, IFC1, State

KAPPA = 1.0
SIGMA0 = 1.0     # initial Gaussian width
V_M = 120.0      # V_m sigma0 / kappa = 120: telegraph correction 3/120^2 = 2e-4


def _state(block, bdir):
    st = State(block, mhd=True, cr=True)
    st.u[IDN] = 1.0
    st.u[IEN] = 1.0
    for a, b in enumerate(st.bf):
        b[...] = bdir[a]
    st.update_bcc()
    return st


def gaussian_1d(x, t):
    s2 = SIGMA0 ** 2 + 2 * KAPPA * t
    return SIGMA0 / np.sqrt(s2) * np.exp(-x ** 2 / (2 * s2))


def run_1d(n, t_end):
    blk = Block(Grid((n,), (-8.0,), (8.0,)))
    st = _state(blk, (1.0, 0.0, 0.0))
    x, _, _ = blk.mesh()
    e0 = gaussian_1d(x, 0.0) * np.ones(blk.shape)
    st.cr[IEC] = e0
    st.cr[IFC1] = KAPPA * x / SIGMA0 ** 2 * e0     # the diffusive flux -kappa dE/dx
    bnd = Boundaries(blk)                           # periodic, tails ~ e^-32
    integ = CRIntegrator(blk, V_M, exchange=False)
    integ.step(st, t_end, {"kappa_par": KAPPA, "kappa_perp": 0.0}, bnd.fill)
    e = st.cr[IEC][blk.active]
    return np.abs(e - (gaussian_1d(x, t_end) * np.ones(blk.shape))[blk.active]).mean() / gaussian_1d(0.0, t_end)


def gaussian_2d(x, y, t, kpar, kperp):
    # b along (1, 1)/sqrt(2): xi along b, eta across
    xi, eta = (x + y) / np.sqrt(2), (y - x) / np.sqrt(2)
    s_par = SIGMA0 ** 2 + 2 * kpar * t
    s_perp = SIGMA0 ** 2 + 2 * kperp * t
    return SIGMA0 ** 2 / np.sqrt(s_par * s_perp) * np.exp(-xi ** 2 / (2 * s_par) - eta ** 2 / (2 * s_perp))


def run_2d(n, t_end, kperp=0.0):
    blk = Block(Grid((n, n), (-6.0, -6.0), (6.0, 6.0)))
    st = _state(blk, (1.0, 1.0, 0.0))
    x, y, _ = blk.mesh()
    e0 = gaussian_2d(x, y, 0.0, KAPPA, kperp)
    st.cr[IEC] = e0
    # F = -K . grad E with K = kpar b b + kperp (I - b b): isotropic Gaussian -> F = kappa_b r E / sigma0^2
    xi = (x + y) / np.sqrt(2)
    eta = (y - x) / np.sqrt(2)
    f_par, f_perp = KAPPA * xi * e0, kperp * eta * e0
    st.cr[IFC1] = (f_par - f_perp) / np.sqrt(2)
    st.cr[IFC1 + 1] = (f_par + f_perp) / np.sqrt(2)
    bnd = Boundaries(blk)
    integ = CRIntegrator(blk, V_M, exchange=False)
    integ.step(st, t_end, {"kappa_par": KAPPA, "kappa_perp": kperp}, bnd.fill)
    act = blk.active
    exact = gaussian_2d(x, y, t_end, KAPPA, kperp)[act]
    return np.abs(st.cr[IEC][act] - exact).mean() / exact.max(), st


def test_diffusion_1d_converges():
    t_end = 0.5      # width 1 -> sqrt(2)
    ns = (32, 64, 128)
    errs = [run_1d(n, t_end) for n in ns]
    orders = np.log2(np.array(errs[:-1]) / np.array(errs[1:]))
    print("1D L1 errors", errs, "orders", orders)
    assert errs[-1] < 1e-3
    assert np.all(orders > 1.5), orders


def test_anisotropic_diffusion_2d_converges():
    """B along the diagonal, kappa_perp = 0: the Gaussian spreads only along b."""
    t_end = 0.25
    ns = (24, 48, 96)
    res = [run_2d(n, t_end) for n in ns]
    errs = [r[0] for r in res]
    orders = np.log2(np.array(errs[:-1]) / np.array(errs[1:]))
    print("2D L1 errors", errs, "orders", orders)
    assert errs[-1] < 5e-3
    assert np.all(orders > 1.5), orders
    # symmetry: the solution is invariant under (x, y) -> (y, x) and (x, y) -> (-x, -y)
    e = res[-1][1].cr[IEC][res[-1][1].block.active][0]
    np.testing.assert_allclose(e, e.T, rtol=0, atol=1e-12)
    np.testing.assert_allclose(e, e[::-1, ::-1], rtol=0, atol=1e-12)
