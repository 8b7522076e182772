"""No output ever replaces a result: an output holding a results store, a ladder store or a replay is
refused unless --force; every store records what makes its results comparable (plugin bots' source included) and
refuses a resume that differs; runs share a store; a read-only store reads back; a full disk, a closed standard
output and an ASCII terminal are one line, never a traceback; file names are printed with escapes."""

from __future__ import annotations

import errno
import hashlib
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

from conftest import one_line

BATCH = ("batch", "rouge", "viola", "-n", "4", "--bot", "random", "--seed", "3", "-w", "1")
LADDER = ("ladder", "random", "greedy", "-u", "rouge", "-n", "2", "-w", "1")
SRC = Path(__file__).resolve().parents[1] / "src"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def results(cli, tmp_path: Path) -> dict[str, Path]:
    """A batch results store, a ladder store and a replay, each made by its command."""
    made = {"store": tmp_path / "keep.sqlite", "ladder": tmp_path / "ladder.sqlite", "replay": tmp_path / "old_replay.json"}
    for args in ((*BATCH, "--out", made["store"], "--json"), (*LADDER, "--out", made["ladder"], "--json"),
                 ("duel", "rouge", "viola", "-q", "--record", made["replay"])):
        code, _, err = cli(*args)
        assert code == 0, err
    return made


def _outputs(target: Path, picture: Path, gif: Path) -> list[tuple[str, ...]]:
    """Every command and output option that writes a whole file, aimed at `target` (or, where the name's extension
    matters, at `picture` or `gif`: copies of it)."""
    return [
        (*BATCH, "--csv", str(target)),
        ("duel", "rouge", "viola", "-q", "--record", str(target)),
        ("duel", "rouge", "viola", "-q", "--export", str(gif)),
        ("matrix", "rouge", "viola", "-n", "2", "--bot", "random", "-w", "1", "--png", str(target)),
        ("sweep", "viola.stats.firepower=4:5", "--vs", "rouge", "-n", "2", "--bot", "random", "-w", "1", "--png", str(target)),
        ("ablate", "rouge", "--vs", "viola", "-a", "concert_hall", "--option", "leap", "-n", "2", "--max-duels", "2",
         "--bot", "random", "-w", "1", "--png", str(target)),
        ("watch", "--record", str(target)),
        ("watch", "--screenshot", str(picture)),
        ("play", "--screenshot", str(picture)),
        ("play", "rouge", "--screenshot", str(picture)),
    ]


@pytest.mark.parametrize("kind, words", [("store", "a batch results store"), ("ladder", "a ladder store"),
                                         ("replay", "a replay")])
def test_an_output_holding_a_result_is_refused_before_anything_runs(cli, results, kind, words):
    target = results[kind]
    picture, gif = target.with_name("shot.png"), target.with_name("clip.gif")
    shutil.copy(target, picture)
    shutil.copy(target, gif)
    files = sorted(p.name for p in target.parent.iterdir())
    before = {p: _digest(p) for p in (target, picture, gif)}
    for args in _outputs(target, picture, gif):
        code, out, err = cli(*args)
        line = one_line(code, err)
        assert f"holds {words}" in line and "--force" in line, (args, line)
        assert out == "", args  # refused before anything ran
    assert {p: _digest(p) for p in before} == before
    assert sorted(p.name for p in target.parent.iterdir()) == files


def test_replay_export_and_schema_refuse_a_result_too(cli, results, tmp_path):
    code, _, err = cli("replay", results["replay"], "--export", results["store"])
    assert "holds a batch results store" in one_line(code, err)
    folder = tmp_path / "schemas"
    folder.mkdir()
    shutil.copy(results["replay"], folder / "unit.schema.json")
    code, _, err = cli("schema", folder)
    assert "holds a replay" in one_line(code, err)
    assert (folder / "unit.schema.json").read_bytes() == results["replay"].read_bytes()


def test_force_replaces_a_result(cli, results):
    code, out, err = cli(*BATCH, "--csv", results["store"], "--force")
    assert code == 0, err
    assert results["store"].read_text().startswith("duel,seed,")
    code, out, err = cli("duel", "rouge", "viola", "-q", "--record", results["ladder"], "--force")
    assert code == 0, err
    assert json.loads(results["ladder"].read_text())["format"] == "gladiator-replay"


def test_a_file_that_holds_no_result_is_still_replaced(cli, tmp_path):
    csv = tmp_path / "rows.csv"
    csv.write_text("an older CSV\n")
    code, _, err = cli(*BATCH, "--csv", csv)
    assert code == 0, err
    assert csv.read_text().startswith("duel,seed,")


