"""Scattering rates and spatial diffusion of self-confined CRs (drift and
pressure-anisotropy confinement, Zweibel 2021 sections 5-6), wave damping rates,
and the growth = damping balance of self-confinement."""
from crplugin.closures._wrap import Arg, closure
from crplugin.kernels import scattering as _k

__all__ = [
    "kappa_from_scattering_rate",
    "scattering_rate_from_kappa",
    "scattering_mean_free_path",
    "drift_kappa",
    "drift_scattering_rate",
    "pa_anisotropy_factor",
    "pa_scattering_rate",
    "pa_kappa",
    "pa_mean_free_path",
    "pa_scattering_rate_nld",
    "ion_neutral_damping_rate",
    "nonlinear_landau_damping_rate",
    "turbulent_damping_rate",
    "self_confined_drift_excess",
    "self_confined_drift_speed",
    "self_confined_kappa",
]

_V = Arg("cm/s", nonnegative=True)
_VPOS = Arg("cm/s", positive=True)
_RATE = Arg("1/s", positive=True)


@closure(_k.kappa_from_scattering_rate_array, units="cm**2/s", v=_V, nu=_RATE)
def kappa_from_scattering_rate(v, nu):
    r"""Parallel diffusion coefficient of isotropic pitch-angle scattering,
    :math:`\kappa_\parallel = v^2/(3\nu)`.

    Exact quasilinear result for :math:`D_{\mu\mu} = \nu(1-\mu^2)/2`
    (Zweibel 2021 eq 27): :math:`\kappa = \frac{v^2}{8}\int_{-1}^{1}
    \frac{(1-\mu^2)^2}{D_{\mu\mu}}d\mu = v^2/(3\nu)`.  Correction: Zweibel
    (2021) section 5 uses :math:`\kappa \sim v^2/\nu` as an order-of-magnitude
    relation; this package keeps the factor 1/3 everywhere.

    Parameters
    ----------
    v : float or array_like
        Particle speed [cm s^-1], >= 0 (c for ultra-relativistic CRs).
    nu : float or array_like
        Pitch-angle scattering frequency [s^-1], > 0.

    Returns
    -------
    kappa : float or ndarray
        [cm^2 s^-1].

    Notes
    -----
    Diffusive regime: mean free path v/nu much shorter than the gradient scale.
    """


@closure(_k.scattering_rate_from_kappa_array, units="1/s",
         v=_V, kappa=Arg("cm**2/s", positive=True))
def scattering_rate_from_kappa(v, kappa):
    r"""Scattering frequency giving a parallel diffusivity,
    :math:`\nu = v^2/(3\kappa_\parallel)` (inverse of
    :func:`kappa_from_scattering_rate`).

    Parameters
    ----------
    v : float or array_like
        Particle speed [cm s^-1], >= 0.
    kappa : float or array_like
        Parallel diffusion coefficient [cm^2 s^-1], > 0.

    Returns
    -------
    nu : float or ndarray
        [s^-1].
    """


@closure(_k.scattering_mean_free_path_array, units="cm", v=_V, nu=_RATE)
def scattering_mean_free_path(v, nu):
    r"""Scattering mean free path :math:`\lambda = v/\nu`.

    The definition of Zweibel (2021) below eq 32 (:math:`\lambda \equiv v/\nu`),
    used for the mean free paths quoted in section 6 (eq 57: about 160 pc
    after correction; eq 60: 0.26 pc for nu = 3.7e-8 s^-1).

    Parameters
    ----------
    v : float or array_like
        Particle speed [cm s^-1], >= 0.
    nu : float or array_like
        Scattering frequency [s^-1], > 0.

    Returns
    -------
    lambda : float or ndarray
        [cm].
    """


@closure(_k.drift_kappa_array, units="cm**2/s",
         v_A=_V, L=Arg("cm", positive=True), drift_excess=Arg("", nonnegative=True))
