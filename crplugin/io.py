"""Outputs (yt Grid Data Format), checkpoints and the history table.

This is the only module of crplugin that writes HDF5 files.  It never
imports mpi4py or yt: the collective steps go through the simulation's
:class:`crplugin.parallel.Decomposition` (``sim.decomp``).

Outputs
    :func:`write_output` writes the Grid Data Format (GDF) that
    ``yt.load`` reads (frontend ``gdf``): each rank's block is one grid, the
    fields are stored in cgs/Gaussian units with their unit strings, without
    ghost cells, arrays stored ``[k, j, i]`` (z, y, x; x fastest) exactly as
    the solver holds them, which GDF calls ``field_ordering = 1`` (Fortran
    order: yt swaps the axes on reading).  Writing ``[x, y, z]``
    (``field_ordering = 0``) would need a transposed copy of every field and
    made a 128^3 output three times slower.
    The run parameters are stored as attributes (and as JSON) so a run can
    be reproduced from any of its outputs.

Checkpoints
    :func:`write_checkpoint` / :func:`read_checkpoint` keep everything needed
    to continue bit for bit on the same decomposition: the conserved
    variables, face fields, cell-centred field and CRs *with* ghosts, time,
    cycle, the simulation's ``checkpoint_extra()`` dictionary and the run
    loop's own state (output schedule, steady-state detector).  They are
    HDF5 files named ``NAME.NNNNN.chk`` (:func:`checkpoint_path`), so that a
    glob for outputs (``NAME.*.h5``) never picks one up.

Parallel writes
    h5py from PyPI has no parallel HDF5, so the ranks write one after the
    other into one file (rank 0 writes the header, then each rank opens the
    file, adds its block and closes it; an all-reduce between turns both
    orders the turns and tells every rank whether a turn failed).

Atomicity
    Every file is written under a temporary name ``.NAME.tmp-XXXX`` in the
    destination directory and moved to its final name with :func:`os.replace`
    only once every rank's part is complete: a crash leaves the previous file
    (if any) intact and never a partial file under the final name.  A run
    killed while writing leaves its temporary file behind;
    :func:`remove_leftovers` deletes them at the next start in that folder.

Errors
    A missing, unreadable, corrupt or foreign file raises
    :class:`OutputError` (a ``ValueError``) with one clear message; so does a
    file that cannot be written (disk full, read-only folder, a file where a
    folder should be), naming the path and the cause.
"""
import glob
import json
import math
import os
import re
import uuid
import warnings

import h5py
import numpy as np

from crplugin import __version__
from crplugin.units import CodeUnits

__all__ = [
    "OutputError", "write_output", "read_output", "output_info", "read_parameters",
    "write_checkpoint", "read_checkpoint", "checkpoint_info", "checkpoint_path", "output_path",
    "append_history", "read_history", "truncate_history",
    "prepare_folder", "remove_leftovers", "PeerError",
]

FORMAT_VERSION = 1
_BC_CODES = {"periodic": 0, "reflecting": 1, "outflow": 2, "user": 3}


class OutputError(ValueError):
    """A crplugin output, checkpoint or history file cannot be read, written or used."""


class PeerError(OutputError):
    """Raised on the ranks where a collective file operation worked, because it failed on
    another rank; that rank reports the cause (so the message is not printed twice)."""


def output_path(outdir, basename, index):
    """``OUTDIR/NAME.NNNNN.h5``: the yt (GDF) output number ``index``."""
    return os.path.join(outdir, f"{basename}.{index:05d}.h5")


def checkpoint_path(outdir, basename, index):
    """``OUTDIR/NAME.NNNNN.chk``: checkpoint number ``index`` (HDF5 inside, not matched by ``*.h5``)."""
    return os.path.join(outdir, f"{basename}.{index:05d}.chk")


_TMP_GLOB = ".*.tmp-*"


def _cause(exc):
    """The system's reason for an OSError, also when h5py wraps it in HDF5 text."""
    code = getattr(exc, "errno", None)
    if code is None:
        m = re.search(r"errno = (\d+)", str(exc))
        code = int(m.group(1)) if m else None
    if code:
        return os.strerror(code)
    text = str(exc).split("(")[0].strip()
    return text or type(exc).__name__


