"""A bot that takes the action with the highest expected immediate damage, and otherwise closes in.

"Immediate" means this turn: per duel it weighs three plans for the action points left —
strike now with the best usable weapon (ap x expected damage), move first and then strike
((ap - 1) x the best expected damage from any reachable tile), or leap next to the enemy,
behind it where it can, and strike (the points left after the leap x the expected strike from
there) — and takes the first action of the best plan. Before that it injects when Nectar is
about to run out, tears out the core when that is worth more than any strike (odds x the
target's integrity), and vents heat that would burn it at the start of its next turn. It never
disguises itself: deceiving is beyond it. Ending a turn on a hazard counts against a plan. When
no plan does damage it closes in on the enemy, guards, and ends its turn.

It reads only its side's observation; every number comes from the engine's previews (`best_strike`) and the
game's tactics tables (`gladiator.tactics`), which are built from the rules' own functions.
"""

from __future__ import annotations

import numpy as np

from gladiator import engine, tactics
from gladiator.bots.base import Bot, FirstChoice
from gladiator.game import ATTACK0, END, EXTRACT, GUARD, INJECT, VENT, Game
from gladiator.view import Observation

LOW_NECTAR = 3


class GreedyBot(Bot):
    """Highest expected damage this turn first; otherwise close in."""

    name = "greedy"
    uses_noise = False  # it breaks no ties by chance: no noise is drawn for it
    # its work per duel is small beside a step's fixed cost (a few hundred numpy calls): the batch runner steps a whole
    # chunk of duels (up to 32,768) at once for it, which shares that cost best (same results at any batch size)
    batch_size = 32768

    def prepare(self, game: Game) -> None:
        """Build the game's tactics tables before the first decision."""
        tactics.tactics(game)

    def act(self, game: Game, obs: Observation, legal: engine.Legal) -> np.ndarray:
        """One action per duel."""
        t, geo, sp, tac = game.tables, game.geo, game.space, tactics.tactics(game)
        B = obs.batch
        me, pa, pe, ap = obs.my_unit, obs.my_pos, obs.foe_pos, obs.ap.astype(np.int64)
        pick = FirstChoice(B, END, legal)
        choose, todo = pick.choose, pick.todo

        choose((obs.my_nectar <= LOW_NECTAR) & (obs.my_doses > 0) & (obs.my_nectar < t.nectar.take(me)) & (ap >= engine.cost_of("inject")), INJECT)

        best_slot, best_now = engine.best_strike(game, obs)
        best_now = np.maximum(best_now, 0.0)
        dist = geo.cheb.reshape(-1).take(pa.astype(np.intp) * geo.tiles + pe)  # Chebyshev distance to the enemy
        adjacent = dist == 1
        can_extract = t.can_extract.take(me) & adjacent & (ap >= engine.cost_of("extract")) & tactics.extraction_open(game, obs)
        ext_value = np.full(B, -1.0)
        ex = np.flatnonzero(can_extract)  # the odds are read only where a core can be torn out (a few duels)
        if ex.size:
            ext_value[ex] = engine.extraction_preview(game, obs.take(ex)) * obs.foe_integrity.take(ex)
        choose((ext_value > best_now) & (ext_value > 0), EXTRACT)

        # heat that would burn integrity at the start of our next turn: shed it first
        choose((tactics.overheat_next_turn(game, obs) > 0) & (ap >= engine.cost_of("vent")) & (obs.my_heat > 0), VENT)

        # plans for the rest of the turn; ending a turn on a hazard counts against a plan
        # the best expected strike at each distance, 0 out of sight: strike[rows[b], d] (rows of the game's table, not copied)
        strike, rows = tactics.strike_rows(game, obs)
        plan_now = np.where(best_now > 0, np.maximum(ap * best_now - tac.hazard_cost.take(pa), 1e-6), 0.0)
        move_tile = np.zeros(B, dtype=np.int64)
        plan_move = np.zeros(B)
        # with one point left a move leaves nothing to strike with; no move promises more than the points left after it
        # times the best strike at any distance, so where striking now is worth that much, the moves are not weighed
        striking_wins = (plan_now > 0) & (plan_now >= (ap - 1) * tactics.strike_best(game, strike, rows))
        free = tactics.may_move(game, obs)  # (version 4: a held suit stays)
        need = np.flatnonzero(todo & (ap >= 2) & ~striking_wins & free)
        if need.size:
            move_tile[need], plan_move[need] = tac.best_move(strike, ap[need], t.speed[me[need]], pa[need], pe[need], rows[need])
        leap_tile, leap_gain = _leap_choice(game, obs, strike, rows, todo, dist)
        plan_leap = np.where(leap_tile >= 0, (ap - engine.cost_of("leap")) * leap_gain, 0.0)
        choose((plan_now > 0) & (plan_now >= plan_move) & (plan_now >= plan_leap), ATTACK0 + best_slot)
        choose((plan_leap > 0) & (plan_leap >= plan_move), sp.leap0 + np.maximum(leap_tile, 0))
        choose(plan_move > 0, sp.move0 + move_tile)

        # nothing to strike this turn: close in (off hazards), guard
        walk = np.flatnonzero(todo & (ap >= engine.cost_of("move")) & free)
        step_tile, gain = tac.closer(t.speed.take(me.take(walk)), pa.take(walk), pe.take(walk))
        choose(_at(walk, gain, B), sp.move0 + _at(walk, step_tile, B))
        choose(~obs.my_guard & (ap >= engine.cost_of("guard")), GUARD)
        return pick.actions


def _leap_choice(game: Game, obs: Observation, strike: np.ndarray, rows: np.ndarray,
                 todo: np.ndarray, dist: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per duel still `todo`: the leap tile next to the enemy (rear arc preferred) and the strike expected from it; -1 if none.

    `strike` and `rows` are the strikes from the front by distance (tactics.strike_rows); `dist` the distance to the enemy."""
    t = game.tables
    B = obs.batch
    me, pa, pe = obs.my_unit, obs.my_pos, obs.foe_pos
    tile_out = np.full(B, -1, dtype=np.int64)
    gain = np.zeros(B)
    far = dist > 1
    cand = (todo & t.can_leap.take(me) & (obs.ap >= engine.cost_of("leap") + engine.cost_of("attack")) & far
            & tactics.may_move(game, obs) & (obs.my_nectar > engine.nectar_of(game, "leap")))
    if not cand.any():
        return tile_out, gain
    li = np.flatnonzero(cand)
    chosen, is_rear = tactics.tactics(game).leap_spot(engine.leap_reach(game, me[li]), pa[li], pe[li], obs.foe_facing[li])
    has = chosen >= 0
    spot = np.maximum(chosen, 0)[:, None]
    front = tactics.values_at(game, strike, pe[li], spot, rows[li])[:, 0]
    rear_strike, rear_rows = tactics.strike_rows(game, obs, rear=True)
    behind = tactics.values_at(game, rear_strike, pe[li], spot, rear_rows[li])[:, 0]
    tile_out[li[has]] = chosen[has]
    gain[li[has]] = np.where(is_rear, behind, front)[has]
    return tile_out, gain


def _at(idx: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """(n,) `values` placed at positions `idx`, zeros (False) elsewhere."""
    out = np.zeros(n, dtype=values.dtype)
    out[idx] = values
    return out
