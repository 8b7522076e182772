"""The pictures of the README and docs, made from fixed seeds with what each caption claims checked: `python -m gladiator.docs`.

Each picture is a `Scene`: its file, the duel it shows (units, arena, seed, bots), the moment of that duel it
shows, and what its captions claim, as data checked against the engine. `moment` plays a scene's duel through
the engine up to its moment (bots' picks, no drawing); `make` draws the pictures from those moments
(`ui.gallery` for the window's screens, `ui.export` for the clip) and writes `manifest.json` beside them: what
each picture was made from (rules version, unit and arena hashes, the actions and the state shown) and the hash
of its bytes. `--check` rebuilds the manifest without drawing and says which picture is stale or which claim
fails; `tests/test_docs_pictures.py` does the same. The pictures of long runs (`SLOW`) are made by their own
commands (`make docs-slow`).

A front end: imports the engine, bots, catalog and replay; pygame only through `ui`, only when drawing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

import numpy as np

from gladiator import RULES_VERSION, engine
from gladiator.bots import make_bot
from gladiator.catalog.loader import content_hash, load_catalog
from gladiator.driver import decide, prepare_bots
from gladiator.duel import game_for, opening_events
from gladiator.game import END, Game
from gladiator.replay import state_digest
from gladiator.state import DuelState

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "screenshots"
MANIFEST = "manifest.json"
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
    m = Moment(scene, game, s, [], opening_events(s))
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
    raise SceneError(f"{m.scene.file}: the duel (seed {m.scene.seed}) never reaches its moment ({m.scene.moment})")


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
    def shot(m: Moment) -> bool:
        last = [e for e in m.events if e["event"] not in ("end_turn", "turn")][-1:]
        return (len(m.actions) > 2 and bool(last) and last[0]["event"] == "attack" and last[0]["ranged"]
                and _distance(m) >= 3)
    _bots_until(m, shot)


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
    raise SceneError(f"{m.scene.file}: Rouge never gets to aim at Jaron disguised as Rouge")


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
    from gladiator.state import OUTCOMES

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
            bad.append(f"{m.scene.file}: the caption claims {name} {' '.join(map(str, args))} ({doc}), "
                       f"which seed {m.scene.seed} does not show")
    return bad


# ---- the manifest -----------------------------------------------------------------------------------------------

def record(m: Moment) -> dict[str, Any]:
    """What a picture is made from: its scene, the rules version, the data hashes, the actions and the state shown."""
    sc, game = m.scene, m.game
    units = {u: content_hash(game.roster[game.unit_index(u)]) for u in sorted(set(sc.units))}
    s = m.state
    return {
        "scene": {"units": list(sc.units), "arena": sc.arena, "seed": sc.seed, "bots": list(sc.bots), "moment": sc.moment,
                  "view": sc.view, **({"clip": list(sc.clip)} if sc.clip else {})},
        "claims": [" ".join(map(str, c)) for c in sc.claims],
        "rules_version": RULES_VERSION,
        "hashes": {"units": units, "arena": content_hash(game.arena)},
        "actions": {"count": len(m.actions), "shown": len(m.actions) if m.at is None else m.at, "sha256": hashlib.sha256(json.dumps(m.actions).encode()).hexdigest()},
        "shown": {"turn": int(s.turn[0]), "done": bool(s.done[0]), "winner": int(s.winner[0]),
                  "state": state_digest(s)},
    }


def manifest(moments: list[Moment]) -> dict[str, dict[str, Any]]:
    """The manifest of every scene, without the pictures' bytes (what the test rebuilds without drawing)."""
    return {m.scene.file: record(m) for m in moments}


