"""Ghost zones: periodic copies are exact, outflow copies the edge, reflecting mirrors
with the normal vector components (momentum, face field, CR flux) reversed."""
import numpy as np
import pytest

from crplugin.boundaries import Boundaries
from crplugin.mesh import Block, Grid
from crplugin.state import IFC1, IM1, State


def _periodic_fn(block, axis_shift=(0.0, 0.0, 0.0)):
    x, y, z = block.mesh()
    return np.sin(2 * np.pi * x) * np.cos(2 * np.pi * y) * np.cos(2 * np.pi * z)


@pytest.mark.parametrize("shape", [(8,), (8, 6), (6, 4, 4)])
def test_periodic_ghosts_equal_periodic_function(shape):
    grid = Grid(shape, (0,) * len(shape), (1,) * len(shape))
    blk = Block(grid)
    s = State(blk, cr=True)
    ref = _periodic_fn(blk)
    s.u[0] = ref
    s.cr[0] = ref
    xf = blk.faces(0)[None, None, :]
    s.bf[0][:] = np.cos(2 * np.pi * xf)
    act = blk.active
    garbage = np.full(blk.shape, 7.0)
    garbage[act] = ref[act]
    s.u[0] = garbage
    Boundaries(blk).fill(s)
    np.testing.assert_allclose(s.u[0], ref, atol=1e-14)
    np.testing.assert_allclose(s.cr[0], ref, atol=1e-14)
    np.testing.assert_allclose(s.bf[0], np.broadcast_to(np.cos(2 * np.pi * xf), s.bf[0].shape), atol=1e-14)


def test_outflow_and_reflecting():
    blk = Block(Grid((6,), (0,), (1,)))
    s = State(blk, cr=True)
    x = blk.centres(0)
    s.u[:] = x
    s.cr[:] = x
    s.bf[0][:] = blk.faces(0)
    Boundaries(blk, default="outflow").fill(s)
    ng = blk.ng
    assert np.all(s.u[0, 0, 0, :ng] == x[ng]) and np.all(s.u[0, 0, 0, -ng:] == x[-ng - 1])
    assert np.all(s.bf[0][0, 0, :ng] == blk.faces(0)[ng])
    s.u[:] = x
    s.cr[:] = x
    s.bf[0][:] = blk.faces(0)
    Boundaries(blk, default="reflecting").fill(s)
    # mirror: density even, normal momentum and CR flux odd about the wall
    np.testing.assert_array_equal(s.u[0, 0, 0, ng - 1], x[ng])
    np.testing.assert_array_equal(s.u[IM1, 0, 0, ng - 1], -x[ng])
    np.testing.assert_array_equal(s.cr[IFC1, 0, 0, ng - 1], -x[ng])
    np.testing.assert_array_equal(s.bf[0][0, 0, ng - 1], -blk.faces(0)[ng + 1])


def test_bad_boundary_spec():
    blk = Block(Grid((6,), (0,), (1,)))
    with pytest.raises(ValueError, match="unknown boundary kind 'mirror'"):
        Boundaries(blk, {(0, "inner"): "mirror"})
    with pytest.raises(ValueError, match="periodic on both sides"):
        Boundaries(blk, {(0, "inner"): "outflow"})
    with pytest.raises(ValueError, match="no function was given"):
        Boundaries(blk, {(0, "inner"): "user", (0, "outer"): "outflow"})
