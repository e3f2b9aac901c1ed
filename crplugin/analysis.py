"""Analysis of crplugin outputs with yt: derived CR fields and ready-made plots.

This is the only module of crplugin that imports :mod:`yt`.

:func:`load` opens an output (yt's Grid Data Format, written by
:func:`crplugin.io.write_output`) and adds, in cgs/Gaussian units:

============================  ==============================================  ==================
``("gas", name)``              definition                                      units
============================  ==============================================  ==================
``cr_energy_density``          on-disk :math:`E_c`                             erg cm^-3
``cr_flux_x/y/z``              on-disk :math:`F_c`                             erg cm^-2 s^-1
``cr_flux_magnitude``          :math:`|F_c|`                                   erg cm^-2 s^-1
``cr_pressure``                :math:`P_c = E_c/3` (:math:`\\gamma_c = 4/3`)   dyn cm^-2
``alfven_speed``               :math:`v_A = |B|/\\sqrt{4\\pi\\rho}`             cm s^-1
``plasma_beta``                :math:`\\beta = P_g/(B^2/8\\pi)`                 dimensionless
``cr_to_gas_pressure_ratio``   :math:`P_c/P_g`                                 dimensionless
``cr_to_magnetic_pressure_ratio`` :math:`P_c/(B^2/8\\pi)`                      dimensionless
``streaming_heating``          on disk if written, else (periodic domains)     erg cm^-3 s^-1
                               :math:`H_{st} = |v_A\\cdot\\nabla P_c|` (regularised sign, as the solver)
``pa_heating``, ``cr_work_rate``, ``kappa_par``  on disk (if written)          as stored
============================  ==============================================  ==================

The streaming heating is Zweibel (2021, eq 38) ``H_st = -v_A . grad P_c``
with ``v_A`` along ``B`` pointing down the CR pressure gradient, so
``H_st = |B . grad P_c| / sqrt(4 pi rho)``.  When the solver did not write
it, it is computed here from yt's second-order centred gradient of
``cr_pressure`` (a post-processing estimate: it uses the total gas density,
not the ion density, and no smoothing of the streaming direction; it is zero
where ``P_c`` is flat, as in a bottleneck).  yt's gradient fields need ghost
zones beyond the domain, which yt only builds on periodic axes; for other
domains :func:`streaming_heating_uniform` gives the same estimate (one-sided
differences at the edges) on the uniform grid.

Plots are written with matplotlib's Agg backend (no display needed):
:func:`slice_plot`, :func:`line_profile` (with :func:`line_through` for a
straight line along the local field through a point, e.g. a cloud centre)
and :func:`time_series` of the history table; :func:`quicklook` (behind
``crplugin plot OUTPUT``) picks a sensible default plot for any output.
"""
import numpy as np
import yt
from matplotlib.figure import Figure

from crplugin.io import OutputError, output_info, read_history

__all__ = ["load", "streaming_heating_uniform", "slice_plot", "line_profile", "line_through",
           "time_series", "quicklook"]

# written by the solver but unknown to yt's GDF frontend: aliased to ("gas", name)
_ALIASED = ("cr_energy_density", "cr_flux_x", "cr_flux_y", "cr_flux_z", "streaming_heating",
            "pa_heating", "cr_work_rate", "kappa_par")


def _alias(name):
    def _field(field, data):
        return data["gdf", name]
    return _field


def _cr_pressure(field, data):
    return data["gas", "cr_energy_density"] / 3.0


def _bmag(data):
    return np.sqrt(data["gas", "magnetic_field_x"] ** 2 + data["gas", "magnetic_field_y"] ** 2
                   + data["gas", "magnetic_field_z"] ** 2)


def _alfven_speed(field, data):
    return _bmag(data) / np.sqrt(4.0 * np.pi * data["gas", "density"])


def _magnetic_pressure(data):
    return _bmag(data) ** 2 / (8.0 * np.pi)


def _plasma_beta(field, data):
    return data["gas", "pressure"] / _magnetic_pressure(data)


def _cr_to_gas(field, data):
    return data["gas", "cr_pressure"] / data["gas", "pressure"]


def _cr_to_magnetic(field, data):
    return data["gas", "cr_pressure"] / _magnetic_pressure(data)


