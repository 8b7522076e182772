"""The window, driven headless (SDL's dummy video driver) by scripted mouse and key events."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import random  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

pygame = pytest.importorskip("pygame")

from gladiator import engine  # noqa: E402
from gladiator.bots import make_bot  # noqa: E402
from gladiator.catalog.loader import load_catalog  # noqa: E402
from gladiator.driver import decide  # noqa: E402
from gladiator.duel import game_for, play_duel  # noqa: E402
from gladiator.game import END, GUARD, INJECT, VENT  # noqa: E402
from gladiator.replay import make_replay, replay_states, save_replay, state_digest  # noqa: E402
from gladiator.ui.app import App  # noqa: E402
from gladiator.ui.play import DuelScreen  # noqa: E402
from gladiator.ui.replay_view import ReplayScreen  # noqa: E402
from gladiator.ui.title import TitleScreen  # noqa: E402
from conftest import play_out  # noqa: E402

DT = 1 / 60


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def key(k: int) -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode="", scancode=0)


def click(pos: tuple[float, float], button: int = 1) -> list[pygame.event.Event]:
    p = (int(pos[0]), int(pos[1]))
    return [pygame.event.Event(pygame.MOUSEMOTION, pos=p, rel=(0, 0), buttons=(0, 0, 0)),
            pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=p, button=button),
            pygame.event.Event(pygame.MOUSEBUTTONUP, pos=p, button=button)]


def button(screen, label: str):
    hits = [b for b in screen.buttons if b.label == label or b.label.startswith(label + " ")]
    assert hits, f"no button {label!r} among {[b.label for b in screen.buttons]}"
    return hits[0]


def new_app(screen, size=(1280, 720)) -> App:
    app = App(screen, size)
    app.frame([], DT)
    return app


def inputs_for(screen: DuelScreen, action: int, n: int) -> list[list[pygame.event.Event]]:
    """Mouse and key events (one list per frame) a player would use to choose `action`; varies with `n`."""
    sp, lay, g = screen.game.space, screen.layout, screen.game
    kind, arg = sp.kind(action)
    if kind in ("move", "leap"):
        mode_key = pygame.K_m if kind == "move" else pygame.K_l
        if n % 2 == 0:
            return [[key(mode_key)], click(lay.tile_center(arg))]
        frames = [[key(mode_key)]]  # keyboard: walk the cursor to the tile, then Enter
        w = g.arena.width
        cx, cy = screen.cursor % w, screen.cursor // w
        tx, ty = arg % w, arg // w
        steps = [key(pygame.K_RIGHT if tx > cx else pygame.K_LEFT)] * abs(tx - cx)
        steps += [key(pygame.K_DOWN if ty > cy else pygame.K_UP)] * abs(ty - cy)
        return frames + [steps + [key(pygame.K_RETURN)]]
    if kind == "attack":
        foe = int(screen.state.pos[0, 1 - int(screen.state.active[0])])
        label = g.roster[screen.shown_unit(screen.state, int(screen.state.active[0]))].weapons[arg].name
        if n % 2 == 0:
            return [click(button(screen, label).rect.center), click(lay.tile_center(foe))]
        return [[key(pygame.K_1 + arg)], [key(pygame.K_1 + arg)]]
    if kind == "extract":
        return [[key(pygame.K_x)], [key(pygame.K_x)]]
    if kind == "mimic":
        return [[key(pygame.K_d)], "mimic"]
    if action == GUARD:
        return [[key(pygame.K_g)]]
    if action == VENT:
        return [click(button(screen, "Vent").rect.center)]
    if action == INJECT:
        return [[key(pygame.K_i)]]
    assert action == END
    return [[key(pygame.K_e)]] if n % 2 else [click(button(screen, "End turn").rect.center)]


def play_by_input(app: App, screen: DuelScreen, chooser, max_actions: int = 400) -> list[int]:
    """Play the human turns by input events (actions picked by `chooser`); bots act on their own."""
    chosen: list[int] = []
    frames = 0
    while not screen.state.done[0] and frames < 20000:
        frames += 1
        if not screen.human_turn():
            screen.settle()  # the bot decides on the worker thread; the test waits for it rather than count frames
            app.frame([], 0.1)
            continue
        if screen.curtain:  # hot-seat: the next player takes the screen
            app.frame([key(pygame.K_e)], DT)
            assert not screen.curtain
            continue
        a = int(decide(screen.game, screen.state, (chooser, chooser))[0][0])
        before = len(screen.actions)
        for evs in inputs_for(screen, a, len(chosen)):
            if evs == "mimic":
                name = screen.game.roster[a - screen.game.space.mimic0].name
                evs = click(button(screen, name).rect.center)
            app.frame(evs, DT)
        assert screen.actions[before:] == [a], f"input for action {screen.game.space.kind(a)} took {screen.actions[before:]}"
        chosen.append(a)
        assert len(chosen) < max_actions
    return chosen


def test_whole_duel_played_by_mouse_and_keys_against_a_bot(catalog):
    game = game_for(catalog, "concert_hall")
    screen = DuelScreen(game, ("rouge", "viola"), 11, ("human", "greedy"))
    app = new_app(screen)
    chosen = play_by_input(app, screen, make_bot("greedy"))
    assert screen.state.done[0]
    assert chosen and set(chosen) <= set(screen.actions)
    final, _ = replay_states(game, {"units": ["rouge", "viola"], "seed": 11, "actions": screen.actions})
    assert state_digest(final) == state_digest(screen.state)
    for _ in range(90):  # the end animations run out and the result is drawn
        app.frame([], DT)
    assert not screen.anim.busy
    assert any("wins" in line or "Draw" in line for line, _ in screen.log_lines)


def test_hot_seat_duel_with_every_kind_of_input(catalog):
    game = game_for(catalog, "rooftops")
    screen = DuelScreen(game, ("jaron", "rouge"), 3, ("human", "human"))
    app = new_app(screen)
    chosen = play_by_input(app, screen, make_bot("random"))
    kinds = {game.space.kind(a)[0] for a in chosen}
    assert screen.state.done[0] and len(screen.actions) == len(chosen)
    assert {"move", "end"} <= kinds


def test_refused_actions_are_explained_in_the_log(catalog):
    game = game_for(catalog, "concert_hall")
    screen = DuelScreen(game, ("rouge", "viola"), 3, ("human", "greedy"))  # seed 3: side A moves first
    app = new_app(screen)
    assert screen.human_turn()
    app.frame([key(pygame.K_v)], DT)  # no heat to vent
    assert screen.actions == []
    assert "no heat to vent" in screen.log_lines[-1][0]
    wall = int(np.flatnonzero(~game.geo.passable)[0])
    app.frame(click(screen.layout.tile_center(wall)), DT)
    assert screen.actions == []
    assert screen.log_lines[-1][0].startswith("Refused:") and "wall" in screen.log_lines[-1][0]
    app.frame([key(pygame.K_1)], DT)  # the target is out of reach
    assert screen.actions == [] and "Refused:" in screen.log_lines[-1][0]


def test_disguise_shows_the_disguised_suit_to_the_other_side(catalog):
    game = game_for(catalog, "open_field")
    screen = DuelScreen(game, ("rouge", "jaron"), 3, ("human", "human"))  # seed 3: Rouge first
    app = new_app(screen)
    assert int(screen.state.active[0]) == 0  # Rouge is quicker
    app.frame([key(pygame.K_e)], DT)
    assert int(screen.state.active[0]) == 1
    assert screen.curtain  # hidden information: a curtain between the two players' turns
    app.frame([key(pygame.K_e)], DT)  # takes the curtain away, does not end Jaron's turn
    assert not screen.curtain and int(screen.state.active[0]) == 1 and len(screen.actions) == 1
    app.frame([key(pygame.K_d)], DT)
    app.frame(click(button(screen, "Rouge").rect.center), DT)
    rouge = game.unit_index("rouge")
    assert int(screen.state.disguise[0, 1]) == rouge
    assert screen.name_for(screen.state, 1) == "Jaron as Rouge"  # Jaron sees himself
    app.frame([key(pygame.K_e)], DT)
    app.frame(click((5, 5)), DT)
    assert int(screen.state.active[0]) == 0 and not screen.curtain
    assert screen.viewer() == 0
    assert screen.shown_unit(screen.state, 1) == rouge
    assert screen.name_for(screen.state, 1) == "Rouge"  # Rouge sees only the disguise
    obs = engine.observe(game, screen.state, 0)
    assert int(obs.foe_look[0]) == rouge
    card = screen.seen(screen.state, 1)  # the enemy's card: Rouge's name, colour, weapons and maxima, the gauges
    assert (card.unit, card.look, card.integrity, card.heat, card.nectar) == (
        rouge, rouge, int(obs.foe_integrity[0]), int(obs.foe_heat[0]), int(obs.foe_nectar[0]))
    assert card.nectar != int(screen.state.nectar[0, 1]) and card.doses is None and card.disguise_turns is None
    pv = engine.attack_preview(game, obs)
    assert all(np.array_equal(screen.preview()[k], pv[k][0]) for k in pv)
    lines = [line for line, _ in screen.log_lines]
    assert not any("disguise" in line or "look of" in line for line in lines)  # he changed suit unseen (rules v2)


def test_hot_seat_log_is_read_by_the_player_to_act(catalog):
    game = game_for(catalog, "open_field")
    screen = DuelScreen(game, ("rouge", "jaron"), 3, ("human", "human"))  # seed 3: Rouge first
    app = new_app(screen)
    app.frame([key(pygame.K_e)], DT)
    app.frame([key(pygame.K_e)], DT)  # the curtain; Jaron looks now
    app.frame([key(pygame.K_d)], DT)
    app.frame(click(button(screen, "Rouge").rect.center), DT)
    app.frame([key(pygame.K_v)], DT)  # refused: Jaron has no heat to vent; only his eyes read it
    jaron = [line for line, _ in screen.log_lines]
    assert "Jaron disguises as Rouge for 3 turns" in jaron and any("no heat to vent" in line for line in jaron)
    app.frame([key(pygame.K_e)], DT)
    app.frame([key(pygame.K_e)], DT)
    assert screen.viewer() == 0
    rouge = [line for line, _ in screen.log_lines]
    assert not any("look of" in line for line in rouge)  # a disguise is put on unseen (rules v2)
    assert not any("no heat to vent" in line or "disguises as" in line for line in rouge)


def test_refusals_come_from_the_engine_as_code_and_text(catalog):
    game = game_for(catalog, "open_field")
    screen = DuelScreen(game, ("jaron", "rouge"), 5, ("human", "greedy"))
    app = new_app(screen)
    while not screen.human_turn():
        screen.settle()
        app.frame([], 0.1)
    app.frame([key(pygame.K_v)], DT)
    r = screen.last_refusal
    assert engine.REFUSAL_NAMES[r.code] == "no_heat" and screen.log_lines[-1][0] == f"Refused: {r.text}"
    app.frame([key(pygame.K_d)], DT)  # Rouge has him in sight: a disguise is put on unseen, and the engine says why
    r = screen.last_refusal
    assert engine.REFUSAL_NAMES[r.code] == "seen" and r == engine.refusal_of_kind(game, screen.state, 0, "mimic")
    worn = screen.state.copy()
    worn.disguise[0, 0], worn.disguise_turns[0, 0] = game.unit_index("viola"), 2
    screen.state = worn  # as if he had put it on out of sight
    app.frame([key(pygame.K_d)], DT)  # already disguised: no mimic action is legal, and the engine says why
    r = screen.last_refusal
    assert engine.REFUSAL_NAMES[r.code] == "disguised"
    assert r == engine.refusal_of_kind(game, screen.state, 0, "mimic")


class TruthBot:
    """A bot for analysis: it reads the whole state."""

    name = "seer"
    needs_truth = True

    def act(self, game, state, legal):
        return np.full(state.batch, END, dtype=np.int64)


def test_a_bot_that_needs_the_truth_is_refused_where_a_person_plays(catalog, monkeypatch):
    from gladiator import bots
    from gladiator.errors import GladiatorError

    monkeypatch.setitem(bots.BUILTIN_BOTS, "seer", TruthBot)
    game = game_for(catalog, "open_field")
    with pytest.raises(GladiatorError, match="whole truth"):
        DuelScreen(game, ("rouge", "viola"), 1, ("human", "seer"))
    watch = DuelScreen(game, ("rouge", "viola"), 1, ("seer", "greedy"))  # no person plays: it may watch
    assert watch.viewer() is None
    title = TitleScreen(catalog)
    app = new_app(title)
    title.rows[3].index = title.rows[3].options.index("seer")
    app.frame([key(pygame.K_RETURN)], DT)
    assert app.screen is title and "whole truth" in title.error


def test_spectator_screens_show_the_truth_and_say_so(catalog, recorded, monkeypatch):
    from gladiator.ui import board

    drawn: list[str] = []
    text = board.T.text
    monkeypatch.setattr(board.T, "text", lambda s, *a, **k: (drawn.append(s), text(s, *a, **k))[1])
    game = game_for(catalog, "open_field")
    screen = DuelScreen(game, ("jaron", "rouge"), 5, ("greedy", "greedy"))
    new_app(screen)
    assert any(board.SPECTATOR_LABEL in t for t in drawn)
    disguised = screen.state.copy()
    disguised.disguise[0, 0] = game.unit_index("viola")
    screen.state = disguised
    assert screen.name_for(screen.state, 0) == "Jaron as Viola" and screen.seen(screen.state, 0).unit == game.unit_index("jaron")
    drawn.clear()
    new_app(ReplayScreen(*recorded))
    assert any(board.SPECTATOR_LABEL in t for t in drawn)
    drawn.clear()
    new_app(DuelScreen(game, ("jaron", "rouge"), 5, ("human", "greedy")))
    assert not any(board.SPECTATOR_LABEL in t for t in drawn)


def test_a_playing_replay_tells_one_turn_in_its_top_bar_and_timeline(recorded, monkeypatch):
    """While a step is animated the board shows the moment before it: the top bar's "Turn n/limit", the timeline's
    "turn n" and the status's action count all tell that moment, frame after frame."""
    import re

    from gladiator.ui import board

    drawn: list[str] = []
    text = board.T.text
    monkeypatch.setattr(board.T, "text", lambda s, *a, **k: (drawn.append(s), text(s, *a, **k))[1])
    screen = ReplayScreen(*recorded)
    app = new_app(screen)
    compared = 0
    for _ in range(400):
        drawn.clear()
        app.frame([], 0.05)
        top = {int(m.group(1)) for t in drawn if (m := re.match(r"Turn (\d+)/", t))}
        line = {int(m.group(1)) for t in drawn if (m := re.fullmatch(r"turn (\d+)", t))}
        acts = {int(m.group(1)) for t in drawn if (m := re.search(r"replay (\d+)/", t))}
        assert len(top) == 1 and top == line, (top, line)
        assert acts == {screen.shown_at()} and top == {screen.turn_at[screen.shown_at()]}
        compared += screen.shown_at() < screen.at  # a step was being animated
        if screen.at == screen.total and not screen.anim.steps:
            break
    assert compared > 5


