"""Scenario tests of rules version 4 (a game compiled with rules=4, the version being made), each against version 3 where
the two differ: the struck unit turning, the guard's strike at a unit walking into its reach, the grab and the tear-out, the charge, Nectar as the
fuel of leaps and disguises, the disguise out of sight, and the Nectar clock settled by the round."""

from __future__ import annotations

import pytest
from conftest import build_duel, forced

from gladiator.batch import make_spec
from gladiator.bots import make_bot
from gladiator.duel import decide
from gladiator.engine import Legal, attack_preview, extraction_preview, legal_mask, observe, step, turn_forecast
from gladiator.errors import GladiatorError, IllegalAction
from gladiator.game import ATTACK0, END, EXTRACT, GUARD, make_game
from gladiator.rules import constants as K
from gladiator.rules.legal import HELD, MIMIC_ENEMY, NO_NECTAR, SEEN, refusal
from gladiator.state import CORE_EXTRACTED, DRAW, NONE, SHUTDOWN

ROW = "........\n.A.B....\n........"  # Alpha at (1, 1), Beta at (3, 1): two apart, in sight
HIT, MISS = forced(hit=0.0), forced(hit=0.999)


def _kinds(events: list[dict]) -> list[str]:
    return [e["event"] for e in events]


def _facing(game, frm: int, to: int) -> int:
    return int(game.geo.dir_to[frm, to])


@pytest.mark.parametrize("rules", [0, 5, True, "4"])
def test_an_unknown_rules_version_is_refused(unit, rules, catalog):
    with pytest.raises(GladiatorError, match="rules"):
        build_duel(unit("alpha"), unit("beta"), ROW, rules=rules)
    with pytest.raises(GladiatorError, match="--rules"):
        make_spec(catalog, ("rouge", "viola"), "concert_hall", 10, 1, ("greedy", "greedy"), rules=rules)


@pytest.mark.parametrize("rules", [3, 4])
def test_a_struck_unit_turns_to_face_its_attacker_in_version_4(unit, at, rules):
    game, s = build_duel(unit("alpha", actions=3), unit("beta"), "....\n.AB.\n....", rules=rules)
    away = 2  # Beta turned east, its back to Alpha (directions: 0 north, 2 east, 4 south, 6 west)
    s.facing[0, 1] = away
    for draws in (HIT, MISS):  # a miss shows where it came from too
        t, _ = step(game, s, [ATTACK0], draws=draws)
        want = _facing(game, at(game, 2, 1), at(game, 1, 1)) if rules == 4 else away
        assert int(t.facing[0, 1]) == want


@pytest.mark.parametrize("rules", [3, 4])
def test_a_guarding_unit_strikes_once_at_a_unit_walking_into_its_reach_and_the_guard_is_spent(unit, weapon, at, rules):
    kit = [weapon("claw", damage=(6, 6), accuracy=0.9)]
    game, s = build_duel(unit("alpha", actions=4), unit("beta", weapons=kit), ROW, rules=rules)
    s.guard[0, 1] = True  # Beta guards
    t, ev = step(game, s, [game.space.move(at(game, 2, 1))], draws=HIT, events=True)  # Alpha walks up to it
    watch = [e for e in ev[0] if e["event"] == "attack" and e["side"] == 1]
    if rules == 3:
        assert not watch and bool(t.guard[0, 1])
        return
    assert len(watch) == 1 and watch[0]["watch"] and watch[0]["weapon"] == "claw"
    assert int(t.integrity[0, 0]) == 100 - 6 and not t.guard[0, 1]  # struck once; the guard is spent
    assert not t.guard[0, 0]  # a move does not guard the mover
    charge = [e for e in ev[0] if e["event"] == "attack" and e["side"] == 0]
    assert len(charge) == 1 and charge[0]["charge"]  # then the mover's charge, at a unit no longer guarding
    assert charge[0]["terms"]["guard"] == 0
    missed, _ = step(game, s, [game.space.move(at(game, 2, 1))], draws=forced(hit=0.0, extract=0.999))
    assert int(missed.integrity[0, 0]) == 100 and not missed.guard[0, 1]  # (a miss spends it too)
    aside, ev = step(game, s, [game.space.move(at(game, 1, 0))], draws=HIT, events=True)  # not into its reach: nothing
    assert bool(aside.guard[0, 1]) and not [e for e in ev[0] if e["event"] == "attack"]
    leapt = build_duel(unit("alpha", actions=4, abilities=("leap",)), unit("beta", weapons=kit), ROW, rules=rules)
    lg, ls = leapt
    ls.guard[0, 1] = True
    t, ev = step(lg, ls, [lg.space.leap(at(lg, 2, 1))], draws=HIT, events=True)  # a leap is the way past a guard
    assert bool(t.guard[0, 1]) and not [e for e in ev[0] if e["event"] == "attack" and e["side"] == 1]
    hurt = s.copy()
    hurt.integrity[0, 0] = 5  # the strike from the guard fells a unit on its own turn
    t, ev = step(game, hurt, [game.space.move(at(game, 2, 1))], draws=HIT, events=True)
    assert t.done[0] and int(t.winner[0]) == 1 and "destroyed" in _kinds(ev[0]) and not [
        e for e in ev[0] if e["event"] == "attack" and e["side"] == 0]  # and it never charges


