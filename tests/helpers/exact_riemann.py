"""Exact solution of the Riemann problem of gamma-law gas dynamics.

Toro, "Riemann Solvers and Numerical Methods for Fluid Dynamics" (3rd ed.),
chapter 4: the star pressure solves f_L(p) + f_R(p) + u_R - u_L = 0 with the
shock (Rankine-Hugoniot) or rarefaction (isentropic) branch on each side
(Toro eqs 4.5-4.7), found here by Newton iteration from the two-rarefaction
guess; the self-similar solution is then sampled at x/t (Toro section 4.5).
Written for the tests only, independent of the solver under test.
"""
import numpy as np


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
    al, ar = np.sqrt(gamma * pl / rl), np.sqrt(gamma * pr / rr)
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


def sample(xi, left, right, gamma):
    """Density, velocity and pressure at the similarity coordinates ``xi = (x - x0)/t``."""
    rl, ul, pl = left
    rr, ur, pr = right
    ps, us = star_state(left, right, gamma)
    gm, gp = gamma - 1.0, gamma + 1.0
    xi = np.asarray(xi, dtype=float)
    rho, u, p = np.empty_like(xi), np.empty_like(xi), np.empty_like(xi)
    for n, s in enumerate(xi.flat):
        if s <= us:  # left of the contact
            r, v, pk, sign = rl, ul, pl, 1.0
        else:
            r, v, pk, sign = rr, ur, pr, -1.0
        a = np.sqrt(gamma * pk / r)
        if ps > pk:  # shock moving at S = v -+ a sqrt((g+1)/(2g) p*/pk + (g-1)/(2g))
            speed = v - sign * a * np.sqrt(gp / (2 * gamma) * ps / pk + gm / (2 * gamma))
            behind = (s > speed) if sign > 0 else (s < speed)
            if behind:
                ratio = ps / pk
                rs = r * (ratio + gm / gp) / (gm / gp * ratio + 1.0)
                out = (rs, us, ps)
            else:
                out = (r, v, pk)
        else:        # rarefaction: head v -+ a, tail u* -+ a*
            a_star = a * (ps / pk) ** (gm / (2 * gamma))
            head, tail = v - sign * a, us - sign * a_star
            if (s <= head) if sign > 0 else (s >= head):
                out = (r, v, pk)
            elif (s >= tail) if sign > 0 else (s <= tail):
                out = (r * (ps / pk) ** (1.0 / gamma), us, ps)
            else:    # inside the fan (Toro eqs 4.56, 4.63)
                c = 2.0 / gp + sign * gm / (gp * a) * (v - s)
                out = (r * c ** (2.0 / gm), 2.0 / gp * (sign * a + gm / 2.0 * v + s), pk * c ** (2.0 * gamma / gm))
        rho.flat[n], u.flat[n], p.flat[n] = out
    return rho, u, p
