"""``get_state`` / ``set_state``: bit-exact mid-episode snapshots (a mixin of the environment).

What must be restored, and why a plain ``pybullet.restoreState`` is not enough
(each point measured with PyBullet 3.2.7; the scripts are ``benchmarks/snapshot_diagnosis.py``,
``benchmarks/snapshots.py`` and ``tests/test_snapshots.py``):

* Bullet restores body poses, velocities, joint states and contact manifolds (with their cached
  impulses and friction anchors), but not the world-frame inverse inertia tensor of a rigid body
  (maximal coordinates, as the stacked families' blocks are): ``restoreState`` sets the body's
  transform and leaves the tensor computed at the last step. Restoring into a world that has
  stepped since the save therefore diverges at the first substep whenever such a block is in
  contact (with the tensor made irrelevant, an inertia of 1e30, the same restore is exact).
* The order of the dispatcher's contact manifolds and the broadphase's pair cache depend on the
  world's history; restoring into a stepped world was not exact in the general family either,
  whose blocks are multibodies.
* Bullet matches saved manifolds and rigid bodies to live ones by broadphase id, which a body
  removed and created again (a size or task-level intervention rebuilds bodies) does not keep.
* It restores saved manifolds only into live ones, and a freshly built world has none. A box on a
  box gets all its contact points again from one collision pass, but a block on the table (a convex
  hull, as in the original) gets one new point per pass, so a restore that dropped the cached
  points would change the next steps: :func:`load_physics` runs one collision pass first, which
  creates the manifolds, and Bullet's saved points then replace theirs.
* It matches manifolds by the pair of bodies only, so a compound shape (several manifolds with one
  body) gets the saved data of one of its children in all of them. Every link and every box of the
  round wall is therefore one collision shape on its own (``docs/physics.md``; the wall used to be
  one body of 36 boxes).

So a restore always starts from a cleared world: every body is created again, at its snapshot
pose, with the snapshot's properties (as ``reset`` does), and Bullet's saved state is then loaded
into it. Such a world depends only on the snapshot, in this process or in another one. To make the
env that takes a snapshot follow the same continuation, ``get_state`` re-seats it the same way on
the snapshot it returns, just as ``reset`` starts every episode from a cleared world. Taking a
snapshot therefore costs about one ``reset`` plus Bullet's save and load (measured in
``benchmarks/snapshots.py``); a run that takes snapshots is bit-identical to any run that takes
them at the same steps (but not necessarily to a run that takes none: the re-seat refreshes
Bullet's caches, which can change the last bits of later steps, and the stacked families' walls
are sensitive enough to show it).

When bodies were removed since the world was built (a mid-episode intervention on a size or a
task-level variable), saved contacts cannot be matched to the recreated bodies; the snapshot then
carries no Bullet state and restores by setting every pose and velocity exactly, without cached
contacts (as after such an intervention). Everything else above still holds.

Not in a snapshot: wrappers' own state (action histories, curricula, protocols) and the render
camera. Pixel goal images are derived from the restored scene and re-rendered when needed.

:class:`RewindPoint` is a much cheaper, same-process restore point for planning
(``pybullet.saveState`` in memory, no rebuild); it is exact only in the cases measured in
``benchmarks/snapshots.py`` and is used by :mod:`causalworld.planning` as a model, not for replay.
"""

from __future__ import annotations

import copy
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import numpy as np

from causalworld.env.snapshot import SCHEMA, Snapshot, SnapshotError, check_physics, encode
from causalworld.files import jsonable
from causalworld.sim.world import PhysicsError, bullet_api_version, load_physics, save_physics
from causalworld.variables import VariableSpace

WORLD_KWARGS_EXEMPT = (
    "observation_mode", "action_mode", "skip_frame", "normalize_actions", "normalize_observations",
    "max_episode_length", "render_mode", "scale_reward_by_dt", "camera_indices", "renderer",
    "add_ground_truth_state_to_info", "expose_potential_partial_solution", "extended_spaces",
    "dense_reward_weights", "fractional_reward_weight", "activate_sparse_reward",
)
"""Constructor arguments that do not define the world: a snapshot may be restored into an env that
differs in them (the continuation's observations and rewards then follow that env's settings; a
planner's model, for example, may weigh the reward terms its own way)."""
REWARD_MEMORY_PREFIX = "_previous"
"""Task attributes holding the dense reward terms' memory (the quantities of the previous step)."""


