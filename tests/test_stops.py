"""Everything stops and everything is bounded: dead workers, signals, bounds of bot options, seeds and estimates.

Signals are sent to a real `python -m gladiator` process; each test checks what the run kept and that nothing
was left behind, with a generous timeout on the process instead of a clock in an assert.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from gladiator import engine
from gladiator.batch import runner
from gladiator.batch.store import ResultStore
from gladiator.bots import canonical_bot, make_bot
from gladiator.driver import decide
from gladiator.duel import game_for
from gladiator.errors import GladiatorError
from gladiator.game import ATTACK0, END

from conftest import kept_duels, one_line, stored_chunks

SRC = str(Path(__file__).resolve().parents[1] / "src")
WAIT = 120  # seconds a process may take to end after its signal: generous, the point is that it ends

DYING = """\
import os, signal
from gladiator.bots.greedy import GreedyBot

class Dies(GreedyBot):
    \"\"\"Plays greedy, then ends its process at its 41st decision (`end`).\"\"\"
    calls = 0

    def act(self, game, obs, legal):
        type(self).calls += 1
        if type(self).calls > 40:
            self.end()
        return super().act(game, obs, legal)

class Exits(Dies):
    name = "exits"

    def end(self):
        os._exit(3)

class Killed(Dies):
    name = "killed"

    def end(self):
        os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer would
"""


def _default_signals() -> None:
    """For `preexec_fn`: the child gets SIGINT, SIGTERM and SIGHUP as in a terminal (a background shell ignores some)."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM, signal.SIGHUP})


def _blocked_signals() -> None:
    """For `preexec_fn`: as `_default_signals`, but the child starts with the stop signals blocked (inherited masks)."""
    _default_signals()
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM, signal.SIGHUP})


def _start(args: list, cwd: Path, extra_path: str = "", preexec=_default_signals) -> subprocess.Popen:  # type: ignore[no-untyped-def]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (SRC, extra_path) if p), SDL_VIDEODRIVER="dummy",
               SDL_AUDIODRIVER="dummy")
    return subprocess.Popen([sys.executable, "-m", "gladiator", *map(str, args)], cwd=cwd, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=preexec)


def _wait_for(proc: subprocess.Popen, ready, limit: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and proc.poll() is None and not ready():
        time.sleep(0.02)
    assert proc.poll() is None, "the run ended before it could be stopped"
    assert ready(), "the run never reached the point to stop it at"


# ---- a worker that dies ----
@pytest.mark.parametrize("bot, words", [("dying:Exits", "exit code 3"), ("dying:Killed", "SIGKILL")])
def test_a_dead_worker_ends_the_batch_in_one_line_and_keeps_the_finished_chunks(tmp_path, bot, words):
    (tmp_path / "dying.py").write_text(DYING)
    db = tmp_path / "kept.sqlite"
    n = 4096
    proc = _start(["batch", "rouge", "viola", "-n", n, "--workers", "2", "--bot-a", bot, "--out", db], tmp_path, str(tmp_path))
    out, err = proc.communicate(timeout=WAIT)  # Pool hung here for ever
    line = one_line(proc.returncode, err)
    assert "worker process" in line and words in line and "while playing chunk" in line, line
    assert f"{kept_duels(db, n)} of {n} duels are stored in" in line, line


# ---- SIGTERM, SIGHUP ----
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_stops_a_batch_keeping_what_finished_and_no_temporary_file(tmp_path, sig):
    db, rows = tmp_path / "run.sqlite", tmp_path / "duels.csv"
    n = 16384
    proc = _start(["batch", "rouge", "viola", "-n", n, "--json", "--workers", "2", "--batch-size", "64", "--out", db,
                   "--csv", rows], tmp_path)
    _wait_for(proc, lambda: db.exists() and stored_chunks(db) >= 1)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=WAIT)
    assert proc.returncode == 130, err
    assert "interrupted:" in err and "Traceback" not in err, err
    d = json.loads(out)
    assert d["complete"] is False and d["duels"] == kept_duels(db, n)
    with rows.open() as f:
        assert sum(1 for _ in csv.DictReader(f)) == d["duels"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no hidden temp CSV


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_stops_an_export_and_leaves_no_part_file(tmp_path, sig):
    gif = tmp_path / "duel.gif"
    proc = _start(["duel", "rouge", "viola", "--seed", "3", "--export", gif, "--fps", "60", "--size", "1280x720"],
                  tmp_path)
    _wait_for(proc, lambda: any(".part" in p.name for p in tmp_path.iterdir()))  # SDL used to take SIGTERM here
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=WAIT)
    assert proc.returncode == 130 and "interrupted" in err and "Traceback" not in err, (proc.returncode, out[-300:], err)
    assert list(tmp_path.iterdir()) == []  # neither the .part file nor a half GIF


