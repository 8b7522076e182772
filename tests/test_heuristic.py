"""The heuristic bot: legal everywhere, fair (it reads only its side's view), and stronger than greedy."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gladiator import engine
from gladiator.batch import make_spec, run
from gladiator.bots import make_bot
from gladiator.duel import decide, game_for, play_batch
from gladiator.game import ATTACK0, END, GUARD, VENT, W, make_game
from gladiator.state import DuelState

SCENARIO_WEIGHTS = Path(__file__).resolve().parent / "heuristic_scenario_weights.yaml"
SCENARIO = f"heuristic:weights={SCENARIO_WEIGHTS}"  # the bot of the scenario tests: weights that stay put when the shipped ones are re-fitted

PAIRS = (("rouge", "viola"), ("jaron", "rouge"), ("viola", "jaron"), ("nean", "jaron"))


@pytest.mark.parametrize("arena", ["concert_hall", "rooftops", "nectar_depot", "open_field"])
def test_the_heuristic_bot_plays_every_pairing_to_the_end_legally(catalog, arena):
    game = game_for(catalog, arena)
    units = np.array([[game.unit_index(a), game.unit_index(b)] for a, b in PAIRS])
    s = engine.new_duels(game, np.repeat(units, 6, axis=0), np.arange(6 * len(PAIRS)) + 40)
    # decide() raises IllegalAction on any illegal pick: playing to the end is the check
    final = play_batch(game, s, (make_bot("heuristic"), make_bot("random")))
    assert final.done.all() and (final.outcome != 5).all()
    final = play_batch(game, s, (make_bot("greedy"), make_bot("heuristic")))
    assert final.done.all() and (final.outcome != 5).all()


def test_the_heuristic_bot_does_not_see_through_a_disguise(catalog):
    """Two duels that differ only in what a disguise hides get the same decisions from the other side."""
    game = game_for(catalog, "concert_hall")
    jaron, rouge = game.unit_index("jaron"), game.unit_index("rouge")
    bot = make_bot("heuristic")
    true = catalog.unit("jaron")
    weapons = [w.model_copy(update={"accuracy": 0.3, "range": 2}) for w in true.weapons]
    stats = true.stats.model_copy(update={"armor": 9, "agility": 1, "firepower": 7})
    disguised = true.model_copy(update={"stats": stats, "weapons": weapons})
    other = make_game([disguised if u.id == "jaron" else u for u in game.roster], game.arena)
    s = engine.new_duels(game, ("jaron", "viola"), np.arange(64), disguise=("rouge", None))
    rng = np.random.default_rng(3)
    tiles = np.flatnonzero(game.geo.passable)
    checked = 0
    for _ in range(6):
        s.pos[:] = rng.choice(tiles, size=(s.batch, 2))
        same = s.pos[:, 0] == s.pos[:, 1]
        s.pos[same, 1] = game.geo.spawns[1] if game.geo.spawns[1] not in s.pos[same, 0] else game.geo.spawns[0]
        s.active[:] = 1  # Viola decides, facing a Jaron that looks like Rouge
        s.ap[:] = 2
        hidden = s.copy()
        hidden.doses[:, 0] = 0  # hidden facts: doses, disguise turns left ...
        hidden.disguise_turns[:, 0] = 1
        a = decide(game, s, (bot, bot))[0]
        b = decide(game, hidden, (bot, bot))[0]
        assert np.array_equal(a, b)
        assert engine.observe(game, s, 1).same_as(engine.observe(game, hidden, 1))
        # ... and Jaron's true stats and weapons, in a game where he is another suit underneath
        c = decide(other, s, (bot, bot))[0]
        assert np.array_equal(a, c)
        assert engine.observe(game, s, 1).same_as(engine.observe(other, s, 1))
        checked += s.batch
        spectator = engine.observe(game, s, 1, spectator=True)
        assert (spectator.foe_look == jaron).all() and (engine.observe(game, s, 1).foe_look == rouge).all()
    assert checked > 0


@pytest.mark.parametrize("unit", ["jaron", "rouge", "viola", "nean"])
def test_the_heuristic_bot_beats_greedy_in_mirror_matches(catalog, unit):
    total = run(make_spec(catalog, (unit, unit), "concert_hall", 240, 1, ("heuristic", "greedy")), workers=1)
    assert total.wins[0] > total.wins[1], total.wins


@pytest.mark.parametrize("heat, vents", [(30, True), (0, False)])
def test_the_heuristic_bot_vents_first_when_the_heat_it_sheds_buys_more_shots(catalog, at, heat, vents):
    """Viola in cover at her heat capacity, the enemy within cannon range: one shot fits her heat, but a vent (one
    point, 12 heat) leaves two; cold, she fires at once."""
    game = game_for(catalog, "concert_hall")
    s = engine.new_duels(game, ("viola", "viola"), [3])
    s.active[:] = 0
    s.ap[:] = 3
    s.pos[0] = [at(game, 4, 2), at(game, 9, 4)]
    s.heat[0] = [heat, 0]
    act = int(decide(game, s, (make_bot(SCENARIO), make_bot(SCENARIO)))[0][0])
    assert (act == VENT) == vents, act
    if not vents:
        assert ATTACK0 <= act < ATTACK0 + W, act


@pytest.mark.parametrize("foe, integrity, x, caught", [
    ("rouge", 30, 8, True),  # hurt, and within the enemy's leap reach plus the tile it lands on
    ("rouge", 30, 12, False),  # hurt, but out of it
    ("rouge", 50, 8, False),  # within it, but whole: the odds of a front extraction on a fresh suit are low
    ("viola", 30, 8, False),  # an enemy that cannot leap catches nobody
])
def test_the_heuristic_bot_fears_a_leaper_that_can_catch_it(catalog, at, foe, integrity, x, caught):
    """A hurt Rouge weighs ending her turn where the enemy could leap beside her and tear out her core: the tile's
    reply counts that extraction exactly when the enemy can leap there with the points for it."""
    from gladiator.bots import heuristic

    def threat(catch_hurt: float) -> float:
        base = game_for(catalog, "concert_hall")
        game = make_game(list(base.roster), base.arena)  # a fresh game: the bot keeps its rows on the game
        s = engine.new_duels(game, ("rouge", foe), [3])
        s.active[:] = 0
        s.ap[:] = 3
        s.pos[0] = [at(game, x, 5), at(game, 3, 5)]
        s.integrity[0, 0] = integrity
        obs = engine.observe(game, s, 0)
        plans = heuristic.Plans(game, obs, engine.legal_mask(game, s), weighed(catch_hurt=catch_hurt))
        return float(plans.threat_at(heuristic._Spots(plans, obs.my_pos[:, None].astype(np.int64)))[0, 0])

    with_catch, without = threat(0.8), threat(0.0)
    assert (with_catch > without) == caught, (with_catch, without)
    assert with_catch >= without


def test_the_heuristic_bot_strikes_first_and_then_steps_away(catalog, at):
    """Jaron on the stage with Rouge four tiles off: he throws his card blades now and keeps the last point to step
    out of her reach; without the strike-and-step plan he would walk first."""
    game = game_for(catalog, "concert_hall")
    s = engine.new_duels(game, ("jaron", "rouge"), [1])
    s.active[:] = 0
    s.ap[:] = 3
    s.pos[0] = [at(game, 7, 5), at(game, 3, 9)]
    s.facing[0] = [5, 1]
    bots = (make_bot(SCENARIO), make_bot("greedy"))
    first = int(decide(game, s, bots)[0][0])
    assert ATTACK0 <= first < ATTACK0 + W, first
    sp, picks = game.space, [first]
    after, _ = engine.step(game, s, [first], events=False)
    while after.active[0] == 0 and not after.done[0]:  # the rest of its turn: strikes, a disguise, then the step
        picks.append(int(decide(game, after, bots)[0][0]))
        after, _ = engine.step(game, after, [picks[-1]], events=False)
    moves = [i for i, a in enumerate(picks) if sp.move0 <= a < sp.move0 + game.geo.tiles]
    strikes = [i for i, a in enumerate(picks) if ATTACK0 <= a < ATTACK0 + W]
    assert moves and strikes and max(strikes) < min(moves), picks
    walk = int(decide(game, s, (make_bot(f"{SCENARIO},run_margin=100"), bots[1]))[0][0])  # no strike then step is worth that
    assert not ATTACK0 <= walk < ATTACK0 + W, walk


@pytest.mark.parametrize("foe", ["viola", "rouge", "nean"])
def test_the_heuristic_bot_gives_up_a_shot_for_a_disguise_that_lasts(catalog, at, foe):
    """Jaron five tiles from an enemy in cover (unseen at that distance): he throws his card blades with all but his
    last point and ends the turn standing in a disguise, for next turn's ambush. He never puts one on and throws it off
    with an attack in the same turn; with no worth in a disguise he gives no point up standing still for one."""
    game = game_for(catalog, "concert_hall")
    sp = game.space

    def turn(bot: str = SCENARIO) -> tuple[list[int], DuelState]:
        s = engine.new_duels(game, ("jaron", foe), [1])
        s.active[:] = 0
        s.ap[:] = 3
        s.pos[0] = [at(game, 9, 2), at(game, 4, 2)]
        return _first_turn(game, s, bot)

    picks, s = turn()
    mimic = [i for i, a in enumerate(picks) if sp.mimic0 <= a < sp.move0]
    strikes = [i for i, a in enumerate(picks) if ATTACK0 <= a < ATTACK0 + W]
    assert len(mimic) == 1 and len(strikes) == 2 and max(strikes) < mimic[0], picks
    assert picks[-1] in (END, GUARD, VENT), picks  # the point given up, where he stands
    assert s.disguise[0, 0] >= 0 and s.disguise_turns[0, 0] > 0, picks  # worn into the enemy's turn
    picks, s = turn(f"{SCENARIO},disguise_worth=0")
    assert not any(a in (END, GUARD, VENT) for a in picks), picks  # every point struck or walked
    assert sum(ATTACK0 <= a < ATTACK0 + W for a in picks) >= 2, picks


@pytest.mark.parametrize("heat, vents", [(14, True), (0, False)])
def test_the_heuristic_bot_vents_with_its_last_point_to_make_room_for_the_enemy_melt(catalog, at, heat, vents):
    """Jaron in cover within Flame Chorus of Viola on the stage: hot, he ends his turn with a vent after striking, so
    that her melt finds room; cold, he strikes with every point. Where melt is not feared he would not vent."""
    game = game_for(catalog, "concert_hall")

    def turn(bot: str = SCENARIO) -> tuple[list[int], DuelState]:
        s = engine.new_duels(game, ("jaron", "viola"), [1])
        s.active[:] = 0
        s.ap[:] = 3
        s.pos[0] = [at(game, 4, 2), at(game, 7, 5)]
        s.heat[0] = [heat, 0]
        return _first_turn(game, s, bot)

    picks, s = turn()
    assert (picks[-1] == VENT) == vents, picks
    assert any(ATTACK0 <= a < ATTACK0 + W for a in picks), picks
    if vents:
        assert VENT not in turn(f"{SCENARIO},melt_threat=0")[0]


def _reply_in_cover(catalog, at, viola_at: tuple[int, int], melt_threat: float = 1.0) -> float:  # type: ignore[no-untyped-def]
    """The enemy's reply the heuristic bot weighs for Jaron, cold and full, in cover at (4, 2) on the concert hall with
    3 points, Viola on `viola_at`, where he stands (a fresh game each time: the bot keeps its rows on the game)."""
    from gladiator.bots import heuristic

    base = game_for(catalog, "concert_hall")
    game = make_game(list(base.roster), base.arena)
    s = engine.new_duels(game, ("jaron", "viola"), [3])
    s.active[:] = 0
    s.ap[:] = 3
    s.pos[0] = [at(game, 4, 2), at(game, *viola_at)]
    obs = engine.observe(game, s, 0)
    plans = heuristic.Plans(game, obs, engine.legal_mask(game, s), weighed(melt_threat=melt_threat))
    return float(plans.threat_at(heuristic._Spots(plans, obs.my_pos[:, None].astype(np.int64)))[0, 0])


def test_the_heuristic_bot_fears_the_melt_that_may_land_and_more_from_high_ground(catalog, at):
    """Jaron cold in cover, three tiles from Viola: her three flames land 10 heat each, on average less than the heat he
    can take before his next turn, but two or three of them landing would overheat him, so the tile's reply counts some
    overheating. From the stage (high ground) her flames land more often, and it counts more."""
    def melt_part(viola_at: tuple[int, int]) -> float:
        return _reply_in_cover(catalog, at, viola_at, 1.0) - _reply_in_cover(catalog, at, viola_at, 0.0)

    game = game_for(catalog, "concert_hall")
    assert game.geo.high[at(game, 7, 5)] and not game.geo.high[at(game, 1, 5)] and game.geo.cover[at(game, 4, 2)]
    low, high = melt_part((1, 5)), melt_part((7, 5))  # both three tiles off, in sight
    assert 0 < low < high, (low, high)


def test_the_heuristic_bot_fears_strikes_from_high_ground_as_the_previews_count_them(catalog, at):
    """Jaron full in cover, three tiles from Viola, melt aside: the reply is her three best strikes, as the rules'
    preview counts them (point-blank and range included), from the stage's high ground when she stands on it."""
    from gladiator import tactics

    def expected(high: bool) -> float:
        game = game_for(catalog, "concert_hall")
        one = lambda v: np.array([v])  # noqa: E731
        viola, jaron = one(game.unit_index("viola")), one(game.unit_index("jaron"))
        no = one(False)
        prev = tactics.slot_preview(game, viola, viola, jaron, no, no, one(True), one(high), no)[3]
        usable = game.tables.w_valid[viola] & (game.tables.w_range[viola] >= 3)
        return 3 * weighed().threat_weight * float(np.where(usable, prev, 0.0).max())

    assert expected(True) > expected(False) > 0
    assert _reply_in_cover(catalog, at, (1, 5), 0.0) == pytest.approx(expected(False))
    assert _reply_in_cover(catalog, at, (7, 5), 0.0) == pytest.approx(expected(True))


