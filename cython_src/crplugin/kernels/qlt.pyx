"""QLT transport kernels: kappa_par from D_mumu, diffusion tensor, rigidity scaling."""
from libc.math cimport pow, sqrt

from crplugin.kernels._map cimport map2, map4


cdef double kappa_par_isotropic(double v, double nu) noexcept nogil:
    # kappa_par for isotropic scattering D_mumu = nu (1 - mu^2)/2:  v^2 / (3 nu)
    return v * v / (3.0 * nu)


cdef double mean_free_path_rigidity(double R, double R_ref, double lambda_ref, double q) noexcept nogil:
    # QLT scaling lambda_par ~ R^(2-q) for a turbulence spectrum E(k) ~ k^-q
    return lambda_ref * pow(R / R_ref, 2.0 - q)


cdef inline double _integrand(double mu, double d) noexcept nogil:
    # (1 - mu^2)^2 / D_mumu; at |mu| = 1 the numerator vanishes quadratically and
    # D_mumu (~ 1 - mu^2) at most linearly, so the limit is 0 (also when D = 0 there).
    cdef double w = 1.0 - mu * mu
    if w <= 0.0:
        return 0.0
    return w * w / d


cdef double kappa_par_qlt_sampled(const double* mu, const double* D_mumu, Py_ssize_t n, double v) noexcept nogil:
    # kappa_par = v^2/8 int_{-1}^{1} (1-mu^2)^2 / D_mumu dmu on the samples mu[0..n-1]
    # (strictly increasing).  Composite Simpson rule for unequal intervals on
    # pairs of intervals; an odd last interval uses the quadratic through the
    # last three samples.  Exact for an integrand quadratic in mu (isotropic
    # scattering) on any grid with n >= 3.  n == 2: trapezoid.
    cdef Py_ssize_t i
    cdef double total = 0.0, h0, h1, f0, f1, f2
    if n < 2:
        return 0.0
    if n == 2:
        return v * v / 8.0 * 0.5 * (mu[1] - mu[0]) * (_integrand(mu[0], D_mumu[0]) + _integrand(mu[1], D_mumu[1]))
    i = 0
    while i + 2 < n:
        h0 = mu[i + 1] - mu[i]
        h1 = mu[i + 2] - mu[i + 1]
        f0 = _integrand(mu[i], D_mumu[i])
        f1 = _integrand(mu[i + 1], D_mumu[i + 1])
        f2 = _integrand(mu[i + 2], D_mumu[i + 2])
        total += (h0 + h1) / 6.0 * ((2.0 - h1 / h0) * f0 + (h0 + h1) * (h0 + h1) / (h0 * h1) * f1
                                    + (2.0 - h0 / h1) * f2)
        i += 2
    if i + 1 < n:
        # one interval [mu[n-2], mu[n-1]] left: quadratic through the last three samples
        h0 = mu[n - 2] - mu[n - 3]
        h1 = mu[n - 1] - mu[n - 2]
        f0 = _integrand(mu[n - 3], D_mumu[n - 3])
        f1 = _integrand(mu[n - 2], D_mumu[n - 2])
        f2 = _integrand(mu[n - 1], D_mumu[n - 1])
        total += (f2 * (2.0 * h1 * h1 + 3.0 * h0 * h1) / (6.0 * (h0 + h1))
                  + f1 * (h1 * h1 + 3.0 * h0 * h1) / (6.0 * h0)
                  - f0 * h1 * h1 * h1 / (6.0 * h0 * (h0 + h1)))
    return v * v / 8.0 * total


cdef void diffusion_tensor_components(double bx, double by, double bz, double D_par, double D_perp,
                                      double D_A, double* out) noexcept nogil:
    # D_ij = D_perp delta_ij + (D_par - D_perp) b_i b_j + D_A eps_ijk b_k, row-major into out[9].
    # b is normalised here; b = 0 (no field direction) gives the isotropic D_perp delta_ij.
    cdef double nb = sqrt(bx * bx + by * by + bz * bz)
    cdef double b[3]
    cdef double dd = D_par - D_perp
    cdef int i, j
    if nb > 0.0:
        b[0] = bx / nb
        b[1] = by / nb
        b[2] = bz / nb
    else:
        b[0] = 0.0
        b[1] = 0.0
        b[2] = 0.0
        dd = 0.0
    for i in range(3):
        for j in range(3):
            out[3 * i + j] = dd * b[i] * b[j]
        out[3 * i + i] += D_perp
    # antisymmetric part: eps_ijk b_k
    out[1] += D_A * b[2]   # (0,1): eps_012 b_2
    out[3] -= D_A * b[2]   # (1,0)
    out[2] -= D_A * b[1]   # (0,2): eps_021 b_1 = -b_1
    out[6] += D_A * b[1]   # (2,0)
    out[5] += D_A * b[0]   # (1,2): eps_120 b_0
    out[7] -= D_A * b[0]   # (2,1)


def kappa_par_isotropic_array(const double[::1] v, const double[::1] nu, double[::1] out):
    with nogil:
        map2(kappa_par_isotropic, v, nu, out)


def mean_free_path_rigidity_array(const double[::1] R, const double[::1] R_ref,
                                  const double[::1] lambda_ref, const double[::1] q, double[::1] out):
    with nogil:
        map4(mean_free_path_rigidity, R, R_ref, lambda_ref, q, out)


def kappa_par_qlt_array(const double[::1] mu, const double[:, ::1] D_mumu, const double[::1] v,
                        double[::1] out):
    """kappa_par for each row of D_mumu (shape (n_cells, n_mu)) on the common grid mu."""
    cdef Py_ssize_t c, n = mu.shape[0]
    with nogil:
        for c in range(D_mumu.shape[0]):
            out[c] = kappa_par_qlt_sampled(&mu[0], &D_mumu[c, 0], n, v[c])


def diffusion_tensor_array(const double[::1] bx, const double[::1] by, const double[::1] bz,
                           const double[::1] D_par, const double[::1] D_perp, const double[::1] D_A,
                           double[:, ::1] out):
    """Fill out[c, 0:9] with the row-major D_ij of cell c."""
    cdef Py_ssize_t c
    with nogil:
        for c in range(out.shape[0]):
            diffusion_tensor_components(bx[c], by[c], bz[c], D_par[c], D_perp[c], D_A[c], &out[c, 0])
