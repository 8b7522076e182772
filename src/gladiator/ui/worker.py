"""Work off the frame loop: one background thread runs the window's slow jobs (a bot's decision, the win odds) in turn.

A screen submits a function and polls its `Job` each frame; the frame loop never waits for it.
One thread for every screen, so two jobs never run at once: the bots' tables (`gladiator.tactics`)
are filled in as positions come up, and are not shared between threads. Jobs run in the order
given (a screen drops its queued jobs that no longer matter: `Job.cancel`). The thread is a
daemon; when the program exits, the queued jobs are dropped and the one running is let finish
(Python would otherwise stop the thread inside numpy, which can abort the process). Imports the
standard library only.
"""

from __future__ import annotations

import atexit
import queue
import threading
import time
from typing import Any, Callable, Optional


class Job:
    """One function run on the worker thread: `done` once it has returned (or failed, `error`), `result` its value."""

    def __init__(self, fn: Callable[[], Any]) -> None:
        self.fn = fn
        self.result: Any = None
        self.error: Optional[BaseException] = None
        self.cancelled = False
        self.seconds = 0.0  # how long it ran
        self._done = threading.Event()

    @property
    def done(self) -> bool:
        """Whether the job has finished (or was cancelled before it started)."""
        return self._done.is_set()

    def wait(self, timeout: Optional[float] = None) -> bool:
        """Block until the job is done (tests and headless renders only; the frame loop polls `done`)."""
        return self._done.wait(timeout)

    def cancel(self) -> None:
        """Skip the job if it has not started; a started one runs to its end and its result is ignored."""
        self.cancelled = True

    def run(self) -> None:
        """Run the function once, keeping its value or its exception."""
        start = time.perf_counter()
        try:
            if not self.cancelled:
                self.result = self.fn()
        except BaseException as e:  # noqa: BLE001 - the screen that polls the job reports it
            self.error = e
        finally:
            self.seconds = time.perf_counter() - start
            self._done.set()


class Worker:
    """A daemon thread that runs submitted jobs one at a time, in order."""

    def __init__(self) -> None:
        self._jobs: "queue.SimpleQueue[Job]" = queue.SimpleQueue()
        self._thread: Optional[threading.Thread] = None
        self._lock = threading.Lock()
        self._closing = False

    def submit(self, fn: Callable[[], Any]) -> Job:
        """Queue `fn` to run on the worker thread; returns its job at once."""
        job = Job(fn)
        self._jobs.put(job)
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                if self._thread is None:
                    atexit.register(self.shutdown)
                self._thread = threading.Thread(target=self._loop, name="gladiator-worker", daemon=True)
                self._thread.start()
        return job

    def shutdown(self, timeout: float = 10.0) -> None:
        """Drop the queued jobs and wait (at most `timeout` seconds) for the one running (at exit)."""
        if self._thread is None or not self._thread.is_alive():
            return
        self._closing = True
        last = Job(lambda: None)
        self._jobs.put(last)
        last.wait(timeout)

    def _loop(self) -> None:
        while True:
            job = self._jobs.get()
            if self._closing:
                job.cancel()
            job.run()


WORKER = Worker()


def submit(fn: Callable[[], Any]) -> Job:
    """Run `fn` on the window's worker thread (see the module's docstring)."""
    return WORKER.submit(fn)
