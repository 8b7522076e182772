"""The one public face of the rules: start duels, list legal actions, step, preview, observe.

Pure functions of (game, state, actions, draws) that return a new state. Every random
draw comes from the duel's own seed and its draw counter (`gladiator.rng`), so a duel
plays the same alone or in a batch of a million. Never imports pygame.
"""

from __future__ import annotations

import weakref

import numpy as np

from gladiator import rng
from gladiator.game import ATTACK0, END, EXTRACT, GUARD, INJECT, VENT, W, Game, UnitTables
from gladiator.errors import GladiatorError, IllegalAction
from gladiator.rules import constants as K
from gladiator.rules.combat import (
    HIT_TERMS, active_weapon_unit, damage, damage_roll, extraction_odds, hit_terms, in_rear_arc, leap_reach, rear_lookup,  # noqa: F401 (in_rear_arc: importable from here as before)
    weapon_unit,
)
from gladiator.rules.legal import attack_mask, explain, legal_mask, slots_in_reach
from gladiator.rules.turns import end_turn, start_turn
from gladiator.state import CORE_EXTRACTED, DESTROYED, OUTCOMES, DuelState, SideCells, pick

DRAWS_PER_STEP = 3  # hit roll, damage roll, extraction roll
INIT_STREAM = 1  # the initiative coin comes from its own stream

__all__ = [
    "DRAWS_PER_STEP", "HIT_TERMS", "OUTCOMES", "attack_mask", "attack_preview", "explain", "extraction_preview",
    "leap_reach", "legal_mask", "new_duels", "observe", "step", "draws_for",
]


def new_duels(game: Game, units: tuple[str, str] | np.ndarray, seeds: np.ndarray | list[int] | int) -> DuelState:
    """Start a batch of duels: `units` is a pair of ids (every duel) or a (B, 2) array of roster indices."""
    try:
        seeds = np.atleast_1d(np.asarray(seeds, dtype=np.int64))
    except (OverflowError, TypeError, ValueError):
        raise GladiatorError(f"seeds must be whole numbers from 0 to {2**63 - 1}") from None
    if (seeds < 0).any():
        raise GladiatorError("seeds must not be negative")
    seeds = seeds.astype(np.uint64)
    B = seeds.shape[0]
    if isinstance(units, tuple):
        pair = np.array([game.unit_index(units[0]), game.unit_index(units[1])], dtype=np.int16)
        uidx = np.broadcast_to(pair, (B, 2)).copy()
    else:
        uidx = np.asarray(units, dtype=np.int16).reshape(B, 2)
    t, geo = game.tables, game.geo
    spawn = np.array(geo.spawns, dtype=np.int16)
    pos = np.broadcast_to(spawn, (B, 2)).copy()
    face = np.array([geo.dir_to[spawn[0], spawn[1]], geo.dir_to[spawn[1], spawn[0]]], dtype=np.int8)
    agi = t.agility[uidx]
    coin = rng.uniforms(seeds, np.zeros(B, dtype=np.uint64), 1, stream=INIT_STREAM)[:, 0] < 0.5
    first = np.where(agi[:, 0] > agi[:, 1], 0, np.where(agi[:, 1] > agi[:, 0], 1, np.where(coin, 0, 1))).astype(np.int8)
    C = len(geo.caches)
    s = DuelState(
        unit=uidx, pos=pos, facing=np.broadcast_to(face, (B, 2)).copy(),
        integrity=t.integrity[uidx].astype(np.int32), heat=np.zeros((B, 2), np.int32),
        nectar=t.nectar[uidx].astype(np.int32), doses=t.nectar_doses[uidx].astype(np.int16),
        guard=np.zeros((B, 2), bool), exposed=np.zeros((B, 2), bool),
        disguise=np.full((B, 2), -1, np.int16), disguise_turns=np.zeros((B, 2), np.int16),
        caches=np.ones((B, C), bool), active=first.copy(), ap=np.zeros(B, np.int16),
        turn=np.ones(B, np.int32), first=first, done=np.zeros(B, bool), winner=np.full(B, -1, np.int8),
        outcome=np.zeros(B, np.int8), seed=seeds, counter=np.zeros(B, np.uint64),
    )
    start_turn(game, s, np.arange(B))
    return s


