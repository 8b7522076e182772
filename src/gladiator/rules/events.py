"""A step's events, built in one place: the log's entries and the tally's counts, from what the step did.

The resolvers (`rules.actions`) and the turn's phases (`rules.turns`) return `EventBatch`es; `count`
adds them to a tally (`state.EventCount`) and `write` turns them into the dicts of a duel's log,
each duel's entries in the order they happened. The log's vocabulary (every event and its keys)
is `docs/rules.md`'s and `narrate`'s. Imports numpy, the game, the state and the rules' formulas.
"""

from __future__ import annotations

from typing import Iterable

import numpy as np

from gladiator.game import W, Game
from gladiator.rules import constants as K
from gladiator.rules.actions import EventBatch
from gladiator.rules.combat import HIT_TERMS, extraction_odds, gauge, hit_terms, integrity_lost
from gladiator.state import EV, EVENT_KINDS, OUTCOMES, DuelState, EventCount


def count(game: Game, tally: EventCount, batches: Iterable[EventBatch]) -> None:
    """Count the events of `batches` into a tally: one column per kind, per weapon fired and per suit mimicked."""
    for e in batches:
        if e.event in ("move", "leap", "guard", "vent", "inject"):
            tally(e.idx, e.side, EV[e.event])
        elif e.event == "cache":
            tally(e.idx, e.side, EV["cache_taken"])
        elif e.event == "attack":
            cells = tally.cells(e.idx, e.side)
            tally.add(cells, EV["attack"])
            tally.add(cells, EV["rear_attack"], e.facts["rear"])
            tally.add(cells, EV["hit"], e.facts["hit"])
            tally.add(cells, len(EVENT_KINDS) + e.facts["weapon"])
        elif e.event == "mimic":
            cells = tally.cells(e.idx, e.side)
            tally.add(cells, EV["mimic"])
            tally.add(cells, len(EVENT_KINDS) + len(game.roster) * W + e.facts["as"])
        elif e.event == "extract":
            cells = tally.cells(e.idx, e.side)
            tally.add(cells, EV["extract_attempt"])
            tally.add(cells, EV["extract_success"], e.facts["success"])
        elif e.event == "grab":  # version 4: an extraction begun (by the extract action)
            tally(e.idx, e.side, EV["extract_attempt"])
        elif e.event == "tear_out":
            tally(e.idx, e.side, EV["extract_success"])
        elif e.event == "hazard":
            tally(e.idx, e.side, EV["hazard_turn"], e.facts["on"])
        elif e.event == "turn":
            tally(e.idx, e.side, EV["overheated_turn"], e.facts["hot"])


def write(game: Game, s: DuelState, log: list[list[dict]], batches: Iterable[EventBatch], live: np.ndarray) -> None:
    """Append the entries of `batches` to the logs of their duels (log[b]: duel b's), then the result of every duel of
    `live` that ended; every entry of a live duel is stamped with the look each side shows after the step."""
    for e in batches:
        entries = ENTRIES[e.event](game, e)
        for b, entry in zip(e.idx.tolist(), entries):
            if isinstance(entry, list):  # an event with others after it (a turn that melts or shuts a suit down)
                log[b].extend(entry)
            elif entry is not None:  # (None: no entry for this duel, e.g. a turn ended off the hazards)
                log[b].append(entry)
    for b in np.flatnonzero(live & s.done):
        log[b].append({"event": "result", "winner": int(s.winner[b]), "outcome": OUTCOMES[int(s.outcome[b])], "turns": int(s.turn[b])})
    for b in np.flatnonzero(live):
        looks = looks_of(s, b)
        for ev in log[b]:
            ev.setdefault("looks", looks)


