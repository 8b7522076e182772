"""A bot gets only its view: plugin bots that try to cheat, overrun, end the program, print or fail to
prepare, through the command line (`--bot-timeout`, `--isolate`) and the Python API.

The plugin bots live in a small module written for each test (`fairplugin`), named by class path as a user would.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import numpy as np
import pytest

from gladiator import engine, referee
from gladiator.bots import make_bot
from gladiator.catalog import load_catalog
from gladiator.driver import play_batch
from gladiator.duel import game_for, play_duel
from gladiator.errors import IllegalAction

PLUGIN = '''
import os, sys, threading
import numpy as np
from gladiator.bots.greedy import GreedyBot
from gladiator.game import EXTRACT

print("fairplugin says hello as it loads")
RELEASE = threading.Event()  # the test lets a stuck bot go when it is done with it


class Printer:
    name = "printer"

    def __init__(self):
        print("printer made")

    def prepare(self, game):
        print("printer prepares")

    def act(self, game, obs, legal):
        print("printer chooses")
        return np.zeros(obs.batch, dtype=np.int64)


class SeeThrough:
    """Reads the truth where a plugin could once reach it (`legal.state`)."""
    name = "seethrough"

    def act(self, game, obs, legal):
        return np.full(obs.batch, int(legal.state.unit[0, 1]), dtype=np.int64)


class Vandal:
    """Plays as greedy does, then tries to write every array it was handed (noise key, masks, views)."""
    name = "vandal"

    def __init__(self):
        self.greedy = GreedyBot()
        self.refused = 0
        self.written = 0

    def prepare(self, game):
        self.greedy.prepare(game)

    def act(self, game, obs, legal):
        picks = np.array(self.greedy.act(game, obs, legal))
        arrays = [getattr(obs, k) for k in vars(obs)] + [legal.mask]
        arrays += [a.base for a in arrays if isinstance(getattr(a, "base", None), np.ndarray)]
        for v in (vars(obs.noise).values() if hasattr(obs.noise, "__dict__") else ()):  # a noise stream's key
            arrays += list(v) if isinstance(v, tuple) else [v]
        for a in arrays:
            if not isinstance(a, np.ndarray):
                continue
            try:
                a.setflags(write=True)
                a[...] = 1
                self.written += 1
            except ValueError:
                self.refused += 1
        for k, v in list(vars(legal).items()):
            if hasattr(v, "seed"):  # a state: rig its seed and its units
                v.seed[:] = 7
                v.unit[:] = 0
        return picks


class AllTrue:
    """Makes its mask say every action is legal, and tears a core out at once."""
    name = "alltrue"

    def act(self, game, obs, legal):
        try:
            legal.mask.setflags(write=True)
            legal.mask[:] = True
        except ValueError:
            pass
        legal._mask = np.ones(legal.shape, dtype=bool)
        legal.allows = lambda actions: np.ones(len(actions), dtype=bool)
        return np.full(obs.batch, EXTRACT, dtype=np.int64)


class Disguised:
    """Says it is gladiator's own greedy bot, to be handed what gladiator's own bots are."""
    __module__ = "gladiator.bots.greedy"
    __qualname__ = "GreedyBot"
    name = "disguised"

    def act(self, game, obs, legal):
        if any(hasattr(v, "seed") for v in vars(legal).values()):
            raise RuntimeError("saw the state")
        return np.zeros(obs.batch, dtype=np.int64)


class Sleeper:
    name = "sleeper"

    def act(self, game, obs, legal):
        RELEASE.wait(600)
        return np.zeros(obs.batch, dtype=np.int64)


class Exiter:
    name = "exiter"

    def act(self, game, obs, legal):
        sys.exit(0)


class Interrupter:
    name = "interrupter"

    def act(self, game, obs, legal):
        raise KeyboardInterrupt


class HardExit:
    name = "hardexit"

    def act(self, game, obs, legal):
        os._exit(3)


class BadPrepare:
    name = "badprepare"

    def prepare(self, game):
        raise RuntimeError("no tables today")

    def act(self, game, obs, legal):
        return np.zeros(obs.batch, dtype=np.int64)


class Breaker:
    """Swaps the game's tables for nothing, then asks the engine for a preview on that game."""
    name = "breaker"

    def act(self, game, obs, legal):
        object.__setattr__(game, "tables", None)
        game._derived.clear()
        from gladiator import engine
        engine.attack_preview(game, obs)
        return np.zeros(obs.batch, dtype=np.int64)


