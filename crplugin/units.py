"""Code units of the solver and their conversion to cgs (Gaussian) units.

A run picks a length, mass and time unit (in cm, g, s).  Everything else
follows; the magnetic field is measured so that the magnetic pressure is
``B^2/2`` in code units, i.e. ``B_gauss = sqrt(4 pi p_unit) * B_code``
(then ``v_A = B/sqrt(rho)`` in code units equals ``B/sqrt(4 pi rho)`` in cgs).
"""
import math
from dataclasses import dataclass

from crplugin.constants import C_LIGHT


@dataclass(frozen=True)
class CodeUnits:
    length: float = 1.0  # cm
    mass: float = 1.0    # g
    time: float = 1.0    # s

    def __post_init__(self):
        for name in ("length", "mass", "time"):
            value = getattr(self, name)
            if not (value > 0 and math.isfinite(value)):
                raise ValueError(f"unit '{name}' must be a positive finite number, got {value!r}")

    @property
    def density(self):          # g cm^-3
        return self.mass / self.length**3

    @property
    def velocity(self):         # cm s^-1
        return self.length / self.time

    @property
    def pressure(self):         # erg cm^-3 = dyn cm^-2
        return self.mass / (self.length * self.time**2)

    energy_density = pressure

    @property
    def magnetic_field(self):   # G
        return math.sqrt(4.0 * math.pi * self.pressure)

    @property
    def energy_rate_density(self):  # erg cm^-3 s^-1
        return self.pressure / self.time

    @property
    def diffusivity(self):      # cm^2 s^-1
        return self.length**2 / self.time

    @property
    def rate(self):             # s^-1
        return 1.0 / self.time

    @property
    def flux(self):             # erg cm^-2 s^-1
        return self.pressure * self.velocity

    @property
    def c_light(self):
        """The true speed of light in code units (not the reduced one)."""
        return C_LIGHT / self.velocity

    # cgs unit strings of each conversion, for outputs
    CGS = {
        "length": "cm", "mass": "g", "time": "s", "density": "g/cm**3",
        "velocity": "cm/s", "pressure": "dyn/cm**2", "energy_density": "erg/cm**3",
        "magnetic_field": "G", "energy_rate_density": "erg/(cm**3*s)",
        "diffusivity": "cm**2/s", "rate": "1/s", "flux": "erg/(cm**2*s)", "dimensionless": "dimensionless",
    }

    def to_cgs(self, kind):
        """(factor, cgs unit string) for a quantity of ``kind`` (a key of ``CGS``)."""
        if kind not in self.CGS:
            raise ValueError(f"unknown quantity kind '{kind}'; valid: {', '.join(self.CGS)}")
        factor = 1.0 if kind == "dimensionless" else getattr(self, kind)
        return factor, self.CGS[kind]
