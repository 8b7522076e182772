"""A bot that looks ahead by playing many continuations at once on the batch engine (flat Monte Carlo).

For each duel it takes a few candidate actions — the heuristic bot's choice, every legal action
that is not a move or a leap, and the moves and leaps the heuristic rates best — and plays each
to the end of the duel many times at once from states consistent with what its side observes
(a determinised search: when the enemy may be a disguised suit, each continuation draws who is
underneath from the identities the observation allows (`engine.draw_identity`), never the truth), with the heuristic
bot on both sides (or the greedy one) and fresh random draws. Sequential halving spends the budget: every candidate gets
continuations, the worse half is dropped, and so on; common random numbers (the same seeds for
every candidate) keep the comparisons fair. It takes the candidate with the best mean result.

Options (`search:budget=N` or `search:time=S`, and `rollout=heuristic|greedy`): `budget` continuations
per decision (default 256, at most `MAX_BUDGET`), or `time` seconds a decision may take (at most `MAX_TIME`; the
budget is then found by timing a first round); `rollout` the bot that plays the continuations out (default heuristic: each costs
about four greedy ones, and the estimates are of the play the search bot itself meets).
"""

from __future__ import annotations

import time

import numpy as np

from gladiator import engine, rng
from gladiator.bots.base import Bot
from gladiator.bots.greedy import GreedyBot
from gladiator.bots.heuristic import HeuristicBot, Plans
from gladiator.driver import play_batch
from gladiator.errors import GladiatorError
from gladiator.game import Game
from gladiator.state import DuelState
from gladiator.view import Observation

DEFAULT_BUDGET = 256
MAX_BUDGET = 100_000  # continuations a decision; they are played at most MAX_LIVE at a time, so memory stays bounded
MAX_TIME = 600.0  # seconds a decision (a budget found by time is capped at MAX_BUDGET too)
MAX_LIVE = 32_768  # continuations played at once (about 100 MB of states): more are played in slices, same results
MAX_CANDIDATES = 8
MOVE_CANDIDATES = 3  # best-rated moves kept as candidates (and as many leaps)
ROLLOUTS: dict[str, type[Bot]] = {"heuristic": HeuristicBot, "greedy": GreedyBot}  # the bots a continuation may be played by
SEARCH_STREAM = 7  # the seeds of the continuations come from their own stream of the duel's noise


