"""Read-only tables and memos that bots use to weigh their options fast, all derived from the rules' own functions.

Strike values come from `rules.combat.strike_preview` (the same formula as the previews and
`step`), the tiles a move reaches from `rules.legal.move_reach`, the rear arc from
`rules.combat.in_rear`. Tables are built once per game and kept on it (`Game.derived`,
read-only); memos keyed by the two units' tiles are filled as positions come up, and arenas too
large to keep one work the same functions out per call. Imports numpy, the game and the rules.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from gladiator.catalog.geometry import DIRECTIONS, UNREACHABLE
from gladiator.game import W, Game
from gladiator.rules import constants as K
from gladiator.rules.combat import (
    extraction_odds, guarding, in_rear, integrity_lost, open_to, overheat_excess, strike_preview, vent_shed,
)
from gladiator.rules.combat import rear_counts as combat_rear_counts
from gladiator.rules.turns import cooled, grab_odds, hazard_heat
from gladiator.rules.legal import enemy_may_block, fed_bits, free_to_go, move_reach
from gladiator.view import Observation

MEMO_LIMIT = 8_000_000  # entries of a per-(tile, enemy tile) memo; larger arenas work moves out per duel
MEMO_BLOCK = 4096  # rows a memo works out at once
STRIKE_TABLE_LIMIT = 1_000_000  # rows of the strike table (units cubed x 32 x 2 ** W); larger rosters compute strikes per duel
OUT_OF_SIGHT = 1 << 20  # the distance the strike tables give a target out of sight: beyond every weapon
HAZARD_WEIGHT = 0.5  # expected damage one point of hazard heat is worth avoiding


def tactics(game: Game) -> "Tactics":
    """The game's tactics tables, built on first use and kept on the game."""
    return game.derived("tactics", Tactics.build)


def strike_by_distance(game: Game, obs: Observation, rear: bool = False) -> np.ndarray:
    """(B, D + 1) best expected damage of the observer's weapons at each Chebyshev distance from the enemy (0 out of sight).

    Against the suit the enemy shows, as the previews see it; from its front unless `rear`.
    """
    table, rows = strike_rows(game, obs, rear)
    return table.take(rows, axis=0)


