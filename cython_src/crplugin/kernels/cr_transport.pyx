"""Two-moment cosmic-ray transport kernels (Jiang & Oh 2018, ApJ 854, 5).

Variables: ``cr[0] = E_c`` (CR energy density) and ``cr[1:4] = F_c`` (CR
energy flux, *not* divided by the reduced speed of light ``V_m``).  The
equations (JO18 eqs 7-8, P_c = (gamma_c - 1) E_c, isotropic Eddington tensor)::

    dE_c/dt + div F_c                    = -(v + v_s) . sigma . R
    dF_c/dt + V_m^2 (gamma_c - 1) grad E_c = -V_m^2 sigma . R
    R = F_c - (v + u_s) gamma_c E_c

with ``sigma = sigma_par b b + sigma_perp (I - b b)``.  ``u_s`` is zero for
self-confined streaming (streaming enters through the opacity) and equal to
the fixed signed wave speed along ``b`` in the extrinsic-turbulence mode.

The kernels work with the *inverse* opacities ``s = 1/sigma`` (finite for
every input the Python layer lets through; ``s = inf`` means no scattering,
``s = 0`` infinitely many), so that no division by a vanishing opacity or
gradient ever happens.

The loops over cells (gradient, opacities, HLL fluxes, update, implicit
source) are in ``crplugin.kernels.cr_step``, which runs a whole CR step.
"""
from libc.math cimport sqrt, fabs, exp, tanh, INFINITY

from crplugin.kernels._map cimport map3, map5
from crplugin.kernels.heating cimport streaming_heating_regularised

# ---------------------------------------------------------------------------
# pointwise kernels (exported through the C API)
# ---------------------------------------------------------------------------

cdef double cr_reduced_speed(double v_m, double gamma_c, double tau) noexcept nogil:
    # HLL signal speed of the two-moment system across a cell of optical depth
    # tau = V_m sigma dx (JO18 section 3.1; same functional form as Athena++):
    #   a = V_m sqrt(gamma_c - 1) sqrt((1 - exp(-q)) / q),  q = tau^2 / (2 (gamma_c - 1)).
    # a -> V_m sqrt(gamma_c - 1) (free streaming) for tau -> 0 and
    # a -> sqrt(2) (gamma_c - 1) V_m / tau (~ kappa/dx) for tau -> inf.
    cdef double cmax = v_m * sqrt(gamma_c - 1.0)
    cdef double q
    if not (tau > 0.0):          # tau = 0 (or NaN): no reduction
        return cmax
    q = tau * tau / (2.0 * (gamma_c - 1.0))
    if q < 1.0e-3:
        return cmax * sqrt(1.0 - 0.5 * q)
    if q > 700.0:                # exp(-q) underflows; also q = inf -> 0
        return cmax / sqrt(q)
    return cmax * sqrt((1.0 - exp(-q)) / q)


cdef double cr_streaming_sign(double h_c, double pc, double b_grad_pc) noexcept nogil:
    # Regularised sign of b . grad P_c (Sharma, Colella & Martin 2010):
    #   tanh(h_c b.grad P_c / P_c);  exact sign where P_c <= 0; 0 at zero gradient.
    if pc > 0.0:
        return tanh(h_c * b_grad_pc / pc)
    if b_grad_pc > 0.0:
        return 1.0
    if b_grad_pc < 0.0:
        return -1.0
    return 0.0


cdef double cr_streaming_inverse_opacity(double v_st, double gamma_c, double h_c, double pc, double b_grad_pc) noexcept nogil:
    # 1/sigma_s = v_st (E_c + P_c) |tanh(x)| / |b.grad P_c|,  x = h_c b.grad P_c / P_c
    #           = gamma_c/(gamma_c-1) v_st h_c tanh|x| / |x|,
    # i.e. the regularised streaming flux v_st (E_c+P_c) tanh(x) written as a
    # diffusion along b.  Bounded by gamma_c/(gamma_c-1) v_st h_c (its zero-
    # gradient limit), so the streaming opacity never vanishes.
    cdef double ag = fabs(b_grad_pc)
    cdef double pref, x
    if not (v_st > 0.0):
        return 0.0
    pref = gamma_c / (gamma_c - 1.0) * v_st
    if not (pc > 0.0):
        if ag > 0.0:
            return 0.0           # no CRs to stream
        return pref * h_c
    x = h_c * ag / pc
    if x < 1.0e-4:
        return pref * h_c * (1.0 - x * x / 3.0)
    return pref * pc * tanh(x) / ag


