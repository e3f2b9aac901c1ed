r"""3D stratified-disc CR wind: CRs injected at the midplane lift gas out of a Kuijken-Gilmore disc.

A periodic patch of a galactic disc (x, y horizontal, z vertical), units kpc,
Myr and m_p cm^-3 (``[units]``).  Gravity: the solar-neighbourhood vertical
field of Kuijken & Gilmore (1989), ``g_z = -a1 z/sqrt(z^2 + z0^2) - a2 z``
(``crplugin.source_terms.gravity``).  The initial state is the sum of two
isothermal hydrostatic components, each in exact equilibrium,

.. math::

    \rho = \rho_d e^{-\phi/c_d^2} + \rho_h e^{-\phi/c_h^2},\qquad
    P = c_d^2 \rho_d e^{-\phi/c_d^2} + c_h^2 \rho_h e^{-\phi/c_h^2},

a warm disc (T_d = 1e4 K) and a hot halo (T_h = 1e6 K), threaded by a
vertical field B_z (uniform, so force-free and divergence-free).  CRs are
injected at dP_c/dt inside a sphere of radius R at the midplane (a cluster of
supernovae, ``cr_injection``), stream at the ion Alfven speed along B and
diffuse with kappa_par (``streaming``, ``constant_diffusion``); the gas cools
radiatively with a heating floor that balances the halo (``cooling``).

The analysis (with yt) gives, from the outputs over time, the mass outflow
rate and the CR energy flux through the planes z = +-z_out,

.. math::

    \dot M = \int_{z=\pm z_{out}} \rho\,v_z\,\hat n\cdot\hat z\,dA, \qquad
    \dot E_c = \int (F_{c,z})\,\hat n\cdot\hat z\,dA,

the mass loading :math:`\eta_M = \dot M/\dot M_\star` with the star formation
rate whose supernovae (1e51 erg each, a fraction ``f_cr`` in CRs, one per
``m_per_sn`` solar masses formed) give the injected CR power, the fraction of
the injected CR power that leaves, and horizontally averaged rho, P_c, v_z.
"""
import glob
import math
import os

import numpy as np

from crplugin.params import Param
from crplugin.source_terms.gravity import potential
from crplugin.state import IDN, IEN, IM3

NAME = "disk_wind"
KPC, MYR, M_P, K_B, MSUN, YR = 3.0856775814913673e21, 3.15576e13, 1.67262192369e-24, 1.380649e-16, 1.98892e33, 3.15576e7

PARAMS = {
    "n_disk": Param(1.0, "midplane density of the warm disc [m_p cm^-3]", positive=True),
    "T_disk": Param(1e4, "temperature of the warm disc [K]", positive=True),
    "n_halo": Param(1e-3, "midplane density of the hot halo component [m_p cm^-3]", positive=True),
    "T_halo": Param(1e6, "temperature of the hot halo [K]", positive=True),
    "mu": Param(0.61, "mean molecular weight", positive=True),
    "b_z": Param(1.0, "vertical magnetic field [microgauss]"),
    "z_out": Param(1.5, "height of the planes through which outflow is measured [kpc]", positive=True),
    "f_cr": Param(0.1, "fraction of the supernova energy (1e51 erg) that goes into CRs", positive=True),
    "m_per_sn": Param(100.0, "stellar mass formed per supernova [M_sun]", positive=True),
}

