"""Training configurations and short stable-baselines3 runs for every algorithm."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("stable_baselines3")
pytest.importorskip("yaml")

from causalworld import CausalWorldEnv  # noqa: E402
from causalworld.baselines.config import (  # noqa: E402
    ALGORITHMS,
    ConfigError,
    hyperparams_dir,
    load_config,
    load_file,
)
from causalworld.baselines.training import train, with_overrides  # noqa: E402
from causalworld.registration import ENV_IDS  # noqa: E402

TINY = {"policy_kwargs": {"net_arch": [16, 16]}}
TINY_BY_ALGO = {
    "ppo": {**TINY, "n_steps": 128, "batch_size": 64, "n_epochs": 1},
    "sac": {**TINY, "learning_starts": 100, "batch_size": 32, "buffer_size": 5000},
    "td3": {**TINY, "learning_starts": 100, "batch_size": 32, "buffer_size": 5000},
    "her-sac": {**TINY, "learning_starts": 100, "batch_size": 32, "buffer_size": 5000},
}


@pytest.mark.parametrize("algo", ALGORITHMS)
def test_yaml_files_parse_name_registered_ids_and_build_their_envs(algo):
    data = load_file(hyperparams_dir() / f"{algo}.yml")
    assert set(data) <= set(ENV_IDS)
    assert {"CausalWorld-Pushing", "CausalWorld-Picking", "CausalWorld-PickAndPlace", "CausalWorld-Stacking2"} <= set(
        data
    )
    for env_id in data:
        config = load_config(algo, env_id)
        env = CausalWorldEnv(ENV_IDS[env_id]["task"], **config.env_kwargs)  # dense weights match the terms
        env.close()


def test_paper_values_are_translated_to_sb3_names():
    ppo = load_config("ppo", "pushing")
    assert (ppo.n_envs, ppo.n_timesteps, ppo.checkpoint_freq) == (20, 100_000_000, 2_000_000)
    assert ppo.hyperparams["n_steps"] * ppo.n_envs == 120_000
    assert ppo.hyperparams["n_steps"] * ppo.n_envs // ppo.hyperparams["batch_size"] == 40
    assert ppo.hyperparams["policy_kwargs"] == {"net_arch": [256, 256], "activation_fn": "tanh"}
    sac = load_config("sac", "CausalWorld-Picking")
    assert (sac.hyperparams["gamma"], sac.hyperparams["tau"], sac.hyperparams["batch_size"]) == (0.95, 0.001, 256)
    assert sac.env_kwargs["dense_reward_weights"] == [250, 0, 125, 0, 750, 0, 0, 0.005]
    td3 = load_config("td3", "stacking2")
    assert (td3.hyperparams["gamma"], td3.action_noise_sigma, td3.hyperparams["buffer_size"]) == (0.96, 0.1, 500_000)
    for algo in ALGORITHMS:
        assert load_config(algo, "pick_and_place").env_kwargs["skip_frame"] == 3


def test_bad_configuration_requests_are_refused_by_name(tmp_path):
    with pytest.raises(ConfigError, match="unknown algorithm 'a2c'"):
        load_config("a2c", "pushing")
    with pytest.raises(ConfigError, match="unknown task 'juggling'"):
        load_config("ppo", "juggling")
    (tmp_path / "ppo.yml").write_text("CausalWorld-Juggling:\n  policy: MlpPolicy\n")
    with pytest.raises(ConfigError, match="not a registered ID"):
        load_config("ppo", "pushing", tmp_path)
    (tmp_path / "ppo.yml").write_text(
        "CausalWorld-Pushing:\n  policy: MlpPolicy\n  n_envs: 0\n  n_timesteps: 10\n  checkpoint_freq: 5\n"
    )
    with pytest.raises(ConfigError, match="n_envs"):
        load_config("ppo", "pushing", tmp_path)
    with pytest.raises(ConfigError, match="n_timesteps"):
        with_overrides(load_config("ppo", "pushing"), n_timesteps=-5)


@pytest.mark.parametrize("algo", ALGORITHMS)
def test_each_algorithm_trains_saves_reloads_and_evaluates(algo, tmp_path):
    config = with_overrides(
        load_config(algo, "reaching"),
        n_timesteps=600,
        n_envs=1,
        hyperparams=TINY_BY_ALGO[algo],
        env_kwargs={"max_episode_length": 50},
    )
    curriculum = "goal" if algo in ("sac", "her-sac") else "none"
    run = train(config, tmp_path, curriculum=curriculum, seed=3, eval_freq=300, eval_episodes=2, progress=False)
    assert run.model_path.is_file()
    saved = json.loads((tmp_path / "config.json").read_text())
    assert saved["algo"] == algo and saved["curriculum"] == curriculum and saved["num_timesteps"] >= 600
    history = json.loads((tmp_path / "evaluations.json").read_text())
    assert [entry["timesteps"] for entry in history] == sorted({entry["timesteps"] for entry in history})
    assert len(history) >= 2 and all(0.0 <= entry["success_rate"] <= 1.0 for entry in history)
    assert (tmp_path / "learning_curve.png").stat().st_size > 0
    assert any((tmp_path / "checkpoints").iterdir()) or config.checkpoint_freq > 600
    _safe_loader_acts_as_stable_baselines3(run.model_path, algo)
    checkpoint = tmp_path / "checkpoints" / "model_copy_steps.zip"  # a checkpoint finds the run's config.json
    checkpoint.parent.mkdir(exist_ok=True)
    checkpoint.write_bytes(run.model_path.read_bytes())
    from causalworld.baselines.model_files import load_sb3_model

    assert type(load_sb3_model(checkpoint).policy) is type(load_sb3_model(run.model_path).policy)
    from causalworld.evaluation import evaluate

    result = evaluate(str(run.model_path), "reaching", protocols=["P0"], episodes=1,
                      env_kwargs={"max_episode_length": 20})
    assert result.env_kwargs["skip_frame"] == 3 and result.env_kwargs["max_episode_length"] == 20
    assert result.protocols[0].episodes[0].steps == 20


def _safe_loader_acts_as_stable_baselines3(path, algo: str) -> None:
    """The safe loader's deterministic actions equal SB3's own ``predict`` (its unpickling load of our own file)."""
    import numpy as np
    import stable_baselines3 as sb3

    from causalworld.baselines.model_files import SafeModel, load_sb3_model

    safe = load_sb3_model(path)
    assert isinstance(safe, SafeModel) and safe.algorithm == {"her-sac": "SAC"}.get(algo, algo.upper())
    reference = getattr(sb3, safe.algorithm).load(
        path, device="cpu", custom_objects={"replay_buffer_class": None, "replay_buffer_kwargs": {}}
    )
    space = safe.observation_space
    space.seed(5)
    observations = [space.sample() for _ in range(16)]
    for observation in observations:
        ours, _ = safe.predict(observation, deterministic=True)
        theirs, _ = reference.predict(observation, deterministic=True)
        assert ours.dtype == theirs.dtype and np.array_equal(ours, theirs)
    if not isinstance(observations[0], dict):  # a batch, too
        batch = np.stack(observations)
        ours, theirs = safe.predict(batch, deterministic=True)[0], reference.predict(batch, deterministic=True)[0]
        assert ours.shape == (16, 9) and np.array_equal(ours, theirs)
    assert not np.array_equal(safe.predict(observations[0], deterministic=True)[0],
                              safe.predict(observations[1], deterministic=True)[0])


def test_cli_train_writes_a_model_the_evaluation_can_load(tmp_path):
    from causalworld import cli

    code = cli.main(
        [
            "train", "--task", "reaching", "--algo", "ppo", "--timesteps", "256", "--n-envs", "1",
            "--set", "n_steps=128", "--set", "batch_size=64", "--set", "policy_kwargs={net_arch: [8]}",
            "--env", "max_episode_length=40", "--eval-episodes", "1", "--no-progress", "--out", str(tmp_path),
        ]
    )
    assert code == 0
    saved = json.loads((tmp_path / "config.json").read_text())
    assert saved["env_kwargs"]["max_episode_length"] == 40 and saved["hyperparams"]["n_steps"] == 128
    with pytest.raises(SystemExit):
        cli.main(["train", "--task", "pushing", "--set", "novalue", "--out", str(tmp_path)])


def test_grid_presets_are_one_table_and_paper_means_the_papers_settings(tmp_path, monkeypatch):
    from causalworld import cli
    from causalworld.cli.commands.grid import PRESETS
    from causalworld.experiments import grid
    from causalworld.experiments.grid import GRID_PRESETS, plan_grid, resolve_settings, training_config

    assert set(GRID_PRESETS) == set(PRESETS) == {"smoke", "paper"}
    paper = resolve_settings("paper", {})
    runs = plan_grid(paper["algos"], paper["curricula"], paper["seeds"])
    assert len(runs) == 45 and paper["episodes"] == 200  # 3 x 3 x 5; the original evaluated 200 episodes
    configs = {run.algo: training_config(run, "pushing", paper) for run in runs}
    assert (configs["ppo"].n_envs, configs["ppo"].n_timesteps) == (20, 100_000_000)
    assert all((configs[a].n_envs, configs[a].n_timesteps) == (1, 10_000_000) for a in ("sac", "td3"))
    assert all(config.env_kwargs["skip_frame"] == 3 for config in configs.values())
    smoke = resolve_settings("smoke", {"env_kwargs": {"max_episode_length": 9}, "seeds": [3]})
    assert smoke["seeds"] == [3] and smoke["timesteps"] == 2000 and smoke["env_kwargs"] == {"max_episode_length": 9}
    assert resolve_settings("paper", {"env_kwargs": {"max_episode_length": 9}})["env_kwargs"] == {
        "skip_frame": 3, "max_episode_length": 9}
    with pytest.raises(ConfigError, match="unknown grid preset"):
        resolve_settings("huge", {})
    with pytest.raises(ConfigError, match="unknown grid settings"):
        resolve_settings("smoke", {"epsiodes": 3})
    calls = []
    monkeypatch.setattr(grid, "run_grid",
                        lambda *args, **kwargs: calls.append((args, kwargs)) or {"runs": [], "task": "x"})
    assert cli.main(["grid", "--preset", "paper", "--out", str(tmp_path)]) == 0
    args, kwargs = calls[0]
    assert kwargs["preset"] == "paper" and args[2:] == (None, None, None)
    assert all(kwargs[k] is None for k in ("timesteps", "n_envs", "episodes", "env_kwargs", "hyperparams"))


def test_grid_and_evaluation_on_ray_ship_data_not_paths(tmp_path, monkeypatch):
    """Ray workers run in another working directory: the driver's (relative) paths mean nothing there."""
    ray = pytest.importorskip("ray")
    from causalworld.evaluation import evaluate
    from causalworld.experiments.grid import run_grid

    settings = dict(
        timesteps=128, n_envs=1, hyperparams={"n_steps": 64, "batch_size": 32, "policy_kwargs": {"net_arch": [8]}},
        env_kwargs={"max_episode_length": 30}, eval_episodes=1, protocols=["P0", "P5"], episodes=1,
        evaluation_env_kwargs={"max_episode_length": 15},
    )
    monkeypatch.chdir(tmp_path)
    local = run_grid("reaching", "local", ["ppo"], ["none", "goal"], [0], backend="local", **settings)
    model = "local/ppo_goal_s0/model.zip"  # relative to the driver's working directory
    here = evaluate(model, "reaching", ["P0"], episodes=2, env_kwargs={"max_episode_length": 10})
    elsewhere = tmp_path / "worker_cwd"
    elsewhere.mkdir()
    (elsewhere / "README").write_text("the Ray workers' working directory\n")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, runtime_env={"working_dir": str(elsewhere)})
    try:
        worker_cwd = ray.get(ray.remote(lambda: __import__("os").getcwd()).remote())
        remote = run_grid("reaching", "ray", ["ppo"], ["none", "goal"], [0], backend="ray", **settings)
        on_ray = evaluate(model, "reaching", ["P0"], episodes=2, backend="ray", workers=1,
                          env_kwargs={"max_episode_length": 10})
    finally:
        ray.shutdown()
    assert Path(worker_cwd) != tmp_path and not (Path(worker_cwd) / "local").exists()
    assert [r["label"] for r in local["runs"]] == ["PPO(0)", "PPO(1)"]
    assert [r["scores"] for r in local["runs"]] == [r["scores"] for r in remote["runs"]]
    assert on_ray.scores() == here.scores()
    report = (tmp_path / "ray" / "report.md").read_text()
    assert "| PPO(1) | 1 |" in report
    for name in ("model.zip", "config.json", "evaluations.json", "scores.json"):
        assert (tmp_path / "ray" / "ppo_goal_s0" / name).is_file(), name
    assert json.loads((tmp_path / "ray" / "grid.json").read_text())["preset"] == "smoke"
