"""The `gladiator` command line (typer). A front end: it drives the engine, it holds no rule.

Every user error is one line on stderr and exit code 2; never a traceback.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console
from rich.table import Table

from gladiator import RULES_VERSION, __version__
from gladiator.errors import DataErrors, GladiatorError

app = typer.Typer(
    name="gladiator", help="Gladiator mech duels: one rules engine, a window, a batch runner.",
    no_args_is_help=False, add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None,
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)  # user text like "a:b:" stays as typed

UnitsOpt = typer.Option(None, "--units", help="Add a folder (or file) of your own unit YAML files; may repeat.")
ArenasOpt = typer.Option(None, "--arenas", help="Add a folder (or file) of your own arena YAML files; may repeat.")


def load(units: Optional[list[Path]], arenas: Optional[list[Path]]):  # type: ignore[no-untyped-def]
    """The catalog: shipped data plus the user's folders."""
    from gladiator.catalog.loader import load_catalog

    return load_catalog(units or [], arenas or [])


def pick_bots(bot: Optional[str], bot_a: Optional[str], bot_b: Optional[str]) -> tuple[str, str]:
    """Bot names of both sides from --bot / --bot-a / --bot-b (default greedy)."""
    from gladiator.bots import make_bot

    names = (bot_a or bot or "greedy", bot_b or bot or "greedy")
    for n in names:
        make_bot(n)
    return names


@app.callback(invoke_without_command=True)
def _root(ctx: typer.Context,
          version: bool = typer.Option(False, "--version", help="Print the version and exit.")) -> None:
    """With no command, open the title screen (or print a headless duel where there is no display)."""
    if version:
        out.print(f"gladiator {__version__} (rules version {RULES_VERSION})")
        raise typer.Exit()
    if ctx.invoked_subcommand is None:
        start()


@app.command()
def start() -> None:
    """Open the title screen where a display is available; otherwise print a headless duel."""
    if _has_display():
        from gladiator.ui.app import real_display, run_title

        if real_display():
            run_title()
            return
    out.print("(no display: a headless duel instead of the window)", markup=False)
    duel("rouge", "viola", arena="concert_hall", seed=7, bot=None, bot_a=None, bot_b=None, as_json=False,
         record=None, quiet=False, units=None, arenas=None)


