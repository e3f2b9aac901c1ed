"""Optically thin radiative cooling balanced by a constant heating rate per hydrogen atom."""
import numpy as np

from crplugin.constants import K_B, M_P
from crplugin.kernels import cooling as _k
from crplugin.params import Param
from crplugin.sources import SourceTerm, register
from crplugin.state import IDN, IEN, IM1, IM2, IM3


@register
class RadiativeCooling(SourceTerm):
    """Optically thin cooling n_H^2 Lambda(T) with heating n_H Gamma (halo-cloud runs).

    Lambda(T) has the shape of the solar-metallicity CIE curve of Sutherland &
    Dopita (1993) (``crplugin.kernels.cooling``), scaled so that heating and
    cooling balance at ``T_balance`` and ``n_H`` of the background; each cell
    is sub-cycled so its internal energy changes by at most 10 % per sub-step.
    """

    name = "cooling"
    PARAMS = {
        "heating_per_H": Param(1e-25, "heating rate per hydrogen atom Gamma [erg s^-1]", positive=True),
        "T_balance": Param(1.1e6, "temperature where heating balances cooling [K] (0: no rescaling)"),
        "n_H_balance": Param(9.2e-4, "n_H where heating balances cooling [cm^-3]", positive=True),
        "T_floor": Param(1e4, "no cooling at or below this temperature [K]", positive=True),
        "mu": Param(0.61, "mean molecular weight (fully ionised H+He)", positive=True),
        "X_H": Param(0.714, "hydrogen mass fraction (n_He/n_H = 0.1)", positive=True),
    }
    requires = ("hydro",)
    provides = ("cooling_rate",)

    def setup(self, sim):
        p = self.params
        lam = _k.cie_cooling_function_array
        norm = 1.0
        if p["T_balance"] > 0:
            out = np.empty(1)
            lam(np.array([p["T_balance"]]), out)
            # n_H Gamma = n_H^2 norm Lambda(T_balance)
            norm = p["heating_per_H"] / (p["n_H_balance"] * out[0])
        self.lambda_norm = norm
        u = sim.units
        self.gamma = sim.params["mhd.gamma"]
        self.rho_to_nH = p["X_H"] * u.density / M_P
        # T = mu m_p (gamma-1) e_int / (rho k_B), with e_int/rho in code units
        self.e_to_T = p["mu"] * M_P * (self.gamma - 1.0) * u.velocity**2 / K_B
        self.rate_to_code = 1.0 / u.energy_rate_density
        self.rate = np.zeros(sim.block.shape)

    def _kinetic_magnetic(self, sim):
        s = sim.state
        ke = 0.5 * (s.u[IM1]**2 + s.u[IM2]**2 + s.u[IM3]**2) / s.u[IDN]
        if s.mhd:
            ke = ke + 0.5 * (s.bcc**2).sum(axis=0)
        return ke

    def apply(self, sim, dt):
        s = sim.state
        other = self._kinetic_magnetic(sim)
        e_int = np.ascontiguousarray(s.u[IEN] - other)
        p = self.params
        _k.apply_cooling(e_int, np.ascontiguousarray(s.u[IDN]), dt, self.rho_to_nH, self.e_to_T,
                         self.rate_to_code, p["heating_per_H"], self.lambda_norm, p["T_floor"],
                         0.1, self.rate)
        s.u[IEN] = e_int + other

    def fields(self, sim):
        return {"cooling_rate": self.rate}
