"""Checks run over every registered Gymnasium ID."""

import math
import pickle
import warnings

import gymnasium as gym
import numpy as np
import pytest
from conftest import ENV_IDS
from gymnasium.utils.env_checker import check_env

import causalworld
from causalworld.registration import EQUAL_BOUNDS_WARNING


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_gymnasium_check_env(env_id):
    env = gym.make(env_id)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", message=EQUAL_BOUNDS_WARNING)  # raw type ids, as in the original
        check_env(env.unwrapped, skip_render_check=True)
    env.close()


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_stable_baselines3_check_env(env_id):
    sb3_checker = pytest.importorskip("stable_baselines3.common.env_checker")
    env = gym.make(env_id)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", message=EQUAL_BOUNDS_WARNING)
        sb3_checker.check_env(env.unwrapped)
    env.close()


def test_make_without_importing_first():
    env = gym.make("causalworld:CausalWorld-Pushing")
    assert isinstance(env.unwrapped, causalworld.CausalWorldEnv)
    env.close()


def _rollout(env, actions, seed):
    observations, rewards = [], []
    obs, _ = env.reset(seed=seed)
    observations.append(obs)
    for action in actions:
        obs, reward, _, _, _ = env.step(action)
        observations.append(obs)
        rewards.append(reward)
    return np.array(observations), np.array(rewards)


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_bit_exact_across_resets_and_instances(env_id):
    first, second = gym.make(env_id), gym.make(env_id)
    moved = False
    for sequence in range(3):  # contact-rich random play: episodes must not depend on earlier ones
        actions = np.random.default_rng(sequence).uniform(-1, 1, (120, 9)).astype(np.float32)
        a_obs, a_rew = _rollout(first, actions, seed=5)
        b_obs, b_rew = _rollout(first, actions, seed=5)  # same env, next episode
        c_obs, c_rew = _rollout(second, actions, seed=5)  # another env in the same process
        assert np.array_equal(a_obs, b_obs) and np.array_equal(a_rew, b_rew)
        assert np.array_equal(a_obs, c_obs) and np.array_equal(a_rew, c_rew)
        moved |= bool(np.abs(np.diff(a_obs, axis=0)).max() > 0)
    assert moved
    first.close()
    second.close()


def test_two_instances_stepped_alternately_do_not_interfere():
    actions = np.random.default_rng(1).uniform(-1, 1, (60, 9)).astype(np.float32)
    alone = causalworld.CausalWorldEnv("pushing")
    reference, _ = _rollout(alone, actions, seed=0)
    alone.close()
    left, right = causalworld.CausalWorldEnv("pushing"), causalworld.CausalWorldEnv("pushing")
    left.reset(seed=0)
    right.reset(seed=0)
    other = np.random.default_rng(2).uniform(-1, 1, (60, 9)).astype(np.float32)
    seen = []
    for action, noise in zip(actions, other):
        seen.append(left.step(action)[0])
        right.step(noise)
    assert np.array_equal(np.array(seen), reference[1:])
    left.close()
    right.close()


@pytest.mark.parametrize("env_id", ENV_IDS)
@pytest.mark.parametrize("normalized", [True, False])
@pytest.mark.parametrize("action_mode", ["joint_positions", "joint_torques", "end_effector_positions"])
def test_random_rollout_stays_inside_the_observation_space(env_id, normalized, action_mode):
    env = gym.make(env_id, normalize_observations=normalized, action_mode=action_mode)
    env.action_space.seed(0)
    obs, _ = env.reset(seed=0)
    assert obs.dtype == np.float32 and env.observation_space.contains(obs)
    steps = 1000 if action_mode == "joint_positions" else 200
    for _ in range(steps):
        obs, reward, terminated, truncated, info = env.step(env.action_space.sample())
        assert env.observation_space.contains(obs), obs
        assert math.isfinite(reward) and not terminated
        if truncated:
            obs, _ = env.reset()
    env.close()


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_reward_equals_the_sum_of_its_weighted_terms(env_id):
    env = gym.make(env_id)
    env.action_space.seed(3)
    env.reset(seed=0)
    task = env.unwrapped.task
    for _ in range(50):
        _, reward, _, _, info = env.step(env.action_space.sample())
        terms = info["reward_terms"]
        goal_term = "mean_tip_error" if task.name == "reaching" else "fractional_success"  # the original's
        assert set(terms) == {*task.reward_term_names, goal_term}
        assert reward == math.fsum(terms.values())
        assert 0.0 <= info["fractional_success"] <= 1.0 and isinstance(info["success"], bool)
    env.close()


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_pickle_rebuilds_from_constructor_arguments(env_id):
    env = gym.make(env_id, skip_frame=5, normalize_observations=False).unwrapped
    clone = pickle.loads(pickle.dumps(env))
    assert (clone.skip_frame, clone.normalize_observations, clone.task_name) == (5, False, env.task_name)
    assert clone.world.client != env.world.client or not env.world.is_connected
    a, _ = env.reset(seed=1)
    b, _ = clone.reset(seed=1)
    action = np.full(9, 0.2, dtype=np.float32)
    assert np.array_equal(a, b) and np.array_equal(env.step(action)[0], clone.step(action)[0])
    env.close()
    clone.close()


def test_async_vector_env_with_two_workers_steps():
    envs = gym.vector.AsyncVectorEnv([lambda: gym.make("CausalWorld-Pushing")] * 2)
    obs, _ = envs.reset(seed=[0, 0])
    assert obs.shape == (2, 56)
    for _ in range(10):
        obs, reward, terminated, truncated, info = envs.step(envs.action_space.sample())
    assert obs.shape == (2, 56) and reward.shape == (2,)
    assert "fractional_success" in info
    envs.close()


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_rgb_array_render_works_headless(env_id):
    env = gym.make(env_id, render_mode="rgb_array")
    env.reset(seed=0)
    image = env.render()
    assert image.shape == (240, 320, 3) and image.dtype == np.uint8
    assert image.std() > 5  # not a blank frame
    env.close()
