"""Register `gladiator/Duel-v0` with Gymnasium: `gymnasium.make` for one duel, `gymnasium.make_vec` for the native batch.

`import gladiator` calls `register_when_gymnasium_loads()`: it registers at once where Gymnasium is
already imported, and otherwise as soon as it is, so that importing gladiator never pulls
Gymnasium in (the command line starts as fast without it). Imports only the standard library.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import sys

ENV_ID = "gladiator/Duel-v0"


def register_envs() -> None:
    """Register the environments (once; a second call changes nothing)."""
    import gymnasium

    if ENV_ID in gymnasium.registry:
        return
    gymnasium.register(id=ENV_ID, entry_point="gladiator.env.gym:DuelEnv",
                       vector_entry_point="gladiator.env.vector:DuelVectorEnv", disable_env_checker=False)


def register_when_gymnasium_loads() -> None:
    """Register now if Gymnasium is imported, else right after it is (if it is installed at all)."""
    if "gymnasium" in sys.modules:
        register_envs()
        return
    if not any(isinstance(f, _AfterGymnasium) for f in sys.meta_path):
        sys.meta_path.insert(0, _AfterGymnasium())


class _AfterGymnasium(importlib.abc.MetaPathFinder):
    """Finds nothing itself; wraps the loading of `gymnasium` so that the environments register once it has loaded."""

    def find_spec(self, name, path, target=None):  # type: ignore[no-untyped-def]
        if name != "gymnasium":
            return None
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(name)
        finally:
            pass
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        run = loader.exec_module

        def exec_module(module):  # type: ignore[no-untyped-def]
            run(module)
            register_envs()

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec
