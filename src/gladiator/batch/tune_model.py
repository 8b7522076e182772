"""The local model of `gladiator tune`: a next candidate from a straight-line fit of every cell around the best.

Every trial's first round plays the same duels (common random numbers), so the cells' shares
after it differ between candidates by what they change, not by luck. Near the best candidate, a
weighted least-squares fit of each cell's share against the free fields gives their slopes
(how a field moves each cell, arena by arena); a walk on the fields' grid, within a box around
the best, then finds where the fitted shares sit in their bands. Pure numpy, no duels played:
`tune.search` plays the candidate and alternates it with Optuna's sampler. Imports nothing of
the game.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

RIDGE = 1e-3  # keeps the fit defined when the neighbours do not span every field
MAX_MOVES = 64  # steps of the walk on the grid


@dataclass(frozen=True)
class Axis:
    """A free field on its grid: low, high, step, and whether it is a whole number."""

    low: float
    high: float
    step: float
    whole: bool

    def index(self, v: float) -> int:
        """The grid point of a value."""
        return int(round((v - self.low) / self.step))

    def value(self, k: int) -> Any:
        """The value at grid point k, as the file would hold it."""
        v = self.low + k * self.step
        return int(round(v)) if self.whole else round(v, 10)

    @property
    def points(self) -> int:
        """How many grid points the field has."""
        return int(math.floor((self.high - self.low) / self.step + 1e-9)) + 1


def propose(axes: Sequence[Axis], base: Sequence[float], base_rates: Sequence[float], seen: Sequence[Sequence[float]],
            rates: Sequence[Sequence[float]], bands: Sequence[tuple[float, float]], radius: float) -> list[Any] | None:
    """The grid point within `radius` (a share of each field's range) of `base` whose shares, as fitted from the
    trials `seen` (their values) and their first-round `rates`, lie least outside the `bands`; None when the fit has
    too few trials or finds nothing better than the base."""
    p = len(axes)
    X = np.array([[ax.index(v) / max(1, ax.points - 1) for ax, v in zip(axes, row)] for row in seen], float)
    Y = np.asarray(rates, float)
    x0 = np.array([ax.index(v) / max(1, ax.points - 1) for ax, v in zip(axes, base)], float)
    y0 = np.asarray(base_rates, float)
    if len(X) < p + 2:
        return None
    slopes = fit(X - x0, Y - y0)
    lo_b = np.array([b[0] for b in bands]); hi_b = np.array([b[1] for b in bands])

    def miss(k: np.ndarray) -> float:
        dx = np.array([k[i] / max(1, axes[i].points - 1) for i in range(p)]) - x0
        y = y0 + dx @ slopes
        return float(np.maximum(0.0, np.maximum(lo_b - y, y - hi_b)).sum())

    k0 = np.array([ax.index(v) for ax, v in zip(axes, base)])
    reach = [max(1, int(round(radius * (ax.points - 1)))) for ax in axes]
    k, now = k0.copy(), miss(k0)
    for _ in range(MAX_MOVES):
        move, score = None, now
        for i, ax in enumerate(axes):
            for s in range(-reach[i], reach[i] + 1):
                j = k[i] + s
                if s == 0 or j < 0 or j >= ax.points or abs(j - k0[i]) > reach[i]:
                    continue
                k2 = k.copy(); k2[i] = j
                m = miss(k2)
                if m < score - 1e-12:
                    move, score = k2, m
        if move is None:
            break
        k, now = move, score
    if (k == k0).all():
        return None
    return [ax.value(int(j)) for ax, j in zip(axes, k)]


def fit(dx: np.ndarray, dy: np.ndarray) -> np.ndarray:
    """Slopes (fields x cells) of the shares' changes `dy` on the fields' changes `dx`, the nearest trials weighing most."""
    d = np.sqrt((dx ** 2).sum(axis=1))
    h = max(float(np.median(d)), 1e-6)
    w = np.exp(-((d / h) ** 2))
    A = dx * w[:, None]
    return np.linalg.solve(dx.T @ A + RIDGE * np.eye(dx.shape[1]), A.T @ dy)
