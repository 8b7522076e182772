"""The results file of a batch run: SQLite, one row per finished chunk, written as the run goes.

The file holds the command's identity (units, arena, n, seed, bots, pairing, overrides,
chunk size, data hashes) in a `meta` table and, keyed by chunk index, each chunk's totals
and its duels (one transaction per chunk, WAL journal). A killed run loses at most the
chunks in flight; started again with the same command it plays only the missing chunks.
A different command against the same file is refused. Imports the standard library,
numpy and the batch statistics only.
"""

from __future__ import annotations

import io
import json
import sqlite3
import zlib
from pathlib import Path
from typing import Iterator

import numpy as np

from gladiator.batch.stats import Totals
from gladiator.errors import GladiatorError

FORMAT = "gladiator-batch-results"
FORMAT_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS chunks (
    idx INTEGER PRIMARY KEY,
    duels INTEGER NOT NULL,
    totals TEXT NOT NULL,
    rows BLOB NOT NULL
);
"""


class ResultStore:
    """An open results file bound to one command identity."""

    def __init__(self, path: Path | str, identity: dict) -> None:
        """Open (or create) the file and check that it belongs to this command."""
        self.path = Path(path)
        if self.path.is_dir():
            raise GladiatorError(f"--out {self.path}: is a folder, not a results file")
        if not self.path.parent.exists():
            raise GladiatorError(f"--out {self.path}: folder {self.path.parent} does not exist")
        try:
            self.db = sqlite3.connect(str(self.path), timeout=30, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            tables = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if tables and not {"meta", "chunks"} <= tables:
                raise GladiatorError(f"--out {self.path}: an SQLite file but not a gladiator results file; use another file")
            self.db.executescript(_SCHEMA)
            self._bind(identity)
        except sqlite3.DatabaseError as e:
            raise GladiatorError(f"--out {self.path}: cannot use it as a results file: {e}") from None

    def _bind(self, identity: dict) -> None:
        want = json.dumps(identity, sort_keys=True)
        meta = dict(self.db.execute("SELECT key, value FROM meta").fetchall())
        if not meta:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany("INSERT INTO meta VALUES (?, ?)",
                                [("format", FORMAT), ("format_version", str(FORMAT_VERSION)), ("identity", want)])
            self.db.execute("COMMIT")
            return
        if meta.get("format") != FORMAT:
            raise GladiatorError(f"--out {self.path}: not a gladiator results file; use another file")
        have = meta.get("identity", "{}")
        if have != want:
            raise GladiatorError(f"--out {self.path}: holds results of another command ({_difference(json.loads(have), identity)}); "
                                 "run that command again to resume it, or use another file")

    def done(self) -> dict[int, int]:
        """Chunks already stored: index -> number of duels."""
        return dict(self.db.execute("SELECT idx, duels FROM chunks").fetchall())

    def totals(self) -> Totals:
        """Totals over every stored chunk."""
        t = Totals()
        for (text,) in self.db.execute("SELECT totals FROM chunks ORDER BY idx"):
            t.add(Totals.from_json(json.loads(text)))
        return t

    def put(self, index: int, totals: Totals, rows: np.ndarray) -> None:
        """Store one finished chunk in one transaction (a chunk stored twice keeps its first copy)."""
        blob = _pack(rows)
        try:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute("INSERT OR IGNORE INTO chunks VALUES (?, ?, ?, ?)",
                            (int(index), int(totals.n), json.dumps(totals.to_json()), blob))
            self.db.execute("COMMIT")
        except sqlite3.DatabaseError as e:
            try:
                self.db.execute("ROLLBACK")
            except sqlite3.DatabaseError:
                pass
            raise GladiatorError(f"--out {self.path}: cannot store results: {e}") from None

    def rows(self) -> Iterator[np.ndarray]:
        """The stored duels, one chunk at a time, in chunk order."""
        for (blob,) in self.db.execute("SELECT rows FROM chunks ORDER BY idx"):
            yield _unpack(blob)

    def close(self) -> None:
        """Close the file."""
        self.db.close()


def _pack(rows: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, rows, allow_pickle=False)
    return zlib.compress(buf.getvalue(), 1)


def _unpack(blob: bytes) -> np.ndarray:
    return np.load(io.BytesIO(zlib.decompress(blob)), allow_pickle=False)


def _difference(have: dict, want: dict) -> str:
    diffs = []
    for k in sorted(set(have) | set(want)):
        if have.get(k) != want.get(k):
            if k == "hashes":
                diffs.append("the unit or arena data differ")
            else:
                diffs.append(f"{k} {json.dumps(have.get(k))} there, {json.dumps(want.get(k))} now")
    return "; ".join(diffs) or "different settings"
