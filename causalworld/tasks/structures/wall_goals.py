"""Goal walls of the stacked_blocks and creative_stacked_blocks families, and the rule that they stand.

Every function here is pure and deterministic: randomness comes only from the
:class:`numpy.random.Generator` passed in. Units and conventions as in
:mod:`causalworld.tasks.structures.blocks`.

Stability rule of the walls (see :func:`wall_is_stable`): the wall is checked top-down. Every block
carries its own weight at its centre plus the loads passed down by the blocks resting on it; the
resultant must lie inside the span of its contacts with the blocks below (or the floor), at least
``margin`` from both ends of that span. The resultant is then passed on: whole, at the resultant,
when it falls beyond the first or last contact centre, otherwise split by the lever rule between
the two contact centres around it. That is a set of compressive contact forces in equilibrium, so a
wall that passes stands as a rigid structure. It is checked twice: with one mass per block (the
tasks' tools) and with the mass proportional to the volume.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from causalworld.tasks.structures.blocks import (
    _EPS,
    GOAL_RADIUS,
    BlockSpec,
    _generator,
    _integer,
    _non_negative,
    _positive,
    _vector,
)

WALL_Y_RANGE = 0.05
"""A random wall's y is uniform in [-WALL_Y_RANGE, WALL_Y_RANGE] (m) unless given."""
STABILITY_MARGIN = 0.004
"""Minimum distance (m) from a block's load resultant to the ends of its support."""
DEFAULT_WALL_SHIFT = 0.005
"""x shift (m) of the default wall's levels: +shift on even levels, -shift on odd levels."""
WALL_GAP = 0.001
"""Gap (m) between neighbouring blocks of one wall level. Touching neighbours push each other apart
in PyBullet (tilted contact normals), which made tall walls creep; 1 mm halves that creep."""
Level = list[tuple[float, float]]
"""x intervals (lo, hi) in m of the blocks of one wall level, left to right."""


def _loads_stand(wall: Sequence[Level], margin: float, by_volume: bool) -> bool:
    """The top-down load check of the module docstring on a wall given as x intervals per level."""
    loads = [[[(hi - lo if by_volume else 1.0, (lo + hi) / 2)] for lo, hi in level] for level in wall]
    for lev in range(len(wall) - 1, -1, -1):
        for b, (lo, hi) in enumerate(wall[lev]):
            force = sum(f for f, _ in loads[lev][b])
            xr = sum(f * x for f, x in loads[lev][b]) / force
            if lev == 0:
                contacts: list[tuple[int, float, float]] = [(-1, lo, hi)]
            else:
                contacts = [(c, max(lo, clo), min(hi, chi)) for c, (clo, chi) in enumerate(wall[lev - 1])
                            if min(hi, chi) - max(lo, clo) > _EPS]
            if not contacts or not contacts[0][1] + margin <= xr <= contacts[-1][2] - margin:
                return False
            if lev == 0:
                continue
            centres = [(a + z) / 2 for _, a, z in contacts]
            below = loads[lev - 1]
            if xr <= centres[0]:
                below[contacts[0][0]].append((force, xr))
            elif xr >= centres[-1]:
                below[contacts[-1][0]].append((force, xr))
            else:
                k = next(k for k in range(len(centres) - 1) if centres[k] <= xr <= centres[k + 1])
                t = (xr - centres[k]) / (centres[k + 1] - centres[k])
                below[contacts[k][0]].append(((1 - t) * force, centres[k]))
                below[contacts[k + 1][0]].append((t * force, centres[k + 1]))
    return True


def _stands(wall: Sequence[Level], margin: float) -> bool:
    """The load check with equal masses and with masses proportional to volume."""
    return _loads_stand(wall, margin, False) and _loads_stand(wall, margin, True)


