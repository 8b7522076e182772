"""The window's board aids: the arc overlay, the turn-order strip, the plain-words log with the
formulas a key away, the sound cues, and killing blows told honestly; headless (SDL's dummy drivers)."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

from collections import Counter  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

pygame = pytest.importorskip("pygame")

from gladiator import engine  # noqa: E402
from gladiator.bots import make_bot  # noqa: E402
from gladiator.catalog.loader import load_catalog  # noqa: E402
from gladiator.duel import game_for, play_duel  # noqa: E402
from gladiator.game import ATTACK0, END, EXTRACT, W, Game, make_game  # noqa: E402
from gladiator.narrate import describe, narrate, narrate_plain, seen_event  # noqa: E402
from gladiator.replay import make_replay  # noqa: E402
from gladiator.state import DuelState  # noqa: E402
from gladiator.ui import sound  # noqa: E402
from gladiator.ui.app import App  # noqa: E402
from gladiator.ui.play import DuelScreen  # noqa: E402

from conftest import build_arena, play_out  # noqa: E402

DT = 1 / 60
E, S = 2, 4  # facings (narrate.FACINGS)
OPEN = "#########/#.......#/#.A.....#/#.......#/#.....B.#/#.......#/#########"  # 9 x 7, floor inside the walls


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


@pytest.fixture
def quiet_board(monkeypatch):
    """A fresh sound board for the test (the window's own is left as it was), recording every cue played, on SDL's dummy
    audio driver (importing PettingZoo, as the environments' tests do, sets SDL_AUDIODRIVER=dsp for the whole process)."""
    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")
    pygame.mixer.quit()
    board = sound.SoundBoard()
    played: list[str] = []
    real = board.play

    def play(cue: str) -> bool:
        played.append(cue)
        return real(cue)

    board.play = play  # type: ignore[method-assign]
    monkeypatch.setattr(sound, "_BOARD", board)
    yield board, played
    pygame.mixer.quit()


def key(k: int) -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode="", scancode=0)


def open_game(catalog, *ids: str) -> Game:
    return make_game([catalog.units[u] for u in ids], build_arena(OPEN))


def placed(game: Game, units: tuple[str, str], pos: tuple[tuple[int, int], tuple[int, int]], facing: tuple[int, int],
           active: int = 0) -> DuelState:
    """A fresh duel with the units on the given tiles and facings, `active` to act with its full points."""
    s = engine.new_duels(game, units, [0])
    w = game.geo.width
    for k in (0, 1):
        s.pos[0, k] = pos[k][1] * w + pos[k][0]
        s.facing[0, k] = facing[k]
    s.active[0] = active
    s.ap[0] = game.tables.actions[s.unit[0, active]]
    return s


def tiles_at(game: Game, *xy: tuple[int, int]) -> set[int]:
    return {y * game.geo.width + x for x, y in xy}


# ---- the arc overlay: engine.extraction_map ---------------------------------------------------------------------------

def test_extraction_map_of_a_known_position(catalog):
    """Rouge three tiles west of an unhurt Viola facing east: she can tear the core out only from the three tiles behind
    Viola, a leap away (the leap catches her), at EXTRACT_PER_AGILITY x (8 - 2) = 18% (rules v3); Viola's rear arc is
    every floor tile west of her."""
    game = open_game(catalog, "rouge", "viola")
    s = placed(game, ("rouge", "viola"), ((2, 3), (5, 3)), (E, E))
    m = engine.extraction_map(game, engine.observe(game, s, 0))
    behind = tiles_at(game, (4, 2), (4, 3), (4, 4))
    assert set(np.flatnonzero(m["extract"][0])) == behind
    assert np.allclose(m["odds"][0, sorted(behind)], 0.03 * (8 - 2)) and not m["odds"][0, ~m["extract"][0]].any()
    floor_west = {t for t in range(game.geo.tiles) if game.geo.passable[t] and game.geo.xy[t, 0] < 5}
    assert set(np.flatnonzero(m["rear"][0])) == floor_west
    assert not m["threat"][0].any()  # Viola cannot tear out cores
    viola = engine.extraction_map(game, engine.observe(game, s, 1))
    assert np.array_equal(viola["threat"], m["extract"])  # what Viola is shown: where Rouge could reach her core
    assert not viola["extract"].any()

    hurt = s.copy()
    hurt.integrity[0, 1] = 20  # badly damaged: open from every side, on foot too
    m = engine.extraction_map(game, engine.observe(game, hurt, 0))
    around = {t for t in range(game.geo.tiles) if game.geo.cheb[t, int(s.pos[0, 1])] == 1}
    assert set(np.flatnonzero(m["extract"][0])) == around


def extract_legal(game: Game, s: DuelState) -> bool:
    return bool(engine.legal_mask(game, s)[0, EXTRACT])


@pytest.mark.parametrize("arena", ["concert_hall", "rooftops", "nectar_depot", "open_field"])
def test_extraction_tiles_are_those_the_engine_allows_an_extraction_from(catalog, arena):
    """For states of real duels, a tile is marked exactly when the engine lets Rouge tear the core out from it: standing
    there (the enemy open), or after leaping there; and the odds marked are the engine's extraction preview from it."""
    game = game_for(catalog, arena)
    rng = np.random.default_rng(3)
    checked = marked = 0
    for seed in range(4):
        s = engine.new_duels(game, ("rouge", "viola"), [seed])
        for _ in range(60):
            if s.done[0]:
                break
            me = int(s.active[0])
            if me == 0 and rng.random() < 0.5:
                full = s.copy()
                full.ap[0] = 3
                if rng.random() < 0.3:
                    full.integrity[0, 1] = 20  # now and then an open enemy
                m = engine.extraction_map(game, full)
                pe = int(full.pos[0, 1])
                near = np.flatnonzero(game.geo.cheb[pe] == 1)  # an extraction needs the enemy adjacent
                assert not np.delete(m["extract"][0], near).any()
                for t in near:
                    ok, odds = False, 0.0
                    if game.geo.passable[t] and t != pe:
                        there = full.copy()
                        there.pos[0, 0] = t
                        if extract_legal(game, there):
                            ok, odds = True, float(engine.extraction_preview(game, there)[0])
                        if engine.legal_mask(game, full)[0, game.space.leap(t)]:
                            after, _ = engine.step(game, full, [game.space.leap(t)])
                            if extract_legal(game, after):
                                ok, odds = True, float(engine.extraction_preview(game, after)[0])
                    assert bool(m["extract"][0, t]) == ok, (seed, t)
                    assert m["odds"][0, t] == pytest.approx(odds)
                checked += 1
                marked += int(m["extract"].sum())
            legal = np.flatnonzero(engine.legal_mask(game, s)[0])
            s, _ = engine.step(game, s, [int(rng.choice(legal))])
    assert checked >= 4 and marked > 0


def test_the_screen_draws_the_engine_map_of_its_viewer_and_o_toggles_it(catalog):
    game = game_for(catalog, "open_field")
    scr = DuelScreen(game, ("viola", "rouge"), 0, ("human", "greedy"))
    app = App(scr, (960, 540))
    app.frame([], DT)
    obs = engine.observe(game, scr.state, 0)
    maps = engine.extraction_map(game, obs)
    assert all(np.array_equal(scr.arc_maps(scr.state)[k], maps[k][0]) for k in maps)
    assert scr.arcs_on(scr.state)  # Rouge can tear out Viola's core: on, to show where not to stand
    before = pygame.image.tobytes(app.surface, "RGB")
    app.frame([key(pygame.K_o)], DT)
    assert not scr.arcs_on(scr.state)
    assert pygame.image.tobytes(app.surface, "RGB") != before
    app.frame([key(pygame.K_o)], DT)
    assert scr.arcs_on(scr.state)
    mirror = DuelScreen(game, ("viola", "viola"), 0, ("human", "greedy"))
    assert not mirror.arcs_on(mirror.state)  # neither suit can extract: off unless asked for


# ---- the turn-order strip: engine.turn_forecast -----------------------------------------------------------------------

def test_the_strip_shows_who_acts_and_the_points_each_turn_begins_with(catalog):
    game = game_for(catalog, "open_field")
    scr = DuelScreen(game, ("rouge", "viola"), 4, ("human", "greedy"))
    s = scr.state
    me = int(s.active[0])
    scr.state = s = engine.step(game, s, [game.space.move(int(np.flatnonzero(engine.legal_mask(game, s)[0, game.space.move0:
                                                                                                       game.space.leap0])[0]))])[0]
    hot = s.copy()
    foe = 1 - me
    hot.heat[0, foe] = int(game.tables.heat_capacity[hot.unit[0, foe]] + game.tables.cooling[hot.unit[0, foe]] + 5)
    for state, lost in ((s, 0), (hot, 1)):
        scr.state = state
        chips = scr.turn_chips(state)
        names = [game.roster[int(state.unit[0, k])].name for k in (me, foe)]
        assert [c.name for c in chips[:4]] == [names[0], names[1], names[0], names[1]]
        assert [c.turn for c in chips] == list(range(int(state.turn[0]), int(state.turn[0]) + len(chips)))
        assert chips[0].now and chips[0].ap == int(state.ap[0]) == 2
        nxt, _ = engine.step(game, state, [END])  # the other side's turn begins with what the strip said
        assert int(nxt.active[0]) == foe and chips[1].ap == int(nxt.ap[0]) == 3 - lost
        assert chips[2].ap == 3 and not chips[1].now


def test_the_strip_ends_at_the_turn_limit(catalog):
    game = game_for(catalog, "open_field")
    s = engine.new_duels(game, ("rouge", "viola"), [1])
    s.turn[0] = game.arena.turn_limit - 1
    f = engine.turn_forecast(game, s, 4)
    assert f["held"][0].tolist() == [True, True, False, False]
    scr = DuelScreen(game, ("rouge", "viola"), 1, ("human", "greedy"))
    scr.state = s
    assert len(scr.turn_chips(s)) == 2


# ---- the log: plain words, formulas on F -------------------------------------------------------------------------------

def test_the_log_is_in_plain_words_and_f_shows_the_formulas(catalog):
    game = game_for(catalog, "concert_hall")
    scr = DuelScreen(game, ("rouge", "viola"), 7, ("greedy", "greedy"))
    app = App(scr, (960, 540))
    while sum(e.event is not None and e.event["event"] == "attack" for e in scr.log_entries) < 2:
        scr.settle()  # wait for the bots' worker thread, not for frames (a busy machine)
        app.frame([], 0.25)
    events = [e.event for e in scr.log_entries if e.event is not None]
    plain = [line for line, _ in scr.log_lines if not line.startswith("Space:")]
    assert plain == narrate_plain(game, scr.units, events)
    assert not any("hit chance" in line or "roll" in line for line in plain)
    app.frame([key(pygame.K_f)], DT)
    formulas = [line for line, _ in scr.log_lines if not line.startswith("Space:")]
    assert formulas == narrate(game, scr.units, events) and any("hit chance" in line for line in formulas)
    app.frame([key(pygame.K_f)], DT)
    assert [line for line, _ in scr.log_lines if not line.startswith("Space:")] == plain


def test_help_panel_lists_the_board_keys(catalog):
    game = game_for(catalog, "open_field")
    for controllers in (("human", "greedy"), ("greedy", "greedy")):
        lines = DuelScreen(game, ("rouge", "viola"), 1, controllers).help_lines()
        assert {line.split(":")[0] for line in lines} >= {"O", "F", "S"}


# ---- the killing blow --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("disguised", [False, True])
def test_a_killing_blow_is_told_by_what_it_took_to_both_sides(catalog, disguised):
    """Viola's Heel Spike at most deals 8 - 2 armor = 6 to Rouge (or Jaron as Rouge); Rouge has 3 left. The victim's log
    says it lost its last 3, the attacker's the drop it saw on the gauge, the spectator's the whole blow."""
    victim = "jaron" if disguised else "rouge"
    game = open_game(catalog, victim, "viola", "rouge")
    s = placed(game, (victim, "viola"), ((4, 3), (5, 3)), (E, E), active=1)
    if disguised:
        s.disguise[0, 0], s.disguise_turns[0, 0] = game.unit_index("rouge"), 2
    s.integrity[0, 0] = 3
    spike = next(k for k, w in enumerate(game.roster[game.unit_index("viola")].weapons) if w.id == "heel_spike")
    after, ev = engine.step(game, s, [ATTACK0 + spike], draws=np.array([[0.0, 0.99, 0.5]]), events=True)
    blow = next(e for e in ev[0] if e["event"] == "attack")
    assert after.done[0] and blow["hit"] and blow["integrity_before"] == 3 and blow["damage"] > 3
    units = (victim, "viola")
    felt = seen_event(game, units, blow, viewer=0)
    assert felt["damage"] == 3 and f"HIT for 3" in describe(game, units, blow, viewer=0)
    seen = seen_event(game, units, blow, viewer=1)
    shown = int(engine.gauge(np.array(3), game.tables.integrity[game.unit_index(victim)], game.tables.integrity[game.unit_index("rouge")]))
    assert seen["damage"] == shown and f"HIT for {shown}" in describe(game, units, blow, viewer=1)
    assert f"HIT for {blow['damage']}" in describe(game, units, blow)
    assert ": 3 damage" in narrate_plain(game, units, [blow], viewer=0)[0]


# ---- sound -------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("cue", sound.CUES)
def test_every_cue_is_synthesised_by_the_program(cue):
    wave = sound.synth(cue, 22050)
    assert wave.dtype == np.float32 and 0.1 <= wave.size / 22050 <= 1.5
    assert np.isfinite(wave).all() and np.abs(wave).max() == pytest.approx(1.0)
    assert np.array_equal(wave, sound.synth(cue, 22050))  # the same sound every run
    for size, width in ((-16, 2), (16, 2), (32, 4), (8, 1), (-8, 1)):
        assert len(sound.pcm(wave, size, 2)) == wave.size * 2 * width


def test_cues_differ_and_unknown_cues_are_refused():
    waves = {c: sound.synth(c, 8000) for c in sound.CUES}
    assert len({w.tobytes() for w in waves.values()}) == len(sound.CUES)
    with pytest.raises(ValueError):
        sound.synth("applause")


def expected_cues(events: list[dict]) -> Counter:
    """The cues the window should play for a duel's events."""
    want: Counter = Counter()
    for e in events:
        kind = e["event"]
        if kind == "attack" and e["hit"]:
            want["hit"] += 1
            want["melt"] += bool(e["melt"])
        elif kind == "leap":
            want["leap"] += 1
        elif kind == "extract":
            want["extract" if e["success"] else "extract_fail"] += 1
        elif kind == "turn" and e["overheat_damage"]:
            want["overheat"] += 1
        elif kind in ("melted", "shutdown", "destroyed"):
            want[{"melted": "meltdown"}.get(kind, kind)] += 1
    return +want


@pytest.mark.parametrize("units,arena,seed", [(("rouge", "viola"), "concert_hall", 11), (("viola", "rouge"), "rooftops", 2),
                                              (("rouge", "jaron"), "open_field", 5)])
def test_sounds_are_played_for_the_events_the_window_animates(catalog, quiet_board, units, arena, seed):
    board, played = quiet_board
    game = game_for(catalog, arena)
    scr = DuelScreen(game, units, seed, ("heuristic", "heuristic"))
    app = App(scr, (640, 360))
    play_out(app, scr, 0.25, 5000, animated=True)
    s, events = engine.new_duels(game, units, [seed]), []
    for a in scr.actions:
        s, ev = engine.step(game, s, [a], events=True)
        events += ev[0]
    want = expected_cues(events)
    assert Counter(played) == want and want["hit"] > 0
    assert not board.broken, board.error  # SDL's dummy audio driver: the mixer opens and plays into nothing


def test_the_window_is_silent_and_runs_where_no_audio_device_opens(catalog, quiet_board, monkeypatch):
    board, played = quiet_board

    def no_device(*args, **kwargs):
        raise pygame.error("no audio device")

    monkeypatch.setattr(pygame.mixer, "get_init", lambda: None)
    monkeypatch.setattr(pygame.mixer, "init", no_device)
    game = game_for(catalog, "concert_hall")
    scr = DuelScreen(game, ("rouge", "viola"), 11, ("heuristic", "heuristic"))
    app = App(scr, (640, 360))
    for _ in range(400):
        scr.settle()  # the bots decide on the worker thread: wait for them rather than count frames
        app.frame([], 0.25)
    assert played and board.broken and not board.play("hit")


def test_s_mutes_the_sound(catalog, quiet_board):
    board, played = quiet_board
    game = game_for(catalog, "concert_hall")
    scr = DuelScreen(game, ("rouge", "viola"), 11, ("heuristic", "heuristic"))
    app = App(scr, (640, 360))
    app.frame([key(pygame.K_s)], DT)
    assert board.muted and not board.play("hit")
    app.frame([key(pygame.K_s)], DT)
    assert not board.muted


def test_an_export_plays_no_sound(catalog, quiet_board):
    from gladiator.ui.export import frames

    board, played = quiet_board
    game = game_for(catalog, "concert_hall")
    res = play_duel(game, ("rouge", "viola"), 11, (make_bot("heuristic"), make_bot("heuristic")))
    data = make_replay(game, res, ("heuristic", "heuristic"))
    n = sum(1 for _ in frames(game, data, (320, 180), 10, 0, len(data["actions"])))
    assert n > 10 and played == []
    assert any(e["event"] == "attack" and e["hit"] for e in res.events)


@pytest.mark.parametrize("state", ["ok", "guard", "down"])
def test_a_mech_is_drawn_inside_its_own_tile(catalog, state):
    """Two mechs on adjacent tiles never overlap: every suit, facing and pose fits in a tile round its centre."""
    from gladiator.ui import art

    tile = 64
    for unit in catalog.units.values():
        for facing in range(8):
            surf = pygame.Surface((tile * 3, tile * 3))
            surf.fill((0, 0, 0))
            art.mech(surf, (tile * 1.5, tile * 1.5), tile, unit, facing, state, 0.0, unit.rgb)
            lit = pygame.surfarray.array3d(surf).max(axis=2) > 24
            xs, ys = np.nonzero(lit)
            assert xs.size > tile  # something was drawn
            half = max(np.abs(xs + 0.5 - tile * 1.5).max(), np.abs(ys + 0.5 - tile * 1.5).max())
            assert half <= tile / 2, (unit.id, facing, state, half / tile)


def test_words_on_the_board_are_drawn_over_the_mechs(catalog, monkeypatch):
    """The aimed attack's odds and a suit's EXPOSED tag come after both mechs in a frame, so no sprite hides them."""
    from gladiator.ui import art, board, play

    calls: list[str] = []
    mech, text = art.mech, board.T.text
    monkeypatch.setattr(art, "mech", lambda *a, **k: (calls.append("mech"), mech(*a, **k))[1])
    monkeypatch.setattr(board.T, "text", lambda s, *a, **k: (calls.append(s), text(s, *a, **k))[1])
    game = game_for(catalog, "concert_hall")
    screen = DuelScreen(game, ("rouge", "viola"), 3, ("human", "human"))
    assert isinstance(screen, play.DuelScreen)
    app = App(screen, (1280, 720))
    screen.curtain = False
    state = screen.state.copy()
    state.exposed[0, 1 - int(state.active[0])] = True
    screen.state = state
    for kind in ("attack", "extract"):
        screen.mode = (kind, 0)
        calls.clear()
        app.frame([], DT)
        label = [k for k, c in enumerate(calls) if "(click / Enter)" in c]
        tag = [k for k, c in enumerate(calls) if c == "EXPOSED"]
        mechs = [k for k, c in enumerate(calls) if c == "mech"]
        assert label and tag and len(mechs) == 2, calls
        assert min(label + tag) > max(mechs)


def test_the_window_log_says_when_a_turn_had_nothing_in_it(catalog):
    """Two turns ended at once, read by the hot-seat player to act: its own empty turn reads "No action.", the
    enemy's "Nothing seen." (the same words had it put a disguise on unseen)."""
    game = game_for(catalog, "concert_hall")
    screen = DuelScreen(game, ("rouge", "viola"), 3, ("human", "human"))
    App(screen, (1280, 720))
    first = int(screen.state.active[0])
    screen.apply(END)
    screen.apply(END)
    screen.anim.flush()
    assert int(screen.state.active[0]) == first and screen.viewer() == first
    lines = [t for t, _ in screen.log_lines]
    own = [t for t in lines if t.startswith("Turn 1:")]
    enemy = [t for t in lines if t.startswith("Turn 2:")]
    assert own and own[0].endswith("No action.") and "enemy" not in own[0], lines
    assert enemy and enemy[0].endswith("Nothing seen.") and "the enemy (looks like" in enemy[0], lines


def test_a_staggered_suit_shows_staggered_on_its_panel(catalog, monkeypatch):
    """Version 4: the side an ambush staggered wears a STAGGERED tag on its panel (read from the seat's view), and a side
    not staggered wears none."""
    from gladiator.ui import board

    calls: list[str] = []
    text = board.T.fit_text
    monkeypatch.setattr(board.T, "fit_text", lambda s, *a, **k: (calls.append(s), text(s, *a, **k))[1])
    game = game_for(catalog, "concert_hall", rules=4)
    screen = DuelScreen(game, ("jaron", "viola"), 3, ("human", "human"))
    app = App(screen, (1280, 720))
    screen.curtain = False
    for staggered in (False, True):
        state = screen.state.copy()
        state.staggered[0, 1] = staggered
        screen.state = state
        calls.clear()
        app.frame([], DT)
        assert any("STAGGERED" in c for c in calls) == staggered, calls