def drift_kappa(v_A, L, drift_excess):
    r"""Diffusivity of CRs self-confined by the streaming instability,
    :math:`\kappa_d = v_A L\left(\frac{v_D}{v_A} - 1\right)`.

    Zweibel (2021) eq 52, which the paper writes as an order-of-magnitude
    relation :math:`\kappa_d \sim v^2/\nu \sim v_A L (v_D/v_A - 1)`.  Taken
    here as the definition of the diffusivity relative to the waves: the CR
    number flux in the wave frame is Fickian,
    :math:`n_c (v_D - v_A) = \kappa_d\,|\partial n_c/\partial s|`, so with
    :math:`L = n_c/|\partial n_c/\partial s|` the relation is exact.  The
    scattering frequency follows with the exact QLT factor,
    :math:`\nu_d = v^2/(3\kappa_d)` (:func:`drift_scattering_rate`).

    Paper check (section 5): kappa = 3e28 cm^2 s^-1 with v_A = 100 km s^-1 and
    L = 1 kpc needs :math:`v_D/v_A - 1 \approx 1` (0.97).

    Parameters
    ----------
    v_A : float or array_like
        Ion Alfven speed [cm s^-1], >= 0.
    L : float or array_like
        Gradient length of the resonant CRs along B [cm], > 0.
    drift_excess : float or array_like
        :math:`v_D/v_A - 1`, >= 0 (see :func:`self_confined_drift_excess`).

    Returns
    -------
    kappa_d : float or ndarray
        [cm^2 s^-1].

    Notes
    -----
    Short mean free path, anisotropy O(v_A/c), steady streaming.
    """


@closure(_k.drift_scattering_rate_array, units="1/s",
         v=_V, v_A=_VPOS, L=Arg("cm", positive=True), drift_excess=Arg("", positive=True))
def drift_scattering_rate(v, v_A, L, drift_excess):
    r"""Scattering frequency of streaming-confined CRs,
    :math:`\nu_d = \frac{v^2}{3 v_A L (v_D/v_A - 1)}`.

    Zweibel (2021) eqs 52-53 with the exact QLT relation
    :math:`\kappa = v^2/(3\nu)` (correction of the paper's
    :math:`\kappa \sim v^2/\nu`, which is 3x larger).

    Parameters
    ----------
    v : float or array_like
        Particle speed [cm s^-1], >= 0.
    v_A : float or array_like
        Ion Alfven speed [cm s^-1], > 0.
    L : float or array_like
        CR gradient length along B [cm], > 0.
    drift_excess : float or array_like
        :math:`v_D/v_A - 1`, > 0.

    Returns
    -------
    nu_d : float or ndarray
        [s^-1].
    """


@closure(_k.pa_anisotropy_factor_array, units="",
         dP_over_P=Arg("", bounds=(-1.5, 3.0)), vA_over_c=Arg("", positive=True, bounds=(0.0, 1.0)))
def pa_anisotropy_factor(dP_over_P, vA_over_c):
    r"""Anisotropy factor of PA confinement,
    :math:`X = \frac{c}{v_A}\frac{\Delta P_c}{P_c} - 1`.

    The bracket of Zweibel (2021) eqs 54-57 (eq 23 with the order-unity
    spectral factors dropped).  Wave growth requires X > 0; Zweibel expects
    X of order unity when growth balances damping.

    Parameters
    ----------
    dP_over_P : float or array_like
        :math:`(P_\parallel - P_\perp)/P_c`, in [-1.5, 3].
    vA_over_c : float or array_like
        v_A / c, in (0, 1].

    Returns
    -------
    X : float or ndarray
        Dimensionless, >= -1.
    """


_PA = dict(v_A=_VPOS, tau_B=Arg("s", positive=True), anisotropy_factor=Arg("", positive=True))
_PA0 = dict(v_A=_V, tau_B=Arg("s", positive=True), anisotropy_factor=Arg("", nonnegative=True))


@closure(_k.pa_scattering_rate_array, units="1/s", **_PA)
def pa_scattering_rate(v_A, tau_B, anisotropy_factor):
    r"""Scattering frequency of CRs confined by the PA instability,
    :math:`\nu_{pa} = \frac{2c}{45\,v_A\tau_B\,X}`.

    Zweibel (2021) eq 57, from the P_2 moment of the Fokker-Planck equation
    (eqs 42 and 56), :math:`\nu X \sim 2c/(45 v_A \tau_B)`.

    Correction: with the paper's own section-6 inputs (v_A/c = 2.0e-4,
    tau_B = 3.67e12 s) the right side is 6.0e-11 s^-1, not 6e-9 s^-1 as
    printed, and the mean free path for X = 1 is about 160 pc, not 1.6 pc
    (:func:`pa_mean_free_path`).

    Parameters
    ----------
    v_A : float or array_like
        Ion Alfven speed [cm s^-1], > 0.
    tau_B : float or array_like
        Field-change time |B/(dB/dt)| [s], > 0 (:func:`flux_tube_expansion_time`).
    anisotropy_factor : float or array_like
        X > 0 (:func:`pa_anisotropy_factor`).

    Returns
    -------
    nu_pa : float or ndarray
        [s^-1].

    Notes
    -----
    Ultra-relativistic CRs (v = c).  nu here is an average weighted by
    mu(1-mu^2); order-of-magnitude in X (spectral factors of eq 23 dropped).
    """


