"""QLT transport kernels: kappa_par from D_mumu, diffusion tensor, rigidity scaling."""

cdef extern from "crplugin/qlt.h" nogil:
    double crp_kappa_par_isotropic(double v, double nu)
    double crp_mean_free_path_rigidity(double R, double R_ref, double lambda_ref, double q)
    double crp_kappa_par_qlt_sampled(const double* mu, const double* D_mumu, Py_ssize_t n, double v)
    void crp_diffusion_tensor_components(double bx, double by, double bz, double D_par, double D_perp, double D_A, double* out)

from crplugin.kernels._map cimport map2, map4

# The closures declared in qlt.pxd (the cimport API) run the C functions of
# crplugin/qlt.h: one definition for Python, Cython, C, C++ and Fortran.


cdef double kappa_par_isotropic(double v, double nu) noexcept nogil:
    return crp_kappa_par_isotropic(v, nu)


cdef double mean_free_path_rigidity(double R, double R_ref, double lambda_ref, double q) noexcept nogil:
    return crp_mean_free_path_rigidity(R, R_ref, lambda_ref, q)


cdef double kappa_par_qlt_sampled(const double* mu, const double* D_mumu, Py_ssize_t n, double v) noexcept nogil:
    return crp_kappa_par_qlt_sampled(mu, D_mumu, n, v)


cdef void diffusion_tensor_components(double bx, double by, double bz, double D_par, double D_perp, double D_A, double* out) noexcept nogil:
    crp_diffusion_tensor_components(bx, by, bz, D_par, D_perp, D_A, out)


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
