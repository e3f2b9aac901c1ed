"""Shock tubes: Sod (exact solution), Brio-Wu (published plateaus), CR-modified (exact two-fluid solution).

``problem.kind`` selects the initial states, split at ``x0`` on [-1, 1]:

* ``sod`` -- Sod (1978): (rho, v, P) = (1, 0, 1) | (0.125, 0, 0.1), compared
  with the exact solution of the gamma-law Riemann problem (Toro ch. 4) for
  the run's ``mhd.gamma`` (1.4 in the classic test);
* ``brio_wu`` -- Brio & Wu (1988): gamma = 2, B_x = 0.75,
  (rho, v, P, B_y) = (1, 0, 1, 1) | (0.125, 0, 0.1, -1); no closed-form
  solution (compound wave), so the plateaus are compared with the values
  published by Brio & Wu (their t = 0.1 on [0, 1] with 800 cells is, by
  self-similarity, t = 0.2 on [-1, 1] with 800 cells);
* ``cr`` -- the CR-modified shock tube (Pfrommer et al. 2006, without CR
  injection): gas (``mhd.gamma``, 5/3) plus CRs (gamma_c = 4/3) advected with
  the gas (no diffusion, no streaming, CR pressure acting on the gas through the
  exchange), compared with the exact two-fluid solution of ``_cr_riemann`` (the
  CRs adiabatic through the shock, equal total pressure at the contact).  The
  two states at rest are parameters, ``problem.rho_l, p_l, pc_l | rho_r, p_r,
  pc_r`` (density, gas and CR pressure; rho and P_g > 0, P_c >= 0), by default
  (1, 1, 2) | (0.2, 0.1, 0.1).  Pfrommer et al. 2006's strong shock (their
  section 4.1, Mach ~ 10 with P_c/P_g = 2 on the left) is
  (1, 6.7e4, 1.3e5) | (0.2, 240, 240): ``CR_STRONG`` below, run by
  ``crplugin run shock_tube problem.kind=cr ... problem.p_l=6.7e4 ...``
  (``docs/cr_shocks.md`` lists its exact plateaus).

The analysis works in the similarity variable (x - x0)/t, so any end time
works while the waves stay inside the box.  Code units (P_m = B^2/2).
"""
import os

import numpy as np

from crplugin.params import Param
from crplugin.state import IDN, IEC, IEN, IM1

NAME = "shock_tube"

# (rho, v_x, P_g, P_c, B_y) on each side, B_x
STATES = {
    "sod": ((1.0, 0.0, 1.0, 0.0, 0.0), (0.125, 0.0, 0.1, 0.0, 0.0), 0.0),
    "brio_wu": ((1.0, 0.0, 1.0, 0.0, 1.0), (0.125, 0.0, 0.1, 0.0, -1.0), 0.75),
    "cr": ((1.0, 0.0, 1.0, 2.0, 0.0), (0.2, 0.0, 0.1, 0.1, 0.0), 0.0),
}
# what each kind needs from the general parameters (checked at set-up)
NEEDS = {
    "sod": {"cr.enabled": False},
    "brio_wu": {"mhd.gamma": 2.0, "mhd.magnetic": True, "cr.enabled": False},
    "cr": {"cr.enabled": True, "cr.exchange": True},
}
COMMAND = {
    "sod": "crplugin run shock_tube",
    "brio_wu": "crplugin run shock_tube problem.kind=brio_wu mhd.gamma=2",
    "cr": "crplugin run shock_tube problem.kind=cr mhd.gamma=1.6666666666666667 cr.enabled=true",
}

# Brio & Wu (1988) plateau values (quoted to 2-4 digits) and windows inside the
# plateaus in the similarity variable (x - x0)/t: behind the left fast rarefaction,
# between compound wave and contact, contact to slow shock, behind the right fast
# rarefaction.
BW_WINDOWS = {"A": (-0.7, -0.4), "B": (0.0, 0.3), "C": (0.9, 1.3), "D": (1.8, 3.0)}
BW_PUBLISHED = {
    "A": {"rho": 0.67623, "vx": 0.63721, "vy": -0.23345},
    "B": {"rho": 0.6962, "p": 0.516, "vx": 0.600, "vy": -1.584},
    "C": {"rho": 0.2352, "p": 0.516, "vx": 0.600, "vy": -1.584},
    "D": {"rho": 0.117, "p": 0.0876, "vx": -0.24, "vy": -0.166},
}