SWALLOWS = """\
import os, signal, time
try:  # a module that catches everything while it loads, as pygame does around its optional modules
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(0.5)
except BaseException:
    pass
from gladiator.bots.greedy import GreedyBot
class Bot(GreedyBot):
    name = "swallows"
"""


def test_a_signal_that_comes_during_an_import_is_not_lost(tmp_path):
    """A stop signal that arrives while a module loads (pygame, Pillow, a plugin bot) stops the command after the
    import, even when the module's own code catches what the signal raised (the export used to run to its end)."""
    (tmp_path / "swallows.py").write_text(SWALLOWS)
    proc = _start(["batch", "rouge", "viola", "-n", 200000, "--json", "--workers", "1", "--bot-a", "swallows:Bot",
                   "--bot-b", "greedy"],
                  tmp_path, str(tmp_path))
    out, err = proc.communicate(timeout=WAIT)
    assert proc.returncode == 130 and "interrupted" in err and "Traceback" not in err, (proc.returncode, err[-300:])


def test_a_signal_stops_a_command_started_with_it_blocked(tmp_path):
    """A parent that starts gladiator with SIGTERM blocked (a mask is inherited, unlike a handler) cannot make it deaf:
    the command unblocks the signals it stops on."""
    db = tmp_path / "run.sqlite"
    n = 16384
    proc = _start(["batch", "rouge", "viola", "-n", n, "--json", "--workers", "1", "--batch-size", "64", "--out", db],
                  tmp_path, preexec=_blocked_signals)
    _wait_for(proc, lambda: db.exists() and stored_chunks(db) >= 1)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=WAIT)
    assert proc.returncode == 130 and "interrupted:" in err, (proc.returncode, err)
    assert json.loads(out)["complete"] is False


def test_a_signal_stops_odds_and_says_what_was_estimated(tmp_path):
    replay = tmp_path / "d.json"
    subprocess.run([sys.executable, "-m", "gladiator", "duel", "rouge", "viola", "--seed", "3", "--record", replay],
                   env=dict(os.environ, PYTHONPATH=SRC), capture_output=True, check=True)
    proc = _start(["odds", replay, "--turn", "2", "--rollouts", "10000000", "--bot", "greedy"], tmp_path)
    time.sleep(3)  # somewhere in the estimate (the test holds whether a chunk finished or not)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=WAIT)
    assert proc.returncode == 130 and "interrupted" in err and "Traceback" not in err, err
    if "continuations" in err:  # a chunk finished: its estimate is printed
        assert "wins" in out


def test_an_interrupt_no_command_catches_is_still_said(tmp_path):
    proc = _start(["ladder", "greedy", "heuristic", "-n", "2000"], tmp_path)
    time.sleep(3)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=WAIT)
    assert proc.returncode == 130 and "interrupted" in err and "cells" in err, err


# ---- resume ----
def test_a_resumed_run_plays_every_missing_chunk_once(cli, tmp_path, catalog):
    """Chunks 0 and 2 of 4 stored, as an interrupted run can leave them; the resume plays 1 and 3, no more, no less."""
    n, seed = 2048, 5
    args = ["batch", "rouge", "viola", "-n", n, "--seed", seed, "--bot", "greedy", "--workers", "1", "--json"]
    spec = runner.make_spec(catalog, ("rouge", "viola"), "concert_hall", n, seed, ("greedy", "greedy"))
    assert spec.chunks == 4
    db = tmp_path / "gap.sqlite"
    store = ResultStore(db, spec.identity())
    for c in (0, 2):
        res = runner.run_chunk(spec, c)
        store.put(c, res.totals, res.rows)
    store.close()
    code, out, err = cli(*args, "--out", db, "--csv", tmp_path / "all.csv")
    assert code == 0, err
    resumed = json.loads(out)
    assert resumed["duels_this_run"] == n // 2
    with (tmp_path / "all.csv").open() as f:
        assert sorted(int(r["duel"]) for r in csv.DictReader(f)) == list(range(n))
    code, out, err = cli(*args)
    fresh = json.loads(out)
    for k in ("duels", "wins", "draws", "outcomes", "mean_turns", "turns_histogram", "actions"):
        assert resumed[k] == fresh[k], k


