"""Goal-env, delta-action, moving-average and object-selector wrappers, alone and stacked."""

from __future__ import annotations

import functools

import gymnasium as gym
import numpy as np
import pytest

import causalworld  # noqa: F401
from causalworld.actors import GoalActor, VisualActor
from causalworld.sim import geometry as g
from causalworld.wrappers import (
    CurriculumWrapper,
    DeltaActionWrapper,
    GoalEnvWrapper,
    MovingAverageActionWrapper,
    ObjectSelectorWrapper,
)


class RecordActions(gym.ActionWrapper):
    """Test helper: remembers every action the env below received."""

    def __init__(self, env):
        super().__init__(env)
        self.received = []

    def action(self, action):
        self.received.append(np.array(action, dtype=np.float64))
        return action


# -- goal env ----------------------------------------------------------------------------
def rollout_goals(env, actions):
    obs, _ = env.reset(seed=0)
    achieved, desired, rewards, env_rewards = [], [], [], []
    for action in actions:
        obs, reward, _, _, info = env.step(action)
        achieved.append(obs["achieved_goal"])
        desired.append(obs["desired_goal"])
        rewards.append(reward)
        env_rewards.append(info.get("env_reward", reward))
    return np.array(achieved), np.array(desired), np.array(rewards), np.array(env_rewards)


def test_sparse_compute_reward_equals_the_step_reward_for_reaching():
    base = gym.make("CausalWorld-Reaching", action_mode="end_effector_positions", normalize_actions=False,
                    activate_sparse_reward=True, max_episode_length=40)
    env = GoalEnvWrapper(base, sparse_reward=True)
    obs, _ = env.reset(seed=0)
    goals = obs["desired_goal"]
    tips = obs["achieved_goal"]
    # move from the start towards the goals: success switches on along the way
    actions = [tips + (goals - tips) * min(1.0, k / 20) for k in range(1, 41)]
    achieved, desired, rewards, env_rewards = rollout_goals(env, actions)
    assert 0 < np.count_nonzero(rewards) < len(rewards), "the rollout must contain both outcomes"
    np.testing.assert_array_equal(env.compute_reward(achieved, desired, None), rewards)
    np.testing.assert_array_equal(rewards, env_rewards)
    single = [env.compute_reward(a, d, {}) for a, d in zip(achieved, desired)]
    np.testing.assert_array_equal(single, rewards)
    env.close()


def test_dense_compute_reward_equals_the_step_reward_with_zero_dense_weights():
    base = gym.make("CausalWorld-Pushing", dense_reward_weights=(0.0, 0.0, 0.0), max_episode_length=30)
    env = GoalEnvWrapper(base)
    env.reset(seed=0)
    # put the block half onto the goal so the fractional success is neither 0 nor 1
    env.unwrapped.set_starting_state({"tool_block": {"cylindrical_position": (0.05, np.pi / 2, 0.0325)}})
    rng = np.random.default_rng(0)
    # the fingers jiggle around their rest pose (normalized joint targets), clear of the block: wild random
    # targets knock it off the goal or fully onto it within a few steps
    rest = np.array([0.2218, 0.4332, -0.2617] * 3)
    actions = (rest + rng.uniform(-0.15, 0.15, (30, 9))).astype(np.float32)
    achieved, desired, rewards, _ = rollout_goals(env, actions)
    assert rewards.min() > 0 and np.count_nonzero(rewards < 0.99 * env.unwrapped.dt) > 10
    batch = env.compute_reward(achieved, desired, [{}] * len(rewards))
    np.testing.assert_allclose(batch, rewards, rtol=1e-5, atol=1e-9)
    env.close()


def test_compute_reward_checks_goal_shapes():
    env = GoalEnvWrapper(gym.make("CausalWorld-Pushing"))
    with pytest.raises(ValueError, match="end in 6"):
        env.compute_reward(np.zeros(5), np.zeros(6), None)
    env.close()


def test_goal_wrapper_refuses_a_task_without_goal():
    base = gym.make("CausalWorld-NoReward")
    with pytest.raises(ValueError, match="no_reward"):
        GoalEnvWrapper(base)
    base.close()


@pytest.mark.parametrize("env_id", ["CausalWorld-Reaching", "CausalWorld-Pushing", "CausalWorld-Towers"])
def test_goal_wrapper_passes_sb3_check_env(env_id):
    from stable_baselines3.common.env_checker import check_env

    env = GoalEnvWrapper(gym.make(env_id, max_episode_length=20), sparse_reward=True)
    check_env(env, warn=False)
    obs, _ = env.reset(seed=0)
    assert env.observation_space.contains(obs)
    env.close()