class SearchBot(Bot):
    """Flat Monte Carlo over candidate actions, with sequential halving and determinised identities."""

    name = "search"

    def __init__(self, budget: int | None = None, time: float | None = None, rollout: str = "heuristic") -> None:
        if budget is not None and (isinstance(budget, bool) or not isinstance(budget, int) or not 1 <= budget <= MAX_BUDGET):
            raise GladiatorError(f"search: budget must be a whole number of continuations from 1 to {MAX_BUDGET:,}, "
                                 f"got {_shown(budget)}")
        if time is not None and (isinstance(time, bool) or not isinstance(time, (int, float)) or not 0 < time <= MAX_TIME):
            raise GladiatorError(f"search: time must be a number of seconds above 0 and at most {MAX_TIME:g}, got {_shown(time)}")
        if budget is not None and time is not None:
            raise GladiatorError("search: give budget or time, not both")
        if not isinstance(rollout, str) or rollout not in ROLLOUTS:
            raise GladiatorError(f"search: rollout must be one of {', '.join(ROLLOUTS)}, got {rollout!r}")
        self.budget = budget if budget is not None else (None if time is not None else DEFAULT_BUDGET)
        self.time = time
        self.heuristic = HeuristicBot()
        self.rollout = ROLLOUTS[rollout]()

    def prepare(self, game: Game) -> None:
        """Build the tables the heuristic and greedy bots use."""
        self.heuristic.prepare(game)
        self.rollout.prepare(game)

    def act(self, game: Game, obs: Observation, legal: engine.Legal) -> np.ndarray:
        """One action per duel."""
        mask = legal.mask
        cands = self._candidates(game, obs, legal)  # (B, C), -1 padding
        B, C = cands.shape
        alive = cands >= 0
        wins = np.zeros((B, C))
        plays = np.zeros((B, C))
        budget = self.budget
        start = time.perf_counter()
        rounds = max(1, int(np.ceil(np.log2(max(C, 2)))))
        spent = 0
        for r in range(rounds):
            n_alive = alive.sum(axis=1).max()
            if budget is None:  # time mode: size this round from the time left and the pace so far
                left = self.time - (time.perf_counter() - start)
                pace = (time.perf_counter() - start) / max(spent, 1) if spent else None
                per = 4 if pace is None else int(max(1, min(MAX_BUDGET, left / pace / max(1, rounds - r) / max(n_alive, 1))))
            else:
                per = max(1, budget // (rounds * max(n_alive, 1)))
            w, n = self._play(game, obs, cands, alive, per, r)
            wins += w
            plays += n
            spent += int(n.sum() // max(B, 1))
            if r < rounds - 1:
                mean = np.where(alive & (plays > 0), wins / np.maximum(plays, 1), -1.0)
                keep = np.maximum(1, (alive.sum(axis=1) + 1) // 2)
                rank = np.argsort(np.argsort(-mean, axis=1, kind="stable"), axis=1, kind="stable")
                alive &= rank < keep[:, None]
        mean = np.where(alive & (plays > 0), wins / np.maximum(plays, 1), -1.0)
        pick = cands[np.arange(B), np.argmax(mean, axis=1)]
        ok = mask[np.arange(B), np.maximum(pick, 0)] & (pick >= 0)
        return np.where(ok, pick, self.heuristic.act(game, obs, legal))

    def _candidates(self, game: Game, obs: Observation, legal: engine.Legal) -> np.ndarray:
        """(B, C) action ids to compare per duel (-1 where a duel has fewer)."""
        sp, mask = game.space, legal.mask
        B = obs.batch
        first = self.heuristic.act(game, obs, legal)
        fixed = np.flatnonzero(mask[:, : sp.move0].any(axis=0))  # end, guard, vent, inject, extract, attacks, mimic
        plans = Plans(game, obs, mask)
        moves, leaps = plans.moves(), plans.leaps()
        out = np.full((B, MAX_CANDIDATES), -1, dtype=np.int64)
        for b in range(B):
            seen: list[int] = [int(first[b])]
            for a in fixed:
                if mask[b, a] and int(a) not in seen:
                    seen.append(int(a))
            for worths, base in ((moves, sp.move0), (leaps, sp.leap0)):
                order = np.argsort(-worths.worth[b], kind="stable")[:MOVE_CANDIDATES]
                for k in order:
                    if np.isfinite(worths.worth[b, k]) and int(base + worths.tile[b, k]) not in seen:
                        seen.append(int(base + worths.tile[b, k]))
            seen = seen[:MAX_CANDIDATES]
            out[b, : len(seen)] = seen
        return out

    def _play(self, game: Game, obs: Observation, cands: np.ndarray, alive: np.ndarray, per: int,
              round_: int) -> tuple[np.ndarray, np.ndarray]:
        """Play `per` continuations of each live candidate; (wins, plays) per (duel, candidate), a draw counting half."""
        B, C = cands.shape
        b_idx, c_idx = np.nonzero(alive)
        wins = np.zeros((B, C))
        plays = np.zeros((B, C))
        base = np.asarray(obs.noise)[:, 0]
        total = per * b_idx.size
        # continuations k = rep * (live candidates) + j, MAX_LIVE at a time: each plays alone, so slicing changes nothing
        for lo in range(0, total, MAX_LIVE):
            k = np.arange(lo, min(total, lo + MAX_LIVE))
            reps, j = k // max(b_idx.size, 1), k % max(b_idx.size, 1)
            bb, cc = b_idx[j], c_idx[j]
            # seeds and identities: common to every candidate of a duel in a round (common random numbers)
            seed_of = rng.derive_seeds(SEARCH_STREAM + round_, (base[bb] * 2**40).astype(np.int64) * 1009 + reps)
            u = rng.uniforms(seed_of.astype(np.uint64), np.zeros(bb.size, dtype=np.uint64), 1, stream=SEARCH_STREAM)[:, 0]
            sub = obs.take(bb)
            identity = engine.draw_identity(game, sub, u)
            s = engine.determinize(game, sub, identity, seed_of)
            s, _ = engine.step(game, s, cands[bb, cc], check=False)
            side = obs.side[bb].astype(np.int64)
            final = _play_out(game, s, self.rollout)
            score = np.where(final.winner == side, 1.0, np.where(final.winner < 0, 0.5, 0.0))
            np.add.at(wins, (bb, cc), score)
            np.add.at(plays, (bb, cc), 1.0)
        return wins, plays


def _shown(value: object) -> str:
    """An option's value in a message: a number of many digits by its size, not its digits."""
    text = repr(value)
    return text if len(text) <= 24 else f"a number of {len(str(abs(value))) if isinstance(value, int) else len(text)} digits"


def _play_out(game: Game, state: DuelState, bot: Bot) -> DuelState:
    """Play every continuation to its end with `bot` on both sides (an illegal pick is a forfeit)."""
    return play_batch(game, state, (bot, bot))
