"""PettingZoo environments of one duel: agents "side_0" (spawn A) and "side_1" (spawn B).

`DuelAEC` takes turns: the agent whose turn it is acts, one engine action at a time. `DuelParallel`
steps both agents together: the agent not to act has only the no-op (action 0) in its mask, and
its action is ignored. Observations are NumPy arrays (`gladiator.env.encode`, each agent's honest
view: a disguise is seen, never the truth); the legal actions are `infos[agent]["action_mask"]`.
Rewards +1 / -1 (0 for a draw) come at the end. An illegal action loses the duel for the agent
that took it. `render_mode` "ansi" gives the spectator's combat log, "rgb_array" a frame. `rules` is the
rules version the duel is fought under (3, the default, or 4).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from gymnasium import spaces
from pettingzoo import AECEnv, ParallelEnv
from pettingzoo.utils import wrappers

from gladiator import engine, rng
from gladiator.catalog import Catalog, load_catalog
from gladiator.duel import game_for
from gladiator.env.checks import check_units, user_errors
from gladiator.env.encode import OBS_HIGH, encode, observation_size
from gladiator.game import DEFAULT_RULES, END
from gladiator.narrate import narrate
from gladiator.state import DuelState

AGENTS = ["side_0", "side_1"]
RENDER_MODES = ["ansi", "rgb_array"]


class _Duel:
    """The one duel both environments drive, and what they report of it."""

    @user_errors
    def __init__(self, units: tuple[str, str], arena: str, catalog: Catalog | None, render_mode: str | None,
                 rules: int = DEFAULT_RULES) -> None:
        if render_mode not in (None, *RENDER_MODES):
            raise ValueError(f"render_mode must be one of {RENDER_MODES} or None, got {render_mode!r}")
        cat = catalog or load_catalog()
        units = check_units(units)
        cat.unit(units[0]), cat.unit(units[1])
        self.game = game_for(cat, arena, rules)
        self.units = units
        self.render_mode = render_mode
        self.state: DuelState | None = None
        self.log: list[dict] = []
        self.seed = 0
        n = observation_size(self.game)
        self.observation_space = spaces.Box(0.0, OBS_HIGH, (n,), np.float32)
        self.action_space = spaces.Discrete(self.game.space.n)

    def start(self, seed: int | None) -> None:
        self.seed = rng.check_seed(seed) if seed is not None else (self.seed + 1) % (rng.MAX_SEED + 1)
        self.state = engine.new_duels(self.game, self.units, [self.seed])
        self.log = []

    def observe(self, side: int) -> np.ndarray:
        assert self.state is not None
        return encode(self.game, self.state, side)[0]

    def mask(self, side: int) -> np.ndarray:
        """The agent's legal actions: the engine's on its turn, only the no-op otherwise (int8)."""
        assert self.state is not None
        out = np.zeros(self.game.space.n, np.int8)
        if int(self.state.active[0]) == side and not self.state.done[0]:
            out[:] = engine.legal_mask(self.game, self.state)[0]
        else:
            out[END] = 1
        return out

    def act(self, side: int, action: Any) -> None:
        """Apply the acting agent's action; an illegal one loses the duel for it."""
        assert self.state is not None
        a = int(action)
        if not (0 <= a < self.game.space.n) or not engine.Legal(self.game, self.state).allows(np.array([a]))[0]:
            self.state = engine.forfeit(self.game, self.state, np.array([0]))
            return
        self.state, ev = engine.step(self.game, self.state, [a], events=self.render_mode == "ansi", check=False)
        self.log += ev[0] if ev else []

    def rewards(self) -> list[float]:
        assert self.state is not None
        w = int(self.state.winner[0])
        return [0.0 if w < 0 else (1.0 if w == k else -1.0) for k in (0, 1)]

    def render(self) -> str | np.ndarray | None:
        if self.state is None:
            raise RuntimeError("call reset() before render()")
        if self.render_mode == "ansi":
            return "\n".join(narrate(self.game, self.units, self.log, viewer=int(self.state.active[0])))
        if self.render_mode == "rgb_array":
            from gladiator.env.frames import frame

            return frame(self.game, self.units, self.state, int(self.state.active[0]))
        return None


