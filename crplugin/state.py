"""The evolved state of one block.

Conserved cell-centred variables ``u[var, k, j, i]``; face-centred magnetic
field ``bf[axis]`` (shape ``block.face_shape(axis)``) evolved by constrained
transport, with the cell-centred field ``bcc[axis, k, j, i]`` as the average
of the two faces; CR energy density and flux ``cr[var, k, j, i]``.

Code units: the magnetic field is measured so that the magnetic pressure is
``B^2 / 2`` and the Alfven speed ``B / sqrt(rho)`` (the Athena++ convention);
``crplugin.units.CodeUnits`` converts to cgs/Gaussian.
"""
import numpy as np

# conserved hydro variables
IDN, IM1, IM2, IM3, IEN = range(5)
NHYDRO = 5
# primitive hydro variables (same slots)
IVX, IVY, IVZ, IPR = IM1, IM2, IM3, IEN
# cosmic rays: energy density and flux
IEC, IFC1, IFC2, IFC3 = range(4)
NCR = 4


class State:
    """Arrays of one block plus the time and the cycle count."""

    def __init__(self, block, mhd=True, cr=False, nscalars=0):
        self.block = block
        self.mhd = mhd
        self.nscalars = nscalars
        self.u = np.zeros((NHYDRO + nscalars,) + block.shape)
        if mhd:
            self.bf = [np.zeros(block.face_shape(a)) for a in range(3)]
            self.bcc = np.zeros((3,) + block.shape)
        else:
            self.bf = None
            self.bcc = None
        self.cr = np.zeros((NCR,) + block.shape) if cr else None
        self.time = 0.0
        self.cycle = 0

    @property
    def has_cr(self):
        return self.cr is not None

    def update_bcc(self):
        """Cell-centred field as the average of the two bounding faces.

        In a non-Cartesian 1D geometry the radial field is the divergence-free
        B_1 = Phi / A (1D never evolves it) and ``bcc[0]`` is its volume
        average (A_- B_- + A_+ B_+) / 2 * dr / V, exact for B_1 = Phi / A.
        Beyond a physical boundary (not facing another rank) the ghost faces
        are reset to Phi_edge / A, whatever the boundary condition copied
        there, and the ghost cells take the ``bcc[0]`` of the edge cell: a
        boundary copies conserved variables (the energy includes B^2/2), so
        the ghost must carry the magnetic energy of the cell its state came
        from for its pressure to be that cell's pressure.
        """
        if not self.mhd:
            return
        b1, b2, b3 = self.bf
        blk = self.block
        if blk.geometry == "cartesian":
            self.bcc[0] = 0.5 * (b1[:, :, :-1] + b1[:, :, 1:])
        else:
            g, n, area = blk.nghost(0), blk.n[0], blk.area1
            inner = blk.neighbours.get((0, "inner")) is None
            outer = blk.neighbours.get((0, "outer")) is None
            if inner:
                b1[..., :g] = area[g] * b1[..., g:g + 1] / area[:g]
            if outer:
                b1[..., g + n + 1:] = area[g + n] * b1[..., g + n:g + n + 1] / area[g + n + 1:]
            flux = area * b1
            self.bcc[0] = 0.5 * (flux[:, :, :-1] + flux[:, :, 1:]) * (blk.dx1 / blk.vol1)
            if inner:
                self.bcc[0, ..., :g] = self.bcc[0, ..., g:g + 1]
            if outer:
                self.bcc[0, ..., g + n:] = self.bcc[0, ..., g + n - 1:g + n]
        self.bcc[1] = 0.5 * (b2[:, :-1, :] + b2[:, 1:, :])
        self.bcc[2] = 0.5 * (b3[:-1, :, :] + b3[1:, :, :])

    def copy(self):
        new = State.__new__(State)
        new.__dict__.update(self.__dict__)
        new.u = self.u.copy()
        new.bf = [b.copy() for b in self.bf] if self.bf is not None else None
        new.bcc = self.bcc.copy() if self.bcc is not None else None
        new.cr = self.cr.copy() if self.cr is not None else None
        return new

    def set_radial_field(self, b0, r0):
        """B_1 = b0 A(r0) / A(r) on the x1 faces (B_r = b0 (r0/r)^2 in spherical geometry):
        the divergence-free radial field of a 1D run, which the 1D solver never changes."""
        self.bf[0][...] = b0 * self.block.grid.area1(np.float64(r0)) / self.block.area1
        self.update_bcc()

    def divergence_b(self):
        """Face-based div B on the active cells (zero to round-off under CT); along x1
        in the geometric form (A_+ B_+ - A_- B_-) / V."""
        blk = self.block
        dx = blk.dx
        b1, b2, b3 = self.bf
        if blk.geometry == "cartesian":
            div = (b1[:, :, 1:] - b1[:, :, :-1]) / blk.dx1
        else:
            flux = blk.area1 * b1
            div = (flux[:, :, 1:] - flux[:, :, :-1]) / blk.vol1
        if blk.grid.shape[1] > 1:
            div = div + (b2[:, 1:, :] - b2[:, :-1, :]) / dx[1]
        if blk.grid.shape[2] > 1:
            div = div + (b3[1:, :, :] - b3[:-1, :, :]) / dx[2]
        return div[blk.active]