def test_a_guarding_unit_has_no_rear_arc_and_cuts_no_hits_in_version_4(unit, at):
    for rules in (3, 4):
        game, s = build_duel(unit("alpha", actions=3), unit("beta"), "....\n.AB.\n....", rules=rules)
        s.facing[0, 1] = 2  # Beta faces east: Alpha, west of it, stands in its rear arc
        s.guard[0, 1] = True
        seen = attack_preview(game, s)["chance"][0, 0]
        _, ev = step(game, s, [ATTACK0], draws=HIT, events=True)
        attack = [e for e in ev[0] if e["event"] == "attack"][0]
        assert attack["rear"] == (rules == 3), rules
        assert attack["terms"]["guard"] == (0 if rules == 4 else -K.GUARD_PENALTY), rules  # version 4: it watches instead
        assert seen == pytest.approx(attack["chance"])  # the preview says so too


def _grabber(unit, **stats):
    return unit("alpha", abilities=("core_extraction", "leap"), **({"actions": 3, "agility": 6} | stats))


def test_a_grab_holds_the_enemy_and_tears_its_core_out_at_the_holders_next_turn(unit, at):
    game, s = build_duel(_grabber(unit), unit("beta", actions=2), "....\n.AB.\n....", rules=4)
    s.integrity[0, 1] = 30  # badly damaged: open to a grab
    t, ev = step(game, s, [EXTRACT], events=True)  # no roll: sure
    assert bool(t.caught[0, 1]) and "grab" in _kinds(ev[0]) and not t.done[0]
    t, _ = step(game, t, [END])  # Alpha ends its turn; Beta's begins, still held, a point short
    assert int(t.active[0]) == 1 and bool(t.caught[0, 1])
    assert int(t.ap[0]) == 2 - K.STAGGER_AP_COST
    mask = legal_mask(game, t)[0]
    assert not mask[game.space.move0 : game.space.leap0].any() and not mask[EXTRACT]  # held: it stays
    code = refusal(game, t, 0, game.space.move(at(game, 2, 0)))
    assert code.code == HELD and "held" in code.text
    with pytest.raises(IllegalAction, match="held"):
        step(game, t, [game.space.move(at(game, 2, 0))])
    held, ev = step(game, t, [END], events=True)  # it does nothing: Alpha's turn begins with the core torn out
    assert held.done[0] and int(held.winner[0]) == 0 and int(held.outcome[0]) == CORE_EXTRACTED
    assert "tear_out" in _kinds(ev[0])
    freed, ev = step(game, t, [ATTACK0], draws=HIT, events=True)  # a hit on its holder breaks the hold
    assert not freed.caught[0, 1] and "break_free" in _kinds(ev[0])
    attack = [e for e in ev[0] if e["event"] == "attack"][0]
    assert attack["terms"]["guard"] == -K.GUARD_PENALTY and not t.guard[0, 0]  # braced: its holder does not guard
    freed, _ = step(game, freed, [END])
    assert not freed.done[0] and int(freed.outcome[0]) == NONE
    missed, _ = step(game, t, [ATTACK0], draws=MISS)  # a miss does not
    assert bool(missed.caught[0, 1])


