"""Finite-volume solvers: the ideal-MHD integrator (:mod:`crplugin.solver.mhd`)."""
