"""Action-shaping wrappers: delta actions and a moving average of actions.

Both keep the wrapped env's action space and units (normalized [-1, 1] or raw, as the env was
built) and transform each action before the env sees it.
"""

from __future__ import annotations

from collections import deque
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium.utils import RecordConstructorArgs

from causalworld.env.control import END_EFFECTOR_POSITIONS, JOINT_POSITIONS, JOINT_TORQUES


class DeltaActionWrapper(gym.ActionWrapper, RecordConstructorArgs):
    """Actions are changes added to an offset: ``a_env = clip(offset + a, low, high)``.

    The offset, in the env's action units (normalized with the action bounds when the env
    normalizes actions), is:

    * ``joint_positions``: the last PD target sent (rad): the joint positions at reset, then
      the previous ``a_env``;
    * ``joint_torques``: the torques the motors applied in the last physics step (N m; 0 at reset);
    * ``end_effector_positions``: the current fingertip positions (m, world frame, z from the
      floor top).

    ``low``/``high`` are the action space bounds, which are not changed. The joint-position
    offset is tracked by this wrapper; an in-episode intervention on ``joint_positions`` below it
    does not move the offset (reset restarts it from the joints).
    """

    def __init__(self, env: gym.Env) -> None:
        RecordConstructorArgs.__init__(self)
        gym.ActionWrapper.__init__(self, env)
        self.mode = env.unwrapped.action_mode
        if self.mode not in (JOINT_POSITIONS, JOINT_TORQUES, END_EFFECTOR_POSITIONS):
            raise ValueError(f"unsupported action_mode {self.mode!r}")
        self._low = np.asarray(env.action_space.low, dtype=np.float64)
        self._high = np.asarray(env.action_space.high, dtype=np.float64)
        self._last_target: np.ndarray | None = None

    def _to_action_units(self, command: Any) -> np.ndarray:
        cw = self.env.unwrapped
        command = np.asarray(command, dtype=np.float64)
        return cw.normalize_action(command) if cw.normalize_actions else command

    def offset(self) -> np.ndarray:
        """The offset the next delta is added to (env action units, 9)."""
        robot = self.env.unwrapped.robot
        if self.mode == JOINT_POSITIONS:
            if self._last_target is None:
                self._last_target = self._to_action_units(robot.read_joints()[0])
            return self._last_target.copy()
        if self.mode == JOINT_TORQUES:
            return self._to_action_units(robot.last_torques)
        return self._to_action_units(robot.tip_positions(robot.read_joints()[0]))

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        """Reset the env; the joint-position offset restarts from the joints at reset."""
        self._last_target = None
        return self.env.reset(seed=seed, options=options)

    def action(self, action: Any) -> np.ndarray:
        """The absolute action ``clip(offset + action, low, high)`` (float32)."""
        delta = np.asarray(action, dtype=np.float64)
        if delta.shape != self._low.shape or not np.all(np.isfinite(delta)):
            raise ValueError(f"delta action must be {self._low.shape[0]} finite numbers, got {action!r}")
        absolute = np.clip(self.offset() + delta, self._low, self._high)
        if self.mode == JOINT_POSITIONS:
            self._last_target = absolute
        return absolute.astype(np.float32)


class MovingAverageActionWrapper(gym.ActionWrapper, RecordConstructorArgs):
    """The env receives the mean of the last ``window`` actions of the episode.

    Without ``initial_value`` (the default), at step k of an episode (k = 1, 2, ...) the env gets
    ``mean(a_{max(1, k-window+1)} .. a_k)``: the first action passes unchanged. With
    ``initial_value`` (a number, or one value per action dimension, in the env's action units) the
    window starts full of it, as the original's ``initial_value`` ("initial values to fill the
    window with") describes: until ``window`` actions have been given, the env gets
    ``(a_1 + ... + a_k + (window - k) * initial_value) / window``. The history is cleared at every
    reset. (The original's wrapper, ``MovingAverageActionEnvWrapper(env, widow_size, initial_value)``,
    passed raw actions until its window was full, so its initial value never reached the env, and
    it kept its window across episodes.)
    """

    def __init__(self, env: gym.Env, window: int = 8, initial_value: float | np.ndarray | None = None) -> None:
        if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
            raise ValueError(f"window must be a positive integer, got {window!r}")
        shape = env.action_space.shape
        initial = None
        if initial_value is not None:
            try:
                initial = np.broadcast_to(np.asarray(initial_value, dtype=np.float64), shape).copy()
            except (TypeError, ValueError):
                raise ValueError(f"initial_value must be a number or {shape} numbers, got {initial_value!r}") from None
            if not np.all(np.isfinite(initial)):
                raise ValueError(f"initial_value must be finite, got {initial_value!r}")
        recorded = None
        if initial is not None:
            recorded = float(initial[0]) if np.all(initial == initial[0]) else initial.tolist()
        RecordConstructorArgs.__init__(self, window=int(window), initial_value=recorded)
        gym.ActionWrapper.__init__(self, env)
        self.window = int(window)
        self.initial_value = initial
        """The value the window starts full of (action units, one per dimension), or None."""
        self._history: deque[np.ndarray] = deque(maxlen=self.window)

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        """Reset the env and forget the action history."""
        self._history.clear()
        return self.env.reset(seed=seed, options=options)

    def action(self, action: Any) -> np.ndarray:
        """Record ``action`` and return the mean of the window (float32)."""
        value = np.asarray(action, dtype=np.float64)
        shape = self.env.action_space.shape
        if value.shape != shape or not np.all(np.isfinite(value)):
            raise ValueError(f"action must be finite numbers of shape {shape}, got {action!r}")
        self._history.append(value)
        if self.initial_value is None:
            mean = np.mean(self._history, axis=0)
        else:
            missing = self.window - len(self._history)
            mean = (np.sum(self._history, axis=0) + missing * self.initial_value) / self.window
        return mean.astype(self.env.action_space.dtype)