def test_a_leap_or_a_walk_behind_an_unguarded_enemy_opens_it_to_a_grab_and_the_leap_burns_nectar(unit, at):
    game, s = build_duel(_grabber(unit), unit("beta", heat_capacity=20), "......\n..AB..\n......", rules=4)
    s.facing[0, 1] = 6  # Beta faces west, towards Alpha: (4, 1) is behind it
    assert refusal(game, s, 0, EXTRACT).code != 0  # whole, cool and in front of it: no grab
    behind = game.space.leap(at(game, 4, 1))  # (from next to it: no charge, which would turn it round)
    t, ev = step(game, s, [behind], events=True)
    assert not t.caught[0, 1] and "grab" not in _kinds(ev[0])  # the leap only puts it there
    assert int(t.nectar[0, 0]) == int(s.nectar[0, 0]) - K.ABILITY_NECTAR
    assert bool(legal_mask(game, t)[0, EXTRACT])
    grabbed, ev = step(game, t, [EXTRACT], events=True)
    assert bool(grabbed.caught[0, 1]) and "grab" in _kinds(ev[0])
    walk = s.copy()
    walk.pos[0, 0] = at(game, 3, 2)  # beside Beta: a step puts it behind
    assert not legal_mask(game, walk)[0, EXTRACT]
    t, _ = step(game, walk, [game.space.move(at(game, 4, 2))])
    assert bool(legal_mask(game, t)[0, EXTRACT])
    g = s.copy()
    g.guard[0, 1] = True  # a guarding enemy has no rear arc: the leap lands, and no grab is open
    t, ev = step(game, g, [behind], events=True)
    assert not legal_mask(game, t)[0, EXTRACT] and refusal(game, t, 0, EXTRACT).code != 0
    dry = s.copy()
    dry.nectar[0, 0] = K.ABILITY_NECTAR  # a leap needs more Nectar than it burns
    assert not legal_mask(game, dry)[0, game.space.leap0 :].any()
    assert refusal(game, dry, 0, behind).code == NO_NECTAR


@pytest.mark.parametrize("rules", [3, 4])
def test_a_leap_into_reach_from_out_of_it_charges_past_a_guard_and_turns_the_enemy(unit, weapon, at, rules):
    kit = [weapon("claw", damage=(5, 5), accuracy=0.6)]
    leaper = unit("alpha", actions=3, agility=6, abilities=("leap", "core_extraction"), weapons=kit)  # leap reach 4
    game, s = build_duel(leaper, unit("beta", weapons=kit), "........\n.A..B...\n........", rules=rules)
    s.facing[0, 1] = 6  # Beta faces west, towards Alpha: (5, 1) is behind it, four tiles from Alpha
    s.guard[0, 1] = True  # and it guards
    t, ev = step(game, s, [game.space.leap(at(game, 5, 1))], draws=HIT, events=True)
    attacks = [e for e in ev[0] if e["event"] == "attack"]
    if rules == 3:
        assert not attacks and int(t.integrity[0, 1]) == 100
        return
    assert len(attacks) == 1 and attacks[0]["side"] == 0 and attacks[0]["charge"] and attacks[0]["weapon"] == "claw"
    assert attacks[0]["terms"]["rear"] == 0  # a guarding enemy has no rear arc
    assert int(t.integrity[0, 1]) == 100 - 5 and int(t.ap[0]) == 3 - K.COST_LEAP  # the strike is free
    assert bool(t.guard[0, 1]) and not t.may_charge[0]  # no guard's strike meets a leap; one charge a turn
    assert int(t.facing[0, 1]) == _facing(game, at(game, 4, 1), at(game, 5, 1))  # struck, it turns to face the leaper
    open_back = s.copy()
    open_back.guard[0, 1] = False
    t, ev = step(game, open_back, [game.space.leap(at(game, 5, 1))], draws=HIT, events=True)
    (charge,) = [e for e in ev[0] if e["event"] == "attack"]
    assert charge["terms"]["rear"] > 0  # landing behind an unguarded enemy, the charge takes the rear arc
    assert not legal_mask(game, t)[0, EXTRACT]  # and the enemy, turned to face it, is no longer open to a grab
    near = open_back.copy()
    near.pos[0, 0] = at(game, 3, 1)  # next to Beta at the turn's start: the leap behind it strikes nothing
    near.may_charge[0] = False
    t, ev = step(game, near, [game.space.leap(at(game, 5, 1))], draws=HIT, events=True)
    assert "attack" not in _kinds(ev[0]) and bool(legal_mask(game, t)[0, EXTRACT])


