"""Long commands show how far they are, with the time left: a bar on a terminal, a `progress:` line on stderr
elsewhere (here, with the interval forced to 0, a line at every step); `-q` shows none, and results never change."""

from __future__ import annotations

import json
import re

import pytest

import gladiator.cli.common as common
from gladiator.cli.common import Gauge, clock_text

LINE = re.compile(r"^progress: ([\d,]+)(?: of ([\d,]+))? (\w+)(?: \(\d+%\))?, [\w ]+ elapsed(?:, about ([\w ]+) left)?(?:; .*)?$")


@pytest.fixture
def every_step(monkeypatch):
    """A progress line at every step instead of every 30 s."""
    monkeypatch.setattr(common, "HEARTBEAT_SECONDS", 0.0)


def progress(err: str) -> list[tuple[int, int | None, str, str | None]]:
    """(done, total, what, time left) of every progress line; every line of stderr is one."""
    got = []
    for line in err.splitlines():
        m = LINE.match(line)
        assert m, line
        done, total, what, left = m.groups()
        got.append((int(done.replace(",", "")), int(total.replace(",", "")) if total else None, what, left))
    return got


def strip(text: str) -> dict:
    return {k: v for k, v in json.loads(text).items() if k not in ("elapsed_seconds", "duels_per_second", "actions_per_second")}


def test_ladder_says_how_far_it_is_and_the_time_left(cli, every_step):
    code, out, err = cli("ladder", "random", "greedy", "-u", "rouge", "-u", "viola", "-n", "40", "-w", "1", "--json")
    assert code == 0, err
    lines = progress(err)
    assert len(lines) >= 4  # one a cell at least: 2 x 2 unit pairings
    assert {(total, what) for _, total, what, _ in lines} == {(160, "duels")}
    assert lines[-1][0] == 160
    assert [done for done, *_ in lines] == sorted(done for done, *_ in lines)
    assert any(left is not None for *_, left in lines)
    assert "of 4 cells" in err.splitlines()[-1]


def test_matrix_sweep_and_balance_say_their_duels_against_the_whole_job(cli, every_step):
    code, _, err = cli("matrix", "rouge", "viola", "jaron", "-n", "20", "--bot", "greedy", "-w", "1", "--json")
    assert code == 0, err
    lines = progress(err)
    assert lines[-1][:3] == (120, 120, "duels")  # 3 mirrors and 3 pairings of 20
    assert "rouge vs viola" in err and "viola vs viola" in err
    code, _, err = cli("sweep", "viola.stats.firepower=2:4", "--vs", "rouge", "-n", "20", "--bot", "greedy", "-w", "1", "--json")
    assert code == 0, err
    assert progress(err)[-1][:3] == (60, 60, "duels") and "viola.stats.firepower=3" in err
    code, out, err = cli("balance", "viola.stats.firepower", "--vs", "rouge", "--min", "0", "--max", "8", "-n", "20",
                         "--bot", "greedy", "-w", "1", "--json")
    assert code == 0, err
    lines = progress(err)
    assert lines[-1][0] == lines[-1][1] == sum(t["duels"] for t in json.loads(out)["tried"])  # as planned, once known


def test_odds_ablate_and_export_say_how_far_they_are(cli, every_step, tmp_path):
    replay = tmp_path / "d.json"
    assert cli("duel", "rouge", "viola", "--seed", "3", "--record", replay)[0] == 0
    code, _, err = cli("odds", replay, "--turn", "2", "--rollouts", "300", "--bot", "greedy", "--json")
    assert code == 0, err
    assert progress(err)[-1][:3] == (300, 300, "continuations")
    code, _, err = cli("ablate", "rouge", "--vs", "viola", "-a", "open_field", "--option", "leap", "-n", "200",
                       "--max-duels", "200", "--bot", "greedy", "--json")
    assert code == 0, err
    assert progress(err)[-1][:3] == (2, 2, "rounds")  # the full unit's round and the one without leap
    code, _, err = cli("replay", replay, "--export", tmp_path / "d.gif", "--size", "64x64", "--to", "1")
    assert code == 0, err
    lines = progress(err.replace(f"frames written to {tmp_path / 'd.gif'}", "").strip() or "")
    assert lines and lines[-1][2] == "actions" and lines[-1][0] == lines[-1][1]


