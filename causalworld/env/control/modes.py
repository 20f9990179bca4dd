"""Action modes: their bounds, validation, clipping and (de)normalization.

* ``joint_positions``: PD targets (rad, 9), bounds low (-1.57, -1.2, -3.0) high (1.0, 1.57, 3.0)
  per finger.
* ``joint_torques``: motor torques (N m, 9), bounds +-0.36.
* ``end_effector_positions``: fingertip targets (m, 9, world frame, z from the floor top), bounds
  (-0.5, -0.5, 0) to (0.5, 0.5, 0.5) per finger; solved by inverse kinematics, then PD.

With ``normalize_actions`` the action space is [-1, 1]^9 and maps linearly onto the bounds.

Clip or refuse: finite actions outside the space (however large) are clipped into it, as Gymnasium
users expect of a Box. Anything that is not 9 real numbers -- a wrong shape, strings, booleans,
complex numbers, objects, NaN or infinity -- is refused with :class:`ActionError` (a ValueError)
naming the action space and what was given, before anything changes.
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


ACCEPTED_KINDS = "iuf"
"""NumPy dtype kinds an action may have: signed and unsigned integers and floats."""


class ActionError(ValueError):
    """An action that is not 9 finite real numbers; nothing was changed."""


def _describe(action: object, limit: int = 160) -> str:
    """A short description of what was given: type, dtype and shape when it has them, and its repr."""
    text = repr(action)
    if len(text) > limit:
        text = f"{text[:limit]}... ({len(text)} characters)"
    dtype, shape = getattr(action, "dtype", None), getattr(action, "shape", None)
    kind = type(action).__name__ + (f" of dtype {dtype}" if dtype is not None else "")
    return f"{kind}{f' with shape {tuple(shape)}' if shape is not None else ''}: {text}"


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

    def describe_space(self) -> str:
        """The action space in words, for error messages."""
        scale = "normalized to [-1, 1]" if self.normalized else f"low {self.low.tolist()}, high {self.high.tolist()}"
        return f"Box of shape (9,), float32, action_mode {self.mode!r} ({scale})"

    def check(self, action: Sequence[float] | np.ndarray) -> np.ndarray:
        """The action as 9 float64 values, unclipped; raises :class:`ActionError` for anything else."""
        try:
            array = np.asarray(action)
        except (TypeError, ValueError):  # ragged nesting, objects refusing conversion
            array = None
        if array is None or array.dtype.kind not in ACCEPTED_KINDS:
            raise ActionError(
                f"action must be 9 numbers (integers or floats) for the action space {self.describe_space()}; "
                f"got {_describe(action)}"
            )
        if array.shape != (9,):
            raise ActionError(
                f"action must have shape (9,) for the action space {self.describe_space()}; "
                f"got shape {array.shape} ({_describe(action)})"
            )
        array = array.astype(np.float64)
        if not np.isfinite(array).all():
            bad = np.flatnonzero(~np.isfinite(array)).tolist()
            raise ActionError(
                f"action contains NaN or infinity at indices {bad} for the action space "
                f"{self.describe_space()}; got {array.tolist()}"
            )
        return array

    def to_command(self, action: Sequence[float] | np.ndarray) -> list[float]:
        """Validate, clip and denormalize an action into 9 raw command values."""
        array = np.clip(self.check(action), self.space_low, self.space_high)
        if self.normalized:
            array = self.low + (array + 1.0) * self._half_span
        return array.tolist()

    def normalize(self, command: Sequence[float] | np.ndarray) -> np.ndarray:
        """Map raw command values (or a batch, last axis) onto [-1, 1]."""
        return (np.asarray(command, dtype=np.float64) - self.low) / self._half_span - 1.0

    def denormalize(self, action: Sequence[float] | np.ndarray) -> np.ndarray:
        """Map [-1, 1] actions (or a batch, last axis) back to raw command values."""
        return self.low + (np.asarray(action, dtype=np.float64) + 1.0) * self._half_span
