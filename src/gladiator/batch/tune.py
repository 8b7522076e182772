"""`gladiator tune`: search free unit and arena fields for a roster whose cells sit in their bands.

The objective is the distance of the measured cells to their bands (each narrowed by the spec's
margin; 0 inside), summed. Candidates come from Optuna's TPE sampler (the random start, then one
trial in four) and from the local model of `tune_model` (the others): a straight-line fit of every
cell around the best. Every candidate plays the same duels (one run seed: common random numbers),
in rounds of growing duels a cell; after a round a candidate stops (racing) when it is behind the
best after the same round (`behind`). A study in an SQLite file makes a run resumable; the winner
is measured again at a seed the search never used, and becomes a minimal edit of the files.
Optuna is imported lazily, here only.
Imports the batch runner, stats, overrides, the tune spec and model and the catalog; never a front end.
"""

from __future__ import annotations

import hashlib
import json
import math
import sqlite3
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from gladiator.batch.overrides import get_field, owner, set_field, split_path
from gladiator.batch.runner import game_of_data, play_pairings, worker_pool
from gladiator.batch.stats import Totals, wilson
from gladiator.batch.tune_model import Axis, propose
from gladiator.batch.tune_spec import Cell, Parameter, TuneSpec, cells_of, pairings_of
from gladiator.bots import make_bot
from gladiator.catalog.edit import line_of, replace_scalars
from gladiator.catalog.loader import Catalog, canonical_json, content_hash, parse_yaml, validate_data
from gladiator.catalog.schema import Arena, Unit
from gladiator.errors import DataErrors, GladiatorError
from gladiator.files import MAX_DATA_BYTES, read_limited, write_text_atomic
from gladiator.game import DEFAULT_RULES

INSTALL_HINT = "gladiator tune needs Optuna: pip install 'gladiator[tune]'"
MODEL_EVERY = (3, 4)  # after the random start, 3 trials of every 4 come from the local model, the fourth from TPE
MIN_PANEL = 4096  # duels worth a worker of their own: a smaller panel is not cut (each part builds the game again)


# ---- playing duels ----
@dataclass(frozen=True)
class Panel:
    """Duels [lo, hi) of every pairing of one arena for one roster: what one worker plays at a time."""

    roster: tuple[str, ...]  # canonical JSON of every unit
    arena: str  # canonical JSON of the arena
    pairings: tuple[tuple[str, str], ...]
    lo: int
    hi: int
    seed: int
    bot: str
    batch_size: int | None
    rules: int = DEFAULT_RULES  # the rules version the duels are fought under
    foe: str | None = None  # the bot that plays the second unit of each pairing (None: `bot`)


def play_panel(panel: Panel) -> list[Totals]:
    """The totals of each pairing of a panel (a top-level function: worker processes call it)."""
    return play_pairings(game_of_data(panel.roster, panel.arena, panel.rules), panel.pairings, panel.lo, panel.hi, panel.seed,
                         make_bot(panel.bot), panel.batch_size, None if panel.foe is None else make_bot(panel.foe))