# Pfrommer et al. (2006) strong CR shock tube: (rho, P_g, P_c) left | right, at rest
CR_STRONG = {"rho_l": 1.0, "p_l": 6.7e4, "pc_l": 1.3e5, "rho_r": 0.2, "p_r": 240.0, "pc_r": 240.0}

_CR_LEFT, _CR_RIGHT = STATES["cr"][0], STATES["cr"][1]
PARAMS = {
    "kind": Param("sod", "which shock tube", choices=tuple(STATES)),
    "x0": Param(0.0, "position of the initial discontinuity"),
    # the two states of kind = "cr" (at rest); defaults = STATES["cr"]
    "rho_l": Param(_CR_LEFT[0], "kind=cr: density on the left", positive=True),
    "p_l": Param(_CR_LEFT[2], "kind=cr: gas pressure on the left", positive=True),
    "pc_l": Param(_CR_LEFT[3], "kind=cr: CR pressure on the left (>= 0)"),
    "rho_r": Param(_CR_RIGHT[0], "kind=cr: density on the right", positive=True),
    "p_r": Param(_CR_RIGHT[2], "kind=cr: gas pressure on the right", positive=True),
    "pc_r": Param(_CR_RIGHT[3], "kind=cr: CR pressure on the right (>= 0)"),
}

DEFAULTS = {
    "mesh.nx": 800, "mesh.x1min": -1.0, "mesh.x1max": 1.0,
    "mesh.ix1_bc": "outflow", "mesh.ox1_bc": "outflow",
    "time.tlim": 0.2, "time.cfl": 0.4,
    "mhd.gamma": 1.4,
    "cr.v_max": 50.0,
}


def states(params):
    """``(left, right, B_x)`` of the run: ``STATES[kind]``, the CR states from ``problem.*``."""
    kind = params["problem.kind"]
    if kind != "cr":
        return STATES[kind]
    p = params.section("problem")
    for key in ("pc_l", "pc_r"):
        if not p[key] >= 0.0 or not np.isfinite(p[key]):
            raise ValueError(f"shock_tube: problem.{key} must be a CR pressure >= 0, got {p[key]!r}")
    for key in ("rho_l", "p_l", "rho_r", "p_r"):
        if not np.isfinite(p[key]):
            raise ValueError(f"shock_tube: problem.{key} must be finite, got {p[key]!r}")
    return ((p["rho_l"], 0.0, p["p_l"], p["pc_l"], 0.0), (p["rho_r"], 0.0, p["p_r"], p["pc_r"], 0.0), 0.0)


def _check(params):
    kind = params["problem.kind"]
    states(params)
    bad = [f"{k}={params[k]}" for k, v in NEEDS[kind].items()
           if (abs(params[k] - v) > 1e-12 if isinstance(v, float) else params[k] != v)]
    if kind == "cr" and not params["mhd.gamma"] > params["cr.gamma_c"]:
        bad.append(f"mhd.gamma={params['mhd.gamma']} (must exceed cr.gamma_c = {params['cr.gamma_c']:g})")
    transport = [t for t in params["sources.enabled"] if t != "shock_acceleration"]
    if kind == "cr" and transport:
        bad.append(f"sources.enabled={transport} (the exact solution has no CR transport; only "
                   f"shock_acceleration may be added, and then the exact solution is the eta = 0 reference)")
    if bad:
        want = ", ".join(f"{k}={v}" for k, v in NEEDS[kind].items())
        raise ValueError(f"shock_tube: kind '{kind}' needs {want}; got {', '.join(bad)}. "
                         f"Run e.g.: {COMMAND[kind]}")


def initialise(sim):
    _check(sim.params)
    p = sim.params.section("problem")
    left, right, bx = states(sim.params)
    x, _, _ = sim.block.mesh()
    is_left = x < p["x0"]
    s = sim.state
    w = np.zeros_like(s.u)
    for slot, idx in ((IDN, 0), (IM1, 1), (IEN, 2)):
        w[slot] = np.where(is_left, left[idx], right[idx])
    if sim.mhd_on:
        s.bf[0][...] = bx
        # B_y at the cell centres (constant along y, so div B = 0)
        s.bf[1][...] = np.where(x < p["x0"], left[4], right[4])
        s.update_bcc()
    elif any(st[4] for st in (left, right)) or bx:
        raise ValueError(f"shock_tube: kind '{p['kind']}' has a magnetic field: set mhd.magnetic=true")
    sim.mhd.conserved(w, s)
    if sim.cr_on:
        pc = np.where(is_left, left[3], right[3])
        s.cr[IEC] = pc / (sim.params["cr.gamma_c"] - 1.0)   # F_c = v (E_c + P_c) = 0 at rest


