"""Scenario tests of the abilities: core extraction and mimic (leap is in test_rules_movement)."""

from __future__ import annotations

import numpy as np
from conftest import bare
import pytest

from gladiator.rules import constants as K
from gladiator.engine import attack_preview, extraction_preview, legal_mask, observe, step
from gladiator.errors import IllegalAction
from gladiator.game import ATTACK0, END, EXTRACT
from gladiator.state import CORE_EXTRACTED, NONE

# Alpha at (1, 1) facing east, Beta at (2, 1) facing west: adjacent, face to face
PIT = "....\n.AB.\n...."


def _extractor(unit, **stats):
    return unit("alpha", abilities=("core_extraction",), **({"actions": 3} | stats))


def _alpha_to_act(game, s):
    if int(s.active[0]) == 1:
        s, _ = step(game, s, [END])
    return s


def _can_extract(game, s):
    return bool(legal_mask(game, s)[0, EXTRACT])


def test_core_extraction_needs_an_opening(unit, duel, at):
    game, s = duel(_extractor(unit), unit("beta", heat_capacity=20), PIT)
    assert not _can_extract(game, s)  # healthy, cool, and facing Alpha
    with pytest.raises(IllegalAction, match="not open to core extraction"):
        step(game, s, [EXTRACT])
    for integrity, ok in ((41, False), (40, True), (1, True)):  # badly damaged: at most 40% of 100
        t = s.copy()
        t.integrity[0, 1] = integrity
        assert _can_extract(game, t) == ok, integrity
    for heat, ok in ((20, False), (21, True)):  # overheated: above its capacity
        t = s.copy()
        t.heat[0, 1] = heat
        assert _can_extract(game, t) == ok, heat
    for (x, y) in ((3, 1), (3, 0), (2, 0), (1, 0)):  # walking round behind it opens nothing
        t = s.copy()
        t.pos[0, 0] = at(game, x, y)
        assert not _can_extract(game, t), (x, y)


def test_a_leap_behind_the_enemy_catches_it_until_its_next_turn(unit, duel, at):
    leaper = unit("alpha", abilities=("core_extraction", "leap"), actions=3, agility=6)
    game, s = duel(leaper, unit("beta", heat_capacity=20), "......\n.A.B..\n......")
    s.facing[0, 1] = 6  # Beta faces west, towards Alpha
    for (x, y), caught in (((4, 1), True), ((4, 0), True), ((2, 0), False), ((3, 0), False)):
        t, ev = step(game, s, [game.space.leap(at(game, x, y))], events=True)
        assert bool(t.caught[0, 1]) == caught and _can_extract(game, t) == caught, (x, y)
        leap = [e for e in ev[0] if e["event"] == "leap"][0]
        assert leap["behind"] == caught and int(t.ap[0]) == 3 - K.COST_LEAP
    t, _ = step(game, s, [game.space.leap(at(game, 4, 1))])
    t, _ = step(game, t, [END])  # Beta's turn begins: no longer caught
    assert not t.caught[0, 1]


def test_a_second_leap_is_told_behind_only_where_it_lands(unit, duel, at):
    """The leap event tells where that leap landed: a second leap away from the enemy is not "behind" it."""
    leaper = unit("alpha", abilities=("core_extraction", "leap"), actions=6, agility=6)
    game, s = duel(leaper, unit("beta", heat_capacity=40), "..........\n.A.B......\n..........")
    s.facing[0, 1] = 6  # Beta faces west, towards Alpha
    t, first = step(game, s, [game.space.leap(at(game, 4, 1))], events=True)  # behind Beta
    t, second = step(game, t, [game.space.leap(at(game, 8, 1))], events=True)  # far away, east of it
    leaps = [e for ev in (first, second) for e in ev[0] if e["event"] == "leap"]
    assert [e["behind"] for e in leaps] == [True, False]
    assert bool(t.caught[0, 1])  # caught by the first leap until its next turn, whatever the second one did


def test_core_extraction_needs_the_ability_adjacency_and_two_points(unit, duel, at):
    game, s = duel(unit("alpha", actions=3), unit("beta"), PIT)
    s.integrity[0, 1] = 1
    assert not _can_extract(game, s)
    game, s = duel(_extractor(unit), unit("beta"), PIT)
    s.integrity[0, 1] = 1
    assert _can_extract(game, s)
    s.pos[0, 0] = at(game, 0, 1)  # two tiles away
    assert not _can_extract(game, s)
    with pytest.raises(IllegalAction, match="adjacent"):
        step(game, s, [EXTRACT])
    s.pos[0, 0] = at(game, 1, 1)
    s.ap[0] = 1
    assert not _can_extract(game, s)


