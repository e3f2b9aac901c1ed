"""The command line: ``crplugin list``, ``run`` (serial, ``-n 2``, ``--restart``), ``plot``,
and one readable line with exit status 2 for bad input.

Everything is run as a user would, ``python -m crplugin ...`` in a subprocess,
so exit statuses and stderr are the real ones.  The bottleneck runs are
short (64 cells to t = 50: about 1 s).
"""
import os
import shutil
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from crplugin import io

BIN = os.path.dirname(sys.executable)
ENV = dict(os.environ, PATH=BIN + os.pathsep + os.environ.get("PATH", ""), OMP_NUM_THREADS="1",
           MPLBACKEND="Agg", MPIEXEC_TIMEOUT="120")
RUN = ["run", "bottleneck", "mesh.nx=64", "time.tlim=50", "--no-analysis"]


def crplugin(*args, cwd=None, timeout=180):
    return subprocess.run([sys.executable, "-m", "crplugin", *args], capture_output=True, text=True,
                          env=ENV, cwd=cwd, timeout=timeout)


def assert_one_line_error(res, *words):
    """Exit status 2, one line on stderr containing ``words``, no traceback."""
    lines = res.stderr.strip().splitlines()
    assert res.returncode == 2, (res.returncode, res.stderr)
    assert "Traceback" not in res.stderr, res.stderr
    assert len(lines) == 1, res.stderr
    for w in words:
        assert w in lines[0], (w, lines[0])


def last_output(outdir):
    names = sorted(n for n in os.listdir(outdir) if n.startswith("bottleneck.") and n[11:16].isdigit())
    return os.path.join(outdir, names[-1])


# ---------------------------------------------------------------------------
def test_list_problems_and_source_terms():
    res = crplugin("list")
    assert res.returncode == 0, res.stderr
    assert "bottleneck" in res.stdout
    for term in ("streaming", "constant_diffusion", "pa_heating", "cr_diagnostics", "cooling"):
        assert f"  {term} " in res.stdout, term


def test_list_parameters_of_a_problem():
    res = crplugin("list", "bottleneck")
    assert res.returncode == 0, res.stderr
    out = res.stdout
    for section in ("[mesh]", "[time]", "[cr]", "[sources]", "[problem]"):
        assert section in out, section
    # the values of the problem's input file, not only the general defaults
    assert "nx = 512" in out and "rho_peak = 1.0" in out and "x1max = 1000.0" in out


@pytest.mark.parametrize("args, words", [
    (["run", "bottleneck", "mesh.nxx=3"], ["mesh.nxx", "mesh.nx", "mesh.ny", "mesh.x1min"]),
    (["run", "bottleneck", "mesh.nx=abc"], ["mesh.nx", "abc"]),
    (["run", "bottleneck", "mesh.nx=-4"], ["mesh.nx", "positive"]),
    (["run", "bottleneck", "mesh.ix1_bc=wall"], ["mesh.ix1_bc", "wall"]),
    (["run", "bottleneck", "problemx.rho_min=1"], ["problemx"]),
    (["run", "nosuch"], ["nosuch", "bottleneck"]),
    (["list", "nosuch"], ["nosuch", "bottleneck"]),
    (["plot", "no_such_output.h5"], ["no_such_output.h5"]),
])
def test_bad_input_is_one_line_and_status_2(args, words, tmp_path):
    res = crplugin(*args, cwd=tmp_path)
    assert_one_line_error(res, *words)
    # nothing was run: no output directory appeared
    assert not (tmp_path / "output").exists()


@pytest.fixture(scope="module")
def serial_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("serial")
    res = crplugin(*RUN, "-o", str(out))
    assert res.returncode == 0, res.stderr
    return out, res


def test_run_writes_outputs_yt_opens(serial_run):
    from crplugin import analysis
    out, res = serial_run
    assert res.stdout.startswith("bottleneck:") and "64 cells" in res.stdout
    path = last_output(out)
    fields, info = io.read_output(path)
    ds = analysis.load(path)
    assert tuple(ds.domain_dimensions) == (64, 1, 1)
    assert float(ds.current_time.to("s")) == pytest.approx(50.0, rel=1e-12)  # code time unit 1 s
    assert info["params"]["mesh.nx"] == 64 and info["params"]["time.tlim"] == 50.0
    # yt's view equals the file's: P_c = E_c/3 and the density, in cgs (x along the array's last axis)
    cg = ds.covering_grid(0, ds.domain_left_edge, ds.domain_dimensions)
    np.testing.assert_array_equal(cg["gas", "density"].to("g/cm**3").d[:, 0, 0], fields["density"][0, 0])
    np.testing.assert_allclose(cg["gas", "cosmic_ray_pressure"].to("dyn/cm**2").d[:, 0, 0],
                               fields["cr_energy_density"][0, 0] / 3.0, rtol=1e-15)
    assert os.path.exists(os.path.join(out, "bottleneck.hst"))
    # the checkpoint ends in .chk: a glob for outputs, and yt.load of it, never meet it
    import glob
    import yt
    assert os.path.exists(os.path.join(out, "bottleneck.00000.chk"))
    outputs = sorted(glob.glob(os.path.join(out, "*.h5")))
    assert outputs and all(io.output_info(p)["cycle"] >= 0 for p in outputs)
    assert yt.load(os.path.join(out, "bottleneck.*.h5"))[-1].current_time == ds.current_time


