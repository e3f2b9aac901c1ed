# Array drivers shared by every closure module.
#
# ``mapN(f, a1, ..., aN, out)`` evaluates the pointwise closure ``f`` over
# contiguous float64 arrays of equal length.  They are ``inline`` and ``f`` is
# a compile-time constant at each call site, so the C compiler inlines the
# closure into the loop: no per-cell call overhead.  Call them inside
# ``with nogil``.

ctypedef double (*fun1)(double) noexcept nogil
ctypedef double (*fun2)(double, double) noexcept nogil
ctypedef double (*fun3)(double, double, double) noexcept nogil
ctypedef double (*fun4)(double, double, double, double) noexcept nogil
ctypedef double (*fun5)(double, double, double, double, double) noexcept nogil
ctypedef double (*fun6)(double, double, double, double, double, double) noexcept nogil
ctypedef double (*fun7)(double, double, double, double, double, double, double) noexcept nogil


cdef inline void map1(fun1 f, const double[::1] a, double[::1] out) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(out.shape[0]):
        out[i] = f(a[i])


cdef inline void map2(fun2 f, const double[::1] a, const double[::1] b,
                      double[::1] out) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(out.shape[0]):
        out[i] = f(a[i], b[i])


cdef inline void map3(fun3 f, const double[::1] a, const double[::1] b,
                      const double[::1] c, double[::1] out) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(out.shape[0]):
        out[i] = f(a[i], b[i], c[i])


cdef inline void map4(fun4 f, const double[::1] a, const double[::1] b,
                      const double[::1] c, const double[::1] d,
                      double[::1] out) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(out.shape[0]):
        out[i] = f(a[i], b[i], c[i], d[i])


cdef inline void map5(fun5 f, const double[::1] a, const double[::1] b,
                      const double[::1] c, const double[::1] d,
                      const double[::1] e, double[::1] out) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(out.shape[0]):
        out[i] = f(a[i], b[i], c[i], d[i], e[i])


cdef inline void map6(fun6 f, const double[::1] a, const double[::1] b,
                      const double[::1] c, const double[::1] d,
                      const double[::1] e, const double[::1] g,
                      double[::1] out) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(out.shape[0]):
        out[i] = f(a[i], b[i], c[i], d[i], e[i], g[i])


cdef inline void map7(fun7 f, const double[::1] a, const double[::1] b,
                      const double[::1] c, const double[::1] d,
                      const double[::1] e, const double[::1] g,
                      const double[::1] h, double[::1] out) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(out.shape[0]):
        out[i] = f(a[i], b[i], c[i], d[i], e[i], g[i], h[i])