@pytest.mark.parametrize("mine, theirs, rear, odds", [  # the target at 40 of 100 integrity: +0.8 x 0.6 lost
    (0, 0, False, 0.48), (8, 2, False, 0.66), (8, 2, True, 0.66), (2, 8, False, 0.30),
    (0, 10, False, 0.18), (0, 20, False, 0.05), (20, 0, False, 0.95), (12, 0, True, 0.84), (3, 5, True, 0.42),
])
def test_core_extraction_odds_from_the_agility_difference(unit, duel, at, mine, theirs, rear, odds):
    game, s = duel(_extractor(unit, agility=mine), unit("beta", agility=theirs), PIT, first=None)
    s = _alpha_to_act(game, s)
    s.integrity[0, 1] = 40
    if rear:
        s.pos[0, 0] = at(game, 3, 1)
    assert float(extraction_preview(game, s)[0]) == pytest.approx(odds)
    won, ev = step(game, s, [EXTRACT], draws=[[0.0, 0.0, odds - 1e-9]], events=True)
    lost, _ = step(game, s, [EXTRACT], draws=[[0.0, 0.0, odds]])
    assert won.done[0] and not lost.done[0]
    extract = [e for e in ev[0] if e["event"] == "extract"][0]
    assert extract["chance"] == pytest.approx(odds) and extract["success"]


def test_an_extraction_event_carries_the_odds_the_extractor_was_shown(unit, duel):
    gamma = unit("gamma", agility=0, integrity=100)
    game, s = duel(_extractor(unit, agility=6), unit("beta", agility=4, abilities=("mimic",)), PIT, first=None,
                   roster=(gamma,))
    s = _alpha_to_act(game, s)
    s.integrity[0, 1] = 30
    s.disguise[0, 1], s.disguise_turns[0, 1] = game.unit_index("gamma"), 2
    shown = float(extraction_preview(game, observe(game, s, 0))[0])
    _, ev = step(game, s, [EXTRACT], draws=[[0.0, 0.0, 0.99]], events=True)
    extract = [e for e in ev[0] if e["event"] == "extract"][0]
    assert extract["seen"]["chance"] == pytest.approx(shown)
    assert extract["chance"] != pytest.approx(shown)  # the truth differs: the disguise is what was judged


def test_a_successful_extraction_ends_the_duel_at_once(unit, duel):
    game, s = duel(_extractor(unit), unit("beta"), PIT)
    s.integrity[0, 1] = 30
    s, ev = step(game, s, [EXTRACT], draws=[[0.99, 0.99, 0.0]], events=True)
    assert s.done[0] and int(s.winner[0]) == 0 and int(s.outcome[0]) == CORE_EXTRACTED
    assert int(s.turn[0]) == 1 and int(s.integrity[0, 1]) == 30
    assert bare(ev[0])[-1] == {"event": "result", "winner": 0, "outcome": "core_extracted", "turns": 1}
    assert not legal_mask(game, s).any()


def test_a_failed_extraction_exposes_the_attacker_until_its_next_turn(unit, weapon, duel):
    blade = weapon("blade", kind="melee", range=1, accuracy=0.5, damage=5)
    game, s = duel(_extractor(unit, actions=2), unit("beta", weapons=[blade]), PIT)
    s.integrity[0, 1] = 30
    s, _ = step(game, s, [EXTRACT], draws=[[0.0, 0.0, 0.99]])
    assert not s.done[0] and int(s.outcome[0]) == NONE
    assert s.exposed[0, 0] and int(s.active[0]) == 1  # two points spent: Beta's turn
    assert float(attack_preview(game, s)["chance"][0, 0]) == pytest.approx(0.75)  # 0.5 + 0.25 exposed
    s, _ = step(game, s, [END])
    assert not s.exposed[0, 0]


def _mimic_game(unit, weapon, duel, **alpha):
    claw = weapon("claw", kind="melee", range=1, accuracy=0.6, damage=4)
    rifle = weapon("rifle", kind="ranged", range=9, accuracy=0.9, damage=(10, 12), heat=1)
    cannon = weapon("cannon", kind="ranged", range=2, accuracy=0.4, damage=20)
    alpha = unit("alpha", weapons=[claw], abilities=("mimic",), **({"agility": 6, "firepower": 2} | alpha))
    beta = unit("beta", weapons=[cannon], agility=1)
    gamma = unit("gamma", weapons=[rifle, claw], agility=9, armor=9, firepower=7)
    return duel(alpha, beta, "A.....B", roster=(gamma,))


