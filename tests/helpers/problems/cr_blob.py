"""A CR blob streaming along an oblique field in 1D, 2D or 3D (a few cycles): outputs for the
yt-frontend tests, with the streaming and PA heating fields written by the solver."""
import numpy as np

from crplugin.state import IDN, IEC, IEN

NAME = "cr_blob"
DEFAULTS = {"mesh.nx": 16, "mesh.x1max": 1.0, "time.nlim": 2, "time.tlim": 10.0,
            "units.length": 3.0856775814913673e21, "units.time": 3.15576e13,
            "units.mass": 1e-26 * 3.0856775814913673e21**3,
            "cr.enabled": True, "cr.v_max": 20.0, "output.progress": False,
            "sources.enabled": ["streaming", "cr_diagnostics", "pa_heating"]}


def initialise(sim):
    s = sim.state
    x, y, z = sim.block.mesh()
    r2 = (x - 0.5) ** 2 + ((y - 0.5) ** 2 if sim.grid.shape[1] > 1 else 0.0) \
        + ((z - 0.5) ** 2 if sim.grid.shape[2] > 1 else 0.0)
    b = np.array([0.3, 0.2, 0.1])
    for a in range(3):
        s.bf[a][...] = b[a]
    s.update_bcc()
    s.u[IDN] = 1.0 + 0.2 * np.cos(2 * np.pi * x)
    s.u[IEN] = 1.0 / (sim.params["mhd.gamma"] - 1.0) + 0.5 * (b ** 2).sum()
    s.cr[IEC] = 0.1 + np.exp(-r2 / 0.02)
