"""Play duels with bots through the engine: one duel with its events, or a whole batch.

Imports the engine and bots; used by the command line, the window, the batch runner.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

from gladiator import engine
from gladiator.bots import Bot
from gladiator.catalog.loader import Catalog
from gladiator.driver import MAX_ACTIONS_PER_TURN, Play, decide, play_batch, prepare_bots
from gladiator.errors import GladiatorError
from gladiator.game import DEFAULT_RULES, Game, make_game
from gladiator.state import OUTCOMES, DuelState



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
    disguise: tuple[str | None, str | None] | None = None  # the look each side started in, if any

    @property
    def winner(self) -> str | None:
        """Id of the winner, None for a draw."""
        return None if self.winner_index is None else self.units[self.winner_index]

    def summary(self) -> dict:
        """The result as JSON-ready data."""
        return {"units": list(self.units), "winner": self.winner, "winner_index": self.winner_index,
                "outcome": self.outcome, "turns": self.turns, "seed": self.seed, "first": self.first,
                "actions": len(self.actions)}


def game_for(catalog: Catalog, arena: str, rules: int = DEFAULT_RULES) -> Game:
    """A game with every catalog unit in the roster (any may be mimicked) and the named arena, under rules `rules`."""
    return make_game(list(catalog.units.values()), catalog.arena(arena), rules)


def start_looks(game: Game, units: tuple[str, str], disguise: str | None) -> tuple[str | None, str | None] | None:
    """The look each side starts in when the duel is to start with `disguise` on: every side able to mimic wears it
    (a side that is that unit already wears nothing); a one-line error when neither side can mimic."""
    if disguise is None:
        return None
    game.unit_index(disguise)
    looks = tuple(disguise if game.tables.can_mimic[game.unit_index(u)] and u != disguise else None for u in units)
    if looks == (None, None):
        raise GladiatorError(f"--disguise {disguise}: neither {units[0]} nor {units[1]} can start disguised as it "
                             "(a suit needs the mimic ability, and cannot disguise as itself)")
    return looks  # type: ignore[return-value]


def play_duel(game: Game, units: tuple[str, str], seed: int, bots: Sequence[Bot], events: bool = True,
              disguise: tuple[str | None, str | None] | None = None,
              on_action: Callable[[int], None] | None = None) -> DuelResult:
    """Play one duel to its end, one action at a time, recording actions and events; an illegal pick raises IllegalAction.

    `disguise` is the look each side starts in (`start_looks`), or None; `on_action(turn)` is told the turn after each
    action (progress)."""
    s = engine.new_duels(game, units, [seed], disguise=disguise)
    play = Play(game, bots, forfeit=False, events=events)
    log: list[dict] = engine.opening_events(s) if events else []
    actions: list[int] = []
    play.add(s, [0])
    while play.live:
        left = play.step()
        assert play.last is not None
        _, picks, ev = play.last
        actions.append(int(picks[0]))
        if ev:
            log.extend(ev[0])
        s = left.state if left.rows.size else play.work
        if on_action is not None:
            on_action(int(s.turn[0]))
    res = result_of(game, s, 0, units, seed, actions, log)
    res.disguise = disguise
    return res


def result_of(game: Game, s: DuelState, b: int, units: tuple[str, str], seed: int, actions: list[int], log: list[dict]) -> DuelResult:
    """DuelResult of duel `b` of a state."""
    w = int(s.winner[b])
    return DuelResult(units, seed, None if w < 0 else w, OUTCOMES[int(s.outcome[b])], int(s.turn[b]), int(s.first[b]),
                      actions, log, s.take([b]))


__all__ = ["MAX_ACTIONS_PER_TURN", "DuelResult", "decide", "game_for", "play_batch", "play_duel", "prepare_bots", "result_of"]
