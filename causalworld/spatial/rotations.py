"""Rotations as causalworld (and the original benchmark) uses them: quaternions, rotation vectors, Euler angles.

* **Quaternions** are ``(x, y, z, w)``, scalar last, as PyBullet and the original use them; a
  rotation and its negated quaternion are the same rotation.
* **Rotation vectors** are the rotation axis times the angle (rad). The original's
  ``euler_orientation`` variables are rotation vectors despite their name (it used
  ``scipy.spatial.transform.Rotation.from_rotvec``); ours keep that meaning.
* **Euler angles** ``(roll, pitch, yaw)`` are PyBullet's ``getQuaternionFromEuler``: rotations about
  the fixed world x, then y, then z axes (the matrix is ``Rz(yaw) Ry(pitch) Rx(roll)``).

Functions return plain tuples of floats (exact, hashable), except :func:`quaternion_matrix` (a 3x3
NumPy array). Inputs may be any sequences of numbers. They are computed with Python's ``math`` on
doubles, so results are the same on every platform.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

Quaternion = tuple[float, float, float, float]
Vector = tuple[float, float, float]

IDENTITY: Quaternion = (0.0, 0.0, 0.0, 1.0)
"""The quaternion of no rotation."""


# -- quaternions ---------------------------------------------------------------------------------
def quaternion_multiply(a: Sequence[float], b: Sequence[float]) -> Quaternion:
    """Hamilton product ``a * b`` (xyzw): the rotation ``b`` followed by ``a``."""
    ax, ay, az, aw = (float(v) for v in a)
    bx, by, bz, bw = (float(v) for v in b)
    return (
        aw * bx + ax * bw + ay * bz - az * by,
        aw * by - ax * bz + ay * bw + az * bx,
        aw * bz + ax * by - ay * bx + az * bw,
        aw * bw - ax * bx - ay * by - az * bz,
    )


def quaternion_conjugate(q: Sequence[float]) -> Quaternion:
    """The inverse rotation of a unit quaternion (xyzw)."""
    x, y, z, w = (float(v) for v in q)
    return (-x, -y, -z, w)


def quaternion_matrix(q: Sequence[float]) -> np.ndarray:
    """The 3x3 rotation matrix of a unit quaternion (xyzw); its columns are the body axes in the world."""
    x, y, z, w = q
    return np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
            [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
            [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
        ]
    )


def rotate(q: Sequence[float], vector: Sequence[float]) -> Vector:
    """``vector`` rotated by the unit quaternion ``q`` (xyzw)."""
    x, y, z = (float(v) for v in quaternion_matrix(q) @ np.asarray(vector, dtype=np.float64))
    return (x, y, z)


def yaw_quaternion(yaw: float) -> Quaternion:
    """The quaternion (xyzw) of a rotation by ``yaw`` (rad) about the world z axis."""
    return (0.0, 0.0, math.sin(yaw / 2), math.cos(yaw / 2))


def orientation_error(q_a: Sequence[float], q_b: Sequence[float]) -> float:
    """The angle (rad, in [0, pi]) of the rotation between two unit quaternions (xyzw)."""
    dot = abs(q_a[0] * q_b[0] + q_a[1] * q_b[1] + q_a[2] * q_b[2] + q_a[3] * q_b[3])
    return 2.0 * math.acos(min(1.0, dot))


def random_quaternion(rng: np.random.Generator) -> Quaternion:
    """A rotation uniformly distributed over all rotations, as a unit quaternion (xyzw) with w >= 0."""
    q = rng.normal(size=4)
    q /= np.linalg.norm(q)
    x, y, z, w = (float(v) for v in (q if q[3] >= 0 else -q))
    return (x, y, z, w)


# -- rotation vectors ----------------------------------------------------------------------------
def rotation_vector_to_quaternion(rotvec: Sequence[float]) -> Quaternion:
    """The unit quaternion (xyzw) of a rotation vector (axis times angle, rad)."""
    x, y, z = (float(v) for v in rotvec)
    angle = math.sqrt(x * x + y * y + z * z)
    if angle < 1e-12:
        return IDENTITY
    s = math.sin(angle / 2) / angle
    return (x * s, y * s, z * s, math.cos(angle / 2))


def quaternion_to_rotation_vector(q: Sequence[float]) -> Vector:
    """The rotation vector (axis times angle, angle in [0, pi], rad) of a unit quaternion (xyzw)."""
    x, y, z, w = (float(v) for v in q)
    if w < 0:
        x, y, z, w = -x, -y, -z, -w
    norm = math.sqrt(x * x + y * y + z * z)
    if norm < 1e-15:
        return (0.0, 0.0, 0.0)
    k = 2.0 * math.atan2(norm, w) / norm
    return (x * k, y * k, z * k)


# -- Euler angles (PyBullet's convention) ----------------------------------------------------------
def euler_to_quaternion(euler: Sequence[float]) -> Quaternion:
    """The quaternion (xyzw) of Euler angles ``(roll, pitch, yaw)`` (rad) about the fixed x, y, z axes."""
    roll, pitch, yaw = (float(v) for v in euler)
    cr, sr = math.cos(roll / 2), math.sin(roll / 2)
    cp, sp = math.cos(pitch / 2), math.sin(pitch / 2)
    cy, sy = math.cos(yaw / 2), math.sin(yaw / 2)
    return (
        sr * cp * cy - cr * sp * sy,
        cr * sp * cy + sr * cp * sy,
        cr * cp * sy - sr * sp * cy,
        cr * cp * cy + sr * sp * sy,
    )


def quaternion_to_euler(q: Sequence[float]) -> Vector:
    """Euler angles ``(roll, pitch, yaw)`` (rad; pitch in [-pi/2, pi/2]) of a unit quaternion (xyzw)."""
    x, y, z, w = (float(v) for v in q)
    roll = math.atan2(2 * (w * x + y * z), 1 - 2 * (x * x + y * y))
    pitch = math.asin(max(-1.0, min(1.0, 2 * (w * y - z * x))))
    yaw = math.atan2(2 * (w * z + x * y), 1 - 2 * (y * y + z * z))
    return (roll, pitch, yaw)


def wrap_angle(angle: float) -> float:
    """``angle`` (rad) wrapped into [-pi, pi)."""
    return (angle + math.pi) % (2.0 * math.pi) - math.pi
