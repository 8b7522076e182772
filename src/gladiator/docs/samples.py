"""The `$ gladiator` samples of README.md and docs/*.md: found, run as a user would, and written back as they print now.

A ``` block that starts with `$ gladiator ...` is a sample; one fenced ```text is an excerpt of a run that takes
minutes and is neither run nor rewritten. `tests/test_docs_commands.py` runs the same samples.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Callable

from gladiator.docs.scenes import ROOT, DocsError

def samples(doc: Path) -> list[tuple[str, list[str], list[str]]]:
    """(where, arguments, printed lines) of every ``` block of `doc` (not ```text: an excerpt of a run that takes minutes)
    that starts with `$ gladiator `."""
    return [(where, args, shown) for where, args, shown, _ in _sample_blocks(doc.read_text(encoding="utf-8"), doc.name)]


def sample_docs(root: Path = ROOT) -> list[Path]:
    """The documents whose samples are run: README.md and docs/*.md."""
    return [root / "README.md", *sorted((root / "docs").glob("*.md"))]


def untimed(lines: list[str]) -> list[str]:
    """The lines of a sample's output without those that time the run (never the same twice), right-stripped."""
    return [line.rstrip() for line in lines if not TIMED.match(line)]


def run_sample(args: list[str]) -> tuple[int, list[str]]:
    """Run `gladiator ARGS` as a user would with its output in a file (80 columns, no colour): (exit code, the lines it
    prints; a refused command's error line included)."""
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1", "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    env.pop("TERM", None)
    done = subprocess.run([sys.executable, "-m", "gladiator", *args], capture_output=True, text=True, env=env, cwd=ROOT)
    printed = done.stdout if done.returncode == 0 else done.stdout + done.stderr
    return done.returncode, printed.rstrip("\n").split("\n")


def refresh_samples(root: Path = ROOT, report: Callable[[str], None] = print) -> list[str]:
    """Run every sample of the docs and write what it prints now in place of what the doc shows (a sample whose
    output differs only in its timing lines is left as it is); returns where a sample changed."""
    changed: list[str] = []
    for doc in sample_docs(root):
        text = doc.read_text(encoding="utf-8")
        blocks = _sample_blocks(text, doc.name)
        before = len(changed)
        for where, args, shown, (start, end) in reversed(blocks):  # from the end: earlier offsets stay valid
            code, printed = run_sample(args)
            if code not in (0, 2):
                raise DocsError(f"{where}: `gladiator {' '.join(args)}` failed (exit code {code})")
            if untimed(printed) != untimed(shown):
                text = text[:start] + "\n".join(line.rstrip() for line in printed) + "\n" + text[end:]
                changed.append(where)
        if len(changed) > before:
            doc.write_text(text, encoding="utf-8")
    for where in reversed(changed):
        report(f"{where}: sample output refreshed")
    return changed


TIMED = re.compile(r"^[\d,]+ duels in [\d.]+ s|^Throughput:")  # lines of a sample that time the run


def _sample_blocks(text: str, name: str) -> list[tuple[str, list[str], list[str], tuple[int, int]]]:
    """(where, arguments, printed lines, (start, end) of the printed lines in `text`) of each runnable sample."""
    out = []
    for m in re.finditer(r"```(\w*)\n(.*?)```", text, flags=re.S):
        body = m.group(2)
        lines = body.rstrip("\n").split("\n")
        if m.group(1) == "text" or not lines[0].startswith("$ gladiator "):
            continue
        first = lines[0]
        k = 1
        while first.endswith("\\") and k < len(lines):  # a command continued on the next line
            first, k = first[:-1] + lines[k], k + 1
        where = f"{name}:{text.count(chr(10), 0, m.start()) + 2}"
        start = m.start(2) + len("\n".join(lines[:k])) + 1
        out.append((where, shlex.split(first[len("$ gladiator "):]), lines[k:], (start, m.end(2))))
    return out
