"""Every kind of file gladiator writes gets the mode the user's umask gives a new file; a file it replaces keeps its own."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

UMASKS = [0o022, 0o077]


@pytest.fixture(params=UMASKS, ids=lambda m: f"umask{m:03o}")
def umask(request):
    old = os.umask(request.param)
    yield request.param
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_replays_csv_schemas_plots_and_clips_get_the_umask_mode(cli, tmp_path, umask):
    replay, clip, csv_file = tmp_path / "d.json", tmp_path / "d.gif", tmp_path / "rows.csv"
    png, schemas = tmp_path / "m.png", tmp_path / "schemas"
    assert cli("duel", "rouge", "viola", "--seed", "3", "--record", replay, "--export", clip, "--size", "64x64",
               "--to", "1")[0] == 0
    assert cli("batch", "rouge", "viola", "-n", "8", "--bot", "greedy", "-w", "1", "--csv", csv_file)[0] == 0
    assert cli("schema", schemas)[0] == 0
    written = [replay, clip, csv_file, *sorted(schemas.glob("*.json"))]
    if _has("matplotlib"):
        assert cli("matrix", "rouge", "viola", "-n", "8", "--bot", "greedy", "-w", "1", "--png", png)[0] == 0
        written.append(png)
    assert len(written) >= 4
    for path in written:
        assert mode(path) == 0o666 & ~umask, path


def test_results_stores_get_the_umask_mode(cli, tmp_path, umask):
    store, ladder = tmp_path / "r.sqlite", tmp_path / "l.sqlite"
    assert cli("batch", "rouge", "viola", "-n", "8", "--bot", "greedy", "-w", "1", "--out", store)[0] == 0
    assert cli("ladder", "random", "greedy", "-u", "rouge", "-n", "2", "-w", "1", "--out", ladder)[0] == 0
    for path in (store, ladder):  # SQLite makes its files 0644 less the umask
        assert mode(path) == 0o644 & ~umask, path


def test_a_replaced_file_keeps_its_mode(cli, tmp_path, umask):
    replay = tmp_path / "d.json"
    replay.write_text("{}")
    replay.chmod(0o640)
    assert cli("duel", "rouge", "viola", "--seed", "3", "--record", replay, "--force")[0] == 0
    assert replay.read_text().startswith("{\n") and mode(replay) == 0o640


def test_reading_the_umask_leaves_it_as_it_was(umask):
    from gladiator.files import new_file_mode

    assert new_file_mode() == 0o666 & ~umask
    assert os.umask(umask) == umask


def _has(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True
