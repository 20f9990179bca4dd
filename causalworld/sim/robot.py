"""A TriFinger-type robot in one PyBullet client: state, PD and torque control, link properties.

Which robot is data: a :class:`~causalworld.sim.robots.spec.RobotSpec` (description file, gains,
limits, kinematics; see :mod:`causalworld.sim.robots`), the TriFinger Edu unless told otherwise.

Joint positions are radians, velocities rad/s, torques N m, in the API joint order (finger 60
upper/middle/lower, finger 120, finger 300). Fingertip positions are metres in the world frame
with z from the floor top.

Control runs once per physics substep: one ``getJointStates`` read, a few lines of plain-Python
arithmetic, one ``setJointMotorControlArray`` write, one ``stepSimulation``.
"""

from __future__ import annotations

from collections.abc import Sequence

import pybullet

from causalworld.sim import geometry as g
from causalworld.sim.assets import asset_path
from causalworld.sim.kinematics import kinematics
from causalworld.sim.robots import LINK_PARTS, TRIFINGER_EDU, RobotSpec

KP = TRIFINGER_EDU.kp
"""The TriFinger Edu's proportional gains of the joint PD controller (N m / rad)."""
KD = TRIFINGER_EDU.kd
"""The TriFinger Edu's derivative gains of the joint PD controller (N m s / rad)."""
SAFETY_KD = TRIFINGER_EDU.safety_kd
"""The TriFinger Edu's safety damping subtracted from every commanded torque (N m s / rad)."""
MAX_TORQUE = TRIFINGER_EDU.max_torque
"""The TriFinger Edu's torque limit of every motor (N m)."""
MAX_JOINT_VELOCITY = TRIFINGER_EDU.max_joint_velocity
"""The TriFinger Edu's joint-velocity bound used for observations (rad/s)."""

__all__ = ["KP", "KD", "LINK_PARTS", "MAX_JOINT_VELOCITY", "MAX_TORQUE", "SAFETY_KD", "TriFinger"]


