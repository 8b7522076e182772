"""One vocabulary of options: one name for one idea on every command (the table of docs/guide.md, checked against
the commands themselves), an option that would do nothing refused in one line naming it before any work, and every
error naming the option as it was typed."""

from __future__ import annotations

import re
import typing
from pathlib import Path

import pytest
import typer.main

from gladiator.cli import RENAMED, app

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "guide.md"
COMMANDS = typer.main.get_command(app).commands  # type: ignore[attr-defined]


def options() -> list[tuple[str, object]]:
    """(command, click option) of every option of every command."""
    return [(name, p) for name, cmd in sorted(COMMANDS.items()) for p in cmd.params if p.param_type_name == "option"]


def spellings(p: object) -> set[str]:
    return {*p.opts, *p.secondary_opts}  # type: ignore[attr-defined]


def value_kind(p: object) -> str:
    """The kind of value an option takes (str, int, Path, ...), whether it may repeat or not."""
    t = p.type_descriptor.annotation  # type: ignore[attr-defined]
    while typing.get_args(t):
        t = next(a for a in typing.get_args(t) if a is not type(None))
    return getattr(t, "__name__", str(t))


def guide_rows() -> list[dict]:
    """The rows of the options table of docs/guide.md: spellings, commands and the default's text."""
    text = GUIDE.read_text(encoding="utf-8").split("<!-- options-table -->", 1)[1]
    rows = []
    for line in text.strip().split("\n"):
        if not line.startswith("| `"):
            if rows:
                break
            continue
        cells = [c.strip() for c in line.strip("|").split(" | ")]
        assert len(cells) == 4, line
        rows.append({"spellings": set(re.findall(r"`(-{1,2}[\w-]+)`", cells[0])),
                     "commands": set(re.findall(r"`([\w-]+)`", cells[2])), "default": cells[3], "line": line})
    return rows


def shown(default: object) -> list[str]:
    """How a default is written in the table (nothing for an absent or off default)."""
    if default is None or default is False or default in ([], ()):
        return []
    if default is True:
        return ["on"]
    if isinstance(default, float) and default.is_integer():
        return [str(int(default))]
    if isinstance(default, (list, tuple)):
        return [str(d) for d in default]
    return [str(default)]


def test_the_guide_table_is_the_vocabulary_of_the_commands() -> None:
    """Every option of every command is in one row of the table, with exactly the commands that take it, its short
    form and its default; a row names nothing the commands do not have."""
    rows = guide_rows()
    seen: dict[int, set[str]] = {}
    for command, p in options():
        found = [k for k, r in enumerate(rows) if spellings(p) <= r["spellings"]]
        assert len(found) == 1, (command, sorted(spellings(p)), "is in no row (or several) of the table")
        row = rows[found[0]]
        assert command in row["commands"], (command, sorted(spellings(p)), row["line"])
        for text in shown(p.default):  # type: ignore[attr-defined]
            assert text in row["default"], (command, sorted(spellings(p)), text, row["line"])
        seen.setdefault(found[0], set()).update({command} | spellings(p))
    for k, r in enumerate(rows):
        assert seen.get(k, set()) == r["commands"] | r["spellings"], ("the row names what no command has", r["line"])


def test_one_spelling_and_one_short_form_for_one_idea() -> None:
    """A long option has the same short form, kind of value and kind of flag on every command; a short form means one
    long option everywhere; no command takes an old spelling of a renamed option."""
    by_long: dict[str, set] = {}
    by_short: dict[str, set[str]] = {}
    for command, p in options():
        longs = sorted(o for o in p.opts if o.startswith("--"))  # type: ignore[attr-defined]
        shorts = sorted(o for o in p.opts if not o.startswith("--"))  # type: ignore[attr-defined]
        assert len(longs) == 1, (command, p.opts)  # type: ignore[attr-defined]
        assert not spellings(p) & set(RENAMED), (command, p.opts)  # type: ignore[attr-defined]
        kind = (tuple(shorts), value_kind(p), p.is_flag)  # type: ignore[attr-defined]
        by_long.setdefault(longs[0], set()).add(kind)
        for s in shorts:
            by_short.setdefault(s, set()).add(longs[0])
    assert {o: k for o, k in by_long.items() if len(k) > 1} == {}
    assert {s: o for s, o in by_short.items() if len(o) > 1} == {}


