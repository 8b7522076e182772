"""Batch statistics: the Wilson interval against published values, and totals that merge and count right."""

from __future__ import annotations

import numpy as np
import pytest

from gladiator.batch.stats import Totals, wilson


@pytest.mark.parametrize("k,n,lo,hi", [
    (5, 10, 0.2366, 0.7634),  # the textbook example: p = 0.5 of 10
    (0, 10, 0.0, 0.2775),
    (10, 10, 0.7225, 1.0),
    (81, 263, 0.2553, 0.3662),
    (50, 100, 0.4038, 0.5962),
])
def test_wilson_interval_matches_known_values(k: int, n: int, lo: float, hi: float) -> None:
    a, b = wilson(k, n)
    assert a == pytest.approx(lo, abs=1e-4)
    assert b == pytest.approx(hi, abs=1e-4)


def test_wilson_interval_of_no_duels_is_everything() -> None:
    assert wilson(0, 0) == (0.0, 1.0)


def test_wilson_interval_narrows_with_more_duels() -> None:
    w1 = wilson(50, 100)
    w2 = wilson(5000, 10000)
    assert w2[1] - w2[0] < (w1[1] - w1[0]) / 5


def _totals(winner_named, winner_side, outcome, turns, first, actions) -> Totals:
    return Totals.from_duels(*(np.array(x) for x in (winner_named, winner_side, outcome, turns, first, actions)))


def test_totals_count_wins_outcomes_lengths_and_first_mover() -> None:
    t = _totals([0, 1, -1, 0], [0, 0, -1, 1], [1, 2, 4, 3], [5, 7, 80, 5], [0, 1, 0, 1], [10, 20, 30, 40])
    assert t.n == 4 and t.wins == [2, 1] and t.draws == 1
    assert t.outcomes == {"destroyed": 1, "core_extracted": 1, "shutdown": 1, "draw": 1, "forfeit": 0}
    assert t.side_wins == [2, 1]
    assert t.first_wins == 2  # duels 0 and 3: the winner moved first
    assert t.mean_turns() == pytest.approx((5 + 7 + 80 + 5) / 4)
    assert t.median_turns() == 6.0
    assert t.actions == 100
    assert sum(c for _, _, c in t.histogram()) == 4


def test_totals_merge_in_any_order_to_the_same_counts() -> None:
    a = _totals([0, 1], [0, 1], [1, 1], [3, 9], [0, 0], [1, 1])
    b = _totals([-1], [-1], [4], [80], [1], [5])
    c = _totals([0, 1, -1], [0, 1, -1], [1, 1, 4], [3, 9, 80], [0, 0, 1], [1, 1, 5])
    assert Totals().add(a).add(b) == c
    assert Totals().add(b).add(a) == c
    assert Totals.from_json(c.to_json()) == c
    assert Totals().add(a) != c
