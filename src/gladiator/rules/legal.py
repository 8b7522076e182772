"""The legal actions: the mask over the fixed action space, the check of picked actions, and why one is refused.

The mask, the check of a pick (`allows`) and the refusal (`refusal`, a code and a text) are built
from the same conditions below, and every cost comes from `rules.costs`. Imports numpy, the
catalog geometry, the game tables, the state and the other rules modules.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from gladiator.catalog.geometry import UNREACHABLE, distances_avoiding
from gladiator.errors import GladiatorError
from gladiator.game import ATTACK0, END, EXTRACT, GUARD, INJECT, VENT, W, Game
from gladiator.rules.combat import badly_damaged, leap_reach, open_rear, open_to, overheated
from gladiator.rules import constants as K
from gladiator.rules.costs import action_cost, cost_of, nectar_of
from gladiator.state import DuelState, SideCells, pick

PAST_ENEMY_LIMIT = 16_000_000  # entries of a per-(game, speed) memo of walks past the enemy; larger arenas work them out per call
REACH_TABLE_LIMIT = 16_000_000  # entries of a game's table of tiles within a walk or leap, by (speed or reach, tile)

# Refusal codes: what a screen or a bot may switch on (the text is for people).
(OK, DUEL_OVER, OUTSIDE, NO_AP, GUARDING, NO_HEAT, NO_DOSES, NECTAR_FULL, NO_WEAPON, OUT_OF_RANGE, NO_SIGHT,
 NO_NECTAR, CANNOT_EXTRACT, NOT_ADJACENT, NOT_OPEN, CANNOT_MIMIC, DISGUISED, MIMIC_SELF, OCCUPIED, WALL,
 UNREACHABLE_TILE, TOO_FAR, BLOCKED, CANNOT_LEAP, BEYOND_LEAP, NO_TARGET, SEEN, REFUSED_OPTION, NOT_LEGAL, TIMED_OUT,
 BOT_DIED, HELD, MIMIC_ENEMY) = range(33)
# A name per refusal code, for files (the CSV's forfeit_reason) and for screens that switch on codes.
REFUSAL_NAMES = ("ok", "duel_over", "outside", "no_ap", "guarding", "no_heat", "no_doses", "nectar_full", "no_weapon",
                 "out_of_range", "no_sight", "no_nectar", "cannot_extract", "not_adjacent", "not_open", "cannot_mimic",
                 "disguised", "mimic_self", "occupied", "wall", "unreachable", "too_far", "blocked", "cannot_leap",
                 "beyond_leap", "no_target", "seen", "refused_option",  # an option a restricted player gave up
                 "not_legal",  # all a bot's sealed copy of the legal actions can say (the driver gives the rule's reason)
                 "timed_out", "bot_died",  # no pick at all: the bot overran its time (--bot-timeout), or it ended
                 "held", "mimic_enemy")  # version 4: held by the enemy's grab; the enemy's own look
KINDS = ("end", "guard", "vent", "inject", "extract", "attack", "mimic", "move", "leap")


@dataclass(frozen=True)
class Refusal:
    """Why an action is refused: a code (one of the constants above; OK when it is legal) and a text a player can read."""

    code: int
    text: str

    def __bool__(self) -> bool:
        """True when the action is refused."""
        return self.code != OK


class _Turn:
    """The facts of the side to act in duels `idx` of a state (all by default) that the conditions read, each gathered
    when first read."""

    def __init__(self, game: Game, state: DuelState, idx: np.ndarray | None = None) -> None:
        self.game, self.state, self._idx = game, state, idx
        rows = np.arange(state.batch) if idx is None else np.asarray(idx, dtype=np.intp)
        a = state.active.take(rows).astype(np.intp)
        self._mine = SideCells(state, rows, a)
        self._theirs = self._mine.opposite()

    @cached_property
    def live(self) -> np.ndarray:
        """Whether the duel goes on."""
        return ~(self.state.done if self._idx is None else self.state.done.take(self._mine.idx))

    @cached_property
    def ap(self) -> np.ndarray:
        """Its action points left."""
        return self.state.ap if self._idx is None else self.state.ap.take(self._mine.idx)

    @cached_property
    def au(self) -> np.ndarray:
        """Roster index of the unit to act."""
        return self._mine.get("unit")

    @property
    def wu(self) -> np.ndarray:
        """The weapon set it fights with: its own (a disguise changes the look, never the weapons)."""
        return self.au

    @cached_property
    def disguised(self) -> np.ndarray:
        """Whether it wears a disguise."""
        return self._mine.get("disguise") >= 0

    @cached_property
    def pa(self) -> np.ndarray:
        """Its tile."""
        return self._mine.get("pos")

    @cached_property
    def pe(self) -> np.ndarray:
        """The enemy's tile."""
        return self._theirs.get("pos")

    @cached_property
    def guard(self) -> np.ndarray:
        """Whether it guards."""
        return self._mine.get("guard")

    @cached_property
    def heat(self) -> np.ndarray:
        """Its heat."""
        return self._mine.get("heat")

    @cached_property
    def doses(self) -> np.ndarray:
        """Its Nectar doses left."""
        return self._mine.get("doses")

    @cached_property
    def nectar(self) -> np.ndarray:
        """Its Nectar."""
        return self._mine.get("nectar")

    @cached_property
    def speed(self) -> np.ndarray:
        """Its speed."""
        return self.game.tables.speed.take(self.au)

    @cached_property
    def open(self) -> np.ndarray:
        """Whether the enemy is open to core extraction (version 4: to a grab, from where the unit stands, by neither side
        held yet)."""
        game, theirs = self.game, self._theirs
        t = game.tables
        tu = theirs.get("unit")
        behind = (open_rear(game, self.pa, self.pe, theirs.get("facing"), theirs.get("guard")) if game.rules >= 4
                  else False)
        return open_to(game, badly_damaged(theirs.get("integrity"), t.integrity.take(tu)),
                       overheated(theirs.get("heat"), t.heat_capacity.take(tu)), self.foe_held, self.held, behind)

    @cached_property
    def reach(self) -> np.ndarray:
        """Leap reach of the unit to act."""
        return leap_reach(self.game.tables, self.au)

    @cached_property
    def dist(self) -> np.ndarray:
        """Chebyshev distance between the two units."""
        return pick(self.game.geo.cheb, self.pa, self.pe)

    @cached_property
    def held(self) -> np.ndarray:
        """Version 4: whether the enemy holds it (it may neither move, leap nor grab)."""
        return self._mine.get("caught")

    @cached_property
    def foe_held(self) -> np.ndarray:
        """Version 4: whether it holds the enemy."""
        return self._theirs.get("caught")

    @cached_property
    def foe_unit(self) -> np.ndarray:
        """Roster index of the enemy's suit (a suit knows its own kind: version 4 refuses that look)."""
        return self._theirs.get("unit")

    @cached_property
    def may_go(self) -> np.ndarray:
        """Whether it may move or leap at all (`free_to_go`)."""
        return free_to_go(self.game, self.held)

    @cached_property
    def fuel(self) -> np.ndarray:
        """Whether it has the Nectar for a leap or a disguise: more than it burns left (`rules.costs.nectar_of`; version 4;
        under version 3 they burn none, and a live unit has Nectar: True for all, no array worked out)."""
        burn = nectar_of("leap", self.game.rules)
        return self.nectar > burn if burn else np.True_

    def afford(self, kind: str) -> np.ndarray:
        """Live duels with the points for an action of `kind`."""
        return self.live & (self.ap >= cost_of(kind, self.game.rules))


