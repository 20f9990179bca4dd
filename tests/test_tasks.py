"""Task semantics: layouts, rewards, success, goals, episode timing."""

import math

import numpy as np
import pytest

from causalworld.sim import geometry as g
from causalworld.sim.kinematics import inverse_kinematics
from causalworld.tasks import VariableSpace
from causalworld.tasks.sampling import cartesian_to_cylindrical


def test_pushing_layout_in_raw_units(make_env):
    env = make_env("pushing", normalize_observations=False)
    obs, _ = env.reset(seed=0)
    at = lambda name: obs[env.layout.index(name)]  # noqa: E731
    assert obs.shape == (56,)
    assert at("time_left_for_task")[0] == pytest.approx(10.0)
    assert np.allclose(at("joint_positions"), g.REST_POSE, atol=1e-6)
    assert np.allclose(at("end_effector_positions"), [-0.0595, 0.1586, 0.0559, 0.1671, -0.0278, 0.0559,
                                                       -0.1077, -0.1308, 0.0559], atol=1e-4)
    assert at("tool_block_type")[0] == 1 and at("goal_block_type")[0] == 20
    assert np.allclose(at("tool_block_size"), 0.065) and np.allclose(at("goal_block_size"), 0.065)
    assert np.allclose(at("tool_block_cartesian_position"), [0, -0.08, 0.0325], atol=1e-4)
    assert np.allclose(at("goal_block_cartesian_position"), [0, 0.08, 0.0325])
    assert np.allclose(at("tool_block_orientation"), [0, 0, 0, 1], atol=1e-4)


def test_reaching_layout(make_env):
    env = make_env("reaching", normalize_observations=False)
    obs, _ = env.reset(seed=0)
    assert obs.shape == (37,)
    assert np.allclose(obs[28:], [0, 0, 0.10, 0, 0, 0.13, 0, 0, 0.16])
    assert obs[0] == pytest.approx(5.0)


@pytest.mark.parametrize("task, skip, steps, seconds", [("reaching", 10, 125, 5.0), ("pushing", 10, 250, 10.0),
                                                         ("pushing", 3, 833, 10.0)])
def test_episode_length_and_time_left(make_env, task, skip, steps, seconds):
    """Time left counts down from the task's seconds, as in the original (10 s - k dt, also where dt does not
    divide 10 s); normalized over [0, seconds]."""
    env = make_env(task, skip_frame=skip, normalize_observations=False)
    assert env.max_episode_length == steps
    obs, _ = env.reset(seed=0)
    assert obs[0] == pytest.approx(seconds)
    action = np.zeros(9, dtype=np.float32)
    for k in range(1, steps + 1):
        obs, _, terminated, truncated, _ = env.step(action)
        assert not terminated and truncated == (k == steps)
        assert obs[0] == pytest.approx(seconds - k * env.dt, abs=1e-5)
    assert env.normalize_observation(obs)[0] == pytest.approx(2 * (seconds - steps * env.dt) / seconds - 1, abs=1e-6)


def test_pushing_fractional_success_measures_overlap(make_env):
    env = make_env("pushing")
    env.reset(seed=0)
    block = env.stage.blocks["tool_block"]
    block.set_pose((0.0, 0.08, 0.0325), (0, 0, 0, 1))
    _, _, _, _, info = env.step(env.normalize_action(g.REST_POSE))
    assert info["fractional_success"] > 0.97 and info["success"]
    env.reset(seed=0)
    block.set_pose((0.0325, 0.08, 0.0325), (0, 0, 0, 1))  # half the block beside the goal
    _, _, _, _, info = env.step(env.normalize_action(g.REST_POSE))
    assert 0.4 < info["fractional_success"] < 0.6 and not info["success"]


def test_pushing_reward_terms_reward_progress(make_env):
    env = make_env("pushing")
    env.reset(seed=0)
    hold = env.normalize_action(g.REST_POSE)
    env.stage.blocks["tool_block"].set_pose((0.0, 0.0, 0.0325), (0, 0, 0, 1))  # 8 cm closer to the goal
    _, reward, _, _, info = env.step(hold)
    assert info["reward_terms"]["block_to_goal_delta"] == pytest.approx(250 * 0.08 * env.dt, rel=0.05)
    assert reward > 0


