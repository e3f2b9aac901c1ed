"""Source terms as plugins: the protocol and the registry.

A source term is a small class registered under a unique ``name``:

* ``PARAMS`` -- its parameters (``crplugin.params.Param``); they become the
  parameter section ``[<name>]`` and are frozen once the run starts;
* ``requires`` -- what it needs: ``"mhd"`` (a magnetic field), ``"cr"`` (CR
  transport) or fields provided by other source terms;
* ``provides`` -- cell fields it computes: transport coefficients the CR
  integrator reads (``kappa_par``, ``kappa_perp``, ``stream_speed``,
  ``stream_velocity_par``) or diagnostics (``streaming_heating``,
  ``pa_heating``, ...), each with the kind of quantity (for units);
* ``fields(sim)`` -- returns ``{name: array}`` for what it provides (full block,
  ghosts included, code units);
* ``apply(sim, dt)`` -- changes the state (heating, cooling, ...);
* ``estimate_dt(sim)`` -- the largest stable step it allows (default: no limit);
* ``scalars`` -- names of passive scalars it needs advected with the gas
  (slots from ``sim.scalar_slot(term, name)``), with ``sync(sim)`` called at
  the end of every cycle (ghosts filled) to set them from the state.

The solver never names a specific source term: it instantiates those listed
in ``sources.enabled``, checks at setup that every required field has exactly
one provider, and asks the providers for coefficients and diagnostics.
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
    REGISTRY[cls.name] = cls
    return cls


class SourceTerm:
    name = None
    PARAMS = {}
    requires = ()
    provides = ()
    scalars = ()

    def __init__(self, params):
        self.params = MappingProxyType(dict(params))

    def setup(self, sim):
        """Called once the state exists (precompute what does not change)."""

    def fields(self, sim):
        return {}

    def apply(self, sim, dt):
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
