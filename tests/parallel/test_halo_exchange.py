"""Halo exchange and reductions of crplugin.parallel on 1, 2 and 4 ranks.

Every check goes through ``parallel_assert`` (collective): a failure on one
rank fails the test on all ranks instead of leaving the others waiting.
"""
import numpy as np
import pytest
from mpi4py import MPI
from pytest_mpi import parallel_assert

from crplugin.boundaries import Boundaries
from crplugin.mesh import Block, Grid
from crplugin.parallel import Decomposition
from crplugin.state import State

# (grid shape, dims) per number of ranks: each active axis is split at least once
# over the 2- and 4-rank layouts, in 1D, 2D and 3D.
LAYOUTS = {
    1: [((16,), (1, 1, 1)), ((8, 6), (1, 1, 1)), ((8, 6, 4), (1, 1, 1))],
    2: [((16,), (2, 1, 1)), ((8, 6), (2, 1, 1)), ((8, 6), (1, 2, 1)),
        ((8, 6, 4), (2, 1, 1)), ((8, 6, 4), (1, 2, 1)), ((8, 6, 4), (1, 1, 2))],
    4: [((16,), (4, 1, 1)), ((8, 8), (2, 2, 1)), ((8, 8), (1, 4, 1)),
        ((8, 8, 8), (2, 2, 1)), ((8, 8, 8), (1, 2, 2)), ((8, 8, 8), (2, 1, 2)),
        ((8, 8, 8), (1, 1, 4))],
}
PERIODICITIES = [(True, True, True), (False, False, False), (True, False, True), (False, True, False)]


def global_value(array_id, var, gi, gj, gk):
    """Known function of the global index, exact in double precision."""
    return 1.0e8 * array_id + 1.0e6 * var + gi + 100.0 * gj + 10000.0 * gk


def global_indices(block, shape, normal_axis=None):
    """Unwrapped global indices (x, y, z) of every point of an array of ``block``, and validity.

    ``normal_axis`` is the axis a face array is normal to (one more point).
    """
    grid = block.grid
    idx, ok = [], []
    for axis in range(3):
        npts = shape[2 - axis]
        g = np.arange(npts) + block.lo[axis] - block.nghost(axis)
        nmax = grid.shape[axis] + (1 if axis == normal_axis else 0)
        idx.append(g)
        ok.append((g >= 0) & (g < nmax))
    return idx, ok


def expected(block, shape, array_id, var, periodic, normal_axis=None):
    """The global function where the point is in the domain or across a periodic side, NaN elsewhere."""
    grid = block.grid
    (gi, gj, gk), (oi, oj, ok_) = global_indices(block, shape, normal_axis)
    wrapped = [g % grid.shape[a] for a, g in enumerate((gi, gj, gk))]
    valid = [o | periodic[a] for a, o in enumerate((oi, oj, ok_))]
    val = global_value(array_id, var, wrapped[0][None, None, :], wrapped[1][None, :, None],
                       wrapped[2][:, None, None])
    mask = valid[0][None, None, :] & valid[1][None, :, None] & valid[2][:, None, None]
    return np.where(mask, val, np.nan)


def fill_active(block, arr, array_id, var, normal_axis=None):
    """NaN everywhere, the global function (wrapped) on the active points."""
    arr[...] = np.nan
    grid = block.grid
    (gi, gj, gk), (oi, oj, ok_) = global_indices(block, arr.shape, normal_axis)
    act = []
    for a, (g, o) in enumerate(zip((gi, gj, gk), (oi, oj, ok_))):
        # own cells only (faces: both bounding faces of the block)
        ng = block.nghost(a)
        local = np.arange(arr.shape[2 - a])
        hi = ng + block.n[a] + (1 if a == normal_axis else 0)
        act.append((local >= ng) & (local < hi))
    w = [g % grid.shape[a] for a, g in enumerate((gi, gj, gk))]
    val = global_value(array_id, var, w[0][None, None, :], w[1][None, :, None], w[2][:, None, None])
    mask = act[0][None, None, :] & act[1][None, :, None] & act[2][:, None, None]
    arr[...] = np.where(mask, val, np.nan)


