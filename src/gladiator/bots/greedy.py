"""A bot that takes the action with the highest expected immediate damage, and otherwise closes in.

"Immediate" means this turn: per duel it weighs three plans for the action points left —
strike now with the best usable weapon (ap x expected damage), move first and then strike
((ap - 1) x the best expected damage from any reachable tile), or leap next to the enemy,
behind it where it can, and strike ((ap - 2) x the best expected damage from there) — and
takes the first action of the best plan. Before that it injects when Nectar is about to
run out, tears out the core when that is worth more than any strike (odds x the target's
integrity), puts on a disguise whose weapons hit harder, and vents heat that would burn it
at the start of its next turn. Ending a turn on a hazard counts against a plan. When no plan
does damage it closes in on the enemy, guards, and ends its turn.
"""

from __future__ import annotations

import numpy as np

from gladiator.catalog.geometry import DIRECTIONS, UNREACHABLE
from gladiator.engine import attack_preview, extraction_preview
from gladiator.game import ATTACK0, END, EXTRACT, GUARD, INJECT, VENT, W, Game
from gladiator.rules import constants as K
from gladiator.rules.combat import extraction_allowed, leap_reach, weapon_unit
from gladiator.state import DuelState

LOW_NECTAR = 3
HAZARD_WEIGHT = 0.5  # expected damage one point of hazard heat is worth avoiding


class GreedyBot:
    """Highest expected damage this turn first; otherwise close in."""

    name = "greedy"

    def act(self, game: Game, state: DuelState, idx: np.ndarray) -> np.ndarray:
        """One action per duel in `idx`."""
        s = state.take(idx)
        B = s.batch
        t, geo, sp = game.tables, game.geo, game.space
        ar = np.arange(B)
        a = s.active.astype(np.intp)
        e = 1 - a
        me = s.unit[ar, a]
        pa, pe = s.pos[ar, a], s.pos[ar, e]
        ap = s.ap.astype(np.int64)
        out = np.full(B, END, dtype=np.int64)
        todo = np.ones(B, bool)

        def choose(cond: np.ndarray, action: np.ndarray | int) -> None:
            nonlocal todo
            c = cond & todo
            out[c] = np.broadcast_to(action, (B,))[c]
            todo &= ~c

        nectar = s.nectar[ar, a]
        choose((nectar <= LOW_NECTAR) & (s.doses[ar, a] > 0) & (nectar < t.nectar[me]) & (ap >= 1), INJECT)

        prev = attack_preview(game, s)
        exp = np.where(prev["usable"], prev["expected"], -1.0)
        best_slot = np.argmax(exp, axis=1)
        best_now = np.maximum(exp[ar, best_slot], 0.0)
        adjacent = geo.cheb[pa, pe] == 1
        can_extract = t.can_extract[me] & adjacent & (ap >= K.COST_EXTRACT) & extraction_allowed(game, s, ar)
        ext_value = np.where(can_extract, extraction_preview(game, s) * s.integrity[ar, e], -1.0)
        choose((ext_value > best_now) & (ext_value > 0), EXTRACT)

        # a disguise whose best weapon out-hits our own, with points left to use it
        if t.can_mimic.any():
            score = _weapon_values(game, s, np.broadcast_to(np.arange(len(game.roster)), (B, len(game.roster))))
            own = score[ar, weapon_unit(s)[ar, a]]
            target = np.argmax(np.where(np.arange(len(game.roster))[None, :] == me[:, None], -1.0, score), axis=1)
            can = t.can_mimic[me] & (s.disguise[ar, a] < 0) & (ap >= 2)
            choose(can & (score[ar, target] > own * 1.1), sp.mimic0 + target)

        # heat that would burn integrity at the start of our next turn: shed it first
        burn = np.where(geo.hazard[pa], game.arena.hazard_heat, 0)
        overheat = s.heat[ar, a] + burn - t.cooling[me] - t.heat_capacity[me]
        choose((overheat > 0) & (ap >= 1) & (s.heat[ar, a] > 0), VENT)

        # plans for the rest of the turn; ending a turn on a hazard counts against a plan
        hazard_cost = HAZARD_WEIGHT * game.arena.hazard_heat * geo.hazard.astype(np.float64)
        values = _values_by_tile(game, s)  # (B, T): best expected strike from each tile
        dist = geo.dist[pa]
        tiles = np.arange(sp.tiles)
        free = (tiles[None, :] != pa[:, None]) & (tiles[None, :] != pe[:, None])
        reach = (dist <= t.speed[me][:, None]) & free & (ap >= 1)[:, None]
        move_val = np.where(reach, (ap - 1)[:, None] * values - hazard_cost[None, :], -np.inf)
        move_tile = np.argmax(move_val, axis=1)
        plan_move = np.maximum(move_val[ar, move_tile], 0.0)
        plan_now = np.where(best_now > 0, np.maximum(ap * best_now - hazard_cost[pa], 1e-6), 0.0)

        leap_tile, leap_gain = _leap_choice(game, s)
        plan_leap = np.where(leap_tile >= 0, (ap - K.COST_LEAP) * leap_gain, 0.0)
        choose((plan_now > 0) & (plan_now >= plan_move) & (plan_now >= plan_leap), ATTACK0 + best_slot)
        choose((plan_leap > 0) & (plan_leap >= plan_move), sp.leap0 + np.maximum(leap_tile, 0))
        choose(plan_move > 0, sp.move0 + move_tile)

        # nothing to strike this turn: close in (off hazards), guard
        closer = np.where(reach & ~geo.hazard[None, :], -geo.dist[pe].astype(np.int64), -UNREACHABLE * 2)
        step_tile = np.argmax(closer, axis=1)
        gain = closer[ar, step_tile] > -geo.dist[pe, pa].astype(np.int64)
        choose(gain, sp.move0 + step_tile)
        choose(~s.guard[ar, a] & (ap >= 1), GUARD)
        return out


