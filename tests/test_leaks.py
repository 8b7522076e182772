"""Leak test: what a side sees of a disguised enemy does not move when hidden facts change.

Random states of a duel against a disguised mimic are built by random legal play, then the
disguise is put on. Each state gets variants that differ only in what the other side may not
know: the disguised suit's true unit (Jaron, or a custom mimic with other stats, weapons and
twice the maxima, its integrity, heat and Nectar scaled to the same fractions), its true stats
under the same id (a second game), its integrity, heat and Nectar moved to other values that
read the same on the shown suit's gauges, its doses and the turns its disguise has left. The
other side's observation, legal actions, attack and extraction previews, the window's arc overlay
and turn-order strip (`engine.extraction_map`, `engine.turn_forecast`), hot-seat window image,
win-odds bar (its figures and its pixels), and the log lines and animated numbers of the next step
(when what it sees after the step is the same) must not change; the spectator's view must (so the
test can fail). The odds bar is compared in the variants played in the same game: what could be
under a disguise is drawn from the game's roster, which both sides know, so a game whose Jaron has
other stats may rightly give other odds. The environments' observation vector (`gladiator.env.encode`)
is checked the same way under rules versions 3 and 4 (version 4's ends with the side to act's may_charge).
"""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import itertools  # noqa: E402
from dataclasses import fields  # noqa: E402
from functools import lru_cache  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

pygame = pytest.importorskip("pygame")

from gladiator import engine, rng  # noqa: E402
from gladiator.bots import make_bot  # noqa: E402
from gladiator.catalog import Unit, load_catalog  # noqa: E402
from gladiator.duel import play_duel  # noqa: E402
from gladiator.env.encode import encode  # noqa: E402
from gladiator.game import ATTACK0, END, EXTRACT, GUARD, INJECT, VENT, W, Game, make_game  # noqa: E402
from gladiator.narrate import narrate, seen_event  # noqa: E402
from gladiator.rules.combat import badly_damaged, overheated  # noqa: E402
from gladiator.state import DuelState  # noqa: E402
from gladiator.ui.play import DuelScreen  # noqa: E402

ARENAS = ("open_field", "concert_hall", "rooftops", "nectar_depot")
PLAIN = ("rouge", "viola", "nean")  # the viewer's suit, and the look the mimic wears
SIZE = (960, 540)
DRAWS = (np.array([[0.999, 0.5, 0.999, 0.5]]), np.array([[0.0, 0.0, 0.0, 0.0]]), np.array([[0.45, 0.9, 0.3, 0.7]]))
IMAGES_PER_STEP_CHECK = 2  # window images of the state after a step, per variant (they cost a few ms each)


def kestrel(jaron: Unit, weapons_from: Unit) -> Unit:
    """A second mimic: other armor, agility, firepower, speed, cooling, doses and weapons, twice Jaron's maxima."""
    s = jaron.stats
    stats = s.model_copy(update=dict(integrity=2 * s.integrity, heat_capacity=2 * s.heat_capacity, nectar=2 * s.nectar,
                                     armor=s.armor + 4, agility=max(0, s.agility - 5), firepower=s.firepower + 4,
                                     speed=s.speed - 1, cooling=s.cooling + 3, nectar_doses=4, dose_nectar=9))
    return jaron.model_copy(update=dict(id="kestrel", name="Kestrel", color="#20c0a0", stats=stats,
                                        weapons=list(weapons_from.weapons), abilities=["mimic", "leap"]))


@lru_cache(maxsize=None)
def games(arena: str, rules: int = 3) -> tuple[Game, Game]:
    """The game (every catalog unit and Kestrel) and a twin in which Jaron, same id and maxima, has other stats and
    weapons, under rules version `rules`."""
    cat = load_catalog()
    jaron = cat.units["jaron"]
    roster = [*cat.units.values(), kestrel(jaron, cat.units["viola"])]
    changed = jaron.model_copy(update=dict(
        stats=jaron.stats.model_copy(update=dict(armor=7, agility=0, firepower=6, speed=5, cooling=1, dose_nectar=2)),
        weapons=list(cat.units["nean"].weapons)))
    twin = [changed if u.id == "jaron" else u for u in roster]
    return make_game(roster, cat.arena(arena), rules), make_game(twin, cat.arena(arena), rules)


