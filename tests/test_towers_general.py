"""Towers, general and no_reward: layouts, slots, task variables, goal sampling, zero reward."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

import causalworld
import causalworld.tasks.assembly.general as general_module
from causalworld import InterventionError
from causalworld.sim import geometry as g
from causalworld.spatial import box_hulls, volumetric_overlap
from causalworld.tasks.assembly.general import SPACES as GENERAL_SPACES
from causalworld.tasks.assembly.towers import SPACES as TOWER_SPACES
from causalworld.tasks.assembly.towers import towers_unrealisable
from causalworld.tasks.structures import towers_goal
from causalworld.tasks.structures.general_goals import general_goal

ROBOT_VALUES, RIGID_VALUES, SILHOUETTE_VALUES = 28, 17, 11


def specs_hulls(objects):
    return box_hulls(np.array([o.position for o in objects]), np.array([o.orientation for o in objects]),
                     np.array([o.size for o in objects]))


def tools(env):
    return [b for n, b in env.stage.blocks.items() if n.startswith("tool_")]


def goals(env):
    return list(env.stage.silhouettes.values())


def scene(env):
    """Every object's name, size and pose (rounded to 1 um), for comparisons."""
    def canonical(q):  # q and -q are the same rotation
        q = np.asarray(q, dtype=float)
        return tuple(np.round(q if q[np.flatnonzero(np.abs(q) > 1e-9)[-1]] > 0 else -q, 6))

    return {n: (o.size, tuple(np.round(o.position, 6)), canonical(o.orientation))
            for n, o in env.stage.objects.items()}


def positions(objects):
    return np.array([o.position for o in objects])


def assert_slots_empty_from(env, obs, first_tool, first_goal, slots):
    """Slots ``tool_k`` from ``first_tool`` and ``goal_k`` from ``first_goal`` (k from 0) are all zeros."""
    layout = env.layout
    for k in range(first_tool, slots):
        assert layout.index(f"tool_{k}_type").start < len(obs)
        for field, part in layout.slices.items():
            if field.startswith(f"tool_{k}_"):
                assert np.all(obs[part] == 0), field
    for k in range(first_goal, slots):
        for field, part in layout.slices.items():
            if field.startswith(f"goal_{k}_"):
                assert np.all(obs[part] == 0), field


# -- towers: spaces -----------------------------------------------------------------------
def _corners(bounds):
    low, high = bounds
    return list(itertools.product(*zip(low, high)))


def test_most_towers_of_space_a_are_realisable_and_space_b_ones_are_refused_clearly():
    """The original's spaces: A towers (up to 4 x 4 x 4 blocks) are laid out; B towers (64 to 216 blocks of
    0.02-0.05 m, whose tools the original stacked in the air) do not fit on the floor and are refused."""
    rng = np.random.default_rng(0)
    realisable = {}
    for space in (0, 1):
        (c_lo, c_hi), dims, centers = (TOWER_SPACES[k][space] for k in ("number_of_blocks_in_tower", "tower_dims",
                                                                           "tower_center"))
        draws = [(rng.integers(np.array(c_lo), np.array(c_hi) + 1), rng.uniform(*dims), rng.uniform(*centers))
                 for _ in range(40)]
        realisable[space] = [towers_unrealisable(*draw) is None for draw in draws]
    assert np.mean(realisable[0]) > 0.9 and not any(realisable[1])
    assert "fit" in towers_unrealisable((4, 4, 4), (0.2, 0.2, 0.2), (0.1, 0.1))
    corners = [(c, d, e) for c in _corners(TOWER_SPACES["number_of_blocks_in_tower"][0])
               for d in _corners(TOWER_SPACES["tower_dims"][0])[:1] for e in [(0.0, 0.0)]]
    assert towers_unrealisable(*corners[0]) is None  # one 0.08 m block


