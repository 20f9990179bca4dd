"""What every task family shares: kwargs handling, scene state, reward assembly, goal overlap.

A task builds its scene through the :class:`~causalworld.sim.stage.Stage`, names its dense reward
terms, measures fractional success, and samples new goals. It never touches PyBullet directly
and never imports the environment.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, ClassVar

import numpy as np

from causalworld.observations import Slot
from causalworld.sim import geometry as g
from causalworld.sim.objects import BlockState
from causalworld.sim.stage import Stage
from causalworld.spatial import (  # noqa: F401 - re-exported for the task modules
    orientation_error,
    quaternion_matrix,
    rotation_vector_to_quaternion,
    yaw_quaternion,
)


class VariableSpace(str, Enum):
    """Which range of the causal variables is active: training (A), evaluation (B) or their union."""

    A = "space_a"
    B = "space_b"
    A_B = "space_a_b"

    @classmethod
    def parse(cls, value: VariableSpace | str) -> VariableSpace:
        try:
            return cls(value)
        except ValueError:
            raise ValueError(
                f"variables_space must be one of {[s.value for s in cls]}, got {value!r}"
            ) from None


@dataclass
class GoalMeasure:
    """The goal as HER-style algorithms see it, and how much of it is achieved."""

    desired_goal: np.ndarray
    achieved_goal: np.ndarray
    fractional_success: float


@dataclass
class SceneState:
    """Everything a task reads at one env step (units as in the observation)."""

    joint_positions: list[float]
    joint_velocities: list[float]
    tip_positions: list[float]
    torques: list[float]
    blocks: dict[str, BlockState]


class TaskContext:
    """What a task may ask of its environment: the seeded generator and a change notification."""

    def __init__(self, rng: Callable[[], np.random.Generator], objects_changed: Callable[[], None]) -> None:
        self._rng = rng
        self._objects_changed = objects_changed

    @property
    def rng(self) -> np.random.Generator:
        """The env's generator (seeded by ``reset(seed=...)``)."""
        return self._rng()

    def objects_changed(self) -> None:
        """Tell the env that objects were added to or removed from the stage."""
        self._objects_changed()


SHARED_DEFAULTS: Mapping[str, Any] = {
    "variables_space": "space_a_b",
    "fractional_reward_weight": None,  # None: the task's default
    "dense_reward_weights": None,  # None: the task's default
    "activate_sparse_reward": False,
}
"""Task kwargs every family accepts."""


def as_vector(name: str, value: Any, length: int) -> tuple[float, ...]:
    """A finite float tuple of the given length from a list, tuple or array, or a clear error."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a sequence of {length} numbers, got {value!r}") from None
    if array.shape != (length,):
        raise ValueError(f"{name} must have {length} values, got shape {array.shape}: {value!r}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return tuple(float(v) for v in array)


class Task:
    """Base class of the task families. Subclasses set the class attributes and the hooks."""

    name: ClassVar[str] = "base"
    defaults: ClassVar[Mapping[str, Any]] = {}
    """Task-specific kwargs and their defaults (data, merged with SHARED_DEFAULTS)."""
    reward_term_names: ClassVar[tuple[str, ...]] = ()
    default_dense_weights: ClassVar[tuple[float, ...]] = ()
    default_fractional_reward_weight: ClassVar[float] = 1.0
    success_threshold: ClassVar[float] = 0.9
    """Fractional success above which the episode counts as solved."""
    default_joint_positions: ClassVar[tuple[float, ...]] = g.REST_POSE
    """Starting joint positions (rad, 9) unless the ``joint_positions`` kwarg gives others."""
    solver_iterations: ClassVar[int] = 50
    """Bullet constraint-solver iterations per physics step (tall stacks need more to stand still)."""

    def __init__(self, **kwargs: Any) -> None:
        allowed = {**SHARED_DEFAULTS, **self.defaults}
        unknown = sorted(set(kwargs) - set(allowed))
        if unknown:
            raise TypeError(
                f"task {self.name!r} got unknown argument(s) {unknown}; it accepts {sorted(allowed)}"
            )
        self.params: dict[str, Any] = {**allowed, **kwargs}
        self.variables_space = VariableSpace.parse(self.params["variables_space"])
        weights = self.params["dense_reward_weights"]
        self.dense_weights = (
            self.default_dense_weights
            if weights is None
            else as_vector("dense_reward_weights", weights, len(self.reward_term_names))
        )
        fractional = self.params["fractional_reward_weight"]
        self.fractional_weight = float(self.default_fractional_reward_weight if fractional is None else fractional)
        if not math.isfinite(self.fractional_weight):
            raise ValueError(f"fractional_reward_weight must be finite, got {fractional!r}")
        self.sparse = bool(self.params["activate_sparse_reward"])
        self.stage: Stage | None = None

    # -- hooks ------------------------------------------------------------------------------
    def build(self, stage: Stage) -> None:
        """Create the task's objects on the stage."""
        raise NotImplementedError

    def observation_slots(self) -> list[Slot]:
        """The object slots of the observation, in the original's order (fixed at construction)."""
        raise NotImplementedError

    def slot_objects(self) -> list[str | None]:
        """The stage object shown in each slot now (None: empty); default: the object named like the slot."""
        assert self.stage is not None
        return [slot.name if slot.name in self.stage.objects else None for slot in self.observation_slots()]

    def starting_joint_positions(self) -> tuple[float, ...]:
        """Joint positions (rad, 9) of the default starting state."""
        value = self.params.get("joint_positions")
        return self.default_joint_positions if value is None else as_vector("joint_positions", value, 9)

    def episode_seconds(self) -> float:
        """Default episode length (s): 10 s per rigid object (fixed ones included)."""
        assert self.stage is not None
        return 10.0 * len(self.stage.blocks)

    def reset_reward_state(self, state: SceneState) -> None:
        """Start the delta terms from ``state`` (called at every reset)."""

    def reward_terms(self, state: SceneState) -> list[float]:
        """Unweighted dense terms in ``reward_term_names`` order; updates the delta-term memory."""
        return []

    def measure(self, state: SceneState) -> GoalMeasure:
        """Desired and achieved goal and the fractional success in [0, 1] (computed once per step)."""
        raise NotImplementedError

    def goal_reward(self, state: SceneState, fractional_success: float) -> tuple[str, float]:
        """The (name, value) of the term the fractional weight multiplies: the fractional success."""
        return "fractional_success", fractional_success

    def is_success(self, state: SceneState, fractional_success: float) -> bool:
        """Whether the task counts as solved in ``state``."""
        return fractional_success > self.success_threshold

    def sample_new_goal(self, rng: np.random.Generator) -> dict[str, Any]:
        """A new goal from the task's goal family in the active space, as an intervention dict."""
        raise NotImplementedError

    def attach(self, context: TaskContext) -> None:
        """Receive the env's services (random generator, change notification); called once after build."""
        self.context = context

    def task_variables(self) -> list:
        """The task-level causal variables (kind TASK), e.g. ``number_of_obstacles``; default: none."""
        return []

    def customize_variables(self, registry) -> None:
        """Adjust the generic variable bounds to this task (space overrides); default: none."""

    @staticmethod
    def leave_out_of_spaces(registry, names) -> None:
        """Keep the named variables (those present) settable but out of the intervention spaces, as the original."""
        for name in names:
            if name in registry:
                registry[name].in_spaces = False

    def refusals(self, values: Mapping[str, np.ndarray]) -> list[str]:
        """Reasons this task cannot take the (validated) values, bounds checked or not; default: none."""
        return []

    def couple(self, values: dict[str, np.ndarray], registry) -> dict[str, np.ndarray]:
        """Add the changes an intervention implies (for example a size copied to the goal); default: none."""
        return values

    def apply_goal(self, goal: Mapping[str, Any]) -> None:
        """Move the goal silhouettes as described by an intervention dict from :meth:`sample_new_goal`."""
        raise NotImplementedError


