"""Action modes: what an action means (a :class:`Controller` per mode) and its checks (:class:`ActionMode`).

:class:`ActionMode` validates, clips and (de)normalizes actions.

* ``joint_positions``: PD targets (rad, 9), bounds the robot's joint bounds (the TriFinger Edu's:
  low (-1.57, -1.2, -3.0), high (1.0, 1.57, 3.0) per finger).
* ``joint_torques``: motor torques (N m, 9), bounds +- the robot's torque limit (the Edu's 0.36).
* ``end_effector_positions``: fingertip targets (m, 9, world frame, z from the floor top), bounds
  (-0.5, -0.5, 0) to (0.5, 0.5, 0.5) per finger; solved by inverse kinematics, then PD.

A new action mode is one more :class:`Controller` subclass in this file, listed in :data:`CONTROLLERS`:
its bounds for a robot spec and how it drives the robot for one env step.

With ``normalize_actions`` the action space is [-1, 1]^9 and maps linearly onto the bounds.

Clip or refuse: finite actions outside the space (however large) are clipped into it, as Gymnasium
users expect of a Box. Anything that is not 9 real numbers -- a wrong shape, strings, booleans,
complex numbers, objects, NaN or infinity -- is refused with :class:`ActionError` (a ValueError)
naming the action space and what was given, before anything changes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from causalworld.sim.robots import TRIFINGER_EDU, RobotSpec

JOINT_POSITIONS = "joint_positions"
JOINT_TORQUES = "joint_torques"
END_EFFECTOR_POSITIONS = "end_effector_positions"

Bounds = tuple[tuple[float, ...], tuple[float, ...]]


class Controller:
    """One action mode: the range of its commands for a robot, and how a command drives the robot.

    ``apply`` runs one env step (``env.skip_frame`` physics steps) and keeps what the env remembers
    between steps in ``env._last_joint_target`` (the PD target) and ``env._last_tip_target``.
    """

    name: str = ""

    def bounds(self, robot: RobotSpec) -> Bounds:
        """(low, high) of the 9 raw command values for ``robot``."""
        raise NotImplementedError

    def apply(self, env, command: list[float]) -> None:
        """Drive ``env.robot`` with the raw ``command`` for one env step."""
        raise NotImplementedError


class JointPositionControl(Controller):
    """PD targets (rad, 9) within the robot's joint bounds."""

    name = JOINT_POSITIONS

    def bounds(self, robot: RobotSpec) -> Bounds:  # noqa: D102 - see Controller
        return robot.joint_lower, robot.joint_upper

    def apply(self, env, command: list[float]) -> None:  # noqa: D102 - see Controller
        env._last_joint_target = command
        env.robot.run_position_control(command, env.skip_frame)


class JointTorqueControl(Controller):
    """Motor torques (N m, 9) within +- the robot's torque limit."""

    name = JOINT_TORQUES

    def bounds(self, robot: RobotSpec) -> Bounds:  # noqa: D102 - see Controller
        return (-robot.max_torque,) * 9, (robot.max_torque,) * 9

    def apply(self, env, command: list[float]) -> None:  # noqa: D102 - see Controller
        env.robot.run_torque_control(command, env.skip_frame)


class EndEffectorControl(Controller):
    """Fingertip targets (m, 9, z from the floor top): inverse kinematics, then PD with gravity feed-forward."""

    name = END_EFFECTOR_POSITIONS

    def bounds(self, robot: RobotSpec) -> Bounds:  # noqa: D102 - see Controller
        return (-0.5, -0.5, 0.0) * 3, (0.5, 0.5, 0.5) * 3

    def apply(self, env, command: list[float]) -> None:  # noqa: D102 - see Controller
        robot = env.robot
        if command != env._last_tip_target:
            current = robot.read_joints()[0]
            solution = robot.kinematics.inverse_kinematics(command, current, robot.base_offset_z).tolist()
            env._last_joint_target = robot.holding_target(solution)
            env._last_tip_target = command
        robot.run_position_control(env._last_joint_target, env.skip_frame)


