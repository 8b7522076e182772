"""The `gladiator.cli` package imports down only: common at the bottom, command modules on it, the app on top."""

from __future__ import annotations

import ast
from pathlib import Path

import gladiator.cli

CLI = Path(gladiator.cli.__file__).parent
COMMANDS = ("duel", "catalog", "batch", "tune", "ui")


def _cli_imports(path: Path) -> set[str]:
    """The gladiator.cli modules a file imports (at any depth of the file)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("gladiator.cli"):
            if node.module == "gladiator.cli":
                found |= {f"gladiator.cli.{a.name}" if a.name in COMMANDS + ("common",) else "gladiator.cli" for a in node.names}
            else:
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("gladiator.cli")}
    return found


def test_common_imports_no_other_cli_module():
    assert _cli_imports(CLI / "common.py") == set()


def test_command_modules_import_only_common():
    for name in COMMANDS:
        assert _cli_imports(CLI / f"{name}.py") <= {"gladiator.cli.common"}, name


def test_the_app_and_main_are_on_top():
    from gladiator.cli import app, main

    assert callable(main) and app.registered_commands
    assert {c.name for c in app.registered_commands} >= {"duel", "batch", "play", "validate"}
