"""The arena (table and round wall) and the objects placed in it.

The stage owns the table, the wall and every task object (blocks and silhouettes) by name. Positions
are in metres, z from the floor top; colours RGB in [0, 1]; friction coefficients are Bullet's
lateral friction.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pybullet

from causalworld.sim import geometry as g
from causalworld.sim.objects import Block, Silhouette


class Stage:
    """Table (``floor``) and wall (``stage``) of the arena, plus the task's objects."""

    def __init__(self, client: int, draws_silhouettes: bool = True) -> None:
        self.client = client
        self.draws_silhouettes = draws_silhouettes
        """Whether goal silhouettes get their visual shapes (an env that never renders passes False)."""
        self._load()
        self.floor_color = g.FLOOR_COLOR
        self.stage_color = g.STAGE_COLOR
        self.floor_friction = 0.5
        self.stage_friction = 0.5
        self.set_floor_friction(self.floor_friction)
        self.set_stage_friction(self.stage_friction)
        self.blocks: dict[str, Block] = {}
        self.silhouettes: dict[str, Silhouette] = {}
        self.objects: dict[str, Block | Silhouette] = {}
        """Every task object in creation order (the order bodies are rebuilt in)."""
        self.version = 0
        """Counts changes to what observations show statically (goal poses, sizes, types)."""
        self.removals = 0
        """Bodies removed since the world was built or last cleared. While it is 0, every body's
        Bullet identity (its broadphase id) is the one a freshly built world gives it, which is
        what restoring a saved physics state matches contacts by (see :mod:`causalworld.env.snapshot_methods`)."""

    def _load(self) -> None:
        client = self.client
        # The table collides as a convex hull (like the original's mesh), not as a box: see g.TABLE_CORNER_RADIUS.
        table = pybullet.createCollisionShape(pybullet.GEOM_MESH, vertices=g.table_hull_vertices(),
                                              physicsClientId=client)
        half = [s / 2 for s in g.TABLE_SIZE]
        slab = pybullet.createVisualShape(pybullet.GEOM_BOX, halfExtents=half, rgbaColor=(*g.FLOOR_COLOR, 1.0),
                                          visualFramePosition=(0.0, 0.0, g.COLLISION_MARGIN - half[2]),
                                          physicsClientId=client)
        self.floor = pybullet.createMultiBody(baseMass=0.0, baseCollisionShapeIndex=table, baseVisualShapeIndex=slab,
                                              basePosition=(0.0, 0.0, g.TABLE_TOP_FRAME_Z), physicsClientId=client)
        pybullet.changeDynamics(self.floor, -1, activationState=pybullet.ACTIVATION_STATE_SLEEP, physicsClientId=client)
        segments = g.wall_segments()
        collision = pybullet.createCollisionShape(pybullet.GEOM_BOX, halfExtents=segments[0][2], physicsClientId=client)
        visual = pybullet.createVisualShape(pybullet.GEOM_BOX, halfExtents=segments[0][2],
                                            rgbaColor=(*g.STAGE_COLOR, 1.0), physicsClientId=client)
        # One batch call creates all the boxes (one body each, same ids, same order), then each is turned
        # to its yaw: the same bodies as 36 separate calls give, bit for bit, at a tenth of the cost
        # (PyBullet serializes and parses every body it creates one by one).
        self.walls = list(pybullet.createMultiBody(
            baseMass=0.0, baseCollisionShapeIndex=collision, baseVisualShapeIndex=visual,
            batchPositions=[centre for centre, _, _ in segments], useMaximalCoordinates=True,
            physicsClientId=client))
        """The wall's boxes, one body each. (On one body they would form a compound shape, which keeps
        several contact caches per touching body; PyBullet's ``restoreState`` cannot tell those apart, so a
        snapshot with a block against the wall would not restore bit-exactly.)"""
        for wall, (centre, yaw, _) in zip(self.walls, segments, strict=True):
            pybullet.resetBasePositionAndOrientation(wall, centre, (0.0, 0.0, math.sin(yaw / 2), math.cos(yaw / 2)),
                                                     physicsClientId=client)
            # Static bodies never move: asleep, Bullet skips refreshing their bounding boxes every step.
            pybullet.changeDynamics(wall, -1, activationState=pybullet.ACTIVATION_STATE_SLEEP, physicsClientId=client)

    def recreate(self) -> None:
        """Load the arena and every task object again into a cleared world, with their current properties."""
        self._load()
        self.removals = 0
        self.set_floor_color(self.floor_color)
        self.set_stage_color(self.stage_color)
        self.set_floor_friction(self.floor_friction)
        self.set_stage_friction(self.stage_friction)
        for obj in self.objects.values():
            obj.create()
        self.touch()

    def touch(self) -> None:
        """Record that a static property of an object changed."""
        self.version += 1

    def set_floor_color(self, color: Sequence[float]) -> None:
        """Colour of the table top (RGB in [0, 1])."""
        self.floor_color = tuple(float(c) for c in color)
        pybullet.changeVisualShape(self.floor, -1, rgbaColor=(*self.floor_color, 1.0), physicsClientId=self.client)

    def set_stage_color(self, color: Sequence[float]) -> None:
        """Colour of the round wall (RGB in [0, 1])."""
        self.stage_color = tuple(float(c) for c in color)
        for wall in self.walls:
            pybullet.changeVisualShape(wall, -1, rgbaColor=(*self.stage_color, 1.0), physicsClientId=self.client)

    def set_floor_friction(self, friction: float) -> None:
        """Lateral friction coefficient of the table."""
        self.floor_friction = float(friction)
        pybullet.changeDynamics(self.floor, -1, lateralFriction=self.floor_friction, physicsClientId=self.client)

    def set_stage_friction(self, friction: float) -> None:
        """Lateral friction coefficient of the wall."""
        self.stage_friction = float(friction)
        for wall in self.walls:
            pybullet.changeDynamics(wall, -1, lateralFriction=self.stage_friction, physicsClientId=self.client)

    def add_block(self, name: str, **properties) -> Block:
        """Create a cuboid block (see :class:`Block` for the properties) and register it by name."""
        self._check_new_name(name)
        block = Block(self.client, name, **properties)
        self.blocks[name] = block
        self.objects[name] = block
        self.touch()
        return block

    def add_silhouette(self, name: str, **properties) -> Silhouette:
        """Create a goal silhouette (see :class:`Silhouette`) and register it by name."""
        self._check_new_name(name)
        silhouette = Silhouette(self.client, name, on_change=self.touch, drawn=self.draws_silhouettes, **properties)
        self.silhouettes[name] = silhouette
        self.objects[name] = silhouette
        return silhouette

    def resize(self, sizes: dict[str, tuple[float, float, float]]) -> None:
        """Give objects new sizes (m) by rebuilding every task body in creation order.

        Rebuilding them all, not only the resized ones, keeps body ids and the simulation's body
        order the same as in a freshly built scene, so results stay bit-identical to one.
        Poses and velocities are kept.
        """
        unknown = set(sizes) - set(self.objects)
        if unknown:
            raise KeyError(f"no objects named {sorted(unknown)}")
        velocities = {}
        for name, obj in self.objects.items():
            obj.sync_pose()
            if isinstance(obj, Block) and obj.is_movable:
                state = obj.read_state()
                velocities[name] = (state.linear_velocity, state.angular_velocity)
        for obj in reversed(list(self.objects.values())):
            obj.remove()
            self.removals += 1
        for name, obj in self.objects.items():
            if name in sizes:
                obj.size = tuple(float(v) for v in sizes[name])
            obj.create(velocities.get(name))
        self.touch()

    def remove_object(self, name: str) -> None:
        """Delete one task object."""
        obj = self.objects.pop(name)
        self.blocks.pop(name, None)
        self.silhouettes.pop(name, None)
        obj.remove()
        self.removals += 1
        self.touch()

    def remove_all_objects(self) -> None:
        """Delete every task object (blocks and silhouettes)."""
        for obj in reversed(list(self.objects.values())):
            obj.remove()
            self.removals += 1
        self.objects.clear()
        self.blocks.clear()
        self.silhouettes.clear()
        self.touch()

    def _check_new_name(self, name: str) -> None:
        if name in self.blocks or name in self.silhouettes:
            raise ValueError(f"the stage already has an object named {name!r}")
