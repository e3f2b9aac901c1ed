r"""Pitch-angle scattering by anisotropic (Goldreich-Sridhar) Alfvenic turbulence (Malkov et al. 2010).

Notation: :math:`\varepsilon = v/(l\Omega) = r_g/l` (gyroradius over the outer
scale :math:`l` of the turbulence), :math:`\delta = V_A/v`,
:math:`y = \sqrt{(1-\mu^2)/\varepsilon}`, :math:`\Omega` the relativistic
gyrofrequency.  Pointwise closures (compiled kernels):

* :func:`malkov_D_mumu`: eqs (4)-(5), resonant GS scattering, evaluated by quadrature;
* :func:`malkov_D_mumu_asymptotic`: eq (6), its :math:`y \gg 1` limit (Chandran 2000);
* :func:`malkov_D_mumu_correlation`: eq (8), finite-correlation-time (non-resonant) part;
* :func:`malkov_D_mumu_peak`: eq (10) (corrected), the peak at :math:`|\mu| \to 1`;
* :func:`malkov_scattering_frequency`: eq (11); :func:`malkov_beam_width`: eq (35).

Whole-domain (not per-cell) operations in numpy: :func:`pitch_angle_eigenmodes`
solves the pitch-angle transport eigenproblem of eqs (12), (15), (17);
:func:`malkov_S1_prime` is the constant :math:`S_1'` of eq (10).
"""
import math
from typing import NamedTuple

import numpy as np
from numpy.polynomial import legendre as _leg

from crplugin.closures._wrap import Arg, closure
from crplugin.kernels import malkov as _k

__all__ = [
    "malkov_D_mumu", "malkov_D_mumu_asymptotic", "malkov_D_mumu_correlation", "malkov_D_mumu_peak",
    "malkov_scattering_frequency", "malkov_beam_width", "malkov_S1_prime",
    "pitch_angle_eigenmodes", "PitchAngleModes", "J1_FIRST_ZERO",
]

#: first positive zero of the Bessel function J_1
J1_FIRST_ZERO = 3.8317059702075125

_MU = Arg("", bounds=(-1.0, 1.0))
_V = Arg("cm/s", positive=True)
_L = Arg("cm", positive=True)
_EPS = Arg("", positive=True, bounds=(0.0, 1.0))


@closure(_k.malkov_D_mumu_array, units="1/s", mu=_MU, v=_V, l=_L, eps=_EPS)
def malkov_D_mumu(mu, v, l, eps):
    r"""Resonant pitch-angle diffusion coefficient of Goldreich-Sridhar Alfvenic turbulence.

    Malkov et al. (2010), eqs (4)-(5) (their eq 3 integrated over
    :math:`k_\parallel`, :math:`k_\perp`; checked against eq 3 here):

    .. math::
        D_{\mu\mu} = \frac{2\pi}{3}\frac{v}{l|\mu|}(1-\mu^2)\,y^{4/3}S(y),\quad
        S = \sum_{n\ge1} n^2\int_{y(n/|\mu|)^{3/2}}^{\infty} J_n^2(x)\,x^{-13/3}\,dx .

    Evaluated in the kernel by a fixed quadrature: orders n <= 8 by 8-point
    Gauss-Legendre panels up to :math:`x = 40 + 2n^2` and the Hankel expansion
    (mean and leading oscillating terms) beyond; 8 < n <= 400 with the WKB mean
    :math:`J_n^2 \approx 1/(\pi\sqrt{x^2-n^2})`; the rest as an integral.
    Relative accuracy about 1e-3 or better (tested against an independent
    quadrature).  Cost ~0.1 ms per point: tabulate it rather than calling
    it per cell per step.

    Limits: eq (6) for :math:`y \gg 1`; eq (10), :math:`(\pi/2)(v/l)(1-\mu^2)J_1^2(y)/y^2`,
    for :math:`y \le 0.5`; zero at :math:`\mu = 0` (as :math:`|\mu|^{11/2}`)
    and at :math:`|\mu| = 1`.

    Parameters
    ----------
    mu : float or array_like
        Pitch-angle cosine in [-1, 1].
    v : float or array_like
        Particle speed [cm s^-1], > 0.
    l : float or array_like
        Outer scale of the turbulence [cm], > 0.
    eps : float or array_like
        :math:`r_g/l = v/(l\Omega)`, 0 < eps <= 1 (the theory needs eps << 1).

    Returns
    -------
    D_mumu : float or ndarray
        [s^-1].

    Notes
    -----
    Quasilinear, resonant (infinite correlation time) Alfven-wave part only:
    neglects magnetosonic modes (important for :math:`|\mu| \ll 1`) and the
    finite correlation time (eq 8, dominant where
    :math:`\delta\ln(1/\varepsilon) \gtrsim \varepsilon^{3/2}|\mu|^{11/2}(1-\mu^2)^{-3/2}`).
    """


