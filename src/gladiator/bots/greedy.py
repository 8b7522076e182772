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

For speed on large batches the same numbers come from tables built once per game (expected
strikes of every weapon set against every target, by distance) and from memos keyed by the two
units' tiles (the best move, the move that closes in, the leap spot), filled as positions come
up; arenas too large to keep a memo work the same functions out per duel. Where the enemy stands
nearer than the bot's speed, the tiles a move may reach come from the rules' `move_reach`.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from gladiator.catalog.geometry import DIRECTIONS, UNREACHABLE
from gladiator.engine import attack_preview, extraction_preview
from gladiator.game import ATTACK0, END, EXTRACT, GUARD, INJECT, VENT, W, Game, UnitTables
from gladiator.rules import constants as K
from gladiator.rules.combat import extraction_allowed, leap_reach, weapon_unit
from gladiator.rules.legal import enemy_may_block, move_reach
from gladiator.state import DuelState

LOW_NECTAR = 3
MEMO_LIMIT = 8_000_000  # entries of a per-(tile, enemy tile) memo; larger arenas work moves out per duel
MEMO_BLOCK = 4096  # rows a memo works out at once
STRIKE_TABLE_LIMIT = 500_000  # rows of the strike table (units cubed x 64); larger rosters compute strikes per duel
OUT_OF_SIGHT = 1 << 20  # the distance the strike tables give a target out of sight: beyond every weapon
HAZARD_WEIGHT = 0.5  # expected damage one point of hazard heat is worth avoiding


class GreedyBot:
    """Highest expected damage this turn first; otherwise close in."""

    name = "greedy"

    def act(self, game: Game, state: DuelState, idx: np.ndarray) -> np.ndarray:
        """One action per duel in `idx`."""
        s = state if _whole(idx, state.batch) else state.take(idx)
        B = s.batch
        t, geo, sp = game.tables, game.geo, game.space
        ar = np.arange(B)
        a = s.active.astype(np.intp)
        e = 1 - a
        first = a == 0  # per duel: whether side 0 acts (faster than indexing [ar, a])
        me = _own(s.unit, first)
        pa, pe = _own(s.pos, first), _foe(s.pos, first)
        ap = s.ap.astype(np.int64)
        out = np.full(B, END, dtype=np.int64)
        todo = np.ones(B, bool)

        def choose(cond: np.ndarray, action: np.ndarray | int) -> None:
            nonlocal todo
            c = cond & todo
            out[c] = np.broadcast_to(action, (B,))[c]
            todo &= ~c

        nectar = _own(s.nectar, first)
        choose((nectar <= LOW_NECTAR) & (_own(s.doses, first) > 0) & (nectar < t.nectar[me]) & (ap >= 1), INJECT)

        prev = attack_preview(game, s)
        exp = np.where(prev["usable"], prev["expected"], -1.0)
        best_slot = np.argmax(exp, axis=1)
        best_now = np.maximum(_row_pick(exp, best_slot), 0.0)
        adjacent = _pair(geo.cheb, pa, pe) == 1
        maybe = np.flatnonzero(t.can_extract[me] & adjacent & (ap >= K.COST_EXTRACT))
        if maybe.size:  # only these can extract: the odds are worked out for them alone
            sub = s.take(maybe)
            ok = extraction_allowed(game, sub, np.arange(maybe.size))
            ext_value = np.full(B, -1.0)
            ext_value[maybe] = np.where(ok, extraction_preview(game, sub) * sub.integrity[np.arange(maybe.size), e[maybe]], -1.0)
            choose((ext_value > best_now) & (ext_value > 0), EXTRACT)

        # a disguise whose best weapon out-hits our own, with points left to use it
        if t.can_mimic[me].any():
            score = _aim(game).weapon_values[me, _foe(s.unit, first), _foe(s.guard, first).astype(np.intp), _foe(s.exposed, first).astype(np.intp)]
            own = score[ar, _own(weapon_unit(s), first)]
            target = np.argmax(np.where(np.arange(len(game.roster))[None, :] == me[:, None], -1.0, score), axis=1)
            can = t.can_mimic[me] & (_own(s.disguise, first) < 0) & (ap >= 2)
            choose(can & (score[ar, target] > own * 1.1), sp.mimic0 + target)

        # heat that would burn integrity at the start of our next turn: shed it first
        burn = np.where(geo.hazard[pa], game.arena.hazard_heat, 0)
        overheat = _own(s.heat, first) + burn - t.cooling[me] - t.heat_capacity[me]
        choose((overheat > 0) & (ap >= 1) & (_own(s.heat, first) > 0), VENT)

        # plans for the rest of the turn; ending a turn on a hazard counts against a plan
        aim = _aim(game)
        hazard_cost = aim.hazard_cost
        strike = _strike_by_distance(game, s)  # (B, D + 1): best expected strike at each distance, 0 out of sight
        # with one point left a move leaves nothing to strike with: that plan is worth 0 (and only undecided duels need one)
        move_tile = np.zeros(B, dtype=np.int64)
        plan_move = np.zeros(B)
        need = np.flatnonzero(todo & (ap >= 2))
        if need.size == B:
            move_tile, plan_move = aim.best_move(strike, ap, t.speed[me], pa, pe)
        elif need.size:
            move_tile[need], plan_move[need] = aim.best_move(strike[need], ap[need], t.speed[me[need]], pa[need], pe[need])
        plan_now = np.where(best_now > 0, np.maximum(ap * best_now - hazard_cost[pa], 1e-6), 0.0)

        leap_tile, leap_gain = _leap_choice(game, s, strike)
        plan_leap = np.where(leap_tile >= 0, (ap - K.COST_LEAP) * leap_gain, 0.0)
        choose((plan_now > 0) & (plan_now >= plan_move) & (plan_now >= plan_leap), ATTACK0 + best_slot)
        choose((plan_leap > 0) & (plan_leap >= plan_move), sp.leap0 + np.maximum(leap_tile, 0))
        choose(plan_move > 0, sp.move0 + move_tile)

        # nothing to strike this turn: close in (off hazards), guard
        step_tile, gain = aim.closer(t.speed[me], pa, pe)
        choose(gain & (ap >= 1), sp.move0 + step_tile)
        choose(~_own(s.guard, first) & (ap >= 1), GUARD)
        return out


