"""The spec of `gladiator tune`: free parameters, target bands, arenas, bot and racing rounds, read from YAML.

The file is read within the limits of a data file and validated with pydantic against the
catalog (unknown units, fields or arenas, bounds outside the schema's, a step of 0, a band
outside 0..1), so every problem is one line naming the spec file, the line and the field.
A spec becomes a list of cells: a win rate of one unit against another on one arena, the
first mover's share of a mirror, the share of a pairing's duels that stall (end in a draw or a
shutdown), the share of a unit's duels against another in which an event of it is counted (Viola's melt
overheating Rouge: Rouge's `overheated_turn` against Viola), or a unit's win rate against another played by a scripted
bot (one cheap plan, `tests/scripted.py`: Rouge against a Viola that only kites), each with its band. Imports the catalog, the overrides and
`tuning.field_bounds`; never a front end.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictFloat, StrictInt, ValidationInfo, field_validator, model_validator

from gladiator.batch.overrides import get_field, owner, set_field, split_path
from gladiator.batch.tuning import field_bounds
from gladiator.bots import DEFAULT_BOT, make_bot
from gladiator.catalog.edit import locate
from gladiator.catalog.loader import Catalog, read_yaml, validate_data
from gladiator.catalog.schema import Unit
from gladiator.errors import DataErrors, GladiatorError
from gladiator.files import MAX_DATA_BYTES, read_limited
from gladiator.game import DEFAULT_RULES, check_rules
from gladiator.state import EVENT_KINDS

DEFAULT_ROUNDS = (600, 2400)
MAX_PARAMETERS = 32
MAX_ROUNDS = 8
MAX_ROUND_DUELS = 1_000_000

Number = StrictInt | StrictFloat


def _finite(v: float) -> float:
    if not math.isfinite(v):
        raise ValueError("must be a finite number")
    return v


def _positive(v: float) -> float:
    if not math.isfinite(v) or v <= 0:
        raise ValueError(f"must be a number above 0, got {v}")
    return v


def _band(v: tuple[float, float]) -> tuple[float, float]:
    lo, hi = v
    if not (math.isfinite(lo) and math.isfinite(hi)) or not 0.0 <= lo <= 1.0 or not 0.0 <= hi <= 1.0:
        raise ValueError(f"a band is [low, high] between 0 and 1 (a win rate), got [{lo}, {hi}]")
    if lo > hi:
        raise ValueError(f"band low {lo} is above high {hi}")
    return (float(lo), float(hi))


def _unit_id(v: str, info: ValidationInfo) -> str:
    cat = _catalog(info)
    if v not in cat.units:
        raise ValueError(f"unknown unit {v!r}; known units: {', '.join(sorted(cat.units))}")
    return v


def _arena_id(v: str, info: ValidationInfo) -> str:
    cat = _catalog(info)
    if v not in cat.arenas:
        raise ValueError(f"unknown arena {v!r}; known arenas: {', '.join(sorted(cat.arenas))}")
    return v


Band = Annotated[tuple[Number, Number], AfterValidator(_band)]
UnitId = Annotated[str, Field(max_length=40), AfterValidator(_unit_id)]
ArenaId = Annotated[str, Field(max_length=40), AfterValidator(_arena_id)]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Parameter(_Spec):
    """A free field: a unit field (`viola.stats.firepower`) or an arena field (`concert_hall.hazard_heat`)."""

    field: str = Field(max_length=200)
    low: Annotated[Number, AfterValidator(_finite)]
    high: Annotated[Number, AfterValidator(_finite)]
    step: Annotated[Number, AfterValidator(_positive)] | None = None

    @field_validator("field")
    @classmethod
    def _known(cls, v: str, info: ValidationInfo) -> str:
        cat = _catalog(info)
        try:
            item, parts, _ = _resolve(cat, v)
            now = get_field(item, parts, v)
            if isinstance(now, bool) or not isinstance(now, (int, float)):
                raise GladiatorError(f"{v} is {now!r}; a free parameter must be a number field")
            src = cat.sources.get(f"{'unit' if isinstance(item, Unit) else 'arena'}:{item.id}")
            if src is not None:  # --apply edits the number where the file writes it
                locate(read_limited(src, MAX_DATA_BYTES, "YAML file").decode("utf-8", "replace"), parts, src)
        except GladiatorError as e:
            raise ValueError(str(e)) from None
        return v

    @field_validator("low", "high")
    @classmethod
    def _within_schema(cls, v: Any, info: ValidationInfo) -> Any:
        path = info.data.get("field")
        if path is None:
            return v
        item, parts, whole = _resolve(_catalog(info), path)
        if whole and not isinstance(v, int):
            raise ValueError(f"{path} is a whole number; {info.field_name} must be one too, got {v}")
        lo, hi = field_bounds(parts, type(item))
        if lo is not None and v < lo:
            raise ValueError(f"{v} is below the lowest {path} the schema allows, {lo}")
        if hi is not None and v > hi:
            raise ValueError(f"{v} is above the highest {path} the schema allows, {hi}")
        return v

    @model_validator(mode="after")
    def _range(self, info: ValidationInfo) -> "Parameter":
        if self.low > self.high:
            raise ValueError(f"low {self.low} is above high {self.high}")
        cat = _catalog(info)
        _, parts, whole = _resolve(cat, self.field)
        if whole and self.step is not None and not isinstance(self.step, int):
            raise ValueError(f"{self.field} is a whole number; step must be one too, got {self.step}")
        if not whole and self.step is None:
            raise ValueError(f"{self.field} is a decimal field: give a step (e.g. 0.01)")
        oid = self.field.split(".", 1)[0]
        for v in (self.low, self.high):  # both ends must make a valid unit or arena
            try:
                set_field(cat, oid, parts, v, f"{self.field}={v}")
            except GladiatorError as e:
                raise ValueError(str(e)) from None
        return self


class Target(_Spec):
    """One class of cells and its band: `among` a group, `rows` against `columns`, `first_mover` of mirrors, a `matrix`,
    the `stalls` (draws and shutdowns) of every pairing of a group, mirrors included, an `event` of each unit `of` a
    group against each unit of `against` (the share of its duels in which the event is counted at least once), or the
    win rate of each unit `of` a group, played by the spec's bot, against each unit of `against` played by the bot
    `script` (a plan a player would try; a mirror is a cell too)."""

    among: list[UnitId] | None = Field(None, min_length=2)
    rows: list[UnitId] | None = Field(None, min_length=1)
    columns: list[UnitId] | None = Field(None, min_length=1)
    first_mover: list[UnitId] | None = Field(None, min_length=1)
    matrix: dict[UnitId, dict[UnitId, Band]] | None = None
    stalls: list[UnitId] | None = Field(None, min_length=1)
    event: str | None = Field(None, max_length=80)
    script: str | None = Field(None, max_length=200)
    of: list[UnitId] | None = Field(None, min_length=1)
    against: list[UnitId] | None = Field(None, min_length=1)
    band: Band | None = None

    @model_validator(mode="after")
    def _one_kind(self, info: ValidationInfo) -> "Target":
        kinds = [k for k in ("among", "rows", "first_mover", "matrix", "stalls", "event", "script") if getattr(self, k) is not None]
        if (self.rows is None) != (self.columns is None):
            raise ValueError("rows and columns go together")
        if self.event is not None and self.script is not None:
            raise ValueError("give one of event and script")
        if not ((self.event is None and self.script is None) == (self.of is None) == (self.against is None)):
            raise ValueError("event (or script), of and against go together")
        if len(kinds) != 1:
            raise ValueError("give exactly one of among, rows and columns, first_mover, matrix, stalls, event, script")
        if (self.band is None) != (kinds[0] == "matrix"):
            raise ValueError("a matrix holds its own bands" if self.band is not None else "give a band: [low, high]")
        for group in (self.among, self.first_mover, self.stalls, self.of, self.against):
            if group is not None and len(set(group)) != len(group):
                raise ValueError("each unit may be named once")
        if self.event is not None:
            _check_event(self.event, self.of or [], _catalog(info))
            return self  # its cells may be mirrors: a mirror's share counts both sides' duels
        if self.script is not None:
            try:
                make_bot(self.script)
            except GladiatorError as e:
                raise ValueError(str(e)) from None
            return self  # its cells may be mirrors: the spec's bot against the script on one suit
        for a, b in self.pairs():
            if a == b:
                raise ValueError(f"{a} against itself: a mirror's figure is its first mover's share (first_mover)")
        return self

    def pairs(self) -> list[tuple[str, str]]:
        """The (row, column) cells of a win-rate target, each row's rate against its column."""
        if self.among is not None:
            return [(a, b) for a in self.among for b in self.among if a != b]
        if self.rows is not None and self.columns is not None:
            return [(a, b) for a in self.rows for b in self.columns]
        if self.matrix is not None:
            return [(a, b) for a, row in self.matrix.items() for b in row]
        return []