@closure(_k.malkov_D_mumu_asymptotic_array, units="1/s", mu=_MU, v=_V, l=_L, eps=_EPS)
def malkov_D_mumu_asymptotic(mu, v, l, eps):
    r"""Large-:math:`y` limit of GS resonant scattering (Chandran 2000).

    Malkov et al. (2010), eq (6):

    .. math::
        D_{\mu\mu} \simeq \frac{2}{13}\zeta\!\left(\frac92\right)\frac{v}{l}\,
        \varepsilon^{3/2}\frac{|\mu|^{11/2}}{\sqrt{1-\mu^2}},\quad \zeta(9/2) = 1.0547.

    Valid for :math:`y = \sqrt{(1-\mu^2)/\varepsilon} \gg 1`: the oscillation
    of :math:`J_n^2` makes the error fall only as ~1/y (about 15 % at y = 10,
    2 % at y = 30);
    returns 0 at :math:`|\mu| = 1`, where it does not apply.

    Parameters
    ----------
    mu, v, l, eps
        As :func:`malkov_D_mumu`.

    Returns
    -------
    D_mumu : float or ndarray
        [s^-1].
    """


@closure(_k.malkov_D_mumu_correlation_array, units="1/s", mu=_MU, v=_V, l=_L, eps=_EPS,
         delta=Arg("", nonnegative=True))
def malkov_D_mumu_correlation(mu, v, l, eps, delta):
    r"""Finite-correlation-time pitch-angle diffusion of GS turbulence.

    Malkov et al. (2010), eq (8):

    .. math::
        D_{\mu\mu} \simeq \frac{1}{6}\frac{v}{l}\,\delta\left[\ln\frac{1}{\varepsilon}
        - \frac12\ln(1-\mu^2)\right](1-\mu^2),\quad \delta = V_A/v .

    From eq (7) with :math:`\tan^{-1}` expanded for large argument
    (:math:`\delta, \varepsilon \ll 1`) and logarithmic accuracy; dominates
    eq (6) away from :math:`|\mu| = 1`.

    Parameters
    ----------
    mu, v, l, eps
        As :func:`malkov_D_mumu`.
    delta : float or array_like
        :math:`V_A/v` >= 0.

    Returns
    -------
    D_mumu : float or ndarray
        [s^-1].
    """


@closure(_k.malkov_D_mumu_peak_array, units="1/s", mu=_MU, v=_V, l=_L, eps=_EPS)
def malkov_D_mumu_peak(mu, v, l, eps):
    r"""Peak of GS resonant scattering at :math:`|\mu| \to 1` (corrected eq 10).

    Malkov et al. (2010), eq (10), **corrected**:

    .. math::
        D_{\mu\mu} = \frac{\pi}{2}\frac{v}{l}(1-\mu^2)\,\frac{J_1^2(y)}{y^2}

    (the paper prints :math:`J_1^2(y)/v^2`).  The paper adds :math:`r\,y^{4/3}`
    with :math:`r \sim 10^{-2}` from "a few first" :math:`S_n`; summed over all n
    the constants cancel exactly (:math:`S_1' + \sum_{n\ge2}S_n(0) = 0` by
    Neumann's :math:`\sum_n n^2J_n^2(x) = x^2/4`), so r = 0 and the next
    correction is :math:`O(y^2)` relative.  Accurate to 15 % only for
    :math:`y \le 0.5`, i.e. :math:`1-\mu^2 \le \varepsilon/4`; it misses the
    tail beyond the first zero :math:`y = j_1 = 3.83` (use
    :func:`malkov_D_mumu`).

    Parameters
    ----------
    mu, v, l, eps
        As :func:`malkov_D_mumu`.

    Returns
    -------
    D_mumu : float or ndarray
        [s^-1].
    """


@closure(_k.malkov_scattering_frequency_array, units="1/s", v=_V, l=_L, eps=_EPS,
         delta=Arg("", nonnegative=True))
