"""Draw the documentation screenshots of the window: one moment of a real duel per picture, by the real window.

`gladiator.docs` finds each scene's moment through the engine (fixed seeds, the bots' picks) and checks what its
caption claims; `draw` replays that moment's actions into the screen and does what the picture shows (aim, hover
a tile, stop a shot in flight). The bots' decisions and the win odds, worked out off the frame loop, are waited
for (`settle`), so a picture depends on its moment alone. Run through `python -m gladiator.docs` (or `make docs`),
under Xvfb or SDL's dummy driver.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import numpy as np

if TYPE_CHECKING:
    from gladiator.docs.scenes import Moment

SIZE = (1280, 720)
DT = 1 / 60  # seconds a frame of the scripted window


def draw(m: "Moment", path: Path, size: tuple[int, int] = SIZE) -> None:
    """Draw moment `m` of its scene's duel as the window shows it (`m.scene.view`: one of VIEWS) into `path`."""
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    from gladiator.ui.app import close

    app = VIEWS[m.scene.view](m, size)
    app.save(path)
    close()


def _title(m: "Moment", size: tuple[int, int]) -> Any:
    """The title screen, its difficulty picker on the scene's bot level."""
    from gladiator.catalog.loader import load_catalog
    from gladiator.ui.app import App
    from gladiator.ui.title import TitleScreen

    title = TitleScreen(load_catalog(), seed=m.scene.seed)
    row = title.rows[3]
    title.change(3, row.options.index(m.scene.bots[1]) - row.index)
    app = App(title, size)
    for _ in range(20):
        app.frame([], DT)
    return app


def _duel(m: "Moment", size: tuple[int, int], upto: int | None = None) -> tuple[Any, Any]:
    """The duel screen of `m`'s scene with its actions (or the first `upto`) taken; the odds bar on."""
    from gladiator.ui.app import App
    from gladiator.ui.play import DuelScreen

    scr = DuelScreen(m.game, m.scene.units, m.scene.seed, m.scene.bots)
    scr.show_odds = True  # the win-odds bar, as the viewer sees them (the truth for a spectator)
    app = App(scr, size)
    for a in m.actions[:upto]:
        if not scr.apply(a):
            raise RuntimeError(f"{m.scene.file}: the window refused action {a} of the scene")
    scr.anim.flush()
    return scr, app


def _board(m: "Moment", size: tuple[int, int]) -> Any:
    """The duel at its moment: the side to act's move highlight."""
    scr, app = _duel(m, size)
    scr.settle()
    for _ in range(60):
        app.frame([], DT)
    return app


def _aim(m: "Moment", size: tuple[int, int]) -> Any:
    """The viewer aims its most damaging usable weapon at the enemy, the pointer on it."""
    import pygame

    scr, app = _duel(m, size)
    scr.settle()
    for _ in range(90):
        app.frame([], DT)
    pv = scr.preview()
    slot = int(np.argmax(np.where(pv["usable"], pv["expected"], -1.0)))
    app.frame([pygame.event.Event(pygame.KEYDOWN, key=pygame.K_1 + slot, mod=0, unicode="", scancode=0)], DT)
    _hover(scr, app, int(scr.state.pos[0, 1 - int(scr.state.active[0])]))
    return app


def _arcs(key: str) -> Callable[["Moment", tuple[int, int]], Any]:
    def view(m: "Moment", size: tuple[int, int]) -> Any:
        """The arc overlay, the pointer on the first tile of its `key` map."""
        scr, app = _duel(m, size)
        scr.settle()
        for _ in range(100):
            app.frame([], DT)
        _hover(scr, app, int(np.flatnonzero(scr.arc_maps(scr.state)[key])[0]))
        return app
    return view


def _flight(m: "Moment", size: tuple[int, int]) -> Any:
    """Two bots: the moment's last action, a shot, caught in flight."""
    scr, app = _duel(m, size, upto=len(m.actions) - 1)
    scr.settle()
    app.frame([], DT)
    scr.apply(m.actions[-1])
    for _ in range(600):
        cur = scr.anim.current()
        if cur is not None and cur.kind == "ranged" and cur.k > 0.55:
            break
        scr.settle()
        app.frame([], DT)
    return app


def _replay(m: "Moment", size: tuple[int, int]) -> Any:
    """The replay screen with its timeline at the moment shown (at the end: the result)."""
    from gladiator.duel import result_of
    from gladiator.replay import make_replay
    from gladiator.ui.app import App
    from gladiator.ui.replay_view import ReplayScreen

    res = result_of(m.game, m.state, 0, m.scene.units, m.scene.seed, m.actions, []) if m.at is None else None
    if res is None:  # shown part-way: the replay still holds the whole duel
        from gladiator import engine

        s = engine.new_duels(m.game, m.scene.units, [m.scene.seed])
        for a in m.actions:
            s, _ = engine.step(m.game, s, [a])
        res = result_of(m.game, s, 0, m.scene.units, m.scene.seed, m.actions, [])
    scr = ReplayScreen(m.game, make_replay(m.game, res, m.scene.bots))
    app = App(scr, size)
    if m.at is None:
        scr.goto(len(m.actions) - 1)
        scr.forward()
        frames = 200
    else:
        scr.goto(m.at)
        scr.playing = False
        frames = 30
    for _ in range(frames):
        app.frame([], DT)
    return app


def _hover(scr: Any, app: Any, tile: int) -> None:
    """The pointer over `tile`."""
    import pygame

    x, y = scr.layout.tile_center(tile)
    scr.settle()
    app.frame([pygame.event.Event(pygame.MOUSEMOTION, pos=(int(x), int(y)), rel=(0, 0), buttons=(0, 0, 0))], DT)


VIEWS: dict[str, Callable[["Moment", tuple[int, int]], Any]] = {
    "title": _title, "board": _board, "aim": _aim, "extract": _arcs("extract"), "threat": _arcs("threat"),
    "flight": _flight, "replay": _replay,
}
