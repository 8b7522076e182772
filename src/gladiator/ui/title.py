"""The title screen: pick both gladiators, who controls each side, the arena and the seed, then fight.

A side is played by a human or a bot at a difficulty level (`gladiator.bots.levels`: trivial,
easy, normal, hard, brutal), or by any other bot installed. Every choice is reachable with the
mouse (arrows, rows, the Fight button) and the keyboard (up/down to pick a row, left/right to
change it, Enter to fight). Imports pygame, the catalog, bots.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pygame

from gladiator import DEFAULT_SEED
from gladiator.bots import bot_names
from gladiator.bots.levels import DEFAULT_LEVEL, LEVELS
from gladiator.catalog.loader import Catalog
from gladiator.duel import game_for
from gladiator.ui import art
from gladiator.ui import theme as T
from gladiator.ui.widgets import Button, Screen, press_at

HUMAN = "human"


@dataclass
class Row:
    """One setting of the title screen and its choices."""

    label: str
    options: list[str]
    index: int = 0

    @property
    def value(self) -> str:
        """The chosen option."""
        return self.options[self.index % len(self.options)]


class TitleScreen(Screen):
    """Choose the duel; Fight opens the play (or watch) screen, Esc closes the window."""

    def __init__(self, catalog: Catalog, seed: int = DEFAULT_SEED) -> None:
        self.catalog = catalog
        units = sorted(catalog.units)
        arenas = sorted(catalog.arenas)
        leveled = {bot.partition(":")[0] for bot in LEVELS.values()}  # random, greedy, heuristic, search
        controls = [HUMAN, *LEVELS] + [b for b in bot_names() if b not in leveled]  # and any other bot installed

        def at(opts: list[str], want: str, fallback: int) -> int:
            return opts.index(want) if want in opts else min(fallback, len(opts) - 1)

        self.rows = [
            Row("Gladiator A", units, at(units, "rouge", 0)),
            Row("A is played by", controls, 0),
            Row("Gladiator B", units, at(units, "viola", 1)),
            Row("B is played by", controls, at(controls, DEFAULT_LEVEL, len(controls) - 1)),
            Row("Arena", arenas, at(arenas, "concert_hall", 0)),
            Row("Seed", [str(seed)]),
        ]
        self.seed = seed
        self.sel = 0
        self.buttons: list[Button] = []
        self.row_rects: list[object] = []
        self.mouse = (-1, -1)
        self.clock = 0.0
        self.error = ""
        self._mini: tuple[str, int, pygame.Surface] | None = None

    # ---- choices -------------------------------------------------------------
    def choice(self) -> dict[str, object]:
        """The duel chosen now: units, controllers (human, or a bot name: a level stands for its bot), arena, seed."""
        r = self.rows
        controllers = tuple(LEVELS.get(row.value, row.value) for row in (r[1], r[3]))
        return {"units": (r[0].value, r[2].value), "controllers": controllers, "arena": r[4].value, "seed": self.seed}

    def change(self, row: int, d: int) -> None:
        """Step a row's choice by `d`."""
        if not 0 <= row < len(self.rows):
            return
        self.sel = row
        if row == 5:
            self.seed = max(0, self.seed + d)
            self.rows[5].options = [str(self.seed)]
            return
        r = self.rows[row]
        r.index = (r.index + d) % len(r.options)

    def fight(self) -> None:
        """Start the duel chosen."""
        from gladiator.errors import GladiatorError
        from gladiator.ui.play import DuelScreen

        c = self.choice()
        try:
            game = game_for(self.catalog, str(c["arena"]))
            self.next = DuelScreen(game, c["units"], int(c["seed"]), c["controllers"], back=lambda: self)  # type: ignore[arg-type]
        except GladiatorError as e:
            self.error = str(e)

    # ---- input ---------------------------------------------------------------
    def handle(self, ev: pygame.event.Event) -> None:
        """Mouse and keys."""
        if ev.type == pygame.MOUSEMOTION:
            self.mouse = ev.pos
        elif ev.type == pygame.MOUSEBUTTONDOWN and ev.button == 1:
            self.mouse = ev.pos
            if press_at(self.buttons, ev.pos):
                return
            for i, r in enumerate(self.row_rects):
                if isinstance(r, pygame.Rect) and r.collidepoint(ev.pos):
                    if self.sel == i:
                        self.change(i, 1)
                    self.sel = i
        elif ev.type == pygame.MOUSEWHEEL:
            self.change(self.sel, -int(ev.y) if ev.y else 0)
        elif ev.type == pygame.KEYDOWN:
            k = ev.key
            if k == pygame.K_ESCAPE:
                self.quit = True
            elif k in (pygame.K_UP, pygame.K_w):
                self.sel = (self.sel - 1) % (len(self.rows) + 1)
            elif k in (pygame.K_DOWN, pygame.K_s, pygame.K_TAB):
                self.sel = (self.sel + 1) % (len(self.rows) + 1)
            elif k in (pygame.K_LEFT, pygame.K_a) and self.sel < len(self.rows):
                self.change(self.sel, -1)
            elif k in (pygame.K_RIGHT, pygame.K_d) and self.sel < len(self.rows):
                self.change(self.sel, 1)
            elif k in (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_f):
                self.fight()
            elif k == pygame.K_SPACE and self.sel == len(self.rows):
                self.fight()
            elif k == pygame.K_r:
                self.seed = (self.seed * 1103515245 + 12345 + int(self.clock * 1000)) % 100000
                self.rows[5].options = [str(self.seed)]

    def update(self, dt: float) -> None:
        """Idle animation."""
        self.clock += dt

    # ---- drawing ------------------------------------------------------------------
    def draw(self, surf: pygame.Surface) -> None:
        """The whole title screen."""
        W, H = surf.get_size()
        sc = max(0.3, min(3.0, min(W / 1280, H / 720)))

        def px(v: float) -> int:
            return max(1, int(v * sc))

        surf.fill(T.BG)
        for i in range(0, W, max(8, px(48))):  # a faint grid floor
            pygame.draw.line(surf, (22, 25, 35), (i, 0), (i, H))
        for j in range(0, H, max(8, px(48))):
            pygame.draw.line(surf, (22, 25, 35), (0, j), (W, j))
        title = T.text("GLADIATOR", px(96), T.ACCENT)
        surf.blit(title, title.get_rect(midtop=(W // 2, px(18))))
        sub = T.text("mech duels on Mars", px(28), T.DIM)
        surf.blit(sub, sub.get_rect(midtop=(W // 2, px(18) + title.get_height())))
        top = px(150)
        c = self.choice()
        a_id, b_id = c["units"]  # type: ignore[misc]
        # the two gladiators, facing each other
        for side, uid in enumerate((a_id, b_id)):
            u = self.catalog.units[str(uid)]
            cx = int(W * (0.2 if side == 0 else 0.8))
            cy = top + px(120)
            art.glow(surf, (cx, cy), px(120), u.rgb, 40)
            bob = math.sin(self.clock * 2 + side) * px(4)
            art.mech(surf, (cx, cy + bob), px(150), u, 2 if side == 0 else 6)
            name = T.text(u.name, px(40), T.shade(u.rgb, 1.4))
            surf.blit(name, name.get_rect(midtop=(cx, cy + px(100))))
            ttl = T.fit_text(u.title, px(22), int(W * 0.3), T.DIM)
            surf.blit(ttl, ttl.get_rect(midtop=(cx, cy + px(100) + name.get_height())))
            st = u.stats
            lines = [f"integrity {st.integrity}  armor {st.armor}  agility {st.agility}",
                     f"speed {st.speed}  AP {st.actions}  heat cap {st.heat_capacity}",
                     ", ".join(w.name for w in u.weapons)]
            if u.abilities:
                lines.append("abilities: " + ", ".join(a.replace("_", " ") for a in u.abilities))
            y = cy + px(100) + name.get_height() + ttl.get_height() + px(6)
            for ln in lines:
                img = T.fit_text(ln, px(19), int(W * 0.3), T.TEXT)
                surf.blit(img, img.get_rect(midtop=(cx, y)))
                y += img.get_height() + px(2)
        vs = T.text("vs", px(40), T.DIM)
        surf.blit(vs, vs.get_rect(center=(W // 2, top - px(6))))
        # settings
        rw, rh = px(460), px(40)
        x0 = W // 2 - rw // 2
        self.row_rects = []
        buttons: list[Button] = []
        for i, row in enumerate(self.rows):
            r = pygame.Rect(x0, top + px(14) + i * (rh + px(8)), rw, rh)
            self.row_rects.append(r)
            on = i == self.sel
            pygame.draw.rect(surf, T.BUTTON_HOVER if on else T.PANEL, r, border_radius=px(8))
            pygame.draw.rect(surf, T.ACCENT if on else T.PANEL_EDGE, r, max(1, px(2)), border_radius=px(8))
            lab = T.text(row.label, px(22), T.DIM)
            surf.blit(lab, lab.get_rect(midleft=(r.left + px(12), r.centery)))
            val = row.value
            if i in (1, 3):
                val = "Human" if val == HUMAN else f"Bot: {val} ({_bot_words(LEVELS[val])})" if val in LEVELS else f"Bot: {val}"
            elif i in (0, 2):
                val = self.catalog.units[val].name
            elif i == 4:
                val = self.catalog.arenas[val].name
            vi = T.fit_text(val, px(26), px(210), T.TEXT)
            surf.blit(vi, vi.get_rect(center=(r.left + int(rw * 0.68), r.centery)))
            left = pygame.Rect(r.left + int(rw * 0.4), r.top + px(4), px(32), rh - px(8))
            right = pygame.Rect(r.right - px(38), r.top + px(4), px(32), rh - px(8))
            buttons.append(Button(left, "<", lambda i=i: self.change(i, -1)))
            buttons.append(Button(right, ">", lambda i=i: self.change(i, 1)))
        fy = top + px(14) + len(self.rows) * (rh + px(8)) + px(6)
        fight = pygame.Rect(W // 2 - px(130), fy, px(260), px(54))
        buttons.append(Button(fight, "FIGHT", self.fight, pygame.K_RETURN, "Enter", True, self.sel == len(self.rows)))
        self.buttons = buttons
        for b in buttons:
            b.draw(surf, px(28) if b.label == "FIGHT" else px(24), b.rect.collidepoint(self.mouse))
        # arena preview
        arena = self.catalog.arenas[str(c["arena"])]
        area = pygame.Rect(W // 2 - px(200), fight.bottom + px(14), px(400), max(1, H - fight.bottom - px(60)))
        tile = max(2, min(area.width // arena.width, area.height // arena.height))
        if self._mini is None or self._mini[:2] != (arena.id, tile):
            self._mini = (arena.id, tile, art.arena_surface(arena, tile))
        mini = self._mini[2]
        mr = mini.get_rect(midtop=area.midtop)
        if area.height > 20:
            surf.blit(mini, mr)
            pygame.draw.rect(surf, T.PANEL_EDGE, mr.inflate(4, 4), 1)
            desc = T.fit_text(arena.description or arena.name, px(19), W - px(40), T.DIM)
            surf.blit(desc, desc.get_rect(midtop=(W // 2, mr.bottom + px(6))))
        help_ = "Up/Down: choose   Left/Right: change   R: random seed   Enter: fight   Esc: quit"
        hi = T.fit_text(help_, px(19), W - px(20), T.FAINT)
        surf.blit(hi, hi.get_rect(midbottom=(W // 2, H - px(6))))
        if self.error:
            e = T.fit_text(self.error, px(22), W - px(20), T.BAD)
            surf.blit(e, e.get_rect(midbottom=(W // 2, H - px(30))))


def _bot_words(bot: str) -> str:
    """A level's bot in a few words: 'heuristic', 'search 256' (its continuations per decision)."""
    name, _, opts = bot.partition(":")
    return f"{name} {opts.partition('=')[2]}" if opts else name
