"""Do duels play like the story? Win rates and event statistics of every pairing on every arena, against the targets.

Plays side-swapped duels (sides paired) of every pairing of the roster on every shipped arena
with the chosen bots (heuristic by default), and prints, per pairing and arena, the win rate of
the first unit, outcomes, and who leapt, attacked from the rear, overheated, disguised, and which
weapons were used; then the bot against greedy in mirror matches on every arena; then each target
of the character issue with its measured figure and whether it is met. Nothing is timed; it takes
under a minute on two cores.
Run: python benchmarks/bench_character.py [--n 2000] [--bot heuristic] [--workers 2]
     [--set viola.stats.firepower=2 ...] [--only rouge-viola,nean-viola] [--mirror-n 1000]
"""

from __future__ import annotations

import argparse
import itertools
import sys
from dataclasses import dataclass

from gladiator.batch import make_spec, run
from gladiator.batch.stats import Totals
from gladiator.batch.overrides import apply_overrides
from gladiator.bots import make_bot
from gladiator.catalog.loader import Catalog, load_catalog
from gladiator.errors import GladiatorError

GLADIATORS = ("rouge", "viola", "jaron")
BASELINE = "nean"


@dataclass
class Cell:
    """One pairing on one arena."""

    a: str
    b: str
    arena: str
    t: Totals

    def rate(self) -> float:
        """Share of duels the first unit won."""
        return self.t.wins[0] / self.t.n

    def share(self, side: int, kind: str) -> float:
        """Share of duels in which side `side` did `kind` at least once."""
        return self.t.event_counts(side)["duels_with"].get(kind, 0) / self.t.n


def checked_catalog(p: argparse.ArgumentParser, a: argparse.Namespace) -> Catalog:
    """The catalog with `a.set`'s changes, once `a`'s counts and bot are checked: bad input is refused in one line
    before anything is played."""
    for opt in ("n", "workers", "ablate_n"):
        if getattr(a, opt, 1) < 1:
            p.error(f"--{opt.replace('_', '-')} must be at least 1, got {getattr(a, opt)}")
    if not 0 < getattr(a, "precision", 0.5) < 1:  # (restricted play's: refused before the table is played)
        p.error(f"--precision must be above 0 and below 1, got {a.precision}")
    try:
        cat = apply_overrides(load_catalog(), a.set)
        make_bot(a.bot)  # an unknown bot or weights file
    except GladiatorError as e:
        sys.exit(f"error: {e}")
    return cat


