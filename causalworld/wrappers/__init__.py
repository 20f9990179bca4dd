"""Gymnasium wrappers for CausalWorld envs.

Curricula, the goal-conditioned (HER) view, action shaping, object selection, evaluation protocols.

Each records its constructor arguments (``gymnasium.utils.RecordConstructorArgs``), so it shows in
``env.spec`` and ``gymnasium.make(env.spec)`` rebuilds the wrapped env.
"""

from causalworld.wrappers.actions import DeltaActionWrapper, MovingAverageActionWrapper
from causalworld.wrappers.curriculum import CurriculumWrapper
from causalworld.wrappers.goal_env import GoalEnvWrapper
from causalworld.wrappers.object_selector import ObjectSelectorWrapper
from causalworld.wrappers.protocol import ProtocolWrapper

__all__ = [
    "CurriculumWrapper",
    "DeltaActionWrapper",
    "GoalEnvWrapper",
    "MovingAverageActionWrapper",
    "ObjectSelectorWrapper",
    "ProtocolWrapper",
]
