"""A bot that takes the action with the highest expected immediate damage, and otherwise closes in.

Order of preference, per duel: inject when Nectar is about to run out; the attack or core
extraction with the highest expected damage (extraction is worth the target's whole
integrity times its odds); a disguise whose weapons hit harder; a leap next to the
enemy (behind it if it can) when there are points left to strike; vent when overheated;
a move to the reachable tile from which its weapons do most; guard; end the turn.
"""

from __future__ import annotations

import numpy as np

from gladiator.catalog.geometry import DIRECTIONS, UNREACHABLE
from gladiator.engine import attack_preview, extraction_preview
from gladiator.game import ATTACK0, END, EXTRACT, GUARD, INJECT, VENT, W, Game
from gladiator.rules.combat import leap_reach, weapon_unit
from gladiator.rules import constants as K
from gladiator.state import DuelState

LOW_NECTAR = 3


class GreedyBot:
    """Highest expected immediate damage first; otherwise close in to a firing position."""

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
        ap = s.ap
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
        best = exp[ar, best_slot]
        adjacent = geo.cheb[pa, pe] == 1
        from gladiator.rules.combat import extraction_allowed

        can_extract = t.can_extract[me] & adjacent & (ap >= 2) & extraction_allowed(game, s, ar)
        ext_value = np.where(can_extract, extraction_preview(game, s) * s.integrity[ar, e], -1.0)
        choose((ext_value > best) & (ext_value > 0), EXTRACT)
        choose(best > 0, ATTACK0 + best_slot)

        # a disguise whose best weapon out-hits our own
        if t.can_mimic.any():
            score = (t.w_accuracy * (t.w_low + t.w_high) / 2.0 * t.w_valid).max(axis=1)  # (U,)
            own = score[weapon_unit(s)[ar, a]]
            target = np.argmax(score)
            can = t.can_mimic[me] & (s.disguise[ar, a] < 0) & (ap >= 1) & (target != me)
            choose(can & (score[target] > own), sp.mimic0 + target)

        # vent when over capacity
        hot = s.heat[ar, a] > t.heat_capacity[me]
        choose(hot & (ap >= 1), VENT)

        # leap next to the enemy, behind it if possible, when a strike can follow
        leapers = todo & t.can_leap[me] & (ap >= K.COST_LEAP + 1) & ~adjacent
        if leapers.any():
            li = np.flatnonzero(leapers)
            ring = pe[li, None].astype(np.int64)
            ex, ey = geo.xy[pe[li], 0].astype(np.int64), geo.xy[pe[li], 1].astype(np.int64)
            nx = ex[:, None] + DIRECTIONS[None, :, 0]
            ny = ey[:, None] + DIRECTIONS[None, :, 1]
            inside = (nx >= 0) & (nx < geo.width) & (ny >= 0) & (ny < geo.height)
            tile = np.where(inside, ny * geo.width + nx, 0)
            reach = leap_reach(game, me[li])
            ok = inside & geo.passable[tile] & (geo.cheb[pa[li, None], tile] <= reach[:, None]) & (geo.dist[pa[li, None], tile] < UNREACHABLE)
            ok &= tile != pa[li, None]
            f = DIRECTIONS[s.facing[li, e[li]]]
            rear = (DIRECTIONS[None, :, 0] * f[:, None, 0] + DIRECTIONS[None, :, 1] * f[:, None, 1]) < 0
            pref = np.where(ok, 1 + rear, 0)
            k = np.argmax(pref, axis=1)
            has = pref[np.arange(li.size), k] > 0
            act = np.full(B, END, dtype=np.int64)
            act[li] = sp.leap0 + tile[np.arange(li.size), k]
            m = np.zeros(B, bool)
            m[li[has]] = True
            choose(m, act)
            del ring

        # move to the reachable tile from which our weapons do most
        movers = todo & (ap >= 1) & (t.speed[me] > 0)
        if movers.any():
            mi = np.flatnonzero(movers)
            out[mi], moved = _move_choice(game, s, mi)
            todo[mi[moved]] = False

        choose(~s.guard[ar, a] & (ap >= 1), GUARD)
        return out


def _move_choice(game: Game, s: DuelState, mi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Best move per duel in `mi`, and whether moving beats staying put."""
    t, geo, sp = game.tables, game.geo, game.space
    a = s.active[mi].astype(np.intp)
    e = 1 - a
    me = s.unit[mi, a]
    wu = weapon_unit(s)[mi, a]
    pa, pe = s.pos[mi, a], s.pos[mi, e]
    to_foe = geo.cheb[:, pe].T  # (M, T)
    sight = geo.los[:, pe].T
    value = np.zeros(to_foe.shape)
    for w in range(W):
        v = t.w_accuracy[wu, w] * (t.w_low[wu, w] + t.w_high[wu, w]) / 2.0 * t.w_valid[wu, w]
        can = (to_foe <= t.w_range[wu, w][:, None]) & sight
        value = np.maximum(value, np.where(can, v[:, None], 0.0))
    value += geo.cover[None, :] * 0.5 + geo.high[None, :] * 0.3 - geo.hazard[None, :] * 2.0
    path = geo.dist[pa]  # (M, T)
    tiles = np.arange(sp.tiles)
    reachable = (path <= t.speed[me][:, None]) & (tiles[None, :] != pa[:, None]) & (tiles[None, :] != pe[:, None])
    # closer is better when nothing can be hit: subtract the path distance to the foe
    closeness = -geo.dist[pe].astype(np.float64) * 0.01
    score = np.where(reachable, value + closeness, -np.inf)
    best = np.argmax(score, axis=1)
    best_score = score[np.arange(mi.size), best]
    here = value[np.arange(mi.size), pa] + closeness[np.arange(mi.size), pa]
    moved = np.isfinite(best_score) & (best_score > here + 1e-9)
    return np.where(moved, sp.move0 + best, END), moved
