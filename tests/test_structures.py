"""Goal structures of the stacking families: geometry, determinism, validation and, above all,
that every generated structure stands when built from real blocks in PyBullet."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from causalworld.sim.stage import Stage
from causalworld.sim.world import World
from causalworld.spatial import box_hulls, volumetric_overlap
from causalworld.tasks.structures import (
    ARENA_RADIUS,
    GOAL_RADIUS,
    WALL_GAP,
    BlockSpec,
    creative_goal,
    default_stacked_wall,
    stacked_wall_goal,
    towers_goal,
    towers_start_layout,
    wall_is_stable,
)
from causalworld.tasks.structures.general_goals import (
    DEFAULT_DROP_POINTS,
    footprint,
    general_goal,
    max_corner_radius,
    polygons_overlap,
    random_floor_poses,
)

SETTLE_STEPS = 500  # 2 s at 1/250 s
MAX_DRIFT = 0.005  # m


def hulls(specs):
    return box_hulls(
        np.array([s.position for s in specs]),
        np.array([s.orientation for s in specs]),
        np.array([s.size for s in specs]),
    )


def max_displacement(specs, steps=SETTLE_STEPS):
    """Build every spec as a real block (Stage defaults: 0.08 kg, friction 1, spinning 0.001) in a
    fresh world, simulate, and return the largest distance (m) any block's centre moved."""
    world = World()
    try:
        stage = Stage(world.client)
        blocks = [
            stage.add_block(f"block_{k}", size=s.size, position=s.position, orientation=s.orientation)
            for k, s in enumerate(specs)
        ]
        for _ in range(steps):
            world.step()
        return max(float(np.linalg.norm(np.subtract(b.read_state().position, s.position)))
                   for b, s in zip(blocks, specs))
    finally:
        world.close()


def footprints_clear(a, b, gap=0.0):
    """Axis-aligned footprints of two unrotated blocks are at least ``gap`` apart."""
    return any(
        abs(a.position[k] - b.position[k]) >= (a.size[k] + b.size[k]) / 2 + gap - 1e-9 for k in range(2)
    )


def wall_levels(specs):
    levels = {}
    for s in specs:
        levels.setdefault(round(s.position[2] / s.size[2] - 0.5), []).append(s)
    return [sorted(levels[k], key=lambda s: s.position[0]) for k in sorted(levels)]


def wall_params(rng, family):
    levels = int(rng.integers(1, 9))
    min_size = float(rng.uniform(0.035, 0.075))
    max_width = float(rng.uniform(0.035, 0.15))
    if family == "default":
        max_width = float(rng.uniform(min_size, 0.15))
    return levels, min_size, max_width


