"""Animations of the engine's events: slides, leaps, shots, slashes, floating numbers, the core torn out.

The animator only shows what the events say happened, as the screen's viewer may know them (the
screen hands it `narrate.seen_event`s: a player's numbers are the ones its side sees); the state
it shows between events is the one before the step, then the one after. An animation may carry a
sound cue (`data["cue"]`, one of `gladiator.ui.sound.CUES`), handed to `on_cue` when it starts:
a hit as the blow lands, a leap as it takes off. Imports pygame and the engine's state; holds no rule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

import pygame

from gladiator.state import DuelState
from gladiator.ui import art
from gladiator.ui import theme as T
from gladiator.ui.layout import Layout

Color = tuple[int, int, int]

DURATIONS = {"move": 0.28, "leap": 0.45, "ranged": 0.26, "melee": 0.24, "guard": 0.16, "vent": 0.22, "inject": 0.22,
             "cache": 0.2, "hazard": 0.18, "mimic": 0.36, "extract": 0.5, "melted": 0.5, "shutdown": 0.5,
             "destroyed": 0.45}
FLOAT_TIME = 1.1
BANNER_TIME = 1.3


@dataclass
class Anim:
    """One animation: a kind, its data, its length in seconds and how far it has run."""

    kind: str
    dur: float
    data: dict[str, Any] = field(default_factory=dict)
    t: float = 0.0
    blocking: bool = True

    @property
    def k(self) -> float:
        """Progress from 0 to 1."""
        return 1.0 if self.dur <= 0 else max(0.0, min(1.0, self.t / self.dur))


@dataclass
class _Step:
    before: DuelState
    after: DuelState
    anims: list[Anim]
    on_done: Callable[[], None] | None = None

    def done(self) -> None:
        if self.on_done is not None:
            cb, self.on_done = self.on_done, None
            cb()


class Animator:
    """Plays the events of each step in order; non-blocking effects (numbers, banners) float on top."""

    def __init__(self) -> None:
        self.steps: list[_Step] = []
        self.effects: list[Anim] = []
        self.clock = 0.0
        self.on_cue: Callable[[str], object] | None = None  # hears each animation's sound cue as it starts
        self._quiet = False  # flushing: what is skipped is not heard

    @property
    def busy(self) -> bool:
        """Whether a step is still being animated."""
        return bool(self.steps)

    def shown_state(self, current: DuelState) -> DuelState:
        """The state to draw: the one before the step being animated, else `current`."""
        return self.steps[0].before if self.steps else current

    def push(self, before: DuelState, after: DuelState, events: list[dict], side_color: Callable[[int], Color], cols: int,
             on_done: Callable[[], None] | None = None) -> None:
        """Queue the animation of one engine step from its events (`cols`: the arena's width in tiles).

        `on_done` runs when the step's animation is over (or flushed): the log catches up then.
        """
        anims: list[Anim] = []
        where = {0: int(before.pos[0, 0]), 1: int(before.pos[0, 1])}
        for ev in events:
            side = ev.get("side")
            if isinstance(side, int) and side in where:
                xy = lambda t: (float(t % cols), float(t // cols))  # noqa: E731
                ev = dict(ev, _at=xy(where[side]), _src=xy(where[side]), _dst=xy(where[1 - side]))
                if ev["event"] in ("move", "leap"):
                    where[side] = int(ev["to"])
            a = _anim_for(ev, before, side_color, cols)
            if a is None:
                continue
            if a.blocking:
                anims.append(a)
            else:
                self._effect(a)
        self.steps.append(_Step(before, after, anims, on_done))

    def flush(self) -> None:
        """Finish every queued step at once (input arrived, or the timeline jumped)."""
        steps, self.steps = self.steps, []
        self._quiet = True
        try:
            for st in steps:
                for a in st.anims:
                    self._finish(a)
                st.done()
        finally:
            self._quiet = False

    def clear(self) -> None:
        """Drop every animation and effect."""
        self.steps.clear()
        self.effects.clear()

    def update(self, dt: float) -> None:
        """Advance by `dt` seconds (already scaled by the speed)."""
        self.clock += dt
        left = dt
        while self.steps and left > 0:
            st = self.steps[0]
            if not st.anims:
                self.steps.pop(0).done()
                continue
            a = st.anims[0]
            if a.t == 0.0:
                self._cue(a)
            use = min(left, a.dur - a.t)
            a.t += use
            left -= use
            if a.t >= a.dur - 1e-9:
                self._finish(a)
                st.anims.pop(0)
            if not st.anims:
                self.steps.pop(0).done()
        while self.steps and not self.steps[0].anims:
            self.steps.pop(0).done()
        for e in self.effects:
            e.t += dt
        self.effects = [e for e in self.effects if e.t < e.dur]

    def current(self) -> Anim | None:
        """The blocking animation running now."""
        if self.steps and self.steps[0].anims:
            return self.steps[0].anims[0]
        return None

    def pose(self, side: int) -> tuple[float, float, float] | None:
        """(tile x, tile y, lift) of a side that is moving now, or None."""
        a = self.current()
        if a is None or a.kind not in ("move", "leap", "melee", "extract") or a.data.get("side") != side:
            return None
        fx, fy = a.data["from_xy"]
        tx, ty = a.data["to_xy"]
        k = a.k
        if a.kind in ("melee", "extract"):  # lunge towards the target and back
            lunge = math.sin(math.pi * k) * 0.35
            return (fx + (tx - fx) * lunge, fy + (ty - fy) * lunge, 0.0)
        e = k * k * (3 - 2 * k)
        lift = math.sin(math.pi * k) * 0.7 if a.kind == "leap" else 0.0
        return (fx + (tx - fx) * e, fy + (ty - fy) * e, lift)

    def draw(self, surf: pygame.Surface, lay: Layout) -> None:
        """Draw the running animation and the floating effects."""
        a = self.current()
        if a is not None:
            _draw(surf, lay, a, self.clock)
        for e in self.effects:
            _draw(surf, lay, e, self.clock)

    def _finish(self, a: Anim) -> None:
        for e in a.data.get("then", []):
            self._effect(e)

    def _effect(self, e: Anim) -> None:
        self.effects.append(e)
        self._cue(e)

    def _cue(self, a: Anim) -> None:
        cue = a.data.get("cue")
        if cue and self.on_cue is not None and not self._quiet and not a.data.get("_cued"):
            a.data["_cued"] = True
            self.on_cue(cue)


def _float(tile_xy: tuple[float, float], text: str, color: Color, big: bool = False, cue: str | None = None) -> Anim:
    data = {"xy": tile_xy, "text": text, "color": color, "big": big} | ({"cue": cue} if cue else {})
    return Anim("float", FLOAT_TIME * (1.4 if big else 1.0), data, blocking=False)


def _anim_for(ev: dict, s: DuelState, side_color: Callable[[int], Color], cols: int) -> Anim | None:
    maker = _ANIMS.get(ev["event"])
    return None if maker is None else maker(dict(ev, _cols=cols), s, side_color)


def _grid(ev: dict, s: DuelState, key: str) -> tuple[float, float]:
    cols = ev["_cols"]
    t = int(ev[key])
    return (float(t % cols), float(t // cols))


def _pos_xy(s: DuelState, side: int, cols: int) -> tuple[float, float]:
    t = int(s.pos[0, side])
    return (float(t % cols), float(t // cols))


def _a_move(ev: dict, s: DuelState, color: Callable[[int], Color]) -> Anim:
    leap = ev["event"] == "leap"
    return Anim("leap" if leap else "move", DURATIONS["leap" if leap else "move"],
                {"side": ev["side"], "from_xy": _grid(ev, s, "from"), "to_xy": _grid(ev, s, "to")} | ({"cue": "leap"} if leap else {}))


def _a_attack(ev: dict, s: DuelState, color: Callable[[int], Color]) -> Anim:
    cols = ev["_cols"]
    side = ev["side"]
    src, dst = ev.get("_src") or _pos_xy(s, side, cols), ev.get("_dst") or _pos_xy(s, 1 - side, cols)
    if ev["hit"]:
        txt = (f"-{ev['damage']}" if ev["damage"] is not None else "HIT") + (" REAR" if ev.get("rear") else "")
        then = [_float(dst, txt, (255, 90, 80)),
                Anim("flash", 0.3, {"xy": dst, "color": (255, 200, 150), "cue": "hit"}, blocking=False)]
        if ev.get("melt"):
            then.append(_float((dst[0] + 0.3, dst[1] + 0.35), f"+{ev['melt']} heat", T.HEAT, cue="melt"))
    else:
        then = [_float(dst, "MISS", (200, 205, 220))]
    kind = "ranged" if ev["ranged"] else "melee"
    return Anim(kind, DURATIONS[kind], {"side": side, "from_xy": src, "to_xy": dst, "hit": ev["hit"], "color": color(side), "then": then})


def _a_pulse(label_of: Callable[[dict], str | None], color: Color, key: str) -> Callable[..., Anim]:
    def make(ev: dict, s: DuelState, c: Callable[[int], Color]) -> Anim:
        xy = _pos_xy(s, ev["side"], ev["_cols"]) if "_at" not in ev else ev["_at"]
        label = label_of(ev)
        then = [_float(xy, label, color)] if label else []
        return Anim("pulse", DURATIONS[key], {"xy": xy, "color": color, "then": then})
    return make


def _a_extract(ev: dict, s: DuelState, color: Callable[[int], Color]) -> Anim:
    cols = ev["_cols"]
    side = ev["side"]
    src, dst = ev.get("_src") or _pos_xy(s, side, cols), ev.get("_dst") or _pos_xy(s, 1 - side, cols)
    if ev["success"]:
        then = [Anim("core", 2.6, {"xy": dst, "to": src, "cue": "extract"}, blocking=False),
                _float(dst, "CORE EXTRACTED", T.ACCENT, big=True)]
    else:
        odds = f" ({ev['chance']:.0%})" if "chance" in ev else ""  # a player is not told the enemy's odds
        then = [_float(dst, f"fails{odds} - EXPOSED", (200, 205, 220), cue="extract_fail")]
    return Anim("extract", DURATIONS["extract"], {"side": side, "from_xy": src, "to_xy": dst, "then": then})


def _a_end(label: str, color: Color, key: str, cue: str) -> Callable[..., Anim]:
    def make(ev: dict, s: DuelState, c: Callable[[int], Color]) -> Anim:
        xy = ev.get("_at") or _pos_xy(s, ev["side"], ev["_cols"])
        return Anim("burst", DURATIONS[key], {"xy": xy, "color": color, "cue": cue, "then": [_float(xy, label, color, big=True)]})
    return make


def _a_turn(ev: dict, s: DuelState, color: Callable[[int], Color]) -> Anim:
    hot = {"cue": "overheat"} if ev.get("overheat_damage") else {}  # a turn begun overheated: the alarm
    return Anim("banner", BANNER_TIME, {"text": f"Turn {ev['turn']}", "color": color(ev["side"])} | hot, blocking=False)


_ANIMS: dict[str, Callable[..., Anim | None]] = {
    "move": _a_move, "leap": _a_move, "attack": _a_attack,
    "guard": _a_pulse(lambda ev: "GUARD", (150, 210, 255), "guard"),
    "vent": _a_pulse(lambda ev: f"vent -{ev['shed']}", (220, 230, 240), "vent"),
    "inject": _a_pulse(lambda ev: f"+{ev['gained']} Nectar", T.NECTAR, "inject"),
    "cache": _a_pulse(lambda ev: f"cache +{ev['gained']}", T.CACHE, "cache"),
    "hazard": _a_pulse(lambda ev: f"+{ev['heat']} heat", T.HEAT, "hazard"),
    "mimic": _a_pulse(lambda ev: None, T.ACCENT, "mimic"),
    "extract": _a_extract,
    "melted": _a_end("MELTDOWN", (255, 110, 40), "melted", "meltdown"),
    "shutdown": _a_end("SHUTDOWN", (150, 160, 190), "shutdown", "shutdown"),
    "destroyed": _a_end("DESTROYED", (255, 80, 60), "destroyed", "destroyed"),
    "turn": _a_turn,
}


def _draw(surf: pygame.Surface, lay: Layout, a: Anim, clock: float) -> None:
    k = a.k
    ts = lay.tile
    d = a.data
    if a.kind == "ranged":
        p0 = lay.tile_center(*d["from_xy"])
        p1 = lay.tile_center(*d["to_xy"])
        head = (p0[0] + (p1[0] - p0[0]) * k, p0[1] + (p1[1] - p0[1]) * k)
        tk = max(0.0, k - 0.25)
        tail = (p0[0] + (p1[0] - p0[0]) * tk, p0[1] + (p1[1] - p0[1]) * tk)
        col = T.shade(d["color"], 1.5)
        pygame.draw.line(surf, d["color"], tail, head, max(2, ts // 6))
        pygame.draw.line(surf, col, tail, head, max(1, ts // 14))
        art.glow(surf, (int(head[0]), int(head[1])), max(2, ts // 3), col, 120)
    elif a.kind == "melee":
        c = lay.tile_center(*d["to_xy"])
        r = ts * 0.55
        start = -math.pi * 0.9 + k * math.pi * 0.3
        rect = pygame.Rect(0, 0, int(r * 2), int(r * 2))
        rect.center = (int(c[0]), int(c[1]))
        if k > 0.35 and rect.width > 2:
            kk = (k - 0.35) / 0.65
            pygame.draw.arc(surf, (245, 245, 255), rect, start, start + math.pi * 1.2 * kk, max(2, ts // 10))
            pygame.draw.arc(surf, T.shade(d["color"], 1.4), rect.inflate(-ts // 6, -ts // 6), start, start + math.pi * 1.2 * kk, max(1, ts // 16))
    elif a.kind in ("pulse", "burst", "flash"):
        c = lay.tile_center(*d["xy"])
        big = 1.0 if a.kind == "pulse" else 1.6
        r = int(ts * (0.3 + 0.5 * k) * big)
        if a.kind == "flash":
            art.glow(surf, (int(c[0]), int(c[1])), max(2, int(ts * 0.6)), d["color"], int(170 * (1 - k)))
        else:
            if a.kind == "burst":
                art.glow(surf, (int(c[0]), int(c[1])), max(2, int(ts * 0.9)), d["color"], int(150 * (1 - k)))
            if r > 1:
                pygame.draw.circle(surf, d["color"], (int(c[0]), int(c[1])), r, max(1, int(ts * 0.08 * (1 - k)) + 1))
    elif a.kind == "extract":
        c = lay.tile_center(*d["to_xy"])
        for i in range(3):
            ang = clock * 9 + i * 2.1
            p = (c[0] + math.cos(ang) * ts * 0.35 * (1 - k), c[1] + math.sin(ang) * ts * 0.35 * (1 - k))
            pygame.draw.circle(surf, (200, 240, 255), (int(p[0]), int(p[1])), max(1, ts // 12))
    elif a.kind == "core":
        c0 = lay.tile_center(*d["xy"])
        c1 = lay.tile_center(*d["to"])
        kk = min(1.0, k * 2.2)
        x = c0[0] + (c1[0] - c0[0]) * kk
        y = c0[1] + (c1[1] - c0[1]) * kk - math.sin(math.pi * kk) * ts * 1.2 - ts * 0.6 * kk
        art.core(surf, (x, y), ts * 0.26, clock * 4)
    elif a.kind == "float":
        c = lay.tile_center(*d["xy"])
        size = lay.px(36 if d["big"] else 28)
        img = T.text(d["text"], size, d["color"])
        y = c[1] - ts * 0.5 - k * ts * 0.9
        fade = 255 if k < 0.6 else int(255 * (1 - (k - 0.6) / 0.4))
        shadow = T.text(d["text"], size, (0, 0, 0))
        for src, off in ((shadow, 2), (img, 0)):
            src.set_alpha(fade)
            surf.blit(src, (int(c[0] - img.get_width() / 2) + off, int(y) + off))
            src.set_alpha(None)
    elif a.kind == "banner":
        k2 = a.k
        alpha = int(255 * min(1.0, 4 * k2, 4 * (1 - k2)))
        size = lay.px(34)
        img = T.text(d["text"], size, d["color"])
        r = img.get_rect(midtop=(lay.board.centerx, lay.board.top + lay.px(10)))
        back = pygame.Surface(r.inflate(lay.px(30), lay.px(10)).size, pygame.SRCALPHA)
        back.fill((10, 12, 18, int(alpha * 0.7)))
        surf.blit(back, r.inflate(lay.px(30), lay.px(10)))
        img.set_alpha(alpha)
        surf.blit(img, r)
        img.set_alpha(None)
