r"""Quasilinear-theory (QLT) transport closures (CR transport review).

* :func:`kappa_par_qlt`: parallel diffusion coefficient from a sampled pitch-angle
  diffusion coefficient, :math:`\kappa_\parallel = (v^2/8)\int_{-1}^{1}(1-\mu^2)^2/D_{\mu\mu}\,d\mu`.
* :func:`kappa_par_isotropic`: its isotropic-scattering value :math:`v^2/(3\nu)`.
* :func:`diffusion_tensor`: :math:`D_{ij} = D_\perp\delta_{ij} + (D_\parallel - D_\perp)b_ib_j + D_A\epsilon_{ijk}b_k`.
* :func:`mean_free_path_rigidity`: QLT scaling :math:`\lambda_\parallel \propto R^{2-q}`.
"""
import numpy as np

from crplugin.closures._wrap import Arg, closure, finish, unyt, validate
from crplugin.kernels import qlt as _k

__all__ = ["kappa_par_qlt", "kappa_par_isotropic", "diffusion_tensor", "mean_free_path_rigidity"]


@closure(_k.kappa_par_isotropic_array, units="cm**2/s", v=Arg("cm/s", positive=True),
         nu=Arg("1/s", positive=True))
def kappa_par_isotropic(v, nu):
    r"""Parallel diffusion coefficient for isotropic pitch-angle scattering, :math:`v^2/(3\nu)`.

    The QLT integral of :func:`kappa_par_qlt` with
    :math:`D_{\mu\mu} = \nu(1-\mu^2)/2` (CR transport review, section on QLT):
    :math:`(v^2/8)\int(1-\mu^2)^2\,2/(\nu(1-\mu^2))\,d\mu = v^2/(3\nu)`,
    i.e. :math:`\lambda_\parallel = v/\nu`.

    Parameters
    ----------
    v : float or array_like
        Particle speed [cm s^-1], > 0.
    nu : float or array_like
        Scattering rate [s^-1], > 0.

    Returns
    -------
    kappa_par : float or ndarray
        [cm^2 s^-1].
    """


def _strip(name, value, units):
    had_units = False
    if unyt is not None and isinstance(value, unyt.unyt_array):
        had_units = True
        try:
            value = value.to_value(units or "dimensionless")
        except Exception as exc:
            raise ValueError(f"argument '{name}' has units '{value.units}', which cannot be "
                             f"converted to '{units or 'dimensionless'}'") from exc
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"argument '{name}' must be a real number or array, got {value!r}") from exc
    return arr, had_units


