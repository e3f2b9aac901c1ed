"""Linear MHD waves (fast, Alfven, slow) in 1D or along the diagonal in 2D: L1 error against the travelling eigenmode.

Setup of Gardiner & Stone (2005, 2008): background rho = 1, P = 1/gamma,
v = 0, B = (1, sqrt 2, 1/2) in the frame of the wave, so with gamma = 5/3 the
fast, Alfven and slow speeds are exactly 2, 1 and 1/2.  A right-going
eigenmode of amplitude ``amplitude`` (the eigenvector of the primitive 1D MHD
Jacobian, computed here) travels along x (``mesh.ny = 1``) or along the grid
diagonal (``mesh.ny > 1``, unit box, wavelength 1/sqrt 2, face fields from a
vector potential so div B = 0 exactly).  Periodic box.

The analysis compares the last output with the exact travelling wave
delta(x - c t) at its time (one period is ``time.tlim = wavelength/c``):
the root-sum-square of the L1 errors of rho, momentum, energy and B.  The
order of convergence over several runs is ``convergence([dir1, dir2, ...])``
or ``python -m crplugin.problems.linear_wave DIR1 DIR2 ...``.
"""
import os
import sys

import numpy as np

from crplugin.params import Param
from crplugin.state import IDN, IEN, IM1, IM2, IM3

NAME = "linear_wave"
B_WAVE = np.array([1.0, np.sqrt(2.0), 0.5])     # (normal, t1, t2) in the wave frame

PARAMS = {
    "wave": Param("fast", "which wave", choices=("fast", "alfven", "slow")),
    "amplitude": Param(1e-6, "amplitude of the eigenmode (largest component)", positive=True),
}

DEFAULTS = {
    "mesh.nx": 64, "time.tlim": 0.5,          # one period of the fast wave in 1D
    "mhd.gamma": 5.0 / 3.0, "mhd.riemann": "hlld",
}


def eigenmode(wave, gamma):
    """(speed, primitive right eigenvector (rho, v1, v2, v3, P, B2, B3) normalised to max 1)."""
    rho, p = 1.0, 1.0 / gamma
    bx, by, bz = B_WAVE
    a = np.zeros((7, 7))
    a[0, 1] = rho
    a[1, 4], a[1, 5], a[1, 6] = 1 / rho, by / rho, bz / rho
    a[2, 5] = -bx / rho
    a[3, 6] = -bx / rho
    a[4, 1] = gamma * p
    a[5, 1], a[5, 2] = by, -bx
    a[6, 1], a[6, 3] = bz, -bx
    lam, vec = np.linalg.eig(a)
    order = np.argsort(lam.real)[::-1]           # fast, Alfven, slow, entropy(0), ...
    i = order[{"fast": 0, "alfven": 1, "slow": 2}[wave]]
    r = vec[:, i].real
    return float(lam[i].real), r / r[np.argmax(abs(r))]


def geometry(params):
    """(cos a, sin a, wavelength) of the wave vector for this mesh."""
    if params["mesh.ny"] > 1:
        lx = params["mesh.x1max"] - params["mesh.x1min"]
        ly = params["mesh.x2max"] - params["mesh.x2min"]
        if abs(lx - 1.0) > 1e-12 or abs(ly - 1.0) > 1e-12 or params["mesh.nz"] > 1:
            raise ValueError("linear_wave: the 2D oblique wave needs a unit box [0,1]^2 and nz = 1")
        return np.sqrt(0.5), np.sqrt(0.5), np.sqrt(0.5)
    return 1.0, 0.0, params["mesh.x1max"] - params["mesh.x1min"]


def exact(x, y, t, params):
    """Conserved variables (rho, m1, m2, m3, E) and B (3) of the travelling wave at time t."""
    gamma = params["mhd.gamma"]
    speed, r = eigenmode(params["problem.wave"], gamma)
    r = params["problem.amplitude"] * r
    cos_a, sin_a, lam = geometry(params)
    k = 2 * np.pi / lam
    ph = np.sin(k * (x * cos_a + y * sin_a - speed * t))
    rho = 1.0 + r[0] * ph
    v1, v2, v3 = r[1] * ph, r[2] * ph, r[3] * ph
    p = 1.0 / gamma + r[4] * ph
    b1, b2, b3 = B_WAVE[0] + 0 * ph, B_WAVE[1] + r[5] * ph, B_WAVE[2] + r[6] * ph
    vx, vy = v1 * cos_a - v2 * sin_a, v1 * sin_a + v2 * cos_a
    bx, by = b1 * cos_a - b2 * sin_a, b1 * sin_a + b2 * cos_a
    e = p / (gamma - 1) + 0.5 * rho * (vx ** 2 + vy ** 2 + v3 ** 2) + 0.5 * (bx ** 2 + by ** 2 + b3 ** 2)
    return (rho, rho * vx, rho * vy, rho * v3, e), (bx, by, b3)


