"""Reference agents: privileged-state scripted policies for the block tasks and reaching.

``scripted_policy(task, env)`` returns an agent for ``task``: a callable from observation to action,
with ``reset()`` for the start of every episode. The agent reads the observation layout, the
normalization settings, the action mode and the step length from ``env`` (any Gymnasium wrapper
around a :class:`causalworld.CausalWorldEnv` will do). The env may also be bound later with
``agent.bind(env)``, before the first call. Supported action modes: ``end_effector_positions`` and
``joint_positions``, raw or normalized; observations raw or normalized.

``pretrained(task)`` returns the original authors' trained PPO agent for reaching, pushing, picking,
pick_and_place or stacking2 (weights read from the original's published package, NumPy forward pass;
:mod:`causalworld.baselines.pretrained_agents`).

See ``docs/baselines.md`` for the measured success rates.
"""

from __future__ import annotations

from causalworld.baselines.pretrained_agents import PRETRAINED_TASKS, PretrainedAgent, pretrained
from causalworld.baselines.scripted_policies import (
    GraspPolicy,
    ScriptedPickAndPlace,
    ScriptedPicking,
    ScriptedPolicy,
    ScriptedPushing,
    ScriptedReaching,
    ScriptedStacking2,
)

_POLICIES: dict[str, type[ScriptedPolicy]] = {
    cls.task: cls
    for cls in (ScriptedReaching, ScriptedPushing, ScriptedPicking, ScriptedPickAndPlace, ScriptedStacking2)
}
SCRIPTED_TASKS: tuple[str, ...] = tuple(_POLICIES)
"""Task families that have a scripted policy."""


def scripted_policy(task: str, env=None) -> ScriptedPolicy:
    """The scripted policy of ``task``, bound to ``env`` if given (else call ``bind(env)`` before use).

    Args:
        task: one of :data:`SCRIPTED_TASKS`.
        env: the env the policy acts in; its task must be ``task``.

    Raises:
        ValueError: an unknown task, an env of another task, or an action mode the policies cannot
            drive (``joint_torques``).
    """
    try:
        cls = _POLICIES[task]
    except KeyError:
        raise ValueError(f"no scripted policy for task {task!r}; scripted tasks: {list(SCRIPTED_TASKS)}") from None
    return cls(env)


__all__ = [
    "PRETRAINED_TASKS",
    "SCRIPTED_TASKS",
    "PretrainedAgent",
    "pretrained",
    "GraspPolicy",
    "ScriptedPickAndPlace",
    "ScriptedPicking",
    "ScriptedPolicy",
    "ScriptedPushing",
    "ScriptedReaching",
    "ScriptedStacking2",
    "scripted_policy",
]
