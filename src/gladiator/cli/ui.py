"""Commands of the pygame window: play, watch, replay.

A front end over `gladiator.ui`: it parses options and opens the window. pygame is
imported only inside the commands (through gladiator.ui); every user error is one line
and exit code 2 (see `gladiator.cli.main`). Imports `gladiator.cli.common`; never another command module.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer

from gladiator import DEFAULT_ARENA, DEFAULT_BOT, DEFAULT_SEED
from gladiator.cli.common import (
    ArenasOpt, bot_rules, BotTimeoutOpt, c_stderr_muted, check_bot, check_clip, CLIP_SIZE, CutFromOpt, CutToOpt,
    data_files, ExportOpt, ForceOpt, FpsOpt, idle, idle_bot, idle_force, idle_referee, IsolateOpt, load, parse_size,
    pick_bots, run_export, UnitsOpt, WINDOW_SIZE,
)
from gladiator.errors import GladiatorError
from gladiator.files import check_outputs
SizeOpt = typer.Option(None, "--size", metavar="WxH", help=f"Window size in pixels, WIDTHxHEIGHT (default {WINDOW_SIZE}).")
ShotOpt = typer.Option(None, "--screenshot", help="Render --frames frames (no display needed) and save the last as PNG.")
FramesOpt = typer.Option(60, "--frames", help="Frames to render before --screenshot saves (60 a second of play).")
LEVEL_HELP = "trivial, easy, normal, hard or brutal (docs/window.md)"


def register(app: typer.Typer) -> None:
    """Add the window commands to the `gladiator` app."""
    app.command("play")(play)
    app.command("watch")(watch)
    app.command("replay")(replay)


def play(
    unit: Optional[str] = typer.Argument(None, help="Your gladiator (side A); none opens the title screen."),
    vs: str = typer.Option("viola", "--vs", help="The opponent (side B)."),
    arena: str = typer.Option(DEFAULT_ARENA, "--arena", "-a", help="Arena id."),
    seed: int = typer.Option(DEFAULT_SEED, "--seed", "-s", help="The duel's seed (0 or more)."),
    bot: Optional[str] = typer.Option(None, "--bot", help="The opponent's bot (random, greedy, heuristic, search:budget=N, ...)."),
    difficulty: Optional[str] = typer.Option(None, "--difficulty", "-d", help=f"The opponent's level instead of --bot: {LEVEL_HELP}; default normal."),
    vs_human: bool = typer.Option(False, "--vs-human", help="Two people at one screen, taking turns."),
    record: Optional[Path] = typer.Option(None, "--record", help="Write a replay of the duel to this file when it ends."),
    size: str = SizeOpt,
    screenshot: Optional[Path] = ShotOpt,
    frames: int = FramesOpt,
    units: Optional[list[Path]] = UnitsOpt,
    arenas: Optional[list[Path]] = ArenasOpt,
    bot_timeout: float = BotTimeoutOpt,
    isolate: bool = IsolateOpt,
    force: bool = ForceOpt,
) -> None:
    """Play a duel in the window against a bot (or a friend with --vs-human)."""
    for name in ("vs", "arena", "bot", "difficulty", "vs_human", "record"):
        idle(name, unit is None, "without UNIT (the title screen opens: choose there)")
    for name in ("bot", "difficulty", "bot_timeout", "isolate"):
        idle(name, vs_human, "with --vs-human (no bot plays)")
    if unit is not None:  # on the title screen a plugin bot may still be chosen
        idle_referee([bot])
    idle_force({"--record": record, "--screenshot": screenshot})
    bot_rules(bot_timeout, isolate)
    wh = _size(size)
    _check(seed, frames, screenshot)
    if unit is None:
        check_outputs({"--screenshot": screenshot}, force=force)
        _prepare(screenshot)
        from gladiator.ui.app import run_title

        with c_stderr_muted():
            run_title(units, arenas, seed, wh, screenshot, frames)
        return
    opponent = _bot_or_level(bot, difficulty if bot or difficulty else "normal")
    controllers = ("human", "human" if vs_human else check_bot(str(opponent), person_plays=True))
    _duel(unit, vs, arena, seed, controllers, record, wh, screenshot, frames, units, arenas, 1.0, force)


def watch(
    unit_a: str = typer.Argument("rouge", help="Side A."),
    unit_b: str = typer.Argument("viola", help="Side B."),
    arena: str = typer.Option(DEFAULT_ARENA, "--arena", "-a", help="Arena id."),
    seed: int = typer.Option(DEFAULT_SEED, "--seed", "-s", help="The duel's seed (0 or more)."),
    bot: Optional[str] = typer.Option(None, "--bot", help=f"Bot of both sides (default {DEFAULT_BOT}; random, greedy, heuristic, search:budget=N, ...)."),
    difficulty: Optional[str] = typer.Option(None, "--difficulty", "-d", help=f"Both sides' level instead of --bot: {LEVEL_HELP}."),
    bot_a: Optional[str] = typer.Option(None, "--bot-a", help="Bot of side A."),
    bot_b: Optional[str] = typer.Option(None, "--bot-b", help="Bot of side B."),
    speed: float = typer.Option(1.0, "--speed", help="Playback speed, 0.25 to 32 (+/- change it in the window)."),
    record: Optional[Path] = typer.Option(None, "--record", help="Write a replay of the duel to this file when it ends."),
    size: str = SizeOpt,
    screenshot: Optional[Path] = ShotOpt,
    frames: int = FramesOpt,
    units: Optional[list[Path]] = UnitsOpt,
    arenas: Optional[list[Path]] = ArenasOpt,
    bot_timeout: float = BotTimeoutOpt,
    isolate: bool = IsolateOpt,
    force: bool = ForceOpt,
) -> None:
    """Watch two bots fight in the window: Space pauses, Right steps, +/- change speed, Esc leaves."""
    idle_bot(bot, bot_a, bot_b)
    idle_bot(difficulty, bot_a, bot_b, "difficulty")
    idle_referee([bot, bot_a, bot_b])
    idle_force({"--record": record, "--screenshot": screenshot})
    bot_rules(bot_timeout, isolate)
    wh = _size(size)
    _check(seed, frames, screenshot)
    if not (0 < speed <= 1000):
        raise GladiatorError(f"--speed must be above 0 and at most 1000 (it snaps to 0.25 ... 32), got {speed}")
    names = pick_bots(_bot_or_level(bot, difficulty), bot_a, bot_b)
    _duel(unit_a, unit_b, arena, seed, names, record, wh, screenshot, frames, units, arenas, speed, force)


def replay(
    path: Path = typer.Argument(..., help="A replay file (gladiator duel --record, or --record in the window)."),
    turn: Optional[int] = typer.Option(None, "--turn", "-t", help="Start paused at the start of this turn (default: play "
                                       "from the first)."),
    size: Optional[str] = typer.Option(None, "--size", metavar="WxH", help=f"Picture size WIDTHxHEIGHT: of the window "
                                       f"(default {WINDOW_SIZE}) or, with --export, of the clip (default {CLIP_SIZE})."),
    screenshot: Optional[Path] = ShotOpt,
    frames: int = FramesOpt,
    export: Optional[Path] = ExportOpt,
    fps: int = FpsOpt,
    cut_from: Optional[int] = CutFromOpt,
    cut_to: Optional[int] = CutToOpt,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Show no progress of --export on stderr."),
    force: bool = ForceOpt,
) -> None:
    """Play back a recorded duel: Space pauses, Left/Right step, PgUp/PgDn jump a turn, the timeline jumps anywhere.

    With --export, write it as an animated GIF (or MP4 / WebM) instead, headless."""
    from gladiator.replay import load_replay

    for name in ("turn", "screenshot", "frames"):
        idle(name, export is not None, "with --export (a clip is cut with --from and --to)" if name == "turn"
             else "with --export (it writes no window)")
    idle("quiet", export is None, "without --export (the window shows no progress)")
    idle_force({"--screenshot": screenshot, "--export": export})
    clip = check_clip(export, fps, size, cut_from, cut_to)
    wh = clip or _size(size)
    _check(0, frames, screenshot)
    if turn is not None and turn < 1:
        raise GladiatorError(f"--turn must be 1 or more, got {turn}")
    game, data = load_replay(path)
    from gladiator.replay import replay_states

    check_outputs({"--screenshot": screenshot, "--export": export}, {"the replay": path}, force=force)
    replay_states(game, data, path=path)  # a replay that diverges is refused before the window opens
    if export is not None:
        run_export(game, data, export, fps, wh, cut_from, cut_to, quiet=quiet)
        return
    at = 0 if turn is None else _turn_start(game, data, turn)
    _prepare(screenshot)
    from gladiator.ui.app import run_screen
    from gladiator.ui.replay_view import ReplayScreen

    def make() -> ReplayScreen:
        scr = ReplayScreen(game, data)
        if at:
            scr.goto(at)
            scr.playing = False
        return scr

    with c_stderr_muted():
        run_screen(make, wh, screenshot, frames)


def _duel(unit_a: str, unit_b: str, arena: str, seed: int, controllers: tuple[str, str], record: Optional[Path],
          size: tuple[int, int], screenshot: Optional[Path], frames: int,
          units: Optional[list[Path]], arenas: Optional[list[Path]], speed: float, force: bool) -> None:
    from gladiator.duel import game_for

    cat = load(units, arenas)
    check_outputs({"--record": record, "--screenshot": screenshot}, data_files(cat), force=force)
    cat.unit(unit_a), cat.unit(unit_b)
    game = game_for(cat, arena)
    _prepare(screenshot)
    from gladiator.ui.app import run_screen
    from gladiator.ui.board import SPEEDS
    from gladiator.ui.play import DuelScreen

    def make() -> DuelScreen:
        scr = DuelScreen(game, (unit_a, unit_b), seed, controllers, None, record)
        scr.speed_i = min(range(len(SPEEDS)), key=lambda i: abs(SPEEDS[i] - speed))
        return scr

    with c_stderr_muted():
        run_screen(make, size, screenshot, frames)


def _bot_or_level(bot: Optional[str], difficulty: Optional[str]) -> Optional[str]:
    """The bot named by --bot or by --difficulty (not both), or None."""
    from gladiator.bots.levels import level_bot

    if bot is not None and difficulty is not None:
        raise GladiatorError("--difficulty has no effect with --bot (give one of them)")
    return level_bot(difficulty) if difficulty is not None else bot


def _size(text: Optional[str]) -> tuple[int, int]:
    """The window's size from --size (default WINDOW_SIZE)."""
    return parse_size(text or WINDOW_SIZE)


