r"""1D spherical CR-driven galactic wind from an isothermal base, against its steady solution.

Isothermal gas (``mhd.eos = "isothermal"``, sound speed c), a radial field
B = b0 (r0/r)^2, CRs with two-moment transport, gravity of an isothermal
sphere phi = 2 v_g^2 ln r (default) or of a point mass, in a log-spaced
spherical shell r0 < r < r_out (Quataert, Jiang & Thompson 2022; Quataert,
Thompson & Jiang 2022, "QTJ22s").  The base holds rho0, P_c0 and the field;
the velocity there is extrapolated, so the wind picks its own mass flux; the
outer boundary lets gas and CRs leave.  CR transport is chosen by the
registered source terms: none (CRs locked to the gas), ``streaming``,
``constant_diffusion``, or both.

The analysis reports Mdot(r) = 4 pi r^2 rho v and its flatness, v(r) and
v_inf, the sonic point (v^2 = c^2 + dP_c/drho), the exponent of P_c against
rho, the energy loading (wind kinetic power over the CR power at the base)
and compares with the steady transonic solution of the same equations
(``_wind_theory``): the Parker wind (no CRs, exact), CRs locked to the gas
(P_c ~ rho^(4/3), point mass) and streaming with v << v_A (P_c ~ rho^(2/3)).
The fields are averaged over the outputs of the second half of the run
(a steady wind gives its steady state; a CR staircase its time average).
"""
import glob
import math
import os

import numpy as np

from crplugin.params import Param
from crplugin.state import IDN, IEC, IEN, IM1

NAME = "galactic_wind"

PARAMS = {
    "rho0": Param(1.0, "gas density held at the base r0 = mesh.x1min", positive=True),
    "p_c0": Param(0.3, "CR pressure held at the base (0: no CRs)"),
    "b0": Param(3.0, "radial field at the base (B = b0 (r0/r)^2, v_A = B/sqrt(rho))"),
    "v_start": Param(0.1, "initial velocity of the power-law start, uniform [code velocity]"),
    "v_scale": Param(1.0, "steady_solution start: initial velocity = v_scale x the steady wind's "
                          "(1: start on it; 0.5: the wind must find its own mass flux)", positive=True),
    "init": Param("steady_solution", "initial state: power_law (rho0 (r0/r)^2, v_start; far from "
                               "equilibrium, slow) or steady_solution (the analysis's steady wind times "
                               "v_scale in velocity; needs a case the analysis solves)",
                  choices=("power_law", "steady_solution")),
}

DEFAULTS = {
    "mesh.nx": 256, "mesh.x1min": 1.0, "mesh.x1max": 30.0,
    "mesh.x1spacing": "log", "mesh.geometry": "spherical",
    "mesh.ix1_bc": "user", "mesh.ox1_bc": "cr_outflow",
    "mhd.eos": "isothermal", "mhd.iso_sound_speed": 0.5, "mhd.riemann": "hlle",
    "cr.enabled": True, "cr.v_max": 30.0,
    "time.tlim": 40.0, "time.steady_tol": 1e-4, "time.steady_interval": 5.0,
    "output.dt": 5.0,
    "gravity.potential": "isothermal_sphere", "gravity.v_g": 1.0,
    "sources.enabled": ["gravity", "streaming"],
}


def _gamma_c(params):
    return params["cr.gamma_c"] if "cr.gamma_c" in params else 4.0 / 3.0


def _area(grid, r):
    return grid.area1(r) if hasattr(grid, "area1") else r * r


