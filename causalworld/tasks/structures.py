"""Goal structures of the block-stacking families: towers, stacked_blocks and creative_stacked_blocks.

Every function here is pure and deterministic: randomness comes only from the
:class:`numpy.random.Generator` passed in. Units are metres. Positions are block centres in the
world frame with z measured from the floor top (world z - ``FLOOR_HEIGHT``); orientations are unit
quaternions (x, y, z, w); sizes are full edge lengths. Random floor poses for tools and the general
family's goal (from a physics simulation) live in :mod:`causalworld.tasks.structures_general`.

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
from dataclasses import dataclass
from typing import Any

import numpy as np

from causalworld.tasks.base import quaternion_matrix

Vec3 = tuple[float, float, float]
Quat = tuple[float, float, float, float]
IDENTITY: Quat = (0.0, 0.0, 0.0, 1.0)

ARENA_RADIUS = 0.2
"""Every corner of a block placed on the floor lies strictly inside this radius (m) from the centre."""
GOAL_RADIUS = 0.15
"""Every corner of a wall goal lies inside this radius (m): the benchmark's reachable working area."""
LAYOUT_START, LAYOUT_END, LAYOUT_GAP = -0.12, 0.12, 0.005
"""Towers start layout: first cell (m, in x and y), wrap coordinate (m) and gap between blocks (m)."""
LAYOUT_FILL_STEP = 0.005
"""Grid step (m) of the towers layout's fallback cells."""
WALL_Y_RANGE = 0.05
"""A random wall's y is uniform in [-WALL_Y_RANGE, WALL_Y_RANGE] (m) unless given."""
STABILITY_MARGIN = 0.004
"""Minimum distance (m) from a block's load resultant to the ends of its support."""
DEFAULT_WALL_SHIFT = 0.005
"""x shift (m) of the default wall's levels: +shift on even levels, -shift on odd levels."""
WALL_GAP = 0.001
"""Gap (m) between neighbouring blocks of one wall level. Touching neighbours push each other apart
in PyBullet (tilted contact normals), which made tall walls creep; 1 mm halves that creep."""
MAX_COUNT_PER_AXIS = 64
_EPS = 1e-9


@dataclass(frozen=True)
class BlockSpec:
    """A cuboid block: full edge lengths ``size`` (m), centre ``position`` (m, z from the floor top)
    and ``orientation`` (unit quaternion x, y, z, w; world frame).
    """

    size: Vec3
    position: Vec3
    orientation: Quat = IDENTITY


# -- validation -----------------------------------------------------------------------------------
def _vector(func: str, name: str, value: Any, length: int, positive: bool = False) -> tuple[float, ...]:
    """``value`` as ``length`` finite floats (> 0 if ``positive``), or a ValueError naming func and name."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{func}: {name} must be {length} numbers, got {value!r}") from None
    if array.shape != (length,) or not np.all(np.isfinite(array)):
        raise ValueError(f"{func}: {name} must be {length} finite numbers, got {value!r}")
    if positive and not np.all(array > 0):
        raise ValueError(f"{func}: {name} must be > 0 (m), got {value!r}")
    return tuple(float(v) for v in array)


def _positive(func: str, name: str, value: Any) -> float:
    """``value`` as a finite float > 0, or a ValueError naming func and name."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{func}: {name} must be a number, got {value!r}") from None
    if not (math.isfinite(number) and number > 0):
        raise ValueError(f"{func}: {name} must be a finite number > 0, got {value!r}")
    return number


def _integer(func: str, name: str, value: Any, low: int, high: int) -> int:
    """``value`` as an int in [low, high] (integral floats accepted, bools not), or a ValueError."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{func}: {name} must be an integer in [{low}, {high}], got {value!r}") from None
    if isinstance(value, bool) or not number.is_integer() or not low <= number <= high:
        raise ValueError(f"{func}: {name} must be an integer in [{low}, {high}], got {value!r}")
    return int(number)


def _generator(func: str, rng: Any) -> np.random.Generator:
    """``rng`` if it is a numpy Generator (never the global RNG), else a ValueError."""
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"{func}: rng must be a numpy.random.Generator, got {type(rng).__name__}")
    return rng


def _size3(func: str, name: str, value: Any) -> Vec3:
    """Full edge lengths (m, > 0) from one number (a cube) or three, or a ValueError."""
    if np.ndim(value) == 0:
        side = _positive(func, name, value)
        return (side, side, side)
    return _vector(func, name, value, 3, positive=True)  # type: ignore[return-value]


def _non_negative(func: str, name: str, value: Any) -> float:
    """``value`` as a finite float >= 0 (m), or a ValueError naming func and name."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not (math.isfinite(number) and number >= 0):
        raise ValueError(f"{func}: {name} must be a finite number >= 0 (m), got {value!r}")
    return number


