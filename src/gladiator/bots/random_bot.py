"""A bot that picks uniformly among the legal actions, from the duel's own seed."""

from __future__ import annotations

import numpy as np

from gladiator import rng
from gladiator.bots.base import BOT_STREAM
from gladiator.game import Game
from gladiator.rules.legal import legal_mask
from gladiator.state import DuelState


class RandomBot:
    """Uniform over the legal actions; draws depend on (duel seed, action counter) only."""

    name = "random"

    def act(self, game: Game, state: DuelState, idx: np.ndarray) -> np.ndarray:
        """A uniformly drawn legal action per duel."""
        sub = state.take(idx)
        mask = legal_mask(game, sub)
        u = rng.uniforms(sub.seed, sub.counter, 1, stream=BOT_STREAM)[:, 0]
        counts = mask.sum(axis=1)
        k = np.minimum((u * counts).astype(np.int64), counts - 1)
        if (counts == 0).any():  # not for live duels (ending the turn is always legal); kept for any caller
            return np.argmax(np.cumsum(mask, axis=1) > k[:, None], axis=1)
        # the k-th legal action of each row: positions of every legal action, row by row, then index into them
        where = np.flatnonzero(mask)
        start = np.concatenate(([0], np.cumsum(counts)[:-1]))
        return where[start + k] - np.arange(mask.shape[0]) * mask.shape[1]
