"""The scenes of the docs' pictures as data, the moment of its duel each shows, and what its captions claim.

A `Scene` names a picture, the duel it shows (units, arena, seed, bots) and how the moment shown is found
(`MOMENTS`); its `claims` are what its captions say, each a key of `CLAIMS` with its arguments, checked on the
engine's state and events at that moment. Imports the engine, bots and catalog; never pygame.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

import numpy as np

from gladiator import engine
from gladiator.bots import make_bot
from gladiator.catalog.loader import load_catalog
from gladiator.driver import decide, prepare_bots
from gladiator.duel import game_for
from gladiator.game import END, Game
from gladiator.state import OUTCOMES, DuelState

ROOT = Path(__file__).resolve().parents[3]
OUT = ROOT / "docs" / "screenshots"
HUMAN = "human"  # the side whose eyes a screen shows; its picks are the greedy bot's
PICKER = "greedy"  # who picks the human side's actions in a scripted scene
MAX_ACTIONS = 2000  # a scene's search for its moment stops here (a scene that never gets there fails loudly)


@dataclass(frozen=True)
class Scene:
    """One picture: the duel it shows, the moment shown, and what its captions claim."""

    file: str
    units: tuple[str, str]
    arena: str
    seed: int
    bots: tuple[str, str]
    moment: str  # a key of MOMENTS: how the moment shown is found
    view: str  # what the window shows of it (`ui.gallery.VIEWS`; "clip": the broadcast clip, `ui.export`)
    captions: tuple[str, ...]  # the alt texts the docs give the picture
    claims: tuple[tuple[Any, ...], ...] = ()  # (a key of CLAIMS, its arguments...): what the captions say
    clip: Optional[tuple[int, int, int]] = None  # a clip's (width, height, fps); None for a screenshot


SCENES: tuple[Scene, ...] = (
    Scene("leap_and_extract.gif", ("rouge", "viola"), "concert_hall", 9, ("heuristic", "heuristic"), "end", "clip",
          ("Rouge leaps behind Viola and tears out the core",),
          (("rear_hits", "rouge", 2), ("melted_by", "rouge", "aria_cannon"), ("melted_by", "rouge", "flame_chorus"),
           ("leaps_behind", "rouge"), ("wins", "rouge", "core_extracted")), clip=(640, 360, 10)),
    Scene("title.png", ("rouge", "viola"), "concert_hall", 0, (HUMAN, "hard"), "start", "title",
          ("title screen: the difficulty picker", "title screen")),
    Scene("play.png", ("rouge", "viola"), "concert_hall", 11, (HUMAN, "greedy"), "can_strike", "aim",
          ("aiming: hit chance and damage from the engine; the win-odds bar",
           "aiming: the hit chance and damage range come from the engine", "the odds bar, as Rouge sees them"),
          (("to_act", "rouge"), ("can_strike", "rouge"))),
    Scene("move.png", ("rouge", "viola"), "rooftops", 7, (HUMAN, "greedy"), "first_turn", "board",
          ("moving: the legal tiles", "moving: the blue tiles are the legal moves"),
          (("to_act", "rouge"), ("can_move", "rouge"))),
    Scene("overlay.png", ("rouge", "viola"), "open_field", 0, (HUMAN, "greedy"), "extract_tiles", "extract",
          ("the arc overlay: Rouge's extraction tiles behind Viola, a leap away, with her odds",),
          (("to_act", "rouge"), ("extract_tiles", "rouge", 2), ("leap_to_extract", "rouge"))),
    Scene("threat.png", ("viola", "rouge"), "concert_hall", 5, (HUMAN, "greedy"), "threat_tiles", "threat",
          ("what Viola sees: the tiles Rouge could tear her core out from, and Rouge's rear arc",),
          (("to_act", "viola"), ("threat_tiles", "viola", 2))),
    Scene("watch.png", ("viola", "rouge"), "nectar_depot", 0, ("greedy", "greedy"), "shot_far", "flight",
          ("two bots, a shot in flight",),
          (("bots_only",), ("last_shot_ranged", 3))),
    Scene("disguise.png", ("rouge", "jaron"), "open_field", 5, (HUMAN, "greedy"), "disguise", "aim",
          ("Jaron disguised as Rouge", "Rouge aims at Jaron disguised as Rouge: his card shows Rouge's maxima, "
           "the odds are against Rouge's agility and armor"),
          (("to_act", "rouge"), ("wears", "jaron", "rouge"), ("can_strike", "rouge"))),
    Scene("replay.png", ("rouge", "viola"), "rooftops", 14, ("greedy", "greedy"), "two_thirds", "replay",
          ("replay with its timeline", "a replay with its timeline")),
    Scene("end.png", ("rouge", "viola"), "rooftops", 14, ("greedy", "greedy"), "end", "replay",
          ("the end of a duel: Rouge melted and destroyed", "the end of a duel"),
          (("melted_by", "rouge", "aria_cannon"), ("wins", "viola", "destroyed"))),
)

SLOW: dict[str, tuple[str, ...]] = {  # pictures of long runs (minutes each): the command that makes each (`--slow`)
    "matrix.png": ("gladiator", "matrix", "rouge", "viola", "jaron", "nean", "-n", "10000", "--png", "{out}/matrix.png",
                   "--force"),
    "ablate.png": ("gladiator", "ablate", "--all", "--png", "{out}/ablate.png", "--force"),
    "calibration.png": ("python", "benchmarks/bench_bots.py", "--skip-strength"),  # writes docs/screenshots itself
}


@dataclass
class Moment:
    """A scene's duel played up to the moment its picture shows."""

    scene: Scene
    game: Game
    state: DuelState
    actions: list[int]
    events: list[dict] = field(default_factory=list)
    at: Optional[int] = None  # the actions the picture shows, when not all of `actions` (a replay's timeline)

    def side(self, unit: str) -> int:
        """The side playing `unit`."""
        return self.scene.units.index(unit)


