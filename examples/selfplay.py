"""Train a small policy with NumPy alone, by self-play on the vector environment, then test it against the bots.

The policy scores each candidate action of its side (ending the turn, guard, vent, inject, a core
extraction, each attack, each move within reach, each leap beside the enemy) by a linear function
of features its side's honest view gives through the engine's previews and the tactics tables:
what it could strike from where the action leaves it with the points left, what the enemy could
strike back there next turn, the odds of a core extraction, cover, high ground, hazards, heat,
Nectar. It plays the legal candidate with the best score; each suit has its own weights.

The weights are learned by evolution strategies (antithetic pairs, ranked fitness, Adam): each
generation, every perturbation plays whole duels on `DuelVectorEnv` (all of them at once)
against an opponent pool, a frozen copy of the policy itself (self-play, refreshed every few
generations), the greedy bot and the random bot, and the weights step towards the perturbations
that won more. It reads nothing but its side's view (`DuelVectorEnv.view()`, what the observation
encodes) and the action mask. Then it plays duels against each bot, with both suits, from both spawns.

Run: python examples/selfplay.py [--generations 50] [--pairs 12] [--duels 16] [--eval 2000] [--seed 0]
                                [--against random,greedy,heuristic]
"""

from __future__ import annotations

import argparse
import time
from typing import NoReturn

import numpy as np

from gladiator import engine, tactics
from gladiator.batch.chunks import play_duels
from gladiator.batch.stats import wilson
from gladiator.bots import make_bot
from gladiator.catalog import load_catalog
from gladiator.catalog.geometry import DIRECTIONS
from gladiator.duel import game_for
from gladiator.env.vector import DuelVectorEnv
from gladiator.errors import GladiatorError
from gladiator.game import ATTACK0, END, EXTRACT, GUARD, INJECT, VENT, W, Game
from gladiator.rng import derive_seeds
from gladiator.state import OUTCOMES

UNITS = ("rouge", "viola")  # the example's duel: each suit learns its own weights
ARENA = "concert_hall"
POOL = ("self", "greedy", "random")  # the opponents it trains against; "self" is the frozen policy
LOW_NECTAR = 6  # below this much Nectar an injection starts to look good
# what an action leaves: where the side stands, with the points left (worked out alike for every kind of action)
AFTER = ("strike", "rear", "threat", "distance", "cover", "high", "hazard", "extract_next", "cache", "heat", "overheat")
# what the action does now, and one bias per kind of action (ending the turn is the reference)
NOW = ("expected", "melt", "odds", "guard_threat", "vent_need", "low_nectar", "attack", "extract", "guard", "vent",
       "inject", "mimic", "move", "leap")
FEATURES = AFTER + NOW
F = len(FEATURES)
K = {name: i for i, name in enumerate(FEATURES)}


def candidates(game: Game, obs: engine.Observation) -> tuple[np.ndarray, int]:
    """(B, C) candidate action ids of each duel, and how many come first as fixed actions (each in its id's column).

    The fixed actions (end, guard, vent, inject, extract, the attacks, the disguises), then every
    tile within a move, then the tiles beside the enemy for a leap; the mask says which are legal.
    """
    sp, t = game.space, game.tables
    B = obs.batch
    fixed = np.r_[END, GUARD, VENT, INJECT, EXTRACT, ATTACK0 + np.arange(W), sp.mimic0 + np.arange(len(game.roster))]
    near = tactics.tactics(game).near(int(t.speed[obs.my_unit].max()))[0][obs.my_pos]  # (B, K) tiles within a move
    beside = _beside(game, obs.foe_pos)  # (B, 8)
    acts = np.concatenate([np.broadcast_to(fixed, (B, fixed.size)), sp.move0 + near, sp.leap0 + beside], axis=1)
    return acts, fixed.size


