"""Commands of the headless batch runner: batch, matrix, sweep, balance.

A front end over `gladiator.batch`: it parses options, shows progress and prints tables,
JSON, CSV and plots; every user error is one line and exit code 2 (see `gladiator.cli.main`).
Imports `gladiator.cli.common` and the batch package; never another command module.
"""

from __future__ import annotations

import csv
import json
import time
from pathlib import Path
from typing import Any, Optional

import typer
from rich.table import Table
from rich.text import Text

from gladiator import DEFAULT_BOT, DEFAULT_SEED
from gladiator.cli.common import (
    ArenaOpt, ArenasOpt, BatchSizeOpt, bot_rules, BotTimeoutOpt, check_rules, data_files, DisguiseOpt, ForceOpt,
    Gauge, idle_bot, idle_force, idle_referee, IsolateOpt, load, out, pick_bots, QuietOpt, rules_note, RulesOpt,
    signals_held, stopped, UnitsOpt,
)
from gladiator.errors import GladiatorError
from gladiator.files import STORE_KINDS, AtomicFile, check_outputs, printable

from gladiator.state import OUTCOME_LABELS  # noqa: E402 - the one table of outcome words

CSV_COLUMNS = ["duel", "seed", "unit_a", "unit_b", "winner", "outcome", "turns", "first", "actions",
               "integrity_a", "heat_a", "nectar_a", "integrity_b", "heat_b", "nectar_b", "forfeit_reason"]


def register(app: typer.Typer) -> None:
    """Add the batch commands to the `gladiator` app."""
    app.command("batch")(batch)
    app.command("matrix")(matrix)
    app.command("sweep")(sweep)
    app.command("balance")(balance)


# ---- shared options ----
SeedOpt = typer.Option(DEFAULT_SEED, "--seed", "-s", help="Run seed (0 or more): every duel's seed derives from it and the duel's index.")
BotOpt = typer.Option(None, "--bot", help=f"Bot of both sides (default {DEFAULT_BOT}; random, greedy (the fast one), heuristic, search, a plugin, module:Class).")
BotAOpt = typer.Option(None, "--bot-a", help="Bot of the first unit named.")
BotBOpt = typer.Option(None, "--bot-b", help="Bot of the second unit named.")
SetOpt = typer.Option(None, "--set", help="Override a unit field for this run, e.g. viola.stats.firepower=8; may repeat.")
WorkersOpt = typer.Option(None, "--workers", "-w", help="Processes to spread the work over (default: the number of cores).")
PairingOpt = typer.Option(True, "--pairing/--no-pairing", help="Play duels in pairs that share a seed and swap sides.")
BackendOpt = typer.Option("local", "--backend", help="local (processes on this machine) or dask.")
SchedulerOpt = typer.Option(None, "--scheduler", help="Address of a running Dask scheduler (with --backend dask).")
JsonOpt = typer.Option(False, "--json", help="Print one JSON object instead of tables.")
PngOpt = typer.Option(None, "--png", help="Draw a plot to this PNG file (needs gladiator[plots]).")


