"""benchmarks/bench_rules.py: the targets of a deeper duel, judged from the figures the instruments give."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gladiator.batch.ablate import Effect
from gladiator.catalog import load_catalog
from gladiator.options import options_of

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks" / "bench_rules.py"
CHARACTER = ROOT / "benchmarks" / "bench_character.py"


@pytest.fixture(scope="module")
def bench():
    sys.path.insert(0, str(BENCH.parent))  # it reads the pairings' cells from bench_character.py beside it
    spec = importlib.util.spec_from_file_location("bench_rules", BENCH)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["bench_rules"] = mod
    spec.loader.exec_module(mod)
    return mod


def effects(worth: float, half: float = 0.01, used: float = 0.5, **special: tuple[float, float]) -> list[Effect]:
    """Every option of every unit against every opponent, each worth `worth` (special[unit_option] = (worth, used))."""
    cat = load_catalog()
    out = []
    for u in ("rouge", "viola", "jaron", "nean"):
        for o in options_of(cat.unit(u)):
            w, use = special.get(f"{u}_{o}", (worth, used))
            out += [Effect(u, o, v, None, -w, half, 4000, 0.5, use, 1.0) for v in ("rouge", "viola", "jaron", "nean")]
    return out


def test_every_option_target_is_met_when_every_option_is_worth_enough(bench) -> None:
    found = bench.option_targets(effects(0.06), load_catalog())
    assert found and all(ok for _, _, ok in found), [f for f in found if not f[2]]


def test_an_option_worth_too_little_or_used_too_rarely_fails_its_target(bench) -> None:
    found = {label: (value, ok) for label, value, ok in bench.option_targets(
        effects(0.06, rouge_wrist_darts=(0.005, 0.03), rouge_leap=(0.04, 0.9)), load_catalog())}
    worth = next(v for k, v in found.items() if k.startswith("each gladiator's weapons"))
    used = next(v for k, v in found.items() if k.startswith("each used"))
    leap = next(v for k, v in found.items() if k.startswith("Rouge's leap"))
    assert not worth[1] and "rouge wrist_darts" in worth[0] and "rouge leap" not in worth[0]
    assert not used[1] and "rouge wrist_darts 3%" in used[0]
    assert not leap[1] and "+4.0%" in leap[0]


def test_the_script_plays_every_pairing_and_prints_each_target(bench) -> None:
    got = subprocess.run([sys.executable, str(BENCH), "--n", "8", "--no-ablate", "--workers", "1", "--strike-n", "4"],
                         capture_output=True, text=True, timeout=300, env=os.environ | {"PYTHONPATH": str(ROOT / "src")})
    assert got.returncode == 0, got.stderr
    for pairing in ("rouge-rouge", "rouge-viola", "jaron-nean", "nean-nean"):
        assert pairing in got.stdout
    for target in ("every gladiator pairing 42-58%", "first mover wins 42-58% of every mirror", "draws + shutdowns",
                   "Viola's melt overheats Rouge", "its own look", "fewer rule constants"):
        assert target in got.stdout
    assert "worth >= 3 points" not in got.stdout  # --no-ablate: no restricted play
    assert "Who strikes first in the mirrors" in got.stdout


@pytest.mark.parametrize("script, args, said", [
    (BENCH, ["--no-ablate", "--set", "rouge.integrity=100"], "rouge has no field 'integrity'"),
    (BENCH, ["--no-ablate", "--bot", "nobody"], "nobody"),
    (BENCH, ["--no-ablate", "--n", "0"], "--n must be at least 1"),
    (BENCH, ["--no-ablate", "--strike-n", "-1"], "--strike-n must be 0 or more"),
    (BENCH, ["--no-ablate", "--rules", "5"], "--rules: invalid choice: 5"),
    (BENCH, ["--precision", "1"], "--precision must be above 0 and below 1"),
    (CHARACTER, ["--set", "viola.stats.integrity=-3"], "viola"),
    (CHARACTER, ["--workers", "0"], "--workers must be at least 1"),
    (CHARACTER, ["--mirror-n", "-1"], "--mirror-n must be 0 or more"),
])
def test_bad_input_is_refused_in_one_line_before_anything_is_played(script, args, said) -> None:
    got = subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    assert got.returncode != 0
    assert said in got.stderr.strip().splitlines()[-1] and "Traceback" not in got.stderr  # the last line says it
    assert got.stdout == ""


@pytest.mark.parametrize("unit, arena", [("rouge", "concert_hall"), ("nean", "open_field")])
def test_who_strikes_first_agrees_with_the_duels_logs(bench, unit, arena) -> None:
    """The batched count of who strikes first, against each duel played alone and read from its log."""
    import numpy as np

    from gladiator import rng
    from gladiator.bots import make_bot
    from gladiator.duel import game_for, play_duel

    cat, n, seed = load_catalog(), 12, 5
    game = game_for(cat, arena)
    bots = [make_bot("greedy")] * 2
    movers_first, first_won, decisive = 0, 0, 0
    for s in rng.derive_seeds(seed, np.arange(n)):
        r = play_duel(game, (unit, unit), int(s), bots)
        striker = next(e["side"] for e in r.events if e["event"] == "attack")
        movers_first += striker == r.first
        if r.winner_index is not None:
            decisive += 1
            first_won += r.winner_index == striker
    assert bench.first_strikes(cat, unit, arena, n, seed, "greedy") == (movers_first / n, first_won / decisive)


def test_who_strikes_first_is_none_where_nobody_strikes(bench) -> None:
    """Two turtles that never meet: no attack, so neither share exists (printed as '-', never a warning)."""
    import math
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = bench.first_strikes(load_catalog(), "nean", "concert_hall", 4, 1, "scripted:Turtle")
    assert all(math.isnan(x) for x in got)
    assert bench.share(got[0]) == "-" and bench.share(0.456) == "46%"


def test_each_version_counts_the_constants_it_uses(bench) -> None:
    from gladiator.rules import constants

    for name in (*constants.VERSION_3_ONLY, *constants.VERSION_4_ONLY):  # each a constant of the rules (no typo)
        assert isinstance(getattr(constants, name), (int, float)), name
    assert bench.rule_constants(3) == 31  # version 3's, as the work on version 4 left them
    assert bench.rule_constants(4) == bench.rule_constants(3) - len(constants.VERSION_3_ONLY) + len(constants.VERSION_4_ONLY)
    assert bench.rule_constants(4) < bench.rule_constants(3)