def check_ghosts_equal_global_function(size):
    failures = []
    for shape, dims in LAYOUTS[size]:
        for periodic in PERIODICITIES:
            grid = Grid(shape, (0.0,) * len(shape), (1.0,) * len(shape))
            decomp = Decomposition(grid, periodic=periodic, dims=dims)
            blk = decomp.block
            state = State(blk, mhd=True, cr=True)
            for var in range(state.u.shape[0]):
                fill_active(blk, state.u[var], 0, var)
            for var in range(state.cr.shape[0]):
                fill_active(blk, state.cr[var], 1, var)
            for b_axis in range(3):
                fill_active(blk, state.bf[b_axis], 2 + b_axis, 0, normal_axis=b_axis)
            for axis in range(3):
                done = decomp.exchange(state, axis)
                want = {side for side in ("inner", "outer")
                        if blk.neighbours.get((axis, side)) is not None}
                if done != want:
                    failures.append(f"{shape} {dims} {periodic} axis {axis}: filled {done}, expected {want}")
            checks = [(state.u[v], 0, v, None) for v in range(state.u.shape[0])]
            checks += [(state.cr[v], 1, v, None) for v in range(state.cr.shape[0])]
            checks += [(state.bf[b], 2 + b, 0, b) for b in range(3)]
            for arr, aid, var, normal in checks:
                exp = expected(blk, arr.shape, aid, var, periodic, normal)
                if not np.array_equal(arr, exp, equal_nan=True):
                    bad = np.argwhere(~((arr == exp) | (np.isnan(arr) & np.isnan(exp))))
                    failures.append(f"{shape} dims={dims} periodic={periodic} array {aid} var {var}: "
                                    f"{len(bad)} wrong points, first [k,j,i]={bad[0].tolist()}")
    return failures


KINDS = {(0, "inner"): "periodic", (0, "outer"): "periodic",
         (1, "inner"): "reflecting", (1, "outer"): "outflow",
         (2, "inner"): "outflow", (2, "outer"): "reflecting"}


def check_decomposed_fill_bit_identical_to_serial(size):
    """Boundaries.fill with the exchange on N ranks == the one-block serial fill, bit for bit."""
    failures = []
    for shape, dims in LAYOUTS[size]:
        for kinds in (KINDS, None):  # mixed kinds, then all periodic
            grid = Grid(shape, (0.0,) * len(shape), (1.0,) * len(shape))
            periodic = tuple((kinds or {}).get((a, "inner"), "periodic") == "periodic" for a in range(3))
            rng = np.random.default_rng(7)
            gblk = Block(grid)
            ref = State(gblk, mhd=True, cr=True)
            ref.u[...] = rng.random(ref.u.shape)
            ref.cr[...] = rng.random(ref.cr.shape)
            for b in ref.bf:
                b[...] = rng.random(b.shape)
            Boundaries(gblk, kinds=kinds).fill(ref)  # serial reference, every side local

            decomp = Decomposition(grid, periodic=periodic, dims=dims)
            blk = decomp.block
            loc = State(blk, mhd=True, cr=True)

            def window(arr, normal=None, ghosts=True):
                idx = [slice(None)] * (arr.ndim - 3)
                for a in (2, 1, 0):
                    ng = blk.nghost(a)
                    extra = 1 if a == normal else 0
                    if ghosts:
                        idx.append(slice(blk.lo[a], blk.lo[a] + blk.n[a] + 2 * ng + extra))
                    else:
                        idx.append(slice(blk.lo[a] + ng, blk.lo[a] + ng + blk.n[a] + extra))
                return tuple(idx)

            def own(arr, normal=None):
                idx = [slice(None)] * (arr.ndim - 3)
                for a in (2, 1, 0):
                    ng = blk.nghost(a)
                    idx.append(slice(ng, ng + blk.n[a] + (1 if a == normal else 0)))
                return tuple(idx)

            for name in ("u", "cr"):
                arr = getattr(loc, name)
                arr[...] = np.nan
                arr[own(arr)] = getattr(ref, name)[window(arr, ghosts=False)]
            for b_axis in range(3):
                arr = loc.bf[b_axis]
                arr[...] = np.nan
                arr[own(arr, b_axis)] = ref.bf[b_axis][window(arr, b_axis, ghosts=False)]

            Boundaries(blk, kinds=kinds).fill(loc, exchange=decomp.exchange)
            pairs = [("u", loc.u, ref.u[window(loc.u)]), ("cr", loc.cr, ref.cr[window(loc.cr)]),
                     ("bcc", loc.bcc, ref.bcc[window(loc.bcc)])]
            pairs += [(f"bf{b}", loc.bf[b], ref.bf[b][window(loc.bf[b], b)]) for b in range(3)]
            for name, got, want in pairs:
                if got.shape != want.shape or not np.array_equal(got, want):
                    failures.append(f"{shape} dims={dims} kinds={'mixed' if kinds else 'periodic'}: "
                                    f"{name} differs from the serial fill")
    return failures


