"""The ``gravity`` source term: potentials against their analytic fields, total
energy (with rho phi) conserved to round-off, hydrostatic balance converging
with resolution, the time-step limit, and one error line for a missing parameter.
"""
import math
import os
import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pytest

from crplugin.boundaries import fixed_state
from crplugin.simulation import Simulation, make_parameters
from crplugin.source_terms.gravity import Gravity, potential
from crplugin.state import IDN, IEN, IM1, IM2

BIN = os.path.dirname(sys.executable)


def _sim(problem, overrides):
    params = make_parameters(problem, None, ["output.progress=false", "mhd.magnetic=false",
                                             "sources.enabled=gravity"] + list(overrides))
    return Simulation(params, problem)


def _gravity(sim):
    return next(t for t in sim.sources if isinstance(t, Gravity))


# --- the potentials -----------------------------------------------------------
def test_potentials_give_their_analytic_accelerations():
    """g = -(phi_+ - phi_-)/dx at the cells equals the analytic g to second order:
    NFW g = -G M(<r)/r^2 with M(<r) = M200 mu(r/r_s)/mu(c) (NFW 1997), the
    Kuijken-Gilmore g_z, the isothermal sphere -2 v_g^2/r and the point mass."""
    cases = {
        "nfw": ({"gm200": 3.0, "r_s": 0.5, "c200": 8.0},
                lambda r, p: -p["gm200"] * (np.log1p(r / p["r_s"]) - r / (r + p["r_s"]))
                / (math.log1p(p["c200"]) - p["c200"] / (1 + p["c200"])) / r**2),
        "disk": ({"a1": 1.42e-3, "a2": 5.49e-4, "z0": 0.18},
                 lambda z, p: -p["a1"] * z / np.sqrt(z * z + p["z0"] ** 2) - p["a2"] * z),
        "isothermal_sphere": ({"v_g": 2.0}, lambda r, p: -2 * p["v_g"] ** 2 / r),
        "point_mass": ({"gm": 1.5}, lambda r, p: -p["gm"] / r**2),
    }
    for name, (values, g_exact) in cases.items():
        errors = []
        for n in (64, 128):
            over = [f"gravity.potential={name}"] + [f"gravity.{k}={v}" for k, v in values.items()]
            over += [f"mesh.nx={n}", "mesh.x1min=0.3", "mesh.x1max=2.3",
                     "mesh.ix1_bc=outflow", "mesh.ox1_bc=outflow"]
            sim = _sim(_static_atmosphere(lambda x: 0 * x), over)
            g = _gravity(sim).g[0][sim.block.active][0, 0]
            x = sim.block.centres(0)[2:-2]
            errors.append(np.max(np.abs(g - g_exact(x, values))) / np.max(np.abs(g_exact(x, values))))
        assert errors[0] < 3e-3, (name, errors)   # (dx/r)^2/4 = 2.7e-3 for the point mass at r = 0.3
        assert errors[0] / errors[1] > 3.5, (name, errors)  # second order


# --- energy conservation --------------------------------------------------------
def _sloshing_box():
    def initialise(sim):
        x, y, _ = sim.block.mesh()
        s = sim.state
        s.u[IDN] = 1.0 + 0.3 * np.exp(-((x - 0.3) ** 2 + (y - 0.6) ** 2) / 0.02)
        s.u[IM1] = 0.2 * s.u[IDN] * np.sin(2 * np.pi * y)
        s.u[IM2] = -0.1 * s.u[IDN]
        s.u[IEN] = 1.0 / (5.0 / 3.0 - 1.0) + 0.5 * (s.u[IM1] ** 2 + s.u[IM2] ** 2) / s.u[IDN]
    return SimpleNamespace(initialise=initialise)


def _energy_with_potential(sim):
    act = (slice(None),) + sim.block.active
    dv = np.prod([d for d, n in zip(sim.block.dx, sim.grid.shape) if n > 1])
    return float(sim.state.u[act][IEN].sum() * dv + _gravity(sim).potential_energy(sim))


