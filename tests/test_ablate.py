"""Restricted play: a player without an option (Legal.without, the bots' `without=`), and `gladiator ablate`."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gladiator import engine, options
from gladiator.batch import ablate
from gladiator.batch.runner import make_spec, run
from gladiator.bots import make_bot
from gladiator.bots.weights import DEFAULT_FILE
from gladiator.driver import play_batch
from gladiator.errors import GladiatorError, IllegalAction
from gladiator.game import ATTACK0, EXTRACT, GUARD, make_game
from gladiator.rules.legal import REFUSED_OPTION
from gladiator.state import EV
from tests.conftest import one_line


@pytest.fixture(scope="module")
def game(catalog):
    return make_game(list(catalog.units.values()), catalog.arena("open_field"))


def test_legal_without_takes_the_banned_actions_out_of_the_mask_and_the_check(game) -> None:
    s = engine.new_duels(game, ("rouge", "viola"), np.arange(6))
    full = engine.Legal(game, s)
    ban = np.zeros(game.space.n, bool)
    ban[GUARD] = True
    ban[game.space.move0:game.space.leap0] = True
    narrow = full.without(ban)
    assert full.mask[:, GUARD].all() and full.mask[:, game.space.move0:game.space.leap0].any()  # there was something to take
    assert not narrow.mask[:, GUARD].any() and not narrow.mask[:, game.space.move0:game.space.leap0].any()
    assert (narrow.mask == (full.mask & ~ban)).all()
    assert not narrow.allows(np.full(6, GUARD)).any() and full.allows(np.full(6, GUARD)).all()
    assert narrow.refusal(0, GUARD).code == REFUSED_OPTION and not full.refusal(0, GUARD)
    assert not narrow.take(np.array([3, 1])).mask[:, GUARD].any()
    fresh = engine.Legal(game, s).without(ban)  # narrowed before its mask was built: the check alone
    assert not fresh.allows(np.full(6, GUARD)).any()


def test_option_bans_cover_a_weapon_slot_an_ability_and_the_cache_tiles(game) -> None:
    rouge, viola = game.unit_index("rouge"), game.unit_index("viola")
    b = options.bans(game, ["wrist_darts"])
    slot = [w.id for w in game.roster[rouge].weapons].index("wrist_darts")
    assert b[rouge].sum() == 1 and b[rouge, ATTACK0 + slot] and not b[viola].any()
    leap = options.bans(game, ["leap"])
    assert leap[:, game.space.leap0:].all() and not leap[:, :game.space.leap0].any()
    assert options.bans(game, ["core_extraction"])[:, EXTRACT].all()
    cache = options.bans(game, ["cache"])[rouge]
    tiles = np.flatnonzero(game.geo.cache_of >= 0)
    assert tiles.size and cache[game.space.move0 + tiles].all() and cache[game.space.leap0 + tiles].all()
    assert cache.sum() == 2 * tiles.size
    assert not options.bans(game, ["hazard"]).any()  # the open field has no hazard
    with pytest.raises(GladiatorError, match="unknown option 'laser'"):
        options.bans(game, ["laser"])


def test_a_bot_without_leap_never_leaps_and_the_same_bot_with_it_does(catalog) -> None:
    game = make_game(list(catalog.units.values()), catalog.arena("concert_hall"))
    seeds = np.arange(40)
    leaps = []
    for name in ("heuristic", "heuristic:without=leap"):
        s = engine.new_duels(game, ("rouge", "viola"), seeds)
        bots = (make_bot(name), make_bot("heuristic"))
        tally = engine.new_tally(game, s.batch)
        work = s
        while not work.done.all():
            acts, _, _ = __import__("gladiator.driver", fromlist=["decide"]).decide(game, work, bots)
            work, _ = engine.step(game, work, acts, tally=tally, tally_rows=np.arange(s.batch))
        leaps.append(int(tally[:, 0, EV["leap"]].sum()))
    assert leaps[0] > 0 and leaps[1] == 0


class _Stubborn:
    """A bot that guards whatever its legal actions say."""

    name = "stubborn"

    def act(self, game, obs, legal):
        return np.full(obs.batch, GUARD)


def test_a_restricted_bot_that_picks_its_removed_option_is_refused_naming_it(game) -> None:
    from gladiator.bots.restricted import RestrictedBot

    bot = RestrictedBot(_Stubborn(), ("guard",), "stubborn:without=guard")
    s = engine.new_duels(game, ("rouge", "viola"), np.arange(2))
    with pytest.raises(IllegalAction, match="stubborn:without=guard.*restricted play"):
        play_batch(game, s, (bot, bot))


def test_bot_names_with_without_are_checked(catalog) -> None:
    for bad in ("heuristic:without=", "heuristic:without=le-ap", "heuristic:without=leap+"):
        with pytest.raises(GladiatorError, match="heuristic:without="):
            make_bot(bad)
    assert make_bot("greedy:without=leap+guard").name == "greedy:without=leap+guard"


def test_an_option_never_taken_changes_nothing_and_the_effect_is_the_difference_of_the_two_runs(catalog) -> None:
    ab = ablate.plan(catalog, ["rouge"], ["viola"], ["open_field"], only=["hazard", "leap"], n=400, max_duels=400,
                     bot="greedy")
    ablate.play(ab)
    by = {e.option: e for e in ab.effects()}
    assert by["hazard"].delta == 0 and by["hazard"].half == 0 and by["hazard"].verdict == "negligible"  # the same duels
    scores = []
    for bot in ("greedy", "greedy:without=leap"):  # the same two runs through the batch runner's public face
        t = run(make_spec(catalog, ("rouge", "viola"), "open_field", 400, 0, (bot, "greedy")))
        scores.append((t.wins[0] + t.draws / 2) / t.n)
    assert by["leap"].delta == pytest.approx(scores[1] - scores[0])
    assert by["leap"].base == pytest.approx(scores[0]) and by["leap"].used > 0.5


def test_a_bot_with_options_of_its_own_keeps_them_when_it_plays_without_an_option(catalog, tmp_path) -> None:
    weights = tmp_path / "w.yaml"
    weights.write_text(DEFAULT_FILE.read_text())  # the shipped weights, named as a file of one's own
    bot = f"heuristic:weights={weights}"
    ab = ablate.plan(catalog, ["rouge"], ["viola"], ["open_field"], only=["leap"], n=40, max_duels=40, bot=bot)
    ablate.play(ab)
    (e,) = ab.effects()
    t = run(make_spec(catalog, ("rouge", "viola"), "open_field", 40, 0, (f"{bot},without=leap", bot)))
    assert e.delta == pytest.approx((t.wins[0] + t.draws / 2) / t.n - e.base) and e.used > 0


def test_pairing_narrows_the_interval_below_that_of_two_independent_rates(catalog) -> None:
    ab = ablate.plan(catalog, ["rouge"], ["jaron"], ["rooftops"], only=["wrist_darts"], n=600, max_duels=600, bot="greedy")
    e = ablate.play(ab).effects()[0]
    independent = 1.96 * np.sqrt(2 * 0.25 / 600)
    assert e.half < independent / 2


def test_rounds_go_on_until_the_precision_is_met_or_the_cap(catalog) -> None:
    ab = ablate.plan(catalog, ["rouge"], ["viola"], ["concert_hall"], only=["leap"], n=200, precision=0.03,
                     max_duels=1000, bot="greedy")
    ablate.play(ab)
    e = ab.effects()[0]
    cell = next(c for c in ab.cells if c.option == "leap")
    assert ab.played(cell) == ab.played(cell.baseline) == e.duels // 200
    assert e.half <= 0.03 or e.duels == 1000
    if e.duels > 200:  # one round fewer was not precise enough
        assert ab._paired(cell, e.duels // 200 - 1)[1] > 0.03


def test_ablate_cli_json_store_and_resume(cli, tmp_path) -> None:
    args = ["ablate", "rouge", "--vs", "viola", "-a", "open_field", "--option", "leap", "--option", "inject",
            "-n", "200", "--max-duels", "200", "--bot", "greedy", "--json", "--out", tmp_path / "a.sqlite"]
    code, out, err = cli(*args)
    assert code == 0, err
    first = json.loads(out)
    assert first["bot"] == "greedy" and first["duels_this_run"] == 600 and first["complete"]
    assert {c["option"] for c in first["cells"]} == {"leap", "inject"}
    code, out, err = cli(*args)
    again = json.loads(out)
    assert code == 0 and again["duels_this_run"] == 0 and again["cells"] == first["cells"]


def test_ablate_table_names_the_bot_and_every_opponent(cli) -> None:
    code, out, err = cli("ablate", "jaron", "--vs", "rouge", "--vs", "nean", "-a", "open_field", "--option", "mimic",
                         "-n", "200", "--max-duels", "200")
    assert code == 0, err
    assert "bot heuristic" in out and "vs rouge" in out and "vs nean" in out and "mimic" in out


@pytest.mark.parametrize("args, words", [
    (["rouge", "--all"], "not both"),
    ([], "name a unit"),
    (["rouge", "--option", "mimic"], "rouge has no option 'mimic'"),
    (["rouge", "-n", "201"], "even number"),
    (["rouge", "--precision", "0"], "--precision"),
    (["rouge", "--max-duels", "10"], "--max-duels"),
    (["rouge", "--bot", "heuristic:without=leap"], "every option"),
    (["zed"], "unknown unit 'zed'"),
    (["rouge", "--vs", "viola", "--vs", "viola"], "once"),
])
def test_ablate_refuses_bad_input_in_one_line(cli, args, words) -> None:
    code, out, err = cli("ablate", *args)
    assert words in one_line(code, err)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=40))
def test_any_without_option_is_a_restricted_bot_or_one_clear_error(text) -> None:
    """Whatever follows `without=`, a bot name either makes a restricted bot or fails with one GladiatorError."""
    name = f"greedy:without={text}"
    try:
        bot = make_bot(name)
    except GladiatorError as e:
        assert "\n" not in str(e) and "greedy:without=" in str(e)
        return
    assert bot.without == tuple(text.split("+")) and all(n.replace("_", "").isalnum() for n in bot.without)


def test_a_restricted_bot_asks_for_noise_only_if_the_bot_underneath_reads_it(game) -> None:
    assert make_bot("greedy:without=leap").uses_noise is False
    assert make_bot("heuristic:without=leap").uses_noise is True
    seen: list = []

    class Quiet:
        name, uses_noise = "quiet", False

        def act(self, game, obs, legal):
            seen.append(obs.noise.shape)
            return np.zeros(obs.batch, dtype=np.int64)  # end the turn

    from gladiator.bots.restricted import RestrictedBot

    bot = RestrictedBot(Quiet(), ("leap",), "quiet:without=leap")
    play_batch(game, engine.new_duels(game, ("rouge", "viola"), np.arange(4)), (bot, bot))
    assert seen and all(shape == (shape[0], 0) for shape in seen)
