"""Counter-based random numbers, one stream per duel, vectorised over the batch.

A draw is a pure function of (duel seed, draw counter, lane): SplitMix64 over
uint64 arrays. Nothing here reads global random state. Imports numpy only.
"""

from __future__ import annotations

import numpy as np

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
MIX1 = np.uint64(0xBF58476D1CE4E5B9)
MIX2 = np.uint64(0x94D049BB133111EB)
LANES = np.uint64(16)  # draws reserved per duel per counter step
_INV_2_53 = 1.0 / float(1 << 53)


def mix64(x: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser of a uint64 array (wraps around silently)."""
    x = np.asarray(x, dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = x + GOLDEN
        z = (z ^ (z >> np.uint64(30))) * MIX1
        z = (z ^ (z >> np.uint64(27))) * MIX2
        return z ^ (z >> np.uint64(31))


def uniforms(seed: np.ndarray, counter: np.ndarray, n: int, stream: int = 0) -> np.ndarray:
    """`n` floats in [0, 1) per duel, shape (batch, n), from (seed, counter, lane, stream)."""
    seed = np.asarray(seed, dtype=np.uint64)
    counter = np.asarray(counter, dtype=np.uint64)
    with np.errstate(over="ignore"):
        key = mix64(seed ^ mix64(np.uint64(stream) * GOLDEN + np.uint64(0x5EED)))
        base = counter * LANES
        lanes = np.arange(n, dtype=np.uint64)
        x = mix64(key[:, None] + (base[:, None] + lanes[None, :]) * GOLDEN)
    return (x >> np.uint64(11)).astype(np.float64) * _INV_2_53


def derive_seeds(run_seed: int, index: np.ndarray) -> np.ndarray:
    """Seeds of duels `index` of a run: a pure function of (run seed, duel index)."""
    idx = np.asarray(index, dtype=np.uint64)
    base = mix64(np.array([run_seed], dtype=np.uint64))[0]
    with np.errstate(over="ignore"):
        return mix64(base ^ (idx * GOLDEN)) >> np.uint64(1)  # 63 bits: fits a signed int64 / SQLite
