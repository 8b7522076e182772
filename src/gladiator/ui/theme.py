"""Colours, fonts and cached text for the window. Imports pygame only."""

from __future__ import annotations

from functools import lru_cache

import pygame

BG = (16, 18, 26)
PANEL = (28, 31, 43)
PANEL_EDGE = (58, 63, 84)
TEXT = (226, 228, 236)
DIM = (140, 146, 166)
FAINT = (88, 93, 112)
ACCENT = (255, 196, 84)
GOOD = (96, 210, 130)
BAD = (235, 84, 84)
MOVE_HL = (70, 160, 255)
LEAP_HL = (190, 110, 255)
TARGET_HL = (255, 90, 70)
CURSOR = (255, 255, 255)

FLOOR = (44, 47, 58)
FLOOR_ALT = (40, 43, 54)
WALL = (14, 15, 20)
WALL_TOP = (104, 110, 134)
COVER = (112, 92, 62)
HIGH = (84, 100, 128)
HAZARD = (190, 70, 30)
CACHE = (70, 230, 200)
GRID = (34, 37, 47)

INTEGRITY = (94, 200, 120)
HEAT = (255, 120, 40)
NECTAR = (70, 220, 200)
AP = (255, 210, 90)
END_VEIL = (8, 9, 14, 150)  # RGBA drawn over the board once the duel is over

BUTTON = (46, 51, 70)
BUTTON_HOVER = (64, 71, 98)
BUTTON_ON = (96, 84, 40)
BUTTON_OFF = (34, 36, 46)

_fonts: dict[int, pygame.font.Font] = {}


def font(size: int) -> pygame.font.Font:
    """The window's font at a pixel size (at least 8)."""
    size = max(8, int(size))
    f = _fonts.get(size)
    if f is None:
        if not pygame.font.get_init():
            pygame.font.init()
        f = _fonts[size] = pygame.font.Font(None, size)
    return f


def forget() -> None:
    """Drop cached fonts and text (before pygame is shut down)."""
    _fonts.clear()
    text.cache_clear()


@lru_cache(maxsize=1024)
def text(s: str, size: int, color: tuple[int, int, int] = TEXT) -> pygame.Surface:
    """A rendered line of text, cached."""
    return font(size).render(s, True, color)


def fit_text(s: str, size: int, width: int, color: tuple[int, int, int] = TEXT) -> pygame.Surface:
    """A line of text shortened with an ellipsis to fit `width` pixels."""
    surf = text(s, size, color)
    if surf.get_width() <= width or len(s) <= 1:
        return surf
    lo, hi = 0, len(s)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if font(size).size(s[:mid] + "…")[0] <= width:
            lo = mid
        else:
            hi = mid - 1
    return text(s[:lo] + "…", size, color)


def wrap(s: str, size: int, width: int) -> list[str]:
    """Split a line into pieces that each fit `width` pixels."""
    f = font(size)
    words = s.split(" ")
    lines: list[str] = []
    cur = ""
    for w in words:
        trial = w if not cur else cur + " " + w
        if f.size(trial)[0] <= width or not cur:
            cur = trial
        else:
            lines.append(cur)
            cur = "  " + w
    if cur:
        lines.append(cur)
    return lines


def shade(c: tuple[int, int, int], k: float) -> tuple[int, int, int]:
    """A colour darkened (k < 1) or lightened (k > 1)."""
    if k <= 1:
        return (int(c[0] * k), int(c[1] * k), int(c[2] * k))
    return tuple(int(v + (255 - v) * (k - 1)) for v in c)  # type: ignore[return-value]


def mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    """Blend two colours, t=0 gives a, t=1 gives b."""
    t = max(0.0, min(1.0, t))
    return (int(a[0] + (b[0] - a[0]) * t), int(a[1] + (b[1] - a[1]) * t), int(a[2] + (b[2] - a[2]) * t))
