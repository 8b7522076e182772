"""Balance tuning on top of batch runs: the win-rate matrix of a roster with the first mover's share of every cell,
a sweep of one field, a search for a target.

Every run of a sweep or a search uses the same run seed, so the values are compared on the
same duels (common random numbers) and differences are not blurred by luck.
Imports the batch runner, the overrides and the catalog; never a front end.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any, Callable

from gladiator.batch.overrides import apply_overrides, get_field, override_unit, split_path
from gladiator.batch.runner import make_spec, run
from gladiator.batch.stats import Totals, wilson
from gladiator.bots import DEFAULT_BOT
from gladiator.catalog.loader import Catalog
from gladiator.catalog.schema import Arena, Stats, Unit, Weapon
from gladiator.errors import GladiatorError

MAX_SWEEP_VALUES = 200  # values a sweep plays
MAX_BALANCE_VALUES = 100_000  # values a balance search bisects over (it plays about 2 log2 of them)


@dataclass
class RunSettings:
    """What every batch of a matrix, sweep or search shares."""

    arena: str
    n: int
    seed: int = 0
    bots: tuple[str, str] = (DEFAULT_BOT, DEFAULT_BOT)
    pairing: bool = True
    sets: tuple[str, ...] = ()
    batch_size: int | None = None  # duels stepped at once: by default as the bots ask (chunks.batch_size_for)
    workers: int = 1
    backend: str = "local"
    scheduler: str | None = None
    on_run: Callable[[str, int], None] | None = field(default=None, repr=False)  # a run starts: its label and duels
    on_duels: Callable[[int], None] | None = field(default=None, repr=False)  # duels just finished (a piece of a run)
    on_plan: Callable[[int], None] | None = field(default=None, repr=False)  # the duels the whole job plays, as known

    def play(self, catalog: Catalog, units: tuple[str, str], n: int | None = None, label: str = "") -> Totals:
        """Totals of one batch between two units of `catalog`."""
        spec = make_spec(catalog, units, self.arena, n or self.n, self.seed, self.bots, self.pairing, self.sets)
        if self.on_run is not None:
            self.on_run(label or f"{units[0]} vs {units[1]}", spec.n)
        told = self.on_duels
        return run(spec, self.batch_size, self.workers, self.backend, self.scheduler,
                   on_chunk=None if told is None else lambda res: told(res.totals.n))

    def plan(self, duels: int) -> None:
        """Tell the front end how many duels the whole job will play (a progress bar's total)."""
        if self.on_plan is not None:
            self.on_plan(duels)


def matrix(catalog: Catalog, units: list[str], settings: RunSettings,
           into: dict[tuple[str, str], Totals] | None = None, mirrors: bool = True) -> dict[tuple[str, str], Totals]:
    """Totals of every mirror of `units` (each unit against itself, keyed (u, u); played first, when `mirrors`) and of
    every pairing (each unordered pair once, keyed in the order given).

    `into` receives each cell as it finishes, so a caller interrupted by Ctrl-C still has them.
    """
    if len(units) < 2:
        raise GladiatorError("matrix needs at least two units")
    if len(set(units)) != len(units):
        raise GladiatorError("matrix: each unit may be named once")
    cat = apply_overrides(catalog, settings.sets)
    for u in units:
        cat.unit(u)
    cells = {} if into is None else into
    settings.plan(settings.n * (len(units) * (len(units) - 1) // 2 + (len(units) if mirrors else 0)))
    for a in units if mirrors else ():
        cells[(a, a)] = settings.play(cat, (a, a))
    for a, b in combinations(units, 2):
        cells[(a, b)] = settings.play(cat, (a, b))
    return cells


def matrix_rates(units: list[str], cells: dict[tuple[str, str], Totals]) -> list[list[float | None]]:
    """rates[i][j]: share of duels unit i won against unit j (None on the diagonal: a mirror is read by `first_movers`)."""
    pos = {u: i for i, u in enumerate(units)}
    m: list[list[float | None]] = [[None] * len(units) for _ in units]
    for (a, b), t in cells.items():
        if a != b:
            m[pos[a]][pos[b]] = t.win_rate(0)
            m[pos[b]][pos[a]] = t.win_rate(1)
    return m


def first_movers(cells: dict[tuple[str, str], Totals]) -> list[dict[str, Any]]:
    """The first mover's share of the decisive duels of every cell, mirrors first, with its Wilson 95% interval."""
    rows = []
    for (a, b), t in sorted(cells.items(), key=lambda kv: kv[0][0] != kv[0][1]):  # stable: mirrors, then pairings, as played
        lo, hi = wilson(t.first_wins, t.decisive)
        rows.append({"units": [a, b], "first_wins": t.first_wins, "decisive": t.decisive, "rate": t.first_mover_rate(),
                     "interval": [lo, hi]})
    return rows


@dataclass
class FieldPath:
    """A field of one unit named on the command line, e.g. viola.stats.firepower."""

    unit: str
    parts: list[str]
    text: str

    @classmethod
    def parse(cls, text: str) -> "FieldPath":
        """Parse `unit.field.path`."""
        uid, parts = split_path(text, text)
        return cls(uid, parts, text)

    def set(self, catalog: Catalog, value: Any) -> Catalog:
        """A catalog with the field set to `value` (validated like the unit file)."""
        from dataclasses import replace

        units = dict(catalog.units)
        units[self.unit] = override_unit(catalog.unit(self.unit), self.parts, value, f"{self.text}={value}")
        return replace(catalog, units=units)

    def current(self, catalog: Catalog) -> Any:
        """The field's value in the catalog."""
        return get_field(catalog.unit(self.unit), self.parts, self.text)


def parse_range(text: str) -> list[int] | list[float]:
    """Values of `LO:HI` (integers, both included) or `LO:HI:STEP` (integers or decimals)."""
    bits = text.split(":")
    if len(bits) not in (2, 3):
        raise GladiatorError(f"{text}: expected LO:HI or LO:HI:STEP, e.g. 2:12")
    if len(text) > 100:
        raise GladiatorError(f"{text[:40]}...: a range of {len(text)} characters; expected LO:HI[:STEP], e.g. 2:12")
    try:
        nums = [float(b) for b in bits]
    except ValueError:
        raise GladiatorError(f"{text}: LO, HI and STEP must be numbers") from None
    if not all(math.isfinite(x) for x in nums):
        raise GladiatorError(f"{text}: LO, HI and STEP must be finite numbers (no nan or inf)")
    ints = all(_is_int_text(b) for b in bits)
    lo, hi = nums[0], nums[1]
    step = nums[2] if len(bits) == 3 else 1.0
    if step <= 0:
        raise GladiatorError(f"{text}: STEP must be positive")
    if hi < lo:
        raise GladiatorError(f"{text}: HI must not be below LO")
    q = (hi - lo) / step
    count = int(math.floor(q + 1e-9)) + 1 if math.isfinite(q) and q < 10 * MAX_SWEEP_VALUES else 10 * MAX_SWEEP_VALUES
    if count > MAX_SWEEP_VALUES:
        many = count if count < 10 * MAX_SWEEP_VALUES else f"more than {10 * MAX_SWEEP_VALUES}"
        raise GladiatorError(f"{text}: {many} values; at most {MAX_SWEEP_VALUES} (use a larger STEP)")
    if ints:
        return [int(lo) + i * int(step) for i in range(count)]
    digits = max(_decimals(b) for b in bits)
    return [round(lo + i * step, digits) for i in range(count)]


def sweep(catalog: Catalog, target: str, vs: str, settings: RunSettings,
          into: list[tuple[Any, Totals]] | None = None) -> tuple[FieldPath, list[tuple[Any, Totals]]]:
    """Win rate of the field's unit against `vs` at each value of `target` (`unit.path=LO:HI[:STEP]`).

    `into` receives each value's totals as it finishes (what a Ctrl-C leaves).
    """
    if "=" not in target:
        raise GladiatorError(f"{target}: expected UNIT.FIELD=LO:HI, e.g. viola.stats.firepower=2:12")
    path_text, rng_text = target.split("=", 1)
    fp = FieldPath.parse(path_text)
    values = parse_range(rng_text)
    base = apply_overrides(catalog, settings.sets)
    base.unit(vs)
    fp.current(base)
    if fp.unit == vs:
        raise GladiatorError(f"sweep: {fp.unit} cannot be swept against itself (the change would apply to both sides)")
    cats = [(v, fp.set(base, v)) for v in values]  # every value is checked before any duel is played
    points = [] if into is None else into
    settings.plan(settings.n * len(cats))
    for v, c in cats:
        points.append((v, settings.play(c, (fp.unit, vs), label=f"{fp.text}={v}")))
    return fp, points


@dataclass
class BalanceResult:
    """The value found by `balance`, its totals, and every value tried."""

    path: FieldPath
    value: Any
    totals: Totals
    target: float
    tried: dict[Any, Totals]
    decided: bool
    bracketed: bool = True  # False: the target is not between the win rates at the two ends of the range


def balance(catalog: Catalog, path: str, vs: str, target: float, settings: RunSettings, lo: float | None = None,
            hi: float | None = None, step: float | None = None, rounds: int = 3,
            into: dict[tuple[Any, int], Totals] | None = None) -> BalanceResult:
    """The value of a field whose win rate against `vs` is closest to `target`, assuming it moves one way.

    Bisection over the field's range, then the values on either side of the target get
    twice the duels, up to `rounds` times, while their intervals still overlap. `into`
    receives each run, keyed (value, duels), as it finishes (what a Ctrl-C leaves).
    """
    if not 0.0 <= target <= 1.0:  # also refuses nan
        raise GladiatorError(f"--target must be between 0 and 1, got {target}")
    for opt, v in (("--min", lo), ("--max", hi), ("--step", step)):
        if v is not None and not math.isfinite(v):
            raise GladiatorError(f"{opt} must be a finite number, got {v}")
    if step is not None and step <= 0:
        raise GladiatorError(f"--step must be above 0, got {step:g}")
    fp = FieldPath.parse(path)
    base = apply_overrides(catalog, settings.sets)
    base.unit(vs)
    now = fp.current(base)
    if fp.unit == vs:
        raise GladiatorError(f"balance: {fp.unit} cannot be tuned against itself (the change would apply to both sides)")
    if isinstance(now, bool) or not isinstance(now, (int, float)):
        raise GladiatorError(f"{path}: balance needs a number field; {path} is {now!r}")
    is_int = isinstance(now, int)
    blo, bhi = field_bounds(fp.parts)
    lo = blo if lo is None else lo
    hi = bhi if hi is None else hi
    if lo is None or hi is None:
        raise GladiatorError(f"{path}: no bound in the schema; give --min and --max")
    if hi < lo:
        raise GladiatorError(f"--max {hi} is below --min {lo}")
    if is_int:
        if step is not None and step != int(step):
            raise GladiatorError(f"--step must be a whole number for {path}, got {step:g}")
        istep = int(step or 1)
        count = max(0, (int(math.floor(hi)) - int(math.ceil(lo))) // istep + 1)
    else:
        st = step or (hi - lo) / 100.0 or 1.0
        q = (hi - lo) / st
        if not math.isfinite(st) or not math.isfinite(q):
            raise GladiatorError(f"{path}: --min {lo:g} and --max {hi:g} are too far apart; give a narrower range")
        count = int(min(math.floor(q + 1e-9) + 1, 2 * MAX_BALANCE_VALUES))
    if count > MAX_BALANCE_VALUES:
        raise GladiatorError(f"{path}: {count} values between --min {lo:g} and --max {hi:g}; at most "
                             f"{MAX_BALANCE_VALUES} (use a larger --step or a narrower range)")
    if is_int:
        grid: list[Any] = list(range(int(math.ceil(lo)), int(math.floor(hi)) + 1, istep))
    else:
        grid = [round(lo + i * st, 10) for i in range(count)]
    if not grid:
        raise GladiatorError(f"{path}: no value between --min {lo} and --max {hi}")
    for v in (grid[0], grid[-1]):
        fp.set(base, v)  # both ends valid before any duel is played
    tried: dict[tuple[Any, int], Totals] = {} if into is None else into

    def rate(i: int, n: int) -> float:
        key = (grid[i], n)
        if key not in tried:
            tried[key] = settings.play(fp.set(base, grid[i]), (fp.unit, vs), n, label=f"{fp.text}={grid[i]}")
        return tried[key].win_rate(0)

    n0 = settings.n
    settings.plan(n0 * (2 + _halvings(len(grid) - 1)))  # the ends, then bisection; the refining rounds add to it
    r0, r1 = rate(0, n0), rate(len(grid) - 1, n0)
    sign = 1.0 if r1 >= r0 else -1.0
    a, b = 0, len(grid) - 1
    bracketed = min(r0, r1) <= target <= max(r0, r1)
    if sign * (r0 - target) >= 0:
        b = 0
    elif sign * (r1 - target) <= 0:
        a = len(grid) - 1
    settings.plan(n0 * (len({0, len(grid) - 1}) + _halvings(b - a)))
    while b - a > 1:
        mid = (a + b) // 2
        if sign * (rate(mid, n0) - target) < 0:
            a = mid
        else:
            b = mid
    cands = sorted({a, b})
    n = n0
    decided = len(cands) == 1
    for _ in range(rounds):
        if decided:
            break
        ivs = [wilson_of(tried[(grid[i], n)]) for i in cands]
        if ivs[0][1] < ivs[1][0] or ivs[1][1] < ivs[0][0]:
            decided = True
            break
        n *= 2
        settings.plan(sum(k for _, k in tried) + len(cands) * n)
        for i in cands:
            rate(i, n)
    best = min(cands, key=lambda i: (abs(tried[(grid[i], n)].win_rate(0) - target), i))
    return BalanceResult(fp, grid[best], tried[(grid[best], n)], target, largest_runs(tried), decided, bracketed)


def _halvings(span: int) -> int:
    """Steps of bisection that narrow `span` to 1."""
    return max(0, span - 1).bit_length()


def largest_runs(tried: dict[tuple[Any, int], Totals]) -> dict[Any, Totals]:
    """The totals of each value tried, from its largest run."""
    by_value: dict[Any, Totals] = {}
    for (v, k), t in sorted(tried.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        by_value[v] = t
    return by_value


def wilson_of(t: Totals) -> tuple[float, float]:
    """The Wilson interval of the first named unit's win rate."""
    return t.win_interval(0)


def field_bounds(parts: list[str], root: type[Unit] | type[Arena] = Unit) -> tuple[float | None, float | None]:
    """(lowest, highest) value the schema allows for a unit (or arena) field path, None where it sets no bound."""
    model: Any = root
    info = None
    for p in parts:
        if model is None:
            return None, None
        if model is Unit and p == "weapons":
            model, info = "weapons", None
            continue
        if model == "weapons":
            model = Weapon
            continue
        fields = getattr(model, "model_fields", {})
        if p not in fields:
            return None, None
        info = fields[p]
        model = Stats if (model is Unit and p == "stats") else None
    if info is None:
        return None, None
    lo = hi = None
    for m in info.metadata:
        if getattr(m, "ge", None) is not None:
            lo = m.ge
        if getattr(m, "gt", None) is not None:
            lo = m.gt + 1 if isinstance(m.gt, int) else m.gt
        if getattr(m, "le", None) is not None:
            hi = m.le
        if getattr(m, "lt", None) is not None:
            hi = m.lt - 1 if isinstance(m.lt, int) else m.lt
    return lo, hi


def _is_int_text(b: str) -> bool:
    try:
        int(b)
        return True
    except ValueError:
        return False


def _decimals(b: str) -> int:
    return len(b.split(".", 1)[1]) if "." in b else 0
