"""Where the tool blocks of the wall families start, and how many blocks a wall can have.

Shared by :mod:`causalworld.tasks.walls.stacked_blocks` and :mod:`causalworld.tasks.walls.creative_stacked_blocks`.
Units are metres; positions are block centres with z from the floor top; orientations are unit
quaternions (x, y, z, w). Randomness comes only from the generator passed in.

* :func:`row_layout` -- deterministic: unrotated blocks in rows parallel to the wall, nearest rows
  first, each row filled from its middle outwards, every corner within :data:`ROW_RADIUS` of the
  arena centre, 5 mm apart and clear of the wall's floor band and of keep-out boxes.
* :func:`tool_layout` -- the original's random floor poses (centre within 0.15 m, random yaw), clear
  of the goals and keep-out boxes; when they cannot be found, :func:`row_layout`.
* :func:`max_wall_blocks` -- the most blocks ``stacked_wall_goal`` can return for given limits.
* :class:`WallKey` and :class:`Piece` -- what names a wall, and one object of a scene.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from causalworld.sim.geometry import ARENA_BOUNDS, FLOOR_HEIGHT
from causalworld.sim.objects import BLOCK_LATERAL_FRICTION
from causalworld.tasks.slots import BLOCK_TYPE, FIXED_TYPE, GOAL_CUBOID_TYPE, RIGID, SILHOUETTE, Slot
from causalworld.tasks.structures.blocks import GOAL_RADIUS, LAYOUT_GAP, BlockSpec
from causalworld.tasks.structures.general_goals import random_floor_poses
from causalworld.tasks.structures.wall_goals import WALL_GAP

ROW_RADIUS = 0.18
"""Every corner of a block laid out in rows is within this distance (m) of the arena centre."""
RANDOM_RADIUS = 0.15
"""Random tool centres lie within this distance (m) of the arena centre (as in the original)."""
STACK_HEIGHT = 0.15
"""Blocks laid out in rows are stacked no higher than this (m) when the floor is full."""
WORKING_HEIGHT = ARENA_BOUNDS[1][2]
"""Top (m) of the working volume: the env refuses a goal block centred above it."""
SPLIT_PASSES = 3
"""How many times the wall generator may halve a block (``stacked_wall_goal``'s default)."""


@dataclass(frozen=True)
class WallKey:
    """The structure variables' values: they determine the blocks completely."""

    levels: int
    min_size: float
    width: float
    seed: float


@dataclass(frozen=True)
class Piece:
    """One object to create: a tool (mass > 0), a goal silhouette or a fixed obstacle."""

    name: str
    size: tuple
    position: tuple
    orientation: tuple
    color: tuple
    mass: float = 0.0
    friction: float = BLOCK_LATERAL_FRICTION
    silhouette: bool = False


@dataclass(frozen=True)
class KeepOut:
    """A box the tools must keep clear of: centre (x, y), half extents (m) and its bottom z (m).

    It only matters for blocks taller than its bottom (a fingertip above a low block does not).
    """

    x: float
    y: float
    half_x: float
    half_y: float
    bottom: float

    def blocks(self, lo: float, hi: float, y: float, half_depth: float, height: float, gap: float) -> bool:
        """Whether a block spanning [lo, hi] in x, centred at y, would come within ``gap`` of it."""
        return (height + gap > self.bottom and lo - gap < self.x + self.half_x and hi + gap > self.x - self.half_x
                and abs(y - self.y) < half_depth + self.half_y + gap)


def _row_offsets(wall_depth: float, depth: float, gap: float):
    """Distances (m) of successive row centres from the wall's centre line."""
    k = 0
    while True:
        yield wall_depth / 2 + gap + depth / 2 + k * (depth + gap)
        k += 1


def row_layout(sizes: Sequence[Sequence[float]], wall_y: float, wall_depth: float,
               keep_out: Sequence[KeepOut] = (), gap: float = LAYOUT_GAP,
               radius: float = ROW_RADIUS, max_height: float = STACK_HEIGHT) -> list[BlockSpec] | None:
    """Unrotated floor poses for blocks of the given sizes (x, y, z), or None if they do not fit.

    Rows run along x on both sides of a wall centred at ``wall_y`` that is ``wall_depth`` deep, as
    close to it as ``gap`` allows. Blocks are placed widest first; each goes to the nearest row
    (the + side first on ties) where it fits, next to the row's blocks on the side that keeps it
    nearest to x = 0. Blocks taller than a keep-out box's bottom skip past that box. When the floor
    is full, a block is centred on the lowest free top at least as wide and deep as itself (a
    stack of such blocks stands), up to ``max_height`` (m).
    """
    depth = max((s[1] for s in sizes), default=0.0)
    rows: list[tuple[int, float, float, list[float]]] = []  # (level, y, half span, [left, right])
    for level, offset in enumerate(_row_offsets(wall_depth, depth, gap)):
        added = False
        for sign in (1.0, -1.0):
            y = wall_y + sign * offset
            outer = abs(y) + depth / 2
            if outer < radius:
                rows.append((level, y, math.sqrt(radius * radius - outer * outer), []))
                added = True
        if not added:
            break
    placed: dict[int, BlockSpec] = {}
    covered: set[int] = set()
    for k in sorted(range(len(sizes)), key=lambda k: (-sizes[k][0], k)):
        w, d, h = (float(v) for v in sizes[k])
        best = None
        for r, (level, y, half, span) in enumerate(rows):
            for x in _row_candidates(span, w, half, y, d / 2, h, keep_out, gap):
                rank = (level, abs(x), r)
                if best is None or rank < best[0]:
                    best = (rank, r, x)
        if best is not None:
            _, r, x = best
            span = rows[r][3]
            span[:] = [min(span[0], x - w / 2), max(span[1], x + w / 2)] if span else [x - w / 2, x + w / 2]
            placed[k] = BlockSpec((w, d, h), (x, rows[r][1], h / 2))
        else:  # no room left on the floor: centre it on a free top at least as wide, lowest first
            tops = [j for j in placed if j not in covered and placed[j].size[0] >= w - 1e-12
                    and placed[j].size[1] >= d - 1e-12 and placed[j].position[2] + placed[j].size[2] / 2 + h
                    <= max_height and _column_clear(placed[j], w, h, keep_out, gap)]
            if not tops:
                return None
            j = min(tops, key=lambda j: (placed[j].position[2], abs(placed[j].position[0]), j))
            covered.add(j)
            x, y, z = placed[j].position
            placed[k] = BlockSpec((w, d, h), (x, y, z + placed[j].size[2] / 2 + h / 2))
    return [placed[k] for k in range(len(sizes))]


def _column_clear(below: BlockSpec, w: float, h: float, keep_out: Sequence[KeepOut], gap: float) -> bool:
    """Whether a block of width w and height h centred on top of ``below`` keeps clear of keep-outs."""
    x, y, z = below.position
    top = z + below.size[2] / 2 + h
    return not any(b.blocks(x - w / 2, x + w / 2, y, below.size[1] / 2, top, gap) for b in keep_out)


def _row_candidates(span, w, half, y, half_depth, height, keep_out, gap):
    """Feasible x (m) for a block of width w in a row: centred when empty, else beside its span."""
    starts = [(-w / 2, 1)] if not span else [(span[1] + gap, 1), (span[0] - gap - w, -1)]
    for lo, direction in starts:
        while -half <= lo and lo + w <= half:
            hit = next((b for b in keep_out if b.blocks(lo, lo + w, y, half_depth, height, gap)), None)
            if hit is None:
                yield lo + w / 2
                break
            lo = hit.x + hit.half_x + gap if direction > 0 else hit.x - hit.half_x - gap - w


def tool_layout(rng: np.random.Generator, sizes: Sequence[Sequence[float]], goals: Sequence[BlockSpec],
                keep_out: Sequence[KeepOut] = ()) -> list[BlockSpec] | None:
    """Random floor poses for tools, else rows; None if neither fits.

    First the original's poses (centre within 0.15 m, uniform yaw) clear of the goals and keep-out
    boxes (:func:`random_floor_poses`), else :func:`row_layout` along the goal wall.
    """
    tallest = max((s[2] for s in sizes), default=0.0)
    existing = list(goals) + [BlockSpec((2 * b.half_x, 2 * b.half_y, 0.01), (b.x, b.y, b.bottom + 0.005))
                              for b in keep_out if b.bottom < tallest + LAYOUT_GAP]
    try:
        return random_floor_poses(rng, [tuple(s) for s in sizes], existing=existing, max_radius=RANDOM_RADIUS)
    except ValueError:
        wall_y = goals[0].position[1] if goals else 0.0
        wall_depth = max((g.size[1] for g in goals), default=0.0)
        return row_layout(sizes, wall_y, wall_depth, keep_out)


def _pieces(width: float, min_size: float, passes: int) -> int:
    """Most blocks one level of this width becomes under the generator's halving rule."""
    if passes == 0 or width <= 2 * min_size + WALL_GAP:
        return 1
    return 2 * _pieces((width - WALL_GAP) / 2, min_size, passes - 1)


def max_wall_blocks(levels: int, min_size: float, max_level_width: float) -> int:
    """An upper bound of the blocks in a wall from ``stacked_wall_goal``.

    Given the most levels, the smallest min_size and the widest max_level_width it may get: levels
    times the pieces the widest level (no wider than the 0.15 m goal disc allows) splits into.
    """
    widest = max(min_size, min(max_level_width, 2 * GOAL_RADIUS))
    return int(levels) * _pieces(widest, min_size, SPLIT_PASSES)


def seed_sequence(levels: int, min_size: float, max_level_width: float, wall_seed: float) -> np.random.SeedSequence:
    """The generator seed of a random wall: exactly the four task-variable values (bit patterns)."""
    bits = [int(np.float64(v).view(np.uint64)) for v in (min_size, max_level_width, wall_seed)]
    return np.random.SeedSequence([int(levels), *bits])


def fits_working_volume(levels: int, min_size: float) -> bool:
    """Whether a wall's top level is centred inside the 0.3 m working volume (else the env refuses it)."""
    return (levels - 0.5) * min_size <= WORKING_HEIGHT


def round_trip(z: float) -> float:
    """The height (m) nearest ``z`` that the simulator stores and reads back exactly.

    A block's z is written as z + FLOOR_HEIGHT and read back minus FLOOR_HEIGHT; starting tools at
    such heights keeps restored states bit-identical.
    """
    return (z + FLOOR_HEIGHT) - FLOOR_HEIGHT


def wall_labels(blocks: Sequence[BlockSpec], min_size: float) -> list[str]:
    """The original's labels of a wall's blocks, ``level_{l}_num_{n}``.

    Levels are ``min_size`` high from the floor; n counts the blocks of a level in the wall's order.
    """
    labels, counts = [], {}
    for block in blocks:
        level = int(round(block.position[2] / min_size - 0.5))
        labels.append(f"level_{level}_num_{counts.get(level, 0)}")
        counts[level] = counts.get(level, 0) + 1
    return labels


def nearest_block(goal: BlockSpec, blocks: Sequence[BlockSpec]) -> int:
    """The wall block a goal silhouette stands for (the nearest centre)."""
    return int(np.argmin([np.linalg.norm(np.subtract(goal.position, b.position)) for b in blocks]))


def wall_slots(pairs: int, obstacles: int) -> list[Slot]:
    """Observation slots of a wall family: pairs ``tool_k``, ``goal_k`` (k from 0), then ``obstacle_k``.

    Each tool is followed by its goal (the original's order), or by an empty goal slot where its
    level has none (creative_stacked_blocks' middle levels).
    """
    cube = ((0.01,) * 3, (0.01,) * 3)
    return [slot for k in range(pairs) for slot in (
        Slot(f"tool_{k}", RIGID, BLOCK_TYPE, optional=True),
        Slot(f"goal_{k}", SILHOUETTE, GOAL_CUBOID_TYPE, optional=True))] + [
        Slot(f"obstacle_{k}", SILHOUETTE, FIXED_TYPE, optional=True, size_range=cube) for k in range(obstacles)]


def wall_slot_objects(objects: Sequence[str], pairs: int, obstacles: int) -> list[str | None]:
    """The object of each :func:`wall_slots` slot: tools in creation order, each with its goal, then obstacles."""
    present = set(objects)
    tools = [name for name in objects if name.startswith("tool_")]
    out: list[str | None] = []
    for k in range(pairs):
        goal = f"goal_{tools[k][5:]}" if k < len(tools) else None
        out += [tools[k] if k < len(tools) else None, goal if goal in present else None]
    return out + [f"obstacle_{k}" if f"obstacle_{k}" in present else None for k in range(obstacles)]


TOOL_PHYSICS = {"maximal_coordinates": True, "friction_anchor": True}
"""How the tool blocks are simulated (the same rigid bodies, masses, frictions and damping).

* ``friction_anchor``: a contact that sticks keeps its anchor point, so static friction holds it in
  place up to the friction limit (mu times the normal force), as real static friction does. Without
  anchors, Bullet's iterative solver lets resting contacts slip a little every step and walls creep
  apart (a standing wall left alone: the default wall's farthest block moved 181 mm in 60 s at 50
  solver iterations, 7 mm at 200). With anchors at 50 iterations a wall settles in its first
  second (default wall 0.14 mm; worst of 20 sampled walls 1.8 mm, an 8-block column) and then
  stays: under 0.01 mm more in the next 58 s.
  A sticking anchor keeps the friction coefficient it was made with, so an intervention that
  changes a friction rebuilds the tools' contacts from the new state (``reset_reward_state``): the
  new friction acts at the next step, as it does without anchors.
* ``maximal_coordinates``: each block is a Bullet rigid body rather than a one-link multibody. For
  a free body the two are the same equations of motion; the rigid-body contact solver is cheaper
  (about 1.6x faster random play on the default scene). The damping is set to match (see
  :data:`~causalworld.sim.objects.RIGID_BODY_DAMPING`).

Together they let the stacked families run at Bullet's default 50 solver iterations, which made
random play 4.3-4.9x faster than the former 200 iterations (measured back to back, both families).
"""
