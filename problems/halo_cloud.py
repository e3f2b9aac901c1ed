"""CRs streaming from the disc into a cool halo cloud: the bottleneck (Zweibel 2021 section 6).

Hot halo gas (Zweibel section 6: P_g = 3.2e-13 dyn cm^-2, T = 1.1e6 K, fully
ionised H+He with mu = 0.61, n_He/n_H = 0.1, so rho = 2.15e-27 g cm^-3 and
n_H = 9.2e-4 cm^-3; B = 1 microgauss along x, P_m = 3.97e-14 dyn cm^-2,
v_A/c = 2.0e-4) holds a cool cloud (T = 1e4 K, 110 times denser) in pressure
equilibrium, with a tanh edge; a slab in 1D, a cylinder in 2D, a sphere in 3D
(the same code, ``mesh.ny``/``mesh.nz``).  Optically thin cooling is balanced
at the halo temperature by a heating of 1e-25 erg s^-1 per H atom (source
``cooling``, 9.2e-29 erg cm^-3 s^-1 in the halo).  CRs enter through x_min,
where the CR pressure in the ghosts is ramped up to ``p_cr_in`` (8e-14 dyn
cm^-2, Zweibel's steady upstream value) over ``t_ramp``; they stream at the
ion Alfven speed (``streaming``, self-confinement) and push and heat the gas
(CR exchange on); PA heating (``pa_heating``) and the streaming heating and
CR work rate (``cr_diagnostics``) are written to the outputs.  x_max lets the
CRs stream out (``cr_outflow``); y and z are periodic.

Where the CRs stream into the cloud v_A falls by sqrt(110): the bottleneck.
Steady state along a field line: P_c = P_c,up wherever v_A has fallen along
the flow (the flat plateau upstream and across the cloud, no heating there),
P_c = P_c,up (v_A,min/v_A)^(gamma_c) where it rises again, i.e. P_c ~ rho^(2/3)
behind the cloud (Wiener, Oh & Zweibel 2017; Wiener, Zweibel & Ruszkowski 2019).

Units: physical parameters are cgs (and microgauss); code units are 1 kpc,
1 Myr and m_p kpc^3 (density unit m_p cm^-3, velocity unit 977.8 km/s,
pressure unit 1.599e-8 dyn cm^-2); geometry and times are in code units.
"""
import glob
import math
import os

import numpy as np

from crplugin.constants import C_LIGHT, K_B, KPC, M_P, MYR
from crplugin.params import Param
from crplugin.state import IDN, IEC, IEN
from crplugin.units import CodeUnits

NAME = "halo_cloud"

UNITS = {"units.length": KPC, "units.time": MYR, "units.mass": M_P * KPC**3}

PARAMS = {
    "p_gas": Param(3.2e-13, "gas pressure, halo and cloud [dyn cm^-2]", positive=True),
    "t_halo": Param(1.1e6, "halo temperature [K]", positive=True),
    "t_cloud": Param(1e4, "cloud temperature [K]", positive=True),
    "mu": Param(0.61, "mean molecular weight (fully ionised H+He, n_He/n_H = 0.1)", positive=True),
    "x_h": Param(0.714, "hydrogen mass fraction (n_He/n_H = 0.1)", positive=True),
    "b_uG": Param(1.0, "field along x [microgauss]", positive=True),
    "cloud_radius": Param(0.05, "cloud radius [code length, kpc]", positive=True),
    "cloud_x": Param(0.35, "cloud centre x [code length]"),
    "cloud_y": Param(0.0, "cloud centre y [code length] (2D, 3D)"),
    "cloud_z": Param(0.0, "cloud centre z [code length] (3D)"),
    "cloud_edge": Param(0.01, "width of the tanh edge of the cloud [code length]", positive=True),
    "p_cr_in": Param(8e-14, "CR pressure held at x_min once the ramp is over [dyn cm^-2]", positive=True),
    "t_ramp": Param(5.0, "ramp time of the inflowing CR pressure (sin^2 ramp) [code time]", positive=True),
    "p_cr_init": Param(1e-17, "initial CR pressure [dyn cm^-2]", positive=True),
    "t_cold": Param(1e5, "analysis: gas below this temperature is cloud gas [K]", positive=True),
    "heating_per_H": Param(1e-25, "analysis: background heating per H atom [erg s^-1] "
                           "(the cooling source's Gamma)", positive=True),
}


