"""A Gymnasium environment: one side of a duel, the other played by a bot.

Actions are the engine's discrete action ids; `info["action_mask"]` marks the legal ones.
An illegal action loses the duel (reward -1, `info["illegal"]` gives the reason), as in Pgx,
or raises `IllegalAction` with `illegal_action="raise"`. Reward +1 for a win, -1 for a loss,
0 for a draw, at the end of the duel.
"""

from __future__ import annotations

from typing import Any

import gymnasium
import numpy as np
from gymnasium import spaces

from gladiator import DEFAULT_BOT, engine, rng
from gladiator.bots import make_bot
from gladiator.catalog import Catalog, load_catalog
from gladiator.driver import Play
from gladiator.duel import game_for
from gladiator.env.checks import check_units, user_errors
from gladiator.env.encode import OBS_HIGH, encode, observation_size
from gladiator.game import DEFAULT_RULES
from gladiator.narrate import narrate


class DuelEnv(gymnasium.Env):
    """Gymnasium env: the agent fights as `unit` on `side` against `opponent` played by `opponent_bot`, one engine action per step.

    `gymnasium.make("gladiator/Duel-v0", unit="rouge", opponent="viola", opponent_bot="heuristic",
    arena="concert_hall")` after `import gladiator`; `rules=4` fights under rules version 4 (the observation then ends
    with `may_charge`, see `gladiator.env.encode`). Render modes: "ansi" (the combat log as the
    agent saw it), "rgb_array" (a frame of the window's renderer, headless), "human" (the window).
    """

    metadata = {"render_modes": ["ansi", "rgb_array", "human"], "render_fps": 4}

    @user_errors
    def __init__(self, unit: str = "rouge", opponent: str = "viola", opponent_bot: str = DEFAULT_BOT,
                 arena: str = "concert_hall", side: int = 0, catalog: Catalog | None = None, render_mode: str | None = None,
                 illegal_action: str = "lose", units: tuple[str, str] | None = None, rules: int = DEFAULT_RULES) -> None:
        if illegal_action not in ("lose", "raise"):
            raise ValueError("illegal_action is 'lose' or 'raise'")
        if side not in (0, 1):
            raise ValueError("side must be 0 (spawn A) or 1 (spawn B)")
        if render_mode not in (None, *self.metadata["render_modes"]):
            raise ValueError(f"render_mode must be one of {self.metadata['render_modes']} or None, got {render_mode!r}")
        self.illegal_action = illegal_action
        cat = catalog or load_catalog()
        if units is None:  # the agent's unit on its side, the opponent's on the other
            units = (unit, opponent) if side == 0 else (opponent, unit)
        units = check_units(units)
        cat.unit(units[0]), cat.unit(units[1])
        self.game = game_for(cat, arena, rules)
        self.units = units
        self.side = side
        self.opponent = make_bot(opponent_bot)
        if getattr(self.opponent, "needs_truth", False):
            raise ValueError(f"bot {opponent_bot!r} reads the whole truth: it cannot be an environment's opponent")
        self.render_mode = render_mode
        # the opponent's turns: the duel leaves the play when the agent is to act (the play prepares the bot)
        self._play = Play(self.game, (self.opponent, self.opponent), forfeit=False, events=render_mode == "ansi",
                          until=lambda w: w.active == self.side)
        self.action_space = spaces.Discrete(self.game.space.n)
        self.observation_space = spaces.Box(0.0, OBS_HIGH, (observation_size(self.game),), np.float32)
        self.state = None
        self._ended = False
        self._log: list[dict] = []

    @user_errors
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[np.ndarray, dict]:
        """Start a duel; `seed` is the duel's own seed (the same seed gives the same duel)."""
        if seed is not None:
            seed = rng.check_seed(seed)
        super().reset(seed=seed)
        duel_seed = seed if seed is not None else int(self.np_random.integers(0, 2**62))
        self.state = engine.new_duels(self.game, self.units, [duel_seed])
        self._ended = False
        self._log = []
        self._bot_turns()
        return self._obs(), self._info()

    def step(self, action: int) -> tuple[np.ndarray, float, bool, bool, dict]:
        """Apply the agent's action, then the bot's until it is the agent's turn or the duel ends."""
        if self.state is None:
            raise RuntimeError("call reset() before step()")
        if self._ended or bool(self.state.done[0]):
            raise RuntimeError("the episode has ended: call reset() before step()")
        if isinstance(action, (bool, np.bool_)) or not isinstance(action, (int, np.integer)):
            if not (isinstance(action, np.ndarray) and action.shape == () and action.dtype.kind in "iu"):
                raise TypeError(f"an action is one whole number (an action id), got {action!r}")
        if self.illegal_action == "lose" and not self._legal(int(action)):
            reason = engine.explain(self.game, self.state, 0, int(action)) if 0 <= int(action) < self.game.space.n else "outside the action space"
            self._ended = True  # the illegal action lost the duel: the episode stays over until reset()
            return self._obs(), -1.0, True, False, self._info() | {"illegal": reason}
        self.state, ev = engine.step(self.game, self.state, [int(action)], events=self.render_mode == "ansi")
        self._log += ev[0] if ev else []
        self._bot_turns()
        done = bool(self.state.done[0])
        w = int(self.state.winner[0])
        reward = 0.0 if not done or w < 0 else (1.0 if w == self.side else -1.0)
        return self._obs(), reward, done, False, self._info()

    def render(self) -> str | np.ndarray | None:
        """The combat log as the agent saw it ("ansi"), a frame (H, W, 3) uint8 ("rgb_array"), or the window ("human")."""
        if self.render_mode == "ansi":
            return "\n".join(narrate(self.game, self.units, self._log, viewer=self.side))
        if self.render_mode in ("rgb_array", "human"):
            from gladiator.env.frames import frame

            if self.state is None:
                raise RuntimeError("call reset() before render()")
            return frame(self.game, self.units, self.state, self.side, human=self.render_mode == "human")
        return None

    def close(self) -> None:
        """Close the window of the "human" render mode, if one is open."""
        if self.render_mode == "human":
            from gladiator.env.frames import close_window

            close_window()

    def action_masks(self) -> np.ndarray:
        """The legal actions now (for maskable agents)."""
        return engine.legal_mask(self.game, self.state)[0]

    def _legal(self, action: int) -> bool:
        return 0 <= action < self.game.space.n and bool(self.action_masks()[action])

    def _bot_turns(self) -> None:
        play = self._play
        left = play.add(self.state, [0])
        while play.live:
            left = play.step()
            assert play.last is not None
            ev = play.last[2]
            self._log += ev[0] if ev else []
        self.state = left.state

    def _obs(self) -> np.ndarray:
        return encode(self.game, self.state, self.side)[0]

    def _info(self) -> dict:
        return {"action_mask": self.action_masks(), "turn": int(self.state.turn[0])}
