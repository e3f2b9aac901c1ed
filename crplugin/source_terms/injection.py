"""CR injection: CR pressure added at a constant rate inside a region."""
import numpy as np

from crplugin.params import Param
from crplugin.sources import SourceTerm, register
from crplugin.state import IEC


@register
class CRInjection(SourceTerm):
    """CR pressure injected at the rate dP_c/dt inside a radius R (Zweibel 2021 section 2:
    a flux tube when B is perpendicular to a 2D plane); the edge is smoothed over a width w.
    E_c = P_c/(gamma_c - 1) with the run's ``cr.gamma_c``."""

    name = "cr_injection"
    PARAMS = {
        "dPc_dt": Param(1e-2, "injection rate of CR pressure [code pressure/time]", positive=True),
        "radius": Param(0.1, "radius R of the region [code length]", positive=True),
        "x0": Param(0.0, "centre x"), "y0": Param(0.0, "centre y"), "z0": Param(0.0, "centre z"),
        "edge_width": Param(0.0, "width of the tanh edge (0 = one cell)"),
    }
    requires = ("cr",)
    provides = ()

    def setup(self, sim):
        p, blk = self.params, sim.block
        x, y, z = blk.mesh()
        r2 = (x - p["x0"]) ** 2
        if blk.nghost(1):
            r2 = r2 + (y - p["y0"]) ** 2
        if blk.nghost(2):
            r2 = r2 + (z - p["z0"]) ** 2
        w = p["edge_width"] or max(d for d, n in zip(blk.dx, sim.grid.shape) if n > 1)
        self.profile = np.broadcast_to(0.5 * (1.0 - np.tanh((np.sqrt(r2) - p["radius"]) / w)), blk.shape).copy()

    def apply(self, sim, dt):
        p = self.params
        sim.state.cr[IEC] += self.profile * (p["dPc_dt"] / (sim.cr.gamma_c - 1.0)) * dt