def _check_event(event: str, units: list[str], cat: Catalog) -> None:
    """An event target counts an event kind of the engine's tally, or `weapon:<id>`, a weapon each unit carries."""
    if event.startswith("weapon:"):
        wid = event.split(":", 1)[1]
        for u in units:
            if wid not in [w.id for w in cat.units[u].weapons]:
                raise ValueError(f"{u} carries no weapon {wid!r}; its weapons: {', '.join(w.id for w in cat.units[u].weapons)}")
    elif event not in EVENT_KINDS:
        raise ValueError(f"unknown event {event!r}; an event is one of {', '.join(EVENT_KINDS)}, or weapon:<weapon id>")


class TuneSpec(_Spec):
    """A whole `gladiator tune` spec file."""

    arenas: list[ArenaId] = Field(min_length=1, max_length=64)
    bot: str = Field(DEFAULT_BOT, max_length=200)
    rounds: list[StrictInt] = Field(list(DEFAULT_ROUNDS), min_length=1, max_length=MAX_ROUNDS)
    parameters: list[Parameter] = Field(min_length=1, max_length=MAX_PARAMETERS)
    targets: list[Target] = Field(min_length=1, max_length=256)
    margin: Annotated[Number, AfterValidator(_finite)] = 0.0  # the search aims at each band narrowed by this on both sides
    rules: StrictInt = DEFAULT_RULES  # the rules version the duels are fought under (4: the version being made)

    @field_validator("rules")
    @classmethod
    def _rules(cls, v: int) -> int:
        try:
            return check_rules(v, "rules")
        except GladiatorError as e:
            raise ValueError(str(e)) from None

    @field_validator("arenas")
    @classmethod
    def _arenas_once(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError("each arena may be named once")
        return v

    @field_validator("bot")
    @classmethod
    def _bot(cls, v: str) -> str:
        try:
            make_bot(v)
        except GladiatorError as e:
            raise ValueError(str(e)) from None
        return v

    @field_validator("rounds")
    @classmethod
    def _rounds(cls, v: list[int]) -> list[int]:
        if any(b <= a for a, b in zip(v, v[1:])) or v[0] < 2 or v[-1] > MAX_ROUND_DUELS:
            raise ValueError(f"rounds are duels a cell, growing, from 2 to {MAX_ROUND_DUELS}, e.g. [600, 2400]")
        return v

    @field_validator("margin")
    @classmethod
    def _margin_fits(cls, v: float, info: ValidationInfo) -> float:
        if v < 0:
            raise ValueError(f"margin must be 0 or more, got {v}")
        for t in info.data.get("targets") or []:
            bands = [t.band] if t.band is not None else [b for row in (t.matrix or {}).values() for b in row.values()]
            for lo, hi in bands:
                if hi - lo < v * ((lo > 0) + (hi < 1)):
                    raise ValueError(f"margin {v} leaves nothing of band [{lo}, {hi}]: it is taken off each end above 0 "
                                     "and below 1")
        return v

    @field_validator("parameters")
    @classmethod
    def _parameters_once(cls, v: list[Parameter], info: ValidationInfo) -> list[Parameter]:
        seen = [p.field for p in v]
        twice = next((f for f in seen if seen.count(f) > 1), None)
        if twice is not None:
            raise ValueError(f"{twice} is named twice")
        played = info.data.get("arenas") or []
        cat = _catalog(info)
        for p in v:
            oid = p.field.split(".", 1)[0]
            if oid in cat.arenas and oid not in cat.units and oid not in played:
                raise ValueError(f"{p.field} tunes arena {oid}, which is not among the arenas ({', '.join(played)})")
        return v

    def on_arenas(self, arenas: list[str]) -> tuple["TuneSpec", list[str]]:
        """The spec played on other arenas, and the fields left out because they tune an arena not played."""
        out = [p.field for p in self.parameters if p.field.split(".", 1)[0] in self.arenas
               and p.field.split(".", 1)[0] not in arenas]
        kept = [p for p in self.parameters if p.field not in out]
        if not kept:
            raise GladiatorError(f"--arena {', '.join(arenas)}: every parameter tunes an arena not played")
        return self.model_copy(update={"arenas": list(dict.fromkeys(arenas)), "parameters": kept}), out


@dataclass(frozen=True)
class Cell:
    """One figure the tuner measures on an arena: `row`'s win rate against `col`, the first mover's share of a mirror,
    the share of the duels of `row` and `col` that stall (a draw or a shutdown), the share of `row`'s duels against
    `col` in which `row`'s `event` is counted, or `row`'s win rate against `col` played by the bot `script`."""

    arena: str
    row: str
    col: str
    kind: Literal["win", "first", "stall", "event", "script"]
    band: tuple[float, float]
    event: str = ""
    script: str = ""

    @property
    def pairing(self) -> tuple[str, ...]:
        """The duels that measure the cell: its units in a fixed order, both played by the spec's bot; or, for a script
        cell, the row, the column and the bot that plays the column."""
        if self.kind == "script":
            return (self.row, self.col, self.script)
        return (self.row, self.col) if self.row <= self.col else (self.col, self.row)

    @property
    def label(self) -> str:
        """The cell in words: `viola vs rouge`, `first mover, jaron mirror`, `stalls, rouge vs viola`, `stalls, jaron mirror`."""
        return cell_label(self.kind, self.row, self.col, self.event or self.script)


def cell_label(kind: str, row: str, col: str, detail: str = "") -> str:
    """A cell in words, from its kind, its units and its event or script (what the tables of `gladiator tune` print):
    `viola vs rouge`, `first mover, jaron mirror`, `stalls, rouge vs viola`, `rouge's overheated_turn vs viola`,
    `rouge vs viola played by tests.scripted:KiteViola`."""
    if kind == "script":
        return f"{row} vs {col} played by {detail}"
    if kind == "first":
        return f"first mover, {row} mirror"
    if kind == "stall":
        return f"stalls, {row} mirror" if row == col else f"stalls, {row} vs {col}"
    if kind == "event":
        return f"{row}'s {detail}, {row} mirror" if row == col else f"{row}'s {detail} vs {col}"
    return f"{row} vs {col}"


def load_spec(path: Path | str, catalog: Catalog) -> TuneSpec:
    """Read and validate a tune spec against `catalog`; any problem is one line naming the file, line and field."""
    try:
        data, text = read_yaml(Path(path))
        return validate_data(data, TuneSpec, str(path), text, context={"catalog": catalog})  # type: ignore[return-value]
    except DataErrors as e:
        first = e.errors[0]
        more = f" (and {len(e.errors) - 1} more problem(s))" if len(e.errors) > 1 else ""
        raise GladiatorError(f"{first}{more}") from None


def cells_of(spec: TuneSpec) -> list[Cell]:
    """Every cell of the spec on every arena, arena by arena, in the order the targets name them."""
    cells = []
    for arena in spec.arenas:
        for t in spec.targets:
            if t.matrix is not None:
                cells += [Cell(arena, a, b, "win", band) for a, row in t.matrix.items() for b, band in row.items()]
            elif t.first_mover is not None:
                cells += [Cell(arena, u, u, "first", t.band) for u in t.first_mover]  # type: ignore[arg-type]
            elif t.event is not None:
                cells += [Cell(arena, a, b, "event", t.band, t.event)  # type: ignore[arg-type]
                          for a in t.of or [] for b in t.against or []]
            elif t.script is not None:
                cells += [Cell(arena, a, b, "script", t.band, script=t.script)  # type: ignore[arg-type]
                          for a in t.of or [] for b in t.against or []]
            elif t.stalls is not None:
                cells += [Cell(arena, a, b, "stall", t.band)  # type: ignore[arg-type]
                          for i, a in enumerate(t.stalls) for b in t.stalls[i:]]
            else:
                cells += [Cell(arena, a, b, "win", t.band) for a, b in t.pairs()]  # type: ignore[arg-type]
    return cells


def pairings_of(cells: list[Cell]) -> dict[str, list[tuple[str, ...]]]:
    """The duels each arena needs: every pairing its cells read, once (`Cell.pairing`)."""
    out: dict[str, list[tuple[str, ...]]] = {}
    for c in cells:
        ps = out.setdefault(c.arena, [])
        if c.pairing not in ps:
            ps.append(c.pairing)
    return out


def _catalog(info: ValidationInfo) -> Catalog:
    ctx = info.context or {}
    if "catalog" not in ctx:
        raise ValueError("a tune spec is validated against a catalog")  # pragma: no cover - load_spec passes one
    return ctx["catalog"]


def _resolve(cat: Catalog, path: str) -> tuple[Any, list[str], bool]:
    oid, parts = split_path(path, path)
    item = owner(cat, oid, path)
    now = get_field(item, parts, path)
    return item, parts, isinstance(now, int)
