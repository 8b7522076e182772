"""Hostile unit and arena files: each is refused in well under a
second with one line naming the file, and nothing else happens."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from gladiator.catalog.loader import MAX_DEPTH, MAX_DIGITS, MAX_NODES, load_catalog, load_unit
from gladiator.errors import DataErrors, GladiatorError
from gladiator.files import MAX_DATA_BYTES
from conftest import one_line as _one_line
from work import measured

UNIT = """\
# A plain Nean suit: the baseline every gladiator is measured against.
id: nean
name: Nean Suit
title: Standard Issue
color: "#7f8c8d"
description: A factory fighting suit with no special abilities.
stats:
  integrity: 60
  armor: 1
  agility: 3
  firepower: 1
  speed: 3
  actions: 2
  heat_capacity: 20
  cooling: 4
  nectar: 20
  nectar_doses: 1
  dose_nectar: 10
weapons:
  - id: service_rifle
    name: Service Rifle
    kind: ranged
    range: 5
    accuracy: 0.7
    damage: [4, 7]
    heat: 2
  - id: shock_baton
    name: Shock Baton
    kind: melee
    range: 1
    accuracy: 0.75
    damage: [4, 6]
    heat: 1
abilities: []
"""  # a unit file as the project shipped it once: these tests change its text, not its balance


def _alias_bomb(levels: int = 9) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\nid: bomb\n"


BOMBS = [
    ("alias_bomb", _alias_bomb(), f"more than {MAX_NODES} values"),
    ("alias_bomb_in_a_mapping", "a: &a {k1: 1, k2: 1, k3: 1, k4: 1, k5: 1, k6: 1, k7: 1, k8: 1, k9: 1}\n" +
     "".join(f"b{i}: &b{i} {{" + ", ".join(f"k{j}: *{'a' if i == 0 else f'b{i - 1}'}" for j in range(9)) + "}\n" for i in range(8)),
     f"more than {MAX_NODES} values"),
    ("deep_flow", "id: deep\nname: " + "[" * 500 + "]" * 500 + "\n", "nested"),
    ("deep_block", "id: deep\n" + "".join("  " * i + f"k{i}:\n" for i in range(200)) + "  " * 200 + "x: 1\n", "nested"),
    ("deep_aliases", "a: &a " + "[" * 15 + "1" + "]" * 15 + "\nb: " + "[" * 10 + "*a" + "]" * 10 + "\n", "nested"),
    ("recursive_alias", "a: &a [1, *a]\n", "contains it"),
    ("many_digits", UNIT.replace("integrity: 60", "integrity: " + "9" * 5000), f"more than {MAX_DIGITS} digits"),
    ("many_digits_float", UNIT.replace("accuracy: 0.7", "accuracy: 0." + "1" * 400), f"more than {MAX_DIGITS} digits"),
    ("many_empty_lists", "id: x\nl: [" + ", ".join(["[]"] * (MAX_NODES + 10)) + "]\n", f"more than {MAX_NODES} values"),
]


@pytest.mark.parametrize("name, text, words", BOMBS, ids=[b[0] for b in BOMBS])
def test_a_resource_bomb_is_one_line_in_well_under_a_second(cli, tmp_path, name, text, words):
    folder = tmp_path / "units"
    folder.mkdir()
    path = folder / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    with measured() as work:
        code, _, err = cli("units", "--units", folder)
    work.check()
    line = _one_line(code, err)
    assert line.startswith(f"error: {path}"), line
    assert words in line, line


def test_a_huge_file_is_refused_before_it_is_read(cli, tmp_path):
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as f:
        f.truncate(10 * 2**30)  # a sparse 10 GB file: reading it would take minutes
    with measured() as work:
        code, _, err = cli("units", "--units", path)
    work.check()
    line = _one_line(code, err)
    assert str(path) in line and f"limit of {MAX_DATA_BYTES} bytes" in line


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize("kind", ["fifo", "dev_zero_link", "dev_zero"])
def test_a_path_that_is_not_a_regular_file_is_refused_at_once(cli, tmp_path, kind):
    if kind == "fifo":
        path = tmp_path / "unit.yaml"
        os.mkfifo(path)  # reading it would wait for a writer for ever
    elif kind == "dev_zero_link":
        path = tmp_path / "unit.yaml"
        path.symlink_to("/dev/zero")  # reading it would never end
    else:
        path = Path("/dev/zero")
    with measured() as work:
        code, _, err = cli("units", "--units", path)
    work.check()
    line = _one_line(code, err)
    assert str(path) in line and "regular file" in line, line


def test_validate_refuses_a_fifo_among_good_files(cli, tmp_path):
    os.mkfifo(tmp_path / "fifo.yaml")
    code, out, err = cli("validate", tmp_path / "fifo.yaml", "units/rouge.yaml")
    assert code == 2 and "regular file" in err and "units/rouge.yaml" in out


@pytest.mark.parametrize("folder", ["empty", "/dev/null"])
def test_an_empty_or_device_units_folder_is_reported(cli, tmp_path, folder):
    path = Path(folder) if folder.startswith("/") else tmp_path / folder
    if not folder.startswith("/"):
        path.mkdir()
    code, _, err = cli("units", "--units", path)
    line = _one_line(code, err)
    assert str(path) in line, line


# ---- numbers and types, duplicates (class 4) ----
BAD_VALUES = [
    ("integer_as_text", ("integrity: 60", 'integrity: "60"'), "stats.integrity", "valid integer"),
    ("integer_as_bool", ("integrity: 60", "integrity: true"), "stats.integrity", "valid integer"),
    ("integer_as_float", ("integrity: 60", "integrity: 60.0"), "stats.integrity", "valid integer"),
    ("damage_as_text", ("damage: [4, 6]", 'damage: "6"'), "weapons.1.damage", "valid integer"),
    ("damage_pair_with_bool", ("damage: [4, 7]", "damage: [true, 7]"), "weapons.0.damage", "valid integer"),
    ("accuracy_as_text", ("accuracy: 0.7", 'accuracy: "0.7"'), "weapons.0.accuracy", "valid number"),
    ("accuracy_as_bool", ("accuracy: 0.7", "accuracy: true"), "weapons.0.accuracy", "valid number"),
    ("accuracy_nan", ("accuracy: 0.7", "accuracy: .nan"), "weapons.0.accuracy", "finite number"),
    ("accuracy_inf", ("accuracy: 0.7", "accuracy: .inf"), "weapons.0.accuracy", "finite number"),
    ("accuracy_overflow", ("accuracy: 0.7", "accuracy: 1.0e+400"), "weapons.0.accuracy", "finite number"),
    ("repeated_ability", ("abilities: []", "abilities: [leap, leap]"), "", "'leap' is listed more than once"),
    ("escape_code_in_name", ("name: Nean Suit", 'name: "\\e[31mRED"'), "name", "control characters"),
    ("bidi_override_in_title", ("title: Standard Issue", 'title: "\\u202eevil"'), "title", "control characters"),
    ("very_long_name", ("name: Nean Suit", "name: " + "N" * 500), "name", "at most"),
]


@pytest.mark.parametrize("name, change, field, words", BAD_VALUES, ids=[b[0] for b in BAD_VALUES])
def test_numbers_types_and_text_are_strict(cli, tmp_path, name, change, field, words):
    assert change[0] in UNIT, change
    folder = tmp_path / "units"
    folder.mkdir()
    path = folder / "nean.yaml"
    path.write_text(UNIT.replace(change[0], change[1], 1), encoding="utf-8")
    code, _, err = cli("units", "--units", folder)
    line = _one_line(code, err)
    assert line.startswith(f"error: {path}:"), line
    assert (f": {field}: " in line) if field else True, line
    assert words in line, line


def test_a_duplicate_key_names_both_lines(cli, tmp_path):
    path = tmp_path / "nean.yaml"
    text = UNIT.replace("  armor: 1\n", "  armor: 1\n  agility: 9\n", 1)
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    first = next(i for i, ln in enumerate(lines, 1) if ln.startswith("  agility:"))
    second = next(i for i, ln in enumerate(lines, 1) if ln.startswith("  agility:") and i != first)
    code, _, err = cli("units", "--units", path)
    line = _one_line(code, err)
    assert line == f"error: {path}:{second}: duplicate key 'agility' (lines {first} and {second})"


def test_two_files_with_one_id_name_both_files(cli, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    (a / "scout.yaml").write_text(UNIT.replace("id: nean", "id: scout"), encoding="utf-8")
    (b / "other.yaml").write_text(UNIT.replace("id: nean", "id: scout"), encoding="utf-8")
    code, _, err = cli("units", "--units", a, "--units", b)
    line = _one_line(code, err)
    assert str(a / "scout.yaml") in line and str(b / "other.yaml") in line and "'scout'" in line


def test_a_users_file_still_replaces_a_shipped_unit(tmp_path):
    (tmp_path / "nean.yaml").write_text(UNIT.replace("integrity: 60", "integrity: 61"), encoding="utf-8")
    assert load_catalog([tmp_path]).unit("nean").stats.integrity == 61


def test_anchors_and_aliases_within_the_limits_still_work(tmp_path):
    text = UNIT.replace("  armor: 1", "  armor: &one 1").replace("  firepower: 1", "  firepower: *one")
    path = tmp_path / "u.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_unit(path).stats.firepower == 1


# ---- a fuzzer: any bytes in a unit file are a model or a one-line error ----
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pos=st.integers(0, len(UNIT)), junk=st.one_of(
    st.text(max_size=30),
    st.sampled_from(["&a [1]", "*a", "[[[[", "]]", "{", "999999999999999999999999999999999999", ".nan", "-.inf", "\t",
                     "!!python/object:os.system", "<<: *a", "? [a]\n: b", "\x00", "\ufeff", "\x1b[2J"]),
    st.binary(max_size=20).map(lambda b: b.decode("latin-1"))))
def test_any_edit_of_a_unit_file_is_a_model_or_a_data_error(tmp_path, pos, junk):
    path = tmp_path / "fuzz.yaml"
    path.write_bytes((UNIT[:pos] + junk + UNIT[pos:]).encode("utf-8", "surrogatepass"))
    with measured() as work:
        try:
            load_unit(path)
        except DataErrors as e:
            assert all(str(x).startswith(str(path)) for x in e.errors)
            assert all("\n" not in str(x) for x in e.errors)
        except GladiatorError as e:
            assert str(e).startswith(str(path))
    work.check()
