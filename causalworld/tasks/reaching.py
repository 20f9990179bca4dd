"""Reaching: bring each fingertip to its own goal point.

Scene: three goal spheres of diameter 0.03 m -- ``goal_60`` (red) at (0, 0, 0.10),
``goal_120`` (green) at (0, 0, 0.13), ``goal_300`` (blue) at (0, 0, 0.16) -- positions in m, z
from the floor top. No blocks. With e the mean absolute error over the 9 fingertip coordinates
(m): success when e < 0.01; fractional success 1 at e <= 0.01 falling linearly to 0 at e >= 0.03.
Dense reward terms (default weights 100000, 0, 0, 0): the decrease since the previous step of the
Euclidean norm of the 9 goal-minus-fingertip differences; minus that norm; minus the norm of the
applied joint torques (N m); minus the norm of the change in joint velocities (rad/s). Plus the
fractional weight (default 1) times the fractional success (the original added the raw error
here, rewarding distance; that is fixed). Episode: 5 s. New goals: each goal uniform by area in
the active space (A: r <= 0.11 m, 0.015 <= z <= 0.15 m; B: 0.11 <= r <= 0.15 m, 0.015 <= z <= 0.3 m).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from causalworld.observations import POINT
from causalworld.tasks.base import GoalMeasure, SceneState, Task, VariableSpace, as_vector
from causalworld.tasks.sampling import cylindrical_to_cartesian, sample_cylindrical

GOAL_NAMES = ("goal_60", "goal_120", "goal_300")
GOAL_COLORS = ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0))
GOAL_DIAMETER = 0.03
SUCCESS_ERROR = 0.01
"""Mean absolute coordinate error (m) below which reaching succeeds."""
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
    }
    reward_term_names = ("distance_delta", "distance", "torque_norm", "joint_velocity_change")
    default_dense_weights = (100000.0, 0.0, 0.0, 0.0)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.goal_positions = [as_vector(f"default_{n}", self.params[f"default_{n}"], 3) for n in GOAL_NAMES]
        self.starting_joint_positions()
        self._previous_distance = 0.0
        self._previous_velocities = [0.0] * 9

    def build(self, stage) -> None:
        self.stage = stage
        self.goals_ = [
            stage.add_silhouette(name, size=(GOAL_DIAMETER,) * 3, position=pos, color=color, sphere=True)
            for name, pos, color in zip(GOAL_NAMES, self.goal_positions, GOAL_COLORS)
        ]

    def observation_slots(self) -> list[tuple[str, str]]:
        return [(name, POINT) for name in GOAL_NAMES]

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

    def is_success(self, state: SceneState, fractional_success: float) -> bool:
        return self.mean_error(state) < SUCCESS_ERROR

    def customize_variables(self, registry) -> None:
        self.registry = registry  # the generic goal spaces apply (z from the sphere's radius)

    def goal_position_bounds(self, space: VariableSpace):
        """Cylindrical (r, phi, z) bounds of each goal position in ``space``."""
        return self.registry.position_bounds[GOAL_NAMES[0]](space)

    def sample_new_goal(self, rng: np.random.Generator) -> dict[str, Any]:
        low, high = self.goal_position_bounds(self.variables_space)
        return {name: {"cylindrical_position": sample_cylindrical(rng, low, high)} for name in GOAL_NAMES}

    def apply_goal(self, goal: Mapping[str, Any]) -> None:
        for silhouette in self.goals_:
            if silhouette.name in goal:
                position = cylindrical_to_cartesian(*goal[silhouette.name]["cylindrical_position"])
                silhouette.set_pose(position, silhouette.orientation)
