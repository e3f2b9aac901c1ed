"""Cell quantities the source terms share: gradients, unit vector along B,
CR pressure.  Whole-array numpy operations (no loop over cells)."""
import numpy as np

from crplugin.state import IDN, IEC, IM1


def gradient(block, f):
    """Centred-difference gradient ``[3, k, j, i]`` of a cell array; zero along
    inactive axes and in the outermost ghost layer."""
    g = np.zeros((3,) + f.shape)
    for axis in range(3):
        if block.nghost(axis) == 0:
            continue
        ax = 2 - axis  # array axis of this coordinate
        hi = [slice(None)] * 3
        lo = [slice(None)] * 3
        mid = [slice(None)] * 3
        hi[ax], lo[ax], mid[ax] = slice(2, None), slice(None, -2), slice(1, -1)
        g[(axis,) + tuple(mid)] = (f[tuple(hi)] - f[tuple(lo)]) / (2.0 * block.dx[axis])
    return g


def unit_b(state):
    """Unit vector along B (zero where B = 0) and |B|, code units."""
    bmag = np.sqrt((state.bcc**2).sum(axis=0))
    with np.errstate(invalid="ignore", divide="ignore"):
        b = np.where(bmag > 0, state.bcc / np.where(bmag > 0, bmag, 1.0), 0.0)
    return b, bmag


def cr_pressure(state, gamma_c=4.0 / 3.0):
    return (gamma_c - 1.0) * state.cr[IEC]


def velocity(state):
    return state.u[IM1:IM1 + 3] / state.u[IDN]


def grad_par(block, state, f):
    """b . grad f."""
    b, _ = unit_b(state)
    return (b * gradient(block, f)).sum(axis=0)