# -- geometry -------------------------------------------------------------------------------------
def block_corners(spec: BlockSpec) -> np.ndarray:
    """The 8 corners (8, 3) of a block in the world frame (m, z from the floor top)."""
    signs = np.array([[sx, sy, sz] for sx in (-1, 1) for sy in (-1, 1) for sz in (-1, 1)], dtype=float)
    local = signs * np.asarray(spec.size) / 2
    return local @ quaternion_matrix(spec.orientation).T + np.asarray(spec.position)


# -- towers ---------------------------------------------------------------------------------------
def towers_goal(counts: Sequence[int] = (1, 1, 5), tower_dims: Sequence[float] = (0.035, 0.035, 0.175),
                tower_center: Sequence[float] = (0.0, 0.0)) -> list[BlockSpec]:
    """Goal blocks of the towers task: a grid of identical unrotated blocks filling a tower.

    Args:
        counts: blocks along x, y and z (integers in [1, 64]).
        tower_dims: full tower extent along x, y, z (m, > 0). Each block is ``tower_dims / counts``.
        tower_center: x, y (m) of the tower's vertical axis; the tower stands on the floor (z = 0).

    Returns:
        ``counts[0] * counts[1] * counts[2]`` specs ordered level by level (z up), then x
        ascending, then y ascending: index = (k * nx + i) * ny + j. The tower may extend past the
        arena for large dims or off-centre centres (the goals are visual silhouettes).

    Raises:
        ValueError: on a count that is not an integer in [1, 64], or non-positive / non-finite dims.
    """
    func = "towers_goal"
    if np.shape(counts) != (3,):
        raise ValueError(f"{func}: counts must be 3 integers (x, y, z), got {counts!r}")
    nx, ny, nz = (_integer(func, f"counts[{k}]", v, 1, MAX_COUNT_PER_AXIS) for k, v in enumerate(counts))
    dims = _vector(func, "tower_dims", tower_dims, 3, positive=True)
    cx, cy = _vector(func, "tower_center", tower_center, 2)
    size = (dims[0] / nx, dims[1] / ny, dims[2] / nz)
    return [
        BlockSpec(size, (cx - dims[0] / 2 + size[0] * (i + 0.5), cy - dims[1] / 2 + size[1] * (j + 0.5),
                         size[2] * (k + 0.5)))
        for k in range(nz) for i in range(nx) for j in range(ny)
    ]


def _diagonal_cells(size: Vec3, gap: float) -> list[tuple[float, float]]:
    """The original's layout cells (x, y) in m: from (-0.12, -0.12) stepping size + gap in x and y
    together; y wraps back to -0.12 past 0.12, which starts the next (shifted) diagonal, until every
    cell of the square [-0.12, 0.12]^2 lattice was visited once.
    """
    pitch_x, pitch_y = size[0] + gap, size[1] + gap
    mx = int((LAYOUT_END - LAYOUT_START) / pitch_x + _EPS) + 1
    my = int((LAYOUT_END - LAYOUT_START) / pitch_y + _EPS) + 1
    return [(LAYOUT_START + i * pitch_x, LAYOUT_START + ((i + d) % my) * pitch_y)
            for d in range(my) for i in range(mx)]


def _fill_cells() -> np.ndarray:
    """Fallback cells (N, 2) in m: a 5 mm grid over the arena, nearest to the centre first."""
    axis = np.arange(-ARENA_RADIUS, ARENA_RADIUS + _EPS, LAYOUT_FILL_STEP)
    xy = np.stack(np.meshgrid(axis, axis, indexing="ij"), -1).reshape(-1, 2)
    radius = np.hypot(xy[:, 0], xy[:, 1])
    order = np.lexsort((np.arctan2(xy[:, 1], xy[:, 0]), np.round(radius, 9)))
    return xy[order]


