"""The original's remaining env methods: do_single_random_intervention and the privileged info entries."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from causalworld.env.extras import GROUND_TRUTH_KEY, PARTIAL_SOLUTION_KEY
from causalworld.sim.kinematics import tip_positions


def _only_variable(intervention):
    (key, value), = intervention.items()
    if isinstance(value, dict):
        (attribute, value), = value.items()
        return f"{key}.{attribute}", value
    return key, value


@pytest.mark.parametrize("space", ["space_a", "space_b"])
def test_single_random_intervention_draws_one_variable_of_the_active_space(make_env, space):
    env = make_env("pushing", max_episode_length=20)
    env.reset(seed=0)
    env.set_intervention_space(space)
    seen = set()
    for _ in range(25):
        before = env.get_current_state_variables()
        intervention, success, observation = env.do_single_random_intervention()
        name, value = _only_variable(intervention)
        variable = env.variables[name]
        assert variable in env.variables.spaced()  # the original's space: get_variable_space_used()
        assert variable.contains(np.asarray(value, dtype=np.float64), space)  # space B really is B
        assert observation.shape == env.observation_space.shape
        if success:
            assert env.is_intervention_in_bounds(intervention) or variable.kind == "dynamic"
        else:  # refused: nothing changed
            after = env.get_current_state_variables()
            assert all(np.array_equal(before[k], after[k]) if not isinstance(before[k], dict) else
                       all(np.array_equal(before[k][a], after[k][a]) for a in before[k]) for k in before)
        seen.add(name.split(".")[0])
    assert len(seen) > 5  # drawn among many entries of the space


def test_single_random_intervention_follows_the_env_generator(make_env):
    draws = []
    for _ in range(2):
        env = make_env("picking", max_episode_length=20)
        env.reset(seed=11)
        draws.append([env.do_single_random_intervention()[:2] for _ in range(5)])
    assert str(draws[0]) == str(draws[1])
    with pytest.raises(RuntimeError, match="reset"):
        make_env("picking").do_single_random_intervention()


def test_ground_truth_state_in_info(make_env):
    env = make_env("pushing", add_ground_truth_state_to_info=True, max_episode_length=5)
    _, info = env.reset(seed=0)
    truth = info[GROUND_TRUTH_KEY]
    assert truth.keys() == env.get_current_state_variables().keys()
    env.do_intervention({"tool_block": {"mass": 0.03}})
    _, _, _, _, info = env.step(env.action_space.sample())
    assert info[GROUND_TRUTH_KEY]["tool_block"]["mass"] == pytest.approx(0.03)
    plain = make_env("pushing", max_episode_length=5)
    assert GROUND_TRUTH_KEY not in plain.reset(seed=0)[1]
    plain.add_ground_truth_state_to_info()  # the original's method, and it survives pickling
    assert GROUND_TRUTH_KEY in plain.step(plain.action_space.sample())[4]
    copy = pickle.loads(pickle.dumps(plain))
    try:
        assert GROUND_TRUTH_KEY in copy.reset(seed=0)[1]
    finally:
        copy.close()
    with pytest.raises(TypeError, match="add_ground_truth_state_to_info"):
        make_env("pushing", add_ground_truth_state_to_info="yes")


@pytest.mark.parametrize("task", ["pushing", "stacking2", "pick_and_place"])
def test_partial_solution_names_each_tool_and_its_goal(make_env, task):
    env = make_env(task, expose_potential_partial_solution=True, max_episode_length=5)
    _, info = env.reset(seed=0)
    solution = info[PARTIAL_SOLUTION_KEY]
    goals = env.stage.silhouettes
    tools = [n for n, b in env.stage.blocks.items() if b.is_movable and n.replace("tool", "goal") in goals]
    assert sorted(solution) == sorted(tools) and tools
    for name, pose in solution.items():
        goal = env.stage.silhouettes[name.replace("tool", "goal")]
        np.testing.assert_array_equal(pose["cartesian_position"], goal.position)
        np.testing.assert_array_equal(pose["orientation"], goal.orientation)


def test_partial_solution_for_reaching_is_joint_positions_reaching_the_goals(make_env):
    env = make_env("reaching", max_episode_length=5)
    env.expose_potential_partial_solution()
    _, info = env.reset(seed=0)
    joints = info[PARTIAL_SOLUTION_KEY]["joint_positions"]
    np.testing.assert_allclose(tip_positions(joints, env.robot.base_offset_z), info["desired_goal"], atol=1e-4)
    towers = make_env("towers", expose_potential_partial_solution=True, max_episode_length=5)
    assert isinstance(towers.reset(seed=0)[1][PARTIAL_SOLUTION_KEY], dict)
