"""Making the docs' pictures from their scenes, and the manifest that says when they are stale.

`make` draws each scene's moment (`ui.gallery` for the window's screens, `ui.export` for the clip) and writes
`manifest.json` beside the pictures: what each was made from (rules version, the code that draws, unit and arena
hashes, the actions and the state shown) and the hash of its bytes. `stale` rebuilds the manifest without drawing
and says what differs. Imports the scenes, replay and catalog; pygame only through `ui`, only when drawing.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Optional

from gladiator import RULES_VERSION
from gladiator.catalog.loader import content_hash
from gladiator.docs.scenes import OUT, ROOT, SCENES, SLOW, DocsError, Moment, failed_claims, moment
from gladiator.replay import state_digest

MANIFEST = "manifest.json"
PACKAGE = Path(__file__).resolve().parent.parent  # src/gladiator
DRAWING = ("ui", "narrate.py")  # what draws a picture, beside the duel it shows: a change to it makes every picture stale


def drawing_hash() -> str:
    """sha256 of the sources that draw the pictures (the window's and the clip's code, the narration they show)."""
    h = hashlib.sha256()
    for part in DRAWING:
        path = PACKAGE / part
        for f in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            h.update(f.relative_to(PACKAGE).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def record(m: Moment) -> dict[str, Any]:
    """What a picture is made from: its scene, the rules version, the drawing code, the data hashes, the actions and the
    state shown."""
    sc, game = m.scene, m.game
    units = {u: content_hash(game.roster[game.unit_index(u)]) for u in sorted(set(sc.units))}
    s = m.state
    return {
        "scene": {"units": list(sc.units), "arena": sc.arena, "seed": sc.seed, "bots": list(sc.bots), "moment": sc.moment,
                  "view": sc.view, **({"clip": list(sc.clip)} if sc.clip else {})},
        "claims": [" ".join(map(str, c)) for c in sc.claims],
        "rules_version": RULES_VERSION,
        "drawing": drawing_hash(),
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
        raise DocsError("\n".join(bad))
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
    for name, command in SLOW.items():
        argv = [a.format(out=out) for a in command]
        argv = [sys.executable, *(["-m", "gladiator"] if argv[0] == "gladiator" else []), *argv[1:]]
        print(f"{name}: {' '.join(command).format(out=out)}", flush=True)
        code = subprocess.run(argv, cwd=ROOT).returncode
        if code:
            return code
    return 0


def shown_pictures(root: Path = ROOT) -> list[tuple[str, str, str]]:
    """(where, caption, file name) of every picture of docs/screenshots that README.md and docs/*.md show."""
    found = []
    for doc in [root / "README.md", *sorted((root / "docs").glob("*.md"))]:
        text = doc.read_text(encoding="utf-8")
        for hit in re.finditer(r"!\[([^\]]*)\]\(([^)]*screenshots/([^)]+))\)", text):
            found.append((f"{doc.name}:{text.count(chr(10), 0, hit.start()) + 1}", hit.group(1), hit.group(3)))
    return found
