"""crplugin: cosmic-ray closures and a CR-MHD solver.

The closures are pointwise C functions defined once, in the header-only C99/C++
library ``crplugin.h`` (see :func:`get_c_include`).  They are usable from
Python on numpy/unyt arrays (``crplugin.closures``), from Cython by ``cimport``
of the shipped ``.pxd`` files (see :func:`get_include`), from C and C++ by
including the header, and from Fortran through the module ``crplugin``
(``crplugin/crplugin.f90`` + ``crplugin/crplugin_symbols.c``, docs/linking.md).
"""
import os

__version__ = "0.1.0"


def get_include():
    """Directory to put on Cython's include path to ``cimport crplugin.kernels.*``.

    It also holds ``crplugin/kernels/capi_api.h``, the C API of the kernels
    for hosts that embed a Python interpreter.  Hosts without Python use
    :func:`get_c_include`.
    """
    from crplugin import kernels
    # <include>/crplugin/kernels/__init__.py  ->  <include>
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(kernels.__file__))))


def get_c_include():
    """Directory to put on a C, C++ or Fortran compiler's include path (``-I``).

    It holds ``crplugin.h`` (every closure, header only: ``#include <crplugin.h>``),
    one header per concern in ``crplugin/`` (``crplugin/heating.h``, ...), and for
    Fortran the module source ``crplugin/crplugin.f90`` with
    ``crplugin/crplugin_symbols.c``, which gives each closure an external symbol.
    """
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "include")
