"""crplugin: cosmic-ray closures and a CR-MHD solver.

The closures (``crplugin.closures``) are pointwise Cython kernels usable from
Python on numpy/unyt arrays, from Cython by ``cimport`` of the shipped
``.pxd`` files (see :func:`get_include`), and from C through the generated
header ``capi_api.h`` (see :func:`get_include` and ``examples/``).
"""
import os

__version__ = "0.1.0"


def get_include():
    """Directory to put on Cython's include path to ``cimport crplugin.kernels.*``.

    It also holds ``crplugin/kernels/capi_api.h`` for C hosts.
    """
    from crplugin import kernels
    # <include>/crplugin/kernels/__init__.py  ->  <include>
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(kernels.__file__))))