def halo_density(p):
    """Halo mass density [g cm^-3] from P_g, T_halo, mu."""
    return p["mu"] * M_P * p["p_gas"] / (K_B * p["t_halo"])


def _default_n_h():
    p = {k: v.default for k, v in PARAMS.items()}
    return p["x_h"] * halo_density(p) / M_P


DEFAULTS = {
    **UNITS,
    "mesh.nx": 160, "mesh.ny": 64,
    "mesh.x1min": 0.0, "mesh.x1max": 1.0, "mesh.x2min": -0.2, "mesh.x2max": 0.2,
    "mesh.ix1_bc": "user", "mesh.ox1_bc": "cr_outflow",
    "time.tlim": 30.0, "output.dt": 2.0,
    "cr.enabled": True, "cr.v_max": 1.0, "cr.exchange": True,
    "sources.enabled": ["streaming", "cooling", "pa_heating", "cr_diagnostics"],
    "cooling.n_H_balance": _default_n_h(),
}


# ----------------------------------------------------------------------
# setup

def _check(sim):
    p = sim.params
    if not p["cr.enabled"] or not p["mhd.magnetic"]:
        raise ValueError("halo_cloud: needs cr.enabled = true and mhd.magnetic = true")
    if p["mesh.ix1_bc"] != "user":
        raise ValueError(f"halo_cloud: mesh.ix1_bc must be 'user' (the CR inflow), got '{p['mesh.ix1_bc']}'")
    pp = p.section("problem")
    if pp["t_cloud"] >= pp["t_halo"]:
        raise ValueError(f"halo_cloud: t_cloud = {pp['t_cloud']:g} K must be below t_halo = {pp['t_halo']:g} K")
    if "cooling" in p["sources.enabled"]:
        n_h = pp["x_h"] * halo_density(pp) / M_P
        if abs(p["cooling.n_H_balance"] / n_h - 1.0) > 1e-3:
            raise ValueError(f"halo_cloud: cooling.n_H_balance = {p['cooling.n_H_balance']:.4g} cm^-3 "
                             f"differs from the halo n_H = {n_h:.4g} cm^-3: the halo would not be in "
                             f"thermal balance (set cooling.n_H_balance = {n_h:.6g})")
        for key in ("mu", "t_halo", "x_h"):
            ck = {"mu": "cooling.mu", "t_halo": "cooling.T_balance", "x_h": "cooling.X_H"}[key]
            if abs(p[ck] / pp[key] - 1.0) > 1e-12:
                raise ValueError(f"halo_cloud: {ck} = {p[ck]:g} differs from problem.{key} = {pp[key]:g}")


def cloud_profile(p, x, y, z, ndim):
    """0 in the halo, 1 in the cloud (tanh edge); slab, cylinder or sphere."""
    r2 = (x - p["cloud_x"]) ** 2
    if ndim >= 2:
        r2 = r2 + (y - p["cloud_y"]) ** 2
    if ndim >= 3:
        r2 = r2 + (z - p["cloud_z"]) ** 2
    return 0.5 * (1.0 - np.tanh((np.sqrt(r2) - p["cloud_radius"]) / p["cloud_edge"]))


def initialise(sim):
    _check(sim)
    p = sim.params.section("problem")
    u, s = sim.units, sim.state
    gamma = sim.params["mhd.gamma"]
    ndim = sum(n > 1 for n in sim.grid.shape)
    x, y, z = sim.block.mesh()
    rho_h = halo_density(p) / u.density
    rho_c = rho_h * p["t_halo"] / p["t_cloud"]
    f = np.broadcast_to(cloud_profile(p, x, y, z, ndim), sim.block.shape)
    bx = p["b_uG"] * 1e-6 / u.magnetic_field
    s.u[IDN] = rho_h + (rho_c - rho_h) * f
    s.u[IEN] = p["p_gas"] / u.pressure / (gamma - 1.0) + 0.5 * bx**2
    s.bf[0][:] = bx
    s.update_bcc()
    s.cr[IEC] = p["p_cr_init"] / u.pressure / (sim.params["cr.gamma_c"] - 1.0)