def file_hash(path: Path) -> str:
    """sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stale(out: Path = OUT, moments: Optional[list[Moment]] = None) -> list[str]:
    """What is wrong with the pictures in `out`: failed caption claims, scenes whose manifest entry no longer matches
    what the engine plays now, pictures missing or changed since the manifest was written. Empty when all is well."""
    moments = moments if moments is not None else [moment(sc) for sc in SCENES]
    problems = [p for m in moments for p in failed_claims(m)]
    path = out / MANIFEST
    if not path.exists():
        return problems + [f"{path}: missing; make it with `make docs`"]
    kept = json.loads(path.read_text(encoding="utf-8"))
    now = manifest(moments)
    for name in sorted(set(kept) | set(now)):
        if name not in now:
            problems.append(f"{out / name}: in the manifest but no scene makes it")
        elif name not in kept:
            problems.append(f"{out / name}: a scene not yet made; run `make docs`")
        else:
            was = {k: v for k, v in kept[name].items() if k != "bytes"}
            if was != now[name]:
                what = ", ".join(k for k in now[name] if was.get(k) != now[name][k])
                problems.append(f"{out / name}: stale ({what} changed); run `make docs`")
            elif not (out / name).exists():
                problems.append(f"{out / name}: missing; run `make docs`")
            elif file_hash(out / name) != kept[name].get("bytes"):
                problems.append(f"{out / name}: not the picture the manifest records; run `make docs`")
    return problems


# ---- making the pictures ----------------------------------------------------------------------------------------

def make(out: Path = OUT, only: Optional[list[str]] = None, report: Callable[[str], None] = print) -> list[Path]:
    """Draw every scene's picture (or those named in `only`) into `out` and write the manifest; refuses to draw a scene
    whose caption claims fail."""
    moments = [moment(sc) for sc in SCENES]
    bad = [p for m in moments for p in failed_claims(m)]
    if bad:
        raise SceneError("\n".join(bad))
    out.mkdir(parents=True, exist_ok=True)
    path = out / MANIFEST
    kept = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    written = []
    for m in moments:
        if only and m.scene.file not in only:
            continue
        target = out / m.scene.file
        if m.scene.view == "clip":
            from gladiator.replay import make_replay
            from gladiator.duel import result_of
            from gladiator.ui.export import export

            res = result_of(m.game, m.state, 0, m.scene.units, m.scene.seed, m.actions, m.events)
            w, h, fps = m.scene.clip
            export(m.game, make_replay(m.game, res, m.scene.bots), target, fps, (w, h))
        else:
            from gladiator.ui.gallery import draw

            draw(m, target)
        written.append(target)
        report(str(target))
    now = manifest(moments)
    for name in list(now):
        if out / name in written:
            now[name]["bytes"] = file_hash(out / name)
        elif name in kept:  # not drawn this time: its old entry stays, so a check still sees it is stale
            now[name] = kept[name]
        else:
            del now[name]
    path.write_text(json.dumps(now, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return written


def make_slow(out: Path = OUT) -> int:
    """Run the commands of the SLOW pictures one after another; the exit status of the first that fails, else 0."""
    import subprocess

    for name, command in SLOW.items():
        argv = [a.format(out=out) for a in command]
        argv = [sys.executable, *(["-m", "gladiator"] if argv[0] == "gladiator" else []), *argv[1:]]
        print(f"{name}: {' '.join(command).format(out=out)}", flush=True)
        code = subprocess.run(argv, cwd=ROOT).returncode
        if code:
            return code
    return 0


def samples(doc: Path) -> list[tuple[str, list[str], list[str]]]:
    """(where, arguments, printed lines) of every ``` block of `doc` (not ```text: an excerpt of a run that takes minutes)
    that starts with `$ gladiator `."""
    return [(where, args, shown) for where, args, shown, _ in _sample_blocks(doc.read_text(encoding="utf-8"), doc.name)]


def sample_docs(root: Path = ROOT) -> list[Path]:
    """The documents whose samples are run: README.md and docs/*.md."""
    return [root / "README.md", *sorted((root / "docs").glob("*.md"))]


def untimed(lines: list[str]) -> list[str]:
    """The lines of a sample's output without those that time the run (never the same twice), right-stripped."""
    return [line.rstrip() for line in lines if not TIMED.match(line)]


def run_sample(args: list[str]) -> tuple[int, list[str]]:
    """Run `gladiator ARGS` as a user would with its output in a file (80 columns, no colour): (exit code, the lines it
    prints; a refused command's error line included)."""
    import os
    import subprocess

    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1", "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    env.pop("TERM", None)
    done = subprocess.run([sys.executable, "-m", "gladiator", *args], capture_output=True, text=True, env=env, cwd=ROOT)
    printed = done.stdout if done.returncode == 0 else done.stdout + done.stderr
    return done.returncode, printed.rstrip("\n").split("\n")


def refresh_samples(root: Path = ROOT, report: Callable[[str], None] = print) -> list[str]:
    """Run every sample of the docs and write what it prints now in place of what the doc shows (a sample whose
    output differs only in its timing lines is left as it is); returns where a sample changed."""
    changed: list[str] = []
    for doc in sample_docs(root):
        text = doc.read_text(encoding="utf-8")
        blocks = _sample_blocks(text, doc.name)
        before = len(changed)
        for where, args, shown, (start, end) in reversed(blocks):  # from the end: earlier offsets stay valid
            code, printed = run_sample(args)
            if code not in (0, 2):
                raise SceneError(f"{where}: `gladiator {' '.join(args)}` failed (exit code {code})")
            if untimed(printed) != untimed(shown):
                text = text[:start] + "\n".join(line.rstrip() for line in printed) + "\n" + text[end:]
                changed.append(where)
        if len(changed) > before:
            doc.write_text(text, encoding="utf-8")
    for where in reversed(changed):
        report(f"{where}: sample output refreshed")
    return changed


def shown_pictures(root: Path = ROOT) -> list[tuple[str, str, str]]:
    """(where, caption, file name) of every picture of docs/screenshots that README.md and docs/*.md show."""
    found = []
    for doc in [root / "README.md", *sorted((root / "docs").glob("*.md"))]:
        text = doc.read_text(encoding="utf-8")
        for hit in re.finditer(r"!\[([^\]]*)\]\(([^)]*screenshots/([^)]+))\)", text):
            found.append((f"{doc.name}:{text.count(chr(10), 0, hit.start()) + 1}", hit.group(1), hit.group(3)))
    return found


TIMED = re.compile(r"^[\d,]+ duels in [\d.]+ s|^Throughput:")  # lines of a sample that time the run


def _sample_blocks(text: str, name: str) -> list[tuple[str, list[str], list[str], tuple[int, int]]]:
    """(where, arguments, printed lines, (start, end) of the printed lines in `text`) of each runnable sample."""
    import shlex

    out = []
    for m in re.finditer(r"```(\w*)\n(.*?)```", text, flags=re.S):
        body = m.group(2)
        lines = body.rstrip("\n").split("\n")
        if m.group(1) == "text" or not lines[0].startswith("$ gladiator "):
            continue
        first = lines[0]
        k = 1
        while first.endswith("\\") and k < len(lines):  # a command continued on the next line
            first, k = first[:-1] + lines[k], k + 1
        where = f"{name}:{text.count(chr(10), 0, m.start()) + 2}"
        start = m.start(2) + len("\n".join(lines[:k])) + 1
        out.append((where, shlex.split(first[len("$ gladiator "):]), lines[k:], (start, m.end(2))))
    return out


class SceneError(Exception):
    """A scene does not show what its caption says, or never reaches its moment."""


def main(argv: Optional[list[str]] = None) -> int:
    """Make the pictures (or, with --check, say which are stale); exit status 1 when something is wrong."""
    ap = argparse.ArgumentParser(prog="python -m gladiator.docs", description=__doc__.split("\n")[0],
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--out", type=Path, default=OUT, help="folder of the pictures and their manifest")
    ap.add_argument("--check", action="store_true", help="draw nothing: check the pictures' claims and manifest (the "
                    "samples are checked by tests/test_docs_commands.py)")
    ap.add_argument("--only", nargs="*", default=None, help="draw only these pictures (file names), and run no sample")
    ap.add_argument("--slow", action="store_true", help=f"make the pictures of long runs instead ({', '.join(SLOW)}): "
                    "tens of minutes")
    args = ap.parse_args(argv)
    try:
        if args.slow:
            return make_slow(args.out)
        if args.check:
            problems = stale(args.out)
            for p in problems:
                print(f"error: {p}", file=sys.stderr)
            if not problems:
                print(f"OK: the {len(SCENES)} pictures in {args.out} are what `make docs` makes now")
            return 1 if problems else 0
        make(args.out, args.only)
        if not args.only:
            refresh_samples()
    except SceneError as e:
        for line in str(e).splitlines():
            print(f"error: {line}", file=sys.stderr)
        return 1
    return 0


def _legal(m: Moment) -> np.ndarray:
    return np.asarray(engine.Legal(m.game, m.state))[0]


def _distance(m: Moment) -> int:
    return int(m.game.geo.cheb[int(m.state.pos[0, 0]), int(m.state.pos[0, 1])])


if __name__ == "__main__":
    sys.exit(main())