def random_state(game: Game, units: tuple[str, str], seed: int, steps: int, rng: np.random.Generator) -> DuelState:
    """A live duel after up to `steps` random legal actions (attacks preferred, no disguise: it is put on after)."""
    sp = game.space
    s = engine.new_duels(game, units, [seed])
    for _ in range(steps):
        m = engine.legal_mask(game, s)[0].copy()
        m[sp.mimic0: sp.move0] = False
        strikes = np.flatnonzero(m[ATTACK0: ATTACK0 + W]) + ATTACK0
        a = int(rng.choice(strikes)) if strikes.size and rng.random() < 0.6 else int(rng.choice(np.flatnonzero(m)))
        nxt, _ = engine.step(game, s, [a])
        if nxt.done[0]:
            break
        s = nxt
    return s


def same_reading(game: Game, s: DuelState, d: int, rng: np.random.Generator) -> DuelState:
    """`s` with side d's integrity, heat and Nectar moved to other values that read the same on its shown suit's gauges."""
    t = game.tables
    out = s.copy()
    true, look = int(s.unit[0, d]), int(s.disguise[0, d])
    for name, maxima, lo, hi, flag in (("integrity", t.integrity, 1, int(t.integrity[true]), badly_damaged),
                                       ("heat", t.heat_capacity, 0, 2 * int(t.heat_capacity[true]), overheated),
                                       ("nectar", t.nectar, 1, int(t.nectar[true]), None)):
        now = int(getattr(s, name)[0, d])
        vals = np.arange(lo, hi + 1)
        reading = engine.gauge(vals, maxima[true], maxima[look])
        ok = (reading == engine.gauge(np.array(now), maxima[true], maxima[look])) & (vals != now)
        if flag is not None:
            ok &= flag(vals, maxima[true]) == flag(np.array(now), maxima[true])
        if ok.any():
            getattr(out, name)[0, d] = int(rng.choice(vals[ok]))
    return out


def equal_states(a: DuelState, b: DuelState) -> bool:
    """Whether two states hold the same values."""
    return all(np.array_equal(getattr(a, f.name), getattr(b, f.name)) for f in fields(a))


def variants(game: Game, twin: Game, units: tuple[str, str], s: DuelState, d: int,
             rng: np.random.Generator) -> list[tuple[str, Game, tuple[str, str], DuelState]]:
    """The hidden-fact variants of a state whose side d is a disguised Jaron (see the module's docstring)."""
    k = game.unit_index("kestrel")
    as_kestrel = tuple("kestrel" if i == d else u for i, u in enumerate(units))
    ks = s.copy()
    ks.unit[0, d] = k
    for name in ("integrity", "heat", "nectar"):  # Kestrel's maxima are twice Jaron's: the same fractions
        getattr(ks, name)[0, d] *= 2
    ks.doses[0, d] = int(rng.integers(0, 5))
    turns = s.copy()
    turns.doses[0, d] = (int(s.doses[0, d]) + 1) % 3
    turns.disguise_turns[0, d] = 1 + int(s.disguise_turns[0, d]) % 3
    same = same_reading(game, s, d, rng)
    out = [
        ("its true unit", game, as_kestrel, ks),
        ("its true unit, other values read the same", game, as_kestrel, same_reading(game, ks, d, rng)),
        ("its values read the same", game, units, same) if not equal_states(same, s) else None,  # none may read the same
        ("its doses and disguise turns", game, units, turns),
        ("its true stats and weapons", twin, units, s.copy()),
    ]
    return [x for x in out if x is not None]  # type: ignore[misc]


def views(game: Game, s: DuelState, v: int, spectator: bool = False) -> tuple:
    """What side v is given at this moment: its observation, legal actions (its turn), previews and odds, and the
    window's board aids (the arc overlay's maps and the turn-order strip's forecast)."""
    obs = engine.observe(game, s, v, spectator=spectator)
    legal = engine.legal_mask(game, s)[0] if int(s.active[0]) == v else None
    aids = engine.extraction_map(game, obs) | {f"turns.{k}": x for k, x in engine.turn_forecast(game, obs, 6).items()}
    return obs, legal, engine.attack_preview(game, obs) | aids, engine.extraction_preview(game, obs)


def same_views(x: tuple, y: tuple) -> bool:
    """Whether two `views` agree in every value."""
    (ox, lx, px, ex), (oy, ly, py, ey) = x, y
    return (ox.same_as(oy) and (lx is None) == (ly is None) and (lx is None or np.array_equal(lx, ly))
            and px.keys() == py.keys() and all(np.array_equal(px[k], py[k]) for k in px) and np.array_equal(ex, ey))


@pytest.fixture(scope="module", autouse=True)
def window() -> None:
    pygame.display.init()
    pygame.font.init()


