"""Benchmark of --export: a 30-turn duel to GIF at the defaults (12 fps, 960x540), time and memory.

Finds a heuristic duel of at least 30 turns (a Nean mirror in the nectar depot), records it, exports it whole and its first 10 turns,
and prints the seconds each took and the peak memory traced (tracemalloc) while exporting: the
frames are streamed to the encoder, so the peak should not grow with the duel's length.
Run: python benchmarks/bench_export.py
"""

from __future__ import annotations

import tempfile
import time
import tracemalloc
from pathlib import Path

from gladiator.bots import make_bot
from gladiator.catalog import load_catalog
from gladiator.duel import game_for, play_duel
from gladiator.replay import make_replay
from gladiator.ui.export import export


def main() -> None:
    """Print the figures."""
    game = game_for(load_catalog(), "nectar_depot")
    bots = (make_bot("heuristic"), make_bot("heuristic"))
    for seed in range(400):
        res = play_duel(game, ("nean", "nean"), seed, bots, events=False)
        if res.turns >= 30:
            break
    data = make_replay(game, res, ("heuristic", "heuristic"))
    print(f"nean vs nean in the nectar depot, seed {seed}: {res.turns} turns, {len(res.actions)} actions")
    with tempfile.TemporaryDirectory() as tmp:
        for label, last in (("first 10 turns", 10), (f"all {res.turns} turns", None)):
            path = Path(tmp) / "duel.gif"
            tracemalloc.start()
            t0 = time.perf_counter()
            n = export(game, data, path, last_turn=last)
            dt = time.perf_counter() - t0
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            print(f"  {label:<16} {n:>5} frames in {dt:5.1f} s, {path.stat().st_size / 1e6:5.1f} MB, "
                  f"peak traced memory {peak / 1e6:5.1f} MB")


if __name__ == "__main__":
    main()