def free_to_go(game: Game, held: np.ndarray) -> np.ndarray:
    """Whether a unit held or not (`held`: its `caught`) may move or leap at all: version 4 holds a held unit in place
    (version 3: True for every unit, one value that broadcasts)."""
    return ~np.asarray(held, dtype=bool) if game.rules >= 4 else np.True_


def legal_mask(game: Game, state: DuelState, idx: np.ndarray | None = None) -> np.ndarray:
    """(B, A) bool: the actions the side to act may take; all False for a finished duel. Of duels `idx` of the batch
    only ((N, A)) when given: their facts are read from the batch, the duels not copied out."""
    B = state.batch if idx is None else len(idx)
    sp, t = game.space, game.tables
    f = _Turn(game, state, idx)
    mask = np.zeros((B, sp.n), dtype=bool)
    mask[:, END] = f.live
    mask[:, GUARD] = f.afford("guard") & ~f.guard
    mask[:, VENT] = f.afford("vent") & (f.heat > 0)
    mask[:, INJECT] = f.afford("inject") & _can_inject(t, f)
    mask[:, ATTACK0 : ATTACK0 + W] = slots_in_reach(game, f.wu, f.pa, f.pe, f.nectar, ~f.live) & f.afford("attack")[:, None]
    mask[:, EXTRACT] = f.afford("extract") & _can_extract(t, f)
    ar = np.arange(B)
    mimic = mask[:, sp.mimic0 : sp.move0]  # the columns are written through views of the mask (no (B, T) temporaries)
    mimic[...] = (f.afford("mimic") & _can_mimic(game, f))[:, None]
    mimic[ar, f.au] = False
    if game.rules >= 4:
        mimic[ar, f.foe_unit] = False
    moves = mask[:, sp.move0 : sp.leap0]
    within = _reach_rows(game, "walk", f.speed, f.pa)
    np.logical_and(_walkable(game, f.pa, f.pe, f.speed, None, within=within), (f.afford("move") & f.may_go)[:, None], out=moves)
    moves[ar, f.pa] = False  # onto a free tile: neither unit's
    moves[ar, f.pe] = False
    leaps = leap_tiles(game, f.au, f.pa, f.pe, None, f.reach, out=mask[:, sp.leap0 :])
    leaps &= (f.afford("leap") & f.may_go & f.fuel)[:, None]
    return mask


