"""Tool blocks on the floor and the general family's goal (a pile of dropped cubes).

Units are metres. Positions are block centres in the world frame with z measured from the floor top
(world z - ``FLOOR_HEIGHT``); orientations are unit quaternions (x, y, z, w); sizes are full edge
lengths. Randomness comes only from the :class:`numpy.random.Generator` passed in.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from causalworld.sim.stage import Stage
from causalworld.sim.world import World
from causalworld.spatial import quaternion_matrix, random_quaternion, yaw_quaternion
from causalworld.tasks.structures.blocks import (
    _EPS,
    ARENA_RADIUS,
    LAYOUT_GAP,
    BlockSpec,
    _generator,
    _integer,
    _non_negative,
    _positive,
    _size3,
    block_corners,
)

DEFAULT_DROP_POINTS = (
    (0.1, 0.1, 0.2), (0.0, 0.0, 0.2), (0.05, 0.05, 0.3), (-0.05, -0.05, 0.1),
    (-0.12, -0.12, 0.2), (-0.12, 0.12, 0.2), (0.12, -0.10, 0.3), (0.09, -0.08, 0.1),
)
"""The original's drop points (m, z from the floor top) of the general goal, used in turn."""
DROP_XY_LIMIT = 0.11
"""Random drop points have |x|, |y| <= this (m): the arena's +-0.15 m shrunk by 0.04 m."""
DROP_Z_MAX = 0.22
"""Random drop heights are uniform in [block size, DROP_Z_MAX] (m)."""
DROP_SETTLE_STEPS = 200
"""Physics steps (of 1/250 s: 0.8 s) simulated after each drop."""
FINAL_SETTLE_STEPS = 250
"""At most this many extra steps after the last drop, until every block is at rest."""
REST_SPEED, REST_SPIN = 1e-3, 1e-2
"""Below these linear (m/s) and angular (rad/s) speeds a block counts as at rest."""
DROP_CLEARANCE, DROP_LIFT = 0.002, 0.005
"""A drop pose closer than DROP_CLEARANCE (m) to a resting block is raised by DROP_LIFT (m) steps."""


# -- geometry -------------------------------------------------------------------------------------
def max_corner_radius(spec: BlockSpec) -> float:
    """Largest horizontal distance (m) from the arena centre (x = y = 0) to a corner of the block."""
    corners = block_corners(spec)
    return float(np.hypot(corners[:, 0], corners[:, 1]).max())


def footprint(spec: BlockSpec) -> list[tuple[float, float]]:
    """Convex polygon (x, y) in counter-clockwise order: the block's shadow on the floor (m)."""
    points = sorted({(round(float(x), 12), round(float(y), 12)) for x, y, _ in block_corners(spec)})

    def half(seq: list[tuple[float, float]]) -> list[tuple[float, float]]:
        hull: list[tuple[float, float]] = []
        for p in seq:
            while len(hull) >= 2 and (
                (hull[-1][0] - hull[-2][0]) * (p[1] - hull[-2][1])
                - (hull[-1][1] - hull[-2][1]) * (p[0] - hull[-2][0])
            ) <= 0:
                hull.pop()
            hull.append(p)
        return hull

    lower, upper = half(points), half(points[::-1])
    return lower[:-1] + upper[:-1]


def polygons_overlap(a: Sequence[tuple[float, float]], b: Sequence[tuple[float, float]],
                     clearance: float = 0.0) -> bool:
    """Whether two convex polygons (x, y in m) come closer than ``clearance`` (m).

    Separating-axis test: they do unless some edge normal separates them by at least ``clearance``,
    i.e. they overlap once each is grown by clearance/2.
    """
    for poly in (a, b):
        for k in range(len(poly)):
            (x0, y0), (x1, y1) = poly[k], poly[(k + 1) % len(poly)]
            nx, ny = y0 - y1, x1 - x0
            norm = math.hypot(nx, ny)
            if norm < _EPS:
                continue
            pa = [(x * nx + y * ny) / norm for x, y in a]
            pb = [(x * nx + y * ny) / norm for x, y in b]
            if min(pb) - max(pa) >= clearance - _EPS or min(pa) - max(pb) >= clearance - _EPS:
                return False
    return True


