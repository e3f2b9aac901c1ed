"""Uniform box filled with CRs at a constant rate by its own source term: E_c(t) = E_c(0) + Q t.

An example of a problem kept in a folder of one's own and run with
``crplugin run cr_bath --problem-path examples/my_problems``; the module also
registers the source term it needs (``uniform_cr_injection``), which then
goes through the same checks as crplugin's own.
"""
import glob
import os

import numpy as np

from crplugin import io
from crplugin.params import Param
from crplugin.sources import SourceTerm, register
from crplugin.state import IDN, IEC, IEN


@register
class UniformCRInjection(SourceTerm):
    """CR energy injected uniformly at the rate Q [code energy density / time]."""

    name = "uniform_cr_injection"
    PARAMS = {"Q": Param(0.5, "injection rate dE_c/dt [code units]", positive=True)}
    requires = ("cr",)

    def apply(self, sim, dt):
        sim.state.cr[IEC] += self.params["Q"] * dt


NAME = "cr_bath"
PARAMS = {"ec0": Param(1.0, "initial CR energy density [code units]", positive=True)}
DEFAULTS = {"mesh.nx": 8, "time.tlim": 1.0, "time.dt_max": 0.1, "mhd.magnetic": False,
            "cr.enabled": True, "sources.enabled": ["uniform_cr_injection"]}


def initialise(sim):
    sim.state.u[IDN] = 1.0
    sim.state.u[IEN] = 1.0
    sim.state.cr[IEC] = sim.params["problem.ec0"]


def analyse(outdir, params):
    """E_c at the last output against E_c(0) + Q t."""
    path = sorted(glob.glob(os.path.join(outdir, f"{NAME}.[0-9]*.h5")))[-1]
    fields, info = io.read_output(path)
    p_unit = params["units.mass"] / (params["units.length"] * params["units.time"] ** 2)
    ec = fields["cr_energy_density"] / p_unit
    exact = params["problem.ec0"] + params["uniform_cr_injection.Q"] * info["time"]
    return {"time": info["time"], "ec_rel_error": float(np.max(np.abs(ec / exact - 1.0)))}
