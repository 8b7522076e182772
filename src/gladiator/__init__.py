"""gladiator: a turn-based combat simulator for gladiator mech duels.

The rules live in one batched numpy engine (:mod:`gladiator.engine`); the window,
the batch runner, the bots and the environment API all drive it.
"""

__version__ = "0.1.0"
RULES_VERSION = "3"
DEFAULT_BOT = "heuristic"  # the bot of every command and the window when none is named (`greedy` is the fast one, by name)
DEFAULT_SEED = 0  # the seed of every command and the window's title screen when none is given
DEFAULT_ARENA = "concert_hall"  # the arena of every one-arena command and the title screen when none is named
DEFAULT_BOT_TIMEOUT = 60.0  # seconds a plugin bot may take over one call (`--bot-timeout`; 0: no limit)

from gladiator.env.registration import register_when_gymnasium_loads as _register  # noqa: E402

_register()  # gladiator/Duel-v0 for gymnasium.make and gymnasium.make_vec, without importing Gymnasium now
