import json
import math

import numpy as np
import pybullet
from conftest import DATA

from causalworld.sim import geometry as g
from causalworld.sim.kinematics import inverse_kinematics, tip_positions


def test_forward_kinematics_matches_reference_within_1e_6():
    samples = json.loads((DATA / "fk_reference.json").read_text())["samples"]
    assert len(samples) == 30
    worst = max(
        np.abs(np.array(tip_positions(s["joint_positions"])) - np.ravel(s["tip_positions"])).max() for s in samples
    )
    assert worst < 1e-6


def test_simulated_tip_links_agree_with_closed_form(make_env):
    env = make_env("reaching")
    rng = np.random.default_rng(3)
    for _ in range(5):
        q = rng.uniform(g.JOINT_LOWER, g.JOINT_UPPER)
        env.robot.set_joints(q)
        links = pybullet.getLinkStates(
            env.robot.body, env.robot.tip_link_indices, computeForwardKinematics=1, physicsClientId=env.world.client
        )
        simulated = [c - (g.FLOOR_HEIGHT if k == 2 else 0.0) for link in links for k, c in enumerate(link[4])]
        assert np.allclose(simulated, tip_positions(q), atol=1e-6)


def test_inverse_kinematics_solves_reachable_targets_exactly():
    rng = np.random.default_rng(0)
    for _ in range(50):
        q = rng.uniform(g.JOINT_LOWER, g.JOINT_UPPER)
        target = tip_positions(q)
        solution = inverse_kinematics(target, g.REST_POSE)
        assert np.all(solution >= np.array(g.JOINT_LOWER) - 1e-12)
        assert np.all(solution <= np.array(g.JOINT_UPPER) + 1e-12)
        assert np.abs(np.array(tip_positions(solution)) - target).max() < 1e-5


def test_inverse_kinematics_does_not_modify_its_input():
    target = np.array(tip_positions(g.REST_POSE))
    before = target.copy()
    inverse_kinematics(target, g.REST_POSE)
    assert np.array_equal(target, before)


def _collision_free_targets(env, count, seed):
    rng = np.random.default_rng(seed)
    client = env.world.client
    targets = []
    while len(targets) < count:
        q = np.array(g.REST_POSE) + rng.uniform(-0.5, 0.5, 9)
        tips = np.array(tip_positions(q)).reshape(3, 3)
        if tips[:, 2].min() < 0.03 or np.hypot(tips[:, 0], tips[:, 1]).max() > 0.2:
            continue  # below the floor clearance or outside the arena's wall
        env.reset()
        env.robot.set_joints(q)
        pybullet.performCollisionDetection(physicsClientId=client)
        if any(c[8] < 0.0 for c in pybullet.getContactPoints(physicsClientId=client)):
            continue
        targets.append(tips.ravel())
    return targets


def test_end_effector_mode_reaches_reachable_targets_within_5_mm(make_env):
    env = make_env("reaching", action_mode="end_effector_positions", normalize_actions=False)
    errors = []
    for target in _collision_free_targets(env, 12, seed=7):
        env.reset()
        for _ in range(40):
            env.step(target)
        tips = np.array(env.robot.tip_positions(env.robot.read_joints()[0]))
        errors.append(np.linalg.norm((tips - target).reshape(3, 3), axis=1).max())
    assert max(errors) < 0.005, errors


def test_pd_holds_a_joint_target_within_0_05_rad_after_one_second(make_env):
    env = make_env("pushing", normalize_actions=False)
    env.reset()
    target = np.array([0.3, 0.9, -1.7, -0.2, 0.5, -1.0, 0.1, 1.1, -2.0])
    steps = math.ceil(1.0 / env.dt)
    for _ in range(steps):
        env.step(target)
    q, _ = env.robot.read_joints()
    assert np.abs(np.array(q) - target).max() < 0.05
