"""Count hostile inputs refused cleanly: `python tests/hostile_inputs.py` from the repository root.

Builds a few hundred hostile unit and arena files, replays, results files and command lines,
runs each through `gladiator.cli.main` in this process (5 s alarm each), and counts them:
"clean" is exit 2 with one `error:` line (or, for `validate`, one line a problem plus a count)
and no traceback, within the time; "accepted" is a hostile-looking input that is in fact valid;
anything else is listed as a failure. Not collected by pytest (the file name has no test_ prefix).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import signal
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from gladiator.cli import main  # noqa: E402

UNIT = (ROOT / "units" / "nean.yaml").read_text()
ARENA = (ROOT / "arenas" / "open_field.yaml").read_text()


class _Timeout(Exception):
    pass


def run(args: list[str]) -> tuple[int | str, str, str, float]:
    """(exit code or 'timeout'/'exception', stdout, stderr, seconds) of one command line."""
    out, err = io.StringIO(), io.StringIO()

    def alarm(*_):  # type: ignore[no-untyped-def]
        raise _Timeout

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(5)
    started = time.perf_counter()
    code: int | str
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main([str(a) for a in args])
                code = 0
            except SystemExit as e:
                code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except _Timeout:
        code = "timeout"
    except BaseException as e:  # noqa: BLE001 - anything escaping main is a defect to count
        code = f"exception {type(e).__name__}: {e}"
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    return code, out.getvalue(), err.getvalue(), time.perf_counter() - started


def clean(code: int | str, err: str, args: list[str]) -> bool:
    """Refused cleanly: exit 2, no traceback, one `error:` line (validate: problem lines and a count)."""
    if code != 2 or "Traceback" in err:
        return False
    lines = [ln for ln in err.splitlines() if ln.strip()]
    if args and args[0] == "validate" and len(lines) > 1:
        return "problem(s)" in lines[-1]
    return len(lines) == 1 and lines[0].startswith("error: ")


def unit_files() -> list[tuple[str, str]]:
    """(name, text) of hostile unit files."""
    bomb = "\n".join(["a0: &a0 [x, x, x, x, x, x, x, x, x]"] +
                     [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]) + "\n"
    cases = [
        ("alias_bomb", bomb), ("deep_flow", "id: x\nname: " + "[" * 3000 + "]" * 3000),
        ("deep_block", "".join("  " * i + f"k{i}:\n" for i in range(300)) + "  " * 300 + "x: 1\n"),
        ("recursive_alias", "a: &a [1, *a]\n"), ("digits", UNIT.replace("integrity: 60", "integrity: " + "9" * 5000)),
        ("float_digits", UNIT.replace("accuracy: 0.7", "accuracy: 0." + "1" * 5000)),
        ("empty", ""), ("null", "~\n"), ("list", "- a\n- b\n"), ("scalar", "42\n"), ("binary", "\x00\x01\x02"),
        ("bom", "\ufeff" + UNIT), ("tabs", UNIT.replace("  ", "\t")), ("python_tag", "!!python/object/apply:os.system ['id']\n"),
        ("two_documents", UNIT + "---\n" + UNIT), ("many_keys", "".join(f"k{i}: {i}\n" for i in range(20000))),
        ("long_line", "id: x\nname: " + "x" * 900_000 + "\n"),
    ]
    edits = [
        ("integrity: 60", ['integrity: "60"', "integrity: true", "integrity: 60.0", "integrity: .nan", "integrity: -1",
                           "integrity: 0", "integrity: 99999999", "integrity: [60]", "integrity: {a: 1}", "integrity:",
                           "integrity: 0x3c", "integrity: 1_0", "integrity: 6e1"]),
        ("accuracy: 0.7", ["accuracy: .nan", "accuracy: .inf", "accuracy: -.inf", "accuracy: 1.0e+400", 'accuracy: "0.7"',
                           "accuracy: true", "accuracy: 1.5", "accuracy: -0.0", "accuracy: []"]),
        ("damage: [4, 7]", ["damage: [7, 4]", "damage: [true, 7]", 'damage: ["4", 7]', "damage: [4, 7, 9]", "damage: []",
                            "damage: [.nan, 7]", "damage: -3", "damage: [4.5, 7]", "damage: {lo: 4}"]),
        ("abilities: []", ["abilities: [leap, leap]", "abilities: [fly]", "abilities: leap", "abilities: [[leap]]",
                           "abilities: [leap, core_extraction, mimic, leap]"]),
        ("name: Nean Suit", ['name: "\\e[2J\\e[31mred"', 'name: "\\u202eevil"', 'name: "[/]"', "name: " + "N" * 500,
                             "name: 5", "name: [a]", 'name: "a\\x07b"']),
        ('color: "#7f8c8d"', ["color: red", "color: '#12345'", "color: 0x7f8c8d", 'color: "#7f8c8d\\n"']),
        ("id: nean", ["id: Nean", "id: ../../etc", "id: " + "a" * 100, "id: 5", "id: [nean]", 'id: "nean\\n"']),
        ("  armor: 1\n", ["  armor: 1\n  armor: 2\n", "  armour: 1\n"]),
        ("weapons:", ["weapons: []\nx:", "weapons: 5\nx:"]),
    ]
    for old, news in edits:
        for new in news:
            cases.append((f"{old.strip()} -> {new.strip()}"[:60], UNIT.replace(old, new, 1)))
    rnd = random.Random(8)
    junk = ["&a [1]", "*a", "[[[[", "]]", "{", "9" * 40, ".nan", "\t", "<<: *a", "? [a]\n: b", "\x1b[2J", "'", '"', ": :", "- -"]
    for i in range(80):
        pos = rnd.randrange(len(UNIT))
        piece = rnd.choice(junk) if i % 2 else "".join(chr(rnd.randrange(1, 0x3000)) for _ in range(rnd.randrange(1, 8)))
        cases.append((f"fuzz_{i}", UNIT[:pos] + piece + UNIT[pos:]))
    return cases


def arena_files() -> list[tuple[str, str]]:
    """(name, text) of hostile arena files."""
    cases = []
    for new in ["turn_limit: 1", "turn_limit: .inf", 'turn_limit: "80"', "turn_limit: true", "hazard_heat: -1",
                "turn_limit: 80\nturn_limit: 90"]:
        cases.append((new, ARENA.replace("turn_limit: 80", new, 1) if "turn_limit: 80" in ARENA else ARENA + new + "\n"))
    rows = [r for r in ARENA.split("map: |", 1)[1].splitlines() if r.strip()]
    head = ARENA.split("map: |", 1)[0] + "map: |\n"
    for name, body in [("no_spawn", [r.replace("A", ".") for r in rows]), ("bad_tile", [rows[0].replace(".", "?", 1)] + rows[1:]),
                       ("ragged", rows[:-1] + [rows[-1] + "..."]), ("huge", ["  A" + "." * 200 + "B"] * 3),
                       ("escape", [rows[0] + "\x1b"] + rows[1:]), ("walled", [r.replace(".", "#") for r in rows])]:
        cases.append((name, head + "\n".join(body) + "\n"))
    return cases


def replay_cases(recorded: str) -> list[tuple[str, str]]:
    """(name, text) of hostile replays made from a good one."""
    good = json.loads(recorded)
    cases: list[tuple[str, str]] = []
    changes = {
        "hashes": [["x"], "abc", 5, None, {"units": ["x"], "arena": "a"}, {"units": "abc", "arena": "a"}, {"units": {}, "arena": 5}],
        "result": [[1, 2], "x", {"outcome": "exploded", "turns": 1}, {"outcome": "destroyed", "turns": "9"},
                   {"outcome": "destroyed", "turns": 9, "winner_index": 2}, {"outcome": "destroyed", "turns": 9, "digest": 5}],
        "seed": [-1, 2**63, 2**70, 1.5, "7", True, None, [7]],
        "units": [["rouge"], ["rouge", "viola", "jaron"], [1, 2], "rouge viola", ["rouge", "zed"], None],
        "actions": [{"a": 1}, "1,2", [2**70], [-1], [True], [1.0], [10**6], [[1]], [None]],
        "roster": [{"a": 1}, [], [[1]], ["x"], None],
        "arena_data": [[], "x", None, {}],
        "format_version": [2, "1", None, True],
        "rules_version": [1, None, "0", "x" * 10000],
        "bots": ["greedy", ["a"], [1, 2]],
        "format": ["other", None, 5],
    }
    for key, values in changes.items():
        for v in values:
            d = dict(good)
            d[key] = v
            cases.append((f"{key}={json.dumps(v)[:30]}", json.dumps(d)))
    d = json.loads(recorded)
    d["roster"][0]["stats"]["integrity"] = "60"
    cases.append(("roster integrity text", json.dumps(d)))
    d = json.loads(recorded)
    d["roster"][0]["name"] = "\x1b[2J"
    cases.append(("roster name escape", json.dumps(d)))
    d = json.loads(recorded)
    d["roster"].append(d["roster"][0])
    cases.append(("roster twice", json.dumps(d)))
    text_bombs = [
        ("deep", recorded.replace('"actions": [', '"actions": [' + "[" * 100000 + "]" * 100000 + ", ", 1)),
        ("nan", recorded.replace('"seed": ', '"seed": NaN, "x": ', 1)), ("infinity", recorded.replace('"seed": ', '"seed": -Infinity, "x": ', 1)),
        ("1e999", recorded.replace('"seed": ', '"seed": 1e999, "x": ', 1)), ("digits", recorded.replace('"seed": ', '"seed": ' + "7" * 5000 + ', "x": ', 1)),
        ("truncated", recorded[: len(recorded) // 2]), ("empty", ""), ("not_json", "hello"), ("list", "[1, 2]"),
        ("dup_keys", recorded.replace('"seed": ', '"seed": 1, "seed": ', 1)),
    ]
    cases += text_bombs
    rnd = random.Random(5)
    for i in range(40):
        pos = rnd.randrange(len(recorded))
        cases.append((f"fuzz_{i}", recorded[:pos] + rnd.choice(["x", "]", "{", "0", '"', ",", "9" * 50, "-"]) + recorded[pos + 1:]))
    return cases


def command_lines(tmp: Path) -> list[list[str]]:
    """Hostile command lines that need no prepared file."""
    sets = ["viola.stats.firepower=" + "[" * 100 + "]" * 100, "viola.stats.firepower=" + "9" * 40,
            "viola.weapons.0.accuracy=.nan", "viola.weapons.0.accuracy=-.inf", "viola.stats.firepower=&a [*a]",
            "viola.name=" + "x" * 5000, "viola.stats.firepower=true", 'viola.stats.firepower="8"', "viola.color=#zzzzzz",
            'viola.name="\\e[2J"', "viola", "viola.stats", "viola.stats.firepower", "=8", "nobody.stats.firepower=1",
            "viola.stats.nothing=1", "viola.weapons.9.range=1", "viola.weapons.nope.range=1", "viola.id=rouge",
            "viola.stats.firepower=[1, 2]", "viola.abilities=[leap, leap]", "viola..stats=1", "viola.stats.firepower.x=1"]
    cl = [["batch", "rouge", "viola", "-n", "2", "--set", s] for s in sets]
    cl += [["sweep", r, "--vs", "rouge", "-n", "2"] for r in
           ["viola.stats.firepower=2:12:0", "viola.stats.firepower=2:12:-1", "viola.stats.firepower=2:12:nan",
            "viola.stats.firepower=nan:12", "viola.stats.firepower=2:inf", "viola.stats.firepower=2:1e400",
            "viola.weapons.0.accuracy=-1e308:1e308:1e-300", "viola.stats.firepower=2:" + "9" * 5000,
            "viola.stats.firepower=12:2", "viola.stats.firepower", "viola.stats.firepower=a:b", "viola.stats.firepower=1:2:3:4",
            "viola.stats.firepower=0:1000000", "viola.name=1:2", "rouge.stats.firepower=1:2"]]
    cl += [["balance", "viola.stats.firepower", "--vs", "rouge", "-n", "2", *extra] for extra in
           [["--step", "0"], ["--step", "-3"], ["--step", "nan"], ["--min", "nan"], ["--max", "inf"], ["--target", "nan"],
            ["--target", "2"], ["--step", "0.5"], ["--min", "5", "--max", "1"], ["--min", "1", "--max", "1e18"]]]
    cl += [["balance", "viola.weapons.0.accuracy", "--vs", "rouge", "-n", "2", "--min", "-1e308", "--max", "1e308"],
           ["balance", "viola.name", "--vs", "rouge", "-n", "2"], ["balance", "viola.stats.firepower", "--vs", "viola", "-n", "2"]]
    cl += [
        ["duel", "rouge", "viola", "--bogus"], ["duel", "rouge", "viola", "--sed", "3"], ["duel", "rouge", "viola", "--seed", "seven"],
        ["duel", "rouge"], ["fight"], ["dule", "rouge", "viola"], ["duel", "rouge", "viola", "extra"], ["--versoin"],
        ["duel", "rouge", "viola", "--seed", "-1"], ["duel", "rouge", "viola", "--seed", str(2**64)],
        ["duel", "rouge", "viola", "--seed", "9" * 5000], ["duel", "rouge", "nobody"], ["duel", "rouge", "viola", "--arena", "moon"],
        ["duel", "rouge", "viola", "--bot", "clever"], ["duel", "rouge", "viola", "--bot-b", "clever"], ["duel", "\x1b[2J", "viola"],
        ["duel", "[/]", "viola"], ["show", "nobody"], ["show", "[bold]x"], ["batch", "rouge", "viola", "-n", "0"],
        ["batch", "rouge", "viola", "-n", str(10**30)], ["batch", "rouge", "viola", "-n", "x"], ["batch", "rouge", "viola", "-w", "0"],
        ["batch", "rouge", "viola", "--batch-size", "0"], ["batch", "rouge", "viola", "--backend", "cloud"],
        ["batch", "rouge", "viola", "--scheduler", "x"], ["batch", "rouge", "viola", "--seed", str(2**63)],
        ["matrix", "rouge"], ["matrix", "rouge", "rouge"], ["matrix", "rouge", "nobody"], ["watch", "--speed"],
        ["watch", "--speed", "0"], ["watch", "--speed", "nan"], ["watch", "--speed", "inf"], ["watch", "--size", "0x0"],
        ["watch", "--size", "9" * 5000 + "x1"], ["watch", "--size", "axb"], ["watch", "--frames", "0"],
        ["watch", "--screenshot", str(tmp / "x.txt")], ["play", "rouge", "--bot", "clever", "--screenshot", str(tmp / "p.png")],
        ["replay", str(tmp / "none.json")], ["verify", str(tmp / "none.json")], ["verify", str(tmp)], ["verify", "/dev/zero"],
        ["validate"], ["validate", str(tmp / "nothing")], ["units", "--units", "/dev/null"], ["units", "--units", "/dev/zero"],
        ["units", "--units", str(tmp / "nothing")], ["schema", "/dev/null/x"],
        ["duel", "rouge", "viola", "--record", str(tmp / "no" / "such" / "x.json")], ["duel", "rouge", "viola", "--record", str(tmp)],
        ["duel", "rouge", "viola", "--record", "units/rouge.yaml"], ["batch", "rouge", "viola", "-n", "2", "--csv", "units/rouge.yaml"],
        ["batch", "rouge", "viola", "-n", "2", "--out", str(tmp / "s.sqlite"), "--csv", str(tmp / "s.sqlite")],
        ["batch", "rouge", "viola", "-n", "2", "--out", str(tmp / "s.sqlite"), "--csv", str(tmp / "s.sqlite-wal")],
        ["batch", "rouge", "viola", "-n", "2", "--out", str(tmp), "--json"], ["batch", "rouge", "viola", "-n", "2", "--out", "units/rouge.yaml"],
        ["batch", "rouge", "viola", "-n", "2", "--out", "/dev/null"], ["matrix", "rouge", "viola", "-n", "2", "--png", "units/viola.yaml"],
        ["watch", "--screenshot", str(tmp / "a.png"), "--record", str(tmp / "a.png")],
        ["replay", str(tmp / "none.json"), "--screenshot", str(tmp / "none.json")],
    ]
    return cl


def store_cases(tmp: Path) -> list[list[str]]:
    """Command lines against damaged results files (each file made from a good one)."""
    base = ["batch", "rouge", "viola", "-n", "4", "--bot", "random", "--seed", "3"]
    good = tmp / "good.sqlite"
    run([*base, "--out", str(good), "--json"])
    damage = ["UPDATE chunks SET totals = '{bad'", "UPDATE chunks SET duels = -1", "UPDATE chunks SET idx = 999",
              "UPDATE chunks SET rows = x'00112233'", "UPDATE chunks SET rows = x'00'", "UPDATE chunks SET rows = 'text'",
              "UPDATE meta SET value = '{' WHERE key = 'identity'", "UPDATE meta SET value = '[1]' WHERE key = 'identity'",
              "UPDATE meta SET value = 'other' WHERE key = 'format'", "UPDATE meta SET value = '99' WHERE key = 'format_version'",
              "DELETE FROM meta", "DROP TABLE chunks", "DROP TABLE chunks; CREATE TABLE chunks (x)",
              "UPDATE chunks SET totals = replace(totals, '\"draws\": 0', '\"draws\": NaN')",
              "UPDATE chunks SET totals = replace(totals, '\"wins\": [', '\"wins\": [\"a\", ')"]
    out = []
    for i, sql in enumerate(damage):
        path = tmp / f"damaged{i}.sqlite"
        path.write_bytes(good.read_bytes())
        db = sqlite3.connect(path)
        db.executescript(sql)
        db.commit()
        db.close()
        out.append([*base, "--out", str(path), "--csv", str(tmp / f"damaged{i}.csv")])
    for i, step in enumerate((97, 301, 1009)):
        data = bytearray(good.read_bytes())
        for k in range(100, len(data), step):
            data[k] ^= 0xFF
        path = tmp / f"flipped{i}.sqlite"
        path.write_bytes(bytes(data))
        out.append([*base, "--out", str(path)])
    text = tmp / "text.sqlite"
    text.write_text("not a database\n")
    out.append([*base, "--out", str(text)])
    return out


def main_count() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="gladiator-hostile-"))
    inputs: list[tuple[str, list[str]]] = []
    for i, (name, text) in enumerate(unit_files()):
        folder = tmp / f"u{i}"
        folder.mkdir()
        (folder / "unit.yaml").write_bytes(text.encode("utf-8", "surrogatepass"))
        inputs.append((f"unit file: {name}", ["units", "--units", str(folder)]))
        if i % 4 == 0:
            inputs.append((f"validate: {name}", ["validate", str(folder / "unit.yaml")]))
    for i, (name, text) in enumerate(arena_files()):
        folder = tmp / f"a{i}"
        folder.mkdir()
        (folder / "open_field.yaml").write_text(text)
        inputs.append((f"arena file: {name}", ["duel", "rouge", "viola", "--arena", "open_field", "--arenas", str(folder)]))
    for kind in ("fifo", "zero"):
        p = tmp / f"{kind}.yaml"
        os.mkfifo(p) if kind == "fifo" else p.symlink_to("/dev/zero")
        inputs.append((f"unit path: {kind}", ["units", "--units", str(p)]))
        inputs.append((f"replay path: {kind}", ["verify", str(p)]))
    huge = tmp / "huge.yaml"
    with open(huge, "wb") as f:
        f.truncate(10 * 2**30)
    inputs.append(("unit path: 10 GB sparse", ["units", "--units", str(huge)]))
    inputs.append(("replay path: 10 GB sparse", ["verify", str(huge)]))
    rec = tmp / "good.json"
    run(["duel", "rouge", "viola", "--seed", "7", "--quiet", "--record", str(rec)])
    for i, (name, text) in enumerate(replay_cases(rec.read_text())):
        p = tmp / f"r{i}.json"
        p.write_text(text)
        inputs.append((f"replay: {name}", ["verify", str(p)]))
    for args in command_lines(tmp):
        inputs.append((f"command: {' '.join(args)[:70]}", args))
    for args in store_cases(tmp):
        inputs.append((f"results file: {Path(args[args.index('--out') + 1]).name}", args))

    counts = {"clean": 0, "accepted": 0, "failed": 0}
    failures = []
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        for name, args in inputs:
            code, out, err, secs = run(args)
            if secs > 2.0 and code != 0:
                failures.append((name, f"took {secs:.1f} s"))
                counts["failed"] += 1
            elif clean(code, err, args):
                counts["clean"] += 1
            elif code == 0 and "Traceback" not in err:
                counts["accepted"] += 1
                if "-v" in sys.argv:
                    print(f"  accepted {name}")
            else:
                counts["failed"] += 1
                failures.append((name, f"exit {code}: {err.strip()[:300]!r}"))
    finally:
        os.chdir(cwd)
    total = sum(counts.values())
    print(f"{total} hostile inputs: {counts['clean']} refused cleanly, {counts['accepted']} accepted as valid, "
          f"{counts['failed']} not clean")
    for name, why in failures:
        print(f"  NOT CLEAN {name}: {why}")
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main_count())
