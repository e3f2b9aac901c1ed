r"""Gravity from a static potential, with total energy (including the potential) conserved.

Momentum and energy sources of a fixed potential :math:`\phi`
(:math:`\mathbf g = -\nabla\phi`):

.. math::

    \partial_t(\rho\mathbf v) = \rho\mathbf g, \qquad
    \partial_t E = \rho\mathbf v\cdot\mathbf g = -\rho\mathbf v\cdot\nabla\phi .

Discretisation (the conservative form of Athena++'s static-gravity source):
the energy source uses the *face mass fluxes* :math:`F_{\pm}` with which the
MHD step updated the density, and the potential at the faces
:math:`\phi_\pm` and at the cell :math:`\phi_i`,

.. math::

    \Delta E_i = -\frac{\Delta t}{V_i}\left[A_+F_+(\phi_+ - \phi_i) + A_-F_-(\phi_i - \phi_-)\right],

so that :math:`\sum_i V_i (E_i + \rho_i\phi_i)` changes only by the potential
energy carried through the domain boundary, :math:`-\Delta t [A F \phi]`,
to round-off (the terms telescope with :math:`\phi_i\,\Delta\rho_i`).  The
momentum source is Strang-split around the MHD step: a kick
:math:`\tfrac12\Delta t\,\rho^n g_i` before it (so that the predictor
sees the force that balances the pressure gradient; applied after the step
only, it leaves a hydrostatic state with a first-order spurious velocity)
and :math:`\tfrac12\Delta t\,\rho^{n+1} g_i` after, with
:math:`g_i = -(\phi_+ - \phi_-)/\Delta x_i` (the same face values as the
energy source).  The kinetic energy of the first kick is added to E at once
(the MHD step sees an unchanged pressure) and subtracted from the flux-based
energy change after the step, so the total stays exact.

Potentials (``gravity.potential``; every parameter is in code units, r = x1
in 1D, r = |x| in 2D/3D; the ``disk`` vertical axis is the last active axis:
z in 3D, x in a 1D column):

* ``point_mass``: :math:`\phi = -GM/r` (``gm``);
* ``isothermal_sphere``: :math:`\phi = 2 v_g^2 \ln r` (``v_g``), the potential
  of Quataert, Jiang & Thompson (2022, MNRAS 510, 920, section 2), with
  :math:`v_c = \sqrt2 v_g`;
* ``nfw``: Navarro, Frenk & White (1997, ApJ 490, 493, eq 3 integrated),
  :math:`\phi = -\frac{G M_{200}}{\mu(c)} \frac{\ln(1 + r/r_s)}{r}`,
  :math:`\mu(c) = \ln(1+c) - c/(1+c)` (``gm200``, ``r_s``, ``c200``);
* ``disk``: the vertical field of the solar-neighbourhood disc of Kuijken &
  Gilmore (1989, MNRAS 239, 605, their K_z fit as used by Joung & Mac Low
  2006, ApJ 653, 1266, eq 5): :math:`g_z = -a_1 z/\sqrt{z^2 + z_0^2} - a_2 z`,
  :math:`\phi = a_1(\sqrt{z^2+z_0^2} - z_0) + a_2 z^2/2` (``a1``, ``a2``,
  ``z0``; in kpc and Myr: a1 = 1.42e-3 kpc Myr^-2, a2 = 5.49e-4 Myr^-2,
  z0 = 0.18 kpc).

``softening`` replaces r by sqrt(r^2 + eps^2) in the radial potentials (for a
3D box containing the centre).
"""
import math

import numpy as np

from crplugin.params import Param, ParameterError
from crplugin.sources import SourceTerm, register
from crplugin.state import IDN, IEN, IM1

POTENTIALS = ("point_mass", "isothermal_sphere", "nfw", "disk")
# parameters each potential needs (all must be set > 0)
NEEDS = {
    "point_mass": ("gm",),
    "isothermal_sphere": ("v_g",),
    "nfw": ("gm200", "r_s", "c200"),
    "disk": ("a1", "a2", "z0"),
}


# --- the potentials: phi(r) of a radius or a height, whole arrays -------------
def _phi_point_mass(r, p):
    return -p["gm"] / r


def _phi_isothermal_sphere(r, p):
    return 2.0 * p["v_g"] ** 2 * np.log(r)


def _phi_nfw(r, p):
    c = p["c200"]
    mu = math.log1p(c) - c / (1.0 + c)
    return -(p["gm200"] / mu) * np.log1p(r / p["r_s"]) / r


