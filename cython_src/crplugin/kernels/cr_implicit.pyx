"""Kernels of the implicit two-moment CR transport (``crplugin.solver.cr_implicit``).

The implicit integrator advances ``U = (E_c, F_c)`` with the *same* spatial
operator as the explicit one (``crplugin.kernels.cr_transport``: PLM + HLL
fluxes with opacity-reduced signal speeds, and the opacities of
``cr_opacity``), written as a rate::

    L(U) = -div F_HLL(U) + S(U),
    S_E = -(v + v_s) . sigma . R,   S_F = -V_m^2 sigma . R,
    R   = F_c - (v + u_s) gamma_c E_c,

(Jiang & Oh 2018 eqs 7-8), so that its steady state is the explicit one.
The flux divergence comes from ``cr_flux_update``; this module adds the source
rate and assembles the Jacobian ``dL/dU`` from coloured finite differences:
cells whose indices agree modulo ``NCOLOR`` along every active axis are
perturbed together (their residual stencils, half-width ``NCOLOR_HALF``, do not
overlap), and the response of each cell is scattered to the column of the one
perturbed cell within its stencil.
"""
from libc.math cimport fabs, INFINITY

from crplugin.kernels.cr_implicit cimport NCOLOR, NCOLOR_HALF


def source_rate(const double[:, :, :, ::1] cr, const double[:, :, :, ::1] vel,
                const double[:, :, :, ::1] bhat,
                const double[:, :, ::1] s_par, const double[:, :, ::1] s_perp,
                const double[:, :, ::1] vs_par, const double[:, :, ::1] us_par,
                double v_m, double gamma_c, double s_min,
                Py_ssize_t k0, Py_ssize_t k1, Py_ssize_t j0, Py_ssize_t j1,
                Py_ssize_t i0, Py_ssize_t i1, double[:, :, :, ::1] out):
    """Add the CR source rate ``S(U)`` (JO18 eqs 7-8 right-hand sides) to ``out``.

    ``sigma_a = 1/s_a`` with the inverse opacities of ``cr_opacity``; ``s = inf``
    gives no scattering, and ``s`` is floored at ``s_min`` (an optical depth
    per cell of ``V_m dx / s_min``, far beyond the diffusive limit) so that an
    infinite opacity stays a finite, very stiff relaxation.
    """
    cdef Py_ssize_t k, j, i
    cdef double vm2 = v_m * v_m
    cdef double b1, b2, b3, v1, v2, v3, f1, f2, f3, e0
    cdef double vpar, fpar, rpar, sp, so, gpar_, gp1, gp2, gp3, wpar, upar
    cdef double vp1, vp2, vp3, rp1, rp2, rp3
    with nogil:
        for k in range(k0, k1):
            for j in range(j0, j1):
                for i in range(i0, i1):
                    e0 = cr[0, k, j, i]
                    f1 = cr[1, k, j, i]
                    f2 = cr[2, k, j, i]
                    f3 = cr[3, k, j, i]
                    b1 = bhat[0, k, j, i]
                    b2 = bhat[1, k, j, i]
                    b3 = bhat[2, k, j, i]
                    v1 = vel[0, k, j, i]
                    v2 = vel[1, k, j, i]
                    v3 = vel[2, k, j, i]
                    sp = s_par[k, j, i]
                    so = s_perp[k, j, i]
                    if sp < s_min:
                        sp = s_min
                    if so < s_min:
                        so = s_min
                    vpar = v1 * b1 + v2 * b2 + v3 * b3
                    fpar = f1 * b1 + f2 * b2 + f3 * b3
                    vp1 = v1 - vpar * b1
                    vp2 = v2 - vpar * b2
                    vp3 = v3 - vpar * b3
                    upar = vpar + us_par[k, j, i]
                    wpar = vpar + vs_par[k, j, i]
                    # sigma . R, along and across b (s = inf -> 0)
                    rpar = (fpar - gamma_c * upar * e0) / sp
                    rp1 = (f1 - fpar * b1 - gamma_c * vp1 * e0) / so
                    rp2 = (f2 - fpar * b2 - gamma_c * vp2 * e0) / so
                    rp3 = (f3 - fpar * b3 - gamma_c * vp3 * e0) / so
                    out[0, k, j, i] -= wpar * rpar + vp1 * rp1 + vp2 * rp2 + vp3 * rp3
                    out[1, k, j, i] -= vm2 * (rpar * b1 + rp1)
                    out[2, k, j, i] -= vm2 * (rpar * b2 + rp2)
                    out[3, k, j, i] -= vm2 * (rpar * b3 + rp3)


