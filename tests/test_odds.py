"""Win odds from a position, against answers known exactly."""

from __future__ import annotations

import numpy as np
import pytest

from gladiator import engine
from gladiator.bots import make_bot
from gladiator.duel import game_for
from gladiator.errors import GladiatorError
from gladiator.game import END, EXTRACT
from gladiator.odds import estimate


class Extractor:
    """Tears out the core whenever it may, else ends its turn."""

    name = "extractor"

    def act(self, game, obs, legal):  # type: ignore[no-untyped-def]
        return np.where(legal.mask[:, EXTRACT], EXTRACT, END)


class Idle:
    """Ends its turn."""

    name = "idle"

    def act(self, game, obs, legal):  # type: ignore[no-untyped-def]
        return np.full(obs.batch, END)


def _sigma(p: float, n: int) -> float:
    """Standard deviation of a share of n draws with chance p."""
    return (p * (1 - p) / n) ** 0.5


@pytest.mark.parametrize("agility", [0, 4, 8])
def test_the_last_turn_of_a_duel_has_the_odds_of_its_one_extraction(unit, duel, at, agility):
    alpha = unit("alpha", abilities=("core_extraction",), agility=agility)
    game, s = duel(alpha, unit("beta"), "A.B\n...", turn_limit=9)
    s.pos[0] = (at(game, 0, 0), at(game, 1, 0))
    s.facing[0, 1] = 6  # Beta faces west, towards Alpha: no rear arc
    s.integrity[0, 1] = 30  # badly damaged: open to extraction
    s.turn[0] = 9  # the last turn: one try, then a draw
    odds = float(engine.extraction_preview(game, s)[0])  # the rules' odds of one try
    assert 0.2 < odds < 0.95
    got = estimate(game, s, (Extractor(), Idle()), rollouts=20_000, seed=3)
    assert abs(got.win[0] - odds) < 4 * _sigma(odds, 20_000) and got.win[1] == 0 and got.draw == pytest.approx(1 - got.win[0])
    assert got.to_json()["outcomes"]["A"]["core_extracted"] == pytest.approx(got.win[0])


def test_two_tries_compound_as_the_closed_form_says(unit, duel, at):
    alpha = unit("alpha", abilities=("core_extraction",), agility=4)
    game, s = duel(alpha, unit("beta"), "A.B\n...", turn_limit=9)
    s.pos[0] = (at(game, 0, 0), at(game, 1, 0))
    s.facing[0, 1] = 6
    s.integrity[0, 1] = 10
    s.turn[0] = 7  # Alpha's turns 7 and 9
    one = float(engine.extraction_preview(game, s)[0])
    got = estimate(game, s, (Extractor(), Idle()), rollouts=20_000, seed=4)
    p = 1 - (1 - one) ** 2
    assert abs(got.win[0] - p) < 4 * _sigma(p, 20_000)
    lo, hi = got.intervals()["A"]
    assert lo < got.win[0] < hi and hi - lo < 0.02


def test_odds_from_a_side_that_sees_a_disguise(catalog):
    game = game_for(catalog, "concert_hall")
    s = engine.new_duels(game, ("jaron", "viola"), [5], disguise=("rouge", None))
    bots = (make_bot("greedy"), make_bot("greedy"))
    truth = estimate(game, s, bots, rollouts=400, seed=1)
    seen = estimate(game, s, bots, rollouts=400, seed=1, from_side=1)
    assert truth.rollouts == seen.rollouts == 400
    assert sum(truth.wins) + truth.draws == 400 and sum(seen.wins) + seen.draws == 400
    assert truth.wins != seen.wins  # half of Viola's continuations face a real Rouge


@pytest.mark.parametrize("kwargs, words", [({"rollouts": 0}, "rollouts"), ({"rollouts": 2.5}, "rollouts"),
                                           ({"from_side": 2}, "from_side"), ({"b": 3}, "outside the batch")])
def test_bad_odds_requests_are_refused(catalog, kwargs, words):
    game = game_for(catalog, "concert_hall")
    s = engine.new_duels(game, ("rouge", "viola"), [1])
    with pytest.raises(GladiatorError, match=words):
        estimate(game, s, (make_bot("greedy"), make_bot("greedy")), **kwargs)