def _write_error(path, exc):
    return OutputError(f"cannot write {path}: {_cause(exc)}")


def prepare_folder(outdir):
    """Create ``outdir`` if needed and make sure files can be written there.

    Raises :class:`OutputError` with one line naming the path and the cause
    (exists and is not a folder, permission denied, read-only file system,
    no space left).
    """
    outdir = os.fspath(outdir)
    if os.path.exists(outdir) and not os.path.isdir(outdir):
        raise OutputError(f"output folder {outdir}: exists and is not a folder")
    try:
        os.makedirs(outdir, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise OutputError(f"output folder {outdir}: a part of the path is not a folder") from None
    except OSError as exc:
        raise OutputError(f"output folder {outdir}: cannot create it ({_cause(exc)})") from None
    probe = os.path.join(outdir, f".crplugin.tmp-{uuid.uuid4().hex[:12]}")
    try:
        with open(probe, "wb") as fh:
            fh.write(b"\0" * 4096)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        raise OutputError(f"output folder {outdir}: cannot write there ({_cause(exc)})") from None
    finally:
        try:
            os.remove(probe)
        except OSError:
            pass


def remove_leftovers(outdir):
    """Delete the temporary files ``.NAME.tmp-XXXX`` a killed run left in ``outdir``.

    They are never complete files (a finished file is moved to its final
    name).  Returns the names removed; names that cannot be removed are
    returned too, prefixed ``"not removed: "``.
    """
    done = []
    for path in sorted(glob.glob(os.path.join(os.fspath(outdir), _TMP_GLOB))):
        try:
            os.remove(path)
            done.append(os.path.basename(path))
        except FileNotFoundError:
            pass
        except OSError as exc:
            done.append(f"not removed: {os.path.basename(path)} ({_cause(exc)})")
    return done


# ----------------------------------------------------------------------
# collective helpers (no-ops without MPI)

class _SerialDecomp:
    rank, size = 0, 1

    def sum(self, x):
        return x

    def bcast(self, x, root=0):
        return x

    def allgather(self, x):
        return [x]


def _decomp(sim):
    return getattr(sim, "decomp", None) or _SerialDecomp()


def _agree(decomp, fn, what):
    """Run ``fn`` on this rank; if it failed on any rank, raise on every rank (no hang)."""
    error = None
    result = None
    try:
        result = fn()
    except BaseException as exc:  # noqa: BLE001 - re-raised below on this rank
        error = exc
    nbad = decomp.sum(0 if error is None else 1) if decomp.size > 1 else (0 if error is None else 1)
    if error is not None:
        raise error
    if nbad:
        raise PeerError(f"{what} failed on {nbad} other rank(s); see their error messages")
    return result


def _temp_name(path, decomp):
    """A fresh temporary name next to ``path`` (same directory, so os.replace is atomic)."""
    path = os.path.abspath(path)
    d, base = os.path.split(path)
    name = None
    if decomp.rank == 0:
        name = os.path.join(d, f".{base}.tmp-{uuid.uuid4().hex[:12]}")
    return path, decomp.bcast(name) if decomp.size > 1 else name


def _finish(decomp, tmp, path):
    """Make ``tmp`` durable and move it to ``path`` (rank 0), all ranks agreeing it worked."""
    def commit():
        if decomp.rank == 0:
            fd = os.open(tmp, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, path)
    _agree(decomp, _oserror_to_output_error(commit, path), f"moving the finished file to {path}")


def _discard(decomp, tmp):
    if decomp.rank == 0 and tmp is not None:
        try:
            os.remove(tmp)
        except OSError:
            pass


def _oserror_to_output_error(fn, path):
    """Call ``fn()``; an OSError (disk full, read-only, ...) becomes one OutputError line."""
    def call():
        try:
            return fn()
        except OutputError:
            raise
        except OSError as exc:
            raise _write_error(path, exc) from None
    return call


def _rank_ordered(decomp, tmp, path, header, piece):
    """Rank 0 writes ``header(f)`` into a new ``tmp``; then each rank in turn ``piece(f)``; then rename."""
    try:
        def first():
            if decomp.rank == 0:
                with h5py.File(tmp, "w") as f:
                    header(f)
        _agree(decomp, _oserror_to_output_error(first, path), f"writing the header of {path}")
        for r in range(decomp.size):
            def turn():
                if decomp.rank == r:
                    with h5py.File(tmp, "r+") as f:
                        piece(f)
            _agree(decomp, _oserror_to_output_error(turn, path), f"writing rank {r}'s block into {path}")
        _finish(decomp, tmp, path)
    except BaseException:
        _discard(decomp, tmp)
        raise


# ----------------------------------------------------------------------
# attributes

def _plain(value):
    """A JSON-friendly copy of a parameter value (numpy scalars/arrays to Python)."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _attr(value):
    """A value HDF5 can store as an attribute (JSON text for anything else)."""
    value = _plain(value)
    if isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list) and value and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                                  for v in value):
        return np.asarray(value)
    return json.dumps(value)


def _write_parameters(group, params):
    params = dict(params or {})
    for key, value in params.items():
        group.attrs[str(key)] = _attr(value)
    group.attrs["parameters_json"] = json.dumps({str(k): _plain(v) for k, v in params.items()},
                                                default=repr, sort_keys=True)


def _text(value):
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, np.ndarray) and value.shape == ():
        return _text(value[()])
    return str(value)


# ----------------------------------------------------------------------
# reading guard

class _Reader:
    """``with _Reader(path, "output") as f``: open a crplugin file or raise one OutputError."""

    def __init__(self, path, kind):
        self.path = os.fspath(path)
        self.kinds = (kind,) if isinstance(kind, str) else tuple(kind)
        self.kind = " or ".join(self.kinds)

    def __enter__(self):
        if not os.path.exists(self.path):
            raise OutputError(f"{self.path}: no such file")
        try:
            self.f = h5py.File(self.path, "r")
        except OSError as exc:
            raise OutputError(f"{self.path}: not a readable HDF5 file ({exc})") from None
        kind = _text(self.f.attrs.get("crplugin_format", ""))
        if kind not in self.kinds:
            self.f.close()
            what = f"a crplugin {kind}" if kind else "not a crplugin file (no crplugin_format attribute)"
            raise OutputError(f"{self.path}: expected a crplugin {self.kind}, found {what}")
        return self.f

    def __exit__(self, typ, exc, tb):
        self.f.close()
        if exc is not None and not isinstance(exc, OutputError) and isinstance(exc, (KeyError, OSError, ValueError, TypeError)):
            raise OutputError(f"{self.path}: corrupt or incomplete crplugin {self.kind} ({exc})") from None
        return False


# ----------------------------------------------------------------------
# GDF outputs

def _boundary_codes(sim, decomp, grid):
    """GDF boundary codes per face (0 periodic, 1 reflecting, 2 outflow, 3 user).

    An axis with one cell is marked periodic: yt then builds ghost zones
    (gradient fields) of 1D and 2D outputs.
    """
    bnd = getattr(sim, "boundaries", None)
    kinds = getattr(bnd, "kinds", None)
    codes = []
    for axis in range(3):
        for side in ("inner", "outer"):
            if grid.shape[axis] == 1:
                codes.append(0)
            elif isinstance(kinds, dict) and (axis, side) in kinds:
                codes.append(_BC_CODES.get(kinds[(axis, side)], 3))
            else:
                periodic = getattr(decomp, "periodic", (True, True, True))[axis]
                codes.append(0 if periodic else 2)
    return np.asarray(codes, dtype=np.int32)


def _output_fields(sim, block, units):
    """Validated ``name -> (array [k, j, i], factor, cgs unit, kind)``."""
    want = tuple(block.n[a] for a in (2, 1, 0))
    out = {}
    for name, item in sim.output_fields().items():
        try:
            arr, kind = item
        except (TypeError, ValueError):
            raise ValueError(f"output field '{name}': expected (array, kind), got {item!r}") from None
        arr = np.asarray(arr, dtype=np.float64)
        if arr.shape != want:
            raise ValueError(f"output field '{name}' has shape {arr.shape}; the block's active "
                             f"cells are {want} ([k, j, i], no ghosts)")
        factor, unit = units.to_cgs(kind)
        out[str(name)] = (arr, factor, unit, kind)
    return out


def write_output(path, sim):
    """Write a yt-loadable Grid Data Format file of ``sim`` (collective over ranks).

    Each rank's block becomes one grid ``data/grid_<rank>``; each field of
    ``sim.output_fields()`` is converted to cgs (``CodeUnits.to_cgs``) and
    stored ``[k, j, i]`` (``field_ordering = 1``) with its unit string in
    ``field_types/<name>``.
    Domain edges are in code lengths and ``current_time`` in code times,
    with ``dataset_units`` giving the code length, mass and time in cm, g, s.
    ``sim.params`` is stored in ``simulation_parameters`` (yt shows it in
    ``ds.parameters``) and under ``crplugin/parameters``.  Atomic.
    """
    decomp = _decomp(sim)
    block = getattr(sim, "block", None) or decomp.block
    units = getattr(sim, "units", None) or CodeUnits()
    grid = block.grid
    fields = _agree(decomp, lambda: _output_fields(sim, block, units), "checking the output fields")
    names = sorted(fields)
    signature = [(n, fields[n][3]) for n in names]
    sigs = decomp.allgather(signature) if decomp.size > 1 else [signature]
    if any(s != signature for s in sigs):
        raise OutputError("ranks disagree on the output fields: " + "; ".join(map(str, sigs)))
    extents = decomp.block_extents() if hasattr(decomp, "block_extents") else [(block.lo, block.n)]
    params = dict(getattr(sim, "params", {}) or {})
    time, cycle = float(sim.time), int(sim.cycle)
    path, tmp = _temp_name(path, decomp)

    def header(f):
        g = f.create_group("gridded_data_format")
        g.attrs["data_software"] = "crplugin"
        g.attrs["data_software_version"] = __version__
        f.attrs["crplugin_format"] = "output"
        f.attrs["crplugin_format_version"] = FORMAT_VERSION
        f.attrs["time"] = time
        f.attrs["cycle"] = cycle
        sp = f.create_group("simulation_parameters")
        sp.attrs["refine_by"] = 2
        sp.attrs["dimensionality"] = grid.ndim
        sp.attrs["domain_dimensions"] = np.asarray(grid.shape, dtype=np.int64)
        sp.attrs["domain_left_edge"] = np.asarray(grid.left, dtype=np.float64)
        sp.attrs["domain_right_edge"] = np.asarray(grid.right, dtype=np.float64)
        sp.attrs["current_time"] = time
        sp.attrs["cycle"] = cycle
        sp.attrs["unique_identifier"] = uuid.uuid4().hex
        sp.attrs["cosmological_simulation"] = 0
        sp.attrs["num_ghost_zones"] = 0
        sp.attrs["field_ordering"] = 1
        sp.attrs["geometry"] = 0
        sp.attrs["boundary_conditions"] = _boundary_codes(sim, decomp, grid)
        for key, value in params.items():
            sp.attrs[str(key)] = _attr(value)
        du = f.create_group("dataset_units")
        for name, value, unit in (("length_unit", units.length, "cm"), ("mass_unit", units.mass, "g"),
                                  ("time_unit", units.time, "s")):
            du[name] = float(value)
            du[name].attrs["unit"] = unit
        ft = f.create_group("field_types")
        for name in names:
            _, factor, unit, kind = fields[name]
            t = ft.create_group(name)
            t.attrs["field_name"] = name
            t.attrs["field_units"] = np.bytes_(unit)
            t.attrs["staggering"] = 0
            t.attrs["crplugin_kind"] = kind
            t.attrs["crplugin_code_to_cgs"] = float(factor)
        ngrid = len(extents)
        f["grid_left_index"] = np.asarray([lo for lo, _ in extents], dtype=np.int64).reshape(ngrid, 3)
        f["grid_dimensions"] = np.asarray([n for _, n in extents], dtype=np.int64).reshape(ngrid, 3)
        f["grid_level"] = np.zeros(ngrid, dtype=np.int64)
        f["grid_parent_id"] = -np.ones(ngrid, dtype=np.int64)
        f["grid_particle_count"] = np.zeros((ngrid, 1), dtype=np.int64)
        f.create_group("data")
        cr = f.create_group("crplugin")
        cr.attrs["nranks"] = decomp.size
        cr.attrs["dims"] = np.asarray(getattr(decomp, "dims", (1, 1, 1)), dtype=np.int64)
        # the x1 faces [code length]: GDF cells are uniform, a log-spaced x1 is not
        cr.create_dataset("x1_faces", data=grid.x1_faces(0))
        _write_parameters(cr.create_group("parameters"), params)

    def piece(f):
        g = f["data"].create_group("grid_%010d" % decomp.rank)
        for name in names:
            arr, factor, _, _ = fields[name]
            # stored [k, j, i] as in the solver (field_ordering 1: yt swaps x and z on reading)
            g.create_dataset(name, data=arr * factor)

    _rank_ordered(decomp, tmp, path, header, piece)


def read_output(path):
    """Read a crplugin output without yt.

    Returns
    -------
    fields : dict
        ``name -> global array [k, j, i]`` (all grids assembled), cgs units.
    info : dict
        ``units`` (name -> cgs unit string), ``time``, ``cycle``, ``ngrids``,
        ``params`` (the run parameters).
    """
    with _Reader(path, "output") as f:
        shape = tuple(int(v) for v in f["simulation_parameters"].attrs["domain_dimensions"])
        lis, dims = f["grid_left_index"][()], f["grid_dimensions"][()]
        names = list(f["field_types"])
        fields = {n: np.full(shape[::-1], np.nan) for n in names}
        for gid, (lo, n) in enumerate(zip(lis, dims)):
            g = f["data"]["grid_%010d" % gid]
            for name in names:
                fields[name][lo[2]:lo[2] + n[2], lo[1]:lo[1] + n[1], lo[0]:lo[0] + n[0]] = g[name][()]
        info = {
            "units": {n: _text(f["field_types"][n].attrs["field_units"]) for n in names},
            "time": float(f.attrs["time"]), "cycle": int(f.attrs["cycle"]), "ngrids": len(lis),
            "params": json.loads(_text(f["crplugin/parameters"].attrs["parameters_json"])),
        }
    return fields, info


def output_info(path):
    """Metadata of an output without its data: ``units``, ``kinds`` (name -> str), ``time``,
    ``cycle``, ``ngrids``, ``domain_dimensions``, ``params``.  Raises OutputError on a foreign file."""
    with _Reader(path, "output") as f:
        ft = f["field_types"]
        return {
            "units": {n: _text(ft[n].attrs["field_units"]) for n in ft},
            "kinds": {n: _text(ft[n].attrs.get("crplugin_kind", "")) for n in ft},
            "time": float(f.attrs["time"]), "cycle": int(f.attrs["cycle"]),
            "ngrids": int(f["grid_dimensions"].shape[0]),
            "domain_dimensions": tuple(int(v) for v in f["simulation_parameters"].attrs["domain_dimensions"]),
            "params": json.loads(_text(f["crplugin/parameters"].attrs["parameters_json"])),
        }


def checkpoint_info(path):
    """``(time, cycle, params)`` of a checkpoint, without reading its arrays."""
    with _Reader(path, "checkpoint") as f:
        return (float(f.attrs["time"]), int(f.attrs["cycle"]),
                json.loads(_text(f["crplugin/parameters"].attrs["parameters_json"])))


def read_parameters(path, kind=("output", "checkpoint")):
    """The run parameters (flat ``"section.key" -> value`` dict) stored in an output or checkpoint
    (``kind``: the kinds of file accepted)."""
    with _Reader(path, kind) as f:
        return json.loads(_text(f["crplugin/parameters"].attrs["parameters_json"]))


# ----------------------------------------------------------------------
# checkpoints

def _put(group, name, value):
    """Store a checkpoint_extra value so that _get gives back the same type and bits."""
    if isinstance(value, dict):
        sub = group.create_group(name)
        sub.attrs["py_type"] = "dict"
        for k, v in value.items():
            _put(sub, str(k), v)
        return
    if value is None:
        ds = group.create_dataset(name, data=h5py.Empty("f8"))
        ds.attrs["py_type"] = "none"
        return
    if isinstance(value, str):
        ds = group.create_dataset(name, data=value)
        ds.attrs["py_type"] = "str"
        return
    if isinstance(value, (bool, int, float, np.generic)):
        kind = "numpy" if isinstance(value, np.generic) else type(value).__name__
        ds = group.create_dataset(name, data=np.asarray(value))
        ds.attrs["py_type"] = kind
        return
    if isinstance(value, (list, tuple, np.ndarray)):
        arr = np.asarray(value)
        if arr.dtype == object:
            raise ValueError(f"checkpoint extra '{name}': cannot store a ragged/object array")
        ds = group.create_dataset(name, data=arr)
        ds.attrs["py_type"] = "array" if isinstance(value, np.ndarray) else type(value).__name__
        return
    raise ValueError(f"checkpoint extra '{name}': cannot store a {type(value).__name__} "
                     "(use numbers, strings, arrays, lists, None or dicts of those)")


def _get(node):
    kind = _text(node.attrs.get("py_type", "array"))
    if kind == "dict":
        return {k: _get(node[k]) for k in node}
    if kind == "none":
        return None
    data = node[()]
    if kind == "str":
        return _text(data)
    if kind in ("bool", "int", "float"):
        return {"bool": bool, "int": int, "float": float}[kind](data)
    if kind == "numpy":
        return data.dtype.type(data)
    if kind == "list":
        return data.tolist()
    if kind == "tuple":
        return tuple(data.tolist())
    return data


def _state_arrays(state):
    arrays = {"u": state.u}
    if state.bf is not None:
        for a in range(3):
            arrays[f"bf{a}"] = state.bf[a]
        arrays["bcc"] = state.bcc
    if state.cr is not None:
        arrays["cr"] = state.cr
    return arrays


def _layout(decomp, block):
    grid = block.grid
    return {
        "nranks": int(decomp.size),
        "dims": [int(d) for d in getattr(decomp, "dims", (1, 1, 1))],
        "grid_shape": [int(v) for v in grid.shape],
        "grid_left": [float(v) for v in grid.left],
        "grid_right": [float(v) for v in grid.right],
        "nghost": int(block.ng),
    }


def write_checkpoint(path, sim, run_state=None):
    """Write everything needed to continue ``sim`` bit for bit (collective, atomic).

    Per rank (group ``ranks/rank_<rank>``): ``u``, ``bf0..2``, ``bcc``,
    ``cr`` with their ghost cells, ``time``, ``cycle``, the dictionary
    ``sim.checkpoint_extra()`` and this rank's ``run_state`` dictionary (the
    run loop's output schedule and steady-state detector), both made of
    numbers, strings, arrays, lists, None and nested dicts.  The root stores
    the decomposition (ranks, dims, grid, ghost width) that
    :func:`read_checkpoint` requires to match, and the run parameters.
    """
    decomp = _decomp(sim)
    block = getattr(sim, "block", None) or decomp.block
    state = sim.state
    layout = _layout(decomp, block)
    extra_fn = getattr(sim, "checkpoint_extra", None)
    extra = _agree(decomp, lambda: dict(extra_fn() if extra_fn else {}), "collecting checkpoint_extra()")
    params = dict(getattr(sim, "params", {}) or {})
    time, cycle = sim.time, int(sim.cycle)
    path, tmp = _temp_name(path, decomp)

    def header(f):
        f.attrs["crplugin_format"] = "checkpoint"
        f.attrs["crplugin_format_version"] = FORMAT_VERSION
        f.attrs["crplugin_version"] = __version__
        f.attrs["layout"] = json.dumps(layout, sort_keys=True)
        f.attrs["time"] = np.float64(time)
        f.attrs["cycle"] = cycle
        f.attrs["mhd"] = state.bf is not None
        f.attrs["cr"] = state.cr is not None
        f.attrs["nscalars"] = int(getattr(state, "nscalars", 0))
        cr = f.create_group("crplugin")
        _write_parameters(cr.create_group("parameters"), params)
        f.create_group("ranks")

    def piece(f):
        g = f["ranks"].create_group("rank_%06d" % decomp.rank)
        g.attrs["lo"] = np.asarray(block.lo, dtype=np.int64)
        g.attrs["n"] = np.asarray(block.n, dtype=np.int64)
        g.attrs["time"] = np.float64(time)
        g.attrs["cycle"] = cycle
        g.attrs["state_time"] = np.float64(state.time)
        g.attrs["state_cycle"] = int(state.cycle)
        for name, arr in _state_arrays(state).items():
            g.create_dataset(name, data=arr)
        ex = g.create_group("extra")
        ex.attrs["py_type"] = "dict"
        for k, v in extra.items():
            _put(ex, str(k), v)
        if run_state is not None:
            _put(g, "run", dict(run_state))

    _rank_ordered(decomp, tmp, path, header, piece)


def _set(obj, name, value):
    try:
        setattr(obj, name, value)
    except AttributeError:  # a read-only property (e.g. sim.time -> state.time)
        pass


def read_checkpoint(path, sim, with_run_state=False):
    """Restore ``sim`` from a checkpoint written on the same decomposition (collective).

    Arrays are copied into the existing ``sim.state`` arrays (ghosts
    included); ``time`` and ``cycle`` are set on the state (and on ``sim``
    where writable); the stored extra dictionary is given to
    ``sim.restore_extra(d)``.  Raises :class:`OutputError` if the file is not
    a crplugin checkpoint or was written with another number of ranks,
    block layout, grid or ghost width.  Returns the extra dictionary, or
    ``(extra, run_state)`` with ``with_run_state`` (``run_state`` None if the
    checkpoint has none).
    """
    decomp = _decomp(sim)
    block = getattr(sim, "block", None) or decomp.block
    state = sim.state
    mine = _layout(decomp, block)

    def load():
        with _Reader(path, "checkpoint") as f:
            theirs = json.loads(_text(f.attrs["layout"]))
            if theirs != mine:
                diffs = ", ".join(f"{k}: file {theirs.get(k)} vs run {mine[k]}" for k in mine
                                  if theirs.get(k) != mine[k])
                raise OutputError(f"{path}: checkpoint written with a different decomposition or grid "
                                  f"({diffs}); restart with the same grid on {theirs.get('nranks')} "
                                  f"rank(s) and dims {theirs.get('dims')}")
            for flag, present in (("mhd", state.bf is not None), ("cr", state.cr is not None)):
                if bool(f.attrs[flag]) != present:
                    raise OutputError(f"{path}: checkpoint has {flag}={bool(f.attrs[flag])} but the run "
                                      f"has {flag}={present}")
            g = f["ranks"]["rank_%06d" % decomp.rank]
            arrays = _state_arrays(state)
            for name, arr in arrays.items():
                if name not in g or g[name].shape != arr.shape:
                    got = g[name].shape if name in g else "missing"
                    raise OutputError(f"{path}: array '{name}' is {got}, the run expects {arr.shape}")
            for name, arr in arrays.items():
                g[name].read_direct(arr)
            extra = _get(g["extra"])
            run_state = _get(g["run"]) if "run" in g else None
            return (float(g.attrs["state_time"]), int(g.attrs["state_cycle"]),
                    float(g.attrs["time"]), int(g.attrs["cycle"]), extra, run_state)

    st_time, st_cycle, time, cycle, extra, run_state = _agree(decomp, load, f"reading checkpoint {path}")
    state.time, state.cycle = st_time, st_cycle
    _set(sim, "time", time)
    _set(sim, "cycle", cycle)
    restore = getattr(sim, "restore_extra", None)
    if restore is not None:
        restore(extra)
    return (extra, run_state) if with_run_state else extra


# ----------------------------------------------------------------------
# history

def _fmt(value):
    if isinstance(value, (bool, np.bool_)):
        return str(int(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    value = float(value)
    return repr(value) if math.isfinite(value) else str(value)  # repr: shortest exact form


def _read_header(path):
    with open(path) as fh:
        first = fh.readline()
    if not first.startswith("#"):
        raise OutputError(f"{path}: not a crplugin history table (no '# column ...' header line)")
    return first[1:].split()


def append_history(path, row, decomp=None):
    """Append one row (dict of scalars) to the whitespace table ``path``.

    The first write creates the header line ``# name1 name2 ...``; later
    rows must have the same columns (any order).  Only rank 0 writes when a
    ``decomp`` is given.  Floats are written in their shortest exact form,
    so :func:`read_history` gives back the same numbers.
    """
    if decomp is not None and decomp.rank != 0:
        return
    names = [str(k) for k in row]
    for n in names:
        if not n or any(c.isspace() for c in n) or n.startswith("#"):
            raise ValueError(f"history column name {n!r} must be non-empty without whitespace or '#'")
    for k, v in row.items():
        if np.ndim(v) != 0:
            raise ValueError(f"history column '{k}': expected a scalar, got shape {np.shape(v)}")
    new = not os.path.exists(path) or os.path.getsize(path) == 0
    if not new:
        header = _read_header(path)
        if set(header) != set(names):
            missing = [h for h in header if h not in names]
            extra = [n for n in names if n not in header]
            raise ValueError(f"history row does not match the columns of {path}: missing {missing}, "
                             f"unknown {extra}")
        names = header
    try:
        with open(path, "a") as fh:
            if new:
                fh.write("# " + " ".join(names) + "\n")
            fh.write(" ".join(_fmt(row[n]) for n in names) + "\n")
    except OSError as exc:
        raise _write_error(path, exc) from None


def _parse(token):
    try:
        return int(token)
    except ValueError:
        return float(token)


def read_history(path):
    """Read a history table: ``column name -> numpy array`` (int64 for integer columns).

    An incomplete last line (a run killed while writing it) is skipped with
    a warning; any other malformed line raises :class:`OutputError`.
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise OutputError(f"{path}: no such file")
    try:
        with open(path) as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise OutputError(f"{path}: not a readable history table ({exc})") from None
    lines = text.split("\n")
    if not lines[0].startswith("#"):
        raise OutputError(f"{path}: not a crplugin history table (no '# column ...' header line)")
    names = lines[0][1:].split()
    complete = text.endswith("\n")
    rows = []
    body = lines[1:]
    for lineno, line in enumerate(body, start=2):
        if not line.strip() or line.startswith("#"):
            continue
        tokens = line.split()
        last = lineno == len(lines) and not complete
        try:
            if len(tokens) != len(names):
                raise ValueError(f"{len(tokens)} values for {len(names)} columns")
            rows.append([_parse(t) for t in tokens])
        except ValueError as exc:
            if last:
                warnings.warn(f"{path}: skipping the incomplete last line {lineno}", stacklevel=2)
                continue
            raise OutputError(f"{path}, line {lineno}: {exc}") from None
    out = {}
    for c, name in enumerate(names):
        col = [r[c] for r in rows]
        is_int = all(isinstance(v, int) for v in col) and col
        out[name] = np.asarray(col, dtype=np.int64 if is_int else np.float64)
    return out


def truncate_history(path, time, decomp=None, column="time"):
    """Drop the rows with ``column > time`` (after a restart from an earlier checkpoint). Atomic."""
    if decomp is not None and decomp.rank != 0:
        return
    if not os.path.exists(path):
        return
    names = _read_header(path)
    if column not in names:
        raise OutputError(f"{path}: no column '{column}' (columns: {' '.join(names)})")
    c = names.index(column)
    keep = []
    with open(path) as fh:
        for i, line in enumerate(fh):
            tokens = line.split()
            if i == 0 or not tokens or line.startswith("#") or len(tokens) != len(names) \
                    or float(tokens[c]) <= time:
                if i == 0 or (tokens and len(tokens) == len(names)):
                    keep.append(line if line.endswith("\n") else line + "\n")
    d, base = os.path.split(os.path.abspath(path))
    tmp = os.path.join(d, f".{base}.tmp-{uuid.uuid4().hex[:12]}")
    try:
        with open(tmp, "w") as fh:
            fh.writelines(keep)
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.remove(tmp)
        except OSError:
            pass
        raise _write_error(path, exc) from None
