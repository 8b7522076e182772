"""A bot that picks uniformly among the legal actions, from the random numbers its observation carries."""

from __future__ import annotations

import numpy as np

from gladiator.bots.base import Bot
from gladiator.game import Game


class RandomBot(Bot):
    """Uniform over the legal actions; its draws depend on (duel seed, action counter) only."""

    name = "random"

    def act(self, game: Game, obs, legal) -> np.ndarray:  # type: ignore[no-untyped-def]
        """A uniformly drawn legal action per duel."""
        mask = np.asarray(legal)
        u = obs.noise[:, 0]
        counts = mask.sum(axis=1)
        k = np.minimum((u * counts).astype(np.int64), np.maximum(counts - 1, 0))
        if (counts == 0).any():  # not for live duels (ending the turn is always legal); kept for any caller
            return np.argmax(np.cumsum(mask, axis=1) > k[:, None], axis=1)
        # the k-th legal action of each row: positions of every legal action, row by row, then index into them
        where = np.flatnonzero(mask)
        start = np.concatenate(([0], np.cumsum(counts)[:-1]))
        return where[start + k] - np.arange(mask.shape[0]) * mask.shape[1]
