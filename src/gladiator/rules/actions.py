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
from gladiator.rules.combat import (
    ambushes, damage, damage_roll, extraction_odds, hit_chance, in_rear, integrity_lost, vent_shed,
)
from gladiator.state import CORE_EXTRACTED, DuelState, SideCells, pick

DRAWS_PER_STEP = 3  # hit roll, damage roll, extraction roll
ATTACK_DRAWS, EXTRACT_DRAWS = slice(0, 2), slice(2, 3)  # the draws of a step an attack and a core extraction use
DRAW_LANES = {"attack": ATTACK_DRAWS, "extract": EXTRACT_DRAWS}  # the kinds that draw, and the lanes they read


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
    """Walk to the picked tile, facing the way walked; take a full cache found there."""
    geo = game.geo
    mine = SideCells(s, idx, side)
    tile = (picked - game.space.move0).astype(np.int16)
    old = mine.get("pos")
    mine.set("pos", tile)
    facing = pick(geo.dir_to, old, tile)
    mine.set("facing", facing)
    return [EventBatch("move", idx, side, {"from": old, "to": tile, "facing": facing}), *take_cache(game, s, idx, side, tile)]


def leap(game: Game, s: DuelState, idx: np.ndarray, side: np.ndarray, picked: np.ndarray,
         rolls: np.ndarray | None = None) -> list[EventBatch]:
    """Leap to the picked tile facing the enemy, gaining LEAP_HEAT; landing next to it in its rear arc catches it; take a
    full cache found there."""
    geo = game.geo
    mine = SideCells(s, idx, side)
    tile = (picked - game.space.leap0).astype(np.int16)
    old = mine.get("pos")
    mine.set("pos", tile)
    foe_pos = pick(s.pos, idx, 1 - side)
    facing = pick(geo.dir_to, tile, foe_pos)
    mine.set("facing", facing)
    mine.set("heat", mine.get("heat") + K.LEAP_HEAT)
    behind = in_rear(game, tile, foe_pos, pick(s.facing, idx, 1 - side)) & (pick(geo.cheb, tile, foe_pos) == 1)
    SideCells(s, idx[behind], 1 - side[behind]).set("caught", True)
    return [EventBatch("leap", idx, side, {"from": old, "to": tile, "facing": facing, "behind": behind}),
            *take_cache(game, s, idx, side, tile)]


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
    """Fire the picked slot at the enemy: the hit roll against `combat.hit_chance`, the damage roll, melt on a hit, the
    weapon's heat and Nectar; the attacker turns to face the enemy, and any disguise it wore is thrown off."""
    t, geo = game.tables, game.geo
    assert rolls is not None
    slot = picked - ATTACK0
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
    rear = in_rear(game, pa, pe, theirs.get("facing"))
    flags = (theirs.get("guard"), theirs.get("exposed"), geo.cover.take(pe), geo.high.take(pa) & ~geo.high.take(pe), rear,
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
    return [EventBatch("attack", idx, side, {
        "unit": au, "target": tu, "target_disguise": theirs.get("disguise"), "slot": slot, "weapon": weapon, "flags": flags,
        "rear": rear, "ambush": ambush, "unmask": disguised, "roll": rolls[:, 0], "hit": hit, "damage_roll": roll,
        "damage": dmg, "melt": melt, "integrity_before": before, "integrity": after, "heat": heat, "target_heat": target_heat,
        "nectar": nectar})]


def guard(game: Game, s: DuelState, idx: np.ndarray, side: np.ndarray, picked: np.ndarray,
          rolls: np.ndarray | None = None) -> list[EventBatch]:
    """Guard until the side's next turn (attacks on it lose GUARD_PENALTY of their chance)."""
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
    """Put on the picked suit's look for MIMIC_TURNS own turns; no ambush from it before the side's next turn."""
    was = s.unit[idx, side].copy()
    s.disguise[idx, side] = (picked - game.space.mimic0).astype(np.int16)
    s.disguise_turns[idx, side] = K.MIMIC_TURNS
    s.disguise_fresh[idx, side] = True
    return [EventBatch("mimic", idx, side, {"as": s.disguise[idx, side], "was": was})]


def extract(game: Game, s: DuelState, idx: np.ndarray, side: np.ndarray, picked: np.ndarray,
            rolls: np.ndarray | None = None) -> list[EventBatch]:
    """Try to tear out the enemy's core at `combat.extraction_odds`: success ends the duel; failure leaves the extractor
    exposed until its next turn."""
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
