"""Headless batch simulation: many duels at large batch sizes, their statistics, results files, tuning.

Front ends (the `batch`, `matrix`, `sweep`, `balance` and `tune` commands) drive this package; it
imports the engine, bots and catalog, never a window.
"""

from gladiator.batch.overrides import apply_overrides, parse_set
from gladiator.batch.runner import BatchSpec, ChunkResult, make_spec, play_duels, run, run_chunk
from gladiator.batch.stats import Totals, wilson
from gladiator.batch.store import ResultStore

__all__ = [
    "BatchSpec", "ChunkResult", "ResultStore", "Totals", "apply_overrides", "make_spec", "parse_set", "play_duels",
    "run", "run_chunk", "wilson",
]
