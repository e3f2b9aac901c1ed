"""The implicit CR integrator: its Jacobian, its Newton iteration, the streaming-sign flip,
and the errors for bad settings.

* The written-out Jacobian (``CRStep.jacobian_analytic``: band storage in 1D, sparse in
  2D) times a vector must equal the directional derivative of the rate at frozen
  opacities, and must agree with the coloured finite differences of ``CRStep.jacobian``:
  a wrong derivative or a misplaced entry gives O(1) errors.  Cells next to the boundaries
  are left out of the direction because the van Leer limiter has a kink there
  (zero-gradient ghosts).
* With constant diffusivities the opacities do not depend on U, the frozen-opacity
  Jacobian is the exact one and a backward-Euler step of 200 explicit steps is solved by
  Newton in a few iterations (quadratic convergence; a wrong Jacobian needs many).
* A CR maximum (the streaming sign flips there) relaxes symmetrically under implicit steps.
"""
import numpy as np
import pytest

from crplugin import cli, problems
from crplugin.boundaries import Boundaries
from crplugin.mesh import Block, Grid
from crplugin.solver.cr import CRIntegrator
from crplugin.solver.cr_implicit import ImplicitCRIntegrator, NotConverged
from crplugin.simulation import Simulation, make_parameters
from crplugin.state import IDN, IEC, IEN, IFC1, State
from helpers.spherical import shell_diffusion


def _state(shape, length=10.0):
    ndim = len(shape)
    blk = Block(Grid(shape, (0.0,) * ndim, (length,) * ndim))
    st = State(blk, mhd=True, cr=True)
    x, y, z = blk.mesh()
    st.u[IDN] = 1.0 + 0.5 * np.sin(0.3 * x + 0.2 * y) ** 2 * np.ones(blk.shape)
    st.u[IEN] = 2.0
    st.bf[0][...] = 1.0
    if ndim > 1:
        st.bf[1][...] = 0.6
    st.update_bcc()
    # smooth, monotone along every axis (no limiter kinks inside)
    st.cr[IEC] = 3.0 * np.exp(-0.15 * x - 0.1 * y) * np.ones(blk.shape)
    for a, frac in enumerate((0.4, 0.2, 0.1)):     # no flat component either (limiter kink)
        st.cr[IFC1 + a] = frac * st.cr[IEC]
    bnd = Boundaries(blk, kinds={(a, s): "outflow" for a in range(3) for s in ("inner", "outer")})
    bnd.fill(st)
    return blk, st, bnd


COEFFS = {"kappa_par": 0.3, "kappa_perp": 0.05, "stream_speed": 0.8}


def _bump(n=32):
    """A CR bump on E_c = 0.1 in uniform gas at rest, B along x, outflow sides (ghosts filled)."""
    blk = Block(Grid((n,), (-4.0,), (4.0,)))
    st = State(blk, mhd=True, cr=True)
    x, _, _ = blk.mesh()
    st.u[IDN] = 1.0
    st.u[IEN] = 1.0
    st.bf[0][...] = 1.0
    st.update_bcc()
    st.cr[IEC] = (0.1 + np.exp(-x ** 2)) * np.ones(blk.shape)
    bnd = Boundaries(blk, kinds={(0, "inner"): "outflow", (0, "outer"): "outflow"})
    bnd.fill(st)
    return blk, st, bnd


