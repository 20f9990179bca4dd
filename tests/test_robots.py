"""Robots as data: the specs, their kinematics and descriptions, and every task with every robot."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import gymnasium as gym
import numpy as np
import pybullet
import pytest

import causalworld
from causalworld import CausalWorldEnv
from causalworld.env.control import CONTROLLERS
from causalworld.sim.kinematics import kinematics
from causalworld.sim.robot import TriFinger
from causalworld.sim.robots import DEFAULT_ROBOT, ROBOTS, get_robot
from causalworld.sim.world import World
from causalworld.spatial.coordinates import FLOOR_HEIGHT

DATA = Path(__file__).parent / "data"
PRO = ROBOTS["trifinger_pro"]


def test_the_robots_are_found_by_module_and_the_edu_is_the_default():
    assert set(ROBOTS) == {"trifinger_edu", "trifinger_pro"}
    assert DEFAULT_ROBOT == "trifinger_edu"
    env = CausalWorldEnv("reaching")
    try:
        assert env.robot_spec is ROBOTS["trifinger_edu"] and "robot" not in env.constructor_kwargs
    finally:
        env.close()


def test_pro_kinematics_match_positions_computed_from_the_makers_description():
    """tests/data/trifinger_pro_fk.json: benchmarks/trifinger_pro_reference.py, from the makers' URDF transforms."""
    samples = json.loads((DATA / "trifinger_pro_fk.json").read_text())["samples"]
    assert len(samples) >= 5
    pro = kinematics(PRO)
    for sample in samples:
        ours = np.array(pro.tip_positions(sample["joint_positions"])).reshape(3, 3)
        np.testing.assert_allclose(ours, sample["tip_positions"], atol=1e-9)


@pytest.mark.parametrize("name", sorted(ROBOTS))
def test_generated_description_agrees_with_the_spec_kinematics(name):
    """PyBullet's forward kinematics of the shipped URDF equals ours over the spec, at random joint positions."""
    spec = ROBOTS[name]
    world = World()
    try:
        robot = TriFinger(world.client, spec)
        rng = np.random.default_rng(0)
        for _ in range(5):
            q = rng.uniform(spec.joint_lower, spec.joint_upper)
            robot.set_joints(q)
            bullet = [pybullet.getLinkState(robot.body, i, computeForwardKinematics=True,
                                            physicsClientId=world.client)[4] for i in robot.tip_link_indices]
            ours = np.array(robot.tip_positions(q)).reshape(3, 3) + [0.0, 0.0, FLOOR_HEIGHT]
            np.testing.assert_allclose(ours, bullet, atol=1e-6)
            masses = [pybullet.getDynamicsInfo(robot.body, robot.link_indices[("60", k)],
                                               physicsClientId=world.client)[0] for k in range(4)]
            assert masses == pytest.approx([spec.inertials[p].mass for p in ("base", "upper", "middle", "lower")])
    finally:
        world.close()


def test_inverse_kinematics_over_the_pro_reaches_its_own_forward_kinematics():
    pro = kinematics(PRO)
    rng = np.random.default_rng(1)
    for _ in range(5):
        q = rng.uniform(PRO.joint_lower, PRO.joint_upper)
        solution = pro.inverse_kinematics(pro.tip_positions(q), PRO.rest_pose)
        assert np.all(solution >= np.array(PRO.joint_lower) - 1e-12)
        assert np.all(solution <= np.array(PRO.joint_upper) + 1e-12)
        np.testing.assert_allclose(pro.tip_positions(solution), pro.tip_positions(q), atol=1e-5)


def test_pro_pd_control_settles_on_a_target():
    """The gains of the Pro spec hold a target still at the 250 Hz physics step (no chatter at the torque limit)."""
    world = World()
    try:
        robot = TriFinger(world.client, PRO)
        robot.set_joints(PRO.rest_pose)
        target = np.array(PRO.rest_pose) + [0.3, -0.3, 0.3] * 3
        robot.run_position_control(target.tolist(), 500)  # 2 s
        q, dq = robot.read_joints()
        assert np.abs(dq).max() < 1e-3
        assert np.abs(np.array(q) - target).max() < 0.05  # the PD's steady-state sag under gravity
        assert np.abs(robot.last_torques).max() < PRO.max_torque
    finally:
        world.close()


@pytest.mark.parametrize("env_id", sorted(causalworld.ENV_IDS))
def test_every_task_resets_and_steps_with_the_pro(env_id):
    env = gym.make(env_id, robot="trifinger_pro")
    try:
        cw = env.unwrapped
        assert cw.robot_spec is PRO
        obs, _ = env.reset(seed=0)
        np.testing.assert_allclose(cw.robot.read_joints()[0], cw.task.starting_joint_positions(), atol=1e-9)
        env.action_space.seed(0)
        for _ in range(3):
            obs, reward, terminated, truncated, info = env.step(env.action_space.sample())
            assert env.observation_space.contains(obs) and np.isfinite(reward)
            assert "physics_warning" not in info
    finally:
        env.close()


@pytest.mark.parametrize("action_mode", sorted(CONTROLLERS))
def test_the_pro_spaces_are_its_own(action_mode):
    env = CausalWorldEnv("pushing", robot="trifinger_pro", action_mode=action_mode, normalize_actions=False,
                         normalize_observations=False)
    try:
        low, high = CONTROLLERS[action_mode].bounds(PRO)
        np.testing.assert_allclose(env.action_space.low, low, rtol=1e-6)
        np.testing.assert_allclose(env.action_space.high, high, rtol=1e-6)
        np.testing.assert_allclose(env.observation_space.low[1:10], np.array(PRO.hard_joint_lower * 3) - 0.5, rtol=1e-6)
        a_low, a_high = env.variables["joint_positions"].bounds("space_a")
        np.testing.assert_allclose(a_low, PRO.joint_position_spaces[0][0])
        assert env.variables["robot_height"].read() == pytest.approx(PRO.base_height)
        env.reset(seed=0)
        for _ in range(2):
            env.step(env.action_space.sample())
    finally:
        env.close()


def test_a_pro_env_pickles_and_saves_its_robot(tmp_path):
    env = CausalWorldEnv("reaching", robot="trifinger_pro")
    try:
        copy = pickle.loads(pickle.dumps(env))
        try:
            assert copy.robot_spec is PRO
        finally:
            copy.close()
        env.save_world(tmp_path / "world.json")
        loaded = causalworld.load_world(tmp_path / "world.json")
        try:
            assert loaded.robot_spec is PRO
            np.testing.assert_array_equal(loaded.reset(seed=0)[0], env.reset(seed=0)[0])
        finally:
            loaded.close()
    finally:
        env.close()


def test_scripted_policies_refuse_a_robot_they_were_not_written_for():
    from causalworld.baselines import scripted_policy

    env = CausalWorldEnv("pushing", robot="trifinger_pro", action_mode="end_effector_positions")
    try:
        with pytest.raises(ValueError, match="written for the trifinger_edu"):
            scripted_policy("pushing", env)
    finally:
        env.close()


def test_an_unknown_robot_is_refused_with_the_names_there_are():
    with pytest.raises(ValueError, match="robot must be one of.*trifinger_pro"):
        CausalWorldEnv("pushing", robot="trifinger_max")
    with pytest.raises(ValueError, match="unknown robot 'x'"):
        get_robot("x")
