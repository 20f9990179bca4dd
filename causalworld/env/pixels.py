"""Pixel observations: current camera images followed by goal images, in one channel-last image.

Layout (``observation_mode="pixel"``): a single array of shape ``(128, 128, 6k)`` for ``k``
cameras chosen by ``camera_indices`` (default all three, ``(0, 1, 2)``). Channels ``3j..3j+2``
hold the current RGB image of the j-th chosen camera; channels ``3(k+j)..3(k+j)+2`` hold its goal
image (the goal silhouettes in an empty arena, fingers folded). Row 0 is the top of the image.

dtype: ``uint8`` in [0, 255] when unnormalized; ``float32`` in [0, 1] (value / 255) when
``normalize_observations=True``. The declared space says exactly that.

Why one stacked image and not the original's ``(2k, 128, 128, 3)`` array: Stable-Baselines3's
``CnnPolicy`` accepts a channel-last ``uint8`` HxWxC box directly (it transposes it to channel-first
itself), so the unnormalized observation trains out of the box. SB3 recognises float images only
when they are channel-first: for normalized pixels wrap the env with :func:`channels_first` and
pass ``policy_kwargs={"normalize_images": False}``. :func:`split_pixels` and
:func:`to_camera_stack` give per-camera images back, the latter in the original's layout.

Goal images are rendered in a second PyBullet client (:mod:`causalworld.sim.goal_scene`) and only
when the goal or the scene's appearance changed; the current images are rendered every step.
"""

from __future__ import annotations

from collections.abc import Sequence

import gymnasium as gym
import numpy as np

from causalworld.sim.cameras import CAMERA_POSES, EGL, PIXEL_IMAGE_SIZE, TINY, CameraRig
from causalworld.sim.goal_scene import GoalScene
from causalworld.sim.robot import TriFinger
from causalworld.sim.robots import TRIFINGER_EDU, RobotSpec
from causalworld.sim.stage import Stage

DEFAULT_CAMERA_INDICES = (0, 1, 2)
_UINT8_MAX = np.float32(255.0)


def parse_camera_indices(value: Sequence[int] | None) -> tuple[int, ...]:
    """Validate ``camera_indices``: distinct integers among 0, 1, 2, at least one. ``None`` means all three."""
    if value is None:
        return DEFAULT_CAMERA_INDICES
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise ValueError(f"camera_indices must be a sequence of camera numbers 0-2, got {value!r}")
    indices = list(value)
    n = len(CAMERA_POSES)
    if not indices or any(isinstance(i, bool) or not isinstance(i, (int, np.integer)) for i in indices):
        raise ValueError(f"camera_indices must be a non-empty sequence of integers, got {value!r}")
    if any(not 0 <= int(i) < n for i in indices) or len(set(map(int, indices))) != len(indices):
        raise ValueError(f"camera_indices must be distinct numbers in 0..{n - 1}, got {value!r}")
    return tuple(int(i) for i in indices)


def pixel_space(n_cameras: int, normalized: bool) -> gym.spaces.Box:
    """The observation space of pixel mode for ``n_cameras`` cameras."""
    shape = (PIXEL_IMAGE_SIZE, PIXEL_IMAGE_SIZE, 6 * n_cameras)
    if normalized:
        return gym.spaces.Box(0.0, 1.0, shape, np.float32)
    return gym.spaces.Box(0, 255, shape, np.uint8)


def split_pixels(observation: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(current, goal) images, each of shape ``(k, 128, 128, 3)``, from a pixel observation (or a batch).

    A batch ``(..., 128, 128, 6k)`` gives ``(..., k, 128, 128, 3)`` each.
    """
    observation = np.asarray(observation)
    channels = observation.shape[-1]
    if observation.ndim < 3 or channels % 6:
        raise ValueError(f"not a pixel observation: shape {observation.shape} (last axis must be 6 x cameras)")
    k = channels // 6
    images = observation.reshape(*observation.shape[:-1], 2 * k, 3)
    images = np.moveaxis(images, -2, -4)
    return images[..., :k, :, :, :], images[..., k:, :, :, :]


def to_camera_stack(observation: np.ndarray) -> np.ndarray:
    """The original benchmark's layout ``(2k, 128, 128, 3)``: the k current images, then the k goal images."""
    current, goal = split_pixels(observation)
    return np.concatenate([current, goal], axis=-4)


def channels_first(env: gym.Env) -> gym.Env:
    """``env`` with its (H, W, C) image observations transposed to (C, H, W), space included."""
    space = env.observation_space
    if not isinstance(space, gym.spaces.Box) or len(space.shape) != 3:
        raise ValueError(f"channels_first needs an (H, W, C) image observation space, got {space}")
    transposed = gym.spaces.Box(
        np.transpose(space.low, (2, 0, 1)), np.transpose(space.high, (2, 0, 1)), dtype=space.dtype
    )
    return gym.wrappers.TransformObservation(
        env, lambda obs: np.ascontiguousarray(np.transpose(obs, (2, 0, 1))), transposed
    )


class PixelObserver:
    """Renders pixel observations of one environment.

    Args:
        client: the env's PyBullet client (current images).
        renderer: "egl" when loaded into ``client``; anything else ("tiny", "gui") draws with TinyRenderer.
        camera_indices: validated camera numbers.
        normalized: float32 in [0, 1] instead of uint8.
        robot: the robot drawn in the goal images (default: the TriFinger Edu).
    """

    def __init__(self, client: int, renderer: str, camera_indices: Sequence[int], normalized: bool,
                 robot: RobotSpec = TRIFINGER_EDU) -> None:
        self.camera_indices = tuple(camera_indices)
        self.normalized = bool(normalized)
        self.observation_space = pixel_space(len(self.camera_indices), self.normalized)
        self._current = CameraRig(client, EGL if renderer == EGL else TINY, self.camera_indices)
        self.goal_scene = GoalScene(self.camera_indices, robot)
        self._buffer = np.zeros(self.observation_space.shape, dtype=np.uint8)
        self._split = self._current.channels

    @property
    def goal_refreshes(self) -> int:
        """How many times the goal images were rendered so far."""
        return self.goal_scene.refreshes

    def observe(self, stage: Stage, robot: TriFinger) -> np.ndarray:
        """A new observation array: current images rendered now, goal images refreshed if the goal changed."""
        buffer = self._buffer
        self._current.render_into(buffer)
        self.goal_scene.update(stage, robot)
        buffer[:, :, self._split:] = self.goal_scene.images
        if self.normalized:
            return buffer.astype(np.float32) / _UINT8_MAX
        return buffer.copy()

    def close(self) -> None:
        """Release the goal scene's client."""
        self.goal_scene.close()