def test_total_energy_with_potential_is_conserved_in_a_closed_box():
    """Reflecting walls, a softened point mass off-centre in 2D and a gas blob
    falling and sloshing: sum(E + rho phi) dV stays constant to round-off, while
    the kinetic energy changes by O(1) of itself.  Round-off is measured against
    sum |E| + |rho phi| (the total itself is a difference of the two)."""
    over = ["mesh.nx=32", "mesh.ny=32", "gravity.potential=point_mass", "gravity.gm=0.5",
            "gravity.softening=0.1", "mesh.x1min=-0.5", "mesh.x1max=0.5", "mesh.x2min=-0.2",
            "mesh.x2max=0.8"] + [f"mesh.{s}x{a}_bc=reflecting" for s in "io" for a in "12"]
    sim = _sim(_sloshing_box(), over)
    e0 = _energy_with_potential(sim)
    scale = abs(e0 - _gravity(sim).potential_energy(sim)) + abs(_gravity(sim).potential_energy(sim))
    act = (slice(None),) + sim.block.active
    ke0 = float((0.5 * (sim.state.u[IM1] ** 2 + sim.state.u[IM2] ** 2) / sim.state.u[IDN])[act[1:]].sum())
    for _ in range(60):
        sim.step(sim.timestep())
    e1 = _energy_with_potential(sim)
    ke1 = float((0.5 * (sim.state.u[IM1] ** 2 + sim.state.u[IM2] ** 2) / sim.state.u[IDN])[act[1:]].sum())
    assert abs(ke1 / ke0 - 1) > 0.1, (ke0, ke1)      # gravity did work
    assert abs(e1 - e0) <= 1e-14 * scale, (e0, e1, (e1 - e0) / scale)


def test_total_energy_with_potential_is_conserved_in_a_spherical_shell():
    """The same in 1D spherical geometry on a log grid (face areas r^2, volumes
    (r_+^3 - r_-^3)/3): sum V (E + rho phi) changes only by what the wall faces
    carry, dt [A (F_E + F_rho phi_f)] (the mirrored log-spaced ghosts leave a small
    mass flux through the walls, ~1e-6: the MHD update's, not gravity's), to round-off."""
    from crplugin.state import IEN as E
    def initialise(sim):
        r, _, _ = sim.block.mesh()
        s = sim.state
        s.u[IDN] = 1.0 + 0.5 * np.exp(-((r - 2.0) / 0.3) ** 2)
        s.u[IM1] = 0.3 * s.u[IDN] * np.sin(np.pi * (r - 1.0) / 3.0)
        s.u[IEN] = 1.0 / (5.0 / 3.0 - 1.0) + 0.5 * s.u[IM1] ** 2 / s.u[IDN]
    over = ["mesh.nx=64", "mesh.x1min=1.0", "mesh.x1max=4.0", "mesh.x1spacing=log", "mesh.geometry=spherical",
            "mesh.ix1_bc=reflecting", "mesh.ox1_bc=reflecting", "gravity.potential=point_mass", "gravity.gm=1.0"]
    sim = _sim(SimpleNamespace(initialise=initialise), over)
    act, grav, blk = sim.block.active, _gravity(sim), sim.block
    walls = [blk.nghost(0), blk.nghost(0) + blk.n[0]]      # face indices of r_min and r_max

    def total():
        return float(np.sum(blk.vol1[act[2]] * sim.state.u[IEN][act][0, 0])) + grav.potential_energy(sim)
    e0 = total()
    scale = abs(e0 - grav.potential_energy(sim)) + abs(grav.potential_energy(sim))
    through_walls = 0.0
    for _ in range(100):
        dt = sim.timestep()
        sim.step(dt)
        f = sim.mhd._flux[0]
        carried = [blk.area1[i] * (f[E][0, 0, i] + f[IDN][0, 0, i] * grav.phi_face[0][0, 0, i]) for i in walls]
        through_walls += dt * (carried[1] - carried[0])
    assert abs(total() + through_walls - e0) <= 1e-13 * scale, (total() + through_walls - e0) / scale


