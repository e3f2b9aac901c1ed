"""CR-driven flux-tube expansion across B (Zweibel 2021 section 2, eqs 1-4 and 48).

A 2D plane (x, y) across a uniform field B along z, in uniform gas.  CR
pressure is injected at the rate dP_c/dt inside a radius R (source term
``cr_injection``, the flux tube); the CRs cannot leave it (no streaming, no
diffusion: nothing varies along B and ``kappa_perp`` = 0), so they
push the gas (CR exchange on) and the tube expands.  For R small enough that the tube
stays in pressure balance (tau_D = R/C_ma << tau_P), the rate inside it is
(Zweibel eqs 1-3)

    dln rho/dt = dlnB/dt = -1/tau_B,   tau_B = rho C_ma^2 / (dP_c/dt)
                                              = (gamma_g P_g + gamma_c P_c + gamma_m P_m) / (dP_c/dt),

the CRs do work at the rate P_c/tau_B = P_c div v (eq 4, diagnostic
``cr_work_rate``), and the pressure-anisotropy heating is at least
(4/15)(v_A/c)|dlnB/dt| P_c (eq 48, source ``pa_heating``, which measures
dlnB/dt from the local velocity gradients), i.e. (4/15) v_A/c of the work.

kappa_perp = 0: no transport across B, as in the paper.  (Before the CR HLL
speeds were floored at the composite sound speed where CRs push the gas, an
odd-even mode grew at the sharp tube edge with kappa_perp = 0; it is gone.)

Units: the problem parameters are physical (cgs, microgauss); the code units
are 1 pc, 1 kyr and m_p pc^3 (density unit m_p cm^-3, velocity unit
977.8 km/s, pressure unit 1.599e-8 dyn cm^-2), so v_A/c
is the true one (2.0e-4 for the defaults, Zweibel section 6).  The source
``cr_injection`` takes its rate and radius in code units (see the input file).
"""
import glob
import math
import os

import numpy as np

from crplugin.constants import C_LIGHT, K_B, M_P, PC, YR
from crplugin.params import Param
from crplugin.state import IDN, IEC, IEN
from crplugin.units import CodeUnits

NAME = "flux_tube"

KYR = 1e3 * YR
UNITS = {"units.length": PC, "units.time": KYR, "units.mass": M_P * PC**3}
_U = CodeUnits(PC, M_P * PC**3, KYR)
DPC_DT_CGS = 1.67e-25          # erg cm^-3 s^-1, Zweibel section 6

PARAMS = {
    "p_gas": Param(3.2e-13, "gas pressure [dyn cm^-2]", positive=True),
    "temperature": Param(1.1e6, "gas temperature [K] (sets the density with mu)", positive=True),
    "mu": Param(0.61, "mean molecular weight (fully ionised H+He, n_He/n_H = 0.1)", positive=True),
    "b_uG": Param(1.0, "field along z [microgauss]", positive=True),
    "p_cr_init": Param(1e-18, "initial CR pressure [dyn cm^-2]", positive=True),
    "settle": Param(5.0, "analysis: skip the first settle x tau_D = R/C_ma (start-up transient)",
                    positive=True),
}

DEFAULTS = {
    **UNITS,
    "mesh.nx": 64, "mesh.ny": 64,
    "mesh.x1min": -2.0, "mesh.x1max": 2.0, "mesh.x2min": -2.0, "mesh.x2max": 2.0,
    "mesh.ix1_bc": "outflow", "mesh.ox1_bc": "outflow",
    "mesh.ix2_bc": "outflow", "mesh.ox2_bc": "outflow",
    "time.tlim": 30.0, "output.dt": 1.0,
    "cr.enabled": True, "cr.v_max": 2.0, "cr.exchange": True,
    "sources.enabled": ["cr_injection", "constant_diffusion", "pa_heating", "cr_diagnostics"],
    "cr_injection.dPc_dt": DPC_DT_CGS / (_U.pressure / _U.time),
    "cr_injection.radius": 0.5,
    # a tiny diffusivity across B (3e22 cm^2/s: one cell in 30 kyr, R^2/kappa = 2500 kyr);
    # with exactly zero an odd-even mode of the CR transport grows at the tube edge after ~15 kyr
    "constant_diffusion.kappa_par": 0.0, "constant_diffusion.kappa_perp": 0.0,
}


def density_cgs(p):
    return p["mu"] * M_P * p["p_gas"] / (K_B * p["temperature"])


def _check(sim):
    g = sim.grid.shape
    if g[1] < 2 or g[2] != 1:
        raise ValueError(f"flux_tube: needs a 2D mesh across B (ny > 1, nz = 1), got nx, ny, nz = {g}")
    if sim.params["mhd.magnetic"] is False or not sim.params["cr.enabled"]:
        raise ValueError("flux_tube: needs mhd.magnetic = true and cr.enabled = true")
    if "cr_injection" not in sim.params["sources.enabled"]:
        raise ValueError("flux_tube: 'cr_injection' must be in sources.enabled")
    dx = max(sim.block.dx[0], sim.block.dx[1])
    if sim.params["cr_injection.radius"] < 4 * dx:
        raise ValueError(f"flux_tube: cr_injection.radius = {sim.params['cr_injection.radius']:g} resolves "
                         f"the tube with fewer than 4 cells (dx = {dx:g})")


