"""The structured observation: named fields, their bounds, and the float32 buffer they fill.

The layout, the bounds and the normalization are the original benchmark's, so that agents trained
there run here unchanged. The robot part comes first -- ``time_left_for_task`` (s, 1),
``joint_positions`` (rad, 9), ``joint_velocities`` (rad/s, 9), ``end_effector_positions`` (m, 9,
z from the floor top) -- then one slot per task object in the task's order
(:meth:`causalworld.tasks.base.Task.observation_slots`):

* movable block, 17 values: type, size (m, 3), cartesian_position (m, 3), orientation
  (quaternion xyzw, 4), linear_velocity (m/s, 3), angular_velocity (rad/s, 3);
* goal silhouette or fixed block, 11 values: type, size, cartesian_position, orientation;
* point goal (reaching), 3 values: cartesian_position.

Positions and velocities are in the world frame. Type ids: 1 block, 10 fixed block, 20 goal
cuboid, 21 goal sphere; 0 marks an empty slot (families whose number of objects can change).

Normalization (``normalize_observations=True``) maps each field's bounds linearly onto [-1, 1]:
``2 (x - low) / (high - low) - 1``, with the original's bounds -- joint positions
[-1.57, -1.2, -3.0]..[1.0, 1.57, 3.0], joint velocities +-50 rad/s, positions
[-0.5, -0.5, 0]..[0.5, 0.5, 0.5] m, sizes [0.03, 0.1] m, quaternion components [-10, 10] (so a unit
quaternion maps to +-0.1), linear velocities +-0.5 m/s, angular velocities +-pi rad/s, time left
[0, episode seconds]. Type ids are left raw. Values outside these bounds are not clipped to them,
as in the original, whose trained agents depend on it (clipping block velocities to +-1 drops the
pick_and_place agent's final success from 1.00 to 0.00, measured with ``benchmarks/parity.py``).

The declared observation space is these bounds (normalized: [-1, 1]; type ids: their possible
values), widened where values leave them in ordinary play: joint angles to their URDF limits plus
0.5 rad, joint velocities to +-100 rad/s, block velocities to +-10 m/s and +-200 rad/s
(:data:`PHYSICAL_LIMITS`, the limits beyond which :mod:`causalworld.sim.health` reports a blown-up
simulation), and sizes to the sizes a task's objects have by construction (pick_and_place's 0.5 m
obstacle, 1 cm reaching obstacles). A value outside the declared space is clipped into it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from causalworld.sim.health import DEFAULT_LIMITS
from causalworld.sim.robots import TRIFINGER_EDU, RobotSpec
from causalworld.tasks.slots import POINT, RIGID, SILHOUETTE, Slot
from causalworld.variables.limits import ANGULAR_VELOCITY_BOUNDS, LINEAR_VELOCITY_BOUNDS, POSITION_BOUNDS

SIZE_BOUNDS = (0.03, 0.1)
"""Normalization bounds of an object's edge lengths (m)."""
QUATERNION_BOUNDS = (-10.0, 10.0)
"""Normalization bounds of each quaternion component (the original's: a unit quaternion maps to +-0.1)."""

_OBJECT_FIELDS = {
    RIGID: ("type", "size", "cartesian_position", "orientation", "linear_velocity", "angular_velocity"),
    SILHOUETTE: ("type", "size", "cartesian_position", "orientation"),
    POINT: ("cartesian_position",),
}


@dataclass(frozen=True)
class Field:
    """One named part of the observation vector.

    ``low``/``high`` are the normalization bounds; ``raw`` fields (type ids) are left raw when
    normalizing; ``space_low``/``space_high`` are the declared bounds in raw units (default: the
    normalization bounds).
    """

    name: str
    low: tuple[float, ...]
    high: tuple[float, ...]
    raw: bool = False
    space_low: tuple[float, ...] | None = None
    space_high: tuple[float, ...] | None = None

    @property
    def size(self) -> int:
        """Number of values."""
        return len(self.low)


def _vec(value, n: int) -> tuple[float, ...]:
    return tuple(float(v) for v in (value if isinstance(value, Sequence) else [value] * n))


def _field(name: str, low, high, n: int, **kwargs) -> Field:
    return Field(name, _vec(low, n), _vec(high, n), **kwargs)


JOINT_MARGIN = 0.5
"""Overshoot (rad) of a joint beyond its URDF limit that the declared space still holds."""
PHYSICAL_LIMITS = {
    "joint_velocities": (-DEFAULT_LIMITS.max_joint_speed, DEFAULT_LIMITS.max_joint_speed),
    "linear_velocity": (-DEFAULT_LIMITS.max_block_speed, DEFAULT_LIMITS.max_block_speed),
    "angular_velocity": (-DEFAULT_LIMITS.max_block_spin, DEFAULT_LIMITS.max_block_spin),
}
"""Declared (raw) bounds of the fields whose values leave their normalization bounds in ordinary play:
the original did not clip them and its trained agents rely on those values (a block spinning faster
than pi rad/s, a joint beyond its action bound). Beyond these limits the simulation counts as blown
up (:mod:`causalworld.sim.health`) and the value is clipped. Joint positions: the robot's hard
limits widened by :data:`JOINT_MARGIN` (see :func:`robot_fields`)."""


def _physical(key: str, n: int) -> dict[str, tuple[float, ...]]:
    low, high = PHYSICAL_LIMITS[key]
    return {"space_low": _vec(low, n), "space_high": _vec(high, n)}