def _installed_version(distribution: str) -> str:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "unknown"


def _versions() -> dict[str, str]:
    return {"causalworld": _installed_version("causalworld"), "pybullet": _installed_version("pybullet"),
            "pybullet_api": str(bullet_api_version())}


class SnapshotMethods:
    """Mixin of :class:`causalworld.CausalWorldEnv`: ``get_state`` and ``set_state``."""

    def get_state(self) -> Snapshot:
        """A snapshot of everything that determines the rest of the episode.

        The live simulation is re-seated on the snapshot (see :mod:`causalworld.env.snapshot_methods`), so
        that this env's continuation is exactly what ``set_state(snapshot)`` reproduces, here or in
        a new process. Cost: about one ``reset``.

        Raises:
            RuntimeError: no episode has started (call ``reset()`` first).
        """
        if self._needs_reset:
            raise RuntimeError("call reset() before get_state(): the episode has not started")
        snapshot = capture(self)
        apply_snapshot(self, snapshot)
        return snapshot

    def set_state(self, snapshot: Snapshot) -> np.ndarray:
        """Put the env in the state ``snapshot`` holds; returns the observation there.

        The snapshot must come from an env of the same task with the same task arguments (other
        settings may differ; see :data:`WORLD_KWARGS_EXEMPT`). Later steps with the same actions
        and interventions are bit-identical to those of the env that took the snapshot.

        Raises:
            SnapshotError: not a snapshot, or one of another task or task arguments; nothing changed.
        """
        check_compatible(self, snapshot)
        backup = capture(self)
        try:
            apply_snapshot(self, snapshot)
        except BaseException as error:
            apply_snapshot(self, backup)
            if isinstance(error, PhysicsError):
                raise SnapshotError(f"PyBullet could not load the snapshot's physics state: {error}") from None
            if isinstance(error, (KeyError, TypeError, ValueError)) and not isinstance(error, SnapshotError):
                raise SnapshotError(f"the snapshot does not fit this env ({type(error).__name__}: {error}); "
                                    "the env is as it was") from None
            raise
        return self._observe(self._read_state())


def world_kwargs(kwargs: dict[str, Any]) -> str:
    """The arguments that define the world, as canonical JSON (tuples and lists compare equal)."""
    import json

    return json.dumps(jsonable({k: v for k, v in kwargs.items() if k not in WORLD_KWARGS_EXEMPT}), sort_keys=True)


def check_compatible(env, snapshot: Snapshot) -> None:
    """Raise :class:`SnapshotError` unless ``snapshot`` can be restored into ``env``."""
    if not isinstance(snapshot, Snapshot):
        raise SnapshotError(f"set_state takes a causalworld Snapshot (from get_state), got {type(snapshot).__name__}")
    if snapshot.task != env.task_name:
        raise SnapshotError(f"the snapshot is of task {snapshot.task!r}, this env's task is {env.task_name!r}")
    mine, theirs = world_kwargs(env.constructor_kwargs), world_kwargs(snapshot.constructor_kwargs)
    if mine != theirs:
        raise SnapshotError(f"the snapshot's task arguments {theirs} differ from this env's {mine}")
    check_physics(snapshot.physics)
    for key in ("step_count", "last_joint_target", "last_torques", "variables_space", "rng"):
        if key not in snapshot.episode:
            raise SnapshotError(f"the snapshot's episode state lacks {key!r}")


# -- taking and restoring ----------------------------------------------------------------------
def capture(env) -> Snapshot:
    """The env's current state as a :class:`Snapshot`, without touching the simulation."""
    physics = save_physics(env.world.client) if env.stage.removals == 0 else b""
    return Snapshot(
        env.task_name, copy.deepcopy(env.constructor_kwargs), env._capture_state(),
        {k: v.copy() for k, v in env._start_state.items()}, episode_state(env), physics,
        {**_versions(), "schema": SCHEMA},
    )


def apply_snapshot(env, snapshot: Snapshot) -> None:
    """Rebuild the world from ``snapshot`` (see the module docs); the same result wherever it runs."""
    variables = {k: v.copy() for k, v in snapshot.variables.items()}
    env._restore_state(variables, everything=True)  # scene structure, properties, creation poses
    env._rebuild_world()
    env._restore_state(variables, everything=True)  # the fresh bodies, as reset() does
    if snapshot.physics:
        load_physics(env.world.client, snapshot.physics)
    env._start_state = {k: v.copy() for k, v in snapshot.start_state.items()}
    set_episode_state(env, snapshot.episode)
    env.stage.touch()


