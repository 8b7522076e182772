"""Benchmark of the environment API: the native vector env against Gymnasium's SyncVectorEnv of the single env.

Both play rouge against viola in the concert hall, the agent picking uniformly among its legal
actions, the opponent the random bot; prints agent-steps per second of each and their ratio.
Run: python benchmarks/bench_env.py [--num-envs 4096] [--seconds 5] [--sync-envs 16]
"""

from __future__ import annotations

import argparse
import time

import gymnasium
import numpy as np

import gladiator  # noqa: F401 - registers gladiator/Duel-v0

KW = dict(unit="rouge", opponent="viola", opponent_bot="random", arena="concert_hall")


def uniform_legal(mask: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One uniformly drawn legal action per row of a (N, A) mask."""
    counts = mask.sum(axis=1)
    k = np.minimum((rng.random(mask.shape[0]) * counts).astype(np.int64), counts - 1)
    where = np.flatnonzero(mask)
    start = np.concatenate(([0], np.cumsum(counts)[:-1]))
    return where[start + k] - np.arange(mask.shape[0]) * mask.shape[1]


def measure(env: gymnasium.vector.VectorEnv, seconds: float) -> float:
    """Agent-steps per second of `env` over about `seconds`, after a warm-up."""
    rng = np.random.default_rng(0)
    obs, info = env.reset(seed=1)
    for _ in range(3):
        obs, r, term, trunc, info = env.step(uniform_legal(np.asarray(info["action_mask"], dtype=bool), rng))
    steps, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        obs, r, term, trunc, info = env.step(uniform_legal(np.asarray(info["action_mask"], dtype=bool), rng))
        steps += env.num_envs
    return steps / (time.perf_counter() - t0)


def main() -> None:
    """Print the figures."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--num-envs", type=int, default=4096, help="duels of the vector env")
    p.add_argument("--sync-envs", type=int, default=16, help="sub-envs of the SyncVectorEnv (it steps them one by one)")
    p.add_argument("--seconds", type=float, default=5.0, help="seconds each figure is measured over")
    a = p.parse_args()
    native = measure(gymnasium.make_vec("gladiator/Duel-v0", num_envs=a.num_envs, **KW), a.seconds)
    sync = measure(gymnasium.make_vec("gladiator/Duel-v0", num_envs=a.sync_envs, vectorization_mode="sync", **KW),
                   a.seconds)
    print(f"native vector env, num_envs={a.num_envs}: {native:>12,.0f} agent-steps/s")
    print(f"SyncVectorEnv,     num_envs={a.sync_envs}: {sync:>12,.0f} agent-steps/s")
    print(f"native / sync: {native / sync:,.0f}x")


if __name__ == "__main__":
    main()
