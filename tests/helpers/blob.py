"""CR blob: a smooth Gaussian CR energy bump in a uniform, magnetised, slightly stirred gas.

A test problem that switches everything on at once: MHD with an oblique uniform
field, CR transport with gas exchange, streaming, constant diffusion, PA
heating, the CR diagnostics and radiative cooling, on a periodic box (2D or
3D).  It follows the problem-module contract of ``problems/bottleneck.py``
(``NAME``, ``PARAMS``, ``DEFAULTS``, ``initialise``, optional
``boundary_functions``) and is small enough for tests: 32^2 cells, 30 cycles.

Units: 1 kpc, 1 Myr and a density unit of 1e-26 g cm^-3 (code velocity
978 km/s); with rho = 1 and P = 0.02 the gas is at ~1.4e6 K, where the
cooling curve is well resolved, and n_H ~ 4e-3 cm^-3 (a hot CGM phase).
B = 0.2 code units gives beta = 1 (0.56 uG).

``outflow=True`` in :func:`defaults` gives the same problem with outflow
boundaries along x (a non-periodic case for the decomposition tests).
"""
import numpy as np

from crplugin.params import Param
from crplugin.state import IDN, IEC, IEN, IM1, IM2, IM3

NAME = "blob"

KPC, MYR = 3.0857e21, 3.15576e13

PARAMS = {
    "rho": Param(1.0, "gas density", positive=True),
    "p_gas": Param(0.02, "gas pressure", positive=True),
    "b0": Param(0.2, "field strength (v_A = B/sqrt(rho))", positive=True),
    "theta": Param(0.5, "angle of B to x in the x-y plane [rad]"),
    "phi": Param(0.3, "angle of B out of the x-y plane [rad] (3D)"),
    "ec_bg": Param(0.01, "background CR energy density", positive=True),
    "ec_blob": Param(0.1, "CR energy density added at the blob centre", positive=True),
    "width": Param(0.12, "Gaussian width of the blob [code length]", positive=True),
    "dv": Param(0.02, "amplitude of the velocity perturbation", positive=True),
}

DEFAULTS = {
    "mesh.nx": 32, "mesh.ny": 32, "mesh.nz": 1,
    "mesh.x1min": -0.5, "mesh.x1max": 0.5, "mesh.x2min": -0.5, "mesh.x2max": 0.5,
    "mesh.x3min": -0.5, "mesh.x3max": 0.5,
    "units.length": KPC, "units.mass": 1e-26 * KPC**3, "units.time": MYR,
    "cr.enabled": True, "cr.exchange": True, "cr.v_max": 4.0,
    "constant_diffusion.kappa_par": 2e-3, "constant_diffusion.kappa_perp": 2e-4,
    "sources.enabled": ["streaming", "constant_diffusion", "pa_heating", "cr_diagnostics", "cooling"],
    "time.tlim": 100.0, "time.nlim": 30,
    "output.progress": False,
}


def defaults(ndim=2, outflow=False, n=None):
    """Overrides (``section.key=value`` strings) for a 2D or 3D blob, periodic or with outflow along x."""
    n = n or (32 if ndim == 2 else 16)
    over = [f"mesh.nx={n}", f"mesh.ny={n}", f"mesh.nz={n if ndim == 3 else 1}"]
    if outflow:
        over += ["mesh.ix1_bc=outflow", "mesh.ox1_bc=outflow"]
    return over


def initialise(sim):
    p = sim.params.section("problem")
    gamma = sim.params["mhd.gamma"]
    blk, s = sim.block, sim.state
    x, y, z = blk.mesh()
    three_d = sim.grid.shape[2] > 1
    phi = p["phi"] if three_d else 0.0
    bx = p["b0"] * np.cos(p["theta"]) * np.cos(phi)
    by = p["b0"] * np.sin(p["theta"]) * np.cos(phi)
    bz = p["b0"] * np.sin(phi)
    for arr, value in zip(s.bf, (bx, by, bz)):
        arr[...] = value
    s.update_bcc()

    shape = blk.shape
    rho = np.full(shape, p["rho"])
    # smooth, periodic, divergent-and-rotational stirring (one wavelength per box)
    kx = 2.0 * np.pi / (sim.grid.right[0] - sim.grid.left[0])
    ky = 2.0 * np.pi / (sim.grid.right[1] - sim.grid.left[1])
    vx = p["dv"] * np.sin(ky * y) * np.ones(shape)
    vy = p["dv"] * np.sin(kx * x) * np.ones(shape)
    vz = p["dv"] * np.cos(kx * x + ky * y) * np.ones(shape) if three_d else np.zeros(shape)
    s.u[IDN] = rho
    s.u[IM1], s.u[IM2], s.u[IM3] = rho * vx, rho * vy, rho * vz
    s.u[IEN] = (p["p_gas"] / (gamma - 1.0) + 0.5 * rho * (vx**2 + vy**2 + vz**2)
                + 0.5 * (bx**2 + by**2 + bz**2))
    if s.cr is None:  # the same gas without CRs (cr.enabled=false)
        return
    r2 = x**2 + y**2 + (z**2 if three_d else 0.0)
    s.cr[IEC] = p["ec_bg"] + p["ec_blob"] * np.exp(-r2 / p["width"] ** 2) * np.ones(shape)