def _weapon_values(t: UnitTables, me: np.ndarray, tu: np.ndarray, guard: np.ndarray, exposed: np.ndarray, units: np.ndarray) -> np.ndarray:
    """(N, K) best expected damage of each candidate weapon set `units` (N, K) against the enemy, from the front."""
    best = np.zeros(units.shape)
    for w in range(W):
        p = t.w_accuracy[units, w] - K.EVASION_PER_AGILITY * t.agility[tu][:, None]
        p = p - np.where(guard, K.GUARD_PENALTY, 0.0)[:, None]
        p = np.clip(p + np.where(exposed, K.EXPOSED_BONUS, 0.0)[:, None], 0.0, 1.0)
        mean = (t.w_low[units, w] + t.w_high[units, w]) / 2.0
        dmg = np.maximum(0.0, mean + np.where(t.w_ranged[units, w], t.firepower[me][:, None], 0) - t.armor[tu][:, None])
        best = np.maximum(best, np.where(t.w_valid[units, w], p * dmg, 0.0))
    return best


def _strike_by_distance(game: Game, s: DuelState) -> np.ndarray:
    """(B, D + 1) best expected damage of the acting side's weapons at each Chebyshev distance from the enemy; 0 out of sight."""
    t, geo = game.tables, game.geo
    first = s.active == 0
    me = _own(s.unit, first)
    disguise = _own(s.disguise, first)
    wu = np.where(disguise >= 0, disguise, me)
    pe = _foe(s.pos, first)
    tu = _foe(s.unit, first)
    guard = _foe(s.guard, first)
    cover = geo.cover[pe]
    fed = _own(s.nectar, first)[:, None] > t.w_nectar.take(wu, axis=0)  # (B, W)
    aim = _aim(game)
    if aim.strike is not None:
        U = len(game.roster)
        code = (((wu.astype(np.intp) * U + tu) * U + me) * 2 + guard) * 2 + cover
        bits = fed[:, 0].astype(np.intp)
        for w in range(1, W):
            bits |= fed[:, w].astype(np.intp) << w
        code = code * (1 << W) + bits
        return aim.strike.take(code, axis=0)
    return _strike_of(t, aim.distances, wu, tu, me, guard, cover, fed)


