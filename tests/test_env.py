"""The environment APIs (Gymnasium, PettingZoo) over the engine; skipped without the rl extra."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

gymnasium = pytest.importorskip("gymnasium")


def test_gymnasium_env_passes_the_checker() -> None:
    from gymnasium.utils.env_checker import check_env

    from gladiator.env.gym import DuelEnv

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_env(DuelEnv(opponent_bot="greedy"), skip_render_check=True)
    assert not caught, [str(w.message) for w in caught]


def test_gymnasium_same_seed_same_episode() -> None:
    from gladiator.env.gym import DuelEnv

    def episode(seed: int) -> list[float]:
        env = DuelEnv(unit="jaron", opponent="viola", opponent_bot="random")
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

    env = DuelEnv(unit="rouge", opponent="viola", opponent_bot="greedy", render_mode="ansi", illegal_action="raise")
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


def _quiet(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    """Run a checker and fail on any warning it raises."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn(*args, **kwargs)
    assert not caught, [str(w.message) for w in caught]


def test_pettingzoo_checkers_pass_without_warnings() -> None:
    pytest.importorskip("pettingzoo")
    with warnings.catch_warnings():  # PettingZoo's own api_test module imports its connect_four the deprecated way
        warnings.filterwarnings("ignore", "The old environment creation API", DeprecationWarning)
        from pettingzoo.test import api_test, parallel_api_test, parallel_seed_test, seed_test

    from gladiator.env import duel_env, duel_parallel_env
    from gladiator.env.pettingzoo import DuelAEC, DuelParallel

    _quiet(api_test, duel_env(units=("rouge", "jaron")), num_cycles=300)
    _quiet(parallel_api_test, duel_parallel_env(units=("rouge", "jaron")), num_cycles=300)
    _quiet(seed_test, lambda: DuelAEC(("jaron", "viola")), num_cycles=50)
    _quiet(parallel_seed_test, lambda: DuelParallel(("jaron", "viola")))


def test_pettingzoo_plays_to_the_end() -> None:
    pytest.importorskip("pettingzoo")
    from gladiator.env import duel_env

    env = duel_env(units=("rouge", "viola"))
    env.reset(seed=3)
    rng = np.random.default_rng(3)
    final = {}
    for agent in env.agent_iter(max_iter=5000):
        obs, reward, term, trunc, info = env.last()
        assert isinstance(obs, np.ndarray) and obs.dtype == np.float32
        if term or trunc:
            final[agent] = reward
        action = None if term or trunc else int(rng.choice(np.flatnonzero(info["action_mask"])))
        env.step(action)
    assert not env.agents
    assert sorted(final.values()) in ([-1.0, 1.0], [0.0, 0.0])


def test_pettingzoo_parallel_gives_the_waiting_agent_a_no_op_and_ends_for_good() -> None:
    pytest.importorskip("pettingzoo")
    from gladiator.env import duel_parallel_env

    env = duel_parallel_env(units=("jaron", "viola"))
    obs, infos = env.reset(seed=4)
    rng = np.random.default_rng(4)
    while env.agents:
        acting = [a for a in env.agents if infos[a]["action_mask"].sum() > 1 or infos[a]["action_mask"][0] == 0]
        waiting = [a for a in env.agents if a not in acting]
        assert len(acting) == 1 and all(np.flatnonzero(infos[a]["action_mask"]).tolist() == [0] for a in waiting)
        actions = {a: int(rng.choice(np.flatnonzero(infos[a]["action_mask"]))) for a in env.agents}
        obs, rewards, terms, truncs, infos = env.step(actions)
    assert sorted(rewards.values()) in ([-1.0, 1.0], [0.0, 0.0])
    with pytest.raises(RuntimeError, match="episode has ended"):
        env.step({"side_0": 0, "side_1": 0})


