"""Blocks (movable or fixed cuboids) and goal silhouettes (visual-only cuboids and spheres).

Positions are in metres with z measured from the floor top; orientations are unit quaternions
(x, y, z, w) in the world frame; sizes are full edge lengths (m); masses in kg.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pybullet

from causalworld.sim.geometry import FLOOR_HEIGHT

CUBOID, STATIC_CUBOID, SILHOUETTE_CUBOID, SILHOUETTE_SPHERE = 1, 10, 20, 21
"""Object type ids, as they appear in observations (0 marks an empty slot)."""

BLOCK_LATERAL_FRICTION = 1.0
BLOCK_SPINNING_FRICTION = 0.001
SILHOUETTE_ALPHA = 0.3


@dataclass
class BlockState:
    """One rigid block as read from the simulation: position (m, z from floor), quaternion xyzw,
    linear velocity (m/s) and angular velocity (rad/s), all in the world frame."""

    position: tuple[float, float, float]
    orientation: tuple[float, float, float, float]
    linear_velocity: tuple[float, float, float]
    angular_velocity: tuple[float, float, float]


class Block:
    """A cuboid rigid body. ``mass == 0`` makes a fixed block (type StaticCuboid)."""

    def __init__(
        self,
        client: int,
        name: str,
        size: Sequence[float],
        position: Sequence[float],
        orientation: Sequence[float] = (0.0, 0.0, 0.0, 1.0),
        mass: float = 0.08,
        color: Sequence[float] = (1.0, 0.0, 0.0),
        lateral_friction: float = BLOCK_LATERAL_FRICTION,
    ) -> None:
        self.client = client
        self.name = name
        self.size = tuple(float(v) for v in size)
        self.mass = float(mass)
        self.color = tuple(float(v) for v in color)
        self.lateral_friction = float(lateral_friction)
        self.type_id = CUBOID if self.mass > 0 else STATIC_CUBOID
        self.is_movable = self.mass > 0
        half = [s / 2 for s in self.size]
        collision = pybullet.createCollisionShape(pybullet.GEOM_BOX, halfExtents=half, physicsClientId=client)
        visual = pybullet.createVisualShape(
            pybullet.GEOM_BOX, halfExtents=half, rgbaColor=(*self.color, 1.0), physicsClientId=client
        )
        x, y, z = position
        self.body = pybullet.createMultiBody(
            baseMass=self.mass,
            baseCollisionShapeIndex=collision,
            baseVisualShapeIndex=visual,
            basePosition=(x, y, z + FLOOR_HEIGHT),
            baseOrientation=tuple(orientation),
            physicsClientId=client,
        )
        pybullet.changeDynamics(
            self.body,
            -1,
            lateralFriction=self.lateral_friction,
            spinningFriction=BLOCK_SPINNING_FRICTION,
            restitution=0.0,
            physicsClientId=client,
        )

    def read_state(self) -> BlockState:
        """Read pose and velocity from the simulation."""
        pos, orn = pybullet.getBasePositionAndOrientation(self.body, physicsClientId=self.client)
        lin, ang = pybullet.getBaseVelocity(self.body, physicsClientId=self.client)
        return BlockState((pos[0], pos[1], pos[2] - FLOOR_HEIGHT), orn, lin, ang)

    def set_pose(self, position: Sequence[float], orientation: Sequence[float]) -> None:
        """Teleport the block (position z from the floor top) and zero its velocity."""
        x, y, z = position
        pybullet.resetBasePositionAndOrientation(
            self.body, (x, y, z + FLOOR_HEIGHT), tuple(orientation), physicsClientId=self.client
        )
        pybullet.resetBaseVelocity(self.body, (0.0, 0.0, 0.0), (0.0, 0.0, 0.0), physicsClientId=self.client)


class Silhouette:
    """A visual-only goal marker: a translucent cuboid, or a sphere whose ``size`` is its diameter."""

    def __init__(
        self,
        client: int,
        name: str,
        size: Sequence[float],
        position: Sequence[float],
        orientation: Sequence[float] = (0.0, 0.0, 0.0, 1.0),
        color: Sequence[float] = (0.0, 1.0, 0.0),
        sphere: bool = False,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        self.client = client
        self._on_change = on_change
        self.name = name
        self.size = tuple(float(v) for v in size)
        self.color = tuple(float(v) for v in color)
        self.sphere = sphere
        self.type_id = SILHOUETTE_SPHERE if sphere else SILHOUETTE_CUBOID
        self.position = tuple(float(v) for v in position)
        self.orientation = tuple(float(v) for v in orientation)
        rgba = (*self.color, SILHOUETTE_ALPHA)
        if sphere:
            visual = pybullet.createVisualShape(
                pybullet.GEOM_SPHERE, radius=self.size[0] / 2, rgbaColor=rgba, physicsClientId=client
            )
        else:
            visual = pybullet.createVisualShape(
                pybullet.GEOM_BOX, halfExtents=[s / 2 for s in self.size], rgbaColor=rgba, physicsClientId=client
            )
        x, y, z = self.position
        self.body = pybullet.createMultiBody(
            baseMass=0.0,
            baseCollisionShapeIndex=-1,
            baseVisualShapeIndex=visual,
            basePosition=(x, y, z + FLOOR_HEIGHT),
            baseOrientation=self.orientation,
            physicsClientId=client,
        )

    def set_pose(self, position: Sequence[float], orientation: Sequence[float]) -> None:
        """Move the silhouette (position z from the floor top, quaternion xyzw)."""
        self.position = tuple(float(v) for v in position)
        self.orientation = tuple(float(v) for v in orientation)
        x, y, z = self.position
        pybullet.resetBasePositionAndOrientation(
            self.body, (x, y, z + FLOOR_HEIGHT), self.orientation, physicsClientId=self.client
        )
        if self._on_change is not None:
            self._on_change()

    def sync_from_simulation(self) -> None:
        """Re-read the pose from PyBullet (after a snapshot restore)."""
        pos, orn = pybullet.getBasePositionAndOrientation(self.body, physicsClientId=self.client)
        self.position = (pos[0], pos[1], pos[2] - FLOOR_HEIGHT)
        self.orientation = tuple(orn)
