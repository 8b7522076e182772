"""A bot that looks two turns ahead: what it can do this turn, and what the enemy can do back.

For each duel it weighs the places it could end its turn — where it stands, every tile a move
reaches, every leap spot beside the enemy — by what it can do from there with the points left
(strikes, counting melt that would overheat the enemy; a core extraction where the enemy is open;
a Nectar cache it needs) against what the enemy, as it shows itself, can do back next turn from
where it stands (its best strikes after a move, against cover and guard; its own extraction if
this side would be open), and its own heat, hazards and Nectar. It then takes the first action of
the best plan, and plans again after every action. Before planning it injects when Nectar runs
low, vents heat that would burn it, and, out of the enemy's sight, puts on a disguise for the
ambush that throws it off. It never fires a weapon whose Nectar cost would shut it down.

It reads only its side's observation and the legal actions; every number comes from the
engine's previews and the game's tactics tables, built from the rules' own functions.
"""

from __future__ import annotations

import numpy as np

from gladiator import engine, tactics
from gladiator.bots.base import Bot, FirstChoice
from gladiator.catalog.geometry import DIRECTIONS
from gladiator.game import ATTACK0, END, EXTRACT, GUARD, INJECT, VENT, W, Game
from gladiator.view import Observation

LOW_NECTAR = 4  # inject at or below this
MELT_WEIGHT = 0.3  # integrity points one point of melt is worth, more as the enemy nears overheating
OVERHEAT_WEIGHT = 2.0  # integrity points each point of own heat above capacity at the next turn costs
WIN_BONUS = 25.0  # worth of ending the duel, beyond the enemy's remaining integrity
LOSS_BONUS = 25.0  # worth of not losing it, beyond own integrity
GUARD_FACTOR = 0.75  # what guarding leaves of the enemy's threat
CACHE_WEIGHT = 0.5  # integrity points one point of Nectar from a cache is worth, when short of Nectar
THREAT_WEIGHT = 1.0  # the enemy's reply counts a little more than its own strikes: giving the first volley loses tempo
FUTURE_WEIGHT = 0.5  # what the strikes it could make next turn from a tile are worth now
AGGRESSION = 0.5  # integrity points a step of path distance from the enemy costs: duels are fought, not waited out
CLOCK_AGGRESSION = 3.0  # and more per step when its Nectar (doses included) would run out first
DISGUISE_WORTH = 6.0  # integrity points a tile is worth where a suit that can mimic may put a disguise on unseen
TIE_BREAK = 0.01  # at most this much of the duel's noise per tile, so equal tiles are not always taken in map order


class HeuristicBot(Bot):
    """Best plan for this turn against the enemy's best reply."""

    name = "heuristic"

    def prepare(self, game: Game) -> None:
        """Build the game's tactics tables before the first decision."""
        tactics.tactics(game)

    def act(self, game: Game, obs: Observation, legal: engine.Legal) -> np.ndarray:
        """One action per duel."""
        t, sp = game.tables, game.space
        mask = legal.mask
        B = obs.batch
        ar = np.arange(B)
        me, ap = obs.my_unit, obs.ap.astype(np.int64)
        pick = FirstChoice(B, END)
        choose = pick.choose

        choose((obs.my_nectar <= LOW_NECTAR) & mask[:, INJECT], INJECT)

        plan = Plans(game, obs, mask)
        stay, moves, leaps = plan.stay(), plan.moves(), plan.leaps()
        best_move = np.argmax(moves.worth, axis=1)
        move_worth = tactics.row_pick(moves.worth, best_move)
        best_leap = np.argmax(leaps.worth, axis=1)
        leap_worth = tactics.row_pick(leaps.worth, best_leap)

        choose(mask[:, EXTRACT] & (stay.extract >= stay.worth) & (stay.extract >= move_worth) & (stay.extract >= leap_worth), EXTRACT)
        # heat that would burn it at the start of its next turn: shed it before anything but a core extraction
        choose(mask[:, VENT] & (tactics.overheat_next_turn(game, obs) > 0), VENT)

        stay_best = np.maximum(stay.worth, stay.guarded)
        go_leap = (leap_worth > stay_best) & (leap_worth >= move_worth)
        choose(go_leap, sp.leap0 + tactics.row_pick(leaps.tile, best_leap))
        choose(move_worth > stay_best, sp.move0 + tactics.row_pick(moves.tile, best_move))
        choose((stay.strike > 0) & mask[ar, ATTACK0 + stay.slot], ATTACK0 + stay.slot)
        choose(mask[:, GUARD] & (stay.guarded > stay.worth), GUARD)
        choose(mask[:, VENT] & (obs.my_heat > 0) & (ap >= 1), VENT)
        if t.can_mimic[me].any():
            self.disguise_first(game, obs, mask, plan, pick.actions)
        return pick.actions

    @staticmethod
    def disguise_first(game: Game, obs: Observation, mask: np.ndarray, plan: "Plans", actions: np.ndarray) -> None:
        """Out of the enemy's sight, put a disguise on before a quiet action (in place): the enemy misjudges it until
        its next turn, and the attack that throws it off then is an ambush. Never just before an attack, which would
        throw it off with no bonus."""
        sp = game.space
        look = plan.disguise()
        last_move = (actions >= sp.move0) & (obs.ap <= engine.cost_of("move"))
        quiet = np.isin(actions, (END, GUARD, VENT, INJECT)) | last_move
        put_on = quiet & mask[np.arange(obs.batch), sp.mimic0 + look] & (obs.my_look == obs.my_unit)
        actions[put_on] = sp.mimic0 + look[put_on]


