"""How a task declares its objects' places in the structured observation: slot kinds and type ids.

A task lists its slots (:meth:`causalworld.tasks.base.Task.observation_slots`); the environment lays
out the observation from them (:mod:`causalworld.env.observations`). Kinds: a movable block
(RIGID, 17 values), a goal silhouette or fixed block (SILHOUETTE, 11), a point goal (POINT, 3).
"""

from __future__ import annotations

from dataclasses import dataclass

BLOCK_TYPE, FIXED_TYPE, GOAL_CUBOID_TYPE, GOAL_SPHERE_TYPE = 1, 10, 20, 21
"""Type ids of a movable block, a fixed block, a goal cuboid and a goal sphere (0: empty slot)."""

RIGID, SILHOUETTE, POINT = "rigid", "silhouette", "point"
"""Slot kinds: a movable block (17 values), a silhouette or fixed block (11), a point goal (3)."""


@dataclass(frozen=True)
class Slot:
    """One object's place in the observation.

    Attributes:
        name: prefix of its fields (``tool_block`` gives ``tool_block_cartesian_position``).
        kind: RIGID, SILHOUETTE (also fixed blocks) or POINT.
        type_id: the type the slot shows when its object is present.
        optional: the slot may be empty (type 0, all zeros); its type field's declared bounds are
            then [0, type_id] and its size's declared lower bound 0.
        size_range: (low, high) edge lengths (m, 3 each) the object can have when that reaches
            outside [0.03, 0.1] by construction; the declared space is widened to hold them.
    """

    name: str
    kind: str
    type_id: int
    optional: bool = False
    size_range: tuple[tuple[float, ...], tuple[float, ...]] | None = None