@pytest.mark.parametrize("scheme", ["centred", "consistent"])
@pytest.mark.parametrize("shape", [(48,), (21, 17)])
def test_jacobian_is_the_derivative_of_the_rate(shape, scheme):
    blk, st, bnd = _state(shape)
    # the whole matrix (the line solver returns only its x1 lines: test_line_solver_*);
    # consistent: Koren slopes of E_c (their branch derivatives), face-gradient opacity (frozen)
    integ = ImplicitCRIntegrator(blk, 20.0, exchange=False, stream_scale=50.0, linear_solver="lu",
                                 streaming_scheme=scheme)
    ctx = integ._context(st, COEFFS, bnd.fill, None)
    u = integ._get(st.cr)
    scales = integ._scales(u)
    dense = _dense(integ._jacobian(st, u, ctx, scales)[0], u.size)
    rng = np.random.default_rng(7)
    inner = np.ones(integ._n, dtype=bool)
    for ax in range(len(shape)):
        sl = [slice(None)] * 3
        sl[2 - ax] = np.r_[0:4, -4:0]
        inner[tuple(sl)] = False
    v = rng.standard_normal((inner.size, 4)) * scales * inner.reshape(-1, 1)
    v = v.ravel()
    h = 1e-6
    integ._rate(st, u, ctx)                        # freeze the opacities at u
    dd = (integ._rate(st, u + h * v, ctx, frozen=True) - integ._rate(st, u - h * v, ctx, frozen=True)) / (2 * h)
    err = np.abs(dense @ v - dd).reshape(-1, 4).max(axis=0)
    ref = np.abs(dd).reshape(-1, 4).max(axis=0)
    # the central difference along v is O(h^2) accurate (the limited slopes are smooth away
    # from the left-out boundary cells): measured 1.3e-9 of the largest entry (1D and 2D),
    # falling as h^2 (1.3e-5 at h = 1e-4); a wrong or misplaced entry is an O(1) error
    assert np.all(err <= 1e-7 * ref.max()), (err, ref)


def test_linear_diffusion_step_converges_quadratically():
    # constant diffusivity: the frozen-opacity Jacobian is exact
    blk, st, bnd = _bump(64)
    integ = ImplicitCRIntegrator(blk, 50.0, exchange=False, newton_rtol=1e-10)
    diag = integ.step(st, 200 * integ.timestep(), {"kappa_par": 1.0, "kappa_perp": 0.0}, bnd.fill)
    assert diag["nsub"] == 1
    # measured: 5 iterations, the residual 1.7, 1.7e-1, 1.1e-4, 1.5e-8, 1.9e-12 (quadratic);
    # the Jacobian scaled by 1.2 converges linearly and needs 15
    assert diag["newton_iterations"] <= 5, diag["newton_iterations"]


def test_streaming_sign_flip_relaxes_symmetrically():
    # a CR bump in uniform gas: b.grad P_c changes sign at its top, so the streaming sign
    # (tanh) flips there; Newton must converge through it and keep the mirror symmetry
    blk, st, bnd = _bump()
    ref = st.copy()
    coeffs = {"kappa_par": 0.0, "kappa_perp": 0.0, "stream_speed": 1.0}
    integ = ImplicitCRIntegrator(blk, 10.0, exchange=False)
    t_end = 0.5
    integ.step(st, t_end, coeffs, bnd.fill)
    e = st.cr[IEC][0, 0, blk.active[2]]
    assert np.allclose(e, e[::-1], rtol=1e-8, atol=0.0)
    assert e.max() < 0.9 * 1.1  # the bump streams away from its top
    # the explicit integrator over the same time (20 sub-steps): backward Euler (first order,
    # 3 adaptive sub-steps over t_end, the fronts move 2 cells) smears the two streaming
    # fronts by about a cell: measured L1rel 5.9e-2; a missing streaming loss term or a
    # wrong sign gives O(1)
    expl = CRIntegrator(blk, 10.0, exchange=False)
    bnd.fill(ref)
    expl.step(ref, t_end, coeffs, bnd.fill)
    e_ex = ref.cr[IEC][0, 0, blk.active[2]]
    assert np.abs(e - e_ex).sum() / e_ex.sum() < 0.1


def _one_line_error(capsys, argv):
    """The CLI's error for ``argv``: exit code 2 and exactly one line on stderr."""
    code = cli.main(argv)
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1, err
    return err


@pytest.mark.parametrize("setting, needles", [
    ("cr.integrator=semi", ("cr.integrator", "explicit")),
    ("cr.streaming_scheme=upwind", ("cr.streaming_scheme", "consistent")),
    # the bottleneck's default scheme is consistent: the implicit integrator needs centred
    ("cr.integrator=implicit", ("cr.streaming_scheme = centred", "implicit")),
])
def test_bad_cr_settings_are_one_line(tmp_path, capsys, setting, needles):
    err = _one_line_error(capsys, ["run", "bottleneck", "-o", str(tmp_path / "o"), setting])
    assert all(n in err for n in needles), err


