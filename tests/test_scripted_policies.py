"""Scripted-policy oracles: each scripted policy reaches its documented success on seeded episodes.

docs/baselines.md documents the rates; these tests check the claims that hold on every episode
(the default task of each family) and a lower bound on a few seeded space-A goals.
"""

from __future__ import annotations

import pickle

import gymnasium as gym
import numpy as np
import pytest

from causalworld.baselines import SCRIPTED_TASKS, scripted_policy
from causalworld.baselines.reference_agents import ReachingSolver


def run_episode(env, agent, steps: int | None = None) -> dict:
    """Run one episode (the env's full length unless ``steps``); returns the last info."""
    observation, info = env.reset(seed=0)
    agent.reset()
    for _ in range(steps or env.unwrapped.max_episode_length):
        observation, _, _, _, info = env.step(agent(observation))
    return info


def test_every_scripted_task_is_listed_and_unknown_tasks_are_refused():
    assert SCRIPTED_TASKS == ("reaching", "pushing", "picking", "pick_and_place", "stacking2")
    with pytest.raises(ValueError, match="no scripted policy"):
        scripted_policy("towers")


def test_policy_refuses_torque_mode_and_other_tasks(make_env):
    with pytest.raises(ValueError, match="joint_torques"):
        scripted_policy("picking", make_env("picking", action_mode="joint_torques"))
    with pytest.raises(ValueError, match="pushing"):
        scripted_policy("picking", make_env("pushing"))


@pytest.mark.parametrize("task", ["pushing", "picking", "pick_and_place", "stacking2"])
def test_default_task_is_solved_with_the_default_env_settings(make_env, task):
    """P0 with joint-position actions and normalized observations and actions (the registered defaults)."""
    env = make_env(task)
    info = run_episode(env, scripted_policy(task, env))
    assert info["success"], info["fractional_success"]
    assert info["fractional_success"] > 0.9


def test_picking_in_end_effector_mode_with_raw_units(make_env):
    env = make_env("picking", action_mode="end_effector_positions", normalize_actions=False,
                   normalize_observations=False)
    info = run_episode(env, scripted_policy("picking", env))
    assert info["success"]


@pytest.mark.parametrize("mode", ["end_effector_positions", "joint_positions"])
def test_reaching_solver_reaches_in_both_action_modes(make_env, mode):
    env = make_env("reaching", action_mode=mode, normalize_observations=False)
    info = run_episode(env, ReachingSolver(env), steps=40)
    assert info["success"], info["fractional_success"]


@pytest.mark.parametrize("task", ["pushing", "picking"])
def test_new_space_a_goals_are_mostly_reached(make_env, task):
    """docs/baselines.md: pushing and picking reach most space-A goals; here 3 of 3 seeded goals, at least 2."""
    env = make_env(task, action_mode="end_effector_positions")
    agent = scripted_policy(task, env)
    env.set_intervention_space("space_a")
    reached = 0
    for seed in range(3):
        env.reset(seed=seed)
        assert env.set_starting_state(env.sample_new_goal()).success
        reached += bool(run_episode(env, agent)["success"])
    assert reached >= 2


def test_raw_and_normalized_settings_give_the_same_commands(make_env):
    raw_env = make_env("pushing", action_mode="end_effector_positions", normalize_actions=False,
                       normalize_observations=False)
    norm_env = make_env("pushing", action_mode="end_effector_positions")
    raw_agent, norm_agent = scripted_policy("pushing", raw_env), scripted_policy("pushing", norm_env)
    raw_obs, _ = raw_env.reset(seed=1)
    norm_obs, _ = norm_env.reset(seed=1)
    for _ in range(30):
        raw_action, norm_action = raw_agent(raw_obs), norm_agent(norm_obs)
        np.testing.assert_allclose(norm_env.denormalize_action(norm_action), raw_action, atol=2e-3)
        raw_obs, *_ = raw_env.step(raw_action)
        norm_obs, *_ = norm_env.step(norm_action)
    assert np.all(np.abs(norm_action) <= 1.0)


def test_unbound_policy_binds_to_default_settings_and_survives_pickling():
    agent = pickle.loads(pickle.dumps(scripted_policy("picking")))
    env = gym.make("CausalWorld-Picking")
    try:
        observation, _ = env.reset(seed=0)
        agent.reset(seed=0)
        action = agent(observation)
        assert action.shape == (9,) and action.dtype == np.float32
        assert env.action_space.contains(action)
        clone = pickle.loads(pickle.dumps(agent))
        assert clone.env is None
    finally:
        agent.close()
        env.close()


def test_policy_accepts_a_wrapped_env():
    env = gym.make("CausalWorld-Reaching", action_mode="end_effector_positions")
    try:
        agent = scripted_policy("reaching", env)
        assert agent.env is env.unwrapped
        info = run_episode(env, agent, steps=40)
        assert info["success"]
    finally:
        env.close()


def test_policies_are_deterministic(make_env):
    env = make_env("stacking2", action_mode="end_effector_positions", max_episode_length=60)
    agent = scripted_policy("stacking2", env)
    actions = []
    for _ in range(2):
        observation, _ = env.reset(seed=0)
        agent.reset()
        run = []
        for _ in range(60):
            action = agent(observation)
            run.append(action)
            observation, *_ = env.step(action)
        actions.append(np.array(run))
    np.testing.assert_array_equal(actions[0], actions[1])
