"""Cameras and renderers: the scene view for ``render_mode="rgb_array"`` and the three pixel-mode cameras.

Frames and units: camera positions are in metres in the PyBullet world frame (world z, so the
table top is at z = 0.011); orientations are unit quaternions (x, y, z, w) of the camera frame in
the world. The camera frame follows the pinhole convention: z points along the optical axis (into
the scene), x to the right of the image and y down it. Images are therefore upright as the
camera sees them (row 0 at the top) and need no flipping. Images are RGB ``uint8``.

Renderers: PyBullet's TinyRenderer (software, always available, works without a display) or,
when the ``eglRenderer`` plugin can be loaded, OpenGL through EGL (headless too). The EGL plugin
only draws bodies created after it was loaded, so :func:`load_renderer` must run on a fresh client.
The plugin also keeps one scene per *process*, not per client (a ``resetSimulation`` in one client
wipes what another draws), so at most one live client per process renders through EGL; run
several EGL environments in separate processes (``AsyncVectorEnv``, ``SubprocVecEnv``).
"""

from __future__ import annotations

import glob
import importlib.util
import os
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pybullet

RENDER_WIDTH, RENDER_HEIGHT = 320, 240
"""Size (pixels) of the ``render()`` image."""

TINY, EGL = "tiny", "egl"
RENDERER_CHOICES = ("auto", TINY, EGL)
"""``auto``: EGL when a GPU device node exists and the plugin loads, else TinyRenderer."""
_RENDERER_FLAGS = {TINY: pybullet.ER_TINY_RENDERER, EGL: pybullet.ER_BULLET_HARDWARE_OPENGL}

PIXEL_IMAGE_SIZE = 128
"""Width and height (pixels) of every pixel-mode camera image."""
PIXEL_FOV_DEG = 52.0
"""Vertical field of view (degrees) of the pixel-mode cameras; aspect 1."""
PIXEL_NEAR, PIXEL_FAR = 0.001, 100.0
"""Clipping planes (m)."""


@dataclass(frozen=True)
class CameraPose:
    """A fixed camera: position (m, world frame) and orientation (quaternion xyzw, camera-to-world)."""

    position: tuple[float, float, float]
    orientation: tuple[float, float, float, float]


CAMERA_POSES: tuple[CameraPose, ...] = (
    CameraPose((0.2496, 0.2458, 0.58), (0.3760, 0.8690, -0.2918, -0.1354)),
    CameraPose((0.0047, -0.2834, 0.58), (0.9655, -0.0098, -0.0065, -0.2603)),
    CameraPose((-0.2470, 0.2513, 0.50), (-0.3633, 0.8686, -0.3141, 0.1220)),
)
"""The three cameras of the TriFinger platform (indices 0, 1, 2), each looking at the arena centre."""


_egl_clients: set[int] = set()
"""Clients of this process that loaded the EGL plugin (a process-wide resource, hence module state)."""


def _gpu_device_present() -> bool:
    """Whether the machine exposes a GPU render node (EGL would otherwise fall back to software GL)."""
    return bool(glob.glob("/dev/dri/renderD*") or glob.glob("/dev/nvidia[0-9]*"))


def _egl_plugin_path() -> str | None:
    try:
        spec = importlib.util.find_spec("eglRenderer")
    except (ImportError, ValueError):
        return None
    return spec.origin if spec is not None and spec.origin else None