def batch(
    unit_a: str = typer.Argument(..., help="Id of the first unit."),
    unit_b: str = typer.Argument(..., help="Id of the second unit."),
    arena: str = ArenaOpt,
    n: int = typer.Option(1000, "-n", "--duels", help="Number of duels (with pairing, -n 1000 is 500 pairs)."),
    seed: int = SeedOpt,
    bot: Optional[str] = BotOpt,
    bot_a: Optional[str] = BotAOpt,
    bot_b: Optional[str] = BotBOpt,
    sets: Optional[list[str]] = SetOpt,
    workers: Optional[int] = WorkersOpt,
    batch_size: Optional[int] = BatchSizeOpt,
    pairing: bool = PairingOpt,
    out_path: Optional[Path] = typer.Option(None, "--out", "-o", help="Store results in this SQLite file as the run goes; run again to resume."),
    csv_path: Optional[Path] = typer.Option(None, "--csv", help="Write one row per duel to this CSV file."),
    as_json: bool = JsonOpt,
    quiet: bool = QuietOpt,
    backend: str = BackendOpt,
    scheduler: Optional[str] = SchedulerOpt,
    units: Optional[list[Path]] = UnitsOpt,
    arenas: Optional[list[Path]] = ArenasOpt,
    disguise: Optional[str] = DisguiseOpt,
    bot_timeout: float = BotTimeoutOpt,
    isolate: bool = IsolateOpt,
    force: bool = ForceOpt,
    rules: int = RulesOpt,
) -> None:
    """Run many duels headless and print their statistics."""
    idle_bot(bot, bot_a, bot_b)
    idle_referee([bot, bot_a, bot_b])
    idle_force({"--out": out_path, "--csv": csv_path})
    rules = check_rules(rules)
    bot_rules(bot_timeout, isolate)
    from gladiator.batch.overrides import apply_overrides
    from gladiator.batch.runner import ROW_DTYPE, default_workers, make_spec, prepare, run
    from gladiator.batch.stats import Totals
    from gladiator.batch.store import ResultStore

    nworkers = _check_common(workers, batch_size, backend, scheduler)
    cat = apply_overrides(load(units, arenas), sets or [])
    check_outputs({"--out": out_path, "--csv": csv_path}, data_files(cat), stores={"--out": STORE_KINDS[None]}, force=force)
    spec = make_spec(cat, (unit_a, unit_b), arena, n, seed, pick_bots(bot, bot_a, bot_b), pairing, sets or [], disguise,
                     rules=rules)
    nworkers = nworkers or default_workers()
    store = ResultStore(out_path, spec.identity()) if out_path is not None else None
    writer = None
    try:
        stored = store.done() if store is not None else {}
        parts = store.parts() if store is not None else {}
        prior = store.totals() if store is not None else Totals()
        writer = _CsvRows(csv_path, spec) if csv_path is not None else None
        if writer is not None and store is not None:
            for rows in store.rows(ROW_DTYPE):
                writer.write(rows)
        if backend == "local":
            prepare(spec)  # the game's tables and the bots', built once before the clock starts (worker processes inherit them)
    except BaseException:
        if writer is not None:
            writer.discard()
        if store is not None:
            store.close()
        raise
    session = Totals()
    started = time.perf_counter()
    gauge = Gauge("duels", spec.n, quiet, label=f"{unit_a} vs {unit_b}", done=prior.n)

    def on_chunk(res: Any) -> None:
        with signals_held():  # stored, written and counted, or none of them
            if store is not None and res.whole:
                store.put(res.index, res.totals, res.rows)
            elif store is not None:  # a part of a chunk (slow duels): the chunk is whole when its last part is in
                store.put_part(res.index, res.lo, res.totals, res.rows)
            if writer is not None:
                writer.write(res.rows)
            session.add(res.totals)
        rate = session.n / max(1e-9, time.perf_counter() - started)
        gauge.tell(prior.n + session.n, note=f"{rate:,.0f} duels/s")

    interrupted = False
    try:
        with gauge:
            run(spec, batch_size, nworkers, backend, scheduler, done=stored, on_chunk=on_chunk, parts=parts)
    except KeyboardInterrupt:
        interrupted = True
    except BaseException as e:
        if writer is not None:
            writer.discard()  # the CSV that was there stays as it was
            writer = None
        if isinstance(e, GladiatorError) and store is not None:  # say what the failed run kept
            raise GladiatorError(f"{e}; {prior.n + session.n} of {spec.n} duels are stored in {out_path}: "
                                 "run the same command again to resume") from None
        raise
    finally:
        if writer is not None:
            writer.close()  # every row written is a whole duel: an interrupted run keeps them
        if store is not None:
            store.close()
    elapsed = time.perf_counter() - started
    total = Totals().add(prior).add(session)
    info = {"arena": arena, "seed": seed, "bots": list(spec.bots), "pairing": pairing, "n": spec.n, "workers": nworkers,
            "disguise": spec.disguise, "rules_version": str(spec.rules),
            "batch_size": batch_size, "backend": backend, "overrides": list(spec.overrides)}
    report = summary(spec.units, total, session, elapsed, info)
    if as_json:
        print(json.dumps(report))
    else:
        _print_summary(cat, report)
        if prior.n:
            out.print(printable(f"resumed from {out_path}: {prior.n} duels were already stored"), markup=False)
        if out_path is not None:
            out.print(printable(f"results stored in {out_path}"), markup=False)
        if csv_path is not None:
            out.print(printable(f"one row per duel written to {csv_path}"), markup=False)
    if interrupted:
        stopped(f"interrupted: {total.n} of {spec.n} duels finished" +
                (f"; run the same command again to resume from {out_path}" if out_path else ""))


