"""pyro-hydro with crplugin's cosmic rays: a CR blob streaming along a field in a periodic box.

pyro (PyPI ``pyro-hydro``) evolves the gas with its compressible solver on its
own arrays ``U[i, j, var]`` with 4 ghost cells.  After each pyro step,
crplugin advances the CRs on those same arrays (operator split,
:class:`crplugin.plugin.HostAdapter`):

* two-moment CR transport with streaming at the Alfven speed (source term
  ``streaming``); the gas receives the streaming heating and the CR force;
* pressure-anisotropy heating from the flow's dlnB/dt (``pa_heating``,
  Zweibel 2021 eq 48), taken from the CRs and given to the gas;
* the streaming heating field (``cr_diagnostics``, Zweibel 2021 eq 38).

The field is uniform along x and prescribed (pyro is a hydro code); it
enters through v_A and b only, in crplugin's ``B^2/2`` convention.  Units:
1 kpc, 1 Myr and 1e-26 g cm^-3 (velocity unit 978 km/s), so that
v_A/c is that of a galactic halo and the PA heating is its real size.

    python examples/pyro_cr_blob.py          # prints the energy budget and the heating
"""
import math
import sys

import numpy as np
from pyro import Pyro

from crplugin.plugin import HostAdapter
from crplugin.units import CodeUnits

KPC, MYR = 3.0856775814913673e21, 3.15576e13
UNITS = CodeUnits(length=KPC, mass=1e-26 * KPC**3, time=MYR)
GAMMA = 5.0 / 3.0
B_FIELD = (0.3, 0.0, 0.0)   # code units (B^2/2): v_A = 0.3 = 290 km/s at rho = 1
RHO, P_GAS = 1.0, 1.0
EC_PEAK, BLOB_WIDTH = 1.5, 0.1  # CR energy density at the centre, Gaussian width (code units)


def init_data(my_data, rp):
    """pyro problem: uniform gas at rest (the CRs live in crplugin's array)."""
    my_data.get_var("density")[:, :] = RHO
    my_data.get_var("x-momentum")[:, :] = 0.0
    my_data.get_var("y-momentum")[:, :] = 0.0
    my_data.get_var("energy")[:, :] = P_GAS / (GAMMA - 1.0)


def setup(nx=32, ny=32, v_max=20.0):
    """pyro on a periodic unit square, the adapter on its arrays and the CR array."""
    p = Pyro("compressible")
    p.add_problem("cr_blob", init_data)
    p.initialize_problem("cr_blob", inputs_dict={
        "mesh.nx": nx, "mesh.ny": ny, "mesh.xmin": 0.0, "mesh.xmax": 1.0, "mesh.ymin": 0.0, "mesh.ymax": 1.0,
        "mesh.xlboundary": "periodic", "mesh.xrboundary": "periodic",
        "mesh.ylboundary": "periodic", "mesh.yrboundary": "periodic",
        "eos.gamma": GAMMA, "driver.cfl": 0.4, "driver.tmax": 1.0})
    sim = p.sim
    g, iv = sim.cc_data.grid, sim.ivars
    adapter = HostAdapter(
        "ijv", g.ng, (g.xmin, g.ymin), (g.xmax, g.ymax), (g.nx, g.ny),
        variables={"density": iv.idens, "momentum_x": iv.ixmom, "momentum_y": iv.iymom, "energy": iv.iener},
        sources=("streaming", "cr_diagnostics", "pa_heating"),
        params={"mhd.gamma": GAMMA, "cr.v_max": v_max},
        units=UNITS, magnetic="B2/2", energy_includes_magnetic=False, boundaries="periodic")
    cr = adapter.cr_zeros()
    r2 = (g.x2d - 0.5) ** 2 + (g.y2d - 0.5) ** 2
    cr[:, :, 0] = 0.05 + EC_PEAK * np.exp(-r2 / (2.0 * BLOB_WIDTH**2))
    return p, adapter, cr


def step(p, adapter, cr):
    """One pyro hydro step, then crplugin's CR step over the same dt on pyro's arrays."""
    p.single_step()
    return adapter.cr_step(p.sim.cc_data.data, cr, p.sim.dt, B_FIELD)


def totals(p, adapter, cr):
    """Gas and CR energy summed over the active cells (code units per cell volume)."""
    act = adapter.block.active
    iv = p.sim.ivars
    gas = float(adapter.view(p.sim.cc_data.data, "U")[(iv.iener,) + act].sum())
    ecr = float(adapter.view(cr, "cr", nvar=4)[(0,) + act].sum())
    return gas, ecr


def main(nsteps=20):
    p, adapter, cr = setup()
    gas0, ecr0 = totals(p, adapter, cr)
    heating = adapter.fields(p.sim.cc_data.data, cr, B_FIELD)
    for _ in range(nsteps):
        step(p, adapter, cr)
    gas, ecr = totals(p, adapter, cr)
    fields = adapter.fields(p.sim.cc_data.data, cr, B_FIELD)
    print(f"pyro + crplugin: {nsteps} steps to t = {p.sim.cc_data.t:.4g} Myr on {adapter.n} cells")
    print(f"  CR energy lost {ecr0 - ecr:.6e}, gas energy gained {gas - gas0:.6e} "
          f"(relative difference {abs((gas - gas0) + (ecr - ecr0)) / (ecr0 - ecr):.1e})")
    print(f"  streaming heating at t = 0: max {heating['streaming_heating'].max():.4e} code units "
          f"= {heating['streaming_heating'].max() * UNITS.energy_rate_density:.3e} erg cm^-3 s^-1")
    print(f"  PA heating at the end: max {fields['pa_heating'].max():.4e} code units "
          f"(v_A/c = {B_FIELD[0] / math.sqrt(RHO) / UNITS.c_light:.1e})")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
