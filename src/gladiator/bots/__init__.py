"""Bots: pick one action per duel for the side to act, from that side's observation and legal actions.

A bot is named everywhere (duel, batch, matrix, the window) by one of: a built-in name
(`random`, `greedy`, `heuristic`), the name of a bot installed under the entry-point group `gladiator.bots`,
or `package.module:ClassName` of a class on the Python path (or in the current folder). A bot that
takes options is named with them: `search:budget=500`, `search:time=0.5`, `package.module:ClassName:key=value`; each option
once, and `canonical_bot` gives the one spelling of a name (options sorted, numbers as Python writes them). Every bot takes `without=OPTION+...`:
it then plays without those options (restricted play; `gladiator.bots.restricted`). Imports the engine, never a front end.
"""

from __future__ import annotations

import importlib
import os
import re
import sys

import numpy as np
from importlib.metadata import entry_points

from gladiator import DEFAULT_BOT
from gladiator.bots.base import Bot
from gladiator.bots.greedy import GreedyBot
from gladiator.bots.heuristic import HeuristicBot
from gladiator.bots.random_bot import RandomBot
from gladiator.bots.restricted import RestrictedBot
from gladiator.bots.search import SearchBot
from gladiator.errors import BadType, GladiatorError, UnknownName
from gladiator.options import check_names
from gladiator.referee import isolating, prints_to_stderr

BUILTIN_BOTS: dict[str, type] = {"random": RandomBot, "greedy": GreedyBot, "heuristic": HeuristicBot, "search": SearchBot}
OPTIONS = re.compile(r"^(?P<name>[A-Za-z_][\w.-]*(:[A-Za-z_]\w*)?):(?P<opts>[A-Za-z_]\w*=[^,]*(,[A-Za-z_]\w*=[^,]*)*)$")
MAX_OPTION_CHARS = 4096  # an option's value longer than this is refused: room for a file path (`weights=`), not for a number of 5,000 digits
SHOWN_CHARS = 60  # a bot name in a message is cut to this many characters
ENTRY_POINT_GROUP = "gladiator.bots"
RESTRICT_OPTION = "without"  # the option every bot takes: options it plays without (`heuristic:without=leap+guard`)
CLASS_PATH = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")


def bot_names() -> list[str]:
    """Every bot name known without a class path: the built-in ones and the installed plugins."""
    return sorted(set(BUILTIN_BOTS) | set(_installed()))


def bot_class(name: str) -> type:
    """The class a bot name stands for, or a one-line error."""
    if name in BUILTIN_BOTS:
        return BUILTIN_BOTS[name]
    if CLASS_PATH.match(name):
        module, cls = name.split(":")
        if os.getcwd() not in sys.path:
            sys.path.append(os.getcwd())  # a bot file in the current folder is found, as `python -m` would
        try:
            with prints_to_stderr():  # what a bot's module prints as it loads is not the command's output
                mod = importlib.import_module(module)
        except Exception as e:  # noqa: BLE001 - any failure to import a user's module is one line
            raise GladiatorError(f"bot {name!r}: cannot import {module!r}: {type(e).__name__}: {e}") from None
        found = getattr(mod, cls, None)
        if not isinstance(found, type):
            raise GladiatorError(f"bot {name!r}: module {module!r} has no class {cls!r}")
        return found
    installed = _installed()
    if name in installed:
        try:
            with prints_to_stderr():
                found = installed[name].load()
        except Exception as e:  # noqa: BLE001
            raise GladiatorError(f"bot {name!r}: the installed plugin does not load: {type(e).__name__}: {e}") from None
        if not isinstance(found, type):
            raise GladiatorError(f"bot {name!r}: the installed plugin is not a class")
        return found
    raise UnknownName(f"unknown bot {name!r}; known bots: {', '.join(bot_names())} (or package.module:ClassName)")