def draws_for(state: DuelState, idx: np.ndarray | None = None) -> np.ndarray:
    """(len(idx), DRAWS_PER_STEP) uniforms the next step of duels `idx` (all by default) will use."""
    if idx is None:
        return rng.uniforms(state.seed, state.counter, DRAWS_PER_STEP)
    return rng.uniforms(state.seed[idx], state.counter[idx], DRAWS_PER_STEP)


def step(
    game: Game, state: DuelState, actions: np.ndarray | list[int], draws: np.ndarray | None = None,
    events: bool = False, check: bool = True,
) -> tuple[DuelState, list[list[dict]] | None]:
    """Apply one action per duel (ignored for finished duels); returns the new state and, if asked, events.

    `draws` forces the rolls (tests); `check=False` skips legality checks for callers that
    only ever pick from `legal_mask` (the batch runner).
    """
    actions = np.asarray(actions, dtype=np.int64).reshape(-1)
    if actions.shape[0] != state.batch:
        raise GladiatorError(f"{actions.shape[0]} actions for {state.batch} duels")
    live = ~state.done
    if check:
        bad_range = (actions < 0) | (actions >= game.space.n)
        if (bad_range & live).any():
            b = int(np.flatnonzero(bad_range & live)[0])
            raise IllegalAction(f"duel {b}: action {int(actions[b])} is outside the action space (0..{game.space.n - 1})")
        mask = legal_mask(game, state)
        ok = mask[np.arange(state.batch), np.clip(actions, 0, game.space.n - 1)] | ~live
        if not ok.all():
            b = int(np.flatnonzero(~ok)[0])
            raise IllegalAction(explain(game, state, b, int(actions[b])))
    if draws is None:
        # only attacks and core extractions roll: draw for those duels alone (each duel's draws are its own)
        rolls = np.flatnonzero(live & (((actions >= ATTACK0) & (actions < ATTACK0 + W)) | (actions == EXTRACT)))
        u = np.zeros((state.batch, DRAWS_PER_STEP))
        if rolls.size:
            u[rolls] = draws_for(state, rolls)
    else:
        u = np.asarray(draws, dtype=np.float64).reshape(state.batch, -1)
    s = state.copy()
    s.counter += live
    log: list[list[dict]] | None = [[] for _ in range(s.batch)] if events else None
    _apply(game, s, actions, u, live, log)
    return s, log


def attack_preview(game: Game, state: DuelState) -> dict[str, np.ndarray]:
    """(B, W) hit chance, damage low/high and expected damage of each weapon slot of the side to act.

    The target's evasion and armor are its true ones; `usable` says whether the slot can fire now.
    """
    B = state.batch
    t, geo = game.tables, game.geo
    ar = np.arange(B)
    a = state.active.astype(np.intp)
    e = 1 - a
    mine, theirs = SideCells(state, ar, a), SideCells(state, ar, e)
    au = mine.get("unit")
    disguise = mine.get("disguise")
    wu = np.where(disguise >= 0, disguise, au)
    tu = theirs.get("unit")
    pa, pe = mine.get("pos"), theirs.get("pos")
    rear = rear_lookup(game, pa, pe, theirs.get("facing"))
    terms = (theirs.get("guard"), theirs.get("exposed"), geo.cover[pe], geo.high[pa] & ~geo.high[pe], rear)
    table = _preview_table(game)
    if table is not None:
        U = len(game.roster)
        code = (wu.astype(np.intp) * U + tu) * U + au
        for flag in terms:
            code = code * 2 + flag
        rows = table.take(code, axis=0)  # (B, 4, W)
        chance, lo, hi, expected = rows[:, 0], rows[:, 1], rows[:, 2], rows[:, 3]
    else:
        chance, lo, hi, expected = _preview_of(t, wu, tu, au, *terms)
    usable = slots_in_reach(game, wu, pa, pe, mine.get("nectar"), state.done) & (state.ap >= 1)[:, None]
    return {"chance": chance, "low": lo, "high": hi, "expected": expected, "usable": usable}