def wall_is_stable(blocks: Sequence[BlockSpec], margin: float = STABILITY_MARGIN) -> bool:
    """Whether a wall of blocks stands by the load rule of the module docstring.

    Args:
        blocks: unrotated blocks sharing one height (size z), depth (size y) and centre y, each
            resting on a level: centre z = (level + 0.5) * height (m, z from the floor top).
        margin: required distance (m, >= 0) of every load resultant from the ends of its support.

    Returns:
        True if every block's load resultant stays ``margin`` inside its support, under both the
        equal-mass and the mass-proportional-to-volume models.

    Raises:
        ValueError: if the blocks are not such a wall, or if two blocks of one level intersect.
    """
    func = "wall_is_stable"
    if not blocks or not all(isinstance(b, BlockSpec) for b in blocks):
        raise ValueError(f"{func}: blocks must be a non-empty sequence of BlockSpec, got {blocks!r}")
    first = blocks[0]
    height = first.size[2]
    levels: dict[int, Level] = {}
    for b in blocks:
        level = round(b.position[2] / height - 0.5)
        if (abs(abs(b.orientation[3]) - 1) > 1e-9 or abs(b.size[2] - height) > 1e-9
                or abs(b.size[1] - first.size[1]) > 1e-9 or abs(b.position[1] - first.position[1]) > 1e-9
                or level < 0 or abs(b.position[2] - (level + 0.5) * height) > 1e-6):
            raise ValueError(f"{func}: {b} is not an unrotated block on a level of the wall of {first}")
        levels.setdefault(level, []).append((b.position[0] - b.size[0] / 2, b.position[0] + b.size[0] / 2))
    wall = [sorted(levels.get(k, [])) for k in range(max(levels) + 1)]
    for level in wall:
        if any(level[k][1] - level[k + 1][0] > 1e-7 for k in range(len(level) - 1)):
            raise ValueError(f"{func}: two blocks of one level intersect: {level}")
    return _stands(wall, float(margin))


def _wall_args(func: str, levels: Any, min_size: Any, max_level_width: Any, wall_y: Any) -> tuple:
    """Validated (levels, min_size (m), max_level_width (m), wall_y (m) or None) of a wall generator."""
    levels = _integer(func, "levels", levels, 1, 20)
    min_size = _positive(func, "min_size", min_size)
    if not 0.02 <= min_size <= 0.1:
        raise ValueError(f"{func}: min_size must be in [0.02, 0.1] m, got {min_size!r}")
    max_level_width = _positive(func, "max_level_width", max_level_width)
    if wall_y is not None:
        wall_y = _vector(func, "wall_y", [wall_y], 1)[0]
    return levels, min_size, max_level_width, wall_y


def _wall_specs(wall: Sequence[Level], min_size: float, y: float) -> list[BlockSpec]:
    """Blocks (depth and height min_size, at y; level L at z = (L + 0.5) * min_size) of a wall."""
    return [BlockSpec((hi - lo, min_size, min_size), ((lo + hi) / 2, y, (lev + 0.5) * min_size))
            for lev, level in enumerate(wall) for lo, hi in level]


def _half_span(func: str, min_size: float, y: float) -> float:
    """Largest |x| (m) a wall of depth min_size at ``y`` may reach with its corners inside GOAL_RADIUS."""
    reach = GOAL_RADIUS**2 - (abs(y) + min_size / 2) ** 2
    if reach <= (min_size / 2) ** 2:
        raise ValueError(f"{func}: a wall of min_size={min_size} m at y={y} m does not fit in the "
                         f"arena (corners within {GOAL_RADIUS} m)")
    return math.sqrt(reach)