def test_plot_makes_a_png(serial_run, tmp_path):
    out, _ = serial_run
    src = last_output(out)
    path = str(tmp_path / os.path.basename(src))
    shutil.copy(src, path)
    res = crplugin("plot", path)
    assert res.returncode == 0, res.stderr
    png = res.stdout.strip().splitlines()[-1].removeprefix("wrote ").strip()
    assert os.path.dirname(png) == str(tmp_path)
    with open(png, "rb") as fh:
        assert fh.read(8) == b"\x89PNG\r\n\x1a\n"
    res = crplugin("plot", path, "--field", "not_a_field")
    assert_one_line_error(res, "not_a_field", "cosmic_ray_pressure", "density")


def test_plot_any_field_on_disk_to_a_chosen_png(tmp_path):
    """Fields a source term writes (here dlnB_dt, stream_speed, cooling_rate) are plottable,
    and -o sends the PNG anywhere."""
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), os.pardir))
    from helpers import blob
    from crplugin.simulation import Simulation, make_parameters
    from mpi4py import MPI
    sim = Simulation(make_parameters(blob, None, blob.defaults(2, n=8)), blob, comm=MPI.COMM_SELF)
    path = str(tmp_path / "blob.00000.h5")
    io.write_output(path, sim)
    from crplugin import analysis
    on_disk = io.output_info(path)["units"]
    (tmp_path / "elsewhere").mkdir()
    for name in ("dlnB_dt", "stream_speed", "cooling_rate"):
        assert name in on_disk, name
        png = str(tmp_path / "elsewhere" / f"{name}.png")
        if name == "dlnB_dt":  # one through the command line, the others in this process (faster)
            res = crplugin("plot", path, "--field", name, "-o", png)
            assert res.returncode == 0, res.stderr
            assert res.stdout.strip().splitlines()[-1] == f"wrote {png}"
        else:
            assert analysis.quicklook(path, field=name, png=png) == png
        with open(png, "rb") as fh:
            assert fh.read(8) == b"\x89PNG\r\n\x1a\n"


def test_version():
    from crplugin import __version__
    res = crplugin("--version")
    assert res.returncode == 0 and res.stdout.strip() == f"crplugin {__version__}"


@pytest.mark.parametrize("ndim", [2, 3])
def test_plot_slices_multidimensional_outputs(ndim, tmp_path):
    """2D/3D: a z-slice of the CR pressure by default, of ``--field`` otherwise."""
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), os.pardir))
    from helpers import blob
    from crplugin.simulation import Simulation, make_parameters
    from mpi4py import MPI
    sim = Simulation(make_parameters(blob, None, blob.defaults(ndim, n=8)), blob, comm=MPI.COMM_SELF)
    path = str(tmp_path / "blob.00000.h5")
    io.write_output(path, sim)
    for extra, name in (((), "cosmic_ray_pressure"), (("--field", "density"), "density")):
        res = crplugin("plot", path, *extra)
        assert res.returncode == 0, res.stderr
        png = res.stdout.strip().splitlines()[-1].removeprefix("wrote ").strip()
        assert png == str(tmp_path / f"blob.00000_quicklook_{name}.png")
        with open(png, "rb") as fh:
            assert fh.read(8) == b"\x89PNG\r\n\x1a\n"


def test_two_ranks_give_the_serial_output(serial_run, tmp_path):
    """``-n 2`` launches mpiexec; the gas is frozen here and the halo exchange copies exactly
    what the serial boundary fill copies, so the outputs must be identical."""
    out, _ = serial_run
    par = tmp_path / "par"
    res = crplugin(*RUN, "-n", "2", "-o", str(par))
    assert res.returncode == 0, res.stderr
    assert "on 2 rank(s)" in res.stdout
    fp, ip = io.read_output(last_output(par))
    fs, is_ = io.read_output(last_output(out))
    assert ip["ngrids"] == 2 and is_["ngrids"] == 1
    assert ip["time"] == is_["time"] and ip["cycle"] == is_["cycle"]
    assert sorted(fp) == sorted(fs)
    for name in fs:
        assert np.array_equal(fp[name], fs[name]), name


