"""Train stable-baselines3 agents on the CausalWorld IDs with the paper's curricula.

``train(...)`` builds the environments from a :class:`~causalworld.baselines.config.TrainingConfig`,
wraps them in the chosen curriculum (:class:`causalworld.wrappers.CurriculumWrapper` with the goal or
random actor, firing at time step 0 of every episode as in the paper), trains, and writes into ``out``:

- ``model.zip``: the trained model (``causalworld evaluate --agent out/model.zip`` loads it);
- ``config.json``: everything needed to rebuild the environment and reload the model: the
  hyperparameters, the env arguments and, under ``sb3_policy``, the policy's class, spaces and
  constructor arguments as plain data (the safe loader of :mod:`causalworld.baselines.model_files`
  rebuilds the policy from it and never unpickles the zip); written before training starts, so
  checkpoints load too, and again at the end with ``num_timesteps``;
- ``evaluations.json``: periodic evaluations (fractional success, success rate, return) on the
  task's default starting state, with the deterministic policy;
- ``checkpoints/``: a model every ``checkpoint_freq`` environment steps;
- ``learning_curve.png`` (when matplotlib is installed).

Training runs on the CPU (``device="cpu"``): this project installs the CPU build of torch.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np

from causalworld.actors import GoalActor, RandomActor
from causalworld.baselines.config import CURRICULA, ConfigError, TrainingConfig, resolve_policy_kwargs
from causalworld.baselines.model_files import POLICY_SECTION, describe_policy
from causalworld.baselines.training_callbacks import EvaluationCallback, TqdmCallback, plot_learning_curve
from causalworld.files.atomic import write_text_atomically
from causalworld.registration import register_envs
from causalworld.wrappers import CurriculumWrapper, GoalEnvWrapper

CURRICULUM_ACTIVES = (0, 10**9, 1, 0)
"""The paper's curriculum schedule: every episode from the first, at time step 0 (persisting)."""


@dataclass(frozen=True)
class TrainingRun:
    """What :func:`train` produced."""

    out: Path
    model_path: Path
    config: dict[str, Any]
    evaluations: list[dict[str, float]]


def wrap_for_algorithm(env: gym.Env, algo: str) -> gym.Env:
    """Add the wrappers an algorithm needs at play time.

    For HER: the goal-conditioned view with the sparse reward, the setting in which the step reward
    equals ``compute_reward`` of the relabelled goals.
    """
    if algo == "her-sac":
        return GoalEnvWrapper(env, sparse_reward=True)
    return env


def make_env_factory(
    config: TrainingConfig, curriculum: str, seed: int, rank: int = 0, monitor: bool = True
) -> Callable[[], gym.Env]:
    """A picklable-by-closure thunk building one training environment (for vector envs)."""
    if curriculum not in CURRICULA:
        raise ConfigError(f"unknown curriculum {curriculum!r}: expected one of {CURRICULA}")
    env_id, env_kwargs, algo = config.env_id, dict(config.env_kwargs), config.algo

    def build() -> gym.Env:
        register_envs()  # a fresh worker process has not registered the IDs yet

        env = gym.make(env_id, **env_kwargs)
        if curriculum != "none":
            actor = GoalActor() if curriculum == "goal" else RandomActor()
            env = CurriculumWrapper(env, actors=[actor], actives=[CURRICULUM_ACTIVES], seed=seed + 1000 * rank)
        env = wrap_for_algorithm(env, algo)
        if monitor:
            from stable_baselines3.common.monitor import Monitor

            env = Monitor(env, info_keywords=("fractional_success", "success"))
        env.reset(seed=seed + rank)
        env.action_space.seed(seed + rank)
        return env

    return build


def build_model(config: TrainingConfig, vec_env: Any, seed: int) -> Any:
    """The SB3 model for ``config`` on ``vec_env`` (CPU, seeded)."""
    import stable_baselines3 as sb3

    kwargs = dict(config.hyperparams)
    kwargs["policy_kwargs"] = resolve_policy_kwargs(kwargs.get("policy_kwargs", {}))
    if config.algo == "ppo":
        cls = sb3.PPO
    elif config.algo == "sac":
        cls = sb3.SAC
    elif config.algo == "td3":
        from stable_baselines3.common.noise import NormalActionNoise

        cls = sb3.TD3
        size = vec_env.action_space.shape[0]
        sigma = config.action_noise_sigma if config.action_noise_sigma is not None else 0.1
        kwargs["action_noise"] = NormalActionNoise(np.zeros(size), sigma * np.ones(size))
    elif config.algo == "her-sac":
        cls = sb3.SAC
        kwargs["replay_buffer_class"] = sb3.HerReplayBuffer
    else:
        raise ConfigError(f"unknown algorithm {config.algo!r}")
    try:
        return cls(config.policy, vec_env, seed=seed, device="cpu", verbose=0, **kwargs)
    except TypeError as error:
        message = f"{config.algo} hyperparameters for {config.env_id} are not accepted by SB3: {error}"
        raise ConfigError(message) from None


