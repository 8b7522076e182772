"""Every combat formula, once: hit chance and its terms, damage, the rear arc, leap reach, core extraction.

Each formula is a vectorised function of plain arrays (roster indices, tiles, flags), so the
engine's `step` (with the truth), the previews a side sees (with what it observes), the
narration, the bots' tables and the docs' checks all call the same code. Read-only tables built
from these formulas live on the game (`Game.derived`), never beside them.
Imports numpy, the catalog geometry, the game tables, the state's `pick` and the rules constants.
"""

from __future__ import annotations

import numpy as np

from gladiator.catalog.geometry import DIRECTIONS, Geometry
from gladiator.game import W, Game, UnitTables
from gladiator.rules import constants as K
from gladiator.state import pick

PREVIEW_TABLE_LIMIT = 400_000  # rows (roster size squared x 128); larger rosters work the preview out per duel
REAR_TABLE_BLOCK = 1 << 20  # cells of the rear-arc table worked out in one pass (bounds the temporary arrays)
HIT_TERMS = ("accuracy", "evasion", "guard", "cover", "high_ground", "rear", "exposed", "point_blank", "ambush")


def rear_arc_of(geo: Geometry, attacker: np.ndarray, target: np.ndarray, facing: np.ndarray) -> np.ndarray:
    """Whether tile `attacker` lies in the rear arc of a unit on tile `target` facing `facing`: behind the line of its facing."""
    xy = geo.xy
    d = xy[attacker].astype(np.int32) - xy[target].astype(np.int32)
    f = DIRECTIONS[facing].astype(np.int32)
    return d[..., 0] * f[..., 0] + d[..., 1] * f[..., 1] < 0


def in_rear(game: Game, attacker: np.ndarray, target: np.ndarray, facing: np.ndarray) -> np.ndarray:
    """rear_arc_of, read from the game's table of every (attacker tile, target tile, facing)."""
    key = (np.asarray(attacker).astype(np.intp) * game.geo.tiles + target) * len(DIRECTIONS) + facing
    return game.derived("rear_arc", _rear_table).take(key)


def open_rear(game: Game, attacker: np.ndarray, target: np.ndarray, facing: np.ndarray, guard: np.ndarray) -> np.ndarray:
    """Whether an attacker on `attacker` strikes from the rear of a unit on `target` facing `facing` (`in_rear`), the
    target guarding or not (`rear_counts`)."""
    return rear_counts(game, in_rear(game, attacker, target, facing), guard)


def guarding(game: Game, guard: np.ndarray, holds: np.ndarray | bool) -> np.ndarray:
    """Whether a strike at a target takes the guard's penalty (`hit_terms`' `guard`): version 3, when the target guards
    (`guard`); version 4, when it holds the attacker (`holds`), braced behind it. A version-4 guard takes away the rear
    arc and watches (`rules.actions.watch`), but cuts no hits."""
    if game.rules < 4:
        return guard
    return np.zeros(np.shape(guard), dtype=bool) | np.asarray(holds, dtype=bool)


def shielded(game: Game, guard: np.ndarray, holds: np.ndarray | bool) -> np.ndarray:
    """Whether a target's rear arc is closed to an attacker (`open_rear`'s `guard`): it guards, or, version 4, it holds
    the attacker (braced behind it)."""
    if game.rules < 4:
        return guard
    return np.asarray(guard, dtype=bool) | np.asarray(holds, dtype=bool)


def rear_counts(game: Game, rear: np.ndarray, guard: np.ndarray) -> np.ndarray:
    """Whether a strike from the rear arc (`rear`) counts as one: version 4 gives a guarding target (`guard`) no rear arc."""
    return rear & ~np.asarray(guard, dtype=bool) if game.rules >= 4 else rear


