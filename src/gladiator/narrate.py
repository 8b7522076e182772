"""Turn engine events into combat-log lines a person can read."""

from __future__ import annotations

from gladiator.game import Game

FACINGS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")
TERM_LABELS = {"evasion": "evasion", "guard": "guard", "cover": "cover", "high_ground": "high ground",
               "rear": "rear arc", "exposed": "exposed", "point_blank": "point blank", "ambush": "ambush"}


def tile_name(game: Game, tile: int) -> str:
    """(x, y) of a tile."""
    return f"({int(game.geo.xy[tile, 0])},{int(game.geo.xy[tile, 1])})"


def describe(game: Game, units: tuple[str, str], ev: dict) -> str | None:
    """One log line for an event, or None for events that say nothing on their own."""
    names = [game.roster[game.unit_index(u)].name for u in units]
    kind = ev["event"]
    who = names[ev["side"]] if "side" in ev else ""
    if kind == "start":
        return f"{names[ev['first']]} moves first."
    if kind == "turn":
        extra = []
        if ev.get("cooled"):
            extra.append(f"cooled {ev['cooled']}")
        if ev.get("overheat_damage"):
            extra.append(f"OVERHEATED: -{ev['overheat_damage']} integrity, -1 AP")
        if ev.get("disguise_ended"):
            extra.append("disguise falls away")
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
        if ev.get("ambush"):
            head = f"{who} throws off the disguise and {head[len(who) + 1:]}"
        line = f"{head}: hit chance {ev['chance']:.0%} [{', '.join(mods)}], roll {ev['roll']:.2f}"
        if ev["hit"]:
            line += f" HIT for {ev['damage']} (roll {ev['damage_roll']}{', rear' if ev['rear'] else ''})"
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
        return f"{who} injects Nectar: +{ev['gained']} (Nectar {ev['nectar']}, {ev['doses']} doses left)"
    if kind == "cache":
        return f"{who} takes the Nectar cache: +{ev['gained']} (Nectar {ev['nectar']})"
    if kind == "hazard":
        return f"{who} burns on a hazard: +{ev['heat']} heat (heat {ev['heat_after']})"
    if kind == "mimic":
        return f"{who} disguises as {game.roster[game.unit_index(ev['as'])].name} for {ev['turns']} turns"
    if kind == "extract":
        verdict = "TEARS OUT THE CORE" if ev["success"] else "fails and is exposed"
        return f"{who} reaches for the core: odds {ev['chance']:.0%}, roll {ev['roll']:.2f}: {verdict}"
    if kind == "melted":
        return f"{who}'s suit melts down"
    if kind == "shutdown":
        return f"{who} runs out of Nectar and shuts down"
    if kind == "destroyed":
        return f"{who}'s suit is destroyed"
    if kind == "result":
        if ev["winner"] < 0:
            return f"== Draw at the turn limit after {ev['turns']} turns"
        how = {"destroyed": "destroyed", "core_extracted": "core extracted", "shutdown": "shutdown"}[ev["outcome"]]
        return f"== {names[ev['winner']]} wins ({how}) in {ev['turns']} turns"
    return None


def narrate(game: Game, units: tuple[str, str], events: list[dict]) -> list[str]:
    """Every line of a combat log."""
    return [line for ev in events if (line := describe(game, units, ev)) is not None]
