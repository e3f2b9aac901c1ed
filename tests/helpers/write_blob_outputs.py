"""Write cr_blob outputs in 1D, 2D and 3D into OUTDIR/<ndim>d/ (run serially or under mpiexec)."""
import os
import sys
from pathlib import Path

from crplugin.run import run
from crplugin.simulation import Simulation, make_parameters

sys.path.insert(0, str(Path(__file__).resolve().parent / "problems"))
import cr_blob  # noqa: E402

MESHES = {1: ["mesh.nx=16"], 2: ["mesh.nx=8", "mesh.ny=8"], 3: ["mesh.nx=6", "mesh.ny=4", "mesh.nz=4"]}


def write(outdir, ndim):
    sim = Simulation(make_parameters(cr_blob, None, MESHES[ndim]), cr_blob)
    return run(sim, os.path.join(outdir, f"{ndim}d"), basename="cr_blob")["outputs"][-1]


if __name__ == "__main__":
    for nd in (1, 2, 3):
        write(sys.argv[1], nd)
