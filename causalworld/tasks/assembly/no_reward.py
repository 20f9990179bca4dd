"""No reward: a few blocks to push around, for causal representation learning. No goal, no reward.

Scene: ``number_of_blocks`` (default 3, from 1 to 5) cubes ``tool_block_1..n`` of edge
``tool_block_size`` (m, default 0.065, within [0.03, 0.08]) and mass ``tool_block_mass`` (kg, default
0.08), unrotated on the floor at fixed places on a circle of radius 0.09 m around the arena axis
(block k at the angle 90 + 72 (k - 1) degrees). The robot starts in the rest pose
(``joint_positions`` overrides). Lists, tuples and arrays are accepted for every vector.

Reward: exactly 0 at every step. There are no dense terms, and the fractional weight is 0 (any
other ``fractional_reward_weight`` is refused); the sparse reward is 0 too, as there is no success.
``info``: fractional success 1.0 (the original's value when there are no goals), success always
False, ``desired_goal`` an empty (0, 2, 3) array and ``achieved_goal`` the blocks' hulls.
Episode: 10 s per block of the scene given at construction (default 30 s, 750 steps at skip 10).
Observation: 28 robot values, then one 17-value slot per block.

Every variable is intervenable: the robot, stage and per-block ones, with their generic spaces.
The number of blocks is fixed per environment (the ``number_of_blocks`` kwarg), not a task
variable: a representation learner sees a constant set of objects, and a count variable would run
into two limits of the shared intervention code (a refused intervention that removed objects cannot
be rolled back, and a count change cannot be combined with variables of the blocks it removes).
``sample_new_goal`` returns an empty intervention: this task has no goal.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from causalworld.sim.stage import Stage
from causalworld.spatial import box_hull
from causalworld.tasks.assembly.towers import SceneObjects
from causalworld.tasks.base import GoalMeasure, SceneState, Task
from causalworld.tasks.block_helpers import check_mass
from causalworld.tasks.slots import BLOCK_TYPE, RIGID, Slot
from causalworld.tasks.structures import BlockSpec

COUNT = "number_of_blocks"


def tool_names(count: int) -> list[str]:
    """``tool_block_1`` ... ``tool_block_{count}``."""
    return [f"tool_block_{k}" for k in range(1, count + 1)]


MAX_BLOCKS = 5
SIZE_RANGE = (0.03, 0.08)
"""Accepted block edges (m): five of the largest still stand 5 mm apart on the circle."""
RING_RADIUS = 0.09
"""Radius (m) of the circle the default blocks stand on."""
SECONDS_PER_BLOCK = 10.0


def ring_pose(k: int, size: float) -> BlockSpec:
    """Block ``k`` (from 1) on the default circle."""
    angle = math.pi / 2 + 2 * math.pi * (k - 1) / MAX_BLOCKS
    return BlockSpec((size,) * 3, (RING_RADIUS * math.cos(angle), RING_RADIUS * math.sin(angle), size / 2))


class NoRewardTask(Task):
    """Blocks and a robot, no goal: reward 0."""

    name = "no_reward"
    defaults: Mapping[str, Any] = {
        "tool_block_mass": 0.08,
        "tool_block_size": 0.065,
        "number_of_blocks": 3,
        "joint_positions": None,
    }
    default_fractional_reward_weight = 0.0

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if self.fractional_weight != 0.0:
            raise ValueError(
                f"no_reward has no reward: fractional_reward_weight must be 0, got {self.fractional_weight}"
            )
        p = self.params
        self.mass = check_mass("tool_block_mass", p["tool_block_mass"])
        try:
            self.size = float(p["tool_block_size"])
        except (TypeError, ValueError):
            self.size = math.nan
        if not SIZE_RANGE[0] <= self.size <= SIZE_RANGE[1]:
            raise ValueError(f"tool_block_size must be in m, within {list(SIZE_RANGE)}, got {p['tool_block_size']!r}")
        count = p[COUNT]
        if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or not 1 <= count <= MAX_BLOCKS:
            raise ValueError(f"{COUNT} must be a whole number from 1 to {MAX_BLOCKS}, got {count!r}")
        self.count = int(count)
        self.starting_joint_positions()  # validates the kwarg early

    def episode_seconds(self) -> float:
        return SECONDS_PER_BLOCK * self.count

    def observation_slots(self) -> list[Slot]:
        return [Slot(name, RIGID, BLOCK_TYPE) for name in tool_names(self.count)]

    def build(self, stage: Stage) -> None:
        self.stage = stage
        self.objects = SceneObjects(stage)
        for k, name in enumerate(tool_names(self.count), start=1):
            self.objects.add_tool(name, ring_pose(k, self.size), self.mass)

    def measure(self, state: SceneState) -> GoalMeasure:
        achieved = [box_hull(state.blocks[b].position, state.blocks[b].orientation, self.stage.blocks[b].size)
                    for b in self.stage.blocks]
        return GoalMeasure(np.zeros((0, 2, 3)), np.array(achieved).reshape(-1, 2, 3), 1.0)

    def is_success(self, state: SceneState, fractional_success: float) -> bool:
        return False

    def sample_new_goal(self, rng: np.random.Generator) -> dict[str, Any]:
        """There is no goal: an empty intervention."""
        return {}

    def apply_goal(self, goal: Mapping[str, Any]) -> None:
        """There is no goal; only an empty dict is accepted."""
        if goal:
            raise ValueError(f"no_reward has no goal to apply, got {sorted(goal)}")