def test_watch_mode_pause_step_speed_and_end(catalog):
    game = game_for(catalog, "concert_hall")
    screen = DuelScreen(game, ("rouge", "viola"), 7, ("greedy", "greedy"))
    app = new_app(screen)
    app.frame([key(pygame.K_h)], DT)
    assert screen.show_help
    app.frame([key(pygame.K_SPACE)], DT)  # closes the help, nothing else
    assert not screen.show_help and not screen.paused
    app.frame([key(pygame.K_SPACE)], DT)
    assert screen.paused
    for _ in range(60):
        app.frame([], DT)
    assert screen.actions == []
    screen.settle()  # the first decision is ready: Right takes it at once
    app.frame([key(pygame.K_RIGHT)], DT)
    assert len(screen.actions) == 1
    app.frame([key(pygame.K_PLUS), key(pygame.K_PLUS)], DT)
    assert screen.speed == 4.0
    app.frame([key(pygame.K_MINUS)], DT)
    assert screen.speed == 2.0
    app.frame([key(pygame.K_SPACE)] + [key(pygame.K_PLUS)] * 8, DT)
    play_out(app, screen, 0.05, 3000)
    res = play_duel(game, ("rouge", "viola"), 7, (make_bot("greedy"), make_bot("greedy")), events=False)
    assert screen.actions == res.actions
    app.frame([key(pygame.K_ESCAPE)], DT)
    assert not app.running


