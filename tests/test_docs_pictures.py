"""The pictures of the README and docs are what `make docs` (`python -m gladiator.docs`) makes now, and each shows what
its caption says: every scene's caption claims hold on the engine, the manifest beside the pictures matches the
duels as they play now (no drawing: rules version, data hashes, actions, the state shown), and every picture file
is the one the manifest records."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from gladiator import DEFAULT_ARENA, DEFAULT_BOT, docs

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def moments() -> list[docs.Moment]:
    return [docs.moment(sc) for sc in docs.SCENES]


@pytest.mark.parametrize("k", range(len(docs.SCENES)), ids=[sc.file for sc in docs.SCENES])
def test_each_caption_claim_holds_for_its_scene(moments: list[docs.Moment], k: int) -> None:
    assert moments[k].scene.claims or moments[k].scene.view in ("title", "replay", "board"), "a scene claims nothing"
    assert docs.failed_claims(moments[k]) == []


def test_the_committed_pictures_are_what_make_docs_makes_now(moments: list[docs.Moment]) -> None:
    assert docs.stale(docs.OUT, moments) == [], "run `make docs` and commit docs/screenshots"


def test_every_picture_the_docs_show_is_made_by_a_scene_or_a_slow_command() -> None:
    scenes = {sc.file: sc for sc in docs.SCENES}
    shown = docs.shown_pictures()
    assert {name for _, _, name in shown} >= set(scenes), "a scene makes a picture no doc shows"
    for where, caption, name in shown:
        assert name in scenes or name in docs.SLOW, (where, name)
        if name in scenes:  # a caption changed in the docs must be weighed against the scene's claims
            assert caption in scenes[name].captions, (where, caption)
        assert (docs.OUT / name).exists(), (where, name)


def test_a_scene_that_no_longer_shows_its_caption_fails_loudly() -> None:
    end = next(sc for sc in docs.SCENES if sc.file == "end.png")
    wrong = replace(end, claims=(("wins", "rouge", "core_extracted"),))
    bad = docs.failed_claims(docs.moment(wrong))
    assert len(bad) == 1 and bad[0].startswith("end.png: the caption claims `wins rouge core_extracted` (the duel is over"), bad
    with pytest.raises(docs.DocsError, match="never reaches its moment"):
        docs.moment(replace(end, moment="can_strike", bots=("greedy", "greedy")))  # no human side: never its turn


def copy_pictures(to: Path) -> Path:
    shutil.copytree(docs.OUT, to)
    return to


def test_the_check_names_a_changed_scene_a_replaced_picture_and_a_missing_one(tmp_path: Path,
                                                                             moments: list[docs.Moment]) -> None:
    out = copy_pictures(tmp_path / "shots")
    kept = json.loads((out / docs.MANIFEST).read_text())
    kept["watch.png"]["scene"]["seed"] += 1  # as if the picture had been made from another duel
    kept["end.png"]["actions"]["sha256"] = "0" * 64  # as if the rules had changed the duel
    (out / docs.MANIFEST).write_text(json.dumps(kept))
    (out / "title.png").write_bytes((out / "title.png").read_bytes() + b"\0")  # replaced by hand
    (out / "move.png").unlink()
    problems = docs.stale(out, moments)
    assert problems == [f"{out / 'end.png'}: stale (actions changed); run `make docs`",
                        f"{out / 'move.png'}: missing; run `make docs`",
                        f"{out / 'title.png'}: not the picture the manifest records; run `make docs`",
                        f"{out / 'watch.png'}: stale (scene changed); run `make docs`"], problems


def test_a_change_to_the_drawing_code_makes_every_picture_stale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 moments: list[docs.Moment]) -> None:
    from gladiator.docs import pictures

    package = tmp_path / "gladiator"
    shutil.copytree(pictures.PACKAGE / "ui", package / "ui", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(pictures.PACKAGE / "narrate.py", package / "narrate.py")
    monkeypatch.setattr(pictures, "PACKAGE", package)
    assert docs.stale(docs.OUT, moments) == []  # the same sources elsewhere: nothing is stale
    board = package / "ui" / "board.py"
    board.write_text(board.read_text(encoding="utf-8").replace("def ", "def  ", 1), encoding="utf-8")
    assert docs.stale(docs.OUT, moments) == [f"{docs.OUT / m.scene.file}: stale (drawing changed); run `make docs`"
                                             for m in sorted(moments, key=lambda m: m.scene.file)]


def test_check_from_the_command_line(tmp_path: Path) -> None:
    run = [sys.executable, "-m", "gladiator.docs", "--check", "--out"]
    ok = subprocess.run([*run, str(docs.OUT)], capture_output=True, text=True, cwd=ROOT)
    assert ok.returncode == 0 and ok.stdout.startswith("OK: the 10 pictures"), ok.stderr
    empty = subprocess.run([*run, str(tmp_path)], capture_output=True, text=True, cwd=ROOT)
    assert empty.returncode == 1
    assert empty.stderr.strip() == f"error: {tmp_path / docs.MANIFEST}: missing; make it with `make docs`"
    assert "Traceback" not in empty.stderr


def test_make_draws_only_what_it_is_asked_and_keeps_the_rest_stale(tmp_path: Path, moments: list[docs.Moment]) -> None:
    out = copy_pictures(tmp_path / "shots")
    kept = json.loads((out / docs.MANIFEST).read_text())
    kept["replay.png"]["scene"]["seed"] += 1  # stale before, and not drawn now: still stale after
    (out / docs.MANIFEST).write_text(json.dumps(kept))
    written = docs.make(out, only=["title.png"], report=lambda _: None)
    assert written == [out / "title.png"]
    after = json.loads((out / docs.MANIFEST).read_text())
    assert after["title.png"]["bytes"] == docs.file_hash(out / "title.png")
    assert docs.stale(out, moments) == [f"{out / 'replay.png'}: stale (scene changed); run `make docs`"]


def test_the_readme_names_the_hero_clips_duel_and_its_sample_duel_is_the_same() -> None:
    hero = next(sc for sc in docs.SCENES if sc.view == "clip")
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    said = re.search(r"`gladiator duel (\w+) (\w+) --seed (\d+) --export \S+ --size (\d+)x(\d+) --fps (\d+)`",
                     text[text.index(hero.file):])
    assert said, "the hero clip's caption gives the command that exports it"
    u, v, seed, w, h, fps = said.groups()
    assert ((u, v), int(seed), (int(w), int(h), int(fps))) == (hero.units, hero.seed, hero.clip)
    assert hero.arena == DEFAULT_ARENA and hero.bots == (DEFAULT_BOT, DEFAULT_BOT)  # the command's defaults
    duel = next(args for _, args, _ in docs.samples(ROOT / "README.md") if args[0] == "duel" and "--seed" in args)
    assert duel[1:3] == list(hero.units) and duel[duel.index("--seed") + 1] == str(hero.seed)
    assert duel[duel.index("--arena") + 1] == hero.arena and duel[duel.index("--bot") + 1] == hero.bots[0]
