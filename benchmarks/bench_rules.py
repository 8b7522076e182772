"""Is the duel deep? The targets of rules version 4 (a deeper duel), measured on the rules as they are.

Plays side-swapped duels of every pairing of the roster (mirrors included) on every shipped arena
with one bot on both sides (heuristic by default), then restricted play (`gladiator ablate --all`,
paired on the same seeds) unless --no-ablate, and prints each target with its figure and whether it
is met: the pairing bands, the first mover's share (with who strikes first in each mirror, and how
often the first striker wins, as a diagnostic), draws and shutdowns, each option's worth and
use, Rouge's leap against Viola, Viola's melt, Jaron's disguise and the looks he takes, Nectar, and
the number of rule constants. The targets that need other instruments are named with the script
that measures them (depth and search balance: bench_design.py; robustness against the scripted
strategies: fit_heuristic.py --check; speed: bench_batch.py). Nothing is timed. On the 2-core
development machine the pairings take about a minute and a half at --n 2000, restricted play
about ten minutes at its defaults.
Run: python benchmarks/bench_rules.py [--n 2000] [--seed 7] [--bot heuristic] [--workers 2]
     [--ablate-n 4000] [--precision 0.025] [--no-ablate] [--strike-n 400] [--set UNIT.FIELD=VALUE ...] [--rules 4]
"""

from __future__ import annotations

import argparse
import itertools
import math

import numpy as np

from gladiator import engine, rng
from gladiator.batch import ablate, make_spec, run
from gladiator.bots import make_bot
from gladiator.catalog.loader import Catalog
from gladiator.driver import Play
from gladiator.duel import game_for
from gladiator.game import DEFAULT_RULES, RULES_VERSIONS
from gladiator.rules import constants
from gladiator.state import EV

from bench_character import BASELINE, GLADIATORS, Cell, checked_catalog  # noqa: E402 (beside this file)

GENERAL = ("guard", "vent", "inject", "cache")
CONSTANTS_BEFORE = 35  # the rules' constants when a deeper duel was asked for: version 4 has fewer


Target = tuple[str, str, bool]