class Duels:
    """Plays the duels a tune asks for, in this process or on a pool of worker processes; counts them."""

    def __init__(self, workers: int = 1, batch_size: int | None = None) -> None:
        self.workers, self.batch_size, self.played = workers, batch_size, 0
        self.pool = worker_pool(workers) if workers > 1 else None

    def measure(self, catalog: Catalog, pairings: dict[str, list[tuple[str, ...]]], lo: int, hi: int, seed: int,
                bot: str, rules: int = DEFAULT_RULES) -> dict[tuple[str, tuple[str, ...]], Totals]:
        """Totals of duels [lo, hi) of every pairing on every arena under rules `rules`, keyed (arena, pairing): `bot` on
        both sides, or (a pairing of three) `bot` on its first unit and the bot named third on its second."""
        roster = tuple(canonical_json(u) for u in sorted(catalog.units.values(), key=lambda u: u.id))
        tasks: list[Panel] = []
        for arena, listed in pairings.items():
            data = canonical_json(catalog.arena(arena))
            by_foe: dict[str | None, list[tuple[str, str]]] = {}  # a panel's pairings share the bots of its sides
            for p in listed:
                by_foe.setdefault(p[2] if len(p) > 2 else None, []).append((p[0], p[1]))
            for foe, pairs in by_foe.items():
                parts = max(1, min(self.workers, (hi - lo) * len(pairs) // MIN_PANEL))
                for a, b in _splits(lo, hi, parts):
                    tasks.append(Panel(roster, data, tuple(pairs), a, b, seed, bot, self.batch_size, rules, foe))
        if self.pool is not None and len(tasks) > 1:
            done = {id(t): r for t, r in self.pool.imap(play_panel, tasks, what=lambda t: f"duels {t.lo} to {t.hi - 1}")}
            results = [done[id(t)] for t in tasks]
        else:
            results = [play_panel(t) for t in tasks]
        out: dict[tuple[str, tuple[str, ...]], Totals] = {}
        arenas = {canonical_json(catalog.arena(a)): a for a in pairings}
        for task, res in zip(tasks, results):
            for pair, t in zip(task.pairings, res):
                out.setdefault((arenas[task.arena], pair if task.foe is None else pair + (task.foe,)), Totals()).add(t)
                self.played += t.n
        return out

    def close(self) -> None:
        """Stop the worker processes."""
        if self.pool is not None:
            self.pool.close()
            self.pool = None


# ---- the objective ----
@dataclass(frozen=True)
class Figure:
    """A cell as measured: k of n (wins of all duels; for a first mover, its wins of the decisive duels; for stalls, the
    draws and shutdowns of all duels; for an event, the duels in which the row unit's event is counted, a mirror's
    over both sides' duels; for a script, the row unit's wins against the script)."""

    cell: Cell
    k: int
    n: int

    @property
    def rate(self) -> float:
        """The measured share."""
        return self.k / self.n if self.n else 0.5

    @property
    def interval(self) -> tuple[float, float]:
        """Its Wilson 95% interval."""
        return wilson(self.k, self.n)

    @property
    def distance(self) -> float:
        """How far the share is outside the band (0 inside)."""
        return _gap(self.rate, self.rate, self.cell.band)

    @property
    def optimistic(self) -> float:
        """How far the interval's nearest end is outside the band: the least distance the cell may have."""
        lo, hi = self.interval
        return _gap(hi, lo, self.cell.band)

    @property
    def pessimistic(self) -> float:
        """How far the interval's farthest end is outside the band: 0 when the whole interval is inside."""
        lo, hi = self.interval
        b_lo, b_hi = self.cell.band
        return max(0.0, b_lo - lo, hi - b_hi)

    @property
    def inside(self) -> bool:
        """True when the share is inside the band."""
        return self.distance == 0.0


def figures(cells: list[Cell], totals: dict[tuple[str, tuple[str, ...]], Totals]) -> list[Figure]:
    """Each cell's figure read from the totals of its pairing."""
    out = []
    for c in cells:
        t = totals[(c.arena, c.pairing)]
        if c.kind == "first":
            out.append(Figure(c, t.first_wins, t.decisive))
        elif c.kind == "stall":
            out.append(Figure(c, t.stalled, t.n))
        elif c.kind == "event":
            sides = [0, 1] if c.row == c.col else [0 if c.pairing[0] == c.row else 1]
            out.append(Figure(c, sum(t.duels_with_event(k, c.event) for k in sides), t.n * len(sides)))
        elif c.kind == "script":  # the row is named first
            out.append(Figure(c, t.wins[0], t.n))
        else:
            out.append(Figure(c, t.wins[0 if c.pairing[0] == c.row else 1], t.n))
    return out


def distances(figs: list[Figure], margin: float = 0.0) -> tuple[float, float, float]:
    """(distance, optimistic distance, pessimistic distance) of a roster: each summed over its cells. The first two are
    measured against each band narrowed by `margin` on both sides (what the search aims at), the last against the band."""
    aims = [(f, _narrow(f.cell.band, margin)) for f in figs]
    return (math.fsum(_gap(f.rate, f.rate, aim) for f, aim in aims),
            math.fsum(_gap(f.interval[1], f.interval[0], aim) for f, aim in aims),
            math.fsum(f.pessimistic for f in figs))


# ---- the problem ----
@dataclass
class Problem:
    """What a tune searches: the spec, the starting roster (the files with `--set` applied), the bot, the cells."""

    spec: TuneSpec
    catalog: Catalog
    sets: tuple[str, ...] = ()
    bot: str = ""
    cells: list[Cell] = field(default_factory=list)
    pairings: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.bot = self.bot or self.spec.bot
        make_bot(self.bot)
        self.cells = cells_of(self.spec)
        self.pairings = pairings_of(self.cells)

    @property
    def params(self) -> list[Parameter]:
        """The free parameters."""
        return self.spec.parameters

    def values(self, catalog: Catalog | None = None) -> dict[str, Any]:
        """The free parameters' values in a catalog (the starting roster's by default)."""
        cat = catalog or self.catalog
        out = {}
        for p in self.params:
            oid, parts = split_path(p.field, p.field)
            out[p.field] = get_field(owner(cat, oid, p.field), parts, p.field)
        return out

    def roster(self, values: dict[str, Any]) -> Catalog:
        """The starting roster with the free parameters set to `values` (validated like the files)."""
        cat = self.catalog
        for p in self.params:
            oid, parts = split_path(p.field, p.field)
            cat = set_field(cat, oid, parts, values[p.field], f"{p.field}={values[p.field]}")
        return cat

    def identity(self, seed: int) -> str:
        """The study's name: a hash of everything that decides its trials (spec, data, --set, bot and, for a plugin
        bot, its source, seed, rules): a study resumed after any of them changed is a new study, never a mix."""
        from gladiator.bots.source import source_hash

        data = {f"unit:{u.id}": content_hash(u) for u in self.catalog.units.values()}
        data |= {f"arena:{a}": content_hash(self.catalog.arena(a)) for a in self.spec.arenas}
        decided = {"spec": self.spec.model_dump(mode="json", exclude={"rules"}), "sets": list(self.sets), "bot": self.bot,
                   "seed": seed, "rules": str(self.spec.rules), "data": data}
        code = source_hash(self.bot)
        if code is not None:  # a built-in bot's code is the rules version's
            decided["bot_source"] = code
        key = json.dumps(decided, sort_keys=True)
        return "tune-" + hashlib.sha256(key.encode()).hexdigest()[:16]


# ---- the search ----
@dataclass
class Trial:
    """One candidate tried: its values, how it ended, its distance at the last round it played."""

    number: int
    values: dict[str, Any]
    state: str  # "complete" (every round), "pruned" (stopped by racing), "invalid"
    distance: float | None = None
    upper: float | None = None
    duels: int = 0  # duels a cell at its last round
    note: str = ""
    path: tuple[float, ...] = ()  # its distance after each round it played (racing compares a candidate's with the best's)
    rates: tuple[float, ...] = ()  # each cell's share after the first round (the duels every candidate plays)
    final: tuple[float, ...] = ()  # each cell's share after every round (a trial that played them all)
    by: str = "sampler"  # who proposed it: "sampler" (Optuna's TPE, or the queued start) or "model" (tune_model)


@dataclass
class Search:
    """A search's record as it goes (what a Ctrl-C leaves): every finished trial and the best one."""

    study: str
    trials: list[Trial] = field(default_factory=list)
    resumed: int = 0  # trials found in the study file when the search started
    ran: int = 0  # trials finished by this run
    stopped: bool = False  # the best candidate's every interval is inside its band: no trial can beat it clearly
    out_of_time: bool = False  # the time budget ran out before `trials` were finished
    duels: int = 0  # duels this run played

    @property
    def best(self) -> Trial | None:
        """The trial that played every round with the least distance; of equals (several inside every band), the one
        whose intervals reach least outside the bands (the most clearly inside), then the first."""
        done = [t for t in self.trials if t.state == "complete"]
        return min(done, key=lambda t: (t.distance, t.upper, t.number)) if done else None


def search(problem: Problem, trials: int, seed: int, duels: Duels, storage: Path | None = None,
           into: Search | None = None, on_trial: Callable[[Search, str], None] | None = None,
           seconds: float | None = None) -> Search:
    """Run the study up to `trials` finished trials (fewer when the best is clearly inside every band); returns its record.

    With `storage`, the study lives in that SQLite file: a second call with the same problem and seed
    continues it, and trials that a killed run left unfinished are played again with the same values.
    With `seconds`, no trial starts after that many seconds of this call, once some trial has played every round.
    """
    started = time.perf_counter()
    optuna = _optuna()
    study_name = problem.identity(seed)
    rec = into if into is not None else Search(study_name)
    rec.study = study_name
    study = optuna.create_study(study_name=study_name, storage=_storage(optuna, storage), direction="minimize",
                                load_if_exists=True)
    _recover(optuna, study)
    rec.trials = [_record(t) for t in _finished(optuna, study)]
    rec.resumed = len(rec.trials)
    dists = {p.field: _distribution(optuna, p) for p in problem.params}
    if not study.trials:
        start = problem.values()
        study.enqueue_trial({p.field: _snap(start[p.field], p) for p in problem.params})
    rounds = problem.spec.rounds
    while True:
        best = rec.best
        rec.stopped = best is not None and best.upper == 0.0
        if len(rec.trials) >= trials or rec.stopped:
            return rec
        if seconds is not None and best is not None and time.perf_counter() - started >= seconds:
            rec.out_of_time = True
            return rec
        # seeded by the finished trials' count: a resumed run asks what the uninterrupted one would have (TPE skips failed trials)
        startup = len(problem.params) + 1
        study.sampler = optuna.samplers.TPESampler(seed=(seed * 1_000_003 + len(rec.trials)) % 2**32, multivariate=True,
                                                   n_startup_trials=startup)
        waiting = study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.WAITING,))
        if not waiting and len(rec.trials) > startup and len(rec.trials) % MODEL_EVERY[1] < MODEL_EVERY[0]:
            guess = _model_guess(problem, rec)
            if guess is not None:
                study.enqueue_trial(guess, user_attrs={"by": "model"})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            trial = study.ask(dists)
        by = trial.user_attrs.get("by", "sampler")  # a queued trial carries its proposer (a killed run's, played again)
        trial.set_user_attr("by", by)
        values = {p.field: _clean(trial.params[p.field], p) for p in problem.params}
        if on_trial is not None:
            on_trial(rec, f"trial {trial.number}")
        same = next((t for t in rec.trials if t.values == values and t.state != "invalid"), None)
        if same is not None:  # the same duels again: the same figures (common random numbers)
            trial.set_user_attr("values", values)
            trial.report(same.distance, same.duels)
            _tell(optuna, study, trial, same.state, same.distance, same.upper, same.duels, f"repeat of trial {same.number}")
            rec.trials.append(Trial(trial.number, values, same.state, same.distance, same.upper, same.duels,
                                    f"repeat of trial {same.number}", same.path, same.rates, same.final, by))
        else:
            rec.trials.append(_race(optuna, study, trial, problem, values, rounds, seed, duels, best, rec, by))
        rec.ran += 1
        if on_trial is not None:
            on_trial(rec, f"trial {trial.number}")


