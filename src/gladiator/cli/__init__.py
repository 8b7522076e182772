"""The `gladiator` command line (typer): the app with every command, and `main`, the entry point.

A front end: it drives the engine, it holds no rule. Every user error is one line on stderr and
exit code 2; never a traceback. The package's layers: `common` (consoles, loading, options) at the
bottom, the command modules (`duel`, `catalog`, `batch`, `ui`) on it, this module on top; nothing
imports back up.
"""

from __future__ import annotations

import sys
from typing import Any

import typer

from gladiator import RULES_VERSION, __version__
from gladiator.cli import batch, catalog, duel, ui
from gladiator.cli.common import INTERRUPTED, USAGE_ERROR, err, out
from gladiator.errors import GladiatorError

app = typer.Typer(
    name="gladiator", help="Gladiator mech duels: one rules engine, a window, a batch runner.",
    no_args_is_help=False, add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None,
)


@app.callback(invoke_without_command=True)
def _root(ctx: typer.Context,
          version: bool = typer.Option(False, "--version", help="Print the version and exit.")) -> None:
    """With no command, open the title screen (or print a headless duel where there is no display)."""
    if version:
        out.print(f"gladiator {__version__} (rules version {RULES_VERSION})", markup=False)
        raise typer.Exit()
    if ctx.invoked_subcommand is None:
        duel.start()


for _module in (duel, catalog, batch, ui):
    _module.register(app)


def main(argv: list[str] | None = None) -> Any:
    """Entry point of the `gladiator` console script and `python -m gladiator`."""
    try:
        return app(args=argv, standalone_mode=True)
    except SystemExit:
        raise
    except GladiatorError as e:
        err.print(f"error: {e}", markup=False)
        sys.exit(USAGE_ERROR)
    except KeyboardInterrupt:
        err.print("interrupted", markup=False)
        sys.exit(INTERRUPTED)


__all__ = ["app", "main"]