def initialise(sim):
    _check(sim)
    p = sim.params.section("problem")
    u, s = sim.units, sim.state
    gamma = sim.params["mhd.gamma"]
    bz = p["b_uG"] * 1e-6 / u.magnetic_field
    s.u[IDN] = density_cgs(p) / u.density
    s.u[IEN] = p["p_gas"] / u.pressure / (gamma - 1.0) + 0.5 * bz**2
    s.bf[2][:] = bz
    s.update_bcc()
    s.cr[IEC] = 3.0 * p["p_cr_init"] / u.pressure


# ----------------------------------------------------------------------
# analysis

def _outputs(outdir):
    paths = sorted(glob.glob(os.path.join(outdir, f"{NAME}.[0-9][0-9][0-9][0-9][0-9].h5")))
    if len(paths) < 3:
        raise ValueError(f"flux_tube: the analysis needs at least 3 outputs in '{outdir}' "
                         f"(set output.dt), found {len(paths)}")
    return paths


def centre_series(outdir, params):
    """Time series (cgs) of the tube-centre averages (r < R/4, at least the 4 central cells)
    over the outputs: the flow is uniform there, while near the tube edge (r > R/2) the
    velocity divergence departs from the centre value by 3-10 %."""
    from crplugin import io
    from crplugin.problems._common import centres

    R = params["cr_injection.radius"]
    x, y = centres(params, 0), centres(params, 1)
    r = np.hypot(x[None, :] - params["cr_injection.x0"], y[:, None] - params["cr_injection.y0"])
    inner = r < max(0.25 * R, r.min() * 1.0000001)
    keys = ("density", "pressure", "magnetic_field_z", "cr_energy_density", "pa_heating",
            "cr_work_rate", "dlnB_dt")
    series = {k: [] for k in keys + ("time",)}
    for path in _outputs(outdir):
        fields, info = io.read_output(path)
        series["time"].append(info["time"])
        for k in keys:
            series[k].append(float(np.mean(fields[k][0][inner])))
    return {k: np.asarray(v) for k, v in series.items()}, (x, y, fields)


def theory_rate(P_g, P_c, P_m, dPc_dt):
    """1/tau_B (Zweibel eq 3 with eq 1) through the closure."""
    from crplugin import closures
    return 1.0 / closures.flux_tube_expansion_time(P_g, P_c, P_m, dPc_dt)


