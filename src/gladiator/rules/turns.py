"""Start and end of a turn: cooling, overheating, Nectar upkeep, hazards, the turn limit."""

from __future__ import annotations

import numpy as np

from gladiator.game import Game
from gladiator.rules import constants as K
from gladiator.rules.actions import EventBatch
from gladiator.rules.combat import guarding, hold_odds, overheat_excess, strike_preview
from gladiator.state import CORE_EXTRACTED, DESTROYED, DRAW, SHUTDOWN, DuelState, SideCells, pick


def end_turn(game: Game, s: DuelState, idx: np.ndarray) -> list[EventBatch]:
    """End the active side's turn in duels `idx`: hazard heat, the turn limit, then the next turn; what happened."""
    if idx.size == 0:
        return []
    a = s.active.take(idx).astype(np.intp)
    out = [EventBatch("end_turn", idx, a)]
    if game.arena.hazard_heat:  # (an arena without hazard heat adds none)
        cell = SideCells(s, idx, a)
        pos = cell.get("pos")
        heat = cell.get("heat") + hazard_heat(game, pos)
        cell.set("heat", heat)
        out.append(EventBatch("hazard", idx, a, {"on": game.geo.hazard.take(pos), "heat": heat}))
    limit = s.turn[idx] >= game.arena.turn_limit
    drawn = idx[limit]
    s.done[drawn] = True
    s.winner[drawn] = -1
    s.outcome[drawn] = DRAW
    go = idx[~limit]
    s.active[go] = acting_side(s.active[go], 1)
    s.turn[go] += 1
    return out + start_turn(game, s, go)


def start_turn(game: Game, s: DuelState, idx: np.ndarray) -> list[EventBatch]:
    """Begin the active side's turn: guard and exposure end, disguise ticks, cooling, overheat, upkeep (version 4: a hold
    or a stagger costs points, and the stagger ends); what happened."""
    if idx.size == 0:
        return []
    t = game.tables
    a = s.active.take(idx).astype(np.intp)
    cell = SideCells(s, idx, a)
    u = cell.get("unit")
    v4 = game.rules >= 4
    cell.set("guard", False)
    cell.set("exposed", False)
    out: list[EventBatch] = []
    if v4:  # a hold lasts until it is broken; the enemy held since the holder's last turn has its core torn out
        s.may_charge[idx] = pick(game.geo.cheb, cell.get("pos"), cell.opposite().get("pos")) > 1  # out of reach
        torn = cell.opposite().get("caught")
        if torn.any():
            j = np.flatnonzero(torn)
            s.done[idx[j]] = True
            s.winner[idx[j]] = a[j]
            s.outcome[idx[j]] = CORE_EXTRACTED
            out.append(EventBatch("tear_out", idx[j], a[j]))
            keep = ~torn
            idx, a, u = idx[keep], a[keep], u[keep]
            cell = SideCells(s, idx, a)
    else:
        cell.set("caught", False)
    cell.set("disguise_fresh", False)
    disguised = cell.get("disguise") >= 0
    expired = np.zeros(idx.shape, bool) if v4 else disguised  # none, unless a disguise is on (version 4: one lasts
    # until an attack)
    if disguised.any() and not v4:
        turns_left = cell.get("disguise_turns") - disguised.astype(np.int16)
        cell.set("disguise_turns", turns_left)
        expired = disguised & (turns_left <= 0)
        s.disguise[idx[expired], a[expired]] = -1
    heat_before = cell.get("heat")
    heat = cooled(game, u, heat_before)
    cell.set("heat", heat)
    excess = overheat_excess(heat, t.heat_capacity.take(u))
    hot = excess > 0
    hurt = excess * K.OVERHEAT_DAMAGE_PER_HEAT
    integrity = cell.get("integrity")
    if hot.any():  # (no suit overheated: no integrity burns)
        integrity = np.maximum(0, integrity - hurt)
        cell.set("integrity", integrity)
    staggered = cell.get("staggered") if v4 else None  # (version 4: an ambush since its last turn costs it a point)
    ap = turn_actions(game, u, heat, (cell.get("caught") | staggered) if staggered is not None else False)
    if staggered is not None and staggered.any():
        cell.set("staggered", False)
    s.ap[idx] = ap
    nectar = np.maximum(0, cell.get("nectar") - K.NECTAR_PER_TURN)
    cell.set("nectar", nectar)
    melted = integrity <= 0
    shut = ~melted & (nectar <= 0)
    ends = [(melted, DESTROYED, 1 - a), (shut, SHUTDOWN, 1 - a)]
    shut_side = a
    if v4:  # the Nectar clock is settled by the round: at the second mover's turn, for both sides at once
        second = a != s.first.take(idx)
        foe_dry = cell.opposite().get("nectar") <= 0
        both = ~melted & second & shut & foe_dry
        shut = ~melted & second & (shut | foe_dry) & ~both
        shut_side = np.where(nectar <= 0, a, 1 - a)  # the side whose Nectar ran out loses: its own, or the other's
        ends = [(melted, DESTROYED, 1 - a), (shut, SHUTDOWN, 1 - shut_side), (both, DRAW, np.full(a.shape, -1))]
    for mask, code, winner in ends:
        ended = idx[mask]
        s.done[ended] = True
        s.winner[ended] = winner[mask]
        s.outcome[ended] = code
    return out + [EventBatch("turn", idx, a, {
        "turn": s.turn.take(idx), "ap": ap, "cooled": heat_before - heat, "heat": heat, "overheat_damage": hurt, "hot": hot,
        "nectar": nectar, "disguise_ended": expired, "melted": melted, "shutdown": shut, "shut_side": shut_side,
        **({"staggered": staggered} if v4 else {})})]


