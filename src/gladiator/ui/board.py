"""The duel view shared by play, watch and replay: arena, mechs, cards, combat log, top bar.

What a player sees comes from `engine.observe(game, state, player_side)`: its own suit whole,
the enemy as it shows itself (a disguise's name, colour, weapons and maxima, its gauges on that
suit's scale), previews and odds computed on that view, and the log narrated for that side
(`gladiator.narrate`, `viewer=side`). A spectator (watch, replay) sees the truth, and the top bar
says so. Reads the engine's state and draws it; never changes it. Imports pygame, the engine,
narrate and the other ui modules.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

import numpy as np
import pygame

from gladiator import engine
from gladiator.game import Game
from gladiator.narrate import describe, describe_plain, QuietTurns, quiet_turn, seen_event
from gladiator.state import CORE_EXTRACTED, DESTROYED, OUTCOME_LABELS, OUTCOMES, DuelState
from gladiator.ui import art, overlay, sound
from gladiator.ui import theme as T
from gladiator.ui.anim import Animator
from gladiator.ui.layout import Layout, make_layout
from gladiator.ui.strip import CHIPS, Chip, draw_turn_strip
from gladiator.ui.widgets import Button, Screen

SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0)
LOG_LIMIT = 2000
SPECTATOR_LABEL = "spectator: true suits shown"
Color = tuple[int, int, int]


@dataclass(frozen=True)
class Seen:
    """One side of the duel as the screen's viewer may know it: what its card, its mech and its name show."""

    unit: int  # roster index as known: its own suit (itself, or a spectator), else the suit it shows
    look: int  # roster index of the suit it shows
    pos: int
    facing: int
    integrity: int  # its own numbers, or gauges read on the shown suit's scale
    heat: int
    nectar: int
    guard: bool
    exposed: bool
    overheated: bool
    doses: Optional[int]  # None: not known to the viewer
    disguise_turns: Optional[int]  # None: not known (or no disguise it knows of)
    staggered: bool = False  # version 4: an ambush hit it; it begins its next turn a point short


@dataclass
class LogEntry:
    """A line of the combat log: an engine event (narrated for whoever looks), or a text for one audience."""

    event: Optional[dict] = None
    text: str = ""
    color: Color = T.TEXT
    audience: Optional[int] = None  # the side whose eyes it was written for (None: everyone)


