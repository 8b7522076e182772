"""The one public face of the rules: start duels, list legal actions, step, preview, observe.

Pure functions of (game, state, actions, draws) that return a new state. Every random
draw comes from the duel's own seed and its draw counter (`gladiator.rng`), so a duel
plays the same alone or in a batch of a million. Never imports pygame.
"""

from __future__ import annotations

import numpy as np

from gladiator import rng
from gladiator.errors import GladiatorError, IllegalAction
from gladiator.game import END, EXTRACT, W, Game, UnitTables
from gladiator.rules import combat
from gladiator.rules import constants as K
from gladiator.rules import events
from gladiator.rules.actions import (
    ATTACK_DRAWS, DRAWS_PER_STEP, EXTRACT_DRAWS, RESOLVE, EventBatch, draw_lanes,
)
from gladiator.rules.combat import (
    HIT_TERMS, badly_damaged, extraction_odds, gauge, guarding, integrity_lost, open_rear, open_to, overheated, preview_code,
    preview_table, shielded, strike_preview,
)
from gladiator.rules import costs
from gladiator.rules.costs import action_cost, cost_of
from gladiator.rules.legal import (
    BOT_DIED, NOT_LEGAL, OK, OUTSIDE, REFUSAL_NAMES, REFUSED_OPTION, TIMED_OUT, Refusal, allows, explain, extraction_tiles,
    legal_mask, picks_by_kind, refusal, refusal_of_kind, slots_in_reach, slots_in_reach_bits,
    unseen,
)
from gladiator.rules import turns
from gladiator.rules.turns import acting_side, cooled, end_turn, start_turn, turn_actions
from gladiator.state import DESTROYED, EVENT_KINDS, FORFEIT, OUTCOMES, DuelState, EventCount, SideCells, pick
from gladiator.view import Observation

INIT_STREAM = 1  # the initiative coin comes from its own stream
NOISE_STREAM = 2  # the random numbers an observation carries for a bot (`Observation.noise`)
NOISE_LANES = 2
TRUE_LOOK_PRIOR = 0.5  # a side's belief that the suit it sees is the suit underneath, when a disguise is possible

__all__ = [
    "ATTACK_DRAWS", "DRAWS_PER_STEP", "EXTRACT", "EXTRACT_DRAWS", "HIT_TERMS", "OUTCOMES", "Legal", "Observation", "REFUSAL_NAMES", "Refusal", "attack_preview", "badly_damaged", "cost_of",
    "determinize", "draw_identity", "opening_events", "draws_for", "best_strike", "explain", "identities", "extraction_map", "extraction_preview", "forfeit", "new_tally", "tally_columns", "tally_width", "leap_reach", "legal_mask", "new_duels", "observe",
    "prepare", "refusal", "refusal_of_kind", "sealed", "step", "turn_forecast", "BOT_DIED", "NOT_LEGAL", "TIMED_OUT",
]


def new_duels(game: Game, units: tuple[str, str] | np.ndarray, seeds: np.ndarray | list[int] | int,
              disguise: tuple[str | None, str | None] | np.ndarray | None = None) -> DuelState:
    """Start a batch of duels: `units` is a pair of ids (every duel) or a (B, 2) array of roster indices.

    `disguise` lets a side with `mimic` start the duel already disguised: a pair of unit ids (None
    for no disguise) or a (B, 2) array of roster indices (-1 for none). A disguise worn from the
    start lasts MIMIC_TURNS of its owner's turns, its first turn included, like one put on then.
    """
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
        arr = np.asarray(units)
        if arr.shape != (B, 2) or arr.dtype.kind not in "iu":
            raise GladiatorError(f"units must be a pair of ids or a ({B}, 2) array of roster indices, got shape {arr.shape}")
        if arr.size and (arr.min() < 0 or arr.max() >= len(game.roster)):
            raise GladiatorError(f"roster indices must be 0..{len(game.roster) - 1}")
        uidx = arr.astype(np.int16)
    t, geo = game.tables, game.geo
    spawn = np.array(geo.spawns, dtype=np.int16)
    pos = np.broadcast_to(spawn, (B, 2)).copy()
    face = np.array([geo.dir_to[spawn[0], spawn[1]], geo.dir_to[spawn[1], spawn[0]]], dtype=np.int8)
    coin = rng.uniforms(seeds, np.zeros(B, dtype=np.uint64), 1, stream=INIT_STREAM)[:, 0] < 0.5
    first = np.where(coin, 0, 1).astype(np.int8)
    C = len(geo.caches)
    s = DuelState(
        unit=uidx, pos=pos, facing=np.broadcast_to(face, (B, 2)).copy(),
        integrity=t.integrity[uidx].astype(np.int32), heat=np.zeros((B, 2), np.int32),
        nectar=t.nectar[uidx].astype(np.int32), doses=t.nectar_doses[uidx].astype(np.int16),
        guard=np.zeros((B, 2), bool), exposed=np.zeros((B, 2), bool), caught=np.zeros((B, 2), bool),
        disguise=np.full((B, 2), -1, np.int16), disguise_turns=np.zeros((B, 2), np.int16),
        disguise_fresh=np.zeros((B, 2), bool),
        caches=np.ones((B, C), bool), active=first.copy(), ap=np.zeros(B, np.int16),
        turn=np.ones(B, np.int32), first=first, done=np.zeros(B, bool), winner=np.full(B, -1, np.int8),
        outcome=np.zeros(B, np.int8), seed=seeds, counter=np.zeros(B, np.uint64), may_charge=np.zeros(B, bool),
        staggered=np.zeros((B, 2), bool),
    )
    if disguise is not None:
        _start_disguised(game, s, disguise)
    start_turn(game, s, np.arange(B))
    return s


