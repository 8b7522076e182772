"""Sound effects of the duel window, synthesised here with numpy: nothing is downloaded or read from files.

`synth(cue)` makes a cue's samples (a pure function, tested without audio); `SoundBoard` plays cues
through `pygame.mixer`, which it opens on the first cue. Where there is no audio device (SDL's
dummy driver, or a mixer that fails to open) it stays silent and raises nothing. The animator says
which cue goes with which engine event and when (`gladiator.ui.anim`). Imports numpy and pygame.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pygame

RATE = 22050  # samples per second asked of the mixer (it may give another; cues are made at the rate it gives)
VOLUME = 0.45  # of full scale
CUES = ("hit", "leap", "melt", "overheat", "meltdown", "extract", "extract_fail", "shutdown", "destroyed")
SEED = 9  # the noise of every cue comes from this fixed seed: the same sounds every run


def synth(cue: str, rate: int = RATE) -> np.ndarray:
    """The samples of one cue, mono float32 in [-1, 1] at `rate` samples a second."""
    if cue not in _MAKERS:
        raise ValueError(f"unknown sound cue {cue!r}; cues: {', '.join(CUES)}")
    wave = _MAKERS[cue](rate, np.random.default_rng(SEED))
    peak = float(np.max(np.abs(wave))) or 1.0
    return (wave / peak).astype(np.float32)


def pcm(wave: np.ndarray, size: int, channels: int) -> bytes | None:
    """`wave` as raw samples in the mixer's format (`size` as `pygame.mixer.get_init` gives it), or None for a format
    this module does not write."""
    frames = np.repeat((wave * VOLUME)[:, None], channels, axis=1)
    if size == -16:
        return (frames * 32767).astype("<i2").tobytes()
    if size == 16:
        return (frames * 32767 + 32768).astype("<u2").tobytes()
    if size == 32:
        return frames.astype("<f4").tobytes()
    if size == 8:
        return (frames * 127 + 128).astype(np.uint8).tobytes()
    if size == -8:
        return (frames * 127).astype(np.int8).tobytes()
    return None


class SoundBoard:
    """Plays cues through pygame's mixer when there is one; silent, never failing, when there is not."""

    def __init__(self) -> None:
        self.muted = False
        self.broken = False  # the mixer could not be opened: stay silent
        self.error: str | None = None  # why, when it is broken
        self._sounds: dict[str, pygame.mixer.Sound] = {}
        self._format: tuple[int, int, int] | None = None

    def toggle_mute(self) -> bool:
        """Mute or unmute; returns whether the sound is now muted."""
        self.muted = not self.muted
        if self.muted and pygame.mixer.get_init():
            pygame.mixer.stop()
        return self.muted

    def play(self, cue: str) -> bool:
        """Play a cue; False when nothing plays (muted, no audio device, unknown cue)."""
        if self.muted or self.broken or cue not in _MAKERS:
            return False
        try:
            sound = self._sound(cue)
            if sound is None:
                return False
            sound.play()
            return True
        except (pygame.error, NotImplementedError, OSError, ValueError) as e:
            self.broken, self.error = True, str(e) or type(e).__name__  # an audio device that fails once is not asked again
            return False

    def _sound(self, cue: str) -> pygame.mixer.Sound | None:
        fmt = pygame.mixer.get_init()
        if not fmt:
            pygame.mixer.init(frequency=RATE, size=-16, channels=2, buffer=512)
            fmt = pygame.mixer.get_init()
            if not fmt:
                self.broken, self.error = True, "the mixer did not open"
                return None
        if fmt != self._format:  # a new mixer (after pygame.quit, or another format): its sounds are made anew
            self._format, self._sounds = fmt, {}
        if cue not in self._sounds:
            rate, size, channels = fmt
            raw = pcm(synth(cue, rate), size, channels)
            if raw is None:
                self.broken, self.error = True, f"the mixer's sample format {size} is not written here"
                return None
            self._sounds[cue] = pygame.mixer.Sound(buffer=raw)
        return self._sounds[cue]


_BOARD = SoundBoard()


def board() -> SoundBoard:
    """The window's sound board (one per process, so muting holds from one duel to the next)."""
    return _BOARD


def _t(rate: int, seconds: float) -> np.ndarray:
    return np.arange(int(rate * seconds)) / rate


def _env(t: np.ndarray, attack: float, decay: float) -> np.ndarray:
    """A quick rise then an exponential fall."""
    return np.minimum(1.0, t / max(attack, 1e-4)) * np.exp(-t / decay)


