"""Two-moment CR transport: conservation with the gas, edge cases, kernels against numpy.

* periodic box, exchange on, explicit and implicit: total energy  sum(e_gas + E_c)  and total momentum
  sum(rho v + F_c / V_m^2)  are conserved to round-off (the CR fluxes are
  conservative and the gas gets exactly the opposite source);
* zero scattering (kappa = inf), infinite scattering (kappa = 0, no streaming),
  B = 0 cells, v_A = 0 and E_c = 0 never produce NaN;
* the cell-local implicit source equals a direct solve of the 4x4 backward-Euler
  system written in the lab frame with numpy;
* the pointwise kernels match their formulas and limits.
"""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st_

from crplugin.boundaries import Boundaries
from crplugin.kernels import cr_step as KS
from crplugin.kernels import cr_transport as K
from crplugin.mesh import Block, Grid
from crplugin.solver.cr import CRIntegrator, streaming_heating
from crplugin.solver.cr_implicit import ImplicitCRIntegrator
from crplugin.state import IDN, IEC, IEN, IFC1, IM1, State

V_M = 20.0


def _box(n=(16, 16), seed=0, bzero=False):
    blk = Block(Grid(n, (0.0,) * len(n), (1.0,) * len(n)))
    st = State(blk, mhd=True, cr=True)
    x, y, z = blk.mesh()
    kx, ky = 2 * np.pi * x, 2 * np.pi * y
    rho = 1.0 + 0.3 * np.sin(kx) * np.cos(ky)
    vx, vy = 0.3 * np.cos(ky), -0.2 * np.sin(kx)
    st.u[IDN] = rho
    st.u[IM1] = rho * vx
    st.u[IM1 + 1] = rho * vy
    st.u[IEN] = 2.0 + 0.5 * rho * (vx ** 2 + vy ** 2)
    # field: uniform + a sheared component, zero in a patch if requested
    st.bf[0][...] = 1.0
    st.bf[1][...] = 0.5
    if bzero:
        st.bf[0][..., 4:9, 4:10] = 0.0
        st.bf[1][..., 4:10, 4:9] = 0.0
    st.update_bcc()
    st.cr[IEC] = 1.0 + 0.5 * np.sin(kx + 0.3) * np.sin(ky)
    st.cr[IFC1] = 0.1 * np.cos(kx)
    st.cr[IFC1 + 1] = -0.05 * np.sin(ky)
    return blk, st


def _totals(blk, st):
    act = blk.active
    e = (st.u[IEN][act] + st.cr[IEC][act]).sum()
    m = [(st.u[IM1 + a][act] + st.cr[IFC1 + a][act] / V_M ** 2).sum() for a in range(3)]
    return e, np.array(m)


@pytest.mark.parametrize("scheme", ["centred", "consistent"])
@pytest.mark.parametrize("implicit", [False, True])
@pytest.mark.parametrize("mode", ["streaming", "extrinsic", "diffusion"])
def test_periodic_box_conserves_energy_and_momentum(mode, implicit, scheme):
    # implicit: backward Euler over the same 10 explicit steps, in one step; the gas gets
    # -(U' - U^n + h div F), so the totals hold to round-off although U' carries the Newton
    # residual (giving the gas -h S(U') instead leaves that residual, up to 1e-6 relative, in them).
    # consistent: F_c also changes by the flux-lag term outside the divergence; the gas gets it back
    blk, st = _box()
    bnd = Boundaries(blk)
    bnd.fill(st)
    va = np.sqrt((st.bcc ** 2).sum(axis=0) / st.u[IDN])
    coeffs = {"kappa_par": 0.05, "kappa_perp": 0.005}
    if mode == "streaming":
        coeffs["stream_speed"] = va
    elif mode == "extrinsic":
        coeffs["stream_velocity_par"] = -0.5 * va
    e0, m0 = _totals(blk, st)
    gas0 = st.u.copy()
    integ = (ImplicitCRIntegrator(blk, V_M, exchange=True, newton_rtol=1e-6, streaming_scheme=scheme)
             if implicit else CRIntegrator(blk, V_M, exchange=True, streaming_scheme=scheme))
    diag = integ.step(st, 10 * integ.timestep(), coeffs, bnd.fill)
    e1, m1 = _totals(blk, st)
    assert diag["nsub"] == (1 if implicit else 10)
    assert abs(e1 - e0) < 1e-13 * abs(e0)
    assert np.all(np.abs(m1 - m0) < 1e-13 * (abs(e0) + np.abs(m0)))
    # the exchange was real (not conservation by doing nothing) and is what the gas got
    dgas = (st.u[IEN] - gas0[IEN])[blk.active]
    assert np.abs(dgas).max() > 1e-6
    # (u[IEN] ~ 2.5: its increments carry ~1e-15 round-off per sub-step)
    np.testing.assert_allclose(dgas, diag["gas_energy_source"], rtol=0, atol=2e-14)
    vol = np.prod(blk.dx[:2])
    assert diag["energy_exchanged"] == pytest.approx(dgas.sum() * vol, rel=1e-10, abs=1e-15)


