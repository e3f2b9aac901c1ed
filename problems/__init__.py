"""Test problems.  Each problem is a module ``<name>.py`` next to its input file
``<name>.toml``, with:

* ``NAME``, a one-line ``__doc__`` summary;
* ``PARAMS`` -- its ``[problem]`` parameters; ``DEFAULTS`` -- overrides of the
  general defaults (mesh, time, cr, sources, ...);
* ``initialise(sim)`` -- fill ``sim.state``;
* optionally ``boundary_functions(sim)`` -- user boundary conditions;
* ``analyse(outdir, params)`` -- compare the outputs with theory, return a dict
  of numbers and write a PNG.

Problems are discovered from this folder; there is no list to keep.
"""
import importlib
import os
import pkgutil

HERE = os.path.dirname(os.path.abspath(__file__))


def names():
    return sorted(m.name for m in pkgutil.iter_modules([HERE]) if not m.name.startswith("_"))


def load(name):
    if name not in names():
        raise ValueError(f"unknown problem '{name}'; available: {', '.join(names())}")
    return importlib.import_module(f"crplugin.problems.{name}")


def input_file(name):
    path = os.path.join(HERE, f"{name}.toml")
    return path if os.path.exists(path) else None
