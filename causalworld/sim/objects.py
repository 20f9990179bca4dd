"""Blocks (movable or fixed cuboids) and goal silhouettes (visual-only cuboids and spheres).

Positions are in metres with z measured from the floor top; orientations are unit quaternions
(x, y, z, w) in the world frame; sizes are full edge lengths (m); masses in kg; colours RGB in
[0, 1]; velocities in m/s and rad/s in the world frame.

Every object can be removed and created again (:meth:`remove`, :meth:`create`) with its current
properties; the stage does that, in creation order, when a size changes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pybullet

from causalworld.sim.geometry import FLOOR_HEIGHT

CUBOID, STATIC_CUBOID, SILHOUETTE_CUBOID, SILHOUETTE_SPHERE = 1, 10, 20, 21
"""Object type ids, as they appear in observations (0 marks an empty slot)."""

BLOCK_LATERAL_FRICTION = 1.0
BLOCK_SPINNING_FRICTION = 0.001
SILHOUETTE_ALPHA = 0.3
RIGID_BODY_DAMPING = 1.0 - math.exp(-0.04)
"""Linear and angular damping given to blocks in maximal coordinates (Bullet's fraction of velocity
lost per second, about 0.039). Bullet damps a reduced-coordinate body, the default kind, by
(0.04 + 0.04 |v|) per second; this matches its linear term, so a block keeps the same share of its
speed either way (after a second at 0.25 m/s, faster than blocks usually move, they differ by 1 %)."""
_ZERO3 = (0.0, 0.0, 0.0)


@dataclass
class BlockState:
    """One rigid block as read from the simulation (world frame).

    Position in m with z from the floor top, quaternion xyzw, linear velocity in m/s and angular
    velocity in rad/s.
    """

    position: tuple[float, float, float]
    orientation: tuple[float, float, float, float]
    linear_velocity: tuple[float, float, float]
    angular_velocity: tuple[float, float, float]


def _vector(values: Sequence[float]) -> tuple[float, ...]:
    return tuple(float(v) for v in values)


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
        maximal_coordinates: bool = False,
        friction_anchor: bool = False,
    ) -> None:
        self.client = client
        self.name = name
        self.size = _vector(size)
        self.mass = float(mass)
        self.maximal_coordinates = bool(maximal_coordinates)
        """Simulate the block as a Bullet rigid body (maximal coordinates) instead of a reduced-coordinate
        multibody: the same free rigid body, solved by Bullet's cheaper rigid-body contact solver."""
        self.friction_anchor = bool(friction_anchor)
        """Anchor the block's contacts while they stick: static friction then holds the contact point
        in place (up to the friction limit) instead of letting it creep a little every step."""
        self.color = _vector(color)
        self.lateral_friction = float(lateral_friction)
        self.type_id = CUBOID if self.mass > 0 else STATIC_CUBOID
        self.is_movable = self.mass > 0
        self.position = _vector(position)
        """Creation pose (or last teleport); live poses of movable blocks come from :meth:`read_state`."""
        self.orientation = _vector(orientation)
        self.body = -1
        self.create()

    def create(self, velocity: tuple[Sequence[float], Sequence[float]] | None = None) -> None:
        """Create the PyBullet body at :attr:`position` with the current properties."""
        half = [s / 2 for s in self.size]
        client = self.client
        collision = pybullet.createCollisionShape(pybullet.GEOM_BOX, halfExtents=half, physicsClientId=client)
        visual = pybullet.createVisualShape(
            pybullet.GEOM_BOX, halfExtents=half, rgbaColor=(*self.color, 1.0), physicsClientId=client
        )
        x, y, z = self.position
        self.body = pybullet.createMultiBody(
            baseMass=self.mass,
            baseCollisionShapeIndex=collision,
            baseVisualShapeIndex=visual,
            basePosition=(x, y, z + FLOOR_HEIGHT),
            baseOrientation=self.orientation,
            useMaximalCoordinates=self.maximal_coordinates,
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
        if self.maximal_coordinates:
            pybullet.changeDynamics(self.body, -1, linearDamping=RIGID_BODY_DAMPING,
                                    angularDamping=RIGID_BODY_DAMPING, physicsClientId=client)
        if self.friction_anchor:
            pybullet.changeDynamics(self.body, -1, frictionAnchor=1, physicsClientId=client)
        if self.is_movable:  # the same inertia whether created now or given a new mass later
            pybullet.changeDynamics(
                self.body, -1, mass=self.mass, localInertiaDiagonal=self.inertia_diagonal(), physicsClientId=client
            )
        if velocity is not None and self.is_movable:
            pybullet.resetBaseVelocity(self.body, velocity[0], velocity[1], physicsClientId=client)

    def remove(self) -> None:
        """Delete the PyBullet body (after :meth:`sync_pose`, so :meth:`create` puts it back in place)."""
        pybullet.removeBody(self.body, physicsClientId=self.client)
        self.body = -1

    def read_state(self) -> BlockState:
        """Read pose and velocity from the simulation."""
        pos, orn = pybullet.getBasePositionAndOrientation(self.body, physicsClientId=self.client)
        lin, ang = pybullet.getBaseVelocity(self.body, physicsClientId=self.client)
        return BlockState((pos[0], pos[1], pos[2] - FLOOR_HEIGHT), orn, lin, ang)

    def sync_pose(self) -> None:
        """Copy the live pose into :attr:`position` and :attr:`orientation`."""
        state = self.read_state()
        self.position, self.orientation = state.position, tuple(state.orientation)

    def set_pose(self, position: Sequence[float], orientation: Sequence[float]) -> None:
        """Teleport the block (position z from the floor top) and zero its velocity."""
        self.set_state(position, orientation, _ZERO3, _ZERO3)

    def set_state(self, position, orientation, linear_velocity, angular_velocity) -> None:
        """Teleport the block and set its velocities (m/s, rad/s)."""
        self.position = _vector(position)
        self.orientation = _vector(orientation)
        x, y, z = self.position
        pybullet.resetBasePositionAndOrientation(
            self.body, (x, y, z + FLOOR_HEIGHT), self.orientation, physicsClientId=self.client
        )
        pybullet.resetBaseVelocity(
            self.body, _vector(linear_velocity), _vector(angular_velocity), physicsClientId=self.client
        )

    def set_velocity(self, linear_velocity: Sequence[float], angular_velocity: Sequence[float]) -> None:
        """Set the block's velocities (m/s, rad/s) without moving it."""
        pybullet.resetBaseVelocity(
            self.body, _vector(linear_velocity), _vector(angular_velocity), physicsClientId=self.client
        )

    def set_color(self, color: Sequence[float]) -> None:
        """RGB colour in [0, 1]."""
        self.color = _vector(color)
        pybullet.changeVisualShape(self.body, -1, rgbaColor=(*self.color, 1.0), physicsClientId=self.client)

    def set_mass(self, mass: float) -> None:
        """Mass (kg) of a movable block; its inertia follows (uniform-density box)."""
        if not self.is_movable:
            raise ValueError(f"{self.name} is a fixed block; its mass cannot change")
        self.mass = float(mass)
        pybullet.changeDynamics(
            self.body, -1, mass=self.mass, localInertiaDiagonal=self.inertia_diagonal(), physicsClientId=self.client
        )

    def inertia_diagonal(self) -> tuple[float, float, float]:
        """Principal moments of inertia (kg m^2) of a uniform box of this size and mass."""
        a, b, c = self.size
        k = self.mass / 12.0
        return (k * (b * b + c * c), k * (a * a + c * c), k * (a * a + b * b))

    def set_friction(self, friction: float) -> None:
        """Lateral friction coefficient."""
        self.lateral_friction = float(friction)
        pybullet.changeDynamics(self.body, -1, lateralFriction=self.lateral_friction, physicsClientId=self.client)


def reseat_friction_anchors(client: int, blocks: Sequence[Block]) -> None:
    """Let the anchored contacts of ``blocks`` start afresh from the current poses and frictions.

    An anchored contact that sticks keeps the anchor point and the friction coefficient it was made
    with, so after a friction change or a teleport it would go on holding (or pulling back) as
    before. This drops the anchors for one collision pass, which rebuilds those contacts from the
    current state, and anchors them again. Nothing moves and no time passes.
    """
    anchored = [b for b in blocks if b.friction_anchor and b.body >= 0]
    if not anchored or not pybullet.getContactPoints(physicsClientId=client):
        return  # a freshly built world has no contacts yet
    for block in anchored:
        pybullet.changeDynamics(block.body, -1, frictionAnchor=0, physicsClientId=client)
    pybullet.performCollisionDetection(physicsClientId=client)
    for block in anchored:
        pybullet.changeDynamics(block.body, -1, frictionAnchor=1, physicsClientId=client)


class Silhouette:
    """A visual-only goal marker: a translucent cuboid, or a sphere whose ``size`` is its diameter."""

    is_movable = False

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
        drawn: bool = True,
    ) -> None:
        self.client = client
        self._on_change = on_change
        self.drawn = drawn
        """Whether the body carries its visual shape. An env that never renders leaves it out: the shape
        has no effect on the simulation, and building a sphere's costs more than the rest of the body."""
        self.name = name
        self.size = _vector(size)
        self.color = _vector(color)
        self.sphere = sphere
        self.type_id = SILHOUETTE_SPHERE if sphere else SILHOUETTE_CUBOID
        self.position = _vector(position)
        self.orientation = _vector(orientation)
        self.body = -1
        self.create()

    def create(self, velocity=None) -> None:
        """Create the PyBullet body at :attr:`position` with the current properties."""
        rgba = (*self.color, SILHOUETTE_ALPHA)
        client = self.client
        if not self.drawn:
            visual = -1
        elif self.sphere:
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
        # Drawn only: asleep, Bullet skips it in every substep (it has no collision shape and never moves).
        pybullet.changeDynamics(self.body, -1, activationState=pybullet.ACTIVATION_STATE_SLEEP, physicsClientId=client)

    def remove(self) -> None:
        """Delete the PyBullet body."""
        pybullet.removeBody(self.body, physicsClientId=self.client)
        self.body = -1

    def sync_pose(self) -> None:
        """Silhouettes only move through :meth:`set_pose`; nothing to copy."""

    def set_pose(self, position: Sequence[float], orientation: Sequence[float]) -> None:
        """Move the silhouette (position z from the floor top, quaternion xyzw)."""
        self.position = _vector(position)
        self.orientation = _vector(orientation)
        x, y, z = self.position
        pybullet.resetBasePositionAndOrientation(
            self.body, (x, y, z + FLOOR_HEIGHT), self.orientation, physicsClientId=self.client
        )
        self._changed()

    def set_color(self, color: Sequence[float]) -> None:
        """RGB colour in [0, 1] (drawn translucent)."""
        self.color = _vector(color)
        if self.drawn:
            pybullet.changeVisualShape(
                self.body, -1, rgbaColor=(*self.color, SILHOUETTE_ALPHA), physicsClientId=self.client
            )

    def _changed(self) -> None:
        if self._on_change is not None:
            self._on_change()