def _reach_rows(game: Game, kind: str, value: np.ndarray, pa: np.ndarray) -> np.ndarray:
    """(N, T) bool, from `pa`: the tiles a walk of `value` steps reaches, walls aside and the enemy ignored
    (geo.dist[pa] <= value, `kind` "walk"), or within a leap of reach `value` that it could walk to at all ((geo.cheb[pa]
    <= value) & (geo.dist[pa] < UNREACHABLE), "leap"). Rows of a per-game table by (value, tile) where it fits."""
    geo = game.geo
    top = int(value.max(initial=0))
    table = game.derived(f"reach_rows:{kind}", lambda g: _reach_table(g, kind))
    if table is None or top >= table.shape[0] // geo.tiles or int(value.min(initial=0)) < 0:
        if kind == "walk":
            return geo.dist.take(pa, axis=0) <= value[:, None]
        return (geo.cheb.take(pa, axis=0) <= value[:, None]) & (geo.dist.take(pa, axis=0) < UNREACHABLE)
    return table.take(value.astype(np.intp) * geo.tiles + pa, axis=0)


def _reach_table(game: Game, kind: str) -> np.ndarray | None:
    """(values * T, T) bool: the rows of `_reach_rows` for every speed (or leap reach) of the roster, 0 up to the largest."""
    geo, t = game.geo, game.tables
    top = int((t.speed if kind == "walk" else leap_reach(t, np.arange(len(game.roster)))).max(initial=0))
    if (top + 1) * geo.tiles ** 2 > REACH_TABLE_LIMIT:
        return None
    v = np.arange(top + 1)[:, None, None]
    table = geo.dist[None] <= v if kind == "walk" else (geo.cheb[None] <= v) & (geo.dist < UNREACHABLE)[None]
    table = table.reshape(-1, geo.tiles)
    table.setflags(write=False)
    return table


def leap_tiles(game: Game, unit: np.ndarray, pa: np.ndarray, pe: np.ndarray, dist: np.ndarray | None = None,
               reach: np.ndarray | None = None, free: np.ndarray | None = None, out: np.ndarray | None = None) -> np.ndarray:
    """(N, T) bool: the tiles a unit of roster index `unit` on `pa` may leap to with the enemy on `pe`, points aside.

    A unit with `leap` lands on a free tile within its leap reach (Chebyshev) that it could walk to at
    all. `reach` and `free` may be passed when the caller has them (`dist`, the rows geo.dist[pa], is not needed);
    `out` (N, T) is written and returned instead of a new array.
    """
    if reach is None:
        reach = leap_reach(game.tables, unit)
    out = np.logical_and(_reach_rows(game, "leap", reach, pa), game.tables.can_leap.take(unit)[:, None], out=out)
    if free is None:  # neither unit's tile
        ar = np.arange(out.shape[0])
        out[ar, pa] = False
        out[ar, pe] = False
    else:
        out &= free
    return out


def extraction_tiles(game: Game, unit: np.ndarray, pa: np.ndarray, pe: np.ndarray, foe_facing: np.ndarray,
                     foe_open: np.ndarray, foe_guard: np.ndarray | bool = False, free: np.ndarray | bool = True) -> np.ndarray:
    """(N, T) bool: the tiles from which a unit of roster index `unit` on `pa` could tear out the core of the enemy on `pe`.

    A unit with `core_extraction` extracts from a tile next to the enemy when the enemy is open
    (`foe_open`: badly damaged, overheated or caught), or from a tile next to it in its rear arc
    that it can leap to: the leap catches the enemy (see `step`). Version 4: it grabs from any tile next to the enemy in
    its rear arc, however it gets there, while neither side holds the other (`free`; a guarding enemy, `foe_guard`, has
    no rear arc; `foe_open` is then the enemy's openness but for where the grabber stands). Points aside, as
    `leap_tiles`.
    """
    geo = game.geo
    T = geo.tiles
    tiles = np.arange(T)[None, :]
    near = (geo.cheb.take(pe, axis=0) == 1) & geo.passable[None, :]
    guard = np.asarray(foe_guard)[..., None]
    behind = open_rear(game, tiles, pe[:, None], foe_facing[:, None], guard)
    if game.rules < 4:
        behind &= leap_tiles(game, unit, pa, pe)
    else:
        behind &= np.asarray(free, dtype=bool)[..., None]
    return game.tables.can_extract[unit][:, None] & near & (np.asarray(foe_open)[:, None] | behind)


