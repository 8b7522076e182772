"""The win-odds bar: each side's chance to win as the one watching may know it, worked out off the frame loop.

The estimate is `gladiator.odds.estimate`, the same as `gladiator odds`: the rest of the duel played
ROLLOUTS times at once with the default (heuristic) bot on both sides. A player's bar starts those duels from
what its side has observed (`from_side`: who is under a possible disguise is drawn, never read);
a spectator's from the truth. The continuations' seed is the duel's own seed, which the players
chose, so one moment always gives the same figures and the bar does not jitter from draw noise.
It runs on the window's worker thread (`gladiator.ui.worker`); until the estimate of the moment
shown is ready, the bar shows the last one, marked as updating. `OddsView` puts the bar on a duel
screen (play, watch, replay). Imports pygame, odds, bots and the ui's worker and theme.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional

import pygame

from gladiator.bots import DEFAULT_BOT, make_bot
from gladiator.game import Game
from gladiator.odds import estimate
from gladiator.state import DuelState
from gladiator.ui import theme as T
from gladiator.ui.layout import Layout
from gladiator.ui.worker import Job, submit

ROLLOUTS = 500
ROLLOUT_BOT = DEFAULT_BOT  # the bot every command plays by default, so the bar agrees with `gladiator odds`
Color = tuple[int, int, int]
Moment = tuple[Optional[DuelState], Optional[int]]  # a state on the screen, and whose eyes (None: the spectator's)


@dataclass(frozen=True)
class Chances:
    """Side A's and side B's chance to win and the chance of a draw, from `rollouts` duels played out (0: exact)."""

    a: float
    b: float
    draw: float
    rollouts: int

    def percents(self) -> tuple[int, int, int]:
        """Whole percents (A, draw, B) that add up to 100 (largest remainders round up)."""
        raw = [self.a * 100, self.draw * 100, self.b * 100]
        out = [int(v) for v in raw]
        for i in sorted(range(3), key=lambda i: out[i] - raw[i])[: 100 - sum(out)]:
            out[i] += 1
        return out[0], out[1], out[2]


def chances(game: Game, state: DuelState, side: Optional[int], seed: int, rollouts: int = ROLLOUTS) -> Chances:
    """The odds of duel 0 of `state` as `side` may know them (None: the truth); an ended duel's are exact."""
    if state.done[0]:
        w = int(state.winner[0])
        return Chances(float(w == 0), float(w == 1), float(w < 0), 0)
    bots = (make_bot(ROLLOUT_BOT), make_bot(ROLLOUT_BOT))
    got = estimate(game, state, bots, rollouts=rollouts, seed=seed, from_side=side)
    return Chances(got.win[0], got.win[1], got.draw, got.rollouts)