def test_sac_with_her_replay_buffer_runs():
    torch = pytest.importorskip("torch")
    from stable_baselines3 import SAC, HerReplayBuffer

    torch.set_num_threads(1)
    env = GoalEnvWrapper(gym.make("CausalWorld-Reaching", max_episode_length=50), sparse_reward=True)
    model = SAC(
        "MultiInputPolicy", env, replay_buffer_class=HerReplayBuffer,
        replay_buffer_kwargs={"n_sampled_goal": 4, "goal_selection_strategy": "future"},
        learning_starts=200, batch_size=64, train_freq=16, gradient_steps=1, buffer_size=5000,
        policy_kwargs={"net_arch": [32, 32]}, seed=0, device="cpu",
    )
    model.learn(2000)
    assert model.num_timesteps == 2000
    assert model.replay_buffer.size() > 0
    env.close()


# -- delta actions -----------------------------------------------------------------------
@pytest.mark.parametrize("normalize", [True, False])
@pytest.mark.parametrize("mode", ["joint_positions", "joint_torques", "end_effector_positions"])
def test_delta_actions_add_to_the_documented_offset(mode, normalize):
    recorder = RecordActions(gym.make("CausalWorld-Pushing", action_mode=mode, normalize_actions=normalize))
    env = DeltaActionWrapper(recorder)
    cw = env.unwrapped
    env.reset(seed=0)
    low, high = env.action_space.low.astype(float), env.action_space.high.astype(float)

    def units(command):
        command = np.asarray(command, dtype=float)
        return cw.normalize_action(command) if normalize else command

    rng = np.random.default_rng(1)
    previous = units(cw.robot.read_joints()[0])
    for _ in range(4):
        delta = rng.uniform(-0.1, 0.1, 9) * (high - low)
        if mode == "joint_positions":
            offset = previous
        elif mode == "joint_torques":
            offset = units(cw.robot.last_torques)
        else:
            offset = units(cw.robot.tip_positions(cw.robot.read_joints()[0]))
        env.step(delta.astype(np.float32))
        expected = np.clip(offset + delta.astype(np.float32), low, high)
        np.testing.assert_allclose(recorder.received[-1], expected, rtol=1e-6, atol=1e-6)
        previous = recorder.received[-1]
    env.close()


def test_delta_action_of_the_wrong_shape_changes_nothing():
    env = DeltaActionWrapper(gym.make("CausalWorld-Pushing"))
    env.reset(seed=0)
    env.step(np.full(9, 0.1, np.float32))
    before = env.offset()
    with pytest.raises(ValueError, match="9 finite numbers"):
        env.step(np.zeros(8, np.float32))
    np.testing.assert_array_equal(env.offset(), before)
    env.close()


# -- moving average ----------------------------------------------------------------------
def test_moving_average_sends_the_mean_of_the_last_window_actions():
    recorder = RecordActions(gym.make("CausalWorld-Pushing", max_episode_length=20))
    env = MovingAverageActionWrapper(recorder, window=3)
    rng = np.random.default_rng(2)
    for _ in range(2):  # the history restarts with every episode
        env.reset(seed=0)
        recorder.received.clear()
        actions = rng.uniform(-1, 1, (6, 9)).astype(np.float32)
        for action in actions:
            env.step(action)
        for k in range(6):
            expected = actions[max(0, k - 2): k + 1].astype(np.float64).mean(axis=0)
            np.testing.assert_allclose(recorder.received[k], expected, rtol=1e-6)
    env.close()


def test_moving_average_refuses_bad_arguments():
    base = gym.make("CausalWorld-Pushing")
    with pytest.raises(ValueError, match="window"):
        MovingAverageActionWrapper(base, window=0)
    recorder = RecordActions(base)
    env = MovingAverageActionWrapper(recorder)
    env.reset(seed=0)
    with pytest.raises(ValueError, match="finite"):
        env.step(np.full(9, np.nan, np.float32))
    env.step(np.full(9, 0.5, np.float32))  # the refused action left no trace in the average
    np.testing.assert_allclose(recorder.received[-1], np.full(9, 0.5))
    env.close()


# -- object selector ---------------------------------------------------------------------
def test_object_selector_nudges_the_chosen_block():
    env = ObjectSelectorWrapper(gym.make("CausalWorld-Pushing"), translation_step=0.004, rotation_step=0.1)
    obs, _ = env.reset(seed=0)
    cw = env.unwrapped
    assert obs.shape == (cw.observation_space.shape[0] - 28,) and env.observation_space.contains(obs)
    np.testing.assert_allclose(cw.robot.read_joints()[0], g.RAISED_POSE, atol=1e-9)
    assert env.action_space == gym.spaces.Tuple((gym.spaces.Discrete(1), gym.spaces.Discrete(7),
                                                 gym.spaces.Discrete(7)))
    position = cw.variables["tool_block.cartesian_position"]
    yaw = cw.variables["tool_block.euler_orientation"]
    intervention = env.move((0, 3, 1))
    start = position.read()
    np.testing.assert_allclose(intervention["tool_block"]["cartesian_position"], start + (0.004, 0, 0))
    env.step((0, 3, 1))
    np.testing.assert_allclose(position.read()[:2], start[:2] + (0.004, 0.0), atol=5e-4)
    assert yaw.read()[2] == pytest.approx(0.1, abs=5e-3)
    env.step((0, 0, 2))
    assert yaw.read()[2] == pytest.approx(0.0, abs=5e-3)
    env.close()


