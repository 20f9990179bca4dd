"""Pushing: slide a block on the floor onto a goal silhouette of the same size.

Scene: a 0.065 m cube (``tool_block``, 0.02 kg) at (0, -0.08) and a goal silhouette
(``goal_block``) at (0, 0.08), both resting on the floor (positions in m, z from the floor top).
Dense reward terms (default weights 750, 250, 100), each the decrease since the previous step of:
the distance from the three fingertips to the block (Frobenius norm of the 3x3 differences),
the block-to-goal distance, and the block-to-goal orientation angle (rad). Plus the fractional
weight (default 1) times the fractional success: the overlap of the block's and goal's
axis-aligned hulls over the goal's hull volume. Success: fractional success above 0.9.
Episode: 10 s. New goals: a position uniform by area in the active space's annulus
(A: r <= 0.11 m, B: 0.11 <= r <= 0.15 m) on the floor, with a uniform random yaw.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from causalworld.spatial import box_hull, hull_overlap
from causalworld.tasks.base import (
    GoalMeasure,
    SceneState,
    Task,
    as_vector,
    orientation_error,
    rotation_vector_quaternion,
)
from causalworld.tasks.block_helpers import seat_on_floor, share_sizes
from causalworld.tasks.sampling import cylindrical_to_cartesian, sample_cylindrical
from causalworld.tasks.slots import BLOCK_TYPE, GOAL_CUBOID_TYPE, RIGID, SILHOUETTE, Slot
from causalworld.variables import VariableSpace

BLOCK_SIZE = 0.065
TOOL = "tool_block"
GOAL = "goal_block"


class PushingTask(Task):
    """Push ``tool_block`` onto ``goal_block``."""

    name = "pushing"
    defaults: Mapping[str, Any] = {
        "tool_block_mass": 0.02,
        "joint_positions": None,
        "tool_block_position": (0.0, -0.08, BLOCK_SIZE / 2),
        "tool_block_orientation": (0.0, 0.0, 0.0, 1.0),
        "goal_block_position": (0.0, 0.08, BLOCK_SIZE / 2),
        "goal_block_orientation": (0.0, 0.0, 0.0, 1.0),
    }
    reward_term_names = ("tips_to_block_delta", "block_to_goal_delta", "orientation_error_delta")
    default_dense_weights = (750.0, 250.0, 100.0)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        p = self.params
        self.tool_mass = float(p["tool_block_mass"])
        if not (math.isfinite(self.tool_mass) and self.tool_mass > 0):
            raise ValueError(f"tool_block_mass must be a positive number of kg, got {p['tool_block_mass']!r}")
        self.tool_pose = (
            as_vector("tool_block_position", p["tool_block_position"], 3),
            as_vector("tool_block_orientation", p["tool_block_orientation"], 4),
        )
        self.goal_pose = (
            as_vector("goal_block_position", p["goal_block_position"], 3),
            as_vector("goal_block_orientation", p["goal_block_orientation"], 4),
        )
        self.starting_joint_positions()  # validates the kwarg early
        self._previous = (0.0, 0.0, 0.0)

    def build(self, stage) -> None:
        self.stage = stage
        size = (BLOCK_SIZE,) * 3
        self.tool = stage.add_block(
            TOOL, size=size, position=self.tool_pose[0], orientation=self.tool_pose[1], mass=self.tool_mass
        )
        self.goal = stage.add_silhouette(GOAL, size=size, position=self.goal_pose[0], orientation=self.goal_pose[1])

    def observation_slots(self) -> list[Slot]:
        return [Slot(TOOL, RIGID, BLOCK_TYPE), Slot(GOAL, SILHOUETTE, GOAL_CUBOID_TYPE)]

    # -- reward -----------------------------------------------------------------------------
    def _quantities(self, state: SceneState) -> tuple[float, float, float]:
        block = state.blocks[TOOL]
        bx, by, bz = block.position
        t = state.tip_positions
        tips = math.sqrt(sum((t[i] - bx) ** 2 + (t[i + 1] - by) ** 2 + (t[i + 2] - bz) ** 2 for i in (0, 3, 6)))
        gx, gy, gz = self.goal.position
        to_goal = math.sqrt((gx - bx) ** 2 + (gy - by) ** 2 + (gz - bz) ** 2)
        angle = orientation_error(self.goal.orientation, block.orientation)
        return (tips, to_goal, angle)

    def reset_reward_state(self, state: SceneState) -> None:
        self._previous = self._quantities(state)

    def reward_terms(self, state: SceneState) -> list[float]:
        current = self._quantities(state)
        terms = [prev - cur for prev, cur in zip(self._previous, current)]
        self._previous = current
        return terms

    def measure(self, state: SceneState) -> GoalMeasure:
        block = state.blocks[TOOL]
        desired = box_hull(self.goal.position, self.goal.orientation, self.goal.size)
        achieved = box_hull(block.position, block.orientation, self.tool.size)
        return GoalMeasure(np.array([desired]), np.array([achieved]), hull_overlap(desired, achieved))

    # -- variables and goals ------------------------------------------------------------
    def customize_variables(self, registry) -> None:
        """Tool and goal stay on the floor: their cylindrical z is fixed at half their height."""
        self.registry = registry
        for name in (TOOL, GOAL):
            obj, generic = self.stage.objects[name], registry.position_bounds[name]

            def on_floor(space, obj=obj, generic=generic):
                low, high = (b.copy() for b in generic(space))
                low[2] = high[2] = obj.size[2] / 2
                return low, high

            registry.position_bounds[name] = on_floor

    def couple(self, values: dict[str, np.ndarray], registry) -> dict[str, np.ndarray]:
        """A size given for tool or goal is copied to the other; both are re-seated on the floor."""
        share_sizes(values, (TOOL, GOAL))
        seat_on_floor(values, registry, (TOOL, GOAL))
        return values

    def goal_position_bounds(self, space: VariableSpace) -> tuple[np.ndarray, np.ndarray]:
        """Cylindrical (r, phi, z) bounds of the goal position in ``space``; z is half the goal's height."""
        return self.registry.position_bounds[GOAL](space)

    def sample_new_goal(self, rng: np.random.Generator) -> dict[str, Any]:
        low, high = self.goal_position_bounds(self.variables_space)
        position = sample_cylindrical(rng, low, high)
        yaw = float(rng.uniform(-math.pi, math.pi))
        return {GOAL: {"cylindrical_position": position, "euler_orientation": (0.0, 0.0, yaw)}}

    def apply_goal(self, goal: Mapping[str, Any]) -> None:
        values = goal[GOAL]
        position = cylindrical_to_cartesian(*values["cylindrical_position"])
        self.goal.set_pose(position, rotation_vector_quaternion(values["euler_orientation"]))
