r"""CRs compressed adiabatically at shocks: the orchestration of ``kernels.cr_shock``.

The energy form of the CR equation (``crplugin.solver.cr``) is exact in smooth
flow but not in conservation form, so at a captured shock it does not fix the
share of the dissipated energy that goes to the CRs.  Without injection the CRs
are compressed adiabatically (Pfrommer et al. 2006): the Kudoh & Hanawa (2016)
invariant :math:`n = P_c^{1/\gamma_c}` obeys

.. math:: \partial_t n + \nabla\cdot(n\mathbf v) = 0

through the shock, a conservation law whose weak solution has the right jump.
:class:`ShockRule` keeps :math:`n` as the passive scalar ``u[isc]`` of the
state (advected by the MHD step with the mass flux, as :math:`\rho\,(n/\rho)`).
Once per cycle:

1. after the CR step, in the cells flagged by the shock detector,
   :math:`E_c \leftarrow n^{\gamma_c}/(\gamma_c-1)` and the gas total
   energy takes the opposite change (gas + CR energy unchanged: round-off);
2. at the end of the cycle :math:`n \leftarrow ((\gamma_c-1)E_c)^{1/\gamma_c}`
   everywhere, so streaming, diffusion, heating and injection, which change
   :math:`E_c`, are in :math:`n` for the next cycle.

Away from shocks nothing changes: the energy form stays the authority, so the
streaming, diffusion and bottleneck solutions are those of ``solver.cr``.
``docs/cr_shocks.md`` gives the choice, the equations and the measurements.
"""
import numpy as np

from crplugin.kernels import cr_shock as _k

#: Cells added on each side of the detected shock cells: a captured shock is spread
#: over 3-5 cells and its outer cells, where the pressure changes little, must follow
#: the invariant too.  1 is what 2 ghost layers allow with the same flags on any number
#: of ranks (the core test of a ghost cell reads its neighbour).
SHOCK_ZONE_WIDTH = 1


class ShockRule:
    """Adiabatic CR compression at detected shocks for one block.

    Parameters
    ----------
    block : crplugin.mesh.Block
    isc : int
        Slot of the invariant :math:`n` in ``state.u`` (a passive scalar).
    gamma_gas, gamma_c : float
        Adiabatic indices of the gas and the CRs.
    jump : float
        Shock detector threshold: relative difference of the total pressure
        across a cell, > 0 (see :func:`crplugin.kernels.cr_shock.shock_flags`).
    partition : bool
        Apply the rule (``cr.adiabatic_shocks``); ``False`` keeps only the
        invariant in step with :math:`E_c` (for the composite sound speed of
        the MHD Riemann solvers) and leaves the energy form alone at shocks.
    """

    def __init__(self, block, isc, gamma_gas, gamma_c, jump, partition=True):
        if not (np.isfinite(jump) and jump > 0):
            raise ValueError(f"cr.shock_jump must be positive and finite, got {jump}")
        self.block = block
        self.isc = int(isc)
        self.gamma_gas = float(gamma_gas)
        self.gamma_c = float(gamma_c)
        self.jump = float(jump)
        self.partition = bool(partition)
        self.width = SHOCK_ZONE_WIDTH
        self._act = tuple(int(block.nghost(a) > 0) for a in range(3))
        g = [block.nghost(a) for a in range(3)]
        n = block.n
        self._cells = (g[2], g[2] + n[2], g[1], g[1] + n[1], g[0], g[0] + n[0])
        self.flag = np.zeros(block.shape)
        self._core = np.zeros(block.shape)
        self.d_ec = np.zeros(block.shape)
        self._nob = np.zeros((3, 1, 1, 1))

    def sync(self, state):
        """:math:`n = ((\\gamma_c-1)E_c)^{1/\\gamma_c}` on the whole block (ghosts included)."""
        _k.sync_invariant(state.u, state.cr, self.isc, self.gamma_c)

    def detect(self, state, u_tr, jump=None, out=None):
        """Flag the shocked cells (into ``out``, default ``self.flag``; ghosts must be filled).

        ``jump`` overrides the threshold (e.g. a stronger one for shock acceleration)."""
        has_b = state.bcc is not None
        out = self.flag if out is None else out
        _k.shock_flags(state.u, state.bcc if has_b else self._nob, int(has_b), state.cr,
                       np.ascontiguousarray(u_tr, dtype=float),
                       self.gamma_gas, self.gamma_c, self.jump if jump is None else float(jump), self.width,
                       *(float(d) for d in self.block.dx), *self._act, *self._cells, self._core, out)
        return out

    def apply(self, state, u_tr):
        """Detect shocks and set :math:`E_c` there from :math:`n`; returns the CR energy change per cell."""
        if not self.partition:
            return None
        self.detect(state, u_tr)
        _k.shock_partition(state.u, state.cr, self.flag, self.isc, self.gamma_c, *self._cells, self.d_ec)
        return self.d_ec[self.block.active]
