"""Run parameters: one source of truth, typos are errors.

Parameters live in sections (``mesh``, ``time``, ``mhd``, ``cr``, ``units``,
``output``, ``problem``, and one section per source term).  Every valid key has
a default, a type and a one-line description in a ``Section``; values come from
the defaults, then the problem's input file (TOML), then ``section.key=value``
overrides from the command line.  An unknown section or key is an error that
lists the valid ones; a value of the wrong type is an error naming the key.
The fully resolved parameters are stored in every output.
"""
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass


class ParameterError(ValueError):
    """A parameter is unknown, of the wrong type or out of range."""


@dataclass(frozen=True)
class Param:
    """One parameter: default (which also fixes its type), a one-line doc and its range.

    ``positive``: value > 0; ``minimum``: value >= minimum.  A float is
    refused if it is not finite, unless the default itself is (e.g. an
    infinite ``time.dt_max`` meaning "no limit"); NaN is always refused.
    """
    default: object
    doc: str
    choices: tuple = None
    positive: bool = False
    minimum: float = None


def _coerce(key, value, default):
    """Convert ``value`` (str from the command line, or TOML value) to the type of ``default``."""
    kind = type(default)
    try:
        if kind is bool:
            if isinstance(value, str):
                low = value.strip().lower()
                if low in ("true", "yes", "1", "on"):
                    return True
                if low in ("false", "no", "0", "off"):
                    return False
                raise ValueError
            return bool(value)
        if kind is int:
            # an integer must be written as one: 64.5 (and 64.0, 1e3, true) are refused, not truncated
            if isinstance(value, bool) or isinstance(value, float):
                raise ValueError
            return int(value.strip()) if isinstance(value, str) else int(value)
        if kind is float:
            if isinstance(value, bool):
                raise ValueError
            return float(value)
        if kind is str:
            return str(value)
        if kind in (list, tuple):
            if isinstance(value, str):
                value = [v for v in value.split(",") if v.strip()]
            return list(value)
    except (TypeError, ValueError):
        pass
    else:
        return value
    raise ParameterError(f"parameter '{key}' expects {_KIND_NAMES.get(kind, 'a ' + kind.__name__)}, "
                         f"got {value!r}")


_KIND_NAMES = {int: "an integer", float: "a number", bool: "true or false", str: "a string",
               list: "a comma-separated list", tuple: "a comma-separated list"}


class Parameters(Mapping):
    """Resolved parameters, a read-only mapping ``"section.key" -> value``:
    ``params["mesh.nx"]`` or ``params.section("mesh")``; change them with :meth:`set`."""

    def __init__(self, schema):
        # schema: {section: {key: Param}}
        self.schema = schema
        self.values = {f"{s}.{k}": p.default for s, keys in schema.items() for k, p in keys.items()}

    # -- lookup -------------------------------------------------------------
    def __getitem__(self, key):
        if key not in self.values:
            raise ParameterError(self._unknown(key))
        return self.values[key]

    def __contains__(self, key):
        return key in self.values

    def __iter__(self):
        return iter(self.values)

    def __len__(self):
        return len(self.values)

    def section(self, name):
        """Dict of the keys of one section (without the section prefix)."""
        if name not in self.schema:
            raise ParameterError(f"unknown parameter section '{name}'; valid sections: "
                                 f"{', '.join(sorted(self.schema))}")
        return {k: self.values[f"{name}.{k}"] for k in self.schema[name]}

    def flat(self):
        return dict(self.values)

    # -- setting --------------------------------------------------------------
    def set(self, key, value):
        if key not in self.values:
            raise ParameterError(self._unknown(key))
        sec, name = key.split(".", 1)
        spec = self.schema[sec][name]
        value = _coerce(key, value, spec.default)
        if isinstance(value, float) and not math.isfinite(value):
            if math.isnan(value) or math.isfinite(spec.default):
                raise ParameterError(f"parameter '{key}' must be a finite number, got {value!r}")
        if spec.choices is not None and value not in spec.choices:
            raise ParameterError(f"parameter '{key}' must be one of {', '.join(map(str, spec.choices))}; got {value!r}")
        if spec.positive and not value > 0:
            raise ParameterError(f"parameter '{key}' must be positive, got {value!r}")
        if spec.minimum is not None and not value >= spec.minimum:
            raise ParameterError(f"parameter '{key}' must be at least {spec.minimum}, got {value!r}")
        self.values[key] = value

    def update(self, mapping):
        for key, value in mapping.items():
            self.set(key, value)

    def read_toml(self, path):
        """Apply an input file: TOML tables are sections."""
        try:
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
        except OSError as exc:
            raise ParameterError(f"cannot read input file '{path}': {exc.strerror}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ParameterError(f"input file '{path}' is not valid TOML: {exc}") from None
        for sec, table in data.items():
            if not isinstance(table, dict):
                raise ParameterError(f"input file '{path}': top-level key '{sec}' must be a [section]")
            if sec not in self.schema:
                raise ParameterError(f"input file '{path}': unknown section [{sec}]; valid sections: "
                                     f"{', '.join(sorted(self.schema))}")
            for key, value in table.items():
                self.set(f"{sec}.{key}", value)

    def apply_overrides(self, items):
        """Apply ``section.key=value`` strings from the command line."""
        for item in items:
            if "=" not in item or "." not in item.split("=", 1)[0]:
                raise ParameterError(f"override '{item}' must look like section.key=value")
            key, value = item.split("=", 1)
            self.set(key.strip(), value.strip())

    def _unknown(self, key):
        sec = key.split(".", 1)[0]
        if sec in self.schema:
            valid = ", ".join(f"{sec}.{k}" for k in self.schema[sec])
            return f"unknown parameter '{key}'; valid keys in [{sec}]: {valid}"
        return f"unknown parameter '{key}'; valid sections: {', '.join(sorted(self.schema))}"

    def describe(self):
        """Lines documenting every parameter (for ``crplugin list`` and the docs)."""
        lines = []
        for sec, keys in self.schema.items():
            lines.append(f"[{sec}]")
            for k, p in keys.items():
                extra = f" (one of {', '.join(map(str, p.choices))})" if p.choices else ""
                lines.append(f"  {k} = {self.values[f'{sec}.{k}']!r}  # {p.doc}{extra}")
        return lines
