"""The fixed part of a duel: the roster's unit tables, the arena's geometry, the action space.

A `Game` is built once from validated catalog models; duel state refers to units by
their index in `Game.roster`. Imports catalog and numpy only.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import lru_cache
from typing import Any, Callable, TypeVar

import numpy as np

from gladiator import RULES_VERSION
from gladiator.catalog.geometry import Geometry, build_geometry
from gladiator.catalog.loader import content_hash
from gladiator.catalog.schema import MAX_WEAPONS, Arena, Unit
from gladiator.errors import GladiatorError, UnknownName

T_ = TypeVar("T_")
W = MAX_WEAPONS
# Fixed action ids; the rest of the space is laid out by ActionSpace.
END, GUARD, VENT, INJECT, EXTRACT = 0, 1, 2, 3, 4
ATTACK0 = 5


@dataclass(frozen=True)
class ActionSpace:
    """Layout of the discrete action space of one game."""

    units: int
    tiles: int

    @property
    def mimic0(self) -> int:
        """First mimic action (one per roster unit)."""
        return ATTACK0 + W

    @property
    def move0(self) -> int:
        """First move action (one per tile)."""
        return self.mimic0 + self.units

    @property
    def leap0(self) -> int:
        """First leap action (one per tile)."""
        return self.move0 + self.tiles

    @property
    def n(self) -> int:
        """Number of actions."""
        return self.leap0 + self.tiles

    def attack(self, w: int) -> int:
        """Action id of attacking with weapon slot `w`."""
        return ATTACK0 + w

    def mimic(self, u: int) -> int:
        """Action id of mimicking roster unit `u`."""
        return self.mimic0 + u

    def move(self, tile: int) -> int:
        """Action id of moving to `tile`."""
        return self.move0 + tile

    def leap(self, tile: int) -> int:
        """Action id of leaping to `tile`."""
        return self.leap0 + tile

    def kind(self, a: int) -> tuple[str, int]:
        """(kind, argument) of an action id: ('move', tile), ('attack', slot), ('end', 0), ..."""
        names = {END: "end", GUARD: "guard", VENT: "vent", INJECT: "inject", EXTRACT: "extract"}
        if a in names:
            return names[a], 0
        if ATTACK0 <= a < self.mimic0:
            return "attack", a - ATTACK0
        if self.mimic0 <= a < self.move0:
            return "mimic", a - self.mimic0
        if self.move0 <= a < self.leap0:
            return "move", a - self.move0
        if self.leap0 <= a < self.n:
            return "leap", a - self.leap0
        raise GladiatorError(f"action {a} is outside the action space (0..{self.n - 1})")


@dataclass(frozen=True, eq=False)
class UnitTables:
    """Every unit's stats and weapons as arrays indexed by roster index."""

    integrity: np.ndarray
    armor: np.ndarray
    agility: np.ndarray
    firepower: np.ndarray
    speed: np.ndarray
    actions: np.ndarray
    heat_capacity: np.ndarray
    cooling: np.ndarray
    nectar: np.ndarray
    nectar_doses: np.ndarray
    dose_nectar: np.ndarray
    can_leap: np.ndarray
    can_extract: np.ndarray
    can_mimic: np.ndarray
    w_valid: np.ndarray  # (U, W) bool
    w_ranged: np.ndarray
    w_point_blank: np.ndarray  # a ranged weapon that takes the point-blank penalty (version 4: not a flamer's)
    w_range: np.ndarray
    w_accuracy: np.ndarray  # float64
    w_low: np.ndarray
    w_high: np.ndarray
    w_heat: np.ndarray
    w_melt: np.ndarray
    w_nectar: np.ndarray


@dataclass(frozen=True, eq=False)
class Game:
    """A roster of units and an arena, compiled to tables."""

    roster: tuple[Unit, ...]
    arena: Arena
    geo: Geometry
    tables: UnitTables
    space: ActionSpace
    index: dict[str, int] = field(default_factory=dict)
    rules: int = 3  # the rules version its duels are fought under (RULES_VERSIONS; DEFAULT_RULES where none is given)
    _derived: dict[str, Any] = field(default_factory=dict, repr=False)

    def derived(self, key: str, build: Callable[["Game"], T_]) -> T_:
        """The table `key` derived from this game, built once by `build(game)`; its numpy arrays are read-only.

        Every table a rule or a bot derives from the game (strike tables, rear arcs, memos of walks)
        lives here, on the game it was built from, never in a module global.
        """
        if key not in self._derived:
            self._derived[key] = freeze(build(self))
        return self._derived[key]

    def unit_index(self, uid: str) -> int:
        """Roster index of unit `uid`."""
        if uid not in self.index:
            raise UnknownName(f"unknown unit {uid!r}; known units: {', '.join(sorted(self.index))}")
        return self.index[uid]


RULES_VERSIONS = (3, 4)  # the rules a game may be compiled for; 3 is the default until version 4 is done
DEFAULT_RULES = int(RULES_VERSION)  # the rules version wherever none is given


