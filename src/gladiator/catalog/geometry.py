"""Arena geometry precomputed once: tile kinds, path distances, line of sight.

Walls never move, so every pairwise question a turn asks is a table lookup.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from gladiator.catalog.schema import CACHE, COVER, HAZARD, HIGH, SPAWN_A, SPAWN_B, WALL, Arena

UNREACHABLE = 999
# Eight facings, clockwise from north: (dx, dy) with y growing downwards.
DIRECTIONS = np.array([(0, -1), (1, -1), (1, 0), (1, 1), (0, 1), (-1, 1), (-1, 0), (-1, -1)], dtype=np.int16)


@dataclass(frozen=True)
class Geometry:
    """Per-tile and per-pair tables of one arena (tiles are flat indices y * width + x)."""

    width: int
    height: int
    passable: np.ndarray  # (T,) bool
    cover: np.ndarray  # (T,) bool
    high: np.ndarray  # (T,) bool
    hazard: np.ndarray  # (T,) bool
    cache_of: np.ndarray  # (T,) int16: cache number on the tile, -1 if none
    caches: np.ndarray  # (C,) int16 tiles of the Nectar caches
    spawns: tuple[int, int]
    xy: np.ndarray  # (T, 2) int16
    dist: np.ndarray  # (T, T) int16 path distance (8-connected, no corner cutting), UNREACHABLE if none
    cheb: np.ndarray  # (T, T) int16 Chebyshev distance
    los: np.ndarray  # (T, T) bool line of sight
    dir_to: np.ndarray  # (T, T) int8 facing from a tile towards another (-1 on the diagonal)

    @property
    def tiles(self) -> int:
        """Number of tiles."""
        return self.width * self.height


def build_geometry(arena: Arena) -> Geometry:
    """Compute every table of an arena."""
    rows = arena.rows
    w, h = arena.width, arena.height
    flat = "".join(rows)
    T = w * h
    passable = np.array([c != WALL for c in flat])
    cover = np.array([c == COVER for c in flat])
    high = np.array([c == HIGH for c in flat])
    hazard = np.array([c == HAZARD for c in flat])
    caches = np.array([i for i, c in enumerate(flat) if c == CACHE], dtype=np.int16)
    cache_of = np.full(T, -1, dtype=np.int16)
    cache_of[caches] = np.arange(len(caches), dtype=np.int16)
    xy = np.array([(i % w, i // w) for i in range(T)], dtype=np.int16)
    dist = np.full((T, T), UNREACHABLE, dtype=np.int16)
    for s in range(T):
        if passable[s]:
            dist[s] = _bfs(passable, w, h, s)
    dx = xy[None, :, 0].astype(np.int32) - xy[:, None, 0]
    dy = xy[None, :, 1].astype(np.int32) - xy[:, None, 1]
    cheb = np.maximum(np.abs(dx), np.abs(dy)).astype(np.int16)
    los = _line_of_sight(passable, w, h, xy)
    dir_to = direction_index(dx, dy).astype(np.int8)
    return Geometry(w, h, passable, cover, high, hazard, cache_of, caches,
                    (flat.index(SPAWN_A), flat.index(SPAWN_B)), xy, dist, cheb, los, dir_to)


def spawns_connected(arena: Arena) -> bool:
    """Whether spawn A can walk to spawn B."""
    flat = "".join(arena.rows)
    passable = np.array([c != WALL for c in flat])
    d = _bfs(passable, arena.width, arena.height, flat.index(SPAWN_A))
    return bool(d[flat.index(SPAWN_B)] < UNREACHABLE)


def direction_index(dx: np.ndarray, dy: np.ndarray) -> np.ndarray:
    """Nearest of the eight facings for a displacement; -1 for no displacement."""
    ang = np.arctan2(np.asarray(dx, dtype=np.float64), -np.asarray(dy, dtype=np.float64))  # 0 = north, clockwise
    idx = (np.rint(ang / (np.pi / 4)).astype(np.int64)) % 8
    return np.where((np.asarray(dx) == 0) & (np.asarray(dy) == 0), -1, idx)


def _bfs(passable: np.ndarray, w: int, h: int, start: int) -> np.ndarray:
    d = np.full(w * h, UNREACHABLE, dtype=np.int16)
    d[start] = 0
    q = deque([start])
    while q:
        c = q.popleft()
        cx, cy = c % w, c // w
        for ddx, ddy in DIRECTIONS:
            nx, ny = cx + int(ddx), cy + int(ddy)
            if not (0 <= nx < w and 0 <= ny < h):
                continue
            n = ny * w + nx
            if not passable[n] or d[n] <= d[c] + 1:
                continue
            if ddx and ddy and not (passable[cy * w + nx] and passable[ny * w + cx]):
                continue  # no squeezing between two walls at a corner
            d[n] = d[c] + 1
            q.append(n)
    return d


def _line_of_sight(passable: np.ndarray, w: int, h: int, xy: np.ndarray) -> np.ndarray:
    """Sight between tile centres: blocked if the segment passes through any wall tile's square."""
    T = w * h
    los = np.zeros((T, T), dtype=bool)
    walls = ~passable.reshape(h, w)
    samples = np.linspace(0.0, 1.0, 4 * (w + h) + 1)[1:-1]
    for a in range(T):
        if not passable[a]:
            continue
        ax, ay = xy[a]
        bx = xy[:, 0].astype(np.float64)
        by = xy[:, 1].astype(np.float64)
        px = ax + samples[:, None] * (bx[None, :] - ax)
        py = ay + samples[:, None] * (by[None, :] - ay)
        ix = np.clip(np.floor(px + 0.5).astype(np.int64), 0, w - 1)
        iy = np.clip(np.floor(py + 0.5).astype(np.int64), 0, h - 1)
        blocked = walls[iy, ix].any(axis=0)
        los[a] = ~blocked & passable
    return los & los.T  # sight is mutual
