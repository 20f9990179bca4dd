"""Spatial maths as causalworld (and the original benchmark) uses it: rotations, positions, box hulls.

The lowest layer (with :mod:`causalworld.files`): plain functions on numbers, no simulator. Every
module that converts rotations or coordinates imports them from here, so there is one implementation.

* :mod:`~causalworld.spatial.rotations`: quaternions ``(x, y, z, w)``, rotation vectors, Euler angles.
* :mod:`~causalworld.spatial.coordinates`: the world frame with z from the floor top, cylindrical
  coordinates ``(r, phi, z)``.
* :mod:`~causalworld.spatial.hulls`: axis-aligned hulls of oriented boxes and their volumetric overlap.
"""

from causalworld.spatial.coordinates import (
    FLOOR_HEIGHT,
    cartesian_to_cylindrical,
    cylindrical_to_cartesian,
    from_world,
    to_world,
)
from causalworld.spatial.hulls import box_hull, box_hulls, hull_overlap, volumetric_overlap
from causalworld.spatial.rotations import (
    IDENTITY,
    euler_to_quaternion,
    orientation_error,
    quaternion_conjugate,
    quaternion_matrix,
    quaternion_multiply,
    quaternion_to_euler,
    quaternion_to_rotation_vector,
    random_quaternion,
    rotate,
    rotation_vector_to_quaternion,
    wrap_angle,
    yaw_quaternion,
)

__all__ = [
    "FLOOR_HEIGHT", "IDENTITY", "box_hull", "box_hulls", "cartesian_to_cylindrical", "cylindrical_to_cartesian",
    "euler_to_quaternion", "from_world", "hull_overlap", "orientation_error", "quaternion_conjugate",
    "quaternion_matrix", "quaternion_multiply", "quaternion_to_euler", "quaternion_to_rotation_vector",
    "random_quaternion", "rotate", "rotation_vector_to_quaternion", "to_world", "volumetric_overlap", "wrap_angle",
    "yaw_quaternion",
]
