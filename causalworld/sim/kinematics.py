"""Forward and inverse kinematics of a TriFinger-type robot's fingertips, over its :class:`RobotSpec`.

Joint positions are in radians in the API order (finger 60 upper, middle, lower; finger 120 ...;
finger 300 ...). Fingertip positions are in metres in the world frame, with z measured from the
floor top (world z - FLOOR_HEIGHT). ``base_offset_z`` shifts the whole robot vertically (m), as the
``robot_height`` variable does.

:func:`kinematics` gives the :class:`Kinematics` of a spec (built once per spec). The forward
kinematics is plain-Python arithmetic (it runs every env step): each joint turns about one axis of
its link frame (a spec's joint axes are signed coordinate axes). The inverse kinematics is a damped
Gauss-Newton solve per finger, deterministic and bounded to the spec's joint range. The module-level
:func:`tip_positions` and :func:`inverse_kinematics` are those of the TriFinger Edu.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

import numpy as np

from causalworld.sim.robots import TRIFINGER_EDU
from causalworld.sim.robots.spec import RobotSpec, Vector
from causalworld.spatial.coordinates import FLOOR_HEIGHT

Axis = tuple[int, float]
"""A signed coordinate axis: (0 x, 1 y or 2 z; +1.0 or -1.0)."""


def _axis(vector: Vector) -> Axis:
    nonzero = [(i, float(v)) for i, v in enumerate(vector) if v != 0]
    if len(nonzero) != 1 or abs(nonzero[0][1]) != 1.0:
        raise ValueError(f"joint axes must be signed coordinate axes such as (0, 1, 0) or (-1, 0, 0), got {vector}")
    return nonzero[0]


def _turn_x(c: float, s: float, x: float, y: float, z: float) -> tuple[float, float, float]:
    return x, y * c - z * s, y * s + z * c


def _turn_y(c: float, s: float, x: float, y: float, z: float) -> tuple[float, float, float]:
    return x * c + z * s, y, -x * s + z * c


def _turn_z(c: float, s: float, x: float, y: float, z: float) -> tuple[float, float, float]:
    return x * c - y * s, x * s + y * c, z


_TURNS = (_turn_x, _turn_y, _turn_z)


def _cross(axis: Axis, x: float, y: float, z: float) -> tuple[float, float, float]:
    """The cross product of a signed coordinate axis with (x, y, z)."""
    index, sign = axis
    if index == 0:
        return 0.0, -sign * z, sign * y
    if index == 1:
        return sign * z, 0.0, -sign * x
    return -sign * y, sign * x, 0.0


class Kinematics:
    """Fingertip kinematics of one robot spec."""

    def __init__(self, spec: RobotSpec) -> None:
        self.spec = spec
        self.axes = tuple(_axis(a) for a in spec.joint_axes)
        base_cos, base_sin = math.cos(spec.base_yaw), math.sin(spec.base_yaw)
        mounts = []
        for (mx, my, mz), yaw in spec.finger_mounts:
            wx = base_cos * mx - base_sin * my
            wy = base_sin * mx + base_cos * my
            total = spec.base_yaw + yaw
            mounts.append((wx, wy, spec.base_height + mz - FLOOR_HEIGHT, math.cos(total), math.sin(total)))
        self.mounts = tuple(mounts)
        """Per finger: finger-base origin (x, y, z above the floor top, m) and cos, sin of its yaw in the world."""
        self._turns = tuple(_TURNS[index] for index, _ in self.axes)
        self._signs = tuple(sign for _, sign in self.axes)
        self._tip, self._lower, self._middle = spec.lower_to_tip, spec.middle_to_lower, spec.upper_to_middle
        self._grid_cache: dict[tuple, np.ndarray] = {}

    # -- forward ------------------------------------------------------------------------------
    def _chain(self, q1: float, q2: float, q3: float):
        """The tip relative to each joint: (u1 in the finger-base frame, u2 in the upper, u3 in the middle)."""
        turn1, turn2, turn3 = self._turns
        sign1, sign2, sign3 = self._signs
        tx, ty, tz = self._tip
        ox, oy, oz = self._lower
        px, py, pz = self._middle
        s3 = math.sin(q3)
        u3 = turn3(math.cos(q3), s3 if sign3 > 0 else -s3, tx, ty, tz)
        s2 = math.sin(q2)
        u2 = turn2(math.cos(q2), s2 if sign2 > 0 else -s2, ox + u3[0], oy + u3[1], oz + u3[2])
        s1 = math.sin(q1)
        u1 = turn1(math.cos(q1), s1 if sign1 > 0 else -s1, px + u2[0], py + u2[1], pz + u2[2])
        return u1, u2, u3

    def finger_tip_position(self, finger: int, q1: float, q2: float, q3: float, base_offset_z: float = 0.0):
        """Fingertip (x, y, z) of one finger (0, 1 or 2) for its three joint angles (rad)."""
        x, y, z = self._chain(q1, q2, q3)[0]
        wx, wy, wz, c, s = self.mounts[finger]
        return (wx + c * x - s * y, wy + s * x + c * y, wz + z + base_offset_z)

    def tip_positions(self, joint_positions: Sequence[float], base_offset_z: float = 0.0) -> list[float]:
        """The 9 fingertip coordinates (m, z from the floor top) for 9 joint positions (rad)."""
        q = joint_positions
        out: list[float] = []
        for finger in range(3):
            out.extend(self.finger_tip_position(finger, q[3 * finger], q[3 * finger + 1], q[3 * finger + 2],
                                                base_offset_z))
        return out

    def tip_and_jacobian(self, finger: int, q1: float, q2: float, q3: float, base_offset_z: float = 0.0):
        """Fingertip position and its 3x3 Jacobian (rows x, y, z; columns q1, q2, q3), in plain Python."""
        a1, a2, a3 = self.axes
        turn1, turn2, _ = self._turns
        u1, u2, u3 = self._chain(q1, q2, q3)
        s1, s2 = math.sin(q1), math.sin(q2)
        c1, s1 = math.cos(q1), (s1 if a1[1] > 0 else -s1)
        c2, s2 = math.cos(q2), (s2 if a2[1] > 0 else -s2)
        d1 = _cross(a1, *u1)
        d2 = turn1(c1, s1, *_cross(a2, *u2))
        d3 = turn1(c1, s1, *turn2(c2, s2, *_cross(a3, *u3)))
        wx, wy, wz, c, s = self.mounts[finger]
        x, y, z = u1
        tip = (wx + c * x - s * y, wy + s * x + c * y, wz + z + base_offset_z)
        jac = (
            (c * d1[0] - s * d1[1], c * d2[0] - s * d2[1], c * d3[0] - s * d3[1]),
            (s * d1[0] + c * d1[1], s * d2[0] + c * d2[1], s * d3[0] + c * d3[1]),
            (d1[2], d2[2], d3[2]),
        )
        return tip, jac

    def finger_tips_batch(self, finger: int, q: np.ndarray, base_offset_z: float = 0.0) -> np.ndarray:
        """Vectorised :meth:`finger_tip_position` over an (n, 3) array of joint angles."""
        vectors = np.broadcast_to(np.asarray(self.spec.lower_to_tip, dtype=float), (len(q), 3))
        for joint, origin in ((2, self.spec.middle_to_lower), (1, self.spec.upper_to_middle), (0, None)):
            index, sign = self.axes[joint]
            c, s = np.cos(q[:, joint]), sign * np.sin(q[:, joint])
            x, y, z = vectors[:, 0], vectors[:, 1], vectors[:, 2]
            if index == 0:
                turned = (x, y * c - z * s, y * s + z * c)
            elif index == 1:
                turned = (x * c + z * s, y, -x * s + z * c)
            else:
                turned = (x * c - y * s, x * s + y * c, z)
            vectors = np.stack(turned, axis=1) + (0.0 if origin is None else np.asarray(origin))
        wx, wy, wz, c, s = self.mounts[finger]
        x, y, z = vectors[:, 0], vectors[:, 1], vectors[:, 2]
        return np.stack([wx + c * x - s * y, wy + s * x + c * y, wz + z + base_offset_z], axis=1)

    # -- inverse ------------------------------------------------------------------------------
    def _solve_finger(self, finger, target, start, low, high, base_offset_z, iterations=100):
        """Damped Gauss-Newton from ``start``, projected onto [low, high]; returns (q, tip error in m).

        Stops when the error is below 1 nm or stops shrinking (an unreachable target or a bound).
        """
        q = [min(max(float(v), lo), hi) for v, lo, hi in zip(start, low, high)]
        tx, ty, tz = (float(v) for v in target)
        error = math.inf
        for _ in range(iterations):
            tip, jac = self.tip_and_jacobian(finger, *q, base_offset_z)
            err = (tx - tip[0], ty - tip[1], tz - tip[2])
            previous, error = error, math.sqrt(err[0] ** 2 + err[1] ** 2 + err[2] ** 2)
            if error < 1e-9 or previous - error < 1e-10:
                break
            step = _damped_step(jac, err, 1e-8 + 1e-3 * error * error)
            norm = math.sqrt(sum(v * v for v in step))
            if norm > 0.3:
                step = [v * 0.3 / norm for v in step]
            q = [min(max(v + d, lo), hi) for v, d, lo, hi in zip(q, step, low, high)]
        tip = self.finger_tip_position(finger, *q, base_offset_z)
        return np.array(q), math.dist(tip, (tx, ty, tz))

    def _grid_seeds(self, finger, target, low, high, base_offset_z, count=8):
        """The ``count`` joint-grid points (9 per joint over [low, high]) whose tips lie nearest ``target``."""
        key = (tuple(low), tuple(high))
        grid = self._grid_cache.get(key)
        if grid is None:
            axes = [np.linspace(lo, hi, 9) for lo, hi in zip(low, high)]
            grid = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, 3)
            self._grid_cache[key] = grid
        tips = self.finger_tips_batch(finger, grid, base_offset_z)
        order = np.argsort(((tips - target) ** 2).sum(axis=1), kind="stable")[:count]
        return grid[order]

    def inverse_kinematics(
        self,
        targets: Sequence[float],
        current: Sequence[float],
        base_offset_z: float = 0.0,
        low: Sequence[float] | None = None,
        high: Sequence[float] | None = None,
        tolerance: float = 1e-5,
    ) -> np.ndarray:
        """Joint positions (rad, 9) that put the fingertips at ``targets`` (m, 9, z from the floor).

        Each finger is solved on its own, starting from ``current`` and, if that does not converge
        within ``tolerance`` (m), from the joint-grid points whose tips lie nearest the target; the
        closest solution wins (ties go to the earlier start). Unreachable targets give the joint
        positions whose tip is closest to them. The result always lies within ``[low, high]`` (default:
        the spec's joint bounds). Deterministic.
        """
        targets_arr = np.asarray(targets, dtype=float).reshape(3, 3)
        current_arr = np.asarray(current, dtype=float).reshape(3, 3)
        low_arr = np.asarray(self.spec.joint_lower if low is None else low, dtype=float).reshape(3, 3)
        high_arr = np.asarray(self.spec.joint_upper if high is None else high, dtype=float).reshape(3, 3)
        result = np.empty((3, 3))
        for finger in range(3):
            lo, hi = low_arr[finger], high_arr[finger]
            best_q, best_err = self._solve_finger(finger, targets_arr[finger], current_arr[finger], lo, hi,
                                                  base_offset_z)
            if best_err > tolerance:
                for seed in self._grid_seeds(finger, targets_arr[finger], lo, hi, base_offset_z):
                    q, err = self._solve_finger(finger, targets_arr[finger], seed, lo, hi, base_offset_z)
                    if err < best_err - 1e-9:
                        best_q, best_err = q, err
                    if best_err <= tolerance:
                        break
            result[finger] = best_q
        return result.reshape(9)


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


@functools.cache
def kinematics(spec: RobotSpec) -> Kinematics:
    """The kinematics of ``spec`` (built once per spec)."""
    return Kinematics(spec)


_EDU = kinematics(TRIFINGER_EDU)


def tip_positions(joint_positions: Sequence[float], base_offset_z: float = 0.0) -> list[float]:
    """The TriFinger Edu's 9 fingertip coordinates (m, z from the floor top) for 9 joint positions (rad)."""
    return _EDU.tip_positions(joint_positions, base_offset_z)


def finger_tip_position(finger: int, q1: float, q2: float, q3: float, base_offset_z: float = 0.0):
    """The TriFinger Edu's fingertip (x, y, z) of one finger (0, 1 or 2) for its three joint angles (rad)."""
    return _EDU.finger_tip_position(finger, q1, q2, q3, base_offset_z)


def inverse_kinematics(
    targets: Sequence[float],
    current: Sequence[float],
    base_offset_z: float = 0.0,
    low: Sequence[float] = TRIFINGER_EDU.joint_lower,
    high: Sequence[float] = TRIFINGER_EDU.joint_upper,
    tolerance: float = 1e-5,
) -> np.ndarray:
    """The TriFinger Edu's inverse kinematics (see :meth:`Kinematics.inverse_kinematics`)."""
    return _EDU.inverse_kinematics(targets, current, base_offset_z, low, high, tolerance)
