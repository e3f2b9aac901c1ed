# Quasilinear-theory (QLT) transport closures from the CR transport review:
# parallel diffusion from a sampled D_mumu(mu), the anisotropic diffusion tensor,
# and the rigidity scaling of the mean free path.  cgs units.
# Equations and regimes: crplugin/closures/qlt.py, docs/closures.md.

cdef double kappa_par_isotropic(double v, double nu) noexcept nogil
cdef double mean_free_path_rigidity(double R, double R_ref, double lambda_ref, double q) noexcept nogil
cdef double kappa_par_qlt_sampled(const double* mu, const double* D_mumu, Py_ssize_t n, double v) noexcept nogil
cdef void diffusion_tensor_components(double bx, double by, double bz, double D_par, double D_perp, double D_A, double* out) noexcept nogil