def allows(game: Game, state: DuelState, actions: np.ndarray) -> np.ndarray:
    """(B,) bool: whether each duel's action is legal, as `legal_mask` would say, without building the mask."""
    sp, t, geo = game.space, game.tables, game.geo
    actions = np.asarray(actions, dtype=np.int64)
    a = np.clip(actions, 0, sp.n - 1)
    ok = ~state.done & (actions == a) & (state.ap >= action_cost(game, a))  # live, inside the space, affordable

    def free(f: _Turn, tile: np.ndarray) -> np.ndarray:
        return (tile != f.pa) & (tile != f.pe)

    # what each kind of pick needs besides: a condition on the facts of its duels and the pick's argument (its slot,
    # unit or tile); an end of turn needs nothing more
    checks = {
        "guard": (0, lambda f, arg: ~f.guard),
        "vent": (0, lambda f, arg: f.heat > 0),
        "inject": (0, lambda f, arg: _can_inject(t, f)),
        "extract": (0, lambda f, arg: _can_extract(t, f)),
        "attack": (ATTACK0, lambda f, arg: slots_in_reach(game, f.wu, f.pa, f.pe, f.nectar, np.False_, slot=arg)),  # live: `ok`
        "mimic": (sp.mimic0, lambda f, arg: _can_mimic(game, f) & (arg != f.au) & ((arg != f.foe_unit) | (game.rules < 4))),
        "move": (sp.move0, lambda f, arg: free(f, arg) & f.may_go
                 & _walkable(game, f.pa, f.pe, f.speed, pick(geo.dist, f.pa, arg)[:, None], arg[:, None])[:, 0]),
        "leap": (sp.leap0, lambda f, arg: free(f, arg) & t.can_leap[f.au] & (pick(geo.cheb, f.pa, arg) <= f.reach)
                 & (pick(geo.dist, f.pa, arg) < UNREACHABLE) & f.may_go & f.fuel),
    }
    picks = picks_by_kind(game, a, ok)
    for kind, (first, check) in checks.items():
        i = picks[kind]
        if i.size:
            ok[i] = check(_Turn(game, state, i), a[i] - first)
    return ok


def picks_by_kind(game: Game, actions: np.ndarray, among: np.ndarray) -> dict[str, np.ndarray]:
    """The duels (in order) whose action is of each kind of KINDS, among those where `among` holds; the others count as
    ends (ids outside the space as the kind of the nearest end of it)."""
    kind = np.where(among, game.derived("action_kinds", _kind_table).take(actions, mode="clip"), 0)
    order = np.argsort(kind, kind="stable")
    ends = np.cumsum(np.bincount(kind, minlength=len(KINDS))).tolist()
    return {k: order[lo:hi] for k, lo, hi in zip(KINDS, [0] + ends, ends)}


def _kind_table(game: Game) -> np.ndarray:
    """(A,) the index in KINDS of every action id's kind."""
    sp = game.space
    return np.array([KINDS.index(sp.kind(a)[0]) for a in range(sp.n)], dtype=np.int8)


def _can_inject(t, f: _Turn) -> np.ndarray:  # type: ignore[no-untyped-def]
    return (f.doses > 0) & (f.nectar < t.nectar[f.au])


def _can_mimic(game: Game, f: _Turn) -> np.ndarray:
    """A suit with mimic, not disguised, unseen: out of the enemy's sight or too far for it to see the change (version 4:
    out of its sight, with the Nectar for it)."""
    return game.tables.can_mimic[f.au] & ~f.disguised & unseen(game, f.pa, f.pe) & f.fuel


def unseen(game: Game, pa: np.ndarray, pe: np.ndarray) -> np.ndarray:
    """Whether a unit on `pa` may change its look unseen by an enemy on `pe`: no line of sight, or far enough away
    (version 4: no line of sight, or crouched in cover not next to the enemy)."""
    if game.rules >= 4:
        return ~pick(game.geo.los, pa, pe) | (game.geo.cover.take(pa) & (pick(game.geo.cheb, pa, pe) > 1))
    return ~pick(game.geo.los, pa, pe) | (pick(game.geo.cheb, pa, pe) >= K.MIMIC_UNSEEN_DISTANCE)


def _can_extract(t, f: _Turn) -> np.ndarray:  # type: ignore[no-untyped-def]
    return t.can_extract[f.au] & (f.dist == 1) & f.open


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


def _walkable(game: Game, pa: np.ndarray, pe: np.ndarray, speed: np.ndarray, dist: np.ndarray | None,
              tiles: np.ndarray | None = None, within: np.ndarray | None = None) -> np.ndarray:
    """Whether tiles are within `speed` steps of `pa` by walks that keep off `pe`; the occupied tiles are not excluded.

    `dist` holds the path distances of the tiles asked for: the rows geo.dist[pa] (N, T) when
    `tiles` is None, else those of `tiles` (N, K); or `within` gives dist <= speed already (a copy
    is not made: it is written).
    """
    ok = dist <= speed[:, None] if within is None else within
    near = np.flatnonzero(enemy_may_block(game, pa, pe, speed))
    if near.size:  # only where the enemy is nearer than `speed` can it cut a walk short
        sp = speed[near]
        for v in np.unique(sp):
            m = near[sp == v]
            if tiles is None:
                ok[m] = _walks_past(game, pa[m], pe[m], int(v))
            else:
                ok[m] = _walks_past_to(game, pa[m], pe[m], int(v), tiles[m].astype(np.intp))
    return ok