def _weapon_values(game: Game, s: DuelState, units: np.ndarray) -> np.ndarray:
    """(B, K) best expected damage of each candidate weapon set `units` (B, K) against the enemy, from the front."""
    t = game.tables
    B = s.batch
    ar = np.arange(B)
    a = s.active.astype(np.intp)
    e = 1 - a
    tu = s.unit[ar, e]
    me = s.unit[ar, a]
    best = np.zeros(units.shape)
    for w in range(W):
        p = t.w_accuracy[units, w] - K.EVASION_PER_AGILITY * t.agility[tu][:, None]
        p = p - np.where(s.guard[ar, e], K.GUARD_PENALTY, 0.0)[:, None]
        p = np.clip(p + np.where(s.exposed[ar, e], K.EXPOSED_BONUS, 0.0)[:, None], 0.0, 1.0)
        mean = (t.w_low[units, w] + t.w_high[units, w]) / 2.0
        dmg = np.maximum(0.0, mean + np.where(t.w_ranged[units, w], t.firepower[me][:, None], 0) - t.armor[tu][:, None])
        best = np.maximum(best, np.where(t.w_valid[units, w], p * dmg, 0.0))
    return best


def _values_by_tile(game: Game, s: DuelState) -> np.ndarray:
    """(B, T) best expected damage of the acting side's weapons if it stood on each tile."""
    t, geo = game.tables, game.geo
    B = s.batch
    ar = np.arange(B)
    a = s.active.astype(np.intp)
    e = 1 - a
    wu = weapon_unit(s)[ar, a]
    pe = s.pos[ar, e]
    tu = s.unit[ar, e]
    me = s.unit[ar, a]
    to_foe = geo.cheb[pe]  # symmetric: (B, T)
    sight = geo.los[pe]
    p_base = -K.EVASION_PER_AGILITY * t.agility[tu] - np.where(s.guard[ar, e], K.GUARD_PENALTY, 0.0)
    values = np.zeros((B, geo.tiles))
    for w in range(W):
        ranged = t.w_ranged[wu, w]
        p = np.clip(t.w_accuracy[wu, w] + p_base - np.where(ranged & geo.cover[pe], K.COVER_PENALTY, 0.0), 0.0, 1.0)
        mean = (t.w_low[wu, w] + t.w_high[wu, w]) / 2.0
        dmg = np.maximum(0.0, mean + np.where(ranged, t.firepower[me], 0) - t.armor[tu])
        v = np.where(t.w_valid[wu, w] & (s.nectar[ar, a] > t.w_nectar[wu, w]), p * dmg, 0.0)
        can = (to_foe <= t.w_range[wu, w][:, None]) & sight
        values = np.maximum(values, np.where(can, v[:, None], 0.0))
    return values


def _leap_choice(game: Game, s: DuelState) -> tuple[np.ndarray, np.ndarray]:
    """Per duel: the leap tile next to the enemy (rear arc preferred) and the strike expected from it; -1 if none."""
    t, geo = game.tables, game.geo
    B = s.batch
    ar = np.arange(B)
    a = s.active.astype(np.intp)
    e = 1 - a
    me = s.unit[ar, a]
    pa, pe = s.pos[ar, a], s.pos[ar, e]
    tile_out = np.full(B, -1, dtype=np.int64)
    gain = np.zeros(B)
    cand = t.can_leap[me] & (s.ap >= K.COST_LEAP + 1) & (geo.cheb[pa, pe] > 1)
    if not cand.any():
        return tile_out, gain
    li = np.flatnonzero(cand)
    ex, ey = geo.xy[pe[li], 0].astype(np.int64), geo.xy[pe[li], 1].astype(np.int64)
    nx = ex[:, None] + DIRECTIONS[None, :, 0]
    ny = ey[:, None] + DIRECTIONS[None, :, 1]
    inside = (nx >= 0) & (nx < geo.width) & (ny >= 0) & (ny < geo.height)
    tile = np.where(inside, ny * geo.width + nx, 0)
    reach = leap_reach(game, me[li])
    ok = inside & geo.passable[tile] & (geo.cheb[pa[li, None], tile] <= reach[:, None])
    ok &= (geo.dist[pa[li, None], tile] < UNREACHABLE) & (tile != pa[li, None])
    f = DIRECTIONS[s.facing[li, e[li]]]
    rear = (DIRECTIONS[:, 0][None, :] * f[:, None, 0] + DIRECTIONS[:, 1][None, :] * f[:, None, 1]) < 0
    pref = np.where(ok, 1 + rear, 0)
    k = np.argmax(pref, axis=1)
    has = pref[np.arange(li.size), k] > 0
    vals = _values_by_tile(game, s.take(li))
    chosen = tile[np.arange(li.size), k]
    v = vals[np.arange(li.size), chosen]
    is_rear = rear[np.arange(li.size), k]
    bonus = np.where(is_rear, 1.0 + K.REAR_BONUS + 1.0 / K.REAR_DAMAGE_DIVISOR, 1.0)  # rough worth of striking from behind
    tile_out[li[has]] = chosen[has]
    gain[li[has]] = (v * bonus)[has]
    return tile_out, gain