def _cr_flux_magnitude(field, data):
    return np.sqrt(data["gas", "cr_flux_x"] ** 2 + data["gas", "cr_flux_y"] ** 2
                   + data["gas", "cr_flux_z"] ** 2)


def _heating_kernel(ds, v_a, pc, bdotg, bmag):
    # the solver's definition (crplugin.kernels.cr_transport.cr_streaming_heating):
    # v_A b.grad P_c tanh(h_c b.grad P_c / P_c), h_c the run's cr.stream_scale
    from crplugin.kernels.cr_transport import cr_streaming_heating_array
    gpar = np.divide(bdotg, bmag, out=np.zeros_like(bdotg), where=bmag > 0)
    h_c = float(ds.parameters.get("cr.stream_scale", 0.0) or 0.0)
    longest = max(w for w, n in zip(ds.domain_width.to("cm"), ds.domain_dimensions) if n > 1)
    h_c = ds.quan(h_c, "code_length").to("cm").d if h_c > 0 else 1.0e3 * float(longest)
    args = [np.ascontiguousarray(a, dtype=float).ravel() for a in np.broadcast_arrays(v_a, h_c, pc, gpar)]
    out = np.empty_like(args[0])
    cr_streaming_heating_array(*args, out)
    return ds.arr(out.reshape(np.shape(bdotg)), "erg/(cm**3*s)")


def _streaming_heating(field, data):
    bdotg = sum(data["gas", f"magnetic_field_{c}"].to("G").d
                * data["gas", f"cr_pressure_gradient_{c}"].to("dyn/cm**3").d for c in "xyz")
    return _heating_kernel(data.ds, data["gas", "alfven_speed"].to("cm/s").d,
                           data["gas", "cr_pressure"].to("dyn/cm**2").d, bdotg, _bmag(data).to("G").d)


def load(path, **kwargs):
    """Load a crplugin output with yt and add the CR fields (see the module docstring).

    Parameters
    ----------
    path : str or path-like
        An output written by :func:`crplugin.io.write_output`.
    **kwargs
        Passed to :func:`yt.load`.

    Returns
    -------
    yt Dataset (GDF frontend); on-disk fields are ``("gdf", name)``, all
    fields above are ``("gas", name)``.  ``ds.parameters`` holds the run
    parameters (``"section.key"``).

    Raises
    ------
    crplugin.io.OutputError
        If ``path`` is missing, unreadable or not a crplugin output.
    """
    info = output_info(path)  # one clear OutputError for foreign files
    ds = yt.load(str(path), **kwargs)
    on_disk = set(info["units"])
    for name in _ALIASED:
        if name in on_disk:
            ds.add_field(("gas", name), function=_alias(name), units=info["units"][name],
                         sampling_type="local", force_override=True)
    have_b = all(f"magnetic_field_{c}" in on_disk for c in "xyz")
    have_rho = "density" in on_disk
    have_pg = "pressure" in on_disk
    have_cr = "cr_energy_density" in on_disk
    if have_b and have_rho:
        ds.add_field(("gas", "alfven_speed"), function=_alfven_speed, units="cm/s",
                     sampling_type="local", force_override=True)
    if have_b and have_pg:
        ds.add_field(("gas", "plasma_beta"), function=_plasma_beta, units="dimensionless",
                     sampling_type="local", force_override=True)
    if have_cr:
        ds.add_field(("gas", "cr_pressure"), function=_cr_pressure, units="dyn/cm**2",
                     sampling_type="local", force_override=True)
        if have_pg:
            ds.add_field(("gas", "cr_to_gas_pressure_ratio"), function=_cr_to_gas,
                         units="dimensionless", sampling_type="local", force_override=True)
        if have_b:
            ds.add_field(("gas", "cr_to_magnetic_pressure_ratio"), function=_cr_to_magnetic,
                         units="dimensionless", sampling_type="local", force_override=True)
        periodic = all(p for p, n in zip(ds.periodicity, ds.domain_dimensions) if n > 1)
        if have_b and have_rho and "streaming_heating" not in on_disk and periodic:
            # yt's ghost zones (hence gradient fields) need a periodic domain;
            # otherwise use streaming_heating_uniform(ds)
            ds.add_gradient_fields(("gas", "cr_pressure"))
            ds.add_field(("gas", "streaming_heating"), function=_streaming_heating,
                         units="erg/(cm**3*s)", sampling_type="cell", force_override=True,
                         validators=[yt.ValidateSpatial(1, [("gas", "cr_pressure")])])
    if all(f"cr_flux_{c}" in on_disk for c in "xyz"):
        ds.add_field(("gas", "cr_flux_magnitude"), function=_cr_flux_magnitude,
                     units="erg/(cm**2*s)", sampling_type="local", force_override=True)
    return ds


