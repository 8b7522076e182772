"""Benchmark of the batch runner: rouge vs viola in the concert hall, greedy bots.

Prints duels per second and actions per second with 1 and 2 workers at the default batch
size, and the same work at batch size 1 for comparison; each figure is the median of
several runs after a warm-up; `--profile` adds where one chunk's time goes.
Run: python benchmarks/bench_batch.py [--n 100000] [--repeats 5] [--profile]
"""

from __future__ import annotations

import argparse
import statistics
import time

from gladiator.batch import make_spec, run
from gladiator.catalog.loader import load_catalog


def measure(n: int, workers: int, batch_size: int | None, repeats: int, seed: int = 1) -> tuple[float, float]:
    """Median duels/s and actions/s of `repeats` runs of n duels."""
    spec = make_spec(load_catalog(), ("rouge", "viola"), "concert_hall", n, seed, ("greedy", "greedy"))
    run(make_spec(load_catalog(), ("rouge", "viola"), "concert_hall", min(n, 64), seed + 1, ("greedy", "greedy")),
        batch_size, 1)  # warm-up: imports, the arena's tables
    dps, aps = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        total = run(spec, batch_size, workers)
        dt = time.perf_counter() - t0
        dps.append(total.n / dt)
        aps.append(total.actions / dt)
    return statistics.median(dps), statistics.median(aps)


def main() -> None:
    """Print the figures."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--n", type=int, default=100_000, help="duels per run at the default batch size")
    p.add_argument("--n-single", type=int, default=300, help="duels per run at batch size 1")
    p.add_argument("--repeats", type=int, default=3, help="runs per figure (the median is printed)")
    p.add_argument("--batch-size", type=int, default=None, help="duels stepped at once (default: as the bots ask)")
    p.add_argument("--profile", action="store_true", help="also profile one worker's chunk and print where the time goes")
    a = p.parse_args()
    print(f"rouge vs viola, concert_hall, greedy bots; median of {a.repeats} runs")
    rows = []
    for workers in (1, 2):
        d, ac = measure(a.n, workers, a.batch_size, a.repeats)
        rows.append((f"{workers} worker(s), batch size {a.batch_size or 'default'}, n={a.n}", d, ac))
    d1, a1 = measure(a.n_single, 1, 1, a.repeats)
    rows.append((f"1 worker, batch size 1, n={a.n_single}", d1, a1))
    for label, d, ac in rows:
        print(f"{label:<45} {d:>12,.0f} duels/s {ac:>14,.0f} actions/s")
    print(f"batch engine vs batch size 1 (1 worker): {rows[0][1] / d1:,.0f}x")
    print(f"2 workers vs 1 worker: {rows[1][1] / rows[0][1]:.2f}x")
    if a.profile:
        profile(a.n, a.batch_size)


def profile(n: int, batch_size: int | None) -> None:
    """cProfile of one chunk played in this process: the functions that take the most time."""
    import cProfile
    import pstats

    from gladiator.batch import run_chunk

    spec = make_spec(load_catalog(), ("rouge", "viola"), "concert_hall", n, 1, ("greedy", "greedy"))
    run_chunk(spec, 1, batch_size)  # warm-up
    prof = cProfile.Profile()
    prof.runcall(run_chunk, spec, 0, batch_size)
    print(f"\nwhere the time goes (one chunk of {spec.chunk_size} duels, cumulative seconds):")
    pstats.Stats(prof).sort_stats("cumulative").print_stats(r"gladiator", 18)


if __name__ == "__main__":
    main()