def main() -> None:
    """Play, measure and print every target."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--n", type=int, default=2000, help="duels per pairing and arena (sides paired)")
    p.add_argument("--seed", type=int, default=7, help="run seed of the pairings (use one the roster was not tuned on)")
    p.add_argument("--bot", default="heuristic", help="the bot of both sides")
    p.add_argument("--workers", type=int, default=2, help="worker processes")
    p.add_argument("--set", action="append", default=[], metavar="UNIT.FIELD=VALUE",
                   help="try a unit or arena change without editing its file (as `gladiator batch --set`)")
    p.add_argument("--ablate-n", type=int, default=ablate.DEFAULT_ROUND, help="restricted play: duels a round of each cell")
    p.add_argument("--precision", type=float, default=ablate.DEFAULT_PRECISION,
                   help="restricted play: more rounds until each change's 95%% interval is within this of its value")
    p.add_argument("--no-ablate", action="store_true", help="skip restricted play (the option targets)")
    p.add_argument("--rules", type=int, default=DEFAULT_RULES, choices=RULES_VERSIONS,
                   help="the rules version to measure (4: the version being made)")
    p.add_argument("--strike-n", type=int, default=400,
                   help="duels a mirror and arena for who strikes first (a diagnostic of the first mover's share; 0: none)")
    a = p.parse_args()
    if a.strike_n < 0:
        p.error(f"--strike-n must be 0 or more, got {a.strike_n}")
    cat = checked_catalog(p, a)
    arenas = sorted(cat.arenas)
    units = [*GLADIATORS, BASELINE]
    cells = [Cell(x, y, ar, run(make_spec(cat, (x, y), ar, a.n, a.seed, (a.bot, a.bot), rules=a.rules), workers=a.workers))
             for ar in arenas for x, y in itertools.combinations_with_replacement(units, 2)]
    version = f", rules version {a.rules}" if a.rules != DEFAULT_RULES else ""  # (as the commands name a version other than the default)
    print(f"{a.n} side-swapped duels per pairing and arena, {a.bot} on both sides, seed {a.seed}{version}\n")
    print(f"{'pairing':<14} " + " ".join(f"{ar:>13}" for ar in arenas) + "   (first unit's share; mirrors: the first mover's)")
    for x, y in itertools.combinations_with_replacement(units, 2):
        row = [c for c in cells if (c.a, c.b) == (x, y)]
        print(f"{x + '-' + y:<14} " + " ".join(f"{(c.t.first_mover_rate() if x == y else c.rate()):>13.1%}" for c in row))
    print()
    if a.strike_n:
        print("Who strikes first in the mirrors: the share of duels where the first mover makes the first attack (hit or"
              " miss), and the share the first striker wins")
        for u in units:
            shares = [first_strikes(cat, u, ar, a.strike_n, a.seed, a.bot, a.rules) for ar in arenas]
            print(f"{u + '-' + u:<14} " + " ".join(f"{f'{share(fm)} / {share(won)}':>13}" for fm, won in shares))
        print()
    found = pairing_targets(cells) + character_targets(cells)
    if not a.no_ablate:
        ab = ablate.plan(cat, units, arenas=arenas, n=a.ablate_n, seed=a.seed + 1, bot=a.bot, precision=a.precision,
                         sets=a.set, rules=a.rules)
        ablate.play(ab, workers=a.workers)
        found += option_targets(ab.pooled(), cat)
    found.append((f"fewer rule constants than the {CONSTANTS_BEFORE} the work started from", f"{rule_constants(a.rules)}",
                  rule_constants(a.rules) < CONSTANTS_BEFORE))
    for label, value, ok in found:
        print(f"[{'met' if ok else 'NOT MET':>7}] {label}: {value}")
    print("\nMeasured elsewhere: depth and search balance (bench_design.py), robustness against the scripted strategies "
          "(fit_heuristic.py --check), speed (bench_batch.py).")


def first_strikes(cat: Catalog, unit: str, arena: str, n: int, seed: int, bot: str,
                  rules: int = DEFAULT_RULES) -> tuple[float, float]:
    """A mirror's `n` duels (seeds derived from `seed`, one bot object on both sides): the share of the duels with an
    attack where the side to move first makes the first one, and the share of decisive duels with an attack that the
    side making it wins (NaN where there are none)."""
    game = game_for(cat, arena, rules)
    one = make_bot(bot)
    tally = engine.new_tally(game, n)
    s = engine.new_duels(game, (unit, unit), rng.derive_seeds(seed, np.arange(n)))
    mover = s.active.astype(np.int64)  # the side to act first
    first = np.full(n, -1)
    play = Play(game, [one, one], tally=tally)
    end = s.copy()
    left = play.add(s, np.arange(n))
    while True:
        left.put(end)
        fresh = (first < 0) & (tally[:, :, EV["attack"]].sum(axis=1) > 0)
        first[fresh] = np.argmax(tally[fresh, :, EV["attack"]], axis=1)
        if play.live == 0:
            break
        left = play.step()
    struck = first >= 0
    decisive = struck & (end.winner >= 0)
    return (float((first[struck] == mover[struck]).mean()) if struck.any() else math.nan,
            float((end.winner[decisive] == first[decisive]).mean()) if decisive.any() else math.nan)


def share(x: float) -> str:
    """A share as a whole percentage; '-' for none (NaN)."""
    return "-" if math.isnan(x) else f"{x:.0%}"


def pairing_targets(cells: list[Cell]) -> list[Target]:
    """Bands of the pairings, the first mover's share, draws and shutdowns."""
    out: list[Target] = []
    glad = [c for c in cells if c.a in GLADIATORS and c.b in GLADIATORS and c.a != c.b]
    lo, hi = min(c.rate() for c in glad), max(c.rate() for c in glad)
    out.append(("every gladiator pairing 42-58% on every arena", f"{lo:.1%} .. {hi:.1%}", lo >= 0.42 and hi <= 0.58))
    nean = [(c.rate() if c.a == BASELINE else 1 - c.rate()) for c in cells if BASELINE in (c.a, c.b) and c.a != c.b]
    lo, hi = min(nean), max(nean)
    out.append(("Nean 25-42% against each gladiator on every arena", f"{lo:.1%} .. {hi:.1%}", lo >= 0.25 and hi <= 0.42))
    mirrors = [c.t.first_mover_rate() for c in cells if c.a == c.b]
    lo, hi = min(mirrors), max(mirrors)
    out.append(("the first mover wins 42-58% of every mirror", f"{lo:.1%} .. {hi:.1%}", lo >= 0.42 and hi <= 0.58))
    pooled = sum(c.t.first_mover_rate() * c.t.decisive for c in cells) / max(1, sum(c.t.decisive for c in cells))
    out.append(("the first mover wins 45-55% over all pairings", f"{pooled:.1%}", 0.45 <= pooled <= 0.55))
    bad = max((c.t.stalled / c.t.n, f"{c.a}-{c.b} {c.arena}") for c in cells)
    out.append(("draws + shutdowns under 5% in every cell", f"worst {bad[0]:.1%} ({bad[1]})", bad[0] < 0.05))
    return out