def _first_turn(game, s: DuelState, bot: str = SCENARIO) -> tuple[list[int], DuelState]:  # type: ignore[no-untyped-def]
    """Side A's turn of one duel played out by the scenario tests' heuristic bot (or `bot`; greedy on side B): its picks,
    and the state after."""
    bots, picks = (make_bot(bot), make_bot("greedy")), []
    while s.active[0] == 0 and not s.done[0]:
        picks.append(int(decide(game, s, bots)[0][0]))
        s, _ = engine.step(game, s, [picks[-1]], events=False)
    return picks, s


def weighed(**changed: float):  # type: ignore[no-untyped-def]
    """The scenario tests' weights of the heuristic bot with `changed` ones."""
    from gladiator.bots import weights

    return weights.with_options(weights.load(SCENARIO_WEIGHTS), changed)


def test_under_rules_version_4_the_heuristic_bot_plays_version_4s_weights_unless_a_file_is_named(catalog, tmp_path,
                                                                                                 monkeypatch):
    import functools

    import yaml

    from gladiator.bots import weights
    from gladiator.bots.heuristic import Plans

    v3, v4 = game_for(catalog, "concert_hall"), game_for(catalog, "concert_hall", 4)
    data = yaml.safe_load(weights.DEFAULT_FILES[4].read_text())
    data["weights"]["run_margin"] = 9.0  # (version 4's shipped weights may equal version 3's: a file that differs)
    mine = tmp_path / "v4.yaml"
    mine.write_text(yaml.safe_dump(data))
    monkeypatch.setitem(weights.DEFAULT_FILES, 4, mine)
    monkeypatch.setattr(weights, "_shipped", functools.lru_cache(maxsize=4)(weights._shipped.__wrapped__))  # a cache of its own
    assert weights.load(rules=4).run_margin == 9.0 and weights.load().run_margin != 9.0
    bot = make_bot("heuristic:aggression=1.5")
    assert bot.weights_for(v4) == weights.load(rules=4).model_copy(update={"aggression": 1.5})
    assert bot.weights_for(v3) == weights.load().model_copy(update={"aggression": 1.5})
    named = make_bot(f"heuristic:weights={weights.DEFAULT_FILE}")
    assert named.weights_for(v4) == weights.load()  # a file named is played under any version
    s = engine.new_duels(v4, ("rouge", "viola"), [1])
    assert Plans(v4, engine.observe(v4, s, s.active), engine.legal_mask(v4, s)).w == weights.load(rules=4)


