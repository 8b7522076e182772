"""Bounded work: `-n` of any size in constant memory, sweep and balance
ranges bounded and finite, `--set` values within the data limits, quiet workers after kill -9."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from gladiator.batch import runner
from gladiator.batch.overrides import apply_overrides, parse_set
from gladiator.batch.stats import Totals
from gladiator.errors import GladiatorError
from conftest import one_line as _one_line
from work import measured

SRC = str(Path(__file__).resolve().parent.parent / "src")


def _fake_piece(spec, piece, batch_size=0):  # type: ignore[no-untyped-def]
    rows = np.zeros(2, dtype=runner.ROW_DTYPE)
    rows["duel"] = [piece.lo, piece.lo + 1]
    return runner.ChunkResult(piece.chunk, runner.totals_of_rows(rows), rows, piece.lo, piece.hi)


class _Stop(Exception):
    pass


@pytest.mark.parametrize("workers", [1, 2])
def test_a_run_of_any_size_starts_at_once_in_constant_memory(catalog, monkeypatch, workers):
    monkeypatch.setattr(runner, "run_piece", _fake_piece)
    spec = runner.make_spec(catalog, ("rouge", "viola"), "concert_hall", 10**12, 0, ("random", "random"))
    seen = []

    def on_chunk(res):  # type: ignore[no-untyped-def]
        seen.append(res.index)
        if len(seen) == 5:
            raise _Stop

    with measured() as work:
        with pytest.raises(_Stop):
            runner.run(spec, 64, workers, on_chunk=on_chunk)
    work.check(peak=20_000_000)  # today 30 million chunk indices: 1.3 GB
    assert len(seen) == 5


def test_n_above_the_limit_is_one_line(cli):
    code, _, err = cli("batch", "rouge", "viola", "-n", str(10**30))
    assert "-n must be at most" in _one_line(code, err)


@pytest.mark.parametrize("args, words", [
    (("sweep", "viola.stats.firepower=2:12:0", "--vs", "rouge"), "STEP must be positive"),
    (("sweep", "viola.stats.firepower=2:12:-1", "--vs", "rouge"), "STEP must be positive"),
    (("sweep", "viola.stats.firepower=2:12:nan", "--vs", "rouge"), "finite"),
    (("sweep", "viola.stats.firepower=nan:12", "--vs", "rouge"), "finite"),
    (("sweep", "viola.stats.firepower=2:inf", "--vs", "rouge"), "finite"),
    (("sweep", "viola.stats.firepower=2:1e400", "--vs", "rouge"), "finite"),
    (("sweep", "viola.weapons.0.accuracy=-1e308:1e308:1e-300", "--vs", "rouge"), "at most 200"),
    (("sweep", "viola.stats.firepower=2:" + "9" * 5000, "--vs", "rouge"), "characters"),
    (("balance", "viola.stats.firepower", "--vs", "rouge", "--step", "0"), "--step must be above 0"),
    (("balance", "viola.stats.firepower", "--vs", "rouge", "--step", "-3"), "--step must be above 0"),
    (("balance", "viola.stats.firepower", "--vs", "rouge", "--step", "nan"), "--step must be a finite number"),
    (("balance", "viola.stats.firepower", "--vs", "rouge", "--min", "nan"), "--min must be a finite number"),
    (("balance", "viola.stats.firepower", "--vs", "rouge", "--max", "inf"), "--max must be a finite number"),
    (("balance", "viola.stats.firepower", "--vs", "rouge", "--target", "nan"), "--target must be between 0 and 1"),
    (("balance", "viola.stats.firepower", "--vs", "rouge", "--step", "0.5"), "whole number"),
    (("balance", "viola.stats.integrity", "--vs", "rouge", "--min", "1", "--max", "1e18"), "at most 100000"),
    (("balance", "viola.weapons.0.accuracy", "--vs", "rouge", "--min", "0", "--max", "1", "--step", "1e-300"), "at most 100000"),
    (("balance", "viola.weapons.0.accuracy", "--vs", "rouge", "--min", "-1e308", "--max", "1e308"), "too far apart"),
])
def test_sweep_and_balance_refuse_unbounded_or_non_finite_ranges(cli, args, words):
    with measured() as work:
        code, _, err = cli(*args, "-n", "2")
    work.check()
    assert words in _one_line(code, err)


# ---- --set values ----
def test_set_takes_a_colour_with_a_hash(catalog):
    cat = apply_overrides(catalog, ["viola.color=#ff0000"])
    assert cat.unit("viola").color == "#ff0000"
    assert parse_set("viola.name=Viola #2")[2] == "Viola #2"


@pytest.mark.parametrize("path, value, words", [
    ("stats.firepower", "[" * 100 + "]" * 100, "nested"),
    ("stats.firepower", "9" * 40, "digits"),
    ("weapons.0.accuracy", ".nan", "finite number"),
    ("weapons.0.accuracy", "-.inf", "finite number"),
    ("weapons.0.accuracy", "1.0e+999", "finite number"),
    ("stats.firepower", "&a [*a]", "contains it"),
    ("name", "x" * 5000, "at most 1000"),
    ("stats.firepower", "true", "valid integer"),
    ("stats.firepower", '"8"', "valid integer"),
    ("name", '"\\e[2J"', "control characters"),
])
def test_a_hostile_set_value_is_one_line(cli, path, value, words):
    with measured() as work:
        code, _, err = cli("batch", "rouge", "viola", "-n", "2", "--set", f"viola.{path}={value}")
    work.check()
    line = _one_line(code, err)
    assert line.startswith(f"error: --set viola.{path}="), line
    assert words in line, line


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=60))
def test_any_set_value_is_an_override_or_a_one_line_error(catalog, value):
    for path in ("viola.stats.firepower", "viola.weapons.0.damage", "viola.name", "rouge.abilities"):
        try:
            apply_overrides(catalog, [f"{path}={value}"])
        except GladiatorError as e:
            assert "\n" not in str(e).strip() or "\n" in value


# ---- kill -9 ----
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_exit_quietly_after_the_batch_is_killed(tmp_path):
    env = dict(os.environ, PYTHONPATH=SRC)
    p = subprocess.Popen([sys.executable, "-m", "gladiator", "batch", "rouge", "viola", "-n", "400000", "-w", "2",
                          "--batch-size", "256"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        started = time.time()
        while len(_children(p.pid)) < 2 and time.time() - started < 30:
            time.sleep(0.05)
        assert len(_children(p.pid)) == 2
        time.sleep(0.3)
        os.kill(p.pid, signal.SIGKILL)
        _, err = p.communicate(timeout=60)  # ends when every worker has closed stderr
    finally:
        if p.poll() is None:
            p.kill()
    assert err.decode() == ""  # today ~68 lines of BrokenPipe tracebacks


def _children(pid: int) -> list[int]:
    kids = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                fields = Path(f"/proc/{d}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                kids.append(int(d))
    return kids