# -- geometry helpers shared by the block tasks ---------------------------------------------
# Rotations live in causalworld.spatial (one implementation); these names stay importable from here.
rotation_vector_quaternion = rotation_vector_to_quaternion
"""Quaternion (x, y, z, w) of a rotation vector (rad): :func:`causalworld.spatial.rotation_vector_to_quaternion`."""


def box_hull(position: Sequence[float], orientation: Sequence[float], size: Sequence[float]) -> list[list[float]]:
    """Axis-aligned hull [[min x, y, z], [max x, y, z]] (m) of one oriented box, in plain Python."""
    x, y, z, w = orientation
    hx, hy, hz = size[0] / 2, size[1] / 2, size[2] / 2
    ex = abs(1 - 2 * (y * y + z * z)) * hx + abs(2 * (x * y - z * w)) * hy + abs(2 * (x * z + y * w)) * hz
    ey = abs(2 * (x * y + z * w)) * hx + abs(1 - 2 * (x * x + z * z)) * hy + abs(2 * (y * z - x * w)) * hz
    ez = abs(2 * (x * z - y * w)) * hx + abs(2 * (y * z + x * w)) * hy + abs(1 - 2 * (x * x + y * y)) * hz
    px, py, pz = position
    return [[px - ex, py - ey, pz - ez], [px + ex, py + ey, pz + ez]]


def hull_overlap(goal: list[list[float]], block: list[list[float]]) -> float:
    """Intersection volume of two axis-aligned hulls over the first one's volume, in plain Python."""
    inter = 1.0
    volume = 1.0
    for k in range(3):
        inter *= max(0.0, min(goal[1][k], block[1][k]) - max(goal[0][k], block[0][k]))
        volume *= goal[1][k] - goal[0][k]
    return min(1.0, inter / volume) if volume > 0 else 0.0


def box_hulls(positions: np.ndarray, orientations: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Axis-aligned hulls (n, 2, 3) of n oriented boxes: [min corner, max corner] (m).

    ``positions`` (n, 3), ``orientations`` (n, 4) quaternions xyzw, ``sizes`` (n, 3) edge lengths.
    """
    x, y, z, w = orientations.T
    rot = np.stack(
        [
            np.stack([1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)], -1),
            np.stack([2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)], -1),
            np.stack([2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)], -1),
        ],
        -2,
    )
    half = np.einsum("nij,nj->ni", np.abs(rot), sizes / 2)
    return np.stack([positions - half, positions + half], 1)


def volumetric_overlap(goal_hulls: np.ndarray, block_hulls: np.ndarray) -> float:
    """Sum over all (goal, block) pairs of the hull intersection volume, over the total goal volume.

    Both arguments are (n, 2, 3) hull arrays; returns 1.0 when there are no goals. This is the
    benchmark's fractional success, computed for all pairs at once.
    """
    if len(goal_hulls) == 0:
        return 1.0
    lo = np.maximum(goal_hulls[:, None, 0, :], block_hulls[None, :, 0, :])
    hi = np.minimum(goal_hulls[:, None, 1, :], block_hulls[None, :, 1, :])
    inter = np.prod(np.clip(hi - lo, 0.0, None), axis=-1).sum()
    total = np.prod(goal_hulls[:, 1, :] - goal_hulls[:, 0, :], axis=-1).sum()
    return float(min(1.0, inter / total)) if total > 0 else 0.0
