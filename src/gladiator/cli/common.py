"""What every command of the `gladiator` command line shares: the consoles, loading the catalog, bot names,
option definitions and the one-line error.

The bottom of the `gladiator.cli` package: the command modules import it, it imports none of them.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Optional

import typer
from rich.console import Console
from rich.text import Text

from gladiator import DEFAULT_ARENA, DEFAULT_BOT, DEFAULT_BOT_TIMEOUT
from gladiator.errors import GladiatorError
from gladiator.game import DEFAULT_RULES
from gladiator.game import check_rules as game_check_rules
from gladiator.files import printable

USAGE_ERROR = 2
INTERRUPTED = 130
HEARTBEAT_SECONDS = 30.0  # without a terminal, a long command says how far it is on stderr this often

out = Console(highlight=False, soft_wrap=True, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)  # user text like "a:b:" stays as typed

# ---- options more than one command takes ----
UnitsOpt = typer.Option(None, "--units", help="Add a folder (or file) of your own unit YAML files; may repeat.")
ArenasOpt = typer.Option(None, "--arenas", help="Add a folder (or file) of your own arena YAML files; may repeat.")
ArenaOpt = typer.Option(DEFAULT_ARENA, "--arena", "-a", help="Arena id.")


def load(units: Optional[list[Path]], arenas: Optional[list[Path]]):  # type: ignore[no-untyped-def]
    """The catalog: shipped data plus the user's folders."""
    from gladiator.catalog.loader import load_catalog

    for flag, kind, paths in (("--units", "unit", units), ("--arenas", "arena", arenas)):
        for path in paths or []:
            if not (path.exists() or path.is_symlink()):  # named here with its option: `--units rouge` is no unit id
                raise GladiatorError(f"{flag} {path}: no such file or folder ({flag} adds your own {kind} YAML files; "
                                     f"{'an' if kind == 'arena' else 'a'} {kind} is named by its id)")
    return load_catalog(units or [], arenas or [])


def data_files(cat: Any) -> dict[str, Path]:
    """The unit and arena files a command read, by what they hold ('unit rouge'): no output may overwrite them."""
    return {key.replace(":", " "): Path(src) for key, src in cat.sources.items()}


def check_bot(name: str, person_plays: bool = False) -> str:
    """`name` in its one spelling (`bots.canonical_bot`) if it is a known bot, else a one-line error listing the known
    ones; where a person plays, a bot that reads the whole truth (`needs_truth`, for analysis only) is refused too."""
    from gladiator.bots import canonical_bot, make_bot

    if getattr(make_bot(name), "needs_truth", False) and person_plays:
        raise GladiatorError(f"bot {name!r} reads the whole truth (analysis only): it cannot play where a person plays")
    return canonical_bot(name)


BotTimeoutOpt = typer.Option(DEFAULT_BOT_TIMEOUT, "--bot-timeout", metavar="SECONDS",
                             help="Seconds a plugin bot may take over one call (prepare, or one decision): past it, it "
                                  "forfeits; 0: no limit.")
BatchSizeOpt = typer.Option(None, "--batch-size", help="Duels the engine steps at once in each worker (default: as the bots ask: a whole chunk for greedy and heuristic, else 8192).")
IsolateOpt = typer.Option(False, "--isolate", help="Run each plugin bot in a process of its own, which gets copies of what "
                                                   "it may see; one that overruns --bot-timeout or ends forfeits.")


RulesOpt = typer.Option(DEFAULT_RULES, "--rules", metavar="VERSION",
                        help="Rules version the duels are fought under (4: the version being made; docs/rules.md).")


def check_rules(rules: int) -> int:
    """`--rules` if it is a rules version this program plays (`game.check_rules`), else a one-line error; called before
    any work."""
    return game_check_rules(rules, "--rules")


def rules_note(rules: int | str, sep: str = ", ") -> str:
    """What a command's heading adds to say the rules its duels were fought under: nothing for the default version."""
    return "" if int(rules) == DEFAULT_RULES else f"{sep}rules version {rules}"


def bot_rules(timeout: float, isolate: bool) -> None:
    """Apply --bot-timeout and --isolate to the bots of this command and the processes it starts, until it ends."""
    from gladiator.referee import bot_limits

    rules = bot_limits(timeout, isolate)
    ctx = _context()
    if ctx is not None:
        ctx.with_resource(rules)  # undone when the command ends (a test running many commands in one process)
    else:
        rules.__enter__()


