"""Shared fixtures: the shipped catalog, and factories for small custom units, arenas and duels.

Scenario tests build their own units (every stat neutral unless the test sets it) and
tiny ASCII arenas, so that one rule can be checked at a time.
"""

from __future__ import annotations

from typing import Any, Callable

import signal
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from gladiator.catalog import Arena, Stats, Unit, Weapon, load_catalog
from gladiator.catalog.loader import Catalog
from gladiator.engine import new_duels
from gladiator.game import Game, make_game
from gladiator.state import DuelState

NEUTRAL_STATS = dict(integrity=100, armor=0, agility=0, firepower=0, speed=3, actions=2,
                     heat_capacity=20, cooling=0, nectar=40, nectar_doses=1)


def build_weapon(wid: str = "blade", kind: str = "melee", range: int = 1, accuracy: float = 0.5,
                 damage: int | tuple[int, int] = (4, 8), **extra: Any) -> Weapon:
    """A weapon with no heat, melt or Nectar cost unless given."""
    return Weapon(id=wid, name=wid.replace("_", " ").title(), kind=kind, range=range, accuracy=accuracy,
                  damage=damage, **extra)


def build_unit(uid: str = "alpha", weapons: list[Weapon] | None = None, abilities: tuple[str, ...] = (),
               **stats: int) -> Unit:
    """A unit with neutral stats (agility, armor, firepower, cooling 0) except those given."""
    return Unit(id=uid, name=uid.title(), color="#808080", stats=Stats(**(NEUTRAL_STATS | stats)),
                weapons=weapons or [build_weapon()], abilities=list(abilities))


def build_arena(map: str, aid: str = "test_arena", **extra: Any) -> Arena:
    """An arena from an ASCII map (rows separated by newlines or '/')."""
    return Arena(id=aid, name=aid, map=map.replace("/", "\n"), **extra)


def build_duel(a: Unit, b: Unit, map: str, first: int | None = 0, roster: tuple[Unit, ...] = (), rules: int = 3,
               **arena: Any) -> tuple[Game, DuelState]:
    """A game of units a and b (plus `roster`) in a small arena under rules version `rules`, and one duel of a (side 0)
    against b.

    `first` picks the side to move first by trying seeds 0, 1, ... (agility still decides when it
    differs); None keeps seed 0.
    """
    game = make_game([a, b, *roster], build_arena(map, **arena), rules)
    for seed in range(64):
        state = new_duels(game, (a.id, b.id), [seed])
        if first is None or int(state.first[0]) == first:
            return game, state
    raise AssertionError(f"side {first} never moves first (agility decides)")


def tile(game: Game, x: int, y: int) -> int:
    """Flat index of tile (x, y)."""
    return y * game.geo.width + x


UNIT_YAML = """\
# a plain suit for tests that edit unit files
id: plain
name: Plain Suit
color: "#7f8c8d"
stats:
  integrity: 60
  armor: 1
  agility: 3
  speed: 3
weapons:
  - id: rifle
    name: Rifle
    kind: ranged
    range: 5
    accuracy: 0.7
    damage: [4, 7]
  - id: baton
    name: Baton
    kind: melee
    range: 1
    accuracy: 0.75
    damage: [4, 6]
abilities: []
"""


@pytest.fixture
def unit_yaml() -> str:
    """The text of a valid unit file (id `plain`) for tests to break or copy."""
    return UNIT_YAML


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The shipped units and arenas."""
    return load_catalog()


@pytest.fixture
def weapon() -> Callable[..., Weapon]:
    """Factory of weapons (see build_weapon)."""
    return build_weapon


@pytest.fixture
def unit() -> Callable[..., Unit]:
    """Factory of neutral units (see build_unit)."""
    return build_unit


@pytest.fixture
def arena() -> Callable[..., Arena]:
    """Factory of arenas from ASCII maps (see build_arena)."""
    return build_arena


@pytest.fixture
def duel() -> Callable[..., tuple[Game, DuelState]]:
    """Factory of one-duel scenarios (see build_duel)."""
    return build_duel


@pytest.fixture
def at() -> Callable[[Game, int, int], int]:
    """Flat tile index of (x, y) in a game's arena."""
    return tile


def forced(hit: float = 0.0, damage: float = 0.0, extract: float = 0.0) -> np.ndarray:
    """Forced draws for one step of one duel: below the chance hits, 0 rolls the lowest damage (version 4: a guarding
    enemy's strike at a walk into its reach rolls `extract` to hit and `damage`)."""
    return np.array([[hit, damage, extract, damage]])


@pytest.fixture
def draws() -> Callable[..., np.ndarray]:
    """Factory of forced draws (see forced)."""
    return forced


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run the `gladiator` command line in-process: returns (exit code, stdout, stderr)."""
    from gladiator.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        try:
            main([str(a) for a in args])
            code = 0
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        out, err = capsys.readouterr()
        return code, out, err

    return run


def bare(events: list[dict]) -> list[dict]:
    """Events without what each side is shown (`looks`) and what the attacker saw (`seen`): the rules' own facts."""
    return [{k: v for k, v in e.items() if k not in ("looks", "seen")} for e in events]


def one_line(code: int, err: str) -> str:
    """The one line a refused input prints: usage-error exit code 2, no traceback; returns the line."""
    assert code == 2, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def play_out(app, screen, dt: float = 0.05, frames: int = 20000, animated: bool = False) -> None:
    """Frame a window's duel screen until its duel ends (and, when `animated`, its last animation too), waiting for
    the bots' worker thread before each frame rather than counting frames (a busy machine); fails past `frames`."""
    for _ in range(frames):
        if screen.state.done[0] and not (animated and screen.anim.busy):
            return
        screen.settle()
        app.frame([], dt)
    raise AssertionError(f"the duel did not end within {frames} frames")


def terminal_sigint() -> None:
    """For `preexec_fn`: the child gets Ctrl-C as in a terminal. A shell starts background jobs with SIGINT ignored, and
    Python keeps an ignored SIGINT ignored, so a suite run in the background would otherwise start runs that cannot be
    interrupted."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def stored_chunks(db: Path) -> int:
    """Whole chunks in a results store (0 while it is not there or not readable yet)."""
    try:
        con = sqlite3.connect(db, timeout=1)
        try:
            return con.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def kept_duels(db: Path, n: int) -> int:
    """Duels a results store of an `-n n` run holds: whole chunks, and the parts of chunks a run of slow duels stores
    as it goes."""
    from gladiator.batch.chunks import chunk_size_for

    con = sqlite3.connect(db, timeout=5)
    try:
        parts = con.execute("SELECT COALESCE(SUM(duels), 0) FROM parts").fetchone()[0]
        return con.execute("SELECT COUNT(*) FROM chunks").fetchone()[0] * chunk_size_for(n) + parts
    finally:
        con.close()

