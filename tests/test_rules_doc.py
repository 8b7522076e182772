"""docs/rules.md states the engine's rules: its constants table, its tables and its formulas are
checked here against the engine, the formulas evaluated on many random situations."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest

from gladiator.catalog import Stats
from gladiator.catalog.geometry import DIRECTIONS
from gladiator.catalog.schema import LEGEND
from gladiator.engine import attack_preview, extraction_preview, leap_reach, legal_mask, new_duels, step
from gladiator.game import ATTACK0, END, EXTRACT, INJECT, VENT, W, make_game
from gladiator.rules import constants
from gladiator.state import CORE_EXTRACTED

DOC = Path(__file__).resolve().parent.parent / "docs" / "rules.md"
B = 600  # random situations per check


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def _table(doc: str, first_header: str) -> list[list[str]]:
    """Rows of the markdown table whose header starts with `first_header`."""
    lines = doc.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {first_header} |"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([c.strip().strip("`") for c in line.strip("|").split("|")])
    return rows


def _constants(doc: str) -> dict[str, float]:
    return {name: float(value) for name, value, *_ in _table(doc, "Constant")}


def _formulas(doc: str) -> dict[str, str]:
    """Every `name = expression` of the ```formula blocks (indented lines continue the one above)."""
    out: dict[str, str] = {}
    for block in re.findall(r"```formula\n(.*?)```", doc, flags=re.S):
        name = None
        for line in block.splitlines():
            if line.startswith((" ", "\t")) and name:
                out[name] += " " + line.strip()
            elif line.strip():
                name, expr = (p.strip() for p in line.split("=", 1))
                out[name] = expr
    return out


class Formulas:
    """The doc's formulas, evaluated with the doc's constants."""

    def __init__(self, doc: str) -> None:
        self.base = _constants(doc) | {"clip": lambda x, lo, hi: min(max(x, lo), hi), "floor": math.floor,
                                        "min": min, "max": max}
        self.code = {k: compile(v, f"rules.md:{k}", "eval") for k, v in _formulas(doc).items()}

    def __call__(self, name: str, **values: float) -> float:
        return eval(self.code[name], {"__builtins__": {}}, self.base | values)


@pytest.fixture(scope="module")
def formulas(doc: str) -> Formulas:
    return Formulas(doc)


def test_every_constant_is_stated_with_its_value(doc):
    stated = _constants(doc)
    actual = {k: v for k, v in vars(constants).items() if k.isupper() and isinstance(v, (int, float))}
    assert set(stated) == set(actual), "constants missing from or extra in docs/rules.md"
    for k, v in actual.items():
        assert stated[k] == pytest.approx(v), k


def test_the_stats_table_states_every_default_and_bound(doc):
    rows = {r[0]: r for r in _table(doc, "Stat")}
    assert set(rows) == set(Stats.model_fields)
    for name, field in Stats.model_fields.items():
        default, bounds = rows[name][1], rows[name][2]
        assert default == ("required" if field.is_required() else str(field.default)), name
        lo = next(getattr(m, "ge", None) if getattr(m, "ge", None) is not None else m.gt + 1
                  for m in field.metadata if hasattr(m, "ge") or hasattr(m, "gt"))
        hi = next(m.le for m in field.metadata if hasattr(m, "le"))
        assert bounds == f"{lo}..{hi}", name


def test_the_legend_is_the_schemas(doc):
    assert {r[0] for r in _table(doc, "Tile")} == set(LEGEND)


def test_the_action_space_layout(doc, unit, arena):
    game = make_game([unit("alpha"), unit("beta"), unit("gamma")], arena("A..\n..B"))
    sp = game.space
    U, T = 3, 6
    assert (END, ATTACK0, W, sp.mimic0, sp.move0, sp.leap0, sp.n) == (0, 5, 4, 9, 9 + U, 9 + U + T, 9 + U + 2 * T)
    assert "`A = 9 + U + 2T`" in doc
    ids = [r[0] for r in _table(doc, "Ids")]
    assert ids[:5] == ["0", "1", "2", "3", "4"] and ids[5] == "5 .. 8"


def test_every_formula_is_checked(formulas):
    checked = {"rear", "hit_chance", "hit", "roll", "damage", "heat_after_cooling", "overheat_damage",
               "turn_action_points", "heat_after_vent", "extraction_allowed", "extraction_odds",
               "extraction_succeeds", "nectar_after_inject", "leap_reach", "grab_odds", "held_action_points"}
    assert set(formulas.code) == checked


# ---- random situations -------------------------------------------------------------------------

ROOM = "\n".join([
    "A.+.^^.~..",
    "..+.^^.~..",
    "....++....",
    "^^..N.....",
    "..~~....+B",
])


def _random_game(unit, weapon, arena, rng: np.random.Generator, rules: int = 3):
    roster = []
    for k in range(6):
        weapons = []
        for j in range(int(rng.integers(1, W + 1))):
            lo = int(rng.integers(0, 12))
            weapons.append(weapon(f"w{j}", kind=str(rng.choice(["melee", "ranged"])), range=int(rng.integers(1, 9)),
                                  accuracy=float(np.round(rng.uniform(0, 1), 2)), damage=(lo, lo + int(rng.integers(0, 6))),
                                  heat=int(rng.integers(0, 5)), melt=int(rng.integers(0, 5)), nectar=int(rng.integers(0, 3))))
        roster.append(unit(f"u{k}", weapons=weapons, abilities=("leap", "core_extraction", "mimic"),
                           agility=int(rng.integers(0, 15)), armor=int(rng.integers(0, 6)),
                           firepower=int(rng.integers(0, 6)), actions=int(rng.integers(2, 5)),
                           heat_capacity=int(rng.integers(0, 25)), cooling=int(rng.integers(0, 6)),
                           nectar=int(rng.integers(5, 40)), nectar_doses=int(rng.integers(0, 3)),
                           dose_nectar=int(rng.integers(0, 20)), integrity=int(rng.integers(10, 60))))
    return make_game(roster, arena(ROOM, hazard_heat=5), rules)


def _random_state(game, rng: np.random.Generator, adjacent: bool = False):
    U = len(game.roster)
    pairs = np.stack([rng.integers(0, U, B), rng.integers(0, U, B)], axis=1)
    s = new_duels(game, pairs, rng.integers(0, 2**40, B))
    open_tiles = np.flatnonzero(game.geo.passable)
    for b in range(B):
        p0 = int(rng.choice(open_tiles))
        if adjacent:
            near = open_tiles[(game.geo.cheb[p0, open_tiles] == 1)]
            p1 = int(rng.choice(near))
        else:
            p1 = int(rng.choice(open_tiles[open_tiles != p0]))
        s.pos[b] = (p0, p1)
    s.facing[:] = rng.integers(0, 8, (B, 2))
    s.guard[:] = rng.random((B, 2)) < 0.3
    s.exposed[:] = rng.random((B, 2)) < 0.3
    s.caught[:] = rng.random((B, 2)) < 0.3
    s.heat[:] = rng.integers(0, 40, (B, 2))
    full = game.tables.integrity[s.unit]
    s.integrity[:] = np.maximum(1, (full * rng.uniform(0.05, 1.0, (B, 2))).astype(int))
    s.nectar[:] = np.minimum(game.tables.nectar[s.unit], rng.integers(1, 40, (B, 2)))
    s.active[:] = rng.integers(0, 2, B)
    s.ap[:] = rng.integers(2, 4, B)
    return s


def _rear(formulas, game, s, b) -> bool:
    a = int(s.active[b])
    (ax, ay), (tx, ty) = game.geo.xy[s.pos[b, a]], game.geo.xy[s.pos[b, 1 - a]]
    fx, fy = DIRECTIONS[s.facing[b, 1 - a]]
    return bool(formulas("rear", dx=int(ax - tx), dy=int(ay - ty), fx=int(fx), fy=int(fy)))


def _attack_terms(formulas, game, s, b, slot) -> dict:
    t, geo = game.tables, game.geo
    a = int(s.active[b])
    e = 1 - a
    me, foe = int(s.unit[b, a]), int(s.unit[b, e])
    return dict(
        accuracy=float(t.w_accuracy[me, slot]), low=int(t.w_low[me, slot]), high=int(t.w_high[me, slot]),
        ranged=int(t.w_ranged[me, slot]), target_agility=int(t.agility[foe]), target_guarding=int(s.guard[b, e]),
        adjacent=int(geo.cheb[s.pos[b, a], s.pos[b, e]] == 1), ambush=int(s.disguise[b, a] >= 0),
        target_in_cover=int(geo.cover[s.pos[b, e]]), attacker_on_high=int(geo.high[s.pos[b, a]]),
        target_on_high=int(geo.high[s.pos[b, e]]), rear=int(_rear(formulas, game, s, b)),
        target_exposed=int(s.exposed[b, e]), attacker_firepower=int(t.firepower[me]), target_armor=int(t.armor[foe]),
    )


def test_hit_chance_and_damage_formulas(formulas, unit, weapon, arena):
    rng = np.random.default_rng(1)
    game = _random_game(unit, weapon, arena, rng)
    s = _random_state(game, rng)
    disguised = rng.random(B) < 0.3
    own = s.unit[disguised, s.active[disguised]]
    s.disguise[disguised, s.active[disguised]] = (own + rng.integers(1, len(game.roster), int(disguised.sum()))) % len(game.roster)
    prev = attack_preview(game, s)
    for b in range(B):
        for slot in range(W):
            if not game.tables.w_valid[int(s.unit[b, s.active[b]]), slot]:
                continue
            v = _attack_terms(formulas, game, s, b, slot)
            assert prev["chance"][b, slot] == pytest.approx(formulas("hit_chance", **v)), (b, slot, v)
            assert prev["low"][b, slot] == formulas("damage", **v | {"roll": v["low"]}), (b, slot, v)
            assert prev["high"][b, slot] == formulas("damage", **v | {"roll": v["high"]}), (b, slot, v)


def test_an_attack_resolves_by_the_formulas(formulas, unit, weapon, arena):
    rng = np.random.default_rng(2)
    game = _random_game(unit, weapon, arena, rng)
    s = _random_state(game, rng)
    usable = attack_preview(game, s)["usable"]
    slot = np.argmax(usable, axis=1)
    acts = np.where(usable.any(axis=1), ATTACK0 + slot, END)
    u = rng.random((B, 3))
    after, _ = step(game, s, acts, draws=u)
    tested = 0
    for b in np.flatnonzero(usable.any(axis=1)):
        e = 1 - int(s.active[b])
        v = _attack_terms(formulas, game, s, b, int(slot[b]))
        hit = formulas("hit", u_hit=u[b, 0], hit_chance=formulas("hit_chance", **v))
        roll = formulas("roll", u_damage=u[b, 1], low=v["low"], high=v["high"])
        dealt = formulas("damage", **v | {"roll": roll}) if hit else 0
        assert int(s.integrity[b, e]) - int(after.integrity[b, e]) == min(dealt, int(s.integrity[b, e])), b
        tested += 1
    assert tested > B // 4


def test_turn_start_heat_formulas(formulas, unit, weapon, arena):
    rng = np.random.default_rng(3)
    game = _random_game(unit, weapon, arena, rng)
    s = _random_state(game, rng)
    after, _ = step(game, s, np.full(B, END))  # the other side's turn begins
    t = game.tables
    for b in range(B):
        if int(s.turn[b]) >= game.arena.turn_limit:
            continue
        n = 1 - int(s.active[b])
        u = int(s.unit[b, n])
        cooled = formulas("heat_after_cooling", heat=int(s.heat[b, n]), cooling=int(t.cooling[u]))
        assert int(after.heat[b, n]) == cooled, b
        hurt = formulas("overheat_damage", heat_after_cooling=cooled, heat_capacity=int(t.heat_capacity[u]))
        assert int(after.integrity[b, n]) == max(0, int(s.integrity[b, n]) - hurt), b
        ap = formulas("turn_action_points", heat_after_cooling=cooled, heat_capacity=int(t.heat_capacity[u]),
                      actions=int(t.actions[u]))
        assert int(after.ap[b]) == ap, b


def test_vent_and_inject_formulas(formulas, unit, weapon, arena):
    rng = np.random.default_rng(4)
    game = _random_game(unit, weapon, arena, rng)
    s = _random_state(game, rng)
    t = game.tables
    ar = np.arange(B)
    a = s.active.astype(int)
    mask = legal_mask(game, s)
    vent, _ = step(game, s, np.where(mask[:, VENT], VENT, END))
    inject, _ = step(game, s, np.where(mask[:, INJECT], INJECT, END))
    for b in ar[mask[:, VENT]]:
        u = int(s.unit[b, a[b]])
        assert int(vent.heat[b, a[b]]) == formulas("heat_after_vent", heat=int(s.heat[b, a[b]]), cooling=int(t.cooling[u]))
    for b in ar[mask[:, INJECT]]:
        u = int(s.unit[b, a[b]])
        expected = formulas("nectar_after_inject", full_nectar=int(t.nectar[u]), nectar=int(s.nectar[b, a[b]]),
                            dose_nectar=int(t.dose_nectar[u]))
        assert int(inject.nectar[b, a[b]]) == expected
    assert mask[:, VENT].sum() > 50 and mask[:, INJECT].sum() > 20


def test_core_extraction_formulas(formulas, unit, weapon, arena):
    rng = np.random.default_rng(5)
    game = _random_game(unit, weapon, arena, rng)
    s = _random_state(game, rng, adjacent=True)
    t = game.tables
    allowed = legal_mask(game, s)[:, EXTRACT]
    odds = extraction_preview(game, s)
    u = rng.random((B, 3))
    after, _ = step(game, s, np.where(allowed, EXTRACT, END), draws=u)
    for b in range(B):
        a, e = int(s.active[b]), 1 - int(s.active[b])
        me, foe = int(s.unit[b, a]), int(s.unit[b, e])
        rear = _rear(formulas, game, s, b)
        ok = formulas("extraction_allowed", target_integrity=int(s.integrity[b, e]),
                      target_full_integrity=int(t.integrity[foe]), target_heat=int(s.heat[b, e]),
                      target_heat_capacity=int(t.heat_capacity[foe]), caught=bool(s.caught[b, e]))
        assert bool(allowed[b]) == bool(ok), b
        p = formulas("extraction_odds", agility=int(t.agility[me]), target_agility=int(t.agility[foe]), rear=int(rear),
                     target_integrity=int(s.integrity[b, e]), target_full_integrity=int(t.integrity[foe]))
        assert odds[b] == pytest.approx(p), b
        if allowed[b]:
            won = int(after.outcome[b]) == CORE_EXTRACTED
            assert won == bool(formulas("extraction_succeeds", u_extract=u[b, 2], extraction_odds=p))
    assert allowed.sum() > 50


def test_version_4_grab_odds_formula(formulas, unit, weapon, arena):
    rng = np.random.default_rng(8)
    game = _random_game(unit, weapon, arena, rng, rules=4)
    s = _random_state(game, rng, adjacent=True)
    t, geo = game.tables, game.geo
    odds = extraction_preview(game, s)
    for b in range(B):
        a, e = int(s.active[b]), 1 - int(s.active[b])
        me, foe = int(s.unit[b, a]), int(s.unit[b, e])
        chances = [formulas("hit_chance", accuracy=float(t.w_accuracy[foe, w]), ranged=int(t.w_ranged[foe, w]),
                            target_agility=int(t.agility[me]), target_guarding=1, adjacent=1, ambush=0,
                            target_in_cover=int(geo.cover[s.pos[b, a]]), attacker_on_high=0, target_on_high=0, rear=0,
                            target_exposed=0)
                   for w in range(W) if t.w_valid[foe, w]]
        hot = int(s.heat[b, e]) > int(t.heat_capacity[foe])
        cap = int(t.heat_capacity[foe])  # the held unit's next turn, as overheated as it is now
        points = formulas("turn_action_points", actions=int(t.actions[foe]), heat_after_cooling=cap + 1 if hot else 0,
                          heat_capacity=cap)
        shots = formulas("held_action_points", turn_action_points=points)  # held: a point short, its holder braced
        assert odds[b] == pytest.approx(formulas("grab_odds", surest_chance=max(chances), held_shots=shots)), b


def test_leap_reach_formula(formulas, unit, arena):
    units = [unit(f"u{k}", agility=k) for k in range(31)]
    game = make_game(units, arena("A.B"))
    reach = leap_reach(game, np.arange(31))
    for k in range(31):
        assert reach[game.unit_index(f"u{k}")] == formulas("leap_reach", agility=k)


def test_the_gauge_example_of_the_rules_is_the_shipped_suits() -> None:
    """docs/rules.md's disguise example reads the shipped Jaron and Rouge, and the engine's gauge gives its figure."""
    from gladiator.catalog import load_catalog
    from gladiator.engine import gauge

    text = (Path(__file__).resolve().parent.parent / "docs" / "rules.md").read_text(encoding="utf-8")
    m = re.search(r"a Jaron \((\d+) integrity\) disguised as Rouge \((\d+)\) at (\d+)/(\d+) shows (\d+)/(\d+)", text)
    assert m, "the example is gone"
    jaron, rouge, value, jmax, shown, rmax = map(int, m.groups())
    units = load_catalog().units
    assert jaron == jmax == units["jaron"].stats.integrity and rouge == rmax == units["rouge"].stats.integrity
    assert int(gauge(np.asarray(value), jaron, rouge)) == shown
