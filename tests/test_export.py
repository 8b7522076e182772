"""Exporting a duel as an animated GIF or a video, headless, through the window's renderer."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
PIL = pytest.importorskip("PIL")


@pytest.fixture
def replay(cli, tmp_path: Path) -> Path:
    path = tmp_path / "duel.json"
    code, out, err = cli("duel", "rouge", "viola", "--seed", "11", "--bot", "heuristic", "--record", str(path), "-q")
    assert code == 0, err
    return path


def test_a_replay_exports_to_a_gif_of_the_duel(cli, replay: Path, tmp_path: Path) -> None:
    from PIL import Image

    gif = tmp_path / "duel.gif"
    code, out, err = cli("replay", str(replay), "--export", str(gif), "--size", "320x180", "--fps", "8")
    assert code == 0, err
    n = int(out.split()[0])
    with Image.open(gif) as im:
        assert im.size == (320, 180) and im.info.get("loop") == 0
        frames = []
        for k in range(im.n_frames):
            im.seek(k)
            frames.append(np.asarray(im.convert("RGB")))
        durations = [im.info.get("duration", 0) for _ in range(1)]
    assert 10 <= len(frames) <= n and durations[0] > 0  # unchanged frames are merged into the one before
    assert not np.array_equal(frames[0], frames[-1]) and len({f.tobytes() for f in frames}) > len(frames) // 2
    assert not list(tmp_path.glob(".*part*"))  # nothing left beside it


def test_a_cut_exports_only_its_turns_and_a_duel_exports_straight_from_the_fight(cli, replay: Path, tmp_path: Path) -> None:
    full, cut = tmp_path / "full.gif", tmp_path / "cut.gif"
    assert cli("replay", str(replay), "--export", str(full), "--size", "160x90")[0] == 0
    code, out, err = cli("replay", str(replay), "--export", str(cut), "--size", "160x90", "--from", "3", "--to", "4")
    assert code == 0, err
    assert int(out.split()[0]) < int(cli("replay", str(replay), "--export", str(full), "--size", "160x90")[1].split()[0])
    direct = tmp_path / "direct.gif"
    code, out, err = cli("duel", "rouge", "viola", "--seed", "11", "--bot", "heuristic", "-q", "--export", str(direct),
                         "--size", "160x90")
    assert code == 0 and direct.read_bytes() == full.read_bytes(), err  # the same duel, the same frames


@pytest.mark.parametrize("target, extra, words", [
    ("duel.avi", (), "unknown extension"), ("nofolder/duel.gif", (), "does not exist"),
    ("duel.gif", ("--from", "9"), "outside the duel"), ("duel.gif", ("--from", "4", "--to", "2"), "--to 2 is outside the cut"),
    ("duel.gif", ("--fps", "0"), "--fps"), ("duel.gif", ("--size", "10x10"), "at least 64x64"),
])
def test_bad_exports_are_one_line_and_leave_nothing(cli, replay: Path, tmp_path: Path, target, extra, words) -> None:
    out_path = tmp_path / target
    code, out, err = cli("replay", str(replay), "--export", str(out_path), *extra)
    assert code == 2 and words in err and len(err.strip().splitlines()) == 1, err
    assert not out_path.exists() and not list(tmp_path.glob(".*part*"))


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc, a folder no file can be made in")
def test_a_place_the_system_refuses_is_one_line(cli, replay: Path) -> None:
    code, out, err = cli("replay", str(replay), "--export", "/proc/duel.gif", "--size", "160x90")
    assert code == 2 and "cannot write" in err and len(err.strip().splitlines()) == 1, err


def test_a_file_named_as_the_folder_is_one_line(cli, replay: Path) -> None:
    code, out, err = cli("replay", str(replay), "--export", str(replay / "duel.gif"))
    assert code == 2 and "is not a folder" in err and len(err.strip().splitlines()) == 1, err


def test_a_video_without_its_extra_says_how_to_install_it(cli, replay: Path, tmp_path: Path, monkeypatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)  # as if not installed
    code, out, err = cli("replay", str(replay), "--export", str(tmp_path / "duel.mp4"))
    assert code == 2 and "pip install 'gladiator[video]'" in err


def test_a_replay_exports_to_mp4(cli, replay: Path, tmp_path: Path) -> None:
    pytest.importorskip("imageio_ffmpeg")
    mp4 = tmp_path / "duel.mp4"
    code, out, err = cli("replay", str(replay), "--export", str(mp4), "--size", "320x180", "--to", "2")
    assert code == 0, err
    assert mp4.stat().st_size > 1000 and mp4.read_bytes()[4:8] == b"ftyp"


def test_the_frames_are_the_screens_pixels(catalog) -> None:
    """A frame is read row by row in one copy: the same pixels as pygame's surfarray, transposed."""
    import pygame

    from gladiator.bots import make_bot
    from gladiator.duel import game_for, play_duel
    from gladiator.replay import make_replay
    from gladiator.ui.export import pixels
    from gladiator.ui.replay_view import ReplayScreen

    game = game_for(catalog, "concert_hall")
    data = make_replay(game, play_duel(game, ("rouge", "viola"), 11, (make_bot("greedy"), make_bot("greedy"))), ("greedy", "greedy"))
    pygame.init()
    surface = pygame.Surface((333, 211))
    screen = ReplayScreen(game, data)
    for _ in range(4):
        screen.update(0.2)
        screen.draw(surface)
        assert np.array_equal(pixels(surface), pygame.surfarray.array3d(surface).transpose(1, 0, 2))


