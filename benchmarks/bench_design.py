"""Is the first move fair, and does more thought keep paying? First-mover win rates and the skill chain.

(a) Fairness: the first mover's share of the decisive duels of every mirror of the roster (every unit
of the catalog) on every shipped arena, with its 95% interval (Wilson), the heuristic bot on both sides
(--bot), sides paired; a flag where 50% is outside the interval.
(b) Depth, the skill chain of Lantz et al., "Depth in Strategic Games" (2017): the win rate (draws
count half) with its 95% interval of greedy against random, heuristic against greedy, search at its
default budget against heuristic, and search at 2N continuations against search at N for N =
--min-budget, doubling, up to --max-budget; each link over side-swapped duels of every mirror and cross
pairing of --units on one arena (each bot plays each unit of a pairing). A verdict per link says
whether the stronger bot is significantly above 50%, and the report says where each chain flattens.
Each finished cell (a mirror on an arena, or one unit pairing of a link) is stored at once in an SQLite
results file per part and link under --out (one chunk per cell, as `gladiator ladder --out` stores
them): a killed run loses only the cell in flight, and the same command resumes; a larger --max-budget
adds links and keeps the others; other counts, units, seed or data are refused (use another --out).
Search is slow: on the 2-core development machine (shared with other work) one cell of 20 duels
(--search-n) takes one to two minutes for search at 32 against 16 continuations and about the same for 256
against 128 (105 s), so the defaults (--max-budget 128: links up to 256 against 128, nine unit pairings each)
take one to two hours. The links at N = 256, 512 and 1024 are opt-in (--max-budget 1024): a decision at 2048
continuations costs about 2.6 times one at 128, so expect about half an hour to an hour or more per link at
--search-n 20 (estimated from single decisions, not run in full).
Imports the batch runner, its results store and statistics, and the catalog; nothing of a front end.
Run: python benchmarks/bench_design.py [--mirror-n 2000] [--bot-n 400] [--search-n 20] [--max-budget 128]
     [--min-budget 16] [--units rouge,viola,jaron] [--arena concert_hall] [--part both|fairness|chain]
     [--bot heuristic] [--seed 1] [--workers 2] [--out benchmarks/design-results] [--rules 3|4] [--set UNIT.FIELD=VALUE]
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from gladiator import DEFAULT_BOT
from gladiator.batch import ResultStore, apply_overrides, make_spec, run
from gladiator.batch.runner import ROW_DTYPE
from gladiator.batch.stats import Totals, wilson
from gladiator.catalog import load_catalog
from gladiator.catalog.loader import Catalog
from gladiator.errors import GladiatorError
from gladiator.game import DEFAULT_RULES, RULES_VERSIONS

GLADIATORS = ("rouge", "viola", "jaron")
ARENA = "concert_hall"
BOT_CHAIN = (("greedy", "random"), ("heuristic", "greedy"), ("search", "heuristic"))  # weakest link first
OUT = Path(__file__).resolve().parent / "design-results"
INTERRUPTED = 130
HEARTBEAT = 60.0  # seconds between the lines that say a long cell is still being played

Say = Callable[[str], None]


@dataclass
class Cell:
    """One batch of a part: two units (in the order the bots are named) on one arena, and its totals."""

    units: tuple[str, str]
    arena: str
    t: Totals


def chain_links(min_budget: int, max_budget: int) -> list[tuple[str, str]]:
    """(stronger, weaker) bot of every link, cheapest first: the bot chain, then search at 2N against N."""
    links = list(BOT_CHAIN)
    n = min_budget
    while n <= max_budget:
        links.append((f"search:budget={2 * n}", f"search:budget={n}"))
        n *= 2
    return links


def play_cells(cat: Catalog, name: str, bots: tuple[str, str], cells: list[tuple[str, str, str]], n: int, seed: int,
               workers: int, out: Path | None, say: Say, rules: int = DEFAULT_RULES) -> list[Cell]:
    """Totals of `n` side-swapped duels of each (unit, unit, arena) cell with `bots` under rules `rules`, read from or
    stored in `out/name.sqlite`."""
    specs = [make_spec(cat, (x, y), arena, n, seed, bots, rules=rules) for x, y, arena in cells]  # all checked before a duel
    hashes: dict[str, str] = {}
    for s in specs:
        hashes |= s.hashes
    identity = {"command": "bench_design", "part": name, "bots": list(bots), "cells": [list(c) for c in cells], "seed": seed,
                "n": n * len(cells), "chunk_size": n, "rules_version": str(rules), "hashes": hashes}
    store = ResultStore(out / f"{_slug(name)}.sqlite", identity) if out is not None else None
    try:
        stored = store.stored() if store is not None else {}
        todo = sum(k not in stored for k in range(len(cells)))
        say(f"{name}: {len(cells)} cell{_s(len(cells))} of {n} duels, {todo} to play"
            + (f" ({len(cells) - todo} stored)" if todo < len(cells) else ""))
        got, spent, played = [], 0.0, 0
        for k, (spec, (x, y, arena)) in enumerate(zip(specs, cells)):
            t = stored.get(k)
            if t is None:
                t0 = time.perf_counter()
                # a cell played in this process says once a minute that it is still going (no thread where workers fork)
                with _Heartbeat(say, f"{x} vs {y} on {arena}", on=spec.chunks == 1 or workers == 1):
                    t = run(spec, workers=workers)
                spent += time.perf_counter() - t0
                played += 1
                if store is not None:
                    store.put(k, t, np.zeros(0, dtype=ROW_DTYPE))
                left = spent / played * (todo - played)
                say(f"  {x} vs {y} on {arena}: {t.wins[0]}-{t.wins[1]}, {t.draws} drawn, first mover won {t.first_wins} of "
                    f"{t.decisive} decisive, in {_duration(time.perf_counter() - t0)}"
                    + (f"; about {_duration(left)} left of this part" if todo > played else ""))
            got.append(Cell((x, y), arena, t))
        return got
    finally:
        if store is not None:
            store.close()


def fairness(cat: Catalog, units: list[str], arenas: list[str], bot: str, n: int, seed: int, workers: int, out: Path | None,
             say: Say, rules: int = DEFAULT_RULES) -> list[Cell]:
    """Every mirror of `units` on every arena, `bot` on both sides."""
    return play_cells(cat, f"fairness {bot}", (bot, bot), [(u, u, a) for u in units for a in arenas], n, seed, workers, out, say,
                      rules)


def link(cat: Catalog, strong: str, weak: str, units: list[str], arena: str, n: int, seed: int, workers: int,
         out: Path | None, say: Say, rules: int = DEFAULT_RULES) -> list[Cell]:
    """Bot `strong` against bot `weak` in every mirror and cross pairing of `units` (each bot plays each unit of a pairing)."""
    cells = [(x, y, arena) for x, y in itertools.product(units, repeat=2)]
    return play_cells(cat, f"{strong} vs {weak}", (strong, weak), cells, n, seed, workers, out, say, rules)


def first_mover(t: Totals) -> tuple[float, float, float]:
    """The first mover's share of the decisive duels and its Wilson 95% interval."""
    lo, hi = wilson(t.first_wins, t.decisive)
    return t.first_mover_rate(), lo, hi


