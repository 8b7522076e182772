"""Commands over the catalog: units, arenas, show, validate, schema.

Imports `gladiator.cli.common` and the catalog; never another command module.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.text import Text

from gladiator.cli.common import ArenasOpt, ForceOpt, UnitsOpt, compact_table, data_text, err, load, out, print_table
from gladiator.errors import DataErrors, GladiatorError
from gladiator.files import check_outputs, printable, write_text_atomic


def register(app: typer.Typer) -> None:
    """Add the catalog commands to the `gladiator` app."""
    app.command("units")(list_units)
    app.command("arenas")(list_arenas)
    app.command("show")(show)
    app.command("validate")(validate)
    app.command("schema")(schema)


def list_units(units: Optional[list[Path]] = UnitsOpt, arenas: Optional[list[Path]] = ArenasOpt) -> None:
    """List the units available, with key stats."""
    cat = load(units, arenas)
    # short headers, one weapon or ability a line: fits 80 columns; ids are never cut
    rows = []
    for u in sorted(cat.units.values(), key=lambda u: u.id):
        s = u.stats
        rows.append([u.id, data_text(u.name, u.color), *(str(v) for v in (s.integrity, s.armor, s.agility, s.firepower, s.speed, s.actions, s.heat_capacity, s.nectar)),
                     "\n".join(w.id for w in u.weapons), "\n".join(u.abilities) or "-"])
    t = compact_table("Units", ["id", "name", "int", "arm", "agi", "fire", "spd", "AP", "heat", "nec", "weapons", "abilities"], rows,
                      left=("id", "name", "weapons", "abilities"),
                      caption="int integrity, arm armor, agi agility, fire firepower, spd speed, AP action points, "
                              "heat heat capacity, nec Nectar")
    print_table(t)


def list_arenas(units: Optional[list[Path]] = UnitsOpt, arenas: Optional[list[Path]] = ArenasOpt) -> None:
    """List the arenas available."""
    from gladiator.catalog.schema import CACHE, COVER, HAZARD, HIGH

    cat = load(units, arenas)
    rows = [[a.id, data_text(a.name), f"{a.width}x{a.height}", str(a.turn_limit), *(str(a.map.count(c)) for c in (COVER, HIGH, HAZARD, CACHE))]
            for a in sorted(cat.arenas.values(), key=lambda a: a.id)]
    t = compact_table("Arenas", ["id", "name", "size", "turn limit", "cover", "high", "hazard", "caches"], rows)
    print_table(t)


def show(name: str = typer.Argument(..., help="A unit or arena id."),
         units: Optional[list[Path]] = UnitsOpt, arenas: Optional[list[Path]] = ArenasOpt) -> None:
    """Print one unit (or arena) in full."""
    cat = load(units, arenas)
    if name in cat.units:
        u = cat.units[name]
        out.print(Text.assemble(data_text(u.name, f"bold {u.color}"), " — ", data_text(u.title), f"  ({u.id})"))
        if u.description:
            out.print(data_text(u.description))
        print_table(compact_table("", ["stat", "value"], [[k, str(v)] for k, v in u.stats.model_dump().items()], left=("stat",)))
        wrows = []
        for wp in u.weapons:
            lo, hi = wp.damage_range
            wrows.append([wp.id, data_text(wp.name), wp.kind, str(wp.range), f"{wp.accuracy:.0%}", f"{lo}-{hi}" if lo != hi else str(lo),
                          str(wp.heat), str(wp.melt), str(wp.nectar)])
        print_table(compact_table("Weapons", ["id", "name", "kind", "range", "accuracy", "damage", "heat", "melt", "nectar"], wrows,
                                  left=("id", "name", "kind")))
        out.print(f"abilities: {', '.join(u.abilities) or 'none'}", markup=False)
        return
    if name in cat.arenas:
        a = cat.arenas[name]
        out.print(Text.assemble(data_text(a.name, "bold"), f" ({a.id}), {a.width}x{a.height}, turn limit {a.turn_limit}"))
        if a.description:
            out.print(data_text(a.description))
        out.print(a.map, markup=False)
        return
    cat.unit(name)


def validate(paths: list[Path] = typer.Argument(..., help="Unit or arena files, or folders of them.")) -> None:
    """Check unit and arena files; report every problem with file, line and field."""
    from gladiator.catalog.loader import Arena, Unit, guess_kind, read_yaml, validate_data
    from gladiator.catalog.geometry import spawns_connected
    from gladiator.errors import DataError

    files: list[Path] = []
    problems: list[str] = []
    for p in paths:  # every path is looked at: a missing one is a problem, not the end
        if p.is_dir():
            found = sorted(list(p.glob("*.yaml")) + list(p.glob("*.yml")))
            files += found
            if not found:
                problems.append(f"{p}: no unit or arena files (*.yaml, *.yml) in this folder")
        elif p.exists() or p.is_symlink():
            files.append(p)
        else:
            problems.append(f"{p}: no such file or folder")
    for x in problems:
        err.print(printable(x), markup=False)
    for f in files:
        try:
            data, text = read_yaml(f)
            kind = guess_kind(f, data)
            model = validate_data(data, Arena if kind == "arena" else Unit, str(f), text)
            if kind == "arena" and not spawns_connected(model):  # type: ignore[arg-type]
                raise DataErrors([DataError(str(f), _line_of(text, "map"), "map", "spawn points A and B cannot reach each other")])
            out.print(printable(f"ok    {f} ({kind})"), markup=False)
        except DataErrors as e:
            problems += [str(x) for x in e.errors]
            for x in e.errors:
                err.print(printable(str(x)), markup=False)
    if problems:
        err.print(f"{len(problems)} problem(s) in {len(files)} file(s) and {len(paths)} path(s) given", markup=False)
        raise typer.Exit(2)
    out.print(f"all {len(files)} file(s) valid", markup=False)


def schema(out_dir: Path = typer.Argument(Path("schemas"), metavar="FOLDER",
                                          help="Folder to write the JSON Schemas to (made if missing)."),
           force: bool = ForceOpt) -> None:
    """Write JSON Schemas of unit and arena files, for editors to check and complete them."""
    from gladiator.catalog.schema import Arena, Unit

    targets = {name: out_dir / f"{name}.schema.json" for name in ("unit", "arena")}
    for target in targets.values():
        check_outputs({"the schema": target}, force=force)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, model in (("unit", Unit), ("arena", Arena)):
            path = targets[name]
            sch = model.model_json_schema()
            sch["$schema"] = "https://json-schema.org/draft/2020-12/schema"
            write_text_atomic(path, json.dumps(sch, indent=2) + "\n", "JSON Schema")
            out.print(printable(f"wrote {path}"), markup=False)
    except OSError as e:
        raise GladiatorError(f"{out_dir}: cannot write schemas: {e.strerror or e}") from None



def _line_of(text: str, key: str) -> int | None:
    for i, line in enumerate(text.splitlines(), 1):
        if line.startswith(f"{key}:"):
            return i
    return None
