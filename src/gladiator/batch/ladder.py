"""A ladder of bots: every pair of bots plays every pairing of units, both sides, and gets a rating.

Ratings are a Bradley-Terry fit of the head-to-head counts (a draw counts half a win for each),
on the Elo scale (400 * log10 of the strength, the mean bot at 0), with 95% intervals from a
parametric bootstrap of the head-to-head counts. The head-to-head table is kept beside them:
ratings assume that strength is transitive, the table does not. Imports numpy and the runner.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from gladiator import RULES_VERSION
from gladiator.batch.runner import make_spec, run
from gladiator.batch.stats import Totals
from gladiator.catalog.loader import Catalog
from gladiator.errors import GladiatorError

BOOTSTRAP = 400
FIT_ITERATIONS = 2000
ELO = 400.0 / np.log(10.0)


@dataclass
class Ladder:
    """Head-to-head counts of a set of bots: `score[i][j]` wins of bot i over bot j (draws half), `games[i][j]` duels."""

    bots: list[str]
    score: np.ndarray
    games: np.ndarray
    cells: list[dict] = field(default_factory=list)  # one per (bot pair, unit pairing): the raw counts

    @classmethod
    def empty(cls, bots: Sequence[str]) -> "Ladder":
        """No duels yet."""
        k = len(bots)
        return cls(list(bots), np.zeros((k, k)), np.zeros((k, k)))

    def add(self, a: str, b: str, units: tuple[str, str], wins_a: int, wins_b: int, draws: int) -> None:
        """Count duels of bot `a` against bot `b`."""
        i, j = self.bots.index(a), self.bots.index(b)
        n = wins_a + wins_b + draws
        self.score[i, j] += wins_a + draws / 2
        self.score[j, i] += wins_b + draws / 2
        self.games[i, j] += n
        self.games[j, i] += n
        self.cells.append({"bots": [a, b], "units": list(units), "wins": [wins_a, wins_b], "draws": draws})

    def ratings(self) -> np.ndarray:
        """Bradley-Terry ratings, Elo scale, mean 0."""
        return bradley_terry(self.score, self.games)

    def intervals(self, seed: int = 0) -> np.ndarray:
        """(k, 2) 95% intervals of the ratings, from a bootstrap of the head-to-head counts."""
        rng = np.random.default_rng(seed)
        k = len(self.bots)
        draws = np.zeros((BOOTSTRAP, k))
        iu = np.triu_indices(k, 1)
        n = self.games[iu].astype(np.int64)
        p = np.divide(self.score[iu], self.games[iu], out=np.full(n.shape, 0.5), where=n > 0)
        for r in range(BOOTSTRAP):
            s = np.zeros((k, k))
            won = rng.binomial(n, p)
            s[iu] = won
            s[iu[1], iu[0]] = n - won
            draws[r] = bradley_terry(s, self.games)
        return np.percentile(draws, [2.5, 97.5], axis=0).T

    def head_to_head(self) -> np.ndarray:
        """(k, k) share of duels bot i won against bot j (draws half), NaN on the diagonal and where none were played."""
        with np.errstate(invalid="ignore", divide="ignore"):
            out = self.score / self.games
        out[self.games == 0] = np.nan
        return out

    def to_json(self) -> dict:
        """Ratings, intervals and the head-to-head table as JSON-ready data."""
        r, ci, h = self.ratings(), self.intervals(), self.head_to_head()
        return {"bots": self.bots,
                "ratings": {b: {"rating": float(r[i]), "interval": [float(ci[i, 0]), float(ci[i, 1])]} for i, b in enumerate(self.bots)},
                "head_to_head": {a: {b: (None if np.isnan(h[i, j]) else float(h[i, j])) for j, b in enumerate(self.bots) if i != j}
                                 for i, a in enumerate(self.bots)},
                "duels": int(self.games.sum() // 2), "cells": self.cells}


def bradley_terry(score: np.ndarray, games: np.ndarray) -> np.ndarray:
    """Bradley-Terry strengths of a score table (wins, draws half) by Hunter's MM iterations; Elo scale, mean 0.

    A bot that won or lost everything has no finite rating; a small prior (one draw against every
    other bot) keeps every rating finite.
    """
    k = score.shape[0]
    prior = np.ones((k, k)) - np.eye(k)
    w = score + prior / 2
    n = games + prior
    p = np.ones(k)
    wins = w.sum(axis=1)
    for _ in range(FIT_ITERATIONS):
        denom = (n / (p[:, None] + p[None, :])).sum(axis=1)
        new = wins / denom
        new /= np.exp(np.log(new).mean())
        if np.allclose(new, p, rtol=1e-10, atol=0):
            p = new
            break
        p = new
    r = ELO * np.log(p)
    return r - r.mean()


def check_ladder(bots: Sequence[str], units: Sequence[str]) -> None:
    """Refuse, in one line, a ladder without two different bots (each named once) or without a unit."""
    if len(set(bots)) < 2 or len(set(bots)) != len(bots):
        raise GladiatorError("ladder: name at least two different bots, each once")
    if not units:
        raise GladiatorError("ladder: name at least one unit")


def cells_of(bots: Sequence[str], units: Sequence[str]) -> list[tuple[tuple[str, str], tuple[str, str]]]:
    """The ladder's cells in the order they are played and stored: (bot pair, unit pairing)."""
    return [(pair, ups) for pair in itertools.combinations(bots, 2) for ups in itertools.product(units, repeat=2)]


def ladder_identity(catalog: Catalog, bots: Sequence[str], units: Sequence[str], arena: str, n: int, seed: int) -> dict:
    """What decides a ladder's counts, as its results file stores it (each cell a chunk of `n` duels): the settings,
    the rules version, the unit and arena data hashes and the plugin bots' source hashes."""
    check_ladder(bots, units)
    hashes = make_spec(catalog, (units[0], units[0]), arena, n, seed, (bots[0], bots[1])).hashes
    for b in bots[2:]:
        hashes = hashes | make_spec(catalog, (units[0], units[0]), arena, n, seed, (b, b)).hashes
    return {"command": "ladder", "bots": list(bots), "units": list(units), "arena": arena, "seed": seed,
            "n": n * len(cells_of(bots, units)), "chunk_size": n, "rules_version": RULES_VERSION, "hashes": hashes}


def play_ladder(catalog: Catalog, bots: Sequence[str], units: Sequence[str], arena: str, n: int, seed: int = 0,
                workers: int = 1, done: Callable[[tuple[str, str], tuple[str, str]], Totals | None] | None = None,
                on_cell: Callable[[tuple[str, str], tuple[str, str], Totals], None] | None = None,
                on_duels: Callable[[int], None] | None = None) -> Ladder:
    """Play `n` side-swapped duels of every pair of bots in every ordered pairing of `units` (mirrors included).

    `done(bots, units)` may return the totals of a cell already played (a resumed run); `on_cell`
    is called with the totals of each cell as it finishes, to store them; `on_duels` with the number of duels of
    each piece of a cell as it finishes (progress).
    """
    check_ladder(bots, units)
    ladder = Ladder.empty(bots)
    for (a, b), (x, y) in cells_of(bots, units):  # each bot plays each unit of a pairing
        t = done((a, b), (x, y)) if done is not None else None
        if t is None:
            t = run(make_spec(catalog, (x, y), arena, n, seed, (a, b)), workers=workers,
                    on_chunk=None if on_duels is None else lambda res: on_duels(res.totals.n))
            if on_cell is not None:
                on_cell((a, b), (x, y), t)
        ladder.add(a, b, (x, y), t.wins[0], t.wins[1], t.draws)
    return ladder
