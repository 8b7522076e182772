"""The driver: asks each side's bot for its action, checks every pick, and plays batches of duels to their end.

`decide` asks and checks for the window, one action at a time; `Play`, built on it, is the one play loop of `duel`,
`batch`, the environments and the search bot's continuations.
Bots are duck-typed (`name`, `act`, optional `prepare`, `needs_truth` and `uses_noise`); a bot of another package is asked
through the referee (`gladiator.referee`: sealed copies, a time limit, its exit caught). Imports the engine and the referee.
"""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING, Callable, NamedTuple, Sequence

import numpy as np

from gladiator import engine, referee
from gladiator.errors import BotOut, GladiatorError, IllegalAction
from gladiator.game import END, Game
from gladiator.state import DuelState

if TYPE_CHECKING:
    from gladiator.bots.base import Bot

MAX_ACTIONS_PER_TURN = 64  # a safety net: no legal sequence of actions is this long


def prepare_bots(game: Game, bots: Sequence["Bot"]) -> None:
    """Let each bot build its tables for `game` once, before its first decision; a bot that fails to is one error
    naming it."""
    for bot in bots:
        try:
            referee.prepare(bot, game)
        except BotOut as e:
            raise GladiatorError(f"bot {referee.name_of(bot)!r} failed to prepare: it {e.reason}") from None
        except GladiatorError:
            raise
        except Exception as e:  # noqa: BLE001 - a bot's own failure is one line naming the bot, not a traceback
            raise GladiatorError(f"bot {referee.name_of(bot)!r} failed to prepare: {type(e).__name__}: {e}") from None


def decide(game: Game, state: DuelState, bots: Sequence["Bot"], forfeit: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One action per duel, each from the bot of its side to act, checked; the duels to end as forfeits, and why.

    Duels are grouped by the side to act and each bot is asked once for its group (a bot playing
    both sides, the same object, once for all its duels), with that side's observation (a copy of
    the state itself for a bot that declares `needs_truth`) and its legal actions. Every pick is
    checked against the driver's own legal actions (a bot of another package is given a sealed copy;
    a bot of this package the driver's own, whose mask, once built, cannot change). An
    illegal pick, or a bot that gave none (`BotOut`: past its time, or it ended), raises
    IllegalAction naming the bot, unless `forfeit`: then the duel is listed in the second array
    (its action is END), and the refusal code of its pick (or `timed_out`, `bot_died`) in the
    third, for the caller to end it as a forfeit.
    """
    acts = np.full(state.batch, END, dtype=np.int64)
    live = ~state.done
    seen: engine.Observation | None = None  # every duel seen by its side to act, built once
    one = bots[0] is bots[1]  # one bot playing both sides is asked once, for all its duels
    out = np.zeros(state.batch, dtype=np.int64)  # per duel: the code of a bot that gave no pick, else 0
    asked: list[tuple[np.ndarray, engine.Legal]] = []  # each group of duels and the driver's own legal actions of it
    for side in ((0,) if one else (0, 1)):
        i = np.flatnonzero(live if one else (state.active == side) & live)
        if i.size == 0:
            continue
        whole = i.size == state.batch
        bot = bots[side]
        legal = engine.Legal(game, state, None if whole else i)
        asked.append((i, legal))
        if getattr(bot, "needs_truth", False):
            view = state.copy() if whole else state.take(i)
        else:
            if seen is None:  # the bots' noise drawn only if one of them reads it
                seen = engine.observe(game, state, state.active, noise=any(getattr(b, "uses_noise", True) for b in bots))
            view = seen if whole else seen.take(i)
        try:
            answer = referee.act(bot, game, view, legal)
        except BotOut as e:
            if not forfeit:
                seat = "" if one else f" (side {'AB'[side]})"
                raise IllegalAction(f"bot {referee.name_of(bot)!r}{seat} forfeits: it {e.reason}") from None
            out[i] = e.code
            continue
        except GladiatorError:
            raise
        except Exception as e:  # noqa: BLE001 - a bot's own failure is one line naming the bot, not a traceback
            raise GladiatorError(f"bot {referee.name_of(bot)!r} failed while choosing: {type(e).__name__}: {e}") from e
        acts[i] = _picks(bot, answer, i.size)
    # every pick checked by the driver's own legal actions (the rules that make the mask), never by the bot's copy: read
    # from the driver's mask where the bot's question built it (its memory cannot be written), else by the rules
    ok = ~live
    unbuilt = [i for i, legal in asked if not legal.built]
    for i, legal in asked:
        if legal.built:
            ok[i] = legal.allows(acts.take(i))
    if unbuilt:
        i = unbuilt[0] if len(unbuilt) == 1 else np.sort(np.concatenate(unbuilt))
        if i.size == state.batch:  # every duel
            ok |= engine.Legal(game, state).allows(acts)
        else:
            ok[i] = engine.Legal(game, state, i).allows(acts.take(i))
    ok &= out == 0
    if ok.all():
        return acts, np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.int64)
    bad = np.flatnonzero(~ok)
    illegal = bad[out[bad] == 0]
    if not forfeit:
        b = int(illegal[0])
        side = int(state.active[b])
        why = engine.refusal(game, state, b, int(acts[b])).text
        raise IllegalAction(f"bot {referee.name_of(bots[side])!r} (side {'AB'[side]}) picked an illegal action "
                            f"{int(acts[b])}: {why}")
    codes = out[bad].copy()
    codes[out[bad] == 0] = [engine.refusal(game, state, int(b), int(acts[b])).code for b in illegal]
    acts[bad] = END
    return acts, bad, codes


def _picks(bot: "Bot", picks: object, n: int) -> np.ndarray:
    """A bot's answer as (n,) int64 action ids, or IllegalAction saying what is wrong with it."""
    arr = np.asarray(picks)
    if arr.shape != (n,) or arr.dtype.kind not in "iu":
        raise IllegalAction(f"bot {referee.name_of(bot)!r} must return {n} whole action ids, got "
                            f"shape {arr.shape} of {arr.dtype}")
    if arr.dtype.kind == "u" and arr.size and int(arr.max()) > np.iinfo(np.int64).max:  # 2**64-1 is not action -1
        raise IllegalAction(f"bot {getattr(bot, 'name', '?')!r} picked action {int(arr.max())}, past every action id")
    return arr.astype(np.int64)


