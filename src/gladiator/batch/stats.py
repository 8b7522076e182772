"""Totals of a batch of duels and their statistics: counts that merge chunk by chunk, Wilson intervals.

A `Totals` holds only counts (wins, outcomes, a histogram of duel lengths), so a run of any
size keeps a few hundred integers in memory and chunks can be added in any order.
Imports numpy and the state's outcome codes only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gladiator.state import OUTCOMES

Z95 = 1.959963984540054  # two-sided 95% normal quantile
OUTCOME_NAMES = OUTCOMES[1:]  # destroyed, core_extracted, shutdown, draw


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of a proportion k/n (95% by default); (0, 1) when n is 0."""
    if n <= 0:
        return 0.0, 1.0
    p = k / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    lo = 0.0 if k == 0 else max(0.0, centre - half)
    hi = 1.0 if k == n else min(1.0, centre + half)
    return lo, hi


@dataclass
class Totals:
    """Counts over a set of duels between two named units; `wins` follow the order the units were named."""

    n: int = 0
    wins: list[int] = field(default_factory=lambda: [0, 0])
    draws: int = 0
    outcomes: dict[str, int] = field(default_factory=lambda: {k: 0 for k in OUTCOME_NAMES})
    side_wins: list[int] = field(default_factory=lambda: [0, 0])  # by spawn side A / B
    first_wins: int = 0  # decisive duels won by the side that moved first
    turns: list[int] = field(default_factory=list)  # histogram: turns[t] duels lasted t turns
    actions: int = 0
    columns: list[str] = field(default_factory=list)  # the event tally's columns (engine.tally_columns)
    events: list[list[int]] = field(default_factory=lambda: [[], []])  # per named unit: total of each column
    duels_with: list[list[int]] = field(default_factory=lambda: [[], []])  # per named unit: duels with each column > 0

    @classmethod
    def from_duels(cls, winner_named: np.ndarray, winner_side: np.ndarray, outcome: np.ndarray, turns: np.ndarray,
                   first: np.ndarray, actions: np.ndarray) -> "Totals":
        """Counts of finished duels given as arrays (winner -1 for a draw)."""
        t = cls()
        t.n = int(winner_named.shape[0])
        t.wins = [int((winner_named == 0).sum()), int((winner_named == 1).sum())]
        t.draws = t.n - t.wins[0] - t.wins[1]
        counts = np.bincount(outcome.astype(np.int64), minlength=len(OUTCOMES))
        t.outcomes = {name: int(counts[i + 1]) for i, name in enumerate(OUTCOME_NAMES)}
        t.side_wins = [int((winner_side == 0).sum()), int((winner_side == 1).sum())]
        t.first_wins = int(((winner_side >= 0) & (winner_side == first)).sum())
        t.turns = np.bincount(turns.astype(np.int64)).tolist() if t.n else []
        t.actions = int(actions.astype(np.int64).sum())
        return t

    def count_events(self, columns: list[str], tally: np.ndarray) -> "Totals":
        """Count the per-duel tallies (duels, 2 named units, columns) of these duels; returns self."""
        self.columns = list(columns)
        self.events = tally.sum(axis=0, dtype=np.int64).tolist()
        self.duels_with = (tally > 0).sum(axis=0).tolist()
        return self

    def event_counts(self, side: int) -> dict[str, dict[str, int]]:
        """Named unit `side`'s `events` and `duels_with` (kind -> count), `weapon_use` and `weapon_duels` (weapon id ->
        uses, and duels with a use) and `mimic_as` (unit id -> count), with zero counts of weapons and disguises left out."""
        out: dict[str, dict[str, int]] = {"events": {}, "duels_with": {}, "weapon_use": {}, "weapon_duels": {}, "mimic_as": {}}
        if not self.columns:
            return out
        for name, total, duels in zip(self.columns, self.events[side], self.duels_with[side]):
            if ":" not in name:
                out["events"][name] = int(total)
                out["duels_with"][name] = int(duels)
            elif total:
                kind, key = name.split(":", 1)
                group = out["weapon_use" if kind == "weapon" else "mimic_as"]
                group[key] = group.get(key, 0) + int(total)
                if kind == "weapon":  # a weapon id shared by two suits: its duels may be counted twice (an upper bound)
                    out["weapon_duels"][key] = out["weapon_duels"].get(key, 0) + int(duels)
        return out

    def duels_with_event(self, side: int, event: str) -> int:
        """Duels in which named unit `side` counted `event`: an event kind, or `weapon:<id>` (a use of that weapon)."""
        counts = self.event_counts(side)
        if event.startswith("weapon:"):
            return counts["weapon_duels"].get(event.split(":", 1)[1], 0)
        return counts["duels_with"].get(event, 0)

    def add(self, other: "Totals") -> "Totals":
        """Add another set of counts into this one (in place); returns self."""
        if other.columns:
            if not self.columns:
                self.columns = list(other.columns)
                self.events = [[0] * len(other.columns) for _ in range(2)]
                self.duels_with = [[0] * len(other.columns) for _ in range(2)]
            if other.columns != self.columns:
                raise ValueError("totals of different games cannot be added")
            for k in range(2):
                self.events[k] = [a + b for a, b in zip(self.events[k], other.events[k])]
                self.duels_with[k] = [a + b for a, b in zip(self.duels_with[k], other.duels_with[k])]
        self.n += other.n
        self.wins = [a + b for a, b in zip(self.wins, other.wins)]
        self.draws += other.draws
        self.outcomes = {k: self.outcomes.get(k, 0) + other.outcomes.get(k, 0) for k in OUTCOME_NAMES}
        self.side_wins = [a + b for a, b in zip(self.side_wins, other.side_wins)]
        self.first_wins += other.first_wins
        if len(other.turns) > len(self.turns):
            self.turns = self.turns + [0] * (len(other.turns) - len(self.turns))
        for i, c in enumerate(other.turns):
            self.turns[i] += c
        self.actions += other.actions
        return self

    # ---- derived figures ----
    @property
    def decisive(self) -> int:
        """Duels that someone won."""
        return self.wins[0] + self.wins[1]

    def win_rate(self, side: int) -> float:
        """Share of all duels won by named unit `side` (0 or 1)."""
        return self.wins[side] / self.n if self.n else 0.0

    def win_interval(self, side: int) -> tuple[float, float]:
        """Wilson 95% interval of the win rate of named unit `side`."""
        return wilson(self.wins[side], self.n)

    @property
    def stalled(self) -> int:
        """Duels that ended in a draw or a shutdown: the turn limit or the Nectar clock, not a blow."""
        return self.outcomes["draw"] + self.outcomes["shutdown"]

    def draw_interval(self) -> tuple[float, float]:
        """Wilson 95% interval of the draw rate."""
        return wilson(self.draws, self.n)

    def mean_turns(self) -> float:
        """Mean duel length in turns."""
        return sum(i * c for i, c in enumerate(self.turns)) / self.n if self.n else 0.0

    def median_turns(self) -> float:
        """Median duel length in turns (the mean of the two middle ones for an even count)."""
        if not self.n:
            return 0.0
        cum = np.cumsum(self.turns)
        lo = int(np.searchsorted(cum, (self.n + 1) // 2))
        hi = int(np.searchsorted(cum, self.n // 2 + 1))
        return (lo + hi) / 2.0

    def first_mover_rate(self) -> float:
        """Share of decisive duels won by the side that moved first."""
        return self.first_wins / self.decisive if self.decisive else 0.0

    def side_a_rate(self) -> float:
        """Share of decisive duels won from spawn A: 0.5 means no side bias."""
        return self.side_wins[0] / self.decisive if self.decisive else 0.0

    def histogram(self, bins: int = 8) -> list[tuple[int, int, int]]:
        """Duel lengths in at most `bins` equal ranges: (first turn, last turn, duels)."""
        nz = [i for i, c in enumerate(self.turns) if c]
        if not nz:
            return []
        lo, hi = nz[0], nz[-1]
        width = max(1, math.ceil((hi - lo + 1) / bins))
        out = []
        for start in range(lo, hi + 1, width):
            end = min(hi, start + width - 1)
            out.append((start, end, sum(self.turns[start : end + 1])))
        return out

    # ---- serialisation ----
    def to_json(self) -> dict[str, Any]:
        """The raw counts as JSON-ready data (what the results file stores per chunk)."""
        return {"n": self.n, "wins": self.wins, "draws": self.draws, "outcomes": self.outcomes,
                "side_wins": self.side_wins, "first_wins": self.first_wins, "turns": self.turns, "actions": self.actions,
                "columns": self.columns, "events": self.events, "duels_with": self.duels_with}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "Totals":
        """Counts read back from `to_json`."""
        return cls(n=int(d["n"]), wins=list(d["wins"]), draws=int(d["draws"]), outcomes=dict(d["outcomes"]),
                   side_wins=list(d["side_wins"]), first_wins=int(d["first_wins"]), turns=list(d["turns"]),
                   actions=int(d["actions"]), columns=list(d.get("columns", [])),
                   events=[list(v) for v in d.get("events", [[], []])],
                   duels_with=[list(v) for v in d.get("duels_with", [[], []])])

    def key(self) -> tuple:
        """Everything counted, as a comparable value (equal totals have equal keys)."""
        turns = list(self.turns)
        while turns and turns[-1] == 0:
            turns.pop()
        return (self.n, tuple(self.wins), self.draws, tuple(sorted(self.outcomes.items())), tuple(self.side_wins),
                self.first_wins, tuple(turns), self.actions, tuple(self.columns),
                tuple(tuple(v) for v in self.events), tuple(tuple(v) for v in self.duels_with))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Totals) and self.key() == other.key()
