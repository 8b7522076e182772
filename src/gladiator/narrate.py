"""Turn engine events into combat-log lines a person can read: the spectator's truth, or one side's view.

`seen_event` says what one side may know of an event (the engine's "seen" values, the enemy's
gauges on the scale of the suit it shows, no dice and no hidden counts); `describe` and
`narrate` write the lines, and the window animates the same seen events. Imports the engine
(for its gauge reading) and the game; never a front end.
"""

from __future__ import annotations

import numpy as np

from gladiator.engine import gauge
from gladiator.game import Game
from gladiator.state import OUTCOME_LABELS

FACINGS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")
TERM_LABELS = {"evasion": "evasion", "guard": "guard", "cover": "cover", "high_ground": "high ground",
               "rear": "rear arc", "exposed": "exposed", "point_blank": "point blank", "ambush": "ambush"}
CLOSES_TURN = ("turn", "result")  # events after which the turn before has nothing more to tell (`quiet_turn`)
DICE = ("roll", "damage_roll")  # the draws themselves: set beside a chance the viewer does not know, they would tell it


def tile_name(game: Game, tile: int) -> str:
    """(x, y) of a tile."""
    return f"({int(game.geo.xy[tile, 0])},{int(game.geo.xy[tile, 1])})"


def names_for(game: Game, units: tuple[str, str], ev: dict, viewer: int | None = None) -> list[str]:
    """What each side is called in a line about `ev`: its own name, and the other side's shown suit for a viewer."""
    names = [game.roster[game.unit_index(u)].name for u in units]
    if viewer is not None:
        other = 1 - viewer
        look = int(ev["looks"][other]) if "looks" in ev else game.unit_index(units[other])
        names[other] = enemy_name(game.roster[look].name)
    return names


def enemy_name(look: str) -> str:
    """How a side's log names the other side: by the suit it shows, which may be a disguise (the same words either way)."""
    return f"the enemy (looks like {look})"


def quiet_turn(line: str, header: dict, viewer: int | None = None) -> str:
    """A turn's header (`line`, of event `header`) with no line after it: the side did nothing, or, for the enemy of
    the viewer, nothing the viewer could see (a disguise is put on unseen: the same words whether it was or not)."""
    return f"{line} Nothing seen." if viewer is not None and header.get("side") != viewer else f"{line} No action."


class QuietTurns:
    """Follows a log as its lines are written, to tell which turn's header stands alone when the next turn or the
    result comes: that turn had nothing to tell (`quiet_turn`). The logs and the window's log both keep one."""

    def __init__(self) -> None:
        self._header: tuple[int, dict] | None = None  # the line and event of a turn's header with nothing after it yet

    def told(self, ev: dict, index: int) -> tuple[int, dict] | None:
        """Line `index` tells `ev`: the header (its line, its event) of the turn before if that turn told nothing."""
        quiet = self._header if ev["event"] in CLOSES_TURN else None
        self._header = (index, ev) if ev["event"] == "turn" else None
        return quiet


