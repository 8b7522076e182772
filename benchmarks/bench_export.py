"""Benchmark of --export: a duel of about 30 turns to GIF at the defaults (12 fps, 960x540), time, size and memory.

Finds the heuristic duel nearest 30 turns among a Nean mirror's first seeds in the nectar depot
(the issue's target: 30 turns in under 20 s), and the first one of at least 36 turns; records them,
exports each whole and prints the seconds it took (wall clock, and the CPU time of this process,
which other work on the machine does not inflate) and the file's size, at the defaults and at 640x360, then the peak memory traced (tracemalloc, in
runs of their own) exporting its first 10 turns and all of it: the frames are streamed to the
encoder, so the peak should not grow with the duel's length.
Run: python benchmarks/bench_export.py
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from pathlib import Path

from gladiator.bots import make_bot
from gladiator.catalog import load_catalog
from gladiator.duel import game_for, play_duel
from gladiator.replay import make_replay
from gladiator.ui.export import export

SEEDS = 400
SHARE_SIZE = (640, 360)  # the size a shared clip is judged at


def main() -> None:
    """Print the figures."""
    argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter).parse_args()
    game = game_for(load_catalog(), "nectar_depot")
    bots = (make_bot("heuristic"), make_bot("heuristic"))
    near30 = long = None
    for seed in range(SEEDS):
        res = play_duel(game, ("nean", "nean"), seed, bots, events=False)
        if near30 is None or abs(res.turns - 30) < abs(near30.turns - 30):
            near30 = res
        if long is None and res.turns >= 36:
            long = res
        if near30.turns == 30 and long is not None:
            break
    assert near30 is not None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "duel.gif"
        export(game, make_replay(game, near30, ("heuristic", "heuristic")), path, last_turn=1)  # warm-up: pygame, fonts
        for res in (near30, long) if long is not None else (near30,):
            data = make_replay(game, res, ("heuristic", "heuristic"))
            print(f"nean vs nean in the nectar depot, seed {res.seed}: {res.turns} turns, {len(res.actions)} actions")
            t0, c0 = time.perf_counter(), time.process_time()
            n = export(game, data, path)
            dt, cpu = time.perf_counter() - t0, time.process_time() - c0
            print(f"  all {res.turns} turns: {n} frames in {dt:.1f} s ({cpu:.1f} s CPU), {path.stat().st_size / 1e6:.1f} MB")
            export(game, data, path, size=SHARE_SIZE)
            print(f"  at {SHARE_SIZE[0]}x{SHARE_SIZE[1]}: {path.stat().st_size / 1e6:.2f} MB (target: under 2 MB for 30 turns)")
            for label, last in (("its first 10 turns", 10), (f"all {res.turns} turns", None)):
                tracemalloc.start()  # traced apart: tracing slows Python down several times
                export(game, data, path, last_turn=last)
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
                print(f"  peak traced memory exporting {label}: {peak / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