@pytest.mark.parametrize("args, store, words", [
    (BATCH, "ladder", "holds a ladder store, not a batch results store"),
    (LADDER, "store", "holds a batch results store, not a ladder store"),
    (BATCH, "replay", "holds a replay, not a batch results store"),
    (LADDER, "replay", "holds a replay, not a ladder store"),
])
def test_a_store_of_another_kind_is_refused_even_with_force(cli, results, args, store, words):
    before = _digest(results[store])
    for force in ((), ("--force",)):
        code, _, err = cli(*args, "--out", results[store], *force)
        assert words in one_line(code, err)
    assert _digest(results[store]) == before


# ---- what a store records ----
def test_a_ladder_resumed_after_a_unit_changed_is_refused(cli, results, tmp_path):
    mine = tmp_path / "units"
    mine.mkdir()
    text = (Path("units") / "rouge.yaml").read_text()
    (mine / "rouge.yaml").write_text(text.replace("integrity: 50", "integrity: 51", 1))
    before = _digest(results["ladder"])
    code, _, err = cli(*LADDER, "--out", results["ladder"], "--units", mine)
    line = one_line(code, err)
    assert "the unit or arena data differ (unit rouge)" in line, line
    assert _digest(results["ladder"]) == before
    code, out, err = cli(*LADDER, "--out", results["ladder"], "--json")  # the same data resumes: nothing to play
    assert code == 0, err
    assert (json.loads(out)["duels"], json.loads(out)["elapsed_seconds"] >= 0) == (2, True)


def test_a_ladder_store_of_an_earlier_version_is_refused_in_one_line(cli, tmp_path):
    from gladiator.batch.runner import ROW_DTYPE
    from gladiator.batch.stats import Totals
    from gladiator.batch.store import ResultStore

    path = tmp_path / "old.sqlite"
    old = {"command": "ladder", "bots": ["random", "greedy"], "units": ["rouge"], "arena": "concert_hall", "seed": 0,
           "n": 2, "chunk_size": 2}  # what a ladder store held before it recorded the rules and the data
    store = ResultStore(path, old)
    store.put(0, Totals.from_duels(*(np.array([0, 1]) for _ in range(2)), np.array([1, 1]), np.array([3, 4]),
                                   np.array([0, 1]), np.array([5, 6])), np.zeros(0, ROW_DTYPE))
    store.close()
    code, _, err = cli(*LADDER, "--out", path)
    assert "a ladder store of an earlier version" in one_line(code, err)


PLUGIN = '''from gladiator.bots.greedy import GreedyBot


class Plugged(GreedyBot):
    """{note}"""
'''


