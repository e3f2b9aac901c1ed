"""Streaming CRs enter uniform gas from a boundary: a flat-topped front moving at v_A with F_c = v_A (E_c + P_c).

Frozen gas at rest (``mhd.evolve = false``, no CR-gas exchange), uniform
density ``rho`` and field ``B_x = b_x``, so v_A = b_x/sqrt(rho) (code units).
Streaming only (the ``streaming`` source term, kappa = 0).  E_c is held at
``e_cr_in`` in the inner ghosts; the domain starts at ``e_cr_init``.  With
v = 0 and the CRs streaming down their gradient at v_A (uniform), the CR energy
equation is dE_c/dt + v_A dE_c/dx = 0: the boundary value is advected at v_A,
giving a flat top E_c = e_cr_in behind the front x_f = v_A t and the floor
ahead of it, with the streaming flux F_c = v_A (E_c + P_c) = (4/3) v_A E_c on
the plateau.  (Jiang & Oh 2018 sect. 4; Wiener et al. 2017.)

The reduced speed of light must be well above v_A: on the flat top the
streaming opacity is small and F_c lags its relaxed value by O(v_A/V_m).
"""
import os

import numpy as np

from crplugin.boundaries import fixed_state
from crplugin.params import Param
from crplugin.state import IDN, IEC, IEN

NAME = "cr_streaming"

PARAMS = {
    "rho": Param(1.0, "gas density", positive=True),
    "b_x": Param(1.0, "field along x (v_A = b_x/sqrt(rho))", positive=True),
    "p_gas": Param(1.0, "gas pressure", positive=True),
    "e_cr_in": Param(1.0, "CR energy density held at the inner boundary", positive=True),
    "e_cr_init": Param(1e-6, "initial CR energy density (the floor ahead of the front)", positive=True),
}

DEFAULTS = {
    "mesh.nx": 128, "mesh.x1min": 0.0, "mesh.x1max": 4.0,
    "mesh.ix1_bc": "user", "mesh.ox1_bc": "cr_outflow",
    "time.tlim": 2.0,
    "mhd.evolve": False,
    "cr.enabled": True, "cr.v_max": 40.0, "cr.exchange": False,
    "sources.enabled": ["streaming"],
}


def alfven_speed(params):
    return params["problem.b_x"] / np.sqrt(params["problem.rho"])


def initialise(sim):
    params = sim.params
    if "streaming" not in params["sources.enabled"]:
        raise ValueError("cr_streaming: needs sources.enabled = streaming")
    if params["mesh.ny"] > 1 or params["mesh.nz"] > 1:
        raise ValueError("cr_streaming: a 1D problem (mesh.ny = mesh.nz = 1)")
    p = sim.params.section("problem")
    gamma = params["mhd.gamma"]
    s = sim.state
    s.u[IDN] = p["rho"]
    s.u[IEN] = p["p_gas"] / (gamma - 1.0) + 0.5 * p["b_x"] ** 2
    s.bf[0][...] = p["b_x"]
    s.update_bcc()
    s.cr[IEC] = p["e_cr_init"]


def boundary_functions(sim):
    return {(0, "inner"): fixed_state({("cr", IEC): sim.params["problem.e_cr_in"]})}


def analyse(outdir, params):
    """Front position vs v_A t, plateau level and flux vs v_A (E_c + P_c), L1 error; a figure."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from crplugin.problems._common import centres
    from crplugin.problems.shock_tube import code_fields

    p = params.section("problem")
    gamma_c = params["cr.gamma_c"]
    f, info = code_fields(outdir, params, name=NAME)
    t = info["time"]
    x = centres(params, 0)
    dx = x[1] - x[0]
    e = f["cr_energy_density"][0, 0]
    flux = f["cr_flux_x"][0, 0]
    va = alfven_speed(params)
    e0 = p["e_cr_in"]
    x_f = va * t
    theory = np.where(x < x_f, e0, p["e_cr_init"])
    # E_c falls through e0/2 at the front; interpolate between the cells around it
    i = int(np.argmax(e < 0.5 * e0))
    front = x[i - 1] + (e[i - 1] - 0.5 * e0) / (e[i - 1] - e[i]) * dx if i > 0 else x[0]
    behind = x < x_f - 0.2 * (x[-1] - x[0] + dx)      # the plateau, clear of the front's width
    result = {"time": t, "v_A": va, "front": float(front), "front_theory": float(x_f),
              "front_error_cells": float((front - x_f) / dx),
              "plateau_max_deviation": float(np.abs(e[behind] / e0 - 1.0).max()) if behind.any() else float("nan"),
              "flux_over_streaming_flux": float(np.mean(flux[behind] / (va * gamma_c * e[behind])))
              if behind.any() else float("nan"),
              "L1_error_rel": float(np.mean(np.abs(e - theory)) / e0),
              "max_ahead_of_front": float(e[x > x_f + 0.5].max() / e0) if (x > x_f + 0.5).any() else 0.0}
    fig, ax = plt.subplots(1, 2, figsize=(9, 3.6), constrained_layout=True)
    ax[0].plot(x, e, ".", ms=3, label=f"crplugin, {len(x)} cells")
    ax[0].plot(x, theory, "k-", lw=1, label=r"flat top up to $v_A t$")
    ax[0].set_xlabel("x")
    ax[0].set_ylabel(r"$E_c$")
    ax[0].legend(fontsize=8)
    ax[1].plot(x, flux, ".", ms=3, label=r"$F_c$")
    ax[1].plot(x, va * gamma_c * e, "k-", lw=1, label=r"$v_A (E_c + P_c)$")
    ax[1].set_xlabel("x")
    ax[1].legend(fontsize=8)
    fig.suptitle(f"CR streaming, t = {t:g}: front {front:.4g} (v_A t = {x_f:.4g})", fontsize=9)
    png = os.path.join(outdir, f"{NAME}.png")
    fig.savefig(png, dpi=110)
    plt.close(fig)
    result["figure"] = png
    return result
