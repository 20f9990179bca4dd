"""Pick and place: carry a block over a low fixed wall onto a goal on the other side.

Scene: a fixed black ``obstacle`` of size (0.5, 0.015, 0.065) m centred at (0, 0, 0.0325) splits the
arena along the x axis; a 0.065 m cube (``tool_block``, 0.02 kg) starts at (0, -0.09, 0.0325) and
the goal silhouette of the same size (``goal_block``) is at (0, 0.09, 0.0325) -- positions in m, z
from the floor top. Observation slots: tool_block (movable, 17 values), obstacle (fixed block, 11
values, type 10), goal_block (silhouette, 11 values).

Arguments: ``tool_block_mass`` (kg, default 0.02), ``joint_positions`` (rad, 9, default the rest
pose), ``tool_block_position`` / ``goal_block_position`` (m, 3) and ``tool_block_orientation`` /
``goal_block_orientation`` (quaternions x, y, z, w). Vectors may be lists, tuples or arrays.

Dense reward terms, in order, with default weights (750, 50, 250, 0, 0.005). A "delta" term is the
previous step's value minus the current one, both measured against the current goal:

1. ``tips_to_block_delta``: delta of the distance from the three fingertips to the block (the norm of
   the 3x3 tip-minus-block differences);
2. ``block_to_goal_xy_delta``: delta of the horizontal block-to-goal distance;
3. ``block_height_error_delta``: delta of |block z - target|, where the target is 0.15 m while the
   block is not yet on the goal's side of the obstacle (the signs of block y and goal y differ) and
   half the goal's height otherwise (its centre height, the goal resting on the floor);
4. ``orientation_error_delta``: delta of the block-to-goal orientation angle (rad);
5. ``joint_velocity_change``: minus the norm of the change in joint velocities (rad/s) since the
   episode started (or since the last intervention): the original never updates this term's
   reference after a reset, and its trained agents learned that reward, so it is kept.

The fractional weight defaults to 0 here, as in the original benchmark; the fractional success is
the summed overlap of the block's and goal's axis-aligned hulls over the goal's hull volume. Success:
fractional success above 0.9. Episode: 20 s (10 s per block, the obstacle included).

New goals: a side is drawn at random. The goal goes to that side of the obstacle, uniform by area
in the active space's sector (r in [0.07, 0.12] m for A, [0.12, 0.15] m for B, phi within
[pi/6, 5pi/6] or [-5pi/6, -pi/6]), resting on the floor with a uniform random yaw; the block is
moved to the other side at phi = -+pi/2, unturned, at r = 0.09 m (or the nearest radius the space
allows: 0.12 m in B, where the original left it outside the space). The sample is one intervention
dict with a ``goal_block`` and a ``tool_block`` part; :meth:`PickAndPlaceTask.apply_goal` applies
both, and so does ``env.do_intervention``.

Interventions: tool and goal positions lie on the floor in those sectors, on either side (the
original wrote the negative-side angles with low > high; here low <= high always); the obstacle's
height is in [0.02, 0.065] m (A) or [0.065, 0.1] m (B), its length and thickness fixed. A size given
for the tool or the goal is copied to the other; resized objects are put back on the floor.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from causalworld.sim.stage import Stage
from causalworld.tasks.base import (
    GoalMeasure,
    SceneState,
    Task,
    as_vector,
    orientation_error,
    rotation_vector_quaternion,
)
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
from causalworld.tasks.sampling import (
    cartesian_to_cylindrical,
    cylindrical_to_cartesian,
    sample_cylindrical,
)
from causalworld.tasks.slots import BLOCK_TYPE, FIXED_TYPE, GOAL_CUBOID_TYPE, RIGID, SILHOUETTE, Slot
from causalworld.variables import Bounds, VariableSpace, as_bounds

BLOCK_SIZE = 0.065
OBSTACLE_SIZE = (0.5, 0.015, 0.065)
OBSTACLE_COLOR = (0.0, 0.0, 0.0)
TOOL = "tool_block"
GOAL = "goal_block"
OBSTACLE = "obstacle"
LIFT_HEIGHT = 0.15
"""Height (m) the block is drawn to while it is on the wrong side of the obstacle."""
TOOL_RESET_RADIUS = 0.09
"""Distance (m) from the arena axis at which goal sampling puts the block (clipped into the space)."""
SIDE_PHI = (math.pi / 6, 5 * math.pi / 6)
"""Angles (rad) of the positive-y side of the arena; the negative side is their mirror image."""
A, B, A_B = VariableSpace.A, VariableSpace.B, VariableSpace.A_B
RADIUS = {A: (0.07, 0.12), B: (0.12, 0.15), A_B: (0.07, 0.15)}
"""Distance (m) of tool and goal from the arena axis, by space."""
OBSTACLE_HEIGHT = {A: (0.02, 0.065), B: (0.065, 0.1), A_B: (0.02, 0.1)}
"""Height (m) of the obstacle, by space."""


def _side(y: float) -> int:
    """+1, -1 or 0: the side of the obstacle (y = 0) a point is on."""
    return (y > 0) - (y < 0)


class PickAndPlaceTask(Task):
    """Carry ``tool_block`` over ``obstacle`` onto ``goal_block``."""

    name = "pick_and_place"
    defaults: Mapping[str, Any] = {
        "tool_block_mass": 0.02,
        "joint_positions": None,
        "tool_block_position": (0.0, -0.09, BLOCK_SIZE / 2),
        "tool_block_orientation": (0.0, 0.0, 0.0, 1.0),
        "goal_block_position": (0.0, 0.09, BLOCK_SIZE / 2),
        "goal_block_orientation": (0.0, 0.0, 0.0, 1.0),
    }
    reward_term_names = (
        "tips_to_block_delta",
        "block_to_goal_xy_delta",
        "block_height_error_delta",
        "orientation_error_delta",
        "joint_velocity_change",
    )
    default_dense_weights = (750.0, 50.0, 250.0, 0.0, 0.005)
    default_fractional_reward_weight = 0.0

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        p = self.params
        self.tool_mass = check_mass("tool_block_mass", p["tool_block_mass"])
        self.tool_pose = (
            check_position("tool_block_position", p["tool_block_position"]),
            check_quaternion("tool_block_orientation", p["tool_block_orientation"]),
        )
        self.goal_pose = (
            check_position("goal_block_position", p["goal_block_position"]),
            check_quaternion("goal_block_orientation", p["goal_block_orientation"]),
        )
        self.starting_joint_positions()  # validates the kwarg early
        self._previous_block: tuple[tuple[float, ...], tuple[float, ...]] = ((0.0,) * 3, (0.0, 0.0, 0.0, 1.0))
        self._previous_tips: list[float] = [0.0] * 9
        self._previous_velocities: list[float] = [0.0] * 9

    def build(self, stage: Stage) -> None:
        self.stage = stage
        size = (BLOCK_SIZE,) * 3
        self.obstacle = stage.add_block(
            OBSTACLE, size=OBSTACLE_SIZE, position=(0.0, 0.0, OBSTACLE_SIZE[2] / 2), mass=0.0,
            color=OBSTACLE_COLOR,
        )
        self.tool = stage.add_block(
            TOOL, size=size, position=self.tool_pose[0], orientation=self.tool_pose[1], mass=self.tool_mass
        )
        self.goal = stage.add_silhouette(
            GOAL, size=size, position=self.goal_pose[0], orientation=self.goal_pose[1]
        )
        self.overlap = OverlapMeter(stage, [GOAL], [TOOL])

    def observation_slots(self) -> list[Slot]:
        """Tool, goal, then the obstacle (the original's order); the obstacle's size is outside [0.03, 0.1]."""
        low = (OBSTACLE_SIZE[0], OBSTACLE_SIZE[1], OBSTACLE_HEIGHT[A_B][0])
        high = (OBSTACLE_SIZE[0], OBSTACLE_SIZE[1], OBSTACLE_HEIGHT[A_B][1])
        return [Slot(TOOL, RIGID, BLOCK_TYPE), Slot(GOAL, SILHOUETTE, GOAL_CUBOID_TYPE),
                Slot(OBSTACLE, SILHOUETTE, FIXED_TYPE, size_range=(low, high))]

    # -- reward -----------------------------------------------------------------------------
    def reset_reward_state(self, state: SceneState) -> None:
        block = state.blocks[TOOL]
        self._previous_block = (block.position, block.orientation)
        self._previous_tips = list(state.tip_positions)
        self._previous_velocities = list(state.joint_velocities)

    def target_height(self, block_y: float) -> float:
        """Height (m) the block is drawn to: lifted while on the wrong side, else half the goal's height."""
        goal = self.goal.position
        return LIFT_HEIGHT if _side(block_y) != _side(goal[1]) else self.goal.size[2] / 2

    def reward_terms(self, state: SceneState) -> list[float]:
        block = state.blocks[TOOL]
        position, previous = block.position, self._previous_block[0]
        gx, gy, _ = self.goal.position
        target = self.target_height(position[1])
        terms = [
            tips_distance(self._previous_tips, previous) - tips_distance(state.tip_positions, position),
            math.hypot(gx - previous[0], gy - previous[1]) - math.hypot(gx - position[0], gy - position[1]),
            abs(previous[2] - target) - abs(position[2] - target),
            orientation_error(self.goal.orientation, self._previous_block[1])
            - orientation_error(self.goal.orientation, block.orientation),
            -velocity_change(state.joint_velocities, self._previous_velocities),
        ]
        velocities = self._previous_velocities  # the original never updates them after a reset
        self.reset_reward_state(state)
        self._previous_velocities = velocities
        return terms

    def measure(self, state: SceneState) -> GoalMeasure:
        return self.overlap(state)

    # -- variables and goals ----------------------------------------------------------------
    @staticmethod
    def _sector(space: VariableSpace, side: int, height: float) -> Bounds:
        """Cylindrical (r, phi, z) bounds on one side (+1: y > 0, -1: y < 0), z fixed at ``height``."""
        if side not in (1, -1):
            raise ValueError(f"side must be +1 (y > 0) or -1 (y < 0), got {side!r}")
        phi = SIDE_PHI if side > 0 else (-SIDE_PHI[1], -SIDE_PHI[0])
        r = RADIUS[space]
        return as_bounds((r[0], phi[0], height), (r[1], phi[1], height))

    def goal_position_bounds(self, space: VariableSpace, side: int | None = None) -> Bounds:
        """Cylindrical (r, phi, z) bounds of the goal in ``space`` on ``side``.

        ``side`` defaults to the goal's current side; z is fixed at half the goal's height. Always low <= high.
        """
        if side is None:
            side = _side(self.goal.position[1]) or 1
        return self._sector(space, side, self.goal.size[2] / 2)

    def tool_position_bounds(self, space: VariableSpace, side: int | None = None) -> Bounds:
        """Cylindrical (r, phi, z) bounds of the block in ``space`` on ``side``.

        ``side`` defaults to the side opposite the goal; z is fixed at half the block's height. Always low <= high.
        """
        if side is None:
            side = -(_side(self.goal.position[1]) or 1)
        return self._sector(space, side, self.tool.size[2] / 2)

    @staticmethod
    def obstacle_size_bounds(space: VariableSpace) -> Bounds:
        """Size bounds (m) of the obstacle in ``space``: only its height varies."""
        low, high = OBSTACLE_HEIGHT[space]
        return as_bounds((*OBSTACLE_SIZE[:2], low), (*OBSTACLE_SIZE[:2], high))

    def customize_variables(self, registry) -> None:
        """Tool and goal positions: the floor on either side of the obstacle.

        The displayed bounds are the current sides; the obstacle's height has its own space.
        """
        registry.position_bounds[TOOL] = self.tool_position_bounds
        registry.position_bounds[GOAL] = self.goal_position_bounds
        for name, obj in ((TOOL, self.tool), (GOAL, self.goal)):

            def contains(cartesian, space, obj=obj) -> bool:
                r, phi, z = cartesian_to_cylindrical(*cartesian)
                return any(
                    np.all(low - 1e-9 <= (r, phi, z)) and np.all((r, phi, z) <= high + 1e-9)
                    for low, high in (self._sector(space, side, obj.size[2] / 2) for side in (1, -1))
                )

            registry[f"{name}.cartesian_position"].contains_fn = contains
            registry[f"{name}.cylindrical_position"].contains_fn = (
                lambda v, space, contains=contains: contains(cylindrical_to_cartesian(*v), space)
            )
        registry[f"{OBSTACLE}.size"].bounds_fn = self.obstacle_size_bounds
        self.leave_out_of_spaces(registry, [f"{OBSTACLE}.cylindrical_position", f"{OBSTACLE}.euler_orientation"])

    def couple(self, values: dict[str, np.ndarray], registry) -> dict[str, np.ndarray]:
        """A size given for tool or goal is copied to the other; resized objects rest on the floor."""
        share_sizes(values, (TOOL, GOAL))
        seat_on_floor(values, registry, (TOOL, GOAL, OBSTACLE))
        return values

    def sample_new_goal(self, rng: np.random.Generator) -> dict[str, Any]:
        side = 1 if rng.integers(2) else -1
        low, high = self.goal_position_bounds(self.variables_space, side)
        goal = sample_cylindrical(rng, low, high)
        yaw = float(rng.uniform(-math.pi, math.pi))
        tool_low, tool_high = self.tool_position_bounds(self.variables_space, -side)
        radius = min(max(TOOL_RESET_RADIUS, tool_low[0]), tool_high[0])
        tool = (radius, -side * math.pi / 2, self.tool.size[2] / 2)
        return {
            GOAL: {"cylindrical_position": goal, "euler_orientation": (0.0, 0.0, yaw)},
            TOOL: {"cylindrical_position": tool, "euler_orientation": (0.0, 0.0, 0.0)},
        }

    def apply_goal(self, goal: Mapping[str, Any]) -> None:
        """Move the goal silhouette and teleport the block as described by :meth:`sample_new_goal`.

        Each part is optional; a part without ``euler_orientation`` keeps its orientation.
        """
        unknown = sorted(set(goal) - {GOAL, TOOL})
        if unknown:
            raise ValueError(f"pick_and_place goals move {GOAL!r} and {TOOL!r}; unknown part(s) {unknown}")
        for name, obj in ((GOAL, self.goal), (TOOL, self.tool)):
            if name not in goal:
                continue
            values = goal[name]
            cylindrical = as_vector(f"{name} cylindrical_position", values["cylindrical_position"], 3)
            position = cylindrical_to_cartesian(*cylindrical)
            orientation = obj.orientation if obj is self.goal else self.tool.read_state().orientation
            if "euler_orientation" in values:
                rotvec = as_vector(f"{name} euler_orientation", values["euler_orientation"], 3)
                orientation = rotation_vector_quaternion(rotvec)
            obj.set_pose(position, orientation)
            if obj is self.tool:
                self._previous_block = (position, orientation)  # a teleport is no progress
