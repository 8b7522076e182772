"""Commands of the pygame window: play, watch, replay (issue 4). Imports pygame only inside commands."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the window commands to the `gladiator` app."""
