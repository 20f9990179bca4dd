"""The towers family's goal (a grid of blocks filling a tower) and its tools' start layout.

Pure and deterministic; units and conventions as in :mod:`causalworld.tasks.structures.blocks`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from causalworld.tasks.structures.blocks import (
    _EPS,
    ARENA_RADIUS,
    LAYOUT_END,
    LAYOUT_FILL_STEP,
    LAYOUT_GAP,
    LAYOUT_START,
    BlockSpec,
    Vec3,
    _integer,
    _non_negative,
    _size3,
    _vector,
    block_corners,
)

MAX_COUNT_PER_AXIS = 64
"""Most blocks along one axis of a tower."""


def towers_goal(counts: Sequence[int] = (1, 1, 5), tower_dims: Sequence[float] = (0.035, 0.035, 0.175),
                tower_center: Sequence[float] = (0.0, 0.0)) -> list[BlockSpec]:
    """Goal blocks of the towers task: a grid of identical unrotated blocks filling a tower.

    Args:
        counts: blocks along x, y and z (integers in [1, 64]).
        tower_dims: full tower extent along x, y, z (m, > 0). Each block is ``tower_dims / counts``.
        tower_center: x, y (m) of the tower's vertical axis; the tower stands on the floor (z = 0).

    Returns:
        ``counts[0] * counts[1] * counts[2]`` specs in the original's order: level by level (z up),
        then column (y ascending), then row (x ascending): index = (k * ny + j) * nx + i, the block
        the original names ``goal_level_{k}_col_{j}_row_{i}``. The tower may extend past the arena
        for large dims or off-centre centres (the goals are visual silhouettes).

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
        for k in range(nz) for j in range(ny) for i in range(nx)
    ]


def _diagonal_cells(size: Vec3, gap: float) -> list[tuple[float, float]]:
    """The original's layout cells (x, y) in m.

    From (-0.12, -0.12) stepping size + gap in x and y together; y wraps back to -0.12 past 0.12,
    which starts the next (shifted) diagonal, until every cell of the square [-0.12, 0.12]^2 lattice
    was visited once.
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
