"""A simulator model for planning: batches of action sequences rolled out from a snapshot.

:class:`SimulatorModel` holds copies of an environment (one per worker process, or one in this
process) and answers :meth:`SimulatorModel.rollout`: put the copy in a :class:`~causalworld.env.snapshot.Snapshot`
(``set_state``, exact), then for each action sequence rewind to it (an in-memory
:class:`~causalworld.env.snapshot_methods.RewindPoint`, about 100x cheaper than ``set_state``), step through
the sequence and sum the rewards. Each action is held for ``action_repeat`` env steps, so a plan
of ``H`` actions looks ``H * action_repeat`` env steps ahead. Rollouts stop at the episode's end.

The copies are built with the live env's task and arguments, but structured observations and no
rendering (what a rollout needs). Rewards are the env's own (dt-scaled, as in ``step``).

This plays the role of the original's ``SimulatorModel(make_env, parallel_agents)``, which could
only roll out from the start of an episode (it reset its environments); with snapshots, planning
starts from wherever the live env is, interventions included.
"""

from __future__ import annotations

import multiprocessing
from dataclasses import dataclass
from typing import Any

import numpy as np

from causalworld.env import CausalWorldEnv
from causalworld.env.snapshot import Snapshot
from causalworld.env.snapshot_methods import RewindPoint

MODEL_SETTINGS = {"observation_mode": "structured", "render_mode": None, "camera_indices": None, "renderer": "auto",
                  "add_ground_truth_state_to_info": False, "expose_potential_partial_solution": False}
"""Constructor arguments the model's copies always use (cheaper, same physics and rewards)."""
REWARD_KWARGS = ("dense_reward_weights", "fractional_reward_weight", "activate_sparse_reward")
"""Task arguments a model may set its own way (they change the reward, not the world)."""


@dataclass(frozen=True)
class Rollouts:
    """The outcome of a batch of rollouts.

    Attributes:
        returns: (N,) the sum of the env's rewards along each sequence.
        return_areas: (N,) the sum over the sequence's env steps of the return accumulated up to that
            step (``sum_k (r_1 + ... + r_k)``). With the benchmark's delta rewards (the decrease of a
            distance since the previous step), the return telescopes to the change between the first
            and the last state, so it does not care how the sequence gets there; the area equals
            ``steps * d_start - sum_k d_k`` and so rewards being close early and staying close. It is
            the MPC agent's default objective.
        final_fractional_success: (N,) ``info["fractional_success"]`` after each sequence's last step.
        env_steps: env steps simulated per sequence (fewer than asked near the episode's end).
    """

    returns: np.ndarray
    return_areas: np.ndarray
    final_fractional_success: np.ndarray
    env_steps: int


def simulate(env, snapshot: Snapshot, sequences: np.ndarray, action_repeat: int) -> tuple:
    """Roll out ``sequences`` (N, H, action dim) in ``env`` from ``snapshot``.

    Returns (returns, return areas, final fractional successes, env steps per sequence).
    """
    env.set_state(snapshot)
    returns = np.zeros(len(sequences))
    areas = np.zeros(len(sequences))
    final = np.zeros(len(sequences))
    steps = 0
    with RewindPoint(env) as start:
        for index, sequence in enumerate(sequences):
            if index:
                start.rewind()
            total, area, steps = 0.0, 0.0, 0
            info: dict[str, Any] = {"fractional_success": 0.0}
            truncated = env._step_count >= env.max_episode_length
            for action in sequence:
                for _ in range(action_repeat):
                    if truncated:
                        break
                    _, reward, _, truncated, info = env.step(action)
                    total += reward
                    area += total
                    steps += 1
            returns[index] = total
            areas[index] = area
            final[index] = info["fractional_success"] if steps else env_fractional_success(env)
    return returns, areas, final, steps


def env_fractional_success(env) -> float:
    """The live scene's fractional success (no step taken)."""
    return float(env.task.measure(env._read_state()).fractional_success)


