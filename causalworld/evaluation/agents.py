"""Agents for evaluation: what ``evaluate`` accepts and how it seeds them per episode.

An agent is one of:

* a callable from observation to action, optionally with ``reset()`` (called before every
  episode; when it accepts a ``seed`` keyword it gets the episode's agent seed, so its
  randomness is reproducible whatever process runs the episode);
* a stable-baselines3 model (anything with ``predict(obs, deterministic=...)``), used
  deterministically;
* a name: ``"random"`` (:class:`RandomPolicy`), ``"scripted"`` (the task's scripted policy from
  :mod:`causalworld.baselines`), ``"pretrained"`` (the original authors' trained agent,
  :func:`causalworld.baselines.pretrained_agents.pretrained`), ``"mpc"`` or ``"mpc:key=value,..."``
  (model-predictive control with the simulator as its model, :class:`causalworld.planning.MPCAgent`;
  keys in :data:`causalworld.planning.MPC_DEFAULTS`), or the path of a stable-baselines3 ``.zip``
  file, loaded without unpickling (:mod:`causalworld.baselines.model_files`).

Names are built inside each worker, next to its env; a model file is read once by the caller and its
bytes are shipped to the workers; objects are copied to workers.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from causalworld.baselines.model_files import ModelFile, load_sb3_model, read_model_file, read_training_record
from causalworld.baselines.pretrained_agents import pretrained
from causalworld.planning.mpc import MPCAgent, parse_mpc_spec
from causalworld.wrappers import GoalEnvWrapper


@runtime_checkable
class Policy(Protocol):
    """A callable agent: observation -> action (``reset`` is optional)."""

    def __call__(self, observation: np.ndarray) -> np.ndarray:
        """The action for ``observation``."""


class RandomPolicy:
    """Uniform random actions in a Box action space, reseeded by ``reset(seed=...)`` every episode."""

    def __init__(self, action_space: Any, seed: int = 0) -> None:
        self.low = np.asarray(action_space.low, dtype=np.float64)
        self.high = np.asarray(action_space.high, dtype=np.float64)
        self.dtype = action_space.dtype
        self.rng = np.random.default_rng(seed)

    def reset(self, seed: int | None = None) -> None:
        """Start an episode; a given seed restarts the generator."""
        if seed is not None:
            self.rng = np.random.default_rng(seed)

    def __call__(self, observation: np.ndarray) -> np.ndarray:
        """A random action (the observation is ignored)."""
        return self.rng.uniform(self.low, self.high).astype(self.dtype)


class EpisodeAgent:
    """Adapts any accepted agent object to ``reset(seed)`` and ``act(obs)``."""

    def __init__(self, agent: Any, owned: bool = False) -> None:
        self.agent = agent
        self.owned = owned
        """Whether the agent was built here (from a name), so :meth:`close` may release it."""
        self.is_model = hasattr(agent, "predict") and not callable(agent)
        if not self.is_model and not callable(agent):
            raise TypeError(f"an agent is a callable obs -> action or a stable-baselines3 model, "
                            f"got {type(agent).__name__}")
        reset = getattr(agent, "reset", None)
        self._reset = reset if callable(reset) else None
        self._reset_takes_seed = self._reset is not None and _accepts_seed(self._reset)

    def reset(self, seed: int) -> None:
        """Prepare for an episode; the agent's own ``reset`` gets the seed when it accepts one."""
        if self.is_model:
            return
        if self._reset_takes_seed:
            self._reset(seed=seed)
        elif self._reset is not None:
            self._reset()

    def close(self) -> None:
        """Release an agent built from a name (its ``close()``, if any: an MPC agent's model envs)."""
        close = getattr(self.agent, "close", None)
        if self.owned and callable(close) and not self.is_model:
            close()

    def act(self, observation: np.ndarray) -> np.ndarray:
        """The agent's action for ``observation``."""
        if self.is_model:
            action, _ = self.agent.predict(observation, deterministic=True)
            return np.asarray(action)
        return np.asarray(self.agent(observation))


def _accepts_seed(function: Callable[..., Any]) -> bool:
    try:
        parameters = inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False
    return "seed" in parameters or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())


