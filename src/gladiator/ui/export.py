"""Export a recorded duel as an animated GIF, MP4 or WebM, drawn headless by the window's own renderer.

The broadcast view of the replay screen (`ui.broadcast`: the board, the two suit cards and a
caption of the last action) plays the duel (its animations, the turn, the result) on an offscreen surface
with SDL's dummy driver; each frame goes straight to the encoder, so memory stays flat however
long the duel. GIF is written frame by frame with Pillow (a palette taken from the first frame);
MP4 and WebM go through imageio's ffmpeg plugin (the `video` extra). The file is written beside
its destination and renamed into place at the end: a failure leaves no half-written file.
Imports pygame and the other ui modules.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np

from gladiator.errors import GladiatorError
from gladiator.game import Game

FORMATS = (".gif", ".mp4", ".webm")
HOLD_SECONDS = 1.5  # the last frame stays this long
MAX_FRAMES = 100_000  # a safety net far above any duel
VIDEO_HINT = "MP4 and WebM need imageio's ffmpeg plugin: pip install 'gladiator[video]'"
GIF_HINT = "GIF needs Pillow: pip install 'gladiator[video]'"
MIN_SIDE = 64  # pixels: a clip's width and height are at least this
CLEAR = 255  # a GIF frame's transparent index (the palette has 255 colours): pixels the frame leaves as they were


def check_target(path: Path) -> str:
    """The export format of `path` by its extension, or a one-line error (unknown extension, missing extra, no folder)."""
    ext = path.suffix.lower()
    if ext not in FORMATS:
        raise GladiatorError(f"--export {path}: unknown extension {ext or '(none)'!r}; use one of {', '.join(FORMATS)}")
    if path.is_dir():
        raise GladiatorError(f"--export {path}: is a folder; name a file")
    if not path.parent.exists():
        raise GladiatorError(f"--export {path}: folder {path.parent} does not exist")
    if not path.parent.is_dir():
        raise GladiatorError(f"--export {path}: {path.parent} is not a folder")
    if not os.access(path.parent, os.W_OK):
        raise GladiatorError(f"--export {path}: cannot write in {path.parent}")
    try:
        if ext == ".gif":
            import PIL  # noqa: F401
        else:
            import imageio_ffmpeg  # noqa: F401
    except ImportError:
        raise GladiatorError(f"--export {path}: {GIF_HINT if ext == '.gif' else VIDEO_HINT}") from None
    return ext


def check_settings(fps: int, size: tuple[int, int]) -> None:
    """A one-line error for a frame rate (--fps) or a picture size (--size) a clip cannot have."""
    if not 1 <= fps <= 60:
        raise GladiatorError(f"--fps must be from 1 to 60, got {fps}")
    if size[0] < MIN_SIDE or size[1] < MIN_SIDE:
        raise GladiatorError(f"--size must be at least {MIN_SIDE}x{MIN_SIDE} for a clip, got {size[0]}x{size[1]}")


def turns_at(game: Game, data: dict[str, Any]) -> list[int]:
    """The turn of a replay's duel before each of its actions, and after the last: `turns_at(...)[k]` is the turn
    after k actions."""
    from gladiator import engine
    from gladiator.replay import replay_states

    s, _ = replay_states(game, data, upto=0)
    turn_at = [int(s.turn[0])]
    for a in data["actions"]:
        s, _ = engine.step(game, s, [a])
        turn_at.append(int(s.turn[0]))
    return turn_at


def action_range(game: Game, data: dict[str, Any], first_turn: int | None, last_turn: int | None) -> tuple[int, int]:
    """The actions [k0, k1) of the turns first_turn..last_turn of a replay, or a one-line error for a cut outside it."""
    turn_at = turns_at(game, data)
    last = turn_at[-1]
    lo = 1 if first_turn is None else first_turn  # 0 is a turn like -3: refused, never "the whole duel"
    hi = last if last_turn is None else last_turn
    if lo < 1 or hi < lo or lo > last or hi > last:
        raise GladiatorError(f"the cut --from {lo} --to {hi} is outside the duel: --from and --to are turns 1..{last}, "
                             "--from at most --to")
    k0 = next(k for k, t in enumerate(turn_at) if t >= lo)
    k1 = next((k for k, t in enumerate(turn_at) if t > hi), len(data["actions"]))
    return k0, max(k0, k1)


def frames(game: Game, data: dict[str, Any], size: tuple[int, int], fps: int, k0: int, k1: int,
           at: list[int] | None = None) -> Iterator[np.ndarray]:
    """(H, W, 3) uint8 frames of the replay played from action k0 to k1 at `fps`, then held a moment; `at[0]` is kept
    at the action the playback has reached."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    import pygame

    from gladiator.ui.broadcast import BroadcastScreen

    if not pygame.get_init():
        pygame.init()
    surface = pygame.Surface(size)
    screen = BroadcastScreen(game, data)  # the board, the suit cards and a caption: no buttons, keys or log panel
    screen.anim.on_cue = None  # a clip is silent: no sound is played while it is written
    screen.arcs = False  # nor does it show the arc overlay, which follows the side to act (a key away in the window)
    screen.goto(k0)
    screen.playing = True
    dt = 1.0 / fps

    def grab() -> np.ndarray:
        screen.update(dt)
        screen.draw(surface)
        if at is not None:
            at[0] = screen.at
        return pixels(surface)

    for _ in range(MAX_FRAMES):
        yield grab()
        if screen.at >= k1 and not screen.anim.busy:
            break
        if screen.at > k1:  # past the cut: stop the playback where it ends
            screen.playing = False
    screen.playing = False
    for _ in range(int(HOLD_SECONDS * fps)):
        yield grab()


