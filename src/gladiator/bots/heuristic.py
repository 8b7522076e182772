"""A bot that looks two turns ahead: what it can do this turn, and what the enemy can do back.

For each duel it weighs the places it could end its turn — where it stands, every tile a move
reaches, every leap spot beside the enemy — by what it can do from there with the points left
(strikes, counting melt that would overheat the enemy and, at `shot_heat` a point, the heat a shot
adds to the shooter, and a vent first where the heat it sheds buys more shots than the point it costs; a core extraction where the enemy is open; a Nectar cache
it needs) against what the enemy, as it shows itself, can do back next turn from where it stands
(its best strikes after a move, against cover and guard, from high ground where it stands over
the tile; its own extraction if this side would be open, or, once this side is hurt, if the enemy
could leap beside it and reach for the core; the overheating its melt may cause, over how many of
its shots may land, from high ground too), and its own heat, hazards and Nectar. Staying put, it
also weighs venting with its last point, which makes room for the enemy's melt. It weighs
striking first and stepping away with the last point too, and takes that where it is clearly worth
more. It then takes the first action of the best plan, and plans again after every action. A suit
that can mimic also weighs ending its turn in a disguise, for the ambush that throws it off next
turn: any attack throws a disguise off, so such a plan gives up the shot of the quiet action that
ends the turn, and a disguise put on this turn is kept by striking no more. Before planning it
injects when Nectar runs low and vents heat that would burn it; out of the enemy's sight, it puts a
disguise on before a quiet action. It never fires a weapon whose Nectar cost would shut it down.
Between tiles of equal worth it draws by the duel's own noise, never in map order.

It reads only its side's observation and the legal actions; every number comes from the
engine's previews and the game's tactics tables, built from the rules' own functions.

It is fast because a tile's worth is a few lookups: rows of values keyed by the few facts of a duel
they depend on, worked out the first time those facts come up and kept on the game, and offsets
into them by tile pair (`Plans`, `Tables`); and because duels that see the same are weighed once.
A new term of a tile's worth goes into a row if it depends on facts of the duel (put them in the
row's code: `tests/test_batch_fast_paths.py` compares the rows with the numbers worked out duel by
duel) or into an offset table if it depends on where the tile lies.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from itertools import product
from typing import Callable

import numpy as np

from gladiator import engine, tactics
from gladiator.bots.base import Bot, FirstChoice, distinct_views
from gladiator.bots.weights import Weights, with_options
from gladiator.bots.weights import load as load_weights
from gladiator.catalog.geometry import DIRECTIONS
from gladiator.game import ATTACK0, END, EXTRACT, GUARD, INJECT, VENT, W, Game
from gladiator.view import Observation

SPARE = max(1, engine.cost_of("mimic"))  # points a disguise takes from the strikes: at least one, for the quiet action that ends the turn
TIE = 0.01  # tiles whose worths differ by less are equal: one of them is drawn by the duel's noise, never taken in map order
TABLE_LIMIT = 4_000_000  # entries of one of the bot's per-game tables; past it, the same numbers are worked out per call
_MIX = np.uint64(0x9E3779B97F4A7C15)
SHARE_MIN = 64  # batches from this size look for duels that see the same, to decide once for them
APART_MAX = 1024  # batches below this size first look whether a few fields already set every duel apart (then none share)
STRETCH_MIN = 384  # duels of one speed weighed with fewer candidate moves, where fewer tiles are within their reach
COMBOS = tuple(product((False, True), repeat=3))  # (rear, high ground, adjacent) of a strike, in the order of its rows


class HeuristicBot(Bot):
    """Best plan for this turn against the enemy's best reply, by its weights (`gladiator.bots.weights`: the shipped,
    fitted ones unless a file or single weights are given as options)."""

    name = "heuristic"
    # a decision costs a few thousand numpy calls whatever the batch: the batch runner steps a whole chunk (up to
    # 32,768 duels) at once for it, which shares that cost best (same results at any batch size)
    batch_size = 32768

    def __init__(self, weights: str | None = None, **options: object) -> None:
        base = load_weights(weights) if weights is not None else load_weights()
        self.weights = with_options(base, options) if options else base  # (version 3's, where no file is named)
        self.file, self.options = weights, options
        self._by_rules: dict[int, Weights] = {}

    def weights_for(self, game: Game) -> Weights:
        """The weights it plays `game` with: the file named, else the shipped weights of the game's rules version, with
        the weights given as options."""
        if self.file is not None or game.rules == 3:
            return self.weights
        if game.rules not in self._by_rules:
            base = load_weights(rules=game.rules)
            self._by_rules[game.rules] = with_options(base, self.options) if self.options else base
        return self._by_rules[game.rules]

    def prepare(self, game: Game) -> None:
        """Build the game's tactics tables and the bot's own before the first decision."""
        tactics.tactics(game)
        tables(game, self.weights_for(game))

    def act(self, game: Game, obs: Observation, legal: engine.Legal) -> np.ndarray:
        """One action per duel."""
        t, sp = game.tables, game.space
        # the plans are weighed once per distinct view (duels played out from one position share most of theirs; the
        # legal actions follow from the view); a view's numbers then go to every duel that has it. `Plans` sees one duel
        # of each view, so it must not read `obs.noise`: a term drawn from a duel's own noise belongs here, per duel
        # (as `_best` draws between a view's equal tiles); the test of deciding once per view catches one left in `Plans`.
        w = self.weights_for(game)
        views = distinct_views(obs) if obs.batch >= SHARE_MIN and not _all_apart(obs) else None
        if views is not None:  # views of one suit side by side, by how many tiles are within their reach: `Plans` reads
            # their stretch of each array
            first = views[0]
            unit = obs.my_unit.take(first).astype(np.intp)
            reach = tables(game, w).unit_reach.take(unit * game.geo.tiles + obs.my_pos.take(first))
            order = np.argsort(unit * game.geo.tiles + reach, kind="stable")
            rank = np.empty_like(order)
            rank[order] = np.arange(order.size)
            views = (views[0].take(order), rank.take(views[1]))
        seen, mask = (obs, _mask(legal)) if views is None else (obs.take(views[0]), _mask(legal, views[0]))
        plan = Plans(game, seen, mask, w)
        stay, moves, leaps = plan.stay(), plan.moves(), plan.leaps()
        row = np.arange(obs.batch) if views is None else views[1]  # each duel's view
        stay = stay.take(row) if views is not None else stay
        move_worth, move_tile = _best(obs, moves, row, 0)
        leap_worth, leap_tile = _best(obs, leaps, row, 1)

        def legal_at(action: np.ndarray | int) -> np.ndarray:
            return mask.reshape(-1).take(row * mask.shape[1] + action)

        # every rule per duel (its own noise included), the first that holds deciding
        me, ap = obs.my_unit, obs.ap.astype(np.int64)
        pick = FirstChoice(obs.batch, END, legal)
        choose = pick.choose

        choose((obs.my_nectar <= w.low_nectar) & legal_at(INJECT), INJECT)
        if game.rules >= 4 and obs.my_caught.any():  # held: a hit on the holder is the only way out, with its surest slot
            chance = np.where(mask[row][:, ATTACK0 : ATTACK0 + W], engine.attack_preview(game, obs)["chance"], -1.0)
            surest = np.argmax(chance, axis=1)
            choose(obs.my_caught & (tactics.row_pick(chance, surest) >= 0), ATTACK0 + surest)

        choose(legal_at(EXTRACT) & (stay.extract >= stay.worth) & (stay.extract >= move_worth) & (stay.extract >= leap_worth), EXTRACT)
        # heat that would burn it at the start of its next turn: shed it before anything but a core extraction
        choose(legal_at(VENT) & (tactics.overheat_next_turn(game, obs) > 0), VENT)

        stay_best = np.maximum(stay.worth, stay.guarded)
        # strike from here, then step away with the last point, where that is clearly worth more than any other plan
        runs = (stay.strike > 0) & legal_at(ATTACK0 + stay.slot) & (ap >= engine.cost_of("attack") + engine.cost_of("move"))
        run_worth = np.where(runs, stay.run + moves.retreat.take(row), -np.inf)
        choose(run_worth > w.run_margin + np.maximum(stay_best, np.maximum(move_worth, leap_worth)), ATTACK0 + stay.slot)
        go_leap = (leap_worth > stay_best) & (leap_worth >= move_worth)
        choose(go_leap, sp.leap0 + leap_tile)
        choose(move_worth > stay_best, sp.move0 + move_tile)
        choose(stay.vent_last, VENT)  # venting with the last point makes room for the enemy's melt
        # the best plan here ends the turn in a disguise with no more strikes: a quiet action (the disguise goes on below)
        choose(stay.hold & legal_at(GUARD) & (stay.guarded > stay.worth), GUARD)
        choose(stay.hold & legal_at(VENT) & (obs.my_heat > 0), VENT)
        choose(stay.hold, END)
        striking = (stay.strike > 0) & legal_at(ATTACK0 + stay.slot)
        if game.rules >= 4:  # the best plan here ends guarded: strike first, and guard with the last point
            guard_plan = legal_at(GUARD) & (stay.guarded > stay.worth)
            choose(guard_plan & striking & (ap > engine.cost_of("guard")), ATTACK0 + stay.slot)
            choose(guard_plan, GUARD)
        choose(striking & stay.vent & legal_at(VENT), VENT)  # the heat shed first buys more shots
        choose(striking, ATTACK0 + stay.slot)
        choose(legal_at(GUARD) & (stay.guarded > stay.worth), GUARD)
        choose(legal_at(VENT) & (obs.my_heat > 0) & (ap >= 1), VENT)
        # out of the enemy's sight, a disguise before a quiet action (never just before an attack, which would throw it
        # off with no bonus): the enemy misjudges it until its next turn, and the attack that throws it off then is an ambush
        if t.can_mimic[me].any():
            look = disguise(game, obs)
            if game.rules >= 4:  # a disguise takes a point and Nectar: put on with a point the turn would leave unused,
                # never with the Nectar the suit needs (nor in place of the guard, vent or dose the turn ends with)
                burn = engine.nectar_of(game, "mimic")
                quiet = (pick.actions == END) & (obs.my_nectar - burn > w.low_nectar)
            else:
                last_move = (pick.actions >= sp.move0) & (ap <= engine.cost_of("move"))
                quiet = np.isin(pick.actions, (END, GUARD, VENT, INJECT)) | last_move
            put_on = quiet & legal_at(sp.mimic0 + look) & (obs.my_look == obs.my_unit)
            pick.actions[put_on] = sp.mimic0 + look[put_on]
        return pick.actions


class _Worths:
    """Candidate end-of-turn tiles (N, K) and what ending the turn on each is worth; for moves, also the best a move
    is worth made with no points left after it (N,), for striking first and stepping away."""

    def __init__(self, tile: np.ndarray, worth: np.ndarray, retreat: np.ndarray | None = None) -> None:
        self.tile, self.worth, self.retreat = tile, worth, retreat


class _Stay:
    """Staying where it stands: the best strike slot, the worth of striking, of extracting, of guarding, whether
    striking there is worth more after a vent, the worth of the strikes made before stepping away with the last point,
    and whether its best plan there strikes no more and ends the turn quietly in a disguise (`hold`) or with a vent
    that makes room for the enemy's melt (`vent_last`)."""

    def __init__(self, slot: np.ndarray, strike: np.ndarray, worth: np.ndarray, extract: np.ndarray, guarded: np.ndarray,
                 vent: np.ndarray, run: np.ndarray, hold: np.ndarray, vent_last: np.ndarray) -> None:
        self.slot, self.strike, self.worth, self.extract, self.guarded, self.vent = slot, strike, worth, extract, guarded, vent
        self.run, self.hold, self.vent_last = run, hold, vent_last

    def take(self, idx: np.ndarray) -> "_Stay":
        """The numbers of duels `idx`."""
        return _Stay(*(v.take(idx) for v in (self.slot, self.strike, self.worth, self.extract, self.guarded, self.vent,
                                             self.run, self.hold, self.vent_last)))


