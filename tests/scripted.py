"""Scripted strategies that exploit a naive bot, for testing that the heuristic bot is not naive.

Each reads only its side's observation, the legal actions and the engine's previews, like every fair bot.
- `RearStepRouge`: gets into the enemy's rear arc beside it (a step, else a leap) and tears out the core
  whenever the engine allows it; strikes with its best weapon otherwise.
- `FlameSpamViola`: fires Flame Chorus whenever it can, and walks in to its range otherwise.
- `KiteViola`: keeps its distance (4 tiles or more) and fires Aria Cannon; backs off from anything closer, and
  vents rather than fire itself into overheating, and injects when its Nectar runs low.
- `AmbushJaron`: puts a disguise on every turn it can (out of sight, else it walks out of sight first), closes in
  while disguised and strikes only from the ambush, the turn after; seen with nowhere to hide, it fights bare.
- `Turtle` (any suit): never moves; strikes what stands beside it, and guards otherwise.
`SCRIPTS` lists each with the suit it plays.
"""

from __future__ import annotations

import numpy as np

from gladiator import engine, tactics
from gladiator.bots.base import Bot, FirstChoice
from gladiator.game import ATTACK0, END, EXTRACT, GUARD, INJECT, VENT, W, Game


def _tile_choice(legal: np.ndarray, score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per duel: (any legal tile, the legal tile of highest score)."""
    s = np.where(legal, score, -np.inf)
    best = np.argmax(s, axis=1)
    return legal.any(axis=1), best


def _distances(game: Game, obs) -> np.ndarray:
    """(B, T) Chebyshev distance of every tile from the enemy."""
    return game.geo.cheb[:, obs.foe_pos].T.astype(np.float64)


def _slot(game: Game, obs, weapon: str) -> int:
    """Slot of weapon `weapon` of the unit this bot plays (the same suit in every duel of the batch)."""
    unit = game.roster[int(obs.my_unit[0])]
    return [w.id for w in unit.weapons].index(weapon)


class RearStepRouge(Bot):
    """Behind the enemy, then its core."""

    name = "rear-step"

    def act(self, game: Game, obs, legal) -> np.ndarray:
        """One action per duel."""
        sp, mask = game.space, np.asarray(legal.mask)
        T = game.geo.tiles
        pick = FirstChoice(obs.batch, END)
        pick.choose(mask[:, EXTRACT], EXTRACT)
        tiles = np.broadcast_to(np.arange(T), (obs.batch, T))
        d = _distances(game, obs)
        behind = tactics.in_rear_of(game, tiles, obs.foe_pos[:, None], obs.foe_facing[:, None]) & (d == 1)
        here_behind = behind[np.arange(obs.batch), obs.my_pos]
        can_strike, slot = _best_strike(game, obs, mask)
        pick.choose(here_behind & can_strike, ATTACK0 + slot)
        for base in (sp.move0, sp.leap0):
            ok, tile = _tile_choice(mask[:, base:base + T] & behind, np.zeros((obs.batch, T)))
            pick.choose(~here_behind & ok, base + tile)
        pick.choose(can_strike, ATTACK0 + slot)
        for base in (sp.move0, sp.leap0):
            ok, tile = _tile_choice(mask[:, base:base + T], -d)
            pick.choose(ok & (d[np.arange(obs.batch), obs.my_pos] > 1), base + tile)
        return pick.actions


class FlameSpamViola(Bot):
    """Flame Chorus whenever it can."""

    name = "flame-spam"

    def act(self, game: Game, obs, legal) -> np.ndarray:
        """One action per duel."""
        sp, mask = game.space, np.asarray(legal.mask)
        T = game.geo.tiles
        flame = _slot(game, obs, "flame_chorus")
        pick = FirstChoice(obs.batch, END)
        pick.choose(mask[:, ATTACK0 + flame], ATTACK0 + flame)
        d = _distances(game, obs)
        ok, tile = _tile_choice(mask[:, sp.move0:sp.move0 + T], -d)
        pick.choose(ok & (d[np.arange(obs.batch), obs.my_pos] > 1), sp.move0 + tile)
        return pick.actions


class KiteViola(Bot):
    """Aria Cannon from afar, backing off from anything closer than four tiles."""

    name = "kite"
    FAR = 4

    def act(self, game: Game, obs, legal) -> np.ndarray:
        """One action per duel."""
        sp, mask = game.space, np.asarray(legal.mask)
        T = game.geo.tiles
        cannon = _slot(game, obs, "aria_cannon")
        d = _distances(game, obs)
        here = d[np.arange(obs.batch), obs.my_pos]
        pick = FirstChoice(obs.batch, END)
        hot = obs.my_heat + game.tables.w_heat[obs.my_unit, cannon] > game.tables.heat_capacity[obs.my_unit]
        pick.choose(hot & mask[:, VENT], VENT)  # never fires itself into overheating
        pick.choose((obs.my_nectar <= 4) & mask[:, INJECT], INJECT)  # nor into shutdown
        moves = mask[:, sp.move0:sp.move0 + T]
        far, away = _tile_choice(moves & (d >= self.FAR) & game.geo.los[:, obs.foe_pos].T, -np.abs(d - self.FAR - 1))
        pick.choose((here < self.FAR) & far, sp.move0 + away)
        pick.choose(mask[:, ATTACK0 + cannon], ATTACK0 + cannon)
        ok, tile = _tile_choice(moves, -np.abs(d - self.FAR - 1))
        pick.choose(ok & (np.abs(here - self.FAR - 1) > 1), sp.move0 + tile)
        return pick.actions


def _best_strike(game: Game, obs, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per duel: whether any legal strike is expected to do damage, and the slot expected to do most."""
    prev = engine.attack_preview(game, obs)
    worth = np.where(prev["usable"] & mask[:, ATTACK0:ATTACK0 + W], prev["expected"], -1.0)
    return worth.max(axis=1) > 0, np.argmax(worth, axis=1)


class AmbushJaron(Bot):
    """A disguise every turn, and a strike only out of it."""

    name = "ambush"

    def act(self, game: Game, obs, legal) -> np.ndarray:
        """One action per duel."""
        sp, mask = game.space, np.asarray(legal.mask)
        T = game.geo.tiles
        pick = FirstChoice(obs.batch, END)
        can_strike, slot = _best_strike(game, obs, mask)
        pick.choose(obs.my_ambush & can_strike, ATTACK0 + slot)
        bare = obs.my_look == obs.my_unit
        looks = mask[:, sp.mimic0:sp.move0]
        pick.choose(bare & looks.any(axis=1), sp.mimic0 + np.argmax(looks, axis=1))
        d = _distances(game, obs)
        moves = mask[:, sp.move0:sp.move0 + T]
        unseen = ~game.geo.los[:, obs.foe_pos].T
        ok, hide = _tile_choice(moves & unseen, -d)  # out of sight, as near as it can
        pick.choose(bare & ~obs.my_ambush & ok, sp.move0 + hide)
        ok, near = _tile_choice(moves, -d)
        far = d[np.arange(obs.batch), obs.my_pos] > 1
        pick.choose(~bare & ok & far, sp.move0 + near)  # a move keeps the disguise on
        pick.choose(bare & can_strike, ATTACK0 + slot)  # seen with nowhere to hide: it fights bare
        pick.choose(bare & ok & far, sp.move0 + near)
        return pick.actions


class Turtle(Bot):
    """Stands where it is: strikes what comes beside it, guards otherwise."""

    name = "turtle"

    def act(self, game: Game, obs, legal) -> np.ndarray:
        """One action per duel."""
        mask = np.asarray(legal.mask)
        pick = FirstChoice(obs.batch, END)
        can_strike, slot = _best_strike(game, obs, mask)
        beside = game.geo.cheb[obs.my_pos, obs.foe_pos] == 1
        pick.choose(beside & can_strike, ATTACK0 + slot)
        pick.choose(mask[:, GUARD], GUARD)
        return pick.actions


SCRIPTS = {"rear-step": ("rouge", RearStepRouge), "flame-spam": ("viola", FlameSpamViola), "kite": ("viola", KiteViola),
           "ambush": ("jaron", AmbushJaron), "turtle-viola": ("viola", Turtle), "turtle-nean": ("nean", Turtle)}
