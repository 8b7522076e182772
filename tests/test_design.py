"""Fairness figures: the first mover's win rate in `batch` and `matrix` (every mirror and pairing, with its
interval), checked against batch runs of the same spec counted here from their duel rows."""

from __future__ import annotations

import json
import re

import numpy as np

from gladiator import DEFAULT_BOT
from gladiator.batch import make_spec, run
from gladiator.batch import tuning
from gladiator.batch.stats import wilson
from gladiator.cli import main

ARENA = "concert_hall"


def cli(capsys, *args: str) -> tuple[int, str, str]:
    """Run the command line in-process: (exit code, stdout, stderr)."""
    try:
        code = main(list(args))
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 1
    got = capsys.readouterr()
    return code or 0, got.out, got.err


def first_mover_counts(catalog, units: tuple[str, str], n: int, seed: int, bots=(DEFAULT_BOT, DEFAULT_BOT),
                       arena: str = ARENA) -> tuple[int, int]:
    """(decisive duels won by the side that moved first, decisive duels) of a batch run, counted from its duel rows."""
    rows: list[np.ndarray] = []
    run(make_spec(catalog, units, arena, n, seed, bots), on_chunk=lambda r: rows.append(r.rows))
    r = np.concatenate(rows)
    decisive = r["winner"] >= 0
    return int((decisive & (r["winner"] == r["first"])).sum()), int(decisive.sum())


def test_batch_json_gives_the_first_movers_rate_and_interval(capsys, catalog) -> None:
    code, out, err = cli(capsys, "batch", "rouge", "rouge", "-n", "200", "--seed", "3", "--workers", "1", "--json")
    assert code == 0, err
    d = json.loads(out)
    k, m = first_mover_counts(catalog, ("rouge", "rouge"), 200, 3)
    assert m > 0
    assert d["first_mover_win_rate"] == k / m
    assert d["first_mover_interval"] == list(wilson(k, m))


def test_matrix_plays_every_mirror_and_reports_the_first_movers_rate_of_every_cell(capsys, catalog) -> None:
    args = ("matrix", "rouge", "viola", "-n", "200", "--seed", "3", "--workers", "1")
    code, out, err = cli(capsys, *args, "--json")
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
    code, out, err = cli(capsys, *args)
    assert code == 0, err
    assert out.index("Win rate of row against column") < out.index("First mover wins")
    for f in d["first_mover"]:
        lo, hi = f["interval"]
        row = re.search(rf"│ {' vs '.join(f['units'])} +│ +{f['rate']:.1%} │ +{lo:.1%} - {hi:.1%} │ +{f['decisive']} │ +(.*?) *│", out)
        assert row, f
        want = "first mover ahead" if lo > 0.5 else "second mover ahead" if hi < 0.5 else ""
        assert row.group(1) == want, f


def test_matrix_without_mirrors_plays_the_pairings_only(capsys, monkeypatch) -> None:
    played = []
    real = tuning.run
    monkeypatch.setattr(tuning, "run", lambda spec, *a, **k: played.append(spec.units) or real(spec, *a, **k))
    code, out, err = cli(capsys, "matrix", "rouge", "viola", "jaron", "-n", "4", "--bot", "random", "--workers", "1",
                         "--no-mirrors", "--json")
    assert code == 0, err
    d = json.loads(out)
    assert played == [("rouge", "viola"), ("rouge", "jaron"), ("viola", "jaron")]
    assert [f["units"] for f in d["first_mover"]] == [list(u) for u in played] and d["mirrors"] is False
