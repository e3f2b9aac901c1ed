"""The mesh: the global grid and the block one process owns.

Arrays are indexed ``[k, j, i]`` (z, y, x), x fastest, with ``ng`` ghost
cells on each side of every *active* axis (an axis with one cell, as y and z
in 1D, has no ghosts).  A block knows where it sits in the global grid
(``lo``), so the MPI layer can give each rank one block without the
numerics noticing.

Along x1 the cells may be logarithmically spaced (``x1spacing = "log"``:
every cell is wider than its left neighbour by the same ratio, ghosts
included) and, in 1D, the geometry may be non-Cartesian (x1 = r):

================  ============================  ====================================
geometry          face area A(r)                cell volume V = int A dr
================  ============================  ====================================
``cartesian``     1                             r_+ - r_-
``spherical``     r^2 (per steradian)           (r_+^3 - r_-^3) / 3
``flux_tube``     1 + (r/r_s)^2 (A_0 = 1)       (r_+ - r_-) + (r_+^3 - r_-^3) / (3 r_s^2)
================  ============================  ====================================

(the flux tube of Ipavich 1975 and Breitschwerdt et al. 1991, r_s =
``flux_tube_scale``).  Log spacing is allowed in 1D, 2D and 3D Cartesian
grids (only x1 is stretched; x2 and x3 stay uniform).

The face coordinates along x1 are computed once for the whole global grid
(ghosts included) and every block takes its slice, so the faces of a rank
are bit-identical to the same faces of a serial run.
"""
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

NGHOST = 2  # PLM reconstruction in a predictor-corrector scheme needs two

SPACINGS = ("uniform", "log")
GEOMETRIES = ("cartesian", "spherical", "flux_tube")


@dataclass(frozen=True)
class Grid:
    """The global domain: ``shape = (nx, ny, nz)`` cells between ``left`` and ``right``.

    ``x1spacing`` is ``"uniform"`` or ``"log"``; ``geometry`` is
    ``"cartesian"``, ``"spherical"`` or ``"flux_tube"`` (the last two in 1D
    only, x1 = r), with ``flux_tube_scale`` = r_s for the flux tube.
    """

    shape: tuple
    left: tuple
    right: tuple
    x1spacing: str = "uniform"
    geometry: str = "cartesian"
    flux_tube_scale: float = None

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
        if self.x1spacing not in SPACINGS:
            raise ValueError(f"mesh.x1spacing must be one of {', '.join(SPACINGS)}; got {self.x1spacing!r}")
        if self.geometry not in GEOMETRIES:
            raise ValueError(f"mesh.geometry must be one of {', '.join(GEOMETRIES)}; got {self.geometry!r}")
        if self.geometry != "cartesian" and (shape[1] > 1 or shape[2] > 1):
            raise ValueError(f"mesh.geometry = '{self.geometry}' is 1D only (x1 = r): set mesh.ny = mesh.nz = 1")
        if self.x1spacing == "log" and not left[0] > 0.0:
            raise ValueError(f"mesh.x1min must be > 0 for mesh.x1spacing = 'log', got {left[0]:g}")
        if self.geometry != "cartesian" and not left[0] > 0.0:
            raise ValueError(f"mesh.x1min must be > 0 for mesh.geometry = '{self.geometry}' (x1 = r), "
                             f"got {left[0]:g}")
        scale = self.flux_tube_scale
        if self.geometry == "flux_tube":
            if scale is None or not float(scale) > 0.0:
                raise ValueError("mesh.geometry = 'flux_tube' needs mesh.flux_tube_scale > 0 (r_s)")
            scale = float(scale)
        object.__setattr__(self, "shape", shape)
        object.__setattr__(self, "left", left)
        object.__setattr__(self, "right", right)
        object.__setattr__(self, "flux_tube_scale", scale)

    @property
    def ndim(self):
        return 1 + (self.shape[1] > 1) + (self.shape[2] > 1)

    @property
    def uniform(self):
        """True if every axis has equal cell widths and the geometry is Cartesian."""
        return self.x1spacing == "uniform" and self.geometry == "cartesian"

    @property
    def dx(self):
        """Cell widths ``(dx1, dx2, dx3)``.  With log spacing ``dx[0]`` is the *smallest*
        active width along x1 (a safe CFL length); use ``Block.dx1`` for anything else."""
        if self.x1spacing == "log":
            f = self.x1_faces(0)
            return (f[1] - f[0],) + tuple((r - l) / n for l, r, n in zip(self.left[1:], self.right[1:],
                                                                           self.shape[1:]))
        return tuple((r - l) / n for l, r, n in zip(self.left, self.right, self.shape))

    def x1_faces(self, ng):
        """The global faces along x1 with ``ng`` ghost cells on each side (length nx + 2 ng + 1)."""
        return _x1_faces(self, int(ng))

    def area1(self, r):
        """Face area A(r) along x1 (1; r^2 per steradian; 1 + (r/r_s)^2)."""
        if self.geometry == "spherical":
            return r * r
        if self.geometry == "flux_tube":
            return 1.0 + (r / self.flux_tube_scale) ** 2
        return np.ones_like(r)

    def length1(self, r):
        """Transverse length scale h = sqrt(A) of a face (the h of the induction equation
        dB_t/dt = -(1/h) d(h E)/dr: 1, r, sqrt(1 + (r/r_s)^2))."""
        if self.geometry == "cartesian":
            return np.ones_like(r)
        return np.sqrt(self.area1(r))

    def int_length1(self, r_lo, r_hi):
        """int_{r_lo}^{r_hi} h dr, exactly."""
        dr = r_hi - r_lo
        if self.geometry == "spherical":
            return 0.5 * dr * (r_lo + r_hi)
        if self.geometry == "flux_tube":
            s = self.flux_tube_scale

            def prim(r):   # int sqrt(1 + (r/s)^2) dr
                return 0.5 * r * np.sqrt(1.0 + (r / s) ** 2) + 0.5 * s * np.arcsinh(r / s)
            return prim(r_hi) - prim(r_lo)
        return dr

    def volume1(self, r_lo, r_hi):
        """int_{r_lo}^{r_hi} A dr, exactly (factored so that thin shells lose no digits)."""
        dr = r_hi - r_lo
        cube = dr * (r_lo * r_lo + r_lo * r_hi + r_hi * r_hi) / 3.0   # (r_hi^3 - r_lo^3) / 3
        if self.geometry == "spherical":
            return cube
        if self.geometry == "flux_tube":
            return dr + cube / self.flux_tube_scale ** 2
        return dr


