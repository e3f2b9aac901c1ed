"""Cell quantities the source terms share: gradients, unit vector along B,
CR pressure.  Whole-array operations (no loop over cells).  The unit vector,
the CR pressure gradient and gamma_c are those of the CR integrator (one
definition each, in ``crplugin.solver.cr`` and its kernels)."""
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
    """Unit vector along B (:func:`crplugin.solver.cr.unit_field`: zero where B = 0)
    and |B|, code units."""
    from crplugin.solver.cr import unit_field
    bmag = np.sqrt((state.bcc**2).sum(axis=0))
    return unit_field(state), bmag


def cr_pressure(sim):
    """P_c = (gamma_c - 1) E_c with the run's ``cr.gamma_c``."""
    return (sim.cr.gamma_c - 1.0) * sim.state.cr[IEC]


def cr_pressure_gradient(sim):
    """``(grad P_c, b.grad P_c)`` of the CR integrator (the one definition); zero in
    the outermost ghost layer."""
    return sim.cr.pressure_gradient(sim.state)


def velocity(state):
    return state.u[IM1:IM1 + 3] / state.u[IDN]