# --- hydrostatic balance --------------------------------------------------------
def _static_atmosphere(phi, cs2=1.0, gamma=5.0 / 3.0):
    """rho = exp(-phi/cs^2), P = cs^2 rho at rest; the ghosts hold the same
    equilibrium (so the boundary is no source of motion)."""
    def state_at(x):
        rho = np.exp(-phi(x) / cs2)
        return rho, cs2 * rho / (gamma - 1.0)

    def initialise(sim):
        x, _, _ = sim.block.mesh()
        rho, e = state_at(x)
        sim.state.u[IDN] = rho
        sim.state.u[IEN] = e

    def boundary_functions(sim):
        out = {}
        for side, idx in (("inner", slice(0, 2)), ("outer", slice(-2, None))):
            xg = sim.block.centres(0)[idx]
            rho, e = state_at(xg)

            def fill(state, axis, side_, rho=rho, e=e, idx=idx):
                state.u[IDN][..., idx] = rho
                state.u[IEN][..., idx] = e
                state.u[IM1][..., idx] = 0.0
            out[(0, side)] = fill
        return out
    return SimpleNamespace(initialise=initialise, boundary_functions=boundary_functions)


def spurious_velocity(n, t_end=2.0):
    """max |v| / c_s after t_end in a Kuijken-Gilmore column -4 < z < 4 through
    the midplane (density peak, where the limiter flattens the slopes), isothermal
    with c_s = 1 (scale height ~1)."""
    p = {"a1": 1.0, "a2": 0.1, "z0": 0.5}
    phi = lambda z: potential("disk", p, z)
    over = [f"mesh.nx={n}", "mesh.x1min=-4.0", "mesh.x1max=4.0", "mesh.ix1_bc=user",
            "mesh.ox1_bc=user", "gravity.potential=disk"] + [f"gravity.{k}={v}" for k, v in p.items()]
    sim = _sim(_static_atmosphere(phi), over)
    while sim.time < t_end:
        sim.step(min(sim.timestep(), t_end - sim.time))
    act = sim.block.active
    return float(np.max(np.abs(sim.state.u[IM1][act] / sim.state.u[IDN][act])))


def test_hydrostatic_spurious_velocity_falls_at_second_order():
    """The equilibrium is kept to truncation error: the spurious velocity falls
    by ~4 per doubling (PLM and Strang-split gravity, second order; with the kick
    only after the MHD step it fell by 2); asserted > 3 (order > 1.58).
    Measured max|v|/c_s: 3.1e-2, 8.4e-3, 2.1e-3 at 32, 64, 128 cells."""
    v = [spurious_velocity(n) for n in (32, 64, 128)]
    print("spurious max|v|/c_s at 32, 64, 128 cells:", v)
    assert v[0] < 0.05, v
    assert v[0] / v[1] > 3.0 and v[1] / v[2] > 3.0, v


# --- time step and bad input ----------------------------------------------------
def test_time_step_limit_is_free_fall_over_a_cell():
    over = ["mesh.nx=50", "mesh.x1min=1.0", "mesh.x1max=2.0", "mesh.ix1_bc=outflow",
            "mesh.ox1_bc=outflow", "gravity.potential=point_mass", "gravity.gm=1e6"]
    sim = _sim(_static_atmosphere(lambda x: 0 * x), over)
    g_max = 1e6 / (1.0 + 0.5 / 50) ** 2          # at the first cell centre (face difference ~ exact)
    expected = sim.params["time.cfl"] * math.sqrt(0.02 / g_max)
    assert _gravity(sim).estimate_dt(sim) == pytest.approx(expected, rel=1e-4)
    assert sim.timestep() <= _gravity(sim).estimate_dt(sim)


@pytest.mark.parametrize("potential_name, missing", [("point_mass", "gm"), ("nfw", "gm200"),
                                                      ("isothermal_sphere", "v_g"), ("disk", "a1")])
def test_potential_missing_a_parameter_is_one_error_line(tmp_path, potential_name, missing):
    out = tmp_path / "out"
    res = subprocess.run([sys.executable, "-m", "crplugin", "run", "bottleneck", "-o", str(out),
                          "sources.enabled=streaming,gravity", f"gravity.potential={potential_name}"],
                         capture_output=True, text=True, timeout=120,
                         env=dict(os.environ, PATH=BIN + os.pathsep + os.environ.get("PATH", "")))
    lines = res.stderr.strip().splitlines()
    assert res.returncode == 2 and len(lines) == 1 and "Traceback" not in res.stderr, res.stderr
    assert f"gravity.{missing}" in lines[0] and potential_name in lines[0], lines[0]
    assert not out.exists()