def test_a_holder_that_moves_away_lets_go(unit, at):
    game, s = build_duel(_grabber(unit), unit("beta"), "....\n.AB.\n....", rules=4)
    s.integrity[0, 1] = 30
    t, _ = step(game, s, [EXTRACT])
    t, ev = step(game, t, [game.space.move(at(game, 0, 1))], events=True)
    assert not t.caught[0, 1] and "let_go" in _kinds(ev[0])


def test_a_walk_into_reach_charges_once_a_turn_begun_out_of_reach_with_the_melee_weapon(unit, weapon, at):
    kit = [weapon("gun", kind="ranged", range=5, accuracy=0.9, damage=(9, 9)), weapon("claw", damage=(5, 5), accuracy=0.6)]
    game, s = build_duel(unit("alpha", actions=4, weapons=kit), unit("beta", actions=3), "........\n.A..B...\n........", rules=4)
    t, ev = step(game, s, [game.space.move(at(game, 3, 1))], draws=HIT, events=True)  # from 3 tiles away to next to it
    attack = [e for e in ev[0] if e["event"] == "attack"]
    assert len(attack) == 1 and attack[0]["charge"] and attack[0]["weapon"] == "claw"
    assert int(t.integrity[0, 1]) == 100 - 5 and int(t.ap[0]) == 4 - K.COST_MOVE  # the strike is free
    assert bool(s.may_charge[0]) and bool(observe(game, s, 0).may_charge[0])  # it began its turn out of reach
    assert not t.may_charge[0] and not observe(game, t, 0).may_charge[0]  # and has charged
    t, _ = step(game, t, [game.space.move(at(game, 2, 1))])  # out of reach again
    t, ev = step(game, t, [game.space.move(at(game, 3, 0))], draws=HIT, events=True)  # in again: no second charge
    assert "attack" not in _kinds(ev[0])
    t, _ = step(game, t, [END])  # Beta's turn, begun next to Alpha: no charge for it this turn
    assert not t.may_charge[0]
    t, ev = step(game, t, [game.space.move(at(game, 5, 1))], draws=HIT, events=True)  # out of reach
    t, ev = step(game, t, [game.space.move(at(game, 4, 1))], draws=HIT, events=True)  # and in again
    assert "attack" not in _kinds(ev[0])
    v3, _ = build_duel(unit("alpha", actions=4, weapons=kit), unit("beta", actions=3), "........\n.A..B...\n........", rules=3)
    _, ev = step(v3, s, [v3.space.move(at(v3, 3, 1))], draws=HIT, events=True)
    assert "attack" not in _kinds(ev[0])  # version 3 has no charge


def test_a_move_that_begins_next_to_the_enemy_does_not_charge(unit, at):
    game, s = build_duel(unit("alpha", actions=3), unit("beta"), "....\n.AB.\n....", rules=4)
    _, ev = step(game, s, [game.space.move(at(game, 1, 0))], draws=HIT, events=True)  # along it, still next to it
    assert "attack" not in _kinds(ev[0])


