"""Intervention actors: policies that choose interventions, for curricula and evaluation.

``actor.initialize(env)`` binds an actor to an environment, ``actor.act(env.get_variable_space_used())``
returns an intervention dict for some of the given variables (or None), ``actor.seed(s)`` restarts
its private generator, and ``actor_from_params(actor.to_params())`` rebuilds it.
"""

from causalworld.actors.base import ACTOR_TYPES, InterventionActor, actor_from_params, flatten_bounds, nest
from causalworld.actors.concrete import (
    GoalActor,
    JointsActor,
    PhysicalPropertiesActor,
    RandomActor,
    RigidPoseActor,
    VisualActor,
)

__all__ = [
    "ACTOR_TYPES",
    "GoalActor",
    "InterventionActor",
    "JointsActor",
    "PhysicalPropertiesActor",
    "RandomActor",
    "RigidPoseActor",
    "VisualActor",
    "actor_from_params",
    "flatten_bounds",
    "nest",
]
