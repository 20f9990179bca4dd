"""Picking, pick and place, stacking2: layouts, timing, reward terms, success, goals, arguments."""

import math

import numpy as np
import pytest

from causalworld import CausalWorldEnv
from causalworld.sim import geometry as g
from causalworld.tasks import TASKS, VariableSpace
from causalworld.tasks.base import orientation_error, yaw_quaternion
from causalworld.tasks.sampling import cartesian_to_cylindrical, cylindrical_to_cartesian

H = 0.0325  # half the default block edge (m)

LAYOUTS = {
    # task: (observation size, episode steps at skip 10, [(slot, type id, size, position)])
    "picking": (56, 250, [("tool_block", 1, (0.065,) * 3, (0, 0, H)),
                          ("goal_block", 20, (0.065,) * 3, (0, 0, 0.15))]),
    "pick_and_place": (67, 500, [("tool_block", 1, (0.065,) * 3, (0, -0.09, H)),
                                 ("goal_block", 20, (0.065,) * 3, (0, 0.09, H)),
                                 ("obstacle", 10, (0.5, 0.015, 0.065), (0, 0, H))]),
    "stacking2": (84, 500, [("tool_block_1", 1, (0.065,) * 3, (0, 0, H)),
                            ("tool_block_2", 1, (0.065,) * 3, (0.01, 0.08, H)),
                            ("goal_block_1", 20, (0.065,) * 3, (-0.06, -0.06, H)),
                            ("goal_block_2", 20, (0.065,) * 3, (-0.06, -0.06, 3 * H))]),
}


def _hold(env, **teleports):
    """Teleport blocks ({name: position or (position, quaternion)}), then step holding the rest pose."""
    for name, pose in teleports.items():
        position, orientation = pose if len(pose) == 2 else (pose, (0, 0, 0, 1))
        env.stage.blocks[name].set_pose(position, orientation)
    return env.step(env.normalize_action(g.REST_POSE))


@pytest.mark.parametrize("task", sorted(LAYOUTS))
def test_raw_layout_slot_order_and_episode_length(make_env, task):
    size, steps, slots = LAYOUTS[task]
    env = make_env(task, normalize_observations=False)
    obs, info = env.reset(seed=0)
    at = lambda name: obs[env.layout.index(name)]  # noqa: E731
    assert obs.shape == (size,) and env.observation_space.shape == (size,)
    assert env.max_episode_length == steps and at("time_left_for_task")[0] == pytest.approx(steps * env.dt)
    assert [s.name for s in env.task.observation_slots()] == [s[0] for s in slots]
    object_fields = [f.name for f in env.layout.fields[4:]]
    assert object_fields[0] == f"{slots[0][0]}_type"  # the original's order: movable blocks, goals, fixed blocks
    for name, type_id, dims, position in slots:
        assert at(f"{name}_type")[0] == type_id, name
        assert np.allclose(at(f"{name}_size"), dims), name
        assert np.allclose(at(f"{name}_cartesian_position"), position, atol=1e-4), name
        assert np.allclose(at(f"{name}_orientation"), (0, 0, 0, 1), atol=1e-4), name
    assert 0.0 <= info["fractional_success"] < 0.01 and not info["success"]
    assert info["desired_goal"].shape[1:] == (2, 3) and info["achieved_goal"].shape[1:] == (2, 3)
    truncated = False
    for k in range(steps):
        _, _, terminated, truncated, _ = env.step(env.normalize_action(g.REST_POSE))
        assert not terminated and truncated == (k == steps - 1)


def test_pick_and_place_obstacle_is_created_first_and_fixed(make_env):
    env = make_env("pick_and_place")
    assert list(env.stage.objects)[:2] == ["obstacle", "tool_block"]
    obstacle = env.stage.blocks["obstacle"]
    assert not obstacle.is_movable and obstacle.color == (0.0, 0.0, 0.0)
    assert env.task.fractional_weight == 0.0 and env.task.dense_weights == (750, 50, 250, 0, 0.005)


@pytest.mark.parametrize("task", sorted(LAYOUTS))
def test_reward_is_the_sum_of_its_terms(make_env, task):
    env = make_env(task)
    env.reset(seed=0)
    rng = np.random.default_rng(0)
    for _ in range(20):
        _, reward, _, _, info = env.step(rng.uniform(-1, 1, 9))
        assert set(info["reward_terms"]) == {*env.task.reward_term_names, "fractional_success"}
        assert reward == math.fsum(info["reward_terms"].values())


