"""Hit chance, damage and core extraction odds, for the active side against the other.

Every function works on a subset `idx` of the batch (an int array) and returns arrays
over that subset; the window and the bots ask the same functions through the engine.
"""

from __future__ import annotations

import weakref

import numpy as np

from gladiator.catalog.geometry import DIRECTIONS
from gladiator.game import Game
from gladiator.rules import constants as K
from gladiator.state import DuelState, pick

HIT_TERMS = ("accuracy", "evasion", "guard", "cover", "high_ground", "rear", "exposed")


def weapon_unit(state: DuelState) -> np.ndarray:
    """(B, 2) roster index whose weapons and look each side shows: the disguise, if any."""
    return np.where(state.disguise >= 0, state.disguise, state.unit)


def in_rear_arc(game: Game, state: DuelState, idx: np.ndarray) -> np.ndarray:
    """Whether the active side stands in the rear arc of the other: behind the line of its facing."""
    a = state.active[idx].astype(np.intp)
    e = 1 - a
    return rear_lookup(game, pick(state.pos, idx, a), pick(state.pos, idx, e), pick(state.facing, idx, e))


def rear_lookup(game: Game, attacker: np.ndarray, target: np.ndarray, facing: np.ndarray) -> np.ndarray:
    """rear_arc_of from the arena's table: tiles `attacker`, `target` and the target's `facing`, per duel."""
    key = (attacker.astype(np.intp) * game.geo.tiles + target) * len(DIRECTIONS) + facing
    return _rear_table(game).take(key)


def rear_arc_of(game: Game, attacker: np.ndarray, target: np.ndarray, facing: np.ndarray) -> np.ndarray:
    """Whether tile `attacker` lies in the rear arc of a unit on tile `target` facing `facing`."""
    xy = game.geo.xy
    d = xy[attacker].astype(np.int32) - xy[target].astype(np.int32)
    f = DIRECTIONS[facing].astype(np.int32)
    return d[..., 0] * f[..., 0] + d[..., 1] * f[..., 1] < 0


def active_weapon_unit(state: DuelState, idx: np.ndarray, side: np.ndarray) -> np.ndarray:
    """Roster index whose weapons side `side` fights with in duels `idx`: its disguise, if any."""
    d = pick(state.disguise, idx, side)
    return np.where(d >= 0, d, pick(state.unit, idx, side))


def hit_terms(game: Game, state: DuelState, idx: np.ndarray, slot: np.ndarray) -> dict[str, np.ndarray]:
    """Each signed term of the hit chance of weapon `slot` (per duel in `idx`), and `chance`, clipped."""
    t = game.tables
    a = state.active[idx].astype(np.intp)
    e = 1 - a
    wu = active_weapon_unit(state, idx, a)
    tu = pick(state.unit, idx, e)
    ranged = t.w_ranged[wu, slot]
    pa, pe = pick(state.pos, idx, a), pick(state.pos, idx, e)
    rear = in_rear_arc(game, state, idx)
    terms = {
        "accuracy": t.w_accuracy[wu, slot],
        "evasion": -K.EVASION_PER_AGILITY * t.agility[tu],
        "guard": np.where(pick(state.guard, idx, e), -K.GUARD_PENALTY, 0.0),
        "cover": np.where(ranged & game.geo.cover[pe], -K.COVER_PENALTY, 0.0),
        "high_ground": np.where(ranged & game.geo.high[pa] & ~game.geo.high[pe], K.HIGH_GROUND_BONUS, 0.0),
        "rear": np.where(rear, K.REAR_BONUS, 0.0),
        "exposed": np.where(pick(state.exposed, idx, e), K.EXPOSED_BONUS, 0.0),
    }
    total = terms["accuracy"] + terms["evasion"] + terms["guard"] + terms["cover"] + terms["high_ground"] + terms["rear"] + terms["exposed"]
    terms["chance"] = np.clip(total, K.MIN_HIT, K.MAX_HIT)
    terms["is_rear"] = rear
    return terms


def damage(game: Game, state: DuelState, idx: np.ndarray, slot: np.ndarray, roll: np.ndarray, rear: np.ndarray) -> np.ndarray:
    """Damage of a hit: roll + firepower (ranged) + roll // 2 (rear) - armor, never below 0."""
    t = game.tables
    a = state.active[idx].astype(np.intp)
    e = 1 - a
    wu = active_weapon_unit(state, idx, a)
    fp = np.where(t.w_ranged[wu, slot], t.firepower[pick(state.unit, idx, a)], 0)
    rear_extra = np.where(rear, roll // K.REAR_DAMAGE_DIVISOR, 0)
    return np.maximum(0, roll + fp + rear_extra - t.armor[pick(state.unit, idx, e)])


def damage_roll(game: Game, state: DuelState, idx: np.ndarray, slot: np.ndarray, u: np.ndarray) -> np.ndarray:
    """The weapon's damage roll from a uniform draw u in [0, 1): low + floor(u * (high - low + 1))."""
    wu = active_weapon_unit(state, idx, state.active[idx].astype(np.intp))
    lo, hi = game.tables.w_low[wu, slot], game.tables.w_high[wu, slot]
    return lo + np.minimum(np.floor(u * (hi - lo + 1)).astype(np.int64), hi - lo)


def extraction_allowed(game: Game, state: DuelState, idx: np.ndarray) -> np.ndarray:
    """Whether the target is open to core extraction: badly damaged, overheated, or attacked from the rear."""
    t = game.tables
    e = 1 - state.active[idx].astype(np.intp)
    tu = pick(state.unit, idx, e)
    damaged = pick(state.integrity, idx, e) <= K.EXTRACT_DAMAGED_FRACTION * t.integrity[tu]
    hot = pick(state.heat, idx, e) > t.heat_capacity[tu]
    return damaged | hot | in_rear_arc(game, state, idx)


def extraction_odds(game: Game, state: DuelState, idx: np.ndarray) -> np.ndarray:
    """Odds of tearing out the core: base + per-agility difference + rear bonus, clipped."""
    t = game.tables
    a = state.active[idx].astype(np.intp)
    diff = t.agility[pick(state.unit, idx, a)] - t.agility[pick(state.unit, idx, 1 - a)]
    p = K.EXTRACT_BASE + K.EXTRACT_PER_AGILITY * diff + np.where(in_rear_arc(game, state, idx), K.EXTRACT_REAR_BONUS, 0.0)
    return np.clip(p, K.EXTRACT_MIN, K.EXTRACT_MAX)


def leap_reach(game: Game, unit: np.ndarray) -> np.ndarray:
    """Leap reach in tiles (Chebyshev): base + agility // per-tile."""
    return K.LEAP_BASE_REACH + game.tables.agility[unit] // K.LEAP_AGILITY_PER_TILE


_REAR: "weakref.WeakKeyDictionary[Game, np.ndarray]" = weakref.WeakKeyDictionary()


def _rear_table(game: Game) -> np.ndarray:
    """rear_arc_of for every (attacker tile, target tile, facing), flat: the arena's walls never move."""
    table = _REAR.get(game)
    if table is None:
        T, F = game.geo.tiles, len(DIRECTIONS)
        tgt, face = np.meshgrid(np.arange(T), np.arange(F), indexing="ij")
        table = np.empty((T, T, F), dtype=bool)
        for att in range(T):
            table[att] = rear_arc_of(game, np.full(tgt.shape, att), tgt, face)
        table = _REAR[game] = table.reshape(-1)
    return table
