"""A plugin bot played in a process of its own (`--isolate`): the process gets copies of the game's data, of each
observation and of each legal mask, and nothing else; it answers with numbers only.

`IsolatedBot(name)` is what `make_bot` gives for a plugin bot while isolating. It starts
`python -m gladiator.bots.isolated` on first use; that process makes the bot by its name and runs its `prepare`
and `act`. Each call must be answered within the bot's time (`--bot-timeout`): a process that overruns is
killed, and one that ends (os._exit, sys.exit, KeyboardInterrupt, a crash) ends the bot; either way the bot is
out (`BotOut`), its duels forfeits with the reason. What the process prints goes to stderr. It reads its
requests as pickles from this process (never the reverse: its answers are JSON, read as data). POSIX only.
Imports the engine, the referee and the game.
"""

from __future__ import annotations

import json
import os
import pickle
import signal
import subprocess
import sys
from multiprocessing.connection import Connection
from typing import Any

import numpy as np

from gladiator import engine, referee
from gladiator.errors import BotOut, GladiatorError, IllegalAction
from gladiator.game import Game, make_game
from gladiator.state import DuelState

STARTUP_SECONDS = 60.0  # the process may take this long to start, import gladiator and make the bot, whatever the bot's time
MAX_ANSWER_BYTES = 64 * 2**20  # an answer longer than this is a bot gone wrong: it is out


class IsolatedBot:
    """A plugin bot in a process of its own, asked through a pipe; named as the user named it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.out: BotOut | None = None
        self._proc: subprocess.Popen | None = None
        self._send: Connection | None = None
        self._recv: Connection | None = None
        self._truth: bool | None = None
        self._game: Game | None = None

    @property
    def needs_truth(self) -> bool:
        """Whether the bot declares `needs_truth` (it is made to find out; a bot that is out keeps its answer)."""
        if self._truth is None and self.out is None:
            self._start()
        return bool(self._truth)

    def prepare(self, game: Game) -> None:
        """Let the bot build its tables for `game`, in its process (a bot that is out forfeits when asked to choose)."""
        if self.out is not None:
            return
        self._start()
        self._use(game)
        self._ask(("prepare",), "prepare")

    def act(self, game: Game, obs: Any, legal: engine.Legal) -> np.ndarray:
        """The bot's picks, from copies of the view and of the legal mask; BotOut if it overruns or ends."""
        if self.out is not None:
            raise self.out
        self._start()
        self._use(game)
        view = obs.copy() if isinstance(obs, DuelState) else obs  # a state (needs_truth) is sent as a copy
        answer = self._ask(("act", view, np.asarray(legal.mask), legal.ban), "choose")
        if "picks" in answer:
            return np.asarray(answer["picks"])
        raise IllegalAction(f"bot {self.name!r} must return {legal.shape[0]} whole action ids, got {answer.get('bad')}")

    def close(self) -> None:
        """End the bot's process (killed if it does not end with its pipe)."""
        proc, self._proc = self._proc, None
        for conn in (self._send, self._recv):
            if conn is not None:
                conn.close()
        self._send = self._recv = None
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001 - at interpreter exit the modules may be gone
            pass

    def _start(self) -> None:
        """Start the process and make the bot in it, once; a bot that cannot be made is one error naming it."""
        if self._proc is not None or self.out is not None:
            if self.out is not None:
                raise self.out
            return
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        env[referee.ISOLATE_ENV] = "0"
        self._proc = subprocess.Popen([sys.executable, "-m", "gladiator.bots.isolated"], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, env=env)
        self._send = Connection(os.dup(self._proc.stdin.fileno()), readable=False)  # type: ignore[union-attr]
        self._recv = Connection(os.dup(self._proc.stdout.fileno()), writable=False)  # type: ignore[union-attr]
        self._proc.stdin.close()  # type: ignore[union-attr]
        self._proc.stdout.close()  # type: ignore[union-attr]
        try:
            self._answer("start", STARTUP_SECONDS)
            made = self._ask(("make", self.name, list(sys.path), os.getcwd()), "start", STARTUP_SECONDS)
        except BotOut as e:
            raise GladiatorError(f"bot {self.name!r} did not start in its own process: it {e.reason}") from None
        self._truth = bool(made.get("needs_truth"))

    def _use(self, game: Game) -> None:
        """Send the game's data to the process, when it is not the game the process has."""
        if self._game is not game:
            self._ask(("game", list(game.roster), game.arena), "start", STARTUP_SECONDS)
            self._game = game

    def _ask(self, request: tuple, what: str, limit: float | None = -1.0) -> dict:
        """Send one request and read its answer within the bot's time (or `limit`)."""
        if self.out is not None:
            raise self.out
        try:
            self._send.send_bytes(pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL))  # type: ignore[union-attr]
        except OSError:
            return self._ended(what)
        return self._answer(what, referee.bot_timeout() if limit == -1.0 else limit)

    def _answer(self, what: str, limit: float | None) -> dict:
        """The next answer of the process as data; BotOut when it overruns, ends, or answers nonsense."""
        assert self._recv is not None
        if not self._recv.poll(limit):
            self.close()
            self.out = BotOut(engine.TIMED_OUT, f"took longer than {limit:g} s to {what} (--bot-timeout; in its own process)")
            raise self.out
        try:
            answer = json.loads(self._recv.recv_bytes(MAX_ANSWER_BYTES))
        except (EOFError, OSError, ValueError):
            return self._ended(what)
        if not isinstance(answer, dict):
            return self._ended(what)
        if "ended" in answer:
            self.close()
            self.out = BotOut(engine.BOT_DIED, f"{answer['ended']} while asked to {what} (in its own process)")
            raise self.out
        if "error" in answer:
            text = str(answer["error"])
            if what == "start":
                raise GladiatorError(text)
            raise GladiatorError(f"bot {self.name!r} failed {'to prepare' if what == 'prepare' else 'while choosing'}: {text}")
        return answer

    def _ended(self, what: str) -> dict:
        """The process is gone (or talks nonsense): the bot is out, with its exit code."""
        proc = self._proc
        code = None
        if proc is not None:
            try:
                code = proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        self.close()
        how = f"ended its process (exit code {code})" if code is not None else "broke its pipe"
        self.out = BotOut(engine.BOT_DIED, f"{how} while asked to {what}")
        raise self.out