def analyse(outdir, params):
    """tau_B and the PA heating / work ratio at the tube centre against Zweibel eqs 3 and 48."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    u = CodeUnits(params["units.length"], params["units.mass"], params["units.time"])
    p = params.section("problem")
    R = params["cr_injection.radius"]
    w = params["cr_injection.edge_width"] or max(
        (params[f"mesh.x{a}max"] - params[f"mesh.x{a}min"]) / params[f"mesh.n{t}"]
        for a, t in ((1, "x"), (2, "y")))
    # injection rate at the centre (the tanh profile of cr_injection, 1 - O(e^(-2R/w)))
    dpc_dt = params["cr_injection.dPc_dt"] * u.pressure / u.time * 0.5 * (1.0 + math.tanh(R / w))

    s, (x, y, last) = centre_series(outdir, params)
    with np.errstate(divide="ignore", invalid="ignore"):   # the first output has no flow yet
        pa_over_work = s["pa_heating"] / s["cr_work_rate"]
    t = s["time"]                      # outputs store the time in code units
    P_g, B = s["pressure"], np.abs(s["magnetic_field_z"])
    P_c = s["cr_energy_density"] / 3.0
    P_m = B**2 / (8.0 * math.pi)
    rate_th = theory_rate(P_g, P_c, P_m, dpc_dt)                        # 1/tau_B [1/s]

    # start-up transient: a few tube crossing times tau_D = R/C_ma
    rho0 = density_cgs(p)
    cma0 = math.sqrt((params["mhd.gamma"] * p["p_gas"] + 2.0 * (p["b_uG"] * 1e-6) ** 2 / (8 * math.pi)) / rho0)
    tau_d = R * u.length / cma0 / u.time
    steady = t >= p["settle"] * tau_d
    if steady.sum() < 3:
        raise ValueError(f"flux_tube: fewer than 3 outputs after the start-up transient "
                         f"(t >= {p['settle'] * tau_d:.3g} code time); raise time.tlim or lower output.dt")

    # dlnB/dt from B at the centre between consecutive outputs (second order at the midpoints)
    lnb = np.log(B)
    dt_s = np.diff(s["time"]) * u.time
    meas_mid = np.diff(lnb) / dt_s
    th_mid = -0.5 * (rate_th[1:] + rate_th[:-1])
    mid_ok = steady[:-1] & steady[1:]
    ratio_b = meas_mid[mid_ok] / th_mid[mid_ok]
    # dlnB/dt field of the pa_heating source (local velocity gradients) at the outputs
    ratio_field = s["dlnB_dt"][steady] / (-rate_th[steady])
    # PA heating / CR work rate against (4/15) v_A/c
    v_a = B / np.sqrt(4.0 * math.pi * s["density"])
    pa_th = 4.0 / 15.0 * v_a / C_LIGHT
    ratio_pa = pa_over_work[steady] / pa_th[steady]
    # PA heating against eq 48 with tau_B from the measured state
    ratio_pa48 = s["pa_heating"][steady] / (pa_th * P_c * rate_th)[steady]
    # work rate P_c div v against eq 4, P_c / tau_B
    ratio_work = s["cr_work_rate"][steady] / (P_c * rate_th)[steady]

    tau_meas = -1.0 / np.mean(meas_mid[mid_ok])
    tau_th = 1.0 / np.mean(-th_mid[mid_ok])
    result = {
        "time": float(t[-1]),
        "tau_D_over_tau_B": float(tau_d * u.time * rate_th[0]),
        "tau_B_measured_s": float(tau_meas),
        "tau_B_theory_s": float(tau_th),
        "dlnBdt_ratio_mean": float(np.mean(ratio_b)),
        "dlnBdt_ratio_maxdev": float(np.max(np.abs(ratio_b - 1.0))),
        "dlnBdt_field_ratio_mean": float(np.mean(ratio_field)),
        "dlnBdt_field_ratio_maxdev": float(np.max(np.abs(ratio_field - 1.0))),
        "v_A_over_c": float(np.mean((v_a / C_LIGHT)[steady])),
        "pa_over_work": float(np.mean(pa_over_work[steady])),
        "pa_over_work_theory": float(np.mean(pa_th[steady])),
        "pa_ratio_maxdev": float(np.max(np.abs(ratio_pa - 1.0))),
        "pa_eq48_ratio_mean": float(np.mean(ratio_pa48)),
        "pa_eq48_ratio_maxdev": float(np.max(np.abs(ratio_pa48 - 1.0))),
        "work_eq4_ratio_mean": float(np.mean(ratio_work)),
        "work_eq4_ratio_maxdev": float(np.max(np.abs(ratio_work - 1.0))),
        "P_c_over_P_g_final": float(P_c[-1] / P_g[-1]),
    }

    fig, ax = plt.subplots(1, 3, figsize=(14, 4.2), constrained_layout=True)
    tm = 0.5 * (t[1:] + t[:-1])
    ax[0].plot(tm, -meas_mid * u.time, "o", ms=4, label=r"$-\Delta\ln B_z/\Delta t$ at the centre")
    ax[0].plot(t, -s["dlnB_dt"] * u.time, "s", ms=3, mfc="none", label=r"$-d\ln B/dt$ field (velocity gradients)")
    ax[0].plot(t, rate_th * u.time, "k-", label=r"$1/\tau_B$ (Zweibel eq 3, measured state)")
    ax[0].axvline(p["settle"] * tau_d, color="0.6", ls=":", lw=1)
    ax[0].set_xlabel("t [kyr]" if abs(u.time / KYR - 1) < 1e-12 else "t [code]")
    ax[0].set_ylabel("rate [1/code time]")
    ax[0].legend(fontsize=7)
    ax[0].set_title(f"tau_B: measured/theory = {tau_meas / tau_th:.4f}", fontsize=9)
    ax[1].plot(t, pa_over_work / 1e-5, "o", ms=4, label="PA heating / CR work rate")
    ax[1].plot(t, pa_th / 1e-5, "k-", label=r"$(4/15)\,v_A/c$ (eq 48 / eq 4)")
    ax[1].axvline(p["settle"] * tau_d, color="0.6", ls=":", lw=1)
    ax[1].set_xlabel(ax[0].get_xlabel())
    ax[1].set_ylabel(r"ratio [$10^{-5}$]")
    ax[1].legend(fontsize=7)
    ax[1].set_title(f"PA / work over (4/15) v_A/c: max deviation {result['pa_ratio_maxdev']:.2e}", fontsize=9)
    im = ax[2].pcolormesh(x, y, last["cr_energy_density"][0] / 3.0, shading="auto")
    ax[2].contour(x, y, np.abs(last["magnetic_field_z"][0]), 8, colors="w", linewidths=0.6)
    ax[2].add_patch(plt.Circle((params["cr_injection.x0"], params["cr_injection.y0"]), R,
                               fill=False, color="r", ls="--", lw=1))
    ax[2].set_aspect("equal")
    ax[2].set_title(f"P_c [dyn cm^-2] and |B_z| contours, t = {t[-1]:.3g}", fontsize=9)
    fig.colorbar(im, ax=ax[2])
    png = os.path.join(outdir, f"{NAME}.png")
    fig.savefig(png, dpi=110)
    plt.close(fig)
    result["figure"] = png
    return result
