"""Shared parts of the scripted policies: reading observations, sending fingertip targets, block geometry.

A scripted policy thinks in fingertip targets: 9 numbers, the (x, y, z) of the fingertips of fingers
60, 120 and 300, in metres, world frame, z measured from the floor top (as in the observation). The
:class:`ActionAdapter` turns them into the env's action:

* ``end_effector_positions``: the targets themselves (the env runs the inverse kinematics);
* ``joint_positions``: inverse kinematics here, from the observed joint positions, plus the
  gravity-compensating offset the env's own end-effector mode adds (``TriFinger.holding_target``);
* ``joint_torques`` is refused: a torque held constant for a whole env step cannot track a target.

Both the raw and the normalized observation and action settings work: observations are
denormalized with the env's own layout, actions normalized with the env's own bounds, and every
field is found by name in ``env.unwrapped.layout``, never by a hard-coded offset.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from causalworld.env.control import END_EFFECTOR_POSITIONS, JOINT_POSITIONS
from causalworld.sim import geometry as g
from causalworld.sim.kinematics import inverse_kinematics
from causalworld.sim.robots import DEFAULT_ROBOT
from causalworld.spatial import quaternion_matrix, wrap_angle  # noqa: F401 - wrap_angle re-exported

FINGER_COUNT = 3
BASE_AZIMUTHS = tuple(
    math.atan2(
        math.sin(g.TRIFINGER_BASE_YAW) * mx + math.cos(g.TRIFINGER_BASE_YAW) * my,
        math.cos(g.TRIFINGER_BASE_YAW) * mx - math.sin(g.TRIFINGER_BASE_YAW) * my,
    )
    for (mx, my, _), _ in g.FINGER_MOUNTS
)
"""World azimuth (rad) of each finger's base around the arena axis: 90, -30 and -150 degrees."""
TRAVEL_WEIGHT = 4.0
"""Cost (rad^2) of a grip axis square to the direction of travel, against the finger-to-face mismatch."""
BLOCKED_COST = 100.0
"""Cost (rad^2) of a grip whose fingertips would land on another object or the wall."""
SUPPORTED_ACTION_MODES = (END_EFFECTOR_POSITIONS, JOINT_POSITIONS)


def unwrap_env(env):
    """The :class:`causalworld.CausalWorldEnv` under any Gymnasium wrappers."""
    return getattr(env, "unwrapped", env)


@dataclass(frozen=True)
class BlockView:
    """One object as the observation reports it (m, world frame, z from the floor top).

    ``yaw`` is the azimuth (rad) of the block's horizontal face normal nearest the world x axis
    direction it reports; the block's four side faces point along ``yaw + k pi/2``. ``up`` is the
    index (0, 1 or 2) of the block axis closest to vertical, so ``size`` can be read per direction.
    """

    position: np.ndarray
    orientation: np.ndarray
    size: np.ndarray
    yaw: float
    up: int
    tilt: float = 0.0
    """Angle (rad) between the block's most vertical axis and world z: 0 when it rests flat."""

    @property
    def height(self) -> float:
        """Vertical extent (m) of the block along its most vertical axis."""
        return float(self.size[self.up])

    def side_half_widths(self) -> tuple[float, float]:
        """Half extents (m) of the block along its two horizontal axes (the ``yaw`` one first)."""
        sides = [k for k in range(3) if k != self.up]
        return float(self.size[sides[0]]) / 2.0, float(self.size[sides[1]]) / 2.0


def block_view(position: Sequence[float], orientation: Sequence[float], size: Sequence[float]) -> BlockView:
    """A :class:`BlockView` from raw observation values (quaternion x, y, z, w)."""
    q = np.asarray(orientation, dtype=np.float64)
    norm = float(np.linalg.norm(q))
    q = q / norm if norm > 1e-9 else np.array([0.0, 0.0, 0.0, 1.0])
    rot = quaternion_matrix(q)
    up = int(np.argmax(np.abs(rot[2])))
    side = next(k for k in range(3) if k != up)
    yaw = math.atan2(rot[1, side], rot[0, side])
    tilt = math.acos(min(1.0, abs(float(rot[2, up]))))
    return BlockView(np.asarray(position, dtype=np.float64), q, np.asarray(size, dtype=np.float64), yaw, up, tilt)


def hull_contains(block: BlockView, point: Sequence[float], margin: float) -> bool:
    """Whether ``point`` (m) lies within ``margin`` (m) of the block's axis-aligned hull."""
    half = np.abs(quaternion_matrix(block.orientation)) @ (block.size / 2) + margin
    return bool(np.all(np.abs(np.asarray(point, dtype=np.float64) - block.position) <= half))


def outside_arena(point: Sequence[float], margin: float) -> bool:
    """Whether a sphere of radius ``margin`` (m) at ``point`` would reach into the arena's round wall."""
    return math.hypot(point[0], point[1]) > g.WALL_INNER_RADIUS - margin


