"""The `ladder` and `odds` commands: ratings of bots, and each side's chance to win from a moment of a recorded duel.

Every user error is one line and exit code 2 (see `gladiator.cli`). Imports the shared CLI
helpers below it, never the commands beside it.
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
    ArenaOpt, ArenasOpt, bot_rules, BotTimeoutOpt, check_bot, data_files, ForceOpt, Gauge, idle_force, idle_referee,
    IsolateOpt, load, out, QuietOpt, signals_held, stopped, UnitsOpt,
)
from gladiator.errors import GladiatorError
from gladiator.files import check_outputs, printable


def register(app: typer.Typer) -> None:
    """Add the analysis commands to the `gladiator` app."""
    app.command("ladder")(ladder)
    app.command("odds")(odds)
    app.command("log")(log)


def ladder(
    bots: list[str] = typer.Argument(..., help="Two or more bots to rate (random, greedy, heuristic, search:budget=64, ...)."),
    unit_ids: list[str] = typer.Option(["rouge", "viola", "jaron"], "--unit", "-u",
                                       help="A unit the bots fight with (an id; --units adds unit files); may repeat. "
                                            "Each bot plays each unit of every pairing."),
    arena: str = ArenaOpt,
    n: int = typer.Option(200, "-n", "--duels", help="Side-swapped duels per bot pair and unit pairing."),
    seed: int = typer.Option(DEFAULT_SEED, "--seed", "-s", help="Run seed (0 or more)."),
    workers: Optional[int] = typer.Option(None, "--workers", "-w", help="Processes (default: the number of cores)."),
    out_path: Optional[Path] = typer.Option(None, "--out", "-o", help="Store each finished cell in this SQLite file; run again to resume."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of tables."),
    units: Optional[list[Path]] = UnitsOpt,
    arenas: Optional[list[Path]] = ArenasOpt,
    bot_timeout: float = BotTimeoutOpt,
    isolate: bool = IsolateOpt,
    force: bool = ForceOpt,
    quiet: bool = QuietOpt,
) -> None:
    """Play every pair of bots on every pairing of units, both sides, and rate the bots (Bradley-Terry, 95% intervals)."""
    idle_force({"--out": out_path})
    idle_referee(list(bots))
    bot_rules(bot_timeout, isolate)
    import numpy as np

    from gladiator.batch.ladder import cells_of, check_ladder, ladder_identity, play_ladder
    from gladiator.batch.runner import ROW_DTYPE, default_workers
    from gladiator.batch.stats import Totals
    from gladiator.batch.store import ResultStore
    from gladiator.files import STORE_KINDS

    if n < 1:
        raise GladiatorError(f"-n must be at least 1, got {n}")
    if seed < 0:
        raise GladiatorError(f"--seed must be 0 or more, got {seed}")
    if workers is not None and workers < 1:
        raise GladiatorError(f"--workers must be at least 1, got {workers}")
    bots = [check_bot(b) for b in bots]
    check_ladder(bots, unit_ids)
    cat = load(units, arenas)
    for u in unit_ids:
        cat.unit(u)
    cat.arena(arena)
    check_outputs({"--out": out_path}, data_files(cat), stores={"--out": STORE_KINDS["ladder"]}, force=force)
    cells = cells_of(bots, unit_ids)
    index = {cell: k for k, cell in enumerate(cells)}
    # each cell (bot pair, unit pairing) is one chunk of `n` duels of the results file
    store = ResultStore(out_path, ladder_identity(cat, bots, unit_ids, arena, n, seed)) if out_path is not None else None
    stored = store.stored() if store is not None else {}

    def done(pair: tuple[str, str], ups: tuple[str, str]) -> Totals | None:
        return stored.get(index[(pair, ups)])

    finished: list[int] = [len(stored)]
    gauge = Gauge("duels", n * len(cells), quiet, label="ladder", done=n * len(stored))

    def on_cell(pair: tuple[str, str], ups: tuple[str, str], t: Totals) -> None:
        with signals_held():  # stored and counted, or neither
            if store is not None:
                store.put(index[(pair, ups)], t, np.zeros(0, dtype=ROW_DTYPE))
            finished[0] += 1
        gauge.tell(n * finished[0], note=f"{finished[0]} of {len(cells)} cells")

    def on_duels(k: int) -> None:
        gauge.tell(advance=k, note=f"{finished[0]} of {len(cells)} cells")

    start = time.perf_counter()
    try:
        with gauge:
            lad = play_ladder(cat, bots, unit_ids, arena, n, seed, workers or default_workers(), done=done,
                              on_cell=on_cell, on_duels=on_duels)
    except KeyboardInterrupt:
        stopped(f"interrupted: {finished[0]} of {len(cells)} cells (bot pair and unit pairing) finished" +
                (f"; run the same command again to resume from {out_path}" if out_path else "; no ratings without them all"))
    finally:
        if store is not None:
            store.close()
    report = lad.to_json() | {"arena": arena, "units": list(unit_ids), "n": n, "seed": seed,
                              "elapsed_seconds": time.perf_counter() - start}
    if as_json:
        print(json.dumps(report))
        return
    _print_ladder(report)


def _print_ladder(r: dict) -> None:
    out.print(printable(f"Ladder of {', '.join(r['bots'])} in {r['arena']}: {r['duels']} duels, units "
                        f"{', '.join(r['units'])}, {r['n']} per bot pair and unit pairing"), markup=False)
    tab = Table(title="Ratings (Bradley-Terry, Elo scale, mean 0)")
    for col, just in (("bot", "left"), ("rating", "right"), ("95% interval", "right")):
        tab.add_column(col, justify=just)  # type: ignore[arg-type]
    for b, v in sorted(r["ratings"].items(), key=lambda kv: -kv[1]["rating"]):
        lo, hi = v["interval"]
        tab.add_row(printable(b), f"{v['rating']:+.0f}", f"{lo:+.0f} .. {hi:+.0f}")
    out.print(tab)
    h2h = Table(title="Head to head (share of duels the row bot won; draws count half)")
    h2h.add_column("")
    for b in r["bots"]:
        h2h.add_column(printable(b), justify="right")
    for a in r["bots"]:
        h2h.add_row(printable(a), *("-" if a == b else f"{r['head_to_head'][a][b]:.0%}" for b in r["bots"]))
    out.print(h2h)


def odds(
    replay: Path = typer.Argument(..., help="A replay file (gladiator duel --record)."),
    turn: int = typer.Option(..., "--turn", "-t", help="The turn to estimate from (its start)."),
    bot: str = typer.Option(DEFAULT_BOT, "--bot", help="The bot that plays both sides of the continuations."),
    rollouts: int = typer.Option(10_000, "--rollouts", "-r", help="Continuations to play."),
    side: Optional[str] = typer.Option(None, "--side", help="Estimate as side A or B has seen the duel (a disguise unresolved; "
                                       "default: the spectator's truth)."),
    seed: Optional[int] = typer.Option(None, "--seed", "-s", help="Seed of the continuations' fresh draws "
                                       "(default: the recorded duel's own seed, as the window's odds bar)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    quiet: bool = QuietOpt,
    bot_timeout: float = BotTimeoutOpt,
    isolate: bool = IsolateOpt,
) -> None:
    """Each side's chance to win from a moment of a recorded duel, by playing the rest of it many times at once.

    The estimate is the window's odds bar's (the same bot, the duel's own seed): its first 500 continuations are
    the bar's, so `--rollouts 500` gives the bar's figures."""
    idle_referee([bot])
    bot_rules(bot_timeout, isolate)
    from gladiator import rng
    from gladiator.bots import make_bot
    from gladiator.odds import MAX_ROLLOUTS, estimates
    from gladiator.replay import load_replay

    if side is not None and side.upper() not in ("A", "B"):
        raise GladiatorError(f"--side is A or B, got {side!r}")
    if seed is not None:
        rng.check_seed(seed, "--seed")
    if not 1 <= rollouts <= MAX_ROLLOUTS:
        raise GladiatorError(f"--rollouts must be from 1 to {MAX_ROLLOUTS:,}, got {rollouts}")
    bot = check_bot(bot)
    game, data = load_replay(replay)
    if seed is None:
        seed = int(data["seed"])  # the window's odds bar plays its continuations from the duel's own seed too
    state, upto = _state_at_turn(game, data, turn, replay)
    from_side = None if side is None else "AB".index(side.upper())
    t0 = time.perf_counter()
    player = make_bot(bot)  # one bot on both sides: asked once a step for every continuation
    got = None
    try:
        with Gauge("continuations", rollouts, quiet) as gauge:
            for got in estimates(game, state, (player, player), rollouts=rollouts, seed=seed, from_side=from_side):
                gauge.tell(got.rollouts)
    except KeyboardInterrupt:
        if got is None:
            raise
        _print_odds(got, data, bot, side, upto, t0, as_json, seed)
        stopped(f"interrupted: the estimate above is of {got.rollouts:,} of {rollouts:,} continuations")
    assert got is not None
    _print_odds(got, data, bot, side, upto, t0, as_json, seed)


def _print_odds(got: Any, data: dict, bot: str, side: Optional[str], upto: int, t0: float, as_json: bool,
                seed: int) -> None:
    """Print an estimate of `odds`: one JSON object, or a line and a table."""
    report = got.to_json() | {"units": data["units"], "bot": bot, "from_side": side.upper() if side else None,
                              "seed": seed, "actions_replayed": upto, "elapsed_seconds": time.perf_counter() - t0}
    if as_json:
        print(json.dumps(report))
        return
    names = data["units"]
    view = f"as side {side.upper()} sees it" if side else "from the full truth"
    out.print(printable(f"{names[0]} vs {names[1]} at the start of turn {got.turn}, {view}: {got.rollouts:,} continuations "
                        f"with {bot} on both sides"), markup=False)
    tab = Table()
    for col, just in (("", "left"), ("chance", "right"), ("95% interval", "right"), ("how", "left")):
        tab.add_column(col, justify=just)  # type: ignore[arg-type]
    iv = got.intervals()
    for k, key in enumerate("AB"):
        how = ", ".join(f"{o.replace('_', ' ')} {p:.0%}" for o, p in report["outcomes"][key].items() if p)
        tab.add_row(printable(f"{names[k]} wins"), f"{got.win[k]:.1%}", f"{iv[key][0]:.1%} - {iv[key][1]:.1%}", how)
    tab.add_row("draw", f"{got.draw:.1%}", f"{iv['draw'][0]:.1%} - {iv['draw'][1]:.1%}", "")
    out.print(tab)


def log(
    replay: Path = typer.Argument(..., help="A replay file (gladiator duel --record)."),
    side: Optional[str] = typer.Option(None, "--side", help="Tell it as side A or B has seen the duel (default: the "
                                       "spectator's truth)."),
    formulas: bool = typer.Option(False, "--formulas", help="Every hit chance with its terms, and every roll."),
) -> None:
    """Print a recorded duel's combat log, from the replay alone: plain words, or --formulas."""
    from gladiator.engine import opening_events
    from gladiator.narrate import narrate, narrate_plain
    from gladiator.replay import load_replay, replay_states

    if side is not None and side.upper() not in ("A", "B"):
        raise GladiatorError(f"--side is A or B, got {side!r}")
    game, data = load_replay(replay)
    start, _ = replay_states(game, data, upto=0, path=replay)
    _, events = replay_states(game, data, events=True, path=replay)
    viewer = None if side is None else "AB".index(side.upper())
    units = (data["units"][0], data["units"][1])
    tell = narrate if formulas else narrate_plain
    for line in tell(game, units, opening_events(start) + events, viewer):
        out.print(printable(line), markup=False)


def _state_at_turn(game: Any, data: dict, turn: int, path: Path) -> tuple[Any, int]:
    """The duel at the start of `turn` (after its start-of-turn upkeep), and how many actions led there."""
    from gladiator import engine
    from gladiator.errors import ReplayError
    from gladiator.replay import replay_states

    if turn < 1:
        raise GladiatorError(f"--turn must be 1 or more, got {turn}")
    s, _ = replay_states(game, data, upto=0, path=path)
    for k, action in enumerate(data["actions"]):
        if int(s.turn[0]) >= turn or s.done[0]:
            break
        try:
            s, _ = engine.step(game, s, [int(action)])
        except GladiatorError as e:
            raise ReplayError(f"{path}: replay diverges at action {k + 1} (turn {int(s.turn[0])}): {e}") from None
    else:
        k = len(data["actions"])
    if s.done[0]:
        raise GladiatorError(f"{path}: the duel ends in turn {int(s.turn[0])}; --turn {turn} is past its end")
    if int(s.turn[0]) < turn:
        raise GladiatorError(f"{path}: the recorded actions stop in turn {int(s.turn[0])}, the duel unfinished; "
                             f"--turn {turn} is past them")
    return s, k
