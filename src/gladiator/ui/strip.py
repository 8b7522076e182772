"""The turn-order strip of the top bar: the turn now and the next few, who acts in each, and its action points.

It draws chips the duel view fills from `engine.turn_forecast` of the viewer's observation: the
points left in the turn now, then what each coming turn would begin with were nothing to change.
Imports pygame and the other ui modules.
"""

from __future__ import annotations

from dataclasses import dataclass

import pygame

from gladiator.ui import theme as T
from gladiator.ui.layout import Layout

Color = tuple[int, int, int]
CHIPS = 6  # turns shown at most, the one now included


@dataclass(frozen=True)
class Chip:
    """One turn of the strip."""

    turn: int
    name: str  # the side to act, as the viewer knows it
    color: Color
    ap: int  # points left (the turn now) or the points the turn would begin with
    full: int  # the suit's points a turn, as the viewer knows the suit
    now: bool


def draw_turn_strip(surf: pygame.Surface, lay: Layout, rect: pygame.Rect, limit: int, chips: list[Chip]) -> None:
    """The strip in `rect`: 'Turn n/limit', then as many chips as fit; the turn now stands out, with its points left
    as filled pips (spent ones hollow), later turns with hollow pips (a point an overheated start costs in red)."""
    if rect.width < 20 or not chips:
        return
    fs = lay.px(22)
    x, cy = rect.left, rect.centery
    head = T.text(f"Turn {chips[0].turn}/{limit}", lay.px(26), T.TEXT)
    if head.get_width() > rect.width:
        return
    surf.blit(head, head.get_rect(midleft=(x, cy)))
    x += head.get_width() + lay.px(10)
    pip, gap, pad = lay.px(5), lay.px(13), lay.px(7)
    h = min(rect.height - lay.px(6), lay.px(28))
    for chip in chips:
        label = T.text(chip.name if chip.now else f"{chip.turn} {chip.name}", fs if chip.now else lay.px(19),
                       chip.color if chip.now else T.shade(chip.color, 0.85))
        pips = max(chip.full, chip.ap)
        w = pad + label.get_width() + lay.px(6) + pips * gap + pad
        if x + w > rect.right:
            break
        box = pygame.Rect(x, cy - h // 2, w, h)
        pygame.draw.rect(surf, T.mix(T.PANEL, T.ACCENT, 0.14) if chip.now else T.PANEL, box, border_radius=lay.px(6))
        pygame.draw.rect(surf, T.ACCENT if chip.now else T.PANEL_EDGE, box, max(1, lay.px(2) if chip.now else 1),
                         border_radius=lay.px(6))
        surf.blit(label, label.get_rect(midleft=(box.left + pad, cy)))
        px = box.left + pad + label.get_width() + lay.px(6) + gap // 2
        for k in range(pips):
            c = (px + k * gap, cy)
            if chip.now and k < chip.ap:
                pygame.draw.circle(surf, T.AP, c, pip)
            elif k < chip.ap:
                pygame.draw.circle(surf, T.shade(T.AP, 0.8), c, pip, max(1, lay.px(2)))
            elif chip.now:
                pygame.draw.circle(surf, T.FAINT, c, pip, 1)  # spent this turn
            else:
                pygame.draw.circle(surf, T.BAD, c, pip, max(1, lay.px(2)))  # lost to overheating
        x = box.right + lay.px(6)