def test_tower_spaces_are_the_originals_and_fit_the_slots():
    assert TOWER_SPACES["number_of_blocks_in_tower"] == (((1, 1, 1), (4, 4, 4)), ((4, 4, 4), (6, 6, 6)))
    assert TOWER_SPACES["tower_dims"] == (((0.08,) * 3, (0.12,) * 3), ((0.12,) * 3, (0.2,) * 3))
    (a_lo, a_hi), (b_lo, b_hi) = TOWER_SPACES["number_of_blocks_in_tower"]
    assert math.prod(np.maximum(a_hi, b_hi)) == 216 == causalworld.tasks.assembly.towers.MAX_SPACE_BLOCKS


# -- towers: the environment ------------------------------------------------------------------
def test_towers_default_scene(make_env):
    env = make_env("towers")
    obs, info = env.reset(seed=0)
    assert obs.shape == (ROBOT_VALUES + 216 * (RIGID_VALUES + SILHOUETTE_VALUES),)
    assert env.max_episode_length == 1250
    assert sorted(b.name for b in tools(env)) == [f"tool_level_{k}_col_0_row_0" for k in range(5)]  # the original's
    assert [s.name for s in env.task.observation_slots()[:4]] == ["tool_0", "goal_0", "tool_1", "goal_1"]
    assert info["fractional_success"] == 0.0  # the original started at 0.2
    assert np.allclose(env.robot.read_joints()[0], g.RAISED_POSE)
    assert len(tools(env)) == len(goals(env)) == 5
    expected = towers_goal()
    assert np.allclose(positions(goals(env)), positions(expected), atol=1e-9)
    for tool in tools(env):
        assert tool.size == pytest.approx((0.035,) * 3) and tool.position[2] == pytest.approx(0.0175)
    assert volumetric_overlap(specs_hulls(goals(env)), specs_hulls(tools(env))) == 0.0
    assert_slots_empty_from(env, obs, 5, 5, 216)
    for k in range(5):
        assert obs[env.layout.index(f"tool_{k}_type")] == 1 and obs[env.layout.index(f"goal_{k}_type")] == 20


def test_towers_variables_regenerate_the_scene_and_persist(make_env):
    env = make_env("towers", normalize_observations=False)
    env.reset(seed=0)
    new = {"number_of_blocks_in_tower": [2, 2, 2], "tower_dims": [0.1, 0.09, 0.11],
           "tower_center": [-0.05, 0.02], "blocks_mass": 0.03}
    result = env.set_starting_state(new)
    assert result.success, result.reasons
    for _ in range(2):  # persists across resets
        obs, info = env.reset(seed=1)
        assert len(tools(env)) == len(goals(env)) == 8 and info["fractional_success"] == 0.0
        expected = towers_goal((2, 2, 2), (0.1, 0.09, 0.11), (-0.05, 0.02))
        assert np.allclose(positions(goals(env)), positions(expected), atol=1e-9)
        for tool in tools(env):
            assert tool.size == pytest.approx((0.05, 0.045, 0.055)) and tool.mass == 0.03
            assert tool.position[2] == pytest.approx(0.0275)
        assert obs[env.layout.index("tool_7_type")] == 1 and obs[env.layout.index("tool_8_type")] == 0
        assert "tool_level_1_col_1_row_1" in env.stage.blocks
        state = env.get_current_state_variables()
        assert state["number_of_blocks_in_tower"].tolist() == [2, 2, 2] and state["blocks_mass"] == 0.03
    # an in-episode change lasts until the next reset
    assert env.do_intervention({"tower_center": [0.0, 0.0]}).success
    assert goals(env)[0].position[0] == pytest.approx(-0.025)
    env.reset()
    assert goals(env)[0].position[0] == pytest.approx(-0.075)
    env.reset_default_state()
    assert len(tools(env)) == 5 and env.variables["blocks_mass"].read() == 0.08


