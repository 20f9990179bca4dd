"""General: rebuild a pile of cubes -- goal silhouettes where dropped cubes came to rest.

Scene: ``nums_objects`` (default 5) cubes of edge ``tool_block_size`` (m, default 0.05, within
[0.01, 0.1]). The goal ``goal_0 .. goal_{n-1}`` (the original's names) is where such cubes come to
rest when dropped one by one in a scratch world
(:func:`~causalworld.tasks.structures.general_goals.general_goal`): the default scene uses the original's
drop points, unrotated; a goal made by an intervention uses random drop points and orientations
drawn from the env's generator. Tools ``tool_0 .. tool_{n-1}``
(``tool_block_mass`` kg, default 0.08) rest on the floor at random poses
(:func:`~causalworld.tasks.structures.general_goals.random_floor_poses`: centre within 0.15 m of the arena
axis, random yaw), kept clear of the goals' floor shadows when they fit (otherwise they may start
under a goal; the original placed them with no regard to the goals). The default scene's tool poses
come from a fixed generator (seed 0), so the default start is the same for every env and seed (the
original drew them from the global generator). The robot starts raised (``joint_positions`` overrides).
Lists, tuples and arrays are accepted for every vector.

Reward: no dense terms; the fractional weight (default 1) times the fractional success, the summed
hull overlap of every (goal, tool) pair over the total goal hull volume. Success: above 0.9.
Episode: 10 s per cube of the scene given at construction (default 50 s, 1250 steps at skip 10);
the observation and time bounds are fixed then, so later count changes keep that length.
Observation: 28 robot values, one 17-value slot per tool, then one 11-value slot per goal, for the
most cubes the spaces allow (9, or the constructed count if larger); absent objects' slots are all
zero with type 0.

Task variables (kind TASK; integer upper bounds inclusive), space A / space B, as in the original:
``nums_objects`` A [1, 5], B [6, 9] (the original sampled with an exclusive upper bound, so it never
drew 5 or 9); ``blocks_mass`` (kg) A [0.02, 0.06], B [0.06, 0.08]; ``tool_block_size`` (m)
A [0.05, 0.07], B [0.04, 0.05]. ``sample_new_goal`` draws all three uniformly in the active space.

A new ``nums_objects`` or ``tool_block_size`` regenerates the scene: a new random drop (about 0.05 s
for 5 cubes, 0.15-0.25 s for 9), then new tool poses, both from the env's generator; one
intervention setting both regenerates once. Unlike the original, which skipped its feasibility
check after task-generator interventions, the regenerated scene is checked; a drop that leaves a
goal mostly outside the working volume (10-35 % of drops), which the check would refuse, is done
once more. When a
reset or a refused intervention puts back an earlier count or size, all poses are restored from
the saved state, so no drop is simulated then (a column of goals stands in until they are). A new
``blocks_mass`` sets every tool's mass. An object created under a name that existed before gets
that object's colour, friction and mass. An intervention that also sets a variable of an
object the regeneration removes raises ``InterventionError``. As in the original the spaces list
each tool's pose, colour and mass and the three task variables; block sizes and the goals'
variables are settable but listed only with ``extended_spaces=True``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from causalworld.sim.stage import Stage
from causalworld.tasks.assembly.towers import (
    AssemblyVariables,
    SceneObjects,
    add_tool_masses,
    half_inside_arena,
    outside_arena,
    refuse_removed,
)
from causalworld.tasks.base import GoalMeasure, SceneState, Task
from causalworld.tasks.block_helpers import OverlapMeter, check_mass
from causalworld.tasks.slots import BLOCK_TYPE, GOAL_CUBOID_TYPE, RIGID, SILHOUETTE, Slot
from causalworld.tasks.structures import BlockSpec
from causalworld.tasks.structures.general_goals import general_goal, random_floor_poses
from causalworld.variables import TASK, CausalVariable, InterventionError, as_bounds

NUMS, MASS, SIZE = "nums_objects", "blocks_mass", "tool_block_size"
SPACES = {NUMS: ((1.0, 5.0), (6.0, 9.0)), MASS: ((0.02, 0.06), (0.06, 0.08)), SIZE: ((0.05, 0.07), (0.04, 0.05))}
"""(space A, space B) bounds (low, high) of the task variables."""
MAX_SPACE_OBJECTS = 9
SIZE_RANGE = (0.01, 0.1)
"""Accepted cube edges (m), those the goal generator accepts."""
MAX_OBJECTS = 30


def tool_names(count: int) -> list[str]:
    """The original's names of the tool cubes: ``tool_0`` ... ``tool_{count - 1}``."""
    return [f"tool_{k}" for k in range(count)]


