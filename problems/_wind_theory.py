r"""Steady spherical winds of isothermal gas with a polytropic CR pressure.

The equations (steady, spherical, code units; Quataert, Jiang & Thompson
2022, MNRAS 510, 920, eqs 1-4 without diffusion):

.. math::

    \rho v r^2 = \dot M / 4\pi, \qquad
    v\,\frac{dv}{dr} = -\frac{1}{\rho}\frac{d}{dr}(c^2\rho + P_c) - \frac{d\phi}{dr},
    \qquad P_c = P_{c0}\,(\rho/\rho_0)^{\gamma_p}.

* CRs locked to the gas (advected, adiabatic): :math:`\gamma_p = 4/3`;
* CRs streaming at :math:`v_A \propto r^{-2}\rho^{-1/2}` with :math:`v \ll v_A`:
  the steady CR energy equation gives :math:`P_c\,(A v_A)^{\gamma_c}` constant,
  i.e. :math:`\gamma_p = \gamma_c/2 = 2/3` (Quataert, Thompson & Jiang 2022,
  MNRAS 510, 1184, eq 8);
* no CRs: the isothermal Parker wind.

With :math:`c_{\rm eff}^2 = c^2 + \gamma_p P_c/\rho` the momentum equation is
:math:`(v - c_{\rm eff}^2/v)\,v' = 2c_{\rm eff}^2/r - \phi'`; the wind is
transonic through the critical point :math:`v = c_{\rm eff}`,
:math:`2 c_{\rm eff}^2 = r\phi'`, and has the Bernoulli integral

.. math::

    \tfrac12 v^2 + c^2\ln\rho + \frac{\gamma_p}{\gamma_p - 1}\frac{P_c}{\rho} + \phi = \text{const}.

The base holds :math:`\rho_0` and :math:`P_{c0}` at :math:`r_0`; the mass flux
is the one whose Bernoulli constant equals that of the critical point (found
with ``scipy.optimize.brentq``); the profile solves the Bernoulli equation at
each radius on the subsonic branch inside :math:`r_c` and the supersonic one
outside.  In an isothermal-sphere potential (:math:`r\phi' = 2v_g^2`) the
critical point needs :math:`c_{\rm eff} = v_g`; with :math:`\gamma_p > 1`
:math:`c_{\rm eff}` falls outward with :math:`\rho`, the critical point is an
X-point only when :math:`c_{\rm eff}` rises outward (:math:`\gamma_p < 1`), so
locked CRs (4/3) have no transonic wind there: use a point mass.

The Parker wind has the closed form (Cranmer 2004, Am. J. Phys. 72, 1397,
eq 19): with :math:`x = r/r_c`, :math:`r_c = GM/2c^2`,
:math:`M^2 = -W_k\!\left(-x^{-4} e^{3 - 4/x}\right)`, branch k = 0 inside
r_c, k = -1 outside.
"""
import math

import numpy as np
from scipy.optimize import brentq
from scipy.special import lambertw


# --- the isothermal Parker wind, exact ------------------------------------------
def parker_critical_radius(gm, c):
    return gm / (2.0 * c * c)


def parker_mach(r, gm, c):
    """Mach number v/c of the transonic isothermal Parker wind (Lambert W)."""
    x = np.asarray(r, dtype=float) / parker_critical_radius(gm, c)
    arg = -x**-4 * np.exp(3.0 - 4.0 / x)
    m2 = np.where(x <= 1.0, -lambertw(arg, 0).real, -lambertw(arg, -1).real)
    return np.sqrt(m2)


def parker_wind(r, gm, c, rho0, r0):
    """(v, rho, Mdot) of the Parker wind with density rho0 held at r0."""
    r = np.asarray(r, dtype=float)
    v = c * parker_mach(r, gm, c)
    v0 = c * float(parker_mach(r0, gm, c))
    mdot = 4.0 * math.pi * r0**2 * rho0 * v0
    rho = mdot / (4.0 * math.pi * r**2 * v)
    return v, rho, mdot


