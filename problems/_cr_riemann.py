r"""Exact Riemann problem of a gas + cosmic-ray two-fluid (the CR shock tube).

Gas with adiabatic index :math:`\gamma_g` (5/3) and CRs with :math:`\gamma_c`
(4/3), CRs advected with the gas (no diffusion, no streaming): the CR-modified
shock tube of Pfrommer, Springel, Ensslin & Jubelgas (2006, MNRAS 367, 113)
without CR injection at the shock.  The equations are

.. math::

    \partial_t\rho + \partial_x(\rho v) = 0, \quad
    \partial_t(\rho v) + \partial_x(\rho v^2 + P_g + P_c) = 0, \quad
    \partial_t(e_g + E_c) + \partial_x[v(e_g + P_g + E_c + P_c)] = 0,

    \partial_t E_c + \partial_x(v E_c) = -P_c\,\partial_x v,

with :math:`E_c = P_c/(\gamma_c-1)`.  The last equation is not in
conservation form; its content is that :math:`P_c/\rho^{\gamma_c}` is
constant along flow lines.  The solution (derived here from these
equations) is:

* **Rarefactions** are isentropes of the composite fluid: both
  :math:`P_g/\rho^{\gamma_g}` and :math:`P_c/\rho^{\gamma_c}` stay constant,
  the characteristic speeds are :math:`v \pm c` with
  :math:`c^2 = (\gamma_g P_g + \gamma_c P_c)/\rho`, and the Riemann invariant
  :math:`v \pm \int c\,d\rho/\rho` is carried across the fan.
* **Shocks** conserve mass, momentum and total energy (Rankine-Hugoniot with
  the total pressure :math:`P = P_g + P_c` and the total specific internal
  energy); the CRs are compressed adiabatically through the shock
  (:math:`P_{c2} = P_{c1} r^{\gamma_c}` with the compression ratio
  :math:`r = \rho_2/\rho_1`, no injection), so all the dissipation heats the
  gas.  For a given :math:`r` the Hugoniot is linear in :math:`P_{g2}`, so
  :math:`P_2(r)` is explicit and is inverted by bisection on
  :math:`1 < r < (\gamma_g+1)/(\gamma_g-1)`.
* The **contact** carries equal velocity and equal *total* pressure; gas and
  CR pressures jump separately.

The star pressure solves :math:`f_L(P) + f_R(P) + v_R - v_L = 0` (the
construction of Toro's chapter 4 with these wave curves), by bisection in
:math:`\ln P`; the integrals :math:`\int c\,d\ln\rho` are 64-point
Gauss-Legendre quadratures in :math:`\ln\rho` (the integrand is smooth, the
quadrature exact to rounding).  Limits: :math:`P_c = 0` is the ordinary
gamma-law solution; with :math:`P_g = 0` the rarefactions are those of a
:math:`\gamma = 4/3` gas, while a shock still heats the gas (the CRs cannot
dissipate), which departs from the :math:`\gamma=4/3` Hugoniot at third
order in the shock strength.

Only numpy, vectorised over the sample points; independent of the solver it
checks.
"""
import math

import numpy as np

__all__ = ["CRRiemann", "sample"]

_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(64)