def test_every_option_and_argument_says_what_it_is() -> None:
    for name, cmd in COMMANDS.items():
        assert (cmd.help or "").strip(), name
        for p in cmd.params:
            assert (getattr(p, "help", None) or "").strip(), (name, p.name)


def test_the_canonical_names() -> None:
    """The names this vocabulary settled on, where commands once spelled one idea two ways."""
    have = {o for _, p in options() for o in spellings(p)}
    assert {"--size", "--side", "--unit", "--turn", "--check-duels", "--quiet", "--out"} <= have
    assert not {"--export-size", "--from-side", "--units-of", "--at", "--check-n"} & have
    assert {c for c, p in options() if "--quiet" in p.opts} >= {"duel", "batch", "matrix", "sweep", "balance", "odds",  # type: ignore[attr-defined]
                                                                 "ablate", "tune", "replay"}
    outs = {c for c, p in options() if "--out" in p.opts}  # type: ignore[attr-defined]
    assert outs == {"batch", "ladder", "ablate", "tune"}  # a results store (SQLite) everywhere; schema takes a FOLDER


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from gladiator.cli import main

    path = tmp_path_factory.mktemp("vocab") / "duel.json"
    with pytest.raises(SystemExit) as e:
        main(["duel", "rouge", "viola", "--seed", "3", "--bot", "greedy", "-q", "--record", str(path)])
    assert e.value.code == 0
    return path


REFUSED = [  # (command line, the option the error names); {r} is a recorded duel, {t} a folder for outputs
    (["replay", "{r}", "--turn", "2", "--export", "{t}/a.gif"], "--turn"),
    (["replay", "{r}", "-t", "2", "--export", "{t}/a.gif"], "-t"),
    (["replay", "{r}", "--export", "{t}/a.gif", "--screenshot", "{t}/a.png"], "--screenshot"),
    (["replay", "{r}", "--export", "{t}/a.gif", "--frames", "3"], "--frames"),
    (["replay", "{r}", "--fps", "5"], "--fps"),
    (["replay", "{r}", "--from", "2"], "--from"),
    (["replay", "{r}", "--to", "2"], "--to"),
    (["replay", "{r}", "-q"], "-q"),
    (["replay", "{r}", "--force"], "--force"),
    (["replay", "{r}", "--frames", "3"], "--frames"),
    (["replay", "{r}", "--turn", "999", "--screenshot", "{t}/a.png"], "--turn"),
    (["duel", "rouge", "viola", "--from", "3"], "--from"),
    (["duel", "rouge", "viola", "--to", "3"], "--to"),
    (["duel", "rouge", "viola", "--fps", "5"], "--fps"),
    (["duel", "rouge", "viola", "--size", "640x360"], "--size"),
    (["duel", "rouge", "viola", "--export", "{t}/a.gif", "--size", "10x10"], "--size"),
    (["duel", "rouge", "viola", "--export", "{t}/a.gif", "--fps", "0"], "--fps"),
    (["duel", "rouge", "viola", "--export", "{t}/a.gif", "--from", "0"], "--from"),
    (["duel", "rouge", "viola", "--export", "{t}/a.gif", "--from", "3", "--to", "2"], "--to"),
    (["duel", "rouge", "viola", "--bot", "greedy", "--bot-a", "random", "--bot-b", "random"], "--bot"),
    (["duel", "rouge", "viola", "--force"], "--force"),
    (["duel", "rouge", "viola", "-s", "-1"], "-s"),
    (["play", "rouge", "--vs-human", "--difficulty", "hard"], "--difficulty"),
    (["play", "rouge", "--vs-human", "-d", "hard"], "-d"),
    (["play", "rouge", "--vs-human", "--bot", "greedy"], "--bot"),
    (["play", "rouge", "--vs-human", "--isolate"], "--isolate"),
    (["play", "rouge", "--bot", "greedy", "--difficulty", "hard"], "--difficulty"),
    (["play", "--vs", "jaron"], "--vs"),
    (["play", "--difficulty", "hard"], "--difficulty"),
    (["play", "--record", "{t}/a.json"], "--record"),
    (["play", "rouge", "--force"], "--force"),
    (["play", "rouge", "--frames", "3"], "--frames"),
    (["watch", "--bot", "greedy", "--bot-a", "random", "--bot-b", "random"], "--bot"),
    (["watch", "--difficulty", "hard", "--bot-a", "random", "--bot-b", "random"], "--difficulty"),
    (["watch", "--frames", "3"], "--frames"),
    (["duel", "rouge", "viola", "--isolate"], "--isolate"),
    (["duel", "rouge", "viola", "--bot-a", "greedy", "--bot-timeout", "5"], "--bot-timeout"),
    (["batch", "rouge", "viola", "--bot", "search:budget=8", "--isolate"], "--isolate"),
    (["ladder", "random", "greedy", "--isolate"], "--isolate"),
    (["odds", "{r}", "--turn", "2", "--isolate"], "--isolate"),
    (["watch", "--difficulty", "hard", "--isolate"], "--isolate"),
    (["play", "rouge", "--isolate"], "--isolate"),
    (["ablate", "rouge", "--isolate"], "--isolate"),
    (["ablate", "rouge", "--bot", "greedy", "--bot-timeout", "5"], "--bot-timeout"),
    (["watch", "--force"], "--force"),
    (["batch", "rouge", "viola", "--force"], "--force"),
    (["batch", "rouge", "viola", "--bot", "greedy", "--bot-a", "random", "--bot-b", "random"], "--bot"),
    (["batch", "rouge", "viola", "--duels", "0"], "--duels"),
    (["batch", "rouge", "viola", "-n", "0"], "-n"),
    (["matrix", "rouge", "viola", "--force"], "--force"),
    (["sweep", "viola.stats.firepower=2:4", "--vs", "rouge", "--force"], "--force"),
    (["ladder", "random", "greedy", "--force"], "--force"),
    (["ladder", "random", "greedy", "--duels", "0"], "--duels"),
    (["ablate", "rouge", "--force"], "--force"),
    (["tune", "{t}/spec.yaml", "--force"], "--force"),
    (["odds", "{r}", "-t", "0"], "-t"),
    (["odds", "{r}", "--turn", "2", "--side", "C"], "--side"),
]


