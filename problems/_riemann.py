"""Exact solution of the Riemann problem of gamma-law gas dynamics.

Toro, "Riemann Solvers and Numerical Methods for Fluid Dynamics" (3rd ed.),
chapter 4: the star pressure solves f_L(p) + f_R(p) + u_R - u_L = 0 with the
shock (Rankine-Hugoniot) or rarefaction (isentropic) branch on each side
(Toro eqs 4.5-4.7), found here by Newton iteration from the two-rarefaction
guess; the self-similar solution is then sampled at x/t (Toro section 4.5),
vectorised over the sample points.  Independent of the solver it checks.
"""
import numpy as np

__all__ = ["star_state", "sample"]


def _f_and_df(p, rho, pk, gamma):
    """Toro eqs 4.6-4.7: velocity jump across the left or right wave and its derivative."""
    a = np.sqrt(gamma * pk / rho)
    if p > pk:   # shock
        ak = 2.0 / ((gamma + 1.0) * rho)
        bk = (gamma - 1.0) / (gamma + 1.0) * pk
        q = np.sqrt(ak / (p + bk))
        return (p - pk) * q, q * (1.0 - 0.5 * (p - pk) / (p + bk))
    # rarefaction
    pr = p / pk
    f = 2.0 * a / (gamma - 1.0) * (pr ** ((gamma - 1.0) / (2.0 * gamma)) - 1.0)
    return f, pr ** (-(gamma + 1.0) / (2.0 * gamma)) / (rho * a)


def star_state(left, right, gamma):
    """Star-region pressure and velocity for primitive states ``(rho, u, p)``."""
    rl, ul, pl = left
    rr, ur, pr = right
    if min(rl, rr, pl, pr) <= 0 or gamma <= 1:
        raise ValueError(f"Riemann problem needs positive densities and pressures and gamma > 1, "
                         f"got left {left}, right {right}, gamma {gamma}")
    al, ar = np.sqrt(gamma * pl / rl), np.sqrt(gamma * pr / rr)
    if 2.0 * (al + ar) / (gamma - 1.0) <= ur - ul:
        raise ValueError(f"the Riemann problem {left} | {right} creates a vacuum")
    z = (gamma - 1.0) / (2.0 * gamma)
    # two-rarefaction approximation (Toro eq 4.46) as the starting guess
    p = ((al + ar - 0.5 * (gamma - 1.0) * (ur - ul)) / (al / pl ** z + ar / pr ** z)) ** (1.0 / z)
    for _ in range(100):
        fl, dfl = _f_and_df(p, rl, pl, gamma)
        fr, dfr = _f_and_df(p, rr, pr, gamma)
        p_new = max(p - (fl + fr + ur - ul) / (dfl + dfr), 1e-14)
        if abs(p_new - p) < 1e-15 * p:
            p = p_new
            break
        p = p_new
    fl, _ = _f_and_df(p, rl, pl, gamma)
    fr, _ = _f_and_df(p, rr, pr, gamma)
    return p, 0.5 * (ul + ur) + 0.5 * (fr - fl)


def _side(xi, state, ps, us, gamma, sign):
    """Density, velocity, pressure on one side of the contact (sign +1: left, -1: right)."""
    r, v, pk = state
    gm, gp = gamma - 1.0, gamma + 1.0
    a = np.sqrt(gamma * pk / r)
    s = sign * xi          # mirror the right side onto the left
    vv = sign * v
    uus = sign * us
    if ps > pk:            # shock at S = v -+ a sqrt((g+1)/(2g) p*/pk + (g-1)/(2g))
        speed = vv - a * np.sqrt(gp / (2 * gamma) * ps / pk + gm / (2 * gamma))
        ratio = ps / pk
        rs = r * (ratio + gm / gp) / (gm / gp * ratio + 1.0)
        ahead = s < speed
        rho = np.where(ahead, r, rs)
        u = np.where(ahead, vv, uus)
        p = np.where(ahead, pk, ps)
    else:                  # rarefaction: head v - a, tail u* - a*
        a_star = a * (ps / pk) ** (gm / (2 * gamma))
        head, tail = vv - a, uus - a_star
        # inside the fan (Toro eqs 4.56, 4.63)
        c = 2.0 / gp + gm / (gp * a) * (vv - s)
        c = np.clip(c, 0.0, None)
        rho = np.select([s <= head, s >= tail], [r, r * (ps / pk) ** (1.0 / gamma)], r * c ** (2.0 / gm))
        u = np.select([s <= head, s >= tail], [vv, uus], 2.0 / gp * (a + gm / 2.0 * vv + s))
        p = np.select([s <= head, s >= tail], [pk, ps], pk * c ** (2.0 * gamma / gm))
    return rho, sign * u, p


def sample(xi, left, right, gamma):
    """Density, velocity and pressure at the similarity coordinates ``xi = (x - x0)/t``."""
    ps, us = star_state(left, right, gamma)
    xi = np.asarray(xi, dtype=float)
    lo = _side(xi, left, ps, us, gamma, 1.0)
    hi = _side(xi, right, ps, us, gamma, -1.0)
    on_left = xi <= us
    return tuple(np.where(on_left, a, b) for a, b in zip(lo, hi))