def seen_event(game: Game, units: tuple[str, str], ev: dict, viewer: int | None = None) -> dict:
    """The event as side `viewer` may know it (the event itself for the spectator, `viewer=None`).

    Of its own suit a side knows everything; the enemy's heat, Nectar and integrity are read on
    the gauges of the suit it shows (exact when it shows its own), its doses are not known, its
    core-extraction odds are not known, the viewer's own strikes and extractions carry what the
    viewer saw when it chose them (`ev["seen"]`), the dice are left out, and an enemy's blow that
    takes the viewer's last points is told by what it took (`integrity_before`: the viewer's own
    last points), not by its full size, which would tell the dice. Needs `ev["looks"]`
    (the suit each side shows after the event's step) when `viewer` is given.
    """
    if viewer is None:
        return ev
    kind = ev["event"]
    side = ev.get("side")
    out = {k: v for k, v in ev.items() if k not in DICE}
    if side == viewer:
        seen = ev.get("seen") or {}
        if kind == "attack" and seen:
            out.update(chance=seen["chance"], terms=dict(seen["terms"]), damage=seen["damage"], integrity=seen["integrity"],
                       integrity_before=seen.get("integrity_before", seen["integrity"] + seen["damage"]),
                       target_heat=seen["target_heat"])
        elif kind == "extract":
            out.pop("chance", None)
            if "chance" in seen:
                out["chance"] = seen["chance"]
        out.pop("seen", None)
        return out
    out.pop("seen", None)
    if not isinstance(side, int):
        return out
    t = game.tables
    true = game.unit_index(units[side])
    look = int(ev["looks"][side]) if "looks" in ev else true

    def read(value: int, maxima: object) -> int:
        return int(gauge(np.asarray(value), maxima[true], maxima[look]))  # type: ignore[index]

    def change(after: int, delta: int, maxima: object) -> int:
        return abs(read(after, maxima) - read(after - delta, maxima))

    heat, integ, nectar = t.heat_capacity, t.integrity, t.nectar
    if kind == "turn":
        # a disguise that falls shows the true heat: how much it cooled from a heat seen on another suit's gauge is not known
        out.update(heat=read(ev["heat"], heat), nectar=read(ev["nectar"], nectar),
                   cooled=0 if ev.get("disguise_ended") else change(ev["heat"], -ev["cooled"], heat),
                   overheat_damage=read(ev["overheat_damage"], integ) if ev["overheat_damage"] else 0)
    elif kind == "attack":
        out.update(heat=read(ev["heat"], heat), nectar=read(ev["nectar"], nectar))
        if ev["hit"] and ev["integrity"] <= 0:  # a blow past the last point: the viewer felt what it had left, not the blow
            out["damage"] = ev["integrity_before"] - ev["integrity"] if "integrity_before" in ev else None
    elif kind == "vent":
        out.update(heat=read(ev["heat"], heat), shed=change(ev["heat"], -ev["shed"], heat))
    elif kind in ("inject", "cache"):
        out.update(nectar=read(ev["nectar"], nectar), gained=change(ev["nectar"], ev["gained"], nectar))
        out.pop("doses", None)
    elif kind == "hazard":
        out.update(heat_after=read(ev["heat_after"], heat))
    elif kind == "extract":
        out.pop("chance", None)
    return out


def describe(game: Game, units: tuple[str, str], ev: dict, viewer: int | None = None) -> str | None:
    """One log line for an event, or None for events that say nothing on their own.

    `viewer=None` tells the spectator's truth; `viewer=k` tells what side k may know (`seen_event`):
    the other side is "the enemy" named by the suit it shows (`enemy_name`), its disguise is seen as a change of look.
    """
    return _sentence(_describe(game, units, ev, viewer))