class DuelView(Screen):
    """Draws one duel (batch of one) and its animations; subclasses add the controls."""

    def __init__(self, game: Game, units: tuple[str, str], state: DuelState) -> None:
        self.game = game
        self.units = units
        self.state = state
        self.anim = Animator()
        self.log_entries: list[LogEntry] = []
        self._log_view: tuple[tuple[Optional[int], int], int, list[tuple[str, Color]]] = ((None, -1), 0, [])
        self._log_turns = QuietTurns()  # which turn of the log told nothing
        self._log_version = 0
        self.log_scroll = 0
        self.speed_i = 2
        self.buttons: list[Button] = []
        self.layout: Layout | None = None
        self.mouse: tuple[int, int] = (-1, -1)
        self._board_cache: tuple[int, pygame.Surface] | None = None
        self._memos: dict[int, tuple[DuelState, dict]] = {}
        self.show_help = False
        self._wrapped: tuple[tuple[int, ...], list[tuple[str, Color]]] | None = None
        self.arcs: Optional[bool] = None  # the arc overlay: None follows `arcs_by_default`, O sets it
        self._arc_layer: tuple[dict, tuple, pygame.Surface] | None = None  # its still part, for the maps it was drawn from
        self.formulas = False  # the log in plain words; F shows every chance and roll
        self.anim.on_cue = self.cue

    # ---- what may be shown -------------------------------------------------
    @property
    def speed(self) -> float:
        """Animation and bot speed multiplier."""
        return SPEEDS[self.speed_i]

    def viewer(self) -> Optional[int]:
        """The side whose eyes the screen shows (None: a spectator sees everything)."""
        return None

    def memo(self, s: DuelState) -> dict:
        """Per-state look-ups from the engine (observations, legal mask, previews), computed once."""
        hit = self._memos.get(id(s))
        if hit is not None and hit[0] is s:
            return hit[1]
        m: dict = {"obs": {}, "seen": {}, "mask": None, "preview": {}, "odds": {}, "arcs": {}, "turns": {}}
        if len(self._memos) >= 4:
            self._memos.clear()
        self._memos[id(s)] = (s, m)
        return m

    def observation(self, s: DuelState, side: int, spectator: bool = False) -> engine.Observation:
        """`engine.observe` of one seat (the truth of the enemy too when `spectator`), memoised per state."""
        m = self.memo(s)["obs"]
        key = (side, spectator)
        if key not in m:
            m[key] = engine.observe(self.game, s, side, spectator=spectator)
        return m[key]

    def eyes(self, s: DuelState) -> tuple[int, bool]:
        """The seat whose observation previews and odds are read from, and whether it is the spectator's."""
        v = self.viewer()
        return (int(s.active[0]), True) if v is None else (v, False)

    def seen(self, s: DuelState, side: int) -> Seen:
        """What the viewer may know of `side`: its own seat's view, the enemy as the viewer's observation shows it."""
        m = self.memo(s)["seen"]
        if side in m:
            return m[side]
        v = self.viewer()
        if v is None or v == side:
            o = self.observation(s, side, spectator=v is None)
            other = self.observation(s, 1 - side, spectator=True)  # a suit's overheating shows to both seats
            out = Seen(int(o.my_unit[0]), int(o.my_look[0]), int(o.my_pos[0]), int(o.my_facing[0]), int(o.my_integrity[0]),
                       int(o.my_heat[0]), int(o.my_nectar[0]), bool(o.my_guard[0]), bool(o.my_exposed[0]),
                       bool(other.foe_overheated[0]), int(o.my_doses[0]),
                       int(o.my_disguise_turns[0]) if int(o.my_disguise[0]) >= 0 else None,
                       staggered=bool(o.my_staggered[0]))
        else:
            o = self.observation(s, v)
            look = int(o.foe_look[0])
            out = Seen(look, look, int(o.foe_pos[0]), int(o.foe_facing[0]), int(o.foe_integrity[0]), int(o.foe_heat[0]),
                       int(o.foe_nectar[0]), bool(o.foe_guard[0]), bool(o.foe_exposed[0]), bool(o.foe_overheated[0]),
                       None, None, staggered=bool(o.foe_staggered[0]))
        m[side] = out
        return out

    def legal(self) -> np.ndarray:
        """The legal mask of the current state (one row): the actions of the side to act."""
        m = self.memo(self.state)
        if m["mask"] is None:
            m["mask"] = engine.legal_mask(self.game, self.state)[0]
        return m["mask"]

    def preview(self) -> dict[str, np.ndarray]:
        """Hit chance and damage range of each weapon slot, on the viewer's observation (`engine.attack_preview`)."""
        m = self.memo(self.state)
        key = self.eyes(self.state)
        if key not in m["preview"]:
            obs = self.observation(self.state, *key)
            m["preview"][key] = {k: v[0] for k, v in engine.attack_preview(self.game, obs).items()}
        return m["preview"][key]

    def extraction_odds(self) -> float:
        """Odds of a core extraction now, on the viewer's observation (`engine.extraction_preview`)."""
        m = self.memo(self.state)
        key = self.eyes(self.state)
        if key not in m["odds"]:
            m["odds"][key] = float(engine.extraction_preview(self.game, self.observation(self.state, *key))[0])
        return m["odds"][key]

    def arc_maps(self, s: DuelState) -> dict[str, np.ndarray]:
        """The viewer's rear-arc and core-extraction maps (`engine.extraction_map` of its observation), one row each."""
        m = self.memo(s)["arcs"]
        key = self.eyes(s)
        if key not in m:
            m[key] = {k: v[0] for k, v in engine.extraction_map(self.game, self.observation(s, *key)).items()}
        return m[key]

    def arcs_by_default(self, s: DuelState) -> bool:
        """Whether the arc overlay is on unless O says otherwise: the viewer's suit can tear out a core, or the enemy's
        suit (as it shows) can tear out the viewer's, so it helps to see where not to stand."""
        side, _ = self.eyes(s)
        t = self.game.tables
        return bool(t.can_extract[self.seen(s, side).unit] or t.can_extract[self.seen(s, 1 - side).look])

    def arcs_on(self, s: DuelState) -> bool:
        """Whether the arc overlay shows now."""
        return self.arcs_by_default(s) if self.arcs is None else self.arcs

    def short_names(self, s: DuelState) -> tuple[str, str]:
        """What the strip and the overlay's key call each side: the suit the viewer knows it as, 'you' for a player's own
        side when both look alike (a disguise mirror), and a side number for a spectator's mirror."""
        names = [self.game.roster[self.seen(s, k).unit].name for k in (0, 1)]
        if names[0] == names[1]:
            v = self.viewer()
            names = [("you" if k == v else n) if v is not None else f"{n} {k + 1}" for k, n in enumerate(names)]
        return names[0], names[1]

    def turn_chips(self, s: DuelState) -> list[Chip]:
        """The turn-order strip's chips, from `engine.turn_forecast` of the viewer's observation."""
        m = self.memo(s)["turns"]
        key = self.eyes(s)
        if key not in m:
            f = engine.turn_forecast(self.game, self.observation(s, *key), CHIPS)
            chips = []
            names = self.short_names(s)
            for k in range(CHIPS):
                if not f["held"][0, k]:
                    break
                side = int(f["side"][0, k])
                known = self.game.roster[self.seen(s, side).unit]
                chips.append(Chip(int(f["turn"][0, k]), names[side], self.side_color(side, s), int(f["ap"][0, k]),
                                  known.stats.actions, k == 0))
            m[key] = chips
        return m[key]

    def cue(self, name: str) -> None:
        """Play an animation's sound cue (`gladiator.ui.sound`)."""
        sound.board().play(name)

    def view_key(self, key: int) -> bool:
        """The keys every duel screen shares: O the arc overlay, F the formula log, S the sound. True if used."""
        if key == pygame.K_o:
            self.arcs = not self.arcs_on(self.state)
        elif key == pygame.K_f:
            self.formulas = not self.formulas
            self.log_scroll = 0
        elif key == pygame.K_s:
            sound.board().toggle_mute()
        else:
            return False
        return True

    def view_help_lines(self) -> list[str]:
        """Help lines of the keys `view_key` handles."""
        return ["O: rear arc and core-extraction overlay on / off", "F: log in plain words / with formulas",
                "S: sound on / off"]

    def shown_unit(self, s: DuelState, side: int) -> int:
        """Roster index of the suit `side` shows (its disguise, if any)."""
        return self.seen(s, side).look

    def name_for(self, s: DuelState, side: int) -> str:
        """The name of a side as the viewer may know it: 'Jaron as Rouge' for itself (or a spectator), 'Rouge' for the enemy."""
        f = self.seen(s, side)
        own, look = self.game.roster[f.unit], self.game.roster[f.look]
        return own.name if f.unit == f.look else f"{own.name} as {look.name}"

    def side_color(self, side: int, s: DuelState | None = None) -> Color:
        """Text colour of a side (the suit the viewer knows it as, lightened)."""
        f = self.seen(self.state if s is None else s, side)
        return T.shade(self.game.roster[f.unit].rgb, 1.35)

    # ---- log ---------------------------------------------------------------
    @property
    def log_lines(self) -> list[tuple[str, Color]]:
        """The combat log as the viewer may read it now: events narrated for its side, texts meant for it."""
        key = (self.viewer(), self._log_version, self.formulas)
        if self._log_view[0] != key:
            self._log_view, self._log_turns = (key, 0, []), QuietTurns()
        _, done, lines = self._log_view
        for e in self.log_entries[done:]:
            line = self.log_line(e, key[0])
            if line is None:
                continue
            if e.event is None:  # a text for the reader, not part of the duel
                lines.append(line)
                continue
            quiet = self._log_turns.told(e.event, len(lines))
            if quiet is not None:  # the last turn ended with nothing to tell
                k, header = quiet
                lines[k] = (quiet_turn(lines[k][0], header, key[0]), lines[k][1])
            lines.append(line)
        self._log_view = (key, len(self.log_entries), lines)
        return lines

    def log_line(self, e: LogEntry, v: Optional[int]) -> tuple[str, Color] | None:
        """One entry as viewer `v` reads it (None: not for its eyes, or says nothing): plain words, or with formulas."""
        if e.event is None:
            return (e.text, e.color) if e.audience is None or e.audience == v else None
        ev = e.event
        line = (describe if self.formulas else describe_plain)(self.game, self.units, ev, v)
        if line is None:
            return None
        side = ev.get("side")
        if isinstance(side, int):
            unit = self.game.unit_index(self.units[side])
            if v is not None and side != v and "looks" in ev:
                unit = int(ev["looks"][side])  # the enemy's lines in the colour of the suit it showed
            col = T.shade(self.game.roster[unit].rgb, 1.35)
        else:
            col = T.ACCENT
        if ev["event"] == "turn":
            col = T.shade(col, 0.8)
        return (line, col)

    def add_log(self, entries: list[LogEntry]) -> None:
        """Append entries to the combat log (the oldest fall off past LOG_LIMIT)."""
        self.log_entries.extend(entries)
        if len(self.log_entries) > LOG_LIMIT:
            del self.log_entries[: len(self.log_entries) - LOG_LIMIT]
            self._log_version += 1
        self.log_scroll = 0

    def clear_log(self) -> None:
        """Empty the combat log."""
        self.log_entries = []
        self._log_version += 1
        self.log_scroll = 0

    def say(self, line: str, color: Color = T.TEXT, everyone: bool = False) -> None:
        """Add a text line to the combat log, for the viewer's eyes (or `everyone`'s)."""
        self.add_log([LogEntry(None, line, color, None if everyone else self.viewer())])

    def narrate(self, before: DuelState, events: list[dict]) -> None:
        """Log a step's events (each narrated for whoever looks at the log)."""
        self.add_log(self.entries_for(events))

    def entries_for(self, events: list[dict]) -> list[LogEntry]:
        """Log entries of a step's events."""
        return [LogEntry(ev) for ev in events]

    def lines_for(self, before: DuelState, events: list[dict]) -> list[tuple[str, Color]]:
        """The log lines of a step's events as the viewer reads them now."""
        v = self.viewer()
        return [line for e in self.entries_for(events) if (line := self.log_line(e, v)) is not None]

    def seen_events(self, events: list[dict]) -> list[dict]:
        """A step's events as the viewer may know them (`narrate.seen_event`), for the animations."""
        v = self.viewer()
        return [seen_event(self.game, self.units, ev, v) for ev in events]

    def opening_events(self, s: DuelState) -> list[dict]:
        """The 'who moves first' and first-turn events of a new duel (the engine's)."""
        return engine.opening_events(s)

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
        self.draw_arcs(surf, lay, s)
        self.draw_overlay(surf, lay, s)
        self.draw_units(surf, lay, s)
        self.draw_labels(surf, lay, s)
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

    def draw_arcs(self, surf: pygame.Surface, lay: Layout, s: DuelState) -> None:
        """The arc overlay (`gladiator.ui.overlay`) while it is on and the duel goes on, with its key."""
        if s.done[0] or not self.arcs_on(s):
            return
        maps = self.arc_maps(s)
        cached = self._arc_layer
        if cached is None or cached[0] is not maps or cached[1] != (lay.size, lay.tile):
            side, _ = self.eyes(s)
            names = self.short_names(s)
            layer = overlay.arc_layer(lay, maps, names[side], names[1 - side], (self.seen(s, 0).pos, self.seen(s, 1).pos))
            cached = self._arc_layer = (maps, (lay.size, lay.tile), layer)
        surf.blit(cached[2], lay.board)
        overlay.draw_cores(surf, lay, maps, self.anim.clock)

    def draw_overlay(self, surf: pygame.Surface, lay: Layout, s: DuelState) -> None:
        """Highlights drawn under the mechs (subclasses)."""

    def draw_units(self, surf: pygame.Surface, lay: Layout, s: DuelState) -> None:
        """Both mechs as the viewer sees them: facing marker, heat glow, guard arc, own disguise ring, turn marker."""
        g = self.game
        loser = -1
        if s.done[0] and int(s.winner[0]) >= 0:
            loser = 1 - int(s.winner[0])
        for side in (0, 1):
            f = self.seen(s, side)
            pose = self.anim.pose(side)
            if pose is None:
                cx, cy = lay.tile_center(f.pos)
                lift = 0.0
            else:
                cx, cy = lay.tile_center(pose[0], pose[1])
                lift = pose[2]
            known, look = g.roster[f.unit], g.roster[f.look]
            cap = max(1, known.stats.heat_capacity)
            if f.heat > 0:
                frac = min(1.5, f.heat / cap)
                over = f.overheated
                wob = 0.5 + 0.5 * math.sin(self.anim.clock * (9 if over else 3))
                col = T.mix((255, 170, 60), (255, 40, 20), min(1.0, frac))
                art.glow(surf, (int(cx), int(cy)), max(2, int(lay.tile * (0.45 + 0.35 * frac + (0.1 * wob if over else 0)))),
                         col, int(40 + 120 * min(1.0, frac) + (50 * wob if over else 0)))
            if side == int(s.active[0]) and not s.done[0]:
                mark = pygame.Rect(0, 0, int(lay.tile * 0.9), int(lay.tile * 0.45))
                mark.center = (int(cx), int(cy + lay.tile * 0.22))
                if mark.width > 2:
                    pygame.draw.ellipse(surf, T.mix(T.ACCENT, (255, 255, 255), 0.5 + 0.5 * math.sin(self.anim.clock * 5)), mark, max(1, lay.tile // 18))
            mode = "down" if side == loser else ("guard" if f.guard else "ok")
            ring = known.rgb if f.unit != f.look else None  # only a suit's own eyes (or a spectator's) know it is disguised
            art.mech(surf, (cx, cy), lay.tile, look, f.facing, mode, lift, ring)
            if side == loser and not self.anim.busy:
                art.wreck(surf, (cx, cy), lay.tile, int(s.outcome[0]) == CORE_EXTRACTED, int(s.outcome[0]) == DESTROYED,
                          self.anim.clock)

    def draw_labels(self, surf: pygame.Surface, lay: Layout, s: DuelState) -> None:
        """Words on the board (a suit's EXPOSED tag; subclasses add theirs), drawn over both mechs."""
        if lay.tile < 10:
            return
        for side in (0, 1):
            f = self.seen(s, side)
            if not f.exposed:
                continue
            pose = self.anim.pose(side)
            cx, cy = lay.tile_center(f.pos) if pose is None else lay.tile_center(pose[0], pose[1])
            lab = T.text("EXPOSED", lay.px(16), T.BAD)
            surf.blit(lab, lab.get_rect(midbottom=(int(cx), int(cy - lay.tile * 0.45))))

    def draw_result(self, surf: pygame.Surface, lay: Layout, s: DuelState) -> None:
        """The end of the duel, once its last animation is over."""
        if not s.done[0] or self.anim.busy:
            return
        w = int(s.winner[0])
        outcome = OUTCOME_LABELS.get(OUTCOMES[int(s.outcome[0])], "")
        head = "Draw" if w < 0 else f"{self.name_for(s, w)} wins"
        sub = f"{outcome} after {int(s.turn[0])} turns" if w >= 0 else f"turn limit reached after {int(s.turn[0])} turns"
        shade = pygame.Surface(lay.board.size, pygame.SRCALPHA)
        shade.fill(T.END_VEIL)
        surf.blit(shade, lay.board)
        col = T.ACCENT if w < 0 else T.shade(self.game.roster[self.seen(s, w).unit].rgb, 1.4)
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
        t1 = T.text(self.game.arena.name, size, T.TEXT)
        surf.blit(t1, t1.get_rect(midleft=(x, cy)))
        x += t1.get_width() + lay.px(18)
        status = self.status(s) + ("   sound off" if sound.board().muted else "") + "   H: help"
        if self.viewer() is None:
            status = f"{SPECTATOR_LABEL}   {status}"
        st = T.text(status, lay.px(22), T.DIM)
        st_rect = st.get_rect(midright=(lay.size[0] - lay.px(12), cy))
        room = pygame.Rect(x, lay.top.top, max(1, st_rect.left - x - lay.px(18)), lay.top.height)
        if s.done[0]:
            t2 = T.text(f"Turn {int(s.turn[0])}/{self.game.arena.turn_limit}", size, T.TEXT)
            surf.blit(t2, t2.get_rect(midleft=(x, cy)))
        else:
            draw_turn_strip(surf, lay, room, self.game.arena.turn_limit, self.turn_chips(s))
        surf.blit(st, st_rect)

    def draw_card(self, surf: pygame.Surface, lay: Layout, s: DuelState, side: int) -> None:
        """One side's card as the viewer knows it: name, integrity, heat, Nectar (the enemy's as the suit it shows reads
        them), AP, weapons, conditions."""
        r = lay.cards[side]
        if r.width < 20 or r.height < 20:
            return
        g = self.game
        f = self.seen(s, side)
        active = side == int(s.active[0]) and not s.done[0]
        known, look = g.roster[f.unit], g.roster[f.look]  # the maxima are those of the suit the viewer knows it as
        pygame.draw.rect(surf, T.PANEL, r, border_radius=lay.px(8))
        pygame.draw.rect(surf, T.ACCENT if active else T.PANEL_EDGE, r, max(1, lay.px(2)), border_radius=lay.px(8))
        pad = lay.px(10)
        sw = pygame.Rect(r.left + pad, r.top + pad, lay.px(16), lay.px(16))
        pygame.draw.rect(surf, look.rgb, sw, border_radius=lay.px(3))
        name = T.fit_text(f"{self.name_for(s, side)}  {self.controller_label(side)}", lay.px(26),
                          r.width - 3 * pad - sw.width, T.shade(known.rgb, 1.45))
        surf.blit(name, (sw.right + pad // 2, r.top + pad - lay.px(1)))
        y = sw.bottom + lay.px(8)
        cap = max(1, known.stats.heat_capacity)
        rows = (
            ("Integrity", f.integrity, known.stats.integrity, T.INTEGRITY, False),
            ("Heat", f.heat, cap, T.HEAT, f.overheated),
            ("Nectar", f.nectar, known.stats.nectar, T.NECTAR, f.nectar <= 5),
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
        if f.doses is not None:
            tags.append(f"doses {f.doses}")
        if f.guard:
            tags.append("GUARD")
        if f.exposed:
            tags.append("EXPOSED")
        if f.staggered:
            tags.append("STAGGERED")
        if f.disguise_turns is not None:
            tags.append(f"disguised {f.disguise_turns}t")
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
        log = self.log_lines
        key = (r.width, fs, len(log), id(log))
        if self._wrapped is None or self._wrapped[0] != key:
            out: list[tuple[str, Color]] = []
            for line, col in log[-400:]:
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
        else:
            tag = T.text("with formulas (F: plain words)" if self.formulas else "plain words (F: formulas)", lay.px(15), T.FAINT)
        back = pygame.Rect(tag.get_rect(topright=(r.right - pad, r.top + pad // 2))).inflate(lay.px(6), lay.px(2))
        pygame.draw.rect(surf, T.PANEL, back)
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
