"""Frame time of the window over bot-vs-bot duels at 1280x720: median and 99th percentile.

Runs under Xvfb when `xvfb-run` is available and there is no display (re-executing itself),
else on SDL's dummy driver. Each frame is input + update + drawing + flip, at a fixed 60 Hz
time step with the bots at speed x4 so that many actions and animations fall in the run, paced
at 60 frames a second as the window's loop is (the worker thread runs while it waits).
The bots decide on the window's worker thread: the frames drawn while one is thinking are
also given apart, with the time each decision took. `--odds` shows the win-odds bar, whose
estimates run on the same thread.

    python benchmarks/bench_frames.py [--duels 5] [--frames 1500] [--bots hard,normal] [--odds]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time


def main() -> None:
    """Measure and print the figures."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--duels", type=int, default=5, help="bot-vs-bot duels to run (different seeds)")
    p.add_argument("--frames", type=int, default=1500, help="frames per duel at most")
    p.add_argument("--speed", type=float, default=4.0, help="bot and animation speed")
    p.add_argument("--dummy", action="store_true", help="use SDL's dummy driver even if Xvfb is there")
    p.add_argument("--bots", default="greedy,greedy", help="the two bots, or difficulty levels (hard,normal)")
    p.add_argument("--odds", action="store_true", help="show the win-odds bar")
    args = p.parse_args()
    if not args.dummy and not os.environ.get("DISPLAY") and shutil.which("xvfb-run") and not os.environ.get("_BENCH_XVFB"):
        env = dict(os.environ, _BENCH_XVFB="1")
        env.pop("SDL_VIDEODRIVER", None)
        cmd = ["xvfb-run", "-a", "-s", "-screen 0 1280x720x24", sys.executable, *sys.argv]
        sys.exit(subprocess.call(cmd, env=env))
    if args.dummy or not os.environ.get("DISPLAY"):
        os.environ["SDL_VIDEODRIVER"] = "dummy"
    os.environ["SDL_AUDIODRIVER"] = "dummy"
    os.environ["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"

    import pygame

    from gladiator.bots.levels import LEVELS
    from gladiator.catalog.loader import load_catalog
    from gladiator.duel import game_for
    from gladiator.ui.app import App, close
    from gladiator.ui.board import SPEEDS
    from gladiator.ui.play import DuelScreen

    flips: list[float] = []
    real_flip = pygame.display.flip

    def timed_flip() -> None:
        t = time.perf_counter()
        real_flip()
        flips.append(time.perf_counter() - t)

    pygame.display.flip = timed_flip  # to tell drawing from handing the frame to the display
    from gladiator.ui import odds_bar, play

    jobs: dict[str, list] = {}
    now: dict[str, DuelScreen] = {}
    bots = tuple(LEVELS.get(b, b) for b in args.bots.split(","))
    for module in (play, odds_bar):
        def counted(fn, submit=module.submit, module=module):  # type: ignore[no-untyped-def]
            job = submit(fn)
            side = int(now["screen"].state.active[0])
            kind = "odds estimates (the bar)" if module is odds_bar else f"decisions of side {'AB'[side]} ({bots[side]})"
            jobs.setdefault(kind, []).append(job)
            return job
        module.submit = counted  # type: ignore[attr-defined]
    cat = load_catalog()
    pairs = [("rouge", "viola", "concert_hall"), ("jaron", "viola", "nectar_depot"), ("rouge", "jaron", "rooftops"),
             ("viola", "nean", "open_field"), ("rouge", "viola", "rooftops")]
    times: list[float] = []
    clock = pygame.time.Clock()
    thinking: list[float] = []  # frames drawn while a bot's decision was under way
    actions = 0
    for d in range(args.duels):
        a, b, arena = pairs[d % len(pairs)]
        game = game_for(cat, arena)
        screen = DuelScreen(game, (a, b), 100 + d, bots)  # type: ignore[arg-type]
        screen.show_odds = args.odds
        now["screen"] = screen
        screen.speed_i = min(range(len(SPEEDS)), key=lambda i: abs(SPEEDS[i] - args.speed))
        app = App(screen, (1280, 720))
        for _ in range(30):  # warm-up: fonts, arena surface
            app.frame(pygame.event.get(), 1 / 60)
        for _ in range(args.frames):
            busy = screen.thinking is not None and not screen.thinking.done
            t0 = time.perf_counter()
            app.frame(pygame.event.get(), 1 / 60)
            times.append(time.perf_counter() - t0)
            clock.tick(60)
            if busy:
                thinking.append(times[-1])
            if screen.state.done[0] and not screen.anim.busy:
                break
        actions += len(screen.actions)
    driver = pygame.display.get_driver()
    close()
    times.sort()
    ms = [t * 1000 for t in times]
    p99 = ms[min(len(ms) - 1, int(0.99 * len(ms)))]
    print(f"video driver: {driver}; {len(ms)} frames over {args.duels} duels ({actions} actions) at 1280x720")
    print(f"frame time: median {statistics.median(ms):.2f} ms, 99th percentile {p99:.2f} ms, max {ms[-1]:.2f} ms")
    fl = sorted(f * 1000 for f in flips)
    print(f"of which display.flip: median {statistics.median(fl):.2f} ms; the rest (input, update, drawing): "
          f"median {statistics.median(ms) - statistics.median(fl):.2f} ms")
    if thinking:
        th = sorted(t * 1000 for t in thinking)
        print(f"while a bot was thinking: {len(th)} frames, median {statistics.median(th):.2f} ms, 99th percentile "
              f"{th[min(len(th) - 1, int(0.99 * len(th)))]:.2f} ms, max {th[-1]:.2f} ms")
    for label, done in sorted(jobs.items()):
        xs = sorted(j.seconds for j in done if j.done and not j.cancelled)
        if xs:
            print(f"{label} on the worker thread: {len(xs)}, median {statistics.median(xs) * 1000:.0f} ms, "
                  f"90th percentile {xs[int(0.9 * (len(xs) - 1))] * 1000:.0f} ms, max {xs[-1] * 1000:.0f} ms")
    print(f"target: median below 8 ms -> {'OK' if statistics.median(ms) < 8 else 'MISSED'}")


if __name__ == "__main__":
    main()