class SimulatorModel:
    """Copies of one environment that evaluate action sequences from snapshots.

    Args:
        task: task family name.
        env_kwargs: the live env's constructor arguments (``env.constructor_kwargs``).
        action_repeat: env steps each planned action is held for (>= 1).
        workers: processes to spread a batch over (>= 1; 1 runs in this process).
        reward_kwargs: the model's own reward settings (``dense_reward_weights``,
            ``fractional_reward_weight``, ``activate_sparse_reward``), replacing the live env's: a
            planning objective may weigh the terms differently from the benchmark's reward.
    """

    def __init__(self, task: str, env_kwargs: dict[str, Any] | None = None, action_repeat: int = 1,
                 workers: int = 1, reward_kwargs: dict[str, Any] | None = None) -> None:
        for name, value in (("action_repeat", action_repeat), ("workers", workers)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
        self.task = task
        unknown = set(reward_kwargs or {}) - set(REWARD_KWARGS)
        if unknown:
            raise ValueError(f"reward_kwargs may set {list(REWARD_KWARGS)}, got {sorted(unknown)}")
        self.env_kwargs = {**dict(env_kwargs or {}), **MODEL_SETTINGS, **dict(reward_kwargs or {})}
        self.action_repeat = action_repeat
        self.workers = workers
        self._env = None
        self._pipes: list = []
        self._processes: list = []
        if workers == 1:
            self._env = CausalWorldEnv(task, **self.env_kwargs)
        else:
            self._start_workers()

    @classmethod
    def of(cls, env, action_repeat: int = 1, workers: int = 1,
           reward_kwargs: dict[str, Any] | None = None) -> SimulatorModel:
        """A model of the live env ``env`` (any wrapper around a CausalWorldEnv)."""
        base = env.unwrapped
        return cls(base.task_name, base.constructor_kwargs, action_repeat, workers, reward_kwargs)

    def rollout(self, snapshot: Snapshot, sequences: np.ndarray) -> Rollouts:
        """Roll out each of ``sequences`` (N, H, action dim; env action units) from ``snapshot``."""
        sequences = np.asarray(sequences, dtype=np.float32)
        if sequences.ndim != 3 or len(sequences) == 0:
            raise ValueError(f"sequences must have shape (N >= 1, horizon, action dim), got {sequences.shape}")
        if self._env is not None:
            return Rollouts(*simulate(self._env, snapshot, sequences, self.action_repeat))
        chunks = np.array_split(sequences, min(self.workers, len(sequences)))
        for pipe, chunk in zip(self._pipes, chunks):
            pipe.send(("rollout", snapshot, chunk))
        parts = [self._receive(pipe) for pipe in self._pipes[: len(chunks)]]
        return Rollouts(*(np.concatenate([p[i] for p in parts]) for i in range(3)), max(p[3] for p in parts))

    def close(self) -> None:
        """Close the copies (and stop the worker processes); safe to call twice."""
        if self._env is not None:
            self._env.close()
            self._env = None
        for pipe in self._pipes:
            try:
                pipe.send(("close",))
            except (OSError, BrokenPipeError):
                pass
        for process in self._processes:
            process.join(timeout=10)
            if process.is_alive():
                process.terminate()
        self._pipes, self._processes = [], []

    def __enter__(self) -> SimulatorModel:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass

    # -- worker processes ---------------------------------------------------------------------
    def _start_workers(self) -> None:
        context = multiprocessing.get_context("spawn")
        try:
            for _ in range(self.workers):
                parent, child = context.Pipe()
                process = context.Process(target=_serve, args=(child, self.task, self.env_kwargs, self.action_repeat),
                                          daemon=True)
                process.start()
                child.close()
                self._pipes.append(parent)
                self._processes.append(process)
            for pipe in self._pipes:
                self._receive(pipe)  # "ready", or the error that stopped the copy
        except BaseException:
            self.close()
            raise

    @staticmethod
    def _receive(pipe) -> Any:
        try:
            kind, payload = pipe.recv()
        except EOFError:
            raise RuntimeError("a simulator model worker process died") from None
        if kind == "error":
            raise RuntimeError(f"simulator model worker failed: {payload}")
        return payload


def _serve(pipe, task: str, env_kwargs: dict[str, Any], action_repeat: int) -> None:
    """A worker process: one env copy answering rollout requests until told to close."""
    try:
        env = CausalWorldEnv(task, **env_kwargs)
    except Exception as error:  # noqa: BLE001 - reported to the parent
        pipe.send(("error", f"{type(error).__name__}: {error}"))
        return
    pipe.send(("ok", "ready"))
    try:
        while True:
            try:
                message = pipe.recv()
            except EOFError:
                return
            if message[0] == "close":
                return
            try:
                pipe.send(("ok", simulate(env, message[1], message[2], action_repeat)))
            except Exception as error:  # noqa: BLE001 - reported to the parent
                pipe.send(("error", f"{type(error).__name__}: {error}"))
    finally:
        env.close()


__all__ = ["MODEL_SETTINGS", "Rollouts", "SimulatorModel", "simulate"]
