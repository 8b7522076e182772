"""The batch path's speed-ups agree with the straightforward computations they replace.

The engine and the greedy bot keep per-game tables (attack previews of every unit and modifier
combination, memos keyed by positions). Played over many states, they must give the same
numbers and decisions as the direct computation used for rosters and arenas too large to table.
"""

from __future__ import annotations

import numpy as np
import pytest

from gladiator import engine
from gladiator.bots import make_bot
from gladiator.catalog import load_catalog
from gladiator.duel import decide, game_for
from gladiator.rules import combat
from gladiator.rules.combat import damage, hit_terms, in_rear
from gladiator.state import DuelState

CATALOG = load_catalog()
PAIRS = (("rouge", "viola"), ("jaron", "viola"), ("jaron", "rouge"), ("nean", "jaron"))


def states(arena: str, steps: int = 60, n: int = 120, rules: int = 3):
    """Live sub-batches met while random and greedy bots play, in a freshly built game under rules `rules`."""
    game = game_for(CATALOG, arena, rules)
    bots = (make_bot("random"), make_bot("greedy"))
    for pair in PAIRS:
        s = engine.new_duels(game, pair, np.arange(n) * 3 + 1)
        for k in range(steps):
            live = np.flatnonzero(~s.done)
            if not live.size:
                break
            sub = s.take(live)
            yield game, sub
            acts = np.zeros(s.batch, dtype=np.int64)
            acts[live] = decide(game, sub, (bots[k % 2], bots[k % 2]))[0]
            s, _ = engine.step(game, s, acts)


def act(bot, game, s):  # type: ignore[no-untyped-def]
    """The bot's picks for the side to act in every duel of `s`."""
    return decide(game, s, (bot, bot))[0]


@pytest.mark.parametrize("table", [True, False], ids=["table", "direct"])
@pytest.mark.parametrize("arena", sorted(CATALOG.arenas))
def test_attack_preview_matches_the_hit_and_damage_rules(arena: str, table: bool, monkeypatch) -> None:
    if not table:
        monkeypatch.setattr(combat, "PREVIEW_TABLE_LIMIT", 0)
    for game, s in states(arena, steps=30 if table else 15):
        obs = engine.observe(game, s, s.active)
        p = engine.attack_preview(game, obs)
        t, geo = game.tables, game.geo
        wu, au, tu = obs.my_unit, obs.my_unit, obs.foe_look  # a disguise never changes the weapons
        pa, pe = obs.my_pos, obs.foe_pos
        rear = in_rear(game, pa, pe, obs.foe_facing)
        ambush = obs.my_ambush
        flags = (obs.foe_guard, obs.foe_exposed, geo.cover[pe], geo.high[pa] & ~geo.high[pe], rear,
                 geo.cheb[pa, pe] == 1, ambush)
        for slot in range(p["chance"].shape[1]):
            sl = np.full(s.batch, slot)
            valid = t.w_valid[wu, slot]
            chance = np.where(valid, hit_terms(t, wu, sl, tu, *flags)["chance"], 0.0)
            lo = damage(t, wu, sl, au, tu, t.w_low[wu, slot], rear | ambush)
            hi = damage(t, wu, sl, au, tu, t.w_high[wu, slot], rear | ambush)
            assert np.array_equal(p["chance"][:, slot], chance)
            assert np.array_equal(p["low"][:, slot], lo) and np.array_equal(p["high"][:, slot], hi)
            assert np.array_equal(p["expected"][:, slot], chance * (lo + hi) / 2.0)


@pytest.mark.parametrize("arena", sorted(CATALOG.arenas))
def test_greedy_tables_and_memos_decide_like_the_direct_path(arena: str, monkeypatch) -> None:
    from gladiator import tactics

    bot = make_bot("greedy")
    fast = [act(bot, game, s) for game, s in states(arena, steps=40)]
    monkeypatch.setattr(tactics, "MEMO_LIMIT", 0)
    monkeypatch.setattr(tactics, "STRIKE_TABLE_LIMIT", 0)
    direct = [act(bot, game, s) for game, s in states(arena, steps=40)]
    assert len(fast) == len(direct)
    for f, d in zip(fast, direct):
        assert np.array_equal(f, d)


@pytest.mark.parametrize("memo", [True, False], ids=["memo", "direct"])
@pytest.mark.parametrize("arena", sorted(CATALOG.arenas))
def test_greedy_only_chooses_legal_actions(arena: str, memo: bool, monkeypatch) -> None:
    from gladiator import tactics

    if not memo:
        monkeypatch.setattr(tactics, "MEMO_LIMIT", 0)
    bot = make_bot("greedy")
    blocked = 0
    for game, s in states(arena, steps=40):
        acts = act(bot, game, s)
        assert engine.legal_mask(game, s)[np.arange(s.batch), acts].all()
        sp, geo = game.space, game.geo
        moved = (acts >= sp.move0) & (acts < sp.leap0)
        me = s.unit[np.arange(s.batch), s.active]
        near = geo.dist[s.pos[np.arange(s.batch), s.active], s.pos[np.arange(s.batch), 1 - s.active]] < game.tables.speed[me]
        blocked += int((moved & near).sum())
    assert blocked > 0  # moves with the enemy within reach, where it can stand in the way, were chosen


