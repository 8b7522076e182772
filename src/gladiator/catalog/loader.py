"""Load unit and arena YAML files (safe loading only) with errors naming file, line and field."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml
from pydantic import BaseModel, ValidationError

from gladiator.catalog.schema import Arena, Unit
from gladiator.errors import DataError, DataErrors, GladiatorError

PACKAGE_DIR = Path(__file__).resolve().parent.parent


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
            raise GladiatorError(f"unknown unit {uid!r}; known units: {', '.join(sorted(self.units)) or 'none'}")
        return self.units[uid]

    def arena(self, aid: str) -> Arena:
        """The arena called `aid`, or a one-line error listing the known ones."""
        if aid not in self.arenas:
            raise GladiatorError(f"unknown arena {aid!r}; known arenas: {', '.join(sorted(self.arenas)) or 'none'}")
        return self.arenas[aid]


def load_catalog(unit_dirs: Iterable[Path | str] = (), arena_dirs: Iterable[Path | str] = (), builtin: bool = True) -> Catalog:
    """Load the shipped units and arenas, then each user folder in turn."""
    cat = Catalog()
    udirs = ([builtin_dir("units")] if builtin else []) + [Path(d) for d in unit_dirs]
    adirs = ([builtin_dir("arenas")] if builtin else []) + [Path(d) for d in arena_dirs]
    errors: list[DataError] = []
    for kind, dirs, load, into in (("unit", udirs, load_unit, cat.units), ("arena", adirs, load_arena, cat.arenas)):
        for d in dirs:
            for p in _yaml_files(d):
                try:
                    item = load(p)
                except DataErrors as e:
                    errors.extend(e.errors)
                    continue
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
        line = _Lines.of(Path(path)).line(("map",))
        raise DataErrors([DataError(str(path), line, "map", "spawn points A and B cannot reach each other")])
    return arena


def validate_data(data: Any, model: type[BaseModel], path: str, text: str | None = None) -> BaseModel:
    """Validate parsed data against a model; errors carry lines when `text` is given."""
    lines = _Lines(text) if text is not None else None
    try:
        return model.model_validate(data)
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
    """Parse a YAML file safely; a syntax error names the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise DataErrors([DataError(str(path), None, None, f"cannot read file: {e.strerror or e}")]) from None
    except UnicodeDecodeError:
        raise DataErrors([DataError(str(path), None, None, "file is not UTF-8 text")]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise DataErrors([DataError(str(path), line, None, f"malformed YAML: {problem}")]) from None
    if not isinstance(data, dict):
        raise DataErrors([DataError(str(path), 1, None, "expected a mapping of fields at the top level")])
    return data, text


def _load(path: Path, model: type[BaseModel]) -> Any:
    data, text = read_yaml(path)
    return validate_data(data, model, str(path), text)


def _yaml_files(d: Path) -> list[Path]:
    if not d.exists():
        raise GladiatorError(f"{d}: no such folder")
    if d.is_file():
        return [d]
    return sorted(list(d.glob("*.yaml")) + list(d.glob("*.yml")))


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

    @classmethod
    def of(cls, path: Path) -> "_Lines":
        return cls(path.read_text(encoding="utf-8"))

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
