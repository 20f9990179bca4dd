"""Positions: the world frame, the floor-top convention and cylindrical coordinates.

* **Frame.** The world frame: x and y horizontal, z up, origin on the arena's axis. Every position
  the public API takes or reports (observations, variables, interventions) has its z measured
  **from the floor top**, which lies at world z = :data:`FLOOR_HEIGHT` (0.011 m); PyBullet works in
  world z. :func:`to_world` and :func:`from_world` convert. Units: metres and radians.
* **Cylindrical coordinates** ``(r, phi, z)``: r the horizontal distance from the arena's axis (m),
  phi the azimuth ``atan2(y, x)`` in (-pi, pi] (rad), z from the floor top (m), as the original's
  ``cylindrical_position`` variables.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

Vector = tuple[float, float, float]

FLOOR_HEIGHT = 0.011
"""World z of the table top (m): the origin of every API z coordinate."""


def cylindrical_to_cartesian(r: float, phi: float, z: float) -> Vector:
    """(x, y, z) of a cylindrical point (r m, phi rad, z m); z is passed through (from the floor top)."""
    return (r * math.cos(phi), r * math.sin(phi), z)


def cartesian_to_cylindrical(x: float, y: float, z: float) -> Vector:
    """(r, phi, z) of a cartesian point, phi = atan2(y, x) in (-pi, pi]; z is passed through."""
    return (math.hypot(x, y), math.atan2(y, x), z)


def to_world(position: Sequence[float]) -> Vector:
    """A position with z from the floor top (the API's) -> PyBullet world coordinates (m)."""
    x, y, z = (float(v) for v in position)
    return (x, y, z + FLOOR_HEIGHT)


def from_world(position: Sequence[float]) -> Vector:
    """PyBullet world coordinates (m) -> a position with z from the floor top (the API's)."""
    x, y, z = (float(v) for v in position)
    return (x, y, z - FLOOR_HEIGHT)