def test_object_selector_counts_refused_moves_and_checks_actions():
    env = ObjectSelectorWrapper(gym.make("CausalWorld-Pushing"), translation_step=0.02)
    env.reset(seed=0)
    start = env.unwrapped.variables["tool_block.cartesian_position"].read()
    _, _, _, _, info = env.step((0, 2, 0))  # 2 cm into the floor
    assert info["object_selector"]["refused"] == 1
    assert env.unwrapped.variables["tool_block.cartesian_position"].read()[2] == pytest.approx(start[2], abs=1e-3)
    with pytest.raises(ValueError, match="block index < 1"):
        env.step((1, 0, 0))
    env.close()
    base = gym.make("CausalWorld-Reaching")
    with pytest.raises(ValueError, match="no movable block"):
        ObjectSelectorWrapper(base)
    base.close()


# -- stacks, specs, vector envs -----------------------------------------------------------
def stacked_env(seed):
    env = gym.make("CausalWorld-Pushing", max_episode_length=4)
    env = CurriculumWrapper(env, [GoalActor(), VisualActor()], [(0, 100, 1, 0), (0, 100, 1, 2)], seed=seed)
    return MovingAverageActionWrapper(DeltaActionWrapper(env), window=2)


def test_wrappers_show_in_the_spec_and_rebuild_from_it():
    env = GoalEnvWrapper(stacked_env(0), sparse_reward=True)
    names = [w.name for w in env.spec.additional_wrappers]
    assert names == ["CurriculumWrapper", "DeltaActionWrapper", "MovingAverageActionWrapper", "GoalEnvWrapper"]
    rebuilt = gym.make(env.spec)
    assert rebuilt.spec.additional_wrappers == env.spec.additional_wrappers
    np.testing.assert_array_equal(rebuilt.reset(seed=1)[0]["desired_goal"], env.reset(seed=1)[0]["desired_goal"])
    env.close()
    rebuilt.close()


def test_wrapped_envs_run_in_async_vector_env():
    envs = gym.vector.AsyncVectorEnv([functools.partial(stacked_env, 0), functools.partial(stacked_env, 0)])
    try:
        obs, info = envs.reset(seed=[3, 4])
        assert obs.shape == (2, 56)
        assert not np.array_equal(obs[0], obs[1]), "different seeds must give different curricula"
        applied = []
        for _ in range(4):
            obs, reward, terminated, truncated, info = envs.step(np.zeros((2, 9), np.float32))
            applied.append(info["curriculum"]["applied"].tolist())
        assert applied[1] == [True, True]  # the visual actor at step 2 of the episode
        assert truncated.all()
    finally:
        envs.close()


def test_moving_average_window_starts_full_of_the_initial_value():
    recorder = RecordActions(gym.make("CausalWorld-Pushing"))
    env = MovingAverageActionWrapper(recorder, window=4, initial_value=-0.5)
    assert env._saved_kwargs["initial_value"] == -0.5  # recorded, as wrappers record their arguments
    actions = np.random.default_rng(3).uniform(-1, 1, (6, 9)).astype(np.float32)
    for _ in range(2):  # the window refills at every reset
        env.reset(seed=0)
        recorder.received.clear()
        for action in actions:
            env.step(action)
        for k in range(6):
            window = [np.full(9, -0.5)] * max(0, 3 - k) + list(actions[max(0, k - 3): k + 1].astype(np.float64))
            np.testing.assert_allclose(recorder.received[k], np.mean(window, axis=0), rtol=1e-6)
    with pytest.raises(ValueError, match="initial_value"):
        MovingAverageActionWrapper(recorder, initial_value=[0.0, 1.0])
    with pytest.raises(ValueError, match="finite"):
        MovingAverageActionWrapper(recorder, initial_value=np.inf)
    per_dimension = MovingAverageActionWrapper(recorder, window=2, initial_value=np.linspace(-1, 1, 9))
    per_dimension.reset(seed=0)
    per_dimension.step(np.zeros(9, np.float32))
    np.testing.assert_allclose(recorder.received[-1], np.linspace(-1, 1, 9) / 2, rtol=1e-6)
    env.close()