def test_a_duel_says_the_turn_it_is_at(cli, every_step):
    code, out, err = cli("duel", "rouge", "viola", "--seed", "3", "--json")
    assert code == 0, err
    lines = progress(err)
    turns = json.loads(out)["turns"]
    assert {(total, what, left) for _, total, what, left in lines} == {(None, "turns", None)}  # a duel's length is unknown
    assert [done for done, *_ in lines] == sorted(done for done, *_ in lines) and lines[-1][0] == turns


@pytest.mark.parametrize("args", [
    ["duel", "rouge", "viola", "--seed", "3", "--json"],
    ["ladder", "random", "greedy", "-u", "rouge", "-n", "20", "-w", "1", "--json"],
    ["matrix", "rouge", "viola", "-n", "20", "--bot", "greedy", "-w", "1", "--json"],
    ["batch", "rouge", "viola", "-n", "64", "--bot", "greedy", "-w", "1", "--json"],
], ids=lambda a: a[0])
def test_quiet_shows_no_progress_and_progress_changes_no_result(cli, every_step, args):
    code, shown, err = cli(*args)
    assert code == 0 and progress(err)
    code, hidden, err = cli(*args, "-q")
    assert code == 0 and err == ""
    assert strip(shown) == strip(hidden)


def test_the_time_left_is_the_work_left_at_the_pace_so_far():
    now = [100.0]
    g = Gauge("duels", 1000, quiet=True, done=200)  # 200 resumed from a store: they do not set the pace
    g.clock = lambda: now[0]
    g.started = g.moved = 100.0
    assert g.left() is None  # no pace yet
    now[0] = 110.0
    g.tell(300)  # 100 duels in 10 s
    assert g.left() == pytest.approx(70.0)  # 700 more at 10 a second
    now[0] = 120.0
    g.tell(note="a note alone")  # no work done: the pace stays
    now[0] = 130.0  # 20 s on without progress: the estimate counts down, never below 0
    assert g.left() == pytest.approx(50.0)
    now[0] = 500.0
    assert g.left() == 0.0
    assert g.line() == "progress: 300 of 1,000 duels (30%), 6 min 40 s elapsed, about 0 s left; a note alone"


def test_work_with_a_time_budget_has_at_most_what_is_left_of_the_budget():
    now = [0.0]
    g = Gauge("trials", 400, quiet=True, limit=60.0)  # 400 trials or a minute, whichever ends first
    g.clock = lambda: now[0]
    g.started = g.moved = 0.0
    assert g.left() == 60.0  # no pace yet: the budget alone
    now[0] = 10.0
    g.tell(1)  # a trial in 10 s: 399 more would take 3,990 s
    assert g.left() == pytest.approx(50.0)
    g.limit = 10_000.0
    assert g.left() == pytest.approx(3990.0)  # a budget longer than the work changes nothing
    now[0] = 20_000.0
    assert g.left() == 0.0


@pytest.mark.parametrize("seconds, text", [(0.4, "0 s"), (59, "59 s"), (60, "1 min 00 s"), (200, "3 min 20 s"),
                                           (7500, "2 h 05 min")])
def test_durations_read_as_people_say_them(seconds, text):
    assert clock_text(seconds) == text


def test_on_a_terminal_the_bar_shows_the_time_left_and_no_line(cli, every_step, monkeypatch):
    import io

    from rich.console import Console

    screen = io.StringIO()
    monkeypatch.setattr(common, "err", Console(file=screen, force_terminal=True, width=150))
    code, _, err = cli("ladder", "random", "greedy", "-u", "rouge", "-u", "viola", "-n", "40", "-w", "1", "--json")
    assert code == 0, err
    drawn = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen.getvalue())  # the colours and cursor moves taken out
    assert "ladder" in drawn and "/160 duels" in drawn and re.search(r"about \d+ s left", drawn)
    assert "progress:" not in drawn + err  # the bar, not the log's lines
