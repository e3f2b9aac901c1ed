"""CR transport closures as source terms: they provide the streaming speed and
the diffusivities that the two-moment CR integrator reads.

Each converts the code-unit state to cgs, calls a public closure of
``crplugin.closures`` and converts the result back: this is also the reference
of how a host code calls the plugin.
"""
import numpy as np

from crplugin import closures
from crplugin.params import Param
from crplugin.sources import SourceTerm, register
from crplugin.state import IDN
from crplugin.source_terms._fields import unit_b


def alfven_speed_code(sim, ion_fraction):
    """Ion Alfven speed in code units through the cgs closure."""
    u = sim.units
    _, bmag = unit_b(sim.state)
    rho_ion = ion_fraction * sim.state.u[IDN] * u.density
    return closures.alfven_speed(bmag * u.magnetic_field, rho_ion) / u.velocity


@register
class SelfConfinedStreaming(SourceTerm):
    """Self-confinement: CRs stream down their gradient at the ion Alfven speed
    (v_s = -v_A sign(b.grad P_c) b; the CR integrator regularises the sign)."""

    name = "streaming"
    PARAMS = {"ion_fraction": Param(1.0, "ion mass fraction: v_A uses rho_ion = ion_fraction * rho",
                                    positive=True)}
    requires = ("mhd", "cr")
    provides = ("stream_speed",)

    def fields(self, sim):
        return {"stream_speed": alfven_speed_code(sim, self.params["ion_fraction"])}


@register
class ExtrinsicConvection(SourceTerm):
    """Extrinsic waves with cross helicity H_c: CRs convect at H_c v_A along b
    (Schlickeiser 2019 eq 34) instead of streaming down their gradient."""

    name = "convection"
    PARAMS = {"H_c": Param(0.5, "cross helicity of the Alfven waves, in [-1, 1]"),
              "ion_fraction": Param(1.0, "ion mass fraction", positive=True)}
    requires = ("mhd", "cr")
    provides = ("stream_speed", "stream_velocity_par")

    def fields(self, sim):
        v_a = alfven_speed_code(sim, self.params["ion_fraction"]) * sim.units.velocity
        v_c = closures.cr_convection_speed(self.params["H_c"], v_a) / sim.units.velocity
        return {"stream_speed": np.abs(v_c), "stream_velocity_par": v_c}


@register
class ConstantDiffusion(SourceTerm):
    """Constant parallel and perpendicular diffusivities (code units)."""

    name = "constant_diffusion"
    PARAMS = {"kappa_par": Param(1.0, "parallel diffusivity [code length^2/time]"),
              "kappa_perp": Param(0.0, "perpendicular diffusivity [code length^2/time]")}
    requires = ("cr",)
    provides = ("kappa_par", "kappa_perp")

    def setup(self, sim):
        if self.params["kappa_par"] < 0 or self.params["kappa_perp"] < 0:
            raise ValueError("constant_diffusion: diffusivities must be non-negative")
        shape = sim.block.shape
        self._par = np.full(shape, float(self.params["kappa_par"]))
        self._perp = np.full(shape, float(self.params["kappa_perp"]))

    def fields(self, sim):
        return {"kappa_par": self._par, "kappa_perp": self._perp}


@register
class PowerLawDiffusion(SourceTerm):
    """kappa_par = kappa_0 (R / R_0)^delta for CRs of rigidity R (cgs input;
    e.g. delta = 2 - q for a turbulence spectrum k^-q, as in the transport review)."""

    name = "power_law_diffusion"
    PARAMS = {"kappa_0": Param(3e28, "diffusivity at R_0 [cm^2/s]", positive=True),
              "R_0": Param(1.0, "reference rigidity [GV]", positive=True),
              "R": Param(1.0, "rigidity of the CR population [GV]", positive=True),
              "delta": Param(0.5, "rigidity exponent"),
              "perp_ratio": Param(0.0, "kappa_perp / kappa_par")}
    requires = ("cr",)
    provides = ("kappa_par", "kappa_perp")

    def setup(self, sim):
        p = self.params
        kappa = p["kappa_0"] * (p["R"] / p["R_0"]) ** p["delta"] / sim.units.diffusivity
        shape = sim.block.shape
        self._par = np.full(shape, kappa)
        self._perp = np.full(shape, kappa * p["perp_ratio"])

    def fields(self, sim):
        return {"kappa_par": self._par, "kappa_perp": self._perp}