def _jaron(unit, **stats):
    return unit("alpha", abilities=("mimic",), **({"actions": 3} | stats))


def test_a_disguise_takes_an_action_and_nectar_goes_on_out_of_sight_and_lasts_until_an_attack(unit, at):
    walled = ".......\n.A.#.B.\n.......".replace("\n.......", "\n...#...")  # a wall column between them
    roster = (unit("gamma"),)
    game, s = build_duel(_jaron(unit), unit("beta"), walled, roster=roster, rules=4)
    gamma, beta = game.unit_index("gamma"), game.unit_index("beta")
    assert not game.geo.los[int(s.pos[0, 0]), int(s.pos[0, 1])]
    mask = legal_mask(game, s)[0]
    assert mask[game.space.mimic(gamma)] and not mask[game.space.mimic(beta)]  # never the enemy's own look
    assert refusal(game, s, 0, game.space.mimic(beta)).code == MIMIC_ENEMY
    t, _ = step(game, s, [game.space.mimic(gamma)])
    assert int(t.ap[0]) == 3 - K.COST_MIMIC_V4 and int(t.nectar[0, 0]) == int(s.nectar[0, 0]) - K.ABILITY_NECTAR
    assert bool(observe(game, t, 0).my_ambush[0])  # an ambush may come from it at once
    for _ in range(2 * (K.MIMIC_TURNS + 1)):  # it outlasts version 3's three turns
        t, _ = step(game, t, [END])
    assert int(t.disguise[0, 0]) == gamma
    seen, s2 = build_duel(_jaron(unit), unit("beta"), "........\n.A....B.\n........", roster=roster, rules=4)
    assert not legal_mask(seen, s2)[0, seen.space.mimic(gamma)]  # five tiles away but in sight: refused
    assert refusal(seen, s2, 0, seen.space.mimic(gamma)).code == SEEN
    cover, s3 = build_duel(_jaron(unit), unit("beta"), "........\n.A+...B.\n........", roster=roster, rules=4)
    s3.pos[0, 0] = at(cover, 2, 1)  # crouched in cover, in the enemy's line of sight: hidden
    assert legal_mask(cover, s3)[0, cover.space.mimic(gamma)]
    s3.pos[0, 1] = at(cover, 3, 1)  # but not next to it
    assert not legal_mask(cover, s3)[0, cover.space.mimic(gamma)]


def test_the_nectar_clock_is_settled_by_the_round(unit):
    for rules in (3, 4):
        game, s = build_duel(unit("alpha"), unit("beta"), ROW, rules=rules)  # Alpha moves first
        s.nectar[0, 0] = 1  # Alpha's next turn burns its last Nectar
        t, _ = step(game, s, [END])  # Beta's turn
        t, _ = step(game, t, [END])  # Alpha's turn begins dry
        if rules == 3:
            assert t.done[0] and int(t.outcome[0]) == SHUTDOWN and int(t.winner[0]) == 1
            continue
        assert not t.done[0]  # version 4 waits for the round's end: Beta's turn
        both = t.copy()
        both.nectar[0, 1] = 1
        t, _ = step(game, t, [END])
        assert t.done[0] and int(t.outcome[0]) == SHUTDOWN and int(t.winner[0]) == 1
        both, ev = step(game, both, [END], events=True)  # both dry at the round's end: a draw
        assert both.done[0] and int(both.outcome[0]) == DRAW and int(both.winner[0]) == -1


def test_a_version_4_batch_keeps_its_rules_in_its_identity(catalog):
    spec = make_spec(catalog, ("rouge", "viola"), "concert_hall", 10, 1, ("greedy", "greedy"), rules=4)
    assert spec.identity()["rules_version"] == "4"
    assert make_spec(catalog, ("rouge", "viola"), "concert_hall", 10, 1, ("greedy", "greedy")).identity()["rules_version"] == "3"
    assert make_game(list(catalog.units.values()), catalog.arena("concert_hall"), 4).rules == 4


