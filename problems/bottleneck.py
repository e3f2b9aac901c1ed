"""CR bottleneck: streaming CRs meet a density peak (Jiang & Oh 2018, appendix).

Gas is static (frozen, no CR-gas exchange), density
rho = rho_min + (rho_peak - rho_min) sech^2((x - x_0)/w), B = B_x.  CRs enter at
x = 0 with P_c held at 1 and stream at v_A = B/sqrt(rho), with vanishing
diffusion.  Steady state: upstream of the peak v_A falls along the flow, so
P_c cannot follow rho^(gamma_c/2) upward: P_c = 1 (the plateau, no waves, no
heating); downstream P_c = P_c0 (rho/rho_peak)^(2/3).

Units: code units with B measured so that v_A = B/sqrt(rho) (P_m = B^2/2);
with the default unit scales (1 cm, 1 g, 1 s) B = 1 code unit is
sqrt(4 pi) G = 3.54 G in Gaussian units, and lengths, times and energy
densities are in cm, s and erg cm^-3.
"""
import os

import numpy as np

from crplugin.boundaries import fixed_state
from crplugin.params import Param
from crplugin.state import IDN, IEC, IEN

NAME = "bottleneck"

PARAMS = {
    "rho_min": Param(0.1, "background density", positive=True),
    "rho_peak": Param(1.0, "density at the peak", positive=True),
    "x0": Param(200.0, "position of the density peak"),
    "width": Param(25.0, "width w of the sech^2 profile", positive=True),
    "p_gas": Param(1.0, "gas pressure", positive=True),
    "b_x": Param(1.0, "magnetic field along x (v_A = B/sqrt(rho))", positive=True),
    "p_cr_in": Param(1.0, "CR pressure held at the inner boundary", positive=True),
    "p_cr_init": Param(1e-6, "initial CR pressure in the domain", positive=True),
}

DEFAULTS = {
    "mesh.nx": 512, "mesh.x1min": 0.0, "mesh.x1max": 1000.0,
    "mesh.ix1_bc": "user", "mesh.ox1_bc": "cr_outflow",
    "mhd.evolve": False,
    "cr.enabled": True, "cr.v_max": 100.0, "cr.exchange": False,
    "time.tlim": 3000.0, "time.steady_tol": 1e-6,
    "sources.enabled": ["streaming"],
}


def density(x, p):
    return p["rho_min"] + (p["rho_peak"] - p["rho_min"]) / np.cosh((x - p["x0"]) / p["width"]) ** 2


def theory(x, p):
    """Steady-state P_c: the plateau up to the peak, P_c ~ rho^(2/3) after it."""
    pc = np.full_like(x, p["p_cr_in"], dtype=float)
    down = x > p["x0"]
    pc[down] = p["p_cr_in"] * (density(x[down], p) / p["rho_peak"]) ** (2.0 / 3.0)
    return pc


def initialise(sim):
    p = sim.params.section("problem")
    gamma = sim.params["mhd.gamma"]
    x, _, _ = sim.block.mesh()
    s = sim.state
    s.u[IDN] = density(x, p)
    s.u[IEN] = p["p_gas"] / (gamma - 1.0) + 0.5 * p["b_x"] ** 2
    s.bf[0][:] = p["b_x"]
    s.update_bcc()
    s.cr[IEC] = 3.0 * p["p_cr_init"]


def boundary_functions(sim):
    # E_c = 3 P_c held in the inner ghosts; the flux is copied from the first cell
    return {(0, "inner"): fixed_state({("cr", IEC): 3.0 * sim.params["problem.p_cr_in"]})}


def analyse(outdir, params):
    """L1 error of P_c against the steady state, the two plateaus, and a figure."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from crplugin.problems._common import centres, read_last

    p = params.section("problem")
    fields, info = read_last(outdir, NAME)
    # code units are cgs here (unit scales 1), so E_c reads back unchanged
    x, pc, t = centres(params, 0), fields["cr_energy_density"][0, 0] / 3.0, info["time"]
    pth = theory(x, p)
    far = x > p["x0"] + 16 * p["width"]           # where rho has flattened to rho_min
    up = x < p["x0"] - 2 * p["width"]
    result = {
        "time": t,
        "L1_error": float(np.mean(np.abs(pc - pth))),
        "upstream_plateau": float(np.mean(pc[up])),
        "upstream_theory": float(p["p_cr_in"]),
        "downstream_plateau": float(np.mean(pc[far])),
        "downstream_theory": float(np.mean(pth[far])),
    }
    result["downstream_excess"] = result["downstream_plateau"] / result["downstream_theory"] - 1.0

    fig, ax = plt.subplots(figsize=(7, 4.2), constrained_layout=True)
    ax.plot(x, pc, lw=2, label=f"crplugin, {len(x)} cells, t = {t:g}")
    ax.plot(x, pth, "k--", lw=1.2, label=r"theory: plateau, then $P_c \propto \rho^{2/3}$")
    ax.set_xlabel("x")
    ax.set_ylabel(r"$P_c$")
    ax.set_ylim(0, 1.15 * p["p_cr_in"])
    ax2 = ax.twinx()
    ax2.plot(x, density(x, p), color="0.6", lw=1, label=r"$\rho$")
    ax2.set_ylabel(r"$\rho$", color="0.4")
    ax.legend(loc="upper right", fontsize=8)
    ax.set_title(f"CR bottleneck: L1 = {result['L1_error']:.2e}, downstream plateau "
                 f"{result['downstream_plateau']:.4f} (theory {result['downstream_theory']:.4f})", fontsize=9)
    png = os.path.join(outdir, f"{NAME}.png")
    fig.savefig(png, dpi=120)
    plt.close(fig)
    result["figure"] = png
    return result
