"""A native Gymnasium vector env: N duels stepped at once through the batch engine, one agent per duel against a bot.

Every sub-env is one duel of the agent's unit against the opponent unit, played by a bot (through
the driver's `Play`). A step applies the agent's action in every duel, then lets the opponent
act until it is the agent's turn again or the duel ends, for all duels at once. Autoreset is
Gymnasium's next-step mode: the step after a duel ended starts a new one (its action is
ignored, reward 0). `info["action_mask"]` is the (N, A) legal mask of the agent's next
actions (for a duel that has just ended, only action 0, which the restart ignores). An illegal action loses that duel (reward -1), as in Pgx, or raises IllegalAction with
`illegal_action="raise"`. Observations are `gladiator.env.encode` of the agent's honest view; `view()` gives
that view itself (an `engine.Observation`), for agents that read the engine's previews.
"""

from __future__ import annotations

from typing import Any

import gymnasium
import numpy as np
from gymnasium import spaces
from gymnasium.vector import AutoresetMode

from gladiator import DEFAULT_BOT, engine, rng
from gladiator.bots import make_bot
from gladiator.catalog import Catalog, load_catalog
from gladiator.driver import Play
from gladiator.duel import game_for
from gladiator.env.checks import user_errors
from gladiator.env.encode import OBS_HIGH, encode, observation_size
from gladiator.game import DEFAULT_RULES
from gladiator.errors import IllegalAction
from gladiator.state import DuelState