def test_exchange_off_freezes_gas():
    blk, st = _box()
    bnd = Boundaries(blk)
    bnd.fill(st)
    u0 = st.u.copy()
    integ = CRIntegrator(blk, V_M, exchange=False)
    integ.step(st, 3 * integ.timestep(), {"kappa_par": 0.05, "kappa_perp": 0.0, "stream_speed": 1.0}, bnd.fill)
    np.testing.assert_array_equal(st.u, u0)


def test_edge_cases_never_nan():
    blk, st = _box(bzero=True)
    bnd = Boundaries(blk)
    bnd.fill(st)
    shape = blk.shape
    kpar = np.full(shape, 0.01)
    kpar[..., :, :5] = np.inf       # no scattering along b
    kpar[..., :, 5:8] = 0.0         # infinite scattering along b
    kperp = np.zeros(shape)
    kperp[..., :3, :] = np.inf
    vst = np.sqrt((st.bcc ** 2).sum(axis=0) / st.u[IDN])   # 0 in the B = 0 patch
    vst[..., 10:, 10:] = 0.0
    st.cr[IEC][..., 6:9, :] = 0.0    # empty cells
    st.cr[IFC1:, ..., 6:9, :] = 0.0
    integ = CRIntegrator(blk, V_M, exchange=True)
    for coeffs in ({"kappa_par": kpar, "kappa_perp": kperp, "stream_speed": vst},
                   {"kappa_par": 0.0, "kappa_perp": 0.0, "stream_speed": 0.0},
                   {"kappa_par": np.inf, "kappa_perp": np.inf},
                   {"kappa_par": kpar, "kappa_perp": kperp, "stream_velocity_par": -vst}):
        diag = integ.step(st, 4 * integ.timestep(), coeffs, bnd.fill)
        assert np.isfinite(st.cr).all() and np.isfinite(st.u).all()
        assert np.isfinite(diag["heating"]).all() and np.isfinite(diag["work"]).all()
        assert np.isfinite(streaming_heating(st, coeffs)).all()
        assert (st.cr[IEC][blk.active] >= 0).all()


def test_bad_coefficients_raise():
    blk, st = _box(n=(8,))
    integ = CRIntegrator(blk, V_M)
    ok = {"kappa_par": 1.0, "kappa_perp": 0.0}
    fill = Boundaries(blk).fill
    with pytest.raises(ValueError, match="kapa_par"):
        integ.step(st, 0.01, {"kapa_par": 1.0, "kappa_perp": 0.0}, fill)
    with pytest.raises(ValueError, match="kappa_perp"):
        integ.step(st, 0.01, {"kappa_par": 1.0}, fill)
    with pytest.raises(ValueError, match="kappa_par"):
        integ.step(st, 0.01, dict(ok, kappa_par=-1.0), fill)
    with pytest.raises(ValueError, match="stream_speed"):
        integ.step(st, 0.01, dict(ok, stream_speed=np.full(blk.shape, np.nan)), fill)
    with pytest.raises(ValueError, match="kappa_par"):
        integ.step(st, 0.01, dict(ok, kappa_par=np.ones(5)), fill)
    with pytest.raises(ValueError, match="v_m"):
        CRIntegrator(blk, -1.0)
    with pytest.raises(ValueError, match="stream_scale"):
        CRIntegrator(blk, 1.0, stream_scale=np.inf)


