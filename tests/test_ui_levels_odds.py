"""The window's difficulty levels, its bots deciding off the frame loop, and the win-odds bar (headless, SDL dummy)."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import threading  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

pygame = pytest.importorskip("pygame")

from gladiator.bots import GreedyBot, HeuristicBot, RandomBot, SearchBot, make_bot  # noqa: E402
from gladiator.bots.levels import BRUTAL_BUDGET, HARD_BUDGET, LEVELS  # noqa: E402
from gladiator.duel import game_for, play_duel  # noqa: E402
from gladiator.game import END  # noqa: E402
from gladiator.odds import estimate  # noqa: E402
from gladiator.replay import verify  # noqa: E402
from gladiator.ui import board  # noqa: E402
from gladiator.ui.app import App  # noqa: E402
from gladiator.ui.odds_bar import ROLLOUT_BOT, ROLLOUTS  # noqa: E402
from gladiator.ui.play import THINK_CUE, DuelScreen  # noqa: E402
from gladiator.ui.title import TitleScreen  # noqa: E402
from conftest import play_out  # noqa: E402

DT = 1 / 60


def key(k: int) -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode="", scancode=0)


def drawn_texts(monkeypatch) -> list[str]:
    """Every line of text the window renders from now on."""
    drawn: list[str] = []
    text = board.T.text
    monkeypatch.setattr(board.T, "text", lambda s, *a, **k: (drawn.append(s), text(s, *a, **k))[1])
    return drawn


def test_the_title_screen_offers_the_four_difficulties_and_they_start_the_right_bots(catalog, monkeypatch):
    drawn = drawn_texts(monkeypatch)
    title = TitleScreen(catalog)
    app = App(title, (1280, 720))
    app.frame([], DT)
    assert title.choice()["controllers"] == ("human", "heuristic")  # B starts at normal
    assert "Bot: normal (heuristic)" in drawn
    app.frame([key(pygame.K_DOWN)] * 3, DT)  # the "B is played by" row
    app.frame([key(pygame.K_LEFT)] * 2, DT)  # back to trivial
    want = {"trivial": (RandomBot, "random"), "easy": (GreedyBot, "greedy"), "normal": (HeuristicBot, "heuristic"),
            "hard": (SearchBot, f"search {HARD_BUDGET}"), "brutal": (SearchBot, f"search {BRUTAL_BUDGET}")}
    budgets = {"hard": HARD_BUDGET, "brutal": BRUTAL_BUDGET}
    for level, (cls, words) in want.items():
        drawn.clear()
        app.frame([], DT)
        assert f"Bot: {level} ({words})" in drawn
        assert title.choice()["controllers"][1] == LEVELS[level]
        app.frame([key(pygame.K_RETURN)], DT)  # fight
        duel = app.screen
        assert isinstance(duel, DuelScreen) and isinstance(duel.bots[1], cls) and duel.bots[0] is None
        assert getattr(duel.bots[1], "budget", None) == budgets.get(level)
        assert duel.controller_label(1) == f"({level})"
        app.frame([key(pygame.K_ESCAPE), key(pygame.K_y)], DT)  # back to the title (Esc asks, Y leaves)
        assert app.screen is title
        app.frame([key(pygame.K_RIGHT)], DT)
    assert title.rows[3].value not in LEVELS  # past brutal: any other bot installed, then human again


def test_a_window_with_the_hard_bot_plays_the_same_duel_as_the_driver_and_its_replay_verifies(catalog, tmp_path):
    game = game_for(catalog, "open_field")
    rec = tmp_path / "hard.json"
    screen = DuelScreen(game, ("rouge", "viola"), 5, (LEVELS["hard"], LEVELS["normal"]), record=rec)
    screen.speed_i = 7
    app = App(screen, (640, 360))
    play_out(app, screen)
    res = play_duel(game, ("rouge", "viola"), 5, (make_bot(LEVELS["hard"]), make_bot(LEVELS["normal"])), events=False)
    assert screen.actions == res.actions
    assert verify(rec).actions == res.actions


class GateBot:
    """A bot that waits, on whatever thread asks it, until the test opens its gate; then ends the turn."""

    name = "gate"
    gate = threading.Event()

    def act(self, game, obs, legal):
        assert self.gate.wait(30)
        return np.full(obs.batch, END, dtype=np.int64)


def test_frames_go_on_while_a_bot_thinks_and_the_window_says_so(catalog, monkeypatch):
    from gladiator import bots

    monkeypatch.setitem(bots.BUILTIN_BOTS, "gate", GateBot)
    GateBot.gate.clear()
    drawn = drawn_texts(monkeypatch)
    game = game_for(catalog, "concert_hall")
    screen = DuelScreen(game, ("rouge", "viola"), 3, ("gate", "gate"))
    app = App(screen, (1280, 720))
    try:
        frames = int(2 * THINK_CUE / DT)
        for _ in range(frames):  # the bot has not decided: every frame is drawn, and nothing is played
            assert app.frame([], DT)
        assert screen.actions == [] and not screen.thinking.done
        assert any("is thinking" in t for t in drawn) and screen.think_clock >= THINK_CUE
        app.frame([key(pygame.K_SPACE)], DT)  # the keys still answer: pause
        assert screen.paused
    finally:
        GateBot.gate.set()
    screen.settle()
    app.frame([key(pygame.K_RIGHT)], DT)  # one action: the decision it finished
    assert screen.actions == [END]


def test_the_odds_bar_toggles_and_shows_the_odds_of_the_viewer_that_sum_to_100(catalog, monkeypatch):
    drawn = drawn_texts(monkeypatch)
    game = game_for(catalog, "open_field")
    screen = DuelScreen(game, ("jaron", "viola"), 4, ("greedy", "human"))
    app = App(screen, (1280, 720))
    app.frame([], DT)
    assert not screen.show_odds and not any("Win odds" in t for t in drawn)
    app.frame([key(pygame.K_h)], DT)
    assert "W: win odds bar" in screen.help_lines() and "win odds bar" in drawn  # listed in the help panel
    app.frame([key(pygame.K_h)], DT)
    app.frame([key(pygame.K_w)], DT)
    assert screen.show_odds
    screen.settle()
    drawn.clear()
    app.frame([], DT)
    s, v = screen.anim.shown_state(screen.state), screen.viewer()
    assert v == 1 and any(t == "Win odds as Viola sees them" for t in drawn)
    pa, pd, pb = screen.odds_now()
    assert pa + pd + pb == 100 and min(pa, pd, pb) >= 0
    got = estimate(game, s, (make_bot(ROLLOUT_BOT), make_bot(ROLLOUT_BOT)), rollouts=ROLLOUTS, seed=4, from_side=1)
    assert abs(pa - 100 * got.win[0]) <= 1 and abs(pb - 100 * got.win[1]) <= 1  # the odds machinery, from Viola's view
    assert any(t == f"Jaron {pa}%" for t in drawn) and any(t == f"{pb}% Viola" for t in drawn)
    app.frame([key(pygame.K_w)], DT)
    drawn.clear()
    app.frame([], DT)
    assert not screen.show_odds and not any("Win odds" in t for t in drawn)


def test_a_spectator_sees_the_odds_from_the_truth_and_the_end_exactly(catalog):
    game = game_for(catalog, "concert_hall")
    screen = DuelScreen(game, ("rouge", "viola"), 9, ("greedy", "greedy"))
    screen.show_odds = True
    screen.speed_i = 7
    app = App(screen, (960, 540))
    screen.settle()
    app.frame([], DT)
    shown = screen.anim.shown_state(screen.state)  # at speed x32 the first action may be under way already
    truth = estimate(game, shown, (make_bot(ROLLOUT_BOT), make_bot(ROLLOUT_BOT)), rollouts=ROLLOUTS, seed=9)
    pa, pd, pb = screen.odds_now()
    assert abs(pa - 100 * truth.win[0]) <= 1 and abs(pb - 100 * truth.win[1]) <= 1
    play_out(app, screen, animated=True)
    screen.settle()
    w = int(screen.state.winner[0])
    assert screen.odds_now() == ((100, 0, 0) if w == 0 else (0, 0, 100) if w == 1 else (0, 100, 0))


def test_hot_seat_odds_follow_the_player_to_act(catalog):
    game = game_for(catalog, "open_field")
    screen = DuelScreen(game, ("rouge", "jaron"), 3, ("human", "human"))  # seed 3: Rouge first
    app = App(screen, (960, 540))
    app.frame([key(pygame.K_w)], DT)
    screen.settle()
    greedy = (make_bot(ROLLOUT_BOT), make_bot(ROLLOUT_BOT))
    assert screen.viewer() == 0
    got = estimate(game, screen.state, greedy, rollouts=ROLLOUTS, seed=3, from_side=0)
    pa, _, pb = screen.odds_now()
    assert abs(pa - 100 * got.win[0]) <= 1 and abs(pb - 100 * got.win[1]) <= 1
    app.frame([key(pygame.K_e)], DT)  # Rouge ends her turn: Jaron's eyes now
    app.frame([key(pygame.K_e)], DT)  # the curtain goes
    screen.settle()
    assert screen.viewer() == 1
    got = estimate(game, screen.state, greedy, rollouts=ROLLOUTS, seed=3, from_side=1)
    pa, _, pb = screen.odds_now()
    assert abs(pa - 100 * got.win[0]) <= 1 and abs(pb - 100 * got.win[1]) <= 1


@pytest.mark.parametrize("args", [
    ["play", "rouge", "--difficulty", "impossible", "--screenshot", "x.png"],
    ["play", "rouge", "--difficulty", "hard", "--bot", "greedy", "--screenshot", "x.png"],
    ["watch", "--difficulty", "easy", "--bot", "greedy", "--screenshot", "x.png"],
])
def test_bad_difficulty_options_are_one_line_and_exit_2(args, capsys, tmp_path, monkeypatch):
    from gladiator.cli import main

    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as e:
        main(args)
    assert e.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and "\n" not in err and "difficulty" in err
    assert not (tmp_path / "x.png").exists()


def test_play_and_watch_take_a_difficulty(tmp_path, monkeypatch):
    from gladiator.cli import main
    from gladiator.ui import play

    made: list[tuple[str, str]] = []
    init = play.DuelScreen.__init__

    def spy(self, game, units, seed, controllers, *a, **k):  # type: ignore[no-untyped-def]
        made.append(tuple(controllers))
        init(self, game, units, seed, controllers, *a, **k)

    monkeypatch.setattr(play.DuelScreen, "__init__", spy)
    for args in (["play", "rouge", "--difficulty", "brutal"], ["play", "rouge"], ["watch", "--difficulty", "easy"],
                 ["watch", "-d", "trivial", "--bot-b", "heuristic"]):
        with pytest.raises(SystemExit) as e:
            main(args + ["--screenshot", str(tmp_path / "x.png"), "--frames", "1", "--size", "320x180"])
        assert e.value.code in (0, None)
    assert made == [("human", LEVELS["brutal"]), ("human", LEVELS["normal"]), ("greedy", "greedy"),
                    ("random", "heuristic")]


def test_a_replay_shows_the_odds_of_each_moment_from_the_truth(catalog):
    from gladiator.replay import make_replay, replay_states
    from gladiator.ui.replay_view import ReplayScreen

    game = game_for(catalog, "rooftops")
    res = play_duel(game, ("jaron", "viola"), 6, (make_bot("greedy"), make_bot("greedy")), disguise=("rouge", None))
    data = make_replay(game, res, ("greedy", "greedy"))
    screen = ReplayScreen(game, data)
    app = App(screen, (960, 540))
    app.frame([key(pygame.K_SPACE), key(pygame.K_w)], DT)  # pause; the bar
    assert not screen.playing and screen.show_odds and "W: win odds bar" in screen.help_lines()
    greedy = (make_bot(ROLLOUT_BOT), make_bot(ROLLOUT_BOT))
    for k in (3, len(data["actions"]) // 2):
        screen.goto(k)
        screen.settle()
        pa, pd, pb = screen.odds_now()
        got = estimate(game, replay_states(game, data, upto=k)[0], greedy, rollouts=ROLLOUTS, seed=6)
        assert pa + pd + pb == 100 and abs(pa - 100 * got.win[0]) <= 1 and abs(pb - 100 * got.win[1]) <= 1
    app.frame([key(pygame.K_END)], DT)
    screen.settle()
    w = res.winner_index
    assert screen.odds_now() == ((100, 0, 0) if w == 0 else (0, 0, 100) if w == 1 else (0, 100, 0))