def main() -> None:
    """Print the table and the targets."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--n", type=int, default=2000, help="duels per pairing and arena (sides paired)")
    p.add_argument("--bot", default="heuristic", help="the bot of both sides")
    p.add_argument("--workers", type=int, default=2, help="worker processes")
    p.add_argument("--seed", type=int, default=1, help="run seed of every pairing")
    p.add_argument("--set", action="append", default=[], metavar="UNIT.FIELD=VALUE",
                   help="try a unit change without editing its file (as `gladiator batch --set`)")
    p.add_argument("--only", default="", help="comma-separated pairings to play, e.g. rouge-viola,nean-viola (targets need all)")
    p.add_argument("--mirror-n", type=int, default=1000,
                   help="duels per gladiator and arena of the bot against greedy in mirror matches (0: skip)")
    a = p.parse_args()
    if a.mirror_n < 0:
        p.error(f"--mirror-n must be 0 or more, got {a.mirror_n}")
    cat = checked_catalog(p, a)
    arenas = sorted(cat.arenas)
    pairs = list(itertools.combinations(GLADIATORS, 2)) + [(BASELINE, g) for g in GLADIATORS] + [(u, u) for u in (*GLADIATORS, BASELINE)]
    if a.only:
        pairs = [(x, y) for x, y in pairs if f"{x}-{y}" in a.only.split(",")]
    cells = [Cell(x, y, ar, run(make_spec(cat, (x, y), ar, a.n, a.seed, (a.bot, a.bot)), workers=a.workers))
             for ar in arenas for x, y in pairs]
    print(f"{a.n} side-swapped duels per pairing and arena, {a.bot} bots on both sides\n")
    print(f"{'pairing':<16} {'arena':<13} {'A wins':>7} {'spawn A':>8} {'draw+shut':>9} {'turns':>6}  events of A | of B (share of duels)")
    for c in cells:
        t = c.t
        bad = t.stalled / t.n
        spawn = t.side_a_rate()

        def ev(side: int) -> str:
            return " ".join(f"{k[:4]}{c.share(side, k):.0%}" for k in ("leap", "rear_attack", "extract_success", "mimic", "overheated_turn")
                            if c.share(side, k) > 0)
        print(f"{c.a + '-' + c.b:<16} {c.arena:<13} {c.rate():>7.1%} {spawn:>8.1%} {bad:>9.1%} {t.mean_turns():>6.1f}  {ev(0)} | {ev(1)}")
    print()
    if a.only:
        return
    found = targets(cells, cat)
    if a.mirror_n > 0 and a.bot != "greedy":
        mirrors = {(g, ar): run(make_spec(cat, (g, g), ar, a.mirror_n, a.seed, (a.bot, "greedy")), workers=a.workers)
                   for g in GLADIATORS for ar in arenas}
        print(f"{a.bot} (first) against greedy in mirror matches, {a.mirror_n} side-swapped duels per gladiator and arena")
        for g in GLADIATORS:
            print(f"  {g:<8} " + "  ".join(f"{ar} {mirrors[g, ar].wins[0] / mirrors[g, ar].n:.1%}" for ar in arenas))
        print()
        found += mirror_targets(mirrors, a.bot)
    for label, value, ok in found:
        print(f"[{'met' if ok else 'NOT MET':>7}] {label}: {value}")


def targets(cells: list[Cell], cat: Catalog) -> list[tuple[str, str, bool]]:
    """Each target of the issue: (what, the measured figure, whether it is met)."""
    out = []
    glad = [c for c in cells if c.a in GLADIATORS and c.b in GLADIATORS and c.a != c.b]
    lo, hi = min(c.rate() for c in glad), max(c.rate() for c in glad)
    out.append(("each gladiator pairing 40-60% on every arena", f"{lo:.1%} .. {hi:.1%}", lo >= 0.40 and hi <= 0.60))
    nean = [c for c in cells if c.a == BASELINE and c.b != BASELINE]
    lo, hi = min(c.rate() for c in nean), max(c.rate() for c in nean)
    out.append(("Nean wins 20-45% against each gladiator", f"{lo:.1%} .. {hi:.1%}", lo >= 0.20 and hi <= 0.45))
    mirrors = [c for c in cells if c.a == c.b]
    lo, hi = min(c.t.side_a_rate() for c in mirrors), max(c.t.side_a_rate() for c in mirrors)
    out.append(("spawn A wins 42-58% of every mirror", f"{lo:.1%} .. {hi:.1%}", lo >= 0.42 and hi <= 0.58))
    rv = [c for c in cells if (c.a, c.b) == ("rouge", "viola")]
    leap = min(c.share(0, "leap") for c in rv)
    rear = min(c.share(0, "rear_attack") for c in rv)
    hot = min(c.share(0, "overheated_turn") for c in rv)
    out.append(("Rouge leaps in >= 40% of her duels against Viola (worst arena)", f"{leap:.1%}", leap >= 0.40))
    out.append(("Rouge attacks from the rear in >= 30% (worst arena)", f"{rear:.1%}", rear >= 0.30))
    out.append(("Viola's opponent overheats in >= 30% of Rouge-Viola duels (worst arena)", f"{hot:.1%}", hot >= 0.30))
    jaron = [(c, 0 if c.a == "jaron" else 1) for c in cells if "jaron" in (c.a, c.b) and c.a != c.b]
    dis = min(c.share(s, "mimic") for c, s in jaron)
    looks: dict[str, int] = {}
    for c, s in jaron:
        for u, k in c.t.event_counts(s)["mimic_as"].items():
            looks[u] = looks.get(u, 0) + k
    top = max(looks.values()) / sum(looks.values()) if looks else 1.0
    out.append(("Jaron disguises in >= 50% of his duels (worst pairing and arena)", f"{dis:.1%}", dis >= 0.50))
    out.append(("no single disguise > 70% of Jaron's disguises", f"{top:.1%} ({looks})", top <= 0.70))
    for g in GLADIATORS:
        worst = []
        for w in (w.id for w in cat.unit(g).weapons):
            best = max(c.t.event_counts(side)["weapon_duels"].get(w, 0) / c.t.n
                       for c in cells if c.a != c.b for side, unit in ((0, c.a), (1, c.b)) if unit == g)
            worst.append((w, best))
        w_min = min(v for _, v in worst)
        out.append((f"every weapon of {g} used in >= 10% of its duels (best arena)",
                    ", ".join(f"{w} {v:.0%}" for w, v in worst), w_min >= 0.10))
    bad = max(c.t.stalled / c.t.n for c in cells)
    out.append(("draws + shutdowns under 5% in every pairing", f"worst {bad:.1%}", bad < 0.05))
    spread = 0
    for x, y in itertools.combinations(GLADIATORS, 2):
        rates = [c.rate() for c in cells if (c.a, c.b) == (x, y)]
        spread += (max(rates) - min(rates)) >= 0.06
    out.append(("the arena moves >= 2 of 3 gladiator pairings by 6 points or more", f"{spread} of 3", spread >= 2))
    return out


def mirror_targets(mirrors: dict[tuple[str, str], Totals], bot: str) -> list[tuple[str, str, bool]]:
    """The bot beats greedy in >= 65% of each gladiator's mirror matches: over every arena, and on its worst arena."""
    out = []
    for g in GLADIATORS:
        cells = [t for (u, _), t in mirrors.items() if u == g]
        pooled = sum(t.wins[0] for t in cells) / sum(t.n for t in cells)
        worst = min(t.wins[0] / t.n for t in cells)
        out.append((f"{bot} beats greedy in >= 65% of {g}'s mirror matches (all arenas; worst arena)",
                    f"{pooled:.1%}; {worst:.1%}", pooled >= 0.65 and worst >= 0.65))
    return out


if __name__ == "__main__":
    main()