def test_title_screen_choices_by_keys_and_mouse(catalog):
    title = TitleScreen(catalog, seed=7)
    app = new_app(title)
    assert title.choice()["units"] == ("rouge", "viola")
    app.frame([key(pygame.K_RIGHT)], DT)  # Gladiator A: next unit
    units = sorted(catalog.units)
    assert title.choice()["units"][0] == units[(units.index("rouge") + 1) % len(units)]
    app.frame([key(pygame.K_DOWN), key(pygame.K_RIGHT)], DT)  # A is played by: next
    assert title.choice()["controllers"][0] != "human"
    arena_row = title.row_rects[4]
    right = [b for b in title.buttons if b.label == ">" and arena_row.collidepoint(b.rect.center)][0]
    before = title.choice()["arena"]
    app.frame(click(right.rect.center), DT)
    assert title.choice()["arena"] != before
    app.frame([key(pygame.K_DOWN)] + [key(pygame.K_RIGHT)] * 3, DT)  # the arena row was chosen; below it the seed: 7 -> 10
    c = title.choice()
    assert c["seed"] == 10
    app.frame([key(pygame.K_DOWN), pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=1, flipped=False)], DT)  # on FIGHT
    assert title.choice() == c and app.screen is title
    fight = [b for b in title.buttons if b.label == "FIGHT"][0]
    app.frame(click(fight.rect.center), DT)
    duel = app.screen
    assert isinstance(duel, DuelScreen)
    assert duel.units == c["units"] and duel.controllers == c["controllers"]
    assert duel.game.arena.id == c["arena"] and duel.seed == 10
    app.frame([key(pygame.K_ESCAPE)], DT)  # a live duel asks first
    assert app.screen is duel and duel.leaving
    app.frame([key(pygame.K_m)], DT)  # any other key: stay
    assert app.screen is duel and not duel.leaving
    app.frame([key(pygame.K_ESCAPE)], DT)
    app.frame(click((0, 0)), DT)  # a click anywhere but on Leave: stay
    assert app.screen is duel and not duel.leaving
    app.frame([key(pygame.K_ESCAPE)], DT)
    leave = [b for b in duel.buttons if b.label == "Leave"]
    assert leave, [b.label for b in duel.buttons]
    app.frame(click(leave[0].rect.center), DT)  # once asked, the Leave button leaves
    assert app.screen is title
    app.frame([key(pygame.K_ESCAPE)], DT)
    assert not app.running


