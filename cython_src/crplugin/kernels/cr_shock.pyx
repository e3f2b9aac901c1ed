"""CRs at shocks: the adiabatic invariant, a shock detector and the shock partition.

The CR energy equation of the two-moment scheme,
``dE_c/dt + div F_c = -v . grad P_c + ...``, is not in conservation form:
at a captured shock the numerical dissipation, not CR adiabaticity, decides
how the dissipated energy is shared between gas and CRs.  Without
injection the CRs are compressed adiabatically through a shock
(Pfrommer et al. 2006, MNRAS 367, 113), i.e. the Kudoh & Hanawa (2016,
MNRAS 462, 4517, arXiv:1608.03206) invariant ``n = P_c^(1/gamma_c)`` obeys the conservation law
``dn/dt + div(n v) = 0`` across it.  The solver carries ``n`` as a passive
scalar advected with the gas (the MHD mass flux), and at detected shocks sets
``E_c = n^gamma_c / (gamma_c - 1)``, handing the difference to the gas
energy (gas + CR energy unchanged).  See ``docs/cr_shocks.md``.

Array conventions as in ``cr_transport``: ``[var, k, j, i]`` C-contiguous,
half-open index ranges ``k0:k1, j0:j1, i0:i1``.
"""
from libc.math cimport pow, fabs


cdef double cr_invariant(double e_c, double gamma_c) noexcept nogil:
    # n = P_c^(1/gamma_c) = ((gamma_c - 1) E_c)^(1/gamma_c); 0 for E_c <= 0
    if not (e_c > 0.0):
        return 0.0
    return pow((gamma_c - 1.0) * e_c, 1.0 / gamma_c)


cdef double cr_energy_from_invariant(double n, double gamma_c) noexcept nogil:
    # E_c = n^gamma_c / (gamma_c - 1), the inverse of cr_invariant
    if not (n > 0.0):
        return 0.0
    return pow(n, gamma_c) / (gamma_c - 1.0)


cdef inline double _ptot(const double[:, :, :, ::1] u, const double[:, :, :, ::1] bcc, int has_b,
                         const double[:, :, :, ::1] cr, double gamma_g, double gamma_c,
                         Py_ssize_t k, Py_ssize_t j, Py_ssize_t i) noexcept nogil:
    # gas + CR pressure of one cell from the conserved variables
    cdef double rho = u[0, k, j, i]
    cdef double e = u[4, k, j, i] - 0.5 * (u[1, k, j, i] * u[1, k, j, i] + u[2, k, j, i] * u[2, k, j, i]
                                           + u[3, k, j, i] * u[3, k, j, i]) / rho
    if has_b:
        e = e - 0.5 * (bcc[0, k, j, i] * bcc[0, k, j, i] + bcc[1, k, j, i] * bcc[1, k, j, i]
                       + bcc[2, k, j, i] * bcc[2, k, j, i])
    return (gamma_g - 1.0) * e + (gamma_c - 1.0) * cr[0, k, j, i]


