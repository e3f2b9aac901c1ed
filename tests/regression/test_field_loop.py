"""Field-loop advection (Gardiner & Stone 2005, section 5.1) in 2D and a small 3D version.

A weak loop (A_z = A0 (R - r) for r < R, A0 = 1e-3, R = 0.3, beta ~ 1e6) is
advected by a uniform flow through a periodic box.  Ideal MHD moves it
unchanged; the scheme may only dissipate it.  Checks: the face-based div B
stays at round-off (CT), the magnetic energy never grows and decays by an
amount that shrinks with resolution, the loop comes back to its starting
place, and a field that starts with B_z = 0 keeps (almost) none.
"""
import numpy as np
import pytest

from crplugin.boundaries import Boundaries
from crplugin.mesh import Block, Grid
from crplugin.solver.mhd import MHDIntegrator
from crplugin.state import IDN, IEN, IM1, IM2, IM3, State

A0, R0, GAMMA = 1e-3, 0.3, 5.0 / 3.0


def loop_potential(x, y, z=0.0, modulation=0.0, lz=1.0):
    r = np.sqrt(x * x + y * y)
    return np.where(r < R0, A0 * (R0 - r), 0.0) * (1.0 + modulation * np.sin(2 * np.pi * z / lz))


def setup(shape, left, right, velocity, modulation=0.0):
    block = Block(Grid(shape, left, right))
    state = State(block, mhd=True)
    dx = block.dx
    xf, yf = block.faces(0), block.faces(1)
    xc, yc, zc = block.centres(0), block.centres(1), block.centres(2)
    lz = block.grid.right[2] - block.grid.left[2]
    z = zc[:, None, None]
    # B = curl(A_z z^): B_x = dA_z/dy on x-faces, B_y = -dA_z/dx on y-faces (A_z at z-edges)
    az = loop_potential(xf[None, None, :], yf[None, :, None], z, modulation, lz)
    state.bf[0][...] = (az[:, 1:, :] - az[:, :-1, :]) / dx[1]
    state.bf[1][...] = -(az[:, :, 1:] - az[:, :, :-1]) / dx[0]
    state.bf[2][...] = 0.0
    state.update_bcc()
    integ = MHDIntegrator(block, gamma=GAMMA, riemann="hlld", cfl=0.4)
    w = np.zeros_like(state.u)
    w[IDN], w[IEN] = 1.0, 1.0
    for d in range(3):
        w[IM1 + d] = velocity[d]
    integ.conserved(w, state)
    bnd = Boundaries(block, default="periodic")
    bnd.fill(state)
    return block, state, integ, bnd


def magnetic_energy(state):
    act = state.block.active
    return 0.5 * np.sum(state.bcc[(slice(None),) + act] ** 2)


def run(block, state, integ, bnd, t_end, samples=8):
    energies = [magnetic_energy(state)]
    div_max = 0.0
    t = 0.0
    for t_stop in np.linspace(0, t_end, samples + 1)[1:]:
        while t < t_stop:
            dt = min(integ.timestep(state), t_stop - t)
            integ.step(state, dt, bnd.fill, fill_end=True)
            t += dt
        energies.append(magnetic_energy(state))
        div_max = max(div_max, np.max(abs(state.divergence_b())))
    return np.array(energies), div_max


def loop_centroid(state):
    act = state.block.active
    x, y, _ = state.block.mesh()
    b2 = np.sum(state.bcc[(slice(None),) + act] ** 2, axis=0)
    xx = np.broadcast_to(x, state.block.shape)[act]
    yy = np.broadcast_to(y, state.block.shape)[act]
    return np.sum(b2 * xx) / b2.sum(), np.sum(b2 * yy) / b2.sum()


@pytest.mark.parametrize("vz", [0.0, 1.0])
def test_field_loop_2d(vz):
    # Gardiner & Stone (2005): domain [-1, 1] x [-1/2, 1/2], v = (2, 1), one period is t = 1
    decays = []
    for nx in ((64, 128) if vz == 0.0 else (64,)):
        block, state, integ, bnd = setup((nx, nx // 2), (-1.0, -0.5), (1.0, 0.5), (2.0, 1.0, vz))
        energies, div_max = run(block, state, integ, bnd, t_end=1.0)
        dx = block.dx[0]
        assert div_max <= 1e-12 * A0 / dx
        ratio = energies / energies[0]
        assert np.all(np.diff(ratio) <= 1e-12)          # never gains energy
        decays.append(1.0 - ratio[-1])
        # the loop is back where it started (one period)
        cx, cy = loop_centroid(state)
        assert abs(cx) < 0.5 * dx and abs(cy) < 0.5 * dx
        # B_z stays zero: with v_z != 0, dBz/dt = v_z (div of the in-plane field) = 0 under CT
        assert np.max(abs(state.bcc[2])) <= 1e-12 * A0
        print(f"2D vz={vz} nx={nx}: E_B(t=1)/E_B(0) = {ratio[-1]:.4f}, max|div B| dx/A0 = {div_max * dx / A0:.1e}")
    # Dissipation smears the current sheet at r = R over a width w of a few cells,
    # losing a fraction ~ 2w/(3R) of the energy (~0.2-0.3 for w = 3 dx at 64 x 32,
    # R = 9.6 dx), plus the current spike at the centre.  It must shrink at least
    # like dx^0.7 (measured: ~dx^1.1, 35 % -> 16 % at t = 1).
    assert 0.0 < decays[0] < 0.45
    if len(decays) > 1:
        assert decays[1] < 0.6 * decays[0]


def test_field_loop_3d():
    # 3D: loop strength modulated along z (so the field is genuinely 3D), oblique flow
    block, state, integ, bnd = setup((32, 32, 16), (-0.5, -0.5, -0.5), (0.5, 0.5, 0.5), (1.0, 1.0, 1.0),
                                     modulation=0.5)
    energies, div_max = run(block, state, integ, bnd, t_end=1.0, samples=4)
    dx = block.dx[0]
    assert div_max <= 1e-12 * A0 / dx
    ratio = energies / energies[0]
    assert np.all(np.diff(ratio) <= 1e-12)
    print(f"3D: E_B/E_B0 = {ratio}, max|div B| dx/A0 = {div_max * dx / A0:.1e}, "
          f"max|Bz|/A0 = {np.max(abs(state.bcc[2])) / A0:.2e}")
    assert 0.0 < 1.0 - ratio[-1] < 0.45       # same R/dx as the 64 x 32 2D run
    # the exact solution keeps B_z = 0; truncation errors of the z-modulated loop
    # leave a small B_z (measured 4e-3 A0)
    assert np.max(abs(state.bcc[2])) < 1e-2 * A0
