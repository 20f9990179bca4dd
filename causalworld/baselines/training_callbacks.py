"""stable-baselines3 callbacks for ``causalworld train``: periodic evaluation, progress bar, learning curve."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np
from stable_baselines3.common.callbacks import BaseCallback

from causalworld.files.atomic import write_bytes_atomically, write_text_atomically


def run_evaluation_episodes(model: Any, env: gym.Env, episodes: int, seed: int) -> dict[str, float]:
    """Run ``episodes`` full episodes with the deterministic policy; return the mean measures.

    Episode 0 starts from the task's default starting state; episode k > 0 from a goal sampled
    in the env's active space (``sample_new_goal`` drawn after ``reset(seed=seed + k)``). The
    env's default starting state is restored afterwards.

    Returns ``mean_fractional_success`` (over all steps and episodes), ``last_fractional_success``,
    ``success_rate`` (success at the last step) and ``mean_return`` over all episodes, and the same
    measures of episode 0 alone (``default_*``: the task's default goal, what a run without a
    goal curriculum trains on).
    """
    core = env.unwrapped
    integrated, last, successes, returns = [], [], [], []
    try:
        for k in range(episodes):
            obs, _ = env.reset(seed=seed + k)
            if k > 0:
                core.set_starting_state(core.sample_new_goal(), check_bounds=False)
                obs, _ = env.reset(seed=seed + k)
            fractions, total, done = [], 0.0, False
            while not done:
                action, _ = model.predict(obs, deterministic=True)
                obs, reward, terminated, truncated, info = env.step(action)
                fractions.append(float(info["fractional_success"]))
                total += float(reward)
                done = terminated or truncated
            integrated.append(float(np.mean(fractions)))
            last.append(fractions[-1])
            successes.append(float(bool(info["success"])))
            returns.append(total)
    finally:
        core.reset_default_state()
    return {
        "mean_fractional_success": float(np.mean(integrated)),
        "last_fractional_success": float(np.mean(last)),
        "success_rate": float(np.mean(successes)),
        "mean_return": float(np.mean(returns)),
        "default_mean_fractional_success": integrated[0],
        "default_last_fractional_success": last[0],
        "default_success": successes[0],
        "default_return": returns[0],
    }


class EvaluationCallback(BaseCallback):
    """Evaluate every ``every`` environment steps and keep the history in a JSON file."""

    def __init__(self, env: gym.Env, path: Path, every: int, episodes: int, seed: int) -> None:
        super().__init__()
        self.env, self.path, self.every, self.episodes, self.seed = env, Path(path), int(every), episodes, seed
        self.history: list[dict[str, float]] = []
        self._next = self.every

    def _on_step(self) -> bool:
        if self.num_timesteps >= self._next:
            self._next += self.every
            self.evaluate_now(self.num_timesteps)
        return True

    def evaluate_now(self, timesteps: int) -> dict[str, float]:
        """Run an evaluation now (skipped if one already ran at this step count)."""
        if self.history and self.history[-1]["timesteps"] == timesteps:
            return self.history[-1]
        entry = {"timesteps": int(timesteps), **run_evaluation_episodes(self.model, self.env, self.episodes, self.seed)}
        self.history.append(entry)
        write_text_atomically(self.path, json.dumps(self.history, indent=2))
        return entry


class TqdmCallback(BaseCallback):
    """A tqdm progress bar over environment steps (tqdm is an optional dependency: no bar without it)."""

    def __init__(self, total: int) -> None:
        super().__init__()
        self.total, self._bar = total, None

    def _on_training_start(self) -> None:
        try:
            from tqdm.auto import tqdm
        except ImportError:
            return
        self._bar = tqdm(total=self.total, unit="step", desc="training")

    def _on_step(self) -> bool:
        if self._bar is not None:
            self._bar.n = min(self.num_timesteps, self.total)
            self._bar.refresh()
        return True

    def _on_training_end(self) -> None:
        if self._bar is not None:
            self._bar.close()


def plot_learning_curve(history: list[dict[str, float]], path: Path, title: str) -> Path | None:
    """Success measures (left) and returns (right) against environment steps, as PNG; None without matplotlib."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        return None
    figure = Figure(figsize=(10, 3.8))
    success_axes, return_axes = figure.subplots(1, 2)
    steps = [entry["timesteps"] for entry in history]
    for key, label in (
        ("mean_fractional_success", "mean fractional success (all episodes)"),
        ("last_fractional_success", "last fractional success (all episodes)"),
        ("success_rate", "success rate (all episodes)"),
        ("default_last_fractional_success", "last fractional success (default goal)"),
    ):
        if all(key in entry for entry in history):
            success_axes.plot(steps, [entry[key] for entry in history], marker="o", label=label)
    success_axes.set_xlabel("environment steps")
    success_axes.set_ylim(-0.02, 1.02)
    success_axes.legend(loc="upper left", fontsize="x-small")
    for key, label in (("mean_return", "mean return (all episodes)"), ("default_return", "return (default goal)")):
        if all(key in entry for entry in history):
            return_axes.plot(steps, [entry[key] for entry in history], marker="o", label=label)
    return_axes.set_xlabel("environment steps")
    return_axes.legend(loc="upper left", fontsize="x-small")
    figure.suptitle(title)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return write_bytes_atomically(path, buffer.getvalue())
