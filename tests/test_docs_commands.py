"""The sample outputs the docs print are what the commands print now: every ``` block of README.md and docs/*.md that
starts with `$ gladiator ...` is run and its output compared line by line with the doc (lines that time the run
aside). A block fenced ```text is an excerpt of a longer run (its command takes minutes) and is not run."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TIMED = re.compile(r"^[\d,]+ duels in [\d.]+ s|^Throughput:")  # lines that time the run: never the same twice


def samples(doc: Path) -> list[tuple[str, list[str], list[str]]]:
    """(where, arguments, printed lines) of every ``` block of `doc` (not ```text) that starts with `$ gladiator `."""
    out = []
    text = doc.read_text(encoding="utf-8")
    for m in re.finditer(r"```(\w*)\n(.*?)```", text, flags=re.S):
        lines = m.group(2).rstrip("\n").split("\n")
        if m.group(1) != "text" and lines[0].startswith("$ gladiator "):
            where = f"{doc.name}:{text.count(chr(10), 0, m.start()) + 2}"
            out.append((where, shlex.split(lines[0][len("$ gladiator "):]), lines[1:]))
    return out


DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SAMPLES = [sample for doc in DOCS for sample in samples(doc)]


def test_the_docs_show_samples_of_the_main_commands() -> None:
    shown = {args[0] for _, args, _ in SAMPLES}
    assert {"duel", "batch", "ablate"} <= shown, shown


@pytest.mark.parametrize("where, args, shown", SAMPLES, ids=[w for w, _, _ in SAMPLES])
def test_a_docs_sample_prints_what_the_doc_shows(cli, where, args, shown) -> None:
    code, out, err = cli(*args)
    printed = out if code == 0 else out + err  # a sample of a refused command shows its error line
    got = [line.rstrip() for line in printed.rstrip("\n").split("\n") if not TIMED.match(line)]
    want = [line.rstrip() for line in shown if not TIMED.match(line)]
    assert got == want, where
    assert code == 0 or (code == 2 and got[-1].startswith("error: ")), (where, code)