def test_steady_with_exchange_on_evolving_gas_is_one_line(tmp_path, capsys):
    # the steady solver gives the gas nothing: asking for the exchange on evolving gas is an error
    err = _one_line_error(capsys, ["run", "halo_cloud", "-o", str(tmp_path / "o"), "cr.integrator=steady"])
    assert "cr.integrator = steady" in err and "cr.exchange" in err


def test_non_converging_solve_is_one_line(tmp_path, capsys):
    err = _one_line_error(capsys, ["run", "bottleneck", "-o", str(tmp_path / "o"), "mesh.nx=32",
                                   "cr.integrator=implicit", "cr.streaming_scheme=centred",
                                   "cr.newton_max_iter=1", "output.progress=false"])
    assert "did not converge" in err and "residual" in err and "cr.newton_max_iter" in err
    # the sub-steps were shortened down to the explicit step first: the advice says so, and no
    # longer suggests a shorter step (the NotConverged reason is kept, its advice replaced)
    assert "even at the explicit step size" in err and "lower cr.max_subcycles" not in err, err


def test_steady_not_converging_raises():
    prob = problems.load("bottleneck")
    params = make_parameters(prob, problems.input_file("bottleneck"),
                             ["mesh.nx=32", "cr.integrator=steady", "output.progress=false"])
    sim = Simulation(params, prob)
    with pytest.raises(NotConverged, match="cr.steady_rtol"):
        sim.cr.solve_steady(sim.state, sim.coefficients()[0], sim.boundaries, max_steps=3)


def _dense(jac, n):
    kind, ku, mat = jac
    if kind != "band":
        return mat.toarray()
    dense = np.zeros((n, n))
    for q in range(n):
        for p in range(max(0, q - ku), min(n, q + ku + 1)):
            dense[p, q] = mat[ku + p - q, q]
    return dense


@pytest.mark.parametrize("shape, kinds", [
    ((40,), {(0, "inner"): "reflecting", (0, "outer"): "outflow"}),
    ((14, 11), {(0, "inner"): "reflecting", (0, "outer"): "outflow",
                (1, "inner"): "outflow", (1, "outer"): "reflecting"}),
])
@pytest.mark.parametrize("scheme", ["centred", "consistent"])
def test_written_out_jacobian_equals_coloured_differences(shape, kinds, scheme):
    # the Newton matrix (CRStep.jacobian_analytic: limiter derivatives, HLL weights, ghosts
    # through the boundary kinds, source terms) against coloured finite differences of the
    # compiled frozen rate with the ghosts refilled after every perturbation (CRStep.jacobian),
    # boundary rows included: a sign or a ghost mapping wrong anywhere is an O(1) difference
    blk, st, _ = _state(shape)
    full = {(a, s): "outflow" for a in range(3) for s in ("inner", "outer")}
    full.update(kinds)
    bnd = Boundaries(blk, kinds=full)
    bnd.fill(st)
    integ = ImplicitCRIntegrator(blk, 20.0, exchange=False, stream_scale=50.0, linear_solver="lu",
                                 streaming_scheme=scheme)
    ctx = integ._context(st, COEFFS, bnd, None)
    u = integ._get(st.cr)
    scales = integ._scales(u)
    exact = _dense(integ._jacobian(st, u, ctx, scales)[0], u.size)
    coloured = _dense(integ._jacobian_fd(st, u, ctx, scales)[0], u.size)
    # measured: 2e-6 of the largest entry (one-sided differences with steps of 1e-7)
    assert np.abs(exact - coloured).max() <= 1e-4 * np.abs(coloured).max()
    assert np.count_nonzero(np.abs(exact) > 1e-8 * np.abs(exact).max()) > 4 * u.size