def initialise(sim):
    """power_law: rho = rho0 (r0/r)^2 with a uniform small velocity (a constant mass
    flux), P_c = P_c0 (rho/rho0)^(2/3); steady_solution: rho, v and P_c of the steady
    wind of ``theory_for``.  The radial field is b0 A(r0)/A(r)."""
    p = sim.params.section("problem")
    blk, s = sim.block, sim.state
    r0 = sim.grid.left[0]
    r = blk.centres(0)[None, None, :]
    rho = p["rho0"] * (r0 / r) ** 2
    vel = p["v_start"] + 0.0 * r
    pc = p["p_c0"] * (rho / p["rho0"]) ** (2.0 / 3.0)
    if p["init"] == "steady_solution":
        kind, theory = theory_for(sim.params)
        if theory is None:
            raise ValueError(f"problem.init = 'steady_solution': this configuration has no steady "
                             f"solution in the analysis ({kind or 'diffusion or no potential'})")
        rho = theory.density(r[0, 0])[None, None, :]
        vel = p["v_scale"] * theory.mdot / (4.0 * math.pi * r**2 * rho)
        pc = theory.p_c(rho)
    s.u[IDN] = rho
    s.u[IM1] = rho * vel
    s.u[IEN] = 0.0   # isothermal gas: no energy equation
    if s.mhd:
        if hasattr(s, "set_radial_field"):
            s.set_radial_field(p["b0"], r0)
        else:
            s.bf[0][:] = p["b0"] * (r0 / blk.faces(0)) ** 2
            s.update_bcc()
    if s.cr is not None:
        s.cr[:] = 0.0
        s.cr[IEC] = pc / (_gamma_c(sim.params) - 1.0)


def boundary_functions(sim):
    """The wind base: rho0 and E_c = P_c0/(gamma_c - 1) held at r0, the radial field
    in the ghosts; the momentum (so the mass flux) and the CR flux extrapolated (zero
    gradient): the flow picks its own mass flux.  It declares what it holds, so the
    compiled CR sub-steps apply it without calling back into Python."""
    p = sim.params.section("problem")
    ec0 = p["p_c0"] / (_gamma_c(sim.params) - 1.0)
    r0 = sim.grid.left[0]
    blk = sim.block
    g = blk.nghost(0)
    b_ghost = p["b0"] * _area(sim.grid, np.float64(r0)) / _area(sim.grid, blk.faces(0)[:g])

    r_f = blk.faces(0)[g]                     # the base r0 (the inner face)
    r_c = blk.centres(0)
    # ghost value q_g = q0 (q0/q_1)^w: ln q linear through q0 at the face and the first cell
    w = ((r_f - r_c[:g]) / (r_c[g] - r_f))[None, None, :]

    def base(state, axis, side):
        # rho and E_c are held at rho0, E_c0 *at the face r0* (Dirichlet: ln q extrapolated
        # through the face value and the first cell; holding them at the ghost centres would
        # put the base half a cell inside and bias Mdot by the scale-height gradient).  The
        # momentum (so the mass flux) and F_c keep the zero-gradient copy.
        ghosts = slice(0, g)
        rho1 = state.u[IDN][..., g:g + 1]
        state.u[IDN][..., ghosts] = p["rho0"] * (p["rho0"] / rho1) ** w
        state.u[IEN][..., ghosts] = 0.0
        if state.mhd:
            state.bf[0][..., ghosts] = b_ghost
        if state.cr is not None and ec0 > 0:
            ec1 = np.maximum(state.cr[IEC][..., g:g + 1], 1e-300)
            state.cr[IEC][..., ghosts] = ec0 * (ec0 / ec1) ** w
    base.holds = frozenset({("u", IDN), ("cr", IEC)})
    return {(0, "inner"): base}


# ---------------------------------------------------------------------------
def _outputs(outdir):
    paths = sorted(glob.glob(os.path.join(outdir, f"{NAME}.[0-9][0-9][0-9][0-9][0-9].h5")))
    if not paths:
        raise ValueError(f"no output of '{NAME}' in '{outdir}'")
    return paths


def radii(params):
    """Cell centres (midpoints of the faces) and faces of the global x1 grid."""
    from crplugin.mesh import Grid
    m = params.section("mesh")
    kw = {k: m[k] for k in ("x1spacing", "geometry") if k in m}
    if "flux_tube_scale" in m:
        kw["flux_tube_scale"] = m["flux_tube_scale"] or None
    grid = Grid((m["nx"],), (m["x1min"],), (m["x1max"],), **kw)
    faces = grid.x1_faces(0) if hasattr(grid, "x1_faces") else np.linspace(m["x1min"], m["x1max"], m["nx"] + 1)
    return 0.5 * (faces[1:] + faces[:-1]), grid


