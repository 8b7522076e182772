"""The broadcast view of a recorded duel, for clips: the board, the two suit cards and a caption of the last action.

A `ReplayScreen` that plays on its own (no buttons, timeline, key hints or log panel), laid out by
`layout.broadcast_layout` so its words still read at 640x360. `gladiator.ui.export` draws clips
with it. Imports pygame and the other ui modules.
"""

from __future__ import annotations

import pygame

from gladiator.state import DuelState
from gladiator.ui import theme as T
from gladiator.ui.board import Color
from gladiator.ui.layout import Layout, broadcast_layout
from gladiator.ui.replay_view import ReplayScreen
from gladiator.ui.strip import draw_turn_strip

CAPTION_LINES = 2  # the last lines of the log the caption shows, newest at the bottom
CAPTION_SHARE = 0.5  # of the caption band's height, the newest line's font size


class BroadcastScreen(ReplayScreen):
    """A recorded duel told to an audience: what happened is the caption, in words large enough for a small clip."""

    def make_layout(self, size: tuple[int, int]) -> Layout:
        """The broadcast layout for the frame size (cached)."""
        if self.layout is None or self.layout.size != size:
            self.layout = broadcast_layout(size, self.game.arena.width, self.game.arena.height)
            self.buttons = []
        return self.layout

    def build_buttons(self) -> None:
        """None: nobody clicks a clip."""
        self.buttons = []

    def end_hint(self) -> str:
        """No keys to tell of at the end."""
        return ""

    def draw_top(self, surf: pygame.Surface, lay: Layout, s: DuelState) -> None:
        """The arena's name and the turn order, nothing to press."""
        pygame.draw.rect(surf, T.PANEL, lay.top)
        pygame.draw.line(surf, T.PANEL_EDGE, lay.top.bottomleft, lay.top.bottomright)
        size = lay.px(24)
        x = lay.px(10)
        name = T.text(self.game.arena.name, size, T.TEXT)
        surf.blit(name, name.get_rect(midleft=(x, lay.top.centery)))
        x += name.get_width() + lay.px(16)
        room = pygame.Rect(x, lay.top.top, max(1, lay.size[0] - x - lay.px(10)), lay.top.height)
        if s.done[0]:
            t = T.text(f"Turn {int(s.turn[0])}/{self.game.arena.turn_limit}", size, T.TEXT)
            surf.blit(t, t.get_rect(midleft=(x, lay.top.centery)))
        else:
            draw_turn_strip(surf, lay, room, self.game.arena.turn_limit, self.turn_chips(s))

    def draw_log(self, surf: pygame.Surface, lay: Layout) -> None:
        """No log panel: the caption tells the last action."""

    def draw_bottom(self, surf: pygame.Surface, lay: Layout, s: DuelState) -> None:
        """The caption band: the last action in large words, the one before it smaller above, each in the colour of
        the side it is about (the turn's number is in the top bar)."""
        r = lay.bottom
        pygame.draw.rect(surf, T.PANEL, r)
        pygame.draw.line(surf, T.PANEL_EDGE, r.topleft, r.topright)
        lines = self.caption_lines()
        pad = lay.px(6)
        big = max(8, int(r.height * CAPTION_SHARE))
        small = max(8, r.height - 2 * pad - big - lay.px(2))
        y = r.bottom - pad - big
        for k, (line, col) in enumerate(reversed(lines)):
            fs = big if k == 0 else small
            img = T.fit_text(line, fs, r.width - 2 * pad, col if k == 0 else T.shade(col, 0.7))
            surf.blit(img, (r.left + pad, y + (fs - img.get_height()) // 2))
            y -= small + lay.px(2)

    def caption_lines(self) -> list[tuple[str, Color]]:
        """The last CAPTION_LINES lines of the duel's plain-words log that tell an action or the end (no turn headers)."""
        found: list[tuple[str, Color]] = []
        for e in reversed(self.log_entries):
            if e.event is None or e.event["event"] == "turn":
                continue
            line = self.log_line(e, None)
            if line is not None:
                found.append(line)
                if len(found) == CAPTION_LINES:
                    break
        return found[::-1]
