"""Scenario tests of moving, leaping, facing, and walls blocking movement and sight."""

from __future__ import annotations

import numpy as np
import pytest

from gladiator.rules import constants as K
from gladiator.engine import legal_mask, step
from gladiator.errors import GladiatorError, IllegalAction
from gladiator.game import ATTACK0
from gladiator.rules import legal

# y grows downwards; facings clockwise from north: N NE E SE S SW W NW
N, NE, E, SE, S, SW, W, NW = range(8)

WALLED = "\n".join([
    "A.#...",
    "..#...",
    "..#..B",
    "......",
])


def _moves(game, s):
    sp = game.space
    return legal_mask(game, s)[0, sp.move0 : sp.leap0]


def _leaps(game, s):
    sp = game.space
    return legal_mask(game, s)[0, sp.leap0 :]


def test_move_up_to_speed_along_a_passable_path(unit, duel, at):
    game, s = duel(unit("alpha", speed=3), unit("beta"), WALLED)
    moves = _moves(game, s)
    assert moves[at(game, 3, 0)] == False  # noqa: E712 - three tiles away, but the path round the wall is 8
    assert moves[at(game, 1, 3)]  # 3 steps down
    assert not moves[at(game, 2, 3)]  # 4 steps: no cutting the wall's corner
    # exactly the tiles within `speed` steps, except the two occupied ones
    dist = game.geo.dist[at(game, 0, 0)]
    expected = dist <= 3
    expected[[at(game, 0, 0), at(game, 5, 2)]] = False
    assert np.array_equal(moves, expected)
    s2, _ = step(game, s, [game.space.move(at(game, 1, 3))])
    assert int(s2.pos[0, 0]) == at(game, 1, 3)


def test_speed_zero_cannot_move(unit, duel):
    game, s = duel(unit("alpha", speed=0), unit("beta"), WALLED)
    assert not _moves(game, s).any()


def test_walls_block_movement(unit, duel, at):
    game, s = duel(unit("alpha", speed=9), unit("beta"), WALLED)
    moves = _moves(game, s)
    for y in range(3):
        assert not moves[at(game, 2, y)]
    with pytest.raises(IllegalAction, match="wall"):
        step(game, s, [game.space.move(at(game, 2, 1))])


def test_no_squeezing_diagonally_between_two_walls(unit, duel, at):
    game, s = duel(unit("alpha", speed=1), unit("beta"), "A#.\n#..\n..B")
    assert not _moves(game, s)[at(game, 1, 1)]
    assert int(game.geo.dist[at(game, 0, 0), at(game, 1, 1)]) > 1


def test_units_block_each_others_tiles(unit, duel, at):
    game, s = duel(unit("alpha", speed=9), unit("beta"), "AB...\n.....")
    moves = _moves(game, s)
    assert not moves[at(game, 0, 0)] and not moves[at(game, 1, 0)]
    assert moves[at(game, 4, 0)]  # round the enemy by the second row
    with pytest.raises(IllegalAction, match=r"tile \(1, 0\) is occupied"):
        step(game, s, [game.space.move(at(game, 1, 0))])


# a one-tile corridor: row 1 between two wall rows; Beta stands in it at (3, 1)
CORRIDOR = "\n".join([
    "#######",
    "A..B...",
    "#######",
])


def test_the_enemy_in_a_corridor_blocks_moves_beyond_it(unit, duel, at):
    game, s = duel(unit("alpha", speed=6), unit("beta"), CORRIDOR)
    moves = _moves(game, s)
    assert moves[at(game, 1, 1)] and moves[at(game, 2, 1)]  # up to the enemy
    for x in (4, 5, 6):  # within 6 steps ignoring the enemy, but the only path runs through it
        assert game.geo.dist[at(game, 0, 1), at(game, x, 1)] <= 6
        assert not moves[at(game, x, 1)], x
    with pytest.raises(IllegalAction, match=r"the enemy at \(3, 1\) blocks every path to tile \(5, 1\)"):
        step(game, s, [game.space.move(at(game, 5, 1))])
    # the enemy steps aside into an alcove: the corridor is open again
    game, s = duel(unit("alpha", speed=6), unit("beta"), "####.##\nA..B...\n#######")
    s.pos[0, 1] = at(game, 4, 0)
    assert _moves(game, s)[at(game, 6, 1)]


# a two-row room: Beta stands at (2, 0); going round it by the second row costs no extra step
ROOM = "\n".join([
    "A.B....",
    ".......",
])


def test_a_detour_round_the_enemy_within_speed_is_allowed(unit, duel, at):
    game, s = duel(unit("alpha", speed=3), unit("beta"), ROOM)
    target = at(game, 3, 0)
    assert _moves(game, s)[target]  # (0,0) -> (1,0) -> (2,1) -> (3,0): 3 steps, diagonally past the enemy
    s2, _ = step(game, s, [game.space.move(target)])
    assert int(s2.pos[0, 0]) == target
    assert int(s2.facing[0, 0]) == E  # faces the way from its old tile to the new one