@lru_cache(maxsize=16)
def _x1_faces(grid, ng):
    n, lo, hi = grid.shape[0], grid.left[0], grid.right[0]
    idx = np.arange(-ng, n + ng + 1)
    if grid.x1spacing == "log":
        ratio = (hi / lo) ** (1.0 / n)
        f = lo * ratio ** idx.astype(float)
        f[ng] = lo      # the domain edges exactly
        f[ng + n] = hi
    else:
        f = lo + idx * ((hi - lo) / n)
    f.setflags(write=False)
    return f


@dataclass(frozen=True)
class Block:
    """The part of ``grid`` owned by one process: ``n`` active cells from global index ``lo``.

    Geometry along x1 (all with ghosts, ``g = nghost(0)``):
    ``dx1`` cell widths and ``x1v`` cell centres (midpoints; length n0 + 2g),
    ``area1`` face areas (length n0 + 2g + 1) and ``vol1`` cell volumes
    int A dr (length n0 + 2g); see the module docstring for A(r).  For the
    induction of the transverse field: ``h1f`` = sqrt(A) at the faces and
    ``hdx1`` = int sqrt(A) dr over each cell.
    """

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
        # geometry along x1 (read-only arrays; computed once per block)
        g = self.nghost(0)
        start = self.lo[0]   # the global array starts at face -g
        gf = self.grid.x1_faces(g)[start:start + self.n[0] + 2 * g + 1]
        if self.grid.x1spacing == "uniform":
            dx1 = np.full(self.n[0] + 2 * g, self.grid.dx[0])
        else:
            dx1 = np.diff(gf)
        geo = {"x1f": gf, "dx1": dx1, "x1v": 0.5 * (gf[:-1] + gf[1:]) if self.grid.x1spacing == "log"
               else self.centres(0),
               "area1": self.grid.area1(gf), "vol1": self.grid.volume1(gf[:-1], gf[1:]),
               "h1f": self.grid.length1(gf), "hdx1": self.grid.int_length1(gf[:-1], gf[1:])}
        if self.grid.geometry == "cartesian":   # the widths themselves (uniform: exactly dx)
            geo["vol1"] = geo["hdx1"] = dx1
        for name, arr in geo.items():
            arr = np.array(arr, dtype=float)
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)

    # --- sizes -----------------------------------------------------------
    @property
    def ndim(self):
        return self.grid.ndim

    @property
    def geometry(self):
        return self.grid.geometry

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
        """Cell-centre coordinates along ``axis``, ghosts included (midpoints of the faces)."""
        if axis == 0 and self.grid.x1spacing == "log":
            return self.x1v.copy()
        g = self.nghost(axis)
        idx = np.arange(-g, self.n[axis] + g) + self.lo[axis]
        return self.grid.left[axis] + (idx + 0.5) * self.grid.dx[axis]

    def faces(self, axis):
        """Face coordinates along ``axis``, ghosts included."""
        if axis == 0:
            return self.x1f.copy()
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
        return (float(self.x1f[self.nghost(0)]),) + tuple(
            self.grid.left[a] + self.lo[a] * self.grid.dx[a] for a in (1, 2))

    @property
    def right(self):
        return (float(self.x1f[self.nghost(0) + self.n[0]]),) + tuple(
            self.grid.left[a] + (self.lo[a] + self.n[a]) * self.grid.dx[a] for a in (1, 2))