def character_targets(cells: list[Cell]) -> list[Target]:
    """Viola's melt on Rouge; the looks Jaron takes."""
    out: list[Target] = []
    rv = [c for c in cells if (c.a, c.b) == ("rouge", "viola")]
    hot = sum(c.share(0, "overheated_turn") for c in rv) / len(rv)
    out.append(("Viola's melt overheats Rouge in >= 30% of their duels (mean over arenas)", f"{hot:.1%}", hot >= 0.30))
    worst = (0.0, "no disguise")
    for g in GLADIATORS:
        looks: dict[str, int] = {}
        for c in cells:
            if {c.a, c.b} == {"jaron", g} and c.a != c.b:
                for u, k in c.t.event_counts(0 if c.a == "jaron" else 1)["mimic_as"].items():
                    looks[u] = looks.get(u, 0) + k
        total = sum(looks.values())
        own = looks.get(g, 0) / total if total else 0.0
        worst = max(worst, (own, f"{own:.1%} as {g} against {g}"))
    out.append(("against an enemy Jaron takes its own look in <= 10% of his disguises (worst enemy)", worst[1],
                worst[0] <= 0.10))
    return out


def option_targets(pooled: list[ablate.Effect], cat: Catalog) -> list[Target]:
    """Restricted play: each option's worth (averaged over opponents; each pooled over arenas) and use."""
    out: list[Target] = []

    def mean(unit: str, option: str, vs: tuple[str, ...] | None = None) -> tuple[float, float, float] | None:
        es = [e for e in pooled if e.unit == unit and e.option == option and (vs is None or e.opponent in vs)]
        if not es:
            return None
        k = len(es)
        return (-sum(e.delta for e in es) / k, math.sqrt(sum(e.half ** 2 for e in es)) / k, sum(e.used for e in es) / k)

    weak, rare = [], []
    for g in GLADIATORS:
        u = cat.unit(g)
        for o in [*dict.fromkeys(w.id for w in u.weapons), *(x for x in ("leap", "core_extraction", "mimic") if x in u.abilities)]:
            m = mean(g, o)
            if m is None:
                continue
            worth, half, used = m
            if worth < 0.03 or worth - half <= 0:
                weak.append(f"{g} {o} {worth:+.1%}")
            if used < 0.15:
                rare.append(f"{g} {o} {used:.0%}")
    out.append(("each gladiator's weapons and abilities worth >= 3 points, interval above 0 (averaged over opponents)",
                "all" if not weak else "short: " + ", ".join(weak), not weak))
    out.append(("each used in >= 15% of its unit's duels", "all" if not rare else "short: " + ", ".join(rare), not rare))
    for o in GENERAL:
        worths = {u: mean(u, o) for u in (*GLADIATORS, BASELINE)}
        good = [u for u, m in worths.items() if m is not None and m[0] >= 0.02 and m[0] - m[1] > 0]
        figures = ", ".join(f"{u} {m[0]:+.1%}" for u, m in worths.items() if m is not None)
        out.append((f"{o} worth >= 2 points to at least two units", figures, len(good) >= 2))
    leap = mean("rouge", "leap", ("viola",))
    if leap is not None:
        out.append(("Rouge's leap worth >= 5 points against Viola", f"{leap[0]:+.1%} (+-{leap[1]:.1%})", leap[0] >= 0.05))
    disguise = [mean("jaron", "mimic", (g,)) for g in GLADIATORS]
    if all(d is not None for d in disguise):
        lo = min(d[0] for d in disguise if d is not None)
        out.append(("Jaron's disguise worth >= 5 points against each gladiator", f"worst {lo:+.1%}", lo >= 0.05))
    nectar = max((m[0], f"{u} {o} {m[0]:+.1%}") for u in (*GLADIATORS, BASELINE) for o in ("inject", "cache")
                 if (m := mean(u, o)) is not None)
    out.append(("Nectar shows: some suit's inject or caches worth >= 5 points", nectar[1], nectar[0] >= 0.05))
    return out


def rule_constants(rules: int = DEFAULT_RULES) -> int:
    """The numbers of `rules/constants.py` that rules version `rules` uses."""
    unused = constants.VERSION_4_ONLY if rules < 4 else constants.VERSION_3_ONLY
    return sum(1 for k, v in vars(constants).items() if k.isupper() and isinstance(v, (int, float)) and k not in unused)


if __name__ == "__main__":
    main()
