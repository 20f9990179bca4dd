"""Faults and long runs: physics blow-ups, dying workers, leaks, and a short soak (issue 9)."""

from __future__ import annotations

import importlib.util
import math
import multiprocessing
import os
import pathlib
import signal
import time
from types import SimpleNamespace

import gymnasium as gym
import numpy as np
import pybullet
import pytest

import causalworld
from causalworld.env.health import WARNING_KEY, guard_step
from causalworld.env.vector import WatchedAsyncVectorEnv, WorkerDiedError, make_vector_env
from causalworld.sim.health import physics_problems
from causalworld.sim.objects import BlockState

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _soak_module():
    spec = importlib.util.spec_from_file_location("soak", ROOT / "benchmarks" / "soak.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _state(position=(0.0, 0.0, 0.03), velocity=(0.0, 0.0, 0.0), spin=(0.0, 0.0, 0.0), joint_speed=0.0):
    block = BlockState(tuple(position), (0.0, 0.0, 0.0, 1.0), tuple(velocity), tuple(spin))
    return SimpleNamespace(joint_positions=[0.0] * 9, joint_velocities=[joint_speed] + [0.0] * 8,
                           blocks={"tool_block": block})


@pytest.mark.parametrize(
    "state, fragment",
    [
        (_state(), None),
        (_state(position=(0.0, 0.0, -0.02)), "through the floor"),
        (_state(position=(0.3, 0.1, 0.03)), "out of the arena"),
        (_state(position=(0.0, 0.0, 3.0)), "above the floor"),
        (_state(velocity=(0.0, 12.0, 0.0)), "moves at 12 m/s"),
        (_state(spin=(0.0, 0.0, 500.0)), "spins at 500 rad/s"),
        (_state(position=(math.nan, 0.0, 0.03)), "not finite"),
        (_state(joint_speed=math.inf), "robot joint state is not finite"),
        (_state(joint_speed=150.0), "robot joint moves at 150 rad/s"),
    ],
)
def test_physics_problems_are_described(state, fragment):
    problems = physics_problems(state)
    assert (problems == []) if fragment is None else any(fragment in p for p in problems), problems


def test_guard_step_repairs_non_finite_observations_and_rewards():
    space = gym.spaces.Box(-1.0, 1.0, (4,), np.float32)
    info = {}
    observation, reward = guard_step(_state(), np.array([np.nan, np.inf, -np.inf, 0.5], np.float32), math.nan,
                                     info, space)
    assert observation.tolist() == [0.0, 1.0, -1.0, 0.5] and observation.dtype == np.float32
    assert reward == 0.0 and "non-finite" in info[WARNING_KEY] and "reward was nan" in info[WARNING_KEY]
    clean = {}
    guard_step(_state(), np.zeros(4, np.float32), 1.0, clean, space)
    assert WARNING_KEY not in clean


def test_a_block_fired_through_the_wall_is_reported_and_observations_stay_in_the_space():
    env = causalworld.CausalWorldEnv("pushing")
    env.reset(seed=0)
    assert env.do_intervention({"tool_block": {"linear_velocity": [30.0, 0.0, 5.0]}}, check_bounds=False).success
    observation, _, _, _, info = env.step(np.zeros(9))
    assert "out of the arena" in info[WARNING_KEY] and "moves at" in info[WARNING_KEY]
    assert env.observation_space.contains(observation)
    env.reset(seed=0)
    assert WARNING_KEY not in env.step(np.zeros(9))[4]
    env.close()


def test_a_nan_in_the_simulation_never_reaches_the_observation():
    env = causalworld.CausalWorldEnv("pushing")
    env.reset(seed=0)
    body = env.stage.blocks["tool_block"].body  # inject the fault below the API, as a diverged solver would
    pybullet.resetBaseVelocity(body, [math.nan] * 3, [0.0] * 3, physicsClientId=env.world.client)
    observation, reward, _, _, info = env.step(np.zeros(9))
    assert np.isfinite(observation).all() and env.observation_space.contains(observation)
    assert math.isfinite(reward) and "not finite" in info[WARNING_KEY]
    observation, _ = env.reset(seed=0)
    _, reward, _, _, info = env.step(np.zeros(9))
    assert WARNING_KEY not in info and math.isfinite(reward)
    env.close()


@pytest.mark.parametrize("task", ["pushing", "towers"])
def test_maximum_torques_never_push_a_block_through_the_floor_or_the_wall(task):
    env = causalworld.CausalWorldEnv(task, action_mode="joint_torques")
    env.reset(seed=0)
    rng = np.random.default_rng(0)
    for step in range(600):
        action = rng.choice([-1.0, 1.0], size=9) if (step // 50) % 2 == 0 else rng.uniform(-1.0, 1.0, size=9)
        info = env.step(action)[4]
        assert WARNING_KEY not in info, (step, info[WARNING_KEY])
        assert physics_problems(env._read_state()) == []
    env.close()


class DieOnStep(gym.Wrapper):
    """Ends its worker process abruptly (as a segfault or the OOM killer would) on the given step."""

    def __init__(self, env: gym.Env, die_at: int = 2) -> None:
        super().__init__(env)
        self.steps, self.die_at = 0, die_at

    def step(self, action):
        self.steps += 1
        if self.steps >= self.die_at:
            os._exit(7)
        return self.env.step(action)


def _healthy():
    return gym.make("CausalWorld-Reaching")


def _dying():
    return DieOnStep(gym.make("CausalWorld-Reaching"))


def test_a_dead_worker_is_named_not_a_hang():
    envs = WatchedAsyncVectorEnv([_healthy, _dying])
    try:
        envs.reset(seed=0)
        start = time.monotonic()
        with pytest.raises(WorkerDiedError, match=r"worker 1 \(pid \d+, exit code 7\) died"):
            for _ in range(3):
                envs.step_async(envs.action_space.sample())
                envs.step_wait(timeout=60)
        assert time.monotonic() - start < 30
    finally:
        envs.close()
    assert all(not process.is_alive() for process in envs.processes)


def test_a_killed_worker_is_named_and_a_hung_one_times_out():
    envs = make_vector_env("CausalWorld-Reaching", num_envs=2)
    try:
        envs.reset(seed=0)
        os.kill(envs.processes[0].pid, signal.SIGSTOP)  # hung: the timeout reports it
        envs.step_async(envs.action_space.sample())
        with pytest.raises(multiprocessing.TimeoutError):
            envs.step_wait(timeout=1.0)
        os.kill(envs.processes[0].pid, signal.SIGKILL)  # then dead: named with its signal
        envs.processes[0].join(timeout=10)
        with pytest.raises(WorkerDiedError, match="worker 0 .*killed by signal 9"):
            envs.step_async(envs.action_space.sample())
            envs.step_wait(timeout=30)
    finally:
        envs.close()
    assert all(not process.is_alive() for process in envs.processes)


def test_short_soak_has_no_exceptions_and_no_client_leak():
    soak = _soak_module()
    result = soak.soak(3000, 1000, soak.SOAK_TASKS[:4], seed=1)
    assert result["counts"].get("exceptions", 0) == 0, result["errors"]
    assert result["clients_open_after_close"] == 0 and result["clients_open_during"] == 4
    assert result["counts"]["interventions_ok"] + result["counts"].get("interventions_refused", 0) > 40
    assert result["rss_end_mb"] - result["rss_start_mb"] < 50


def test_50_create_step_close_cycles_leak_no_clients_and_no_file_descriptors():
    result = _soak_module().cycles(50)
    assert result["leaked_clients"] == 0 and result["fd_growth"] <= 0


def test_short_fuzz_pass_of_the_soak_script_finds_nothing():
    result = _soak_module().fuzz(60, seed=2)
    assert result["wrong_count"] == 0, result["wrong"]
    assert result["env_unchanged"] and sum(result["inputs"].values()) > 300