@pytest.fixture
def small_pieces(monkeypatch):
    """Pieces of 10 duels whatever the pace: as a run of slow duels plays them."""
    monkeypatch.setattr(runner, "FIRST_PIECE", 10)
    monkeypatch.setattr(runner, "MIN_PIECE", 10)
    monkeypatch.setattr(runner, "PIECE_SECONDS", 0.0)
    monkeypatch.setattr(runner, "MAX_PIECE_SECONDS", 0.0)


def test_a_run_played_in_parts_of_chunks_gives_the_same_results(cli, tmp_path, catalog, small_pieces):
    n, seed = 1100, 9
    args = ["batch", "rouge", "viola", "-n", n, "--seed", seed, "--bot", "greedy", "--workers", "1", "--json"]
    code, out, err = cli(*args, "--out", tmp_path / "parts.sqlite")
    assert code == 0, err
    parted = json.loads(out)
    spec = runner.make_spec(catalog, ("rouge", "viola"), "concert_hall", n, seed, ("greedy", "greedy"))
    store = ResultStore(tmp_path / "parts.sqlite", spec.identity())
    try:
        assert store.parts() == {} and sorted(store.done()) == list(range(spec.chunks))  # every chunk made whole
        for c, totals, rows in store.items():
            whole = runner.run_chunk(spec, c)
            assert np.array_equal(rows, whole.rows) and totals.to_json() == whole.totals.to_json()
    finally:
        store.close()
    monkeypatch_free = [sys.executable, "-m", "gladiator", *map(str, args)]
    fresh = json.loads(subprocess.run(monkeypatch_free, env=dict(os.environ, PYTHONPATH=SRC), capture_output=True,
                                      text=True, check=True).stdout)
    for k in ("duels", "wins", "draws", "outcomes", "mean_turns", "turns_histogram", "actions", "sides"):
        assert parted[k] == fresh[k], k


class _Stop(Exception):
    pass


def test_an_interrupt_keeps_the_parts_of_a_chunk_and_the_resume_plays_the_rest(cli, tmp_path, catalog, small_pieces):
    n, seed = 600, 4
    spec = runner.make_spec(catalog, ("rouge", "viola"), "concert_hall", n, seed, ("greedy", "greedy"))
    assert spec.chunks == 2
    db = tmp_path / "cut.sqlite"
    store = ResultStore(db, spec.identity())
    seen = []

    def on_piece(res):  # type: ignore[no-untyped-def]
        store.put_part(res.index, res.lo, res.totals, res.rows)
        seen.append(res.hi - res.lo)
        if len(seen) == 3:
            raise _Stop  # an interrupt after 3 parts of chunk 0

    with pytest.raises(_Stop):
        runner.run(spec, 64, 1, on_chunk=on_piece)
    assert store.parts() == {0: [(0, 10), (10, 20), (20, 30)]} and store.done() == {}
    store.close()
    args = ["batch", "rouge", "viola", "-n", n, "--seed", seed, "--bot", "greedy", "--workers", "1", "--json"]
    code, out, err = cli(*args, "--out", db, "--csv", tmp_path / "all.csv")
    assert code == 0, err
    resumed = json.loads(out)
    assert resumed["duels_this_run"] == n - 30
    with (tmp_path / "all.csv").open() as f:
        assert sorted(int(r["duel"]) for r in csv.DictReader(f)) == list(range(n))
    code, out, err = cli(*args)
    fresh = json.loads(out)
    for k in ("duels", "wins", "draws", "outcomes", "mean_turns", "turns_histogram", "actions"):
        assert resumed[k] == fresh[k], k


# ---- bot options ----
def test_one_bot_has_one_spelling(cli):
    assert canonical_bot("search:budget=04") == canonical_bot("search:budget=4") == "search:budget=4"
    assert canonical_bot("search:rollout=greedy,budget=8") == canonical_bot("search:budget=8,rollout=greedy")
    code, _, err = cli("ladder", "search:budget=4", "search:budget=04", "-n", "2")
    assert "two different bots" in one_line(code, err)
    code, out, err = cli("batch", "rouge", "viola", "-n", "4", "--bot-a", "search:budget=004", "--bot-b", "greedy",
                         "--workers", "1", "--json")
    assert code == 0, err
    assert json.loads(out)["bots"] == ["search:budget=4", "greedy"]


