"""Counter-based random numbers, one stream per duel, vectorised over the batch.

A draw is a pure function of (duel seed, draw counter, lane): SplitMix64 over
uint64 arrays. Nothing here reads global random state. Imports numpy and the errors only.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from gladiator.errors import BadType, BadValue

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
MIX1 = np.uint64(0xBF58476D1CE4E5B9)
MIX2 = np.uint64(0x94D049BB133111EB)
LANES = np.uint64(16)  # draws reserved per duel per counter step
_INV_2_53 = 1.0 / float(1 << 53)


MAX_SEED = 2**63 - 1  # seeds are whole numbers 0..MAX_SEED: they fit a signed int64, a replay and SQLite


def check_seed(seed: object, what: str = "seed") -> int:
    """`seed` as an int if it is a whole number from 0 to MAX_SEED, else a one-line `BadValue` (or `BadType`)."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise BadType(f"{what} must be a whole number from 0 to 2**63-1, got {type(seed).__name__}")
    if int(seed) < 0:
        raise BadValue(f"{what} must be 0 or more, got {int(seed)}")
    if int(seed) > MAX_SEED:
        shown = str(int(seed)) if len(str(int(seed))) <= 24 else f"a number of {len(str(int(seed)))} digits"
        raise BadValue(f"{what} must be at most 2**63-1 ({MAX_SEED}), got {shown}")
    return int(seed)


def mix64(x: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser of a uint64 array (wraps around silently)."""
    z = np.array(x, dtype=np.uint64)  # a copy: the steps below work in place
    with np.errstate(over="ignore"):
        z += GOLDEN
        _finalise(z)
    return z if z.ndim else z[()]


def uniforms(seed: np.ndarray, counter: np.ndarray, n: int, stream: int = 0, first: int = 0) -> np.ndarray:
    """`n` floats in [0, 1) per duel, shape (batch, n), from (seed, counter, lane, stream): lanes first .. first + n - 1."""
    seed = np.asarray(seed, dtype=np.uint64)
    counter = np.asarray(counter, dtype=np.uint64)
    with np.errstate(over="ignore"):
        base = seed ^ _stream_key(stream)  # mix64 of it, in place: the duel's key
        base += GOLDEN
        _finalise(base)
        # mix64((counter * LANES + lane) * GOLDEN + key): the products and sums wrap round, so they regroup freely
        base += (counter * (LANES * GOLDEN)) + (GOLDEN * np.uint64(first + 1))
        x = base[:, None] + _lane_steps(n)[None, :]
        _finalise(x)
    x >>= np.uint64(11)
    return np.multiply(x, _INV_2_53, dtype=np.float64)


def derive_seeds(run_seed: int, index: np.ndarray) -> np.ndarray:
    """Seeds of duels `index` of a run: a pure function of (run seed, duel index)."""
    idx = np.asarray(index, dtype=np.uint64)
    base = mix64(np.array([run_seed], dtype=np.uint64))[0]
    with np.errstate(over="ignore"):
        return mix64(base ^ (idx * GOLDEN)) >> np.uint64(1)  # 63 bits: fits a signed int64 / SQLite


@lru_cache(maxsize=None)
def _stream_key(stream: int) -> np.uint64:
    """The key a stream's draws are mixed with (the same for every duel)."""
    with np.errstate(over="ignore"):
        return mix64(np.uint64(stream) * GOLDEN + np.uint64(0x5EED))


@lru_cache(maxsize=None)
def _lane_steps(n: int) -> np.ndarray:
    """(n,) uint64, read-only (it is shared): lane k's step from the first lane's number, k * GOLDEN (wrapped round)."""
    with np.errstate(over="ignore"):
        steps = np.arange(n, dtype=np.uint64) * GOLDEN
    steps.setflags(write=False)
    return steps


def _finalise(z: np.ndarray) -> None:
    """The three xor-shift-multiply rounds of SplitMix64's finaliser, in place on a uint64 array."""
    t = np.empty_like(z)
    for shift, mult in ((30, MIX1), (27, MIX2)):
        np.right_shift(z, np.uint64(shift), out=t)
        z ^= t
        z *= mult
    np.right_shift(z, np.uint64(31), out=t)
    z ^= t