def opening(s: DuelState, b: int = 0) -> list[dict]:
    """The entries a duel's log opens with (who moves first, the first turn), which no action produces."""
    looks = looks_of(s, b)
    a = int(s.active[b])
    return [{"event": "start", "first": int(s.first[b]), "turn": int(s.turn[b]), "looks": looks},
            {"event": "turn", "side": a, "turn": int(s.turn[b]), "ap": int(s.ap[b]), "cooled": 0, "heat": int(s.heat[b, a]),
             "overheat_damage": 0, "nectar": int(s.nectar[b, a]), "disguise_ended": False, "looks": looks}]


def looks_of(s: DuelState, b: int) -> list[int]:
    """The roster index each side of duel `b` shows."""
    return [int(s.disguise[b, k]) if s.disguise[b, k] >= 0 else int(s.unit[b, k]) for k in (0, 1)]


def _walk(game: Game, e: EventBatch) -> list[dict]:
    f = e.facts
    extra = ({"behind": v} for v in f["behind"].tolist()) if e.event == "leap" else ({} for _ in range(e.idx.size))
    return [{"event": e.event, "side": sd, "from": a, "to": b, "facing": fc} | x
            for sd, a, b, fc, x in zip(e.side.tolist(), f["from"].tolist(), f["to"].tolist(), f["facing"].tolist(), extra)]


def _cache(game: Game, e: EventBatch) -> list[dict]:
    f = e.facts
    return [{"event": "cache", "side": sd, "gained": n - b, "nectar": n}
            for sd, b, n in zip(e.side.tolist(), f["before"].tolist(), f["nectar"].tolist())]


def _attack(game: Game, e: EventBatch) -> list[dict]:
    t, f = game.tables, e.facts
    wu, tu, slot, flags = f["unit"], f["target"], f["slot"], f["flags"]
    look = np.where(f["target_disguise"] >= 0, f["target_disguise"], tu)
    terms = hit_terms(t, wu, slot, tu, *flags)
    seen = hit_terms(t, wu, slot, look, *flags)  # what the attacker sees: the terms against the suit shown
    out = []
    for i in range(e.idx.size):
        sd = int(e.side[i])
        tmax, smax = t.integrity[tu[i]], t.integrity[look[i]]
        seen_before, seen_after = (int(gauge(np.array(v), tmax, smax)) for v in (f["integrity_before"][i], f["integrity"][i]))
        weapon = game.roster[int(wu[i])].weapons[int(slot[i])]
        out.append({
            "event": "attack", "side": sd, "weapon": weapon.id, "weapon_name": weapon.name, "slot": int(slot[i]),
            "ranged": bool(t.w_ranged[wu[i], slot[i]]),
            "chance": float(terms["chance"][i]), "terms": {k: float(terms[k][i]) for k in HIT_TERMS},
            "rear": bool(f["rear"][i]), "ambush": bool(f["ambush"][i]), "unmask": bool(f["unmask"][i]),
            "roll": float(f["roll"][i]), "hit": bool(f["hit"][i]),
            "damage_roll": int(f["damage_roll"][i]), "damage": int(f["damage"][i]), "melt": int(f["melt"][i]),
            "integrity": int(f["integrity"][i]), "integrity_before": int(f["integrity_before"][i]),
            "heat": int(f["heat"][i]), "target_heat": int(f["target_heat"][i]),
            "nectar": int(f["nectar"][i]),
            **({"charge": bool(f["charge"][i]), "watch": bool(f["watch"][i])} if game.rules >= 4 else {}),
            "seen": {"chance": float(seen["chance"][i]), "terms": {k: float(seen[k][i]) for k in HIT_TERMS},
                     "damage": seen_before - seen_after, "integrity": seen_after, "integrity_before": seen_before,
                     "target_heat": int(gauge(np.array(f["target_heat"][i]), t.heat_capacity[tu[i]], t.heat_capacity[look[i]]))},
        })
    return out


def _guard(game: Game, e: EventBatch) -> list[dict]:
    return [{"event": "guard", "side": sd} for sd in e.side.tolist()]


