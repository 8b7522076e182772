"""Restricted play: what each option of a unit is worth, measured by playing the unit without it.

For a unit X, an option o (`gladiator.options`), an opponent Y and an arena, X plays Y twice on the same seeds:
with every option (the baseline), and without o (its bot named `BOT:without=o`); everything else is the same. Each
duel of the second run starts exactly as its twin in the first, so the change in X's score (a win 1, a draw 1/2, a
loss 0) is measured twin by twin (common random numbers): its interval is that of a mean of paired differences,
far narrower than that of two independent win rates wherever the option does not come up. Duels are played in
rounds of `n` side-swapped duels, each round on seeds of its own, until the 95% half-width is within `precision`
or `max_duels` are played; the baseline of (X, Y, arena) is played once, for as many rounds as its options need.

An option whose loss costs X at least a point, beyond doubt, is worth something; one X wins more without is a trap;
one whose whole interval lies within a point of 0 is negligible; the rest are unclear at this precision. Its use (the share of the baseline duels in which X used it) stands beside it: an option
that is never used is worth nothing by construction.
Imports the batch runner, statistics and store, the options and the catalog; never a front end.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Iterator

import numpy as np

from gladiator import options, rng
from gladiator.batch.chunks import BatchSpec, ChunkResult, make_spec, named_winner, prepare
from gladiator.batch.overrides import apply_overrides
from gladiator.batch.runner import play_specs
from gladiator.batch.stats import Z95, Totals
from gladiator.bots import RESTRICT_OPTION, parse_bot
from gladiator.catalog.loader import Catalog
from gladiator.errors import GladiatorError
from gladiator.game import DEFAULT_RULES

DEFAULT_ROUND = 4000  # side-swapped duels a round of a cell
DEFAULT_PRECISION = 0.025  # 95% half-width of an effect, in win-rate points / 100
DEFAULT_MAX_DUELS = 16000  # duels a cell plays at most
MIN_EFFECT = 0.01  # a change of score smaller than a point is negligible, however sure
MAX_ROUNDS = 1000  # rounds a cell may play (its store index is cell * MAX_ROUNDS + round)


@dataclass(frozen=True)
class Cell:
    """One matchup of restricted play: `unit` (without `option`; None for the baseline) against `opponent` on `arena`."""

    unit: str
    opponent: str
    arena: str
    option: str | None = None

    @property
    def baseline(self) -> "Cell":
        """The cell of the same matchup with every option."""
        return replace(self, option=None)


@dataclass
class Effect:
    """What taking `option` away from `unit` against `opponent` on `arena` (or pooled over arenas: `arena` None) did."""

    unit: str
    option: str
    opponent: str
    arena: str | None
    delta: float  # change in the unit's score (win rate, a draw counting half) without the option
    half: float  # 95% half-width of `delta`
    duels: int  # duels of each of the two runs
    base: float  # the unit's score with every option
    used: float  # share of the baseline duels in which the unit used the option
    uses: float  # mean uses a duel

    @property
    def interval(self) -> tuple[float, float]:
        """The 95% interval of `delta`."""
        return self.delta - self.half, self.delta + self.half

    @property
    def verdict(self) -> str:
        """`worth` (the unit loses at least `MIN_EFFECT` without it, beyond doubt), `trap` (it wins that much more
        without it), `negligible` (the whole interval within `MIN_EFFECT` of 0) or `unclear`."""
        lo, hi = self.interval
        if hi < 0 and self.delta <= -MIN_EFFECT:
            return "worth"
        if lo > 0 and self.delta >= MIN_EFFECT:
            return "trap"
        return "negligible" if -MIN_EFFECT < lo and hi < MIN_EFFECT else "unclear"

    def to_json(self) -> dict:
        """The effect as JSON-ready data."""
        return {"unit": self.unit, "option": self.option, "opponent": self.opponent, "arena": self.arena,
                "delta": self.delta, "interval": list(self.interval), "duels": self.duels, "base_score": self.base,
                "used": self.used, "uses_per_duel": self.uses, "verdict": self.verdict}


@dataclass
class Ablation:
    """A plan of restricted play (units, their options, opponents, arenas, rounds) and the scores played so far."""

    catalog: Catalog
    units: list[str]
    opponents: list[str]
    arenas: list[str]
    option_names: dict[str, list[str]]
    n: int = DEFAULT_ROUND
    seed: int = 0
    bot: str = "heuristic"
    precision: float = DEFAULT_PRECISION
    max_duels: int = DEFAULT_MAX_DUELS
    sets: tuple[str, ...] = ()
    rules: int = DEFAULT_RULES  # the rules version the duels are fought under
    scores: dict[tuple[Cell, int], np.ndarray] = field(default_factory=dict)  # (cell, round) -> unit's score x2 by duel
    totals: dict[Cell, Totals] = field(default_factory=dict)  # each baseline's counts (the options' use)

    def __post_init__(self) -> None:
        if self.n < 2 or self.n % 2:
            raise GladiatorError(f"-n must be an even number of at least 2 (duels are played in side-swapped pairs), got {self.n}")
        if not (0 < self.precision < 1) or not math.isfinite(self.precision):
            raise GladiatorError(f"--precision must be above 0 and below 1, got {self.precision}")
        if self.max_duels < self.n:
            raise GladiatorError(f"--max-duels ({self.max_duels}) must be at least -n ({self.n})")
        if self.max_duels > self.n * MAX_ROUNDS:
            raise GladiatorError(f"--max-duels must be at most {MAX_ROUNDS} rounds of -n, got {self.max_duels}")
        self.cells: list[Cell] = []
        for u in self.units:
            for v in self.opponents:
                for a in self.arenas:
                    self.cells.append(Cell(u, v, a))
                    self.cells += [Cell(u, v, a, o) for o in self.option_names[u]]
        self.index = {c: k for k, c in enumerate(self.cells)}

    @property
    def rounds(self) -> int:
        """Rounds a cell plays at most."""
        return self.max_duels // self.n

    def identity(self) -> dict:
        """What decides the scores, as a results file stores it: a resumed run must match it exactly."""
        spec = self.spec(self.cells[0], 0)
        hashes = dict(spec.hashes)
        for a in self.arenas:
            hashes |= self.spec(Cell(self.units[0], self.opponents[0], a), 0).hashes
        return {"command": "ablate", "units": self.units, "opponents": self.opponents, "arenas": self.arenas,
                "options": self.option_names, "round": self.n, "seed": self.seed, "bot": self.bot, "overrides": list(self.sets),
                "n": len(self.cells) * MAX_ROUNDS * self.n, "chunk_size": self.n,  # a chunk of the store is a round of a cell
                "rules_version": str(self.rules), "hashes": hashes}

    def spec(self, cell: Cell, r: int) -> BatchSpec:
        """The run of round `r` of `cell`: `n` side-swapped duels on the round's own seeds, as one chunk."""
        bot = self.bot if cell.option is None else without(self.bot, cell.option)
        spec = make_spec(self.catalog, (cell.unit, cell.opponent), cell.arena, self.n, round_seed(self.seed, r),
                         (bot, self.bot), True, self.sets, rules=self.rules)
        return replace(spec, chunk_size=self.n)

    def played(self, cell: Cell) -> int:
        """Rounds of `cell` played so far (they are played in order)."""
        r = 0
        while (cell, r) in self.scores:
            r += 1
        return r

    def needs(self, cell: Cell) -> int:
        """Rounds `cell` should have played: one at least, more while an option's interval is wider than the precision."""
        if cell.option is not None:
            r = self.played(cell)
            if r == 0:
                return 1
            pr = min(r, self.played(cell.baseline))
            if pr < r or r >= self.rounds:
                return r
            return r + 1 if self._paired(cell, pr)[1] > self.precision else r
        return max([1] + [self.needs(Cell(cell.unit, cell.opponent, cell.arena, o)) for o in self.option_names[cell.unit]])

    def todo(self) -> list[tuple[Cell, int]]:
        """The next (cell, round) of every cell that needs one, baselines first."""
        out = []
        for c in self.cells:
            r = self.played(c)
            if r < min(self.needs(c), self.rounds):
                out.append((c, r))
        return out

    def add(self, cell: Cell, r: int, res: ChunkResult) -> None:
        """Count the result of round `r` of `cell`."""
        self.add_scores(cell, r, unit_scores(res.rows), res.totals)

    def add_scores(self, cell: Cell, r: int, scores: np.ndarray, totals: Totals) -> None:
        """Count round `r` of `cell` from its scores (the unit's score x2, by duel) and totals."""
        self.scores[(cell, r)] = scores
        if cell.option is None:
            self.totals.setdefault(cell, Totals()).add(totals)

    def effect(self, cell: Cell) -> Effect:
        """The effect of `cell`'s option over the rounds played by both it and its baseline."""
        r = min(self.played(cell), self.played(cell.baseline))
        if r == 0:
            raise GladiatorError(f"no duels of {cell.unit} without {cell.option} against {cell.opponent} on {cell.arena} yet")
        delta, half, base = self._paired(cell, r)
        used, uses = self._use(cell)
        return Effect(cell.unit, str(cell.option), cell.opponent, cell.arena, delta, half, r * self.n, base, used, uses)

    def effects(self) -> list[Effect]:
        """The effect of every option cell with duels played in both runs."""
        return [self.effect(c) for c in self.cells
                if c.option is not None and min(self.played(c), self.played(c.baseline)) > 0]

    def pooled(self) -> list[Effect]:
        """Effects pooled over the arenas (each arena weighs the same) for every (unit, option, opponent) played on
        every arena."""
        by: dict[tuple[str, str, str], list[Effect]] = {}
        for e in self.effects():
            by.setdefault((e.unit, e.option, e.opponent), []).append(e)
        out = []
        for (u, o, v), es in by.items():
            if len(es) != len(self.arenas):
                continue
            k = len(es)
            half = math.sqrt(sum(e.half ** 2 for e in es)) / k
            w = sum(e.duels for e in es)
            out.append(Effect(u, o, v, None, sum(e.delta for e in es) / k, half, min(e.duels for e in es),
                              sum(e.base for e in es) / k, sum(e.used * e.duels for e in es) / w,
                              sum(e.uses * e.duels for e in es) / w))
        return out

    def _paired(self, cell: Cell, r: int) -> tuple[float, float, float]:
        """(mean change of score, 95% half-width, baseline score) over rounds [0, r), by side-swapped pair."""
        a = np.concatenate([self.scores[(cell, k)] for k in range(r)]).astype(np.float64) / 2
        b = np.concatenate([self.scores[(cell.baseline, k)] for k in range(r)]).astype(np.float64) / 2
        d = (a - b).reshape(-1, 2).mean(axis=1)  # the two duels of a pair share a seed: the pair is the unit of chance
        m = d.shape[0]
        sd = float(d.std(ddof=1)) if m > 1 else 1.0
        return float(d.mean()), Z95 * sd / math.sqrt(m), float(b.mean())

    def _use(self, cell: Cell) -> tuple[float, float]:
        """(share of baseline duels in which the unit used the option, mean uses a duel)."""
        t = self.totals.get(cell.baseline)
        if t is None or not t.n or not t.columns:
            return 0.0, 0.0
        col = options.usage_column(str(cell.option))
        ev = t.event_counts(0)
        if col.startswith("weapon:"):
            key = col.split(":", 1)[1]
            return min(1.0, ev["weapon_duels"].get(key, 0) / t.n), ev["weapon_use"].get(key, 0) / t.n
        return ev["duels_with"].get(col, 0) / t.n, ev["events"].get(col, 0) / t.n


