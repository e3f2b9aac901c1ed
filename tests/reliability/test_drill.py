"""The quick fault drill (``drill.py``) under pytest: kinds of bad input drawn at random, a kill
at a random moment of the output writing, and a restart from a random checkpoint; serial and on
2 ranks (restarts on 2 ranks: ``tests/regression/test_restart.py``).  ``make drill`` (``drill.py
--soak``) runs every kind of bad input and many kills and restarts, and prints the table."""
import os
import random
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
import drill  # noqa: E402

SEED = int(os.environ.get("CRPLUGIN_DRILL_SEED", random.randrange(1 << 30)))


@pytest.fixture
def rng():
    print(f"drill seed {SEED} (CRPLUGIN_DRILL_SEED={SEED} repeats it)")
    return random.Random(SEED)


def test_drill_has_twenty_kinds_of_bad_input():
    assert len(drill._bad_inputs()) >= 20
    assert len({label for label, _, _ in drill._bad_inputs()}) == len(drill._bad_inputs())


@pytest.mark.parametrize("ranks", [1, 2])
def test_bad_input_one_line_exit_2_nothing_written(ranks, rng, tmp_path):
    results = drill.drill_bad_input(str(tmp_path), ranks, rng, sample=drill.QUICK_BAD_INPUT[ranks > 1])
    assert results
    failed = [f"{label}: {'; '.join(p)} -- stderr {err!r}" for label, p, err in results if p]
    assert not failed, "\n".join(failed)


@pytest.mark.parametrize("ranks", [1, 2])
def test_kill_during_outputs_leaves_loadable_files_and_no_orphans(ranks, rng, tmp_path):
    problems = drill.drill_kill(str(tmp_path), ranks, rng, 0)
    assert not problems, "\n".join(problems)


def test_restart_from_a_random_checkpoint_is_bit_identical(rng, tmp_path):
    problems = drill.drill_restarts(str(tmp_path), 1, rng, 1)[0]
    assert not problems, "\n".join(problems)
