"""Particle basics: checked against SI-unit formulas (independent of the Gaussian
forms in the kernels), the drift-formula erratum, properties and validation."""
import numpy as np
import pytest
import unyt
from hypothesis import given, strategies as st

import crplugin.closures as cl
from crplugin.constants import C_LIGHT, EV, K_B, M_E, M_P, PC

# SI constants (CODATA 2018), for independent checks
E_SI, C_SI, MP_SI = 1.602176634e-19, 299792458.0, 1.67262192369e-27
GEV = 1e9 * EV
MPC2_GEV = 0.93827208816     # proton rest energy [GeV], CODATA 2018

mu_st = st.floats(-1.0, 1.0)


def test_gyroradius_1GV_1muG_si():
    p = GEV / C_LIGHT                                   # 1 GeV/c
    r_si = (1e9 * E_SI / C_SI) / (E_SI * 1e-10)        # p/(eB) in m, B = 1e-10 T
    assert cl.gyroradius(p, 1e-6) == pytest.approx(100 * r_si, rel=1e-8)
    assert cl.gyroradius(p, 1e-6) / PC == pytest.approx(1.08e-6, rel=0.005)
    # rigidity 1 GV, in statvolt
    assert cl.rigidity(p) * 299.792458 == pytest.approx(1e9, rel=1e-8)


def test_gyrofrequency_si():
    assert cl.gyrofrequency(1e-6) == pytest.approx(E_SI * 1e-10 / MP_SI, rel=1e-8)
    assert cl.gyrofrequency(-1e-6) == cl.gyrofrequency(1e-6)
    # electrons: |Z| = 1, m_e
    assert cl.gyrofrequency(1.0, 1.0, M_E) == pytest.approx(1.7588e7, rel=1e-4)
    # relativistic: divided by gamma; alpha particle: Z = 2, m = 4 m_p -> half
    assert cl.gyrofrequency(1e-6, 10.0) == pytest.approx(cl.gyrofrequency(1e-6) / 10, rel=1e-15)
    assert cl.gyrofrequency(1e-6, 1.0, 4 * M_P, 2.0) == pytest.approx(cl.gyrofrequency(1e-6) / 2, rel=1e-15)


def test_kinematics_1GeV_proton():
    p = cl.momentum_from_kinetic_energy(GEV)
    pc_gev = p * C_LIGHT / GEV
    assert pc_gev == pytest.approx(np.sqrt(1 + 2 * MPC2_GEV), rel=1e-8)
    beta = cl.particle_speed(p) / C_LIGHT
    assert beta == pytest.approx(pc_gev / (1 + MPC2_GEV), rel=1e-8)        # 0.875
    assert cl.lorentz_factor(p) == pytest.approx((1 + MPC2_GEV) / MPC2_GEV, rel=1e-8)
    assert cl.thermal_speed(1e4) == pytest.approx(np.sqrt(K_B * 1e4 / M_P), rel=1e-15)


@given(p=st.floats(1e-22, 1e-10), B=st.floats(1e-9, 1e-2), mu=mu_st)
def test_gyration_consistency(p, B, mu):
    # r_g Omega = v_perp for any momentum
    g = cl.lorentz_factor(p)
    v = cl.particle_speed(p)
    r = cl.gyroradius(p, B, mu)
    assert r * cl.gyrofrequency(B, g) == pytest.approx(v * np.sqrt(1 - mu * mu), rel=1e-12, abs=1e-300)
    assert cl.gyroradius(p, B, -mu) == r
    assert r == pytest.approx(cl.rigidity(p) * np.sqrt(1 - mu * mu) / B, rel=1e-13, abs=1e-300)


def test_gradient_drift_erratum10_si():
    # SI: v = gamma m v_perp^2 / (2 q B) * |grad B|/B = p v sin^2 / (2 q B^2) |grad B|
    p = 10 * GEV / C_LIGHT
    v = cl.particle_speed(p)
    mu, B, gradB = 0.3, 3e-6, 3e-6 / (1e3 * PC)
    p_si = p * 1e-5                      # g cm/s -> kg m/s
    v_si = v / 100
    B_si, gradB_si = B * 1e-4, gradB * 1e-4 / 1e-2
    ref_si = p_si * v_si * (1 - mu**2) / (2 * E_SI * B_si**2) * gradB_si
    R = cl.rigidity(p)
    got = cl.gradient_drift_speed(R, v, mu, B, gradB)
    assert got == pytest.approx(100 * ref_si, rel=1e-8)
    # the review's printed form (R/2c) v sin^2 / B^2 |b x grad B| is c times too small
    printed = R / (2 * C_LIGHT) * v * (1 - mu**2) / B**2 * gradB
    assert got / printed == pytest.approx(C_LIGHT, rel=1e-12)