# One launch per rank count runs both checks (an mpiexec start costs ~2 s here).
@pytest.mark.parallel([1, 2, 4])
def test_halo_exchange():
    size = MPI.COMM_WORLD.size
    ghosts = check_ghosts_equal_global_function(size)
    parallel_assert(not ghosts, "ghosts != global function:\n" + "\n".join(ghosts[:10]))
    serial = check_decomposed_fill_bit_identical_to_serial(size)
    parallel_assert(not serial, "decomposed fill != serial fill:\n" + "\n".join(serial[:10]))


@pytest.mark.parallel(3)
def test_reductions_gather_and_bad_layouts():
    comm = MPI.COMM_WORLD
    rank, size = comm.rank, comm.size
    grid = Grid((6 * size, 4), (0.0, 0.0), (1.0, 1.0))
    decomp = Decomposition(grid, periodic=(True, True, True), dims=(size, 1, 1))
    ok = []
    ok.append(decomp.sum(rank + 1) == size * (size + 1) // 2)
    ok.append(decomp.min(10.0 - rank) == 10.0 - (size - 1))
    ok.append(decomp.max(-float(rank)) == 0.0)
    arr = np.array([rank, -rank, 2.0 * rank])
    ok.append(np.array_equal(decomp.sum(arr), np.array([1, -1, 2.0]) * size * (size - 1) / 2))
    ok.append(np.array_equal(decomp.max(arr), np.array([size - 1, 0, 2.0 * (size - 1)])))
    ok.append(np.array_equal(decomp.min(arr), np.array([0, -(size - 1), 0.0])))
    # gather of a known global field
    blk = decomp.block
    x, y, _ = blk.mesh()
    act = (x + 10.0 * y + 0.0 * _)[blk.active]
    full = decomp.gather_blocks(act)
    if rank == 0:
        gx = (np.arange(grid.shape[0]) + 0.5) / grid.shape[0]
        gy = (np.arange(grid.shape[1]) + 0.5) / grid.shape[1]
        ok.append(np.allclose(full[0], gx[None, :] + 10.0 * gy[:, None], rtol=0, atol=1e-14))
    else:
        ok.append(full is None)
    # the blocks tile the grid: extents known to every rank without communication
    ext = decomp.block_extents()
    ok.append(ext[rank] == (blk.lo, blk.n) and len(ext) == size)
    parallel_assert(all(ok), f"rank {rank}: checks {ok}")

    # layouts that cannot work raise the same clear ValueError on every rank
    msgs = []
    for shape, dims, words in (((16,), None, "divide"), ((3,), None, "ghost"),
                               ((8, 8), (2, 1, 1), "ranks"), ((8,), (1, 3, 1), "cannot be split")):
        try:
            Decomposition(Grid(shape, (0.0,) * len(shape), (1.0,) * len(shape)), dims=dims)
            msgs.append(f"{shape} {dims}: no error")
        except ValueError as exc:
            if words not in str(exc):
                msgs.append(f"{shape} {dims}: message {exc!s} lacks '{words}'")
    parallel_assert(not msgs, "\n".join(msgs))


def test_serial_neighbours_and_dims():
    """One rank: periodic sides point back at rank 0, physical sides at None."""
    grid = Grid((8, 4), (0.0, 0.0), (1.0, 1.0))
    d = Decomposition(grid, periodic=(True, False, False))
    assert d.dims == (1, 1, 1) and d.size == 1
    assert d.block.neighbours == {(0, "inner"): 0, (0, "outer"): 0,
                                  (1, "inner"): None, (1, "outer"): None}


def test_serial_fallback_without_mpi4py(monkeypatch):
    """With mpi4py unavailable a one-rank run still works and fills as the serial Boundaries do."""
    import crplugin.parallel as par
    monkeypatch.setattr(par, "_import_mpi", lambda: None)
    grid = Grid((8, 6), (0.0, 0.0), (1.0, 1.0))
    d = par.Decomposition(grid, periodic=(True, False, True))
    assert d.size == 1 and d.rank == 0 and d.sum(2.5) == 2.5 and d.min(np.ones(2)).tolist() == [1, 1]
    rng = np.random.default_rng(3)
    a = State(d.block, cr=True)
    a.u[...] = rng.random(a.u.shape)
    a.cr[...] = rng.random(a.cr.shape)
    for b in a.bf:
        b[...] = rng.random(b.shape)
    ref = a.copy()
    kinds = {(0, "inner"): "periodic", (0, "outer"): "periodic"}
    Boundaries(d.block, kinds=kinds, default="outflow").fill(a, exchange=d.exchange)
    Boundaries(ref.block, kinds=kinds, default="outflow").fill(ref)
    assert a.u.tobytes() == ref.u.tobytes() and a.cr.tobytes() == ref.cr.tobytes()
    assert all(x.tobytes() == y.tobytes() for x, y in zip(a.bf, ref.bf))