class _PastEnemy:
    """Walks of one speed past the enemy, by (own tile, enemy tile), worked out on first use (kept on the game).

    A row holds the cells of the window of Chebyshev radius `speed` round the own tile (no walk
    of `speed` steps leaves it): whether a walk that keeps off the enemy reaches each.
    """

    def __init__(self, game: Game, speed: int) -> None:
        geo = game.geo
        T, side = geo.tiles, 2 * speed + 1
        self.game, self.speed = game, speed
        dx, dy = (v.reshape(-1) for v in np.meshgrid(np.arange(-speed, speed + 1), np.arange(-speed, speed + 1)))
        x = geo.xy[:, 0, None].astype(np.intp) + dx
        y = geo.xy[:, 1, None].astype(np.intp) + dy
        inside = (x >= 0) & (x < geo.width) & (y >= 0) & (y < geo.height)
        self.window = np.where(inside, y * geo.width + x, T)  # (T, side ** 2) tile of each cell, T outside the arena
        self.window.setflags(write=False)
        self.known = np.zeros(T * T, dtype=bool)
        self.rows = np.zeros((T * T, side * side), dtype=bool)
        # the same rows laid out over every tile, where they fit: `get` then reads whole rows (memory is taken as they are
        # worked out: np.zeros leaves untouched pages unallocated)
        self.whole = np.zeros((T * T, T), dtype=bool) if T ** 3 <= PAST_ENEMY_LIMIT else None

    @staticmethod
    def fits(game: Game, speed: int) -> bool:
        """Whether the memo of this speed is small enough to keep."""
        return game.geo.tiles ** 2 * (2 * speed + 1) ** 2 <= PAST_ENEMY_LIMIT

    def get(self, pa: np.ndarray, pe: np.ndarray) -> np.ndarray:
        """(N, T) bool rows of (pa, pe), working out the ones never asked for before."""
        T = self.game.geo.tiles
        keys = self._known(pa, pe)
        if self.whole is not None:
            return self.whole.take(keys, axis=0)
        out = np.zeros((pa.shape[0], T + 1), dtype=bool)
        # each row's window cells written through the flat array (put_along_axis, several times faster)
        out.put((np.arange(pa.shape[0]) * (T + 1))[:, None] + self.window.take(pa, axis=0), self.rows.take(keys, axis=0))
        return out[:, :T]

    def at(self, pa: np.ndarray, pe: np.ndarray, tiles: np.ndarray) -> np.ndarray:
        """(N, K) bool: the rows of (pa, pe) at `tiles` (N, K); False outside the window (no walk of `speed` gets there)."""
        geo, speed = self.game.geo, self.speed
        keys = self._known(pa, pe)
        dx = geo.xy[tiles, 0].astype(np.intp) - geo.xy[pa, 0].astype(np.intp)[:, None]
        dy = geo.xy[tiles, 1].astype(np.intp) - geo.xy[pa, 1].astype(np.intp)[:, None]
        side = 2 * speed + 1
        inside = (np.abs(dx) <= speed) & (np.abs(dy) <= speed)
        cell = np.where(inside, (dy + speed) * side + dx + speed, 0)
        return inside & self.rows.reshape(-1).take(keys[:, None] * side * side + cell)

    def _known(self, pa: np.ndarray, pe: np.ndarray) -> np.ndarray:
        """The keys of (pa, pe), their rows worked out where they never were before."""
        geo, speed = self.game.geo, self.speed
        T = geo.tiles
        keys = pa.astype(np.intp) * T + pe
        known = self.known.take(keys)
        if not known.all():
            miss = np.unique(keys[~known])
            own = miss // T
            d = distances_avoiding(geo, own, miss % T, speed)
            d = np.concatenate([d, np.full((miss.size, 1), UNREACHABLE, dtype=d.dtype)], axis=1)  # the cell outside the arena
            self.rows[miss] = np.take_along_axis(d, self.window[own], axis=1) <= speed
            if self.whole is not None:
                self.whole[miss] = d[:, :T] <= speed
            self.known[miss] = True
        return keys


def _walks_past_to(game: Game, pa: np.ndarray, pe: np.ndarray, speed: int, tiles: np.ndarray) -> np.ndarray:
    """(N, K) bool: _walks_past at `tiles` (N, K) only: read from the memo's window round `pa`, not whole rows."""
    memo = game.derived(f"walks_past:{speed}", lambda g: _PastEnemy(g, speed) if _PastEnemy.fits(g, speed) else None)
    if memo is None:
        return np.take_along_axis(_walks_past(game, pa, pe, speed), tiles, axis=1)
    return memo.at(pa, pe, tiles)