@pytest.fixture(scope="module")
def recorded(catalog, tmp_path_factory):
    game = game_for(catalog, "nectar_depot")
    res = play_duel(game, ("viola", "jaron"), 4, (make_bot("greedy"), make_bot("random")))
    path = tmp_path_factory.mktemp("replays") / "duel.json"
    save_replay(path, make_replay(game, res, ("greedy", "random")))
    from gladiator.replay import load_replay

    return load_replay(path)


def test_replay_steps_forward_and_back_to_the_engine_state(recorded):
    game, data = recorded
    screen = ReplayScreen(game, data)
    app = new_app(screen)
    app.frame([key(pygame.K_SPACE)], DT)  # pause
    assert not screen.playing and screen.at == 0
    n = len(data["actions"])
    fwd = min(n, 25)
    for _ in range(fwd):
        app.frame([key(pygame.K_RIGHT)], DT)
    assert screen.at == fwd
    assert state_digest(screen.state) == state_digest(replay_states(game, data, upto=fwd)[0])
    for _ in range(7):
        app.frame([key(pygame.K_LEFT)], DT)
    assert state_digest(screen.state) == state_digest(replay_states(game, data, upto=fwd - 7)[0])
    app.frame(click(button(screen, "Step").rect.center), DT)
    assert state_digest(screen.state) == state_digest(replay_states(game, data, upto=fwd - 6)[0])
    app.frame([key(pygame.K_END)], DT)
    assert screen.at == n and screen.state.done[0]
    assert state_digest(screen.state) == data["result"]["digest"]
    app.frame([key(pygame.K_HOME)], DT)
    assert screen.at == 0
    tl = screen.timeline
    app.frame(click((tl.left + tl.width // 2, tl.centery)), DT)  # the timeline's middle
    assert abs(screen.at - n // 2) <= 1
    assert state_digest(screen.state) == state_digest(replay_states(game, data, upto=screen.at)[0])
    app.frame([key(pygame.K_PAGEDOWN)], DT)
    k = screen.at
    assert screen.turn_at[k] == int(screen.state.turn[0])
    assert k == 0 or screen.turn_at[k - 1] < screen.turn_at[k]


def test_random_event_flood_does_not_crash(catalog, recorded):
    rnd = random.Random(1234)
    game = game_for(catalog, "concert_hall")
    keys = [pygame.K_LEFT, pygame.K_RIGHT, pygame.K_UP, pygame.K_DOWN, pygame.K_RETURN, pygame.K_SPACE, pygame.K_ESCAPE,
            pygame.K_1, pygame.K_2, pygame.K_3, pygame.K_4, pygame.K_m, pygame.K_l, pygame.K_g, pygame.K_v, pygame.K_i,
            pygame.K_x, pygame.K_d, pygame.K_e, pygame.K_n, pygame.K_r, pygame.K_PLUS, pygame.K_MINUS, pygame.K_HOME,
            pygame.K_END, pygame.K_PAGEUP, pygame.K_PAGEDOWN, pygame.K_TAB, pygame.K_a, pygame.K_z]
    makers = [
        lambda: TitleScreen(catalog),
        lambda: DuelScreen(game, ("rouge", "jaron"), 2, ("human", "human")),
        lambda: DuelScreen(game, ("jaron", "viola"), 3, ("human", "random")),
        lambda: DuelScreen(game, ("rouge", "viola"), 4, ("random", "greedy")),
        lambda: ReplayScreen(*recorded),
    ]
    total = 0
    for make in makers:
        app = new_app(make())
        for _ in range(70):
            evs = []
            for _ in range(10):
                r = rnd.random()
                W, H = app.surface.get_size()
                pos = (rnd.randrange(-20, W + 20), rnd.randrange(-20, H + 20))
                if r < 0.45:
                    k = rnd.choice(keys) if rnd.random() < 0.9 else rnd.randrange(0, 1 << 30)
                    if k == pygame.K_ESCAPE and rnd.random() < 0.7:
                        k = pygame.K_m
                    evs.append(key(k))
                elif r < 0.8:
                    evs.append(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=rnd.choice([1, 1, 1, 2, 3, 4, 5])))
                elif r < 0.9:
                    evs.append(pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(1, 1), buttons=(rnd.random() < 0.3, 0, 0)))
                elif r < 0.95:
                    evs.append(pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=rnd.choice([-3, -1, 1, 3]), flipped=False))
                else:
                    evs.append(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1))
                total += 1
            if rnd.random() < 0.06:
                size = rnd.choice([(1, 1), (37, 23), (160, 90), (640, 360), (1280, 720), (1600, 500), (300, 900)])
                pygame.display.set_mode(size, pygame.RESIZABLE)
                evs.append(pygame.event.Event(pygame.VIDEORESIZE, size=size, w=size[0], h=size[1]))
            if not app.frame(evs, rnd.choice([0.0, DT, 0.1, 0.3])):
                app = new_app(make())
        pygame.display.set_mode((1280, 720), pygame.RESIZABLE)
    assert total >= 3000


