"""crplugin.io: GDF outputs read by yt, atomic writes, checkpoints, history, clear errors."""
import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import h5py
import numpy as np
import pytest
import yt

from crplugin import io
from crplugin.io import OutputError

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS))
from helpers.fake_sim import HALO_UNITS, FakeSim  # noqa: E402

yt.set_log_level(40)

# cgs value of one code unit of each kind, written out independently of CodeUnits
L, M, T = HALO_UNITS.length, HALO_UNITS.mass, HALO_UNITS.time
EXPECTED_CGS = {
    "density": (M / L**3, "g/cm**3"),
    "velocity": (L / T, "cm/s"),
    "pressure": (M / (L * T**2), "dyn/cm**2"),
    "energy_density": (M / (L * T**2), "erg/cm**3"),
    # B^2/2 is the code magnetic pressure: B_G^2/(8 pi) = p_unit B_code^2/2
    "magnetic_field": (math.sqrt(4.0 * math.pi * M / (L * T**2)), "G"),
    "flux": (M / T**3, "erg/(cm**2*s)"),
    "energy_rate_density": (M / (L * T**3), "erg/(cm**3*s)"),
    "diffusivity": (L**2 / T, "cm**2/s"),
}


@pytest.mark.parametrize("shape", [(16,), (8, 6), (8, 6, 4)])
def test_gdf_loads_in_yt_with_cgs_values(tmp_path, shape):
    sim = FakeSim(shape=shape)
    path = tmp_path / "out.h5"
    io.write_output(path, sim)
    ds = yt.load(str(path))
    assert ds.index.num_grids == 1
    full = tuple(shape) + (1,) * (3 - len(shape))
    assert tuple(ds.domain_dimensions) == full
    # geometry in code lengths (pc here) and time in code times (Myr)
    np.testing.assert_allclose(ds.domain_left_edge.to("cm").d, np.array(sim.grid.left) * L, rtol=1e-14)
    np.testing.assert_allclose(ds.domain_right_edge.to("cm").d, np.array(sim.grid.right) * L, rtol=1e-14)
    assert ds.current_time.to("s").d == pytest.approx(sim.time * T, rel=1e-14)
    cg = ds.covering_grid(0, ds.domain_left_edge, ds.domain_dimensions)
    for name, (arr, kind) in sim.output_fields().items():
        factor, unit = EXPECTED_CGS[kind]
        got = cg["gdf", name]
        assert got.units == yt.units.Unit(unit), name
        # yt gives [x, y, z]; the simulation's arrays are [k, j, i]
        np.testing.assert_allclose(got.d, arr.T * factor, rtol=1e-15, atol=0, err_msg=name)
    # physical fields under yt's standard names too
    np.testing.assert_allclose(cg["gas", "density"].to("g/cm**3").d,
                               sim.output_fields()["density"][0].T * EXPECTED_CGS["density"][0], rtol=1e-15)
    # the parameters of the run, for reproducibility
    assert ds.parameters["problem.name"] == "fake"
    assert io.read_parameters(path) == sim.params
    info = io.output_info(path)
    assert info["cycle"] == sim.cycle and info["time"] == sim.time


def test_read_output_without_yt(tmp_path):
    sim = FakeSim(shape=(8, 6, 4))
    io.write_output(tmp_path / "o.h5", sim)
    fields, info = io.read_output(tmp_path / "o.h5")
    for name, (arr, kind) in sim.output_fields().items():
        np.testing.assert_allclose(fields[name], arr * EXPECTED_CGS[kind][0], rtol=1e-15)
        assert info["units"][name] == EXPECTED_CGS[kind][1]


def test_output_field_shape_checked(tmp_path):
    sim = FakeSim(shape=(8, 6))
    good = sim.output_fields
    sim.output_fields = lambda: {**good(), "density": (np.ones((6, 8)), "density")}
    with pytest.raises(ValueError, match="'density'"):
        io.write_output(tmp_path / "o.h5", sim)
    assert not os.listdir(tmp_path)


class Crash(RuntimeError):
    pass


