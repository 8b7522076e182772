"""The driver: asks each side's bot for its action, checks every pick, and plays batches of duels to their end.

One loop for the window, `duel`, `batch`, the environments and the search bot's continuations.
Bots are duck-typed (`name`, `act`, optional `prepare` and `needs_truth`). Imports the engine only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import numpy as np

from gladiator import engine
from gladiator.errors import GladiatorError, IllegalAction
from gladiator.game import END, Game
from gladiator.state import DuelState

if TYPE_CHECKING:
    from gladiator.bots.base import Bot

MAX_ACTIONS_PER_TURN = 64  # a safety net: no legal sequence of actions is this long


def prepare_bots(game: Game, bots: Sequence["Bot"]) -> None:
    """Let each bot build its tables for `game` once, before its first decision."""
    for bot in bots:
        prep = getattr(bot, "prepare", None)
        if callable(prep):
            prep(game)


def decide(game: Game, state: DuelState, bots: Sequence["Bot"], forfeit: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One action per duel, each from the bot of its side to act, checked; and the duels whose pick was illegal.

    Duels are grouped by the side to act and each bot is asked once for its group (a bot playing
    both sides, the same object, once for all its duels), with that side's observation (the state itself for a bot that declares `needs_truth`) and its legal
    actions. An illegal pick raises IllegalAction naming the bot, unless `forfeit`: then the duel
    is listed in the second array (its action is END), and the pick in the third, for the
    caller to end it as a forfeit.
    """
    acts = np.full(state.batch, END, dtype=np.int64)
    live = ~state.done
    seen: engine.Observation | None = None  # every duel seen by its side to act, built once
    one = bots[0] is bots[1]  # one bot playing both sides is asked once, for all its duels
    legal: engine.Legal | None = None
    for side in ((0,) if one else (0, 1)):
        i = np.flatnonzero(live if one else (state.active == side) & live)
        if i.size == 0:
            continue
        whole = i.size == state.batch
        bot = bots[side]
        legal = engine.Legal(game, state, None if whole else i)
        if getattr(bot, "needs_truth", False):
            view = state if whole else state.take(i)
        else:
            if seen is None:
                seen = engine.observe(game, state, state.active)
            view = seen if whole else seen.take(i)
        try:
            answer = bot.act(game, view, legal)
        except GladiatorError:
            raise
        except Exception as e:  # noqa: BLE001 - a bot's own failure is one line naming the bot, not a traceback
            raise GladiatorError(f"bot {getattr(bot, 'name', '?')!r} failed while choosing: {type(e).__name__}: {e}") from e
        acts[i] = _picks(bot, answer, i.size)
    # every pick checked, by the rules that make the mask (the mask itself where a bot asked for all of it)
    every = one and legal is not None and legal.idx is None  # one Legal for every duel: check with it
    ok = (legal if every else engine.Legal(game, state)).allows(acts) | ~live
    if ok.all():
        return acts, np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.int64)
    bad = np.flatnonzero(~ok)
    if not forfeit:
        b = int(bad[0])
        side = int(state.active[b])
        why = engine.refusal(game, state, b, int(acts[b])).text
        raise IllegalAction(f"bot {getattr(bots[side], 'name', '?')!r} (side {'AB'[side]}) picked an illegal action "
                            f"{int(acts[b])}: {why}")
    picks = acts[bad].copy()
    acts[bad] = END
    return acts, bad, picks


def _picks(bot: "Bot", picks: object, n: int) -> np.ndarray:
    """A bot's answer as (n,) int64 action ids, or IllegalAction saying what is wrong with it."""
    arr = np.asarray(picks)
    if arr.shape != (n,) or arr.dtype.kind not in "iu":
        raise IllegalAction(f"bot {getattr(bot, 'name', '?')!r} must return {n} whole action ids, got "
                            f"shape {arr.shape} of {arr.dtype}")
    if arr.dtype.kind == "u" and arr.size and int(arr.max()) > np.iinfo(np.int64).max:  # 2**64-1 is not action -1
        raise IllegalAction(f"bot {getattr(bot, 'name', '?')!r} picked action {int(arr.max())}, past every action id")
    return arr.astype(np.int64)


def play_batch(game: Game, state: DuelState, bots: Sequence["Bot"]) -> DuelState:
    """Play every duel of a batch to its end; finished duels leave the working arrays each step."""
    s = state.copy()
    prepare_bots(game, bots)
    work = s.take(np.flatnonzero(~s.done))
    where = np.flatnonzero(~s.done)
    steps = 0
    limit = (game.arena.turn_limit + 2) * MAX_ACTIONS_PER_TURN
    while work.batch and steps < limit:
        acts, bad, _ = decide(game, work, bots, forfeit=True)
        if bad.size:
            work = engine.forfeit(game, work, bad)
        work, _ = engine.step(game, work, acts, check=False)
        steps += 1
        fin = work.done
        if fin.any():
            s.put(where[fin], work.take(fin))
            keep = ~fin
            work, where = work.take(keep), where[keep]
    return s