cdef inline Py_ssize_t _partner(Py_ssize_t g, Py_ssize_t colour) noexcept nogil:
    # offset d in [-NCOLOR_HALF, NCOLOR_HALF] with (g + d) = colour (mod NCOLOR)
    cdef Py_ssize_t d = (colour - g) % NCOLOR
    if d < 0:
        d = d + NCOLOR
    if d > NCOLOR_HALF:
        d = d - NCOLOR
    return d


def scatter_band(const double[:, :, :, ::1] dres, const double[::1] inv_eps,
                 int var, Py_ssize_t colour, Py_ssize_t glo,
                 Py_ssize_t k, Py_ssize_t j, Py_ssize_t i0, Py_ssize_t i1,
                 Py_ssize_t nvar, Py_ssize_t ku, double[:, ::1] ab):
    """Scatter one colour of a 1D finite-difference Jacobian into LAPACK band storage.

    ``dres[n, k, j, i]`` is the change of the rate of variable ``n`` when the
    cells of colour ``colour`` (global index ``glo + (i - i0)`` congruent to it
    modulo NCOLOR) had variable ``var`` raised by ``1/inv_eps[cell]``.
    Unknowns are interleaved, ``p = cell * nvar + n``; ``ab[ku + p - q, q] = J[p, q]``
    (``scipy.linalg.solve_banded`` layout).  Partners outside the block are
    dropped (they belong to a neighbouring rank or a ghost).
    """
    cdef Py_ssize_t i, n, c, cp, p, q, ncell = i1 - i0
    with nogil:
        for i in range(i0, i1):
            c = i - i0
            cp = c + _partner(glo + c, colour)
            if cp < 0 or cp >= ncell:
                continue
            q = cp * nvar + var
            for n in range(nvar):
                p = c * nvar + n
                ab[ku + p - q, q] = dres[n, k, j, i] * inv_eps[cp]


def scatter_coo(const double[:, :, :, ::1] dres, const double[:, :, ::1] inv_eps,
                int var, Py_ssize_t c1, Py_ssize_t c2, Py_ssize_t c3,
                Py_ssize_t g1, Py_ssize_t g2, Py_ssize_t g3,
                int act1, int act2, int act3,
                Py_ssize_t k0, Py_ssize_t k1, Py_ssize_t j0, Py_ssize_t j1,
                Py_ssize_t i0, Py_ssize_t i1, Py_ssize_t nvar,
                long[::1] rows, long[::1] cols, double[::1] vals, Py_ssize_t start):
    """Append one colour of a finite-difference Jacobian as COO triplets (2D/3D).

    Colour ``(c1, c2, c3)`` along the active axes; ``g1..g3`` are the global
    indices of the first active cell of the block.  Unknown ``p = ((kk n2 + jj)
    n1 + ii) nvar + n`` in block-local active indices.  Exact zeros are skipped;
    returns the new number of triplets.
    """
    cdef Py_ssize_t k, j, i, n, kk, jj, ii, kp, jp, ip, p, q, m = start
    cdef Py_ssize_t n1 = i1 - i0, n2 = j1 - j0, n3 = k1 - k0
    cdef double v
    with nogil:
        for k in range(k0, k1):
            kk = k - k0
            kp = kk + (_partner(g3 + kk, c3) if act3 else 0)
            if kp < 0 or kp >= n3:
                continue
            for j in range(j0, j1):
                jj = j - j0
                jp = jj + (_partner(g2 + jj, c2) if act2 else 0)
                if jp < 0 or jp >= n2:
                    continue
                for i in range(i0, i1):
                    ii = i - i0
                    ip = ii + (_partner(g1 + ii, c1) if act1 else 0)
                    if ip < 0 or ip >= n1:
                        continue
                    q = ((kp * n2 + jp) * n1 + ip) * nvar + var
                    for n in range(nvar):
                        v = dres[n, k, j, i]
                        if v == 0.0:
                            continue
                        v = v * inv_eps[kp + k0, jp + j0, ip + i0]
                        rows[m] = ((kk * n2 + jj) * n1 + ii) * nvar + n
                        cols[m] = q
                        vals[m] = v
                        m = m + 1
    return m