@dataclass(frozen=True)
class Validated:
    """A finalist played again at a seed of its own: its distance there (against the narrowed bands, as the search
    measures it) and its pessimistic distance (how far its intervals reach outside the bands)."""

    trial: Trial
    distance: float
    upper: float


def finalists(rec: Search, k: int) -> list[Trial]:
    """The `k` best trials that played every round, best first, one of each set of figures: rosters that differ only in a
    field the duels never felt (the same share in every cell on the same duels) are one finalist, the first found."""
    out: list[Trial] = []
    seen: set = set()
    for t in sorted((t for t in rec.trials if t.state == "complete"), key=lambda t: (t.distance, t.upper, t.number)):
        key = t.final or tuple(sorted(t.values.items()))
        if key not in seen:
            seen.add(key)
            out.append(t)
        if len(out) == k:
            break
    return out


def validate(problem: Problem, trials: list[Trial], seed: int, n: int, duels: Duels) -> list[Validated]:
    """Each finalist measured on `n` duels a cell at `seed` (a seed neither the search nor the check plays): the search's
    best is flattered by its own seed, having been picked from many candidates on it. Best first."""
    out = []
    for t in trials:
        figs = figures(problem.cells, duels.measure(problem.roster(t.values), problem.pairings, 0, n, seed, problem.bot,
                                                    problem.spec.rules))
        d, _, up = distances(figs, problem.spec.margin)
        out.append(Validated(t, d, up))
    return sorted(out, key=lambda v: (v.distance, v.upper, v.trial.number))