# --------------------------------------------------------------------------
# analysis

def code_fields(outdir, params, name=NAME):
    """Fields of the newest output ``name.NNNNN.h5`` in code units (not cgs), and the output info."""
    from crplugin import io
    from crplugin.problems._common import latest_output
    from crplugin.units import CodeUnits

    path = latest_output(outdir, name)
    fields, info = io.read_output(path)
    kinds = io.output_info(path)["kinds"]
    u = CodeUnits(params["units.length"], params["units.mass"], params["units.time"])
    return {k: v / u.to_cgs(kinds[k])[0] for k, v in fields.items()}, info


def _front(x, q, lo, hi, ahead):
    """Position where q crosses (lo + hi)/2, scanning from the side ``ahead`` (+1: from the right)."""
    mid = 0.5 * (lo + hi)
    above = (q - mid) * np.sign(hi - lo) > 0
    if ahead > 0:
        idx = len(x) - 1 - np.argmax(above[::-1])
        if idx + 1 >= len(x):
            return x[idx]
        # linear interpolation between idx and idx + 1
        return x[idx] + (q[idx] - mid) / (q[idx] - q[idx + 1]) * (x[idx + 1] - x[idx])
    idx = np.argmax(above)
    if idx == 0:
        return x[0]
    return x[idx - 1] + (q[idx - 1] - mid) / (q[idx - 1] - q[idx]) * (x[idx] - x[idx - 1])


def cr_errors(xi, got, sol):
    """Errors of a CR tube against the exact solution ``sol`` (a ``_cr_riemann.CRRiemann``).

    ``xi`` = (x - x0)/t of the cells, ``got`` = {"rho", "pc"[, "v", "pg"]}.  Returns
    ``L1rel_<q>`` = sum|q - q_exact| / sum|q_exact| for each q of ``got``, and
    ``pc_plateau`` / ``rho_plateau``: relative error of the median over the middle
    half of the post-shock plateau (between contact and right shock), where a
    mis-shared shock heating shows as an offset however fine the grid.
    """
    exact = dict(zip(("rho", "v", "pg", "pc"), sol.sample(xi)))
    out = {f"L1rel_{k}": float(np.sum(np.abs(got[k] - exact[k])) / np.sum(np.abs(exact[k])))
           for k in got if k in exact}
    c, s = sol.waves["contact"], sol.waves["right_shock"]
    sel = (xi > c + 0.25 * (s - c)) & (xi < s - 0.25 * (s - c))
    rho_s, _, pc_s = sol.star["right"]
    out["pc_plateau"] = float(np.median(got["pc"][sel]) / pc_s - 1.0)
    out["rho_plateau"] = float(np.median(got["rho"][sel]) / rho_s - 1.0)
    return out


def odd_even(xi, q, sol):
    """Amplitude of an odd-even mode of ``q`` between the left rarefaction tail and the
    contact (middle 80 %), relative to the left star P_c: the third difference
    (q[i-1] - 3 q[i] + 3 q[i+1] - q[i+2]) / 8 is exactly A for q = A (-1)^i, and
    ~ dx^3 |d3q/dx3| / 8 for a smooth profile."""
    tail, c = sol.waves["left_tail"], sol.waves["contact"]
    sel = np.where((xi > tail + 0.1 * (c - tail)) & (xi < c - 0.1 * (c - tail)))[0]
    sel = sel[(sel > 0) & (sel < len(q) - 2)]
    d3 = np.abs(q[sel - 1] - 3 * q[sel] + 3 * q[sel + 1] - q[sel + 2]) / 8
    return float(d3.max() / sol.star["left"][2]) if len(sel) else 0.0


