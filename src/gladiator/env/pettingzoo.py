"""A PettingZoo AEC environment: both sides of a duel are agents, acting in turn.

Agents are "side_0" and "side_1"; each observation is a dict with the agent's
`observation` vector and its `action_mask`. Rewards (+1 / -1, 0 for a draw) come at the end.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from gymnasium import spaces
from pettingzoo import AECEnv

from gladiator import engine
from gladiator.catalog import Catalog, load_catalog
from gladiator.duel import game_for
from gladiator.env.encode import OBS_HIGH, encode, observation_size

AGENTS = ["side_0", "side_1"]


class DuelAEC(AECEnv):
    """Two-agent, turn-based duel over the one engine."""

    metadata = {"name": "gladiator_duel_v0", "render_modes": [], "is_parallelizable": False}

    def __init__(self, units: tuple[str, str] = ("rouge", "viola"), arena: str = "concert_hall",
                 catalog: Catalog | None = None) -> None:
        super().__init__()
        cat = catalog or load_catalog()
        cat.unit(units[0]), cat.unit(units[1])
        self.game = game_for(cat, arena)
        self.units = (units[0], units[1])
        self.possible_agents = list(AGENTS)
        n = observation_size(self.game)
        self._obs_space = spaces.Dict({
            "observation": spaces.Box(0.0, OBS_HIGH, (n,), np.float32),
            "action_mask": spaces.Box(0, 1, (self.game.space.n,), np.int8),
        })
        self._act_space = spaces.Discrete(self.game.space.n)
        self.state = None
        self._seed = 0

    def observation_space(self, agent: str) -> spaces.Space:
        """The same for both agents."""
        return self._obs_space

    def action_space(self, agent: str) -> spaces.Space:
        """The engine's discrete action ids."""
        return self._act_space

    def reset(self, seed: int | None = None, options: dict[str, Any] | None = None) -> None:
        """Start a duel from `seed` (the duel's own seed)."""
        if seed is not None:
            self._seed = int(seed)
        else:
            self._seed += 1
        self.state = engine.new_duels(self.game, self.units, [self._seed])
        self.agents = list(AGENTS)
        self.rewards = {a: 0.0 for a in self.agents}
        self._cumulative_rewards = {a: 0.0 for a in self.agents}
        self.terminations = {a: False for a in self.agents}
        self.truncations = {a: False for a in self.agents}
        self.infos = {a: {} for a in self.agents}
        self.agent_selection = AGENTS[int(self.state.active[0])]

    def observe(self, agent: str) -> dict[str, np.ndarray]:
        """The agent's observation vector and, on its turn, its legal action mask."""
        side = AGENTS.index(agent)
        obs = encode(self.game, self.state, side)[0]
        mask = np.zeros(self.game.space.n, np.int8)
        if int(self.state.active[0]) == side and not self.state.done[0]:
            mask = engine.legal_mask(self.game, self.state)[0].astype(np.int8)
        return {"observation": obs, "action_mask": mask}

    def step(self, action: int | None) -> None:
        """Apply the selected agent's action."""
        agent = self.agent_selection
        if self.terminations[agent] or self.truncations[agent]:
            self._was_dead_step(action)
            return
        self._cumulative_rewards[agent] = 0.0
        self.state, _ = engine.step(self.game, self.state, [int(action)])
        if self.state.done[0]:
            w = int(self.state.winner[0])
            for i, a in enumerate(AGENTS):
                self.rewards[a] = 0.0 if w < 0 else (1.0 if w == i else -1.0)
                self.terminations[a] = True
            self._accumulate_rewards()
        else:
            self.rewards = {a: 0.0 for a in self.agents}
            self.agent_selection = AGENTS[int(self.state.active[0])]