# -- tool blocks on the floor ---------------------------------------------------------------------
def random_floor_poses(rng: np.random.Generator, sizes: Sequence[float | Sequence[float]],
                       existing: Sequence[BlockSpec] = (), max_radius: float = 0.15, retries: int = 10,
                       clearance: float = LAYOUT_GAP, attempts_per_block: int = 200) -> list[BlockSpec]:
    """Random non-overlapping poses on the floor for tool blocks.

    Each block gets a centre uniform by area in the disc of radius ``max_radius``, z = size_z / 2
    and a uniform random yaw. A draw is rejected when a corner leaves the arena (radius >= 0.2 m)
    or its floor shadow comes closer than ``clearance`` to an already placed block or to the floor
    shadow of an ``existing`` block (exact separating-axis test on the convex shadows, whatever the
    existing block's height). Blocks are placed largest footprint first; after
    ``attempts_per_block`` rejected draws for one block, the whole placement restarts, at most
    ``retries`` times.

    Args:
        rng: source of all randomness.
        sizes: full edge lengths (m) per block: one number for a cube, or (x, y, z).
        existing: blocks already in the arena to keep clear of.
        max_radius: largest polar radius (m) of a centre, in (0, 0.2).
        retries: number of full placement attempts (integer in [1, 1000]).
        clearance: minimum gap (m, >= 0) between footprints.
        attempts_per_block: draws per block before a restart (integer in [1, 100000]).

    Returns:
        One spec per size, in the order of ``sizes``, orientation a pure yaw (x, y, z, w).

    Raises:
        ValueError: on invalid arguments, or when no placement was found (too many or too large
            blocks for the disc).
    """
    func = "random_floor_poses"
    rng = _generator(func, rng)
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__iter__"):
        raise ValueError(f"{func}: sizes must be a sequence of block sizes, got {sizes!r}")
    dims = [_size3(func, f"sizes[{k}]", s) for k, s in enumerate(sizes)]
    if not isinstance(existing, (list, tuple)) or not all(isinstance(b, BlockSpec) for b in existing):
        raise ValueError(f"{func}: existing must be BlockSpec instances, got {existing!r}")
    max_radius = _positive(func, "max_radius", max_radius)
    if max_radius >= ARENA_RADIUS:
        raise ValueError(f"{func}: max_radius must be < {ARENA_RADIUS} m, got {max_radius!r}")
    retries = _integer(func, "retries", retries, 1, 1000)
    attempts_per_block = _integer(func, "attempts_per_block", attempts_per_block, 1, 100000)
    clearance = _non_negative(func, "clearance", clearance)
    fixed = []
    for b in existing:
        poly = footprint(b)
        fixed.append((poly, b.position[0], b.position[1],
                       max(math.hypot(px - b.position[0], py - b.position[1]) for px, py in poly)))
    order = sorted(range(len(dims)), key=lambda k: (-dims[k][0] * dims[k][1], k))
    for _ in range(retries):
        shapes, placed = list(fixed), {}
        for k in order:
            hx, hy, hz = (v / 2 for v in dims[k])
            reach = math.hypot(hx, hy)
            for _ in range(attempts_per_block):
                r = max_radius * math.sqrt(rng.uniform())
                phi, yaw = rng.uniform(-math.pi, math.pi, size=2)
                x, y, c, s = r * math.cos(phi), r * math.sin(phi), math.cos(yaw), math.sin(yaw)
                poly = [(x + c * u - s * v, y + s * u + c * v)
                        for u, v in ((-hx, -hy), (hx, -hy), (hx, hy), (-hx, hy))]
                if max(math.hypot(px, py) for px, py in poly) >= ARENA_RADIUS - _EPS:
                    continue
                if any(math.hypot(x - ox, y - oy) < reach + orad + clearance
                       and polygons_overlap(poly, opoly, clearance) for opoly, ox, oy, orad in shapes):
                    continue
                shapes.append((poly, x, y, reach))
                placed[k] = BlockSpec(dims[k], (x, y, hz), yaw_quaternion(float(yaw)))
                break
            else:
                break
        if len(placed) == len(dims):
            return [placed[k] for k in range(len(dims))]
    largest = max(dims, key=lambda d: d[0] * d[1])
    raise ValueError(f"{func}: found no non-overlapping floor poses for {len(dims)} blocks "
                     f"(largest {largest} m) "
                     f"with clearance {clearance} m, centres within radius {max_radius} m, after {retries} "
                     "retries; use fewer or smaller blocks, or a smaller clearance")


def boxes_overlap(a: BlockSpec, b: BlockSpec, clearance: float = 0.0) -> bool:
    """Whether two oriented boxes come closer than ``clearance`` (m) (3D separating-axis test)."""
    rot_a, rot_b = quaternion_matrix(a.orientation), quaternion_matrix(b.orientation)
    half_a = np.asarray(a.size) / 2 + clearance / 2
    half_b = np.asarray(b.size) / 2 + clearance / 2
    offset = np.asarray(b.position) - np.asarray(a.position)
    axes = [rot_a[:, i] for i in range(3)] + [rot_b[:, j] for j in range(3)]
    axes += [np.cross(rot_a[:, i], rot_b[:, j]) for i in range(3) for j in range(3)]
    for axis in axes:
        norm = np.linalg.norm(axis)
        if norm < 1e-9:
            continue
        axis = axis / norm
        reach = half_a @ np.abs(rot_a.T @ axis) + half_b @ np.abs(rot_b.T @ axis)
        if abs(offset @ axis) > reach:
            return False
    return True


