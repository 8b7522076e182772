"""`gladiator tune`: the spec and its one-line errors, the objective and racing, a search that moves a broken field
toward its band, resuming a study, and the edit of the files (only with --apply, one line, comments kept)."""

from __future__ import annotations

import hashlib
import json
import math
import re
import shutil
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings, strategies as st

from gladiator.batch import apply_overrides, make_spec, run
from gladiator.batch.runner import play_pairings
from gladiator.batch.tune import (Duels, Figure, Problem, Search, Trial, apply_changes, behind, changes, distances, figures,
                                   finalists, search, validation_seed)
from gladiator.batch.tune_spec import Cell, cells_of, load_spec
from gladiator.bots import make_bot
from gladiator.catalog.edit import replace_scalars
from gladiator.catalog.loader import builtin_dir, load_catalog
from gladiator.errors import GladiatorError
from gladiator.game import make_game

BROKEN = "viola.stats.integrity=30"  # Viola with 30 integrity loses nearly every duel against Rouge
SPEC = """\
# Viola against Rouge on one arena, with the fast bot
arenas: [concert_hall]
bot: greedy
rounds: [100, 400]
parameters:
  - field: viola.stats.integrity   # the free field
    low: 30
    high: 160
    step: 5
targets:
  - among: [rouge, viola]
    band: [0.45, 0.55]
"""


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    """A spec with one free field, Viola's integrity, and one band: Viola and Rouge 45-55% each."""
    p = tmp_path / "tune.yaml"
    p.write_text(SPEC)
    return p


@pytest.fixture
def units_copy(tmp_path: Path) -> Path:
    """A copy of the shipped unit files, to pass as --units (a user folder overrides the shipped files)."""
    d = tmp_path / "units"
    shutil.copytree(builtin_dir("units"), d)
    return d


def tune_json(cli, spec: Path, *args: str) -> dict:
    """Run `gladiator tune --json` with the broken start and small counts; its one JSON object."""
    code, out, err = cli("tune", spec, "--set", BROKEN, "--trials", "8", "--check-duels", "1000", "-w", "1", "--json", *args)
    assert code == 0, err
    return json.loads(out)