def build_agent(spec: Any, env: Any, trust_model_file: bool = False) -> EpisodeAgent:
    """An :class:`EpisodeAgent` from an agent object or a name ("random", "scripted", "mpc", a ``.zip`` path).

    A model path (or a :class:`~causalworld.baselines.model_files.ModelFile` read from one) is loaded
    without unpickling (:func:`~causalworld.baselines.model_files.load_sb3_model`); ``trust_model_file``
    allows stable-baselines3's own, unpickling loader for a zip without the ``config.json`` of
    ``causalworld train``.

    Raises:
        ValueError: an unknown name, or a model file that cannot be loaded safely (``ModelFileError``).
        FileNotFoundError: a model path that does not exist.
        ImportError: ``"scripted"`` or a model path without the packages they need.
    """
    if isinstance(spec, Path):
        spec = str(spec)
    if isinstance(spec, ModelFile):
        return _model_agent(spec, env)
    if not isinstance(spec, str):
        return EpisodeAgent(spec)
    if spec == "random":
        return EpisodeAgent(RandomPolicy(env.action_space), owned=True)
    if spec == "scripted":
        return EpisodeAgent(scripted_policy(env.unwrapped.task_name, env.unwrapped), owned=True)
    if spec == "pretrained":
        return EpisodeAgent(pretrained_agent(env.unwrapped))
    if is_mpc_spec(spec):
        return EpisodeAgent(MPCAgent(env, **parse_mpc_spec(spec)), owned=True)
    if is_model_path(spec):
        return _model_agent(read_model_file(spec, trust_model_file), env)
    raise ValueError(f"unknown agent {spec!r}: use 'random', 'scripted', 'pretrained', 'mpc' or the path of a "
                     "stable-baselines3 .zip")


def is_mpc_spec(spec: Any) -> bool:
    """Whether an agent given as text is the MPC agent (``"mpc"`` or ``"mpc:key=value,..."``)."""
    return isinstance(spec, str) and (spec == "mpc" or spec.startswith("mpc:"))


def pretrained_agent(env: Any) -> Any:
    """The original authors' agent for ``env``'s task, after checking the env has the settings it needs.

    Raises:
        ValueError: a task without an agent, or an env built with other settings (skip frame, modes, ...).
        PretrainedUnavailable: the original's package could not be found or fetched.
    """
    agent = pretrained(env.task_name)
    wrong = {key: getattr(env, key) for key, value in agent.env_kwargs.items() if getattr(env, key) != value}
    if wrong:
        raise ValueError(f"the pretrained {env.task_name} agent needs an env with {dict(agent.env_kwargs)}; "
                         f"this one has {wrong}")
    return agent


def is_model_path(spec: Any) -> bool:
    """Whether an agent given as text names a model file rather than a built-in agent."""
    if isinstance(spec, Path):
        return True
    if is_mpc_spec(spec):
        return False
    return isinstance(spec, str) and (spec.endswith(".zip") or "/" in spec or bool(Path(spec).suffix))


def _model_agent(model_file: ModelFile, env: Any) -> EpisodeAgent:
    model = load_sb3_model(model_file)
    if "goal_env" in (model_file.record or {}).get("wrappers", []):
        return EpisodeAgent(GoalConditionedModel(model, env))
    return EpisodeAgent(model)


TRAINED_ENV_KEYS = ("skip_frame", "action_mode", "normalize_observations", "normalize_actions", "observation_mode")
"""Environment settings a trained model depends on; evaluation takes them from the model's ``config.json``."""


def training_record(path: str | Path) -> dict[str, Any]:
    """The ``config.json`` that ``causalworld train`` wrote next to a model file, or {} if there is none.

    Raises:
        ValueError: the file exists but is not a JSON object.
    """
    return read_training_record(path) or {}


def trained_env_kwargs(source: str | Path | ModelFile) -> dict[str, Any]:
    """The env settings (:data:`TRAINED_ENV_KEYS`) a model was trained with, from its record."""
    record = (source.record or {}) if isinstance(source, ModelFile) else training_record(source)
    env_kwargs = record.get("env_kwargs", {})
    return {key: env_kwargs[key] for key in TRAINED_ENV_KEYS if isinstance(env_kwargs, dict) and key in env_kwargs}


class GoalConditionedModel:
    """A model trained on :class:`causalworld.wrappers.GoalEnvWrapper` (HER), acting on flat observations."""

    def __init__(self, model: Any, env: Any) -> None:
        self.model = model
        self.view = GoalEnvWrapper(env)

    def __call__(self, observation: np.ndarray) -> np.ndarray:
        """The model's deterministic action for the live scene whose flat observation is ``observation``."""
        action, _ = self.model.predict(self.view.observation_from_env(observation), deterministic=True)
        return np.asarray(action)


def scripted_policy(task: str, env: Any = None) -> Any:
    """The scripted policy of ``task`` (bound to ``env`` if given) from :mod:`causalworld.baselines`.

    The baselines are imported only when asked for. Raises ImportError when they are unavailable and
    ValueError for a task they have no policy for.
    """
    try:
        baselines = importlib.import_module("causalworld.baselines")
        factory = baselines.scripted_policy
    except (ImportError, AttributeError) as error:
        raise ImportError(f"the scripted agent needs causalworld.baselines.scripted_policy, which is not "
                          f"available in this installation ({error})") from None
    return factory(task, env)


__all__ = [
    "EpisodeAgent", "GoalConditionedModel", "Policy", "RandomPolicy", "build_agent", "is_model_path", "is_mpc_spec",
    "load_sb3_model", "scripted_policy", "trained_env_kwargs", "training_record",
]