def hit_terms(t: UnitTables, wu: np.ndarray, slot: np.ndarray, tu: np.ndarray, guard: np.ndarray, exposed: np.ndarray,
              cover: np.ndarray, high_ground: np.ndarray, rear: np.ndarray, adjacent: np.ndarray | bool = False,
              ambush: np.ndarray | bool = False) -> dict[str, np.ndarray]:
    """Each signed term of the hit chance of weapon set `wu`, slot `slot`, against a target of unit `tu`, and `chance`.

    `cover`: the target stands in cover; `high_ground`: the attacker stands on high ground and the
    target does not; `rear`: the attacker is in the target's rear arc; `adjacent`: the target is next
    to the attacker (a ranged weapon then fires point-blank, and takes the penalty unless, version 4, its
    `point_blank_penalty` is false); `ambush`: the attacker throws off a
    disguise with this attack. Arrays broadcast together.
    """
    ranged = pick(t.w_ranged, wu, slot)
    terms = {
        "accuracy": pick(t.w_accuracy, wu, slot),
        "evasion": -K.EVASION_PER_AGILITY * t.agility.take(tu),
        "guard": np.where(guard, -K.GUARD_PENALTY, 0.0),
        "cover": np.where(ranged & cover, -K.COVER_PENALTY, 0.0),
        "high_ground": np.where(ranged & high_ground, K.HIGH_GROUND_BONUS, 0.0),
        "rear": np.where(rear, K.REAR_BONUS, 0.0),
        "exposed": np.where(exposed, K.EXPOSED_BONUS, 0.0),
        "point_blank": np.where(pick(t.w_point_blank, wu, slot) & adjacent, -K.POINT_BLANK_PENALTY, 0.0),
        "ambush": np.where(ambush, K.AMBUSH_BONUS, 0.0),
    }
    total = terms["accuracy"]
    for k in HIT_TERMS[1:]:
        total = total + terms[k]
    terms["chance"] = np.clip(total, 0.0, 1.0)  # a chance
    return terms


