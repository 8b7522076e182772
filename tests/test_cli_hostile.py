"""The command line under hostile or careless use: data text is shown
as written, Ctrl-C keeps what finished, usage errors are one line with the closest choice, SDL keeps quiet,
small paths and output."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from gladiator import DEFAULT_BOT
from gladiator.cli import app

from gladiator.batch import tuning
from conftest import one_line as _one_line

ROOT = Path(__file__).resolve().parent.parent
UNIT = (ROOT / "units" / "nean.yaml").read_text(encoding="utf-8")


# ---- class 6: data text is never markup ----
@pytest.fixture
def marked_up(tmp_path: Path) -> Path:
    folder = tmp_path / "units"
    folder.mkdir()
    text = (UNIT.replace("name: Nean Suit", 'name: "[/]"').replace("title: Standard Issue", 'title: "Rouge [prototype]"')
            .replace("name: Service Rifle", 'name: "[bold red]gun[/]"')
            .replace("description: A factory", 'description: "[link=http://x]click[/link] A factory'))
    text = text.replace("special abilities.", 'special abilities."')
    (folder / "nean.yaml").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize("args, shown", [
    (("units",), ["[/]"]),
    (("show", "nean"), ["[/]", "Rouge [prototype]", "[bold red]gun[/]", "[link=http://x]click[/link]"]),
    (("duel", "nean", "rouge", "--seed", "1"), [f"[/] ({DEFAULT_BOT}) vs Rouge"]),
    (("batch", "nean", "rouge", "-n", "2", "--bot", "random"), ["[/] vs Rouge"]),
])
def test_names_and_titles_show_as_written(cli, marked_up, args, shown):
    code, out, err = cli(*args, "--units", marked_up)
    assert code == 0, err
    for text in shown:
        assert text in out, out


def test_an_arena_name_with_brackets_shows_as_written(cli, tmp_path):
    folder = tmp_path / "arenas"
    folder.mkdir()
    text = (ROOT / "arenas" / "open_field.yaml").read_text().replace("name: Open Field", 'name: "Field [beta] [/]"')
    (folder / "open_field.yaml").write_text(text)
    code, out, err = cli("arenas", "--arenas", folder)
    assert code == 0, err and "Field [beta] [/]" in out
    code, out, err = cli("show", "open_field", "--arenas", folder)
    assert code == 0, err
    assert "Field [beta] [/]" in out


def test_an_escape_code_in_a_path_is_shown_escaped(cli, tmp_path):
    path = tmp_path / "evil\x1b[2J.yaml"
    code, _, err = cli("duel", "rouge", "viola", "--units", path)
    line = _one_line(code, err)
    assert "\x1b" not in line and "\\x1b[2J" in line


# ---- class 7: interrupts ----
def _interrupt_on(call: int, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    real = tuning.run
    calls = []

    def run(*a, **k):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == call:
            raise KeyboardInterrupt
        return real(*a, **k)

    monkeypatch.setattr(tuning, "run", run)


def test_ctrl_c_in_matrix_prints_the_finished_pairings_and_exits_130(cli, monkeypatch):
    _interrupt_on(5, monkeypatch)  # the three mirrors and one pairing finish
    code, out, err = cli("matrix", "rouge", "viola", "jaron", "-n", "2", "--bot", "random", "-w", "1")
    assert code == 130, err
    assert "Win rate of row against column" in out and "%" in out
    assert [w for w in ("rouge vs rouge", "viola vs viola", "jaron vs jaron", "rouge vs viola", "rouge vs jaron") if w in out] == \
        ["rouge vs rouge", "viola vs viola", "jaron vs jaron", "rouge vs viola"]
    assert err.strip() == "interrupted: 3 of 3 mirrors and 1 of 3 pairings finished"


def test_ctrl_c_in_matrix_without_mirrors_counts_pairings_only(cli, monkeypatch):
    _interrupt_on(2, monkeypatch)
    code, out, err = cli("matrix", "rouge", "viola", "jaron", "-n", "2", "--bot", "random", "-w", "1", "--no-mirrors")
    assert code == 130, err
    assert "rouge vs viola" in out and "rouge vs rouge" not in out
    assert err.strip() == "interrupted: 1 of 3 pairings finished"


def test_ctrl_c_in_sweep_prints_the_finished_values_and_exits_130(cli, monkeypatch):
    _interrupt_on(3, monkeypatch)
    code, out, err = cli("sweep", "viola.stats.firepower=1:5", "--vs", "rouge", "-n", "2", "--bot", "random", "-w", "1")
    assert code == 130, err
    assert re.search(r"│\s+1 │.*%", out) and re.search(r"│\s+2 │.*%", out) and not re.search(r"│\s+3 │", out)
    assert err.strip() == "interrupted: 2 values finished"


def test_ctrl_c_in_balance_prints_the_values_tried_and_exits_130(cli, monkeypatch):
    _interrupt_on(2, monkeypatch)
    code, out, err = cli("balance", "viola.stats.firepower", "--vs", "rouge", "-n", "2", "--bot", "random", "-w", "1")
    assert code == 130, err
    assert "values tried" in out and re.search(r"│\s+0 │\s+2 │", out)
    assert err.strip() == "interrupted: 1 values tried, no value chosen"


# ---- class 8: usage errors ----
@pytest.mark.parametrize("args, line", [
    (("duel", "rouge", "viola", "--sed", "3"), "error: no such option --sed for `gladiator duel`; did you mean --seed?"),
    (("duel", "rouge", "viola", "--bogus"), "error: no such option --bogus for `gladiator duel`; did you mean --bot?"),
    (("dule", "rouge", "viola"), "error: no such command 'dule'; did you mean duel?"),
    (("balence",), "error: no such command 'balence'; did you mean balance?"),
    (("--versoin",), "error: no such option --versoin for `gladiator`; did you mean --version?"),
    (("fight",), "error: no such command 'fight'; commands: " + ", ".join(sorted(c.name for c in app.registered_commands))),
])
def test_a_usage_error_is_one_line_with_the_closest_choice(cli, args, line):
    code, _, err = cli(*args)
    assert _one_line(code, err) == line


@pytest.mark.parametrize("args, words", [
    (("duel", "rouge", "viola", "--seed", "seven"), "'--seed'"),
    (("batch", "rouge", "viola", "-n", "x"), "'-n'"),
    (("duel", "rouge"), "missing argument"),
    (("duel", "rouge", "viola", "extra"), "unexpected extra argument"),
    (("watch", "--speed"), "requires an argument"),
    (("validate",), "missing argument"),
])
def test_a_wrong_value_or_argument_is_one_line(cli, args, words):
    code, _, err = cli(*args)
    assert words in _one_line(code, err)


def test_the_real_process_prints_one_line_for_a_usage_error():
    r = subprocess.run([sys.executable, "-m", "gladiator", "duel", "rouge", "viola", "--sed", "3"],
                       capture_output=True, text=True, timeout=60, env=dict(os.environ, PYTHONPATH=str(ROOT / "src")))
    assert r.returncode == 2
    assert r.stderr == "error: no such option --sed for `gladiator duel`; did you mean --seed?\n"


def test_sdl_messages_do_not_reach_the_user_and_no_display_is_one_line():
    env = {k: v for k, v in os.environ.items() if k not in ("XDG_RUNTIME_DIR", "SDL_VIDEODRIVER", "SDL_AUDIODRIVER", "WAYLAND_DISPLAY")}
    env |= {"DISPLAY": ":97", "PYTHONPATH": str(ROOT / "src")}
    r = subprocess.run([sys.executable, "-m", "gladiator", "watch", "--frames", "1"], capture_output=True, text=True,
                       timeout=60, env=env)
    assert r.returncode == 2, r.stderr
    assert "XDG_RUNTIME_DIR" not in r.stderr and "pygame" not in r.stdout
    assert len(r.stderr.strip().splitlines()) == 1 and r.stderr.startswith("error: "), r.stderr


# ---- class 10: small paths and output ----
def test_units_fits_80_columns_and_keeps_ids_whole_when_piped(cli):
    code, out, err = cli("units")
    assert code == 0, err
    lines = out.splitlines()
    table = [ln for ln in lines if not ln.startswith(("int integrity", "heat heat"))]
    assert max(len(ln) for ln in table) <= 80, out
    for uid in ("jaron", "nean", "rouge", "viola", "core_extraction", "service_rifle", "flame_chorus"):
        assert re.search(rf"(^|\s){uid}(\s|$)", out, re.M), uid
    assert "…" not in out


def test_the_batch_header_names_the_overrides(cli):
    code, out, err = cli("batch", "rouge", "viola", "-n", "2", "--bot", "random", "--set", "viola.stats.firepower=4",
                         "--set", "viola.color=#ff0000")
    assert code == 0, err
    assert out.splitlines()[0].endswith("; overrides: viola.stats.firepower=4, viola.color=#ff0000")


def test_the_repository_has_its_license_and_ignores_what_runs_write():
    license_text = (ROOT / "LICENSE").read_text()
    assert "MIT License" in license_text and 'license = { text = "MIT" }' in (ROOT / "pyproject.toml").read_text()
    ignored = (ROOT / ".gitignore").read_text().split()
    for pattern in ("*.sqlite-wal", "*.sqlite-shm", "*.csv", "matrix.png", "duel.json", "schemas/"):
        assert pattern in ignored or f"/{pattern}" in ignored, pattern  # what the examples write in the checkout's root


def test_no_issue_numbers_in_the_code():
    """Code and tests say what they do, not which issue asked for it (the history is in CHANGELOG.md)."""
    import re

    found = []
    for folder in ("src", "tests", "benchmarks", "examples"):
        for path in (ROOT / folder).rglob("*.py"):
            for k, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if re.search(r"\bissue #?\d+", line, re.IGNORECASE) and "re.search" not in line:
                    found.append(f"{path.relative_to(ROOT)}:{k}")
    assert not found, found