def test_the_heuristic_bot_reads_its_weights_from_its_data_file_and_its_options(catalog, tmp_path):
    """The weights are data: the shipped file, another file of the same form, or single weights named as options; a
    bad weight or file is one line naming it."""
    from gladiator.bots import weights
    from gladiator.errors import GladiatorError

    shipped = weights.load()
    assert make_bot("heuristic").weights == shipped
    assert make_bot("heuristic:aggression=1.5").weights == shipped.model_copy(update={"aggression": 1.5})
    import yaml

    mine = tmp_path / "w.yaml"
    data = yaml.safe_load(weights.DEFAULT_FILE.read_text())
    data["weights"]["run_margin"] = 7.0
    mine.write_text(yaml.safe_dump(data))
    assert make_bot(f"heuristic:weights={mine}").weights.run_margin == 7.0
    for bad, words in (("heuristic:agression=1", "unknown option 'agression'"), ("heuristic:aggression=-1", "greater than"),
                       ("heuristic:guard_factor=2", "less than")):
        with pytest.raises(GladiatorError, match=words):
            make_bot(bad)
    data["weights"]["run_margin"] = "lots"
    mine.write_text(yaml.safe_dump(data))
    with pytest.raises(GladiatorError, match=r"w\.yaml:\d+.*run_margin"):
        make_bot(f"heuristic:weights={mine}")


