"""Scenario tests of heat: weapon heat, melt, cooling, overheating, venting, hazards."""

from __future__ import annotations

import numpy as np
from conftest import bare
import pytest

from gladiator.duel import game_for
from gladiator.engine import attack_preview, legal_mask, new_duels, step
from gladiator.errors import IllegalAction
from gladiator.game import ATTACK0, END, VENT
from gladiator.state import DESTROYED

ROOM = "A.B~.\n....."


def _gun(weapon, **kw):
    return weapon("gun", **({"kind": "ranged", "range": 6, "accuracy": 0.5, "damage": 5} | kw))


def _pass_round(game, s):
    """End this turn and the enemy's: back to the same side, at the start of its next turn."""
    s, _ = step(game, s, [END])
    s, _ = step(game, s, [END])
    return s


def test_weapons_heat_the_attacker_hit_or_miss(unit, weapon, duel):
    game, s = duel(unit("alpha", weapons=[_gun(weapon, heat=4)]), unit("beta"), ROOM)
    for draw in (0.0, 0.99):
        after, _ = step(game, s, [ATTACK0], draws=[[draw, 0.0, 0.0]])
        assert int(after.heat[0, 0]) == 4
        assert int(after.heat[0, 1]) == 0


def test_melt_heats_the_target_on_a_hit_only(unit, weapon, duel):
    game, s = duel(unit("alpha", weapons=[_gun(weapon, melt=7)]), unit("beta"), ROOM)
    hit, _ = step(game, s, [ATTACK0], draws=[[0.0, 0.0, 0.0]])
    miss, _ = step(game, s, [ATTACK0], draws=[[0.99, 0.0, 0.0]])
    assert int(hit.heat[0, 1]) == 7 and int(miss.heat[0, 1]) == 0


def test_cooling_at_the_start_of_each_own_turn(unit, duel):
    game, s = duel(unit("alpha", cooling=3), unit("beta", cooling=5), ROOM)
    s.heat[0] = [10, 10]
    s, _ = step(game, s, [END])  # Beta's turn begins: Beta cools, Alpha does not
    assert list(s.heat[0]) == [10, 5]
    s, _ = step(game, s, [END])
    assert list(s.heat[0]) == [7, 5]
    s.heat[0, 0] = 2
    s = _pass_round(game, s)
    assert int(s.heat[0, 0]) == 0  # never below zero


def test_overheat_damages_integrity_and_costs_an_action_point(unit, duel):
    game, s = duel(unit("alpha", heat_capacity=10, cooling=2, actions=3), unit("beta"), ROOM)
    s.heat[0, 0] = 15
    s = _pass_round(game, s)
    assert int(s.heat[0, 0]) == 13  # cooled first
    assert int(s.integrity[0, 0]) == 97  # 1 integrity per point above capacity
    assert int(s.ap[0]) == 2
    s.heat[0, 0] = 12  # cools to exactly the capacity: no harm
    s = _pass_round(game, s)
    assert int(s.integrity[0, 0]) == 97 and int(s.ap[0]) == 3


def test_overheat_never_leaves_less_than_one_action_point(unit, duel):
    game, s = duel(unit("alpha", heat_capacity=0, actions=1), unit("beta"), ROOM)
    s.heat[0, 0] = 5
    s = _pass_round(game, s)
    assert int(s.ap[0]) == 1 and int(s.integrity[0, 0]) == 95


def test_overheat_can_melt_a_suit(unit, duel):
    game, s = duel(unit("alpha", heat_capacity=10, integrity=4), unit("beta"), ROOM)
    s.heat[0, 0] = 15
    s, _ = step(game, s, [END])
    s, ev = step(game, s, [END], events=True)
    assert s.done[0] and int(s.outcome[0]) == DESTROYED and int(s.winner[0]) == 1
    assert int(s.integrity[0, 0]) == 0
    assert {"event": "melted", "side": 0} in bare(ev[0])


def test_vent_sheds_extra_heat(unit, duel):
    game, s = duel(unit("alpha", cooling=3, actions=3), unit("beta"), ROOM)
    assert not legal_mask(game, s)[0, VENT]  # nothing to vent
    with pytest.raises(IllegalAction, match="no heat"):
        step(game, s, [VENT])
    s.heat[0, 0] = 20
    s, _ = step(game, s, [VENT])
    assert int(s.heat[0, 0]) == 20 - (6 + 3)
    s.heat[0, 0] = 4
    s, _ = step(game, s, [VENT])
    assert int(s.heat[0, 0]) == 0


def test_hazard_heats_whoever_ends_a_turn_on_it(unit, duel, at):
    game, s = duel(unit("alpha", speed=5), unit("beta"), ROOM, hazard_heat=7)
    hazard = at(game, 3, 0)
    walked, _ = step(game, s, [game.space.move(hazard)])
    assert int(walked.heat[0, 0]) == 0  # nothing until the turn ends
    passed, _ = step(game, walked, [game.space.move(at(game, 4, 1))])
    assert int(passed.heat[0, 0]) == 0  # walked off again: nothing
    ended, ev = step(game, walked, [END], events=True)
    assert int(ended.heat[0, 0]) == 7
    assert {"event": "hazard", "side": 0, "heat": 7, "heat_after": 7} in bare(ev[0])
    # standing on it through the enemy's turn does nothing more; Beta's own end of turn elsewhere neither
    ended, _ = step(game, ended, [END])
    assert int(ended.heat[0, 0]) == 7 and int(ended.heat[0, 1]) == 0


def test_hazard_heat_also_applies_when_action_points_run_out(unit, duel, at):
    game, s = duel(unit("alpha", actions=1), unit("beta"), ROOM, hazard_heat=4)
    s, _ = step(game, s, [game.space.move(at(game, 3, 0))])
    assert int(s.active[0]) == 1 and int(s.heat[0, 0]) == 4


def test_viola_can_bring_rouge_to_the_edge_of_melting(catalog):
    """With her hits landing, Viola's melt pushes Rouge over her heat capacity within a few turns."""
    game = game_for(catalog, "open_field")
    s = new_duels(game, ("rouge", "viola"), [0])
    rouge = catalog.unit("rouge").stats
    s.pos[0, 1] = s.pos[0, 0] + 1  # Viola right next to Rouge
    overheated = False
    for _ in range(8):
        if int(s.active[0]) == 0:
            if int(s.heat[0, 0]) > rouge.heat_capacity:
                overheated = True
                break
            s, _ = step(game, s, [END])
            continue
        while int(s.active[0]) == 1 and not s.done[0]:
            usable = attack_preview(game, s)["usable"][0]
            if not usable.any():
                s, _ = step(game, s, [END])
                break
            melt = np.where(usable, game.tables.w_melt[game.unit_index("viola")], -1)
            s, _ = step(game, s, [ATTACK0 + int(np.argmax(melt))], draws=[[0.0, 0.0, 0.0]])
    assert overheated, f"Rouge's heat {int(s.heat[0, 0])} never passed {rouge.heat_capacity}"
