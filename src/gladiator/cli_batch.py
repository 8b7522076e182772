"""Commands of the headless batch runner: batch, matrix, sweep, balance (issue 3)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the batch commands to the `gladiator` app."""
