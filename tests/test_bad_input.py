"""Bad input through the command line: one clear line naming file, line and field; exit code 2;
never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import one_line as _one_line


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def _unit_file(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "units"
    folder.mkdir(exist_ok=True)
    path = folder / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _arena_file(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "arenas"
    folder.mkdir(exist_ok=True)
    path = folder / "broken.yaml"
    path.write_text("id: broken\nname: Broken\nturn_limit: 30\nmap: |\n" + body, encoding="utf-8")
    return path


BROKEN_UNITS = [
    # (name, how to break the plain unit file, the line to point at, field named, words)
    ("malformed_yaml", lambda t: t.replace("  armor: 1", "  armor: [1"), "armor: [1", None, "malformed YAML"),
    ("unknown_field", lambda t: t.replace("  armor: 1", "  armour: 1"), "armour: 1", "stats.armour", "unknown field"),
    ("missing_field", lambda t: t.replace("    kind: melee\n", ""), "id: baton", "weapons.1.kind", "missing field"),
    ("missing_top_field", lambda t: t.replace("name: Plain Suit\n", ""), "id: plain", "name", "missing field"),
    ("wrong_type", lambda t: t.replace("  speed: 3", "  speed: fast"), "speed: fast", "stats.speed", "integer"),
    ("negative_stat", lambda t: t.replace("  armor: 1", "  armor: -1"), "armor: -1", "stats.armor", "greater than or equal to 0"),
    ("accuracy_above_one", lambda t: t.replace("accuracy: 0.7\n", "accuracy: 1.5\n"), "accuracy: 1.5", "weapons.0.accuracy", "less than or equal to 1"),
    ("accuracy_below_zero", lambda t: t.replace("accuracy: 0.75", "accuracy: -0.1"), "accuracy: -0.1", "weapons.1.accuracy", "greater than or equal to 0"),
    ("bad_damage", lambda t: t.replace("damage: [4, 7]", "damage: [7, 4]"), "damage: [7, 4]", "weapons.0.damage", "low <= high"),
    ("bad_colour", lambda t: t.replace('color: "#7f8c8d"', "color: grey"), "color: grey", "color", "#rrggbb"),
    ("unknown_ability", lambda t: t.replace("abilities: []", "abilities: [fly]"), "abilities: [fly]", "abilities.0", ""),
]


@pytest.mark.parametrize("name, breaks, where, field, words", BROKEN_UNITS, ids=[b[0] for b in BROKEN_UNITS])
def test_a_broken_unit_file_is_one_line_naming_file_line_and_field(cli, tmp_path, unit_yaml, name, breaks, where, field, words):
    text = breaks(unit_yaml)
    assert text != unit_yaml
    path = _unit_file(tmp_path, text)
    code, _, err = cli("duel", "rouge", "viola", "--units", path.parent)
    line = _one_line(code, err)
    at = _line_of(text, where)
    # the YAML parser may notice a syntax error on the line after the one at fault
    assert any(line.startswith(f"error: {path}:{n}: ") for n in (at, at + 1) if name == "malformed_yaml" or n == at), line
    if field:
        assert f": {field}: " in line, line
    assert words in line, line


@pytest.mark.parametrize("body, words", [
    ("  A....\n  .....\n", "exactly one spawn point 'B'"),
    ("  A..B.\n  ...B.\n", "exactly one spawn point 'B', found 2"),
    ("  A.#..\n  ..#.B\n", "cannot reach each other"),
    ("  A..B\n  ...\n", "row 2 has 3 tiles"),
    ("  A.?.B\n", "unknown tile '?'"),
])
def test_a_broken_arena_is_one_line(cli, tmp_path, body, words):
    path = _arena_file(tmp_path, body)
    code, _, err = cli("duel", "rouge", "viola", "--arena", "broken", "--arenas", path.parent)
    line = _one_line(code, err)
    assert line.startswith(f"error: {path}:4: map: "), line  # the map starts on line 4
    assert words in line, line


def test_yaml_is_loaded_safely(cli, tmp_path):
    path = _unit_file(tmp_path, "!!python/object/apply:os.system ['echo pwned']\n")
    code, out, err = cli("duel", "rouge", "viola", "--units", path.parent)
    line = _one_line(code, err)
    assert str(path) in line and "malformed YAML" in line and "pwned" not in out


def test_a_file_that_is_not_a_mapping(cli, tmp_path):
    path = _unit_file(tmp_path, "- just\n- a list\n")
    code, _, err = cli("duel", "rouge", "viola", "--units", path.parent)
    assert str(path) in _one_line(code, err)


@pytest.mark.parametrize("args, words", [
    (("duel", "rouge", "nobody"), "unknown unit 'nobody'"),
    (("duel", "rouge", "viola", "--arena", "moon"), "unknown arena 'moon'"),
    (("duel", "rouge", "viola", "--bot", "clever"), "unknown bot 'clever'"),
    (("duel", "rouge", "viola", "--bot-b", "clever"), "unknown bot 'clever'"),
    (("duel", "rouge", "viola", "--seed", "-1"), "--seed must be 0 or more"),
    (("duel", "rouge", "viola", "--seed", str(2**64)), "--seed must be at most 2**63-1"),
    (("show", "nobody"), "unknown unit 'nobody'"),
    (("duel", "rouge", "viola", "--units", "/no/such/folder"), "/no/such/folder"),
])
def test_unknown_names_and_bad_values_are_one_line(cli, args, words):
    code, _, err = cli(*args)
    line = _one_line(code, err)
    assert words in line, line


def test_known_names_are_listed_with_an_unknown_one(cli):
    code, _, err = cli("duel", "rouge", "nobody")
    line = _one_line(code, err)
    for uid in ("jaron", "nean", "rouge", "viola"):
        assert uid in line


@pytest.mark.parametrize("args, words", [
    (("duel", "rouge", "viola", "--bogus"), "--bogus"),
    (("duel", "rouge", "viola", "--seed", "seven"), "--seed"),
    (("duel", "rouge"), "unit_b"),
    (("fight",), "fight"),
])
def test_a_wrong_command_line_exits_2_without_a_traceback(cli, args, words):
    code, _, err = cli(*args)
    assert code == 2 and "Traceback" not in err
    assert words.lower() in err.lower(), err


def test_the_installed_command_fails_cleanly_too(tmp_path):
    """The real process: exit code 2 and one line, no traceback."""
    r = subprocess.run([sys.executable, "-m", "gladiator", "duel", "rouge", "nobody"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [r.stderr.strip()] and "Traceback" not in r.stderr
    assert r.stderr.startswith("error: unknown unit 'nobody'")


def test_several_broken_files_are_still_one_line(cli, tmp_path, unit_yaml):
    folder = tmp_path / "units"
    folder.mkdir()
    (folder / "a.yaml").write_text(unit_yaml.replace("id: plain", "id: a").replace("  armor: 1", "  armor: -1"))
    (folder / "b.yaml").write_text(unit_yaml.replace("id: plain", "id: b").replace("  speed: 3", "  speed: fast"))
    code, _, err = cli("duel", "rouge", "viola", "--units", folder)
    line = _one_line(code, err)
    assert "a.yaml" in line and "1 more problem" in line and "gladiator validate" in line


def test_a_replay_that_cannot_be_written_loses_nothing_already_computed(cli, tmp_path):
    bad = tmp_path / "no" / "such" / "folder" / "duel.json"
    code, out, err = cli("duel", "rouge", "viola", "--seed", "2", "--quiet", "--record", bad)
    assert "Result: " in out  # the duel is still reported
    line = _one_line(code, err)
    assert str(bad) in line and "cannot write replay" in line
