"""The one play loop (`driver.Play`): refills, duels that leave before they end, forfeits, the action limit."""

from __future__ import annotations

import numpy as np
import pytest

from gladiator import engine
from gladiator.bots import make_bot
from gladiator.catalog import load_catalog
from gladiator.driver import Play, play_batch
from gladiator.duel import game_for
from gladiator.errors import GladiatorError
from gladiator.state import FORFEIT
from gladiator.rules.actions import RESOLVE
from gladiator.rules.events import ENTRIES
from gladiator.rules.legal import KINDS


@pytest.fixture(scope="module")
def game():
    return game_for(load_catalog(), "rooftops")


def test_duels_added_a_few_at_a_time_end_as_they_do_in_one_batch(game) -> None:
    bots = (make_bot("greedy"), make_bot("heuristic"))
    seeds = np.arange(40)
    whole = play_batch(game, engine.new_duels(game, ("rouge", "jaron"), seeds), bots)
    play = Play(game, bots)
    out: dict[int, tuple[int, int, int]] = {}
    added = 0
    while added < seeds.size or play.live:
        if added < seeds.size and play.live < 4:  # refill: new duels join duels half played
            k = min(3, seeds.size - added)
            left = play.add(engine.new_duels(game, ("rouge", "jaron"), seeds[added : added + k]), np.arange(added, added + k))
            added += k
        else:
            left = play.step()
        for r, w, o, t in zip(left.rows, left.state.winner, left.state.outcome, left.state.turn):
            assert int(r) not in out  # each duel leaves once
            out[int(r)] = (int(w), int(o), int(t))
    assert sorted(out) == list(range(seeds.size))
    assert [out[b] for b in range(seeds.size)] == list(zip(whole.winner.tolist(), whole.outcome.tolist(), whole.turn.tolist()))


def test_a_duel_leaves_the_play_when_until_holds_and_comes_back_as_it_was(game) -> None:
    bots = (make_bot("greedy"), make_bot("greedy"))
    s = engine.new_duels(game, ("viola", "nean"), np.arange(12))
    side = 0
    play = Play(game, bots, until=lambda w: w.active == side)
    theirs = np.flatnonzero(s.active != side)
    assert theirs.size  # the coin gave some duels to side 1 first
    left = play.add(s.take(theirs), theirs)
    steps = 0
    while play.live:
        left2 = play.step()
        s.put(left2.rows, left2.state)
        steps += 1
    s.put(left.rows, left.state)
    assert steps > 0
    assert ((s.active == side) | s.done).all()  # every duel stopped at side 0's turn, or ended


def test_a_duel_past_the_action_limit_is_an_error_not_a_hang(game) -> None:
    play = Play(game, (make_bot("greedy"), make_bot("greedy")))
    play.limit = 3
    play.add(engine.new_duels(game, ("rouge", "viola"), np.arange(4)), np.arange(4))
    with pytest.raises(GladiatorError, match="ran past the action limit"):
        for _ in range(10):
            play.step()


def test_an_illegal_pick_ends_its_duel_as_a_forfeit_with_its_reason(game) -> None:
    class Leaper:
        name = "leaper"

        def act(self, game, obs, legal):  # a leap onto tile 0, a wall: never legal
            return np.full(obs.batch, game.space.leap0, dtype=np.int64)

    reasons = np.zeros(6, dtype=np.int8)
    play = Play(game, (Leaper(), make_bot("greedy")), reasons=reasons)
    play.add(engine.new_duels(game, ("rouge", "viola"), np.arange(6)), np.arange(6))
    ended = []
    while play.live:
        ended.append(play.step())
    forfeits = np.concatenate([e.rows[e.state.outcome == FORFEIT] for e in ended])
    assert forfeits.size and (reasons[forfeits] > 0).all()


def test_every_kind_of_action_resolves_in_its_own_function_and_has_its_events() -> None:
    assert set(RESOLVE) == set(KINDS) - {"end"}
    assert set(RESOLVE) | {"cache", "destroyed", "end_turn", "hazard", "turn",
                           "grab", "let_go", "break_free", "tear_out"} == set(ENTRIES)  # (the last four: version 4's)