def _unit_weights(make_env, task):
    """An env whose dense terms all have weight 1, so every term's sign shows in the info."""
    env = make_env(task, dense_reward_weights=[1.0] * len(TASKS[task].reward_term_names))
    env.reset(seed=0)
    return env


def test_picking_terms_reward_lifting_and_centring(make_env):
    env = _unit_weights(make_env, "picking")
    terms = _hold(env, tool_block=(0.06, 0.0, H))[4]["reward_terms"]  # away from axis and fingertips
    assert terms["block_to_axis_delta"] < 0 and terms["tips_to_block_delta"] < 0
    assert terms["block_to_axis"] < 0 and terms["tips_to_block"] < 0 and terms["two_closest_tips"] < 0
    assert terms["joint_velocity_change"] <= 0 and terms["block_height_error"] < 0
    terms = _hold(env, tool_block=(0.0, 0.0, 0.10))[4]["reward_terms"]  # back on the axis, lifted
    assert terms["block_to_axis_delta"] > 0 and terms["block_height_error_delta"] > 0
    assert terms["block_height_error_delta"] == pytest.approx(env.dt * 0.06, rel=0.2)
    terms = _hold(env, tool_block=(0.0, 0.0, H))[4]["reward_terms"]  # dropped again
    assert terms["block_height_error_delta"] < 0


def test_pick_and_place_terms_follow_the_side_of_the_obstacle(make_env):
    env = _unit_weights(make_env, "pick_and_place")
    terms = _hold(env, tool_block=(0.0, -0.05, H))[4]["reward_terms"]  # towards the goal
    assert terms["block_to_goal_xy_delta"] == pytest.approx(env.dt * 0.04, rel=0.05)
    terms = _hold(env, tool_block=(0.0, -0.05, 0.12))[4]["reward_terms"]  # wrong side: lift towards 0.15
    assert terms["block_height_error_delta"] > 0
    env.stage.blocks["tool_block"].set_pose((0.0, 0.05, 0.12), (0, 0, 0, 1))  # over the wall
    env.task.reset_reward_state(env._read_state())
    terms = _hold(env, tool_block=(0.0, 0.05, 0.06))[4]["reward_terms"]  # goal side: lower it
    assert terms["block_height_error_delta"] > 0
    terms = _hold(env, tool_block=((0.0, 0.05, H), yaw_quaternion(0.6)))[4]["reward_terms"]
    assert terms["orientation_error_delta"] == pytest.approx(-env.dt * 0.6, rel=0.05)
    assert terms["joint_velocity_change"] <= 0


def test_stacking2_terms_switch_to_block_2_once_block_1_is_placed(make_env):
    env = _unit_weights(make_env, "stacking2")
    terms = _hold(env, tool_block_1=(-0.03, -0.03, H))[4]["reward_terms"]
    assert terms["block_1_to_goal_1_delta"] == pytest.approx(env.dt * 0.03 * math.sqrt(2), rel=0.05)
    assert terms["block_2_height_error_delta"] == 0.0 and terms["blocks_xy_distance_delta"] == 0.0
    env.stage.blocks["tool_block_1"].set_pose((-0.06, -0.06, H), (0, 0, 0, 1))  # on goal 1
    terms = _hold(env, tool_block_2=(0.01, 0.08, 0.15))[4]["reward_terms"]  # block 2 lifted
    assert terms["block_1_to_goal_1_delta"] == 0.0 and terms["block_2_height_error_delta"] > 0
    terms = _hold(env, tool_block_2=(-0.02, -0.02, 0.15))[4]["reward_terms"]  # above goal 2: slide over
    assert terms["blocks_xy_distance_delta"] > 0
    terms = _hold(env, tool_block_2=(-0.06, -0.058, 0.15))[4]["reward_terms"]  # within 5 mm of block 1
    assert terms["block_2_height_error_delta"] == 0.0 and terms["joint_velocity_change"] <= 0


@pytest.mark.parametrize("task, poses", [
    ("picking", {"tool_block": (0, 0, 0.15)}),
    ("pick_and_place", {"tool_block": (0, 0.09, H)}),
    ("stacking2", {"tool_block_1": (-0.06, -0.06, H), "tool_block_2": (-0.06, -0.06, 3 * H)}),
])
def test_blocks_on_their_goals_give_full_success(make_env, task, poses):
    env = make_env(task, skip_frame=1)  # one 4 ms step: a lifted block barely falls
    env.reset(seed=0)
    info = _hold(env, **poses)[4]
    assert info["fractional_success"] == pytest.approx(1.0, abs=0.01) and info["success"]