class TriFinger:
    """The robot body: loads its URDF, exposes joint state, applies torques and link properties.

    Args:
        client: the PyBullet client.
        spec: which robot (default: the TriFinger Edu).
        drawn: load the description with its visual shapes; an env that never renders loads it without
            them (the spec's ``undrawn_description``: same links, joints, inertias and collision shapes;
            a faster load at every reset).
    """

    def __init__(self, client: int, spec: RobotSpec = TRIFINGER_EDU, drawn: bool = True) -> None:
        self.client = client
        self.spec = spec
        self.kinematics = kinematics(spec)
        self.drawn = drawn
        """Whether the body carries its visual shapes."""
        self._load()
        names = {}
        for index in range(pybullet.getNumJoints(self.body, physicsClientId=client)):
            info = pybullet.getJointInfo(self.body, index, physicsClientId=client)
            names[info[1].decode()] = index
            names[info[12].decode()] = index
        self.joint_indices = [
            names[f"finger_{part}_{finger}"] for finger in g.FINGER_NAMES for part in ("upper", "middle", "lower")
        ]
        self.link_indices = {
            (finger, number): names[f"finger_{part}_link_{finger}"]
            for finger in g.FINGER_NAMES
            for number, part in enumerate(LINK_PARTS)
        }
        self.tip_link_indices = [names[f"finger_tip_link_{finger}"] for finger in g.FINGER_NAMES]
        self.base_offset_z = 0.0
        self._configure()
        self.last_torques = [0.0] * 9
        self._default_inertials = {}
        for key, index in self.link_indices.items():
            info = pybullet.getDynamicsInfo(self.body, index, physicsClientId=client)
            self._default_inertials[key] = (info[0], tuple(info[2]))
        self._default_colors = {key: spec.finger_colors[g.FINGER_NAMES.index(key[0])] for key in self.link_indices}
        self.link_colors = dict(self._default_colors)

    def _load(self) -> None:
        flags = (
            pybullet.URDF_USE_INERTIA_FROM_FILE
            | pybullet.URDF_USE_SELF_COLLISION
            | pybullet.URDF_USE_SELF_COLLISION_EXCLUDE_ALL_PARENTS
        )
        description = self.spec.description if self.drawn else self.spec.undrawn_description
        self.body = pybullet.loadURDF(
            asset_path(description), useFixedBase=True, flags=flags, physicsClientId=self.client
        )

    def _configure(self) -> None:
        client = self.client
        pybullet.setJointMotorControlArray(
            self.body, self.joint_indices, pybullet.VELOCITY_CONTROL, forces=[0.0] * 9, physicsClientId=client
        )
        for link in range(-1, pybullet.getNumJoints(self.body, physicsClientId=client)):
            pybullet.changeDynamics(
                self.body,
                link,
                lateralFriction=0.5,
                spinningFriction=0.0,
                rollingFriction=0.0,
                restitution=0.0,
                linearDamping=0.5,
                angularDamping=0.5,
                jointDamping=0.0,
                physicsClientId=client,
            )
        for (_, number), index in self.link_indices.items():
            part = LINK_PARTS[number]
            principal = self.spec.simulated_principal_inertia.get(part)
            if principal is not None:
                pybullet.changeDynamics(self.body, index, localInertiaDiagonal=principal, physicsClientId=client)
            if part == "lower":
                pybullet.changeDynamics(self.body, index, spinningFriction=self.spec.tip_spinning_friction,
                                        physicsClientId=client)
        for index in self.tip_link_indices:
            pybullet.changeDynamics(self.body, index, spinningFriction=self.spec.tip_spinning_friction,
                                    physicsClientId=client)

    def recreate(self) -> None:
        """Load the body again into a cleared world (see ``World.clear``), with default link properties.

        The Python-side properties go back to their defaults with the body; whoever restores the
        state re-applies height, link colours and masses where they differ.
        """
        self._load()
        self._configure()
        self.base_offset_z = 0.0
        self.link_colors = dict(self._default_colors)

    # -- state -------------------------------------------------------------------------------
    def read_joints(self) -> tuple[list[float], list[float]]:
        """Joint positions (rad) and velocities (rad/s), 9 each."""
        states = pybullet.getJointStates(self.body, self.joint_indices, physicsClientId=self.client)
        return [s[0] for s in states], [s[1] for s in states]

    def set_joints(self, positions: Sequence[float], velocities: Sequence[float] | None = None) -> None:
        """Teleport the joints (rad, rad/s); velocities default to zero."""
        velocities = velocities if velocities is not None else [0.0] * 9
        for index, q, dq in zip(self.joint_indices, positions, velocities, strict=True):
            pybullet.resetJointState(self.body, index, float(q), float(dq), physicsClientId=self.client)

    def tip_positions(self, joint_positions: Sequence[float]) -> list[float]:
        """Fingertip coordinates (m, 9, z from the floor top) for the given joint positions."""
        return self.kinematics.tip_positions(joint_positions, self.base_offset_z)

    # -- control -----------------------------------------------------------------------------
    def run_position_control(self, target: Sequence[float], substeps: int) -> None:
        """PD-track ``target`` joint positions (rad) for ``substeps`` physics steps.

        Per substep: tau = Kp (q* - q) - Kd dq, clipped to +-MAX_TORQUE, minus SAFETY_KD dq,
        clipped again. The last applied torques are kept in :attr:`last_torques`.
        """
        body, joints, client = self.body, self.joint_indices, self.client
        get_states, set_motors, step = (
            pybullet.getJointStates,
            pybullet.setJointMotorControlArray,
            pybullet.stepSimulation,
        )
        torque_mode, limit = pybullet.TORQUE_CONTROL, self.spec.max_torque
        gains = tuple(zip(target, self.spec.kp, self.spec.kd, self.spec.safety_kd, strict=True))
        torques = self.last_torques
        for _ in range(substeps):
            states = get_states(body, joints, physicsClientId=client)
            torques = []
            for (q, dq, _, _), (q_star, kp, kd, skd) in zip(states, gains):
                tau = kp * (q_star - q) - kd * dq
                tau = limit if tau > limit else (-limit if tau < -limit else tau)
                tau -= skd * dq
                torques.append(limit if tau > limit else (-limit if tau < -limit else tau))
            set_motors(body, joints, torque_mode, forces=torques, physicsClientId=client)
            step(physicsClientId=client)
        self.last_torques = torques

    def run_torque_control(self, torques: Sequence[float], substeps: int) -> None:
        """Apply ``torques`` (N m) for ``substeps`` physics steps, with the same safety damping and clip."""
        body, joints, client = self.body, self.joint_indices, self.client
        get_states, set_motors, step = (
            pybullet.getJointStates,
            pybullet.setJointMotorControlArray,
            pybullet.stepSimulation,
        )
        torque_mode, limit = pybullet.TORQUE_CONTROL, self.spec.max_torque
        commanded = [limit if t > limit else (-limit if t < -limit else t) for t in torques]
        applied = self.last_torques
        for _ in range(substeps):
            states = get_states(body, joints, physicsClientId=client)
            applied = []
            for (_, dq, _, _), tau, skd in zip(states, commanded, self.spec.safety_kd):
                tau -= skd * dq
                applied.append(limit if tau > limit else (-limit if tau < -limit else tau))
            set_motors(body, joints, torque_mode, forces=applied, physicsClientId=client)
            step(physicsClientId=client)
        self.last_torques = applied

    def gravity_torques(self, joint_positions: Sequence[float]) -> list[float]:
        """Joint torques (N m) that hold the fingers still at ``joint_positions`` against gravity."""
        torques = pybullet.calculateInverseDynamics(
            self.body, list(map(float, joint_positions)), [0.0] * 9, [0.0] * 9, physicsClientId=self.client
        )
        return list(torques)

    def holding_target(self, joint_positions: Sequence[float]) -> list[float]:
        """PD target (rad) whose steady state is ``joint_positions``: the gravity torque divided by Kp is added."""
        torques = self.gravity_torques(joint_positions)
        return [q + tau / kp for q, tau, kp in zip(joint_positions, torques, self.spec.kp)]

    # -- link properties ---------------------------------------------------------------------
    def set_link_color(self, finger: str, link: int, color: Sequence[float]) -> None:
        """Colour (RGB in [0, 1]) of link ``link`` (0 base ... 3 lower) of finger ``finger`` ("60", "120", "300")."""
        self.link_colors[(finger, link)] = tuple(float(c) for c in color)
        if not self.drawn:
            return
        pybullet.changeVisualShape(
            self.body, self.link_indices[(finger, link)], rgbaColor=(*color, 1.0), physicsClientId=self.client
        )
        if link == 3:  # the fingertip is drawn with the lower link
            tip = self.tip_link_indices[g.FINGER_NAMES.index(finger)]
            pybullet.changeVisualShape(self.body, tip, rgbaColor=(*color, 1.0), physicsClientId=self.client)

    def set_height(self, height: float) -> None:
        """Move the whole robot so that its base frame is at world z = ``height`` (m, default: the spec's)."""
        self.base_offset_z = float(height) - self.spec.base_height
        pybullet.resetBasePositionAndOrientation(
            self.body, (0.0, 0.0, self.base_offset_z), (0.0, 0.0, 0.0, 1.0), physicsClientId=self.client
        )

    @property
    def height(self) -> float:
        """World z (m) of the robot's base frame."""
        return self.spec.base_height + self.base_offset_z

    def link_mass(self, finger: str, link: int) -> float:
        """Mass (kg) of a link, as the simulation holds it."""
        return pybullet.getDynamicsInfo(self.body, self.link_indices[(finger, link)], physicsClientId=self.client)[0]

    def set_link_mass(self, finger: str, link: int, mass: float) -> None:
        """Set the mass (kg) of a link; its inertia scales with it (same shape, same density).

        A principal moment of zero (the lower link is described as a thin rod) is raised to 1e-6 of
        the largest: PyBullet's inverse dynamics (the gravity feed-forward) refuses inertias that
        meet the triangle inequality only with equality once rounding tips them over.
        """
        index = self.link_indices[(finger, link)]
        default_mass, default_inertia = self._default_inertials[(finger, link)]
        inertia = [v * (float(mass) / default_mass) for v in default_inertia]
        floor = 1e-6 * max(inertia)
        inertia = [max(v, floor) for v in inertia]
        pybullet.changeDynamics(
            self.body, index, mass=float(mass), localInertiaDiagonal=inertia, physicsClientId=self.client
        )
