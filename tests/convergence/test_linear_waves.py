"""Convergence of linear MHD waves (fast, Alfven, slow) in 1D and 2D oblique.

Setup of Gardiner & Stone (2005, 2008) and the Athena++ linear-wave test:
background rho = 1, P = 1/gamma (sound speed 1), v = 0, B = (1, sqrt 2, 1/2)
in the frame of the wave, gamma = 5/3, so the fast, Alfven and slow speeds
are exactly 2, 1 and 1/2.  A right-going eigenmode of amplitude 1e-6 travels
one wavelength (one period); the L1 error of the final state against the
initial one must fall as dx^2 for the second-order VL2 + PLM + CT scheme.

The eigenvectors are computed here from the primitive-variable Jacobian of
1D ideal MHD (independent of the solver); in 2D the wave runs along the grid
diagonal and the face fields come from a vector potential, so div B = 0.
"""
import numpy as np
import pytest

from crplugin.boundaries import Boundaries
from crplugin.mesh import Block, Grid
from crplugin.solver.mhd import MHDIntegrator
from crplugin.problems.linear_wave import B_WAVE, eigenmode
from crplugin.state import IDN, IEN, IM1, IM2, IM3, State

GAMMA = 5.0 / 3.0
AMP = 1e-6
B0 = B_WAVE  # wave frame (normal, t1, t2)
SPEED = {"fast": 2.0, "alfven": 1.0, "slow": 0.5}


def right_eigenvector(wave):
    """Primitive eigenvector (rho, v1, v2, v3, P, B2, B3) of the right-going ``wave``
    (the ``linear_wave`` problem's eigen-decomposition of the linearised equations)."""
    speed, r = eigenmode(wave, GAMMA)
    assert abs(speed - SPEED[wave]) < 1e-12  # this background gives these speeds exactly
    return r


def run_wave(wave, n, ndim):
    if ndim == 1:
        grid = Grid((n,), (0.0,), (1.0,))
        cos_a, sin_a, wavelength = 1.0, 0.0, 1.0
    else:
        grid = Grid((n, n), (0.0, 0.0), (1.0, 1.0))
        cos_a = sin_a = np.sqrt(0.5)
        wavelength = np.sqrt(0.5)      # one wavelength per unit length along x and along y
    block = Block(grid)
    state = State(block, mhd=True)
    bnd = Boundaries(block, default="periodic")
    integ = MHDIntegrator(block, gamma=GAMMA, riemann="hlld", limiter="vanleer", cfl=0.4)
    k = 2 * np.pi / wavelength
    r = AMP * right_eigenvector(wave)

    def x1(x, y):
        return x * cos_a + y * sin_a

    # face fields: B_z at cell centres, B_x, B_y from A_z = B1 x2 - int B2 dx1
    def a_z(x, y):
        xw1, xw2 = x * cos_a + y * sin_a, -x * sin_a + y * cos_a
        return B0[0] * xw2 - B0[1] * xw1 + r[5] * np.cos(k * xw1) / k

    xf, yf = block.faces(0), block.faces(1)
    xc, yc = block.centres(0), block.centres(1)
    if ndim == 1:
        bx = np.full(xf.shape, B0[0])[None, None, :]
        by = (B0[1] + r[5] * np.sin(k * xc))[None, None, :]
        state.bf[0][...] = bx
        state.bf[1][...] = by
    else:
        state.bf[0][...] = ((a_z(xf[None, :], yf[1:, None]) - a_z(xf[None, :], yf[:-1, None]))
                            / block.dx[1])[None]
        state.bf[1][...] = (-(a_z(xf[None, 1:], yf[:, None]) - a_z(xf[None, :-1], yf[:, None]))
                            / block.dx[0])[None]
    x, y, _ = block.mesh()
    ph = np.sin(k * x1(x, y))
    state.bf[2][...] = B0[2] + r[6] * ph
    state.update_bcc()

    v1, v2, v3 = r[1] * ph, r[2] * ph, r[3] * ph
    w = np.zeros_like(state.u)
    w[IDN] = 1.0 + r[0] * ph
    w[IM1] = v1 * cos_a - v2 * sin_a
    w[IM2] = v1 * sin_a + v2 * cos_a
    w[IM3] = v3
    w[IEN] = 1.0 / GAMMA + r[4] * ph
    integ.conserved(w, state)
    bnd.fill(state)
    u0, b0 = state.u.copy(), state.bcc.copy()

    t_end = wavelength / SPEED[wave]
    t = 0.0
    while t < t_end:
        dt = min(integ.timestep(state), t_end - t)
        integ.step(state, dt, bnd.fill, fill_end=True)
        t += dt
    act = block.active
    errs = [np.mean(abs(state.u[v][act] - u0[v][act])) for v in range(5)]
    errs += [np.mean(abs(state.bcc[c][act] - b0[c][act])) for c in range(3)]
    div = np.max(abs(state.divergence_b())) * block.dx[0]
    return np.sqrt(np.sum(np.square(errs))), div


RESOLUTIONS = {1: (32, 64, 128), 2: (16, 32, 64)}


@pytest.mark.parametrize("ndim", [1, 2])
@pytest.mark.parametrize("wave", ["fast", "alfven", "slow"])
def test_second_order_convergence(wave, ndim):
    errors = []
    for n in RESOLUTIONS[ndim]:
        err, div = run_wave(wave, n, ndim)
        errors.append(err)
        assert div < 1e-12 * AMP + 1e-14
    orders = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    print(wave, ndim, errors, orders)
    assert orders[-1] >= 1.9, f"{wave} {ndim}D: errors {errors}, orders {orders}"
    # the error is a small fraction of the amplitude (no blow-up, no wrong wave speed)
    assert errors[-1] < 0.05 * AMP
