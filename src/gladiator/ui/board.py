"""The duel view shared by play, watch and replay: arena, mechs, cards, combat log, top bar.

Reads the engine's state (through `engine.observe` for what a side may see) and draws
it; never changes it. Imports pygame, the engine, narrate and the other ui modules.
"""

from __future__ import annotations

import math
from typing import Optional

import numpy as np
import pygame

from gladiator import engine
from gladiator.game import Game
from gladiator.narrate import describe
from gladiator.state import CORE_EXTRACTED, DESTROYED, DRAW, SHUTDOWN, DuelState
from gladiator.ui import art
from gladiator.ui import theme as T
from gladiator.ui.anim import Animator
from gladiator.ui.layout import Layout, make_layout
from gladiator.ui.widgets import Button, Screen

SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0)
LOG_LIMIT = 2000
OUTCOME_WORDS = {DESTROYED: "destroyed", CORE_EXTRACTED: "core extracted", SHUTDOWN: "shutdown", DRAW: "draw"}


class DuelView(Screen):
    """Draws one duel (batch of one) and its animations; subclasses add the controls."""

    def __init__(self, game: Game, units: tuple[str, str], state: DuelState) -> None:
        self.game = game
        self.units = units
        self.state = state
        self.anim = Animator()
        self.log_lines: list[tuple[str, tuple[int, int, int]]] = []
        self.log_scroll = 0
        self.speed_i = 2
        self.buttons: list[Button] = []
        self.layout: Layout | None = None
        self.mouse: tuple[int, int] = (-1, -1)
        self._board_cache: tuple[int, pygame.Surface] | None = None
        self._memos: dict[int, tuple[DuelState, dict]] = {}
        self.show_help = False
        self._wrapped: tuple[tuple[int, int, int], list[tuple[str, tuple[int, int, int]]]] | None = None

    # ---- what may be shown -------------------------------------------------
    @property
    def speed(self) -> float:
        """Animation and bot speed multiplier."""
        return SPEEDS[self.speed_i]

    def viewer(self) -> Optional[int]:
        """The side whose eyes the screen shows (None: a spectator sees everything)."""
        return None

    def side_color(self, side: int) -> tuple[int, int, int]:
        """Text colour of a side in the log (its true suit's colour, lightened)."""
        return T.shade(self.game.roster[int(self.state.unit[0, side])].rgb, 1.35)

    def memo(self, s: DuelState) -> dict:
        """Per-state look-ups from the engine (legal mask, previews, what each side shows), computed once."""
        hit = self._memos.get(id(s))
        if hit is not None and hit[0] is s:
            return hit[1]
        g = self.game
        shown = [int(engine.observe(g, s, 1 - side).foe_look[0]) for side in (0, 1)]
        m = {"shown": shown, "mask": None, "preview": None, "odds": None}
        if len(self._memos) >= 4:
            self._memos.clear()
        self._memos[id(s)] = (s, m)
        return m

    def legal(self) -> np.ndarray:
        """The legal mask of the current state (one row)."""
        m = self.memo(self.state)
        if m["mask"] is None:
            m["mask"] = engine.legal_mask(self.game, self.state)[0]
        return m["mask"]

    def preview(self) -> dict[str, np.ndarray]:
        """Hit chance and damage range of each weapon slot, from the engine."""
        m = self.memo(self.state)
        if m["preview"] is None:
            m["preview"] = {k: v[0] for k, v in engine.attack_preview(self.game, self.state).items()}
        return m["preview"]

    def extraction_odds(self) -> float:
        """Odds of a core extraction now, from the engine."""
        m = self.memo(self.state)
        if m["odds"] is None:
            m["odds"] = float(engine.extraction_preview(self.game, self.state)[0])
        return m["odds"]

    def shown_unit(self, s: DuelState, side: int) -> int:
        """Roster index of the suit `side` shows (its disguise, if any)."""
        return self.memo(s)["shown"][side]

    def name_for(self, s: DuelState, side: int) -> str:
        """The name of a side as the viewer may know it."""
        v = self.viewer()
        true = self.game.roster[int(s.unit[0, side])]
        shown = self.game.roster[self.shown_unit(s, side)]
        if shown.id == true.id:
            return true.name
        if v is not None and v != side:
            return shown.name
        return f"{true.name} as {shown.name}"

    # ---- log ---------------------------------------------------------------
    def say(self, line: str, color: tuple[int, int, int] = T.TEXT) -> None:
        """Add a line to the combat log."""
        self.log_lines.append((line, color))
        if len(self.log_lines) > LOG_LIMIT:
            del self.log_lines[: len(self.log_lines) - LOG_LIMIT]
        self.log_scroll = 0
        self._wrapped = None

    def narrate(self, before: DuelState, events: list[dict]) -> None:
        """Log lines of a step's events, naming each side as the viewer may know it."""
        for line, col in self.lines_for(before, events):
            self.say(line, col)

    def lines_for(self, before: DuelState, events: list[dict]) -> list[tuple[str, tuple[int, int, int]]]:
        """The log lines of a step's events (see `narrate`)."""
        out: list[tuple[str, tuple[int, int, int]]] = []
        v = self.viewer()
        ids = [self.game.roster[int(before.unit[0, sd])].id for sd in (0, 1)]
        if v is not None:
            ids[1 - v] = self.game.roster[self.shown_unit(before, 1 - v)].id
        for ev in events:
            if v is not None and ev["event"] == "mimic" and ev["side"] != v:
                out.append(("The enemy suit shimmers and changes shape.", self.side_color(ev["side"])))
                continue
            line = describe(self.game, (ids[0], ids[1]), ev)
            if line is None:
                continue
            col = self.side_color(ev["side"]) if isinstance(ev.get("side"), int) else T.ACCENT
            if ev["event"] == "turn":
                col = T.shade(col, 0.8)
            out.append((line, col))
        return out

    def opening_events(self, s: DuelState) -> list[dict]:
        """The 'who moves first' and first-turn lines of a new duel."""
        a = int(s.active[0])
        return [{"event": "start", "first": int(s.first[0]), "turn": 1},
                {"event": "turn", "side": a, "turn": int(s.turn[0]), "ap": int(s.ap[0]), "cooled": 0,
                 "heat": int(s.heat[0, a]), "overheat_damage": 0, "nectar": int(s.nectar[0, a]), "disguise_ended": False}]

    def scroll_log(self, lines: int) -> None:
        """Scroll the combat log back (positive) or forward (negative)."""
        self.log_scroll = max(0, self.log_scroll + lines)

    # ---- drawing -----------------------------------------------------------
    def make_layout(self, size: tuple[int, int]) -> Layout:
        """Layout for the window size (cached)."""
        if self.layout is None or self.layout.size != size:
            self.layout = make_layout(size, self.game.arena.width, self.game.arena.height)
            self._wrapped = None
        return self.layout

    def draw(self, surf: pygame.Surface) -> None:
        """Draw the whole duel screen."""
        lay = self.make_layout(surf.get_size())
        surf.fill(T.BG)
        s = self.anim.shown_state(self.state)
        self.draw_board(surf, lay, s)
        self.draw_overlay(surf, lay, s)
        self.draw_units(surf, lay, s)
        self.anim.draw(surf, lay)
        self.draw_result(surf, lay, s)
        self.draw_top(surf, lay, s)
        for i in (0, 1):
            self.draw_card(surf, lay, s, i)
        self.draw_log(surf, lay)
        self.draw_bottom(surf, lay, s)
        if self.show_help:
            self.draw_help(surf, lay)

    def draw_board(self, surf: pygame.Surface, lay: Layout, s: DuelState) -> None:
        """The arena and its Nectar caches."""
        if self._board_cache is None or self._board_cache[0] != lay.tile:
            self._board_cache = (lay.tile, art.arena_surface(self.game.arena, lay.tile))
        surf.blit(self._board_cache[1], lay.board)
        pygame.draw.rect(surf, T.PANEL_EDGE, lay.board.inflate(4, 4), 2)
        pulse = math.sin(self.anim.clock * 3.0)
        for c, tile in enumerate(self.game.geo.caches):
            art.nectar_canister(surf, lay.tile_rect(int(tile)).center, lay.tile, bool(s.caches[0, c]), pulse)

    def draw_overlay(self, surf: pygame.Surface, lay: Layout, s: DuelState) -> None:
        """Highlights drawn under the mechs (subclasses)."""

    def draw_units(self, surf: pygame.Surface, lay: Layout, s: DuelState) -> None:
        """Both mechs with facing marker, heat glow, guard arc, disguise hint and turn marker."""
        g = self.game
        v = self.viewer()
        loser = -1
        if s.done[0] and int(s.winner[0]) >= 0:
            loser = 1 - int(s.winner[0])
        for side in (0, 1):
            pose = self.anim.pose(side)
            tile = int(s.pos[0, side])
            if pose is None:
                cx, cy = lay.tile_center(tile)
                lift = 0.0
            else:
                cx, cy = lay.tile_center(pose[0], pose[1])
                lift = pose[2]
            true = g.roster[int(s.unit[0, side])]
            look = g.roster[self.shown_unit(s, side)]
            cap = max(1, int(g.tables.heat_capacity[int(s.unit[0, side])]))
            heat = int(s.heat[0, side])
            if heat > 0:
                frac = min(1.5, heat / cap)
                over = heat > cap
                wob = 0.5 + 0.5 * math.sin(self.anim.clock * (9 if over else 3))
                col = T.mix((255, 170, 60), (255, 40, 20), min(1.0, frac))
                art.glow(surf, (int(cx), int(cy)), max(2, int(lay.tile * (0.45 + 0.35 * frac + (0.1 * wob if over else 0)))),
                         col, int(40 + 120 * min(1.0, frac) + (50 * wob if over else 0)))
            if side == int(s.active[0]) and not s.done[0]:
                mark = pygame.Rect(0, 0, int(lay.tile * 0.9), int(lay.tile * 0.45))
                mark.center = (int(cx), int(cy + lay.tile * 0.22))
                if mark.width > 2:
                    pygame.draw.ellipse(surf, T.mix(T.ACCENT, (255, 255, 255), 0.5 + 0.5 * math.sin(self.anim.clock * 5)), mark, max(1, lay.tile // 18))
            mode = "down" if side == loser else ("guard" if s.guard[0, side] else "ok")
            ring = None
            if look.id != true.id and (v is None or v == side):
                ring = true.rgb
            art.mech(surf, (cx, cy), lay.tile, look, int(s.facing[0, side]), mode, lift, ring)
            if side == loser and not self.anim.busy:
                art.wreck(surf, (cx, cy), lay.tile, int(s.outcome[0]) == CORE_EXTRACTED, int(s.outcome[0]) == DESTROYED,
                          self.anim.clock)
            if s.exposed[0, side] and lay.tile >= 10:
                lab = T.text("EXPOSED", lay.px(16), T.BAD)
                surf.blit(lab, lab.get_rect(midbottom=(int(cx), int(cy - lay.tile * 0.45))))

    def draw_result(self, surf: pygame.Surface, lay: Layout, s: DuelState) -> None:
        """The end of the duel, once its last animation is over."""
        if not s.done[0] or self.anim.busy:
            return
        w = int(s.winner[0])
        outcome = OUTCOME_WORDS.get(int(s.outcome[0]), "")
        head = "Draw" if w < 0 else f"{self.name_for(s, w)} wins"
        sub = f"{outcome} after {int(s.turn[0])} turns" if w >= 0 else f"turn limit reached after {int(s.turn[0])} turns"
        shade = pygame.Surface(lay.board.size, pygame.SRCALPHA)
        shade.fill((8, 9, 14, 150))
        surf.blit(shade, lay.board)
        col = T.ACCENT if w < 0 else T.shade(self.game.roster[int(s.unit[0, w])].rgb, 1.4)
        big = T.text(head, lay.px(64), col)
        surf.blit(big, big.get_rect(center=(lay.board.centerx, lay.board.centery - lay.px(30))))
        small = T.text(sub, lay.px(30), T.TEXT)
        surf.blit(small, small.get_rect(center=(lay.board.centerx, lay.board.centery + lay.px(18))))
        hint = T.text(self.end_hint(), lay.px(22), T.DIM)
        surf.blit(hint, hint.get_rect(center=(lay.board.centerx, lay.board.centery + lay.px(52))))
        if int(s.outcome[0]) == CORE_EXTRACTED:
            art.core(surf, (lay.board.centerx, lay.board.centery - lay.px(100)), lay.px(26), self.anim.clock * 2)

    def help_lines(self) -> list[str]:
        """The keys of this screen, for the help panel (H or F1)."""
        return []

    def toggle_help(self, key: int) -> bool:
        """H or F1 shows or hides the help panel; any key hides it. True if the key was used up."""
        if key in (pygame.K_h, pygame.K_F1) or self.show_help:
            self.show_help = not self.show_help
            return True
        return False

    def draw_help(self, surf: pygame.Surface, lay: Layout) -> None:
        """A panel listing the keys, over the arena."""
        lines = self.help_lines() + ["", "any key: close this help"]
        fs = lay.px(22)
        step = fs + lay.px(4)
        kw = max(T.font(fs).size(line.partition(": ")[0] + "  ")[0] for line in lines)
        w = kw + max(T.font(fs).size(line.partition(": ")[2])[0] for line in lines) + lay.px(40)
        r = pygame.Rect(0, 0, min(w, lay.size[0]), min(step * len(lines) + lay.px(30), lay.size[1]))
        r.center = lay.board.center
        back = pygame.Surface(r.size, pygame.SRCALPHA)
        back.fill((12, 14, 20, 235))
        surf.blit(back, r)
        pygame.draw.rect(surf, T.ACCENT, r, max(1, lay.px(2)), border_radius=lay.px(8))
        y = r.top + lay.px(15)
        for line in lines:
            key, _, what = line.partition(": ")
            if what:
                surf.blit(T.text(key, fs, T.ACCENT), (r.left + lay.px(20), y))
                surf.blit(T.text(what, fs, T.TEXT), (r.left + lay.px(20) + kw, y))
            elif line:
                surf.blit(T.text(line, fs, T.TEXT), (r.left + lay.px(20), y))
            y += step

    def end_hint(self) -> str:
        """What the keys do once the duel is over."""
        return "Esc: leave"

    def status(self, s: DuelState) -> str:
        """Right-hand text of the top bar."""
        return f"speed x{self.speed:g}"

    def draw_top(self, surf: pygame.Surface, lay: Layout, s: DuelState) -> None:
        """The top bar: arena, turn counter, who acts, status."""
        pygame.draw.rect(surf, T.PANEL, lay.top)
        pygame.draw.line(surf, T.PANEL_EDGE, lay.top.bottomleft, lay.top.bottomright)
        size = lay.px(26)
        x = lay.px(12)
        title = T.text("GLADIATOR", size, T.ACCENT)
        cy = lay.top.centery
        surf.blit(title, title.get_rect(midleft=(x, cy)))
        x += title.get_width() + lay.px(18)
        a = int(s.active[0])
        turn = f"{self.game.arena.name}   Turn {int(s.turn[0])}/{self.game.arena.turn_limit}"
        t1 = T.text(turn, size, T.TEXT)
        surf.blit(t1, t1.get_rect(midleft=(x, cy)))
        x += t1.get_width() + lay.px(18)
        if not s.done[0]:
            who = T.fit_text(f"{self.name_for(s, a)} to act, {int(s.ap[0])} AP", size, max(1, lay.size[0] - x - lay.px(200)), self.side_color(a))
            surf.blit(who, who.get_rect(midleft=(x, cy)))
        st = T.text(self.status(s) + "   H: help", lay.px(22), T.DIM)
        surf.blit(st, st.get_rect(midright=(lay.size[0] - lay.px(12), cy)))

    def draw_card(self, surf: pygame.Surface, lay: Layout, s: DuelState, side: int) -> None:
        """One side's card: name, integrity, heat, Nectar, AP, weapons, conditions."""
        r = lay.cards[side]
        if r.width < 20 or r.height < 20:
            return
        g = self.game
        active = side == int(s.active[0]) and not s.done[0]
        look = g.roster[self.shown_unit(s, side)]
        v = self.viewer()
        known = g.roster[int(s.unit[0, side])] if (v is None or v == side) else look
        pygame.draw.rect(surf, T.PANEL, r, border_radius=lay.px(8))
        pygame.draw.rect(surf, T.ACCENT if active else T.PANEL_EDGE, r, max(1, lay.px(2)), border_radius=lay.px(8))
        pad = lay.px(10)
        sw = pygame.Rect(r.left + pad, r.top + pad, lay.px(16), lay.px(16))
        pygame.draw.rect(surf, look.rgb, sw, border_radius=lay.px(3))
        name = T.fit_text(f"{self.name_for(s, side)}  {self.controller_label(side)}", lay.px(26),
                          r.width - 3 * pad - sw.width, T.shade(known.rgb, 1.45))
        surf.blit(name, (sw.right + pad // 2, r.top + pad - lay.px(1)))
        y = sw.bottom + lay.px(8)
        true = g.roster[int(s.unit[0, side])]  # the maxima are the suit's own; only its look is disguised
        cap = max(1, true.stats.heat_capacity)
        rows = (
            ("Integrity", int(s.integrity[0, side]), true.stats.integrity, T.INTEGRITY, False),
            ("Heat", int(s.heat[0, side]), cap, T.HEAT, int(s.heat[0, side]) > cap),
            ("Nectar", int(s.nectar[0, side]), true.stats.nectar, T.NECTAR, int(s.nectar[0, side]) <= 5),
        )
        label_w = lay.px(86)
        fs = lay.px(19)
        for label, val, mx, col, warn in rows:
            if y + fs > r.bottom - pad:
                break
            surf.blit(T.text(label, fs, T.DIM), (r.left + pad, y))
            br = pygame.Rect(r.left + pad + label_w, y + lay.px(2), max(2, r.width - 2 * pad - label_w - lay.px(62)), max(3, fs - lay.px(6)))
            art.bar(surf, br, val / max(1, mx), col, warn)
            num = T.text(f"{val}/{mx}", fs, T.BAD if warn else T.TEXT)
            surf.blit(num, (br.right + lay.px(6), y))
            y += fs + lay.px(6)
        tags = []
        if v is None or v == side:
            tags.append(f"doses {int(s.doses[0, side])}")
        if s.guard[0, side]:
            tags.append("GUARD")
        if s.exposed[0, side]:
            tags.append("EXPOSED")
        if int(s.disguise[0, side]) >= 0 and (v is None or v == side):
            tags.append(f"disguised {int(s.disguise_turns[0, side])}t")
        if (active or tags) and y + fs <= r.bottom - pad:
            x = r.left + pad
            if active:
                surf.blit(T.text("AP", fs, T.DIM), (x, y))
                px = x + label_w
                for k in range(int(s.ap[0])):
                    pygame.draw.circle(surf, T.AP, (px + k * lay.px(18) + lay.px(7), y + fs // 2), lay.px(6))
                x = px + max(1, int(s.ap[0])) * lay.px(18) + lay.px(10)
            txt = T.fit_text("  ".join(tags), fs, max(1, r.right - pad - x), T.TEXT)
            surf.blit(txt, (x, y))
            y += fs + lay.px(6)
        ws = lay.px(17)
        for wp in look.weapons:
            if y + ws > r.bottom - pad // 2:
                break
            lo, hi = wp.damage_range
            dmg = f"{lo}-{hi}" if lo != hi else f"{lo}"
            line = f"{wp.name}: {wp.kind}, range {wp.range}, {wp.accuracy:.0%}, dmg {dmg}"
            surf.blit(T.fit_text(line, ws, r.width - 2 * pad, T.DIM), (r.left + pad, y))
            y += ws + lay.px(2)

    def controller_label(self, side: int) -> str:
        """Who controls a side, for its card ('' by default)."""
        return ""

    def draw_log(self, surf: pygame.Surface, lay: Layout) -> None:
        """The scrolling combat log, newest at the bottom."""
        r = lay.log
        if r.width < 20 or r.height < 20:
            return
        pygame.draw.rect(surf, T.PANEL, r, border_radius=lay.px(8))
        pygame.draw.rect(surf, T.PANEL_EDGE, r, 1, border_radius=lay.px(8))
        fs = lay.px(17)
        pad = lay.px(8)
        key = (r.width, fs, len(self.log_lines))
        if self._wrapped is None or self._wrapped[0] != key:
            out: list[tuple[str, tuple[int, int, int]]] = []
            for line, col in self.log_lines[-400:]:
                for piece in T.wrap(line, fs, r.width - 2 * pad):
                    out.append((piece, col))
            self._wrapped = (key, out)
        lines = self._wrapped[1]
        step = fs + lay.px(2)
        fit = max(1, (r.height - 2 * pad) // step)
        self.log_scroll = min(self.log_scroll, max(0, len(lines) - fit))
        end = len(lines) - self.log_scroll
        shown = lines[max(0, end - fit): end]
        y = r.bottom - pad - step * len(shown)
        clip = surf.get_clip()
        surf.set_clip(r)
        for piece, col in shown:
            surf.blit(T.text(piece, fs, col), (r.left + pad, y))
            y += step
        if self.log_scroll:
            tag = T.text(f"scrolled back {self.log_scroll} (wheel / PgDn)", lay.px(15), T.ACCENT)
            surf.blit(tag, tag.get_rect(topright=(r.right - pad, r.top + pad // 2)))
        surf.set_clip(clip)

    def draw_legend(self, surf: pygame.Surface, lay: Layout, right: int, y: int) -> int:
        """Tile legend drawn right-aligned ending at `right`; returns its left edge."""
        fs = lay.px(17)
        sw = lay.px(12)
        items = (("wall", T.WALL_TOP), ("cover", T.COVER), ("high ground", T.HIGH), ("hazard", T.HAZARD), ("Nectar", T.CACHE))
        x = right
        for label, col in reversed(items):
            img = T.text(label, fs, T.DIM)
            x -= img.get_width()
            surf.blit(img, (x, y))
            x -= sw + lay.px(4)
            pygame.draw.rect(surf, col, (x, y + (img.get_height() - sw) // 2, sw, sw), border_radius=max(1, sw // 4))
            x -= lay.px(12)
        return x

    def draw_bottom(self, surf: pygame.Surface, lay: Layout, s: DuelState) -> None:
        """The button bar."""
        fs = lay.px(20)
        for b in self.buttons:
            b.draw(surf, fs, b.rect.collidepoint(self.mouse))
