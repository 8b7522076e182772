"""The results file of a batch run: SQLite, one row per finished chunk (or part of one), written as the run goes.

The file holds the command's identity (units, arena, n, seed, bots, pairing, overrides,
chunk size, data hashes) in a `meta` table and, keyed by chunk index, each chunk's totals
and its duels (one transaction per chunk, WAL journal). A chunk whose duels are slow is stored in parts
(`put_part`, table `parts`) that become its chunk row when the last arrives. A killed run loses at most the
parts in flight; started again with the same command it plays only the missing chunks.
A different command against the same file is refused. A damaged file (flipped bytes,
tampered rows or metadata, bad JSON) is one line naming it, and nothing in it is written.
Imports the standard library, numpy and the batch statistics only.
"""

from __future__ import annotations

import io
import json
import sqlite3
import zlib
from pathlib import Path
from typing import Any, Iterator

import numpy as np

from gladiator.batch.stats import Totals
from gladiator.errors import GladiatorError

FORMAT = "gladiator-batch-results"
FORMAT_VERSION = 1
# What a damaged file can raise on the way in: each becomes one line naming the file.
_DAMAGE = (sqlite3.DatabaseError, ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError, zlib.error, EOFError,
           RecursionError)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS chunks (
    idx INTEGER PRIMARY KEY,
    duels INTEGER NOT NULL,
    totals TEXT NOT NULL,
    rows BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS parts (
    idx INTEGER NOT NULL,
    lo INTEGER NOT NULL,
    duels INTEGER NOT NULL,
    totals TEXT NOT NULL,
    rows BLOB NOT NULL,
    PRIMARY KEY (idx, lo)
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
        if self.path.exists() and not self.path.is_file():
            raise GladiatorError(f"--out {self.path}: not a regular file; name a results file")
        self.db = None
        companions = [Path(f"{self.path}{x}") for x in ("-wal", "-shm")]
        before = {c for c in companions if c.exists()}
        try:
            # read-only first: nothing is written until the file is known to be this command's, undamaged
            if self.path.exists() and self.path.stat().st_size > 0:
                ro = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30, isolation_level=None)
                try:
                    self._check(ro, identity)
                finally:
                    ro.close()
            self.db = sqlite3.connect(str(self.path), timeout=30, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(_SCHEMA)
            self._bind(identity)
        except GladiatorError:
            self._close_quietly()
            _remove_new_empty(companions, before)
            raise
        except _DAMAGE as e:
            self._close_quietly()
            _remove_new_empty(companions, before)
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
        if meta.get("format") != FORMAT:
            raise GladiatorError(f"--out {self.path}: not a gladiator results file; use another file")
        if meta.get("format_version") != str(FORMAT_VERSION):
            raise GladiatorError(f"--out {self.path}: results file format {meta.get('format_version')!r}, "
                                 f"this version reads {FORMAT_VERSION}; use another file")
        have = _json(meta.get("identity"), "identity")
        if not isinstance(have, dict):
            raise ValueError("identity is not an object")
        if json.dumps(have, sort_keys=True) != json.dumps(identity, sort_keys=True):
            raise GladiatorError(f"--out {self.path}: holds results of another command ({_difference(have, identity)}); "
                                 "run that command again to resume it, or use another file")
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

    def _bind(self, identity: dict) -> None:
        want = json.dumps(identity, sort_keys=True)
        meta = dict(self.db.execute("SELECT key, value FROM meta").fetchall())
        if not meta:
            if self.db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]:
                raise ValueError("chunks without the command that played them")
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany("INSERT INTO meta VALUES (?, ?)",
                                [("format", FORMAT), ("format_version", str(FORMAT_VERSION)), ("identity", want)])
            self.db.execute("COMMIT")
            return
        if meta.get("format") != FORMAT:
            raise GladiatorError(f"--out {self.path}: not a gladiator results file; use another file")
        have = _json(meta.get("identity", "{}"), "identity")
        if json.dumps(have, sort_keys=True) != want:
            raise GladiatorError(f"--out {self.path}: holds results of another command ({_difference(have, identity)}); "
                                 "run that command again to resume it, or use another file")

    def done(self) -> dict[int, int]:
        """Chunks already stored: index -> number of duels."""
        with self._reading():
            return dict(self.db.execute("SELECT idx, duels FROM chunks").fetchall())

    def totals(self) -> Totals:
        """Totals over every stored chunk."""
        t = Totals()
        with self._reading():
            for (text,) in self.db.execute("SELECT totals FROM chunks UNION ALL SELECT totals FROM parts"):
                t.add(Totals.from_json(_json(text, "totals")))
        return t

    def stored(self) -> dict[int, Totals]:
        """The totals of each stored chunk, by chunk index."""
        out: dict[int, Totals] = {}
        with self._reading():
            for idx, text in self.db.execute("SELECT idx, totals FROM chunks ORDER BY idx"):
                out[int(idx)] = Totals.from_json(_json(text, "totals"))
        return out

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

    def put_part(self, index: int, lo: int, totals: Totals, rows: np.ndarray) -> None:
        """Store the duels [lo, lo + n) of chunk `index` in one transaction; the part that completes its chunk turns
        the chunk's parts into one chunk (rows in duel order, totals summed), as `put` would have stored it whole."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute("INSERT OR IGNORE INTO parts VALUES (?, ?, ?, ?, ?)",
                            (int(index), int(lo), int(totals.n), json.dumps(totals.to_json()), _pack(rows)))
            parts = self.db.execute("SELECT duels, totals, rows FROM parts WHERE idx = ? ORDER BY lo", (int(index),)).fetchall()
            if sum(d for d, _, _ in parts) == self._chunk_duels(int(index)):
                whole = Totals()
                for _, text, _ in parts:
                    whole.add(Totals.from_json(_json(text, "totals")))
                blob = _pack(np.concatenate([_unpack(b) for _, _, b in parts]))
                self.db.execute("INSERT OR IGNORE INTO chunks VALUES (?, ?, ?, ?)",
                                (int(index), int(whole.n), json.dumps(whole.to_json()), blob))
                self.db.execute("DELETE FROM parts WHERE idx = ?", (int(index),))
            self.db.execute("COMMIT")
        except sqlite3.DatabaseError as e:
            try:
                self.db.execute("ROLLBACK")
            except sqlite3.DatabaseError:
                pass
            raise GladiatorError(f"--out {self.path}: cannot store results: {e}") from None

    def parts(self) -> dict[int, list[tuple[int, int]]]:
        """The duel ranges [lo, hi) stored of each chunk not yet whole, by chunk index."""
        out: dict[int, list[tuple[int, int]]] = {}
        with self._reading():
            for idx, lo, duels in self.db.execute("SELECT idx, lo, duels FROM parts ORDER BY idx, lo"):
                out.setdefault(int(idx), []).append((int(lo), int(lo) + int(duels)))
        return out

    def _chunk_duels(self, index: int) -> int:
        identity = _json(dict(self.db.execute("SELECT key, value FROM meta").fetchall())["identity"], "identity")
        n, size = int(identity["n"]), int(identity["chunk_size"])
        return min(n, (index + 1) * size) - index * size

    def rows(self, dtype: Any = None) -> Iterator[np.ndarray]:
        """The stored duels, one chunk at a time, in chunk order (each checked against `dtype` and its duel count)."""
        with self._reading():
            for idx, duels, blob in self.db.execute("SELECT idx, duels, rows FROM chunks UNION ALL "
                                                    "SELECT idx, duels, rows FROM parts ORDER BY idx"):
                rows = _unpack(blob)
                if rows.ndim != 1 or rows.shape[0] != duels or (dtype is not None and rows.dtype != dtype):
                    raise ValueError(f"the duels of chunk {idx} are damaged")
                yield rows

    def items(self) -> Iterator[tuple[int, Totals, np.ndarray]]:
        """Every stored chunk as (index, totals, duels), in index order (each chunk's duels checked against its count)."""
        with self._reading():
            for idx, duels, text, blob in self.db.execute("SELECT idx, duels, totals, rows FROM chunks ORDER BY idx"):
                rows = _unpack(blob)
                if rows.ndim != 1 or rows.shape[0] != duels:
                    raise ValueError(f"the duels of chunk {idx} are damaged")
                yield int(idx), Totals.from_json(_json(text, "totals")), rows

    def close(self) -> None:
        """Close the file."""
        self._close_quietly()

    def _reading(self) -> Any:
        return _Reading(self.path)

    def _close_quietly(self) -> None:
        if self.db is not None:
            try:
                self.db.close()
            except sqlite3.Error:
                pass
            self.db = None


class _Reading:
    """Turn what a damaged file raises while it is read into one line naming it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> None:
        return None

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


def _remove_new_empty(paths: list[Path], before: set[Path]) -> None:
    """Remove the empty -wal/-shm files a refused look at the file left behind (never ones that were there)."""
    wal = paths[0]
    if wal in before or (wal.exists() and wal.stat().st_size > 0):
        return
    for p in paths:
        if p not in before:
            try:
                p.unlink()
            except OSError:
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
                diffs.append("the unit or arena data differ")
            else:
                diffs.append(f"{k} {json.dumps(have.get(k))} there, {json.dumps(want.get(k))} now")
    return "; ".join(diffs) or "different settings"