def test_a_grabs_odds_are_every_shot_of_the_held_unit_missing(unit, weapon):
    kit = [weapon("claw", accuracy=0.6), weapon("spike", accuracy=0.8)]
    game, s = build_duel(_grabber(unit), unit("beta", actions=3, weapons=kit), "....\n.AB.\n....", rules=4)
    s.integrity[0, 1] = 30
    spike = 0.8 - 6 * K.EVASION_PER_AGILITY - K.GUARD_PENALTY  # against Alpha's agility 6, braced behind it
    odds = extraction_preview(game, s)  # Alpha's grab: Beta, a point short, strikes back twice with its surest slot
    assert odds[0] == pytest.approx((1 - spike) ** (3 - K.STAGGER_AP_COST))
    s.heat[0, 1] = 31  # overheated: one point fewer still next turn
    assert extraction_preview(game, s)[0] == pytest.approx(1 - spike)
    v3, _ = build_duel(_grabber(unit), unit("beta", actions=3, weapons=kit), "....\n.AB.\n....", rules=3)
    assert extraction_preview(v3, s)[0] != pytest.approx(1 - spike)  # version 3: the extraction odds


def test_the_heuristic_bot_held_strikes_its_holder_with_its_surest_slot(unit, weapon):
    kit = [weapon("claw", accuracy=0.5, damage=(9, 9)), weapon("spike", accuracy=0.9, damage=(1, 1))]
    game, s = build_duel(_grabber(unit), unit("beta", actions=2, weapons=kit), "....\n.AB.\n....", rules=4)
    s.integrity[0, 1] = 30
    t, _ = step(game, s, [EXTRACT])
    t, _ = step(game, t, [END])  # Beta, held, to act
    bot = make_bot("heuristic")
    bot.prepare(game)
    obs = observe(game, t, 1)
    pick = bot.act(game, obs, Legal(game, t))
    assert int(pick[0]) == ATTACK0 + 1


def test_the_combat_log_tells_version_4s_grab_charge_and_tear_out(unit, weapon, at):
    from gladiator import narrate
    from gladiator.engine import opening_events

    game, s = build_duel(_grabber(unit), unit("beta", actions=2), "......\n.A..B.\n......", rules=4)
    log = opening_events(s)
    t, ev = step(game, s, [game.space.move(at(game, 3, 1))], draws=HIT, events=True)  # walks in: a charge
    log += ev[0]
    t.integrity[0, 1] = 30
    for action in (EXTRACT, END, END):  # grabs, ends its turn; Beta does nothing; Alpha's turn: the core comes out
        t, ev = step(game, t, [action], events=True)
        log += ev[0]
    text = "\n".join(narrate.narrate(game, ("alpha", "beta"), log))
    assert "Alpha charges in with Blade" in text and "Alpha GRABS the enemy" in text
    assert "Alpha TEARS OUT THE CORE" in text and "Alpha wins (core extracted)" in text


def _heuristic_pick(game, s) -> int:
    bot = make_bot("heuristic")
    return int(decide(game, s, (bot, bot))[0][0])  # (checked against the legal actions, as a driver does)


def _heuristic_turn(game, s):
    """Side 0's whole turn by the heuristic bot: the state after it, and the actions it took."""
    picks = []
    while int(s.active[0]) == 0 and not s.done[0]:
        picks.append(_heuristic_pick(game, s))
        s, _ = step(game, s, [picks[-1]], draws=MISS)
    return s, picks


def test_the_heuristic_bot_grabs_from_behind_an_enemy_that_cannot_answer(unit, weapon, at):
    weak = [weapon("stub", accuracy=0.3, damage=(1, 2))]
    game, s = build_duel(_grabber(unit), unit("beta", weapons=weak), "......\n..AB..\n......", rules=4)
    s.facing[0, 1] = 2  # Beta faces east, its back to Alpha: open to a grab from behind, which its stub cannot break
    t, picks = _heuristic_turn(game, s)
    assert EXTRACT in picks and bool(t.caught[0, 1])
    sure = [weapon("spike", accuracy=1.0, damage=(1, 2))]  # a Beta sure to break free: the grab is two points thrown away
    game, s = build_duel(_grabber(unit), unit("beta", weapons=sure, actions=5), "......\n..AB..\n......", rules=4)
    s.facing[0, 1] = 2
    t, picks = _heuristic_turn(game, s)
    assert EXTRACT not in picks and not t.caught[0, 1] and ATTACK0 in picks