class Plans:
    """The numbers every plan of one decision shares, worked out once for the batch.

    What a tile is worth depends on a few facts of the duel (the units, flags, gauges) and on where
    the tile lies from the enemy. The first part is a row of values per duel, read from the game's
    tables of rows (`tables`), shared by every duel with the same facts and worked out the first time
    they come up; the second is an offset into those rows per tile, from the game's tables of tile
    pairs. A tile's worth is then a few lookups, summed in the order the plan weighs them.
    """

    def __init__(self, game: Game, obs: Observation, mask: np.ndarray, weights: Weights | None = None) -> None:
        self.game, self.obs, self.mask = game, obs, mask
        self.w = w = load_weights(rules=game.rules) if weights is None else weights
        t = game.tables
        self.tab = tables(game, w)
        D = self.tab.D
        self.ap = obs.ap.astype(np.int64)
        foe = obs.foe_look
        self.win = obs.foe_integrity + w.win_bonus
        self.mimics = bool(t.can_mimic[obs.my_unit].any())  # some duel's suit can put on a disguise
        # version 4: what the strike of a charge this turn is worth (none where it may not charge this turn)
        self.charge = (np.where(obs.may_charge, engine.charge_preview(game, obs.my_unit, obs.foe_look, obs.foe_guard), 0.0)
                       if game.rules >= 4 else None)
        # version 4: what the strike of an enemy that guards costs a walk into its reach (its melee weapon, as a charge)
        self.watched = (np.where(obs.foe_guard, engine.charge_preview(game, obs.foe_look, obs.my_unit, obs.my_guard), 0.0)
                        if game.rules >= 4 else None)
        # version 4: a suit that grabs weighs a walk behind the enemy and a grab, at the odds it tears out the core
        self.grab_odds = (engine.extraction_preview(game, obs) if game.rules >= 4 and t.can_extract[obs.my_unit].any()
                          else None)
        self.heat_room = t.heat_capacity[obs.my_unit] + t.cooling[obs.my_unit] - obs.my_heat  # heat it may add this turn
        self.per_shot_heat = np.maximum(1, t.w_heat.max(axis=1).take(obs.my_unit))  # heat a shot adds, planned for
        # and after a vent first (a point spent to shed heat, for more shots with the rest)
        self.vent_room = self.heat_room + np.minimum(obs.my_heat, tactics.shed_by_vent(game, obs.my_unit))
        foe_cap = t.heat_capacity[foe]
        edge = obs.foe_heat + 10 >= foe_cap
        self.melt_worth = w.melt_weight * (1.0 + edge)  # melt matters most near the edge
        mine = obs.my_nectar + obs.my_doses * t.dose_nectar[obs.my_unit]
        theirs = obs.foe_nectar + t.nectar_doses[foe] * t.dose_nectar[foe]  # as it shows itself, doses unseen: assume full
        self.aggression = w.aggression + w.clock_aggression * (mine < theirs)
        need = np.maximum(0, t.nectar[obs.my_unit] - obs.my_nectar)
        self.cache_worth = w.cache_weight * need * (obs.my_nectar <= w.cache_nectar)
        # the Nectar a leap burns (version 4), at a cache's worth a point when it leaves it short of Nectar
        burn = engine.nectar_of(game, "leap")
        self.leap_fuel = w.cache_weight * burn * (obs.my_nectar - burn <= w.cache_nectar) if burn else None
        # the rows this decision reads: its strikes by (rear, high ground, adjacent, distance); the enemy's reply by
        # (guarded, cover, sight, distance); its own strikes next turn by distance
        U = len(game.roster)
        me, cover = obs.my_unit.astype(np.intp), game.geo.cover[obs.foe_pos]
        bits = tactics.fed_slot_bits(game, obs.my_unit, obs.my_nectar - 1)  # never fire itself into shutdown: Nectar - cost > 1
        ambush = obs.my_ambush
        held = obs.my_caught if game.rules >= 4 else False  # (version 4: the guard's penalty on a held unit's strikes)
        code = ((((((me * U + foe) * 2 + obs.foe_guard) * 2 + obs.foe_exposed) * 2 + held) * 2 + cover) * 2 + ambush) * 2 + edge
        self.strikes, slot = self._rows("strike", code * (1 << W) + bits, self._strike_rows)
        self.strike_base = slot * (len(COMBOS) * (D + 1))
        imax = int(t.integrity.max())
        integrity = obs.my_integrity.astype(np.intp)
        code = ((foe.astype(np.intp) * U + me) * 2 + obs.foe_overheated) * (imax + 1) + integrity
        inside = bool(((integrity >= 0) & (integrity <= imax)).all())
        self.threats, slot = self._rows("threat", code, self._threat_rows, inside)
        self.threat_base = slot * (16 * D)
        # the heat the enemy's melt may add before its next turn, beyond what it can take without overheating
        rmax = self.tab.room_max
        melt_code = ((foe.astype(np.intp) * U + me) * 2 + obs.foe_overheated) * (rmax + 1)
        room = np.clip(t.heat_capacity[me] + t.cooling[me] - obs.my_heat, 0, rmax)
        self.melts, slot = self._rows("melt", melt_code + room, self._melt_rows)
        self.melt_base = slot * (16 * D)
        # and after a vent with the last point, which makes room for it
        self.vented_heat = np.maximum(0, obs.my_heat - tactics.shed_by_vent(game, me))
        room = np.clip(t.heat_capacity[me] + t.cooling[me] - self.vented_heat, 0, rmax)
        self.melts_vented, slot = self._rows("melt", melt_code + room, lambda idx: self._melt_rows(idx, vented=True))
        self.melt_vented_base = slot * (16 * D)
        if self.tab.rows["melt"] is not None:
            self.melts = self.melts_vented = self.tab.rows["melt"].flat  # the rows both lookups met, however they grew
        code = (((me * U + foe) * 2 + obs.foe_guard) * 2 + cover) * (1 << W) + bits
        self.futures, slot = self._rows("future", code, self._future_rows)
        self.future_base = slot * D
        # two sums every tile of every plan needs, made once per row instead of once per tile (the same floats, added in
        # the same order): the enemy's reply with its melt (`threat_at`), and what the tile leaves besides the exchange of
        # strikes (`rest_at`: the strikes next turn, the steps to the enemy, a hazard, a cache)
        self.replies = self.rests = None
        rows = self.tab.rows
        if inside and rows["threat"] is not None and rows["melt"] is not None and rows["reply"] is not None:
            room = np.clip(t.heat_capacity[me] + t.cooling[me] - obs.my_heat, 0, rmax)
            pair = (((foe.astype(np.intp) * U + me) * 2 + obs.foe_overheated) * (imax + 1) + integrity) * (rmax + 1) + room
            replies, slot = self._rows("reply", pair, self._reply_rows)
            self.replies = replies.view(np.complex128)  # (reply, -the reply to a guarded tile) per offset
            self.reply_base = slot * (16 * D)
        nmax = int(t.nectar.max())
        short = need * (obs.my_nectar <= w.cache_nectar)
        if (self.tab.spots is not None and rows["future"] is not None and rows["rest"] is not None
                and bool(((short >= 0) & (short <= nmax)).all())):
            code = ((code * 2 + (mine < theirs)) * (nmax + 1) + short).astype(np.intp)
            self.rests, slot = self._rows("rest", code, self._rest_rows)
            self.rest_base = slot * len(self.tab.rest_d)

    # ---- the rows ----
    def _rows(self, name: str, codes: np.ndarray, compute: Callable[[np.ndarray], np.ndarray],
              known: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """(flat rows, each duel's row): from the game's table `name`, or worked out for every duel where there is none."""
        memo = self.tab.rows[name]
        if memo is None or not known:
            return compute(np.arange(self.obs.batch)).reshape(-1), np.arange(self.obs.batch)
        slot = memo.slots(codes, compute)
        return memo.flat, slot

    def _strike_rows(self, idx: np.ndarray) -> np.ndarray:
        """Rows of duels `idx`: the worth of one shot with the best slot in range, by (rear, high, adjacent) and distance in sight."""
        obs, t = self.obs.take(idx), self.game.tables
        within = t.w_range[obs.my_unit][:, :, None] >= tactics.tactics(self.game).distances[None, None, :]  # (n, W, D + 1)
        out = np.empty((idx.size, len(COMBOS), self.tab.D + 1))
        for c, (rear, high, adjacent) in enumerate(COMBOS):
            flags = (tactics.rear_counts(self.game, np.full(idx.size, rear), obs.foe_guard), np.full(idx.size, high),
                     np.full(idx.size, adjacent))
            worth = slot_worth(self.game, obs, self.melt_worth[idx], self.w.shot_heat, *flags)  # (n, W)
            out[:, c] = np.where(within, worth[:, :, None], 0.0).max(axis=1)
        return out.reshape(idx.size, -1)

    def _threat_rows(self, idx: np.ndarray) -> np.ndarray:
        """Rows of duels `idx`: what the enemy can do next turn to a tile, by (the enemy's high ground, guarded, cover, sight,
        distance): its strikes after a move, its extraction if this side would be open or a leaper could catch it."""
        obs, t, game, D = self.obs.take(idx), self.game.tables, self.game, self.tab.D
        n = idx.size
        foe = obs.foe_look
        foe_ap = np.maximum(1, t.actions[foe] - obs.foe_overheated)  # what the enemy, as shown, gets next turn
        foe_speed = t.speed[foe]
        no = np.zeros(n, dtype=bool)
        fed = np.ones((n, W), dtype=bool)
        lose = obs.my_integrity + self.w.loss_bonus
        foe_can_extract = t.can_extract[foe]
        foe_odds = tactics.foe_extraction_odds(game, obs)
        foe_reach = engine.leap_reach(game, foe)
        v4 = game.rules >= 4
        # a leaper with the points to leap beside this side and tear out its core catches it within its reach (plus the
        # tile it lands on), once this side is hurt enough for the odds to matter (version 4: a leap behind a side that
        # does not guard, then a grab, whatever the damage)
        catch = t.can_leap[foe] & (foe_ap >= engine.cost_of("leap") + engine.cost_of("extract"))
        if not v4:
            catch &= obs.my_integrity <= self.w.catch_hurt * t.integrity[obs.my_unit]
        now, moved, d = _reply_index(n, D, foe_speed)
        # version 4: the enemy's walk into reach charges this side with its melee weapon, free (`rules.combat.charges`)
        walk_in = (d >= 2) & (d <= foe_speed[:, None] + 1)
        charge = engine.charge_preview(game, foe, obs.my_unit, np.zeros(n, dtype=bool))[:, None] * walk_in if v4 else 0.0
        # version 4: guarding, this side strikes first at an enemy that walks into its reach, and its guard is spent
        watch = engine.charge_preview(game, obs.my_unit, foe, np.zeros(n, dtype=bool))[:, None] * walk_in if v4 else 0.0
        # open to the enemy's extraction next turn if badly damaged after its strikes (within a walk), or reachable from behind
        near = d <= foe_speed[:, None] + 1
        caught = catch[:, None] & (d <= foe_reach[:, None] + 1)
        out = []
        for high in (no, ~no):  # the enemy on high ground over this side's tile
            # the enemy's best strike on this side, by distance, in the open and in cover (as this side sees the enemy)
            table = np.stack([tactics.strike_values(game, foe, foe, obs.my_unit, no, no, covered, no, fed, high)
                              for covered in (no, ~no)], axis=1).reshape(-1)
            if v4:  # an enemy that moves first strikes from this side's rear, which only a guard takes away
                rear = np.stack([tactics.strike_values(game, foe, foe, obs.my_unit, no, no, covered, ~no, fed, high)
                                 for covered in (no, ~no)], axis=1).reshape(-1)
                stays = foe_ap[:, None] * table.take(now)
                open_back = np.maximum(stays, (foe_ap[:, None] - 1) * rear.take(moved) + charge)
                # guarding: the walk in meets this side's strike and spends the guard; other moves leave it up
                after = (foe_ap[:, None] - 1) * table.take(moved)
                watched = np.where(walk_in, after + charge - watch, after)  # (a version-4 guard cuts no hits)
                by_guard = (open_back, np.maximum(stays, watched))
            else:
                strikes = np.maximum(foe_ap[:, None] * table.take(now), (foe_ap[:, None] - 1) * table.take(moved))
                by_guard = (strikes, strikes * self.w.guard_factor)
            for guarded in (False, True):
                s = by_guard[guarded]
                frail = engine.badly_damaged(obs.my_integrity[:, None] - s, t.integrity[obs.my_unit][:, None])
                behind = caught & (not (v4 and guarded))  # version 4: a guarding side has no rear arc to leap into
                extract = np.where(foe_can_extract[:, None] & ((near & frail) | behind), foe_odds[:, None] * lose[:, None], 0.0)
                out.append(self.w.threat_weight * s + extract)
        return np.concatenate(out, axis=1)

    def _melt_rows(self, idx: np.ndarray, vented: bool = False) -> np.ndarray:
        """Rows of duels `idx`: what the melt the enemy can land next turn costs this side in overheating, by (the enemy's
        high ground, guarded, cover, sight, distance): `overheat_weight` a point of heat beyond what it can take before its
        next turn (with the heat it has now, or after a vent), expected over how many of the enemy's shots land."""
        obs, t, game, D = self.obs.take(idx), self.game.tables, self.game, self.tab.D
        n = idx.size
        foe, me = obs.foe_look, obs.my_unit
        foe_ap = np.maximum(1, t.actions[foe] - obs.foe_overheated)
        heat = self.vented_heat.take(idx) if vented else obs.my_heat
        room = np.maximum(0, t.heat_capacity[me] + t.cooling[me] - heat)
        dist = np.arange(D + 1)
        within = t.w_range[foe][:, :, None] >= dist[None, None, :]  # (n, W, D + 1); the last column: out of sight
        within[:, :, D] = False
        no = np.zeros(n, dtype=bool)
        now, later, _ = _reply_index(n, D, t.speed[foe])
        out = []
        for high in (no, ~no):  # the enemy on high ground over this side's tile (its ranged melt more likely to land)
            for guarded in (False, True):
                chances, melts = [], []
                for cover in (no, ~no):
                    far, near = (tactics.slot_preview(game, foe, foe, me, tactics.guard_penalty(game, no | guarded), no, cover, high,
                                                      no, adjacent)[0]
                                 for adjacent in (False, True))
                    chance = np.where(within, np.where(dist[None, None, :] == 1, near[:, :, None], far[:, :, None]), 0.0)
                    best = np.argmax(chance * t.w_melt[foe][:, :, None], axis=1)  # (n, D + 1): the slot that melts most
                    chances.append(np.take_along_axis(chance, best[:, None, :], axis=1)[:, 0])
                    melts.append(np.take_along_axis(np.broadcast_to(t.w_melt[foe][:, :, None], chance.shape), best[:, None, :], axis=1)[:, 0])
                p_all, m_all = np.stack(chances, axis=1).reshape(-1), np.stack(melts, axis=1).reshape(-1).astype(float)
                over = np.maximum(_overheat(p_all.take(now), m_all.take(now), foe_ap[:, None], room[:, None]),
                                  _overheat(p_all.take(later), m_all.take(later), foe_ap[:, None] - 1, room[:, None]))
                out.append(self.w.overheat_weight * over)
        return np.concatenate(out, axis=1)

    def _reply_rows(self, idx: np.ndarray) -> np.ndarray:
        """Rows of duels `idx`: the threat row plus `melt_threat` times the melt row, as `threat_at` adds them per tile,
        paired at each offset with minus the sum a guarded tile reads (4 D further on; the offsets of unguarded tiles have
        one), as the real and imaginary parts of complex numbers, so that one lookup reads both."""
        D = self.tab.D
        width = 16 * D
        threat = self.threats.reshape(-1, width).take(self.threat_base.take(idx) // width, axis=0)
        melt = self.melts.reshape(-1, width).take(self.melt_base.take(idx) // width, axis=0)
        reply = threat + self.w.melt_threat * melt
        out = np.zeros((idx.size, width, 2))
        out[:, :, 0] = reply
        out[:, : width - 4 * D, 1] = -reply[:, 4 * D :]
        return out.reshape(idx.size, 2 * width)

    def _rest_rows(self, idx: np.ndarray) -> np.ndarray:
        """Rows of duels `idx`: by the game's kinds of tile (`Tables.rest_d`, ...), what ending the turn there leaves
        besides the exchange of strikes, as `rest_at` works it out per tile (its own heat aside)."""
        tab, D = self.tab, self.tab.D
        future = self.futures.reshape(-1, D).take(self.future_base.take(idx) // D, axis=0).take(tab.rest_d, axis=1)
        rest = future - self.aggression.take(idx)[:, None] * tab.rest_path[None, :] - tab.rest_cost[None, :]
        return rest + np.where(tab.rest_cache[None, :], self.cache_worth.take(idx)[:, None], 0.0)

    def _future_rows(self, idx: np.ndarray) -> np.ndarray:
        """Rows of duels `idx`: what ending the turn at each distance from the enemy leaves it able to strike next turn,
        after a move (discounted)."""
        obs, t, game, D = self.obs.take(idx), self.game.tables, self.game, self.tab.D
        no = np.zeros(idx.size, dtype=bool)
        # its own best strike by distance, for what a tile leaves it able to do next turn
        fed_own = tactics.fed_slots(game, obs.my_unit, obs.my_nectar - 1)  # never fire itself into shutdown
        own_strikes = tactics.strike_values(game, obs.my_unit, obs.my_unit, obs.foe_look, tactics.guard_penalty(game, obs.foe_guard), no,
                                            game.geo.cover[obs.foe_pos], no, fed_own)
        my_full_ap = t.actions[obs.my_unit]
        my_reach = np.maximum(t.speed[obs.my_unit], np.where(t.can_leap[obs.my_unit], engine.leap_reach(game, obs.my_unit), 0))
        after = np.clip(np.arange(D)[None, :] - my_reach[:, None], 1, D - 1)
        best = np.take_along_axis(own_strikes, after, axis=1)
        if game.rules >= 4:  # a walk into reach next turn charges, free
            d = np.arange(D)[None, :]
            best = best + (engine.charge_preview(game, obs.my_unit, obs.foe_look, obs.foe_guard)[:, None]
                           * ((d >= 2) & (d <= t.speed[obs.my_unit][:, None] + 1)) / np.maximum(1, my_full_ap[:, None] - 1))
        return self.w.future_weight * (my_full_ap[:, None] - 1) * best

    # ---- what it can do from a tile ----
    def strikes_from(self, at: "_Spots", points: np.ndarray, heat: int = 0) -> np.ndarray:
        """(n, K) worth of spending `points` (n, 1) on the best slot from each tile of `at` (a vent first where it allows more)."""
        return self.shots(at.rows, points, heat)[0].astype(np.float64) * self.strike_at(at)  # (exact: as int times float)

    def strike_at(self, at: "_Spots") -> np.ndarray:
        """(n, K) worth of one shot with the best slot from each tile of `at`."""
        return self.strikes.take(_of(self.strike_base, at.rows)[:, None] + at.strike)

    def shots(self, rows: np.ndarray | None, points: np.ndarray, heat: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """(n, 1) shots `points` (n, 1) buy without planning to overheat, and whether a vent first buys more."""
        per_shot_heat = _of(self.per_shot_heat, rows)[:, None]
        plain = np.minimum(points, np.maximum(0, _of(self.heat_room, rows)[:, None] - heat) // per_shot_heat)
        vented = np.minimum(points - engine.cost_of("vent"), np.maximum(0, _of(self.vent_room, rows)[:, None] - heat) // per_shot_heat)
        return np.maximum(0, np.maximum(plain, vented)), vented > plain

    def threat_at(self, at: "_Spots", guarded: bool = False, vented: bool = False) -> np.ndarray:
        """(n, K) what the enemy can do to this side on the tiles of `at` next turn: strikes after a move, its extraction if
        open, and (weighed by `melt_threat`) the overheating its melt would cause (after a vent with the last point)."""
        if self.replies is not None and not vented:
            pair = self.replies.take(_of(self.reply_base, at.rows)[:, None] + at.threat)
            return -pair.imag if guarded else pair.real
        base = _of(self.threat_base, at.rows)
        melt = _of(self.melt_vented_base if vented else self.melt_base, at.rows)
        melts = self.melts_vented if vented else self.melts
        if guarded:
            base, melt = base + 4 * self.tab.D, melt + 4 * self.tab.D
        return self.threats.take(base[:, None] + at.threat) + self.w.melt_threat * melts.take(melt[:, None] + at.threat)

    def future_at(self, at: "_Spots") -> np.ndarray:
        """(n, K) what ending the turn on the tiles of `at` leaves it able to strike next turn, after a move (discounted)."""
        best = self.futures.take(_of(self.future_base, at.rows)[:, None] + at.d)
        return best - _of(self.aggression, at.rows)[:, None] * at.path

    def rest_at(self, at: "_Spots", heat: int) -> np.ndarray:
        """(n, K) what ending the turn on the tiles of `at`, arrived there with `heat` more, is worth besides the exchange
        of strikes: the strikes it leaves for next turn and the steps to the enemy, a hazard, a cache, its own overheating."""
        rows = at.rows
        if self.rests is not None and at.rest is not None:
            rest = self.rests.take(_of(self.rest_base, rows)[:, None] + at.rest)
        else:
            cost = tactics.hazard_cost(self.game).take(at.tiles)
            cache = np.where(self.tab.cache.take(at.tiles), _of(self.cache_worth, rows)[:, None], 0.0)
            rest = self.future_at(at) - cost + cache
        over = np.maximum(0, heat - _of(self.heat_room, rows))[:, None]
        return rest - self.w.overheat_weight * over if over.any() else rest  # x - 0.0 is x

    def stay(self) -> _Stay:
        """Staying put: strike with the best usable slot now, or extract, or guard."""
        obs, game = self.obs, self.game
        prev = engine.attack_preview(game, obs)  # the strike preview of every slot from where it stands
        worth = np.where(prev["usable"] & self.mask[:, ATTACK0 : ATTACK0 + W],
                         _worth(game, obs, self.melt_worth, self.w.shot_heat, prev["chance"], prev["expected"]), -1.0)
        slot = np.argmax(worth, axis=1)
        strike = np.maximum(0.0, tactics.row_pick(worth, slot))
        here = _Spots(self, obs.my_pos[:, None].astype(np.int64))
        best = self.strike_at(here)[:, 0]
        count, vent = (v[:, 0] for v in self.shots(None, self.ap[:, None]))
        shots = count * best
        threat = self.threat_at(here)[:, 0]
        extract = np.where(self.mask[:, EXTRACT], engine.extraction_preview(game, obs) * self.win, -np.inf)
        cost = tactics.hazard_cost(game)[obs.my_pos]
        future = self.future_at(here)[:, 0]
        guarded = future - self.threat_at(here, guarded=True)[:, 0] - cost
        if game.rules >= 4:  # or strike with all but the last point and guard with it (an attack ends a guard)
            guarded = guarded + self.shots(None, self.ap[:, None] - engine.cost_of("guard"))[0][:, 0] * best
        run = self.shots(None, self.ap[:, None] - engine.cost_of("move"))[0][:, 0] * best  # the strikes before stepping away
        worth = np.where(strike > 0, shots, 0.0) + future - threat - cost
        hold = np.zeros(obs.batch, dtype=bool)
        ends: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

        def quiet_end(kept: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            """Striking with all but `kept` points (then a quiet action): whether the points allow it, the worth of the
            strikes, and of the disguise it may end the turn in (worked out once per number of points kept)."""
            if kept not in ends:
                spare = self.ap[:, None] - kept
                fewer = np.where(strike > 0, self.shots(None, np.maximum(spare, 0))[0][:, 0] * best, 0.0)
                worn = (self.disguise_worth(here, self.ap[:, None], struck=(spare >= engine.cost_of("attack")) & (strike > 0)[:, None])[:, 0]
                        if self.mimics else np.zeros(obs.batch))
                ends[kept] = (spare[:, 0] >= 0, fewer, worn)
            return ends[kept]

        if self.mimics:
            # strike with all but the points a disguise takes and put one on (or keep one put on this turn), or guard in one
            can, fewer, worn = quiet_end(SPARE)
            quiet = np.where(can, fewer + worn + future - threat - cost, -np.inf)
            hold = (quiet > worth) & (fewer == 0)  # the best plan here strikes no more: end the turn quiet
            worth = np.maximum(worth, quiet)
            guarded = guarded + self.disguise_worth(here, self.ap[:, None] - engine.cost_of("guard"), struck=False)[:, 0]
        # strike with all but the last point and vent with it, making room for the enemy's melt (a disguise may go on first)
        can, fewer, worn = quiet_end(engine.cost_of("vent"))
        cooled = np.where(can & (obs.my_heat > 0) & self.mask[:, VENT],
                          fewer + worn + future - self.threat_at(here, vented=True)[:, 0] - cost, -np.inf)
        vent_last = (cooled > np.maximum(worth, guarded)) & (fewer == 0)  # the best plan here: vent now, strike no more
        hold = hold & ~vent_last
        worth = np.maximum(worth, cooled)
        return _Stay(slot, strike, worth, extract - threat, guarded, vent, run, hold, vent_last)

    def moves(self) -> _Worths:
        """Every tile a move reaches: strike with the points left, minus the reply there."""
        obs, game, sp = self.obs, self.game, self.game.space
        tac = tactics.tactics(game)
        groups = _groups(game.tables.speed.take(obs.my_unit))
        K = max(tac.near(v)[0].shape[1] for v, _ in groups)
        N = obs.batch
        tiles, worth, retreat = np.zeros((N, K), dtype=np.int64), np.empty((N, K)), np.empty(N)
        legal_at = np.arange(N) * self.mask.shape[1] + sp.move0  # where each duel's moves start in the flat mask
        for v, rows in groups:
            pos = _of(obs.my_pos, rows)
            near = tac.near(v)[0].take(pos, axis=0)  # (M, k): the tiles within reach, then the tile itself again
            tiles[_all(rows), : near.shape[1]] = near
            # a stretch of duels whose tiles within reach are fewer leave out the columns beyond them (the tile itself
            # again: never a move): their worth is -inf, as the move is not legal
            for part, k in _stretches(self.tab.reach[v].take(pos), near.shape[1]):
                at = _within(rows, part)
                cand = near[part, :k]
                ok = self.mask.reshape(-1).take(_of(legal_at, at)[:, None] + cand)
                spots = _Spots(self, cand, at)
                put = _all(at)
                into = worth[put, :k] if isinstance(put, slice) else None  # a view of the answer, filled in place
                w, after_strikes = self.end_on_idle(spots, _of(self.ap, at)[:, None] - engine.cost_of("move"), 0, ok, into)
                if into is None:
                    worth[put, :k] = w
                if self.charge is not None:  # version 4: the walks into reach that charge strike once on arrival, free,
                    # after the strike of an enemy that guards
                    bonus = np.where(engine.charges(game, _of(obs.my_pos, at)[:, None], cand, _of(obs.foe_pos, at)[:, None]),
                                     _of(self.charge - self.watched, at)[:, None], 0.0)
                    worth[put, :k] += bonus
                    after_strikes = after_strikes + bonus
                if self.grab_odds is not None:  # version 4: a walk behind an enemy that does not guard, then a grab
                    grab = self.grab_from_walk(spots, cand, at)
                    if grab is not None:  # (only where the walk is legal: a tile behind the enemy may be out of reach)
                        worth[put, :k] = np.maximum(worth[put, :k], np.where(ok, grab, -np.inf))
                worth[put, k:] = -np.inf
                retreat[put] = after_strikes.max(axis=1)
        return _Worths(tiles, worth, retreat)

    def grab_from_walk(self, spots: "_Spots", cand: np.ndarray, at: np.ndarray | slice | None) -> np.ndarray | None:
        """Version 4: (n, K) what a walk to each tile of `cand` and a grab from there are worth (-inf where there is none:
        not next to the enemy in its open rear arc, too few points, or either side held); None when no duel has one."""
        obs, game = self.obs, self.game
        t = game.tables
        me = _of(obs.my_unit, at)
        can = (t.can_extract[me] & (_of(self.ap, at) >= engine.cost_of("move") + engine.cost_of("extract"))
               & ~_of(obs.my_caught | obs.foe_caught | obs.foe_guard, at))
        if not can.any():
            return None
        pe = _of(obs.foe_pos, at)[:, None]
        behind = can[:, None] & (game.geo.cheb[cand, pe] == 1) & tactics.in_rear_of(game, cand, pe, _of(obs.foe_facing, at)[:, None])
        if not behind.any():
            return None
        assert self.grab_odds is not None
        odds = _of(self.grab_odds, at)[:, None]
        return np.where(behind, odds * _of(self.win, at)[:, None] - self.threat_at(spots), -np.inf)

    def leaps(self) -> _Worths:
        """The tiles beside the enemy a leap reaches: strike (or extract) from there, minus the reply."""
        obs, game, sp = self.obs, self.game, self.game.space
        tiles = self.tab.neighbours.take(obs.foe_pos, axis=0)
        ok = self.tab.inside.take(obs.foe_pos, axis=0) & _mask_at(self.mask, None, sp.leap0 + tiles)
        worth = np.full(tiles.shape, -np.inf)
        m = np.flatnonzero(ok.any(axis=1))  # the duels with a leap to weigh
        if m.size:
            # all of them, or a stretch of them where the views come by suit: the suits that leap, those without one
            # weighed too (worth -inf, as no leap is legal there)
            leapers = _groups(game.tables.can_leap.take(obs.my_unit))
            rows: np.ndarray | slice | None = m if m.size < obs.batch else None
            if rows is not None and isinstance(leapers[-1][1], slice) and leapers[-1][0] == 1:
                rows = leapers[-1][1] if m[0] >= leapers[-1][1].start and m[-1] < leapers[-1][1].stop else rows
            sub = _sub(obs, rows)
            spots = _Spots(self, tiles[_all(rows)], rows)
            points = sub.ap.astype(np.int64)[:, None] - engine.cost_of("leap")
            w = self.end_on(spots, points, heat=tactics.leap_heat())
            # landing behind an open enemy with the points to tear out its core (in its rear arc: the strike offset says,
            # and version 4 gives a guarding enemy none), or beside an open one
            rear = spots.strike >= 4 * (self.tab.D + 1)
            can = game.tables.can_extract[sub.my_unit][:, None] & (points >= engine.cost_of("extract"))
            odds = engine.extraction_preview(game, sub)[:, None]
            pounce: np.ndarray | float = 0.0
            if game.rules >= 4:
                rear = rear & ~sub.foe_guard[:, None]
                can = can & ~(sub.my_caught | sub.foe_caught)[:, None]  # (no grab while either side holds the other)
                assert self.charge is not None  # a leap into reach from out of it charges, and no guard's strike meets it
                into = engine.charges(game, sub.my_pos[:, None], spots.tiles, sub.foe_pos[:, None])
                pounce = np.where(into, _of(self.charge, rows)[:, None], 0.0)
                rear = rear & ~(into & (pounce > 0))  # the enemy it strikes turns to face it: no grab from behind after
            opening = can & (rear | sub.foe_damaged[:, None] | sub.foe_overheated[:, None])
            extract = np.where(opening, odds * _of(self.win, rows)[:, None], 0.0)
            w = np.maximum(w, extract - self.threat_at(spots)) + pounce
            if self.leap_fuel is not None:
                w = w - _of(self.leap_fuel, rows)[:, None]
            worth[_all(rows)] = np.where(ok[_all(rows)], w, -np.inf)
        return _Worths(tiles, worth)

    def end_on(self, at: "_Spots", points: np.ndarray, heat: int) -> np.ndarray:
        """(n, K) worth of ending the turn on the tiles of `at`, arrived there with `heat` more, with `points` (n, 1) to strike first."""
        return self.end_on_idle(at, points, heat)[0]

    def end_on_idle(self, at: "_Spots", points: np.ndarray, heat: int, ok: np.ndarray | None = None,
                    out: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(end_on, the worth of arriving on the tiles of `at` with no points left, as after striking first elsewhere);
        both -inf on the tiles `ok` (n, K) leaves out, where given; end_on written into `out`, where given."""
        strikes = self.strikes_from(at, np.maximum(points, 0), heat)  # a new array: worked on in place below
        if self.replies is not None:
            pair = self.replies.take(_of(self.reply_base, at.rows)[:, None] + at.threat)
            threat, guarded = pair.real, pair.imag
        else:
            threat, guarded = self.threat_at(at), -self.threat_at(at, guarded=True)
        # with a point left, guarding there may beat striking from there (version 4: striking first with the others)
        guards = points >= engine.cost_of("guard")
        if self.game.rules >= 4:
            guarded = guarded + self.strikes_from(at, np.maximum(points - engine.cost_of("guard"), 0), heat)
        exchange, idle = np.subtract(strikes, threat, out=strikes), None
        if self.mimics:
            # a plan may end in a disguise: striking with all but the points it takes (any attack throws one off), guarding
            # or arriving with no points, where it can put one on or keeps one put on this turn
            spare = points - SPARE
            fewer = self.strikes_from(at, np.maximum(spare, 0), heat)
            worn = self.disguise_worth(at, points, struck=spare >= engine.cost_of("attack"))
            exchange = np.where(spare >= 0, np.maximum(exchange, fewer - threat + worn), exchange)
            guarded = guarded + self.disguise_worth(at, points - engine.cost_of("guard"), struck=False)
            idle = self.disguise_worth(at, np.zeros_like(points), struck=False)
        if guards.all():
            exchange = np.maximum(exchange, guarded, out=exchange)
        elif guards.any():
            exchange = np.where(guards, np.maximum(exchange, guarded), exchange)
        rest = self.rest_at(at, heat)  # a new array too
        if ok is not None:  # -inf plus or minus what is finite stays -inf
            rest = np.where(ok, rest, -np.inf)
        worth = np.add(exchange, rest, out=exchange if out is None else out)
        after = np.subtract(rest, threat, out=rest)
        return worth, after if idle is None else np.add(after, idle, out=after)

    def disguise_worth(self, at: "_Spots", points: np.ndarray, struck: np.ndarray | bool) -> np.ndarray:
        """(n, K) `disguise_worth` on the tiles of `at` where it can end its turn in a disguise, with `points` (n, 1) left to
        put one on: one it put on this turn and keeps if it does not strike (`struck`), or one it puts on there unseen
        (a strike throws off any disguise it wears)."""
        obs, t, rows = self.obs, self.game.tables, at.rows
        able = _of(t.can_mimic[obs.my_unit], rows)[:, None]
        bare = _of(obs.my_look == obs.my_unit, rows)[:, None]
        keep = able & ~bare & ~_of(obs.my_ambush, rows)[:, None] & ~np.asarray(struck)
        put_on = able & (bare | np.asarray(struck)) & (points >= engine.cost_of("mimic", self.game.rules))
        if not put_on.any():
            return np.where(keep, self.w.disguise_worth, 0.0)
        if at.unseen is None:  # the same tiles are weighed for several plans: worked out once
            at.unseen = engine.unseen_from(self.game, at.tiles, _of(obs.foe_pos, rows)[:, None])
        return np.where(keep | (put_on & at.unseen), self.w.disguise_worth, 0.0)


class _Spots:
    """Candidate tiles (n, K) of the duels `rows` of a decision (all when None), and where each reads its duel's rows."""

    def __init__(self, plans: Plans, tiles: np.ndarray, rows: np.ndarray | None = None) -> None:
        game, tab, obs = plans.game, plans.tab, plans.obs
        T, F = game.geo.tiles, len(DIRECTIONS)
        self.game, self.tab = game, tab
        self.tiles, self.rows = tiles, rows
        self.pe = pe = _of(obs.foe_pos, rows).astype(np.intp)[:, None]
        facing = _of(obs.foe_facing, rows)[:, None]
        self.rest: np.ndarray | None = None  # the kind of each tile (`Tables.rest_d`, ...), where the game keeps them
        if tab.spots is not None:  # one lookup by (enemy tile, its facing, tile) reads the three
            packed = tab.spots.take((pe * F + facing) * T + tiles).view(np.int16).reshape(tiles.shape + (4,))
            self.strike, self.threat, self.rest = packed[..., 0], packed[..., 1], packed[..., 2]
        else:
            self.strike = _strike_offsets(game, tab.D, tiles, pe, facing)
            self.threat = _threat_offsets(game, tab.D, tiles, pe)
        self.unseen: np.ndarray | None = None  # whether a disguise may go on unseen there (Plans.disguise_worth)

    @property
    def d(self) -> np.ndarray:
        """(n, K) Chebyshev distances of the tiles from the enemy."""
        return self.game.geo.cheb.reshape(-1).take(self.tiles * self.game.geo.tiles + self.pe)

    @property
    def path(self) -> np.ndarray:
        """(n, K) path distances of the tiles from the enemy, capped (`_path`)."""
        if self.tab.path is not None:
            return self.tab.path.take(self.pe * self.game.geo.tiles + self.tiles)
        return _path(self.game, self.tiles, self.pe)


def _best(obs: Observation, w: _Worths, row: np.ndarray, lane: int) -> tuple[np.ndarray, np.ndarray]:
    """Per duel: the worth and tile of its best candidate; among candidates of equal worth (within TIE), one drawn by the
    duel's own noise. The worth gets up to TIE more, drawn too (a different digit of the noise per `lane`), so that a
    move, a leap and staying put that are worth the same are not always weighed in the same order.

    Any fixed order (map order, or a sequence that steps through the tiles) would favour one spawn of
    a symmetric arena over the other. The ties are found once per view; only the draw is per duel
    (never in `Plans`, which weighs one duel per view).
    """
    V, K = w.worth.shape
    best = w.worth.max(axis=1)
    # every view's tied candidates, view by view, in order (np.nonzero of the 2-D array gives the same columns several
    # times slower; they are few, so counting them by view is quicker than summing the rows)
    tied = np.flatnonzero(w.worth >= (best - TIE)[:, None])
    view = tied // K
    count = np.bincount(view, minlength=V)
    cols = tied - view * K
    u = np.asarray(obs.noise)[:, 0]
    k = np.minimum((u * count.take(row)).astype(np.int64), count.take(row) - 1)  # which of its view's tied tiles
    first = np.cumsum(count) - count  # where each view's run of them starts
    pick = cols.take(first.take(row) + k)
    nudge = TIE * np.modf(u * 1000.0 ** (lane + 1))[0]
    return best.take(row) + nudge, w.tile.reshape(-1).take(row * w.tile.shape[1] + pick)


def _stretches(reach: np.ndarray, k: int) -> list[tuple[slice, int]]:
    """Stretches of a speed's duels, as (slice, columns), each weighing only as many candidate columns as its duels
    have tiles within reach (`reach`, (M,)): where the duels come in order of it (as `HeuristicBot.act` sorts them)
    and are many, a few stretches of at least STRETCH_MIN; else one of all `k` columns."""
    M = reach.shape[0]
    if M < 2 * STRETCH_MIN or bool((reach[1:] < reach[:-1]).any()):
        return [(slice(0, M), k)]
    out, start = [], 0
    for b in np.flatnonzero(reach[1:] != reach[:-1]) + 1:
        if b - start >= STRETCH_MIN and M - b >= STRETCH_MIN:
            out.append((slice(start, int(b)), int(reach[b - 1])))
            start = int(b)
    out.append((slice(start, M), int(reach[M - 1])))
    return out


def _within(rows: np.ndarray | slice | None, part: slice) -> np.ndarray | slice:
    """The duels `part` (a slice) of the duels `rows`."""
    if rows is None:
        return part
    if isinstance(rows, slice):
        return slice(rows.start + part.start, rows.start + part.stop)
    return rows[part]


def _all(rows: np.ndarray | slice | None) -> np.ndarray | slice:
    """`rows` as an index of the first axis (None: every duel)."""
    return slice(None) if rows is None else rows


def _groups(values: np.ndarray) -> list[tuple[int, np.ndarray | slice | None]]:
    """The duels of each value of `values` (a speed, a suit): None for all of them, a slice where they lie together
    (as the views `HeuristicBot.act` sorts by suit do), else their indices."""
    distinct = tactics.distinct(values)
    if distinct.size == 1:
        return [(int(distinct[0]), None)]
    out: list[tuple[int, np.ndarray | slice | None]] = []
    for v in distinct:
        m = np.flatnonzero(values == v)
        out.append((int(v), slice(int(m[0]), int(m[-1]) + 1) if m[-1] - m[0] + 1 == m.size else m))
    return out


def _reply_index(n: int, D: int, speed: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For rows of n duels' (n, 2, D + 1) values by (cover, distance; D: out of sight) flattened, the positions the enemy's
    reply to a tile reads, by (cover, sight, distance) of the tile (n, 4 * D): striking from where it stands, and after a
    move of `speed` (n,) tiles closer; and the tile's distance (1, 4 * D)."""
    cover, sight, d = (v.reshape(1, -1) for v in np.meshgrid([0, 1], [False, True], np.arange(D), indexing="ij"))
    row = (np.arange(n)[:, None] * 2 + cover) * (D + 1)
    return row + np.where(sight, d, D), row + np.clip(d - speed[:, None], 1, D - 1), d


def _overheat(chance: np.ndarray, melt: np.ndarray, shots: np.ndarray, room: np.ndarray) -> np.ndarray:
    """Expected heat beyond `room` from `shots` shots that each land `melt` with probability `chance` (binomial; broadcasts)."""
    chance, melt, shots, room = np.broadcast_arrays(chance, melt, shots, room)
    out = np.zeros(chance.shape)
    n_max = int(shots.max()) if shots.size else 0
    for k in range(1, n_max + 1):  # k shots landing out of `shots`
        ways = np.where(k <= shots, _choose(shots, k), 0.0)
        out += ways * chance**k * (1.0 - chance) ** np.maximum(shots - k, 0) * np.maximum(0.0, k * melt - room)
    return out


def _choose(n: np.ndarray, k: int) -> np.ndarray:
    """The binomial coefficients C(n, k), elementwise (0 where k > n)."""
    out = np.ones(n.shape)
    for i in range(k):
        out = out * np.maximum(n - i, 0) / (i + 1)
    return out


def disguise(game: Game, obs: Observation) -> np.ndarray:
    """Per duel: the look to put on, drawn evenly among the other suits of the roster (the duel's own noise); version 4:
    nor the suit the enemy shows (a suit knows its own kind)."""
    U = len(game.roster)
    if game.rules < 4:
        k = np.minimum((np.asarray(obs.noise)[:, 1] * (U - 1)).astype(np.int64), U - 2)
        return k + (k >= obs.my_unit)  # skip its own suit
    allowed = np.ones((obs.batch, U), dtype=bool)
    allowed[np.arange(obs.batch), obs.my_unit] = False
    allowed[np.arange(obs.batch), obs.foe_look] = False
    n = np.maximum(1, allowed.sum(axis=1))
    k = np.minimum((np.asarray(obs.noise)[:, 1] * n).astype(np.int64), n - 1)
    return np.argmax(np.cumsum(allowed, axis=1) > k[:, None], axis=1)


def slot_worth(game: Game, obs: Observation, melt_worth: np.ndarray, shot_heat: float, rear: np.ndarray, high: np.ndarray,
               adjacent: np.ndarray) -> np.ndarray:
    """(N, W) worth of one shot with each slot, from the rear or not, high ground or not, adjacent or not (range aside)."""
    chance, lo, hi, expected = tactics.slot_preview(game, obs.my_unit, obs.my_unit, obs.foe_look,
                                                    tactics.foe_guard_penalty(game, obs),
                                                    obs.foe_exposed, game.geo.cover[obs.foe_pos], high, rear,
                                                    adjacent, obs.my_ambush)
    return _worth(game, obs, melt_worth, shot_heat, chance, expected)


def tables(game: Game, weights: Weights | None = None) -> "Tables":
    """The bot's tables of `game` for its weights (the shipped ones by default), built on first use and kept on the game:
    the rows hold weighed numbers, so other weights have tables of their own."""
    w = load_weights(rules=game.rules) if weights is None else weights
    return game.derived("heuristic" if w == load_weights() else f"heuristic:{w.key()}", Tables.build)


@dataclass(eq=False)
class Tables:
    """What the bot keeps per game: offsets into its rows by tile pair, and the rows met so far.

    By (enemy tile, enemy facing, tile), packed in one whole number (`spots`: four int16, the last
    unused): the offset into a strike row ((rear, high ground, adjacent) and the distance in sight), the
    offset into a threat row ((the enemy's high ground over the tile, cover, sight) and the distance), and
    the tile's kind: its distance, path distance, hazard cost and cache, the few facts a rest row is read
    by, listed in `rest_d`, `rest_path`, `rest_cost`, `rest_cache`; by (enemy tile, tile), the path
    distance, capped. The enemy's tile comes first, so that a duel's candidate tiles read one stretch.
    None where the arena is too large to keep them (they are then worked out per call, by the same
    functions). The rows (`tactics.SharedRows`) are keyed by
    the facts of a duel they depend on; None where a roster makes too many codes.
    """

    D: int  # distances 0 .. D - 1 within the arena; D stands for out of sight
    spots: np.ndarray | None
    path: np.ndarray | None
    rest_d: np.ndarray  # (kinds,) per kind of tile: distance from the enemy
    rest_path: np.ndarray  # path distance from the enemy, capped
    rest_cost: np.ndarray  # hazard cost (tactics.hazard_cost)
    rest_cache: np.ndarray  # a Nectar cache
    neighbours: np.ndarray  # (T, F) the tiles beside each tile (0 outside the arena)
    inside: np.ndarray  # (T, F) bool: inside the arena
    cache: np.ndarray  # (T,) bool: a Nectar cache
    room_max: int  # the most heat any suit of the roster can take before its next turn (heat capacity + cooling)
    reach: dict[int, np.ndarray]  # by speed: (T,) the tiles within a move of each tile (tactics near_count)
    unit_reach: np.ndarray  # (U * T,) the same by suit and tile
    rows: dict[str, tactics.SharedRows | None] = field(default_factory=dict)

    @classmethod
    def build(cls, game: Game) -> "Tables":
        """The tile-pair offsets of a game; the rows start empty."""
        geo = game.geo
        T, F, U = geo.tiles, len(DIRECTIONS), len(game.roster)
        D = len(tactics.tactics(game).distances) - 1
        spots = path = None
        kinds = np.zeros((4, 0))
        if T * T * F <= TABLE_LIMIT:
            pe, tile = (v.reshape(-1) for v in np.meshgrid(np.arange(T), np.arange(T), indexing="ij"))
            path = _path(game, tile, pe)
            cost = tactics.hazard_cost(game).take(tile)
            facts = np.stack([geo.cheb[tile, pe], path, np.unique(cost, return_inverse=True)[1], geo.cache_of[tile] >= 0])
            kinds, first, inverse = np.unique(facts, axis=1, return_index=True, return_inverse=True)
            kinds = np.stack([geo.cheb[tile, pe], path, cost, geo.cache_of[tile] >= 0]).take(first, axis=1)
            pe, facing, tile = (v.reshape(-1) for v in np.meshgrid(np.arange(T), np.arange(F), np.arange(T), indexing="ij"))
            packed = np.zeros((T * F * T, 4), dtype=np.int16)
            packed[:, 0] = _strike_offsets(game, D, tile, pe, facing)
            packed[:, 1] = _threat_offsets(game, D, tile, pe)
            packed[:, 2] = inverse.reshape(T, 1, T).repeat(F, axis=1).reshape(-1)
            assert max(len(COMBOS) * (D + 1), 16 * D, kinds.shape[1]) < 1 << 15  # T * T * F within TABLE_LIMIT sees to it
            spots = packed.view(np.int64).reshape(-1)
        x, y = geo.xy[:, 0, None].astype(np.int64) + DIRECTIONS[None, :, 0], geo.xy[:, 1, None].astype(np.int64) + DIRECTIONS[None, :, 1]
        inside = (x >= 0) & (x < geo.width) & (y >= 0) & (y < geo.height)
        imax = int(game.tables.integrity.max())
        room_max = int((game.tables.heat_capacity + game.tables.cooling).max())
        nmax = int(game.tables.nectar.max())
        reach = {int(v): tactics.tactics(game).near_count(int(v)) for v in np.unique(game.tables.speed)}
        sizes = {"strike": U * U * (1 << 6) * (1 << W), "threat": U * U * 2 * (imax + 1), "future": U * U * 4 * (1 << W),
                 "melt": U * U * 2 * (room_max + 1), "reply": U * U * 2 * (imax + 1) * (room_max + 1),
                 "rest": U * U * 4 * (1 << W) * 2 * (nmax + 1)}
        widths = {"strike": len(COMBOS) * (D + 1), "threat": 16 * D, "future": D, "melt": 16 * D, "reply": 32 * D,
                  "rest": kinds.shape[1]}
        rows = {k: tactics.SharedRows(n, widths[k]) if n <= TABLE_LIMIT else None for k, n in sizes.items()}
        return cls(D, spots, path, kinds[0].astype(np.intp), kinds[1].astype(geo.dist.dtype),
                   kinds[2].astype(np.float64), kinds[3].astype(bool), np.where(inside, y * geo.width + x, 0), inside,
                   geo.cache_of >= 0, room_max, reach, np.concatenate([reach[int(v)] for v in game.tables.speed]), rows)


def _worth(game: Game, obs: Observation, melt_worth: np.ndarray, shot_heat: float, chance: np.ndarray,
           expected: np.ndarray) -> np.ndarray:
    """(N, W) worth of one shot with each slot of the given hit chances and expected damage: melt counted, the heat the
    shot adds to the shooter weighed at `shot_heat` a point (the vents it will cost), Nectar kept."""
    t = game.tables
    melt = chance * t.w_melt[obs.my_unit] * melt_worth[:, None]
    affordable = tactics.fed_slots(game, obs.my_unit, obs.my_nectar - 1)  # never fire itself into shutdown
    worth = expected + melt - shot_heat * t.w_heat[obs.my_unit] if shot_heat else expected + melt
    return np.where(t.w_valid[obs.my_unit] & affordable, worth, 0.0)


def _strike_offsets(game: Game, D: int, tiles: np.ndarray, pe: np.ndarray, facing: np.ndarray) -> np.ndarray:
    """Offsets into a strike row of tiles `tiles` against an enemy on `pe` facing `facing`: (rear, high, adjacent), distance in sight."""
    geo = game.geo
    d = geo.cheb[tiles, pe].astype(np.int64)
    high = geo.high[tiles] & ~geo.high[pe]
    rear = tactics.in_rear_of(game, tiles, pe, facing)
    combo = rear.astype(np.int64) * 4 + high * 2 + (d == 1)
    return combo * (D + 1) + np.where(geo.los[tiles, pe], d, D)


def _threat_offsets(game: Game, D: int, tiles: np.ndarray, pe: np.ndarray) -> np.ndarray:
    """Offsets into a threat (or melt) row of tiles `tiles` with the enemy on `pe`: (the enemy on high ground over the
    tile, unguarded), (cover, sight), distance; a guarded tile reads 4 * D further on."""
    geo = game.geo
    high = geo.high[pe] & ~geo.high[tiles]  # the enemy on high ground over the tile
    return high * (8 * D) + (geo.cover[tiles].astype(np.int64) * 2 + geo.los[tiles, pe]) * D + geo.cheb[tiles, pe]


def _path(game: Game, tiles: np.ndarray, pe: np.ndarray) -> np.ndarray:
    """Path distances of tiles `tiles` from the enemy's tile `pe`, capped at the arena's width plus height."""
    geo = game.geo
    return np.minimum(geo.dist[tiles, pe], geo.width + geo.height)


def _mask(legal: engine.Legal | np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
    """The (N, A) legal mask (of duels `rows` only, when given), from an `engine.Legal` or a mask."""
    if rows is None:
        return np.asarray(legal.mask if hasattr(legal, "mask") else legal)
    if hasattr(legal, "take"):
        return legal.take(rows).mask
    return np.asarray(legal).take(rows, axis=0)


def _mask_at(mask: np.ndarray, rows: np.ndarray | None, actions: np.ndarray) -> np.ndarray:
    """mask[rows[i], actions[i, k]] (rows: every duel when None)."""
    r = np.arange(mask.shape[0]) if rows is None else np.arange(mask.shape[0])[rows] if isinstance(rows, slice) else rows
    return mask.reshape(-1).take((r * mask.shape[1])[:, None] + actions)


def _all_apart(obs: Observation) -> bool:
    """Whether a few fields of the view (positions, facings, gauges, points, turn) already differ between every two duels of a
    small batch, so that no two share a view (`distinct_views` would say None, after reading every field)."""
    if obs.batch >= APART_MAX:
        return False
    h = np.zeros(obs.batch, dtype=np.uint64)
    for v in (obs.my_pos, obs.foe_pos, obs.my_facing, obs.foe_facing, obs.my_integrity, obs.foe_integrity, obs.my_heat,
              obs.foe_heat, obs.my_nectar, obs.foe_nectar, obs.ap, obs.turn):
        h = (h ^ v.astype(np.uint64)) * _MIX  # equal fields, equal numbers (negative ones wrap round)
    h.sort()
    return bool((h[1:] != h[:-1]).all())


def _sub(obs: Observation, rows: np.ndarray | slice | None) -> Observation:
    """The views of duels `rows` (all when None; a slice of them shares their arrays)."""
    if rows is None:
        return obs
    if isinstance(rows, slice):
        return Observation(**{f.name: getattr(obs, f.name)[rows] for f in fields(obs)})
    return obs.take(rows)


def _of(values: np.ndarray, rows: np.ndarray | slice | None) -> np.ndarray:
    """The values of duels `rows` (all when None; a slice of them is a view)."""
    if rows is None:
        return values
    return values[rows] if isinstance(rows, slice) else values.take(rows, axis=0)