def matrix(
    unit_ids: list[str] = typer.Argument(..., help="Two or more unit ids."),
    arena: str = ArenaOpt,
    n: int = typer.Option(1000, "-n", "--duels", help="Duels per pairing."),
    seed: int = SeedOpt,
    bot: Optional[str] = BotOpt,
    sets: Optional[list[str]] = SetOpt,
    workers: Optional[int] = WorkersOpt,
    batch_size: Optional[int] = BatchSizeOpt,
    pairing: bool = PairingOpt,
    as_json: bool = JsonOpt,
    quiet: bool = QuietOpt,
    png: Optional[Path] = PngOpt,
    mirrors: bool = typer.Option(True, "--mirrors/--no-mirrors",
                                 help="Also play each unit against itself, for the first mover's win rate in every mirror."),
    backend: str = BackendOpt,
    scheduler: Optional[str] = SchedulerOpt,
    units: Optional[list[Path]] = UnitsOpt,
    arenas: Optional[list[Path]] = ArenasOpt,
    bot_timeout: float = BotTimeoutOpt,
    isolate: bool = IsolateOpt,
    force: bool = ForceOpt,
) -> None:
    """Run every mirror and pairing of the units; print the win-rate matrix (row against column) and the first mover's win rates."""
    idle_force({"--png": png})
    idle_referee([bot])
    bot_rules(bot_timeout, isolate)
    from gladiator.batch import plots
    from gladiator.batch.tuning import first_movers, matrix as run_matrix, matrix_rates

    cat = load(units, arenas)
    png = _png_path(png, "matrix", cat, force)
    settings = _settings(arena, n, seed, bot, sets, workers, batch_size, pairing, backend, scheduler)
    cells: dict = {}
    interrupted = _interruptible(lambda: run_matrix(cat, unit_ids, settings, into=cells, mirrors=mirrors), settings, quiet,
                                 "matrix")
    rates = matrix_rates(unit_ids, cells)
    firsts = first_movers(cells)
    if as_json:
        print(json.dumps({"units": unit_ids, "arena": arena, "n": n, "seed": seed, "bots": list(settings.bots), "rates": rates,
                          "mirrors": mirrors,
                          "pairs": [{"units": [a, b], "wins": t.wins, "draws": t.draws,
                                     "intervals": [list(t.win_interval(0)), list(t.win_interval(1))]}
                                    for (a, b), t in cells.items() if a != b],
                          "first_mover": firsts}))
    else:
        tab = Table(title=_titled(f"Win rate of row against column — {arena}, {n} duels a pairing, seed {seed}, {_bots(settings)}", sets))
        tab.add_column("")
        for u in unit_ids:
            tab.add_column(u, justify="right")
        for i, u in enumerate(unit_ids):
            cellsrow = []
            for j, v in enumerate(unit_ids):
                if i == j:
                    cellsrow.append("-")
                    continue
                t = cells.get((u, v)) or cells.get((v, u))
                if t is None:  # not played: the run was interrupted
                    cellsrow.append("")
                    continue
                side = 0 if (u, v) in cells else 1
                lo, hi = t.win_interval(side)
                cellsrow.append(f"{t.win_rate(side):.1%} ({lo:.0%}-{hi:.0%})")
            tab.add_row(u, *cellsrow)
        out.print(tab)
        if firsts:
            _first_mover_table(firsts)
    if interrupted:
        pairs = len(unit_ids) * (len(unit_ids) - 1) // 2
        played = sum(a != b for a, b in cells)
        left = (f"{len(cells) - played} of {len(unit_ids)} mirrors and " if mirrors else "") + f"{played} of {pairs} pairings"
        _stop(f"interrupted: {left} finished" + ("; no heatmap drawn" if png else ""))
    if png is not None:
        plots.matrix_png(png, unit_ids, rates, f"win rate, {arena}, {n} duels a pairing, {_bots(settings)}")
        if not as_json:
            out.print(printable(f"heatmap written to {png}"), markup=False)


