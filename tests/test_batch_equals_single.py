"""Each duel's draws depend on its own seed only: a batch of 64 ends exactly as each duel alone."""

from __future__ import annotations

import numpy as np
import pytest

from gladiator.bots import make_bot
from gladiator.duel import game_for, play_batch, play_duel
from gladiator.engine import new_duels, step
from gladiator.rng import derive_seeds
from gladiator.state import DuelState

PAIRS = [("rouge", "viola"), ("viola", "jaron"), ("jaron", "rouge"), ("nean", "rouge"), ("viola", "nean")]


def _assert_same(batch: DuelState, b: int, alone: DuelState, label: str) -> None:
    one = batch.take([b])
    for name, value in vars(one).items():
        assert np.array_equal(value, getattr(alone, name)), f"{label}: {name} differs"


@pytest.mark.parametrize("arena, bot_a, bot_b, n, rules", [
    ("concert_hall", "random", "random", 64, 3),
    ("nectar_depot", "greedy", "greedy", 64, 3),
    ("rooftops", "random", "greedy", 16, 3),
    ("concert_hall", "random", "random", 64, 4),  # version 4's moves draw too (a charge), its grabs do not
    ("nectar_depot", "greedy", "heuristic", 24, 4),
])
def test_a_batch_of_duels_ends_exactly_as_each_duel_alone(catalog, arena, bot_a, bot_b, n, rules):
    game = game_for(catalog, arena, rules)
    pairs = [PAIRS[k % len(PAIRS)] for k in range(n)]
    roster = np.array([[game.unit_index(a), game.unit_index(b)] for a, b in pairs])
    seeds = derive_seeds(7, np.arange(n)).astype(np.int64)
    bots = (make_bot(bot_a), make_bot(bot_b))
    final = play_batch(game, new_duels(game, roster, seeds), bots)
    assert final.done.all()
    for b in range(n):
        res = play_duel(game, pairs[b], int(seeds[b]), bots, events=False)
        _assert_same(final, b, res.state, f"duel {b} {pairs[b]} seed {seeds[b]}")
        assert res.winner_index == (None if final.winner[b] < 0 else int(final.winner[b]))
        assert res.turns == int(final.turn[b])


def test_batch_order_does_not_matter(catalog):
    game = game_for(catalog, "concert_hall")
    seeds = np.arange(100, 132)
    bots = (make_bot("random"), make_bot("random"))
    forward = play_batch(game, new_duels(game, ("rouge", "jaron"), seeds), bots)
    order = np.random.default_rng(0).permutation(seeds.size)
    shuffled = play_batch(game, new_duels(game, ("rouge", "jaron"), seeds[order]), bots)
    for k, b in enumerate(order):
        _assert_same(shuffled, k, forward.take([b]), f"seed {seeds[b]}")


def test_the_same_actions_give_the_same_draws_alone_or_in_a_batch(catalog):
    game = game_for(catalog, "open_field")
    s = new_duels(game, ("viola", "rouge"), [3, 4, 5])
    alone = new_duels(game, ("viola", "rouge"), [4])
    for _ in range(12):
        actions = [0, 0, 0]  # end turns: the draws advance all the same
        s, _ = step(game, s, actions)
        alone, _ = step(game, alone, [0])
    _assert_same(s, 1, alone, "seed 4")
    assert s.counter[1] == 12
