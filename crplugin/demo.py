"""The closures on the halo-cloud bottleneck of Zweibel (2021), section 6.

Run ``python -m crplugin.demo`` (``make run``).  The hot intercloud gas of
Wiener et al. (2019) as used by Zweibel (2021, section 6):

* thermal pressure P_g = 3.2e-13 dyn cm^-2, temperature T = 1.1e6 K,
* B = 1 microgauss (P_m = B^2 / 8 pi = 3.98e-14 dyn cm^-2; the paper prints 3.97e-14),
* fully ionised H + He with n_He/n_H = 0.1, so mu = 1.4 / 2.3 = 0.61 and rho_ion = rho,
* CR pressure injection rate dP_c/dt = 1.67e-25 erg cm^-3 s^-1, steady CR pressure
  P_c = 8.2e-14 dyn cm^-2,
* background heating 9.0e-29 erg cm^-3 s^-1 (1.0e-25 erg s^-1 per H atom).

Every quantity is computed by the public closures of ``crplugin.closures``
(found by name; a closure that is not available is reported, and the rows
that need it are marked n/a) and printed next to the value the paper gives.
Where the paper is wrong (PHYSICS errata), the row says so.
"""
import math
from dataclasses import dataclass, field

import crplugin.closures as closures
from crplugin.constants import C_LIGHT, K_B, KPC, M_P, PC

# Zweibel (2021), section 6
HALO = {
    "P_g": 3.2e-13,        # dyn cm^-2
    "T": 1.1e6,            # K
    "B": 1.0e-6,           # G
    "mu": 0.61,            # fully ionised H+He, n_He/n_H = 0.1
    "He_per_H": 0.1,
    "dPc_dt": 1.67e-25,    # erg cm^-3 s^-1
    "P_c": 8.2e-14,        # dyn cm^-2 (steady state)
    "heating_bg": 9.0e-29,  # erg cm^-3 s^-1
    "a": 4.7,              # CR momentum spectrum f_0 ~ p^-a (Zweibel eq 23)
    "gamma_g": 5.0 / 3.0,
    "gamma_c": 4.0 / 3.0,
    "gamma_m": 2.0,
}


@dataclass
class Row:
    """One line of the table: ``compute(state)`` returns a value in cgs, stored as ``key``."""
    label: str
    key: str
    compute: object
    unit: str = ""            # display unit
    scale: float = 1.0        # cgs value / scale = displayed value
    paper: str = ""
    note: str = ""
    needs: tuple = field(default_factory=tuple)  # closure names used


def _c(name):
    """The public closure ``name``, or None if this build does not provide it."""
    func = getattr(closures, name, None)
    return func if callable(func) and hasattr(func, "driver") else None


class _Missing(Exception):
    """A closure this build does not provide."""


def _call(name, **kwargs):
    func = _c(name)
    if func is None:
        raise _Missing(f"closure {name} not available")
    return float(func(**kwargs))


