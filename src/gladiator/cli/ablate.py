"""The `ablate` command: restricted play, what each option of a unit is worth (`gladiator.batch.ablate`).

A front end: it parses options, shows progress and prints a table per unit, JSON or a heatmap; every user error is
one line and exit code 2 (see `gladiator.cli`). Imports the shared CLI helpers below it, never the commands beside it.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Optional

import typer
from rich.table import Table

from gladiator import DEFAULT_BOT, DEFAULT_SEED
from gladiator.cli.common import (
    ArenasOpt, bot_rules, BotTimeoutOpt, check_bot, check_rules, data_files, data_text, ForceOpt, Gauge, idle_force,
    idle_referee, IsolateOpt, load, out, print_table, QuietOpt, rules_note, RulesOpt, stopped, UnitsOpt,
)
from gladiator.errors import GladiatorError
from gladiator.files import STORE_KINDS, check_outputs, printable


MARK = {"worth": "W", "trap": "T", "negligible": ".", "unclear": "?"}  # a cell's verdict, as the caption explains


def register(app: typer.Typer) -> None:
    """Add the `ablate` command to the `gladiator` app."""
    app.command("ablate")(ablate)


def ablate(
    unit_ids: Optional[list[str]] = typer.Argument(None, help="Unit(s) to play without each of their options."),
    every: bool = typer.Option(False, "--all", help="Every unit of the roster (instead of naming units)."),
    vs: Optional[list[str]] = typer.Option(None, "--vs", help="An opponent; may repeat (default: every unit, itself included)."),
    arena: Optional[list[str]] = typer.Option(None, "--arena", "-a", help="An arena; may repeat (default: every arena)."),
    only: Optional[list[str]] = typer.Option(None, "--option", help="Only this option (a weapon id, leap, core_extraction, "
                                             "mimic, guard, vent, inject, cache, hazard); may repeat (default: all)."),
    n: int = typer.Option(4000, "-n", "--duels", help="Duels a round of each cell (side-swapped pairs, on the round's own seeds)."),
    precision: float = typer.Option(0.025, "--precision", help="Play more rounds until each change's 95% interval is "
                                    "within this many (0..1) of its value."),
    max_duels: int = typer.Option(16000, "--max-duels", help="Duels a cell plays at most, whatever its interval."),
    seed: int = typer.Option(DEFAULT_SEED, "--seed", "-s", help="Run seed (0 or more)."),
    bot: str = typer.Option(DEFAULT_BOT, "--bot", help="The bot of both sides (the restricted side plays it without the option)."),
    bot_timeout: float = BotTimeoutOpt,
    isolate: bool = IsolateOpt,
    sets: Optional[list[str]] = typer.Option(None, "--set", help="Override a unit field for this run, e.g. viola.stats.firepower=8; may repeat."),
    workers: Optional[int] = typer.Option(None, "--workers", "-w", help="Processes (default: the number of cores)."),
    out_path: Optional[Path] = typer.Option(None, "--out", "-o", help="Store each finished round in this SQLite file; run again to resume."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of tables."),
    png: Optional[Path] = typer.Option(None, "--png", help="Draw a heatmap (option x opponent, per unit) to this PNG file."),
    quiet: bool = QuietOpt,
    units: Optional[list[Path]] = UnitsOpt,
    arenas: Optional[list[Path]] = ArenasOpt,
    force: bool = ForceOpt,
    rules: int = RulesOpt,
) -> None:
    """Restricted play: each unit against each opponent on each arena without one option at a time (a weapon, an
    ability, guard, vent, inject, caches, hazards), paired on the same seeds with the full unit; prints the change in
    its win rate with a 95% interval beside how often the option is used."""
    from gladiator.batch import ablate as ab_mod
    from gladiator.batch import plots
    from gladiator.batch.runner import default_workers
    from gladiator.batch.store import ResultStore

    idle_force({"--out": out_path, "--png": png})
    if every and unit_ids:
        raise GladiatorError("name units or give --all, not both")
    if workers is not None and workers < 1:
        raise GladiatorError(f"--workers must be at least 1, got {workers}")
    if seed < 0 or seed >= 2**63:
        raise GladiatorError(f"--seed must be from 0 to 2**63-1, got {seed}")
    rules = check_rules(rules)
    idle_referee([bot])
    bot = check_bot(bot)
    bot_rules(bot_timeout, isolate)
    if ":" in bot and "without=" in bot:
        raise GladiatorError(f"--bot {bot}: the bot of both sides plays with every option; ablate takes them away itself")
    cat = load(units, arenas)
    chosen = sorted(cat.units) if every else list(unit_ids or [])
    ab = ab_mod.plan(cat, chosen, vs, arena, only, sets or [], n=n, seed=seed, bot=bot, precision=precision, max_duels=max_duels,
                     rules=rules)
    if png is not None:
        plots.require_matplotlib()
        if png.is_dir():
            png = png / "ablate.png"
    check_outputs({"--out": out_path, "--png": png}, data_files(cat), stores={"--out": STORE_KINDS["ablate"]}, force=force)
    store = ResultStore(out_path, ab.identity()) if out_path is not None else None
    nworkers = workers or default_workers()
    cells = len(ab.cells)
    gauge = Gauge("rounds", cells, quiet, label="ablate")  # a cell's first round each; more as its interval asks
    started = time.perf_counter()
    seen: set = set()

    def on_round(cell: Any, r: int, todo: int) -> None:
        what = f"{cell.unit} without {cell.option}" if cell.option else f"{cell.unit} with every option"
        seen.add((cell, r))
        gauge.tell(len(ab.scores), total=max(cells, len(ab.scores)), note=f"{what} vs {cell.opponent}, {cell.arena}, "
                   f"round {r + 1}", say=cell.option is None and r == 0)  # a log gets a line at each matchup

    interrupted = False
    try:
        with gauge:
            ab_mod.play(ab, nworkers, store=store, on_round=on_round)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        if store is not None:
            store.close()
    elapsed = time.perf_counter() - started
    effects, pooled = ab.effects(), ab.pooled()
    if as_json:
        print(json.dumps({"units": ab.units, "opponents": ab.opponents, "arenas": ab.arenas, "bot": bot, "n": n,
                          "seed": seed, "precision": precision, "max_duels": max_duels, "overrides": list(ab.sets),
                          "rules_version": str(ab.rules),
                          "options": ab.option_names, "complete": not interrupted, "elapsed_seconds": elapsed,
                          "duels": int(sum(len(v) for v in ab.scores.values())),
                          "duels_this_run": int(sum(len(ab.scores[k]) for k in seen)),
                          "pooled": [e.to_json() for e in pooled], "cells": [e.to_json() for e in effects]}))
    else:
        for u in ab.units:
            _table(ab, u, pooled if len(ab.arenas) > 1 else effects, bot)
        played = sum(len(ab.scores[k]) for k in seen)
        stored = sum(len(v) for v in ab.scores.values()) - played
        out.print(printable(f"{played:,} duels in {elapsed:.0f} s ({played / max(elapsed, 1e-9):,.0f} duels/s, {nworkers} worker(s))"
                            + (f"; {stored:,} more read back from {out_path}" if stored else "")
                            + (f"; stored in {out_path}" if out_path else "")), markup=False)
    if interrupted:
        stopped(f"interrupted: {len(effects)} of {sum(len(v) for v in ab.option_names.values()) * len(ab.opponents) * len(ab.arenas)} "
                "cells measured" + (f"; run the same command again to resume from {out_path}" if out_path else "")
                + ("; no heatmap drawn" if png else ""))
    if png is not None:
        plots.ablation_png(png, ab.units, ab.opponents, pooled if len(ab.arenas) > 1 else effects,
                           f"change in win rate without each option (points, 95% interval), bot {bot}, "
                           f"{'pooled over ' + str(len(ab.arenas)) + ' arenas' if len(ab.arenas) > 1 else ab.arenas[0]}"
                           + rules_note(ab.rules))
        if not as_json:
            out.print(printable(f"heatmap written to {png}"), markup=False)


def _table(ab: Any, unit: str, effects: list, bot: str) -> None:
    """One unit's table: an option a row; its use, and the change in win rate against each opponent."""
    mine = [e for e in effects if e.unit == unit]
    if not mine:
        return
    where = f"pooled over {len(ab.arenas)} arenas" if len(ab.arenas) > 1 else ab.arenas[0]
    duels = sorted({e.duels for e in mine})
    span = f"{duels[0]:,}" if len(duels) == 1 else f"{duels[0]:,}-{duels[-1]:,}"
    tab = Table(title=data_text(f"{ab.catalog.unit(unit).name} without each option: change in its win rate, points "
                                f"(95% interval); bot {bot}, {where}, {span} duels a cell, seed {ab.seed}"
                                + rules_note(ab.rules)))
    rows = []
    for o in ab.option_names[unit]:
        row = {e.opponent: e for e in mine if e.option == o}
        if not row:
            continue
        used = sum(e.used for e in row.values()) / len(row)
        cells = [f"{row[v].delta * 100:+.1f} ±{row[v].half * 100:.1f} {MARK[row[v].verdict]}" if v in row else ""
                 for v in ab.opponents]
        rows.append([o, f"{used:.0%}", *cells, _verdict(row)])
    heads = ["option", "used", *(f"vs {v}" for v in ab.opponents), "verdict"]
    for k, h in enumerate(heads):  # cells are never cut: the table is as wide as they are
        tab.add_column(h, justify="left" if h in ("option", "verdict") else "right", no_wrap=True,
                       min_width=max(len(h), *(len(r[k]) for r in rows)))
    for r in rows:
        tab.add_row(*r)
    tab.caption = "W worth (it loses at least a point without it), T trap (it wins more without it), . negligible, ? unclear"
    tab.caption_justify = "left"
    print_table(tab)


def _verdict(row: dict) -> str:
    """One option's verdict over the opponents (each cell's mark says which): a trap against how many, if any; else
    worth against how many; else negligible (against all) or unclear."""
    by: dict[str, list[str]] = {}
    for v, e in row.items():
        by.setdefault(e.verdict, []).append(v)
    if "trap" in by:
        return f"trap vs {len(by['trap'])} of {len(row)}"
    if "worth" in by:
        return f"worth vs {len(by['worth'])} of {len(row)}"
    return "negligible" if set(by) == {"negligible"} else "unclear"
