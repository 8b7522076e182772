"""The Bot interface: a class with a `name` and `act(game, obs, legal)`, and optionally `prepare(game)`.

A bot picks one action id per duel for the side to act, from that side's observation (`obs`,
a `gladiator.view.Observation` of the batch) and the legal actions (`legal`, an
`engine.Legal`: `legal.mask` is the (batch, actions) bool mask). The driver owns the loop: it
groups duels by side (a bot playing both sides, one object, sees all its duels at once), never merges two
bots, and checks every pick against legal actions of its own. `legal` holds the mask, nothing of the duels; a bot of
another package gets sealed copies through the referee (`gladiator.referee`). A bot that needs the whole
truth (for analysis only) sets `needs_truth = True`: it is then given a copy of the `DuelState` instead of
an observation, and it is refused wherever a person plays. A bot that never reads `obs.noise` may say so
(`uses_noise = False`): the driver then draws none for it.
"""

from __future__ import annotations

from dataclasses import fields

import numpy as np

from gladiator.engine import NOISE_STREAM as BOT_STREAM  # noqa: F401 (the stream `obs.noise` comes from)
from gladiator.game import Game
from gladiator.view import Observation

_MIX = np.uint64(0x9E3779B97F4A7C15)


class Bot:
    """Base class of the bots (subclassing it is optional: any object with `name` and `act` will do)."""

    name: str = "bot"
    needs_truth: bool = False
    uses_noise: bool = True  # False: the bot never reads `obs.noise`, so none is drawn for it (it is then empty, (B, 0))
    batch_size: int | None = None  # duels the batch runner steps at once for this bot, when not told (None: its default)

    def prepare(self, game: Game) -> None:
        """Build whatever tables the bot needs for `game`, once, before its first decision (optional)."""

    def act(self, game: Game, obs, legal) -> np.ndarray:  # type: ignore[no-untyped-def]
        """One legal action id per duel of the batch."""
        raise NotImplementedError


class FirstChoice:
    """One action per duel of a batch, chosen by rules tried in order: the first that holds for a duel decides it.

    `choose(cond, action)` gives `action` (one id, or one per duel) to the duels where `cond` holds
    and no earlier rule has decided; `todo` marks the undecided; `actions` is the answer, END
    where nothing decided. Given the legal actions of a restricted player (`engine.Legal.without`),
    a rule also holds only where its action is left to that player, so the next rule decides instead.
    """

    def __init__(self, batch: int, default: int = 0, legal: object | None = None) -> None:
        self.actions = np.full(batch, default, dtype=np.int64)
        self.todo = np.ones(batch, dtype=bool)
        self._left = legal if getattr(legal, "restricted", False) else None  # checked only where options are taken away

    def choose(self, cond: np.ndarray, action: np.ndarray | int) -> None:
        """Decide the undecided duels where `cond` holds."""
        c = cond & self.todo
        if self._left is not None:
            c &= self._left.allows(np.broadcast_to(np.asarray(action, dtype=np.int64), self.todo.shape))  # type: ignore[attr-defined]
        np.copyto(self.actions, action, where=c)
        self.todo ^= c  # c lies within todo: these are decided now


def distinct_views(obs: Observation) -> tuple[np.ndarray, np.ndarray] | None:
    """Duels whose side sees exactly the same thing (every field of the view but its random numbers): one duel of each
    such view, and each duel's view among them; None when every duel sees something of its own.

    A bot whose choice depends only on the view (and on the legal actions, which depend only on
    what the side sees) can choose once per view: duels played out many times from one position
    share most of their views.
    """
    n = obs.batch
    parts = [np.asarray(getattr(obs, f.name)).reshape(n, -1) for f in fields(obs) if f.name != "noise"]
    columns = np.empty((sum(p.shape[1] for p in parts), n), dtype=np.uint64)
    h = np.zeros(n, dtype=np.uint64)
    k = 0
    for p in parts:
        for c in p.T:
            columns[k] = c  # every value as a whole number (negative ones wrap round, distinct still)
            h = (h ^ columns[k]) * _MIX
            k += 1
    _, first, inverse = np.unique(h, return_index=True, return_inverse=True)
    if first.size == n:
        return None
    inverse = inverse.reshape(n)
    if not (columns == columns.take(first.take(inverse), axis=1)).all():  # two views with one hash: no sharing this time
        return None
    return first, inverse
