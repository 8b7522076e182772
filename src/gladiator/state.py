"""DuelState: one or many duels as numpy arrays with a leading batch axis. Imports numpy only."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

# Outcome codes
NONE, DESTROYED, CORE_EXTRACTED, SHUTDOWN, DRAW, FORFEIT = 0, 1, 2, 3, 4, 5
OUTCOMES = ("none", "destroyed", "core_extracted", "shutdown", "draw", "forfeit")
# What people read for each outcome (logs, tables, the window): the one place these words are kept.
OUTCOME_LABELS = {"destroyed": "destroyed", "core_extracted": "core extracted", "shutdown": "shutdown",
                  "draw": "draw (turn limit)", "forfeit": "forfeit (illegal action)"}


# What the engine counts per duel and side when asked (`engine.step(..., tally=...)`): these kinds, then one
# column per (weapon set, slot) fired, then one per roster unit mimicked (see `tally_columns`).
EVENT_KINDS = ("move", "leap", "attack", "rear_attack", "hit", "extract_attempt", "extract_success", "guard", "vent",
               "inject", "mimic", "cache_taken", "hazard_turn", "overheated_turn")
EV = {k: i for i, k in enumerate(EVENT_KINDS)}


class EventCount:
    """Counts a step's events into a caller's (N, 2, K) int tally through its flat array; duel b counts in row rows[b].

    The tally may be laid out row by row (C order) or column by column (Fortran order, as `engine.new_tally` makes
    it): a step counts one column for many duels at a time, which the second keeps close together in memory.
    """

    def __init__(self, tally: np.ndarray, rows: np.ndarray) -> None:
        """Count into `tally` (C- or Fortran-contiguous, so its flat array is a view), duel b in row `rows[b]`."""
        n, _, width = tally.shape
        if tally.flags.c_contiguous:
            self.flat = tally.reshape(-1)
            row_step, self.side_step, self.col_step = 2 * width, width, 1
        else:
            self.flat = tally.reshape(-1, order="F")
            row_step, self.side_step, self.col_step = 1, n, 2 * n
        self.rows = np.asarray(rows, dtype=np.intp) * row_step

    def cells(self, idx: np.ndarray, side: np.ndarray) -> np.ndarray:
        """Where the row of side `side[i]` of duel `idx[i]` begins in the flat tally."""
        return self.rows.take(idx) + np.asarray(side, dtype=np.intp) * self.side_step  # offsets past any small int type

    def add(self, cells: np.ndarray, col: np.ndarray | int, hits: np.ndarray | int = 1) -> None:
        """Count `hits` (1, or one number per cell) events in column `col` of rows `cells` (distinct: none repeats)."""
        if isinstance(hits, np.ndarray) and hits.dtype == bool:  # one event or none: only the cells that have one
            cells = cells[hits]
            col = col[hits] if isinstance(col, np.ndarray) and col.ndim else col
            hits = 1
        if isinstance(col, np.ndarray):
            col = col.astype(np.intp, copy=False)  # a column from a suit's index (int16) times a chunk's stride overflows it
        self.flat[cells + col * self.col_step] += hits

    def __call__(self, idx: np.ndarray, side: np.ndarray, col: np.ndarray | int, hits: np.ndarray | int = 1) -> None:
        """Count `hits` events in column `col` for side `side[i]` of each duel `idx[i]` (distinct duels)."""
        self.add(self.cells(idx, side), col, hits)


def pick(values: np.ndarray, rows: np.ndarray, cols: np.ndarray | int) -> np.ndarray:
    """values[rows, cols] of a 2-D array, gathered through the flat array (several times faster than fancy indexing)."""
    flat = values.reshape(-1)
    return flat.take(np.asarray(rows, dtype=np.intp) * values.shape[1] + cols)


class SideCells:
    """The cells (duel idx[i], side[i]) of a state's (B, 2) arrays, read and written through the flat arrays."""

    def __init__(self, state: "DuelState", idx: np.ndarray, side: np.ndarray) -> None:
        """Address side `side[i]` of duel `idx[i]`."""
        self.state, self.idx = state, idx
        self.flat = np.asarray(idx, dtype=np.intp) * 2 + side

    @property
    def side(self) -> np.ndarray:
        """The side of each cell."""
        return self.flat & 1

    def opposite(self) -> "SideCells":
        """The cells of the other side of the same duels."""
        other = SideCells.__new__(SideCells)
        other.state, other.idx = self.state, self.idx
        other.flat = self.flat ^ 1  # side 0 and side 1 of a duel are neighbours in the flat array
        return other

    def get(self, name: str) -> np.ndarray:
        """The values (a copy)."""
        return getattr(self.state, name).reshape(-1).take(self.flat)

    def set(self, name: str, values: np.ndarray | int | float | bool) -> None:
        """Write the values (in place)."""
        arr = getattr(self.state, name)
        if arr.flags.c_contiguous:
            arr.reshape(-1)[self.flat] = values
        else:  # pragma: no cover - states are built contiguous; kept for arrays made elsewhere
            arr[self.idx, self.side] = values


