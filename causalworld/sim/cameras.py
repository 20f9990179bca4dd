"""Rendering of the whole scene for ``render_mode="rgb_array"``.

The camera looks at the arena centre from 0.6 m away, 60 degrees down (yaw 0, pitch -60 deg),
with a 60 degree vertical field of view; images are 320x240 RGB uint8.
"""

from __future__ import annotations

import numpy as np
import pybullet

RENDER_WIDTH, RENDER_HEIGHT = 320, 240


class SceneCamera:
    """Fixed camera that renders the arena as an RGB array."""

    def __init__(self, client: int, hardware: bool = False) -> None:
        self.client = client
        self.renderer = pybullet.ER_BULLET_HARDWARE_OPENGL if hardware else pybullet.ER_TINY_RENDERER
        self.view = pybullet.computeViewMatrixFromYawPitchRoll(
            cameraTargetPosition=(0.0, 0.0, 0.0), distance=0.6, yaw=0.0, pitch=-60.0, roll=0.0, upAxisIndex=2,
            physicsClientId=client,
        )
        self.projection = pybullet.computeProjectionMatrixFOV(
            fov=60.0, aspect=RENDER_WIDTH / RENDER_HEIGHT, nearVal=0.1, farVal=100.0, physicsClientId=client
        )

    def render(self) -> np.ndarray:
        """An (240, 320, 3) uint8 RGB image of the scene."""
        _, _, rgba, _, _ = pybullet.getCameraImage(
            RENDER_WIDTH, RENDER_HEIGHT, viewMatrix=self.view, projectionMatrix=self.projection,
            renderer=self.renderer, physicsClientId=self.client,
        )
        return np.asarray(rgba, dtype=np.uint8).reshape(RENDER_HEIGHT, RENDER_WIDTH, 4)[:, :, :3].copy()