def _vent(game: Game, e: EventBatch) -> list[dict]:
    f = e.facts
    return [{"event": "vent", "side": sd, "shed": b - h, "heat": h}
            for sd, b, h in zip(e.side.tolist(), f["before"].tolist(), f["heat"].tolist())]


def _inject(game: Game, e: EventBatch) -> list[dict]:
    f = e.facts
    return [{"event": "inject", "side": sd, "gained": n - b, "nectar": n, "doses": d}
            for sd, b, n, d in zip(e.side.tolist(), f["before"].tolist(), f["nectar"].tolist(), f["doses"].tolist())]


def _mimic(game: Game, e: EventBatch) -> list[dict]:
    f = e.facts
    return [{"event": "mimic", "side": sd, "as": game.roster[a].id, "was": game.roster[w].id, "turns": K.MIMIC_TURNS}
            for sd, a, w in zip(e.side.tolist(), f["as"].tolist(), f["was"].tolist())]


def _extract(game: Game, e: EventBatch) -> list[dict]:
    t, f = game.tables, e.facts
    tu = f["target"]
    look = np.where(f["target_disguise"] >= 0, f["target_disguise"], tu)
    # the odds the extractor was shown: against the suit the enemy shows, on its gauge
    seen = extraction_odds(t, f["unit"], look,
                           integrity_lost(gauge(f["target_integrity"], t.integrity[tu], t.integrity[look]), t.integrity[look]))
    return [{"event": "extract", "side": sd, "chance": p, "roll": r, "success": w, "seen": {"chance": q}}
            for sd, p, r, w, q in zip(e.side.tolist(), f["chance"].tolist(), f["roll"].tolist(), f["success"].tolist(),
                                      seen.tolist())]


def _side_only(game: Game, e: EventBatch) -> list[dict]:
    return [{"event": e.event, "side": sd} for sd in e.side.tolist()]


def _hazard(game: Game, e: EventBatch) -> list[dict | None]:
    heat = game.arena.hazard_heat
    return [{"event": "hazard", "side": sd, "heat": heat, "heat_after": h} if on else None
            for sd, on, h in zip(e.side.tolist(), e.facts["on"].tolist(), e.facts["heat"].tolist())]


def _turn(game: Game, e: EventBatch) -> list[list[dict]]:
    f = e.facts
    out = []
    for sd, turn, ap, cooled, heat, hurt, nectar, ended, melted, shut, shut_side in zip(
            e.side.tolist(), f["turn"].tolist(), f["ap"].tolist(), f["cooled"].tolist(), f["heat"].tolist(),
            f["overheat_damage"].tolist(), f["nectar"].tolist(), f["disguise_ended"].tolist(), f["melted"].tolist(),
            f["shutdown"].tolist(), f["shut_side"].tolist()):
        entries = [{"event": "turn", "side": sd, "turn": turn, "ap": ap, "cooled": cooled, "heat": heat,
                    "overheat_damage": hurt, "nectar": nectar, "disguise_ended": ended}]
        if "staggered" in f:  # (version 4: an ambush since its last turn cost it a point)
            entries[0]["staggered"] = bool(f["staggered"][len(out)])
        if melted:
            entries.append({"event": "melted", "side": sd})
        if shut:  # (version 4 judges both sides at the second mover's turn: the one whose Nectar ran out)
            entries.append({"event": "shutdown", "side": shut_side})
        out.append(entries)
    return out


# the log entries of each kind of event, by its name (a turn may add "melted" or "shutdown" after its own)
ENTRIES = {"move": _walk, "leap": _walk, "cache": _cache, "attack": _attack, "guard": _guard, "vent": _vent,
           "inject": _inject, "mimic": _mimic, "extract": _extract, "destroyed": _side_only, "end_turn": _side_only,
           "hazard": _hazard, "turn": _turn,
           # version 4: a hold begun (by the extract action or a leap behind), let go, broken by a hit, and a core torn out
           "grab": _side_only, "let_go": _side_only, "break_free": _side_only, "tear_out": _side_only}
