"""The `gladiator` command line (typer): the app with every command, and `main`, the entry point.

A front end: it drives the engine, it holds no rule. Every user error is one line on stderr and
exit code 2; never a traceback. The package's layers: `common` (consoles, loading, options) at the
bottom, the command modules (`duel`, `catalog`, `batch`, `ablate`, `analysis`, `tune`, `ui`) on it, this module on top; nothing
imports back up.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
from typing import Any

import typer
import typer.main

try:  # typer 0.2x carries its own copy of click; older ones use click itself
    from typer._click import exceptions as cx
except ImportError:  # pragma: no cover - depends on the typer installed
    from click import exceptions as cx  # type: ignore[no-redef]

from gladiator import RULES_VERSION, __version__
from gladiator.cli import ablate, analysis, batch, catalog, common, duel, tune, ui
from gladiator.cli.common import INTERRUPTED, OutputFailed, drop_unwritten_output, err, fail, guarded_output, out
from gladiator.errors import GladiatorError

RENAMED = {  # old spellings of options, so that an old command line says what to type now
    "--export-size": "--size", "--from-side": "--side", "--units-of": "--unit", "--at": "--turn (a turn, not an action)",
    "--check-n": "--check-duels", "schema --out": "the argument: gladiator schema FOLDER",
    "schema -o": "the argument: gladiator schema FOLDER",
}

app = typer.Typer(
    name="gladiator", help="Gladiator mech duels: one rules engine, a window, a batch runner.",
    no_args_is_help=False, add_completion=True, pretty_exceptions_enable=False, rich_markup_mode=None,
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


for _module in (duel, catalog, batch, ablate, analysis, tune, ui):
    _module.register(app)


def main(argv: list[str] | None = None) -> Any:
    """Entry point of the `gladiator` console script and `python -m gladiator`.

    Every error, a usage error included, is one line on stderr (`error: ...`) and exit code 2 (a standard output
    that cannot be written too: a full disk, a closed pipe, none); Ctrl-C is `interrupted` and exit code 130.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    os.environ.setdefault("SDL_NO_SIGNAL_HANDLERS", "1")  # SIGINT and SIGTERM stay ours when pygame starts SDL
    common.stop_on_signals()
    common.STOP_TOLD = False
    with guarded_output():
        try:
            rv = app(args=args, prog_name="gladiator", standalone_mode=False)
            sys.stdout.flush()  # a full disk or a closed pipe is found here at the latest, while it can still be said
        except cx.UsageError as e:
            fail(usage_line(e))
        except (typer.Abort, KeyboardInterrupt):
            err.print("interrupted", markup=False)
            sys.exit(INTERRUPTED)
        except cx.ClickException as e:
            fail(e.format_message())
        except OutputFailed as e:
            drop_unwritten_output()
            fail(str(e))
        except SystemExit:  # a command's own exit: what it printed must not fail again as Python ends
            try:
                sys.stdout.flush()
            except OutputFailed:
                drop_unwritten_output()
            raise
        except GladiatorError as e:
            fail(as_typed(str(e), args))
        if rv == INTERRUPTED and not common.STOP_TOLD:  # typer turns an interrupt no command caught into a silent 130
            err.print("interrupted", markup=False)
    sys.exit(rv if isinstance(rv, int) and not isinstance(rv, bool) else 0)  # typer.Exit(code) returns its code


def as_typed(message: str, args: list[str]) -> str:
    """An error that starts with an option of the command run, with that option spelled as the user typed it
    (`--duels must be ...` where the user typed `--duels`, though the check says `-n`)."""
    m = re.match(r"-{1,2}[a-z][\w-]*", message)
    words = [a for a in args if not a.startswith("-")]
    group = typer.main.get_command(app)
    commands = getattr(group, "commands", {})
    command = commands.get(words[0]) if m and words else None
    if m is None or command is None:
        return message
    for param in command.params:
        spellings = [*param.opts, *param.secondary_opts]
        if m.group() in spellings:
            return typed(spellings, args, m.group()) + message[m.end():]
    return message


def typed(spellings: list[str], args: list[str], default: str) -> str:
    """The one of an option's spellings the user typed last (`-n5` and `--duels=5` count), else `default`."""
    for arg in reversed(args[: args.index("--")] if "--" in args else args):
        for o in spellings:
            long_form = o.startswith("--") and (arg == o or arg.startswith(o + "="))
            short_form = not o.startswith("--") and not arg.startswith("--") and arg.startswith(o)
            if long_form or short_form:
                return o
    return default


def usage_line(e: Any) -> str:
    """A usage error as one line: the problem, and the closest valid choice or the command's usage."""
    ctx = e.ctx
    where = f"`{ctx.command_path}`" if ctx is not None else "`gladiator`"
    if isinstance(e, cx.NoSuchOption):
        now = RENAMED.get(f"{ctx.info_name if ctx else ''} {e.option_name}") or RENAMED.get(e.option_name)
        if now is not None:
            return f"no such option {e.option_name} for {where}; it is now {now}"
        known = sorted({o for p in (ctx.command.get_params(ctx) if ctx else []) for o in p.opts + p.secondary_opts
                        if o.startswith("-")})  # an argument's name is no option
        close = list(e.possibilities or []) or difflib.get_close_matches(e.option_name, known, n=1, cutoff=0.5)
        hint = f"did you mean {close[0]}?" if close else f"options: {', '.join(o for o in known if o.startswith('--'))}"
        return f"no such option {e.option_name} for {where}; {hint}"
    m = re.match(r"No such command '(.*)'\.", e.message)
    if m is not None and ctx is not None and hasattr(ctx.command, "list_commands"):
        names = sorted(ctx.command.list_commands(ctx))
        close = difflib.get_close_matches(m.group(1), names, n=1, cutoff=0.5)
        hint = f"did you mean {close[0]}?" if close else f"commands: {', '.join(names)}"
        return f"no such command {m.group(1)!r}; {hint}"
    message = " ".join(e.format_message().split())
    message = message[:1].lower() + message[1:]
    if ctx is not None and (isinstance(e, cx.MissingParameter) or not isinstance(e, cx.BadParameter)):
        usage = " ".join(ctx.get_usage().split())
        return f"{message.rstrip('.')}; {usage[:1].lower() + usage[1:]}"
    return message.rstrip(".")


__all__ = ["app", "main"]