def without(bot: str, option: str) -> str:
    """The name of `bot` playing without `option`, its own options kept (`heuristic:weights=w.yaml` ->
    `heuristic:weights=w.yaml,without=leap`)."""
    return f"{bot}{',' if parse_bot(bot)[1] else ':'}{RESTRICT_OPTION}={option}"


def plan(catalog: Catalog, units: list[str], opponents: list[str] | None = None, arenas: list[str] | None = None,
         only: list[str] | None = None, sets: Iterable[str] = (), **kw: object) -> Ablation:
    """An ablation of `units` against `opponents` (default: the whole roster) on `arenas` (default: every arena),
    each unit's options all or those in `only`; everything checked before a duel is played."""
    sets = tuple(sets)
    cat = apply_overrides(catalog, sets)
    if not units:
        raise GladiatorError("name a unit to ablate, or --all")
    for group in (units, opponents or [], arenas or [], only or []):
        if len(set(group)) != len(group):
            raise GladiatorError(f"each name may be given once: {', '.join(group)}")
    for u in units:
        cat.unit(u)
    opponents = list(opponents) if opponents else sorted(cat.units)
    for v in opponents:
        cat.unit(v)
    arenas = list(arenas) if arenas else sorted(cat.arenas)
    for a in arenas:
        cat.arena(a)
    names: dict[str, list[str]] = {}
    for u in units:
        have = options.options_of(cat.unit(u))
        if only:
            missing = [o for o in only if o not in have]
            if len(units) == 1 and missing:
                raise GladiatorError(f"{u} has no option {missing[0]!r}; its options: {', '.join(have)}")
            names[u] = [o for o in have if o in only]
        else:
            names[u] = have
    if only and not any(names.values()):
        raise GladiatorError(f"none of the units has the options {', '.join(only)}")
    return Ablation(catalog, list(units), opponents, arenas, names, sets=sets, **kw)  # type: ignore[arg-type]