@pytest.mark.parametrize("command", ["batch", "ladder"])
def test_a_resume_after_a_plugin_bot_changed_is_refused(cli, tmp_path, monkeypatch, command):
    module = f"plug_{command}_{os.getpid()}"
    (tmp_path / f"{module}.py").write_text(PLUGIN.format(note="first version"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    bot = f"{module}:Plugged"
    args = ((*BATCH[:-4], "--bot", bot, "-w", "1") if command == "batch" else ("ladder", "random", bot, "-u", "rouge", "-n", "2", "-w", "1"))
    store = tmp_path / "s.sqlite"
    code, _, err = cli(*args, "--out", store, "--json")
    assert code == 0, err
    code, _, err = cli(*args, "--out", store, "--json")  # unchanged: resumes
    assert code == 0, err
    (tmp_path / f"{module}.py").write_text(PLUGIN.format(note="second version"))
    before = _digest(store)
    code, _, err = cli(*args, "--out", store)
    assert f"the source of bot '{bot}' differs" in one_line(code, err)
    assert _digest(store) == before


# ---- a refused command leaves no file ----
def test_a_refused_ladder_creates_no_file(cli, tmp_path):
    code, _, err = cli("ladder", "greedy", "greedy", "--out", tmp_path / "dup.sqlite")
    assert "two different bots" in one_line(code, err)
    assert list(tmp_path.iterdir()) == []


def test_a_batch_refused_after_its_store_was_opened_creates_no_file(cli, tmp_path):
    code, _, err = cli(*BATCH, "--out", tmp_path / "new.sqlite", "--csv", tmp_path / "missing" / "rows.csv")
    assert "does not exist" in one_line(code, err)
    assert [p.name for p in tmp_path.iterdir()] == []


# ---- runs sharing a store ----
def _share(folder: str, trials: int, identity: dict, barrier, results) -> None:  # type: ignore[no-untyped-def]
    """One run: for each trial, wait for the others, then open the trial's new store and store three chunks."""
    from gladiator.batch.runner import ROW_DTYPE
    from gladiator.batch.stats import Totals
    from gladiator.batch.store import ResultStore
    from gladiator.errors import GladiatorError

    for t in range(trials):
        barrier.wait()
        try:
            store = ResultStore(Path(folder) / f"shared{t}.sqlite", identity)
            for k in range(3):
                store.put(k, Totals.from_duels(*(np.array([k % 2]) for _ in range(2)), np.array([1]), np.array([3]),
                                               np.array([0]), np.array([5])), np.zeros(0, ROW_DTYPE))
            store.close()
            results.put("ok")
        except GladiatorError as e:
            results.put(f"refused: {e}")
        except Exception as e:  # noqa: BLE001 - what the test is looking for
            results.put(f"crashed: {type(e).__name__}: {e}")


@pytest.mark.parametrize("same", [True, False], ids=["identical runs", "different commands"])
def test_runs_started_together_on_one_new_store_share_it_or_are_refused_in_one_line(tmp_path, same):
    runs, trials = 8, 8
    ctx = multiprocessing.get_context("spawn")  # no lock of this process's threads is inherited
    barrier, results = ctx.Barrier(runs), ctx.Queue()
    procs = [ctx.Process(target=_share, args=(str(tmp_path), trials, {"n": 3, "chunk_size": 1, "rules_version": "test",
                                                                       "hashes": {}, "run": 0 if same else k},
                                              barrier, results)) for k in range(runs)]
    for p in procs:
        p.start()
    got = [results.get(timeout=600) for _ in range(runs * trials)]
    for p in procs:
        p.join()
    assert not [g for g in got if g.startswith("crashed")], got
    if same:
        assert got == ["ok"] * runs * trials, got
    else:
        assert got.count("ok") == trials, got  # the first run to store a chunk binds the file
        assert all("holds results of another command" in g for g in got if g != "ok"), got
        assert not [g for g in got if "locked" in g or "UNIQUE" in g], got


def test_two_identical_batches_on_one_new_store_both_finish_with_the_same_totals(tmp_path):
    store = tmp_path / "both.sqlite"
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    args = [sys.executable, "-m", "gladiator", "batch", "rouge", "viola", "-n", "2048", "--bot", "random", "-w", "1",
            "--out", str(store), "--json"]
    runs = [subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) for _ in range(2)]
    done = [r.communicate(timeout=600) for r in runs]
    for r, (out, err) in zip(runs, done):
        assert r.returncode == 0, err
    got = [json.loads(out) for out, _ in done]
    assert got[0]["wins"] == got[1]["wins"] and got[0]["duels"] == got[1]["duels"] == 2048


def test_a_complete_store_on_a_read_only_medium_reads_back(cli):
    folder = Path(tempfile.mkdtemp(prefix="gladiator-ro-"))  # under the system's temporary folder: every user reaches it
    try:
        store = folder / "done.sqlite"
        code, out, err = cli(*BATCH, "--out", store, "--json")
        assert code == 0, err
        want = json.loads(out)
        store.chmod(0o444)
        folder.chmod(0o555)
        prefix: list[str] = []
        if os.geteuid() == 0:  # root writes anywhere: read it back as nobody, for whom the folder is read-only
            if shutil.which("setpriv") is None:
                pytest.skip("running as root without setpriv: no read-only medium to test on")
            prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        probe = subprocess.run([*prefix, sys.executable, "-c", f"import os, sys; sys.exit(os.access({str(folder)!r}, os.W_OK))"])
        if probe.returncode != 0:
            pytest.skip("cannot make a folder read-only here")
        res = subprocess.run([*prefix, sys.executable, "-m", "gladiator", *BATCH, "--out", str(store), "--json"],
                             capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(SRC)})
        assert res.returncode == 0, res.stderr
        got = json.loads(res.stdout)
        assert (got["duels"], got["wins"], got["duels_this_run"]) == (want["duels"], want["wins"], 0)
        assert sorted(p.name for p in folder.iterdir()) == ["done.sqlite"]
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder, ignore_errors=True)


# ---- full disks, closed and ASCII outputs ----
def _gladiator(*args: str, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(SRC), "SDL_VIDEODRIVER": "dummy", **kw.pop("env", {})}
    return subprocess.run([sys.executable, "-m", "gladiator", *args], capture_output=kw.pop("capture", True), text=True,
                          env=env, **kw)