def averaged_state(outdir, params, from_fraction=0.5):
    """rho, v, P_c, F_c (code units; unit scales 1) averaged over the outputs in the
    second half of the run (by time), and the list of times used."""
    from crplugin import io
    series = [io.read_output(p) for p in _outputs(outdir)]
    t_end = series[-1][1]["time"]
    use = [(f, i) for f, i in series if i["time"] >= from_fraction * t_end] or series[-1:]
    g_c = _gamma_c(params)

    def mean(key):
        return np.mean([f[key][0, 0] for f, _ in use], axis=0)
    rho = mean("density")
    out = {"rho": rho, "v": mean("velocity_x"), "times": [i["time"] for _, i in use],
           "mdot_density": np.mean([f["density"][0, 0] * f["velocity_x"][0, 0] for f, _ in use], axis=0)}
    if "cr_energy_density" in use[0][0]:
        out["p_c"] = (g_c - 1.0) * mean("cr_energy_density")
        out["f_c"] = mean("cr_flux_x")
        out["p_c_snapshots"] = [(g_c - 1.0) * f["cr_energy_density"][0, 0] for f, _ in use]
        out["rho_snapshots"] = [f["density"][0, 0] for f, _ in use]
    return out


def fit_exponent(rho, p_c, r, r_lo, r_hi):
    """Least-squares slope of ln P_c against ln rho for r_lo < r < r_hi."""
    sel = (r > r_lo) & (r < r_hi) & (p_c > 0) & (rho > 0)
    return float(np.polyfit(np.log(rho[sel]), np.log(p_c[sel]), 1)[0])


def sonic_point(r, v, c2_eff):
    """First radius where v^2 crosses c_eff^2 (linear interpolation), or nan."""
    d = v * v - c2_eff
    idx = np.nonzero((d[:-1] < 0) & (d[1:] >= 0))[0]
    if idx.size == 0:
        return float("nan")
    i = idx[0]
    return float(r[i] - d[i] * (r[i + 1] - r[i]) / (d[i + 1] - d[i]))


def theory_for(params):
    """The steady solution of the same equations, or None (diffusion: not solved here).

    Returns (kind, SteadyWind or Parker tuple)."""
    from crplugin.problems import _wind_theory as wt
    p, g = params.section("problem"), params.section("gravity")
    c = params["mhd.iso_sound_speed"]
    r0 = params["mesh.x1min"]
    enabled = set(params["sources.enabled"])
    if params["mesh.geometry"] != "spherical":
        return None, None   # the steady solutions here are spherical (A = r^2)
    if g["potential"] == "point_mass":
        phi, rdphi = wt.point_mass(g["gm"])
    elif g["potential"] == "isothermal_sphere":
        phi, rdphi = wt.isothermal_sphere(g["v_g"])
    else:
        return None, None
    cr_on = params["cr.enabled"] and p["p_c0"] > 0
    if not cr_on:
        if g["potential"] != "point_mass":
            return None, None
        return "parker", wt.SteadyWind(c, p["rho0"], 0.0, r0, phi, rdphi)
    if "constant_diffusion" in enabled or "power_law_diffusion" in enabled:
        return None, None
    gamma_p = _gamma_c(params) / 2.0 if "streaming" in enabled else _gamma_c(params)
    kind = "streaming (v << v_A)" if "streaming" in enabled else "CRs locked to the gas"
    try:
        return kind, wt.SteadyWind(c, p["rho0"], p["p_c0"], r0, phi, rdphi, gamma_p=gamma_p)
    except ValueError:
        return kind + ": no transonic solution", None