def sweep(
    target: str = typer.Argument(..., help="UNIT.FIELD=LO:HI[:STEP], e.g. viola.stats.firepower=2:12."),
    vs: str = typer.Option(..., "--vs", help="The opponent."),
    arena: str = ArenaOpt,
    n: int = typer.Option(1000, "-n", "--duels", help="Duels at each value."),
    seed: int = SeedOpt,
    bot: Optional[str] = BotOpt,
    sets: Optional[list[str]] = SetOpt,
    workers: Optional[int] = WorkersOpt,
    batch_size: Optional[int] = BatchSizeOpt,
    pairing: bool = PairingOpt,
    as_json: bool = JsonOpt,
    quiet: bool = QuietOpt,
    png: Optional[Path] = PngOpt,
    backend: str = BackendOpt,
    scheduler: Optional[str] = SchedulerOpt,
    units: Optional[list[Path]] = UnitsOpt,
    arenas: Optional[list[Path]] = ArenasOpt,
    bot_timeout: float = BotTimeoutOpt,
    isolate: bool = IsolateOpt,
    force: bool = ForceOpt,
) -> None:
    """Run the duel at each value of a unit field and print the win rate against the value."""
    idle_force({"--png": png})
    idle_referee([bot])
    bot_rules(bot_timeout, isolate)
    from gladiator.batch import plots
    from gladiator.batch.tuning import FieldPath, sweep as run_sweep

    cat = load(units, arenas)
    png = _png_path(png, "sweep", cat, force)
    settings = _settings(arena, n, seed, bot, sets, workers, batch_size, pairing, backend, scheduler)
    points: list = []
    interrupted = _interruptible(lambda: run_sweep(cat, target, vs, settings, into=points), settings, quiet, "sweep")
    fp = FieldPath.parse(target.split("=", 1)[0])
    if as_json:
        print(json.dumps({"field": fp.text, "vs": vs, "arena": arena, "n": n, "seed": seed, "bots": list(settings.bots),
                          "points": [{"value": v, "win_rate": t.win_rate(0), "interval": list(t.win_interval(0)),
                                      "wins": t.wins, "draws": t.draws} for v, t in points]}))
    else:
        tab = Table(title=_titled(f"{fp.text}: {fp.unit} against {vs} in {arena}, {n} duels a value, seed {seed}, {_bots(settings)}", sets))
        for col in ("value", f"{fp.unit} wins", "95% interval", "draws", ""):
            tab.add_column(col, justify="right" if col else "left")
        for v, t in points:
            lo, hi = t.win_interval(0)
            tab.add_row(str(v), f"{t.win_rate(0):.1%}", f"{lo:.1%} - {hi:.1%}", f"{t.draws / t.n:.1%}", _bar(t.win_rate(0), 30))
        out.print(tab)
    if interrupted:
        _stop(f"interrupted: {len(points)} values finished" + ("; no plot drawn" if png else ""))
    if png is not None:
        plots.sweep_png(png, fp.text, points, vs)
        if not as_json:
            out.print(printable(f"plot written to {png}"), markup=False)


