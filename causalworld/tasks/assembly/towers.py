"""Towers: build a tower -- a grid of goal silhouettes -- from blocks laid out on the floor.

Scene: the tower is ``number_of_blocks_in_tower`` = (nx, ny, nz) blocks (default (1, 1, 5)) filling
``tower_dims`` (m, default (0.035, 0.035, 0.175)) around ``tower_center`` (x, y in m, default (0, 0)),
standing on the floor; every block is ``tower_dims / counts``. Names and order are the original's:
goals ``goal_level_{z}_col_{y}_row_{x}`` level by level, then column (y), then row (x), and one tool
``tool_level_{z}_col_{y}_row_{x}`` (``tool_block_mass`` kg, default 0.08) per goal, of the same size,
starting unrotated on the floor in the original's diagonal layout from (-0.12, -0.12), skipping
every cell that would touch a goal (:func:`~causalworld.tasks.structures.towers_start_layout`), so
the default start has fractional success 0 (the original put tool 3 inside goal 1: 0.2). The robot
starts raised (``joint_positions`` overrides; the original had no such kwarg). Lists, tuples and
arrays are accepted for every vector.

Reward: no dense terms; the fractional weight (default 1) times the fractional success, the summed
hull overlap of every (goal, tool) pair over the total goal hull volume. Success: above 0.9.
Episode: 10 s per block of the tower given at construction (default 50 s, 1250 steps at skip 10):
the observation and time bounds are fixed then, so later count changes keep that length.
Observation: 28 robot values, then pairs of a ``tool_k`` slot (17 values) and a ``goal_k`` slot
(11), k from 0: each tool followed by its goal, as the original interleaves them, for the most
blocks the spaces allow (6 x 6 x 6 = 216, or the constructed count if larger); absent objects'
slots are all zero with type 0. The first 5 pairs of the default scene are the original's 168
values (tool poses aside).

Task variables (kind TASK; integer upper bounds inclusive), the original's spaces A / B:

* ``number_of_blocks_in_tower`` (3,): A [1,1,1]..[4,4,4], B [4,4,4]..[6,6,6];
* ``tower_dims`` (3,, m): A [0.08]*3..[0.12]*3, B [0.12]*3..[0.2]*3;
* ``tower_center`` (2,, m): A [-0.1,-0.1]..[0.05,0.05], B [0.05,0.05]..[0.1,0.1];
* ``blocks_mass`` (kg): A [0.02, 0.06], B [0.06, 0.08].

Space B cannot be realised here: its 64 to 216 tools do not fit side by side on the floor (the
original laid the surplus out in the air, where it fell), so every B tower is refused with the
reason; most of space A is realised (about 97 % of uniform draws, ``tests/test_towers_general.py``).
Mixing A and B values (space A∪B) is refused when unrealisable; ``sample_new_goal`` (all four
variables, uniform in the active space, counts whole with inclusive bounds) draws again, up to
200 times, until realisable. As in the original the spaces list each tool's pose, colour and mass
and these four variables; block sizes and the goals' variables (set by the four) are settable but
listed only with ``extended_spaces=True``.

Changing the counts, dims or centre regenerates the scene: every tool and goal is removed and the
new ones are created (tools first); a changed ``blocks_mass`` sets every tool's mass. An object
created under a name that existed before gets that object's colour, friction and mass (so a
refused intervention, rolled back by re-creating the previous scene, changes nothing). An
unrealisable combination puts the tools that do not fit outside the arena wall, where the
feasibility check refuses it (the original did not check scenes after task-generator
interventions, and laid surplus tools out in the air). An intervention that also sets a variable
of an object the regeneration removes raises ``InterventionError``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from causalworld.sim import geometry as g
from causalworld.sim.objects import Block
from causalworld.sim.stage import Stage
from causalworld.spatial import box_hull
from causalworld.tasks.base import GoalMeasure, SceneState, Task, as_vector, yaw_quaternion
from causalworld.tasks.block_helpers import OverlapMeter, check_mass
from causalworld.tasks.slots import BLOCK_TYPE, GOAL_CUBOID_TYPE, RIGID, SILHOUETTE, Slot
from causalworld.tasks.structures import BlockSpec, towers_goal, towers_start_layout
from causalworld.variables import TASK, CausalVariable, InterventionError, as_bounds

COUNTS, MASS, DIMS, CENTER = "number_of_blocks_in_tower", "blocks_mass", "tower_dims", "tower_center"
SPACES: dict[str, tuple[tuple[Any, Any], tuple[Any, Any]]] = {
    COUNTS: (((1, 1, 1), (4, 4, 4)), ((4, 4, 4), (6, 6, 6))),
    MASS: ((0.02, 0.06), (0.06, 0.08)),
    DIMS: (((0.08,) * 3, (0.12,) * 3), ((0.12,) * 3, (0.2,) * 3)),
    CENTER: (((-0.1, -0.1), (0.05, 0.05)), ((0.05, 0.05), (0.1, 0.1))),
}
"""(space A, space B) bounds (low, high) of the task variables: the original's."""
MAX_SPACE_BLOCKS = 216
"""The most blocks a count in space A∪B gives (6 x 6 x 6)."""
SECONDS_PER_BLOCK = 10.0
GOAL_ATTEMPTS = 200
"""Draws ``sample_new_goal`` makes before giving up on realisability."""


