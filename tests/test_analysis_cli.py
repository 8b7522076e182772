"""The `ladder` and `odds` commands, as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


def test_the_ladder_ranks_the_bots_and_resumes_from_its_file(cli, tmp_path: Path) -> None:
    db = tmp_path / "ladder.sqlite"
    args = ("ladder", "random", "greedy", "-u", "rouge", "-u", "viola", "-n", "20", "--workers", "1", "--json", "--out", str(db))
    code, out, err = cli(*args)
    assert code == 0, err
    d = json.loads(out)
    assert d["bots"] == ["random", "greedy"] and d["duels"] == 4 * 20
    assert d["ratings"]["greedy"]["rating"] > d["ratings"]["random"]["rating"]
    lo, hi = d["ratings"]["greedy"]["interval"]
    assert lo <= d["ratings"]["greedy"]["rating"] <= hi
    assert d["head_to_head"]["greedy"]["random"] + d["head_to_head"]["random"]["greedy"] == pytest.approx(1.0)
    code, again, err = cli(*args)  # every cell stored: nothing is played again, the same table comes back
    assert code == 0 and json.loads(again)["head_to_head"] == d["head_to_head"]
    code, out, err = cli("ladder", "random", "greedy", "-u", "rouge", "-n", "20", "--out", str(db))
    assert code == 2 and len(err.strip().splitlines()) == 1  # another ladder's file is refused


@pytest.mark.parametrize("args, words", [
    (("ladder", "greedy"), "two different bots"), (("ladder", "greedy", "nobot"), "unknown bot"),
    (("ladder", "greedy", "random", "-n", "0"), "-n must be at least 1"),
    (("ladder", "greedy", "search:budget=0"), "from 1 to 100,000"), (("ladder", "greedy", "search:time=-2"), "above 0"),
    (("ladder", "greedy", "search:time=soon"), "above 0"),
])
def test_bad_ladders_are_one_line(cli, args, words) -> None:
    code, out, err = cli(*args)
    assert code == 2 and words in err and len(err.strip().splitlines()) == 1, err


def test_odds_from_a_moment_of_a_recorded_duel(cli, tmp_path: Path) -> None:
    replay = tmp_path / "d.json"
    assert cli("duel", "rouge", "viola", "--bot", "greedy", "--seed", "4", "--record", str(replay), "-q")[0] == 0
    turns = json.loads(replay.read_text())["result"]["turns"]
    code, out, err = cli("odds", str(replay), "--turn", "2", "--bot", "greedy", "--rollouts", "400", "--json")
    assert code == 0, err
    d = json.loads(out)
    assert d["turn"] == 2 and d["rollouts"] == 400
    assert sum(d["win"]) + d["draw"] == pytest.approx(1.0)
    assert set(d["intervals"]) == {"A", "B", "draw"} and set(d["outcomes"]) == {"A", "B"}
    code, out, err = cli("odds", str(replay), "--turn", str(turns), "--bot", "greedy", "--rollouts", "50", "--side", "b")
    assert code == 0 and "as side B sees it" in out, err
    for bad, words in ((("--turn", str(turns + 1)), "past its end"), (("--turn", "0"), "--turn must be 1 or more"),
                       (("--turn", "2", "--side", "C"), "A or B"), (("--turn", "2", "--rollouts", "0"), "rollouts"),
                       (("--turn", "2", "--bot", "nobot"), "unknown bot")):
        code, out, err = cli("odds", str(replay), *bad)
        assert code == 2 and words in err and len(err.strip().splitlines()) == 1, (bad, err)


def test_the_log_of_a_replay_is_the_duels_log(cli, tmp_path: Path) -> None:
    replay = tmp_path / "d.json"
    code, duel_out, err = cli("duel", "jaron", "viola", "--bot", "heuristic", "--seed", "5", "--disguise", "rouge",
                              "--record", str(replay))
    assert code == 0, err
    fought = duel_out.strip().splitlines()[1:-2]  # the log between the header and the result lines
    code, out, err = cli("log", str(replay), "--formulas")
    assert code == 0 and out.strip().splitlines() == fought, err
    code, plain, err = cli("log", str(replay))
    assert code == 0 and "hit chance" not in plain and "Jaron starts disguised as Rouge" in plain
    code, seen, err = cli("log", str(replay), "--side", "B", "--formulas")
    assert code == 0 and "starts disguised" not in seen
    assert "Rouge" in seen and seen.find("Rouge") < (seen.find("Jaron") % (len(seen) + 1))  # Viola sees Rouge first
    for bad, words in ((("--side", "C"), "A or B"),):
        code, out, err = cli("log", str(replay), *bad)
        assert code == 2 and words in err
    code, out, err = cli("log", str(tmp_path / "missing.json"))
    assert code == 2 and len(err.strip().splitlines()) == 1


def test_a_sides_log_names_the_enemy_by_its_look_and_every_turn_says_something(cli, tmp_path: Path) -> None:
    """Rouge's log of a duel against Jaron disguised as Rouge: the enemy is never a bare "Rouge" (which would read as
    her own lines), Jaron's log never calls Rouge by name, and no turn header stands empty."""
    replay = tmp_path / "d.json"
    assert cli("duel", "jaron", "rouge", "--bot", "heuristic", "--seed", "5", "--disguise", "rouge",
               "--record", str(replay), "-q")[0] == 0
    for side, formulas in (("A", ()), ("B", ()), ("B", ("--formulas",)), (None, ())):
        code, out, err = cli("log", str(replay), *(("--side", side) if side else ()), *formulas)
        assert code == 0, err
        lines = out.strip().splitlines()
        headers = [k for k, line in enumerate(lines) if line.startswith(("Turn ", "-- Turn "))]
        assert len(headers) > 3
        for k in headers:  # a header is followed by what happened, or says that nothing did (or was seen)
            bare = k + 1 < len(lines) and lines[k + 1].startswith(("Turn ", "-- Turn ", "=="))
            assert not bare or lines[k].endswith(("No action.", "Nothing seen.")), lines[k:k + 2]
        if side == "B":
            assert any("the enemy (looks like Rouge)" in line for line in lines)  # Rouge's own enemy, dressed as Rouge
            assert not [line for line in lines if line.startswith(("Jaron", "Turn 1: Jaron"))], out
        if side == "A":
            assert not [line for line in lines if line.startswith(("Rouge", "Turn 1: Rouge"))], out  # Rouge is the enemy