def test_a_disguise_changes_the_look_not_the_weapons_and_ends_in_an_ambush(unit, weapon, duel, at):
    game, s = _mimic_game(unit, weapon, duel)
    alpha, gamma = game.unit_index("alpha"), game.unit_index("gamma")
    ap = int(s.ap[0])
    s, ev = step(game, s, [game.space.mimic(gamma)], events=True)
    assert int(s.disguise[0, 0]) == gamma and int(s.ap[0]) == ap - K.COST_MIMIC
    assert {"event": "mimic", "side": 0, "as": "gamma", "was": "alpha", "turns": 3} in bare(ev[0])
    assert not attack_preview(game, s)["usable"][0].any()  # still the claw, which does not reach
    assert int(observe(game, s, 1).foe_look[0]) == gamma  # Beta sees Gamma's rifle and armor ...
    s.pos[0, 0] = s.pos[0, 1] - 1  # ... while Alpha closes in
    assert attack_preview(game, s)["chance"][0, 0] == pytest.approx(0.6 - 0.03 * 1)  # put on this turn: no ambush yet
    s, _ = step(game, s, [END])
    s, _ = step(game, s, [END])  # Beta has had a turn to be fooled
    assert int(s.active[0]) == 0 and int(s.disguise[0, 0]) == gamma
    prev = attack_preview(game, s)
    assert prev["chance"][0, 0] == pytest.approx(0.6 - 0.03 * 1 + K.AMBUSH_BONUS)
    assert (prev["low"][0, 0], prev["high"][0, 0]) == (4 + 4 // 2, 4 + 4 // 2)
    s, ev = step(game, s, [ATTACK0], draws=[[0.0, 0.0, 0.0]], events=True)
    attack = [e for e in ev[0] if e["event"] == "attack"][0]
    assert attack["ambush"] and attack["unmask"] and attack["weapon"] == "claw" and attack["damage"] == 6
    assert int(s.disguise[0, 0]) == -1 and int(observe(game, s, 1).foe_look[0]) == alpha  # the disguise is thrown off
    s, ev = step(game, s, [ATTACK0], draws=[[0.0, 0.0, 0.0]], events=True)
    attack = [e for e in ev[0] if e["event"] == "attack"][0]
    assert not attack["ambush"] and not attack["unmask"]  # only the first attack is an ambush


def test_an_attack_from_a_disguise_put_on_this_turn_throws_it_off_with_no_ambush(unit, weapon, duel):
    game, s = _mimic_game(unit, weapon, duel)
    s, _ = step(game, s, [game.space.mimic(game.unit_index("gamma"))])
    s.pos[0, 0] = s.pos[0, 1] - 1
    assert not observe(game, s, 0).my_ambush[0]
    s, ev = step(game, s, [ATTACK0], draws=[[0.0, 0.0, 0.0]], events=True)
    attack = [e for e in ev[0] if e["event"] == "attack"][0]
    assert attack["unmask"] and not attack["ambush"] and attack["damage"] == 4 and attack["terms"]["ambush"] == 0
    assert int(s.disguise[0, 0]) == -1 and not s.disguise_fresh[0, 0]


def test_a_disguise_is_put_on_unseen(unit, weapon, duel, at):
    alpha = unit("alpha", abilities=("mimic",))
    game, s = duel(alpha, unit("beta"), "A..B.\n.....\n.#...\nC....".replace("C", "."))
    beta = game.unit_index("beta")
    assert not legal_mask(game, s)[0, game.space.mimic(beta)]  # 3 tiles away, in sight
    with pytest.raises(IllegalAction, match="where the enemy sees it"):
        step(game, s, [game.space.mimic(beta)])
    s.pos[0, 0] = at(game, 0, 3)  # behind the wall, out of sight, 3 tiles away
    assert legal_mask(game, s)[0, game.space.mimic(beta)]
    s.pos[0, 1] = at(game, 4, 3)  # in sight again, but 4 tiles away: too far to see the change
    assert legal_mask(game, s)[0, game.space.mimic(beta)]


def test_mimic_may_copy_the_enemy_but_not_itself(unit, weapon, duel):
    game, s = _mimic_game(unit, weapon, duel)
    sp = game.space
    mask = legal_mask(game, s)[0, sp.mimic0 : sp.move0]
    assert list(mask) == [False, True, True]  # alpha, beta, gamma
    s, _ = step(game, s, [sp.mimic(game.unit_index("beta"))])
    assert not legal_mask(game, s)[0, sp.mimic0 : sp.move0].any()  # already disguised
    with pytest.raises(IllegalAction, match="already disguised"):
        step(game, s, [sp.mimic(game.unit_index("gamma"))])
    # the enemy's stats are not copied: Beta's attack on Alpha meets Alpha's own agility 6 ...
    s, _ = step(game, s, [END])
    s.pos[0, 1] = s.pos[0, 0] + 2
    _, ev = step(game, s, [ATTACK0], draws=[[0.99, 0.0, 0.0]], events=True)
    attack = [e for e in ev[0] if e["event"] == "attack"][0]
    assert attack["chance"] == pytest.approx(0.4 - 0.03 * 6)
    # ... while Beta sees, and previews against, the suit shown: Beta's own agility 1
    assert float(attack_preview(game, s)["chance"][0, 0]) == pytest.approx(0.4 - 0.03 * 1)
    assert attack["seen"]["chance"] == pytest.approx(0.4 - 0.03 * 1)


def test_mimic_needs_the_ability(unit, weapon, duel):
    game, s = duel(unit("alpha"), unit("beta"), "A...B")
    sp = game.space
    assert not legal_mask(game, s)[0, sp.mimic0 : sp.move0].any()
    with pytest.raises(IllegalAction, match="cannot mimic"):
        step(game, s, [sp.mimic(1)])


def test_the_opponent_observes_the_disguise_not_the_truth(unit, weapon, duel):
    game, s = _mimic_game(unit, weapon, duel)
    alpha, gamma = game.unit_index("alpha"), game.unit_index("gamma")
    assert int(observe(game, s, 1).foe_look[0]) == alpha
    s, _ = step(game, s, [game.space.mimic(gamma)])
    seen = observe(game, s, 1)
    assert int(seen.foe_look[0]) == gamma
    own = observe(game, s, 0)
    assert int(own.my_unit[0]) == alpha and int(own.my_disguise[0]) == gamma
    assert int(observe(game, s, np.array([1])).foe_look[0]) == gamma
    assert int(observe(game, s, 1, spectator=True).foe_look[0]) == alpha  # the spectator sees the truth


def test_mimic_expires_after_its_turns(unit, weapon, duel):
    game, s = _mimic_game(unit, weapon, duel)
    gamma = game.unit_index("gamma")
    s, _ = step(game, s, [game.space.mimic(gamma)])  # put on in Alpha's turn 1
    seen = []
    for _ in range(8):
        s, ev = step(game, s, [END], events=True)
        if int(s.active[0]) == 0:
            seen.append((int(s.turn[0]), int(s.disguise[0, 0])))
            turn = [e for e in ev[0] if e["event"] == "turn"][0]
            assert turn["disguise_ended"] == (int(s.turn[0]) == 7)
    assert seen == [(3, gamma), (5, gamma), (7, -1), (9, -1)]  # three own turns: 1, 3 and 5
    assert int(observe(game, s, 1).foe_look[0]) == game.unit_index("alpha")  # seen as itself again


def test_a_suit_with_mimic_may_start_the_duel_disguised(unit, weapon, duel):
    from gladiator.engine import new_duels
    from gladiator.errors import GladiatorError

    game, _ = _mimic_game(unit, weapon, duel, agility=1)  # agility as Beta's: the coin decides who moves first
    alpha, beta, gamma = (game.unit_index(u) for u in ("alpha", "beta", "gamma"))
    firsts = set()
    for seed in range(8):  # whichever side moves first, the disguise lasts three of its owner's turns
        s = new_duels(game, ("alpha", "beta"), [seed], disguise=("gamma", None))
        firsts.add(int(s.first[0]))
        assert int(observe(game, s, 1).foe_look[0]) == gamma and int(observe(game, s, 0).my_unit[0]) == alpha
        worn = 0
        while not s.done[0] and int(s.turn[0]) < 12:
            if int(s.active[0]) == 0:
                worn += int(s.disguise[0, 0] == gamma)
            s, _ = step(game, s, [END])
        assert worn == 3
    assert firsts == {0, 1}
    many = new_duels(game, np.array([[alpha, beta]] * 2), [1, 2], disguise=np.array([[gamma, -1], [-1, -1]]))
    assert many.disguise[:, 0].tolist() == [gamma, -1]
    with pytest.raises(GladiatorError, match="Beta cannot start disguised"):
        new_duels(game, ("alpha", "beta"), [1], disguise=(None, "gamma"))
    with pytest.raises(GladiatorError, match="as itself"):
        new_duels(game, ("alpha", "beta"), [1], disguise=("alpha", None))
    with pytest.raises(GladiatorError, match="unknown unit"):
        new_duels(game, ("alpha", "beta"), [1], disguise=("zed", None))
