"""Helpers shared by the problems' analyses (reading the last output of a run)."""
import glob
import os

import numpy as np

from crplugin import io
from crplugin.mesh import Block, Grid


def latest_output(outdir, name):
    """Path of the newest output ``<name>.NNNNN.h5`` in ``outdir``."""
    paths = sorted(glob.glob(os.path.join(outdir, f"{name}.[0-9][0-9][0-9][0-9][0-9].h5")))
    if not paths:
        raise ValueError(f"no output of '{name}' in '{outdir}'")
    return paths[-1]


def centres(params, axis):
    """Cell centres along ``axis`` of the global grid, from the run parameters (the mesh's
    own definition, so log-spaced x1 grids come out right)."""
    m = params.section("mesh") if hasattr(params, "section") else {
        k.split(".", 1)[1]: v for k, v in params.items() if k.startswith("mesh.")}
    grid = Grid((m["nx"], m["ny"], m["nz"]), (m["x1min"], m["x2min"], m["x3min"]),
                (m["x1max"], m["x2max"], m["x3max"]), x1spacing=m.get("x1spacing", "uniform"),
                geometry=m.get("geometry", "cartesian"), flux_tube_scale=m.get("flux_tube_scale") or None)
    return Block(grid, ng=0).centres(axis)


def read_last(outdir, name):
    """(fields [k, j, i] in cgs, info) of the newest output."""
    return io.read_output(latest_output(outdir, name))
