"""The results file of a batch run: SQLite, one row per finished chunk (or part of one), written as the run goes.

The file holds the command's identity (units, arena, n, seed, bots, pairing, overrides,
chunk size, rules version, and the hashes of the unit and arena data and of every plugin bot's
source) in a `meta` table and, keyed by chunk index, each chunk's totals and its duels (one
transaction per chunk, WAL journal). A chunk whose duels are slow is stored in parts (`put_part`,
table `parts`) that become its chunk row when the last arrives. A killed run loses at most the
parts in flight; started again with the same command it plays only what is missing. A different command against the
same file is refused in one line naming what differs. A damaged file (flipped bytes, tampered
rows or metadata, bad JSON) is one line naming it, and nothing in it is written.

An existing file is read without writing (`files.connect_read_only`), so a complete store on a
read-only medium still reads back; the file is created, or written, only when the first chunk is
stored, so a command refused before that leaves no file. Runs of one command may share a file at
once: each chunk is a transaction that keeps the first copy of a chunk (identical in every run),
and the identity is bound inside a transaction, so a second, different command is refused in one
line. Imports the standard library, numpy, the batch statistics and `gladiator.files` only.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import time
import zlib
from pathlib import Path
from typing import Any, Iterator

import numpy as np

from gladiator.batch.stats import Totals
from gladiator.errors import GladiatorError
from gladiator.files import RESULTS_FORMAT, connect_read_only, printable, store_kind

FORMAT = RESULTS_FORMAT
FORMAT_VERSION = 1
BUSY_SECONDS = 30.0  # how long a run waits for another run's transaction on the same file
# What a damaged file can raise on the way in: each becomes one line naming the file.
_DAMAGE = (sqlite3.DatabaseError, ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError, zlib.error, EOFError,
           RecursionError)

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS chunks (
    idx INTEGER PRIMARY KEY,
    duels INTEGER NOT NULL,
    totals TEXT NOT NULL,
    rows BLOB NOT NULL
)""",
    """CREATE TABLE IF NOT EXISTS parts (
    idx INTEGER NOT NULL,
    lo INTEGER NOT NULL,
    duels INTEGER NOT NULL,
    totals TEXT NOT NULL,
    rows BLOB NOT NULL,
    PRIMARY KEY (idx, lo)
)""",
)


