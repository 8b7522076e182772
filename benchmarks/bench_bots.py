"""Benchmark of the bots and the odds: decisions per second, strength in mirror matches, odds speed and calibration.

Prints, on this machine: each bot's decisions per second (one duel at a time, as in the window, and
a batch of 256 duels at once, each in a position of its own: a bot may decide once for duels that
see the same); mirror matches on concert_hall, sides paired, of search against
heuristic, heuristic against greedy and greedy against random, for Rouge, Viola and Jaron, with
95% intervals; the search bot's wins against heuristic at three budgets; the time of 10,000
continuations from one position; and the calibration of the odds over recorded duels (predictions
at several turns in bins against what happened, and the Brier score against the base rate), with
a reliability plot written to docs/screenshots/calibration.png when matplotlib is installed.
Run: python benchmarks/bench_bots.py [--mirror-n 60] [--calibration-duels 500] [--skip-strength]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from gladiator import engine
from gladiator.batch import make_spec, run
from gladiator.batch.stats import wilson
from gladiator.bots import make_bot
from gladiator.catalog import load_catalog
from gladiator.driver import decide, play_batch
from gladiator.duel import game_for, play_duel
from gladiator.odds import estimate

from bench_odds import positions  # noqa: E402 (beside this file)

GLADIATORS = ("rouge", "viola", "jaron")
ARENA = "concert_hall"


def decisions_per_second(game, name: str, batch: int, seconds: float = 2.0) -> float:  # type: ignore[no-untyped-def]
    """Decisions per second of bot `name` on duels of `batch` at a time, each in a position of its own (random play)."""
    bot = make_bot(name)
    bot.prepare(game)
    s = positions(game, batch)
    done, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        live = s.take(np.flatnonzero(~s.done))
        if live.batch == 0:
            break
        decide(game, live, (bot, bot))
        done += live.batch
    return done / (time.perf_counter() - t0)


def mirror(cat, a: str, b: str, n: int) -> tuple[float, float, float]:  # type: ignore[no-untyped-def]
    """Share of mirror duels bot `a` wins against bot `b` over the three gladiators, with its 95% interval."""
    wins = total = 0
    for g in GLADIATORS:
        t = run(make_spec(cat, (g, g), ARENA, n, 11, (a, b)), workers=2)
        wins += t.wins[0] + t.draws / 2
        total += t.n
    lo, hi = wilson(int(round(wins)), total)
    return wins / total, lo, hi


def calibration(cat, duels: int, rollouts: int, turns: tuple[int, ...]) -> dict:  # type: ignore[no-untyped-def]
    """Odds predicted at `turns` of `duels` greedy duels, against who won: bins, Brier score, base-rate Brier."""
    game = game_for(cat, ARENA)
    bots = (make_bot("greedy"), make_bot("greedy"))
    pred, outcome = [], []
    for k in range(duels):
        units = (GLADIATORS[k % 3], GLADIATORS[(k + 1) % 3])
        res = play_duel(game, units, 10_000 + k, bots, events=False)
        s = engine.new_duels(game, units, [10_000 + k])
        acts = list(res.actions)
        for turn in turns:
            while acts and int(s.turn[0]) < turn and not s.done[0]:
                s, _ = engine.step(game, s, [acts.pop(0)])
            if s.done[0] or int(s.turn[0]) < turn:
                break
            got = estimate(game, s, bots, rollouts=rollouts, seed=k)
            pred.append(got.win[0])
            outcome.append(1.0 if res.winner_index == 0 else 0.0)
    p, y = np.array(pred), np.array(outcome)
    edges = np.linspace(0, 1, 11)
    which = np.clip(np.digitize(p, edges) - 1, 0, 9)
    bins = [(float(p[which == i].mean()), float(y[which == i].mean()), int((which == i).sum()))
            for i in range(10) if (which == i).any()]
    return {"n": len(p), "brier": float(np.mean((p - y) ** 2)), "base": float(np.mean((y.mean() - y) ** 2)), "bins": bins}


def plot(cal: dict, path: Path) -> bool:
    """A reliability diagram of the calibration; False without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, ax = plt.subplots(figsize=(5, 5), dpi=100)
    ax.plot([0, 1], [0, 1], "--", color="grey", label="perfect")
    xs, ys, ns = zip(*cal["bins"])
    ax.scatter(xs, ys, s=[20 + 200 * n / max(ns) for n in ns], color="#d7263d", label="predicted vs observed")
    ax.plot(xs, ys, color="#d7263d")
    ax.set(xlabel="predicted chance side A wins", ylabel="share side A won", xlim=(0, 1), ylim=(0, 1),
           title=f"Odds calibration: {cal['n']} predictions\nBrier {cal['brier']:.3f} (base rate {cal['base']:.3f})")
    ax.legend(loc="upper left")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    return True


def main() -> None:
    """Print the figures."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--mirror-n", type=int, default=60, help="duels per gladiator in each mirror match")
    p.add_argument("--calibration-duels", type=int, default=500, help="recorded duels the odds are checked against")
    p.add_argument("--calibration-rollouts", type=int, default=200, help="continuations of each prediction")
    p.add_argument("--skip-strength", action="store_true", help="leave out the mirror matches")
    a = p.parse_args()
    cat = load_catalog()
    game = game_for(cat, ARENA)
    print("Decisions per second (positions from greedy play, concert hall)")
    for name in ("random", "greedy", "heuristic", "search"):
        one = decisions_per_second(game, name, 1)
        many = decisions_per_second(game, name, 256)
        print(f"  {name:<10} one duel at a time {one:>10,.1f}/s   256 at once {many:>12,.0f}/s")
    if not a.skip_strength:
        print(f"\nMirror matches ({a.mirror_n} duels per gladiator, sides paired; wins of the first bot, draws half)")
        for x, y in (("search", "heuristic"), ("heuristic", "greedy"), ("greedy", "random")):
            r, lo, hi = mirror(cat, x, y, a.mirror_n)
            print(f"  {x:<9} vs {y:<9} {r:6.1%}  (95% interval {lo:.1%} - {hi:.1%})")
        print("\nSearch against heuristic by budget")
        for budget in (16, 64, 256):
            r, lo, hi = mirror(cat, f"search:budget={budget}", "heuristic", a.mirror_n)
            print(f"  budget {budget:>4}: {r:6.1%}  (95% interval {lo:.1%} - {hi:.1%})")
    s = engine.new_duels(game, ("rouge", "viola"), [3])
    for name in ("greedy", "heuristic"):
        bot = make_bot(name)
        bots = (bot, bot)  # as `gladiator odds` plays them: one bot on both sides
        estimate(game, s, bots, rollouts=100)
        t0 = time.perf_counter()
        estimate(game, s, bots, rollouts=10_000)
        print(f"\n10,000 continuations from the start of a duel with {name} bots: {time.perf_counter() - t0:.2f} s", end="")
    print()
    cal = calibration(cat, a.calibration_duels, a.calibration_rollouts, (2, 4, 6))
    print(f"\nCalibration over {a.calibration_duels} greedy duels, predictions at turns 2, 4 and 6 "
          f"({a.calibration_rollouts} continuations each): Brier {cal['brier']:.4f} against {cal['base']:.4f} for the base rate")
    for x, y, n in cal["bins"]:
        print(f"  predicted {x:5.1%}  observed {y:5.1%}  ({n} predictions)")
    out = Path(__file__).resolve().parent.parent / "docs" / "screenshots" / "calibration.png"
    if plot(cal, out):
        print(f"reliability plot: {out}")


if __name__ == "__main__":
    main()
