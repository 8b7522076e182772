"""The batch engine's speed-ups give the numbers of the plain computations they replace (the greedy bot's batch path).

The draws' regrouped formula, the best strike and the usable slots read from tables, a state handed over to
`step`, observations without noise for bots that never read it, counts into a tally of either layout: each is
checked here against the straightforward version, over many states of real play.
"""

from __future__ import annotations

import numpy as np
import pytest

from gladiator import engine, rng
from gladiator.rules import combat
from gladiator.bots import make_bot
from gladiator.bots.greedy import GreedyBot
from gladiator.bots.restricted import RestrictedBot
from gladiator.catalog import load_catalog
from gladiator.duel import game_for
from gladiator.driver import decide
from gladiator.game import EXTRACT
from gladiator.state import EventCount

CATALOG = load_catalog()


def played(arena: str, pair: tuple[str, str], n: int = 64, steps: int = 40):
    """(game, state) at each step of greedy against random play, finished duels dropped."""
    game = game_for(CATALOG, arena)
    bots = (make_bot("greedy"), make_bot("random"))
    s = engine.new_duels(game, pair, np.arange(n) * 7 + 3)
    for k in range(steps):
        s = s.take(np.flatnonzero(~s.done))
        if not s.batch:
            return
        yield game, s
        s, _ = engine.step(game, s, decide(game, s, (bots[k % 2], bots[k % 2]))[0])


def test_draws_are_the_splitmix_of_seed_counter_and_lane() -> None:
    """uniforms(seed, counter, n, stream, first)[b, j] = mix64((counter * LANES + first + j) * GOLDEN + key) >> 11, scaled,
    with key = mix64(seed ^ the stream's key): the regrouped arithmetic gives those bits exactly."""
    gen = np.random.default_rng(5)
    seeds = np.concatenate([np.array([0, 2**63 - 1], dtype=np.uint64), gen.integers(0, 2**63 - 1, 200).astype(np.uint64)])
    counters = np.concatenate([np.array([0, 2**64 - 1], dtype=np.uint64), gen.integers(0, 2**40, 200).astype(np.uint64)])
    with np.errstate(over="ignore"):
        for stream in (0, 1, 2, 9):
            key = rng.mix64(seeds ^ rng._stream_key(stream))
            for n, first in ((1, 0), (3, 0), (2, 1), (1, 2), (16, 0)):
                lane = np.arange(first, first + n, dtype=np.uint64)[None, :]
                x = (counters[:, None] * rng.LANES + lane) * rng.GOLDEN + key[:, None]
                want = (rng.mix64(x) >> np.uint64(11)).astype(np.float64) / float(1 << 53)
                assert np.array_equal(rng.uniforms(seeds, counters, n, stream=stream, first=first), want)


@pytest.mark.parametrize("table", [True, False], ids=["table", "direct"])
def test_the_best_strike_is_the_previews_best_usable_slot(table: bool, monkeypatch) -> None:
    if not table:
        monkeypatch.setattr(combat, "PREVIEW_TABLE_LIMIT", 0)
    seen = 0
    for game, s in played("rooftops", ("jaron", "viola")):
        obs = engine.observe(game, s, s.active)
        p = engine.attack_preview(game, obs)
        exp = np.where(p["usable"], p["expected"], -1.0)
        slot, value = engine.best_strike(game, obs)
        assert np.array_equal(slot, np.argmax(exp, axis=1)) and np.array_equal(value, exp.max(axis=1))
        seen += int((value > 0).sum())
    assert seen > 0  # some slots could fire


@pytest.mark.parametrize("arena", ["concert_hall", "nectar_depot"])
def test_a_state_handed_to_step_steps_as_a_copy_would(arena: str) -> None:
    """step(..., handed=True) changes the state it is given and returns it, with the values and the tally of a copy."""
    bot = make_bot("greedy")
    for game, s in played(arena, ("rouge", "viola"), n=48, steps=30):
        acts = decide(game, s, (bot, bot))[0]
        t1, t2 = engine.new_tally(game, s.batch), engine.new_tally(game, s.batch)
        want, _ = engine.step(game, s, acts, tally=t1)
        mine = s.copy()
        got, _ = engine.step(game, mine, acts, tally=t2, handed=True)
        assert got is mine
        assert all(np.array_equal(getattr(got, f), getattr(want, f)) for f in vars(want))
        assert np.array_equal(t1, t2)


def test_a_bot_that_reads_no_noise_gets_none_and_plays_the_same(monkeypatch) -> None:
    game = game_for(CATALOG, "open_field")
    s = engine.new_duels(game, ("rouge", "jaron"), np.arange(40))
    assert engine.observe(game, s, s.active, noise=False).noise.shape == (40, 0)
    handed = []

    class Drawing(GreedyBot):
        uses_noise = True

        def act(self, game, obs, legal):  # type: ignore[no-untyped-def]
            handed.append(obs.noise.shape[1])
            return super().act(game, obs, legal)

    plain, drawing = make_bot("greedy"), Drawing()
    for _ in range(25):
        s = s.take(np.flatnonzero(~s.done))
        if not s.batch:
            break
        a = decide(game, s, (plain, plain))[0]
        assert np.array_equal(a, decide(game, s, (drawing, drawing))[0])
        assert np.array_equal(a, decide(game, s, (plain, drawing))[0])  # one bot reading noise: drawn for both
        s, _ = engine.step(game, s, a)
    assert handed and set(handed) == {engine.NOISE_LANES}


