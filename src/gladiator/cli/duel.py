"""Commands of one headless duel: start, duel, verify.

A front end: it drives the engine, it holds no rule. Imports `gladiator.cli.common` and the
packages below the front ends; never another command module.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import typer

from gladiator import DEFAULT_ARENA, DEFAULT_BOT, DEFAULT_BOT_TIMEOUT, DEFAULT_SEED
from gladiator.cli.common import (
    ArenasOpt, bot_rules, BotTimeoutOpt, c_stderr_muted, check_clip, check_rules, ClipSizeOpt, CutFromOpt, CutToOpt,
    data_files, DEFAULT_RULES, DisguiseOpt, err, ExportOpt, ForceOpt, FpsOpt, Gauge, has_display, idle_bot, idle_force,
    idle_referee, IsolateOpt, load, out, pick_bots, rules_note, RulesOpt, run_export, UnitsOpt,
)
from gladiator.files import check_outputs, printable
from gladiator.state import OUTCOME_LABELS


DUEL_GAUGE_AFTER = 2.0  # seconds a duel plays before its progress shows (most take under a second)


def register(app: typer.Typer) -> None:
    """Add the duel commands to the `gladiator` app."""
    app.command("start")(start)
    app.command("duel")(duel)
    app.command("verify")(verify)


def start() -> None:
    """Open the title screen where a display is available; otherwise print a headless duel."""
    if has_display():
        from gladiator.ui.app import real_display, run_title

        with c_stderr_muted():
            if real_display():
                run_title()
                return
    out.print("(no display: a headless duel instead of the window)", markup=False)
    duel("rouge", "viola", arena=DEFAULT_ARENA, seed=DEFAULT_SEED, bot=DEFAULT_BOT, bot_a=None, bot_b=None, as_json=False,
         record=None, quiet=False, units=None, arenas=None, disguise=None, export=None, fps=12, size=None,
         cut_from=None, cut_to=None, bot_timeout=DEFAULT_BOT_TIMEOUT, isolate=False, force=False, rules=DEFAULT_RULES)


def duel(
    unit_a: str = typer.Argument(..., help="Id of the first unit (side A)."),
    unit_b: str = typer.Argument(..., help="Id of the second unit (side B)."),
    arena: str = typer.Option(DEFAULT_ARENA, "--arena", "-a", help="Arena id."),
    seed: int = typer.Option(DEFAULT_SEED, "--seed", "-s", help="The duel's seed (0 or more)."),
    bot: Optional[str] = typer.Option(None, "--bot", help=f"Bot of both sides (default {DEFAULT_BOT}; random, greedy, heuristic, search, ...)."),
    bot_a: Optional[str] = typer.Option(None, "--bot-a", help="Bot of side A."),
    bot_b: Optional[str] = typer.Option(None, "--bot-b", help="Bot of side B."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of the log."),
    record: Optional[Path] = typer.Option(None, "--record", help="Write a replay of the duel to this file."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only the result: no combat log, no progress."),
    units: Optional[list[Path]] = UnitsOpt,
    arenas: Optional[list[Path]] = ArenasOpt,
    disguise: Optional[str] = DisguiseOpt,
    export: Optional[Path] = ExportOpt,
    fps: int = FpsOpt,
    size: Optional[str] = ClipSizeOpt,
    cut_from: Optional[int] = CutFromOpt,
    cut_to: Optional[int] = CutToOpt,
    bot_timeout: float = BotTimeoutOpt,
    isolate: bool = IsolateOpt,
    force: bool = ForceOpt,
    rules: int = RulesOpt,
) -> None:
    """Fight one duel headless and print its combat log and result (--export: also as an animated GIF or video)."""
    idle_bot(bot, bot_a, bot_b)
    idle_referee([bot, bot_a, bot_b])
    idle_force({"--record": record, "--export": export})
    clip = check_clip(export, fps, size, cut_from, cut_to)  # before the duel: a bad clip option is refused at once
    bot_rules(bot_timeout, isolate)
    from gladiator.bots import make_bot
    from gladiator.duel import game_for, play_duel, start_looks
    from gladiator.narrate import narrate

    from gladiator.rng import check_seed

    check_seed(seed, "--seed")
    rules = check_rules(rules)
    cat = load(units, arenas)
    check_outputs({"--record": record, "--export": export}, data_files(cat), force=force)
    if export is not None:
        from gladiator.ui.export import check_target

        check_target(export)  # before the duel: a bad target is refused at once
    cat.unit(unit_a), cat.unit(unit_b)
    game = game_for(cat, arena, rules)
    names = pick_bots(bot, bot_a, bot_b)
    looks = start_looks(game, (unit_a, unit_b), disguise)
    with Gauge("turns", None, quiet, label="duel", after=DUEL_GAUGE_AFTER) as gauge:  # a search bot can take minutes
        res = play_duel(game, (unit_a, unit_b), seed, (make_bot(names[0]), make_bot(names[1])), events=not as_json,
                        disguise=looks, on_action=lambda turn: gauge.tell(turn))
    if as_json:
        data = res.summary() | {"arena": arena, "bots": list(names), "rules_version": str(game.rules),
                                "disguise": list(looks) if looks else None}
        print(json.dumps(data))
        _record(record, game, res, names)  # after the result: a bad path loses nothing already printed
        _export(export, game, res, names, fps, clip, cut_from, cut_to, quiet, report=err)  # stdout stays JSON
        return
    if not quiet:
        out.print(f"{game.roster[game.unit_index(unit_a)].name} ({names[0]}) vs "
                  f"{game.roster[game.unit_index(unit_b)].name} ({names[1]}) in {game.arena.name}, seed {seed}"
                  + rules_note(game.rules), markup=False)
        for line in narrate(game, (unit_a, unit_b), res.events):
            out.print(line, markup=False)
    outcome = OUTCOME_LABELS[res.outcome]
    if res.winner is None:
        out.print(f"Result: draw at the turn limit after {res.turns} turns", markup=False)
    else:
        out.print(f"Result: {res.winner} wins by {outcome} in {res.turns} turns", markup=False)
    if record is not None:
        _record(record, game, res, names)
        out.print(printable(f"Replay written to {record}"), markup=False)
    _export(export, game, res, names, fps, clip, cut_from, cut_to, quiet)


def verify(path: Path = typer.Argument(..., help="A replay file written by `duel --record`.")) -> None:
    """Replay a recorded duel through the engine and confirm its result."""
    from gladiator.replay import verify as verify_replay

    res = verify_replay(path)
    who = "draw" if res.winner is None else f"{res.winner} wins"
    out.print(printable(f"OK: {path} replays to the recorded result: {who} ({res.outcome}) in {res.turns} turns"), markup=False)


def _export(path: Optional[Path], game: Any, res: Any, names: tuple[str, str], fps: int, size: Any,
            first: Optional[int], last: Optional[int], quiet: bool, report: Any = None) -> None:
    """Export the played duel, if asked, through the replay it would be recorded as."""
    if path is not None:
        from gladiator.replay import make_replay

        run_export(game, make_replay(game, res, names), path, fps, size, first, last, quiet=quiet, report=report)


def _record(path: Optional[Path], game: Any, res: Any, names: tuple[str, str]) -> None:
    """Write the replay of a played duel, if asked."""
    if path is not None:
        from gladiator.replay import make_replay, save_replay

        save_replay(path, make_replay(game, res, names))