# --- potentials -------------------------------------------------------------------
def point_mass(gm):
    """(phi, r dphi/dr) of a point mass."""
    return (lambda r: -gm / r), (lambda r: gm / r)


def isothermal_sphere(v_g):
    """(phi, r dphi/dr) of phi = 2 v_g^2 ln r."""
    return (lambda r: 2.0 * v_g**2 * np.log(r)), (lambda r: 2.0 * v_g**2 + 0.0 * r)


# --- the polytropic-CR wind ---------------------------------------------------------
class SteadyWind:
    """Transonic steady wind of isothermal gas (sound speed ``c``) with
    P_c = p_c0 (rho/rho0)^gamma_p, density rho0 held at r0, in the potential
    given by ``phi(r)`` and ``rdphi(r) = r dphi/dr``.

    Attributes after construction: ``r_c`` (critical radius), ``rho_c``,
    ``mdot`` (4 pi r^2 rho v), ``v0`` (base velocity).  Raises ValueError
    when there is no transonic solution (the critical point is not reached
    from the base).
    """

    def __init__(self, c, rho0, p_c0, r0, phi, rdphi, gamma_p=4.0 / 3.0, r_max=1e4):
        self.c, self.rho0, self.p_c0, self.r0 = float(c), float(rho0), float(p_c0), float(r0)
        self.gamma_p = float(gamma_p)
        self.phi, self.rdphi = phi, rdphi
        self.r_c, self.rho_c = self._critical_point(r_max)
        self.mdot = 4.0 * math.pi * self.r_c**2 * self.rho_c * math.sqrt(self.c_eff2(self.rho_c))
        self.v0 = self.mdot / (4.0 * math.pi * self.r0**2 * self.rho0)

    # thermodynamics of the gas + CR mixture
    def p_c(self, rho):
        return self.p_c0 * (rho / self.rho0) ** self.gamma_p

    def c_eff2(self, rho):
        return self.c**2 + self.gamma_p * self.p_c(rho) / rho

    def enthalpy(self, rho):
        """int dP/rho: c^2 ln rho + gamma_p/(gamma_p - 1) P_c/rho."""
        h = self.c**2 * np.log(rho)
        if self.p_c0 > 0:
            h = h + self.gamma_p / (self.gamma_p - 1.0) * self.p_c(rho) / rho
        return h

    def bernoulli(self, r, rho, mdot):
        v = mdot / (4.0 * math.pi * r**2 * rho)
        return 0.5 * v * v + self.enthalpy(rho) + self.phi(r)

    # critical point
    def _rho_sonic_condition(self, r):
        """rho with 2 c_eff(rho)^2 = r phi'(r) (None if no such density)."""
        target = 0.5 * self.rdphi(r)
        f = lambda lnrho: self.c_eff2(math.exp(lnrho)) - target
        lo, hi = math.log(self.rho0) - 60.0, math.log(self.rho0) + 20.0
        if self.p_c0 == 0 or f(lo) * f(hi) > 0:
            return None
        return math.exp(brentq(f, lo, hi, xtol=1e-14, rtol=1e-14))

    def _critical_point(self, r_max):
        """(r_c, rho_c): the critical point whose Bernoulli constant is the base's."""
        lnr0 = math.log(self.rho0)
        if self.p_c0 == 0:
            # Parker: c_eff = c, so r_c solves r phi' = 2 c^2 and the Bernoulli constants fix rho_c
            r_c = brentq(lambda r: self.rdphi(r) - 2 * self.c**2, self.r0 * 1e-6, self.r0 * r_max)

            def mis_rho(lnrho):
                mdot = 4.0 * math.pi * r_c**2 * math.exp(lnrho) * self.c
                return self.bernoulli(self.r0, self.rho0, mdot) - self.bernoulli(r_c, math.exp(lnrho), mdot)
            # subsonic base: v0 < c, i.e. rho_c < rho0 (r0/r_c)^2
            top = lnr0 + 2.0 * math.log(self.r0 / r_c)
            return r_c, math.exp(brentq(mis_rho, top - 60.0, top, xtol=1e-14, rtol=1e-14))

        def mismatch(r_c, rho_c):
            mdot = 4.0 * math.pi * r_c**2 * rho_c * math.sqrt(self.c_eff2(rho_c))
            v0 = mdot / (4.0 * math.pi * self.r0**2 * self.rho0)
            if v0 * v0 >= self.c_eff2(self.rho0):
                return np.nan  # the other root: a wind already supersonic at the base
            return self.bernoulli(self.r0, self.rho0, mdot) - self.bernoulli(r_c, rho_c, mdot)

        def first_root(f, grid):
            vals = np.array([f(x) for x in grid])
            ok = np.isfinite(vals[:-1]) & np.isfinite(vals[1:]) & (vals[:-1] * vals[1:] < 0)
            if not ok.any():
                raise ValueError("no transonic wind: the critical point cannot be reached from the base "
                                 "(e.g. CRs locked to the gas in an isothermal-sphere potential)")
            i = int(np.argmax(ok))
            return brentq(f, grid[i], grid[i + 1], xtol=1e-14 * abs(grid[i]), rtol=1e-14)

        if self.rdphi(self.r0) == self.rdphi(2.0 * self.r0):
            # r phi' constant (isothermal sphere): c_eff(rho_c) = v_g fixes rho_c; scan r_c
            rho_c = self._rho_sonic_condition(self.r0)
            if rho_c is None:
                first_root(lambda r: np.nan, [0.0, 1.0])
            grid = self.r0 * np.logspace(1e-9, math.log10(r_max), 2000)
            return first_root(lambda r: mismatch(r, rho_c), grid), rho_c

        # r phi' falls outward (point mass, NFW): r_c follows from rho_c; scan ln rho_c down from rho0
        def r_crit(lnrho):
            target = 2.0 * self.c_eff2(math.exp(lnrho))
            f = lambda r: self.rdphi(r) - target
            lo, hi = self.r0 * 1e-3, self.r0 * r_max
            return brentq(f, lo, hi, xtol=1e-14 * lo, rtol=1e-14) if f(lo) * f(hi) < 0 else np.nan

        def mis_rho(lnrho):
            r_c = r_crit(lnrho)
            return np.nan if not np.isfinite(r_c) or r_c <= self.r0 else mismatch(r_c, math.exp(lnrho))

        grid = lnr0 - np.linspace(0.0, 60.0, 2001)
        lnrho_c = first_root(mis_rho, grid)
        return r_crit(lnrho_c), math.exp(lnrho_c)

    # the profile
    def density(self, r):
        """rho(r) on the transonic branch (subsonic inside r_c, supersonic outside)."""
        r = np.atleast_1d(np.asarray(r, dtype=float))
        b0 = self.bernoulli(self.r0, self.rho0, self.mdot)
        out = np.empty_like(r)
        for i, ri in enumerate(r):
            f = lambda lnrho: self.bernoulli(ri, math.exp(lnrho), self.mdot) - b0
            # density where v = c_eff at this radius: the minimum of f
            g = lambda lnrho: (self.mdot / (4 * math.pi * ri**2 * math.exp(lnrho)))**2 - self.c_eff2(math.exp(lnrho))
            lnrs = brentq(g, math.log(self.rho0) - 80.0, math.log(self.rho0) + 20.0, xtol=1e-14)
            if abs(ri / self.r_c - 1.0) < 1e-9:
                out[i] = math.exp(lnrs)
                continue
            if ri < self.r_c:
                lo, hi = lnrs, math.log(self.rho0) + 20.0
            else:
                lo, hi = math.log(self.rho0) - 80.0, lnrs
            fl, fh = f(lo), f(hi)
            out[i] = math.exp(brentq(f, lo, hi, xtol=1e-14)) if fl * fh < 0 else math.exp(lnrs)
        return out

    def velocity(self, r):
        r = np.atleast_1d(np.asarray(r, dtype=float))
        return self.mdot / (4.0 * math.pi * r**2 * self.density(r))
