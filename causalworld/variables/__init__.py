"""Causal variables: every factor of a scene as a named, typed, bounded quantity.

* :mod:`~causalworld.variables.space`: :class:`VariableSpace` (A training, B evaluation, their union).
* :mod:`~causalworld.variables.variable`: :class:`CausalVariable` (name, shape, units, bounds per
  space, getter and setter) and the variable kinds.
* :mod:`~causalworld.variables.registry`: :class:`VariableRegistry`, one environment's variables.
* :mod:`~causalworld.variables.errors`: :class:`InterventionError` and :class:`InterventionResult`.
* :mod:`~causalworld.variables.limits`: ranges of positions and velocities (the original's).
* :mod:`~causalworld.variables.catalog`: the robot's, stage's and objects' variables over the simulator.

This layer sits on :mod:`causalworld.sim` and :mod:`causalworld.spatial`; tasks and the environment
build on it.
"""

from causalworld.variables.errors import InterventionError, InterventionResult
from causalworld.variables.registry import VariableRegistry
from causalworld.variables.space import VariableSpace
from causalworld.variables.variable import (
    DYNAMIC,
    GEOMETRY,
    PROPERTY,
    TASK,
    Bounds,
    CausalVariable,
    as_bounds,
    hull,
)

__all__ = [
    "DYNAMIC", "GEOMETRY", "PROPERTY", "TASK", "Bounds", "CausalVariable", "InterventionError", "InterventionResult",
    "VariableRegistry", "VariableSpace", "as_bounds", "hull",
]