def _walks_past(game: Game, pa: np.ndarray, pe: np.ndarray, speed: int) -> np.ndarray:
    """(N, T) bool: tiles within `speed` steps of `pa` by walks that keep off `pe` (remembered on the game where it fits)."""
    memo = game.derived(f"walks_past:{speed}", lambda g: _PastEnemy(g, speed) if _PastEnemy.fits(g, speed) else None)
    if memo is None:
        return distances_avoiding(game.geo, pa, pe, speed) <= speed
    return memo.get(pa, pe)


def attack_mask(game: Game, state: DuelState) -> np.ndarray:
    """(B, W) bool: weapon slots of the side to act that can fire now (range, sight, Nectar)."""
    ar = np.arange(state.batch)
    a = state.active.astype(np.intp)
    mine = SideCells(state, ar, a)
    return slots_in_reach(game, mine.get("unit"), mine.get("pos"), pick(state.pos, ar, 1 - a), mine.get("nectar"), state.done)


def slots_in_reach(game: Game, wu: np.ndarray, pa: np.ndarray, pe: np.ndarray, nectar: np.ndarray, done: np.ndarray,
                   slot: np.ndarray | None = None) -> np.ndarray:
    """(B, W) bool: slots of weapon set `wu` on tile `pa` that can hit tile `pe` (range, sight) with `nectar` left; (B,) for
    slot `slot[b]` alone when `slot` is given."""
    key = _reach_key(game, wu, pa, pe)
    table = game.derived("slots_in_reach", _in_reach)  # the slot exists, the target in range and in sight
    if slot is not None:
        return pick(table, key, slot) & (nectar > pick(game.tables.w_nectar, wu, slot)) & ~done
    return table.take(key, axis=0) & (nectar[:, None] > game.tables.w_nectar.take(wu, axis=0)) & ~done[:, None]


def slots_in_reach_bits(game: Game, wu: np.ndarray, pa: np.ndarray, pe: np.ndarray, nectar: np.ndarray,
                        done: np.ndarray) -> np.ndarray:
    """(B,) uint8: slots_in_reach as bits (slot w: bit w), read from the same conditions tabled by case, not (B, W) arrays."""
    reach = game.derived("slots_in_reach_bits", lambda g: _bits(g.derived("slots_in_reach", _in_reach)))
    bits = reach.take(_reach_key(game, wu, pa, pe)) & fed_bits(game, wu, nectar)
    bits[np.asarray(done, dtype=bool)] = 0
    return bits


def _reach_key(game: Game, wu: np.ndarray, pa: np.ndarray, pe: np.ndarray) -> np.ndarray:
    """(B,) the row of each (weapon set, Chebyshev distance, line of sight) case in the `_in_reach` table."""
    geo = game.geo
    span = max(geo.width, geo.height)  # Chebyshev distances are below this
    pair = np.asarray(pa).astype(np.intp) * geo.tiles + pe  # the (tile, target tile) cell of the arena's tables
    key = np.asarray(wu).astype(np.intp) * span
    key += geo.cheb.reshape(-1).take(pair)
    key <<= 1
    key += geo.los.reshape(-1).take(pair)
    return key


def fed_bits(game: Game, wu: np.ndarray, nectar: np.ndarray) -> np.ndarray:
    """(B,) uint8: the slots of weapon set `wu` that `nectar` pays for (nectar > the slot's cost) as bits (slot w: bit w),
    read from a table by (weapon set, Nectar)."""
    top = int(game.tables.w_nectar.max(initial=0)) + 1  # Nectar above every cost pays for them all: read at `top`
    fed = game.derived("fed_bits", lambda g: _bits(_fed(g, top)))
    level = np.clip(nectar, -1, top).astype(np.intp)  # the costs are 0 or more: Nectar below 0 pays for none, as -1
    level += np.asarray(wu).astype(np.intp) * (top + 2) + 1
    return fed.take(level)


def _fed(game: Game, top: int) -> np.ndarray:
    """(U * (top + 2), W) bool by (weapon unit, Nectar -1 .. top): which slots that much Nectar pays for."""
    t = game.tables
    wu, level = (g.reshape(-1) for g in np.meshgrid(np.arange(len(game.roster)), np.arange(-1, top + 1), indexing="ij"))
    return level[:, None] > t.w_nectar[wu]


def _bits(table: np.ndarray) -> np.ndarray:
    """(N,) uint8 of a (N, W) bool table: column w as bit w (read-only)."""
    out = np.packbits(table, axis=1, bitorder="little")[:, 0]
    out.setflags(write=False)
    return out


def _in_reach(game: Game) -> np.ndarray:
    """(U * span * 2, W) bool by (weapon unit, Chebyshev distance, line of sight): which slots can hit."""
    t, geo = game.tables, game.geo
    span = max(geo.width, geo.height)
    wu, d, los = (g.reshape(-1) for g in np.meshgrid(np.arange(len(game.roster)), np.arange(span), np.arange(2), indexing="ij"))
    return t.w_valid[wu] & (d[:, None] <= t.w_range[wu]) & (los == 1)[:, None]


