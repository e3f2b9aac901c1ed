"""Anisotropic CR diffusion of a Gaussian along an oblique field (frozen gas): L1 error against the analytic solution.

Frozen gas (``mhd.evolve = false``, no CR-gas exchange), uniform B at angle
``angle_deg`` to x, constant diffusivities ``constant_diffusion.kappa_par``
and ``kappa_perp`` (the ``constant_diffusion`` source term).  A Gaussian
E_c = exp(-r^2/(2 sigma0^2)) with its relaxed flux F = -K.grad E_c spreads as

    E_c(r, t) = sigma0^d / sqrt(det C) exp(-r.C^-1.r / 2),
    C = sigma0^2 I + 2 K t,  K = kappa_par b b + kappa_perp (I - b b),

(in 1D, d = 1 and C = sigma0^2 + 2 K_xx t).  The two-moment system relaxes to
this diffusion when V_m sigma0 / kappa >> 1; the telegraph correction is
~ 3 (kappa / (V_m sigma0))^2 (2e-4 with the defaults), below the
discretisation error.  Periodic box wide enough that the images are ~e^-18.
"""
import os

import numpy as np

from crplugin.params import Param
from crplugin.state import IDN, IEC, IEN, IFC1

NAME = "cr_diffusion"

PARAMS = {
    "sigma0": Param(1.0, "initial Gaussian width", positive=True),
    "angle_deg": Param(45.0, "angle of B to the x axis [degrees]"),
    "b0": Param(1.0, "field strength (code units)", positive=True),
}

DEFAULTS = {
    "mesh.nx": 64, "mesh.ny": 64,
    "mesh.x1min": -6.0, "mesh.x1max": 6.0, "mesh.x2min": -6.0, "mesh.x2max": 6.0,
    "time.tlim": 0.25,
    "mhd.evolve": False,
    "cr.enabled": True, "cr.v_max": 120.0, "cr.exchange": False,
    "sources.enabled": ["constant_diffusion"],
}


def _tensor(params):
    a = np.radians(params["problem.angle_deg"])
    b = np.array([np.cos(a), np.sin(a)])
    kpar, kperp = params["constant_diffusion.kappa_par"], params["constant_diffusion.kappa_perp"]
    return kpar * np.outer(b, b) + kperp * (np.eye(2) - np.outer(b, b)), b


def exact(x, y, t, params):
    """Analytic E_c at time t (x, y broadcastable; y ignored in 1D)."""
    s0 = params["problem.sigma0"]
    k, _ = _tensor(params)
    if params["mesh.ny"] == 1:
        c = s0 ** 2 + 2 * k[0, 0] * t
        return s0 / np.sqrt(c) * np.exp(-x ** 2 / (2 * c))
    c = s0 ** 2 * np.eye(2) + 2 * k * t
    ci = np.linalg.inv(c)
    q = ci[0, 0] * x ** 2 + 2 * ci[0, 1] * x * y + ci[1, 1] * y ** 2
    return s0 ** 2 / np.sqrt(np.linalg.det(c)) * np.exp(-0.5 * q)


def initialise(sim):
    params = sim.params
    if "constant_diffusion" not in params["sources.enabled"]:
        raise ValueError("cr_diffusion: needs sources.enabled = constant_diffusion")
    if params["mesh.nz"] > 1:
        raise ValueError("cr_diffusion: 1D or 2D only (mesh.nz = 1)")
    k, b = _tensor(params)
    s = sim.state
    s.u[IDN] = 1.0
    s.u[IEN] = 1.0
    s.bf[0][...] = params["problem.b0"] * b[0]
    s.bf[1][...] = params["problem.b0"] * b[1]
    s.update_bcc()
    x, y, _ = sim.block.mesh()
    if params["mesh.ny"] == 1:
        y = 0.0 * x
    e0 = exact(x, y, 0.0, params) * np.ones(sim.block.shape)
    s.cr[IEC] = e0
    s0 = params["problem.sigma0"]
    # relaxed flux F = -K.grad E = K.r E / sigma0^2 (in 1D only the x component: grad E is along x)
    s.cr[IFC1] = (k[0, 0] * x + (k[0, 1] * y if params["mesh.ny"] > 1 else 0.0)) * e0 / s0 ** 2
    if params["mesh.ny"] > 1:
        s.cr[IFC1 + 1] = (k[1, 0] * x + k[1, 1] * y) * e0 / s0 ** 2


def analyse(outdir, params):
    """L1 error of E_c relative to the analytic peak, the peak itself, and a figure."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from crplugin.problems._common import centres
    from crplugin.problems.shock_tube import code_fields

    f, info = code_fields(outdir, params, name=NAME)
    t = info["time"]
    x = centres(params, 0)[None, None, :]
    y = centres(params, 1)[None, :, None] if params["mesh.ny"] > 1 else 0.0 * x
    e = f["cr_energy_density"]
    ex = exact(x, y, t, params) * np.ones_like(e)
    result = {"time": t, "cells": int(e.size),
              "L1_error_rel": float(np.mean(np.abs(e - ex)) / ex.max()),
              "peak": float(e.max()), "peak_exact": float(ex.max())}
    result["peak_error_rel"] = result["peak"] / result["peak_exact"] - 1.0
    fig, axes = plt.subplots(1, 2 if params["mesh.ny"] > 1 else 1, figsize=(9, 3.8), constrained_layout=True)
    axes = np.atleast_1d(axes)
    if params["mesh.ny"] > 1:
        im = axes[0].imshow(e[0], origin="lower", extent=[params["mesh.x1min"], params["mesh.x1max"],
                                                          params["mesh.x2min"], params["mesh.x2max"]])
        axes[0].contour(x[0, 0], y[0, :, 0], ex[0], colors="w", linewidths=0.6)
        fig.colorbar(im, ax=axes[0], label=r"$E_c$")
        axes[0].set_title("E_c (colour), exact (white contours)", fontsize=9)
        j = e.shape[1] // 2
        axes[1].plot(x[0, 0], e[0, j], ".", label="crplugin")
        axes[1].plot(x[0, 0], ex[0, j], "k-", lw=1, label="exact")
        axes[1].set_xlabel(f"x (y = {float(y[0, j, 0]):.3g})")
        axes[1].legend(fontsize=8)
    else:
        axes[0].plot(x[0, 0], e[0, 0], ".", label="crplugin")
        axes[0].plot(x[0, 0], ex[0, 0], "k-", lw=1, label="exact")
        axes[0].set_xlabel("x")
        axes[0].legend(fontsize=8)
    fig.suptitle(f"CR diffusion, t = {t:g}: L1/peak = {result['L1_error_rel']:.2e}", fontsize=9)
    png = os.path.join(outdir, f"{NAME}.png")
    fig.savefig(png, dpi=110)
    plt.close(fig)
    result["figure"] = png
    return result