def test_a_class_path_bot_takes_options(cli, tmp_path, monkeypatch):
    (tmp_path / "tuned.py").write_text(
        "from gladiator.bots.greedy import GreedyBot\n\nclass Tuned(GreedyBot):\n    name = 'tuned'\n\n"
        "    def __init__(self, x=0):\n        super().__init__()\n        self.x = x\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    bot = make_bot("tuned:Tuned:x=7")
    assert bot.x == 7
    code, _, err = cli("duel", "rouge", "viola", "--bot-a", "tuned:Tuned:y=1")
    assert "known options: x" in one_line(code, err)


def test_a_bot_answering_2_to_the_64_minus_1_is_reported_as_that(cli, tmp_path, monkeypatch):
    (tmp_path / "huge.py").write_text(
        "import numpy as np\n\nclass Huge:\n    name = 'huge'\n\n    def act(self, game, obs, legal):\n"
        "        return np.full(obs.batch, 2**64 - 1, dtype=np.uint64)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    for args in (["duel", "rouge", "viola"], ["batch", "rouge", "viola", "-n", "4", "--workers", "1"]):
        code, _, err = cli(*args, "--bot-a", "huge:Huge")
        line = one_line(code, err)
        assert "18446744073709551615" in line and "-1" not in line, line


def test_search_plays_its_continuations_in_slices_with_the_same_choices(catalog, monkeypatch):
    import gladiator.bots.search as search

    game = game_for(catalog, "concert_hall")
    s = engine.new_duels(game, ("rouge", "viola"), [3, 4, 5])
    whole = decide(game, s, (make_bot("search:budget=48"),) * 2)[0]
    sizes: list[int] = []
    real = search._play_out
    monkeypatch.setattr(search, "MAX_LIVE", 7)
    monkeypatch.setattr(search, "_play_out", lambda g, st, bot: sizes.append(st.batch) or real(g, st, bot))
    sliced = decide(game, s, (make_bot("search:budget=48"),) * 2)[0]
    assert np.array_equal(whole, sliced)
    assert sizes and max(sizes) <= 7  # memory: at most MAX_LIVE continuations at once


def test_the_search_bot_takes_its_best_candidate_not_its_worst(unit, weapon, duel, at):
    """A killing blow against a foe that kills back: every other candidate does worse (the argmax, not the argmin)."""
    alpha = unit("alpha", weapons=[weapon("blade", accuracy=1.0, damage=200)])
    beta = unit("beta", weapons=[weapon("maul", accuracy=1.0, damage=200)])
    game, s = duel(alpha, beta, "AB..\n....", first=0)
    s.pos[0] = (at(game, 0, 0), at(game, 1, 0))  # side by side: any hit of either kills (200 against 100)
    s.ap[:] = 1  # Alpha's last action: strike now, or Beta strikes next
    assert engine.legal_mask(game, s)[0, ATTACK0]
    pick = decide(game, s, (make_bot("search:budget=32"), make_bot("greedy")))[0]
    assert int(pick[0]) == ATTACK0
    # the first candidate is the heuristic's own choice: make it a poor one, so a search that keeps its worse half,
    # or falls back on its first candidate, shows
    search = make_bot("search:budget=64")
    search.heuristic.act = lambda game, obs, legal: np.full(obs.batch, END)
    assert int(decide(game, s, (search, make_bot("greedy")))[0][0]) == ATTACK0


# ---- environments ----
def test_the_vector_env_rewards_each_side_for_its_own_wins():
    pytest.importorskip("gymnasium")
    from gladiator.env.vector import DuelVectorEnv

    for side in (0, 1):
        env = DuelVectorEnv(8, side=side, opponent_bot="greedy")
        _, info = env.reset(seed=11)
        rng = np.random.default_rng(side)
        seen = {1.0: 0, -1.0: 0}
        for _ in range(400):
            mask = info["action_mask"]
            acts = np.array([rng.choice(np.flatnonzero(m)) for m in mask])
            _, reward, term, _, info = env.step(acts)
            for b in np.flatnonzero(term):
                w = int(env.state.winner[b])
                assert reward[b] == (0.0 if w < 0 else (1.0 if w == side else -1.0)), (side, b, w, reward[b])
                if w >= 0:
                    seen[float(reward[b])] += 1
        assert seen[1.0] + seen[-1.0] > 0


@pytest.mark.parametrize("make, kind", [
    (lambda V: V(2).reset(seed=2**64), ValueError), (lambda V: V(2).reset(seed=2**63), ValueError),
    (lambda V: V(2, unit="nosuch"), ValueError), (lambda V: V(2, opponent_bot=None), TypeError),
    (lambda V: V(2, opponent_bot="search:budget=0"), ValueError),
])
def test_the_vector_env_raises_what_gymnasium_users_expect(make, kind):
    pytest.importorskip("gymnasium")
    from gladiator.env.vector import DuelVectorEnv

    with pytest.raises(kind) as got:
        make(DuelVectorEnv)
    assert isinstance(got.value, GladiatorError) and "\n" not in str(got.value)


@pytest.mark.parametrize("kwargs, kind", [({"units": ("rouge",)}, ValueError), ({"opponent_bot": None}, TypeError),
                                          ({"units": ("rouge", "nosuch")}, ValueError)])
def test_the_gymnasium_env_raises_what_gymnasium_users_expect(kwargs, kind):
    gymnasium = pytest.importorskip("gymnasium")
    __import__("gladiator")  # registers the env

    with pytest.raises(kind):
        gymnasium.make("gladiator/Duel-v0", **kwargs)
    with pytest.raises(ValueError):
        gymnasium.make("gladiator/Duel-v0").reset(seed=2**64)


def test_the_pettingzoo_envs_refuse_a_seed_past_2_to_the_63():
    pytest.importorskip("pettingzoo")
    from gladiator.env import duel_env, duel_parallel_env

    for env in (duel_env(), duel_parallel_env()):
        with pytest.raises(ValueError):
            env.reset(seed=2**64)


# ---- odds ----
@pytest.fixture
def recorded(cli, tmp_path) -> Path:
    path = tmp_path / "d.json"
    code, _, err = cli("duel", "rouge", "viola", "--seed", "3", "--record", path)
    assert code == 0, err
    return path


def test_odds_refuses_a_seed_past_2_to_the_63_in_one_line(cli, recorded):
    code, _, err = cli("odds", recorded, "--turn", "2", "--seed", str(2**64))
    assert "--seed must be at most 2**63-1" in one_line(code, err)


def test_odds_on_a_replay_with_an_illegal_action_names_the_file_and_the_action(cli, recorded):
    data = json.loads(recorded.read_text())
    data["actions"][2] = 444  # a leap into a wall
    recorded.write_text(json.dumps(data))
    code, _, err = cli("odds", recorded, "--turn", "3")
    line = one_line(code, err)
    assert str(recorded) in line and "diverges at action 3" in line, line


def test_odds_on_a_truncated_replay_says_the_actions_stop(cli, recorded):
    data = json.loads(recorded.read_text())
    data["actions"] = data["actions"][:5]
    recorded.write_text(json.dumps(data))
    code, _, err = cli("odds", recorded, "--turn", "5")
    line = one_line(code, err)
    assert "actions stop in turn" in line and "ends in turn" not in line, line


def test_odds_streams_in_chunks_with_the_same_estimate(cli, recorded, monkeypatch):
    import gladiator.odds as odds

    code, whole, err = cli("odds", recorded, "--turn", "2", "--rollouts", "300", "--bot", "greedy", "--side", "B", "--json")
    assert code == 0, err
    played: list[int] = []
    real = odds._play_out
    monkeypatch.setattr(odds, "ODDS_CHUNK", 64)
    monkeypatch.setattr(odds, "_play_out", lambda *a: played.append(a[-1] - a[-2]) or real(*a))
    code, sliced, err = cli("odds", recorded, "--turn", "2", "--rollouts", "300", "--bot", "greedy", "--side", "B", "--json")
    assert code == 0, err
    strip = lambda text: {k: v for k, v in json.loads(text).items() if k != "elapsed_seconds"}  # noqa: E731
    assert strip(whole) == strip(sliced)
    assert played == [64, 64, 64, 64, 44]


def test_odds_rollouts_have_a_bound(cli, recorded):
    code, _, err = cli("odds", recorded, "--turn", "2", "--rollouts", "10000001")
    assert "--rollouts must be from 1 to 10,000,000" in one_line(code, err)


def test_batch_says_its_progress_without_a_terminal(cli, monkeypatch):
    import gladiator.cli.common as common

    monkeypatch.setattr(common, "HEARTBEAT_SECONDS", 0.0)
    code, _, err = cli("batch", "rouge", "viola", "-n", "2048", "--bot", "greedy", "--workers", "1", "--json")
    assert code == 0, err
    assert [line for line in err.splitlines() if line.startswith("progress:")][-1].startswith(
        "progress: 2,048 of 2,048 duels (100%), ")


@pytest.mark.parametrize("cut", [("--from", "0"), ("--to", "0"), ("--from", "-3")])
def test_an_export_cut_at_turn_0_is_refused_like_any_turn_outside_the_duel(cli, tmp_path, cut):
    gif = tmp_path / "duel.gif"
    code, out, err = cli("duel", "rouge", "viola", "--seed", "3", "--export", gif, *cut)
    assert "--from and --to are turns 1.." in one_line(code, err) and err.startswith(f"error: {cut[0]} ")
    assert out == ""  # refused before the duel is played
    assert not gif.exists()
