"""One PyBullet client per environment: connection, physics settings and stepping.

Every PyBullet call in causalworld passes ``physicsClientId`` explicitly, so any number of
worlds can live in one process without touching each other.
"""

from __future__ import annotations

import os
import sys
import tempfile

import pybullet

PHYSICS_TIMESTEP = 1.0 / 250.0
"""Simulation timestep (s)."""
GRAVITY = (0.0, 0.0, -9.81)
"""Default gravity (m/s^2, world frame)."""


PhysicsError = pybullet.error
"""What PyBullet raises when a call fails (for example, loading a malformed saved state)."""


def bullet_api_version() -> int:
    """The API version of the PyBullet build in use (``pybullet.getAPIVersion()``)."""
    return pybullet.getAPIVersion()


class World:
    """A PyBullet physics client with the benchmark's settings.

    Args:
        gui: open the PyBullet GUI instead of a headless (DIRECT) client.
    """

    def __init__(self, gui: bool = False) -> None:
        self.gui = gui
        if gui and sys.platform.startswith("linux") and not os.environ.get("DISPLAY"):
            # PyBullet's GUI ends the whole process (exit status 1) when it finds no X server.
            raise RuntimeError("render_mode='human' needs a display (DISPLAY is not set); run under xvfb-run, "
                               "or use render_mode='rgb_array'")
        self.client = pybullet.connect(pybullet.GUI if gui else pybullet.DIRECT)
        if self.client < 0:
            raise RuntimeError("PyBullet refused a new connection (is another GUI client open?)")
        if gui:
            for flag in (pybullet.COV_ENABLE_GUI, pybullet.COV_ENABLE_SHADOWS):
                pybullet.configureDebugVisualizer(flag, 0, physicsClientId=self.client)
            pybullet.resetDebugVisualizerCamera(0.6, 0.0, -60.0, (0.0, 0.0, 0.0), physicsClientId=self.client)
        self.gravity = GRAVITY
        self.solver_iterations = 50
        self._configure()
        self._closed = False

    def _configure(self) -> None:
        pybullet.setPhysicsEngineParameter(
            fixedTimeStep=PHYSICS_TIMESTEP,
            deterministicOverlappingPairs=1,
            numSolverIterations=self.solver_iterations,
            physicsClientId=self.client,
        )
        pybullet.setGravity(*self.gravity, physicsClientId=self.client)

    def clear(self) -> None:
        """Delete every body and all of Bullet's internal state, keeping the settings.

        Bullet keeps solver and broadphase state from one step to the next that no call can reset;
        starting from an empty world is the only way to make an episode independent of the ones
        before it. Bodies must be created again afterwards.
        """
        pybullet.resetSimulation(physicsClientId=self.client)
        self._configure()

    def set_solver_iterations(self, iterations: int) -> None:
        """Constraint-solver iterations per physics step (Bullet's default is 50)."""
        self.solver_iterations = int(iterations)
        pybullet.setPhysicsEngineParameter(numSolverIterations=int(iterations), physicsClientId=self.client)

    def set_gravity(self, gravity: tuple[float, float, float]) -> None:
        """Set gravity (m/s^2, world frame)."""
        self.gravity = tuple(float(v) for v in gravity)
        pybullet.setGravity(*self.gravity, physicsClientId=self.client)

    def step(self) -> None:
        """Advance the simulation by one physics timestep."""
        pybullet.stepSimulation(physicsClientId=self.client)

    def save_state(self) -> int:
        """Save the physics state in memory (Bullet's ``saveState``); returns its id."""
        return pybullet.saveState(physicsClientId=self.client)

    def restore_state(self, state_id: int) -> None:
        """Put the physics back in a state saved by :meth:`save_state`."""
        pybullet.restoreState(stateId=state_id, physicsClientId=self.client)

    def remove_state(self, state_id: int) -> None:
        """Free a state saved by :meth:`save_state`."""
        pybullet.removeState(state_id, physicsClientId=self.client)

    def penetration_depth(self, body_a: int, body_b: int) -> float:
        """Deepest interpenetration (m) of two bodies, 0.0 when they do not overlap."""
        points = pybullet.getClosestPoints(body_a, body_b, 0.0, physicsClientId=self.client)
        return max((-point[8] for point in points), default=0.0)

    @property
    def is_connected(self) -> bool:
        """Whether the client is still open."""
        return not self._closed and pybullet.isConnected(physicsClientId=self.client)

    def close(self) -> None:
        """Disconnect the client; safe to call twice."""
        if not self._closed:
            self._closed = True
            if pybullet.isConnected(physicsClientId=self.client):
                pybullet.disconnect(physicsClientId=self.client)


def save_physics(client: int) -> bytes:
    """The bytes of ``pybullet.saveBullet`` for this client's world."""
    handle, path = tempfile.mkstemp(prefix="causalworld-", suffix=".bullet")
    os.close(handle)
    try:
        pybullet.saveBullet(path, physicsClientId=client)
        with open(path, "rb") as stream:
            return stream.read()
    finally:
        os.unlink(path)


def load_physics(client: int, physics: bytes) -> None:
    """Load bytes from :func:`save_physics` into a world with the same bodies (``restoreState``).

    A collision pass first creates the contact manifolds that Bullet restores the saved points into.
    """
    handle, path = tempfile.mkstemp(prefix="causalworld-", suffix=".bullet")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(physics)
        pybullet.performCollisionDetection(physicsClientId=client)
        pybullet.restoreState(fileName=path, physicsClientId=client)
    finally:
        os.unlink(path)
