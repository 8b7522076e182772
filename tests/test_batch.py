"""The batch runner through its public interface: same totals however the work is spread, duels that
replay alone from their seed, overrides, results files that resume, and bad input."""

from __future__ import annotations

import csv

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from gladiator.batch import apply_overrides, make_spec, run, run_chunk
from gladiator.batch.runner import ChunkResult, chunk_size_for
from gladiator.bots import make_bot
from gladiator.cli import main
from gladiator.duel import game_for, play_duel
from conftest import kept_duels, stored_chunks, terminal_sigint

UNITS = ("rouge", "viola")
ARENA = "concert_hall"


def spec_of(catalog, n: int, seed: int = 11, pairing: bool = True, sets=(), bots=("greedy", "greedy")):
    """A run of rouge against viola in the concert hall."""
    cat = apply_overrides(catalog, list(sets))
    return make_spec(cat, UNITS, ARENA, n, seed, bots, pairing, list(sets))


def rows_of(spec, **kw) -> tuple:
    """Totals of a run and every duel's row, sorted by duel index."""
    chunks: list[ChunkResult] = []
    total = run(spec, on_chunk=chunks.append, **kw)
    rows = np.concatenate([c.rows for c in chunks])
    return total, rows[np.argsort(rows["duel"])]


def cli(capsys, *args: str) -> tuple[int, str, str]:
    """Run the command line in-process: (exit code, stdout, stderr)."""
    try:
        code = main(list(args))
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 1
    got = capsys.readouterr()
    return code or 0, got.out, got.err


def test_totals_are_the_same_for_any_number_of_workers_and_batch_size(catalog) -> None:
    spec = spec_of(catalog, 1500)
    assert spec.chunks >= 2
    base, base_rows = rows_of(spec, workers=1, batch_size=4096)
    for kw in ({"workers": 2, "batch_size": 4096}, {"workers": 2, "batch_size": 37}, {"workers": 1, "batch_size": 300}):
        total, rows = rows_of(spec, **kw)
        assert total == base, kw
        assert np.array_equal(rows, base_rows), kw
    assert base.n == 1500 and base.wins[0] + base.wins[1] + base.draws == 1500


def test_batch_size_one_gives_the_same_duels(catalog) -> None:
    spec = spec_of(catalog, 24)
    a = run_chunk(spec, 0, batch_size=4096)
    b = run_chunk(spec, 0, batch_size=1)
    assert np.array_equal(a.rows, b.rows)


def test_the_batch_size_follows_the_bots_when_not_given(catalog, monkeypatch) -> None:
    import dataclasses

    from gladiator.batch import chunks

    assert chunks.batch_size_for((make_bot("greedy"),)) == make_bot("greedy").batch_size > chunks.DEFAULT_BATCH_SIZE
    assert chunks.batch_size_for((make_bot("greedy"), make_bot("heuristic"))) == make_bot("heuristic").batch_size
    assert chunks.batch_size_for((make_bot("greedy"), make_bot("random"))) == chunks.DEFAULT_BATCH_SIZE  # the smallest
    n = chunks.DEFAULT_BATCH_SIZE + 800
    spec = dataclasses.replace(spec_of(catalog, n, seed=3), chunk_size=n)
    sizes: list[int] = []
    step = chunks.engine.step
    monkeypatch.setattr(chunks.engine, "step", lambda game, state, *a, **kw: (sizes.append(state.batch), step(game, state, *a, **kw))[1])
    default = run_chunk(spec, 0)
    assert sizes[0] == n  # greedy: the whole chunk at once, past the default size
    assert np.array_equal(default.rows, run_chunk(spec, 0, batch_size=1000).rows)


def test_a_duel_of_a_batch_replays_alone_from_its_seed(catalog) -> None:
    spec = spec_of(catalog, 40, seed=5)
    rows = run_chunk(spec, 0).rows
    game = game_for(catalog, ARENA)
    bots = (make_bot("greedy"), make_bot("greedy"))
    for i in (0, 1, 2, 3, 17, 38, 39):
        units = spec.duel_units(i)
        assert units == (UNITS[::-1] if i % 2 else UNITS)
        res = play_duel(game, units, spec.duel_seed(i), bots, events=False)
        r = rows[i]
        assert int(r["seed"]) == spec.duel_seed(i)
        assert (res.winner_index if res.winner_index is not None else -1) == int(r["winner"])
        assert res.turns == int(r["turns"]) and len(res.actions) == int(r["actions"])
        assert res.state.integrity[0].tolist() == r["integrity"].tolist()