def pick_bots(bot: Optional[str], bot_a: Optional[str], bot_b: Optional[str]) -> tuple[str, str]:
    """Bot names of both sides from --bot / --bot-a / --bot-b (default: the heuristic bot, `bots.DEFAULT_BOT`)."""
    return check_bot(bot_a or bot or DEFAULT_BOT), check_bot(bot_b or bot or DEFAULT_BOT)


STOP_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")  # each stops a command as Ctrl-C does


def stop_on_signals() -> None:
    """Ctrl-C, SIGTERM and SIGHUP stop a command alike: it keeps what finished, removes its temporary files, says
    what it kept and exits 130. A signal already ignored (`nohup`) stays ignored; worker processes ignore them all
    (the command stops its workers)."""
    ours = []
    for name in STOP_SIGNALS:
        sig = getattr(signal, name, None)
        if sig is not None and signal.getsignal(sig) in (signal.SIG_DFL, signal.default_int_handler):
            try:
                signal.signal(sig, _interrupt)
            except ValueError:  # not the main thread (an embedding program): its signals are its own
                return
            ours.append(sig)
    if ours and hasattr(signal, "pthread_sigmask"):  # a parent that started us with them blocked would delay them forever
        signal.pthread_sigmask(signal.SIG_UNBLOCK, ours)


@contextmanager
def signals_held() -> Iterator[None]:
    """A block a stop signal does not cut in two (a chunk stored and counted): a signal that comes meanwhile stops
    the command when the block ends."""
    _HOLD.append(True)
    try:
        yield
    finally:
        _HOLD.pop()
        if not _HOLD and _PENDING:
            raise KeyboardInterrupt(_PENDING.pop())


RESEND_SECONDS = 0.05  # a stop signal that came during an import is sent again this much later


def _interrupt(signum: int, frame: Any) -> None:
    name = signal.Signals(signum).name
    if _HOLD:
        _PENDING[:] = [name]
        return
    if _importing(frame):  # an import may swallow the interrupt (pygame's optional modules do): it is sent again after
        resend = threading.Timer(RESEND_SECONDS, os.kill, (os.getpid(), signum))
        resend.daemon = True
        resend.start()
        return
    raise KeyboardInterrupt(name)


def _importing(frame: Any) -> bool:
    """Whether `frame` runs inside an import (the import system's frames are on its stack)."""
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib"):
            return True
        frame = frame.f_back
    return False


_HOLD: list[bool] = []
_PENDING: list[str] = []


def stopped(message: str) -> None:
    """Say what an interrupt (Ctrl-C, SIGTERM, SIGHUP) left, as one line on stderr, and exit with code 130."""
    global STOP_TOLD
    STOP_TOLD = True
    err.print(printable(message), markup=False)
    raise typer.Exit(INTERRUPTED)


STOP_TOLD = False  # a command said what its interrupt left (`stopped`); else `main` says "interrupted"


def fail(message: str, code: int = USAGE_ERROR) -> None:
    """Print `error: message` as one line on stderr (control characters shown as escapes) and exit with `code`."""
    err.print(printable(f"error: {message}"), markup=False)
    sys.exit(code)


class OutputFailed(GladiatorError):
    """Standard output cannot be written (a full disk, a closed pipe, no standard output at all)."""


class GuardedStdout:
    """Standard output as the commands write to it: a failure to write becomes one `OutputFailed`, not a traceback."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        """Write `text`, or raise OutputFailed."""
        if self.stream is None:
            raise OutputFailed("cannot write to standard output: it is closed")
        try:
            return self.stream.write(text)
        except OSError as e:
            raise OutputFailed(f"cannot write to standard output: {e.strerror or e}") from None

    def flush(self) -> None:
        """Flush, or raise OutputFailed."""
        if self.stream is None:
            return
        try:
            self.stream.flush()
        except OSError as e:
            raise OutputFailed(f"cannot write to standard output: {e.strerror or e}") from None

    def isatty(self) -> bool:
        """True on a terminal."""
        return self.stream is not None and self.stream.isatty()

    def __getattr__(self, name: str) -> Any:
        if self.stream is None:
            raise AttributeError(name)
        return getattr(self.stream, name)


@contextmanager
def guarded_output() -> Iterator[None]:
    """For the duration of a command: text any encoding cannot show is written as escapes (`PYTHONIOENCODING=ascii`),
    and a standard output that cannot be written fails as `OutputFailed`."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):  # not a text file of io (a test's capture), or closed
            pass
    real = sys.stdout
    sys.stdout = GuardedStdout(real)  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout = real


