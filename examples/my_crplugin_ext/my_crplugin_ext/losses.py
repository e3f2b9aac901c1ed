r"""Catastrophic CR losses at a constant time scale, as a crplugin source term.

.. math::

    \frac{dE_c}{dt} = -\frac{E_c}{\tau}, \qquad
    \frac{de_{\rm gas}}{dt} = f_{\rm heat}\,\frac{E_c}{\tau},

integrated exactly over a step: :math:`\Delta E_c = E_c(1 - e^{-\Delta t/\tau})`
(stable for any step).  For hadronic losses :math:`\tau = 1/(0.5\,n\,\sigma_{pp} c)`
would depend on the density; a constant tau keeps the example's exact
solution :math:`E_c(t) = E_c(0)\,e^{-t/\tau}`.  Code units.
"""
import numpy as np

from crplugin.params import Param
from crplugin.sources import SourceTerm, register
from crplugin.state import IEC, IEN


@register
class CRLosses(SourceTerm):
    """Catastrophic CR losses dE_c/dt = -E_c/tau; a fraction heat_fraction heats the gas."""

    name = "cr_losses"
    PARAMS = {"tau": Param(1.0, "loss time [code time]", positive=True),
              "heat_fraction": Param(1.0, "fraction of the lost CR energy given to the gas")}
    requires = ("cr",)
    provides = ("cr_loss_rate",)
    FIELD_KINDS = {"cr_loss_rate": "energy_rate_density"}  # units of the field in outputs

    def setup(self, sim):
        if not 0.0 <= self.params["heat_fraction"] <= 1.0:
            raise ValueError("cr_losses.heat_fraction must be in [0, 1]")

    def apply(self, sim, dt):
        lost = sim.state.cr[IEC] * -np.expm1(-dt / self.params["tau"])
        sim.state.cr[IEC] -= lost
        sim.state.u[IEN] += self.params["heat_fraction"] * lost

    def fields(self, sim):
        return {"cr_loss_rate": sim.state.cr[IEC] / self.params["tau"]}