def test_gymnasium_make_and_make_vec_after_import_gladiator() -> None:
    import gladiator  # noqa: F401
    from gladiator.env.vector import DuelVectorEnv

    env = gymnasium.make("gladiator/Duel-v0", unit="rouge", opponent="viola", opponent_bot="heuristic", arena="concert_hall")
    obs, info = env.reset(seed=1)
    assert obs.shape == env.observation_space.shape and info["action_mask"].any()
    vec = gymnasium.make_vec("gladiator/Duel-v0", num_envs=6, opponent_bot="random")
    assert isinstance(vec, DuelVectorEnv) and vec.num_envs == 6


def _uniform(mask: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return np.array([rng.choice(np.flatnonzero(row)) for row in mask])


def test_the_vector_env_steps_every_duel_and_resets_them_on_the_next_step() -> None:
    from gladiator.env.vector import DuelVectorEnv

    def run(seed: int) -> tuple[list, int]:
        env = DuelVectorEnv(num_envs=12, unit="jaron", opponent="rouge", opponent_bot="greedy")
        obs, info = env.reset(seed=seed)
        assert obs.shape == (12,) + env.single_observation_space.shape and obs.dtype == np.float32
        rng = np.random.default_rng(0)
        trace, ended, restarted = [], 0, 0
        pending = np.zeros(12, dtype=bool)
        for _ in range(400):
            obs, reward, term, trunc, info = env.step(_uniform(info["action_mask"], rng))
            assert not trunc.any() and set(np.unique(reward)) <= {-1.0, 0.0, 1.0}
            assert (reward[~term] == 0).all()
            assert not (term & pending).any()  # a duel restarted on this step cannot have ended in it
            restarted += int(pending.sum())
            ended += int(term.sum())
            pending = term
            trace.append(float(obs.sum()) + float(reward.sum()))
        assert ended > 12 and restarted > 0
        return trace, ended

    assert run(5) == run(5)
    assert run(5)[0] != run(6)[0]


def test_the_vector_env_punishes_an_illegal_action_and_checks_its_input() -> None:
    from gladiator.env.vector import DuelVectorEnv
    from gladiator.errors import IllegalAction

    env = DuelVectorEnv(num_envs=3, opponent_bot="random")
    obs, info = env.reset(seed=2)
    acts = _uniform(info["action_mask"], np.random.default_rng(1))
    acts[1] = int(np.flatnonzero(~info["action_mask"][1])[0])
    obs, reward, term, trunc, info = env.step(acts)
    assert term[1] and reward[1] == -1.0
    with pytest.raises(ValueError, match="3 whole numbers"):
        env.step(np.zeros(2, dtype=np.int64))
    with pytest.raises(ValueError, match="3 whole numbers"):
        env.step(np.zeros(3, dtype=np.float64))
    strict = DuelVectorEnv(num_envs=2, opponent_bot="random", illegal_action="raise")
    obs, info = strict.reset(seed=2)
    with pytest.raises(IllegalAction):
        strict.step(np.array([int(np.flatnonzero(~info["action_mask"][0])[0])] * 2))
    with pytest.raises(ValueError, match="num_envs"):
        DuelVectorEnv(num_envs=0)


def test_an_observation_shows_the_disguise_and_nothing_it_hides(catalog) -> None:
    from gladiator import engine
    from gladiator.duel import game_for
    from gladiator.env.encode import encode
    from gladiator.game import make_game

    game = game_for(catalog, "concert_hall")
    true = catalog.unit("jaron")
    stats = true.stats.model_copy(update={"armor": 9, "agility": 1, "firepower": 7})
    other = make_game([true.model_copy(update={"stats": stats}) if u.id == "jaron" else u for u in game.roster], game.arena)
    s = engine.new_duels(game, ("jaron", "viola"), np.arange(20), disguise=("rouge", None))
    hidden = s.copy()
    hidden.doses[:, 0] = 0
    hidden.disguise_turns[:, 0] = 1
    seen = encode(game, s, 1)
    assert np.array_equal(seen, encode(game, hidden, 1)) and np.array_equal(seen, encode(other, s, 1))
    assert not np.array_equal(seen, encode(game, engine.new_duels(game, ("jaron", "viola"), np.arange(20)), 1))


def test_the_text_render_is_the_agents_log_and_a_disguise_fools_it() -> None:
    from gladiator.env.gym import DuelEnv
    from gladiator.narrate import narrate

    env = DuelEnv(unit="viola", opponent="jaron", opponent_bot="greedy", render_mode="ansi")
    env.reset(seed=4)
    env.state.disguise[0, 1], env.state.disguise_turns[0, 1] = env.game.unit_index("rouge"), 3
    start = len(env._log)
    done = False
    for _ in range(12):
        if done:
            break
        mask = env.action_masks()
        _, _, done, _, _ = env.step(int(np.flatnonzero(mask)[-1]))  # the last legal action: ends the turn
    agent = narrate(env.game, env.units, env._log[start:], viewer=0)
    truth = narrate(env.game, env.units, env._log[start:])
    fell = next((i for i, line in enumerate(truth) if "throws off" in line), len(truth))
    assert fell > 0 and any("Jaron" in line for line in truth[:fell])  # the spectator's log names him: the test can fail
    assert not any("Jaron" in line for line in agent[:fell])
    assert env.render() == "\n".join(narrate(env.game, env.units, env._log, viewer=0))


def test_the_rgb_array_render_is_a_frame_of_the_window_drawn_headless() -> None:
    import gladiator  # noqa: F401 - registers gladiator/Duel-v0

    env = gymnasium.make("gladiator/Duel-v0", render_mode="rgb_array", opponent_bot="random")
    env.reset(seed=1)
    frame = env.render()
    assert isinstance(frame, np.ndarray) and frame.dtype == np.uint8 and frame.ndim == 3 and frame.shape[2] == 3
    assert frame.std() > 0  # a picture, not a blank
    env.close()


def test_the_human_render_shows_the_agents_frame_in_a_window_and_close_shuts_it() -> None:
    import pygame

    import gladiator  # noqa: F401 - registers gladiator/Duel-v0

    human = gymnasium.make("gladiator/Duel-v0", render_mode="human", unit="viola", opponent="jaron", opponent_bot="random")
    picture = gymnasium.make("gladiator/Duel-v0", render_mode="rgb_array", unit="viola", opponent="jaron", opponent_bot="random")
    human.reset(seed=3)
    picture.reset(seed=3)
    assert human.render() is None
    shown = pygame.display.get_surface()
    assert shown is not None
    assert np.array_equal(pygame.surfarray.array3d(shown).transpose(1, 0, 2), picture.render())
    human.close()
    assert pygame.display.get_surface() is None


def test_unknown_names_are_value_errors_for_the_environments() -> None:
    from gladiator.env.vector import DuelVectorEnv
    from gladiator.errors import GladiatorError

    for kw in ({"unit": "zorro"}, {"opponent": "zorro"}, {"opponent_bot": "zorro"}, {"arena": "moon"}):
        with pytest.raises(ValueError, match="unknown") as gym_err:
            gymnasium.make("gladiator/Duel-v0", **kw)
        with pytest.raises(ValueError, match="unknown"):
            DuelVectorEnv(num_envs=2, **kw)
        assert isinstance(gym_err.value, GladiatorError)  # still one line and exit code 2 on the command line


def test_the_vector_env_view_is_the_honest_view_its_observations_encode() -> None:
    from gladiator.env.encode import PLANES
    from gladiator.env.vector import DuelVectorEnv

    envs = DuelVectorEnv(num_envs=6, unit="jaron", opponent="rouge", opponent_bot="random", side=1)
    with pytest.raises(RuntimeError, match="reset"):
        envs.view()
    obs, info = envs.reset(seed=4)
    for _ in range(3):
        last = envs.game.space.n - 1 - np.argmax(info["action_mask"][:, ::-1], axis=1)  # the last legal action
        obs, _, _, _, info = envs.step(last.astype(np.int64))
    view = envs.view()
    T, ar = envs.game.geo.tiles, np.arange(6)
    assert (view.side == 1).all() and (view.my_unit == envs.game.unit_index("jaron")).all()
    assert (obs[ar, PLANES.index("me") * T + view.my_pos] == 1).all()
    assert (obs[ar, PLANES.index("foe") * T + view.foe_pos] == 1).all()


def _selfplay_example():  # type: ignore[no-untyped-def]
    """The example script examples/selfplay.py, loaded as a module."""
    import importlib.util
    import sys
    from pathlib import Path

    if "selfplay_example" not in sys.modules:
        path = Path(__file__).resolve().parent.parent / "examples" / "selfplay.py"
        spec = importlib.util.spec_from_file_location("selfplay_example", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)  # type: ignore[union-attr]
        sys.modules["selfplay_example"] = module
    return sys.modules["selfplay_example"]


def _win_rate(results: dict) -> float:
    return sum(r["wins"] for r in results.values()) / sum(r["duels"] for r in results.values())


@pytest.mark.slow
def test_the_self_play_example_learns_to_beat_the_random_bot_at_a_small_size() -> None:
    example = _selfplay_example()
    untrained = _win_rate(example.evaluate(np.zeros((len(example.UNITS), example.F)), "random", 30))
    # four generations against the random bot; on this seed the direction learned is clear at so small a size
    w = example.train(generations=4, pairs=4, duels=8, seed=2, pool=("random",))
    trained = _win_rate(example.evaluate(w, "random", 30))
    opposite = _win_rate(example.evaluate(-w, "random", 30))  # a step the wrong way would learn these
    assert w.shape == (len(example.UNITS), example.F) and np.isfinite(w).all()
    assert trained > 0.6 and trained - untrained > 0.3 and trained - opposite > 0.3, (untrained, trained, opposite)


def test_the_self_play_example_trains_against_its_frozen_self_and_the_bots() -> None:
    example = _selfplay_example()
    assert "self" in example.POOL
    w = example.train(generations=1, pairs=1, duels=2)
    assert w.shape == (len(example.UNITS), example.F) and np.isfinite(w).all() and np.abs(w).sum() > 0


@pytest.mark.parametrize("args, words", [
    (["--against", "random,zed"], "unknown bot 'zed'"), (["--seed", "-1"], "--seed"), (["--pairs", "0"], "at least 1"),
    (["--duels", "many"], "invalid int"),
])
def test_the_self_play_example_refuses_bad_arguments_in_one_line(monkeypatch, capsys, args, words) -> None:
    from conftest import one_line

    example = _selfplay_example()
    monkeypatch.setattr("sys.argv", ["selfplay.py", *args])
    monkeypatch.setattr(example, "train", lambda *a, **k: pytest.fail("trained despite a bad argument"))
    with pytest.raises(SystemExit) as stop:
        example.main()
    assert words in one_line(stop.value.code, capsys.readouterr().err)


def test_the_learned_policy_picks_only_legal_actions_with_any_suit() -> None:
    from gladiator.batch.chunks import play_duels
    from gladiator.catalog import load_catalog
    from gladiator.duel import game_for
    from gladiator.state import FORFEIT

    example = _selfplay_example()
    game = game_for(load_catalog(), "rooftops")
    U = len(game.roster)
    pairs = np.array([(a, b) for a in range(U) for b in range(U) if a != b] * 4, dtype=np.int16)
    rng = np.random.default_rng(3)
    bots = [example.PolicyBot(rng.normal(size=(len(example.UNITS), example.F))) for _ in range(2)]
    final, reasons, _ = play_duels(game, pairs, np.arange(len(pairs)), bots)
    assert (final.outcome != FORFEIT).all() and not reasons.any()
    assert (final.done).all()


def test_the_vector_envs_action_mask_cannot_be_widened_by_the_agent() -> None:
    """The mask in `info` cannot be made writable: an agent that set it all True could step illegal actions (a core
    extraction on the first step) that the env then accepted as legal."""
    from gladiator.env.vector import DuelVectorEnv

    env = DuelVectorEnv(num_envs=8, unit="rouge", opponent="viola", opponent_bot="greedy")
    _, info = env.reset(seed=1)
    mask = info["action_mask"]
    with pytest.raises(ValueError):
        mask.setflags(write=True)
    with pytest.raises(ValueError):
        mask[:] = True
    assert not mask.all()
