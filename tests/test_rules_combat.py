"""Scenario tests of attacks: range and sight, facing, hit chance terms, damage terms, destruction."""

from __future__ import annotations

import pytest
from conftest import bare

from gladiator.rules import constants as K
from gladiator.engine import attack_preview, legal_mask, step
from gladiator.errors import IllegalAction
from gladiator.game import ATTACK0, END, GUARD
from gladiator.state import DESTROYED

N, NE, E, SE, S, SW, W, NW = range(8)
# Alpha at (3, 1), Beta at (5, 1) facing west; `+` cover at (1, 0), `^` high ground at (0..1, 2)
ROOM = ".+.....\n...A.B.\n^^....."


def _melee(weapon, **kw):
    return weapon("blade", **({"kind": "melee", "range": 1, "accuracy": 0.5, "damage": 8} | kw))


def _gun(weapon, **kw):
    return weapon("gun", **({"kind": "ranged", "range": 6, "accuracy": 0.5, "damage": 8} | kw))


def _alpha_to_act(game, s):
    """Let Beta end its turn if it moved first (the higher agility goes first)."""
    if int(s.active[0]) == 1:
        s, _ = step(game, s, [END])
    return s


def _face_each_other(game, s):
    """Turn Beta towards Alpha, so that no attack comes from its rear arc."""
    s.facing[0, 1] = game.geo.dir_to[s.pos[0, 1], s.pos[0, 0]]


def _chance(game, s, slot=0):
    return float(attack_preview(game, s)["chance"][0, slot])


def _hit(game, s, slot=0, damage_draw=0.0):
    """Attack with a hit forced; returns the new state and the damage dealt."""
    before = int(s.integrity[0, 1])
    s, ev = step(game, s, [ATTACK0 + slot], draws=[[0.0, damage_draw, 0.0]], events=True)
    return s, before - int(s.integrity[0, 1])


def test_attack_needs_the_target_in_range(unit, weapon, duel, at):
    game, s = duel(unit("alpha", weapons=[_melee(weapon), _gun(weapon, range=2)]), unit("beta"), ROOM)
    mask = legal_mask(game, s)[0]
    assert not mask[ATTACK0] and mask[ATTACK0 + 1]  # two tiles: blade no, gun yes
    with pytest.raises(IllegalAction, match="reaches 1"):
        step(game, s, [ATTACK0])
    s.pos[0, 0] = at(game, 4, 0)  # diagonal neighbour: Chebyshev distance 1
    assert legal_mask(game, s)[0, ATTACK0]
    s.pos[0, 0] = at(game, 2, 1)  # three tiles: out of the gun's range 2
    assert not legal_mask(game, s)[0, ATTACK0 + 1]


def test_a_hit_lands_when_the_draw_is_below_the_chance(unit, weapon, duel):
    game, s = duel(unit("alpha", weapons=[_gun(weapon, accuracy=0.5)]), unit("beta"), ROOM)
    after, _ = step(game, s, [ATTACK0], draws=[[0.4999, 0.0, 0.0]])
    assert int(after.integrity[0, 1]) == 92
    after, _ = step(game, s, [ATTACK0], draws=[[0.5, 0.0, 0.0]])
    assert int(after.integrity[0, 1]) == 100


def test_facing_after_an_attack_is_towards_the_target(unit, weapon, duel, at):
    game, s = duel(unit("alpha", weapons=[_gun(weapon)]), unit("beta"), ROOM)
    s.pos[0, 0] = at(game, 3, 2)
    s.facing[0, 0] = W
    s, _ = step(game, s, [ATTACK0], draws=[[0.99, 0.0, 0.0]])  # a miss turns the attacker too
    assert int(s.facing[0, 0]) == NE
    assert int(s.facing[0, 1]) == W  # the target does not turn