def _phi_disk(z, p):
    return p["a1"] * (np.sqrt(z * z + p["z0"] ** 2) - p["z0"]) + 0.5 * p["a2"] * z * z


PHI = {"point_mass": _phi_point_mass, "isothermal_sphere": _phi_isothermal_sphere,
       "nfw": _phi_nfw, "disk": _phi_disk}


def potential(name, params, x, y=0.0, z=0.0, ndim=1):
    """The potential ``name`` at positions (x, y, z) (arrays broadcast).

    Radial potentials take r = |x| in 1D and the distance from the origin in
    2D/3D (softened); the disc takes the height along the last active axis.
    """
    if name == "disk":
        h = (x, y, z)[ndim - 1]
        return PHI[name](np.asarray(h, dtype=float), params)
    r2 = x * x if ndim == 1 else x * x + y * y + (z * z if ndim == 3 else 0.0)
    r = np.sqrt(r2 + params.get("softening", 0.0) ** 2)
    return PHI[name](r, params)


def check_parameters(params):
    """One readable line naming the missing parameter of the chosen potential."""
    name = params["potential"]
    if name not in POTENTIALS:
        raise ParameterError(f"gravity.potential must be one of {', '.join(POTENTIALS)}; got {name!r}")
    for key in NEEDS[name]:
        if not params[key] > 0:
            raise ParameterError(f"gravity.potential = '{name}' needs gravity.{key} > 0 "
                                 f"(got {params[key]!r}); set it in [gravity] or as gravity.{key}=...")


def _axis_coords(block, axis):
    """(centres, faces, widths, face areas, cell volumes) along ``axis``, ghosts included.

    Curvilinear 1D blocks carry their own widths, areas and volumes
    (``x1v``, ``dx1``, ``area1``, ``vol1``); otherwise the mesh is uniform
    Cartesian (area 1, volume = width).
    """
    xf = np.asarray(block.faces(axis), dtype=float)
    if axis == 0 and getattr(block, "area1", None) is not None:
        return (np.asarray(block.x1v, dtype=float), xf, np.asarray(block.dx1, dtype=float),
                np.asarray(block.area1, dtype=float), np.asarray(block.vol1, dtype=float))
    dx = np.diff(xf)
    return block.centres(axis), xf, dx, np.ones_like(xf), dx


def _along(arr, axis):
    """Reshape a 1D array along ``axis`` to broadcast against ``[k, j, i]`` arrays."""
    shape = [1, 1, 1]
    shape[2 - axis] = arr.size
    return arr.reshape(shape)


