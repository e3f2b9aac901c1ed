"""Test problems.  Each problem is a module ``<name>.py`` next to its input file
``<name>.toml``, with:

* ``NAME``, a one-line ``__doc__`` summary;
* ``PARAMS`` -- its ``[problem]`` parameters; ``DEFAULTS`` -- overrides of the
  general defaults (mesh, time, cr, sources, ...);
* ``initialise(sim)`` -- fill ``sim.state``;
* optionally ``boundary_functions(sim)`` -- user boundary conditions;
* ``analyse(outdir, params)`` -- compare the outputs with theory, return a dict
  of numbers and write a PNG.

Problems are discovered, never listed: the modules of this folder, the
entry points ``crplugin.problems`` of installed packages, and the folders of
``--problem-path`` (``crplugin.extensions``).  A name found in two places is
an error: which one runs must never depend on the search order.
"""
import importlib
import os
import pkgutil

from crplugin import extensions

HERE = os.path.dirname(os.path.abspath(__file__))
_ENTRY_POINTS = None


def _entry_points():
    global _ENTRY_POINTS
    if _ENTRY_POINTS is None:
        loaded = extensions.load_entry_points(extensions.PROBLEM_GROUP)
        bad = [n for n, m in loaded.items() if not extensions.is_problem_module(m)]
        for name in bad:
            extensions.log.warning("crplugin: warning: entry point '%s' of group '%s' is not a problem "
                                   "module (no initialise(sim)) and is skipped",
                                   name, extensions.PROBLEM_GROUP)
            del loaded[name]
        _ENTRY_POINTS = loaded
    return _ENTRY_POINTS


def _sources():
    """``{name: (kind, where)}`` of every problem; kind is builtin, entry_point or file."""
    found = {m.name: ("builtin", None) for m in pkgutil.iter_modules([HERE]) if not m.name.startswith("_")}
    located = [(n, ("entry_point", m)) for n, m in _entry_points().items()]
    for folder in extensions.problem_path():
        located += [(n, ("file", p)) for n, p in extensions.folder_problems(folder).items()]
    for name, src in located:
        if name in found:
            raise ValueError(f"problem '{name}' is defined twice: {_where(name, found[name])} "
                             f"and {_where(name, src)}")
        found[name] = src
    return found


def _where(name, src):
    kind, obj = src
    return {"builtin": f"crplugin's own {name}.py", "entry_point": f"entry point '{name}'",
            "file": str(obj)}[kind]


def names():
    return sorted(_sources())


def load(name):
    found = _sources()
    if name not in found:
        raise ValueError(f"unknown problem '{name}'; available: {', '.join(sorted(found))}")
    kind, obj = found[name]
    if kind == "builtin":
        return importlib.import_module(f"crplugin.problems.{name}")
    if kind == "entry_point":
        return obj
    return extensions.import_problem_file(name, obj)


def input_file(name):
    """The problem's own input file ``<name>.toml`` next to its module, if any."""
    path = os.path.splitext(load(name).__file__)[0] + ".toml"
    return path if os.path.exists(path) else None