def _rows():
    h = HALO
    gammas = dict(gamma_g=h["gamma_g"], gamma_c=h["gamma_c"], gamma_m=h["gamma_m"])
    return [
        Row("gas density rho = mu m_p P_g / (k_B T)", "rho",
            lambda s: _call("gas_density", P_g=h["P_g"], T=h["T"], mu=h["mu"]) if _c("gas_density")
            else h["mu"] * M_P * h["P_g"] / (K_B * h["T"]),
            "g cm^-3", 1.0, ""),
        Row("hydrogen density n_H = rho / (1.4 m_p)", "n_H",
            lambda s: s["rho"] / ((1.0 + 4.0 * h["He_per_H"]) * M_P),
            "cm^-3", 1.0, "9.0e-4", "implied by 9.0e-29 / 1.0e-25 per H atom"),
        Row("magnetic pressure P_m = B^2 / 8 pi", "P_m",
            lambda s: h["B"] ** 2 / (8.0 * math.pi), "dyn cm^-2", 1.0, "3.97e-14"),
        Row("Alfven speed v_A (ions: rho_i = rho)", "v_A",
            lambda s: _call("alfven_speed", B=h["B"], rho_ion=s["rho"]),
            "km s^-1", 1e5, "", needs=("alfven_speed",)),
        Row("v_A / c", "vA_over_c", lambda s: s["v_A"] / C_LIGHT, "", 1.0, "2e-4",
            needs=("alfven_speed",)),
        Row("magnetoacoustic speed C_ma (eq 1, P_c = 0)", "C_ma",
            lambda s: _call("magnetoacoustic_speed", P_g=h["P_g"], P_c=0.0, P_m=s["P_m"],
                            rho=s["rho"], **gammas),
            "km s^-1", 1e5, "", needs=("magnetoacoustic_speed",)),
        Row("flux-tube expansion time tau_B (eq 3, P_c = 0)", "tau_B",
            lambda s: _call("flux_tube_expansion_time", P_g=h["P_g"], P_c=0.0, P_m=s["P_m"],
                            dPc_dt=h["dPc_dt"], **gammas),
            "s", 1.0, "3.7e12", needs=("flux_tube_expansion_time",)),
        Row("tau_B with the steady P_c = 8.2e-14", "tau_B_Pc",
            lambda s: _call("flux_tube_expansion_time", P_g=h["P_g"], P_c=h["P_c"], P_m=s["P_m"],
                            dPc_dt=h["dPc_dt"], **gammas),
            "s", 1.0, "", needs=("flux_tube_expansion_time",)),
        Row("PA heating bound H_pa (eq 48, |dlnB/dt| = 1/tau_B(P_c=0))", "H_pa",
            lambda s: _call("pa_heating", v_A=s["v_A"], P_c=h["P_c"], dlnB_dt=1.0 / s["tau_B"]),
            "erg cm^-3 s^-1", 1.0, "1.2e-30", "the paper's evaluation",
            needs=("pa_heating",)),
        Row("H_pa with P_c kept in tau_B (consistent)", "H_pa_ft",
            lambda s: _call("pa_heating_flux_tube", v_A=s["v_A"], P_g=h["P_g"], P_c=h["P_c"],
                            P_m=s["P_m"], dPc_dt=h["dPc_dt"], **gammas),
            "erg cm^-3 s^-1", 1.0, "", "erratum: paper drops P_c in the denominator",
            needs=("pa_heating_flux_tube",)),
        Row("H_pa / background heating", "H_pa_frac",
            lambda s: s["H_pa"] / h["heating_bg"], "%", 1e-2, "> 1 %", "slightly more than 1 %"),
        Row("streaming heating |v_A grad P_c|, grad P_c = P_c / 1 kpc", "H_st",
            lambda s: _call("streaming_heating", v_A=s["v_A"], grad_par_Pc=h["P_c"] / KPC),
            "erg cm^-3 s^-1", 1.0, "", "illustration: no bottleneck, L = 1 kpc",
            needs=("streaming_heating",)),
        Row("spectrum constant C = (a-3)/(a-2), a = 4.7", "C",
            lambda s: _call("spectrum_constant", a=h["a"]), "", 1.0, "0.630",
            needs=("spectrum_constant",)),
        Row("PA threshold Delta P_c / P_c (eq 23)", "pa_thr",
            lambda s: _call("pa_threshold", a=h["a"], vA_over_c=s["vA_over_c"]),
            "", 1.0, "", "= 1.33 v_A/c", needs=("pa_threshold",)),
        Row("threshold in zeta = (5/12) Delta P_c / P_c", "zeta_thr",
            lambda s: _call("zeta_threshold", a=h["a"], vA_over_c=s["vA_over_c"]),
            "", 1.0, "0.55", "erratum: 0.55 v_A/c, not 0.55", needs=("zeta_threshold",)),
        Row("PA scattering rate 2c/(45 v_A tau_B) (eq 57)", "nu_pa",
            lambda s: _call("pa_scattering_rate", v_A=s["v_A"], tau_B=s["tau_B"],
                            anisotropy_factor=1.0),
            "s^-1", 1.0, "6e-9", "erratum: the paper's inputs give 6.0e-11",
            needs=("pa_scattering_rate",)),
        Row("PA mean free path c / nu", "lambda_pa",
            lambda s: _call("pa_mean_free_path", v_A=s["v_A"], tau_B=s["tau_B"],
                            anisotropy_factor=1.0),
            "pc", PC, "1.6", "erratum: 160 pc (follows eq 57)", needs=("pa_mean_free_path",)),
        Row("PA diffusivity kappa_pa = c^2 / (3 nu) (eq 54)", "kappa_pa",
            lambda s: _call("pa_kappa", v_A=s["v_A"], tau_B=s["tau_B"], anisotropy_factor=1.0),
            "cm^2 s^-1", 1.0, "", "erratum: eq 54 drops 45/2 (= 7.5 c v_A tau_B)",
            needs=("pa_kappa",)),
    ]


def evaluate():
    """Return ``(rows, results, missing)``.

    ``results`` maps each row's key to its value (cgs) or to ``("n/a", reason)``;
    ``missing`` lists the closures this build does not provide.
    """
    rows = _rows()
    state, results, missing = {}, {}, set()
    for row in rows:
        for name in row.needs:
            if _c(name) is None:
                missing.add(name)
        try:
            value = row.compute(state)
        except _Missing as exc:
            results[row.key] = ("n/a", exc.args[0])
            continue
        except KeyError as exc:  # an earlier row it depends on is n/a
            results[row.key] = ("n/a", f"needs {exc.args[0]}")
            continue
        except (TypeError, ValueError) as exc:  # the closure's interface differs
            results[row.key] = ("n/a", f"{type(exc).__name__}: {exc}")
            continue
        state[row.key] = value
        results[row.key] = value
    return rows, results, sorted(missing)


def _fmt(value, scale):
    if isinstance(value, tuple):
        return value[0]
    v = value / scale
    return f"{v:.4g}" if 1e-3 <= abs(v) < 1e5 or v == 0 else f"{v:.3e}"


def main():
    rows, results, missing = evaluate()
    print("Cosmic-ray closures for the halo gas of Zweibel (2021), section 6")
    print(f"  P_g = {HALO['P_g']:g} dyn cm^-2, T = {HALO['T']:g} K, B = {HALO['B'] * 1e6:g} microgauss, "
          f"mu = {HALO['mu']} (H+He, n_He/n_H = {HALO['He_per_H']}, fully ionised)")
    print(f"  dP_c/dt = {HALO['dPc_dt']:g} erg cm^-3 s^-1, P_c = {HALO['P_c']:g} dyn cm^-2, "
          f"background heating {HALO['heating_bg']:g} erg cm^-3 s^-1, a = {HALO['a']}")
    print()
    wq = max(len(r.label) for r in rows)
    head = f"{'quantity':<{wq}}  {'value':>11}  {'unit':<15} {'paper':>8}  note"
    print(head)
    print("-" * len(head))
    for r in rows:
        value = results[r.key]
        note = f"({value[1]})" if isinstance(value, tuple) else r.note
        print(f"{r.label:<{wq}}  {_fmt(value, r.scale):>11}  {r.unit:<15} {r.paper:>8}  {note}")
    if missing:
        print(f"\nnot available in this build: {', '.join(missing)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