def validation_seed(seed: int, check_seed: int) -> int:
    """The finalists' seed: the first of seed + 2, seed + 3, ... that is not the check's."""
    v = seed + 2
    return v + 1 if v == check_seed else v


def check(problem: Problem, values: dict[str, Any], seed: int, n: int, duels: Duels) -> tuple[list[Figure], list[Figure]]:
    """Every cell of the starting roster and of the roster with `values`, each measured on `n` duels at `seed`."""
    before = figures(problem.cells, duels.measure(problem.catalog, problem.pairings, 0, n, seed, problem.bot,
                                                  problem.spec.rules))
    if values == problem.values():
        return before, before
    after = figures(problem.cells, duels.measure(problem.roster(values), problem.pairings, 0, n, seed, problem.bot,
                                                 problem.spec.rules))
    return before, after


# ---- the edit ----
@dataclass(frozen=True)
class Change:
    """One number to change in a data file."""

    field: str
    file: str
    line: int
    old: Any
    new: Any


def changes(problem: Problem, disk: Catalog, values: dict[str, Any]) -> list[Change]:
    """The edits that make the files on disk hold `values` (nothing for a value the file already has)."""
    out = []
    for p in problem.params:
        oid, parts = split_path(p.field, p.field)
        item = owner(disk, oid, p.field)
        old = get_field(item, parts, p.field)
        if old == values[p.field] and type(old) is type(values[p.field]):
            continue
        src = _source(disk, item)
        out.append(Change(p.field, src, line_of(_read(src), parts, src), old, values[p.field]))
    return out


