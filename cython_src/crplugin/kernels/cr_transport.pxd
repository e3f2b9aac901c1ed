# Two-moment cosmic-ray transport (Jiang & Oh 2018) with a reduced speed of light:
# pointwise kernels.  The array drivers (flux, update, implicit source) live in
# cr_transport.pyx; the orchestration in crplugin/solver/cr.py.

cdef double cr_reduced_speed(double v_m, double gamma_c, double tau) noexcept nogil
cdef double cr_streaming_sign(double h_c, double pc, double b_grad_pc) noexcept nogil
cdef double cr_streaming_inverse_opacity(double v_st, double gamma_c, double h_c, double pc, double b_grad_pc) noexcept nogil
cdef double cr_streaming_heating(double v_st, double h_c, double pc, double b_grad_pc) noexcept nogil
cdef void cr_unit_vector(double b1, double b2, double b3, double* out) noexcept nogil
cdef void cr_streaming_terms(double v_st, double gamma_c, double h_c, double pc, double b_grad_pc,
                             double* inv_opacity, double* v_par) noexcept nogil
