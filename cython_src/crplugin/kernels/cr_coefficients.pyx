"""Compiled CR transport coefficients that depend on the CR state.

Each is a :class:`crplugin.kernels.cr_step.CoefficientKernel` that the CR step
calls at every stage of every sub-step; the parts that depend only on the gas
(frozen during the CR step) are given to the constructor as cell arrays.  The
physics comes from the pointwise closures (cimported, never copied).
"""
from libc.math cimport fabs

import numpy as np

from crplugin.kernels.cr_step cimport CoefficientKernel
from crplugin.kernels.scattering cimport self_confined_kappa


cdef class SelfConfinementKappa(CoefficientKernel):
    """kappa_par = L (v_D - v_A) of self-confinement (Zweibel 2021 eqs 19 and 52,
    ``scattering.self_confined_kappa``), kappa_perp = 0.

    Depends on the CR state through the gradient length
    ``L = P_c/|b.grad P_c|`` (capped at ``L_max`` where P_c is flat) and the CR
    number density ``n_cr = E_c * e_to_ncr`` (mean energy per CR); through the
    gas on ``v_A``, ``B``, ``n_ion`` and the damping rate ``gamma_damp`` (cgs,
    cell arrays with ghosts).  Code units in and out: ``length`` and
    ``diffusivity`` are the cgs values of the code units; ``kappa_max > 0`` caps
    the result (code units).
    """
    cdef double[:, :, ::1] v_a, bmag, n_ion, gamma_damp
    cdef double gm1, e_to_ncr, length, diffusivity, L_max, kappa_max, C

    def __init__(self, v_a, bmag, n_ion, gamma_damp, double C, double gamma_c, double e_to_ncr,
                 double length, double diffusivity, double L_max, double kappa_max):
        shape = np.shape(v_a)
        self.v_a = np.ascontiguousarray(v_a, dtype=float)
        self.bmag = np.ascontiguousarray(np.broadcast_to(bmag, shape), dtype=float)
        self.n_ion = np.ascontiguousarray(np.broadcast_to(n_ion, shape), dtype=float)
        self.gamma_damp = np.ascontiguousarray(np.broadcast_to(gamma_damp, shape), dtype=float)
        self.C, self.gm1, self.e_to_ncr = C, gamma_c - 1.0, e_to_ncr
        self.length, self.diffusivity = length, diffusivity
        self.L_max, self.kappa_max = L_max, kappa_max

    cdef void update(self, const double[:, :, :, ::1] cr, const double[:, :, ::1] gpar,
                     Py_ssize_t k0, Py_ssize_t k1, Py_ssize_t j0, Py_ssize_t j1,
                     Py_ssize_t i0, Py_ssize_t i1,
                     double[:, :, ::1] kappa_par, double[:, :, ::1] kappa_perp) noexcept nogil:
        cdef Py_ssize_t k, j, i
        cdef double pc, g, L, ncr, kap
        for k in range(k0, k1):
            for j in range(j0, j1):
                for i in range(i0, i1):
                    pc = self.gm1 * cr[0, k, j, i]
                    g = fabs(gpar[k, j, i])
                    L = pc / g if g > pc / self.L_max else self.L_max
                    if not (L > 1.0e-300):
                        L = 1.0e-300
                    ncr = cr[0, k, j, i] * self.e_to_ncr
                    if not (ncr > 1.0e-300):
                        ncr = 1.0e-300
                    kap = self_confined_kappa(self.v_a[k, j, i], L * self.length, self.gamma_damp[k, j, i],
                                              self.bmag[k, j, i], ncr, self.n_ion[k, j, i],
                                              self.C) / self.diffusivity
                    if self.kappa_max > 0.0 and kap > self.kappa_max:
                        kap = self.kappa_max
                    kappa_par[k, j, i] = kap
                    kappa_perp[k, j, i] = 0.0