# ---- the moments ---------------------------------------------------------------------------------------------

def moment(scene: Scene, game: Optional[Game] = None) -> Moment:
    """Play `scene`'s duel through the engine up to the moment its picture shows (no drawing)."""
    game = game or game_for(load_catalog(), scene.arena)
    s = engine.new_duels(game, scene.units, [scene.seed])
    m = Moment(scene, game, s, [], engine.opening_events(s))
    MOMENTS[scene.moment](m)
    return m


def _play(m: Moment, action: int) -> None:
    """One action of a scene's duel, with its events."""
    m.state, ev = engine.step(m.game, m.state, [action], events=True)
    m.actions.append(int(action))
    m.events.extend(ev[0] if ev else [])


def _bots_until(m: Moment, ready: Callable[[Moment], bool]) -> None:
    """The sides' bots (PICKER for a human side) pick until `ready(m)`; fails loudly if the duel ends first."""
    bots = tuple(make_bot(PICKER if b == HUMAN else b) for b in m.scene.bots)
    prepare_bots(m.game, bots)
    for _ in range(MAX_ACTIONS):
        if ready(m):
            return
        if m.state.done[0]:
            break
        _play(m, int(decide(m.game, m.state, bots)[0][0]))
    raise DocsError(f"{m.scene.file}: the duel (seed {m.scene.seed}) never reaches its moment ({m.scene.moment})")


def _human_to_act(m: Moment) -> bool:
    return not m.state.done[0] and m.scene.bots[int(m.state.active[0])] == HUMAN


def _moment_start(m: Moment) -> None:
    """The duel's first state."""


def _moment_first_turn(m: Moment) -> None:
    """The human side's first turn."""
    _bots_until(m, _human_to_act)


def _moment_can_strike(m: Moment) -> None:
    """The human side to act, after a few actions, with a weapon that can fire."""
    _bots_until(m, lambda m: _human_to_act(m) and len(m.actions) > 2
                and bool(engine.attack_preview(m.game, m.state)["usable"][0].any()))


def _moment_arc_tiles(key: str) -> Callable[[Moment], None]:
    def find(m: Moment) -> None:
        """The human side to act with all its points, and two or more tiles on the `key` map of the arc overlay."""
        _bots_until(m, lambda m: _human_to_act(m) and int(m.state.ap[0]) == 3
                    and int(engine.extraction_map(m.game, m.state)[key][0].sum()) >= 2)
    return find