def refusal(game: Game, state: DuelState, b: int, action: int) -> Refusal:
    """Why action `action` is refused in duel `b` (code OK and an empty text when it is legal)."""
    sp, t, geo = game.space, game.tables, game.geo
    _check_duel_and_action(state, b, action)
    if state.done[b]:
        return Refusal(DUEL_OVER, "the duel is over")
    if not 0 <= int(action) < sp.n:
        return Refusal(OUTSIDE, f"action {int(action)} is outside the action space (0..{sp.n - 1})")
    one = state.take([b])
    if allows(game, one, np.array([int(action)]))[0]:
        return Refusal(OK, "")
    kind, arg = sp.kind(int(action))
    f = _Turn(game, one)
    au, ap, pa, pe = int(f.au[0]), int(f.ap[0]), int(f.pa[0]), int(f.pe[0])
    name = game.roster[au].name
    need = cost_of(kind, game.rules)
    if ap < need:
        return Refusal(NO_AP, f"{name} has {ap} action point(s) left; {kind} needs {need}")
    v4 = v4_refusal(game, f, kind, arg)
    if v4:
        return v4
    if kind == "guard":
        return Refusal(GUARDING, f"{name} is already guarding")
    if kind == "vent":
        return Refusal(NO_HEAT, f"{name} has no heat to vent")
    if kind == "inject":
        if f.doses[0] <= 0:
            return Refusal(NO_DOSES, f"{name} has no Nectar doses left")
        return Refusal(NECTAR_FULL, f"{name}'s Nectar is already full")
    if kind == "attack":
        wu = int(f.wu[0])
        if not t.w_valid[wu, arg]:
            return Refusal(NO_WEAPON, f"{name} has no weapon in slot {arg + 1}")
        wname = game.roster[wu].weapons[arg].name
        if geo.cheb[pa, pe] > t.w_range[wu, arg]:
            return Refusal(OUT_OF_RANGE, f"the target is {int(geo.cheb[pa, pe])} tiles away; {wname} reaches {int(t.w_range[wu, arg])}")
        if not geo.los[pa, pe]:
            return Refusal(NO_SIGHT, f"{wname}: no line of sight to the target")
        return Refusal(NO_NECTAR, f"{wname} costs {int(t.w_nectar[wu, arg])} Nectar; {name} has {int(f.nectar[0])}")
    if kind == "extract":
        if not t.can_extract[au]:
            return Refusal(CANNOT_EXTRACT, f"{name} cannot extract cores")
        if geo.cheb[pa, pe] != 1:
            return Refusal(NOT_ADJACENT, "core extraction needs the target adjacent")
        if game.rules >= 4:
            return Refusal(NOT_OPEN, "the target is not open to a grab (not badly damaged, not overheated, and no grab from "
                                     "its rear arc while it faces you or guards)")
        return Refusal(NOT_OPEN, "the target is not open to core extraction (not badly damaged, not overheated, not caught by a leap behind it)")
    if kind == "mimic":
        if not t.can_mimic[au]:
            return Refusal(CANNOT_MIMIC, f"{name} cannot mimic")
        if f.disguised[0]:
            return Refusal(DISGUISED, f"{name} is already disguised")
        if not unseen(game, np.array([pa]), np.array([pe]))[0]:
            return Refusal(SEEN, _seen_text(game, name))
        return Refusal(MIMIC_SELF, f"{name} cannot mimic itself")
    x, y = int(geo.xy[arg, 0]), int(geo.xy[arg, 1])
    if arg in (pa, pe):
        return Refusal(OCCUPIED, f"tile ({x}, {y}) is occupied")
    if not geo.passable[arg]:
        return Refusal(WALL, f"tile ({x}, {y}) is a wall")
    if kind == "move":
        speed = int(f.speed[0])
        if geo.dist[pa, arg] >= UNREACHABLE:
            return Refusal(UNREACHABLE_TILE, f"tile ({x}, {y}) cannot be reached")
        if geo.dist[pa, arg] > speed:
            return Refusal(TOO_FAR, f"tile ({x}, {y}) is {int(geo.dist[pa, arg])} tiles away; {name}'s speed is {speed}")
        around = int(distances_avoiding(geo, np.array([pa]), np.array([pe]), geo.tiles)[0, arg])
        ex, ey = int(geo.xy[pe, 0]), int(geo.xy[pe, 1])
        if around >= UNREACHABLE:
            return Refusal(BLOCKED, f"the enemy at ({ex}, {ey}) blocks every path to tile ({x}, {y})")
        return Refusal(BLOCKED, f"the enemy at ({ex}, {ey}) blocks the way: around it, tile ({x}, {y}) is {around} tiles away; "
                                f"{name}'s speed is {speed}")
    if not t.can_leap[au]:
        return Refusal(CANNOT_LEAP, f"{name} cannot leap")
    if geo.dist[pa, arg] >= UNREACHABLE:
        return Refusal(UNREACHABLE_TILE, f"tile ({x}, {y}) cannot be reached")
    return Refusal(BEYOND_LEAP, f"tile ({x}, {y}) is beyond {name}'s leap reach")


