"""Bad input, fuzzed with hypothesis: actions, interventions, task kwargs, gymnasium kwargs (issue 9).

Each malformed input gets its specific exception (ActionError, InterventionError, TypeError or
ValueError naming the argument) and leaves the environment exactly as it was; a refused constructor
leaves no PyBullet client behind.
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pybullet
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import causalworld
from causalworld.env import ENV_KWARGS
from causalworld.env.control import ActionError
from causalworld.tasks import TASKS
from causalworld.tasks.base import SHARED_DEFAULTS
from causalworld.variables import InterventionError

FUZZ = settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
SLOW_FUZZ = settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-10**40, 10**40), st.floats(), st.complex_numbers(max_magnitude=1e3),
    st.text(max_size=8), st.binary(max_size=4), st.just(object()), st.just(float("nan")), st.just(float("inf")),
)
NESTED = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=10), st.tuples(inner, inner), st.dictionaries(st.text(max_size=4), inner, max_size=3)
), max_leaves=12)
ARRAYS = hnp.arrays(
    dtype=st.sampled_from([np.float64, np.float32, np.float16, np.int64, np.uint8, np.bool_, np.complex128, "U3"]),
    shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=10),
)


def _snapshot(env) -> dict[str, np.ndarray]:
    return {name: variable.read() for name, variable in env.variables.items()}


def _unchanged(before: dict[str, np.ndarray], env) -> bool:
    after = _snapshot(env)
    return before.keys() == after.keys() and all(np.array_equal(before[k], after[k]) for k in before)


def _connected_clients() -> int:
    return sum(pybullet.isConnected(physicsClientId=i) for i in range(4096))


@pytest.fixture(scope="module")
def pushing():
    env = causalworld.CausalWorldEnv("pushing")
    env.reset(seed=0)
    yield env
    env.close()


def _is_valid_action(action) -> bool:
    try:
        array = np.asarray(action)
    except (TypeError, ValueError):
        return False
    return array.dtype.kind in "iuf" and array.shape == (9,) and bool(np.isfinite(array.astype(np.float64)).all())


@FUZZ
@given(action=st.one_of(ARRAYS, NESTED, st.lists(st.floats(), min_size=9, max_size=9)))
def test_fuzz_actions_are_refused_with_action_error_or_stepped(pushing, action):
    before, step_count = _snapshot(pushing), pushing._step_count
    if _is_valid_action(action):
        observation = pushing.step(action)[0]
        assert pushing.observation_space.contains(observation)
        pushing.reset(seed=0)
        return
    with pytest.raises(ActionError) as error:
        pushing.step(action)
    assert "action space" in str(error.value) and "joint_positions" in str(error.value)
    assert _unchanged(before, pushing) and pushing._step_count == step_count


def test_finite_out_of_range_actions_are_clipped_and_refusals_name_the_space(pushing):
    pushing.reset(seed=0)
    clipped = pushing.step(np.full(9, -1e300))[0]
    pushing.reset(seed=0)
    assert np.array_equal(clipped, pushing.step(-np.ones(9))[0])
    with pytest.raises(ActionError, match=r"Box of shape \(9,\).*normalized to \[-1, 1\].*got shape \(3,\)"):
        pushing.step(np.zeros(3))
    with pytest.raises(ActionError, match="complex128"):
        pushing.step(np.zeros(9, dtype=np.complex128))
    with pytest.raises(ActionError, match="integers or floats"):
        pushing.step(["0.1"] * 9)
    pushing.reset(seed=0)


@FUZZ
@given(data=st.data())
def test_fuzz_malformed_intervention_values_are_refused_and_change_nothing(pushing, data):
    name = data.draw(st.sampled_from(sorted(n for n, v in pushing.variables.items() if v.settable)))
    variable = pushing.variables[name]
    wrong_shape = hnp.arrays(np.float64, hnp.array_shapes(min_dims=0, max_dims=2, max_side=6)).filter(
        lambda a: a.shape != variable.shape)
    non_finite = hnp.arrays(np.float64, variable.shape, elements=st.sampled_from([np.nan, np.inf, -np.inf]))
    wrong_type = hnp.arrays(st.sampled_from([np.bool_, np.complex128, "U4", object]), variable.shape)
    value = data.draw(st.one_of(wrong_shape, non_finite, wrong_type, st.none(), st.text(max_size=5),
                                st.booleans(), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2)))
    before = _snapshot(pushing)
    nested = data.draw(st.booleans()) and "." in name
    intervention = {name.split(".")[0]: {name.split(".", 1)[1]: value}} if nested else {name: value}
    with pytest.raises(InterventionError) as error:
        pushing.do_intervention(intervention)
    assert name.split(".")[0] in str(error.value) or "empty" in str(error.value)
    assert _unchanged(before, pushing)


@FUZZ
@given(intervention=st.one_of(
    st.lists(st.integers(), max_size=3), st.text(max_size=5), st.integers(), st.none(),
    st.dictionaries(st.one_of(st.integers(), st.none(), st.tuples(st.text(max_size=2))), st.floats(), min_size=1),
    st.dictionaries(st.text(max_size=12).filter(lambda k: k not in ("floor_friction", "stage_friction")),
                    st.floats(0, 1), min_size=1, max_size=3),
    st.dictionaries(st.just("tool_block"), st.dictionaries(st.text(max_size=6), NESTED, max_size=2), min_size=1),
))
def test_fuzz_malformed_intervention_structures_are_refused(pushing, intervention):
    before = _snapshot(pushing)
    with pytest.raises(InterventionError):
        pushing.do_intervention(intervention)
    assert _unchanged(before, pushing)


CHEAP_TASKS = ("reaching", "pushing", "picking", "towers")


@SLOW_FUZZ
@given(data=st.data())
def test_fuzz_task_kwargs_give_type_or_value_errors_and_leak_nothing(data):
    task = data.draw(st.sampled_from(CHEAP_TASKS))
    names = sorted({**SHARED_DEFAULTS, **TASKS[task].defaults})
    name = data.draw(st.one_of(st.sampled_from(names), st.text(min_size=1, max_size=10)))
    value = data.draw(st.one_of(NESTED, ARRAYS))
    clients = _connected_clients()
    try:
        env = causalworld.CausalWorldEnv(task, **{name: value})
    except (TypeError, ValueError) as error:
        message = str(error)
        assert name in message or task in message, message
    else:
        env.reset(seed=0)
        env.step(np.zeros(9))
        env.close()
    assert _connected_clients() == clients


GYM_VALUES = {
    "observation_mode": st.one_of(st.sampled_from(["structured", "pixels", "", "STRUCTURED"]), NESTED),
    "action_mode": st.one_of(st.sampled_from(["joint_torques", "velocity", ""]), NESTED),
    "skip_frame": st.one_of(st.integers(-3, 12), NESTED),
    "normalize_actions": st.one_of(st.booleans(), NESTED),
    "normalize_observations": st.one_of(st.booleans(), NESTED),
    "max_episode_length": st.one_of(st.none(), st.integers(-3, 500), NESTED),
    "render_mode": st.one_of(st.sampled_from([None, "rgb_array", "ansi", "depth_array"]), NESTED),
    "scale_reward_by_dt": st.one_of(st.booleans(), NESTED),
    "extended_spaces": st.one_of(st.booleans(), NESTED),
    "add_ground_truth_state_to_info": st.one_of(st.booleans(), NESTED),
    "expose_potential_partial_solution": st.one_of(st.booleans(), NESTED),
    "robot": st.one_of(st.sampled_from(["trifinger_edu", "trifinger_pro", "trifinger_max", ""]), NESTED),
}
"""Values for the environment's own kwargs ("human" excluded: it would open a window)."""