def test_stacking2_fractional_success_sums_over_all_pairs(make_env):
    env = make_env("stacking2", skip_frame=1)
    env.reset(seed=0)
    info = _hold(env, tool_block_2=(-0.06, -0.06, H))[4]  # block 2 fills goal 1, goal 2 empty
    assert info["fractional_success"] == pytest.approx(0.5, abs=0.01) and not info["success"]
    assert info["desired_goal"].shape == (2, 2, 3) and info["achieved_goal"].shape == (2, 2, 3)


@pytest.mark.parametrize("space", ["space_a", "space_b"])
def test_picking_goals_stay_on_the_axis_in_the_chosen_height_range(make_env, space):
    env = make_env("picking", variables_space=space)
    env.reset(seed=3)
    goals = [env.sample_new_goal() for _ in range(40)]
    env.reset(seed=3)
    assert env.sample_new_goal() == goals[0]
    low, high = {"space_a": (0.08, 0.20), "space_b": (0.20, 0.25)}[space]
    for goal in goals:
        r, phi, z = goal["goal_block"]["cylindrical_position"]
        assert r == 0.0 and phi == 0.0 and low <= z <= high
    assert env.do_intervention(goals[0]).success
    assert env.stage.silhouettes["goal_block"].position == pytest.approx((0, 0, goals[0]["goal_block"]
                                                                          ["cylindrical_position"][2]))


@pytest.mark.parametrize("space, radii, tool_r", [("space_a", (0.07, 0.12), 0.09),
                                                  ("space_b", (0.12, 0.15), 0.12)])
def test_pick_and_place_goals_and_block_go_to_opposite_sides(make_env, space, radii, tool_r):
    env = make_env("pick_and_place", variables_space=space, normalize_observations=False)
    env.reset(seed=5)
    goals = [env.sample_new_goal() for _ in range(40)]
    env.reset(seed=5)
    assert env.sample_new_goal() == goals[0]
    sides = set()
    for goal in goals:
        r, phi, z = goal["goal_block"]["cylindrical_position"]
        assert radii[0] <= r <= radii[1] and math.pi / 6 <= abs(phi) <= 5 * math.pi / 6 and z == H
        tool = goal["tool_block"]["cylindrical_position"]
        assert tool == pytest.approx((tool_r, -math.copysign(math.pi / 2, phi), H))
        sides.add(phi > 0)
    assert sides == {True, False}
    for vs in VariableSpace:
        for side in (1, -1):
            for bounds in (env.task.goal_position_bounds(vs, side), env.task.tool_position_bounds(vs, side)):
                assert np.all(bounds[0] <= bounds[1])
    goal = next(g for g in goals if g["goal_block"]["cylindrical_position"][1] < 0)  # swap the sides
    result = env.do_intervention(goal)
    assert result.success, result.reasons
    obs = result.observation
    assert obs[env.layout.index("goal_block_cartesian_position")][1] < 0
    assert obs[env.layout.index("tool_block_cartesian_position")] == pytest.approx((0, tool_r, H), abs=1e-6)


@pytest.mark.parametrize("space, radii", [("space_a", (0.0, 0.11)), ("space_b", (0.11, 0.15))])
def test_stacking2_goal_tower_samples(make_env, space, radii):
    env = make_env("stacking2", variables_space=space)
    env.reset(seed=7)
    goals = [env.sample_new_goal() for _ in range(40)]
    env.reset(seed=7)
    assert env.sample_new_goal() == goals[0]
    for goal in goals:
        tower = goal["goal_tower"]
        (r, phi, z), euler = tower["cylindrical_position"], tower["euler_orientation"]
        assert radii[0] <= r <= radii[1] and -math.pi <= phi <= math.pi and z == pytest.approx(0.065)
        assert euler[:2] == (0.0, 0.0) and -math.pi <= euler[2] <= math.pi
    result = env.do_intervention(goals[0])
    assert result.success, result.reasons


