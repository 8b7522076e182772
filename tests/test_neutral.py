"""Neutral at zero: with every stat 0, no cover, a frontal attack and a ranged weapon not fired point-blank,
the hit chance is exactly the weapon's accuracy and the damage exactly the weapon's roll."""

from __future__ import annotations

import numpy as np
import pytest

from gladiator.engine import attack_preview, step
from gladiator.game import ATTACK0
from gladiator.catalog import Stats

ZERO = dict(armor=0, agility=0, firepower=0, speed=0, heat_capacity=0, cooling=0, nectar_doses=0)
CASES = np.random.default_rng(20261124)


def _weapons():
    out = []
    for k in range(24):
        lo = int(CASES.integers(0, 15))
        hi = lo + int(CASES.integers(0, 10))
        acc = float(np.round(CASES.uniform(0, 1), 3)) if k > 1 else float(k)  # 0.0 and 1.0 too
        out.append(("ranged" if k % 2 else "melee", acc, (lo, hi)))
    return out


def test_zero_is_the_default_of_every_bonus_stat():
    stats = Stats(integrity=10)
    assert (stats.armor, stats.agility, stats.firepower) == (0, 0, 0)


@pytest.mark.parametrize("kind, accuracy, damage", _weapons())
def test_all_zero_stats_give_the_weapons_accuracy_and_roll(unit, weapon, duel, kind, accuracy, damage):
    arm = weapon("arm", kind=kind, range=1 if kind == "melee" else 2, accuracy=accuracy, damage=damage)
    room = "....\n.AB.\n...." if kind == "melee" else ".....\n.A.B.\n....."
    game, s = duel(unit("alpha", weapons=[arm], **ZERO), unit("beta", **ZERO), room)
    prev = attack_preview(game, s)
    assert prev["chance"][0, 0] == accuracy
    assert (prev["low"][0, 0], prev["high"][0, 0]) == damage
    lo, hi = damage
    for u in np.linspace(0.0, 0.999999, 9):
        roll = lo + min(int(u * (hi - lo + 1)), hi - lo)
        hit, ev = step(game, s, [ATTACK0], draws=[[u, u, 0.0]], events=True)
        attack = [e for e in ev[0] if e["event"] == "attack"][0]
        assert attack["hit"] == (u < accuracy)
        assert attack["damage_roll"] == roll
        assert attack["damage"] == (roll if u < accuracy else 0)
        assert int(hit.integrity[0, 1]) == 100 - attack["damage"]
        assert all(v == 0 for k, v in attack["terms"].items() if k != "accuracy")


def test_zero_stats_on_one_side_leave_the_others_terms_alone(unit, weapon, duel):
    """Raising one stat from zero changes only the term it names."""
    gun = weapon("gun", kind="ranged", range=3, accuracy=0.6, damage=10)
    base = dict(weapons=[gun], **ZERO)
    for stat, side, chance, dmg in (("agility", 1, 0.6 - 0.03 * 4, 10), ("armor", 1, 0.6, 6), ("firepower", 0, 0.6, 14)):
        a = unit("alpha", **(base | ({stat: 4} if side == 0 else {})))
        b = unit("beta", **(base | ({stat: 4} if side == 1 else {})))
        game, s = duel(a, b, ".....\n.A.B.\n.....", first=None)
        if int(s.active[0]) == 1:
            s, _ = step(game, s, [0])
        prev = attack_preview(game, s)
        assert prev["chance"][0, 0] == pytest.approx(chance), stat
        assert prev["low"][0, 0] == dmg, stat
