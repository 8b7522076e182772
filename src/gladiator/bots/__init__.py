"""Bots: pick one action per duel for the side to act, vectorised over the batch.

A bot sees the game and state through the engine (legal mask, previews, observe); it
never changes state. Imports the engine, never a front end.
"""

from __future__ import annotations

from gladiator.bots.base import Bot
from gladiator.bots.greedy import GreedyBot
from gladiator.bots.random_bot import RandomBot
from gladiator.errors import GladiatorError

BOTS: dict[str, type[Bot]] = {"random": RandomBot, "greedy": GreedyBot}


def make_bot(name: str) -> Bot:
    """A bot by name, or a one-line error listing the known ones."""
    if name not in BOTS:
        raise GladiatorError(f"unknown bot {name!r}; known bots: {', '.join(sorted(BOTS))}")
    return BOTS[name]()


__all__ = ["BOTS", "Bot", "GreedyBot", "RandomBot", "make_bot"]
