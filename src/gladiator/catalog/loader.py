"""Load unit and arena YAML files (safe loading only) with errors naming file, line and field.

Every file is read within limits before it is parsed (see docs/limits.md): its size, its nesting
depth, its node count with aliases expanded, the digits of a number. A duplicate key in a
mapping and two files with one id are errors, not a silent last-one-wins.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml
from pydantic import BaseModel, ValidationError

from gladiator.catalog.schema import Arena, Unit
from gladiator.errors import DataError, DataErrors, GladiatorError, UnknownName
from gladiator.files import MAX_DATA_BYTES, read_limited

PACKAGE_DIR = Path(__file__).resolve().parent.parent
MAX_DEPTH = 20  # nested mappings and lists (a unit file needs 4)
MAX_NODES = 10_000  # values in one document, aliases expanded (a unit file has about 60)
MAX_DIGITS = 30  # digits of one number
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml where installed: the same safe loader, faster


def builtin_dir(kind: str) -> Path:
    """Folder of the shipped `units` or `arenas`: package data when installed, the repo when editable."""
    installed = PACKAGE_DIR / "data" / kind
    if installed.is_dir():
        return installed
    return PACKAGE_DIR.parent.parent / kind


def canonical_json(model: BaseModel) -> str:
    """A model as JSON with sorted keys and no spaces: equal data, equal text."""
    return json.dumps(model.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))


def content_hash(model: BaseModel) -> str:
    """sha256 of a model's canonical JSON: what a replay pins its data by."""
    return hashlib.sha256(canonical_json(model).encode()).hexdigest()


@dataclass
class Catalog:
    """Every unit and arena found, keyed by id; later folders override earlier ones."""

    units: dict[str, Unit] = field(default_factory=dict)
    arenas: dict[str, Arena] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)

    def unit(self, uid: str) -> Unit:
        """The unit called `uid`, or a one-line error listing the known ones."""
        if uid not in self.units:
            raise UnknownName(f"unknown unit {uid!r}; known units: {', '.join(sorted(self.units)) or 'none'}")
        return self.units[uid]

    def arena(self, aid: str) -> Arena:
        """The arena called `aid`, or a one-line error listing the known ones."""
        if aid not in self.arenas:
            raise UnknownName(f"unknown arena {aid!r}; known arenas: {', '.join(sorted(self.arenas)) or 'none'}")
        return self.arenas[aid]


def load_catalog(unit_dirs: Iterable[Path | str] = (), arena_dirs: Iterable[Path | str] = (), builtin: bool = True) -> Catalog:
    """Load the shipped units and arenas, then each user folder in turn."""
    cat = Catalog()
    udirs = ([builtin_dir("units")] if builtin else []) + [Path(d) for d in unit_dirs]
    adirs = ([builtin_dir("arenas")] if builtin else []) + [Path(d) for d in arena_dirs]
    errors: list[DataError] = []
    for kind, dirs, load, into in (("unit", udirs, load_unit, cat.units), ("arena", adirs, load_arena, cat.arenas)):
        users: dict[str, Path] = {}  # a user's file may replace a shipped one; two of the user's files may not share an id
        for n, d in enumerate(dirs):
            for p in _yaml_files(d, kind):
                try:
                    item = load(p)
                except DataErrors as e:
                    errors.extend(e.errors)
                    continue
                if builtin and n == 0:
                    pass
                elif item.id in users and not _same(users[item.id], p):
                    errors.append(DataError(str(p), _Lines(read_yaml(p)[1]).line(("id",)), "id",
                                            f"{kind} id {item.id!r} is also the id of {users[item.id]}"))
                    continue
                else:
                    users[item.id] = p
                into[item.id] = item  # type: ignore[index]
                cat.sources[f"{kind}:{item.id}"] = str(p)
    if errors:
        raise DataErrors(errors)
    return cat


def load_unit(path: Path | str) -> Unit:
    """Load and validate one unit file."""
    return _load(Path(path), Unit)