# -- BlockSpec and towers ---------------------------------------------------------------------------------
def test_block_spec_is_frozen():
    spec = BlockSpec((0.1, 0.1, 0.1), (0.0, 0.0, 0.05))
    assert spec.orientation == (0.0, 0.0, 0.0, 1.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.size = (1.0, 1.0, 1.0)


def test_towers_default_goal():
    goals = towers_goal()
    assert len(goals) == 5
    for k, g in enumerate(goals):
        assert g.size == pytest.approx((0.035, 0.035, 0.035))
        assert g.position == pytest.approx((0.0, 0.0, 0.0175 + 0.035 * k))
        assert g.orientation == (0.0, 0.0, 0.0, 1.0)


@pytest.mark.parametrize("counts, dims, center", [((2, 3, 4), (0.08, 0.12, 0.2), (0.01, -0.02)),
                                                  ((6, 6, 6), (0.2, 0.2, 0.2), (0.1, 0.1)),
                                                  ((1, 1, 1), (0.12, 0.08, 0.1), (-0.1, -0.1))])
def test_towers_grid_geometry(counts, dims, center):
    goals = towers_goal(counts, dims, center)
    nx, ny, nz = counts
    assert len(goals) == nx * ny * nz
    size = np.divide(dims, counts)
    h = hulls(goals)
    # The grid tiles the tower exactly: bounds, total volume, no two blocks overlapping.
    assert h[:, 0].min(0) == pytest.approx([center[0] - dims[0] / 2, center[1] - dims[1] / 2, 0.0])
    assert h[:, 1].max(0) == pytest.approx([center[0] + dims[0] / 2, center[1] + dims[1] / 2, dims[2]])
    assert sum(np.prod(g.size) for g in goals) == pytest.approx(np.prod(dims))
    lo, hi = np.maximum(h[:, None, 0], h[None, :, 0]), np.minimum(h[:, None, 1], h[None, :, 1])
    inter = np.clip(hi - lo, 0, None)
    assert np.prod(inter, -1)[~np.eye(len(goals), dtype=bool)].max(initial=0.0) < 1e-12
    # Documented order (the original's): level by level, then y (column), then x (row).
    for index, g in enumerate(goals):
        k, rest = divmod(index, nx * ny)
        j, i = divmod(rest, nx)
        assert g.size == pytest.approx(tuple(size))
        expected = (center[0] - dims[0] / 2 + size[0] * (i + 0.5),
                    center[1] - dims[1] / 2 + size[1] * (j + 0.5),
                    size[2] * (k + 0.5))
        assert g.position == pytest.approx(expected)


def test_towers_default_start_layout_skips_the_goal():
    goals = towers_goal()
    tools = towers_start_layout(5, goals[0].size, goals)
    # The original's diagonal, minus the cell (0, 0) where it put tool #3 on goal 0.
    expected = [(-0.12, -0.12), (-0.08, -0.08), (-0.04, -0.04), (0.04, 0.04), (0.08, 0.08)]
    assert np.array([t.position[:2] for t in tools]) == pytest.approx(np.array(expected))
    assert volumetric_overlap(hulls(goals), hulls(tools)) == 0.0
    # Without goals to avoid, it is the original's layout.
    assert towers_start_layout(5, 0.035)[3].position == pytest.approx((0.0, 0.0, 0.0175))


TOWER_CASES = [
    ((1, 1, 5), (0.035, 0.035, 0.175), (0.0, 0.0)),
    ((1, 1, 1), (0.08, 0.08, 0.08), (-0.1, -0.1)),
    ((2, 2, 2), (0.1, 0.1, 0.1), (0.05, 0.05)),
    ((3, 3, 3), (0.12, 0.12, 0.12), (-0.1, 0.05)),
    ((3, 1, 3), (0.09, 0.12, 0.08), (0.0, -0.05)),
    ((4, 4, 4), (0.12, 0.12, 0.12), (0.05, 0.05)),
    ((4, 4, 4), (0.12, 0.12, 0.2), (0.1, 0.1)),
    ((5, 4, 4), (0.12, 0.12, 0.16), (0.1, 0.1)),
]


@pytest.mark.parametrize("counts, dims, center", TOWER_CASES)
def test_towers_start_layout_is_clear_and_inside(counts, dims, center):
    goals = towers_goal(counts, dims, center)
    tools = towers_start_layout(len(goals), goals[0].size, goals)
    assert len(tools) == len(goals)
    for k, t in enumerate(tools):
        assert t.position[2] == pytest.approx(t.size[2] / 2)
        assert max_corner_radius(t) < ARENA_RADIUS
        assert all(footprints_clear(t, g, 0.005) for g in goals)
        assert all(footprints_clear(t, other, 0.005) for other in tools[k + 1:])


@pytest.mark.parametrize("counts, dims", [((6, 6, 6), (0.2, 0.2, 0.2)), ((5, 5, 5), (0.12, 0.12, 0.12)),
                                          ((6, 6, 6), (0.12, 0.12, 0.12))])
def test_towers_start_layout_too_many_blocks_is_a_clear_error(counts, dims):
    goals = towers_goal(counts, dims, (0.05, 0.05))
    with pytest.raises(ValueError, match=r"only \d+ of count=\d+ blocks .* fit"):
        towers_start_layout(len(goals), goals[0].size, goals)


# -- walls -------------------------------------------------------------------------------------------------
def check_wall_geometry(specs, min_size, max_width, nested=True):
    assert len({round(s.position[1], 12) for s in specs}) == 1
    levels = wall_levels(specs)
    for lev, level in enumerate(levels):
        for s in level:
            assert s.size[1:] == pytest.approx((min_size, min_size))
            assert s.position[2] == pytest.approx((lev + 0.5) * min_size)
            assert min_size - 1e-9 <= s.size[0] <= max(min_size, max_width) + 1e-9
            assert max_corner_radius(s) <= GOAL_RADIUS + 1e-9
        for a, b in zip(level, level[1:]):
            assert b.position[0] - b.size[0] / 2 >= a.position[0] + a.size[0] / 2 - 1e-9
        if lev and nested:  # each level within the footprint of the level below
            below = levels[lev - 1]
            lo = below[0].position[0] - below[0].size[0] / 2
            hi = below[-1].position[0] + below[-1].size[0] / 2
            for s in level:
                assert lo - 1e-9 <= s.position[0] - s.size[0] / 2
                assert s.position[0] + s.size[0] / 2 <= hi + 1e-9
    assert wall_is_stable(specs)


def test_random_walls_geometry():
    rng = np.random.default_rng(11)
    for _ in range(100):
        levels, min_size, max_width = wall_params(rng, "stacked")
        specs = stacked_wall_goal(rng, levels, min_size, max_width)
        assert len(wall_levels(specs)) == levels
        check_wall_geometry(specs, min_size, max_width)


def test_wide_walls_get_split():
    specs = stacked_wall_goal(np.random.default_rng(0), 3, 0.035, 0.25, wall_y=0.0)
    levels = wall_levels(specs)
    assert max(len(level) for level in levels) > 1
    assert all(s.size[0] <= 2 * 0.035 + WALL_GAP + 1e-9 for s in specs)


def test_default_wall_matches_the_original():
    specs = default_stacked_wall()
    levels = wall_levels(specs)
    assert len(specs) == 35 and [len(level) for level in levels] == [7] * 5
    for lev, level in enumerate(levels):
        assert all(s.size == pytest.approx((0.035,) * 3) and s.position[1] == 0.0 for s in level)
        centre = (level[0].position[0] + level[-1].position[0]) / 2
        assert centre == pytest.approx(0.005 if lev % 2 == 0 else -0.005)
        assert np.diff([s.position[0] for s in level]) == pytest.approx([0.035 + WALL_GAP] * 6)
    check_wall_geometry(specs, 0.035, 0.25, nested=False)  # odd levels overhang by 1 cm, as in the original


def test_creative_goals_are_the_first_and_last_levels():
    goals, blocks = creative_goal()
    assert (len(goals), len(blocks)) == (6, 24)
    levels = wall_levels(blocks)
    assert goals == levels[0] + levels[-1]
    rng = np.random.default_rng(5)
    for levels_count in (1, 2, 6):
        goals, blocks = creative_goal(rng, levels_count, 0.04, 0.15)
        levels = wall_levels(blocks)
        assert goals == (levels[0] + levels[-1] if levels_count > 1 else levels[0])


def test_wall_is_stable_rejects_overhangs():
    base = BlockSpec((0.05, 0.035, 0.035), (0.0, 0.0, 0.0175))
    on_top = lambda x: BlockSpec((0.05, 0.035, 0.035), (x, 0.0, 0.0525))  # noqa: E731
    assert wall_is_stable([base, on_top(0.01)])
    assert not wall_is_stable([base, on_top(0.03)])  # centre beyond the support
    assert not wall_is_stable([base, on_top(0.023)])  # inside, but within the 4 mm margin
    floating = BlockSpec((0.05, 0.035, 0.035), (0.0, 0.0, 0.0875))
    assert not wall_is_stable([base, floating])
    with pytest.raises(ValueError, match="intersect"):
        wall_is_stable([base, BlockSpec(base.size, (0.03, 0.0, 0.0175))])


# -- determinism and randomness source --------------------------------------------------------------------
def test_generators_are_deterministic_and_leave_the_global_rng_alone():
    np.random.seed(123)
    state = np.random.get_state()[1].copy()

    def run(seed):
        rng = np.random.default_rng(seed)
        wall = stacked_wall_goal(rng, 6, 0.04, 0.15)
        creative = creative_goal(rng, 5, 0.035, 0.12)
        floor = random_floor_poses(rng, [s.size for s in wall], existing=wall)
        return wall, creative, floor, general_goal(rng, 3, 0.05)

    first = run(7)
    assert run(7) == first
    assert run(8) != first
    assert general_goal(None, 5) == general_goal(None, 5)
    assert np.array_equal(np.random.get_state()[1], state)


# -- floor poses -------------------------------------------------------------------------------------------
def test_random_floor_poses_do_not_overlap():
    rng = np.random.default_rng(3)
    existing = [BlockSpec((0.06, 0.06, 0.06), (0.0, 0.0, 0.03), (0.0, 0.0, math.sin(0.3), math.cos(0.3)))]
    for _ in range(10):
        sizes = [tuple(rng.uniform(0.035, 0.075, 3)) for _ in range(int(rng.integers(1, 12)))]
        poses = random_floor_poses(rng, sizes, existing=existing)
        assert np.array([p.size for p in poses]) == pytest.approx(np.array(sizes))
        shapes = [footprint(p) for p in poses + existing]
        for k, p in enumerate(poses):
            assert math.hypot(*p.position[:2]) <= 0.15 + 1e-12
            assert p.position[2] == pytest.approx(p.size[2] / 2)
            assert max_corner_radius(p) < ARENA_RADIUS
            assert p.orientation[0] == p.orientation[1] == 0.0
            assert not any(polygons_overlap(shapes[k], other, 0.005) for other in shapes[k + 1:])


def test_random_floor_poses_impossible_request():
    with pytest.raises(ValueError, match="no non-overlapping floor poses"):
        random_floor_poses(np.random.default_rng(0), [0.1] * 12, retries=2)


def test_polygons_overlap_is_exact_for_rotated_squares():
    square = BlockSpec((0.1, 0.1, 0.1), (0.0, 0.0, 0.05))
    turn = (0.0, 0.0, math.sin(math.pi / 8), math.cos(math.pi / 8))  # 45 degrees about z
    diamond = lambda x: BlockSpec((0.1, 0.1, 0.1), (x, 0.0, 0.05), turn)  # noqa: E731
    reach = 0.05 + 0.05 * math.sqrt(2)  # a rotated corner touches the square's side
    assert polygons_overlap(footprint(square), footprint(diamond(reach - 1e-4)))
    assert not polygons_overlap(footprint(square), footprint(diamond(reach + 1e-4)))
    assert polygons_overlap(footprint(square), footprint(diamond(reach + 1e-4)), clearance=0.001)


# -- general -----------------------------------------------------------------------------------------------
def test_general_default_goal_rests_on_the_floor():
    goals = general_goal(None, 8, 0.05)
    assert len(goals) == 8
    for g, drop in zip(goals, DEFAULT_DROP_POINTS):
        assert g.size == (0.05, 0.05, 0.05)
        assert g.position[2] < drop[2]
        assert max_corner_radius(g) < 0.2442
        assert np.linalg.norm(g.orientation) == pytest.approx(1.0) and g.orientation[3] >= 0


def test_general_goal_closes_its_world_even_on_error():
    made = []

    class Failing(World):
        def step(self):
            raise RuntimeError("boom")

    def factory():
        made.append(Failing())
        return made[-1]

    with pytest.raises(RuntimeError, match="boom"):
        general_goal(None, 2, client_factory=factory)
    assert len(made) == 1 and not made[0].is_connected
    worlds = []
    general_goal(None, 1, client_factory=lambda: worlds.append(World()) or worlds[-1])
    assert not worlds[0].is_connected


# -- validation --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("call, match", [
    (lambda: towers_goal((1, 1, 0)), r"counts\[2\]"),
    (lambda: towers_goal((1, 1, 2.5)), r"counts\[2\]"),
    (lambda: towers_goal((1, 1)), "counts"),
    (lambda: towers_goal(tower_dims=(0.1, -0.1, 0.1)), "tower_dims"),
    (lambda: towers_goal(tower_center=(0.0, math.nan)), "tower_center"),
    (lambda: towers_start_layout(-1, 0.05), "count"),
    (lambda: towers_start_layout(2, (0.05, 0.05)), "block_size"),
    (lambda: towers_start_layout(2, 0.05, gap=-0.01), "gap"),
    (lambda: towers_start_layout(2, 0.05, goals=[(0, 0, 0)]), "goals"),
    (lambda: stacked_wall_goal(np.random.default_rng(0), levels=0), "levels"),
    (lambda: stacked_wall_goal(np.random.default_rng(0), min_size=0.5), "min_size"),
    (lambda: stacked_wall_goal(np.random.default_rng(0), max_level_width=0.0), "max_level_width"),
    (lambda: stacked_wall_goal(np.random.default_rng(0), wall_y=0.2), "does not fit"),
    (lambda: stacked_wall_goal(np.random.default_rng(0), margin=0.1), "margin"),
    (lambda: stacked_wall_goal(np.random, 3), "rng"),
    (lambda: default_stacked_wall(max_level_width=0.03), "max_level_width"),
    (lambda: default_stacked_wall(min_size=0.05, max_level_width=0.4), "do not fit"),
    (lambda: creative_goal(np.random.RandomState(0)), "rng"),
    (lambda: random_floor_poses(np.random.default_rng(0), [0.05], max_radius=0.3), "max_radius"),
    (lambda: random_floor_poses(np.random.default_rng(0), [(0.05, 0.05)]), r"sizes\[0\]"),
    (lambda: random_floor_poses(np.random.default_rng(0), [0.05], retries=0), "retries"),
    (lambda: general_goal(None, 0), "count"),
    (lambda: general_goal(None, 2, block_size=0.5), "block_size"),
    (lambda: general_goal(7, 2), "rng"),
    (lambda: general_goal(None, 2, client_factory=None), "client_factory"),
])
def test_bad_arguments_raise_clear_value_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# -- physical stability: the key acceptance criterion ------------------------------------------------------
def sample_structures(family, count=20):
    rng = np.random.default_rng({"stacked": 100, "creative": 200, "default": 300, "general": 400}[family])
    out = []
    if family == "default":
        out += [default_stacked_wall(), creative_goal()[1]]  # the two families' defaults
    while len(out) < count:
        if family == "general":
            out.append(general_goal(rng, int(rng.integers(1, 9)), float(rng.uniform(0.04, 0.07))))
            continue
        levels, min_size, max_width = wall_params(rng, family)
        if family == "stacked":
            out.append(stacked_wall_goal(rng, levels, min_size, max_width))
        elif family == "creative":
            out.append(creative_goal(rng, levels, min_size, max_width)[1])
        else:
            out.append(default_stacked_wall(levels, min_size, max_width))
    return out


@pytest.mark.parametrize("family", ["stacked", "creative", "default", "general"])
def test_structures_stand_when_built_from_real_blocks(family):
    drifts = [max_displacement(specs) for specs in sample_structures(family)]
    print(f"{family}: max displacement over 2 s = {max(drifts) * 1000:.2f} mm")
    assert max(drifts) < MAX_DRIFT


def test_generators_run_on_their_largest_inputs():
    rng = np.random.default_rng(0)
    goals = towers_goal((3, 3, 3), (0.12, 0.12, 0.12), (-0.1, 0.05))
    calls = {
        "towers_goal": lambda: towers_goal((6, 6, 6), (0.2, 0.2, 0.2)),
        "towers_start_layout": lambda: towers_start_layout(27, goals[0].size, goals),
        "stacked_wall_goal": lambda: stacked_wall_goal(rng, 8, 0.035, 0.15),
        "default_stacked_wall": lambda: default_stacked_wall(8),
        "creative_goal": lambda: creative_goal(rng),
        "random_floor_poses": lambda: random_floor_poses(rng, [0.05] * 12),
        "general_goal": lambda: general_goal(rng, 8, 0.05),
    }
    for name, call in calls.items():
        assert len(call()) > 0, name
