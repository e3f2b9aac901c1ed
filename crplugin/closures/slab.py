r"""Cosmic-ray transport in slab Alfven turbulence with cross helicity (Schlickeiser et al. 2019).

Quasilinear Fokker-Planck coefficients of linearly polarised, isospectral slab
Alfven waves (intensity :math:`I(k) \propto k^{-s}` between :math:`k_{min} =
2\pi/\lambda_{max}` and :math:`k_{max}`), the diffusion coefficients of the
diffusion-convection equation derived from them, and the maximum relative
anisotropies.  Notation: :math:`\epsilon = V_A/v`, cross helicity
:math:`H_c = (I_f - I_b)/(I_f + I_b) \in [-1, 1]`, turbulence level
:math:`(\delta B/B_0)^2`, :math:`p_m` the momentum resonant with
:math:`k_{min}` (eq 22).  The CR convection speed :math:`H_c V_A` (eq 34) is
:func:`crplugin.closures.cr_convection_speed`, not repeated here.

Corrections to the paper (implemented, see ``docs/closures.md``):
eq (31) (hard-sphere kappa_zz) is wrong as printed; eq (31)'s
:math:`k_{max}/k_{min}` is 2.16e11, not 1.15e11; eq (32) (kappa_pp) is 2x too
large; eqs (37), (39) read :math:`(2H_c^2 - 1)`.
"""
import math

from crplugin.closures._wrap import Arg, closure
from crplugin.constants import C_LIGHT
from crplugin.kernels import slab as _k

__all__ = [
    "slab_maximum_momentum", "slab_k_ratio", "slab_D0",
    "slab_D_mumu", "slab_D_mup", "slab_D_pp", "slab_K0", "slab_H0",
    "slab_kappa_zz", "slab_kappa_pp",
    "slab_streaming_anisotropy", "slab_compton_getting_anisotropy",
    "slab_streaming_anisotropy_mu", "slab_compton_getting_anisotropy_mu",
]


_MU = Arg("", bounds=(-1.0, 1.0))
_HC = Arg("", bounds=(-1.0, 1.0))
_S = Arg("", bounds=(1.0, 2.0))
# transport coefficients diverge as s -> 2 (kappa_zz ~ 1/(2-s)): declared domain [1, 1.99]
_S_T = Arg("", bounds=(1.0, 1.99))
# the formulas assume k_max >> k_min; the declared domain starts at a decade
_KR = Arg("", bounds=(10.0, math.inf))
_V = Arg("cm/s", positive=True, bounds=(0.0, C_LIGHT))
_VA = Arg("cm/s", nonnegative=True)


@closure(_k.slab_maximum_momentum_array, units="g*cm/s",
         B0=Arg("G", positive=True), lambda_max=Arg("cm", positive=True), Q=Arg(""))
def slab_maximum_momentum(B0, lambda_max, Q=1.0):
    r"""Maximum resonant momentum :math:`p_m = |Q| e B_0/(k_{min} c)`.

    Schlickeiser et al. (2019), eq (22), with :math:`k_{min} = 2\pi/\lambda_{max}`:
    particles with :math:`p > p_m` have no resonant waves.  The paper's
    numerical form :math:`p_m c = 1.5\times10^3 |Q| B_0(\mu G)\,\lambda_{10}` TeV
    is reproduced (1.47e3 TeV).

    Parameters
    ----------
    B0 : float or array_like
        Guide field [G], > 0.
    lambda_max : float or array_like
        Longest Alfven wavelength [cm], > 0.
    Q : float or array_like
        Charge number of the CR (sign ignored).  Default 1 (protons).

    Returns
    -------
    p_m : float or ndarray
        [g cm s^-1].
    """


@closure(_k.slab_k_ratio_array, units="",
         lambda_max=Arg("cm", positive=True), n_i=Arg("cm**-3", positive=True))
def slab_k_ratio(lambda_max, n_i):
    r"""Turbulence range :math:`k_{max}/k_{min} = \lambda_{max}\,\omega_{p,i}/(2\pi c)`.

    Schlickeiser et al. (2019), text after eq (31), with :math:`k_{max} =
    \omega_{p,i}/c` (inverse proton skin depth, :math:`\omega_{p,i} = (4\pi n_i
    e^2/m_p)^{1/2}`).  **Corrected**: this is :math:`2.16\times10^{11}
    \lambda_{10} n_i^{+1/2}` (n_i in cm^-3), so :math:`\ln(k_{max}/k_{min}) =
    26.1 + \ln\lambda_{10} + 0.5\ln n_i`; the paper prints 1.15e11, 28.4 and
    the exponent -1/2 (the ion skin depth shrinks, so :math:`k_{max}` grows,
    with density).

    Parameters
    ----------
    lambda_max : float or array_like
        Longest Alfven wavelength [cm], > 0.
    n_i : float or array_like
        Ion (proton) number density [cm^-3], > 0.

    Returns
    -------
    k_ratio : float or ndarray
        Dimensionless.  Only meaningful when > 1.
    """


