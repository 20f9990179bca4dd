"""creative_stacked_blocks: build a wall of which only the bottom and top levels are shown.

Scene (positions in m, z from the floor top): the same walls and tools as
:mod:`causalworld.tasks.walls.stacked_blocks`, but goal silhouettes exist only for the first and last
levels (one level if the wall has one): the agent must invent the levels in between with the
remaining tools. ``tool_level_{l}_num_{n}`` are all the wall's blocks (the original's names);
``goal_level_{l}_num_{n}`` the bottom and top levels' blocks. The default wall (``wall_seed`` 0): 8 levels of
int(0.12 / 0.035) = 3 cubes of 0.035 m, 1 mm apart, centred on x = 0 at y = 0, shifted +5 mm on even
and -5 mm on odd levels: 24 tools and 6 goals; the tools start unrotated on the floor in rows
parallel to the wall (y = +-0.04, then +-0.08), each row filled from its middle outwards, 5 mm apart.

Arguments: ``tool_block_mass`` (kg, default 0.08), ``joint_positions`` (rad, 9; default the rest
pose), ``blocks_min_size`` (m, in [0.02, 0.1], default 0.035), ``num_of_levels`` (1..20, default 8),
``max_level_width`` (m, default 0.12), plus the shared task arguments.

Task variables (kind TASK; ranges inclusive):

====================  ================  ================  =========================================
variable              space A           space B           effect
====================  ================  ================  =========================================
stack_levels          3 .. 5            6 .. 8            whole number of wall levels
blocks_mass           [0.02, 0.06] kg   [0.06, 0.08] kg   mass of every tool (no new wall)
blocks_min_size       [0.035, 0.065] m  [0.065, 0.075] m  block depth, height and least width
max_level_width       [0.035, 0.12] m   [0.12, 0.15] m    widest level
wall_seed             [0, 1]            [0, 1]            which wall (0: the default one)
number_of_obstacles   1 .. 5            1 .. 5            fixed black 1 cm cubes
====================  ================  ================  =========================================

The structure variables regenerate the scene exactly as in stacked_blocks (``creative_goal``
draws the wall; see :mod:`causalworld.tasks.walls.base`), and the same remarks on space B hold:
its walls rise above the 0.3 m working volume and are refused. ``number_of_obstacles`` adds fixed
cubes (``obstacle_0`` ...) at uniform random places in the working volume (x, y in [-0.15, 0.15],
z up to 0.3 m), each redrawn up to 100 times to keep 5 mm from the tools, goals, fingertips and
other obstacles, or removes the newest ones; obstacles stay when the wall changes (new tools keep
clear of them). New goals: as stacked_blocks (mass, levels, size, width, ``wall_seed``).

Observation (after the robot part): pairs of a ``tool_k`` slot (17 values) and a ``goal_k`` slot
(11), each tool followed by its goal as in the original, the goal slot empty for a tool of a middle
level, then five ``obstacle_k`` slots (11). There are as many pairs as the largest wall any value in
the spaces or the arguments can give: 8 levels x 4 pieces per level = 32 (more than the default
24): 28 + 32 x 28 + 5 x 11 = 979 values. Absent objects' slots are zero with type 0.

Reward: no dense terms; the fractional weight (default 1) times the fractional success (summed hull
overlap of every goal-tool pair over the goal volume: any tool may fill any goal). Success: above
0.9. Episode: 10 s per tool of the default scene, 240 s = 6000 steps at 0.04 s, the original's 6000
(obstacles are not counted). Physics: as stacked_blocks (50 solver
iterations, anchored rigid-body tools).

Deliberate differences from the original: those of stacked_blocks, and ``number_of_obstacles`` can
also decrease (the original only added obstacles); obstacles avoid the other objects.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from causalworld.sim.geometry import ARENA_BOUNDS
from causalworld.spatial import box_hulls
from causalworld.tasks.structures.blocks import BlockSpec
from causalworld.tasks.structures.wall_goals import creative_goal
from causalworld.tasks.walls.base import CLEARANCE, Piece, WallKey, WallTask
from causalworld.tasks.walls.layout import max_wall_blocks
from causalworld.variables import TASK, CausalVariable, InterventionError, as_bounds

SPACES = {
    "stack_levels": ((3.0, 5.0), (6.0, 8.0)),
    "blocks_mass": ((0.02, 0.06), (0.06, 0.08)),
    "blocks_min_size": ((0.035, 0.065), (0.065, 0.075)),
    "max_level_width": ((0.035, 0.12), (0.12, 0.15)),
    "wall_seed": ((0.0, 1.0), (0.0, 1.0)),
}
"""Task variable -> ((low, high) in space A, (low, high) in space B); number_of_obstacles is 1..5."""
OBSTACLE_SIZE = 0.01
"""Edge (m) of an obstacle cube."""
OBSTACLE_COLOR = (0.0, 0.0, 0.0)
PLACEHOLDER = (0.0, 0.0, 0.25)
"""Where a restored obstacle is created before the env puts it back in place (m)."""
IDENTITY = (0.0, 0.0, 0.0, 1.0)


class CreativeStackedBlocksTask(WallTask):
    """Complete a wall from its bottom and top levels."""

    name = "creative_stacked_blocks"
    defaults = {**WallTask.defaults, "num_of_levels": 8, "max_level_width": 0.12}
    spaces = SPACES
    max_obstacles = 5

    def structure(self, rng, key: WallKey) -> tuple[list[BlockSpec], list[BlockSpec]]:
        return creative_goal(rng, key.levels, key.min_size, key.width)

    def goal_bound(self, levels: int, min_size: float, width: float) -> int:
        return 2 * max_wall_blocks(1, min_size, width)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._removed: dict[str, Piece] = {}

    def task_variables(self) -> list[CausalVariable]:
        bounds = as_bounds(1.0, float(self.max_obstacles))
        return [*super().task_variables(), CausalVariable(
            "number_of_obstacles", (), "count", "fixed 1 cm cubes at random places in the working volume",
            self._obstacle_count, self._set_obstacles, bounds, bounds, kind=TASK, integer=True)]

    def _obstacle_count(self) -> int:
        return sum(1 for name in self.stage.objects if name.startswith("obstacle_"))

    def couple(self, values, registry):
        values = super().couple(values, registry)
        if "number_of_obstacles" not in values:
            return values
        target, count = int(values["number_of_obstacles"]), self._obstacle_count()
        if not 0 <= target <= self.max_obstacles:  # also when bounds are not checked: the slots are fixed
            raise InterventionError(f"number_of_obstacles must be from 0 to {self.max_obstacles} (the observation's "
                                    f"obstacle slots), got {target}")
        for name in values:
            obj = name.partition(".")[0]
            if obj.startswith("obstacle_") and int(obj.rpartition("_")[2]) >= target:
                raise InterventionError(f"{name}: number_of_obstacles={target} removes {obj}; "
                                        "intervene on it separately")
        self._plan["obstacles"] = target
        if target > count:
            scene = self._plan.get("pieces") or self._capture(("tool_", "goal_"))
            tips = [Piece("tip", (2 * self.robot.tip_radius,) * 3, tuple(self._tips[i:i + 3]), IDENTITY, OBSTACLE_COLOR)
                    for i in (0, 3, 6)]
            avoid = hulls_of([*scene, *self._capture(("obstacle_",)), *tips])
            new = []
            for k in range(count, target):
                position = draw_obstacle(self.context.rng, avoid)
                new.append(Piece(f"obstacle_{k}", (OBSTACLE_SIZE,) * 3, position, IDENTITY, OBSTACLE_COLOR))
                avoid = np.concatenate([avoid, hulls_of(new[-1:])])
            self._plan["new_obstacles"] = new
        return values

    def _set_obstacles(self, value) -> None:
        """Add or remove obstacles; planned ones in an intervention, remembered ones in a restore."""
        target, count = int(value), self._obstacle_count()
        planned = self._plan is not None and self._plan.get("obstacles") == target
        if planned:
            self._plan.pop("obstacles")
        if target > count:
            new = self._plan.pop("new_obstacles", None) if planned else None
            if new is None:
                new = [self._removed.get(f"obstacle_{k}") or Piece(
                    f"obstacle_{k}", (OBSTACLE_SIZE,) * 3, PLACEHOLDER, IDENTITY, OBSTACLE_COLOR)
                    for k in range(count, target)]
            self._create(new)
        for k in range(count - 1, target - 1, -1):
            name = f"obstacle_{k}"
            if planned:  # restores (a reset, a roll-back) bring it back as it was
                self._removed[name] = self._capture((name,))[0]
            self.stage.remove_object(name)
        self.context.objects_changed()


def draw_obstacle(rng: np.random.Generator, avoid: np.ndarray) -> tuple[float, float, float]:
    """A position uniform in the working volume for an obstacle cube.

    The cube keeps CLEARANCE (m) from every hull in ``avoid`` ((n, 2, 3), m); after 100 rejected
    draws the last one is used (the env's feasibility check then decides).
    """
    (x0, y0, z0), (x1, y1, z1) = ARENA_BOUNDS
    half = OBSTACLE_SIZE / 2 + CLEARANCE
    for _ in range(100):
        p = rng.uniform((x0, y0, z0 + OBSTACLE_SIZE / 2), (x1, y1, z1))
        if not np.any(np.all((avoid[:, 0] < p + half) & (avoid[:, 1] > p - half), axis=1)):
            break
    return tuple(float(v) for v in p)


def hulls_of(pieces: Sequence[Piece]) -> np.ndarray:
    """Axis-aligned hulls (n, 2, 3) of pieces (m)."""
    if not pieces:
        return np.zeros((0, 2, 3))
    return box_hulls(np.array([p.position for p in pieces], dtype=np.float64),
                     np.array([p.orientation for p in pieces], dtype=np.float64),
                     np.array([p.size for p in pieces], dtype=np.float64))
