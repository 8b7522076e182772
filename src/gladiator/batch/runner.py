"""Run a batch of duels headless: the chunks of a run played by processes on this machine, or handed to Dask.

The chunk itself (its spec, its seeds, the playing of its duels) is `gladiator.batch.chunks`,
which both back ends call, so a run's totals are the same on either. The chunks are handed out in
pieces sized by time (`PieceSizer`), so slow duels are stored a piece at a time; worker processes
are `gladiator.batch.workers`. Imports the chunks and workers modules; the Dask back end only when
it is asked for.
"""

from __future__ import annotations

import os
from typing import Callable, Iterable, Iterator

from gladiator.batch.chunks import (  # noqa: F401 - the run's vocabulary, importable from here as before
    DEFAULT_BATCH_SIZE, MAX_CHUNK, MAX_DUELS, MIN_CHUNK, ROW_DTYPE, TARGET_CHUNKS, BatchSpec, ChunkResult,
    Piece, batch_size_for, chunk_size_for, game_of, game_of_data, make_spec, play_duels, play_pairings, prepare, run_chunk,
    run_piece, totals_of_rows,
)
from gladiator.batch.stats import Totals
from gladiator.batch.workers import Workers
from gladiator.errors import GladiatorError

IN_FLIGHT = 2  # pieces handed to each worker process ahead of time: memory stays constant for any -n
FIRST_PIECE = 16  # duels of the first pieces, before the pace of the run is known
MIN_PIECE = 16  # duels a piece has at least (its chunk's last piece aside)
PIECE_SECONDS = 5.0  # the play a piece of fast duels holds, at the pace seen
MAX_PIECE_SECONDS = 60.0  # the play a piece of slow duels may grow to: what an interrupt or a dead worker can lose


def local_chunks(spec: BatchSpec, todo: Iterable[Piece], batch_size: int | None, workers: int, chunks_left: int | None = None,
                 seen: Callable[[ChunkResult], None] | None = None) -> Iterator[ChunkResult]:
    """Pieces (chunks, or parts of them) played by processes on this machine, yielded as they finish (in-process for
    one worker, or when at most one chunk is left to play).

    `todo` is read lazily and only `IN_FLIGHT` pieces a worker are handed out ahead, so a run
    of any size starts at once and holds constant memory. A worker that dies ends the run with
    one error (`WorkerDied`) naming its chunk; the pieces yielded before it stand. `seen` (the sizer's `learn`) is
    called with each result before the next piece is cut, so the next piece handed out is sized from it.
    """
    todo = iter(todo)
    if chunks_left is None:
        chunks_left = spec.chunks
    if workers <= 1 or chunks_left <= 1:
        for p in todo:
            res = run_piece(spec, p, batch_size)
            if seen is not None:
                seen(res)
            yield res
        return
    prepare(spec)  # the game and its tables, built once here; forked workers inherit them
    with worker_pool(min(workers, chunks_left)) as pool:
        for _, res in pool.imap(_PieceTask(spec, batch_size), todo, IN_FLIGHT,
                                what=lambda p: f"chunk {p.chunk} (duels {p.lo} to {p.hi - 1})", seen=seen):
            yield res


def pieces(spec: BatchSpec, done: Iterable[int] = (), parts: dict[int, list[tuple[int, int]]] | None = None,
           sizer: "PieceSizer | None" = None) -> Iterator[Piece]:
    """The duels left to play, lazily, in duel order: every chunk not `done`, less the `parts` of it already stored,
    cut into pieces of `sizer.size` duels (whole chunks once duels are fast); the rest of a chunk short of two pieces is
    one piece where the pace seen plays it within `MAX_PIECE_SECONDS` (`sizer.most`: each piece drains its batch at its
    end, at the cost of a whole step for few duels; fewer pieces, fewer such tails)."""
    skip, parts = set(done), parts or {}
    sizer = sizer or PieceSizer(spec.chunk_size)
    for c in range(spec.chunks):
        if c in skip:
            continue
        lo, hi = spec.chunk_range(c)
        for a, b in _missing(lo, hi, parts.get(c, [])):
            while a < b:
                end = b if b - a <= sizer.most else a + sizer.size  # a rest short of two pieces is one
                yield Piece(c, a, end)
                a = end