def _start_disguised(game: Game, s: DuelState, disguise: tuple[str | None, str | None] | np.ndarray) -> None:
    """Put the disguises a batch starts with on (checked: only a suit with mimic, never as itself)."""
    B = s.batch
    if isinstance(disguise, tuple):
        if len(disguise) != 2:
            raise GladiatorError("disguise is a pair: the look of each side, or None")
        looks = np.array([-1 if d is None else game.unit_index(d) for d in disguise], dtype=np.int16)
        looks = np.broadcast_to(looks, (B, 2)).copy()
    else:
        looks = np.asarray(disguise)
        if looks.shape != (B, 2) or looks.dtype.kind not in "iu":
            raise GladiatorError(f"disguise must be a pair of ids or a ({B}, 2) array of roster indices, got shape {looks.shape}")
        if looks.size and (looks.min() < -1 or looks.max() >= len(game.roster)):
            raise GladiatorError(f"disguise roster indices must be -1..{len(game.roster) - 1}")
        looks = looks.astype(np.int16)
    on = looks >= 0
    if (on & ~game.tables.can_mimic[s.unit]).any():
        b, k = (int(v[0]) for v in np.nonzero(on & ~game.tables.can_mimic[s.unit]))
        raise GladiatorError(f"{game.roster[int(s.unit[b, k])].name} cannot start disguised: it has no mimic")
    if (on & (looks == s.unit)).any():
        raise GladiatorError("a suit cannot start disguised as itself")
    s.disguise[on] = looks[on]
    s.disguise_turns[on] = K.MIMIC_TURNS + 1  # the first own turn's start counts one off, as for a disguise put on in it


def prepare(game: Game) -> None:
    """Build the read-only tables the engine otherwise builds on first use (rear arcs, strike previews, weapon reach,
    action kinds and costs): a process about to fork workers builds them once, for all of them."""
    probe = new_duels(game, np.zeros((1, 2), dtype=np.int16), [0])
    attack_preview(game, probe)
    best_strike(game, probe)
    allows(game, probe, np.array([END]))


def draws_for(state: DuelState, idx: np.ndarray | None = None, lanes: slice = slice(0, DRAWS_PER_STEP)) -> np.ndarray:
    """(len(idx), DRAWS_PER_STEP) uniforms the next step of duels `idx` (all by default) will use; the columns `lanes`
    of them alone when asked (a draw depends on its duel and lane only)."""
    first, stop, _ = lanes.indices(DRAWS_PER_STEP)
    if idx is None:
        return rng.uniforms(state.seed, state.counter, stop - first, first=first)
    return rng.uniforms(state.seed.take(idx), state.counter.take(idx), stop - first, first=first)


def step(
    game: Game, state: DuelState, actions: np.ndarray | list[int], draws: np.ndarray | None = None,
    events: bool = False, check: bool = True, tally: np.ndarray | None = None, tally_rows: np.ndarray | None = None,
    handed: bool = False,
) -> tuple[DuelState, list[list[dict]] | None]:
    """Apply one action per duel (ignored for finished duels); returns the new state and, if asked, events.

    `draws` forces the rolls (tests); `check=False` skips the legality check for a driver that
    has already checked every pick with `Legal.allows` (the batch runner). `tally`, a
    (N, 2, tally_width(game)) int array, gets this step's events counted into it per duel and side
    (see `tally_columns`): the batch runner's statistics, without the cost of event dicts. Duel b
    counts in row `tally_rows[b]` (row b by default). `handed=True` says the caller hands `state` over and keeps no
    other use of it (the batch runner's working arrays): it is stepped in place, not copied, and returned.
    """
    actions = np.asarray(actions)
    if actions.ndim != 1 or actions.shape[0] != state.batch:
        raise GladiatorError(f"expected one action per duel: shape ({state.batch},), got {actions.shape}")
    if actions.dtype.kind not in "iu":
        raise GladiatorError(f"actions must be whole numbers, got dtype {actions.dtype}")
    if actions.dtype.kind == "u" and actions.size and int(actions.max()) > np.iinfo(np.int64).max:
        raise IllegalAction(f"an action is outside the action space (0..{game.space.n - 1})")
    actions = actions.astype(np.int64)
    live = ~state.done
    if check:
        ok = allows(game, state, actions) | ~live
        if not ok.all():
            b = int(np.flatnonzero(~ok)[0])
            raise IllegalAction(f"duel {b}: {refusal(game, state, b, int(actions[b])).text}" if state.batch > 1
                                else refusal(game, state, b, int(actions[b])).text)
    picks = picks_by_kind(game, actions, live)  # the live duels taking each kind of action
    if draws is None:
        # only the kinds of `draw_lanes` draw (attacks, core extractions; version 4 moves and leaps, which may charge):
        # their lanes alone, for those duels alone (each duel's draws are its own)
        u = _Draws(None)
        for kind, lanes in draw_lanes(game).items():
            if picks[kind].size:
                u.lanes[kind] = (picks[kind], draws_for(state, picks[kind], lanes))
    else:
        u = _Draws(np.asarray(draws, dtype=np.float64).reshape(state.batch, -1))
    s = state if handed else state.copy()
    s.counter += live
    log: list[list[dict]] | None = [[] for _ in range(s.batch)] if events else None
    count = None
    if tally is not None:
        if not (isinstance(tally, np.ndarray) and tally.ndim == 3 and tally.shape[1:] == (2, tally_width(game))
                and (tally.flags.c_contiguous or tally.flags.f_contiguous) and tally.flags.writeable):
            raise GladiatorError(f"tally must be a writable, contiguous (N, 2, {tally_width(game)}) array")
        count = EventCount(tally, np.arange(state.batch) if tally_rows is None else tally_rows)
    _apply(game, s, actions, picks, u, live, log, count)
    return s, log


