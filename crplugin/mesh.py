"""Uniform Cartesian mesh: the global grid and the block one process owns.

Arrays are indexed ``[k, j, i]`` (z, y, x), x fastest, with ``ng`` ghost
cells on each side of every *active* axis (an axis with one cell, as y and z
in 1D, has no ghosts).  A block knows where it sits in the global grid
(``lo``), so the MPI layer can give each rank one block without the
numerics noticing.
"""
from dataclasses import dataclass, field

import numpy as np

NGHOST = 2  # PLM reconstruction in a predictor-corrector scheme needs two


@dataclass(frozen=True)
class Grid:
    """The global domain: ``shape = (nx, ny, nz)`` cells between ``left`` and ``right``."""

    shape: tuple
    left: tuple
    right: tuple

    def __post_init__(self):
        shape = tuple(int(n) for n in self.shape) + (1,) * (3 - len(self.shape))
        left = tuple(float(x) for x in self.left) + (0.0,) * (3 - len(self.left))
        right = tuple(float(x) for x in self.right) + (1.0,) * (3 - len(self.right))
        if any(n < 1 for n in shape):
            raise ValueError(f"grid shape must be positive, got {shape}")
        if any(r <= l for l, r in zip(left, right)):
            raise ValueError(f"domain right edge {right} must exceed left edge {left}")
        if shape[2] > 1 and shape[1] == 1:
            raise ValueError("a 3D grid needs ny > 1 (use x, y, z in that order)")
        object.__setattr__(self, "shape", shape)
        object.__setattr__(self, "left", left)
        object.__setattr__(self, "right", right)

    @property
    def ndim(self):
        return 1 + (self.shape[1] > 1) + (self.shape[2] > 1)

    @property
    def dx(self):
        return tuple((r - l) / n for l, r, n in zip(self.left, self.right, self.shape))


@dataclass(frozen=True)
class Block:
    """The part of ``grid`` owned by one process: ``n`` active cells from global index ``lo``."""

    grid: Grid
    lo: tuple = (0, 0, 0)
    n: tuple = None
    ng: int = NGHOST
    neighbours: dict = field(default_factory=dict, compare=False)

    def __post_init__(self):
        if self.n is None:
            object.__setattr__(self, "n", self.grid.shape)
        object.__setattr__(self, "lo", tuple(int(v) for v in self.lo))
        object.__setattr__(self, "n", tuple(int(v) for v in self.n))

    # --- sizes -----------------------------------------------------------
    @property
    def ndim(self):
        return self.grid.ndim

    @property
    def dx(self):
        return self.grid.dx

    def nghost(self, axis):
        """Ghost cells on each side of ``axis`` (0 = x): ``ng`` if the axis is active."""
        return self.ng if self.grid.shape[axis] > 1 else 0

    @property
    def shape(self):
        """Cell-array shape with ghosts, in ``[k, j, i]`` order."""
        return tuple(self.n[a] + 2 * self.nghost(a) for a in (2, 1, 0))

    def face_shape(self, axis):
        """Shape of the face-centred array normal to ``axis`` (one more face than cells)."""
        shape = list(self.shape)
        shape[2 - axis] += 1
        return tuple(shape)

    @property
    def active(self):
        """Slices selecting the active cells of a ``[..., k, j, i]`` array."""
        return tuple(slice(self.nghost(a), self.nghost(a) + self.n[a]) for a in (2, 1, 0))

    # --- coordinates -------------------------------------------------------
    def centres(self, axis):
        """Cell-centre coordinates along ``axis``, ghosts included."""
        g = self.nghost(axis)
        idx = np.arange(-g, self.n[axis] + g) + self.lo[axis]
        return self.grid.left[axis] + (idx + 0.5) * self.grid.dx[axis]

    def faces(self, axis):
        """Face coordinates along ``axis``, ghosts included."""
        g = self.nghost(axis)
        idx = np.arange(-g, self.n[axis] + g + 1) + self.lo[axis]
        return self.grid.left[axis] + idx * self.grid.dx[axis]

    def mesh(self):
        """Broadcastable cell-centre coordinates ``(x, y, z)`` shaped like a ``[k, j, i]`` array."""
        x = self.centres(0)[None, None, :]
        y = self.centres(1)[None, :, None]
        z = self.centres(2)[:, None, None]
        return x, y, z

    @property
    def left(self):
        return tuple(self.grid.left[a] + self.lo[a] * self.grid.dx[a] for a in range(3))

    @property
    def right(self):
        return tuple(self.grid.left[a] + (self.lo[a] + self.n[a]) * self.grid.dx[a] for a in range(3))