def image(game: Game, units: tuple[str, str], s: DuelState, v: int | None, events: list[dict] | tuple = (),
          mode: tuple[str, int] | None = None, curtain: bool = False) -> bytes:
    """The window's pixels: side v's screen (hot-seat when it acts, else against a bot), a spectator's (v None), or
    the hot-seat curtain before the side to act takes the screen (both players may see it)."""
    if curtain:
        controllers = ("human", "human")
        v = int(s.active[0])
    elif v is None:
        controllers = ("random", "random")
    elif int(s.active[0]) == v:
        controllers = ("human", "human")  # hot-seat: the screen takes the eyes of the side to act
    else:
        controllers = ("human", "random") if v == 0 else ("random", "human")
    scr = DuelScreen(game, units, 0, controllers)
    scr.state, scr.curtain, scr.cursor = s, curtain, int(s.pos[0, v if v is not None else 0])
    scr.clear_log()
    scr.narrate(s, list(events))
    if mode is not None:
        scr.mode = mode
    surf = pygame.Surface(SIZE)
    scr.draw(surf)
    scr.update(0.0)  # the buttons, for this state
    scr.draw(surf)
    assert scr.viewer() == v
    return pygame.image.tobytes(surf, "RGB")


def images(game: Game, units: tuple[str, str], s: DuelState, v: int, views_v: tuple) -> list[bytes]:
    """Side v's window in move mode, the hot-seat curtain, and, on its turn, aiming each usable weapon and reaching for
    the core."""
    out = [image(game, units, s, v), image(game, units, s, v, curtain=True)]
    if int(s.active[0]) == v:
        _, legal, preview, _ = views_v
        for slot in np.flatnonzero(preview["usable"][0]):
            out.append(image(game, units, s, v, mode=("attack", int(slot))))
        if legal[EXTRACT]:
            out.append(image(game, units, s, v, mode=("extract", 0)))
    return out


def odds_bar(game: Game, units: tuple[str, str], s: DuelState, v: int) -> tuple[tuple[int, int, int] | None, bytes]:
    """Side v's win-odds bar, against a bot: its figures (A, draw, B) once worked out, and the window's pixels."""
    scr = DuelScreen(game, units, 0, ("human", "random") if v == 0 else ("random", "human"))
    scr.state, scr.show_odds, scr.cursor = s, True, int(s.pos[0, v])
    scr.clear_log()
    scr.update_odds()
    scr.odds_bar.wait()
    surf = pygame.Surface(SIZE)
    scr.draw(surf)
    assert scr.viewer() == v and scr.odds_now() is not None
    return scr.odds_now(), pygame.image.tobytes(surf, "RGB")


def probe_actions(game: Game, s: DuelState, rng: np.random.Generator) -> list[int]:
    """Actions of the side to act to step from `s`: every strike, the fixed actions, two moves."""
    m = engine.legal_mask(game, s)[0]
    sp = game.space
    moves = np.flatnonzero(m[sp.move0: sp.leap0]) + sp.move0
    fixed = [a for a in (GUARD, VENT, INJECT, EXTRACT, END) if m[a]]
    return [int(a) for a in np.flatnonzero(m[ATTACK0: ATTACK0 + W]) + ATTACK0] + fixed + \
        [int(a) for a in rng.choice(moves, size=min(2, moves.size), replace=False)]


def step(game: Game, s: DuelState, action: int, draws: np.ndarray) -> tuple[DuelState, list[dict]]:
    new, ev = engine.step(game, s, [action], draws=draws, events=True)
    return new, ev[0]


def outcome(events: list[dict]) -> list[tuple]:
    """The visible shape of a step: which events, hits and successes."""
    return [(e["event"], e.get("side"), e.get("hit"), e.get("success")) for e in events]


@settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow],
          phases=[Phase.explicit, Phase.generate])  # each example draws a window a few dozen times: no shrinking
@given(arena=st.sampled_from(ARENAS), mine=st.sampled_from(PLAIN), look=st.sampled_from(PLAIN), d=st.integers(0, 1),
       seed=st.integers(0, 10_000), steps=st.integers(0, 40), turns=st.integers(1, 3), viewer_acts=st.booleans())