def apply_changes(edits: list[Change], disk: Catalog, reload: Callable[[], Catalog]) -> None:
    """Write the edits into their files (each through a temporary file and a rename), after checking every edited file
    reads back as the changed unit or arena; then reload the catalog and check it holds the new values."""
    expected = disk
    for e in edits:
        oid, parts = split_path(e.field, e.field)
        expected = set_field(expected, oid, parts, e.new, f"{e.field}={e.new}")
    texts: dict[str, str] = {}
    for src in dict.fromkeys(e.file for e in edits):
        mine = [e for e in edits if e.file == src]
        oid = mine[0].field.split(".", 1)[0]
        text = replace_scalars(_read(src), [(split_path(e.field, e.field)[1], e.new) for e in mine], src)
        item = owner(expected, oid, src)
        try:
            got = validate_data(parse_yaml(text, src), type(item), src, text)
        except DataErrors as err:
            raise GladiatorError(f"{src}: the edit would not read back ({err}); nothing was written") from None
        if canonical_json(got) != canonical_json(item):
            raise GladiatorError(f"{src}: the edit reads back as something else; nothing was written")
        texts[src] = text
    for src, text in texts.items():
        write_text_atomic(src, text, "unit file" if src in _sources(disk, Unit) else "arena file")
    now = reload()
    for e in edits:
        oid, parts = split_path(e.field, e.field)
        if get_field(owner(now, oid, e.field), parts, e.field) != e.new:  # pragma: no cover - a folder read before another
            raise GladiatorError(f"{e.file}: written, but the catalog reads {e.field} from another file")


def require_optuna() -> None:
    """A one-line error saying how to install Optuna when it is missing."""
    _optuna()


# ---- helpers ----
def _optuna() -> Any:
    try:
        import optuna
    except ImportError:
        raise GladiatorError(INSTALL_HINT) from None
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    return optuna


def _storage(optuna: Any, path: Path | None) -> Any:
    """Optuna's RDB storage in an SQLite file, refusing a file that holds something else."""
    if path is None:
        return None
    if path.is_dir():
        raise GladiatorError(f"--out {path}: is a folder; name a file")
    if not (path.parent if str(path.parent) else Path(".")).is_dir():
        raise GladiatorError(f"--out {path}: folder {path.parent} does not exist")
    if path.exists():
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
                tables = {r[0] for r in db.execute("select name from sqlite_master where type='table'")}
        except sqlite3.DatabaseError:
            raise GladiatorError(f"--out {path}: not an SQLite file; name a new file or a study file of `gladiator tune`") from None
        if tables and "studies" not in tables:
            raise GladiatorError(f"--out {path}: an SQLite file that is not an Optuna study; name a new file")
    where = str(path.resolve())

    def connect() -> sqlite3.Connection:  # write-ahead log: a trial's few commits cost no fsync each, a kill loses none
        db = sqlite3.connect(where, check_same_thread=False)
        db.execute("pragma journal_mode=wal")
        db.execute("pragma synchronous=normal")
        return db

    try:
        return optuna.storages.RDBStorage(f"sqlite:///{where}", engine_kwargs={"creator": connect})
    except Exception as e:  # noqa: BLE001 - sqlalchemy and alembic raise many kinds
        raise GladiatorError(f"--out {path}: cannot open the study ({type(e).__name__}: {str(e).splitlines()[0][:200]})") from None


