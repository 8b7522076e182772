"""Pydantic models of unit and arena files: the schema every file is checked against.

Numbers are strict (an integer field refuses `"60"` and `true`, a decimal field refuses text)
and finite (no NaN or infinity); names, titles and descriptions are bounded and hold no control
characters, so data text reaches a terminal or the window as written (see docs/limits.md).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (AfterValidator, BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, StrictBool, StrictFloat, StrictInt,
                      field_validator, model_serializer, model_validator)

ABILITIES = ("leap", "core_extraction", "mimic")
MAX_WEAPONS = 4
MAX_ARENA_SIDE = 32
ID_PATTERN = r"^[a-z][a-z0-9_]*$"
MAX_ID = 40
MAX_NAME = 60  # a name or a title
MAX_DESCRIPTION = 2000

# The arena legend: one character a tile.
WALL, FLOOR, COVER, HIGH, HAZARD, CACHE, SPAWN_A, SPAWN_B = "#", ".", "+", "^", "~", "N", "A", "B"
LEGEND = {
    WALL: "wall (blocks movement and line of sight)",
    FLOOR: "open floor",
    COVER: "cover (its occupant is harder to hit)",
    HIGH: "high ground (helps the shooter standing on it)",
    HAZARD: "hazard (heats whoever ends a turn on it)",
    CACHE: "Nectar cache (refills the first unit that reaches it)",
    SPAWN_A: "spawn point of the first unit",
    SPAWN_B: "spawn point of the second unit",
}


def _plain_line(v: str) -> str:
    return _plain(v, False)


def _plain_text(v: str) -> str:
    return _plain(v, True)


def _plain(v: str, newlines: bool) -> str:
    from gladiator.files import unsafe_char

    c = unsafe_char(v, allow_newlines=newlines)
    if c is not None:
        raise ValueError(f"text must not hold control characters (found {c!r})")
    return v


Int = StrictInt  # a whole number; "60" and true are refused
Float = StrictFloat  # a number; text and true are refused
Id = Annotated[str, Field(pattern=ID_PATTERN, max_length=MAX_ID)]
Name = Annotated[str, Field(max_length=MAX_NAME), AfterValidator(_plain_line)]
Text = Annotated[str, Field(max_length=MAX_DESCRIPTION), AfterValidator(_plain_text)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False, frozen=True, allow_inf_nan=False)


class Stats(_Strict):
    """A suit's numbers. Every stat is neutral at zero."""

    integrity: Int = Field(gt=0, le=10000, description="hit points of the suit")
    armor: Int = Field(0, ge=0, le=100, description="flat damage reduction")
    agility: Int = Field(0, ge=0, le=30, description="evasion, leap reach, extraction odds")
    firepower: Int = Field(0, ge=0, le=100, description="bonus to ranged damage")
    speed: Int = Field(3, ge=0, le=20, description="tiles per move")
    actions: Int = Field(2, ge=1, le=10, description="action points per turn")
    heat_capacity: Int = Field(20, ge=0, le=1000, description="heat a suit holds before it takes damage")
    cooling: Int = Field(3, ge=0, le=1000, description="heat shed at the start of each own turn")
    nectar: Int = Field(40, gt=0, le=10000, description="energy reserve (also the maximum)")
    nectar_doses: Int = Field(1, ge=0, le=100, description="injections carried")
    dose_nectar: Int = Field(15, ge=0, le=10000, description="Nectar one injection restores (optional)")


