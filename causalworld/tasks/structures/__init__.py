"""Goal structures of the block-stacking families: towers, stacked_blocks and creative_stacked_blocks.

This module gathers the generators, which live in single-purpose modules:

* :mod:`causalworld.tasks.structures.blocks` -- :class:`BlockSpec`, arena limits, argument checks and
  :func:`block_corners`, shared by every generator;
* :mod:`causalworld.tasks.structures.tower_goals` -- :func:`towers_goal` and :func:`towers_start_layout`;
* :mod:`causalworld.tasks.structures.wall_goals` -- the walls (:func:`stacked_wall_goal`,
  :func:`default_stacked_wall`, :func:`creative_goal`) and the load rule that they stand
  (:func:`wall_is_stable`);
* :mod:`causalworld.tasks.structures.general_goals` (not re-exported here) -- random floor poses for tools
  and the general family's goal (a pile of dropped cubes, from a physics simulation).

Every generator is pure and deterministic: randomness comes only from the
:class:`numpy.random.Generator` passed in. Units are metres. Positions are block centres in the
world frame with z measured from the floor top (world z - ``FLOOR_HEIGHT``); orientations are unit
quaternions (x, y, z, w); sizes are full edge lengths.
"""

from __future__ import annotations

from causalworld.tasks.structures.blocks import (
    _EPS,
    ARENA_RADIUS,
    GOAL_RADIUS,
    IDENTITY,
    LAYOUT_END,
    LAYOUT_FILL_STEP,
    LAYOUT_GAP,
    LAYOUT_START,
    BlockSpec,
    Quat,
    Vec3,
    _generator,
    _integer,
    _non_negative,
    _positive,
    _size3,
    block_corners,
)
from causalworld.tasks.structures.tower_goals import MAX_COUNT_PER_AXIS, towers_goal, towers_start_layout
from causalworld.tasks.structures.wall_goals import (
    DEFAULT_WALL_SHIFT,
    STABILITY_MARGIN,
    WALL_GAP,
    WALL_Y_RANGE,
    Level,
    creative_goal,
    default_stacked_wall,
    stacked_wall_goal,
    wall_is_stable,
)

__all__ = [
    "ARENA_RADIUS", "DEFAULT_WALL_SHIFT", "GOAL_RADIUS", "IDENTITY", "LAYOUT_END", "LAYOUT_FILL_STEP", "LAYOUT_GAP",
    "LAYOUT_START", "MAX_COUNT_PER_AXIS", "STABILITY_MARGIN", "WALL_GAP", "WALL_Y_RANGE", "_EPS", "BlockSpec", "Level",
    "Quat", "Vec3", "_generator", "_integer", "_non_negative", "_positive", "_size3", "block_corners",
    "creative_goal", "default_stacked_wall", "stacked_wall_goal", "towers_goal", "towers_start_layout",
    "wall_is_stable",
]
