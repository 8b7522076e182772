"""The heuristic bot's choices, recorded: its speed-ups must not change a single decision.

`golden/heuristic_choices.npz` holds, for every arena, a few thousand positions (met while
random, greedy and heuristic bots played every pairing, some with a disguise on, plus copies with
heat, Nectar, integrity, points, facing and flags shuffled to reach the rare branches) and the
heuristic bot's pick in each, and the final states of whole heuristic duels from fixed seeds. The
game data (units and arenas) is stored with them, as a replay carries its own, so rebalancing the
YAML files does not move them; a change of the rules or of the bot's behaviour does, and then the
file is rewritten with GLADIATOR_UPDATE_GOLDEN=1 (and the change reviewed).
"""

from __future__ import annotations

import json
import os
from dataclasses import fields
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

from gladiator import engine
from gladiator.bots import make_bot
from gladiator.catalog import load_catalog
from gladiator.catalog.schema import Arena, Unit
from gladiator.driver import decide, play_batch
from gladiator.game import Game, make_game
from gladiator.state import DuelState

GOLDEN = Path(__file__).parent / "golden" / "heuristic_choices.npz"
ARENAS = ("concert_hall", "rooftops", "nectar_depot", "open_field")
POSITIONS = 2400  # per arena
DUELS = 48  # whole duels per arena


def test_the_heuristic_bot_chooses_as_recorded() -> None:
    data = _golden()
    checked = 0
    for arena in ARENAS:
        game = _game(data, arena)
        s = _state(data, f"{arena}/pos")
        bot = make_bot("heuristic")
        picks = decide(game, s, (bot, bot))[0]
        want = data[f"{arena}/picks"]
        wrong = np.flatnonzero(picks != want)
        assert wrong.size == 0, f"{arena}: {wrong.size} of {s.batch} choices changed, first at position {wrong[:5]}"
        # a duel decides the same alone, in a small batch and in a large one
        for lo, hi in ((0, 1), (1, 7), (7, 300)):
            assert np.array_equal(decide(game, s.take(np.arange(lo, hi)), (bot, bot))[0], want[lo:hi])
        checked += s.batch
    assert checked == len(ARENAS) * POSITIONS


def test_whole_heuristic_duels_end_as_recorded() -> None:
    data = _golden()
    for arena in ARENAS:
        game = _game(data, arena)
        start = _state(data, f"{arena}/start")
        final = play_batch(game, start, (make_bot("heuristic"), make_bot(str(data[f"{arena}/opponent"]))))
        want = _state(data, f"{arena}/final")
        for f in fields(DuelState):
            assert np.array_equal(getattr(final, f.name), getattr(want, f.name)), f"{arena}: {f.name} differs"


# ---- the recording ----

