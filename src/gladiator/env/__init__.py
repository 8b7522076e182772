"""Environment APIs for researchers: a Gymnasium env against a bot, and a PettingZoo two-agent env.

Both are thin wrappers over the one engine; Gymnasium and PettingZoo are optional extras
(`pip install gladiator[rl]`). Importing this package needs neither; the classes do.
"""

from gladiator.env.encode import observation_size, encode

__all__ = ["encode", "observation_size"]
