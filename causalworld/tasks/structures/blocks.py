"""What every goal-structure generator shares: the block description, arena limits, argument checks.

Units are metres. Positions are block centres in the world frame with z measured from the floor
top (world z - ``FLOOR_HEIGHT``); orientations are unit quaternions (x, y, z, w); sizes are full
edge lengths. The generators themselves live in :mod:`causalworld.tasks.structures.tower_goals`,
:mod:`causalworld.tasks.structures.wall_goals` and :mod:`causalworld.tasks.structures.general_goals`;
:mod:`causalworld.tasks.structures` gathers them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from causalworld.tasks.base import quaternion_matrix

Vec3 = tuple[float, float, float]
Quat = tuple[float, float, float, float]
IDENTITY: Quat = (0.0, 0.0, 0.0, 1.0)

ARENA_RADIUS = 0.2
"""Every corner of a block placed on the floor lies strictly inside this radius (m) from the centre."""
GOAL_RADIUS = 0.15
"""Every corner of a wall goal lies inside this radius (m): the benchmark's reachable working area."""
LAYOUT_START, LAYOUT_END, LAYOUT_GAP = -0.12, 0.12, 0.005
"""Towers start layout: first cell (m, in x and y), wrap coordinate (m) and gap between blocks (m)."""
LAYOUT_FILL_STEP = 0.005
"""Grid step (m) of the towers layout's fallback cells."""
_EPS = 1e-9


@dataclass(frozen=True)
class BlockSpec:
    """A cuboid block.

    ``size``: full edge lengths (m); ``position``: centre (m, z from the floor top);
    ``orientation``: unit quaternion (x, y, z, w; world frame).
    """

    size: Vec3
    position: Vec3
    orientation: Quat = IDENTITY


# -- validation -----------------------------------------------------------------------------------
def _vector(func: str, name: str, value: Any, length: int, positive: bool = False) -> tuple[float, ...]:
    """``value`` as ``length`` finite floats (> 0 if ``positive``), or a ValueError naming func and name."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{func}: {name} must be {length} numbers, got {value!r}") from None
    if array.shape != (length,) or not np.all(np.isfinite(array)):
        raise ValueError(f"{func}: {name} must be {length} finite numbers, got {value!r}")
    if positive and not np.all(array > 0):
        raise ValueError(f"{func}: {name} must be > 0 (m), got {value!r}")
    return tuple(float(v) for v in array)


def _positive(func: str, name: str, value: Any) -> float:
    """``value`` as a finite float > 0, or a ValueError naming func and name."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{func}: {name} must be a number, got {value!r}") from None
    if not (math.isfinite(number) and number > 0):
        raise ValueError(f"{func}: {name} must be a finite number > 0, got {value!r}")
    return number


def _integer(func: str, name: str, value: Any, low: int, high: int) -> int:
    """``value`` as an int in [low, high] (integral floats accepted, bools not), or a ValueError."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{func}: {name} must be an integer in [{low}, {high}], got {value!r}") from None
    if isinstance(value, bool) or not number.is_integer() or not low <= number <= high:
        raise ValueError(f"{func}: {name} must be an integer in [{low}, {high}], got {value!r}")
    return int(number)


def _generator(func: str, rng: Any) -> np.random.Generator:
    """``rng`` if it is a numpy Generator (never the global RNG), else a ValueError."""
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"{func}: rng must be a numpy.random.Generator, got {type(rng).__name__}")
    return rng


def _size3(func: str, name: str, value: Any) -> Vec3:
    """Full edge lengths (m, > 0) from one number (a cube) or three, or a ValueError."""
    if np.ndim(value) == 0:
        side = _positive(func, name, value)
        return (side, side, side)
    return _vector(func, name, value, 3, positive=True)  # type: ignore[return-value]


def _non_negative(func: str, name: str, value: Any) -> float:
    """``value`` as a finite float >= 0 (m), or a ValueError naming func and name."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not (math.isfinite(number) and number >= 0):
        raise ValueError(f"{func}: {name} must be a finite number >= 0 (m), got {value!r}")
    return number


# -- geometry -------------------------------------------------------------------------------------
def block_corners(spec: BlockSpec) -> np.ndarray:
    """The 8 corners (8, 3) of a block in the world frame (m, z from the floor top)."""
    signs = np.array([[sx, sy, sz] for sx in (-1, 1) for sy in (-1, 1) for sz in (-1, 1)], dtype=float)
    local = signs * np.asarray(spec.size) / 2
    return local @ quaternion_matrix(spec.orientation).T + np.asarray(spec.position)