def plan_numbers(game, s):  # type: ignore[no-untyped-def]
    """Every number the heuristic bot weighs in states `s` (side to act): staying, each move, each leap."""
    from gladiator.bots.heuristic import Plans

    obs = engine.observe(game, s, s.active)
    plans = Plans(game, obs, engine.legal_mask(game, s))
    stay, moves, leaps = plans.stay(), plans.moves(), plans.leaps()
    return [stay.slot, stay.strike, stay.worth, stay.extract, stay.guarded, moves.tile, moves.worth, leaps.tile, leaps.worth]


@pytest.mark.parametrize("rules", [3, 4])
@pytest.mark.parametrize("arena", sorted(CATALOG.arenas))
def test_heuristic_tables_give_the_numbers_worked_out_per_duel(arena: str, rules: int, monkeypatch) -> None:
    """The rows shared by duels with the same facts, the tile-pair offsets and the strike table: the same floats as
    working every duel out alone (so every fact a row depends on is in its code)."""
    from gladiator import tactics
    from gladiator.bots import heuristic

    fast = [plan_numbers(game, s) for game, s in states(arena, steps=30, rules=rules)]
    monkeypatch.setattr(heuristic, "TABLE_LIMIT", 0)
    monkeypatch.setattr(tactics, "STRIKE_TABLE_LIMIT", 0)
    direct = [plan_numbers(game, s) for game, s in states(arena, steps=30, rules=rules)]
    assert len(fast) == len(direct) > 10
    for f, d in zip(fast, direct):
        for a, b in zip(f, d):
            assert np.array_equal(a, b)


def test_duels_that_see_the_same_are_decided_once_and_alike(monkeypatch) -> None:
    """Deciding once per distinct view gives each duel the choice it gets alone, its own disguise look included."""
    from gladiator.bots import heuristic

    bot = make_bot("heuristic")
    mimics = 0
    for game, s in states("concert_hall", steps=30, n=30):
        again = DuelState.concat([s, s, s])
        again.counter[s.batch :] += np.repeat([1, 2], s.batch).astype(np.uint64)  # other noise, the same view
        shared = act(bot, game, again)
        with monkeypatch.context() as m:
            m.setattr(heuristic, "SHARE_MIN", 10**9)  # every duel worked out on its own
            alone = act(bot, game, again)
        assert np.array_equal(shared, alone)
        assert heuristic.distinct_views(engine.observe(game, again, again.active)) is not None
        mimic = (shared >= game.space.mimic0) & (shared < game.space.move0)
        mimics += int((mimic & (shared != np.tile(shared[: s.batch], 3))).sum())
    assert mimics > 0  # copies of one view put on different looks


@pytest.mark.parametrize("arena", sorted(CATALOG.arenas))
def test_the_check_of_a_move_reads_the_walks_the_mask_reads(arena: str) -> None:
    """Walks past the enemy read at a few tiles (the check of picks) agree with the whole rows (the mask)."""
    from gladiator.rules import legal

    game = game_for(CATALOG, arena)
    geo = game.geo
    rng = np.random.default_rng(7)
    tiles = np.flatnonzero(geo.passable)
    for speed in (2, 3, 4):
        pa = rng.choice(tiles, 3000)
        pe = rng.choice(tiles, 3000)
        near = (geo.dist[pa, pe] < speed) & (pa != pe)  # where the enemy can stand in the way
        pa, pe = pa[near], pe[near]
        asked = np.concatenate([rng.integers(0, geo.tiles, (pa.size, 6)), pa[:, None], pe[:, None]], axis=1)
        whole = legal._walks_past(game, pa, pe, speed)
        assert np.array_equal(legal._walks_past_to(game, pa, pe, speed, asked), np.take_along_axis(whole, asked, axis=1))
        assert whole.any()


def test_shared_rows_work_each_code_out_once_and_keep_every_row() -> None:
    from gladiator.tactics import SharedRows

    shared = SharedRows(1000, 3)
    worked: list[int] = []
    rng = np.random.default_rng(3)
    for _ in range(30):
        codes = rng.integers(0, 1000, size=int(rng.integers(1, 300)))

        def compute(idx: np.ndarray) -> np.ndarray:
            worked.extend(codes[idx].tolist())
            return np.stack([codes[idx] * 1.0, codes[idx] + 0.5, -codes[idx] * 2.0], axis=1)

        slot = shared.slots(codes, compute)
        got = shared.flat.reshape(-1, 3)[slot]
        assert np.array_equal(got, np.stack([codes * 1.0, codes + 0.5, -codes * 2.0], axis=1))
    assert len(worked) == len(set(worked)) == shared.count > 16  # each code once; the rows grew past their first size