@closure(_k.slab_D0_array, units="1/s", v=_V, p_over_pm=Arg("", positive=True, bounds=(0.0, 1.0)),
         s=_S, turbulence_level=Arg("", positive=True), lambda_max=Arg("cm", positive=True),
         k_ratio=_KR)
def slab_D0(v, p_over_pm, s, turbulence_level, lambda_max, k_ratio):
    r"""Scattering-rate normalisation :math:`D_0(p, s)` of the slab Fokker-Planck coefficients.

    Schlickeiser et al. (2019), eqs (24)-(25), here with the exact spectral
    normalisation of eq (19):

    .. math::
        D_0 = \frac{\pi v k_{min}}{8}\left(\frac{\delta B}{B_0}\right)^2
              \left(\frac{p}{p_m}\right)^{s-2}
              \frac{s-1}{1-(k_{min}/k_{max})^{s-1}},\qquad k_{min} = 2\pi/\lambda_{max}.

    For :math:`1 < s < 2` and :math:`k_{max} \gg k_{min}` the last factor is
    the paper's :math:`s-1` (eq 24; the difference is :math:`(k_{min}/k_{max})^{s-1}`,
    3e-8 for s = 5/3 in the ISM); at s = 1 it is :math:`1/\ln(k_{max}/k_{min})`,
    eq (25).  Using it makes D_0 and :func:`slab_kappa_zz` continuous in s.

    Parameters
    ----------
    v : float or array_like
        Particle speed [cm s^-1], 0 < v <= c.
    p_over_pm : float or array_like
        :math:`p/p_m` in (0, 1] (for p > p_m, D_0 = 0: no resonant waves).
    s : float or array_like
        Spectral index, 1 <= s <= 2.
    turbulence_level : float or array_like
        :math:`(\delta B/B_0)^2` > 0 (quasilinear theory: << 1).
    lambda_max : float or array_like
        Longest wavelength [cm].
    k_ratio : float or array_like
        :math:`k_{max}/k_{min}` >= 10, e.g. from :func:`slab_k_ratio` (the
        formulas assume :math:`k_{max} \gg k_{min}`).

    Returns
    -------
    D_0 : float or ndarray
        [s^-1].
    """


@closure(_k.slab_D_mumu_array, units="1/s", mu=_MU, D0=Arg("1/s", nonnegative=True),
         v_A=_VA, v=_V, H_c=_HC, s=_S)
def slab_D_mumu(mu, D0, v_A, v, H_c, s):
    r"""Pitch-angle Fokker-Planck coefficient of linearly polarised slab Alfven waves.

    Schlickeiser et al. (2019), eq (27) (eq 16 with :math:`\sigma_{f,b} = 0`):

    .. math::
        D_{\mu\mu} = D_0 (1-\mu^2)\left[(1+H_c)|\mu-\epsilon|^{s-1}(1-\epsilon\mu)^2
                     + (1-H_c)|\mu+\epsilon|^{s-1}(1+\epsilon\mu)^2\right],
        \quad \epsilon = V_A/v.

    Symmetric under :math:`(\mu, H_c) \to (-\mu, -H_c)`, non-negative, zero at
    :math:`|\mu| = 1`.

    Parameters
    ----------
    mu : float or array_like
        Pitch-angle cosine in [-1, 1].
    D0 : float or array_like
        Normalisation from :func:`slab_D0` [s^-1], >= 0.
    v_A : float or array_like
        Alfven speed [cm s^-1], >= 0.
    v : float or array_like
        Particle speed [cm s^-1], 0 < v <= c.
    H_c : float or array_like
        Cross helicity in [-1, 1].
    s : float or array_like
        Spectral index in [1, 2].

    Returns
    -------
    D_mumu : float or ndarray
        [s^-1].

    Notes
    -----
    Quasilinear, undamped waves, :math:`p \le p_m`, :math:`\delta B \ll B_0`;
    resonance requires :math:`\epsilon < 1` (the approximations of eqs 28-36
    require :math:`\epsilon \ll 1`).
    """


