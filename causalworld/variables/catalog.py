"""Build the causal variables of a scene: robot, stage and every task object.

Bounds follow the original benchmark's spaces A and B, and the spaces list exactly the variables
the original's do (``in_spaces``). The variables the original left without a space -- joint
velocities, robot height, gravity, object friction, object velocities, cartesian positions and
quaternions -- are settable and have the documented ranges here, used for bounds checks and listed
in the spaces only when the env is built with ``extended_spaces=True``: velocities use the
observation bounds (the same in A and B); object friction A [0.6, 1.0], B [1.0, 1.4]; gravity z
A [-10, -9], B [-11, -10]; robot height A [0.32, 0.34], B [0.34, 0.36] m (the TriFinger Edu's; each
robot's ranges are in its spec, :mod:`causalworld.sim.robots`). Cartesian positions and
quaternions are checked through their cylindrical and rotation-vector forms.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from causalworld.sim import geometry as g
from causalworld.sim.objects import Block, Silhouette
from causalworld.sim.robot import LINK_PARTS, TriFinger
from causalworld.sim.robots import TRIFINGER_EDU, RobotSpec
from causalworld.sim.stage import Stage
from causalworld.sim.world import World
from causalworld.spatial import (
    cartesian_to_cylindrical,
    cylindrical_to_cartesian,
    quaternion_to_rotation_vector,
    rotation_vector_to_quaternion,
)
from causalworld.variables import DYNAMIC, GEOMETRY, Bounds, CausalVariable, VariableRegistry, VariableSpace, as_bounds
from causalworld.variables.limits import ANGULAR_VELOCITY_BOUNDS, LINEAR_VELOCITY_BOUNDS

PI = math.pi
def robot_spaces(robot: RobotSpec) -> dict[str, tuple[Bounds, Bounds]]:
    """(space A, space B) bounds of the variables whose ranges are the robot's: joints and height."""
    speed = robot.max_joint_velocity
    return {
        "joint_positions": tuple(as_bounds(low, high) for low, high in robot.joint_position_spaces),
        "joint_velocities": (as_bounds([-speed] * 9, [speed] * 9),) * 2,
        "robot_height": tuple(as_bounds(low, high) for low, high in robot.height_spaces),
    }


SPACES = {
    **robot_spaces(TRIFINGER_EDU),
    "link_color": (as_bounds([0.0] * 3, [0.5] * 3), as_bounds([0.5] * 3, [1.0] * 3)),
    "link_mass": (as_bounds(0.015, 0.045), as_bounds(0.045, 0.1)),
    "floor_color": (as_bounds([0.5] * 3, [1.0] * 3), as_bounds([0.0] * 3, [0.5] * 3)),
    "stage_color": (as_bounds([0.0] * 3, [0.5] * 3), as_bounds([0.5] * 3, [1.0] * 3)),
    "floor_friction": (as_bounds(0.3, 0.6), as_bounds(0.6, 0.8)),
    "stage_friction": (as_bounds(0.3, 0.6), as_bounds(0.6, 0.8)),
    "gravity": (as_bounds((0.0, 0.0, -10.0), (0.0, 0.0, -9.0)), as_bounds((0.0, 0.0, -11.0), (0.0, 0.0, -10.0))),
    "euler_orientation": (as_bounds((0.0, 0.0, -PI), (0.0, 0.0, PI)),) * 2,
    "size": (as_bounds([0.055] * 3, [0.075] * 3), as_bounds([0.075] * 3, [0.095] * 3)),
    "color": (as_bounds([0.5] * 3, [1.0] * 3), as_bounds([0.0] * 3, [0.5] * 3)),
    "mass": (as_bounds(0.015, 0.045), as_bounds(0.045, 0.1)),
    "friction": (as_bounds(0.6, 1.0), as_bounds(1.0, 1.4)),
    "linear_velocity": (as_bounds([LINEAR_VELOCITY_BOUNDS[0]] * 3, [LINEAR_VELOCITY_BOUNDS[1]] * 3),) * 2,
    "angular_velocity": (as_bounds([ANGULAR_VELOCITY_BOUNDS[0]] * 3, [ANGULAR_VELOCITY_BOUNDS[1]] * 3),) * 2,
}
"""Generic (space A, space B) bounds by variable or attribute name (the robot's for the TriFinger Edu)."""

CYLINDRICAL_A = ((0.0, -PI, None), (0.11, PI, 0.15))
CYLINDRICAL_B = ((0.11, -PI, None), (0.15, PI, 0.3))
"""Generic cylindrical (r, phi, z) bounds; a None low z means half the object's height."""


def cylindrical_bounds(obj: Block | Silhouette, space: VariableSpace) -> Bounds:
    """Generic cylindrical-position bounds of an object, z starting at half its height."""
    half_height = obj.size[2] / 2

    def resolve(bounds):
        low, high = bounds
        return as_bounds([half_height if v is None else v for v in low], high)

    a, b = resolve(CYLINDRICAL_A), resolve(CYLINDRICAL_B)
    if space is VariableSpace.A:
        return a
    if space is VariableSpace.B:
        return b
    return np.minimum(a[0], b[0]), np.maximum(a[1], b[1])


