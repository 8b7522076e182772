"""`--set id.path=value` overrides of unit and arena fields for one run, checked exactly like their files.

A path starts with a unit id and walks the unit's fields: `viola.stats.firepower`,
`viola.weapons.aria_cannon.accuracy` (a weapon by id or by slot number),
`rouge.abilities`; or with an arena id: `concert_hall.hazard_heat`, `rooftops.turn_limit`. The value is read as YAML (`8`, `0.7`, `[6, 10]`, `[leap]`) within the
limits of a data file; a value with a `#` in it is text as written (`viola.color=#ff0000`),
never a YAML comment.
The changed unit or arena goes through the same pydantic model as its file, so a wrong type or an
out-of-range number is one clear line. Imports the catalog only.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any

from pydantic import BaseModel, ValidationError

from gladiator.catalog.loader import Catalog, parse_yaml
from gladiator.catalog.schema import Arena, Unit
from gladiator.errors import DataErrors, GladiatorError, UnknownName

MAX_SET_CHARS = 1000


def parse_set(text: str) -> tuple[str, list[str], Any]:
    """Split `unit.path=value` into (unit id, path parts, value read as YAML)."""
    if len(text) > MAX_SET_CHARS:
        raise GladiatorError(f"--set {text[:40]}...: {len(text)} characters; at most {MAX_SET_CHARS}")
    if "=" not in text:
        raise GladiatorError(f"--set {text}: expected UNIT.FIELD=VALUE, e.g. viola.stats.firepower=8")
    path, raw = text.split("=", 1)
    uid, parts = split_path(path, f"--set {text}")
    return uid, parts, parse_value(raw, f"--set {text}")


def split_path(path: str, where: str) -> tuple[str, list[str]]:
    """Split `unit.a.b` into ('unit', ['a', 'b']); one field at least."""
    parts = [p for p in path.strip().split(".")]
    if len(parts) < 2 or any(not p for p in parts):
        raise GladiatorError(f"{where}: expected UNIT.FIELD, e.g. viola.stats.firepower")
    return parts[0], parts[1:]


def parse_value(raw: str, where: str = "--set") -> Any:
    """A value as YAML reads it, within the data limits; text with `#` or that is not valid YAML stays a string."""
    if len(raw) > MAX_SET_CHARS:
        raise GladiatorError(f"{where[:40]}...: a value of {len(raw)} characters; at most {MAX_SET_CHARS}")
    if "#" in raw:
        return raw.strip()
    try:
        return parse_yaml(raw, where)
    except DataErrors as e:
        first = e.errors[0]
        if first.message.startswith("malformed YAML"):
            return raw
        raise GladiatorError(f"{where}: {first.message}") from None


def get_field(item: Unit | Arena, parts: list[str], where: str) -> Any:
    """The current value at a field path of a unit or an arena."""
    data = item.model_dump(mode="json")
    parent, key = _walk(data, parts, item.id, where)
    return parent[key]


def override_unit(unit: Unit, parts: list[str], value: Any, where: str) -> Unit:
    """A copy of `unit` with the field at `parts` set to `value`, validated like a unit file."""
    return _override(unit, parts, value, where)


def override_arena(arena: Arena, parts: list[str], value: Any, where: str) -> Arena:
    """A copy of `arena` with the field at `parts` set to `value`, validated like an arena file."""
    return _override(arena, parts, value, where)


def owner(catalog: Catalog, oid: str, where: str) -> Unit | Arena:
    """The unit, else the arena, called `oid`: what a field path starting with `oid` changes."""
    if oid in catalog.units:
        return catalog.units[oid]
    if oid in catalog.arenas:
        return catalog.arenas[oid]
    raise UnknownName(f"{where}: unknown unit {oid!r} (nor an arena); known units: {', '.join(sorted(catalog.units))}; "
                      f"arenas: {', '.join(sorted(catalog.arenas))}")


def set_field(catalog: Catalog, oid: str, parts: list[str], value: Any, where: str) -> Catalog:
    """A catalog with one field of unit or arena `oid` set to `value`, validated like its file (the original is untouched)."""
    item = owner(catalog, oid, where)
    if isinstance(item, Unit):
        return replace(catalog, units={**catalog.units, oid: override_unit(item, parts, value, where)})
    return replace(catalog, arenas={**catalog.arenas, oid: override_arena(item, parts, value, where)})


def apply_overrides(catalog: Catalog, sets: list[str] | tuple[str, ...]) -> Catalog:
    """A catalog with every `--set` applied in order (the original is untouched)."""
    for text in sets:
        oid, parts, value = parse_set(text)
        catalog = set_field(catalog, oid, parts, value, f"--set {text}")
    return catalog


def _override(item: Any, parts: list[str], value: Any, where: str) -> Any:
    model: type[BaseModel] = type(item)
    data = copy.deepcopy(item.model_dump(mode="json"))
    parent, key = _walk(data, parts, item.id, where)
    parent[key] = value
    try:
        new = model.model_validate(data)
    except ValidationError as e:
        first = e.errors()[0]
        loc = ".".join(str(p) for p in first.get("loc", ()) if not _is_tag(p)) or ".".join(parts)
        msg = str(first.get("msg", "invalid")).removeprefix("Value error, ")
        raise GladiatorError(f"{where}: {item.id}.{loc}: {msg}") from None
    if new.id != item.id:
        raise GladiatorError(f"{where}: {'a unit' if model is Unit else 'an arena'}'s id cannot be overridden")
    return new


def _walk(data: Any, parts: list[str], uid: str, where: str) -> tuple[Any, Any]:
    """(container, key) of the last part of a path inside a unit's dumped data."""
    node = data
    done: list[str] = [uid]
    for i, p in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node, dict):
            if p not in node:
                known = ", ".join(sorted(node))
                raise GladiatorError(f"{where}: {'.'.join(done)} has no field {p!r}; fields: {known}")
            key: Any = p
        elif isinstance(node, list):
            key = _list_key(node, p)
            if key is None:
                ids = [str(x.get("id")) for x in node if isinstance(x, dict)]
                hint = f"a slot 0..{len(node) - 1}" + (f" or one of {', '.join(ids)}" if ids else "")
                raise GladiatorError(f"{where}: {'.'.join(done)} has no entry {p!r}; expected {hint}")
        else:
            raise GladiatorError(f"{where}: {'.'.join(done)} is a value, it has no field {p!r}")
        if last:
            return node, key
        node = node[key]
        done.append(p)
    raise GladiatorError(f"{where}: empty field path")  # pragma: no cover - split_path forbids it


def _list_key(node: list, p: str) -> int | None:
    if p.isdigit():
        k = int(p)
        return k if k < len(node) else None
    for k, x in enumerate(node):
        if isinstance(x, dict) and x.get("id") == p:
            return k
    return None


def _is_tag(p: Any) -> bool:
    return isinstance(p, str) and (p in {"int", "float", "str", "bool"} or "[" in p or p.startswith("function"))
