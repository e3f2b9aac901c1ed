"""Extensions from outside crplugin: installed packages' entry points and problem folders.

A user's package declares, in its own ``pyproject.toml``::

    [project.entry-points."crplugin.source_terms"]
    my_heating = "my_pkg.heating"            # a module that registers its terms, or
    my_cooling = "my_pkg.cooling:MyCooling"  # a SourceTerm subclass

    [project.entry-points."crplugin.problems"]
    my_blob = "my_pkg.problems.my_blob"      # a problem module (my_blob.toml beside it, optional)

and ``crplugin run my_blob`` finds both without any change to crplugin.  A
folder of problem modules is used with ``crplugin run --problem-path DIR``
(or the ``CRPLUGIN_PROBLEM_PATH`` environment variable, ``os.pathsep``
separated).  A problem module may register source terms of its own with
``crplugin.sources.register``.  User source terms go through the same
requires/provides checks as the built-in ones (:func:`crplugin.sources.build`).

An entry point that fails to import is reported as one warning line on the
``crplugin`` logger, naming the entry point and the error, and the others
are still loaded: a broken package must not stop runs that do not use it.
"""
import argparse
import importlib.metadata
import importlib.util
import logging
import os
import sys

log = logging.getLogger("crplugin")

SOURCE_TERM_GROUP = "crplugin.source_terms"
PROBLEM_GROUP = "crplugin.problems"
PROBLEM_PATH_ENV = "CRPLUGIN_PROBLEM_PATH"


def load_entry_points(group):
    """``{name: loaded object}`` of the entry points of ``group`` that import.

    A failing one is logged as one warning line (its name, its target and the
    error) and skipped.
    """
    loaded = {}
    for ep in importlib.metadata.entry_points(group=group):
        try:
            loaded[ep.name] = ep.load()
        except Exception as exc:  # any error in a user's package: report it, go on
            log.warning("crplugin: warning: entry point '%s' (%s) of group '%s' failed to import "
                        "and is skipped: %s: %s", ep.name, ep.value, group, type(exc).__name__, exc)
    return loaded


def problem_path():
    """Folders of user problems, from ``CRPLUGIN_PROBLEM_PATH`` (set by ``--problem-path``)."""
    value = os.environ.get(PROBLEM_PATH_ENV, "")
    return [p for p in value.split(os.pathsep) if p]


def add_problem_path(folder):
    """Put ``folder`` first on the problem path.  Kept in the environment, so the
    ranks that ``crplugin run -n N`` starts under mpiexec see it too."""
    folder = os.path.abspath(folder)
    os.environ[PROBLEM_PATH_ENV] = os.pathsep.join([folder] + [p for p in problem_path() if p != folder])


def is_problem_module(module):
    return callable(getattr(module, "initialise", None))


def folder_problems(folder):
    """``{name: file}`` of the problem modules (``<name>.py``, not ``_*``) of ``folder``.

    Raises ValueError (one line) if the folder is missing or holds no problem
    module.
    """
    if not os.path.isdir(folder):
        raise ValueError(f"--problem-path {folder}: no such directory")
    found = {os.path.splitext(f)[0]: os.path.join(folder, f) for f in sorted(os.listdir(folder))
             if f.endswith(".py") and not f.startswith("_")}
    if not found:
        raise ValueError(f"--problem-path {folder}: no problem module (<name>.py defining "
                         f"initialise(sim)) in this directory")
    return found


def import_problem_file(name, path):
    """Import a problem module from a file; its folder goes on ``sys.path`` so that it
    can import helper modules next to it.  Raises ValueError if it defines no
    ``initialise(sim)``."""
    folder = os.path.dirname(os.path.abspath(path))
    if folder not in sys.path:
        sys.path.insert(0, folder)
    mod_name = f"crplugin_user_problems.{name}"
    if mod_name in sys.modules:
        return sys.modules[mod_name]
    spec = importlib.util.spec_from_file_location(mod_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[mod_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[mod_name]
        raise
    if not is_problem_module(module):
        del sys.modules[mod_name]
        raise ValueError(f"{path}: not a problem module (it defines no initialise(sim))")
    return module



class ProblemPathAction(argparse.Action):
    """argparse action of ``--problem-path DIR`` (repeatable): :func:`add_problem_path`.

    The folder is checked when the problems are looked up, so that a bad one
    gives one error line from the command, not an argparse usage message.
    """

    def __call__(self, parser, namespace, values, option_string=None):
        add_problem_path(values)
        setattr(namespace, self.dest, values)