cdef double cr_streaming_heating(double v_st, double h_c, double pc, double b_grad_pc) noexcept nogil:
    # Streaming heating of the gas, H = -v_s . grad P_c = v_st tanh(x) b.grad P_c >= 0,
    # x = h_c b.grad P_c / P_c (Zweibel 2021 eq 38, |v_A . grad P_c|, with the regularised
    # sign of the transport): the energy the CR step actually hands to the gas.  This is
    # the one definition used by the solver, the source terms, the outputs and yt.  The
    # formula itself is the public closure's (heating.h, crp_streaming_heating_regularised)
    # with the gradient scale g_0 = P_c / h_c; P_c <= 0 gives the exact sign, |v_st g|.
    return streaming_heating_regularised(v_st, b_grad_pc, pc / h_c if pc > 0.0 else 0.0)


cdef void cr_unit_vector(double b1, double b2, double b3, double* out) noexcept nogil:
    # b = B/|B|; b = 0 where B = 0 (no direction: only the isotropic (perpendicular)
    # coefficients act there and nothing streams).  The one definition of b.
    cdef double bm = sqrt(b1 * b1 + b2 * b2 + b3 * b3)
    if bm > 0.0:
        out[0] = b1 / bm
        out[1] = b2 / bm
        out[2] = b3 / bm
    else:
        out[0] = 0.0
        out[1] = 0.0
        out[2] = 0.0


cdef void cr_streaming_terms(double v_st, double gamma_c, double h_c, double pc, double b_grad_pc,
                             double* inv_opacity, double* v_par) noexcept nogil:
    # Both streaming quantities of a cell from one tanh: the inverse streaming
    # opacity (cr_streaming_inverse_opacity) and the signed streaming velocity
    # along b, v_par = -v_st tanh(x) (cr_streaming_sign).  Same branches and
    # arithmetic as those two functions.
    cdef double ag = fabs(b_grad_pc)
    cdef double pref, x, t
    if pc > 0.0:
        t = tanh(h_c * b_grad_pc / pc)
    elif b_grad_pc > 0.0:
        t = 1.0
    elif b_grad_pc < 0.0:
        t = -1.0
    else:
        t = 0.0
    v_par[0] = -v_st * t
    if not (v_st > 0.0):
        inv_opacity[0] = 0.0
        return
    pref = gamma_c / (gamma_c - 1.0) * v_st
    if not (pc > 0.0):
        inv_opacity[0] = 0.0 if ag > 0.0 else pref * h_c
        return
    x = h_c * ag / pc
    if x < 1.0e-4:
        inv_opacity[0] = pref * h_c * (1.0 - x * x / 3.0)
    else:
        inv_opacity[0] = pref * pc * fabs(t) / ag     # tanh(|x|) = |tanh(x)|


# ---------------------------------------------------------------------------
# array drivers of the pointwise kernels (the array drivers of the transport
# itself -- gradient, opacities, HLL fluxes, update, implicit source -- are the
# compiled CR step, crplugin.kernels.cr_step)
# ---------------------------------------------------------------------------

def cr_reduced_speed_array(const double[::1] v_m, const double[::1] gamma_c,
                           const double[::1] tau, double[::1] out):
    with nogil:
        map3(cr_reduced_speed, v_m, gamma_c, tau, out)


def cr_streaming_sign_array(const double[::1] h_c, const double[::1] pc,
                            const double[::1] b_grad_pc, double[::1] out):
    with nogil:
        map3(cr_streaming_sign, h_c, pc, b_grad_pc, out)


def cr_streaming_inverse_opacity_array(const double[::1] v_st, const double[::1] gamma_c,
                                       const double[::1] h_c, const double[::1] pc,
                                       const double[::1] b_grad_pc, double[::1] out):
    with nogil:
        map5(cr_streaming_inverse_opacity, v_st, gamma_c, h_c, pc, b_grad_pc, out)


def cr_streaming_heating_array(const double[::1] v_st, const double[::1] h_c,
                               const double[::1] pc, const double[::1] b_grad_pc, double[::1] out):
    cdef Py_ssize_t i
    with nogil:
        for i in range(out.shape[0]):
            out[i] = cr_streaming_heating(v_st[i], h_c[i], pc[i], b_grad_pc[i])


def unit_vector(const double[:, :, :, ::1] bcc, double[:, :, :, ::1] out):
    """``out = B/|B|`` per cell, 0 where B = 0 (:c:func:`cr_unit_vector`)."""
    cdef Py_ssize_t k, j, i
    cdef double b[3]
    with nogil:
        for k in range(bcc.shape[1]):
            for j in range(bcc.shape[2]):
                for i in range(bcc.shape[3]):
                    cr_unit_vector(bcc[0, k, j, i], bcc[1, k, j, i], bcc[2, k, j, i], b)
                    out[0, k, j, i] = b[0]
                    out[1, k, j, i] = b[1]
                    out[2, k, j, i] = b[2]
