"""Worker processes for the local back end: forked once, fed one task at a time, stopped at once.

`Workers` forks processes that inherit what the parent prepared (the game and its tables) and
runs a function over items on them, yielding each item's result as it finishes. Unlike
`multiprocessing.Pool`, a worker that dies (a bot calling `os._exit`, the out-of-memory killer)
is noticed within `POLL` seconds and ends the work with one `WorkerDied` error naming the item it
was playing, and closing the workers (after an error, Ctrl-C, SIGTERM) kills them at once instead
of waiting on them. Workers leave SIGINT, SIGTERM and SIGHUP to the parent and die with it.
Imports the standard library and the errors only.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import pickle
import signal
import sys
from collections import deque
from multiprocessing.connection import Connection, wait
from typing import Any, Callable, Iterable, Iterator

from gladiator.errors import GladiatorError

POLL = 0.5  # seconds between looks at the workers while none has answered
STOP_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")  # the parent's to handle: workers ignore them


class WorkerDied(GladiatorError):
    """A worker process ended while it held work (killed, out of memory, or a bot ended its process)."""


class Workers:
    """`n` forked worker processes (spawned where fork is missing); use as a context manager, or call `close`."""

    def __init__(self, n: int) -> None:
        methods = mp.get_all_start_methods()
        ctx = mp.get_context("fork" if "fork" in methods else "spawn")
        self.procs: list[Any] = []
        self.conns: list[Connection] = []
        try:
            for _ in range(max(1, n)):
                mine, theirs = ctx.Pipe()
                p = ctx.Process(target=_serve, args=(theirs,), daemon=True)
                p.start()
                theirs.close()
                self.procs.append(p)
                self.conns.append(mine)
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> "Workers":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def imap(self, fn: Callable[[Any], Any], items: Iterable[Any], ahead: int = 2,
             what: Callable[[Any], str] = repr, seen: Callable[[Any], None] | None = None) -> Iterator[tuple[Any, Any]]:
        """(item, fn(item)) for every item, as each finishes, at most `ahead` items handed to a worker at a time.

        `seen` is called with each result before its worker is handed the next item (which may depend on it). An exception raised by `fn` in a worker is raised here; a worker that dies raises `WorkerDied`, its message
        naming the item (as `what(item)` says it) it was working on."""
        items = iter(items)
        held: list[deque] = [deque() for _ in self.procs]

        def hand(k: int) -> bool:
            for item in items:
                held[k].append(item)
                try:
                    self.conns[k].send((fn, item))
                except OSError:  # the worker is gone: its pipe is closed
                    raise self._died(k, held[k][0], what) from None
                return True
            return False

        for _ in range(ahead):
            for k in range(len(self.procs)):
                hand(k)
        while any(held):
            ready = set(wait([c for k, c in enumerate(self.conns) if held[k]] +
                             [p.sentinel for k, p in enumerate(self.procs) if held[k]], timeout=POLL))
            for k, (p, conn) in enumerate(zip(self.procs, self.conns)):
                if not held[k]:
                    continue
                if conn in ready or conn.poll():
                    try:
                        ok, value = conn.recv()
                    except (EOFError, OSError):
                        raise self._died(k, held[k][0], what) from None
                    item = held[k].popleft()
                    if not ok:
                        raise value
                    if seen is not None:
                        seen(value)
                    hand(k)
                    yield item, value
                elif p.sentinel in ready or not p.is_alive():
                    raise self._died(k, held[k][0], what)

    def close(self) -> None:
        """Kill every worker and wait for them (a worker never holds anything worth waiting for)."""
        for p in self.procs:
            if p.is_alive():
                try:
                    p.kill()
                except (OSError, AttributeError):
                    pass
        for p in self.procs:
            p.join(5)
        for c in self.conns:
            c.close()
        self.procs, self.conns = [], []

    def _died(self, k: int, item: Any, what: Callable[[Any], str]) -> WorkerDied:
        p = self.procs[k]
        p.join(1)
        code = p.exitcode
        if code is not None and code < 0:
            try:
                how = f"killed by {signal.Signals(-code).name}"
            except ValueError:
                how = f"killed by signal {-code}"
            if -code == signal.SIGKILL:
                how += " (the out-of-memory killer, or a bot that killed its process)"
        elif code is not None:
            how = f"ended with exit code {code} (a bot that ended its process?)"
        else:
            how = "stopped answering"
        return WorkerDied(f"a worker process {how} while playing {what(item)}")


def _serve(conn: Connection) -> None:
    """A worker's loop: take (function, item), send back (True, result) or (False, the exception)."""
    for name in STOP_SIGNALS:
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
    _die_with_parent()
    # after the parent is killed, a worker's last write meets a closed pipe: nothing a user should read
    sys.stderr = open(os.devnull, "w")
    while True:
        try:
            fn, item = conn.recv()
        except (EOFError, OSError):
            os._exit(0)
        try:
            reply = (True, fn(item))
        except BaseException as e:  # noqa: BLE001 - carried back to the parent, which raises it
            reply = (False, _portable(e))
        try:
            conn.send(reply)
        except (OSError, ValueError):
            os._exit(0)
        except Exception as e:  # noqa: BLE001 - a result that cannot be sent back
            conn.send((False, GladiatorError(f"a worker's result cannot be sent back: {type(e).__name__}: {e}")))


def _portable(e: BaseException) -> BaseException:
    """The exception itself if it survives pickling, else a plain error with its text."""
    try:
        pickle.loads(pickle.dumps(e))
        return e
    except Exception:  # noqa: BLE001
        return GladiatorError(f"{type(e).__name__}: {e}")


def _die_with_parent() -> None:
    """On Linux, ask the kernel to end this worker when the process that started it dies (kill -9 included)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        parent = os.getppid()
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent died before the request
            os._exit(0)
    except (OSError, AttributeError):
        pass