def drop_unwritten_output() -> None:
    """After standard output failed: let its unwritten text go, so that Python's exit does not fail on it again."""
    stream = sys.__stdout__
    if stream is None:
        return
    try:
        fd = stream.fileno()
        null = os.open(os.devnull, os.O_WRONLY)
    except (OSError, ValueError):
        return
    os.dup2(null, fd)
    os.close(null)
    try:
        stream.flush()
    except (OSError, ValueError):
        pass


QuietOpt = typer.Option(False, "--quiet", "-q", help="Show no progress on stderr (the result and errors still show).")


class Gauge:
    """How far a long command is, on stderr: on a terminal a bar with the time left; elsewhere (a log, a pipe, a batch
    system) a line `progress: k of n what (p%), elapsed, about t left` every `HEARTBEAT_SECONDS`; nothing when quiet.

    The time left is the work still to do at the average pace of this run so far (work resumed from a store does not
    count); a total that grows as the work shows itself (`balance`, `ablate`'s extra rounds) gives a time left of
    the work known so far. Work with a time budget (`limit` seconds, `tune --minutes`) has at most what is left of it.
    """

    def __init__(self, what: str, total: int | None, quiet: bool = False, label: str = "", done: int = 0,
                 after: float = 0.0, limit: float | None = None) -> None:
        import time

        self.what, self.total, self.label, self.note, self.limit = what, total, label, "", limit
        self.done = self.first = done
        self.clock = time.monotonic
        self.started = self.moved = self.last = self.clock()
        self.every = HEARTBEAT_SECONDS
        self.after = after  # seconds before the bar shows: work that ends sooner shows none
        self.lines = not quiet and not err.is_terminal
        self.bar: Any = None
        self.shown = False
        if not quiet and err.is_terminal:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self.bar = Progress(TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(),
                                TextColumn(what, markup=False), TextColumn("{task.fields[note]}", markup=False),
                                _left_column(self), console=err, transient=True)
            self.task = self.bar.add_task(label or what, total=total, completed=done, note="")

    def __enter__(self) -> "Gauge":
        if self.bar is not None and self.after <= 0:
            self.bar.start()
            self.shown = True
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.shown:
            self.bar.stop()

    def tell(self, done: int | None = None, advance: int = 0, total: int | None = None, note: str | None = None,
             say: bool = False) -> None:
        """Set how much is done (or `advance` it), the total and the note shown beside it; a line if one is due (or if
        `say`: news a log should have now)."""
        before = self.done
        self.done = (self.done if done is None else done) + advance
        if total is not None:
            self.total = total
        if note is not None:
            self.note = note
        now = self.clock()
        if self.done != before:
            self.moved = now  # the pace is of the work done: a change of note alone does not move it
        if self.bar is not None:
            self.bar.update(self.task, completed=self.done, total=self.total, note=self.note)
            if not self.shown and now - self.started >= self.after:
                self.bar.start()
                self.shown = True
        if self.lines and (say or now - self.last >= self.every):
            self.last = now
            err.print(self.line(), markup=False, highlight=False, soft_wrap=True)

    def left(self) -> float | None:
        """Seconds of work left at this run's average pace, or of the time budget if that is less; None before any
        progress or without a total (and without a budget)."""
        did = self.done - self.first
        budget = None if self.limit is None else max(0.0, self.limit - (self.clock() - self.started))
        if self.total is None or did <= 0:
            return budget
        pace = (self.moved - self.started) / did
        at_pace = max(0.0, pace * (self.total - self.done) - (self.clock() - self.moved))
        return at_pace if budget is None else min(at_pace, budget)

    def line(self) -> str:
        """The heartbeat line: `progress: 1,024 of 4,096 duels (25%), 12 s elapsed, about 36 s left; note`."""
        of = f" of {self.total:,}" if self.total is not None else ""
        share = f" ({self.done / self.total:.0%})" if self.total else ""
        left = self.left()
        eta = f", about {clock_text(left)} left" if left is not None else ""
        note = f"; {self.note}" if self.note else ""
        return printable(f"progress: {self.done:,}{of} {self.what}{share}, {clock_text(self.clock() - self.started)} "
                         f"elapsed{eta}{note}")


