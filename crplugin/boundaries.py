"""Ghost-zone filling: physical boundary conditions of one block.

Each side of each active axis has a kind: ``periodic``, ``outflow``
(zero gradient), ``cr_outflow`` (zero gradient, but the CR energy density is
extrapolated log-linearly and never rises outward, so that streaming CRs can
leave: a zero-gradient CR energy stops streaming at the edge and CRs pile up
into a spurious plateau), ``reflecting`` (mirror, normal velocity, normal field
and normal CR flux change sign), ``cr_fixed_energy`` (zero gradient, but the
CR energy density is held at the ghost values the problem set up: a wind
base where E_c is fixed and F_c is extrapolated, so the flow chooses its own CR
flux) or ``user`` (a callable that sets the ghosts, e.g. a fixed inflow
state; a function that declares ``fill.holds = {("cr", IEC), ...}``, the
variables it prescribes, runs without Python inside the compiled CR step).  Axes are filled in the order x, y, z over the
full extent of the other axes, so edge and corner ghosts end up consistent.

Sides shared with another process are filled by the halo exchange of
``crplugin.parallel``, which calls :meth:`Boundaries.fill_side` only for the
physical sides; in a serial run every side is physical.
All operations are whole-slab numpy copies (no loop over cells).
"""
import numpy as np

from crplugin.state import IEC, IFC1, IM1

# groups of arrays a fill can be restricted to (CR sub-cycles refill only "cr")
FIELD_GROUPS = ("hydro", "cr", "field")
KINDS = ("periodic", "outflow", "cr_outflow", "reflecting", "cr_fixed_energy", "user")
SIDES = ("inner", "outer")


def _take(arr, axis_from_end, sl):
    idx = [slice(None)] * arr.ndim
    idx[arr.ndim - 1 - axis_from_end] = sl
    return tuple(idx)