@lru_cache(maxsize=1)
def _golden() -> dict[str, np.ndarray]:
    if os.environ.get("GLADIATOR_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        np.savez_compressed(GOLDEN, **_record())
    if not GOLDEN.exists():
        pytest.fail(f"no recorded choices {GOLDEN}: run with GLADIATOR_UPDATE_GOLDEN=1 and review the change")
    with np.load(GOLDEN, allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


def _game(data: dict[str, np.ndarray], arena: str) -> Game:
    roster = [Unit.model_validate(u) for u in json.loads(str(data["roster"]))]
    return make_game(roster, Arena.model_validate(json.loads(str(data[f"{arena}/arena"]))))


def _state(data: dict[str, np.ndarray], prefix: str) -> DuelState:
    B = len(data[f"{prefix}/done"])
    # (`may_charge` and `staggered`, version 4's, came after the golden states were stored: a version-3 duel never
    # charges and is never staggered)
    later = {"may_charge": (B,), "staggered": (B, 2)}
    return DuelState(**{f.name: data[f"{prefix}/{f.name}"].copy() if f"{prefix}/{f.name}" in data else np.zeros(later[f.name], bool)
                        for f in fields(DuelState)})


def _store(out: dict[str, np.ndarray], prefix: str, s: DuelState) -> None:
    for f in fields(DuelState):
        out[f"{prefix}/{f.name}"] = getattr(s, f.name)


def _record() -> dict[str, np.ndarray]:
    """Positions, the heuristic bot's picks in them, and whole duels, from the code as it is now."""
    cat = load_catalog()
    roster = [cat.units[k] for k in sorted(cat.units)]
    out: dict[str, np.ndarray] = {"roster": np.array(json.dumps([u.model_dump(mode="json") for u in roster]))}
    rng = np.random.default_rng(20261125)
    for n, arena in enumerate(ARENAS):
        game = make_game(roster, cat.arena(arena))
        out[f"{arena}/arena"] = np.array(json.dumps(game.arena.model_dump(mode="json")))
        played = _played(game, rng)
        pick = rng.choice(played.batch, POSITIONS, replace=False)
        s = _shuffled(game, played.take(np.sort(pick)), rng)
        bot = make_bot("heuristic")
        _store(out, f"{arena}/pos", s)
        out[f"{arena}/picks"] = decide(game, s, (bot, bot))[0]
        start = _starts(game, DUELS, 1000 + 100 * n, rng)
        opponent = ("heuristic", "greedy")[n % 2]
        _store(out, f"{arena}/start", start)
        out[f"{arena}/opponent"] = np.array(opponent)
        _store(out, f"{arena}/final", play_batch(game, start, (bot, make_bot(opponent))))
    return out


def _starts(game: Game, n: int, seed0: int, rng: np.random.Generator) -> DuelState:
    """New duels of random pairings, a third of them with every mimic-able suit disguised at the start."""
    U = len(game.roster)
    units = rng.integers(0, U, size=(n, 2))
    looks = rng.integers(0, U, size=(n, 2))
    dis = np.where(game.tables.can_mimic[units] & (looks != units) & (np.arange(n) % 3 == 0)[:, None], looks, -1)
    return engine.new_duels(game, units, np.arange(n) + seed0, disguise=dis)


def _played(game: Game, rng: np.random.Generator) -> DuelState:
    """Every live position met while a mix of bots plays duels of every pairing to the end."""
    bots = [make_bot(b) for b in ("heuristic", "greedy", "random", "heuristic")]
    s = _starts(game, 96, 1, rng)
    seen = []
    while not s.done.all():
        live = np.flatnonzero(~s.done)
        sub = s.take(live)
        seen.append(sub)
        k = rng.integers(0, len(bots), size=2)
        acts = np.full(s.batch, 0, dtype=np.int64)
        acts[live] = decide(game, sub, (bots[k[0]], bots[k[1]]))[0]
        s, _ = engine.step(game, s, acts)
    return DuelState.concat(seen)


def _shuffled(game: Game, s: DuelState, rng: np.random.Generator) -> DuelState:
    """A third of the positions with their numbers shuffled within the ranges a duel can reach, to reach rare branches."""
    s = s.copy()
    t, geo = game.tables, game.geo
    m = np.flatnonzero(rng.random(s.batch) < 1 / 3)
    u = s.unit[m]
    tiles = np.flatnonzero(geo.passable)
    pos = rng.choice(tiles, size=(m.size, 2))
    clash = pos[:, 0] == pos[:, 1]
    pos[clash, 1] = np.where(pos[clash, 0] == tiles[0], tiles[1], tiles[0])
    s.pos[m] = pos
    s.facing[m] = rng.integers(0, 8, size=(m.size, 2))
    s.integrity[m] = np.maximum(1, (rng.random((m.size, 2)) * (t.integrity[u] + 1)).astype(np.int32))
    s.heat[m] = (rng.random((m.size, 2)) * (t.heat_capacity[u] + 8)).astype(np.int32)
    s.nectar[m] = np.maximum(1, (rng.random((m.size, 2)) * (t.nectar[u] + 1)).astype(np.int32))
    s.doses[m] = (rng.random((m.size, 2)) * (t.nectar_doses[u] + 1)).astype(np.int16)
    s.ap[m] = np.maximum(1, (rng.random(m.size) * (t.actions[s.unit[m, s.active[m]]] + 1))).astype(np.int16)
    for name, p in (("guard", 0.2), ("exposed", 0.2), ("caught", 0.2)):
        getattr(s, name)[m] = rng.random((m.size, 2)) < p
    return s
