"""The pieces a run is handed out in: sized from the pieces already played, before the next is cut."""

from __future__ import annotations

import numpy as np

from gladiator.batch.runner import MAX_PIECE_SECONDS, PIECE_SECONDS, ChunkResult, PieceSizer
from gladiator.batch.stats import Totals
from gladiator.batch.workers import Workers

CHUNK = 32768


def _played(n: int, seconds: float) -> ChunkResult:
    return ChunkResult(0, Totals(), np.zeros(0), 0, n, False, seconds)


def test_a_batch_whose_time_hardly_grows_with_its_duels_soon_plays_whole_chunks() -> None:
    sizer = PieceSizer(CHUNK)
    sizer.learn(_played(16, 0.10))
    assert sizer.size < 1000  # one piece says nothing of what more duels cost: its pace alone (16 * 5 / 0.1)
    sizer.learn(_played(400, 0.12))  # 384 duels more cost 0.02 s (its pace alone says 16,667 duels in 5 s)
    assert sizer.size == CHUNK


def test_duels_that_cost_what_they_add_keep_pieces_near_their_seconds() -> None:
    sizer = PieceSizer(CHUNK)
    sizer.learn(_played(16, 0.1))
    sizer.learn(_played(160, 1.0))  # time grows with the duels: 1/160 s a duel
    assert abs(sizer.size - 160 * PIECE_SECONDS) <= 2


def test_a_piece_never_grows_past_what_its_own_pace_plays_in_the_longest_piece_time() -> None:
    sizer = PieceSizer(10**9)
    sizer.learn(_played(16, 0.5))
    sizer.learn(_played(200, 0.4))  # faster than the smaller piece (noise): the fit says nothing
    assert sizer.size <= 200 * MAX_PIECE_SECONDS / 0.4 + 2


def _double(x: int) -> int:
    return 2 * x


def test_the_next_item_is_cut_after_the_result_before_it_is_seen() -> None:
    seen: list[int] = []

    def items():  # each item says how many results had been seen when it was cut
        for _ in range(4):
            yield len(seen)

    with Workers(1) as pool:
        got = [value for _, value in pool.imap(_double, items(), 1, seen=seen.append)]
    assert got == [0, 2, 4, 6]


def test_the_rest_of_a_chunk_short_of_two_pieces_is_one_piece(catalog) -> None:
    """Every piece ends by draining its batch (whole steps for a few duels): no chunk is cut into a piece and a stub."""
    from gladiator.batch.runner import make_spec, pieces

    spec = make_spec(catalog, ("rouge", "viola"), "concert_hall", 1100, 0, ("greedy", "greedy"))
    assert spec.chunk_size == 512
    sizer = PieceSizer(spec.chunk_size)
    sizer.learn(_played(100, PIECE_SECONDS / 2))  # the next piece: 200 duels; the rest of a chunk may be 399
    got = [(p.chunk, p.lo, p.hi) for p in pieces(spec, sizer=sizer)]
    assert got == [(0, 0, 200), (0, 200, 512), (1, 512, 712), (1, 712, 1024), (2, 1024, 1100)]


def test_a_rest_is_one_piece_only_within_the_longest_piece_time() -> None:
    sizer = PieceSizer(10**6)
    sizer.learn(_played(100, 2 * MAX_PIECE_SECONDS))  # slow duels: 100 duels in 2 minutes
    assert sizer.size == 50 and sizer.most == 50  # a rest of 51 duels or more is cut: a piece stays within a minute