class OddsBar:
    """The bar's estimate for the moment shown: asked for each frame with `want`, worked out on the worker thread."""

    def __init__(self, game: Game, seed: int) -> None:
        self.game = game
        self.seed = seed
        self.job: Optional[Job] = None
        self.job_for: Moment = (None, None)
        self.shown: Optional[Chances] = None
        self.shown_for: Moment = (None, None)
        self.failed_for: Moment = (None, None)  # not asked again

    def want(self, state: DuelState, side: Optional[int]) -> None:
        """Make sure the estimate of `state` as `side` knows it is ready or under way (called every frame it is shown)."""
        self.collect()
        if self.current(state, side) or _same(self.failed_for, state, side):
            return
        if self.job is not None and _same(self.job_for, state, side):
            return
        if self.job is not None:
            self.job.cancel()  # a moment no longer shown: skipped if it has not started
        self.job_for = (state, side)
        game, seed = self.game, self.seed
        self.job = submit(lambda: chances(game, state, side, seed))

    def collect(self) -> None:
        """Take a finished estimate (a failed one is dropped, and not asked for again: the bar stays as it was)."""
        job = self.job
        if job is None or not job.done:
            return
        self.job = None
        if job.error is None and not job.cancelled and isinstance(job.result, Chances):
            self.shown, self.shown_for = job.result, self.job_for
        elif job.error is not None:
            self.failed_for = self.job_for

    def current(self, state: DuelState, side: Optional[int]) -> bool:
        """Whether the estimate shown is that of `state` as `side` knows it."""
        return self.shown is not None and _same(self.shown_for, state, side)

    def wait(self, timeout: float = 30.0) -> None:
        """Block until the estimate under way is ready (tests and headless renders only)."""
        if self.job is not None:
            self.job.wait(timeout)
        self.collect()

    def draw(self, surf: pygame.Surface, rect: pygame.Rect, px, names: tuple[str, str],  # type: ignore[no-untyped-def]
             colors: tuple[Color, Color], title: str, fresh: bool) -> None:
        """The bar in `rect`: a title line, then A's share, the draws and B's share in their colours, with percents."""
        if rect.width < 40 or rect.height < 16:
            return
        pygame.draw.rect(surf, T.PANEL, rect, border_radius=px(8))
        pygame.draw.rect(surf, T.PANEL_EDGE, rect, 1, border_radius=px(8))
        pad, fs = px(8), px(17)
        c = self.shown
        note = "" if c is None else ("final" if c.rollouts == 0 else f"{c.rollouts} duels played out")
        if c is None or not fresh:
            note = "working it out..." if c is None else "updating..."
        right = T.text(note, px(15), T.FAINT)
        surf.blit(right, right.get_rect(topright=(rect.right - pad, rect.top + pad // 2 + px(1))))
        head = T.fit_text(title, fs, max(1, rect.width - 3 * pad - right.get_width()), T.DIM)
        surf.blit(head, (rect.left + pad, rect.top + pad // 2))
        bar = pygame.Rect(rect.left + pad, rect.top + pad // 2 + fs + px(4), rect.width - 2 * pad,
                          max(4, rect.bottom - pad // 2 - (rect.top + pad // 2 + fs + px(4))))
        if c is None:
            pygame.draw.rect(surf, T.BUTTON_OFF, bar, border_radius=px(4))
            return
        pa, pd, pb = c.percents()
        wa = int(round(bar.width * c.a))
        wb = min(bar.width - wa, int(round(bar.width * c.b)))
        parts = ((pygame.Rect(bar.left, bar.top, wa, bar.height), colors[0]),
                 (pygame.Rect(bar.left + wa, bar.top, bar.width - wa - wb, bar.height), T.FAINT),
                 (pygame.Rect(bar.right - wb, bar.top, wb, bar.height), colors[1]))
        pygame.draw.rect(surf, T.BUTTON_OFF, bar, border_radius=px(4))
        for r, col in parts:
            if r.width > 0:
                pygame.draw.rect(surf, col if fresh else T.shade(col, 0.6), r)
        for x in (bar.left + wa, bar.right - wb):  # the borders between the shares, seen even between like colours
            if bar.left < x < bar.right:
                pygame.draw.line(surf, T.BG, (x, bar.top), (x, bar.bottom - 1), max(1, px(2)))
        pygame.draw.rect(surf, T.PANEL_EDGE, bar, 1, border_radius=px(4))
        fs = px(16)
        left = _label(surf, f"{names[0]} {pa}%", fs, midleft=(bar.left + px(6), bar.centery))
        right_ = _label(surf, f"{pb}% {names[1]}", fs, midright=(bar.right - px(6), bar.centery))
        mid = T.font(fs).size(f"draw {pd}%")[0]
        if pd and bar.width > left + right_ + mid + px(30):
            _label(surf, f"draw {pd}%", fs, center=(bar.left + wa + (bar.width - wa - wb) // 2, bar.centery))


class OddsView:
    """The win-odds bar on a duel screen (`board.DuelView`, mixed in before it): W shows or hides it above the combat
    log; it shows the moment on the screen as the screen's viewer may know it."""

    odds_bar: OddsBar
    show_odds: bool = False

    def init_odds(self, game: Game, seed: int) -> None:
        """The bar of a duel played from `seed` (the continuations' seed too), hidden."""
        self.odds_bar = OddsBar(game, seed)
        self.show_odds = False

    def odds_key(self, key: int) -> bool:
        """W shows or hides the win-odds bar. True if the key was used."""
        if key != pygame.K_w:
            return False
        self.show_odds = not self.show_odds
        return True

    def odds_moment(self) -> tuple[DuelState, Optional[int]]:
        """The state on the screen (the one before a step being animated) and whose eyes look at it."""
        return self.anim.shown_state(self.state), self.viewer()  # type: ignore[attr-defined]

    def update_odds(self) -> None:
        """While the bar is shown, have the odds of the moment on the screen worked out, as its viewer may know them."""
        if self.show_odds:
            self.odds_bar.want(*self.odds_moment())

    def settle(self) -> None:
        """Wait for the odds under way (fixed-step renders)."""
        if self.show_odds:
            self.update_odds()
            self.odds_bar.wait()

    def odds_now(self) -> Optional[tuple[int, int, int]]:
        """The bar's whole percents (A, draw, B) for the moment on the screen, once worked out (None before)."""
        self.odds_bar.collect()
        shown = self.odds_bar.shown
        return shown.percents() if shown is not None and self.odds_bar.current(*self.odds_moment()) else None

    def draw_log(self, surf: pygame.Surface, lay: Layout) -> None:
        """The combat log, under the win-odds bar when it is shown."""
        h = lay.px(50)
        if self.show_odds and lay.log.height > 3 * h:
            log = lay.log
            self.draw_odds(surf, pygame.Rect(log.left, log.top, log.width, h), lay)
            lay = replace(lay, log=pygame.Rect(log.left, log.top + h + lay.px(6), log.width, log.height - h - lay.px(6)))
        super().draw_log(surf, lay)  # type: ignore[misc]

    def draw_odds(self, surf: pygame.Surface, rect: pygame.Rect, lay: Layout) -> None:
        """Each side's chance to win, as the viewer may know it (names and colours of the suits it sees)."""
        s, v = self.odds_moment()
        name, color = self.name_for, self.side_color  # type: ignore[attr-defined]
        title = "Win odds (the truth)" if v is None else f"Win odds as {name(s, v)} sees them"
        self.odds_bar.draw(surf, rect, lay.px, (name(s, 0), name(s, 1)), (color(0, s), color(1, s)), title,
                           self.odds_bar.current(s, v))


def _same(moment: Moment, state: DuelState, side: Optional[int]) -> bool:
    """Whether `moment` is that state (the object itself) seen by that side."""
    return moment[0] is state and moment[1] == side


def _label(surf: pygame.Surface, line: str, size: int, **at: tuple[int, int]) -> int:
    """A line of text with a dark shadow, readable on any colour of the bar; returns its width."""
    img = T.text(line, size, T.TEXT)
    r = img.get_rect(**at)
    surf.blit(T.text(line, size, (0, 0, 0)), r.move(1, 1))
    surf.blit(img, r)
    return r.width
