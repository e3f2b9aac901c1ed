"""Goldreich-Sridhar Alfvenic pitch-angle scattering kernels (Malkov et al. 2010)."""
from libc.math cimport fabs, pow, sqrt, log, sin, cos, acos

from crplugin.kernels.constants cimport CRP_PI
from crplugin.kernels._map cimport map1, map2, map4, map5

cdef extern from "math.h" nogil:
    # POSIX Bessel function of the first kind of integer order (glibc, musl, BSD libm)
    double jn(int n, double x)
    double j1(double x)

# 8-point Gauss-Legendre rule on [-1, 1]
cdef double[8] _GL_X = [-0.9602898564975363, -0.7966664774136267, -0.5255324099163290,
                        -0.1834346424956498, 0.1834346424956498, 0.5255324099163290,
                        0.7966664774136267, 0.9602898564975363]
cdef double[8] _GL_W = [0.1012285362903763, 0.2223810344533745, 0.3137066458778873,
                        0.3626837833783620, 0.3626837833783620, 0.3137066458778873,
                        0.2223810344533745, 0.1012285362903763]

cdef enum:
    N_EXACT = 8        # orders n <= N_EXACT: numerical quadrature of J_n^2
    N_WKB = 400        # orders N_EXACT < n <= N_WKB: WKB mean of J_n^2

cdef double Q_EXP = 13.0 / 3.0       # exponent q of eq (5)


cdef inline double _panel(int n, double a, double b) noexcept nogil:
    # int_a^b J_n(x)^2 x^-q dx, 8-point Gauss-Legendre
    cdef double h = 0.5 * (b - a), m = 0.5 * (a + b), x, j, total = 0.0
    cdef int k
    for k in range(8):
        x = m + h * _GL_X[k]
        j = jn(n, x)
        total += _GL_W[k] * j * j * pow(x, -Q_EXP)
    return h * total


cdef inline double _hankel_tail(int n, double A) noexcept nogil:
    # int_A^inf J_n^2 x^-q dx from the Hankel expansion (A >~ 40 + 2 n^2):
    # J_n^2 = [1 + (m-1)/(8x^2) + (-1)^n (sin 2x + (m-1)/(4x) cos 2x)] / (pi x), m = 4 n^2,
    # the oscillating integrals by repeated integration by parts.
    cdef double m1 = 4.0 * n * n - 1.0
    cdef double p = Q_EXP + 1.0
    cdef double mean = pow(A, 1.0 - p) / (p - 1.0) + m1 / 8.0 * pow(A, -1.0 - p) / (p + 1.0)
    if A > 1e12:
        return mean / CRP_PI    # oscillating part ~1/A smaller; avoids cos(inf) for |mu| -> 0
    cdef double c2 = cos(2.0 * A), s2 = sin(2.0 * A)
    cdef double osc_sin = (c2 / 2.0 + p * s2 / (4.0 * A) - p * (p + 1.0) * c2 / (8.0 * A * A)) * pow(A, -p)
    cdef double osc_cos = (-s2 / 2.0 + (p + 1.0) * c2 / (4.0 * A)) * pow(A, -p - 1.0)
    cdef double sign = -1.0 if (n % 2) else 1.0
    return (mean + sign * (osc_sin + m1 / 4.0 * osc_cos)) / CRP_PI


cdef inline double _S_exact(int n, double X) noexcept nogil:
    # n^2 int_X^inf J_n^2 x^-q dx
    cdef double A = 40.0 + 2.0 * n * n
    cdef double a = X, b, total = 0.0
    while a < A:
        # geometric panels where J_n^2 x^-q is a steep power law, width-2 panels further out
        b = 2.0 * a if a < 2.0 else a + 2.0
        if b > A:
            b = A
        total += _panel(n, a, b)
        a = b
    total += _hankel_tail(n, a)
    return n * n * total


cdef inline double _wkb_G(double T) noexcept nogil:
    # G(T) = int_T^inf t^-q (t^2 - 1)^-1/2 dt = int_{acos(1/T)}^{pi/2} cos(theta)^(q-1) dtheta
    cdef double th0 = acos(1.0 / T), h = 0.5 * (0.5 * CRP_PI - th0), m = th0 + h
    cdef double total = 0.0
    cdef int k
    for k in range(8):
        total += _GL_W[k] * pow(cos(m + h * _GL_X[k]), Q_EXP - 1.0)
    return h * total


cdef double malkov_S(double y, double mu) noexcept nogil:
    # eq (5): S = sum_{n>=1} n^2 int_{y (n/|mu|)^{3/2}}^inf J_n^2(x) x^{-13/3} dx.
    # n <= 8 by quadrature; 8 < n <= 400 with the WKB mean J_n^2 ~ 1/(pi sqrt(x^2-n^2)),
    # i.e. n^2 int_X^inf = n^{-7/3} G(max(X/n, 1)) / pi; the rest as an integral.
    cdef double amu = fabs(mu)
    cdef double total = 0.0, X, T, term = 0.0
    cdef int n
    if amu == 0.0:
        return 0.0
    if y <= 0.0:
        y = 1e-300
    for n in range(1, N_EXACT + 1):
        X = y * pow(n / amu, 1.5)
        total += _S_exact(n, X)
    for n in range(N_EXACT + 1, N_WKB + 1):
        X = y * pow(n / amu, 1.5)
        T = X / n
        if T < 1.0:
            T = 1.0
        term = pow(n, -7.0 / 3.0) * _wkb_G(T) / CRP_PI
        total += term
        if term < 1e-14 * total:
            return total
    # remaining orders: terms ~ n^{-7/3} at most (T = 1)
    total += term * pow(N_WKB, 7.0 / 3.0) * 0.75 * pow(N_WKB + 0.5, -4.0 / 3.0)
    return total


