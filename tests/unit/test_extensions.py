"""User source terms and problems from outside crplugin: entry points of an installed package
(examples/my_crplugin_ext) and problem folders (--problem-path examples/my_problems)."""
import importlib.metadata
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from crplugin import extensions, sources
from crplugin import source_terms as _builtin  # noqa: F401  (registers crplugin's own terms)
from crplugin.params import ParameterError

ROOT = Path(__file__).resolve().parents[2]
EXT = ROOT / "examples" / "my_crplugin_ext"
FOLDER = ROOT / "examples" / "my_problems"


def crplugin(*args, env=None, cwd=None):
    cmd = [sys.executable, "-m", "crplugin"] + [str(a) for a in args]
    full_env = dict(os.environ, OMP_NUM_THREADS="1", MPLBACKEND="Agg", **(env or {}))
    full_env.pop("CRPLUGIN_PROBLEM_PATH", None)
    return subprocess.run(cmd, capture_output=True, text=True, env=full_env, cwd=cwd, timeout=300)


def numbers(stdout):
    return {k: float(v) for k, v in re.findall(r"^  (\w+): ([-+0-9.e]+)$", stdout, flags=re.M)}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The example package installed (offline, no dependencies) into a private site folder,
    plus a hand-made distribution whose entry point cannot be imported."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
                    "--no-index", "--target", str(target), str(EXT)], check=True, capture_output=True,
                   timeout=300, cwd=str(tmp_path_factory.mktemp("build")))
    broken = target / "broken_ext-0.1.dist-info"
    broken.mkdir()
    (broken / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-ext\nVersion: 0.1\n")
    (broken / "entry_points.txt").write_text(
        "[crplugin.source_terms]\nbroken_term = no_such_module_for_crplugin.terms\n")
    return {"PYTHONPATH": str(target)}


def test_installed_source_term_and_problem_run(site, tmp_path):
    res = crplugin("run", "decay_box", "-o", tmp_path / "out", env=site)
    assert res.returncode == 0, res.stderr
    got = numbers(res.stdout)
    # E_c = E_c(0) exp(-t/tau) exactly (the loss is integrated exactly), gas gains what CRs lose
    assert got["time"] == pytest.approx(2.0)
    assert got["ec_rel_error"] < 1e-13
    assert got["energy_budget_rel_error"] < 1e-12
    assert "loss_rate_units: erg/(cm**3*s)" in res.stdout  # FIELD_KINDS of the user's term


def test_broken_entry_point_is_one_warning_line_and_the_rest_loads(site):
    res = crplugin("list", env=site)
    assert res.returncode == 0, res.stderr
    assert "cr_losses" in res.stdout and "decay_box" in res.stdout and "streaming" in res.stdout
    warnings = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(warnings) == 1, res.stderr
    assert warnings[0].startswith("crplugin: warning: entry point 'broken_term'")
    assert "no_such_module_for_crplugin" in warnings[0] and "ModuleNotFoundError" in warnings[0]


def test_problem_folder_serial_and_two_ranks(tmp_path):
    for n in (1, 2):
        res = crplugin("run", "cr_bath", "--problem-path", FOLDER, "-n", n, "-o", tmp_path / f"n{n}")
        assert res.returncode == 0, res.stderr
        got = numbers(res.stdout)
        assert got["ec_rel_error"] < 1e-13, res.stdout
        assert f"on {n} rank(s)" in res.stdout


def test_problem_path_without_a_problem_module(tmp_path):
    (tmp_path / "_helper.py").write_text("X = 1\n")
    res = crplugin("run", "cr_bath", "--problem-path", tmp_path)
    assert res.returncode == 2
    assert res.stderr.strip() == (f"crplugin: error: --problem-path {tmp_path}: no problem module "
                                  f"(<name>.py defining initialise(sim)) in this directory")


def test_problem_defined_twice_is_an_error(tmp_path):
    (tmp_path / "bottleneck.py").write_text("def initialise(sim):\n    pass\n")
    res = crplugin("run", "bottleneck", "--problem-path", tmp_path)
    assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1
    assert "problem 'bottleneck' is defined twice" in res.stderr


class _EntryPoint:
    def __init__(self, name, target):
        self.name, self.value, self._target = name, f"mock:{name}", target

    def load(self):
        if isinstance(self._target, Exception):
            raise self._target
        return self._target


def test_load_entry_points_skips_failures_with_a_warning(monkeypatch, caplog):
    sentinel = object()
    eps = [_EntryPoint("bad", ImportError("numpy too old")), _EntryPoint("good", sentinel)]
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda group=None: eps)
    with caplog.at_level(logging.WARNING, logger="crplugin"):
        loaded = extensions.load_entry_points("crplugin.source_terms")
    assert loaded == {"good": sentinel}
    assert len(caplog.records) == 1
    assert caplog.records[0].getMessage() == (
        "crplugin: warning: entry point 'bad' (mock:bad) of group 'crplugin.source_terms' failed to "
        "import and is skipped: ImportError: numpy too old")


def test_user_terms_pass_the_same_requires_provides_checks(monkeypatch):
    """A user term providing a field crplugin's pa_heating provides, or requiring one nobody
    provides, is refused at setup like a built-in one."""
    class Twin(sources.SourceTerm):
        name = "user_pa_twin"
        provides = ("pa_heating",)

    class Needy(sources.SourceTerm):
        name = "user_needy"
        requires = ("cr_loss_rate",)

    monkeypatch.setattr(sources, "REGISTRY", dict(sources.REGISTRY))
    sources.register(Twin)
    sources.register(Needy)
    params = type("P", (), {"section": staticmethod(lambda name: {})})()
    with pytest.raises(ParameterError, match="field 'pa_heating' is provided by both 'pa_heating' and 'user_pa_twin'"):
        sources.build(["pa_heating", "user_pa_twin"], params, {"hydro", "mhd", "cr"})
    with pytest.raises(ParameterError, match="source term 'user_needy' requires 'cr_loss_rate'"):
        sources.build(["user_needy"], params, {"hydro", "mhd", "cr"})