def tower_names(prefix: str, counts: Sequence[int]) -> list[str]:
    """The original's names of a tower's blocks, in its order: ``{prefix}_level_{z}_col_{y}_row_{x}``."""
    nx, ny, nz = (int(c) for c in counts)
    return [f"{prefix}_level_{k}_col_{j}_row_{i}" for k in range(nz) for j in range(ny) for i in range(nx)]


# -- helpers shared with the other regenerating block tasks ---------------------------------------
def half_inside_arena(spec: BlockSpec) -> bool:
    """Whether at least half of a goal's hull lies in the working volume (the feasibility rule)."""
    (ax, ay, az), (bx, by, bz) = box_hull(spec.position, spec.orientation, spec.size)
    (x0, y0, z0), (x1, y1, z1) = g.ARENA_BOUNDS
    inside = max(0.0, min(bx, x1) - max(ax, x0)) * max(0.0, min(by, y1) - max(ay, y0)) * max(
        0.0, min(bz, z1) - max(az, z0))
    return inside >= 0.5 * (bx - ax) * (by - ay) * (bz - az) * (1 + 1e-9)


def outside_arena(count: int, size: Sequence[float]) -> list[BlockSpec]:
    """Poses in a row beyond the arena wall, for tools that do not fit.

    The feasibility check then refuses the scene, naming each of them.
    """
    pitch = size[0] + 0.01
    y = g.WALL_INNER_RADIUS + 0.05 + size[1] / 2
    return [BlockSpec(tuple(size), ((k - count / 2) * pitch, y, size[2] / 2)) for k in range(count)]


def settle_pose(block: Block, attempts: int = 100) -> None:
    """Nudge a block's yaw (by at most ``attempts`` x 1e-7 rad) to a pose PyBullet reads back unchanged.

    PyBullet stores orientations as matrices, so writing back a quaternion it returned gives another
    one in about a third of cases; from a pose it reads back unchanged, a refused intervention that
    rebuilds the scene restores the start state bit for bit. Only pure yaws are nudged.
    """
    x, y, z, w = block.orientation
    if abs(x) > 1e-12 or abs(y) > 1e-12:
        return
    yaw = 2.0 * math.atan2(z, w)
    for step in range(attempts):
        block.set_pose(block.position, yaw_quaternion(yaw + step * 1e-7))
        state = block.read_state()
        block.set_pose(state.position, state.orientation)
        again = block.read_state()
        if again.position == state.position and again.orientation == state.orientation:
            return


class SceneObjects:
    """Creates numbered tools and goals, remembering each name's colour, friction and mass."""

    def __init__(self, stage: Stage) -> None:
        self.stage = stage
        self.memory: dict[str, dict[str, Any]] = {}

    def _remember(self, name: str) -> None:
        obj = self.stage.objects[name]
        props = {"color": obj.color}
        if isinstance(obj, Block):
            props.update(friction=obj.lateral_friction, mass=obj.mass)
        self.memory[name] = props

    def clear(self) -> None:
        """Remember every object's properties, then remove them all."""
        for name in self.stage.objects:
            self._remember(name)
        self.stage.remove_all_objects()

    def remove(self, name: str) -> None:
        """Remember one object's properties, then remove it."""
        self._remember(name)
        self.stage.remove_object(name)

    def add_tool(self, name: str, spec: BlockSpec, mass: float) -> Block:
        props = self.memory.get(name, {})
        block = self.stage.add_block(name, size=spec.size, position=spec.position, orientation=spec.orientation,
                                     mass=props.get("mass", mass), color=props.get("color", (1.0, 0.0, 0.0)),
                                     lateral_friction=props.get("friction", 1.0))
        settle_pose(block)
        return block

    def add_goal(self, name: str, spec: BlockSpec):
        props = self.memory.get(name, {})
        return self.stage.add_silhouette(name, size=spec.size, position=spec.position,
                                         orientation=spec.orientation, color=props.get("color", (0.0, 1.0, 0.0)))

    def set_masses(self, names: Iterable[str], mass: float) -> None:
        """Give the named live tools, and every remembered tool, this mass (kg)."""
        for name in names:
            self.stage.blocks[name].set_mass(mass)
        for name, props in self.memory.items():
            if "mass" in props and name.startswith("tool_"):
                props["mass"] = mass


