# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Using the crplugin closures from another Cython code by ``cimport``.

The pointwise closures are ``cdef ... noexcept nogil`` C functions declared in
the ``.pxd`` files shipped with crplugin, so a host code can call them inside
its own loops with no Python overhead and no temporary arrays.  Build with
``crplugin.get_include()`` on Cython's include path (see examples/README.md).
"""
from libc.math cimport INFINITY

from crplugin.kernels.alfvenic cimport alfven_speed


def alfven_speed_cells(const double[::1] B, const double[::1] rho_ion, double[::1] out):
    """Fill ``out`` with the ion Alfven speed of each cell [cm s^-1]."""
    cdef Py_ssize_t i, n = out.shape[0]
    if B.shape[0] != n or rho_ion.shape[0] != n:
        raise ValueError("B, rho_ion and out must have the same length")
    with nogil:
        for i in range(n):
            out[i] = alfven_speed(B[i], rho_ion[i])


def alfven_crossing_time(const double[::1] B, const double[::1] rho_ion, const double[::1] dx):
    """Alfven crossing time of a column of cells, t_A = sum_i dx_i / v_A,i [s].

    A reduction a host code would write itself: the closure is evaluated
    cell by cell inside the loop, nothing is allocated.  Cells with B = 0
    (v_A = 0) make the crossing time infinite.
    """
    cdef Py_ssize_t i, n = dx.shape[0]
    cdef double t = 0.0, v
    if B.shape[0] != n or rho_ion.shape[0] != n:
        raise ValueError("B, rho_ion and dx must have the same length")
    with nogil:
        for i in range(n):
            v = alfven_speed(B[i], rho_ion[i])
            if v == 0.0:
                t = INFINITY
                break
            t += dx[i] / v
    return t
