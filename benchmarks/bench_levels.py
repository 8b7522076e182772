"""The window's difficulty levels and win-odds bar: how long a decision and an estimate take, one duel at a time.

For each level (`gladiator.bots.levels`) its bot plays side A against the normal bot, one duel at
a time as in the window, on three pairings and arenas, and the time of each of its decisions is
printed (median, 90th percentile, max); then the time of the odds bar's estimate
(`gladiator.ui.odds_bar.chances`: ROLLOUTS continuations with the greedy bot) from the positions of
those duels, from the truth and from a side's view. With --strength N, the levels next to each
other also play N side-swapped mirror duels per gladiator (Rouge, Viola, Jaron) on concert_hall.

    python benchmarks/bench_levels.py [--levels hard,brutal] [--strength 0]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from gladiator import engine
from gladiator.batch import make_spec, run
from gladiator.batch.stats import wilson
from gladiator.bots import make_bot
from gladiator.bots.levels import LEVELS
from gladiator.catalog import load_catalog
from gladiator.driver import decide, prepare_bots
from gladiator.duel import game_for

DUELS = (("concert_hall", ("rouge", "viola"), 1), ("open_field", ("jaron", "rouge"), 2), ("rooftops", ("viola", "jaron"), 3))


def main() -> None:
    """Measure and print."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--levels", default=",".join(LEVELS), help="levels to time, comma-separated")
    p.add_argument("--strength", type=int, default=0, help="mirror duels per gladiator between neighbouring levels")
    args = p.parse_args()
    from gladiator.ui.odds_bar import ROLLOUTS, chances

    cat = load_catalog()
    positions = []
    for level in args.levels.split(","):
        times = []
        for arena, units, seed in DUELS:
            game = game_for(cat, arena)
            bots = (make_bot(LEVELS[level]), make_bot(LEVELS["normal"]))
            prepare_bots(game, bots)
            s = engine.new_duels(game, units, [seed])
            while not s.done[0]:
                t0 = time.perf_counter()
                a = decide(game, s, bots)[0]
                if int(s.active[0]) == 0:
                    times.append(time.perf_counter() - t0)
                    positions.append((game, s))
                s, _ = engine.step(game, s, a)
        t = np.array(times) * 1000
        print(f"{level:8s} ({LEVELS[level]}): {t.size} decisions, median {np.median(t):.0f} ms, "
              f"90th percentile {np.percentile(t, 90):.0f} ms, max {t.max():.0f} ms", flush=True)
    rng = np.random.default_rng(0)
    picks = rng.choice(len(positions), size=min(40, len(positions)), replace=False)
    for side in (None, 0):
        took = []
        for k in picks:
            game, s = positions[int(k)]
            t0 = time.perf_counter()
            chances(game, s, side, seed=7)
            took.append(time.perf_counter() - t0)
        view = "the truth" if side is None else "side A's view"
        print(f"odds bar ({ROLLOUTS} greedy continuations, from {view}): {len(took)} positions, "
              f"median {statistics.median(took) * 1000:.0f} ms, max {max(took) * 1000:.0f} ms", flush=True)
    names = args.levels.split(",")
    for lo, hi in zip(names, names[1:]):
        if args.strength < 1:
            break
        wins = total = 0.0
        for g in ("rouge", "viola", "jaron"):
            tot = run(make_spec(cat, (g, g), "concert_hall", args.strength, 11, (LEVELS[hi], LEVELS[lo])), batch_size=64, workers=1)
            wins += tot.wins[0] + tot.draws / 2
            total += tot.n
        a, b = wilson(int(round(wins)), int(total))
        print(f"{hi} vs {lo}: {wins / total:.1%} of {int(total)} mirror duels (95% interval {a:.1%} - {b:.1%})", flush=True)


if __name__ == "__main__":
    main()
