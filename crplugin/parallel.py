"""MPI domain decomposition: one block per rank, halo exchange, reductions.

This is the only module of crplugin that imports :mod:`mpi4py`, and it does
so lazily: a serial run needs neither ``mpiexec`` nor (if mpi4py is not
installed) MPI at all.

The global grid is cut into equal blocks over its *active* axes (axes with
more than one cell) by an MPI Cartesian communicator.  Each rank owns one
:class:`crplugin.mesh.Block`; ``block.neighbours[(axis, side)]`` is the rank
across that side, or ``None`` on a physical (non-periodic) domain edge.

Halo exchange copies, for one axis at a time, the ``ng`` active layers next
to each shared side into the neighbour's ghost layers, over the full extent
of the other axes (ghosts included), so that edge and corner ghosts are
right when the axes are exchanged in the order x, y, z.  The index ranges are
exactly those of the serial periodic fill in :mod:`crplugin.boundaries`:
cell-centred arrays and tangential face arrays send active layers
``[ng, 2 ng)`` inwards and ``[n, n + ng)`` outwards; the face array normal to
the axis sends faces ``[ng + 1, 2 ng + 1)`` inwards and ``[n, n + ng)``
outwards (the face on the shared boundary is owned by both blocks and not
exchanged).  A periodic run on N ranks therefore has bit-identical ghosts to
the same run on one rank.

Usage::

    decomp = Decomposition(grid, periodic=(True, True, False))
    state = State(decomp.block, cr=True)
    bnd = Boundaries(decomp.block, kinds=...)
    bnd.fill(state, exchange=decomp.exchange)
    dt = decomp.min(local_dt)
"""
import itertools
import sys

import numpy as np

from crplugin.boundaries import FIELD_GROUPS
from crplugin.mesh import NGHOST, Block

__all__ = ["Decomposition", "mpi_available", "abort_quietly"]

SIDES = ("inner", "outer")
# the run parameters that choose the split, named in every error about it
_HINT = "parameters mesh.ranks_x, mesh.ranks_y, mesh.ranks_z; 0 = let MPI choose"


def _import_mpi():
    try:
        from mpi4py import MPI
    except ImportError:  # pragma: no cover - mpi4py is a dependency
        return None
    return MPI


def abort_quietly(code):
    """End every rank of the run now, after this rank has printed its own error line.

    Used when an error happened on some ranks only (the others would wait in
    their next collective for ever).  MPICH's ``MPI_Abort`` prints a line of
    its own; the rank's stdout and stderr are closed first so that the user
    sees one line, ours.
    """
    MPI = _import_mpi()
    sys.stdout.flush()
    sys.stderr.flush()
    if MPI is None or not MPI.Is_initialized() or MPI.COMM_WORLD.Get_size() == 1:
        raise SystemExit(code)
    import os
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    MPI.COMM_WORLD.Abort(code)


def mpi_available():
    """True if :mod:`mpi4py` can be imported."""
    return _import_mpi() is not None


class _SerialComm:
    """Stand-in for a one-rank communicator when mpi4py is unavailable."""

    rank = 0
    size = 1

    def Get_rank(self):
        return 0

    def Get_size(self):
        return 1

    def allreduce(self, x, op=None):
        return x

    def allgather(self, x):
        return [x]

    def gather(self, x, root=0):
        return [x]

    def bcast(self, x, root=0):
        return x

    def Barrier(self):
        pass

    def Abort(self, code=1):
        sys.stderr.flush()
        raise SystemExit(code)


def _slab(arr, axis, sl):
    """Index of ``arr[..., k, j, i]`` selecting ``sl`` along spatial ``axis`` (0 = x)."""
    idx = [slice(None)] * arr.ndim
    idx[arr.ndim - 1 - axis] = sl
    return tuple(idx)