def _turn_start(game: object, data: dict, turn: int) -> int:
    """How many actions of a replay come before the start of `turn`: where --turn opens it."""
    from gladiator.ui.export import turns_at

    turn_at = turns_at(game, data)  # type: ignore[arg-type]
    if turn > turn_at[-1]:
        raise GladiatorError(f"--turn must be from 1 to {turn_at[-1]} (the turns of this duel), got {turn}")
    return next(k for k, t in enumerate(turn_at) if t >= turn)


def _check(seed: int, frames: int, screenshot: Optional[Path]) -> None:
    idle("frames", screenshot is None, "without --screenshot")
    if seed < 0:
        raise GladiatorError(f"--seed must be 0 or more, got {seed}")
    if frames < 1:
        raise GladiatorError(f"--frames must be 1 or more, got {frames}")
    if screenshot is not None and screenshot.suffix.lower() not in (".png", ".bmp", ".tga", ".jpg", ".jpeg"):
        raise GladiatorError(f"--screenshot must name a .png file, got {screenshot}")


def _prepare(screenshot: Optional[Path]) -> None:
    """Without a display, only a screenshot can be rendered (on SDL's dummy driver)."""
    from gladiator.ui.app import has_display

    if has_display():
        return
    if screenshot is None:
        raise GladiatorError("no display to open a window on (set DISPLAY, or use --screenshot FILE; "
                             "`gladiator duel` prints a duel as text)")
    os.environ["SDL_VIDEODRIVER"] = "dummy"
