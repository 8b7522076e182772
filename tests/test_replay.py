"""Replays: record, verify, and every way a replay file can be broken (one line, exit code 2)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from gladiator.bots import make_bot
from gladiator.duel import game_for, play_duel
from gladiator.errors import ReplayError
from gladiator.replay import load_replay, make_replay, replay_states, save_replay, state_digest, verify


@pytest.fixture
def recorded(cli, tmp_path: Path) -> Path:
    path = tmp_path / "duel.json"
    code, out, err = cli("duel", "rouge", "viola", "--seed", "7", "--quiet", "--record", path)
    assert code == 0, err
    return path


def _edit(path: Path, change) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def _one_line_error(code: int, err: str, *words: str) -> None:
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ") and "Traceback" not in err
    for w in words:
        assert w in lines[0], lines[0]


def test_a_recorded_duel_verifies(cli, recorded):
    data = json.loads(recorded.read_text())
    for key in ("rules_version", "seed", "units", "arena", "roster", "arena_data", "hashes", "actions", "result"):
        assert key in data
    assert data["seed"] == 7 and data["units"] == ["rouge", "viola"]
    code, out, err = cli("verify", recorded)
    assert code == 0, err
    assert out.startswith("OK:") and data["result"]["outcome"] in out


def test_a_replay_replays_to_the_same_state_as_the_duel(catalog, tmp_path):
    game = game_for(catalog, "rooftops")
    res = play_duel(game, ("jaron", "nean"), 11, (make_bot("random"), make_bot("greedy")))
    path = tmp_path / "r.json"
    save_replay(path, make_replay(game, res, ("random", "greedy")))
    game2, data = load_replay(path)
    final, events = replay_states(game2, data, events=True)
    assert state_digest(final) == state_digest(res.state)
    assert [e for e in events if e["event"] == "result"] == [e for e in res.events if e["event"] == "result"]
    assert verify(path).winner == res.winner
    # part of the way: the state after the first k actions
    half, _ = replay_states(game2, data, upto=len(data["actions"]) // 2)
    assert not half.done[0] and int(half.counter[0]) == len(data["actions"]) // 2


def test_tampered_data_is_refused(cli, recorded):
    def stronger(data):
        for u in data["roster"]:
            if u["id"] == "viola":
                u["stats"]["integrity"] += 50

    _edit(recorded, stronger)
    code, _, err = cli("verify", recorded)
    _one_line_error(code, err, str(recorded), "tampered", "viola")


def test_a_tampered_arena_is_refused(cli, recorded):
    _edit(recorded, lambda d: d["arena_data"].update(turn_limit=5))
    code, _, err = cli("verify", recorded)
    _one_line_error(code, err, "tampered", "arena")


def test_corrupt_json_is_refused(cli, recorded):
    text = recorded.read_text()
    recorded.write_text(text[: len(text) // 2])
    code, _, err = cli("verify", recorded)
    _one_line_error(code, err, str(recorded), "corrupt", "JSON")


def test_not_a_replay_is_refused(cli, tmp_path):
    path = tmp_path / "other.json"
    path.write_text('{"hello": 1}')
    code, _, err = cli("verify", path)
    _one_line_error(code, err, "not a gladiator replay")
    code, _, err = cli("verify", tmp_path / "missing.json")
    _one_line_error(code, err, "missing.json")


@pytest.mark.parametrize("field, value, words", [
    ("seed", "seven", ("seed",)),
    ("seed", -3, ("'seed'", "greater than or equal to 0")),
    ("seed", 2**70, ("seed",)),
    ("actions", [1, "x"], ("'actions.1'", "valid integer")),
    ("units", ["rouge"], ("'units'", "at least 2")),
    ("units", ["rouge", "zed"], ("'zed'",)),
    ("rules_version", "0", ("rules version",)),
])
def test_corrupt_fields_are_refused(cli, recorded, field, value, words):
    _edit(recorded, lambda d: d.update({field: value}))
    code, _, err = cli("verify", recorded)
    _one_line_error(code, err, *words)


def test_a_changed_action_is_caught(cli, recorded):
    data = json.loads(recorded.read_text())
    k = next(i for i, a in enumerate(data["actions"]) if a != 0)

    _edit(recorded, lambda d: d["actions"].__setitem__(k, 10**6))
    code, _, err = cli("verify", recorded)
    _one_line_error(code, err, f"action {k + 1} is 1000000, outside the action space")


def test_a_legal_but_different_action_is_caught(cli, recorded):
    data = json.loads(recorded.read_text())
    k = next(i for i, a in enumerate(data["actions"]) if a != 0)
    _edit(recorded, lambda d: d["actions"].__setitem__(k, 0))  # end the turn instead: always legal
    code, _, err = cli("verify", recorded)
    _one_line_error(code, err, "diverges")


def test_truncated_actions_are_caught(cli, recorded):
    _edit(recorded, lambda d: d.update(actions=d["actions"][:-1]))
    code, _, err = cli("verify", recorded)
    _one_line_error(code, err, "diverges", "still going")


def test_extra_actions_are_caught(cli, recorded):
    _edit(recorded, lambda d: d.update(actions=d["actions"] + [0]))
    code, _, err = cli("verify", recorded)
    _one_line_error(code, err, "diverges", "already ended")


def test_a_changed_result_is_caught(cli, recorded):
    _edit(recorded, lambda d: d["result"].update(turns=d["result"]["turns"] + 1))
    code, _, err = cli("verify", recorded)
    _one_line_error(code, err, "diverges", "turns")


def test_a_replay_still_verifies_after_the_unit_files_change(cli, tmp_path, unit_yaml):
    units = tmp_path / "units"
    units.mkdir()
    mine = units / "rival.yaml"
    text = unit_yaml.replace("id: plain", "id: rival")
    mine.write_text(text)
    path = tmp_path / "rival.json"
    code, _, err = cli("duel", "rival", "rouge", "--seed", "4", "--quiet", "--units", units, "--record", path)
    assert code == 0, err
    mine.write_text(text.replace("integrity: 60", "integrity: 200").replace("accuracy: 0.7\n", "accuracy: 0.95\n"))
    shutil.rmtree(units)  # even with the files gone, the replay carries its own data
    code, out, err = cli("verify", path)
    assert code == 0, err
    assert out.startswith("OK:")


def test_load_replay_raises_replay_error(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("[1, 2")
    with pytest.raises(ReplayError, match="corrupt replay"):
        load_replay(path)