@dataclass
class DuelState:
    """Every changing fact of a batch of duels; side 0 is the first unit named, side 1 the second."""

    unit: np.ndarray  # (B, 2) int16 roster index of each side's suit
    pos: np.ndarray  # (B, 2) int16 tile
    facing: np.ndarray  # (B, 2) int8 one of eight directions
    integrity: np.ndarray  # (B, 2) int32
    heat: np.ndarray  # (B, 2) int32
    nectar: np.ndarray  # (B, 2) int32
    doses: np.ndarray  # (B, 2) int16
    guard: np.ndarray  # (B, 2) bool, until the side's next turn
    exposed: np.ndarray  # (B, 2) bool, after a failed core extraction, until the side's next turn
    caught: np.ndarray  # (B, 2) bool, the enemy leapt into the side's rear arc, until the side's next turn
    disguise: np.ndarray  # (B, 2) int16 roster index shown and fought with, -1 if none
    disguise_turns: np.ndarray  # (B, 2) int16 own turns the disguise has left
    disguise_fresh: np.ndarray  # (B, 2) bool, the disguise was put on in the side's current turn: no ambush from it yet
    caches: np.ndarray  # (B, C) bool: Nectar caches still full
    active: np.ndarray  # (B,) int8 side whose turn it is
    ap: np.ndarray  # (B,) int16 action points left this turn
    turn: np.ndarray  # (B,) int32 turns begun so far (both sides counted)
    first: np.ndarray  # (B,) int8 side that moved first
    done: np.ndarray  # (B,) bool
    winner: np.ndarray  # (B,) int8 winning side, -1 for none or a draw
    outcome: np.ndarray  # (B,) int8 one of the outcome codes
    seed: np.ndarray  # (B,) uint64 the duel's seed
    counter: np.ndarray  # (B,) uint64 actions taken: the draw counter
    may_charge: np.ndarray  # (B,) bool, version 4: the side to act may still charge this turn (it began the turn out of
    # the enemy's reach and has not charged yet)
    staggered: np.ndarray  # (B, 2) bool, version 4: hit by an ambush since the side's last turn began; it begins its next
    # turn STAGGER_AP_COST points short

    @property
    def batch(self) -> int:
        """Number of duels."""
        return int(self.done.shape[0])

    def copy(self) -> "DuelState":
        """A deep copy."""
        return DuelState(**{f.name: getattr(self, f.name).copy() for f in fields(self)})

    def take(self, idx: np.ndarray | slice | list[int]) -> "DuelState":
        """The sub-batch `idx` (a copy)."""
        if isinstance(idx, slice):
            return DuelState(**{f.name: np.array(getattr(self, f.name)[idx]) for f in fields(self)})
        idx = np.asarray(idx)
        if idx.dtype == bool:
            idx = np.flatnonzero(idx)
        elif idx.size == 0:
            idx = idx.astype(np.intp)
        # np.take copies rows an order of magnitude faster than fancy indexing of the same rows
        return DuelState(**{f.name: getattr(self, f.name).take(idx, axis=0) for f in fields(self)})

    def put(self, idx: np.ndarray, other: "DuelState") -> None:
        """Write the duels of `other` into positions `idx`."""
        for f in fields(self):
            getattr(self, f.name)[idx] = getattr(other, f.name)

    @staticmethod
    def concat(states: list["DuelState"]) -> "DuelState":
        """Join batches."""
        return DuelState(**{f.name: np.concatenate([getattr(s, f.name) for s in states]) for f in fields(DuelState)})
