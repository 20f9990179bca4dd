"""GoalEnvWrapper: the goal-conditioned (HER) view of a CausalWorld task.

Observations become a Dict: ``observation`` (the env's vector), ``desired_goal`` and
``achieved_goal`` (float32, m, world frame, z from the floor top):

* reaching: the 3 goal points and the 3 fingertips (9 numbers each);
* block tasks: axis-aligned hulls ``[min x, y, z, max x, y, z]`` (6 numbers) per goal silhouette
  (desired) and per movable block (achieved), padded with zeros to the task's number of slots
  (a zero hull adds nothing to the overlap).

``compute_reward(achieved_goal, desired_goal, info)`` works on single goals or batches (leading
axis), ignores ``info``, and returns ``s * success`` (sparse) or ``s * w_f * fractional_success``
(dense), where ``s`` is dt when the env scales rewards by dt (else 1) and ``w_f`` the task's
fractional weight. Fractional success and success are the task's own measures computed from the
goals: hull overlap over goal volume (success above the task's threshold), or for reaching the
mean absolute fingertip error (success below 0.01 m, credit falling to 0 at 0.03 m).

The configuration HER uses: ``sparse_reward=True`` (or an env built with
``activate_sparse_reward=True``). The step reward is then ``compute_reward`` of the returned goals,
identical to the env's own sparse reward. With ``sparse_reward=False`` the step reward is the env's
dense reward, which equals ``compute_reward`` only when the dense weights are all zero
(``dense_reward_weights=(0, ...)``), since the dense terms are changes since the previous step
and cannot be recomputed from goals.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium.utils import RecordConstructorArgs

from causalworld.tasks.reaching.reaching import SUCCESS_ERROR, ZERO_CREDIT_ERROR
from causalworld.tasks.slots import RIGID, SILHOUETTE

GOAL_BOUND = 1.0
"""Bound (m) of every goal coordinate: the arena and its blocks lie well inside +-1 m."""
HULL_SIZE = 6


class GoalEnvWrapper(gym.Wrapper, RecordConstructorArgs):
    """Dict observations (observation, achieved_goal, desired_goal) and a batch ``compute_reward``.

    Args:
        env: a CausalWorld env (not the reward-free ``no_reward`` task), possibly wrapped.
        sparse_reward: reward success only (the configuration for HER; see the module docs).
    """

    def __init__(self, env: gym.Env, sparse_reward: bool = False) -> None:
        RecordConstructorArgs.__init__(self, sparse_reward=bool(sparse_reward))
        gym.Wrapper.__init__(self, env)
        cw = env.unwrapped
        task = cw.task
        if task.name == "no_reward":
            raise ValueError("GoalEnvWrapper needs a task with a goal; 'no_reward' has none")
        self.sparse = bool(sparse_reward) or task.sparse
        self.points = task.name == "reaching"
        self._threshold = float(task.success_threshold)
        self._fractional_weight = float(task.fractional_weight)
        self._scale = cw.dt if cw.scale_reward_by_dt else 1.0
        slots = task.observation_slots()
        if self.points:
            self._desired_size = self._achieved_size = 9
        else:
            self._desired_size = HULL_SIZE * sum(slot.kind == SILHOUETTE for slot in slots)
            self._achieved_size = HULL_SIZE * sum(slot.kind == RIGID for slot in slots)
        goal = {
            "achieved_goal": gym.spaces.Box(-GOAL_BOUND, GOAL_BOUND, (self._achieved_size,), np.float32),
            "desired_goal": gym.spaces.Box(-GOAL_BOUND, GOAL_BOUND, (self._desired_size,), np.float32),
        }
        self.observation_space = gym.spaces.Dict({"observation": env.observation_space, **goal})

    # -- goals --------------------------------------------------------------------------
    def _goal_vector(self, value: Any, size: int, which: str) -> np.ndarray:
        flat = np.asarray(value, dtype=np.float64).reshape(-1)
        if flat.size > size:
            raise RuntimeError(f"{which} has {flat.size} numbers but the goal space holds {size}")
        out = np.zeros(size, dtype=np.float64)
        out[: flat.size] = flat
        return np.clip(out, -GOAL_BOUND, GOAL_BOUND).astype(np.float32)

    def _observation(self, obs: np.ndarray, info: dict[str, Any]) -> dict[str, np.ndarray]:
        return {
            "observation": obs,
            "achieved_goal": self._goal_vector(info["achieved_goal"], self._achieved_size, "achieved_goal"),
            "desired_goal": self._goal_vector(info["desired_goal"], self._desired_size, "desired_goal"),
        }

    def observation_from_env(self, obs: np.ndarray) -> dict[str, np.ndarray]:
        """The Dict observation for the flat observation ``obs`` of the live scene.

        The goals are read from the env now, so this serves code that holds a flat observation of
        the current state (an evaluation loop, a replay) and a policy trained on this wrapper.
        """
        base = self.env.unwrapped
        measure = base.task.measure(base._read_state())
        return self._observation(obs, {"achieved_goal": measure.achieved_goal, "desired_goal": measure.desired_goal})

    # -- Gymnasium API ------------------------------------------------------------------
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        """Reset the env; returns (Dict observation, info)."""
        obs, info = self.env.reset(seed=seed, options=options)
        return self._observation(obs, info), info

    def step(self, action):
        """Step the env; in sparse mode the reward is ``compute_reward`` of the returned goals."""
        obs, reward, terminated, truncated, info = self.env.step(action)
        goal_obs = self._observation(obs, info)
        if self.sparse:
            info = {**info, "env_reward": reward}
            reward = float(self.compute_reward(goal_obs["achieved_goal"], goal_obs["desired_goal"], info))
        return goal_obs, reward, terminated, truncated, info

    # -- reward -------------------------------------------------------------------------
    def fractional_success(self, achieved_goal: np.ndarray, desired_goal: np.ndarray) -> np.ndarray:
        """The task's fractional success in [0, 1] for goals (one pair or a batch on the leading axis)."""
        achieved = np.asarray(achieved_goal, dtype=np.float64)
        desired = np.asarray(desired_goal, dtype=np.float64)
        if achieved.shape[-1] != self._achieved_size or desired.shape[-1] != self._desired_size:
            raise ValueError(
                f"goals must end in {self._achieved_size} (achieved) and {self._desired_size} (desired) numbers, "
                f"got shapes {achieved.shape} and {desired.shape}"
            )
        if self.points:
            error = np.clip(self.mean_error(achieved, desired), SUCCESS_ERROR, ZERO_CREDIT_ERROR)
            return 1.0 - (error - SUCCESS_ERROR) / (ZERO_CREDIT_ERROR - SUCCESS_ERROR)
        blocks = achieved.reshape(achieved.shape[:-1] + (-1, 2, 3))
        goals = desired.reshape(desired.shape[:-1] + (-1, 2, 3))
        low = np.maximum(goals[..., :, None, 0, :], blocks[..., None, :, 0, :])
        high = np.minimum(goals[..., :, None, 1, :], blocks[..., None, :, 1, :])
        intersection = np.prod(np.clip(high - low, 0.0, None), axis=-1).sum(axis=(-2, -1))
        volume = np.prod(np.clip(goals[..., 1, :] - goals[..., 0, :], 0.0, None), axis=-1).sum(axis=-1)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(volume > 0, np.minimum(1.0, intersection / np.where(volume > 0, volume, 1.0)), 1.0)

    @staticmethod
    def mean_error(achieved: np.ndarray, desired: np.ndarray) -> np.ndarray:
        """Reaching: mean absolute fingertip-to-goal coordinate error (m)."""
        return np.abs(desired - achieved).mean(axis=-1)

    def is_success(self, achieved_goal: np.ndarray, desired_goal: np.ndarray) -> np.ndarray:
        """The task's success for goals (one pair or a batch)."""
        if self.points:
            return self.mean_error(np.asarray(achieved_goal, np.float64), np.asarray(desired_goal, np.float64)) < (
                SUCCESS_ERROR)
        return self.fractional_success(achieved_goal, desired_goal) > self._threshold

    def compute_reward(self, achieved_goal: np.ndarray, desired_goal: np.ndarray, info: Any) -> np.ndarray:
        """Reward for goals (a batch on the leading axis gives one reward each); ``info`` is not used."""
        if self.sparse:
            reward = self.is_success(achieved_goal, desired_goal).astype(np.float64) * self._scale
        else:
            reward = self._fractional_weight * self.fractional_success(achieved_goal, desired_goal) * self._scale
        return np.asarray(reward, dtype=np.float64)