def kappa_par_qlt(mu, D_mumu, v):
    r"""Parallel diffusion coefficient from a sampled pitch-angle diffusion coefficient.

    CR transport review (section "Quasi-Linear Theory of Scattering"); the same
    relation is Schlickeiser et al. (2019) eqs (9)-(10), :math:`\kappa_{zz} = v^2K_0/8`:

    .. math::
        \kappa_\parallel = \frac{v^2}{8}\int_{-1}^{1}\frac{(1-\mu^2)^2}{D_{\mu\mu}(\mu)}\,d\mu .

    Quadrature: composite Simpson rule for unequal intervals on the given
    samples (pairs of intervals; with an odd number of intervals the last one
    uses the quadratic through the last three samples).  The rule is exact for
    integrands quadratic in :math:`\mu`, so isotropic scattering
    :math:`D_{\mu\mu} = \nu(1-\mu^2)/2` gives :math:`v^2/(3\nu)` to rounding
    (relative error ~1e-15) on any grid with at least 3 samples; for smooth
    integrands the error falls as :math:`h^4`.  Two samples: trapezoid.

    At :math:`|\mu| = 1` the integrand is taken as its limit 0 (numerator
    :math:`\propto(1-\mu^2)^2`, :math:`D_{\mu\mu} \propto 1-\mu^2`), so
    :math:`D_{\mu\mu}(\pm1) = 0` is accepted there.

    Sampling: the integrand is :math:`(1-\mu^2)/[D_{\mu\mu}/(1-\mu^2)]`.  Where
    :math:`D_{\mu\mu}/(1-\mu^2)` is smooth a uniform grid of ~100 points gives
    ~1e-8.  Resolve every feature of :math:`D_{\mu\mu}`: near :math:`|\mu| = 1`
    the peak of anisotropic turbulence (Malkov et al. 2010) has width
    :math:`1-|\mu| \sim \epsilon = r_g/l` and needs several samples inside it
    (cluster the grid, e.g. :math:`\mu = \pm(1 - \epsilon\,t^2)`); slab
    turbulence has :math:`D_{\mu\mu} \propto |\mu|^{s-1}` near
    :math:`\mu = 0`, an integrable kink :math:`|\mu|^{1-s}` that limits the
    order to :math:`1 + (2-s)` unless the grid is refined there.  A
    :math:`D_{\mu\mu}` that vanishes inside (-1, 1) (the 90-degree problem)
    gives an infinite :math:`\kappa_\parallel` and is rejected.

    Parameters
    ----------
    mu : array_like, shape (n_mu,)
        Strictly increasing pitch-angle cosines with ``mu[0] == -1`` and
        ``mu[-1] == 1``; n_mu >= 2.
    D_mumu : array_like, shape (..., n_mu)
        Pitch-angle diffusion coefficient [s^-1] on ``mu``, one row per cell;
        >= 0, and > 0 for :math:`|\mu| < 1`.
    v : float or array_like
        Particle speed [cm s^-1], > 0, broadcastable to ``D_mumu.shape[:-1]``.

    Returns
    -------
    kappa_par : float or ndarray of shape ``D_mumu.shape[:-1]``
        [cm^2 s^-1] (unyt if any input had units).

    Notes
    -----
    Diffusion approximation: valid on scales >> :math:`\lambda_\parallel` and
    times >> the scattering time; quasilinear :math:`D_{\mu\mu}`.
    """
    mu_a, u1 = _strip("mu", mu, "")
    d_a, u2 = _strip("D_mumu", D_mumu, "1/s")
    v_a, u3 = _strip("v", v, "cm/s")
    validate("mu", mu_a, Arg("", bounds=(-1.0, 1.0)))
    validate("D_mumu", d_a, Arg("1/s", nonnegative=True))
    validate("v", v_a, Arg("cm/s", positive=True))
    if mu_a.ndim != 1 or mu_a.size < 2:
        raise ValueError("argument 'mu' must be a 1-D array of at least 2 samples")
    if not np.all(np.diff(mu_a) > 0):
        raise ValueError("argument 'mu' must be strictly increasing")
    if mu_a[0] != -1.0 or mu_a[-1] != 1.0:
        raise ValueError("argument 'mu' must start at -1 and end at 1")
    if d_a.ndim < 1 or d_a.shape[-1] != mu_a.size:
        raise ValueError(f"argument 'D_mumu' must have last axis of length {mu_a.size} (len(mu)), "
                         f"got shape {d_a.shape}")
    interior = np.abs(mu_a) < 1.0
    if not np.all(d_a[..., interior] > 0):
        raise ValueError("argument 'D_mumu' must be > 0 for |mu| < 1 (no scattering: kappa_par is infinite)")
    cells = d_a.shape[:-1]
    try:
        v_b = np.broadcast_to(v_a, cells)
    except ValueError:
        raise ValueError(f"argument 'v' of shape {v_a.shape} does not broadcast to D_mumu.shape[:-1] = {cells}") from None
    n_cells = int(np.prod(cells, dtype=np.int64))
    d_flat = np.ascontiguousarray(d_a.reshape(n_cells, mu_a.size))
    v_flat = np.ascontiguousarray(v_b, dtype=np.float64).reshape(-1)
    out = np.empty(n_cells)
    _k.kappa_par_qlt_array(np.ascontiguousarray(mu_a), d_flat, v_flat, out)
    return finish(out, cells, u1 or u2 or u3, "cm**2/s")


