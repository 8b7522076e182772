"""Frames of a duel for the environments' render modes, drawn by the window's own renderer.

"rgb_array" draws offscreen (SDL's dummy video driver where there is no display) and returns the
picture as an (H, W, 3) uint8 array; "human" shows it in a window. The agent's side sees what its
side may know, as a player would. Imports pygame (through the ui) only when called.
"""

from __future__ import annotations

import os

import numpy as np

from gladiator.game import Game
from gladiator.state import DuelState

FRAME_SIZE = (960, 540)
_WINDOW: dict[str, object] = {}


def frame(game: Game, units: tuple[str, str], state: DuelState, side: int, human: bool = False) -> np.ndarray | None:
    """Draw duel 0 of `state` as side `side` sees it; the picture as (H, W, 3) uint8, or shown in a window when `human`."""
    if not human:
        os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    import pygame

    from gladiator.ui.board import DuelView

    class AgentView(DuelView):
        """The duel as the agent's side sees it."""

        def viewer(self) -> int:
            return side

    if not pygame.get_init():
        pygame.init()
    view = AgentView(game, units, state.take([0]))
    if human:
        surf = _WINDOW.get("surface")
        if surf is None:
            surf = _WINDOW["surface"] = pygame.display.set_mode(FRAME_SIZE)
        view.draw(surf)  # type: ignore[arg-type]
        pygame.display.flip()
        pygame.event.pump()
        return None
    surf = pygame.Surface(FRAME_SIZE)
    view.draw(surf)
    return np.ascontiguousarray(pygame.surfarray.array3d(surf).transpose(1, 0, 2))


def close_window() -> None:
    """Close the window a "human" render opened, if any."""
    if _WINDOW.pop("surface", None) is not None:
        import pygame

        pygame.display.quit()