@closure(_k.pa_kappa_array, units="cm**2/s", **_PA0)
def pa_kappa(v_A, tau_B, anisotropy_factor):
    r"""Diffusivity of PA-confined CRs,
    :math:`\kappa_{pa} = \frac{c^2}{3\nu_{pa}} = \frac{15}{2}\,c\,v_A\tau_B X`.

    Zweibel (2021) eq 54, corrected.  The paper prints
    :math:`\kappa_{pa} \sim v v_A\tau_B X`; deriving it from eq 57 the same way
    gives :math:`\kappa = v^2/\nu = \frac{45}{2} c v_A \tau_B X` (the printed
    form drops 45/2), and the exact QLT relation :math:`\kappa = v^2/(3\nu)`
    divides that by 3.

    Parameters
    ----------
    v_A : float or array_like
        Ion Alfven speed [cm s^-1], >= 0.
    tau_B : float or array_like
        Field-change time [s], > 0.
    anisotropy_factor : float or array_like
        X >= 0.

    Returns
    -------
    kappa_pa : float or ndarray
        [cm^2 s^-1].

    Notes
    -----
    Regime of :func:`pa_scattering_rate`.  Larger than the drift-confinement
    kappa by ~ c/v_A for comparable driving (Zweibel 2021 section 5).
    """


@closure(_k.pa_mean_free_path_array, units="cm", **_PA0)
def pa_mean_free_path(v_A, tau_B, anisotropy_factor):
    r"""Mean free path of PA-confined CRs,
    :math:`\lambda_{pa} = c/\nu_{pa} = \frac{45}{2} v_A\tau_B X`.

    Zweibel (2021) eq 55, corrected: the paper prints
    :math:`\lambda_{pa}/(v_A\tau_B) \sim X`, dropping the factor 45/2 that
    eq 57 carries.  Section 6 inputs (v_A/c = 2.0e-4, tau_B = 3.67e12 s, X = 1)
    give about 160 pc (the paper prints 1.6 pc, from its 100x too large nu).

    Parameters
    ----------
    v_A : float or array_like
        Ion Alfven speed [cm s^-1], >= 0.
    tau_B : float or array_like
        Field-change time [s], > 0.
    anisotropy_factor : float or array_like
        X >= 0.

    Returns
    -------
    lambda_pa : float or ndarray
        [cm].
    """


@closure(_k.pa_scattering_rate_nld_array, units="1/s",
         B=Arg("G"), tau_B=Arg("s", positive=True), n_cr=Arg("cm**-3", nonnegative=True),
         n_ion=Arg("cm**-3", positive=True), v_ion=_VPOS, v_A=_VPOS)
def pa_scattering_rate_nld(B, tau_B, n_cr, n_ion, v_ion, v_A):
    r"""Scattering frequency of PA-confined CRs when nonlinear Landau damping
    balances growth,
    :math:`\nu \sim \left(\frac{\Omega_0}{\tau_B}\frac{n_c}{n_i}\frac{c^2}{v_i v_A}\right)^{1/2}`.

    Zweibel (2021) eq 60: equating :math:`\Gamma_{nld} \sim \nu v_i/c`
    (eq 58) to the growth rate estimated from eq 42,
    :math:`\Gamma_c \sim \Omega_0 (n_c/n_i)(c/v_A)/(\nu\tau_B)` (eq 59).
    :math:`\Omega_0 = e|B|/(m_p c)`.  The paper quotes nu ~ 3.7e-8 s^-1
    (lambda ~ 0.26 pc) for the parameters of Wiener et al. (2019), whose CR
    number density it does not print, so that number is not reproducible
    from the paper alone.

    Parameters
    ----------
    B : float or array_like
        Field strength [G] (sign ignored).
    tau_B : float or array_like
        Field-change time [s], > 0.
    n_cr : float or array_like
        CR number density near the mean energy [cm^-3], >= 0.
    n_ion : float or array_like
        Thermal ion density [cm^-3], > 0.
    v_ion : float or array_like
        Thermal ion speed [cm s^-1], > 0
        (:func:`crplugin.closures.thermal_speed`).
    v_A : float or array_like
        Ion Alfven speed [cm s^-1], > 0.

    Returns
    -------
    nu : float or ndarray
        [s^-1].

    Notes
    -----
    Order of magnitude (all O(1) factors dropped); CRs near the mean energy;
    nonlinear Landau damping dominant (hot, fully ionised gas).
    """


