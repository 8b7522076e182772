"""The ladder: Bradley-Terry ratings recover known strengths; a small ladder ranks bots as their head-to-head says."""

from __future__ import annotations

import numpy as np
import pytest

from gladiator.batch.ladder import Ladder, bradley_terry, play_ladder
from gladiator.errors import GladiatorError


def test_bradley_terry_recovers_known_strengths():
    strength = np.array([1.0, 2.0, 4.0, 8.0])
    n = 1_000_000
    games = np.full((4, 4), n) - np.diag(np.full(4, n))
    score = games * strength[:, None] / (strength[:, None] + strength[None, :])
    r = bradley_terry(score, games)
    step = 400 * np.log10(2)
    assert np.allclose(np.diff(r), step, atol=0.5) and abs(r.mean()) < 1e-9


def test_an_unbeaten_bot_still_gets_a_finite_rating_and_intervals_cover_the_fit():
    lad = Ladder.empty(["a", "b", "c"])
    lad.add("a", "b", ("x", "x"), 100, 0, 0)
    lad.add("b", "c", ("x", "x"), 60, 40, 0)
    lad.add("a", "c", ("x", "x"), 90, 5, 5)
    r, ci = lad.ratings(), lad.intervals()
    assert np.isfinite(r).all() and r[0] > r[1] > r[2]
    assert (ci[:, 0] <= r).all() and (r <= ci[:, 1]).all()
    h = lad.to_json()["head_to_head"]
    assert h["a"]["c"] == pytest.approx(0.925) and h["c"]["a"] == pytest.approx(0.075)


def test_a_small_ladder_puts_greedy_above_random(catalog):
    stored = {}
    lad = play_ladder(catalog, ["random", "greedy"], ["rouge", "viola"], "concert_hall", 40, seed=2,
                      on_cell=lambda bots, units, totals: stored.__setitem__((bots, units), totals))
    assert len(stored) == 4  # each bot plays each unit of each pairing
    r = lad.ratings()
    assert r[1] > r[0] and lad.head_to_head()[1, 0] > 0.8
    again = play_ladder(catalog, ["random", "greedy"], ["rouge", "viola"], "concert_hall", 40, seed=2,
                        done=lambda bots, units: stored[(bots, units)])  # resumed: nothing replayed
    assert np.array_equal(again.score, lad.score)
    with pytest.raises(GladiatorError, match="two different bots"):
        play_ladder(catalog, ["greedy", "greedy"], ["rouge"], "concert_hall", 10)
