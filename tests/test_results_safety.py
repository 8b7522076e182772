"""Never lose stored results: colliding outputs are refused before anything is opened,
a damaged results file is one line and exit 2 and stays as it was, CSV/PNG/JSON are written atomically."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path

import pytest

from gladiator.errors import GladiatorError
from gladiator.files import AtomicFile, atomic_write
from conftest import one_line as _one_line

RUN = ("batch", "rouge", "viola", "-n", "4", "--bot", "random", "--seed", "3")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def stored(cli, tmp_path: Path) -> Path:
    path = tmp_path / "results.sqlite"
    code, _, err = cli(*RUN, "--out", path, "--json")
    assert code == 0, err
    return path


@pytest.mark.parametrize("extra, words", [
    (("--csv", "{out}"), "--csv"),
    (("--csv", "{out}-wal"), "--csv"),
    (("--csv", "{out}-journal"), "--csv"),
    (("--csv", "{dir}/../{dirname}/results.sqlite"), "--csv"),
    (("--csv", "units/rouge.yaml"), "unit rouge"),
    (("--csv", "arenas/concert_hall.yaml"), "arena concert_hall"),
])
def test_an_output_naming_another_file_of_the_command_is_refused_before_anything_is_opened(cli, stored, extra, words):
    before = {p: _digest(p) for p in (stored, Path("units/rouge.yaml"), Path("arenas/concert_hall.yaml"))}
    args = [a.format(out=stored, dir=stored.parent, dirname=stored.parent.name) for a in extra]
    code, _, err = cli(*RUN, "--out", stored, *args)
    line = _one_line(code, err)
    assert words in line and "nothing was written" in line, line
    assert {p: _digest(p) for p in before} == before


def test_the_store_as_its_own_output_is_refused_for_every_output(cli, tmp_path):
    for opt in ("--record",):
        code, _, err = cli("duel", "rouge", "viola", opt, "units/rouge.yaml")
        assert "unit rouge" in _one_line(code, err)
    code, _, err = cli("matrix", "rouge", "viola", "-n", "2", "--png", "units/viola.yaml")
    assert "unit viola" in _one_line(code, err)
    code, _, err = cli("watch", "--screenshot", tmp_path / "a.png", "--record", tmp_path / "a.png")
    assert "--screenshot" in _one_line(code, err)


DAMAGE = [
    ("totals_bad_json", "UPDATE chunks SET totals = '{bad'"),
    ("totals_wrong_types", "UPDATE chunks SET totals = '{\"n\": 4, \"wins\": \"ab\", \"draws\": 0, \"outcomes\": {}, "
     "\"side_wins\": [0, 0], \"first_wins\": 0, \"turns\": [4], \"actions\": 1}'"),
    ("totals_nan", "UPDATE chunks SET totals = replace(totals, '\"draws\": 0', '\"draws\": NaN')"),
    ("duels_negative", "UPDATE chunks SET duels = -1"),
    ("index_out_of_range", "UPDATE chunks SET idx = 999"),
    ("rows_not_zlib", "UPDATE chunks SET rows = x'00112233'"),
    ("rows_text", "UPDATE chunks SET rows = 'text'"),
    ("identity_bad_json", "UPDATE meta SET value = '{' WHERE key = 'identity'"),
    ("identity_list", "UPDATE meta SET value = '[1]' WHERE key = 'identity'"),
    ("format_other", "UPDATE meta SET value = 'other' WHERE key = 'format'"),
    ("format_version_other", "UPDATE meta SET value = '99' WHERE key = 'format_version'"),
    ("meta_gone", "DELETE FROM meta"),
    ("chunks_table_gone", "DROP TABLE chunks"),
    ("chunks_columns_changed", "DROP TABLE chunks; CREATE TABLE chunks (x)"),
]


@pytest.mark.parametrize("name, sql", DAMAGE, ids=[d[0] for d in DAMAGE])
def test_a_damaged_results_file_is_one_line_and_stays_as_it_was(cli, stored, name, sql):
    db = sqlite3.connect(stored)
    db.executescript(sql)
    db.commit()
    db.close()
    for extra in ("-wal", "-shm"):
        Path(f"{stored}{extra}").unlink(missing_ok=True)
    before = _digest(stored)
    csv = stored.parent / "rows.csv"
    code, _, err = cli(*RUN, "--out", stored, "--csv", csv)
    line = _one_line(code, err)
    assert line.startswith(f"error: --out {stored}:"), line
    assert _digest(stored) == before
    assert not csv.exists()
    assert sorted(p.name for p in stored.parent.iterdir()) == ["results.sqlite"]


def test_flipped_bytes_are_one_line_and_nothing_is_overwritten(cli, stored):
    data = bytearray(stored.read_bytes())
    for i in range(200, len(data), 101):
        data[i] ^= 0xFF
    stored.write_bytes(bytes(data))
    before = _digest(stored)
    code, _, err = cli(*RUN, "--out", stored)
    assert str(stored) in _one_line(code, err)
    assert _digest(stored) == before


def test_a_damaged_store_keeps_an_existing_csv(cli, stored):
    csv = stored.parent / "rows.csv"
    csv.write_text("precious\n")
    db = sqlite3.connect(stored)
    db.execute("UPDATE chunks SET rows = x'00'")
    db.commit()
    db.close()
    code, _, err = cli(*RUN, "--out", stored, "--csv", csv)
    assert "damaged results file" in _one_line(code, err)
    assert csv.read_text() == "precious\n"


def test_a_resumed_run_still_works(cli, stored):
    code, out, err = cli(*RUN, "--out", stored, "--json")
    assert code == 0, err
    assert json.loads(out)["duels"] == 4


# ---- atomic writes ----
def test_an_atomic_write_that_fails_leaves_the_old_file(tmp_path):
    path = tmp_path / "out.csv"
    path.write_text("old\n")
    with pytest.raises(RuntimeError):
        with atomic_write(path) as f:
            f.write("half a fi")
            raise RuntimeError("disk full")
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_an_atomic_file_is_renamed_into_place_only_on_commit(tmp_path):
    path = tmp_path / "out.json"
    af = AtomicFile(path)
    af.f.write("{}")
    assert not path.exists()
    af.commit()
    assert path.read_text() == "{}"
    with pytest.raises(GladiatorError, match="is a folder"):
        AtomicFile(tmp_path)


def test_a_csv_of_a_failing_run_leaves_the_old_csv(cli, tmp_path, monkeypatch):
    from gladiator.batch import runner

    csv = tmp_path / "rows.csv"
    csv.write_text("precious\n")

    def boom(*a, **k):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(runner, "run_piece", boom)
    with pytest.raises(OSError):
        from gladiator.cli import main

        main([*RUN, "--csv", str(csv), "-w", "1"])
    assert csv.read_text() == "precious\n"


def test_png_into_a_folder_says_where_it_wrote(cli, tmp_path):
    pytest.importorskip("matplotlib")
    code, out, err = cli("matrix", "rouge", "viola", "-n", "2", "--bot", "random", "--png", tmp_path)
    assert code == 0, err
    assert (tmp_path / "matrix.png").read_bytes()[:4] == b"\x89PNG"
    assert f"heatmap written to {tmp_path / 'matrix.png'}" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["matrix.png"]


def test_a_replay_is_written_atomically(cli, tmp_path, monkeypatch):
    from gladiator import files

    path = tmp_path / "duel.json"
    path.write_text("old replay\n")

    def broken_replace(src, dst):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", broken_replace)
    code, _, err = cli("duel", "rouge", "viola", "--quiet", "--record", path)
    assert "No space left" in _one_line(code, err)
    assert path.read_text() == "old replay\n"
    assert [p.name for p in tmp_path.iterdir()] == ["duel.json"]


@pytest.mark.parametrize("opt", ["--csv", "--record"])
def test_an_output_that_is_a_device_is_refused_and_left_alone(cli, opt):
    before = os.stat("/dev/null")
    args = ("batch", "rouge", "viola", "-n", "2", "--bot", "random") if opt == "--csv" else ("duel", "rouge", "viola", "-q")
    code, _, err = cli(*args, opt, "/dev/null")
    assert "not a regular file" in _one_line(code, err)
    after = os.stat("/dev/null")
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)