def opening_events(state: DuelState, b: int = 0) -> list[dict]:
    """The events duel `b`'s log opens with (who moves first, the first turn), which no action produces."""
    return events.opening(state, b)


def tally_width(game: Game) -> int:
    """Columns of a tally: the event kinds, one per (weapon set, slot), one per roster unit mimicked."""
    U = len(game.roster)
    return len(EVENT_KINDS) + U * W + U


def tally_columns(game: Game) -> list[str]:
    """The name of each tally column: an event kind, `weapon:<weapon id>`, or `mimic_as:<unit id>`."""
    names = list(EVENT_KINDS)
    for u in game.roster:
        names += [f"weapon:{u.weapons[w].id}" if w < len(u.weapons) else f"weapon:{u.id}#{w}" for w in range(W)]
    return names + [f"mimic_as:{u.id}" for u in game.roster]


def new_tally(game: Game, batch: int) -> np.ndarray:
    """An empty (batch, 2, tally_width) tally, laid out column by column (Fortran order): a step counts each kind of
    event for many duels at once, and their counts then lie close together."""
    return np.zeros((batch, 2, tally_width(game)), dtype=np.int32, order="F")


def nectar_of(game: Game, kind: str) -> int:
    """Nectar an action of `kind` burns in `game` besides a weapon's own (rules.costs.nectar_of)."""
    return costs.nectar_of(kind, game.rules)


def leap_reach(game: Game, unit: np.ndarray) -> np.ndarray:
    """Leap reach in tiles (Chebyshev) of roster units `unit` (rules.combat.leap_reach)."""
    return combat.leap_reach(game.tables, unit)


def unseen_from(game: Game, tiles: np.ndarray, foe_pos: np.ndarray) -> np.ndarray:
    """Whether a suit on `tiles` may put on a disguise unseen by an enemy on `foe_pos` (rules.legal.unseen); broadcasts."""
    tiles, foe_pos = np.broadcast_arrays(np.asarray(tiles, dtype=np.intp), np.asarray(foe_pos, dtype=np.intp))
    return unseen(game, tiles, foe_pos)


def forfeit(game: Game, state: DuelState, idx: np.ndarray) -> DuelState:
    """The state with duels `idx` ended as a forfeit by their side to act (it picked an illegal action)."""
    s = state.copy()
    idx = np.asarray(idx, dtype=np.intp)
    idx = idx[~s.done[idx]]
    s.done[idx] = True
    s.winner[idx] = (1 - s.active[idx]).astype(np.int8)
    s.outcome[idx] = FORFEIT
    return s


