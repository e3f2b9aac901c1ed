"""CR-driven instabilities of parallel Alfven waves: streaming (drift-anisotropy)
and pressure-anisotropy (PA) growth rates, PA threshold, the anisotropy parameter
zeta (Zweibel 2021, section 3)."""
from crplugin.closures._wrap import Arg, closure
from crplugin.kernels import instability as _k

__all__ = [
    "spectrum_constant",
    "streaming_growth_rate",
    "pa_growth_rate",
    "pa_threshold",
    "anisotropy_zeta",
    "zeta_threshold",
]

# Power-law index of f_0(p) ~ p^-a: n_c(>p_1) converges only for a > 3; a = 3
# is accepted (C = 0: no growth), steep spectra up to 100.
_A = Arg("", bounds=(3.0, 100.0))
# Delta P_c / P_c with P_c = (2 P_perp + P_par)/3 lies in [-3/2, 3].
_DPP = Arg("", bounds=(-1.5, 3.0))
_VAC = Arg("", bounds=(0.0, 1.0))


@closure(_k.spectrum_constant_array, units="", a=_A)
def spectrum_constant(a):
    r"""Spectrum constant :math:`\mathcal C = (a-3)/(a-2)` of the growth rates.

    Zweibel (2021), below eq 23, for :math:`f_0 \propto p^{-a}`; the same
    constant multiplies the streaming growth rate (eq 19): integrating eq 15
    over :math:`p > p_1` with :math:`n_c(>p_1) = \int_{p_1} f_0 p^2 dp\,d\mu`
    gives :math:`(a-3)/(a-2)` in both cases.  a = 4.7 (local ISM) gives 0.630.

    Parameters
    ----------
    a : float or array_like
        Power-law index of the distribution function, in [3, 100].

    Returns
    -------
    C : float or ndarray
        Dimensionless, in [0, 1).
    """


@closure(_k.streaming_growth_rate_array, units="1/s",
         B=Arg("G"), n_cr=Arg("cm**-3", nonnegative=True), n_ion=Arg("cm**-3", positive=True),
         vD_over_vA=Arg("", nonnegative=True), a=_A)
def streaming_growth_rate(B, n_cr, n_ion, vD_over_vA, a):
    r"""Streaming-instability growth rate
    :math:`\Gamma_{cd} = \frac{\pi}{8}\Omega_0\,\mathcal C\,\frac{n_c(>p_1)}{n_i}
    \left(\frac{v_D}{v_A} - 1\right)`.

    Zweibel (2021) eq 19 (after Kulsrud & Pearce 1969), for a parallel,
    circularly polarised Alfven wave propagating along the CR drift, with
    :math:`\Omega_0 = e|B|/(m_p c)` and :math:`\mathcal C = (a-3)/(a-2)`
    (:func:`spectrum_constant`).  Negative below :math:`v_D = v_A`: the CRs
    then damp the wave.

    Parameters
    ----------
    B : float or array_like
        Field strength [G] (sign ignored).
    n_cr : float or array_like
        Number density of CRs with p > p_1 = m_p Omega_0/k, the ones that
        resonate with the wave [cm^-3], >= 0.
    n_ion : float or array_like
        Thermal ion number density [cm^-3], > 0.
    vD_over_vA : float or array_like
        CR bulk drift speed over the ion Alfven speed, >= 0.
    a : float or array_like
        Power-law index of f_0(p) ~ p^-a, in [3, 100].

    Returns
    -------
    Gamma : float or ndarray
        [s^-1]; changes sign at v_D = v_A.

    Notes
    -----
    Linear theory, ultra-relativistic CRs and protons as the thermal ions,
    drift anisotropy O(v_A/c) (v_D - v_A << c), resonance |mu_r| not << 1.
    """


@closure(_k.pa_growth_rate_array, units="1/s",
         B=Arg("G"), n_cr=Arg("cm**-3", nonnegative=True), n_ion=Arg("cm**-3", positive=True),
         a=_A, dP_over_P=_DPP, vA_over_c=Arg("", positive=True, bounds=(0.0, 1.0)))
