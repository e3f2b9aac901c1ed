"""A plain ``yt.load`` in a fresh process recognises crplugin outputs (1D, 2D, 3D; 1 and 2 ranks)
and gives the CR fields with yt's names and units (crplugin.yt_frontend)."""
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import h5py
import numpy as np
import pytest
import yt

from crplugin import io

HELPERS = Path(__file__).resolve().parents[1] / "helpers"
sys.path.insert(0, str(HELPERS.parent))
from helpers.fake_sim import FakeSim  # noqa: E402
from helpers.write_blob_outputs import write  # noqa: E402

yt.set_log_level(40)

# what a user types, in a process that never imports crplugin itself
USER_SCRIPT = textwrap.dedent("""
    import json, sys
    import yt
    yt.set_log_level(40)
    out = {}
    for path in sys.argv[1:]:
        ds = yt.load(path)
        cg = ds.covering_grid(0, ds.domain_left_edge, ds.domain_dimensions)
        pc = cg["gas", "cosmic_ray_pressure"]
        out[path] = {
            "class": type(ds).__name__, "ngrids": ds.index.num_grids, "gamma_c": ds.gamma_c,
            "pc_units": str(ds.field_info["gas", "cosmic_ray_pressure"].units),
            "pc": pc.to("dyn/cm**2").d.tolist(),
            "ec": cg["gas", "cosmic_ray_energy_density"].to("erg/cm**3").d.tolist(),
            "fx": cg["gas", "cosmic_ray_flux_x"].to("erg/(cm**2*s)").d.tolist(),
            "streaming_heating": cg["gas", "streaming_heating"].to("erg/(cm**3*s)").d.tolist(),
            "pa_heating": cg["gas", "pa_heating"].to("erg/(cm**3*s)").d.tolist(),
        }
    print(json.dumps(out))
""")


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("ytfe")
    paths = [write(str(root / "serial"), nd) for nd in (1, 2, 3)]
    mpiexec = shutil.which("mpiexec") or os.path.join(os.path.dirname(sys.executable), "mpiexec")
    env = dict(os.environ, OMP_NUM_THREADS="1", MPIEXEC_TIMEOUT="240")
    subprocess.run([mpiexec, "-n", "2", sys.executable, str(HELPERS / "write_blob_outputs.py"),
                    str(root / "mpi")], check=True, env=env, capture_output=True, timeout=300)
    paths += [str(root / "mpi" / f"{nd}d" / "cr_blob.00001.h5") for nd in (1, 2, 3)]
    # a fresh interpreter, no crplugin import, run from a neutral folder
    res = subprocess.run([sys.executable, "-c", USER_SCRIPT] + paths, capture_output=True, text=True,
                         cwd=str(root), env=dict(os.environ, PYTHONPATH=""), timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    return paths, json.loads(res.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("i", range(6), ids=[f"{nd}d-{kind}" for kind in ("serial", "mpi") for nd in (1, 2, 3)])
def test_plain_yt_load_gives_cr_fields(outputs, i):
    paths, got = outputs
    path = paths[i]
    r = got[path]
    fields, info = io.read_output(path)  # the file itself, read with h5py: [k, j, i], cgs
    assert r["class"] == "CRPluginDataset"
    assert r["ngrids"] == (2 if "mpi" in path else 1)
    assert r["pc_units"] == "dyn/cm**2"
    gamma_c = info["params"].get("cr.gamma_c", 4.0 / 3.0)
    assert r["gamma_c"] == gamma_c

    def xyz(name):
        return np.asarray(fields[name]).T  # -> [x, y, z] like the covering grid

    np.testing.assert_allclose(r["ec"], xyz("cr_energy_density"), rtol=1e-15)
    np.testing.assert_allclose(r["pc"], (gamma_c - 1.0) * xyz("cr_energy_density"), rtol=1e-15)
    np.testing.assert_allclose(r["fx"], xyz("cr_flux_x"), rtol=1e-15)
    for name in ("streaming_heating", "pa_heating"):  # the solver's own fields, not recomputed
        assert np.max(r[name]) > 0, name
        np.testing.assert_allclose(r[name], xyz(name), rtol=1e-15, err_msg=name)


def test_serial_and_two_rank_outputs_agree(outputs):
    paths, got = outputs
    for ser, par in zip(paths[:3], paths[3:]):
        for key in ("pc", "streaming_heating", "pa_heating"):
            np.testing.assert_array_equal(got[ser][key], got[par][key], err_msg=f"{ser} {key}")


def test_gamma_c_of_the_run_sets_the_cr_pressure(tmp_path):
    sim = FakeSim(shape=(8, 4), periodic=(True, True, True))
    sim.params["cr.gamma_c"] = 1.5
    path = tmp_path / "g.h5"
    io.write_output(path, sim)
    ds = yt.load(str(path))
    assert ds.gamma_c == 1.5
    ad = ds.all_data()
    np.testing.assert_allclose(ad["gas", "cosmic_ray_pressure"].to("dyn/cm**2").d,
                               0.5 * ad["gas", "cosmic_ray_energy_density"].to("erg/cm**3").d, rtol=1e-15)


def test_gdf_files_of_other_codes_stay_gdf(tmp_path):
    sim = FakeSim(shape=(8, 4), periodic=(True, True, True))
    path = tmp_path / "other.h5"
    io.write_output(path, sim)
    with h5py.File(path, "r+") as f:
        del f.attrs["crplugin_format"]  # a GDF file some other code wrote
    ds = yt.load(str(path))
    assert type(ds).__name__ == "GDFDataset"