class Legal:
    """The legal actions of the side to act in duels `idx` of a batch (all by default): the (N, A) mask, built on
    first use, and the check of picks.

    A bot reads `mask` (or indexes the object like the mask). The driver checks every pick with `allows` of a
    Legal of its own, never with one a bot could have replaced: the one it handed a bot of this package (whose mask,
    once built, no call changes), or a new one. The mask is read-only for good: its memory is an
    immutable bytes object, so no `setflags(write=True)` makes it writable. A bot of another package gets the
    `sealed` copy, which holds the mask alone and nothing of the duels.
    """

    def __init__(self, game: Game, state: DuelState | None, idx: np.ndarray | None = None) -> None:
        self.game, self.idx = game, idx
        self._whole = state
        self._state: DuelState | None = state if idx is None else None
        self._mask: np.ndarray | None = None
        self._ban: np.ndarray | None = None  # (N, A) actions taken away from a restricted player (`without`)
        self._rows: int | None = None  # the number of duels of a sealed copy (it holds no state)

    def _duels(self) -> DuelState:
        """The duels these legal actions are of (the driver's own; a sealed copy has none)."""
        if self._state is None:
            if self._whole is None:
                raise GladiatorError("these legal actions are a sealed copy: they hold the mask alone")
            self._state = self._whole.take(self.idx)  # type: ignore[arg-type]
        return self._state

    @property
    def mask(self) -> np.ndarray:
        """(N, A) bool: the legal actions (read-only)."""
        if self._mask is None:
            if self._state is None and self._whole is not None:  # read from the batch: the duels not copied out
                m = legal_mask(self.game, self._whole, np.asarray(self.idx, dtype=np.intp))
            else:
                m = legal_mask(self.game, self._duels())
            if self._ban is not None:
                m &= ~self._ban
            self._mask = sealed(m)
        return self._mask

    @property
    def built(self) -> bool:
        """Whether the mask has been built (by these legal actions' own rules, or given whole to a sealed copy)."""
        return self._mask is not None

    @property
    def shape(self) -> tuple[int, int]:
        """(N, A)."""
        if self._rows is not None:
            return (self._rows, self.game.space.n)
        return (self._whole.batch if self.idx is None else len(self.idx), self.game.space.n)  # type: ignore[union-attr]

    def __getitem__(self, key: object) -> np.ndarray:
        return self.mask[key]  # type: ignore[index]

    def __array__(self, dtype: object = None, copy: object = None) -> np.ndarray:
        return self.mask if dtype is None else self.mask.astype(dtype)

    def allows(self, actions: np.ndarray) -> np.ndarray:
        """(B,) bool: whether each duel's pick is legal."""
        actions = np.asarray(actions, dtype=np.int64)
        if self._mask is not None or self._ban is not None or self._whole is None:  # a restricted player's check is its narrowed mask
            mask = self.mask
            inside = (actions >= 0) & (actions < self.game.space.n)
            return inside & mask[np.arange(actions.shape[0]), np.clip(actions, 0, self.game.space.n - 1)]
        return allows(self.game, self._duels(), actions)

    def refusal(self, b: int, action: int) -> Refusal:
        """Why duel `b` may not take `action` (a sealed copy knows only what its mask and its ban say)."""
        if self._ban is not None and 0 <= action < self.game.space.n and self._ban[b, action]:
            return Refusal(REFUSED_OPTION, "that option is taken away from this player (restricted play)")
        if self._whole is None:
            if 0 <= action < self.game.space.n and self.mask[b, action]:
                return Refusal(OK, "")
            if not 0 <= action < self.game.space.n:
                return Refusal(OUTSIDE, f"action {action} is outside the action space (0..{self.game.space.n - 1})")
            return Refusal(NOT_LEGAL, "not among the legal actions of this duel")
        return refusal(self.game, self._duels(), b, action)

    @property
    def restricted(self) -> bool:
        """True for the legal actions of a player restricted from some options (`without`)."""
        return self._ban is not None

    @property
    def ban(self) -> np.ndarray | None:
        """(N, A) bool: the actions taken away from a restricted player (`without`); None for a player with every option."""
        return self._ban

    def sealed(self, game: Game | None = None) -> "Legal":
        """A copy that holds the mask (and a restricted player's ban) and nothing else, of `game` (this one's by
        default): what a bot of another package is given. Its arrays cannot be made writable, and nothing in it leads
        back to the duels."""
        return Legal.of_mask(self.game if game is None else game, self.mask, self._ban)

    @staticmethod
    def of_mask(game: Game, mask: np.ndarray, ban: np.ndarray | None = None) -> "Legal":
        """Legal actions that are `mask` alone (less `ban`, a restricted player's), knowing nothing of the duels."""
        out = Legal(game, None, None)
        out._rows = int(np.shape(mask)[0])
        out._mask = sealed(np.asarray(mask, dtype=bool))
        if ban is not None:
            out._ban = sealed(np.asarray(ban, dtype=bool))
            out._mask = sealed(out._mask & ~out._ban)
        return out

    def without(self, ban: np.ndarray) -> "Legal":
        """These legal actions less `ban` ((A,) or (N, A) bool): the choices of a player restricted from some options
        (restricted play: `gladiator ablate`). The rules are unchanged; only this player's choice narrows."""
        sub = Legal(self.game, self._whole, self.idx)
        sub._state, sub._rows = self._state, self._rows
        ban = np.broadcast_to(np.asarray(ban, dtype=bool), self.shape)
        sub._ban = ban if self._ban is None else (self._ban | ban)
        if self._mask is not None:
            sub._mask = sealed(self._mask & ~ban)
        return sub

    def take(self, rows: np.ndarray) -> "Legal":
        """The legal actions of duels `rows` of these (their mask built on first use, or cut from this one's)."""
        rows = np.asarray(rows, dtype=np.intp)
        sub = Legal(self.game, self._whole, rows if self.idx is None else np.asarray(self.idx).take(rows))
        if self._whole is None:
            sub._rows = int(rows.shape[0])
        if self._ban is not None:
            sub._ban = self._ban.take(rows, axis=0)
        if self._mask is not None:
            sub._mask = sealed(self._mask.take(rows, axis=0))
        return sub


def sealed(values: np.ndarray) -> np.ndarray:
    """A read-only copy of an array that cannot be made writable (its memory is an immutable bytes object)."""
    values = np.ascontiguousarray(values)
    return np.frombuffer(values.tobytes(), dtype=values.dtype).reshape(values.shape)