DEFAULTS = {
    "units.length": KPC, "units.mass": M_P * KPC**3, "units.time": MYR,
    "mesh.nx": 8, "mesh.ny": 8, "mesh.nz": 48,
    "mesh.x1min": -0.5, "mesh.x1max": 0.5, "mesh.x2min": -0.5, "mesh.x2max": 0.5,
    "mesh.x3min": -2.0, "mesh.x3max": 2.0,
    "mesh.ix3_bc": "cr_outflow", "mesh.ox3_bc": "cr_outflow",
    "mhd.density_floor": 1e-4, "mhd.pressure_floor": 1e-10,
    "cr.enabled": True, "cr.v_max": 5.0,
    "cr_injection.dPc_dt": 3e-4, "cr_injection.radius": 0.2, "cr_injection.edge_width": 0.05,
    "constant_diffusion.kappa_par": 0.1,
    "cooling.T_balance": 1e6, "cooling.n_H_balance": 7.1e-4,
    "time.tlim": 40.0,
    "output.dt": 5.0,
    "gravity.potential": "disk", "gravity.a1": 1.42e-3, "gravity.a2": 5.49e-4, "gravity.z0": 0.18,
    "sources.enabled": ["gravity", "cr_injection", "streaming", "constant_diffusion", "cooling"],
}


def _sound_speed2(T, mu, units):
    return K_B * T / (mu * M_P) / units.velocity**2


def initialise(sim):
    p = sim.params.section("problem")
    g = sim.params.section("gravity")
    u = sim.units
    gamma = sim.params["mhd.gamma"]
    _, _, z = sim.block.mesh()
    phi = potential(g["potential"], g, 0.0 * z, 0.0, z, ndim=3)
    c2d, c2h = _sound_speed2(p["T_disk"], p["mu"], u), _sound_speed2(p["T_halo"], p["mu"], u)
    rho_n = M_P / u.density  # code density of one m_p per cm^3
    rho_d = p["n_disk"] * rho_n * np.exp(-phi / c2d)
    rho_h = p["n_halo"] * rho_n * np.exp(-phi / c2h)
    rho = np.broadcast_to(rho_d + rho_h, sim.block.shape)
    pres = np.broadcast_to(c2d * rho_d + c2h * rho_h, sim.block.shape)
    b = p["b_z"] * 1e-6 / math.sqrt(4 * math.pi * u.pressure)   # code units: P_m = B^2/2
    s = sim.state
    s.u[IDN] = rho
    s.u[IEN] = pres / (gamma - 1.0) + 0.5 * b * b
    if s.mhd:
        s.bf[2][:] = b
        s.update_bcc()
    if s.cr is not None:
        s.cr[:] = 0.0
        s.cr[0] = 1e-6 * pres  # a trace of CRs (E_c) so that v_A-streaming has a direction


# ---------------------------------------------------------------------------
def _outputs(outdir):
    paths = sorted(glob.glob(os.path.join(outdir, f"{NAME}.[0-9][0-9][0-9][0-9][0-9].h5")))
    if not paths:
        raise ValueError(f"no output of '{NAME}' in '{outdir}'")
    return paths


def _injected_cr_power(params):
    """CR power of the injection region [erg/s]: dP_c/dt / (gamma_c - 1) times its volume."""
    inj = params.section("cr_injection")
    u_p = params["units.mass"] / (params["units.length"] * params["units.time"] ** 2)
    vol = 4.0 / 3.0 * math.pi * (inj["radius"] * params["units.length"]) ** 3
    gamma_c = params["cr.gamma_c"] if "cr.gamma_c" in params else inj["gamma_c"]
    de_dt = inj["dPc_dt"] / (gamma_c - 1.0) * u_p / params["units.time"]
    return de_dt * vol


def profiles(path):
    """Horizontally averaged profiles (cgs) of one output, through yt: z, rho, P_c, v_z, F_c,z."""
    from crplugin import analysis
    ds = analysis.load(path)
    grid = ds.covering_grid(0, ds.domain_left_edge, ds.domain_dimensions)
    z = grid["index", "z"].to_value("cm")[0, 0, :]
    rho = grid["gas", "density"].to_value("g/cm**3")
    vz = grid["gas", "velocity_z"].to_value("cm/s")
    out = {"time": float(ds.current_time.to_value("s")), "z": z,
           "rho": rho.mean(axis=(0, 1)), "v_z": vz.mean(axis=(0, 1)),
           "mass_flux": (rho * vz).mean(axis=(0, 1))}
    if ("gas", "cosmic_ray_pressure") in ds.derived_field_list:
        out["p_c"] = grid["gas", "cosmic_ray_pressure"].to_value("dyn/cm**2").mean(axis=(0, 1))
        out["cr_flux_z"] = grid["gas", "cosmic_ray_flux_z"].to_value("erg/(cm**2*s)").mean(axis=(0, 1))
    area = float((ds.domain_width[0] * ds.domain_width[1]).to_value("cm**2"))
    out["area"] = area
    return out