def test_periodic_wrap_is_in_the_jacobian():
    # with cr.linear_solver = lu a serial periodic run solves its Newton systems directly (and
    # the line solver's GMRES applies the same matrix): the couplings across the periodic edge
    # must be in the matrix (columns of L by central differences, all cells)
    blk, st, _ = _state((16,))
    bnd = Boundaries(blk, kinds={(a, s): "periodic" for a in range(3) for s in ("inner", "outer")})
    st.cr[IEC] = 3.0 + np.sin(2 * np.pi * blk.mesh()[0] / 10.0) * np.ones(blk.shape)
    bnd.fill(st)
    integ = ImplicitCRIntegrator(blk, 20.0, exchange=False, stream_scale=50.0, linear_solver="lu")
    ctx = integ._context(st, COEFFS, bnd, None)
    assert integ._direct
    u = integ._get(st.cr)
    scales = integ._scales(u)
    exact = _dense(integ._jacobian(st, u, ctx, scales)[0], u.size)
    cols = np.zeros_like(exact)
    for q in range(u.size):
        h = 1e-6 * scales[q % 4]
        e = np.zeros(u.size)
        e[q] = h
        cols[:, q] = (integ._rate(st, u + e, ctx, frozen=True) - integ._rate(st, u - e, ctx, frozen=True)) / (2 * h)
    corner = np.abs(exact[:8, -8:]).max()
    assert corner > 1e-3 * np.abs(exact).max()          # the wrap is there
    # the wrap blocks (the first and last two cells couple across the edge) are smooth there:
    # measured 1.4e-11 of the largest entry.  (Elsewhere the sine's extrema put the van Leer
    # limiter on its kinks, where central differences straddle them: 2e-2 there.)
    for block in (np.s_[:8, -8:], np.s_[-8:, :8]):
        assert np.abs(exact[block] - cols[block]).max() <= 1e-8 * np.abs(cols).max()


def test_steady_solver_in_a_spherical_shell_on_log_cells():
    # steady diffusion between r = 1 (E_c = 2) and r = 2 (E_c = 1) on cells whose width grows
    # with r: E_c = 2/r.  The steady solver must find the explicit scheme's solution (second
    # order, measured 5.6e-5 from 2/r at 48 cells on uniform cells): areas, volumes and the
    # geometric source V_m^2 P_c dA/V of the flux equation enter the Jacobian too
    kappa = 1.0
    blk, st, bnd, exact = shell_diffusion(48, "log", kappa)
    integ = ImplicitCRIntegrator(blk, 40.0, mode="steady", exchange=False, steady_rtol=1e-9)
    coeffs = {"kappa_par": kappa, "kappa_perp": 0.0}
    ctx = integ._context(st, coeffs, bnd, None)
    u = integ._get(st.cr)
    scales = integ._scales(u)
    exact_jac = _dense(integ._jacobian(st, u, ctx, scales)[0], u.size)
    coloured = _dense(integ._jacobian_fd(st, u, ctx, scales)[0], u.size)
    assert np.abs(exact_jac - coloured).max() <= 1e-4 * np.abs(coloured).max()   # measured 2.8e-7
    steps = integ.solve_steady(st, coeffs, bnd)
    err = np.abs(st.cr[IEC][0, 0, 2:-2] - exact[2:-2]).max()
    assert err < 1e-4, err          # measured 3.4e-6 on these log cells
    assert steps < 50, steps        # measured 9 (diffusion only: no front to follow)


def test_explicit_steady_state_in_a_spherical_shell_is_the_steady_solvers():
    # streaming with diffusion between r = 1 and 2 on log cells: the explicit step relaxed to
    # its steady state and the steady solver (L(U) = 0) are one discrete state.  The explicit
    # stages update the CRs in place, and the geometric source V_m^2 P_c dA/V of the x1 flux
    # equation once read E_c after its transport update: 3.6e-6 apart (S_E != 0 with streaming);
    # measured 8.6e-12 with the stage's E_c
    coeffs = {"kappa_par": 1.0, "kappa_perp": 0.0, "stream_speed": 0.5}
    blk, st, bnd, _ = shell_diffusion(48, "log", 1.0)
    steady = ImplicitCRIntegrator(blk, 40.0, mode="steady", exchange=False, steady_rtol=1e-11, stream_scale=1.0)
    steady.solve_steady(st, coeffs, bnd, max_steps=2000)
    e_steady = st.cr[IEC][0, 0, 2:-2].copy()
    blk, st, bnd, _ = shell_diffusion(48, "log", 1.0)
    expl = CRIntegrator(blk, 40.0, exchange=False, stream_scale=1.0)
    h, prev = expl.timestep(), None
    for _ in range(400):
        expl.step(st, 200 * h, coeffs, bnd)
        e = st.cr[IEC][0, 0, 2:-2].copy()
        if prev is not None and np.abs(e - prev).max() < 1e-14:
            break
        prev = e
    assert np.abs(e - prev).max() < 1e-14                 # steady (measured: 37 calls)
    assert np.abs(e - e_steady).max() < 1e-9 * e_steady.max()