def diffusion_tensor(b, D_par, D_perp, D_A=0.0):
    r"""Anisotropic CR diffusion tensor with respect to the field direction.

    CR transport review, section "Anisotropic Spatial Diffusion":

    .. math::
        D_{ij} = D_\perp\delta_{ij} + (D_\parallel - D_\perp)\,b_ib_j + D_A\,\epsilon_{ijk}b_k .

    The symmetric part has eigenvalue :math:`D_\parallel` along
    :math:`\mathbf b` and :math:`D_\perp` (twice) across it; the antisymmetric
    (drift, "Hall") part does not dissipate.  Sign convention: the flux
    :math:`F_i = -D_{ij}\partial_j n` contains :math:`+D_A\,(\mathbf b\times\nabla n)`.

    Parameters
    ----------
    b : array_like, shape (..., 3)
        Magnetic-field direction (any non-zero length, normalised here; a
        magnetic-field vector can be passed directly, its units are ignored).
    D_par, D_perp : float or array_like
        Parallel and perpendicular diffusion coefficients [cm^2 s^-1], >= 0,
        broadcastable to ``b.shape[:-1]``.
    D_A : float or array_like, optional
        Antisymmetric (drift) coefficient [cm^2 s^-1], any sign.  Default 0.

    Returns
    -------
    D : ndarray, shape (..., 3, 3)
        [cm^2 s^-1] (unyt if any coefficient had units).
    """
    b_a = np.asarray(getattr(b, "d", b), dtype=np.float64)
    validate("b", b_a, Arg())
    if b_a.ndim < 1 or b_a.shape[-1] != 3:
        raise ValueError(f"argument 'b' must have a last axis of length 3, got shape {b_a.shape}")
    if np.any(np.sum(b_a * b_a, axis=-1) == 0.0):
        raise ValueError("argument 'b' must be a non-zero vector (field direction undefined)")
    coeffs, had = [], False
    for name, value, spec in (("D_par", D_par, Arg("cm**2/s", nonnegative=True)),
                              ("D_perp", D_perp, Arg("cm**2/s", nonnegative=True)),
                              ("D_A", D_A, Arg("cm**2/s"))):
        arr, u = _strip(name, value, "cm**2/s")
        validate(name, arr, spec)
        coeffs.append(arr)
        had |= u
    cells = b_a.shape[:-1]
    try:
        shape = np.broadcast_shapes(cells, *(c.shape for c in coeffs))
    except ValueError:
        raise ValueError("arguments 'b', 'D_par', 'D_perp', 'D_A' have shapes that do not broadcast") from None
    flat = [np.ascontiguousarray(np.broadcast_to(b_a[..., i], shape)).reshape(-1) for i in range(3)]
    flat += [np.ascontiguousarray(np.broadcast_to(c, shape), dtype=np.float64).reshape(-1) for c in coeffs]
    n = flat[0].size
    out = np.empty((n, 9))
    _k.diffusion_tensor_array(*flat, out)
    out = out.reshape(shape + (3, 3))
    if had and unyt is not None:
        return unyt.unyt_array(out, "cm**2/s")
    return out


@closure(_k.mean_free_path_rigidity_array, units="cm", R=Arg("statV", positive=True),
         R_ref=Arg("statV", positive=True), lambda_ref=Arg("cm", positive=True),
         q=Arg("", bounds=(1.0, 2.0)))
def mean_free_path_rigidity(R, R_ref, lambda_ref, q):
    r"""QLT rigidity scaling of the parallel mean free path, :math:`\lambda_\parallel = \lambda_{ref}(R/R_{ref})^{2-q}`.

    CR transport review (QLT section): gyroresonance with
    :math:`E(k) \propto k^{-q}` at :math:`k_{res} \propto 1/R` gives
    :math:`D_{\mu\mu} \propto R^{q-2}` and :math:`\lambda_\parallel \propto R^{2-q}`:
    :math:`R^{1/3}` for Kolmogorov (q = 5/3), :math:`R^{1/2}` for Kraichnan
    (q = 3/2).  Consistent with Schlickeiser et al. (2019) eq (30),
    :math:`\kappa_{zz}/v \propto p^{2-s}`.

    Parameters
    ----------
    R, R_ref : float or array_like
        Rigidity and reference rigidity (:math:`pc/q`) [statV; any voltage
        unit as unyt input], > 0.
    lambda_ref : float or array_like
        Mean free path at ``R_ref`` [cm], > 0.
    q : float or array_like
        Turbulence spectral index in [1, 2] (the QLT resonance picture holds
        for 1 < q < 2; the end points give lambda ~ R and lambda = const).

    Returns
    -------
    lambda_par : float or ndarray
        [cm].

    Notes
    -----
    Relativistic particles resonating within the inertial range; ignores the
    90-degree problem and turbulence anisotropy (see the review's
    "Limitations of QLT").
    """