def balance(
    path: str = typer.Argument(..., help="UNIT.FIELD to tune, e.g. viola.stats.firepower."),
    vs: str = typer.Option(..., "--vs", help="The opponent."),
    target: float = typer.Option(0.5, "--target", help="Win rate to aim for (0..1)."),
    lo: Optional[float] = typer.Option(None, "--min", help="Lowest value to try (default: the schema's)."),
    hi: Optional[float] = typer.Option(None, "--max", help="Highest value to try (default: the schema's)."),
    step: Optional[float] = typer.Option(None, "--step", help="Step between values (default 1 for whole numbers)."),
    arena: str = ArenaOpt,
    n: int = typer.Option(1000, "-n", "--duels", help="Duels at each value tried (doubled near the answer)."),
    seed: int = SeedOpt,
    bot: Optional[str] = BotOpt,
    sets: Optional[list[str]] = SetOpt,
    workers: Optional[int] = WorkersOpt,
    batch_size: Optional[int] = BatchSizeOpt,
    pairing: bool = PairingOpt,
    as_json: bool = JsonOpt,
    quiet: bool = QuietOpt,
    backend: str = BackendOpt,
    scheduler: Optional[str] = SchedulerOpt,
    units: Optional[list[Path]] = UnitsOpt,
    arenas: Optional[list[Path]] = ArenasOpt,
    bot_timeout: float = BotTimeoutOpt,
    isolate: bool = IsolateOpt,
) -> None:
    """Search the value of a unit field whose win rate comes closest to the target."""
    idle_referee([bot])
    bot_rules(bot_timeout, isolate)
    from gladiator.batch.overrides import apply_overrides
    from gladiator.batch.tuning import FieldPath, balance as run_balance, largest_runs

    cat = load(units, arenas)
    settings = _settings(arena, n, seed, bot, sets, workers, batch_size, pairing, backend, scheduler)
    runs: dict = {}
    found: list = []
    if _interruptible(lambda: found.append(run_balance(cat, path, vs, target, settings, lo, hi, step, into=runs)), settings,
                      quiet, "balance"):
        fp = FieldPath.parse(path)
        tried = largest_runs(runs)
        if as_json:
            print(json.dumps({"field": fp.text, "vs": vs, "target": target, "bots": list(settings.bots), "interrupted": True,
                              "tried": [{"value": v, "win_rate": t.win_rate(0), "duels": t.n} for v, t in sorted(tried.items())]}))
        else:
            _tried_table(fp, vs, tried, sets, settings)
        _stop(f"interrupted: {len(tried)} values tried, no value chosen")
    res = found[0]
    base = apply_overrides(cat, settings.sets)
    was = res.path.current(base)
    where, line = _yaml_line(cat, res.path.unit, res.path.parts, res.value)
    wl, wh = res.totals.win_interval(0)
    if as_json:
        print(json.dumps({"field": res.path.text, "vs": vs, "target": target, "bots": list(settings.bots), "value": res.value, "was": was,
                          "win_rate": res.totals.win_rate(0), "interval": [wl, wh], "duels": res.totals.n,
                          "decided": res.decided, "bracketed": res.bracketed, "file": where, "yaml": line,
                          "tried": [{"value": v, "win_rate": t.win_rate(0), "duels": t.n} for v, t in sorted(res.tried.items())]}))
        return
    _tried_table(res.path, vs, res.tried, sets, settings)
    out.print(f"{res.path.text} = {res.value} (now {was}): {res.path.unit} wins {res.totals.win_rate(0):.1%} "
              f"(95% interval {wl:.1%} - {wh:.1%}) of {res.totals.n} duels against {vs}; target {target:.1%}", markup=False)
    if not res.bracketed:
        out.print(f"the target is not between the win rates at the ends of the range ({res.path.text} from "
                  f"{min(res.tried)} to {max(res.tried)}): the closest end is shown", markup=False)
    elif not res.decided:
        out.print("the values either side of the target are within each other's intervals: add duels (-n) to tell them apart", markup=False)
    out.print(f"change {where}:", markup=False)
    out.print(f"    {line}", markup=False)


# ---- the summary ----
def summary(units: tuple[str, str], total: Any, session: Any, elapsed: float, info: dict) -> dict:
    """The batch summary as JSON-ready data (what --json prints and the table shows)."""
    t = total
    outcomes = {k: t.outcomes.get(k, 0) for k in OUTCOME_LABELS}
    return {
        "units": list(units), **info, "duels": t.n, "complete": t.n == info.get("n", t.n),
        "wins": list(t.wins), "draws": t.draws,
        "win_rates": [t.win_rate(0), t.win_rate(1)], "win_intervals": [list(t.win_interval(0)), list(t.win_interval(1))],
        "draw_rate": t.draws / t.n if t.n else 0.0, "draw_interval": list(t.draw_interval()),
        "outcomes": outcomes,
        "mean_turns": t.mean_turns(), "median_turns": t.median_turns(),
        "turns_histogram": [{"from": a, "to": b, "duels": c} for a, b, c in t.histogram()],
        "first_mover_win_rate": t.first_mover_rate(), "first_mover_interval": list(_wilson(t.first_wins, t.decisive)),
        "side_a_win_rate": t.side_a_rate(), "side_a_interval": list(_wilson(t.side_wins[0], t.decisive)),
        "actions": t.actions,
        "sides": [{"unit": units[k], **t.event_counts(k)} for k in (0, 1)],
        "elapsed_seconds": elapsed, "duels_this_run": session.n,
        "duels_per_second": session.n / elapsed if elapsed > 0 else 0.0,
        "actions_per_second": session.actions / elapsed if elapsed > 0 else 0.0,
    }