def inflow_pressure(p, t):
    """CR pressure [dyn cm^-2] held at x_min at time t: sin^2 ramp to p_cr_in over t_ramp."""
    ramp = math.sin(0.5 * math.pi * min(t / p["t_ramp"], 1.0)) ** 2
    return p["p_cr_init"] + (p["p_cr_in"] - p["p_cr_init"]) * ramp


def boundary_functions(sim):
    p = sim.params.section("problem")
    to_code = 1.0 / sim.units.pressure / (sim.params["cr.gamma_c"] - 1.0)

    def inflow(state, axis, side):
        # E_c held in the inner ghosts (ramped); the CR flux is copied from the first cell
        blk = state.block
        ng = blk.nghost(0)
        state.cr[IEC][..., :ng] = inflow_pressure(p, state.time) * to_code
    inflow.holds = {("cr", IEC)}   # what it prescribes: the compiled CR step holds it

    return {(0, "inner"): inflow}


# ----------------------------------------------------------------------
# analysis

def _outputs(outdir):
    paths = sorted(glob.glob(os.path.join(outdir, f"{NAME}.[0-9][0-9][0-9][0-9][0-9].h5")))
    if not paths:
        raise ValueError(f"halo_cloud: no output in '{outdir}'")
    return paths


def bottleneck_prediction(v_a, p_up, gamma_c):
    """Steady streaming P_c along a field line (flow along +x): P_c v_A^gamma_c is conserved
    where v_A rises along the flow, P_c stays flat where it has fallen (the bottleneck):
    P_c = p_up (min_{x' <= x} v_A / v_A)^gamma_c."""
    return p_up * (np.minimum.accumulate(v_a) / v_a) ** gamma_c


def _line_index(params, axis, coord):
    n = params[f"mesh.n{'xyz'[axis]}"]
    if n == 1:
        return 0
    lo, hi = params[f"mesh.x{axis + 1}min"], params[f"mesh.x{axis + 1}max"]
    return int(np.clip(np.floor((coord - lo) / (hi - lo) * n), 0, n - 1))


