"""Scenario tests of Nectar: upkeep, injections, weapon costs, caches, shutdown."""

from __future__ import annotations

import numpy as np
from conftest import bare
import pytest

from gladiator.engine import legal_mask, new_duels, step
from gladiator.errors import IllegalAction
from gladiator.game import ATTACK0, END, INJECT
from gladiator.state import SHUTDOWN, DuelState

# a Nectar cache N two tiles from Alpha, another next to Beta
DEPOT = "A.N..\n....B\n...N."


def test_nectar_upkeep_each_own_turn(unit, duel):
    game, s = duel(unit("alpha", nectar=20), unit("beta", nectar=30), DEPOT)
    assert list(s.nectar[0]) == [19, 30]  # the first turn has begun: Alpha paid
    s, _ = step(game, s, [END])
    assert list(s.nectar[0]) == [19, 29]
    s, _ = step(game, s, [END])
    assert list(s.nectar[0]) == [18, 29]


def test_nectar_zero_shuts_the_unit_down(unit, duel):
    game, s = duel(unit("alpha", nectar=3, nectar_doses=0), unit("beta"), DEPOT)
    for _ in range(3):
        s, ev = step(game, s, [END], events=True)
        assert not s.done[0]
    s, ev = step(game, s, [END], events=True)  # Alpha's third turn: 3 - 3 = 0
    assert s.done[0] and int(s.outcome[0]) == SHUTDOWN and int(s.winner[0]) == 1
    assert {"event": "shutdown", "side": 0} in bare(ev[0])
    assert ev[0][-1]["outcome"] == "shutdown"


def test_inject_spends_a_dose_and_restores_nectar_up_to_the_maximum(unit, duel):
    game, s = duel(unit("alpha", nectar=40, nectar_doses=2, dose_nectar=15, actions=3), unit("beta"), DEPOT)
    s.nectar[0, 0] = 20
    s, _ = step(game, s, [INJECT])
    assert int(s.nectar[0, 0]) == 35 and int(s.doses[0, 0]) == 1
    s, _ = step(game, s, [INJECT])
    assert int(s.nectar[0, 0]) == 40 and int(s.doses[0, 0]) == 0  # capped at the unit's Nectar
    s.nectar[0, 0] = 10
    assert not legal_mask(game, s)[0, INJECT]
    with pytest.raises(IllegalAction, match="no Nectar doses"):
        step(game, s, [INJECT])


def test_weapons_cost_nectar_and_need_more_than_their_cost(unit, weapon, duel):
    gun = weapon("gun", kind="ranged", range=9, accuracy=0.5, damage=3, nectar=2)
    game, s = duel(unit("alpha", weapons=[gun]), unit("beta"), DEPOT)
    s.nectar[0, 0] = 10
    for draw in (0.0, 0.99):  # hit or miss, the shot is paid
        after, _ = step(game, s, [ATTACK0], draws=[[draw, 0.0, 0.0]])
        assert int(after.nectar[0, 0]) == 8
    s.nectar[0, 0] = 3
    assert legal_mask(game, s)[0, ATTACK0]
    s.nectar[0, 0] = 2
    assert not legal_mask(game, s)[0, ATTACK0]
    with pytest.raises(IllegalAction, match="costs 2 Nectar"):
        step(game, s, [ATTACK0])


def test_a_cache_refills_the_first_unit_that_reaches_it_once(unit, duel, at):
    game, s = duel(unit("alpha", nectar=40), unit("beta", nectar=40, speed=4), DEPOT)
    cache = at(game, 2, 0)
    assert int(game.geo.cache_of[cache]) >= 0
    s.nectar[0] = [5, 5]
    s, ev = step(game, s, [game.space.move(cache)], events=True)
    assert int(s.nectar[0, 0]) == 40
    assert not s.caches[0, game.geo.cache_of[cache]]
    assert ev[0][1]["event"] == "cache" and ev[0][1]["gained"] == 35
    s, _ = step(game, s, [game.space.move(at(game, 1, 1))])  # out of points: Beta's turn
    s, ev = step(game, s, [game.space.move(cache)], events=True)  # Beta reaches it second: empty
    assert int(s.active[0]) == 1 and int(s.pos[0, 1]) == cache
    assert int(s.nectar[0, 1]) == 4 and not any(e["event"] == "cache" for e in ev[0])


def test_a_leap_onto_a_cache_takes_it_and_caches_are_per_duel(unit, duel, at):
    game, one = duel(unit("alpha", abilities=("leap",)), unit("beta"), DEPOT)
    s = DuelState.concat([one, one])
    cache = at(game, 2, 0)
    s.nectar[:, 0] = 7
    s, _ = step(game, s, [game.space.leap(cache), END])
    assert list(s.nectar[:, 0]) == [40, 7]
    c = int(game.geo.cache_of[cache])
    assert list(s.caches[:, c]) == [False, True]
    fresh = new_duels(game, ("alpha", "beta"), [5])
    assert fresh.caches.all()


def test_passing_over_a_cache_does_not_take_it(unit, duel, at):
    game, s = duel(unit("alpha", speed=4), unit("beta"), "A.N..\n....B")
    s.nectar[0, 0] = 5
    s, _ = step(game, s, [game.space.move(at(game, 3, 0))])  # walking along the row, over N
    assert int(s.nectar[0, 0]) == 5 and s.caches[0].all()
