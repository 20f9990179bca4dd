"""Small helpers the block tasks share.

Argument checks, fingertip distance, size coupling, and the all-pairs overlap meter (fractional
success of every goal against every block at once).

Units: metres, kilograms; positions with z from the floor top; quaternions (x, y, z, w).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from causalworld.sim.stage import Stage
from causalworld.spatial import box_hull, box_hulls, volumetric_overlap
from causalworld.tasks.base import GoalMeasure, SceneState, as_vector
from causalworld.variables.limits import POSITION_BOUNDS


def check_mass(name: str, value: Any) -> float:
    """A positive, finite mass (kg) or a ValueError naming the argument."""
    try:
        mass = float(value)
    except (TypeError, ValueError):
        mass = math.nan
    if not (math.isfinite(mass) and mass > 0):
        raise ValueError(f"{name} must be a positive number of kg, got {value!r}")
    return mass


def check_position(name: str, value: Any) -> tuple[float, float, float]:
    """A position (m, z from the floor top) inside the observable volume, or a ValueError."""
    position = as_vector(name, value, 3)
    low, high = POSITION_BOUNDS
    if not all(lo <= v <= hi for lo, v, hi in zip(low, position, high)):
        raise ValueError(f"{name} must lie between {low} and {high} m, got {value!r}")
    return position  # type: ignore[return-value]


def check_quaternion(name: str, value: Any) -> tuple[float, float, float, float]:
    """A unit quaternion (x, y, z, w), renormalized to machine precision, or a ValueError."""
    q = as_vector(name, value, 4)
    norm = math.sqrt(sum(v * v for v in q))
    if abs(norm - 1.0) > 1e-3:
        raise ValueError(f"{name} must be a unit quaternion (x, y, z, w), got {value!r} (norm {norm:.4g})")
    return tuple(v / norm for v in q)  # type: ignore[return-value]


def tips_distance(tips: Sequence[float], point: Sequence[float]) -> float:
    """Norm of the 3x3 differences between the three fingertips (9 values) and one point (m)."""
    px, py, pz = point
    return math.sqrt(
        sum((tips[i] - px) ** 2 + (tips[i + 1] - py) ** 2 + (tips[i + 2] - pz) ** 2 for i in (0, 3, 6))
    )


def velocity_change(current: Sequence[float], previous: Sequence[float]) -> float:
    """Norm of the change between two joint-velocity vectors (rad/s)."""
    return math.sqrt(sum((a - b) ** 2 for a, b in zip(current, previous)))


def share_sizes(values: dict[str, np.ndarray], names: Sequence[str]) -> None:
    """Copy a size given for one of ``names`` to the others that got none (an intervention dict)."""
    given = [values[f"{name}.size"] for name in names if f"{name}.size" in values]
    if given:
        for name in names:
            values.setdefault(f"{name}.size", given[0].copy())


def seat_on_floor(values: dict[str, np.ndarray], registry, names: Sequence[str]) -> None:
    """Objects among ``names`` that get a new size but no new position are put to rest on the floor."""
    for name in names:
        size = values.get(f"{name}.size")
        placed = any(f"{name}.{key}" in values for key in ("cartesian_position", "cylindrical_position"))
        if size is not None and not placed:
            position = registry[f"{name}.cartesian_position"].read()
            position[2] = size[2] / 2
            values[f"{name}.cartesian_position"] = position


class OverlapMeter:
    """Fractional success over every (goal silhouette, movable block) pair at once.

    Goal hulls (``box_hulls``) are recomputed only when the stage reports a change
    (``Stage.version``). Block hulls come from the live states in :class:`SceneState`, one
    ``box_hull`` each: for one or two blocks that is several times faster than the vectorized form,
    and this runs every step. ``volumetric_overlap`` then sums all pairs.
    """

    def __init__(self, stage: Stage, goals: Sequence[str], blocks: Sequence[str]) -> None:
        self.stage = stage
        self.goals = [stage.silhouettes[name] for name in goals]
        self.blocks = [stage.blocks[name] for name in blocks]
        self._version = -1
        self._goal_hulls = np.zeros((0, 2, 3))

    def goal_hulls(self) -> np.ndarray:
        """Axis-aligned hulls (n_goals, 2, 3) of the goal silhouettes (m)."""
        if self._version != self.stage.version:
            self._version = self.stage.version
            self._goal_hulls = box_hulls(
                np.array([g.position for g in self.goals], dtype=np.float64),
                np.array([g.orientation for g in self.goals], dtype=np.float64),
                np.array([g.size for g in self.goals], dtype=np.float64),
            )
        return self._goal_hulls

    def __call__(self, state: SceneState) -> GoalMeasure:
        blocks = state.blocks
        achieved = np.array(
            [box_hull(blocks[b.name].position, blocks[b.name].orientation, b.size) for b in self.blocks]
        )
        desired = self.goal_hulls()
        return GoalMeasure(desired.copy(), achieved, volumetric_overlap(desired, achieved))