def refuse_removed(values: Mapping[str, Any], stage: Stage, survivors: set[str], cause: str) -> None:
    """Raise InterventionError if ``values`` sets a variable of an object the regeneration removes."""
    doomed = sorted({n.split(".", 1)[0] for n in values if "." in n} & (set(stage.objects) - survivors))
    if doomed:
        raise InterventionError(f"{cause} removes {doomed}: set their variables in a separate intervention")


def add_tool_masses(values: dict[str, np.ndarray], tools: Iterable[str]) -> None:
    """A new ``blocks_mass`` also names each surviving tool's mass, so resets restore those."""
    if MASS in values:
        for name in tools:
            values.setdefault(f"{name}.mass", np.array(values[MASS], dtype=np.float64))


class AssemblyVariables:
    """What towers and general share: one mass for every tool block, and spaces without sizes and goals."""

    def _set_mass(self, value) -> None:
        self.mass = float(value)
        self.objects.set_masses(list(self.stage.blocks), self.mass)

    def customize_variables(self, registry) -> None:
        """Leave block sizes and the goals' variables out of the spaces, as the original.

        The spaces hold each tool's pose, colour and mass and the task variables, which set the rest.
        """
        self.leave_out_of_spaces(registry, [v.name for v in registry.values() if v.object_name is not None and (
            v.name.endswith(".size") or v.object_name.startswith("goal_"))])


