"""Everything the window draws is drawn here, by the program: arena tiles, mechs, the core.

Imports pygame, numpy and the arena legend; holds no rule.
"""

from __future__ import annotations

import math

import pygame
import pygame.gfxdraw

from gladiator.catalog.geometry import DIRECTIONS
from gladiator.catalog.schema import CACHE, COVER, HAZARD, HIGH, WALL, Arena, Unit
from gladiator.ui import theme as T

MECH_SCALE = 0.76  # a mech's drawing unit, in tiles: its widest part (0.64 of it from the centre) stays inside its tile

Color = tuple[int, int, int]


def arena_surface(arena: Arena, tile: int) -> pygame.Surface:
    """The arena's static tiles (walls, cover, high ground, hazards, cache pads) at `tile` pixels a tile."""
    rows = arena.rows
    w, h = arena.width, arena.height
    surf = pygame.Surface((max(1, w * tile), max(1, h * tile)))
    surf.fill(T.BG)
    for y, row in enumerate(rows):
        for x, c in enumerate(row):
            r = pygame.Rect(x * tile, y * tile, tile, tile)
            _tile(surf, r, c, (x + y) % 2 == 0, rows, x, y)
    return surf


def _tile(surf: pygame.Surface, r: pygame.Rect, c: str, even: bool, rows: list[str], x: int, y: int) -> None:
    t = r.width
    if c == WALL:
        surf.fill(T.WALL, r)
        below_open = y + 1 < len(rows) and rows[y + 1][x] != WALL
        top = r.copy()
        top.height = max(1, int(t * (0.74 if below_open else 1.0)))
        surf.fill(T.shade(T.WALL_TOP, 0.8), top)
        if t >= 8:  # bricks
            mortar = T.shade(T.WALL_TOP, 0.55)
            for k in range(1, 3):
                yy = top.top + top.height * k // 3
                pygame.draw.line(surf, mortar, (r.left, yy), (r.right - 1, yy))
            for k in range(3):
                y0, y1 = top.top + top.height * k // 3, top.top + top.height * (k + 1) // 3
                xx = r.left + (t // 2 if (k + x) % 2 else t // 5)
                pygame.draw.line(surf, mortar, (xx, y0), (xx, y1))
            pygame.draw.line(surf, T.shade(T.WALL_TOP, 1.25), top.topleft, (top.right - 1, top.top))
        if below_open:
            face = pygame.Rect(r.left, top.bottom, t, r.bottom - top.bottom)
            surf.fill(T.shade(T.WALL_TOP, 0.35), face)
        return
    base = T.FLOOR if even else T.FLOOR_ALT
    if c == HIGH:
        base = T.HIGH if even else T.shade(T.HIGH, 0.94)
    if c == HAZARD:
        base = T.shade(T.HAZARD, 0.75 if even else 0.68)
    surf.fill(base, r)
    pygame.draw.rect(surf, T.GRID, r, 1)
    if t < 6:
        return
    if c == HIGH:
        hi = T.shade(T.HIGH, 1.35)
        pygame.draw.line(surf, hi, (r.left + 1, r.top + 1), (r.right - 2, r.top + 1))
        m = t // 2
        for k in (0.35, 0.6):
            yy = r.top + int(t * k)
            pygame.draw.lines(surf, T.shade(T.HIGH, 1.2), False,
                              [(r.left + m - t // 5, yy + t // 8), (r.left + m, yy), (r.left + m + t // 5, yy + t // 8)], max(1, t // 16))
    elif c == HAZARD:
        glow = T.shade(T.HAZARD, 1.3)
        for k in (0.3, 0.55, 0.8):
            yy = r.top + int(t * k)
            pts = [(r.left + int(t * i / 6), yy + int(math.sin(i * 1.7 + x) * t / 14)) for i in range(7)]
            pygame.draw.lines(surf, glow, False, pts, max(1, t // 14))
    elif c == COVER:
        box = r.inflate(-t // 4, -t // 3)
        box.top += t // 10
        pygame.draw.rect(surf, T.shade(T.COVER, 0.6), box.move(0, max(1, t // 14)), border_radius=max(1, t // 10))
        pygame.draw.rect(surf, T.COVER, box, border_radius=max(1, t // 10))
        pygame.draw.rect(surf, T.shade(T.COVER, 1.3), box, max(1, t // 18), border_radius=max(1, t // 10))
        pygame.draw.line(surf, T.shade(T.COVER, 0.7), (box.left + 2, box.centery), (box.right - 3, box.centery), max(1, t // 18))
    elif c == CACHE:
        pad = r.inflate(-t // 6, -t // 6)
        pygame.draw.ellipse(surf, T.shade(T.CACHE, 0.35), pad)
        pygame.draw.ellipse(surf, T.shade(T.CACHE, 0.6), pad, max(1, t // 16))


def nectar_canister(surf: pygame.Surface, center: tuple[int, int], tile: int, full: bool, pulse: float = 0.0) -> None:
    """A Nectar cache: a glowing canister when full, an empty frame when taken."""
    cx, cy = center
    w, h = max(3, int(tile * 0.3)), max(4, int(tile * 0.5))
    body = pygame.Rect(0, 0, w, h)
    body.center = (cx, cy)
    if full:
        glow = int(tile * (0.36 + 0.04 * pulse))
        _soft_circle(surf, (cx, cy), glow, T.CACHE, 60)
        pygame.draw.rect(surf, T.shade(T.CACHE, 0.55), body, border_radius=max(1, w // 3))
        liquid = body.inflate(-max(2, w // 3), -max(2, h // 4))
        pygame.draw.rect(surf, T.CACHE, liquid, border_radius=max(1, w // 4))
        pygame.draw.rect(surf, T.shade(T.CACHE, 1.5), body, max(1, tile // 20), border_radius=max(1, w // 3))
    else:
        pygame.draw.rect(surf, T.FAINT, body, max(1, tile // 20), border_radius=max(1, w // 3))


def _soft_circle(surf: pygame.Surface, center: tuple[int, int], radius: int, color: Color, alpha: int) -> None:
    if radius < 1 or alpha <= 0:
        return
    g = pygame.Surface((radius * 2, radius * 2), pygame.SRCALPHA)
    for k in range(3):
        rr = max(1, int(radius * (1 - k * 0.28)))
        pygame.draw.circle(g, (*color, min(255, int(alpha * (0.45 + 0.3 * k)))), (radius, radius), rr)
    surf.blit(g, (center[0] - radius, center[1] - radius))


def glow(surf: pygame.Surface, center: tuple[int, int], radius: int, color: Color, alpha: int) -> None:
    """A soft round glow (heat, hits, caches)."""
    _soft_circle(surf, center, radius, color, alpha)


def mech(surf: pygame.Surface, center: tuple[float, float], tile: int, unit: Unit, facing: int,
         state: str = "ok", lift: float = 0.0, ring: Color | None = None) -> None:
    """A mech suit seen from above in its unit's colour, with a facing marker.

    `state` is "ok", "guard", "down" (destroyed or shut down); `lift` raises it off the ground (leaps).
    """
    cx, cy = float(center[0]), float(center[1])
    s = max(4.0, float(tile) * MECH_SCALE)
    color: Color = unit.rgb
    if state == "down":
        color = T.mix(color, (60, 60, 66), 0.65)
    dark = T.shade(color, 0.5)
    light = T.shade(color, 1.35)
    fx, fy = (float(v) for v in DIRECTIONS[facing % 8])
    n = math.hypot(fx, fy) or 1.0
    fx, fy = fx / n, fy / n
    px, py = -fy, fx  # to the right of the facing

    def at(f: float, p: float) -> tuple[int, int]:
        return (int(cx + fx * f * s + px * p * s), int(cy - lift * s + fy * f * s + py * p * s))

    # shadow
    sh = pygame.Rect(0, 0, int(s * (0.78 - 0.2 * lift)), int(s * (0.42 - 0.1 * lift)))
    sh.center = (int(cx), int(cy + s * 0.22))
    shadow = pygame.Surface(sh.size, pygame.SRCALPHA)
    pygame.draw.ellipse(shadow, (0, 0, 0, 90), shadow.get_rect())
    surf.blit(shadow, sh)
    def poly(pts: list[tuple[float, float]]) -> list[tuple[int, int]]:
        return [at(f, p) for f, p in pts]

    line_w = max(1, int(s / 28))
    abilities = set(unit.abilities)
    # legs and feet
    for side in (-1, 1):
        leg = poly([(0.16, side * 0.12), (0.16, side * 0.26), (-0.3, side * 0.26), (-0.3, side * 0.12)])
        pygame.draw.polygon(surf, T.shade(color, 0.3), leg)
        foot = poly([(0.22, side * 0.13), (0.22, side * 0.25), (0.08, side * 0.25), (0.08, side * 0.13)])
        pygame.draw.polygon(surf, T.shade(color, 0.55), foot)
    if "leap" in abilities:  # swept-back thruster fins of an agile suit
        for side in (-1, 1):
            fin = poly([(-0.1, side * 0.16), (-0.44, side * 0.4), (-0.34, side * 0.1)])
            pygame.draw.polygon(surf, dark, fin)
            pygame.draw.polygon(surf, light, fin, line_w)
    if "mimic" in abilities and state != "down":  # jester points with bells
        for side in (-1, 0, 1):
            tip = at(-0.42 + 0.1 * abs(side), side * 0.3)
            base = [at(-0.12, side * 0.12 - 0.07), tip, at(-0.12, side * 0.12 + 0.07)]
            pygame.draw.polygon(surf, T.shade(color, 0.7) if side else dark, base)
            pygame.draw.circle(surf, T.ACCENT if side else (230, 60, 90), tip, max(1, int(s * 0.045)))
    # torso: a chamfered box
    torso = poly([(0.22, -0.2), (0.27, -0.1), (0.27, 0.1), (0.22, 0.2), (-0.2, 0.2), (-0.25, 0.1), (-0.25, -0.1), (-0.2, -0.2)])
    pygame.draw.polygon(surf, color, torso)
    pygame.draw.polygon(surf, dark, torso, line_w)
    plate = poly([(-0.05, -0.13), (-0.05, 0.13), (-0.18, 0.13), (-0.18, -0.13)])
    pygame.draw.polygon(surf, T.shade(color, 0.8), plate)
    # shoulders and the weapon arm: a barrel for a gunner, a blade for a duellist
    ranged = [w for w in unit.weapons if w.kind == "ranged"]
    gunner = bool(ranged) and len(ranged) * 2 >= len(unit.weapons)
    if gunner:
        barrel = poly([(0.54, 0.26), (0.54, 0.37), (0.0, 0.37), (0.0, 0.26)])
        pygame.draw.polygon(surf, T.shade(color, 0.35), barrel)
        pygame.draw.line(surf, light, at(0.12, 0.315), at(0.5, 0.315), max(1, int(s * 0.03)))
        pygame.draw.circle(surf, (255, 230, 160) if state != "down" else dark, at(0.54, 0.315), max(1, int(s * 0.04)))
    else:
        blade = poly([(0.06, 0.3), (0.56, 0.24), (0.6, 0.2), (0.06, 0.25)])
        pygame.draw.polygon(surf, (225, 232, 244) if state != "down" else (90, 90, 96), blade)
    for side in (-1, 1):
        pad = poly([(0.14, side * 0.2), (0.14, side * 0.36), (-0.12, side * 0.36), (-0.12, side * 0.2)])
        pygame.draw.polygon(surf, T.shade(color, 0.85), pad)
        pygame.draw.polygon(surf, dark, pad, line_w)
    # cockpit and visor: the visor is the facing marker
    c = at(0.04, 0.0)
    r = max(2, int(s * 0.11))
    pygame.gfxdraw.filled_circle(surf, c[0], c[1], r, light)
    pygame.gfxdraw.aacircle(surf, c[0], c[1], r, dark)
    visor = poly([(0.4, 0.0), (0.2, -0.11), (0.2, 0.11)])
    if state == "down":
        pygame.draw.polygon(surf, (40, 44, 52), visor)
        for d in (-1, 1):
            pygame.draw.line(surf, (20, 20, 24), at(0.16, -0.1 * d), at(-0.08, 0.1 * d), max(1, int(s * 0.05)))
    else:
        pygame.draw.polygon(surf, (235, 250, 255), visor)
        pygame.draw.polygon(surf, T.shade(color, 0.4), visor, max(1, line_w // 2))
    if ring is not None:
        pygame.draw.circle(surf, ring, (int(cx), int(cy - lift * s)), int(s * 0.46), max(1, int(s / 16)))
    if state == "guard":
        rr = pygame.Rect(0, 0, int(s * 0.9), int(s * 0.9))
        rr.center = (int(cx), int(cy - lift * s))
        ang = -math.atan2(fy, fx)
        pygame.draw.arc(surf, (150, 210, 255), rr, ang - 1.0, ang + 1.0, max(2, int(s * 0.07)))


def wreck(surf: pygame.Surface, center: tuple[float, float], tile: int, core_gone: bool, burning: bool, clock: float) -> None:
    """Over a fallen mech: the empty socket of a torn-out core, or smoke rising from a destroyed suit."""
    cx, cy = float(center[0]), float(center[1])
    if core_gone:
        r = max(2, int(tile * 0.14))
        pygame.draw.circle(surf, (8, 8, 12), (int(cx), int(cy)), r)
        pygame.draw.circle(surf, (120, 200, 255), (int(cx), int(cy)), r, max(1, tile // 24))
    if burning and tile >= 8:
        for i in range(4):
            k = (clock * 0.6 + i / 4) % 1.0
            x = cx + math.sin(clock * 1.3 + i * 1.9) * tile * 0.15 * k
            y = cy - tile * (0.1 + 0.9 * k)
            rad = max(2, int(tile * (0.1 + 0.18 * k)))
            puff = pygame.Surface((rad * 2, rad * 2), pygame.SRCALPHA)
            pygame.draw.circle(puff, (90, 92, 100, int(150 * (1 - k))), (rad, rad), rad)
            surf.blit(puff, (int(x) - rad, int(y) - rad))


def core(surf: pygame.Surface, center: tuple[float, float], radius: float, spin: float = 0.0) -> None:
    """The core: a glass ball with coloured stripes and a barcode."""
    cx, cy, r = int(center[0]), int(center[1]), max(3, int(radius))
    _soft_circle(surf, (cx, cy), int(r * 1.8), (160, 220, 255), 70)
    ball = pygame.Surface((r * 2 + 2, r * 2 + 2), pygame.SRCALPHA)
    pygame.draw.circle(ball, (190, 230, 255, 150), (r + 1, r + 1), r)
    for k, col in enumerate(((230, 60, 80), (250, 200, 60), (70, 200, 140))):
        off = int(math.sin(spin + k * 2.1) * r * 0.55)
        band = pygame.Rect(1, r + 1 + off - max(1, r // 7), r * 2, max(1, r // 4))
        clip = pygame.Surface(ball.get_size(), pygame.SRCALPHA)
        pygame.draw.rect(clip, (*col, 220), band)
        mask = pygame.Surface(ball.get_size(), pygame.SRCALPHA)
        pygame.draw.circle(mask, (255, 255, 255, 255), (r + 1, r + 1), r - 1)
        clip.blit(mask, (0, 0), special_flags=pygame.BLEND_RGBA_MIN)
        ball.blit(clip, (0, 0))
    bw = max(2, r)
    for i in range(0, bw, 2):
        h = max(1, r // 3) if i % 4 else max(1, r // 2)
        pygame.draw.line(ball, (20, 20, 30, 230), (r + 1 - bw // 2 + i, r + r // 3), (r + 1 - bw // 2 + i, r + r // 3 + h))
    pygame.draw.circle(ball, (255, 255, 255, 200), (r + 1, r + 1), r, max(1, r // 6))
    pygame.draw.circle(ball, (255, 255, 255, 230), (r + 1 - r // 3, r + 1 - r // 3), max(1, r // 5))
    surf.blit(ball, (cx - r - 1, cy - r - 1))


def bar(surf: pygame.Surface, rect: pygame.Rect, frac: float, color: Color, warn: bool = False) -> None:
    """A horizontal bar filled to `frac` (clipped to 0..1)."""
    if rect.width < 2 or rect.height < 1:
        return
    pygame.draw.rect(surf, (20, 22, 30), rect, border_radius=max(0, rect.height // 3))
    f = max(0.0, min(1.0, frac))
    if f > 0:
        inner = rect.copy()
        inner.width = max(1, int(rect.width * f))
        pygame.draw.rect(surf, color, inner, border_radius=max(0, rect.height // 3))
    pygame.draw.rect(surf, T.BAD if warn else T.PANEL_EDGE, rect, 1, border_radius=max(0, rect.height // 3))