class Poisoner:
    """Writes into every array it can reach from the game (memos of walks included), and ends its turn."""
    name = "poisoner"

    def prepare(self, game):
        GreedyBot().prepare(game)

    def act(self, game, obs, legal):
        GreedyBot().act(game, obs, legal)  # fills the game's memos first
        todo, seen = [game], set()
        while todo:
            x = todo.pop()
            if id(x) in seen or isinstance(x, (str, bytes, int, float, type(None))):
                continue
            seen.add(id(x))
            if isinstance(x, np.ndarray):
                if x.flags.writeable:
                    x[...] = 1
                continue
            if isinstance(x, (tuple, list)):
                todo.extend(x)
            elif isinstance(x, dict):
                todo.extend(x.values())
            else:
                todo.extend(getattr(x, "__dict__", {}).values())
        return np.zeros(obs.batch, dtype=np.int64)
'''


@pytest.fixture
def plugin(tmp_path, monkeypatch):
    """The plugin module on the path (and in the current folder, for the processes of --isolate)."""
    (tmp_path / "fairplugin.py").write_text(PLUGIN)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    mod = sys.modules.pop("fairplugin", None)
    if mod is not None:
        mod.RELEASE.set()


def one_error(code: int, err: str, *words: str) -> None:
    """One `error:` line holding every word, a non-zero exit, no traceback."""
    lines = [ln for ln in err.strip().splitlines() if ln.startswith("error:")]
    assert code not in (0, 130), err
    assert len(lines) == 1 and all(w in lines[0] for w in words), err
    assert "Traceback" not in err


# ---- the truth stays out of reach ----

def test_a_bot_reading_legal_state_finds_no_state(cli, plugin):
    code, out, err = cli("duel", "rouge", "jaron", "--disguise", "viola", "--bot-a", "fairplugin:SeeThrough", "-q")
    one_error(code, err, "seethrough", "has no attribute 'state'")


def test_a_plugin_calling_itself_gladiators_own_is_handed_what_a_plugin_is(cli, plugin):
    code, out, err = cli("duel", "rouge", "viola", "--bot-a", "fairplugin:Disguised", "-q")
    assert code == 0 and "saw the state" not in err, err


@pytest.mark.parametrize("isolate", [False, True])
def test_a_bot_writing_what_it_is_handed_changes_nothing_of_the_duel(plugin, isolate):
    game = game_for(load_catalog(), "concert_hall")
    greedy = play_duel(game, ("rouge", "jaron"), 5, (make_bot("greedy"), make_bot("greedy")), disguise=(None, "viola"))
    with referee.bot_limits(isolate=isolate):
        vandal = make_bot("fairplugin:Vandal")
        got = play_duel(game, ("rouge", "jaron"), 5, (vandal, make_bot("greedy")), disguise=(None, "viola"))
    assert got.actions == greedy.actions and got.winner == greedy.winner and got.turns == greedy.turns
    if not isolate:
        assert vandal.refused > 0 and vandal.written == 0  # it tried: every array it was handed refused to be written


def test_one_bot_on_both_sides_cannot_widen_the_mask_the_driver_checks(cli, plugin):
    code, out, err = cli("batch", "rouge", "viola", "-n", "40", "-w", "1", "--bot", "fairplugin:AllTrue", "--json")
    assert code == 0, err
    r = json.loads(out)
    assert r["outcomes"]["forfeit"] == 40 and r["outcomes"]["core_extracted"] == 0


def test_play_batch_checks_one_bots_picks_with_the_drivers_own_mask(plugin):
    game = game_for(load_catalog(), "concert_hall")
    bot = make_bot("fairplugin:AllTrue")
    final = play_batch(game, engine.new_duels(game, ("rouge", "viola"), np.arange(64)), (bot, bot))
    assert (final.outcome == engine.OUTCOMES.index("forfeit")).all()


def test_the_legal_actions_a_plugin_gets_hold_the_mask_alone():
    game = game_for(load_catalog(), "concert_hall")
    s = engine.new_duels(game, ("rouge", "viola"), np.arange(4))
    seen: list = []

    class Recorder:
        name = "recorder"

        def act(self, game, obs, legal):
            seen.append((obs, legal))
            return np.zeros(obs.batch, dtype=np.int64)

    bot = Recorder()
    play_batch(game, s, (bot, bot))
    obs, legal = seen[0]
    assert not hasattr(legal, "state") and all(v is None for k, v in vars(legal).items() if k in ("_whole", "_state"))
    assert isinstance(obs.noise, np.ndarray) and not hasattr(obs.noise, "_key")
    for a in (legal.mask, obs.noise, obs.my_pos):
        with pytest.raises(ValueError):
            a.setflags(write=True)


# ---- time, and bots that end ----

def test_a_bot_past_its_time_forfeits_the_duel_in_process(cli, plugin):
    code, out, err = cli("duel", "rouge", "viola", "--bot-a", "fairplugin:Sleeper", "--bot-timeout", "0.3", "-q")
    one_error(code, err, "sleeper", "forfeits", "took longer than 0.3 s")


def test_a_bot_past_its_time_forfeits_every_duel_of_a_batch_with_the_reason(cli, plugin):
    code, out, err = cli("batch", "rouge", "viola", "-n", "20", "-w", "1", "--bot-a", "fairplugin:Sleeper",
                         "--bot-timeout", "0.3", "--csv", "rows.csv")
    assert code == 0, err
    rows = list(csv.DictReader(open(plugin / "rows.csv")))
    assert len(rows) == 20 and all(r["outcome"] == "forfeit" and r["winner"] == "viola" for r in rows)
    assert {r["forfeit_reason"] for r in rows} == {"timed_out"}


@pytest.mark.parametrize("bot, words", [("Exiter", "called sys.exit(0)"), ("Interrupter", "raised KeyboardInterrupt")])
def test_a_bot_that_ends_the_program_forfeits_instead(cli, plugin, bot, words):
    code, out, err = cli("duel", "rouge", "viola", "--bot-a", f"fairplugin:{bot}", "-q")
    one_error(code, err, "forfeits", words)
    assert "Result" not in out
    code, out, err = cli("batch", "rouge", "viola", "-n", "10", "-w", "1", "--bot-a", f"fairplugin:{bot}", "--json")
    assert code == 0 and json.loads(out)["outcomes"]["forfeit"] == 10, err


@pytest.mark.parametrize("bot, words", [("HardExit", "ended its process (exit code 3)"),
                                        ("Exiter", "called sys.exit(0)"), ("Interrupter", "raised KeyboardInterrupt"),
                                        ("Sleeper", "took longer than 1 s")])
def test_an_isolated_bot_that_dies_or_overruns_forfeits_with_the_reason(cli, plugin, bot, words):
    code, out, err = cli("duel", "rouge", "viola", "--bot-a", f"fairplugin:{bot}", "--isolate", "--bot-timeout", "1", "-q")
    one_error(code, err, f"fairplugin:{bot}", "forfeits", words)


def test_an_isolated_bot_that_dies_forfeits_its_batch_duels(cli, plugin):
    code, out, err = cli("batch", "rouge", "viola", "-n", "10", "-w", "1", "--bot-a", "fairplugin:HardExit", "--isolate",
                         "--csv", "rows.csv")
    assert code == 0, err
    assert {r["forfeit_reason"] for r in csv.DictReader(open(plugin / "rows.csv"))} == {"bot_died"}


def test_an_isolated_bot_plays_as_it_does_in_process(cli, plugin):
    code, out, err = cli("batch", "rouge", "viola", "-n", "12", "-w", "1", "--bot-a", "fairplugin:Vandal", "--json")
    code2, out2, err2 = cli("batch", "rouge", "viola", "-n", "12", "-w", "1", "--bot-a", "fairplugin:Vandal", "--isolate",
                            "--json")
    plain = cli("batch", "rouge", "viola", "-n", "12", "-w", "1", "--bot-a", "greedy", "--json")[1]
    keep = ("wins", "outcomes", "mean_turns")
    assert code == code2 == 0, err + err2
    assert {k: json.loads(out)[k] for k in keep} == {k: json.loads(out2)[k] for k in keep} == {k: json.loads(plain)[k] for k in keep}


def test_an_isolated_bot_ablates_as_it_does_in_process(cli, plugin):
    args = ("ablate", "rouge", "--vs", "viola", "-a", "concert_hall", "--option", "leap", "-n", "10", "--max-duels", "10",
            "-w", "1", "--json", "-q")
    runs = [cli(*args, "--bot", "fairplugin:Vandal", *extra) for extra in ([], ["--isolate", "--bot-timeout", "30"])]
    plain = cli(*args, "--bot", "greedy")
    assert all(code == 0 for code, _, _ in runs + [plain]), [err for _, _, err in runs]
    pooled = [json.loads(out)["pooled"] for _, out, _ in runs + [plain]]
    assert pooled[0] == pooled[1] == pooled[2] and pooled[0][0]["duels"] == 10


def test_bot_timeout_must_be_seconds(cli):
    code, out, err = cli("duel", "rouge", "viola", "--bot-timeout", "-1")
    one_error(code, err, "--bot-timeout")


def test_the_bot_limits_of_a_command_end_with_it(cli, plugin, monkeypatch):
    monkeypatch.delenv(referee.TIMEOUT_ENV, raising=False)
    monkeypatch.delenv(referee.ISOLATE_ENV, raising=False)
    assert cli("duel", "rouge", "viola", "-q", "--bot-a", "fairplugin:Vandal", "--bot-timeout", "5", "--isolate")[0] == 0
    assert referee.bot_timeout() == referee.DEFAULT_BOT_TIMEOUT and not referee.isolating()


# ---- prepare, prints, the game's tables ----

@pytest.fixture
def replay_file(cli, tmp_path):
    path = tmp_path / "d.json"
    assert cli("duel", "rouge", "viola", "--record", str(path), "-q")[0] == 0
    return path


@pytest.mark.parametrize("isolate", [[], ["--isolate"]])
@pytest.mark.parametrize("command", ["duel", "batch", "odds", "ladder", "watch"])
def test_a_bot_whose_prepare_raises_is_one_error_naming_it(cli, plugin, replay_file, command, isolate):
    bot = "fairplugin:BadPrepare"
    args = {"duel": ["duel", "rouge", "viola", "--bot-a", bot],
            "batch": ["batch", "rouge", "viola", "-n", "10", "-w", "1", "--bot-a", bot],
            "odds": ["odds", str(replay_file), "--turn", "2", "--rollouts", "20", "--bot", bot],
            "ladder": ["ladder", bot, "greedy", "-n", "2", "-u", "rouge", "-w", "1"],
            "watch": ["watch", "--bot-a", bot, "--frames", "2", "--screenshot", "w.png"]}[command]
    code, out, err = cli(*args, *isolate)
    one_error(code, err, "badprepare" if not isolate else bot, "failed to prepare", "no tables today")


@pytest.mark.parametrize("isolate", [[], ["--isolate"]])
def test_what_a_bot_prints_goes_to_stderr_and_json_stays_json(cli, plugin, replay_file, isolate):
    bot = "fairplugin:Printer"
    for args in (["duel", "rouge", "viola", "--bot-a", bot, "--json"],
                 ["batch", "rouge", "viola", "-n", "10", "-w", "1", "--bot-a", bot, "--json"],
                 ["odds", str(replay_file), "--turn", "2", "--rollouts", "10", "--bot", bot, "--json"],
                 ["ladder", bot, "greedy", "-n", "2", "-u", "rouge", "-w", "1", "--json"]):
        sys.modules.pop("fairplugin", None)  # loaded afresh: its print at import counts too
        code, out, err = cli(*args, *isolate)
        assert code == 0, err
        json.loads(out)
        if not isolate:  # the isolated bot's process writes to the real stderr (test_an_isolated_bots_prints_...)
            assert "printer" in err and "fairplugin says hello as it loads" in err and "printer made" in err, (args, err)


def test_an_isolated_bots_prints_reach_stderr_not_stdout(plugin):
    r = subprocess.run([sys.executable, "-m", "gladiator", "duel", "rouge", "viola", "--bot-a", "fairplugin:Printer",
                        "--isolate", "--json"], capture_output=True, text=True, timeout=300, cwd=plugin,
                       env={**__import__("os").environ, "PYTHONPATH": ":".join(sys.path)})
    assert r.returncode == 0, r.stderr
    json.loads(r.stdout)
    assert "printer chooses" in r.stderr and "fairplugin says hello" in r.stderr


def test_duel_json_with_export_prints_json_alone(cli, tmp_path):
    code, out, err = cli("duel", "rouge", "viola", "--json", "--export", str(tmp_path / "x.gif"), "--size", "128x72")
    assert code == 0, err
    assert json.loads(out)["units"] == ["rouge", "viola"]
    assert "frames written" in err


def test_a_bot_that_breaks_its_games_tables_is_one_error_naming_it(cli, plugin):
    code, out, err = cli("duel", "rouge", "viola", "--bot-a", "fairplugin:Breaker", "-q")
    one_error(code, err, "bot 'breaker' failed while choosing")


def test_what_a_bot_writes_in_its_game_leaves_the_drivers_game_as_it_was(plugin):
    game = game_for(load_catalog(), "concert_hall")
    s = engine.new_duels(game, ("rouge", "viola"), np.arange(32))
    before = play_batch(game, s, (make_bot("greedy"), make_bot("greedy")))  # the driver's memos filled
    poisoner = make_bot("fairplugin:Poisoner")
    play_batch(game, s, (poisoner, make_bot("greedy")))
    after = play_batch(game, s, (make_bot("greedy"), make_bot("greedy")))
    assert all(np.array_equal(getattr(before, k), getattr(after, k)) for k in ("winner", "outcome", "turn", "counter"))
    fresh = game_for(load_catalog(), "concert_hall")
    states = [engine.new_duels(game, ("rouge", "viola"), np.arange(8))]
    for _ in range(12):
        states.append(engine.step(game, states[-1], np.full(8, game.space.move0) + states[-1].pos[:, 0] - 1, check=False)[0])
    for st in states:
        assert np.array_equal(engine.legal_mask(game, st), engine.legal_mask(fresh, st))


def test_the_games_tables_cannot_be_made_writable():
    game = game_for(load_catalog(), "concert_hall")
    for a in (game.tables.integrity, game.geo.passable):
        with pytest.raises(ValueError):
            a.setflags(write=True)


def test_a_pick_of_a_plugin_still_meets_the_rules_refusal(plugin):
    """The driver's refusal names the rule (not the bot's copy's 'not legal')."""
    game = game_for(load_catalog(), "concert_hall")
    bot = make_bot("fairplugin:AllTrue")
    with pytest.raises(IllegalAction, match="core extraction needs the target adjacent"):
        play_duel(game, ("rouge", "viola"), 0, (bot, make_bot("greedy")))
