"""The goal scene: a second headless PyBullet client that shows only what the goal looks like.

It holds the arena (table and wall with the main scene's colours), the robot (the main scene's model)
with its fingers folded to the lower joint bounds (same height and link colours as the main robot) and a copy of
every goal silhouette of the main stage. Blocks are not shown. The scene is never stepped.

:meth:`GoalScene.update` compares an appearance key built from the main scene's Python-side
properties (floor and wall colours, robot height and link colours, silhouette shapes, poses and
colours) with the key of the last render, and re-renders the goal images only when it changed.
Goal images always use TinyRenderer: PyBullet's EGL plugin shares one scene between all clients
of a process, so it cannot draw a second client (see :mod:`causalworld.sim.cameras`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from causalworld.sim.cameras import PIXEL_IMAGE_SIZE, TINY, CameraRig
from causalworld.sim.robot import TriFinger
from causalworld.sim.robots import TRIFINGER_EDU, RobotSpec
from causalworld.sim.stage import Stage
from causalworld.sim.world import World

FOLDED_POSE = TRIFINGER_EDU.joint_lower
"""Joint positions (rad) of the TriFinger Edu in goal images: every joint at its lower bound (any robot:
its ``joint_lower``)."""


def _silhouette_shapes(stage: Stage) -> tuple:
    return tuple((name, s.size, s.sphere) for name, s in stage.silhouettes.items())


def appearance_key(stage: Stage, robot: TriFinger) -> tuple:
    """Everything the goal images depend on, as a hashable, exactly comparable tuple."""
    silhouettes = tuple((s.position, s.orientation, s.color) for s in stage.silhouettes.values())
    colors = tuple(sorted(robot.link_colors.items()))
    return (stage.floor_color, stage.stage_color, robot.height, colors, _silhouette_shapes(stage), silhouettes)


class GoalScene:
    """Renders the goal images of some cameras from a private, never-stepped PyBullet client.

    Args:
        camera_indices: cameras to render, in order.
        robot: the robot to draw (default: the TriFinger Edu).
    """

    def __init__(self, camera_indices: Sequence[int], robot: RobotSpec = TRIFINGER_EDU) -> None:
        self.world = World(gui=False)
        self.renderer = TINY
        try:
            self.robot = TriFinger(self.world.client, robot)
            self.stage = Stage(self.world.client)
            self.robot.set_joints(robot.joint_lower)
            self._cameras = CameraRig(self.world.client, self.renderer, camera_indices)
        except BaseException:
            self.world.close()
            raise
        self.images = np.zeros((PIXEL_IMAGE_SIZE, PIXEL_IMAGE_SIZE, self._cameras.channels), dtype=np.uint8)
        """The goal images: H x W x 3k uint8, camera j in channels 3j..3j+2."""
        self.refreshes = 0
        """How many times the goal images were rendered."""
        self._key: tuple | None = None

    def update(self, stage: Stage, robot: TriFinger) -> bool:
        """Mirror the main scene's goal and appearance; re-render only if they changed. Returns whether it did."""
        key = appearance_key(stage, robot)
        if key == self._key:
            return False
        self._mirror(stage, robot)
        self._cameras.render_into(self.images)
        self._key = key
        self.refreshes += 1
        return True

    def _mirror(self, stage: Stage, robot: TriFinger) -> None:
        mine, my_robot = self.stage, self.robot
        if mine.floor_color != stage.floor_color:
            mine.set_floor_color(stage.floor_color)
        if mine.stage_color != stage.stage_color:
            mine.set_stage_color(stage.stage_color)
        if my_robot.height != robot.height:
            my_robot.set_height(robot.height)
            my_robot.set_joints(my_robot.spec.joint_lower)
        for (finger, link), color in robot.link_colors.items():
            if my_robot.link_colors.get((finger, link)) != color:
                my_robot.set_link_color(finger, link, color)
        if _silhouette_shapes(mine) != _silhouette_shapes(stage):
            mine.remove_all_objects()
            for name, s in stage.silhouettes.items():
                mine.add_silhouette(
                    name, size=s.size, position=s.position, orientation=s.orientation, color=s.color, sphere=s.sphere
                )
            return
        for name, s in stage.silhouettes.items():
            copy = mine.silhouettes[name]
            if (copy.position, copy.orientation) != (s.position, s.orientation):
                copy.set_pose(s.position, s.orientation)
            if copy.color != s.color:
                copy.set_color(s.color)

    def close(self) -> None:
        """Release the goal scene's PyBullet client; safe to call twice."""
        self.world.close()