def clock_text(seconds: float) -> str:
    """A duration as people say it: `45 s`, `3 min 20 s`, `2 h 05 min`."""
    s = int(round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"


def _left_column(gauge: Gauge) -> Any:
    """The bar's column of the time left, from the gauge's estimate (the one its lines print)."""
    from rich.progress import ProgressColumn

    class Left(ProgressColumn):
        def render(self, task: Any) -> Text:
            left = gauge.left()
            return Text("" if left is None else f"about {clock_text(left)} left", style="progress.remaining")

    return Left()


def data_text(text: str, style: str = "") -> Text:
    """Text from data (a name, a title): shown as written, never read as markup; control characters escaped."""
    return Text(printable(text), style=style)


def compact_table(title: str, columns: list[str], rows: list[list[Any]], wrap: tuple[str, ...] = ("name",),
                  left: tuple[str, ...] = ("id", "name"), caption: str | None = None) -> Any:
    """A table without a box or padding whose cells are never cut: only the `wrap` columns wrap, between words."""
    from rich import box
    from rich.table import Table

    t = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 0), caption=caption, caption_justify="left")
    for i, col in enumerate(columns):
        words = [w for r in rows for w in str(r[i]).split()]
        t.add_column(col, no_wrap=col not in wrap, min_width=max([len(col), *map(len, words)]),
                     justify="left" if col in left else "right")
    for r in rows:
        t.add_row(*r)
    return t


def print_table(table: Any) -> None:
    """A table on a terminal fits its width; into a pipe or a file it is printed whole, nothing cut."""
    if out.is_terminal:
        out.print(table)
    else:
        out.print(table, width=max(80, out.measure(table).maximum))


def id_column(col: str, items: dict[str, Any]) -> dict[str, Any]:
    """Column options that keep ids whole on a narrow terminal: they are what the user types."""
    return {"no_wrap": True, "min_width": max(map(len, items), default=2)} if col == "id" else {}


def has_display() -> bool:
    """True where a window could open (a display variable, or Windows / macOS)."""
    if os.environ.get("SDL_VIDEODRIVER") == "dummy":
        return False
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) or sys.platform in ("win32", "darwin")


@contextmanager
def c_stderr_muted() -> Iterator[None]:
    """Send what C libraries (SDL: "XDG_RUNTIME_DIR is invalid", ALSA) write to stderr to /dev/null.

    Python's own stderr (our one-line errors, warnings, tracebacks) still reaches the user:
    it is moved to a copy of the real stderr for the duration.
    """
    try:
        sys.stderr.flush()
        real = sys.stderr.fileno() == 2
    except (AttributeError, OSError, ValueError):  # a test's captured stderr
        real = False
    try:
        saved = os.dup(2)
        devnull = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        yield
        return
    old = sys.stderr
    if real:
        sys.stderr = os.fdopen(os.dup(saved), "w", buffering=1, encoding=getattr(old, "encoding", None) or "utf-8")
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        try:
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
        os.dup2(saved, 2)
        if real:
            sys.stderr.close()
            sys.stderr = old
        os.close(saved)
        os.close(devnull)


ForceOpt = typer.Option(False, "--force", help="Replace an output file that holds a result (a results or ladder store, "
                        "a tune study, a replay); the store --out resumes is never replaced.")


DisguiseOpt = typer.Option(None, "--disguise", help="Start the duel with every suit that can mimic disguised as this unit.")


ExportOpt = typer.Option(None, "--export", help="Write the duel as an animated .gif (or .mp4 / .webm with the video extra).")
FpsOpt = typer.Option(12, "--fps", help="Frames per second of the --export clip (1 to 60).")
CLIP_SIZE = "960x540"  # an --export clip's picture size when --size is not given
WINDOW_SIZE = "1280x720"  # the window's
ClipSizeOpt = typer.Option(None, "--size", metavar="WxH",
                           help=f"Picture size of the --export clip, WIDTHxHEIGHT (default {CLIP_SIZE}).")
CutFromOpt = typer.Option(None, "--from", help="The --export clip starts at this turn (default: the first).")
CutToOpt = typer.Option(None, "--to", help="The --export clip ends with this turn (default: the last).")


def given(name: str) -> bool:
    """True if the user gave the option of the running command whose Python name is `name` (not its default)."""
    ctx = _context()
    source = ctx.get_parameter_source(name) if ctx is not None else None
    return source is not None and source.name not in ("DEFAULT", "DEFAULT_MAP")