def is_rules_version(rules: object) -> bool:
    """Whether `rules` names a rules version this program plays (a whole number of RULES_VERSIONS, not a bool)."""
    return not isinstance(rules, bool) and rules in RULES_VERSIONS


def check_rules(rules: object, name: str) -> int:
    """`rules` as a rules version this program plays, else a one-line error naming the option or field `name`."""
    if not is_rules_version(rules):
        raise GladiatorError(f"{name} must be one of {', '.join(map(str, RULES_VERSIONS))}, got {rules!r}")
    return int(rules)  # type: ignore[call-overload]


def make_game(roster: list[Unit] | tuple[Unit, ...], arena: Arena, rules: int = DEFAULT_RULES) -> Game:
    """Compile a roster (every unit a duel may field or mimic) and an arena into a Game fought under rules `rules`."""
    if not is_rules_version(rules):
        raise GladiatorError(f"unknown rules version {rules!r}; versions: {', '.join(map(str, RULES_VERSIONS))}")
    roster = tuple(sorted({u.id: u for u in roster}.values(), key=lambda u: u.id))
    geo = _geometry(arena)
    tables = _tables(roster, rules)
    return Game(roster, arena, geo, tables, ActionSpace(len(roster), geo.tiles), {u.id: i for i, u in enumerate(roster)},
                int(rules))


@lru_cache(maxsize=32)
def _geometry_by_hash(key: str, arena_json: str) -> Geometry:
    return freeze(build_geometry(Arena.model_validate_json(arena_json)))


def _geometry(arena: Arena) -> Geometry:
    return _geometry_by_hash(content_hash(arena), arena.model_dump_json())


def _tables(roster: tuple[Unit, ...], rules: int) -> UnitTables:
    U = len(roster)

    def stat(name: str) -> np.ndarray:
        return np.array([getattr(u.stats, name) for u in roster], dtype=np.int32)

    def wcol(getter, dtype, fill=0) -> np.ndarray:  # type: ignore[no-untyped-def]
        out = np.full((U, W), fill, dtype=dtype)
        for i, u in enumerate(roster):
            for j, wp in enumerate(u.weapons):
                out[i, j] = getter(wp)
        return out

    return freeze(UnitTables(
        integrity=stat("integrity"), armor=stat("armor"), agility=stat("agility"), firepower=stat("firepower"),
        speed=stat("speed"), actions=stat("actions"), heat_capacity=stat("heat_capacity"), cooling=stat("cooling"),
        nectar=stat("nectar"), nectar_doses=stat("nectar_doses"), dose_nectar=stat("dose_nectar"),
        can_leap=np.array(["leap" in u.abilities for u in roster]),
        can_extract=np.array(["core_extraction" in u.abilities for u in roster]),
        can_mimic=np.array(["mimic" in u.abilities for u in roster]),
        w_valid=wcol(lambda w: True, bool, False),
        w_ranged=wcol(lambda w: w.kind == "ranged", bool, False),
        w_point_blank=wcol(lambda w: w.kind == "ranged" and (rules < 4 or w.point_blank_penalty is not False), bool, False),
        w_range=wcol(lambda w: w.range, np.int32),
        w_accuracy=wcol(lambda w: w.accuracy, np.float64, 0.0),
        w_low=wcol(lambda w: w.damage_range[0], np.int32),
        w_high=wcol(lambda w: w.damage_range[1], np.int32),
        w_heat=wcol(lambda w: w.heat, np.int32),
        w_melt=wcol(lambda w: w.melt, np.int32),
        w_nectar=wcol(lambda w: w.nectar, np.int32),
    ))


def freeze(value: T_) -> T_:
    """`value` with its numpy arrays (an array, a tuple or list of them, or a dataclass holding them) read-only for good:
    each is replaced by a copy whose memory is an immutable bytes object, so no `setflags(write=True)` can undo it."""
    if isinstance(value, np.ndarray):
        return _sealed(value)  # type: ignore[return-value]
    if isinstance(value, tuple):
        items = [freeze(v) for v in value]
        return type(value)(*items) if hasattr(value, "_fields") else tuple(items)  # type: ignore[return-value]
    if isinstance(value, list):
        value[:] = [freeze(v) for v in value]
    elif hasattr(value, "__dataclass_fields__"):
        for f in fields(value):  # type: ignore[arg-type]
            v = getattr(value, f.name)
            if isinstance(v, np.ndarray):
                object.__setattr__(value, f.name, _sealed(v))  # frozen dataclasses too
    return value


def _sealed(a: np.ndarray) -> np.ndarray:
    """A read-only copy of `a` backed by bytes (an array that is read-only that way already is kept)."""
    if not a.flags.writeable and isinstance(a.base, bytes):
        return a
    if a.dtype.hasobject:  # pointers: no bytes copy of them; read-only as far as numpy goes
        a.setflags(write=False)
        return a
    a = np.ascontiguousarray(a)
    return np.frombuffer(a.tobytes(), dtype=a.dtype).reshape(a.shape)