def test_reaching_success_and_fractional_success_follow_the_mean_error(make_env):
    env = make_env("reaching", action_mode="end_effector_positions", normalize_actions=False,
                   normalize_observations=False)
    env.reset(seed=0)
    goals = np.array([0, 0, 0.10, 0, 0, 0.13, 0, 0, 0.16])
    offsets = np.array([0.06, 0.0, 0.0, 0.0, 0.06, 0.0, -0.06, 0.0, 0.0])
    for _ in range(30):
        obs, _, _, _, info = env.step(goals + offsets)
        error = np.abs(obs[19:28] - goals).mean()
        expected = 1.0 - (np.clip(error, 0.01, 0.03) - 0.01) / 0.02
        assert info["fractional_success"] == pytest.approx(expected, abs=1e-5)
        assert info["success"] == (error < 0.01)
    assert 0.0 < info["fractional_success"] < 1.0  # the fingers settled between the two limits
    env.reset(seed=0)
    env.robot.set_joints(inverse_kinematics(goals, g.REST_POSE))
    _, _, _, _, info = env.step(goals)
    assert info["success"] and info["fractional_success"] == 1.0


def test_reward_scaling_by_dt_can_be_turned_off(make_env):
    actions = np.random.default_rng(0).uniform(-1, 1, (20, 9))
    scaled, raw = make_env("pushing"), make_env("pushing", scale_reward_by_dt=False)
    scaled.reset(seed=0)
    raw.reset(seed=0)
    for action in actions:
        a, b = scaled.step(action)[1], raw.step(action)[1]
        assert a == pytest.approx(b * scaled.dt, rel=1e-9, abs=1e-12)


def test_sparse_reward_is_dt_on_success_else_zero(make_env):
    env = make_env("pushing", activate_sparse_reward=True)
    env.reset(seed=0)
    hold = env.normalize_action(g.REST_POSE)
    assert env.step(hold)[1] == 0.0
    env.stage.blocks["tool_block"].set_pose((0.0, 0.08, 0.0325), (0, 0, 0, 1))
    assert env.step(hold)[1] == pytest.approx(env.dt)


def test_default_start_is_the_same_for_every_seed(make_env):
    env = make_env("pushing")
    first, _ = env.reset(seed=0)
    second, _ = env.reset(seed=123)
    assert np.array_equal(first, second)


@pytest.mark.parametrize("task", ["pushing", "reaching"])
@pytest.mark.parametrize("space, r_range", [("space_a", (0.0, 0.11)), ("space_b", (0.11, 0.15))])
def test_goal_sampler_stays_in_the_chosen_space_and_is_seeded(make_env, task, space, r_range):
    env = make_env(task, variables_space=space)
    env.reset(seed=4)
    goals = [env.sample_new_goal() for _ in range(50)]
    env.reset(seed=4)
    assert env.sample_new_goal() == goals[0]
    low, high = env.task.goal_position_bounds(VariableSpace(space))
    for goal in goals:
        for values in goal.values():
            r, phi, z = values["cylindrical_position"]
            assert r_range[0] - 1e-12 <= r <= r_range[1] + 1e-12 and -math.pi <= phi <= math.pi
            assert low[2] - 1e-12 <= z <= high[2] + 1e-12


def test_applied_goal_moves_the_silhouette(make_env):
    env = make_env("pushing", normalize_observations=False)
    env.reset(seed=0)
    goal = env.sample_new_goal()
    env.task.apply_goal(goal)
    obs, _, _, _, info = env.step(env.normalize_action(g.REST_POSE))
    x, y, z = obs[env.layout.index("goal_block_cartesian_position")]
    r, phi, _ = goal["goal_block"]["cylindrical_position"]
    assert cartesian_to_cylindrical(x, y, z)[0] == pytest.approx(r, abs=1e-6)
    assert info["desired_goal"].shape == (1, 2, 3)


def test_observation_normalization_round_trip(make_env):
    raw_env = make_env("pushing", normalize_observations=False)
    norm_env = make_env("pushing")
    raw, _ = raw_env.reset(seed=0)
    norm, _ = norm_env.reset(seed=0)
    assert np.allclose(norm_env.normalize_observation(raw), norm, atol=1e-6)
    assert np.allclose(norm_env.denormalize_observation(norm), raw, atol=1e-6)
    action = np.array(g.REST_POSE)
    assert np.allclose(norm_env.denormalize_action(norm_env.normalize_action(action)), action)
