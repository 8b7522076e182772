"""A unit's options, for restricted play: each weapon, each ability, each general action, and the actions each covers.

Restricted play (Jaffe et al., "Evaluating Competitive Game Balance with Restricted Play", AIIDE 2012) asks what
an option is worth by playing a unit without it. An option is named by
- a weapon id of the unit (`arc_blade`): attacking with that weapon;
- an ability (`leap`, `core_extraction`, `mimic`): every leap, the core extraction, every disguise;
- a general action: `guard`, `vent`, `inject`, `cache` (a move or leap onto a Nectar cache, which takes it) or
  `hazard` (a move or leap onto a hazard tile).
`bans(game, names)` gives the actions the names cover for every roster unit; `options_of(unit)` the options a unit
has; `usage_column(name)` the event tally column that counts the option's use. The rules are untouched: a restricted
player only chooses among fewer of the legal actions (`engine.Legal.without`). Imports the game and the catalog.
"""

from __future__ import annotations

import numpy as np

from gladiator.catalog.schema import Unit
from gladiator.errors import GladiatorError
from gladiator.game import ATTACK0, EXTRACT, GUARD, INJECT, VENT, Game

ABILITIES = ("leap", "core_extraction", "mimic")
GENERAL = ("guard", "vent", "inject", "cache", "hazard")
USAGE = {"leap": "leap", "core_extraction": "extract_attempt", "mimic": "mimic", "guard": "guard", "vent": "vent",
         "inject": "inject", "cache": "cache_taken", "hazard": "hazard_turn"}  # option -> event tally column of its use


def options_of(unit: Unit) -> list[str]:
    """The options of `unit` in the order a report lists them: its weapons, its abilities, the general actions."""
    weapons = list(dict.fromkeys(w.id for w in unit.weapons))
    return weapons + [a for a in ABILITIES if a in unit.abilities] + list(GENERAL)


def known_options(game: Game) -> list[str]:
    """Every option name `bans` takes in `game`: the roster's weapon ids, the abilities and the general actions."""
    weapons = dict.fromkeys(w.id for u in game.roster for w in u.weapons)
    return list(weapons) + [a for a in ABILITIES if a not in weapons] + [g for g in GENERAL if g not in weapons]


def check_names(names: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The option names as given, each a plain id (letters, digits, `_`), at least one; else a one-line error."""
    if not names:
        raise GladiatorError("name at least one option to take away, e.g. without=leap")
    for n in names:
        if not n or not n.replace("_", "").isalnum() or not n.isascii():
            raise GladiatorError(f"option {n!r} is not an option name (a weapon id, {', '.join(ABILITIES + GENERAL)})")
    return tuple(names)


def bans(game: Game, names: tuple[str, ...] | list[str]) -> np.ndarray:
    """(U, A) bool: the actions options `names` cover for each roster unit (a unit without the option: none)."""
    check_names(names)
    sp, geo = game.space, game.geo
    known = known_options(game)
    out = np.zeros((len(game.roster), sp.n), dtype=bool)
    cache_tiles = np.flatnonzero(geo.cache_of >= 0)
    hazard_tiles = np.flatnonzero(geo.hazard)
    for name in names:
        if name not in known:
            raise GladiatorError(f"unknown option {name!r}; options in this game: {', '.join(known)}")
        for u, unit in enumerate(game.roster):
            row = out[u]
            for k, w in enumerate(unit.weapons):
                if w.id == name:
                    row[ATTACK0 + k] = True
        if name == "leap":
            out[:, sp.leap0 : sp.n] = True
        elif name == "core_extraction":
            out[:, EXTRACT] = True
        elif name == "mimic":
            out[:, sp.mimic0 : sp.move0] = True
        elif name in ("guard", "vent", "inject"):
            out[:, {"guard": GUARD, "vent": VENT, "inject": INJECT}[name]] = True
        elif name in ("cache", "hazard"):
            tiles = cache_tiles if name == "cache" else hazard_tiles
            out[:, sp.move0 + tiles] = True
            out[:, sp.leap0 + tiles] = True
    out.setflags(write=False)
    return out


def usage_column(name: str) -> str:
    """The event tally column (`engine.tally_columns`) that counts the use of option `name`."""
    return USAGE.get(name, f"weapon:{name}")