def round_seed(seed: int, r: int) -> int:
    """The run seed of round `r` of a cell: its own stream of the ablation's seed (round 0 is the seed itself)."""
    if r == 0:
        return int(seed)
    return int(rng.derive_seeds(seed, np.array([r]))[0])


def unit_scores(rows: np.ndarray) -> np.ndarray:
    """The first named unit's score x2 (a win 2, a draw 1, a loss 0) in each duel of `rows`, in duel order."""
    named = named_winner(np.sort(rows, order="duel"))
    return np.where(named == 0, 2, np.where(named < 0, 1, 0)).astype(np.int8)


def play(ab: Ablation, workers: int = 1, batch_size: int | None = None, store: object | None = None,
         on_round: Callable[[Cell, int, int], None] | None = None) -> Ablation:
    """Play every round the ablation needs, arena by arena; `store` (a `ResultStore` bound to `ab.identity()`) keeps
    each round as it finishes and gives back the ones a killed run finished; `on_round(cell, round, todo)` is told of
    each. Ctrl-C stops it with what finished kept in `ab` (and the store)."""
    if store is not None:
        for idx, totals, scores in store.items():  # type: ignore[attr-defined]
            k, r = divmod(idx, MAX_ROUNDS)
            if k < len(ab.cells):
                ab.add_scores(ab.cells[k], r, scores, totals)
    for arena in ab.arenas:
        while True:
            todo = [(c, r) for c, r in ab.todo() if c.arena == arena]
            if not todo:
                break
            for cell, r, res in _rounds(ab, todo, workers, batch_size):
                ab.add(cell, r, res)
                if store is not None:
                    store.put(ab.index[cell] * MAX_ROUNDS + r, res.totals, unit_scores(res.rows))  # type: ignore[attr-defined]
                if on_round is not None:
                    on_round(cell, r, len(todo))
    return ab


def _rounds(ab: Ablation, todo: list[tuple[Cell, int]], workers: int,
            batch_size: int | None) -> Iterator[tuple[Cell, int, ChunkResult]]:
    """The rounds `todo` (of one arena) played, in this process or by forked workers that inherit its tables."""
    specs = [(c, r, ab.spec(c, r)) for c, r in todo]
    for spec in {s.bots: s for _, _, s in specs}.values():
        prepare(spec)  # the game and every bot's tables, built once here
    for k, res in play_specs([s for _, _, s in specs], workers, batch_size):
        yield specs[k][0], specs[k][1], res