# ---------------------------------------------------------------------------
# the implicit source against a lab-frame numpy solve

def _source_numpy(E, F, v, b, s_par, s_perp, vs, us, dt, vm, g):
    """Backward Euler for (E, F) in the lab frame: a 4x4 linear solve."""
    bb = np.outer(b, b)
    S = bb / s_par + (np.eye(3) - bb) / s_perp          # the opacity tensor sigma
    u = v + us * b                                     # relaxation target velocity
    w = v + vs * b                                     # velocity in the energy source
    A = np.zeros((4, 4))
    # E' + dt w.S.(F' - g u E') = E*
    A[0, 0] = 1.0 - dt * g * w @ S @ u
    A[0, 1:] = dt * w @ S
    # F' + dt vm^2 S.(F' - g u E') = F*
    A[1:, 0] = -dt * vm ** 2 * g * S @ u
    A[1:, 1:] = np.eye(3) + dt * vm ** 2 * S
    return np.linalg.solve(A, np.concatenate([[E], F])), np.linalg.cond(A)


def _source_kernel(E, F, v, b, s_par, s_perp, vs, us, dt, vm, g):
    one = lambda val: np.full((1, 1, 1), float(val))  # noqa: E731
    cr = np.concatenate([[E], F]).reshape(4, 1, 1, 1).astype(float).copy()
    d_ec = np.zeros((1, 1, 1))
    d_fc = np.zeros((3, 1, 1, 1))
    KS.cr_source(cr, np.asarray(v, float).reshape(3, 1, 1, 1).copy(), np.asarray(b, float).reshape(3, 1, 1, 1).copy(),
                one(s_par), one(s_perp), one(vs), one(us), dt, vm, g, 0, 1, 0, 1, 0, 1, d_ec, d_fc)
    return cr.ravel(), d_ec.ravel()[0], d_fc.ravel()