@SLOW_FUZZ
@given(data=st.data())
def test_fuzz_gymnasium_kwargs_give_type_or_value_errors_and_leak_nothing(data):
    env_id = data.draw(st.sampled_from(["CausalWorld-Reaching", "CausalWorld-Pushing"]))
    names = data.draw(st.lists(st.sampled_from(sorted(GYM_VALUES)), min_size=1, max_size=3, unique=True))
    kwargs = {name: data.draw(GYM_VALUES[name]) for name in names}
    if kwargs.get("render_mode") == "human":
        kwargs["render_mode"] = None
    clients = _connected_clients()
    make = gym.make
    if not isinstance(kwargs.get("render_mode"), (str, type(None))):  # gym.make itself fails on those

        def make(env_id, **kwargs):
            return causalworld.CausalWorldEnv(**causalworld.ENV_IDS[env_id], **kwargs)

    try:
        env = make(env_id, **kwargs)
    except (TypeError, ValueError) as error:
        assert any(name in str(error) for name in kwargs), str(error)
    else:
        env.reset(seed=0)
        env.close()
    assert _connected_clients() == clients


def test_every_environment_argument_is_covered_by_the_fuzzer():
    own = set(GYM_VALUES)
    assert own <= set(ENV_KWARGS)
    assert set(ENV_KWARGS) - own <= {"camera_indices", "renderer"}  # pixel-mode arguments, tested with pixels


@pytest.mark.parametrize(
    "kwargs, error, fragment",
    [
        ({"normalize_actions": "no"}, TypeError, "normalize_actions"),
        ({"scale_reward_by_dt": None}, TypeError, "scale_reward_by_dt"),
        ({"action_mode": ["joint_positions"]}, ValueError, "action_mode"),
        ({"tool_block_mass": True}, TypeError, "tool_block_mass"),
        ({"tool_block_mass": "0.1"}, TypeError, "tool_block_mass"),
        ({"tool_block_mass": 10**400}, TypeError, "tool_block_mass"),
        ({"fractional_reward_weight": [1.0]}, TypeError, "fractional_reward_weight"),
        ({"tool_block_position": [0.0, "a", 0.1]}, TypeError, "tool_block_position"),
        ({"tool_block_position": [0.0, float("nan"), 0.1]}, ValueError, "tool_block_position"),
        ({"variables_space": 3}, TypeError, "variables_space"),
        ({"activate_sparse_reward": 1}, TypeError, "activate_sparse_reward"),
        ({"tool_blok_mass": 0.1}, TypeError, "did you mean ['tool_block_mass'"),
    ],
)
def test_bad_arguments_get_specific_errors_naming_them(kwargs, error, fragment):
    clients = _connected_clients()
    with pytest.raises(error) as raised:
        causalworld.CausalWorldEnv("pushing", **kwargs)
    assert fragment in str(raised.value)
    assert _connected_clients() == clients


def test_unknown_task_of_the_wrong_type_is_a_value_error():
    with pytest.raises(ValueError, match="available tasks"):
        causalworld.CausalWorldEnv(["pushing"])
    with pytest.raises(ValueError, match="did you mean"):
        causalworld.CausalWorldEnv("pushin")


def test_reaching_refuses_more_obstacles_than_observation_slots_even_unchecked():
    env = causalworld.CausalWorldEnv("reaching", max_obstacles=3)
    env.reset(seed=0)
    before = _snapshot(env)
    for count, checked in ((8, False), (4, True)):  # 4 lies in the original's space [1, 5]: refused all the same
        result = env.do_intervention({"number_of_obstacles": count}, check_bounds=checked)
        assert not result.success and "max_obstacles=3" in result.reasons[0]
        assert _unchanged(before, env)
    env.close()
