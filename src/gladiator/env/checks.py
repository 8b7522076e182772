"""What the environments check at their edge: errors as Gymnasium and PettingZoo users expect them.

`user_errors` turns any `GladiatorError` an environment's constructor or `reset` meets (an unknown unit
or bot, a seed past 2**63-1, a bad bot option) into a `BadValue`, which is a `ValueError` and still a
`GladiatorError`; `check_units` checks a pair of unit ids. Imports the errors only.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar

from gladiator.errors import BadType, BadValue, GladiatorError

F = TypeVar("F", bound=Callable[..., Any])


def user_errors(fn: F) -> F:
    """Wrap an environment method so a `GladiatorError` it raises is also a ValueError (or stays a TypeError)."""

    @functools.wraps(fn)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (ValueError, TypeError):
            raise
        except GladiatorError as e:
            raise BadValue(str(e)) from None

    return wrapped  # type: ignore[return-value]


def check_units(units: object) -> tuple[str, str]:
    """Two unit ids (a tuple or list of two strings), else a `BadType` / `BadValue` saying what was given."""
    if isinstance(units, str) or not isinstance(units, (tuple, list)):
        raise BadType(f"units must be a pair of unit ids, e.g. ('rouge', 'viola'), got {type(units).__name__}")
    if len(units) != 2:
        raise BadValue(f"units must be a pair of two unit ids, got {len(units)}")
    for u in units:
        if not isinstance(u, str):
            raise BadType(f"a unit id is text, got {type(u).__name__}")
    return units[0], units[1]
