"""Train a small policy with NumPy alone, by self-play on the vector environment, then test it against the bots.

The policy scores each legal action by a linear function of a few features the engine gives its
side (the expected damage of an attack as the previews see it, the odds of an extraction, how a
move or a leap changes the distance to the enemy and the strike from there, cover, high ground,
hazards, heat and Nectar), and picks by softmax. It learns by REINFORCE with a baseline, playing
against a frozen copy of itself that is refreshed every few updates (self-play); it never reads
anything but its side's observation. Run: python examples/selfplay.py [--updates 60] [--envs 512]
"""

from __future__ import annotations

import argparse

import numpy as np

import gladiator  # noqa: F401 - registers gladiator/Duel-v0
from gladiator import engine, tactics
from gladiator.batch import make_spec, run
from gladiator.catalog import load_catalog
from gladiator.env.vector import DuelVectorEnv
from gladiator.game import ATTACK0, END, EXTRACT, GUARD, INJECT, VENT, W, Game

FEATURES = ("bias_end", "guard", "vent_hot", "inject_low", "attack_expected", "attack_chance", "extract_odds",
            "move_closer", "move_strike", "move_cover", "move_high", "move_hazard", "leap", "leap_strike", "mimic")


def features(game: Game, obs: engine.Observation) -> np.ndarray:
    """(B, A, F) features of every action of the side to act, from its observation."""
    t, geo, sp = game.tables, game.geo, game.space
    B, A, T = obs.batch, sp.n, geo.tiles
    f = np.zeros((B, A, len(FEATURES)), np.float32)
    k = {name: i for i, name in enumerate(FEATURES)}
    f[:, END, k["bias_end"]] = 1
    f[:, GUARD, k["guard"]] = 1
    f[:, VENT, k["vent_hot"]] = obs.my_heat / np.maximum(1, t.heat_capacity[obs.my_unit])
    f[:, INJECT, k["inject_low"]] = obs.my_nectar <= 4
    prev = engine.attack_preview(game, obs)
    f[:, ATTACK0 : ATTACK0 + W, k["attack_expected"]] = prev["expected"] / 10.0
    f[:, ATTACK0 : ATTACK0 + W, k["attack_chance"]] = prev["chance"]
    f[:, EXTRACT, k["extract_odds"]] = engine.extraction_preview(game, obs)
    strike = tactics.strike_by_distance(game, obs) / 10.0
    tiles = np.broadcast_to(np.arange(T), (B, T))
    at = tactics.values_at(game, strike, obs.foe_pos, tiles)
    now = geo.dist[obs.my_pos, obs.foe_pos].astype(np.float32)
    closer = (now[:, None] - np.minimum(geo.dist[obs.foe_pos], 50)) / 4.0
    for base, kind in ((sp.move0, "move"), (sp.leap0, "leap")):
        sl = slice(base, base + T)
        if kind == "move":
            f[:, sl, k["move_closer"]] = closer
            f[:, sl, k["move_strike"]] = at
            f[:, sl, k["move_cover"]] = geo.cover
            f[:, sl, k["move_high"]] = geo.high
            f[:, sl, k["move_hazard"]] = geo.hazard
        else:
            f[:, sl, k["leap"]] = 1
            f[:, sl, k["leap_strike"]] = at
    f[:, sp.mimic0 : sp.move0, k["mimic"]] = 1
    return f


def policy(weights: np.ndarray, feats: np.ndarray, mask: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Softmax over the legal actions: the picks (from uniforms `u`) and the probabilities (B, A)."""
    logits = np.where(mask, feats @ weights, -np.inf)
    logits -= logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    p /= p.sum(axis=1, keepdims=True)
    pick = np.minimum((np.cumsum(p, axis=1) < u[:, None]).sum(axis=1), mask.shape[1] - 1)
    return pick, p


class PolicyBot:
    """The learned policy as a bot (for self-play, and for the test against the built-in bots)."""

    name = "selfplay"

    def __init__(self, weights: np.ndarray | None = None) -> None:
        self.weights = np.zeros(len(FEATURES)) if weights is None else np.asarray(weights, dtype=np.float64)

    def act(self, game: Game, obs: engine.Observation, legal: engine.Legal) -> np.ndarray:
        """Sample the softmax policy from the duel's own noise."""
        pick, _ = policy(self.weights, features(game, obs), np.asarray(legal), np.asarray(obs.noise)[:, 0])
        return pick


def train(updates: int, envs: int, steps: int, seed: int = 0, lr: float = 2.0) -> np.ndarray:
    """REINFORCE with a running baseline, by self-play against a frozen copy refreshed every 5 updates."""
    rng = np.random.default_rng(seed)
    w = np.zeros(len(FEATURES))
    env = DuelVectorEnv(num_envs=envs, unit="rouge", opponent="viola", opponent_bot="random")
    baseline = 0.0
    for update in range(updates):
        if update % 5 == 0:
            env.opponent = PolicyBot(w.copy())  # the frozen self
        obs_, info = env.reset(seed=seed * 1000 + update)
        grads, rewards = np.zeros((envs, len(FEATURES))), np.zeros(envs)
        finished = np.zeros(envs, dtype=bool)
        for _ in range(steps):
            view = engine.observe(env.game, env.state, env.side)
            feats = features(env.game, view)
            mask = np.asarray(info["action_mask"])
            pick, p = policy(w, feats, mask, rng.random(envs))
            mean = np.einsum("ba,baf->bf", p, feats)
            live = ~finished
            grads[live] += (feats[np.arange(envs), pick] - mean)[live]
            obs_, reward, term, trunc, info = env.step(pick)
            rewards[live & term] = reward[live & term]
            finished |= term
            if finished.all():
                break
        baseline = 0.9 * baseline + 0.1 * rewards.mean()
        g = ((rewards - baseline)[:, None] * grads).mean(axis=0)
        w += lr * g / (np.abs(g).max() + 1e-9) / np.sqrt(update + 1)  # a normalised step that shrinks
    return w


def main() -> None:
    """Train, then print the win rates of the learned policy against the random and greedy bots."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--updates", type=int, default=60)
    p.add_argument("--envs", type=int, default=512)
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--duels", type=int, default=400)
    a = p.parse_args()
    w = train(a.updates, a.envs, a.steps)
    print("weights:", dict(zip(FEATURES, np.round(w, 2))))
    for opponent in ("random", "greedy"):
        print(f"against {opponent}: wins {evaluate(w, opponent, a.duels):.1%}")


def evaluate(weights: np.ndarray, opponent: str, duels: int) -> float:
    """Share of side-swapped duels the learned policy, as Rouge, wins against Viola played by `opponent`."""
    import sys
    import types

    module = types.ModuleType("selfplay_policy")
    module.Learned = type("Learned", (PolicyBot,), {"__init__": lambda self: PolicyBot.__init__(self, weights)})
    sys.modules["selfplay_policy"] = module
    t = run(make_spec(load_catalog(), ("rouge", "viola"), "concert_hall", duels, 1, ("selfplay_policy:Learned", opponent)))
    return t.wins[0] / t.n


if __name__ == "__main__":
    main()