def with_overrides(
    config: TrainingConfig,
    n_timesteps: int | None = None,
    n_envs: int | None = None,
    hyperparams: Mapping[str, Any] | None = None,
    env_kwargs: Mapping[str, Any] | None = None,
) -> TrainingConfig:
    """A copy of ``config`` with command-line overrides applied (``None`` keeps the file's value)."""
    for name, value in (("n_timesteps", n_timesteps), ("n_envs", n_envs)):
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
            raise ConfigError(f"{name} must be a positive integer, got {value!r}")
    merged_hyper = {**config.hyperparams, **(hyperparams or {})}
    if hyperparams and "policy_kwargs" in hyperparams:
        merged_hyper["policy_kwargs"] = {**config.hyperparams.get("policy_kwargs", {}), **hyperparams["policy_kwargs"]}
    return dataclasses.replace(
        config,
        n_timesteps=n_timesteps or config.n_timesteps,
        n_envs=n_envs or config.n_envs,
        hyperparams=merged_hyper,
        env_kwargs={**config.env_kwargs, **(env_kwargs or {})},
    )


def train(
    config: TrainingConfig,
    out: str | Path,
    curriculum: str = "none",
    seed: int = 0,
    eval_freq: int | None = None,
    eval_episodes: int = 3,
    progress: bool = True,
    torch_threads: int | None = 1,
) -> TrainingRun:
    """Train ``config.algo`` on ``config.env_id`` for ``config.n_timesteps`` steps; see the module doc.

    Args:
        config: the resolved hyperparameters (see :func:`causalworld.baselines.config.load_config`).
        out: output folder (created; existing files of a previous run are replaced).
        curriculum: ``none``, ``goal`` or ``random``.
        seed: seeds the model, the environments (``seed + rank``) and the curriculum actors.
        eval_freq: environment steps between evaluations (default: a tenth of the budget).
        eval_episodes: episodes per evaluation.
        progress: show a tqdm progress bar.
        torch_threads: torch's intra-op threads in this process (None: leave torch's setting). One
            thread is the fastest for these small networks on a few cores, and avoids starving the
            simulation (``benchmarks/torch_threads.py`` measures it; figures in docs/training.md).
    """
    from stable_baselines3.common.callbacks import CallbackList, CheckpointCallback
    from stable_baselines3.common.vec_env import DummyVecEnv, SubprocVecEnv

    if curriculum not in CURRICULA:
        raise ConfigError(f"unknown curriculum {curriculum!r}: expected one of {CURRICULA}")
    if not isinstance(eval_episodes, int) or eval_episodes < 1:
        raise ConfigError(f"eval_episodes must be a positive integer, got {eval_episodes!r}")
    if torch_threads is not None:
        import torch

        torch.set_num_threads(int(torch_threads))
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    factories = [make_env_factory(config, curriculum, seed, rank) for rank in range(config.n_envs)]
    vec_env = SubprocVecEnv(factories) if config.n_envs > 1 else DummyVecEnv(factories)
    eval_env = make_env_factory(config, "none", seed + 10_000, monitor=False)()
    record = {
        **config.to_json(),
        "curriculum": curriculum,
        "curriculum_actives": list(CURRICULUM_ACTIVES),
        "seed": seed,
        "wrappers": ["goal_env"] if config.algo == "her-sac" else [],
        "num_timesteps": None,
    }
    try:
        model = build_model(config, vec_env, seed)
        # What the safe loader rebuilds the policy from; written now so checkpoints load mid-run.
        record[POLICY_SECTION] = describe_policy(model)
        write_text_atomically(out / "config.json", json.dumps(record, indent=2))
        every = eval_freq or max(config.n_timesteps // 10, 1)
        evaluation = EvaluationCallback(eval_env, out / "evaluations.json", every, eval_episodes, seed + 20_000)
        callbacks = [
            evaluation,
            CheckpointCallback(
                save_freq=max(config.checkpoint_freq // config.n_envs, 1),
                save_path=str(out / "checkpoints"),
                name_prefix="model",
            ),
        ]
        if progress:
            callbacks.append(TqdmCallback(config.n_timesteps))
        model.learn(total_timesteps=config.n_timesteps, callback=CallbackList(callbacks))
        evaluation.evaluate_now(model.num_timesteps)
        model_path = out / "model.zip"
        model.save(str(model_path))
    finally:
        vec_env.close()
        eval_env.close()
    record["num_timesteps"] = int(model.num_timesteps)
    write_text_atomically(out / "config.json", json.dumps(record, indent=2))
    plot_learning_curve(evaluation.history, out / "learning_curve.png", f"{config.algo} on {config.env_id}")
    return TrainingRun(out, model_path, record, list(evaluation.history))
