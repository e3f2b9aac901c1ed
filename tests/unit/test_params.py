"""Parameters: typos and wrong types are errors that name the key and list valid ones."""
import pytest

from crplugin.params import Param, ParameterError, Parameters

SCHEMA = {"mesh": {"nx": Param(64, "cells", positive=True), "ix1_bc": Param("periodic", "bc", choices=("periodic", "outflow"))},
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
    with pytest.raises(ParameterError, match="valid sections: cr, mesh, sources"):
        p.set("meshh.nx", 3)


def test_wrong_type_and_range_name_the_key():
    p = Parameters(SCHEMA)
    with pytest.raises(ParameterError, match="'mesh.nx' expects a int"):
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
