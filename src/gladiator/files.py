"""Files the user names: read within limits, written atomically, outputs kept apart, results never replaced.

Reading refuses what is not a regular file (a folder, a FIFO, `/dev/zero`, a symlink to one)
and anything larger than its limit, before reading a byte more than the limit. Writing goes to
a temporary file in the same folder, renamed over the target only when complete, so a full
disk, an error or Ctrl-C never leaves half a file where a good one was. An output that would
replace a result (a results store, a tune study, a replay: recognised by content) is refused
unless forced. The floor of the package: imports the standard library and `gladiator.errors` only.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import tempfile
import unicodedata
import urllib.parse
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator, Mapping

from gladiator.errors import GladiatorError

MAX_DATA_BYTES = 1_000_000  # a unit or arena YAML file
MAX_REPLAY_BYTES = 16_000_000  # a replay JSON file
RESULTS_FORMAT = "gladiator-batch-results"  # the `format` of a results store's meta table (batch, ladder, ablate)
REPLAY_FORMAT = "gladiator-replay"  # the `format` of a replay file
SQLITE_HEADER = b"SQLite format 3\x00"
STORE_KINDS = {None: "a batch results store", "ladder": "a ladder store", "ablate": "an ablate store"}  # by `command`
STUDY = "a tune study"
REPLAY = "a replay"
UNREADABLE = "an SQLite file that cannot be read (it may hold results)"

# Bidirectional overrides reorder what a terminal shows: as unwelcome in data text as escape codes.
_BIDI = {"\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"}


def read_limited(path: Path | str, limit: int, what: str = "file") -> bytes:
    """The bytes of a regular file of at most `limit` bytes; else a one-line error naming the file."""
    p = Path(path)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise GladiatorError(f"{p}: no such file") from None
    except OSError as e:
        raise GladiatorError(f"{p}: cannot read {what}: {e.strerror or e}") from None
    if stat.S_ISDIR(st.st_mode):
        raise GladiatorError(f"{p}: is a folder, not a {what}")
    if not stat.S_ISREG(st.st_mode):
        raise GladiatorError(f"{p}: not a regular file (a device, FIFO or socket), not a {what}")
    if st.st_size > limit:
        raise GladiatorError(f"{p}: {what} is {st.st_size} bytes, larger than the limit of {limit} bytes")
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):  # swapped since the stat above
                raise GladiatorError(f"{p}: not a regular file, not a {what}")
            data = f.read(limit + 1)
    except OSError as e:
        raise GladiatorError(f"{p}: cannot read {what}: {e.strerror or e}") from None
    if len(data) > limit:
        raise GladiatorError(f"{p}: {what} is larger than the limit of {limit} bytes")
    return data


class AtomicFile:
    """A temporary file beside `path`, renamed over `path` by `commit` or removed by `discard`; the file put in place
    has the mode of the file it replaces, or else the one the user's umask gives a new file (`new_file_mode`)."""

    def __init__(self, path: Path | str, mode: str = "w", what: str = "file") -> None:
        p = Path(path)
        folder = p.parent if str(p.parent) else Path(".")
        if p.is_dir():
            raise GladiatorError(f"{p}: cannot write {what}: is a folder; name a file")
        if p.exists() and not p.is_file():  # renaming over /dev/null or a FIFO would replace it
            raise GladiatorError(f"{p}: cannot write {what}: not a regular file (a device, FIFO or socket); name a file")
        if not folder.is_dir():
            raise GladiatorError(f"{p}: cannot write {what}: folder {folder} does not exist")
        try:
            fd, self.tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=folder)
        except OSError as e:
            raise GladiatorError(f"{p}: cannot write {what}: {e.strerror or e}") from None
        self.path, self.what = p, what
        self.f: IO = os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": "utf-8", "newline": ""}))

    def commit(self) -> None:
        """Flush the temporary file to disk and rename it over the target."""
        try:
            self.f.flush()
            os.fsync(self.f.fileno())
            self.f.close()
            os.chmod(self.tmp, _mode_for(self.path))  # mkstemp made it 0600 whatever the umask
            os.replace(self.tmp, self.path)
        except OSError as e:
            self.discard()
            raise GladiatorError(f"{self.path}: cannot write {self.what}: {e.strerror or e}") from None

    def discard(self) -> None:
        """Remove the temporary file; the target is as it was (even when closing it fails: a full disk)."""
        try:
            self.f.close()
        except (OSError, ValueError):
            pass
        try:
            os.unlink(self.tmp)
        except OSError:
            pass


def new_file_mode() -> int:
    """The permission bits a new file gets under the user's umask (0666 less the umask: 0644 under umask 022)."""
    mask = os.umask(0o22)  # the only way to read the umask before Python 3.13: set it, then put it back at once
    os.umask(mask)
    return 0o666 & ~mask


