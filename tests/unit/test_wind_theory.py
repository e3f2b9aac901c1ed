"""The steady wind solutions the galactic_wind analysis compares with.

* the general transonic solver (Bernoulli integral through the critical
  point) reproduces the closed-form Parker wind (Lambert W) without CRs;
* its CR-locked and streaming solutions satisfy the steady momentum equation
  v v' = -(c^2 rho' + P_c')/rho - phi' (checked by finite differences, an
  independent test of the Bernoulli constant and of the branch choice), are
  transonic at r_c with v = c_eff there, and have P_c ~ rho^gamma_p;
* CRs locked to the gas in an isothermal sphere have no transonic wind.
"""
import math

import numpy as np
import pytest

from crplugin.problems import _wind_theory as wt


def test_general_solver_gives_the_exact_parker_wind():
    gm, c, rho0, r0 = 2.0, 0.5, 1.0, 1.0                 # r_c = GM / 2c^2 = 4
    r = np.logspace(0, 1.5, 60)
    v, rho, mdot = wt.parker_wind(r, gm, c, rho0, r0)
    phi, rdphi = wt.point_mass(gm)
    w = wt.SteadyWind(c, rho0, 0.0, r0, phi, rdphi)
    assert w.r_c == pytest.approx(4.0, rel=1e-12)
    assert w.mdot == pytest.approx(mdot, rel=1e-10)
    np.testing.assert_allclose(w.velocity(r), v, rtol=1e-9)
    # the exact Mach number obeys M^2 - ln M^2 = 4 ln x + 4/x - 3 (Cranmer 2004 eq 19)
    m2 = (v / c) ** 2
    x = r / 4.0
    np.testing.assert_allclose(m2 - np.log(m2), 4 * np.log(x) + 4 / x - 3, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("case", ["locked_point_mass", "streaming_isothermal_sphere"])
def test_cr_wind_solves_the_steady_momentum_equation(case):
    if case == "locked_point_mass":
        gm, gamma_p = 2.0, 4.0 / 3.0
        phi, rdphi = wt.point_mass(gm)
        dphi = lambda r: gm / r**2
        w = wt.SteadyWind(0.5, 1.0, 0.2, 1.0, phi, rdphi, gamma_p=gamma_p)
    else:
        v_g, gamma_p = 1.0, 2.0 / 3.0
        phi, rdphi = wt.isothermal_sphere(v_g)
        dphi = lambda r: 2 * v_g**2 / r
        w = wt.SteadyWind(0.5, 1.0, 0.3, 1.0, phi, rdphi, gamma_p=gamma_p)
    r = np.logspace(0.0, 1.5, 1001)
    rho = w.density(r)
    v = w.mdot / (4 * math.pi * r**2 * rho)
    ptot = 0.25 * rho + w.p_c(rho)
    residual = v * np.gradient(v, r) + np.gradient(ptot, r) / rho + dphi(r)
    assert np.max(np.abs(residual[3:-3])) < 1e-4 * np.max(dphi(r)), np.max(np.abs(residual[3:-3]))
    # transonic: subsonic at the base, v = c_eff at r_c, supersonic outside
    assert v[0] ** 2 < w.c_eff2(rho[0]) and v[-1] ** 2 > w.c_eff2(rho[-1])
    assert w.velocity(w.r_c)[0] ** 2 == pytest.approx(w.c_eff2(w.rho_c), rel=1e-6)
    np.testing.assert_allclose(np.log(w.p_c(rho) / w.p_c0), gamma_p * np.log(rho / w.rho0), atol=1e-12)


def test_locked_crs_in_an_isothermal_sphere_have_no_transonic_wind():
    phi, rdphi = wt.isothermal_sphere(1.0)
    with pytest.raises(ValueError, match="no transonic wind"):
        wt.SteadyWind(0.5, 1.0, 0.3, 1.0, phi, rdphi, gamma_p=4.0 / 3.0)
