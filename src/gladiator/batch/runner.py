"""Run a batch of duels headless: the chunks of a run played by processes on this machine, or handed to Dask.

The chunk itself (its spec, its seeds, the playing of its duels) is `gladiator.batch.chunks`,
which both back ends call, so a run's totals are the same on either. Imports the chunks module;
the Dask back end only when it is asked for.
"""

from __future__ import annotations

import itertools
import multiprocessing as mp
import os
import queue
import signal
import sys
from typing import Any, Callable, Iterable, Iterator

from gladiator.batch.chunks import (  # noqa: F401 - the run's vocabulary, importable from here as before
    DEFAULT_BATCH_SIZE, MAX_CHUNK, MAX_DUELS, MIN_CHUNK, RESULT_FIELDS, ROW_DTYPE, TARGET_CHUNKS, BatchSpec, ChunkResult,
    batch_size_for, chunk_size_for, game_of, game_of_data, make_spec, play_duels, play_pairings, prepare, run_chunk, totals_of_rows,
)
from gladiator.batch.stats import Totals
from gladiator.errors import GladiatorError

IN_FLIGHT = 2  # chunks handed to each worker process ahead of time: memory stays constant for any -n


def local_chunks(spec: BatchSpec, todo: Iterable[int], batch_size: int | None, workers: int) -> Iterator[ChunkResult]:
    """Chunks played by processes on this machine, yielded as they finish (in-process for one worker).

    `todo` is read lazily and only `IN_FLIGHT` chunks a worker are handed out ahead, so a run
    of any size starts at once and holds constant memory.
    """
    todo = iter(todo)
    head = list(itertools.islice(todo, 2))
    if workers <= 1 or len(head) <= 1:
        for c in itertools.chain(head, todo):
            yield run_chunk(spec, c, batch_size)
        return
    prepare(spec)  # the game and its tables, built once here; forked workers inherit them
    left = itertools.chain(head, todo)
    with worker_pool(min(workers, spec.chunks)) as pool:
        done: queue.Queue = queue.Queue()
        task = _ChunkTask(spec, batch_size)
        pending = 0
        for c in itertools.islice(left, IN_FLIGHT * workers):
            pool.apply_async(task, (c,), callback=done.put, error_callback=lambda e: done.put(_Failed(e)))
            pending += 1
        while pending:
            try:
                res = done.get(timeout=0.2)
            except queue.Empty:
                continue
            pending -= 1
            if isinstance(res, _Failed):
                raise res.error
            for c in itertools.islice(left, 1):
                pool.apply_async(task, (c,), callback=done.put, error_callback=lambda e: done.put(_Failed(e)))
                pending += 1
            yield res


def play_specs(specs: list[BatchSpec], workers: int = 1, batch_size: int | None = None) -> Iterator[tuple[int, ChunkResult]]:
    """Many small runs, each a single chunk (`chunk_size >= n`), played in this process or by forked workers that
    inherit what it prepared; yields (index in `specs`, its result) as each finishes. For the instruments that play
    many cells of a few thousand duels (ablate, fits): one pool for all of them, not one a run."""
    for s in specs:
        if s.chunks != 1:
            raise GladiatorError("play_specs plays runs of one chunk each")
    if workers <= 1 or len(specs) <= 1:
        for k, s in enumerate(specs):
            yield k, run_chunk(s, 0, batch_size)
        return
    with worker_pool(min(workers, len(specs))) as pool:
        done: queue.Queue = queue.Queue()
        for k, s in enumerate(specs):
            pool.apply_async(run_chunk, (s, 0, batch_size), callback=lambda res, k=k: done.put((k, res)),
                             error_callback=lambda e: done.put((-1, e)))
        for _ in specs:
            while True:
                try:
                    k, res = done.get(timeout=0.2)
                    break
                except queue.Empty:
                    continue
            if k < 0:
                raise res
            yield k, res


def worker_pool(workers: int) -> Any:
    """A pool of `workers` processes (forked where the system can) that leave Ctrl-C to this one and die with it."""
    methods = mp.get_all_start_methods()
    ctx = mp.get_context("fork" if "fork" in methods else "spawn")
    return ctx.Pool(workers, initializer=_worker_init)


def default_workers() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def run(spec: BatchSpec, batch_size: int | None = None, workers: int = 1, backend: str = "local",
        scheduler: str | None = None, done: Iterable[int] = (), on_chunk: Callable[[ChunkResult], None] | None = None) -> Totals:
    """Play every chunk not in `done`; call `on_chunk` as each finishes; return the totals of the chunks played."""
    skip = set(done)
    todo = (c for c in range(spec.chunks) if c not in skip)  # lazy: -n 10**12 is 30 million chunks
    if batch_size is not None and batch_size < 1:
        raise GladiatorError(f"--batch-size must be at least 1, got {batch_size}")
    if workers < 1:
        raise GladiatorError(f"--workers must be at least 1, got {workers}")
    total = Totals()
    if backend == "local":
        source = local_chunks(spec, todo, batch_size, workers)
    elif backend == "dask":
        from gladiator.batch.dask_backend import dask_chunks

        source = dask_chunks(spec, todo, batch_size, workers, scheduler)
    else:
        raise GladiatorError(f"unknown backend {backend!r}; known backends: dask, local")
    try:
        for res in source:
            total.add(res.totals)
            if on_chunk is not None:
                on_chunk(res)
    finally:
        close = getattr(source, "close", None)
        if close is not None:
            close()
    return total


class _ChunkTask:
    """A picklable call of `run_chunk` with the spec bound (sent once per task)."""

    def __init__(self, spec: BatchSpec, batch_size: int | None) -> None:
        self.spec, self.batch_size = spec, batch_size

    def __call__(self, c: int) -> ChunkResult:
        return run_chunk(self.spec, c, self.batch_size)


class _Failed:
    """An exception raised in a worker, carried back to the loop that yields results."""

    def __init__(self, error: BaseException) -> None:
        self.error = error


def _worker_init() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _die_with_parent()
    # after the parent is killed, a worker's last write meets a closed pipe: nothing a user should read
    sys.stderr = open(os.devnull, "w")


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
