"""`--rules`: the rules version `duel`, `batch` and `ablate` fight under (3 by default, or 4, the version being made),
reported in their JSON, refused in one line outside `game.RULES_VERSIONS`, and kept by a replay, which plays back
under the version it was recorded in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import one_line
from gladiator.bots import make_bot
from gladiator.duel import game_for, play_duel
from gladiator.game import RULES_VERSIONS
from gladiator.replay import load_replay, replay_states, state_digest, verify

DUEL = ("duel", "rouge", "viola", "--seed", "3")
BATCH = ("batch", "rouge", "viola", "-n", "20", "--bot", "greedy", "--workers", "1")
ABLATE = ("ablate", "rouge", "-a", "concert_hall", "--vs", "viola", "-n", "20", "--max-duels", "20", "--bot", "greedy",
          "--workers", "1")
PLAYED = ", ".join(map(str, RULES_VERSIONS))  # "3, 4"
PLAYED_WORDS = f"{', '.join(map(str, RULES_VERSIONS[:-1]))} and {RULES_VERSIONS[-1]}"  # "3 and 4"


def test_duel_under_rules_4_reports_it_and_plays_the_engines_version_4(cli, catalog) -> None:
    code, out, err = cli(*DUEL, "--rules", "4", "--json")
    assert code == 0, err
    got = json.loads(out)
    assert got["rules_version"] == "4"
    game = game_for(catalog, "concert_hall", 4)
    want = play_duel(game, ("rouge", "viola"), 3, (make_bot("heuristic"), make_bot("heuristic")), events=False)
    assert {k: got[k] for k in want.summary()} == want.summary()  # the duel the engine plays under version 4


def test_duel_without_rules_is_version_3_and_4_is_another_duel(cli) -> None:
    runs = {}
    for rules in (None, "3", "4"):
        code, out, err = cli(*DUEL, "--json", *(("--rules", rules) if rules else ()))
        assert code == 0, err
        runs[rules] = json.loads(out)
    assert runs[None] == runs["3"] and runs["3"]["rules_version"] == "3"
    same = ("winner", "outcome", "turns", "actions")
    assert [runs["3"][k] for k in same] != [runs["4"][k] for k in same], "version 4 played the duel of version 3"


def test_the_duel_log_names_a_version_other_than_the_default(cli) -> None:
    code, out, err = cli(*DUEL, "--bot", "greedy", "--rules", "4")
    assert code == 0, err
    assert out.splitlines()[0].endswith("seed 3, rules version 4")
    code, out, err = cli(*DUEL, "--bot", "greedy")
    assert code == 0, err
    assert out.splitlines()[0].endswith("seed 3")


@pytest.mark.parametrize("command", [DUEL, BATCH, ABLATE], ids=lambda c: c[0])
@pytest.mark.parametrize("value", ["5", "2", "0", "-4"])
def test_a_rules_version_this_program_does_not_play_is_one_line(cli, command, value) -> None:
    code, out, err = cli(*command, "--rules", value)
    line = one_line(code, err)
    assert line == f"error: --rules must be one of {PLAYED}, got {int(value)}", line
    assert out == ""


@pytest.mark.parametrize("command", [DUEL, BATCH, ABLATE], ids=lambda c: c[0])
def test_a_rules_version_that_is_no_number_is_one_line(cli, command) -> None:
    code, out, err = cli(*command, "--rules", "four")
    assert "--rules" in one_line(code, err) and out == ""


def test_batch_under_rules_4(cli) -> None:
    code, out, err = cli(*BATCH, "--rules", "4", "--json", "-q")
    assert code == 0, err
    data = json.loads(out)
    assert data["rules_version"] == "4" and data["duels"] == 20 and data["complete"]
    code, out, err = cli(*BATCH, "--rules", "4", "-q")
    assert code == 0, err
    assert out.splitlines()[0].endswith("sides paired; rules version 4")
    code, out, err = cli(*BATCH, "--json", "-q")
    assert code == 0, err
    assert json.loads(out)["rules_version"] == "3"


def test_a_batch_store_resumes_only_under_its_rules_version(cli, tmp_path: Path) -> None:
    store = tmp_path / "runs.sqlite"
    code, _, err = cli(*BATCH, "--rules", "4", "-q", "--out", store)
    assert code == 0, err
    code, out, err = cli(*BATCH, "-q", "--out", store)
    line = one_line(code, err)
    assert "rules_version" in line and '"4" there, "3" now' in line, line
    code, out, err = cli(*BATCH, "--rules", "4", "-q", "--out", store)
    assert code == 0, err
    assert "already stored" in out


def test_ablate_under_rules_4(cli) -> None:
    code, out, err = cli(*ABLATE, "--rules", "4", "--json", "-q")
    assert code == 0, err
    data = json.loads(out)
    assert data["rules_version"] == "4" and data["complete"] and data["cells"]
    code, out, err = cli(*ABLATE, "-q", "--json")
    assert code == 0, err
    assert json.loads(out)["rules_version"] == "3"


def test_a_duel_under_rules_4_records_4_and_replays_to_its_result(cli, tmp_path: Path) -> None:
    path = tmp_path / "duel.json"
    code, out, err = cli(*DUEL, "--rules", "4", "--json", "--record", path)
    assert code == 0, err
    fought = json.loads(out)
    data = json.loads(path.read_text())
    assert data["rules_version"] == "4"
    game, loaded = load_replay(path)
    assert game.rules == 4
    state, _ = replay_states(game, loaded)
    assert state_digest(state) == data["result"]["digest"]
    res = verify(path)
    assert (res.winner, res.outcome, res.turns, len(res.actions)) == (fought["winner"], fought["outcome"], fought["turns"],
                                                                       fought["actions"])
    code, out, err = cli("verify", path)
    assert code == 0, err
    assert f"{fought['winner']} wins ({fought['outcome']}) in {fought['turns']} turns" in out
    code, out, err = cli("log", path)
    assert code == 0 and out.strip(), err


def test_the_replay_command_plays_a_rules_4_replay(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pygame")
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")
    path, shot = tmp_path / "duel.json", tmp_path / "end.png"
    code, _, err = cli(*DUEL, "--bot", "greedy", "--rules", "4", "-q", "--record", path)
    assert code == 0, err
    code, _, err = cli("replay", path, "--screenshot", shot, "--frames", "3")
    assert code == 0, err
    assert shot.exists()


def test_a_default_duel_records_3(cli, tmp_path: Path) -> None:
    path = tmp_path / "duel.json"
    code, _, err = cli(*DUEL, "--bot", "greedy", "-q", "--record", path)
    assert code == 0, err
    assert json.loads(path.read_text())["rules_version"] == "3"
    assert load_replay(path)[0].rules == 3


@pytest.mark.parametrize("version", ["5", "2"])
def test_a_replay_of_a_version_this_program_does_not_play_is_refused(cli, tmp_path: Path, version: str) -> None:
    path = tmp_path / "duel.json"
    code, _, err = cli(*DUEL, "--bot", "greedy", "--rules", "4", "-q", "--record", path)
    assert code == 0, err
    data = json.loads(path.read_text())
    data["rules_version"] = version
    path.write_text(json.dumps(data))
    for command in ("verify", "log"):
        code, _, err = cli(command, path)
        line = one_line(code, err)
        assert line == (f"error: {path}: replay was recorded under rules version {version}; "
                        f"this program plays versions {PLAYED_WORDS}"), line


def test_a_rules_4_replay_relabelled_3_is_played_under_3_and_diverges(cli, tmp_path: Path) -> None:
    path = tmp_path / "duel.json"
    code, _, err = cli(*DUEL, "--rules", "4", "-q", "--record", path)
    assert code == 0, err
    data = json.loads(path.read_text())
    data["rules_version"] = "3"
    path.write_text(json.dumps(data))
    assert load_replay(path)[0].rules == 3
    code, _, err = cli("verify", path)
    assert "diverges" in one_line(code, err)