def _describe(game: Game, units: tuple[str, str], ev: dict, viewer: int | None = None) -> str | None:
    names = names_for(game, units, ev, viewer)
    ev = seen_event(game, units, ev, viewer)
    kind = ev["event"]
    who = names[ev["side"]] if "side" in ev else ""
    if kind == "start":
        line = f"{names[ev['first']]} moves first."
        looks = ev.get("looks") or []
        disguised = [k for k, look in enumerate(looks) if game.roster[int(look)].id != units[k] and (viewer is None or viewer == k)]
        for k in disguised:  # what the spectator, or the side itself, knows: who starts in a disguise
            line += f" {game.roster[game.unit_index(units[k])].name} starts disguised as {game.roster[int(looks[k])].name}."
        return line
    if kind == "turn":
        extra = []
        if ev.get("cooled"):
            extra.append(f"cooled {ev['cooled']}")
        if ev.get("overheat_damage"):
            extra.append(f"OVERHEATED: -{ev['overheat_damage']} integrity, -1 AP")
        if ev.get("disguise_ended"):
            extra.append("disguise falls away")
        if ev.get("staggered"):
            extra.append("staggered by the ambush: -1 AP")
        tail = f" ({'; '.join(extra)})" if extra else ""
        return f"-- Turn {ev['turn']}: {who}, {ev['ap']} AP, heat {ev['heat']}, Nectar {ev['nectar']}{tail}"
    if kind in ("move", "leap"):
        verb = "moves" if kind == "move" else "LEAPS"
        behind = " behind the enemy: caught off guard" if ev.get("behind") else ""
        return f"{who} {verb} {tile_name(game, ev['from'])} -> {tile_name(game, ev['to'])}, facing {FACINGS[ev['facing']]}{behind}"
    if kind == "attack":
        mods = [f"accuracy {ev['terms']['accuracy']:.0%}"]
        mods += [f"{TERM_LABELS[k]} {v:+.0%}" for k, v in ev["terms"].items() if k != "accuracy" and v]
        head = f"{who} fires {ev['weapon_name']}" if ev["ranged"] else f"{who} strikes with {ev['weapon_name']}"
        if ev.get("charge"):
            head = f"{who} charges in with {ev['weapon_name']}"
        if ev.get("watch"):
            head = f"{who} strikes from its guard with {ev['weapon_name']}"
        if ev.get("unmask", ev.get("ambush")):
            head = f"{who} throws off the disguise and {head[len(who) + 1:]}"
        line = f"{head}: hit chance {ev['chance']:.0%} [{', '.join(mods)}]"
        if "roll" in ev:
            line += f", roll {ev['roll']:.2f}"
        if ev["hit"]:
            notes = ([f"roll {ev['damage_roll']}"] if "damage_roll" in ev else []) + (["rear"] if ev["rear"] else [])
            line += " HIT" + (f" for {ev['damage']}" if ev["damage"] is not None else "") + (f" ({', '.join(notes)})" if notes else "")
            if ev["melt"]:
                line += f", melt +{ev['melt']} heat"
            line += f"; target integrity {ev['integrity']}, target heat {ev['target_heat']}"
        else:
            line += " MISS"
        return line + f"; {who} heat {ev['heat']}, Nectar {ev['nectar']}"
    if kind == "guard":
        return f"{who} raises guard"
    if kind == "vent":
        return f"{who} vents {ev['shed']} heat (heat {ev['heat']})"
    if kind == "inject":
        left = f", {ev['doses']} doses left" if "doses" in ev else ""
        return f"{who} injects Nectar: +{ev['gained']} (Nectar {ev['nectar']}{left})"
    if kind == "cache":
        return f"{who} takes the Nectar cache: +{ev['gained']} (Nectar {ev['nectar']})"
    if kind == "hazard":
        return f"{who} burns on a hazard: +{ev['heat']} heat (heat {ev['heat_after']})"
    if kind == "mimic":
        look = game.roster[game.unit_index(ev["as"])].name
        if viewer is not None and ev["side"] != viewer:
            return None  # a disguise is put on unseen (rules: out of sight, or far away)
        return f"{who} disguises as {look} " + ("until its first attack" if game.rules >= 4 else f"for {ev['turns']} turns")
    if kind == "extract":
        verdict = "TEARS OUT THE CORE" if ev["success"] else "fails and is exposed"
        odds = [f"odds {ev['chance']:.0%}"] if "chance" in ev else []
        odds += [f"roll {ev['roll']:.2f}"] if "roll" in ev else []
        return f"{who} reaches for the core: {', '.join(odds)}: {verdict}" if odds else f"{who} reaches for the core: {verdict}"
    if kind in SIDE_EVENTS:
        return SIDE_EVENTS[kind].format(who=who)
    if kind == "result":
        if ev["winner"] < 0:
            if ev["turns"] < game.arena.turn_limit:  # (version 4: both sides' Nectar ran out in the same round)
                return f"== Draw: both run out of Nectar after {ev['turns']} turns"
            return f"== Draw at the turn limit after {ev['turns']} turns"
        return f"== {names[ev['winner']]} wins ({OUTCOME_LABELS[ev['outcome']]}) in {ev['turns']} turns"
    return None