def _crash_after(monkeypatch, ncalls):
    """Make the ncalls-th h5py dataset creation raise (a failure in the middle of a write)."""
    real = h5py.Group.create_dataset
    count = {"n": 0}

    def create_dataset(self, *args, **kwargs):
        count["n"] += 1
        if count["n"] >= ncalls:
            raise Crash("disk full")
        return real(self, *args, **kwargs)
    monkeypatch.setattr(h5py.Group, "create_dataset", create_dataset)


@pytest.mark.parametrize("writer", ["output", "checkpoint"])
def test_failed_write_keeps_previous_file(tmp_path, monkeypatch, writer):
    write = io.write_output if writer == "output" else io.write_checkpoint
    path = tmp_path / f"{writer}.h5"
    old = FakeSim(shape=(8, 6), time=1.0, cycle=10)
    write(path, old)
    before = path.read_bytes()
    new = FakeSim(shape=(8, 6), time=2.0, cycle=20, seed=3)
    with monkeypatch.context() as m:
        _crash_after(m, 9)  # after the header, inside the block's fields
        with pytest.raises(Crash):
            write(path, new)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == [path.name]  # the temporary file was removed
    if writer == "output":
        assert yt.load(str(path)).current_time.to("s").d == pytest.approx(1.0 * T)
    # a first write that fails leaves nothing under the final name
    fresh = tmp_path / f"fresh_{writer}.h5"
    with monkeypatch.context() as m:
        _crash_after(m, 3)
        with pytest.raises(Crash):
            write(fresh, new)
    assert not fresh.exists()


def test_killed_writer_never_leaves_a_partial_final_file(tmp_path):
    """A process killed mid-write (no cleanup at all) leaves only a temporary file."""
    path = tmp_path / "out.h5"
    io.write_output(path, FakeSim(shape=(8, 6), time=1.0))
    before = path.read_bytes()
    script = textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {str(TESTS)!r})
        import h5py
        from crplugin import io
        from helpers.fake_sim import FakeSim
        real = h5py.Group.create_dataset
        n = [0]
        def create_dataset(self, *a, **k):
            n[0] += 1
            if n[0] == 9:
                os._exit(3)  # like a SIGKILL: no exception handling, no cleanup
            return real(self, *a, **k)
        h5py.Group.create_dataset = create_dataset
        io.write_output({str(path)!r}, FakeSim(shape=(8, 6), time=2.0))
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 3, proc.stderr
    assert path.read_bytes() == before
    leftovers = [p for p in os.listdir(tmp_path) if p != path.name]
    assert len(leftovers) == 1 and leftovers[0].startswith(".out.h5.tmp-")


def test_checkpoint_round_trip_bit_identical(tmp_path):
    sim = FakeSim(shape=(8, 6, 4), time=0.1 + 0.2, cycle=123)
    path = tmp_path / "chk.h5"
    io.write_checkpoint(path, sim)
    other = FakeSim(shape=(8, 6, 4), seed=99, time=0.0, cycle=0)
    assert not np.array_equal(other.state.u, sim.state.u)
    extra = io.read_checkpoint(path, other)
    a, b = sim.state, other.state
    assert a.u.tobytes() == b.u.tobytes()
    assert a.cr.tobytes() == b.cr.tobytes()
    assert a.bcc.tobytes() == b.bcc.tobytes()
    for fa, fb in zip(a.bf, b.bf):
        assert fa.tobytes() == fb.tobytes()
    assert b.time == 0.1 + 0.2 and b.cycle == 123  # 0.30000000000000004 exactly
    assert other.restored is extra
    want = sim.extra
    assert extra["dt_last"] == want["dt_last"] and type(extra["dt_last"]) is float
    assert extra["seed"] == want["seed"] and type(extra["seed"]) is int
    assert extra["rng_state"].tobytes() == want["rng_state"].tobytes()
    assert extra["label"] == "run-α" and extra["nothing"] is None
    assert extra["cooling"] == {"table_size": 64, "t_min": 1.0e4}


