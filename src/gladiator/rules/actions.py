"""What each kind of action does to a duel: one function a kind, each resolving every duel that took it at once.

`RESOLVE[kind](game, s, idx, side, picked, rolls)` changes the state `s` in place for duels `idx`
(side `side[i]` acting, action id `picked[i]`, the step's draws `rolls` for kinds in `DRAW_LANES`)
and returns what happened as `EventBatch`es, from which `rules.events` builds the log entries and
the tally's counts (no resolver builds an event itself). A kind's legality is `rules.legal`'s,
its cost `rules.costs`'; `engine.step` checks, draws, dispatches here, then ends turns
(`rules.turns`). Imports numpy, the game, the state and the other rules modules.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gladiator.game import ATTACK0, W, Game
from gladiator.rules import constants as K
from gladiator.rules.costs import nectar_of
from gladiator.rules.combat import (
    ambushes, charges, damage, damage_roll, extraction_odds, guarding, hit_chance, integrity_lost, melee_slot, open_rear,
    shielded, vent_shed,
)
from gladiator.state import CORE_EXTRACTED, DuelState, SideCells, pick

DRAWS_PER_STEP = 4  # hit roll, damage roll, extraction roll (version 4: a guard's strike's hit roll), its damage roll
ATTACK_DRAWS, EXTRACT_DRAWS = slice(0, 2), slice(2, 3)  # the draws of a step an attack and a core extraction use
WATCH_DRAWS = slice(2, 4)  # version 4: the draws of the strike a guarding enemy makes at a unit walking into its reach
DRAW_LANES = {"attack": ATTACK_DRAWS, "extract": EXTRACT_DRAWS}  # the kinds that draw, and the lanes they read
# version 4: a move may draw the guarding enemy's strike and charge (both lanes of each), a leap may charge; a grab is sure
DRAW_LANES_V4 = {"attack": ATTACK_DRAWS, "move": slice(ATTACK_DRAWS.start, WATCH_DRAWS.stop), "leap": ATTACK_DRAWS}


def draw_lanes(game: Game) -> dict[str, slice]:
    """The kinds of action that draw under the game's rules, and the lanes of a step's draws each reads."""
    return DRAW_LANES_V4 if game.rules >= 4 else DRAW_LANES


@dataclass
class EventBatch:
    """One kind of event in many duels: duel `idx[i]`, side `side[i]`, and the facts (per duel) its entries are read
    from, taken when it happened (a later phase of the step may change the state)."""

    event: str
    idx: np.ndarray
    side: np.ndarray
    facts: dict[str, np.ndarray] = field(default_factory=dict)


def move(game: Game, s: DuelState, idx: np.ndarray, side: np.ndarray, picked: np.ndarray,
         rolls: np.ndarray | None = None) -> list[EventBatch]:
    """Walk to the picked tile, facing the way walked; take a full cache found there. Version 4: a unit that moves lets
    go of a unit it holds; a walk that `combat.charges` (into the enemy's reach) meets the strike of an enemy that
    guards (`watch`), then, if the mover still stands, strikes once on arrival with the mover's melee weapon
    (`combat.melee_slot`), free, if the unit may still charge this turn (it began the turn out of the enemy's reach and
    has not charged yet)."""
    geo = game.geo
    mine = SideCells(s, idx, side)
    tile = (picked - game.space.move0).astype(np.int16)
    old = mine.get("pos")
    mine.set("pos", tile)
    facing = pick(geo.dir_to, old, tile)
    mine.set("facing", facing)
    out = [EventBatch("move", idx, side, {"from": old, "to": tile, "facing": facing}), *take_cache(game, s, idx, side, tile)]
    if game.rules >= 4:
        out += let_go(s, idx, side)
        assert rolls is not None
        walk_in = charges(game, old, tile, pick(s.pos, idx, 1 - side))
        out += watch(game, s, idx, side, walk_in, rolls)
        out += charge(game, s, idx, side, walk_in, rolls)
    return out


def charge(game: Game, s: DuelState, idx: np.ndarray, side: np.ndarray, arrived: np.ndarray,
           rolls: np.ndarray) -> list[EventBatch]:
    """Version 4: a unit of side `side` that came into the enemy's reach from out of it (`arrived`, by a walk or a leap)
    strikes once, free, with its melee weapon (`combat.melee_slot`) where it has the Nectar for it, if it still stands and
    may still charge this turn (it began the turn out of the enemy's reach and has not charged yet)."""
    mine = SideCells(s, idx, side)
    unit = mine.get("unit")
    slot = melee_slot(game).take(unit)
    charging = arrived & (slot >= 0) & fed_for(game, mine.get("nectar"), unit, slot) & s.may_charge.take(idx)
    charging &= mine.get("integrity") > 0
    if not charging.any():
        return []
    j = np.flatnonzero(charging)
    s.may_charge[idx[j]] = False
    return strike(game, s, idx[j], side[j], slot[j], rolls[j][:, ATTACK_DRAWS], charge=True)


def fed_for(game: Game, nectar: np.ndarray, unit: np.ndarray, slot: np.ndarray) -> np.ndarray:
    """Whether a unit with `nectar` left has more than its slot `slot` burns (a slot of -1: its first, never fired)."""
    return nectar > pick(game.tables.w_nectar, unit, np.maximum(slot, 0))


def watch(game: Game, s: DuelState, idx: np.ndarray, side: np.ndarray, walk_in: np.ndarray,
          rolls: np.ndarray) -> list[EventBatch]:
    """Version 4: an enemy that guards strikes once, free, at a unit of side `side` that walks into its reach
    (`walk_in`), with its melee weapon (`combat.melee_slot`) where it has the Nectar for it; the strike spends its
    guard."""
    theirs = SideCells(s, idx, 1 - side)
    fu = theirs.get("unit")
    slot = melee_slot(game).take(fu)
    on = walk_in & theirs.get("guard") & (slot >= 0)
    if not on.any():
        return []
    on &= fed_for(game, theirs.get("nectar"), fu, slot)
    j = np.flatnonzero(on)
    s.guard[idx[j], 1 - side[j]] = False
    return strike(game, s, idx[j], 1 - side[j], slot[j], rolls[j][:, WATCH_DRAWS], watch=True)


def let_go(s: DuelState, idx: np.ndarray, side: np.ndarray) -> list[EventBatch]:
    """Version 4: a unit that moves or leaps away lets go of the unit it holds."""
    theirs = SideCells(s, idx, 1 - side)
    held = theirs.get("caught")
    if not held.any():
        return []
    j = np.flatnonzero(held)
    s.caught[idx[j], 1 - side[j]] = False
    return [EventBatch("let_go", idx[j], side[j])]


def leap(game: Game, s: DuelState, idx: np.ndarray, side: np.ndarray, picked: np.ndarray,
         rolls: np.ndarray | None = None) -> list[EventBatch]:
    """Leap to the picked tile facing the enemy, gaining LEAP_HEAT; landing next to it in its rear arc catches it (version
    4: puts the leaper where it may grab it, `extract`); take a full cache found there. Version 4: a leap into the
    enemy's reach from out of it charges as a walk does (`charge`), and no guard's strike meets it."""
    geo = game.geo
    mine = SideCells(s, idx, side)
    tile = (picked - game.space.leap0).astype(np.int16)
    old = mine.get("pos")
    mine.set("pos", tile)
    foe_pos = pick(s.pos, idx, 1 - side)
    facing = pick(geo.dir_to, tile, foe_pos)
    mine.set("facing", facing)
    mine.set("heat", mine.get("heat") + K.LEAP_HEAT)
    behind = (open_rear(game, tile, foe_pos, pick(s.facing, idx, 1 - side), pick(s.guard, idx, 1 - side))
              & (pick(geo.cheb, tile, foe_pos) == 1))
    if game.rules < 4:
        SideCells(s, idx[behind], 1 - side[behind]).set("caught", True)
        return [EventBatch("leap", idx, side, {"from": old, "to": tile, "facing": facing, "behind": behind}),
                *take_cache(game, s, idx, side, tile)]
    # version 4: the leap burns Nectar; landing behind an unguarded enemy puts the leaper where it may grab it; a leap
    # from out of the enemy's reach into it charges (a guard does not see it coming: no watch)
    mine.set("nectar", mine.get("nectar") - nectar_of("leap", game.rules))
    out = let_go(s, idx, side)
    out.append(EventBatch("leap", idx, side, {"from": old, "to": tile, "facing": facing, "behind": behind}))
    out += take_cache(game, s, idx, side, tile)
    assert rolls is not None
    return out + charge(game, s, idx, side, charges(game, old, tile, foe_pos), rolls)


def grab(s: DuelState, idx: np.ndarray, side: np.ndarray) -> list[EventBatch]:
    """Version 4: side `side` holds the enemy: its core comes out at the holder's next turn unless it breaks free by a
    hit on its holder (`rules.turns.start_turn`, `strike`), whose strikes at its holder take the guard's penalty
    (`rules.combat.guarding`) and who begins its turn held with STAGGER_AP_COST points fewer (`rules.turns.turn_actions`)."""
    s.caught[idx, 1 - side] = True
    return [EventBatch("grab", idx, side)]


def take_cache(game: Game, s: DuelState, idx: np.ndarray, side: np.ndarray, tile: np.ndarray) -> list[EventBatch]:
    """A unit that ends a move or a leap on a full Nectar cache refills its Nectar, and the cache is spent."""
    c = game.geo.cache_of[tile]
    has = c >= 0
    if not has.any():
        return []
    full = np.zeros(idx.shape, bool)
    full[has] = s.caches[idx[has], c[has]]
    j = np.flatnonzero(full)
    b, sd = idx[j], side[j]
    before = s.nectar[b, sd].copy()
    s.nectar[b, sd] = game.tables.nectar[s.unit[b, sd]]
    s.caches[b, c[j]] = False
    return [EventBatch("cache", b, sd, {"before": before, "nectar": s.nectar[b, sd]})]


def attack(game: Game, s: DuelState, idx: np.ndarray, side: np.ndarray, picked: np.ndarray,
           rolls: np.ndarray | None = None) -> list[EventBatch]:
    """Fire the picked slot at the enemy (`strike`). Version 4: an attack ends the attacker's guard."""
    assert rolls is not None
    out = strike(game, s, idx, side, picked - ATTACK0, rolls)
    if game.rules >= 4:
        SideCells(s, idx, side).set("guard", False)
    return out


def strike(game: Game, s: DuelState, idx: np.ndarray, side: np.ndarray, slot: np.ndarray, rolls: np.ndarray,
           charge: bool = False, watch: bool = False) -> list[EventBatch]:
    """One shot of slot `slot` at the enemy: the hit roll against `combat.hit_chance`, the damage roll, melt on a hit, the
    weapon's heat and Nectar; the attacker turns to face the enemy, and any disguise it wore is thrown off. Version 4: a
    guarding target has no rear arc; the target turns to face its attacker; a hit on the unit that holds the attacker
    breaks its hold (`charge`: the strike of a charging move; `watch`: a guarding unit's at one walking into its reach;
    each said so in its event)."""
    t, geo = game.tables, game.geo
    mine = SideCells(s, idx, side)
    theirs = mine.opposite()
    au, tu = mine.get("unit"), theirs.get("unit")
    wu = au  # a disguise changes the look, never the weapons
    weapon = wu.astype(np.intp) * W + slot  # the (weapon set, slot) fired: flat index of the (U, W) weapon tables
    my_disguise = mine.get("disguise")
    disguised = my_disguise >= 0
    fresh = mine.get("disguise_fresh")
    ambush = ambushes(my_disguise, fresh)
    pa, pe = mine.get("pos"), theirs.get("pos")
    holds = mine.get("caught")  # (version 4: a held attacker's holder is braced)
    guard = guarding(game, theirs.get("guard"), holds)
    rear = open_rear(game, pa, pe, theirs.get("facing"), shielded(game, theirs.get("guard"), holds))
    flags = (guard, theirs.get("exposed"), geo.cover.take(pe), geo.high.take(pa) & ~geo.high.take(pe), rear,
             pick(geo.cheb, pa, pe) == 1, ambush)
    chance = hit_chance(game, wu, slot, tu, flags)
    hit = rolls[:, 0] < chance
    roll = damage_roll(t, wu, slot, rolls[:, 1])
    dmg = np.where(hit, damage(t, wu, slot, au, tu, roll, rear | ambush), 0)
    if disguised.any():  # any attack throws the disguise off
        mine.set("disguise", np.where(disguised, -1, my_disguise))
        mine.set("disguise_turns", np.where(disguised, 0, mine.get("disguise_turns")))
    if fresh.any():
        mine.set("disguise_fresh", False)
    before = theirs.get("integrity")
    after = np.maximum(0, before - dmg)
    theirs.set("integrity", after)
    heat = mine.get("heat") + t.w_heat.reshape(-1).take(weapon)
    mine.set("heat", heat)
    melt = np.where(hit, t.w_melt.reshape(-1).take(weapon), 0)
    target_heat = theirs.get("heat") + melt
    theirs.set("heat", target_heat)
    nectar = mine.get("nectar") - t.w_nectar.reshape(-1).take(weapon)
    mine.set("nectar", nectar)
    mine.set("facing", pick(geo.dir_to, pa, pe))
    freed: list[EventBatch] = []
    if game.rules >= 4:
        theirs.set("facing", pick(geo.dir_to, pe, pa))
        if ambush.any():  # an ambush that hits staggers: the enemy begins its next turn short
            theirs.set("staggered", theirs.get("staggered") | (hit & ambush))
        breaks = hit & mine.get("caught")
        if breaks.any():
            mine.set("caught", mine.get("caught") & ~breaks)
            freed = [EventBatch("break_free", idx[breaks], side[breaks])]
    return [EventBatch("attack", idx, side, {
        "unit": au, "target": tu, "target_disguise": theirs.get("disguise"), "slot": slot, "weapon": weapon, "flags": flags,
        "rear": rear, "ambush": ambush, "unmask": disguised, "roll": rolls[:, 0], "hit": hit, "damage_roll": roll,
        "damage": dmg, "melt": melt, "integrity_before": before, "integrity": after, "heat": heat, "target_heat": target_heat,
        "nectar": nectar,
        **({"charge": np.full(idx.shape, charge), "watch": np.full(idx.shape, watch)} if game.rules >= 4 else {})}), *freed]


def guard(game: Game, s: DuelState, idx: np.ndarray, side: np.ndarray, picked: np.ndarray,
          rolls: np.ndarray | None = None) -> list[EventBatch]:
    """Guard until the side's next turn (version 3: attacks on it lose GUARD_PENALTY of their chance; version 4: until its
    next attack too, with no rear arc and a strike at a unit that walks into its reach, `watch`)."""
    SideCells(s, idx, side).set("guard", True)
    return [EventBatch("guard", idx, side)]


def vent(game: Game, s: DuelState, idx: np.ndarray, side: np.ndarray, picked: np.ndarray,
         rolls: np.ndarray | None = None) -> list[EventBatch]:
    """Shed `combat.vent_shed` heat."""
    before = s.heat[idx, side].copy()
    s.heat[idx, side] = np.maximum(0, before - vent_shed(game.tables, s.unit[idx, side]))
    return [EventBatch("vent", idx, side, {"before": before, "heat": s.heat[idx, side]})]


def inject(game: Game, s: DuelState, idx: np.ndarray, side: np.ndarray, picked: np.ndarray,
           rolls: np.ndarray | None = None) -> list[EventBatch]:
    """Spend a dose: Nectar up by the suit's dose, never past its tank."""
    t = game.tables
    uu = s.unit[idx, side]
    before = s.nectar[idx, side].copy()
    s.doses[idx, side] -= 1
    s.nectar[idx, side] = np.minimum(t.nectar[uu], before + t.dose_nectar[uu])
    return [EventBatch("inject", idx, side, {"before": before, "nectar": s.nectar[idx, side], "doses": s.doses[idx, side]})]


def mimic(game: Game, s: DuelState, idx: np.ndarray, side: np.ndarray, picked: np.ndarray,
          rolls: np.ndarray | None = None) -> list[EventBatch]:
    """Put on the picked suit's look for MIMIC_TURNS own turns; no ambush from it before the side's next turn. Version 4:
    the look lasts until the side's first attack, an ambush may come from it at once, and it burns Nectar."""
    was = s.unit[idx, side].copy()
    s.disguise[idx, side] = (picked - game.space.mimic0).astype(np.int16)
    s.disguise_turns[idx, side] = K.MIMIC_TURNS
    if game.rules >= 4:
        s.nectar[idx, side] -= nectar_of("mimic", game.rules)
    else:
        s.disguise_fresh[idx, side] = True
    return [EventBatch("mimic", idx, side, {"as": s.disguise[idx, side], "was": was})]


def extract(game: Game, s: DuelState, idx: np.ndarray, side: np.ndarray, picked: np.ndarray,
            rolls: np.ndarray | None = None) -> list[EventBatch]:
    """Try to tear out the enemy's core at `combat.extraction_odds`: success ends the duel; failure leaves the extractor
    exposed until its next turn. Version 4: grab the enemy (`grab`), surely."""
    if game.rules >= 4:
        return grab(s, idx, side)
    t = game.tables
    assert rolls is not None
    mine = SideCells(s, idx, side)
    theirs = mine.opposite()
    tu, mu = theirs.get("unit"), mine.get("unit")
    integrity = theirs.get("integrity")
    p = extraction_odds(t, mu, tu, integrity_lost(integrity, t.integrity.take(tu)))
    roll = rolls[:, 0]
    won = roll < p
    s.exposed[idx[~won], side[~won]] = True
    s.done[idx[won]] = True
    s.winner[idx[won]] = side[won]
    s.outcome[idx[won]] = CORE_EXTRACTED
    return [EventBatch("extract", idx, side, {"unit": mu, "target": tu, "target_disguise": theirs.get("disguise"),
                                              "target_integrity": integrity, "chance": p, "roll": roll,
                                              "success": won})]


RESOLVE = {"move": move, "leap": leap, "attack": attack, "guard": guard, "vent": vent, "inject": inject, "mimic": mimic,
           "extract": extract}  # every kind of `rules.legal.KINDS` but "end", which only ends the turn