def digest(folder: Path) -> dict[str, str]:
    """sha256 of every file of a folder."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


# ---- duels: one batch of every pairing, common random numbers ----
def test_pairings_played_in_one_batch_are_the_batch_runs_of_the_same_seed(catalog) -> None:
    game = make_game(list(catalog.units.values()), catalog.arena("concert_hall"))
    pairs = [("rouge", "viola"), ("nean", "jaron")]
    got = play_pairings(game, pairs, 0, 120, 7, make_bot("greedy"))
    halves = [a.add(b) for a, b in zip(play_pairings(game, pairs, 0, 60, 7, make_bot("greedy")),
                                       play_pairings(game, pairs, 60, 120, 7, make_bot("greedy")))]
    for pair, t, h in zip(pairs, got, halves):
        ref = run(make_spec(catalog, pair, "concert_hall", 120, 7, ("greedy", "greedy")))
        for t_ in (t, h):
            assert t_ == ref  # every count, the events of each side included


def test_each_cell_reads_its_side_of_its_pairing_and_a_mirror_its_first_mover(catalog, tmp_path: Path) -> None:
    p = tmp_path / "cells.yaml"
    p.write_text(yaml.safe_dump(GOOD | {"targets": [{"matrix": {"viola": {"rouge": [0.4, 0.6]}, "rouge": {"viola": [0.4, 0.6]}}},
                                                    {"first_mover": ["jaron"], "band": [0.45, 0.55]}], "bot": "greedy"}, sort_keys=False))
    problem = Problem(load_spec(p, catalog), catalog)
    figs = figures(problem.cells, Duels(1).measure(catalog, problem.pairings, 0, 200, 5, "greedy"))
    vr = run(make_spec(catalog, ("viola", "rouge"), "concert_hall", 200, 5, ("greedy", "greedy")))
    jj = run(make_spec(catalog, ("jaron", "jaron"), "concert_hall", 200, 5, ("greedy", "greedy")))
    assert [f.cell.label for f in figs] == ["viola vs rouge", "rouge vs viola", "first mover, jaron mirror"]
    assert [f.rate for f in figs] == [vr.win_rate(0), vr.win_rate(1), jj.first_mover_rate()]


def test_a_stalls_target_reads_the_draws_and_shutdowns_of_each_pairing_mirrors_included(catalog, tmp_path: Path) -> None:
    short = apply_overrides(catalog, ["concert_hall.turn_limit=6"])  # six turns: some duels end on the turn limit
    p = tmp_path / "stalls.yaml"
    p.write_text(yaml.safe_dump(GOOD | {"targets": [{"stalls": ["rouge", "viola"], "band": [0.0, 0.05]}], "bot": "greedy"},
                                sort_keys=False))
    problem = Problem(load_spec(p, short), short)
    figs = figures(problem.cells, Duels(1).measure(short, problem.pairings, 0, 200, 5, "greedy"))
    assert [f.cell.label for f in figs] == ["stalls, rouge mirror", "stalls, rouge vs viola", "stalls, viola mirror"]
    for f, pair in zip(figs, [("rouge", "rouge"), ("rouge", "viola"), ("viola", "viola")]):
        ref = run(make_spec(short, pair, "concert_hall", 200, 5, ("greedy", "greedy")))
        assert (f.k, f.n) == (ref.outcomes["draw"] + ref.outcomes["shutdown"], 200)
    assert any(f.k > 0 for f in figs) and not all(f.inside for f in figs)  # the short limit stalls duels: out of band


def test_an_event_target_reads_the_duels_in_which_a_unit_counted_it(catalog, tmp_path: Path) -> None:
    p = tmp_path / "events.yaml"
    p.write_text(yaml.safe_dump(GOOD | {"bot": "heuristic", "targets": [
        {"event": "overheated_turn", "of": ["rouge"], "against": ["viola", "rouge"], "band": [0.3, 1.0]},
        {"event": "weapon:flame_chorus", "of": ["viola"], "against": ["rouge"], "band": [0.15, 1.0]}]}, sort_keys=False))
    problem = Problem(load_spec(p, catalog), catalog)
    figs = figures(problem.cells, Duels(1).measure(catalog, problem.pairings, 0, 100, 5, "heuristic"))
    assert [f.cell.label for f in figs] == ["rouge's overheated_turn vs viola", "rouge's overheated_turn, rouge mirror",
                                            "viola's weapon:flame_chorus vs rouge"]
    rv = run(make_spec(catalog, ("rouge", "viola"), "concert_hall", 100, 5, ("heuristic", "heuristic")))
    rr = run(make_spec(catalog, ("rouge", "rouge"), "concert_hall", 100, 5, ("heuristic", "heuristic")))
    hot = [rr.event_counts(k)["duels_with"]["overheated_turn"] for k in (0, 1)]
    assert (figs[0].k, figs[0].n) == (rv.event_counts(0)["duels_with"]["overheated_turn"], 100)
    assert (figs[1].k, figs[1].n) == (sum(hot), 200)  # a mirror counts both sides' duels
    assert (figs[2].k, figs[2].n) == (rv.event_counts(1)["weapon_duels"]["flame_chorus"], 100)
    assert 0 < figs[0].k < 100 and 0 < figs[2].k < 100  # measured, not constants: not in every duel, not in none


def test_a_script_target_reads_the_spec_bots_wins_against_a_scripted_bot_on_the_other_suit(catalog, tmp_path: Path) -> None:
    """A cheap plan a player would try (tests/scripted.py) as a cell: the spec's bot on `of`, the script on `against`,
    from both sides, the duels `gladiator batch` plays with those bots (a mirror too: one suit, two bots)."""
    script = "tests.scripted:Turtle"
    p = tmp_path / "scripts.yaml"
    p.write_text(yaml.safe_dump(GOOD | {"bot": "greedy", "targets": [
        {"among": ["rouge", "viola"], "band": [0.4, 0.6]},
        {"script": script, "of": ["rouge"], "against": ["viola", "rouge"], "band": [0.5, 1.0]}]}, sort_keys=False))
    problem = Problem(load_spec(p, catalog), catalog)
    assert problem.pairings == {"concert_hall": [("rouge", "viola"), ("rouge", "viola", script), ("rouge", "rouge", script)]}
    figs = figures(problem.cells, Duels(1).measure(catalog, problem.pairings, 0, 60, 5, "greedy"))
    assert [f.cell.label for f in figs][2:] == [f"rouge vs viola played by {script}", f"rouge vs rouge played by {script}"]
    for f, foe in zip(figs[2:], ("viola", "rouge")):
        ref = run(make_spec(catalog, ("rouge", foe), "concert_hall", 60, 5, ("greedy", script)))
        assert (f.k, f.n) == (ref.wins[0], 60)
    both = run(make_spec(catalog, ("rouge", "viola"), "concert_hall", 60, 5, ("greedy", "greedy")))
    assert (figs[0].k, figs[1].k) == (both.wins[0], both.wins[1])  # the spec's bot on both sides, as before
    assert figs[2].k != figs[0].k  # the Turtle, never moving, is not the greedy bot


def test_the_printed_table_names_the_script_of_a_script_cell(cli, tmp_path: Path, monkeypatch) -> None:
    pytest.importorskip("optuna")
    monkeypatch.setenv("COLUMNS", "200")
    p = tmp_path / "scripts.yaml"
    p.write_text(yaml.safe_dump(GOOD | {"bot": "greedy", "rounds": [20, 40], "targets": [
        {"script": "tests.scripted:Turtle", "of": ["rouge"], "against": ["viola"], "band": [0.5, 1.0]}]}, sort_keys=False))
    code, out, err = cli("tune", p, "--trials", "2", "--check-duels", "20", "--validate", "1", "-w", "1",
                         "--out", tmp_path / "study.sqlite")
    assert code == 0, err
    assert "rouge vs viola played by tests.scripted:Turtle" in out, out


def test_a_spec_may_tune_under_rules_version_4(catalog, tmp_path: Path) -> None:
    p = tmp_path / "v4.yaml"
    p.write_text(yaml.safe_dump(GOOD | {"targets": [{"among": ["rouge", "viola"], "band": [0.4, 0.6]}], "bot": "greedy",
                                        "rules": 4}, sort_keys=False))
    problem = Problem(load_spec(p, catalog), catalog)
    assert problem.spec.rules == 4
    q = tmp_path / "v3.yaml"
    q.write_text(p.read_text().replace("rules: 4", "rules: 3"))
    v3 = Problem(load_spec(q, catalog), catalog)
    assert problem.identity(5) != v3.identity(5)  # a study under one version never resumes under the other
    figs = figures(problem.cells, Duels(1).measure(catalog, problem.pairings, 0, 200, 5, "greedy", problem.spec.rules))
    rv = run(make_spec(catalog, ("rouge", "viola"), "concert_hall", 200, 5, ("greedy", "greedy"), rules=4))
    assert [f.rate for f in figs][:1] == [rv.win_rate(0)]


def test_set_takes_an_arena_field(catalog) -> None:
    heat, turns = catalog.arena("concert_hall").hazard_heat, catalog.arena("rooftops").turn_limit
    cat = apply_overrides(catalog, [f"concert_hall.hazard_heat={heat + 3}", f"rooftops.turn_limit={turns + 10}"])
    assert cat.arena("concert_hall").hazard_heat == heat + 3 and cat.arena("rooftops").turn_limit == turns + 10
    assert catalog.arena("concert_hall").hazard_heat == heat  # the catalog it came from is untouched
    with pytest.raises(GladiatorError, match="turn_limit: Input should be greater than or equal to 2"):
        apply_overrides(catalog, ["rooftops.turn_limit=1"])


# ---- the objective ----
def test_distance_is_zero_inside_the_band_and_the_interval_bounds_it() -> None:
    cell = Cell("concert_hall", "viola", "rouge", "win", (0.45, 0.55))
    inside, above, far = Figure(cell, 50, 100), Figure(cell, 60, 100), Figure(cell, 900, 1000)
    assert inside.distance == 0 and inside.inside
    assert above.distance == pytest.approx(0.05) and not above.inside
    assert above.optimistic == 0  # 60 of 100 may still be 55%
    assert far.optimistic > 0.3 and far.optimistic < far.distance < far.pessimistic
    d, low, high = distances([inside, above, far])
    assert d == pytest.approx(0.05 + 0.35) and low <= d <= high


def test_a_margin_moves_the_aim_inside_the_band_and_leaves_the_band_alone() -> None:
    cell = Cell("concert_hall", "viola", "rouge", "win", (0.45, 0.55))
    edge, middle = Figure(cell, 5400, 10000), Figure(cell, 5000, 10000)  # 54%: in the band, not 1.5 points inside it
    assert edge.inside and edge.distance == 0
    d, low, up = distances([edge, middle], margin=0.015)
    assert d == pytest.approx(0.005) and low == 0.0  # 54% is half a point past 53.5%; its interval reaches inside
    assert up == pytest.approx(distances([edge, middle])[2])  # the pessimistic distance is the band's
    assert distances([edge, middle])[0] == 0
    stall = Cell("concert_hall", "rouge", "rouge", "stall", (0.0, 0.05))
    none, some = Figure(stall, 0, 1000), Figure(stall, 40, 1000)  # 0% and 4% of the duels stalled
    assert distances([none], margin=0.02)[0] == 0  # an end at 0 is not narrowed: nothing lies below it
    assert distances([some], margin=0.02)[0] == pytest.approx(0.01)  # 4% is a point past the aim's 3%


def test_racing_stops_a_candidate_behind_the_best_on_the_same_round() -> None:
    best = Trial(3, {}, "complete", distance=0.10, upper=0.2, duels=2400, path=(0.20, 0.10))
    tol = 1 / math.sqrt(600)
    assert not behind(0.20 + tol - 1e-9, 0.0, 0, 600, best)  # within two standard errors of one cell: plays on
    assert behind(0.20 + tol + 1e-9, 0.0, 0, 600, best)  # further behind the best's first round: stops
    assert behind(0.0, 0.11, 0, 600, best)  # even its optimistic distance is above the best's final one
    old = Trial(3, {}, "complete", distance=0.10, upper=0.2, duels=2400)  # kept before paths were: only the final rule
    assert not behind(5.0, 0.10, 0, 600, old) and behind(5.0, 0.11, 0, 600, old)


def test_the_finalists_are_the_best_distinct_rosters_that_played_every_round() -> None:
    rec = Search("s", trials=[
        Trial(0, {"x": 1}, "complete", distance=0.30, upper=0.4), Trial(1, {"x": 2}, "pruned", distance=0.01, upper=0.1),
        Trial(2, {"x": 3}, "complete", distance=0.10, upper=0.3), Trial(3, {"x": 3}, "complete", distance=0.10, upper=0.3),
        Trial(4, {"x": 4}, "complete", distance=0.10, upper=0.2), Trial(5, {"x": 5}, "invalid"),
        Trial(6, {"x": 6}, "complete", distance=0.50, upper=0.6),
        Trial(7, {"x": 7}, "complete", distance=0.10, upper=0.2, final=(0.4, 0.6)),
        Trial(8, {"x": 8}, "complete", distance=0.10, upper=0.2, final=(0.4, 0.6))])  # a field the duels never felt
    assert [t.number for t in finalists(rec, 3)] == [4, 7, 2]  # the tie by the least upper; trial 3 repeats trial 2
    assert [t.number for t in finalists(rec, 10)] == [4, 7, 2, 0, 6]
    assert validation_seed(5, 6) == 7 and validation_seed(5, 7) == 8  # never the check's nor the search's


# ---- the search ----
def test_tune_moves_a_broken_field_toward_its_band_and_changes_no_file(cli, spec: Path, units_copy: Path) -> None:
    pytest.importorskip("optuna")
    shipped, mine = digest(builtin_dir("units")), digest(units_copy)
    r = tune_json(cli, spec, "--units", units_copy)
    assert r["start"] == {"viola.stats.integrity": 30}
    assert r["best"]["values"]["viola.stats.integrity"] >= 80  # Viola needs more integrity than her 68 to hold Rouge
    assert r["trials"]["finished"] == 8 or r["trials"]["stopped_early"]
    assert r["trials"]["by_model"] == sum(h["by"] == "model" for h in r["history"])
    assert {h["by"] for h in r["history"]} <= {"sampler", "model"} and r["history"][0]["by"] == "sampler"  # the start
    assert r["distance"]["after"] < r["distance"]["before"] / 4
    for c in r["cells"]:
        lo, hi = c["band"]
        gap = lambda f: max(0.0, lo - f["rate"], f["rate"] - hi)  # noqa: E731
        assert gap(c["after"]) < gap(c["before"]), c
    assert [c["file"] for c in r["changes"]] == [str(units_copy / "viola.yaml")]
    assert not r["applied"]
    assert digest(builtin_dir("units")) == shipped and digest(units_copy) == mine  # without --apply nothing changes


def test_minutes_stops_starting_trials_when_the_time_is_up_and_still_checks_the_best(cli, spec: Path) -> None:
    pytest.importorskip("optuna")
    timed = tune_json(cli, spec, "--trials", "50", "--minutes", "0.0001")
    assert timed["trials"]["out_of_time"] and timed["trials"]["finished"] == 1  # the start played, then the time was up
    assert timed["best"]["trial"] == 0 and len(timed["cells"]) == 2 and timed["duels"]["check"] > 0
    untimed = tune_json(cli, spec, "--trials", "3")
    assert not untimed["trials"]["out_of_time"] and (untimed["trials"]["finished"] == 3 or untimed["trials"]["stopped_early"])
    assert untimed["history"][0] == timed["history"][0]  # the same first trial: the budget changes how many, not which


def test_the_answer_is_the_best_finalist_played_again_at_a_seed_of_its_own(cli, spec: Path) -> None:
    pytest.importorskip("optuna")
    r = tune_json(cli, spec, "--validate", "3")
    v = r["validation"]
    search_best = min((h for h in r["history"] if h["state"] == "complete"), key=lambda h: h["distance"])
    assert v["seed"] == 2 and v["duels_a_cell"] == 400 and 2 <= len(v["finalists"]) <= 3
    assert search_best["trial"] in [f["trial"] for f in v["finalists"]]
    assert [f["distance"] for f in v["finalists"]] == sorted(f["distance"] for f in v["finalists"])
    assert r["best"]["trial"] == v["finalists"][0]["trial"]
    assert r["duels"]["validation"] == 400 * len(v["finalists"])  # one pairing, the last round's 400 duels a cell
    alone = tune_json(cli, spec, "--validate", "1")  # the search's best, nothing played again
    assert alone["validation"]["finalists"] == [] and alone["duels"]["validation"] == 0
    assert alone["best"]["trial"] == search_best["trial"] and alone["history"] == r["history"]


def test_apply_changes_exactly_the_one_line_and_keeps_the_comments(cli, spec: Path, units_copy: Path) -> None:
    pytest.importorskip("optuna")
    shipped = digest(builtin_dir("units"))
    before = {p.name: p.read_text() for p in units_copy.iterdir()}
    r = tune_json(cli, spec, "--units", units_copy, "--apply")
    new = r["best"]["values"]["viola.stats.integrity"]
    assert r["applied"] and len(r["changes"]) == 1
    after = {p.name: p.read_text() for p in units_copy.iterdir()}
    assert {k for k in before if before[k] != after[k]} == {"viola.yaml"}
    old_lines, new_lines = before["viola.yaml"].splitlines(), after["viola.yaml"].splitlines()
    changed = [(a, b) for a, b in zip(old_lines, new_lines) if a != b]
    assert len(old_lines) == len(new_lines) and changed == [(f"  integrity: {r['changes'][0]['old']}", f"  integrity: {new}")]
    assert [x for x in old_lines if x.lstrip().startswith("#")] == [x for x in new_lines if x.lstrip().startswith("#")]
    assert r["changes"][0]["line"] == old_lines.index(changed[0][0]) + 1
    assert load_catalog([units_copy]).unit("viola").stats.integrity == new
    assert digest(builtin_dir("units")) == shipped


def test_a_resumed_study_does_not_redo_finished_trials(cli, spec: Path, tmp_path: Path) -> None:
    pytest.importorskip("optuna")
    db = tmp_path / "study.sqlite"
    first = tune_json(cli, spec, "--trials", "4", "--out", db)
    more = tune_json(cli, spec, "--trials", "6", "--out", db)
    assert first["trials"]["this_run"] == 4 and first["study"] == more["study"]
    if not first["trials"]["stopped_early"]:
        assert more["trials"]["resumed"] == 4 and more["trials"]["this_run"] == 2
        assert more["history"][:4] == first["history"]
        assert more["duels"]["search"] <= 2 * 400 * 1  # two trials at most, one pairing, 400 duels a cell
    again = tune_json(cli, spec, "--trials", "6", "--out", db)
    assert again["trials"]["this_run"] == 0 and again["duels"]["search"] == 0
    assert again["history"] == more["history"] and again["cells"] == more["cells"]
    whole = tune_json(cli, spec, "--trials", "6")  # in one go, no file: the same trials
    assert whole["history"] == more["history"]


def test_ctrl_c_exits_130_and_the_finished_trials_stay_in_the_study(cli, spec: Path, tmp_path: Path) -> None:
    pytest.importorskip("optuna")
    import os
    import signal
    import sqlite3
    import subprocess
    import time

    from conftest import terminal_sigint

    db = tmp_path / "study.sqlite"
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent / "src"))
    p = subprocess.Popen([sys.executable, "-m", "gladiator", "tune", str(spec), "--set", BROKEN, "--trials", "100000",
                          "-w", "2", "--out", str(db)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         preexec_fn=terminal_sigint)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        time.sleep(0.5)
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
                if c.execute("select count(*) from trials where state = 'COMPLETE'").fetchone()[0] >= 2:
                    break
        except sqlite3.Error:
            pass
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=60)
    assert p.returncode == 130, err
    lines = err.strip().splitlines()
    assert lines[-1].startswith("interrupted: ") and "resume" in lines[-1], err
    assert all(re.match(r"progress: \d+ of 100,000 trials", line) for line in lines[:-1]), err  # a log's progress lines
    finished = int(lines[-1].split()[1])
    assert finished >= 2
    again = tune_json(cli, spec, "--trials", str(finished), "--out", db)
    assert again["trials"]["resumed"] == finished and again["trials"]["this_run"] == 0


def test_a_trial_a_killed_run_left_running_is_played_again_with_its_values(catalog, spec: Path, tmp_path: Path) -> None:
    optuna = pytest.importorskip("optuna")
    problem = Problem(load_spec(spec, catalog), apply_overrides(catalog, [BROKEN]), (BROKEN,))
    db = tmp_path / "study.sqlite"
    first = search(problem, 3, 0, Duels(1), db)
    study = optuna.load_study(study_name=first.study, storage=f"sqlite:///{db}")
    left = study.ask({"viola.stats.integrity": optuna.distributions.IntDistribution(30, 160, step=5)})  # then killed
    again = search(problem, 4, 0, Duels(1), db)
    assert again.resumed == 3 and again.ran == 1
    assert [(t.path, t.rates, t.by) for t in again.trials[:3]] == [(t.path, t.rates, t.by) for t in first.trials]
    assert all(t.path and len(t.rates) == len(problem.cells) for t in first.trials)
    assert again.trials[-1].values == {"viola.stats.integrity": left.params["viola.stats.integrity"]}


def test_the_same_seed_gives_the_same_search_and_racing_stops_bad_candidates_early(catalog, spec: Path) -> None:
    pytest.importorskip("optuna")
    problem = Problem(load_spec(spec, catalog), apply_overrides(catalog, [BROKEN]), (BROKEN,))
    a, b = (search(problem, 10, 3, Duels(1)) for _ in range(2))
    assert [(t.values, t.state, t.distance, t.by) for t in a.trials] == [(t.values, t.state, t.distance, t.by) for t in b.trials]
    assert a.trials[0].values == {"viola.stats.integrity": 30}  # the start is the first trial
    last = problem.spec.rounds[-1]
    assert any(t.state == "pruned" for t in a.trials)  # the start, 30 integrity, is far enough for racing to drop some
    for t in a.trials:
        assert (t.duels < last) == (t.state == "pruned"), t
    best = a.best
    assert best is not None and all(t.distance >= best.distance for t in a.trials if t.state == "complete")
    rounds = problem.spec.rounds
    for i, t in enumerate(a.trials):  # each round's distance is kept; a trial stopped only when behind the best before it
        assert len(t.path) == rounds.index(t.duels) + 1 and t.path[-1] == t.distance
        before = Search("", [u for u in a.trials[:i] if u.state == "complete"]).best
        if t.state == "pruned":  # behind the best's same round, or (the optimistic rule) above its final distance
            assert before is not None, t
            assert t.distance > min(before.path[len(t.path) - 1] + 1 / math.sqrt(t.duels), before.distance), t


def test_an_arena_field_is_edited_in_its_file_and_read_back(catalog, tmp_path: Path) -> None:
    arenas = tmp_path / "arenas"
    shutil.copytree(builtin_dir("arenas"), arenas)
    spec = tmp_path / "tune.yaml"
    spec.write_text(yaml.safe_dump(GOOD | {"parameters": [{"field": "concert_hall.hazard_heat", "low": 0, "high": 12}]}))
    disk = load_catalog([], [arenas])
    problem = Problem(load_spec(spec, disk), disk)
    was = problem.values()["concert_hall.hazard_heat"]
    edits = changes(problem, disk, {"concert_hall.hazard_heat": was + 2})
    assert [(e.file, e.old, e.new) for e in edits] == [(str(arenas / "concert_hall.yaml"), was, was + 2)]
    text = (arenas / "concert_hall.yaml").read_text()
    apply_changes(edits, disk, lambda: load_catalog([], [arenas]))
    new = (arenas / "concert_hall.yaml").read_text()
    assert [(a, b) for a, b in zip(text.splitlines(), new.splitlines()) if a != b] == [
        (f"hazard_heat: {was}", f"hazard_heat: {was + 2}")]
    assert load_catalog([], [arenas]).arena("concert_hall").hazard_heat == was + 2
    assert changes(problem, load_catalog([], [arenas]), {"concert_hall.hazard_heat": was + 2}) == []


def test_arena_option_leaves_out_the_fields_of_arenas_not_played(catalog) -> None:
    spec = load_spec(Path(__file__).resolve().parent.parent / "examples" / "tune_roster.yaml", catalog)
    one, out = spec.on_arenas(["concert_hall"])
    assert one.arenas == ["concert_hall"] and out and all(f.split(".")[0] in spec.arenas for f in out)
    assert {p.field for p in one.parameters} | set(out) == {p.field for p in spec.parameters}
    assert all(c.arena == "concert_hall" for c in cells_of(one))


# ---- bad input: one line, exit code 2 ----
GOOD = {"arenas": ["concert_hall"], "parameters": [{"field": "viola.stats.firepower", "low": 0, "high": 8}],
        "targets": [{"among": ["rouge", "viola"], "band": [0.45, 0.55]}]}


@pytest.mark.parametrize("change,where,words", [
    ({"parameters": []}, "parameters", "at least 1 item"),
    ({"parameters": [{"field": "viola.stats.firepowr", "low": 0, "high": 8}]}, "parameters.0.field", "no field 'firepowr'"),
    ({"parameters": [{"field": "zed.stats.firepower", "low": 0, "high": 8}]}, "parameters.0.field", "unknown unit 'zed'"),
    ({"parameters": [{"field": "viola.stats.firepower", "low": -1, "high": 8}]}, "parameters.0.low", "below the lowest"),
    ({"parameters": [{"field": "viola.stats.firepower", "low": 0, "high": 101}]}, "parameters.0.high", "above the highest"),
    ({"parameters": [{"field": "viola.stats.firepower", "low": 0, "high": 8, "step": 0}]}, "parameters.0.step", "above 0"),
    ({"parameters": [{"field": "viola.stats.firepower", "low": 5, "high": 2}]}, "parameters.0", "above high"),
    ({"parameters": [{"field": "concert_hall.turn_limit", "low": 1, "high": 90}]}, "parameters.0.low", "below the lowest"),
    ({"parameters": [{"field": "viola.weapons.heel_spike.melt", "low": 0, "high": 4}]}, "parameters.0.field", "not written"),
    ({"targets": [{"among": ["rouge", "viola"], "band": [0.55, 0.45]}]}, "targets.0.band", "above high"),
    ({"targets": [{"among": ["rouge", "viola"], "band": [0.4, 1.2]}]}, "targets.0.band", "between 0 and 1"),
    ({"targets": [{"rows": ["nean"], "columns": ["zed"], "band": [0.2, 0.4]}]}, "targets.0.columns.0", "unknown unit 'zed'"),
    ({"targets": [{"first_mover": ["rouge"]}]}, "targets.0", "give a band"),
    ({"targets": [{"stalls": ["rouge", "rouge"], "band": [0, 0.05]}]}, "targets.0", "named once"),
    ({"targets": [{"stalls": ["rouge"], "among": ["rouge", "viola"], "band": [0, 0.05]}]}, "targets.0", "exactly one of"),
    ({"targets": [{"event": "melted", "of": ["rouge"], "against": ["viola"], "band": [0.3, 1]}]}, "targets.0",
     "unknown event 'melted'"),
    ({"targets": [{"event": "weapon:arc_blade", "of": ["viola"], "against": ["rouge"], "band": [0.3, 1]}]}, "targets.0",
     "viola carries no weapon 'arc_blade'"),
    ({"targets": [{"event": "vent", "of": ["rouge"], "band": [0.3, 1]}]}, "targets.0",
     "event (or script), of and against go together"),
    ({"targets": [{"script": "tests.scripted:Turtle", "against": ["viola"], "band": [0.5, 1]}]}, "targets.0",
     "event (or script), of and against go together"),
    ({"targets": [{"script": "tests.scripted:Turtle", "event": "vent", "of": ["rouge"], "against": ["viola"],
                   "band": [0.5, 1]}]}, "targets.0", "give one of event and script"),
    ({"targets": [{"script": "tests.scripted:Nonesuch", "of": ["rouge"], "against": ["viola"], "band": [0.5, 1]}]},
     "targets.0", "no class 'Nonesuch'"),
    ({"targets": [{"event": "vent", "of": ["rouge"], "against": ["viola"], "stalls": ["rouge"], "band": [0, 1]}]},
     "targets.0", "exactly one of"),
    ({"arenas": ["moon"]}, "arenas.0", "unknown arena 'moon'"),
    ({"parameters": [{"field": "rooftops.hazard_heat", "low": 0, "high": 8}]}, "parameters", "not among the arenas"),
    ({"bot": "clever"}, "bot", "unknown bot"),
    ({"rounds": [800, 200]}, "rounds", "growing"),
    ({"margin": 0.06}, "margin", "leaves nothing of band [0.45, 0.55]"),
    ({"targets": [{"stalls": ["rouge"], "band": [0, 0.05]}], "margin": 0.06}, "margin", "leaves nothing of band [0.0, 0.05]"),
    ({"margin": -0.01}, "margin", "0 or more"),
    ({"rules": 5}, "rules", "must be one of 3, 4"),
    ({"colour": "red"}, "colour", "unknown field"),
])
def test_a_bad_spec_is_one_line_naming_the_file_line_and_field(cli, tmp_path: Path, change: dict, where: str, words: str) -> None:
    pytest.importorskip("optuna")
    p = tmp_path / "bad.yaml"
    p.write_text(yaml.safe_dump(GOOD | change, sort_keys=False))
    code, out, err = cli("tune", p, "-w", "1")
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    line = err.strip()
    assert line.startswith(f"error: {p}:"), line
    assert line.split(":")[2].strip().isdigit(), line  # error: FILE:LINE: field: message
    assert f" {where}: " in line and words in line, line


@pytest.mark.parametrize("args,words", [
    (["--trials", "0"], "--trials must be at least 1"),
    (["--minutes", "0"], "--minutes must be a positive number"),
    (["--validate", "0"], "--validate must be at least 1"),
    (["--minutes", "nan"], "--minutes must be a positive number"),
    (["--check-seed", "0"], "never saw"),
    (["--check-duels", "1"], "--check-duels must be at least 2"),
    (["--set", "viola.stats.firepower=-1"], "greater than or equal"),
    (["--bot", "clever"], "unknown bot"),
    (["--isolate"], "--isolate"),
    (["--bot", "greedy", "--bot-timeout", "5"], "--bot-timeout"),
    (["--out", "UNITS/viola.yaml"], "is the file of unit viola"),
])
def test_bad_tune_options_are_one_line(cli, spec: Path, units_copy: Path, args: list[str], words: str) -> None:
    pytest.importorskip("optuna")
    args = [a.replace("UNITS", str(units_copy)) for a in args]
    shipped = digest(units_copy)
    code, _, err = cli("tune", spec, "--units", units_copy, "-w", "1", *args)
    assert code == 2 and len(err.strip().splitlines()) == 1 and words in err, err
    assert digest(units_copy) == shipped


def test_out_refuses_an_sqlite_file_that_is_not_a_study(cli, spec: Path, tmp_path: Path) -> None:
    pytest.importorskip("optuna")
    import sqlite3

    db = tmp_path / "results.sqlite"
    with sqlite3.connect(db) as c:
        c.execute("create table chunks (x)")
    code, _, err = cli("tune", spec, "--out", db, "-w", "1")
    assert code == 2 and "not an Optuna study" in err


def test_without_optuna_tune_says_how_to_install_it(cli, spec: Path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "optuna", None)  # import optuna raises ImportError
    code, _, err = cli("tune", spec)
    assert code == 2 and err.strip() == "error: gladiator tune needs Optuna: pip install 'gladiator[tune]'"


# ---- the spec parser's edges ----
@pytest.fixture(scope="session")
def spec_dir(tmp_path_factory) -> Path:
    """A folder for the specs hypothesis writes (one fixture for all its examples)."""
    return tmp_path_factory.mktemp("specs")


numbers = st.one_of(st.integers(-3, 120), st.floats(allow_nan=True, allow_infinity=True, width=32))


@settings(max_examples=80, deadline=None)
@given(low=numbers, high=numbers, step=st.one_of(st.none(), numbers), band_lo=numbers, band_hi=numbers)
def test_a_spec_is_accepted_exactly_when_it_is_valid(catalog, spec_dir: Path, low, high, step, band_lo, band_hi) -> None:
    p = spec_dir / "edge.yaml"
    param = {"field": "viola.stats.firepower", "low": low, "high": high} | ({} if step is None else {"step": step})
    p.write_text(yaml.safe_dump(GOOD | {"parameters": [param], "targets": [{"among": ["rouge", "viola"], "band": [band_lo, band_hi]}]}))

    def whole(x: object) -> bool:
        return isinstance(x, int)

    def rate(x: float) -> bool:
        return math.isfinite(x) and 0 <= x <= 1

    valid = (whole(low) and whole(high) and 0 <= low <= high <= 100 and (step is None or (whole(step) and step > 0))
             and rate(band_lo) and rate(band_hi) and band_lo <= band_hi)
    try:
        s = load_spec(p, catalog)
    except GladiatorError as e:
        assert not valid, e
        assert "\n" not in str(e) and str(e).startswith(f"{p}:") and str(e).split(":")[1].isdigit(), e
        return
    assert valid
    assert s.parameters[0].low <= s.parameters[0].high and s.targets[0].band == (float(band_lo), float(band_hi))


# ---- the edit of a file ----
@settings(max_examples=40, deadline=None)
@given(firepower=st.integers(0, 100), accuracy=st.floats(0, 1, allow_nan=False).map(lambda x: round(x, 3)),
       high=st.integers(10, 40), crlf=st.booleans())
def test_an_edit_replaces_the_numbers_and_keeps_every_other_byte(firepower: int, accuracy: float, high: int, crlf: bool) -> None:
    text = (builtin_dir("units") / "viola.yaml").read_text()
    if crlf:
        text = text.replace("\n", "\r\n")
    new = replace_scalars(text, [(["stats", "firepower"], firepower), (["weapons", "aria_cannon", "accuracy"], accuracy),
                                 (["weapons", "0", "damage", "1"], high)], "viola.yaml")
    data = yaml.safe_load(new)
    assert data["stats"]["firepower"] == firepower and data["weapons"][0]["accuracy"] == accuracy
    assert data["weapons"][0]["damage"] == [6, high]
    old_lines, new_lines = text.split("\n"), new.split("\n")
    assert len(old_lines) == len(new_lines)
    differ = [i for i, (a, b) in enumerate(zip(old_lines, new_lines)) if a != b]
    assert all(any(k in old_lines[i] for k in ("firepower:", "accuracy:", "damage:")) for i in differ)
    assert sum(1 for a, b in zip(old_lines, new_lines) if a != b and "accuracy" in a) <= 1


def test_a_tune_study_names_its_plugin_bots_code(catalog, tmp_path: Path, monkeypatch) -> None:
    """A study is named by everything that decides its trials, a plugin bot's source included: after the bot's code
    changes, `--out` holds a new study, never a mix of both versions; a built-in bot's study keeps its name."""
    import os

    module = f"tuneplug_{os.getpid()}"
    source = tmp_path / f"{module}.py"
    source.write_text('from gladiator.bots.greedy import GreedyBot\n\n\nclass Plugged(GreedyBot):\n    """first"""\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    p = tmp_path / "spec.yaml"
    p.write_text(yaml.safe_dump(GOOD | {"bot": f"{module}:Plugged"}, sort_keys=False))
    first = Problem(load_spec(p, catalog), catalog).identity(0)
    assert Problem(load_spec(p, catalog), catalog).identity(0) == first  # the same code: the same study
    source.write_text('from gladiator.bots.greedy import GreedyBot\n\n\nclass Plugged(GreedyBot):\n    """second"""\n')
    assert Problem(load_spec(p, catalog), catalog).identity(0) != first
    p.write_text(yaml.safe_dump(GOOD | {"bot": "greedy"}, sort_keys=False))
    builtin = Problem(load_spec(p, catalog), catalog).identity(0)
    assert builtin == Problem(load_spec(p, catalog), catalog).identity(0)


def test_the_batch_guide_names_every_event_a_target_may_count() -> None:
    from gladiator.state import EVENT_KINDS
    row = next(line for line in (Path(__file__).parents[1] / "docs" / "batch.md").read_text().splitlines()
               if line.startswith("| `event:"))
    assert re.findall(r"`(\w+)`", row.split("event kind of the batch's counts", 1)[1])[:len(EVENT_KINDS)] == list(EVENT_KINDS)