def _recover(optuna: Any, study: Any) -> None:
    """Trials a killed run left running are failed and queued again with the same values."""
    running = study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.RUNNING,))
    for t in running:
        study.tell(t.number, state=optuna.trial.TrialState.FAIL)
        study.enqueue_trial(t.params, user_attrs={"by": t.user_attrs.get("by", "sampler")}, skip_if_exists=False)


def _finished(optuna: Any, study: Any) -> list[Any]:
    S = optuna.trial.TrialState
    return [t for t in study.get_trials(deepcopy=False) if t.state in (S.COMPLETE, S.PRUNED)
            or (t.state == S.FAIL and "invalid" in t.user_attrs)]


def _record(t: Any) -> Trial:
    a = t.user_attrs
    state = "invalid" if "invalid" in a else t.state.name.lower()
    return Trial(t.number, dict(a.get("values", t.params)), state, a.get("distance"), a.get("upper"), a.get("duels", 0),
                 a.get("invalid", a.get("note", "")), tuple(a.get("path", ())), tuple(a.get("rates", ())),
                 tuple(a.get("final", ())), a.get("by", "sampler"))


def _race(optuna: Any, study: Any, trial: Any, problem: Problem, values: dict[str, Any], rounds: list[int], seed: int,
          duels: Duels, best: Trial | None, rec: Search, by: str = "sampler") -> Trial:
    """Play a candidate round by round; stop it when it is behind the best on the same duels (`behind`)."""
    trial.set_user_attr("values", values)
    try:
        cat = problem.roster(values)
    except GladiatorError as e:
        trial.set_user_attr("invalid", str(e))
        study.tell(trial, state=optuna.trial.TrialState.FAIL)
        return Trial(trial.number, values, "invalid", note=str(e), by=by)
    totals: dict[tuple[str, tuple[str, str]], Totals] = {}
    lo = 0
    path: list[float] = []
    rates: tuple[float, ...] = ()
    for r, n in enumerate(rounds):
        before = duels.played
        for key, t in duels.measure(cat, problem.pairings, lo, n, seed, problem.bot, problem.spec.rules).items():
            totals.setdefault(key, Totals()).add(t)
        rec.duels += duels.played - before
        lo = n
        figs = figures(problem.cells, totals)
        d, low, up = distances(figs, problem.spec.margin)
        if r == 0:
            rates = tuple(f.rate for f in figs)
            trial.set_user_attr("rates", list(rates))
        path.append(d)
        trial.report(d, n)
        trial.set_user_attr("path", path)
        if r < len(rounds) - 1 and best is not None and behind(d, low, r, n, best):
            _tell(optuna, study, trial, "pruned", d, up, n)
            return Trial(trial.number, values, "pruned", d, up, n, path=tuple(path), rates=rates, by=by)
    final = tuple(f.rate for f in figs)
    trial.set_user_attr("final", list(final))
    _tell(optuna, study, trial, "complete", d, up, rounds[-1])
    return Trial(trial.number, values, "complete", d, up, rounds[-1], path=tuple(path), rates=rates, final=final, by=by)


def behind(d: float, low: float, r: int, n: int, best: Trial) -> bool:
    """True when a candidate at round `r` (`n` duels a cell, distance `d`, optimistic distance `low`) is behind the best:
    its distance is more than 1/sqrt(n) (two standard errors of one even cell) above the best's after the same round, on
    the same duels; or even its optimistic distance is above the best's final distance (a best from a study kept before
    the rounds' distances were, which has only that)."""
    if low > best.distance:
        return True
    return r < len(best.path) and d > best.path[r] + 1.0 / math.sqrt(n)