def robot_variables(robot: TriFinger, registry: VariableRegistry) -> None:
    """joint_positions, joint_velocities, robot_height and the 12 links' colour and mass.

    Joint and height ranges are the robot's (:func:`robot_spaces`); link colours and masses have the
    benchmark's ranges whatever the robot.
    """
    spaces = {**SPACES, **robot_spaces(robot.spec)}
    registry.add(
        CausalVariable(
            "joint_positions",
            (9,),
            "rad",
            "joint angles, fingers 60/120/300 x upper/middle/lower",
            lambda: robot.read_joints()[0],
            lambda v: robot.set_joints(v, robot.read_joints()[1]),
            *spaces["joint_positions"],
            kind=DYNAMIC,
        )
    )
    registry.add(
        CausalVariable(
            "joint_velocities",
            (9,),
            "rad/s",
            "joint velocities",
            lambda: robot.read_joints()[1],
            lambda v: robot.set_joints(robot.read_joints()[0], v),
            *spaces["joint_velocities"],
            kind=DYNAMIC,
            in_spaces=False,
        )
    )
    registry.add(
        CausalVariable(
            "robot_height",
            (),
            "m",
            "world z of the robot's base frame (moves the whole robot)",
            lambda: robot.height,
            lambda v: robot.set_height(float(v)),
            *spaces["robot_height"],
            in_spaces=False,
        )
    )
    for finger in g.FINGER_NAMES:
        for link, part in enumerate(LINK_PARTS):
            prefix = f"robot_finger_{finger}_link_{link}"
            key = (finger, link)
            registry.add(
                CausalVariable(
                    f"{prefix}.color",
                    (3,),
                    "RGB in [0, 1]",
                    f"colour of finger {finger}'s {part} link",
                    lambda k=key: robot.link_colors[k],
                    lambda v, f=finger, n=link: robot.set_link_color(f, n, v),
                    *SPACES["link_color"],
                )
            )
            registry.add(
                CausalVariable(
                    f"{prefix}.mass",
                    (),
                    "kg",
                    f"mass of finger {finger}'s {part} link",
                    lambda f=finger, n=link: robot.link_mass(f, n),
                    lambda v, f=finger, n=link: robot.set_link_mass(f, n, float(v)),
                    *SPACES["link_mass"],
                )
            )


def stage_variables(stage: Stage, world: World, registry: VariableRegistry) -> None:
    """Floor and stage colour and friction, and gravity."""
    for name, getter, setter, units in (
        ("floor_color", lambda: stage.floor_color, stage.set_floor_color, "RGB in [0, 1]"),
        ("stage_color", lambda: stage.stage_color, stage.set_stage_color, "RGB in [0, 1]"),
        ("floor_friction", lambda: stage.floor_friction, lambda v: stage.set_floor_friction(float(v)), "-"),
        ("stage_friction", lambda: stage.stage_friction, lambda v: stage.set_stage_friction(float(v)), "-"),
        ("gravity", lambda: world.gravity, world.set_gravity, "m/s^2, world frame"),
    ):
        shape = (3,) if name in ("floor_color", "stage_color", "gravity") else ()
        registry.add(CausalVariable(name, shape, units, name.replace("_", " "), getter, setter, *SPACES[name],
                                    in_spaces=name != "gravity"))


def _pose_getters(obj: Block | Silhouette) -> tuple[Callable, Callable]:
    if isinstance(obj, Block) and obj.is_movable:
        return (lambda: obj.read_state().position), (lambda: obj.read_state().orientation)
    return (lambda: obj.position), (lambda: obj.orientation)