class ObservationReader:
    """Raw values of named observation fields, whatever the env's normalization setting."""

    def __init__(self, env) -> None:
        base = unwrap_env(env)
        self.layout = base.layout
        self.normalized = bool(base.normalize_observations)

    def raw(self, observation: np.ndarray) -> np.ndarray:
        """The observation in raw units (float64)."""
        obs = np.asarray(observation, dtype=np.float64)
        if obs.shape != (self.layout.size,):
            raise ValueError(f"expected an observation of shape ({self.layout.size},), got {obs.shape}")
        return self.layout.denormalize(obs).astype(np.float64) if self.normalized else obs

    def has(self, name: str) -> bool:
        """Whether the layout has a field ``name``."""
        return name in self.layout.slices

    def field(self, raw: np.ndarray, name: str) -> np.ndarray:
        """The raw values of one field, e.g. ``"end_effector_positions"``."""
        return raw[self.layout.index(name)]

    def block(self, raw: np.ndarray, name: str) -> BlockView:
        """The pose and size of object ``name`` (a movable block, a silhouette or a fixed block)."""
        return block_view(
            self.field(raw, f"{name}_cartesian_position"),
            self.field(raw, f"{name}_orientation"),
            self.field(raw, f"{name}_size"),
        )


class ActionAdapter:
    """Turns fingertip targets (m, 9) into actions of the env's action mode and normalization."""

    def __init__(self, env) -> None:
        base = unwrap_env(env)
        if base.action_mode not in SUPPORTED_ACTION_MODES:
            raise ValueError(
                f"scripted policies send fingertip targets and need action_mode 'end_effector_positions' or "
                f"'joint_positions'; this env uses {base.action_mode!r}"
            )
        if base.robot_spec.name != DEFAULT_ROBOT:
            raise ValueError(f"scripted policies are written for the {DEFAULT_ROBOT} geometry; this env uses "
                             f"robot {base.robot_spec.name!r}")
        self.env = base
        self.mode = base.action_mode

    def __call__(self, tip_targets: Sequence[float], joint_positions: Sequence[float]) -> np.ndarray:
        """The action for ``tip_targets`` (m, 9), given the observed ``joint_positions`` (rad, 9)."""
        env = self.env
        targets = np.clip(np.asarray(tip_targets, dtype=np.float64), [-0.5, -0.5, 0.0] * 3, [0.5, 0.5, 0.5] * 3)
        if self.mode == END_EFFECTOR_POSITIONS:
            command = targets
        else:
            solution = inverse_kinematics(targets, joint_positions, env.robot.base_offset_z)
            command = np.clip(env.robot.holding_target(solution), g.JOINT_LOWER, g.JOINT_UPPER)
        action = env.normalize_action(command) if env.normalize_actions else command
        return np.asarray(action, dtype=np.float32)


def approach(current: np.ndarray, goal: np.ndarray, max_step: float) -> np.ndarray:
    """Move each fingertip (rows of 3) of ``current`` toward ``goal`` by at most ``max_step`` (m)."""
    cur = np.asarray(current, dtype=np.float64).reshape(-1, 3)
    delta = np.asarray(goal, dtype=np.float64).reshape(-1, 3) - cur
    dist = np.linalg.norm(delta, axis=1, keepdims=True)
    scale = np.minimum(1.0, max_step / np.maximum(dist, 1e-12))
    return (cur + delta * scale).reshape(-1)


def horizontal(angle: float) -> np.ndarray:
    """Unit vector (x, y, 0) of azimuth ``angle`` (rad)."""
    return np.array([math.cos(angle), math.sin(angle), 0.0])


def choose_grip(
    yaw_start: float,
    yaw_end: float,
    travel: float | None = None,
    blocked: Callable[[float, float], bool] | None = None,
) -> tuple[int, int, int, float]:
    """The two fingers that grip a block's opposite side faces, and the grip axis.

    The block's faces point along ``yaw_start + k pi/2`` now and will point along ``yaw_end + k pi/2``
    where it is set down (the grip turns with the block). Each finger works best on the face whose
    normal points toward its own base (``BASE_AZIMUTHS``), so the choice minimizes the squared angle
    between contact normals and base azimuths, at the start and at the end. Two point contacts leave
    the block free to swing about the line through them, so when the block is to travel toward
    azimuth ``travel`` (rad), grips whose axis lies across that direction pay a penalty. Axes for
    which ``blocked(axis_at_start, axis_at_end)`` is true (a fingertip would hit something) pay a
    larger one.

    Returns:
        ``(first, second, free, axis)``: finger indices (0, 1, 2) of the finger pressing the face whose
        normal has azimuth ``axis`` (rad, at the start), the finger pressing the opposite face, and
        the finger kept out of the way.
    """
    turn = wrap_angle(yaw_end - yaw_start)
    best: tuple[float, tuple[int, int, int, float]] | None = None
    for quarter in range(4):
        axis = yaw_start + quarter * math.pi / 2
        obstructed = blocked is not None and blocked(axis, axis + turn)
        for first in range(FINGER_COUNT):
            for second in range(FINGER_COUNT):
                if first == second:
                    continue
                cost = 0.0
                for offset in (0.0, turn):
                    cost += wrap_angle(axis + offset - BASE_AZIMUTHS[first]) ** 2
                    cost += wrap_angle(axis + offset + math.pi - BASE_AZIMUTHS[second]) ** 2
                if travel is not None:
                    cost += TRAVEL_WEIGHT * math.sin(axis - travel) ** 2
                if obstructed:
                    cost += BLOCKED_COST
                free = 3 - first - second
                if best is None or cost < best[0] - 1e-12:
                    best = (cost, (first, second, free, axis))
    assert best is not None
    return best[1]


def nearest_quarter_turn(yaw_from: float, yaw_to: float) -> float:
    """The rotation (rad, within [-pi/4, pi/4]) that brings faces at ``yaw_from`` onto faces at ``yaw_to``.

    A cube looks the same every quarter turn, so only the angle modulo pi/2 matters.
    """
    quarter = math.pi / 2
    return (yaw_to - yaw_from + quarter / 2) % quarter - quarter / 2