def _moment_shot_far(m: Moment) -> None:
    """Just after a ranged shot from three tiles or more, a few actions in (the picture shows it in flight)."""
    _bots_until(m, lambda m: len(m.actions) > 2 and _claim_last_shot_ranged(m, 3))


def _moment_disguise(m: Moment) -> None:
    """Jaron puts Rouge's look on far away and waits (his turns chosen here, not by his bot); Rouge walks up to a tile
    she can shoot him from, about three tiles away."""
    game, sp, geo = m.game, m.game.space, m.game.geo
    jaron, rouge = m.side("jaron"), game.unit_index("rouge")
    mimic = sp.mimic(rouge)

    def aims_from(tile: int) -> bool:
        after, _ = engine.step(game, m.state, [sp.move(tile)])
        return not after.done[0] and int(after.active[0]) != jaron and bool(engine.attack_preview(game, after)["usable"][0].any())

    for _ in range(MAX_ACTIONS):
        if m.state.done[0]:
            break
        legal = _legal(m)
        if int(m.state.active[0]) == jaron:
            _play(m, mimic if legal[mimic] and int(m.state.disguise[0, jaron]) != rouge else END)
            continue
        tiles = [int(t) for t in np.flatnonzero(legal[sp.move0: sp.leap0])]
        if int(m.state.disguise[0, jaron]) != rouge or not tiles:
            _play(m, END)
            continue
        foe = int(m.state.pos[0, jaron])
        near = [t for t in tiles if aims_from(t)]
        if near:
            _play(m, sp.move(min(near, key=lambda t: (abs(int(geo.cheb[t, foe]) - 3), -int(geo.los[t, foe])))))
            return
        _play(m, sp.move(min(tiles, key=lambda t: int(geo.cheb[t, foe]))))
    raise DocsError(f"{m.scene.file}: Rouge never gets to aim at Jaron disguised as Rouge")


def _moment_end(m: Moment) -> None:
    """The end of the duel."""
    _bots_until(m, lambda m: bool(m.state.done[0]))


def _moment_two_thirds(m: Moment) -> None:
    """The whole duel, shown two thirds of the way through (a replay's timeline there)."""
    _moment_end(m)
    m.at = len(m.actions) * 2 // 3
    m.state = engine.new_duels(m.game, m.scene.units, [m.scene.seed])
    for a in m.actions[: m.at]:
        m.state, _ = engine.step(m.game, m.state, [a])


MOMENTS: dict[str, Callable[[Moment], None]] = {
    "start": _moment_start, "first_turn": _moment_first_turn, "can_strike": _moment_can_strike,
    "extract_tiles": _moment_arc_tiles("extract"), "threat_tiles": _moment_arc_tiles("threat"),
    "shot_far": _moment_shot_far, "disguise": _moment_disguise, "end": _moment_end, "two_thirds": _moment_two_thirds,
}


# ---- what the captions claim ------------------------------------------------------------------------------------

def _claim_to_act(m: Moment, unit: str) -> bool:
    """`unit` is to act, the duel still on."""
    return not m.state.done[0] and int(m.state.active[0]) == m.side(unit)


def _claim_can_strike(m: Moment, unit: str) -> bool:
    """`unit` is to act and one of its weapons can fire at the enemy (as it sees the enemy)."""
    return _claim_to_act(m, unit) and bool(engine.attack_preview(m.game, m.state)["usable"][0].any())


def _claim_can_move(m: Moment, unit: str) -> bool:
    """`unit` is to act and has tiles to move to."""
    sp = m.game.space
    return _claim_to_act(m, unit) and bool(_legal(m)[sp.move0: sp.leap0].any())


def _claim_extract_tiles(m: Moment, unit: str, least: int) -> bool:
    """`unit` is to act and could tear the enemy's core out from `least` tiles or more."""
    return _claim_to_act(m, unit) and int(engine.extraction_map(m.game, m.state)["extract"][0].sum()) >= least


