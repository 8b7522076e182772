"""The observation vector a learning agent sees: board planes and scalars, from `engine.observe` (the honest view).

The enemy's suit is the one it shows (its disguise), never the truth. Imports numpy and the engine.
"""

from __future__ import annotations

import numpy as np

from gladiator import engine
from gladiator.game import Game
from gladiator.state import DuelState

PLANES = ("wall", "cover", "high", "hazard", "cache", "me", "foe")
SCALARS = 12  # the scalars every rules version encodes
V4_SCALARS = ("may_charge", "held", "holds", "staggered", "foe_staggered")  # appended after them only in a game of rules version 4 or later
SCALE = 100.0
OBS_HIGH = 1000.0  # observations are clipped to [0, OBS_HIGH]


def observation_size(game: Game) -> int:
    """Length of the observation vector of a game (version 4 adds `V4_SCALARS` at the end; version 3's is unchanged)."""
    return len(PLANES) * game.geo.tiles + 2 * len(game.roster) + 2 * 8 + SCALARS + _extra(game)


def encode(game: Game, state: DuelState, side: int | np.ndarray) -> np.ndarray:
    """(B, observation_size) float32 observations of `side` in every duel of the batch, from its honest view.

    Layout: seven planes of the arena's tiles (wall, cover, high ground, hazard, full Nectar cache,
    own tile, enemy tile), then one-hot own unit and one-hot unit the enemy shows (roster order),
    one-hot own and enemy facing (8 each), then 12 scalars: own and enemy integrity, heat and
    Nectar / 100, own doses / 10, own guard, enemy guard, action points / the unit's actions,
    own disguise worn, turn / the turn limit; under rules version 4 five more: whether the side to act may
    still charge this turn, whether the enemy's grab holds this side, whether this side's grab holds the enemy, whether
    an ambush has staggered this side, and the enemy (1 or 0);
    everything clipped to [0, OBS_HIGH].
    """
    o = engine.observe(game, state, side)
    geo, t = game.geo, game.tables
    B, T, U = state.batch, geo.tiles, len(game.roster)
    ar = np.arange(B)
    out = np.zeros((B, observation_size(game)), np.float32)
    out[:, : 4 * T] = game.derived("encode.static", _static_planes)  # walls, cover, high ground, hazards never move
    if len(geo.caches):
        out[ar[:, None], 4 * T + geo.caches[None, :]] = o.caches
    out[ar, 5 * T + o.my_pos] = 1
    out[ar, 6 * T + o.foe_pos] = 1
    base = len(PLANES) * T
    out[ar, base + o.my_unit] = 1
    out[ar, base + U + o.foe_look] = 1
    base += 2 * U
    out[ar, base + o.my_facing.astype(np.intp)] = 1
    out[ar, base + 8 + o.foe_facing.astype(np.intp)] = 1
    base += 16
    me = o.my_unit
    # version 4's may_charge: the side to act may still charge this turn, like `ap` a fact of the side to act. On the
    # side's own turn it is its own; on the enemy's turn (a PettingZoo agent waiting, a duel's last observation) it says
    # whether the enemy may still charge, which is public: the enemy began its turn out of its reach (the positions
    # then) and has not charged yet (a charge is an attack it sees)
    v4 = [o.may_charge, o.my_caught, o.foe_caught, o.my_staggered, o.foe_staggered] if _extra(game) else []  # (version 4's `caught`: held by a grab)
    scalars = np.stack([
        o.my_integrity / SCALE, o.foe_integrity / SCALE, o.my_heat / SCALE, o.foe_heat / SCALE,
        o.my_nectar / SCALE, o.foe_nectar / SCALE, o.my_doses / 10.0, o.my_guard, o.foe_guard,
        o.ap / np.maximum(1, t.actions[me]), o.my_disguise >= 0, o.turn / game.arena.turn_limit, *v4,
    ], axis=1)
    out[:, base:] = np.clip(scalars, 0.0, OBS_HIGH)
    return out


def _extra(game: Game) -> int:
    """The number of scalars a game's rules version adds to version 3's."""
    return len(V4_SCALARS) if game.rules >= 4 else 0


def _static_planes(game: Game) -> np.ndarray:
    """(4 * T,) float32: the wall, cover, high ground and hazard planes of the arena."""
    geo = game.geo
    return np.concatenate([~geo.passable, geo.cover, geo.high, geo.hazard]).astype(np.float32)
