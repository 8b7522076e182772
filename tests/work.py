"""Bounded-work checks for the hostile tests: what a call did, counted in calls and bytes, never in seconds.

`measured()` counts every function call (Python and C) made inside it and the peak of memory it allocated;
a hostile input that makes the program loop, expand or read without bound blows one of the two, on any machine
however loaded. (A hang is caught by the test's own timeout, not by a clock in an assert.)
"""

from __future__ import annotations

import sys
import tracemalloc
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

CALLS = 5_000_000  # function calls: `units` or a batch of 200 duels make about 300,000
BYTES = 200_000_000  # peak bytes allocated: a first batch builds its game and tables in about 60 MB


@dataclass
class Work:
    """Function calls made and the peak of bytes allocated."""

    calls: int = 0
    peak: int = 0

    def check(self, calls: int = CALLS, peak: int = BYTES) -> None:
        """Fail unless the work stayed within `calls` calls and `peak` bytes."""
        assert self.calls <= calls, f"{self.calls:,} function calls (bound {calls:,})"
        assert self.peak <= peak, f"{self.peak:,} bytes at the peak (bound {peak:,})"


@contextmanager
def measured() -> Iterator[Work]:
    """Count the work done inside the block into the `Work` it yields."""
    work = Work()
    owner = not tracemalloc.is_tracing()
    if owner:
        tracemalloc.start()
    tracemalloc.reset_peak()
    old = sys.getprofile()

    def count(frame, event, arg):  # type: ignore[no-untyped-def]
        if event in ("call", "c_call"):
            work.calls += 1

    sys.setprofile(count)
    try:
        yield work
    finally:
        sys.setprofile(old)
        work.peak = tracemalloc.get_traced_memory()[1]
        if owner:
            tracemalloc.stop()
