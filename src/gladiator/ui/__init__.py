"""The pygame window: title screen, watching, playing and replaying duels.

Everything pygame lives in this package and only here. The window turns input into
engine actions, draws the engine's state and animates the engine's events; it never
changes state itself and holds no copy of a rule. Imports the engine, bots, replay,
narrate and catalog; nothing below imports it.
"""

import os as _os

_os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