def analyse(outdir, params):
    """Mdot(r) and its flatness, v_inf, sonic point, P_c-rho exponent, energy
    loading, against the steady solution; a figure."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    p = params.section("problem")
    r, grid = radii(params)
    area = _area(grid, r)
    st = averaged_state(outdir, params)
    rho, v = st["rho"], st["v"]
    mdot = 4.0 * math.pi * area * st["mdot_density"]
    inner = slice(2, -4)  # away from the boundary cells
    med = float(np.median(mdot[inner]))
    c = params["mhd.iso_sound_speed"]
    result = {"time_averaged_over": f"{len(st['times'])} outputs, t = {st['times'][0]:.4g}..{st['times'][-1]:.4g}",
              "mdot": med,
              "mdot_flatness": float(np.max(np.abs(mdot[inner] / med - 1.0))),
              "v_inf": float(v[-1]),
              "v_inf_over_c": float(v[-1] / c)}
    c2_eff = c * c + np.zeros_like(r)
    if "p_c" in st:
        pc = st["p_c"]
        dp = np.gradient(pc, r) / np.gradient(rho, r)
        c2_eff = c2_eff + np.maximum(dp, 0.0)
        result["pc_rho_exponent"] = fit_exponent(rho, pc, r, r[2], r[-4])
        f_base = st["f_c"][0] * area[0] * 4.0 * math.pi
        result["energy_loading"] = float(0.5 * med * v[-1] ** 2 / f_base) if f_base > 0 else float("nan")
    result["sonic_point"] = sonic_point(r, v, c2_eff)

    kind, theory = theory_for(params)
    result["theory"] = kind or "none (diffusion or no transonic solution)"
    if theory is not None:
        v_th = theory.velocity(r)
        result["mdot_theory"] = float(theory.mdot)
        result["mdot_error"] = med / theory.mdot - 1.0
        result["v_max_rel_error"] = float(np.max(np.abs(v[inner] / v_th[inner] - 1.0)))
        result["sonic_point_theory"] = float(theory.r_c)
        if theory.p_c0 > 0:
            result["pc_rho_exponent_theory"] = theory.gamma_p

    fig, axes = plt.subplots(2, 2, figsize=(10, 7), constrained_layout=True)
    ax = axes[0, 0]
    ax.loglog(r, rho, label=r"$\rho$")
    if "p_c" in st:
        ax.loglog(r, st["p_c"], label=r"$P_c$")
    if theory is not None:
        ax.loglog(r, theory.density(r), "k--", lw=1, label="steady solution")
        if theory.p_c0 > 0:
            ax.loglog(r, theory.p_c(theory.density(r)), "k:", lw=1)
    ax.set_xlabel("r")
    ax.legend(fontsize=8)
    ax = axes[0, 1]
    ax.semilogx(r, v, label="v")
    ax.semilogx(r, np.sqrt(c2_eff), color="0.6", label=r"$c_{\rm eff}$")
    if theory is not None:
        ax.semilogx(r, theory.velocity(r), "k--", lw=1, label="steady solution")
    ax.set_xlabel("r")
    ax.legend(fontsize=8)
    ax = axes[1, 0]
    ax.semilogx(r, mdot, label=r"$\dot M(r) = 4\pi r^2\rho v$")
    if theory is not None:
        ax.axhline(theory.mdot, color="k", ls="--", lw=1)
    ax.set_xlabel("r")
    ax.legend(fontsize=8)
    ax = axes[1, 1]
    if "p_c" in st:
        for rs, ps in zip(st["rho_snapshots"], st["p_c_snapshots"]):
            ax.loglog(rs, ps, color="0.8", lw=0.6)
        ax.loglog(rho, st["p_c"], lw=2, label="time average")
        for k, style in ((4 / 3, ":"), (2 / 3, "--"), (0.5, "-.")):
            ax.loglog(rho, st["p_c"][0] * (rho / rho[0]) ** k, "k", ls=style, lw=0.8, label=rf"$\rho^{{{k:.3g}}}$")
        ax.set_xlabel(r"$\rho$")
        ax.set_ylabel(r"$P_c$")
        ax.legend(fontsize=8)
    fig.suptitle(f"galactic wind ({result['theory']}): Mdot = {med:.4g}"
                 + (f" (steady solution {theory.mdot:.4g})" if theory is not None else ""), fontsize=10)
    png = os.path.join(outdir, f"{NAME}.png")
    fig.savefig(png, dpi=110)
    plt.close(fig)
    result["figure"] = png
    return result