def observe(game: Game, state: DuelState, side: int | np.ndarray, spectator: bool = False, noise: bool = True) -> Observation:
    """What `side` may know of each duel: its own suit whole; the enemy as it shows itself (see `gladiator.view`).

    `spectator=True` gives the spectator's view from that side's seat: the enemy's truth, for
    the watch and replay screens, which say so. `noise=False` draws no noise: `noise` is then an
    empty (B, 0) array (for bots that say they never read it: `uses_noise = False`).
    """
    B = state.batch
    t = game.tables
    ar = np.arange(B)
    me = np.broadcast_to(np.asarray(side, dtype=np.intp), (B,))
    if ((me != 0) & (me != 1)).any():
        raise GladiatorError("side must be 0 or 1")
    mine = SideCells(state, ar, me)
    theirs = mine.opposite()
    my_unit, foe_unit = mine.get("unit"), theirs.get("unit")
    my_dis, foe_dis = mine.get("disguise"), theirs.get("disguise")
    foe_look = foe_unit if spectator else np.where(foe_dis >= 0, foe_dis, foe_unit)
    integrity, heat, nectar = theirs.get("integrity"), theirs.get("heat"), theirs.get("nectar")
    seen = _gauges(t, foe_unit, foe_look, integrity, heat, nectar)
    return Observation(
        side=me.astype(np.int8), my_unit=my_unit, my_look=np.where(my_dis >= 0, my_dis, my_unit),
        my_disguise_turns=np.where(my_dis >= 0, mine.get("disguise_turns"), 0).astype(np.int16),
        my_ambush=combat.ambushes(my_dis, mine.get("disguise_fresh")),
        my_pos=mine.get("pos"), my_facing=mine.get("facing"), my_integrity=mine.get("integrity"),
        my_heat=mine.get("heat"), my_nectar=mine.get("nectar"), my_doses=mine.get("doses"),
        my_guard=mine.get("guard"), my_exposed=mine.get("exposed"), my_caught=mine.get("caught"),
        foe_look=foe_look, foe_pos=theirs.get("pos"), foe_facing=theirs.get("facing"),
        foe_integrity=seen[0], foe_heat=seen[1], foe_nectar=seen[2],
        foe_guard=theirs.get("guard"), foe_exposed=theirs.get("exposed"), foe_caught=theirs.get("caught"),
        foe_damaged=badly_damaged(integrity, t.integrity.take(foe_unit)),
        foe_overheated=overheated(heat, t.heat_capacity.take(foe_unit)),
        my_turn=(state.active == me) & ~state.done, ap=state.ap.copy(), turn=state.turn.copy(),
        caches=state.caches.copy(), done=state.done.copy(), may_charge=state.may_charge.copy(),
        my_staggered=mine.get("staggered"), foe_staggered=theirs.get("staggered"),
        noise=sealed(rng.uniforms(state.seed, state.counter, NOISE_LANES, stream=NOISE_STREAM) if noise else np.zeros((B, 0))),
    )


def identities(game: Game, obs: Observation) -> np.ndarray:
    """(B, U) bool: the roster units the enemy may truly be, by what this side sees: the suit it shows, or any other
    suit able to mimic wearing it as a disguise."""
    U = len(game.roster)
    shown = obs.foe_look[:, None] == np.arange(U)[None, :]
    return shown | (game.tables.can_mimic[None, :] & ~shown)


def draw_identity(game: Game, obs: Observation, u: np.ndarray) -> np.ndarray:
    """(B,) who is under the suit each duel's enemy shows, drawn from `u` (B,) uniforms in [0, 1): the suit shown
    with probability TRUE_LOOK_PRIOR, else one of the other suits `identities` allows, evenly."""
    possible = identities(game, obs)
    look = obs.foe_look
    others = possible.copy()
    others[np.arange(look.size), look] = False
    n_other = others.sum(axis=1)
    p_true = np.where(n_other > 0, TRUE_LOOK_PRIOR, 1.0)
    take_true = u < p_true
    v = np.where(take_true, 0.0, (u - p_true) / np.maximum(1.0 - p_true, 1e-12))
    k = np.minimum((v * n_other).astype(np.int64), np.maximum(n_other - 1, 0))
    pick = np.argmax(np.cumsum(others, axis=1) > k[:, None], axis=1)
    return np.where(take_true | (n_other == 0), look, pick).astype(np.int16)


