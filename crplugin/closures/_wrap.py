"""Turn a compiled array driver into a public closure.

Every public closure takes floats, numpy arrays or unyt arrays (cgs,
Gaussian units), broadcasts them like numpy, validates them, calls the
compiled ``<name>_array`` driver once on contiguous float64 buffers and gives
back a float (scalar inputs), an ndarray, or a unyt array when any input
carried units.

Usage (see ``alfvenic.py``)::

    @closure(_k.alfven_speed_array, units="cm/s",
             B=Arg("G"), rho_ion=Arg("g/cm**3", positive=True))
    def alfven_speed(B, rho_ion):
        '''numpydoc docstring'''
"""
import functools
import inspect
from dataclasses import dataclass

import numpy as np

try:  # unyt is a dependency, but keep the numpy path alive without it
    import unyt
except ImportError:  # pragma: no cover
    unyt = None


@dataclass(frozen=True)
class Arg:
    """How one argument of a closure is checked.

    units : the cgs unit a unyt input is converted to ("" for dimensionless).
    positive : the value must be > 0.
    nonnegative : the value must be >= 0.
    bounds : inclusive (low, high) interval, e.g. (-1, 1) for a pitch-angle cosine.
    """

    units: str = ""
    positive: bool = False
    nonnegative: bool = False
    bounds: tuple | None = None


def _as_float_array(name, value, spec):
    """Strip units (converting to ``spec.units``) and return (float64 array, had_units)."""
    had_units = False
    if unyt is not None and isinstance(value, unyt.unyt_array):
        had_units = True
        try:
            value = value.to_value(spec.units or "dimensionless")
        except Exception as exc:  # unyt raises several kinds of conversion errors
            raise ValueError(
                f"argument '{name}' has units '{value.units}', which cannot be "
                f"converted to '{spec.units or 'dimensionless'}'") from exc
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"argument '{name}' must be a real number or array, got {value!r}") from exc
    return arr, had_units


def validate(name, arr, spec):
    """Raise ValueError naming ``name`` if ``arr`` violates ``spec``."""
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"argument '{name}' contains NaN or infinite values")
    if spec.positive and not np.all(arr > 0):
        raise ValueError(f"argument '{name}' must be positive (min is {arr.min():g})")
    if spec.nonnegative and not np.all(arr >= 0):
        raise ValueError(f"argument '{name}' must be non-negative (min is {arr.min():g})")
    if spec.bounds is not None:
        lo, hi = spec.bounds
        if not np.all((arr >= lo) & (arr <= hi)):
            raise ValueError(f"argument '{name}' must lie in [{lo:g}, {hi:g}]")


def prepare(specs, values):
    """Validate and broadcast named inputs.

    Returns (list of contiguous 1-D float64 arrays, broadcast shape, had_units).
    """
    arrays, any_units = [], False
    for name, value in values.items():
        arr, had_units = _as_float_array(name, value, specs[name])
        validate(name, arr, specs[name])
        arrays.append(arr)
        any_units |= had_units
    try:
        shape = np.broadcast_shapes(*(a.shape for a in arrays))
    except ValueError:
        shapes = ", ".join(f"{n}{a.shape}" for n, a in zip(values, arrays))
        raise ValueError(f"arguments have shapes that do not broadcast together: {shapes}") from None
    flat = [np.ascontiguousarray(np.broadcast_to(a, shape), dtype=np.float64).ravel() for a in arrays]
    return flat, shape, any_units


def finish(out, shape, had_units, units):
    """Give the flat result back its shape, a float for scalars, and units if asked."""
    out = out.reshape(shape)
    if had_units and unyt is not None:
        return unyt.unyt_array(out, units or "dimensionless") if shape else unyt.unyt_quantity(float(out), units or "dimensionless")
    return float(out) if shape == () else out


def closure(driver, units="", **specs):
    """Decorator: build the public closure around the compiled ``driver``.

    The decorated function's body is not run: its signature (with defaults)
    and docstring define the public interface; ``specs`` maps each argument
    to its :class:`Arg`.  The result has ``units`` (cgs).  Every closure also
    accepts ``out=`` (a float64 C-contiguous array of the broadcast shape).
    """
    def decorate(func):
        sig = inspect.signature(func)
        missing = set(sig.parameters) - set(specs)
        if missing:
            raise TypeError(f"{func.__name__}: no Arg for {sorted(missing)}")

        @functools.wraps(func)
        def wrapper(*args, out=None, **kwargs):
            bound = sig.bind(*args, **kwargs)
            bound.apply_defaults()
            flat, shape, had_units = prepare(specs, bound.arguments)
            if out is None:
                result = np.empty(int(np.prod(shape, dtype=np.int64)), dtype=np.float64)
            else:
                if out.shape != shape or out.dtype != np.float64 or not out.flags.c_contiguous:
                    raise ValueError(f"argument 'out' must be a C-contiguous float64 array of shape {shape}")
                result = out.reshape(-1)
            driver(*flat, result)
            return finish(result, shape, had_units, units) if out is None else out

        wrapper.units = units
        wrapper.args = dict(specs)
        wrapper.driver = driver
        return wrapper

    return decorate
