"""The Bot interface."""

from __future__ import annotations

from typing import Protocol

import numpy as np

from gladiator.game import Game
from gladiator.state import DuelState

BOT_STREAM = 2  # bots draw from their own stream of the duel's seed


class Bot(Protocol):
    """Chooses actions for the side to act in the duels `idx` of a batch."""

    name: str

    def act(self, game: Game, state: DuelState, idx: np.ndarray) -> np.ndarray:
        """One legal action id per duel in `idx` (all live), for the side whose turn it is."""
        ...
