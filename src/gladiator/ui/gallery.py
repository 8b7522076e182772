"""Render the documentation screenshots of every screen: `python -m gladiator.ui.gallery docs/screenshots`.

Each picture is a scripted moment of a real duel (fixed seeds), drawn by the real window; the
bots' decisions and the win odds, worked out off the frame loop, are waited for (`settle`), so a
picture depends on the script alone. Run it under Xvfb (`xvfb-run -s "-screen 0 1280x720x24" ...`)
or SDL's dummy driver.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np


def render(out_dir: Path, size: tuple[int, int] = (1280, 720)) -> list[Path]:
    """Write title.png, play.png, move.png, overlay.png, threat.png, watch.png, disguise.png, replay.png and end.png into
    `out_dir`."""
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    import pygame

    from gladiator.bots import make_bot
    from gladiator.driver import decide
    from gladiator.catalog.loader import load_catalog
    from gladiator.duel import game_for, play_duel
    from gladiator.game import END
    from gladiator.replay import make_replay
    from gladiator.ui.app import App, close
    from gladiator.ui.play import DuelScreen
    from gladiator.ui.replay_view import ReplayScreen
    from gladiator.ui.title import TitleScreen

    out_dir.mkdir(parents=True, exist_ok=True)
    cat = load_catalog()
    dt = 1 / 60
    written: list[Path] = []

    def shot(app: App, name: str) -> None:
        p = out_dir / name
        app.save(p)
        written.append(p)

    title = TitleScreen(cat, seed=7)
    title.change(3, title.rows[3].options.index("hard") - title.rows[3].index)  # the difficulty picker, on "hard"
    app = App(title, size)
    for _ in range(20):
        app.frame([], dt)
    shot(app, "title.png")

    # play: a human Rouge closes in on Viola, then aims (the preview comes from the engine)
    game = game_for(cat, "concert_hall")
    scr = DuelScreen(game, ("rouge", "viola"), 11, ("human", "greedy"))
    scr.show_odds = True  # the win-odds bar, as Rouge sees it
    app = App(scr, size)
    greedy = make_bot("greedy")
    for _ in range(4000):
        scr.settle()
        app.frame([], 0.1)
        if scr.state.done[0]:
            break
        if scr.human_turn():
            if scr.preview()["usable"].any() and len(scr.actions) > 2:
                break
            scr.apply(int(decide(game, scr.state, (greedy, greedy))[0][0]))
    slot = int(np.flatnonzero(scr.preview()["usable"])[0]) if scr.preview()["usable"].any() else 0
    for _ in range(90):
        app.frame([], dt)
    app.frame([pygame.event.Event(pygame.KEYDOWN, key=pygame.K_1 + slot, mod=0, unicode="", scancode=0)], dt)
    fx, fy = scr.layout.tile_center(int(scr.state.pos[0, 1]))
    scr.settle()
    app.frame([pygame.event.Event(pygame.MOUSEMOTION, pos=(int(fx), int(fy)), rel=(0, 0), buttons=(0, 0, 0))], dt)
    shot(app, "play.png")

    # the move highlight on a fresh turn
    scr = DuelScreen(game_for(cat, "rooftops"), ("rouge", "viola"), 7, ("human", "greedy"))
    app = App(scr, size)
    for _ in range(10):
        app.frame([], dt)
    shot(app, "move.png")

    # the arc overlay: Rouge's extraction tiles behind Viola (a leap away), then what Viola sees of Rouge's
    def bots_until(scr: DuelScreen, ready) -> None:  # both sides' moves chosen by greedy until `ready()`
        for _ in range(400):
            if scr.state.done[0] or (scr.human_turn() and ready()):
                break
            if scr.human_turn():
                scr.apply(int(decide(scr.game, scr.state, (greedy, greedy))[0][0]))
            else:
                scr.bot_act()
            scr.anim.flush()

    for name, units, arena, seed, key in (("overlay.png", ("rouge", "viola"), "open_field", 0, "extract"),
                                          ("threat.png", ("viola", "rouge"), "concert_hall", 5, "threat")):
        scr = DuelScreen(game_for(cat, arena), units, seed, ("human", "greedy"))
        app = App(scr, size)
        bots_until(scr, lambda: bool(scr.arc_maps(scr.state)[key].sum() >= 2) and int(scr.state.ap[0]) == 3)
        for _ in range(100):
            app.frame([], dt)
        tiles = np.flatnonzero(scr.arc_maps(scr.state)[key])
        cx, cy = scr.layout.tile_center(int(tiles[0]))
        app.frame([pygame.event.Event(pygame.MOUSEMOTION, pos=(int(cx), int(cy)), rel=(0, 0), buttons=(0, 0, 0))], dt)
        shot(app, name)

    # watch: a shot in flight between two bots
    game = game_for(cat, "nectar_depot")
    scr = DuelScreen(game, ("viola", "rouge"), 21, ("greedy", "greedy"))
    scr.show_odds = True  # the spectator's odds: from the truth
    app = App(scr, size)
    for _ in range(3000):
        scr.settle()
        app.frame([], dt)
        cur = scr.anim.current()
        far = int(game.geo.cheb[int(scr.state.pos[0, 0]), int(scr.state.pos[0, 1])]) >= 3
        if cur is not None and cur.kind == "ranged" and cur.k > 0.55 and len(scr.actions) > 2 and far:
            break
    shot(app, "watch.png")

    # Jaron's disguise, seen by the human he fights: Rouge aims at what looks like another Rouge
    game = game_for(cat, "open_field")
    scr = DuelScreen(game, ("rouge", "jaron"), 5, ("human", "greedy"))
    scr.show_odds = True  # Rouge's odds against what she sees: a Rouge
    app = App(scr, size)
    app.frame([], dt)
    sp, geo = game.space, game.geo
    mimic, rouge = sp.mimic(game.unit_index("rouge")), game.unit_index("rouge")
    for _ in range(6):  # Jaron's turns, chosen here instead of by his bot: he puts Rouge's look on, far away
        if int(scr.state.active[0]) == 1 and scr.legal()[mimic]:
            scr.apply(mimic)
        if int(scr.state.active[0]) == 0 and int(scr.state.disguise[0, 1]) == rouge:
            break
        scr.apply(END)
    assert int(scr.state.disguise[0, 1]) == rouge and int(scr.state.active[0]) == 0, "the disguise scene did not set up"
    foe = int(scr.state.pos[0, 1])
    tiles = np.flatnonzero(scr.legal()[sp.move0: sp.leap0])
    scr.apply(sp.move(int(min(tiles, key=lambda t: (abs(int(geo.cheb[t, foe]) - 3), -int(geo.los[t, foe]))))))
    for _ in range(120):
        app.frame([], dt)
    usable = np.flatnonzero(scr.preview()["usable"])
    if usable.size:
        app.frame([pygame.event.Event(pygame.KEYDOWN, key=pygame.K_1 + int(usable[-1]), mod=0, unicode="", scancode=0)], dt)
    fx, fy = scr.layout.tile_center(int(scr.state.pos[0, 1]))
    scr.settle()
    app.frame([pygame.event.Event(pygame.MOUSEMOTION, pos=(int(fx), int(fy)), rel=(0, 0), buttons=(0, 0, 0))], dt)
    shot(app, "disguise.png")

    # replay with its timeline
    game = game_for(cat, "rooftops")
    res = play_duel(game, ("rouge", "viola"), 3, (make_bot("greedy"), make_bot("greedy")))
    data = make_replay(game, res, ("greedy", "greedy"))
    scr = ReplayScreen(game, data)
    app = App(scr, size)
    scr.goto(max(0, len(data["actions"]) * 2 // 3))
    scr.playing = False
    for _ in range(30):
        app.frame([], dt)
    shot(app, "replay.png")
    scr.goto(len(data["actions"]) - 1)
    scr.forward()
    for _ in range(200):
        app.frame([], dt)
    shot(app, "end.png")
    close()
    return written


if __name__ == "__main__":
    for p in render(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")):
        print(p)
