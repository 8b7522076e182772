"""Win odds from a moment of a duel: play the rest of it many times at once, with fresh random draws.

From the full truth by default; or from what one side has observed (`from_side`), when the duels
played out start from states consistent with its view: who is under a possible disguise is drawn
per continuation (`engine.draw_identity`: the suit shown with probability TRUE_LOOK_PRIOR, else another suit able to mimic),
and what it cannot see is assumed as `engine.determinize` does. Each estimate is a share of
`rollouts` finished duels, with Wilson 95% intervals. Imports the engine, the driver and rng.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from gladiator import engine, rng
from gladiator.batch.stats import wilson
from gladiator.bots.base import Bot
from gladiator.driver import play_batch
from gladiator.errors import GladiatorError
from gladiator.game import Game
from gladiator.state import OUTCOMES, DuelState

MAX_ROLLOUTS = 10_000_000
ODDS_STREAM = 11


@dataclass
class Odds:
    """Each side's chance to win from a position, and how the duels played out ended."""

    turn: int
    rollouts: int
    wins: list[int]  # per side
    draws: int
    outcomes: list[dict[str, int]]  # per winning side: outcome -> duels

    @property
    def win(self) -> list[float]:
        """Each side's share of the continuations won."""
        return [w / self.rollouts for w in self.wins]

    @property
    def draw(self) -> float:
        """Share of continuations drawn."""
        return self.draws / self.rollouts

    def intervals(self) -> dict[str, list[float]]:
        """Wilson 95% intervals of each side's win share and of the draw share."""
        return {"A": list(wilson(self.wins[0], self.rollouts)), "B": list(wilson(self.wins[1], self.rollouts)),
                "draw": list(wilson(self.draws, self.rollouts))}

    def to_json(self) -> dict:
        """`{"turn", "win": [p_a, p_b], "draw", "intervals", "outcomes", "rollouts"}`."""
        return {"turn": self.turn, "win": self.win, "draw": self.draw, "intervals": self.intervals(),
                "outcomes": {"AB"[k]: {o: n / self.rollouts for o, n in self.outcomes[k].items()} for k in (0, 1)},
                "rollouts": self.rollouts}


def estimate(game: Game, state: DuelState, bots: Sequence[Bot], rollouts: int = 10_000, seed: int = 0,
             from_side: int | None = None, b: int = 0) -> Odds:
    """Odds of duel `b` of `state`, by playing it out `rollouts` times with `bots` (side A's, side B's)."""
    if isinstance(rollouts, bool) or not isinstance(rollouts, (int, np.integer)) or not 1 <= rollouts <= MAX_ROLLOUTS:
        raise GladiatorError(f"rollouts must be a whole number from 1 to {MAX_ROLLOUTS:,}, got {rollouts!r}")
    if from_side not in (None, 0, 1):
        raise GladiatorError("from_side must be 0 (A), 1 (B) or None (the truth)")
    if not 0 <= b < state.batch:
        raise GladiatorError(f"duel index {b} is outside the batch (0..{state.batch - 1})")
    one = state.take([b])
    seeds = rng.derive_seeds(seed + ODDS_STREAM, np.arange(rollouts))
    if from_side is None:
        start = one.take(np.zeros(rollouts, dtype=np.intp))
        start.seed[:] = seeds.astype(np.uint64)
        start.counter[:] = 0
    else:
        obs = engine.observe(game, one, from_side).take(np.zeros(rollouts, dtype=np.intp))
        u = rng.uniforms(seeds.astype(np.uint64), np.zeros(rollouts, dtype=np.uint64), 1, stream=ODDS_STREAM)[:, 0]
        start = engine.determinize(game, obs, engine.draw_identity(game, obs, u), seeds)
        start.first[:] = one.first[0]
    final = play_batch(game, start, bots)
    wins = [int((final.winner == k).sum()) for k in (0, 1)]
    outcomes = [{o: int(((final.winner == k) & (final.outcome == i)).sum()) for i, o in enumerate(OUTCOMES) if i}
                for k in (0, 1)]
    return Odds(int(one.turn[0]), rollouts, wins, rollouts - wins[0] - wins[1], outcomes)