def acting_side(active: np.ndarray, ahead: np.ndarray | int) -> np.ndarray:
    """The side to act `ahead` turns after a turn of side `active`: the sides take turns by turns."""
    active = np.asarray(active)
    return np.where(np.asarray(ahead) % 2 == 1, 1 - active, active).astype(active.dtype)


def turn_actions(game: Game, unit: np.ndarray, heat: np.ndarray, short: np.ndarray | bool = False) -> np.ndarray:
    """Action points a unit begins its turn with at `heat` (after cooling): its actions, less OVERHEAT_AP_COST when
    overheated, less STAGGER_AP_COST when held by a grab or hit by an ambush since its last turn (`short`, version 4),
    at least 1."""
    t = game.tables
    ap = t.actions.take(unit) - np.where(overheat_excess(heat, t.heat_capacity.take(unit)) > 0, K.OVERHEAT_AP_COST, 0)
    if np.any(short):
        ap = ap - np.where(short, K.STAGGER_AP_COST, 0)
    return np.maximum(1, ap)


def hazard_heat(game: Game, pos: np.ndarray) -> np.ndarray:
    """Heat a unit gains for ending its turn on tile `pos`: the arena's hazard heat on a hazard, else 0."""
    return np.where(game.geo.hazard.take(pos), game.arena.hazard_heat, 0)


def cooled(game: Game, unit: np.ndarray, heat: np.ndarray) -> np.ndarray:
    """Heat after the cooling at the start of a unit's turn: heat - cooling, never below 0."""
    return np.maximum(0, heat - game.tables.cooling.take(unit))


def grab_odds(game: Game, held: np.ndarray, holder: np.ndarray, held_hot: np.ndarray, cover: np.ndarray) -> np.ndarray:
    """Version 4: (B,) the odds a grab of a suit `held` by a suit `holder` ends with the core torn out: every shot of the
    held suit's next turn (its actions, less the overheat's point when `held_hot` and the hold's) misses the holder next
    to it, each with its surest slot, the holder in cover or not (`cover`) and braced (`rules.combat.guarding`), from its
    front (`rules.combat.hold_odds`)."""
    t = game.tables
    no = np.zeros(np.shape(held), dtype=bool)
    braced = guarding(game, no, ~no)
    chance = strike_preview(t, held, held, holder, braced, no, np.asarray(cover, dtype=bool), no, no, True)[0]
    surest = np.where(t.w_valid[held] & (t.w_range[held] >= 1), chance, 0.0).max(axis=1)
    shots = turn_actions(game, held, np.where(held_hot, t.heat_capacity[held] + 1, 0), ~no)
    return hold_odds(surest, shots)