finite = dict(allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(E=st_.floats(0.1, 10.0), F=st_.lists(st_.floats(-3, 3), min_size=3, max_size=3),
       v=st_.lists(st_.floats(-1, 1), min_size=3, max_size=3),
       b=st_.lists(st_.floats(-1, 1), min_size=3, max_size=3).filter(lambda b: np.linalg.norm(b) > 0.1),
       lsp=st_.floats(-4, 4), lso=st_.floats(-4, 4), vs=st_.floats(-1, 1), extrinsic=st_.booleans(),
       ldt=st_.floats(-4, 0))
def test_implicit_source_matches_lab_frame_solve(E, F, v, b, lsp, lso, vs, extrinsic, ldt):
    b = np.asarray(b) / np.linalg.norm(b)
    vm, g, dt = 30.0, 4.0 / 3.0, 10.0 ** ldt
    args = (E, np.asarray(F), np.asarray(v), b, 10.0 ** lsp, 10.0 ** lso, vs, vs if extrinsic else 0.0, dt, vm, g)
    ref, cond = _source_numpy(*args)
    got, d_ec, d_fc = _source_kernel(*args)
    if ref[0] < 0:          # the kernel keeps E >= 0 (not a solution of the linear system then)
        return
    scale = E + np.abs(F).sum()
    # two solves of the same system differ by ~ cond(A) x round-off (cond up to ~1e7 here)
    rtol = max(1e-10, 1e-15 * cond)
    np.testing.assert_allclose(got, ref, rtol=rtol, atol=rtol * 0.1 * scale)
    np.testing.assert_allclose(d_ec, got[0] - E, rtol=1e-12, atol=1e-14 * scale)
    np.testing.assert_allclose(d_fc, got[1:] - np.asarray(F), rtol=1e-12, atol=1e-14 * scale)


def test_implicit_source_stiff_limits():
    b = np.array([0.6, 0.8, 0.0])
    v = np.array([0.1, -0.2, 0.3])
    F = np.array([1.0, -2.0, 0.5])
    # infinite scattering (s = 0): F relaxes to v (E + P) in one step, whatever dt
    got, _, _ = _source_kernel(2.0, F, v, b, 0.0, 0.0, 0.0, 0.0, 1e-3, 30.0, 4.0 / 3.0)
    np.testing.assert_allclose(got[1:], 4.0 / 3.0 * got[0] * v, rtol=1e-12)
    # no scattering (s = inf): nothing changes
    got, d_ec, d_fc = _source_kernel(2.0, F, v, b, np.inf, np.inf, 0.5, 0.0, 1e-3, 30.0, 4.0 / 3.0)
    np.testing.assert_array_equal(got, np.concatenate([[2.0], F]))
    assert d_ec == 0.0 and not d_fc.any()
    # extrinsic waves, v = 0, infinite scattering: F = u_s (E + P) b
    got, _, _ = _source_kernel(2.0, F, 0 * v, b, 0.0, 0.0, -0.7, -0.7, 1e-3, 30.0, 4.0 / 3.0)
    np.testing.assert_allclose(got[1:], 4.0 / 3.0 * got[0] * (-0.7) * b, rtol=1e-12, atol=1e-15)


# ---------------------------------------------------------------------------
# pointwise kernels

def test_reduced_speed():
    tau = np.array([0.0, 1e-3, 0.1, 1.0, 10.0, 1e3, np.inf])
    out = np.empty_like(tau)
    K.cr_reduced_speed_array(np.full(7, 3.0), np.full(7, 4.0 / 3.0), tau, out)
    q = tau ** 2 * 1.5
    with np.errstate(invalid="ignore", divide="ignore"):
        ref = 3.0 / np.sqrt(3.0) * np.sqrt(-np.expm1(-q) / q)
    ref[0] = np.sqrt(3.0)
    ref[-1] = 0.0
    np.testing.assert_allclose(out, ref, rtol=1e-6)
    # optically thick limit: sqrt(2) (gamma_c - 1) V_m / tau
    assert out[-2] == pytest.approx(np.sqrt(2) / 3 * 3.0 / 1e3, rel=1e-12)


def test_streaming_sign_and_opacity():
    h, g = 2.0, 4.0 / 3.0
    pc = np.array([1.0, 1.0, 1.0, 0.0, 0.0, 1.0])
    grad = np.array([-0.3, 0.0, 50.0, -1.0, 0.0, 1e-9])
    n = len(pc)
    sgn, inv = np.empty(n), np.empty(n)
    K.cr_streaming_sign_array(np.full(n, h), pc, grad, sgn)
    K.cr_streaming_inverse_opacity_array(np.full(n, 1.5), np.full(n, g), np.full(n, h), pc, grad, inv)
    np.testing.assert_allclose(sgn, [np.tanh(-0.6), 0.0, 1.0, -1.0, 0.0, np.tanh(2e-9)], rtol=1e-14)
    # 1/sigma_s = v_st (E + P) tanh|x| / |grad|, E + P = 4 P
    assert inv[0] == pytest.approx(1.5 * 4.0 * np.tanh(0.6) / 0.3, rel=1e-14)
    # bounded by its zero-gradient limit gamma/(gamma-1) v_st h
    assert inv[1] == pytest.approx(4.0 * 1.5 * h, rel=1e-14)
    assert inv[5] == pytest.approx(4.0 * 1.5 * h, rel=1e-12)
    assert inv[3] == 0.0 and inv[4] == pytest.approx(4.0 * 1.5 * h)
    assert np.all(inv <= 4.0 * 1.5 * h * (1 + 1e-15))
