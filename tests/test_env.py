"""The environment APIs (Gymnasium, PettingZoo) over the engine; skipped without the rl extra."""

from __future__ import annotations

import numpy as np
import pytest

gymnasium = pytest.importorskip("gymnasium")


def test_gymnasium_env_passes_the_checker() -> None:
    from gymnasium.utils.env_checker import check_env

    from gladiator.env.gym import DuelEnv

    check_env(DuelEnv(), skip_render_check=True)


def test_gymnasium_same_seed_same_episode() -> None:
    from gladiator.env.gym import DuelEnv

    def episode(seed: int) -> list[float]:
        env = DuelEnv(("jaron", "viola"), opponent="random")
        obs, info = env.reset(seed=seed)
        trace = [float(obs.sum())]
        rng = np.random.default_rng(0)
        done = False
        while not done:
            legal = np.flatnonzero(info["action_mask"])
            obs, reward, done, trunc, info = env.step(int(rng.choice(legal)))
            trace.append(float(obs.sum()) + reward)
        return trace

    assert episode(5) == episode(5)
    assert episode(5) != episode(6)


def test_gymnasium_reward_and_illegal_action() -> None:
    from gladiator.env.gym import DuelEnv
    from gladiator.errors import IllegalAction

    env = DuelEnv(("rouge", "viola"), opponent="greedy", render_mode="ansi", illegal_action="raise")
    obs, info = env.reset(seed=1)
    illegal = int(np.flatnonzero(~info["action_mask"])[0])
    with pytest.raises(IllegalAction):
        env.step(illegal)
    done, reward = False, 0.0
    while not done:
        obs, reward, done, _, info = env.step(0)  # end every turn: the greedy bot wins
    assert reward == -1.0
    assert "wins" in env.render()


def test_gymnasium_illegal_action_loses_by_default() -> None:
    from gladiator.env.gym import DuelEnv

    env = DuelEnv()
    obs, info = env.reset(seed=2)
    illegal = int(np.flatnonzero(~info["action_mask"])[0])
    obs, reward, done, trunc, info = env.step(illegal)
    assert (reward, done) == (-1.0, True) and info["illegal"]
    legal = int(np.flatnonzero(info["action_mask"])[0])
    with pytest.raises(RuntimeError, match="episode has ended"):
        env.step(legal)  # the lost episode stays over until reset()
    obs, info = env.reset(seed=2)
    env.step(int(np.flatnonzero(info["action_mask"])[0]))
    with pytest.raises(TypeError, match="one whole number"):
        env.step(1.5)


def test_pettingzoo_api() -> None:
    pytest.importorskip("pettingzoo")
    from pettingzoo.test import api_test

    from gladiator.env.pettingzoo import DuelAEC

    api_test(DuelAEC(("rouge", "jaron")), num_cycles=200)


def test_pettingzoo_plays_to_the_end() -> None:
    pytest.importorskip("pettingzoo")
    from gladiator.env.pettingzoo import DuelAEC

    env = DuelAEC(("rouge", "viola"))
    env.reset(seed=3)
    rng = np.random.default_rng(3)
    final = {}
    for agent in env.agent_iter(max_iter=5000):
        obs, reward, term, trunc, info = env.last()
        if term or trunc:
            final[agent] = reward
        action = None if term or trunc else int(rng.choice(np.flatnonzero(obs["action_mask"])))
        env.step(action)
    assert not env.agents
    assert sorted(final.values()) in ([-1.0, 1.0], [0.0, 0.0])
