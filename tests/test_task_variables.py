"""Task-level variables that change the scene, and the fixed-size observation around them."""

import numpy as np
import pytest

import causalworld
from causalworld import InterventionError


@pytest.fixture
def reaching(make_env):
    env = make_env("reaching", max_obstacles=3, normalize_observations=False)
    env.reset(seed=0)
    return env


def test_obstacle_slots_are_empty_zeros_until_obstacles_exist(reaching, make_env):
    obs = reaching._observe(reaching._read_state())
    assert obs.shape == (37 + 3 * 11,) and not obs[37:].any()
    normalized = make_env("reaching", max_obstacles=3)
    obs_n, _ = normalized.reset(seed=0)
    assert not obs_n[37:].any() and normalized.observation_space.contains(obs_n)
    default = make_env("reaching")
    assert default.observation_space.shape == (37,)  # the original's 37 values, and its obstacle space [1, 5]
    assert default.get_intervention_space_a()["number_of_obstacles"][1] == 5


def test_number_of_obstacles_adds_and_removes_fixed_blocks(reaching):
    result = reaching.do_intervention({"number_of_obstacles": 2})
    assert result.success
    obs = result.observation
    assert list(obs[[37, 48, 59]]) == [10.0, 10.0, 0.0]  # two fixed blocks, one empty slot
    assert "obstacle_1.cartesian_position" in reaching.variables  # named from 0, as in the original
    assert reaching.do_intervention({"obstacle_0": {"color": [0.2, 0.2, 0.2]}}, check_bounds=False).success
    assert reaching.do_intervention({"number_of_obstacles": 1}).success
    assert "obstacle_1.cartesian_position" not in reaching.variables
    with pytest.raises(InterventionError, match="obstacle_1"):
        reaching.do_intervention({"obstacle_1": {"color": [0.2, 0.2, 0.2]}})


def test_obstacles_are_reproducible_and_leave_with_the_episode(make_env):
    def obstacles(seed):
        env = make_env("reaching", max_obstacles=3, normalize_observations=False)
        env.reset(seed=seed)
        return env.do_intervention({"number_of_obstacles": 3}).observation[37:], env

    a, env = obstacles(4)
    b, _ = obstacles(4)
    c, _ = obstacles(5)
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    obs, _ = env.reset()
    assert not obs[37:].any() and env.variables["number_of_obstacles"].read() == 0


def test_obstacles_in_the_starting_state_persist(reaching):
    assert reaching.set_starting_state({"number_of_obstacles": 3}).success
    first, _ = reaching.reset()
    second, _ = reaching.reset()
    assert np.array_equal(first, second) and first[37 + 22] == 10.0
    reaching.reset_default_state()
    assert reaching.variables["number_of_obstacles"].read() == 0


def test_integer_task_variables_refuse_fractions_and_out_of_range_counts(reaching):
    with pytest.raises(InterventionError, match="whole numbers"):
        reaching.do_intervention({"number_of_obstacles": 1.5})
    for count in (4, 6):  # 4: in the original's space [1, 5] but beyond the 3 slots; 6: outside the space
        result = reaching.do_intervention({"number_of_obstacles": count})
        assert not result.success and "number_of_obstacles" in result.reasons[0]
    assert reaching.variables["number_of_obstacles"].bounds("space_b")[1] == 5


def test_max_obstacles_is_validated():
    with pytest.raises(ValueError, match="max_obstacles"):
        causalworld.CausalWorldEnv("reaching", max_obstacles=9)
