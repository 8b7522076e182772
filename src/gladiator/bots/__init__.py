"""Bots: pick one action per duel for the side to act, from that side's observation and legal actions.

A bot is named everywhere (duel, batch, matrix, the window) by one of: a built-in name
(`random`, `greedy`, `heuristic`), the name of a bot installed under the entry-point group `gladiator.bots`,
or `package.module:ClassName` of a class on the Python path (or in the current folder). A bot that
takes options is named with them: `search:budget=500`, `search:time=0.5`. Every bot takes `without=OPTION+...`:
it then plays without those options (restricted play; `gladiator.bots.restricted`). Imports the engine, never a front end.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from importlib.metadata import entry_points

from gladiator import DEFAULT_BOT
from gladiator.bots.base import Bot
from gladiator.bots.greedy import GreedyBot
from gladiator.bots.heuristic import HeuristicBot
from gladiator.bots.random_bot import RandomBot
from gladiator.bots.restricted import RestrictedBot
from gladiator.bots.search import SearchBot
from gladiator.errors import GladiatorError, UnknownName
from gladiator.options import check_names
from gladiator.referee import isolating, prints_to_stderr

BUILTIN_BOTS: dict[str, type] = {"random": RandomBot, "greedy": GreedyBot, "heuristic": HeuristicBot, "search": SearchBot}
OPTIONS = re.compile(r"^(?P<name>[A-Za-z_][\w.-]*):(?P<opts>[A-Za-z_]\w*=[^,]*(,[A-Za-z_]\w*=[^,]*)*)$")
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
    if isolating() and is_plugin(name):
        from gladiator.bots.isolated import IsolatedBot

        return IsolatedBot(name)  # type: ignore[return-value]
    kwargs: dict[str, object] = {}
    without: tuple[str, ...] = ()
    m = OPTIONS.match(name)
    if m:
        for item in m.group("opts").split(","):
            key, value = item.split("=", 1)
            if key == RESTRICT_OPTION:  # any bot, restricted from some options: gladiator.bots.restricted
                without = _restricted(name, value)
                continue
            kwargs[key] = _option_value(name, key, value)
        cls = bot_class(m.group("name"))
    else:
        cls = bot_class(name)
    try:
        with prints_to_stderr():
            bot = cls(**kwargs)
    except GladiatorError:
        raise
    except TypeError as e:
        if kwargs:
            raise GladiatorError(f"bot {name!r}: options not understood ({e}); known options: "
                                 f"{', '.join(_options_of(cls)) or 'none'}") from None
        raise GladiatorError(f"bot {name!r} failed to start: TypeError: {e}") from None
    except Exception as e:  # noqa: BLE001 - a user's bot that fails to start is one line
        raise GladiatorError(f"bot {name!r} failed to start: {type(e).__name__}: {e}") from None
    if not callable(getattr(bot, "act", None)):
        raise GladiatorError(f"bot {name!r} has no act(game, obs, legal) method")
    if not isinstance(getattr(bot, "name", None), str):
        try:
            bot.name = name  # type: ignore[attr-defined]
        except AttributeError:
            raise GladiatorError(f"bot {name!r} has no name") from None
    if without:
        bot = RestrictedBot(bot, without, name)
    return bot


def is_plugin(name: str) -> bool:
    """True for a bot name (options and all) that is not a built-in bot's: a plugin's or a class path."""
    m = OPTIONS.match(name)
    return (m.group("name") if m else name) not in BUILTIN_BOTS


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
            return kind(text)
        except ValueError:
            pass
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


__all__ = ["BUILTIN_BOTS", "Bot", "DEFAULT_BOT", "ENTRY_POINT_GROUP", "GreedyBot", "HeuristicBot", "RandomBot", "RestrictedBot", "SearchBot", "bot_class", "bot_names", "is_plugin", "make_bot"]