def score(cells: list[Cell]) -> tuple[float, float, float, int]:
    """Share of the duels the first-named bot won over the cells (draws half), its Wilson 95% interval, and the duels."""
    won = sum(c.t.wins[0] + c.t.draws / 2 for c in cells)
    n = sum(c.t.n for c in cells)
    lo, hi = wilson(int(round(won)), n)
    return (won / n if n else 0.0), lo, hi, n


def verdict(lo: float, hi: float) -> str:
    """What an interval says about a link: the stronger bot significantly above 50%, below it, or neither."""
    if lo > 0.5:
        return "more thought pays (significantly above 50%)"
    if hi < 0.5:
        return "more thought loses (significantly below 50%)"
    return "no significant gain at this many duels (50% is inside the interval)"


def flattens(links: list[tuple[str, str, float, float]]) -> str | None:
    """The first link (stronger, weaker, lo, hi) of a chain whose interval does not sit above 50%, as text; None if none."""
    for strong, weak, lo, hi in links:
        if lo <= 0.5:
            return f"{strong} against {weak}"
    return None


def report_fairness(cells: list[Cell], bot: str, n: int) -> None:
    """Print the first mover's win rate of every mirror on every arena."""
    print(f"\nFirst mover's share of decisive duels in every mirror, {bot} bot on both sides, {n} side-swapped duels a cell")
    print(f"  {'mirror':<8} {'arena':<13} {'first wins':>10}  {'95% interval':<15} {'decisive':>8}")
    flagged = 0
    for c in cells:
        r, lo, hi = first_mover(c.t)
        flag = "first mover ahead" if lo > 0.5 else "second mover ahead" if hi < 0.5 else ""
        flagged += bool(flag)
        print(f"  {c.units[0]:<8} {c.arena:<13} {r:>10.1%}  {lo:>5.1%} - {hi:<6.1%} {c.t.decisive:>8}  {flag}".rstrip())
    print(f"50% is outside the interval in {flagged} of {len(cells)} mirrors")


def report_chain(links: list[tuple[str, str, list[Cell]]], units: list[str], arena: str) -> None:
    """Print every link's win rate, interval and verdict, and where the bot chain and the budget chain flatten."""
    print(f"\nSkill chain on {arena}: every mirror and cross pairing of {', '.join(units)}, sides paired; "
          "share of duels the stronger bot won (draws half)")
    width = max((len(s) + len(w) for s, w, _ in links), default=0) + 4
    bots, budgets = [], []
    for strong, weak, cells in links:
        r, lo, hi, n = score(cells)
        print(f"  {strong + ' vs ' + weak:<{width}} {r:6.1%}  (95% interval {lo:.1%} - {hi:.1%}, {n} duels)  {verdict(lo, hi)}")
        (bots if (strong, weak) in BOT_CHAIN else budgets).append((strong, weak, lo, hi))
    for label, chain in (("bot chain (random, greedy, heuristic, search)", bots), ("budget chain (search at 2N against N)", budgets)):
        if not chain:
            continue
        flat = flattens(chain)
        print(f"The {label}: " + (f"flattens at {flat} (its first link not significantly above 50%)" if flat
                                  else "every link rewards more thought"))