@pytest.mark.parametrize("args, named", REFUSED, ids=[" ".join(a) for a, _ in REFUSED])
def test_an_option_that_would_do_nothing_or_is_wrong_is_refused_first(cli, recorded: Path, tmp_path: Path, args: list[str],
                                                                       named: str) -> None:
    """Exit 2, one line naming the option as typed, nothing printed on stdout (no duel played) and no file written."""
    line = [a.format(r=recorded, t=tmp_path) for a in args]
    code, out, err = cli(*line)
    assert code == 2, (code, out, err)
    assert len(err.strip().splitlines()) == 1 and err.startswith("error: "), err
    assert re.search(rf"(^error: |\s){re.escape(named)}\b", err), (named, err)
    assert out == "", out
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("old, new", sorted(RENAMED.items()))
def test_an_old_spelling_says_the_new_one(cli, old: str, new: str) -> None:
    command, _, option = old.rpartition(" ")
    command = command or {"--export-size": "duel", "--from-side": "odds", "--units-of": "ladder", "--at": "replay",
                          "--check-n": "tune"}[option]
    code, out, err = cli(command, option, "1")
    assert code == 2 and err == f"error: no such option {option} for `gladiator {command}`; it is now {new}\n", err


@pytest.mark.parametrize("flag, kind", [("--units", "unit"), ("--arenas", "arena")])
def test_a_data_folder_that_is_not_there_is_named_with_its_option(cli, flag: str, kind: str) -> None:
    """`ladder ... --units rouge` (a unit id given to the option of unit files) says which option, and what it takes."""
    code, out, err = cli("ladder", "random", "greedy", flag, "rouge", "-n", "2")
    assert code == 2 and err.startswith(f"error: {flag} rouge: no such file or folder ({flag} adds your own {kind} "), err


def test_replay_turn_opens_the_moment_odds_estimates_from(cli, recorded: Path, tmp_path: Path) -> None:
    """`replay --turn N` opens at the start of turn N (after the actions `odds --turn N` replays): the screenshot of
    the window there is the one of the action count that `odds --json` reports."""
    import json

    from gladiator.cli.ui import _turn_start
    from gladiator.replay import load_replay

    code, out, err = cli("odds", recorded, "--turn", "3", "--rollouts", "2", "--bot", "random", "--json", "-q")
    assert code == 0, err
    game, data = load_replay(recorded)
    assert _turn_start(game, data, 3) == json.loads(out)["actions_replayed"] > 0
    shot = tmp_path / "turn3.png"
    code, out, err = cli("replay", recorded, "--turn", "3", "--screenshot", shot, "--frames", "1")
    assert code == 0 and shot.exists(), err