def pixels(surface: Any) -> np.ndarray:
    """(H, W, 3) uint8 RGB pixels of a pygame surface, row by row (read-only): what surfarray.array3d gives, transposed,
    in one copy instead of three."""
    import pygame

    w, h = surface.get_size()
    return np.frombuffer(pygame.image.tobytes(surface, "RGB"), dtype=np.uint8).reshape(h, w, 3)


def changed_box(before: np.ndarray, after: np.ndarray) -> tuple[int, int, int, int] | None:
    """(left, top, right, bottom) of the pixels that differ between two (H, W, 3) frames; None if none does."""
    h, w, _ = after.shape
    changed = after.reshape(h, w * 3) != before.reshape(h, w * 3)  # by byte: a row's bytes are its pixels' R, G, B
    ys = np.flatnonzero(changed.any(axis=1))
    if not ys.size:
        return None
    xs = np.flatnonzero(changed[ys[0] : ys[-1] + 1].any(axis=0)) // 3  # the bytes' pixels
    return int(xs[0]), int(ys[0]), int(xs[-1]) + 1, int(ys[-1]) + 1


def export(game: Game, data: dict[str, Any], path: Path, fps: int = 12, size: tuple[int, int] = (960, 540),
           first_turn: int | None = None, last_turn: int | None = None,
           on_frame: Callable[[int, int, int], None] | None = None) -> int:
    """Write the replay (or the turns first_turn..last_turn of it) to `path`; returns the number of frames written.
    `on_frame(frames, actions, of)` is told after each frame how many of the cut's actions have been shown."""
    ext = check_target(path)
    check_settings(fps, size)
    k0, k1 = action_range(game, data, first_turn, last_turn)
    tmp = path.with_name(f".{path.name}.part{ext}")
    n = 0
    try:
        writer = _GifWriter(tmp, fps) if ext == ".gif" else _VideoWriter(tmp, size, fps)
    except OSError as e:  # a place the system refuses (checked above only as far as permissions tell)
        raise GladiatorError(f"--export {path}: cannot write: {e.strerror or e}") from None
    try:
        at = [k0]
        for frame in frames(game, data, size, fps, k0, k1, at):
            writer.write(frame)
            n += 1
            if on_frame is not None:
                on_frame(n, min(at[0], k1) - k0, k1 - k0)
        writer.close()
        os.replace(tmp, path)
    except BaseException as e:
        writer.abort()
        tmp.unlink(missing_ok=True)
        if isinstance(e, OSError):  # the disk full, the folder gone: one line, and nothing left behind
            raise GladiatorError(f"--export {path}: cannot write: {e.strerror or e}") from None
        raise
    return n


