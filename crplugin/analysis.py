"""Analysis of crplugin outputs with yt: ready-made plots.

This and :mod:`crplugin.yt_frontend` are the only modules of crplugin that
import :mod:`yt`.

An output is recognised by a plain ``yt.load(path)`` (crplugin's yt
frontend, registered through yt's ``yt.frontends`` entry points), which
gives the CR fields with yt's names and cgs/Gaussian units:
``("gas", "cosmic_ray_energy_density")``, ``("gas", "cosmic_ray_pressure")``
(:math:`(\\gamma_c - 1) E_c`), ``("gas", "cosmic_ray_flux_x")``, ...,
``("gas", "alfven_speed")``, ``("gas", "cr_to_gas_pressure_ratio")``,
``("gas", "cr_to_magnetic_pressure_ratio")``, the solver's diagnostics
(``("gas", "streaming_heating")``, ``("gas", "pa_heating")``, ...), and
yt's own (``plasma_beta``, ``magnetic_pressure``, ...); the table is in
:mod:`crplugin.yt_frontend.fields`.  :func:`load` is ``yt.load`` with a
clear error for a file that is not a crplugin output.

When the solver did not write ``streaming_heating``, the frontend derives it
on periodic domains only (yt builds ghost zones only there);
:func:`streaming_heating_uniform` gives the same estimate on any domain
(one-sided differences at the edges) on the uniform grid.

Plots are written with matplotlib's Agg backend (no display needed):
:func:`slice_plot`, :func:`line_profile` (with :func:`line_through` for a
straight line along the local field through a point, e.g. a cloud centre)
and :func:`time_series` of the history table; :func:`quicklook` (behind
``crplugin plot OUTPUT``) picks a sensible default plot for any output.
"""
import numpy as np
import yt
from matplotlib.figure import Figure

from crplugin import yt_frontend
from crplugin.io import OutputError, output_info, read_history

__all__ = ["load", "streaming_heating_uniform", "slice_plot", "line_profile", "line_through",
           "time_series", "quicklook"]


def load(path, **kwargs):
    """Load a crplugin output with yt (crplugin's frontend: the CR fields with yt's names).

    Parameters
    ----------
    path : str or path-like
        An output written by :func:`crplugin.io.write_output`.
    **kwargs
        Passed to :func:`yt.load`.

    Returns
    -------
    :class:`crplugin.yt_frontend.CRPluginDataset`; on-disk fields are
    ``("gdf", name)``, the CR fields ``("gas", name)``.  ``ds.parameters``
    holds the run parameters (``"section.key"``), ``ds.gamma_c`` the CR
    adiabatic index.

    Raises
    ------
    crplugin.io.OutputError
        If ``path`` is missing, unreadable or not a crplugin output.
    """
    output_info(path)  # one clear OutputError for foreign files
    return yt.load(str(path), hint=yt_frontend.CRPluginDataset.__name__, **kwargs)


def streaming_heating_uniform(ds):
    """Streaming heating ``|B . grad P_c| / sqrt(4 pi rho)`` (regularised sign, as the solver)
    on the uniform grid, any boundaries (the frontend's definition, total density).

    Computed with :func:`numpy.gradient` (second-order centred inside,
    one-sided at the domain edges) on yt's covering grid of the whole
    domain.  Returns a unyt array in erg cm^-3 s^-1 indexed ``[x, y, z]``.
    Use it when the solver did not write ``streaming_heating`` and the
    domain is not periodic (yt's gradient fields then cannot be used).
    """
    from crplugin.yt_frontend.fields import stream_scale_cm, streaming_heating_cgs
    cg = ds.covering_grid(0, ds.domain_left_edge, ds.domain_dimensions)
    pc = cg["gas", "cosmic_ray_pressure"].to("dyn/cm**2").d
    dx = (ds.domain_width / ds.domain_dimensions).to("cm").d
    grad = [np.gradient(pc, dx[a], axis=a) if ds.domain_dimensions[a] > 1 else np.zeros(pc.shape)
            for a in range(3)]
    b = [cg["gas", f"magnetic_field_{c}"].to("G").d for c in "xyz"]
    heat = streaming_heating_cgs(b, grad, cg["gas", "density"].to("g/cm**3").d, pc, stream_scale_cm(ds))
    return ds.arr(heat, "erg/(cm**3*s)")


def _field(name):
    return tuple(name) if isinstance(name, (tuple, list)) else ("gas", name)


def _out_name(ds, kind, detail, out):
    return str(out) if out is not None else f"{ds.basename.rsplit('.', 1)[0]}_{kind}_{detail}.png"