def test_tiny_window_and_closing_at_any_moment(catalog):
    game = game_for(catalog, "rooftops")
    for size in ((1, 1), (12, 9), (90, 50)):
        pygame.display.set_mode(size, pygame.RESIZABLE)
        app = App(DuelScreen(game, ("rouge", "viola"), 1, ("greedy", "greedy")), size)
        for _ in range(40):
            assert app.frame([], 0.1)
    pygame.display.set_mode((1280, 720), pygame.RESIZABLE)
    app = new_app(DuelScreen(game, ("rouge", "viola"), 1, ("greedy", "greedy")))
    app.screen.speed_i = 7
    for _ in range(5):
        app.frame([], 0.02)  # mid-animation
    assert not app.frame([pygame.event.Event(pygame.QUIT)], DT)
    assert not app.frame([], DT)


def test_duel_ending_mid_animation_then_next_duel_and_recording(catalog, tmp_path):
    from gladiator.replay import verify

    game = game_for(catalog, "concert_hall")
    rec = tmp_path / "watched.json"
    screen = DuelScreen(game, ("rouge", "viola"), 3, ("greedy", "greedy"), record=rec)
    app = new_app(screen)
    screen.speed_i = 7
    play_out(app, screen, 0.01, 5000)
    assert screen.anim.busy  # the last action is still being animated
    assert verify(rec).winner_index == (None if int(screen.state.winner[0]) < 0 else int(screen.state.winner[0]))
    app.frame([key(pygame.K_RETURN)], DT)  # next duel at once
    nxt = app.screen
    assert isinstance(nxt, DuelScreen) and nxt is not screen and nxt.seed == 4
    assert nxt.actions == [] and not nxt.state.done[0]
    for _ in range(30):
        assert app.frame([], 0.1)


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080), (800, 600), (640, 360), (3000, 700), (500, 1400)])
def test_layout_scales_with_the_window(catalog, size):
    from gladiator.ui.layout import make_layout

    arena = catalog.arena("concert_hall")
    lay = make_layout(size, arena.width, arena.height)
    window = pygame.Rect((0, 0), size)
    assert window.contains(lay.board) and window.contains(lay.side) and window.contains(lay.bottom)
    assert not lay.board.colliderect(lay.side) and not lay.board.colliderect(lay.bottom)
    assert not lay.cards[0].colliderect(lay.cards[1]) and not lay.cards[1].colliderect(lay.log)
    assert lay.tile_at(lay.tile_rect(37).center) == 37
    big = make_layout((size[0] * 2, size[1] * 2), arena.width, arena.height)
    assert big.tile >= lay.tile and big.scale >= lay.scale
