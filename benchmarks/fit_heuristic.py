"""Fit the heuristic bot's weights for strength, and write them to the bot's data file with the fit's record.

The weights (`gladiator.bots.weights`, data in src/gladiator/bots/heuristic.yaml) are searched with Optuna's TPE
sampler (seeded, so a fit is repeatable; its SQLite storage makes a killed fit resume, and optuna-dashboard reads
it). A candidate is scored by its side-swapped duels, the candidate named first, against a pool:
- the incumbent (the weights in the data file when the fit started) in the mirror of every unit on every arena;
- the greedy bot, likewise;
- every scripted strategy of tests/scripted.py (`SCRIPTS`: a one-trick bot for each cheap plan a player would
  try) against each gladiator, on every arena.
Every candidate plays the same duels (common random numbers: duel i of a cell is duel i of `gladiator batch` at the
seed), the cells of one arena and opponent in one batch. The score is the mean of the three groups' mean
score (a win 1, a draw 1/2), less twice the shortfall below 1/2 of every scripted cell from each spawn. Duels are spent where they
matter: a candidate first plays a quarter of the duels; one whose score is below the best full score by more than
twice its standard error stops there (racing).
The best candidate is then checked at a seed the search never used with --check-n duels a cell, spawn by spawn:
against the incumbent in every mirror (the target: 55% or more), against each scripted strategy from either
spawn (it loses at most half), and its decisions per second 256 at once (100,000 or more). With --write, and only
if it beats the incumbent beyond doubt, the data file is rewritten: the weights, and the command, date and figures.
Run: python benchmarks/fit_heuristic.py [--trials 60] [--n 200] [--check-n 1000] [--workers 2] [--seed 0]
     [--arenas concert_hall,rooftops,...] [--start earlier.yaml] [--out benchmarks/fit-results/fit.sqlite] [--write]
Needs the `tune` extra (Optuna): pip install 'gladiator[tune]'.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import math
import shlex
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the scripted strategies, named `scripted:Class` (forked workers inherit it)
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scripted import SCRIPTS  # noqa: E402

from gladiator import rng  # noqa: E402
from gladiator.batch.runner import worker_pool  # noqa: E402
from gladiator.batch.stats import wilson  # noqa: E402
from gladiator.bots import weights as W  # noqa: E402
from gladiator.catalog.loader import load_catalog  # noqa: E402

UNITS = ("rouge", "viola", "jaron", "nean")
GLADIATORS = ("rouge", "viola", "jaron")
INTS = ("low_nectar", "cache_nectar")  # weights searched in whole numbers (Nectar)
SHORTFALL = 2.0  # what a point of a scripted cell's score below 1/2 costs the score
# the search space of each weight: (low, high, log scale); the shipped value must lie inside
SPACE = {"low_nectar": (0, 10, False), "melt_weight": (0.02, 3, True), "overheat_weight": (0.2, 10, True),
         "win_bonus": (2, 100, True), "loss_bonus": (2, 100, True), "guard_factor": (0.2, 1, False),
         "cache_weight": (0.05, 5, True), "cache_nectar": (0, 16, False), "threat_weight": (0.3, 3, True),
         "future_weight": (0.05, 2, True), "aggression": (0.05, 5, True), "clock_aggression": (0.1, 10, True),
         "disguise_worth": (0.5, 30, True), "catch_hurt": (0.2, 1, False), "run_margin": (0.3, 20, True),
         "melt_threat": (0.1, 3, True)}


@dataclasses.dataclass(frozen=True)
class Cell:
    """One matchup of the pool: the candidate on `unit` against `foe` (played by `bot`) on `arena`."""

    group: str  # incumbent, greedy or script
    unit: str
    foe: str
    bot: str
    arena: str


def pool(arenas: list[str], incumbent: str) -> list[Cell]:
    """The cells a candidate plays."""
    cells = [Cell("incumbent", u, u, incumbent, a) for a in arenas for u in UNITS]
    cells += [Cell("greedy", u, u, "greedy", a) for a in arenas for u in UNITS]
    for name, (su, cls) in SCRIPTS.items():
        cells += [Cell("script", g, su, f"scripted:{cls.__name__}", a) for a in arenas for g in GLADIATORS]
    return cells


def bot_name(w: W.Weights) -> str:
    """The candidate as a bot name: the heuristic bot with every weight given."""
    return "heuristic:" + ",".join(f"{k}={v:.6g}" for k, v in w.model_dump().items())


def play(cat, cells: list[Cell], candidate: str, n: int, seed: int, workers: int) -> dict[Cell, np.ndarray]:  # type: ignore[no-untyped-def]
    """The candidate's score x2 in each of n side-swapped duels of each cell (the duels of a `gladiator batch` run of
    the seed: the same for every candidate), and whether it played that duel from spawn A: (2, n) a cell. The cells
    of one arena and opponent bot are played in one batch (a batch of a few dozen duels costs nearly what one of a
    few hundred does)."""
    groups: dict[tuple[str, str], list[Cell]] = {}
    for c in cells:
        groups.setdefault((c.arena, c.bot), []).append(c)
    jobs = [(arena, bot, [(c.unit, c.foe) for c in group]) for (arena, bot), group in groups.items()]
    global CATALOG
    CATALOG = cat  # forked workers read it
    out: dict[Cell, np.ndarray] = {}
    if workers <= 1:
        results = ((k, play_group(*job, n, seed, candidate)) for k, job in enumerate(jobs))
    else:
        with worker_pool(min(workers, len(jobs))) as pool:
            results = sorted(pool.imap(functools.partial(play_job, jobs, n, seed, candidate), range(len(jobs))))
    for k, scores in results:
        for c, s in zip(groups[(jobs[k][0], jobs[k][1])], scores):
            out[c] = s
    return out


CATALOG = None  # the catalog a fit plays, set before its workers are forked


def play_job(jobs: list, n: int, seed: int, candidate: str, k: int) -> list[np.ndarray]:
    """`play_group` of job `k` (a top-level function: worker processes call it)."""
    return play_group(*jobs[k], n, seed, candidate)


def play_group(arena: str, bot: str, pairings: list[tuple[str, str]], n: int, seed: int, candidate: str) -> list[np.ndarray]:
    """The candidate (the first unit of each pairing) against `bot` on `arena`: n side-swapped duels a pairing, all in
    one batch a side; per pairing, (2, n): its score x2 a duel, and whether it played from spawn A."""
    from gladiator.batch.chunks import play_duels
    from gladiator.bots import make_bot
    from gladiator.duel import game_for

    game = game_for(CATALOG, arena)
    idx = np.arange(n, dtype=np.int64)
    swapped = idx % 2 == 1
    seeds = rng.derive_seeds(seed, idx // 2).astype(np.int64)
    cand, opp = make_bot(candidate), make_bot(bot)
    out = [np.zeros((2, n), dtype=np.int64) for _ in pairings]
    for sw in (False, True):
        sel = np.flatnonzero(swapped == sw)
        pairs = np.concatenate([np.tile([game.unit_index(b), game.unit_index(a)] if sw else
                                        [game.unit_index(a), game.unit_index(b)], (sel.size, 1)) for a, b in pairings])
        final, _, _ = play_duels(game, pairs.astype(np.int16), np.tile(seeds[sel], len(pairings)), (opp, cand) if sw else (cand, opp))
        mine = 1 if sw else 0
        score = np.where(final.winner == mine, 2, np.where(final.winner < 0, 1, 0))
        for k in range(len(pairings)):
            out[k][0, sel] = score[k * sel.size:(k + 1) * sel.size]
            out[k][1, sel] = not sw
    return out


def objective(scores: dict[Cell, np.ndarray]) -> tuple[float, float]:
    """(the fit's score of a candidate, its standard error over cells)."""
    groups: dict[str, list[float]] = {}
    short = 0.0
    for c, s in scores.items():
        groups.setdefault(c.group, []).append(float(s[0].mean()) / 2)
        if c.group == "script":  # from either spawn
            short += sum(max(0.0, 0.5 - float(s[0][s[1] == spawn].mean()) / 2) for spawn in (0, 1))
    value = sum(np.mean(v) for v in groups.values()) / len(groups) - SHORTFALL * short
    n = next(iter(scores.values())).shape[1]
    se = math.sqrt(sum(0.25 / (n * len(v)) for v in groups.values())) / len(groups)  # a cell's score varies at most by 1/4n
    return value, se


def check(cat, cells: list[Cell], best: W.Weights, n: int, seed: int, workers: int) -> dict:  # type: ignore[no-untyped-def]
    """The best candidate at a fresh seed: spawn by spawn, against the incumbent and every script, and its speed."""
    scores = play(cat, cells, bot_name(best), n, seed, workers)
    report: dict = {"seed": seed, "duels_a_cell": n}
    mirror = np.concatenate([s[0] for c, s in scores.items() if c.group == "incumbent"])
    k = int(mirror.sum())
    report["vs_incumbent"] = (k / (2 * mirror.size), wilson(k, 2 * mirror.size))  # draws count half
    greedy = np.concatenate([s[0] for c, s in scores.items() if c.group == "greedy"])
    report["vs_greedy"] = float(greedy.mean()) / 2
    worst = []
    for c, s in scores.items():
        if c.group != "script":
            continue
        for spawn in (True, False):
            sel = s[1] == spawn
            worst.append((float(s[0][sel].mean()) / 2, f"{c.unit} vs {c.bot.split(':')[1]} ({c.foe}) on {c.arena}, "
                                                       f"spawn {'A' if spawn else 'B'}"))
    worst.sort()
    report["worst_scripts"] = worst[:5]
    from bench_bots import decisions_per_second  # noqa: E402

    from gladiator.duel import game_for

    report["decisions_256"] = decisions_per_second(game_for(cat, "concert_hall"), bot_name(best), 256)
    return report


def main() -> None:
    """Fit, check, and write when asked."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--trials", type=int, default=60, help="candidates to try (default 60)")
    ap.add_argument("--n", type=int, default=200, help="side-swapped duels a cell for a candidate (default 200)")
    ap.add_argument("--check-n", type=int, default=1000, help="duels a cell of the final check (default 1000)")
    ap.add_argument("--workers", type=int, default=2, help="worker processes")
    ap.add_argument("--seed", type=int, default=0, help="seed of the sampler and of the duels")
    ap.add_argument("--arenas", default="", help="comma-separated arena ids (default: every arena)")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "fit-results" / "fit.sqlite",
                    help="the Optuna study's SQLite file: a killed fit resumes from it")
    ap.add_argument("--start", type=Path, action="append", default=[],
                    help="a weights file to try right after the incumbent (e.g. an earlier fit's); may repeat")
    ap.add_argument("--write", action="store_true", help="rewrite the bot's data file with the fitted weights")
    args = ap.parse_args()
    try:
        import optuna
    except ImportError:
        sys.exit("error: the fit needs Optuna: pip install 'gladiator[tune]'")
    if args.n < 8 or args.n % 8 or args.trials < 1:
        sys.exit("error: --n must be a multiple of 8 (a quarter of it is played first, in pairs) and --trials at least 1")
    cat = load_catalog([], [])
    arenas = [a for a in args.arenas.split(",") if a] or sorted(cat.arenas)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    incumbent_file = args.out.with_suffix(".incumbent.yaml")
    if not incumbent_file.exists():  # the weights the fit started from, kept for a resumed fit
        incumbent_file.write_text(W.DEFAULT_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    incumbent = W.load(incumbent_file)
    cells = pool(arenas, f"heuristic:weights={incumbent_file}")
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(study_name=f"heuristic-{incumbent.key()}-{','.join(arenas)}-{args.n}-{args.seed}",
                                storage=f"sqlite:///{args.out}", direction="maximize", load_if_exists=True,
                                sampler=optuna.samplers.TPESampler(seed=args.seed, n_startup_trials=10))
    if not study.trials:
        for w in [incumbent] + [W.load(f) for f in args.start]:  # the incumbent first: the bar to beat
            study.enqueue_trial({k: (int(v) if k in INTS else v) for k, v in w.model_dump().items()})
    first, full = args.n // 4, args.n
    seeds = (args.seed, int(rng.derive_seeds(args.seed, np.array([1]))[0]))  # the two stages' duels, shared by all
    started = time.perf_counter()

    def trial_fn(trial: "optuna.Trial") -> float:
        values = {}
        for k, (lo, hi, log) in SPACE.items():
            if k in INTS:
                values[k] = float(trial.suggest_int(k, int(lo), int(hi)))
            else:
                values[k] = trial.suggest_float(k, lo, hi, log=log)
        cand = W.Weights(**values)
        quick = play(cat, cells, bot_name(cand), first, seeds[0], args.workers)
        value, se = objective(quick)
        trial.report(value, 0)
        done = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
        if done and value + 2 * se < max(t.value for t in done):
            raise optuna.TrialPruned()
        rest = play(cat, cells, bot_name(cand), full - first, seeds[1], args.workers)
        both = {c: np.concatenate([quick[c], rest[c]], axis=1) for c in cells}
        value, se = objective(both)
        trial.set_user_attr("se", se)
        return value

    def say(study: "optuna.Study", trial: "optuna.trial.FrozenTrial") -> None:
        best = study.best_value if any(t.state == optuna.trial.TrialState.COMPLETE for t in study.trials) else float("nan")
        state = "pruned" if trial.state == optuna.trial.TrialState.PRUNED else f"{trial.value:.4f}"
        print(f"trial {trial.number + 1}/{args.trials}: {state}; best {best:.4f} ({time.perf_counter() - started:.0f} s)",
              flush=True)

    left = args.trials - len([t for t in study.trials if t.state.is_finished()])
    if left > 0:
        study.optimize(trial_fn, n_trials=left, callbacks=[say])
    best = W.Weights(**{k: float(v) for k, v in study.best_params.items()})
    inc_trial = study.trials[0]
    print(f"\nbest trial {study.best_trial.number + 1}: {study.best_value:.4f} (the incumbent: {inc_trial.value:.4f})")
    for k, v in best.model_dump().items():
        print(f"  {k:<17} {v:>9.4g}  (was {getattr(incumbent, k):g})")
    rep = check(cat, cells, best, args.check_n, int(rng.derive_seeds(args.seed, np.array([99]))[0]), args.workers)
    rate, (lo, hi) = rep["vs_incumbent"]
    print(f"\ncheck at a fresh seed, {args.check_n} duels a cell:")
    print(f"  against the incumbent, mirrors: {rate:.1%} (95% interval {lo:.1%} - {hi:.1%}); target 55% or more")
    print(f"  against greedy, mirrors: {rep['vs_greedy']:.1%}")
    print("  the scripts it does worst against, spawn by spawn (target: 50% or more each):")
    for score, what in rep["worst_scripts"]:
        print(f"    {score:.1%}  {what}")
    print(f"  decisions/s, 256 at once: {rep['decisions_256']:,.0f} (target 100,000 or more)")
    if not args.write:
        return
    if lo <= 0.5:
        print("\nnot written: the fitted weights do not beat the incumbent beyond doubt")
        return
    command = "python benchmarks/fit_heuristic.py " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    figures = {"vs_incumbent_mirrors": round(rate, 4), "interval": [round(lo, 4), round(hi, 4)],
               "vs_greedy_mirrors": round(rep["vs_greedy"], 4), "worst_script": round(rep["worst_scripts"][0][0], 4),
               "worst_script_case": rep["worst_scripts"][0][1], "decisions_per_second_256": round(rep["decisions_256"]),
               "trials": len(study.trials), "check_duels_a_cell": args.check_n}
    write(best, {"by": "fit", "command": command, "date": date.today().isoformat(), "figures": figures})
    print(f"\nwritten to {W.DEFAULT_FILE}")


def write(best: W.Weights, fit: dict) -> None:
    """Rewrite the bot's data file: its header comment kept, the weights and the fit's record new."""
    import yaml

    text = W.DEFAULT_FILE.read_text(encoding="utf-8")
    header = "".join(line + "\n" for line in text.splitlines() if line.startswith("#"))
    body = yaml.safe_dump({"weights": {k: round(v, 4) for k, v in best.model_dump().items()}, "fit": fit},
                          sort_keys=False, width=110)
    W.DEFAULT_FILE.write_text(header + body, encoding="utf-8")
    W.load(W.DEFAULT_FILE)  # it reads back


if __name__ == "__main__":
    main()