def towers_start_layout(count: int, block_size: float | Sequence[float],
                        goals: Sequence[BlockSpec] = (), gap: float = LAYOUT_GAP) -> list[BlockSpec]:
    """Start poses of the towers task's tool blocks: unrotated, on the floor, clear of the goals.

    First the original's diagonal layout: from (-0.12, -0.12) stepping ``size + gap`` in x and y
    together, y wrapping back to -0.12 past 0.12 (so the next diagonal is shifted), over the square
    [-0.12, 0.12]^2. When that is used up, a 5 mm grid over the whole arena, nearest to the centre
    first. A cell is skipped when the block would reach outside the arena (a corner at radius
    >= 0.2 m) or come closer than ``gap`` to another start block or to the axis-aligned hull of a
    goal's floor shadow (exact for unrotated goals). Unlike the original, blocks never start
    inside a goal, and never in the air.

    Args:
        count: number of tool blocks (integer in [0, 4096]).
        block_size: full edge lengths (m): one number for a cube, or (x, y, z).
        goals: goal blocks to keep clear of (e.g. :func:`towers_goal`'s output).
        gap: clearance (m, >= 0) between neighbouring blocks and between blocks and goals.

    Returns:
        ``count`` specs at z = size_z / 2 with identity orientation, in layout order.

    Raises:
        ValueError: on invalid arguments, or when fewer than ``count`` blocks fit in one layer on
            the floor. That is the case for most towers of the original's space B (64 or more blocks
            of 0.02-0.05 m) and for a few of space A (large blocks next to an off-centre tower).
    """
    func = "towers_start_layout"
    count = _integer(func, "count", count, 0, MAX_COUNT_PER_AXIS**2)
    size = _size3(func, "block_size", block_size)
    gap = _non_negative(func, "gap", gap)
    if not isinstance(goals, (list, tuple)) or not all(isinstance(goal, BlockSpec) for goal in goals):
        raise ValueError(f"{func}: goals must be BlockSpec instances, got {goals!r}")
    half = np.array(size[:2]) / 2
    # Rectangles (lo, hi) that a start block's centre must stay out of: goals and placed blocks,
    # grown by the block's half extent plus the gap.
    keep_out = [np.stack([c.min(0)[:2] - half - gap, c.max(0)[:2] + half + gap])
                for c in map(block_corners, goals)]

    def free(xy: np.ndarray) -> np.ndarray:
        inside = np.hypot(np.abs(xy[:, 0]) + half[0], np.abs(xy[:, 1]) + half[1]) < ARENA_RADIUS - _EPS
        for lo, hi in keep_out:
            inside &= ~np.all((xy > lo + _EPS) & (xy < hi - _EPS), axis=1)
        return inside

    placed: list[tuple[float, float]] = []
    for make_cells in (lambda: np.array(_diagonal_cells(size, gap)), _fill_cells):
        if len(placed) == count:
            break
        cells = make_cells()
        mask = free(cells)
        for k in np.flatnonzero(mask):
            if len(placed) == count:
                break
            if mask[k]:
                xy = cells[k]
                placed.append((float(xy[0]), float(xy[1])))
                keep_out.append(np.stack([xy - 2 * half - gap, xy + 2 * half + gap]))
                mask &= ~np.all((cells > keep_out[-1][0] + _EPS) & (cells < keep_out[-1][1] - _EPS), axis=1)
    if len(placed) < count:
        raise ValueError(
            f"{func}: only {len(placed)} of count={count} blocks of size {size} m fit in one layer on the "
            f"floor inside the arena (corners within {ARENA_RADIUS} m), {gap} m apart and clear of "
            f"{len(goals)} goal(s); use fewer or smaller blocks"
        )
    return [BlockSpec(size, (x, y, size[2] / 2)) for x, y in placed]


# -- walls (stacked_blocks, creative_stacked_blocks) ----------------------------------------------
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

