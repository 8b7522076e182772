"""The `gladiator` command line: duel (log, --json, bots), units, arenas, show, python -m gladiator."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from gladiator import DEFAULT_BOT, RULES_VERSION


def test_duel_prints_a_combat_log_and_the_result(cli):
    code, out, err = cli("duel", "rouge", "viola", "--arena", "concert_hall", "--seed", "7")
    assert code == 0, err
    lines = out.strip().splitlines()
    assert "Rouge" in lines[0] and "Viola" in lines[0] and "seed 7" in lines[0]
    assert any(line.startswith("-- Turn 1:") for line in lines)
    attacks = [line for line in lines if "hit chance" in line]
    assert attacks and all("accuracy" in a and "roll" in a for a in attacks)
    assert any(("HIT for" in a and "target integrity" in a) or "MISS" in a for a in attacks)
    assert lines[-1].startswith("Result: ")
    assert any(w in lines[-1] for w in ("destroyed", "core extracted", "shutdown", "draw"))


def test_duel_json(cli):
    code, out, err = cli("duel", "rouge", "viola", "--arena", "concert_hall", "--seed", "7", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["units"] == ["rouge", "viola"] and data["seed"] == 7
    assert data["outcome"] in ("destroyed", "core_extracted", "shutdown", "draw")
    assert data["winner_index"] in (0, 1, None)
    assert data["winner"] == (None if data["winner_index"] is None else data["units"][data["winner_index"]])
    assert isinstance(data["turns"], int) and data["turns"] >= 1
    assert data["rules_version"] == RULES_VERSION and data["bots"] == [DEFAULT_BOT, DEFAULT_BOT]


def test_the_same_seed_gives_the_same_duel(cli):
    runs = [cli("duel", "jaron", "nean", "--seed", "3", "--bot", "random")[1] for _ in range(2)]
    assert runs[0] == runs[1]
    other = cli("duel", "jaron", "nean", "--seed", "4", "--bot", "random")[1]
    assert other != runs[0]


@pytest.mark.parametrize("args, bots", [
    (("--bot", "random"), ["random", "random"]),
    (("--bot-a", "random"), ["random", DEFAULT_BOT]),
    (("--bot", "random", "--bot-b", "greedy"), ["random", "greedy"]),
])
def test_bots_are_chosen_per_side(cli, args, bots):
    code, out, err = cli("duel", "viola", "jaron", "--seed", "1", "--json", *args)
    assert code == 0, err
    assert json.loads(out)["bots"] == bots


def test_duel_with_the_users_own_units_and_arenas(cli, tmp_path, unit_yaml):
    (tmp_path / "u").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / "u" / "plain.yaml").write_text(unit_yaml)
    (tmp_path / "a" / "box.yaml").write_text("id: box\nname: Box\nturn_limit: 20\nmap: |\n  A...\n  ...B\n")
    code, out, err = cli("duel", "plain", "rouge", "--arena", "box", "--units", tmp_path / "u", "--arenas", tmp_path / "a", "--json")
    assert code == 0, err
    assert json.loads(out)["turns"] <= 20


def test_quiet_prints_only_the_result(cli):
    code, out, _ = cli("duel", "rouge", "jaron", "--seed", "2", "--quiet")
    assert code == 0 and out.strip().startswith("Result: ") and len(out.strip().splitlines()) == 1


def test_units_lists_every_unit_with_key_stats(cli):
    code, out, err = cli("units")
    assert code == 0, err
    for uid in ("rouge", "viola", "jaron", "nean"):
        assert uid in out
    assert "agi" in out.lower()


def test_arenas_lists_every_arena(cli):
    code, out, err = cli("arenas")
    assert code == 0, err
    for aid in ("concert_hall", "rooftops", "nectar_depot", "open_field"):
        assert aid in out


def test_show_prints_one_unit_and_one_arena(cli, catalog):
    code, out, err = cli("show", "rouge")
    assert code == 0, err
    rouge = catalog.unit("rouge")
    assert rouge.name in out and "agility" in out
    for w in rouge.weapons:
        assert w.id in out
    assert "core_extraction" in out
    code, out, _ = cli("show", "open_field")
    assert code == 0 and catalog.arena("open_field").rows[0] in out


def test_version(cli):
    from gladiator import __version__

    code, out, _ = cli("--version")
    assert code == 0 and out.strip() == f"gladiator {__version__} (rules version {RULES_VERSION})"


def test_python_dash_m_gladiator_is_the_same_command():
    r = subprocess.run([sys.executable, "-m", "gladiator", "--help"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    for command in ("duel", "verify", "units", "arenas", "show", "validate", "schema"):
        assert command in r.stdout
    r = subprocess.run([sys.executable, "-m", "gladiator", "duel", "rouge", "viola", "--seed", "7", "--json"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["seed"] == 7


GUIDE = Path(__file__).resolve().parent.parent / "docs" / "guide.md"


def _guide_files() -> dict[str, str]:
    """The files docs/guide.md shows, by the name it gives them."""
    text = GUIDE.read_text(encoding="utf-8")
    return dict(re.findall(r"<!-- guide-file: (\S+) -->\n```\w+\n(.*?)```", text, flags=re.S))


def _guide_snippets() -> list[str]:
    text = GUIDE.read_text(encoding="utf-8")
    return [b for b in re.findall(r"```python\n(.*?)```", text, flags=re.S) if "class CautiousBot" not in b]


def test_the_guides_unit_arena_and_bot_work(cli, tmp_path, monkeypatch, capsys):
    files = _guide_files()
    assert {"my_units/scout.yaml", "my_arenas/alley.yaml", "cautious.py"} <= set(files)
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    code, out, err = cli("validate", "my_units", "my_arenas")
    assert code == 0, err
    code, out, err = cli("duel", "scout", "viola", "--units", "my_units", "--arenas", "my_arenas", "--arena", "alley", "--json")
    assert code == 0, err
    monkeypatch.syspath_prepend(str(tmp_path))
    namespace: dict = {}
    for snippet in _guide_snippets():
        exec(compile(snippet.replace("np.arange(1000)", "np.arange(40)"), "guide", "exec"), namespace)
    shown = capsys.readouterr().out
    assert "'units': ['scout', 'viola']" in shown and "scout wins" in shown
    code, out, err = cli("duel", "scout", "rouge", "--units", "my_units", "--bot-a", "cautious:CautiousBot", "--json")
    assert code == 0, err
    assert json.loads(out)["bots"] == ["cautious:CautiousBot", DEFAULT_BOT]


def test_a_bot_installed_under_the_entry_point_group_is_found_by_name(cli, tmp_path, monkeypatch):
    from importlib.metadata import EntryPoint

    import gladiator.bots as bots

    (tmp_path / "cautious.py").write_text(_guide_files()["cautious.py"])
    monkeypatch.syspath_prepend(str(tmp_path))
    ep = EntryPoint(name="cautious", value="cautious:CautiousBot", group=bots.ENTRY_POINT_GROUP)
    monkeypatch.setattr(bots, "_installed", lambda: {"cautious": ep})
    assert "cautious" in bots.bot_names()
    assert type(bots.make_bot("cautious")).__name__ == "CautiousBot"
    code, out, err = cli("batch", "rouge", "viola", "-n", "40", "--bot-a", "cautious", "--json")
    assert code == 0, err
    assert json.loads(out)["bots"] == ["cautious", DEFAULT_BOT]


@pytest.mark.parametrize("name, words", [
    ("no_such_module:Bot", "cannot import"), ("gladiator.bots:NoSuchBot", "has no class"),
    ("plugin_bad:Broken", "failed to start"), ("plugin_bad:NoAct", "no act"), ("nobot", "unknown bot"),
])
def test_a_bot_that_cannot_be_made_is_one_line(cli, tmp_path, monkeypatch, name, words):
    (tmp_path / "plugin_bad.py").write_text(
        "class Broken:\n    def __init__(self):\n        raise RuntimeError('boom')\n\n"
        "class NoAct:\n    name = 'noact'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    code, out, err = cli("duel", "rouge", "viola", "--bot-a", name)
    assert code == 2 and words in err and len(err.strip().splitlines()) == 1, err


@pytest.mark.parametrize("args", [[], ["start"]])
def test_without_a_display_the_main_command_prints_a_headless_duel(args):
    env = {k: v for k, v in __import__("os").environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    r = subprocess.run([sys.executable, "-m", "gladiator", *args], capture_output=True, text=True, timeout=120, env=env)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    assert "no display" in r.stdout
    assert r.stdout.strip().splitlines()[-1].startswith("Result: ")


def test_a_display_that_cannot_be_opened_falls_back_to_the_headless_duel():
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("SDL_VIDEODRIVER", "WAYLAND_DISPLAY")}
    env["DISPLAY"] = ":97"  # no X server there
    r = subprocess.run([sys.executable, "-m", "gladiator"], capture_output=True, text=True, timeout=120, env=env)
    assert r.returncode == 0, r.stderr
    assert "no display" in r.stdout and r.stdout.strip().splitlines()[-1].startswith("Result: ")
    r = subprocess.run([sys.executable, "-m", "gladiator", "watch", "rouge", "viola"], capture_output=True, text=True,
                       timeout=120, env=env)
    assert r.returncode == 2 and "no display" in r.stderr and "Traceback" not in r.stderr


def test_every_command_has_one_default_seed_arena_and_bot() -> None:
    """One name and one default for one idea: --seed, --arena and --bot default alike on every command (None where
    the option means something else when absent: every arena, the spec's arenas, both sides' own bots)."""
    import inspect

    import typer.main

    from gladiator import DEFAULT_ARENA, DEFAULT_BOT, DEFAULT_SEED
    from gladiator.cli import app
    from gladiator.ui.title import TitleScreen

    group = typer.main.get_command(app)
    want = {"seed": DEFAULT_SEED, "arena": DEFAULT_ARENA, "bot": DEFAULT_BOT}
    seen = {k: 0 for k in want}
    for name, cmd in group.commands.items():  # type: ignore[attr-defined]
        for p in cmd.params:
            if p.name in want:
                default = p.default
                assert default in (want[p.name], None, ()) or default == [], (name, p.name, default)
                if p.name == "bot" and default is None and name not in ("tune", "play"):  # resolved by pick_bots: said so
                    assert f"default {DEFAULT_BOT}" in (p.help or ""), (name, p.help)
                    default = DEFAULT_BOT
                seen[p.name] += default == want[p.name]
    assert all(n >= 3 for n in seen.values()), seen
    assert inspect.signature(TitleScreen).parameters["seed"].default == DEFAULT_SEED