def slice_plot(ds, field, axis="z", out=None, center="c", **kwargs):
    """Write a slice of ``field`` normal to ``axis`` through ``center`` as a PNG; return its path.

    ``field`` is a ``("gas", name)`` name or tuple.  Extra keyword arguments
    go to :class:`yt.SlicePlot` (e.g. ``width``).  A 2D run can only be
    sliced along ``z``; a 1D run has no slice (use :func:`line_profile`).
    """
    fld = _field(field)
    if ds.dimensionality < 2:
        raise ValueError("a 1D output has no slice; use line_profile")
    if ds.dimensionality == 2 and axis != "z":
        raise ValueError(f"a 2D output can only be sliced along z, not {axis!r}")
    p = yt.SlicePlot(ds, axis, fld, center=center, **kwargs)
    out = _out_name(ds, "slice", f"{axis}_{fld[1]}", out)
    p.save(out)
    return out


def _domain_point(ds, point):
    """A 3-vector in code lengths: missing trailing coordinates at the domain centre."""
    c = ds.domain_center.to("code_length").d
    if hasattr(point, "to"):
        point = point.to("code_length").d
    p = np.array(point, dtype=float).ravel()
    return np.concatenate([p, c[len(p):]])


def line_through(ds, point, direction="B"):
    """End points of the straight line through ``point`` along ``direction``, clipped to the domain.

    ``direction`` is a 3-vector or ``"B"`` for the magnetic field direction
    in the cell containing ``point`` (a straight line along the local
    field: it follows the field line only where that is straight).
    Returns ``(start, end)`` in code lengths, for :func:`line_profile`.
    """
    p = _domain_point(ds, point)
    if isinstance(direction, str):
        if direction != "B":
            raise ValueError(f"direction must be a 3-vector or 'B', got {direction!r}")
        pt = ds.point(p)
        d = np.array([float(pt["gas", f"magnetic_field_{c}"][0]) for c in "xyz"])
    else:
        d = np.array(direction, dtype=float).ravel()
        d = np.concatenate([d, np.zeros(3 - len(d))])
    active = ds.domain_dimensions > 1
    d[~active] = 0.0
    norm = np.linalg.norm(d)
    if not norm > 0:
        raise ValueError("the line direction is zero (no field at that point?)")
    d /= norm
    le = ds.domain_left_edge.to("code_length").d
    re = ds.domain_right_edge.to("code_length").d
    with np.errstate(divide="ignore", invalid="ignore"):
        t1, t2 = (le - p) / d, (re - p) / d
    tlo = np.where(d != 0, np.minimum(t1, t2), -np.inf).max()
    thi = np.where(d != 0, np.maximum(t1, t2), np.inf).min()
    return p + tlo * d, p + thi * d


def line_profile(ds, fields, start, end, out=None, logy=None):
    """Plot ``fields`` along the straight line from ``start`` to ``end`` (code lengths) into a PNG.

    Uses a yt ray (every cell the segment crosses, ordered by the distance
    along it).  One panel per field, units on the axes.  ``logy``: True,
    False, or None to use a log axis for strictly positive data.
    Returns ``(path, profile)`` with ``profile`` a dict of unyt arrays,
    ``"distance"`` (cm) and each field.
    """
    fields = [fields] if isinstance(fields, str) or (isinstance(fields, tuple) and len(fields) == 2
                                                     and all(isinstance(f, str) for f in fields)
                                                     and fields[0] in ("gas", "gdf", "index")) \
        else list(fields)
    flds = [_field(f) for f in fields]
    a, b = _domain_point(ds, start), _domain_point(ds, end)
    if not np.linalg.norm(b - a) > 0:
        raise ValueError("line_profile needs start != end")
    ray = ds.ray(a, b)
    order = np.argsort(ray["t"])
    length = ds.quan(np.linalg.norm(b - a), "code_length").to("cm")
    profile = {"distance": (ray["t"][order] * length).to("cm")}
    for f in flds:
        profile[f[1]] = ray[f][order]
    fig = Figure(figsize=(6.0, 2.2 * len(flds) + 0.6), layout="constrained")
    axes = fig.subplots(len(flds), 1, sharex=True, squeeze=False)[:, 0]
    dist = profile["distance"].to("pc")
    for ax, f in zip(axes, flds):
        y = profile[f[1]]
        ax.plot(dist.d, y.d, marker=".", lw=1)
        ax.set_ylabel(f"{f[1]}\n[{y.units}]")
        positive = bool(np.all(y.d > 0))
        if logy or (logy is None and positive and y.d.max() > 100 * y.d.min()):
            ax.set_yscale("log")
    axes[-1].set_xlabel("distance along the line [pc]")
    out = _out_name(ds, "line", "_".join(f[1] for f in flds), out)
    fig.savefig(out, dpi=100)
    return out, profile


