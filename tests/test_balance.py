"""The roster's balance promises: each gladiator has a real chance, and Viola can melt Rouge."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from gladiator import engine
from gladiator.bots import make_bot
from gladiator.catalog import load_catalog
from gladiator.duel import decide, game_for, play_batch

CATALOG = load_catalog()
GLADIATORS = ("rouge", "viola", "jaron")
N = 150  # duels per side order
BOT = "heuristic"  # the bot the balance targets are measured with (benchmarks/bench_character.py)


def win_rate(game, a: str, b: str, bot: str = BOT) -> float:
    """Share of side-swapped duels that `a` wins against `b`."""
    bots = (make_bot(bot), make_bot(bot))
    wins = 0
    for (x, y), a_side in (((a, b), 0), ((b, a), 1)):
        s = play_batch(game, engine.new_duels(game, (x, y), np.arange(N)), bots)
        wins += int((s.winner == a_side).sum())
    return wins / (2 * N)


@pytest.mark.parametrize("a,b", list(itertools.combinations(GLADIATORS, 2)))
def test_no_gladiator_beats_another_more_than_75_percent(a: str, b: str) -> None:
    game = game_for(CATALOG, "concert_hall")
    p = win_rate(game, a, b)
    assert 0.25 <= p <= 0.75, f"{a} beats {b} {p:.0%} of the time"


def test_viola_brings_rouge_to_the_edge_of_melting() -> None:
    game = game_for(CATALOG, "concert_hall")
    bots = (make_bot(BOT), make_bot(BOT))
    s = engine.new_duels(game, ("rouge", "viola"), np.arange(200))
    cap = game.tables.heat_capacity[game.unit_index("rouge")]
    hottest = np.zeros(s.batch, dtype=np.int64)
    while not s.done.all():
        idx = np.flatnonzero(~s.done)
        acts = np.zeros(s.batch, np.int64)
        acts[idx] = decide(game, s.take(idx), bots)[0]
        s, _ = engine.step(game, s, acts, check=False)
        hottest = np.maximum(hottest, s.heat[:, 0])
    assert (hottest > cap).mean() > 0.2, "Viola's firepower rarely overheats Rouge"
