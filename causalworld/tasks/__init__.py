"""Task families, by name."""

from __future__ import annotations

from typing import Any

from causalworld.tasks.assembly.general import GeneralTask
from causalworld.tasks.assembly.no_reward import NoRewardTask
from causalworld.tasks.assembly.towers import TowersTask
from causalworld.tasks.base import SceneState, Task
from causalworld.tasks.blocks.pick_and_place import PickAndPlaceTask
from causalworld.tasks.blocks.picking import PickingTask
from causalworld.tasks.blocks.pushing import PushingTask
from causalworld.tasks.blocks.stacking2 import Stacking2Task
from causalworld.tasks.reaching.reaching import ReachingTask
from causalworld.tasks.walls.creative_stacked_blocks import CreativeStackedBlocksTask
from causalworld.tasks.walls.stacked_blocks import StackedBlocksTask
from causalworld.variables import VariableSpace

TASKS: dict[str, type[Task]] = {
    "reaching": ReachingTask,
    "pushing": PushingTask,
    "picking": PickingTask,
    "pick_and_place": PickAndPlaceTask,
    "stacking2": Stacking2Task,
    "towers": TowersTask,
    "general": GeneralTask,
    "no_reward": NoRewardTask,
    "stacked_blocks": StackedBlocksTask,
    "creative_stacked_blocks": CreativeStackedBlocksTask,
}


def make_task(name: str, **kwargs: Any) -> Task:
    """Build a task by family name, e.g. ``make_task("pushing", tool_block_mass=0.05)``."""
    try:
        cls = TASKS[name]
    except KeyError:
        raise ValueError(f"unknown task {name!r}; available tasks: {sorted(TASKS)}") from None
    return cls(**kwargs)


__all__ = ["TASKS", "SceneState", "Task", "VariableSpace", "make_task"]