def outflow(prof, z_out_cm):
    """Mass and CR energy outflow rates through z = +-z_out (outward positive) [g/s, erg/s]."""
    z = prof["z"]
    hi, lo = int(np.argmin(np.abs(z - z_out_cm))), int(np.argmin(np.abs(z + z_out_cm)))
    mdot = prof["area"] * (prof["mass_flux"][hi] - prof["mass_flux"][lo])
    edot = prof["area"] * (prof["cr_flux_z"][hi] - prof["cr_flux_z"][lo]) if "cr_flux_z" in prof else 0.0
    return mdot, edot


def analyse(outdir, params):
    """Mass loading and CR energy flux through z = +-z_out over time; averaged profiles; a figure."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    p = params.section("problem")
    z_out = p["z_out"] * params["units.length"]
    series = []
    for path in _outputs(outdir):
        prof = profiles(path)
        series.append((prof["time"], *outflow(prof, z_out), prof))
    t = np.array([s[0] for s in series]) / (1e6 * YR)
    mdot = np.array([s[1] for s in series]) / MSUN * YR        # M_sun / yr
    edot = np.array([s[2] for s in series])                    # erg / s
    e_inj = _injected_cr_power(params)
    sfr = e_inj / (p["f_cr"] * 1e51) * p["m_per_sn"] * YR      # M_sun / yr
    late = t >= 0.5 * t[-1]
    result = {
        "time_Myr": float(t[-1]),
        "mdot_out_Msun_per_yr": float(mdot[-1]),
        "mdot_out_late_mean": float(mdot[late].mean()),
        "sfr_equiv_Msun_per_yr": float(sfr),
        "mass_loading": float(mdot[late].mean() / sfr),
        "cr_power_injected_erg_s": float(e_inj),
        "cr_power_out_fraction": float(edot[late].mean() / e_inj),
    }
    last = series[-1][3]
    zk = last["z"] / KPC
    fig, axes = plt.subplots(2, 2, figsize=(10, 7), constrained_layout=True)
    axes[0, 0].semilogy(zk, last["rho"] / M_P)
    axes[0, 0].set_ylabel(r"$\langle n\rangle$ [cm$^{-3}$]")
    if "p_c" in last:
        axes[0, 1].semilogy(zk, last["p_c"])
    axes[0, 1].set_ylabel(r"$\langle P_c\rangle$ [dyn cm$^{-2}$]")
    axes[1, 0].plot(zk, last["v_z"] / 1e5)
    axes[1, 0].set_ylabel(r"$\langle v_z\rangle$ [km/s]")
    for ax in (axes[0, 0], axes[0, 1], axes[1, 0]):
        ax.set_xlabel("z [kpc]")
        for s in (-1, 1):
            ax.axvline(s * p["z_out"], color="0.7", lw=0.8)
    axes[1, 1].plot(t, mdot / sfr, "o-", label=r"mass loading $\dot M / \dot M_\star$")
    axes[1, 1].plot(t, edot / e_inj, "s-", label=r"$\dot E_c(z_{out}) / \dot E_{c,inj}$")
    axes[1, 1].set_xlabel("t [Myr]")
    axes[1, 1].legend(fontsize=8)
    fig.suptitle(f"disc CR wind: t = {t[-1]:.3g} Myr, mass loading {result['mass_loading']:.3g}", fontsize=10)
    png = os.path.join(outdir, f"{NAME}.png")
    fig.savefig(png, dpi=110)
    plt.close(fig)
    result["figure"] = png
    return result