cdef double malkov_D_mumu(double mu, double v, double l, double eps) noexcept nogil:
    # eq (4): D_mumu = (2 pi/3) v/(l |mu|) (1 - mu^2) y^{4/3} S(y), y = sqrt((1-mu^2)/eps)
    cdef double w = 1.0 - mu * mu
    cdef double y, S
    if w <= 0.0 or mu == 0.0:
        return 0.0
    y = sqrt(w / eps)
    S = malkov_S(y, mu)
    if S == 0.0:
        return 0.0      # |mu| -> 0: S ~ |mu|^{13/2} underflows before 1/|mu| overflows
    return 2.0 * CRP_PI / 3.0 * v / l * w * pow(y, 4.0 / 3.0) * (S / fabs(mu))


cdef double _ZETA_9_2 = 1.0547075107614543   # Riemann zeta(9/2)


cdef double malkov_D_mumu_asymptotic(double mu, double v, double l, double eps) noexcept nogil:
    # eq (6), y >> 1: (2/13) zeta(9/2) v/l eps^{3/2} |mu|^{11/2} / sqrt(1 - mu^2)
    cdef double w = 1.0 - mu * mu
    if w <= 0.0:
        return 0.0   # outside validity (y = 0); the exact D_mumu vanishes at |mu| = 1
    return 2.0 / 13.0 * _ZETA_9_2 * v / l * pow(eps, 1.5) * pow(fabs(mu), 5.5) / sqrt(w)


cdef double malkov_D_mumu_correlation(double mu, double v, double l, double eps, double delta) noexcept nogil:
    # eq (8): (1/6) v/l delta [ln(1/eps) - (1/2) ln(1 - mu^2)] (1 - mu^2)
    cdef double w = 1.0 - mu * mu
    if w <= 0.0:
        return 0.0
    return v / (6.0 * l) * delta * (log(1.0 / eps) - 0.5 * log(w)) * w


cdef double malkov_D_mumu_peak(double mu, double v, double l, double eps) noexcept nogil:
    # eq (10) as corrected: (pi/2) v/l (1 - mu^2) J_1(y)^2 / y^2 (the r y^{4/3} term is 0)
    cdef double w = 1.0 - mu * mu
    cdef double y, j
    if w <= 0.0:
        return 0.0
    y = sqrt(w / eps)
    if y < 1e-8:
        return CRP_PI / 2.0 * v / l * w * 0.25
    j = j1(y)
    return CRP_PI / 2.0 * v / l * w * j * j / (y * y)


cdef double malkov_scattering_frequency(double v, double l, double eps, double delta) noexcept nogil:
    # eq (11): nu_theta = (v/l) (delta ln(1/eps) + eps^{3/2}) / 6
    return v / l * (delta * log(1.0 / eps) + pow(eps, 1.5)) / 6.0


cdef double malkov_beam_width(double eps) noexcept nogil:
    # eq (35): b = j_1^2 eps / 2, j_1 = 3.8317... the first zero of J_1
    return 0.5 * 3.8317059702075125 * 3.8317059702075125 * eps


def malkov_S_array(const double[::1] y, const double[::1] mu, double[::1] out):
    with nogil:
        map2(malkov_S, y, mu, out)


def malkov_D_mumu_array(const double[::1] mu, const double[::1] v, const double[::1] l,
                        const double[::1] eps, double[::1] out):
    with nogil:
        map4(malkov_D_mumu, mu, v, l, eps, out)


def malkov_D_mumu_asymptotic_array(const double[::1] mu, const double[::1] v, const double[::1] l,
                                   const double[::1] eps, double[::1] out):
    with nogil:
        map4(malkov_D_mumu_asymptotic, mu, v, l, eps, out)


def malkov_D_mumu_correlation_array(const double[::1] mu, const double[::1] v, const double[::1] l,
                                    const double[::1] eps, const double[::1] delta, double[::1] out):
    with nogil:
        map5(malkov_D_mumu_correlation, mu, v, l, eps, delta, out)


def malkov_D_mumu_peak_array(const double[::1] mu, const double[::1] v, const double[::1] l,
                             const double[::1] eps, double[::1] out):
    with nogil:
        map4(malkov_D_mumu_peak, mu, v, l, eps, out)


def malkov_scattering_frequency_array(const double[::1] v, const double[::1] l, const double[::1] eps,
                                      const double[::1] delta, double[::1] out):
    with nogil:
        map4(malkov_scattering_frequency, v, l, eps, delta, out)


def malkov_beam_width_array(const double[::1] eps, double[::1] out):
    with nogil:
        map1(malkov_beam_width, eps, out)