def episode_state(env) -> dict[str, Any]:
    """The Python-side state of the running episode (JSON-encodable)."""
    rng = env.np_random
    state = {
        "step_count": int(env._step_count),
        "needs_reset": bool(env._needs_reset),
        "last_joint_target": [float(v) for v in env._last_joint_target],
        "last_tip_target": None if env._last_tip_target is None else [float(v) for v in env._last_tip_target],
        "last_torques": [float(v) for v in env.robot.last_torques],
        "dirty": sorted(env._dirty),
        "variables_space": env.task.variables_space.value,
        "rng": {"bit_generator": type(rng.bit_generator).__name__, "state": rng.bit_generator.state,
                "seed": getattr(env, "_np_random_seed", None)},
        "reward_memory": reward_memory(env.task),
    }
    encode(state)  # fail now, not when saving, if something is not storable
    return copy.deepcopy(state)


def set_episode_state(env, state: dict[str, Any]) -> None:
    """Restore what :func:`episode_state` captured."""
    env._step_count = int(state["step_count"])
    env._needs_reset = bool(state.get("needs_reset", False))
    env._last_joint_target = list(state["last_joint_target"])
    tip = state.get("last_tip_target")
    env._last_tip_target = None if tip is None else list(tip)
    env.robot.last_torques = list(state["last_torques"])
    env._dirty = set(state.get("dirty", ()))
    env.task.variables_space = VariableSpace.parse(state["variables_space"])
    rng_state = state["rng"]
    bit_generator = getattr(np.random, str(rng_state["bit_generator"]), None)
    if not (isinstance(bit_generator, type) and issubclass(bit_generator, np.random.BitGenerator)):
        raise SnapshotError(f"unknown bit generator {rng_state['bit_generator']!r}")
    generator = np.random.Generator(bit_generator())
    generator.bit_generator.state = copy.deepcopy(rng_state["state"])
    env._np_random = generator
    env._np_random_seed = rng_state.get("seed")
    set_reward_memory(env.task, state.get("reward_memory", {}))


def reward_memory(task) -> dict[str, Any]:
    """The task's dense-term memory: its attributes named ``_previous*`` (copied)."""
    return {k: copy.deepcopy(v) for k, v in vars(task).items() if k.startswith(REWARD_MEMORY_PREFIX)}


def set_reward_memory(task, memory: dict[str, Any]) -> None:
    """Put back what :func:`reward_memory` returned."""
    for name, value in memory.items():
        if not name.startswith(REWARD_MEMORY_PREFIX):
            raise SnapshotError(f"reward memory names start with {REWARD_MEMORY_PREFIX!r}, got {name!r}")
        setattr(task, name, copy.deepcopy(value))


class RewindPoint:
    """A cheap restore point in one env for planning: Bullet's in-memory state plus the episode state.

    ``rewind()`` puts the env back here, any number of times, in about 1/100 of a ``set_state``.
    Only for the env it was made in, with no intervention in between; exact only where measured
    (``benchmarks/snapshots.py``): use :meth:`SnapshotMethods.set_state` to replay. Call
    :meth:`close` (or use it as a context manager) to free Bullet's copy.
    """

    def __init__(self, env) -> None:
        self.env = env
        self._episode = episode_state(env)
        self._version = env.stage.version
        self._state_id: int | None = env.world.save_state()

    def rewind(self) -> None:
        """Return the env to this point."""
        if self._state_id is None:
            raise RuntimeError("this rewind point was closed")
        if self.env.stage.version != self._version:
            raise RuntimeError("the scene changed (an intervention) since this rewind point was made")
        self.env.world.restore_state(self._state_id)
        set_episode_state(self.env, self._episode)

    def close(self) -> None:
        """Free Bullet's saved state (safe to call twice)."""
        if self._state_id is not None and self.env.world.is_connected:
            self.env.world.remove_state(self._state_id)
        self._state_id = None

    def __enter__(self) -> RewindPoint:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


__all__ = ["RewindPoint", "SnapshotMethods", "WORLD_KWARGS_EXEMPT", "apply_snapshot", "capture"]