def test_a_detour_longer_than_speed_is_refused(unit, duel, at):
    # Beta blocks the gap in the middle column; the way round through the bottom row is 6 steps
    arena = "\n".join([
        "A.#...",
        "..B...",
        "..#...",
        "......",
    ])
    game, s = duel(unit("alpha", speed=3), unit("beta"), arena)
    s.pos[0, 0] = at(game, 1, 1)
    target = at(game, 3, 1)
    assert int(game.geo.dist[at(game, 1, 1), target]) == 2  # straight through the enemy
    assert not _moves(game, s)[target]
    with pytest.raises(IllegalAction, match=r"the enemy at \(2, 1\) blocks the way: around it, tile \(3, 1\) is 6 tiles away; Alpha's speed is 3"):
        step(game, s, [game.space.move(target)])
    for speed in (5, 6):  # the detour fits a speed of 6
        game, s = duel(unit("alpha", speed=speed), unit("beta"), arena)
        s.pos[0, 0] = at(game, 1, 1)
        assert _moves(game, s)[target] == (speed == 6)


def test_the_enemy_only_blocks_its_own_tile_not_diagonal_steps_past_it(unit, duel, at):
    # moving diagonally past the enemy's corner is allowed (only walls forbid squeezing at a corner)
    game, s = duel(unit("alpha", speed=1), unit("beta"), "A.\nB.")
    assert _moves(game, s)[at(game, 1, 1)]


@pytest.mark.parametrize("memo", [True, False], ids=["memo", "direct"])
def test_the_legal_moves_are_the_walks_that_keep_off_the_enemy(unit, duel, at, memo, monkeypatch):
    # on random walled fields: exactly the tiles reached in at most `speed` steps never entering the enemy's tile
    if not memo:  # arenas too large for the memo of walks past the enemy work them out per call
        monkeypatch.setattr(legal, "PAST_ENEMY_LIMIT", 0)
    rng = np.random.default_rng(3)
    checked = blocked = 0
    while checked < 200:
        rows = ["".join("#" if rng.random() < 0.25 else "." for _ in range(7)) for _ in range(6)]
        flat = list("".join(rows))
        flat[0], flat[-1] = "A", "B"
        arena = "\n".join("".join(flat[i : i + 7]) for i in range(0, 42, 7))
        try:
            game, s = duel(unit("alpha", speed=4), unit("beta"), arena)
        except GladiatorError:  # spawn B cannot be walked to
            continue
        geo = game.geo
        pa = at(game, 0, 0)
        for pe in np.flatnonzero(geo.passable)[1:13]:
            s.pos[0, 1] = pe
            expected = _walk(geo, pa, int(pe), 4)
            expected[[pa, pe]] = False
            moves = _moves(game, s)
            assert np.array_equal(moves, expected)
            checked += 1
            blocked += int((geo.dist[pa] <= 4).sum() - 2 > moves.sum())
    assert blocked > 20  # the enemy stood in the way often enough for the check to matter


def _walk(geo, start: int, avoid: int, speed: int) -> np.ndarray:
    """Tiles reached in at most `speed` steps from `start` never stepping on `avoid` (plain Python BFS)."""
    w, h = geo.width, geo.height
    seen = {start: 0}
    todo = [start]
    for k in range(1, speed + 1):
        nxt = []
        for c in todo:
            cx, cy = c % w, c // w
            for dx, dy in ((0, -1), (1, -1), (1, 0), (1, 1), (0, 1), (-1, 1), (-1, 0), (-1, -1)):
                x, y = cx + dx, cy + dy
                n = y * w + x
                if not (0 <= x < w and 0 <= y < h) or not geo.passable[n] or n == avoid or n in seen:
                    continue
                if dx and dy and not (geo.passable[cy * w + x] and geo.passable[y * w + cx]):
                    continue
                seen[n] = k
                nxt.append(n)
        todo = nxt
    out = np.zeros(w * h, dtype=bool)
    out[list(seen)] = True
    return out


def test_walls_block_sight(unit, weapon, duel, at):
    gun = weapon("gun", kind="ranged", range=9, accuracy=1.0)
    game, s = duel(unit("alpha", weapons=[gun]), unit("beta"), "A.#.B\n.....")
    assert not game.geo.los[at(game, 0, 0), at(game, 4, 0)]
    assert not legal_mask(game, s)[0, ATTACK0]
    with pytest.raises(IllegalAction, match="line of sight"):
        step(game, s, [ATTACK0])
    # step round the wall's end: sight again
    s, _ = step(game, s, [game.space.move(at(game, 1, 1))])
    assert legal_mask(game, s)[0, ATTACK0]
    # without the wall, sight is clear
    game2, s2 = duel(unit("alpha", weapons=[gun]), unit("beta"), "A...B\n.....")
    assert legal_mask(game2, s2)[0, ATTACK0]


