"""Replays: the rules version, seed, a copy of the unit and arena data with hashes, every action.

A replay is played back under the rules version it was recorded in (any of `game.RULES_VERSIONS`).

A replay carries its own data, so it stays playable after the unit files are rebalanced.
A replay read back is checked field by field (type and range) before anything uses it, within
the limits of docs/limits.md (file size, nesting, digits, no NaN or infinity), and every
message names the file.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any, Literal, Optional

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, ValidationError

from gladiator import engine
from gladiator.catalog.loader import content_hash
from gladiator.catalog.schema import Arena, Unit
from gladiator.duel import DuelResult, result_of
from gladiator.errors import GladiatorError, ReplayError
from gladiator.files import MAX_REPLAY_BYTES, REPLAY_FORMAT, read_limited, write_text_atomic
from gladiator.game import RULES_VERSIONS, Game, make_game
from gladiator.state import OUTCOMES, DuelState

FORMAT = REPLAY_FORMAT
FORMAT_VERSION = 1
MAX_DIGITS = 30  # digits of a number in a replay
MAX_ROSTER = 256  # units a replay may carry
MAX_REPLAY_ACTIONS = 2_000_000
PLAYED_VERSIONS = tuple(str(v) for v in RULES_VERSIONS)  # the rules_version a replay may hold ("3", "4")


class _Fields(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class _Hashes(_Fields):
    units: dict[StrictStr, StrictStr]
    arena: StrictStr


class _Result(_Fields):
    winner: Optional[StrictStr] = None
    winner_index: Optional[Literal[0, 1]] = None
    outcome: Literal[OUTCOMES[1:]] = Field(...)  # type: ignore[valid-type]
    turns: StrictInt = Field(ge=0, le=10**6)
    digest: Optional[StrictStr] = Field(None, pattern=r"^[0-9a-f]{64}$")


class _ReplayFile(_Fields):
    """The fields of a replay file, each with its type and range."""

    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)
    format: Literal["gladiator-replay"]
    format_version: StrictInt = Field(ge=FORMAT_VERSION, le=FORMAT_VERSION)
    rules_version: StrictStr
    seed: StrictInt = Field(ge=0, lt=2**63)
    units: list[StrictStr] = Field(min_length=2, max_length=2)
    arena: Optional[StrictStr] = None
    bots: Optional[list[StrictStr]] = Field(None, min_length=2, max_length=2)
    roster: list[dict] = Field(min_length=1, max_length=MAX_ROSTER)
    arena_data: dict
    hashes: _Hashes
    actions: list[StrictInt] = Field(max_length=MAX_REPLAY_ACTIONS)
    result: Optional[_Result] = None
    disguise: Optional[list[Optional[StrictStr]]] = Field(None, min_length=2, max_length=2)


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
        "format": FORMAT, "format_version": FORMAT_VERSION, "rules_version": str(game.rules),
        "seed": result.seed, "units": list(result.units), "arena": game.arena.id, "bots": list(bots),
        "roster": [u.model_dump(mode="json") for u in game.roster],
        "arena_data": game.arena.model_dump(mode="json"),
        "hashes": {"units": {u.id: content_hash(u) for u in game.roster}, "arena": content_hash(game.arena)},
        "disguise": list(result.disguise) if result.disguise else None,
        "actions": result.actions,
        "result": {"winner": result.winner, "winner_index": result.winner_index, "outcome": result.outcome,
                   "turns": result.turns, "digest": state_digest(result.state) if result.state is not None else None},
    }


def save_replay(path: Path | str, data: dict[str, Any]) -> None:
    """Write a replay file."""
    write_text_atomic(path, json.dumps(data, indent=1) + "\n", "replay")


def load_replay(path: Path | str) -> tuple[Game, dict[str, Any]]:
    """Read and check a replay file; returns the game it was fought in and its data."""
    p = Path(path)
    try:
        raw = read_limited(p, MAX_REPLAY_BYTES, "replay")
    except GladiatorError as e:
        raise ReplayError(str(e)) from None
    try:
        data = json.loads(raw.decode("utf-8"), parse_int=_int, parse_float=_float, parse_constant=_constant,
                          object_pairs_hook=_no_duplicates)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        line = getattr(e, "lineno", None)
        raise ReplayError(f"{p}{':' + str(line) if line else ''}: corrupt replay: not valid JSON") from None
    except RecursionError:
        raise ReplayError(f"{p}: corrupt replay: nested too deeply") from None
    except ValueError as e:
        raise ReplayError(f"{p}: corrupt replay: {e}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ReplayError(f"{p}: not a gladiator replay (no 'format: {FORMAT}')")
    version = data.get("rules_version")
    if isinstance(version, str) and version not in PLAYED_VERSIONS:
        shown = version if re.fullmatch(r"[0-9]{1,10}", version) else _short(version)
        raise ReplayError(f"{p}: replay was recorded under rules version {shown}; this program plays versions "
                          f"{', '.join(PLAYED_VERSIONS[:-1])} and {PLAYED_VERSIONS[-1]}")
    try:
        _ReplayFile.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        where = ".".join(str(x) for x in err["loc"]) or "replay"
        raise ReplayError(f"{p}: corrupt replay: field {where!r}: {err['msg']}") from None
    try:
        roster = [Unit.model_validate(u) for u in data["roster"]]
        arena = Arena.model_validate(data["arena_data"])
    except (ValidationError, RecursionError) as e:
        if isinstance(e, RecursionError):
            raise ReplayError(f"{p}: corrupt replay: nested too deeply") from None
        err = e.errors()[0]
        raise ReplayError(f"{p}: corrupt replay: {'.'.join(str(x) for x in err['loc'])}: {err['msg']}") from None
    if len({u.id for u in roster}) != len(roster):
        raise ReplayError(f"{p}: corrupt replay: the roster names a unit twice")
    hashes = data["hashes"]
    for u in roster:
        if hashes["units"].get(u.id) != content_hash(u):
            raise ReplayError(f"{p}: tampered replay: unit {u.id!r} does not match its hash")
    if hashes["arena"] != content_hash(arena):
        raise ReplayError(f"{p}: tampered replay: arena {arena.id!r} does not match its hash")
    try:
        game = make_game(roster, arena, int(data["rules_version"]))
    except GladiatorError as e:
        raise ReplayError(f"{p}: corrupt replay: {e}") from None
    for u in [*data["units"], *(d for d in data.get("disguise") or () if d is not None)]:
        if u not in game.index:
            raise ReplayError(f"{p}: corrupt replay: unit {_short(u)} is not in the replay's roster")
    n = game.space.n
    bad = next((k for k, a in enumerate(data["actions"]) if not 0 <= a < n), None)
    if bad is not None:
        raise ReplayError(f"{p}: corrupt replay: action {bad + 1} is {_short(data['actions'][bad])}, outside the action space 0..{n - 1}")
    limit = (arena.turn_limit + 2) * 64
    if len(data["actions"]) > limit:
        raise ReplayError(f"{p}: corrupt replay: {len(data['actions'])} actions, more than a duel in this arena can take ({limit})")
    return game, data


def replay_states(game: Game, data: dict[str, Any], upto: int | None = None, events: bool = False,
                  path: Path | str | None = None) -> tuple[DuelState, list[dict]]:
    """Re-run the engine through the first `upto` actions (all by default); raises ReplayError (naming `path`) where it diverges."""
    try:
        return _replay_states(game, data, upto, events)
    except ReplayError as e:
        if path is None:
            raise
        raise ReplayError(f"{path}: {e}") from None


def _replay_states(game: Game, data: dict[str, Any], upto: int | None, events: bool) -> tuple[DuelState, list[dict]]:
    units = (data["units"][0], data["units"][1])
    disguise = tuple(data["disguise"]) if data.get("disguise") else None
    try:
        s = engine.new_duels(game, units, [data["seed"]], disguise=disguise)  # type: ignore[arg-type]
    except GladiatorError as e:
        raise ReplayError(f"corrupt replay: {e}") from None
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
    s, _ = replay_states(game, data, path=path)
    units = (data["units"][0], data["units"][1])
    res = result_of(game, s, 0, units, data["seed"], list(data["actions"]), [])
    if not s.done[0]:
        raise ReplayError(f"{path}: replay diverges: the actions end at turn {int(s.turn[0])} with the duel still going")
    rec = data.get("result") or {}
    got = {"winner_index": res.winner_index, "outcome": res.outcome, "turns": res.turns}
    for k, v in got.items():
        if k in rec and rec[k] != v:
            raise ReplayError(f"{path}: replay diverges: recorded {k} {_short(rec[k])}, the engine gives {v!r}")
    if rec.get("digest") and rec["digest"] != state_digest(res.state):  # type: ignore[arg-type]
        raise ReplayError(f"{path}: replay diverges: the final state differs from the recorded one")
    return res


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise ValueError(f"a number with more than {MAX_DIGITS} digits")
    return int(text)


def _float(text: str) -> float:
    if sum(c.isdigit() for c in text) > MAX_DIGITS + 10:
        raise ValueError(f"a number with more than {MAX_DIGITS} digits")
    v = float(text)
    if not np.isfinite(v):
        raise ValueError(f"the number {text[:20]} is not finite")
    return v


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    d = dict(pairs)
    if len(d) != len(pairs):
        seen: set[str] = set()
        twice = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        raise ValueError(f"the key {_short(twice)} is given twice in one object")
    return d


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number a replay may hold")


def _short(v: Any) -> str:
    text = repr(v)
    return text if len(text) <= 40 else text[:37] + "..."