def _strike_of(t: UnitTables, distances: np.ndarray, wu: np.ndarray, tu: np.ndarray, me: np.ndarray, guard: np.ndarray,
               cover: np.ndarray, fed: np.ndarray) -> np.ndarray:
    """(N, D + 1) best expected strike at each distance of weapon set `wu` of unit `me` on unit `tu` (see _strike_by_distance)."""
    p_base = -K.EVASION_PER_AGILITY * t.agility[tu] - np.where(guard, K.GUARD_PENALTY, 0.0)
    ranged = t.w_ranged[wu]  # (N, W)
    p = np.clip(t.w_accuracy[wu] + p_base[:, None] - np.where(ranged & cover[:, None], K.COVER_PENALTY, 0.0), 0.0, 1.0)
    mean = (t.w_low[wu] + t.w_high[wu]) / 2.0
    dmg = np.maximum(0.0, mean + np.where(ranged, t.firepower[me][:, None], 0) - t.armor[tu][:, None])
    v = np.where(t.w_valid[wu] & fed, p * dmg, 0.0)
    within = t.w_range[wu][:, :, None] >= distances[None, None, :]  # (N, W, D + 1)
    return np.where(within, v[:, :, None], 0.0).max(axis=1, initial=0.0)


def _values_at(game: Game, strike: np.ndarray, pe: np.ndarray, tiles: np.ndarray) -> np.ndarray:
    """(B, K) best expected damage of the acting side's weapons if it stood on each of `tiles` (B, K)."""
    geo = game.geo
    d = np.where(geo.los[pe[:, None], tiles], geo.cheb[pe[:, None], tiles], strike.shape[1] - 1)
    return strike.take(np.arange(strike.shape[0])[:, None] * strike.shape[1] + d)


