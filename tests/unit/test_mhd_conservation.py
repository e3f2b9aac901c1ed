"""Conservation of the MHD integrator in a periodic box; floors are counted.

The scheme is in flux form (mass, momentum, total energy, passive scalars)
and the face fields are updated by constrained transport, so in a periodic
box the totals of the conserved variables and the mean field change only by
round-off, and the face-based div B stays at round-off.
"""
import numpy as np
import pytest

from crplugin.boundaries import Boundaries
from crplugin.mesh import Block, Grid
from crplugin.solver.mhd import MHDIntegrator
from crplugin.state import IDN, IEN, IM1, IM2, IM3, NHYDRO, State

TWO_PI = 2.0 * np.pi


def smooth(rng, x, y, z, ndim, amp):
    """A random smooth periodic field on the unit box (a few low Fourier modes)."""
    out = 0.0
    for _ in range(3):
        k = rng.integers(1, 3, size=3) * np.array([1, ndim > 1, ndim > 2])
        out = out + amp * rng.uniform(-1, 1) * np.sin(TWO_PI * (k[0] * x + k[1] * y + k[2] * z)
                                                       + rng.uniform(0, TWO_PI))
    return out


def random_state(ndim, mhd, seed, n=(24, 20, 16), nscalars=1):
    rng = np.random.default_rng(seed)
    shape = n[:ndim]
    block = Block(Grid(shape, (0.0,) * ndim, (1.0,) * ndim))
    state = State(block, mhd=mhd, nscalars=nscalars)
    x, y, z = block.mesh()
    if mhd:
        # face fields = uniform field + discrete curl of a smooth vector potential at the edges
        xf, yf, zf = block.faces(0), block.faces(1), block.faces(2)
        xc, yc, zc = block.centres(0), block.centres(1), block.centres(2)
        dx, dy, dz = block.dx
        grid3 = np.meshgrid
        ax = smooth(rng, *grid3(xc, yf, zf, indexing="ij"), ndim, 0.1).transpose(2, 1, 0)
        ay = smooth(rng, *grid3(xf, yc, zf, indexing="ij"), ndim, 0.1).transpose(2, 1, 0)
        az = smooth(rng, *grid3(xf, yf, zc, indexing="ij"), ndim, 0.1).transpose(2, 1, 0)
        if ndim < 3:   # no dependence on the inactive z
            ax = np.broadcast_to(ax[:1], ax.shape)
            ay = np.broadcast_to(ay[:1], ay.shape)
        b0 = rng.uniform(-0.5, 0.5, size=3)
        state.bf[0][...] = b0[0] + (az[:, 1:, :] - az[:, :-1, :]) / dy - (ay[1:] - ay[:-1]) / dz
        state.bf[1][...] = b0[1] + (ax[1:] - ax[:-1]) / dz - (az[:, :, 1:] - az[:, :, :-1]) / dx
        state.bf[2][...] = b0[2] + (ay[:, :, 1:] - ay[:, :, :-1]) / dx - (ax[:, 1:, :] - ax[:, :-1, :]) / dy
        state.update_bcc()
    integ = MHDIntegrator(block, gamma=5.0 / 3.0, mhd=mhd, cfl=0.4)
    w = np.zeros_like(state.u)
    w[IDN] = 1.0 + smooth(rng, x, y, z, ndim, 0.2)
    for d in range(3):
        w[IM1 + d] = smooth(rng, x, y, z, ndim, 0.5)
    w[IEN] = 1.0 + smooth(rng, x, y, z, ndim, 0.2)
    for s in range(nscalars):
        w[NHYDRO + s] = 0.5 + smooth(rng, x, y, z, ndim, 0.3)
    integ.conserved(w, state)
    bnd = Boundaries(block, default="periodic")
    bnd.fill(state)
    return block, state, integ, bnd


@pytest.mark.parametrize("riemann", ["hlld", "hlle"])
@pytest.mark.parametrize("ndim", [2, 3])
def test_periodic_box_conserves_to_roundoff(ndim, riemann):
    block, state, integ, bnd = random_state(ndim, True, seed=ndim)
    integ = MHDIntegrator(block, riemann=riemann, cfl=0.4)
    act = block.active
    totals0 = state.u[(slice(None),) + act].sum(axis=(1, 2, 3))
    scale = abs(state.u[(slice(None),) + act]).sum(axis=(1, 2, 3))
    mean_b0 = state.bcc[(slice(None),) + act].mean(axis=(1, 2, 3))
    for _ in range(10):
        integ.step(state, integ.timestep(state), bnd.fill, fill_end=True)
    totals = state.u[(slice(None),) + act].sum(axis=(1, 2, 3))
    rel = abs(totals - totals0) / scale
    print(f"{ndim}D {riemann}: relative change of (mass, M1, M2, M3, E, scalar) = {rel}")
    assert np.all(rel < 1e-13)
    mean_b = state.bcc[(slice(None),) + act].mean(axis=(1, 2, 3))
    assert np.all(abs(mean_b - mean_b0) < 1e-14)
    bmax = np.max(abs(state.bcc))
    div = np.max(abs(state.divergence_b())) * block.dx[0] / bmax
    print(f"{ndim}D {riemann}: max |div B| dx / max|B| = {div:.1e}")
    assert div < 1e-12
    assert integ.floors_hit == 0
    # the flow really evolved (the test is not vacuous)
    assert np.max(abs(state.u[IM1][act] - random_state(ndim, True, seed=ndim)[1].u[IM1][act])) > 1e-3


