"""Build the Cython kernels of crplugin.

Every ``cython_src/crplugin/kernels/<name>.pyx`` becomes the extension module
``crplugin.kernels.<name>``; the ``.pxd`` files next to them are shipped so
that other Cython codes can ``cimport`` the pointwise closures
(``crplugin.get_include()`` gives the include directory).

The closures themselves are the C functions of the headers in
``crplugin/include`` (``crplugin.get_c_include()``), shipped with the package
together with the Fortran module and the C file that gives them external
symbols; the kernels compile against the same headers.

Set ``CRPLUGIN_EXT=name1,name2`` to build only some modules (handy while
several kernels are edited at once).
"""
import os
import runpy
from glob import glob

import numpy as np
from Cython.Build import cythonize
from setuptools import Extension, setup

KERNEL_DIR = os.path.join("cython_src", "crplugin", "kernels")
C_INCLUDE = os.path.join("crplugin", "include")  # the C closures (crplugin.h, crplugin/*.h)

# The C API module (capi.pyx) is generated from the kernel .pxd files; it must
# exist before the .pyx files are globbed below.
runpy.run_path(os.path.join("cython_src", "generate_capi.py"))["generate"](KERNEL_DIR)

# One set of directives for every kernel: typed memoryviews are trusted,
# so the hot loops carry no bounds checks or negative-index wraparound.
COMPILER_DIRECTIVES = {
    "language_level": 3,
    "boundscheck": False,
    "wraparound": False,
    "cdivision": True,
    "initializedcheck": False,
    "embedsignature": True,
}


def kernel_extensions():
    names = sorted(os.path.splitext(os.path.basename(p))[0]
                   for p in glob(os.path.join(KERNEL_DIR, "*.pyx")))
    only = os.environ.get("CRPLUGIN_EXT")
    if only:
        wanted = set(only.split(","))
        names = [n for n in names if n in wanted]
    return [
        Extension(
            f"crplugin.kernels.{name}",
            [os.path.join(KERNEL_DIR, f"{name}.pyx")],
            include_dirs=[C_INCLUDE, np.get_include()],
            define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
            extra_compile_args=["-O3"],
        )
        for name in names
    ]


setup(
    # the C headers, the Fortran module and its C file are data folders, listed as
    # (namespace) packages as setuptools asks for data in sub-folders
    packages=["crplugin", "crplugin.kernels", "crplugin.problems",
              "crplugin.include", "crplugin.include.crplugin"] + [
        "crplugin." + os.path.basename(os.path.dirname(p))
        for p in glob(os.path.join("crplugin", "*", "__init__.py"))
    ],
    # kernels are built from cython_src/, problems live in problems/ (with their input files)
    package_dir={"crplugin.kernels": KERNEL_DIR, "crplugin.problems": "problems"},
    package_data={
        "crplugin.include": ["*.h"],
        "crplugin.include.crplugin": ["*.h", "*.c", "*.f90"],
        "crplugin.kernels": ["*.pxd", "*.pyx", "*.h"],
        "crplugin.problems": ["*.toml"],
    },
    ext_modules=cythonize(
        kernel_extensions(),
        include_path=["cython_src"],
        compiler_directives=COMPILER_DIRECTIVES,
    ),
)
