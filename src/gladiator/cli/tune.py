"""The `tune` command: search free unit and arena fields for a roster whose cells sit in their bands.

A front end over `gladiator.batch.tune`: it reads the options, shows the search's progress, prints
the before/after table and the edit, and writes the files only with `--apply`. Every user error is
one line and exit code 2; Ctrl-C exits 130 with what finished kept in the study file.
Imports `gladiator.cli.common` and the batch package; never another command module.
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import Any, Optional

import typer
from rich import box
from rich.table import Table

from gladiator import DEFAULT_SEED
from gladiator.cli.common import (
    ArenasOpt, BatchSizeOpt, bot_rules, BotTimeoutOpt, data_files, ForceOpt, Gauge, idle_force, idle_referee, IsolateOpt,
    load, out, print_table, QuietOpt, stopped, UnitsOpt,
)
from gladiator.errors import GladiatorError
from gladiator.files import STUDY, check_outputs, printable


def register(app: typer.Typer) -> None:
    """Add the `tune` command to the `gladiator` app."""
    app.command("tune")(tune)


def tune(
    spec_path: Path = typer.Argument(..., metavar="SPEC", help="The tune spec (YAML): parameters, targets, arenas, bot, rounds."),
    sets: Optional[list[str]] = typer.Option(None, "--set", help="A starting change before tuning, e.g. viola.stats.firepower=6; may repeat."),
    trials: int = typer.Option(60, "--trials", help="Trials to finish, those a resumed study holds included (fewer if the best is clearly in every band)."),
    minutes: Optional[float] = typer.Option(None, "--minutes", help="Start no trial after this many minutes of searching (the check follows); default: no limit, --trials decides."),
    seed: int = typer.Option(DEFAULT_SEED, "--seed", "-s", help="Seed of the search's duels and of its sampler."),
    check_seed: Optional[int] = typer.Option(None, "--check-seed", help="Seed of the final check (default --seed + 1; never the search's)."),
    check_n: int = typer.Option(4000, "--check-duels", help="Duels a cell in the final check of the start and the answer."),
    finals: int = typer.Option(3, "--validate", help="Play the search's best this many rosters again at a seed of their own (the spec's last round of duels a cell) and take the best there; 1: the search's best, nothing replayed."),
    bot: Optional[str] = typer.Option(None, "--bot", help="Bot of both sides (default: the spec's bot)."),
    bot_timeout: float = BotTimeoutOpt,
    isolate: bool = IsolateOpt,
    arena_ids: Optional[list[str]] = typer.Option(None, "--arena", "-a", help="Tune on this arena instead of the spec's; may repeat."),
    workers: Optional[int] = typer.Option(None, "--workers", "-w", help="Processes to play the duels (default: the number of cores)."),
    batch_size: Optional[int] = BatchSizeOpt,
    out_path: Optional[Path] = typer.Option(None, "--out", "-o", help="Keep the study in this SQLite file; run again to resume (optuna-dashboard reads it)."),
    apply: bool = typer.Option(False, "--apply", help="Write the tuned values into the unit and arena files; without it nothing is changed."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of tables."),
    quiet: bool = QuietOpt,
    units: Optional[list[Path]] = UnitsOpt,
    arenas: Optional[list[Path]] = ArenasOpt,
    force: bool = ForceOpt,
) -> None:
    """Search free unit and arena fields for a roster whose win rates sit in their bands; print the edit (--apply writes it)."""
    from gladiator.batch.overrides import apply_overrides
    from gladiator.batch.runner import default_workers
    from gladiator.batch.tune import (Duels, Problem, Search, apply_changes, changes, check, finalists, require_optuna, search,
                                      validate, validation_seed)
    from gladiator.batch.tune_spec import load_spec

    idle_force({"--out": out_path})
    sets = list(sets or [])
    if trials < 1:
        raise GladiatorError(f"--trials must be at least 1, got {trials}")
    if minutes is not None and not (0 < minutes < math.inf):
        raise GladiatorError(f"--minutes must be a positive number, got {minutes}")
    if seed < 0 or seed >= 2**62:
        raise GladiatorError(f"--seed must be between 0 and 2**62, got {seed}")
    check_seed = seed + 1 if check_seed is None else check_seed
    if check_seed < 0 or check_seed >= 2**62:
        raise GladiatorError(f"--check-seed must be between 0 and 2**62, got {check_seed}")
    if check_seed == seed:
        raise GladiatorError(f"--check-seed {check_seed} is the search's seed: the check needs duels the search never saw")
    if check_n < 2:
        raise GladiatorError(f"--check-duels must be at least 2, got {check_n}")
    if finals < 1:
        raise GladiatorError(f"--validate must be at least 1, got {finals}")
    if workers is not None and workers < 1:
        raise GladiatorError(f"--workers must be at least 1, got {workers}")
    if batch_size is not None and batch_size < 1:
        raise GladiatorError(f"--batch-size must be at least 1, got {batch_size}")
    require_optuna()
    disk = load(units, arenas)
    spec, left_out = load_spec(spec_path, disk), []
    if arena_ids:
        for a in arena_ids:
            disk.arena(a)
        spec, left_out = spec.on_arenas(arena_ids)
    check_outputs({"--out": out_path}, data_files(disk) | {"the spec": spec_path}, stores={"--out": STUDY}, force=force)
    problem = Problem(spec, apply_overrides(disk, sets), tuple(sets), bot or "")
    idle_referee([problem.bot])
    bot_rules(bot_timeout, isolate)
    duels = Duels(workers or default_workers(), batch_size)
    rec = Search("")
    started = time.perf_counter()
    budget = None if minutes is None else minutes * 60
    vseed = validation_seed(seed, check_seed)
    gauge = Gauge("trials", trials, quiet, label="tune", limit=budget)

    last: list = [None, 0]  # the best distance a log line last told, and the trials finished then

    def on_trial(r: Any, note: str) -> None:
        b = r.best
        best = f"best {b.distance:.3f} (trial {b.number})" if b is not None else ""
        news = b is not None and len(r.trials) > last[1] and (b.distance != last[0] or len(r.trials) % 10 == 0)
        if news:  # a log gets a line when the best improves, and every tenth trial
            last[0], last[1] = b.distance, len(r.trials)
        gauge.tell(len(r.trials), note=f"{note}; {best}" if best else note, say=news)

    found: list = []
    ranked: list = []  # the finalists, best first, as played again
    try:
        with gauge:
            search(problem, trials, seed, duels, out_path, into=rec, on_trial=on_trial, seconds=budget)
            best = rec.best
            if best is None:
                raise GladiatorError("no candidate played every round (every one was invalid): widen the parameters' bounds")
            picks = finalists(rec, finals)
            if len(picks) > 1:
                gauge.tell(note=f"playing the best {len(picks)} again at seed {vseed}")
                ranked.extend(validate(problem, picks, vseed, problem.spec.rounds[-1], duels))
                best = ranked[0].trial
            validated = duels.played - rec.duels
            gauge.tell(note=f"checking the answer at seed {check_seed}")
            found.append(check(problem, best.values, check_seed, check_n, duels))
    except KeyboardInterrupt:
        duels.close()
        b = rec.best
        kept = f"; run the same command again to resume from {out_path}" if out_path else ""
        so_far = f"; best so far: trial {b.number}, distance {b.distance:.3f}, {_values(b.values)}" if b is not None else ""
        stopped(f"interrupted: {len(rec.trials)} trials finished{so_far}{kept}")
    finally:
        duels.close()
    before, after = found[0]
    edits = changes(problem, disk, best.values)
    if apply and edits:
        apply_changes(edits, disk, lambda: load(units, arenas))
    elapsed = time.perf_counter() - started
    start = problem.values()
    report = _report(spec_path, problem, rec, best, start, before, after, edits, apply, seed, check_seed, check_n, out_path,
                     elapsed, ranked, vseed, validated, duels.played - rec.duels - validated) | {"left_out": left_out}
    if as_json:
        print(json.dumps(report))
        return
    _print(report, problem)


def _report(spec_path: Path, problem: Any, rec: Any, best: Any, start: dict, before: list, after: list, edits: list,
            applied: bool, seed: int, check_seed: int, check_n: int, out_path: Optional[Path], elapsed: float,
            ranked: list, vseed: int, validated: int, checked: int) -> dict:
    """What the command prints, as JSON-ready data."""
    def fig(f: Any) -> dict:
        return {"rate": f.rate, "interval": list(f.interval), "wins": f.k, "duels": f.n, "in_band": f.inside}

    states = [t.state for t in rec.trials]
    free = {p.field for p in problem.params}
    return {
        "spec": str(spec_path), "bot": problem.bot, "arenas": problem.spec.arenas, "rounds": problem.spec.rounds,
        "seed": seed, "check_seed": check_seed, "check_n": check_n, "sets": list(problem.sets),
        "study": rec.study, "out": str(out_path) if out_path else None,
        "trials": {"finished": len(rec.trials), "this_run": rec.ran, "resumed": rec.resumed,
                   "complete": states.count("complete"), "pruned": states.count("pruned"), "invalid": states.count("invalid"),
                   "repeats": sum(1 for t in rec.trials if t.note.startswith("repeat")), "stopped_early": rec.stopped,
                   "out_of_time": rec.out_of_time,
                   "by_model": sum(1 for t in rec.trials if t.by == "model")},
        "duels": {"search": rec.duels, "validation": validated, "check": checked}, "elapsed_seconds": elapsed,
        "validation": {"seed": vseed if ranked else None, "duels_a_cell": problem.spec.rounds[-1] if ranked else 0,
                       "finalists": [{"trial": v.trial.number, "search_distance": v.trial.distance, "distance": v.distance,
                                      "upper": v.upper} for v in ranked]},
        "start": start,
        "best": {"trial": best.number, "distance": best.distance, "values": best.values},
        "history": [{"trial": t.number, "state": t.state, "distance": t.distance, "duels_a_cell": t.duels,
                     "values": t.values, "note": t.note, "by": t.by} for t in rec.trials],
        "cells": [{"arena": b.cell.arena, "row": b.cell.row, "column": b.cell.col, "kind": b.cell.kind,
                   "event": b.cell.event, "script": b.cell.script,
                   "band": list(b.cell.band), "before": fig(b), "after": fig(a)} for b, a in zip(before, after)],
        "in_band": {"cells": len(after), "before": sum(f.inside for f in before), "after": sum(f.inside for f in after)},
        "distance": {"before": sum(f.distance for f in before), "after": sum(f.distance for f in after)},
        "changes": [{"file": e.file, "line": e.line, "field": e.field, "old": e.old, "new": e.new} for e in edits],
        "applied": applied and bool(edits),
        "sets_not_written": [s for s in problem.sets if s.split("=", 1)[0].strip() not in free],
    }


def _print(r: dict, problem: Any) -> None:
    from gladiator.batch.tune_spec import cell_label

    t = r["trials"]
    sets = f"; starting change: {' '.join('--set ' + s for s in r['sets'])}" if r["sets"] else ""
    out.print(printable(f"tune {r['spec']}: bot {r['bot']}, {', '.join(r['arenas'])}, rounds "
                        f"{'/'.join(map(str, r['rounds']))} duels a cell, seed {r['seed']}{sets}"), markup=False)
    if r["left_out"]:
        out.print(printable(f"Left out (they tune an arena not played): {', '.join(r['left_out'])}"), markup=False)
    resumed = f", {t['resumed']} of them from {r['out']}" if t["resumed"] else ""
    out.print(f"Search: {t['finished']} trials{resumed} ({t['complete']} played every round, {t['pruned']} stopped early by racing, "
              f"{t['repeats']} repeats, {t['invalid']} invalid; {t['by_model']} from the local model); {r['duels']['search']:,} duels this run, "
              f"{r['duels']['check']:,} in the check; {r['elapsed_seconds']:.1f} s"
              + ("; stopped: the best is inside every band at 95%" if t["stopped_early"] else "")
              + ("; stopped: out of time (--minutes)" if t["out_of_time"] else ""), markup=False)
    v = r["validation"]
    if v["finalists"]:
        out.print(f"Finalists played again at seed {v['seed']}, {v['duels_a_cell']:,} duels a cell (distance there, in the search): "
                  + ", ".join(f"trial {f['trial']} {f['distance']:.3f} ({f['search_distance']:.3f})" for f in v["finalists"])
                  + f"; {r['duels']['validation']:,} duels", markup=False)
    b = r["best"]
    out.print(printable(f"Best: trial {b['trial']}, distance {b['distance']:.3f}: "
                        + ", ".join(f"{k} = {v} (start {r['start'][k]})" for k, v in b["values"].items())), markup=False)
    rows = []
    for c in r["cells"]:
        lo, hi = c["band"]
        label = cell_label(c["kind"], c["row"], c["column"], c.get("event") or c.get("script", ""))
        rows.append([c["arena"], label, f"{lo:.0%}-{hi:.0%}", _cell(c["before"]), _mark(c["before"]), _cell(c["after"]),
                     _mark(c["after"])])
    tab = Table(title=f"Every cell before (the start) and after (the best) at seed {r['check_seed']}, {r['check_n']} duels a cell, "
                      "95% intervals", box=box.SIMPLE_HEAD, pad_edge=False, title_justify="left")
    for i, col in enumerate(("arena", "cell", "band", "before", "", "after", "")):
        tab.add_column(col, no_wrap=True, min_width=max(len(col), *(len(row[i]) for row in rows)),
                       justify="right" if col in ("band", "before", "after") else "left")
    for row in rows:
        tab.add_row(*row)
    print_table(tab)
    ib, d = r["in_band"], r["distance"]
    out.print(f"In band: before {ib['before']} of {ib['cells']} cells (distance {d['before']:.3f}), "
              f"after {ib['after']} of {ib['cells']} (distance {d['after']:.3f})", markup=False)
    if not r["changes"]:
        out.print("No edit: the files already hold the tuned values.", markup=False)
    else:
        head = "Written to the files:" if r["applied"] else "Edit of the files (nothing written; --apply writes it):"
        out.print(head, markup=False)
        for e in r["changes"]:
            out.print(printable(f"  {_shown(e['file'])}:{e['line']}  {e['field']}: {e['old']} -> {e['new']}"), markup=False)
    if r["sets"]:
        note = "the edit holds the tuned values of the free parameters, measured from the files on disk"
        if r["sets_not_written"]:
            note += f"; not written (not free parameters): {', '.join(r['sets_not_written'])}"
        out.print(printable(f"With --set: {note}."), markup=False)
    if r["out"]:
        out.print(printable(f"Study {r['study']} kept in {r['out']} (resume: the same command; optuna-dashboard sqlite:///{r['out']})"),
                  markup=False)


def _shown(path: str) -> str:
    """A file as the user would type it: relative to the working folder when it is inside it."""
    p, here = Path(path), Path.cwd()
    return str(p.relative_to(here)) if p.is_absolute() and p.is_relative_to(here) else path


def _cell(f: dict) -> str:
    lo, hi = f["interval"]
    return f"{f['rate']:.1%} ({lo:.1%}-{hi:.1%})"


def _mark(f: dict) -> str:
    return "in" if f["in_band"] else "out"


def _values(values: dict) -> str:
    return ", ".join(f"{k} = {v}" for k, v in values.items())
