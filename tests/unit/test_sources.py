"""The source-term registry: unknown names, fields provided twice and unmet
requirements are caught at setup, with messages that name them."""
import pytest

from crplugin import source_terms  # noqa: F401  (registers the source terms)
from crplugin import sources
from crplugin.params import ParameterError, Parameters


def _params():
    schema = {name: dict(cls.PARAMS) for name, cls in sources.REGISTRY.items()}
    return Parameters(schema)


def test_every_source_term_declares_known_fields():
    for name, cls in sources.REGISTRY.items():
        assert cls.name == name
        for field in cls.provides:
            assert field in sources.FIELD_KINDS, f"{name} provides '{field}' without a unit kind"


def test_unknown_name_lists_registered():
    with pytest.raises(ParameterError, match="unknown source term 'strem'.*streaming"):
        sources.build(["strem"], _params(), {"hydro", "mhd", "cr"})


def test_field_provided_twice():
    with pytest.raises(ParameterError, match="'kappa_par' is provided by both"):
        sources.build(["constant_diffusion", "pa_confinement"], _params(), {"hydro", "mhd", "cr"})
    with pytest.raises(ParameterError, match="'stream_speed' is provided by both"):
        sources.build(["streaming", "convection"], _params(), {"hydro", "mhd", "cr"})


def test_requirement_not_available():
    with pytest.raises(ParameterError, match="'streaming' requires 'mhd'"):
        sources.build(["streaming"], _params(), {"hydro", "cr"})


def test_duplicate_registration_refused():
    with pytest.raises(TypeError, match="already registered"):
        @sources.register
        class Again(sources.SourceTerm):
            name = "streaming"