def test_towers_refused_tower_changes_nothing_and_keeps_colours(make_env):
    env = make_env("towers")
    assert env.set_starting_state({"number_of_blocks_in_tower": [1, 1, 1], "tower_dims": [0.12, 0.12, 0.2],
                                   "tower_center": [-0.1, -0.1]}).success
    first = "tool_level_0_col_0_row_0"
    assert env.do_intervention({first: {"color": [0.2, 0.3, 0.4]}}).success
    before = scene(env), env.get_current_state_variables()
    result = env.do_intervention({"number_of_blocks_in_tower": [1, 1, 3]})  # the tools do not fit
    assert not result.success and any("outside the arena wall" in r for r in result.reasons)
    assert scene(env) == before[0]
    assert env.variables[f"{first}.color"].read().tolist() == [0.2, 0.3, 0.4]
    assert env.do_intervention({"number_of_blocks_in_tower": [1, 2, 1]}).success  # regenerated, colour kept
    assert env.variables[f"{first}.color"].read().tolist() == [0.2, 0.3, 0.4]
    with pytest.raises(InterventionError, match="removes"):
        env.do_intervention({"number_of_blocks_in_tower": [1, 1, 1], "tool_level_0_col_1_row_0": {"mass": 0.05}})


def test_towers_refused_tower_with_fewer_blocks_changes_nothing(make_env):
    env = make_env("towers")
    env.reset(seed=0)
    before = scene(env)
    result = env.do_intervention({"number_of_blocks_in_tower": [1, 1, 3], "tower_dims": [0.12, 0.12, 0.2],
                                  "tower_center": [-0.1, -0.1]})  # 3 tools that do not fit, 2 removed
    assert not result.success and scene(env) == before


@pytest.mark.parametrize("space", ["space_a", "space_b", "space_a_b"])
def test_towers_sampled_goals_lie_in_the_space_and_apply(make_env, space):
    env = make_env("towers", variables_space=space)
    env.reset(seed=7)
    for _ in range(3):
        goal = env.sample_new_goal()
        for name, value in goal.items():
            var = env.variables[name]
            assert var.contains(np.asarray(value, dtype=float), space), (name, value)
        assert all(isinstance(c, int) for c in goal["number_of_blocks_in_tower"])
        result = env.set_starting_state(goal)
        if space == "space_b":  # never realisable on the floor (see above): refused, nothing changed
            assert not result.success and len(goals(env)) == 5
            continue
        assert result.success, (goal, result.reasons)
        assert len(goals(env)) == math.prod(goal["number_of_blocks_in_tower"])


# -- general ------------------------------------------------------------------------------------
def test_general_default_scene_is_computed_once_per_process(make_env, monkeypatch):
    make_env("general").close()  # the default goal is computed once per process
    drops = []
    real_goal = general_module.general_goal
    monkeypatch.setattr(general_module, "general_goal", lambda *a, **k: drops.append(a) or real_goal(*a, **k))
    env = make_env("general")
    assert drops == []  # a second env reuses the cached default pile: no drop simulated again
    obs, info = env.reset(seed=0)
    assert obs.shape == (ROBOT_VALUES + 9 * (RIGID_VALUES + SILHOUETTE_VALUES),)
    assert env.max_episode_length == 1250 and np.allclose(env.robot.read_joints()[0], g.RAISED_POSE)
    expected = general_goal(None, 5, 0.05)
    assert np.allclose(positions(goals(env)), positions(expected), atol=1e-9)
    assert len(tools(env)) == 5 and all(t.size == (0.05,) * 3 for t in tools(env))
    assert all(math.hypot(*t.position[:2]) <= 0.15 + 1e-9 for t in tools(env))
    assert info["fractional_success"] == 0.0
    assert_slots_empty_from(env, obs, 5, 5, 9)
    assert [b.name for b in tools(env)] == [f"tool_{k}" for k in range(5)]  # the original's names
    other = make_env("general")
    assert scene(other) == scene(env)  # the default start is fixed