def shock_flags(const double[:, :, :, ::1] u, const double[:, :, :, ::1] bcc, int has_b,
                const double[:, :, :, ::1] cr, const double[:, :, ::1] u_tr,
                double gamma_g, double gamma_c, double jump, int width,
                double dx1, double dx2, double dx3, int act1, int act2, int act3,
                Py_ssize_t k0, Py_ssize_t k1, Py_ssize_t j0, Py_ssize_t j1,
                Py_ssize_t i0, Py_ssize_t i1, double[:, :, ::1] core, double[:, :, ::1] flag):
    """Flag the cells of a shock zone: 1.0 in ``flag`` for the cells of the range
    that are, or touch along an active axis, a *core* cell (0.0 elsewhere): a
    captured shock is spread over 3-4 cells, and its outer cells, where the
    pressure jump is small, must follow the invariant too, or the energy form
    there undoes part of the rule.  A core cell (``core`` = 1.0, computed on the
    range grown by one cell on every active axis) is one where, with centred
    differences,

    * the flow converges, ``div v < 0``;
    * the total pressure ``P = P_g + P_c`` of the two neighbours along some
      active axis differs by more than ``jump`` times the smaller one
      (``|P_+ - P_-| > jump min(P_+, P_-)``; a contact keeps P continuous);
    * the CRs move with the gas across the cell: their transport speed
      relative to the gas (``u_tr``: streaming speed plus effective
      diffusivity / dx) is below the velocity jump across the cell,
      ``u_tr < |div v| dx_min``; otherwise the CRs stream or diffuse through
      the shock (or are the front that drives it) and are not adiabatic, and
      the energy equation is kept.

    The range must leave ``width + 1`` cells on each side of every active axis
    for the flags not to depend on the block's edges (MPI);
    ``bcc`` is read only if ``has_b``.
    """
    cdef Py_ssize_t k, j, i
    cdef Py_ssize_t m
    cdef Py_ssize_t gk0 = k0 - width * act3, gk1 = k1 + width * act3
    cdef Py_ssize_t gj0 = j0 - width * act2, gj1 = j1 + width * act2
    cdef Py_ssize_t gi0 = i0 - width * act1, gi1 = i1 + width * act1
    # the core test reads one neighbour: stay inside the block (cells left out keep core = 0)
    if gk0 < act3:
        gk0 = act3
    if gj0 < act2:
        gj0 = act2
    if gi0 < act1:
        gi0 = act1
    if gk1 > u.shape[1] - act3:
        gk1 = u.shape[1] - act3
    if gj1 > u.shape[2] - act2:
        gj1 = u.shape[2] - act2
    if gi1 > u.shape[3] - act1:
        gi1 = u.shape[3] - act1
    cdef double div, pm, pp, lo, big, dmin2, dmin
    cdef double r1 = 0.5 / dx1, r2 = 0.5 / dx2, r3 = 0.5 / dx3
    dmin2 = 1.0e300
    if act1 and dx1 * dx1 < dmin2:
        dmin2 = dx1 * dx1
    if act2 and dx2 * dx2 < dmin2:
        dmin2 = dx2 * dx2
    if act3 and dx3 * dx3 < dmin2:
        dmin2 = dx3 * dx3
    dmin = dmin2 ** 0.5
    with nogil:
        for k in range(gk0, gk1):
            for j in range(gj0, gj1):
                for i in range(gi0, gi1):
                    core[k, j, i] = 0.0
                    div = 0.0
                    big = 0.0
                    if act1:
                        div = div + r1 * (u[1, k, j, i + 1] / u[0, k, j, i + 1] - u[1, k, j, i - 1] / u[0, k, j, i - 1])
                        pm = _ptot(u, bcc, has_b, cr, gamma_g, gamma_c, k, j, i - 1)
                        pp = _ptot(u, bcc, has_b, cr, gamma_g, gamma_c, k, j, i + 1)
                        lo = pm if pm < pp else pp
                        if fabs(pp - pm) > big * lo:
                            big = fabs(pp - pm) / lo if lo > 0.0 else 1.0e300
                    if act2:
                        div = div + r2 * (u[2, k, j + 1, i] / u[0, k, j + 1, i] - u[2, k, j - 1, i] / u[0, k, j - 1, i])
                        pm = _ptot(u, bcc, has_b, cr, gamma_g, gamma_c, k, j - 1, i)
                        pp = _ptot(u, bcc, has_b, cr, gamma_g, gamma_c, k, j + 1, i)
                        lo = pm if pm < pp else pp
                        if fabs(pp - pm) > big * lo:
                            big = fabs(pp - pm) / lo if lo > 0.0 else 1.0e300
                    if act3:
                        div = div + r3 * (u[3, k + 1, j, i] / u[0, k + 1, j, i] - u[3, k - 1, j, i] / u[0, k - 1, j, i])
                        pm = _ptot(u, bcc, has_b, cr, gamma_g, gamma_c, k - 1, j, i)
                        pp = _ptot(u, bcc, has_b, cr, gamma_g, gamma_c, k + 1, j, i)
                        lo = pm if pm < pp else pp
                        if fabs(pp - pm) > big * lo:
                            big = fabs(pp - pm) / lo if lo > 0.0 else 1.0e300
                    if div < 0.0 and big > jump and u_tr[k, j, i] < -div * dmin:
                        core[k, j, i] = 1.0
        for k in range(k0, k1):
            for j in range(j0, j1):
                for i in range(i0, i1):
                    big = core[k, j, i]
                    for m in range(1, width + 1):
                        if act1:
                            big = big + core[k, j, i - m] + core[k, j, i + m]
                        if act2:
                            big = big + core[k, j - m, i] + core[k, j + m, i]
                        if act3:
                            big = big + core[k - m, j, i] + core[k + m, j, i]
                    flag[k, j, i] = 1.0 if big > 0.0 else 0.0


def shock_partition(double[:, :, :, ::1] u, double[:, :, :, ::1] cr, const double[:, :, ::1] flag,
                    Py_ssize_t isc, double gamma_c,
                    Py_ssize_t k0, Py_ssize_t k1, Py_ssize_t j0, Py_ssize_t j1,
                    Py_ssize_t i0, Py_ssize_t i1, double[:, :, ::1] d_ec):
    """In flagged cells ``E_c = n^gamma_c/(gamma_c-1)`` (``n = u[isc]``); the gas
    energy ``u[4]`` takes the opposite change, written to ``d_ec`` (0 elsewhere)."""
    cdef Py_ssize_t k, j, i
    cdef double e1, de
    with nogil:
        for k in range(k0, k1):
            for j in range(j0, j1):
                for i in range(i0, i1):
                    de = 0.0
                    if flag[k, j, i] > 0.0:
                        e1 = cr_energy_from_invariant(u[isc, k, j, i], gamma_c)
                        de = e1 - cr[0, k, j, i]
                        cr[0, k, j, i] = e1
                        u[4, k, j, i] = u[4, k, j, i] - de
                    d_ec[k, j, i] = de


def sync_invariant(double[:, :, :, ::1] u, const double[:, :, :, ::1] cr, Py_ssize_t isc, double gamma_c):
    """``u[isc] = n(E_c)`` on every cell of the block (ghosts included)."""
    cdef Py_ssize_t k, j, i
    with nogil:
        for k in range(u.shape[1]):
            for j in range(u.shape[2]):
                for i in range(u.shape[3]):
                    u[isc, k, j, i] = cr_invariant(cr[0, k, j, i], gamma_c)