def _mode_for(path: Path) -> int:
    """The mode of the file at `path` being replaced, or a new file's under the umask."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return new_file_mode()


@contextmanager
def atomic_write(path: Path | str, mode: str = "w", what: str = "file") -> Iterator[IO]:
    """Write through a temporary file beside `path`, renamed over it when the block ends without an error."""
    af = AtomicFile(path, mode, what)
    try:
        yield af.f
    except OSError as e:  # a full disk while writing: one line naming the file, no temporary file left
        af.discard()
        raise GladiatorError(f"{af.path}: cannot write {what}: {e.strerror or e}") from None
    except BaseException:
        af.discard()
        raise
    af.commit()


def write_text_atomic(path: Path | str, text: str, what: str = "file") -> None:
    """Write `text` to `path` through a temporary file and a rename."""
    with atomic_write(path, "w", what) as f:
        f.write(text)


def same_file(a: Path | str, b: Path | str) -> bool:
    """True if two paths name one file (resolved through links, or the same inode where both exist)."""
    pa, pb = Path(a), Path(b)
    try:
        if pa.exists() and pb.exists():
            return os.path.samefile(pa, pb)
    except OSError:
        pass
    return os.path.realpath(pa) == os.path.realpath(pb)


def check_outputs(outputs: Mapping[str, Path | str | None], inputs: Mapping[str, Path | str | None] | None = None,
                  stores: Mapping[str, str] | None = None, force: bool = False) -> None:
    """Refuse, before anything is opened, an output naming another output or an input of the same command, or a
    file that holds a result (a results store, a ladder store, a tune study, a replay) unless `force`.

    `stores` maps the options among `outputs` that are SQLite stores to the kind of result they resume (from
    `STORE_KINDS` or `STUDY`): a store of that kind is theirs to resume, any other result is refused even with
    `force`. Their `-wal`, `-shm` and `-journal` companions are theirs too.
    """
    kinds = dict(stores or {})
    taken: list[tuple[str, Path]] = []
    for opt, p in (inputs or {}).items():
        if p is not None:
            taken.append((opt, Path(p)))
    for opt, p in outputs.items():
        if p is None:
            continue
        path = Path(p)
        for other, q in taken:
            if same_file(path, q):
                raise GladiatorError(f"{opt} {path} is the file of {other}; name a different file "
                                     "(nothing was written)")
        taken.append((opt, path))
        if opt in kinds:
            taken += [(opt, Path(str(path) + s)) for s in ("-wal", "-shm", "-journal")]
        held = result_kind(path)
        if held is None:
            continue
        if opt in kinds:  # the store resumes its own kind; a damaged one is the store's to report
            if held not in (kinds[opt], UNREADABLE):
                raise GladiatorError(f"{opt} {path}: holds {held}, not {kinds[opt]}; name another file (nothing was written)")
        elif not force:
            raise GladiatorError(f"{opt} {path}: holds {held}; name another file, or add --force to replace it "
                                 "(nothing was written)")


def result_kind(path: Path | str) -> str | None:
    """What result a file holds, recognised by its content: a results store (`STORE_KINDS`), a tune study, a replay, an
    SQLite file that cannot be read (it may be one); None for anything else (a CSV, a picture, no file at all)."""
    p = Path(path)
    try:
        st = os.stat(p)
        wal = os.stat(f"{p}-wal").st_size if os.path.exists(f"{p}-wal") else 0
        if not stat.S_ISREG(st.st_mode):
            return None
        with open(p, "rb") as f:
            head = f.read(len(SQLITE_HEADER))
    except OSError:
        return None
    if head == SQLITE_HEADER or (st.st_size == 0 and wal > 0):
        return _sqlite_kind(p)
    if head.lstrip()[:1] == b"{" and st.st_size <= MAX_REPLAY_BYTES:
        try:
            data = json.loads(read_limited(p, MAX_REPLAY_BYTES, "replay"))
        except (GladiatorError, ValueError, RecursionError):
            return None
        return REPLAY if isinstance(data, dict) and data.get("format") == REPLAY_FORMAT else None
    return None


def connect_read_only(path: Path | str, timeout: float = 30.0) -> sqlite3.Connection:
    """An SQLite connection that never writes: `mode=ro`, or `immutable=1` where no other connection can be writing
    (no `-wal` file) or none could create its `-shm` (a read-only folder): it then creates no file beside it."""
    p = Path(path)
    folder = p.parent if str(p.parent) else Path(".")
    live = os.path.exists(f"{p}-wal")
    shm = os.path.exists(f"{p}-shm") or os.access(folder, os.W_OK)
    extra = "" if live and shm else "&immutable=1"
    uri = f"file:{urllib.parse.quote(str(p.absolute()))}?mode=ro{extra}"
    return sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None)


def store_kind(identity: object) -> str:
    """The kind of results store an identity (its `command`) belongs to, as messages name it."""
    command = identity.get("command") if isinstance(identity, dict) else None
    return STORE_KINDS.get(command, f"a {command} results store")


def _sqlite_kind(p: Path) -> str | None:
    try:
        db = connect_read_only(p, timeout=5)
        try:
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if {"meta", "chunks"} <= tables:
                meta = dict(db.execute("SELECT key, value FROM meta WHERE key IN ('format', 'identity')").fetchall())
                if meta.get("format") != RESULTS_FORMAT:
                    return None
                try:
                    return store_kind(json.loads(meta.get("identity") or "{}"))
                except (ValueError, RecursionError):
                    return STORE_KINDS[None]
            if {"studies", "trials"} <= tables:
                return STUDY
            return None
        finally:
            db.close()
    except (sqlite3.Error, ValueError):  # damaged: bad pages, text that is not UTF-8
        return UNREADABLE


def printable(text: str) -> str:
    """`text` with control characters and bidirectional overrides shown as escapes, never sent to the terminal."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c == " " else _escape(c) for c in text)


def unsafe_char(text: str, allow_newlines: bool = False) -> str | None:
    """The first control character or bidirectional override in `text` (None if there is none)."""
    for c in text:
        if c in _BIDI or (unicodedata.category(c) == "Cc" and not (allow_newlines and c in "\n\t")):
            return c
    return None


def _escape(c: str) -> str:
    return repr(c)[1:-1] if ord(c) < 0x10000 else f"\\U{ord(c):08x}"
