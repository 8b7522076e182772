"""Minimal edits of unit and arena YAML files: one number replaced where it is written, every other byte kept.

A field is found the way a `--set` path walks a unit (a mapping key; a list entry by slot number
or by its `id`), with `yaml.compose`, and only the characters of its plain scalar are replaced, so
comments, layout, quoting and key order elsewhere stay as they were. Imports yaml and the standard
library only; the caller validates the edited text like the file it came from.
"""

from __future__ import annotations

import math
from typing import Any

import yaml

from gladiator.errors import GladiatorError


def locate(text: str, parts: list[str], where: str) -> yaml.ScalarNode:
    """The scalar node of the field at `parts` in a YAML text; a one-line error when it is not written there."""
    try:
        node: Any = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        raise GladiatorError(f"{where}: the file is not valid YAML") from None
    for i, p in enumerate(parts):
        nxt = None
        if isinstance(node, yaml.MappingNode):
            nxt = next((v for k, v in node.value if k.value == p), None)
        elif isinstance(node, yaml.SequenceNode):
            if p.isdigit():
                nxt = node.value[int(p)] if int(p) < len(node.value) else None
            else:
                nxt = next((v for v in node.value if isinstance(v, yaml.MappingNode)
                            and any(k.value == "id" and x.value == p for k, x in v.value)), None)
        if nxt is None:
            field = ".".join(parts[: i + 1])
            raise GladiatorError(f"{where}: {field} is not written in the file (it takes the schema's default); "
                                 "write it there to tune it")
        node = nxt
    if not isinstance(node, yaml.ScalarNode) or node.style or node.start_mark.line != node.end_mark.line:
        raise GladiatorError(f"{where}: {'.'.join(parts)} is not a plain number on one line of the file")
    return node


def scalar_text(value: Any) -> str:
    """A number as YAML writes it plainly: `8`, `0.65` (a decimal keeps its point: `1.0`)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise GladiatorError(f"only finite numbers can be written into a data file, got {value!r}")
    return str(value) if isinstance(value, int) else repr(float(value))


def replace_scalars(text: str, changes: list[tuple[list[str], Any]], where: str) -> str:
    """`text` with the scalar of each field path replaced by its new value; nothing else changes."""
    spots = sorted(((locate(text, parts, where), value) for parts, value in changes),
                   key=lambda nv: nv[0].start_mark.index, reverse=True)
    for node, value in spots:
        text = text[: node.start_mark.index] + scalar_text(value) + text[node.end_mark.index :]
    return text


def line_of(text: str, parts: list[str], where: str) -> int:
    """The 1-based line the field at `parts` is written on."""
    return locate(text, parts, where).start_mark.line + 1
