"""Implicit CR diffusion (``cr_diffusion``, 1D, periodic) against the analytic Gaussian.

Backward Euler with steps of 20 explicit steps (dt = 0.031, 8 steps to t = 0.25)
through GMRES (the periodic wrap is left to GMRES by the band preconditioner).  The
time error of BE on a Gaussian of variance 1 + 2 kappa t is ~ kappa dt / sigma^2
per unit time, a few 1e-4 of the peak over the run; measured L1/peak 3.5e-4
(explicit: 6.9e-4, whose error is the reduced speed of light's telegraph term
and the spatial one) and peak error -2.3e-3.  A wrong Jacobian does not converge
(one-line error), a wrong operator misses the analytic profile by O(1e-2).
"""
from crplugin import problems
from crplugin.run import run
from crplugin.simulation import Simulation, make_parameters


def test_implicit_diffusion_matches_analytic(tmp_path):
    prob = problems.load("cr_diffusion")
    params = make_parameters(prob, problems.input_file("cr_diffusion"),
                             ["mesh.nx=64", "mesh.ny=1", "cr.integrator=implicit", "cr.max_subcycles=20",
                              "output.progress=false"])
    sim = Simulation(params, prob)
    run(sim, str(tmp_path))
    res = prob.analyse(str(tmp_path), params)
    assert res["L1_error_rel"] < 1e-3
    assert abs(res["peak_error_rel"]) < 5e-3
