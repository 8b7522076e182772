"""The environments under a rules version (`rules=3`, the default, or 4): version 4 trains through the same API, its
observation ends with `may_charge`, and version 3's observation is what it was. Skipped without the rl extra."""

from __future__ import annotations

import numpy as np
import pytest

gymnasium = pytest.importorskip("gymnasium")

V3_SIZES = {"concert_hall": 1548, "nectar_depot": 1296, "open_field": 722, "rooftops": 1268}  # as before version 4
REFUSAL = "unknown rules version 5; versions: 3, 4"


def test_version_3s_observation_is_as_it_was_and_version_4s_is_it_and_may_charge(catalog) -> None:
    import gladiator  # noqa: F401 - registers gladiator/Duel-v0
    from gladiator import engine
    from gladiator.duel import game_for
    from gladiator.env.encode import encode, observation_size

    assert gymnasium.make("gladiator/Duel-v0", opponent_bot="random").observation_space.shape == (1548,)
    assert gymnasium.make("gladiator/Duel-v0", opponent_bot="random", rules=4).observation_space.shape == (1553,)
    rng = np.random.default_rng(1)
    charge = set()
    for arena, size in V3_SIZES.items():
        v3, v4 = game_for(catalog, arena), game_for(catalog, arena, rules=4)
        assert (observation_size(v3), observation_size(v4)) == (size, size + 5)
        s = engine.new_duels(v4, ("jaron", "viola"), np.arange(8))
        for _ in range(40):  # random legal actions: some sides begin their turn in the enemy's reach, some charge
            nxt, _ = engine.step(v4, s, [int(rng.choice(np.flatnonzero(m))) for m in engine.legal_mask(v4, s)])
            s = s if nxt.done.any() else nxt
            for side in (0, 1):
                seen = encode(v4, s, side)
                assert np.array_equal(seen[:, :size], encode(v3, s, side))  # the same state: version 3's vector, then
                assert np.array_equal(seen[:, size], s.may_charge.astype(np.float32))  # the side to act's may_charge
                assert np.array_equal(seen[:, size + 1], s.caught[:, side].astype(np.float32))  # held by the enemy
                assert np.array_equal(seen[:, size + 2], s.caught[:, 1 - side].astype(np.float32))  # holds the enemy
                assert np.array_equal(seen[:, size + 3], s.staggered[:, side].astype(np.float32))  # staggered by an ambush
                assert np.array_equal(seen[:, size + 4], s.staggered[:, 1 - side].astype(np.float32))  # its ambush staggered
            charge |= set(s.may_charge.tolist())
    assert charge == {False, True}  # the test can fail: the feature took both values


def _episode(env, seed: int) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    """Random legal actions to the end of a duel; each observation checked against the space and the state."""
    obs, info = env.reset(seed=seed)
    rng = np.random.default_rng(seed)
    steps, done, reward = 0, False, 0.0
    while not done:
        assert env.observation_space.contains(obs), "an observation outside the observation space"
        assert obs[-5] == env.unwrapped.state.may_charge[0]  # the agent is to act: its own may_charge
        obs, reward, done, truncated, info = env.step(int(rng.choice(np.flatnonzero(info["action_mask"]))))
        assert not truncated and "illegal" not in info
        steps += 1
    assert env.observation_space.contains(obs)
    return reward, steps


def test_a_version_4_gym_env_plays_to_the_end_with_random_legal_actions() -> None:
    import gladiator  # noqa: F401

    env = gymnasium.make("gladiator/Duel-v0", unit="rouge", opponent="viola", opponent_bot="greedy", rules=4)
    assert env.unwrapped.game.rules == 4 and env.observation_space.shape == (1553,)
    for seed in range(3):
        reward, steps = _episode(env, seed)
        assert reward in (-1.0, 0.0, 1.0) and steps > 0