class _Side:
    """Initial state of one side and its wave curve (velocity change vs star pressure)."""

    def __init__(self, state, gamma_g, gamma_c, name):
        rho, v, pg, pc = (float(s) for s in state)
        if not (rho > 0 and pg >= 0 and pc >= 0 and pg + pc > 0) or not all(
                math.isfinite(s) for s in (rho, v, pg, pc)):
            raise ValueError(f"CR Riemann problem: the {name} state (rho, v, P_g, P_c) = {tuple(state)} "
                             f"needs rho > 0, P_g >= 0, P_c >= 0 and P_g + P_c > 0")
        self.rho, self.v, self.pg, self.pc = rho, v, pg, pc
        self.gg, self.gc = gamma_g, gamma_c
        self.ag, self.ac = pg / rho ** gamma_g, pc / rho ** gamma_c   # entropies
        self.p = pg + pc
        self.e = (pg / (gamma_g - 1.0) + pc / (gamma_c - 1.0)) / rho   # specific internal energy

    # --- composite isentrope -------------------------------------------
    def pressure(self, rho):
        return self.ag * rho ** self.gg + self.ac * rho ** self.gc

    def sound(self, rho):
        rho = np.asarray(rho, dtype=float)
        return np.sqrt((self.gg * self.ag * rho ** self.gg + self.gc * self.ac * rho ** self.gc) / rho)

    def riemann_integral(self, rho):
        """:math:`\\int_\\rho^{\\rho_K} c\\,d\\rho'/\\rho'` on the isentrope (vectorised)."""
        s0 = np.log(np.asarray(rho, dtype=float))[..., None]
        s1 = math.log(self.rho)
        half = 0.5 * (s1 - s0)
        s = s0 + half * (_NODES + 1.0)
        return (half * self.sound(np.exp(s)) * _WEIGHTS).sum(axis=-1)

    def isentrope_density(self, p):
        """Density on the isentrope at pressure ``p <= p_K`` (bisection in ln rho)."""
        # (rho/rho_K)^gamma_g <= p/p_K <= (rho/rho_K)^gamma_c for rho <= rho_K, gamma_c < gamma_g
        lo_g, hi_g = sorted((self.gg, self.gc))
        x = p / self.p
        lo, hi = math.log(self.rho) + math.log(x) / lo_g, math.log(self.rho) + math.log(x) / hi_g
        lo, hi = min(lo, hi) - 1e-12, max(lo, hi) + 1e-12
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            if self.pressure(math.exp(mid)) < p:
                lo = mid
            else:
                hi = mid
            if hi - lo < 1e-15:
                break
        return math.exp(0.5 * (lo + hi))

    # --- shock ----------------------------------------------------------
    def shock_pressure(self, r):
        """Post-shock total pressure for the compression ratio ``r`` (Hugoniot, adiabatic CRs)."""
        t1 = 1.0 / self.rho
        t2 = t1 / r
        pc2 = self.pc * r ** self.gc
        coef = t2 / (self.gg - 1.0) + 0.5 * (t2 - t1)
        pg2 = (self.e - pc2 * t2 / (self.gc - 1.0) - 0.5 * (self.p + pc2) * (t2 - t1)) / coef
        return pg2 + pc2

    def shock_ratio(self, p):
        """Compression ratio of the shock that raises the total pressure to ``p > p_K``."""
        r_max = (self.gg + 1.0) / (self.gg - 1.0)
        lo, hi = 1.0, r_max * (1.0 - 1e-14)
        if not self.shock_pressure(hi) > p:
            raise ValueError(f"CR Riemann problem: no shock reaches P = {p:g} from {self.p:g}")
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            if self.shock_pressure(mid) < p:
                lo = mid
            else:
                hi = mid
            if hi - lo < 1e-15 * hi:
                break
        return 0.5 * (lo + hi)

    # --- wave curve -----------------------------------------------------
    def f(self, p):
        """Velocity change across this side's wave for star pressure ``p`` (Toro's f_K)."""
        if p > self.p:
            r = self.shock_ratio(p)
            return math.sqrt((p - self.p) * (1.0 - 1.0 / r) / self.rho)
        return -float(self.riemann_integral(self.isentrope_density(p)))