def test_stacking2_goal_tower_applies_position_and_orientation_together(make_env):
    env = make_env("stacking2", normalize_observations=False)
    env.reset(seed=0)
    env.task.apply_goal({"goal_tower": {"cylindrical_position": [0.1, 0.5, 0.065],
                                        "euler_orientation": (0, 0, 0.7)}})
    obs = _hold(env)[0]
    x, y, _ = cylindrical_to_cartesian(0.1, 0.5, 0.065)
    for name, z in (("goal_block_1", H), ("goal_block_2", 3 * H)):
        assert obs[env.layout.index(f"{name}_cartesian_position")] == pytest.approx((x, y, z), abs=1e-6)
        assert orientation_error(obs[env.layout.index(f"{name}_orientation")], yaw_quaternion(0.7)) < 1e-6
    env.task.apply_goal({"goal_tower": {"euler_orientation": np.array([0, 0, -1.0])}})  # turn only
    assert env.stage.silhouettes["goal_block_2"].position == pytest.approx((x, y, 3 * H))
    env.task.apply_goal({"goal_tower": {"cylindrical_position": (0.05, -2.0, 0.065)}})  # move only
    assert orientation_error(env.stage.silhouettes["goal_block_1"].orientation, yaw_quaternion(-1.0)) < 1e-6
    tower = env.get_current_state_variables()["goal_tower"]
    assert tower["cylindrical_position"] == pytest.approx((0.05, -2.0, 0.065))
    assert tower["euler_orientation"] == pytest.approx((0, 0, -1.0))
    result = env.do_intervention({"goal_tower": {"cylindrical_position": (0.08, 1.0, 0.065),
                                                 "euler_orientation": (0, 0, 0.3)}})
    assert result.success, result.reasons
    assert orientation_error(env.stage.silhouettes["goal_block_2"].orientation, yaw_quaternion(0.3)) < 1e-6
    top = env.stage.silhouettes["goal_block_2"].position
    assert cartesian_to_cylindrical(*top) == pytest.approx((0.08, 1.0, 3 * H))


def test_sizes_are_coupled(make_env):
    env = make_env("picking")
    env.reset(seed=0)
    assert env.do_intervention({"tool_block": {"size": [0.07] * 3}}).success
    assert env.stage.silhouettes["goal_block"].size == pytest.approx((0.07,) * 3)
    env = make_env("stacking2", tool_block_size=0.05)
    assert env.stage.silhouettes["goal_block_2"].position == pytest.approx((-0.06, -0.06, 0.075))
    env.reset(seed=0)
    assert env.do_intervention({"goal_block_1": {"size": [0.06] * 3}}).success
    assert all(obj.size == pytest.approx((0.06,) * 3) for obj in env.stage.objects.values())
    assert env.stage.silhouettes["goal_block_2"].position == pytest.approx((-0.06, -0.06, 0.09))


def test_vector_arguments_accept_lists_tuples_and_arrays(make_env):
    env = make_env("stacking2", goal_position=np.array([0.05, 0.0, H]), goal_orientation=[0, 0, 0, 1],
                   tool_block_1_position=(0.0, -0.05, H), joint_positions=np.array(g.REST_POSE))
    assert env.stage.silhouettes["goal_block_2"].position == pytest.approx((0.05, 0.0, 3 * H))
    env = make_env("picking", goal_height=0.2, tool_block_orientation=np.array(yaw_quaternion(0.3)))
    assert env.stage.silhouettes["goal_block"].position == pytest.approx((0, 0, 0.2))


@pytest.mark.parametrize("task, kwargs, message", [
    ("picking", {"goal_height": 0.9}, "goal_height"),
    ("picking", {"goal_height": "high"}, "goal_height"),
    ("picking", {"tool_block_orientation": (0, 0, 0, 2)}, "tool_block_orientation"),
    ("picking", {"tool_block_position": [0.0, 0.0]}, "tool_block_position"),
    ("pick_and_place", {"goal_block_position": (0.0, 0.9, H)}, "goal_block_position"),
    ("pick_and_place", {"tool_block_mass": 0}, "tool_block_mass"),
    ("pick_and_place", {"dense_reward_weights": [1, 2, 3]}, "dense_reward_weights"),
    ("stacking2", {"tool_block_size": 0.5}, "tool_block_size"),
    ("stacking2", {"goal_orientation": [0, 0, np.nan, 1]}, "goal_orientation"),
    ("stacking2", {"tool_block_2_position": "here"}, "tool_block_2_position"),
])
def test_bad_arguments_name_themselves(make_env, task, kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_env(task, **kwargs)


def test_pick_and_place_resizes_and_refuses_blocks_driven_into_the_obstacle():
    """Regression: the obstacle's designed overlap with the round wall made every resize infeasible."""
    env = CausalWorldEnv("pick_and_place")
    env.reset(seed=0)
    try:
        assert env.do_intervention({"tool_block.size": [0.06, 0.06, 0.06]}).success
        assert env.do_intervention({"obstacle.size": [0.5, 0.015, 0.05]}).success
        result = env.do_intervention({"tool_block.cartesian_position": [0.0, 0.0, 0.03]}, check_bounds=False)
        assert not result.success and "obstacle and tool_block interpenetrate" in result.reasons[0]
    finally:
        env.close()