@pytest.mark.parametrize("ndim", [1, 2, 3])
def test_hydro_periodic_box_conserves(ndim):
    block, state, integ, bnd = random_state(ndim, False, seed=10 + ndim)
    act = block.active
    totals0 = state.u[(slice(None),) + act].sum(axis=(1, 2, 3))
    scale = abs(state.u[(slice(None),) + act]).sum(axis=(1, 2, 3))
    for _ in range(10):
        integ.step(state, integ.timestep(state), bnd.fill, fill_end=True)
    rel = abs(state.u[(slice(None),) + act].sum(axis=(1, 2, 3)) - totals0) / scale
    assert np.all(rel < 1e-13)


def test_1d_transverse_field_conserved_and_faces_equal():
    # 1D: By, Bz live on the face arrays of the inactive axes; both faces stay equal
    block, state, integ, bnd = random_state(1, True, seed=5)
    act = block.active
    flux0 = state.bcc[(slice(None),) + act].sum(axis=(1, 2, 3))
    for _ in range(10):
        integ.step(state, integ.timestep(state), bnd.fill, fill_end=True)
    assert np.array_equal(state.bf[1][:, 0, :], state.bf[1][:, 1, :])
    assert np.array_equal(state.bf[2][0], state.bf[2][1])
    assert np.allclose(state.bcc[(slice(None),) + act].sum(axis=(1, 2, 3)), flux0, rtol=0, atol=1e-13)


def test_floors_are_applied_and_counted():
    block, state, integ, bnd = random_state(2, True, seed=7)
    ks, js, is_ = (s.start for s in block.active)
    # two active cells with negative pressure, one with negative density, one floored ghost
    kin = 0.5 * (state.u[IM1] ** 2 + state.u[IM2] ** 2 + state.u[IM3] ** 2) / state.u[IDN]
    mag = 0.5 * np.sum(state.bcc ** 2, axis=0)
    for j, i in ((js + 3, is_ + 4), (js + 7, is_ + 1)):
        state.u[IEN, ks, j, i] = kin[ks, j, i] + mag[ks, j, i] - 0.1
    state.u[IDN, ks, js + 5, is_ + 5] = -1.0
    state.u[IDN, ks, 0, 0] = -1.0                      # ghost: floored but not counted
    w = integ.primitives(state)
    assert integ.floors_hit == 3
    assert w[IEN, ks, js + 3, is_ + 4] == integ.pressure_floor
    assert w[IDN, ks, js + 5, is_ + 5] == integ.density_floor
    assert state.u[IDN, ks, js + 5, is_ + 5] == integ.density_floor
    # the floored energy is consistent: P recomputed from the corrected u is the floor
    p = (integ.gamma - 1) * (state.u[IEN] - kin - mag)
    assert p[ks, js + 7, is_ + 1] == pytest.approx(integ.pressure_floor, abs=1e-15)
    # a healthy state hits no floor
    block, state, integ, bnd = random_state(2, True, seed=8)
    integ.primitives(state)
    assert integ.floors_hit == 0


def test_bad_options_raise():
    block = Block(Grid((8,), (0.0,), (1.0,)))
    with pytest.raises(ValueError, match="riemann"):
        MHDIntegrator(block, riemann="hllc", mhd=True)
    with pytest.raises(ValueError, match="riemann"):
        MHDIntegrator(block, riemann="roe", mhd=False)
    assert MHDIntegrator(block, riemann="hlld", mhd=False)._rs == MHDIntegrator(block, riemann="hllc", mhd=False)._rs
    with pytest.raises(ValueError, match="limiter"):
        MHDIntegrator(block, limiter="superbee")
    with pytest.raises(ValueError, match="gamma"):
        MHDIntegrator(block, gamma=1.0)
    integ = MHDIntegrator(block, mhd=True)
    with pytest.raises(ValueError, match="mhd"):
        integ.timestep(State(block, mhd=False))
