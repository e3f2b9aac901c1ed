"""CR heating of the gas as source terms, and the CR diagnostics every run can write.

* ``pa_heating``: pressure-anisotropy heating from the local rate dlnB/dt
  (Zweibel 2021 eq 48, lower bound), added to the gas energy (or diagnostic
  only), taken from the CR energy so that the total is conserved;
* ``cr_diagnostics``: streaming heating |v_A b.grad P_c| (Zweibel 2021 eq 38,
  with the regularised sign: exactly the rate the CR step gives the gas, from
  the same kernel) and the CR work rate P_c div v (the pdV work of the CRs; Zweibel 2021 eq 4,
  where it reads P_c/tau_B = -P_c dlnB/dt for a flux tube expanding across B),
  written to outputs.
"""
import numpy as np

from crplugin import closures
from crplugin.params import Param
from crplugin.sources import SourceTerm, register
from crplugin.state import IEC, IEN
from crplugin.source_terms._fields import cr_pressure, gradient, unit_b, velocity
from crplugin.source_terms.transport import alfven_speed_code


def dlnB_dt_code(sim):
    """b.(b.grad)v - div v in code units (through the closure)."""
    blk, s = sim.block, sim.state
    b, _ = unit_b(s)
    v = velocity(s)
    grads = [gradient(blk, v[j]) for j in range(3)]        # grads[j][i] = d v_j / d x_i
    comps = [grads[j][i] for j in range(3) for i in range(3)]  # dvx_dx, dvx_dy, ... dvz_dz
    return closures.dlnB_dt(b[0], b[1], b[2], *comps)


@register
class PressureAnisotropyHeating(SourceTerm):
    """PA heating (4/15)(v_A/c)|dlnB/dt| P_c from the local flow (Zweibel 2021 eq 48)."""

    name = "pa_heating"
    PARAMS = {"ion_fraction": Param(1.0, "ion mass fraction for v_A", positive=True),
              "heat_gas": Param(True, "add the heating to the gas (false: diagnostic only)")}
    requires = ("mhd", "cr")
    provides = ("pa_heating", "dlnB_dt")

    def _rates(self, sim):
        u = sim.units
        rate = dlnB_dt_code(sim)
        v_a = alfven_speed_code(sim, self.params["ion_fraction"]) * u.velocity
        heat = closures.pa_heating(v_a, cr_pressure(sim) * u.pressure, rate * u.rate)
        return heat / u.energy_rate_density, rate

    def apply(self, sim, dt):
        if not self.params["heat_gas"]:
            return
        heat, _ = self._rates(sim)
        # energy leaves the CRs (never more than they have) and heats the gas
        de = np.minimum(heat * dt, sim.state.cr[IEC])
        sim.state.cr[IEC] -= de
        sim.state.u[IEN] += de

    def fields(self, sim):
        heat, rate = self._rates(sim)
        return {"pa_heating": heat, "dlnB_dt": rate}


@register
class CRDiagnostics(SourceTerm):
    """Diagnostic fields: streaming heating -v_s . grad P_c and CR work rate P_c div v.

    The streaming heating is the rate the CR step hands to the gas, computed by
    the CR integrator from the coefficients of the enabled source terms (the
    streaming speed of ``streaming``, or the convection speed of ``convection``):
    zero without streaming."""

    name = "cr_diagnostics"
    PARAMS = {}
    requires = ("mhd", "cr")
    provides = ("streaming_heating", "cr_work_rate")

    def fields(self, sim):
        blk, s = sim.block, sim.state
        coeffs, kernel = sim.coefficients()
        heat = np.zeros(blk.shape)
        heat[blk.active] = sim.cr.heating(s, coeffs)
        v = velocity(s)
        div_v = sum(gradient(blk, v[i])[i] for i in range(3))
        work = cr_pressure(sim) * div_v
        return {"streaming_heating": heat, "cr_work_rate": work}
