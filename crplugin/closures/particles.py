"""Single-particle basics for cosmic rays: Lorentz factor, speed, momentum from
kinetic energy, thermal speed, rigidity, gyrofrequency, gyroradius, and the
large-scale gradient and curvature drifts (cgs, Gaussian units)."""
import functools
import inspect

from crplugin.closures._wrap import Arg, closure
from crplugin.constants import M_P
from crplugin.kernels import particles as _k

try:
    import unyt
except ImportError:  # pragma: no cover
    unyt = None

# 1 statV = 299.792458 V exactly (c = 2.99792458e10 cm/s).
_VOLT_PER_STATVOLT = 299.792458

__all__ = [
    "lorentz_factor",
    "particle_speed",
    "momentum_from_kinetic_energy",
    "thermal_speed",
    "rigidity",
    "gyrofrequency",
    "gyroradius",
    "gradient_drift_speed",
    "curvature_drift_speed",
]



def _si_volts_to_statvolts(*names):
    """Convert unyt rigidities given in SI volts (V, GV, ...) to statvolt ourselves.

    unyt 3.2 converts between V and statV with the inverse factor (1 V -> 299.79
    statV instead of 1/299.79 statV), so a rigidity passed as ``unyt`` GV would be
    off by c^2 (8.99e4).  Arguments with SI-voltage dimensions are converted here
    with the exact factor; everything else goes through unchanged.
    """
    def decorate(func):
        sig = inspect.signature(func)

        @functools.wraps(func)
        def wrapper(*args, out=None, **kwargs):
            if unyt is not None:
                bound = sig.bind(*args, **kwargs)
                for name in names:
                    val = bound.arguments.get(name)
                    if (isinstance(val, unyt.unyt_array)
                            and val.units.dimensions == unyt.V.units.dimensions):
                        bound.arguments[name] = unyt.unyt_array(
                            val.to_value("V") / _VOLT_PER_STATVOLT, "statV")
                args, kwargs = bound.args, bound.kwargs
            return func(*args, out=out, **kwargs)

        return wrapper

    return decorate


_P = Arg("g*cm/s", nonnegative=True)
_M = Arg("g", positive=True)
_Z = Arg("", positive=True)
_MU = Arg("", bounds=(-1.0, 1.0))


@closure(_k.lorentz_factor_array, units="", p=_P, mass=_M)
def lorentz_factor(p, mass=M_P):
    r"""Lorentz factor :math:`\gamma = \sqrt{1 + (p/mc)^2}`.

    Parameters
    ----------
    p : float or array_like
        Momentum [g cm s^-1], >= 0.
    mass : float or array_like, optional
        Rest mass [g], > 0; proton by default.

    Returns
    -------
    gamma : float or ndarray
        Dimensionless, >= 1.
    """


@closure(_k.particle_speed_array, units="cm/s", p=_P, mass=_M)
def particle_speed(p, mass=M_P):
    r"""Particle speed :math:`v = pc^2/E = c\,x/\sqrt{1+x^2}`, :math:`x = p/(mc)`.

    Parameters
    ----------
    p : float or array_like
        Momentum [g cm s^-1], >= 0.
    mass : float or array_like, optional
        Rest mass [g], > 0; proton by default.

    Returns
    -------
    v : float or ndarray
        [cm s^-1], in [0, c).
    """


@closure(_k.momentum_from_kinetic_energy_array, units="g*cm/s",
         E_kin=Arg("erg", nonnegative=True), mass=_M)
def momentum_from_kinetic_energy(E_kin, mass=M_P):
    r"""Momentum from kinetic energy, :math:`pc = \sqrt{T(T + 2mc^2)}`.

    Parameters
    ----------
    E_kin : float or array_like
        Kinetic energy T [erg], >= 0 (1 GeV = 1.602e-3 erg).
    mass : float or array_like, optional
        Rest mass [g], > 0; proton by default.

    Returns
    -------
    p : float or ndarray
        [g cm s^-1].
    """


@closure(_k.thermal_speed_array, units="cm/s", T=Arg("K", nonnegative=True), mass=_M)
def thermal_speed(T, mass=M_P):
    r"""One-dimensional thermal speed :math:`v_i = \sqrt{k_B T/m}`.

    The thermal ion speed entering nonlinear Landau damping (Zweibel 2021
    eqs 58-60), up to the O(1) convention (some authors use
    :math:`\sqrt{2k_BT/m}`).

    Parameters
    ----------
    T : float or array_like
        Temperature [K], >= 0.
    mass : float or array_like, optional
        Particle mass [g], > 0; proton by default.

    Returns
    -------
    v_th : float or ndarray
        [cm s^-1].
    """


@closure(_k.rigidity_array, units="statV", p=_P, charge_number=_Z)
def rigidity(p, charge_number=1.0):
    r"""Rigidity :math:`R = pc/(|Z|e)`.

    Gaussian units: R is in statvolt (1 statV = 299.792458 V, so a 1 GeV/c
    proton has R = 1 GV = 3.336e6 statV) and :math:`r_g = R\sin\alpha/B` in cm
    with no factor c (B in G = statV cm^-1).

    Warning: unyt (3.2) converts statV <-> V with the inverse factor.  To get
    volts from a result in statV multiply by 299.792458 yourself rather than
    calling ``.to("V")``.  The drift closures of this module accept rigidities
    in SI volts (unyt V, GV) and convert them correctly.

    Parameters
    ----------
    p : float or array_like
        Momentum [g cm s^-1], >= 0.
    charge_number : float or array_like, optional
        |Z| > 0; 1 (proton) by default.

    Returns
    -------
    R : float or ndarray
        [statV].
    """