def test_units_start_facing_each_other(unit, duel):
    game, s = duel(unit("alpha"), unit("beta"), "A...B")
    assert list(s.facing[0]) == [E, W]
    game, s = duel(unit("alpha"), unit("beta"), "A..\n...\n..B")
    assert list(s.facing[0]) == [SE, NW]


@pytest.mark.parametrize("dx, dy, facing", [(1, 0, E), (-1, 0, W), (0, -1, N), (0, 1, S), (1, 1, SE), (-1, -1, NW), (2, -1, NE)])
def test_facing_after_a_move_is_the_way_moved(unit, duel, at, dx, dy, facing):
    game, s = duel(unit("alpha", speed=3), unit("beta"), ".....\n.....\n..A..\n.....\n....B")
    s, _ = step(game, s, [game.space.move(at(game, 2 + dx, 2 + dy))])
    assert int(s.facing[0, 0]) == facing


def test_leap_reach_grows_with_agility(unit, duel, at):
    field = "\n".join(["." * 15] * 15).replace(".", "A", 1)
    field = field[:-1] + "B"
    for agility, reach in ((0, 2), (2, 2), (3, 3), (5, 3), (6, 4), (9, 5)):
        game, s = duel(unit("alpha", agility=agility, abilities=("leap",)), unit("beta"), field)
        s.pos[0, 0] = at(game, 7, 7)
        leaps = _leaps(game, s)
        cheb = game.geo.cheb[at(game, 7, 7)]
        expected = cheb <= reach
        expected[at(game, 7, 7)] = expected[at(game, 14, 14)] = False
        assert np.array_equal(leaps, expected), agility


def test_leap_jumps_over_walls_and_lands_behind_the_enemy(unit, duel, at):
    # the wall column cuts the only straight way; walking round takes 6 steps
    arena = "A.#B.\n..#..\n.....\n....."
    game, s = duel(unit("alpha", agility=3, speed=1, actions=3, abilities=("leap",)), unit("beta"), arena)
    target = at(game, 4, 0)  # behind Beta, who faces west
    assert not _moves(game, s)[target]
    assert _leaps(game, s)[target] == False  # noqa: E712 - Chebyshev 4 > reach 3
    s.pos[0, 0] = at(game, 1, 0)
    assert _leaps(game, s)[target]
    s, _ = step(game, s, [game.space.leap(target)])
    assert int(s.pos[0, 0]) == target
    assert int(s.facing[0, 0]) == W  # a leaper lands facing the enemy
    assert int(s.heat[0, 0]) == K.LEAP_HEAT
    assert int(s.ap[0]) == 3 - K.COST_LEAP


def test_a_leap_passes_over_the_enemy_in_a_corridor(unit, duel, at):
    game, s = duel(unit("alpha", agility=3, speed=6, abilities=("leap",)), unit("beta"), CORRIDOR)
    s.pos[0, 0] = at(game, 1, 1)
    target = at(game, 4, 1)
    assert not _moves(game, s)[target]  # walking, the enemy is in the way
    assert _leaps(game, s)[target]  # leaping, it is jumped over
    s, _ = step(game, s, [game.space.leap(target)])
    assert int(s.pos[0, 0]) == target and int(s.facing[0, 0]) == W


def test_leap_cannot_land_in_a_walled_off_pocket(unit, duel, at):
    arena = "A...B\n.###.\n.#.#.\n.###."
    game, s = duel(unit("alpha", agility=9, abilities=("leap",)), unit("beta"), arena)
    assert not _leaps(game, s)[at(game, 2, 2)]
    assert not _leaps(game, s)[at(game, 2, 1)]  # a wall


def test_leap_needs_the_ability_and_its_action_points(unit, duel, at, monkeypatch):
    game, s = duel(unit("alpha"), unit("beta"), "A...B")
    assert not _leaps(game, s).any()
    monkeypatch.setattr(K, "COST_LEAP", 2)  # a costlier leap shows the points checked
    game, s = duel(unit("alpha", actions=3, abilities=("leap",)), unit("beta"), "A...B")
    assert _leaps(game, s)[at(game, 2, 0)]
    s, _ = step(game, s, [game.space.move(at(game, 1, 0))])
    s, _ = step(game, s, [game.space.move(at(game, 0, 0))])
    assert int(s.ap[0]) == 1 and not _leaps(game, s).any()
    with pytest.raises(IllegalAction, match="action point"):
        step(game, s, [game.space.leap(at(game, 2, 0))])


def test_line_of_sight_is_mutual_and_diagonal_neighbours_see_each_other(unit, weapon, duel, at):
    game, s = duel(unit("alpha"), unit("beta"), "A.#..\n.....\n#...B")
    los = game.geo.los
    assert (los == los.T).all()
    assert not los[at(game, 0, 0), at(game, 4, 0)] and los[at(game, 0, 1), at(game, 4, 1)]
    # diagonal neighbours always see each other, even between two walls
    game2, _ = duel(unit("alpha"), unit("beta"), "A#.\n#..\n..B")
    assert game2.geo.los[at(game2, 0, 0), at(game2, 1, 1)]