def strike_rows(game: Game, obs: Observation, rear: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """strike_by_distance as (table, rows), its rows not copied out: duel b's strike at distance d is table[rows[b], d].

    The table is the game's strike table where it keeps one, else the duels' own rows.
    """
    wu, tu, me = obs.my_unit, obs.foe_look, obs.my_unit  # a disguise never changes the weapons
    guard, exposed, cover = foe_guard_penalty(game, obs), obs.foe_exposed, game.geo.cover.take(obs.foe_pos)
    tac = tactics(game)
    if tac.strike is not None:
        bits = fed_slot_bits(game, wu, obs.my_nectar)
        return tac.strike, strike_code(game, wu, tu, me, guard, exposed, cover, rear, bits)
    fed = fed_slots(game, wu, obs.my_nectar)
    return _strike_of(game, tac.distances, wu, tu, me, guard, exposed, cover, np.full(wu.shape, rear), fed), np.arange(obs.batch)


def fed_slot_bits(game: Game, wu: np.ndarray, nectar: np.ndarray) -> np.ndarray:
    """(N,) uint8: the slots of weapon set `wu` that `nectar` pays for, slot w as bit w (the rules' table,
    `rules.legal.fed_bits`)."""
    return fed_bits(game, wu, nectar)


def fed_slots(game: Game, wu: np.ndarray, nectar: np.ndarray) -> np.ndarray:
    """(N, W) bool: the slots of weapon set `wu` that `nectar` pays for (`fed_slot_bits`, one column a slot)."""
    return (fed_slot_bits(game, wu, nectar)[:, None] >> np.arange(W, dtype=np.uint8)) & 1 == 1


def strike_values(game: Game, wu: np.ndarray, au: np.ndarray, tu: np.ndarray, guard: np.ndarray, exposed: np.ndarray,
                  cover: np.ndarray, rear: np.ndarray, fed: np.ndarray, high: np.ndarray | bool = False) -> np.ndarray:
    """(N, D + 1) best expected strike at each Chebyshev distance (the last: out of sight) of weapon set `wu` of unit
    `au` on unit `tu`, with the slots `fed` (N, W) can pay for; from high ground where `high`."""
    tac = tactics(game)
    if tac.strike is not None:
        return tac.strike.take(strike_code(game, wu, tu, au, guard, exposed, cover, rear, fed, high), axis=0)
    return _strike_of(game, tac.distances, wu, tu, au, guard, exposed, cover, rear, fed, high)


def strike_code(game: Game, wu: np.ndarray, tu: np.ndarray, me: np.ndarray, guard: np.ndarray | bool,
                exposed: np.ndarray | bool, cover: np.ndarray | bool, rear: np.ndarray | bool, fed: np.ndarray,
                high: np.ndarray | bool = False) -> np.ndarray:
    """(N,) the code of each case in the strike table: (weapon set, target, attacker, guard, exposed, cover, rear,
    high ground, the slots `fed`: (N, W) bool, or already as bits (N,), as `rules.legal.fed_bits` reads them)."""
    U = len(game.roster)
    code = ((((np.asarray(wu).astype(np.intp) * U + tu) * U + me) * 2 + guard) * 2 + exposed) * 2 + cover
    code = (code * 2 + rear) * 2 + high
    return code * (1 << W) + (_packed(fed) if fed.ndim == 2 else fed)


def _packed(fed: np.ndarray) -> np.ndarray:
    """(N,) the slots `fed` (N, W) as bits of a whole number."""
    bits = fed[:, 0].astype(np.intp)
    for w in range(1, W):
        bits |= fed[:, w].astype(np.intp) << w
    return bits


def guard_penalty(game: Game, guard: np.ndarray, holds: np.ndarray | bool = False) -> np.ndarray:
    """Whether strikes at a target take the guard's penalty (`rules.combat.guarding`): version 3, the target guards
    (`guard`); version 4, it holds the attacker (`holds`)."""
    return guarding(game, guard, holds)


def foe_guard_penalty(game: Game, obs: Observation) -> np.ndarray:
    """(B,) guard_penalty of the observer's strikes at the enemy."""
    return guard_penalty(game, obs.foe_guard, obs.my_caught)


def slot_preview(game: Game, wu: np.ndarray, au: np.ndarray, tu: np.ndarray, guard: np.ndarray, exposed: np.ndarray,
                 cover: np.ndarray, high_ground: np.ndarray, rear: np.ndarray,
                 adjacent: np.ndarray | bool = False, ambush: np.ndarray | bool = False) -> tuple[np.ndarray, ...]:
    """(chance, low, high, expected), each (N, W): the rules' strike preview of every slot (rules.combat.strike_preview)."""
    return strike_preview(game.tables, wu, au, tu, guard, exposed, cover, high_ground, rear, adjacent, ambush)


def in_rear_of(game: Game, attacker: np.ndarray, target: np.ndarray, facing: np.ndarray) -> np.ndarray:
    """Whether tiles `attacker` lie in the rear arc of a unit on `target` facing `facing` (arrays broadcast)."""
    attacker, target, facing = np.broadcast_arrays(attacker, target, facing)
    return in_rear(game, attacker, target, facing)


def foe_extraction_odds(game: Game, obs: Observation) -> np.ndarray:
    """(B,) odds of the enemy, as it shows itself, tearing out the observer's core (version 4: once it holds the observer,
    which then strikes back next to it: `rules.turns.grab_odds`)."""
    if game.rules >= 4:
        me = obs.my_unit  # (its next turn's points, as if it began it cool: the rows that read this are not keyed by heat)
        no = np.zeros(me.shape, dtype=bool)
        return grab_odds(game, me, obs.foe_look, no, no)
    lost = integrity_lost(obs.my_integrity, game.tables.integrity[obs.my_unit])
    return extraction_odds(game.tables, obs.foe_look, obs.my_unit, lost)


def leap_heat() -> int:
    """Heat a leap adds to the leaper (LEAP_HEAT)."""
    return K.LEAP_HEAT


def _strike_of(game: Game, distances: np.ndarray, wu: np.ndarray, tu: np.ndarray, me: np.ndarray, guard: np.ndarray,
               exposed: np.ndarray, cover: np.ndarray, rear: np.ndarray, fed: np.ndarray,
               high: np.ndarray | bool = False) -> np.ndarray:
    """(N, D + 1) best expected strike at each distance of weapon set `wu` of unit `me` on unit `tu` (see strike_by_distance),
    from high ground where `high`."""
    t = game.tables
    high = np.broadcast_to(high, wu.shape)
    usable = t.w_valid[wu] & fed
    far = np.where(usable, strike_preview(t, wu, me, tu, guard, exposed, cover, high, rear, False)[3], 0.0)
    near = np.where(usable, strike_preview(t, wu, me, tu, guard, exposed, cover, high, rear, True)[3], 0.0)
    v = np.where((distances == 1)[None, None, :], near[:, :, None], far[:, :, None])  # point-blank at distance 1
    within = t.w_range[wu][:, :, None] >= distances[None, None, :]  # (N, W, D + 1)
    return np.where(within, v, 0.0).max(axis=1, initial=0.0)


def may_move(game: Game, obs: Observation) -> np.ndarray:
    """Whether the observer may move or leap at all, (B,) or one value for every duel (`rules.legal.free_to_go`)."""
    return free_to_go(game, obs.my_caught)


def rear_counts(game: Game, rear: np.ndarray, guard: np.ndarray) -> np.ndarray:
    """Whether strikes from the rear arc (`rear`) count as such on a target guarding or not (rules.combat.rear_counts)."""
    return combat_rear_counts(game, rear, guard)


def rear_of_foe(game: Game, obs: Observation) -> np.ndarray:
    """(B,) bool: whether the observer stands in the enemy's rear arc."""
    return in_rear(game, obs.my_pos, obs.foe_pos, obs.foe_facing)


def extraction_open(game: Game, obs: Observation) -> np.ndarray:
    """(B,) bool: whether the enemy, as the observer sees it, is open to core extraction (adjacency aside)."""
    return open_to(game, obs.foe_damaged, obs.foe_overheated, obs.foe_caught, obs.my_caught)


def overheat_next_turn(game: Game, obs: Observation) -> np.ndarray:
    """(B,) heat above capacity the observer would start its next turn with, were it to end this turn where it stands."""
    heat = cooled(game, obs.my_unit, obs.my_heat + hazard_heat(game, obs.my_pos))
    return overheat_excess(heat, game.tables.heat_capacity[obs.my_unit])


def shed_by_vent(game: Game, unit: np.ndarray) -> np.ndarray:
    """(B,) heat a vent sheds for roster units `unit` (rules.combat.vent_shed)."""
    return vent_shed(game.tables, unit)


def hazard_cost(game: Game) -> np.ndarray:
    """(T,) what ending a turn on each tile costs in expected damage (hazard heat x HAZARD_WEIGHT)."""
    return tactics(game).hazard_cost


def strike_best(game: Game, strike: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """(B,) each duel's best expected strike at any distance: the largest value of row `rows[b]` of `strike` (strike_rows)."""
    tac = tactics(game)
    if strike is tac.strike:  # the game's table keeps the largest value of each of its rows
        return tac.strike_best.take(rows)
    return strike.max(axis=1).take(rows)


def values_at(game: Game, strike: np.ndarray, pe: np.ndarray, tiles: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
    """(B, K) best expected damage of the acting side's weapons if it stood on each of `tiles` (B, K).

    Duel b reads row `rows[b]` of `strike` (row b by default; see strike_rows).
    """
    geo = game.geo
    d = np.where(geo.los[pe[:, None], tiles], geo.cheb[pe[:, None], tiles], strike.shape[1] - 1)
    rows = np.arange(strike.shape[0]) if rows is None else np.asarray(rows, dtype=np.intp)
    return strike.take(rows[:, None] * strike.shape[1] + d)


def leap_spot_of(game: Game, reach: np.ndarray, pa: np.ndarray, pe: np.ndarray, facing: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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
    rear = in_rear(game, tile, pe[:, None], facing[:, None])
    pref = np.where(ok, 1 + rear, 0)
    k = np.argmax(pref, axis=1)
    has = pref[np.arange(n), k] > 0
    return np.where(has, tile[np.arange(n), k], -1), rear[np.arange(n), k]


def distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values of whole numbers `values` in increasing order (np.unique, counted instead of sorted when small)."""
    values = np.asarray(values)
    if values.size and values.dtype.kind in "iu" and 0 <= values.min() and values.max() < 4096:
        return np.flatnonzero(np.bincount(values))
    return np.unique(values)


def row_pick(values: np.ndarray, k: np.ndarray) -> np.ndarray:
    """values[i, k[i]] for every row i."""
    return values.reshape(-1).take(np.arange(values.shape[0]) * values.shape[1] + k)


class _Memo:
    """A table whose rows are worked out on first use: `compute(keys)` gives the rows of new keys."""

    def __init__(self, size: int, compute: Callable[[np.ndarray], tuple[np.ndarray, ...]]) -> None:
        self.compute = compute
        self.known = np.zeros(size, dtype=bool)
        self.rows: tuple[np.ndarray, ...] | None = None

    def get(self, keys: np.ndarray) -> tuple[np.ndarray, ...]:
        """The rows of `keys`, computing the ones never asked for before."""
        known = self.known.take(keys)
        if not known.all():
            miss = np.unique(keys[~known])
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


class SharedRows:
    """Rows of a table keyed by whole-number codes in 0 .. size - 1, each worked out the first time a duel has its code.

    For values that depend on a few discrete facts of a duel (units, flags, a gauge): they are
    worked out once per game and code, not once per duel and decision. `slots(codes, compute)` gives
    each duel's row number in `flat` (rows of `width` values), calling `compute(idx)` for the rows
    (len(idx), width) of codes never met, with `idx` one duel of the batch for each.
    """

    def __init__(self, size: int, width: int) -> None:
        self.width = width
        self.slot = np.full(size, -1, dtype=np.int32)
        self.rows = np.zeros((16, width))
        self.count = 0
        self._lock = threading.Lock()  # a bot thinking in a worker thread while another plays out the odds

    @property
    def flat(self) -> np.ndarray:
        """The rows met so far, end to end."""
        return self.rows.reshape(-1)

    def slots(self, codes: np.ndarray, compute: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
        """(N,) the row of each duel's code, working out the rows of codes never met before."""
        slot = self.slot.take(codes).astype(np.intp)
        if (slot >= 0).all():
            return slot
        with self._lock:  # rows are written before their slots: a reader without the lock sees a row whole, or a miss
            slot = self.slot.take(codes)
            miss = slot < 0
            if miss.any():
                new, first = np.unique(codes[miss], return_index=True)
                rows = compute(np.flatnonzero(miss)[first])
                n = self.count + new.size
                if n > self.rows.shape[0]:
                    grown = np.zeros((max(n, 2 * self.rows.shape[0]), self.width))
                    grown[: self.count] = self.rows[: self.count]
                    grown[self.count : n] = rows
                    self.rows = grown
                else:
                    self.rows[self.count : n] = rows
                self.slot[new] = np.arange(self.count, n)
                self.count = n
                slot = self.slot.take(codes).astype(np.intp)
        return slot


@dataclass(eq=False)
class Tactics:
    """What bots derive from a game once: tiles within a move, strike values, and memos of moves, closing in and leaps.

    The memos are keyed by (own tile, enemy tile) and filled as positions come up, where the
    arena is small enough; otherwise the same functions are worked out per duel.
    """

    game: Game
    distances: np.ndarray  # (D + 1,) 0 .. the longest Chebyshev distance, then "out of sight"
    hazard_cost: np.ndarray  # (T,)
    strike: np.ndarray | None = None  # (codes, D + 1) _strike_of by (weapon set, target, me, guard, exposed, cover, rear, high, Nectar bits)
    strike_best: np.ndarray | None = None  # (codes,) the largest value of each row of `strike`
    _near: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    _near_count: dict[int, np.ndarray] = field(default_factory=dict)
    _memos: dict[tuple[str, int], _Memo | None] = field(default_factory=dict)

    @classmethod
    def build(cls, game: Game) -> "Tactics":
        """Compute the small tables of a game; the memos start empty."""
        geo = game.geo
        U = len(game.roster)
        D = max(geo.width, geo.height)
        distances = np.append(np.arange(D), OUT_OF_SIGHT)  # out of sight is one distance beyond the arena
        hazard_cost = HAZARD_WEIGHT * game.arena.hazard_heat * geo.hazard.astype(np.float64)
        strike = None
        if U ** 3 * 32 * (1 << W) <= STRIKE_TABLE_LIMIT:
            wu, tu, me, g, x, c, r, h, bits = (v.reshape(-1) for v in np.meshgrid(
                *(np.arange(n) for n in (U, U, U, 2, 2, 2, 2, 2, 1 << W)), indexing="ij"))
            fed = (bits[:, None] >> np.arange(W)[None, :]) & 1 == 1
            strike = _strike_of(game, distances, wu, tu, me, *(v.astype(bool) for v in (g, x, c, r)), fed, h.astype(bool))
        return cls(game, distances, hazard_cost, strike, None if strike is None else strike.max(axis=1))

    def near(self, speed: int) -> tuple[np.ndarray, np.ndarray]:
        """(T, K) the tiles within `speed` of each tile, in tile order (padded with the tile itself), and their path distances."""
        if speed not in self._near:
            geo = self.game.geo
            T = geo.tiles
            within = geo.dist <= speed
            count = within.sum(axis=1)
            K = max(1, int(count.max()))
            near = np.repeat(np.arange(T)[:, None], K, axis=1)
            for p in range(T):
                row = np.flatnonzero(within[p])
                near[p, : row.size] = row
            self._near[speed] = (near, geo.dist[np.arange(T)[:, None], near])
            self._near_count[speed] = count
        return self._near[speed]

    def near_count(self, speed: int) -> np.ndarray:
        """(T,) how many tiles `near(speed)` lists for each tile before its padding."""
        self.near(speed)
        return self._near_count[speed]

    def reachable(self, speed: int, pa: np.ndarray, pe: np.ndarray, cand: np.ndarray) -> np.ndarray:
        """(N, K) bool: which tiles of `cand` (rows of `near(speed)[pa]`) a move from `pa` may reach with the enemy on `pe`."""
        ok = (cand != pa[:, None]) & (cand != pe[:, None])  # every tile of `near` is within `speed` path steps
        speeds = np.full(pa.shape, speed)
        m = np.flatnonzero(enemy_may_block(self.game, pa, pe, speeds))
        if m.size:  # elsewhere the enemy cannot be in the way
            ok[m] &= np.take_along_axis(move_reach(self.game, pa[m], pe[m], speeds[m]), cand[m].astype(np.intp), axis=1)
        return ok

    def best_move(self, strike: np.ndarray, ap: np.ndarray, speed: np.ndarray, pa: np.ndarray, pe: np.ndarray,
                  rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Per duel: the reachable tile with the best strike for the points left after moving (first in tile order), and its worth.

        Duel b reads row `rows[b]` of `strike` (row b by default; see strike_rows).
        """
        rows = np.arange(pa.shape[0]) if rows is None else np.asarray(rows, dtype=np.intp)
        speeds = distinct(speed)
        if speeds.size == 1:
            return self._best_move(int(speeds[0]), strike, rows, ap, pa, pe)
        tile = np.zeros(pa.shape, dtype=np.int64)
        worth = np.zeros(pa.shape)
        for sp in speeds:
            m = np.flatnonzero(speed == sp)
            tile[m], worth[m] = self._best_move(int(sp), strike, rows.take(m), ap.take(m), pa.take(m), pe.take(m))
        return tile, worth

    def _best_move(self, speed: int, strike: np.ndarray, rows: np.ndarray, ap: np.ndarray, pa: np.ndarray,
                   pe: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        memo = self._memo("move", speed, 4 * speed + 4)
        if memo is not None:
            # candidate tiles in groups of equal worth (distance to the enemy in sight, hazard), the first tile standing
            # for its group; `hazard` is +inf on the padding past the last group, which so comes out at -inf
            sight, hazard, tile = memo.get(pa.astype(np.intp) * self.game.geo.tiles + pe)
            values = strike.take(rows[:, None] * strike.shape[1] + sight)
            move_val = (ap - 1)[:, None] * values - hazard
            if not (ap >= 1).all():
                move_val = np.where((ap >= 1)[:, None], move_val, -np.inf)
        else:
            near, _ = self.near(speed)
            tile = near[pa]
            ok = self.reachable(speed, pa, pe, tile) & (ap >= 1)[:, None]
            values = values_at(self.game, strike, pe, tile, rows)
            move_val = np.where(ok, (ap - 1)[:, None] * values - self.hazard_cost[tile], -np.inf)
        k = np.argmax(move_val, axis=1)
        return row_pick(tile, k).astype(np.int64), np.maximum(row_pick(move_val, k), 0.0)

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
                                   lambda r, m: leap_spot_of(self.game, reach[m], pa[m], pe[m], facing[m]))

    def _tile_and_flag(self, kind: str, args: np.ndarray, key: Callable[[np.ndarray], np.ndarray],
                       direct: Callable[[int, np.ndarray], tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
        """Per duel a (tile, flag) answer: from the memo of (kind, arg) at `key(m)`, else `direct(arg, m)`, by value of `args`."""
        tile = np.zeros(args.shape, dtype=np.int64)
        flag = np.zeros(args.shape, dtype=bool)
        values = distinct(args)
        for v in values:
            m = np.flatnonzero(args == v) if values.size > 1 else slice(None)
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
                    memo = _Memo(size, lambda keys: leap_spot_of(self.game, np.full(keys.shape, arg), keys // (T * F),
                                                                  keys // F % T, keys % F))
            self._memos[key] = memo
        return self._memos[key]