def object_variables(obj: Block | Silhouette, stage: Stage, registry: VariableRegistry) -> None:
    """The variables of one block or silhouette, named ``<object>.<attribute>``."""
    name = obj.name
    registry.object_names.add(name)
    get_position, get_orientation = _pose_getters(obj)

    def set_position(value):
        if isinstance(obj, Block):
            state = obj.read_state()
            obj.set_state(value, state.orientation, state.linear_velocity, state.angular_velocity)
        else:
            obj.set_pose(value, obj.orientation)

    def set_orientation(value):
        if isinstance(obj, Block):
            state = obj.read_state()
            obj.set_state(state.position, value, state.linear_velocity, state.angular_velocity)
        else:
            obj.set_pose(obj.position, value)

    registry.position_bounds[name] = lambda space: cylindrical_bounds(obj, space)

    def position_bounds(space):
        return registry.position_bounds[name](space)

    def cylindrical_contains(value, space):
        low, high = position_bounds(space)
        return bool(np.all(value >= low - 1e-9) and np.all(value <= high + 1e-9))

    registry.add(CausalVariable(f"{name}.type", (), "id", "object type id", lambda: obj.type_id, None))
    registry.add(
        CausalVariable(
            f"{name}.cartesian_position",
            (3,),
            "m, z from the floor top",
            "position of the centre",
            get_position,
            set_position,
            kind=DYNAMIC,
            bounds_fn=lambda s: _cartesian_hull(position_bounds(s)),
            contains_fn=lambda v, s: cylindrical_contains(np.array(cartesian_to_cylindrical(*v)), s),
            in_spaces=False,
        )
    )
    registry.add(
        CausalVariable(
            f"{name}.cylindrical_position",
            (3,),
            "(m, rad, m)",
            "position as (r, phi, z)",
            lambda: cartesian_to_cylindrical(*get_position()),
            lambda v: set_position(cylindrical_to_cartesian(*v)),
            kind=DYNAMIC,
            canonical=False,
            bounds_fn=position_bounds,
            contains_fn=lambda v, s: cylindrical_contains(
                np.array(cartesian_to_cylindrical(*cylindrical_to_cartesian(*v))), s
            ),
        )
    )
    registry.add(
        CausalVariable(
            f"{name}.color", (3,), "RGB in [0, 1]", "colour", lambda: obj.color, obj.set_color, *SPACES["color"]
        )
    )
    euler_a, euler_b = SPACES["euler_orientation"]

    def euler_contains(value, space):
        low, high = euler_a
        value = np.asarray(value, dtype=np.float64)
        return bool(np.all(value >= low - 1e-9) and np.all(value <= high + 1e-9))

    registry.add(
        CausalVariable(
            f"{name}.orientation",
            (4,),
            "quaternion xyzw",
            "orientation",
            get_orientation,
            set_orientation,
            as_bounds([-1.0] * 4, [1.0] * 4),
            as_bounds([-1.0] * 4, [1.0] * 4),
            kind=DYNAMIC,
            contains_fn=lambda v, s: euler_contains(quaternion_to_rotation_vector(v), s),
            in_spaces=False,
        )
    )
    registry.add(
        CausalVariable(
            f"{name}.euler_orientation",
            (3,),
            "rad (rotation vector)",
            "orientation as a rotation vector",
            lambda: quaternion_to_rotation_vector(get_orientation()),
            lambda v: set_orientation(rotation_vector_to_quaternion(v)),
            euler_a,
            euler_b,
            kind=DYNAMIC,
            canonical=False,
            contains_fn=lambda v, s: euler_contains(quaternion_to_rotation_vector(rotation_vector_to_quaternion(v)), s),
        )
    )
    if isinstance(obj, Silhouette) and obj.sphere:
        # a goal sphere's size (its diameter, 3 values as in the original) is reported, not intervenable
        registry.add(CausalVariable(f"{name}.size", (3,), "m", "diameter", lambda: obj.size, None))
        return
    registry.add(
        CausalVariable(
            f"{name}.size",
            (3,),
            "m",
            "edge lengths",
            lambda: obj.size,
            lambda v: stage.resize({name: tuple(v)}),
            *SPACES["size"],
            kind=GEOMETRY,
        )
    )
    if not isinstance(obj, Block):
        return
    registry.add(
        CausalVariable(
            f"{name}.friction",
            (),
            "-",
            "lateral friction coefficient",
            lambda: obj.lateral_friction,
            lambda v: obj.set_friction(float(v)),
            *SPACES["friction"],
            in_spaces=False,
        )
    )
    if not obj.is_movable:
        return
    registry.add(
        CausalVariable(
            f"{name}.mass", (), "kg", "mass", lambda: obj.mass, lambda v: obj.set_mass(float(v)), *SPACES["mass"]
        )
    )
    registry.add(
        CausalVariable(
            f"{name}.linear_velocity",
            (3,),
            "m/s",
            "linear velocity",
            lambda: obj.read_state().linear_velocity,
            lambda v: obj.set_velocity(v, obj.read_state().angular_velocity),
            *SPACES["linear_velocity"],
            kind=DYNAMIC,
            in_spaces=False,
        )
    )
    registry.add(
        CausalVariable(
            f"{name}.angular_velocity",
            (3,),
            "rad/s",
            "angular velocity",
            lambda: obj.read_state().angular_velocity,
            lambda v: obj.set_velocity(obj.read_state().linear_velocity, v),
            *SPACES["angular_velocity"],
            kind=DYNAMIC,
            in_spaces=False,
        )
    )


def _cartesian_hull(cylindrical: Bounds) -> Bounds:
    """Box hull (x, y, z) of cylindrical bounds, for display."""
    low, high = cylindrical
    r = high[0]
    return as_bounds((-r, -r, low[2]), (r, r, high[2]))


def build_registry(robot: TriFinger, stage: Stage, world: World) -> VariableRegistry:
    """Every robot, stage and object variable of a built scene (before task customization)."""
    registry = VariableRegistry()
    robot_variables(robot, registry)
    stage_variables(stage, world, registry)
    for obj in stage.objects.values():
        object_variables(obj, stage, registry)
    return registry


def rebuild_object_variables(stage: Stage, registry: VariableRegistry) -> None:
    """Re-register the object variables after objects were added or removed (generic bounds)."""
    for name in list(registry.object_names):
        registry.remove_object(name)
    for obj in stage.objects.values():
        object_variables(obj, stage, registry)