def test_checkpoint_refuses_other_layout(tmp_path):
    sim = FakeSim(shape=(8, 6, 4))
    path = tmp_path / "chk.h5"
    io.write_checkpoint(path, sim)
    with pytest.raises(OutputError, match="grid_shape"):
        io.read_checkpoint(path, FakeSim(shape=(8, 6, 2)))
    # the same file as if written on 2 ranks split along x
    with h5py.File(path, "r+") as f:
        f.attrs["layout"] = f.attrs["layout"].replace('"nranks": 1', '"nranks": 2').replace(
            '"dims": [1, 1, 1]', '"dims": [2, 1, 1]')
    with pytest.raises(OutputError, match=r"2 rank\(s\) and dims \[2, 1, 1\]"):
        io.read_checkpoint(path, sim)
    with pytest.raises(OutputError, match="cr=True"):
        nocr = FakeSim(shape=(8, 6, 4), cr=False)
        path2 = tmp_path / "chk2.h5"
        io.write_checkpoint(path2, sim)
        io.read_checkpoint(path2, nocr)


def test_history_round_trip(tmp_path):
    path = tmp_path / "hist.dat"
    rows = [{"time": 0.0, "cycle": 0, "mass": 1.0 / 3.0, "ecr": 1e-300, "flag": True},
            {"time": 0.1, "cycle": 7, "mass": math.pi, "ecr": -2.5e300, "flag": False},
            {"cycle": 9, "time": 0.30000000000000004, "mass": float("nan"), "ecr": 5e-324, "flag": 1}]
    for r in rows:
        io.append_history(path, r)
    assert path.read_text().splitlines()[0] == "# time cycle mass ecr flag"
    h = io.read_history(path)
    assert list(h) == ["time", "cycle", "mass", "ecr", "flag"]
    assert h["cycle"].dtype == np.int64 and h["cycle"].tolist() == [0, 7, 9]
    for name in ("time", "mass", "ecr"):
        want = np.array([r[name] for r in rows], dtype=float)
        assert np.array_equal(h[name], want, equal_nan=True), name
    with pytest.raises(ValueError, match=r"missing \['flag'\], unknown \['extra'\]"):
        io.append_history(path, {"time": 1.0, "cycle": 1, "mass": 1.0, "ecr": 1.0, "extra": 2})
    # a run killed in the middle of a line: the partial last line is skipped
    with open(path, "a") as fh:
        fh.write("0.4 11 1.")
    with pytest.warns(UserWarning, match="incomplete last line"):
        assert io.read_history(path)["cycle"].tolist() == [0, 7, 9]
    # restart from an earlier checkpoint: later rows are dropped
    io.truncate_history(path, 0.1)
    assert io.read_history(path)["time"].tolist() == [0.0, 0.1]


