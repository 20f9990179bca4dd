"""What a robot is, as data: a :class:`RobotSpec` (one per robot, see :mod:`causalworld.sim.robots`).

A TriFinger-type robot: three fingers of three revolute joints (upper, middle, lower) and a round
fingertip, hanging from a common base frame. A spec holds everything that differs between such robots:
its description file (generated from the spec by ``assets/generate.py``), where the base frame stands,
where each finger is mounted, the joints' origins and axes, the fingertip, joint limits, masses and
inertias, link shapes (primitives), control gains and torque limit, default poses and the ranges
(spaces A and B) of its causal variables. :mod:`causalworld.sim.kinematics` computes forward and
inverse kinematics over a spec; :class:`causalworld.sim.robot.TriFinger` loads and controls one.

Units: metres, kilograms, radians, seconds, newton metres. Frames: the world frame has z up and its
origin on the arena's axis at world z 0 (the floor top is at ``FLOOR_HEIGHT``); each link frame is
the URDF frame of that link. Joint vectors of 9 values are in the API order: finger 60 upper, middle,
lower; finger 120; finger 300.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from causalworld.sim.geometry import FINGER_NAMES

Vector = tuple[float, float, float]
Nine = tuple[float, ...]

__all__ = ["FINGER_NAMES", "LINK_PARTS", "Inertial", "RobotSpec", "Shape"]

LINK_PARTS = ("base", "upper", "middle", "lower")
"""Links of a finger as numbered in variable names: ``robot_finger_60_link_0`` is the base."""


@dataclass(frozen=True)
class Shape:
    """One primitive of a link's description, in the link frame.

    Attributes:
        role: "visual", "collision" or "both".
        origin: centre of the primitive (m).
        kind: "box" (``size`` = edge lengths), "capsule" (``size`` = radius, length of the cylinder
            part, along the link's z) or "sphere" (``size`` = radius,).
        size: as ``kind`` says (m).
        colored: drawn in the finger's colour (visuals only).
    """

    role: Literal["visual", "collision", "both"]
    origin: Vector
    kind: Literal["box", "capsule", "sphere"]
    size: tuple[float, ...]
    colored: bool = True


@dataclass(frozen=True)
class Inertial:
    """Mass (kg), centre of mass in the link frame (m), inertia (ixx, iyy, izz, ixy, ixz, iyz) about it (kg m^2)."""

    mass: float
    center: Vector
    inertia: tuple[float, float, float, float, float, float]


@dataclass(frozen=True, eq=False)
class RobotSpec:
    """A TriFinger-type robot as data (see the module docstring for units and frames).

    Attributes:
        name: the ``robot`` argument of :class:`causalworld.CausalWorldEnv` that selects it.
        description: file name of its URDF in ``assets/`` (written from this spec by ``assets/generate.py``).
        summary: one line for the docs: what robot this is and where its facts come from.
        base_height: world z (m) of the base frame at the default robot height.
        base_yaw: yaw (rad) of the base frame in the world.
        finger_mounts: per finger (API order): translation (m) and yaw (rad) of the finger's base frame
            in the base frame; the upper joint sits at the finger-base origin.
        joint_axes: unit axis of the upper, middle and lower joint, each in its child link's frame.
        upper_to_middle: origin of the middle joint in the upper-link frame (m).
        middle_to_lower: origin of the lower joint in the middle-link frame (m).
        lower_to_tip: centre of the fingertip in the lower-link frame (m).
        tip_radius: radius of the round fingertip (m).
        hard_joint_lower, hard_joint_upper: the description's joint limits (rad), upper/middle/lower.
        joint_lower, joint_upper: joint-position bounds (rad, 9) of actions and observations.
        rest_pose: default starting joint positions (rad, 9).
        raised_pose: fingers lifted out of the way of the blocks (rad, 9), for the assembly tasks.
        kp, kd: joint PD gains (N m / rad, N m s / rad, 9 each).
        safety_kd: damping subtracted from every commanded torque (N m s / rad, 9).
        max_torque: torque limit of every motor (N m).
        max_joint_velocity: joint-velocity bound of observations (rad/s).
        joint_position_spaces: (low, high) joint positions (rad, 9 each) of space A and of space B.
        height_spaces: (low, high) of ``robot_height`` (m, the base frame's world z) in spaces A and B.
        inertials: per part ("base", "upper", "middle", "lower", "tip").
        shapes: primitives per part, as drawn and as colliding.
        simulated_principal_inertia: per part, principal moments (kg m^2) applied after loading in
            place of the description's (the Edu's parity with the original); empty: keep the description's.
        tip_spinning_friction: torsional friction (m) of the fingertip ball and the lower link.
        finger_colors: default RGB of fingers 60, 120, 300.
    """

    name: str
    description: str
    summary: str
    base_height: float
    base_yaw: float
    finger_mounts: tuple[tuple[Vector, float], tuple[Vector, float], tuple[Vector, float]]
    joint_axes: tuple[Vector, Vector, Vector]
    upper_to_middle: Vector
    middle_to_lower: Vector
    lower_to_tip: Vector
    tip_radius: float
    hard_joint_lower: Vector
    hard_joint_upper: Vector
    joint_lower: Nine
    joint_upper: Nine
    rest_pose: Nine
    raised_pose: Nine
    kp: Nine
    kd: Nine
    safety_kd: Nine
    max_torque: float
    max_joint_velocity: float
    joint_position_spaces: tuple[tuple[Nine, Nine], tuple[Nine, Nine]]
    height_spaces: tuple[tuple[float, float], tuple[float, float]]
    inertials: dict[str, Inertial]
    shapes: dict[str, tuple[Shape, ...]]
    simulated_principal_inertia: dict[str, Vector] = field(default_factory=dict)
    tip_spinning_friction: float = 0.0
    finger_colors: tuple[Vector, Vector, Vector] = ((0.6, 0.0, 0.0), (0.0, 0.6, 0.0), (0.0, 0.0, 0.6))

    @property
    def undrawn_description(self) -> str:
        """File name of the description without visual shapes (for envs that never render)."""
        return self.description.removesuffix(".urdf") + "_undrawn.urdf"