def robot_fields(episode_seconds: float, robot: RobotSpec = TRIFINGER_EDU) -> list[Field]:
    """The 28 robot values: time left (s), joint positions, joint velocities, fingertip positions."""
    lo, hi = POSITION_BOUNDS
    joints = {"space_low": tuple(v - JOINT_MARGIN for v in robot.hard_joint_lower * 3),
              "space_high": tuple(v + JOINT_MARGIN for v in robot.hard_joint_upper * 3)}
    speed = robot.max_joint_velocity
    return [
        _field("time_left_for_task", 0.0, episode_seconds, 1),
        _field("joint_positions", robot.joint_lower, robot.joint_upper, 9, **joints),
        _field("joint_velocities", -speed, speed, 9, **_physical("joint_velocities", 9)),
        _field("end_effector_positions", lo * 3, hi * 3, 9),
    ]


def object_fields(slot: Slot) -> list[Field]:
    """Fields of one task object slot, in the original's order."""
    fields = []
    for key in _OBJECT_FIELDS[slot.kind]:
        name = f"{slot.name}_{key}"
        if key == "type":
            low = 0.0 if slot.optional else float(slot.type_id)
            fields.append(_field(name, low, float(slot.type_id), 1, raw=True))
        elif key == "size":
            low, high = (SIZE_BOUNDS[0],) * 3, (SIZE_BOUNDS[1],) * 3
            if slot.size_range is not None:
                low = tuple(min(a, b) for a, b in zip(low, slot.size_range[0]))
                high = tuple(max(a, b) for a, b in zip(high, slot.size_range[1]))
            if slot.optional:
                low = (0.0,) * 3  # an empty slot's size is 0
            fields.append(_field(name, *SIZE_BOUNDS, 3, space_low=low, space_high=high))
        else:
            bounds = {
                "cartesian_position": POSITION_BOUNDS,
                "orientation": QUATERNION_BOUNDS,
                "linear_velocity": LINEAR_VELOCITY_BOUNDS,
                "angular_velocity": ANGULAR_VELOCITY_BOUNDS,
            }[key]
            extra = _physical(key, 3) if key in PHYSICAL_LIMITS else {}
            fields.append(_field(name, *bounds, 4 if key == "orientation" else 3, **extra))
    return fields


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
        """Normalization lower bounds (raw units)."""
        self.high = np.array([v for f in self.fields for v in f.high], dtype=np.float64)
        self.raw_mask = np.array([f.raw for f in self.fields for _ in f.low], dtype=bool)
        """Values left raw by normalization (type ids)."""
        self._raw_index = np.flatnonzero(self.raw_mask)
        span = self.high - self.low
        bad = [f.name for f in self.fields if not f.raw and any(h <= lo for lo, h in zip(f.low, f.high))]
        if bad:
            raise ValueError(f"observation fields with empty bounds: {bad}")
        self._scale = np.where(self.raw_mask, 1.0, 2.0 / np.where(span > 0, span, 1.0))
        self.space_low = np.array([v for f in self.fields for v in (f.space_low or f.low)], dtype=np.float64)
        """Declared lower bounds in raw units."""
        self.space_high = np.array([v for f in self.fields for v in (f.space_high or f.high)], dtype=np.float64)
        self.normalized_low = self.normalize(self.space_low).astype(np.float64)
        """Declared lower bounds of normalized observations."""
        self.normalized_high = self.normalize(self.space_high).astype(np.float64)
        self.low32 = self.space_low.astype(np.float32)
        self.high32 = self.space_high.astype(np.float32)

    def index(self, name: str) -> slice:
        """The slice of a field, e.g. ``layout.index("tool_block_cartesian_position")``."""
        try:
            return self.slices[name]
        except KeyError:
            raise KeyError(f"no observation field {name!r}; fields: {list(self.slices)}") from None

    def space_bounds(self, normalized: bool) -> tuple[np.ndarray, np.ndarray]:
        """(low, high) float32 bounds of the declared observation space."""
        if normalized:
            return self.normalized_low.astype(np.float32), self.normalized_high.astype(np.float32)
        return self.low32, self.high32

    def finish(self, raw: np.ndarray, normalize: bool) -> np.ndarray:
        """A new float32 observation from the raw float64 buffer: optionally normalized, clipped into the space."""
        if normalize:
            out = self._normalized(raw)
            low, high = self.normalized_low, self.normalized_high
        else:
            out, low, high = raw.copy(), self.space_low, self.space_high
        np.maximum(out, low, out=out)
        np.minimum(out, high, out=out)
        return out.astype(np.float32)

    def _normalized(self, raw: np.ndarray) -> np.ndarray:
        out = raw - self.low
        out *= self._scale
        out -= 1.0
        out[..., self._raw_index] = raw[..., self._raw_index]
        return out

    def normalize(self, observation: np.ndarray) -> np.ndarray:
        """Map a raw observation (or a batch, last axis) as the original does (type ids stay raw)."""
        return self._normalized(np.asarray(observation, dtype=np.float64)).astype(np.float32)

    def denormalize(self, observation: np.ndarray) -> np.ndarray:
        """Inverse of :meth:`normalize`: back to raw units."""
        obs = np.asarray(observation, dtype=np.float64)
        out = (obs + 1.0) / self._scale + self.low
        out[..., self._raw_index] = obs[..., self._raw_index]
        return out.astype(np.float32)
