"""crplugin.analysis: derived CR fields (units and values against numpy) and the plots."""
import math
import sys
from pathlib import Path

import numpy as np
import pytest
import yt

from crplugin import analysis, io
from crplugin.io import OutputError

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from helpers.fake_sim import HALO_UNITS, FakeSim  # noqa: E402

yt.set_log_level(40)
L, M, T = HALO_UNITS.length, HALO_UNITS.mass, HALO_UNITS.time
P_UNIT = M / (L * T**2)
B_UNIT = math.sqrt(4.0 * math.pi * P_UNIT)


def cgs_fields(sim):
    """The global fields in cgs, indexed [x, y, z] like a yt covering grid."""
    factor = {"density": M / L**3, "velocity": L / T, "pressure": P_UNIT, "energy_density": P_UNIT,
              "magnetic_field": B_UNIT, "flux": M / T**3, "energy_rate_density": P_UNIT / T,
              "diffusivity": L**2 / T}
    return {n: a.T * factor[k] for n, (a, k) in sim.output_fields().items()}


@pytest.fixture(scope="module")
def periodic_output(tmp_path_factory):
    sim = FakeSim(shape=(8, 6, 4), periodic=(True, True, True))
    path = tmp_path_factory.mktemp("ana") / "out.h5"
    io.write_output(path, sim)
    return sim, path


def test_derived_fields_units_and_values(periodic_output):
    sim, path = periodic_output
    ds = analysis.load(path)
    cg = ds.covering_grid(0, ds.domain_left_edge, ds.domain_dimensions)
    f = cgs_fields(sim)
    b2 = f["magnetic_field_x"] ** 2 + f["magnetic_field_y"] ** 2 + f["magnetic_field_z"] ** 2
    pc = f["cr_energy_density"] / 3.0
    expected = {
        "cr_energy_density": (f["cr_energy_density"], "erg/cm**3"),
        "cr_flux_x": (f["cr_flux_x"], "erg/(cm**2*s)"),
        "pa_heating": (f["pa_heating"], "erg/(cm**3*s)"),
        "kappa_par": (f["kappa_par"], "cm**2/s"),
        "cr_pressure": (pc, "dyn/cm**2"),
        "alfven_speed": (np.sqrt(b2 / (4.0 * np.pi * f["density"])), "cm/s"),
        "plasma_beta": (f["pressure"] / (b2 / (8.0 * np.pi)), "dimensionless"),
        "cr_to_gas_pressure_ratio": (pc / f["pressure"], "dimensionless"),
        "cr_to_magnetic_pressure_ratio": (pc / (b2 / (8.0 * np.pi)), "dimensionless"),
        "cr_flux_magnitude": (np.sqrt(f["cr_flux_x"] ** 2 + f["cr_flux_y"] ** 2 + f["cr_flux_z"] ** 2),
                              "erg/(cm**2*s)"),
    }
    for name, (want, unit) in expected.items():
        got = cg["gas", name]
        assert got.units.dimensions == yt.units.Unit(unit).dimensions, name
        np.testing.assert_allclose(got.to(unit).d, want, rtol=1e-13, err_msg=name)


def test_streaming_heating_from_gradient(periodic_output):
    """|B . grad P_c| / sqrt(4 pi rho) |tanh(h_c b.grad P_c / P_c)| (the solver's regularised
    sign, h_c = 1000 x the longest domain extent) with periodic centred differences (numpy reference)."""
    sim, path = periodic_output
    ds = analysis.load(path)
    f = cgs_fields(sim)
    pc = f["cr_energy_density"] / 3.0
    dx = [(r - l) * L / n for l, r, n in zip(sim.grid.left, sim.grid.right, sim.grid.shape)]
    bdotg = sum(f[f"magnetic_field_{c}"] * (np.roll(pc, -1, axis=a) - np.roll(pc, 1, axis=a)) / (2 * dx[a])
                for a, c in enumerate("xyz"))
    bmag = np.sqrt(sum(f[f"magnetic_field_{c}"] ** 2 for c in "xyz"))
    h_c = 1e3 * max((r - l) * L for l, r in zip(sim.grid.left, sim.grid.right))
    want = np.abs(bdotg) / np.sqrt(4.0 * np.pi * f["density"]) * np.abs(np.tanh(h_c * bdotg / bmag / pc))
    # a field needing ghost zones: read cell by cell and place by index
    ad = ds.all_data()
    got = ad["gas", "streaming_heating"]
    assert got.units == yt.units.Unit("erg/(cm**3*s)")
    idx = tuple(((ad["index", c].to("code_length").d - sim.grid.left[a]) / sim.grid.dx[a]).astype(int)
                for a, c in enumerate("xyz"))
    grid = np.full(want.shape, np.nan)
    grid[idx] = got.d
    np.testing.assert_allclose(grid, want, rtol=1e-10)
    # the uniform-grid version agrees away from the domain edges (one-sided there)
    uni = analysis.streaming_heating_uniform(ds)
    np.testing.assert_allclose(uni.d[1:-1, 1:-1, 1:-1], want[1:-1, 1:-1, 1:-1], rtol=1e-10)


