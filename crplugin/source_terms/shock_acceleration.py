r"""CR acceleration at shocks: a fraction of the energy dissipated at a detected shock goes to CRs.

Diffusive shock acceleration is not resolved by a fluid code; the usual
sub-grid model (Pfrommer et al. 2017, MNRAS 465, 4500, section 3; Dubois et
al. 2019, A&A 631, A121, section 2.3) gives the CRs a fraction
:math:`\eta` (``efficiency``, ~0.1 for strong quasi-parallel shocks) of the
energy the shock dissipates:

.. math::

    \Delta E_c = \eta\,\varepsilon_{\rm diss}, \qquad
    \varepsilon_{\rm diss} = \frac{P_g - P_{g,\rm ad}}{\gamma - 1} \ge 0,

per cycle, in the cells flagged by the shock detector of
``crplugin.solver.cr_shock`` (the kernel of the adiabatic CR rule, with its own
threshold ``pressure_jump``, 0.5 by default: weak shocks accelerate little,
and a low threshold lets numerical noise at contacts, where mixing makes
:math:`P_g > P_{g,\rm ad}`, inject), taken from the gas energy (gas + CR
energy unchanged).  :math:`P_{g,\rm ad}` is the
gas pressure the cell would have after an adiabatic step: the gas invariant
:math:`s = P_g^{1/\gamma}` is a passive scalar advected with the gas (as the
CR invariant is), set from the state at the end of every cycle, so
:math:`P_{g,\rm ad} = s^\gamma` after the MHD step and the difference is
the entropy the shock produced in that cycle.  Off unless listed in
``sources.enabled``; needs the CR exchange and an adiabatic gas.
"""
import numpy as np

from crplugin.params import Param, ParameterError
from crplugin.sources import SourceTerm, register
from crplugin.state import IDN, IEC, IEN, IM1


def _gas_pressure(sim):
    u, gamma = sim.state.u, sim.params["mhd.gamma"]
    e = u[IEN] - 0.5 * (u[IM1] ** 2 + u[IM1 + 1] ** 2 + u[IM1 + 2] ** 2) / u[IDN]
    if sim.state.bcc is not None:
        e = e - 0.5 * (sim.state.bcc ** 2).sum(axis=0)
    return (gamma - 1.0) * e


@register
class ShockAcceleration(SourceTerm):
    """A fraction ``efficiency`` of the energy dissipated at detected shocks goes to the CRs."""

    name = "shock_acceleration"
    PARAMS = {
        "efficiency": Param(0.1, "fraction eta of the energy dissipated at a detected shock given to "
                                 "the CRs (Pfrommer et al. 2017, Dubois et al. 2019)", positive=True),
        "pressure_jump": Param(0.5, "shock detector threshold for acceleration: relative total-pressure "
                                    "difference across a converging cell (cf. cr.shock_jump); weak shocks "
                                    "accelerate little", positive=True),
    }
    requires = ("cr",)
    provides = ()
    scalars = ("gas_invariant",)

    def setup(self, sim):
        eta = self.params["efficiency"]
        if not eta <= 1.0:
            raise ParameterError(f"parameter 'shock_acceleration.efficiency' must be in (0, 1], got {eta!r}")
        if sim.shock_rule is None:
            raise ParameterError("source term 'shock_acceleration' needs the shock detector: "
                                 "cr.exchange=true, mhd.evolve=true and mhd.eos=adiabatic")
        self.slot = sim.scalar_slot(self, "gas_invariant")
        self._flag = np.zeros(sim.block.shape)
        self.gamma = sim.params["mhd.gamma"]
        self.injected = 0.0      # energy given to the CRs so far (this block, volume integral)
        self.dissipated = 0.0    # energy dissipated in flagged cells so far (this block)

    def sync(self, sim):
        sim.state.u[self.slot] = np.maximum(_gas_pressure(sim), 0.0) ** (1.0 / self.gamma)

    def apply(self, sim, dt):
        rule = sim.shock_rule
        sim.fill_ghosts(sim.state, fields=("hydro", "cr"))
        flag = rule.detect(sim.state, sim.cr.transport_speed(), jump=self.params["pressure_jump"],
                           out=self._flag)
        act = sim.block.active
        u = sim.state.u
        p_ad = u[self.slot][act] ** self.gamma
        diss = np.where(flag[act] > 0.0,
                        np.maximum(_gas_pressure(sim)[act] - p_ad, 0.0) / (self.gamma - 1.0), 0.0)
        gain = self.params["efficiency"] * diss
        sim.state.cr[(IEC,) + act] += gain
        u[(IEN,) + act] -= gain
        dv = float(np.prod([d for d, n in zip(sim.block.dx, sim.grid.shape) if n > 1]))
        self.injected += float(gain.sum()) * dv
        self.dissipated += float(diss.sum()) * dv
        self.last_dissipated = diss      # per cell (active), this cycle
