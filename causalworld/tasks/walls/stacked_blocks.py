"""stacked_blocks: rebuild a wall of blocks shown as goal silhouettes.

Scene (positions in m, z from the floor top): a wall of goal silhouettes (green, translucent) and one
movable tool block (red, ``tool_block_mass`` kg, friction 1) per wall block, named as in the
original: ``tool_level_{l}_num_{n}`` and ``goal_level_{l}_num_{n}`` for the n-th block (x ascending)
of level l (from 0 at the floor). The default wall (``wall_seed`` 0) has ``num_of_levels`` levels of
int(``max_level_width`` / ``blocks_min_size``) cubes of edge ``blocks_min_size``, 1 mm apart, centred
on x = 0 at y = 0 and shifted by +5 mm on even and -5 mm on odd levels: 5 x 7 = 35 cubes of
0.035 m by default. Its tools start unrotated on the floor in rows parallel to the wall (y = +-0.04,
+-0.08, +-0.12 for the default cubes), each row filled from its middle outwards, 5 mm apart, every
corner within 0.18 m of the centre, clear of the wall's floor band and of the fingertips.

Arguments: ``tool_block_mass`` (kg, default 0.08), ``joint_positions`` (rad, 9; default the rest
pose), ``blocks_min_size`` (m, in [0.02, 0.1], default 0.035), ``num_of_levels`` (1..20, default 5),
``max_level_width`` (m, default 0.25), plus the shared task arguments.

Task variables (kind TASK; ranges inclusive):

==================  ================  ================  ======================================
variable            space A           space B           effect
==================  ================  ================  ======================================
stack_levels        1 .. 5            6 .. 8            whole number of wall levels
blocks_mass         [0.02, 0.06] kg   [0.06, 0.08] kg   mass of every tool (no new wall)
blocks_min_size     [0.035, 0.065] m  [0.065, 0.075] m  block depth, height and least width
max_level_width     [0.035, 0.12] m   [0.12, 0.15] m    widest level
wall_seed           [0, 1]            [0, 1]            which wall (see below)
==================  ================  ================  ======================================

Changing ``stack_levels``, ``blocks_min_size``, ``max_level_width`` or ``wall_seed`` replaces the
whole scene (see :mod:`causalworld.tasks.walls.base`): ``stacked_wall_goal`` builds a random wall
that stands (level by level within the level below, then blocks wider than twice the size halved),
from a generator seeded by the four values, and the tools get the original's random floor poses
(centres within 0.15 m, random yaw, clear of the goals, the fingertips and each other), or rows as
above when those cannot be found. Without a ``wall_seed`` in the intervention a new one is drawn from
the env's generator. Space B's walls (at least 6 levels of at least 0.065 m) rise above the 0.3 m
working volume, so the env refuses them as infeasible; so are A-and-B mixtures whose top level is
centred above 0.3 m. New goals (``sample_new_goal``): ``blocks_mass`` and the three structure
variables uniform in the active space (levels whole), as the original, and a new ``wall_seed``,
redrawn up to 100 times until the wall fits the working volume. The spaces list what the
original's do (each tool's pose, colour and mass, and the structure variables); ``wall_seed``,
sizes and goal variables are settable but listed only with ``extended_spaces=True``.

Observation (after the robot part): pairs of a ``tool_k`` slot (17 values) and a ``goal_k`` slot
(11), k from 0, holding the tools in the original's order, each followed by its goal (the
original's interleaved order). There are as many pairs as the largest wall any value in the spaces
or the arguments can give: levels (at most 8, or num_of_levels) times the pieces the widest level
splits into (a block is halved at most 3 times while wider than twice the size): with the defaults
8 x 4 = 32, fewer than the 35 blocks of the default wall, so 35 pairs (1008 values, the original's
default size and order). Slots of absent blocks are zero with type 0.

Reward: no dense terms; the fractional weight (default 1) times the fractional success, the
summed axis-aligned-hull intersection of every (goal, tool) pair over the total goal hull volume.
Success: fractional success above 0.9. Episode: 10 s per tool of the default scene (350 s, 8750
steps at the default 0.04 s, as the original). Physics: Bullet's default 50 solver iterations,
as the original; the tools are rigid bodies with friction anchors, so a built wall settles and then
stays put instead of creeping apart (see ``TOOL_PHYSICS`` in :mod:`causalworld.tasks.walls.layout`).

Deliberate differences from the original: the default tools start on the floor in rows instead of
being dropped from their goal heights; neighbouring wall blocks are 1 mm apart; the scene is a pure
function of the task variables, with ``wall_seed`` added to name the random wall; ``blocks_mass``
changes only the masses instead of regenerating; tools are all red instead of randomly coloured;
``stack_levels`` is a whole number with an inclusive upper bound; the tools are rigid bodies
(maximal coordinates) with friction anchors instead of one-link multibodies.
"""

from __future__ import annotations

from causalworld.tasks.structures.blocks import BlockSpec
from causalworld.tasks.structures.wall_goals import default_stacked_wall, stacked_wall_goal
from causalworld.tasks.walls.base import WallKey, WallTask
from causalworld.tasks.walls.layout import max_wall_blocks

SPACES = {
    "stack_levels": ((1.0, 5.0), (6.0, 8.0)),
    "blocks_mass": ((0.02, 0.06), (0.06, 0.08)),
    "blocks_min_size": ((0.035, 0.065), (0.065, 0.075)),
    "max_level_width": ((0.035, 0.12), (0.12, 0.15)),
    "wall_seed": ((0.0, 1.0), (0.0, 1.0)),
}
"""Task variable -> ((low, high) in space A, (low, high) in space B)."""


class StackedBlocksTask(WallTask):
    """Rebuild a whole wall: every block has a goal silhouette."""

    name = "stacked_blocks"
    spaces = SPACES

    def structure(self, rng, key: WallKey) -> tuple[list[BlockSpec], list[BlockSpec]]:
        if rng is None:
            blocks = default_stacked_wall(key.levels, key.min_size, key.width)
        else:
            blocks = stacked_wall_goal(rng, key.levels, key.min_size, key.width)
        return blocks, blocks

    def goal_bound(self, levels: int, min_size: float, width: float) -> int:
        return max_wall_blocks(levels, min_size, width)
