"""Training configurations: rl-zoo3 style YAML files keyed by our Gymnasium IDs.

One file per algorithm in ``causalworld/baselines/hyperparams/`` (``ppo.yml``, ``sac.yml``,
``td3.yml``, ``her-sac.yml``). Each top-level key is a registered ID; its entry holds

- ``policy``: the stable-baselines3 policy name (``MlpPolicy``, ``MultiInputPolicy``);
- ``n_envs``, ``n_timesteps``, ``checkpoint_freq``: the paper's budget (command-line options override);
- ``hyperparams``: keyword arguments of the SB3 algorithm, in SB3 names; ``policy_kwargs`` may name
  the activation by string (``tanh``, ``relu``, ``elu``);
- ``action_noise_sigma`` (TD3): the standard deviation of Gaussian action noise, in normalized action units;
- ``env_kwargs``: keyword arguments of :class:`causalworld.CausalWorldEnv`.

Files are parsed with ``yaml.safe_load``: plain data, nothing is evaluated.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from causalworld.registration import ENV_IDS

ALGORITHMS = ("ppo", "sac", "td3", "her-sac")
"""The algorithms ``causalworld train`` knows (SB3 PPO, SAC, TD3, and SAC with HerReplayBuffer)."""

CURRICULA = ("none", "goal", "random")
"""The paper's curricula: 0 no interventions, 1 a new goal every episode, 2 random interventions every episode."""

_ENTRY_KEYS = {"policy", "n_envs", "n_timesteps", "checkpoint_freq", "hyperparams", "env_kwargs", "action_noise_sigma"}
_ACTIVATIONS = ("tanh", "relu", "elu", "leaky_relu")


class ConfigError(ValueError):
    """A hyperparameter file or entry is malformed (the message names the file, ID and key)."""


@dataclass(frozen=True)
class TrainingConfig:
    """One resolved entry of a hyperparameter file."""

    algo: str
    env_id: str
    policy: str
    n_envs: int
    n_timesteps: int
    checkpoint_freq: int
    hyperparams: dict[str, Any] = field(default_factory=dict)
    env_kwargs: dict[str, Any] = field(default_factory=dict)
    action_noise_sigma: float | None = None

    def to_json(self) -> dict[str, Any]:
        """A JSON-serializable copy (saved next to each trained model as ``config.json``)."""
        return {
            "algo": self.algo,
            "env_id": self.env_id,
            "policy": self.policy,
            "n_envs": self.n_envs,
            "n_timesteps": self.n_timesteps,
            "checkpoint_freq": self.checkpoint_freq,
            "hyperparams": copy.deepcopy(self.hyperparams),
            "env_kwargs": copy.deepcopy(self.env_kwargs),
            "action_noise_sigma": self.action_noise_sigma,
        }


def hyperparams_dir() -> Path:
    """The folder of the shipped YAML files."""
    return Path(str(resources.files("causalworld.baselines") / "hyperparams"))


def env_id_for(task_or_id: str) -> str:
    """The Gymnasium ID for a task name (``pushing``) or an ID (``CausalWorld-Pushing``)."""
    if task_or_id in ENV_IDS:
        return task_or_id
    for env_id, kwargs in ENV_IDS.items():
        if kwargs["task"] == task_or_id:
            return env_id
    tasks = sorted(str(k["task"]) for k in ENV_IDS.values())
    raise ConfigError(f"unknown task {task_or_id!r}: expected one of {tasks} or a registered ID")


def load_file(path: str | Path) -> dict[str, dict[str, Any]]:
    """Parse one YAML file; every key must be a registered ID and every entry well formed."""
    import yaml

    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of Gymnasium IDs, got {type(data).__name__}")
    for env_id, entry in data.items():
        if env_id not in ENV_IDS:
            raise ConfigError(f"{path}: {env_id!r} is not a registered ID ({sorted(ENV_IDS)})")
        if not isinstance(entry, dict):
            raise ConfigError(f"{path}: entry {env_id!r} must be a mapping")
        unknown = set(entry) - _ENTRY_KEYS
        if unknown:
            raise ConfigError(f"{path}: entry {env_id!r} has unknown keys {sorted(unknown)}")
        for key in ("policy", "n_envs", "n_timesteps", "checkpoint_freq"):
            if key not in entry:
                raise ConfigError(f"{path}: entry {env_id!r} lacks {key!r}")
        for key in ("n_envs", "n_timesteps", "checkpoint_freq"):
            if not isinstance(entry[key], int) or entry[key] < 1:
                raise ConfigError(f"{path}: {env_id!r}.{key} must be a positive integer, got {entry[key]!r}")
        for key in ("hyperparams", "env_kwargs"):
            if not isinstance(entry.get(key, {}), dict):
                raise ConfigError(f"{path}: {env_id!r}.{key} must be a mapping")
        activation = entry.get("hyperparams", {}).get("policy_kwargs", {}).get("activation_fn")
        if activation is not None and activation not in _ACTIVATIONS:
            raise ConfigError(f"{path}: {env_id!r} activation_fn must be one of {_ACTIVATIONS}, got {activation!r}")
    return data


def load_config(algo: str, task_or_id: str, directory: str | Path | None = None) -> TrainingConfig:
    """The entry for ``algo`` and a task or ID, from ``directory`` (default: the shipped files)."""
    if algo not in ALGORITHMS:
        raise ConfigError(f"unknown algorithm {algo!r}: expected one of {ALGORITHMS}")
    env_id = env_id_for(task_or_id)
    path = Path(directory or hyperparams_dir()) / f"{algo}.yml"
    if not path.is_file():
        raise ConfigError(f"no hyperparameter file {path}")
    data = load_file(path)
    if env_id not in data:
        raise ConfigError(f"{path} has no entry for {env_id} (it has {sorted(data)})")
    entry = copy.deepcopy(data[env_id])
    sigma = entry.get("action_noise_sigma")
    return TrainingConfig(
        algo=algo,
        env_id=env_id,
        policy=str(entry["policy"]),
        n_envs=int(entry["n_envs"]),
        n_timesteps=int(entry["n_timesteps"]),
        checkpoint_freq=int(entry["checkpoint_freq"]),
        hyperparams=entry.get("hyperparams", {}),
        env_kwargs=entry.get("env_kwargs", {}),
        action_noise_sigma=None if sigma is None else float(sigma),
    )


def resolve_policy_kwargs(policy_kwargs: dict[str, Any]) -> dict[str, Any]:
    """Turn an activation name into the torch class SB3 expects (a copy; the input is untouched)."""
    import torch.nn as nn

    resolved = dict(policy_kwargs)
    names = {"tanh": nn.Tanh, "relu": nn.ReLU, "elu": nn.ELU, "leaky_relu": nn.LeakyReLU}
    if "activation_fn" in resolved:
        resolved["activation_fn"] = names[resolved["activation_fn"]]
    return resolved