@pytest.mark.parametrize("args", [("duel", "rouge", "viola"), (*BATCH, "--json")], ids=["duel", "batch --json"])
def test_a_full_standard_output_is_one_line(args):
    with open("/dev/full", "w") as full:
        res = _gladiator(*args, capture=False, stdout=full, stderr=subprocess.PIPE)
    assert res.returncode == 2
    assert res.stderr.strip().splitlines() == ["error: cannot write to standard output: No space left on device"], res.stderr


def test_a_closed_standard_output_is_an_error():
    res = subprocess.run(f"{sys.executable} -m gladiator duel rouge viola -q >&-", shell=True, capture_output=True,
                         text=True, env={**os.environ, "PYTHONPATH": str(SRC)})
    assert res.returncode == 2
    assert res.stderr.strip() == "error: cannot write to standard output: it is closed"


def test_an_ascii_terminal_gets_escapes_not_a_traceback():
    res = _gladiator(*BATCH, env={"PYTHONIOENCODING": "ascii"})
    assert res.returncode == 0, res.stderr
    assert "\\u2588" in res.stdout or "\\u2014" in res.stdout  # the bars and dashes, as escapes


class _FullFile:
    """A file whose writes fail as on a full disk."""

    def __init__(self, f) -> None:  # type: ignore[no-untyped-def]
        self.f = f

    def write(self, data):  # type: ignore[no-untyped-def]
        raise OSError(errno.ENOSPC, "No space left on device")

    def flush(self) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    def close(self) -> None:  # what was buffered fails once more
        self.f.close()
        raise OSError(errno.ENOSPC, "No space left on device")

    def __getattr__(self, name):  # type: ignore[no-untyped-def]
        return getattr(self.f, name)


@pytest.mark.parametrize("option", ["--csv", "--record"])
def test_a_full_disk_while_writing_is_one_line_and_leaves_no_temporary_file(cli, tmp_path, monkeypatch, option):
    from gladiator import files

    real = files.os.fdopen
    def full(fd, mode="r", *a, **k):  # type: ignore[no-untyped-def]
        f = real(fd, mode, *a, **k)
        return _FullFile(f) if "w" in mode else f

    monkeypatch.setattr(files.os, "fdopen", full)
    target = tmp_path / "old.out"
    target.write_text("kept\n")
    args = (*BATCH, "--csv", target) if option == "--csv" else ("duel", "rouge", "viola", "-q", "--record", target)
    code, _, err = cli(*args)
    line = one_line(code, err)
    assert str(target) in line and "No space left on device" in line, line
    assert target.read_text() == "kept\n"
    assert [p.name for p in tmp_path.iterdir()] == ["old.out"]


FULL_EXPORT = """
import errno, sys
from gladiator.ui import export

class Full:
    def __init__(self, f):
        self.f = f
    def write(self, data):
        raise OSError(errno.ENOSPC, "No space left on device")
    def close(self):
        self.f.close()
        raise OSError(errno.ENOSPC, "No space left on device")
    def __getattr__(self, name):
        return getattr(self.f, name)

real = open
export.open = lambda path, mode="r", *a, **k: Full(real(path, mode, *a, **k)) if ".part" in str(path) else real(path, mode, *a, **k)
from gladiator.cli import main
main(["duel", "rouge", "viola", "-q", "--export", sys.argv[1]])
"""


def test_a_full_disk_during_an_export_is_one_line_and_leaves_no_temporary_file(tmp_path):
    pytest.importorskip("PIL")
    # in a process of its own: the window's library starts threads, and a test that forks after them could hang
    res = subprocess.run([sys.executable, "-c", FULL_EXPORT, str(tmp_path / "duel.gif")], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(SRC), "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"})
    assert "No space left on device" in one_line(res.returncode, res.stderr)
    assert list(tmp_path.iterdir()) == []


# ---- file names on the terminal ----
def test_control_characters_in_output_names_are_escaped(cli, tmp_path):
    name = "a\x1b]0;TITLE\x07b"
    code, out, err = cli("duel", "rouge", "viola", "-q", "--record", tmp_path / f"{name}.json")
    assert code == 0, err
    assert "\x1b" not in out and "\x07" not in out
    assert f"Replay written to {tmp_path}/a\\x1b]0;TITLE\\x07b.json" in out
    code, out, err = cli(*BATCH, "--out", tmp_path / f"{name}.sqlite", "--csv", tmp_path / f"{name}.csv")
    assert code == 0, err
    assert "\x1b" not in out and "\x07" not in out
    assert "results stored in" in out and "a\\x1b]0;TITLE\\x07b.sqlite" in out