def initialise(sim):
    params = sim.params
    if not params["mhd.magnetic"]:
        raise ValueError("linear_wave: MHD waves need mhd.magnetic = true")
    gamma = params["mhd.gamma"]
    speed, r = eigenmode(params["problem.wave"], gamma)
    r = params["problem.amplitude"] * r
    cos_a, sin_a, lam = geometry(params)
    k = 2 * np.pi / lam
    blk, s = sim.block, sim.state
    xf, yf = blk.faces(0), blk.faces(1)
    xc = blk.centres(0)
    if params["mesh.ny"] == 1:
        s.bf[0][...] = B_WAVE[0]
        s.bf[1][...] = (B_WAVE[1] + r[5] * np.sin(k * xc))[None, None, :]
    else:
        # A_z = B1 x2' - B2 x1' + delta B2 cos(k x1')/k in the wave frame (x1' along k)
        def a_z(x, y):
            x1, x2 = x * cos_a + y * sin_a, -x * sin_a + y * cos_a
            return B_WAVE[0] * x2 - B_WAVE[1] * x1 + r[5] * np.cos(k * x1) / k
        s.bf[0][...] = ((a_z(xf[None, :], yf[1:, None]) - a_z(xf[None, :], yf[:-1, None])) / blk.dx[1])[None]
        s.bf[1][...] = (-(a_z(xf[None, 1:], yf[:, None]) - a_z(xf[None, :-1], yf[:, None])) / blk.dx[0])[None]
    x, y, _ = blk.mesh()
    s.bf[2][...] = B_WAVE[2] + r[6] * np.sin(k * (x * cos_a + y * sin_a))
    s.update_bcc()
    (rho, m1, m2, m3, _), _ = exact(x, y, 0.0, params)
    w = np.zeros_like(s.u)
    w[IDN] = rho
    w[IM1], w[IM2], w[IM3] = m1 / rho, m2 / rho, m3 / rho
    w[IEN] = 1.0 / gamma + r[4] * np.sin(k * (x * cos_a + y * sin_a))
    sim.mhd.conserved(w, s)


def _errors(outdir):
    """(run parameters, fields in code units, info) of the newest output in ``outdir``."""
    from crplugin import io
    from crplugin.problems._common import latest_output
    from crplugin.problems.shock_tube import code_fields

    params = io.output_info(latest_output(outdir, NAME))["params"]
    f, info = code_fields(outdir, params, name=NAME)
    return params, f, info


def _l1(params, f, t):
    from crplugin.problems._common import centres
    x = centres(params, 0)[None, None, :]
    y = centres(params, 1)[None, :, None] if params["mesh.ny"] > 1 else 0.0 * x
    (rho, m1, m2, m3, e), b = exact(x, y, t, params)
    got_rho = f["density"]
    v = [f[f"velocity_{a}"] for a in "xyz"]
    bb = [f[f"magnetic_field_{a}"] for a in "xyz"]
    gamma = params["mhd.gamma"]
    got_e = f["pressure"] / (gamma - 1) + 0.5 * got_rho * sum(c ** 2 for c in v) + 0.5 * sum(c ** 2 for c in bb)
    errs = [np.mean(abs(got_rho - rho))] + [np.mean(abs(got_rho * v[a] - m)) for a, m in enumerate((m1, m2, m3))]
    errs += [np.mean(abs(got_e - e))] + [np.mean(abs(bb[a] - b[a])) for a in range(3)]
    return float(np.sqrt(np.sum(np.square(errs))))


def analyse(outdir, params):
    """L1 error against the exact travelling wave at the output time, relative to the amplitude; a figure."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from crplugin.problems._common import centres
    from crplugin.problems.shock_tube import code_fields

    f, info = code_fields(outdir, params, name=NAME)
    t = info["time"]
    speed, _ = eigenmode(params["problem.wave"], params["mhd.gamma"])
    _, _, lam = geometry(params)
    err = _l1(params, f, t)
    result = {"wave": params["problem.wave"], "speed": speed, "time": t, "periods": t * speed / lam,
              "cells": params["mesh.nx"], "L1_error": err,
              "L1_error_over_amplitude": err / params["problem.amplitude"]}
    x = centres(params, 0)
    y0 = centres(params, 1)[0] if params["mesh.ny"] > 1 else 0.0
    (rho, *_), _ = exact(x, y0, t, params)
    fig, ax = plt.subplots(figsize=(6, 3.6), constrained_layout=True)
    amp = params["problem.amplitude"]
    ax.plot(x, (f["density"][0, 0] - 1) / amp, ".", label=f"crplugin, {len(x)} cells")
    ax.plot(x, (rho - 1) / amp, "k-", lw=1, label="exact travelling wave")
    ax.set_xlabel("x" + (f" (y = {y0:.3g})" if params["mesh.ny"] > 1 else ""))
    ax.set_ylabel(r"$\delta\rho$ / amplitude")
    ax.legend(fontsize=8)
    ax.set_title(f"{params['problem.wave']} wave, t = {t:g}: L1 = {err:.3g}", fontsize=9)
    png = os.path.join(outdir, f"{NAME}.png")
    fig.savefig(png, dpi=110)
    plt.close(fig)
    result["figure"] = png
    return result


def convergence(outdirs):
    """L1 errors of several runs (read from their outputs) and the orders between successive ones."""
    rows = []
    for d in outdirs:
        params, f, info = _errors(d)
        rows.append((params["mesh.nx"], _l1(params, f, info["time"])))
    rows.sort()
    orders = [float(np.log(e0 / e1) / np.log(n1 / n0)) for (n0, e0), (n1, e1) in zip(rows, rows[1:])]
    return {"cells": [n for n, _ in rows], "L1_errors": [e for _, e in rows], "orders": orders}


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit("usage: python -m crplugin.problems.linear_wave OUTDIR1 OUTDIR2 [...]")
    try:
        res = convergence(sys.argv[1:])
    except (ValueError, OSError) as exc:
        sys.exit(f"linear_wave: {exc}")
    for n, e in zip(res["cells"], res["L1_errors"]):
        print(f"  {n:6d} cells: L1 = {e:.4e}")
    print("  orders:", " ".join(f"{o:.2f}" for o in res["orders"]))