def streaming_heating_uniform(ds):
    """Streaming heating ``|B . grad P_c| / sqrt(4 pi rho)`` (regularised sign, as the solver)
    on the uniform grid, any boundaries.

    Computed with :func:`numpy.gradient` (second-order centred inside,
    one-sided at the domain edges) on yt's covering grid of the whole
    domain.  Returns a unyt array in erg cm^-3 s^-1 indexed ``[x, y, z]``.
    Use it when the solver did not write ``streaming_heating`` and the
    domain is not periodic (yt's gradient fields then cannot be used).
    """
    cg = ds.covering_grid(0, ds.domain_left_edge, ds.domain_dimensions)
    pc = cg["gas", "cr_pressure"].to("dyn/cm**2")
    dx = (ds.domain_width / ds.domain_dimensions).to("cm").d
    bdotg = np.zeros(pc.shape)
    for axis, c in enumerate("xyz"):
        if ds.domain_dimensions[axis] > 1:
            grad = np.gradient(pc.d, dx[axis], axis=axis)
            bdotg += cg["gas", f"magnetic_field_{c}"].to("G").d * grad
    return _heating_kernel(ds, cg["gas", "alfven_speed"].to("cm/s").d, pc.d, bdotg,
                           _bmag(cg).to("G").d)


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
_ADDED = ("cr_pressure", "alfven_speed", "plasma_beta", "cr_to_gas_pressure_ratio",
          "cr_to_magnetic_pressure_ratio", "cr_flux_magnitude", "streaming_heating")

# fields of the 1D quick look, in this order, when present
_QUICKLOOK_1D = ("density", "pressure", "velocity_x", "magnetic_field_x", "magnetic_field_y",
                 "cr_pressure", "cr_flux_x")


def quicklook(path, field=None):
    """A quick-look PNG of an output, written next to it; returns its path.

    1D: the main fields (density, pressure, velocity_x, magnetic field,
    CR pressure and flux, those present) against x, one panel each, or only
    ``field``.  2D/3D: a slice through the domain centre normal to z of
    ``field`` (default: ``cr_pressure`` if the run has CRs, else ``density``).

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
        return _quicklook(path, field)
    finally:
        yt_log.setLevel(level)


def _quicklook(path, field):
    import os

    ds = load(path)
    known = sorted({f for t, f in ds.derived_field_list if t == "gas"})
    if field is not None and field not in known:
        ours = [f for f in known if f in output_info(path)["units"] or f in _ADDED]
        raise ValueError(f"{path}: no field '{field}'; fields: {', '.join(ours)} "
                         f"(or any other ('gas', name) field yt derives)")
    stem = os.path.splitext(str(path))[0]
    if ds.dimensionality == 1:
        fields = [field] if field else [f for f in _QUICKLOOK_1D if f in known]
        cg = ds.covering_grid(0, ds.domain_left_edge, ds.domain_dimensions)
        x = cg["index", "x"][:, 0, 0].to("code_length").d
        fig = Figure(figsize=(6.0, 1.8 * len(fields) + 0.8), layout="constrained")
        axes = fig.subplots(len(fields), 1, sharex=True, squeeze=False)[:, 0]
        for ax, f in zip(axes, fields):
            y = cg["gas", f][:, 0, 0]
            ax.plot(x, y.d, lw=1.2)
            ax.set_ylabel(f"{f}\n[{y.units}]", fontsize=8)
            if np.all(y.d > 0) and y.d.max() > 100 * y.d.min():
                ax.set_yscale("log")
        axes[-1].set_xlabel("x [code length]")
        axes[0].set_title(f"{os.path.basename(str(path))}: t = {float(ds.current_time.d):.6g} (code time)",
                          fontsize=9)
        out = f"{stem}_quicklook.png"
        fig.savefig(out, dpi=100)
        return out
    if field is None:
        field = "cr_pressure" if "cr_pressure" in known else "density"
    return slice_plot(ds, field, axis="z", out=f"{stem}_quicklook_{field}.png")
