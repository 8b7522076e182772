"""The heuristic bot's fit (benchmarks/fit_heuristic.py): what its score counts, which cells it replays, its options."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import fit_heuristic as fit  # noqa: E402


def _cell(group: str, unit: str = "rouge") -> fit.Cell:
    return fit.Cell(group, unit, unit, "greedy", "concert_hall")


def _scores(spawn_a: float, spawn_b: float, n: int = 40) -> np.ndarray:
    """(2, n): a score x2 a duel (won: 2, lost: 0) with the given share won from each spawn, and the spawn."""
    out = np.zeros((2, n), dtype=np.int64)
    out[1, : n // 2] = 1
    out[0, : round(spawn_a * n / 2)] = 2
    out[0, n // 2 : n // 2 + round(spawn_b * n / 2)] = 2
    return out


def test_the_pairings_against_the_incumbent_count_incumbent_weight_times() -> None:
    scores = {_cell("incumbent"): _scores(0.6, 0.6), _cell("greedy"): _scores(0.9, 0.9), _cell("script"): _scores(1, 1)}
    assert np.isclose(fit.objective(scores, 1.0)[0], (0.6 + 0.9 + 1) / 3)
    assert np.isclose(fit.objective(scores, 4.0)[0], (4 * 0.6 + 0.9 + 1) / 6)


def test_a_scripted_cell_lost_from_one_spawn_costs_its_shortfall_there() -> None:
    base = {_cell("incumbent"): _scores(0.5, 0.5)}
    even = fit.objective(base | {_cell("script"): _scores(0.7, 0.7)}, 1.0)[0]
    one_sided = fit.objective(base | {_cell("script"): _scores(0.92, 0.48, n=100)}, 1.0)[0]  # the same mean, lost from B
    assert np.isclose(even - one_sided, fit.SHORTFALL * (fit.SCRIPT_FLOOR - 0.48)), (even, one_sided)
    light = fit.objective(base | {_cell("script"): _scores(0.92, 0.48, n=100)}, 1.0, shortfall=0.25)[0]
    assert np.isclose(even - light, 0.25 * (fit.SCRIPT_FLOOR - 0.48)), (even, light)  # --shortfall-weight


def test_the_racing_counts_the_noise_of_the_shortfalls() -> None:
    """A scripted cell below the floor costs its shortfall, and its few duels' noise widens the standard error the
    racing prunes by; one above the floor adds neither."""
    base = {_cell("incumbent"): _scores(0.5, 0.5)}
    plain, plain_se = fit.objective(base, 1.0)
    safe, safe_se = fit.objective(base | {_cell("script"): _scores(0.9, 0.9)}, 1.0)
    near, near_se = fit.objective(base | {_cell("script"): _scores(0.5, 0.5)}, 1.0)
    assert np.isclose(safe, (0.5 + 0.9) / 2) and np.isclose(near, (0.5 + 0.5) / 2 - fit.SHORTFALL * 2 * (fit.SCRIPT_FLOOR - 0.5))
    assert near_se > 4 * safe_se and near_se > 4 * plain_se, (plain_se, safe_se, near_se)


def _self_play(stalled: float, n: int = 100) -> np.ndarray:
    """(3, n): a mirror against itself, each side winning half, with the given share of draws and shutdowns."""
    out = np.zeros((3, n), dtype=np.int64)
    out[0] = 1
    out[1, : n // 2] = 1
    out[2, : round(stalled * n)] = 1
    return out


def test_a_mirror_against_itself_costs_its_draws_and_shutdowns_above_the_ceiling_only() -> None:
    base = {_cell("incumbent"): _scores(0.6, 0.6)}
    cell = fit.Cell("self", "rouge", "rouge", fit.SELF, "concert_hall")
    plain = fit.objective(base, 1.0)[0]
    assert np.isclose(fit.objective(base | {cell: _self_play(0.0)}, 1.0)[0], plain)  # its score, half, is left out
    assert np.isclose(fit.objective(base | {cell: _self_play(fit.STALL_CEILING)}, 1.0)[0], plain)
    stalled = fit.objective(base | {cell: _self_play(0.5)}, 1.0)[0]
    assert np.isclose(plain - stalled, fit.SHORTFALL * (0.5 - fit.STALL_CEILING)), (plain, stalled)


def test_a_mirror_against_itself_is_played_by_one_bot_and_counts_its_stalls() -> None:
    """Two turtles never meet: every duel of their mirror ends in a draw or a shutdown; greedy ones fight."""
    from gladiator.catalog import load_catalog

    fit.CATALOG = load_catalog()
    turtle = fit.play_group("concert_hall", fit.SELF, [("nean", "nean")], 8, 3, "scripted:Turtle")[0]
    assert turtle.shape == (3, 8) and turtle[2].all() and list(turtle[1]) == [1, 0] * 4
    greedy = fit.play_group("concert_hall", fit.SELF, [("rouge", "rouge")], 8, 3, "greedy")[0]
    assert not greedy[2].any() and set(greedy[0]) <= {0, 2}
    assert {c.group for c in fit.pool(["concert_hall"], "greedy")} == {"incumbent", "greedy", "script", "self"}


def test_the_candidate_meets_the_incumbent_in_every_pairing_from_both_ends() -> None:
    """One set of weights plays every suit against every suit: the candidate's Viola meets the incumbent's Rouge, and
    its Rouge the incumbent's Viola, not only each suit its own mirror."""
    cells = [c for c in fit.pool(["concert_hall", "rooftops"], "greedy") if c.group == "incumbent"]
    pairs = {(c.unit, c.foe, c.arena) for c in cells}
    assert len(cells) == len(pairs) == 2 * len(fit.UNITS) ** 2
    assert ("viola", "rouge", "rooftops") in pairs and ("rouge", "viola", "rooftops") in pairs
    assert {c.group for c in fit.pool(["concert_hall"], "greedy") if c.unit != c.foe} == {"incumbent", "script"}


