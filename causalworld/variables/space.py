"""Which range of the causal variables is active: space A (training), B (evaluation) or their union."""

from __future__ import annotations

from enum import Enum


class VariableSpace(str, Enum):
    """Which range of the causal variables is active: training (A), evaluation (B) or their union."""

    A = "space_a"
    B = "space_b"
    A_B = "space_a_b"

    @classmethod
    def parse(cls, value: VariableSpace | str) -> VariableSpace:
        """The space named by ``value`` (a member or its string); ValueError names the accepted strings."""
        try:
            return cls(value)
        except ValueError:
            raise ValueError(
                f"variables_space must be one of {[s.value for s in cls]}, got {value!r}"
            ) from None
