"""Reaching: bring each fingertip to its own goal point.

Scene: three goal spheres of diameter 0.03 m -- ``goal_60`` (red) at (0, 0, 0.10),
``goal_120`` (green) at (0, 0, 0.13), ``goal_300`` (blue) at (0, 0, 0.16) -- positions in m, z
from the floor top. No blocks. With e the mean absolute error over the 9 fingertip coordinates
(m): success when e < 0.01; fractional success 1 at e <= 0.01 falling linearly to 0 at e >= 0.03.
Dense reward terms (default weights 100000, 0, 0, 0): the decrease since the previous step of the
Euclidean norm of the 9 goal-minus-fingertip differences; minus that norm; minus the norm of the
applied joint torques (N m); minus the norm of the change in joint velocities (rad/s). Plus the
fractional weight (default 1) times the mean absolute tip error e (m), as in the original (so that
term rewards distance; the original's reaching baselines set the weight to 0); ``info`` calls the
term ``mean_tip_error``. Episode: 5 s. New goals: each goal uniform by area in
the active space (A: r <= 0.11 m, 0.015 <= z <= 0.15 m; B: 0.11 <= r <= 0.15 m, 0.015 <= z <= 0.3 m).

Obstacles: the task variable ``number_of_obstacles`` (whole numbers; space [1, 5] in A and B, as in
the original) adds or removes fixed black 1 cm cubes at uniform random places in the working
volume. The observation has ``max_obstacles=k`` obstacle slots after the goals (0 to 5, default 0,
so the default observation is the original's 37 values; 11 values each, all zero with type 0 while
an obstacle is absent); more obstacles than slots are refused (``success=False`` with the reason).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from causalworld.sim.geometry import ARENA_BOUNDS
from causalworld.tasks.base import GoalMeasure, SceneState, Task, as_vector, rotation_vector_quaternion
from causalworld.tasks.sampling import cylindrical_to_cartesian, sample_cylindrical
from causalworld.tasks.slots import FIXED_TYPE, GOAL_SPHERE_TYPE, POINT, SILHOUETTE, Slot
from causalworld.variables import TASK, CausalVariable, VariableSpace, as_bounds

GOAL_NAMES = ("goal_60", "goal_120", "goal_300")
GOAL_COLORS = ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0))
GOAL_DIAMETER = 0.03
SUCCESS_ERROR = 0.01
"""Mean absolute coordinate error (m) below which reaching succeeds."""
OBSTACLE_SIZE = 0.01
"""Edge of a reaching obstacle cube (m)."""
MAX_OBSTACLES = 5
"""The most obstacles ``max_obstacles`` allows (the original's space for number_of_obstacles is 1..5)."""
ZERO_CREDIT_ERROR = 0.03
"""Mean absolute coordinate error (m) at and above which the fractional success is 0."""


class ReachingTask(Task):
    """Reach three goal points, one per fingertip."""

    name = "reaching"
    defaults: Mapping[str, Any] = {
        "default_goal_60": (0.0, 0.0, 0.10),
        "default_goal_120": (0.0, 0.0, 0.13),
        "default_goal_300": (0.0, 0.0, 0.16),
        "joint_positions": None,
        "max_obstacles": 0,
    }
    reward_term_names = ("distance_delta", "distance", "torque_norm", "joint_velocity_change")
    default_dense_weights = (100000.0, 0.0, 0.0, 0.0)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.goal_positions = [as_vector(f"default_{n}", self.params[f"default_{n}"], 3) for n in GOAL_NAMES]
        max_obstacles = self.params["max_obstacles"]
        if isinstance(max_obstacles, bool) or not isinstance(max_obstacles, (int, np.integer)) or not (
            0 <= max_obstacles <= MAX_OBSTACLES
        ):
            raise ValueError(f"max_obstacles must be a whole number from 0 to {MAX_OBSTACLES}, got {max_obstacles!r}")
        self.max_obstacles = int(max_obstacles)
        self.starting_joint_positions()
        self._previous_distance = 0.0
        self._previous_velocities = [0.0] * 9

    def build(self, stage) -> None:
        self.stage = stage
        self.goals_ = [
            stage.add_silhouette(name, size=(GOAL_DIAMETER,) * 3, position=pos, color=color, sphere=True)
            for name, pos, color in zip(GOAL_NAMES, self.goal_positions, GOAL_COLORS)
        ]

    def observation_slots(self) -> list[Slot]:
        cube = ((OBSTACLE_SIZE,) * 3, (OBSTACLE_SIZE,) * 3)
        obstacles = [Slot(f"obstacle_{k}", SILHOUETTE, FIXED_TYPE, optional=True, size_range=cube)
                     for k in range(self.max_obstacles)]
        return [Slot(name, POINT, GOAL_SPHERE_TYPE) for name in GOAL_NAMES] + obstacles

    # -- obstacles ----------------------------------------------------------------------------
    def task_variables(self) -> list[CausalVariable]:
        """``number_of_obstacles``: space [1, 5] in A and B, as in the original (only ``max_obstacles`` of them fit)."""
        bounds = as_bounds(1.0, float(MAX_OBSTACLES))
        return [CausalVariable(
            "number_of_obstacles", (), "count", "fixed 1 cm cubes at random places in the arena",
            self._obstacle_count, self._set_obstacle_count, bounds, bounds, kind=TASK, integer=True)]

    def refusals(self, values) -> list[str]:
        """Refuse more obstacles than the observation has slots for (also when bounds are not checked)."""
        count = values.get("number_of_obstacles")
        if count is not None and not 0 <= float(count) <= self.max_obstacles:
            return [f"number_of_obstacles = {float(count):g}: the observation has max_obstacles={self.max_obstacles} "
                    f"obstacle slots (build the env with max_obstacles={min(max(int(count), 0), MAX_OBSTACLES)} "
                    f"to add up to that many; at most {MAX_OBSTACLES})"]
        return []

    def _obstacle_count(self) -> int:
        return sum(1 for name in self.stage.objects if name.startswith("obstacle_"))

    def _set_obstacle_count(self, value) -> None:
        """Add obstacles at uniform random places in the working volume, or remove the newest ones."""
        count, target = self._obstacle_count(), int(value)
        (x0, y0, z0), (x1, y1, z1) = ARENA_BOUNDS
        rng = self.context.rng
        while count < target:  # named obstacle_0, obstacle_1, ... as in the original
            position = rng.uniform((x0, y0, z0 + OBSTACLE_SIZE / 2), (x1, y1, z1))
            self.stage.add_block(f"obstacle_{count}", size=(OBSTACLE_SIZE,) * 3, position=position,
                                 mass=0.0, color=(0.0, 0.0, 0.0))
            count += 1
        while count > target:
            count -= 1
            self.stage.remove_object(f"obstacle_{count}")
        self.context.objects_changed()

    def episode_seconds(self) -> float:
        return 5.0

    def _goal_vector(self) -> list[float]:
        return [c for goal in self.goals_ for c in goal.position]

    def _distance(self, state: SceneState) -> float:
        return math.sqrt(sum((g - t) ** 2 for g, t in zip(self._goal_vector(), state.tip_positions)))

    def reset_reward_state(self, state: SceneState) -> None:
        self._previous_distance = self._distance(state)
        self._previous_velocities = list(state.joint_velocities)

    def reward_terms(self, state: SceneState) -> list[float]:
        distance = self._distance(state)
        torque = math.sqrt(sum(t * t for t in state.torques))
        dv = math.sqrt(sum((a - b) ** 2 for a, b in zip(state.joint_velocities, self._previous_velocities)))
        terms = [self._previous_distance - distance, -distance, -torque, -dv]
        self._previous_distance = distance
        self._previous_velocities = list(state.joint_velocities)
        return terms

    def mean_error(self, state: SceneState) -> float:
        """Mean absolute fingertip-to-goal coordinate error (m)."""
        return sum(abs(g - t) for g, t in zip(self._goal_vector(), state.tip_positions)) / 9.0

    def measure(self, state: SceneState) -> GoalMeasure:
        error = min(max(self.mean_error(state), SUCCESS_ERROR), ZERO_CREDIT_ERROR)
        fractional = 1.0 - (error - SUCCESS_ERROR) / (ZERO_CREDIT_ERROR - SUCCESS_ERROR)
        return GoalMeasure(np.array(self._goal_vector()), np.array(state.tip_positions), fractional)

    def goal_reward(self, state: SceneState, fractional_success: float) -> tuple[str, float]:
        """The original's goal reward for reaching: the mean absolute tip error (m).

        So with the default fractional weight 1 the reward *grows* with the distance (the original's
        baselines set the weight to 0).
        """
        return "mean_tip_error", self.mean_error(state)

    def is_success(self, state: SceneState, fractional_success: float) -> bool:
        return self.mean_error(state) < SUCCESS_ERROR

    def customize_variables(self, registry) -> None:
        self.registry = registry  # the generic goal spaces apply (z from the sphere's radius)

    def goal_position_bounds(self, space: VariableSpace):
        """Cylindrical (r, phi, z) bounds of each goal position in ``space``."""
        return self.registry.position_bounds[GOAL_NAMES[0]](space)

    def sample_new_goal(self, rng: np.random.Generator) -> dict[str, Any]:
        """Each goal's position, and a yaw as in the original (a sphere looks the same turned)."""
        low, high = self.goal_position_bounds(self.variables_space)
        return {name: {"cylindrical_position": sample_cylindrical(rng, low, high),
                       "euler_orientation": (0.0, 0.0, float(rng.uniform(-math.pi, math.pi)))} for name in GOAL_NAMES}

    def apply_goal(self, goal: Mapping[str, Any]) -> None:
        for silhouette in self.goals_:
            if silhouette.name in goal:
                values = goal[silhouette.name]
                position = cylindrical_to_cartesian(*values["cylindrical_position"])
                orientation = silhouette.orientation
                if "euler_orientation" in values:
                    orientation = rotation_vector_quaternion(values["euler_orientation"])
                silhouette.set_pose(position, orientation)
