"""Parameters: typos and wrong types are errors that name the key and list valid ones."""
import pytest

from crplugin.params import Param, ParameterError, Parameters

SCHEMA = {"mesh": {"nx": Param(64, "cells", positive=True), "ix1_bc": Param("periodic", "bc", choices=("periodic", "outflow")),
                   "x1max": Param(1.0, "edge"), "ranks_x": Param(0, "ranks", minimum=0)},
          "time": {"dt_max": Param(float("inf"), "largest step", positive=True),
                   "nlim": Param(-1, "cycles", minimum=-1)},
          "output": {"dt": Param(0.0, "interval", minimum=0)},
          "cr": {"enabled": Param(False, "on"), "v_max": Param(100.0, "V_m", positive=True)},
          "sources": {"enabled": Param([], "list")}}


def test_defaults_and_overrides():
    p = Parameters(SCHEMA)
    p.apply_overrides(["mesh.nx=128", "cr.enabled=true", "cr.v_max=3e2", "sources.enabled=a,b"])
    assert p["mesh.nx"] == 128 and p["cr.enabled"] is True and p["cr.v_max"] == 300.0
    assert p["sources.enabled"] == ["a", "b"]


def test_unknown_key_lists_valid_keys():
    p = Parameters(SCHEMA)
    with pytest.raises(ParameterError, match=r"unknown parameter 'mesh.nxx'.*mesh.nx"):
        p.apply_overrides(["mesh.nxx=3"])
    with pytest.raises(ParameterError, match="valid sections: cr, mesh, output, sources, time"):
        p.set("meshh.nx", 3)


def test_wrong_type_and_range_name_the_key():
    p = Parameters(SCHEMA)
    with pytest.raises(ParameterError, match="'mesh.nx' expects an integer"):
        p.set("mesh.nx", "many")
    with pytest.raises(ParameterError, match="'mesh.nx' must be positive"):
        p.set("mesh.nx", -4)
    with pytest.raises(ParameterError, match="'mesh.ix1_bc' must be one of periodic, outflow"):
        p.set("mesh.ix1_bc", "mirror")
    with pytest.raises(ParameterError, match="section.key=value"):
        p.apply_overrides(["nx64"])


def test_toml_input(tmp_path):
    f = tmp_path / "in.toml"
    f.write_text("[mesh]\nnx = 32\n[cr]\nenabled = true\n")
    p = Parameters(SCHEMA)
    p.read_toml(f)
    assert p["mesh.nx"] == 32 and p["cr.enabled"]
    bad = tmp_path / "bad.toml"
    bad.write_text("[mesh\nnx=")
    with pytest.raises(ParameterError, match="not valid TOML"):
        p.read_toml(bad)
    with pytest.raises(ParameterError, match="cannot read input file"):
        p.read_toml(tmp_path / "missing.toml")


@pytest.mark.parametrize("value", ["64.5", "64.0", "1e2", 64.5, 64.0, True])
def test_integers_must_be_integers(value):
    """64.5 used to be truncated to 64; an integer parameter takes only an integer."""
    p = Parameters(SCHEMA)
    with pytest.raises(ParameterError, match="'mesh.nx' expects an integer"):
        p.set("mesh.nx", value)
    p.set("mesh.nx", " 96 ")
    assert p["mesh.nx"] == 96


@pytest.mark.parametrize("key, value", [("mesh.x1max", "nan"), ("mesh.x1max", "inf"), ("mesh.x1max", "-inf"),
                                        ("cr.v_max", float("inf")), ("time.dt_max", "nan")])
def test_non_finite_values_are_refused_under_their_own_name(key, value):
    p = Parameters(SCHEMA)
    with pytest.raises(ParameterError, match=f"'{key}' must be a finite number"):
        p.set(key, value)


def test_infinite_default_stays_allowed():
    """time.dt_max defaults to inf ("no limit"): inf is a valid value there, NaN is not."""
    p = Parameters(SCHEMA)
    p.set("time.dt_max", "inf")
    assert p["time.dt_max"] == float("inf")


def test_minimum():
    p = Parameters(SCHEMA)
    with pytest.raises(ParameterError, match="'output.dt' must be at least 0"):
        p.set("output.dt", -1)
    with pytest.raises(ParameterError, match="'mesh.ranks_x' must be at least 0"):
        p.set("mesh.ranks_x", -2)
    with pytest.raises(ParameterError, match="'time.nlim' must be at least -1"):
        p.set("time.nlim", -5)
    p.update({"output.dt": 0, "mesh.ranks_x": 0, "time.nlim": -1})
    assert p["output.dt"] == 0.0 and isinstance(p["output.dt"], float)