@closure(_k.ion_neutral_damping_rate_array, units="1/s",
         n_n=Arg("cm**-3", nonnegative=True), sigma_v_in=Arg("cm**3/s", nonnegative=True))
def ion_neutral_damping_rate(n_n, sigma_v_in):
    r"""Ion-neutral damping of Alfven waves,
    :math:`\Gamma_{in} = \nu_{in}/2 = \frac{1}{2} n_n\langle\sigma v\rangle_{in}`.

    Kulsrud & Pearce (1969), in the weak-coupling limit used for the
    gyroresonant waves of GeV CRs (Kulsrud 2005, Plasma Physics for
    Astrophysics; Zweibel 2017 review; Wiener, Oh & Guo 2013): the
    ions oscillate in the wave while the neutrals stay at rest, and friction
    removes the ion kinetic energy (half the wave energy) at nu_in.

    Parameters
    ----------
    n_n : float or array_like
        Neutral number density [cm^-3], >= 0.
    sigma_v_in : float or array_like
        Ion-neutral momentum-transfer rate coefficient [cm^3 s^-1], >= 0.  It
        depends on species and temperature (of order 1e-9 to 1e-8 cm^3 s^-1
        for H+ on H, dominated by charge exchange): supply the value of your
        chemistry.

    Returns
    -------
    Gamma_in : float or ndarray
        [s^-1].

    Notes
    -----
    Valid for wave frequency :math:`k v_{A,i} \gg \nu_{in}`.  In the
    opposite, strongly coupled limit (:math:`k v_A \ll \nu_{ni}`) the damping
    is :math:`\sim k^2 v_A^2/\nu_{ni}` instead, which this function does not
    cover.
    """


@closure(_k.nonlinear_landau_damping_rate_array, units="1/s",
         nu=Arg("1/s", nonnegative=True), v_ion=_V)
def nonlinear_landau_damping_rate(nu, v_ion):
    r"""Nonlinear Landau damping of the resonant waves,
    :math:`\Gamma_{nld} \sim \nu\,v_i/c`.

    Zweibel (2021) eq 58 (after Lee & Voelk 1973 and Kulsrud 1978), for
    waves resonant with CRs near the mean energy.  It is the standard
    :math:`\Gamma_{nld} \sim \Omega (v_i/c)(\delta B/B)^2` of Kulsrud (2005)
    rewritten with :math:`\nu \sim \Omega(\delta B/B)^2` (eq 30); the O(1)
    coefficient differs between references, so treat the result as an order
    of magnitude.

    Parameters
    ----------
    nu : float or array_like
        CR pitch-angle scattering frequency [s^-1], >= 0.
    v_ion : float or array_like
        Thermal ion speed [cm s^-1], >= 0.

    Returns
    -------
    Gamma_nld : float or ndarray
        [s^-1].

    Notes
    -----
    Hot, fully ionised gas (dominant in galactic halos and the ICM);
    beta-dependent corrections ignored.
    """


@closure(_k.turbulent_damping_rate_array, units="1/s",
         v_A=_V, r_L=Arg("cm", positive=True), L_MHD=Arg("cm", positive=True))
def turbulent_damping_rate(v_A, r_L, L_MHD):
    r"""Damping of CR-driven waves by a background Alfvenic cascade,
    :math:`\Gamma_{turb} = v_A/\sqrt{r_L L_{MHD}}`.

    Farmer & Goldreich (2004): the waves of parallel wavenumber
    :math:`k_\parallel \sim 1/r_L` are sheared apart by Goldreich-Sridhar
    eddies at :math:`(\epsilon k_\parallel/v_A)^{1/2}`, with
    :math:`\epsilon = v_A^3/L_{MHD}`; written in this form by Wiener, Oh &
    Guo (2013) and Zweibel (2017).

    Parameters
    ----------
    v_A : float or array_like
        Ion Alfven speed [cm s^-1], >= 0.
    r_L : float or array_like
        Gyroradius of the resonant CRs [cm], > 0
        (:func:`crplugin.closures.gyroradius`).
    L_MHD : float or array_like
        Scale at which the turbulent velocity equals v_A [cm], > 0
        (:math:`L M_A^{-3}` for super-Alfvenic driving at scale L).

    Returns
    -------
    Gamma_turb : float or ndarray
        [s^-1].

    Notes
    -----
    Strong (trans-/super-Alfvenic) turbulence with an inertial range reaching
    r_L; sub-Alfvenic and high-beta corrections (Lazarian 2016; Wiener et al.
    2018) not included.
    """


