"""Bad input gets a clear exception and leaves the environment usable and unchanged."""

import gymnasium as gym
import numpy as np
import pytest

import causalworld


@pytest.mark.parametrize(
    "action, message",
    [
        (np.zeros(8), r"shape \(9,\)"),
        (np.zeros((9, 1)), r"shape \(9,\)"),
        ([0.0] * 10, r"shape \(9,\)"),
        (np.array([np.nan] + [0.0] * 8), r"NaN or infinity at indices \[0\]"),
        (np.array([0.0] * 8 + [np.inf]), r"NaN or infinity at indices \[8\]"),
        ("left", "9 numbers"),
        (None, "9 numbers|shape"),
    ],
)
def test_bad_actions_are_refused_and_the_episode_continues_unchanged(action, message):
    good = np.full(9, 0.3, dtype=np.float32)
    reference = causalworld.CausalWorldEnv("pushing")
    reference.reset(seed=0)
    expected = [reference.step(good)[0] for _ in range(3)]
    env = causalworld.CausalWorldEnv("pushing")
    env.reset(seed=0)
    seen = [env.step(good)[0]]
    with pytest.raises(ValueError, match=message):
        env.step(action)
    seen += [env.step(good)[0] for _ in range(2)]
    assert all(np.array_equal(a, b) for a, b in zip(seen, expected))
    env.close()
    reference.close()


def test_huge_actions_are_clipped_into_the_space():
    env = causalworld.CausalWorldEnv("pushing")
    env.reset(seed=0)
    obs_huge = env.step(np.full(9, 1e30))[0]
    env.reset(seed=0)
    obs_edge = env.step(np.ones(9))[0]
    assert np.array_equal(obs_huge, obs_edge)
    env.close()


def test_unknown_kwarg_names_itself_and_lists_the_accepted_ones():
    with pytest.raises(TypeError) as error:
        gym.make("CausalWorld-Pushing", tool_block_mas=0.1)
    text = str(error.value)
    assert "tool_block_mas" in text and "tool_block_mass" in text and "skip_frame" in text


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"skip_frame": 0}, "skip_frame"),
        ({"skip_frame": 2.5}, "skip_frame"),
        ({"action_mode": "velocity"}, "action_mode"),
        ({"observation_mode": "depth"}, "observation_mode"),
        ({"render_mode": "ansi"}, "render_mode"),
        ({"max_episode_length": -3}, "max_episode_length"),
        ({"variables_space": "space_c"}, "variables_space"),
        ({"dense_reward_weights": [1.0, 2.0]}, "dense_reward_weights"),
        ({"tool_block_mass": -1.0}, "tool_block_mass"),
        ({"tool_block_position": [0.0, 0.1]}, "tool_block_position"),
        ({"joint_positions": [0.0] * 8}, "joint_positions"),
    ],
)
def test_bad_constructor_arguments_name_the_argument(kwargs, message):
    with pytest.raises(ValueError, match=message):
        causalworld.CausalWorldEnv("pushing", **kwargs)


def test_unknown_task_lists_the_available_ones():
    with pytest.raises(ValueError, match="reaching"):
        causalworld.CausalWorldEnv("juggling")


def test_step_before_reset_is_refused():
    env = causalworld.CausalWorldEnv("reaching")
    with pytest.raises(RuntimeError, match="reset"):
        env.step(np.zeros(9))
    env.close()
