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


def _domain_size(sim):
    return max(r - l for l, r, n in zip(sim.grid.left, sim.grid.right, sim.grid.shape) if n > 1)


def _cap(kappa, kappa_max):
    return np.minimum(kappa, kappa_max) if kappa_max > 0 else kappa


@register
class SelfConfinementDiffusion(SourceTerm):
    """Self-confinement: kappa_par = L (v_D - v_A) from streaming growth = wave damping
    (Zweibel 2021 eqs 19 and 52; damping: ion-neutral, turbulent or a constant rate)."""

    name = "self_confinement_diffusion"
    PARAMS = {
        "damping": Param("ion_neutral", "wave damping", choices=("ion_neutral", "turbulent", "constant")),
        "n_neutral": Param(1e-4, "neutral density for ion-neutral damping [cm^-3]", positive=True),
        "sigma_v_in": Param(3e-9, "ion-neutral <sigma v> [cm^3/s]", positive=True),
        "L_MHD": Param(3.086e20, "Alfvenic scale of the turbulence [cm] (turbulent damping)", positive=True),
        "Gamma": Param(1e-10, "damping rate for damping = constant [1/s]", positive=True),
        "rigidity_GV": Param(1.0, "rigidity of the resonant CRs [GV]", positive=True),
        "cr_energy_GeV": Param(1.0, "mean energy per CR, n_cr = E_c / energy [GeV]", positive=True),
        "spectral_index": Param(4.7, "a of f_0 ~ p^-a (C = (a-3)/(a-2))", positive=True),
        "mu_ion": Param(1.27, "mean ion mass / m_p (H+He, n_He/n_H = 0.1)", positive=True),
        "L_max": Param(0.0, "cap of the gradient length P_c/|grad P_c| where P_c is flat "
                            "[code length] (0: the largest domain extent)"),
        "kappa_max": Param(0.0, "cap of kappa_par [code units] (0: no cap)"),
    }
    requires = ("mhd", "cr")
    provides = ("kappa_par", "kappa_perp")

    # kappa_par depends on E_c and its gradient: the CR step recomputes it every sub-step
    state_dependent = True

    def coefficient_kernel(self, sim):
        """The compiled kernel (``cr_coefficients.SelfConfinementKappa``) with the gas
        parts of this step; the CR step calls it at every stage of every sub-step."""
        from crplugin.constants import EV, M_P
        from crplugin.kernels.cr_coefficients import SelfConfinementKappa
        p, u, s = self.params, sim.units, sim.state
        _, bmag = unit_b(s)
        B = np.maximum(bmag * u.magnetic_field, 1e-300)
        v_a = alfven_speed_code(sim, 1.0) * u.velocity
        n_ion = s.u[IDN] * u.density / (p["mu_ion"] * M_P)
        if p["damping"] == "ion_neutral":
            gamma = closures.ion_neutral_damping_rate(p["n_neutral"], p["sigma_v_in"])
        elif p["damping"] == "turbulent":
            r_L = p["rigidity_GV"] * 1e9 / 299.792458 / B   # statV / G = cm
            gamma = closures.turbulent_damping_rate(v_a, r_L, p["L_MHD"])
        else:
            gamma = p["Gamma"]
        C = closures.spectrum_constant(p["spectral_index"])
        e_to_ncr = u.energy_density / (p["cr_energy_GeV"] * 1e9 * EV)
        return SelfConfinementKappa(v_a, B, n_ion, np.asarray(gamma, dtype=float), float(C), sim.cr.gamma_c,
                                    e_to_ncr, u.length, u.diffusivity, p["L_max"] or _domain_size(sim),
                                    p["kappa_max"])

    def fields(self, sim):
        # the same kernel on the current state (gradient of the CR integrator)
        shape = sim.block.shape
        kpar, kperp = np.zeros(shape), np.zeros(shape)
        _, gpar = sim.cr.pressure_gradient(sim.state)
        self.coefficient_kernel(sim).evaluate(sim.state.cr, gpar, kpar, kperp)
        return {"kappa_par": kpar, "kappa_perp": kperp}


@register
class PressureAnisotropyConfinement(SourceTerm):
    """PA confinement: kappa_par = (15/2) c v_A tau_B X with tau_B = 1/|dlnB/dt| from the
    local flow (Zweibel 2021 eq 54, corrected as in the closure's docstring)."""

    name = "pa_confinement"
    PARAMS = {
        "anisotropy_factor": Param(1.0, "X = (c/v_A) dP_c/P_c - 1 at marginal stability", positive=True),
        "tau_max": Param(0.0, "cap of tau_B where the field is steady [code time] (0: time.tlim)"),
        "kappa_max": Param(0.0, "cap of kappa_par [code units] (0: no cap)"),
        "ion_fraction": Param(1.0, "ion mass fraction for v_A", positive=True),
    }
    requires = ("mhd", "cr")
    provides = ("kappa_par", "kappa_perp")

    def fields(self, sim):
        from crplugin.source_terms.heating import dlnB_dt_code
        p, u = self.params, sim.units
        tau_max = p["tau_max"] or sim.params["time.tlim"]
        tau = 1.0 / np.maximum(np.abs(dlnB_dt_code(sim)), 1.0 / tau_max)
        v_a = alfven_speed_code(sim, p["ion_fraction"]) * u.velocity
        kappa = closures.pa_kappa(v_a, tau * u.time, p["anisotropy_factor"]) / u.diffusivity
        return {"kappa_par": _cap(kappa, p["kappa_max"]), "kappa_perp": np.zeros_like(kappa)}
