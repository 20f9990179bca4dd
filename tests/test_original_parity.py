"""Parity with the original CausalWorld 1.2, checked against facts measured from the original itself.

``tests/data/original_reference.json`` is written by ``benchmarks/original_reference.py``, run with the
original's interpreter; these tests need neither the original nor the network. They check that an agent,
a script or a protocol written for the original sees and changes the same things here: observation
fields, order, normalization and values; intervention spaces (names and bounds); variable names; protocol
variables; and the reward formulas (evaluated on the original's own recorded states).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from causalworld import CausalWorldEnv
from causalworld.benchmark.protocols import get_protocols
from causalworld.benchmark.sampling import OBJECT_STAGE, TASK_STAGE, selected_variables
from causalworld.env.interventions import flatten
from causalworld.sim.objects import BlockState
from causalworld.tasks.base import SceneState

REFERENCE = json.loads((Path(__file__).parent / "data" / "original_reference.json").read_text())
ORIGINAL = REFERENCE["tasks"]
SMALL = ("reaching", "pushing", "picking", "pick_and_place", "stacking2")
FAMILIES = ("towers", "general", "stacked_blocks", "creative_stacked_blocks")
ROBOT_KEYS = ("time_left_for_task", "joint_positions", "joint_velocities", "end_effector_positions")
WIDENED = ("joint_positions", "joint_velocities", "_linear_velocity", "_angular_velocity", "obstacle_size")
"""Fields whose declared space is wider than the original's (see causalworld.env.observations)."""


@pytest.fixture(scope="module")
def envs():
    made: dict[tuple[str, bool], CausalWorldEnv] = {}

    def get(task: str, normalized: bool = True) -> CausalWorldEnv:
        if (task, normalized) not in made:
            made[(task, normalized)] = CausalWorldEnv(task, skip_frame=3, normalize_observations=normalized)
        env = made[(task, normalized)]
        env.reset(seed=0)
        return env

    yield get
    for env in made.values():
        env.close()


# -- observations -------------------------------------------------------------------------------
@pytest.mark.parametrize("task", SMALL)
def test_observation_fields_and_order_are_the_originals(envs, task):
    env = envs(task)
    assert [(f.name, f.size) for f in env.layout.fields] == [(k, n or 1) for k, n in ORIGINAL[task]["observation_keys"]]
    assert env.max_episode_length == ORIGINAL[task]["max_episode_length_skip3"]


@pytest.mark.parametrize("normalized", [True, False])
@pytest.mark.parametrize("task", SMALL)
def test_reset_observation_equals_the_originals(envs, task, normalized):
    obs = envs(task, normalized)._observe(envs(task, normalized)._read_state())
    expected = np.array(ORIGINAL[task]["normalized" if normalized else "raw"]["reset"])
    assert obs.shape == expected.shape
    np.testing.assert_allclose(obs, expected, rtol=0, atol=5e-6)  # float32 of the original's float64


