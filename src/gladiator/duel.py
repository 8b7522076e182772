"""Play duels with bots through the engine: one duel with its events, or a whole batch.

Imports the engine and bots; used by the command line, the window, the batch runner.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from gladiator import engine
from gladiator.bots import Bot
from gladiator.catalog.loader import Catalog
from gladiator.errors import GladiatorError, IllegalAction
from gladiator.game import END, Game, make_game
from gladiator.state import OUTCOMES, DuelState

MAX_ACTIONS_PER_TURN = 64  # a safety net: no legal sequence of actions is this long


@dataclass
class DuelResult:
    """The end of one duel, its actions and (if recorded) its events."""

    units: tuple[str, str]
    seed: int
    winner_index: int | None
    outcome: str
    turns: int
    first: int
    actions: list[int] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    state: DuelState | None = None

    @property
    def winner(self) -> str | None:
        """Id of the winner, None for a draw."""
        return None if self.winner_index is None else self.units[self.winner_index]

    def summary(self) -> dict:
        """The result as JSON-ready data."""
        return {"units": list(self.units), "winner": self.winner, "winner_index": self.winner_index,
                "outcome": self.outcome, "turns": self.turns, "seed": self.seed, "first": self.first,
                "actions": len(self.actions)}


def game_for(catalog: Catalog, arena: str) -> Game:
    """A game with every catalog unit in the roster (any may be mimicked) and the named arena."""
    return make_game(list(catalog.units.values()), catalog.arena(arena))


def play_duel(game: Game, units: tuple[str, str], seed: int, bots: Sequence[Bot], events: bool = True) -> DuelResult:
    """Play one duel to its end, one action at a time, recording actions and events; an illegal pick raises IllegalAction."""
    s = engine.new_duels(game, units, [seed])
    prepare_bots(game, bots)
    log: list[dict] = []
    if events:
        log.append({"event": "start", "first": int(s.first[0]), "turn": 1, "looks": [int(s.unit[0, 0]), int(s.unit[0, 1])]})
        log.append({"event": "turn", "side": int(s.active[0]), "turn": 1, "ap": int(s.ap[0]), "cooled": 0,
                    "heat": int(s.heat[0, s.active[0]]), "overheat_damage": 0, "nectar": int(s.nectar[0, s.active[0]]),
                    "disguise_ended": False, "looks": [int(s.unit[0, 0]), int(s.unit[0, 1])]})
    actions: list[int] = []
    limit = (game.arena.turn_limit + 2) * MAX_ACTIONS_PER_TURN
    while not s.done[0] and len(actions) < limit:
        a = int(decide(game, s, bots)[0][0])
        s, ev = engine.step(game, s, [a], events=events, check=False)
        actions.append(a)
        if ev:
            log.extend(ev[0])
    return result_of(game, s, 0, units, seed, actions, log)


def result_of(game: Game, s: DuelState, b: int, units: tuple[str, str], seed: int, actions: list[int], log: list[dict]) -> DuelResult:
    """DuelResult of duel `b` of a state."""
    w = int(s.winner[b])
    return DuelResult(units, seed, None if w < 0 else w, OUTCOMES[int(s.outcome[b])], int(s.turn[b]), int(s.first[b]),
                      actions, log, s.take([b]))


def prepare_bots(game: Game, bots: Sequence[Bot]) -> None:
    """Let each bot build its tables for `game` once, before its first decision."""
    for bot in bots:
        prep = getattr(bot, "prepare", None)
        if callable(prep):
            prep(game)


def decide(game: Game, state: DuelState, bots: Sequence[Bot], forfeit: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One action per duel, each from the bot of its side to act, checked; and the duels whose pick was illegal.

    Duels are grouped by the side to act and each bot is asked once for its group, with that
    side's observation (the state itself for a bot that declares `needs_truth`) and its legal
    actions. An illegal pick raises IllegalAction naming the bot, unless `forfeit`: then the duel
    is listed in the second array (its action is END), and the pick in the third, for the
    caller to end it as a forfeit.
    """
    acts = np.full(state.batch, END, dtype=np.int64)
    live = ~state.done
    seen: engine.Observation | None = None  # every duel seen by its side to act, built once
    for side in (0, 1):
        i = np.flatnonzero((state.active == side) & live)
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
    ok = engine.Legal(game, state).allows(acts) | ~live  # every pick checked, by the rules that make the mask
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


def _picks(bot: Bot, picks: object, n: int) -> np.ndarray:
    """A bot's answer as (n,) int64 action ids, or IllegalAction saying what is wrong with it."""
    arr = np.asarray(picks)
    if arr.shape != (n,) or arr.dtype.kind not in "iu":
        raise IllegalAction(f"bot {getattr(bot, 'name', '?')!r} must return {n} whole action ids, got "
                            f"shape {arr.shape} of {arr.dtype}")
    return arr.astype(np.int64)


def play_batch(game: Game, state: DuelState, bots: Sequence[Bot]) -> DuelState:
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