def features(game: Game, obs: engine.Observation) -> tuple[np.ndarray, np.ndarray]:
    """(B, C) candidate actions and their (B, C, F) features, from the side's observation alone."""
    t, sp = game.tables, game.space
    B = obs.batch
    acts, nfixed = candidates(game, obs)
    C = acts.shape[1]
    me = obs.my_unit
    ap = obs.ap.astype(np.int64)
    f = np.zeros((B, C, F), np.float32)
    slots = ATTACK0 + np.arange(W)

    # where each action leaves the side, with how many points and how much more heat
    tile = np.repeat(obs.my_pos.astype(np.int64)[:, None], C, axis=1)
    leaping = acts >= sp.leap0
    moving = (acts >= sp.move0) & ~leaping
    cost = np.r_[[engine.cost_of(k) for k in ("end", "guard", "vent", "inject", "extract")], [engine.cost_of("attack")] * W,
                 [engine.cost_of("mimic")] * (nfixed - ATTACK0 - W)]
    points = ap[:, None] - np.where(leaping, engine.cost_of("leap"), np.where(moving, engine.cost_of("move"), 0))
    points[:, :nfixed] = ap[:, None] - cost
    points[:, END] = 0  # ending the turn gives up the points left
    heat = np.zeros((B, C))
    heat[:, slots] = t.w_heat[me]
    tile[:, nfixed:] = np.where(leaping, acts - sp.leap0, acts - sp.move0)[:, nfixed:]
    heat[leaping] = tactics.leap_heat()
    f[:, :, : len(AFTER)] = _after(game, obs, tile, np.maximum(points, 0), heat, leaping)

    prev = engine.attack_preview(game, obs)
    cap = t.heat_capacity[me]
    f[:, slots, K["expected"]] = prev["expected"] / 10
    f[:, slots, K["melt"]] = prev["chance"] * t.w_melt[me] / 10
    f[:, EXTRACT, K["odds"]] = engine.extraction_preview(game, obs)
    f[:, GUARD, K["guard_threat"]] = f[:, GUARD, K["threat"]]
    f[:, VENT, K["vent_need"]] = tactics.overheat_next_turn(game, obs) / 10 + obs.my_heat / cap
    f[:, INJECT, K["low_nectar"]] = np.maximum(0, LOW_NECTAR - obs.my_nectar) / LOW_NECTAR
    f[:, slots, K["attack"]] = 1
    for name, a in (("extract", EXTRACT), ("guard", GUARD), ("vent", VENT), ("inject", INJECT)):
        f[:, a, K[name]] = 1
    f[:, sp.mimic0 : nfixed, K["mimic"]] = 1
    f[:, :, K["move"]] = moving
    f[:, :, K["leap"]] = leaping
    return acts, f


