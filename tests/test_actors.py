"""Intervention actors: draws inside the active space, reproducible from a seed, JSON round trip."""

from __future__ import annotations

import json

import numpy as np
import pytest

from causalworld.actors import (
    GoalActor,
    InterventionActor,
    JointsActor,
    PhysicalPropertiesActor,
    RandomActor,
    RigidPoseActor,
    VisualActor,
    actor_from_params,
)
from causalworld.actors.base import flatten_bounds

ACTORS = {
    "goal": lambda seed: GoalActor(seed=seed),
    "random": lambda seed: RandomActor(seed=seed),
    "visual": lambda seed: VisualActor(seed=seed),
    "physical_tool": lambda seed: PhysicalPropertiesActor("tool", seed=seed),
    "physical_robot": lambda seed: PhysicalPropertiesActor("robot", seed=seed),
    "rigid_pose": lambda seed: RigidPoseActor(seed=seed),
    "joints": lambda seed: JointsActor(seed=seed),
}


def flat_values(intervention):
    out = {}
    for key, value in intervention.items():
        if isinstance(value, dict):
            out.update({f"{key}.{sub}": np.asarray(v, dtype=float) for sub, v in value.items()})
        else:
            out[key] = np.asarray(value, dtype=float)
    return out


@pytest.mark.parametrize("space", ["space_a", "space_b"])
@pytest.mark.parametrize("name", sorted(ACTORS))
def test_draws_lie_in_the_active_space_and_repeat_from_a_seed(make_env, name, space):
    env = make_env("pushing", variables_space=space)
    env.reset(seed=0)
    first, second = ACTORS[name](7), ACTORS[name](7)
    first.initialize(env)
    second.initialize(env)
    draws = []
    for _ in range(5):
        intervention = first.act(env.get_variable_space_used())
        assert intervention, f"{name} drew nothing"
        values = flat_values(intervention)
        for variable, value in values.items():
            assert env.variables[variable].contains(value, space), (variable, value)
        again = flat_values(second.act(env.get_variable_space_used()))
        assert again.keys() == values.keys()
        assert all(np.array_equal(values[k], again[k]) for k in values)
        draws.append(values)
    # different draws each time (an actor that repeats itself would pass the checks above)
    key = sorted(draws[0])[0]
    assert not all(np.array_equal(d[key], draws[0][key]) for d in draws[1:])


def test_integer_task_variables_are_drawn_whole_and_inclusive(make_env):
    env = make_env("towers")
    env.reset(seed=0)
    actor = RandomActor(seed=3)
    actor.initialize(env)
    seen = set()
    for _ in range(60):
        counts = flat_values(actor.act(env.get_variable_space_used()))["number_of_blocks_in_tower"]
        assert np.array_equal(counts, np.round(counts))
        seen.add(tuple(counts))
    low, high = env.variables["number_of_blocks_in_tower"].bounds(env.task.variables_space)
    assert any(np.any(np.array(c) == high) for c in seen), "upper bound never drawn"


def test_actors_choose_the_documented_variables(make_env):
    env = make_env("pushing")
    env.reset(seed=0)
    space = env.get_variable_space_used()

    def names(actor):
        actor.initialize(env)
        return set(flat_values(actor.act(space)))

    assert names(PhysicalPropertiesActor("tool", seed=0)) == {"tool_block.mass"}
    assert names(PhysicalPropertiesActor("floor", seed=0)) == {"floor_friction"}
    robot = names(PhysicalPropertiesActor("robot", seed=0))
    assert len(robot) == 12 and all(n.endswith(".mass") for n in robot)
    assert names(RigidPoseActor(positions=False, seed=0)) == {"tool_block.euler_orientation"}
    assert names(RigidPoseActor(orientations=False, seed=0)) == {"tool_block.cylindrical_position"}
    visual = names(VisualActor(seed=0))
    assert {"floor_color", "stage_color", "tool_block.color", "goal_block.color"} <= visual
    assert len(visual) == 4 + 12
    assert names(JointsActor(seed=0)) == {"joint_positions"}
    assert names(GoalActor(seed=0)) == {"goal_block.cylindrical_position", "goal_block.euler_orientation"}
    for seed in range(10):
        drawn = names(RandomActor(seed=seed))
        assert "joint_positions" not in drawn and "tool_block.orientation" not in drawn
        assert ("tool_block.size" in drawn) != ("tool_block.cylindrical_position" in drawn)


def test_only_variables_present_in_the_input_are_returned(make_env):
    env = make_env("pushing")
    env.reset(seed=0)
    space = flatten_bounds(env.get_variable_space_used())
    visual = VisualActor(seed=0)
    assert set(flat_values(visual.act({"floor_color": space["floor_color"]}))) == {"floor_color"}
    assert visual.act({"floor_friction": space["floor_friction"]}) is None
    goal = GoalActor(seed=0)
    goal.initialize(env)
    part = {"goal_block.cylindrical_position": space["goal_block.cylindrical_position"]}
    assert set(flat_values(goal.act(part))) == {"goal_block.cylindrical_position"}


def test_an_actor_returning_foreign_variables_is_refused():
    class Rogue(InterventionActor):
        type_name = "rogue_test_only"

        def _act(self, variables):
            return {"floor_friction": 0.5}

    with pytest.raises(RuntimeError, match="floor_friction"):
        Rogue(seed=0).act({"stage_friction": (0.3, 0.6)})


def test_actors_use_their_own_generator_only(make_env):
    env = make_env("pushing")
    env.reset(seed=0)
    global_state = np.random.get_state()[1].copy()
    env_state = env.np_random.bit_generator.state
    for make in ACTORS.values():
        actor = make(1)
        actor.initialize(env)
        actor.act(env.get_variable_space_used())
    assert np.array_equal(np.random.get_state()[1], global_state)
    assert env.np_random.bit_generator.state == env_state


@pytest.mark.parametrize("name", sorted(ACTORS))
def test_params_round_trip_through_json(make_env, name):
    env = make_env("pushing")
    env.reset(seed=0)
    actor = ACTORS[name](11)
    params = json.loads(json.dumps(actor.to_params()))
    rebuilt = actor_from_params(params)
    assert type(rebuilt) is type(actor) and rebuilt.to_params() == actor.to_params()
    for a in (actor, rebuilt):
        a.initialize(env)
    space = env.get_variable_space_used()
    first, second = flat_values(actor.act(space)), flat_values(rebuilt.act(space))
    assert all(np.array_equal(first[k], second[k]) for k in first)


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"group": "tool"}, "'type'"),
        ({"type": "teleport"}, "unknown actor type 'teleport'"),
        ({"type": "physical_properties"}, "bad params"),
        ({"type": "physical_properties", "group": ""}, "group"),
        ({"type": "rigid_pose", "positions": False, "orientations": False}, "positions=True"),
        ({"type": "visual", "seed": -1}, "seed"),
    ],
)
def test_bad_params_raise_clear_errors(params, match):
    with pytest.raises(ValueError, match=match):
        actor_from_params(params)


def test_goal_actor_needs_an_env():
    with pytest.raises(RuntimeError, match="initialize"):
        GoalActor(seed=0).act({"goal_block.cylindrical_position": ((0, 0, 0), (0.1, 1, 0))})


def test_bad_bounds_name_the_variable():
    with pytest.raises(ValueError, match="floor_friction"):
        VisualActor(seed=0).act({"floor_friction": (0.6, 0.3)})
