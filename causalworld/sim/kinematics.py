"""Forward and inverse kinematics of the TriFinger fingertips, in closed form.

Joint positions are in radians in the API order (finger 60 upper, middle, lower; finger 120 ...;
finger 300 ...). Fingertip positions are in metres in the world frame, with z measured from the
floor top (world z - FLOOR_HEIGHT). ``base_offset_z`` shifts the whole robot vertically (m), as the
``robot_height`` variable does.

The forward kinematics is plain-Python arithmetic (it runs every env step); the inverse
kinematics is a damped Gauss-Newton solve per finger, deterministic and bounded to the
benchmark's joint range.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from causalworld.sim import geometry as g

_BASE_COS = math.cos(g.TRIFINGER_BASE_YAW)
_BASE_SIN = math.sin(g.TRIFINGER_BASE_YAW)
# Per finger: finger-base origin in the world (x, y, z above the floor) and the combined yaw.
_MOUNTS = []
for (mx, my, mz), yaw in g.FINGER_MOUNTS:
    wx = _BASE_COS * mx - _BASE_SIN * my
    wy = _BASE_SIN * mx + _BASE_COS * my
    total = g.TRIFINGER_BASE_YAW + yaw
    _MOUNTS.append((wx, wy, g.TRIFINGER_BASE_HEIGHT + mz - g.FLOOR_HEIGHT, math.cos(total), math.sin(total)))
_MOUNTS = tuple(_MOUNTS)

_Y12 = g.UPPER_TO_MIDDLE[1]
_Y23, _Z23 = g.MIDDLE_TO_LOWER[1], g.MIDDLE_TO_LOWER[2]
_Y3T, _Z3T = g.LOWER_TO_TIP[1], g.LOWER_TO_TIP[2]


def finger_tip_position(finger: int, q1: float, q2: float, q3: float, base_offset_z: float = 0.0):
    """Fingertip (x, y, z) of one finger (0, 1 or 2) for its three joint angles (rad)."""
    s3, c3 = math.sin(q3), math.cos(q3)
    # Tip in the middle-link frame (lower joint rotates about y).
    bx = _Z3T * s3
    by = _Y23 + _Y3T
    bz = _Z23 + _Z3T * c3
    s2, c2 = math.sin(q2), math.cos(q2)
    cx = bx * c2 + bz * s2
    cy = _Y12 + by
    cz = -bx * s2 + bz * c2
    # The upper joint rotates about -x.
    s1, c1 = math.sin(q1), math.cos(q1)
    dy = cy * c1 + cz * s1
    dz = -cy * s1 + cz * c1
    wx, wy, wz, cy_, sy_ = _MOUNTS[finger]
    return (wx + cy_ * cx - sy_ * dy, wy + sy_ * cx + cy_ * dy, wz + dz + base_offset_z)


def tip_positions(joint_positions: Sequence[float], base_offset_z: float = 0.0) -> list[float]:
    """The 9 fingertip coordinates (m, z from the floor top) for 9 joint positions (rad)."""
    q = joint_positions
    out: list[float] = []
    for finger in range(3):
        out.extend(finger_tip_position(finger, q[3 * finger], q[3 * finger + 1], q[3 * finger + 2], base_offset_z))
    return out


def _tip_and_jacobian(finger: int, q1: float, q2: float, q3: float, base_offset_z: float):
    """Fingertip position and its 3x3 Jacobian (rows x, y, z; columns q1, q2, q3), in plain Python."""
    s3, c3 = math.sin(q3), math.cos(q3)
    bx, by, bz = _Z3T * s3, _Y23 + _Y3T, _Z23 + _Z3T * c3
    dbx3, dbz3 = _Z3T * c3, -_Z3T * s3
    s2, c2 = math.sin(q2), math.cos(q2)
    cx, cy, cz = bx * c2 + bz * s2, _Y12 + by, -bx * s2 + bz * c2
    dcx = (0.0, cz, dbx3 * c2 + dbz3 * s2)
    dcz = (0.0, -cx, -dbx3 * s2 + dbz3 * c2)
    s1, c1 = math.sin(q1), math.cos(q1)
    dy, dz = cy * c1 + cz * s1, -cy * s1 + cz * c1
    ddy = (dz, dcz[1] * s1, dcz[2] * s1)
    ddz = (-dy, dcz[1] * c1, dcz[2] * c1)
    wx, wy, wz, cyaw, syaw = _MOUNTS[finger]
    tip = (wx + cyaw * cx - syaw * dy, wy + syaw * cx + cyaw * dy, wz + dz + base_offset_z)
    jac = (
        tuple(cyaw * dcx[j] - syaw * ddy[j] for j in range(3)),
        tuple(syaw * dcx[j] + cyaw * ddy[j] for j in range(3)),
        ddz,
    )
    return tip, jac


def _damped_step(jac, err, damping: float) -> list[float]:
    """Solve (J^T J + damping I) step = J^T err for a 3x3 J, by cofactors."""
    a = [
        [sum(jac[k][i] * jac[k][j] for k in range(3)) + (damping if i == j else 0.0) for j in range(3)]
        for i in range(3)
    ]
    b = [sum(jac[k][i] * err[k] for k in range(3)) for i in range(3)]
    c00 = a[1][1] * a[2][2] - a[1][2] * a[2][1]
    c01 = a[1][2] * a[2][0] - a[1][0] * a[2][2]
    c02 = a[1][0] * a[2][1] - a[1][1] * a[2][0]
    det = a[0][0] * c00 + a[0][1] * c01 + a[0][2] * c02
    inv = (
        (c00, a[0][2] * a[2][1] - a[0][1] * a[2][2], a[0][1] * a[1][2] - a[0][2] * a[1][1]),
        (c01, a[0][0] * a[2][2] - a[0][2] * a[2][0], a[0][2] * a[1][0] - a[0][0] * a[1][2]),
        (c02, a[0][1] * a[2][0] - a[0][0] * a[2][1], a[0][0] * a[1][1] - a[0][1] * a[1][0]),
    )
    return [sum(inv[i][j] * b[j] for j in range(3)) / det for i in range(3)]


def _solve_finger(finger, target, start, low, high, base_offset_z, iterations=100):
    """Damped Gauss-Newton from ``start``, projected onto [low, high]; returns (q, tip error in m).

    Stops when the error is below 1 nm or stops shrinking (an unreachable target or a bound).
    """
    q = [min(max(float(v), lo), hi) for v, lo, hi in zip(start, low, high)]
    tx, ty, tz = (float(v) for v in target)
    error = math.inf
    for _ in range(iterations):
        tip, jac = _tip_and_jacobian(finger, *q, base_offset_z)
        err = (tx - tip[0], ty - tip[1], tz - tip[2])
        previous, error = error, math.sqrt(err[0] ** 2 + err[1] ** 2 + err[2] ** 2)
        if error < 1e-9 or previous - error < 1e-10:
            break
        step = _damped_step(jac, err, 1e-8 + 1e-3 * error * error)
        norm = math.sqrt(sum(v * v for v in step))
        if norm > 0.3:
            step = [v * 0.3 / norm for v in step]
        q = [min(max(v + d, lo), hi) for v, d, lo, hi in zip(q, step, low, high)]
    tip = finger_tip_position(finger, *q, base_offset_z)
    return np.array(q), math.dist(tip, (tx, ty, tz))


def _finger_tips_batch(finger: int, q: np.ndarray, base_offset_z: float) -> np.ndarray:
    """Vectorised :func:`finger_tip_position` over an (n, 3) array of joint angles."""
    q1, q2, q3 = q[:, 0], q[:, 1], q[:, 2]
    bx = _Z3T * np.sin(q3)
    by = _Y23 + _Y3T
    bz = _Z23 + _Z3T * np.cos(q3)
    s2, c2 = np.sin(q2), np.cos(q2)
    cx = bx * c2 + bz * s2
    cy = _Y12 + by
    cz = -bx * s2 + bz * c2
    s1, c1 = np.sin(q1), np.cos(q1)
    dy = cy * c1 + cz * s1
    dz = -cy * s1 + cz * c1
    wx, wy, wz, cyaw, syaw = _MOUNTS[finger]
    return np.stack([wx + cyaw * cx - syaw * dy, wy + syaw * cx + cyaw * dy, wz + dz + base_offset_z], axis=1)


_GRID_CACHE: dict[tuple, np.ndarray] = {}


def _grid_seeds(finger: int, target: np.ndarray, low: np.ndarray, high: np.ndarray, base_offset_z: float, count=8):
    """The ``count`` joint-grid points (9 per joint over [low, high]) whose tips lie nearest ``target``."""
    key = (tuple(low), tuple(high))
    grid = _GRID_CACHE.get(key)
    if grid is None:
        axes = [np.linspace(lo, hi, 9) for lo, hi in zip(low, high)]
        grid = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, 3)
        _GRID_CACHE[key] = grid
    tips = _finger_tips_batch(finger, grid, base_offset_z)
    order = np.argsort(((tips - target) ** 2).sum(axis=1), kind="stable")[:count]
    return grid[order]


def inverse_kinematics(
    targets: Sequence[float],
    current: Sequence[float],
    base_offset_z: float = 0.0,
    low: Sequence[float] = g.JOINT_LOWER,
    high: Sequence[float] = g.JOINT_UPPER,
    tolerance: float = 1e-5,
) -> np.ndarray:
    """Joint positions (rad, 9) that put the fingertips at ``targets`` (m, 9, z from the floor).

    Each finger is solved on its own, starting from ``current`` and, if that does not converge
    within ``tolerance`` (m), from the joint-grid points whose tips lie nearest the target; the
    closest solution wins (ties go to the earlier start). Unreachable targets give the joint positions whose tip is
    closest to them. The result always lies within ``[low, high]``. Deterministic.
    """
    targets_arr = np.asarray(targets, dtype=float).reshape(3, 3)
    current_arr = np.asarray(current, dtype=float).reshape(3, 3)
    low_arr = np.asarray(low, dtype=float).reshape(3, 3)
    high_arr = np.asarray(high, dtype=float).reshape(3, 3)
    result = np.empty((3, 3))
    for finger in range(3):
        lo, hi = low_arr[finger], high_arr[finger]
        best_q, best_err = _solve_finger(finger, targets_arr[finger], current_arr[finger], lo, hi, base_offset_z)
        if best_err > tolerance:
            for seed in _grid_seeds(finger, targets_arr[finger], lo, hi, base_offset_z):
                q, err = _solve_finger(finger, targets_arr[finger], seed, lo, hi, base_offset_z)
                if err < best_err - 1e-9:
                    best_q, best_err = q, err
                if best_err <= tolerance:
                    break
        result[finger] = best_q
    return result.reshape(9)