_BAL = dict(Gamma_damp=Arg("1/s", nonnegative=True), B=Arg("G", positive=True),
            n_cr=Arg("cm**-3", positive=True), n_ion=Arg("cm**-3", positive=True),
            C=Arg("", positive=True))


@closure(_k.self_confined_drift_excess_array, units="", **_BAL)
def self_confined_drift_excess(Gamma_damp, B, n_cr, n_ion, C):
    r"""Super-Alfvenic drift of self-confined CRs from growth = damping,
    :math:`\frac{v_D}{v_A} - 1 = \frac{\Gamma_{damp}}
    {\frac{\pi}{8}\,\mathcal C\,\Omega_0\, n_c(>p_1)/n_i}`.

    Setting the streaming growth rate, Zweibel (2021) eq 19, equal to the
    wave damping rate (Zweibel 2021 section 5; Wiener, Oh & Guo 2013).
    Assumptions: a steady state in which the waves resonant with momentum
    p_1 grow exactly as fast as they are damped; a single resonant momentum
    (the balance is applied to n_c(>p_1), not integrated over the spectrum);
    linear growth rate of parallel waves; the damping rate evaluated for the
    same waves (:func:`ion_neutral_damping_rate`,
    :func:`nonlinear_landau_damping_rate`, :func:`turbulent_damping_rate`,
    or their sum).

    Parameters
    ----------
    Gamma_damp : float or array_like
        Total wave damping rate [s^-1], >= 0.
    B : float or array_like
        Field strength [G], > 0.
    n_cr : float or array_like
        Density of resonant CRs, p > p_1 [cm^-3], > 0.
    n_ion : float or array_like
        Thermal ion density [cm^-3], > 0.
    C : float or array_like
        Spectrum constant, > 0: (a-3)/(a-2) for f_0 ~ p^-a
        (:func:`crplugin.closures.spectrum_constant`; 0.63 for a = 4.7).

    Returns
    -------
    excess : float or ndarray
        :math:`v_D/v_A - 1`, >= 0 (dimensionless).

    Notes
    -----
    Meaningful while excess << c/v_A (otherwise self-confinement fails and
    the CRs are not confined by their own waves).
    """


@closure(_k.self_confined_drift_speed_array, units="cm/s", v_A=_V, **_BAL)
def self_confined_drift_speed(v_A, Gamma_damp, B, n_cr, n_ion, C):
    r"""Drift speed of self-confined CRs,
    :math:`v_D = v_A\left(1 + \frac{\Gamma_{damp}}
    {\frac{\pi}{8}\,\mathcal C\,\Omega_0\, n_c/n_i}\right)`.

    :func:`self_confined_drift_excess` (Zweibel 2021 eq 19 = damping) times v_A.

    Parameters
    ----------
    v_A : float or array_like
        Ion Alfven speed [cm s^-1], >= 0.
    Gamma_damp, B, n_cr, n_ion, C
        As in :func:`self_confined_drift_excess`.

    Returns
    -------
    v_D : float or ndarray
        [cm s^-1], >= v_A.
    """


@closure(_k.self_confined_kappa_array, units="cm**2/s",
         v_A=_V, L=Arg("cm", positive=True), **_BAL)
def self_confined_kappa(v_A, L, Gamma_damp, B, n_cr, n_ion, C):
    r"""Effective diffusivity of self-confined CRs,
    :math:`\kappa_{eff} = L(v_D - v_A) = v_A L\,
    \frac{\Gamma_{damp}}{\frac{\pi}{8}\,\mathcal C\,\Omega_0\, n_c/n_i}`.

    Zweibel (2021) eq 52 (:func:`drift_kappa`) with the drift excess fixed by
    growth = damping (:func:`self_confined_drift_excess`).  Since the excess
    speed is set locally by the balance, the diffusive flux
    :math:`n_c(v_D - v_A)` does not depend on the gradient: kappa_eff grows
    linearly with the gradient length L of the resonant CRs.

    Parameters
    ----------
    v_A : float or array_like
        Ion Alfven speed [cm s^-1], >= 0.
    L : float or array_like
        Gradient length of the resonant CRs along B [cm], > 0.
    Gamma_damp, B, n_cr, n_ion, C
        As in :func:`self_confined_drift_excess`.

    Returns
    -------
    kappa_eff : float or ndarray
        [cm^2 s^-1].

    Notes
    -----
    Assumptions of :func:`self_confined_drift_excess` and :func:`drift_kappa`.
    """
