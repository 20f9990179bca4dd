"""Geometry and physical constants of the TriFinger Edu robot and its arena.

Units are metres, kilograms, radians and seconds. Frames: world z points up; the table top
("floor") lies at world z = ``FLOOR_HEIGHT``. Every position the public API reports is measured
from the floor top, i.e. ``world_z - FLOOR_HEIGHT``.

These numbers describe the open-source TriFinger Edu platform; the robot and arena
descriptions in ``assets/`` are generated from them by ``assets/generate.py``.
"""

from __future__ import annotations

import math

from causalworld.spatial.coordinates import FLOOR_HEIGHT  # noqa: F401 - the arena's floor top (world z, m)

TRIFINGER_BASE_HEIGHT = 0.34
"""World z of the ``trifinger_base`` frame at the default robot height (m)."""

TRIFINGER_BASE_YAW = -math.pi / 2
"""Yaw of the ``trifinger_base`` frame in the world (rad)."""

FINGER_NAMES = ("60", "120", "300")
"""API names of the three fingers, in joint order (URDF fingers 0, 120, 240)."""

FINGER_MOUNTS = (
    ((-0.0455, 0.0, 0.0), 0.0),
    ((0.02275, 0.0394041558722, 0.0), -2.0 * math.pi / 3.0),
    ((0.02275, -0.0394041558722, 0.0), -4.0 * math.pi / 3.0),
)
"""Per finger: translation (m) and yaw (rad) of the finger base in the trifinger_base frame."""

UPPER_TO_MIDDLE = (0.0, -0.014, 0.0)
"""Origin of the middle joint in the upper-link frame (m)."""
MIDDLE_TO_LOWER = (0.0, -0.03745, -0.16)
"""Origin of the lower joint in the middle-link frame (m)."""
LOWER_TO_TIP = (0.0, -0.008, -0.16)
"""Origin of the fingertip in the lower-link frame (m)."""

URDF_JOINT_LOWER = (-math.pi / 2, -math.pi / 2, -math.pi)
"""Hard joint limits (rad) of upper, middle and lower joints."""
URDF_JOINT_UPPER = (math.pi / 2, math.pi / 2, math.pi)

JOINT_LOWER = (-1.57, -1.2, -3.0) * 3
"""Joint-position bounds the benchmark uses for actions and observations (rad), 9 values."""
JOINT_UPPER = (1.0, 1.57, 3.0) * 3

REST_POSE = (0.0, math.pi / 4, -math.pi / 4) * 3
"""Default starting joint positions (rad)."""
RAISED_POSE = (-1.56, -0.08, -2.7) * 3
"""Fingers folded up, out of the arena (rad)."""

TIP_RADIUS = 0.0095
"""Radius of the round fingertip (m)."""
SHAFT_RADIUS = 0.01025
SHAFT_BOTTOM_Z = -0.155
SHAFT_TOP_Z = 0.014
"""The lower link's shaft (link frame, m): a round rod of radius SHAFT_RADIUS around the fingertip's
axis, its rounded lower end centred at SHAFT_BOTTOM_Z (5 mm above the fingertip centre), reaching up to
SHAFT_TOP_Z at the joint. The real link widens from the fingertip's 9.5 mm at the tip centre to 11 mm
15 mm above it (then to 14 mm at the joint); this rod follows that band within 0.8 mm with
near-horizontal surface normals, where fingers touch blocks. The lower link collides as this shaft;
the fingertip ball (TIP_RADIUS plus the margin) collides as the tip link."""
COLLISION_MARGIN = 0.001
"""Skin (m) by which the robot's collision surface lies outside its link geometry.

The original's links collide as convex hulls, which Bullet pads with a 1 mm margin: contact points
on its fingertips lie 10.5 mm from the tip centre, not 9.5 mm. Our collision primitives include it."""
FINGERTIP_SPINNING_FRICTION = 0.001
"""Spinning (torsional) friction coefficient (m) of the fingertip balls and the lower links' shafts.

The original's fingertip is a faceted hull: its contact with a block face keeps up to four points a
few millimetres apart, which resist twisting. Our round fingertip touches in one point and would
let a gripped block creep round; this coefficient (Bullet multiplies it by the other body's
lateral friction) holds it as the original does. See ``docs/physics.md``."""

# Inertial data per link: mass (kg), centre of mass in the link frame (m),
# inertia (ixx, iyy, izz, ixy, ixz, iyz) in kg m^2 about the centre of mass.
LINK_INERTIALS = {
    "base": (1.0, (-0.1, 0.0, 0.4), (0.0608333, 0.0566667, 0.0108333, 0.0, 0.0, 0.0)),
    "upper": (0.14854, (-0.079, 0.0, 0.0), (3e-5, 4.1e-4, 4.1e-4, 5e-5, 0.0, 0.0)),
    "middle": (0.14854, (0.0, -0.019, -0.079), (4.1e-4, 4.1e-4, 3e-5, 0.0, 0.0, 5e-5)),
    "lower": (0.0307, (0.0, -0.009, -0.089), (1.2e-4, 1.2e-4, 0.0, 0.0, 0.0, 0.0)),
    "tip": (0.01, (0.0, 0.0, 0.0), (1.6667e-7, 1.6667e-7, 1.6667e-7, 0.0, 0.0, 0.0)),
}

