"""The identity of a plugin bot's code: a hash of its source files, so stored results name the code that played them.

A built-in bot is part of gladiator (the rules version covers it) and has no hash. A plugin bot (an installed
entry point, or `package.module:Class`) is hashed over its module's file, or over every Python file of the
top-level package it belongs to (a bot often imports helpers beside it), at most `MAX_SOURCE_FILES` files (more: the module alone) and `MAX_SOURCE_BYTES` bytes.
Imports the standard library and `gladiator.bots` only; nothing in the package imports it back.
"""

from __future__ import annotations

import functools
import hashlib
import sys
from pathlib import Path

from gladiator.bots import BUILTIN_BOTS, OPTIONS, bot_class

MAX_SOURCE_FILES = 2000  # Python files of a plugin's package hashed at most
MAX_SOURCE_BYTES = 64_000_000  # and bytes read at most


def source_hash(name: str) -> str | None:
    """sha256 of the source of the plugin bot `name` (options ignored: they are part of the name); None for a built-in.

    A class with no source file to read (made at run time) is named by its module and class only."""
    m = OPTIONS.match(name)
    base = m.group("name") if m else name
    if base in BUILTIN_BOTS:
        return None
    cls = bot_class(base)
    h = hashlib.sha256(f"{cls.__module__}:{cls.__qualname__}".encode())
    total = 0
    for root, f in _source_files(cls):
        try:
            st = f.stat()
            total += st.st_size
            if total > MAX_SOURCE_BYTES:
                break
            digest = _file_digest(str(f), st.st_mtime_ns, st.st_size)
        except OSError:
            digest = b"unreadable"
        h.update(f.relative_to(root).as_posix().encode() + b"\0" + digest)
    return h.hexdigest()


def bot_hashes(names: tuple[str, ...] | list[str]) -> dict[str, str]:
    """`{"bot:NAME": hash}` for each plugin bot among `names` (built-in bots add nothing)."""
    out = {}
    for n in dict.fromkeys(names):
        h = source_hash(n)
        if h is not None:
            out[f"bot:{n}"] = h
    return out


@functools.lru_cache(maxsize=4096)
def _file_digest(path: str, mtime_ns: int, size: int) -> bytes:
    """sha256 of a file, read once per process while its time and size stay the same."""
    return hashlib.sha256(Path(path).read_bytes()).digest()


def _source_files(cls: type) -> list[tuple[Path, Path]]:
    """(root, file) of every source file of the class's module: its top-level package's files, or the module alone."""
    where = getattr(sys.modules.get(cls.__module__), "__file__", None)
    if where is None:
        return []
    path = Path(where).resolve()
    paths = getattr(sys.modules.get(cls.__module__.split(".")[0]), "__path__", None)
    if not paths:
        return [(path.parent, path)]
    root = Path(list(paths)[0]).resolve()
    files = sorted(p for p in root.rglob("*.py") if p.is_file())
    if len(files) > MAX_SOURCE_FILES:  # a huge package: its module alone
        return [(path.parent, path)]
    return [(root.parent, f) for f in files]