def test_the_heuristic_bot_will_not_walk_into_a_guarding_enemys_lethal_strike(unit, weapon, at):
    claw = [weapon("claw", accuracy=1.0, damage=(60, 60))]
    game, s = build_duel(unit("alpha", actions=3), unit("beta", weapons=claw), ROW, rules=4)
    s.integrity[0, 1] = 20  # a wounded Beta, two tiles off: a walk in and two strikes might finish it

    def walks_in(action: int) -> bool:
        moves = range(game.space.move0, game.space.leap0)
        return action in moves and int(game.geo.cheb[action - game.space.move0, s.pos[0, 1]]) == 1

    assert walks_in(_heuristic_pick(game, s))
    s.guard[0, 1] = True  # guarding, it strikes first at a walk in, for more than Alpha has
    assert not walks_in(_heuristic_pick(game, s))


def test_the_heuristic_bot_leaps_in_past_a_guarding_enemys_strike_for_the_charge_alone(unit, weapon, at):
    claw, blade = [weapon("claw", accuracy=0.9, damage=(20, 20))], [weapon("blade", accuracy=0.9, damage=(30, 30))]
    leaper = unit("alpha", actions=1, agility=6, abilities=("leap",), weapons=blade)  # one point: the charge is the strike
    game, s = build_duel(leaper, unit("beta", weapons=claw), ROW, rules=4)
    s.integrity[0, 1] = 30
    s.guard[0, 1] = True  # two tiles off and guarding: a walk in meets its claw, a leap in does not

    def leaps_in(action: int) -> bool:
        return action >= game.space.leap0 and int(game.geo.cheb[action - game.space.leap0, s.pos[0, 1]]) == 1

    t, picks = _heuristic_turn(game, s)
    assert picks and leaps_in(picks[0]) and int(t.integrity[0, 0]) == 100  # it leapt in and was never struck
    dry = s.copy()
    dry.nectar[0, 0] = K.ABILITY_NECTAR  # without the Nectar for a leap it does not walk into the claw
    t, picks = _heuristic_turn(game, dry)
    assert not any(leaps_in(a) for a in picks) and int(t.integrity[0, 0]) == 100


def test_the_heuristic_bot_guards_its_back_with_a_last_point_a_weak_strike_would_waste(unit, weapon, at):
    pin = [weapon("pin", accuracy=0.3, damage=(1, 1))]
    axe = [weapon("axe", accuracy=0.6, damage=(10, 14))]
    for rules in (3, 4):
        game, s = build_duel(unit("alpha", actions=3, weapons=pin), unit("beta", actions=3, speed=3, weapons=axe),
                             "......\n..AB..\n......", rules=rules)
        s.ap[0] = 1  # Alpha's last point: a pin, or a guard that keeps its back from the axe
        assert (_heuristic_pick(game, s) == GUARD) == (rules == 4), rules  # (version 3: a guard keeps no back)


@pytest.mark.parametrize("rules", [3, 4])
def test_a_flamer_fires_point_blank_without_the_penalty_in_version_4(unit, weapon, rules):
    kit = [weapon("cannon", kind="ranged", range=6, accuracy=0.7),
           weapon("flamer", kind="ranged", range=4, accuracy=0.7, point_blank_penalty=False)]
    for row in ("....\n.AB.\n....", ROW):  # next to the target, then two tiles from it
        game, s = build_duel(unit("alpha", weapons=kit), unit("beta"), row, rules=rules)
        seen = attack_preview(game, s)["chance"][0, :2]
        chances = []
        for slot in (0, 1):
            _, ev = step(game, s, [ATTACK0 + slot], draws=HIT, events=True)
            attack = [e for e in ev[0] if e["event"] == "attack"][0]
            chances.append(attack["chance"])
            penalty = -K.POINT_BLANK_PENALTY if row != ROW and (slot == 0 or rules == 3) else 0
            assert attack["terms"]["point_blank"] == pytest.approx(penalty), (rules, row, slot)
        assert list(seen) == pytest.approx(chances)  # the preview says so too


