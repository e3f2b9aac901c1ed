"""disk_wind: a small 3D run through the command line, analysed with yt.

4 x 4 x 24 cells to t = 10 Myr with outputs every 5 Myr (about 15 s).  The
set-up is mirror-symmetric about the midplane (potential, disc, halo, field
and injection), so the horizontally averaged density must be even and v_z odd
in z.  Not to round-off: the cooling kernel sub-cycles each cell adaptively
(10 % energy change per sub-step), so 1-ulp differences change the number of
sub-steps and the result at the 1e-4 level at the disc-halo interface
(measured 1.7e-4 in rho at t = 10 Myr; without cooling 1e-15 after 60
cycles, growing to 1e-6 through the CR sign regularisation at the midplane).
Tolerances 1e-3 of max rho and 1e-2 of max |v_z| (measured 3.4e-3: v_z
vanishes at the midplane); a sign error of g below the midplane, or a one-sided
boundary, breaks the symmetry at O(1).  The CRs injected at the midplane must
reach z_out (positive CR power out, below what was injected so far) and push
gas out (positive mass loading).
"""
import os
import subprocess
import sys

import numpy as np

from crplugin import problems
from crplugin.simulation import make_parameters

BIN = os.path.dirname(sys.executable)
ENV = dict(os.environ, PATH=BIN + os.pathsep + os.environ.get("PATH", ""), OMP_NUM_THREADS="1",
           MPLBACKEND="Agg")
RUN = ["mesh.nx=4", "mesh.ny=4", "mesh.nz=24", "time.tlim=10", "output.dt=5", "output.progress=false"]


def test_disk_wind_small_run_is_symmetric_and_blows_out(tmp_path):
    out = str(tmp_path / "dw")
    res = subprocess.run([sys.executable, "-m", "crplugin", "run", "disk_wind", "-o", out] + RUN,
                         capture_output=True, text=True, env=ENV, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    assert "mass_loading" in res.stdout and os.path.exists(os.path.join(out, "disk_wind.png"))

    dw = problems.load("disk_wind")
    params = make_parameters(dw, problems.input_file("disk_wind"), RUN)
    last = sorted(p for p in os.listdir(out) if p.startswith("disk_wind.0"))[-1]
    prof = dw.profiles(os.path.join(out, last))
    rho, vz = prof["rho"], prof["v_z"]
    assert np.max(np.abs(rho - rho[::-1])) <= 1e-3 * rho.max(), np.max(np.abs(rho - rho[::-1])) / rho.max()
    assert np.max(np.abs(vz + vz[::-1])) <= 1e-2 * np.abs(vz).max(), np.max(np.abs(vz + vz[::-1])) / np.abs(vz).max()

    result = dw.analyse(out, params)
    assert 0.0 < result["cr_power_out_fraction"] < 1.0, result
    assert result["mass_loading"] > 0.0, result
    assert result["time_Myr"] == 10.0