def damage(t: UnitTables, wu: np.ndarray, slot: np.ndarray, au: np.ndarray, tu: np.ndarray, roll: np.ndarray,
           rear: np.ndarray) -> np.ndarray:
    """Damage of a hit: roll + the attacker's firepower (ranged) + roll // 2 (from the rear or an ambush) - the target's
    armor, never below 0."""
    fp = np.where(pick(t.w_ranged, wu, slot), t.firepower.take(au), 0)
    rear_extra = np.where(rear, roll // K.REAR_DAMAGE_DIVISOR, 0)
    return np.maximum(0, roll + fp + rear_extra - t.armor.take(tu))


def damage_roll(t: UnitTables, wu: np.ndarray, slot: np.ndarray, u: np.ndarray) -> np.ndarray:
    """The weapon's damage roll from a uniform draw u in [0, 1): low + floor(u * (high - low + 1))."""
    lo, hi = pick(t.w_low, wu, slot), pick(t.w_high, wu, slot)
    return lo + np.minimum(np.floor(u * (hi - lo + 1)).astype(np.int64), hi - lo)


def strike_preview(t: UnitTables, wu: np.ndarray, au: np.ndarray, tu: np.ndarray, guard: np.ndarray, exposed: np.ndarray,
                   cover: np.ndarray, high_ground: np.ndarray, rear: np.ndarray,
                   adjacent: np.ndarray | bool = False, ambush: np.ndarray | bool = False) -> tuple[np.ndarray, ...]:
    """(chance, low, high, expected), each (N, W): every slot of weapon set `wu` (N,) against `tu`, from hit_terms and damage."""
    slots = np.arange(W)[None, :]
    col = (lambda v: np.asarray(v)[:, None])  # noqa: E731 - per-duel values against per-slot columns
    wu2 = col(wu)
    adjacent, ambush = (col(np.broadcast_to(v, np.shape(wu))) for v in (adjacent, ambush))
    chance = hit_terms(t, wu2, slots, col(tu), col(guard), col(exposed), col(cover), col(high_ground), col(rear),
                       adjacent, ambush)["chance"]
    lo = damage(t, wu2, slots, col(au), col(tu), t.w_low[wu2, slots], col(rear) | ambush)
    hi = damage(t, wu2, slots, col(au), col(tu), t.w_high[wu2, slots], col(rear) | ambush)
    chance = np.where(t.w_valid[wu2, slots], chance, 0.0)
    return chance, lo.astype(np.float64), hi.astype(np.float64), chance * (lo + hi) / 2.0


def preview_table(game: Game) -> tuple[np.ndarray, ...] | None:
    """strike_preview for every (target, attacker, guard, exposed, cover, high ground, rear, adjacent, ambush): its four
    (rows, W) arrays (chance, low, high, expected), each contiguous, so a reader takes only those it needs; None for a
    roster too large to keep one (the preview is then worked out per duel). Kept on the game (`Game.derived`)."""
    U = len(game.roster)
    if U ** 2 * 128 > PREVIEW_TABLE_LIMIT:
        return None
    grid = np.meshgrid(*(np.arange(n) for n in (U, U, 2, 2, 2, 2, 2, 2, 2)), indexing="ij")
    tu, au, *flags = (g.reshape(-1) for g in grid)
    out = tuple(np.ascontiguousarray(v) for v in strike_preview(game.tables, au, au, tu, *(f.astype(bool) for f in flags)))
    for v in out:
        v.setflags(write=False)
    return out


def preview_code(game: Game, target: np.ndarray, attacker: np.ndarray, flags: tuple[np.ndarray, ...]) -> np.ndarray:
    """The row of each (target, attacker, flags) case in the preview table (`preview_table`): the flags are its low
    bits, the first flag the highest of them (gathered in bytes: seven flags fit one)."""
    bits = np.zeros(np.shape(target), dtype=np.uint8)
    for flag in flags:
        bits <<= 1
        bits |= flag
    code = target.astype(np.intp) * len(game.roster) + attacker
    code <<= len(flags)
    code += bits
    return code


def hit_chance(game: Game, au: np.ndarray, slot: np.ndarray, tu: np.ndarray, flags: tuple[np.ndarray, ...]) -> np.ndarray:
    """hit_terms' chance of slot `slot` of unit `au` against unit `tu` under `flags` (guard .. ambush), read from the
    preview table where the game keeps one."""
    table = game.derived("attack_preview", preview_table)
    if table is None:
        return hit_terms(game.tables, au, slot, tu, *flags)["chance"]
    code = preview_code(game, tu, au, flags)
    code *= W
    code += slot
    return table[0].reshape(-1).take(code)  # the chance of (row, slot)


def gauge(value: np.ndarray, true_max: np.ndarray, shown_max: np.ndarray) -> np.ndarray:
    """A reading of `value` (out of `true_max`) on a gauge of `shown_max`: the same fraction, rounded; exact when the two agree."""
    value = np.asarray(value)
    scaled = np.rint(value * (np.asarray(shown_max, dtype=np.float64) / np.maximum(true_max, 1))).astype(value.dtype)
    return np.where(true_max == shown_max, value, scaled)


def ambushes(disguise: np.ndarray, fresh: np.ndarray) -> np.ndarray:
    """Whether an attack now is an ambush: it throws off a disguise worn since before the attacker's turn began.

    A disguise put on this turn has fooled no one yet: an attack from it throws it off with no bonus.
    """
    return (np.asarray(disguise) >= 0) & ~np.asarray(fresh, dtype=bool)


def integrity_lost(integrity: np.ndarray, max_integrity: np.ndarray) -> np.ndarray:
    """The share of its integrity a suit has lost, 0 to 1."""
    return 1.0 - np.asarray(integrity) / np.maximum(max_integrity, 1)


def badly_damaged(integrity: np.ndarray, max_integrity: np.ndarray) -> np.ndarray:
    """Whether a suit is badly damaged: at or below EXTRACT_DAMAGED_FRACTION of its integrity."""
    return integrity <= K.EXTRACT_DAMAGED_FRACTION * max_integrity


def overheated(heat: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """Whether a suit is overheated: heat above its capacity."""
    return heat > capacity


def overheat_excess(heat: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """Heat above capacity (0 when not overheated)."""
    return np.maximum(0, heat - capacity)


def open_to_extraction(damaged: np.ndarray, hot: np.ndarray, caught: np.ndarray) -> np.ndarray:
    """Whether a target may have its core torn out: badly damaged, overheated, or caught by a leap into its rear arc."""
    return damaged | hot | caught


def open_to(game: Game, damaged: np.ndarray, hot: np.ndarray, caught: np.ndarray, holds: np.ndarray,
            behind: np.ndarray | bool = False) -> np.ndarray:
    """Whether a target may have its core torn out under the game's rules (`caught`: the target is caught or held;
    `holds`: the target holds the one who would extract; `behind`: the one who would extract stands in the target's
    open rear arc, `open_rear`). Version 3: `open_to_extraction`. Version 4, open to a grab: badly damaged, overheated
    or grabbed from behind; not held already, and not holding the grabber."""
    if game.rules >= 4:
        return (damaged | hot | behind) & ~np.asarray(caught, dtype=bool) & ~np.asarray(holds, dtype=bool)
    return open_to_extraction(damaged, hot, caught)


def hold_odds(chance: np.ndarray, shots: np.ndarray) -> np.ndarray:
    """Version 4: the odds a hold ends with the core torn out: every one of the held unit's `shots` at its holder misses,
    each hitting with `chance`."""
    return (1.0 - np.asarray(chance, dtype=np.float64)) ** np.maximum(0, shots)


def extraction_odds(t: UnitTables, au: np.ndarray, tu: np.ndarray, lost: np.ndarray) -> np.ndarray:
    """Odds of tearing out the core: per-agility difference + the share of integrity lost, clipped."""
    diff = t.agility.take(au) - t.agility.take(tu)
    p = K.EXTRACT_PER_AGILITY * diff + K.EXTRACT_PER_DAMAGE * lost
    return np.clip(p, K.EXTRACT_MIN, K.EXTRACT_MAX)


def leap_reach(t: UnitTables, unit: np.ndarray) -> np.ndarray:
    """Leap reach in tiles (Chebyshev): base + agility // per-tile."""
    return K.LEAP_BASE_REACH + t.agility.take(unit) // K.LEAP_AGILITY_PER_TILE


def charges(game: Game, start: np.ndarray, end: np.ndarray, foe_pos: np.ndarray) -> np.ndarray:
    """Version 4: whether a walk or a leap from `start` to `end` charges the enemy on `foe_pos`: it begins out of the
    enemy's reach (not next to it) and ends next to it."""
    cheb = game.geo.cheb
    return (pick(cheb, start, foe_pos) > 1) & (pick(cheb, end, foe_pos) == 1)


def melee_slot(game: Game) -> np.ndarray:
    """Version 4: (U,) the slot each unit charges with: its melee weapon of the highest expected damage (accuracy times
    the mean roll), -1 for a suit with none. Read-only, kept on the game."""
    def build(g: Game) -> np.ndarray:
        t = g.tables
        worth = np.where(t.w_valid & ~t.w_ranged, t.w_accuracy * (t.w_low + t.w_high) / 2.0, -1.0)
        return np.where(worth.max(axis=1) >= 0, worth.argmax(axis=1), -1).astype(np.int64)
    return game.derived("melee_slot", build)


def vent_shed(t: UnitTables, unit: np.ndarray) -> np.ndarray:
    """Heat a vent sheds: VENT_HEAT + the unit's cooling."""
    return K.VENT_HEAT + t.cooling[unit]


def _rear_table(game: Game) -> np.ndarray:
    """rear_arc_of for every (attacker tile, target tile, facing), flat: the arena's walls never move."""
    T, F = game.geo.tiles, len(DIRECTIONS)
    tgt, face = np.meshgrid(np.arange(T), np.arange(F), indexing="ij")
    table = np.empty((T, T, F), dtype=bool)
    step = max(1, REAR_TABLE_BLOCK // (T * F))  # attacker tiles worked out at once
    for lo in range(0, T, step):
        att = np.arange(lo, min(T, lo + step))[:, None, None]
        table[lo : lo + step] = rear_arc_of(game.geo, att, tgt[None], face[None])
    return table.reshape(-1)