def test_the_swapped_duel_replays_with_the_duel_command(catalog, capsys) -> None:
    spec = spec_of(catalog, 4, seed=9)
    rows = run_chunk(spec, 0).rows
    code, out, _ = cli(capsys, "duel", "viola", "rouge", "--arena", ARENA, "--seed", str(spec.duel_seed(1)), "--json")
    assert code == 0
    d = json.loads(out)
    assert d["winner_index"] == int(rows[1]["winner"]) and d["turns"] == int(rows[1]["turns"])
    assert spec.duel_seed(0) == spec.duel_seed(1) != spec.duel_seed(2)


def test_pairing_swaps_sides_and_a_mirror_match_comes_out_even(catalog) -> None:
    cat = catalog
    spec = make_spec(cat, ("rouge", "rouge"), ARENA, 400, 3, ("greedy", "greedy"))
    total, rows = rows_of(spec)
    # the two duels of a pair are the same duel seen from each side: a mirror splits every pair exactly
    assert total.wins[0] == total.wins[1] and total.n == 400
    named = np.where(rows["swapped"] == 1, 1 - rows["winner"].astype(int), rows["winner"].astype(int))
    even, odd = named[0::2], named[1::2]
    assert np.array_equal(np.where(even < 0, -1, 1 - even), odd)
    unpaired = spec_of(catalog, 200, pairing=False)
    assert unpaired.duel_seed(0) != unpaired.duel_seed(1) and unpaired.duel_units(1) == UNITS


def test_set_override_changes_the_unit_for_the_run(catalog) -> None:
    weak = run(spec_of(catalog, 200, sets=["viola.stats.integrity=1"]))
    assert weak.wins[0] >= 190  # a one-point Viola falls to Rouge
    spec = spec_of(catalog, 200, sets=["viola.weapons.aria_cannon.accuracy=0.1", "viola.stats.firepower=9"])
    assert spec.hashes != spec_of(catalog, 200).hashes
    before = catalog.unit("viola").stats.firepower
    changed = apply_overrides(catalog, [f"viola.stats.firepower={before + 1}"])
    assert changed.unit("viola").stats.firepower == before + 1
    assert catalog.unit("viola").stats.firepower == before  # the catalog it came from is untouched


@pytest.mark.parametrize("setting,words", [
    ("viola.stats.firepowr=8", "no field 'firepowr'"),
    ("viola.stats.firepower=lots", "valid integer"),
    ("viola.stats.firepower=-3", "greater than or equal"),
    ("nobody.stats.firepower=3", "unknown unit 'nobody'"),
    ("viola.weapons.bazooka.range=3", "no entry 'bazooka'"),
    ("viola.stats.firepower", "expected UNIT.FIELD=VALUE"),
])
def test_bad_set_is_one_line_and_exit_2(capsys, setting: str, words: str) -> None:
    code, out, err = cli(capsys, "batch", "rouge", "viola", "-n", "10", "--set", setting)
    assert code == 2
    assert words in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize("args,words", [
    (["-n", "0"], "-n must be at least 1"),
    (["--seed", "-4"], "--seed must be 0 or more"),
    (["--workers", "0"], "--workers must be at least 1"),
    (["--batch-size", "0"], "--batch-size must be at least 1"),
    (["--out", "/nonexistent-folder/x.sqlite"], "does not exist"),
    (["--bot", "clever"], "unknown bot"),
    (["--arena", "moon"], "unknown arena"),
])
def test_bad_batch_input_is_one_line_and_exit_2(capsys, args: list[str], words: str) -> None:
    code, out, err = cli(capsys, "batch", "rouge", "viola", *args)
    assert code == 2, err
    assert words in err
    assert len(err.strip().splitlines()) == 1