def malkov_scattering_frequency(v, l, eps, delta):
    r"""Characteristic pitch-angle scattering frequency away from the peaks.

    Malkov et al. (2010), eq (11), eqs (6) and (8) joined with factors of
    order unity dropped:
    :math:`\nu_\vartheta = (v/l)\,[\delta\ln(1/\varepsilon) + \varepsilon^{3/2}]/6
    \approx D_{\mu\mu}/(1-\mu^2)`.  Order-of-magnitude.

    Parameters
    ----------
    v, l, eps
        As :func:`malkov_D_mumu`.
    delta : float or array_like
        :math:`V_A/v` >= 0.

    Returns
    -------
    nu_theta : float or ndarray
        [s^-1].
    """


@closure(_k.malkov_beam_width_array, units="", eps=_EPS)
def malkov_beam_width(eps):
    r"""Angular width of the field-aligned beam, :math:`b = j_1^2\varepsilon/2 \approx 7.34\,\varepsilon`.

    Malkov et al. (2010), eq (35) (width in :math:`1-\mu`; :math:`j_1 = 3.8317`
    the first zero of :math:`J_1`, where the peak of :math:`D_{\mu\mu}` ends).
    The beam excess of eq (36) is :math:`\lambda_1 b/2 \approx 53.3\,\varepsilon`
    with :math:`\lambda_1` from :func:`pitch_angle_eigenmodes`.  Valid for
    :math:`\varepsilon \ll 1`.

    Parameters
    ----------
    eps : float or array_like
        :math:`r_g/l` in (0, 1].

    Returns
    -------
    b : float or ndarray
        Width in :math:`1-\mu` (dimensionless).
    """


def malkov_S1_prime():
    r"""Constant :math:`S_1'` of the small-:math:`y` expansion of :math:`S_1` (Malkov et al. 2010, eq 10).

    .. math::
        S_1' = -\frac{3}{2}\int_0^\infty J_1J_2\,x^{-10/3}\,dx
             = -\frac{567}{6400\cdot2^{1/3}}\frac{\Gamma^2(1/3)}{\Gamma^3(2/3)} = -0.2032 .

    **Corrected** value: the paper's closed form is right but its number,
    -0.22, is not.
    """
    g = math.gamma
    return -567.0 / (6400.0 * 2.0 ** (1.0 / 3.0)) * g(1.0 / 3.0) ** 2 / g(2.0 / 3.0) ** 3


class PitchAngleModes(NamedTuple):
    """Eigenmodes of the pitch-angle transport operator (see :func:`pitch_angle_eigenmodes`).

    eigenvalues : (n_modes,) positive eigenvalues, ascending.
    coefficients : (n_modes, n_legendre) Legendre-series coefficients of the
        eigenfunctions (numpy.polynomial.legendre convention), normalised so that
        ``int_{-1}^{1} (u + mu) Psi^2 dmu = 1`` and ``Psi(1) < 0`` (as Fig. 2 of the paper).
    """

    eigenvalues: np.ndarray
    coefficients: np.ndarray

    def eigenfunction(self, k, mu):
        """Value of the k-th eigenfunction (k = 0 for lambda_1) at ``mu``."""
        return _leg.legval(np.asarray(mu, dtype=np.float64), self.coefficients[k])

    def derivative(self, k, mu, m=1):
        """m-th derivative of the k-th eigenfunction at ``mu``."""
        return _leg.legval(np.asarray(mu, dtype=np.float64), _leg.legder(self.coefficients[k], m))


