"""Files the user names: read within limits, written atomically, outputs kept apart.

Reading refuses what is not a regular file (a folder, a FIFO, `/dev/zero`, a symlink to one)
and anything larger than its limit, before reading a byte more than the limit. Writing goes to
a temporary file in the same folder, renamed over the target only when complete, so a full
disk, an error or Ctrl-C never leaves half a file where a good one was. The floor of the
package: imports the standard library and `gladiator.errors` only.
"""

from __future__ import annotations

import os
import stat
import tempfile
import unicodedata
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator, Mapping

from gladiator.errors import GladiatorError

MAX_DATA_BYTES = 1_000_000  # a unit or arena YAML file
MAX_REPLAY_BYTES = 16_000_000  # a replay JSON file

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
    """A temporary file beside `path`, renamed over `path` by `commit` or removed by `discard`."""

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
            os.replace(self.tmp, self.path)
        except OSError as e:
            self.discard()
            raise GladiatorError(f"{self.path}: cannot write {self.what}: {e.strerror or e}") from None

    def discard(self) -> None:
        """Remove the temporary file; the target is as it was."""
        self.f.close()
        try:
            os.unlink(self.tmp)
        except OSError:
            pass


@contextmanager
def atomic_write(path: Path | str, mode: str = "w", what: str = "file") -> Iterator[IO]:
    """Write through a temporary file beside `path`, renamed over it when the block ends without an error."""
    af = AtomicFile(path, mode, what)
    try:
        yield af.f
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
                  stores: tuple[str, ...] = ()) -> None:
    """Refuse, before anything is opened, an output naming another output or an input of the same command.

    `stores` are the options among `outputs` that are SQLite files: their `-wal`, `-shm` and
    `-journal` companions are theirs too.
    """
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
        if opt in stores:
            taken += [(opt, Path(str(path) + s)) for s in ("-wal", "-shm", "-journal")]


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