@register
class Gravity(SourceTerm):
    """Gravity of a static potential (point mass, isothermal sphere, NFW halo or
    Kuijken-Gilmore disc): momentum source rho g, energy source from the face mass
    fluxes so that the total energy including rho phi is conserved to round-off."""

    name = "gravity"
    PARAMS = {
        "potential": Param("isothermal_sphere", "static potential", choices=POTENTIALS),
        "gm": Param(0.0, "point_mass: G M [code length^3/time^2]"),
        "v_g": Param(0.0, "isothermal_sphere: v_g in phi = 2 v_g^2 ln r [code velocity]"),
        "gm200": Param(0.0, "nfw: G M_200 [code length^3/time^2]"),
        "r_s": Param(0.0, "nfw: scale radius r_s [code length]"),
        "c200": Param(0.0, "nfw: concentration r_200/r_s"),
        "a1": Param(0.0, "disk: a_1 of g_z = -a_1 z/sqrt(z^2+z_0^2) - a_2 z [code length/time^2]"),
        "a2": Param(0.0, "disk: a_2 [1/code time^2]"),
        "z0": Param(0.0, "disk: z_0 [code length]"),
        "softening": Param(0.0, "radial potentials: r -> sqrt(r^2 + eps^2) [code length]"),
    }
    requires = ("hydro",)
    provides = ()

    def __init__(self, params):
        super().__init__(params)
        check_parameters(self.params)

    # ------------------------------------------------------------------
    def setup(self, sim):
        blk = sim.block
        p = dict(self.params)
        name = p["potential"]
        ndim = sim.grid.ndim
        self.axes = tuple(a for a in range(3) if blk.nghost(a) > 0)
        geo = {a: _axis_coords(blk, a) for a in self.axes}
        centres = [_along(geo[a][0], a) if a in geo else np.asarray(blk.centres(a), float).reshape(
            [1, 1, 1]) for a in range(3)]

        self.phi = np.broadcast_to(potential(name, p, *centres, ndim=ndim), blk.shape).copy()
        # per axis: face areas and the 'volume' that divides the face-flux difference
        # (A and int A dr along a curvilinear x1; 1 and the width along a Cartesian axis)
        self.phi_face, self.g, self.area, self.width_vol = {}, {}, {}, {}
        self.volume = np.ones((1, 1, 1))
        for a in self.axes:
            xc, xf, dx, area, vol = geo[a]
            pos = list(centres)
            pos[a] = _along(xf, a)
            phif = np.broadcast_to(potential(name, p, *pos, ndim=ndim), blk.face_shape(a)).copy()
            self.phi_face[a] = phif
            lo, hi = _slices(a, 3)
            # g_i = -(phi_+ - phi_-)/dx_i: the same face values as the energy source
            self.g[a] = -(phif[hi] - phif[lo]) / _along(dx, a)
            self.area[a] = _along(area, a)
            self.width_vol[a] = _along(vol, a)
            self.volume = self.volume * _along(vol, a)
        self.min_dx = min(float(np.min(geo[a][2])) for a in self.axes)
        self._ke_before = None   # kinetic energy added by the first half kick of this step

    # ------------------------------------------------------------------
    def mass_fluxes(self, sim):
        """Face mass fluxes per unit area of the last MHD step, one array per active axis."""
        return {a: sim.mhd.mass_flux(a) if hasattr(sim.mhd, "mass_flux") else sim.mhd._flux[a][IDN]
                for a in self.axes}

    def apply_before(self, sim, dt):
        """First half kick (Strang splitting), every cell: momentum += dt/2 rho^n g, with E
        changed by the kinetic energy it adds (the MHD step sees an unchanged pressure)."""
        self._ke_before = None
        if not sim.params["mhd.evolve"]:
            return
        u = sim.state.u
        ke0 = _kinetic(u)
        for a in self.axes:
            u[IM1 + a] += 0.5 * dt * u[IDN] * self.g[a]
        self._ke_before = _kinetic(u) - ke0
        u[IEN] += self._ke_before

    def apply(self, sim, dt):
        """Second half kick with rho^{n+1}; the energy of the whole step from the face mass
        fluxes (minus what the first half already added)."""
        if not sim.params["mhd.evolve"]:
            return  # frozen gas: gravity is balanced by construction
        u = sim.state.u
        act = sim.block.active
        d_en = np.zeros_like(u[IDN][act])
        fluxes = self.mass_fluxes(sim)
        for a in self.axes:
            lo, hi = _slices(a, 3)
            af = fluxes[a] * np.broadcast_to(self.area[a], fluxes[a].shape)  # A F on faces
            phif, phic = self.phi_face[a], self.phi
            flux_hi, flux_lo = af[hi][act], af[lo][act]
            vol = np.broadcast_to(self.width_vol[a], u[IDN].shape)[act]
            d_en -= (dt / vol) * (flux_hi * (phif[hi][act] - phic[act]) + flux_lo * (phic[act] - phif[lo][act]))
        for a in self.axes:
            u[IM1 + a][act] += 0.5 * dt * u[IDN][act] * self.g[a][act]
        if self._ke_before is not None:
            d_en -= self._ke_before[act]
        u[IEN][act] += d_en

    def estimate_dt(self, sim):
        """A body falling from rest crosses at most a cell width per step:
        dt <= C sqrt(dx / |g|) (C the MHD Courant number)."""
        gmax = max(float(np.max(np.abs(self.g[a][sim.block.active]))) for a in self.axes)
        if gmax == 0.0:
            return math.inf
        return sim.params["time.cfl"] * math.sqrt(self.min_dx / gmax)

    def potential_energy(self, sim):
        """Sum of V rho phi over the active cells of this block (for energy checks)."""
        act = sim.block.active
        vol = np.broadcast_to(self.volume, sim.block.shape)[act]
        return float(np.sum(vol * sim.state.u[IDN][act] * self.phi[act]))


def _kinetic(u):
    return 0.5 * (u[IM1] ** 2 + u[IM1 + 1] ** 2 + u[IM1 + 2] ** 2) / u[IDN]


def _slices(axis, ndim_arr):
    """Index tuples selecting the low and high faces of every cell along ``axis``."""
    lo = [slice(None)] * ndim_arr
    hi = [slice(None)] * ndim_arr
    lo[2 - axis] = slice(0, -1)
    hi[2 - axis] = slice(1, None)
    return tuple(lo), tuple(hi)
