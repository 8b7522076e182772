"""A run's spec and the playing of one chunk of its duels at large batch sizes: what every backend calls.

A run of `n` duels is cut into chunks of consecutive duel indices. Duel `i` gets its seed
from (run seed, i) — with pairing, duels 2p and 2p+1 share the seed of pair p and swap
sides — so a duel's result does not depend on the chunk, the batch size or the worker
that played it, and totals are the same however the work is spread. A chunk is played by
`play_duels`, which keeps up to `batch_size` live duels in the engine's arrays, drops the
finished ones after every step and refills the batch from the chunk.
Imports the engine, the driver, bots, catalog and rng; below the local and Dask back ends (`runner`,
`dask_backend`), never a front end.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from gladiator import engine, rng
from gladiator.batch.stats import Totals
from gladiator.bots import Bot, make_bot
from gladiator.bots.source import bot_hashes
from gladiator.catalog.loader import Catalog, canonical_json, content_hash
from gladiator.catalog.schema import Arena, Unit
from gladiator.driver import Play, prepare_bots
from gladiator.errors import GladiatorError
from gladiator.game import DEFAULT_RULES, Game, check_rules, make_game
from gladiator.state import DuelState

DEFAULT_BATCH_SIZE = 8192  # duels a worker steps at once for bots that name no size of their own (`batch_size_for`)
MAX_CHUNK = 32768
MIN_CHUNK = 512
TARGET_CHUNKS = 8
KEEP_GAMES = 8  # games a process keeps built (with their tables) for runs that alternate between arenas or rosters
MAX_DUELS = 2**53  # -n: duel indices and counts stay exact in int64 and float64

# One row per duel: what the CSV and the results file keep.
ROW_DTYPE = np.dtype([
    ("duel", "<i8"), ("seed", "<i8"), ("swapped", "i1"), ("winner", "i1"), ("outcome", "i1"), ("first", "i1"),
    ("turns", "<i4"), ("actions", "<i4"), ("integrity", "<i4", (2,)), ("heat", "<i4", (2,)), ("nectar", "<i4", (2,)),
    ("forfeit", "i1"),  # for a duel forfeited: the refusal code of its pick, or timed_out / bot_died (gladiator.rules.legal), else 0
])


@dataclass(frozen=True)
class BatchSpec:
    """Everything that decides a run's results: the units, arena, data, seed, bots, pairing, size."""

    units: tuple[str, str]
    arena: str
    n: int
    seed: int
    bots: tuple[str, str]
    pairing: bool
    roster: tuple[str, ...]  # canonical JSON of every unit in the game, overrides applied
    arena_data: str  # canonical JSON of the arena
    overrides: tuple[str, ...] = ()
    chunk_size: int = MAX_CHUNK
    disguise: str | None = None  # every named unit able to mimic starts disguised as this unit
    rules: int = DEFAULT_RULES  # the rules version the duels are fought under (`game.RULES_VERSIONS`)
    hashes: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def chunks(self) -> int:
        """Number of chunks of the run."""
        return -(-self.n // self.chunk_size)

    def chunk_range(self, c: int) -> tuple[int, int]:
        """Duel indices [lo, hi) of chunk `c`."""
        lo = c * self.chunk_size
        return lo, min(self.n, lo + self.chunk_size)

    def identity(self) -> dict:
        """The command's identity as stored in a results file (plugin bots' source hashes among `hashes`): a resumed run
        must match it exactly."""
        return {"units": list(self.units), "arena": self.arena, "n": self.n, "seed": self.seed, "bots": list(self.bots),
                "pairing": self.pairing, "overrides": list(self.overrides), "chunk_size": self.chunk_size, "disguise": self.disguise,
                "rules_version": str(self.rules), "hashes": self.hashes}

    def duel_seed(self, i: int) -> int:
        """Seed of duel `i` of the run (replay it with `gladiator duel ... --seed`)."""
        return int(self.seeds(np.array([i]))[0])

    def duel_units(self, i: int) -> tuple[str, str]:
        """The units of duel `i` in side order (A, B): swapped for the second duel of a pair."""
        return (self.units[1], self.units[0]) if self.pairing and i % 2 else self.units

    def seeds(self, idx: np.ndarray) -> np.ndarray:
        """Seeds of duels `idx` (int64)."""
        key = idx // 2 if self.pairing else idx
        return rng.derive_seeds(self.seed, key).astype(np.int64)


def make_spec(catalog: Catalog, units: tuple[str, str], arena: str, n: int, seed: int, bots: tuple[str, str],
              pairing: bool = True, overrides: Sequence[str] = (), disguise: str | None = None,
              rules: int = DEFAULT_RULES) -> BatchSpec:
    """Check a run's parameters and freeze them, with the data it will use (overrides already applied)."""
    if n < 1:
        raise GladiatorError(f"-n must be at least 1, got {n}")
    if n > MAX_DUELS:
        raise GladiatorError(f"-n must be at most 2**53 ({MAX_DUELS}), got {n}")
    if seed < 0:
        raise GladiatorError(f"--seed must be 0 or more, got {seed}")
    if seed >= 2**63:
        raise GladiatorError(f"--seed must be below 2**63, got {seed}")
    rules = check_rules(rules, "--rules")
    for u in units:
        catalog.unit(u)
    ar = catalog.arena(arena)
    for b in bots:
        make_bot(b)
    roster = sorted(catalog.units.values(), key=lambda u: u.id)
    if disguise is not None:
        catalog.unit(disguise)
        if not any("mimic" in catalog.unit(u).abilities and u != disguise for u in units):
            raise GladiatorError(f"--disguise {disguise}: neither {units[0]} nor {units[1]} can start disguised as it "
                                 "(a suit needs the mimic ability, and cannot disguise as itself)")
    hashes = {f"unit:{u.id}": content_hash(u) for u in roster} | {f"arena:{ar.id}": content_hash(ar)} | bot_hashes(bots)
    return BatchSpec(
        units=(units[0], units[1]), arena=arena, n=int(n), seed=int(seed), bots=(bots[0], bots[1]), pairing=pairing,
        roster=tuple(canonical_json(u) for u in roster), arena_data=canonical_json(ar), overrides=tuple(overrides),
        chunk_size=chunk_size_for(n), hashes=hashes, disguise=disguise, rules=rules,
    )


def chunk_size_for(n: int) -> int:
    """Duels per chunk: a function of `n` only (never of workers or batch size), even so pairs stay whole."""
    c = -(-n // TARGET_CHUNKS)
    c = max(MIN_CHUNK, min(MAX_CHUNK, c))
    return c + (c % 2)


@dataclass
class ChunkResult:
    """The duels of one chunk, or of a part of it: their totals and one row per duel."""

    index: int
    totals: Totals
    rows: np.ndarray  # ROW_DTYPE
    lo: int = 0  # the duels [lo, hi) it holds: the whole chunk, or a part of it
    hi: int = 0
    whole: bool = True
    seconds: float = 0.0  # how long they took to play


@dataclass(frozen=True)
class Piece:
    """Duels [lo, hi) of chunk `chunk`: what a worker plays at a time (a chunk, or a part of it sized by time)."""

    chunk: int
    lo: int
    hi: int


def game_of(spec: BatchSpec) -> Game:
    """The spec's Game, built once per process."""
    return game_of_data(spec.roster, spec.arena_data, spec.rules)


def game_of_data(roster: Sequence[str], arena_data: str, rules: int = DEFAULT_RULES) -> Game:
    """The Game of a roster and an arena given as canonical JSON, under rules `rules`, built once per process (the last
    few are kept)."""
    key = hashlib.sha256(("\n".join(roster) + "\n" + arena_data + f"\nrules {rules}").encode()).hexdigest()
    g = _GAMES.pop(key, None)
    if g is None:
        g = make_game([Unit.model_validate_json(u) for u in roster], Arena.model_validate_json(arena_data), rules)
        while len(_GAMES) >= KEEP_GAMES:
            _GAMES.pop(next(iter(_GAMES)))  # the game used longest ago
    _GAMES[key] = g  # the most recent last
    return g


def prepare(spec: BatchSpec) -> Game:
    """The spec's game with the tables the engine and the run's bots would build on first use already built: a process
    that forks workers (they inherit them) or plays the chunks itself builds them once."""
    game = game_of(spec)
    engine.prepare(game)
    prepare_bots(game, [make_bot(b) for b in spec.bots])
    return game


def run_chunk(spec: BatchSpec, c: int, batch_size: int | None = None) -> ChunkResult:
    """Play chunk `c` of a run and count its results (`batch_size` duels at once; by default as its bots ask)."""
    return run_piece(spec, Piece(c, *spec.chunk_range(c)), batch_size)


def run_piece(spec: BatchSpec, piece: Piece, batch_size: int | None = None) -> ChunkResult:
    """Play the duels of `piece` (a chunk or a part of it) and count them: each duel's result is the same whatever
    piece it is played in (`batch_size` duels at once; by default as its bots ask)."""
    started = time.perf_counter()
    game = game_of(spec)
    c, lo, hi = piece.chunk, piece.lo, piece.hi
    idx = np.arange(lo, hi, dtype=np.int64)
    swapped = (idx % 2 == 1) if spec.pairing else np.zeros(idx.shape, bool)
    ia, ib = game.unit_index(spec.units[0]), game.unit_index(spec.units[1])
    pairs = np.where(swapped[:, None], np.array([ib, ia]), np.array([ia, ib])).astype(np.int16)
    seeds = spec.seeds(idx)
    looks = np.full(pairs.shape, -1, dtype=np.int16)
    if spec.disguise is not None:
        d = game.unit_index(spec.disguise)
        looks = np.where(game.tables.can_mimic[pairs] & (pairs != d), d, -1).astype(np.int16)
    bots = (make_bot(spec.bots[0]), make_bot(spec.bots[1]))
    if spec.bots[0] == spec.bots[1]:
        bots = (bots[0], bots[0])  # one bot on both sides: asked once a step for all its duels
    # in a swapped duel, side A is played by the second named unit and its bot
    out = np.zeros(idx.shape[0], dtype=ROW_DTYPE)
    out["duel"], out["seed"], out["swapped"] = idx, seeds, swapped
    tally = engine.new_tally(game, idx.shape[0])
    if spec.bots[0] == spec.bots[1]:
        final, reasons, tally = play_duels(game, pairs, seeds, bots, batch_size, looks)
        out = _rows_of(final, reasons, out)
    else:
        for sw in (False, True):
            sel = np.flatnonzero(swapped == sw)
            if sel.size == 0:
                continue
            side_bots = (bots[1], bots[0]) if sw else bots
            final, reasons, tally[sel] = play_duels(game, pairs[sel], seeds[sel], side_bots, batch_size, looks[sel])
            out[sel] = _rows_of(final, reasons, out[sel])
    totals = totals_with_events(game, out, tally)
    return ChunkResult(c, totals, out, lo, hi, (lo, hi) == spec.chunk_range(c), time.perf_counter() - started)


def play_pairings(game: Game, pairings: Sequence[tuple[str, str]], lo: int, hi: int, seed: int, bot: Bot,
                  batch_size: int | None = None, foe: Bot | None = None) -> list[Totals]:
    """Totals of duels [lo, hi) of each pairing, all played in one batch by one bot on both sides, or by `bot` on the
    first unit of each pairing and `foe` on the second (from whichever side it starts).

    Duel i of a pairing is duel i of `make_spec(..., pairing=True)` with the same seed (same seed,
    same sides), so each pairing's totals, events included, are those of `batch` on the same duels,
    and every roster played at one seed meets the same duels (common random numbers).
    """
    idx = np.arange(lo, hi, dtype=np.int64)
    swapped = idx % 2 == 1
    seeds = rng.derive_seeds(seed, idx // 2).astype(np.int64)
    blocks = []
    for a, b in pairings:
        ia, ib = game.unit_index(a), game.unit_index(b)
        blocks.append(np.where(swapped[:, None], np.array([ib, ia]), np.array([ia, ib])).astype(np.int16))
    k = len(pairings)
    rows = np.zeros(k * idx.shape[0], dtype=ROW_DTYPE)
    rows["duel"], rows["seed"], rows["swapped"] = np.tile(idx, k), np.tile(seeds, k), np.tile(swapped, k)
    units, all_seeds = np.concatenate(blocks), np.tile(seeds, k)
    if foe is None:
        final, reasons, tally = play_duels(game, units, all_seeds, (bot, bot), batch_size)
        rows = _rows_of(final, reasons, rows)
    else:  # a bot plays one side of a batch: the duels in order (the foe on side B), then the swapped ones (on side A)
        parts = []
        for sw in (False, True):
            sel = np.flatnonzero(rows["swapped"] == sw)
            if sel.size:  # (duels [lo, hi) of one duel have one side only)
                final, reasons, part = play_duels(game, units[sel], all_seeds[sel], (foe, bot) if sw else (bot, foe),
                                                  batch_size)
                rows[sel] = _rows_of(final, reasons, rows[sel])
                parts.append((sel, part))
        tally = np.zeros((rows.size,) + parts[0][1].shape[1:], dtype=parts[0][1].dtype)
        for sel, part in parts:
            tally[sel] = part
    return [totals_with_events(game, part, t) for part, t in zip(np.split(rows, k), np.split(tally, k))]


def batch_size_for(bots: Sequence[Bot]) -> int:
    """Duels to step at once for these bots when no size is given: the smallest any of them asks for (a bot's
    `batch_size`), else DEFAULT_BATCH_SIZE. It changes no result, only the speed."""
    return min(int(getattr(b, "batch_size", None) or DEFAULT_BATCH_SIZE) for b in bots)


def totals_of_rows(rows: np.ndarray) -> Totals:
    """Totals of duel rows; wins are counted for the units in the order they were named."""
    w = rows["winner"].astype(np.int64)
    return Totals.from_duels(named_winner(rows), w, rows["outcome"], rows["turns"], rows["first"], rows["actions"])


def totals_with_events(game: Game, rows: np.ndarray, tally: np.ndarray) -> Totals:
    """Totals of duel rows and of their (duels, 2, columns) tally of events, each side's counted for the unit it plays in
    the order the units were named (a swapped duel's side A plays the second)."""
    named = np.where((rows["swapped"] == 1)[:, None, None], tally[:, ::-1], tally)
    return totals_of_rows(rows).count_events(engine.tally_columns(game), named)


def named_winner(rows: np.ndarray) -> np.ndarray:
    """The winner of each duel of `rows` as the unit named first (0) or second (1), -1 for a draw."""
    w = rows["winner"].astype(np.int64)
    return np.where(w < 0, -1, np.where(rows["swapped"] == 1, 1 - w, w))


def play_duels(game: Game, pairs: np.ndarray, seeds: np.ndarray, bots: Sequence[Bot],
               batch_size: int | None = None, looks: np.ndarray | None = None) -> tuple[DuelState, np.ndarray, np.ndarray]:
    """Play duels (roster-index pairs, seeds, and the disguises `looks` they start in) to the end, `batch_size` at a
    time with refills (`driver.Play`); final states in order.

    Only the fields a result needs (`RESULT_FIELDS`) are filled in the returned state; the rest
    are zeros. A bot's illegal pick ends its duel as a forfeit; the second array holds, per duel,
    the refusal code of that pick (0 for the duels that ended otherwise). The third is each duel's
    tally of events by side (`engine.tally_columns`).
    """
    M = int(seeds.shape[0])
    if batch_size is None:
        batch_size = batch_size_for(bots)
    if batch_size < 1:
        raise GladiatorError(f"--batch-size must be at least 1, got {batch_size}")
    final: DuelState | None = None
    nxt = 0
    refill_at = max(1, batch_size // 2)
    reasons = np.zeros(M, dtype=np.int8)
    tally = engine.new_tally(game, M)
    play = Play(game, bots, tally=tally, reasons=reasons)
    while True:
        if nxt < M and (play.live < refill_at or play.live == 0):
            k = min(batch_size - play.live, M - nxt)
            fresh = engine.new_duels(game, pairs[nxt : nxt + k], seeds[nxt : nxt + k],
                                     disguise=None if looks is None else looks[nxt : nxt + k])
            if final is None:
                final = _empty_like(fresh, M)
            left = play.add(fresh, np.arange(nxt, nxt + k, dtype=np.int64))
            nxt += k
        elif play.live:
            left = play.step()
        else:
            break
        left.put(final, RESULT_FIELDS)
    assert final is not None
    return final, reasons, tally


RESULT_FIELDS = ("unit", "winner", "outcome", "first", "turn", "counter", "integrity", "heat", "nectar", "seed", "done")
_GAMES: dict[str, Game] = {}  # the games of the specs this process played last, keyed by the hash of their data


def _empty_like(s: DuelState, M: int) -> DuelState:
    from dataclasses import fields

    return DuelState(**{f.name: np.zeros((M,) + getattr(s, f.name).shape[1:], dtype=getattr(s, f.name).dtype) for f in fields(s)})


def _rows_of(s: DuelState, reasons: np.ndarray, rows: np.ndarray) -> np.ndarray:
    rows = rows.copy()
    rows["forfeit"] = reasons
    rows["winner"] = s.winner
    rows["outcome"] = s.outcome
    rows["first"] = s.first
    rows["turns"] = s.turn
    rows["actions"] = s.counter.astype(np.int64)
    rows["integrity"] = s.integrity
    rows["heat"] = s.heat
    rows["nectar"] = s.nectar
    return rows
