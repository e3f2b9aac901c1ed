"""The quick fault drill (``drill.py``) under pytest: bad input, kills and restarts, serial and on
2 ranks.  ``python tests/reliability/drill.py --soak`` runs the long version and prints the table."""
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


@pytest.mark.parametrize("ranks", [1, 2])
def test_bad_input_one_line_exit_2_nothing_written(ranks, rng, tmp_path):
    results = drill.drill_bad_input(str(tmp_path), ranks, rng)
    assert len(results) >= (20 if ranks == 1 else 5)
    failed = [f"{label}: {'; '.join(p)} -- stderr {err!r}" for label, p, err in results if p]
    assert not failed, "\n".join(failed)


@pytest.mark.parametrize("ranks", [1, 2])
def test_kill_during_outputs_leaves_loadable_files_and_no_orphans(ranks, rng, tmp_path):
    problems = drill.drill_kill(str(tmp_path), ranks, rng, 0)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("ranks", [1, 2])
def test_restart_from_a_random_checkpoint_is_bit_identical(ranks, rng, tmp_path):
    problems = drill.drill_restarts(str(tmp_path), ranks, rng, 1)[0]
    assert not problems, "\n".join(problems)