def _print_summary(cat: Any, r: dict) -> None:
    names = [cat.unit(u).name for u in r["units"]]
    pairing = "sides paired" if r["pairing"] else "sides not paired"
    sets = r.get("overrides") or []
    out.print(printable(f"{names[0]} vs {names[1]} in {cat.arena(r['arena']).name}: {r['duels']} of {r['n']} duels, seed {r['seed']}, "
                        f"bots {r['bots'][0]} vs {r['bots'][1]}, {pairing}" + (f"; overrides: {', '.join(sets)}" if sets else "")
                        + (f"; starting disguised as {r['disguise']}" if r.get("disguise") else "")
                        + rules_note(r["rules_version"], "; ")),
              markup=False)
    tab = Table(title="Results")
    for col, just in (("", "left"), ("duels", "right"), ("share", "right"), ("95% interval", "right")):
        tab.add_column(col, justify=just)  # type: ignore[arg-type]
    for i in (0, 1):
        lo, hi = r["win_intervals"][i]
        tab.add_row(f"{r['units'][i]} wins", str(r["wins"][i]), f"{r['win_rates'][i]:.1%}", f"{lo:.1%} - {hi:.1%}")
    lo, hi = r["draw_interval"]
    tab.add_row("draws", str(r["draws"]), f"{r['draw_rate']:.1%}", f"{lo:.1%} - {hi:.1%}")
    out.print(tab)
    oc = Table(title="How the duels ended")
    oc.add_column("outcome")
    oc.add_column("duels", justify="right")
    oc.add_column("share", justify="right")
    for k, label in OUTCOME_LABELS.items():
        c = r["outcomes"][k]
        oc.add_row(label, str(c), f"{c / r['duels']:.1%}" if r["duels"] else "-")
    out.print(oc)
    out.print(f"Duel length: mean {r['mean_turns']:.1f} turns, median {r['median_turns']:g}", markup=False)
    hist = r["turns_histogram"]
    top = max((h["duels"] for h in hist), default=0)
    for h in hist:
        span = f"{h['from']}" if h["from"] == h["to"] else f"{h['from']}-{h['to']}"
        out.print(f"  {span:>7} turns {_bar(h['duels'] / top if top else 0, 30):<30} {h['duels']}", markup=False)
    _print_events(r)
    fl, fh = r["first_mover_interval"]
    out.print(f"First mover wins {r['first_mover_win_rate']:.1%} of decisive duels (95% interval {fl:.1%} - {fh:.1%})", markup=False)
    sl, sh = r["side_a_interval"]
    note = "; pairing cancels it in the totals" if r["pairing"] else ""
    out.print(f"Side bias: spawn A wins {r['side_a_win_rate']:.1%} of decisive duels (95% interval {sl:.1%} - {sh:.1%}; 50% is no bias{note})", markup=False)
    out.print(f"Throughput: {r['duels_per_second']:,.0f} duels/s, {r['actions_per_second']:,.0f} actions/s "
              f"({r['duels_this_run']} duels in {r['elapsed_seconds']:.2f} s, {r['workers']} worker(s), {r['backend']})", markup=False)


def _print_events(r: dict) -> None:
    """What each side did: the share of duels in which it did each kind of thing at least once, and the totals."""
    sides, n = r["sides"], r["duels"]
    if not n or not sides[0]["events"]:
        return
    ev = Table(title="What each side did (duels with it, and how often in all)")
    ev.add_column("")
    for s in sides:
        ev.add_column(s["unit"], justify="right")
    for kind in sides[0]["events"]:
        if not any(s["events"][kind] for s in sides):
            continue
        ev.add_row(kind.replace("_", " "), *(f"{s['duels_with'][kind] / n:.0%} ({s['events'][kind]})" for s in sides))
    for key, label in (("weapon_use", "weapon"), ("mimic_as", "disguised as")):
        for name in sorted({k for s in sides for k in s[key]}):
            ev.add_row(f"{label} {name}", *(str(s[key].get(name, 0)) if s[key].get(name) else "-" for s in sides))
    out.print(ev)


