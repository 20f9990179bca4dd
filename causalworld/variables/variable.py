"""Causal variables: every factor of a scene as a named, typed, bounded quantity.

A :class:`CausalVariable` has a dotted name (``tool_block.mass``, ``floor_friction``,
``robot_finger_60_link_1.color``, ``joint_positions``), a shape, units, bounds for space A
(training), space B (evaluation) and their union, and a getter and setter bound to the live
world. The registry for an environment is built by :mod:`causalworld.variables.catalog`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from causalworld.variables.space import VariableSpace

Bounds = tuple[np.ndarray, np.ndarray]

DYNAMIC, PROPERTY, GEOMETRY, TASK = "dynamic", "property", "geometry", "task"
"""Variable kinds. Dynamic ones (poses, velocities, joints) are restored on every reset; property
ones (colours, masses, frictions, gravity) only when an intervention changed them; geometry ones
(sizes) rebuild bodies; task ones regenerate part of the scene."""


def as_bounds(low: Any, high: Any) -> Bounds:
    """A (low, high) pair of float64 arrays."""
    return np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)


def hull(a: Bounds, b: Bounds) -> Bounds:
    """Element-wise union hull of two bounds (space A∪B)."""
    return np.minimum(a[0], b[0]), np.maximum(a[1], b[1])


@dataclass
class CausalVariable:
    """One intervenable (or read-only) factor of the scene.

    Attributes:
        name: dotted name, ``object.attribute`` for object variables.
        shape: value shape, ``()`` for scalars.
        units: physical units of the value.
        description: one line for the docs.
        getter: returns the live value.
        setter: applies a validated value to the world; None for read-only variables.
        space_a, space_b: bounds (low, high) of the training and evaluation ranges.
        kind: DYNAMIC, PROPERTY, GEOMETRY or TASK (see module docs).
        canonical: False for an alternative parametrization of another variable (for example
            ``cylindrical_position`` of ``cartesian_position``); those are not stored in states.
        integer: the value must be whole numbers; the upper bound is inclusive.
        bounds_fn: computes (low, high) for a space from the live scene, replacing space_a/_b.
        contains_fn: custom membership test ``(value, space) -> bool`` (for parametrizations).
        in_spaces: listed in the intervention spaces A and B (``get_intervention_space_a()``), and so
            drawn by fully random protocols and the random actor. False for the variables the
            original benchmark gave no space (gravity, robot height, object friction, velocities,
            cartesian positions, quaternions, ...): they keep bounds for bounds checks and are
            listed only when the env is built with ``extended_spaces=True``.
    """

    name: str
    shape: tuple[int, ...]
    units: str
    description: str
    getter: Callable[[], Any]
    setter: Callable[[np.ndarray], None] | None
    space_a: Bounds | None = None
    space_b: Bounds | None = None
    kind: str = PROPERTY
    canonical: bool = True
    integer: bool = False
    bounds_fn: Callable[[VariableSpace], Bounds] | None = field(default=None, repr=False)
    contains_fn: Callable[[np.ndarray, VariableSpace], bool] | None = field(default=None, repr=False)
    in_spaces: bool = True

    @property
    def object_name(self) -> str | None:
        """The object part of an ``object.attribute`` name, else None."""
        return self.name.split(".", 1)[0] if "." in self.name else None

    @property
    def settable(self) -> bool:
        """Whether interventions may set it."""
        return self.setter is not None

    def bounds(self, space: VariableSpace | str) -> Bounds:
        """(low, high) of this variable in ``space`` ("space_a", "space_b" or "space_a_b")."""
        space = VariableSpace.parse(space)
        if self.bounds_fn is not None:
            return self.bounds_fn(space)
        if self.space_a is None or self.space_b is None:
            raise ValueError(f"{self.name} has no bounds")
        if space is VariableSpace.A:
            return self.space_a
        if space is VariableSpace.B:
            return self.space_b
        return hull(self.space_a, self.space_b)

    def contains(self, value: np.ndarray, space: VariableSpace | str) -> bool:
        """Whether ``value`` lies inside this variable's bounds in ``space`` (inclusive, 1e-9 slack)."""
        space = VariableSpace.parse(space)
        if self.contains_fn is not None:
            return self.contains_fn(value, space)
        low, high = self.bounds(space)
        return bool(np.all(value >= low - 1e-9) and np.all(value <= high + 1e-9))

    def read(self) -> np.ndarray:
        """The live value as a float64 array (a copy)."""
        return np.array(self.getter(), dtype=np.float64).reshape(self.shape)

    def sample(self, rng: np.random.Generator, space: VariableSpace | str) -> np.ndarray:
        """A value uniform in the bounds of ``space`` (whole numbers for integer variables)."""
        low, high = self.bounds(space)
        if self.integer:
            return rng.integers(np.round(low).astype(int), np.round(high).astype(int) + 1).astype(np.float64)
        return rng.uniform(low, high)