def test_point_blank_penalty_is_a_ranged_weapons_and_a_true_or_false(weapon):
    with pytest.raises(ValueError, match="point_blank_penalty is for ranged weapons"):
        weapon("claw", point_blank_penalty=False)
    with pytest.raises(ValueError, match="valid boolean"):
        weapon("flamer", kind="ranged", point_blank_penalty="no")
    plain = weapon("flamer", kind="ranged")
    assert plain.point_blank_penalty is None and "point_blank_penalty" not in plain.model_dump()  # unset: takes it
    assert weapon("flamer", kind="ranged", point_blank_penalty=False).model_dump()["point_blank_penalty"] is False


@pytest.mark.parametrize("rules", [3, 4])
def test_an_ambush_that_hits_staggers_the_enemy_a_point_short_for_its_next_turn_only(unit, rules):
    from gladiator import narrate

    roster = (unit("gamma"),)
    for draws, staggers in ((HIT, rules == 4), (MISS, False)):  # a miss does not stagger
        game, s = build_duel(_jaron(unit), unit("beta", actions=3), "....\n.AB.\n....", roster=roster, rules=rules)
        s.disguise[0, 0] = game.unit_index("gamma")  # Alpha wears a disguise from before this turn: its attack ambushes
        assert bool(observe(game, s, 0).my_ambush[0])
        t, ev = step(game, s, [ATTACK0], draws=draws, events=True)
        assert [e["ambush"] for e in ev[0] if e["event"] == "attack"] == [True]
        assert bool(t.staggered[0, 1]) == staggers and bool(observe(game, t, 1).my_staggered[0]) == staggers
        assert bool(observe(game, t, 0).foe_staggered[0]) == staggers  # the ambusher sees it too
        ahead = turn_forecast(game, t, 4)["ap"][0]  # Alpha's turn now, then Beta's, Alpha's and Beta's again
        t, ev = step(game, t, [END], events=True)  # Beta's turn begins
        short = K.STAGGER_AP_COST if staggers else 0
        assert int(t.ap[0]) == 3 - short and int(ahead[1]) == 3 - short and int(ahead[3]) == 3
        head = [e for e in ev[0] if e["event"] == "turn"][0]
        assert head.get("staggered", False) == staggers and ("staggered" in head) == (rules == 4)
        told = "\n".join(narrate.narrate(game, ("alpha", "beta"), [head]))
        assert ("staggered by the ambush" in told) == staggers
        assert not bool(t.staggered[0, 1])  # spent: the turn after is whole
        t, _ = step(game, t, [END])
        t, _ = step(game, t, [END])
        assert int(t.ap[0]) == 3


def test_the_heuristic_bot_never_walks_through_its_enemy_to_grab_it_from_behind(unit, weapon, at):
    corridor = "#######\n.AB....\n#######"  # one tile wide: the tile behind Beta is reached only through Beta
    feeble = [weapon("pin", damage=(1, 1), accuracy=0.1)]  # strikes worth nothing, and a grab Beta hardly breaks
    grabber = unit("alpha", abilities=("core_extraction",), actions=3, weapons=feeble)  # no leap: a walk or nothing
    game, s = build_duel(grabber, unit("beta", actions=3, weapons=feeble), corridor, rules=4)
    s.facing[0, 1] = _facing(game, at(game, 2, 1), at(game, 1, 1))  # Beta faces Alpha: its back is to the east
    behind = game.space.move(at(game, 3, 1))
    assert not legal_mask(game, s)[0, behind]  # too far round (there is no way round)
    pick = _heuristic_pick(game, s)  # (the driver refuses an illegal pick: IllegalAction)
    assert pick != behind and legal_mask(game, s)[0, pick]
