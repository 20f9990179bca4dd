"""Physics that holds the original CausalWorld 1.2's behaviour (docs/physics.md).

The reference trajectories in ``tests/data/physics_reference.json`` were recorded once from the
original by ``benchmarks/physics_reference.py`` (its docstring says how); these tests replay the
same actions in our package and need no copy of the original.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from causalworld import CausalWorldEnv

REFERENCE = json.loads((Path(__file__).parent / "data" / "physics_reference.json").read_text())
SKIP_FRAME = 3
DT = SKIP_FRAME * 0.004
REST_TIPS = np.array([-0.0595, 0.1586, 0.0559, 0.1671, -0.0278, 0.0559, -0.1077, -0.1308, 0.0559])
FREE_JOINT_TOLERANCE = 1e-4
"""rad: free-space joint trajectories agree to about 1e-7 rad; with the declared link inertias
instead of the ones the original simulates they drift apart by 2e-2 rad."""
BLOCK_TOLERANCE = 0.004
"""m: the block's position in the contact-rich sequences, at every step."""
HOLD_TURN_TOLERANCE = 1.5
"""degrees: how much more (or less) a held block may turn than in the original over the 3 s hold."""


def actions_of(sequence: dict) -> list[list[float]]:
    return [action for count, action in sequence["actions_run_lengths"] for _ in range(count)]


def replay(sequence: dict, **kwargs):
    """Our env after reset, then after every action: (joint positions, block positions, block quaternions)."""
    env = CausalWorldEnv(sequence["task"], skip_frame=SKIP_FRAME, normalize_actions=False,
                         normalize_observations=False, max_episode_length=100_000, **sequence["task_kwargs"], **kwargs)
    observation, _ = env.reset(seed=0)
    joints, positions, orientations = [], [], []

    def log(obs):
        joints.append(env.robot.read_joints()[0])
        if "tool_block" in env.stage.blocks:
            positions.append(obs[32:35].copy())
            orientations.append(obs[35:39].copy())

    log(observation)
    for action in actions_of(sequence):
        log(env.step(np.asarray(action))[0])
    env.close()
    return np.array(joints), np.array(positions), np.array(orientations)


def turn_degrees(q1, q2) -> float:
    return math.degrees(2.0 * math.acos(min(1.0, abs(float(np.dot(q1, q2))))))


def test_free_space_joint_trajectories_follow_the_original():
    sequence = REFERENCE["sequences"]["free"]
    joints, _, _ = replay(sequence)
    reference = np.array(sequence["original"]["joint_positions"])
    assert joints.shape == reference.shape
    error = np.abs(joints - reference).max()
    assert error < FREE_JOINT_TOLERANCE, f"joint trajectories differ by up to {error:.2e} rad"


def test_two_fingertip_lift_follows_the_original():
    sequence = REFERENCE["sequences"]["lift"]
    _, positions, _ = replay(sequence)
    reference = np.array(sequence["original"]["block_position"])
    error = np.linalg.norm(positions - reference, axis=1)
    assert error.max() < BLOCK_TOLERANCE, f"block {error.max() * 1000:.1f} mm off at step {error.argmax()}"
    assert positions[-1, 2] > 0.1  # really lifted (it starts at 0.0325 m)


def test_a_held_block_turns_in_the_grip_as_little_as_in_the_original():
    sequence = REFERENCE["sequences"]["hold"]
    _, positions, orientations = replay(sequence)
    start = sequence["hold_from"]
    original_turn = turn_degrees(sequence["original"]["block_orientation"][start],
                                 sequence["original"]["block_orientation"][-1])
    ours = turn_degrees(orientations[start], orientations[-1])
    assert abs(ours - original_turn) < HOLD_TURN_TOLERANCE, (ours, original_turn)
    error = np.linalg.norm(positions - np.array(sequence["original"]["block_position"]), axis=1)
    assert error.max() < BLOCK_TOLERANCE, f"block {error.max() * 1000:.1f} mm from the original"


def grasp_and_lift_targets() -> list[np.ndarray]:
    """Fingertip targets (m, 9) every step: fingers 120 and 300 grip the picking block along x and lift it.

    The gripping fingertips close to 2 cm inside the block's faces at 3.5 cm above the floor, then
    rise to 0.25 m; finger 60 waits above its base.
    """
    park = [-0.06, 0.16, 0.15]
    closed = 0.0325 + 0.0095 - 0.02

    def tips(x, z):
        return np.array([*park, x, 0.0, z, -x, 0.0, z])

    keys = [(0.0, REST_TIPS), (1.0, tips(0.075, 0.12)), (2.0, tips(0.075, 0.035)), (3.0, tips(closed, 0.035)),
            (3.5, tips(closed, 0.035)), (5.5, tips(closed, 0.25)), (7.0, tips(closed, 0.25))]
    targets = []
    for k in range(int(round(keys[-1][0] / DT))):
        t = (k + 1) * DT
        for (t0, a), (t1, b) in zip(keys, keys[1:]):
            if t0 <= t <= t1 + 1e-9:
                targets.append(a + (b - a) * (t - t0) / (t1 - t0))
                break
    return targets


