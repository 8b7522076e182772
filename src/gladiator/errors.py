"""Errors a user can read in one line. Imports nothing from the package."""

from __future__ import annotations


class GladiatorError(Exception):
    """A problem with the user's input, reported as one line and exit code 2."""


class UnknownName(GladiatorError, ValueError):
    """A unit, arena or bot named that does not exist (a ValueError too, as Python users of the API expect)."""


class BadValue(GladiatorError, ValueError):
    """A value out of its range or of the wrong form (a ValueError too, as Gymnasium and PettingZoo users expect)."""


class BadType(GladiatorError, TypeError):
    """A value of the wrong kind, e.g. None where a bot's name is due (a TypeError too)."""


class DataError(GladiatorError):
    """A unit or arena file is invalid: names the file, the line and the field."""

    def __init__(self, path: str, line: int | None, field: str | None, message: str) -> None:
        self.path = path
        self.line = line
        self.field = field
        self.message = message
        where = path if line is None else f"{path}:{line}"
        what = f"{field}: {message}" if field else message
        super().__init__(f"{where}: {what}")


class DataErrors(GladiatorError):
    """Several DataError at once (validation reports every problem)."""

    def __init__(self, errors: list[DataError]) -> None:
        self.errors = errors
        more = f" (and {len(errors) - 1} more problem(s): run `gladiator validate` to list them)" if len(errors) > 1 else ""
        super().__init__(f"{errors[0]}{more}" if errors else "invalid data")


class IllegalAction(GladiatorError):
    """An action the rules refuse, with the reason a player can read."""


class ReplayError(GladiatorError):
    """A replay file is corrupt, tampered with, or diverges from the engine."""


class BotOut(GladiatorError):
    """A bot gave no pick at all: it overran its time (`--bot-timeout`) or it ended (sys.exit, KeyboardInterrupt, its
    process died). Its duels are forfeits, with `code` (a refusal code: timed_out or bot_died) and `reason`."""

    def __init__(self, code: int, reason: str) -> None:
        self.code, self.reason = code, reason
        super().__init__(reason)
