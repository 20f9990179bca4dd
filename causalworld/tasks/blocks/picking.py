"""Picking: lift a block off the floor and hold it at a goal height.

Scene: a 0.065 m cube (``tool_block``, 0.02 kg) at (0, 0, 0.0325) and a goal silhouette of the same
size (``goal_block``) on the arena axis at (0, 0, ``goal_height``) -- positions in m, z from the
floor top. Observation slots: tool_block (movable, 17 values), goal_block (silhouette, 11 values).

Arguments: ``goal_height`` (m, default 0.15, within [0.0325, 0.3]), ``tool_block_mass`` (kg,
default 0.02), ``joint_positions`` (rad, 9, default the rest pose), ``tool_block_position`` (m,
3) and ``tool_block_orientation`` (quaternion x, y, z, w). Vectors may be lists, tuples or arrays.

Dense reward terms, in order, with default weights (250, 0, 125, 0, 750, 0, 0, 0.005). A "delta"
term is the previous step's value minus the current one, so progress is positive:

1. ``block_height_error_delta``: delta of |block z - goal z|;
2. ``block_height_error``: minus |block z - goal z|;
3. ``block_to_axis_delta``: delta of the block's horizontal distance to the arena axis;
4. ``block_to_axis``: minus that distance;
5. ``tips_to_block_delta``: delta of the distance from the three fingertips to the block (the
   norm of the 3x3 tip-minus-block differences);
6. ``tips_to_block``: minus that distance;
7. ``two_closest_tips``: minus the sum of the two smallest per-finger values of the mean absolute
   tip-to-block offset, where each axis' offset shorter than the block's edge along it counts as 0
   (so fingers already touching the block score 0);
8. ``joint_velocity_change``: minus the norm of the change in joint velocities (rad/s).

Plus the fractional weight (default 1) times the fractional success: the summed overlap of the
block's and goal's axis-aligned hulls over the goal's hull volume. Success: fractional success above
0.9. Episode: 10 s (one block). New goals: r = 0, phi = 0 and z uniform in the active space (A:
[0.08, 0.20] m, B: [0.20, 0.25] m, A and B: [0.08, 0.25] m); the goal stays on the arena axis.

Interventions: the goal's position space is that height range on the arena axis; a size given for
the tool or the goal is copied to the other, and a resized tool is put back on the floor.

"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from causalworld.sim.stage import Stage
from causalworld.tasks.base import GoalMeasure, SceneState, Task, as_vector, rotation_vector_quaternion
from causalworld.tasks.block_helpers import (
    OverlapMeter,
    check_mass,
    check_position,
    check_quaternion,
    seat_on_floor,
    share_sizes,
    tips_distance,
    velocity_change,
)
from causalworld.tasks.slots import BLOCK_TYPE, GOAL_CUBOID_TYPE, RIGID, SILHOUETTE, Slot
from causalworld.variables import Bounds, VariableSpace

BLOCK_SIZE = 0.065
TOOL = "tool_block"
GOAL = "goal_block"
GOAL_HEIGHT_RANGE = (BLOCK_SIZE / 2, 0.3)
"""Accepted ``goal_height`` (m): from resting on the floor to the top of the arena."""
GOAL_HEIGHTS = {VariableSpace.A: (0.08, 0.20), VariableSpace.B: (0.20, 0.25), VariableSpace.A_B: (0.08, 0.25)}
"""Goal centre height (m) by space."""


# -- the task -------------------------------------------------------------------------------
class PickingTask(Task):
    """Lift ``tool_block`` into ``goal_block``, which hovers on the arena axis."""

    name = "picking"
    defaults: Mapping[str, Any] = {
        "goal_height": 0.15,
        "tool_block_mass": 0.02,
        "joint_positions": None,
        "tool_block_position": (0.0, 0.0, BLOCK_SIZE / 2),
        "tool_block_orientation": (0.0, 0.0, 0.0, 1.0),
    }
    reward_term_names = (
        "block_height_error_delta",
        "block_height_error",
        "block_to_axis_delta",
        "block_to_axis",
        "tips_to_block_delta",
        "tips_to_block",
        "two_closest_tips",
        "joint_velocity_change",
    )
    default_dense_weights = (250.0, 0.0, 125.0, 0.0, 750.0, 0.0, 0.0, 0.005)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        p = self.params
        try:
            self.goal_height = float(p["goal_height"])
        except (TypeError, ValueError):
            self.goal_height = math.nan
        low, high = GOAL_HEIGHT_RANGE
        if not low <= self.goal_height <= high:
            raise ValueError(f"goal_height must be in m, within [{low}, {high}], got {p['goal_height']!r}")
        self.tool_mass = check_mass("tool_block_mass", p["tool_block_mass"])
        self.tool_pose = (
            check_position("tool_block_position", p["tool_block_position"]),
            check_quaternion("tool_block_orientation", p["tool_block_orientation"]),
        )
        self.starting_joint_positions()  # validates the kwarg early
        self._previous_block = (0.0, 0.0, 0.0)
        self._previous_tips: list[float] = [0.0] * 9
        self._previous_velocities: list[float] = [0.0] * 9

    def build(self, stage: Stage) -> None:
        self.stage = stage
        size = (BLOCK_SIZE,) * 3
        self.tool = stage.add_block(
            TOOL, size=size, position=self.tool_pose[0], orientation=self.tool_pose[1], mass=self.tool_mass
        )
        self.goal = stage.add_silhouette(GOAL, size=size, position=(0.0, 0.0, self.goal_height))
        self.overlap = OverlapMeter(stage, [GOAL], [TOOL])

    def observation_slots(self) -> list[Slot]:
        return [Slot(TOOL, RIGID, BLOCK_TYPE), Slot(GOAL, SILHOUETTE, GOAL_CUBOID_TYPE)]

    # -- reward -----------------------------------------------------------------------------
    def reset_reward_state(self, state: SceneState) -> None:
        self._previous_block = state.blocks[TOOL].position
        self._previous_tips = list(state.tip_positions)
        self._previous_velocities = list(state.joint_velocities)

    def _two_closest_tips(self, tips: Sequence[float], block: Sequence[float]) -> float:
        size = self.tool.size
        per_finger = []
        for i in (0, 3, 6):
            offsets = [abs(tips[i + k] - block[k]) for k in range(3)]
            per_finger.append(sum(d if d >= size[k] else 0.0 for k, d in enumerate(offsets)) / 3.0)
        per_finger.sort()
        return per_finger[0] + per_finger[1]

    def reward_terms(self, state: SceneState) -> list[float]:
        block, previous = state.blocks[TOOL].position, self._previous_block
        tips = state.tip_positions
        goal_z = self.goal.position[2]
        height, previous_height = abs(block[2] - goal_z), abs(previous[2] - goal_z)
        axis, previous_axis = math.hypot(block[0], block[1]), math.hypot(previous[0], previous[1])
        reach, previous_reach = tips_distance(tips, block), tips_distance(self._previous_tips, previous)
        terms = [
            previous_height - height,
            -height,
            previous_axis - axis,
            -axis,
            previous_reach - reach,
            -reach,
            -self._two_closest_tips(tips, block),
            -velocity_change(state.joint_velocities, self._previous_velocities),
        ]
        self.reset_reward_state(state)
        return terms

    def measure(self, state: SceneState) -> GoalMeasure:
        return self.overlap(state)

    # -- variables and goals ----------------------------------------------------------------
    def customize_variables(self, registry) -> None:
        """The goal's position space: the generic r and phi, and the goal heights (as in the original)."""
        self.registry = registry
        generic = registry.position_bounds[GOAL]

        def goal_bounds(space: VariableSpace, generic=generic) -> Bounds:
            low, high = (b.copy() for b in generic(space))
            low[2], high[2] = GOAL_HEIGHTS[space]
            return low, high

        registry.position_bounds[GOAL] = goal_bounds

        def height_in(z: float, space: VariableSpace) -> bool:
            low, high = GOAL_HEIGHTS[space]
            return low - 1e-9 <= z <= high + 1e-9

        # r and phi are set to 0 after the check, so only the height decides (the original refused r = 0 in
        # space B, and with it every goal its own sampler drew there)
        registry[f"{GOAL}.cylindrical_position"].contains_fn = lambda v, space: height_in(float(v[2]), space)

    def couple(self, values: dict[str, np.ndarray], registry) -> dict[str, np.ndarray]:
        """A size given for tool or goal is copied to the other; a resized tool is put back on the floor.

        A goal ``cylindrical_position`` is moved onto the arena axis (r = phi = 0), as the original does
        after its bounds check.
        """
        share_sizes(values, (TOOL, GOAL))
        seat_on_floor(values, registry, (TOOL,))
        key = f"{GOAL}.cylindrical_position"
        if key in values:
            values[key] = np.array((0.0, 0.0, values[key][2]))
        return values

    def goal_position_bounds(self, space: VariableSpace) -> Bounds:
        """Cylindrical (r, phi, z) bounds of the goal position in ``space`` (interventions then set r = phi = 0)."""
        return self.registry.position_bounds[GOAL](space)

    def sample_new_goal(self, rng: np.random.Generator) -> dict[str, Any]:
        low, high = GOAL_HEIGHTS[self.variables_space]
        z = float(rng.uniform(low, high))
        return {GOAL: {"cylindrical_position": (0.0, 0.0, z)}}

    def apply_goal(self, goal: Mapping[str, Any]) -> None:
        """Move the goal to the height in ``goal[GOAL]["cylindrical_position"]`` (r must be 0).

        An optional ``"euler_orientation"`` (rotation vector, rad) also turns the goal.
        """
        values = goal[GOAL]
        r, _, z = as_vector("goal_block cylindrical_position", values["cylindrical_position"], 3)
        if abs(r) > 1e-9:
            raise ValueError(f"picking goals lie on the arena axis: r must be 0, got {r!r}")
        orientation = self.goal.orientation
        if "euler_orientation" in values:
            rotvec = as_vector("goal_block euler_orientation", values["euler_orientation"], 3)
            orientation = rotation_vector_quaternion(rotvec)
        self.goal.set_pose((0.0, 0.0, z), orientation)