@pytest.mark.slow
def test_hidden_facts_of_a_disguised_enemy_do_not_move_what_the_other_side_sees(arena, mine, look, d, seed, steps, turns,
                                                                                  viewer_acts):
    game, twin = games(arena)
    rng = np.random.default_rng(seed)
    v = 1 - d
    units = ("jaron", mine) if d == 0 else (mine, "jaron")
    s = random_state(game, units, seed, steps, rng)
    if (int(s.active[0]) == v) != viewer_acts:
        nxt, _ = engine.step(game, s, [END])
        s = s if nxt.done[0] else nxt
    s.disguise[0, d] = game.unit_index(look)
    s.disguise_turns[0, d] = turns

    base = views(game, s, v)
    base_images = images(game, units, s, v, base)
    spectator = (views(game, s, v, spectator=True), image(game, units, s, None))
    odds = odds_bar(game, units, s, v)
    actions = probe_actions(game, s, rng)
    compared = 0
    for name, g2, units2, s2 in variants(game, twin, units, s, d, rng):
        other = views(g2, s2, v)
        assert same_views(base, other), f"{name}: side {v}'s observation, legal actions or previews moved"
        assert images(g2, units2, s2, v, other) == base_images, f"{name}: side {v}'s window moved"
        if g2 is game:
            figures, pixels = odds_bar(g2, units2, s2, v)
            assert figures == odds[0], f"{name}: side {v}'s win odds moved"
            assert pixels == odds[1], f"{name}: side {v}'s odds bar moved"
        spec2 = views(g2, s2, v, spectator=True)
        assert not (same_views(spectator[0], spec2) and image(g2, units2, s2, None) == spectator[1]), \
            f"{name}: the spectator's view did not move: the test could not catch a leak"
        shown = 0
        legal2 = engine.legal_mask(g2, s2)[0]
        for a in actions:
            if not legal2[a]:
                continue  # the disguised side's own actions may differ with its true suit (speed, reach)
            for draws in DRAWS:
                after, ev = step(game, s, a, draws)
                after2, ev2 = step(g2, s2, a, draws)
                if outcome(ev) != outcome(ev2) or not engine.observe(game, after, v).same_as(engine.observe(g2, after2, v)):
                    continue  # the step showed something different (a hit instead of a miss, another gauge reading)
                if g2 is not game and after.disguise[0, d] < 0:
                    continue  # the disguise fell: the other Jaron of the twin game is now seen as he is
                compared += 1
                assert narrate(game, units, ev, viewer=v) == narrate(g2, units2, ev2, viewer=v), f"{name}: log after {a}"
                assert [seen_event(game, units, e, v) for e in ev] == [seen_event(g2, units2, e, v) for e in ev2], \
                    f"{name}: animated numbers after {a}"
                if shown < IMAGES_PER_STEP_CHECK and not after.done[0] and after.disguise[0, d] >= 0:  # fallen, it shows the truth
                    shown += 1
                    assert image(game, units, after, v, ev) == image(g2, units2, after2, v, ev2), \
                        f"{name}: side {v}'s window after {a}"
    if int(s.active[0]) == v and int(s.ap[0]) > engine.cost_of("guard") and engine.legal_mask(game, s)[0, GUARD]:
        assert compared > 0  # raising guard, the turn going on, shows nothing new: at least that step was compared


def same_after_his_moves(game: Game, s: DuelState, g2: Game, s2: DuelState, v: int) -> int:
    """Side v's encoding after each move of the side to act legal in both states (up to six, the nearest to v first:
    those that may charge) is the same where the step showed the same events; how many were compared."""
    sp = game.space
    legal = engine.legal_mask(game, s)[0] & engine.legal_mask(g2, s2)[0]
    moves = np.flatnonzero(legal[sp.move0: sp.leap0])
    moves = moves[np.argsort(game.geo.cheb[moves, int(s.pos[0, v])], kind="stable")][:6] + sp.move0
    n = 0
    for a in moves:
        after, ev = step(game, s, int(a), DRAWS[2])
        after2, ev2 = step(g2, s2, int(a), DRAWS[2])
        if outcome(ev) == outcome(ev2) and after.disguise[0, 1 - v] >= 0:  # the same seen, and the disguise still on
            assert np.array_equal(encode(game, after, v), encode(g2, after2, v)), f"side {v}'s encoding after move {a}"
            n += 1
    return n