class Decomposition:
    """Split ``grid`` into one block per rank of ``comm``.

    Parameters
    ----------
    grid : crplugin.mesh.Grid
        The global grid.
    periodic : tuple of 3 bool
        Periodicity of the x, y and z axes (wrap the Cartesian topology).
    dims : tuple of int, optional
        Number of blocks along each axis: three numbers ``(dx, dy, dz)``
        (inactive axes must be 1) or one per active axis.  Default: chosen by
        ``MPI.Compute_dims``, the largest factor going to the longest axis.
    comm : mpi4py.MPI.Comm, optional
        Default ``MPI.COMM_WORLD`` (a serial stand-in if mpi4py is missing).
    ng : int
        Ghost cells on each side of every active axis.

    Raises
    ------
    ValueError
        If the blocks cannot be equal (a cell count not divisible by the
        number of blocks along its axis), a block would have fewer than
        ``ng`` cells along an active axis, or ``dims`` does not match the
        number of ranks.

    Attributes
    ----------
    block : crplugin.mesh.Block
        This rank's block, ``neighbours`` filled with ``(axis, side) -> rank``
        (``None`` on a physical edge).
    rank, size : int
    comm : the Cartesian communicator (``reorder=False``: same ranks as the
        communicator given).
    dims : tuple of 3 int
        Blocks along x, y, z.
    coords : tuple of 3 int
        This rank's block position along x, y, z.
    periodic : tuple of 3 bool
    """

    def __init__(self, grid, periodic=(True, True, True), dims=None, comm=None, ng=NGHOST):
        self.grid = grid
        self.periodic = tuple(bool(p) for p in periodic) + (False,) * (3 - len(periodic))
        self.MPI = _import_mpi()
        if comm is None:
            comm = self.MPI.COMM_WORLD if self.MPI is not None else _SerialComm()
        self.world = comm
        size = comm.Get_size()
        self.active_axes = tuple(a for a in range(3) if grid.shape[a] > 1)
        self.dims = self._choose_dims(grid, size, dims, ng)
        self.size = size

        if isinstance(comm, _SerialComm):
            self.comm = comm
            self.rank = 0
            coords = (0, 0, 0)
        else:
            cart_dims = [self.dims[a] for a in self.active_axes] or [1]
            cart_periods = [self.periodic[a] for a in self.active_axes] or [False]
            self.comm = comm.Create_cart(cart_dims, periods=cart_periods, reorder=False)
            self.rank = self.comm.Get_rank()
            coords = self._coords_of(self.rank)
        self.coords = coords

        n = tuple(grid.shape[a] // self.dims[a] for a in range(3))
        lo = tuple(coords[a] * n[a] for a in range(3))
        self.block = Block(grid, lo=lo, n=n, ng=ng)
        self.block.neighbours.update(self._neighbours())

    # ------------------------------------------------------------------
    # layout
    def _choose_dims(self, grid, size, dims, ng):
        """Blocks along x, y, z: the ``dims`` given, a 0 in it (or no ``dims``) left to MPI."""
        active = self.active_axes
        if dims is None:
            dims = (0, 0, 0)
        dims = tuple(int(d) for d in dims)
        if len(dims) == len(active) and len(dims) != 3:
            full = [1, 1, 1]
            for a, d in zip(active, dims):
                full[a] = d
            dims = tuple(full)
        if len(dims) != 3:
            raise ValueError(f"ranks per axis must be 3 numbers (x, y, z) or one per active axis "
                             f"({len(active)}), got {dims}")
        if any(d < 0 for d in dims):
            raise ValueError(f"ranks per axis must be 0 (let MPI choose) or positive, got {dims} "
                             f"({_HINT})")
        for a in range(3):
            if a not in active and dims[a] > 1:
                raise ValueError(f"axis {'xyz'[a]} has one cell and cannot be split over {dims[a]} "
                                 f"ranks ({_HINT})")
        dims = tuple(1 if a not in active and dims[a] == 0 else dims[a] for a in range(3))
        free = [a for a in active if dims[a] == 0]
        fixed = int(np.prod([d for d in dims if d > 0]))
        if size % fixed or (not free and fixed != size):
            raise ValueError(f"{fixed} blocks along the fixed axes ({'x'.join(str(d or '?') for d in dims)}) "
                             f"do not fit {size} MPI rank(s) ({_HINT})")
        if not free:
            self._check_dims(grid, dims, ng)
            return dims
        rest = size // fixed
        if self.MPI is not None:
            factors = list(self.MPI.Compute_dims(rest, len(free)))
        else:
            factors = [rest] + [1] * (len(free) - 1)
        # largest factor to the longest free axis; if that does not divide evenly,
        # the first permutation of the same factors that does
        by_length = sorted(free, key=lambda a: -grid.shape[a])
        errors = []
        for perm in dict.fromkeys(itertools.permutations(factors)):
            d = list(dims)
            for a, f in zip(by_length, perm):
                d[a] = f
            try:
                self._check_dims(grid, tuple(d), ng)
                return tuple(d)
            except ValueError as exc:
                errors.append(str(exc))
        shape = " x ".join(str(grid.shape[a]) for a in active)
        raise ValueError(f"cannot split the grid {shape} over {size} ranks: {errors[0]}; choose "
                         f"another number of ranks or another split ({_HINT})")

    @staticmethod
    def _check_dims(grid, dims, ng):
        for a in range(3):
            n, d = grid.shape[a], dims[a]
            if n % d:
                raise ValueError(f"{n} cells along {'xyz'[a]} do not divide into {d} equal blocks")
            if n > 1 and n // d < ng:
                raise ValueError(f"blocks would have {n // d} cells along {'xyz'[a]}, fewer than "
                                 f"the {ng} ghost cells the halo exchange needs")

    def _coords_of(self, rank):
        if isinstance(self.comm, _SerialComm):
            return (0, 0, 0)
        cart = self.comm.Get_coords(rank)
        coords = [0, 0, 0]
        for a, c in zip(self.active_axes, cart):
            coords[a] = c
        return tuple(coords)

    def _rank_at(self, coords):
        """Rank owning block ``coords`` (wrapped on periodic axes), or None outside."""
        c = list(coords)
        for a in range(3):
            if c[a] < 0 or c[a] >= self.dims[a]:
                if not self.periodic[a]:
                    return None
                c[a] %= self.dims[a]
        if isinstance(self.comm, _SerialComm):
            return 0
        return self.comm.Get_cart_rank([c[a] for a in self.active_axes] or [0])

    def _neighbours(self):
        nb = {}
        for a in self.active_axes:
            for side, step in (("inner", -1), ("outer", +1)):
                c = list(self.coords)
                c[a] += step
                nb[(a, side)] = self._rank_at(c)
        return nb

    def block_extents(self):
        """``[(lo, n), ...]`` of every rank's block, in rank order (no communication)."""
        n = self.block.n
        out = []
        for r in range(self.size):
            c = self._coords_of(r)
            out.append((tuple(c[a] * n[a] for a in range(3)), n))
        return out

    # ------------------------------------------------------------------
    # halo exchange
    def _arrays(self, state, fields=None):
        """(array, is_normal_face) for every array exchanged along an axis.

        ``fields`` selects among ``"hydro"``, ``"cr"``, ``"field"`` (default: all).
        """
        fields = FIELD_GROUPS if fields is None else fields
        arrs = [(state.u, None)] if "hydro" in fields else []
        if state.cr is not None and "cr" in fields:
            arrs.append((state.cr, None))
        if state.bf is not None and "field" in fields:
            for b_axis, b in enumerate(state.bf):
                arrs.append((b, b_axis))
        return arrs

    def _slabs(self, axis):
        """Index ranges along ``axis``: (send inwards, recv inner ghosts, send outwards, recv outer ghosts)."""
        ng, n = self.block.nghost(axis), self.block.n[axis]
        cell = (slice(ng, 2 * ng), slice(0, ng), slice(n, n + ng), slice(n + ng, n + 2 * ng))
        face = (slice(ng + 1, 2 * ng + 1), slice(0, ng), slice(n, n + ng),
                slice(n + ng + 1, n + 2 * ng + 1))
        return cell, face

    def exchange(self, state, axis, fields=None):
        """Fill the ghosts of ``state`` along ``axis`` on the sides shared with a rank.

        Exchanges ``u``, ``cr`` and the three face-field arrays (or the groups
        named in ``fields``) over the full extent of the other axes.  Periodic sides whose neighbour is this
        rank itself are copied locally.  Returns the set of sides filled
        (``{"inner", "outer"}`` or a subset); the caller fills the others.
        """
        if self.block.nghost(axis) == 0:
            return set()
        inner = self.block.neighbours.get((axis, "inner"))
        outer = self.block.neighbours.get((axis, "outer"))
        cell, face = self._slabs(axis)
        arrays = self._arrays(state, fields)

        def ranges(b_axis):
            return face if b_axis == axis else cell

        if inner is None and outer is None:
            return set()
        if inner == self.rank and outer == self.rank:
            # periodic axis not split: a local copy, as in the serial periodic fill
            for arr, b_axis in arrays:
                s_in, r_in, s_out, r_out = ranges(b_axis)
                arr[_slab(arr, axis, r_in)] = arr[_slab(arr, axis, s_out)]
                arr[_slab(arr, axis, r_out)] = arr[_slab(arr, axis, s_in)]
            return {"inner", "outer"}

        MPI = self.MPI
        # pack contiguous buffers: towards the inner neighbour and towards the outer one
        send_in = np.concatenate([arr[_slab(arr, axis, ranges(b)[0])].ravel() for arr, b in arrays]) \
            if inner is not None else None
        send_out = np.concatenate([arr[_slab(arr, axis, ranges(b)[2])].ravel() for arr, b in arrays]) \
            if outer is not None else None
        total = sum(arr[_slab(arr, axis, ranges(b)[1])].size for arr, b in arrays)
        recv_in = np.empty(total) if inner is not None else None    # from the inner neighbour
        recv_out = np.empty(total) if outer is not None else None   # from the outer neighbour
        TAG_OUTWARD, TAG_INWARD = 11 + 2 * axis, 12 + 2 * axis
        reqs = []
        if inner is not None:
            reqs.append(self.comm.Irecv([recv_in, MPI.DOUBLE], source=inner, tag=TAG_OUTWARD))
        if outer is not None:
            reqs.append(self.comm.Irecv([recv_out, MPI.DOUBLE], source=outer, tag=TAG_INWARD))
        if inner is not None:
            reqs.append(self.comm.Isend([send_in, MPI.DOUBLE], dest=inner, tag=TAG_INWARD))
        if outer is not None:
            reqs.append(self.comm.Isend([send_out, MPI.DOUBLE], dest=outer, tag=TAG_OUTWARD))
        MPI.Request.Waitall(reqs)

        filled = set()
        for buf, which, side in ((recv_in, 1, "inner"), (recv_out, 3, "outer")):
            if buf is None:
                continue
            off = 0
            for arr, b in arrays:
                view = arr[_slab(arr, axis, ranges(b)[which])]
                view[...] = buf[off:off + view.size].reshape(view.shape)
                off += view.size
            filled.add(side)
        return filled

    def halo_exchanger(self, state):
        """Halo exchange for the compiled CR step: ``fn(axis, with_gas)`` fills the sides
        of ``state.cr`` (and ``state.u`` if ``with_gas``) along ``axis`` shared with another
        rank; returns the set of sides filled.  Views and buffers are set up once, so a
        call is a few copies and one Irecv/Isend pair per neighbour; the index ranges
        (hence the bits) are those of :meth:`exchange`.  Local periodic axes are left
        to the caller."""
        plans = {}
        blk = self.block

        def make(axis, with_gas):
            inner = blk.neighbours.get((axis, "inner"))
            outer = blk.neighbours.get((axis, "outer"))
            if blk.nghost(axis) == 0 or (inner is None and outer is None) or \
                    (inner == self.rank and outer == self.rank):
                return None
            cell, _ = self._slabs(axis)
            arrays = [state.cr] + ([state.u] if with_gas else [])
            views = [[arr[_slab(arr, axis, cell[w])] for arr in arrays] for w in range(4)]
            total = sum(v.size for v in views[1])
            sides = []
            # (neighbour, send views, recv views, recv tag, send tag, side)
            TAG_OUTWARD, TAG_INWARD = 11 + 2 * axis, 12 + 2 * axis
            if inner is not None:
                sides.append((inner, views[0], views[1], TAG_OUTWARD, TAG_INWARD, "inner"))
            if outer is not None:
                sides.append((outer, views[2], views[3], TAG_INWARD, TAG_OUTWARD, "outer"))
            out = []
            for nb, send, recv, rtag, stag, side in sides:
                sbuf, rbuf = np.empty(total), np.empty(total)
                sv, rv, off = [], [], 0
                for a, b in zip(send, recv):
                    sv.append((a, sbuf[off:off + a.size].reshape(a.shape)))
                    rv.append((b, rbuf[off:off + b.size].reshape(b.shape)))
                    off += a.size
                out.append((nb, sv, rv, sbuf, rbuf, rtag, stag, side))
            return out

        def exchange(axis, with_gas):
            key = (axis, bool(with_gas))
            if key not in plans:
                plans[key] = make(axis, with_gas)
            plan = plans[key]
            if plan is None:
                return set()
            MPI = self.MPI
            reqs = []
            for nb, sv, rv, sbuf, rbuf, rtag, stag, side in plan:
                reqs.append(self.comm.Irecv([rbuf, MPI.DOUBLE], source=nb, tag=rtag))
            for nb, sv, rv, sbuf, rbuf, rtag, stag, side in plan:
                for src, buf in sv:
                    np.copyto(buf, src)
                reqs.append(self.comm.Isend([sbuf, MPI.DOUBLE], dest=nb, tag=stag))
            MPI.Request.Waitall(reqs)
            for nb, sv, rv, sbuf, rbuf, rtag, stag, side in plan:
                for dst, buf in rv:
                    np.copyto(dst, buf)
            return {p[-1] for p in plan}

        return exchange

    # ------------------------------------------------------------------
    # collectives
    def _reduce(self, x, op_name):
        if isinstance(self.comm, _SerialComm):
            return x
        op = getattr(self.MPI, op_name)
        if np.ndim(x) == 0 and not isinstance(x, np.ndarray):
            return self.comm.allreduce(x, op=op)
        a = np.ascontiguousarray(x)
        out = np.empty_like(a)
        self.comm.Allreduce(a, out, op=op)
        return out

    def min(self, x):
        """Minimum over ranks of a scalar, or element-wise of an array."""
        return self._reduce(x, "MIN")

    def max(self, x):
        """Maximum over ranks of a scalar, or element-wise of an array."""
        return self._reduce(x, "MAX")

    def sum(self, x):
        """Sum over ranks of a scalar, or element-wise of an array."""
        return self._reduce(x, "SUM")

    def allgather(self, obj):
        """List of ``obj`` from every rank (pickled: small objects only)."""
        return self.comm.allgather(obj)

    def bcast(self, obj, root=0):
        return self.comm.bcast(obj, root=root)

    def gather_blocks(self, active, root=0):
        """Assemble per-rank ``[..., k, j, i]`` active-cell arrays into the global array on ``root``.

        Returns the global array on ``root`` and None elsewhere.  Pickles the
        blocks: meant for diagnostics and tests, not for large outputs.
        """
        active = np.asarray(active)
        pieces = self.comm.gather((self.block.lo, self.block.n, active), root=root)
        if self.rank != root:
            return None
        shape = active.shape[:-3] + tuple(self.grid.shape[a] for a in (2, 1, 0))
        out = np.empty(shape, dtype=active.dtype)
        for lo, n, arr in pieces:
            out[..., lo[2]:lo[2] + n[2], lo[1]:lo[1] + n[1], lo[0]:lo[0] + n[0]] = arr
        return out

    def barrier(self):
        self.comm.Barrier()

    def abort(self, message, code=1):
        """Print ``message`` (with the rank) to stderr and end the whole run."""
        sys.stderr.write(f"[rank {self.rank}] crplugin: {message}\n")
        sys.stderr.flush()
        self.comm.Abort(code)

    def __repr__(self):
        return (f"Decomposition(grid={self.grid.shape}, dims={self.dims}, rank={self.rank}/"
                f"{self.size}, block lo={self.block.lo} n={self.block.n})")
