"""The window's commands: --screenshot renders headless, bad input is one line and exit code 2."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import pytest  # noqa: E402

pygame = pytest.importorskip("pygame")

from gladiator.cli import main  # noqa: E402


def run(args: list[str]) -> int:
    with pytest.raises(SystemExit) as e:
        main(args)
    return int(e.value.code or 0)


def image_size(path) -> tuple[int, int]:
    return pygame.image.load(str(path)).get_size()


def test_watch_screenshot_renders_frames_and_saves_the_last(tmp_path):
    out = tmp_path / "watch.png"
    assert run(["watch", "rouge", "viola", "--arena", "rooftops", "--seed", "3", "--frames", "90", "--screenshot", str(out)]) == 0
    assert out.exists() and image_size(out) == (1280, 720)


def test_play_title_and_replay_screenshots(tmp_path):
    title = tmp_path / "title.png"
    assert run(["play", "--screenshot", str(title), "--frames", "3", "--size", "800x600"]) == 0
    assert image_size(title) == (800, 600)
    play = tmp_path / "play.png"
    assert run(["play", "jaron", "--vs", "rouge", "--arena", "open_field", "--screenshot", str(play), "--frames", "5"]) == 0
    assert play.exists()
    rec = tmp_path / "duel.json"
    assert run(["duel", "rouge", "viola", "--seed", "5", "--record", str(rec), "--quiet"]) == 0
    shot = tmp_path / "replay.png"
    assert run(["replay", str(rec), "--turn", "2", "--screenshot", str(shot), "--frames", "4"]) == 0
    assert shot.exists()


def test_tiny_window_screenshot(tmp_path):
    out = tmp_path / "tiny.png"
    assert run(["watch", "--size", "24x16", "--frames", "30", "--screenshot", str(out)]) == 0
    assert image_size(out) == (24, 16)


@pytest.mark.parametrize("content", ["{not json", '{"format": "gladiator-replay", "seed": 1}', '[1, 2, 3]'])
def test_corrupt_replay_is_one_line_and_exit_2(tmp_path, capsys, content):
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    assert run(["replay", str(bad), "--screenshot", str(tmp_path / "x.png")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and "\n" not in err
    assert not (tmp_path / "x.png").exists()


def test_replay_from_other_unit_data_is_refused(tmp_path, capsys):
    import json

    rec = tmp_path / "duel.json"
    assert run(["duel", "rouge", "viola", "--seed", "2", "--record", str(rec), "--quiet"]) == 0
    capsys.readouterr()
    data = json.loads(rec.read_text())
    for u in data["roster"]:
        if u["id"] == "viola":
            u["stats"]["integrity"] += 50
    rec.write_text(json.dumps(data))
    assert run(["replay", str(rec), "--screenshot", str(tmp_path / "x.png")]) == 2
    assert "viola" in capsys.readouterr().err


@pytest.mark.parametrize("args", [
    ["watch", "rouge", "nobody", "--screenshot", "x.png"],
    ["watch", "--bot", "clever", "--screenshot", "x.png"],
    ["play", "rouge", "--arena", "moon", "--screenshot", "x.png"],
    ["watch", "--size", "big", "--screenshot", "x.png"],
    ["watch", "--frames", "0", "--screenshot", "x.png"],
    ["watch", "--screenshot", "x.txt"],
])
def test_bad_options_are_one_line_and_exit_2(args, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run(args) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and "\n" not in err


def test_no_display_without_screenshot_is_refused(capsys, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("SDL_VIDEODRIVER", "x11")
    for args in (["watch"], ["play"], ["play", "rouge"]):
        assert run(args) == 2
        assert "no display" in capsys.readouterr().err