def test_json_summary_has_the_promised_fields(capsys, tmp_path: Path) -> None:
    csv_path = tmp_path / "duels.csv"
    code, out, err = cli(capsys, "batch", "rouge", "viola", "-n", "60", "--seed", "2", "--workers", "1", "--json", "--csv", str(csv_path))
    assert code == 0, err
    d = json.loads(out)
    assert d["units"] == ["rouge", "viola"]
    assert sum(d["wins"]) + d["draws"] == 60
    assert set(d["outcomes"]) == {"destroyed", "core_extracted", "shutdown", "draw", "forfeit"}
    assert sum(d["outcomes"].values()) == 60
    assert d["mean_turns"] > 0 and d["duels_per_second"] > 0
    lines = csv_path.read_text().splitlines()
    assert lines[0].startswith("duel,seed,unit_a,unit_b,winner,outcome,turns")
    assert len(lines) == 61
    first = lines[1].split(",")
    assert first[2:4] == ["rouge", "viola"] and lines[2].split(",")[2:4] == ["viola", "rouge"]


def test_table_summary_prints_intervals_outcomes_and_throughput(capsys) -> None:
    code, out, err = cli(capsys, "batch", "rouge", "viola", "-n", "40", "--workers", "1")
    assert code == 0, err
    for words in ("rouge wins", "viola wins", "95% interval", "core extracted", "Duel length", "First mover", "Side bias", "duels/s"):
        assert words in out


def test_results_file_refuses_another_command_and_keeps_its_results(capsys, tmp_path: Path) -> None:
    db = tmp_path / "r.sqlite"
    code, first, _ = cli(capsys, "batch", "rouge", "viola", "-n", "600", "--seed", "1", "--workers", "1", "--json", "--out", str(db))
    assert code == 0
    stored = sqlite3.connect(db).execute("SELECT COUNT(*), SUM(duels) FROM chunks").fetchone()
    assert stored[1] == 600
    code, _, err = cli(capsys, "batch", "rouge", "viola", "-n", "600", "--seed", "2", "--out", str(db))
    assert code == 2 and "another command" in err and "seed" in err
    code, _, err = cli(capsys, "batch", "rouge", "viola", "-n", "600", "--seed", "1", "--set", "viola.stats.armor=5", "--out", str(db))
    assert code == 2 and "another command" in err
    assert sqlite3.connect(db).execute("SELECT COUNT(*), SUM(duels) FROM chunks").fetchone() == stored
    # the same command again: nothing left to play, same totals
    code, again, _ = cli(capsys, "batch", "rouge", "viola", "-n", "600", "--seed", "1", "--workers", "2", "--json", "--out", str(db))
    a, b = json.loads(first), json.loads(again)
    assert code == 0 and b["duels_this_run"] == 0
    for k in ("wins", "draws", "outcomes", "mean_turns", "actions"):
        assert a[k] == b[k]