def _leap_choice(game: Game, s: DuelState, strike: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per duel: the leap tile next to the enemy (rear arc preferred) and the strike expected from it; -1 if none."""
    t, geo = game.tables, game.geo
    B = s.batch
    e = 1 - s.active.astype(np.intp)
    first = s.active == 0
    me = _own(s.unit, first)
    pa, pe = _own(s.pos, first), _foe(s.pos, first)
    tile_out = np.full(B, -1, dtype=np.int64)
    gain = np.zeros(B)
    cand = t.can_leap[me] & (s.ap >= K.COST_LEAP + 1) & (_pair(geo.cheb, pa, pe) > 1)
    if not cand.any():
        return tile_out, gain
    li = np.flatnonzero(cand)
    reach = leap_reach(game, me[li])
    chosen, is_rear = _aim(game).leap_spot(reach, pa[li], pe[li], s.facing[li, e[li]])
    has = chosen >= 0
    v = _values_at(game, strike[li], pe[li], np.maximum(chosen, 0)[:, None])[:, 0]
    bonus = np.where(is_rear, 1.0 + K.REAR_BONUS + 1.0 / K.REAR_DAMAGE_DIVISOR, 1.0)  # rough worth of striking from behind
    tile_out[li[has]] = chosen[has]
    gain[li[has]] = (v * bonus)[has]
    return tile_out, gain


def _leap_spot_of(game: Game, reach: np.ndarray, pa: np.ndarray, pe: np.ndarray, facing: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per case: the tile next to the enemy a leap of `reach` lands on (its rear arc first, then tile order), -1 if none; and whether it is behind."""
    geo = game.geo
    n = pa.shape[0]
    ex, ey = geo.xy[pe, 0].astype(np.int64), geo.xy[pe, 1].astype(np.int64)
    nx = ex[:, None] + DIRECTIONS[None, :, 0]
    ny = ey[:, None] + DIRECTIONS[None, :, 1]
    inside = (nx >= 0) & (nx < geo.width) & (ny >= 0) & (ny < geo.height)
    tile = np.where(inside, ny * geo.width + nx, 0)
    ok = inside & geo.passable[tile] & (geo.cheb[pa[:, None], tile] <= reach[:, None])
    ok &= (geo.dist[pa[:, None], tile] < UNREACHABLE) & (tile != pa[:, None])
    f = DIRECTIONS[facing]
    rear = (DIRECTIONS[:, 0][None, :] * f[:, None, 0] + DIRECTIONS[:, 1][None, :] * f[:, None, 1]) < 0
    pref = np.where(ok, 1 + rear, 0)
    k = np.argmax(pref, axis=1)
    has = pref[np.arange(n), k] > 0
    return np.where(has, tile[np.arange(n), k], -1), rear[np.arange(n), k]


def _own(values: np.ndarray, first: np.ndarray) -> np.ndarray:
    """(B,) the acting side's entry of a (B, 2) array (`first`: side 0 acts)."""
    return np.where(first, values[:, 0], values[:, 1])


def _foe(values: np.ndarray, first: np.ndarray) -> np.ndarray:
    """(B,) the other side's entry of a (B, 2) array."""
    return np.where(first, values[:, 1], values[:, 0])


def _pair(table: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """table[i, j] of a square table, gathered flat."""
    return table.reshape(-1).take(i.astype(np.intp) * table.shape[1] + j)


def _row_pick(values: np.ndarray, k: np.ndarray) -> np.ndarray:
    """values[i, k[i]] for every row i."""
    return values.reshape(-1).take(np.arange(values.shape[0]) * values.shape[1] + k)


def _whole(idx: np.ndarray, n: int) -> bool:
    """Whether `idx` is exactly 0..n-1 (then the state need not be copied)."""
    idx = np.asarray(idx)
    return idx.shape == (n,) and (n == 0 or (int(idx[0]) == 0 and int(idx[-1]) == n - 1 and bool((np.diff(idx) == 1).all())))


class _Memo:
    """A table whose rows are worked out on first use: `compute(keys)` gives the rows of new keys."""

    def __init__(self, size: int, compute: Callable[[np.ndarray], tuple[np.ndarray, ...]]) -> None:
        self.compute = compute
        self.known = np.zeros(size, dtype=bool)
        self.rows: tuple[np.ndarray, ...] | None = None

    def get(self, keys: np.ndarray) -> tuple[np.ndarray, ...]:
        """The rows of `keys`, computing the ones never asked for before."""
        miss = keys[~self.known[keys]]
        if miss.size:
            miss = np.unique(miss)
            for lo in range(0, miss.size, MEMO_BLOCK):
                part = miss[lo : lo + MEMO_BLOCK]
                vals = self.compute(part)
                if self.rows is None:
                    self.rows = tuple(np.zeros((self.known.size,) + v.shape[1:], dtype=v.dtype) for v in vals)
                for table, v in zip(self.rows, vals):
                    table[part] = v
            self.known[miss] = True
        assert self.rows is not None
        return tuple(table.take(keys, axis=0) for table in self.rows)


@dataclass(eq=False)
class _Aim:
    """What the bot derives from a game once: tiles within a move, strike values, and memos of moves, closing in and leaps.

    The memos are keyed by (own tile, enemy tile) and filled as positions come up, where the
    arena is small enough; otherwise the same functions are worked out per duel.
    """

    game: Game
    distances: np.ndarray  # (D + 1,) 0 .. the longest Chebyshev distance, then "out of sight"
    hazard_cost: np.ndarray  # (T,)
    weapon_values: np.ndarray  # (U, U, 2, 2, U) _weapon_values by (me, target, guard, exposed, weapon set)
    strike: np.ndarray | None = None  # (codes, D + 1) _strike_of by (weapon set, target, me, guard, cover, Nectar bits)
    _near: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    _memos: dict[tuple[str, int], _Memo | None] = field(default_factory=dict)

    @classmethod
    def build(cls, game: Game) -> "_Aim":
        """Compute the small tables of a game; the memos start empty."""
        geo, t = game.geo, game.tables
        U = len(game.roster)
        me, tu, g, x = (v.reshape(-1) for v in np.meshgrid(*(np.arange(n) for n in (U, U, 2, 2)), indexing="ij"))
        wv = _weapon_values(t, me, tu, g.astype(bool), x.astype(bool), np.broadcast_to(np.arange(U), (me.size, U)))
        hazard_cost = HAZARD_WEIGHT * game.arena.hazard_heat * geo.hazard.astype(np.float64)
        D = max(geo.width, geo.height)
        aim = cls(game, np.append(np.arange(D), OUT_OF_SIGHT), hazard_cost, wv.reshape(U, U, 2, 2, U))
        if U ** 3 * 4 * (1 << W) <= STRIKE_TABLE_LIMIT:
            wu, tu, me, g, c, bits = (v.reshape(-1) for v in np.meshgrid(
                *(np.arange(n) for n in (U, U, U, 2, 2, 1 << W)), indexing="ij"))
            fed = (bits[:, None] >> np.arange(W)[None, :]) & 1 == 1
            # out of sight is one distance beyond the arena: no weapon reaches it
            aim.strike = _strike_of(t, aim.distances, wu, tu, me, g.astype(bool), c.astype(bool), fed)
        return aim

    def near(self, speed: int) -> tuple[np.ndarray, np.ndarray]:
        """(T, K) the tiles within `speed` of each tile, in tile order (padded with the tile itself), and their path distances."""
        if speed not in self._near:
            geo = self.game.geo
            T = geo.tiles
            within = geo.dist <= speed
            K = max(1, int(within.sum(axis=1).max()))
            near = np.repeat(np.arange(T)[:, None], K, axis=1)
            for p in range(T):
                row = np.flatnonzero(within[p])
                near[p, : row.size] = row
            self._near[speed] = (near, geo.dist[np.arange(T)[:, None], near])
        return self._near[speed]

    def reachable(self, speed: int, pa: np.ndarray, pe: np.ndarray, cand: np.ndarray) -> np.ndarray:
        """(N, K) bool: which tiles of `cand` (rows of `near(speed)[pa]`) a move from `pa` may reach with the enemy on `pe`."""
        ok = (cand != pa[:, None]) & (cand != pe[:, None])  # every tile of `near` is within `speed` path steps
        speeds = np.full(pa.shape, speed)
        m = np.flatnonzero(enemy_may_block(self.game, pa, pe, speeds))
        if m.size:  # elsewhere the enemy cannot be in the way
            ok[m] &= np.take_along_axis(move_reach(self.game, pa[m], pe[m], speeds[m]), cand[m].astype(np.intp), axis=1)
        return ok

    def best_move(self, strike: np.ndarray, ap: np.ndarray, speed: np.ndarray, pa: np.ndarray, pe: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per duel: the reachable tile with the best strike for the points left after moving (first in tile order), and its worth."""
        speeds = np.unique(speed)
        if speeds.size == 1:
            return self._best_move(int(speeds[0]), strike, ap, pa, pe)
        tile = np.zeros(pa.shape, dtype=np.int64)
        worth = np.zeros(pa.shape)
        for sp in speeds:
            m = np.flatnonzero(speed == sp)
            tile[m], worth[m] = self._best_move(int(sp), strike[m], ap[m], pa[m], pe[m])
        return tile, worth

    def _best_move(self, speed: int, strike: np.ndarray, ap: np.ndarray, pa: np.ndarray, pe: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        ar = np.arange(pa.shape[0])
        memo = self._memo("move", speed, 4 * speed + 4)
        if memo is not None:
            # candidate tiles in groups of equal worth (distance to the enemy in sight, hazard), the first tile standing
            # for its group; `hazard` is +inf on the padding past the last group, which so comes out at -inf
            sight, hazard, tile = memo.get(pa.astype(np.intp) * self.game.geo.tiles + pe)
            values = strike.take(ar[:, None] * strike.shape[1] + sight)
            move_val = (ap - 1)[:, None] * values - hazard
            if not (ap >= 1).all():
                move_val = np.where((ap >= 1)[:, None], move_val, -np.inf)
        else:
            near, _ = self.near(speed)
            tile = near[pa]
            ok = self.reachable(speed, pa, pe, tile) & (ap >= 1)[:, None]
            values = _values_at(self.game, strike, pe, tile)
            move_val = np.where(ok, (ap - 1)[:, None] * values - self.hazard_cost[tile], -np.inf)
        k = np.argmax(move_val, axis=1)
        return _row_pick(tile, k).astype(np.int64), np.maximum(_row_pick(move_val, k), 0.0)

    def _move_groups(self, speed: int, keys: np.ndarray) -> tuple[np.ndarray, ...]:
        """Rows of the move memo: per (own tile, enemy tile), the groups of candidate tiles ordered by their first tile."""
        geo = self.game.geo
        T = geo.tiles
        near, _ = self.near(speed)
        K = near.shape[1]
        D = len(self.distances) - 1
        groups = 2 * (D + 1)
        C = min(groups, 4 * speed + 4)
        pa, pe = keys // T, keys % T
        cand = near[pa]
        free = self.reachable(speed, pa, pe, cand)
        sight = np.where(geo.los[pe[:, None], cand], geo.cheb[pe[:, None], cand], D)
        group = np.where(free, sight * 2 + geo.hazard[cand], groups)
        hit = group[:, :, None] == np.arange(groups)[None, None, :]
        first = np.where(hit.any(axis=1), hit.argmax(axis=1), K)  # (M, groups)
        order = np.argsort(first, axis=1, kind="stable")[:, :C]
        k = np.take_along_axis(first, order, axis=1)
        ok = k < K
        tile = np.where(ok, cand[np.arange(keys.size)[:, None], np.minimum(k, K - 1)], 0)
        hazard = np.where(ok, self.hazard_cost[tile], np.inf)
        return (order // 2).astype(np.int8), hazard, tile.astype(np.int16 if T < 32768 else np.int64)

    def closer(self, speed: np.ndarray, pa: np.ndarray, pe: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per duel: the reachable tile off hazards nearest the enemy (first in tile order), and whether it is nearer."""
        T = self.game.geo.tiles
        return self._tile_and_flag("closer", speed, lambda m: pa[m].astype(np.intp) * T + pe[m],
                                   lambda sp, m: self._closer_of(sp, pa[m], pe[m]))

    def _closer_of(self, speed: int, pa: np.ndarray, pe: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        geo = self.game.geo
        near, _ = self.near(speed)
        cand = near[pa]
        ok = self.reachable(speed, pa, pe, cand) & ~geo.hazard[cand]
        closer = np.where(ok, -geo.dist[pe[:, None], cand].astype(np.int64), -UNREACHABLE * 2)
        k = np.argmax(closer, axis=1)
        best = closer[np.arange(pa.shape[0]), k]
        return np.where(best > -UNREACHABLE * 2, cand[np.arange(pa.shape[0]), k], 0), best > -geo.dist[pe, pa].astype(np.int64)

    def leap_spot(self, reach: np.ndarray, pa: np.ndarray, pe: np.ndarray, facing: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """_leap_spot_of, remembered per (leap reach, own tile, enemy tile, enemy facing)."""
        T, F = self.game.geo.tiles, len(DIRECTIONS)
        return self._tile_and_flag("leap", reach, lambda m: (pa[m].astype(np.intp) * T + pe[m]) * F + facing[m],
                                   lambda r, m: _leap_spot_of(self.game, reach[m], pa[m], pe[m], facing[m]))

    def _tile_and_flag(self, kind: str, args: np.ndarray, key: Callable[[np.ndarray], np.ndarray],
                       direct: Callable[[int, np.ndarray], tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
        """Per duel a (tile, flag) answer: from the memo of (kind, arg) at `key(m)`, else `direct(arg, m)`, by value of `args`."""
        tile = np.zeros(args.shape, dtype=np.int64)
        flag = np.zeros(args.shape, dtype=bool)
        for v in np.unique(args):
            m = np.flatnonzero(args == v)
            memo = self._memo(kind, int(v), 1)
            tile[m], flag[m] = direct(int(v), m) if memo is None else memo.get(key(m))
        return tile, flag

    def _memo(self, kind: str, arg: int, width: int) -> _Memo | None:
        """The memo of `kind` for a speed or leap reach; None where the arena is too large to keep one."""
        key = (kind, arg)
        if key not in self._memos:
            T = self.game.geo.tiles
            size = T * T * (len(DIRECTIONS) if kind == "leap" else 1)
            memo = None
            if size * width <= MEMO_LIMIT and len(self.distances) < 127:
                if kind == "move":
                    memo = _Memo(size, lambda keys: self._move_groups(arg, keys))
                elif kind == "closer":
                    memo = _Memo(size, lambda keys: self._closer_of(arg, keys // T, keys % T))
                else:
                    F = len(DIRECTIONS)
                    memo = _Memo(size, lambda keys: _leap_spot_of(self.game, np.full(keys.shape, arg), keys // (T * F),
                                                                  keys // F % T, keys % F))
            self._memos[key] = memo
        return self._memos[key]


_AIMS: "weakref.WeakKeyDictionary[Game, _Aim]" = weakref.WeakKeyDictionary()


def _aim(game: Game) -> _Aim:
    """The bot's tables for `game`, built on first use."""
    aim = _AIMS.get(game)
    if aim is None:
        aim = _AIMS[game] = _Aim.build(game)
    return aim