def test_restart_continues_the_adaptive_sub_steps_bit_for_bit():
    # a streaming bump over 0.5: Newton fails on the whole interval and the step is done in
    # 3 sub-steps; the next call starts from twice the last sub-step.  That sub-step is the
    # integrator's state between calls: a run restarted from its checkpoint must continue
    # with it (without it the restarted step starts from the whole interval again)
    coeffs = {"kappa_par": 0.0, "kappa_perp": 0.0, "stream_speed": 1.0}

    blk, st, bnd = _bump()
    whole = ImplicitCRIntegrator(blk, 10.0, exchange=False)
    assert whole.step(st, 0.5, coeffs, bnd)["nsub"] > 1
    whole.step(st, 0.5, coeffs, bnd)

    blk2, st2, bnd2 = _bump()
    first = ImplicitCRIntegrator(blk2, 10.0, exchange=False)
    first.step(st2, 0.5, coeffs, bnd2)
    saved = first.checkpoint_state()
    second = ImplicitCRIntegrator(blk2, 10.0, exchange=False)
    second.restore_state(saved)
    second.step(st2, 0.5, coeffs, bnd2)
    np.testing.assert_array_equal(st2.cr, st.cr)


def test_line_band_is_the_x1_part_of_the_jacobian():
    # the line solver's preconditioner is the band of the Newton matrix within one x1 line
    # (each cell's own block and its x1 neighbours): the same entries as the whole matrix
    # there, nothing else (a coupling along x2 lies 4 n1 columns away, outside the band)
    blk, st, bnd = _state((21, 17))
    line = ImplicitCRIntegrator(blk, 20.0, exchange=False, stream_scale=50.0)
    ctx = line._context(st, COEFFS, bnd.fill, None)
    u = line._get(st.cr)
    scales = line._scales(u)
    band = _dense(line._jacobian(st, u, ctx, scales)[0], u.size)
    lu = ImplicitCRIntegrator(blk, 20.0, exchange=False, stream_scale=50.0, linear_solver="lu")
    ctx = lu._context(st, COEFFS, bnd.fill, None)
    whole = _dense(lu._jacobian(st, u, ctx, scales)[0], u.size)
    np.testing.assert_array_equal(line._jac_own.toarray(), whole)     # GMRES sees the whole matrix
    r, c = np.indices(whole.shape)
    ku = line._ku
    same_line = (r // (4 * 21) == c // (4 * 21)) & (np.abs(r - c) <= ku)
    np.testing.assert_allclose(band[same_line], whole[same_line], rtol=1e-13, atol=0.0)
    assert not band[~same_line].any()
    assert np.abs(whole[~same_line]).max() > 1e-2 * np.abs(whole).max()   # the x2 couplings exist


@pytest.mark.parametrize("periodic", [False, True])
def test_line_solver_gives_the_lu_solution(periodic):
    # an implicit step of 2D streaming + diffusion with b oblique (0.6 along x2): the x1-line
    # preconditioner is not the Newton matrix, GMRES on the whole matrix must make up for it
    # (and for the periodic wrap, which the band leaves out); the same backward-Euler solution
    # as the sparse LU, to the Newton tolerance
    kinds = {(a, s): ("periodic" if periodic else "outflow") for a in range(3) for s in ("inner", "outer")}
    out = {}
    for solver in ("line", "lu"):
        blk, st, _ = _state((24, 16))
        bnd = Boundaries(blk, kinds=kinds)
        bnd.fill(st)
        integ = ImplicitCRIntegrator(blk, 20.0, exchange=False, stream_scale=50.0, newton_rtol=1e-11,
                                     linear_solver=solver)
        diag = integ.step(st, 30 * integ.timestep(), COEFFS, bnd.fill)
        out[solver] = (st.cr.copy(), diag, integ.stats["krylov_iterations"])
    e_line, e_lu = out["line"][0][IEC], out["lu"][0][IEC]
    assert out["line"][2] > 0 and out["lu"][2] == 0
    # the same Newton iterates: with the band alone as the Newton matrix they differ (measured:
    # 147 Newton iterations with either solver, outflow sides; 204 periodic; the band alone
    # 379 and 464)
    assert out["line"][1]["newton_iterations"] == out["lu"][1]["newton_iterations"]
    assert np.abs(e_line - e_lu).max() <= 1e-9 * np.abs(e_lu).max()


def test_mass_matrix_of_the_lag_term_is_the_same_in_every_solver():
    # consistent scheme: M (U - U^n) = dt L(U) with M = I - N, N = gamma_c v_s b in the (F_c, E_c)
    # entries of each cell (the explicit step's dF_c = gamma_c v_s b dE_c).  The band LU, the
    # sparse matrix (SuperLU, GMRES) and the operator M v must be one matrix: a sign or a
    # misplaced band row changes the implicit path (not the steady state), so it is checked here
    blk, st, bnd = _state((48,))
    integ = ImplicitCRIntegrator(blk, 20.0, exchange=False, stream_scale=50.0, streaming_scheme="consistent")
    ctx = integ._context(st, COEFFS, bnd.fill, None)
    u = integ._get(st.cr)
    jac, _ = integ._jacobian(st, u, ctx, integ._scales(u))
    integ._set_mass(ctx)
    assert jac[0] == "band"
    mass = integ._mass_matrix().toarray()
    vs = integ._kern.work["vs_par"][blk.active].ravel()
    b = ctx["bhat"][(slice(None),) + blk.active].reshape(3, -1)
    assert np.abs(vs).min() > 0.1                      # streaming everywhere: N is not empty
    for c in (0, 17, 47):
        for d in range(3):
            assert mass[4 * c + 1 + d, 4 * c] == pytest.approx(-integ.gamma_c * vs[c] * b[d, c], rel=1e-14)
    assert np.count_nonzero(mass - np.eye(u.size)) == np.count_nonzero(b)   # nothing else
    rng = np.random.default_rng(3)
    v = rng.standard_normal(u.size)
    np.testing.assert_allclose(integ._mass(v), mass @ v, rtol=0, atol=1e-14 * np.abs(v).max())
    dt = 0.3
    x_band = integ._factor(jac, dt)(v)
    x_dense = np.linalg.solve(mass - dt * _dense(jac, u.size), v)
    np.testing.assert_allclose(x_band, x_dense, rtol=1e-9, atol=1e-12 * np.abs(x_dense).max())
    # centred: no lag term, M = I
    integ_c = ImplicitCRIntegrator(blk, 20.0, exchange=False, stream_scale=50.0)
    integ_c._context(st, COEFFS, bnd.fill, None)
    integ_c._set_mass(ctx)
    assert integ_c._mcoef is None


def test_jacobian_in_the_limited_branch_of_the_koren_slope():
    # the smooth profiles above keep the Koren slope in its unlimited branch (dl + 2 dr)/3; a
    # geometric profile falling by r = 0.2 per cell puts every slope at 2 min(|dl|, |dr|) (limited
    # for r < 1/4) with a 15 % margin, so one-sided differences stay in the branch (a wrong
    # derivative there, 1 instead of 2, fails this test and none of the others)
    blk, st, _ = _state((14,))
    bnd = Boundaries(blk, kinds={(a, s): "outflow" for a in range(3) for s in ("inner", "outer")})
    i = np.arange(blk.shape[2]) - blk.nghost(0)
    st.cr[IEC] = 3.0 * 0.2 ** i * np.ones(blk.shape)
    for a, frac in enumerate((0.4, 0.2, 0.1)):
        st.cr[IFC1 + a] = frac * st.cr[IEC]
    bnd.fill(st)
    integ = ImplicitCRIntegrator(blk, 20.0, exchange=False, stream_scale=50.0, linear_solver="lu",
                                 streaming_scheme="consistent")
    ctx = integ._context(st, COEFFS, bnd, None)
    u = integ._get(st.cr)
    scales = integ._scales(u)
    exact = _dense(integ._jacobian(st, u, ctx, scales)[0], u.size)
    coloured = _dense(integ._jacobian_fd(st, u, ctx, scales)[0], u.size)
    assert np.abs(exact - coloured).max() <= 1e-4 * np.abs(coloured).max()