def choose(acts: np.ndarray, feats: np.ndarray, mask: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The legal candidate with the best score per duel; `weights` is (F,) or one row per duel (B, F)."""
    w = np.broadcast_to(weights, (acts.shape[0], F)).astype(np.float32)
    score = np.einsum("bcf,bf->bc", feats, w)
    legal = np.take_along_axis(mask, acts, axis=1)
    score = np.where(legal, score, -np.inf)
    return acts[np.arange(acts.shape[0]), np.argmax(score, axis=1)]


class PolicyBot:
    """The learned policy as a bot: it reads its side's observation and the legal mask, nothing else.

    `weights` holds one row of F weights per suit of UNITS (a suit outside them plays with their mean).
    """

    name = "selfplay"

    def __init__(self, weights: np.ndarray | None = None) -> None:
        w = np.zeros((len(UNITS), F)) if weights is None else weights
        self.weights = np.asarray(w, dtype=np.float64).reshape(-1, F)
        self._rows: np.ndarray | None = None

    def prepare(self, game: Game) -> None:
        """Build the tactics tables, and the weights by roster index, before the first decision."""
        tactics.tactics(game)
        rows = np.repeat(self.weights.mean(axis=0, keepdims=True), len(game.roster), axis=0)
        for i, unit in enumerate(UNITS):
            if unit in game.index:
                rows[game.unit_index(unit)] = self.weights[i]
        self._rows = rows

    def act(self, game: Game, obs: engine.Observation, legal: engine.Legal) -> np.ndarray:
        """The best-scored legal action of every duel."""
        if self._rows is None or self._rows.shape[0] != len(game.roster):
            self.prepare(game)
        acts, feats = features(game, obs)
        return choose(acts, feats, np.asarray(legal), self._rows[obs.my_unit])


def play(env: DuelVectorEnv, weights: np.ndarray, seed: int, max_steps: int = 150) -> np.ndarray:
    """Reward of the first duel of every sub-env, the agent playing with `weights` (N, F); same seed, same duels.

    A duel still on after `max_steps` of the agent's actions counts as a draw (0), as the turn limit would make it.
    """
    obs, info = env.reset(seed=seed)
    n = env.num_envs
    result = np.zeros(n)
    over = np.zeros(n, dtype=bool)
    weights = np.broadcast_to(weights, (n, F))
    for _ in range(max_steps):
        if over.all():
            break
        live = np.flatnonzero(~over)  # a sub-env whose first duel is over plays on, unwatched: it ends its turns
        pick = np.zeros(n, dtype=np.int64)
        acts, feats = features(env.game, env.view().take(live))
        pick[live] = choose(acts, feats, np.asarray(info["action_mask"])[live], weights[live])
        obs, reward, term, trunc, info = env.step(pick)
        fresh = (term | trunc) & ~over
        result[fresh] = reward[fresh]
        over |= term | trunc
    return result


def train(generations: int, pairs: int, duels: int, seed: int = 0, sigma: float = 0.5, lr: float = 0.1,
          refresh: int = 5, pool: tuple[str, ...] = POOL, log: bool = False) -> np.ndarray:
    """Evolution strategies by self-play; returns the (len(UNITS), F) weights.

    Each generation tries, for each suit, `pairs` antithetic perturbations of its weights (noise
    `sigma`); each plays `duels` duels against every opponent of `pool` ("self": the policy as it
    was at the last refresh, every `refresh` generations), a perturbation and its mirror on the
    same duel seeds. The weights step (Adam, rate `lr`) along the noise weighted by the ranks of
    the mean rewards.
    """
    rng = np.random.default_rng(seed)
    P = 2 * pairs
    envs = [[(bot, DuelVectorEnv(num_envs=P * duels, unit=unit, opponent=foe, arena=ARENA,
                                 opponent_bot="random" if bot == "self" else bot))  # "self" is set below
             for bot in pool] for unit, foe in (UNITS, UNITS[::-1])]
    theta = np.zeros((len(UNITS), F))
    m, v = np.zeros_like(theta), np.zeros_like(theta)
    for gen in range(generations):
        if gen % refresh == 0:
            frozen = PolicyBot(theta.copy())
            for bot, env in sum(envs, []):
                if bot == "self":
                    env.opponent = frozen
        for u in range(len(UNITS)):
            eps = rng.normal(size=(pairs, F))
            cand = theta[u] + sigma * np.concatenate([eps, -eps])  # (P, F)
            fitness = np.zeros(P)
            for i, (bot, env) in enumerate(envs[u]):
                r = play(env, np.repeat(cand, duels, axis=0), seed=(seed * 1000 + gen) * 10 + i)
                fitness += r.reshape(P, duels).mean(axis=1) / len(pool)
            rank = np.empty(P)
            rank[np.argsort(fitness, kind="stable")] = np.arange(P)
            util = rank / (P - 1) - 0.5
            g = ((util[:pairs] - util[pairs:])[:, None] * eps).sum(axis=0) / (pairs * sigma)
            m[u] = 0.9 * m[u] + 0.1 * g
            v[u] = 0.999 * v[u] + 0.001 * g * g
            theta[u] += lr * (m[u] / (1 - 0.9 ** (gen + 1))) / (np.sqrt(v[u] / (1 - 0.999 ** (gen + 1))) + 1e-8)
            if log:
                print(f"generation {gen + 1:3d}, {UNITS[u]:<6}: mean reward {fitness.mean():+.2f}", flush=True)
    return theta


def evaluate(weights: np.ndarray, opponent: str, duels: int, seed: int = 12345) -> dict[str, dict]:
    """How the learned policy fares against `opponent`, per suit: it plays `duels` duels from each spawn.

    Returns, per suit of UNITS, {"wins", "duels", "forfeits", "by": {outcome: wins ended so}}. The
    opponent plays the other suit; the duel seeds are the same for every suit and spawn.
    """
    game = game_for(load_catalog(), ARENA)
    seeds = derive_seeds(seed, np.arange(duels)).astype(np.int64)
    out = {}
    for unit, foe in (UNITS, UNITS[::-1]):
        res = {"wins": 0, "duels": 0, "forfeits": 0, "by": {}}
        for side in (0, 1):
            pair = np.array([game.unit_index(unit), game.unit_index(foe)], dtype=np.int16)[:: 1 - 2 * side]
            bots = [make_bot(opponent), make_bot(opponent)]
            bots[side] = PolicyBot(weights)
            final, reasons, _ = play_duels(game, np.broadcast_to(pair, (duels, 2)), seeds, bots)
            won = final.winner == side
            res["wins"] += int(won.sum())
            res["duels"] += duels
            res["forfeits"] += int(((reasons != 0) & ~won).sum())
            for k in np.unique(final.outcome[won]):
                res["by"][OUTCOMES[k]] = res["by"].get(OUTCOMES[k], 0) + int((final.outcome[won] == k).sum())
        out[unit] = res
    return out


def main() -> None:
    """Train, then print the win rates of the learned policy against the bots, with 95% intervals."""
    p = _Parser(description=__doc__.splitlines()[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--generations", type=int, default=50, help="generations of the evolution strategy")
    p.add_argument("--pairs", type=int, default=12, help="antithetic pairs of perturbations a generation")
    p.add_argument("--duels", type=int, default=16, help="duels of each perturbation against each opponent")
    p.add_argument("--eval", type=int, default=2000, help="duels of the test per suit and spawn")
    p.add_argument("--against", default="random,greedy,heuristic", help="the bots to test it against")
    p.add_argument("--seed", type=int, default=0, help="seed of the perturbations and of every duel")
    a = p.parse_args()
    if min(a.generations, a.pairs, a.duels, a.eval) < 1:
        p.error("--generations, --pairs, --duels and --eval must be at least 1")
    if a.seed < 0:
        p.error("--seed must be 0 or more")
    against = [b.strip() for b in a.against.split(",") if b.strip()]
    for b in against:
        try:
            make_bot(b)  # an unknown bot fails here, before the training
        except GladiatorError as e:
            p.error(str(e))
    played = a.generations * len(UNITS) * len(POOL) * 2 * a.pairs * a.duels
    print(f"Training {' and '.join(UNITS)} in the {ARENA.replace('_', ' ')} by evolution strategies: {a.generations} "
          f"generations of {2 * a.pairs} perturbations x {a.duels} duels against each of {', '.join(POOL)}, per suit")
    t0 = time.perf_counter()
    w = train(a.generations, a.pairs, a.duels, seed=a.seed)
    took = time.perf_counter() - t0
    print(f"Trained in {took:.0f} s ({played:,} duels, {played / took:,.0f} a second)")
    for unit, row in zip(UNITS, w):
        top = np.argsort(-np.abs(row))[:6]
        print(f"  {unit} weighs most: " + ", ".join(f"{FEATURES[i]} {row[i]:+.1f}" for i in top))
    print(f"Tested over {2 * a.eval:,} duels per suit against each bot ({a.eval:,} from each spawn); 95% intervals:")
    for bot in against:
        res = evaluate(w, bot, a.eval)
        wins, duels = sum(r["wins"] for r in res.values()), sum(r["duels"] for r in res.values())
        lo, hi = wilson(wins, duels)
        print(f"  against {bot}: wins {wins / duels:.1%} ({lo:.1%} - {hi:.1%})")
        for unit, r in res.items():
            lo, hi = wilson(r["wins"], r["duels"])
            how = ", ".join(f"{k.replace('_', ' ')} {n / max(1, r['wins']):.0%}" for k, n in sorted(r["by"].items()))
            print(f"    as {unit:<6} {r['wins'] / r['duels']:6.1%} ({lo:.1%} - {hi:.1%}); its wins: {how or 'none'}"
                  + (f"; {r['forfeits']} illegal picks" if r["forfeits"] else ""))


class _Parser(argparse.ArgumentParser):
    """Bad arguments are one line on stderr and exit code 2, as everywhere in gladiator."""

    def error(self, message: str) -> NoReturn:  # type: ignore[override]
        self.exit(2, f"error: {message}\n")


def _after(game: Game, obs: engine.Observation, tile: np.ndarray, points: np.ndarray, heat: np.ndarray,
           leaping: np.ndarray) -> np.ndarray:
    """(B, C, len(AFTER)) features of standing on `tile` with `points` left and `heat` more."""
    t, geo = game.tables, game.geo
    me, foe = obs.my_unit, obs.foe_look
    pe = obs.foe_pos.astype(np.intp)[:, None]
    out = np.zeros(tile.shape + (len(AFTER),), np.float32)
    a = {name: i for i, name in enumerate(AFTER)}
    pair = tile * geo.tiles + pe  # (own tile, enemy tile) into the arena's pair tables
    d = geo.cheb.reshape(-1).take(pair).astype(np.int64)
    sight = geo.los.reshape(-1).take(pair)
    D = tactics.tactics(game).distances.size - 1
    seen = np.where(sight, d, D)  # out of sight is the last column of a strike table
    rear = tactics.in_rear_of(game, tile, pe, obs.foe_facing[:, None])
    own = tactics.strike_by_distance(game, obs)  # (B, D + 1)
    front = np.take_along_axis(own, seen, axis=1)
    behind = np.take_along_axis(tactics.strike_by_distance(game, obs, rear=True), seen, axis=1)
    out[..., a["strike"]] = points * np.where(rear, np.maximum(front, behind), front) / 10
    out[..., a["rear"]] = rear & (d == 1)
    # the enemy's reply next turn: its best strike on this tile from where it stands, or after a move
    cover = geo.cover[tile]
    table = game.derived("selfplay.threat", _threat_table)[foe, me]  # (B, 2, D + 1): in the open, in cover
    foe_ap = t.actions[foe][:, None]
    moved = np.clip(d - t.speed[foe][:, None], 1, D - 1)
    B = obs.batch
    rows = (np.arange(B)[:, None] * 2 + cover) * (D + 1)
    flat = table.reshape(-1)
    threat = np.maximum(foe_ap * flat.take(rows + seen), (foe_ap - 1) * flat.take(rows + moved))
    out[..., a["threat"]] = threat / 10
    out[..., a["distance"]] = np.minimum(geo.dist.reshape(-1).take(pair), 50) / 10
    out[..., a["cover"]] = cover
    out[..., a["high"]] = geo.high[tile] & ~geo.high[pe]
    out[..., a["hazard"]] = geo.hazard[tile]
    # a core extraction from there with the points left: the enemy open, or caught by a leap behind it
    caught = leaping & rear & (d == 1)
    can = t.can_extract[me][:, None] & (points >= engine.cost_of("extract")) & (d == 1)
    can &= tactics.extraction_open(game, obs)[:, None] | caught
    if can.any():
        out[..., a["extract_next"]] = np.where(can, engine.extraction_preview(game, obs)[:, None], 0.0)
    c = geo.cache_of[tile]
    full = (c >= 0) & np.take_along_axis(obs.caches, np.maximum(c, 0).astype(np.intp), axis=1)
    out[..., a["cache"]] = full * np.maximum(0, t.nectar[me] - obs.my_nectar)[:, None] / 10
    h = obs.my_heat[:, None] + heat
    cap = t.heat_capacity[me][:, None]
    out[..., a["heat"]] = h / cap
    out[..., a["overheat"]] = np.maximum(0, h - cap) / 10
    return out


def _threat_table(game: Game) -> np.ndarray:
    """(U, U, 2, D + 1) best expected strike of each suit on each suit, in the open and in cover, by distance."""
    U = len(game.roster)
    foe, me, cover = (v.reshape(-1) for v in np.meshgrid(np.arange(U), np.arange(U), np.arange(2), indexing="ij"))
    no = np.zeros(foe.shape, dtype=bool)
    fed = np.ones((foe.size, W), dtype=bool)
    table = tactics.strike_values(game, foe, foe, me, no, no, cover.astype(bool), no, fed)
    return table.reshape(U, U, 2, -1)


def _beside(game: Game, pos: np.ndarray) -> np.ndarray:
    """(B, 8) the tiles next to `pos` (a tile off the map stands for itself: it is never a legal landing)."""
    geo = game.geo
    x, y = geo.xy[pos, 0].astype(np.int64), geo.xy[pos, 1].astype(np.int64)
    nx, ny = x[:, None] + DIRECTIONS[None, :, 0], y[:, None] + DIRECTIONS[None, :, 1]
    inside = (nx >= 0) & (nx < geo.width) & (ny >= 0) & (ny < geo.height)
    return np.where(inside, ny * geo.width + nx, pos[:, None]).astype(np.int64)


if __name__ == "__main__":
    main()