def load_arena(path: Path | str) -> Arena:
    """Load and validate one arena file, including that both spawns can reach each other."""
    arena = _load(Path(path), Arena)
    from gladiator.catalog.geometry import spawns_connected  # local: geometry is heavier

    if not spawns_connected(arena):
        line = _Lines(read_yaml(Path(path))[1]).line(("map",))
        raise DataErrors([DataError(str(path), line, "map", "spawn points A and B cannot reach each other")])
    return arena


def validate_data(data: Any, model: type[BaseModel], path: str, text: str | None = None,
                  context: dict[str, Any] | None = None) -> BaseModel:
    """Validate parsed data against a model (its validators see `context`); errors carry lines when `text` is given."""
    lines = _Lines(text) if text is not None else None
    try:
        return model.model_validate(data, context=context)
    except ValidationError as e:
        raise DataErrors([_to_error(err, path, lines) for err in e.errors()]) from None


def guess_kind(path: Path, data: Any) -> str:
    """'unit' or 'arena': by the file's content, else by its folder."""
    if isinstance(data, dict):
        if "map" in data:
            return "arena"
        if "stats" in data or "weapons" in data:
            return "unit"
    parts = {p.lower() for p in path.parts}
    return "arena" if "arenas" in parts else "unit"


def read_yaml(path: Path) -> tuple[Any, str]:
    """Read and parse a YAML file within the limits; any problem names the file (and line)."""
    try:
        raw = read_limited(path, MAX_DATA_BYTES, "YAML file")
    except GladiatorError as e:
        raise DataErrors([DataError(str(path), None, None, str(e).removeprefix(f"{path}: "))]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise DataErrors([DataError(str(path), None, None, "file is not UTF-8 text")]) from None
    data = parse_yaml(text, str(path))
    if not isinstance(data, dict):
        raise DataErrors([DataError(str(path), 1, None, "expected a mapping of fields at the top level")])
    return data, text


def parse_yaml(text: str, where: str) -> Any:
    """Parse YAML text safely within the limits (depth, nodes with aliases expanded, digits); refuse duplicate keys."""
    try:
        _check_events(text, where)
        return yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise DataErrors([DataError(where, line, None, f"malformed YAML: {problem}")]) from None
    except (ValueError, RecursionError, OverflowError) as e:  # a value the constructor cannot build
        raise DataErrors([DataError(where, None, None, f"malformed YAML: {str(e).splitlines()[0][:200]}")]) from None


def _load(path: Path, model: type[BaseModel]) -> Any:
    data, text = read_yaml(path)
    return validate_data(data, model, str(path), text)


def _yaml_files(d: Path, kind: str = "unit") -> list[Path]:
    """The YAML files of a folder (or the file itself); an empty folder or a device is an error."""
    if not d.exists():
        raise GladiatorError(f"{d}: no such folder")
    if d.is_dir():
        files = sorted(list(d.glob("*.yaml")) + list(d.glob("*.yml")))
        if not files:
            raise GladiatorError(f"{d}: no {kind} files (*.yaml, *.yml) in this folder")
        return files
    if not d.is_file():
        raise GladiatorError(f"{d}: not a folder or a regular file")
    return [d]


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


class _Frame:
    """An open mapping or list while the events of a document are checked."""

    __slots__ = ("is_map", "expect_key", "keys", "start", "height", "anchor")

    def __init__(self, is_map: bool, start: int, anchor: str | None) -> None:
        self.is_map, self.expect_key, self.start, self.height, self.anchor = is_map, True, start, 0, anchor
        self.keys: dict[str, int] = {}


_RESOLVER = yaml.resolver.Resolver()


def _check_events(text: str, where: str) -> None:
    """Walk the parser's events once: depth, node count with aliases expanded, digits, duplicate keys.

    Aliases are counted by the size of what they name, so a few hundred bytes of nested
    aliases that would expand to millions of nodes are refused after a few hundred events.
    """
    frames: list[_Frame] = []
    anchors: dict[str, tuple[int, int]] = {}  # anchor -> (nodes, height)
    total = 0

    def fail(ev: Any, message: str) -> None:
        raise DataErrors([DataError(where, ev.start_mark.line + 1, None, message)])

    def node(ev: Any, size: int, height: int) -> None:
        nonlocal total
        total += size
        if total > MAX_NODES:
            fail(ev, f"more than {MAX_NODES} values (aliases expanded); a data file needs far fewer")
        if len(frames) + height > MAX_DEPTH:
            fail(ev, f"nested more than {MAX_DEPTH} levels deep")
        if frames:
            frames[-1].height = max(frames[-1].height, height)

    for ev in yaml.parse(text, Loader=_LOADER):
        if isinstance(ev, (yaml.ScalarEvent, yaml.AliasEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            parent = frames[-1] if frames else None
            is_key = parent is not None and parent.is_map and parent.expect_key
            if parent is not None and parent.is_map:
                parent.expect_key = not parent.expect_key
            if isinstance(ev, yaml.AliasEvent):
                if any(f.anchor == ev.anchor for f in frames):
                    fail(ev, f"alias *{ev.anchor} refers to a value that contains it")
                if ev.anchor not in anchors:
                    continue  # the composer reports an undefined alias
                node(ev, *anchors[ev.anchor])
            elif isinstance(ev, yaml.ScalarEvent):
                if not ev.style and ev.implicit[0] and sum(c.isdigit() for c in ev.value) > MAX_DIGITS:
                    tag = _RESOLVER.resolve(yaml.ScalarNode, ev.value, (True, False))
                    if tag.endswith((":int", ":float")):
                        fail(ev, f"a number with more than {MAX_DIGITS} digits")
                if is_key and parent is not None:
                    line = ev.start_mark.line + 1
                    if ev.value in parent.keys and ev.value != "<<":
                        fail(ev, f"duplicate key {ev.value!r} (lines {parent.keys[ev.value]} and {line})")
                    parent.keys[ev.value] = line
                node(ev, 1, 1)
                if ev.anchor:
                    anchors[ev.anchor] = (1, 1)
            else:
                if len(frames) + 1 > MAX_DEPTH:
                    fail(ev, f"nested more than {MAX_DEPTH} levels deep")
                node(ev, 1, 1)
                frames.append(_Frame(isinstance(ev, yaml.MappingStartEvent), total - 1, ev.anchor))
        elif isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            f = frames.pop()
            height = f.height + 1
            if frames:
                frames[-1].height = max(frames[-1].height, height)
            if f.anchor:
                anchors[f.anchor] = (total - f.start, height)
        elif isinstance(ev, yaml.DocumentStartEvent):
            frames.clear()


def _to_error(err: Any, path: str, lines: "_Lines | None") -> DataError:
    loc = tuple(err.get("loc", ()))
    # pydantic puts union members and model validators into loc; keep the data path only
    loc = tuple(p for p in loc if not _is_type_tag(p))
    field = ".".join(str(p) for p in loc) or None
    msg = err.get("msg", "invalid")
    if err.get("type") == "extra_forbidden":
        msg = "unknown field"
    elif err.get("type") == "missing":
        msg = "missing field"
    msg = msg.removeprefix("Value error, ")
    line = lines.line(loc) if lines else None
    return DataError(path, line, field, msg)


def _is_type_tag(p: Any) -> bool:
    """pydantic puts union members ('int', 'tuple[int, int]') into an error's location."""
    return isinstance(p, str) and (p in {"int", "float", "str", "bool"} or "[" in p or p.startswith("function"))


class _Lines:
    """Line numbers of every key path in a YAML text."""

    def __init__(self, text: str) -> None:
        self.map: dict[tuple[Any, ...], int] = {}
        self.keys: set[Any] = set()
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError:
            node = None
        if node is not None:
            self._walk(node, ())

    def _walk(self, node: Any, path: tuple[Any, ...]) -> None:
        self.map[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                key = k.value
                self.keys.add(key)
                self.map[path + (key,)] = k.start_mark.line + 1
                self._walk(v, path + (key,))
                self.map[path + (key,)] = k.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                self._walk(v, path + (i,))

    def line(self, loc: tuple[Any, ...]) -> int | None:
        """Line of the longest prefix of `loc` found in the text."""
        for n in range(len(loc), -1, -1):
            if loc[:n] in self.map:
                return self.map[loc[:n]]
        return None