def test_rear_arc_bonus_to_hit_and_damage(unit, weapon, duel, at):
    game, s = duel(unit("alpha", weapons=[_melee(weapon, damage=9)]), unit("beta"), ROOM)
    assert int(s.facing[0, 1]) == W
    cases = {(4, 1): False, (4, 0): False, (5, 0): False, (5, 2): False,  # front and flanks
             (6, 1): True, (6, 0): True, (6, 2): True}  # behind the line of Beta's facing
    for (x, y), rear in cases.items():
        t = s.copy()
        t.pos[0, 0] = at(game, x, y)
        assert _chance(game, t) == pytest.approx(0.7 if rear else 0.5), (x, y)
        _, dealt = _hit(game, t)
        assert dealt == (9 + 9 // 2 if rear else 9), (x, y)


def test_cover_makes_ranged_attacks_harder(unit, weapon, duel, at):
    game, s = duel(unit("alpha", weapons=[_gun(weapon), _melee(weapon)]), unit("beta"), ROOM)
    s.pos[0, 1] = at(game, 1, 0)  # Beta in cover, two tiles away (no point-blank shot)
    s.pos[0, 0] = at(game, 3, 1)
    _face_each_other(game, s)
    assert _chance(game, s, 0) == pytest.approx(0.3)
    assert _chance(game, s, 1) == pytest.approx(0.5)  # melee ignores cover
    s.pos[0, 1] = at(game, 2, 0)  # out of cover
    s.pos[0, 0] = at(game, 4, 1)
    _face_each_other(game, s)
    assert _chance(game, s, 0) == pytest.approx(0.5)
    s.pos[0, 0] = at(game, 1, 0)  # the attacker's own cover does nothing for it
    s.pos[0, 1] = at(game, 3, 0)
    _face_each_other(game, s)
    assert _chance(game, s, 0) == pytest.approx(0.5)


def test_a_ranged_weapon_fired_point_blank_is_harder_to_aim(unit, weapon, duel, at):
    game, s = duel(unit("alpha", weapons=[_gun(weapon), _melee(weapon)]), unit("beta"), ROOM)
    s.pos[0] = (at(game, 3, 1), at(game, 4, 1))  # adjacent
    _face_each_other(game, s)
    assert _chance(game, s, 0) == pytest.approx(0.5 - K.POINT_BLANK_PENALTY)
    assert _chance(game, s, 1) == pytest.approx(0.5)  # melee is made for it
    _, ev = step(game, s, [ATTACK0], draws=[[0.99, 0.0, 0.0]], events=True)
    assert [e for e in ev[0] if e["event"] == "attack"][0]["terms"]["point_blank"] == pytest.approx(-K.POINT_BLANK_PENALTY)
    s.pos[0, 1] = at(game, 5, 1)  # two tiles: a clean shot
    _face_each_other(game, s)
    assert _chance(game, s, 0) == pytest.approx(0.5)


def test_high_ground_helps_the_ranged_shooter_standing_on_it(unit, weapon, duel, at):
    game, s = duel(unit("alpha", weapons=[_gun(weapon), _melee(weapon)]), unit("beta"), ROOM)
    s.pos[0, 0] = at(game, 1, 2)  # on high ground
    s.pos[0, 1] = at(game, 3, 1)
    _face_each_other(game, s)
    assert _chance(game, s, 0) == pytest.approx(0.65)
    assert _chance(game, s, 1) == pytest.approx(0.5)  # melee: no bonus
    s.pos[0, 0], s.pos[0, 1] = at(game, 0, 2), at(game, 1, 2)  # both on high ground: no bonus (a point-blank shot)
    _face_each_other(game, s)
    assert _chance(game, s, 0) == pytest.approx(0.5 - K.POINT_BLANK_PENALTY)
    s.pos[0, 0], s.pos[0, 1] = at(game, 3, 1), at(game, 1, 2)  # shooting up at it: no bonus either
    _face_each_other(game, s)
    assert _chance(game, s, 0) == pytest.approx(0.5)


def test_guard_makes_the_guard_harder_to_hit_until_its_next_turn(unit, weapon, duel):
    game, s = duel(unit("alpha", weapons=[_gun(weapon)]), unit("beta"), ROOM, first=1)
    s, _ = step(game, s, [GUARD])
    s, _ = step(game, s, [END])
    assert int(s.active[0]) == 0 and s.guard[0, 1]
    assert _chance(game, s) == pytest.approx(0.3)
    s, _ = step(game, s, [END])
    assert int(s.active[0]) == 1 and not s.guard[0, 1]  # its turn came: the guard is down


def test_evasion_from_the_targets_agility(unit, weapon, duel):
    for agility, chance in ((0, 0.5), (1, 0.47), (5, 0.35), (16, 0.02), (30, 0.0)):
        for own in (0, 30):  # the attacker's own agility plays no part
            game, s = duel(unit("alpha", weapons=[_gun(weapon)], agility=own), unit("beta", agility=agility), ROOM, first=None)
            s = _alpha_to_act(game, s)
            assert _chance(game, s) == pytest.approx(chance), agility


def test_hit_chance_is_clipped_to_zero_and_one(unit, weapon, duel, at):
    game, s = duel(unit("alpha", weapons=[_melee(weapon, accuracy=0.95)]), unit("beta"), ROOM)
    s.pos[0, 0] = at(game, 6, 1)  # rear: 0.95 + 0.20
    assert _chance(game, s) == 1.0
    s2, dealt = _hit(game, s)
    after, _ = step(game, s, [ATTACK0], draws=[[0.999999, 0.0, 0.0]])
    assert int(after.integrity[0, 1]) < 100  # a certain hit lands on any draw
    game, s = duel(unit("alpha", weapons=[_gun(weapon, accuracy=0.1)]), unit("beta", agility=10), ROOM, first=None)
    s = _alpha_to_act(game, s)
    assert _chance(game, s) == 0.0
    after, _ = step(game, s, [ATTACK0], draws=[[0.0, 0.0, 0.0]])
    assert int(after.integrity[0, 1]) == 100  # a zero chance never hits


def test_damage_roll_is_uniform_between_low_and_high(unit, weapon, duel):
    game, s = duel(unit("alpha", weapons=[_gun(weapon, damage=(3, 6))]), unit("beta"), ROOM)
    for u, roll in ((0.0, 3), (0.2499, 3), (0.25, 4), (0.5, 5), (0.75, 6), (0.999999, 6)):
        _, dealt = _hit(game, s, damage_draw=u)
        assert dealt == roll, u
    prev = attack_preview(game, s)
    assert prev["low"][0, 0] == 3 and prev["high"][0, 0] == 6
    assert prev["expected"][0, 0] == pytest.approx(0.5 * 4.5)


def test_firepower_adds_to_ranged_damage_only(unit, weapon, duel, at):
    game, s = duel(unit("alpha", firepower=4, weapons=[_gun(weapon), _melee(weapon)]), unit("beta"), ROOM)
    s.pos[0, 0] = at(game, 4, 1)
    assert _hit(game, s, 0)[1] == 12
    assert _hit(game, s, 1)[1] == 8


def test_armor_reduces_damage(unit, weapon, duel, at):
    game, s = duel(unit("alpha", weapons=[_gun(weapon), _melee(weapon)], armor=9), unit("beta", armor=3), ROOM)
    s.pos[0, 0] = at(game, 4, 1)
    assert _hit(game, s, 0)[1] == 5
    assert _hit(game, s, 1)[1] == 5


def test_damage_is_never_negative(unit, weapon, duel):
    gun = _gun(weapon, damage=(1, 4), melt=3)
    game, s = duel(unit("alpha", weapons=[gun], firepower=2), unit("beta", armor=20), ROOM)
    after, ev = step(game, s, [ATTACK0], draws=[[0.0, 0.99, 0.0]], events=True)
    attack = [e for e in ev[0] if e["event"] == "attack"][0]
    assert attack["hit"] and attack["damage"] == 0
    assert int(after.integrity[0, 1]) == 100
    assert int(after.heat[0, 1]) == 3  # the hit still lands its melt
    assert attack_preview(game, s)["high"][0, 0] == 0


def test_integrity_zero_destroys_the_target_and_ends_the_duel(unit, weapon, duel):
    game, s = duel(unit("alpha", weapons=[_gun(weapon)]), unit("beta", integrity=5), ROOM)
    s, ev = step(game, s, [ATTACK0], draws=[[0.0, 0.0, 0.0]], events=True)
    assert s.done[0] and int(s.winner[0]) == 0 and int(s.outcome[0]) == DESTROYED
    assert int(s.integrity[0, 1]) == 0
    assert bare(ev[0])[-1] == {"event": "result", "winner": 0, "outcome": "destroyed", "turns": 1}


def test_attack_events_carry_every_hit_term(unit, weapon, duel):
    game, s = duel(unit("alpha", weapons=[_gun(weapon)]), unit("beta", agility=2), ROOM, first=None)
    s = _alpha_to_act(game, s)
    _, ev = step(game, s, [ATTACK0], draws=[[0.1, 0.0, 0.0]], events=True)
    attack = [e for e in ev[0] if e["event"] == "attack"][0]
    assert set(attack["terms"]) == {"accuracy", "evasion", "guard", "cover", "high_ground", "rear", "exposed", "point_blank",
                                    "ambush"}
    assert attack["terms"]["evasion"] == pytest.approx(-0.06)
    assert attack["chance"] == pytest.approx(sum(attack["terms"].values()))
