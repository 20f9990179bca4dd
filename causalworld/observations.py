"""The structured observation: named fields, their bounds, and the float32 buffer they fill.

Layout (as in the original benchmark): the robot part first -- ``time_left_for_task`` (s, 1),
``joint_positions`` (rad, 9), ``joint_velocities`` (rad/s, 9), ``end_effector_positions``
(m, 9, z from the floor top) -- then one slot per task object in the task's order:

* movable block, 17 values: type, size (m, 3), cartesian_position (m, 3), orientation
  (quaternion xyzw, 4), linear_velocity (m/s, 3), angular_velocity (rad/s, 3);
* goal silhouette or fixed block, 11 values: type, size, cartesian_position, orientation;
* point goal (reaching), 3 values: cartesian_position.

Positions and velocities are in the world frame. Type ids: 1 block, 10 fixed block, 20 goal
cuboid, 21 goal sphere; 0 marks an empty slot. Every observation is clipped into the declared
bounds; normalized observations map each bound linearly onto [-1, 1].
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from causalworld.sim import geometry as g
from causalworld.sim.robot import MAX_JOINT_VELOCITY

POSITION_BOUNDS = ((-0.5, -0.5, 0.0), (0.5, 0.5, 0.5))
"""Bounds of any position (m, z from the floor top)."""
TYPE_BOUNDS = (0.0, 25.0)
SIZE_BOUNDS = (0.0, 0.5)
"""Edge lengths (m): 0 for empty slots, up to the longest fixed obstacle."""
QUATERNION_BOUNDS = (-1.0, 1.0)
LINEAR_VELOCITY_BOUNDS = (-0.5, 0.5)
ANGULAR_VELOCITY_BOUNDS = (-math.pi, math.pi)

RIGID, SILHOUETTE, POINT = "rigid", "silhouette", "point"
"""Slot kinds: a movable block (17 values), a silhouette or fixed block (11), a point goal (3)."""

_OBJECT_FIELDS = {
    RIGID: ("type", "size", "cartesian_position", "orientation", "linear_velocity", "angular_velocity"),
    SILHOUETTE: ("type", "size", "cartesian_position", "orientation"),
    POINT: ("cartesian_position",),
}


@dataclass(frozen=True)
class Field:
    """One named part of the observation vector, with its raw bounds."""

    name: str
    low: tuple[float, ...]
    high: tuple[float, ...]

    @property
    def size(self) -> int:
        """Number of values."""
        return len(self.low)


def _field(name: str, low, high, n: int) -> Field:
    low_t = tuple(float(v) for v in (low if isinstance(low, Sequence) else [low] * n))
    high_t = tuple(float(v) for v in (high if isinstance(high, Sequence) else [high] * n))
    return Field(name, low_t, high_t)


def robot_fields(episode_seconds: float) -> list[Field]:
    """The 28 robot values: time left (s), joint positions, joint velocities, fingertip positions."""
    lo, hi = POSITION_BOUNDS
    return [
        _field("time_left_for_task", 0.0, episode_seconds, 1),
        _field("joint_positions", g.JOINT_LOWER, g.JOINT_UPPER, 9),
        _field("joint_velocities", -MAX_JOINT_VELOCITY, MAX_JOINT_VELOCITY, 9),
        _field("end_effector_positions", lo * 3, hi * 3, 9),
    ]


def object_fields(name: str, kind: str) -> list[Field]:
    """Fields of one task object slot; ``kind`` is RIGID, SILHOUETTE or POINT."""
    bounds = {
        "type": (TYPE_BOUNDS[0], TYPE_BOUNDS[1], 1),
        "size": (SIZE_BOUNDS[0], SIZE_BOUNDS[1], 3),
        "cartesian_position": (POSITION_BOUNDS[0], POSITION_BOUNDS[1], 3),
        "orientation": (QUATERNION_BOUNDS[0], QUATERNION_BOUNDS[1], 4),
        "linear_velocity": (LINEAR_VELOCITY_BOUNDS[0], LINEAR_VELOCITY_BOUNDS[1], 3),
        "angular_velocity": (ANGULAR_VELOCITY_BOUNDS[0], ANGULAR_VELOCITY_BOUNDS[1], 3),
    }
    return [_field(f"{name}_{key}", *bounds[key]) for key in _OBJECT_FIELDS[kind]]


class ObservationLayout:
    """Offsets and bounds of every field, and the (de)normalization of whole vectors."""

    def __init__(self, fields: Sequence[Field]) -> None:
        self.fields = tuple(fields)
        self.slices: dict[str, slice] = {}
        start = 0
        for field in self.fields:
            if field.name in self.slices:
                raise ValueError(f"duplicate observation field {field.name!r}")
            self.slices[field.name] = slice(start, start + field.size)
            start += field.size
        self.size = start
        self.low = np.array([v for f in self.fields for v in f.low], dtype=np.float64)
        self.high = np.array([v for f in self.fields for v in f.high], dtype=np.float64)
        span = self.high - self.low
        if np.any(span <= 0):
            bad = [f.name for f in self.fields if any(h <= lo for lo, h in zip(f.low, f.high))]
            raise ValueError(f"observation fields with empty bounds: {bad}")
        self._scale = 2.0 / span
        self.low32 = self.low.astype(np.float32)
        self.high32 = self.high.astype(np.float32)

    def index(self, name: str) -> slice:
        """The slice of a field, e.g. ``layout.index("tool_block_cartesian_position")``."""
        try:
            return self.slices[name]
        except KeyError:
            raise KeyError(f"no observation field {name!r}; fields: {list(self.slices)}") from None

    def finish(self, raw: np.ndarray, normalize: bool) -> np.ndarray:
        """A new float32 observation from the raw float64 buffer: clipped, optionally normalized."""
        if normalize:
            out = (raw - self.low) * self._scale - 1.0
            np.clip(out, -1.0, 1.0, out=out)
            return out.astype(np.float32)
        return np.clip(raw, self.low, self.high).astype(np.float32)

    def normalize(self, observation: np.ndarray) -> np.ndarray:
        """Map a raw observation (or a batch, last axis) onto [-1, 1]."""
        return ((np.asarray(observation, dtype=np.float64) - self.low) * self._scale - 1.0).astype(np.float32)

    def denormalize(self, observation: np.ndarray) -> np.ndarray:
        """Inverse of :meth:`normalize`: map [-1, 1] back to raw units."""
        return ((np.asarray(observation, dtype=np.float64) + 1.0) / self._scale + self.low).astype(np.float32)
