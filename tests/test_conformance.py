"""Conformance: random legal play over every unit pair and arena keeps every invariant of the rules."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from gladiator import engine
from gladiator.bots import make_bot
from gladiator.catalog import load_catalog
from gladiator.duel import decide, game_for, play_batch
from gladiator.game import END
from gladiator.state import DRAW, NONE

CATALOG = load_catalog()
ARENAS = sorted(CATALOG.arenas)
PAIRS = list(itertools.combinations_with_replacement(sorted(CATALOG.units), 2))


def check_invariants(game, before, after, actions) -> None:
    """Every invariant that must hold after one step."""
    t, geo = game.tables, game.geo
    maxi = t.integrity[after.unit]
    assert ((after.integrity >= 0) & (after.integrity <= maxi)).all()
    assert (after.heat >= 0).all()
    assert ((after.nectar >= 0) & (after.nectar <= t.nectar[after.unit])).all()
    assert ((after.doses >= 0) & (after.doses <= t.nectar_doses[after.unit])).all()
    assert geo.passable[after.pos].all()
    assert (after.pos[:, 0] != after.pos[:, 1]).all()
    assert (after.turn <= game.arena.turn_limit).all()
    live = ~after.done
    assert (after.ap[live] >= 1).all() and (after.ap[live] <= t.actions[after.unit[live, after.active[live]]]).all()
    assert (after.outcome[live] == NONE).all() and (after.outcome[after.done] != NONE).all()
    assert ((after.winner == -1) == ((after.outcome == DRAW) | live)).all()
    # a finished duel never changes
    was = np.flatnonzero(before.done)
    for name in vars(before):
        assert np.array_equal(getattr(before, name)[was], getattr(after, name)[was]), name
    # a live duel spends its counter once per action
    assert (after.counter[~before.done] == before.counter[~before.done] + 1).all()
    mask = engine.legal_mask(game, after)
    assert not mask[after.done].any()
    assert mask[live, END].all()


@pytest.mark.slow
@pytest.mark.parametrize("arena", ARENAS)
def test_random_play_keeps_invariants(arena: str) -> None:
    game = game_for(CATALOG, arena)
    bot = make_bot("random")
    rng = np.random.default_rng(5)
    for a, b in PAIRS:
        s = engine.new_duels(game, (a, b), np.arange(6) + 1000)
        for _ in range(400):
            if s.done.all():
                break
            idx = np.flatnonzero(~s.done)
            acts = np.zeros(s.batch, np.int64)
            acts[idx] = decide(game, s.take(idx), (bot, bot))[0]
            mask = engine.legal_mask(game, s)
            assert mask[idx, acts[idx]].all(), "the random bot chose an illegal action"
            # the check of a pick says what the mask says, for any action id (and for ids outside the space)
            probe = rng.integers(-2, game.space.n + 2, size=(6, s.batch))
            for row in probe:
                inside = (row >= 0) & (row < game.space.n)
                want = inside & mask[np.arange(s.batch), np.clip(row, 0, game.space.n - 1)]
                assert np.array_equal(engine.Legal(game, s).allows(row), want)
            new, _ = engine.step(game, s, acts)
            check_invariants(game, s, new, acts)
            s = new


@pytest.mark.parametrize("arena", ARENAS)
def test_greedy_play_ends_every_duel(arena: str) -> None:
    game = game_for(CATALOG, arena)
    bots = (make_bot("greedy"), make_bot("greedy"))
    units = np.array([[game.unit_index(a), game.unit_index(b)] for a, b in PAIRS])
    s = engine.new_duels(game, np.repeat(units, 4, axis=0), np.arange(4 * len(PAIRS)))
    s = play_batch(game, s, bots)
    assert s.done.all()
    assert (s.outcome != NONE).all()


def test_same_seed_same_duel() -> None:
    game = game_for(CATALOG, "concert_hall")
    bots = (make_bot("random"), make_bot("greedy"))
    runs = [play_batch(game, engine.new_duels(game, ("jaron", "viola"), np.arange(32)), bots) for _ in range(2)]
    for name in vars(runs[0]):
        assert np.array_equal(getattr(runs[0], name), getattr(runs[1], name)), name
    other = play_batch(game, engine.new_duels(game, ("jaron", "viola"), np.arange(32) + 99), bots)
    assert not np.array_equal(runs[0].turn, other.turn) or not np.array_equal(runs[0].winner, other.winner)