def determinize(game: Game, obs: Observation, identity: np.ndarray, seeds: np.ndarray) -> DuelState:
    """A state consistent with what one side observes, the enemy being roster unit `identity` (one of `identities`).

    What the side sees is kept; the enemy's integrity, heat and Nectar are read back from their gauges
    on the guessed suit's scale; what it cannot see is assumed: the guessed suit's doses, a fresh
    disguise if the guess wears one. The duels play on with `seeds` (B,) as their own seeds. For a
    search that must not know the truth.
    """
    t = game.tables
    B = obs.batch
    ar = np.arange(B)
    identity = np.asarray(identity, dtype=np.int16)
    if identity.shape != (B,) or (~identities(game, obs)[ar, identity]).any():
        raise GladiatorError("determinize: every identity must be one the observation allows (engine.identities)")
    me = obs.side.astype(np.intp)
    foe = 1 - me

    def pair(mine: np.ndarray, theirs: np.ndarray, dtype: type) -> np.ndarray:
        out = np.zeros((B, 2), dtype=dtype)
        out[ar, me], out[ar, foe] = mine, theirs
        return out

    look = obs.foe_look.astype(np.int16)
    disguised = look != identity
    back = {name: gauge(getattr(obs, f"foe_{name}"), maxima[look], maxima[identity])
            for name, maxima in (("integrity", t.integrity), ("heat", t.heat_capacity), ("nectar", t.nectar))}
    my_dis = np.where(obs.my_look != obs.my_unit, obs.my_look, -1)
    active = np.where(obs.my_turn, me, foe)
    # who moved first: the side to act on odd turns (version 4 settles the Nectar clock by it); version 3 keeps its own
    first = (np.where(obs.turn % 2 == 1, active, 1 - active) if game.rules >= 4 else me).astype(np.int8)
    return DuelState(
        unit=pair(obs.my_unit, identity, np.int16), pos=pair(obs.my_pos, obs.foe_pos, np.int16),
        facing=pair(obs.my_facing, obs.foe_facing, np.int8),
        integrity=pair(obs.my_integrity, np.maximum(1, back["integrity"]), np.int32),
        heat=pair(obs.my_heat, back["heat"], np.int32), nectar=pair(obs.my_nectar, np.maximum(1, back["nectar"]), np.int32),
        doses=pair(obs.my_doses, t.nectar_doses[identity], np.int16), guard=pair(obs.my_guard, obs.foe_guard, bool),
        exposed=pair(obs.my_exposed, obs.foe_exposed, bool), caught=pair(obs.my_caught, obs.foe_caught, bool),
        disguise=pair(my_dis, np.where(disguised, look, -1), np.int16),
        disguise_turns=pair(obs.my_disguise_turns, np.where(disguised, K.MIMIC_TURNS, 0), np.int16),
        disguise_fresh=pair((my_dis >= 0) & ~obs.my_ambush, np.zeros(B, bool), bool),
        caches=obs.caches.copy(), active=np.where(obs.my_turn, me, foe).astype(np.int8), ap=obs.ap.astype(np.int16),
        turn=obs.turn.astype(np.int32), first=first, done=obs.done.copy(), winner=np.full(B, -1, np.int8),
        outcome=np.zeros(B, np.int8), seed=np.asarray(seeds, dtype=np.uint64), counter=np.zeros(B, np.uint64),
        may_charge=obs.may_charge.copy(), staggered=pair(obs.my_staggered, obs.foe_staggered, bool),
    )


def attack_preview(game: Game, obs: Observation | DuelState) -> dict[str, np.ndarray]:
    """(B, W) hit chance, damage low/high and expected damage of each weapon slot, as the observing side sees them.

    The target is the suit it shows (a disguise's agility and armor, not the truth); `usable`
    says whether the slot can fire now (the observer's turn, range, sight, Nectar, points).
    Given a DuelState, the view is that of each duel's side to act.
    """
    obs = _view(game, obs)
    flags, usable = _strike_case(game, obs)
    table = game.derived("attack_preview", preview_table)
    if table is None:
        chance, lo, hi, expected = strike_preview(game.tables, obs.my_unit, obs.my_unit, obs.foe_look, *flags)
    else:
        rows = preview_code(game, obs.foe_look, obs.my_unit, flags)
        chance, lo, hi, expected = (v.take(rows, axis=0) for v in table)
    return {"chance": chance, "low": lo, "high": hi, "expected": expected, "usable": usable}


def best_strike(game: Game, obs: Observation | DuelState) -> tuple[np.ndarray, np.ndarray]:
    """(B,) the usable weapon slot with the highest expected damage, as the observing side sees it, and that damage:
    np.argmax of attack_preview's `expected` where `usable`, -1 elsewhere (the first of equal slots; slot 0 and -1 when
    no slot is usable). Read from a table of every preview case and set of usable slots where the game keeps one.
    """
    obs = _view(game, obs)
    table = game.derived("best_strike", _best_strike_table)
    if table is None:
        flags, usable = _strike_case(game, obs)
        expected = strike_preview(game.tables, obs.my_unit, obs.my_unit, obs.foe_look, *flags)[3]
        return _first_best(np.where(usable, expected, -1.0))
    flags = _strike_flags(game, obs)
    code = preview_code(game, obs.foe_look, obs.my_unit, flags)
    code <<= W
    code += slots_in_reach_bits(game, obs.my_unit, obs.my_pos, obs.foe_pos, obs.my_nectar,
                                ~(obs.my_turn & (obs.ap >= cost_of("attack"))))  # slot w usable: bit w
    return table[0].take(code), table[1].take(code)


def _strike_case(game: Game, obs: Observation) -> tuple[tuple[np.ndarray, ...], np.ndarray]:
    """The modifiers of the observer's strikes (`_strike_flags`) and its (B, W) usable slots."""
    usable = slots_in_reach(game, obs.my_unit, obs.my_pos, obs.foe_pos, obs.my_nectar, ~(obs.my_turn & (obs.ap >= cost_of("attack"))))
    return _strike_flags(game, obs), usable


def _strike_flags(game: Game, obs: Observation) -> tuple[np.ndarray, ...]:
    """The modifiers of the observer's strikes: guard .. ambush, as strike_preview takes them."""
    geo = game.geo
    pa, pe = obs.my_pos, obs.foe_pos
    holds = obs.my_caught  # (version 4: a held observer's holder is braced)
    guard = guarding(game, obs.foe_guard, holds)
    rear = open_rear(game, pa, pe, obs.foe_facing, shielded(game, obs.foe_guard, holds))
    return (guard, obs.foe_exposed, geo.cover.take(pe), geo.high.take(pa) & ~geo.high.take(pe), rear, pick(geo.cheb, pa, pe) == 1,
            obs.my_ambush)


def extraction_preview(game: Game, obs: Observation | DuelState) -> np.ndarray:
    """(B,) odds of a core extraction by the observing side, against the suit the enemy shows, were it allowed now.

    Given a DuelState, the view is that of each duel's side to act.
    """
    obs = _view(game, obs)
    return _seen_odds(game, obs)