@closure(_k.slab_D_mup_array, units="g*cm/s**2", mu=_MU, p=Arg("g*cm/s", positive=True),
         D0=Arg("1/s", nonnegative=True), v_A=_VA, v=_V, H_c=_HC, s=_S)
def slab_D_mup(mu, p, D0, v_A, v, H_c, s):
    r"""Mixed Fokker-Planck coefficient :math:`D_{\mu p}` of slab Alfven waves.

    Schlickeiser et al. (2019), eq (27):

    .. math::
        D_{\mu p} = D_0 (1-\mu^2)\,\epsilon p\left[(1+H_c)|\mu-\epsilon|^{s-1}(1-\epsilon\mu)
                    - (1-H_c)|\mu+\epsilon|^{s-1}(1+\epsilon\mu)\right].

    Antisymmetric under :math:`(\mu, H_c) \to (-\mu, -H_c)`.

    Parameters
    ----------
    mu, D0, v_A, v, H_c, s
        As :func:`slab_D_mumu`.
    p : float or array_like
        Particle momentum [g cm s^-1], > 0.

    Returns
    -------
    D_mup : float or ndarray
        [g cm s^-2] (momentum per time).
    """


@closure(_k.slab_D_pp_array, units="g**2*cm**2/s**3", mu=_MU, p=Arg("g*cm/s", positive=True),
         D0=Arg("1/s", nonnegative=True), v_A=_VA, v=_V, H_c=_HC, s=_S)
def slab_D_pp(mu, p, D0, v_A, v, H_c, s):
    r"""Momentum Fokker-Planck coefficient :math:`D_{pp}` of slab Alfven waves.

    Schlickeiser et al. (2019), eq (27):

    .. math::
        D_{pp} = D_0 (1-\mu^2)\,\epsilon^2 p^2\left[(1+H_c)|\mu-\epsilon|^{s-1}
                 + (1-H_c)|\mu+\epsilon|^{s-1}\right].

    Non-negative; :math:`D_{pp}D_{\mu\mu} \ge D_{\mu p}^2`.

    Parameters
    ----------
    mu, D0, v_A, v, H_c, s
        As :func:`slab_D_mumu`.
    p : float or array_like
        Particle momentum [g cm s^-1], > 0.

    Returns
    -------
    D_pp : float or ndarray
        [g^2 cm^2 s^-3].
    """


@closure(_k.slab_K0_array, units="s", D0=Arg("1/s", positive=True), s=_S_T)
def slab_K0(D0, s):
    r"""Anisotropy moment :math:`K_0 = \int_{-1}^{1}(1-\mu^2)^2/D_{\mu\mu}\,d\mu \simeq 2/(D_0(2-s)(4-s))`.

    Schlickeiser et al. (2019), eqs (10), (29), lowest order in
    :math:`\epsilon`; :math:`\kappa_{zz} = v^2 K_0/8` (eq 9).

    Parameters
    ----------
    D0 : float or array_like
        Normalisation from :func:`slab_D0` [s^-1], > 0.
    s : float or array_like
        Spectral index in [1, 1.99] (diverges as s -> 2).

    Returns
    -------
    K0 : float or ndarray
        [s].
    """


@closure(_k.slab_H0_array, units="g*cm/s", p=Arg("g*cm/s", positive=True), v_A=_VA, v=_V, H_c=_HC)
def slab_H0(p, v_A, v, H_c):
    r"""Anisotropy moment :math:`H_0 \simeq (4/3)\,\epsilon p H_c`.

    Schlickeiser et al. (2019), eq (29), lowest order in :math:`\epsilon = V_A/v`
    (error :math:`O(\epsilon^3)`); :math:`(1/4p^2)\partial_p(p^2 v H_0) = H_c V_A`
    is the CR convection speed (eq 33).

    Parameters
    ----------
    p : float or array_like
        Particle momentum [g cm s^-1], > 0.
    v_A : float or array_like
        Alfven speed [cm s^-1], >= 0.
    v : float or array_like
        Particle speed [cm s^-1], 0 < v <= c.
    H_c : float or array_like
        Cross helicity in [-1, 1].

    Returns
    -------
    H0 : float or ndarray
        [g cm s^-1].
    """


@closure(_k.slab_kappa_zz_array, units="cm**2/s", v=_V,
         p_over_pm=Arg("", positive=True, bounds=(0.0, 1.0)), s=_S_T,
         turbulence_level=Arg("", positive=True), lambda_max=Arg("cm", positive=True),
         k_ratio=_KR)
