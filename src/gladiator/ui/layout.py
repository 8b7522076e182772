"""Where everything goes in a window of any size: the layout scales with the window. Imports pygame only."""

from __future__ import annotations

from dataclasses import dataclass

import pygame

BASE_W, BASE_H = 1280, 720
MIN_SCALE, MAX_SCALE = 0.35, 3.0
MAX_TILE = 96  # pixels a tile at most, at 1280x720


@dataclass
class Layout:
    """Rectangles of one window size for an arena of `cols` x `rows` tiles."""

    size: tuple[int, int]
    scale: float
    top: pygame.Rect
    board: pygame.Rect
    tile: int
    side: pygame.Rect
    cards: tuple[pygame.Rect, pygame.Rect]
    log: pygame.Rect
    bottom: pygame.Rect
    cols: int
    rows: int

    def px(self, v: float) -> int:
        """A base-resolution length scaled to this window (at least 1)."""
        return max(1, int(round(v * self.scale)))

    def tile_rect(self, tile: int) -> pygame.Rect:
        """Screen rectangle of a tile (flat index)."""
        x, y = tile % self.cols, tile // self.cols
        return pygame.Rect(self.board.left + x * self.tile, self.board.top + y * self.tile, self.tile, self.tile)

    def tile_center(self, tile: float | int, y: float | None = None) -> tuple[float, float]:
        """Screen centre of a tile index, or of fractional tile coordinates (x, y)."""
        if y is None:
            x, yy = int(tile) % self.cols, int(tile) // self.cols
        else:
            x, yy = float(tile), float(y)
        return (self.board.left + (x + 0.5) * self.tile, self.board.top + (yy + 0.5) * self.tile)

    def tile_at(self, pos: tuple[int, int]) -> int | None:
        """Tile under a screen position, or None off the board."""
        if not self.board.collidepoint(pos) or self.tile <= 0:
            return None
        x = (pos[0] - self.board.left) // self.tile
        y = (pos[1] - self.board.top) // self.tile
        if 0 <= x < self.cols and 0 <= y < self.rows:
            return int(y * self.cols + x)
        return None


def make_layout(size: tuple[int, int], cols: int, rows: int) -> Layout:
    """The layout of a duel screen for a window of `size` pixels."""
    W, H = max(1, size[0]), max(1, size[1])
    sc = max(MIN_SCALE, min(MAX_SCALE, min(W / BASE_W, H / BASE_H)))
    pad = max(2, int(8 * sc))
    top_h = max(12, int(38 * sc))
    bottom_h = max(20, int(112 * sc))
    side_w = max(60, min(int(W * 0.32), int(470 * sc)))
    if W < 360:
        side_w = max(40, W // 3)
    top = pygame.Rect(0, 0, W, top_h)
    area = pygame.Rect(pad, top_h + pad, max(1, W - side_w - 2 * pad), max(1, H - top_h - bottom_h - 2 * pad))
    tile, board = _fit_board(area, cols, rows, sc)
    bottom = pygame.Rect(pad, H - bottom_h, max(1, W - side_w - 2 * pad), max(1, bottom_h - pad))
    side = pygame.Rect(W - side_w, top_h + pad, max(1, side_w - pad), max(1, H - top_h - 2 * pad))
    card_h = max(20, int(200 * sc))
    c0 = pygame.Rect(side.left, side.top, side.width, card_h)
    c1 = pygame.Rect(side.left, c0.bottom + pad, side.width, card_h)
    log = pygame.Rect(side.left, c1.bottom + pad, side.width, max(1, side.bottom - c1.bottom - pad))
    return Layout((W, H), sc, top, board, tile, side, (c0, c1), log, bottom, cols, rows)


BROADCAST_W, BROADCAST_H = 960, 540  # the broadcast layout's base: its words are this size at 960x540


def broadcast_layout(size: tuple[int, int], cols: int, rows: int) -> Layout:
    """The layout of a clip made to be shared: a thin top bar, the board, the two suit cards beside it, and a caption
    band across the bottom (`bottom`) for the last action; no log, no buttons. Its words scale from a 960x540 base,
    so a 640x360 clip still reads."""
    W, H = max(1, size[0]), max(1, size[1])
    sc = max(MIN_SCALE, min(MAX_SCALE, min(W / BROADCAST_W, H / BROADCAST_H)))
    pad = max(2, int(6 * sc))
    top_h = max(12, int(34 * sc))
    caption_h = max(18, int(70 * sc))
    side_w = max(60, int(W * 0.3))
    top = pygame.Rect(0, 0, W, top_h)
    area = pygame.Rect(pad, top_h + pad, max(1, W - side_w - 2 * pad), max(1, H - top_h - caption_h - 2 * pad))
    tile, board = _fit_board(area, cols, rows, sc)
    side = pygame.Rect(W - side_w, top_h + pad, max(1, side_w - pad), max(1, H - top_h - caption_h - 2 * pad))
    card_h = max(20, (side.height - pad) // 2)
    c0 = pygame.Rect(side.left, side.top, side.width, card_h)
    c1 = pygame.Rect(side.left, c0.bottom + pad, side.width, card_h)
    caption = pygame.Rect(0, H - caption_h, W, caption_h)
    log = pygame.Rect(side.left, side.bottom, side.width, 0)
    return Layout((W, H), sc, top, board, tile, side, (c0, c1), log, caption, cols, rows)


def _fit_board(area: pygame.Rect, cols: int, rows: int, scale: float) -> tuple[int, pygame.Rect]:
    """The largest whole tile (at most MAX_TILE at this scale) that fits the arena in `area`, and the board centred there."""
    tile = max(2, min(area.width // max(1, cols), area.height // max(1, rows), int(MAX_TILE * scale)))
    board = pygame.Rect(0, 0, tile * cols, tile * rows)
    board.center = area.center
    return tile, board
