"""The engine's event tally (what the batch runner counts) agrees with its events, duel by duel and side by side."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from gladiator import engine
from gladiator.batch import make_spec, run
from gladiator.bots import make_bot
from gladiator.duel import decide, game_for
from gladiator.state import EVENT_KINDS

SIMPLE = {"move": "move", "leap": "leap", "guard": "guard", "vent": "vent", "inject": "inject", "mimic": "mimic",
          "cache": "cache_taken", "hazard": "hazard_turn"}


def _from_events(ev: dict) -> list[str]:
    """The tally columns one event counts in."""
    kind = ev["event"]
    if kind in SIMPLE:
        return [SIMPLE[kind]] + ([f"mimic_as:{ev['as']}"] if kind == "mimic" else [])
    if kind == "attack":
        return ["attack", f"weapon:{ev['weapon']}"] + ["rear_attack"] * ev["rear"] + ["hit"] * ev["hit"]
    if kind == "extract":
        return ["extract_attempt"] + ["extract_success"] * ev["success"]
    if kind == "turn" and ev["overheat_damage"] > 0:
        return ["overheated_turn"]
    return []


def _picks(game, s, players) -> np.ndarray:
    """One action per duel of `s`: the bots' for the live duels, END (0) for the finished ones."""
    live = np.flatnonzero(~s.done)
    acts = np.zeros(s.batch, dtype=np.int64)
    acts[live] = decide(game, s.take(live), players)[0]
    return acts


@pytest.mark.parametrize("arena, units, bots", [
    ("concert_hall", ("jaron", "rouge"), ("greedy", "random")),
    ("nectar_depot", ("viola", "jaron"), ("random", "greedy")),
    ("rooftops", ("rouge", "viola"), ("random", "random")),
])
def test_the_tally_counts_what_the_events_say(catalog, arena, units, bots):
    game = game_for(catalog, arena)
    players = tuple(make_bot(b) for b in bots)
    s = engine.new_duels(game, units, np.arange(40) + 7)
    tally = engine.new_tally(game, s.batch)
    counted = [[Counter(), Counter()] for _ in range(s.batch)]
    columns = engine.tally_columns(game)
    for _ in range(3000):
        if s.done.all():
            break
        acts = _picks(game, s, players)
        s, log = engine.step(game, s, acts, events=True, tally=tally)
        for b, evs in enumerate(log):
            for ev in evs:
                for name in _from_events(ev):
                    counted[b][ev["side"]][name] += 1
    assert s.done.all()
    seen = Counter()
    for b in range(s.batch):
        for side in (0, 1):
            got = Counter()
            for name, n in zip(columns, tally[b, side]):
                if n:
                    got[name.split("#")[0]] += int(n)
            assert got == counted[b][side], (b, side)
            seen.update(got)
    assert seen["attack"] > 0 and seen["move"] > 0  # the comparison compared something


def test_batch_totals_give_each_named_unit_its_own_events(catalog):
    spec = make_spec(catalog, ("viola", "jaron"), "concert_hall", 300, 4, ("heuristic", "heuristic"))
    t = run(spec, workers=1)
    viola, jaron = t.event_counts(0), t.event_counts(1)
    assert set(viola["events"]) == set(EVENT_KINDS) == set(jaron["duels_with"])
    assert set(viola["weapon_use"]) <= {"aria_cannon", "flame_chorus", "heel_spike"}  # a suit fights with its own weapons
    assert set(jaron["weapon_use"]) <= {"card_blades", "jester_claw"}
    assert viola["mimic_as"] == {} and sum(jaron["mimic_as"].values()) == jaron["events"]["mimic"] > 0
    assert viola["events"]["extract_attempt"] == jaron["events"]["extract_attempt"] == 0  # neither can extract
    for side in (viola, jaron):
        assert sum(side["weapon_use"].values()) == side["events"]["attack"]
        for kind in EVENT_KINDS:
            assert side["duels_with"][kind] <= min(300, side["events"][kind])
    again = run(spec, workers=2, batch_size=97)
    assert again == t  # the tally, like every count, is the same however the run is spread


def test_a_large_tally_counts_every_column_as_a_small_one_does(catalog):
    """A tally of tens of thousands of duels (a batch chunk's) counts each event where one of a few duels does: the
    columns computed from a suit's index (mimic as) reach past what a 16-bit number holds once a column is that far
    apart in memory (a chunk of Jaron's duels stopped with an OverflowError)."""
    game = game_for(catalog, "concert_hall")
    players = (make_bot("random"), make_bot("random"))
    s = engine.new_duels(game, ("jaron", "nean"), np.arange(24) + 3)
    big_rows = 40_000 - s.batch + np.arange(s.batch)  # the last rows of a chunk-sized tally
    small, big = engine.new_tally(game, s.batch), engine.new_tally(game, 40_000)
    for _ in range(3000):
        if s.done.all():
            break
        acts = _picks(game, s, players)
        engine.step(game, s.copy(), acts, tally=small)
        s, _ = engine.step(game, s, acts, tally=big, tally_rows=big_rows)
    columns = engine.tally_columns(game)
    assert (big[big_rows] == small).all() and big.sum() == small.sum()
    assert small[:, :, [c.startswith("mimic_as:") for c in columns]].sum() > 0  # the columns that overflowed are counted