def slab_kappa_zz(v, p_over_pm, s, turbulence_level, lambda_max, k_ratio):
    r"""Spatial diffusion coefficient along B in slab Alfven turbulence.

    Schlickeiser et al. (2019), eq (30), :math:`\kappa_{zz} = v^2/(4(2-s)(4-s)D_0)`
    with :func:`slab_D0`:

    .. math::
        \kappa_{zz} = \frac{v\lambda_{max}}{\pi^2 (2-s)(4-s)\,N(s)}
        \left(\frac{B_0}{\delta B}\right)^2\left(\frac{p}{p_m}\right)^{2-s},\quad
        N(s) = \frac{s-1}{1-(k_{min}/k_{max})^{s-1}}.

    For 1 < s < 2, N = s - 1 to 3e-8 (eq 30; coefficient
    :math:`c\lambda_{max}/\pi^2 = 9.4\times10^{28}` cm^2 s^-1 for 10 pc).
    At s = 1 (hard sphere), **corrected eq (31)**:

    .. math::
        \kappa_{zz}(s=1) = \frac{c\lambda_{max}\ln(k_{max}/k_{min})}{3\pi^2}
        \left(\frac{B_0}{\delta B}\right)^2 \beta\,\frac{p}{p_m},

    which is :math:`v^2/(12 D_0)` with eq (25) and the s -> 1 limit of eq (30);
    the paper prints :math:`4v\lambda_{max}/(3\pi^2\ln)` and 4.6e27 cm^2 s^-1.
    Independent of :math:`H_c` for linear polarisation.

    Parameters
    ----------
    v, p_over_pm, s, turbulence_level, lambda_max, k_ratio
        As :func:`slab_D0`, except 1 <= s <= 1.99 (kappa_zz diverges as
        1/(2-s); the declared domain stops at 1.99).

    Returns
    -------
    kappa_zz : float or ndarray
        [cm^2 s^-1].

    Notes
    -----
    Diffusion approximation (:math:`|g| \ll F`), lowest order in
    :math:`\epsilon = V_A/v \ll 1`, :math:`p \le p_m`, quasilinear
    (:math:`\delta B \ll B_0`); diverges as s -> 2.
    """


@closure(_k.slab_kappa_pp_array, units="g**2*cm**2/s**3", p=Arg("g*cm/s", positive=True), v_A=_VA,
         kappa_zz=Arg("cm**2/s", positive=True), H_c=_HC, s=_S_T)
def slab_kappa_pp(p, v_A, kappa_zz, H_c, s):
    r"""Momentum diffusion coefficient of slab Alfven turbulence (corrected eq 32).

    Schlickeiser et al. (2019), eq (32) with the factor 1/2 of eq (9)
    restored (**correction**: the printed eq 32 is 2x too large):

    .. math::
        \kappa_{pp} = \frac{(1-H_c^2)\,V_A^2 p^2}{s(4-s)(4-s^2)\,\kappa_{zz}},

    for s = 1, H_c = 0 the standard :math:`p^2V_A^2/(9\kappa)`.  Vanishes for
    :math:`|H_c| = 1` (one wave direction only: no second-order Fermi
    acceleration).  The same correction applies to the momentum-diffusion
    term of eq (34).

    Parameters
    ----------
    p : float or array_like
        Momentum [g cm s^-1].
    v_A : float or array_like
        Alfven speed [cm s^-1].
    kappa_zz : float or array_like
        Spatial diffusion coefficient [cm^2 s^-1] (:func:`slab_kappa_zz`), > 0.
    H_c : float or array_like
        Cross helicity in [-1, 1].
    s : float or array_like
        Spectral index in [1, 1.99].

    Returns
    -------
    kappa_pp : float or ndarray
        [g^2 cm^2 s^-3].

    Notes
    -----
    Lowest order in :math:`\epsilon`; same regime as :func:`slab_kappa_zz`.
    """


@closure(_k.slab_delta_s_array, units="", kappa_zz=Arg("cm**2/s", nonnegative=True), v=_V, s=_S,
         dlnF_dz=Arg("1/cm"))
def slab_streaming_anisotropy(kappa_zz, v, s, dlnF_dz):
    r"""Maximum relative streaming anisotropy :math:`\delta_s = -(4-s)(\kappa_{zz}/v)\,\partial_z\ln F`.

    Schlickeiser et al. (2019), eq (35) (from eq 13 with eq 28).  Signed: > 0
    means more particles at :math:`\mu = +1` than at :math:`\mu = -1`
    (eq 11 is its absolute value).  Lowest order in :math:`\epsilon`.

    Parameters
    ----------
    kappa_zz : float or array_like
        Spatial diffusion coefficient [cm^2 s^-1], >= 0.
    v : float or array_like
        Particle speed [cm s^-1], 0 < v <= c.
    s : float or array_like
        Spectral index in [1, 2].
    dlnF_dz : float or array_like
        Gradient of ln F along B [cm^-1].

    Returns
    -------
    delta_s : float or ndarray
        Dimensionless.
    """


