"""Compiled pointwise kernels of crplugin (built from ``cython_src/``).

Each ``<name>.pxd`` declares ``cdef double f(...) noexcept nogil`` closures
that other Cython codes may ``cimport``; each extension module also exports
``<f>_array`` drivers that loop over contiguous float64 arrays without the GIL.
"""