def goal_names(count: int) -> list[str]:
    """The original's names of the goal silhouettes: ``goal_0`` ... ``goal_{count - 1}``."""
    return [f"goal_{k}" for k in range(count)]
DEFAULT_LAYOUT_SEED = 0
DROP_ATTEMPTS = 2
"""Random drops tried for a new goal until every goal is at least half inside the working volume."""
SECONDS_PER_BLOCK = 10.0


@functools.lru_cache(maxsize=64)
def default_pile(count: int, size: float, mass: float) -> tuple[BlockSpec, ...]:
    """The goal from the original's drop points (deterministic, so computed once per argument set)."""
    return tuple(general_goal(None, count, size, mass=mass))


def tool_poses(rng: np.random.Generator, count: int, size: float, goals: Sequence[BlockSpec]) -> list[BlockSpec]:
    """Random floor poses for the tools, clear of the goals' shadows if possible.

    Else anywhere on the floor; outside the arena (refused by the feasibility check) if even that fails.
    """
    sizes = [size] * count
    try:
        return random_floor_poses(rng, sizes, existing=list(goals), retries=3)
    except ValueError:
        pass
    try:
        return random_floor_poses(rng, sizes)
    except ValueError:
        return outside_arena(count, (size,) * 3)


class GeneralTask(AssemblyVariables, Task):
    """Rebuild the goal pile from the tool cubes."""

    name = "general"
    default_pose = "raised"
    defaults: Mapping[str, Any] = {
        "tool_block_mass": 0.08,
        "joint_positions": None,
        "tool_block_size": 0.05,
        "nums_objects": 5,
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        p = self.params
        self.mass = check_mass("tool_block_mass", p["tool_block_mass"])
        try:
            self.size = float(p[SIZE])
        except (TypeError, ValueError):
            self.size = float("nan")
        if not SIZE_RANGE[0] <= self.size <= SIZE_RANGE[1]:
            raise ValueError(f"{SIZE} must be in m, within {list(SIZE_RANGE)}, got {p[SIZE]!r}")
        count = p[NUMS]
        if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or not 1 <= count <= MAX_OBJECTS:
            raise ValueError(f"{NUMS} must be a whole number from 1 to {MAX_OBJECTS}, got {count!r}")
        self.count = self.initial_count = int(count)
        self.slots = max(MAX_SPACE_OBJECTS, self.count)
        self.starting_joint_positions()  # validates the kwarg early
        self._pending: set[str] = set()

    def episode_seconds(self) -> float:
        return SECONDS_PER_BLOCK * self.initial_count

    def observation_slots(self) -> list[Slot]:
        return ([Slot(n, RIGID, BLOCK_TYPE, optional=True) for n in tool_names(self.slots)]
                + [Slot(n, SILHOUETTE, GOAL_CUBOID_TYPE, optional=True) for n in goal_names(self.slots)])

    # -- scene ------------------------------------------------------------------------------
    def build(self, stage: Stage) -> None:
        self.stage = stage
        self.objects = SceneObjects(stage)
        self._create(None, default=True)

    def _create(self, rng: np.random.Generator | None, default: bool = False) -> None:
        """Create the goal and the tools.

        With ``rng``: a random drop and tool poses from it. With None: the default drop (``default``)
        or, for a state about to be restored, a column of goals on the axis; tools then from the
        fixed-seed generator.
        """
        if rng is None:
            goals = default_pile(self.count, self.size, self.mass) if default else [
                BlockSpec((self.size,) * 3, (0.0, 0.0, self.size * (k + 0.5))) for k in range(self.count)]
            tools = tool_poses(np.random.default_rng(DEFAULT_LAYOUT_SEED), self.count, self.size, goals)
        else:
            for _ in range(DROP_ATTEMPTS):
                goals = general_goal(rng, self.count, self.size, mass=self.mass)
                if all(half_inside_arena(spec) for spec in goals):
                    break
            tools = tool_poses(rng, self.count, self.size, goals)
        self.objects.clear()
        for name, spec in zip(tool_names(self.count), tools):
            self.objects.add_tool(name, spec, self.mass)
        for name, spec in zip(goal_names(self.count), goals):
            self.objects.add_goal(name, spec)
        self.overlap = OverlapMeter(self.stage, goal_names(self.count), tool_names(self.count))

    def measure(self, state: SceneState) -> GoalMeasure:
        return self.overlap(state)

    # -- task variables ---------------------------------------------------------------------
    def task_variables(self) -> list[CausalVariable]:
        def bounds(name):
            return [as_bounds(*space) for space in SPACES[name]]

        return [
            CausalVariable(NUMS, (), "count", "number of cubes (tools, and goals)", lambda: self.count,
                           self._setter(NUMS), *bounds(NUMS), kind=TASK, integer=True),
            CausalVariable(MASS, (), "kg", "mass of every tool cube", lambda: self.mass, self._set_mass,
                           *bounds(MASS), kind=TASK),
            CausalVariable(SIZE, (), "m", "edge of every cube", lambda: self.size, self._setter(SIZE),
                           *bounds(SIZE), kind=TASK),
        ]

    def _setter(self, name: str):
        def set_value(value) -> None:
            if name == NUMS:
                self.count = int(round(float(value)))
            else:
                self.size = float(value)
            fresh = name in self._pending  # announced by couple(): a new goal, not a restore
            self._pending.discard(name)
            if not self._pending:
                self._create(self.context.rng if fresh else None)
                self.context.objects_changed()

        return set_value

    def couple(self, values: dict[str, np.ndarray], registry) -> dict[str, np.ndarray]:
        """Check the new values and add what they imply.

        Names the tool masses a new ``blocks_mass`` sets, and announces the regenerating variables
        so that they regenerate once, with a new random goal.
        """
        count = int(round(float(values.get(NUMS, self.count))))
        size = float(values.get(SIZE, self.size))
        if not 1 <= count <= self.slots or not SIZE_RANGE[0] <= size <= SIZE_RANGE[1]:
            raise InterventionError(f"{NUMS} must be in [1, {self.slots}] and {SIZE} in {list(SIZE_RANGE)} m, "
                                    f"got {count} and {size}")
        if MASS in values and not values[MASS] > 0:
            raise InterventionError(f"{MASS} must be positive, got {float(values[MASS])}")
        refuse_removed(values, self.stage, set(tool_names(count) + goal_names(count)), f"{NUMS}={count}")
        add_tool_masses(values, [n for n in tool_names(count) if n in self.stage.blocks])
        self._pending = {n for n in (NUMS, SIZE) if n in values}
        return values

    def sample_new_goal(self, rng: np.random.Generator) -> dict[str, Any]:
        """Count (whole, bounds inclusive), mass and size uniform in the active space."""
        variables = self.task_variables()
        goal = {var.name: float(var.sample(rng, self.variables_space)) for var in variables}
        goal[NUMS] = int(goal[NUMS])
        return goal

    def apply_goal(self, goal: Mapping[str, Any]) -> None:
        """Set task variables from a :meth:`sample_new_goal` dict (one new random scene)."""
        setters = {v.name: v.setter for v in self.task_variables()}
        self._pending = {n for n in (NUMS, SIZE) if n in goal}
        for name, value in goal.items():
            setters[name](np.asarray(value, dtype=np.float64))