def _random_wall(func: str, rng: np.random.Generator, levels: int, min_size: float, max_level_width: float,
                 wall_y: float | None, split_passes: int, margin: float) -> tuple[list[Level], float]:
    """A random standing wall as x intervals (m) per level, and its y (m); see stacked_wall_goal."""
    y = float(rng.uniform(-WALL_Y_RANGE, WALL_Y_RANGE)) if wall_y is None else wall_y
    x_lim = _half_span(func, min_size, y)
    cap = max(min_size, min(2 * x_lim, max_level_width))
    wall: list[Level] = []
    below = (-x_lim, x_lim)
    for _ in range(levels):
        width = min(float(rng.uniform(min_size, cap)), below[1] - below[0])
        lo_c, hi_c = below[0] + width / 2, max(below[0] + width / 2, below[1] - width / 2)
        for attempt in range(8):
            c = float(rng.uniform(lo_c, hi_c)) if attempt < 7 else (below[0] + below[1]) / 2
            trial = [*wall, [(c - width / 2, c + width / 2)]]
            if _stands(trial, margin):
                break
        else:  # unreachable for margin <= min_size / 2: a centred block keeps every resultant inside
            raise RuntimeError(f"{func}: could not place level {len(wall)} stably")
        wall, below = trial, trial[-1][0]
    for _ in range(split_passes):
        for lev in range(levels):
            k = 0
            while k < len(wall[lev]):
                lo, hi = wall[lev][k]
                if hi - lo > 2 * min_size + WALL_GAP + _EPS:
                    half = (hi - lo - WALL_GAP) / 2
                    halves = [*wall[lev][:k], (lo, lo + half), (hi - half, hi), *wall[lev][k + 1:]]
                    trial = [*wall[:lev], halves, *wall[lev + 1:]]
                    if _stands(trial, margin):
                        wall, k = trial, k + 2
                        continue
                k += 1
    return wall, y


def stacked_wall_goal(rng: np.random.Generator, levels: int = 5, min_size: float = 0.035,
                      max_level_width: float = 0.25, wall_y: float | None = None,
                      split_passes: int = 3, margin: float = STABILITY_MARGIN) -> list[BlockSpec]:
    """A random wall that stands: the stacked_blocks task's new goal.

    Built level by level from the floor. Every block is ``min_size`` deep (y) and high (z). A level
    starts as one block whose width is uniform in [min_size, min(arena-limited width,
    max_level_width)], cut to the width of the level below, at a uniform x inside the footprint of
    the level below (the first level inside the arena: corners within 0.15 m of the centre). Then,
    ``split_passes`` times, every block wider than 2 * min_size + 1 mm is split into two halves
    1 mm apart (:data:`WALL_GAP`). Every placement and split must keep the wall standing by
    :func:`wall_is_stable` with ``margin`` (a placement is redrawn up to 7 times, then centred on
    the level below; a split that fails is skipped). If max_level_width < min_size, every level is
    one min_size-wide block.

    Args:
        rng: source of all randomness.
        levels: number of levels (integer in [1, 20]).
        min_size: block depth, height and minimum width (m, in [0.02, 0.1]).
        max_level_width: widest level allowed (m, > 0).
        wall_y: y (m) shared by all blocks; None draws it uniform in [-0.05, 0.05].
        split_passes: how many times blocks may be halved (integer in [0, 8]).
        margin: stability margin (m, in [0, min_size / 2]).

    Returns:
        Unrotated blocks ordered level by level (z up), then x ascending; level L has centre
        z = (L + 0.5) * min_size.

    Raises:
        ValueError: on invalid arguments, or a wall_y too far off-centre for the arena.
    """
    func = "stacked_wall_goal"
    rng = _generator(func, rng)
    levels, min_size, max_level_width, wall_y = _wall_args(func, levels, min_size, max_level_width, wall_y)
    split_passes = _integer(func, "split_passes", split_passes, 0, 8)
    margin = _non_negative(func, "margin", margin)
    if margin > min_size / 2:
        raise ValueError(f"{func}: margin must be in [0, min_size / 2] = [0, {min_size / 2}] m, "
                         f"got {margin!r}")
    wall, y = _random_wall(func, rng, levels, min_size, max_level_width, wall_y, split_passes, margin)
    return _wall_specs(wall, min_size, y)


