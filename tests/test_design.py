"""Fairness and depth figures: the first mover's win rate in `batch` and `matrix` (every mirror and pairing, with its
interval), checked against batch runs of the same spec counted here from their duel rows; and the core of
benchmarks/bench_design.py on tiny runs, stored and resumed."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from gladiator import DEFAULT_BOT
from gladiator.batch import make_spec, run
from gladiator.batch import tuning
from gladiator.batch.stats import wilson

ARENA = "concert_hall"
BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_design.py"


def first_mover_counts(catalog, units: tuple[str, str], n: int, seed: int, bots=(DEFAULT_BOT, DEFAULT_BOT),
                       arena: str = ARENA) -> tuple[int, int]:
    """(decisive duels won by the side that moved first, decisive duels) of a batch run, counted from its duel rows."""
    rows: list[np.ndarray] = []
    run(make_spec(catalog, units, arena, n, seed, bots), on_chunk=lambda r: rows.append(r.rows))
    r = np.concatenate(rows)
    decisive = r["winner"] >= 0
    return int((decisive & (r["winner"] == r["first"])).sum()), int(decisive.sum())


@pytest.fixture(scope="module")
def bench():
    """benchmarks/bench_design.py as a module."""
    spec = importlib.util.spec_from_file_location("bench_design", BENCH)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["bench_design"] = mod  # its dataclass looks its module up by name
    try:
        spec.loader.exec_module(mod)
        yield mod
    finally:
        del sys.modules["bench_design"]


def test_batch_json_gives_the_first_movers_rate_and_interval(cli, capsys, catalog) -> None:
    code, out, err = cli("batch", "rouge", "rouge", "-n", "200", "--seed", "3", "--workers", "1", "--json")
    assert code == 0, err
    d = json.loads(out)
    k, m = first_mover_counts(catalog, ("rouge", "rouge"), 200, 3)
    assert m > 0
    assert d["first_mover_win_rate"] == k / m
    assert d["first_mover_interval"] == list(wilson(k, m))


def test_matrix_plays_every_mirror_and_reports_the_first_movers_rate_of_every_cell(cli, capsys, catalog) -> None:
    args = ("matrix", "rouge", "viola", "-n", "200", "--seed", "3", "--workers", "1")
    code, out, err = cli(*args, "--json")
    assert code == 0, err
    d = json.loads(out)
    cells = [("rouge", "rouge"), ("viola", "viola"), ("rouge", "viola")]  # mirrors first
    assert [tuple(f["units"]) for f in d["first_mover"]] == cells
    assert [p["units"] for p in d["pairs"]] == [["rouge", "viola"]]  # the pairings' win rates, as before
    assert d["rates"][0][0] is None and d["rates"][1][1] is None
    for f, units in zip(d["first_mover"], cells):
        k, m = first_mover_counts(catalog, units, 200, 3)
        assert (f["first_wins"], f["decisive"]) == (k, m), units
        assert f["rate"] == k / m and f["interval"] == list(wilson(k, m)), units
    code, out, err = cli(*args)
    assert code == 0, err
    assert out.index("Win rate of row against column") < out.index("First mover wins")
    for f in d["first_mover"]:
        lo, hi = f["interval"]
        row = re.search(rf"│ {' vs '.join(f['units'])} +│ +{f['rate']:.1%} │ +{lo:.1%} - {hi:.1%} │ +{f['decisive']} │ +(.*?) *│", out)
        assert row, f
        want = "first mover ahead" if lo > 0.5 else "second mover ahead" if hi < 0.5 else ""
        assert row.group(1) == want, f


def test_matrix_without_mirrors_plays_the_pairings_only(cli, capsys, monkeypatch) -> None:
    played = []
    real = tuning.run
    monkeypatch.setattr(tuning, "run", lambda spec, *a, **k: played.append(spec.units) or real(spec, *a, **k))
    code, out, err = cli("matrix", "rouge", "viola", "jaron", "-n", "4", "--bot", "random", "--workers", "1",
                         "--no-mirrors", "--json")
    assert code == 0, err
    d = json.loads(out)
    assert played == [("rouge", "viola"), ("rouge", "jaron"), ("viola", "jaron")]
    assert [f["units"] for f in d["first_mover"]] == [list(u) for u in played] and d["mirrors"] is False


def test_bench_fairness_matches_batch_runs_and_a_killed_run_resumes(bench, catalog, capsys, monkeypatch, tmp_path: Path) -> None:
    args = ["--part", "fairness", "--mirror-n", "20", "--seed", "5", "--workers", "1", "--out", str(tmp_path)]
    real = bench.run
    calls: list[int] = []

    def interrupted(spec, *a, **k):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 5:
            raise KeyboardInterrupt
        return real(spec, *a, **k)

    monkeypatch.setattr(bench, "run", interrupted)
    assert bench.main(args) == 130
    assert "run the same command again to resume" in capsys.readouterr().err
    calls.clear()
    monkeypatch.setattr(bench, "run", lambda spec, *a, **k: calls.append(1) or real(spec, *a, **k))
    assert bench.main(args) == 0
    units, arenas = list(catalog.units), sorted(catalog.arenas)
    assert len(calls) == len(units) * len(arenas) - 4  # the four cells stored before the interrupt are not played again
    first = capsys.readouterr().out
    for u, a in zip(units, arenas):  # a cell of each unit and each arena, counted here
        k, m = first_mover_counts(catalog, (u, u), 20, 5, arena=a)
        lo, hi = wilson(k, m)
        assert re.search(rf"^  {u} +{a} +{k / m:.1%}  +{lo:.1%} - {hi:.1%} +{m}\b", first, re.M), (u, a)
    monkeypatch.setattr(bench, "run", lambda *a, **k: pytest.fail("a stored cell was played again"))
    assert bench.main(args) == 0
    again = capsys.readouterr().out
    report = lambda text: text[text.index("First mover's share"):text.rindex("\n\n")]  # noqa: E731
    assert report(again) == report(first)


def test_bench_chain_plays_each_link_over_mirror_and_cross_pairings(bench, catalog) -> None:
    assert bench.chain_links(16, 64)[-3:] == [("search:budget=32", "search:budget=16"), ("search:budget=64", "search:budget=32"),
                                             ("search:budget=128", "search:budget=64")]
    assert bench.chain_links(16, 8) == list(bench.BOT_CHAIN)
    said: list[str] = []
    cells = bench.link(catalog, "greedy", "random", ["rouge", "viola"], ARENA, 20, 5, 1, None, said.append)
    assert [(c.units, c.arena) for c in cells] == [(u, ARENA) for u in (("rouge", "rouge"), ("rouge", "viola"),
                                                                        ("viola", "rouge"), ("viola", "viola"))]
    won = n = 0
    for c in cells:
        t = run(make_spec(catalog, c.units, ARENA, 20, 5, ("greedy", "random")))
        assert c.t == t, c.units
        won, n = won + t.wins[0] + t.draws / 2, n + t.n
    rate, lo, hi, duels = bench.score(cells)
    assert (rate, (lo, hi), duels) == (won / n, wilson(round(won), n), 80)
    v = bench.verdict(lo, hi)
    assert ("significantly above 50%" in v, "significantly below 50%" in v) == (lo > 0.5, hi < 0.5), v


def test_bench_chain_reports_every_link_and_a_second_run_plays_nothing(bench, capsys, monkeypatch, tmp_path: Path) -> None:
    # a tiny whole chain: search at 2 against 1 continuation, and (cheaper than its default budget) search at 2 against heuristic
    monkeypatch.setattr(bench, "BOT_CHAIN", (*bench.BOT_CHAIN[:2], ("search:budget=2", "heuristic")))
    args = ["--part", "chain", "--units", "rouge", "--bot-n", "20", "--search-n", "2", "--min-budget", "1", "--max-budget", "1",
            "--seed", "5", "--workers", "1", "--out", str(tmp_path)]
    assert bench.main(args) == 0
    first = capsys.readouterr().out
    for strong, weak in bench.chain_links(1, 1):
        assert re.search(rf"^  {re.escape(strong)} vs {re.escape(weak)} +\d+\.\d%  \(95% interval .*, (20|2) duels\)  \w", first, re.M)
    assert "The bot chain" in first and "The budget chain" in first
    monkeypatch.setattr(bench, "run", lambda *a, **k: pytest.fail("a stored cell was played again"))
    assert bench.main(args) == 0
    again = capsys.readouterr().out
    assert again[again.index("Skill chain"):again.rindex("\n\n")] == first[first.index("Skill chain"):first.rindex("\n\n")]
    assert bench.main([*args[:5], "30", *args[6:]]) == 2  # other counts against the same results: refused in one line
    err = capsys.readouterr().err
    assert err.startswith("error: --out ") and "another command" in err and len(err.strip().splitlines()) == 1


def test_a_long_cell_says_it_is_still_being_played(bench) -> None:
    said: list[str] = []
    with bench._Heartbeat(said.append, "rouge vs viola on concert_hall", every=0.05):
        time.sleep(0.3)
    after = len(said)
    time.sleep(0.15)
    assert after >= 2 and len(said) == after  # it stops with the cell
    assert all(s.startswith("  rouge vs viola on concert_hall: still playing (") for s in said)
    with bench._Heartbeat(said.append, "x", on=False, every=0.01):
        time.sleep(0.1)
    assert len(said) == after


def test_bench_measures_version_4_with_set_changes_and_keeps_each_versions_results_apart(bench, catalog, capsys,
                                                                                          tmp_path: Path) -> None:
    from gladiator.batch import apply_overrides

    cat = apply_overrides(catalog, ["viola.stats.integrity=40"])
    cells = bench.link(cat, "greedy", "random", ["rouge", "viola"], ARENA, 20, 5, 1, None, lambda line: None, 4)
    for c in cells:
        assert c.t == run(make_spec(cat, c.units, ARENA, 20, 5, ("greedy", "random"), rules=4)), c.units
    v3 = bench.link(cat, "greedy", "random", ["rouge", "viola"], ARENA, 20, 5, 1, None, lambda line: None)
    assert [c.t for c in cells] != [c.t for c in v3]  # the version reached the duels
    args = ["--part", "fairness", "--mirror-n", "2", "--bot", "greedy", "--seed", "5", "--workers", "1", "--out", str(tmp_path)]
    assert bench.main(args + ["--rules", "4", "--set", "viola.stats.integrity=40"]) == 0
    capsys.readouterr()
    assert bench.main(args) == 2  # the same folder under version 3 without the change: another run's results, refused
    assert capsys.readouterr().err.startswith("error:")
    assert bench.main(args + ["--rules", "4", "--set", "viola.stats.integrity=-4"]) == 2  # a bad change: one line
    err = capsys.readouterr().err
    assert err.startswith("error:") and err.count("\n") == 1
