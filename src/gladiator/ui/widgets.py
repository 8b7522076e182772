"""Buttons with key shortcuts, and the Screen every window state is built on. Imports pygame and theme."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import pygame

from gladiator.ui import theme as T


@dataclass
class Button:
    """A clickable box with an optional key shortcut; a disabled button says why when pressed."""

    rect: pygame.Rect
    label: str
    on_press: Callable[[], None]
    key: int | None = None
    key_label: str = ""
    enabled: bool = True
    selected: bool = False
    color: tuple[int, int, int] | None = None

    def draw(self, surf: pygame.Surface, size: int, hover: bool = False) -> None:
        """Draw the button."""
        r = self.rect
        if r.width < 4 or r.height < 4:
            return
        base = T.BUTTON_ON if self.selected else (T.BUTTON_HOVER if hover and self.enabled else T.BUTTON)
        if not self.enabled:
            base = T.BUTTON_OFF
        rad = max(2, r.height // 5)
        pygame.draw.rect(surf, base, r, border_radius=rad)
        edge = T.ACCENT if self.selected else (self.color or T.PANEL_EDGE)
        pygame.draw.rect(surf, edge if self.enabled else T.shade(T.PANEL_EDGE, 0.7), r, max(1, size // 12), border_radius=rad)
        fg = T.TEXT if self.enabled else T.FAINT
        kc = T.ACCENT if self.enabled else T.FAINT
        if self.key_label and r.height >= size * 2:
            k = T.text(self.key_label, max(8, int(size * 0.75)), kc)
            surf.blit(k, (r.left + 5, r.top + 3))
            lab = T.fit_text(self.label, size, r.width - 8, fg)
            surf.blit(lab, lab.get_rect(center=(r.centerx, r.centery + size // 5)))
        elif self.key_label and r.width > size * 4:
            k = T.text(self.key_label, max(8, int(size * 0.8)), kc)
            kw = k.get_width() + max(4, size // 3)
            lab = T.fit_text(self.label, size, r.width - kw - 10, fg)
            x = r.centerx - (kw + lab.get_width()) // 2
            surf.blit(k, k.get_rect(midleft=(x, r.centery)))
            surf.blit(lab, lab.get_rect(midleft=(x + kw, r.centery)))
        else:
            lab = T.fit_text(self.label, size, r.width - 8, fg)
            surf.blit(lab, lab.get_rect(center=r.center))


class Screen:
    """One state of the window: it handles input, advances time and draws itself."""

    #: the screen to switch to after this frame; None keeps this one
    next: Optional["Screen"] = None
    #: set when the window should close
    quit: bool = False

    def handle(self, ev: pygame.event.Event) -> None:
        """React to one input event."""

    def update(self, dt: float) -> None:
        """Advance by `dt` seconds of real time."""

    def draw(self, surf: pygame.Surface) -> None:
        """Draw the whole window."""

    def settle(self) -> None:
        """Finish the work under way off the frame loop (a fixed-step render calls it before each frame, so that what
        it shows depends on the frame count alone)."""


def press_at(buttons: list[Button], pos: tuple[int, int]) -> bool:
    """Press the button under `pos`, if any; True when one was hit."""
    for b in buttons:
        if b.rect.collidepoint(pos):
            b.on_press()
            return True
    return False


def press_key(buttons: list[Button], key: int) -> bool:
    """Press the first button whose shortcut is `key`; True when one was."""
    for b in buttons:
        if b.key is not None and b.key == key:
            b.on_press()
            return True
    return False


def row_of_buttons(area: pygame.Rect, n: int, rows: int = 1, gap: int = 6, max_h: int | None = None) -> list[pygame.Rect]:
    """`n` equal button rectangles filling `area` in `rows` rows (each at most `max_h` tall, centred)."""
    if n <= 0:
        return []
    per = -(-n // rows)
    w = max(1, (area.width - gap * (per - 1)) // per)
    h = max(1, (area.height - gap * (rows - 1)) // rows)
    if max_h is not None:
        h = max(1, min(h, max_h))
    top = area.top + max(0, (area.height - rows * h - gap * (rows - 1)) // 2)
    out = []
    for i in range(n):
        r, c = divmod(i, per)
        out.append(pygame.Rect(area.left + c * (w + gap), top + r * (h + gap), w, h))
    return out