def _lowpass(x: np.ndarray, keep: float) -> np.ndarray:
    """A one-pole low-pass filter (`keep` near 1: darker)."""
    out = np.empty_like(x)
    acc = 0.0
    for i, v in enumerate(x):  # a few thousand samples, once per cue and mixer
        acc = keep * acc + (1 - keep) * v
        out[i] = acc
    return out


def _sweep(t: np.ndarray, f0: float, f1: float) -> np.ndarray:
    """A sine whose pitch glides from f0 to f1 over `t`."""
    f = f0 + (f1 - f0) * t / max(t[-1], 1e-9)
    return np.sin(2 * np.pi * np.cumsum(f) / (len(t) / max(t[-1], 1e-9)))


def _hit(rate: int, rng: np.random.Generator) -> np.ndarray:
    t = _t(rate, 0.22)
    thump = np.sin(2 * np.pi * (95 - 40 * t / t[-1]) * t) * _env(t, 0.002, 0.06)
    crack = rng.uniform(-1, 1, t.size) * _env(t, 0.001, 0.025)
    return thump + 0.7 * crack


def _leap(rate: int, rng: np.random.Generator) -> np.ndarray:
    t = _t(rate, 0.4)
    air = _lowpass(rng.uniform(-1, 1, t.size), 0.85) * np.sin(np.pi * t / t[-1]) * 2.5
    return air + 0.35 * _sweep(t, 220, 880) * np.sin(np.pi * t / t[-1])


def _melt(rate: int, rng: np.random.Generator) -> np.ndarray:
    t = _t(rate, 0.5)
    hiss = rng.uniform(-1, 1, t.size) - _lowpass(rng.uniform(-1, 1, t.size), 0.6)
    crackle = (rng.random(t.size) < 0.004) * rng.uniform(0.5, 1.0, t.size)
    return (0.5 * hiss + crackle) * _env(t, 0.01, 0.22)


def _overheat(rate: int, rng: np.random.Generator) -> np.ndarray:
    t = _t(rate, 0.45)
    tone = np.where((t * 8).astype(int) % 2 == 0, np.sin(2 * np.pi * 880 * t), np.sin(2 * np.pi * 660 * t))
    return np.sign(tone) * 0.3 * np.exp(-t / 0.5) + 0.2 * _melt(rate, rng)[: t.size]


def _meltdown(rate: int, rng: np.random.Generator) -> np.ndarray:
    t = _t(rate, 0.9)
    rumble = _lowpass(rng.uniform(-1, 1, t.size), 0.97) * 8 * _env(t, 0.02, 0.35)
    return rumble + 0.4 * _sweep(t, 300, 60) * _env(t, 0.01, 0.4)


def _extract(rate: int, rng: np.random.Generator) -> np.ndarray:
    t = _t(rate, 0.75)
    out = np.zeros(t.size)
    for k, f in enumerate((523.25, 659.25, 783.99, 1046.5)):  # a rising arpeggio: the core comes out
        start = int(k * 0.09 * rate)
        tt = t[: t.size - start]
        out[start:] += np.sin(2 * np.pi * f * tt) * (0.6 + 0.4 * np.sin(2 * np.pi * 2 * f * tt)) * _env(tt, 0.004, 0.18)
    return out


def _extract_fail(rate: int, rng: np.random.Generator) -> np.ndarray:
    t = _t(rate, 0.35)
    return np.sign(_sweep(t, 240, 120)) * 0.5 * _env(t, 0.005, 0.15)


def _shutdown(rate: int, rng: np.random.Generator) -> np.ndarray:
    t = _t(rate, 0.9)
    return _sweep(t, 420, 40) * (1 - t / t[-1]) + 0.1 * _lowpass(rng.uniform(-1, 1, t.size), 0.9)


def _destroyed(rate: int, rng: np.random.Generator) -> np.ndarray:
    t = _t(rate, 0.8)
    boom = _lowpass(rng.uniform(-1, 1, t.size), 0.93) * 6 * _env(t, 0.003, 0.25)
    return boom + 0.6 * np.sin(2 * np.pi * (70 - 30 * t) * t) * _env(t, 0.002, 0.2)


_MAKERS: dict[str, Callable[[int, np.random.Generator], np.ndarray]] = {
    "hit": _hit, "leap": _leap, "melt": _melt, "overheat": _overheat, "meltdown": _meltdown, "extract": _extract,
    "extract_fail": _extract_fail, "shutdown": _shutdown, "destroyed": _destroyed,
}
