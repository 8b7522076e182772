"""Benchmark of the batch engine's speed against another revision, interleaved in one run: ratios, not absolute figures.

Two worker processes, one on this tree's sources and one on revision `--against` (e.g. `main`, with this
tree's units and arenas), take turns at the same work, so load from other work on a shared machine
falls on both alike: one chunk of `gladiator batch rouge viola -n 1000000` (32,768 duels, one worker)
with greedy bots and with heuristic bots at each side's default batch size, and the heuristic bot's
decisions per second on 256 duels at once, each in a position of its own (as `bench_bots.py`
measures them). Prints each round's figures and the median ratio (this tree over the other) of the
wall clock and of the process's CPU time.
Run: python benchmarks/bench_speed.py [--against main] [--rounds 5] [--work greedy,heuristic,decisions]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
N = 1_000_000  # the run whose first chunk is played: its chunk size is the largest (32,768 duels)


class Work:
    """The measurements, in the process of one revision's sources (prepared once: tables built, warmed up)."""

    def __init__(self) -> None:
        from gladiator.batch import make_spec
        from gladiator.batch.chunks import prepare
        from gladiator.catalog.loader import load_catalog

        cat = load_catalog()
        self.specs = {b: make_spec(cat, ("rouge", "viola"), "concert_hall", N, 1, (b, b)) for b in ("greedy", "heuristic")}
        for spec in self.specs.values():
            prepare(spec)
        self._positions = None

    def chunk(self, bot: str) -> tuple[float, float]:
        """Wall and CPU seconds of chunk 0 of the bot's run at its default batch size."""
        from gladiator.batch import run_chunk

        t0, c0 = time.perf_counter(), time.process_time()
        run_chunk(self.specs[bot], 0)
        return time.perf_counter() - t0, time.process_time() - c0

    def decisions(self, seconds: float = 1.0) -> tuple[float, float]:
        """Wall and CPU seconds per million heuristic decisions, 256 duels at once."""
        from gladiator.batch.chunks import game_of
        from gladiator.bots import make_bot
        from gladiator.driver import decide

        sys.path.insert(0, str(ROOT / "benchmarks"))
        from bench_odds import positions

        game = game_of(self.specs["heuristic"])
        bot = make_bot("heuristic")
        if self._positions is None:
            self._positions = positions(game, 256)
            decide(game, self._positions, (bot, bot))
        live = self._positions
        n, t0, c0 = 0, time.perf_counter(), time.process_time()
        while time.perf_counter() - t0 < seconds:
            decide(game, live, (bot, bot))
            n += live.batch
        return (time.perf_counter() - t0) / n * 1e6, (time.process_time() - c0) / n * 1e6


def serve() -> None:
    """A worker: read the name of a measurement a line, answer its figures as JSON."""
    work = Work()
    print("ready", flush=True)
    for line in sys.stdin:
        name = line.strip()
        got = work.decisions() if name == "decisions" else work.chunk(name)
        print(json.dumps(got), flush=True)


def start(src: Path) -> subprocess.Popen:
    """A worker process on the sources in `src`."""
    code = f"import sys; sys.path.insert(0, {str(src)!r}); sys.path.insert(1, {str(ROOT / 'benchmarks')!r}); import bench_speed; bench_speed.serve()"
    p = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert p.stdout is not None
    if p.stdout.readline().strip() != "ready":
        sys.exit(f"error: the worker on {src} did not start")
    return p


def ask(p: subprocess.Popen, name: str) -> tuple[float, float]:
    """One measurement from a worker."""
    assert p.stdin is not None and p.stdout is not None
    p.stdin.write(name + "\n")
    p.stdin.flush()
    line = p.stdout.readline()
    if not line:
        sys.exit(f"error: a worker died measuring {name}")
    return tuple(json.loads(line))  # type: ignore[return-value]


def main() -> None:
    """Print the figures."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--against", metavar="REV", default="main", help="the git revision to compare with")
    p.add_argument("--rounds", type=int, default=5, help="rounds of each figure, the two trees taking turns")
    p.add_argument("--work", default="greedy,heuristic,decisions", help="comma-separated: greedy, heuristic, decisions")
    a = p.parse_args()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", a.against, "src"], capture_output=True, check=True).stdout
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        for kind in ("units", "arenas"):  # this tree's data: only the code differs
            (Path(tmp) / kind).symlink_to(ROOT / kind)
        new, old = start(ROOT / "src"), start(Path(tmp) / "src")
        try:
            for name in a.work.split(","):
                unit = "us/decision" if name == "decisions" else "s/chunk"
                ratios: list[tuple[float, float]] = []
                for r in range(a.rounds):
                    pair = (ask(new, name), ask(old, name)) if r % 2 == 0 else tuple(reversed((ask(old, name), ask(new, name))))
                    (nw, nc), (ow, oc) = pair
                    ratios.append((ow / nw, oc / nc))
                    print(f"{name:<10} round {r + 1}: this tree {nw:8.3f} {unit} (cpu {nc:.3f}), {a.against} {ow:8.3f} (cpu {oc:.3f}): "
                          f"{ow / nw:.2f}x")
                print(f"{name:<10} median speed-up over {a.against}: wall {statistics.median(w for w, _ in ratios):.2f}x, "
                      f"cpu {statistics.median(c for _, c in ratios):.2f}x")
        finally:
            for w in (new, old):
                w.kill()


if __name__ == "__main__":
    main()