class CRRiemann:
    """The solution of one CR Riemann problem.

    Parameters
    ----------
    left, right : tuple
        ``(rho, v, P_g, P_c)`` on each side of the initial discontinuity.
    gamma_g, gamma_c : float
        Adiabatic indices of the gas and of the CRs (``gamma_c < gamma_g``).

    Attributes
    ----------
    p_star, v_star : float
        Total pressure and velocity between the two outer waves.
    star : dict
        ``"left"`` / ``"right"``: ``(rho, P_g, P_c)`` on each side of the contact.
    waves : dict
        Wave speeds: ``left_shock`` or ``left_head``/``left_tail``, ``contact``,
        ``right_shock`` or ``right_head``/``right_tail``.
    """

    def __init__(self, left, right, gamma_g=5.0 / 3.0, gamma_c=4.0 / 3.0):
        if not (1.0 < gamma_c < gamma_g):
            raise ValueError(f"CR Riemann problem needs 1 < gamma_c < gamma_g, got {gamma_c}, {gamma_g}")
        self.left = _Side(left, gamma_g, gamma_c, "left")
        self.right = _Side(right, gamma_g, gamma_c, "right")
        L, R = self.left, self.right
        dv = R.v - L.v

        def g(p):
            return L.f(p) + R.f(p) + dv

        lo = 1e-14 * min(L.p, R.p)
        if g(lo) >= 0:
            raise ValueError(f"CR Riemann problem {left} | {right} creates a vacuum")
        hi = max(L.p, R.p)
        while g(hi) < 0:
            hi *= 2.0
        lo, hi = math.log(lo), math.log(hi)
        for _ in range(300):
            mid = 0.5 * (lo + hi)
            if g(math.exp(mid)) < 0:
                lo = mid
            else:
                hi = mid
            if hi - lo < 1e-15:
                break
        self.p_star = p = math.exp(0.5 * (lo + hi))
        self.v_star = 0.5 * (L.v + R.v) + 0.5 * (R.f(p) - L.f(p))
        self.star, self.waves = {}, {"contact": self.v_star}
        for side, s, sign in (("left", L, -1.0), ("right", R, 1.0)):
            if p > s.p:
                rho = s.rho * s.shock_ratio(p)
                j = math.sqrt((p - s.p) / (1.0 / s.rho - 1.0 / rho))   # mass flux through the shock
                self.waves[f"{side}_shock"] = s.v + sign * j / s.rho
            else:
                rho = s.isentrope_density(p)
                self.waves[f"{side}_head"] = s.v + sign * float(s.sound(s.rho))
                self.waves[f"{side}_tail"] = self.v_star + sign * float(s.sound(rho))
            pc = s.ac * rho ** gamma_c
            self.star[side] = (rho, p - pc, pc)

    def _fan(self, s, xi, sign):
        """Density in the rarefaction fan of side ``s`` at ``xi`` (vectorised bisection)."""
        rho_star = self.star["left" if sign < 0 else "right"][0]
        lo = np.full(xi.shape, math.log(rho_star))
        hi = np.full(xi.shape, math.log(s.rho))
        # characteristic speed v -+ c, monotonic in rho: falls (left) / rises (right) with rho
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            rho = np.exp(mid)
            speed = s.v - sign * s.riemann_integral(rho) + sign * s.sound(rho)
            below = (speed > xi) if sign < 0 else (speed < xi)
            lo = np.where(below, mid, lo)
            hi = np.where(below, hi, mid)
        return np.exp(0.5 * (lo + hi))

    def sample(self, xi):
        """``(rho, v, P_g, P_c)`` at the similarity coordinates ``xi = (x - x0)/t``."""
        xi = np.asarray(xi, dtype=float)
        rho, v = np.empty_like(xi), np.empty_like(xi)
        pg, pc = np.empty_like(xi), np.empty_like(xi)
        for side, s, sign in (("left", self.left, -1.0), ("right", self.right, 1.0)):
            mine = (xi <= self.v_star) if sign < 0 else (xi > self.v_star)
            rs, pgs, pcs = self.star[side]
            if f"{side}_shock" in self.waves:
                outside = sign * (xi - self.waves[f"{side}_shock"]) > 0
                fan = np.zeros_like(outside)
            else:
                outside = sign * (xi - self.waves[f"{side}_head"]) >= 0
                fan = ~outside & (sign * (xi - self.waves[f"{side}_tail"]) > 0)
            star = mine & ~outside & ~fan
            for arr, a, b in ((rho, s.rho, rs), (v, s.v, self.v_star), (pg, s.pg, pgs), (pc, s.pc, pcs)):
                arr[mine & outside] = a
                arr[star] = b
            sel = mine & fan
            if sel.any():
                r = self._fan(s, xi[sel], sign)
                rho[sel] = r
                v[sel] = s.v - sign * s.riemann_integral(r)
                pg[sel] = s.ag * r ** s.gg
                pc[sel] = s.ac * r ** s.gc
        return rho, v, pg, pc


def sample(xi, left, right, gamma_g=5.0 / 3.0, gamma_c=4.0 / 3.0):
    """``(rho, v, P_g, P_c)`` of the CR Riemann problem ``left | right`` at ``xi = (x - x0)/t``."""
    return CRRiemann(left, right, gamma_g, gamma_c).sample(xi)
