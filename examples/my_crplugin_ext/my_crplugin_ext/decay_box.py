"""Uniform box whose CRs decay at a constant rate (source term cr_losses): E_c(t) = E_c(0) exp(-t/tau).

The gas is at rest and uniform, so nothing moves: the CR energy must follow
the exact exponential and, with ``cr_losses.heat_fraction = 1``, the gas must
gain exactly what the CRs lose.
"""
import glob
import math
import os

import numpy as np

from crplugin import io
from crplugin.params import Param
from crplugin.state import IDN, IEC, IEN

NAME = "decay_box"
PARAMS = {"ec0": Param(1.0, "initial CR energy density [code units]", positive=True),
          "e0": Param(1.0, "initial gas energy density [code units]", positive=True)}
DEFAULTS = {"mesh.nx": 8, "time.tlim": 2.0, "time.dt_max": 0.05, "mhd.magnetic": False,
            "cr.enabled": True, "sources.enabled": ["cr_losses"]}


def initialise(sim):
    s = sim.state
    s.u[IDN] = 1.0
    s.u[IEN] = sim.params["problem.e0"]
    s.cr[IEC] = sim.params["problem.ec0"]


def analyse(outdir, params):
    """E_c and the gas energy at the last output against the exact solution."""
    path = sorted(glob.glob(os.path.join(outdir, f"{NAME}.[0-9]*.h5")))[-1]
    fields, info = io.read_output(path)
    u = io.output_info(path)
    p_unit = params["units.mass"] / (params["units.length"] * params["units.time"] ** 2)
    ec = fields["cr_energy_density"] / p_unit
    ec_exact = params["problem.ec0"] * math.exp(-info["time"] / params["cr_losses.tau"])
    # gas internal energy from the pressure (the gas is at rest)
    e_gas = fields["pressure"] / p_unit / (params["mhd.gamma"] - 1.0)
    gained = float(np.mean(e_gas)) - params["problem.e0"]
    lost = params["problem.ec0"] - float(np.mean(ec))
    return {"time": info["time"], "ec_rel_error": float(np.max(np.abs(ec / ec_exact - 1.0))),
            "energy_budget_rel_error": abs(gained - params["cr_losses.heat_fraction"] * lost) / lost,
            "loss_rate_units": u["units"]["cr_loss_rate"]}