class ResultStore:
    """An open results file bound to one command identity."""

    def __init__(self, path: Path | str, identity: dict) -> None:
        """Open the file (read-only) and check that it belongs to this command; a new file is made at the first `put`."""
        self.path = Path(path)
        self.identity = identity
        folder = self.path.parent if str(self.path.parent) else Path(".")
        if self.path.is_dir():
            raise GladiatorError(f"--out {self.path}: is a folder, not a results file")
        if not folder.exists():
            raise GladiatorError(f"--out {self.path}: folder {self.path.parent} does not exist")
        if self.path.exists() and not self.path.is_file():
            raise GladiatorError(f"--out {self.path}: not a regular file; name a results file")
        if not self.path.exists() and not os.access(folder, os.W_OK | os.X_OK):
            raise GladiatorError(f"--out {self.path}: cannot create a results file in {folder} (not writable)")
        self.db: sqlite3.Connection | None = None  # the writing connection, opened by the first `put`
        self._ro: sqlite3.Connection | None = None
        try:
            if self.path.exists() and (self.path.stat().st_size > 0 or Path(f"{self.path}-wal").exists()):
                self._ro = connect_read_only(self.path, BUSY_SECONDS)
                self._check(self._ro, identity)
        except GladiatorError:
            self._close_quietly()
            raise
        except _DAMAGE as e:
            self._close_quietly()
            raise GladiatorError(f"--out {self.path}: cannot use it as a results file ({_why(e)}); nothing in it was "
                                 "changed: use another file") from None

    def _check(self, db: sqlite3.Connection, identity: dict) -> dict[int, int]:
        """Check an existing file without writing to it: format, identity, every chunk's index, size and totals."""
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not tables:
            return {}
        if not {"meta", "chunks"} <= tables:
            raise GladiatorError(f"--out {self.path}: an SQLite file but not a gladiator results file; use another file")
        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        if not meta and not db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]:
            return {}  # made by a run that stored nothing yet
        if meta.get("format") != FORMAT:
            raise GladiatorError(f"--out {self.path}: not a gladiator results file; use another file")
        if meta.get("format_version") != str(FORMAT_VERSION):
            raise GladiatorError(f"--out {self.path}: results file format {meta.get('format_version')!r}, "
                                 f"this version reads {FORMAT_VERSION}; use another file")
        have = _json(meta.get("identity"), "identity")
        if not isinstance(have, dict):
            raise ValueError("identity is not an object")
        self._same(have, identity)
        n, size = int(identity["n"]), int(identity["chunk_size"])
        chunks = -(-n // size)
        sizes: dict[int, int] = {}
        for idx, duels, totals in db.execute("SELECT idx, duels, totals FROM chunks"):
            if not isinstance(idx, int) or not 0 <= idx < chunks:
                raise ValueError(f"chunk index {idx!r} out of range")
            want = min(n, (idx + 1) * size) - idx * size
            if duels != want:
                raise ValueError(f"chunk {idx} holds {duels!r} duels, not {want}")
            _check_totals(Totals.from_json(_json(totals, f"totals of chunk {idx}")), want, idx)
            sizes[idx] = want
        if "parts" in tables:
            for idx, lo, duels, totals in db.execute("SELECT idx, lo, duels, totals FROM parts"):
                if not all(isinstance(v, int) for v in (idx, lo, duels)) or not 0 <= idx < chunks or idx in sizes:
                    raise ValueError(f"a part of chunk {idx!r} out of place")
                if not (idx * size <= lo and duels >= 1 and lo + duels <= min(n, (idx + 1) * size)):
                    raise ValueError(f"a part of chunk {idx} holds duels outside it")
                _check_totals(Totals.from_json(_json(totals, f"totals of a part of chunk {idx}")), duels, idx)
        return sizes

    def _same(self, have: dict, want: dict) -> None:
        """Refuse, in one line naming what differs, a file that holds the results of another command."""
        if json.dumps(have, sort_keys=True) == json.dumps(want, sort_keys=True):
            return
        if have.get("command") != want.get("command"):
            raise GladiatorError(f"--out {self.path}: holds {store_kind(have)}, not {store_kind(want)}; use another file")
        if "rules_version" not in have or "hashes" not in have:
            raise GladiatorError(f"--out {self.path}: {store_kind(have)} of an earlier version, which records no rules "
                                 "version or data hashes: its results cannot be checked against this run; use another file")
        raise GladiatorError(f"--out {self.path}: holds results of another command ({_difference(have, want)}); "
                             "run that command again to resume it, or use another file")

    def _writer(self) -> sqlite3.Connection:
        """The writing connection: made at the first chunk stored, the identity bound inside one transaction."""
        if self.db is not None:
            return self.db
        try:
            db = sqlite3.connect(str(self.path), timeout=BUSY_SECONDS, isolation_level=None)
        except sqlite3.Error as e:
            raise GladiatorError(f"--out {self.path}: cannot store results: {_why(e)}") from None
        try:
            _retry(lambda: db.execute("PRAGMA journal_mode=WAL"))
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("BEGIN IMMEDIATE")
            for statement in _SCHEMA:
                db.execute(statement)
            self._bind(db, self.identity)
            db.execute("COMMIT")
        except BaseException as e:
            _rollback(db)
            db.close()
            if isinstance(e, GladiatorError):
                raise
            if isinstance(e, _DAMAGE):
                raise GladiatorError(f"--out {self.path}: cannot store results: {_why(e)}") from None
            raise
        if self._ro is not None:  # from now on the writer reads too
            self._ro.close()
            self._ro = None
        self.db = db
        return db

    def _bind(self, db: sqlite3.Connection, identity: dict) -> None:
        """Write the identity into a new file, or check it against the file's (inside the caller's transaction)."""
        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        if not meta:
            if db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]:
                raise ValueError("chunks without the command that played them")
            db.executemany("INSERT INTO meta VALUES (?, ?)", [("format", FORMAT), ("format_version", str(FORMAT_VERSION)),
                                                               ("identity", json.dumps(identity, sort_keys=True))])
            return
        if meta.get("format") != FORMAT:
            raise GladiatorError(f"--out {self.path}: not a gladiator results file; use another file")
        have = _json(meta.get("identity", "{}"), "identity")
        if not isinstance(have, dict):
            raise ValueError("identity is not an object")
        self._same(have, identity)

    def done(self) -> dict[int, int]:
        """Chunks already stored: index -> number of duels."""
        with self._reading() as db:
            return dict(db.execute("SELECT idx, duels FROM chunks").fetchall()) if db is not None else {}

    def totals(self) -> Totals:
        """Totals over every stored chunk."""
        t = Totals()
        with self._reading() as db:
            for (text,) in _select(db, "SELECT totals FROM chunks" + (" UNION ALL SELECT totals FROM parts" if _has_parts(db) else "")):
                t.add(Totals.from_json(_json(text, "totals")))
        return t

    def stored(self) -> dict[int, Totals]:
        """The totals of each stored chunk, by chunk index."""
        out: dict[int, Totals] = {}
        with self._reading() as db:
            for idx, text in _select(db, "SELECT idx, totals FROM chunks ORDER BY idx"):
                out[int(idx)] = Totals.from_json(_json(text, "totals"))
        return out

    def put(self, index: int, totals: Totals, rows: np.ndarray) -> None:
        """Store one finished chunk in one transaction (a chunk stored twice keeps its first copy)."""
        blob = _pack(rows)
        db = self._writer()
        try:
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT OR IGNORE INTO chunks VALUES (?, ?, ?, ?)",
                       (int(index), int(totals.n), json.dumps(totals.to_json()), blob))
            db.execute("COMMIT")
        except sqlite3.DatabaseError as e:
            _rollback(db)
            raise GladiatorError(f"--out {self.path}: cannot store results: {_why(e)}") from None

    def put_part(self, index: int, lo: int, totals: Totals, rows: np.ndarray) -> None:
        """Store the duels [lo, lo + n) of chunk `index` in one transaction; the part that completes its chunk turns
        the chunk's parts into one chunk (rows in duel order, totals summed), as `put` would have stored it whole."""
        blob = _pack(rows)
        db = self._writer()
        try:
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT OR IGNORE INTO parts VALUES (?, ?, ?, ?, ?)",
                       (int(index), int(lo), int(totals.n), json.dumps(totals.to_json()), blob))
            parts = db.execute("SELECT duels, totals, rows FROM parts WHERE idx = ? ORDER BY lo", (int(index),)).fetchall()
            if sum(d for d, _, _ in parts) == self._chunk_duels(int(index)):
                whole = Totals()
                for _, text, _ in parts:
                    whole.add(Totals.from_json(_json(text, "totals")))
                joined = _pack(np.concatenate([_unpack(b) for _, _, b in parts]))
                db.execute("INSERT OR IGNORE INTO chunks VALUES (?, ?, ?, ?)",
                           (int(index), int(whole.n), json.dumps(whole.to_json()), joined))
                db.execute("DELETE FROM parts WHERE idx = ?", (int(index),))
            db.execute("COMMIT")
        except sqlite3.DatabaseError as e:
            _rollback(db)
            raise GladiatorError(f"--out {self.path}: cannot store results: {_why(e)}") from None

    def parts(self) -> dict[int, list[tuple[int, int]]]:
        """The duel ranges [lo, hi) stored of each chunk not yet whole, by chunk index."""
        out: dict[int, list[tuple[int, int]]] = {}
        with self._reading() as db:
            if _has_parts(db):
                for idx, lo, duels in _select(db, "SELECT idx, lo, duels FROM parts ORDER BY idx, lo"):
                    out.setdefault(int(idx), []).append((int(lo), int(lo) + int(duels)))
        return out

    def _chunk_duels(self, index: int) -> int:
        """The duels of chunk `index` of this command (its identity's `n` and `chunk_size`)."""
        n, size = int(self.identity["n"]), int(self.identity["chunk_size"])
        return min(n, (index + 1) * size) - index * size

    def rows(self, dtype: Any = None) -> Iterator[np.ndarray]:
        """The stored duels, one chunk at a time, in chunk order (each checked against `dtype` and its duel count)."""
        with self._reading() as db:
            sql = "SELECT idx, -1 AS lo, duels, rows FROM chunks"
            if _has_parts(db):
                sql += " UNION ALL SELECT idx, lo, duels, rows FROM parts"
            for idx, _, duels, blob in _select(db, sql + " ORDER BY idx, lo"):
                rows = _unpack(blob)
                if rows.ndim != 1 or rows.shape[0] != duels or (dtype is not None and rows.dtype != dtype):
                    raise ValueError(f"the duels of chunk {idx} are damaged")
                yield rows

    def items(self) -> Iterator[tuple[int, Totals, np.ndarray]]:
        """Every stored chunk as (index, totals, duels), in index order (each chunk's duels checked against its count)."""
        with self._reading() as db:
            for idx, duels, text, blob in _select(db, "SELECT idx, duels, totals, rows FROM chunks ORDER BY idx"):
                rows = _unpack(blob)
                if rows.ndim != 1 or rows.shape[0] != duels:
                    raise ValueError(f"the duels of chunk {idx} are damaged")
                yield int(idx), Totals.from_json(_json(text, "totals")), rows

    def close(self) -> None:
        """Close the file."""
        self._close_quietly()

    def _reading(self) -> Any:
        return _Reading(self.path, self.db if self.db is not None else self._ro)

    def _close_quietly(self) -> None:
        for name in ("_ro", "db"):  # the writer last: closing it checkpoints the journal into the file
            conn = getattr(self, name)
            if conn is not None:
                try:
                    conn.close()
                except sqlite3.Error:
                    pass
                setattr(self, name, None)