def analyse(outdir, params):
    """Errors against the exact solution (sod, cr) or the published plateaus (brio_wu); a figure."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from crplugin.problems._common import centres

    p = params.section("problem")
    kind = p["kind"]
    f, info = code_fields(outdir, params)
    t = info["time"]
    x = centres(params, 0)
    dx = x[1] - x[0]
    xi = (x - p["x0"]) / t
    gamma = params["mhd.gamma"]
    left, right, _ = states(params)
    got = {"rho": f["density"][0, 0], "vx": f["velocity_x"][0, 0], "p": f["pressure"][0, 0]}
    if "velocity_y" in f:
        got["vy"] = f["velocity_y"][0, 0]
    if "cr_energy_density" in f:
        got["pc"] = f["cr_energy_density"][0, 0] * (params["cr.gamma_c"] - 1.0)
    result = {"kind": kind, "time": t, "cells": len(x)}
    theory = {}
    if kind == "sod":
        from crplugin.problems import _riemann
        L, R = (left[0], left[1], left[2]), (right[0], right[1], right[2])
        theory["rho"], theory["vx"], theory["p"] = _riemann.sample(xi, L, R, gamma)
        ps, us = _riemann.star_state(L, R, gamma)
        ratio = ps / R[2]
        g1 = (gamma - 1) / (gamma + 1)
        rho_shock = R[0] * (ratio + g1) / (g1 * ratio + 1)
        a_r = np.sqrt(gamma * R[2] / R[0])
        x_shock = p["x0"] + t * (R[1] + a_r * np.sqrt((gamma + 1) / (2 * gamma) * ratio + (gamma - 1) / (2 * gamma)))
        result.update(p_star=ps, v_star=us)
        result["shock_position_error_cells"] = (_front(x, got["rho"], R[0], rho_shock, +1) - x_shock) / dx
    elif kind == "cr":
        from crplugin.problems import _cr_riemann
        sol = _cr_riemann.CRRiemann(left[:4], right[:4], gamma_g=gamma, gamma_c=params["cr.gamma_c"])
        theory["rho"], theory["vx"], theory["p"], theory["pc"] = sol.sample(xi)
        result.update(p_star=sol.p_star, v_star=sol.v_star)
        if "right_shock" in sol.waves and "contact" in sol.waves:
            result.update(cr_errors(xi, got, sol))
        if "right_shock" in sol.waves:
            x_shock = p["x0"] + t * sol.waves["right_shock"]
            rho_s = sol.star["right"][0]
            result["shock_position_error_cells"] = (_front(x, got["rho"], right[0], rho_s, +1) - x_shock) / dx
    if theory:
        for var, ref in theory.items():
            result[f"L1_{var}"] = float(np.mean(np.abs(got[var] - ref)))
    if kind == "brio_wu":
        worst = 0.0
        for name, values in BW_PUBLISHED.items():
            lo, hi = BW_WINDOWS[name]
            sel = (xi > lo) & (xi < hi)
            for var, ref in values.items():
                val = float(np.median(got[var][sel]))
                result[f"plateau_{name}_{var}"] = val
                worst = max(worst, abs(val / ref - 1.0))
        result["max_relative_plateau_deviation"] = worst

    names = [v for v in ("rho", "vx", "p", "pc", "vy") if v in got and (v != "vy" or kind == "brio_wu")
             and (v != "pc" or kind == "cr")]
    fig, axes = plt.subplots(1, len(names), figsize=(3.2 * len(names), 3.2), constrained_layout=True)
    labels = {"rho": r"$\rho$", "vx": r"$v_x$", "p": r"$P_g$", "pc": r"$P_c$", "vy": r"$v_y$"}
    for ax, var in zip(np.atleast_1d(axes), names):
        ax.plot(x, got[var], ".", ms=2.5, label=f"crplugin, {len(x)} cells")
        if var in theory:
            ax.plot(x, theory[var], "k-", lw=1, label="exact")
        ax.set_xlabel("x")
        ax.set_title(labels[var])
    if kind == "brio_wu":
        for name, values in BW_PUBLISHED.items():
            lo, hi = BW_WINDOWS[name]
            for ax, var in zip(np.atleast_1d(axes), names):
                if var in values:
                    ax.plot([p["x0"] + lo * t, p["x0"] + hi * t], [values[var]] * 2, "r-", lw=2)
    np.atleast_1d(axes)[0].legend(fontsize=7)
    fig.suptitle(f"shock tube '{kind}', t = {t:g}", fontsize=9)
    png = os.path.join(outdir, f"{NAME}.png")
    fig.savefig(png, dpi=110)
    plt.close(fig)
    result["figure"] = png
    return result