def test_a_file_that_is_not_a_results_file_is_refused(capsys, tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_text("not a database at all, just some text" * 20)
    code, _, err = cli(capsys, "batch", "rouge", "viola", "-n", "10", "--out", str(junk))
    assert code == 2 and "--out" in err


def _gladiator(*args: str) -> list[str]:
    return [sys.executable, "-m", "gladiator", *args]


def _start_and_wait(args: list[str], db: Path, chunks: int, timeout: float = 60.0) -> subprocess.Popen:
    proc = subprocess.Popen(_gladiator(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=terminal_sigint)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if db.exists() and stored_chunks(db) >= chunks:
            break
        time.sleep(0.02)
    return proc


@pytest.mark.slow
def test_a_killed_run_resumes_to_the_totals_of_an_uninterrupted_run(tmp_path: Path) -> None:
    n, seed = 16384, 21
    size = chunk_size_for(n)
    chunks = n // size
    common = ["batch", "rouge", "viola", "-n", str(n), "--seed", str(seed), "--json"]
    db = tmp_path / "killed.sqlite"
    proc = _start_and_wait(common + ["--workers", "1", "--batch-size", "64", "--out", str(db)], db, chunks=2)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    part = stored_chunks(db)
    assert 2 <= part < chunks, "the run should have been killed part-way"
    kept = kept_duels(db, n)
    done = subprocess.run(_gladiator(*common, "--workers", "2", "--out", str(db)), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    resumed = json.loads(done.stdout)
    assert resumed["duels_this_run"] == n - kept
    whole = subprocess.run(_gladiator(*common, "--workers", "2"), capture_output=True, text=True, timeout=120)
    fresh = json.loads(whole.stdout)
    for k in ("duels", "wins", "draws", "outcomes", "mean_turns", "median_turns", "first_mover_win_rate", "actions", "turns_histogram"):
        assert resumed[k] == fresh[k], k


def test_ctrl_c_prints_the_summary_of_what_finished(tmp_path: Path) -> None:
    db = tmp_path / "ctrl_c.sqlite"
    n = 16384
    proc = _start_and_wait(["batch", "rouge", "viola", "-n", str(n), "--json", "--workers", "2", "--batch-size", "64",
                            "--out", str(db)], db, chunks=1)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    d = json.loads(out)
    assert 0 < d["duels"] < n and d["complete"] is False
    assert d["duels"] == kept_duels(db, n)
    assert "interrupted" in err and "Traceback" not in err


def test_sweep_and_balance_find_the_known_answer(capsys, tmp_path: Path, catalog) -> None:
    # rouge2 is Rouge under another name: at Rouge's own integrity the paired duels come out exactly even
    units = tmp_path / "units"
    units.mkdir()
    rouge = (Path(__file__).resolve().parent.parent / "units" / "rouge.yaml").read_text()
    (units / "rouge2.yaml").write_text(rouge.replace("id: rouge", "id: rouge2"))
    line = 1 + next(i for i, text in enumerate(rouge.splitlines()) if text.strip().startswith("integrity:"))
    r = catalog.unit("rouge").stats.integrity
    code, out, err = cli(capsys, "sweep", f"rouge2.stats.integrity={r - 30}:{r + 30}:30", "--vs", "rouge", "-n", "200",
                         "--workers", "1", "--units", str(units), "--json")
    assert code == 0, err
    pts = {p["value"]: p["win_rate"] for p in json.loads(out)["points"]}
    assert pts[r] == 0.5
    assert pts[r - 30] < 0.5 < pts[r + 30]
    code, out, err = cli(capsys, "balance", "rouge2.stats.integrity", "--vs", "rouge", "--min", str(r - 40), "--max", str(r + 40),
                         "-n", "200", "--workers", "1", "--units", str(units), "--json")
    assert code == 0, err
    d = json.loads(out)
    assert d["value"] == r and d["win_rate"] == 0.5
    assert d["interval"][0] < 0.5 < d["interval"][1]
    assert d["yaml"] == f"integrity: {r}" and d["file"].endswith(f"rouge2.yaml:{line}")


def test_matrix_prints_every_pairing(capsys) -> None:
    code, out, err = cli(capsys, "matrix", "rouge", "viola", "jaron", "-n", "40", "--workers", "1", "--json")
    assert code == 0, err
    d = json.loads(out)
    r = d["rates"]
    assert len(d["pairs"]) == 3 and r[0][0] is None
    # every cell is the win share of that pairing's own batch run
    for i, j, a, b in ((0, 1, "rouge", "viola"), (0, 2, "rouge", "jaron"), (1, 2, "viola", "jaron")):
        code, out, err = cli(capsys, "batch", a, b, "-n", "40", "--workers", "1", "--json")
        wins = json.loads(out)["wins"]
        assert (r[i][j], r[j][i]) == (wins[0] / 40, wins[1] / 40), (a, b)


def test_png_without_matplotlib_says_how_to_install_it(capsys, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import fails as if not installed
    code, _, err = cli(capsys, "matrix", "rouge", "viola", "-n", "10", "--png", str(tmp_path / "m.png"))
    assert code == 2 and "pip install 'gladiator[plots]'" in err
    assert len(err.strip().splitlines()) == 1


def test_png_is_drawn_with_matplotlib(capsys, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    png = tmp_path / "sweep.png"
    code, _, err = cli(capsys, "sweep", "viola.stats.firepower=0:4:2", "--vs", "rouge", "-n", "20", "--workers", "1", "--png", str(png))
    assert code == 0, err
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow
def test_memory_stays_flat_as_n_grows(catalog) -> None:
    import dataclasses
    import tracemalloc

    def peak(n: int) -> int:
        spec = dataclasses.replace(spec_of(catalog, n, seed=4), chunk_size=512)
        run(spec, workers=1, batch_size=512)  # warm-up: tables the engine and bots build once
        tracemalloc.start()
        try:
            run(spec, workers=1, batch_size=512, on_chunk=lambda res: None)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    # the lower of two runs: a thread left by another test may allocate while one is traced
    small, large = min(peak(1024), peak(1024)), min(peak(8192), peak(8192))
    # holding the rows of the 7168 extra duels would add about 400 kB
    assert large - small < 100_000, (small, large)


def test_each_bot_stays_with_its_unit_when_sides_swap(catalog) -> None:
    spec = spec_of(catalog, 6, seed=13, bots=("random", "greedy"))
    rows = run_chunk(spec, 0).rows
    game = game_for(catalog, ARENA)
    for i in range(6):
        units = spec.duel_units(i)
        bots = (make_bot("greedy"), make_bot("random")) if i % 2 else (make_bot("random"), make_bot("greedy"))
        res = play_duel(game, units, spec.duel_seed(i), bots, events=False)
        assert (res.winner_index if res.winner_index is not None else -1) == int(rows[i]["winner"])
        assert len(res.actions) == int(rows[i]["actions"])


def test_csv_of_a_resumed_run_holds_every_duel(capsys, tmp_path: Path) -> None:
    db, first_csv, again_csv = tmp_path / "r.sqlite", tmp_path / "a.csv", tmp_path / "b.csv"
    args = ["batch", "rouge", "viola", "-n", "1100", "--seed", "8", "--workers", "1", "--json", "--out", str(db)]
    assert cli(capsys, *args, "--csv", str(first_csv))[0] == 0
    code, out, _ = cli(capsys, *args, "--csv", str(again_csv))  # nothing left to play: rows come from the file
    assert code == 0 and json.loads(out)["duels_this_run"] == 0
    a, b = first_csv.read_text().splitlines(), again_csv.read_text().splitlines()
    assert len(a) == len(b) == 1101
    assert sorted(a[1:]) == sorted(b[1:])


def test_an_illegal_pick_in_a_batch_is_a_forfeit_by_that_side(capsys, tmp_path: Path, monkeypatch) -> None:
    """A bot that always strikes with its first weapon picks illegal actions out of range: those duels are forfeits."""
    (tmp_path / "stubborn.py").write_text(
        "import numpy as np\n\nclass Stubborn:\n    name = 'stubborn'\n\n"
        "    def act(self, game, obs, legal):\n        return np.full(obs.batch, 5)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    csv_path = tmp_path / "duels.csv"
    code, out, err = cli(capsys, "batch", "rouge", "viola", "-n", "40", "--bot-a", "stubborn:Stubborn", "--json",
                         "--csv", str(csv_path))
    assert code == 0, err
    d = json.loads(out)
    assert d["outcomes"]["forfeit"] > 0 and sum(d["outcomes"].values()) == 40
    assert d["wins"][1] >= d["outcomes"]["forfeit"]  # every forfeit is Viola's win
    rows = list(csv.DictReader(csv_path.open()))
    forfeits = [r for r in rows if r["outcome"] == "forfeit"]
    assert len(forfeits) == d["outcomes"]["forfeit"]
    assert all(r["winner"] == "viola" and r["forfeit_reason"] == "out_of_range" for r in forfeits)
    assert all(r["forfeit_reason"] == "" for r in rows if r["outcome"] != "forfeit")


def test_an_illegal_pick_in_a_single_duel_is_an_error_naming_the_bot(capsys, tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "stubborn.py").write_text(
        "import numpy as np\n\nclass Stubborn:\n    name = 'stubborn'\n\n"
        "    def act(self, game, obs, legal):\n        return np.full(obs.batch, 5)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    code, out, err = cli(capsys, "duel", "rouge", "viola", "--bot-a", "stubborn:Stubborn")
    assert code == 2 and "'stubborn'" in err and "illegal action" in err and "reaches" in err, err


def test_a_bot_that_fails_is_one_line_naming_it(capsys, tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "broken.py").write_text(
        "class Broken:\n    name = 'broken'\n\n    def act(self, game, obs, legal):\n        return 1 / 0\n\n"
        "class Shapeless:\n    name = 'shapeless'\n\n    def act(self, game, obs, legal):\n        return [0, 0, 0, 0, 0, 0]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name, words in (("broken:Broken", "ZeroDivisionError"), ("broken:Shapeless", "whole action ids")):
        for args in (["duel", "rouge", "viola"], ["batch", "rouge", "viola", "-n", "20", "--workers", "1"]):
            code, out, err = cli(capsys, *args, "--bot-a", name)
            assert code == 2 and words in err and len(err.strip().splitlines()) == 1, (name, args, err)


def test_json_says_what_each_named_unit_did(capsys) -> None:
    code, out, err = cli(capsys, "batch", "rouge", "viola", "-n", "60", "--seed", "2", "--workers", "1", "--json",
                         "--bot", "heuristic")
    assert code == 0, err
    d = json.loads(out)
    rouge, viola = d["sides"]
    assert (rouge["unit"], viola["unit"]) == ("rouge", "viola")
    for side in (rouge, viola):
        assert set(side) == {"unit", "events", "duels_with", "weapon_use", "weapon_duels", "mimic_as"}
        assert sum(side["weapon_use"].values()) == side["events"]["attack"]
    assert rouge["duels_with"]["leap"] > 0 and viola["events"]["leap"] == 0  # only Rouge can leap
    assert set(rouge["weapon_use"]) <= {"arc_blade", "wrist_darts"} and set(viola["weapon_use"]) <= {"aria_cannon", "flame_chorus", "heel_spike"}
    code, out, err = cli(capsys, "batch", "rouge", "viola", "-n", "60", "--seed", "2", "--workers", "1", "--bot", "heuristic")
    assert code == 0 and "What each side did" in out and "weapon arc_blade" in out


def test_a_batch_may_start_every_suit_that_can_mimic_disguised(capsys, catalog) -> None:
    spec = make_spec(catalog, ("jaron", "viola"), ARENA, 40, 3, ("heuristic", "heuristic"), disguise="rouge")
    plain = make_spec(catalog, ("jaron", "viola"), ARENA, 40, 3, ("heuristic", "heuristic"))
    assert spec.identity()["disguise"] == "rouge" and spec.identity() != plain.identity()
    rows = run_chunk(spec, 0).rows
    game = game_for(catalog, ARENA)
    for i in (0, 1, 7):  # a duel of the batch replays alone, disguise and all, whichever side Jaron is on
        units = spec.duel_units(i)
        looks = tuple("rouge" if u == "jaron" else None for u in units)
        res = play_duel(game, units, spec.duel_seed(i), (make_bot("heuristic"), make_bot("heuristic")), events=False,
                        disguise=looks)
        assert len(res.actions) == int(rows[i]["actions"]) and res.turns == int(rows[i]["turns"])
    code, out, err = cli(capsys, "batch", "rouge", "viola", "-n", "10", "--disguise", "jaron")
    assert code == 2 and "neither rouge nor viola can start disguised" in err


def test_a_duel_started_disguised_is_recorded_and_verifies(capsys, tmp_path: Path) -> None:
    replay = tmp_path / "d.json"
    code, out, err = cli(capsys, "duel", "jaron", "viola", "--disguise", "rouge", "--bot", "heuristic", "--seed", "3",
                         "--record", str(replay))
    assert code == 0, err
    assert "Jaron starts disguised as Rouge" in out
    assert json.loads(replay.read_text())["disguise"] == ["rouge", None]
    code, out, err = cli(capsys, "verify", str(replay))
    assert code == 0 and out.startswith("OK"), err
    data = json.loads(replay.read_text())
    data["disguise"] = ["rouge", "rouge"]  # Viola cannot mimic: a tampered start is refused in one line
    replay.write_text(json.dumps(data))
    code, out, err = cli(capsys, "verify", str(replay))
    assert code == 2 and "cannot start disguised" in err and len(err.strip().splitlines()) == 1
