"""Axis-aligned hulls of oriented boxes and their overlaps: the benchmark's goal-overlap measure.

Positions and sizes in metres (any frame, as long as all arguments share it); orientations are
quaternions ``(x, y, z, w)``. Hulls are ``[[min x, y, z], [max x, y, z]]``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def box_hull(position: Sequence[float], orientation: Sequence[float], size: Sequence[float]) -> list[list[float]]:
    """Axis-aligned hull [[min x, y, z], [max x, y, z]] (m) of one oriented box, in plain Python."""
    x, y, z, w = orientation
    hx, hy, hz = size[0] / 2, size[1] / 2, size[2] / 2
    ex = abs(1 - 2 * (y * y + z * z)) * hx + abs(2 * (x * y - z * w)) * hy + abs(2 * (x * z + y * w)) * hz
    ey = abs(2 * (x * y + z * w)) * hx + abs(1 - 2 * (x * x + z * z)) * hy + abs(2 * (y * z - x * w)) * hz
    ez = abs(2 * (x * z - y * w)) * hx + abs(2 * (y * z + x * w)) * hy + abs(1 - 2 * (x * x + y * y)) * hz
    px, py, pz = position
    return [[px - ex, py - ey, pz - ez], [px + ex, py + ey, pz + ez]]


def hull_overlap(goal: list[list[float]], block: list[list[float]]) -> float:
    """Intersection volume of two axis-aligned hulls over the first one's volume, in plain Python."""
    inter = 1.0
    volume = 1.0
    for k in range(3):
        inter *= max(0.0, min(goal[1][k], block[1][k]) - max(goal[0][k], block[0][k]))
        volume *= goal[1][k] - goal[0][k]
    return min(1.0, inter / volume) if volume > 0 else 0.0


def box_hulls(positions: np.ndarray, orientations: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Axis-aligned hulls (n, 2, 3) of n oriented boxes: [min corner, max corner] (m).

    ``positions`` (n, 3), ``orientations`` (n, 4) quaternions xyzw, ``sizes`` (n, 3) edge lengths.
    """
    x, y, z, w = orientations.T
    rot = np.stack(
        [
            np.stack([1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)], -1),
            np.stack([2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)], -1),
            np.stack([2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)], -1),
        ],
        -2,
    )
    half = np.einsum("nij,nj->ni", np.abs(rot), sizes / 2)
    return np.stack([positions - half, positions + half], 1)


def volumetric_overlap(goal_hulls: np.ndarray, block_hulls: np.ndarray) -> float:
    """Sum over all (goal, block) pairs of the hull intersection volume, over the total goal volume.

    Both arguments are (n, 2, 3) hull arrays; returns 1.0 when there are no goals. This is the
    benchmark's fractional success, computed for all pairs at once.
    """
    if len(goal_hulls) == 0:
        return 1.0
    lo = np.maximum(goal_hulls[:, None, 0, :], block_hulls[None, :, 0, :])
    hi = np.minimum(goal_hulls[:, None, 1, :], block_hulls[None, :, 1, :])
    inter = np.prod(np.clip(hi - lo, 0.0, None), axis=-1).sum()
    total = np.prod(goal_hulls[:, 1, :] - goal_hulls[:, 0, :], axis=-1).sum()
    return float(min(1.0, inter / total)) if total > 0 else 0.0
