"""Fit the heuristic bot's weights for strength, and write them to the bot's data file with the fit's record.

The weights (`gladiator.bots.weights`, data in src/gladiator/bots/heuristic.yaml) are searched with Optuna's TPE
sampler (seeded, so a fit is repeatable; its SQLite storage makes a killed fit resume, and optuna-dashboard reads
it). A candidate is scored by its side-swapped duels, the candidate named first, against a pool:
- the incumbent (the weights in the data file when the fit started) in every pairing of the units, mirrors
  included, on every arena: the candidate's Viola against the incumbent's Rouge as well as against its Viola (one set
  of weights plays every suit against every suit; a mirror alone rewards weights that serve a suit against itself
  only);
- the greedy bot, in the mirror of every unit on every arena;
- every scripted strategy of tests/scripted.py (`SCRIPTS`: a one-trick bot for each cheap plan a player would
  try) against each gladiator, on every arena;
- itself, in the mirror of every unit on every arena: not for its score (half, by symmetry) but for how many of
  those duels end in a draw or a shutdown (the target: under 5% in every cell). A bot that wins by waiting for the
  other side's Nectar to run out beats an incumbent that comes to it, and then, on both sides, never fights.
Every candidate plays the same duels (common random numbers: duel i of a cell is duel i of `gladiator batch` at the
seed), the cells of one arena and opponent in one batch. The score is the groups' mean score (a win 1, a draw 1/2),
the pairings against the incumbent counted --incumbent-weight times (the target the fit chases), less
--shortfall-weight (2) times the shortfall below SCRIPT_FLOOR of every scripted cell from each spawn (the target: no script wins more than half from
either spawn; the floor leaves a margin for the check's own noise), less twice the share of draws and shutdowns
above STALL_CEILING in each mirror against itself. Duels are spent where they matter (racing), in three stages: the
cells against the incumbent at a quarter of --n (a candidate well behind the best one's score there at that stage
stops there); the rest of them, and every scripted, greedy and self-play cell at a quarter of --n (one whose score is below the best
one's on the same duels by more than twice its standard error, the noise of the shortfalls it counts included, stops
there); the rest of --n for the scripted cells
still near the floor from either spawn. The sampler is TPE, multivariate (the weights act together), warm-started
with --start: weights files, or an earlier fit's SQLite file (its best candidates). The best few candidates
(--validate) are played again at a seed of their own, all of --n a cell, and the best there is the fit's answer: the
search's own best is flattered by its seed.
That one is then checked at a seed the search never used with --check-duels duels a cell, spawn by spawn: against
the incumbent over every pairing (the target: 55% or more), against each scripted strategy from either spawn (it loses
at most half), against itself (draws and shutdowns under 5% in every mirror), its decisions per second 256 at once
(100,000 or more), and the gladiator pairings with it on both sides (the roster was balanced with the incumbent).
With --write, and only if it beats the incumbent beyond doubt, no script beats it from a spawn, no mirror against
itself stalls and no pairing leaves BALANCE_BAND, the data file is rewritten: the weights, and the command, date and
figures.
Run: python benchmarks/fit_heuristic.py [--trials 60] [--minutes 0] [--n 400] [--check-duels 1000] [--workers 2]
     [--seed 0] [--check-seed S] [--incumbent-weight 4] [--shortfall-weight 2] [--validate 3] [--arenas concert_hall,rooftops,...]
     [--start earlier.yaml|earlier.sqlite] [--out benchmarks/fit-results/fit.sqlite] [--write] [--rules 4]
Check only (no search): python benchmarks/fit_heuristic.py --check fitted.yaml [--check-seed S] [--check-duels N]
     [--set viola.stats.integrity=60 ...]: the same check of a given weights file against the data file's, on the
     shipped roster or one changed by --set (as `gladiator matrix --set`; e.g. a roster re-balanced for them).
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
from gladiator.batch.overrides import apply_overrides  # noqa: E402
from gladiator.catalog.loader import load_catalog  # noqa: E402
from gladiator.errors import GladiatorError  # noqa: E402
from gladiator.game import DEFAULT_RULES, RULES_VERSIONS  # noqa: E402
from gladiator.state import OUTCOMES  # noqa: E402

UNITS = ("rouge", "viola", "jaron", "nean")
GLADIATORS = ("rouge", "viola", "jaron")
INTS = ("low_nectar", "cache_nectar")  # weights searched in whole numbers (Nectar)
SHORTFALL = 2.0  # what a point of a scripted cell's score below the floor costs the score, from each spawn
SCRIPT_FLOOR = 0.53  # a scripted cell's score from a spawn below this counts as a shortfall (the target is 1/2)
STALL_CEILING = 0.04  # a self-play mirror's share of draws and shutdowns above this costs SHORTFALL a point (the target: 5%)
STALL_TARGET = 0.05  # the check's bar for it
SELF = "self"  # a cell's opponent bot that is the candidate itself
START_BEST = 5  # the candidates an earlier fit's SQLite file gives --start
BALANCE_BAND = (0.25, 0.75)  # a gladiator pairing's band with this bot on both sides (tests/test_balance.py)
SAFE = 0.7  # a scripted cell at or above this from both spawns after a quarter of its duels plays no more
# the search space of each weight: (low, high, log scale); the shipped value must lie inside
SPACE = {"low_nectar": (0, 10, False), "melt_weight": (0.02, 3, True), "overheat_weight": (0.2, 10, True),
         "win_bonus": (2, 100, True), "loss_bonus": (2, 100, True), "guard_factor": (0.2, 1, False),
         "cache_weight": (0.05, 5, True), "cache_nectar": (0, 16, False), "threat_weight": (0.3, 3, True),
         "future_weight": (0.05, 2, True), "aggression": (0.05, 5, True), "clock_aggression": (0.1, 10, True),
         "disguise_worth": (0.5, 30, True), "catch_hurt": (0.2, 1, False), "run_margin": (0.3, 20, True),
         "melt_threat": (0.1, 3, True), "shot_heat": (0, 3, False)}


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
    cells = [Cell("incumbent", u, foe, incumbent, a) for a in arenas for u in UNITS for foe in UNITS]
    cells += [Cell("greedy", u, u, "greedy", a) for a in arenas for u in UNITS]
    cells += [Cell("self", u, u, SELF, a) for a in arenas for u in UNITS]
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
    CATALOG = cat  # forked workers read it (and RULES)
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
RULES = 3  # the rules version it plays (--rules), likewise


def play_job(jobs: list, n: int, seed: int, candidate: str, k: int) -> list[np.ndarray]:
    """`play_group` of job `k` (a top-level function: worker processes call it)."""
    return play_group(*jobs[k], n, seed, candidate)


def play_group(arena: str, bot: str, pairings: list[tuple[str, str]], n: int, seed: int, candidate: str) -> list[np.ndarray]:
    """The candidate (the first unit of each pairing) against `bot` (SELF: itself) on `arena`: n side-swapped duels a
    pairing, all in one batch a side; per pairing, (3, n): its score x2 a duel, whether it played from spawn A, and
    whether the duel ended in a draw or a shutdown."""
    from gladiator.batch.chunks import play_duels
    from gladiator.bots import make_bot
    from gladiator.duel import game_for

    game = game_for(CATALOG, arena, RULES)
    idx = np.arange(n, dtype=np.int64)
    swapped = idx % 2 == 1
    seeds = rng.derive_seeds(seed, idx // 2).astype(np.int64)
    cand = make_bot(candidate)
    opp = cand if bot == SELF else make_bot(bot)  # itself: one bot object, asked once for both sides
    stalled = np.array([OUTCOMES.index("draw"), OUTCOMES.index("shutdown")])
    out = [np.zeros((3, n), dtype=np.int64) for _ in pairings]
    for sw in (False, True):
        sel = np.flatnonzero(swapped == sw)
        pairs = np.concatenate([np.tile([game.unit_index(b), game.unit_index(a)] if sw else
                                        [game.unit_index(a), game.unit_index(b)], (sel.size, 1)) for a, b in pairings])
        final, _, _ = play_duels(game, pairs.astype(np.int16), np.tile(seeds[sel], len(pairings)), (opp, cand) if sw else (cand, opp))
        mine = 1 if sw else 0
        score = np.where(final.winner == mine, 2, np.where(final.winner < 0, 1, 0))
        stall = np.isin(final.outcome, stalled)
        for k in range(len(pairings)):
            out[k][0, sel] = score[k * sel.size:(k + 1) * sel.size]
            out[k][1, sel] = not sw
            out[k][2, sel] = stall[k * sel.size:(k + 1) * sel.size]
    return out


def objective(scores: dict[Cell, np.ndarray], incumbent_weight: float = 1.0, shortfall: float = SHORTFALL) -> tuple[float, float]:
    """(the fit's score of a candidate, its standard error over cells): the groups' mean score, the pairings against the
    incumbent counted `incumbent_weight` times, less `shortfall` times the scripted cells' shortfall below SCRIPT_FLOOR
    from each spawn, less SHORTFALL times each self-play mirror's share of
    draws and shutdowns above STALL_CEILING (its score, half by symmetry, is left out)."""
    groups: dict[str, list[float]] = {}
    short = short_var = 0.0  # the shortfalls, and the variance of those counted (a share of n duels varies at most 1/(4 n))
    stall = stall_var = 0.0  # likewise the stalls
    for c, s in scores.items():
        if c.group == "self":
            share = float(s[2].mean()) - STALL_CEILING
            stall += max(0.0, share)
            stall_var += 0.25 / s.shape[1] if share > 0 else 0.0
            continue
        groups.setdefault(c.group, []).append(float(s[0].mean()) / 2)
        if c.group == "script":  # from either spawn
            for spawn in (0, 1):
                got = s[0][s[1] == spawn]
                below = SCRIPT_FLOOR - float(got.mean()) / 2
                short += max(0.0, below)
                short_var += 0.25 / got.size if below > 0 else 0.0
    weight = {g: (incumbent_weight if g == "incumbent" else 1.0) for g in groups}
    total = sum(weight.values())
    value = sum(weight[g] * float(np.mean(v)) for g, v in groups.items()) / total - shortfall * short - SHORTFALL * stall
    # a cell's score varies at most by 1/(4 n) over n duels; the shortfalls are counted cell by cell, so their noise
    # (over a few dozen duels a spawn early on) weighs in full
    se = math.sqrt(sum(weight[g] ** 2 * sum(0.25 / scores[c].shape[1] for c in scores if c.group == g) / len(v) ** 2
                       for g, v in groups.items()) / total ** 2 + shortfall ** 2 * short_var
                   + SHORTFALL ** 2 * stall_var)
    return value, se


def incumbent_score(scores: dict[Cell, np.ndarray]) -> float:
    """The candidate's mean score in the pairings against the incumbent."""
    return float(np.mean([s[0].mean() / 2 for c, s in scores.items() if c.group == "incumbent"]))


def near_floor(scores: dict[Cell, np.ndarray]) -> list[Cell]:
    """The scripted cells not yet clearly safe: below SAFE from either spawn."""
    return [c for c, s in scores.items() if c.group == "script"
            and min(float(s[0][s[1] == spawn].mean()) / 2 for spawn in (0, 1)) < SAFE]


def joined(*parts: dict[Cell, np.ndarray]) -> dict[Cell, np.ndarray]:
    """The duels of each cell over several stages, side by side."""
    out: dict[Cell, np.ndarray] = {}
    for part in parts:
        for c, s in part.items():
            out[c] = np.concatenate([out[c], s], axis=1) if c in out else s
    return out


def check(cat, cells: list[Cell], best: W.Weights, n: int, seed: int, workers: int) -> dict:  # type: ignore[no-untyped-def]
    """The best candidate at a fresh seed: spawn by spawn, against the incumbent and every script, and its speed."""
    scores = play(cat, cells, bot_name(best), n, seed, workers)
    report: dict = {"seed": seed, "duels_a_cell": n}
    paired = np.concatenate([s[0] for c, s in scores.items() if c.group == "incumbent"])
    k = int(paired.sum())
    report["vs_incumbent"] = (k / (2 * paired.size), wilson(k, 2 * paired.size))  # draws count half
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
    report["worst_stall"] = max((float(s[2].mean()), f"{c.unit} mirror on {c.arena}") for c, s in scores.items()
                                if c.group == "self")
    report["worst_by_spawn"] = {spawn: next(w for w in worst if w[1].endswith(f"spawn {spawn}")) for spawn in "AB"}
    report["balance"] = balance(cat, bot_name(best), n, seed)
    from bench_bots import decisions_per_second  # noqa: E402

    from gladiator.duel import game_for

    report["decisions_256"] = decisions_per_second(game_for(cat, "concert_hall", RULES), bot_name(best), 256)
    return report


def balance(cat, name: str, n: int, seed: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Each gladiator pairing's win rate on the concert hall with bot `name` on both sides: the roster was balanced
    with the incumbent, and a stronger bot can unbalance it (the balance tests hold it to BALANCE_BAND)."""
    global CATALOG
    CATALOG = cat
    out = {}
    for i, a in enumerate(GLADIATORS):
        for b in GLADIATORS[i + 1:]:
            out[f"{a}-{b}"] = float(play_group("concert_hall", name, [(a, b)], n, seed, name)[0][0].mean()) / 2
    return out


def show(rep: dict, n: int, seed: int) -> None:
    """Print a check's figures against their targets."""
    rate, (lo, hi) = rep["vs_incumbent"]
    print(f"\ncheck at a fresh seed ({seed}), {n} duels a cell:")
    print(f"  against the incumbent, every pairing: {rate:.1%} (95% interval {lo:.1%} - {hi:.1%}); target 55% or more")
    print(f"  against greedy, mirrors: {rep['vs_greedy']:.1%}")
    print("  the scripts it does worst against, spawn by spawn (target: 50% or more each):")
    for score, what in rep["worst_scripts"]:
        print(f"    {score:.1%}  {what}")
    share, where = rep["worst_stall"]
    print(f"  draws and shutdowns with it on both sides, worst mirror: {share:.1%} ({where}); target under "
          f"{STALL_TARGET:.0%}")
    print(f"  decisions/s, 256 at once: {rep['decisions_256']:,.0f} (target 100,000 or more)")
    print(f"  the roster with it on both sides, concert hall (band {BALANCE_BAND[0]:.0%} - {BALANCE_BAND[1]:.0%}): "
          + ", ".join(f"{k} {v:.1%}" for k, v in rep["balance"].items()), flush=True)


def main() -> None:
    """Fit, check, and write when asked."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--trials", type=int, default=60, help="candidates to try")
    ap.add_argument("--minutes", type=float, default=0, help="stop trying candidates after this long (0: no limit)")
    ap.add_argument("--n", type=int, default=400, help="side-swapped duels a cell against the incumbent for a "
                                                      "candidate, and a scripted cell near the floor")
    ap.add_argument("--check-duels", type=int, default=1000, help="duels a cell of the final check")
    ap.add_argument("--workers", type=int, default=2, help="worker processes")
    ap.add_argument("--seed", type=int, default=0, help="seed of the sampler and of the duels")
    ap.add_argument("--check-seed", type=int, default=None,
                    help="seed of the final check (default: one derived from --seed, which the search never used)")
    ap.add_argument("--incumbent-weight", type=float, default=4.0,
                    help="how many times the pairings against the incumbent count beside greedy and the scripts")
    ap.add_argument("--shortfall-weight", type=float, default=SHORTFALL,
                    help="what a point of a scripted cell's score below the floor costs, from each spawn (the cells "
                         "are many and their duels few: a large weight lets their noise pick the answer)")
    ap.add_argument("--validate", type=int, default=3, help="the best candidates played again at a seed of their own")
    ap.add_argument("--arenas", default="", help="comma-separated arena ids (default: every arena)")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "fit-results" / "fit.sqlite",
                    help="the Optuna study's SQLite file: a killed fit resumes from it")
    ap.add_argument("--start", type=Path, action="append", default=[],
                    help="weights to try right after the incumbent: a weights file (e.g. an earlier fit's), or an "
                         "earlier fit's SQLite file (its best candidates); may repeat")
    ap.add_argument("--write", action="store_true", help="rewrite the bot's data file with the fitted weights")
    ap.add_argument("--check", type=Path, default=None, metavar="WEIGHTS",
                    help="no search: check this weights file against the incumbent (the data file's weights) at "
                         "--check-seed with --check-duels duels a cell")
    ap.add_argument("--set", dest="sets", action="append", default=[], metavar="UNIT.FIELD=VALUE",
                    help="play a changed roster, as `gladiator matrix --set` (e.g. one re-balanced for the fitted "
                         "weights); may repeat; not with --write (its figures are the shipped roster's)")
    ap.add_argument("--rules", type=int, default=DEFAULT_RULES, choices=RULES_VERSIONS,
                    help="the rules version the duels are fought under (4: the version being made); its data file is the "
                         "incumbent, and the one --write rewrites")
    args = ap.parse_args()
    global RULES
    RULES = args.rules
    try:
        import optuna
    except ImportError:
        sys.exit("error: the fit needs Optuna: pip install 'gladiator[tune]'")
    if args.n < 8 or args.n % 8 or args.trials < 1:
        sys.exit("error: --n must be a multiple of 8 (a quarter of it is played first, in pairs) and --trials at least 1")
    if args.check_duels < 2 or args.check_duels % 2 or args.validate < 1 or args.incumbent_weight <= 0 \
            or not args.shortfall_weight >= 0:
        sys.exit("error: --check-duels must be even and at least 2, --validate at least 1, --incumbent-weight above 0, "
                 "--shortfall-weight 0 or more")
    missing = [f"--start {f}" for f in args.start if not f.is_file()]
    missing += [f"--check {args.check}"] if args.check is not None and not args.check.is_file() else []
    if missing:
        sys.exit(f"error: {missing[0]}: no such file")
    if args.sets and args.write:
        sys.exit("error: --set with --write: the data file records the shipped roster's figures; edit units/ first")
    try:
        cat = apply_overrides(load_catalog([], []), args.sets)
        checked = W.load(args.check) if args.check is not None else None
    except GladiatorError as e:
        sys.exit(f"error: {e}")
    arenas = [a for a in args.arenas.split(",") if a] or sorted(cat.arenas)
    unknown = sorted(set(arenas) - set(cat.arenas))
    if unknown:
        sys.exit(f"error: --arenas {unknown[0]}: no such arena")
    check_seed = int(rng.derive_seeds(args.seed, np.array([99]))[0]) if args.check_seed is None else args.check_seed
    if checked is not None:  # no search: the given weights against the data file's
        cells = pool(arenas, f"heuristic:weights={W.DEFAULT_FILES[args.rules]}")
        print(f"checking {args.check} against {W.DEFAULT_FILES[args.rules]}" + "".join(f" --set {x}" for x in args.sets))
        show(check(cat, cells, checked, args.check_duels, check_seed, args.workers), args.check_duels, check_seed)
        return
    args.out.parent.mkdir(parents=True, exist_ok=True)
    incumbent_file = args.out.with_suffix(".incumbent.yaml")
    if not incumbent_file.exists():  # the weights the fit started from, kept for a resumed fit
        incumbent_file.write_text(W.DEFAULT_FILES[args.rules].read_text(encoding="utf-8"), encoding="utf-8")
    incumbent = W.load(incumbent_file)
    cells = pool(arenas, f"heuristic:weights={incumbent_file}")
    paired_cells = [c for c in cells if c.group == "incumbent"]
    other_cells = [c for c in cells if c.group != "incumbent"]
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    version = "" if args.rules == DEFAULT_RULES else f"-rules{args.rules}"
    # (named for what its candidates play, every pairing against the incumbent, and how they are scored: a study of
    # other cells or other weights is not resumed)
    study = optuna.create_study(study_name=f"heuristic-{incumbent.key()}-{','.join(arenas)}-{args.n}-{args.seed}{version}"
                                           f"-every-pairing-{args.incumbent_weight:g}-{args.shortfall_weight:g}",
                                storage=f"sqlite:///{args.out}", direction="maximize", load_if_exists=True,
                                sampler=optuna.samplers.TPESampler(seed=args.seed, n_startup_trials=10, multivariate=True))
    if not study.trials:
        for w in [incumbent] + starts(optuna, args.start):  # the incumbent first: the bar to beat
            study.enqueue_trial({k: (int(v) if k in INTS else v) for k, v in w.model_dump().items()})
    first, full = args.n // 4, args.n
    seeds = (args.seed, int(rng.derive_seeds(args.seed, np.array([1]))[0]))  # the two halves' duels, shared by all
    started = time.perf_counter()

    def run(cand: W.Weights, part: list[Cell], n: int, seed: int) -> dict[Cell, np.ndarray]:
        return play(cat, part, bot_name(cand), n, seed, args.workers) if part else {}

    def trial_fn(trial: "optuna.Trial") -> float:
        values = {}
        for k, (lo, hi, log) in SPACE.items():
            if k in INTS:
                values[k] = float(trial.suggest_int(k, int(lo), int(hi)))
            else:
                values[k] = trial.suggest_float(k, lo, hi, log=log)
        cand = W.Weights(**values)
        done = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
        leader = max(done, key=lambda t: t.value) if done else None
        quick = run(cand, paired_cells, first, seeds[0])  # stage 1: the incumbent, a quarter of its duels
        m = incumbent_score(quick)
        trial.set_user_attr("paired_quick", m)
        if leader is not None and m + 2 * math.sqrt(0.25 / (first * len(paired_cells))) < leader.user_attrs["paired_quick"]:
            raise optuna.TrialPruned()
        both = joined(quick, run(cand, paired_cells, full - first, seeds[1]), run(cand, other_cells, first, seeds[0]))
        value, se = objective(both, args.incumbent_weight, args.shortfall_weight)  # stage 2: all the incumbent's, a quarter of the rest
        trial.report(value, 0)
        trial.set_user_attr("stage2", value)
        # against the leader's score on the same duels: fewer duels a cell make a larger shortfall by chance
        if leader is not None and value + 2 * se < leader.user_attrs.get("stage2", -math.inf):
            raise optuna.TrialPruned()
        both = joined(both, run(cand, near_floor(both), full - first, seeds[1]))  # stage 3: scripted cells near the floor
        value, se = objective(both, args.incumbent_weight, args.shortfall_weight)
        trial.set_user_attr("se", se)
        trial.set_user_attr("paired", incumbent_score(both))
        return value

    def say(study: "optuna.Study", trial: "optuna.trial.FrozenTrial") -> None:
        best = study.best_value if any(t.state == optuna.trial.TrialState.COMPLETE for t in study.trials) else float("nan")
        state = "pruned" if trial.state == optuna.trial.TrialState.PRUNED else \
            f"{trial.value:.4f} (against the incumbent {trial.user_attrs.get('paired', float('nan')):.1%})"
        print(f"trial {trial.number + 1}/{args.trials}: {state}; best {best:.4f} ({time.perf_counter() - started:.0f} s)",
              flush=True)

    left = args.trials - len([t for t in study.trials if t.state.is_finished()])
    if left > 0:
        study.optimize(trial_fn, n_trials=left, timeout=args.minutes * 60 or None, callbacks=[say])
    done = sorted((t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE), key=lambda t: -t.value)
    vseed = int(rng.derive_seeds(args.seed, np.array([50]))[0])
    print(f"\nthe best {min(args.validate, len(done))} candidates again at seed {vseed}, {full} duels a cell:")
    ranked = []
    for t in done[:args.validate]:
        w = W.Weights(**{k: float(v) for k, v in t.params.items()})
        scores = run(w, cells, full, vseed)
        value, _ = objective(scores, args.incumbent_weight, args.shortfall_weight)
        ranked.append((value, t.number, w))
        print(f"  trial {t.number + 1}: {value:.4f} (in the search {t.value:.4f}); against the incumbent {incumbent_score(scores):.1%}",
              flush=True)
    _, number, best = max(ranked, key=lambda r: r[0])
    print(f"\nthe fit's answer, trial {number + 1} (the incumbent, trial 1: {study.trials[0].value:.4f} in the search):")
    for k, v in best.model_dump().items():
        print(f"  {k:<17} {v:>9.4g}  (was {getattr(incumbent, k):g})")
    rep = check(cat, cells, best, args.check_duels, check_seed, args.workers)
    show(rep, args.check_duels, check_seed)
    if not args.write:
        return
    rate, (lo, hi) = rep["vs_incumbent"]
    unbalanced = [k for k, v in rep["balance"].items() if not BALANCE_BAND[0] <= v <= BALANCE_BAND[1]]
    if lo <= 0.5 or rep["worst_scripts"][0][0] < 0.5 or rep["worst_stall"][0] >= STALL_TARGET or unbalanced:
        print("\nnot written: the fitted weights do not beat the incumbent beyond doubt, a script beats them, their "
              "mirrors against themselves stall, or the roster is out of its band with them "
              f"({', '.join(unbalanced) or 'no pairing'}): re-balance it first")
        return
    command = "python benchmarks/fit_heuristic.py " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    figures = {"vs_incumbent_pairings": round(rate, 4), "interval": [round(lo, 4), round(hi, 4)],
               "vs_greedy_mirrors": round(rep["vs_greedy"], 4),
               **{f"worst_script_spawn_{sp}": f"{score:.4f}: {what}" for sp, (score, what) in rep["worst_by_spawn"].items()},
               "worst_self_play_stall": f"{rep['worst_stall'][0]:.4f}: {rep['worst_stall'][1]}",
               "decisions_per_second_256": round(rep["decisions_256"]), "trials": len(study.trials),
               "concert_hall_pairings": {k: round(v, 4) for k, v in rep["balance"].items()},
               "check_duels_a_cell": args.check_duels}
    write(best, {"by": "fit", "command": command, "date": date.today().isoformat(), "figures": figures},
          W.DEFAULT_FILES[args.rules])
    print(f"\nwritten to {W.DEFAULT_FILES[args.rules]}")


def starts(optuna, files: list[Path]) -> list[W.Weights]:  # type: ignore[no-untyped-def]
    """The weights of each --start file: a weights file's, or the best few candidates of each study in a SQLite file."""
    out = []
    for f in files:
        if f.suffix != ".sqlite":
            out.append(W.load(f))
            continue
        for summary in optuna.get_all_study_summaries(f"sqlite:///{f}"):
            study = optuna.load_study(study_name=summary.study_name, storage=f"sqlite:///{f}")
            done = sorted((t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE), key=lambda t: -t.value)
            out += [W.Weights(**{k: float(v) for k, v in t.params.items()}) for t in done[:START_BEST]]
    return list({w.key(): w for w in out}.values())


def write(best: W.Weights, fit: dict, path: Path = W.DEFAULT_FILE) -> None:
    """Rewrite a data file of the bot (`path`: version 3's by default): its header comment kept, the weights and the
    fit's record new."""
    import yaml

    text = path.read_text(encoding="utf-8")
    header = "".join(line + "\n" for line in text.splitlines() if line.startswith("#"))
    body = yaml.safe_dump({"weights": {k: round(v, 4) for k, v in best.model_dump().items()}, "fit": fit},
                          sort_keys=False, width=110)
    path.write_text(header + body, encoding="utf-8")
    W.load(path)  # it reads back


if __name__ == "__main__":
    main()