@closure(_k.slab_delta_c_array, units="", v_A=_VA, v=_V, H_c=_HC, dlnF_dlnp=Arg(""))
def slab_compton_getting_anisotropy(v_A, v, H_c, dlnF_dlnp):
    r"""Maximum relative interstellar Compton-Getting anisotropy :math:`\delta_c`.

    Schlickeiser et al. (2019), eq (36):
    :math:`\delta_c = -\epsilon H_c\,p\,\partial_p\ln F = -(V_A/v)\,H_c\,\partial\ln F/\partial\ln p`.
    For :math:`F \propto p^{-\Gamma}`: :math:`\Gamma H_c V_A/v` (eq 43;
    1.6e-3 :math:`H_c V_A/10^7` cm s^-1 for :math:`\Gamma = 4.7`).  Signed;
    lowest order in :math:`\epsilon`.

    Parameters
    ----------
    v_A : float or array_like
        Alfven speed [cm s^-1], >= 0.
    v : float or array_like
        Particle speed [cm s^-1], 0 < v <= c.
    H_c : float or array_like
        Cross helicity in [-1, 1].
    dlnF_dlnp : float or array_like
        Logarithmic momentum slope of the isotropic distribution (-Gamma for a power law).

    Returns
    -------
    delta_c : float or ndarray
        Dimensionless.
    """


@closure(_k.slab_g_s_array, units="", mu=_MU, kappa_zz=Arg("cm**2/s", nonnegative=True), v=_V, s=_S,
         dlnF_dz=Arg("1/cm"))
def slab_streaming_anisotropy_mu(mu, kappa_zz, v, s, dlnF_dz):
    r"""Relative streaming anisotropy :math:`g_s(\mu)/F = -(4-s)(\kappa_{zz}/v)\,\partial_z\ln F\,|\mu|^{2-s}\,\mathrm{sgn}\,\mu`.

    Schlickeiser et al. (2019), eq (38) (from eq 7 with eq 28; lowest order in
    :math:`\epsilon`).  Integrates to zero over :math:`\mu` (eq 6).

    Parameters
    ----------
    mu : float or array_like
        Pitch-angle cosine in [-1, 1].
    kappa_zz, v, s, dlnF_dz
        As :func:`slab_streaming_anisotropy`.

    Returns
    -------
    g_s_over_F : float or ndarray
        Dimensionless.
    """


@closure(_k.slab_g_c_array, units="", mu=_MU, v_A=_VA, v=_V, H_c=_HC, dlnF_dlnp=Arg(""))
def slab_compton_getting_anisotropy_mu(mu, v_A, v, H_c, dlnF_dlnp):
    r"""Relative Compton-Getting anisotropy :math:`g_c(\mu)/F` to second order in :math:`\epsilon`.

    Schlickeiser et al. (2019), eq (39), **corrected**:

    .. math::
        \frac{g_c}{F} = -\epsilon\,\frac{\partial\ln F}{\partial\ln p}
        \left[H_c\mu + \frac{(2H_c^2-1)\,\epsilon}{2}\left(\mu^2-\frac13\right)\right].

    Two corrections: (2H_c - 1) -> (2H_c^2 - 1) (expansion of
    :math:`(H_c-\epsilon\mu)/(1-2H_c\epsilon\mu+\epsilon^2\mu^2)`, also in
    eq 37); and :math:`\mu^2 - 1 \to \mu^2 - 1/3`, because the paper drops
    the :math:`O(\epsilon^2)` part of the normalisation integral (last line
    of eq 37) while keeping it in the :math:`\mu`-dependent part, which
    violates :math:`\int g\,d\mu = 0` (eq 6).  The :math:`O(\epsilon^2)` term
    inherits the accuracy of eq (28), which is exact only for s = 1; the
    leading term :math:`-\epsilon H_c\mu\,\partial\ln F/\partial\ln p` holds
    for all s.

    Parameters
    ----------
    mu : float or array_like
        Pitch-angle cosine in [-1, 1].
    v_A, v, H_c, dlnF_dlnp
        As :func:`slab_compton_getting_anisotropy`.

    Returns
    -------
    g_c_over_F : float or ndarray
        Dimensionless.
    """
