"""Scenario tests of turn order: initiative, action points, ending turns, the turn limit, illegal actions."""

from __future__ import annotations

import numpy as np
import pytest

from gladiator import rng
from gladiator.rules import constants as K
from gladiator.engine import legal_mask, new_duels, step
from gladiator.errors import GladiatorError, IllegalAction
from gladiator.game import ATTACK0, END, GUARD, INJECT, VENT
from gladiator.state import DRAW, NONE, DuelState

OPEN = "A.....B"


def test_initiative_is_a_fair_coin_from_the_seed_whatever_the_agility(unit, duel):
    seeds = np.arange(400)
    coin = rng.uniforms(seeds.astype(np.uint64), np.zeros(400, np.uint64), 1, stream=1)[:, 0]
    for agi_a, agi_b in ((4, 4), (9, 1), (0, 7)):
        game, _ = duel(unit("alpha", agility=agi_a), unit("beta", agility=agi_b), OPEN, first=None)
        s = new_duels(game, ("alpha", "beta"), seeds)
        assert (s.first == np.where(coin < 0.5, 0, 1)).all() and (s.active == s.first).all()
        assert 150 < int((s.first == 0).sum()) < 250
        again = new_duels(game, ("alpha", "beta"), seeds)
        assert (again.first == s.first).all()


def test_turn_starts_with_the_units_action_points(unit, duel):
    game, s = duel(unit("alpha", actions=3), unit("beta", actions=2), OPEN)
    assert int(s.ap[0]) == 3
    s, _ = step(game, s, [END])
    assert int(s.active[0]) == 1 and int(s.ap[0]) == 2


def test_action_costs_move_guard_vent_inject_attack_cost_one(unit, weapon, duel, at, draws):
    a = unit("alpha", actions=9, nectar=40, weapons=[weapon(kind="ranged", range=9, heat=3)])
    game, s = duel(a, unit("beta"), OPEN)
    s.nectar[0, 0] = 30  # room to inject
    sp = game.space
    for action in (sp.move(at(game, 1, 0)), GUARD, ATTACK0, VENT, INJECT):
        before = int(s.ap[0])
        s, _ = step(game, s, [action], draws=draws(hit=0.99))
        assert int(s.ap[0]) == before - 1, game.space.kind(action)
        assert int(s.active[0]) == 0


def test_action_costs_of_a_leap_and_an_extraction_are_their_constants(unit, duel, at, draws):
    a = unit("alpha", actions=9, abilities=("leap", "core_extraction"))
    game, s = duel(a, unit("beta"), OPEN)
    s, _ = step(game, s, [game.space.leap(at(game, 2, 0))])
    assert int(s.ap[0]) == 9 - K.COST_LEAP
    s.pos[0, 0] = at(game, 5, 0)
    s.integrity[0, 1] = 1  # badly damaged: open to extraction
    s, _ = step(game, s, [4], draws=draws(extract=0.999))  # EXTRACT, fails
    assert int(s.ap[0]) == 9 - K.COST_LEAP - K.COST_EXTRACT


def test_end_turn_gives_up_the_remaining_points(unit, duel):
    game, s = duel(unit("alpha", actions=4), unit("beta", actions=3), OPEN)
    s, _ = step(game, s, [GUARD])
    s, _ = step(game, s, [END])
    assert int(s.active[0]) == 1 and int(s.ap[0]) == 3 and int(s.turn[0]) == 2


def test_turn_passes_when_action_points_run_out(unit, duel):
    game, s = duel(unit("alpha", actions=1), unit("beta"), OPEN)
    s, _ = step(game, s, [GUARD])
    assert int(s.active[0]) == 1 and int(s.turn[0]) == 2


def test_turns_alternate_whole_turns(unit, duel, at):
    game, s = duel(unit("alpha"), unit("beta"), "A......B")
    order = []
    for _ in range(6):
        order.append(int(s.active[0]))
        s, _ = step(game, s, [END])
    assert order == [0, 1, 0, 1, 0, 1]


