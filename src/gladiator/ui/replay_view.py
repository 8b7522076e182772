"""The replay screen: play back a recorded duel, step forward and back, jump on a timeline.

Jumping re-runs the engine from the replay (`gladiator.replay.replay_states`); no frame
or state is stored. A replay is watched as a spectator: the true suits, and the top bar says so;
`W` shows the win odds of each moment, from the truth (`gladiator.ui.odds_bar`). Imports pygame,
the engine and gladiator.replay.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

import pygame

from gladiator import engine
from gladiator.game import Game
from gladiator.replay import replay_states
from gladiator.ui import theme as T
from gladiator.ui.board import SPEEDS, DuelView
from gladiator.ui.layout import Layout
from gladiator.ui.odds_bar import OddsView
from gladiator.ui.widgets import Button, Screen, press_at, row_of_buttons
from gladiator.state import DuelState

PLAY_DELAY = 0.5  # seconds between actions at speed x1


class ReplayScreen(OddsView, DuelView):
    """A recorded duel; `at` is how many of its actions have been taken."""

    def __init__(self, game: Game, data: dict[str, Any], back: Optional[Callable[[], Screen]] = None) -> None:
        units = (str(data["units"][0]), str(data["units"][1]))
        self.data = data
        self.total = len(data["actions"])
        state, _ = replay_states(game, data, upto=0)
        super().__init__(game, units, state)
        self.back = back
        self.at = 0
        self.playing = True
        self.clock = 0.0
        self.turn_at = self._turns()
        self.timeline = pygame.Rect(0, 0, 0, 0)
        self.dragging = False
        self.init_odds(game, int(data["seed"]))
        self.goto(0)

    def _turns(self) -> list[int]:
        """Turn number after each prefix of the actions (k = 0..n): one engine run at load."""
        s, _ = replay_states(self.game, self.data, upto=0)
        out = [int(s.turn[0])]
        for a in self.data["actions"]:
            s, _ = engine.step(self.game, s, [a])
            out.append(int(s.turn[0]))
        return out

    # ---- moving through the duel --------------------------------------------
    def goto(self, k: int) -> None:
        """Jump to the state after `k` actions by re-running the engine."""
        k = max(0, min(self.total, int(k)))
        self.anim.clear()
        state, events = replay_states(self.game, self.data, upto=k, events=True)
        start, _ = replay_states(self.game, self.data, upto=0)
        self.clear_log()
        self.narrate(start, self.opening_events(start))
        self.narrate(start, events)
        self.state = state
        self.at = k
        self.clock = 0.0

    def forward(self) -> None:
        """One action forward, animated."""
        if self.at >= self.total:
            self.playing = False
            return
        self.anim.flush()
        before = self.state
        new, ev = engine.step(self.game, before, [self.data["actions"][self.at]], events=True)
        events = ev[0] if ev else []
        entries = self.entries_for(events)
        self.anim.push(before, new, self.seen_events(events), lambda side: self.side_color(side, before), self.game.arena.width,
                       lambda: self.add_log(entries))
        self.state = new
        self.at += 1

    def backward(self) -> None:
        """One action back."""
        self.goto(self.at - 1)

    def goto_turn(self, turn: int) -> None:
        """Jump to the first action of a turn."""
        for k, t in enumerate(self.turn_at):
            if t >= turn:
                self.goto(k)
                return
        self.goto(self.total)

    # ---- input ------------------------------------------------------------------
    def handle(self, ev: pygame.event.Event) -> None:
        """Keys, buttons, the timeline."""
        if ev.type == pygame.MOUSEMOTION:
            self.mouse = ev.pos
            if self.dragging and ev.buttons and ev.buttons[0]:
                self.seek(ev.pos[0])
        elif ev.type == pygame.MOUSEBUTTONUP and ev.button == 1:
            self.dragging = False
        elif ev.type == pygame.MOUSEWHEEL:
            if self.layout is not None and self.layout.log.collidepoint(self.mouse):
                self.scroll_log(3 * int(ev.y))
        elif ev.type == pygame.MOUSEBUTTONDOWN and ev.button == 1:
            self.mouse = ev.pos
            if self.timeline.inflate(0, 12).collidepoint(ev.pos):
                self.dragging = True
                self.playing = False
                self.seek(ev.pos[0])
            else:
                press_at(self.buttons, ev.pos)
        elif ev.type == pygame.KEYDOWN:
            self.key(ev.key)

    def help_lines(self) -> list[str]:
        """Keys of the replay screen."""
        return ["Space: play / pause", "Left / Right: one action back / forward", "PgUp / PgDn, Up / Down: previous / next turn",
                "Home / End: start / end", "Click or drag the timeline: jump", "+ / -: faster / slower",
                "Wheel: scroll the log", *self.view_help_lines(), "W: win odds bar",
                "Esc: leave"]

    def key(self, key: int) -> None:
        """One key press."""
        if self.toggle_help(key) or self.view_key(key):
            return
        if self.odds_key(key):
            return
        if key == pygame.K_ESCAPE:
            if self.back is not None:
                self.next = self.back()
            else:
                self.quit = True
        elif key == pygame.K_SPACE:
            self.toggle()
        elif key == pygame.K_RIGHT:
            self.playing = False
            self.forward()
        elif key == pygame.K_LEFT:
            self.playing = False
            self.backward()
        elif key == pygame.K_HOME:
            self.playing = False
            self.goto(0)
        elif key == pygame.K_END:
            self.playing = False
            self.goto(self.total)
        elif key in (pygame.K_PAGEDOWN, pygame.K_DOWN):
            self.playing = False
            self.goto_turn(self.turn_at[self.at] + 1)
        elif key in (pygame.K_PAGEUP, pygame.K_UP):
            self.playing = False
            t = self.turn_at[self.at]
            first = next(k for k, x in enumerate(self.turn_at) if x == t)
            self.goto_turn(t - 1 if first == self.at else t)
        elif key in (pygame.K_PLUS, pygame.K_EQUALS, pygame.K_KP_PLUS):
            self.speed_i = min(len(SPEEDS) - 1, self.speed_i + 1)
        elif key in (pygame.K_MINUS, pygame.K_KP_MINUS, pygame.K_UNDERSCORE):
            self.speed_i = max(0, self.speed_i - 1)

    def toggle(self) -> None:
        """Play or pause; at the end, play from the start."""
        if not self.playing and self.at >= self.total:
            self.goto(0)
        self.playing = not self.playing

    def seek(self, x: int) -> None:
        """Jump to the action under screen column `x` of the timeline."""
        tl = self.timeline
        if tl.width <= 0:
            return
        k = round((x - tl.left) / tl.width * self.total)
        if k != self.at:
            self.goto(k)

    # ---- time and drawing ----------------------------------------------------------
    def update(self, dt: float) -> None:
        """Advance the animation; when playing, take the next action after a pause."""
        self.anim.update(dt * self.speed)
        if self.playing and not self.anim.busy:
            self.clock += dt * self.speed
            if self.clock >= PLAY_DELAY:
                self.clock = 0.0
                self.forward()
        self.update_odds()
        self.build_buttons()

    def shown_at(self) -> int:
        """How many actions the board shows played: `at` less the steps still being animated (the top bar, the
        timeline and the status all tell this one moment)."""
        return self.at - len(self.anim.steps)

    def status(self, s: DuelState) -> str:
        """Top-right text."""
        return f"replay {self.shown_at()}/{self.total}   {'playing' if self.playing else 'paused'}   speed x{self.speed:g}"

    def end_hint(self) -> str:
        """Keys at the end."""
        return "Left: step back   Home: start   Esc: leave"

    def build_buttons(self) -> None:
        """Playback buttons and the timeline."""
        lay = self.layout
        if lay is None:
            return
        area = lay.bottom
        th = max(6, lay.px(26))
        self.timeline = pygame.Rect(area.left + lay.px(10), area.top + lay.px(8), max(1, area.width - lay.px(20)), th)
        brow = pygame.Rect(area.left, self.timeline.bottom + lay.px(10), area.width, max(1, area.bottom - self.timeline.bottom - lay.px(10)))
        specs = [
            ("Start", "Home", lambda: self.key(pygame.K_HOME)),
            ("Back", "Left", lambda: self.key(pygame.K_LEFT)),
            ("Pause" if self.playing else "Play", "Space", self.toggle),
            ("Step", "Right", lambda: self.key(pygame.K_RIGHT)),
            ("End", "End", lambda: self.key(pygame.K_END)),
            ("Slower", "-", lambda: self.key(pygame.K_MINUS)),
            ("Faster", "+", lambda: self.key(pygame.K_PLUS)),
            ("Leave", "Esc", lambda: self.key(pygame.K_ESCAPE)),
        ]
        rects = row_of_buttons(brow, len(specs), 1, lay.px(6), lay.px(50))
        self.buttons = [Button(r, lab, fn, None, kl, True, lab == "Pause") for r, (lab, kl, fn) in zip(rects, specs, strict=True)]

    def draw_bottom(self, surf: pygame.Surface, lay: Layout, s: DuelState) -> None:
        """Timeline with turn ticks, then the buttons."""
        if not self.buttons:
            self.build_buttons()
        tl = self.timeline
        if tl.width > 4 and tl.height > 2:
            pygame.draw.rect(surf, T.PANEL, tl, border_radius=tl.height // 3)
            n = max(1, self.total)
            done = tl.copy()
            at = self.shown_at()
            done.width = int(at / n * tl.width)
            if done.width > 0:
                pygame.draw.rect(surf, T.shade(T.ACCENT, 0.55), done, border_radius=tl.height // 3)
            last = None
            for k, t in enumerate(self.turn_at):
                if t != last:
                    x = tl.left + int(k / n * tl.width)
                    major = t % 10 == 0
                    pygame.draw.line(surf, T.TEXT if major else T.DIM, (x, tl.top + (2 if major else tl.height // 2)), (x, tl.bottom - 2))
                    last = t
            pygame.draw.rect(surf, T.PANEL_EDGE, tl, 1, border_radius=tl.height // 3)
            knob = (tl.left + int(at / n * tl.width), tl.centery)
            pygame.draw.circle(surf, T.ACCENT, knob, max(3, tl.height // 2))
            lab = T.text(f"turn {self.turn_at[at]}", lay.px(18), T.TEXT)
            surf.blit(lab, lab.get_rect(midbottom=(min(max(knob[0], tl.left + 30), tl.right - 30), tl.top - 1)))
        super().draw_bottom(surf, lay, s)
