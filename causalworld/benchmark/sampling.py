"""Draw a protocol's intervention from the live variable registry with a seeded generator.

An intervention is drawn in two stages, because task-level variables (tower counts, wall levels,
numbers of objects) regenerate the scene and so change which object variables exist:

1. the protocol's task-level variables (kind ``TASK``);
2. every other selected variable, resolved against the registry as it is after stage 1.

Values are uniform in the protocol's space (:meth:`causalworld.variables.CausalVariable.sample`,
whole numbers with inclusive bounds for integer variables), in the registry's units (m, kg, rad, ...).

Protocols draw from the variables of the intervention spaces (the original's list, see
``CausalVariable.in_spaces``). Fully random protocols select, like the original's: every variable of
the spaces except the joints (``joint_positions``, ``joint_velocities``), object velocities, and
the alternative parametrizations ``cartesian_position`` and the quaternion ``orientation`` (yaw is
drawn through ``euler_orientation``) and whatever matches the protocol's ``excluded`` patterns; and
either every object's ``size`` or every object's ``cylindrical_position``, by one fair coin per draw.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

import numpy as np

from causalworld.benchmark.protocols import Protocol
from causalworld.variables import TASK, CausalVariable, VariableRegistry

TASK_STAGE, OBJECT_STAGE = 1, 2
"""The two stages of a drawn intervention (see the module docs)."""

EXCLUDED_NAMES = frozenset({"joint_positions", "joint_velocities"})
EXCLUDED_ATTRIBUTES = frozenset({"linear_velocity", "angular_velocity", "cartesian_position", "orientation"})
"""Never sampled by a fully random protocol."""


def selected_variables(protocol: Protocol, registry: VariableRegistry, rng: np.random.Generator,
                       stage: int) -> list[CausalVariable]:
    """The variables ``protocol`` changes at ``stage``, in registry order.

    The generator is used only by fully random protocols (the size-XOR-position coin).
    """
    variables = [v for v in registry.spaced() if (v.kind == TASK) == (stage == TASK_STAGE)]
    if not protocol.fully_random:
        return [v for v in variables if any(fnmatchcase(v.name, p) for p in protocol.variables)]
    variables = [v for v in variables if not any(fnmatchcase(v.name, p) for p in protocol.excluded)]
    skipped = "cylindrical_position" if rng.random() < 0.5 else "size"  # one coin for all objects, as the original
    chosen = []
    for v in variables:
        attribute = v.name.rpartition(".")[2] if v.object_name else None
        if v.name in EXCLUDED_NAMES or attribute in EXCLUDED_ATTRIBUTES or attribute == skipped:
            continue
        chosen.append(v)
    return chosen


def draw_value(variable: CausalVariable, rng: np.random.Generator, protocol: Protocol) -> float | list[float]:
    """One value of ``variable`` uniform in the protocol's space, as a float or a list (JSON-able)."""
    value = np.asarray(variable.sample(rng, protocol.space), dtype=np.float64)
    return float(value) if value.shape == () else value.tolist()


POSE_ATTRIBUTES = ("cylindrical_position", "euler_orientation")
"""An object's pose variables: drawn together, one object at a time (see the ProtocolWrapper)."""


def is_pose(variable: CausalVariable) -> bool:
    """Whether the variable is part of an object's pose (position or yaw)."""
    return variable.object_name is not None and variable.name.rpartition(".")[2] in POSE_ATTRIBUTES


def protocol_matches(protocol: Protocol, registry: VariableRegistry) -> dict[str, list[str]]:
    """For each pattern of ``protocol``, the settable variables of ``registry`` it names (a static check)."""
    names = [v.name for v in registry.spaced()]
    return {p: [n for n in names if fnmatchcase(n, p)] for p in protocol.variables}


__all__ = [
    "OBJECT_STAGE", "POSE_ATTRIBUTES", "TASK_STAGE", "draw_value", "is_pose", "protocol_matches", "selected_variables",
]
