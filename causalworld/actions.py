"""Action modes: their bounds, validation, clipping and (de)normalization.

* ``joint_positions``: PD targets (rad, 9), bounds low (-1.57, -1.2, -3.0) high (1.0, 1.57, 3.0)
  per finger.
* ``joint_torques``: motor torques (N m, 9), bounds +-0.36.
* ``end_effector_positions``: fingertip targets (m, 9, world frame, z from the floor top), bounds
  (-0.5, -0.5, 0) to (0.5, 0.5, 0.5) per finger; solved by inverse kinematics, then PD.

With ``normalize_actions`` the action space is [-1, 1]^9 and maps linearly onto the bounds.
Actions outside the space are clipped; actions of the wrong shape or with NaN or infinity are
refused with a ValueError before anything changes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from causalworld.sim import geometry as g
from causalworld.sim.robot import MAX_TORQUE

JOINT_POSITIONS = "joint_positions"
JOINT_TORQUES = "joint_torques"
END_EFFECTOR_POSITIONS = "end_effector_positions"

ACTION_BOUNDS: dict[str, tuple[tuple[float, ...], tuple[float, ...]]] = {
    JOINT_POSITIONS: (g.JOINT_LOWER, g.JOINT_UPPER),
    JOINT_TORQUES: ((-MAX_TORQUE,) * 9, (MAX_TORQUE,) * 9),
    END_EFFECTOR_POSITIONS: ((-0.5, -0.5, 0.0) * 3, (0.5, 0.5, 0.5) * 3),
}


class ActionMode:
    """Converts agent actions into robot commands for one action mode."""

    def __init__(self, mode: str, normalized: bool) -> None:
        if mode not in ACTION_BOUNDS:
            raise ValueError(f"action_mode must be one of {sorted(ACTION_BOUNDS)}, got {mode!r}")
        self.mode = mode
        self.normalized = bool(normalized)
        low, high = ACTION_BOUNDS[mode]
        self.low = np.array(low, dtype=np.float64)
        self.high = np.array(high, dtype=np.float64)
        self._half_span = (self.high - self.low) / 2.0
        self.space_low = -np.ones(9) if self.normalized else self.low
        self.space_high = np.ones(9) if self.normalized else self.high

    def to_command(self, action: Sequence[float] | np.ndarray) -> list[float]:
        """Validate, clip and denormalize an action into 9 raw command values."""
        try:
            array = np.asarray(action, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"action must be 9 numbers for action_mode {self.mode!r}, got {action!r}") from None
        if array.shape != (9,):
            raise ValueError(
                f"action must have shape (9,) for action_mode {self.mode!r}, got shape {array.shape}"
            )
        if not np.isfinite(array).all():
            bad = np.flatnonzero(~np.isfinite(array)).tolist()
            raise ValueError(f"action contains NaN or infinity at indices {bad}: {array.tolist()}")
        array = np.clip(array, self.space_low, self.space_high)
        if self.normalized:
            array = self.low + (array + 1.0) * self._half_span
        return array.tolist()

    def normalize(self, command: Sequence[float] | np.ndarray) -> np.ndarray:
        """Map raw command values (or a batch, last axis) onto [-1, 1]."""
        return (np.asarray(command, dtype=np.float64) - self.low) / self._half_span - 1.0

    def denormalize(self, action: Sequence[float] | np.ndarray) -> np.ndarray:
        """Map [-1, 1] actions (or a batch, last axis) back to raw command values."""
        return self.low + (np.asarray(action, dtype=np.float64) + 1.0) * self._half_span
