"""Curriculum schedules and the CurriculumWrapper: firing, persistence, redraws, seeding."""

from __future__ import annotations

import json

import gymnasium as gym
import numpy as np
import pytest

import causalworld  # noqa: F401
from causalworld.actors import GoalActor, InterventionActor, VisualActor
from causalworld.actors.curriculum import Curriculum
from causalworld.wrappers import CurriculumWrapper

TUTORIAL_ACTIVES = [(5, 10, 1, 0), (10, 20, 2, 0), (20, 25, 1, 0), (25, 30, 1, 50)]


class Constant(InterventionActor):
    """Test actor: always the same intervention (it ignores its generator)."""

    type_name = "constant_test_only"

    def __init__(self, intervention, seed=None):
        self.intervention = intervention
        super().__init__(seed)

    def _act(self, variables):
        return self.intervention


class FailsFirst(InterventionActor):
    """Test actor: ``failures`` out-of-bounds floor frictions, then a valid one."""

    type_name = "fails_first_test_only"

    def __init__(self, failures, seed=None):
        self.failures = failures
        self.calls = 0
        super().__init__(seed)

    def _act(self, variables):
        self.calls += 1
        return {"floor_friction": 5.0 if self.calls <= self.failures else 0.45}


def test_firing_schedule_matches_the_stated_semantics():
    curriculum = Curriculum([Constant({}) for _ in TUTORIAL_ACTIVES], TUTORIAL_ACTIVES)
    fired = {i: [] for i in range(4)}
    for episode in range(40):
        for step in (0, 1, 50, 51):
            for actor in curriculum.firing(episode, step):
                fired[curriculum.actors.index(actor)].append((episode, step))
    assert fired[0] == [(e, 0) for e in range(5, 11)]
    assert fired[1] == [(e, 0) for e in (10, 12, 14, 16, 18, 20)]
    assert fired[2] == [(e, 0) for e in range(20, 26)]
    assert fired[3] == [(e, 50) for e in range(25, 31)]


def test_later_actors_override_earlier_ones_variable_by_variable():
    curriculum = Curriculum(
        [Constant({"tool_block": {"mass": 0.02, "friction": 0.7}}), Constant({"tool_block": {"mass": 0.03}})],
        [(0, 5, 1, 0), (1, 5, 1, 0)],
    )
    variables = {"tool_block": {"mass": (0, 1), "friction": (0, 1)}}
    assert curriculum.get_interventions(0, 0, variables) == {"tool_block": {"mass": 0.02, "friction": 0.7}}
    assert curriculum.get_interventions(1, 0, variables) == {"tool_block": {"mass": 0.03, "friction": 0.7}}
    assert curriculum.get_interventions(6, 0, variables) is None


def test_params_round_trip_and_baseline_style_schedules():
    curriculum = Curriculum([GoalActor(seed=1), VisualActor(seed=2)], [(0, 1e9, 1, 0), (3, 8, 2, 4)])
    params = json.loads(json.dumps(curriculum.to_params()))
    assert params["actives"] == [[0, 1_000_000_000, 1, 0], [3, 8, 2, 4]]
    rebuilt = Curriculum.from_params(params)
    assert rebuilt.to_params() == curriculum.to_params()


@pytest.mark.parametrize(
    ("actives", "match"),
    [
        ([(0, 5, 1)], r"actives\[0\] must be"),
        ([(5, 2, 1, 0)], "episode_end 2 is before episode_start 5"),
        ([(0, 5, 0, 0)], "periodicity must be a whole number >= 1"),
        ([(0, 5, 1, -1)], "time_step must be a whole number >= 0"),
        ([(0, 5.5, 1, 0)], "episode_end"),
        ([(0, 5, 1, 0), (0, 5, 1, 0)], "one active schedule per actor"),
    ],
)
def test_bad_schedules_raise_clear_errors(actives, match):
    with pytest.raises(ValueError, match=match):
        Curriculum([VisualActor()], actives)


def goal_of(info):
    return np.asarray(info["desired_goal"]).copy()


def test_starting_state_interventions_persist_and_follow_the_periodicity():
    env = CurriculumWrapper(gym.make("CausalWorld-Pushing", max_episode_length=5), [GoalActor()], [(0, 10, 2, 0)],
                            seed=0)
    default = goal_of(env.unwrapped.reset(seed=0)[1])
    goals, reports = [], []
    for _ in range(5):
        _, info = env.reset()
        goals.append(goal_of(info))
        reports.append(info["curriculum"])
        for _ in range(5):
            env.step(env.action_space.sample())
    assert [r["applied"] for r in reports] == [True, None, True, None, True]
    assert [r["episode"] for r in reports] == [0, 1, 2, 3, 4]
    assert not np.allclose(goals[0], default)
    assert np.array_equal(goals[1], goals[0]) and np.array_equal(goals[3], goals[2])
    assert not np.allclose(goals[2], goals[1]) and not np.allclose(goals[4], goals[3])
    env.close()


