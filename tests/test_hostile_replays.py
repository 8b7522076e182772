"""Hostile replay files: every field is checked for type and range before
use, within the limits, and every message is one line naming the file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from gladiator.errors import GladiatorError
from gladiator.replay import load_replay, replay_states, verify
from work import measured

RECORDED: dict[str, str] = {}


@pytest.fixture
def recorded(cli, tmp_path: Path) -> Path:
    path = tmp_path / "duel.json"
    if "text" not in RECORDED:
        code, _, err = cli("duel", "rouge", "viola", "--seed", "7", "--quiet", "--record", path)
        assert code == 0, err
        RECORDED["text"] = path.read_text()
    path.write_text(RECORDED["text"])
    return path


def _one_line(code: int, err: str, path: Path) -> str:
    assert code == 2, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"error: {path}"), lines[0]
    return lines[0]


def _set(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


FIELD_CHANGES = [
    ("hashes_units_as_list", lambda d: d["hashes"].update(units=["x"]), "hashes.units"),
    ("hashes_units_as_string", lambda d: d["hashes"].update(units="abc"), "hashes.units"),
    ("hashes_as_list", lambda d: d.update(hashes=[1, 2]), "hashes"),
    ("hash_arena_as_number", lambda d: d["hashes"].update(arena=5), "hashes.arena"),
    ("result_as_list", lambda d: d.update(result=[1, 2]), "result"),
    ("result_outcome_unknown", lambda d: d["result"].update(outcome="exploded"), "result.outcome"),
    ("result_turns_text", lambda d: d["result"].update(turns="9"), "result.turns"),
    ("result_winner_index_2", lambda d: d["result"].update(winner_index=2), "result.winner_index"),
    ("result_digest_number", lambda d: d["result"].update(digest=12), "result.digest"),
    ("action_2_70", lambda d: d["actions"].__setitem__(0, 2**70), "outside the action space"),
    ("action_huge", lambda d: d["actions"].__setitem__(0, 10**40), "more than 30 digits"),
    ("action_2_63", lambda d: d["actions"].__setitem__(0, 2**63), "outside the action space"),
    ("action_negative", lambda d: d["actions"].__setitem__(0, -1), "outside the action space"),
    ("action_bool", lambda d: d["actions"].__setitem__(0, True), "actions.0"),
    ("action_float", lambda d: d["actions"].__setitem__(0, 1.0), "actions.0"),
    ("actions_as_dict", lambda d: d.update(actions={"a": 1}), "actions"),
    ("seed_bool", lambda d: d.update(seed=True), "seed"),
    ("seed_float", lambda d: d.update(seed=7.0), "seed"),
    ("seed_2_63", lambda d: d.update(seed=2**63), "seed"),
    ("units_three", lambda d: d.update(units=["rouge", "viola", "jaron"]), "units"),
    ("units_numbers", lambda d: d.update(units=[1, 2]), "units.0"),
    ("bots_as_string", lambda d: d.update(bots="greedy"), "bots"),
    ("roster_as_dict", lambda d: d.update(roster={"a": 1}), "roster"),
    ("roster_empty", lambda d: d.update(roster=[]), "roster"),
    ("roster_unit_as_list", lambda d: d["roster"].__setitem__(0, [1]), "roster.0"),
    ("roster_integrity_text", lambda d: d["roster"][0]["stats"].update(integrity="60"), "integrity"),
    ("roster_twice", lambda d: d["roster"].append(d["roster"][0]), "twice"),
    ("arena_data_as_list", lambda d: d.update(arena_data=[]), "arena_data"),
    ("format_version_2", lambda d: d.update(format_version=2), "format_version"),
    ("format_version_text", lambda d: d.update(format_version="1"), "format_version"),
    ("format_version_true", lambda d: d.update(format_version=True), "format_version"),
    ("rules_version_number", lambda d: d.update(rules_version=1), "rules_version"),
    ("name_with_escape", lambda d: d["roster"][0].update(name="\x1b[2J"), "control characters"),
]


@pytest.mark.parametrize("name, change, words", FIELD_CHANGES, ids=[c[0] for c in FIELD_CHANGES])
def test_a_bad_field_is_one_line_naming_the_file(cli, recorded, name, change, words):
    _set(recorded, change)
    for command in ("verify",):
        code, _, err = cli(command, recorded)
        line = _one_line(code, err, recorded)
        assert words in line, line


TEXT_BOMBS = [
    ("deep_nesting", lambda t: t.replace('"actions": [', '"actions": [' + "[" * 100000 + "]" * 100000 + ", ", 1), "nested"),
    ("nan", lambda t: t.replace('"seed": 7', '"seed": NaN', 1), "NaN"),
    ("infinity", lambda t: t.replace('"seed": 7', '"seed": -Infinity', 1), "Infinity"),
    ("overflowing_float", lambda t: t.replace('"seed": 7', '"seed": 1e999', 1), "not finite"),
    ("thousands_of_digits", lambda t: t.replace('"seed": 7', '"seed": ' + "7" * 5000, 1), "digits"),
    ("duplicate_key", lambda t: t.replace('"seed": ', '"seed": 1, "seed": ', 1), "'seed' is given twice"),
    ("not_utf8", lambda t: t.replace('"seed": 7', '"seed": "\udcff"', 1), "not valid JSON"),
]


@pytest.mark.parametrize("name, breaks, words", TEXT_BOMBS, ids=[b[0] for b in TEXT_BOMBS])
def test_a_hostile_replay_text_is_one_line_in_well_under_a_second(cli, recorded, name, breaks, words):
    text = breaks(recorded.read_text())
    recorded.write_bytes(text.encode("utf-8", "surrogateescape"))
    with measured() as work:
        code, _, err = cli("verify", recorded)
    work.check()
    assert words in _one_line(code, err, recorded)


def test_a_huge_replay_is_refused_before_it_is_read(cli, tmp_path):
    path = tmp_path / "huge.json"
    with open(path, "wb") as f:
        f.truncate(10 * 2**30)
    code, _, err = cli("verify", path)
    assert "larger than the limit" in _one_line(code, err, path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_replay_is_refused_at_once(cli, tmp_path):
    path = tmp_path / "duel.json"
    os.mkfifo(path)
    code, _, err = cli("verify", path)
    assert "regular file" in _one_line(code, err, path)


def test_a_diverging_replay_names_the_file(cli, recorded):
    _set(recorded, lambda d: d["result"].update(turns=d["result"]["turns"] + 1))
    code, _, err = cli("verify", recorded)
    assert "diverges" in _one_line(code, err, recorded)
    _set(recorded, lambda d: d.update(actions=d["actions"][:3]))
    code, _, err = cli("verify", recorded)
    assert "diverges" in _one_line(code, err, recorded)


def test_replay_states_names_the_file_it_is_given(recorded):
    game, data = load_replay(recorded)
    data["actions"] = data["actions"] + [0]
    with pytest.raises(GladiatorError, match=str(recorded)):
        replay_states(game, data, path=recorded)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_edit_of_a_replay_is_verified_or_a_one_line_error(recorded, data):
    doc = json.loads(RECORDED["text"])
    keys = ["seed", "units", "actions", "roster", "arena_data", "hashes", "result", "format_version", "bots", "arena"]
    key = data.draw(st.sampled_from(keys))
    junk = st.recursive(st.none() | st.booleans() | st.integers(-2**80, 2**80) | st.floats(allow_nan=False) | st.text(max_size=5),
                        lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=5), kids, max_size=3),
                        max_leaves=8)
    doc[key] = data.draw(junk)
    recorded.write_text(json.dumps(doc))
    try:
        verify(recorded)
    except GladiatorError as e:
        assert str(e).startswith(str(recorded)) and "\n" not in str(e)