# the events that are a side and what befell it, as a line each
SIDE_EVENTS = {
    "grab": "{who} GRABS the enemy: its core comes out next turn unless it lands a hit",  # (version 4's, as the next three)
    "break_free": "{who} breaks free", "let_go": "{who} lets go", "tear_out": "{who} TEARS OUT THE CORE",
    "melted": "{who}'s suit melts down", "shutdown": "{who} runs out of Nectar and shuts down",
    "destroyed": "{who}'s suit is destroyed",
}


def narrate(game: Game, units: tuple[str, str], events: list[dict], viewer: int | None = None) -> list[str]:
    """Every line of a combat log: the spectator's (`viewer=None`), or as side `viewer` may know it."""
    return _log(describe, game, units, events, viewer)


def describe_plain(game: Game, units: tuple[str, str], ev: dict, viewer: int | None = None) -> str | None:
    """One line of the plain-words log for players (no percentages, no rolls), or None; as `describe`, for a viewer."""
    return _sentence(_describe_plain(game, units, ev, viewer))


def _sentence(line: str | None) -> str | None:
    """A line that begins with a name in lower case ("the enemy ...") begins with a capital."""
    return line[:1].upper() + line[1:] if line else line


def _describe_plain(game: Game, units: tuple[str, str], ev: dict, viewer: int | None = None) -> str | None:
    raw = ev
    names = names_for(game, units, ev, viewer)
    ev = seen_event(game, units, ev, viewer)
    kind = ev["event"]
    who = names[ev["side"]] if "side" in ev else ""
    if kind in ("start", "melted", "shutdown", "destroyed", "result", "mimic"):
        return describe(game, units, raw, viewer)  # already plain words
    if kind == "turn":
        worse = " Overheated: it burns and loses a point of action." if ev.get("overheat_damage") else ""
        fell = " The disguise falls away." if ev.get("disguise_ended") else ""
        return f"Turn {ev['turn']}: {who}.{worse}{fell}"
    if kind == "move":
        return f"{who} moves."
    if kind == "leap":
        return f"{who} leaps{' behind the enemy, catching it off guard' if ev.get('behind') else ''}!"
    if kind == "attack":
        how = "fires" if ev["ranged"] else "strikes with"
        lead = f"{who} throws off the disguise and {how}" if ev.get("unmask", ev.get("ambush")) else f"{who} {how}"
        if not ev["hit"]:
            return f"{lead} {ev['weapon_name']} and misses."
        extra = (" from behind" if ev["rear"] else "") + (", and the heat builds" if ev["melt"] else "")
        dealt = "a blow" if ev["damage"] is None else f"{ev['damage']} damage"
        return f"{lead} {ev['weapon_name']}: {dealt}{extra}."
    if kind == "extract":
        return f"{who} reaches for the core... " + ("and tears it out!" if ev["success"] else "and misses, exposed.")
    if kind == "guard":
        return f"{who} raises its guard."
    if kind == "vent":
        return f"{who} vents heat."
    if kind == "inject":
        return f"{who} injects Nectar."
    if kind == "cache":
        return f"{who} takes the Nectar cache."
    if kind == "hazard":
        return f"{who} burns on a hazard."
    return None


def narrate_plain(game: Game, units: tuple[str, str], events: list[dict], viewer: int | None = None) -> list[str]:
    """Every line of the plain-words log (see `describe_plain`)."""
    return _log(describe_plain, game, units, events, viewer)


def _log(tell, game: Game, units: tuple[str, str], events: list[dict], viewer: int | None) -> list[str]:  # type: ignore[no-untyped-def]
    """The lines `tell` writes for `events`, with every turn that ends with nothing to tell saying so (`quiet_turn`)."""
    lines: list[str] = []
    turns = QuietTurns()
    for ev in events:
        line = tell(game, units, ev, viewer)
        if line is None:
            continue
        quiet = turns.told(ev, len(lines))
        if quiet is not None:
            lines[quiet[0]] = quiet_turn(lines[quiet[0]], quiet[1], viewer)
        lines.append(line)
    return lines