class Boundaries:
    """Boundary conditions of a block.

    Parameters
    ----------
    block : crplugin.mesh.Block
    kinds : dict mapping ``(axis, side)`` to a kind, e.g. ``{(0, "inner"): "user"}``;
        missing sides default to ``default``.
    user : dict mapping ``(axis, side)`` to ``fn(state, axis, side)`` that fills
        the ghosts of that side (called after the outflow fill, so it only
        needs to overwrite what it prescribes).
    """

    def __init__(self, block, kinds=None, default="periodic", user=None):
        self.block = block
        self.kinds = {}
        self.user = dict(user or {})
        self._fixed_ec = {}   # cr_fixed_energy: E_c ghosts as first set up
        for axis in range(3):
            for side in SIDES:
                kind = (kinds or {}).get((axis, side), default)
                if kind not in KINDS:
                    raise ValueError(f"unknown boundary kind '{kind}' for axis {axis} {side}; "
                                     f"valid kinds: {', '.join(KINDS)}")
                if kind == "user" and (axis, side) not in self.user:
                    raise ValueError(f"boundary axis {axis} {side} is 'user' but no function was given")
                self.kinds[(axis, side)] = kind
        for axis in range(3):
            if (self.kinds[(axis, "inner")] == "periodic") != (self.kinds[(axis, "outer")] == "periodic"):
                raise ValueError(f"axis {axis}: periodic boundaries must be periodic on both sides")

    # ------------------------------------------------------------------
    def fill(self, state, exchange=None, fields=None):
        """Fill the ghost zones of ``state``.

        ``exchange(state, axis, fields)`` (from the parallel layer) fills the
        sides shared with other processes and returns the set of sides it
        filled.  ``fields`` restricts the fill to some of ``FIELD_GROUPS``
        (default: all).
        """
        fields = FIELD_GROUPS if fields is None else tuple(fields)
        for axis in range(3):
            if self.block.nghost(axis) == 0:
                continue
            done = exchange(state, axis, fields) if exchange is not None else set()
            for side in SIDES:
                if side not in done:
                    self.fill_side(state, axis, side, fields)
        if state.mhd and "field" in fields:
            state.update_bcc()

    def fill_side(self, state, axis, side, fields=FIELD_GROUPS):
        kind = self.kinds[(axis, side)]
        if kind == "periodic":
            self._periodic(state, axis, side, fields)
            return
        if kind == "cr_fixed_energy" and state.cr is not None and "cr" in fields:
            ghosts = _take(state.cr[IEC], axis, self._ghost_slice(axis, side))
            held = self._fixed_ec.setdefault((axis, side), state.cr[IEC][ghosts].copy())
        self._copy_or_mirror(state, axis, side, kind == "reflecting", fields)
        if kind == "cr_fixed_energy" and state.cr is not None and "cr" in fields:
            state.cr[IEC][ghosts] = held
        if kind == "cr_outflow" and state.cr is not None and "cr" in fields:
            self._extrapolate_cr_energy(state, axis, side)
        if kind == "user":
            self.user[(axis, side)](state, axis, side)

    def _ghost_slice(self, axis, side):
        ng, n = self.block.nghost(axis), self.block.n[axis]
        return slice(0, ng) if side == "inner" else slice(n + ng, n + 2 * ng)

    # ------------------------------------------------------------------
    def _extrapolate_cr_energy(self, state, axis, side):
        _extrapolate_cr_energy_impl(self.block, state.cr, axis, side)

    def _cell_arrays(self, state, fields):
        arrays = [(state.u, IM1)] if "hydro" in fields else []
        if state.cr is not None and "cr" in fields:
            arrays.append((state.cr, IFC1))
        return arrays

    def _periodic(self, state, axis, side, fields):
        ng, n = self.block.nghost(axis), self.block.n[axis]
        for arr, _ in self._cell_arrays(state, fields):
            if side == "inner":
                arr[_take(arr, axis, slice(0, ng))] = arr[_take(arr, axis, slice(n, n + ng))]
            else:
                arr[_take(arr, axis, slice(n + ng, n + 2 * ng))] = arr[_take(arr, axis, slice(ng, 2 * ng))]
        if state.mhd and "field" in fields:
            for b_axis, b in enumerate(state.bf):
                if b_axis == axis:  # faces normal to axis: n + 1 active faces, shared end face
                    if side == "inner":
                        b[_take(b, axis, slice(0, ng))] = b[_take(b, axis, slice(n, n + ng))]
                    else:
                        b[_take(b, axis, slice(n + ng + 1, n + 2 * ng + 1))] = b[_take(b, axis, slice(ng + 1, 2 * ng + 1))]
                else:
                    if side == "inner":
                        b[_take(b, axis, slice(0, ng))] = b[_take(b, axis, slice(n, n + ng))]
                    else:
                        b[_take(b, axis, slice(n + ng, n + 2 * ng))] = b[_take(b, axis, slice(ng, 2 * ng))]

    def _copy_or_mirror(self, state, axis, side, mirror, fields):
        # all ghost layers of a side in one slab assignment per array: the last active
        # layer broadcast (copy) or the active layers in reverse order (mirror); the
        # sources are active cells only, so the order of the layers does not matter
        ng, n = self.block.nghost(axis), self.block.n[axis]
        if side == "inner":
            ghosts = slice(0, ng)
            src = slice(2 * ng - 1, ng - 1, -1) if mirror else slice(ng, ng + 1)
            gface = slice(0, ng)                  # the normal field's ghost faces
            sface = slice(2 * ng, ng, -1) if mirror else slice(ng, ng + 1)
        else:
            ghosts = slice(n + ng, n + 2 * ng)
            src = slice(n + ng - 1, n - 1, -1) if mirror else slice(n + ng - 1, n + ng)
            gface = slice(n + ng + 1, n + 2 * ng + 1)
            sface = slice(n + ng - 1, n - 1, -1) if mirror else slice(n + ng, n + ng + 1)
        for arr, ivec in self._cell_arrays(state, fields):
            arr[_take(arr, axis, ghosts)] = arr[_take(arr, axis, src)]
            if mirror:
                arr[(ivec + axis,) + _take(arr[0], axis, ghosts)] *= -1.0
        if state.mhd and "field" in fields:
            for b_axis, b in enumerate(state.bf):
                if b_axis == axis:
                    b[_take(b, axis, gface)] = -b[_take(b, axis, sface)] if mirror else b[_take(b, axis, sface)]
                else:
                    b[_take(b, axis, ghosts)] = b[_take(b, axis, src)]


def _extrapolate_cr_energy_impl(block, cr, axis, side):
    ng, n = block.nghost(axis), block.n[axis]
    e = cr[IEC]
    if side == "inner":
        edge, inner, ghosts = ng, ng + 1, [ng - g for g in range(1, ng + 1)]
    else:
        edge, inner, ghosts = n + ng - 1, n + ng - 2, [n + ng - 1 + g for g in range(1, ng + 1)]
    e_edge, e_in = e[_take(e, axis, edge)], e[_take(e, axis, inner)]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(e_in > 0, e_edge / np.where(e_in > 0, e_in, 1.0), 1.0)
    ratio = np.clip(ratio, 0.0, 1.0)
    for g, ghost in enumerate(ghosts, start=1):
        e[_take(e, axis, ghost)] = e_edge * ratio**g


def fixed_state(values):
    """A ``user`` boundary that holds conserved/CR variables at given values in the ghosts.

    ``values`` maps ``("u", index)`` or ``("cr", index)`` to a number, e.g.
    ``{("cr", IEC): 3.0}`` holds the CR energy density at 3 in the ghosts.
    The returned function declares what it holds (``fill.holds``), so the
    compiled CR step applies it without calling back into Python.
    """
    def fill(state, axis, side):
        blk = state.block
        ng, n = blk.nghost(axis), blk.n[axis]
        sl = slice(0, ng) if side == "inner" else slice(n + ng, n + 2 * ng)
        for (name, index), value in values.items():
            arr = getattr(state, name)
            arr[(index,) + _take(arr[0], axis, sl)] = value
    fill.holds = frozenset(values)
    return fill