def _preview_of(t: UnitTables, wu: np.ndarray, tu: np.ndarray, au: np.ndarray, guard: np.ndarray, exposed: np.ndarray,
                cover: np.ndarray, high: np.ndarray, rear: np.ndarray) -> tuple[np.ndarray, ...]:
    """(chance, low, high, expected), each (N, W): the terms of rules.combat.hit_terms and damage, added in the same order."""
    ranged = t.w_ranged[wu]  # (N, W)
    total = t.w_accuracy[wu] + (-K.EVASION_PER_AGILITY * t.agility[tu])[:, None]
    total = total + np.where(guard, -K.GUARD_PENALTY, 0.0)[:, None]
    total = total + np.where(ranged & cover[:, None], -K.COVER_PENALTY, 0.0)
    total = total + np.where(ranged & high[:, None], K.HIGH_GROUND_BONUS, 0.0)
    total = total + np.where(rear, K.REAR_BONUS, 0.0)[:, None]
    total = total + np.where(exposed, K.EXPOSED_BONUS, 0.0)[:, None]
    chance = np.clip(total, K.MIN_HIT, K.MAX_HIT)
    fp = np.where(ranged, t.firepower[au][:, None], 0)
    armor = t.armor[tu][:, None]

    def dmg(roll: np.ndarray) -> np.ndarray:
        extra = np.where(rear[:, None], roll // K.REAR_DAMAGE_DIVISOR, 0)
        return np.maximum(0, roll + fp + extra - armor)

    lo, hi = dmg(t.w_low[wu]), dmg(t.w_high[wu])
    return chance, lo.astype(np.float64), hi.astype(np.float64), chance * (lo + hi) / 2.0


PREVIEW_TABLE_LIMIT = 200_000  # rows (roster size cubed x 32); larger rosters work the preview out per duel
_PREVIEWS: "weakref.WeakKeyDictionary[Game, np.ndarray | None]" = weakref.WeakKeyDictionary()


def _preview_table(game: Game) -> np.ndarray | None:
    """_preview_of for every (weapon set, target, attacker, guard, exposed, cover, high ground, rear): (rows, 4, W)."""
    if game not in _PREVIEWS:
        U = len(game.roster)
        table = None
        if U ** 3 * 32 <= PREVIEW_TABLE_LIMIT:
            grid = np.meshgrid(*(np.arange(n) for n in (U, U, U, 2, 2, 2, 2, 2)), indexing="ij")
            wu, tu, au, *flags = (g.reshape(-1) for g in grid)
            table = np.stack(_preview_of(game.tables, wu, tu, au, *(f.astype(bool) for f in flags)), axis=1)
        _PREVIEWS[game] = table
    return _PREVIEWS[game]


def extraction_preview(game: Game, state: DuelState) -> np.ndarray:
    """(B,) odds of a core extraction by the side to act, were it allowed now."""
    return extraction_odds(game, state, np.arange(state.batch))


def observe(game: Game, state: DuelState, side: int | np.ndarray) -> dict[str, np.ndarray]:
    """What `side` sees: everything, except that the enemy's suit shows its disguise, never the truth."""
    B = state.batch
    ar = np.arange(B)
    me = np.broadcast_to(np.asarray(side, dtype=np.intp), (B,))
    foe = 1 - me
    shown = weapon_unit(state)
    return {
        "my_unit": state.unit[ar, me], "foe_unit": shown[ar, foe], "my_disguise": state.disguise[ar, me],
        "my_pos": state.pos[ar, me], "foe_pos": state.pos[ar, foe],
        "my_facing": state.facing[ar, me], "foe_facing": state.facing[ar, foe],
        "my_integrity": state.integrity[ar, me], "foe_integrity": state.integrity[ar, foe],
        "my_heat": state.heat[ar, me], "foe_heat": state.heat[ar, foe],
        "my_nectar": state.nectar[ar, me], "foe_nectar": state.nectar[ar, foe],
        "my_doses": state.doses[ar, me], "my_guard": state.guard[ar, me], "foe_guard": state.guard[ar, foe],
        "my_turn": state.active == me, "ap": state.ap, "turn": state.turn, "caches": state.caches,
    }


def _apply(game: Game, s: DuelState, actions: np.ndarray, u: np.ndarray, live: np.ndarray, log: list[list[dict]] | None) -> None:
    sp, t, geo = game.space, game.tables, game.geo
    B = s.batch
    ar = np.arange(B)
    a = s.active.astype(np.intp)
    cost = np.where(actions == END, 0, 1)
    cost = np.where((actions == EXTRACT) | (actions >= sp.leap0), 2, cost)

    def sel(m: np.ndarray) -> np.ndarray:
        return np.flatnonzero(m & live)

    # moves and leaps
    for idx, leap in ((sel((actions >= sp.move0) & (actions < sp.leap0)), False), (sel(actions >= sp.leap0), True)):
        if idx.size == 0:
            continue
        side = a[idx]
        mine = SideCells(s, idx, side)
        tile = (actions[idx] - (sp.leap0 if leap else sp.move0)).astype(np.int16)
        old = mine.get("pos")
        mine.set("pos", tile)
        if leap:
            mine.set("facing", pick(geo.dir_to, tile, pick(s.pos, idx, 1 - side)))
            mine.set("heat", mine.get("heat") + K.LEAP_HEAT)
        else:
            mine.set("facing", pick(geo.dir_to, old, tile))
        if log is not None:
            for i, b in enumerate(idx):
                log[b].append({"event": "leap" if leap else "move", "side": int(side[i]), "from": int(old[i]), "to": int(tile[i]),
                               "facing": int(s.facing[b, side[i]])})
        _take_cache(game, s, idx, side, tile, log)

    # attacks
    idx = sel((actions >= ATTACK0) & (actions < ATTACK0 + W))
    if idx.size:
        side = a[idx]
        foe = 1 - side
        slot = actions[idx] - ATTACK0
        mine, theirs = SideCells(s, idx, side), SideCells(s, idx, foe)
        wu = active_weapon_unit(s, idx, side)
        terms = hit_terms(game, s, idx, slot)
        hit = u[idx, 0] < terms["chance"]
        roll = damage_roll(game, s, idx, slot, u[idx, 1])
        dmg = np.where(hit, damage(game, s, idx, slot, roll, terms["is_rear"]), 0)
        theirs.set("integrity", np.maximum(0, theirs.get("integrity") - dmg))
        mine.set("heat", mine.get("heat") + t.w_heat[wu, slot])
        melt = np.where(hit, t.w_melt[wu, slot], 0)
        theirs.set("heat", theirs.get("heat") + melt)
        mine.set("nectar", mine.get("nectar") - t.w_nectar[wu, slot])
        mine.set("facing", pick(geo.dir_to, mine.get("pos"), theirs.get("pos")))
        if log is not None:
            for i, b in enumerate(idx):
                sd, fo = int(side[i]), int(foe[i])
                log[b].append({
                    "event": "attack", "side": sd, "weapon": game.roster[int(wu[i])].weapons[int(slot[i])].id,
                    "weapon_name": game.roster[int(wu[i])].weapons[int(slot[i])].name, "slot": int(slot[i]),
                    "ranged": bool(t.w_ranged[wu[i], slot[i]]),
                    "chance": float(terms["chance"][i]), "terms": {k: float(terms[k][i]) for k in HIT_TERMS},
                    "rear": bool(terms["is_rear"][i]), "roll": float(u[b, 0]), "hit": bool(hit[i]),
                    "damage_roll": int(roll[i]), "damage": int(dmg[i]), "melt": int(melt[i]),
                    "integrity": int(s.integrity[b, fo]), "heat": int(s.heat[b, sd]), "target_heat": int(s.heat[b, fo]),
                    "nectar": int(s.nectar[b, sd]),
                })

    # guard, vent, inject
    idx = sel(actions == GUARD)
    s.guard[idx, a[idx]] = True
    if log is not None:
        for b in idx:
            log[b].append({"event": "guard", "side": int(a[b])})
    idx = sel(actions == VENT)
    if idx.size:
        side = a[idx]
        before = s.heat[idx, side].copy()
        s.heat[idx, side] = np.maximum(0, before - (K.VENT_HEAT + t.cooling[s.unit[idx, side]]))
        if log is not None:
            for i, b in enumerate(idx):
                log[b].append({"event": "vent", "side": int(side[i]), "shed": int(before[i] - s.heat[b, side[i]]), "heat": int(s.heat[b, side[i]])})
    idx = sel(actions == INJECT)
    if idx.size:
        side = a[idx]
        uu = s.unit[idx, side]
        before = s.nectar[idx, side].copy()
        s.doses[idx, side] -= 1
        s.nectar[idx, side] = np.minimum(t.nectar[uu], before + t.dose_nectar[uu])
        if log is not None:
            for i, b in enumerate(idx):
                log[b].append({"event": "inject", "side": int(side[i]), "gained": int(s.nectar[b, side[i]] - before[i]),
                               "nectar": int(s.nectar[b, side[i]]), "doses": int(s.doses[b, side[i]])})

    # mimic
    idx = sel((actions >= sp.mimic0) & (actions < sp.move0))
    if idx.size:
        side = a[idx]
        s.disguise[idx, side] = (actions[idx] - sp.mimic0).astype(np.int16)
        s.disguise_turns[idx, side] = K.MIMIC_TURNS
        if log is not None:
            for i, b in enumerate(idx):
                log[b].append({"event": "mimic", "side": int(side[i]), "as": game.roster[int(s.disguise[b, side[i]])].id, "turns": K.MIMIC_TURNS})

    # core extraction
    idx = sel(actions == EXTRACT)
    if idx.size:
        side = a[idx]
        p = extraction_odds(game, s, idx)
        won = u[idx, 2] < p
        s.exposed[idx[~won], side[~won]] = True
        s.done[idx[won]] = True
        s.winner[idx[won]] = side[won]
        s.outcome[idx[won]] = CORE_EXTRACTED
        if log is not None:
            for i, b in enumerate(idx):
                log[b].append({"event": "extract", "side": int(side[i]), "chance": float(p[i]), "roll": float(u[b, 2]), "success": bool(won[i])})

    s.ap[live] -= cost[live].astype(np.int16)
    # destruction by damage
    foe_all = 1 - a
    broken = live & ~s.done & (pick(s.integrity, ar, foe_all) <= 0)
    s.done[broken] = True
    s.winner[broken] = a[broken]
    s.outcome[broken] = DESTROYED
    if log is not None:
        for b in np.flatnonzero(broken):
            log[b].append({"event": "destroyed", "side": int(foe_all[b])})
    over = np.flatnonzero(live & ~s.done & ((s.ap <= 0) | (actions == END)))
    if log is not None:
        for b in over:
            log[b].append({"event": "end_turn", "side": int(a[b])})
    end_turn(game, s, over, log)
    if log is not None:
        for b in np.flatnonzero(live & s.done):
            log[b].append({"event": "result", "winner": int(s.winner[b]), "outcome": OUTCOMES[int(s.outcome[b])], "turns": int(s.turn[b])})


def _take_cache(game: Game, s: DuelState, idx: np.ndarray, side: np.ndarray, tile: np.ndarray, log: list[list[dict]] | None) -> None:
    c = game.geo.cache_of[tile]
    has = c >= 0
    if not has.any():
        return
    full = np.zeros(idx.shape, bool)
    full[has] = s.caches[idx[has], c[has]]
    j = np.flatnonzero(full)
    b, sd = idx[j], side[j]
    before = s.nectar[b, sd].copy()
    s.nectar[b, sd] = game.tables.nectar[s.unit[b, sd]]
    s.caches[b, c[j]] = False
    if log is not None:
        for k, bb in enumerate(b):
            log[bb].append({"event": "cache", "side": int(sd[k]), "gained": int(s.nectar[bb, sd[k]] - before[k]), "nectar": int(s.nectar[bb, sd[k]])})