class _CsvRows:
    """One CSV row per duel, written chunk by chunk."""

    def __init__(self, path: Path, spec: Any) -> None:
        self.spec = spec
        try:
            self.file = AtomicFile(path, "w", "CSV")  # renamed into place by close: never half a file where one was
        except GladiatorError as e:
            raise GladiatorError(f"--csv {e}") from None
        self.w = csv.writer(self.file.f)
        try:
            self.w.writerow(CSV_COLUMNS)
        except OSError as e:
            self.file.discard()
            raise GladiatorError(f"--csv {path}: cannot write CSV: {e.strerror or e}") from None

    def write(self, rows: Any) -> None:
        """Write one row per duel of a chunk; a full disk is one line naming the file."""
        try:
            self._write(rows)
        except OSError as e:
            raise GladiatorError(f"--csv {self.file.path}: cannot write CSV: {e.strerror or e}") from None

    def _write(self, rows: Any) -> None:
        a, b = self.spec.units
        for r in rows.tolist():
            duel, seed, swapped, winner, outcome, first, turns, actions, integ, heat, nec, forfeit = r
            sides = (b, a) if swapped else (a, b)
            from gladiator.engine import REFUSAL_NAMES
            from gladiator.state import OUTCOMES

            self.w.writerow([duel, seed, sides[0], sides[1], "" if winner < 0 else sides[winner], OUTCOMES[outcome], turns,
                             sides[first], actions, integ[0], heat[0], nec[0], integ[1], heat[1], nec[1],
                             REFUSAL_NAMES[forfeit] if forfeit else ""])

    def close(self) -> None:
        """Put the CSV in place."""
        try:
            self.file.commit()
        except GladiatorError as e:
            raise GladiatorError(f"--csv {e}") from None

    def discard(self) -> None:
        """Drop what was written; a CSV that was there stays."""
        self.file.discard()


# ---- helpers ----
def _first_mover_table(firsts: list[dict]) -> None:
    """One row per cell (mirrors first): the first mover's share of decisive duels, its interval, and a flag where the
    interval leaves out 50%."""
    tab = Table(title="First mover wins (share of decisive duels; a flag where 50% is outside the 95% interval)")
    for col, just in (("", "left"), ("share", "right"), ("95% interval", "right"), ("decisive", "right"), ("", "left")):
        tab.add_column(col, justify=just, no_wrap=True)  # type: ignore[arg-type]
    for f in firsts:
        lo, hi = f["interval"]
        flag = "first mover ahead" if lo > 0.5 else "second mover ahead" if hi < 0.5 else ""
        tab.add_row(printable(" vs ".join(f["units"])), f"{f['rate']:.1%}" if f["decisive"] else "-", f"{lo:.1%} - {hi:.1%}",
                    str(f["decisive"]), flag)
    out.print(tab)


def _tried_table(fp: Any, vs: str, tried: dict, sets: Optional[list[str]], settings: Any) -> None:
    tab = Table(title=_titled(f"{fp.text} against {vs}: values tried, {_bots(settings)}", sets))
    for col in ("value", "duels", f"{fp.unit} wins", "95% interval"):
        tab.add_column(col, justify="right")
    for v, t in sorted(tried.items()):
        a, b = t.win_interval(0)
        tab.add_row(str(v), str(t.n), f"{t.win_rate(0):.1%}", f"{a:.1%} - {b:.1%}")
    out.print(tab)


def _bots(settings: Any) -> str:
    """The bots of a run, as its titles name them."""
    a, b = settings.bots
    return f"bot {a}" if a == b else f"bots {a} vs {b}"