def test_curvature_drift_erratum10_si():
    p = 10 * GEV / C_LIGHT
    v = cl.particle_speed(p)
    mu, B, Rc = 0.6, 3e-6, 1e3 * PC
    ref_si = (p * 1e-5) * (v / 100) * mu**2 / (E_SI * B * 1e-4 * Rc / 100)
    got = cl.curvature_drift_speed(cl.rigidity(p), v, mu, B, 1 / Rc)
    assert got == pytest.approx(100 * ref_si, rel=1e-8)


@given(mu=mu_st, R=st.floats(0, 1e9), B=st.floats(1e-9, 1e-3), g=st.floats(0, 1e-20))
def test_drift_properties(mu, R, B, g):
    vg = cl.gradient_drift_speed(R, C_LIGHT, mu, B, g)
    vc = cl.curvature_drift_speed(R, C_LIGHT, mu, B, g)
    assert vg >= 0 and vc >= 0 and np.isfinite(vg) and np.isfinite(vc)
    assert cl.gradient_drift_speed(R, C_LIGHT, -mu, B, g) == vg
    assert cl.curvature_drift_speed(R, C_LIGHT, -mu, B, g) == vc
    # pitch-angle average <sin^2>/2 = 1/3 = <cos^2>: the two drifts weigh equally per unit drive
    assert cl.gradient_drift_speed(R, C_LIGHT, 1.0, B, g) == 0.0
    assert cl.curvature_drift_speed(R, C_LIGHT, 0.0, B, g) == 0.0


def test_arrays_units():
    p = unyt.unyt_array([1.0, 10.0], "GeV/c")
    r = cl.gyroradius(p, unyt.unyt_quantity(1.0, "uG"))
    assert str(r.units) == "cm"
    np.testing.assert_allclose(r.to_value("pc"), [1.081e-6, 1.081e-5], rtol=2e-3)
    R = cl.rigidity(p)
    assert str(R.units) == "statV"
    # 1 statV = 299.792458 V (unyt's own statV -> V conversion is inverted, hence by hand)
    np.testing.assert_allclose(R.to_value("statV") * 299.792458, [1e9, 1e10], rtol=1e-7)  # unyt GeV/c uses its own constants (4e-8)


def test_drifts_accept_si_gigavolts():
    # A rigidity in GV (unyt) must give the same drift as the same rigidity in statV.
    R_gv = unyt.unyt_quantity(10.0, "GV")
    R_statv = 10e9 / 299.792458
    for f, last in ((cl.gradient_drift_speed, 1e-27), (cl.curvature_drift_speed, 1e-21)):
        got = f(R_gv, C_LIGHT, 0.5, 3e-6, last)
        assert str(got.units) == "cm/s"
        assert float(got) == pytest.approx(f(R_statv, C_LIGHT, 0.5, 3e-6, last), rel=1e-12)


@pytest.mark.parametrize("call, name", [
    (lambda: cl.gyroradius(1e-14, 0.0), "B"),
    (lambda: cl.gyroradius(1e-14, 1e-6, 1.5), "mu"),
    (lambda: cl.gyrofrequency(1e-6, 0.5), "gamma_L"),
    (lambda: cl.rigidity(-1e-14), "p"),
    (lambda: cl.rigidity(1e-14, 0.0), "charge_number"),
    (lambda: cl.lorentz_factor(1e-14, 0.0), "mass"),
    (lambda: cl.gradient_drift_speed(1e6, C_LIGHT, 0.0, 1e-6, np.nan), "gradB_perp"),
    (lambda: cl.curvature_drift_speed(1e6, C_LIGHT, 0.0, 1e-6, -1.0), "curvature"),
])
def test_bad_input_names_argument(call, name):
    with pytest.raises(ValueError, match=f"'{name}'"):
        call()


def test_mismatched_shapes():
    with pytest.raises(ValueError, match="broadcast"):
        cl.gyroradius(np.ones(2) * 1e-14, np.ones(3) * 1e-6)
