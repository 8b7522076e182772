"""The heuristic bot's weights: what it counts a point of integrity, heat, Nectar, distance or a disguise worth.

They are numbers of a bot, not of the rules, and they are data: one file beside this module (`heuristic.yaml`),
read by the bot, with the command that fitted them and its figures beside them, so that a rule change is followed by
a re-fit (`benchmarks/fit_heuristic.py`), never by hand edits. A bot may be given other weights by name
(`heuristic:aggression=1.0,run_margin=2`) or from a file of the same form (`heuristic:weights=my_weights.yaml`).
Imports the catalog's safe YAML loading and pydantic only.
"""

from __future__ import annotations

import hashlib
import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from gladiator.catalog.loader import read_yaml, validate_data
from gladiator.errors import DataErrors, GladiatorError

DEFAULT_FILE = Path(__file__).with_name("heuristic.yaml")
# the shipped weights of each rules version (version 4's fitted for it: `benchmarks/fit_heuristic.py --rules 4`)
DEFAULT_FILES = {3: DEFAULT_FILE, 4: Path(__file__).with_name("heuristic-v4.yaml")}


class Weights(BaseModel):
    """The heuristic bot's weights; every one a finite number within its bounds (integrity points unless said)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    low_nectar: float = Field(ge=0, le=100, description="inject at or below this much Nectar")
    melt_weight: float = Field(ge=0, le=10, description="one point of melt on the enemy, doubled near its overheating")
    overheat_weight: float = Field(ge=0, le=20, description="each point of its own heat above capacity at its next turn")
    win_bonus: float = Field(ge=0, le=200, description="ending the duel, beyond the enemy's remaining integrity")
    loss_bonus: float = Field(ge=0, le=200, description="not losing it, beyond its own integrity")
    guard_factor: float = Field(ge=0, le=1, description="the share of the enemy's threat guarding leaves")
    cache_weight: float = Field(ge=0, le=10, description="one point of Nectar from a cache, when short of Nectar")
    cache_nectar: float = Field(ge=0, le=100, description="short of Nectar: at or below this much")
    threat_weight: float = Field(ge=0, le=5, description="the enemy's reply, against its own strikes (1: the same)")
    future_weight: float = Field(ge=0, le=5, description="the strikes it could make next turn from a tile, now")
    aggression: float = Field(ge=0, le=20, description="each step of path distance from the enemy")
    clock_aggression: float = Field(ge=0, le=20, description="and more a step when its Nectar would run out first")
    disguise_worth: float = Field(ge=0, le=100, description="a tile where a suit that can mimic ends its turn disguised")
    catch_hurt: float = Field(ge=0, le=1, description="below this share of its integrity, a leaper's extraction counts in the reply")
    run_margin: float = Field(ge=0, le=100, description="by how much striking then stepping away must beat every other plan")
    melt_threat: float = Field(ge=0, le=5, description="the share of the overheating the enemy's melt threatens that counts")
    shot_heat: float = Field(0.0, ge=0, le=10, description="each point of heat a shot adds to the shooter (0: heat only caps "
                             "the shots a turn plans)")

    def key(self) -> str:
        """A short digest of the weights: equal weights, equal key."""
        text = json.dumps(self.model_dump(), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


class WeightsFile(BaseModel):
    """A weights file: the weights, and what fitted them (free text and figures, for people)."""

    model_config = ConfigDict(extra="forbid")

    weights: Weights
    fit: dict[str, Any] | None = None


NAMES = tuple(Weights.model_fields)


def load(path: Path | str | None = None, rules: int = 3) -> Weights:
    """The weights of a file (by default the shipped one of rules version `rules`); a bad file is one error naming the
    file, line and field."""
    if path is None:
        return _shipped(rules)
    return _read(Path(path))


def fit_record(path: Path | str | None = None) -> dict[str, Any] | None:
    """What fitted the weights of a file (the shipped one by default): its `fit` mapping, if any."""
    data, text = read_yaml(Path(path or DEFAULT_FILE))
    return validate_data(data, WeightsFile, str(path or DEFAULT_FILE), text).fit  # type: ignore[attr-defined]


def with_options(base: Weights, options: dict[str, object], bot: str = "heuristic") -> Weights:
    """`base` with the weights named in `options` changed (a bot's options); unknown names or bad values: one line."""
    unknown = [k for k in options if k not in NAMES]
    if unknown:
        raise GladiatorError(f"bot {bot!r}: unknown option {unknown[0]!r}; its options: weights, {', '.join(NAMES)}")
    for k, v in options.items():
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(float(v)):
            raise GladiatorError(f"bot {bot!r}: option {k!r} must be a finite number, got {v!r}")
    try:
        return Weights(**(base.model_dump() | {k: float(v) for k, v in options.items()}))  # type: ignore[arg-type]
    except ValidationError as e:
        err = e.errors()[0]
        raise GladiatorError(f"bot {bot!r}: option {err['loc'][0]!r}: {err['msg']}") from None


@lru_cache(maxsize=4)
def _shipped(rules: int = 3) -> Weights:
    return _read(DEFAULT_FILES[rules])


def _read(path: Path) -> Weights:
    try:
        data, text = read_yaml(path)
        return validate_data(data, WeightsFile, str(path), text).weights  # type: ignore[attr-defined]
    except DataErrors as e:
        raise GladiatorError(f"heuristic weights: {e}") from None
