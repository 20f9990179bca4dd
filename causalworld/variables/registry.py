"""The causal variables of one environment, by dotted name."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from causalworld.variables.space import VariableSpace
from causalworld.variables.variable import Bounds, CausalVariable


class VariableRegistry(Mapping[str, CausalVariable]):
    """The causal variables of one environment, by dotted name."""

    def __init__(self) -> None:
        self._variables: dict[str, CausalVariable] = {}
        self.object_names: set[str] = set()
        """Stage objects whose variables are registered (``<object>.<attribute>``)."""
        self.position_bounds: dict[str, Callable[[VariableSpace], Bounds]] = {}
        """Per object: cylindrical (r, phi, z) bounds by space; both position variables use them,
        so a task overrides an object's position space in one place."""
        self.extended = False
        """List the variables outside the original's spaces too (the env's ``extended_spaces``)."""

    def add(self, variable: CausalVariable) -> None:
        """Register a variable; names are unique."""
        if variable.name in self._variables:
            raise ValueError(f"duplicate causal variable {variable.name!r}")
        self._variables[variable.name] = variable

    def remove_object(self, object_name: str) -> None:
        """Forget every variable of one object (when the object leaves the scene)."""
        for name in [n for n, v in self._variables.items() if v.object_name == object_name]:
            del self._variables[name]
        self.position_bounds.pop(object_name, None)
        self.object_names.discard(object_name)

    def __getitem__(self, name: str) -> CausalVariable:
        try:
            return self._variables[name]
        except KeyError:
            raise KeyError(f"unknown causal variable {name!r}") from None

    def __iter__(self):
        return iter(self._variables)

    def __len__(self) -> int:
        return len(self._variables)

    def settable(self) -> list[CausalVariable]:
        """Variables interventions may set."""
        return [v for v in self._variables.values() if v.settable]

    def spaced(self) -> list[CausalVariable]:
        """Settable variables listed in the intervention spaces (see ``CausalVariable.in_spaces``)."""
        return [v for v in self._variables.values() if v.settable and (v.in_spaces or self.extended)]

    def canonical(self) -> list[CausalVariable]:
        """Settable variables that define the state (no alternative parametrizations)."""
        return [v for v in self._variables.values() if v.settable and v.canonical]
