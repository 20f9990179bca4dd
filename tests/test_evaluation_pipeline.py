"""evaluate(): determinism, local and Ray backends agreeing exactly, JSON round trip, bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest

from causalworld.evaluation import EvaluationResult, RandomPolicy, evaluate
from causalworld.evaluation.runner import episode_seeds

SMALL = {"protocols": ["P0", "P4", "P11"], "episodes": 2, "env_kwargs": {"max_episode_length": 25}}


@pytest.fixture(scope="module")
def reference():
    return evaluate("random", "pushing", seed=7, **SMALL)


def test_result_shape_and_seeds(reference):
    assert [p.name for p in reference.protocols] == ["P0", "P4", "P11"]
    for p in reference.protocols:
        assert [e.index for e in p.episodes] == [0, 1]
        assert all(e.steps == 25 for e in p.episodes)
        assert [e.seed for e in p.episodes] == [episode_seeds(7, p.name, k)[0] for k in range(2)]
    assert reference["P0"].episodes[0].intervention == {}
    assert set(reference["P4"].episodes[0].intervention) == {"tool_block.cylindrical_position"}
    scores = reference.scores()
    assert set(scores["P0"]) >= {"mean_full_integrated_fractional_success", "std_success", "mean_return"}


def test_same_seed_same_scores_other_seed_other_scores(reference):
    again = evaluate("random", "pushing", seed=7, **SMALL)
    assert again.scores() == reference.scores()
    assert again.to_dict()["protocols"] == reference.to_dict()["protocols"]
    other = evaluate("random", "pushing", seed=8, **SMALL)
    assert other.scores() != reference.scores()


def test_two_local_workers_and_ray_agree_exactly(reference):
    ray = pytest.importorskip("ray")
    local2 = evaluate("random", "pushing", seed=7, workers=2, **SMALL)
    assert local2.scores() == reference.scores()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        seen = []
        on_ray = evaluate("random", "pushing", seed=7, workers=2, backend="ray", progress=seen.append, **SMALL)
        assert ray.is_initialized()  # a Ray the caller started is left running
    finally:
        ray.shutdown()
    assert on_ray.scores() == reference.scores()
    assert on_ray.to_dict()["protocols"] == reference.to_dict()["protocols"]
    assert len(seen) == 6 and on_ray.run["backend"] == "ray"


def test_json_round_trip(reference, tmp_path):
    path = reference.save(tmp_path / "scores.json")
    loaded = EvaluationResult.load(path)
    assert loaded == reference
    assert EvaluationResult.from_json(reference.to_json()) == reference
    data = json.loads(path.read_text())
    assert data["schema"] == "causalworld.evaluation/1" and data["scores"] == reference.scores()
    assert not list(tmp_path.glob(".*.tmp"))
    (tmp_path / "bad.json").write_text('{"schema": "something else"}')
    with pytest.raises(ValueError, match="not a causalworld evaluation result"):
        EvaluationResult.load(tmp_path / "bad.json")
    (tmp_path / "broken.json").write_text("{")
    with pytest.raises(ValueError, match="not JSON"):
        EvaluationResult.load(tmp_path / "broken.json")


class _ModelLike:
    """Stands in for a stable-baselines3 model: predict(obs, deterministic) -> (action, state)."""

    def __init__(self):
        self.calls = 0

    def predict(self, observation, deterministic=False):
        self.calls += 1
        assert deterministic
        return np.zeros(9, dtype=np.float32), None


def test_agent_kinds():
    kw = {"protocols": ["P0"], "episodes": 1, "env_kwargs": {"max_episode_length": 5}}
    model = _ModelLike()
    result = evaluate(model, "pushing", **kw)
    assert model.calls == 5 and result.agent == "_ModelLike"
    seeds = []

    class Seeded:
        def reset(self, seed=None):
            seeds.append(seed)

        def __call__(self, observation):
            return np.zeros(9, dtype=np.float32)

    evaluate(Seeded(), "pushing", **kw)
    assert seeds == [episode_seeds(0, "P0", 0)[1]]
    plain = evaluate(lambda obs: np.zeros(9, dtype=np.float32), "pushing", agent_label="zeros", **kw)
    assert plain.agent == "zeros"
    policy = RandomPolicy(type("Space", (), {"low": -np.ones(2), "high": np.ones(2), "dtype": np.float32})())
    policy.reset(seed=1)
    first = policy(None)
    policy.reset(seed=1)
    assert np.array_equal(first, policy(None))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"task": "juggling"}, ValueError, "unknown task"),
        ({"episodes": 0}, ValueError, "episodes must be an integer >= 1"),
        ({"workers": 0}, ValueError, "workers"),
        ({"seed": -1}, ValueError, "seed"),
        ({"backend": "dask"}, ValueError, "backend must be one of"),
        ({"protocols": ["P99"]}, ValueError, "unknown protocol"),
        ({"env_kwargs": {"max_episode_length": object()}}, ValueError, "JSON-able"),
        ({"agent": "/nonexistent/model.zip"}, FileNotFoundError, "not found"),
        ({"agent": "telepathic"}, ValueError, "unknown agent"),
        ({"agent": 42}, TypeError, "callable"),
    ],
)
def test_bad_input_is_refused(kwargs, error, match, tmp_path):
    arguments = {"agent": "random", "task": "pushing", "protocols": ["P0"], "episodes": 1,
                 "env_kwargs": {"max_episode_length": 3}}
    arguments.update(kwargs)
    with pytest.raises(error, match=match):
        evaluate(**arguments)


def test_a_file_that_is_not_a_model_is_refused(tmp_path):
    path = tmp_path / "model.zip"
    path.write_text("not a zip")
    with pytest.raises(ValueError, match="not a .zip file"):
        evaluate(str(path), "pushing", protocols=["P0"], episodes=1, env_kwargs={"max_episode_length": 3})


def test_a_plain_stable_baselines3_zip_needs_the_trust_flag(tmp_path, make_env):
    """A zip saved by SB3 itself (no config.json) cannot be rebuilt safely: refused unless trusted."""
    sb3 = pytest.importorskip("stable_baselines3")
    from causalworld.baselines.model_files import ModelFileError, load_sb3_model

    env = make_env("pushing", max_episode_length=5)
    sb3.SAC("MlpPolicy", env, learning_starts=0, buffer_size=10, seed=0).save(tmp_path / "sac.zip")
    with pytest.raises(ModelFileError, match="no config.json beside it.*--trust-model-file"):
        load_sb3_model(tmp_path / "sac.zip")
    with pytest.raises(ModelFileError, match="no config.json"):
        evaluate(str(tmp_path / "sac.zip"), "pushing", protocols=["P0"], episodes=1)
    with pytest.warns(UserWarning, match="unpickling loader"):
        assert type(load_sb3_model(tmp_path / "sac.zip", trust_model_file=True)).__name__ == "SAC"
    with pytest.warns(UserWarning, match="unpickling loader"):
        result = evaluate(str(tmp_path / "sac.zip"), "pushing", protocols=["P0"], episodes=1,
                          env_kwargs={"max_episode_length": 5}, trust_model_file=True)
    assert result.agent == "sac.zip" and result["P0"].episodes[0].steps == 5
