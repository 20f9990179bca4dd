"""Task families, by name."""

from __future__ import annotations

from typing import Any

from causalworld.tasks.base import SceneState, Task, VariableSpace
from causalworld.tasks.creative_stacked_blocks import CreativeStackedBlocksTask
from causalworld.tasks.general import GeneralTask
from causalworld.tasks.no_reward import NoRewardTask
from causalworld.tasks.pick_and_place import PickAndPlaceTask
from causalworld.tasks.picking import PickingTask
from causalworld.tasks.pushing import PushingTask
from causalworld.tasks.reaching import ReachingTask
from causalworld.tasks.stacked_blocks import StackedBlocksTask
from causalworld.tasks.stacking2 import Stacking2Task
from causalworld.tasks.towers import TowersTask

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