def serve() -> None:
    """The bot's process: read requests, make and ask the bot, answer in JSON; end with the pipe."""
    requests, answers = os.dup(0), os.dup(1)
    quiet = os.open(os.devnull, os.O_RDONLY)
    os.dup2(quiet, 0)  # the bot reads nothing of the pipe
    os.dup2(2, 1)  # what the bot prints, even below Python, goes to stderr
    sys.stdout = sys.stderr
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the command's to handle: it ends this process
    _die_with_parent()
    rd, wr = Connection(requests, writable=False), Connection(answers, readable=False)

    def say(data: dict) -> None:
        wr.send_bytes(json.dumps(data).encode())

    say({"ready": True})
    bot: Any = None
    game: Game | None = None
    while True:
        try:
            request = pickle.loads(rd.recv_bytes())
        except EOFError:
            return
        kind = request[0]
        try:
            if kind == "make":
                from gladiator.bots import make_bot

                sys.path[:] = request[2]
                os.chdir(request[3])
                bot = make_bot(request[1])
                say({"needs_truth": bool(getattr(bot, "needs_truth", False))})
            elif kind == "game":
                game = make_game(request[1], request[2])
                say({"ok": True})
            elif kind == "prepare":
                prep = getattr(bot, "prepare", None)
                if callable(prep):
                    prep(game)
                say({"ok": True})
            elif kind == "act":
                view, mask, ban = request[1:]
                legal = engine.Legal.of_mask(game, mask, ban)  # type: ignore[arg-type]
                arr = np.asarray(bot.act(game, view, legal))
                if arr.ndim == 1 and arr.dtype.kind in "iu":
                    say({"picks": [int(v) for v in arr]})
                else:
                    say({"bad": f"shape {arr.shape} of {arr.dtype}"})
        except GladiatorError as e:
            say({"error": str(e)})
        except Exception as e:  # noqa: BLE001 - the bot's failure, in one line
            say({"error": f"{type(e).__name__}: {e}"})
        except BaseException as e:  # noqa: BLE001 - sys.exit, KeyboardInterrupt: the bot ended
            say({"ended": referee.ending(e)})
            return


def _die_with_parent() -> None:
    """Ask Linux to end this process when the command that started it ends (elsewhere the closed pipe ends it)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


if __name__ == "__main__":
    serve()
