"""gladiator: a turn-based combat simulator for gladiator mech duels.

The rules live in one batched numpy engine (:mod:`gladiator.engine`); the window,
the batch runner, the bots and the environment API all drive it.
"""

__version__ = "0.1.0"
RULES_VERSION = "2"