def pa_growth_rate(B, n_cr, n_ion, a, dP_over_P, vA_over_c):
    r"""Pressure-anisotropy instability growth rate
    :math:`\Gamma_{cpa} = \frac{\pi}{8}\mathcal C\,\Omega_0\frac{n_c(>p_1)}{n_i}
    \left[\frac{5a(a-2)}{4(a^2-1)}\frac{c}{v_A}\frac{|\Delta P_c|}{P_c} - 1\right]`,
    :math:`\mathcal C = (a-3)/(a-2)`.

    Zweibel (2021) eq 23, with :math:`\Delta P_c = P_\parallel - P_\perp`.  For
    :math:`\Delta P_c > 0` (expanding tube) the unstable modes are the right
    polarised wave going forward and the left polarised wave going backward;
    for :math:`\Delta P_c < 0` (compression) the other pair, with the same
    rate (paper, below eq 22): this returns the rate of the unstable pair, a
    function of :math:`|\Delta P_c|`.  It vanishes at :func:`pa_threshold`
    and is negative (CR damping) below it.

    Parameters
    ----------
    B : float or array_like
        Field strength [G] (sign ignored), through
        :math:`\Omega_0 = e|B|/(m_p c)`.
    n_cr : float or array_like
        Number density of resonant CRs, p > p_1 [cm^-3], >= 0.
    n_ion : float or array_like
        Thermal ion number density [cm^-3], > 0.
    a : float or array_like
        Power-law index of f_0(p) ~ p^-a, in [3, 100].
    dP_over_P : float or array_like
        :math:`(P_\parallel - P_\perp)/P_c`, in [-1.5, 3].
    vA_over_c : float or array_like
        v_A / c, in (0, 1].

    Returns
    -------
    Gamma : float or ndarray
        [s^-1].

    Notes
    -----
    Linear theory for the P_2(mu) anisotropy ansatz (eq 20), small
    anisotropy O(v_A/c), ultra-relativistic CRs, parallel propagation.  In the
    strong-anisotropy limit (drop the -1) it agrees with Lazarian & Beresnyak
    (2006).
    """


@closure(_k.pa_threshold_array, units="", a=_A, vA_over_c=_VAC)
def pa_threshold(a, vA_over_c):
    r"""Threshold anisotropy of the PA instability,
    :math:`\left(\frac{\Delta P_c}{P_c}\right)_{th} = \frac{4(a^2-1)}{5a(a-2)}\frac{v_A}{c}`.

    Zweibel (2021), zero of the bracket of eq 23.  For a = 4.7 it is
    1.33 v_A/c (paper: "~1.3 v_A/c").

    Parameters
    ----------
    a : float or array_like
        Power-law index of f_0(p) ~ p^-a, in [3, 100].
    vA_over_c : float or array_like
        v_A / c, in [0, 1].

    Returns
    -------
    threshold : float or ndarray
        Threshold of :math:`|\Delta P_c|/P_c` (dimensionless).

    Notes
    -----
    Regime of :func:`pa_growth_rate`.
    """


@closure(_k.anisotropy_zeta_array, units="", dP_over_P=_DPP)
def anisotropy_zeta(dP_over_P):
    r"""Anisotropy parameter :math:`\zeta = \frac{5}{12}\frac{\Delta P_c}{P_c}`.

    Zweibel (2021) eq 21, for the ansatz
    :math:`f = f_0 - \zeta p\,(df_0/dp) P_2(\mu)` (eq 20).

    Parameters
    ----------
    dP_over_P : float or array_like
        :math:`(P_\parallel - P_\perp)/P_c`, in [-1.5, 3].

    Returns
    -------
    zeta : float or ndarray
        Dimensionless.

    Notes
    -----
    Ultra-relativistic CRs (v = c in the pressure moments).
    """


@closure(_k.zeta_threshold_array, units="", a=_A, vA_over_c=_VAC)
def zeta_threshold(a, vA_over_c):
    r"""Threshold of :math:`\zeta` for PA instability,
    :math:`\zeta_{th} = \frac{5}{12}\left(\frac{\Delta P_c}{P_c}\right)_{th}
    = \frac{a^2-1}{3a(a-2)}\frac{v_A}{c}`.

    Zweibel (2021), section 3 below eq 23.  Correction: the paper prints the
    threshold as "zeta > 0.55"; it is :math:`\zeta > 0.55\,v_A/c` (a = 4.7:
    0.554 v_A/c), consistent with :math:`\Delta P_c/P_c \sim 1.3 v_A/c` in the
    same sentence.

    Parameters
    ----------
    a : float or array_like
        Power-law index, in [3, 100].
    vA_over_c : float or array_like
        v_A / c, in [0, 1].

    Returns
    -------
    zeta_th : float or ndarray
        Dimensionless.
    """
