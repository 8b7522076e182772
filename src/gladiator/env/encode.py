"""The observation vector a learning agent sees: board planes and scalars, from `engine.observe` (the honest view).

The enemy's suit is the one it shows (its disguise), never the truth. Imports numpy and the engine.
"""

from __future__ import annotations

import numpy as np

from gladiator import engine
from gladiator.game import Game
from gladiator.state import DuelState

PLANES = ("wall", "cover", "high", "hazard", "cache", "me", "foe")
SCALE = 100.0
OBS_HIGH = 1000.0  # observations are clipped to [0, OBS_HIGH]


def observation_size(game: Game) -> int:
    """Length of the observation vector of a game."""
    return len(PLANES) * game.geo.tiles + 2 * len(game.roster) + 2 * 8 + 12


def encode(game: Game, state: DuelState, side: int) -> np.ndarray:
    """(B, observation_size) float32 observations of `side` in every duel of the batch."""
    o = engine.observe(game, state, side)
    geo, t = game.geo, game.tables
    B, T, U = state.batch, geo.tiles, len(game.roster)
    ar = np.arange(B)
    planes = np.zeros((B, len(PLANES), T), np.float32)
    planes[:, 0] = ~geo.passable
    planes[:, 1] = geo.cover
    planes[:, 2] = geo.high
    planes[:, 3] = geo.hazard
    if len(geo.caches):
        planes[ar[:, None], 4, geo.caches[None, :]] = o.caches
    planes[ar, 5, o.my_pos] = 1
    planes[ar, 6, o.foe_pos] = 1
    units = np.zeros((B, 2 * U), np.float32)
    units[ar, o.my_unit] = 1
    units[ar, U + o.foe_look] = 1
    facing = np.zeros((B, 16), np.float32)
    facing[ar, o.my_facing] = 1
    facing[ar, 8 + o.foe_facing] = 1
    me = o.my_unit
    scalars = np.stack([
        o.my_integrity / SCALE, o.foe_integrity / SCALE, o.my_heat / SCALE, o.foe_heat / SCALE,
        o.my_nectar / SCALE, o.foe_nectar / SCALE, o.my_doses / 10.0, o.my_guard, o.foe_guard,
        o.ap / np.maximum(1, t.actions[me]), o.my_disguise >= 0, o.turn / game.arena.turn_limit,
    ], axis=1).astype(np.float32)
    return np.clip(np.concatenate([planes.reshape(B, -1), units, facing, scalars], axis=1), 0.0, OBS_HIGH)