class _Reading:
    """The connection to read from (None: no file yet), turning what a damaged file raises into one line naming it."""

    def __init__(self, path: Path, db: sqlite3.Connection | None) -> None:
        self.path, self.db = path, db

    def __enter__(self) -> sqlite3.Connection | None:
        return self.db

    def __exit__(self, kind: Any, e: Any, tb: Any) -> bool:
        if e is not None and isinstance(e, _DAMAGE) and not isinstance(e, GladiatorError):
            raise GladiatorError(f"--out {self.path}: damaged results file ({_why(e)}); nothing in it was changed") from None
        return False


def _pack(rows: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, rows, allow_pickle=False)
    return zlib.compress(buf.getvalue(), 1)


def _unpack(blob: bytes) -> np.ndarray:
    if not isinstance(blob, bytes):
        raise ValueError("a chunk's duels are not a blob")
    d = zlib.decompressobj()
    raw = d.decompress(blob, 1 << 28)  # at most 256 MB: a chunk holds 32768 rows of 60 bytes
    if d.unconsumed_tail:
        raise ValueError("a chunk's duels are larger than a chunk")
    return np.load(io.BytesIO(raw), allow_pickle=False)


def _select(db: sqlite3.Connection | None, sql: str) -> Any:
    return db.execute(sql) if db is not None else ()