def test_a_turn_with_nothing_in_it_says_so() -> None:
    from gladiator.catalog import load_catalog
    from gladiator.duel import game_for
    from gladiator.narrate import narrate, narrate_plain

    game = game_for(load_catalog(), "concert_hall")
    turn = {"event": "turn", "side": 1, "turn": 3, "ap": 3, "heat": 0, "nectar": 30, "cooled": 0, "overheat_damage": 0}
    mine = {"event": "turn", "side": 0, "turn": 4, "ap": 3, "heat": 0, "nectar": 30, "cooled": 0, "overheat_damage": 0}
    for tell in (narrate, narrate_plain):
        spectator = tell(game, ("rouge", "viola"), [turn, mine])
        assert spectator[0].endswith("No action.") and not spectator[1].endswith(("No action.", "Nothing seen."))
        seen = tell(game, ("rouge", "viola"), [turn, mine], viewer=0)
        assert seen[0].endswith("Nothing seen.") and seen[0].startswith(("Turn 3: the enemy (looks like Viola)",
                                                                         "-- Turn 3: the enemy (looks like Viola)"))


def test_shell_completion_is_typers_own() -> None:
    import importlib.util
    import shlex
    import subprocess
    import sys

    # With shellingham typer finds the shell from the parent process (so run under bash, not exec'd); without it, it is named.
    named = "" if importlib.util.find_spec("shellingham") else " bash"
    command = f"{shlex.quote(sys.executable)} -m gladiator --show-completion{named}; exit $?"
    r = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and "_gladiator_completion" in r.stdout, r.stderr
    r = subprocess.run([sys.executable, "-m", "gladiator", "--help"], capture_output=True, text=True, timeout=60)
    assert "--install-completion" in r.stdout


@pytest.mark.parametrize("from_side, side", [(None, None), ("B", 1)])
def test_odds_and_the_windows_odds_bar_give_one_answer(cli, tmp_path: Path, from_side, side) -> None:
    """At the start of a turn of a recorded duel, `gladiator odds` with the bar's number of continuations gives the
    window's odds bar's figures exactly (the same bot, the duel's own seed); with more, it agrees within its interval."""
    from gladiator import engine
    from gladiator.replay import load_replay, replay_states
    from gladiator.ui.odds_bar import ROLLOUTS, chances

    replay = tmp_path / "d.json"
    assert cli("duel", "jaron", "viola", "--seed", "6", "--disguise", "rouge", "--record", str(replay), "-q")[0] == 0
    game, data = load_replay(replay)
    turn = 3
    s, _ = replay_states(game, data, upto=0)
    for a in data["actions"]:  # the start of the turn: where `odds --turn` estimates from
        if int(s.turn[0]) >= turn:
            break
        s, _ = engine.step(game, s, [int(a)])
    assert int(s.turn[0]) == turn and not s.done[0]
    bar = chances(game, s, side, int(data["seed"]))
    view = ("--side", from_side) if from_side else ()
    code, out, err = cli("odds", str(replay), "--turn", str(turn), "--rollouts", str(ROLLOUTS), "--json", *view)
    assert code == 0, err
    d = json.loads(out)
    assert d["seed"] == data["seed"] and d["rollouts"] == ROLLOUTS == bar.rollouts
    assert d["win"] == pytest.approx([bar.a, bar.b]) and d["draw"] == pytest.approx(bar.draw)
    code, out, err = cli("odds", str(replay), "--turn", str(turn), "--rollouts", "2000", "--json", *view)
    more = json.loads(out)
    lo, hi = more["intervals"]["A"]
    assert code == 0 and lo - 0.05 <= bar.a <= hi + 0.05  # 500 against 2,000 continuations: one estimate, its noise
