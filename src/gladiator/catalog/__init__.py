"""Units and arenas: YAML data in, validated models out.

Imports only the standard library, numpy, pyyaml, pydantic and `gladiator.errors`.
"""

from gladiator.catalog.schema import Arena, Stats, Unit, Weapon
from gladiator.catalog.loader import Catalog, load_arena, load_catalog, load_unit

__all__ = ["Arena", "Catalog", "Stats", "Unit", "Weapon", "load_arena", "load_catalog", "load_unit"]
