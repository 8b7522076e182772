"""Replays: the rules version, seed, a copy of the unit and arena data with hashes, every action.

A replay carries its own data, so it stays playable after the unit files are rebalanced.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import ValidationError

from gladiator import RULES_VERSION, engine
from gladiator.catalog.loader import content_hash
from gladiator.catalog.schema import Arena, Unit
from gladiator.duel import DuelResult, result_of
from gladiator.errors import GladiatorError, ReplayError
from gladiator.game import Game, make_game
from gladiator.state import DuelState

FORMAT = "gladiator-replay"
FORMAT_VERSION = 1


def state_digest(s: DuelState) -> str:
    """sha256 over every array of a state: two states with one digest are the same."""
    h = hashlib.sha256()
    for name in sorted(vars(s)):
        h.update(name.encode())
        h.update(np.ascontiguousarray(getattr(s, name)).tobytes())
    return h.hexdigest()


def make_replay(game: Game, result: DuelResult, bots: tuple[str, str]) -> dict[str, Any]:
    """The replay of a played duel as JSON-ready data."""
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION, "rules_version": RULES_VERSION,
        "seed": result.seed, "units": list(result.units), "arena": game.arena.id, "bots": list(bots),
        "roster": [u.model_dump(mode="json") for u in game.roster],
        "arena_data": game.arena.model_dump(mode="json"),
        "hashes": {"units": {u.id: content_hash(u) for u in game.roster}, "arena": content_hash(game.arena)},
        "actions": result.actions,
        "result": {"winner": result.winner, "winner_index": result.winner_index, "outcome": result.outcome,
                   "turns": result.turns, "digest": state_digest(result.state) if result.state is not None else None},
    }


def save_replay(path: Path | str, data: dict[str, Any]) -> None:
    """Write a replay file."""
    try:
        Path(path).write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    except OSError as e:
        raise GladiatorError(f"{path}: cannot write replay: {e.strerror or e}") from None


def load_replay(path: Path | str) -> tuple[Game, dict[str, Any]]:
    """Read and check a replay file; returns the game it was fought in and its data."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except OSError as e:
        raise ReplayError(f"{p}: cannot read replay: {e.strerror or e}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        line = getattr(e, "lineno", None)
        raise ReplayError(f"{p}{':' + str(line) if line else ''}: corrupt replay: not valid JSON") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ReplayError(f"{p}: not a gladiator replay (no 'format: {FORMAT}')")
    for key, typ in (("seed", int), ("units", list), ("actions", list), ("roster", list), ("arena_data", dict), ("hashes", dict), ("rules_version", str)):
        if not isinstance(data.get(key), typ):
            raise ReplayError(f"{p}: corrupt replay: field {key!r} is missing or not a {typ.__name__}")
    if data["rules_version"] != RULES_VERSION:
        raise ReplayError(f"{p}: replay was recorded under rules version {data['rules_version']}, this is {RULES_VERSION}")
    try:
        roster = [Unit.model_validate(u) for u in data["roster"]]
        arena = Arena.model_validate(data["arena_data"])
    except ValidationError as e:
        err = e.errors()[0]
        raise ReplayError(f"{p}: corrupt replay: {'.'.join(str(x) for x in err['loc'])}: {err['msg']}") from None
    hashes = data["hashes"]
    for u in roster:
        if hashes.get("units", {}).get(u.id) != content_hash(u):
            raise ReplayError(f"{p}: tampered replay: unit {u.id!r} does not match its hash")
    if hashes.get("arena") != content_hash(arena):
        raise ReplayError(f"{p}: tampered replay: arena {arena.id!r} does not match its hash")
    if not all(isinstance(a, int) and not isinstance(a, bool) for a in data["actions"]):
        raise ReplayError(f"{p}: corrupt replay: actions must be whole numbers")
    if len(data["units"]) != 2 or not all(isinstance(u, str) for u in data["units"]):
        raise ReplayError(f"{p}: corrupt replay: 'units' must name two units")
    game = make_game(roster, arena)
    for u in data["units"]:
        if u not in game.index:
            raise ReplayError(f"{p}: corrupt replay: unit {u!r} is not in the replay's roster")
    if data["seed"] < 0:
        raise ReplayError(f"{p}: corrupt replay: negative seed")
    return game, data


def replay_states(game: Game, data: dict[str, Any], upto: int | None = None, events: bool = False) -> tuple[DuelState, list[dict]]:
    """Re-run the engine through the first `upto` actions (all by default); raises ReplayError where it diverges."""
    units = (data["units"][0], data["units"][1])
    s = engine.new_duels(game, units, [data["seed"]])
    log: list[dict] = []
    acts = data["actions"] if upto is None else data["actions"][:upto]
    for k, a in enumerate(acts):
        if s.done[0]:
            raise ReplayError(f"replay diverges at action {k + 1}: the duel already ended at turn {int(s.turn[0])}")
        try:
            s, ev = engine.step(game, s, [a], events=events)
        except GladiatorError as e:
            raise ReplayError(f"replay diverges at action {k + 1} (turn {int(s.turn[0])}): {e}") from None
        if ev:
            log.extend(ev[0])
    return s, log


def verify(path: Path | str) -> DuelResult:
    """Replay a file through the engine and confirm its recorded result; raises ReplayError on divergence."""
    game, data = load_replay(path)
    s, _ = replay_states(game, data)
    units = (data["units"][0], data["units"][1])
    res = result_of(game, s, 0, units, data["seed"], list(data["actions"]), [])
    if not s.done[0]:
        raise ReplayError(f"replay diverges: the actions end at turn {int(s.turn[0])} with the duel still going")
    rec = data.get("result") or {}
    got = {"winner_index": res.winner_index, "outcome": res.outcome, "turns": res.turns}
    for k, v in got.items():
        if k in rec and rec[k] != v:
            raise ReplayError(f"replay diverges: recorded {k} {rec[k]!r}, the engine gives {v!r}")
    if rec.get("digest") and rec["digest"] != state_digest(res.state):  # type: ignore[arg-type]
        raise ReplayError("replay diverges: the final state differs from the recorded one")
    return res
