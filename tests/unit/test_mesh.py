"""The mesh along x1: log spacing, spherical and flux-tube geometry, MPI slices, bad input.

Face areas and volumes are checked against their closed forms (A = r^2 per
steradian, A = 1 + (r/r_s)^2; V = int A dr), the log grid against its
definition (one ratio between neighbouring widths, ghosts included, the
domain edges exact), and the blocks of a decomposition against the serial
block bit for bit.
"""
import os
import subprocess
import sys

import numpy as np
import pytest

from crplugin.mesh import Block, Grid


def test_log_spacing_has_one_ratio_ghosts_included():
    grid = Grid((64,), (1.0,), (100.0,), x1spacing="log")
    blk = Block(grid)
    f = blk.faces(0)
    g = blk.nghost(0)
    assert f[g] == 1.0 and f[g + 64] == 100.0          # edges exact
    ratio = blk.dx1[1:] / blk.dx1[:-1]
    np.testing.assert_allclose(ratio, 100.0 ** (1 / 64), rtol=1e-12)
    assert len(blk.dx1) == 64 + 2 * g and len(blk.area1) == 64 + 2 * g + 1
    np.testing.assert_allclose(blk.x1v, 0.5 * (f[1:] + f[:-1]), rtol=1e-15)
    np.testing.assert_array_equal(blk.centres(0), blk.x1v)
    assert grid.dx[0] == pytest.approx(blk.dx1[g])       # the smallest active width
    assert blk.left[0] == 1.0 and blk.right[0] == 100.0


def test_uniform_cartesian_is_unchanged():
    grid = Grid((10,), (0.0,), (2.0,))
    blk = Block(grid)
    np.testing.assert_array_equal(blk.dx1, np.full(14, 0.2))
    np.testing.assert_array_equal(blk.faces(0), 0.0 + np.arange(-2, 13) * 0.2)
    np.testing.assert_array_equal(blk.area1, 1.0)
    np.testing.assert_array_equal(blk.vol1, blk.dx1)


@pytest.mark.parametrize("spacing", ["uniform", "log"])
def test_spherical_areas_and_volumes(spacing):
    r0, r1 = 0.5, 40.0
    blk = Block(Grid((50,), (r0,), (r1,), x1spacing=spacing, geometry="spherical"))
    f = blk.faces(0)
    np.testing.assert_allclose(blk.area1, f ** 2, rtol=1e-15)
    np.testing.assert_allclose(blk.vol1, (f[1:] ** 3 - f[:-1] ** 3) / 3.0, rtol=1e-12)
    act = slice(blk.nghost(0), blk.nghost(0) + 50)
    # the shells add up to the whole sphere (per steradian) to round-off
    assert blk.vol1[act].sum() == pytest.approx((r1 ** 3 - r0 ** 3) / 3.0, rel=1e-14)


def test_flux_tube_areas_and_volumes():
    rs = 3.0
    blk = Block(Grid((40,), (1.0,), (30.0,), x1spacing="log", geometry="flux_tube", flux_tube_scale=rs))
    f = blk.faces(0)
    np.testing.assert_allclose(blk.area1, 1.0 + (f / rs) ** 2, rtol=1e-15)
    exact = (f[1:] - f[:-1]) + (f[1:] ** 3 - f[:-1] ** 3) / (3 * rs ** 2)
    np.testing.assert_allclose(blk.vol1, exact, rtol=1e-12)
    assert blk.geometry == "flux_tube"


@pytest.mark.parametrize("ndim", [1, 2, 3])
def test_blocks_are_slices_of_the_serial_grid_bit_for_bit(ndim):
    shape = (48, 8, 8)[:ndim]
    grid = Grid(shape, (0.3,) * ndim, (70.0,) * ndim, x1spacing="log")
    serial = Block(grid)
    g = serial.nghost(0)
    for lo, n in ((0, 12), (12, 12), (24, 24)):
        blk = Block(grid, lo=(lo, 0, 0), n=(n,) + grid.shape[1:])
        for name in ("x1f", "dx1", "x1v", "area1", "vol1"):
            whole = getattr(serial, name)
            extra = 1 if name in ("x1f", "area1") else 0
            np.testing.assert_array_equal(getattr(blk, name), whole[lo:lo + n + 2 * g + extra], err_msg=name)


@pytest.mark.parametrize("kwargs, words", [
    (dict(x1spacing="log", left=(0.0,)), ["mesh.x1min", "log"]),
    (dict(geometry="spherical", left=(-1.0,)), ["mesh.x1min", "spherical"]),
    (dict(geometry="flux_tube"), ["mesh.flux_tube_scale"]),
    (dict(geometry="spherical", shape=(8, 8)), ["mesh.geometry", "1D"]),
    (dict(geometry="flux_tube", flux_tube_scale=2.0, shape=(8, 8, 8)), ["mesh.geometry", "1D"]),
])
def test_bad_geometry_is_refused(kwargs, words):
    args = dict(shape=(8,), left=(1.0,), right=(2.0,))
    args.update(kwargs)
    shape, left, right = args.pop("shape"), args.pop("left"), args.pop("right")
    left = left + (0.0,) * (len(shape) - len(left))
    right = right + (1.0,) * (len(shape) - len(right))
    with pytest.raises(ValueError) as err:
        Grid(shape, left, right, **args)
    for w in words:
        assert w in str(err.value)


@pytest.mark.parametrize("overrides, words", [
    (["mesh.geometry=spherical", "mesh.x1min=0"], ["mesh.x1min"]),
    (["mesh.x1spacing=log", "mesh.x1min=0"], ["mesh.x1min"]),
    (["mesh.geometry=flux_tube", "mesh.x1min=1", "mesh.x1max=2"], ["mesh.flux_tube_scale"]),
    (["mesh.geometry=spherical", "mesh.x1min=1", "mesh.x1max=2", "mesh.ny=4"], ["mesh.geometry"]),
    (["mhd.eos=isothermal"], ["mhd.iso_sound_speed"]),
    (["mhd.eos=isothermal", "mhd.iso_sound_speed=-1"], ["mhd.iso_sound_speed"]),
])
def test_bad_mesh_or_eos_on_the_command_line_is_one_line(overrides, words, tmp_path):
    env = dict(os.environ, OMP_NUM_THREADS="1", MPLBACKEND="Agg")
    res = subprocess.run([sys.executable, "-m", "crplugin", "run", "shock_tube", "-o", "out", *overrides],
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    lines = res.stderr.strip().splitlines()
    assert res.returncode == 2, res.stderr
    assert "Traceback" not in res.stderr and len(lines) == 1, res.stderr
    for w in words:
        assert w in lines[0]
    assert not (tmp_path / "out").exists()     # nothing written
