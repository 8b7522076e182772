"""The heuristic bot against the scripted strategies that beat a naive bot: at least 45% from both sides."""

from __future__ import annotations

import numpy as np
import pytest
from scripted import AmbushJaron, FlameSpamViola, KiteViola, RearStepRouge, Turtle

from gladiator import engine
from gladiator.bots import make_bot
from gladiator.duel import game_for, play_batch

N = 120  # duels per side


def wins_against(game, script, script_unit: str, heuristic_unit: str) -> tuple[float, float]:
    """The heuristic bot's share of wins against `script`, as side A and as side B."""
    out = []
    for units, side in (((heuristic_unit, script_unit), 0), ((script_unit, heuristic_unit), 1)):
        bots = [script, script]
        bots[side] = make_bot("heuristic")
        s = play_batch(game, engine.new_duels(game, units, np.arange(N)), tuple(bots))
        out.append(float((s.winner == side).mean()))
    return out[0], out[1]


CASES = [
    ("concert_hall", RearStepRouge(), "rouge", "viola"), ("rooftops", RearStepRouge(), "rouge", "viola"),
    ("rooftops", RearStepRouge(), "rouge", "jaron"), ("concert_hall", FlameSpamViola(), "viola", "rouge"),
    ("concert_hall", KiteViola(), "viola", "rouge"), ("rooftops", KiteViola(), "viola", "rouge"),
    ("rooftops", KiteViola(), "viola", "jaron"), ("rooftops", FlameSpamViola(), "viola", "rouge"),
    ("concert_hall", RearStepRouge(), "rouge", "jaron"), ("concert_hall", KiteViola(), "viola", "jaron"),
    ("rooftops", FlameSpamViola(), "viola", "jaron"), ("concert_hall", FlameSpamViola(), "viola", "jaron"),
    ("concert_hall", AmbushJaron(), "jaron", "rouge"), ("rooftops", AmbushJaron(), "jaron", "rouge"),
    ("concert_hall", Turtle(), "viola", "viola"), ("rooftops", Turtle(), "viola", "viola"), ("rooftops", Turtle(), "nean", "rouge"),
]


@pytest.mark.parametrize("arena, script, unit, foe", CASES, ids=lambda v: getattr(v, "name", v))
def test_the_heuristic_bot_is_not_exploited_by_a_scripted_strategy(catalog, arena, script, unit, foe):
    game = game_for(catalog, arena)
    as_a, as_b = wins_against(game, script, unit, foe)
    assert as_a >= 0.45 and as_b >= 0.45, (as_a, as_b)


def test_the_scripted_strategies_beat_a_bot_that_does_nothing(catalog):
    """The scripts fight for real, so the test above can fail: each beats a bot that only ends its turn."""
    game = game_for(catalog, "concert_hall")

    class Idle:
        name = "idle"

        def act(self, game, obs, legal):
            return np.zeros(obs.batch, dtype=np.int64)

    for script, unit, foe in ((RearStepRouge(), "rouge", "viola"), (FlameSpamViola(), "viola", "rouge"), (KiteViola(), "viola", "rouge"),
                              (AmbushJaron(), "jaron", "rouge")):  # (a turtle waits for whoever comes: it draws with one that never does)
        s = play_batch(game, engine.new_duels(game, (unit, foe), np.arange(40)), (script, Idle()))
        assert (s.winner == 0).mean() > 0.9, script.name