def test_plots_write_pngs(tmp_path, periodic_output):
    sim, path = periodic_output
    ds = analysis.load(path)
    png = analysis.slice_plot(ds, "cr_pressure", axis="z", out=tmp_path / "slice.png")
    assert Path(png).stat().st_size > 1000
    start, end = analysis.line_through(ds, [0.5, 1.5, 2.5], direction=[1.0, 0.0, 0.0])
    np.testing.assert_allclose(start, [-1.0, 1.5, 2.5])
    np.testing.assert_allclose(end, [2.0, 1.5, 2.5])
    out, prof = analysis.line_profile(ds, ["density", "cr_pressure"], start, end, out=tmp_path / "line.png")
    assert Path(out).stat().st_size > 1000
    # the ray crosses the 8 cells of the x row through (y, z) = (1.5, 2.5), in order
    f = cgs_fields(sim)
    j = int((1.5 - sim.grid.left[1]) / (sim.grid.dx[1]))
    k = int((2.5 - sim.grid.left[2]) / (sim.grid.dx[2]))
    np.testing.assert_allclose(prof["density"].to("g/cm**3").d, f["density"][:, j, k], rtol=1e-14)
    assert np.all(np.diff(prof["distance"].d) > 0)
    # along B through a point: a segment crossing the domain through that point
    s2, e2 = analysis.line_through(ds, [0.5, 1.5, 2.5], direction="B")
    d = e2 - s2
    assert np.linalg.norm(np.cross(d, np.array([0.5, 1.5, 2.5]) - s2)) < 1e-9 * np.linalg.norm(d) ** 2
    hist = tmp_path / "hist.dat"
    for i in range(5):
        io.append_history(hist, {"time": 0.1 * i, "cycle": i, "ecr_total": 1.0 + i})
    png = analysis.time_series(hist, ["ecr_total", "cycle"], out=tmp_path / "ts.png")
    assert Path(png).stat().st_size > 1000
    with pytest.raises(OutputError, match="no column 'nope'"):
        analysis.time_series(hist, ["nope"], out=tmp_path / "x.png")


def test_non_periodic_and_low_dimensional_outputs(tmp_path):
    sim = FakeSim(shape=(16,), periodic=(False, False, False))
    io.write_output(tmp_path / "o1.h5", sim)
    ds = analysis.load(tmp_path / "o1.h5")
    with pytest.raises(ValueError, match="1D"):
        analysis.slice_plot(ds, "density", out=tmp_path / "s.png")
    out, prof = analysis.line_profile(ds, "cr_pressure", [-1.0], [2.0], out=tmp_path / "l.png")
    assert len(prof["cr_pressure"]) == 16
    # a non-periodic 3D domain: streaming heating only through the uniform-grid function
    sim3 = FakeSim(shape=(8, 6, 4), periodic=(True, False, False))
    io.write_output(tmp_path / "o3.h5", sim3)
    ds3 = analysis.load(tmp_path / "o3.h5")
    assert ("gas", "streaming_heating") not in ds3.derived_field_list
    assert analysis.streaming_heating_uniform(ds3).units == yt.units.Unit("erg/(cm**3*s)")


def test_load_refuses_foreign_files(tmp_path):
    bad = tmp_path / "bad.h5"
    bad.write_text("hello")
    with pytest.raises(OutputError, match="not a readable HDF5 file"):
        analysis.load(bad)
