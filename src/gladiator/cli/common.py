"""What every command of the `gladiator` command line shares: the consoles, loading the catalog, bot names,
option definitions and the one-line error.

The bottom of the `gladiator.cli` package: the command modules import it, it imports none of them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console

from gladiator.errors import GladiatorError

USAGE_ERROR = 2
INTERRUPTED = 130

out = Console(highlight=False, soft_wrap=True, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)  # user text like "a:b:" stays as typed

# ---- options more than one command takes ----
UnitsOpt = typer.Option(None, "--units", help="Add a folder (or file) of your own unit YAML files; may repeat.")
ArenasOpt = typer.Option(None, "--arenas", help="Add a folder (or file) of your own arena YAML files; may repeat.")
ArenaOpt = typer.Option("concert_hall", "--arena", "-a", help="Arena id.")


def load(units: Optional[list[Path]], arenas: Optional[list[Path]]):  # type: ignore[no-untyped-def]
    """The catalog: shipped data plus the user's folders."""
    from gladiator.catalog.loader import load_catalog

    return load_catalog(units or [], arenas or [])


def data_files(cat: Any) -> dict[str, Path]:
    """The unit and arena files a command read, by what they hold ('unit rouge'): no output may overwrite them."""
    return {key.replace(":", " "): Path(src) for key, src in cat.sources.items()}


def check_bot(name: str) -> str:
    """`name` if it is a known bot, else a one-line error listing the known ones."""
    from gladiator.bots import make_bot

    make_bot(name)
    return name


def pick_bots(bot: Optional[str], bot_a: Optional[str], bot_b: Optional[str]) -> tuple[str, str]:
    """Bot names of both sides from --bot / --bot-a / --bot-b (default greedy)."""
    names = (bot_a or bot or "greedy", bot_b or bot or "greedy")
    for n in names:
        check_bot(n)
    return names


def fail(message: str, code: int = USAGE_ERROR) -> None:
    """Print `error: message` as one line on stderr and exit with `code`."""
    err.print(f"error: {message}", markup=False)
    sys.exit(code)


def id_column(col: str, items: dict[str, Any]) -> dict[str, Any]:
    """Column options that keep ids whole on a narrow terminal: they are what the user types."""
    return {"no_wrap": True, "min_width": max(map(len, items), default=2)} if col == "id" else {}


def has_display() -> bool:
    """True where a window could open (a display variable, or Windows / macOS)."""
    if os.environ.get("SDL_VIDEODRIVER") == "dummy":
        return False
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) or sys.platform in ("win32", "darwin")