def extraction_map(game: Game, obs: Observation | DuelState) -> dict[str, np.ndarray]:
    """(B, T) maps of the arena for the observing side, from what it sees (the enemy as the suit it shows).

    `rear`: the floor tiles in the enemy's rear arc. `extract`: the tiles from which the observer could tear out
    the enemy's core (next to it while it is open, or next to it in its rear arc where a leap lands and
    catches it; action points aside), and `odds` its odds from each of them (0 elsewhere). `threat`: the
    tiles from which the enemy, by the suit it shows, could tear out the observer's core. Given a
    DuelState, the view is that of each duel's side to act.
    """
    obs = _view(game, obs)
    t, geo = game.tables, game.geo
    tiles = np.arange(geo.tiles)[None, :]
    rear = open_rear(game, tiles, obs.foe_pos[:, None], obs.foe_facing[:, None], obs.foe_guard[:, None])
    floor_rear = rear & geo.passable[None, :]
    foe_open = open_to(game, obs.foe_damaged, obs.foe_overheated, obs.foe_caught, obs.my_caught)
    free = ~(obs.my_caught | obs.foe_caught)  # (version 4: a grab from behind while neither side holds the other)
    extract = extraction_tiles(game, obs.my_unit, obs.my_pos, obs.foe_pos, obs.foe_facing, foe_open, obs.foe_guard, free)
    odds = np.where(extract, _seen_odds(game, obs)[:, None], 0.0)  # the same from every tile it may extract from
    me_open = open_to(game, badly_damaged(obs.my_integrity, t.integrity[obs.my_unit]),
                      overheated(obs.my_heat, t.heat_capacity[obs.my_unit]), obs.my_caught, obs.foe_caught)
    threat = extraction_tiles(game, obs.foe_look, obs.foe_pos, obs.my_pos, obs.my_facing, me_open, obs.my_guard, free)
    return {"rear": floor_rear, "extract": extract, "odds": odds, "threat": threat}


def turn_forecast(game: Game, obs: Observation | DuelState, turns: int) -> dict[str, np.ndarray]:
    """(B, turns) the turns from the current one on, as the observing side sees them: `turn` numbers, the `side` to
    act, its action points (`ap`: those left now, then what each turn would begin with were nothing to change),
    and `held` (the turn is within the turn limit and the duel not over). The enemy is read as the suit it shows.

    Given a DuelState, the view is that of each duel's side to act.
    """
    obs = _view(game, obs)
    ahead = np.arange(max(0, int(turns)))[None, :]
    me = obs.side.astype(np.int8)[:, None]
    active = np.where(obs.my_turn, obs.side, 1 - obs.side).astype(np.int8)[:, None]
    side = acting_side(active, ahead)
    mine = side == me
    unit = np.where(mine, obs.my_unit[:, None], obs.foe_look[:, None])
    heat = np.where(mine, obs.my_heat[:, None], obs.foe_heat[:, None])
    short: np.ndarray | bool = False
    if game.rules >= 4:  # held by a grab, on every turn ahead; staggered by an ambush, on that side's next turn only
        held = np.where(mine, obs.my_caught[:, None], obs.foe_caught[:, None])
        staggered = np.where(mine, obs.my_staggered[:, None], obs.foe_staggered[:, None])
        short = held | (staggered & (ahead == np.where(side == active, 2, 1)))
    ap = np.where(ahead == 0, obs.ap[:, None], turn_actions(game, unit, cooled(game, unit, heat), short))
    turn = obs.turn[:, None] + ahead
    return {"turn": turn, "side": side, "ap": ap, "held": (turn <= game.arena.turn_limit) & ~obs.done[:, None]}


def _seen_odds(game: Game, obs: Observation) -> np.ndarray:
    """(B,) the observer's extraction odds against the suit the enemy shows (where it stands does not change them).
    Version 4: the odds its grab ends with the core torn out (`rules.turns.grab_odds`), the enemy, as it shows itself,
    striking back next to it with its surest slot and all its next turn's points."""
    t = game.tables
    if game.rules >= 4:
        return grab_odds(game, obs.foe_look, obs.my_unit, obs.foe_overheated, game.geo.cover.take(obs.my_pos))
    return extraction_odds(t, obs.my_unit, obs.foe_look, integrity_lost(obs.foe_integrity, t.integrity[obs.foe_look]))


def charges(game: Game, start: np.ndarray, end: np.ndarray, foe_pos: np.ndarray) -> np.ndarray:
    """Version 4: whether a walk from `start` to `end` charges an enemy on `foe_pos` (rules.combat.charges); broadcasts."""
    start, end, foe_pos = np.broadcast_arrays(*(np.asarray(v, dtype=np.intp) for v in (start, end, foe_pos)))
    return combat.charges(game, start, end, foe_pos)


def charge_preview(game: Game, au: np.ndarray, tu: np.ndarray, guard: np.ndarray) -> np.ndarray:
    """Version 4: (B,) the expected damage of the strike a charge brings (`rules.combat.charges`): a suit `au`'s melee
    slot (`rules.combat.melee_slot`) next to a suit `tu`, guarding or not, from its front; 0 for a suit with no melee
    weapon."""
    slot = combat.melee_slot(game).take(au)
    no = np.zeros(np.shape(au), dtype=bool)
    guard = guarding(game, np.asarray(guard, dtype=bool), no)  # (a charging unit is never held)
    expected = strike_preview(game.tables, au, au, tu, guard, no, no, no, no, True)[3]
    return np.where(slot >= 0, np.take_along_axis(expected, np.maximum(slot, 0)[:, None], axis=1)[:, 0], 0.0)