@pytest.mark.parametrize("rules", [3, 4])
def test_the_environments_observation_of_a_disguised_enemy_holds_still_under_each_rules_version(rules):
    """What the environments encode for the side facing a disguised Jaron (`gladiator.env.encode`; under version 4 it
    ends with may_charge, on his turn his), and its view, legal actions and previews, do not move with his hidden facts,
    on its turn and on his; his own encoding does move (the test can fail)."""
    moved = compared = stepped = 0
    turns = set()
    for seed in range(12):
        arena, mine, look, d = ARENAS[seed % 4], PLAIN[seed % 3], PLAIN[(seed // 3) % 3], seed % 2
        game, twin = games(arena, rules)
        rng = np.random.default_rng(seed)
        v = 1 - d
        units = ("jaron", mine) if d == 0 else (mine, "jaron")
        s = random_state(game, units, seed, 4 + 3 * seed, rng)
        nxt, _ = engine.step(game, s, [END])
        charges = (False, True) if rules >= 4 else (None,)  # version 4: the side to act may still charge, or not
        for now, charge in itertools.product((s, *(() if nxt.done[0] else (nxt,))), charges):  # the viewer acts, or not
            now = now.copy()
            now.disguise[0, d], now.disguise_turns[0, d] = game.unit_index(look), 2
            if charge is not None:
                now.may_charge[0] = charge
            turns.add((int(now.active[0]) == v, bool(now.may_charge[0])))
            base, own, seen = encode(game, now, v), encode(game, now, d), views(game, now, v)
            for name, g2, _, s2 in variants(game, twin, units, now, d, rng):
                assert np.array_equal(encode(g2, s2, v), base), f"{name}: side {v}'s encoded observation moved"
                assert same_views(views(g2, s2, v), seen), f"{name}: side {v}'s view, legal actions or previews moved"
                moved += not np.array_equal(encode(g2, s2, d), own)
                compared += 1
                if int(now.active[0]) == d:  # his moves (a charge, under version 4): what it sees after is the same
                    stepped += same_after_his_moves(game, now, g2, s2, v)
    assert compared > 40 and moved > 0 and stepped > 0
    assert {acts for acts, _ in turns} == {False, True}  # on its turn and on his
    if rules >= 4:
        assert {charge for _, charge in turns} == {False, True}  # his may_charge and its own, either way


def test_a_disguised_jaron_is_never_named_or_measured_in_the_log_of_the_side_he_fools():
    game, _ = games("nectar_depot")
    res = play_duel(game, ("jaron", "viola"), 3, (make_bot("greedy"), make_bot("greedy")), disguise=("rouge", None))
    disguised = [int(e["looks"][0]) != game.unit_index("jaron") for e in res.events]
    assert any(disguised) and not all(disguised)
    named = 0
    for ev, hidden in zip(res.events, disguised, strict=True):
        line = narrate(game, ("jaron", "viola"), [ev], viewer=1)
        truth = narrate(game, ("jaron", "viola"), [ev])
        if hidden and line and ev["event"] != "mimic":
            assert "Jaron" not in line[0], line[0]
            named += "Jaron" in truth[0]
        if ev["event"] == "attack" and ev["side"] == 1 and hidden:
            assert f"{ev['seen']['chance']:.0%}" in line[0] and "roll" not in line[0]
    assert named > 5  # the spectator's log does name him
    lines = narrate(game, ("jaron", "viola"), res.events, viewer=1)
    assert lines[0] == "The enemy (looks like Rouge) moves first."  # he starts disguised: Viola's log opens on the suit it sees
    assert narrate(game, ("jaron", "viola"), res.events)[0] == "Jaron moves first. Jaron starts disguised as Rouge."


def test_the_arc_overlay_and_turn_strip_show_a_disguise_as_the_suit_it_shows():
    """Viola facing Jaron disguised as Rouge is shown where 'Rouge' could tear her core out (Jaron cannot extract at
    all) and the points 'Rouge' would begin its turn with: the same maps as against a true Rouge that reads the same."""
    game, _ = games("open_field")
    s = engine.new_duels(game, ("jaron", "viola"), [2], disguise=("rouge", None))
    w = game.geo.width
    s.pos[0] = (3 * w + 2, 3 * w + 5)
    s.facing[0] = (2, 6)  # Jaron faces east, Viola west, towards each other
    s.integrity[0, 1] = 20  # Viola badly damaged: open to extraction from any side
    s.heat[0, 0] = 30  # Jaron overheated (on either gauge)
    rouge = s.copy()
    t, j, r = game.tables, game.unit_index("jaron"), game.unit_index("rouge")
    rouge.unit[0, 0], rouge.disguise[0, 0], rouge.disguise_turns[0, 0] = r, -1, 0
    for name, maxima in (("integrity", t.integrity), ("heat", t.heat_capacity), ("nectar", t.nectar)):
        getattr(rouge, name)[0, 0] = int(engine.gauge(getattr(s, name)[0, 0], maxima[j], maxima[r]))
    seen, truth = (engine.observe(game, x, 1) for x in (s, rouge))
    assert not t.can_extract[j] and seen.foe_look[0] == r
    maps, true_maps = engine.extraction_map(game, seen), engine.extraction_map(game, truth)
    assert maps["threat"].sum() == 8 and all(np.array_equal(maps[k], true_maps[k]) for k in maps)
    strip, true_strip = engine.turn_forecast(game, seen, 4), engine.turn_forecast(game, truth, 4)
    assert all(np.array_equal(strip[k], true_strip[k]) for k in strip)
    spectator = engine.extraction_map(game, engine.observe(game, s, 1, spectator=True))
    assert not spectator["threat"].any()  # the truth: Jaron cannot tear out a core


# ---- what a bot is handed: nothing of the state, the seed or the driver's mask ----

def reachable(*roots: object) -> list[object]:
    """Every object reachable from `roots` through attributes, dataclass fields, containers and array bases."""
    seen: dict[int, object] = {}
    todo = list(roots)
    while todo:
        x = todo.pop()
        if id(x) in seen or isinstance(x, (str, bytes, int, float, bool, type(None), Game)):
            continue
        seen[id(x)] = x
        if isinstance(x, np.ndarray):
            todo.append(x.base)
        elif isinstance(x, (tuple, list, set, frozenset)):
            todo.extend(x)
        elif isinstance(x, dict):
            todo.extend(x.values())
        else:
            todo.extend(getattr(x, "__dict__", {}).values())
            todo.extend(getattr(x, s) for s in getattr(type(x), "__slots__", ()) if hasattr(x, s))
    return list(seen.values())


def touches_state(objects: list[object], s: DuelState) -> list[str]:
    """What among `objects` is the state, shares memory with one of its arrays, or holds its seeds."""
    truth = [getattr(s, f.name) for f in fields(s)]
    found = []
    for x in objects:
        if isinstance(x, DuelState):
            found.append("a DuelState")
        elif isinstance(x, np.ndarray):
            if any(np.shares_memory(x, t) for t in truth):
                found.append(f"an array sharing the state's memory {x.shape}")
            elif x.dtype == s.seed.dtype and x.shape == s.seed.shape and np.array_equal(x, s.seed):
                found.append("the seeds")
    return found


@pytest.mark.parametrize("needs", ["observation", "mask"])
def test_what_a_plugin_bot_is_handed_leads_to_nothing_of_the_state(needs):
    game, _ = games("concert_hall")
    s = engine.new_duels(game, ("jaron", "viola"), np.arange(6), disguise=("rouge", None))
    handed: list = []

    class Recorder:  # a bot of another package: this test module
        name = "recorder"

        def act(self, game, obs, legal):
            if needs == "mask":
                legal.mask  # noqa: B018 - built on demand: what it is built from must not come with it
            handed.append((obs, legal))
            return np.zeros(obs.batch, dtype=np.int64)

    from gladiator.driver import decide

    one = Recorder()
    decide(game, s, (one, one))
    decide(game, s, (Recorder(), Recorder()))
    for obs, legal in handed:
        assert touches_state(reachable(obs, legal), s) == []
    # the walk can fail: the driver's own legal actions do lead to the state
    assert "a DuelState" in touches_state(reachable(engine.Legal(game, s)), s)


def test_the_noise_a_bot_is_handed_is_its_draws_without_their_key():
    game, _ = games("concert_hall")
    s = engine.new_duels(game, ("rouge", "viola"), np.arange(5))
    obs = engine.observe(game, s, s.active)
    assert isinstance(obs.noise, np.ndarray) and not hasattr(obs.noise, "_key")
    assert np.array_equal(obs.noise, rng.uniforms(s.seed, s.counter, engine.NOISE_LANES, stream=engine.NOISE_STREAM))
    assert touches_state(reachable(obs), s) == []
    with pytest.raises(ValueError):
        obs.noise.setflags(write=True)


def test_a_mask_cannot_be_made_writable_nor_its_base():
    game, _ = games("concert_hall")
    s = engine.new_duels(game, ("rouge", "viola"), np.arange(3))
    legal = engine.Legal(game, s)
    for m in (legal.mask, legal.take(np.array([0, 2])).mask, legal.sealed().mask, legal.without(np.zeros(game.space.n, bool)).mask):
        for a in (m, m.base):
            if isinstance(a, np.ndarray):
                with pytest.raises(ValueError):
                    a.setflags(write=True)
