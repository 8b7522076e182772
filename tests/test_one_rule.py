"""One rule, one place: change a constant of the rules and every reader of it follows in a fresh game.

The legal mask, the check of a pick, `step`, the previews, the refusal text, the bots' tables and
the formulas of docs/rules.md all read the same constants; none keeps a copy. Also: the tables a
game derives are read-only and kept on the game, not in module globals.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from gladiator import engine, tactics
from gladiator.errors import IllegalAction
from gladiator.game import ATTACK0
from gladiator.rules import constants as K

DOC = Path(__file__).resolve().parent.parent / "docs" / "rules.md"
ROOM = "A......\n.......\n......B"
S = 4  # facing south


def _leaper(unit, weapon):
    return unit("alpha", weapons=[weapon("blade", range=1, accuracy=0.5, damage=8)], abilities=("leap",),
                agility=6, actions=3)


@pytest.mark.parametrize("cost", [1, 2, 3])
def test_the_cost_of_a_leap_is_read_from_its_constant_everywhere(cost, unit, weapon, duel, at, monkeypatch):
    monkeypatch.setattr(K, "COST_LEAP", cost)
    game, s = duel(_leaper(unit, weapon), unit("beta"), ROOM)  # a fresh game, built after the change
    leap = game.space.leap(at(game, 2, 2))
    for ap in (1, 2, 3):
        s.ap[0] = ap
        allowed = ap >= cost
        assert bool(engine.legal_mask(game, s)[0, leap]) == allowed
        assert bool(engine.Legal(game, s).allows(np.array([leap]))[0]) == allowed
        if allowed:
            after, _ = engine.step(game, s, [leap])
            if ap > cost:
                assert int(after.ap[0]) == ap - cost and int(after.active[0]) == 0
            else:  # the last points spent: the turn passed
                assert int(after.active[0]) == 1
        else:
            assert engine.explain(game, s, 0, leap) == f"Alpha has {ap} action point(s) left; leap needs {cost}"
            with pytest.raises(IllegalAction, match=f"leap needs {cost}"):
                engine.step(game, s, [leap])


def test_the_cost_of_an_attack_is_read_from_its_constant_everywhere(unit, weapon, duel, at, monkeypatch):
    monkeypatch.setattr(K, "COST_ATTACK", 2)
    game, s = duel(_leaper(unit, weapon), unit("beta"), ROOM)
    s.pos[0] = (at(game, 3, 1), at(game, 4, 1))
    s.ap[0] = 1
    assert not engine.legal_mask(game, s)[0, ATTACK0]
    assert not engine.attack_preview(game, s)["usable"][0, 0]
    assert "attack needs 2" in engine.explain(game, s, 0, ATTACK0)
    s.ap[0] = 2
    assert engine.attack_preview(game, s)["usable"][0, 0]
    after, _ = engine.step(game, s, [ATTACK0], draws=[[0.99, 0.0, 0.0]])
    assert int(after.active[0]) == 1  # both points spent


def _doc_hit_chance(**values: float) -> float:
    """The doc's hit chance formula, evaluated with the constants as they are now (not the doc's table)."""
    block = re.search(r"```formula\n(hit_chance = .*?)\nhit = ", DOC.read_text(encoding="utf-8"), flags=re.S).group(1)
    expr = " ".join(line.strip() for line in block.split("=", 1)[1].splitlines())
    consts = {k: v for k, v in vars(K).items() if k.isupper()}
    return eval(expr, {"__builtins__": {}}, consts | {"clip": lambda x, lo, hi: min(max(x, lo), hi)} | values)


@pytest.mark.parametrize("bonus", [0.2, 0.45, 0.0])
def test_the_rear_bonus_is_read_from_its_constant_everywhere(bonus, unit, weapon, duel, at, monkeypatch):
    monkeypatch.setattr(K, "REAR_BONUS", bonus)
    game, s = duel(_leaper(unit, weapon), unit("beta"), ROOM)
    s.pos[0] = (at(game, 3, 0), at(game, 3, 1))
    s.facing[0, 1] = S  # Beta faces south: Alpha, to its north, is behind it
    s.ap[0] = 2
    chance = _doc_hit_chance(accuracy=0.5, target_agility=0, target_guarding=0, ranged=0, target_in_cover=0,
                             attacker_on_high=0, target_on_high=0, rear=1, target_exposed=0, adjacent=1, ambush=0)
    assert chance == pytest.approx(0.5 + bonus)
    assert engine.attack_preview(game, s)["chance"][0, 0] == pytest.approx(chance)
    _, ev = engine.step(game, s, [ATTACK0], draws=[[0.99, 0.0, 0.0]], events=True)
    attack = [e for e in ev[0] if e["event"] == "attack"][0]
    assert attack["rear"] and attack["chance"] == pytest.approx(chance) and attack["terms"]["rear"] == pytest.approx(bonus)
    # the bots' strike table: from behind, at distance 1, the expected strike of the blade
    obs = engine.observe(game, s, 0)
    expected = chance * (8 + 8 // K.REAR_DAMAGE_DIVISOR)
    assert tactics.strike_by_distance(game, obs, rear=True)[0, 1] == pytest.approx(expected)
    assert engine.explain(game, s, 0, ATTACK0) == ""  # legal: nothing to explain


def test_derived_tables_are_read_only_and_kept_on_their_game(catalog):
    from gladiator.duel import game_for

    game = game_for(catalog, "concert_hall")
    s = engine.new_duels(game, ("rouge", "viola"), [1])
    engine.attack_preview(game, s)
    engine.legal_mask(game, s)
    tactics.tactics(game)
    arrays = [game.tables.agility, game.geo.dist, game.geo.los, *(v for v in game._derived.values() if isinstance(v, np.ndarray))]
    assert len(arrays) > 4
    for a in arrays:
        assert not a.flags.writeable
        with pytest.raises(ValueError):
            a.reshape(-1)[0] = a.reshape(-1)[0]
    other = game_for(catalog, "concert_hall")
    assert other._derived == {}  # a second game builds its own


def test_no_module_keeps_a_table_keyed_on_a_game() -> None:
    src = Path(__file__).resolve().parent.parent / "src" / "gladiator"
    offenders = [str(p) for p in src.rglob("*.py") if "WeakKeyDictionary" in p.read_text(encoding="utf-8")]
    assert offenders == []


def test_no_bot_imports_the_rules_directly() -> None:
    """A side's code reads the engine's observation, previews and the tactics tables, never `gladiator.rules`: each rule
    is then called from one place, and a bot cannot grow a copy of one."""
    import ast

    import gladiator.bots

    found = []
    for path in sorted(Path(gladiator.bots.__file__).parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]  # `from gladiator import rules`
            else:
                continue
            found += [f"{path.name}: {n}" for n in names if n == "gladiator.rules" or n.startswith("gladiator.rules.")]
    assert found == []