def test_turn_limit_ends_in_a_draw(unit, duel):
    game, s = duel(unit("alpha"), unit("beta"), OPEN, turn_limit=5)
    for k in range(1, 5):
        s, _ = step(game, s, [END])
        assert not s.done[0] and int(s.turn[0]) == k + 1
    s, _ = step(game, s, [END])
    assert s.done[0] and int(s.outcome[0]) == DRAW and int(s.winner[0]) == -1 and int(s.turn[0]) == 5


def test_finished_duels_do_not_change(unit, duel):
    game, s = duel(unit("alpha"), unit("beta"), OPEN, turn_limit=2)
    _, live = duel(unit("alpha"), unit("beta"), OPEN, turn_limit=2)
    s, _ = step(game, s, [END])
    s, _ = step(game, s, [END])
    assert s.done[0]
    assert not legal_mask(game, s).any()
    for action in (END, GUARD, 10**6, -5):  # ignored, even outside the action space
        after, _ = step(game, s, [action])
        for name, value in vars(s).items():
            assert np.array_equal(getattr(after, name), value), name
    # in a batch, only the live duel moves on
    from gladiator.state import DuelState

    both = DuelState.concat([s, live])
    after, _ = step(game, both, [GUARD, GUARD])
    assert np.array_equal(after.guard[0], s.guard[0]) and after.counter[0] == s.counter[0]
    assert after.guard[1].any() and after.counter[1] == live.counter[0] + 1


@pytest.mark.parametrize("setup, action, reason", [
    ("far", ATTACK0, "reaches"),
    ("wall", "move_wall", "is a wall"),
    ("far", "move_far", "speed"),
    ("far", "move_enemy", "occupied"),
    ("far", "leap", "cannot leap"),
    ("far", 4, "cannot extract"),
    ("full", INJECT, "already full"),
    ("far", VENT, "no heat"),
    ("far", "guard_twice", "already guarding"),
    ("far", 10**6, "outside the action space"),
    ("far", "mimic", "cannot mimic"),
    ("far", ATTACK0 + 3, "no weapon in slot 4"),
])
def test_illegal_actions_raise_with_a_reason(unit, duel, at, setup, action, reason):
    game, s = duel(unit("alpha", speed=2), unit("beta"), "A#....B" if setup == "wall" else "A.....B")
    sp = game.space
    if setup == "full":
        s.nectar[0, 0] = 40
    if action == "guard_twice":
        s, _ = step(game, s, [GUARD])
        action = GUARD
    action = {"move_wall": sp.move(at(game, 1, 0)), "move_far": sp.move(at(game, 4, 0)),
              "move_enemy": sp.move(at(game, 6, 0)), "leap": sp.leap(at(game, 2, 0)),
              "mimic": sp.mimic(1)}.get(action, action)
    before = s.copy()
    with pytest.raises(IllegalAction, match=reason):
        step(game, s, [action])
    for name, value in vars(before).items():  # the state is untouched
        assert np.array_equal(getattr(s, name), value)


def test_illegal_action_reason_names_the_duel_of_a_batch(unit, duel):
    game, _ = duel(unit("alpha"), unit("beta"), OPEN)
    s = new_duels(game, ("alpha", "beta"), [0, 1, 2])
    with pytest.raises(IllegalAction, match=r"^duel 2: the target is \d+ tiles away"):
        step(game, s, [END, END, ATTACK0])
    with pytest.raises(GladiatorError, match=r"one action per duel: shape \(3,\), got \(2,\)"):
        step(game, s, [END, END])


def test_new_duels_refuses_negative_seeds_and_unknown_units(unit, duel):
    game, _ = duel(unit("alpha"), unit("beta"), OPEN)
    with pytest.raises(GladiatorError, match="negative"):
        new_duels(game, ("alpha", "beta"), [-1])
    with pytest.raises(GladiatorError, match="unknown unit 'gamma'"):
        new_duels(game, ("alpha", "gamma"), [0])


def test_a_fresh_duel_is_running(unit, duel):
    game, s = duel(unit("alpha"), unit("beta"), OPEN)
    assert not s.done[0] and int(s.outcome[0]) == NONE and int(s.winner[0]) == -1 and int(s.turn[0]) == 1
