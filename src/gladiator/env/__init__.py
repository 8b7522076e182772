"""Environment APIs for researchers, over the one engine: Gymnasium (a duel against a bot, and a native
vector env of many duels) and PettingZoo (two agents, turn by turn or in parallel).

Gymnasium and PettingZoo are optional extras (`pip install gladiator[rl]`). `gymnasium.make(
"gladiator/Duel-v0", ...)` and `gymnasium.make_vec(...)` work after `import gladiator`;
`duel_env(...)` and `duel_parallel_env(...)` give the PettingZoo environments. Importing this
package needs neither library: the names load on first use.
"""

from __future__ import annotations

from typing import Any

__all__ = ["duel_env", "duel_parallel_env", "encode", "observation_size"]


def duel_env(**kwargs: Any):  # type: ignore[no-untyped-def]
    """A PettingZoo AEC environment of one duel (agents "side_0" and "side_1"), wrapped as PettingZoo recommends."""
    from gladiator.env.pettingzoo import make_aec

    return make_aec(**kwargs)


def duel_parallel_env(**kwargs: Any):  # type: ignore[no-untyped-def]
    """A PettingZoo parallel environment of one duel: both agents step together, the one not to act with a no-op."""
    from gladiator.env.pettingzoo import DuelParallel

    return DuelParallel(**kwargs)


def __getattr__(name: str) -> Any:
    if name in ("encode", "observation_size"):
        import importlib

        module = importlib.import_module("gladiator.env.encode")  # this also binds the name `encode` to the module:
        globals().update(encode=module.encode, observation_size=module.observation_size)  # the functions win
        return globals()[name]
    raise AttributeError(f"module 'gladiator.env' has no attribute {name!r}")
