"""What an intervention can end in: a refusal of malformed input, or a result with reasons."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np


class InterventionError(ValueError):
    """A malformed intervention: nothing was changed."""


@dataclass(frozen=True)
class InterventionResult:
    """Outcome of an intervention. Unpacks as ``success, observation = env.do_intervention(...)``."""

    success: bool
    observation: np.ndarray
    reasons: tuple[str, ...] = field(default=())

    def __iter__(self) -> Iterator[Any]:
        yield self.success
        yield self.observation
