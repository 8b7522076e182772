"""The Bot interface: a class with a `name` and `act(game, obs, legal)`, and optionally `prepare(game)`.

A bot picks one action id per duel for the side to act, from that side's observation (`obs`,
a `gladiator.view.Observation` of the batch) and the legal actions (`legal`, an
`engine.Legal`: `legal.mask` is the (batch, actions) bool mask). The driver owns the loop: it
groups duels by side, never merges two bots, and checks every pick. A bot that needs the whole
truth (for analysis only) sets `needs_truth = True`: it is then given the `DuelState` instead of
an observation, and it is refused wherever a person plays.
"""

from __future__ import annotations

import numpy as np

from gladiator.engine import NOISE_STREAM as BOT_STREAM  # noqa: F401 (the stream `obs.noise` comes from)
from gladiator.game import Game


class Bot:
    """Base class of the bots (subclassing it is optional: any object with `name` and `act` will do)."""

    name: str = "bot"
    needs_truth: bool = False

    def prepare(self, game: Game) -> None:
        """Build whatever tables the bot needs for `game`, once, before its first decision (optional)."""

    def act(self, game: Game, obs, legal) -> np.ndarray:  # type: ignore[no-untyped-def]
        """One legal action id per duel of the batch."""
        raise NotImplementedError


class FirstChoice:
    """One action per duel of a batch, chosen by rules tried in order: the first that holds for a duel decides it.

    `choose(cond, action)` gives `action` (one id, or one per duel) to the duels where `cond` holds
    and no earlier rule has decided; `todo` marks the undecided; `actions` is the answer, END
    where nothing decided.
    """

    def __init__(self, batch: int, default: int = 0) -> None:
        self.actions = np.full(batch, default, dtype=np.int64)
        self.todo = np.ones(batch, dtype=bool)

    def choose(self, cond: np.ndarray, action: np.ndarray | int) -> None:
        """Decide the undecided duels where `cond` holds."""
        c = cond & self.todo
        self.actions[c] = np.broadcast_to(action, self.actions.shape)[c]
        self.todo &= ~c
