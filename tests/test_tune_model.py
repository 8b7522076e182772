"""The local model of `gladiator tune`: a straight-line fit of each cell around the best, and a walk on the grid."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from gladiator.batch.tune_model import Axis, fit, propose

AXES = [Axis(0, 10, 1, True), Axis(0.5, 0.9, 0.01, False)]


def shares(x: list[float]) -> list[float]:
    """Two cells that move with the fields the way a designer's would: straight lines, one field each way."""
    a, b = x[0] / 10, (x[1] - 0.5) / 0.4
    return [0.30 + 0.40 * a - 0.10 * b, 0.60 - 0.20 * a + 0.30 * b]


def test_the_fit_recovers_straight_line_slopes() -> None:
    rng = np.random.default_rng(0)
    dx = rng.uniform(-0.3, 0.3, size=(12, 3))
    slopes = np.array([[0.4, -0.2], [-0.1, 0.3], [0.0, 0.05]])
    assert np.allclose(fit(dx, dx @ slopes), slopes, atol=1e-2)


def test_the_model_walks_from_the_base_into_the_bands() -> None:
    seen = [[0, 0.5], [2, 0.5], [0, 0.6], [1, 0.55], [3, 0.7], [1, 0.8]]
    base = [0, 0.5]  # 30% and 60%: both out of their bands
    bands = [(0.45, 0.55), (0.40, 0.50)]
    got = propose(AXES, base, shares(base), seen, [shares(s) for s in seen], bands, radius=1.0)
    assert got is not None and isinstance(got[0], int)
    for share, (lo, hi) in zip(shares(got), bands):
        assert lo - 1e-9 <= share <= hi + 1e-9, (got, shares(got))


@settings(max_examples=40, deadline=None)
@given(radius=st.floats(0.01, 1.0), a=st.integers(0, 10), b=st.integers(0, 40))
def test_a_guess_stays_in_its_box_and_on_the_grid(radius: float, a: int, b: int) -> None:
    base = [a, round(0.5 + b * 0.01, 2)]
    seen = [base, [min(10, a + 1), base[1]], [a, round(min(0.9, base[1] + 0.02), 2)], [max(0, a - 2), 0.6], [5, 0.7]]
    got = propose(AXES, base, shares(base), seen, [shares(s) for s in seen], [(0.45, 0.55), (0.40, 0.50)], radius)
    if got is None:
        return
    for ax, v, v0 in zip(AXES, got, base):
        k, k0 = ax.index(v), ax.index(v0)
        assert 0 <= k < ax.points and ax.value(k) == v
        assert abs(k - k0) <= max(1, round(radius * (ax.points - 1)))


def test_too_few_trials_or_nothing_better_gives_no_guess() -> None:
    base = [4, 0.7]
    assert propose(AXES, base, shares(base), [base, [5, 0.7]], [shares(base), shares([5, 0.7])], [(0, 1), (0, 1)], 1.0) is None
    seen = [base, [5, 0.7], [4, 0.75], [3, 0.6], [6, 0.8]]
    assert propose(AXES, base, shares(base), seen, [shares(s) for s in seen], [(0, 1), (0, 1)], 1.0) is None  # in band


def test_an_axis_counts_its_grid_points() -> None:
    assert AXES[0].points == 11 and AXES[1].points == 41
    assert AXES[1].value(AXES[1].index(0.73)) == pytest.approx(0.73)