def load_renderer(client: int, preference: str = "auto") -> str:
    """Choose the renderer of ``client`` (call before any body is created); returns "tiny" or "egl".

    ``"auto"`` loads the EGL plugin only when a GPU render node exists (on machines without a GPU,
    EGL runs on Mesa's software rasterizer, which is slower than TinyRenderer) and no other live
    client of this process uses it, and falls back silently to TinyRenderer otherwise. ``"egl"``
    insists on EGL and raises ``RuntimeError`` when the plugin is missing, does not load, or is
    already in use by another client of this process. ``"tiny"`` never loads it.
    """
    if preference not in RENDERER_CHOICES:
        raise ValueError(f"renderer must be one of {RENDERER_CHOICES}, got {preference!r}")
    if preference == TINY or (preference == "auto" and not _gpu_device_present()):
        return TINY
    _egl_clients.discard(client)  # a fresh client may reuse the id of a closed one
    _egl_clients.intersection_update({c for c in _egl_clients if pybullet.isConnected(physicsClientId=c)})
    if _egl_clients:
        if preference == EGL:
            raise RuntimeError(
                "renderer='egl': another PyBullet client of this process already renders through EGL, and the "
                "plugin shares one scene between clients; use one EGL environment per process"
            )
        return TINY
    path = _egl_plugin_path()
    plugin = -1
    if path is not None:
        with _quiet_stdout():
            plugin = pybullet.loadPlugin(path, "_eglRendererPlugin", physicsClientId=client)
    if plugin < 0:
        if preference == EGL:
            raise RuntimeError("renderer='egl' requested but PyBullet's eglRenderer plugin could not be loaded")
        return TINY
    _egl_clients.add(client)
    return EGL


class _quiet_stdout:  # noqa: N801 - used as a context manager
    """Silence C-level stdout (the EGL plugin prints its GL details) for the duration of a block."""

    def __enter__(self) -> None:
        try:
            self._saved = os.dup(1)
            self._null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(self._null, 1)
        except OSError:
            self._saved = None

    def __exit__(self, *exc: object) -> None:
        if self._saved is not None:
            os.dup2(self._saved, 1)
            os.close(self._saved)
            os.close(self._null)


def renderer_flag(name: str) -> int:
    """PyBullet's ``renderer=`` constant for "tiny" or "egl"."""
    return _RENDERER_FLAGS[name]


def view_matrix(pose: CameraPose, client: int) -> tuple[float, ...]:
    """OpenGL view matrix of a pinhole camera at ``pose`` (z forward, y down in the image)."""
    rotation = np.array(pybullet.getMatrixFromQuaternion(pose.orientation), dtype=np.float64).reshape(3, 3)
    eye = np.array(pose.position, dtype=np.float64)
    forward, down = rotation[:, 2], rotation[:, 1]
    return pybullet.computeViewMatrix(
        eye.tolist(), (eye + forward).tolist(), (-down).tolist(), physicsClientId=client
    )


class CameraRig:
    """Some of the fixed cameras, rendered side by side into the channels of one image.

    Args:
        client: PyBullet client to render.
        renderer: "tiny" or "egl" (as returned by :func:`load_renderer`).
        indices: which of :data:`CAMERA_POSES` to use, in order.
    """

    def __init__(self, client: int, renderer: str, indices: Sequence[int]) -> None:
        self.client = client
        self.renderer = renderer
        self._flag = renderer_flag(renderer)
        self.indices = tuple(int(i) for i in indices)
        self._views = [view_matrix(CAMERA_POSES[i], client) for i in self.indices]
        self._projection = pybullet.computeProjectionMatrixFOV(
            PIXEL_FOV_DEG, 1.0, PIXEL_NEAR, PIXEL_FAR, physicsClientId=client
        )

    @property
    def channels(self) -> int:
        """3 per camera."""
        return 3 * len(self.indices)

    def render_into(self, out: np.ndarray) -> None:
        """Draw every camera into ``out`` (H x W x 3k uint8): camera j fills channels 3j..3j+2."""
        size = PIXEL_IMAGE_SIZE
        for j, view in enumerate(self._views):
            rgba = pybullet.getCameraImage(
                size, size, viewMatrix=view, projectionMatrix=self._projection, renderer=self._flag,
                flags=pybullet.ER_NO_SEGMENTATION_MASK, physicsClientId=self.client,
            )[2]
            out[:, :, 3 * j:3 * j + 3] = np.asarray(rgba, dtype=np.uint8).reshape(size, size, 4)[:, :, :3]


class SceneCamera:
    """Fixed camera for ``render()``: looks at the arena centre from 0.6 m, 60 degrees down, 320x240 RGB."""

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