def palette_source(first: np.ndarray) -> np.ndarray:
    """The pixels a GIF's one palette is chosen from: the first frame, the same frame under the end's shade (the
    result is drawn over a darkened board), and a band of the theme's colours and their tints (heat bars, tags,
    highlights that the first frame does not show yet)."""
    from gladiator.ui import theme as T

    veil = T.END_VEIL[3] / 255
    end = (first * (1 - veil) + np.array(T.END_VEIL[:3]) * veil).astype(np.uint8)
    colours = np.array([v for k, v in vars(T).items() if k.isupper() and isinstance(v, tuple) and len(v) == 3], dtype=float)
    tints = np.concatenate([np.clip(colours * f, 0, 255) for f in (0.5, 0.7, 1.0, 1.35)]).astype(np.uint8)
    band = np.repeat(tints[None, :, :], 8, axis=0)
    band = np.repeat(band, max(1, first.shape[1] // band.shape[1]), axis=1)[:, : first.shape[1]]
    if band.shape[1] < first.shape[1]:
        band = np.pad(band, ((0, 0), (0, first.shape[1] - band.shape[1]), (0, 0)), mode="edge")
    return np.ascontiguousarray(np.concatenate([first, end, band]))


class _GifWriter:
    """An animated GIF written frame by frame (Pillow's frame encoder), looping forever."""

    def __init__(self, path: Path, fps: int) -> None:
        self.fp = open(path, "wb")
        self.duration = max(20, round(1000 / fps))
        self.ref: Any = None
        self.last: np.ndarray | None = None
        self.held = 0  # frames equal to the last one written: their time goes to the next frame written

    def write(self, rgb: np.ndarray) -> None:
        from PIL import GifImagePlugin, Image

        if self.ref is None:
            self.ref = Image.fromarray(palette_source(rgb), "RGB").quantize(colors=CLEAR)  # indices 0..254: CLEAR is never one
            first = Image.fromarray(rgb, "RGB").quantize(palette=self.ref, dither=Image.Dither.NONE)
            header, _ = GifImagePlugin.getheader(first)
            for h in header:
                self.fp.write(h)
            self.fp.write(b"!\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00")  # loop forever
            self.last = rgb
            self.held = 1
            self._frame(first, (0, 0))
            return
        box = changed_box(self.last, rgb)
        if box is None:
            self.held += 1
            return
        self._flush()
        x0, y0, x1, y1 = box
        new = np.ascontiguousarray(rgb[y0:y1, x0:x1])
        part = Image.fromarray(new, "RGB").quantize(palette=self.ref, dither=Image.Dither.NONE)
        index = np.array(part, dtype=np.uint8)
        index[(new == self.last[y0:y1, x0:x1]).all(axis=2)] = CLEAR  # unchanged: the frame before shows through
        im = Image.fromarray(index, "P")
        im.putpalette(self.ref.getpalette())
        self._frame(im, (x0, y0), CLEAR)
        self.last = rgb
        self.held = 1

    def _frame(self, im: Any, offset: tuple[int, int], clear: int | None = None) -> None:
        self.pending = (im, offset, clear)

    def _flush(self) -> None:
        """Write the frame waiting for its duration (it lasts until the picture next changes)."""
        from PIL import GifImagePlugin

        im, offset, clear = self.pending
        extra = {} if clear is None else {"transparency": clear}
        for chunk in GifImagePlugin.getdata(im, offset=offset, duration=self.duration * self.held, disposal=1, **extra):
            self.fp.write(chunk)

    def close(self) -> None:
        if self.ref is not None:
            self._flush()
        self.fp.write(b";")
        self.fp.close()

    def abort(self) -> None:
        try:
            self.fp.close()
        except OSError:  # a full disk fails the last flush too: the file is removed anyway
            pass


class _VideoWriter:
    """An MP4 or WebM written frame by frame through imageio's ffmpeg plugin."""

    def __init__(self, path: Path, size: tuple[int, int], fps: int) -> None:
        import imageio_ffmpeg

        codec = "libvpx-vp9" if path.suffix.lower() == ".webm" else "libx264"
        self.gen = imageio_ffmpeg.write_frames(str(path), size, fps=fps, codec=codec, macro_block_size=1,
                                              output_params=["-pix_fmt", "yuv420p"] if codec == "libx264" else None)
        self.gen.send(None)

    def write(self, rgb: np.ndarray) -> None:
        self.gen.send(np.ascontiguousarray(rgb))

    def close(self) -> None:
        self.gen.close()

    def abort(self) -> None:
        try:
            self.gen.close()
        except Exception:  # noqa: BLE001 - the file is removed anyway
            pass