class DuelAEC(AECEnv):
    """Two agents taking turns in one duel over the one engine."""

    metadata = {"name": "gladiator_duel_v0", "render_modes": RENDER_MODES, "is_parallelizable": True, "render_fps": 4}

    @user_errors
    def __init__(self, units: tuple[str, str] = ("rouge", "viola"), arena: str = "concert_hall",
                 catalog: Catalog | None = None, render_mode: str | None = None, rules: int = DEFAULT_RULES) -> None:
        super().__init__()
        self.duel = _Duel(units, arena, catalog, render_mode, rules)
        self.render_mode = render_mode
        self.possible_agents = list(AGENTS)

    def observation_space(self, agent: str) -> spaces.Space:
        """The same for both agents."""
        return self.duel.observation_space

    def action_space(self, agent: str) -> spaces.Space:
        """The engine's discrete action ids."""
        return self.duel.action_space

    @user_errors
    def reset(self, seed: int | None = None, options: dict[str, Any] | None = None) -> None:
        """Start a duel from `seed` (the duel's own seed; without one, the next seed after the last)."""
        self.duel.start(seed)
        self.agents = list(AGENTS)
        self.rewards = {a: 0.0 for a in self.agents}
        self._cumulative_rewards = {a: 0.0 for a in self.agents}
        self.terminations = {a: False for a in self.agents}
        self.truncations = {a: False for a in self.agents}
        self._infos()
        self.agent_selection = AGENTS[int(self.duel.state.active[0])]

    def observe(self, agent: str) -> np.ndarray:
        """The agent's observation vector (its legal actions are in `infos[agent]["action_mask"]`)."""
        return self.duel.observe(AGENTS.index(agent))

    def step(self, action: int | None) -> None:
        """Apply the selected agent's action."""
        agent = self.agent_selection
        if self.terminations[agent] or self.truncations[agent]:
            self._was_dead_step(action)
            return
        self._cumulative_rewards[agent] = 0.0
        self.duel.act(AGENTS.index(agent), action)
        s = self.duel.state
        if s.done[0]:
            for a, r in zip(AGENTS, self.duel.rewards()):
                self.rewards[a] = r
                self.terminations[a] = True
        else:
            self.rewards = {a: 0.0 for a in self.agents}
            self.agent_selection = AGENTS[int(s.active[0])]
        self._infos()
        self._accumulate_rewards()

    def render(self) -> str | np.ndarray | None:
        """The spectator's combat log ("ansi") or a frame ("rgb_array")."""
        return self.duel.render()

    def close(self) -> None:
        """Nothing to release."""

    def _infos(self) -> None:
        self.infos = {a: {"action_mask": self.duel.mask(AGENTS.index(a))} for a in self.agents}


class DuelParallel(ParallelEnv):
    """Both agents step together; the one not to act has only the no-op (action 0) and its action is ignored."""

    metadata = {"name": "gladiator_duel_parallel_v0", "render_modes": RENDER_MODES, "render_fps": 4}

    @user_errors
    def __init__(self, units: tuple[str, str] = ("rouge", "viola"), arena: str = "concert_hall",
                 catalog: Catalog | None = None, render_mode: str | None = None, rules: int = DEFAULT_RULES) -> None:
        self.duel = _Duel(units, arena, catalog, render_mode, rules)
        self.render_mode = render_mode
        self.possible_agents = list(AGENTS)
        self.agents: list[str] = []

    def observation_space(self, agent: str) -> spaces.Space:
        """The same for both agents."""
        return self.duel.observation_space

    def action_space(self, agent: str) -> spaces.Space:
        """The engine's discrete action ids."""
        return self.duel.action_space

    @user_errors
    def reset(self, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[dict, dict]:
        """Start a duel from `seed`; each agent's observation and its legal actions."""
        self.duel.start(seed)
        self.agents = list(AGENTS)
        return self._obs(), self._infos()

    def step(self, actions: dict[str, Any]) -> tuple[dict, dict, dict, dict, dict]:
        """The acting agent's action is taken, the other's ignored."""
        if not self.agents:
            raise RuntimeError("the episode has ended: call reset() before step()")
        side = int(self.duel.state.active[0])
        if AGENTS[side] not in actions:
            raise KeyError(f"no action for {AGENTS[side]}, whose turn it is")
        self.duel.act(side, actions[AGENTS[side]])
        done = bool(self.duel.state.done[0])
        rewards = dict(zip(AGENTS, self.duel.rewards())) if done else {a: 0.0 for a in AGENTS}
        obs, infos = self._obs(), self._infos()
        terminations = {a: done for a in AGENTS}
        truncations = {a: False for a in AGENTS}
        if done:
            self.agents = []
        return obs, rewards, terminations, truncations, infos

    def render(self) -> str | np.ndarray | None:
        """The spectator's combat log ("ansi") or a frame ("rgb_array")."""
        return self.duel.render()

    def close(self) -> None:
        """Nothing to release."""

    def _obs(self) -> dict[str, np.ndarray]:
        return {a: self.duel.observe(k) for k, a in enumerate(AGENTS)}

    def _infos(self) -> dict[str, dict]:
        return {a: {"action_mask": self.duel.mask(k)} for k, a in enumerate(AGENTS)}


def make_aec(**kwargs: Any) -> AECEnv:
    """A DuelAEC wrapped as PettingZoo recommends (order enforced, actions checked to be in the space)."""
    env: AECEnv = DuelAEC(**kwargs)
    env = wrappers.AssertOutOfBoundsWrapper(env)
    return wrappers.OrderEnforcingWrapper(env)
