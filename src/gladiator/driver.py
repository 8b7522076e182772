"""The driver: asks each side's bot for its action, checks every pick, and plays batches of duels to their end.

One loop for the window, `duel`, `batch`, the environments and the search bot's continuations.
Bots are duck-typed (`name`, `act`, optional `prepare`, `needs_truth` and `uses_noise`); a bot of another package is asked
through the referee (`gladiator.referee`: sealed copies, a time limit, its exit caught). Imports the engine and the referee.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

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
