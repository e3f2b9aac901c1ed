"""Helpers shared by the problems' analyses (reading the last output of a run)."""
import glob
import os

import numpy as np

from crplugin import io


def latest_output(outdir, name):
    """Path of the newest output ``<name>.NNNNN.h5`` in ``outdir``."""
    paths = sorted(glob.glob(os.path.join(outdir, f"{name}.[0-9][0-9][0-9][0-9][0-9].h5")))
    if not paths:
        raise ValueError(f"no output of '{name}' in '{outdir}'")
    return paths[-1]


def centres(params, axis):
    """Cell centres along ``axis`` of the global grid, from the run parameters."""
    tag = "xyz"[axis]
    n = params[f"mesh.n{tag}"]
    lo, hi = params[f"mesh.x{axis + 1}min"], params[f"mesh.x{axis + 1}max"]
    return lo + (np.arange(n) + 0.5) * (hi - lo) / n


def read_last(outdir, name):
    """(fields [k, j, i] in cgs, info) of the newest output."""
    return io.read_output(latest_output(outdir, name))