def test_other_weights_change_the_choices_and_keep_tables_of_their_own(catalog, at):
    """Rows of the bot's tables hold weighed numbers: a bot with other weights gets its own and decides by them, and
    the shipped bot's choices do not move after it played."""
    game = game_for(catalog, "concert_hall")
    s = engine.new_duels(game, ("jaron", "viola"), np.arange(64))
    s.active[:] = 0
    s.ap[:] = 3
    s.pos[:, 0] = [at(game, 2 + k % 12, 1 + k % 9) for k in range(64)]  # Jaron all over the hall, Viola on the stage
    s.pos[:, 1] = at(game, 8, 5)
    picks = lambda name: decide(game, s, (make_bot(name), make_bot("greedy")))[0]  # noqa: E731
    before = picks("heuristic")
    other = picks("heuristic:aggression=20,future_weight=0")
    assert (other != before).any()
    assert (picks("heuristic") == before).all()


@pytest.mark.parametrize("shot_heat, weapon", [(0.0, "aria_cannon"), (0.5, "flame_chorus")])
def test_the_heuristic_bot_weighs_the_heat_a_shot_adds_at_its_shot_heat_weight(catalog, at, shot_heat, weapon):
    """Viola, cold, with Rouge three tiles off (in reach of her cannon, 6 heat a shot, and her flame, 4): weighing only
    damage and melt she strikes from where she stands with the cannon; at half a point of integrity a point of her own
    heat, with the flame."""
    from gladiator.bots.heuristic import Plans

    game = game_for(catalog, "concert_hall")
    s = engine.new_duels(game, ("viola", "rouge"), [3])
    s.active[:] = 0
    s.ap[:] = 3
    s.pos[0] = [at(game, 5, 4), at(game, 8, 4)]
    w = make_bot(f"{SCENARIO},shot_heat={shot_heat}").weights_for(game)
    stay = Plans(game, engine.observe(game, s, s.active), engine.legal_mask(game, s), w).stay()
    slots = [wp.id for wp in catalog.units["viola"].weapons]
    assert int(stay.slot[0]) == slots.index(weapon) and stay.strike[0] > 0
