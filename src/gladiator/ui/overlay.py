"""The arc overlay: the enemy's rear arc, the tiles a core extraction can be made from, and those the enemy could
tear the viewer's core out from.

It draws the maps `engine.extraction_map` makes from the viewer's observation (the enemy as the
suit it shows); it works nothing out itself. Imports pygame, numpy and the other ui modules.
"""

from __future__ import annotations

import numpy as np
import pygame

from gladiator.ui import art
from gladiator.ui import theme as T
from gladiator.ui.layout import Layout

REAR = (255, 170, 70)  # the enemy's rear arc: a warm tint
EXTRACT = (90, 235, 170)  # where the viewer could tear out the core
THREAT = (255, 70, 70)  # where the enemy could tear out the viewer's
LEGEND = (("{foe}'s rear arc", REAR), ("{me} can extract here", EXTRACT), ("{foe} can extract here", THREAT))


def arc_layer(lay: Layout, maps: dict[str, np.ndarray], me: str, foe: str, avoid: tuple[int, ...] = ()) -> pygame.Surface:
    """The overlay's still part as a transparent layer the size of the board: the rear arc tinted, the extraction tiles
    ringed with the odds (where a tile is big enough), the threats marked, and a key of what is shown.

    `maps` holds one duel's row of each of `engine.extraction_map`'s arrays; `me`, `foe` are the names the viewer
    knows the two sides by; the key goes in the corner that hides the fewest marks and `avoid` tiles. Made once per
    state and window size, blitted every frame (`draw_cores` adds what moves).
    """
    board = pygame.Rect(0, 0, lay.board.width, lay.board.height)
    layer = pygame.Surface(board.size, pygame.SRCALPHA)
    ts = lay.tile
    if ts < 4:
        return layer
    shift = (-lay.board.left, -lay.board.top)
    tint = pygame.Surface((ts, ts), pygame.SRCALPHA)
    tint.fill((*REAR, 26))
    step = max(4, ts // 4)
    for k in range(-ts, ts, step):  # a light hatch, so the tint reads on every floor colour
        pygame.draw.line(tint, (*REAR, 50), (k, ts), (k + ts, 0), 1)
    for t in np.flatnonzero(maps["rear"]):
        layer.blit(tint, lay.tile_rect(int(t)).move(shift))
    width = max(1, ts // 12)
    for t in np.flatnonzero(maps["threat"]):
        r = lay.tile_rect(int(t)).move(shift).inflate(-width * 2, -width * 2)
        _dashed_rect(layer, THREAT, r, width, max(3, ts // 6))
        if ts >= 18:
            mark = T.text("!", max(10, int(ts * 0.5)), THREAT)
            layer.blit(mark, mark.get_rect(center=r.center))
    fs = max(9, int(ts * 0.28))
    for t in np.flatnonzero(maps["extract"]):
        r = lay.tile_rect(int(t)).move(shift)
        pygame.draw.rect(layer, EXTRACT, r.inflate(-width * 2, -width * 2), width, border_radius=max(1, ts // 5))
        if ts >= 24:
            lab = T.text(f"{float(maps['odds'][t]):.0%}", fs, EXTRACT)
            box = lab.get_rect(midbottom=(r.centerx, r.bottom - 2 * width - 1))
            pygame.draw.rect(layer, (12, 14, 20), box.inflate(2, 0), border_radius=max(1, ts // 16))
            layer.blit(lab, box)
    _legend(layer, lay, maps, me, foe, avoid)
    return layer


def draw_cores(surf: pygame.Surface, lay: Layout, maps: dict[str, np.ndarray], clock: float = 0.0) -> None:
    """The spinning core in each extraction ring (the part of the overlay that moves)."""
    ts = lay.tile
    if ts < 4:
        return
    for t in np.flatnonzero(maps["extract"]):
        r = lay.tile_rect(int(t))
        art.core(surf, (r.centerx, r.centery - (ts * 0.12 if ts >= 24 else 0)), max(2.0, ts * 0.14), clock * 2)


def _legend(layer: pygame.Surface, lay: Layout, maps: dict[str, np.ndarray], me: str, foe: str, avoid: tuple[int, ...]) -> None:
    """A small key of the marks shown, in the corner of the board (layer) that hides the fewest of them."""
    items = [(_capital(label.format(me=me, foe=foe)), col) for (label, col), key in zip(LEGEND, ("rear", "extract", "threat"), strict=True)
             if maps[key].any()]
    if not items:
        return
    fs = lay.px(16)
    sw = lay.px(10)
    rows = [T.text(label, fs, T.TEXT) for label, _ in items]
    w = max(r.get_width() for r in rows) + sw + lay.px(16)
    h = len(rows) * (fs + lay.px(2)) + lay.px(8)
    inset = lay.px(6)
    b = layer.get_rect()
    corners = [pygame.Rect(x, y, w, h) for y in (b.bottom - h - inset, b.top + inset) for x in (b.left + inset, b.right - w - inset)]
    shift = (-lay.board.left, -lay.board.top)
    marked = [lay.tile_rect(int(t)).move(shift) for key in ("extract", "threat") for t in np.flatnonzero(maps[key])]
    marked += [lay.tile_rect(int(t)).move(shift) for t in avoid]
    box = min(corners, key=lambda c: sum(c.colliderect(m) for m in marked))  # the first corner on a tie
    layer.fill((10, 12, 18, 190), box)
    y = box.top + lay.px(4)
    for (_, col), img in zip(items, rows, strict=True):
        pygame.draw.rect(layer, col, (box.left + lay.px(5), y + (img.get_height() - sw) // 2, sw, sw), border_radius=max(1, sw // 4))
        layer.blit(img, (box.left + lay.px(5) + sw + lay.px(5), y))
        y += fs + lay.px(2)


def _capital(text: str) -> str:
    """The text with its first letter in upper case ('you can ...' -> 'You can ...')."""
    return text[:1].upper() + text[1:]


def _dashed_rect(surf: pygame.Surface, color: tuple[int, int, int], r: pygame.Rect, width: int, dash: int) -> None:
    """A rectangle outline drawn in dashes."""
    for (x0, y0), (x1, y1) in ((r.topleft, r.topright), (r.topright, r.bottomright), (r.bottomright, r.bottomleft),
                               (r.bottomleft, r.topleft)):
        length = max(abs(x1 - x0), abs(y1 - y0))
        for k in range(0, length, 2 * dash):
            a, b = k / max(1, length), min(1.0, (k + dash) / max(1, length))
            pygame.draw.line(surf, color, (x0 + (x1 - x0) * a, y0 + (y1 - y0) * a), (x0 + (x1 - x0) * b, y0 + (y1 - y0) * b), width)