def _claim_leap_to_extract(m: Moment, unit: str) -> bool:
    """`unit` can leap now onto a tile it could tear the enemy's core out from."""
    sp = m.game.space
    tiles = engine.extraction_map(m.game, m.state)["extract"][0]
    return _claim_to_act(m, unit) and bool((_legal(m)[sp.leap0: sp.leap0 + sp.tiles] & tiles).any())


def _claim_threat_tiles(m: Moment, unit: str, least: int) -> bool:
    """`unit` is to act and the enemy could tear its core out from `least` tiles or more."""
    return _claim_to_act(m, unit) and int(engine.extraction_map(m.game, m.state)["threat"][0].sum()) >= least


def _claim_bots_only(m: Moment) -> bool:
    """Both sides are bots."""
    return HUMAN not in m.scene.bots


def _claim_last_shot_ranged(m: Moment, least: int) -> bool:
    """The last action was a ranged shot, fired from `least` tiles or more."""
    last = [e for e in m.events if e["event"] not in ("end_turn", "turn")][-1:]
    return bool(last) and last[0]["event"] == "attack" and last[0]["ranged"] and _distance(m) >= least


def _claim_wears(m: Moment, unit: str, look: str) -> bool:
    """`unit` wears `look`'s suit."""
    return int(m.state.disguise[0, m.side(unit)]) == m.game.unit_index(look)


def _claim_rear_hits(m: Moment, unit: str, least: int) -> bool:
    """`unit` hits the enemy from its rear `least` times or more."""
    return sum(1 for e in m.events if e["event"] == "attack" and e["side"] == m.side(unit) and e["rear"] and e["hit"]) >= least


def _claim_melted_by(m: Moment, unit: str, weapon: str) -> bool:
    """`weapon` hits `unit` and heats it up (melt)."""
    return any(e["event"] == "attack" and e["side"] != m.side(unit) and e["weapon"] == weapon and e["melt"] > 0
               for e in m.events)


def _claim_leaps_behind(m: Moment, unit: str) -> bool:
    """`unit` leaps behind the enemy."""
    return any(e["event"] == "leap" and e["side"] == m.side(unit) and e["behind"] for e in m.events)


def _claim_wins(m: Moment, unit: str, outcome: str) -> bool:
    """The duel is over and `unit` won it by `outcome`."""
    return bool(m.state.done[0]) and int(m.state.winner[0]) == m.side(unit) and OUTCOMES[int(m.state.outcome[0])] == outcome


CLAIMS: dict[str, Callable[..., bool]] = {
    "to_act": _claim_to_act, "can_strike": _claim_can_strike, "can_move": _claim_can_move,
    "extract_tiles": _claim_extract_tiles, "leap_to_extract": _claim_leap_to_extract, "threat_tiles": _claim_threat_tiles,
    "bots_only": _claim_bots_only, "last_shot_ranged": _claim_last_shot_ranged, "wears": _claim_wears,
    "rear_hits": _claim_rear_hits, "melted_by": _claim_melted_by, "leaps_behind": _claim_leaps_behind, "wins": _claim_wins,
}


def failed_claims(m: Moment) -> list[str]:
    """The claims of `m`'s scene that its moment does not bear out, each as `file: claim (what it means)`."""
    bad = []
    for name, *args in m.scene.claims:
        check = CLAIMS[name]
        if not check(m, *args):
            doc = (check.__doc__ or "").strip().rstrip(".")
            said = " ".join(map(str, [name, *args]))
            bad.append(f"{m.scene.file}: the caption claims `{said}` ({doc[:1].lower() + doc[1:]}), which seed "
                       f"{m.scene.seed} on {m.scene.arena} does not show")
    return bad


class DocsError(Exception):
    """A scene does not show what its caption says or never reaches its moment; a sample does not run."""


def _legal(m: Moment) -> np.ndarray:
    return np.asarray(engine.Legal(m.game, m.state))[0]


def _distance(m: Moment) -> int:
    return int(m.game.geo.cheb[int(m.state.pos[0, 0]), int(m.state.pos[0, 1])])