def idle(name: str, when: bool, why: str) -> None:
    """Refuse the option `name` (its Python name) when the user gave it where it does nothing: `when` holds, and `why`
    says why (`--fps has no effect without --export`). Called before any work, so nothing is lost."""
    if when and given(name):
        raise GladiatorError(f"{option_name(name)} has no effect {why}")


def option_name(name: str) -> str:
    """The long spelling of the running command's option whose Python name is `name` (`main` shows it as typed)."""
    ctx = _context()
    for p in ctx.command.params if ctx is not None else []:
        if p.name == name:
            return max(p.opts, key=len)
    return "--" + name.replace("_", "-")


def idle_bot(bot: Optional[str], bot_a: Optional[str], bot_b: Optional[str], name: str = "bot") -> None:
    """Refuse --bot (or --difficulty) where --bot-a and --bot-b both override it."""
    idle(name, bot is not None and bot_a is not None and bot_b is not None, "with both --bot-a and --bot-b")


def idle_referee(bots: list[Optional[str]]) -> None:
    """Refuse --bot-timeout and --isolate where every bot named is a built-in one (None: the default bot): they rule
    plugin bots only."""
    from gladiator.bots import is_plugin

    plugin = any(b is not None and is_plugin(b) for b in bots)
    for name in ("bot_timeout", "isolate"):
        idle(name, not plugin, "with only built-in bots (it rules plugin bots)")


def idle_force(outputs: dict[str, Any]) -> None:
    """Refuse --force when no output it could let replace is given (`outputs`: option spelling -> value)."""
    idle("force", all(v is None for v in outputs.values()), f"without an output ({', '.join(outputs)})")


def check_clip(export: Optional[Path], fps: int, size: Optional[str], first: Optional[int],
               last: Optional[int]) -> Optional[tuple[int, int]]:
    """The clip options of `duel` and `replay`, checked before any work: without --export, --fps, --size, --from and
    --to are refused (they would do nothing); with it, the rate, the size and the cut (the target is checked with the
    other outputs, `ui.export.check_target`). Returns the size."""
    for name in ("fps", "size", "cut_from", "cut_to"):
        idle(name, export is None, "without --export")
    if export is None:
        return None
    from gladiator.ui.export import check_settings

    wh = parse_size(size or CLIP_SIZE, "--size")
    check_settings(fps, wh)
    rule = "--from and --to are turns 1.. the duel's last, --from at most --to"
    if first is not None and first < 1:
        raise GladiatorError(f"--from {first} is outside the duel: {rule}")
    if last is not None and last < max(1, first or 1):
        raise GladiatorError(f"--to {last} is outside the cut: {rule}")
    return wh


def parse_size(text: str, flag: str = "--size") -> tuple[int, int]:
    """WIDTHxHEIGHT as two whole numbers, or a one-line error."""
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise GladiatorError(f"{flag} must look like 1280x720, got {text!r}") from None
    if not (1 <= w <= 10000 and 1 <= h <= 10000):
        raise GladiatorError(f"{flag} must be between 1x1 and 10000x10000, got {text!r}")
    return w, h


def run_export(game: Any, data: dict, path: Path, fps: int, size: tuple[int, int], first: Optional[int],
               last: Optional[int], quiet: bool = False, report: Optional[Console] = None) -> None:
    """Export a replay's data to `path`, showing the actions played (`Gauge`); says where it went (on stdout, or on
    `report`: stderr where stdout holds JSON)."""
    from gladiator.ui.export import check_target, export

    check_target(path)
    with Gauge("actions", None, quiet, label="exporting") as gauge:

        def on_frame(n: int, played: int, actions: int) -> None:
            gauge.tell(played, total=actions, note=f"{n} frames")

        with c_stderr_muted():
            n = export(game, data, path, fps, size, first, last, on_frame)
    (report or out).print(printable(f"{n} frames written to {path}"), markup=False)


def _context() -> Any:
    """The click context of the command running, or None (a command called as a function)."""
    try:  # typer 0.2x carries its own copy of click; older ones use click itself
        from typer._click.globals import get_current_context
    except ImportError:  # pragma: no cover - depends on the typer installed
        from click.globals import get_current_context  # type: ignore[no-redef]

    return get_current_context(silent=True)
