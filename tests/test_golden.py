"""Golden transcripts: whole duels as a reviewer reads them, diffed when the rules change.

Set GLADIATOR_UPDATE_GOLDEN=1 to rewrite them after an intended change, and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gladiator.bots import make_bot
from gladiator.catalog import load_catalog
from gladiator.duel import game_for, play_duel
from gladiator.narrate import narrate

GOLDEN = Path(__file__).parent / "golden"
CASES = [
    ("rouge", "viola", "concert_hall", 7, "heuristic"),
    ("jaron", "viola", "nectar_depot", 3, "heuristic"),
    ("rouge", "jaron", "rooftops", 11, "heuristic"),
]


@pytest.mark.parametrize("a,b,arena,seed,bot", CASES)
def test_golden_transcript(a: str, b: str, arena: str, seed: int, bot: str) -> None:
    game = game_for(load_catalog(), arena)
    res = play_duel(game, (a, b), seed, (make_bot(bot), make_bot(bot)))
    text = "\n".join(narrate(game, (a, b), res.events)) + "\n"
    path = GOLDEN / f"{a}_{b}_{arena}_{seed}.txt"
    if os.environ.get("GLADIATOR_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden transcript {path}: run with GLADIATOR_UPDATE_GOLDEN=1 and review it"
    assert text == path.read_text(encoding="utf-8"), f"transcript changed: compare with {path}"
