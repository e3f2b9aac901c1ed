"""Source terms as plugins: the protocol and the registry.

A source term is a small class registered under a unique ``name``:

* ``PARAMS`` -- its parameters (``crplugin.params.Param``); they become the
  parameter section ``[<name>]`` and are frozen once the run starts;
* ``requires`` -- what it needs: ``"mhd"`` (a magnetic field), ``"cr"`` (CR
  transport) or fields provided by other source terms;
* ``provides`` -- cell fields it computes: transport coefficients the CR
  integrator reads (``kappa_par``, ``kappa_perp``, ``stream_speed``,
  ``stream_velocity_par``) or diagnostics (``streaming_heating``,
  ``pa_heating``, ...), each with the kind of quantity (for units) in
  ``FIELD_KINDS``; a new field declares its kind in the class attribute
  ``FIELD_KINDS = {name: kind}`` (a key of ``CodeUnits.CGS``);
* ``fields(sim)`` -- returns ``{name: array}`` for what it provides (full block,
  ghosts included, code units);
* ``apply(sim, dt)`` -- changes the state (heating, cooling, ...);
* ``apply_before(sim, dt)`` -- the first half of a Strang-split source, applied
  to every cell (ghosts included) before the MHD step (gravity: without it the
  predictor misses the kick that balances the pressure gradient and a
  hydrostatic state drifts at first order);
* ``estimate_dt(sim)`` -- the largest stable step it allows (default: no limit);
* ``scalars`` -- names of passive scalars it needs advected with the gas
  (slots from ``sim.scalar_slot(term, name)``), with ``sync(sim)`` called at
  the end of every cycle (ghosts filled) to set them from the state.

The solver never names a specific source term: it instantiates those listed
in ``sources.enabled``, checks at setup that every required field has exactly
one provider, and asks the providers for coefficients and diagnostics.

Source terms from outside crplugin: installed packages declare entry points
in the group ``crplugin.source_terms`` (a module that registers its terms
when imported, or a ``SourceTerm`` subclass), loaded when this module is
first imported (:func:`load_extensions`); a problem module may also
register its own.  They pass through the same :func:`build` checks.
"""
import math
from types import MappingProxyType

from crplugin.params import ParameterError

REGISTRY = {}

# the kind (CodeUnits.CGS key) of every field a source may provide
FIELD_KINDS = {
    "kappa_par": "diffusivity",
    "kappa_perp": "diffusivity",
    "stream_speed": "velocity",
    "stream_velocity_par": "velocity",
    "streaming_heating": "energy_rate_density",
    "pa_heating": "energy_rate_density",
    "cr_work_rate": "energy_rate_density",
    "cooling_rate": "energy_rate_density",
    "dlnB_dt": "rate",
}


def register(cls):
    """Class decorator adding a source term to the registry (names must be unique)."""
    if not getattr(cls, "name", None):
        raise TypeError(f"{cls.__name__} needs a 'name'")
    if cls.name in REGISTRY and REGISTRY[cls.name] is not cls:
        raise TypeError(f"source term name '{cls.name}' is already registered by {REGISTRY[cls.name].__name__}")
    from crplugin.units import CodeUnits
    kinds = dict(getattr(cls, "FIELD_KINDS", {}))
    for field, kind in kinds.items():
        if kind not in CodeUnits.CGS:
            raise TypeError(f"{cls.__name__}.FIELD_KINDS['{field}'] = '{kind}' is not a kind of quantity; "
                            f"valid: {', '.join(CodeUnits.CGS)}")
        if FIELD_KINDS.get(field, kind) != kind:
            raise TypeError(f"{cls.__name__}: field '{field}' is already a '{FIELD_KINDS[field]}', not '{kind}'")
    FIELD_KINDS.update(kinds)
    REGISTRY[cls.name] = cls
    return cls


class SourceTerm:
    name = None
    PARAMS = {}
    requires = ()
    provides = ()
    FIELD_KINDS = {}  # kinds of provided fields not in sources.FIELD_KINDS
    scalars = ()

    def __init__(self, params):
        self.params = MappingProxyType(dict(params))

    def setup(self, sim):
        """Called once the state exists (precompute what does not change)."""

    def fields(self, sim):
        return {}

    def apply(self, sim, dt):
        pass

    def apply_before(self, sim, dt):
        pass

    def estimate_dt(self, sim):
        return math.inf

    def sync(self, sim):
        """Set this term's passive scalars from the state (end of every cycle, ghosts filled)."""


def build(names, params, available):
    """Instantiate the enabled source terms and check requires/provides.

    ``available`` is the set of capabilities the solver offers (``"mhd"``,
    ``"cr"``).  Raises ParameterError on an unknown name, a field provided
    twice or a requirement nobody provides.
    """
    terms = []
    for name in names:
        if name not in REGISTRY:
            raise ParameterError(f"unknown source term '{name}'; registered: {', '.join(sorted(REGISTRY))}")
        terms.append(REGISTRY[name](params.section(name)))
    providers = {}
    for term in terms:
        for field in term.provides:
            if field in providers:
                raise ParameterError(f"field '{field}' is provided by both '{providers[field]}' and '{term.name}'")
            providers[field] = term.name
    for term in terms:
        for req in term.requires:
            if req not in available and req not in providers:
                raise ParameterError(f"source term '{term.name}' requires '{req}', which this run does not provide")
    return terms


def load_extensions():
    """Register the source terms of the entry points ``crplugin.source_terms`` (once).

    An entry point that fails to import, is neither a module nor a
    ``SourceTerm`` subclass, or reuses a registered name is reported as one
    warning line (``crplugin.extensions``) and skipped.
    """
    global _EXTENSIONS_LOADED
    if _EXTENSIONS_LOADED:
        return
    _EXTENSIONS_LOADED = True
    import types

    from crplugin import extensions
    for name, obj in extensions.load_entry_points(extensions.SOURCE_TERM_GROUP).items():
        if isinstance(obj, types.ModuleType):
            continue  # registered itself when imported
        problem = None
        if not (isinstance(obj, type) and issubclass(obj, SourceTerm)):
            problem = f"is {obj!r}, neither a module nor a SourceTerm subclass"
        else:
            try:
                register(obj)
            except TypeError as exc:
                problem = str(exc)
        if problem:
            extensions.log.warning("crplugin: warning: entry point '%s' of group '%s' is skipped: %s",
                                   name, extensions.SOURCE_TERM_GROUP, problem)


_EXTENSIONS_LOADED = False
load_extensions()