@pytest.mark.parametrize("arena", sorted(CATALOG.arenas))
def test_greedy_weighs_moves_only_where_one_could_beat_striking_now(arena: str, monkeypatch) -> None:
    """Moves are left unweighed where striking now is worth the points left after a move times the best strike at any
    distance (no move can promise more): the choices are those of weighing every move, and fewer moves are weighed."""
    from gladiator import tactics

    weighed = [0]
    best_move = tactics.Tactics.best_move

    def counted(self, strike, ap, *args, **kwargs):  # type: ignore[no-untyped-def]
        weighed[0] += len(ap)
        return best_move(self, strike, ap, *args, **kwargs)

    monkeypatch.setattr(tactics.Tactics, "best_move", counted)
    bot = make_bot("greedy")
    pruned = [act(bot, game, s) for game, s in states(arena, steps=40)]
    fewer = weighed[0]
    weighed[0] = 0
    monkeypatch.setattr(tactics, "strike_best", lambda game, strike, rows: np.full(len(rows), 1e300))  # no bound (finite: 0 x inf is nan)
    every = [act(bot, game, s) for game, s in states(arena, steps=40)]
    assert len(pruned) == len(every)
    for p, e in zip(pruned, every):
        assert np.array_equal(p, e)
    assert fewer < weighed[0] / 2


@pytest.mark.parametrize("table", [True, False], ids=["table", "direct"])
def test_strike_rows_are_the_strikes_by_distance_and_their_best(table: bool, monkeypatch) -> None:
    from gladiator import tactics

    if not table:
        monkeypatch.setattr(tactics, "STRIKE_TABLE_LIMIT", 0)
    for game, s in states("concert_hall", steps=20):
        obs = engine.observe(game, s, s.active)
        for rear in (False, True):
            strike, rows = tactics.strike_rows(game, obs, rear)
            assert (strike is tactics.tactics(game).strike) == table
            by_distance = tactics.strike_by_distance(game, obs, rear)
            assert np.array_equal(strike[rows], by_distance)
            assert np.array_equal(tactics.strike_best(game, strike, rows), by_distance.max(axis=1))


@pytest.mark.parametrize("rules", [3, 4])
def test_a_step_draws_only_the_lanes_its_rolls_use_and_the_same_numbers(rules: int) -> None:
    """Attacks draw their two lanes and core extractions their one (version 4: attacks two, and moves, which may meet a
    guard's strike and charge, all four; grabs none): the step is the one all four lanes forced give."""
    from dataclasses import fields

    from gladiator import rng

    rolled = 0
    for game, s in states("concert_hall", steps=40, n=60, rules=rules):
        acts = act(make_bot("greedy"), game, s)
        drawn, _ = engine.step(game, s, acts)
        forced, _ = engine.step(game, s, acts, draws=engine.draws_for(s))
        for f in fields(s):
            assert np.array_equal(getattr(drawn, f.name), getattr(forced, f.name)), f.name
        assert np.array_equal(engine.draws_for(s, np.arange(s.batch), engine.EXTRACT_DRAWS), engine.draws_for(s)[:, 2:3])
        rolled += int((acts == engine.EXTRACT).sum()) if rules == 3 else int((drawn.may_charge < s.may_charge).sum())
    assert rolled > 0  # (version 4: charges made)
    seed, counter = np.arange(50, dtype=np.uint64) * 977, np.arange(50, dtype=np.uint64)
    whole = rng.uniforms(seed, counter, 5, stream=3)
    for first in range(5):
        assert np.array_equal(rng.uniforms(seed, counter, 5 - first, stream=3, first=first), whole[:, first:])


@pytest.mark.parametrize("rules", [3, 4])
@pytest.mark.parametrize("arena", sorted(CATALOG.arenas))
def test_the_check_of_any_pick_says_what_the_mask_says(arena: str, rules: int) -> None:
    """Every action id (and ids outside the space) in every duel of states met in play: `allows` checks each kind of
    pick on its own duels only, and must agree with the whole mask."""
    n = 0
    for game, s in states(arena, steps=12, n=40, rules=rules):
        mask = engine.legal_mask(game, s)
        for a in range(-1, game.space.n + 1):
            want = mask[:, a] if 0 <= a < game.space.n else np.zeros(s.batch, dtype=bool)
            assert np.array_equal(engine.Legal(game, s).allows(np.full(s.batch, a)), want), a
        n += 1
    assert n > 10


def test_a_batch_set_apart_by_a_few_fields_shares_no_view() -> None:
    """The heuristic bot's quick look (a few fields already differ between every two duels) never skips views it could
    share: wherever it says so, the search over every field finds no two duels alike."""
    from gladiator.bots import heuristic

    apart = shared = 0
    for game, s in states("concert_hall", steps=30, n=40):
        for batch in (s, DuelState.concat([s, s.take(np.arange(min(3, s.batch)))])):
            obs = engine.observe(game, batch, batch.active)
            if heuristic._all_apart(obs):
                apart += 1
                assert heuristic.distinct_views(obs) is None
            else:
                shared += heuristic.distinct_views(obs) is not None
    assert apart > 0 and shared > 0  # both answers came up