def _drop_poses(rng: np.random.Generator | None, count: int, size: float) -> list[tuple[tuple, tuple]]:
    """(position (m, z from the floor top), quaternion xyzw) of each drop; see general_goal."""
    if rng is None:
        points = DEFAULT_DROP_POINTS
        return [(points[k % len(points)], (0.0, 0.0, 0.0, 1.0)) for k in range(count)]
    poses = []
    for _ in range(count):
        x, y = rng.uniform(-DROP_XY_LIMIT, DROP_XY_LIMIT, size=2)
        z = rng.uniform(size, DROP_Z_MAX)
        poses.append(((float(x), float(y), float(z)), random_quaternion(rng)))
    return poses


def general_goal(rng: np.random.Generator | None, count: int = 5, block_size: float = 0.05,
                 client_factory: Callable[[], World] = World, mass: float = 0.08) -> list[BlockSpec]:
    """The general task's goal: where ``count`` cubes come to rest when dropped one by one.

    A scratch world (``client_factory()``, plus a :class:`Stage` with table and wall, no robot) is
    created and always closed before returning, also on error. Each cube is dropped at its drop
    pose, then 0.8 s (200 steps of 1/250 s) is simulated; after the last one, up to 250 more steps
    until every cube is at rest. A drop pose that would intersect a resting cube is raised in
    5 mm steps until clear. Deterministic for the same inputs.

    Args:
        rng: None for the original's drop points (:data:`DEFAULT_DROP_POINTS`, cycled if count > 8)
            with unrotated cubes; otherwise drop points with x, y uniform in [-0.11, 0.11] m, z
            uniform in [block_size, 0.22] m and a uniform random orientation, drawn from ``rng``.
        count: number of cubes (integer in [1, 30]).
        block_size: cube edge (m, in [0.01, 0.1]).
        client_factory: makes the scratch :class:`World` (one PyBullet client).
        mass: mass of each cube (kg, > 0).

    Returns:
        The resting poses, in drop order: size (block_size,) * 3, position (m, z from the floor
        top), orientation quaternion (x, y, z, w) with w >= 0.

    Raises:
        ValueError: on invalid arguments.
    """
    func = "general_goal"
    if rng is not None:
        rng = _generator(func, rng)
    count = _integer(func, "count", count, 1, 30)
    size = _positive(func, "block_size", block_size)
    if not 0.01 <= size <= 0.1:
        raise ValueError(f"{func}: block_size must be in [0.01, 0.1] m, got {block_size!r}")
    mass = _positive(func, "mass", mass)
    if not callable(client_factory):
        raise ValueError(f"{func}: client_factory must be callable returning a World, got {client_factory!r}")
    cube = (size, size, size)
    drops = _drop_poses(rng, count, size)
    world = client_factory()
    try:
        stage = Stage(world.client)
        blocks = []
        for k, (position, orientation) in enumerate(drops):
            resting = [BlockSpec(cube, s.position, s.orientation) for s in (b.read_state() for b in blocks)]
            x, y, z = position
            while any(boxes_overlap(BlockSpec(cube, (x, y, z), orientation), r, DROP_CLEARANCE)
                      for r in resting):
                z += DROP_LIFT
            blocks.append(stage.add_block(f"general_goal_{k}", size=cube, position=(x, y, z),
                                          orientation=orientation, mass=mass))
            for _ in range(DROP_SETTLE_STEPS):
                world.step()
        for _ in range(FINAL_SETTLE_STEPS):
            states = [b.read_state() for b in blocks]
            if all(np.linalg.norm(s.linear_velocity) < REST_SPEED
                   and np.linalg.norm(s.angular_velocity) < REST_SPIN for s in states):
                break
            world.step()
        result = []
        for state in (b.read_state() for b in blocks):
            q = np.asarray(state.orientation, dtype=float)
            q = q / np.linalg.norm(q) * (1.0 if q[3] >= 0 else -1.0)
            position = tuple(float(v) for v in state.position)
            result.append(BlockSpec(cube, position, tuple(float(v) for v in q)))  # type: ignore[arg-type]
        return result
    finally:
        world.close()