def analyse(outdir, params):
    """Plateau and bottleneck profile along the field line through the cloud, heating totals
    (streaming, PA, background), cloud mass and velocity over time, and a figure."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from crplugin import io
    from crplugin.problems._common import centres

    p = params.section("problem")
    gamma_c = params["cr.gamma_c"]
    u = CodeUnits(params["units.length"], params["units.mass"], params["units.time"])
    shape = tuple(params[f"mesh.n{a}"] for a in "xyz")
    ndim = sum(n > 1 for n in shape)
    dv = float(np.prod([(params[f"mesh.x{a + 1}max"] - params[f"mesh.x{a + 1}min"]) / shape[a]
                        for a in range(3) if shape[a] > 1]))    # code length^ndim
    x = centres(params, 0)

    # cloud mass and centre-of-mass velocity over the outputs
    times, masses, vcm, xcm = [], [], [], []
    for path in _outputs(outdir):
        f, info = io.read_output(path)
        temp = p["mu"] * M_P * f["pressure"] / (f["density"] * K_B)
        cold = temp < p["t_cold"]
        m = f["density"][cold].sum()
        times.append(info["time"])
        masses.append(m * dv * u.length ** ndim)                  # g (per cm^(3-ndim))
        vcm.append((f["density"] * f["velocity_x"])[cold].sum() / m if m > 0 else np.nan)
        xx = np.broadcast_to(x[None, None, :], f["density"].shape)
        xcm.append((f["density"] * xx)[cold].sum() / m if m > 0 else np.nan)
    times, masses, vcm, xcm = map(np.asarray, (times, masses, vcm, xcm))
    t_end = times[-1]

    # the field line through the cloud centre (the last output)
    j, k = _line_index(params, 1, p["cloud_y"]), _line_index(params, 2, p["cloud_z"])
    rho_l = f["density"][k, j]
    pc_l = f["cr_energy_density"][k, j] * (gamma_c - 1.0)
    bmag = np.sqrt(sum(f[f"magnetic_field_{a}"][k, j] ** 2 for a in "xyz"))
    va_l = bmag / np.sqrt(4.0 * math.pi * rho_l)
    # upstream of the cloud: from 3 cloud edge widths past x_min to 3 widths before the front,
    # where the gas density is within 1 % of the halo (an edge width ~ one cloud edge)
    x_front = p["cloud_x"] - p["cloud_radius"] - 3.0 * p["cloud_edge"]
    x0 = params["mesh.x1min"] + 3.0 * p["cloud_edge"]
    up = (x > x0) & (x < min(x_front, p["cloud_x"] - p["cloud_radius"]))
    up &= x < xcm[-1] - p["cloud_radius"] - 3.0 * p["cloud_edge"] if np.isfinite(xcm[-1]) else True
    p_in = inflow_pressure(p, t_end)
    pc_up = pc_l[up]
    p_up = float(np.mean(pc_up)) if up.any() else float("nan")
    pred = bottleneck_prediction(va_l, p_in, gamma_c)
    i_peak = int(np.argmin(va_l))
    x_back = x[i_peak] + p["cloud_radius"] + 3.0 * p["cloud_edge"]
    down = x > x_back

    # heating (erg cm^-3 s^-1): means over the domain and over the halo gas the CRs have reached
    # (T >= t_cold and P_c above 1 % of the inflow value), against the background heating n_H Gamma
    n_h = p["x_h"] * f["density"] / M_P
    background = n_h * p["heating_per_H"]
    temp = p["mu"] * M_P * f["pressure"] / (f["density"] * K_B)
    # heating fields are written by the source terms that compute them; a run without
    # them (e.g. sources.enabled=streaming) gets NaN heating numbers, not an error
    missing = np.full_like(f["density"], np.nan)
    st, pa = f.get("streaming_heating", missing), f.get("pa_heating", missing)
    reached = (temp >= p["t_cold"]) & (f["cr_energy_density"] * (gamma_c - 1.0) > 0.01 * p_in)
    nreach = max(int(reached.sum()), 1)
    pa_reached = float(pa[reached].sum())
    p_c = f["cr_energy_density"] * (gamma_c - 1.0)
    v_a = np.sqrt(sum(f[f"magnetic_field_{a}"] ** 2 for a in "xyz") / (4.0 * math.pi * f["density"]))
    result = {
        "time": float(t_end),
        "ndim": ndim,
        "p_cr_inflow": float(p_in),
        "upstream_plateau": p_up,
        "upstream_flatness": float((pc_up.max() - pc_up.min()) / p_up) if up.any() else float("nan"),
        "upstream_over_inflow": p_up / p_in,
        "cloud_peak_over_inflow": float(pc_l[i_peak] / p_in),
        "downstream_over_prediction": (float(np.mean(pc_l[down]) / np.mean(pred[down]))
                                       if down.any() else float("nan")),
        "downstream_prediction_over_inflow": float(np.mean(pred[down]) / p_in) if down.any() else float("nan"),
        "streaming_heating_mean": float(st.mean()),
        "pa_heating_mean": float(pa.mean()),
        "background_heating_mean": float(background.mean()),
        "halo_fraction_reached": float(reached.mean()),
        "streaming_heating_halo": float(st[reached].sum() / nreach),
        "pa_heating_halo": float(pa_reached / nreach),
        "background_heating_halo": float(background[reached].sum() / nreach),
        "pa_over_background": float(pa.sum() / background.sum()),
        "pa_over_background_halo": float(pa_reached / max(background[reached].sum(), 1e-300)),
        "streaming_over_background": float(st.sum() / background.sum()),
        "streaming_over_background_halo": float(st[reached].sum() / max(background[reached].sum(), 1e-300)),
        "pa_over_streaming": float(pa.sum() / st.sum()) if st.sum() > 0 else float("nan"),
        # effective expansion time of the field where the CRs are: eq 48 solved for tau_B,
        # tau_eff = (4/15)(v_A/c) sum(P_c) / sum(H_pa) (Zweibel's section-6 value: 3.7e12 s)
        # no PA heating: inf; no PA heating field in the output (NaN sum): NaN
        "tau_B_effective_s": (float(4.0 / 15.0 * np.sum((v_a / C_LIGHT * p_c)[reached]) / pa_reached)
                              if pa_reached > 0 else float("inf") if pa_reached == 0 else float("nan")),
        "v_A_over_c_halo": float(np.median(va_l[rho_l < 2 * rho_l.min()]) / C_LIGHT),
        "cloud_mass_final_over_initial": float(masses[-1] / masses[0]),
        "cloud_velocity_kms": float(vcm[-1] / 1e5),
        "cloud_displacement_kpc": float(xcm[-1] - xcm[0]) * u.length / (1e3 * 3.0856775814913673e18),
    }

    # figure
    ncol = 3 if ndim >= 2 else 2
    fig, ax = plt.subplots(1, ncol, figsize=(5.2 * ncol, 4.3), constrained_layout=True)
    xs = x
    ax[0].semilogy(xs, pc_l, lw=2, label=f"P_c along the cloud's field line, t = {t_end:g}")
    ax[0].semilogy(xs, pred, "k--", lw=1.2, label=r"bottleneck: $P_{in}(v_{A,min}/v_A)^{4/3}$")
    ax[0].axhline(p_in, color="0.5", ls=":", lw=1)
    ax[0].set_xlabel("x [kpc]")
    ax[0].set_ylabel(r"$P_c$ [dyn cm$^{-2}$]")
    ax0b = ax[0].twinx()
    ax0b.semilogy(xs, rho_l, color="0.6", lw=1)
    ax0b.set_ylabel(r"$\rho$ [g cm$^{-3}$]", color="0.45")
    ax[0].legend(fontsize=7, loc="lower left")
    ax[0].set_title(f"upstream P_c / P_in = {result['upstream_over_inflow']:.3f}, "
                    f"flatness {result['upstream_flatness']:.2e}", fontsize=9)
    ax[1].plot(times, masses / masses[0], "o-", ms=3, label="cloud mass / initial (T < %.0e K)" % p["t_cold"])
    ax[1].set_xlabel("t [Myr]")
    ax[1].set_ylabel("mass ratio")
    ax1b = ax[1].twinx()
    ax1b.plot(times, vcm / 1e5, "s-", ms=3, color="C1", label="centre-of-mass v_x [km/s]")
    ax1b.set_ylabel(r"$v_{x,cm}$ [km s$^{-1}$]", color="C1")
    ax[1].legend(fontsize=7, loc="lower left")
    ax[1].set_title(f"final v_cm = {result['cloud_velocity_kms']:.3g} km/s", fontsize=9)
    if ndim >= 2 and not np.isfinite(st).all():
        ax[2].set_axis_off()
        ax[2].set_title("no heating fields in the output (sources cr_diagnostics, pa_heating)", fontsize=8)
    elif ndim >= 2:
        y = centres(params, 1)
        with np.errstate(divide="ignore"):
            im = ax[2].pcolormesh(x, y, np.log10(np.maximum(st[k], 1e-40)), shading="auto",
                                  vmin=math.log10(max(float(st.max()), 1e-40)) - 4)
        fig.colorbar(im, ax=ax[2], label=r"log streaming heating [erg cm$^{-3}$ s$^{-1}$]")
        if pa.max() > 0:
            ax[2].contour(x, y, np.log10(np.maximum(pa[k], 1e-45)), 5, colors="w", linewidths=0.6)
        ax[2].contour(x, y, f["density"][k], [math.sqrt(f["density"].min() * f["density"].max())],
                      colors="r", linewidths=0.8)
        ax[2].set_aspect("equal")
        ax[2].set_xlabel("x [kpc]")
        ax[2].set_ylabel("y [kpc]")
        ax[2].set_title(f"halo: PA/background = {result['pa_over_background_halo']:.2e}, "
                        f"streaming/background = {result['streaming_over_background_halo']:.2e}", fontsize=8)
    png = os.path.join(outdir, f"{NAME}.png")
    fig.savefig(png, dpi=110)
    plt.close(fig)
    result["figure"] = png
    return result