def refusal_of_kind(game: Game, state: DuelState, b: int, kind: str) -> Refusal:
    """Why no action of `kind` ('move', 'leap', 'mimic', 'attack', ...) is legal in duel `b` (OK when one is)."""
    sp = game.space
    _check_duel_and_action(state, b, 0)
    if kind not in KINDS:
        raise GladiatorError(f"unknown kind of action {kind!r}; kinds: {', '.join(KINDS)}")
    ranges = {"move": (sp.move0, sp.leap0), "leap": (sp.leap0, sp.n), "mimic": (sp.mimic0, sp.move0),
              "attack": (ATTACK0, ATTACK0 + W)}
    lo, hi = ranges.get(kind, (None, None)) if kind in ranges else (_fixed(kind), _fixed(kind) + 1)
    row = legal_mask(game, state.take([b]))[0, lo:hi]
    if row.any():
        return Refusal(OK, "")
    if state.done[b]:
        return Refusal(DUEL_OVER, "the duel is over")
    f = _Turn(game, state.take([b]))
    au = int(f.au[0])
    name, t = game.roster[au].name, game.tables
    if f.ap[0] < cost_of(kind, game.rules):
        return Refusal(NO_AP, f"{name} has {int(f.ap[0])} action point(s) left; {kind} needs {cost_of(kind, game.rules)}")
    v4 = v4_refusal(game, f, kind, None)
    if v4:
        return v4
    if kind == "leap" and not t.can_leap[au]:
        return Refusal(CANNOT_LEAP, f"{name} cannot leap")
    if kind == "mimic":
        if not t.can_mimic[au]:
            return Refusal(CANNOT_MIMIC, f"{name} cannot mimic")
        if f.disguised[0]:
            return Refusal(DISGUISED, f"{name} is already disguised")
        return Refusal(SEEN, _seen_text(game, name))
    if kind in ranges:
        what = {"move": "no tile within reach to move to", "leap": "no tile within reach to leap to",
                "attack": "no weapon can hit the target now"}[kind]
        return Refusal(NO_TARGET, what)
    return refusal(game, state, b, lo)


def v4_refusal(game: Game, f: _Turn, kind: str, arg: int | None) -> Refusal:
    """The refusals version 4 adds, for one duel's facts `f` and an action of `kind` (argument `arg`, None for any): a held
    unit stays and cannot grab, a leap or a disguise needs its Nectar, a look is never the enemy's own, one hold at a
    time. OK where none applies (version 3 always)."""
    if game.rules < 4:
        return Refusal(OK, "")
    name = game.roster[int(f.au[0])].name
    if kind in ("move", "leap", "extract") and f.held[0]:
        return Refusal(HELD, f"{name} is held by the enemy: it cannot move, leap or grab until a hit on its holder frees it")
    if kind in ("leap", "mimic") and not f.fuel[0] and (kind == "mimic" or game.tables.can_leap[f.au[0]]):
        return Refusal(NO_NECTAR, f"a {'leap' if kind == 'leap' else 'disguise'} burns {nectar_of(kind, game.rules)} Nectar and "
                                  f"needs more than that left; {name} has {int(f.nectar[0])}")
    if kind == "mimic" and arg is not None and arg == int(f.foe_unit[0]) and game.tables.can_mimic[f.au[0]]:
        return Refusal(MIMIC_ENEMY, f"{name} cannot take the look of the enemy's own suit: it knows its own kind")
    if kind == "extract" and f.foe_held[0]:
        return Refusal(NOT_OPEN, f"{name} already holds the enemy: its core comes out at {name}'s next turn")
    return Refusal(OK, "")


def explain(game: Game, state: DuelState, b: int, action: int) -> str:
    """Why action `action` is refused in duel `b`, in words a player can read ('' when it is legal)."""
    return refusal(game, state, b, action).text


def _check_duel_and_action(state: DuelState, b: object, action: object) -> None:
    """A duel index within the batch and a whole-number action, or GladiatorError."""
    for name, v in (("duel index", b), ("action", action)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise GladiatorError(f"{name} must be a whole number, got {v!r}")
    if not 0 <= int(b) < state.batch:  # type: ignore[arg-type]
        raise GladiatorError(f"duel index {b} is outside the batch (0..{state.batch - 1})")


def _seen_text(game: Game, name: str) -> str:
    """Why a look cannot be put on here: the enemy would see it."""
    if game.rules >= 4:
        return f"{name} cannot change its look where the enemy sees it (in its line of sight, out of cover or next to it)"
    return f"{name} cannot change its look where the enemy sees it (in sight and nearer than {K.MIMIC_UNSEEN_DISTANCE} tiles)"


def _fixed(kind: str) -> int:
    return {"end": END, "guard": GUARD, "vent": VENT, "inject": INJECT, "extract": EXTRACT}[kind]
