"""Property-based: random valid and invalid intervention dicts against every task."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import causalworld
from causalworld import InterventionError

TASK_NAMES = sorted(causalworld.TASKS)
_ENVS: dict[str, causalworld.CausalWorldEnv] = {}


def _env(task):
    if task not in _ENVS:
        _ENVS[task] = causalworld.CausalWorldEnv(task, normalize_observations=False)
    env = _ENVS[task]
    env.reset(seed=0)
    return env


@pytest.fixture(scope="module", autouse=True)
def _close_envs():
    yield
    for env in _ENVS.values():
        env.close()
    _ENVS.clear()


def _flat_state(env):
    return {name: var.read() for name, var in env.variables.items()}


def _same(a, b):
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


@st.composite
def interventions(draw, env):
    names = sorted(v.name for v in env.variables.settable())
    chosen = draw(st.lists(st.sampled_from(names), min_size=1, max_size=4, unique=True))
    # one parametrization per quantity: giving two that disagree is malformed on purpose elsewhere
    canonical = {"cylindrical_position": "cartesian_position", "euler_orientation": "orientation"}
    chosen = [n for n in chosen if not (n.rpartition(".")[2] in canonical
              and f"{n.rpartition('.')[0]}.{canonical[n.rpartition('.')[2]]}" in chosen)]
    space = env.task.variables_space
    intervention, malformed = {}, False
    for name in chosen:
        var = env.variables[name]
        low, high = (np.broadcast_to(b, var.shape).astype(float) for b in var.bounds(space))
        mode = draw(st.sampled_from(["inside", "inside", "outside", "bad_shape", "nan", "text"]))
        u = np.array(draw(st.lists(st.floats(0, 1), min_size=max(1, int(np.prod(var.shape))),
                                   max_size=max(1, int(np.prod(var.shape)))))).reshape(var.shape)
        value = low + u * (high - low)
        if name.endswith(".orientation"):
            value = np.array([0.0, 0.0, np.sin(u.flat[0]), np.cos(u.flat[0])])
        if mode == "outside":
            value = high + 1.0 + u
            if name.endswith(".orientation"):  # a unit quaternion that is not a pure yaw
                value = np.array([np.sin(0.3 + u.flat[0]), 0.0, 0.0, np.cos(0.3 + u.flat[0])])
        if var.integer and mode in ("inside", "outside"):
            value = np.round(value)
        if mode == "bad_shape":
            value, malformed = np.zeros(int(np.prod(var.shape)) + 1), True
        elif mode == "nan":
            value, malformed = np.full(var.shape, np.nan), True
        elif mode == "text":
            value, malformed = "x", True
        intervention[name] = value.tolist() if isinstance(value, np.ndarray) else value
    return intervention, malformed


@pytest.mark.parametrize("task", TASK_NAMES)
@settings(max_examples=25, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_failures_change_nothing_and_successes_stay_in_bounds(task, data):
    env = _env(task)
    intervention, malformed = data.draw(interventions(env))
    before, obs = _flat_state(env), env._observe(env._read_state())
    try:
        result = env.do_intervention(intervention)
    except InterventionError:
        # a task variable may remove an object the same intervention names: refused as malformed
        regenerating = any(env.variables[n].kind == "task" for n in intervention if n in env.variables)
        assert malformed or regenerating
        assert _same(before, _flat_state(env))
        return
    assert not malformed
    if not result.success:
        assert result.reasons
        assert _same(before, _flat_state(env))
        assert np.array_equal(result.observation, obs)
    else:
        space = env.task.variables_space
        resized = {n.rpartition(".")[0] for n in intervention if n.endswith(".size")}
        for name, value in intervention.items():
            var = env.variables.get(name)
            if var is None or var.object_name in resized:
                continue  # object regenerated away, or bounds checked against its size before the change
            if not np.array_equal(np.asarray(value, dtype=float), before[name]):
                assert var.contains(np.asarray(value, dtype=float), space), name
        assert env.observation_space.contains(result.observation)