def test_restart_from_the_command_line(tmp_path):
    """Stop at cycle 4 (``time.nlim``), continue with ``--restart``: the final output is the
    uninterrupted run's, bit for bit (the checkpoint holds the state in double precision).
    The frozen-gas bottleneck takes one step to t = 50 unless ``time.dt_max`` cuts it."""
    steps = RUN + ["time.dt_max=5"]
    whole, split = tmp_path / "whole", tmp_path / "split"
    assert crplugin(*steps, "-o", str(whole)).returncode == 0
    res = crplugin(*steps, "time.nlim=4", "-o", str(split))
    assert res.returncode == 0, res.stderr
    chk = split / "bottleneck.00000.chk"
    assert io.read_parameters(str(chk))["time.nlim"] == 4
    res = crplugin(*steps, "--restart", str(chk), "-o", str(split))
    assert res.returncode == 0, res.stderr
    # the initial output is kept, and the newest output is the restarted run's end
    assert io.output_info(str(split / "bottleneck.00000.h5"))["cycle"] == 0, \
        "the restarted run overwrote the initial output bottleneck.00000.h5"
    fr, ir = io.read_output(last_output(split))
    fw, iw = io.read_output(last_output(whole))
    assert (ir["cycle"], ir["time"]) == (iw["cycle"], iw["time"]) == (10, 50.0), \
        f"newest output {os.path.basename(last_output(split))} is at cycle {ir['cycle']}"
    for name in fw:
        assert np.array_equal(fr[name], fw[name]), name
    # the restart wrote the next checkpoint number, and the numbering is the uninterrupted run's
    assert sorted(os.listdir(split)) == sorted(os.listdir(whole) + ["bottleneck.00001.chk"])


def test_restart_refuses_other_physics_and_a_finished_run(tmp_path):
    out = tmp_path / "out"
    assert crplugin(*RUN, "-o", str(out)).returncode == 0
    chk = str(out / "bottleneck.00000.chk")
    before = sorted(os.listdir(out))
    res = crplugin(*RUN, "cr.v_max=50", "mesh.nx=32", "--restart", chk, "-o", str(out))
    assert_one_line_error(res, "cr.v_max = 100.0 in the checkpoint, 50.0 now", "mesh.nx", "--allow-changed")
    res = crplugin(*RUN, "--restart", chk, "-o", str(out))
    assert_one_line_error(res, "t = 50", "time.tlim = 50", "nothing to do")
    assert sorted(os.listdir(out)) == before, "a refused restart wrote files"
    # a longer run, allowed explicitly, continues from t = 50
    res = crplugin(*RUN, "time.tlim=60", "--restart", chk, "--allow-changed", "time.tlim", "-o", str(out))
    assert res.returncode == 0, res.stderr
    assert io.read_output(last_output(out))[1]["time"] == 60.0


def test_two_ranks_from_a_folder_holding_a_source_tree(tmp_path):
    """Started from the folder above a clone (a ``crplugin/`` folder in the current directory),
    the ranks must still import the installed package (they run ``python -P``)."""
    (tmp_path / "crplugin" / "crplugin").mkdir(parents=True)
    res = subprocess.run([os.path.join(BIN, "crplugin"), *RUN, "-n", "2", "-o", "out"], capture_output=True,
                         text=True, env=ENV, cwd=tmp_path, timeout=300)
    assert res.returncode == 0, res.stderr
    assert "on 2 rank(s)" in res.stdout


def test_split_errors_name_the_ranks_parameters(tmp_path):
    """0 = let MPI choose on any axis; an impossible split names mesh.ranks_*, printed once."""
    res = crplugin(*RUN, "mesh.nx=66", "-n", "4", "-o", "out", cwd=tmp_path)
    assert_one_line_error(res, "mesh.ranks_x", "4 ranks")
    res = crplugin(*RUN, "mesh.ranks_x=2", "mesh.ranks_y=0", "-n", "2", "-o", "out", cwd=tmp_path)
    assert res.returncode == 0, res.stderr


@pytest.mark.parametrize("sig, code, words", [(signal.SIGINT, 130, "SIGINT"), (signal.SIGTERM, 143, "SIGTERM")])
def test_signal_stops_with_one_line_and_a_checkpoint(sig, code, words, tmp_path):
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "crplugin", *RUN, "time.tlim=1e6", "time.dt_max=5",
                             "time.steady_tol=0", "output.progress=false", "-o", str(out)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=ENV)
    deadline = time.time() + 120
    while not (out / "bottleneck.hst").exists() and time.time() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    lines = err.strip().splitlines()
    assert proc.returncode == code and len(lines) == 1, err
    assert words in lines[0] and "restart with: crplugin run bottleneck" in lines[0], err
    chk = lines[0].split("--restart ")[1].strip()
    assert io.read_parameters(chk)["time.tlim"] == 1e6


def test_a_failing_analysis_is_one_line_and_keeps_the_run(tmp_path, monkeypatch, capsys):
    # the run has finished and written its outputs when the problem's analysis runs: an
    # exception there (any kind, e.g. a KeyError for a field the run did not write) is one
    # line naming the analysis and where the outputs are, with exit status 1
    from crplugin import cli, problems

    def broken(outdir, params):
        raise KeyError("streaming_heating")

    monkeypatch.setattr(problems.load("bottleneck"), "analyse", broken)
    out = tmp_path / "out"
    code = cli.main(["run", "bottleneck", "mesh.nx=32", "time.tlim=5", "output.progress=false", "-o", str(out)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert len(err) == 1 and "bottleneck analysis failed" in err[0] and "streaming_heating" in err[0], err
    assert any(n.endswith(".h5") for n in os.listdir(out))
