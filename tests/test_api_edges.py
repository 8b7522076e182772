"""The Python API checks its input at the public edge: wrong shapes, types, indices and sides are one clear GladiatorError."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gladiator import engine
from gladiator.duel import game_for
from gladiator.errors import GladiatorError, IllegalAction

GAME = None


def _game(catalog):
    global GAME
    if GAME is None:
        GAME = game_for(catalog, "concert_hall")
    return GAME


@pytest.mark.parametrize("actions, words", [
    ([0, 0], "one action per duel"), ([[0]], "one action per duel"), ([0.5], "whole numbers"),
    (np.array([np.nan]), "whole numbers"), (["end"], "whole numbers"), ([2**70], None), ([-1], "outside the action space"),
])
def test_step_refuses_bad_actions(catalog, actions, words):
    game = _game(catalog)
    s = engine.new_duels(game, ("rouge", "viola"), [1])
    with pytest.raises(GladiatorError) as e:
        engine.step(game, s, np.asarray(actions) if not isinstance(actions, list) or actions != [2**70] else actions)
    if words:
        assert words in str(e.value)


@pytest.mark.parametrize("units, words", [
    (np.array([[0, 9]]), "roster indices"), (np.array([[0, -1]]), "roster indices"), (np.array([0, 1]), "shape"),
    (("rouge", "zed"), "unknown unit"),
])
def test_new_duels_refuses_bad_units(catalog, units, words):
    with pytest.raises(GladiatorError, match=words):
        engine.new_duels(_game(catalog), units, [1])


@pytest.mark.parametrize("side", [2, -1, np.array([0, 3])])
def test_observe_refuses_a_side_not_0_or_1(catalog, side):
    game = _game(catalog)
    s = engine.new_duels(game, ("rouge", "viola"), [1, 2])
    with pytest.raises(GladiatorError, match="side must be 0 or 1"):
        engine.observe(game, s, side)


@pytest.mark.parametrize("b, action, words", [(5, 0, "outside the batch"), (-1, 0, "outside the batch"),
                                               (0.5, 0, "whole number"), (0, "end", "whole number"), (True, 0, "whole number")])
def test_refusal_refuses_bad_indices(catalog, b, action, words):
    game = _game(catalog)
    s = engine.new_duels(game, ("rouge", "viola"), [1])
    with pytest.raises(GladiatorError, match=words):
        engine.refusal(game, s, b, action)
    with pytest.raises(GladiatorError, match=words):
        engine.explain(game, s, b, action)


def test_refusal_of_an_unknown_kind(catalog):
    game = _game(catalog)
    s = engine.new_duels(game, ("rouge", "viola"), [1])
    with pytest.raises(GladiatorError, match="unknown kind"):
        engine.refusal_of_kind(game, s, 0, "dance")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=-(2**63), max_value=2**63 - 1), min_size=1, max_size=1))
def test_any_whole_number_is_either_taken_or_refused_with_a_reason(catalog, actions):
    game = _game(catalog)
    s = engine.new_duels(game, ("rouge", "viola"), [3])
    legal = engine.legal_mask(game, s)[0]
    a = actions[0]
    if 0 <= a < game.space.n and legal[a]:
        engine.step(game, s, actions)
    else:
        with pytest.raises(IllegalAction) as e:
            engine.step(game, s, actions)
        assert str(e.value)
