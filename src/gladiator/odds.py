"""Win odds from a moment of a duel: play the rest of it many times at once, with fresh random draws.

From the full truth by default; or from what one side has observed (`from_side`), when the duels
played out start from states consistent with its view: who is under a possible disguise is drawn
per continuation (`engine.draw_identity`: the suit shown with probability TRUE_LOOK_PRIOR, else another suit able to mimic),
and what it cannot see is assumed as `engine.determinize` does. Each estimate is a share of
`rollouts` finished duels, with Wilson 95% intervals. Imports the engine, the driver and rng.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Sequence

import numpy as np

from gladiator import engine, rng
from gladiator.batch.stats import wilson
from gladiator.bots.base import Bot
from gladiator.driver import play_batch
from gladiator.errors import GladiatorError
from gladiator.game import Game
from gladiator.state import OUTCOMES, DuelState

MAX_ROLLOUTS = 10_000_000  # continuations of one estimate (about 10 minutes with the heuristic bot)
ODDS_CHUNK = 65_536  # continuations played at once: memory stays about 350 MB for any --rollouts
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
    got = None
    for got in estimates(game, state, bots, rollouts, seed, from_side, b):
        pass
    assert got is not None
    return got


def estimates(game: Game, state: DuelState, bots: Sequence[Bot], rollouts: int = 10_000, seed: int = 0,
              from_side: int | None = None, b: int = 0) -> Iterator[Odds]:
    """The estimate of `estimate`, yielded after every `ODDS_CHUNK` continuations (the last is the whole estimate).

    Continuation i has the same seed however the work is cut, so the last estimate is the same for any chunk size;
    memory stays that of `ODDS_CHUNK` duels for any `rollouts`. An interrupted run keeps the estimate yielded last."""
    if isinstance(rollouts, bool) or not isinstance(rollouts, (int, np.integer)) or not 1 <= rollouts <= MAX_ROLLOUTS:
        raise GladiatorError(f"rollouts must be a whole number from 1 to {MAX_ROLLOUTS:,}, got {_shown(rollouts)}")
    seed = rng.check_seed(seed)
    if from_side not in (None, 0, 1):
        raise GladiatorError("from_side must be 0 (A), 1 (B) or None (the truth)")
    if not 0 <= b < state.batch:
        raise GladiatorError(f"duel index {b} is outside the batch (0..{state.batch - 1})")
    one = state.take([b])
    wins, played = [0, 0], 0
    outcomes: list[dict[str, int]] = [{o: 0 for i, o in enumerate(OUTCOMES) if i} for _ in (0, 1)]
    for lo in range(0, int(rollouts), ODDS_CHUNK):
        hi = min(int(rollouts), lo + ODDS_CHUNK)
        final = _play_out(game, one, bots, seed, from_side, lo, hi)
        for k in (0, 1):
            wins[k] += int((final.winner == k).sum())
            for i, o in enumerate(OUTCOMES):
                if i:
                    outcomes[k][o] += int(((final.winner == k) & (final.outcome == i)).sum())
        played = hi
        yield Odds(int(one.turn[0]), played, list(wins), played - wins[0] - wins[1], [dict(x) for x in outcomes])


def _play_out(game: Game, one: DuelState, bots: Sequence[Bot], seed: int, from_side: int | None, lo: int,
              hi: int) -> DuelState:
    """The final states of continuations [lo, hi) of the duel `one`."""
    n = hi - lo
    seeds = rng.derive_seeds(seed + ODDS_STREAM, np.arange(lo, hi))
    if from_side is None:
        start = one.take(np.zeros(n, dtype=np.intp))
        start.seed[:] = seeds.astype(np.uint64)
        start.counter[:] = 0
    else:
        obs = engine.observe(game, one, from_side).take(np.zeros(n, dtype=np.intp))
        u = rng.uniforms(seeds.astype(np.uint64), np.zeros(n, dtype=np.uint64), 1, stream=ODDS_STREAM)[:, 0]
        start = engine.determinize(game, obs, engine.draw_identity(game, obs, u), seeds)
        start.first[:] = one.first[0]
    return play_batch(game, start, bots)


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 24 else f"a number of {len(text)} digits"
