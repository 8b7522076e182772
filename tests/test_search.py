"""The search bot: legal, within its budget, fair under a disguise, and its options checked."""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pytest

from gladiator import engine
from gladiator.bots import make_bot
from gladiator.bots.search import SearchBot
from gladiator.duel import decide, game_for, play_batch
from gladiator.errors import GladiatorError


def test_the_search_bot_plays_legally_to_the_end(catalog):
    game = game_for(catalog, "rooftops")
    units = np.array([[game.unit_index(a), game.unit_index(b)] for a, b in (("rouge", "viola"), ("jaron", "rouge"))])
    s = engine.new_duels(game, np.repeat(units, 2, axis=0), np.arange(4) + 5, disguise=np.array([[-1, -1], [-1, -1], [game.unit_index("viola"), -1], [-1, -1]]))
    final = play_batch(game, s, (make_bot("search:budget=16"), make_bot("random")))
    assert final.done.all() and (final.outcome != 5).all()  # decide() raises on any illegal pick


def test_the_budget_bounds_the_continuations(catalog, monkeypatch):
    game = game_for(catalog, "concert_hall")
    s = engine.new_duels(game, ("rouge", "viola"), [3, 4, 5])
    played = []
    import gladiator.bots.search as search

    real = search._play_out
    monkeypatch.setattr(search, "_play_out", lambda g, st, bot: played.append(st.batch) or real(g, st, bot))
    bot = SearchBot(budget=40)
    decide(game, s, (bot, bot))
    per_duel = sum(played) / s.batch
    assert 0 < per_duel <= 40


@pytest.mark.parametrize("name, rollout", [("search:budget=8", "heuristic"), ("search:budget=8,rollout=greedy", "greedy"),
                                           ("search:budget=8,rollout=heuristic", "heuristic")])
def test_the_continuations_are_played_by_the_rollout_bot(catalog, monkeypatch, name, rollout):
    game = game_for(catalog, "concert_hall")
    s = engine.new_duels(game, ("rouge", "viola"), [3, 4])
    used = []
    import gladiator.bots.search as search

    real = search._play_out
    monkeypatch.setattr(search, "_play_out", lambda g, st, bot: used.append(bot.name) or real(g, st, bot))
    bot = make_bot(name)
    decide(game, s, (bot, bot))
    assert used and set(used) == {rollout}, used


def test_the_search_bot_does_not_see_through_a_disguise(catalog):
    game = game_for(catalog, "concert_hall")
    s = engine.new_duels(game, ("jaron", "viola"), np.arange(3) + 20, disguise=("rouge", None))
    s.active[:] = 1  # Viola decides, facing a Jaron that looks like Rouge
    s.ap[:] = 2
    hidden = s.copy()
    hidden.doses[:, 0] = 0
    rouge = engine.new_duels(game, ("rouge", "viola"), np.arange(3) + 20)  # ... or Rouge herself, the same to Viola's eyes
    rouge.active[:], rouge.ap[:], rouge.first[:] = 1, 2, s.first
    seen, seen_rouge = engine.observe(game, s, 1), engine.observe(game, rouge, 1)
    for f in fields(seen):
        if f.name != "noise":
            assert np.array_equal(getattr(seen, f.name), getattr(seen_rouge, f.name)), f.name
    bot = make_bot("search:budget=24")
    a = decide(game, s, (bot, bot))[0]
    assert np.array_equal(a, decide(game, hidden, (bot, bot))[0])
    assert np.array_equal(a, decide(game, rouge, (bot, bot))[0])


@pytest.mark.parametrize("name, words", [
    ("search:budget=0", "from 1 to 100,000"), ("search:time=-1", "above 0"), ("search:time=abc", "above 0"),
    ("search:time=nan", "finite number"), ("search:budget=1000000000000", "from 1 to 100,000, got 1000000000000"),
    ("search:time=1e9", "at most 600"), ("search:budget=" + "9" * 5000, "5,000 characters long"),
    ("search:budget=8,budget=16", "option 'budget' is given twice"), ("search:budget=2,time=1", "not both"), ("search:depth=3", "known options: budget, time"),
    ("search:rollout=random", "rollout must be one of heuristic, greedy"), ("search:rollout=1", "rollout must be one of"),
])
def test_bad_search_options_are_one_line(cli, name, words):
    code, out, err = cli("duel", "rouge", "viola", "--bot-a", name)
    assert code == 2 and words in err and len(err.strip().splitlines()) == 1, err


def test_a_determinised_state_shows_the_side_what_it_saw(catalog):
    game = game_for(catalog, "concert_hall")
    rng = np.random.default_rng(8)
    s = engine.new_duels(game, ("jaron", "viola"), np.arange(50), disguise=np.array([[2, -1]] * 25 + [[-1, -1]] * 25))
    s.integrity[:, 0] = rng.integers(1, 73, 50)
    s.heat[:, 0] = rng.integers(0, 30, 50)
    s.nectar[:, 0] = rng.integers(1, 19, 50)
    obs = engine.observe(game, s, 1)
    possible = engine.identities(game, obs)
    assert possible[:25, game.unit_index("jaron")].all() and possible[:25, game.unit_index("rouge")].all()
    for identity in np.flatnonzero(possible.all(axis=0)):
        d = engine.determinize(game, obs, np.full(50, identity), np.arange(50))
        again = engine.observe(game, d, 1)
        for name in ("foe_look", "foe_pos", "foe_integrity", "foe_heat", "foe_nectar", "my_unit", "my_integrity", "ap"):
            assert np.array_equal(getattr(again, name), getattr(obs, name)), name
    with pytest.raises(GladiatorError, match="identities"):
        engine.determinize(game, obs, np.full(50, game.unit_index("viola")), np.arange(50))
