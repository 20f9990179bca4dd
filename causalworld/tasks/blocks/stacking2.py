"""Stacking2: stack two blocks into a two-block goal tower.

Scene: two cubes of edge s = ``tool_block_size`` (default 0.065 m), 0.02 kg each: ``tool_block_1`` at
(0, 0, s/2) and ``tool_block_2`` at (0.01, 0.08, s/2); the goal tower is two silhouettes of the same
size, ``goal_block_1`` at (-0.06, -0.06, s/2) and ``goal_block_2`` one edge above it (positions in
m, z from the floor top). Observation slots: tool_block_1, tool_block_2 (movable, 17 values each),
goal_block_1, goal_block_2 (silhouettes, 11 each).

Arguments: ``tool_block_mass`` (kg), ``tool_block_size`` (m, in [0.03, 0.1]; the original used it
only to place goal 2 and kept 0.065 m blocks, here it sizes all four objects), ``joint_positions``
(rad, 9), ``tool_block_1_position`` / ``tool_block_2_position`` (m), ``tool_block_1_orientation`` /
``tool_block_2_orientation`` (quaternions x, y, z, w), ``goal_position`` (m, centre of goal 1) and
``goal_orientation`` (both goals; goal 2 sits one edge along the goals' own z axis). Omitted
positions follow the layout above; vectors may be lists, tuples or arrays.

Dense reward terms with default weights (750, 250, 250, 125, 0.005); a "delta" is the previous
step's value minus the current one, both against the current goals. While block 1 is more than 2 cm
from goal 1: ``tips_to_block_delta`` is the delta of the fingertips-to-block-1 distance (norm of
the 3x3 differences), ``block_1_to_goal_1_delta`` the delta of the block 1 to goal 1 distance, and
``block_2_height_error_delta`` and ``blocks_xy_distance_delta`` are 0. After that:
``tips_to_block_delta`` uses block 2, ``block_1_to_goal_1_delta`` is 0,
``block_2_height_error_delta`` is the delta of |block 2 z - goal 2 z| (0 once block 2 is within
5 mm of block 1 horizontally), and ``blocks_xy_distance_delta`` the delta of the horizontal block
1 to block 2 distance while block 2 is above goal 2's height (else 0). Always:
``joint_velocity_change``, minus the norm of the change in joint velocities (rad/s).

Plus the fractional weight (default 1) times the fractional success: the summed hull overlap of
every (goal, block) pair over the total goal hull volume. Success: fractional success above 0.9.
Episode: 20 s (10 s per block).

New goals: ``goal_tower`` -- ``cylindrical_position`` (r, phi, z) of the tower's centre, uniform by
area in the active space (A: r <= 0.11 m, B: 0.11 <= r <= 0.15 m, z fixed at the tower's half
height s), and ``euler_orientation`` (0, 0, yaw), uniform yaw. Applying it puts goal 1 at z/2 and
goal 2 at 3z/2 on the tower's axis, both turned by the yaw; position and orientation are applied
together (the original dropped the orientation when both were given). ``goal_tower`` is also a set
of causal variables, so ``env.do_intervention(env.sample_new_goal())`` works. A size given for any
block or goal is copied to all four; resized blocks rest on the floor and the tower is restacked.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from causalworld.sim.stage import Stage
from causalworld.spatial import quaternion_to_rotation_vector
from causalworld.tasks.base import (
    GoalMeasure,
    SceneState,
    Task,
    as_vector,
    quaternion_matrix,
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
    union_bounds,
)
from causalworld.tasks.slots import BLOCK_TYPE, GOAL_CUBOID_TYPE, RIGID, SILHOUETTE, Slot
from causalworld.variables import DYNAMIC, Bounds, CausalVariable, VariableSpace, as_bounds

TOOLS = ("tool_block_1", "tool_block_2")
GOALS = ("goal_block_1", "goal_block_2")
GOAL_TOWER = "goal_tower"
TOOL_XY = ((0.0, 0.0), (0.01, 0.08))
"""Default horizontal positions (m) of the two blocks."""
GOAL_XY = (-0.06, -0.06)
"""Default horizontal position (m) of the goal tower."""
NEAR_GOAL_1 = 0.02
"""Distance (m) from goal 1 within which the reward turns to block 2."""
ALIGNED_XY = 0.005
"""Horizontal distance (m) of block 2 from block 1 under which its height term stops."""
SIZE_RANGE = (0.03, 0.1)
"""Accepted ``tool_block_size`` (m): cubes the fingers can grasp."""


quaternion_rotation_vector = quaternion_to_rotation_vector
"""Rotation vector of a unit quaternion: :func:`causalworld.spatial.quaternion_to_rotation_vector`."""


class Stacking2Task(Task):
    """Stack ``tool_block_1`` and ``tool_block_2`` into the goal tower."""

    name = "stacking2"
    defaults: Mapping[str, Any] = {
        "tool_block_mass": 0.02,
        "tool_block_size": 0.065,
        "joint_positions": None,
        "tool_block_1_position": None,  # None: (0, 0, size / 2)
        "tool_block_1_orientation": (0.0, 0.0, 0.0, 1.0),
        "tool_block_2_position": None,  # None: (0.01, 0.08, size / 2)
        "tool_block_2_orientation": (0.0, 0.0, 0.0, 1.0),
        "goal_position": None,  # None: (-0.06, -0.06, size / 2)
        "goal_orientation": (0.0, 0.0, 0.0, 1.0),
    }
    reward_term_names = (
        "tips_to_block_delta",
        "block_1_to_goal_1_delta",
        "block_2_height_error_delta",
        "blocks_xy_distance_delta",
        "joint_velocity_change",
    )
    default_dense_weights = (750.0, 250.0, 250.0, 125.0, 0.005)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        p = self.params
        self.tool_mass = check_mass("tool_block_mass", p["tool_block_mass"])
        try:
            self.size = float(p["tool_block_size"])
        except (TypeError, ValueError):
            self.size = math.nan
        if not SIZE_RANGE[0] <= self.size <= SIZE_RANGE[1]:
            given = p["tool_block_size"]
            raise ValueError(f"tool_block_size must be in m, within {list(SIZE_RANGE)}, got {given!r}")
        half = self.size / 2
        self.tool_poses = []
        for i, (x, y) in enumerate(TOOL_XY, start=1):
            position = p[f"tool_block_{i}_position"]
            self.tool_poses.append((
                (x, y, half) if position is None else check_position(f"tool_block_{i}_position", position),
                check_quaternion(f"tool_block_{i}_orientation", p[f"tool_block_{i}_orientation"]),
            ))
        position = p["goal_position"]
        self.goal_pose = (
            (*GOAL_XY, half) if position is None else check_position("goal_position", position),
            check_quaternion("goal_orientation", p["goal_orientation"]),
        )
        self.starting_joint_positions()  # validates the kwarg early
        self._previous_blocks = [(0.0, 0.0, 0.0), (0.0, 0.0, 0.0)]
        self._previous_tips: list[float] = [0.0] * 9
        self._previous_velocities: list[float] = [0.0] * 9

    def build(self, stage: Stage) -> None:
        self.stage = stage
        size = (self.size,) * 3
        self.tools = [
            stage.add_block(name, size=size, position=pose[0], orientation=pose[1], mass=self.tool_mass)
            for name, pose in zip(TOOLS, self.tool_poses)
        ]
        self.goals = [stage.add_silhouette(name, size=size, position=self.goal_pose[0]) for name in GOALS]
        bottom, orientation = self.goal_pose
        self._place_tower(np.add(bottom, quaternion_matrix(orientation)[:, 2] * (self.size / 2)), orientation)
        self.overlap = OverlapMeter(stage, GOALS, TOOLS)

    def observation_slots(self) -> list[Slot]:
        return [Slot(n, RIGID, BLOCK_TYPE) for n in TOOLS] + [Slot(n, SILHOUETTE, GOAL_CUBOID_TYPE) for n in GOALS]

    # -- reward -----------------------------------------------------------------------------
    def reset_reward_state(self, state: SceneState) -> None:
        self._previous_blocks = [state.blocks[name].position for name in TOOLS]
        self._previous_tips = list(state.tip_positions)
        self._previous_velocities = list(state.joint_velocities)

    def reward_terms(self, state: SceneState) -> list[float]:
        (b1, b2), (p1, p2) = [state.blocks[name].position for name in TOOLS], self._previous_blocks
        g1, g2 = self.goals[0].position, self.goals[1].position
        tips, previous_tips = state.tip_positions, self._previous_tips
        to_goal_1 = math.dist(b1, g1)
        if to_goal_1 > NEAR_GOAL_1:
            terms = [
                tips_distance(previous_tips, p1) - tips_distance(tips, b1),
                math.dist(p1, g1) - to_goal_1,
                0.0,
                0.0,
            ]
        else:
            between = math.hypot(b2[0] - b1[0], b2[1] - b1[1])
            height = 0.0 if between < ALIGNED_XY else abs(p2[2] - g2[2]) - abs(b2[2] - g2[2])
            previous_between = math.hypot(p2[0] - p1[0], p2[1] - p1[1])
            xy = previous_between - between if b2[2] > g2[2] else 0.0
            terms = [tips_distance(previous_tips, p2) - tips_distance(tips, b2), 0.0, height, xy]
        terms.append(-velocity_change(state.joint_velocities, self._previous_velocities))
        self.reset_reward_state(state)
        return terms

    def measure(self, state: SceneState) -> GoalMeasure:
        return self.overlap(state)

    # -- goal tower -------------------------------------------------------------------------
    def _place_tower(self, centre: Sequence[float], orientation: Sequence[float]) -> None:
        """Goal 1 half an edge below ``centre`` along the tower's axis, goal 2 half an edge above."""
        half = quaternion_matrix(orientation)[:, 2] * (self.goals[0].size[2] / 2)
        self.goals[0].set_pose(tuple(float(v) for v in np.subtract(centre, half)), orientation)
        self.goals[1].set_pose(tuple(float(v) for v in np.add(centre, half)), orientation)

    def tower_centre(self) -> tuple[float, float, float]:
        """Cartesian centre (m, z from the floor top) of the goal tower: midway between the goals."""
        (x1, y1, z1), (x2, y2, z2) = self.goals[0].position, self.goals[1].position
        return ((x1 + x2) / 2, (y1 + y2) / 2, (z1 + z2) / 2)

    def goal_position_bounds(self, space: VariableSpace) -> Bounds:
        """Cylindrical (r, phi, z) bounds of the goal tower's centre in ``space``.

        z is fixed at the tower's half height (one block edge).
        """
        z = self.goals[0].size[2]
        a = ((0.0, -math.pi, z), (0.11, math.pi, z))
        b = ((0.11, -math.pi, z), (0.15, math.pi, z))
        bounds = {VariableSpace.A: a, VariableSpace.B: b, VariableSpace.A_B: union_bounds(a, b)}[space]
        return as_bounds(*bounds)

    def task_variables(self) -> list[CausalVariable]:
        """``goal_tower.<cartesian_position | cylindrical_position | orientation | euler_orientation>``.

        The centre and turn of both goals at once (another parametrization of the goals' poses, so
        not stored in states). The turn's space is a yaw about the vertical, as for single goals.
        """
        yaw = as_bounds((0.0, 0.0, -math.pi), (0.0, 0.0, math.pi))
        unit = as_bounds([-1.0] * 4, [1.0] * 4)

        def centre_in(cartesian, space) -> bool:
            low, high = self.goal_position_bounds(space)
            value = np.array(cartesian_to_cylindrical(*cartesian))
            return bool(np.all(value >= low - 1e-9) and np.all(value <= high + 1e-9))

        def turn_in(quaternion, space) -> bool:
            value = np.array(quaternion_rotation_vector(quaternion))
            return bool(np.all(value >= yaw[0] - 1e-9) and np.all(value <= yaw[1] + 1e-9))

        def box(space) -> Bounds:
            low, high = self.goal_position_bounds(space)
            return as_bounds((-high[0], -high[0], low[2]), (high[0], high[0], high[2]))

        def turn() -> tuple[float, ...]:
            return self.goals[0].orientation

        tower = f"{GOAL_TOWER}."
        return [
            CausalVariable(tower + "cartesian_position", (3,), "m, z from the floor top", "goal tower centre",
                           self.tower_centre, lambda v: self._place_tower(v, turn()),
                           kind=DYNAMIC, canonical=False, bounds_fn=box, contains_fn=centre_in),
            CausalVariable(tower + "cylindrical_position", (3,), "(m, rad, m)", "goal tower centre",
                           lambda: cartesian_to_cylindrical(*self.tower_centre()),
                           lambda v: self._place_tower(cylindrical_to_cartesian(*v), turn()),
                           kind=DYNAMIC, canonical=False, bounds_fn=self.goal_position_bounds,
                           contains_fn=lambda v, space: centre_in(cylindrical_to_cartesian(*v), space)),
            CausalVariable(tower + "orientation", (4,), "quaternion xyzw", "goal tower turn",
                           turn, lambda v: self._place_tower(self.tower_centre(), tuple(v)), unit, unit,
                           kind=DYNAMIC, canonical=False, contains_fn=turn_in),
            CausalVariable(tower + "euler_orientation", (3,), "rad (rotation vector)", "goal tower turn",
                           lambda: quaternion_rotation_vector(turn()),
                           lambda v: self._place_tower(self.tower_centre(), rotation_vector_quaternion(v)),
                           yaw, yaw, kind=DYNAMIC, canonical=False),
        ]

    def customize_variables(self, registry) -> None:
        """Leave sizes and the single goals' poses out of the spaces, as the original.

        The spaces hold the tools' poses, colours and masses, the goals' colours and ``goal_tower``'s
        cylindrical position and yaw.
        """
        hidden = [f"{name}.size" for name in (*TOOLS, *GOALS)]
        hidden += [f"{goal}.{key}" for goal in GOALS for key in ("cylindrical_position", "euler_orientation")]
        self.leave_out_of_spaces(registry, hidden + [f"{GOAL_TOWER}.cartesian_position", f"{GOAL_TOWER}.orientation"])

    def couple(self, values: dict[str, np.ndarray], registry) -> dict[str, np.ndarray]:
        """A size given for any block or goal is copied to the others.

        Resized blocks rest on the floor and a resized goal tower is restacked on the floor (same axis
        position and turn).
        """
        share_sizes(values, (*TOOLS, *GOALS))
        seat_on_floor(values, registry, TOOLS)
        size = values.get(f"{GOALS[0]}.size")
        keys = ("cartesian_position", "cylindrical_position")
        if size is not None and not any(f"{goal}.{key}" in values for goal in GOALS for key in keys):
            x, y, _ = self.goals[0].position
            bottom = np.array((x, y, size[2] / 2))
            axis = quaternion_matrix(self.goals[0].orientation)[:, 2]
            values[f"{GOALS[0]}.cartesian_position"] = bottom
            values[f"{GOALS[1]}.cartesian_position"] = bottom + axis * size[2]
        return values

    def sample_new_goal(self, rng: np.random.Generator) -> dict[str, Any]:
        low, high = self.goal_position_bounds(self.variables_space)
        centre = sample_cylindrical(rng, low, high)
        yaw = float(rng.uniform(-math.pi, math.pi))
        return {GOAL_TOWER: {"cylindrical_position": centre, "euler_orientation": (0.0, 0.0, yaw)}}

    def apply_goal(self, goal: Mapping[str, Any]) -> None:
        """Move both goals as one tower.

        ``goal[GOAL_TOWER]`` holds ``cylindrical_position`` (the
        centre, z = half the tower height) and/or ``euler_orientation`` (a rotation vector, rad),
        applied together; a missing part keeps its current value. An upright tower of edge s
        centred at height z = s has goal 1 at z/2 and goal 2 at 3z/2.
        """
        if GOAL_TOWER not in goal or len(goal) != 1:
            raise ValueError(f"stacking2 goals are given as {{{GOAL_TOWER!r}: ...}}, got {sorted(goal)}")
        values = goal[GOAL_TOWER]
        unknown = sorted(set(values) - {"cylindrical_position", "euler_orientation"})
        if unknown:
            raise ValueError(f"{GOAL_TOWER} takes cylindrical_position and euler_orientation, got {unknown}")
        centre, orientation = self.tower_centre(), self.goals[0].orientation
        if "cylindrical_position" in values:
            centre = cylindrical_to_cartesian(*as_vector(f"{GOAL_TOWER} cylindrical_position",
                                                         values["cylindrical_position"], 3))
        if "euler_orientation" in values:
            rotvec = as_vector(f"{GOAL_TOWER} euler_orientation", values["euler_orientation"], 3)
            orientation = rotation_vector_quaternion(rotvec)
        self._place_tower(centre, orientation)
