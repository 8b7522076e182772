"""The play and watch screen: humans choose actions with buttons, keys and clicks; bots act on a timer.

Every choice becomes an engine action; the engine says whether it is legal, and a refusal
(`engine.refusal`, `engine.refusal_of_kind`: a code and a text) is explained in the combat log.
Bots choose through the driver (`driver.decide`), which checks their picks, on the window's worker
thread (`gladiator.ui.worker`): the frames go on while a slow bot thinks, and the pick is the one
the driver gives for that state, as in a duel played without a window. A player sees what its side
observes (see `gladiator.ui.board`); in hot-seat play, the side whose turn it is; so does the
win-odds bar (`gladiator.ui.odds_bar`, W). Imports pygame, the engine, bots, the driver, replay.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

import numpy as np
import pygame

from gladiator import engine
from gladiator.bots import Bot, make_bot
from gladiator.bots.levels import level_of
from gladiator.driver import decide, prepare_bots
from gladiator.errors import GladiatorError
from gladiator.game import END, EXTRACT, GUARD, INJECT, VENT, Game
from gladiator.state import DuelState
from gladiator.ui import theme as T
from gladiator.ui.board import SPEEDS, DuelView, LogEntry
from gladiator.ui.layout import Layout
from gladiator.ui.odds_bar import OddsView
from gladiator.ui.widgets import Button, Screen, press_at, press_key, row_of_buttons
from gladiator.ui.worker import Job, submit

HUMAN = "human"
BOT_DELAY = 0.45  # seconds a bot waits before acting, at speed x1
THINK_CUE = 0.3  # seconds of frames a bot's decision may take before the screen says it is thinking
WEAPON_KEYS = (pygame.K_1, pygame.K_2, pygame.K_3, pygame.K_4)
ARROWS = {pygame.K_LEFT: (-1, 0), pygame.K_RIGHT: (1, 0), pygame.K_UP: (0, -1), pygame.K_DOWN: (0, 1)}
CONFIRM = (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE)
CODE = {name: code for code, name in enumerate(engine.REFUSAL_NAMES)}  # refusal codes by name (the window switches on codes)


class DuelScreen(OddsView, DuelView):
    """A live duel: each side is a human or a bot (both bots: watch mode)."""

    def __init__(self, game: Game, units: tuple[str, str], seed: int, controllers: tuple[str, str],
                 back: Optional[Callable[[], Screen]] = None, record: Path | None = None) -> None:
        state = engine.new_duels(game, units, [seed])
        super().__init__(game, units, state)
        self.seed = seed
        self.controllers = controllers
        self.bots: list[Optional[Bot]] = [None if c == HUMAN else make_bot(c) for c in controllers]
        if HUMAN in controllers and any(getattr(b, "needs_truth", False) for b in self.bots):
            name = next(c for c, b in zip(controllers, self.bots) if getattr(b, "needs_truth", False))
            raise GladiatorError(f"bot {name!r} reads the whole truth (analysis only): it cannot play where a person plays")
        prepare_bots(game, [b for b in self.bots if b is not None])
        self.back = back
        self.record = record
        self.recorded = False
        self.actions: list[int] = []
        self.mode: tuple[str, int] = ("move", 0)
        self.cursor: int = int(state.pos[0, int(state.active[0])])
        self.paused = False
        self.curtain = False  # hot-seat with hidden information: the screen waits for the next player
        self.leaving = False  # Esc was pressed once in a live duel: a second Esc (or Y) leaves, any other input stays
        self.step_once = False
        self.bot_clock = 0.0
        self.last_refusal: Optional[engine.Refusal] = None
        self.thinking: Optional[Job] = None  # the decision of the bot to act, under way on the worker thread
        self.thinking_on: Optional[DuelState] = None  # the state it decides on
        self.think_clock = 0.0  # seconds of frames it has taken so far
        self.init_odds(game, seed)
        self.narrate(state, self.opening_events(state))
        if self.watching:
            self.say("Space: pause   Right: one action   +/-: speed   Esc: leave   H: all keys", T.DIM, everyone=True)
        else:
            self.say("Click a tile to move (or walk the cursor with the arrows, Enter); buttons or their keys for the rest; "
                     "Esc cancels; H lists every key.", T.DIM, everyone=True)

    # ---- who acts ------------------------------------------------------------
    @property
    def watching(self) -> bool:
        """True when both sides are bots."""
        return all(b is not None for b in self.bots)

    def human_turn(self) -> bool:
        """Whether a human chooses the next action."""
        return not self.state.done[0] and self.bots[int(self.state.active[0])] is None

    def viewer(self) -> Optional[int]:
        """The human whose eyes the screen shows: the only human, or in hot-seat the one to act."""
        humans = [i for i, b in enumerate(self.bots) if b is None]
        if len(humans) == 1:
            return humans[0]
        if len(humans) == 2:
            return int(self.state.active[0])
        return None

    def controller_label(self, side: int) -> str:
        """'(you)', '(player 2)' or the bot's name."""
        c = self.controllers[side]
        if c != HUMAN:
            return f"({self.bot_label(side)})"
        return "(you)" if self.controllers.count(HUMAN) == 1 else f"(player {side + 1})"

    def bot_label(self, side: int) -> str:
        """A bot's difficulty level ('hard'), or its name when it is not one."""
        c = self.controllers[side]
        return level_of(c) or c

    # ---- actions -------------------------------------------------------------
    def apply(self, action: int) -> bool:
        """Ask the engine to take `action`; a refusal is explained in the log. True if it was taken."""
        self.anim.flush()
        s = self.state
        if s.done[0] or not (0 <= action < self.game.space.n) or not self.legal()[action]:
            self.refuse(action)
            return False
        try:
            new, ev = engine.step(self.game, s, [action], events=True)
        except GladiatorError as e:  # the mask and the step agree; this is a last safety net
            self.say(f"Refused: {e}", T.BAD)
            return False
        self.actions.append(int(action))
        self.state = new
        events = ev[0] if ev else []
        entries = self.entries_for(events)
        if new.done[0]:
            entries += self.on_end()  # written now: closing the window during the last animation loses nothing
        self.anim.push(s, new, self.seen_events(events), lambda side: self.side_color(side, s), self.game.arena.width,
                       lambda: self.add_log(entries))
        if int(new.active[0]) != int(s.active[0]) or new.done[0]:
            self.cursor = self.seen(new, int(new.active[0])).pos
            self.curtain = not new.done[0] and self.hidden_information() and all(b is None for b in self.bots)
        self.mode = ("move", 0)
        return True

    def hidden_information(self) -> bool:
        """Whether a side can disguise itself, so two players at one screen should not see each other's view."""
        t = self.game.tables
        return bool(t.can_mimic[self.state.unit[0]].any())

    def refuse(self, action: int) -> None:
        """Explain in the log why the engine refuses an action."""
        if 0 <= action < self.game.space.n:
            self.refused(engine.refusal(self.game, self.state, 0, int(action)))
        else:
            self.refused(engine.Refusal(CODE["outside"], "not an action"))

    def refused(self, r: engine.Refusal) -> None:
        """Log a refusal from the engine (its code decides how it is said)."""
        self.last_refusal = r
        self.say("The duel is over." if r.code == CODE["duel_over"] else f"Refused: {r.text}", T.BAD)

    def on_end(self) -> list[LogEntry]:
        """Write the replay, if asked to, once the duel is over; returns the log entries saying so."""
        if self.record is None or self.recorded:
            return []
        from gladiator.duel import result_of
        from gladiator.replay import make_replay, save_replay

        self.recorded = True
        res = result_of(self.game, self.state, 0, self.units, self.seed, list(self.actions), [])
        try:
            save_replay(self.record, make_replay(self.game, res, self.controllers))
            return [LogEntry(None, f"Replay written to {self.record}", T.DIM)]
        except GladiatorError as e:
            return [LogEntry(None, f"error: {e}", T.BAD)]

    def choose(self, kind: str, arg: int = 0) -> None:
        """A button or key: pick a mode (move, leap, attack, extract, mimic) or act at once."""
        if not self.human_turn():
            if self.state.done[0]:
                self.say("The duel is over.", T.BAD)
            else:
                a = int(self.state.active[0])
                self.say(f"Not your turn: {self.name_for(self.state, a)} ({self.bot_label(a)}) is choosing.", T.DIM)
            return
        sp, m = self.game.space, self.legal()
        if kind == "move" or kind == "leap":
            lo = sp.move0 if kind == "move" else sp.leap0
            if m[lo: lo + sp.tiles].any():
                self.mode = (kind, 0)
            else:
                self.refuse_kind(kind)
            return
        if kind == "attack":
            a = sp.attack(arg)
            if not m[a]:
                self.refuse(a)
            elif self.mode == ("attack", arg):
                self.apply(a)
            else:
                self.mode = ("attack", arg)
            return
        if kind == "extract":
            if not m[EXTRACT]:
                self.refuse(EXTRACT)
            elif self.mode[0] == "extract":
                self.apply(EXTRACT)
            else:
                self.mode = ("extract", 0)
            return
        if kind == "mimic":
            if m[sp.mimic0: sp.move0].any():
                self.mode = ("mimic", 0)
            else:
                self.refuse_kind("mimic")
            return
        if kind == "mimic_as":
            self.apply(sp.mimic(arg))
            return
        self.apply({"guard": GUARD, "vent": VENT, "inject": INJECT, "end": END}[kind])

    def kind_refusal(self, kind: str) -> engine.Refusal:
        """Why no action of a kind ('move', 'leap', 'mimic', 'attack', ...) can be taken now (code OK if one can)."""
        m = self.memo(self.state).setdefault("kinds", {})
        if kind not in m:
            m[kind] = engine.refusal_of_kind(self.game, self.state, 0, kind)
        return m[kind]

    def refuse_kind(self, kind: str) -> None:
        """Explain why no action of a kind can be taken now."""
        self.refused(self.kind_refusal(kind))

    def click_tile(self, tile: int) -> None:
        """A tile chosen with the mouse or the keyboard cursor, in the current mode."""
        if not self.human_turn():
            return
        s, sp = self.state, self.game.space
        a = int(s.active[0])
        foe_tile = self.seen(s, 1 - a).pos
        kind, arg = self.mode
        if tile == foe_tile:
            if kind == "attack":
                self.apply(sp.attack(arg))
            elif kind == "extract":
                self.apply(EXTRACT)
            else:
                usable = np.flatnonzero(self.preview()["usable"])
                if usable.size:
                    self.mode = ("attack", int(usable[0]))
                else:
                    self.refuse_kind("attack")
            return
        if tile == self.seen(s, a).pos:
            return
        if kind == "leap":
            self.apply(sp.leap(tile))
        else:
            self.apply(sp.move(tile))

    # ---- input ---------------------------------------------------------------
    def handle(self, ev: pygame.event.Event) -> None:
        """Mouse and keys."""
        lay = self.layout
        if self.curtain:
            if ev.type in (pygame.KEYDOWN, pygame.MOUSEBUTTONDOWN):
                if ev.type == pygame.KEYDOWN and ev.key == pygame.K_ESCAPE:
                    self.ask_leave()
                self.anim.flush()  # the last player's numbers stop floating before the next one looks
                self.anim.effects.clear()
                self.curtain = False
            return
        if ev.type == pygame.MOUSEMOTION:
            self.mouse = ev.pos
            if lay is not None:
                t = lay.tile_at(ev.pos)
                if t is not None:
                    self.cursor = t
        elif ev.type == pygame.MOUSEWHEEL:
            if lay is not None and lay.log.collidepoint(self.mouse):
                self.scroll_log(3 * int(ev.y))
        elif ev.type == pygame.MOUSEBUTTONDOWN and ev.button == 1:
            self.mouse = ev.pos
            if self.leaving and not any(b.label == "Leave" and b.rect.collidepoint(ev.pos) for b in self.buttons):
                self.leaving = False  # a click anywhere but on Leave: stay
            if press_at(self.buttons, ev.pos) or lay is None:
                return
            t = lay.tile_at(ev.pos)
            if t is not None:
                self.cursor = t
                self.click_tile(t)
        elif ev.type == pygame.MOUSEBUTTONDOWN and ev.button == 3:
            self.mode = ("move", 0)
        elif ev.type == pygame.KEYDOWN:
            self.key(ev.key)

    def help_lines(self) -> list[str]:
        """Keys of the play and watch screen."""
        if self.watching:
            return ["Space: pause / resume", "Right: one action", "+ / -: faster / slower",
                    "PgUp / PgDn, wheel: scroll the log", *self.view_help_lines(), "W: win odds bar", "Enter: next duel (at the end)", "Esc: leave"]
        return ["M: move (click a blue tile)", "L: leap (click a purple tile)", "1-4: aim a weapon; again, Enter or click fires",
                "G / V / I: guard / vent / inject Nectar", "X: core extraction (twice)", "D: disguise, then a suit",
                "E: end the turn", "Arrows, Enter: walk the cursor, choose its tile", "Right click, Esc: cancel",
                "+ / -: animation speed", "PgUp / PgDn, wheel: scroll the log", *self.view_help_lines(), "W: win odds bar", "Esc: leave"]

    def key(self, key: int) -> None:
        """One key press."""
        if self.leaving:
            self.leaving = False
            if key in (pygame.K_ESCAPE, pygame.K_y):
                self.leave()
            return  # any other key: stay, and the key does nothing else
        if self.toggle_help(key) or self.view_key(key):
            return
        if self.odds_key(key):
            return
        if key == pygame.K_ESCAPE:
            if self.human_turn() and self.mode[0] != "move":
                self.mode = ("move", 0)
            else:
                self.ask_leave()
            return
        if key in (pygame.K_PLUS, pygame.K_EQUALS, pygame.K_KP_PLUS):
            self.speed_i = min(len(SPEEDS) - 1, self.speed_i + 1)
            return
        if key in (pygame.K_MINUS, pygame.K_KP_MINUS, pygame.K_UNDERSCORE):
            self.speed_i = max(0, self.speed_i - 1)
            return
        if key == pygame.K_PAGEUP:
            self.scroll_log(5)
            return
        if key == pygame.K_PAGEDOWN:
            self.scroll_log(-5)
            return
        if self.state.done[0]:
            if key in (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_n):
                self.again()
            return
        if self.human_turn():
            if key in ARROWS:
                dx, dy = ARROWS[key]
                w, h = self.game.arena.width, self.game.arena.height
                x = min(w - 1, max(0, self.cursor % w + dx))
                y = min(h - 1, max(0, self.cursor // w + dy))
                self.cursor = y * w + x
                return
            if press_key(self.buttons, key):
                return
            if key in CONFIRM:
                self.click_tile(self.cursor)
            return
        if key == pygame.K_SPACE:
            self.paused = not self.paused
        elif key == pygame.K_RIGHT:
            self.step_once = True

    def ask_leave(self) -> None:
        """Esc or the Leave button: leave a finished duel at once; a live one after a second Esc (or Y)."""
        if self.state.done[0] or self.leaving:
            self.leave()
        else:
            self.leaving = True

    def leave(self) -> None:
        """Back to the title screen, or close the window."""
        self.stop_work()
        if self.back is not None:
            self.next = self.back()
        else:
            self.quit = True

    def again(self) -> None:
        """After the end: the title screen, or a new duel with the next seed."""
        self.stop_work()
        if self.back is not None:
            self.next = self.back()
        else:
            nxt = DuelScreen(self.game, self.units, self.seed + 1, self.controllers, None, None)
            nxt.show_odds = self.show_odds
            self.next = nxt

    def end_hint(self) -> str:
        """Keys once the duel is over."""
        return "Enter: new duel   Esc: leave" if self.back is None else "Enter: title screen   Esc: leave"

    # ---- time ----------------------------------------------------------------
    def update(self, dt: float) -> None:
        """Animations run; a bot thinks on the worker thread, and acts once it has decided, its animation is over and
        its delay has passed."""
        self.anim.update(dt * self.speed)
        s = self.state
        if s.done[0] or self.human_turn():
            self.bot_clock = 0.0
            self.step_once = False if s.done[0] else self.step_once
        else:
            self.think(dt)
            if self.step_once:
                self.step_once = not self.act_when_ready()
            elif not self.paused and not self.anim.busy:
                self.bot_clock = min(self.bot_clock + dt * self.speed, BOT_DELAY)
                if self.bot_clock >= BOT_DELAY:
                    self.act_when_ready()
        self.update_odds()
        self.build_buttons()

    def think(self, dt: float = 0.0) -> None:
        """Have the bot of the side to act decide on the current state, on the worker thread (once per state)."""
        if self.thinking_on is not self.state:
            if self.thinking is not None:
                self.thinking.cancel()
            game, state, bots = self.game, self.state, tuple(self.bots)
            self.thinking = submit(lambda: int(decide(game, state, bots)[0][0]))  # the driver checks the pick
            self.thinking_on, self.think_clock = state, 0.0
        elif self.thinking is not None and not self.thinking.done:
            self.think_clock += dt

    def thinking_long(self) -> bool:
        """Whether the bot to act has been deciding for THINK_CUE seconds of frames or more, and still is."""
        return self.thinking is not None and not self.thinking.done and self.think_clock >= THINK_CUE

    def bot_act(self) -> None:
        """The bot of the side to act chooses (waiting for it: scripts and headless renders) and the engine steps."""
        self.wait_for_bot()
        self.act_when_ready()

    def act_when_ready(self) -> bool:
        """The bot of the side to act takes its action once it has decided; False while it is still thinking."""
        side = int(self.state.active[0])
        if self.bots[side] is None or self.state.done[0]:
            return True
        self.think()
        job = self.thinking
        if job is None or not job.done:
            return False
        self.bot_clock = 0.0
        self.thinking, self.thinking_on = None, None
        if job.error is not None:  # a bot's illegal pick or failure: said in the log, and the bot stops
            e = job.error
            self.say(f"error: {e}" if isinstance(e, GladiatorError) else f"error: bot {self.controllers[side]!r} failed: "
                     f"{type(e).__name__}: {e}", T.BAD, everyone=True)
            self.bots[side] = None
            return True
        self.apply(int(job.result))
        return True

    def wait_for_bot(self, timeout: float = 60.0) -> None:
        """Block until the bot to act, if a bot acts, has decided (tests and headless renders; the frame loop never
        waits)."""
        if self.state.done[0] or self.human_turn():
            return
        self.think()
        if self.thinking is not None:
            self.thinking.wait(timeout)

    def settle(self) -> None:
        """Wait for the bot's decision and the win odds under way (fixed-step renders: --screenshot, the gallery)."""
        self.wait_for_bot()
        super().settle()

    def stop_work(self) -> None:
        """Drop the jobs of this screen still queued on the worker thread (leaving it)."""
        for job in (self.thinking, self.odds_bar.job):
            if job is not None:
                job.cancel()

    def status(self, s: DuelState) -> str:
        """Top-right text."""
        if self.watching:
            return f"{'PAUSED   ' if self.paused else ''}speed x{self.speed:g}"
        return f"speed x{self.speed:g}"

    # ---- buttons ---------------------------------------------------------------
    def build_buttons(self) -> None:
        """The button bar for the current state: actions on a human's turn, playback otherwise."""
        lay = self.layout
        if lay is None:
            return
        area = lay.bottom
        fs_h = lay.px(22)
        status = pygame.Rect(area.left, area.top, area.width, fs_h)
        area = pygame.Rect(area.left, status.bottom + lay.px(4), area.width, max(1, area.height - fs_h - lay.px(4)))
        self.status_rect = status
        specs: list[tuple[str, str, int | None, Callable[[], None], bool, bool]] = []
        s = self.state
        if self.human_turn():
            g, sp, m = self.game, self.game.space, self.legal()
            a = int(s.active[0])
            u = self.seen(s, a).unit  # the human to act: its own suit
            kind, arg = self.mode
            if kind == "mimic":
                for i, unit in enumerate(g.roster):
                    if m[sp.mimic(i)]:
                        specs.append((unit.name, str(len(specs) + 1), WEAPON_KEYS[len(specs)] if len(specs) < 4 else None,
                                      lambda i=i: self.choose("mimic_as", i), True, False))
                specs.append(("Cancel", "Esc", None, lambda: setattr(self, "mode", ("move", 0)), True, False))
            else:
                specs.append(("Move", "M", pygame.K_m, lambda: self.choose("move"), bool(m[sp.move0: sp.leap0].any()), kind == "move"))
                if g.tables.can_leap[u]:
                    specs.append(("Leap", "L", pygame.K_l, lambda: self.choose("leap"), bool(m[sp.leap0:].any()), kind == "leap"))
                pv = self.preview()
                look = g.roster[self.shown_unit(s, a)]
                for slot, wp in enumerate(look.weapons):
                    if pv["usable"][slot]:
                        lo, hi = int(pv["low"][slot]), int(pv["high"][slot])
                        label = f"{wp.name} {pv['chance'][slot]:.0%} {lo}-{hi}" if lo != hi else f"{wp.name} {pv['chance'][slot]:.0%} {lo}"
                    else:
                        label = wp.name
                    specs.append((label, str(slot + 1), WEAPON_KEYS[slot], lambda slot=slot: self.choose("attack", slot),
                                  bool(m[sp.attack(slot)]), kind == "attack" and arg == slot))
                specs.append(("Guard", "G", pygame.K_g, lambda: self.choose("guard"), bool(m[GUARD]), False))
                specs.append(("Vent", "V", pygame.K_v, lambda: self.choose("vent"), bool(m[VENT]), False))
                specs.append(("Inject", "I", pygame.K_i, lambda: self.choose("inject"), bool(m[INJECT]), False))
                if g.tables.can_extract[u]:
                    lab = f"Extract core {self.extraction_odds():.0%}" if m[EXTRACT] else "Extract core"
                    specs.append((lab, "X", pygame.K_x, lambda: self.choose("extract"), bool(m[EXTRACT]), kind == "extract"))
                if g.tables.can_mimic[u]:
                    specs.append(("Disguise", "D", pygame.K_d, lambda: self.choose("mimic"), bool(m[sp.mimic0: sp.move0].any()), False))
                specs.append(("End turn", "E", pygame.K_e, lambda: self.choose("end"), bool(m[END]), False))
        elif self.watching or s.done[0]:
            specs.append(("Resume" if self.paused else "Pause", "Space", None, self.toggle_pause, not s.done[0], self.paused))
            specs.append(("Step", "Right", None, self.request_step, not s.done[0], False))
            specs.append(("Slower", "-", None, lambda: self.key(pygame.K_MINUS), True, False))
            specs.append(("Faster", "+", None, lambda: self.key(pygame.K_PLUS), True, False))
            if s.done[0]:
                specs.append(("New duel", "Enter", None, self.again, True, False))
            specs.append(("Leave", "Esc", None, self.ask_leave, True, False))
        else:
            specs.append(("Slower", "-", None, lambda: self.key(pygame.K_MINUS), True, False))
            specs.append(("Faster", "+", None, lambda: self.key(pygame.K_PLUS), True, False))
            specs.append(("Leave", "Esc", None, self.ask_leave, True, False))
        rows = 2 if len(specs) > 6 else 1
        rects = row_of_buttons(area, len(specs), rows, lay.px(6), lay.px(46))
        self.buttons = [Button(r, lab, fn, key, kl, en, sel) for r, (lab, kl, key, fn, en, sel) in zip(rects, specs, strict=True)]

    def toggle_pause(self) -> None:
        """Pause or resume the bots."""
        self.paused = not self.paused

    def request_step(self) -> None:
        """Let the bot to act take one action."""
        self.step_once = True

    # ---- drawing ------------------------------------------------------------------
    def draw_overlay(self, surf: pygame.Surface, lay: Layout, s: DuelState) -> None:
        """Under the mechs: reachable tiles, the target's outline, the cursor (its odds are a label, over them)."""
        if not self.human_turn() or self.anim.busy or s is not self.state:
            return
        sp, m = self.game.space, self.legal()
        kind, arg = self.mode
        foe_tile = self.seen(s, 1 - int(s.active[0])).pos
        if kind in ("move", "leap"):
            lo = sp.move0 if kind == "move" else sp.leap0
            tiles = np.flatnonzero(m[lo: lo + sp.tiles])
            col = T.MOVE_HL if kind == "move" else T.LEAP_HL
            hl = pygame.Surface((lay.tile, lay.tile), pygame.SRCALPHA)
            hl.fill((*col, 70))
            pygame.draw.rect(hl, (*col, 170), hl.get_rect(), max(1, lay.tile // 14))
            for t in tiles:
                surf.blit(hl, lay.tile_rect(int(t)))
        elif kind in ("attack", "extract"):
            r = lay.tile_rect(foe_tile)
            pygame.draw.rect(surf, T.TARGET_HL, r.inflate(lay.tile // 6, lay.tile // 6), max(2, lay.tile // 10), border_radius=lay.tile // 5)
        if 0 <= self.cursor < sp.tiles:
            pygame.draw.rect(surf, T.CURSOR, lay.tile_rect(self.cursor), max(1, lay.tile // 16))

    def draw_labels(self, surf: pygame.Surface, lay: Layout, s: DuelState) -> None:
        """Over the mechs: the tags, and the aimed attack's odds (or the extraction's) above the target."""
        super().draw_labels(surf, lay, s)
        kind, arg = self.mode
        if kind not in ("attack", "extract") or not self.human_turn() or self.anim.busy or s is not self.state:
            return
        r = lay.tile_rect(self.seen(s, 1 - int(s.active[0])).pos)
        if kind == "attack":
            pv = self.preview()
            lo, hi = int(pv["low"][arg]), int(pv["high"][arg])
            txt = f"{pv['chance'][arg]:.0%} to hit, {lo}-{hi} damage" if lo != hi else f"{pv['chance'][arg]:.0%} to hit, {lo} damage"
        else:
            txt = f"core extraction odds {self.extraction_odds():.0%}"
        lab = T.text(txt + "  (click / Enter)", lay.px(20), T.TEXT)
        box = lab.get_rect(midbottom=(r.centerx, r.top - lay.px(6)))
        box.clamp_ip(lay.board)
        back = pygame.Surface(box.inflate(lay.px(10), lay.px(6)).size, pygame.SRCALPHA)
        back.fill((10, 10, 16, 200))
        surf.blit(back, box.inflate(lay.px(10), lay.px(6)))
        surf.blit(lab, box)

    def draw(self, surf: pygame.Surface) -> None:
        """The duel, or the curtain between two players' turns."""
        if not self.curtain:
            super().draw(surf)
            self.draw_thinking(surf, self.make_layout(surf.get_size()))
            return
        lay = self.make_layout(surf.get_size())
        surf.fill(T.BG)
        a = int(self.state.active[0])
        look = self.game.roster[self.shown_unit(self.state, a)]  # both players may be looking: only the suit it shows
        head = T.text(f"Player {a + 1}: {look.name}", lay.px(56), T.shade(look.rgb, 1.35))
        surf.blit(head, head.get_rect(center=(lay.size[0] // 2, lay.size[1] // 2 - lay.px(30))))
        sub = T.text("Your turn. The other player looks away; press any key or click.", lay.px(26), T.DIM)
        surf.blit(sub, sub.get_rect(center=(lay.size[0] // 2, lay.size[1] // 2 + lay.px(24))))

    def draw_thinking(self, surf: pygame.Surface, lay: Layout) -> None:
        """A bubble of dots over a bot that is taking a while to decide."""
        s = self.state
        if self.show_help or s.done[0] or not self.thinking_long():
            return
        cx, cy = lay.tile_center(self.seen(s, int(s.active[0])).pos)
        r = pygame.Rect(0, 0, max(12, int(lay.tile * 1.1)), max(8, int(lay.tile * 0.45)))
        r.midbottom = (int(cx), int(cy - lay.tile * 0.5))
        r.clamp_ip(lay.board)
        pygame.draw.rect(surf, T.PANEL, r, border_radius=r.height // 2)
        pygame.draw.rect(surf, T.ACCENT, r, max(1, lay.px(2)), border_radius=r.height // 2)
        lit = int(self.think_clock * 4) % 3
        for k in range(3):
            c = (r.left + r.width * (k + 1) // 4, r.centery)
            pygame.draw.circle(surf, T.ACCENT if k == lit else T.DIM, c, max(1, r.height // 6))

    def bot_status(self) -> str:
        """The status line while a bot acts: choosing, or thinking (with the seconds) once it takes a while."""
        a = int(self.state.active[0])
        who = f"{self.name_for(self.state, a)} ({self.bot_label(a)})"
        if self.thinking_long():
            return f"{who} is thinking{'.' * (1 + int(self.think_clock * 3) % 3)}  {self.think_clock:.1f} s"
        return f"{who} is choosing..."

    def draw_bottom(self, surf: pygame.Surface, lay: Layout, s: DuelState) -> None:
        """Status line and buttons."""
        if not self.buttons:
            self.build_buttons()
        st = getattr(self, "status_rect", None)
        if st is not None and st.width > 10:
            left = self.draw_legend(surf, lay, st.right, st.top) if st.width > lay.px(760) else st.right
            if self.state.done[0]:
                msg = "The duel is over."
            elif self.leaving:
                msg = "Leave this duel? Esc or Y: leave. Any other key: stay."
            elif self.human_turn():
                a = int(self.state.active[0])
                hint = {"move": "Click a blue tile to move", "leap": "Click a purple tile to leap",
                        "attack": "Click the target or press the key again to attack",
                        "extract": "Click the target or press X again to reach for the core",
                        "mimic": "Choose a suit to disguise as"}[self.mode[0]]
                if self.mode[0] == "move":
                    r = self.kind_refusal("move")
                    if r.code == CODE["no_target"]:
                        hint = "No tile to move to; choose another action"
                    elif r.code != CODE["ok"]:
                        hint = f"No move ({r.text}); choose another action"
                msg = f"{self.name_for(self.state, a)}: {int(self.state.ap[0])} AP. {hint}."
            else:
                msg = self.bot_status()
            surf.blit(T.fit_text(msg, lay.px(20), max(1, left - st.left - lay.px(10)), T.ACCENT if self.leaving else T.DIM), st.topleft)
        super().draw_bottom(surf, lay, s)