@pytest.mark.parametrize("order", ["C", "F"])
def test_a_count_of_some_events_adds_where_they_happened(order: str) -> None:
    tally = np.zeros((4, 2, 3), dtype=np.int32, order=order)
    count = EventCount(tally, np.array([3, 1, 0]))
    count(np.array([0, 1, 2]), np.array([1, 0, 1]), 2, np.array([True, False, True]))
    count(np.array([0, 2]), np.array([1, 1]), np.array([0, 1]), np.array([True, True]))
    want = np.zeros_like(tally)
    want[3, 1, 2] = want[0, 1, 2] = want[3, 1, 0] = want[0, 1, 1] = 1
    assert np.array_equal(tally, want)


def test_usable_slots_as_bits_are_the_usable_slots() -> None:
    """slots_in_reach_bits gives slots_in_reach's answer bit by bit, at every Nectar level from none to past every cost."""
    from gladiator.rules.legal import slots_in_reach, slots_in_reach_bits

    gen = np.random.default_rng(3)
    checked = 0
    for game, s in played("concert_hall", ("viola", "rouge"), n=48, steps=25):
        obs = engine.observe(game, s, s.active)
        nectar = gen.integers(-1, int(game.tables.w_nectar.max()) + 4, obs.batch)
        done = gen.random(obs.batch) < 0.2
        want = slots_in_reach(game, obs.my_unit, obs.my_pos, obs.foe_pos, nectar, done)
        got = slots_in_reach_bits(game, obs.my_unit, obs.my_pos, obs.foe_pos, nectar, done)
        assert np.array_equal((got[:, None] >> np.arange(want.shape[1])) & 1 == 1, want)
        checked += int(want.sum())
    assert checked > 0


@pytest.mark.parametrize("whole_rows", [True, False])
def test_the_legal_mask_of_some_duels_is_the_mask_of_those_duels_copied_out(whole_rows: bool, monkeypatch) -> None:
    """legal_mask read from the batch for duels `idx` (as a bot's Legal.take builds it), with the walks past the enemy
    read as whole rows or from their window round the unit, is the mask of those duels taken out, and every move and
    leap it allows is one `allows` accepts."""
    from gladiator.rules import legal

    if not whole_rows:
        monkeypatch.setattr(legal, "PAST_ENEMY_LIMIT", 1_000_000)  # too small for whole rows (216 tiles), not for windows
    gen = np.random.default_rng(5)
    moves = 0
    for arena in ("concert_hall", "rooftops"):
        for game, s in played(arena, ("rouge", "viola"), n=48, steps=30):
            idx = np.sort(gen.choice(s.batch, size=max(1, s.batch // 2), replace=False))
            want = engine.legal_mask(game, s.take(idx))
            assert np.array_equal(engine.legal_mask(game, s, idx), want)
            assert np.array_equal(engine.Legal(game, s).take(idx).mask, want)
            b, a = np.nonzero(want[:, game.space.move0 :])
            sub = s.take(idx[b])
            assert engine.Legal(game, sub).allows(a + game.space.move0).all()
            moves += b.size
    assert moves > 0


@pytest.mark.parametrize("names", [("greedy:without=leap", "greedy:without=guard"), ("greedy", "heuristic"),
                                   ("greedy", "greedy:without=leap"), ("random", "random")])
def test_the_drivers_check_reads_the_mask_a_bot_built_and_the_rules_elsewhere(names: tuple[str, str]) -> None:
    """The driver checks each pick with its own legal actions: from the mask a bot's question built (the heuristic bot
    reads it, a plugin's sealed copy is made from it), or by the rules where none was built (greedy reads none, a
    restricted bot its own narrowed copy); either way it refuses what the rules refuse, for both sides' duels
    interleaved in one batch."""
    bots = (make_bot(names[0]), make_bot(names[1]))
    checked = 0
    for game, s in played("rooftops", ("rouge", "jaron"), n=48, steps=30):
        if not (s.active == 0).any() or not (s.active == 1).any():
            continue
        acts, bad, _ = decide(game, s, bots, forfeit=True)
        assert bad.size == 0  # every bot here picks only legal actions
        wrong = acts.copy()
        b = np.flatnonzero(~engine.Legal(game, s).mask[:, EXTRACT])  # duels where no core may be torn out now
        wrong[b] = EXTRACT
        rigged = [type("Rigged", (), {"name": "rigged", "act": lambda self, g, o, l, side=side: wrong[s.active == side]})()
                  for side in (0, 1)]
        # asked through their seats (the driver's mask built for the sealed copy), or under a restricted bot (none built)
        for pair in (rigged, [RestrictedBot(r, ("aria_cannon",), "rigged:without=aria_cannon") for r in rigged]):
            _, bad, codes = decide(game, s, pair, forfeit=True)
            assert bad.tolist() == b.tolist() and (codes != 0).all()
        checked += 1
    assert checked >= 5
