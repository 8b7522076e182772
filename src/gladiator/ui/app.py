"""The window's main loop and its entry points: title screen, play, watch, replay, screenshots.

`App.frame(events, dt)` is one frame (input, time, drawing); tests drive it with scripted
events, the loop drives it with real ones. Imports pygame and the other ui modules.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Callable, Optional

import pygame

from gladiator import DEFAULT_SEED
from gladiator.errors import GladiatorError
from gladiator.ui.widgets import Screen

SIZE = (1280, 720)
MIN_SIZE = (1, 1)
FPS = 60
FIXED_DT = 1.0 / FPS


class App:
    """A window showing one screen at a time; a screen hands over to the next by setting `next`."""

    def __init__(self, screen: Screen, size: tuple[int, int] = SIZE, surface: pygame.Surface | None = None) -> None:
        _init()
        self.surface = surface if surface is not None else _open(size)
        self.screen = screen
        self.running = True
        self.frames = 0

    def frame(self, events: list[pygame.event.Event], dt: float) -> bool:
        """One frame: handle `events`, advance `dt` seconds, draw. False once the window should close."""
        if not self.running:
            return False
        for ev in events:
            if ev.type == pygame.QUIT:
                self.running = False
                return False
            if ev.type == pygame.VIDEORESIZE:
                self.surface = pygame.display.get_surface() or self.surface
                continue
            self.screen.handle(ev)
            if self._switch():
                break
        if not self.running:
            return False
        self.screen.update(max(0.0, min(dt, 0.25)))
        self._switch()
        if not self.running:
            return False
        surf = pygame.display.get_surface() or self.surface
        self.surface = surf
        self.screen.draw(surf)
        pygame.display.flip()
        self.frames += 1
        return True

    def _switch(self) -> bool:
        if self.screen.quit:
            self.running = False
            return True
        nxt = self.screen.next
        if nxt is not None:
            self.screen.next = None
            nxt.next = None
            nxt.quit = False
            self.screen = nxt
            return True
        return False

    def save(self, path: Path | str) -> None:
        """Save what the window shows now as a PNG."""
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            pygame.image.save(self.surface, str(path))
        except (OSError, pygame.error) as e:
            raise GladiatorError(f"{path}: cannot save screenshot: {e}") from None

    def run(self, frames: int | None = None, screenshot: Path | str | None = None,
            on_frame: Optional[Callable[[float], None]] = None) -> None:
        """The main loop: real time and real input, or `frames` frames at a fixed step for a screenshot (each once the
        screen's work off the frame loop has settled: `Screen.settle`)."""
        clock = pygame.time.Clock()
        fixed = screenshot is not None
        try:
            while self.running and (frames is None or self.frames < frames):
                t0 = time.perf_counter()
                dt = FIXED_DT if fixed else clock.tick(FPS) / 1000.0
                if fixed:
                    self.screen.settle()
                if not self.frame(pygame.event.get(), dt):
                    break
                if on_frame is not None:
                    on_frame(time.perf_counter() - t0)
            if screenshot is not None:
                self.save(screenshot)
        finally:
            close()


def close() -> None:
    """Close the window and forget fonts and text made for it."""
    from gladiator.ui import theme

    theme.forget()
    pygame.quit()


def run_screen(make: Callable[[], Screen], size: tuple[int, int] = SIZE, screenshot: Path | str | None = None,
               frames: int = 60) -> None:
    """Open the window with the screen `make()` builds and run it until it closes (or `frames` frames for a screenshot)."""
    if screenshot is not None and not has_display():
        os.environ["SDL_VIDEODRIVER"] = "dummy"
    _init()
    app = App(make(), size)
    app.run(frames if screenshot is not None else None, screenshot)


def run_title(units: list[Path] | None = None, arenas: list[Path] | None = None, seed: int = DEFAULT_SEED,
              size: tuple[int, int] = SIZE, screenshot: Path | str | None = None, frames: int = 60) -> None:
    """Open the title screen (what `gladiator` with no arguments does where there is a display)."""
    from gladiator.catalog.loader import load_catalog
    from gladiator.ui.title import TitleScreen

    cat = load_catalog(units or [], arenas or [])
    run_screen(lambda: TitleScreen(cat, seed), size, screenshot, frames)


def has_display() -> bool:
    """Whether a window can be shown (a desktop, or SDL's dummy driver asked for)."""
    if os.environ.get("SDL_VIDEODRIVER") in ("dummy", "offscreen"):
        return True
    import sys

    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) or sys.platform in ("win32", "darwin")


def _icon() -> pygame.Surface:
    """The window icon, drawn here: a red visor on a dark disc."""
    icon = pygame.Surface((32, 32), pygame.SRCALPHA)
    pygame.draw.circle(icon, (28, 31, 43, 255), (16, 16), 15)
    pygame.draw.circle(icon, (215, 38, 61, 255), (16, 16), 10)
    pygame.draw.polygon(icon, (240, 248, 255, 255), [(27, 16), (18, 11), (18, 21)])
    return icon


def real_display() -> bool:
    """Whether SDL found a screen for the window, rather than falling back to drawing offscreen unseen."""
    _init()
    asked = os.environ.get("SDL_VIDEODRIVER") in ("dummy", "offscreen")
    return asked or pygame.display.get_driver() not in ("dummy", "offscreen")


def _init() -> None:
    if not pygame.display.get_init():
        pygame.display.init()
    if not pygame.font.get_init():
        pygame.font.init()


def _open(size: tuple[int, int]) -> pygame.Surface:
    if not real_display():
        raise GladiatorError("no display could be opened (check DISPLAY); try --screenshot, or `gladiator duel` for a headless duel")
    try:
        surf = pygame.display.set_mode((max(MIN_SIZE[0], size[0]), max(MIN_SIZE[1], size[1])), pygame.RESIZABLE)
    except pygame.error as e:
        raise GladiatorError(f"cannot open a window: {e} (no display? try --screenshot, or SDL_VIDEODRIVER=dummy)") from None
    pygame.display.set_caption("Gladiator")
    pygame.display.set_icon(_icon())
    pygame.key.set_repeat(350, 60)
    return surf