@pytest.mark.parametrize("mass", [0.02, 0.08, 0.1])
def test_two_fingertips_lift_a_block_above_0_2_m_in_end_effector_mode(mass):
    env = CausalWorldEnv("picking", skip_frame=SKIP_FRAME, action_mode="end_effector_positions",
                         normalize_actions=False, normalize_observations=False, max_episode_length=100_000,
                         tool_block_mass=mass)
    observation, _ = env.reset(seed=0)
    assert observation[34] == pytest.approx(0.0325, abs=1e-3)
    for targets in grasp_and_lift_targets():
        observation = env.step(targets)[0]
    env.close()
    assert observation[34] > 0.2, f"a {mass} kg block ended at {observation[34]:.3f} m"
    tips = observation[19:28].reshape(3, 3)
    assert np.linalg.norm(tips[1:, :2].mean(axis=0) - observation[32:34]) < 0.02  # still between the fingertips


def _rollback_matches_reference(task: str, start: dict, actions: np.ndarray, split: int, **kwargs) -> bool:
    """An infeasible intervention after ``split`` steps changes nothing: the rest of the run stays bit-exact."""
    envs = []
    for _ in range(2):
        env = CausalWorldEnv(task, normalize_actions=False, normalize_observations=False, **kwargs)
        env.reset(seed=0)
        if start:
            assert env.set_starting_state(start, check_bounds=False).success
        env.reset(seed=0)
        envs.append(env)
    reference, env = envs
    try:
        for action in actions[:split]:
            reference.step(action)
            env.step(action)
        result = env.do_intervention({"tool_block": {"cartesian_position": [0.0, 0.0, 0.0]}}, check_bounds=False)
        assert not result.success
        return all(np.array_equal(env.step(a)[0], reference.step(a)[0]) for a in actions[split:])
    finally:
        reference.close()
        env.close()


def test_a_refused_intervention_rolls_back_bit_exactly_with_a_block_against_the_wall():
    """Regression: the wall was one body of 36 boxes; restoreState mixed up its per-box contact caches."""
    rest = np.array([0.0, 0.8, -1.6] * 3)
    actions = np.repeat(rest[None], 40, axis=0)
    assert _rollback_matches_reference("pushing", {"tool_block": {"cartesian_position": [0.2115, 0.0, 0.0325]}},
                                       actions, 20)


def test_a_refused_intervention_rolls_back_bit_exactly_while_two_fingertips_hold_the_block():
    sequence = REFERENCE["sequences"]["lift"]
    actions = np.array(actions_of(sequence))
    assert _rollback_matches_reference("picking", {}, actions, len(actions) - 60, tool_block_mass=0.08)


def test_refused_interventions_roll_back_bit_exactly_after_random_play():
    """Every link and wall box is one collision shape, so restoreState finds each contact cache again.

    (With a fingertip ball and shaft on one link, or the wall's boxes on one body, some of these
    seeds diverged after the roll-back.)
    """
    for seed in range(12):
        actions = np.random.default_rng(seed).uniform([-1.57, -1.2, -3.0] * 3, [1.0, 1.57, 3.0] * 3, (40, 9))
        assert _rollback_matches_reference("pushing", {}, actions, 20), seed


def test_the_description_s_velocity_limit_does_not_act_under_torque_control():
    """Our URDF says 50 rad/s, the original's Bullet holds 1000 rad/s: the same trajectory either way."""
    import pybullet

    sequence = REFERENCE["sequences"]["free"]
    env = CausalWorldEnv("reaching", skip_frame=SKIP_FRAME, normalize_actions=False, max_episode_length=100_000)
    env.reset(seed=0)
    for index in env.robot.joint_indices:
        pybullet.changeDynamics(env.robot.body, index, maxJointVelocity=1000.0, physicsClientId=env.world.client)
    joints = []
    for action in actions_of(sequence):
        env.step(np.asarray(action))
        joints.append(env.robot.read_joints()[0])
    env.close()
    assert np.array_equal(np.array(joints), replay(sequence)[0][1:])


RESTING = json.loads((Path(__file__).parent / "data" / "resting_contacts.json").read_text())


def test_a_block_rests_on_the_table_as_in_the_original():
    """The table is a convex hull like the original's table mesh: a resting block's contact with it grows
    from one point to three, with the original's normal force (a box table gives four points at once).

    Reference: ``benchmarks/resting_contacts.py`` (the original's counts, ``tests/data/resting_contacts.json``).
    """
    import pybullet

    env = CausalWorldEnv("pushing", skip_frame=1, normalize_actions=False, max_episode_length=100_000)
    env.reset(seed=0)
    try:
        for row in RESTING["original"]:
            x, y, yaw = row["pose"]
            orientation = [0.0, 0.0, math.sin(yaw / 2), math.cos(yaw / 2)]
            assert env.set_starting_state({"tool_block": {"cartesian_position": [x, y, 0.0325],
                                                          "orientation": orientation}}).success
            env.reset(seed=0)
            hold = np.asarray(env.robot.read_joints()[0])
            block, client = env.stage.blocks["tool_block"].body, env.world.client
            counts = []
            for _ in range(RESTING["steps"]):
                env.step(hold)
                points = pybullet.getContactPoints(block, env.stage.floor, physicsClientId=client)
                counts.append(len(points))
            assert (counts[0], counts[-1]) == (row["points_after_1"], row["points_after_30"]), row
            assert sum(p[9] for p in points) == pytest.approx(row["normal_force"], abs=1e-4)
    finally:
        env.close()
