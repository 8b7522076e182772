"""The shipped units and arenas, user folders, `gladiator validate` and `gladiator schema`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from gladiator.catalog import load_catalog
from gladiator.catalog.geometry import build_geometry
from gladiator.catalog.loader import builtin_dir
from gladiator.catalog.schema import CACHE, COVER, HAZARD, HIGH, WALL
from gladiator.errors import GladiatorError

UNITS = builtin_dir("units")
ARENAS = builtin_dir("arenas")


def test_the_shipped_gladiators_and_a_baseline(catalog):
    assert {"rouge", "viola", "jaron", "nean"} <= set(catalog.units)
    rouge, viola, jaron, nean = (catalog.unit(u) for u in ("rouge", "viola", "jaron", "nean"))
    assert {"leap", "core_extraction"} <= set(rouge.abilities)
    assert "mimic" in jaron.abilities
    assert nean.abilities == []
    # Rouge is the agile one, Viola the firepower with melt
    assert rouge.stats.agility == max(u.stats.agility for u in catalog.units.values())
    assert viola.stats.firepower == max(u.stats.firepower for u in catalog.units.values())
    assert any(w.melt > 0 for w in viola.weapons)
    # the colours of the story: red, purple, yellowish
    r, g, b = rouge.rgb
    assert r > 150 and g < 100 and b < 100
    r, g, b = viola.rgb
    assert b > g and r > g
    r, g, b = jaron.rgb
    assert r > 150 and g > 150 and b < 100


def test_the_shipped_arenas(catalog):
    assert {"concert_hall", "rooftops", "nectar_depot", "open_field"} <= set(catalog.arenas)
    field = catalog.arena("open_field").map
    assert not any(c in field for c in (WALL, HIGH, HAZARD))  # the plainest arena: two bales of cover, two caches
    assert field.count(COVER) == 2 and field.count(CACHE) == 2
    for aid in ("concert_hall", "rooftops", "nectar_depot"):
        m = catalog.arena(aid).map
        assert all(c in m for c in (WALL, COVER, CACHE)), aid
    for arena in catalog.arenas.values():
        geo = build_geometry(arena)
        a, b = geo.spawns
        assert geo.dist[a, b] < 999, arena.id


def test_shipped_files_are_keyed_by_their_id():
    for path in sorted(UNITS.glob("*.yaml")) + sorted(ARENAS.glob("*.yaml")):
        assert yaml.safe_load(path.read_text())["id"] == path.stem


def test_a_user_folder_adds_and_overrides(tmp_path, unit_yaml):
    (tmp_path / "mine.yaml").write_text(unit_yaml.replace("id: plain", "id: mine"))
    (tmp_path / "nean.yaml").write_text(unit_yaml.replace("id: plain", "id: nean").replace("integrity: 60", "integrity: 61"))
    cat = load_catalog([tmp_path])
    assert cat.unit("mine").stats.integrity == 60
    assert cat.unit("nean").stats.integrity == 61
    assert cat.sources["unit:nean"] == str(tmp_path / "nean.yaml")


def test_unknown_ids_name_the_known_ones(catalog):
    with pytest.raises(GladiatorError, match="unknown unit 'zed'; known units: jaron, nean, rouge, viola"):
        catalog.unit("zed")
    with pytest.raises(GladiatorError, match="unknown arena 'moon'"):
        catalog.arena("moon")


def test_validate_the_shipped_files(cli):
    code, out, err = cli("validate", UNITS, ARENAS)
    assert code == 0, err
    n = len(list(UNITS.glob("*.yaml"))) + len(list(ARENAS.glob("*.yaml")))
    assert f"all {n} file(s) valid" in out
    assert "(unit)" in out and "(arena)" in out


def test_validate_reports_every_problem_and_exits_2(cli, tmp_path, unit_yaml):
    units = tmp_path / "units"
    units.mkdir()
    text = unit_yaml
    (units / "good.yaml").write_text(text.replace("id: plain", "id: good"))
    (units / "two.yaml").write_text(text.replace("  armor: 1", "  armor: -1").replace("accuracy: 0.7\n", "accuracy: 2\n"))
    arena = tmp_path / "lonely.yaml"  # an arena told apart by its content, outside an arenas folder
    arena.write_text("id: lonely\nname: Lonely\nmap: |\n  A...\n")
    code, out, err = cli("validate", units, arena)
    assert code == 2
    problems = [line for line in err.splitlines() if ".yaml:" in line]
    assert len(problems) == 3, err
    assert any("two.yaml" in p and "stats.armor" in p for p in problems)
    assert any("two.yaml" in p and "weapons.0.accuracy" in p for p in problems)
    assert any("lonely.yaml:3: map:" in p and "'B'" in p for p in problems)
    assert "good.yaml (unit)" in out
    assert "3 problem(s) in 3 file(s)" in err and "Traceback" not in err


def test_validate_reports_every_missing_path_and_still_checks_the_rest(cli, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    code, out, err = cli("validate", tmp_path / "nothing", "units/rouge.yaml", tmp_path / "nowhere.yaml", empty)
    assert code == 2 and "Traceback" not in err
    problems = err.strip().splitlines()
    assert problems[:3] == [f"{tmp_path / 'nothing'}: no such file or folder",
                            f"{tmp_path / 'nowhere.yaml'}: no such file or folder",
                            f"{empty}: no unit or arena files (*.yaml, *.yml) in this folder"]
    assert "ok    units/rouge.yaml (unit)" in out
    assert problems[-1].startswith("3 problem(s)")


def test_schema_writes_json_schemas(cli, tmp_path):
    code, out, err = cli("schema", tmp_path)
    assert code == 0, err
    unit = json.loads((tmp_path / "unit.schema.json").read_text())
    arena = json.loads((tmp_path / "arena.schema.json").read_text())
    assert {"id", "name", "color", "stats", "weapons"} <= set(unit["required"])
    assert {"id", "name", "map"} <= set(arena["required"])
    assert unit.get("additionalProperties") is False  # unknown fields are refused, editors can say so
    assert "$schema" in unit and "$schema" in arena


def test_the_schemas_validate_the_shipped_files_and_refuse_bad_ones(cli, tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    cli("schema", tmp_path)
    unit = json.loads((tmp_path / "unit.schema.json").read_text())
    arena = json.loads((tmp_path / "arena.schema.json").read_text())
    for path in UNITS.glob("*.yaml"):
        jsonschema.validate(yaml.safe_load(path.read_text()), unit)
    for path in ARENAS.glob("*.yaml"):
        jsonschema.validate(yaml.safe_load(path.read_text()), arena)
    bad = yaml.safe_load((UNITS / "rouge.yaml").read_text())
    bad["stats"]["armor"] = -1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, unit)


def test_schema_into_an_unwritable_place_is_one_line(cli, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    code, _, err = cli("schema", blocker / "sub")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "cannot write" in err


def test_units_and_arenas_ship_with_the_package():
    """The data folders resolve from the package (installed) or the repository (editable)."""
    assert (UNITS / "rouge.yaml").is_file() and (ARENAS / "concert_hall.yaml").is_file()
    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    text = pyproject.read_text()
    assert '"units" = "gladiator/data/units"' in text and '"arenas" = "gladiator/data/arenas"' in text