def _interruptible(work: Any, settings: Any, quiet: bool, label: str) -> bool:
    """Run `work()`, a job of many runs on `settings`, showing its duels against the total it plans (`Gauge`) and the
    run in play; True if Ctrl-C stopped it (what finished is in the caller's containers)."""
    gauge = Gauge("duels", None, quiet, label=label)
    settings.on_plan = lambda duels: gauge.tell(total=duels)
    settings.on_run = lambda run, duels: gauge.tell(note=run)
    settings.on_duels = lambda duels: gauge.tell(advance=duels)
    try:
        with gauge:
            work()
    except KeyboardInterrupt:
        return True
    return False


def _stop(message: str) -> None:
    """Say what an interrupt left and exit with code 130."""
    stopped(message)


def _titled(title: str, sets: Optional[list[str]]) -> Text:
    """A table title as plain text (never markup), naming the run's --set overrides."""
    return Text(printable(title + (f"; overrides: {', '.join(sets)}" if sets else "")))


def _png_path(png: Optional[Path], name: str, cat: Any, force: bool = False) -> Optional[Path]:
    """Where --png really writes: a folder gets `<name>.png` inside it; checked before any duel is played."""
    from gladiator.batch import plots

    if png is None:
        return None
    plots.require_matplotlib()
    if png.is_dir():
        png = png / f"{name}.png"
    check_outputs({"--png": png}, data_files(cat), force=force)
    if not (png.parent if str(png.parent) else Path(".")).is_dir():
        raise GladiatorError(f"--png {png}: folder {png.parent} does not exist")
    return png


def _check_common(workers: Optional[int], batch_size: Optional[int], backend: str, scheduler: Optional[str]) -> int | None:
    if workers is not None and workers < 1:
        raise GladiatorError(f"--workers must be at least 1, got {workers}")
    if batch_size is not None and batch_size < 1:
        raise GladiatorError(f"--batch-size must be at least 1, got {batch_size}")
    if backend not in ("local", "dask"):
        raise GladiatorError(f"unknown --backend {backend!r}; known backends: dask, local")
    if scheduler and backend != "dask":
        raise GladiatorError("--scheduler needs --backend dask")
    if backend == "dask":
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise GladiatorError("--backend dask needs Dask: pip install 'gladiator[dask]'") from None
    return workers


def _settings(arena: str, n: int, seed: int, bot: Optional[str], sets: Optional[list[str]], workers: Optional[int],
              batch_size: Optional[int], pairing: bool, backend: str, scheduler: Optional[str]) -> Any:
    from gladiator.batch.runner import default_workers
    from gladiator.batch.tuning import RunSettings

    _check_common(workers, batch_size, backend, scheduler)
    if n < 1:
        raise GladiatorError(f"-n must be at least 1, got {n}")
    if seed < 0:
        raise GladiatorError(f"--seed must be 0 or more, got {seed}")

    return RunSettings(arena=arena, n=n, seed=seed, bots=pick_bots(bot, None, None), pairing=pairing,
                       sets=tuple(sets or ()), batch_size=batch_size, workers=workers or default_workers(),
                       backend=backend, scheduler=scheduler)


def _wilson(k: int, n: int) -> tuple[float, float]:
    from gladiator.batch.stats import wilson

    return wilson(k, n)


def _bar(frac: float, width: int) -> str:
    full = max(0.0, min(1.0, frac)) * width
    return "█" * int(full) + ("▌" if full - int(full) >= 0.5 else "")


def _yaml_line(cat: Any, uid: str, parts: list[str], value: Any) -> tuple[str, str]:
    """(file and line, YAML text) of the field to change in the unit's file."""
    import yaml

    src = cat.sources.get(f"unit:{uid}", f"units/{uid}.yaml")
    key = parts[-1]
    shown = json.dumps(value) if not isinstance(value, str) else value
    try:
        text = Path(src).read_text(encoding="utf-8")
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        for p in parts:
            if isinstance(node, yaml.MappingNode):
                node = next(v for k, v in node.value if k.value == p)
            elif isinstance(node, yaml.SequenceNode):
                node = node.value[int(p)] if p.isdigit() else next(
                    v for v in node.value if any(k.value == "id" and x.value == p for k, x in v.value))
        return f"{src}:{node.start_mark.line + 1}", f"{key}: {shown}"
    except (OSError, StopIteration, ValueError, IndexError, yaml.YAMLError, AttributeError):
        return src, f"{'.'.join(parts)}: {shown}"
