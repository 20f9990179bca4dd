"""Replay of recorded episodes, and videos of agents or replays.

:func:`replay_episode` rebuilds the environment from an :class:`~causalworld.recording.Episode`
(task, constructor arguments, starting state; pixel observations with the renderer that drew
them), resets it with the recorded seed and repeats the recorded actions and recorder-made
interventions. Because resets start from a cleared physics world, the replayed observations are
bit-identical to the recorded ones; :class:`ReplayResult` says whether they are and, if not,
the first index where they differ (0 = the observation of ``reset``).

Videos use Gymnasium's ``RecordVideo`` (needs the ``video`` extra: moviepy) on the 320x240
``render_mode="rgb_array"`` image, one MP4 file per episode, at the env's rate (1 / dt frames/s).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np

from causalworld.env import CausalWorldEnv
from causalworld.recording.episodes import Episode, RecordingError
from causalworld.variables import InterventionError

Agent = Callable[[Any], Any]
"""An agent: observation -> action."""


@dataclass
class ReplayResult:
    """What a replay produced, and whether it matches the recording bit for bit."""

    observations: list[Any]
    """The replayed observations: reset's, then one per step."""
    rewards: np.ndarray
    first_mismatch: int | None
    """First observation index that differs from the recording (0 = reset's); None if all match."""
    compared: bool
    """False when the recording holds no observations to compare with."""

    @property
    def exact(self) -> bool:
        """True when every replayed observation equals the recorded one bit for bit."""
        return self.compared and self.first_mismatch is None


def build_env(episode: Episode, **overrides: Any):
    """A fresh :class:`~causalworld.CausalWorldEnv` in the episode's settings and starting state.

    ``overrides`` replace constructor arguments (e.g. ``render_mode="rgb_array"``). Pixel
    observations are drawn with the renderer of the recording unless ``renderer`` is overridden.
    """
    kwargs = dict(episode.env_kwargs)
    if episode.renderer in ("tiny", "egl") and kwargs.get("observation_mode") == "pixel":
        kwargs["renderer"] = episode.renderer
    kwargs.update(overrides)
    try:
        env = CausalWorldEnv(episode.task, **kwargs)
    except (TypeError, ValueError) as error:
        raise RecordingError(f"episode {episode.index}: the recorded settings are not valid: {error}") from None
    try:
        result = env.set_starting_state(episode.starting_state, check_bounds=False)
    except InterventionError as error:
        env.close()
        raise RecordingError(f"episode {episode.index}: the recorded starting state is not valid: {error}") from None
    if not result.success:
        env.close()
        raise RecordingError(f"episode {episode.index}: the recorded starting state is infeasible: {result.reasons}")
    return env


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, Mapping):
        return isinstance(b, Mapping) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def _recorded(episode: Episode, t: int) -> Any:
    observations = episode.observations
    if isinstance(observations, Mapping):
        return {k: v[t] for k, v in observations.items()}
    return observations[t]


def replay_episode(
    episode: Episode, env: gym.Env | None = None, on_step: Callable[[gym.Env], None] | None = None, **overrides: Any
) -> ReplayResult:
    """Replay ``episode``; returns the observations and the comparison with the recording.

    Args:
        episode: a loaded episode.
        env: an env from :func:`build_env` (e.g. wrapped in ``RecordVideo``); built and closed here if None.
        on_step: called with the env after reset and after every step (for rendering, say).
        **overrides: constructor arguments for :func:`build_env`.
    """
    own = env is None
    if env is None:
        env = build_env(episode, **overrides)
    try:
        interventions: dict[int, list[dict[str, Any]]] = {}
        for item in episode.interventions:
            interventions.setdefault(int(item["step"]), []).append(item)
        observation, _ = env.reset(seed=episode.seed)
        observations, rewards = [observation], []
        if on_step is not None:
            on_step(env)
        for t, action in enumerate(episode.actions):
            for item in interventions.get(t, ()):
                env.unwrapped.do_intervention(item["intervention"], check_bounds=item["check_bounds"])
            observation, reward, _, _, _ = env.step(action)
            observations.append(observation)
            rewards.append(reward)
            if on_step is not None:
                on_step(env)
    finally:
        if own:
            env.close()
    compared = episode.observations is not None
    first = None
    if compared:
        first = next((t for t, o in enumerate(observations) if not _same(o, _recorded(episode, t))), None)
    return ReplayResult(observations, np.asarray(rewards, dtype=np.float64), first, compared)


def video_env(env: gym.Env, folder: str | Path, name_prefix: str) -> gym.Env:
    """``env`` wrapped in Gymnasium's ``RecordVideo``: every episode becomes ``{name_prefix}-episode-{k}.mp4``."""
    from gymnasium.wrappers import RecordVideo

    with warnings.catch_warnings():  # several recordings may share one folder; file names differ by prefix
        warnings.filterwarnings("ignore", message=".*Overwriting existing videos.*")
        return RecordVideo(env, str(folder), episode_trigger=lambda _: True, name_prefix=name_prefix,
                           disable_logger=True)


def record_video(env: gym.Env, agent: Agent, folder: str | Path, episodes: int = 1, seed: int | None = None,
                 max_steps: int | None = None, name_prefix: str = "causalworld") -> list[Path]:
    """Run ``agent`` for ``episodes`` episodes and write one MP4 per episode into ``folder``.

    ``env`` must have ``render_mode="rgb_array"``; it is closed afterwards. Returns the video files.
    """
    if env.render_mode != "rgb_array":
        raise ValueError(f"record_video needs an env with render_mode='rgb_array', got {env.render_mode!r}")
    folder = Path(folder)
    recorder = video_env(env, folder, name_prefix)
    try:
        for k in range(episodes):
            observation, _ = recorder.reset(seed=None if seed is None else seed + k)
            if hasattr(agent, "reset"):
                agent.reset()
            done, steps = False, 0
            while not done and (max_steps is None or steps < max_steps):
                observation, _, terminated, truncated, _ = recorder.step(agent(observation))
                done, steps = terminated or truncated, steps + 1
    finally:
        recorder.close()
    return sorted(folder.glob(f"{name_prefix}-episode-*.mp4"))


def replay_video(episode: Episode, folder: str | Path, name_prefix: str | None = None) -> tuple[ReplayResult, Path]:
    """Replay ``episode`` while writing a video of it; returns the replay result and the MP4 file."""
    prefix = name_prefix or f"replay-{episode.index:06d}"
    env = video_env(build_env(episode, render_mode="rgb_array"), folder, prefix)
    try:
        result = replay_episode(episode, env=env)
    finally:
        env.close()
    return result, Path(folder) / f"{prefix}-episode-0.mp4"