def _model_guess(problem: Problem, rec: Search) -> dict[str, Any] | None:
    """The local model's next candidate (`tune_model.propose`) around the best, or None. Its box is a quarter of each
    field's range, halved by each model candidate since the best last improved (down to a 32nd)."""
    best = rec.best
    known = [t for t in rec.trials if t.rates and t.state != "invalid"]
    if best is None or not best.rates:
        return None
    fields = [p.field for p in problem.params]
    axes = [Axis(p.low, p.high, p.step or 1, isinstance(p.low, int) and isinstance(p.high, int)
                 and isinstance(p.step or 1, int)) for p in problem.params]
    misses = sum(1 for t in rec.trials if t.by == "model" and t.number > best.number)
    bands = [_narrow(c.band, problem.spec.margin) for c in problem.cells]
    shift = np.asarray(best.final or best.rates) - np.asarray(best.rates)  # the best's shares as measured on every round
    got = propose(axes, [best.values[f] for f in fields], best.final or best.rates,
                  [[t.values[f] for f in fields] for t in known], [np.asarray(t.rates) + shift for t in known], bands,
                  0.25 / 2 ** min(misses, 3))
    if got is None:
        return None
    values = {f: _clean(v, p) for f, v, p in zip(fields, got, problem.params)}
    return None if any(t.values == values for t in rec.trials) else values


def _tell(optuna: Any, study: Any, trial: Any, state: str, d: float | None, up: float | None, n: int, note: str = "") -> None:
    trial.set_user_attr("distance", d)
    trial.set_user_attr("upper", up)
    trial.set_user_attr("duels", n)
    if note:
        trial.set_user_attr("note", note)
    if state == "complete":
        study.tell(trial, d)
    else:  # Optuna keeps the last reported distance as a pruned trial's value
        study.tell(trial, state=optuna.trial.TrialState.PRUNED)


def _distribution(optuna: Any, p: Parameter) -> Any:
    if isinstance(p.low, int) and isinstance(p.high, int) and isinstance(p.step or 1, int):
        return optuna.distributions.IntDistribution(p.low, p.high, step=int(p.step or 1))
    step = float(p.step) if p.step is not None else None
    high = p.low + math.floor((p.high - p.low) / step + 1e-9) * step if step else p.high  # Optuna wants a whole grid
    return optuna.distributions.FloatDistribution(float(p.low), float(round(high, 12)), step=step)


def _clean(v: Any, p: Parameter) -> Any:
    """A suggested value as the file would hold it: whole numbers stay whole, decimals are rounded to the step's digits."""
    if isinstance(p.low, int) and isinstance(p.high, int) and isinstance(p.step or 1, int):
        return int(v)
    digits = max(_decimals(p.step), _decimals(p.low))
    return round(float(v), digits)


def _snap(v: Any, p: Parameter) -> Any:
    """The grid value of a parameter nearest to `v` (the starting value, queued as the first trial)."""
    step = p.step or 1
    k = round((min(max(v, p.low), p.high) - p.low) / step)
    k = max(0, min(k, math.floor((p.high - p.low) / step + 1e-9)))
    return _clean(p.low + k * step, p)


def _decimals(x: Any) -> int:
    text = repr(float(x)) if x is not None else "0"
    return 0 if "e" in text else len(text.split(".", 1)[1].rstrip("0")) if "." in text else 0


def _gap(top: float, bottom: float, band: tuple[float, float]) -> float:
    """How far [bottom, top] lies outside the band: 0 when they meet."""
    lo, hi = band
    return max(0.0, lo - top, bottom - hi)


def _narrow(band: tuple[float, float], margin: float) -> tuple[float, float]:
    """The band with `margin` taken off each end a share can pass: an end at 0 or 1 stays, as nothing lies beyond it
    (a stalls band [0, 0.05] aims at [0, 0.03], not at the share's being above 0). The spec checks there is room."""
    lo, hi = band
    return (lo + margin if lo > 0 else lo, hi - margin if hi < 1 else hi)


def _splits(lo: int, hi: int, parts: int) -> list[tuple[int, int]]:
    """[lo, hi) cut into up to `parts` ranges whose inner bounds are even (a pair's two duels stay together)."""
    cuts = sorted({lo, hi, *(lo + ((hi - lo) * i // parts) // 2 * 2 for i in range(1, parts))})
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]


def _read(src: str) -> str:
    return read_limited(src, MAX_DATA_BYTES, "YAML file").decode("utf-8")


def _source(cat: Catalog, item: Unit | Arena) -> str:
    key = f"{'unit' if isinstance(item, Unit) else 'arena'}:{item.id}"
    if key not in cat.sources:
        raise GladiatorError(f"{item.id} was not read from a file: there is no file to edit")
    return cat.sources[key]


def _sources(cat: Catalog, model: type) -> set[str]:
    kind = "unit" if model is Unit else "arena"
    return {src for key, src in cat.sources.items() if key.startswith(kind + ":")}