def time_series(history_path, columns, out=None, x="time", logy=None):
    """Plot history ``columns`` against ``x`` (default ``time``) into a PNG; return its path.

    ``history_path`` is a table written by :func:`crplugin.io.append_history`.
    """
    hist = read_history(history_path)
    columns = [columns] if isinstance(columns, str) else list(columns)
    for c in [x] + columns:
        if c not in hist:
            raise OutputError(f"{history_path}: no column '{c}' (columns: {', '.join(hist)})")
    fig = Figure(figsize=(6.0, 2.2 * len(columns) + 0.6), layout="constrained")
    axes = fig.subplots(len(columns), 1, sharex=True, squeeze=False)[:, 0]
    for ax, c in zip(axes, columns):
        y = hist[c]
        ax.plot(hist[x], y, lw=1)
        ax.set_ylabel(c)
        if logy or (logy is None and len(y) and np.all(y > 0) and y.max() > 100 * y.min()):
            ax.set_yscale("log")
    axes[-1].set_xlabel(x)
    if out is None:
        out = f"{str(history_path).rsplit('.', 1)[0]}_{'_'.join(columns)}.png"
    fig.savefig(str(out), dpi=100)
    return str(out)


# fields load() adds beyond the on-disk ones
_ADDED = ("cosmic_ray_energy_density", "cosmic_ray_pressure", "cosmic_ray_flux_x", "cosmic_ray_flux_y",
          "cosmic_ray_flux_z", "cosmic_ray_flux_magnitude", "alfven_speed", "plasma_beta",
          "cr_to_gas_pressure_ratio", "cr_to_magnetic_pressure_ratio", "streaming_heating")

# fields of the 1D quick look, in this order, when present
_QUICKLOOK_1D = ("density", "pressure", "velocity_x", "magnetic_field_x", "magnetic_field_y",
                 "cosmic_ray_pressure", "cosmic_ray_flux_x")


def quicklook(path, field=None, png=None):
    """A quick-look PNG of an output, written to ``png`` (default: next to the output); returns its path.

    1D: the main fields (density, pressure, velocity_x, magnetic field,
    CR pressure and flux, those present) against x, one panel each, or only
    ``field``.  2D/3D: a slice through the domain centre normal to z of
    ``field`` (default: ``cosmic_ray_pressure`` if the run has CRs, else ``density``).
    ``field`` is any field on disk (``("gdf", name)``) or any ``("gas", name)``
    field yt derives.

    Raises
    ------
    crplugin.io.OutputError
        If ``path`` is not a crplugin output.
    ValueError
        If ``field`` is not a field of this output (the message lists them).
    """
    import logging

    yt_log = logging.getLogger("yt")
    level = yt_log.level
    yt_log.setLevel(logging.WARNING)  # a command-line tool: no yt INFO lines around "wrote ..."
    try:
        return _quicklook(path, field, png)
    finally:
        yt_log.setLevel(level)


def _quicklook(path, field, png):
    import os

    ds = load(path)
    known = sorted({f for t, f in ds.derived_field_list if t == "gas"})
    on_disk = sorted(output_info(path)["units"])
    if field is not None and field not in known and field not in on_disk:
        ours = sorted(set(on_disk) | {f for f in known if f in _ADDED})
        raise ValueError(f"{path}: no field '{field}'; fields: {', '.join(ours)} "
                         f"(or any other ('gas', name) field yt derives)")

    def key(f):  # yt's ("gas", name) where it exists, else the raw on-disk ("gdf", name)
        return ("gas", f) if f in known else ("gdf", f)
    stem = os.path.splitext(str(path))[0]
    if ds.dimensionality == 1:
        fields = [field] if field else [f for f in _QUICKLOOK_1D if f in known]
        cg = ds.covering_grid(0, ds.domain_left_edge, ds.domain_dimensions)
        x = cg["index", "x"][:, 0, 0].to("code_length").d
        fig = Figure(figsize=(6.0, 1.8 * len(fields) + 0.8), layout="constrained")
        axes = fig.subplots(len(fields), 1, sharex=True, squeeze=False)[:, 0]
        for ax, f in zip(axes, fields):
            y = cg[key(f)][:, 0, 0]
            ax.plot(x, y.d, lw=1.2)
            ax.set_ylabel(f"{f}\n[{y.units}]", fontsize=8)
            if np.all(y.d > 0) and y.d.max() > 100 * y.d.min():
                ax.set_yscale("log")
        axes[-1].set_xlabel("x [code length]")
        axes[0].set_title(f"{os.path.basename(str(path))}: t = {float(ds.current_time.d):.6g} (code time)",
                          fontsize=9)
        out = png or f"{stem}_quicklook.png"
        fig.savefig(out, dpi=100)
        return out
    if field is None:
        field = "cosmic_ray_pressure" if "cosmic_ray_pressure" in known else "density"
    return slice_plot(ds, key(field), axis="z", out=png or f"{stem}_quicklook_{field}.png")