def _has_parts(db: sqlite3.Connection | None) -> bool:
    """Whether the file has the `parts` table (a file made before parts were stored has none)."""
    return db is not None and db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='parts'").fetchone() is not None


def _retry(work: Any) -> Any:
    """Run `work()`, again while another run holds the file (SQLite's busy handler does not cover every statement)."""
    deadline = time.monotonic() + BUSY_SECONDS
    while True:
        try:
            return work()
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) and "busy" not in str(e) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _rollback(db: sqlite3.Connection) -> None:
    if db.in_transaction:
        try:
            db.execute("ROLLBACK")
        except sqlite3.Error:
            pass


def _check_totals(t: Totals, n: int, idx: int) -> None:
    """Totals read back must be whole, non-negative counts that add up to the chunk's duels."""
    def count(v: Any) -> bool:
        return isinstance(v, int) and not isinstance(v, bool) and v >= 0

    ok = (t.n == n and len(t.wins) == 2 and len(t.side_wins) == 2 and all(map(count, [*t.wins, *t.side_wins, *t.turns]))
          and count(t.draws) and count(t.first_wins) and count(t.actions) and sum(t.wins) + t.draws == n
          and all(isinstance(k, str) and count(v) for k, v in t.outcomes.items()) and sum(t.turns) == n)
    if not ok:
        raise ValueError(f"the totals of chunk {idx} do not add up")


def _json(text: Any, what: str) -> Any:
    if not isinstance(text, str):
        raise ValueError(f"{what} is not text")
    return json.loads(text, parse_constant=_no_constant)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} in JSON")


def _why(e: BaseException) -> str:
    text = str(e).splitlines()[0] if str(e) else type(e).__name__
    return text[:160]


def _difference(have: dict, want: dict) -> str:
    diffs = []
    for k in sorted(set(have) | set(want)):
        if have.get(k) != want.get(k):
            if k == "hashes":
                diffs += _hash_differences(have.get(k) or {}, want.get(k) or {})
            else:
                diffs.append(f"{k} {json.dumps(have.get(k))} there, {json.dumps(want.get(k))} now")
    return printable("; ".join(diffs) or "different settings")


def _hash_differences(have: dict, want: dict) -> list[str]:
    """What differs between two `hashes` tables: which unit's or arena's data, which plugin bot's source."""
    out, data = [], False
    for key in sorted(set(have) | set(want)):
        if have.get(key) == want.get(key):
            continue
        kind, _, name = str(key).partition(":")
        if kind == "bot":
            out.append(f"the source of bot {name!r} " + ("was not recorded there (a file of an earlier version)"
                                                          if key not in have else "differs"))
        elif not data:
            data = True
            out.append("the unit or arena data differ" + (f" ({kind} {name})" if name else ""))
    return out or ["the unit or arena data differ"]
