"""What every task family shares: kwargs handling, scene state, reward assembly, goal overlap.

A task builds its scene through the :class:`~causalworld.sim.stage.Stage`, names its dense reward
terms, measures fractional success, and samples new goals. It never touches PyBullet directly
and never imports the environment.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from causalworld.sim.kinematics import kinematics
from causalworld.sim.objects import BlockState
from causalworld.sim.robots import TRIFINGER_EDU, RobotSpec
from causalworld.sim.stage import Stage
from causalworld.spatial import (  # noqa: F401 - re-exported for the task modules
    orientation_error,
    quaternion_matrix,
    rotation_vector_to_quaternion,
    yaw_quaternion,
)
from causalworld.tasks.slots import Slot
from causalworld.variables import VariableSpace


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
    default_pose: ClassVar[str] = "rest"
    """The robot's pose (``rest`` or ``raised``, see :class:`~causalworld.sim.robots.spec.RobotSpec`) the
    episodes start from unless the ``joint_positions`` kwarg gives others."""
    solver_iterations: ClassVar[int] = 50
    """Bullet constraint-solver iterations per physics step (tall stacks need more to stand still)."""

    def __init__(self, robot: RobotSpec = TRIFINGER_EDU, **kwargs: Any) -> None:
        self.robot = robot
        """The robot the task is played with (its poses, fingertip radius and kinematics)."""
        self.kinematics = kinematics(robot)
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

    @property
    def default_joint_positions(self) -> tuple[float, ...]:
        """The robot's :attr:`default_pose` (rad, 9)."""
        return getattr(self.robot, f"{self.default_pose}_pose")

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
