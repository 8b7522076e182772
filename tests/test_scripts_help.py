"""Every script beside the package (benchmarks/, examples/) answers --help with a description and each option's
default, and refuses a wrong flag in one line."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = sorted([*ROOT.glob("benchmarks/*.py"), *ROOT.glob("examples/*.py")])


def option_blocks(help_text: str) -> dict[str, str]:
    """Each option of an argparse --help, with its whole description (which may run over several lines)."""
    blocks: dict[str, str] = {}
    name = None
    for line in help_text.splitlines():
        m = re.match(r"^  (-[-\w]+(?:, --[-\w]+)?)", line)
        if m:
            name = m.group(1).split(", ")[-1]
            blocks[name] = line
        elif name is not None and re.match(r"^\s{4,}\S", line):
            blocks[name] += " " + line.strip()
        else:
            name = None
    return blocks


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.name for s in SCRIPTS])
def test_a_scripts_help_shows_every_default(script: Path) -> None:
    env = os.environ | {"PYTHONPATH": str(ROOT / "src"), "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    got = subprocess.run([sys.executable, str(script), "--help"], capture_output=True, text=True, env=env, timeout=120)
    assert got.returncode == 0, got.stderr
    assert got.stdout.startswith("usage:"), got.stdout[:300]
    blocks = option_blocks(got.stdout)
    missing = [o for o, text in blocks.items() if o != "--help" and "default" not in text]
    assert not missing, f"{script.name}: no default shown for {missing}"
    bad = subprocess.run([sys.executable, str(script), "--no-such-flag"], capture_output=True, text=True, env=env, timeout=120)
    assert bad.returncode == 2 and "--no-such-flag" in bad.stderr
