"""Benchmark of the odds' rollouts and the heuristic bot's speed, against another revision in the same run.

Prints the seconds 10,000 continuations take from the start of a Rouge-Viola duel in the concert hall
(`gladiator odds` with its default heuristic bots, and with greedy bots), and the heuristic bot's
decisions per second on 256 duels at once and on one at a time, each duel in a position of its own (a few random
actions in). With
`--against REV` (a git revision, e.g. `main`) it also runs the same measurements on that revision's
sources (with this tree's units and arenas), in a subprocess, one after the other, and prints the ratio.
Each figure is the median of `--repeat` runs after a warm-up; the CPU time of the process beside the wall
clock, as other work on a shared machine inflates the latter.
Run: python benchmarks/bench_odds.py [--against main] [--rollouts 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def measure(rollouts: int, repeat: int) -> dict[str, float]:
    """The figures of the sources on sys.path."""
    from gladiator import engine
    from gladiator.bots import make_bot
    from gladiator.catalog import load_catalog
    from gladiator.driver import decide
    from gladiator.duel import game_for
    from gladiator.odds import estimate

    game = game_for(load_catalog(), "concert_hall")
    s = engine.new_duels(game, ("rouge", "viola"), [3])
    out: dict[str, float] = {}
    for name in ("heuristic", "greedy"):
        bot = make_bot(name)
        bots = (bot, bot)  # as `gladiator odds` plays them (one object: asked once a step, where the code allows)
        estimate(game, s, bots, rollouts=100)
        times, cpu = [], []
        for _ in range(repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            estimate(game, s, bots, rollouts=rollouts)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        out[f"odds_{name}"] = statistics.median(times)
        out[f"odds_{name}_cpu"] = statistics.median(cpu)
    bot = make_bot("heuristic")
    bot.prepare(game)
    for batch in (256, 1):
        live = positions(game, batch)
        decide(game, live, (bot, bot))
        rates = []
        for _ in range(repeat):
            n, t0 = 0, time.perf_counter()
            while time.perf_counter() - t0 < 1.0:
                decide(game, live, (bot, bot))
                n += live.batch
            rates.append(n / (time.perf_counter() - t0))
        out[f"decisions_{batch}"] = statistics.median(rates)
    return out


def positions(game, batch: int):  # type: ignore[no-untyped-def]
    """`batch` live Rouge-Viola duels, each in a position of its own: a few random actions in (greedy play from one
    start gives a few positions, which a bot that decides once per view would count many times)."""
    from dataclasses import fields

    from gladiator import engine
    from gladiator.bots import make_bot
    from gladiator.driver import decide

    s = engine.new_duels(game, ("rouge", "viola"), np.arange(4 * batch))
    rand = make_bot("random")
    for _ in range(8):
        s, _ = engine.step(game, s, decide(game, s, (rand, rand))[0])
    s = s.take(np.flatnonzero(~s.done))
    rows = np.concatenate([getattr(s, f.name).reshape(s.batch, -1).astype(np.int64) for f in fields(s)
                           if f.name not in ("seed", "counter")], axis=1)
    _, first = np.unique(rows, axis=0, return_index=True)
    return s.take(np.sort(first)[:batch])


def other(rev: str, rollouts: int, repeat: int) -> dict[str, float]:
    """The figures of revision `rev`'s sources, measured in a subprocess."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "src"], capture_output=True, check=True).stdout
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        for kind in ("units", "arenas"):  # this tree's data: only the code differs
            (Path(tmp) / kind).symlink_to(ROOT / kind)
        env_path = str(Path(tmp) / "src")
        code = (f"import sys, json; sys.path.insert(0, {env_path!r}); sys.path.insert(1, {str(ROOT / 'benchmarks')!r}); "
                f"import bench_odds; print(json.dumps(bench_odds.measure({rollouts}, {repeat})))")
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        if done.returncode:
            sys.exit(f"error: measuring {rev} failed: {done.stderr.strip().splitlines()[-1]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    """Print the figures."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--against", metavar="REV", help="a git revision to measure too, e.g. main")
    p.add_argument("--rollouts", type=int, default=10_000, help="continuations of each estimate")
    p.add_argument("--repeat", type=int, default=3, help="runs of each figure (the median is printed)")
    a = p.parse_args()
    runs = {"this tree": measure(a.rollouts, a.repeat)}
    if a.against:
        runs[a.against] = other(a.against, a.rollouts, a.repeat)
    names = list(runs)
    print(f"{'':<44}" + "".join(f"{n:>14}" for n in names) + ("         ratio" if a.against else ""))
    rows = ((f"{a.rollouts:,} continuations, heuristic bots (s)", "odds_heuristic", True),
            ("  the same, CPU time of the process (s)", "odds_heuristic_cpu", True),
            (f"{a.rollouts:,} continuations, greedy bots (s)", "odds_greedy", True),
            ("  the same, CPU time of the process (s)", "odds_greedy_cpu", True),
            ("heuristic decisions/s, 256 duels at once", "decisions_256", False),
            ("heuristic decisions/s, one duel at a time", "decisions_1", False))
    for label, key, seconds in rows:
        vals = [runs[n][key] for n in names]
        line = f"{label:<44}" + "".join(f"{v:>14.2f}" if seconds else f"{v:>14,.0f}" for v in vals)
        if a.against:
            ratio = vals[1] / vals[0] if seconds else vals[0] / vals[1]
            line += f"   {ratio:8.1f}x faster"
        print(line)


if __name__ == "__main__":
    main()