@closure(_k.gyrofrequency_array, units="1/s",
         B=Arg("G"), gamma_L=Arg("", bounds=(1.0, float("inf"))), mass=_M, charge_number=_Z)
def gyrofrequency(B, gamma_L=1.0, mass=M_P, charge_number=1.0):
    r"""Relativistic gyrofrequency :math:`\Omega = |Z|e|B|/(\gamma m c)`.

    :math:`\Omega_0 = e B/(m_p c)` (gamma = 1) is the non-relativistic proton
    gyrofrequency of Zweibel (2021) eqs 11-23 (9.58e-3 rad s^-1 at 1 microgauss).

    Parameters
    ----------
    B : float or array_like
        Field strength [G] (sign ignored).
    gamma_L : float or array_like, optional
        Lorentz factor, >= 1; 1 by default.
    mass : float or array_like, optional
        Rest mass [g], > 0; proton by default.
    charge_number : float or array_like, optional
        |Z| > 0; 1 by default.

    Returns
    -------
    Omega : float or ndarray
        Angular frequency [rad s^-1].
    """


@closure(_k.gyroradius_array, units="cm",
         p=_P, B=Arg("G", positive=True), mu=_MU, charge_number=_Z)
def gyroradius(p, B, mu=0.0, charge_number=1.0):
    r"""Gyroradius :math:`r_g = \frac{p c\sqrt{1-\mu^2}}{|Z| e B} = \frac{R\sin\alpha}{B}`.

    Parameters
    ----------
    p : float or array_like
        Momentum [g cm s^-1], >= 0.
    B : float or array_like
        Field strength [G], > 0.
    mu : float or array_like, optional
        Pitch-angle cosine, in [-1, 1]; 0 (the maximal radius p c/(|Z| e B),
        the usual "r_L" of resonance estimates) by default.
    charge_number : float or array_like, optional
        |Z| > 0; 1 by default.

    Returns
    -------
    r_g : float or ndarray
        [cm].  A 1 GV proton at 1 microgauss: 3.34e12 cm (1.08e-6 pc).

    Notes
    -----
    Uniform field on the scale of the orbit.
    """


@_si_volts_to_statvolts("R")
@closure(_k.gradient_drift_speed_array, units="cm/s",
         R=Arg("statV", nonnegative=True), v=Arg("cm/s", nonnegative=True), mu=_MU,
         B=Arg("G", positive=True), gradB_perp=Arg("G/cm", nonnegative=True))
def gradient_drift_speed(R, v, mu, B, gradB_perp):
    r"""Gradient-drift speed :math:`|\mathbf v_{\nabla B}| =
    \frac{R\,v\sin^2\alpha}{2B^2}|\hat b\times\nabla B|`.

    Review of CR transport (guiding-centre drifts), corrected: the review
    writes :math:`\frac{R}{2c}\frac{v\sin^2\alpha}{B^2}\hat b\times\nabla B`
    with :math:`R = pc/q`; in Gaussian units that 1/c is spurious (the
    standard :math:`p_\perp v_\perp c/(2qB^2)\,\hat b\times\nabla B`
    becomes the form above once :math:`pc/q = R` is substituted).
    Direction: :math:`\mathrm{sign}(q)\,\hat b\times\nabla B`.

    Parameters
    ----------
    R : float or array_like
        Rigidity |pc/q| [statV], >= 0 (:func:`rigidity`); a unyt quantity in
        V or GV is converted with the exact factor 1 statV = 299.792458 V.
    v : float or array_like
        Particle speed [cm s^-1], >= 0.
    mu : float or array_like
        Pitch-angle cosine :math:`\cos\alpha`, in [-1, 1].
    B : float or array_like
        Field strength [G], > 0.
    gradB_perp : float or array_like
        :math:`|\hat b\times\nabla B|`, the field-strength gradient across B
        [G cm^-1], >= 0.

    Returns
    -------
    v_gradB : float or ndarray
        [cm s^-1], even in mu.

    Notes
    -----
    Guiding-centre limit: gyroradius much smaller than B/|grad B|.
    """


@_si_volts_to_statvolts("R")
@closure(_k.curvature_drift_speed_array, units="cm/s",
         R=Arg("statV", nonnegative=True), v=Arg("cm/s", nonnegative=True), mu=_MU,
         B=Arg("G", positive=True), curvature=Arg("1/cm", nonnegative=True))
def curvature_drift_speed(R, v, mu, B, curvature):
    r"""Curvature-drift speed :math:`|\mathbf v_{curv}| =
    \frac{R\,v\cos^2\alpha}{B}|\hat b\times\boldsymbol\kappa|`,
    :math:`\boldsymbol\kappa = (\hat b\cdot\nabla)\hat b`.

    Review of CR transport (guiding-centre drifts), corrected for the same
    spurious 1/c as :func:`gradient_drift_speed` (standard form
    :math:`p_\parallel v_\parallel c/(qB)\,\hat b\times\boldsymbol\kappa`).
    Direction: :math:`\mathrm{sign}(q)\,\hat b\times\boldsymbol\kappa`.

    Parameters
    ----------
    R : float or array_like
        Rigidity |pc/q| [statV], >= 0 (unyt V or GV accepted, as in
        :func:`gradient_drift_speed`).
    v : float or array_like
        Particle speed [cm s^-1], >= 0.
    mu : float or array_like
        Pitch-angle cosine, in [-1, 1].
    B : float or array_like
        Field strength [G], > 0.
    curvature : float or array_like
        :math:`|\boldsymbol\kappa| = 1/R_c` (the curvature vector is
        perpendicular to b) [cm^-1], >= 0.

    Returns
    -------
    v_curv : float or ndarray
        [cm s^-1], even in mu.

    Notes
    -----
    Guiding-centre limit: gyroradius much smaller than the radius of
    curvature R_c.
    """