class TowersTask(AssemblyVariables, Task):
    """Rebuild the goal tower from the tool blocks."""

    name = "towers"
    default_pose = "raised"
    defaults: Mapping[str, Any] = {
        "tool_block_mass": 0.08,
        "number_of_blocks_in_tower": (1, 1, 5),
        "tower_dims": (0.035, 0.035, 0.175),
        "tower_center": (0.0, 0.0),
        "joint_positions": None,
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        p = self.params
        self.mass = check_mass("tool_block_mass", p["tool_block_mass"])
        counts = as_vector(COUNTS, p[COUNTS], 3)
        if not all(c >= 1 and c == int(c) for c in counts):
            raise ValueError(f"{COUNTS} must be 3 whole numbers >= 1, got {p[COUNTS]!r}")
        self.counts = tuple(int(c) for c in counts)
        self.dims = as_vector(DIMS, p[DIMS], 3)
        self.center = as_vector(CENTER, p[CENTER], 2)
        reason = towers_unrealisable(self.counts, self.dims, self.center)
        if reason:
            raise ValueError(f"towers: {reason}")
        self.slots = max(MAX_SPACE_BLOCKS, math.prod(self.counts))
        self.initial_blocks = math.prod(self.counts)
        self.starting_joint_positions()  # validates the kwarg early
        self._pending: set[str] = set()

    def episode_seconds(self) -> float:
        return SECONDS_PER_BLOCK * self.initial_blocks

    def observation_slots(self) -> list[Slot]:
        """Pairs ``tool_k``, ``goal_k`` (k from 0): each tool followed by its goal, in the original's order."""
        return [slot for k in range(self.slots) for slot in (
            Slot(f"tool_{k}", RIGID, BLOCK_TYPE, optional=True),
            Slot(f"goal_{k}", SILHOUETTE, GOAL_CUBOID_TYPE, optional=True))]

    def slot_objects(self) -> list[str | None]:
        tools, goals = tower_names("tool", self.counts), tower_names("goal", self.counts)
        out: list[str | None] = []
        for k in range(self.slots):
            out += [tools[k], goals[k]] if k < len(tools) and tools[k] in self.stage.objects else [None, None]
        return out

    # -- scene ------------------------------------------------------------------------------
    def build(self, stage: Stage) -> None:
        self.stage = stage
        self.objects = SceneObjects(stage)
        self._create()

    def _create(self) -> None:
        goals = towers_goal(self.counts, self.dims, self.center)
        try:
            tools = towers_start_layout(len(goals), goals[0].size, goals)
        except ValueError:
            tools = outside_arena(len(goals), goals[0].size)
        self.objects.clear()
        tool_names, goal_names = tower_names("tool", self.counts), tower_names("goal", self.counts)
        for name, spec in zip(tool_names, tools):
            self.objects.add_tool(name, spec, self.mass)
        for name, spec in zip(goal_names, goals):
            self.objects.add_goal(name, spec)
        self.overlap = OverlapMeter(self.stage, goal_names, tool_names)

    def _regenerate(self) -> None:
        self._create()
        self.context.objects_changed()

    def measure(self, state: SceneState) -> GoalMeasure:
        return self.overlap(state)

    # -- task variables ---------------------------------------------------------------------
    def task_variables(self) -> list[CausalVariable]:
        def bounds(name):
            return [as_bounds(*space) for space in SPACES[name]]

        return [
            CausalVariable(COUNTS, (3,), "count", "blocks of the tower along x, y and z", lambda: self.counts,
                           self._setter(COUNTS), *bounds(COUNTS), kind=TASK, integer=True),
            CausalVariable(MASS, (), "kg", "mass of every tool block", lambda: self.mass, self._set_mass,
                           *bounds(MASS), kind=TASK),
            CausalVariable(DIMS, (3,), "m", "extent of the goal tower along x, y and z", lambda: self.dims,
                           self._setter(DIMS), *bounds(DIMS), kind=TASK),
            CausalVariable(CENTER, (2,), "m", "x, y of the goal tower's axis", lambda: self.center,
                           self._setter(CENTER), *bounds(CENTER), kind=TASK),
        ]

    def _setter(self, name: str):
        def set_value(value) -> None:
            if name == COUNTS:
                self.counts = tuple(int(round(v)) for v in value)
            elif name == DIMS:
                self.dims = tuple(float(v) for v in value)
            else:
                self.center = tuple(float(v) for v in value)
            self._pending.discard(name)
            if not self._pending:  # one regeneration for all structure variables of an intervention
                self._regenerate()

        return set_value

    def couple(self, values: dict[str, np.ndarray], registry) -> dict[str, np.ndarray]:
        """Check the new structure and add what it implies.

        Names the tool masses a new ``blocks_mass`` sets, and batches the structure variables into
        one regeneration.
        """
        counts = tuple(int(round(v)) for v in values.get(COUNTS, self.counts))
        dims = values.get(DIMS, self.dims)
        if min(counts) < 1 or math.prod(counts) > self.slots:
            raise InterventionError(f"{COUNTS}: every count >= 1 and at most {self.slots} blocks, got {list(counts)}")
        if not np.all(np.asarray(dims) > 0) or (MASS in values and not values[MASS] > 0):
            raise InterventionError(f"{DIMS} and {MASS} must be positive")
        tools = tower_names("tool", counts)
        refuse_removed(values, self.stage, set(tools + tower_names("goal", counts)), f"{COUNTS}={list(counts)}")
        add_tool_masses(values, [n for n in tools if n in self.stage.blocks])
        self._pending = {n for n in (COUNTS, DIMS, CENTER) if n in values}
        return values

    def sample_new_goal(self, rng: np.random.Generator) -> dict[str, Any]:
        """Counts, mass, dims and centre uniform in the active space, drawn until realisable.

        Counts are whole numbers, their upper bounds inclusive.
        """
        variables = {v.name: v for v in self.task_variables()}
        for _ in range(GOAL_ATTEMPTS):
            goal = {name: var.sample(rng, self.variables_space) for name, var in variables.items()}
            if not towers_unrealisable(goal[COUNTS], goal[DIMS], goal[CENTER]):
                break
        return {COUNTS: [int(c) for c in goal[COUNTS]], MASS: float(goal[MASS]),
                DIMS: goal[DIMS].tolist(), CENTER: goal[CENTER].tolist()}

    def apply_goal(self, goal: Mapping[str, Any]) -> None:
        """Set task variables from a :meth:`sample_new_goal` dict (one regeneration)."""
        setters = {v.name: v.setter for v in self.task_variables()}
        self._pending = {n for n in (COUNTS, DIMS, CENTER) if n in goal}
        for name, value in goal.items():
            setters[name](np.asarray(value, dtype=np.float64))


def towers_unrealisable(counts: Sequence[float], dims: Sequence[float], center: Sequence[float]) -> str | None:
    """Why a tower cannot be set up, or None when it can.

    It cannot when the tools do not fit on the floor beside it, or a goal lies mostly outside the
    working volume.
    """
    try:
        goals = towers_goal([int(round(c)) for c in counts], dims, center)
        towers_start_layout(len(goals), goals[0].size, goals)
    except ValueError as error:
        return str(error)
    outside = [k for k, spec in enumerate(goals, start=1) if not half_inside_arena(spec)]
    if outside:
        return f"goals {outside} lie mostly outside the working volume {g.ARENA_BOUNDS}"
    return None


__all__ = ["SPACES", "TowersTask", "towers_unrealisable"]