SIMULATED_PRINCIPAL_INERTIA = {
    "upper": (9.430364102234327e-05, 5.744229835451892e-04, 6.043567742365833e-04),
    "middle": (5.93485034547628e-04, 5.635801884731324e-04, 9.279073818387317e-05),
    "lower": (9.385362607310294e-05, 9.482210567569428e-05, 4.941088907516983e-06),
}
"""Principal moments of inertia (kg m^2) the original simulates for the moving links.

The original's description declares the ``LINK_INERTIALS`` tensors, but every reset sets each
link's mass again, and Bullet then replaces the principal moments by those of a uniform box filling
a box that bounds the link's collision shape (its principal axes stay those of the declared tensor). These are
the moments its simulation runs with, read with ``getDynamicsInfo`` after a reset; we apply them to
the same principal axes. See ``docs/physics.md``."""

# Arena.
TABLE_SIZE = (0.71, 0.76, 0.01)
"""Table slab extents (m); its top is at ``FLOOR_HEIGHT``."""
TABLE_CORNER_RADIUS = 0.01
TABLE_CORNER_POINTS = 4
"""The table collides as a convex hull, as the original's table mesh does: a slab of ``TABLE_SIZE``
whose vertical corners are rounded with this radius (m), each arc drawn through this many points
(every 30 degrees), the original mesh's outline. With the hull's 1 mm collision margin its top is at
``FLOOR_HEIGHT``. Bullet meets a hull with one new contact point per step, so a block resting on it
stands on three points as in the original (a box table gives its four corners at once); see
``docs/physics.md`` and ``benchmarks/resting_contacts.py``."""
TABLE_TOP_FRAME_Z = FLOOR_HEIGHT - COLLISION_MARGIN
"""World z (m) of the table body's frame: the hull's top face, as the original placed its table mesh."""
WALL_INNER_RADIUS = 0.2442
"""Distance from the arena centre to the inside of the round wall (m)."""
WALL_THICKNESS = 0.01
"""Collision thickness of the wall (m), thicker than the real 0.8 mm so nothing tunnels."""
WALL_HEIGHT = 0.25
WALL_SEGMENTS = 36
"""The round wall is a ring of this many flat boxes."""


def table_hull_vertices() -> list[tuple[float, float, float]]:
    """Vertices of the table's collision hull (m, in the table body's frame).

    The frame's origin is at world z ``TABLE_TOP_FRAME_Z``; the rounded outline is at the top (z = 0)
    and at the bottom (z = -thickness).
    """
    hx, hy = TABLE_SIZE[0] / 2 - TABLE_CORNER_RADIUS, TABLE_SIZE[1] / 2 - TABLE_CORNER_RADIUS
    outline = []
    for corner, (cx, cy) in enumerate(((hx, hy), (-hx, hy), (-hx, -hy), (hx, -hy))):
        for k in range(TABLE_CORNER_POINTS):
            angle = (corner + k / (TABLE_CORNER_POINTS - 1)) * math.pi / 2
            outline.append((cx + TABLE_CORNER_RADIUS * math.cos(angle), cy + TABLE_CORNER_RADIUS * math.sin(angle)))
    return [(x, y, z) for z in (-TABLE_SIZE[2], 0.0) for x, y in outline]


def wall_segments() -> list[tuple[tuple[float, float, float], float, tuple[float, float, float]]]:
    """The round wall's boxes: centre (m, world frame), yaw (rad) and half extents (m) of each.

    Their inner faces lie WALL_INNER_RADIUS from the arena's axis; they stand on the floor.
    """
    n = WALL_SEGMENTS
    side = 2.0 * (WALL_INNER_RADIUS + WALL_THICKNESS) * math.tan(math.pi / n)
    radius = WALL_INNER_RADIUS + WALL_THICKNESS / 2
    z = FLOOR_HEIGHT + WALL_HEIGHT / 2
    half = (WALL_THICKNESS / 2, side / 2, WALL_HEIGHT / 2)
    return [((radius * math.cos(a), radius * math.sin(a), z), a, half) for a in (2 * math.pi * k / n for k in range(n))]

FLOOR_COLOR = (0.31, 0.27, 0.25)
STAGE_COLOR = (0.95, 0.95, 0.95)
FINGER_COLORS = ((0.6, 0.0, 0.0), (0.0, 0.6, 0.0), (0.0, 0.0, 0.6))
"""Default link colours of fingers 60, 120 and 300 (RGB in [0, 1])."""

ARENA_BOUNDS = ((-0.15, -0.15, 0.0), (0.15, 0.15, 0.3))
"""Working volume for feasibility checks (m, z from the floor top)."""