CONTROLLERS: dict[str, Controller] = {
    controller.name: controller
    for controller in (JointPositionControl(), JointTorqueControl(), EndEffectorControl())
}
"""Every action mode, by name."""

ACTION_BOUNDS: dict[str, Bounds] = {name: c.bounds(TRIFINGER_EDU) for name, c in CONTROLLERS.items()}
"""Raw command bounds of every action mode for the TriFinger Edu."""


ACCEPTED_KINDS = "iuf"
"""NumPy dtype kinds an action may have: signed and unsigned integers and floats."""


class ActionError(ValueError):
    """An action that is not 9 finite real numbers; nothing was changed."""


def _describe(action: object, limit: int = 160) -> str:
    """A short description of what was given: type, dtype and shape when it has them, and its repr."""
    text = repr(action)
    if len(text) > limit:
        text = f"{text[:limit]}... ({len(text)} characters)"
    dtype, shape = getattr(action, "dtype", None), getattr(action, "shape", None)
    kind = type(action).__name__ + (f" of dtype {dtype}" if dtype is not None else "")
    return f"{kind}{f' with shape {tuple(shape)}' if shape is not None else ''}: {text}"


class ActionMode:
    """Converts agent actions into robot commands for one action mode and robot (default: the TriFinger Edu)."""

    def __init__(self, mode: str, normalized: bool, robot: RobotSpec = TRIFINGER_EDU) -> None:
        if mode not in CONTROLLERS:
            raise ValueError(f"action_mode must be one of {sorted(CONTROLLERS)}, got {mode!r}")
        self.mode = mode
        self.controller = CONTROLLERS[mode]
        self.normalized = bool(normalized)
        low, high = self.controller.bounds(robot)
        self.low = np.array(low, dtype=np.float64)
        self.high = np.array(high, dtype=np.float64)
        self._half_span = (self.high - self.low) / 2.0
        self.space_low = -np.ones(9) if self.normalized else self.low
        self.space_high = np.ones(9) if self.normalized else self.high

    def describe_space(self) -> str:
        """The action space in words, for error messages."""
        scale = "normalized to [-1, 1]" if self.normalized else f"low {self.low.tolist()}, high {self.high.tolist()}"
        return f"Box of shape (9,), float32, action_mode {self.mode!r} ({scale})"

    def check(self, action: Sequence[float] | np.ndarray) -> np.ndarray:
        """The action as 9 float64 values, unclipped; raises :class:`ActionError` for anything else."""
        try:
            array = np.asarray(action)
        except (TypeError, ValueError):  # ragged nesting, objects refusing conversion
            array = None
        if array is None or array.dtype.kind not in ACCEPTED_KINDS:
            raise ActionError(
                f"action must be 9 numbers (integers or floats) for the action space {self.describe_space()}; "
                f"got {_describe(action)}"
            )
        if array.shape != (9,):
            raise ActionError(
                f"action must have shape (9,) for the action space {self.describe_space()}; "
                f"got shape {array.shape} ({_describe(action)})"
            )
        array = array.astype(np.float64)
        if not np.isfinite(array).all():
            bad = np.flatnonzero(~np.isfinite(array)).tolist()
            raise ActionError(
                f"action contains NaN or infinity at indices {bad} for the action space "
                f"{self.describe_space()}; got {array.tolist()}"
            )
        return array

    def to_command(self, action: Sequence[float] | np.ndarray) -> list[float]:
        """Validate, clip and denormalize an action into 9 raw command values."""
        array = np.clip(self.check(action), self.space_low, self.space_high)
        if self.normalized:
            array = self.low + (array + 1.0) * self._half_span
        return array.tolist()

    def normalize(self, command: Sequence[float] | np.ndarray) -> np.ndarray:
        """Map raw command values (or a batch, last axis) onto [-1, 1]."""
        return (np.asarray(command, dtype=np.float64) - self.low) / self._half_span - 1.0

    def denormalize(self, action: Sequence[float] | np.ndarray) -> np.ndarray:
        """Map [-1, 1] actions (or a batch, last axis) back to raw command values."""
        return self.low + (np.asarray(action, dtype=np.float64) + 1.0) * self._half_span