def test_clear_errors_on_foreign_or_corrupt_files(tmp_path):
    sim = FakeSim(shape=(8, 6))
    out, chk = tmp_path / "out.h5", tmp_path / "chk.h5"
    io.write_output(out, sim)
    io.write_checkpoint(chk, sim)
    junk = tmp_path / "junk.h5"
    junk.write_bytes(b"this is not HDF5" * 100)
    foreign = tmp_path / "foreign.h5"
    with h5py.File(foreign, "w") as f:
        f["x"] = np.arange(3)
    truncated = tmp_path / "truncated.h5"
    truncated.write_bytes(out.read_bytes()[: out.stat().st_size // 2])
    cases = [
        (lambda: io.read_output(tmp_path / "missing.h5"), "no such file"),
        (lambda: io.read_output(junk), "not a readable HDF5 file"),
        (lambda: io.read_output(truncated), "not a readable HDF5 file|corrupt"),
        (lambda: io.read_output(foreign), "not a crplugin file"),
        (lambda: io.output_info(chk), "expected a crplugin output, found a crplugin checkpoint"),
        (lambda: io.read_checkpoint(out, sim), "expected a crplugin checkpoint, found a crplugin output"),
        (lambda: io.read_checkpoint(junk, sim), "not a readable HDF5 file"),
        (lambda: io.read_parameters(foreign), "not a crplugin file"),
        (lambda: io.read_history(junk), "not a crplugin history table"),
        (lambda: io.read_history(tmp_path / "missing.dat"), "no such file"),
    ]
    for fn, message in cases:
        with pytest.raises(OutputError, match=message):
            fn()
    assert issubclass(OutputError, ValueError)
    # a checkpoint whose block data is missing
    with h5py.File(chk, "r+") as f:
        del f["ranks/rank_000000/u"]
    with pytest.raises(OutputError, match="'u' is missing"):
        io.read_checkpoint(chk, sim)


def test_checkpoint_keeps_the_run_state(tmp_path):
    """The run loop's state (schedule, steady-state snapshot) comes back with its types and bits."""
    sim = FakeSim(shape=(8, 6))
    snap = np.random.default_rng(1).random((5, 6, 8))
    state = {"schedule": {"n_out": 7, "n_chk": 2, "next_hist": -1.0, "next_chk": 0.1 + 0.2},
             "steady": {"last_time": 1.5, "rate": math.inf, "snapshot": {"0": snap}}}
    path = tmp_path / "run.00002.chk"
    io.write_checkpoint(path, sim, run_state=state)
    _, got = io.read_checkpoint(path, FakeSim(shape=(8, 6), seed=5), with_run_state=True)
    assert got["schedule"] == state["schedule"] and type(got["schedule"]["n_out"]) is int
    assert got["steady"]["rate"] == math.inf
    assert got["steady"]["snapshot"]["0"].tobytes() == snap.tobytes()
    assert io.checkpoint_info(path)[:2] == (sim.time, sim.cycle)
    # an output is not a checkpoint, and a checkpoint is not an output
    io.write_output(tmp_path / "run.00000.h5", sim)
    with pytest.raises(OutputError, match="expected a crplugin checkpoint"):
        io.checkpoint_info(tmp_path / "run.00000.h5")
    with pytest.raises(OutputError, match="expected a crplugin output"):
        io.output_info(path)


def test_checkpoints_are_not_matched_by_an_output_glob(tmp_path):
    import glob
    assert io.checkpoint_path(tmp_path, "halo", 3) == str(tmp_path / "halo.00003.chk")
    assert io.output_path(tmp_path, "halo", 3) == str(tmp_path / "halo.00003.h5")
    sim = FakeSim(shape=(8, 6))
    io.write_output(io.output_path(tmp_path, "halo", 3), sim)
    io.write_checkpoint(io.checkpoint_path(tmp_path, "halo", 3), sim)
    assert glob.glob(str(tmp_path / "halo.*.h5")) == glob.glob(str(tmp_path / "*.h5")) == \
        [io.output_path(tmp_path, "halo", 3)]


def test_prepare_folder_one_line_causes(tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("x")
    with pytest.raises(OutputError, match=r"afile: exists and is not a folder"):
        io.prepare_folder(afile)
    with pytest.raises(OutputError, match=r"afile/sub: a part of the path is not a folder"):
        io.prepare_folder(afile / "sub")
    io.prepare_folder(tmp_path / "new" / "deep")
    assert os.listdir(tmp_path / "new" / "deep") == []  # the probe file is gone
    if os.path.exists("/dev/full"):  # a disk that is always full
        with pytest.raises(OutputError, match="No space left on device"):
            io.append_history("/dev/full", {"time": 0.0})


def test_write_errors_name_the_path_and_the_cause(tmp_path, monkeypatch):
    """An OSError inside h5py (disk full mid-write) becomes one line: path and the system's reason."""
    def full(self, *a, **k):
        raise OSError("Can't write data (file write failed: time = Sun Nov 29, filename = 'x', "
                      "file descriptor = 5, errno = 28, error message = 'No space left on device', "
                      "buf = 0x1, total write size = 8, bytes this sub-write = 8, offset = 0)")
    monkeypatch.setattr(h5py.Group, "create_dataset", full)
    path = tmp_path / "out.00001.h5"
    with pytest.raises(OutputError) as err:
        io.write_output(path, FakeSim(shape=(8, 6)))
    assert str(err.value) == f"cannot write {path}: No space left on device"
    assert os.listdir(tmp_path) == []


def test_leftover_temporary_files_are_removed(tmp_path):
    (tmp_path / ".run.00003.h5.tmp-0123456789ab").write_bytes(b"partial")
    (tmp_path / ".run.00001.chk.tmp-ba9876543210").write_bytes(b"partial")
    (tmp_path / "run.00002.h5").write_bytes(b"kept")
    assert io.remove_leftovers(tmp_path) == [".run.00001.chk.tmp-ba9876543210", ".run.00003.h5.tmp-0123456789ab"]
    assert os.listdir(tmp_path) == ["run.00002.h5"]
    assert io.remove_leftovers(tmp_path) == []