class _Worths:
    """Candidate end-of-turn tiles (N, K) and what ending the turn on each is worth."""

    def __init__(self, tile: np.ndarray, worth: np.ndarray) -> None:
        self.tile, self.worth = tile, worth


class _Stay:
    """Staying where it stands: the best strike slot, the worth of striking, of extracting, of guarding."""

    def __init__(self, slot: np.ndarray, strike: np.ndarray, worth: np.ndarray, extract: np.ndarray, guarded: np.ndarray) -> None:
        self.slot, self.strike, self.worth, self.extract, self.guarded = slot, strike, worth, extract, guarded


class Plans:
    """The numbers every plan of one decision shares, worked out once for the batch."""

    def __init__(self, game: Game, obs: Observation, mask: np.ndarray) -> None:
        self.game, self.obs, self.mask = game, obs, mask
        t = game.tables
        self.ap = obs.ap.astype(np.int64)
        foe = obs.foe_look
        self.foe_ap = np.maximum(1, t.actions[foe] - obs.foe_overheated)  # what the enemy, as shown, gets next turn
        self.foe_speed = t.speed[foe]
        # the enemy's best strike on this side, by distance, in the open and in cover (as this side sees the enemy)
        no = np.zeros(obs.batch, dtype=bool)
        fed = np.ones((obs.batch, W), dtype=bool)
        self.threat_open = tactics.strike_values(game, foe, foe, obs.my_unit, no, no, no, no, fed)
        self.threat_cover = tactics.strike_values(game, foe, foe, obs.my_unit, no, no, ~no, no, fed)
        self.win = obs.foe_integrity + WIN_BONUS
        self.lose = obs.my_integrity + LOSS_BONUS
        self.heat_room = t.heat_capacity[obs.my_unit] + t.cooling[obs.my_unit] - obs.my_heat  # heat it may add this turn
        foe_cap = t.heat_capacity[foe]
        self.melt_worth = MELT_WEIGHT * (1.0 + (obs.foe_heat + 10 >= foe_cap))  # melt matters most near the edge
        self.foe_can_extract = t.can_extract[foe]
        self.foe_odds = tactics.foe_extraction_odds(game, obs)
        # its own best strike by distance, for what a tile leaves it able to do next turn
        fed_own = obs.my_nectar[:, None] - t.w_nectar[obs.my_unit] > 1
        self.own_strikes = tactics.strike_values(game, obs.my_unit, obs.my_unit, foe, obs.foe_guard, no,
                                                 game.geo.cover[obs.foe_pos], no, fed_own)
        self.my_full_ap = t.actions[obs.my_unit]
        mine = obs.my_nectar + obs.my_doses * t.dose_nectar[obs.my_unit]
        theirs = obs.foe_nectar + t.nectar_doses[foe] * t.dose_nectar[foe]  # as it shows itself, doses unseen: assume full
        self.aggression = AGGRESSION + CLOCK_AGGRESSION * (mine < theirs)
        self.my_reach = np.maximum(t.speed[obs.my_unit], np.where(t.can_leap[obs.my_unit], engine.leap_reach(game, obs.my_unit), 0))

    # ---- what it can do from a tile ----
    def slot_worth(self, rear: np.ndarray, high: np.ndarray, adjacent: np.ndarray) -> np.ndarray:
        """(N, W) worth of one shot with each slot, from the rear or not, high ground or not, adjacent or not (range aside)."""
        obs, t = self.obs, self.game.tables
        chance, lo, hi, expected = tactics.slot_preview(self.game, obs.my_unit, obs.my_unit, obs.foe_look, obs.foe_guard,
                                                        obs.foe_exposed, self.game.geo.cover[obs.foe_pos], high, rear,
                                                        adjacent, obs.my_ambush)
        melt = chance * t.w_melt[obs.my_unit] * self.melt_worth[:, None]
        affordable = obs.my_nectar[:, None] - t.w_nectar[obs.my_unit] > 1  # never fire itself into shutdown
        return np.where(t.w_valid[obs.my_unit] & affordable, expected + melt, 0.0)

    def strikes_from(self, tiles: np.ndarray, points: np.ndarray, rear_ok: bool, heat: int = 0) -> np.ndarray:
        """(N, K) worth of spending `points` (N, K) on the best slot from each of `tiles` (N, K)."""
        obs, geo, t = self.obs, self.game.geo, self.game.tables
        pe = obs.foe_pos[:, None]
        d = geo.cheb[tiles, pe]
        sight = geo.los[tiles, pe]
        high = geo.high[tiles] & ~geo.high[pe]
        rear = tactics.in_rear_of(self.game, tiles, pe, obs.foe_facing[:, None]) if rear_ok else np.zeros_like(high)
        best = np.zeros(tiles.shape)
        adjacent = d == 1
        reach = (t.w_range[obs.my_unit][:, None, :] >= d[:, :, None]) & sight[:, :, None]  # (N, K, W)
        for r in (False, True):
            for h in (False, True):
                for a in (False, True):
                    sel = (rear == r) & (high == h) & (adjacent == a)
                    if not sel.any():
                        continue
                    worth = self.slot_worth(*(np.full(obs.batch, v) for v in (r, h, a)))  # (N, W)
                    v = np.where(reach, worth[:, None, :], 0.0).max(axis=2)
                    best = np.where(sel, v, best)
        per_shot_heat = np.maximum(1, t.w_heat[obs.my_unit].max(axis=1))[:, None]
        shots = np.minimum(points, np.maximum(0, self.heat_room[:, None] - heat) // per_shot_heat)  # never plans to overheat
        return np.maximum(0, shots) * best

    def threat_at(self, tiles: np.ndarray, guarded: bool = False) -> np.ndarray:
        """(N, K) what the enemy can do to this side on `tiles` next turn: strikes after a move, its extraction if open."""
        obs, geo = self.obs, self.game.geo
        pe = obs.foe_pos[:, None]
        d = geo.cheb[tiles, pe].astype(np.int64)
        cover = geo.cover[tiles]
        table = np.where(cover[:, :, None], self.threat_cover[:, None, :], self.threat_open[:, None, :])
        D = table.shape[2] - 1
        here = np.where(geo.los[tiles, pe], d, D)
        after = np.clip(d - self.foe_speed[:, None], 1, D - 1)
        now = np.take_along_axis(table, here[:, :, None], axis=2)[:, :, 0]
        moved = np.take_along_axis(table, after[:, :, None], axis=2)[:, :, 0]
        strikes = np.maximum(self.foe_ap[:, None] * now, (self.foe_ap[:, None] - 1) * moved)
        if guarded:
            strikes = strikes * GUARD_FACTOR
        # open to the enemy's extraction next turn: badly damaged after its strikes, or reachable from behind
        t = self.game.tables
        frail = obs.my_integrity[:, None] - strikes <= 0.4 * t.integrity[obs.my_unit][:, None]
        near = d <= self.foe_speed[:, None] + 1
        extract = np.where(self.foe_can_extract[:, None] & near & frail, self.foe_odds[:, None] * self.lose[:, None], 0.0)
        return THREAT_WEIGHT * strikes + extract

    def stay(self) -> _Stay:
        """Staying put: strike with the best usable slot now, or extract, or guard."""
        obs, game = self.obs, self.game
        prev = engine.attack_preview(game, obs)
        rear = tactics.rear_of_foe(game, obs)
        high = game.geo.high[obs.my_pos] & ~game.geo.high[obs.foe_pos]
        adjacent = game.geo.cheb[obs.my_pos, obs.foe_pos] == 1
        worth = np.where(prev["usable"] & self.mask[:, ATTACK0 : ATTACK0 + W], self.slot_worth(rear, high, adjacent), -1.0)
        slot = np.argmax(worth, axis=1)
        strike = np.maximum(0.0, tactics.row_pick(worth, slot))
        here = obs.my_pos[:, None]
        shots = self.strikes_from(here, self.ap[:, None], True)[:, 0]
        threat = self.threat_at(here)[:, 0]
        extract = np.where(self.mask[:, EXTRACT], engine.extraction_preview(game, obs) * self.win, -np.inf)
        cost = tactics.hazard_cost(game)[obs.my_pos]
        future = self.future_at(here)[:, 0]
        return _Stay(slot, strike, np.where(strike > 0, shots, 0.0) + future - threat - cost, extract - threat,
                     future - self.threat_at(here, guarded=True)[:, 0] - cost)

    def moves(self) -> _Worths:
        """Every tile a move reaches: strike with the points left, minus the reply there."""
        obs, game, sp = self.obs, self.game, self.game.space
        speed = game.tables.speed[obs.my_unit]
        tac = tactics.tactics(game)
        groups = [(int(v), np.flatnonzero(speed == v)) for v in np.unique(speed)]
        K = max(tac.near(v)[0].shape[1] for v, _ in groups)
        tiles = np.zeros((obs.batch, K), dtype=np.int64)
        worth = np.full((obs.batch, K), -np.inf)
        for v, m in groups:
            plans = self if m.size == obs.batch else Plans(game, obs.take(m), self.mask[m])
            near = tac.near(v)[0][plans.obs.my_pos]  # (M, k)
            ok = np.take_along_axis(plans.mask, sp.move0 + near, axis=1)
            w = plans.end_on(near, plans.ap[:, None] - engine.cost_of("move"), heat=0)
            tiles[m, : near.shape[1]] = near
            worth[m, : near.shape[1]] = np.where(ok, w, -np.inf)
        return _Worths(tiles, worth + self.tie_break(tiles))

    def leaps(self) -> _Worths:
        """The tiles beside the enemy a leap reaches: strike (or extract) from there, minus the reply."""
        obs, game, sp, geo = self.obs, self.game, self.game.space, self.game.geo
        ex, ey = geo.xy[obs.foe_pos, 0].astype(np.int64), geo.xy[obs.foe_pos, 1].astype(np.int64)
        nx, ny = ex[:, None] + DIRECTIONS[None, :, 0], ey[:, None] + DIRECTIONS[None, :, 1]
        inside = (nx >= 0) & (nx < geo.width) & (ny >= 0) & (ny < geo.height)
        tiles = np.where(inside, ny * geo.width + nx, 0)
        ok = inside & np.take_along_axis(self.mask, sp.leap0 + tiles, axis=1)
        points = self.ap[:, None] - engine.cost_of("leap")
        worth = self.end_on(tiles, points, heat=tactics.leap_heat())
        # landing behind an open enemy with the points to tear out its core
        rear = tactics.in_rear_of(game, tiles, obs.foe_pos[:, None], obs.foe_facing[:, None])
        can = game.tables.can_extract[obs.my_unit][:, None] & (points >= engine.cost_of("extract"))
        odds = tactics.extraction_odds_at(game, obs, rear)
        extract = np.where(can & (rear | obs.foe_damaged[:, None] | obs.foe_overheated[:, None]), odds * self.win[:, None], 0.0)
        worth = np.maximum(worth, extract - self.threat_at(tiles))
        return _Worths(tiles, np.where(ok, worth + self.tie_break(tiles), -np.inf))

    def end_on(self, tiles: np.ndarray, points: np.ndarray, heat: int) -> np.ndarray:
        """(N, K) worth of ending the turn on `tiles`, arrived there with `heat` more, with `points` to strike first."""
        game, obs = self.game, self.obs
        strikes = self.strikes_from(tiles, np.maximum(points, 0), True, heat)
        cost = tactics.hazard_cost(game)[tiles]
        need = np.maximum(0, game.tables.nectar[obs.my_unit] - obs.my_nectar)[:, None]
        cache = np.where(game.geo.cache_of[tiles] >= 0, CACHE_WEIGHT * need * (obs.my_nectar[:, None] <= 8), 0.0)
        over = np.maximum(0, heat - self.heat_room)[:, None]
        threat = self.threat_at(tiles)
        # with a point left, guarding there may beat striking from there
        guards = points >= engine.cost_of("guard")
        exchange = np.where(guards, np.maximum(strikes - threat, -self.threat_at(tiles, guarded=True)), strikes - threat)
        return (exchange + self.future_at(tiles) - cost + cache - OVERHEAT_WEIGHT * over
                + self.disguise_worth(tiles, points))

    def disguise_worth(self, tiles: np.ndarray, points: np.ndarray) -> np.ndarray:
        """(N, K) DISGUISE_WORTH where it could still put on a disguise unseen from `tiles` with `points` left."""
        obs, t = self.obs, self.game.tables
        can = (t.can_mimic[obs.my_unit] & (obs.my_look == obs.my_unit))[:, None] & (points >= engine.cost_of("mimic"))
        if not can.any():
            return np.zeros(tiles.shape)
        return np.where(can & engine.unseen_from(self.game, tiles, obs.foe_pos[:, None]), DISGUISE_WORTH, 0.0)

    def tie_break(self, tiles: np.ndarray) -> np.ndarray:
        """(N, K) a tiny amount per tile, independent between tiles, from the decision's noise: ties fall by chance.

        Any fixed order (map order, or a sequence that steps through the tiles) would favour one
        spawn of a symmetric arena over the other.
        """
        key = (np.asarray(self.obs.noise)[:, :1] * 2.0 ** 32).astype(np.uint64)
        x = key ^ (np.asarray(tiles).astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15))
        for shift, mul in ((30, 0xBF58476D1CE4E5B9), (27, 0x94D049BB133111EB)):  # splitmix64's finaliser
            x = (x ^ (x >> np.uint64(shift))) * np.uint64(mul)
        x ^= x >> np.uint64(31)
        return TIE_BREAK * (x >> np.uint64(11)).astype(np.float64) / 2.0 ** 53

    def future_at(self, tiles: np.ndarray) -> np.ndarray:
        """(N, K) what ending the turn on `tiles` leaves it able to strike next turn, after a move (discounted)."""
        geo = self.game.geo
        d = geo.cheb[tiles, self.obs.foe_pos[:, None]].astype(np.int64)
        D = self.own_strikes.shape[1] - 1
        after = np.clip(d - self.my_reach[:, None], 1, D - 1)
        best = np.take_along_axis(self.own_strikes, after, axis=1)
        path = np.minimum(geo.dist[tiles, self.obs.foe_pos[:, None]], geo.width + geo.height)
        return FUTURE_WEIGHT * (self.my_full_ap[:, None] - 1) * best - self.aggression[:, None] * path

    def disguise(self) -> np.ndarray:
        """Per duel: the look to put on, drawn evenly among the other suits of the roster (the duel's own noise)."""
        U = len(self.game.roster)
        k = np.minimum((np.asarray(self.obs.noise)[:, 1] * (U - 1)).astype(np.int64), U - 2)
        return k + (k >= self.obs.my_unit)  # skip its own suit
