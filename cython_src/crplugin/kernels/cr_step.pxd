# One compiled CR step: the sub-cycled two-moment transport of one MHD step
# (cr_step.pyx), and the hook through which a source term hands the compiled
# loop a coefficient that depends on the CR state.

cdef class CoefficientKernel:
    # Transport coefficients recomputed every sub-step inside the compiled loop
    # (the role of Athena++'s enrolled opacity function).  ``update`` overwrites
    # kappa_par and kappa_perp (code units) on the cells k0:k1, j0:j1, i0:i1 from
    # the CR state ``cr[var, k, j, i]`` and b.grad P_c ``gpar``; the gas is frozen
    # for the step, so anything that depends only on the gas is precomputed by
    # the kernel's constructor.
    cdef void update(self, const double[:, :, :, ::1] cr, const double[:, :, ::1] gpar,
                     Py_ssize_t k0, Py_ssize_t k1, Py_ssize_t j0, Py_ssize_t j1,
                     Py_ssize_t i0, Py_ssize_t i1,
                     double[:, :, ::1] kappa_par, double[:, :, ::1] kappa_perp) noexcept nogil
