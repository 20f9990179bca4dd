"""The arena (table and round wall) and the objects placed in it.

The stage owns the table, the wall and every task object (blocks and silhouettes) by name. Positions
are in metres, z from the floor top; colours RGB in [0, 1]; friction coefficients are Bullet's
lateral friction.
"""

from __future__ import annotations

from collections.abc import Sequence

import pybullet

from causalworld.sim import geometry as g
from causalworld.sim.assets import asset_path
from causalworld.sim.objects import Block, Silhouette


class Stage:
    """Table (``floor``) and wall (``stage``) of the arena, plus the task's objects."""

    def __init__(self, client: int) -> None:
        self.client = client
        self.floor = pybullet.loadURDF(asset_path("table.urdf"), useFixedBase=True, physicsClientId=client)
        self.wall = pybullet.loadURDF(asset_path("stage.urdf"), useFixedBase=True, physicsClientId=client)
        self.floor_color = g.FLOOR_COLOR
        self.stage_color = g.STAGE_COLOR
        self.floor_friction = 0.5
        self.stage_friction = 0.5
        self.set_floor_friction(self.floor_friction)
        self.set_stage_friction(self.stage_friction)
        self.blocks: dict[str, Block] = {}
        self.silhouettes: dict[str, Silhouette] = {}
        self.version = 0
        """Counts changes to what observations show statically (goal poses, sizes, types)."""

    def touch(self) -> None:
        """Record that a static property of an object changed."""
        self.version += 1

    def sync_from_simulation(self) -> None:
        """Re-read the silhouette poses from PyBullet after a snapshot restore."""
        for silhouette in self.silhouettes.values():
            silhouette.sync_from_simulation()
        self.touch()

    def set_floor_color(self, color: Sequence[float]) -> None:
        """Colour of the table top (RGB in [0, 1])."""
        self.floor_color = tuple(float(c) for c in color)
        pybullet.changeVisualShape(self.floor, -1, rgbaColor=(*self.floor_color, 1.0), physicsClientId=self.client)

    def set_stage_color(self, color: Sequence[float]) -> None:
        """Colour of the round wall (RGB in [0, 1])."""
        self.stage_color = tuple(float(c) for c in color)
        pybullet.changeVisualShape(self.wall, -1, rgbaColor=(*self.stage_color, 1.0), physicsClientId=self.client)

    def set_floor_friction(self, friction: float) -> None:
        """Lateral friction coefficient of the table."""
        self.floor_friction = float(friction)
        pybullet.changeDynamics(self.floor, -1, lateralFriction=self.floor_friction, physicsClientId=self.client)

    def set_stage_friction(self, friction: float) -> None:
        """Lateral friction coefficient of the wall."""
        self.stage_friction = float(friction)
        pybullet.changeDynamics(self.wall, -1, lateralFriction=self.stage_friction, physicsClientId=self.client)

    def add_block(self, name: str, **properties) -> Block:
        """Create a cuboid block (see :class:`Block` for the properties) and register it by name."""
        self._check_new_name(name)
        block = Block(self.client, name, **properties)
        self.blocks[name] = block
        self.touch()
        return block

    def add_silhouette(self, name: str, **properties) -> Silhouette:
        """Create a goal silhouette (see :class:`Silhouette`) and register it by name."""
        self._check_new_name(name)
        silhouette = Silhouette(self.client, name, on_change=self.touch, **properties)
        self.silhouettes[name] = silhouette
        return silhouette

    def _check_new_name(self, name: str) -> None:
        if name in self.blocks or name in self.silhouettes:
            raise ValueError(f"the stage already has an object named {name!r}")