def test_the_changed_region_of_a_frame_is_the_box_round_every_changed_pixel() -> None:
    from gladiator.ui.export import changed_box

    rng = np.random.default_rng(5)
    before = rng.integers(0, 256, size=(37, 53, 3), dtype=np.uint8)
    assert changed_box(before, before.copy()) is None
    for _ in range(200):
        after = before.copy()
        for _ in range(rng.integers(1, 4)):
            y, x, c = rng.integers(0, 37), rng.integers(0, 53), rng.integers(0, 3)
            after[y, x, c] ^= np.uint8(rng.integers(1, 256))
        changed = np.any(after != before, axis=2)
        ys, xs = np.flatnonzero(changed.any(axis=1)), np.flatnonzero(changed.any(axis=0))
        assert changed_box(before, after) == (xs[0], ys[0], xs[-1] + 1, ys[-1] + 1)


def test_a_gif_shows_exactly_the_frames_drawn_on_its_palette(catalog, tmp_path: Path) -> None:
    """Each frame of the GIF (only its changed pixels are stored, the rest left transparent) decodes to the frame the
    broadcast view drew, each pixel on the GIF's palette: nothing of an earlier frame lingers."""
    from PIL import Image

    from gladiator.bots import make_bot
    from gladiator.duel import game_for, play_duel
    from gladiator.replay import make_replay
    from gladiator.ui.export import action_range, export, frames

    game = game_for(catalog, "concert_hall")
    data = make_replay(game, play_duel(game, ("rouge", "viola"), 11, (make_bot("greedy"), make_bot("greedy"))), ("greedy", "greedy"))
    size = (200, 120)
    gif = tmp_path / "clip.gif"
    export(game, data, gif, fps=6, size=size, last_turn=3)
    k0, k1 = action_range(game, data, None, 3)
    drawn: list[np.ndarray] = []
    for f in frames(game, data, size, 6, k0, k1):
        if not drawn or not np.array_equal(drawn[-1], f):  # equal frames are merged into one, held longer
            drawn.append(f.copy())
    with Image.open(gif) as im:
        palette = Image.new("P", (1, 1))
        palette.putpalette(im.getpalette()[: 3 * 255])
        decoded = []
        for k in range(im.n_frames):
            im.seek(k)
            decoded.append(np.asarray(im.convert("RGB")))
    assert len(decoded) == len(drawn) > 5
    for k, (got, want) in enumerate(zip(decoded, drawn, strict=True)):
        on_palette = Image.fromarray(want, "RGB").quantize(palette=palette, dither=Image.Dither.NONE).convert("RGB")
        assert np.array_equal(got, np.asarray(on_palette)), k


def test_a_clip_has_no_controls_and_a_caption_that_reads_at_640x360(catalog, monkeypatch) -> None:
    """The broadcast view draws no buttons, key hints, timeline or log panel; the last action is its caption, in
    letters at least 20 pixels high at 640x360, and the suit cards are there."""
    from gladiator.bots import make_bot
    from gladiator.duel import game_for, play_duel
    from gladiator.replay import make_replay
    from gladiator.ui import board
    from gladiator.ui.export import frames

    drawn: list[tuple[str, int]] = []
    text = board.T.text
    monkeypatch.setattr(board.T, "text", lambda s, size, *a, **k: (drawn.append((s, size)), text(s, size, *a, **k))[1])
    game = game_for(catalog, "concert_hall")
    res = play_duel(game, ("rouge", "viola"), 11, (make_bot("greedy"), make_bot("greedy")))
    data = make_replay(game, res, ("greedy", "greedy"))
    for _ in frames(game, data, (640, 360), 12, 0, len(data["actions"])):
        pass
    words = {s for s, _ in drawn}
    for hint in ("Esc", "H: help", "Leave", "Play", "Step", "plain words", "replay "):
        assert not [w for w in words if hint in w], hint
    assert {"Integrity", "Heat", "Nectar"} <= words and "Rouge" in words and "Viola" in words  # the cards
    last = [size for s, size in drawn if s.startswith("== ")]  # the result line, the last caption
    assert last and min(last) >= 20
    strikes = [size for s, size in drawn if " strikes with " in s or " fires " in s]
    assert strikes and max(strikes) >= 20
