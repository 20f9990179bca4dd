"""causalworld.planning: the simulator model, CEM and the MPC agent."""

from __future__ import annotations

import numpy as np
import pytest

from causalworld.evaluation.agents import build_agent
from causalworld.planning import MPC_DEFAULTS, CrossEntropyMethod, MPCAgent, SimulatorModel, parse_mpc_spec


@pytest.fixture
def pushing(make_env):
    env = make_env("pushing", skip_frame=10)
    env.reset(seed=0)
    rng = np.random.default_rng(1)
    for _ in range(10):
        env.step(rng.uniform(-1, 1, 9).astype(np.float32))
    return env


def test_model_rollouts_are_what_the_env_does(pushing):
    sequences = np.random.default_rng(2).uniform(-1, 1, (5, 3, 9)).astype(np.float32)
    snapshot = pushing.get_state()
    with SimulatorModel.of(pushing, action_repeat=2) as model:
        result = model.rollout(snapshot, sequences)
        again = model.rollout(snapshot, sequences[::-1])
    assert result.env_steps == 6
    returns, areas = [], []
    for sequence in sequences:
        pushing.set_state(snapshot)
        rewards = [pushing.step(a)[1] for a in np.repeat(sequence, 2, axis=0)]
        returns.append(sum(rewards))
        areas.append(sum(np.cumsum(rewards)))
    np.testing.assert_allclose(result.returns, returns, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(result.return_areas, areas, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(again.returns[::-1], result.returns, rtol=1e-9, atol=1e-12)
    assert result.final_fractional_success.shape == (5,)


def test_workers_share_a_batch_and_agree_with_one_process(pushing):
    sequences = np.random.default_rng(3).uniform(-1, 1, (6, 2, 9)).astype(np.float32)
    snapshot = pushing.get_state()
    with SimulatorModel.of(pushing, action_repeat=2) as local, SimulatorModel.of(pushing, 2, workers=2) as pool:
        pooled, alone = pool.rollout(snapshot, sequences), local.rollout(snapshot, sequences)
    np.testing.assert_allclose(pooled.returns, alone.returns, rtol=1e-9, atol=1e-12)


def test_rollouts_stop_at_the_end_of_the_episode(make_env):
    env = make_env("pushing", max_episode_length=4)
    env.reset(seed=0)
    env.step(env.action_space.sample())
    with SimulatorModel.of(env) as model:
        assert model.rollout(env.get_state(), np.zeros((2, 10, 9), np.float32)).env_steps == 3
        with pytest.raises(ValueError, match="shape"):
            model.rollout(env.get_state(), np.zeros((10, 9)))
    with pytest.raises(ValueError, match="reward_kwargs"):
        SimulatorModel.of(env, reward_kwargs={"tool_block_mass": 1.0})


def test_cem_plans_within_bounds_reproducibly(pushing):
    with SimulatorModel.of(pushing, action_repeat=2) as model:
        plans = []
        for _ in range(2):
            cem = CrossEntropyMethod(model, 3, 8, 2, 2, pushing.action_space.low, pushing.action_space.high, 0.3,
                                     seed=5, objective="return_area")
            plans.append(cem.plan(pushing.get_state()))
    first, second = plans
    assert first.actions.shape == first.mean.shape == (3, 9)
    assert first.rollouts == 16 and first.iterations == 2
    assert np.all(first.actions >= -1) and np.all(first.actions <= 1)
    np.testing.assert_array_equal(first.actions, second.actions)
    with pytest.raises(ValueError, match="elites"):
        CrossEntropyMethod(model, 3, 4, 5, 1, -np.ones(9), np.ones(9))
    with pytest.raises(ValueError, match="objective"):
        CrossEntropyMethod(model, 3, 4, 2, 1, -np.ones(9), np.ones(9), objective="fun")


def test_mpc_settings_from_agent_names():
    assert parse_mpc_spec("mpc") == {}
    assert parse_mpc_spec("mpc:horizon=3, population=16,initial_std=0.2") == {
        "horizon": 3, "population": 16, "initial_std": 0.2}
    for bad in ("mpc:horizon", "mpc:speed=3", "mpc:horizon=three", "random"):
        with pytest.raises(ValueError):
            parse_mpc_spec(bad)
    assert set(MPC_DEFAULTS) >= {"horizon", "population", "elites", "iterations", "workers"}


def test_mpc_agent_acts_in_bounds_and_replans_on_schedule(make_env):
    actions = []
    for _ in range(2):
        env = make_env("pushing", max_episode_length=20)
        agent = build_agent("mpc:horizon=2,action_repeat=2,population=6,elites=2,iterations=1,replan_every=3", env)
        assert isinstance(agent.agent, MPCAgent) and agent.owned
        obs, _ = env.reset(seed=0)
        agent.reset(seed=4)
        taken = []
        for _ in range(7):
            action = agent.act(obs)
            assert env.action_space.contains(action)
            taken.append(action)
            obs = env.step(action)[0]
        assert agent.agent.plans == 3  # steps 0, 3 and 6
        agent.close()
        actions.append(np.array(taken))
    np.testing.assert_array_equal(actions[0], actions[1])
    with pytest.raises(ValueError, match="replan_every"):
        MPCAgent(make_env("pushing"), horizon=2, action_repeat=2, replan_every=5)


@pytest.mark.slow
def test_mpc_pushes_the_block_towards_the_goal(make_env):
    env = make_env("pushing")
    agent = MPCAgent(env)
    obs, _ = env.reset(seed=0)
    agent.reset(seed=0)
    goal = np.array(env.stage.silhouettes["goal_block"].position)

    def distance():
        return float(np.linalg.norm(np.array(env.stage.blocks["tool_block"].read_state().position) - goal))

    start = distance()
    for _ in range(60):
        obs = env.step(agent(obs))[0]
    agent.close()
    assert distance() < start - 0.03