class PieceSizer:
    """The number of duels a piece gets. From `FIRST_PIECE`; a piece that took less than `PIECE_SECONDS` sizes the next
    to take about that long (fast duels soon play whole chunks): from its pace alone, or, after a smaller piece, from
    the time the duels added took (a batch's steps cost about the same for 16 duels as for 200: the pace of a small
    piece undersells a larger one), never past what its pace alone would play in `MAX_PIECE_SECONDS`; one that took
    longer doubles the next while the pace keeps rising by a quarter (slow duels: a larger batch still pays) and its
    time stays under `MAX_PIECE_SECONDS`; past that, the next is cut back to it. An interrupt or a dead worker then
    loses at most about that much play of a worker, not the minutes of a whole chunk; the results do not depend on it
    (a duel's result does not depend on its piece)."""

    def __init__(self, chunk_size: int) -> None:
        self.chunk_size = chunk_size
        self.size = min(FIRST_PIECE, chunk_size)
        self.most = self.size  # the duels the rest of a chunk may have to be one piece
        self.pace = 0.0  # the best pace seen, duels a second
        self.least = (0, 0.0)  # the duels of the smallest piece seen, and its shortest time

    def learn(self, res: ChunkResult) -> None:
        """Size the next pieces from how long `res` took."""
        n, t = res.hi - res.lo, res.seconds
        n0, t0 = self.least
        if n0 == 0 or n < n0 or (n == n0 and t < t0):
            self.least = (n, t)
        if t <= 0:
            want = float(self.chunk_size)
        elif t < PIECE_SECONDS:
            want = n * PIECE_SECONDS / t
            if 0 < n0 < n:  # the seconds a duel adds, from this piece and the smallest
                added = (t - t0) / (n - n0)
                want = n * MAX_PIECE_SECONDS / t if added <= 0 else min(n + (PIECE_SECONDS - t) / added,
                                                                         n * MAX_PIECE_SECONDS / t)
        elif t > MAX_PIECE_SECONDS:
            want = n * MAX_PIECE_SECONDS / t
        elif n / t > 1.25 * self.pace:
            want = 2.0 * n
        else:
            want = float(self.size)
        if t > 0:
            self.pace = max(self.pace, n / t)
        size = int(max(MIN_PIECE, min(self.chunk_size, want)))
        self.size = size + (size % 2)
        self.most = int(min(2 * self.size - 1, max(self.size, self.pace * MAX_PIECE_SECONDS)))


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
        for (k, _), res in pool.imap(_SpecTask(batch_size), enumerate(specs), IN_FLIGHT,
                                     what=lambda item: f"run {item[0] + 1} of {len(specs)}"):
            yield k, res


def worker_pool(workers: int) -> Workers:
    """`workers` processes (forked where the system can) that leave Ctrl-C, SIGTERM and SIGHUP to this one, die with
    it, and are killed at once when it closes them; a worker that dies is an error, never a hang."""
    return Workers(workers)


def default_workers() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def run(spec: BatchSpec, batch_size: int | None = None, workers: int = 1, backend: str = "local",
        scheduler: str | None = None, done: Iterable[int] = (), on_chunk: Callable[[ChunkResult], None] | None = None,
        parts: dict[int, list[tuple[int, int]]] | None = None) -> Totals:
    """Play every chunk not in `done`, less the duel ranges of `parts` already played; call `on_chunk` as each piece
    (a whole chunk, or a part of one: `res.whole`) finishes; return the totals of the duels played."""
    skip = set(done)
    sizer = PieceSizer(spec.chunk_size)
    todo = pieces(spec, skip, parts, sizer)  # lazy: -n 10**12 is 30 million chunks
    if batch_size is not None and batch_size < 1:
        raise GladiatorError(f"--batch-size must be at least 1, got {batch_size}")
    if workers < 1:
        raise GladiatorError(f"--workers must be at least 1, got {workers}")
    total = Totals()
    if backend == "local":
        source = local_chunks(spec, todo, batch_size, workers, spec.chunks - sum(1 for c in skip if 0 <= c < spec.chunks),
                              seen=sizer.learn)
    elif backend == "dask":
        from gladiator.batch.dask_backend import dask_chunks

        source = dask_chunks(spec, todo, batch_size, workers, scheduler)
    else:
        raise GladiatorError(f"unknown backend {backend!r}; known backends: dask, local")
    try:
        for res in source:
            if backend != "local":
                sizer.learn(res)  # the local back end's pieces are learnt from before the next is handed out
            total.add(res.totals)
            if on_chunk is not None:
                on_chunk(res)
    finally:
        close = getattr(source, "close", None)
        if close is not None:
            close()
    return total


class _PieceTask:
    """A picklable call of `run_piece` with the spec bound (sent once per task)."""

    def __init__(self, spec: BatchSpec, batch_size: int | None) -> None:
        self.spec, self.batch_size = spec, batch_size

    def __call__(self, p: Piece) -> ChunkResult:
        return run_piece(self.spec, p, self.batch_size)


class _SpecTask:
    """A picklable call of `run_chunk` on chunk 0 of an (index, spec) item."""

    def __init__(self, batch_size: int) -> None:
        self.batch_size = batch_size

    def __call__(self, item: tuple[int, BatchSpec]) -> ChunkResult:
        return run_chunk(item[1], 0, self.batch_size)


def _missing(lo: int, hi: int, have: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """The ranges of [lo, hi) not covered by the sorted, disjoint ranges `have`."""
    at = lo
    for a, b in sorted(have):
        if a > at:
            yield at, min(a, hi)
        at = max(at, b)
    if at < hi:
        yield at, hi
