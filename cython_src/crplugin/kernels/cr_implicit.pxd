# Implicit two-moment CR transport: array kernels of the Newton solver
# (source rate of the backward-Euler residual, scatter of the coloured
# finite-difference Jacobian).  Orchestration in crplugin/solver/cr_implicit.py;
# the opacity, streaming sign and reduced speed are those of cr_transport.pxd.

# Number of colours per active axis of the finite-difference Jacobian: the CR
# residual of a cell depends on cells at most NCOLOR_HALF cells away along each axis.
cdef enum:
    NCOLOR_HALF = 3
    NCOLOR = 7