def grab_odds(game: Game, held: np.ndarray, holder: np.ndarray, held_hot: np.ndarray, cover: np.ndarray) -> np.ndarray:
    """Version 4: (B,) the odds a grab of a suit `held` by a suit `holder` ends with its core torn out (rules.turns.grab_odds)."""
    return turns.grab_odds(game, held, holder, held_hot, cover)


def _view(game: Game, obs: Observation | DuelState) -> Observation:
    """An observation as it is; a state as seen by each duel's side to act."""
    return observe(game, obs, obs.active) if isinstance(obs, DuelState) else obs


def _best_strike_table(game: Game) -> tuple[np.ndarray, np.ndarray] | None:
    """best_strike of every preview case (`preview_table`) and set of usable slots (bit w: slot w): its slot and damage,
    flat by case * 2 ** W + bits."""
    preview = game.derived("attack_preview", preview_table)
    if preview is None or W > 8:
        return None
    bits = (np.arange(1 << W)[:, None] >> np.arange(W)[None, :]) & 1 == 1  # (2 ** W, W)
    slot, value = _first_best(np.where(bits[None], preview[3][:, None, :], -1.0).reshape(-1, W))
    for v in (slot, value):
        v.setflags(write=False)
    return slot, value


def _first_best(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row of `values` (N, W): np.argmax (the first column holding the largest value) and that value."""
    slot = np.argmax(values, axis=1)
    return slot, values.reshape(-1).take(np.arange(values.shape[0]) * values.shape[1] + slot)


def _gauges(t: UnitTables, unit: np.ndarray, look: np.ndarray, *values: np.ndarray) -> list[np.ndarray]:
    """Integrity, heat and Nectar of suits `unit` read on the gauges of the suits they show, `look`: the same numbers
    where a suit shows itself (the gauge of `gauge` is exact there), so only the disguised ones are read again."""
    shown = np.flatnonzero(look != unit)
    if shown.size == 0:
        return list(values)
    out = [v.copy() for v in values]
    u, lk = unit.take(shown), look.take(shown)
    for v, maxima in zip(out, (t.integrity, t.heat_capacity, t.nectar)):
        v[shown] = gauge(v.take(shown), maxima.take(u), maxima.take(lk))
    return out


class _Draws:
    """A step's draws: every duel's, forced (`forced`, (B, DRAWS_PER_STEP)); or drawn for the duels that roll alone, by
    the kind of action they take (`lanes`: rows sorted, then their values)."""

    def __init__(self, forced: np.ndarray | None) -> None:
        self.forced = forced
        self.lanes: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def of(self, idx: np.ndarray, kind: str, lanes: slice) -> np.ndarray:
        """(len(idx), lanes) the draws `lanes` of duels `idx` (sorted, among those drawn for), which take `kind`."""
        if self.forced is not None:
            return self.forced.take(idx, axis=0)[:, lanes]
        rows, values = self.lanes[kind]
        if idx.size == rows.size:  # every duel drawn for (both sorted): the draws as they are
            return values
        return values.take(np.searchsorted(rows, idx), axis=0)


def _apply(game: Game, s: DuelState, actions: np.ndarray, picks: dict[str, np.ndarray], u: _Draws, live: np.ndarray,
           log: list[list[dict]] | None, count: EventCount | None = None) -> None:
    """Resolve each duel's action by its kind (`rules.actions`; `picks`: the live duels taking each kind), spend its
    points, end the duels whose enemy's integrity is gone and the turns that are over (`rules.turns`); then count and
    log what happened (`rules.events`)."""
    B = s.batch
    a = s.active.astype(np.intp)
    happened: list[EventBatch] = []  # kept for the log; counted as they come (their arrays then go at once)

    def record(batches: list[EventBatch]) -> None:
        if count is not None:
            events.count(game, count, batches)
        if log is not None:
            happened.extend(batches)

    lanes = draw_lanes(game)
    for kind, idx in picks.items():
        if idx.size and kind in RESOLVE:
            rolls = u.of(idx, kind, lanes[kind]) if kind in lanes else None
            record(RESOLVE[kind](game, s, idx, a.take(idx), actions.take(idx), rolls))
    np.subtract(s.ap, action_cost(game, actions), out=s.ap, where=live)
    # destruction by damage: of the enemy, and (version 4) of the side to act, struck down by the guarding enemy it
    # walked up to
    for loser in ((1 - a, a) if game.rules >= 4 else (1 - a,)):
        broken = np.flatnonzero(live & ~s.done & (pick(s.integrity, np.arange(B), loser) <= 0))
        s.done[broken] = True
        s.winner[broken] = 1 - loser.take(broken)
        s.outcome[broken] = DESTROYED
        record([EventBatch("destroyed", broken, loser.take(broken))])
    record(end_turn(game, s, np.flatnonzero(live & ~s.done & ((s.ap <= 0) | (actions == END)))))
    if log is not None:
        events.write(game, s, log, happened, live)
