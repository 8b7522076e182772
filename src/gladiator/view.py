"""What one side may know of a batch of duels: the `Observation` that `engine.observe` builds.

Its own suit it knows whole. Of the enemy it sees the suit shown (a disguise, if one is on),
where it stands and faces, whether it guards or is exposed, whether it is badly damaged or
overheated (both show on a suit), and its integrity, heat and Nectar as gauges: the true
fraction of the true maximum, read on the shown suit's scale. Without a disguise these are
the true numbers; with one, nothing of the true suit's stats shows. Imports numpy only.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np


@dataclass
class Observation:
    """One side's view of each duel of a batch; every field has the batch as its leading axis."""

    side: np.ndarray  # (B,) int8 which side this view belongs to
    my_unit: np.ndarray  # (B,) roster index of its own suit
    my_look: np.ndarray  # (B,) roster index it shows and fights with (its disguise, if any)
    my_disguise_turns: np.ndarray  # (B,) own turns its disguise has left (0 without one)
    my_ambush: np.ndarray  # (B,) bool: its next attack throws off a disguise worn since before this turn, as an ambush
    my_pos: np.ndarray
    my_facing: np.ndarray
    my_integrity: np.ndarray
    my_heat: np.ndarray
    my_nectar: np.ndarray
    my_doses: np.ndarray
    my_guard: np.ndarray
    my_exposed: np.ndarray
    my_caught: np.ndarray  # the enemy leapt into its rear arc: open to extraction until its next turn
    foe_look: np.ndarray  # (B,) roster index of the suit the enemy shows
    foe_pos: np.ndarray
    foe_facing: np.ndarray
    foe_integrity: np.ndarray  # on the shown suit's scale
    foe_heat: np.ndarray  # on the shown suit's scale
    foe_nectar: np.ndarray  # on the shown suit's scale
    foe_guard: np.ndarray
    foe_exposed: np.ndarray
    foe_caught: np.ndarray  # caught by its leap behind the enemy: open to extraction until the enemy's next turn
    foe_damaged: np.ndarray  # badly damaged (open to core extraction)
    foe_overheated: np.ndarray  # overheated (open to core extraction)
    my_turn: np.ndarray  # (B,) bool: this side acts now
    ap: np.ndarray  # (B,) action points of the side to act
    turn: np.ndarray
    caches: np.ndarray  # (B, C) Nectar caches still full
    done: np.ndarray
    may_charge: np.ndarray  # (B,) bool, version 4: the side to act may still charge this turn
    my_staggered: np.ndarray  # (B,) bool, version 4: hit by an ambush; begins its next turn STAGGER_AP_COST points short
    foe_staggered: np.ndarray  # (B,) bool, version 4: the enemy, hit by this side's ambush, begins its next turn short
    noise: np.ndarray  # (B, NOISE_LANES) uniforms in [0, 1) for this decision (seed, counter, bots' stream): not their key

    @property
    def batch(self) -> int:
        """Number of duels."""
        return int(self.done.shape[0])

    @property
    def my_disguise(self) -> np.ndarray:
        """(B,) roster index of its own disguise, -1 without one."""
        return np.where(self.my_look != self.my_unit, self.my_look, -1)

    def take(self, idx: np.ndarray) -> "Observation":
        """The views of duels `idx` (a copy)."""
        idx = np.asarray(idx, dtype=np.intp)
        return Observation(**{f.name: getattr(self, f.name).take(idx, axis=0) for f in fields(self)})

    def same_as(self, other: "Observation") -> bool:
        """Whether two views hold the same values, field by field."""
        return all(np.array_equal(np.asarray(getattr(self, f.name)), np.asarray(getattr(other, f.name))) for f in fields(self))