STATE_FIELDS = tuple(f.name for f in fields(DuelState))


class Left(NamedTuple):
    """Duels that left the play: the caller's row of each, and where they are in the batch they left (`batch[at]`)."""

    rows: np.ndarray
    batch: DuelState
    at: np.ndarray

    @property
    def state(self) -> DuelState:
        """Their states (a copy)."""
        return self.batch.take(self.at)

    def put(self, into: DuelState, names: Sequence[str] | None = None) -> None:
        """Write their states into rows `rows` of `into`: every field, or the fields `names` alone."""
        if self.rows.size == 0:
            return
        for name in names or STATE_FIELDS:
            getattr(into, name)[self.rows] = getattr(self.batch, name).take(self.at, axis=0)


class Play:
    """The one play loop: duels stepped together, each side's pick asked of its bot and checked (`decide`), until each
    ends. `duel`, `batch`, `odds`, the search bot's continuations and both environments play through it.

    Duels join with `add` (with the caller's row number of each, so a caller may refill the batch as
    duels end) and leave when they end, or when `until` holds of them (the vector environment's
    duels, when it is the agent's turn); `add` and `step` return those that left. An illegal pick
    ends its duel as a forfeit (the refusal code kept in `reasons[row]`, when given), or with
    `forfeit=False` raises IllegalAction. `tally` counts each step's events by row
    (`engine.step`'s). `last` holds the last step's rows, picks and (with `events=True`) events. A duel
    that runs past the action limit is an error, never a hang.
    """

    def __init__(self, game: Game, bots: Sequence["Bot"], *, forfeit: bool = True, events: bool = False,
                 tally: np.ndarray | None = None, reasons: np.ndarray | None = None,
                 until: Callable[[DuelState], np.ndarray] | None = None) -> None:
        self.game, self.bots = game, bots
        self.forfeit, self.events, self.tally, self.reasons, self.until = forfeit, events, tally, reasons, until
        self.work: DuelState | None = None
        self.rows = np.zeros(0, dtype=np.int64)
        self.limit = (game.arena.turn_limit + 2) * MAX_ACTIONS_PER_TURN
        self.last: tuple[np.ndarray, np.ndarray, list[list[dict]] | None] | None = None
        prepare_bots(game, bots)

    @property
    def live(self) -> int:
        """The number of duels in play."""
        return 0 if self.work is None else self.work.batch

    def add(self, state: DuelState, rows: np.ndarray) -> Left:
        """Put duels into play (`rows`: the caller's number of each); those already over leave at once. The play owns
        `state` from then on (it is stepped in place)."""
        rows = np.asarray(rows, dtype=np.int64)
        if self.work is None or self.work.batch == 0:
            self.work, self.rows = state, rows
        else:
            self.work, self.rows = DuelState.concat([self.work, state]), np.concatenate([self.rows, rows])
        return self._leave()

    def step(self) -> Left:
        """One action in every duel in play; the duels that left."""
        work = self.work
        assert work is not None
        acts, bad, codes = decide(self.game, work, self.bots, forfeit=self.forfeit)
        if bad.size:
            if self.reasons is not None:
                self.reasons[self.rows[bad]] = codes
            work = engine.forfeit(self.game, work, bad)
        work, log = engine.step(self.game, work, acts, events=self.events, check=False, tally=self.tally,
                                tally_rows=None if self.tally is None else self.rows, handed=True)  # ours alone
        self.last = (self.rows, acts, log)
        if int(work.counter.max()) > self.limit:
            raise GladiatorError("a duel ran past the action limit: a bot keeps choosing actions that cost nothing")
        self.work = work
        return self._leave()

    def _leave(self) -> Left:
        work = self.work
        assert work is not None
        out = work.done if self.until is None else work.done | self.until(work)
        if not out.any():
            return Left(self.rows[:0], work, np.zeros(0, dtype=np.intp))
        gone = np.flatnonzero(out)
        keep = np.flatnonzero(~out)
        left = Left(self.rows.take(gone), work, gone)
        self.work, self.rows = work.take(keep), self.rows.take(keep)
        return left


def play_batch(game: Game, state: DuelState, bots: Sequence["Bot"]) -> DuelState:
    """Play every duel of a batch to its end (a copy: `state` is not changed)."""
    s = state.copy()
    play = Play(game, bots)
    left = play.add(s.take(np.flatnonzero(~s.done)), np.flatnonzero(~s.done))
    while True:
        left.put(s)
        if play.live == 0:
            return s
        left = play.step()