def test_general_variables_change_the_scene_reproducibly(make_env, monkeypatch):
    envs = [make_env("general") for _ in range(3)]
    results = []
    drops = []
    real_create = general_module.GeneralTask._create
    monkeypatch.setattr(general_module.GeneralTask, "_create",
                        lambda self, *a, **k: drops.append(a) or real_create(self, *a, **k))
    for env, seed in zip(envs, (3, 3, 4)):
        env.reset(seed=seed)
        drops.clear()
        result = env.do_intervention({"nums_objects": 9, "tool_block_size": 0.045, "blocks_mass": 0.07})
        results.append((result, len(drops)))
    for _, regenerations in results:
        assert regenerations == 1  # three task variables at once: one new goal, not one per variable
    assert all(result.success for result, _ in results), [result.reasons for result, _ in results]
    env = envs[0]
    assert len(tools(env)) == len(goals(env)) == 9
    assert all(t.size == pytest.approx((0.045,) * 3) and t.mass == 0.07 for t in tools(env))
    assert all(s.size == pytest.approx((0.045,) * 3) for s in goals(env))
    assert results[0][0].success == results[1][0].success and scene(envs[0]) == scene(envs[1])
    assert np.array_equal(results[0][0].observation, results[1][0].observation)
    assert scene(envs[2]) != scene(envs[0])  # another seed, another goal
    default = scene(make_env("general"))
    for env in envs:
        env.reset()  # back to the starting state: the default pile
        assert scene(env) == default


@pytest.mark.parametrize("space", ["space_a", "space_b"])
def test_general_sampled_goals_lie_in_the_space(make_env, space):
    env = make_env("general", variables_space=space)
    env.reset(seed=11)
    for _ in range(20):
        goal = env.sample_new_goal()
        assert isinstance(goal["nums_objects"], int)
        for name, value in goal.items():
            low, high = GENERAL_SPACES[name][0 if space == "space_a" else 1]
            assert low <= value <= high and env.variables[name].contains(np.asarray(value, float), space)
    result = env.set_starting_state(goal)
    if result.success:
        assert len(goals(env)) == goal["nums_objects"]
        obs, _ = env.reset()
        assert_slots_empty_from(env, obs, goal["nums_objects"], goal["nums_objects"], 9)


# -- no_reward ----------------------------------------------------------------------------------
@pytest.mark.parametrize("sparse", [False, True])
def test_no_reward_gives_exactly_zero(make_env, sparse):
    env = make_env("no_reward", activate_sparse_reward=sparse)
    obs, info = env.reset(seed=0)
    assert obs.shape == (ROBOT_VALUES + 3 * RIGID_VALUES,) and env.max_episode_length == 750
    assert info["fractional_success"] == 1.0 and info["success"] is False
    env.action_space.seed(0)
    for _ in range(40):
        _, reward, _, _, info = env.step(env.action_space.sample())
        assert reward == 0.0 and info["success"] is False
    assert env.sample_new_goal() == {}
    with pytest.raises(ValueError, match="fractional_reward_weight"):
        causalworld.CausalWorldEnv("no_reward", fractional_reward_weight=1.0)


def test_no_reward_scene_is_feasible_and_every_variable_intervenable(make_env):
    env = make_env("no_reward", number_of_blocks=5, tool_block_size=0.08)
    env.reset(seed=2)
    assert len(tools(env)) == 5 and env._interventions.infeasibility() == []
    assert not [v.name for v in env.variables.values()
                if v.setter is None and not v.name.endswith(".type") and v.name != "control_index"]
    result = env.do_intervention({"tool_block_3": {"mass": 0.03, "color": [0.1, 0.2, 0.3]}, "floor_friction": 0.4})
    assert result.success and env.stage.blocks["tool_block_3"].mass == 0.03
    with pytest.raises(ValueError, match="tool_block_size"):
        causalworld.CausalWorldEnv("no_reward", tool_block_size=0.09)
