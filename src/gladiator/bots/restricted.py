"""A bot playing without some of its options (restricted play): any bot, its legal actions narrowed before it chooses.

Named like any bot with the option `without`: `heuristic:without=leap`, `greedy:without=arc_blade+guard`
(options joined by `+`; see `gladiator.options` for the names). The bot underneath sees the same observation
and the legal actions less the actions the options cover for the unit it plays (`engine.Legal.without`); the
rules are untouched. A pick of a removed option is refused with a one-line error naming the bot. Imports the
options, the referee, the game and the bot base.
"""

from __future__ import annotations

import numpy as np

from gladiator import options, referee
from gladiator.bots.base import Bot
from gladiator.errors import IllegalAction
from gladiator.game import Game


class RestrictedBot(Bot):
    """`inner` with options `without` taken away from the unit it plays."""

    def __init__(self, inner: Bot, without: tuple[str, ...], name: str) -> None:
        self.inner, self.without, self.name = inner, options.check_names(without), name
        self.needs_truth = bool(getattr(inner, "needs_truth", False))
        self.uses_noise = bool(getattr(inner, "uses_noise", True))  # no noise drawn for it unless the bot underneath reads it
        self._bans: dict[int, tuple[Game, np.ndarray]] = {}

    def prepare(self, game: Game) -> None:
        """Check the option names against the game and let the bot underneath prepare."""
        self._ban(game)
        referee.prepare(self.inner, game)

    def act(self, game: Game, obs, legal) -> np.ndarray:  # type: ignore[no-untyped-def]
        """The bot underneath's picks among the legal actions less the removed options."""
        if self.needs_truth:  # the whole state: the unit of the side to act
            unit = obs.unit[np.arange(obs.batch), obs.active]
        else:
            unit = obs.my_unit
        ban = self._ban(game).take(np.asarray(unit, dtype=np.intp), axis=0)
        narrowed = legal.without(ban)
        picks = np.asarray(referee.act(self.inner, game, obs, narrowed))  # a plugin underneath is asked through its seat
        if picks.shape == (ban.shape[0],) and picks.dtype.kind in "iu":  # any other answer: the driver says what is wrong
            inside = (picks >= 0) & (picks < ban.shape[1])
            bad = inside & ban[np.arange(ban.shape[0]), np.where(inside, picks, 0)]
            if bad.any():  # a pick the rules would take, but this player gave up
                b = int(np.flatnonzero(bad)[0])
                raise IllegalAction(f"bot {self.name!r} picked action {int(picks[b])}, which it may not: "
                                    f"{narrowed.refusal(b, int(picks[b])).text}")
        return picks

    def _ban(self, game: Game) -> np.ndarray:
        """The (U, A) removed actions of `game`, worked out once per game."""
        got = self._bans.get(id(game))
        if got is None or got[0] is not game:
            got = (game, options.bans(game, self.without))
            self._bans[id(game)] = got
        return got[1]
