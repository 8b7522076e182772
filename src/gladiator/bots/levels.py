"""Difficulty levels: the names a player picks a bot opponent by (the title screen, `play` and `watch --difficulty`).

Each level is a bot name as `make_bot` takes it. The search bot's two budgets were chosen by
measuring one decision at a time on the 2-core development machine (see docs/window.md), with its
continuations played by the heuristic bot: `hard` takes a median 0.18 s a decision, `brutal` 0.35 s
(at most about 1.1 s). Imports errors only.
"""

from __future__ import annotations

from gladiator.errors import GladiatorError

HARD_BUDGET = 256  # continuations per decision of the search bot at "hard" (its default budget)
BRUTAL_BUDGET = 2048  # and at "brutal"
LEVELS: dict[str, str] = {
    "trivial": "random",
    "easy": "greedy",
    "normal": "heuristic",
    "hard": f"search:budget={HARD_BUDGET}",
    "brutal": f"search:budget={BRUTAL_BUDGET}",
}
DEFAULT_LEVEL = "normal"


def level_bot(level: str) -> str:
    """The bot name of a difficulty level, or a one-line error (GladiatorError) naming the levels."""
    if level not in LEVELS:
        raise GladiatorError(f"unknown difficulty {level!r}; the levels are {', '.join(LEVELS)}")
    return LEVELS[level]


def level_of(bot: str) -> str | None:
    """The difficulty level a bot name stands for, if it is one."""
    return next((lv for lv, name in LEVELS.items() if name == bot), None)