@pytest.mark.parametrize("task", SMALL)
def test_normalization_bounds_and_declared_space_are_the_originals(envs, task):
    env, reference = envs(task), ORIGINAL[task]
    # The original's raw space is its normalization bounds (type ids: low == high == the id).
    np.testing.assert_allclose(env.layout.low, reference["raw"]["space_low"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(env.layout.high, reference["raw"]["space_high"], rtol=0, atol=1e-12)
    low, high = env.observation_space.low, env.observation_space.high
    original_low, original_high = (np.array(reference["normalized"][k]) for k in ("space_low", "space_high"))
    for field in env.layout.fields:
        part = env.layout.index(field.name)
        if any(w in field.name for w in WIDENED):  # wider, never narrower
            assert np.all(low[part] <= original_low[part] + 1e-6) and np.all(high[part] >= original_high[part] - 1e-6)
        else:
            np.testing.assert_allclose(low[part], original_low[part], atol=1e-6, err_msg=field.name)
            np.testing.assert_allclose(high[part], original_high[part], atol=1e-6, err_msg=field.name)


@pytest.mark.parametrize("task", SMALL)
def test_observations_track_the_original_under_the_same_actions(envs, task):
    """Same actions: static fields and time left equal; robot and block poses within the physics' drift."""
    env = envs(task)
    fields = [f for f in env.layout.fields]
    static = [f for f in fields if f.name.endswith(("_type", "_size")) or f.name.startswith("goal_")
              or f.name.startswith("obstacle") or f.name == "time_left_for_task"]
    tracked = [f for f in fields
               if f.name in ROBOT_KEYS[1:] or f.name.endswith(("_cartesian_position", "_orientation"))]
    for k, action in enumerate(REFERENCE["actions"], start=1):
        obs, *_ = env.step(np.array(action, dtype=np.float32))
        expected = np.array(ORIGINAL[task]["normalized"]["steps"][str(k)]["observation"])
        for field in static:
            np.testing.assert_allclose(obs[env.layout.index(field.name)], expected[env.layout.index(field.name)],
                                       atol=2e-6, err_msg=f"step {k} {field.name}")
        for field in tracked:  # measured drift: at most 0.012 (normalized) in 10 steps
            np.testing.assert_allclose(obs[env.layout.index(field.name)], expected[env.layout.index(field.name)],
                                       atol=0.03, err_msg=f"step {k} {field.name}")


@pytest.mark.parametrize("task", FAMILIES)
def test_family_slots_hold_the_originals_fields_in_its_order(envs, task):
    """Every field of the original's default observation has a slot field here, in the same order, with the
    same type and size (poses differ where our start layouts differ, as documented per task)."""
    env = envs(task, normalized=False)
    obs = env._observe(env._read_state())
    slot_of = {name: slot.name for slot, name in zip(env._slots, env.task.slot_objects()) if name}
    expected, start, positions = np.array(ORIGINAL[task]["raw"]["reset"]), 0, []
    for key, size in ORIGINAL[task]["observation_keys"]:
        size = size or 1
        if key in ROBOT_KEYS:
            ours = env.layout.index(key)
        else:
            obj = max((name for name in slot_of if key.startswith(name + "_")), key=len)
            ours = env.layout.index(slot_of[obj] + key[len(obj):])
        positions.append(ours.start)
        if key.endswith(("_type", "_size")):
            np.testing.assert_allclose(obs[ours], expected[start:start + size], atol=1e-6, err_msg=key)
        start += size
    assert positions == sorted(positions) and len(set(positions)) == len(positions)


# -- rewards ------------------------------------------------------------------------------------
def _state(env: CausalWorldEnv, raw: np.ndarray) -> SceneState:
    def field(name):
        return tuple(float(v) for v in raw[env.layout.index(name)])

    blocks = {s.name: BlockState(field(f"{s.name}_cartesian_position"), field(f"{s.name}_orientation"),
                                 field(f"{s.name}_linear_velocity"), field(f"{s.name}_angular_velocity"))
              for s in env._slots if s.kind == "rigid"}
    return SceneState(list(field("joint_positions")), list(field("joint_velocities")),
                      list(field("end_effector_positions")), [0.0] * 9, blocks)


@pytest.mark.parametrize("task", SMALL)
def test_default_reward_is_the_originals_on_its_own_states(envs, task):
    """Our reward of the original's recorded states (raw observations, reset and 10 steps) equals its reward.

    The torque term (reaching's third, weight 0) is not in the observation and counts 0.
    """
    env, recorded = envs(task, normalized=False), ORIGINAL[task]["raw"]
    states = [_state(env, np.array(recorded["reset"]))] + [
        _state(env, np.array(recorded["steps"][str(k)]["observation"])) for k in range(1, 11)]
    env.task.reset_reward_state(states[0])
    for k, state in enumerate(states[1:], start=1):
        measure = env.task.measure(state)
        reward, _ = env._reward(state, measure)
        step = recorded["steps"][str(k)]
        assert reward == pytest.approx(step["reward"], abs=1e-9, rel=1e-9), k
        assert measure.fractional_success == pytest.approx(step["fractional_success"], abs=1e-9)
        assert env.task.is_success(state, measure.fractional_success) == step["success"]


# -- variables, spaces, protocols ---------------------------------------------------------------
def _flat_space(space: dict) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    return {name: tuple(np.asarray(b, dtype=np.float64) for b in bounds) for name, bounds in flatten(space).items()}


@pytest.mark.parametrize("space", ["space_a", "space_b", "space_a_b"])
@pytest.mark.parametrize("task", SMALL + FAMILIES)
def test_intervention_spaces_are_the_originals(envs, task, space):
    """The same variables and bounds. pick_and_place's tool and goal sides follow the tool as the original's
    do once the tool is placed (its construction-time spaces put the tool's side where the tool is not)."""
    env = envs(task)
    ours = _flat_space(getattr(env, f"get_intervention_{space}")())
    theirs = dict(ORIGINAL[task][space])
    if task == "pick_and_place":
        placed = ORIGINAL[task]["spaces_after_tool_placed"][space]
        theirs.update({n: placed[n] for n in ("tool_block.cylindrical_position", "goal_block.cylindrical_position")})
    assert sorted(ours) == sorted(theirs)
    for name, (low, high) in ours.items():
        np.testing.assert_allclose(low, theirs[name][0], atol=1e-9, err_msg=f"{name} low")
        np.testing.assert_allclose(high, theirs[name][1], atol=1e-9, err_msg=f"{name} high")


@pytest.mark.parametrize("task", SMALL + FAMILIES)
def test_state_variables_carry_the_originals_names(envs, task):
    ours = set(flatten(envs(task).get_current_state_variables()))
    missing = set(ORIGINAL[task]["state_variable_names"]) - ours
    assert not missing
    extra = {n.rpartition(".")[2] for n in ours - set(ORIGINAL[task]["state_variable_names"])}
    # parametrizations, goal_tower's, and the stacked families' wall_seed (ours)
    assert extra <= {"euler_orientation", "cartesian_position", "orientation", "wall_seed"}


@pytest.mark.parametrize("task", SMALL + FAMILIES)
def test_goal_samples_name_the_originals_variables(envs, task):
    ours = set(flatten(envs(task).sample_new_goal()))
    ours_only = {"pick_and_place": {"tool_block.euler_orientation"}, "stacked_blocks": {"wall_seed"},
                 "creative_stacked_blocks": {"wall_seed"}}.get(task, set())
    assert ours == set(ORIGINAL[task]["sample_new_goal_names"]) | ours_only


@pytest.mark.parametrize("task", SMALL)
def test_protocols_intervene_on_the_originals_variables(envs, task):
    """Per protocol, the variables its draws name (40 draws; fully random ones: both sides of the size coin)."""
    env = envs(task)
    ours = {}
    for protocol in get_protocols(task):
        rng, names = np.random.default_rng(0), set()
        for _ in range(40):
            for stage in (TASK_STAGE, OBJECT_STAGE):
                names |= {v.name for v in selected_variables(protocol, env.variables, rng, stage)}
        ours[protocol.name] = sorted(names)
    assert ours == ORIGINAL[task]["protocol_variables"]


ORIGINAL_SCRIPTS = {
    "pushing": [{"goal_block": {"cylindrical_position": [0.1, 1.0, 0.0325]}}, {"tool_block": {"mass": 0.03}},
                {"goal_block": {"cartesian_position": [0.05, 0.05, 0.0325]}},
                {"tool_block": {"size": np.array([0.06, 0.06, 0.06])}}, {"floor_friction": 0.4},
                {"robot_finger_60_link_0": {"color": [0.2, 0.2, 0.2]}}, {"stage_color": [0.7, 0.7, 0.7]}],
    "reaching": [{"goal_60": {"cylindrical_position": [0.08, 1.0, 0.1]}}],
    "picking": [{"goal_block": {"cylindrical_position": [0.0, 0.0, 0.12]}}],
    "pick_and_place": [{"obstacle": {"size": [0.5, 0.015, 0.05]}}],
    "stacking2": [{"goal_tower": {"cylindrical_position": [0.05, 0.5, 0.065]}}, {"tool_block_2": {"mass": 0.03}}],
    "towers": [{"tool_level_0_col_0_row_0": {"color": [0.6, 0.6, 0.6]}},
               {"number_of_blocks_in_tower": np.array([2, 2, 1])}],
    "general": [{"tool_0": {"mass": 0.03}}, {"nums_objects": 3}],
    "stacked_blocks": [{"tool_level_0_num_1": {"mass": 0.03}}, {"blocks_mass": 0.05}],
    "creative_stacked_blocks": [{"tool_level_7_num_2": {"color": [0.6, 0.7, 0.8]}}, {"number_of_obstacles": 2}],
}
"""Interventions written as for the original (its names and nested dicts, keyword ``interventions_dict``)."""


@pytest.mark.parametrize("task", sorted(ORIGINAL_SCRIPTS))
def test_interventions_written_for_the_original_run_unchanged(envs, task):
    env = envs(task)
    for intervention in ORIGINAL_SCRIPTS[task]:
        success, obs = env.do_intervention(interventions_dict=intervention)
        assert success, (intervention, env.do_intervention(interventions_dict=intervention).reasons)
        assert env.set_starting_state(interventions_dict=intervention, check_bounds=False).success
    env.reset_default_state()