def test_only_scripted_cells_near_the_floor_from_a_spawn_are_played_on() -> None:
    safe, near = _cell("script", "rouge"), _cell("script", "viola")
    scores = {safe: _scores(0.9, 0.8), near: _scores(1.0, 0.6), _cell("incumbent"): _scores(0.1, 0.1)}
    assert fit.near_floor(scores) == [near]


def test_the_old_option_name_is_refused() -> None:
    env = os.environ | {"PYTHONPATH": str(ROOT / "src")}
    got = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "fit_heuristic.py"), "--check-n", "10"],
                         capture_output=True, text=True, env=env, timeout=120)
    assert got.returncode == 2 and "--check-n" in got.stderr


def _run(*args: str) -> subprocess.CompletedProcess:
    env = os.environ | {"PYTHONPATH": str(ROOT / "src")}
    return subprocess.run([sys.executable, str(ROOT / "benchmarks" / "fit_heuristic.py"), *args],
                          capture_output=True, text=True, env=env, timeout=120)


def test_a_changed_roster_is_not_written_into_the_data_file() -> None:
    got = _run("--set", "viola.stats.integrity=60", "--write")
    assert got.returncode != 0 and got.stderr.startswith("error: --set with --write"), got.stderr


def test_a_wrong_set_or_a_missing_weights_file_is_one_error_line(tmp_path: Path) -> None:
    got = _run("--set", "viola.stats.nonesuch=3", "--check", str(ROOT / "src" / "gladiator" / "bots" / "heuristic.yaml"))
    assert got.returncode != 0 and got.stderr.count("\n") == 1 and "nonesuch" in got.stderr, got.stderr
    got = _run("--check", str(tmp_path / "none.yaml"))
    assert got.returncode != 0 and got.stderr == f"error: --check {tmp_path / 'none.yaml'}: no such file\n", got.stderr
    got = _run("--arenas", "moon", "--check", str(ROOT / "src" / "gladiator" / "bots" / "heuristic.yaml"))
    assert got.returncode != 0 and "--arenas moon" in got.stderr, got.stderr
