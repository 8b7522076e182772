"""Arena geometry precomputed once: tile kinds, path distances, line of sight.

Walls never move, so every pairwise question a turn asks is a table lookup; walks that must
also keep off one tile (the enemy's) are worked out on demand by `distances_avoiding`.
Imports only numpy and the catalog schema.
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
    steps: np.ndarray  # (8, H, W) bool: a step from the tile in each of the eight directions is allowed

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
    steps = _step_table(passable, w, h)
    dist = np.full((T, T), UNREACHABLE, dtype=np.int16)
    for s in range(T):
        if passable[s]:
            dist[s] = _bfs(steps, s)
    dx = xy[None, :, 0].astype(np.int32) - xy[:, None, 0]
    dy = xy[None, :, 1].astype(np.int32) - xy[:, None, 1]
    cheb = np.maximum(np.abs(dx), np.abs(dy)).astype(np.int16)
    los = _line_of_sight(passable, w, h, xy)
    dir_to = direction_index(dx, dy).astype(np.int8)
    return Geometry(w, h, passable, cover, high, hazard, cache_of, caches,
                    (flat.index(SPAWN_A), flat.index(SPAWN_B)), xy, dist, cheb, los, dir_to, steps)


def spawns_connected(arena: Arena) -> bool:
    """Whether spawn A can walk to spawn B."""
    flat = "".join(arena.rows)
    passable = np.array([c != WALL for c in flat])
    d = _bfs(_step_table(passable, arena.width, arena.height), flat.index(SPAWN_A))
    return bool(d[flat.index(SPAWN_B)] < UNREACHABLE)


def direction_index(dx: np.ndarray, dy: np.ndarray) -> np.ndarray:
    """Nearest of the eight facings for a displacement; -1 for no displacement."""
    ang = np.arctan2(np.asarray(dx, dtype=np.float64), -np.asarray(dy, dtype=np.float64))  # 0 = north, clockwise
    idx = (np.rint(ang / (np.pi / 4)).astype(np.int64)) % 8
    return np.where((np.asarray(dx) == 0) & (np.asarray(dy) == 0), -1, idx)


def distances_avoiding(geo: Geometry, start: np.ndarray, avoid: np.ndarray, limit: int) -> np.ndarray:
    """(N, T) int16 path distances from each `start` by walks that never step on its `avoid` tile, up to `limit` steps.

    Tiles farther than `limit` (or cut off) are UNREACHABLE. Breadth-first over all N cases at
    once: each round moves the frontier one step in each of the eight directions (array slices).
    """
    start = np.asarray(start, dtype=np.intp)
    avoid = np.asarray(avoid, dtype=np.intp)
    n, h, w = start.size, geo.height, geo.width
    ar = np.arange(n)
    dist = np.full((n, h * w), UNREACHABLE, dtype=np.int16)
    dist[ar, start] = 0
    seen = np.zeros((n, h * w), dtype=bool)
    seen[ar, start] = True
    seen[ar, avoid] = True  # never entered
    frontier = np.zeros((n, h, w), dtype=bool)
    frontier.reshape(n, -1)[ar, start] = True
    for k in range(1, limit + 1):
        nxt = np.zeros_like(frontier)
        for j, (dx, dy) in enumerate(DIRECTIONS):
            src = frontier & geo.steps[j]
            nxt[:, max(dy, 0) : h + min(dy, 0), max(dx, 0) : w + min(dx, 0)] |= \
                src[:, max(-dy, 0) : h + min(-dy, 0), max(-dx, 0) : w + min(-dx, 0)]
        new = nxt.reshape(n, -1) & ~seen
        if not new.any():
            break
        dist[new] = k
        seen |= new
        frontier = new.reshape(n, h, w)
    return dist


def _step_table(passable: np.ndarray, w: int, h: int) -> np.ndarray:
    """(8, H, W) bool: from each tile, whether one step in each direction is allowed.

    The step must stay inside the arena, land on open floor, and a diagonal step needs both
    tiles it cuts past to be open (no squeezing between two walls at a corner).
    """
    grid = passable.reshape(h, w)
    pad = np.zeros((h + 2, w + 2), dtype=bool)
    pad[1:-1, 1:-1] = grid

    def shifted(dx: int, dy: int) -> np.ndarray:
        return pad[1 + dy : h + 1 + dy, 1 + dx : w + 1 + dx]

    steps = np.zeros((len(DIRECTIONS), h, w), dtype=bool)
    for j, (dx, dy) in enumerate(DIRECTIONS):
        dx, dy = int(dx), int(dy)
        ok = grid & shifted(dx, dy)
        if dx and dy:
            ok &= shifted(dx, 0) & shifted(0, dy)
        steps[j] = ok
    return steps


def _bfs(steps: np.ndarray, start: int) -> np.ndarray:
    """(T,) int16 path distances from `start` over the allowed steps, UNREACHABLE where there is no path."""
    _, h, w = steps.shape
    d = np.full(w * h, UNREACHABLE, dtype=np.int16)
    d[start] = 0
    q = deque([start])
    moves = [(j, int(dx), int(dy)) for j, (dx, dy) in enumerate(DIRECTIONS)]
    while q:
        c = q.popleft()
        cx, cy = c % w, c // w
        for j, ddx, ddy in moves:
            if not steps[j, cy, cx]:
                continue
            n = (cy + ddy) * w + cx + ddx
            if d[n] <= d[c] + 1:
                continue
            d[n] = d[c] + 1
            q.append(n)
    return d


def _line_of_sight(passable: np.ndarray, w: int, h: int, xy: np.ndarray) -> np.ndarray:
    """Sight between tile centres: blocked if a point of the segment lies in a wall tile's square.

    The segment is sampled at k / N of its length (N = 4 * (width + height)), in exact integer
    arithmetic; a point on the border of two (or four) squares is blocked only if all of them are
    walls, so sight grazes corners and the rule looks the same from either spawn of a symmetric map.
    """
    T = w * h
    los = np.zeros((T, T), dtype=bool)
    walls = ~passable.reshape(h, w)
    n = 4 * (w + h)
    k = np.arange(1, n)[:, None]
    bx, by = xy[:, 0].astype(np.int64)[None, :], xy[:, 1].astype(np.int64)[None, :]
    for a in range(T):
        if not passable[a]:
            continue
        ax, ay = int(xy[a, 0]), int(xy[a, 1])
        x2 = 2 * (ax * n + k * (bx - ax))  # twice the point's coordinate, in units of 1 / n
        y2 = 2 * (ay * n + k * (by - ay))
        x_lo, x_hi = np.clip(-((n - x2) // (2 * n)), 0, w - 1), np.clip((x2 + n) // (2 * n), 0, w - 1)
        y_lo, y_hi = np.clip(-((n - y2) // (2 * n)), 0, h - 1), np.clip((y2 + n) // (2 * n), 0, h - 1)
        inside = walls[y_lo, x_lo] & walls[y_lo, x_hi] & walls[y_hi, x_lo] & walls[y_hi, x_hi]
        los[a] = ~inside.any(axis=0) & passable
    return los & los.T  # sight is mutual
