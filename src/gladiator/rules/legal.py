"""The legal action mask over the fixed action space, why an action is refused, and where a move may go.

Imports numpy, the catalog geometry, the game tables, the state and the other rules modules.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np

from gladiator.catalog.geometry import UNREACHABLE, distances_avoiding
from gladiator.game import ATTACK0, END, EXTRACT, GUARD, INJECT, VENT, W, Game
from gladiator.rules import constants as K
from gladiator.rules.combat import extraction_allowed, leap_reach, weapon_unit
from gladiator.state import DuelState, SideCells, pick

PAST_ENEMY_LIMIT = 16_000_000  # entries of a per-(game, speed) memo of walks past the enemy; larger arenas work them out per call


def legal_mask(game: Game, state: DuelState) -> np.ndarray:
    """(B, A) bool: the actions the side to act may take; all False for a finished duel."""
    B = state.batch
    sp, t, geo = game.space, game.tables, game.geo
    ar = np.arange(B)
    a = state.active.astype(np.intp)
    e = 1 - a
    live = ~state.done
    au = pick(state.unit, ar, a)
    ap = state.ap
    pa, pe = pick(state.pos, ar, a), pick(state.pos, ar, e)
    mask = np.zeros((B, sp.n), dtype=bool)
    one = live & (ap >= 1)
    two = live & (ap >= 2)
    mask[:, END] = live
    mask[:, GUARD] = one & ~pick(state.guard, ar, a)
    mask[:, VENT] = one & (pick(state.heat, ar, a) > 0)
    mask[:, INJECT] = one & (pick(state.doses, ar, a) > 0) & (pick(state.nectar, ar, a) < t.nectar[au])
    mask[:, ATTACK0 : ATTACK0 + W] = attack_mask(game, state) & one[:, None]
    adjacent = pick(geo.cheb, pa, pe) == 1
    mask[:, EXTRACT] = two & t.can_extract[au] & adjacent & extraction_allowed(game, state, ar)
    can_mimic = one & t.can_mimic[au] & (pick(state.disguise, ar, a) < 0)
    mimic = np.broadcast_to(can_mimic[:, None], (B, sp.units)).copy()
    mimic[ar, au] = False
    mask[:, sp.mimic0 : sp.move0] = mimic
    tiles = np.arange(sp.tiles)
    free = (tiles[None, :] != pa[:, None]) & (tiles[None, :] != pe[:, None])
    dist = geo.dist.take(pa, axis=0)  # rows gathered with np.take: much faster than geo.dist[pa]
    mask[:, sp.move0 : sp.leap0] = one[:, None] & _walkable(game, pa, pe, t.speed[au], dist) & free
    reach = leap_reach(game, au)
    mask[:, sp.leap0 :] = (two & t.can_leap[au])[:, None] & (geo.cheb.take(pa, axis=0) <= reach[:, None]) & (dist < UNREACHABLE) & free
    return mask


def enemy_may_block(game: Game, pa: np.ndarray, pe: np.ndarray, speed: np.ndarray) -> np.ndarray:
    """(N,) bool: whether the enemy on `pe` can stand in the way of a move of `speed` from `pa` (it is nearer than `speed`).

    Elsewhere a move reaches exactly the tiles within `speed` path steps: any walk through the
    enemy's tile would be longer than `speed`.
    """
    geo = game.geo
    return geo.dist.reshape(-1).take(pa.astype(np.intp) * geo.tiles + pe) < speed


def move_reach(game: Game, pa: np.ndarray, pe: np.ndarray, speed: np.ndarray) -> np.ndarray:
    """(N, T) bool: the tiles a unit of `speed` on `pa` may move to with the enemy on `pe`.

    A move goes to a free tile along a walk of at most `speed` steps (eight directions, never
    onto a wall, no squeezing between two walls at a corner) that never steps on the enemy's tile.
    """
    geo = game.geo
    n = pa.shape[0]
    reach = _walkable(game, pa, pe, speed, geo.dist.take(pa, axis=0))
    reach[np.arange(n), pa] = False
    reach[np.arange(n), pe] = False
    return reach


def _walkable(game: Game, pa: np.ndarray, pe: np.ndarray, speed: np.ndarray, dist: np.ndarray) -> np.ndarray:
    """(N, T) bool: tiles within `speed` steps of `pa` by walks that keep off `pe` (`dist`: the rows geo.dist[pa]; the occupied tiles are not excluded)."""
    ok = dist <= speed[:, None]
    near = np.flatnonzero(enemy_may_block(game, pa, pe, speed))
    if near.size:  # only where the enemy is nearer than `speed` can it cut a walk short
        sp = speed[near]
        for v in np.unique(sp):
            m = near[sp == v]
            ok[m] = _walks_past(game, pa[m], pe[m], int(v))
    return ok


@dataclass(eq=False)
class _PastEnemy:
    """Walks of one speed past the enemy, by (own tile, enemy tile), worked out on first use.

    A row holds the cells of the window of Chebyshev radius `speed` round the own tile (no walk
    of `speed` steps leaves it): whether a walk that keeps off the enemy reaches each.
    """

    window: np.ndarray  # (T, (2 * speed + 1) ** 2) the tile of each window cell, T where outside the arena
    known: np.ndarray  # (T * T,) bool
    rows: np.ndarray  # (T * T, (2 * speed + 1) ** 2) bool

    @classmethod
    def build(cls, game: Game, speed: int) -> _PastEnemy | None:
        """An empty memo; None where the arena is too large to keep one."""
        geo = game.geo
        T, side = geo.tiles, 2 * speed + 1
        if T * T * side * side > PAST_ENEMY_LIMIT:
            return None
        dx, dy = (v.reshape(-1) for v in np.meshgrid(np.arange(-speed, speed + 1), np.arange(-speed, speed + 1)))
        x = geo.xy[:, 0, None].astype(np.intp) + dx
        y = geo.xy[:, 1, None].astype(np.intp) + dy
        inside = (x >= 0) & (x < geo.width) & (y >= 0) & (y < geo.height)
        window = np.where(inside, y * geo.width + x, T)
        return cls(window, np.zeros(T * T, dtype=bool), np.zeros((T * T, side * side), dtype=bool))


_PAST: weakref.WeakKeyDictionary[Game, dict[int, _PastEnemy | None]] = weakref.WeakKeyDictionary()


def _walks_past(game: Game, pa: np.ndarray, pe: np.ndarray, speed: int) -> np.ndarray:
    """(N, T) bool: tiles within `speed` steps of `pa` by walks that keep off `pe` (remembered per game where it fits)."""
    geo = game.geo
    memos = _PAST.setdefault(game, {})
    if speed not in memos:
        memos[speed] = _PastEnemy.build(game, speed)
    memo = memos[speed]
    if memo is None:
        return distances_avoiding(geo, pa, pe, speed) <= speed
    T = geo.tiles
    keys = pa.astype(np.intp) * T + pe
    miss = np.unique(keys[~memo.known[keys]])
    if miss.size:
        own = miss // T
        d = distances_avoiding(geo, own, miss % T, speed)
        d = np.concatenate([d, np.full((miss.size, 1), UNREACHABLE, dtype=d.dtype)], axis=1)  # the cell outside the arena
        memo.rows[miss] = np.take_along_axis(d, memo.window[own], axis=1) <= speed
        memo.known[miss] = True
    out = np.zeros((pa.shape[0], T + 1), dtype=bool)
    np.put_along_axis(out, memo.window[pa], memo.rows.take(keys, axis=0), axis=1)
    return out[:, :T]


def attack_mask(game: Game, state: DuelState) -> np.ndarray:
    """(B, W) bool: weapon slots of the side to act that can fire now (range, sight, Nectar)."""
    ar = np.arange(state.batch)
    a = state.active.astype(np.intp)
    mine = SideCells(state, ar, a)
    disguise = mine.get("disguise")
    wu = np.where(disguise >= 0, disguise, mine.get("unit"))
    return slots_in_reach(game, wu, mine.get("pos"), pick(state.pos, ar, 1 - a), mine.get("nectar"), state.done)


def slots_in_reach(game: Game, wu: np.ndarray, pa: np.ndarray, pe: np.ndarray, nectar: np.ndarray, done: np.ndarray) -> np.ndarray:
    """(B, W) bool: slots of weapon set `wu` on tile `pa` that can hit tile `pe` (range, sight) with `nectar` left."""
    geo = game.geo
    span = max(geo.width, geo.height)  # Chebyshev distances are below this
    key = (wu.astype(np.intp) * span + pick(geo.cheb, pa, pe)) * 2 + pick(geo.los, pa, pe)
    ok = _in_reach(game).take(key, axis=0)  # the slot exists, the target is in its range and in sight
    return ok & (nectar[:, None] > game.tables.w_nectar.take(wu, axis=0)) & ~done[:, None]


_REACH: "weakref.WeakKeyDictionary[Game, np.ndarray]" = weakref.WeakKeyDictionary()


def _in_reach(game: Game) -> np.ndarray:
    """(U * span * 2, W) bool by (weapon unit, Chebyshev distance, line of sight): which slots can hit."""
    table = _REACH.get(game)
    if table is None:
        t, geo = game.tables, game.geo
        span = max(geo.width, geo.height)
        wu, d, los = (g.reshape(-1) for g in np.meshgrid(np.arange(len(game.roster)), np.arange(span), np.arange(2), indexing="ij"))
        table = _REACH[game] = t.w_valid[wu] & (d[:, None] <= t.w_range[wu]) & (los == 1)[:, None]
    return table


def explain(game: Game, state: DuelState, b: int, action: int) -> str:
    """Why action `action` is refused in duel `b`, in words a player can read."""
    sp, t, geo = game.space, game.tables, game.geo
    if state.done[b]:
        return "the duel is over"
    kind, arg = sp.kind(int(action))
    a = int(state.active[b])
    au = int(state.unit[b, a])
    name = game.roster[au].name
    ap = int(state.ap[b])
    pa, pe = int(state.pos[b, a]), int(state.pos[b, 1 - a])
    need = {"leap": K.COST_LEAP, "extract": K.COST_EXTRACT, "end": 0}.get(kind, 1)
    if ap < need:
        return f"{name} has {ap} action point(s) left; {kind} needs {need}"
    if kind == "guard":
        return f"{name} is already guarding"
    if kind == "vent":
        return f"{name} has no heat to vent"
    if kind == "inject":
        if state.doses[b, a] <= 0:
            return f"{name} has no Nectar doses left"
        return f"{name}'s Nectar is already full"
    if kind == "attack":
        wu = int(weapon_unit(state)[b, a])
        if not t.w_valid[wu, arg]:
            return f"{name} has no weapon in slot {arg + 1}"
        wname = game.roster[wu].weapons[arg].name
        if geo.cheb[pa, pe] > t.w_range[wu, arg]:
            return f"the target is {int(geo.cheb[pa, pe])} tiles away; {wname} reaches {int(t.w_range[wu, arg])}"
        if not geo.los[pa, pe]:
            return f"{wname}: no line of sight to the target"
        return f"{wname} costs {int(t.w_nectar[wu, arg])} Nectar; {name} has {int(state.nectar[b, a])}"
    if kind == "extract":
        if not t.can_extract[au]:
            return f"{name} cannot extract cores"
        if geo.cheb[pa, pe] != 1:
            return "core extraction needs the target adjacent"
        return "the target is not open to core extraction (not badly damaged, not overheated, not attacked from behind)"
    if kind == "mimic":
        if not t.can_mimic[au]:
            return f"{name} cannot mimic"
        if state.disguise[b, a] >= 0:
            return f"{name} is already disguised"
        return f"{name} cannot mimic itself"
    if kind in ("move", "leap"):
        x, y = int(geo.xy[arg, 0]), int(geo.xy[arg, 1])
        if arg in (pa, pe):
            return f"tile ({x}, {y}) is occupied"
        if not geo.passable[arg]:
            return f"tile ({x}, {y}) is a wall"
        if kind == "move":
            speed = int(t.speed[au])
            if geo.dist[pa, arg] >= UNREACHABLE:
                return f"tile ({x}, {y}) cannot be reached"
            if geo.dist[pa, arg] > speed:
                return f"tile ({x}, {y}) is {int(geo.dist[pa, arg])} tiles away; {name}'s speed is {speed}"
            around = int(distances_avoiding(geo, np.array([pa]), np.array([pe]), geo.tiles)[0, arg])
            ex, ey = int(geo.xy[pe, 0]), int(geo.xy[pe, 1])
            if around >= UNREACHABLE:
                return f"the enemy at ({ex}, {ey}) blocks every path to tile ({x}, {y})"
            return (f"the enemy at ({ex}, {ey}) blocks the way: around it, tile ({x}, {y}) is {around} tiles away; "
                    f"{name}'s speed is {speed}")
        if not t.can_leap[au]:
            return f"{name} cannot leap"
        return f"tile ({x}, {y}) is beyond {name}'s leap reach"
    return "not allowed now"
