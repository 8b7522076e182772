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
from gladiator.game import Game, make_game
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
    """Play one duel to its end, one action at a time, recording actions and events."""
    s = engine.new_duels(game, units, [seed])
    log: list[dict] = []
    if events:
        log.append({"event": "start", "first": int(s.first[0]), "turn": 1})
        log.append({"event": "turn", "side": int(s.active[0]), "turn": 1, "ap": int(s.ap[0]), "cooled": 0,
                    "heat": int(s.heat[0, s.active[0]]), "overheat_damage": 0, "nectar": int(s.nectar[0, s.active[0]]),
                    "disguise_ended": False})
    actions: list[int] = []
    idx = np.array([0])
    limit = (game.arena.turn_limit + 2) * MAX_ACTIONS_PER_TURN
    while not s.done[0] and len(actions) < limit:
        a = int(bots[int(s.active[0])].act(game, s, idx)[0])
        s, ev = engine.step(game, s, [a], events=events)
        actions.append(a)
        if ev:
            log.extend(ev[0])
    return result_of(game, s, 0, units, seed, actions, log)


def result_of(game: Game, s: DuelState, b: int, units: tuple[str, str], seed: int, actions: list[int], log: list[dict]) -> DuelResult:
    """DuelResult of duel `b` of a state."""
    w = int(s.winner[b])
    return DuelResult(units, seed, None if w < 0 else w, OUTCOMES[int(s.outcome[b])], int(s.turn[b]), int(s.first[b]),
                      actions, log, s.take([b]))


def choose_actions(game: Game, state: DuelState, bots: Sequence[Bot]) -> np.ndarray:
    """One action per duel of a batch of live duels, each from the bot of the side to act."""
    if type(bots[0]) is type(bots[1]) and getattr(bots[0], "name", None) == getattr(bots[1], "name", None):
        return bots[0].act(game, state, np.arange(state.batch))
    acts = np.zeros(state.batch, dtype=np.int64)
    for side in (0, 1):
        i = np.flatnonzero(state.active == side)
        if i.size:
            acts[i] = bots[side].act(game, state, i)
    return acts


def play_batch(game: Game, state: DuelState, bots: Sequence[Bot]) -> DuelState:
    """Play every duel of a batch to its end; finished duels leave the working arrays each step."""
    s = state.copy()
    work = s.take(np.flatnonzero(~s.done))
    where = np.flatnonzero(~s.done)
    steps = 0
    limit = (game.arena.turn_limit + 2) * MAX_ACTIONS_PER_TURN
    while work.batch and steps < limit:
        work, _ = engine.step(game, work, choose_actions(game, work, bots), check=False)
        steps += 1
        fin = work.done
        if fin.any():
            s.put(where[fin], work.take(fin))
            keep = ~fin
            work, where = work.take(keep), where[keep]
    return s
