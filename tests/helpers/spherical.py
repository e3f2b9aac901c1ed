"""Steady CR diffusion in a spherical shell, the set-up shared by the explicit and implicit tests.

Between r = 1 (E_c = 2) and r = 2 (E_c = 1) with kappa = 1 the steady profile is
E_c = 2/r with the flux F = -kappa dE_c/dr = 2 kappa / r^2; both are held in the
two ghost cells of each side.  The state starts from the Cartesian steady line
E_c = 3 - r, 0.086 away from 2/r.
"""
import numpy as np

from crplugin.boundaries import Boundaries
from crplugin.mesh import Block, Grid
from crplugin.state import IDN, IEC, IEN, IFC1, State


def static_state(blk, e):
    """Gas at rest (rho = 1, e = 1, B_x = 1) with E_c = e and no CR flux."""
    st = State(blk, mhd=True, cr=True)
    st.u[IDN] = 1.0
    st.u[IEN] = 1.0
    st.bf[0][...] = 1.0
    st.update_bcc()
    st.cr[IEC] = e
    return st


def shell_diffusion(n, spacing="uniform", kappa=1.0):
    """``(block, state, boundaries, exact E_c)`` for n cells on 1 < r < 2; ``spacing = "log"``:
    cell widths grow in proportion to r."""
    blk = Block(Grid((n,), (1.0,), (2.0,), geometry="spherical", x1spacing=spacing))
    r = blk.x1v
    exact = 2.0 / r
    st = static_state(blk, 3.0 - r)
    ng = blk.nghost(0)

    def held(state, axis, side):
        sl = slice(0, ng) if side == "inner" else slice(n + ng, n + 2 * ng)
        state.cr[IEC][..., sl] = exact[sl]
        state.cr[IFC1][..., sl] = 2.0 * kappa / r[sl] ** 2
    held.holds = {("cr", IEC), ("cr", IFC1)}
    bnd = Boundaries(blk, kinds={(0, "inner"): "user", (0, "outer"): "user"},
                     user={(0, "inner"): held, (0, "outer"): held})
    bnd.fill(st)
    return blk, st, bnd, exact
