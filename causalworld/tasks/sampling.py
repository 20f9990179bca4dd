"""Samplers for goal poses in cylindrical coordinates (r in m, phi in rad, z in m from the floor)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from causalworld.spatial import cartesian_to_cylindrical, cylindrical_to_cartesian  # noqa: F401 - re-exported


def sample_cylindrical(rng: np.random.Generator, low: Sequence[float], high: Sequence[float]) -> tuple[float, ...]:
    """A point uniform by area in the annular sector ``low <= (r, phi, z) <= high``, as (r, phi, z)."""
    r = math.sqrt(rng.uniform(low[0] ** 2, high[0] ** 2))
    phi = rng.uniform(low[1], high[1])
    z = rng.uniform(low[2], high[2]) if high[2] > low[2] else float(low[2])
    return (float(r), float(phi), float(z))


def union_bounds(a: tuple[Sequence[float], Sequence[float]], b: tuple[Sequence[float], Sequence[float]]):
    """Element-wise hull of two (low, high) bound pairs."""
    return (
        tuple(min(x, y) for x, y in zip(a[0], b[0])),
        tuple(max(x, y) for x, y in zip(a[1], b[1])),
    )
