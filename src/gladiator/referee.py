"""The referee: what a bot of another package is handed, how long it may think, and what happens when it ends.

The bots of this package (`gladiator.*`) are asked directly. Any other bot object (a plugin, a class path, a
bot written in a script) is asked through its seat: it gets sealed copies (the legal mask alone, no state;
the observation's arrays, which cannot be made writable) and a game of its own (the same data; the tables it
derives, memos included, are its own, so what it breaks it breaks for itself), its calls run in a thread of
their own with a time limit (`--bot-timeout`, `bot_timeout()`), what it prints goes to stderr, and a call
that ends the bot (`sys.exit`, `KeyboardInterrupt`, any other BaseException) or overruns its time raises
`BotOut`: the driver makes its duels forfeits with that reason.
Imports the engine, the game and the errors; below the driver.
"""

from __future__ import annotations

import copy
import os
import queue
import sys
import threading
import weakref
from contextlib import contextmanager
from dataclasses import fields
from typing import Any, Callable, Iterator

from gladiator import DEFAULT_BOT_TIMEOUT, engine
from gladiator.errors import BotOut, GladiatorError
from gladiator.game import Game
from gladiator.state import DuelState
from gladiator.view import Observation

TIMEOUT_ENV = "GLADIATOR_BOT_TIMEOUT"  # how the limit reaches the processes a command starts (batch workers)
IDLE_SECONDS = 2.0  # a bot's thread ends when the bot has not been asked for this long
ISOLATE_ENV = "GLADIATOR_ISOLATE"  # "1": every plugin bot is made in a process of its own (`gladiator.bots.isolated`)


def bot_timeout() -> float | None:
    """The time limit of one call of a bot of another package, in seconds; None for no limit."""
    text = os.environ.get(TIMEOUT_ENV)
    try:
        limit = DEFAULT_BOT_TIMEOUT if text is None else float(text)
    except ValueError:
        limit = DEFAULT_BOT_TIMEOUT
    return limit if limit > 0 else None


def isolating() -> bool:
    """True where plugin bots are each made in a process of their own (`--isolate`)."""
    return os.environ.get(ISOLATE_ENV) == "1"


def check_timeout(seconds: float) -> float:
    """`--bot-timeout` as given, or a one-line error: a number of seconds, 0 for no limit."""
    if not seconds >= 0 or seconds == float("inf"):
        raise GladiatorError(f"--bot-timeout must be a number of seconds, 0 or more (0: no limit), got {seconds!r}")
    return float(seconds)


@contextmanager
def bot_limits(timeout: float = DEFAULT_BOT_TIMEOUT, isolate: bool = False) -> Iterator[None]:
    """Within the block, bots of other packages are timed by `timeout` seconds a call (0: no limit) and, with `isolate`,
    each plugin bot is made in a process of its own; the processes started within (batch workers) inherit both."""
    check_timeout(timeout)
    saved = {k: os.environ.get(k) for k in (TIMEOUT_ENV, ISOLATE_ENV)}
    os.environ[TIMEOUT_ENV] = repr(float(timeout))
    os.environ[ISOLATE_ENV] = "1" if isolate else "0"
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def trusted(bot: object) -> bool:
    """True for a bot of this package, which is asked directly; any other is asked through its seat. A class counts
    as this package's when its module is one of gladiator's and that module holds this very class under its name
    (a plugin's class that only says `__module__ = "gladiator..."` does not)."""
    cls = type(bot)
    module = cls.__module__ or ""
    if module != "gladiator" and not module.startswith("gladiator."):
        return False
    found: Any = sys.modules.get(module)
    for part in cls.__qualname__.split("."):
        found = getattr(found, part, None)
    return found is cls


def name_of(bot: object) -> str:
    """The bot's name as messages give it."""
    name = getattr(bot, "name", None)
    return name if isinstance(name, str) else type(bot).__name__


def act(bot: Any, game: Game, view: Observation | DuelState, legal: engine.Legal) -> Any:
    """The bot's answer for `view` and `legal`: asked directly, or through its seat with sealed copies and its time."""
    if trusted(bot):
        return bot.act(game, view, legal)
    s = seat(bot)
    if s.out is not None:
        raise s.out
    own = s.game(bot, game)
    seen = view.copy() if isinstance(view, DuelState) else sealed_view(view)
    mine = legal.sealed(own)
    return s.call(bot, lambda: bot.act(own, seen, mine), "choose")


def prepare(bot: Any, game: Game) -> None:
    """Let the bot build its tables for `game` (if it has `prepare`): directly, or through its seat with its time."""
    prep = getattr(bot, "prepare", None)
    if not callable(prep):
        return
    if trusted(bot):
        prep(game)
        return
    s = seat(bot)
    if s.out is None:  # a bot that is out already forfeits when asked to choose
        own = s.game(bot, game)
        s.call(bot, lambda: prep(own), "prepare")