@app.command()
def duel(
    unit_a: str = typer.Argument(..., help="Id of the first unit (side A)."),
    unit_b: str = typer.Argument(..., help="Id of the second unit (side B)."),
    arena: str = typer.Option("concert_hall", "--arena", "-a", help="Arena id."),
    seed: int = typer.Option(0, "--seed", "-s", help="The duel's seed (0 or more)."),
    bot: Optional[str] = typer.Option(None, "--bot", help="Bot of both sides (random, greedy)."),
    bot_a: Optional[str] = typer.Option(None, "--bot-a", help="Bot of side A."),
    bot_b: Optional[str] = typer.Option(None, "--bot-b", help="Bot of side B."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of the log."),
    record: Optional[Path] = typer.Option(None, "--record", help="Write a replay of the duel to this file."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only the result."),
    units: Optional[list[Path]] = UnitsOpt,
    arenas: Optional[list[Path]] = ArenasOpt,
) -> None:
    """Fight one duel headless and print its combat log and result."""
    from gladiator.bots import make_bot
    from gladiator.duel import game_for, play_duel
    from gladiator.narrate import narrate

    if seed < 0:
        raise GladiatorError(f"--seed must be 0 or more, got {seed}")
    cat = load(units, arenas)
    cat.unit(unit_a), cat.unit(unit_b)
    game = game_for(cat, arena)
    names = pick_bots(bot, bot_a, bot_b)
    res = play_duel(game, (unit_a, unit_b), seed, (make_bot(names[0]), make_bot(names[1])), events=not as_json)
    if as_json:
        data = res.summary() | {"arena": arena, "bots": list(names), "rules_version": RULES_VERSION}
        print(json.dumps(data))
        _record(record, game, res, names)  # after the result: a bad path loses nothing already printed
        return
    if not quiet:
        out.print(f"{game.roster[game.unit_index(unit_a)].name} ({names[0]}) vs "
                  f"{game.roster[game.unit_index(unit_b)].name} ({names[1]}) in {game.arena.name}, seed {seed}", markup=False)
        for line in narrate(game, (unit_a, unit_b), res.events):
            out.print(line, markup=False)
    from gladiator.state import OUTCOME_LABELS

    outcome = OUTCOME_LABELS[res.outcome]
    if res.winner is None:
        out.print(f"Result: draw at the turn limit after {res.turns} turns", markup=False)
    else:
        out.print(f"Result: {res.winner} wins by {outcome} in {res.turns} turns", markup=False)
    if record is not None:
        _record(record, game, res, names)
        out.print(f"Replay written to {record}", markup=False)


def _record(path: Optional[Path], game: Any, res: Any, names: tuple[str, str]) -> None:
    """Write the replay of a played duel, if asked."""
    if path is not None:
        from gladiator.replay import make_replay, save_replay

        save_replay(path, make_replay(game, res, names))


@app.command()
def verify(path: Path = typer.Argument(..., help="A replay file written by `duel --record`.")) -> None:
    """Replay a recorded duel through the engine and confirm its result."""
    from gladiator.replay import verify as verify_replay

    res = verify_replay(path)
    who = "draw" if res.winner is None else f"{res.winner} wins"
    out.print(f"OK: {path} replays to the recorded result: {who} ({res.outcome}) in {res.turns} turns", markup=False)


@app.command("units")
def list_units(units: Optional[list[Path]] = UnitsOpt, arenas: Optional[list[Path]] = ArenasOpt) -> None:
    """List the units available, with key stats."""
    cat = load(units, arenas)
    t = Table(title="Units")
    for col in ("id", "name", "integrity", "armor", "agility", "firepower", "speed", "AP", "heat cap", "Nectar", "weapons", "abilities"):
        t.add_column(col, **_id_column(col, cat.units))
    for u in sorted(cat.units.values(), key=lambda u: u.id):
        s = u.stats
        t.add_row(u.id, f"[{u.color}]{u.name}[/]", *(str(v) for v in (s.integrity, s.armor, s.agility, s.firepower, s.speed, s.actions, s.heat_capacity, s.nectar)),
                  ", ".join(w.id for w in u.weapons), ", ".join(u.abilities) or "-")
    out.print(t)


@app.command("arenas")
def list_arenas(units: Optional[list[Path]] = UnitsOpt, arenas: Optional[list[Path]] = ArenasOpt) -> None:
    """List the arenas available."""
    from gladiator.catalog.schema import CACHE, COVER, HAZARD, HIGH

    cat = load(units, arenas)
    t = Table(title="Arenas")
    for col in ("id", "name", "size", "turn limit", "cover", "high", "hazard", "caches"):
        t.add_column(col, **_id_column(col, cat.arenas))
    for a in sorted(cat.arenas.values(), key=lambda a: a.id):
        m = a.map
        t.add_row(a.id, a.name, f"{a.width}x{a.height}", str(a.turn_limit), *(str(m.count(c)) for c in (COVER, HIGH, HAZARD, CACHE)))
    out.print(t)


@app.command()
def show(name: str = typer.Argument(..., help="A unit or arena id."),
         units: Optional[list[Path]] = UnitsOpt, arenas: Optional[list[Path]] = ArenasOpt) -> None:
    """Print one unit (or arena) in full."""
    cat = load(units, arenas)
    if name in cat.units:
        u = cat.units[name]
        out.print(f"[bold {u.color}]{u.name}[/] — {u.title}  ({u.id})")
        if u.description:
            out.print(u.description, markup=False)
        t = Table(show_header=False)
        for k, v in u.stats.model_dump().items():
            t.add_row(k, str(v))
        out.print(t)
        w = Table(title="Weapons")
        for col in ("id", "name", "kind", "range", "accuracy", "damage", "heat", "melt", "nectar"):
            w.add_column(col, **_id_column(col, {wp.id: wp for wp in u.weapons}))
        for wp in u.weapons:
            lo, hi = wp.damage_range
            w.add_row(wp.id, wp.name, wp.kind, str(wp.range), f"{wp.accuracy:.0%}", f"{lo}-{hi}" if lo != hi else str(lo), str(wp.heat), str(wp.melt), str(wp.nectar))
        out.print(w)
        out.print(f"abilities: {', '.join(u.abilities) or 'none'}", markup=False)
        return
    if name in cat.arenas:
        a = cat.arenas[name]
        out.print(f"[bold]{a.name}[/] ({a.id}), {a.width}x{a.height}, turn limit {a.turn_limit}")
        if a.description:
            out.print(a.description, markup=False)
        out.print(a.map, markup=False)
        return
    cat.unit(name)


@app.command()
def validate(paths: list[Path] = typer.Argument(..., help="Unit or arena files, or folders of them.")) -> None:
    """Check unit and arena files; report every problem with file, line and field."""
    from gladiator.catalog.loader import Arena, Unit, guess_kind, read_yaml, validate_data
    from gladiator.catalog.geometry import spawns_connected
    from gladiator.errors import DataError

    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files += sorted(list(p.glob("*.yaml")) + list(p.glob("*.yml")))
        elif p.exists():
            files.append(p)
        else:
            raise GladiatorError(f"{p}: no such file or folder")
    problems: list[str] = []
    for f in files:
        try:
            data, text = read_yaml(f)
            kind = guess_kind(f, data)
            model = validate_data(data, Arena if kind == "arena" else Unit, str(f), text)
            if kind == "arena" and not spawns_connected(model):  # type: ignore[arg-type]
                raise DataErrors([DataError(str(f), _line_of(text, "map"), "map", "spawn points A and B cannot reach each other")])
            out.print(f"ok    {f} ({kind})", markup=False)
        except DataErrors as e:
            problems += [str(x) for x in e.errors]
            for x in e.errors:
                err.print(str(x), markup=False)
    if problems:
        err.print(f"{len(problems)} problem(s) in {len(files)} file(s)", markup=False)
        raise typer.Exit(2)
    out.print(f"all {len(files)} file(s) valid", markup=False)


@app.command()
def schema(out_dir: Path = typer.Option(Path("schemas"), "--out", "-o", help="Folder to write the JSON Schemas to.")) -> None:
    """Write JSON Schemas of unit and arena files, for editors to check and complete them."""
    from gladiator.catalog.schema import Arena, Unit

    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, model in (("unit", Unit), ("arena", Arena)):
            path = out_dir / f"{name}.schema.json"
            sch = model.model_json_schema()
            sch["$schema"] = "https://json-schema.org/draft/2020-12/schema"
            path.write_text(json.dumps(sch, indent=2) + "\n", encoding="utf-8")
            out.print(f"wrote {path}", markup=False)
    except OSError as e:
        raise GladiatorError(f"{out_dir}: cannot write schemas: {e.strerror or e}") from None


def _register_front_ends() -> None:
    """Commands of the batch runner and the window live in their own modules."""
    from gladiator import cli_batch, cli_ui

    cli_batch.register(app)
    cli_ui.register(app)


_register_front_ends()


def _id_column(col: str, items: dict[str, Any]) -> dict[str, Any]:
    """Column options that keep ids whole on a narrow terminal: they are what the user types."""
    return {"no_wrap": True, "min_width": max(map(len, items), default=2)} if col == "id" else {}


def _line_of(text: str, key: str) -> int | None:
    for i, line in enumerate(text.splitlines(), 1):
        if line.startswith(f"{key}:"):
            return i
    return None


def _has_display() -> bool:
    if os.environ.get("SDL_VIDEODRIVER") == "dummy":
        return False
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) or sys.platform in ("win32", "darwin")


def main(argv: list[str] | None = None) -> Any:
    """Entry point of the `gladiator` console script and `python -m gladiator`."""
    try:
        return app(args=argv, standalone_mode=True)
    except SystemExit:
        raise
    except GladiatorError as e:
        err.print(f"error: {e}", markup=False)
        sys.exit(2)
    except KeyboardInterrupt:
        err.print("interrupted", markup=False)
        sys.exit(130)