def test_a_version_4_vector_env_steps_and_its_observations_fit_its_space() -> None:
    import gladiator  # noqa: F401
    from gladiator.env.vector import DuelVectorEnv

    envs = gymnasium.make_vec("gladiator/Duel-v0", num_envs=8, unit="jaron", opponent="rouge", opponent_bot="random",
                              rules=4)
    assert isinstance(envs, DuelVectorEnv) and envs.game.rules == 4
    obs, info = envs.reset(seed=3)
    rng = np.random.default_rng(3)
    ended = 0
    for _ in range(60):
        assert envs.observation_space.contains(obs)
        assert np.array_equal(obs[:, -5], envs.view().may_charge)
        acts = np.array([rng.choice(np.flatnonzero(row)) for row in info["action_mask"]])
        obs, reward, term, trunc, info = envs.step(acts)
        ended += int(term.sum())
    assert ended > 0


def test_pettingzoo_plays_a_version_4_duel_to_the_end() -> None:
    pytest.importorskip("pettingzoo")
    from gladiator.env import duel_env, duel_parallel_env

    env = duel_env(units=("rouge", "jaron"), rules=4)
    env.reset(seed=5)
    assert env.unwrapped.duel.game.rules == 4
    rng = np.random.default_rng(5)
    final = {}
    for agent in env.agent_iter(max_iter=5000):
        obs, reward, term, trunc, info = env.last()
        assert env.observation_space(agent).contains(obs)
        if term or trunc:
            final[agent] = reward
        env.step(None if term or trunc else int(rng.choice(np.flatnonzero(info["action_mask"]))))
    assert not env.agents and sorted(final.values()) in ([-1.0, 1.0], [0.0, 0.0])

    par = duel_parallel_env(units=("jaron", "viola"), rules=4)
    obs, infos = par.reset(seed=6)
    while par.agents:
        assert all(par.observation_space(a).contains(o) for a, o in obs.items())
        obs, rewards, terms, truncs, infos = par.step(
            {a: int(rng.choice(np.flatnonzero(infos[a]["action_mask"]))) for a in par.agents})
    assert sorted(rewards.values()) in ([-1.0, 1.0], [0.0, 0.0])


def _refused(make) -> None:  # type: ignore[no-untyped-def]
    from gladiator.errors import GladiatorError

    with pytest.raises(ValueError) as err:
        make()
    assert isinstance(err.value, GladiatorError) and str(err.value) == REFUSAL  # one line, the versions named


def test_an_unknown_rules_version_is_refused_in_one_line() -> None:
    import gladiator  # noqa: F401
    from gladiator.env.gym import DuelEnv
    from gladiator.env.vector import DuelVectorEnv

    _refused(lambda: gymnasium.make("gladiator/Duel-v0", rules=5))
    _refused(lambda: gymnasium.make_vec("gladiator/Duel-v0", num_envs=2, rules=5))
    _refused(lambda: DuelEnv(rules=5))
    _refused(lambda: DuelVectorEnv(num_envs=2, rules=5))
    for bad in (True, "4", None):
        with pytest.raises(ValueError, match="unknown rules version"):
            DuelEnv(rules=bad)  # type: ignore[arg-type]
    if _has("pettingzoo"):
        from gladiator.env import duel_env, duel_parallel_env

        _refused(lambda: duel_env(rules=5))
        _refused(lambda: duel_parallel_env(rules=5))


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def test_the_checkers_pass_under_version_4() -> None:
    import warnings

    from gymnasium.utils.env_checker import check_env

    from gladiator.env.gym import DuelEnv

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_env(DuelEnv(opponent_bot="greedy", rules=4), skip_render_check=True)
        if _has("pettingzoo"):
            with warnings.catch_warnings():  # PettingZoo's api_test module imports its connect_four the deprecated way
                warnings.filterwarnings("ignore", "The old environment creation API", DeprecationWarning)
                from pettingzoo.test import api_test, parallel_api_test

            from gladiator.env import duel_env, duel_parallel_env

            api_test(duel_env(units=("rouge", "jaron"), rules=4), num_cycles=100)
            parallel_api_test(duel_parallel_env(units=("rouge", "jaron"), rules=4), num_cycles=100)
    assert not caught, [str(w.message) for w in caught]