def main(argv: list[str] | None = None) -> int:
    """Play (or read back) the cells, print the fairness table and the skill chain; the exit code."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--part", choices=("both", "fairness", "chain"), default="both", help="what to play and print")
    p.add_argument("--mirror-n", type=int, default=2000, help="duels per mirror and arena of the fairness part")
    p.add_argument("--bot", default=DEFAULT_BOT, help="the bot of both sides in the fairness part")
    p.add_argument("--bot-n", type=int, default=400, help="duels per unit pairing of the links without search")
    p.add_argument("--search-n", type=int, default=20, help="duels per unit pairing of the links with search")
    p.add_argument("--min-budget", type=int, default=16, help="N of the first budget link (search at 2N against N)")
    p.add_argument("--max-budget", type=int, default=128,
                   help="N of the last budget link (search at 2N against N); 1024 plays the chain to 2048 against 1024 "
                        "(opt-in: hours)")
    p.add_argument("--units", default=",".join(GLADIATORS), help="comma-separated units of the skill chain")
    p.add_argument("--arena", default=ARENA, help="arena of the skill chain")
    p.add_argument("--seed", type=int, default=1, help="run seed of every cell")
    p.add_argument("--workers", type=int, default=2, help="worker processes")
    p.add_argument("--out", type=Path, default=OUT, help="folder of the results files (created if missing)")
    p.add_argument("--rules", type=int, default=DEFAULT_RULES, choices=RULES_VERSIONS,
                   help="the rules version to measure (4: the version being made)")
    p.add_argument("--set", action="append", default=[], metavar="UNIT.FIELD=VALUE",
                   help="try a unit change without editing its file (as `gladiator batch --set`); may repeat")
    a = p.parse_args(argv)
    started = time.perf_counter()
    try:
        for opt in ("mirror_n", "bot_n", "search_n", "min_budget", "workers"):
            if getattr(a, opt) < 1:
                raise GladiatorError(f"--{opt.replace('_', '-')} must be at least 1, got {getattr(a, opt)}")
        cat = apply_overrides(load_catalog(), a.set)
        units = [u for u in a.units.split(",") if u]
        if not units:
            raise GladiatorError("--units: name at least one unit")
        for u in units:
            cat.unit(u)
        cat.arena(a.arena)
        if a.out.exists() and not a.out.is_dir():
            raise GladiatorError(f"--out {a.out}: not a folder")
        try:
            a.out.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise GladiatorError(f"--out {a.out}: cannot make the folder: {e.strerror or e}") from None
        if a.part in ("both", "fairness"):
            cells = fairness(cat, list(cat.units), sorted(cat.arenas), a.bot, a.mirror_n, a.seed, a.workers, a.out, _say,
                             a.rules)
            report_fairness(cells, a.bot, a.mirror_n)
        if a.part in ("both", "chain"):
            played = []
            for strong, weak in chain_links(a.min_budget, a.max_budget):
                n = a.search_n if "search" in strong + weak else a.bot_n
                played.append((strong, weak, link(cat, strong, weak, units, a.arena, n, a.seed, a.workers, a.out, _say,
                                                  a.rules)))
            report_chain(played, units, a.arena)
    except GladiatorError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"interrupted: every finished cell is stored under {a.out}; run the same command again to resume", file=sys.stderr)
        return INTERRUPTED
    print(f"\n{_duration(time.perf_counter() - started)} in all; results stored under {a.out}")
    return 0


class _Heartbeat:
    """Say every `every` seconds that a cell is still being played, so a long cell is never silent."""

    def __init__(self, say: Say, label: str, on: bool = True, every: float = HEARTBEAT) -> None:
        self.say, self.label, self.on, self.every = say, label, on, every
        self.stop = threading.Event()
        self.thread: threading.Thread | None = None

    def __enter__(self) -> "_Heartbeat":
        if self.on:
            self.t0 = time.perf_counter()
            self.thread = threading.Thread(target=self._beat, daemon=True)
            self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        if self.thread is not None:
            self.thread.join()

    def _beat(self) -> None:
        while not self.stop.wait(self.every):
            self.say(f"  {self.label}: still playing ({_duration(time.perf_counter() - self.t0)} so far)")


def _say(line: str) -> None:
    print(line, flush=True)


def _slug(name: str) -> str:
    """A file name for a part or link: `search:budget=32 vs search:budget=16` -> `search-budget-32-vs-search-budget-16`."""
    return re.sub(r"[^A-Za-z0-9_.]+", "-", name).strip("-")


def _s(k: int) -> str:
    return "" if k == 1 else "s"


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} min"


if __name__ == "__main__":
    sys.exit(main())