def _default_wall(func: str, levels: int, min_size: float, max_level_width: float, y: float) -> list[Level]:
    """The original's default wall as x intervals (m) per level; see default_stacked_wall."""
    per_level = int(max_level_width / min_size + 1e-9)
    pitch = min_size + WALL_GAP
    if per_level < 1:
        raise ValueError(f"{func}: max_level_width must be >= min_size, "
                         f"got {max_level_width!r} < {min_size!r}")
    x_lim = _half_span(func, min_size, y)
    if (per_level * pitch - WALL_GAP) / 2 + DEFAULT_WALL_SHIFT > x_lim:
        raise ValueError(f"{func}: {per_level} blocks of {min_size} m per level do not fit in the arena "
                         f"(corners within {GOAL_RADIUS} m); lower max_level_width")
    wall = []
    for lev in range(levels):
        shift = DEFAULT_WALL_SHIFT if lev % 2 == 0 else -DEFAULT_WALL_SHIFT
        left = -(per_level * pitch - WALL_GAP) / 2 + shift
        wall.append([(left + k * pitch, left + k * pitch + min_size) for k in range(per_level)])
    if not _stands(wall, STABILITY_MARGIN):
        raise ValueError(f"{func}: the default wall with min_size={min_size} m does not stand")
    return wall


def default_stacked_wall(levels: int = 5, min_size: float = 0.035, max_level_width: float = 0.25,
                         wall_y: float = 0.0) -> list[BlockSpec]:
    """The original's default stacked_blocks goal: a brick wall of cubes.

    Each level holds int(max_level_width / min_size) cubes of edge min_size side by side, 1 mm
    apart (:data:`WALL_GAP`; the original's cubes touch, which makes PyBullet walls creep), centred
    on x = 0 and shifted by +0.005 m on even levels and -0.005 m on odd levels.

    Args:
        levels: number of levels (integer in [1, 20]).
        min_size: cube edge (m, in [0.02, 0.1]).
        max_level_width: level width budget (m, >= min_size).
        wall_y: y (m) of the wall.

    Returns:
        Unrotated cubes ordered level by level (z up), then x ascending.

    Raises:
        ValueError: on invalid arguments, or a wall that would leave the arena.
    """
    func = "default_stacked_wall"
    levels, min_size, max_level_width, wall_y = _wall_args(func, levels, min_size, max_level_width, wall_y)
    return _wall_specs(_default_wall(func, levels, min_size, max_level_width, wall_y), min_size, wall_y)


def creative_goal(rng: np.random.Generator | None = None, levels: int = 8, min_size: float = 0.035,
                  max_level_width: float = 0.12, wall_y: float | None = None,
                  ) -> tuple[list[BlockSpec], list[BlockSpec]]:
    """The creative_stacked_blocks goal: a wall of which only the first and last levels are shown.

    Args:
        rng: None for the original's default wall (:func:`default_stacked_wall`, 3 cubes per level
            with the defaults: 24 tools, 6 goals); otherwise a random wall
            (:func:`stacked_wall_goal`) drawn from this generator.
        levels: number of levels (integer in [1, 20]).
        min_size: block depth, height and minimum width (m, in [0.02, 0.1]).
        max_level_width: widest level allowed (m, > 0).
        wall_y: y (m) of the wall; None: 0 for the default wall, random for a random one.

    Returns:
        (goal_blocks, all_blocks): the blocks of the bottom and top levels (one level if
        levels == 1), and the whole wall, i.e. the tools needed; both in the order of
        :func:`stacked_wall_goal`.

    Raises:
        ValueError: on invalid arguments.
    """
    func = "creative_goal"
    levels, min_size, max_level_width, wall_y = _wall_args(func, levels, min_size, max_level_width, wall_y)
    if rng is None:
        y = 0.0 if wall_y is None else wall_y
        wall = _default_wall(func, levels, min_size, max_level_width, y)
    else:
        wall, y = _random_wall(func, _generator(func, rng), levels, min_size, max_level_width, wall_y, 3,
                               STABILITY_MARGIN)
    blocks = _wall_specs(wall, min_size, y)
    top = blocks[-len(wall[-1]):] if levels > 1 else []
    return blocks[: len(wall[0])] + top, blocks