def pitch_angle_eigenmodes(n_legendre=32, D=None, u=0.0, n_quad=None, n_modes=None):
    r"""Positive eigenvalues and eigenfunctions of the pitch-angle transport problem.

    Malkov et al. (2010), eqs (12)-(15): the steady transport
    :math:`(u+\mu)\partial_zf = \partial_\mu(1-\mu^2)D(\mu)\partial_\mu f`
    separates as :math:`f = \sum C_\lambda\Psi_\lambda(\mu)e^{-\lambda z}` with

    .. math::
        \frac{d}{d\mu}(1-\mu^2)D(\mu)\frac{d\Psi_\lambda}{d\mu} + \lambda(u+\mu)\Psi_\lambda = 0,

    regular at :math:`\mu = \pm1` (z in units of the scattering length
    :math:`v/\nu_\vartheta`, D normalised to :math:`\nu_\vartheta`).  With
    D = 1, u = 0 this is eq (17), whose first eigenvalue is
    :math:`\lambda_1 = 14.528` (paper: 14.54) and :math:`\lambda_2/\lambda_1 = 2.894`
    (**corrected**: the paper states :math:`\lambda_2 \simeq 2\lambda_1`).

    Method: Galerkin projection on normalised Legendre polynomials
    :math:`\hat P_l`, :math:`l < n_{legendre}` (they satisfy the regularity
    conditions), giving :math:`K a = \lambda W a` with
    :math:`K_{kl} = \int(1-\mu^2)D\hat P_k'\hat P_l'\,d\mu` (= l(l+1) on the
    diagonal for D = 1) and :math:`W_{kl} = \int(u+\mu)\hat P_k\hat P_l\,d\mu`
    (exact tridiagonal form).  Spectral convergence for smooth D: eq (17)
    converges to 1e-10 with 12 polynomials.  A D with a narrow peak (width
    :math:`\varepsilon` at :math:`|\mu| = 1`) needs ``n_legendre`` >~
    :math:`3/\sqrt{\varepsilon}` and ``n_quad`` large enough to resolve it.

    Parameters
    ----------
    n_legendre : int
        Number of Legendre polynomials, even, >= 4 (for u = 0 an odd count
        makes W singular).
    D : callable or None
        Normalised :math:`D(\mu) > 0` (vectorised over a numpy array of
        :math:`\mu`); None means D = 1 (eq 17).
    u : float
        Velocity of the scattering centres in units of v (:math:`|u| < 1`).
    n_quad : int, optional
        Gauss-Legendre points for K when D is given (default 4 n_legendre).
    n_modes : int, optional
        Number of modes returned (default: all positive eigenvalues that are
        converged, i.e. the lowest n_legendre // 4).

    Returns
    -------
    PitchAngleModes
        ``eigenvalues`` ascending and the eigenfunctions' Legendre coefficients.
    """
    n = int(n_legendre)
    if n < 4 or n % 2:
        raise ValueError("argument 'n_legendre' must be an even integer >= 4")
    if not (np.isfinite(u) and abs(u) < 1.0):
        raise ValueError("argument 'u' must satisfy |u| < 1")
    l = np.arange(n, dtype=np.float64)
    norm = np.sqrt((2.0 * l + 1.0) / 2.0)            # P_l * norm is orthonormal on [-1, 1]
    W = u * np.eye(n)
    off = (l[:-1] + 1.0) / np.sqrt((2.0 * l[:-1] + 1.0) * (2.0 * l[:-1] + 3.0))
    W[np.arange(n - 1), np.arange(1, n)] = off
    W[np.arange(1, n), np.arange(n - 1)] = off
    if D is None:
        K = np.diag(l * (l + 1.0))
    else:
        nq = int(n_quad) if n_quad is not None else 4 * n
        x, w = _leg.leggauss(nq)
        d = np.asarray(D(x), dtype=np.float64) * np.ones_like(x)
        if not np.all(np.isfinite(d)) or not np.all(d > 0):
            raise ValueError("argument 'D' must return finite values > 0 on (-1, 1)")
        dP = np.empty((n, nq))
        for k in range(n):
            c = np.zeros(n)
            c[k] = norm[k]
            dP[k] = _leg.legval(x, _leg.legder(c))
        K = (dP * (w * (1.0 - x * x) * d)) @ dP.T
    vals, vecs = np.linalg.eig(np.linalg.solve(W, K))
    keep = (np.abs(vals.imag) <= 1e-9 * np.maximum(1.0, np.abs(vals.real))) & (vals.real > 1e-9)
    vals, vecs = vals.real[keep], vecs.real[:, keep]
    order = np.argsort(vals)
    vals, vecs = vals[order], vecs[:, order]
    m = n // 4 if n_modes is None else int(n_modes)
    vals, vecs = vals[:m], vecs[:, :m]
    coeffs = (vecs * norm[:, None]).T                 # to plain Legendre coefficients
    for k in range(coeffs.shape[0]):
        a = vecs[:, k]
        wn = a @ W @ a                                # int (u + mu) Psi^2 dmu
        scale = 1.0 / math.sqrt(abs(wn)) if wn != 0 else 1.0
        if _leg.legval(1.0, coeffs[k]) > 0:
            scale = -scale
        coeffs[k] *= scale
    return PitchAngleModes(vals, coeffs)
