"""Pixel observations: spaces, goal-image caching, determinism, and an SB3 CNN run."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

import causalworld
from causalworld.env.pixels import channels_first, split_pixels, to_camera_stack


def _goal(env, obs):
    return obs[..., 3 * len(env.camera_indices):]


def _current(env, obs):
    return obs[..., : 3 * len(env.camera_indices)]


@pytest.mark.parametrize(
    ("normalize", "cameras", "dtype"),
    [(False, None, np.uint8), (True, [2, 0], np.float32)],
)
def test_observations_lie_in_the_declared_space(make_env, normalize, cameras, dtype):
    env = make_env("pushing", observation_mode="pixel", normalize_observations=normalize, camera_indices=cameras)
    k = 3 if cameras is None else len(cameras)
    space = env.observation_space
    assert isinstance(space, gym.spaces.Box) and space.dtype == dtype and space.shape == (128, 128, 6 * k)
    obs, _ = env.reset(seed=0)
    assert obs.dtype == dtype and space.contains(obs)
    for _ in range(2):
        obs, *_ = env.step(env.action_space.sample())
        assert space.contains(obs)
    if normalize:
        assert obs.min() >= 0.0 and obs.max() <= 1.0 and obs.max() > 0.5
    assert env.renderer in ("tiny", "egl")
    current, goal = split_pixels(obs)
    assert current.shape == goal.shape == (k, 128, 128, 3)
    assert to_camera_stack(obs).shape == (2 * k, 128, 128, 3)
    assert np.array_equal(to_camera_stack(obs)[k], obs[:, :, 3 * k:3 * k + 3])


def test_channels_first_transposes_observation_and_space(make_env):
    env = channels_first(make_env("pushing", observation_mode="pixel", camera_indices=[0]))
    obs, _ = env.reset(seed=0)
    assert env.observation_space.shape == obs.shape == (6, 128, 128) and env.observation_space.contains(obs)


def test_camera_order_follows_camera_indices(make_env):
    both = make_env("pushing", observation_mode="pixel", camera_indices=[1, 2], normalize_observations=False)
    single = make_env("pushing", observation_mode="pixel", camera_indices=[2], normalize_observations=False)
    a, _ = both.reset(seed=0)
    b, _ = single.reset(seed=0)
    assert np.array_equal(split_pixels(a)[0][1], split_pixels(b)[0][0])
    assert np.array_equal(split_pixels(a)[1][1], split_pixels(b)[1][0])


def test_check_env_accepts_pixel_mode(make_env):
    from gymnasium.utils.env_checker import check_env

    check_env(make_env("reaching", observation_mode="pixel", camera_indices=[0]), skip_render_check=True)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"camera_indices": [3]}, "camera_indices"),
        ({"camera_indices": [0, 0]}, "camera_indices"),
        ({"camera_indices": []}, "camera_indices"),
        ({"camera_indices": "012"}, "camera_indices"),
        ({"renderer": "vulkan"}, "renderer"),
    ],
)
def test_bad_pixel_arguments_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        causalworld.CausalWorldEnv("pushing", observation_mode="pixel", **kwargs)


def test_goal_images_change_only_with_the_goal_or_appearance(make_env):
    env = make_env("pushing", observation_mode="pixel", camera_indices=[0], normalize_observations=False)
    obs, _ = env.reset(seed=0)
    refreshes = env.pixels.goal_refreshes
    first_goal, first_current = _goal(env, obs).copy(), _current(env, obs).copy()
    rng = np.random.default_rng(0)
    for _ in range(3):
        obs, *_ = env.step(rng.uniform(-1, 1, 9).astype(np.float32))
        assert np.array_equal(_goal(env, obs), first_goal)
    assert not np.array_equal(_current(env, obs), first_current)  # the fingers moved
    assert env.pixels.goal_refreshes == refreshes
    env.do_intervention({"tool_block": {"color": [0.2, 0.2, 0.9]}})  # blocks are not in goal images
    obs, *_ = env.step(np.zeros(9, np.float32))
    assert np.array_equal(_goal(env, obs), first_goal) and env.pixels.goal_refreshes == refreshes

    ok, obs = env.do_intervention({"goal_block": {"cartesian_position": [0.06, -0.04, 0.0325]}})
    assert ok
    assert env.pixels.goal_refreshes == refreshes + 1
    moved_goal = _goal(env, obs).copy()
    assert not np.array_equal(moved_goal, first_goal)
    obs, *_ = env.step(np.zeros(9, np.float32))
    assert np.array_equal(_goal(env, obs), moved_goal) and env.pixels.goal_refreshes == refreshes + 1

    ok, obs = env.do_intervention({"floor_color": [0.9, 0.9, 0.6]})  # appearance: goal images follow
    assert ok and not np.array_equal(_goal(env, obs), moved_goal)
    obs, _ = env.reset(seed=0)  # the starting state comes back, and with it the first goal image
    assert np.array_equal(_goal(env, obs), first_goal)


def test_pixel_mode_is_deterministic(make_env):
    runs = []
    for _ in range(2):
        env = make_env("reaching", observation_mode="pixel", camera_indices=[1])
        obs, _ = env.reset(seed=5)
        rng = np.random.default_rng(1)
        seq = [obs]
        for _ in range(4):
            seq.append(env.step(rng.uniform(-1, 1, 9).astype(np.float32))[0])
        runs.append(np.stack(seq))
    assert runs[0].tobytes() == runs[1].tobytes()


def test_stable_baselines3_trains_a_cnn_on_pixels():
    sb3 = pytest.importorskip("stable_baselines3")
    torch = pytest.importorskip("torch")
    env = causalworld.CausalWorldEnv(
        "reaching", observation_mode="pixel", camera_indices=[0], normalize_observations=False, max_episode_length=32
    )
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the machine is shared; one thread is faster than oversubscribed ones here
    try:
        small = {"features_extractor_kwargs": {"features_dim": 64}, "net_arch": [32]}
        model = sb3.PPO("CnnPolicy", env, n_steps=64, batch_size=32, n_epochs=1, seed=0, device="cpu", verbose=0,
                        policy_kwargs=small)
        assert model.env.observation_space.shape == (6, 128, 128)  # SB3 moved the channels first by itself
        model.learn(total_timesteps=128)
        obs, _ = env.reset(seed=0)
        action, _ = model.predict(obs, deterministic=True)
        assert env.action_space.contains(action)
    finally:
        torch.set_num_threads(threads)
        env.close()