def make_bot(name: str) -> Bot:
    """A new bot by name (see the module's docstring), with options as `name:key=value,key=value`; or a one-line error.

    While isolating (`--isolate`, `referee.isolating()`), a plugin bot is made in a process of its own
    (`gladiator.bots.isolated`): this process never imports its code."""
    base, options = parse_bot(name)
    if isolating() and is_plugin(name):
        from gladiator.bots.isolated import IsolatedBot

        return IsolatedBot(name)  # type: ignore[return-value]
    label = shown(name)
    kwargs: dict[str, object] = dict(options)
    without: tuple[str, ...] = ()
    if RESTRICT_OPTION in kwargs:  # any bot, restricted from some options: gladiator.bots.restricted
        without = _restricted(label, str(kwargs.pop(RESTRICT_OPTION)))
    cls = bot_class(base)
    try:
        with prints_to_stderr():
            bot = cls(**kwargs)
    except GladiatorError:
        raise
    except TypeError as e:
        if kwargs:
            raise GladiatorError(f"bot {label!r}: options not understood ({e}); known options: "
                                 f"{', '.join(_options_of(cls)) or 'none'}") from None
        raise GladiatorError(f"bot {label!r} failed to start: TypeError: {e}") from None
    except Exception as e:  # noqa: BLE001 - a user's bot that fails to start is one line
        raise GladiatorError(f"bot {label!r} failed to start: {type(e).__name__}: {e}") from None
    if not callable(getattr(bot, "act", None)):
        raise GladiatorError(f"bot {label!r} has no act(game, obs, legal) method")
    if not isinstance(getattr(bot, "name", None), str):
        try:
            bot.name = name  # type: ignore[attr-defined]
        except AttributeError:
            raise GladiatorError(f"bot {label!r} has no name") from None
    if without:
        bot = RestrictedBot(bot, without, name)
    return bot


def is_plugin(name: str) -> bool:
    """True for a bot name (options and all) that is not a built-in bot's: a plugin's or a class path."""
    m = OPTIONS.match(name)
    return (m.group("name") if m else name) not in BUILTIN_BOTS


def parse_bot(name: str) -> tuple[str, dict[str, object]]:
    """A bot name split into the bot and its options (`search:budget=04` -> `search`, {budget: 4}); a one-line error
    for an option given twice or a value past `MAX_OPTION_CHARS`."""
    if not isinstance(name, str):
        raise BadType(f"a bot is named by text, got {type(name).__name__}")
    m = OPTIONS.match(name)
    if not m:
        return name, {}
    options: dict[str, object] = {}
    for item in m.group("opts").split(","):
        key, value = item.split("=", 1)
        if key in options:
            raise GladiatorError(f"bot {shown(name)!r}: option {key!r} is given twice")
        if len(value) > MAX_OPTION_CHARS:
            raise GladiatorError(f"bot {shown(name)!r}: the value of option {key!r} is {len(value):,} characters long; "
                                 f"at most {MAX_OPTION_CHARS}")
        options[key] = value if key == RESTRICT_OPTION else _option_value(shown(name), key, value)
    return m.group("name"), options


def canonical_bot(name: str) -> str:
    """The one spelling of a bot name: options in name order, numbers as Python writes them (`search:budget=04`
    and `search:budget=4` are one bot); a one-line error where `parse_bot` refuses it."""
    base, options = parse_bot(name)
    if not options:
        return base
    return base + ":" + ",".join(f"{k}={_written(v)}" for k, v in sorted(options.items()))


def shown(name: str) -> str:
    """A bot name as a message shows it: cut to `SHOWN_CHARS` characters."""
    return name if len(name) <= SHOWN_CHARS else name[: SHOWN_CHARS - 1] + "…"


def _written(value: object) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def _restricted(name: str, value: str) -> tuple[str, ...]:
    """The options of `without=a+b`, each a plain name; or a one-line error naming the bot."""
    try:
        return check_names(tuple(value.split("+")) if value else ())
    except GladiatorError as e:
        raise GladiatorError(f"bot {name!r}: {e}") from None


def _option_value(name: str, key: str, text: str) -> object:
    """A bot option's value: a whole number, a decimal number, or the text as given."""
    for kind in (int, float):
        try:
            value = kind(text)
        except ValueError:
            continue
        if isinstance(value, float) and not np.isfinite(value):
            raise GladiatorError(f"bot {name!r}: option {key!r} must be a finite number, got {text!r}")
        return value
    if text == "":
        raise GladiatorError(f"bot {name!r}: option {key!r} has no value")
    return text


def _options_of(cls: type) -> list[str]:
    """The keyword options a bot class takes."""
    import inspect

    try:
        return [p for p in inspect.signature(cls).parameters if p != "self"]
    except (TypeError, ValueError):
        return []


def _installed() -> dict:
    """The bots installed by other packages, by entry-point name."""
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


__all__ = ["BUILTIN_BOTS", "Bot", "DEFAULT_BOT", "ENTRY_POINT_GROUP", "GreedyBot", "HeuristicBot", "RandomBot", "RestrictedBot",
           "SearchBot", "bot_class", "bot_names", "canonical_bot", "is_plugin", "make_bot", "parse_bot"]