class DuelVectorEnv(gymnasium.vector.VectorEnv):
    """`num_envs` duels of `unit` against `opponent` (played by `opponent_bot`) in `arena` under `rules`, one batch."""

    metadata = {"autoreset_mode": AutoresetMode.NEXT_STEP, "render_modes": []}

    @user_errors
    def __init__(self, num_envs: int = 1, unit: str = "rouge", opponent: str = "viola", opponent_bot: str = DEFAULT_BOT,
                 arena: str = "concert_hall", side: int = 0, illegal_action: str = "lose", catalog: Catalog | None = None,
                 render_mode: str | None = None, rules: int = DEFAULT_RULES) -> None:
        if isinstance(num_envs, bool) or not isinstance(num_envs, (int, np.integer)) or num_envs < 1:
            raise ValueError(f"num_envs must be a whole number of at least 1, got {num_envs!r}")
        if side not in (0, 1):
            raise ValueError("side must be 0 (spawn A) or 1 (spawn B)")
        if illegal_action not in ("lose", "raise"):
            raise ValueError("illegal_action is 'lose' or 'raise'")
        if render_mode is not None:
            raise ValueError("the vector env does not render; render a single env (gymnasium.make) instead")
        cat = catalog or load_catalog()
        cat.unit(unit), cat.unit(opponent)
        self.game = game_for(cat, arena, rules)
        self.units = (unit, opponent) if side == 0 else (opponent, unit)
        self.side = side
        self.illegal_action = illegal_action
        self.opponent = make_bot(opponent_bot)
        # the opponent's turns: its duels leave the play when the agent is to act (the play prepares the bot)
        self._play = Play(self.game, (self.opponent, self.opponent), until=lambda w: w.active == self.side)
        self.num_envs = int(num_envs)
        n, A = observation_size(self.game), self.game.space.n
        self.single_observation_space = spaces.Box(0.0, OBS_HIGH, (n,), np.float32)
        self.single_action_space = spaces.Discrete(A)
        self.observation_space = gymnasium.vector.utils.batch_space(self.single_observation_space, self.num_envs)
        self.action_space = gymnasium.vector.utils.batch_space(self.single_action_space, self.num_envs)
        self.render_mode = None
        self.state: DuelState | None = None
        self._run_seed = 0
        self._episodes = np.zeros(self.num_envs, dtype=np.int64)  # duels started per sub-env
        self._restart = np.zeros(self.num_envs, dtype=bool)  # ended last step: started anew at this one
        self._mask = np.zeros((self.num_envs, self.game.space.n), dtype=bool)  # the legal actions the agent was shown

    @user_errors
    def reset(self, *, seed: int | list[int] | None = None, options: dict[str, Any] | None = None) -> tuple[np.ndarray, dict]:
        """Start a duel in every sub-env; `seed` is the run's seed (each duel's own seed derives from it)."""
        if isinstance(seed, (list, tuple)):
            seed = seed[0] if seed and seed[0] is not None else 0
        if seed is not None:
            seed = rng.check_seed(seed)
        super().reset(seed=seed)
        if seed is not None:
            self._run_seed = seed
        else:
            self._run_seed = int(self.np_random.integers(0, 2**62))
        self._episodes[:] = 0
        self.state = self._new(np.arange(self.num_envs))
        self._restart[:] = False
        return self._obs(), self._info()

    def step(self, actions: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict]:
        """The agent's action in every duel; then the opponent's, until the agent is to act again."""
        if self.state is None:
            raise RuntimeError("call reset() before step()")
        acts = np.asarray(actions)
        if acts.shape != (self.num_envs,) or acts.dtype.kind not in "iu":
            raise ValueError(f"actions must be {self.num_envs} whole numbers (shape ({self.num_envs},)), got "
                             f"shape {acts.shape} of {acts.dtype}")
        acts = acts.astype(np.int64)
        s = self.state
        reward = np.zeros(self.num_envs, dtype=np.float64)
        restart = np.flatnonzero(self._restart)
        if restart.size:  # next-step autoreset: these duels ended last step; start them anew, ignore the action
            s.put(restart, self._new(restart))
        play = ~self._restart
        inside = (acts >= 0) & (acts < self.game.space.n)
        legal = (inside & self._mask[np.arange(self.num_envs), np.clip(acts, 0, self.game.space.n - 1)]) | ~play
        lost = np.flatnonzero(~legal)
        if lost.size:
            if self.illegal_action == "raise":
                b = int(lost[0])
                raise IllegalAction(f"env {b}: {engine.refusal(self.game, s, b, int(acts[b])).text}")
            s = engine.forfeit(self.game, s, lost)
        acts = np.where(play & legal, acts, 0)
        live = play & ~s.done
        s, _ = engine.step(self.game, s, np.where(live, acts, 0), check=False) if live.any() else (s, None)
        s = self._opponent_turns(s)
        ended = play & s.done
        w = s.winner.astype(np.int64)
        reward[ended] = np.where(w[ended] < 0, 0.0, np.where(w[ended] == self.side, 1.0, -1.0))
        self.state = s
        self._restart = ended
        terminated = ended.copy()
        truncated = np.zeros(self.num_envs, dtype=bool)
        return self._obs(), reward, terminated, truncated, self._info()

    def view(self) -> engine.Observation:
        """The agent's honest view of every duel (`engine.observe` of its side): what each observation encodes, as fields."""
        if self.state is None:
            raise RuntimeError("call reset() before view()")
        return engine.observe(self.game, self.state, self.side)

    def close_extras(self, **kwargs: Any) -> None:
        """Nothing to release."""

    def _new(self, idx: np.ndarray) -> DuelState:
        """New duels for sub-envs `idx`, each seeded from (run seed, sub-env, episode), the opponent acting first where it does."""
        key = (np.asarray(idx, dtype=np.int64) << 32) + self._episodes[idx]
        self._episodes[idx] += 1
        s = engine.new_duels(self.game, self.units, rng.derive_seeds(self._run_seed, key))
        return self._opponent_turns(s)

    def _opponent_turns(self, s: DuelState) -> DuelState:
        """Let the bot act in every duel where it is its turn, until none is."""
        theirs = np.flatnonzero((s.active != self.side) & ~s.done)
        if theirs.size == 0:
            return s
        left = self._play.add(s.take(theirs), theirs)
        while True:
            left.put(s)
            if self._play.live == 0:
                return s
            left = self._play.step()

    def _obs(self) -> np.ndarray:
        assert self.state is not None
        return encode(self.game, self.state, self.side)

    def _info(self) -> dict:
        assert self.state is not None
        mask = engine.legal_mask(self.game, self.state)  # also checks the agent's next actions
        mask[self.state.done, 0] = True  # an ended duel restarts on the next step: any action will do, say 0
        self._mask = engine.sealed(mask)  # no setflags(write=True) widens what the next step accepts
        return {"action_mask": self._mask}
