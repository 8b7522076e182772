"""The sample outputs the docs print are what the commands print now: each `$ gladiator ...` block listed here is run
and its output compared line by line with the doc (lines that time the run aside)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TIMED = re.compile(r"^[\d,]+ duels in [\d.]+ s|^Throughput:")  # lines that time the run: never the same twice


def samples(doc: Path, command: str) -> list[tuple[list[str], list[str]]]:
    """(arguments, printed lines) of every ``` block of `doc` that starts with `$ gladiator COMMAND`."""
    out = []
    for block in re.findall(r"```\n(.*?)```", doc.read_text(encoding="utf-8"), flags=re.S):
        lines = block.rstrip("\n").split("\n")
        if lines[0].startswith(f"$ gladiator {command} "):
            out.append((shlex.split(lines[0][len("$ gladiator "):]), lines[1:]))
    return out


ABLATE = samples(ROOT / "docs" / "batch.md", "ablate")


def test_the_docs_show_an_ablate_sample() -> None:
    assert ABLATE, "docs/batch.md shows no `$ gladiator ablate` sample"


@pytest.mark.parametrize("args, shown", ABLATE)
def test_a_docs_sample_prints_what_the_doc_shows(cli, args, shown) -> None:
    code, out, err = cli(*args)
    assert code == 0, err
    got = [line.rstrip() for line in out.rstrip("\n").split("\n") if not TIMED.match(line)]
    want = [line.rstrip() for line in shown if not TIMED.match(line)]
    assert got == want