def seat(bot: Any) -> "Seat":
    """The seat of a bot of another package (made on first use; one per bot object, gone with it)."""
    s = _SEATS.get(id(bot))
    if s is None:
        s = _SEATS[id(bot)] = Seat()
        try:
            weakref.finalize(bot, _SEATS.pop, id(bot), None)
        except TypeError:  # a bot that cannot be weakly referenced is kept with its seat for the process's life
            _PINNED.append(bot)
    return s


class Seat:
    """Where a bot of another package plays: its calls on a thread of its own, each within its time; once out, out
    for good. The thread ends when the bot has not been asked for IDLE_SECONDS, and starts again when it is."""

    def __init__(self) -> None:
        self.out: BotOut | None = None
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._serving = False

    def game(self, bot: Any, game: Game) -> Game:
        """The bot's own game of the same data as `game`: what it breaks, it breaks for itself (and for the bots of its
        class, the only ones that share it: kept on `game`, so its tables are derived once)."""
        cls = type(bot)
        return game.derived(f"own game of bot class {cls.__module__}.{cls.__qualname__}", _own_game)

    def call(self, bot: Any, work: Callable[[], Any], what: str) -> Any:
        """Run `work` on the bot's thread within its time; BotOut if it overruns or ends the bot."""
        if self.out is not None:
            raise self.out
        route_prints()
        box: queue.SimpleQueue = queue.SimpleQueue()
        with self._lock:
            self._jobs.put((work, box))
            if not self._serving:
                self._serving = True
                threading.Thread(target=self._serve, name=f"bot {name_of(bot)}", daemon=True).start()
        limit = bot_timeout()
        try:
            kind, value = box.get(timeout=limit)
        except queue.Empty:
            self.out = BotOut(engine.TIMED_OUT, f"took longer than {limit:g} s to {what} (--bot-timeout)")
            raise self.out from None
        if kind == "ok":
            return value
        if isinstance(value, Exception):
            raise value
        self.out = BotOut(engine.BOT_DIED, f"{ending(value)} while asked to {what}")
        raise self.out

    def _serve(self) -> None:
        """The bot's thread: run each call and hand back its answer or what it raised (SystemExit included); end when
        idle, or when the bot ended."""
        me = threading.get_ident()
        _BOT_THREADS.add(me)
        try:
            while True:
                try:
                    work, box = self._jobs.get(timeout=IDLE_SECONDS)
                except queue.Empty:
                    with self._lock:
                        if self._jobs.empty():
                            self._serving = False
                            return
                    continue
                try:
                    box.put(("ok", work()))
                except BaseException as e:  # noqa: BLE001 - whatever a bot raises is the referee's to judge
                    box.put(("raised", e))
                    if not isinstance(e, Exception):
                        return  # the bot ended: it is out, and never asked again
        finally:
            _BOT_THREADS.discard(me)


def ending(e: BaseException) -> str:
    """How a bot ended, in words: `called sys.exit(0)`, `raised KeyboardInterrupt`."""
    if isinstance(e, SystemExit):
        return f"called sys.exit({e.code!r})"
    return f"raised {type(e).__name__}"


def sealed_view(obs: Observation) -> Observation:
    """The observation with every array a read-only copy that cannot be made writable."""
    return Observation(**{f.name: engine.sealed(getattr(obs, f.name)) for f in fields(obs)})


def route_prints() -> None:
    """From now on, what bots' threads print goes to stderr (the command's stdout stays its own: JSON stays JSON)."""
    if not isinstance(sys.stdout, _BotPrints):
        sys.stdout = _BotPrints(sys.stdout)  # type: ignore[assignment]


@contextmanager
def prints_to_stderr() -> Iterator[None]:
    """Within the block, this thread's prints go to stderr (a bot's module being imported, its class being made)."""
    route_prints()
    me = threading.get_ident()
    had = me in _BOT_THREADS
    _BOT_THREADS.add(me)
    try:
        yield
    finally:
        if not had:
            _BOT_THREADS.discard(me)


class _BotPrints:
    """sys.stdout for a process with bots of other packages in it: their threads' writes go to stderr."""

    def __init__(self, real: Any) -> None:
        self.real = real

    def write(self, text: str) -> int:
        """Write to stderr from a bot's thread, else to the real stdout."""
        if threading.get_ident() in _BOT_THREADS:
            return sys.stderr.write(text)
        return self.real.write(text)

    def flush(self) -> None:
        """Flush both."""
        self.real.flush()
        sys.stderr.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


def _own_game(game: Game) -> Game:
    """A game of the same data for one bot: its own units, arena and table holders, and no derived tables yet (it
    derives its own). The arrays are shared, and cannot be made writable."""
    return Game(roster=tuple(u.model_copy(deep=True) for u in game.roster), arena=game.arena.model_copy(deep=True),
                geo=copy.copy(game.geo), tables=copy.copy(game.tables), space=copy.copy(game.space), index=dict(game.index),
                rules=game.rules)


_SEATS: dict[int, Seat] = {}  # a seat per bot object, by its id, dropped when the bot goes
_PINNED: list[Any] = []  # bots that cannot be weakly referenced: kept, so their ids are never reused
_BOT_THREADS: set[int] = set()  # the threads whose prints go to stderr
