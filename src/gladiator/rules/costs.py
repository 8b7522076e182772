"""What each action costs in action points, from the COST_* constants: the mask, `step` and `explain` all ask here.

Imports numpy, the game's action space and the rules constants.
"""

from __future__ import annotations

import numpy as np

from gladiator.game import ATTACK0, END, EXTRACT, GUARD, INJECT, VENT, W, ActionSpace, Game
from gladiator.rules import constants as K


def cost_of(kind: str, rules: int = 3) -> int:
    """Action points an action of `kind` ('move', 'leap', 'attack', 'extract', 'guard', 'vent', 'inject', 'mimic', 'end') costs
    under rules version `rules`."""
    if kind == "mimic" and rules >= 4:
        return K.COST_MIMIC_V4
    return {"end": 0, "move": K.COST_MOVE, "leap": K.COST_LEAP, "attack": K.COST_ATTACK, "extract": K.COST_EXTRACT,
            "guard": K.COST_GUARD, "vent": K.COST_VENT, "inject": K.COST_INJECT, "mimic": K.COST_MIMIC}[kind]


def nectar_of(kind: str, rules: int = 3) -> int:
    """Nectar an action of `kind` burns under rules version `rules` (besides a weapon's own, `w_nectar`): version 4's leap
    and disguise burn ABILITY_NECTAR, and need more than that left."""
    return K.ABILITY_NECTAR if rules >= 4 and kind in ("leap", "mimic") else 0


def action_cost(game: Game, actions: np.ndarray) -> np.ndarray:
    """(B,) int16 cost of each action id (ids outside the space are clipped to its ends)."""
    return game.derived("costs", lambda g: cost_table(g.space, g.rules)).take(actions, mode="clip")


def cost_table(space: ActionSpace, rules: int = 3) -> np.ndarray:
    """(A,) cost of every action id of a space under rules version `rules`, laid out as the space is."""
    c = np.zeros(space.n, dtype=np.int16)
    c[END], c[GUARD], c[VENT], c[INJECT], c[EXTRACT] = (cost_of(k, rules) for k in ("end", "guard", "vent", "inject", "extract"))
    c[ATTACK0 : ATTACK0 + W] = cost_of("attack", rules)
    c[space.mimic0 : space.move0] = cost_of("mimic", rules)
    c[space.move0 : space.leap0] = cost_of("move", rules)
    c[space.leap0 :] = cost_of("leap", rules)
    return c