def test_in_episode_interventions_fire_at_that_step_of_every_episode_and_do_not_persist():
    env = CurriculumWrapper(gym.make("CausalWorld-Pushing", max_episode_length=6), [VisualActor()], [(1, 3, 1, 2)],
                            seed=0)
    floor = env.unwrapped.variables["floor_color"]
    default = floor.read()
    fired = []
    for episode in range(5):
        env.reset()
        assert np.array_equal(floor.read(), default), "an in-episode intervention persisted"
        for step in range(1, 7):
            obs, _, _, _, info = env.step(np.zeros(9, np.float32))
            assert info["curriculum"]["time_step"] == step
            if info["curriculum"]["applied"]:
                fired.append((episode, step))
                assert not np.array_equal(floor.read(), default)
    assert fired == [(1, 2), (2, 2), (3, 2)]
    env.close()


def test_in_episode_intervention_returns_the_observation_after_it():
    env = CurriculumWrapper(
        gym.make("CausalWorld-Pushing", max_episode_length=4),
        [Constant({"tool_block": {"cylindrical_position": (0.05, 0.0, 0.0325)}})], [(0, 0, 1, 1)], seed=0,
    )
    env.reset()
    obs, _, _, _, info = env.step(np.zeros(9, np.float32))
    assert info["curriculum"]["applied"] is True
    cw = env.unwrapped
    position = cw.denormalize_observation(obs)[cw.layout.index("tool_block_cartesian_position")]
    np.testing.assert_allclose(position, (0.05, 0.0, 0.0325), atol=1e-4)
    env.close()


@pytest.mark.parametrize(("failures", "applied", "redraws", "skipped"), [(2, True, 2, 0), (9, False, 6, 1)])
def test_refused_draws_are_redrawn_then_skipped_and_counted(failures, applied, redraws, skipped):
    actor = FailsFirst(failures)
    env = CurriculumWrapper(gym.make("CausalWorld-Pushing", max_episode_length=3), [actor], [(0, 0, 1, 0)],
                            max_redraws=5)
    before = env.unwrapped.variables["floor_friction"].read()
    _, info = env.reset(seed=0)
    assert info["curriculum"] == {"episode": 0, "time_step": 0, "applied": applied, "redraws": redraws,
                                  "skipped": skipped}
    assert actor.calls == min(failures + 1, 6)
    expected = 0.45 if applied else before
    assert env.unwrapped.variables["floor_friction"].read() == pytest.approx(expected)
    env.close()


def test_the_same_seed_gives_the_same_curriculum():
    def goals(seed):
        env = CurriculumWrapper(gym.make("CausalWorld-Pushing", max_episode_length=2), [GoalActor()],
                                [(0, 10, 1, 0)])
        out = [goal_of(env.reset(seed=seed)[1])] + [goal_of(env.reset()[1]) for _ in range(2)]
        env.close()
        return np.array(out)

    assert np.array_equal(goals(3), goals(3))
    assert not np.allclose(goals(3), goals(4))


def test_the_wrapper_shows_in_the_spec_and_rebuilds_from_it():
    env = CurriculumWrapper(gym.make("CausalWorld-Pushing", max_episode_length=2), [GoalActor(), VisualActor()],
                            [(0, 10, 2, 0), (0, 10, 1, 1)], seed=5)
    spec = env.spec.additional_wrappers[-1]
    assert spec.name == "CurriculumWrapper"
    assert spec.kwargs["actives"] == [[0, 10, 2, 0], [0, 10, 1, 1]]
    rebuilt = gym.make(env.spec)
    assert isinstance(rebuilt, CurriculumWrapper)
    np.testing.assert_array_equal(goal_of(rebuilt.reset()[1]), goal_of(env.reset()[1]))
    env.close()
    rebuilt.close()


def test_bad_wrapper_arguments_raise():
    base = gym.make("CausalWorld-Pushing", max_episode_length=2)
    with pytest.raises(ValueError, match="max_redraws"):
        CurriculumWrapper(base, [VisualActor()], [(0, 1, 1, 0)], max_redraws=-1)
    with pytest.raises(ValueError, match="actors"):
        CurriculumWrapper(base, VisualActor(), [(0, 1, 1, 0)])
    base.close()


def test_a_seeded_reset_makes_task_variable_randomness_reproducible():
    def first_observation():
        env = CurriculumWrapper(gym.make("CausalWorld-Reaching", max_obstacles=3),
                                [Constant({"number_of_obstacles": 3})], [(0, 0, 1, 0)])
        obs, info = env.reset(seed=5)
        env.close()
        assert info["curriculum"]["applied"] is True
        return obs

    first, second = first_observation(), first_observation()
    np.testing.assert_array_equal(first, second)