class Weapon(_Strict):
    """One weapon of a suit."""

    id: Id
    name: Name
    kind: Literal["melee", "ranged"]
    range: Int = Field(ge=1, le=MAX_ARENA_SIDE, description="reach in tiles (Chebyshev distance)")
    accuracy: Float = Field(ge=0.0, le=1.0, description="hit chance with no modifiers")
    damage: Int | tuple[Int, Int] = Field(description="a constant or [low, high], uniform integers")
    heat: Int = Field(0, ge=0, le=1000, description="heat added to the attacker")
    melt: Int = Field(0, ge=0, le=1000, description="heat added to the target on a hit")
    nectar: Int = Field(0, ge=0, le=1000, description="Nectar the attack costs")
    point_blank_penalty: StrictBool | None = Field(None, description="rules version 4: false for a ranged weapon made "
                                                                     "for close range (a flamer), which fires at an "
                                                                     "adjacent target without the point-blank penalty; "
                                                                     "unset, a ranged weapon takes it")

    @model_validator(mode="after")
    def _point_blank_is_ranged(self) -> "Weapon":
        if self.kind == "melee" and self.point_blank_penalty is not None:
            raise ValueError("point_blank_penalty is for ranged weapons: a melee weapon never fires point-blank")
        return self

    @model_serializer(mode="wrap")
    def _unset_left_out(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """The data as written: an unset `point_blank_penalty` is left out, so a weapon's data, and the hash a replay pins
        it by, are those of the files before the field was."""
        data = handler(self)
        if data.get("point_blank_penalty", False) is None:
            del data["point_blank_penalty"]
        return data

    @field_validator("damage")
    @classmethod
    def _damage_range(cls, v: int | tuple[int, int]) -> int | tuple[int, int]:
        lo, hi = (v, v) if isinstance(v, int) else v
        if lo < 0 or hi < 0:
            raise ValueError("damage must not be negative")
        if lo > hi:
            raise ValueError("damage [low, high] needs low <= high")
        if hi > 10000:
            raise ValueError("damage must be at most 10000")
        return v

    @property
    def damage_range(self) -> tuple[int, int]:
        """(low, high) of the damage roll."""
        return (self.damage, self.damage) if isinstance(self.damage, int) else tuple(self.damage)  # type: ignore[return-value]


class Unit(_Strict):
    """A mech suit: its look, stats, weapons and abilities."""

    id: Id
    name: Name
    title: Name = ""
    color: str = Field(description="colour of the suit, #rrggbb")
    description: Text = ""
    stats: Stats
    weapons: list[Weapon] = Field(min_length=1, max_length=MAX_WEAPONS)
    abilities: list[Literal["leap", "core_extraction", "mimic"]] = Field(default_factory=list)

    @field_validator("color")
    @classmethod
    def _hex(cls, v: str) -> str:
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", v):
            raise ValueError("color must look like #rrggbb")
        return v.lower()

    @model_validator(mode="after")
    def _unique_weapons(self) -> "Unit":
        ids = [w.id for w in self.weapons]
        if len(set(ids)) != len(ids):
            raise ValueError("weapon ids must be unique")
        if len(set(self.abilities)) != len(self.abilities):
            twice = next(a for a in self.abilities if self.abilities.count(a) > 1)
            raise ValueError(f"ability {twice!r} is listed more than once")
        return self

    @property
    def rgb(self) -> tuple[int, int, int]:
        """The colour as an (r, g, b) tuple."""
        return tuple(int(self.color[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


class Arena(_Strict):
    """An arena as an ASCII map with a fixed legend (see LEGEND)."""

    id: Id
    name: Name
    description: Text = ""
    turn_limit: Int = Field(80, ge=2, le=10000, description="turns (both sides counted) before a draw")
    hazard_heat: Int = Field(6, ge=0, le=1000, description="heat a hazard adds at the end of a turn")
    map: str = Field(max_length=(MAX_ARENA_SIDE + 1) * MAX_ARENA_SIDE * 4, description="rows of the legend's characters")

    @field_validator("map")
    @classmethod
    def _grid(cls, v: str) -> str:
        rows = [r.rstrip() for r in v.strip("\n").splitlines()]
        rows = [r for r in rows if r]
        if not rows:
            raise ValueError("map is empty")
        width = len(rows[0])
        for i, r in enumerate(rows):
            if len(r) != width:
                raise ValueError(f"map row {i + 1} has {len(r)} tiles, the first row has {width}")
            bad = set(r) - set(LEGEND)
            if bad:
                raise ValueError(f"map row {i + 1} has unknown tile {sorted(bad)[0]!r}; legend: {''.join(LEGEND)}")
        if width > MAX_ARENA_SIDE or len(rows) > MAX_ARENA_SIDE:
            raise ValueError(f"map is larger than {MAX_ARENA_SIDE}x{MAX_ARENA_SIDE}")
        text = "".join(rows)
        for s in (SPAWN_A, SPAWN_B):
            if text.count(s) != 1:
                raise ValueError(f"map needs exactly one spawn point {s!r}, found {text.count(s)}")
        return "\n".join(rows)

    @property
    def rows(self) -> list[str]:
        """The map as a list of equal-length strings."""
        return self.map.split("\n")

    @property
    def width(self) -> int:
        """Tiles across."""
        return len(self.rows[0])

    @property
    def height(self) -> int:
        """Tiles down."""
        return len(self.rows)
